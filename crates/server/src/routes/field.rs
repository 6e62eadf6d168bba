//! What field pairs send and need: `GET /api/codes`, `POST /api/observations`,
//! `GET /api/observations/count`, `POST /api/walks`, `POST /api/walks/planned/{id}/done`.

use crate::auth::{ApiRole, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, lonlat};
use crate::routes::revisits::{TeamQuery, local_time, team_of};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use feltkart_model::{DayPart, Observation};
use feltkart_store::{Action, CodeList, Labels, ObjectKind};
use serde::Serialize;

/// Labels of a code.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LabelsOut {
    /// Danish.
    pub da: String,
    /// Norwegian bokmål.
    pub nb: String,
    /// English.
    pub en: String,
}

/// A code with its labels.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Code {
    /// The code.
    pub code: String,
    /// Labels.
    pub labels: LabelsOut,
}

/// The code lists (from `data/signs.toml`).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Codes {
    /// Signs a pair may log.
    pub signs: Vec<Code>,
    /// Outcomes of a revisit attempt.
    pub outcomes: Vec<Code>,
    /// Day-parts (the slots of coverage).
    pub day_parts: Vec<Code>,
}

/// An observation.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObservationIn {
    /// Longitude.
    #[schema(minimum = -180, maximum = 180)]
    pub lon: f64,
    /// Latitude.
    #[schema(minimum = -90, maximum = 90)]
    pub lat: f64,
    /// Sign code (see `/api/codes`).
    pub sign: String,
    /// Local time `YYYY-MM-DDTHH:MM[:SS]` (default: now).
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$")]
    pub at: Option<String>,
}

/// A stored observation.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ObservationCreated {
    /// The batch id it was committed in.
    pub id: i64,
    /// The H3 cell it is stored at (the point itself is not kept).
    pub cell: String,
}

/// A team's observation count.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ObservationCount {
    /// Team id.
    pub team: u32,
    /// Distinct observation events (one place and moment, however many signs).
    pub count: u32,
}

fn labels(l: &Labels) -> LabelsOut {
    LabelsOut {
        da: l.da.clone(),
        nb: l.nb.clone(),
        en: l.en.clone(),
    }
}

fn day_part_labels(p: DayPart) -> (&'static str, &'static str, &'static str) {
    match p {
        DayPart::Morning => ("Morgen", "Morgen", "Morning"),
        DayPart::Midday => ("Middag", "Midt på dagen", "Midday"),
        DayPart::Afternoon => ("Eftermiddag", "Ettermiddag", "Afternoon"),
        DayPart::Evening => ("Aften", "Kveld", "Evening"),
        DayPart::Night => ("Nat", "Natt", "Night"),
    }
}

fn codes_list() -> ApiResult<CodeList> {
    CodeList::builtin().map_err(|e| ApiError::internal(&e))
}

/// The sign, outcome and day-part codes with their labels.
#[utoipa::path(get, path = "/api/codes", tag = "field", security(("bearer" = [])),
    responses((status = 200, body = Codes), (status = 401, body = crate::error::ErrorBody)))]
pub async fn codes(_me: CurrentUser) -> ApiResult<ApiJson<Codes>> {
    let list = codes_list()?;
    Ok(ApiJson(Codes {
        signs: list
            .signs
            .iter()
            .map(|(c, l)| Code {
                code: c.as_str().to_owned(),
                labels: labels(l),
            })
            .collect(),
        outcomes: list
            .outcomes
            .iter()
            .map(|(c, l)| Code {
                code: c.to_string(),
                labels: labels(l),
            })
            .collect(),
        day_parts: DayPart::ALL
            .iter()
            .map(|&p| {
                let (da, nb, en) = day_part_labels(p);
                Code {
                    code: p.as_str().to_owned(),
                    labels: LabelsOut {
                        da: da.into(),
                        nb: nb.into(),
                        en: en.into(),
                    },
                }
            })
            .collect(),
    }))
}

/// Log one observation for the user's team; answered after it is committed to disk.
#[utoipa::path(post, path = "/api/observations", tag = "field", request_body = ObservationIn,
    security(("bearer" = [])),
    responses((status = 201, body = ObservationCreated),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn observe(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiJson(o): ApiJson<ObservationIn>,
) -> ApiResult<(StatusCode, ApiJson<ObservationCreated>)> {
    me.allow(&[ApiRole::Field], "log observations")?;
    let team = me.own_team()?;
    let p = lonlat("observation", [o.lon, o.lat])?;
    let list = codes_list()?;
    let sign = list.sign(&o.sign).cloned().ok_or_else(|| {
        ApiError::bad_request(format!(
            "sign `{}` is not a known sign code: use one of {}",
            o.sign,
            list.sign_list()
        ))
    })?;
    let at = match &o.at {
        Some(s) => local_time("at", s)?,
        None => chrono::Utc::now()
            .with_timezone(&st.0.config.utc_offset)
            .naive_local(),
    };
    let res = h3o::Resolution::try_from(st.engine().table.resolution)
        .map_err(|e| ApiError::internal(&e))?;
    let cell = h3o::LatLng::new(p.lat, p.lon)
        .map_err(|e| ApiError::bad_request(format!("observation: {e}")))?
        .to_cell(res);
    let batch = st.batch()?;
    let actor = me.actor();
    let obs = Observation {
        cell: u64::from(cell),
        sign,
        at,
    };
    let id = tokio::task::spawn_blocking(move || batch.insert_observations(actor, team, vec![obs]))
        .await??;
    Ok((
        StatusCode::CREATED,
        ApiJson(ObservationCreated {
            id: id.0,
            cell: cell.to_string(),
        }),
    ))
}

/// How many observation events a team has logged (within the retention period).
#[utoipa::path(get, path = "/api/observations/count", tag = "field", params(TeamQuery),
    security(("bearer" = [])),
    responses((status = 200, body = ObservationCount),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn count(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiQuery(q): ApiQuery<TeamQuery>,
) -> ApiResult<ApiJson<ObservationCount>> {
    me.allow(&[ApiRole::Field], "count observations")?;
    let team = team_of(&me, q.team)?;
    let actor = me.actor();
    let count = st
        .store()
        .run(move |s| {
            let from = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
            let to = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default();
            let n = s
                .observation_events(Some(team), from, to)?
                .iter()
                .map(|c| c.events)
                .sum();
            s.log_access(actor, Action::Read, ObjectKind::ObservationBatch, None)?;
            Ok(n)
        })
        .await?;
    Ok(ApiJson(ObservationCount {
        team: team.0,
        count,
    }))
}

/// A logged walk.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WalkLogged {
    /// Walk id.
    pub id: i64,
    /// Local start.
    pub start: String,
    /// Minutes walked.
    pub minutes: f64,
    /// Metres walked.
    pub metres: f64,
    /// Cell × slot rows stored.
    pub cells: usize,
    /// GPS fixes far from any street (ignored).
    pub fixes_off_network: usize,
}

/// `?walk=N` of a planned walk.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WalkQuery {
    /// Which walk of the plan (default 1).
    #[param(minimum = 1, maximum = 8)]
    pub walk: Option<usize>,
}

/// Store coverage of a walk for the user's team: minutes and metres per cell and slot.
pub(crate) async fn store_walk(
    st: &AppState,
    me: &CurrentUser,
    start: chrono::NaiveDateTime,
    cells: Vec<feltkart_model::CellSlotWalk>,
    off: usize,
) -> ApiResult<WalkLogged> {
    let team = me.own_team()?;
    if cells.is_empty() {
        return Err(ApiError::unprocessable(
            "the walk covers no cell: nothing to log",
        ));
    }
    let minutes: f64 = cells.iter().map(|c| c.minutes).sum();
    let metres: f64 = cells.iter().map(|c| c.metres).sum();
    let n = cells.len();
    let batch = st.batch()?;
    let actor = me.actor();
    let log = feltkart_store::WalkLog {
        team,
        date: start.date(),
        walkers: 2,
        cells,
    };
    let id = tokio::task::spawn_blocking(move || batch.log_walk(actor, log)).await??;
    Ok(WalkLogged {
        id: id.0,
        start: start.format("%Y-%m-%dT%H:%M:%S").to_string(),
        minutes: (minutes * 10.0).round() / 10.0,
        metres: metres.round(),
        cells: n,
        fixes_off_network: off,
    })
}

pub(crate) fn resolution(st: &AppState) -> ApiResult<h3o::Resolution> {
    h3o::Resolution::try_from(st.engine().table.resolution).map_err(|e| ApiError::internal(&e))
}

/// Log a walked GPX track (`application/gpx+xml`): map-matched onto the walking network and
/// stored as minutes and metres per cell and time slot; the track itself is never stored.
#[utoipa::path(post, path = "/api/walks", tag = "field",
    request_body(content = String, content_type = "application/gpx+xml"),
    security(("bearer" = [])),
    responses((status = 201, body = WalkLogged),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn log_walk(
    State(st): State<AppState>,
    me: CurrentUser,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, ApiJson<WalkLogged>)> {
    me.allow(&[ApiRole::Field], "log walks")?;
    me.own_team()?;
    let engine = std::sync::Arc::clone(&st.0.engine);
    let res = resolution(&st)?;
    let offset = st.0.config.utc_offset;
    let (start, cells, off) = tokio::task::spawn_blocking(move || {
        let track =
            feltkart_cells::read_track(body.as_ref(), "the uploaded GPX", chrono::Utc::now())
                .map_err(|e| ApiError::bad_request(e.to_string()))?;
        let g = &engine.atlas.graph;
        let m = feltkart_graph::match_track(
            &g.graph,
            &engine.snap,
            &engine.adjacency,
            &track.points,
            &feltkart_graph::MatchOptions::default(),
        )
        .map_err(|e| ApiError::unprocessable(format!("the uploaded GPX: {e}")))?;
        let start = track.start.with_timezone(&offset).naive_local();
        Ok::<_, ApiError>((
            start,
            feltkart_cells::walked_cells(&g.graph, &m.traversals, start, res),
            m.points_off_network,
        ))
    })
    .await??;
    let logged = store_walk(&st, &me, start, cells, off).await?;
    Ok((StatusCode::CREATED, ApiJson(logged)))
}

/// Mark a planned walk (of the user's team) as walked: its streets, at the plan's times, are
/// logged as coverage.
#[utoipa::path(post, path = "/api/walks/planned/{id}/done", tag = "field",
    params(("id" = i64, Path, description = "Plan id", minimum = 1), WalkQuery),
    security(("bearer" = [])),
    responses((status = 201, body = WalkLogged),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn planned_done(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<WalkQuery>,
) -> ApiResult<(StatusCode, ApiJson<WalkLogged>)> {
    me.allow(&[ApiRole::Field], "log walks")?;
    let team = me.own_team()?;
    let plan = st.walk_plan(id)?;
    if plan.team != Some(team) {
        return Err(ApiError::forbidden(format!(
            "walk plan {id} was not planned for team {}",
            team.0
        )));
    }
    let n = q.walk.unwrap_or(1);
    let (edges, minutes) = n
        .checked_sub(1)
        .and_then(|i| plan.walks.get(i))
        .ok_or_else(|| ApiError::not_found(format!("plan {id} has {} walks", plan.walks.len())))?;
    #[allow(clippy::cast_possible_truncation)]
    let end = plan.at + chrono::Duration::seconds((minutes * 60.0).round() as i64);
    let now = chrono::Utc::now()
        .with_timezone(&st.0.config.utc_offset)
        .naive_local();
    if end > now {
        return Err(ApiError::unprocessable(format!(
            "walk {n} of plan {id} ends at {end}, which is still to come"
        )));
    }
    let g = &st.engine().atlas.graph;
    let traversals = feltkart_cells::planned_traversals(&g.graph, edges, minutes * 60.0);
    let cells = feltkart_cells::walked_cells(&g.graph, &traversals, plan.at, resolution(&st)?);
    let logged = store_walk(&st, &me, plan.at, cells, 0).await?;
    Ok((StatusCode::CREATED, ApiJson(logged)))
}
