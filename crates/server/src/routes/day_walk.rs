//! A planned day in the field: `GET /api/plan/day/{id}.gpx` (its GPX 1.1, the stops as
//! waypoints) and `POST /api/plan/day/{id}/done` (its streets logged as the team's walk).

use crate::auth::{ApiRole, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use crate::routes::field::{WalkLogged, resolution, store_walk};
use crate::state::{AppState, StoredDayPlan};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use feltkart_model::TeamId;

/// The kept day plan `id`, if `me` may use it: field users and planners of its team.
fn plan_for(st: &AppState, me: &CurrentUser, id: i64) -> ApiResult<StoredDayPlan> {
    let plan = st.day_plan_by_id(id)?;
    me.allow_team(TeamId(plan.out.team))?;
    Ok(plan)
}

/// A planned day's route as GPX 1.1 (track with times, the stops as waypoints), for the
/// field users and planners of its team.
#[utoipa::path(get, path = "/api/plan/day/{file}", tag = "field",
    params(("file" = String, Path, description = "`ID.gpx`: the day plan's id", pattern = r"^[1-9][0-9]{0,17}\.gpx$")),
    security(("bearer" = [])),
    responses((status = 200, description = "GPX 1.1", content_type = "application/gpx+xml", body = String),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn day_gpx(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiPath(file): ApiPath<String>,
) -> ApiResult<Response> {
    me.allow(&[ApiRole::Field, ApiRole::Planner], "download day routes")?;
    let id: i64 = file
        .strip_suffix(".gpx")
        .and_then(|n| n.parse().ok())
        .filter(|&n| n >= 1)
        .ok_or_else(|| {
            ApiError::bad_request(format!("`{file}`: expected ID.gpx with a day plan's id"))
        })?;
    let plan = plan_for(&st, &me, id)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/gpx+xml".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"day-{}-{id}.gpx\"", plan.out.date),
            ),
        ],
        plan.gpx,
    )
        .into_response())
}

/// Mark a planned day (of the user's team) as walked: its streets, at the plan's times from
/// the shift's start, are logged as the team's walk, once. Refused before the shift has begun
/// (422) and when it is already marked done (409).
#[utoipa::path(post, path = "/api/plan/day/{id}/done", tag = "field",
    params(("id" = i64, Path, description = "Day plan id", minimum = 1)),
    security(("bearer" = [])),
    responses((status = 201, body = WalkLogged),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn day_done(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<(StatusCode, ApiJson<WalkLogged>)> {
    me.allow(&[ApiRole::Field], "log walks")?;
    me.own_team()?;
    let plan = plan_for(&st, &me, id)?;
    let now = chrono::Utc::now()
        .with_timezone(&st.0.config.utc_offset)
        .naive_local();
    if plan.start > now {
        return Err(ApiError::unprocessable(format!(
            "day plan {id} starts at {}, which is still to come",
            plan.start
        )));
    }
    if st.set_day_done(id, true) != Some(false) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            format!("day plan {id} is already marked done"),
        ));
    }
    let g = &st.engine().atlas.graph;
    let traversals = feltkart_cells::planned_traversals(&g.graph, &plan.edges, plan.walk_s);
    let cells = feltkart_cells::walked_cells(&g.graph, &traversals, plan.start, resolution(&st)?);
    match store_walk(&st, &me, plan.start, cells, 0).await {
        Ok(logged) => Ok((StatusCode::CREATED, ApiJson(logged))),
        Err(e) => {
            st.set_day_done(id, false);
            Err(e)
        }
    }
}
