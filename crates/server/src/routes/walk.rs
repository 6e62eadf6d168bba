//! `POST /api/plan/walk` and `GET /api/plan/walk/{id}/{n}.gpx`: observation walks, planned by
//! `feltkart_plan::walk::request` exactly as `feltkart plan walk` does.

use crate::auth::{ApiRole, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, lonlat};
use crate::state::{AppState, StoredWalkPlan};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use feltkart_plan::export::{to_geojson, to_gpx};
use feltkart_plan::walk::request::{RequestError, WalkRequest, plan_request};
use feltkart_store::TeamId;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A walk to plan.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WalkPlanRequest {
    /// Profile key.
    pub profile: String,
    /// Start `[lon, lat]`.
    #[schema(min_items = 2, max_items = 2)]
    pub start: [f64; 2],
    /// End `[lon, lat]` (default: back to the start).
    #[schema(min_items = 2, max_items = 2)]
    pub end: Option<[f64; 2]>,
    /// Minutes available, 1–720.
    #[schema(minimum = 1, maximum = 720)]
    pub minutes: u32,
    /// Start time, RFC 3339 with offset (default: now in the server's offset).
    #[schema(format = DateTime)]
    pub at: Option<String>,
    /// Pairs walking that day, 1–8 (default 1).
    #[schema(minimum = 1, maximum = 8)]
    pub pairs: Option<u32>,
    /// Minutes per dwell stop at hotspots, 0–60 (default 0).
    #[schema(minimum = 0, maximum = 60)]
    pub dwell_minutes: Option<u32>,
    /// Seed (default 1).
    pub seed: Option<u64>,
    /// The team the walk is for (its field users may download the GPX).
    pub team: Option<u32>,
}

/// One line of a walk sheet.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SheetLine {
    /// Local time `HH:MM`.
    pub time: String,
    /// Street or stop.
    pub name: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
}

/// One planned walk.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PlannedRoute {
    /// The route as GeoJSON (legs and stops).
    #[schema(value_type = Object)]
    pub geojson: geojson::FeatureCollection,
    /// The walk sheet.
    pub sheet: Vec<SheetLine>,
    /// Length, metres.
    pub length_m: f64,
    /// Minutes.
    pub minutes: f64,
}

/// Planned walks.
#[derive(Serialize, utoipa::ToSchema)]
pub struct WalkPlanResponse {
    /// Plan id (for the GPX downloads).
    pub id: i64,
    /// One route per pair.
    pub routes: Vec<PlannedRoute>,
}

fn parse_at(
    at: Option<&str>,
    st: &AppState,
) -> ApiResult<(chrono::NaiveDateTime, chrono::FixedOffset)> {
    match at {
        Some(s) => chrono::DateTime::parse_from_rfc3339(s)
            .map(|t| (t.naive_local(), *t.offset()))
            .map_err(|e| ApiError::bad_request(format!("at `{s}`: not RFC 3339 ({e})"))),
        None => {
            let off = st.0.config.utc_offset;
            Ok((chrono::Utc::now().with_timezone(&off).naive_local(), off))
        }
    }
}

/// Plan observation walks for one or more pairs from a start, within the minutes available.
#[utoipa::path(post, path = "/api/plan/walk", tag = "planner", request_body = WalkPlanRequest,
    security(("bearer" = [])),
    responses((status = 200, body = WalkPlanResponse),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn plan_walk(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiJson(req): ApiJson<WalkPlanRequest>,
) -> ApiResult<ApiJson<WalkPlanResponse>> {
    me.allow(&[ApiRole::Planner], "plan walks")?;
    if let Some(t) = req.team {
        me.allow_team(TeamId(t))?;
    }
    let start = lonlat("start", req.start)?;
    let end = req.end.map(|e| lonlat("end", e)).transpose()?;
    if !(1..=720).contains(&req.minutes) {
        return Err(ApiError::bad_request(format!(
            "minutes {}: must be from 1 to 720",
            req.minutes
        )));
    }
    let pairs = req.pairs.unwrap_or(1);
    if !(1..=8).contains(&pairs) {
        return Err(ApiError::bad_request(format!(
            "pairs {pairs}: must be from 1 to 8"
        )));
    }
    let dwell = req.dwell_minutes.unwrap_or(0);
    if dwell > 60 {
        return Err(ApiError::bad_request(format!(
            "dwell_minutes {dwell}: must be from 0 to 60"
        )));
    }
    if st.engine().profile(&req.profile).is_none() {
        return Err(ApiError::bad_request(format!(
            "unknown profile `{}`",
            req.profile
        )));
    }
    let (at, utc_offset) = parse_at(req.at.as_deref(), &st)?;
    let request = WalkRequest {
        starts: vec![start],
        end,
        minutes: req.minutes,
        at,
        utc_offset,
        pairs,
        seed: req.seed.unwrap_or(1),
        dwell_minutes: dwell,
    };
    let engine = std::sync::Arc::clone(&st.0.engine);
    let key = req.profile.clone();
    let plan = tokio::task::spawn_blocking(move || {
        let e = &*engine;
        let ctx = e.walk_context(&key)?;
        plan_request(&ctx, &request).map_err(|err| match err {
            RequestError::Walk(w) => ApiError::unprocessable(w.to_string()),
            RequestError::Resolution(_) | RequestError::NoStreets => ApiError::internal(&err),
            other => ApiError::unprocessable(other.to_string()),
        })
    })
    .await??;
    let mut routes = Vec::new();
    let mut gpx = Vec::new();
    for pw in &plan.walks {
        let r = &pw.route;
        gpx.push(to_gpx(r).map_err(|e| ApiError::internal(&e))?);
        let mut sheet: Vec<SheetLine> = r
            .legs
            .iter()
            .filter_map(|l| {
                let p = r.points.get(l.points.0)?;
                Some(SheetLine {
                    time: l.depart.format("%H:%M").to_string(),
                    name: l.street.clone().unwrap_or_else(|| "(unnamed path)".into()),
                    lon: p.at.lon,
                    lat: p.at.lat,
                })
            })
            .collect();
        sheet.extend(r.stops.iter().map(|s| SheetLine {
            time: s.arrive.format("%H:%M").to_string(),
            name: s.name.clone(),
            lon: s.at.lon,
            lat: s.at.lat,
        }));
        sheet.sort_by(|a, b| a.time.cmp(&b.time));
        routes.push(PlannedRoute {
            geojson: to_geojson(r),
            sheet,
            length_m: (r.metres() * 10.0).round() / 10.0,
            minutes: (pw.walk.time_s / 6.0).round() / 10.0,
        });
    }
    let params = json!({
        "kind": "walk", "profile": req.profile, "start": req.start, "end": req.end,
        "minutes": req.minutes, "at": at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        "utc_offset": utc_offset.to_string(), "pairs": pairs, "dwell_minutes": dwell,
        "seed": req.seed.unwrap_or(1), "team": req.team,
    });
    let checksum = format!("{:08x}", st.engine().checksum);
    let actor = me.actor();
    let id = st
        .store()
        .run(move |s| Ok(s.save_plan(actor, &params, &checksum)?))
        .await?
        .0;
    st.keep_walk_plan(
        id,
        StoredWalkPlan {
            team: req.team.map(TeamId),
            gpx,
            walks: plan
                .walks
                .iter()
                .map(|w| (w.walk.edges.clone(), w.walk.time_s / 60.0))
                .collect(),
            at,
        },
    );
    Ok(ApiJson(WalkPlanResponse { id, routes }))
}

/// A planned walk as GPX 1.1 (planners; field users of the team it was planned for).
#[utoipa::path(get, path = "/api/plan/walk/{id}/{file}", tag = "planner",
    params(("id" = i64, Path, description = "Plan id", minimum = 1),
           ("file" = String, Path, description = "`N.gpx`, N from 1", pattern = r"^[1-9][0-9]{0,2}\.gpx$")),
    security(("bearer" = [])),
    responses((status = 200, description = "GPX 1.1", content_type = "application/gpx+xml", body = String),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn walk_gpx(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiPath((id, file)): ApiPath<(i64, String)>,
) -> ApiResult<Response> {
    me.allow(&[ApiRole::Planner, ApiRole::Field], "download walks")?;
    let n: usize = file
        .strip_suffix(".gpx")
        .and_then(|n| n.parse().ok())
        .filter(|&n| n >= 1)
        .ok_or_else(|| ApiError::bad_request(format!("`{file}`: expected N.gpx with N from 1")))?;
    let plan = st.walk_plan(id)?;
    match (me.role, plan.team) {
        (ApiRole::Field, None) => {
            return Err(ApiError::forbidden(
                "this walk was planned for no team; ask a planner",
            ));
        }
        (_, Some(t)) => me.allow_team(t)?,
        _ => {}
    }
    let gpx = plan
        .gpx
        .get(n - 1)
        .ok_or_else(|| ApiError::not_found(format!("plan {id} has {} walks", plan.gpx.len())))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/gpx+xml".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"walk-{id}-{n}.gpx\""),
            ),
        ],
        gpx.clone(),
    )
        .into_response())
}
