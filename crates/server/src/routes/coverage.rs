//! Coverage for leaders and planners: `GET /api/coverage` (cells under the privacy threshold
//! merged upwards or hidden), `GET /api/coverage/teams` and `GET /api/gaps`.

use crate::auth::{ApiRole, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::routes::revisits::day;
use crate::state::AppState;
use axum::extract::State;
use chrono::NaiveDate;
use feltkart_cells::output::cell_ring;
use feltkart_model::{DayPart, TeamId, TimeSlot};
use feltkart_store::privacy::{CellEvents, k_anonymise};
use feltkart_store::{Action, CellCoverage, GapQuery, ObjectKind};
use geojson::{Feature, FeatureCollection, Geometry, GeometryValue, JsonObject};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;

const ROLES: &[ApiRole] = &[ApiRole::Leader, ApiRole::Planner];

/// `GET /api/coverage` query.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CoverageQuery {
    /// First day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: String,
    /// Last day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub to: String,
    /// A day-part (`evening`) or a slot (`weekend_evening`); default all.
    #[param(pattern = "^((weekday|weekend)_)?(morning|midday|afternoon|evening|night)$")]
    pub slot: Option<String>,
    /// Team id (default: all teams the user may see).
    pub team: Option<u32>,
}

/// `GET /api/coverage/teams` query.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TeamsQuery {
    /// First day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: String,
    /// Last day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub to: String,
    /// Profile whose priority cells count (default the first).
    pub profile: Option<String>,
}

/// `GET /api/gaps` query.
#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct GapsQuery {
    /// Team id (default: the user's team).
    pub team: Option<u32>,
    /// First day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: String,
    /// Last day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub to: String,
    /// The slot, e.g. `weekday_evening`.
    #[param(pattern = "^(weekday|weekend)_(morning|midday|afternoon|evening|night)$")]
    pub slot: String,
    /// Profile whose scores are the priorities.
    pub profile: String,
    /// Minutes in the slot at which a cell counts as covered (default 30).
    #[param(exclusive_minimum = 0, maximum = 10000)]
    pub target_minutes: Option<f64>,
    /// At most this many (default 20, at most 1000).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// One team's figures.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TeamFigures {
    /// Team id.
    pub team: u32,
    /// Team code.
    pub code: String,
    /// Outdoor person-hours in the range.
    pub outdoor_hours: f64,
    /// Contracted hours in the range (weeks × hours per week).
    pub contracted_hours: f64,
    /// `outdoor_hours / contracted_hours`.
    pub outdoor_share: f64,
    /// The guideline share (0.30).
    pub guideline: f64,
    /// Share of priority cells visited per day-part.
    pub priority_coverage: BTreeMap<String, f64>,
    /// Normalised entropy of time over the ten slots (0 one slot, 1 even).
    pub slot_diversity: f64,
}

/// A gap.
#[derive(Serialize, utoipa::ToSchema)]
pub struct GapOut {
    /// H3 cell.
    pub h3: String,
    /// Its priority (score 0–100).
    pub priority: f64,
    /// Minutes in the slot.
    pub minutes: f64,
    /// Visits in the slot.
    pub visits: u32,
    /// 0–1.
    pub deficit: f64,
}

fn range(from: &str, to: &str) -> ApiResult<(NaiveDate, NaiveDate)> {
    let (f, t) = (day("from", from)?, day("to", to)?);
    if t < f {
        return Err(ApiError::bad_request(format!("to {t} is before from {f}")));
    }
    Ok((f, t))
}

/// Which slot indices a `slot=` selects.
fn slots(slot: Option<&str>) -> ApiResult<Vec<usize>> {
    let Some(s) = slot else {
        return Ok((0..10).collect());
    };
    if let Some(p) = DayPart::parse(s) {
        return Ok([false, true]
            .iter()
            .map(|&weekend| {
                TimeSlot {
                    day_part: p,
                    weekend,
                }
                .index()
            })
            .collect());
    }
    s.parse::<TimeSlot>()
        .map(|t| vec![t.index()])
        .map_err(|_| {
            ApiError::bad_request(format!(
                "slot `{s}`: use a day-part (morning, midday, afternoon, evening, night) or weekday_/weekend_ + a day-part"
            ))
        })
}

/// Teams the user may see: a planner's own (or all), every team for a leader.
async fn teams(
    st: &AppState,
    me: &CurrentUser,
    team: Option<u32>,
) -> ApiResult<Vec<(TeamId, String, f64)>> {
    let all = st.store().run(|s| Ok(s.teams()?)).await?;
    let visible: Vec<_> = all
        .into_iter()
        .filter(|(t, _, _)| me.role == ApiRole::Leader || me.allow_team(*t).is_ok())
        .filter(|(t, _, _)| team.is_none_or(|x| t.0 == x))
        .collect();
    if let Some(x) = team
        && visible.is_empty()
    {
        return Err(ApiError::forbidden(format!(
            "team {x} is unknown or not yours"
        )));
    }
    Ok(visible)
}

/// Walk coverage per cell over a date range and slot, as GeoJSON. A cell with fewer visits than
/// the privacy threshold k is merged into its parent cell with its small siblings, or hidden.
#[utoipa::path(get, path = "/api/coverage", tag = "leader", params(CoverageQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "GeoJSON FeatureCollection", body = Object),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn coverage(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiQuery(q): ApiQuery<CoverageQuery>,
) -> ApiResult<ApiJson<FeatureCollection>> {
    me.allow(ROLES, "see coverage")?;
    let (from, to) = range(&q.from, &q.to)?;
    let picked = slots(q.slot.as_deref())?;
    let teams = teams(&st, &me, q.team).await?;
    let actor = me.actor();
    let (cov, k, levels) = st
        .store()
        .run(move |s| {
            let mut all: Vec<CellCoverage> = Vec::new();
            for (t, _, _) in &teams {
                all.extend(s.coverage(Some(*t), from, to)?);
            }
            s.log_access(actor, Action::Read, ObjectKind::Coverage, None)?;
            let c = s.config();
            Ok((all, c.k_anonymity, c.max_merge_levels))
        })
        .await?;
    // Sum per cell over the picked slots (and teams).
    let mut per: BTreeMap<u64, (f64, u32, [bool; 5])> = BTreeMap::new();
    for c in &cov {
        let e = per.entry(c.cell).or_default();
        for &i in &picked {
            let s = c.slots[i];
            e.0 += s.minutes;
            e.1 += s.visits;
            if s.visits > 0 {
                e.2[i % 5] = true;
            }
        }
    }
    let view = k_anonymise(
        per.iter()
            .map(|(&cell, v)| CellEvents {
                cell,
                events: v.1,
                signs: BTreeMap::new(),
            })
            .collect(),
        k,
        levels,
    );
    let areas: BTreeMap<u64, u32> = view.areas.iter().map(|a| (a.cell, a.events)).collect();
    let mut acc: BTreeMap<u64, (f64, u32, [bool; 5])> = BTreeMap::new();
    for (&cell, v) in &per {
        let Ok(c) = h3o::CellIndex::try_from(cell) else {
            continue;
        };
        let mut up = Some(c);
        for _ in 0..=levels {
            let Some(x) = up else { break };
            if areas.contains_key(&u64::from(x)) {
                let e = acc.entry(u64::from(x)).or_default();
                e.0 += v.0;
                e.1 += v.1;
                for (a, b) in e.2.iter_mut().zip(v.2) {
                    *a |= b;
                }
                break;
            }
            up = x.resolution().pred().and_then(|r| x.parent(r));
        }
    }
    let features = acc
        .iter()
        .filter(|(_, v)| v.1 >= k)
        .filter_map(|(&cell, v)| {
            let c = h3o::CellIndex::try_from(cell).ok()?;
            let parts: Vec<&str> = DayPart::ALL
                .iter()
                .zip(v.2)
                .filter(|(_, on)| *on)
                .map(|(p, _)| p.as_str())
                .collect();
            let mut props = JsonObject::new();
            props.insert("h3".into(), json!(c.to_string()));
            props.insert("minutes".into(), json!((v.0 * 10.0).round() / 10.0));
            props.insert("visits".into(), json!(v.1));
            props.insert("day_parts".into(), json!(parts));
            Some(Feature {
                bbox: None,
                geometry: Some(Geometry::new(GeometryValue::Polygon {
                    coordinates: vec![cell_ring(c)],
                })),
                id: None,
                properties: Some(props),
                foreign_members: None,
            })
        })
        .collect();
    let mut members = JsonObject::new();
    members.insert("k".into(), json!(k));
    members.insert("hidden_cells".into(), json!(view.hidden_cells));
    Ok(ApiJson(FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(members),
    }))
}

/// Per team: outdoor hours against contracted (the 30 % guideline), priority-cell coverage per
/// day-part, and slot diversity.
#[utoipa::path(get, path = "/api/coverage/teams", tag = "leader", params(TeamsQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<TeamFigures>),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn team_figures(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiQuery(q): ApiQuery<TeamsQuery>,
) -> ApiResult<ApiJson<Vec<TeamFigures>>> {
    me.allow(ROLES, "see team figures")?;
    let (from, to) = range(&q.from, &q.to)?;
    let engine = st.engine();
    let p = engine.profile_or_first(q.profile.as_deref())?;
    let priority: Vec<u64> = p
        .scores
        .iter()
        .filter(|s| s.score >= feltkart_plan::walk::request::PRIORITY_SCORE)
        .map(|s| u64::from(s.cell))
        .collect();
    let teams = teams(&st, &me, None).await?;
    let actor = me.actor();
    let out = st
        .store()
        .run(move |s| {
            let mut out = Vec::new();
            for (t, code, _) in teams {
                let weeks = s.outdoor_hours(t, from, to)?;
                let outdoor: f64 = weeks.iter().map(|w| w.person_hours).sum();
                let contracted: f64 = weeks.iter().map(|w| w.contracted_hours).sum();
                let shares = s.priority_coverage(t, from, to, &priority)?;
                out.push(TeamFigures {
                    team: t.0,
                    code,
                    outdoor_hours: outdoor,
                    contracted_hours: contracted,
                    outdoor_share: if contracted > 0.0 {
                        outdoor / contracted
                    } else {
                        0.0
                    },
                    guideline: feltkart_store::OUTDOOR_GUIDELINE_SHARE,
                    priority_coverage: shares
                        .iter()
                        .map(|d| (d.day_part.as_str().to_owned(), d.share))
                        .collect(),
                    slot_diversity: s.team_slot_diversity(t, from, to)?,
                });
            }
            s.log_access(actor, Action::Read, ObjectKind::Coverage, None)?;
            Ok(out)
        })
        .await?;
    Ok(ApiJson(out))
}

/// Priority cells with too little coverage in a slot, worst first.
#[utoipa::path(get, path = "/api/gaps", tag = "leader", params(GapsQuery),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<GapOut>),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn gaps(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiQuery(q): ApiQuery<GapsQuery>,
) -> ApiResult<ApiJson<Vec<GapOut>>> {
    me.allow(ROLES, "see gaps")?;
    let (from, to) = range(&q.from, &q.to)?;
    let team = match (me.role, q.team) {
        (ApiRole::Leader, Some(t)) => TeamId(t),
        (ApiRole::Leader, None) => return Err(ApiError::bad_request("give team=ID")),
        _ => crate::routes::revisits::team_of(&me, q.team)?,
    };
    let slot: TimeSlot = q.slot.parse().map_err(|_| {
        ApiError::bad_request(format!(
            "slot `{}`: not weekday_/weekend_ + a day-part",
            q.slot
        ))
    })?;
    let target = q.target_minutes.unwrap_or(30.0);
    if !(target.is_finite() && target > 0.0 && target <= 10_000.0) {
        return Err(ApiError::bad_request(
            "target_minutes must be in (0, 10000]",
        ));
    }
    let limit = q.limit.unwrap_or(20);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::bad_request("limit must be from 1 to 1000"));
    }
    let p = st.engine().known_profile(&q.profile)?;
    let priorities: Vec<(u64, f64)> = p
        .scores
        .iter()
        .filter(|s| s.score > 0.0)
        .map(|s| (u64::from(s.cell), s.score))
        .collect();
    let actor = me.actor();
    let gaps = st
        .store()
        .run(move |s| {
            let g = s.gaps(
                team,
                from,
                to,
                &GapQuery {
                    slot,
                    priorities: &priorities,
                    target_minutes: target,
                    limit: limit as usize,
                },
            )?;
            s.log_access(actor, Action::Read, ObjectKind::Coverage, None)?;
            Ok(g)
        })
        .await?;
    Ok(ApiJson(
        gaps.iter()
            .map(|g| GapOut {
                h3: format!("{:x}", g.cell),
                priority: g.priority,
                minutes: g.minutes,
                visits: g.visits,
                deficit: g.deficit,
            })
            .collect(),
    ))
}
