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

/// Log a walked GPX track (`application/gpx+xml`): map-matched to cells × slots; the track itself
/// is never stored. Not yet available (map matching, issue 7): answers 501.
#[utoipa::path(post, path = "/api/walks", tag = "field",
    request_body(content = String, content_type = "application/gpx+xml"),
    security(("bearer" = [])),
    responses((status = 501, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn log_walk(me: CurrentUser) -> ApiResult<StatusCode> {
    me.allow(&[ApiRole::Field], "log walks")?;
    Err(ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        "not_implemented",
        "logging a GPX walk needs map matching (issue 7), not in this build",
    ))
}

/// Mark a planned walk as walked (logs its coverage). Not yet available: answers 501.
#[utoipa::path(post, path = "/api/walks/planned/{id}/done", tag = "field",
    params(("id" = i64, Path, description = "Plan id", minimum = 1)), security(("bearer" = [])),
    responses((status = 501, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn planned_done(me: CurrentUser, ApiPath(_id): ApiPath<i64>) -> ApiResult<StatusCode> {
    me.allow(&[ApiRole::Field], "log walks")?;
    Err(ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        "not_implemented",
        "marking a planned walk done needs the walk-to-coverage step (issue 7), not in this build",
    ))
}
