//! Day routes and the rota: `POST /api/plan/day` (a team's open revisits on a shift),
//! `GET /api/teams/{team}/today` (the newest day route planned for today, for the team's field
//! users) and `GET /api/rota` (JSON, CSV or iCalendar). Planned by `feltkart_plan::day`.

use crate::auth::{ApiRole, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, lonlat};
use crate::routes::revisits::{day, team_of};
use crate::state::{AppState, StoredDayPlan};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveTime, Weekday};
use feltkart_model::{NodeId, TeamId};
use feltkart_plan::day::rota::{RotaRequest, Team, WeeklyShift, plan_rota};
use feltkart_plan::day::route::{DayOptions, Shift, plan_day, snap_revisits};
use feltkart_plan::export::to_gpx;
use feltkart_plan::walk::request::{RequestError, snap_vertex};
use feltkart_store::{Action, ObjectKind};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A shift.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftIn {
    /// Start, local `HH:MM`.
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub start: String,
    /// End, local `HH:MM` (at or before the start: the next day).
    #[schema(pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub end: String,
    /// Where the pair starts, `[lon, lat]`.
    #[schema(min_items = 2, max_items = 2)]
    pub from: [f64; 2],
    /// Where the pair ends, `[lon, lat]`.
    #[schema(min_items = 2, max_items = 2)]
    pub to: [f64; 2],
}

/// A day to plan.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayPlanRequest {
    /// Team id.
    pub team: u32,
    /// Date `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub date: String,
    /// The shift.
    pub shift: ShiftIn,
    /// Profile key (kept with the plan).
    pub profile: String,
}

/// A stop on the day route.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StopOut {
    /// Revisit id.
    pub revisit: u64,
    /// Whether it is a promised appointment.
    pub appointment: bool,
    /// Arrival, local time.
    pub arrive: String,
    /// Start of the visit.
    pub start: String,
    /// Departure.
    pub depart: String,
    /// Longitude of the stop's street vertex.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
}

/// A revisit left off the route, and why.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UnreachableOut {
    /// Revisit id.
    pub revisit: u64,
    /// Why.
    pub reason: String,
}

/// A planned day.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DayPlanOut {
    /// Plan id.
    pub id: i64,
    /// Team id.
    pub team: u32,
    /// Date.
    pub date: String,
    /// Stops, legs and unreachable revisits.
    #[schema(value_type = Object)]
    pub route: Value,
}

/// `GET /api/rota` query.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RotaQuery {
    /// Team id (default: the user's team).
    pub team: Option<u32>,
    /// Weeks in the cycle, 1–12 (default 4).
    #[param(minimum = 1, maximum = 12)]
    pub weeks: Option<u32>,
    /// `json` (default), `csv` or `ics`.
    #[param(pattern = "^(json|csv|ics)$")]
    pub format: Option<String>,
    /// Profile whose top districts are the areas (default the first).
    pub profile: Option<String>,
    /// How many top districts are the areas, 1–20 (default 4).
    #[param(minimum = 1, maximum = 20)]
    pub areas: Option<u32>,
    /// Weekly shifts, `DAY@HH:MM-HH:MM` comma-separated, pair 0 (default
    /// `tue@16:00-20:00,thu@18:00-22:00,sat@14:00-18:00`).
    pub shifts: Option<String>,
    /// The Monday the cycle starts (default: the coming Monday).
    #[param(format = Date)]
    pub first_monday: Option<String>,
}

fn hm(what: &str, s: &str) -> ApiResult<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M")
        .map_err(|_| ApiError::bad_request(format!("{what} `{s}`: not a time like 19:00")))
}

fn local(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn request_error(e: RequestError) -> ApiError {
    match e {
        RequestError::NoStreets | RequestError::Resolution(_) => ApiError::internal(&e),
        other => ApiError::unprocessable(other.to_string()),
    }
}

/// Plan a team's day: its open revisits on one shift, in order, with times; the rest listed
/// with the reason.
#[utoipa::path(post, path = "/api/plan/day", tag = "planner", request_body = DayPlanRequest,
    security(("bearer" = [])),
    responses((status = 200, body = DayPlanOut),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub async fn plan(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiJson(r): ApiJson<DayPlanRequest>,
) -> ApiResult<ApiJson<DayPlanOut>> {
    me.allow(&[ApiRole::Planner], "plan day routes")?;
    let team = TeamId(r.team);
    me.allow_team(team)?;
    let date = day("date", &r.date)?;
    let (start, end) = (
        hm("shift.start", &r.shift.start)?,
        hm("shift.end", &r.shift.end)?,
    );
    let from = lonlat("shift.from", r.shift.from)?;
    let to = lonlat("shift.to", r.shift.to)?;
    let profile = st.engine().known_profile(&r.profile)?;
    let key = profile.profile.id.clone();
    let actor = me.actor();
    let rows = st
        .store()
        .run(move |s| {
            let rows = s.open_revisits(team)?;
            let mut out = Vec::new();
            for row in rows {
                let a = s.attempts(row.id)?;
                out.push(row.to_model(&a));
            }
            s.log_access(actor, Action::Read, ObjectKind::Revisit, None)?;
            Ok(out)
        })
        .await?;
    let engine = std::sync::Arc::clone(&st.0.engine);
    let now = chrono::Utc::now()
        .with_timezone(&st.0.config.utc_offset)
        .naive_local();
    let offset = st.0.config.utc_offset;
    let route = tokio::task::spawn_blocking(move || {
        let e = &*engine;
        let ctx = e.walk_context(&key)?;
        let vertex = |v: petgraph::graph::NodeIndex| NodeId(u32::try_from(v.index()).unwrap_or(u32::MAX));
        let shift = Shift {
            date,
            start,
            end,
            start_vertex: vertex(snap_vertex(&ctx, from, "start").map_err(request_error)?),
            end_vertex: vertex(snap_vertex(&ctx, to, "end").map_err(request_error)?),
        };
        let mut revisits = rows;
        snap_revisits(&e.atlas.graph, &e.snap, &mut revisits);
        let day_route = plan_day(
            &e.atlas.graph,
            &e.adjacency,
            &shift,
            &revisits,
            now,
            &DayOptions::default(),
        )
        .map_err(|err| ApiError::unprocessable(err.to_string()))?;
        let g = &e.atlas.graph.graph;
        let at = |v: NodeId| {
            g.node_weight(petgraph::graph::NodeIndex::new(v.0 as usize))
                .map_or([0.0, 0.0], |n| [n.at.lon, n.at.lat])
        };
        let stops: Vec<StopOut> = day_route
            .stops
            .iter()
            .map(|s| {
                let [lon, lat] = at(s.vertex);
                StopOut {
                    revisit: s.revisit.0,
                    appointment: s.appointment,
                    arrive: local(s.arrive),
                    start: local(s.start),
                    depart: local(s.depart),
                    lon,
                    lat,
                }
            })
            .collect();
        let legs: Vec<Value> = day_route
            .legs
            .iter()
            .map(|l| {
                json!({"type": "Feature", "properties": {"length_m": l.length_m, "walk_s": l.walk_s},
                       "geometry": {"type": "LineString",
                                    "coordinates": l.vertices.iter().map(|&v| at(v)).collect::<Vec<_>>()}})
            })
            .collect();
        // The track the pair carries: legs, waits and visits, timed as `plan day` times them.
        let opts = DayOptions::default();
        let times: Vec<f64> = g.edge_weights().map(|e| e.length_m / opts.speed_mps).collect();
        let track = day_route.track(&times, &[], opts.service_s);
        let timed = track.timed(&e.atlas.graph, &times, &shift, &ctx.profile.id, offset);
        let gpx = to_gpx(&timed).map_err(|err| ApiError::internal(&err))?;
        let unreachable: Vec<UnreachableOut> = day_route
            .unserved
            .iter()
            .map(|(id, why)| UnreachableOut {
                revisit: id.0,
                reason: why.to_string(),
            })
            .collect();
        let walked = (gpx, track.edges, track.walk_s, shift.starts());
        Ok::<_, ApiError>((walked, json!({
            "stops": stops,
            "geojson": {"type": "FeatureCollection", "features": legs,
                        "attribution": feltkart_plan::export::ATTRIBUTION},
            "back": local(day_route.back),
            "travel_s": day_route.travel_s,
            "unreachable": unreachable,
        })))
    })
    .await??;
    let ((gpx, edges, walk_s, start), route) = route;
    let params = json!({"kind": "day", "team": r.team, "date": r.date, "profile": r.profile,
        "shift": {"start": r.shift.start, "end": r.shift.end, "from": r.shift.from, "to": r.shift.to}});
    let checksum = format!("{:08x}", st.engine().checksum);
    let id = st
        .store()
        .run(move |s| Ok(s.save_plan(actor, &params, &checksum)?))
        .await?
        .0;
    let out = DayPlanOut {
        id,
        team: r.team,
        date: date.to_string(),
        route,
    };
    st.keep_day_plan(StoredDayPlan {
        out: out.clone(),
        gpx,
        edges,
        walk_s,
        start,
        done: false,
    });
    Ok(ApiJson(out))
}

/// The newest day route planned for a team for today.
#[utoipa::path(get, path = "/api/teams/{team}/today", tag = "field",
    params(("team" = u32, Path, description = "Team id")), security(("bearer" = [])),
    responses((status = 200, body = DayPlanOut),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn today(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiPath(team): ApiPath<u32>,
) -> ApiResult<ApiJson<DayPlanOut>> {
    me.allow(&[ApiRole::Field, ApiRole::Planner], "see day routes")?;
    me.allow_team(TeamId(team))?;
    let date = chrono::Utc::now()
        .with_timezone(&st.0.config.utc_offset)
        .date_naive()
        .to_string();
    st.day_plan(team, &date).map(ApiJson).ok_or_else(|| {
        ApiError::not_found(format!("no day route planned for team {team} on {date}"))
    })
}

fn weekday(s: &str) -> Option<Weekday> {
    s.parse().ok()
}

fn shifts(spec: &str) -> ApiResult<Vec<WeeklyShift>> {
    spec.split(',')
        .map(|one| {
            let bad = || {
                ApiError::bad_request(format!(
                    "shift `{one}`: expected DAY@HH:MM-HH:MM, e.g. tue@16:00-20:00"
                ))
            };
            let (d, times) = one.trim().split_once('@').ok_or_else(bad)?;
            let (a, b) = times.split_once('-').ok_or_else(bad)?;
            Ok(WeeklyShift {
                weekday: weekday(d).ok_or_else(bad)?,
                start: hm("shift start", a)?,
                end: hm("shift end", b)?,
                pair: 0,
            })
        })
        .collect()
}

/// A four-week (or `weeks`) rota: which priority area each shift walks, spread over
/// day-parts; JSON, CSV or iCalendar.
#[utoipa::path(get, path = "/api/rota", tag = "planner", params(RotaQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "The rota (JSON, text/csv or text/calendar)", body = Object),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn rota(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiQuery(q): ApiQuery<RotaQuery>,
) -> ApiResult<Response> {
    me.allow(&[ApiRole::Planner], "plan the rota")?;
    let team = team_of(&me, q.team)?;
    let weeks = q.weeks.unwrap_or(4);
    if !(1..=12).contains(&weeks) {
        return Err(ApiError::bad_request(format!(
            "weeks {weeks}: must be from 1 to 12"
        )));
    }
    let n_areas = q.areas.unwrap_or(4);
    if !(1..=20).contains(&n_areas) {
        return Err(ApiError::bad_request(format!(
            "areas {n_areas}: must be from 1 to 20"
        )));
    }
    let engine = st.engine();
    let p = engine.profile_or_first(q.profile.as_deref())?;
    let areas: Vec<String> = p
        .districts
        .iter()
        .take(n_areas as usize)
        .map(|d| {
            d.district
                .name
                .clone()
                .unwrap_or_else(|| d.district.key.to_string())
        })
        .collect();
    let spec = q
        .shifts
        .as_deref()
        .unwrap_or("tue@16:00-20:00,thu@18:00-22:00,sat@14:00-18:00");
    let first_monday = match &q.first_monday {
        Some(d) => day("first_monday", d)?,
        None => {
            let today = chrono::Utc::now()
                .with_timezone(&st.0.config.utc_offset)
                .date_naive();
            today
                + chrono::Days::new(u64::from(
                    7 - chrono::Datelike::weekday(&today).num_days_from_monday(),
                ))
        }
    };
    let req = RotaRequest {
        team: Team {
            id: team,
            pairs: 1,
            shifts: shifts(spec)?,
        },
        areas,
        first_monday,
        weeks,
        seed: 1,
        overrides: Vec::new(),
    };
    let rota = plan_rota(&req).map_err(|e| ApiError::bad_request(e.to_string()))?;
    match q.format.as_deref().unwrap_or("json") {
        "json" => Ok(ApiJson(json!({
            "team": team.0,
            "assignments": rota.assignments,
            "coverage": rota.coverage.iter().map(|c| json!({
                "area": c.area, "shifts": c.shifts,
                "day_parts": c.day_parts.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
                "slots": c.slots.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "day_parts_available": rota.day_parts_available,
            "warnings": rota.warnings.iter().map(ToString::to_string).collect::<Vec<_>>(),
        }))
        .into_response()),
        "csv" => Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            rota.to_csv(),
        )
            .into_response()),
        "ics" => Ok((
            [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
            rota.to_ics(),
        )
            .into_response()),
        other => Err(ApiError::bad_request(format!(
            "format `{other}`: use json, csv or ics"
        ))),
    }
}
