//! Revisits: `GET/POST /api/revisits`, `GET/PUT/DELETE /api/revisits/{id}`,
//! `POST /api/revisits/{id}/attempts`. Field users see their own team's, planners their
//! team's (or every team's, with no team set). Every read and write is in the audit log.

use crate::auth::{ApiRole, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, lonlat};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime};
use feltkart_model::{Outcome, RevisitId, RevisitMode, TeamId, Window};
use feltkart_store::{Action, NewRevisit, ObjectKind, RevisitRow};
use serde::{Deserialize, Serialize};

const ROLES: &[ApiRole] = &[ApiRole::Field, ApiRole::Planner];
const WHAT: &str = "see or change revisits";

/// A revisit as the API shows it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RevisitOut {
    /// Id.
    pub id: u64,
    /// Team id.
    pub team: u32,
    /// Longitude of the place.
    pub lon: f64,
    /// Latitude of the place.
    pub lat: f64,
    /// H3 cell of the place.
    pub cell: String,
    /// `appointment` or `search`.
    pub mode: String,
    /// Appointment window start (local `YYYY-MM-DDTHH:MM:SS`).
    pub window_start: Option<String>,
    /// Appointment window end.
    pub window_end: Option<String>,
    /// Search: last day to try (`YYYY-MM-DD`).
    pub due: Option<String>,
    /// Priority 1–5.
    pub priority: u8,
    /// When it was closed, if it is.
    pub closed_at: Option<String>,
    /// Attempts, oldest first (in single-revisit answers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts: Option<Vec<AttemptOut>>,
}

/// An attempt.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AttemptOut {
    /// Id.
    pub id: i64,
    /// Local time.
    pub at: String,
    /// Slot (`weekday_evening`, ...).
    pub slot: String,
    /// Outcome code.
    pub outcome: String,
}

/// A revisit to create or replace.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevisitIn {
    /// Team id (default: the user's team).
    pub team: Option<u32>,
    /// Longitude.
    #[schema(minimum = -180, maximum = 180)]
    pub lon: f64,
    /// Latitude.
    #[schema(minimum = -90, maximum = 90)]
    pub lat: f64,
    /// `appointment` (needs `window_start` and `window_end`) or `search` (needs `due`).
    pub mode: ModeIn,
    /// Appointment window start, local `YYYY-MM-DDTHH:MM[:SS]`.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$")]
    pub window_start: Option<String>,
    /// Appointment window end.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$")]
    pub window_end: Option<String>,
    /// Search: the last day to try, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub due: Option<String>,
    /// Priority 1–5 (default 3).
    #[schema(minimum = 1, maximum = 5)]
    pub priority: Option<u8>,
}

/// Revisit mode.
#[derive(Clone, Copy, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModeIn {
    /// A promised window.
    Appointment,
    /// Try again by a day.
    Search,
}

/// An attempt to record.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttemptIn {
    /// Local time `YYYY-MM-DDTHH:MM[:SS]`.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?$")]
    pub at: String,
    /// Outcome code (see `/api/codes`).
    #[schema(
        pattern = "^(no_answer|note_left|note_gone|contact|declined|not_in_target_group|moved)$"
    )]
    pub outcome: String,
}

/// The recorded attempt.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AttemptCreated {
    /// Attempt id.
    pub id: i64,
    /// Whether the outcome closed the revisit.
    pub closed: bool,
}

/// A created revisit.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Created {
    /// Id.
    pub id: u64,
}

/// `?team=`.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TeamQuery {
    /// Team id (default: the user's team).
    pub team: Option<u32>,
}

/// Parse a local time `YYYY-MM-DDTHH:MM[:SS]`.
///
/// # Errors
/// 400 naming the field.
pub fn local_time(what: &str, s: &str) -> ApiResult<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .map_err(|_| {
            ApiError::bad_request(format!(
                "{what} `{s}`: not a local time like 2026-12-01T19:00"
            ))
        })
}

/// Parse a date `YYYY-MM-DD`.
///
/// # Errors
/// 400 naming the field.
pub fn day(what: &str, s: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| ApiError::bad_request(format!("{what} `{s}`: not a date like 2026-12-01")))
}

/// The team a request is about: the given one (checked) or the user's own.
///
/// # Errors
/// 400 when neither is known; 403 when the user may not see the team.
pub fn team_of(me: &CurrentUser, team: Option<u32>) -> ApiResult<TeamId> {
    let t = match team {
        Some(t) => TeamId(t),
        None => me
            .user
            .team
            .ok_or_else(|| ApiError::bad_request("give team=ID (the user has no team)"))?,
    };
    me.allow_team(t)?;
    Ok(t)
}

fn fmt(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn out(r: &RevisitRow, attempts: Option<Vec<AttemptOut>>) -> RevisitOut {
    let v = &r.revisit;
    let (mode, ws, we, due) = match v.mode {
        RevisitMode::Appointment { window } => (
            "appointment",
            Some(fmt(window.start)),
            Some(fmt(window.end)),
            None,
        ),
        RevisitMode::Search { due } => ("search", None, None, Some(due.to_string())),
    };
    RevisitOut {
        id: r.id.0,
        team: v.team.0,
        lon: v.place.lon,
        lat: v.place.lat,
        cell: format!("{:x}", v.cell),
        mode: mode.into(),
        window_start: ws,
        window_end: we,
        due,
        priority: v.priority,
        closed_at: r.closed_at.map(fmt),
        attempts,
    }
}

fn new_revisit(st: &AppState, me: &CurrentUser, r: &RevisitIn) -> ApiResult<NewRevisit> {
    let team = team_of(me, r.team)?;
    let place = lonlat("place", [r.lon, r.lat])?;
    let res = h3o::Resolution::try_from(st.engine().table.resolution)
        .map_err(|e| ApiError::internal(&e))?;
    let cell = h3o::LatLng::new(place.lat, place.lon)
        .map_err(|e| ApiError::bad_request(format!("place: {e}")))?
        .to_cell(res);
    let mode = match r.mode {
        ModeIn::Appointment => {
            let (Some(s), Some(e)) = (&r.window_start, &r.window_end) else {
                return Err(ApiError::bad_request(
                    "an appointment needs window_start and window_end",
                ));
            };
            if r.due.is_some() {
                return Err(ApiError::bad_request("an appointment has no due date"));
            }
            let window = Window {
                start: local_time("window_start", s)?,
                end: local_time("window_end", e)?,
            };
            if window.end <= window.start {
                return Err(ApiError::bad_request(
                    "window_end must be after window_start",
                ));
            }
            RevisitMode::Appointment { window }
        }
        ModeIn::Search => {
            let Some(d) = &r.due else {
                return Err(ApiError::bad_request("a search needs a due date"));
            };
            if r.window_start.is_some() || r.window_end.is_some() {
                return Err(ApiError::bad_request("a search has no window"));
            }
            RevisitMode::Search {
                due: day("due", d)?,
            }
        }
    };
    let priority = r.priority.unwrap_or(3);
    if !(1..=5).contains(&priority) {
        return Err(ApiError::bad_request(format!(
            "priority {priority}: must be from 1 to 5"
        )));
    }
    Ok(NewRevisit {
        team,
        place,
        cell: u64::from(cell),
        mode,
        priority,
    })
}

/// Load a revisit the user may see (404 when there is none, 403 for another team's).
async fn visible(st: &AppState, me: &CurrentUser, id: u64) -> ApiResult<RevisitRow> {
    let row = st
        .store()
        .run(move |s| Ok(s.revisit(RevisitId(id))?))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("revisit {id} does not exist")))?;
    me.allow_team(row.revisit.team)?;
    Ok(row)
}

/// Open revisits of a team.
#[utoipa::path(get, path = "/api/revisits", tag = "field", params(TeamQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<RevisitOut>),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn list(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiQuery(q): ApiQuery<TeamQuery>,
) -> ApiResult<ApiJson<Vec<RevisitOut>>> {
    me.allow(ROLES, WHAT)?;
    let team = team_of(&me, q.team)?;
    let actor = me.actor();
    let rows = st
        .store()
        .run(move |s| {
            let rows = s.open_revisits(team)?;
            s.log_access(actor, Action::Read, ObjectKind::Revisit, None)?;
            Ok(rows)
        })
        .await?;
    Ok(ApiJson(rows.iter().map(|r| out(r, None)).collect()))
}

/// Create a revisit.
#[utoipa::path(post, path = "/api/revisits", tag = "field", request_body = RevisitIn,
    security(("bearer" = [])),
    responses((status = 201, body = Created),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn create(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiJson(r): ApiJson<RevisitIn>,
) -> ApiResult<(StatusCode, ApiJson<Created>)> {
    me.allow(ROLES, WHAT)?;
    let new = new_revisit(&st, &me, &r)?;
    let actor = me.actor();
    let id = st
        .store()
        .run(move |s| Ok(s.create_revisit(actor, &new)?))
        .await?;
    Ok((StatusCode::CREATED, ApiJson(Created { id: id.0 })))
}

/// One revisit with its attempts.
#[utoipa::path(get, path = "/api/revisits/{id}", tag = "field",
    params(("id" = u64, Path, description = "Revisit id", minimum = 1, maximum = 9_007_199_254_740_991_u64)), security(("bearer" = [])),
    responses((status = 200, body = RevisitOut),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn get_one(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<u64>,
) -> ApiResult<ApiJson<RevisitOut>> {
    me.allow(ROLES, WHAT)?;
    let row = visible(&st, &me, id).await?;
    let actor = me.actor();
    let attempts = st
        .store()
        .run(move |s| {
            let a = s.attempts(RevisitId(id))?;
            s.log_access(
                actor,
                Action::Read,
                ObjectKind::Revisit,
                i64::try_from(id).ok(),
            )?;
            Ok(a)
        })
        .await?;
    let attempts = attempts
        .iter()
        .map(|a| AttemptOut {
            id: a.id.0,
            at: fmt(a.attempt.at),
            slot: a.attempt.slot.to_string(),
            outcome: a.attempt.outcome.to_string(),
        })
        .collect();
    Ok(ApiJson(out(&row, Some(attempts))))
}

/// Replace a revisit's mode, window or due date and priority (the place and team stay).
#[utoipa::path(put, path = "/api/revisits/{id}", tag = "field", request_body = RevisitIn,
    params(("id" = u64, Path, description = "Revisit id", minimum = 1, maximum = 9_007_199_254_740_991_u64)), security(("bearer" = [])),
    responses((status = 204, description = "Changed"),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn update(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<u64>,
    ApiJson(r): ApiJson<RevisitIn>,
) -> ApiResult<StatusCode> {
    me.allow(ROLES, WHAT)?;
    let row = visible(&st, &me, id).await?;
    let mut new = new_revisit(&st, &me, &r)?;
    if new.team != row.revisit.team || new.cell != row.revisit.cell {
        return Err(ApiError::bad_request(
            "a revisit's team and place cannot change; delete it and create another",
        ));
    }
    new.place = row.revisit.place;
    let actor = me.actor();
    st.store()
        .run(move |s| Ok(s.update_revisit(actor, RevisitId(id), &new)?))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Delete a revisit.
#[utoipa::path(delete, path = "/api/revisits/{id}", tag = "field",
    params(("id" = u64, Path, description = "Revisit id", minimum = 1, maximum = 9_007_199_254_740_991_u64)), security(("bearer" = [])),
    responses((status = 204, description = "Deleted"),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn delete(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<u64>,
) -> ApiResult<StatusCode> {
    me.allow(ROLES, WHAT)?;
    visible(&st, &me, id).await?;
    let actor = me.actor();
    st.store()
        .run(move |s| Ok(s.delete_revisit(actor, RevisitId(id))?))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Record an attempt; a closing outcome (contact, declined, not in the target group, moved)
/// closes the revisit.
#[utoipa::path(post, path = "/api/revisits/{id}/attempts", tag = "field",
    request_body = AttemptIn,
    params(("id" = u64, Path, description = "Revisit id", minimum = 1, maximum = 9_007_199_254_740_991_u64)), security(("bearer" = [])),
    responses((status = 201, body = AttemptCreated),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn attempt(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<u64>,
    ApiJson(a): ApiJson<AttemptIn>,
) -> ApiResult<(StatusCode, ApiJson<AttemptCreated>)> {
    me.allow(ROLES, WHAT)?;
    visible(&st, &me, id).await?;
    let at = local_time("at", &a.at)?;
    let outcome: Outcome = a
        .outcome
        .parse()
        .map_err(|e: feltkart_model::UnknownOutcome| ApiError::bad_request(e.to_string()))?;
    let actor = me.actor();
    let aid = st
        .store()
        .run(move |s| Ok(s.record_attempt(actor, RevisitId(id), at, outcome)?))
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(AttemptCreated {
            id: aid.0,
            closed: outcome.closes(),
        }),
    ))
}
