//! A walk request as the CLI and the server make it: a profile's cell scores become the edges'
//! priorities, the starts and end are snapped to the walking graph (with an error that says
//! when a point is off the network), hotspots of the profile become dwell stops, daylight sets
//! the pace, and [`plan_pairs`] plans the walks, which are timed for export.
//!
//! Moved here from the `feltkart plan walk` command so that the server calls the same code.

use super::{DwellStop, Pace, SearchOptions, Walk, WalkError, WalkProblem, edge_times};
use super::{edge_values, plan_pairs};
use crate::export::{RouteInput, StopAt, TimedRoute, timed_route};
use chrono::{Datelike, FixedOffset, NaiveDateTime};
use feltkart_cells::{CellIndex, CellScore, LatLng, Profile, Resolution};
use feltkart_graph::{SnapIndex, WalkGraph};
use feltkart_model::{LonLat, PlaceRole};
use feltkart_osm::{Extract, Taxonomy};
use petgraph::graph::NodeIndex;
use std::collections::{BTreeMap, BTreeSet};

/// Cells scoring at least this much are priority cells: the pair walks slower there to observe.
pub const PRIORITY_SCORE: f64 = 40.0;
/// Farthest a start or end may be from a walkable street, metres.
pub const MAX_SNAP_M: f64 = 500.0;
/// Time factor for unlit streets after dark: they count three times as long, so the planner
/// avoids them where it can.
pub const UNLIT_AFTER_DARK: f64 = 3.0;
/// A dwell stop at a hotspot is worth this many times the street the pair could have walked in
/// the same time (at walking speed, at the stop's cell priority, times the place's weight):
/// staying where the group is beats passing by, so strong hotspots win a place in the walk.
const STOP_WORTH_FACTOR: f64 = 0.7;
/// Candidate dwell stops offered to the planner, best first.
const MAX_STOP_CANDIDATES: usize = 40;
/// Farthest a hotspot may be from the street to be a stop, metres.
const MAX_STOP_SNAP_M: f64 = 100.0;

/// What the walks are planned on: the atlas's extract and graph, the taxonomy, a profile and
/// its cell scores at `resolution`.
pub struct WalkContext<'a> {
    /// The extract (places for dwell stops; its file name for messages).
    pub extract: &'a Extract,
    /// The walking graph.
    pub graph: &'a WalkGraph,
    /// Its snap index.
    pub index: &'a SnapIndex,
    /// The taxonomy (which places are for staying).
    pub taxonomy: &'a Taxonomy,
    /// The profile.
    pub profile: &'a Profile,
    /// The profile's cell scores.
    pub scores: &'a [CellScore],
    /// H3 resolution of the scores.
    pub resolution: u8,
    /// Coverage deficit per cell in this walk's slot, 0–1 (a cell not listed has the full
    /// deficit, 1): where the team has walked lately, a street is worth less.
    pub deficit: Option<&'a BTreeMap<CellIndex, f64>>,
}

/// What to plan.
#[derive(Clone, Debug, PartialEq)]
pub struct WalkRequest {
    /// Starts; pair i starts at start i (cycling).
    pub starts: Vec<LonLat>,
    /// The end for every pair (default: back to its start).
    pub end: Option<LonLat>,
    /// Minutes available.
    pub minutes: u32,
    /// Local start time.
    pub at: NaiveDateTime,
    /// The municipality's UTC offset on that date.
    pub utc_offset: FixedOffset,
    /// Pairs walking.
    pub pairs: u32,
    /// Seed.
    pub seed: u64,
    /// Minutes per dwell stop at hotspots (0 for none).
    pub dwell_minutes: u32,
}

/// One planned walk, timed.
#[derive(Clone, Debug)]
pub struct PlannedWalk {
    /// The solver's walk.
    pub walk: Walk,
    /// The walk with times, for GPX, GeoJSON and the walk sheet.
    pub route: TimedRoute,
    /// Priority cells (score ≥ [`PRIORITY_SCORE`]) the walk passes through.
    pub priority_cells: BTreeSet<CellIndex>,
}

/// The walks and what they were planned with.
#[derive(Clone, Debug)]
pub struct WalkPlan {
    /// One per pair.
    pub walks: Vec<PlannedWalk>,
    /// Whether the start is between sunset and sunrise.
    pub after_dark: bool,
    /// Local sunrise `HH:MM`, if the sun rises that day.
    pub sunrise: Option<String>,
    /// Local sunset `HH:MM`, if the sun sets that day.
    pub sunset: Option<String>,
    /// The pace used.
    pub pace: Pace,
    /// The search options used.
    pub options: SearchOptions,
}

/// Why a walk request cannot be planned.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// No start given.
    #[error("no start given")]
    NoStart,
    /// The graph has no edges.
    #[error("the atlas has no walkable streets")]
    NoStreets,
    /// The score resolution is not an H3 resolution.
    #[error("resolution {0} is not an H3 resolution")]
    Resolution(u8),
    /// A point is on a path network cut off from the main one.
    #[error(
        "{what} {lon:.5},{lat:.5} is on a path network that does not connect to the main walking network ({stranded_m:.0} m away; the nearest connected street is {street_m:.0} m away): choose a {what} on a connected street"
    )]
    Disconnected {
        /// `start` or `end`.
        what: &'static str,
        /// Longitude.
        lon: f64,
        /// Latitude.
        lat: f64,
        /// Distance to the cut-off network.
        stranded_m: f64,
        /// Distance to the main network.
        street_m: f64,
    },
    /// A point is too far from any street.
    #[error(
        "{what} {lon:.5},{lat:.5} is {km:.1} km from the nearest walkable street of {file}: is it inside the extract?"
    )]
    TooFar {
        /// `start` or `end`.
        what: &'static str,
        /// Longitude.
        lon: f64,
        /// Latitude.
        lat: f64,
        /// Distance, km.
        km: f64,
        /// The extract's file name.
        file: String,
    },
    /// The planner refused the problem.
    #[error(transparent)]
    Walk(#[from] WalkError),
}

/// The vertex nearest to `p` on the walking graph, or an error naming how far the street is
/// (`what` is `start` or `end`).
///
/// # Errors
/// [`RequestError::Disconnected`], [`RequestError::TooFar`], [`RequestError::NoStreets`].
pub fn snap_vertex(
    c: &WalkContext<'_>,
    p: LonLat,
    what: &'static str,
) -> Result<NodeIndex, RequestError> {
    snap_on(c.extract, c.graph, c.index, p, what)
}

/// [`snap_vertex`] without a whole request context: the vertex of `graph` nearest to `p`.
///
/// # Errors
/// [`RequestError::Disconnected`], [`RequestError::TooFar`], [`RequestError::NoStreets`].
pub fn snap_on(
    extract: &Extract,
    graph: &WalkGraph,
    index: &SnapIndex,
    p: LonLat,
    what: &'static str,
) -> Result<NodeIndex, RequestError> {
    let g = &graph.graph;
    let hit = index.nearest(g, p).ok_or(RequestError::NoStreets)?;
    let stranded = graph
        .stats
        .dropped_vertices
        .iter()
        .map(|v| v.distance_m(p))
        .fold(f64::INFINITY, f64::min);
    if stranded < hit.distance_m && stranded <= MAX_SNAP_M {
        return Err(RequestError::Disconnected {
            what,
            lon: p.lon,
            lat: p.lat,
            stranded_m: stranded,
            street_m: hit.distance_m,
        });
    }
    if hit.distance_m > MAX_SNAP_M {
        return Err(RequestError::TooFar {
            what,
            lon: p.lon,
            lat: p.lat,
            km: hit.distance_m / 1000.0,
            file: extract.source.file_name.clone(),
        });
    }
    let (a, b) = g.edge_endpoints(hit.edge).ok_or(RequestError::NoStreets)?;
    Ok(if hit.offset_m <= g[hit.edge].length_m / 2.0 {
        a
    } else {
        b
    })
}

/// Whether `at` (local) is between sunset and sunrise at `p`; with the sunset and sunrise times.
#[must_use]
pub fn after_dark(
    p: LonLat,
    at: NaiveDateTime,
    offset: FixedOffset,
) -> (bool, Option<String>, Option<String>) {
    let Some(coord) = sunrise::Coordinates::new(p.lat, p.lon) else {
        return (false, None, None);
    };
    let day = sunrise::SolarDay::new(coord, at.date());
    let local = |e| {
        day.event_time(e)
            .map(|t| t.with_timezone(&offset).naive_local())
    };
    let (rise, set) = (
        local(sunrise::SolarEvent::Sunrise),
        local(sunrise::SolarEvent::Sunset),
    );
    let dark = match (rise, set) {
        (Some(r), Some(s)) => at < r || at >= s,
        // No sunrise or sunset that day (north of the Arctic circle): polar night in the dark
        // half of the year (October–March in the north, April–September in the south).
        _ => (p.lat >= 0.0) != (4..=9).contains(&at.month()),
    };
    let fmt = |t: Option<NaiveDateTime>| t.map(|t| t.format("%H:%M").to_string());
    (dark, fmt(rise), fmt(set))
}

/// Candidate dwell stops: named or unnamed places of a kind the profile weights ≥ 0.5 and the
/// taxonomy marks as a place to stay, snapped to the nearest vertex, valued by the weight and
/// the score of their cell. With their labels.
fn dwell_candidates(
    c: &WalkContext<'_>,
    by_cell: &BTreeMap<CellIndex, f64>,
    res: Resolution,
    dwell_s: f64,
) -> Vec<(DwellStop, String)> {
    let g = &c.graph.graph;
    let x = c.extract;
    let mut out: Vec<(DwellStop, String)> = Vec::new();
    for place in &x.places {
        let best = place
            .kinds
            .iter()
            .filter_map(|&k| {
                let k = usize::from(k);
                let stay = c
                    .taxonomy
                    .kinds
                    .get(k)
                    .is_some_and(|d| d.roles.contains(&PlaceRole::Stay));
                let name = x.place_kinds.get(k)?;
                c.profile
                    .places
                    .get(name)
                    .filter(|w| stay && w.weight >= 0.5)
                    .map(|w| (w.weight, name.clone()))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let Some((weight, kind)) = best else { continue };
        let Some(hit) = c
            .index
            .nearest(g, place.at)
            .filter(|h| h.distance_m <= MAX_STOP_SNAP_M)
        else {
            continue;
        };
        let Some((u, v)) = g.edge_endpoints(hit.edge) else {
            continue;
        };
        let at = if hit.offset_m <= g[hit.edge].length_m / 2.0 {
            u
        } else {
            v
        };
        let priority = LatLng::new(place.at.lat, place.at.lon)
            .ok()
            .and_then(|ll| by_cell.get(&ll.to_cell(res)))
            .map_or(0.0, |&sc| sc / 100.0);
        let value = STOP_WORTH_FACTOR * dwell_s * Pace::default().speed_kmh / 3.6
            * weight
            * priority.max(0.2);
        let label = match &place.name {
            Some(n) => format!("{kind}: {n}"),
            None => kind,
        };
        out.push((DwellStop { at, value, dwell_s }, label));
    }
    out.sort_by(|a, b| b.0.value.total_cmp(&a.0.value).then(a.0.at.cmp(&b.0.at)));
    let mut seen = BTreeSet::new();
    out.retain(|(d, _)| seen.insert(d.at));
    out.truncate(MAX_STOP_CANDIDATES);
    out
}

/// The profile's scores on the walking graph: each edge's cell and priority.
#[derive(Debug, Clone)]
pub struct EdgeCells {
    /// The cells' resolution.
    pub res: Resolution,
    /// Score (0-100) per cell.
    pub by_cell: BTreeMap<CellIndex, f64>,
    /// Per edge: the cell at its middle point.
    pub mid_cell: Vec<Option<CellIndex>>,
    /// Per edge: the score (0-1) of that cell.
    pub priority: Vec<f64>,
}

/// Each edge of `g`'s cell (the one at its middle point) and priority (its cell's score / 100).
///
/// # Errors
/// [`RequestError::Resolution`] when `resolution` is not an H3 resolution.
pub fn edge_cells(
    g: &WalkGraph,
    scores: &[CellScore],
    resolution: u8,
) -> Result<EdgeCells, RequestError> {
    let by_cell: BTreeMap<CellIndex, f64> = scores.iter().map(|s| (s.cell, s.score)).collect();
    let res = Resolution::try_from(resolution).map_err(|_| RequestError::Resolution(resolution))?;
    let mid_cell: Vec<Option<CellIndex>> = g
        .graph
        .edge_weights()
        .map(|e| {
            e.coords
                .get(e.coords.len() / 2)
                .and_then(|mid| LatLng::new(mid.lat, mid.lon).ok())
                .map(|ll| ll.to_cell(res))
        })
        .collect();
    let priority: Vec<f64> = mid_cell
        .iter()
        .map(|c| {
            c.and_then(|c| by_cell.get(&c))
                .map_or(0.0, |&sc| sc / 100.0)
        })
        .collect();
    Ok(EdgeCells {
        res,
        by_cell,
        mid_cell,
        priority,
    })
}

/// Plan the request's walks (one per pair) and time them.
///
/// # Errors
/// [`RequestError`] naming the start or end that cannot be used, or the planner's refusal.
pub fn plan_request(c: &WalkContext<'_>, r: &WalkRequest) -> Result<WalkPlan, RequestError> {
    let g = c.graph;
    let EdgeCells {
        res,
        by_cell,
        mid_cell,
        priority,
    } = edge_cells(g, c.scores, c.resolution)?;
    // Its deficit in this slot: 1 without history, lower where the team has been lately.
    let deficit: Vec<f64> = mid_cell
        .iter()
        .map(|cell| {
            cell.and_then(|cell| c.deficit?.get(&cell).copied())
                .unwrap_or(1.0)
        })
        .collect();
    let first = *r.starts.first().ok_or(RequestError::NoStart)?;
    let (dark, sunrise, sunset) = after_dark(first, r.at, r.utc_offset);
    let pace = Pace {
        unlit_factor: dark.then_some(UNLIT_AFTER_DARK),
        ..Pace::default()
    };
    let times = edge_times(g, &pace, |e| priority[e.index()] * 100.0 >= PRIORITY_SCORE)?;
    let values = edge_values(g, |e| priority[e.index()] * deficit[e.index()]);
    let starts: Vec<NodeIndex> = r
        .starts
        .iter()
        .map(|&p| snap_vertex(c, p, "start"))
        .collect::<Result<_, _>>()?;
    let end = r.end.map(|e| snap_vertex(c, e, "end")).transpose()?;
    let candidates = if r.dwell_minutes > 0 {
        dwell_candidates(c, &by_cell, res, f64::from(r.dwell_minutes) * 60.0)
    } else {
        Vec::new()
    };
    let problems: Vec<WalkProblem> = (0..r.pairs)
        .zip(starts.iter().cycle())
        .map(|(i, &start)| WalkProblem {
            start,
            end: end.unwrap_or(start),
            budget_s: f64::from(r.minutes) * 60.0,
            edge_time_s: times.clone(),
            edge_value: values.clone(),
            stops: candidates.iter().map(|(d, _)| d.clone()).collect(),
            seed: r.seed.wrapping_add(u64::from(i)),
        })
        .collect();
    let options = SearchOptions::default();
    let walks = plan_pairs(g, &problems, &options)?;
    let n = walks.len();
    let walks = walks
        .into_iter()
        .enumerate()
        .map(|(i, w)| {
            let title = format!(
                "Walk {} of {n} {}, {}",
                i + 1,
                r.at.format("%Y-%m-%d %H:%M"),
                c.profile.id
            );
            let stops: Vec<StopAt> = w
                .stops
                .iter()
                .enumerate()
                .filter_map(|(j, &(stop, position))| {
                    let (d, label) = candidates.get(stop)?;
                    Some(StopAt {
                        position,
                        dwell_s: d.dwell_s,
                        name: format!("Stop {}: {label}", j + 1),
                        kind: "dwell".into(),
                    })
                })
                .collect();
            let route = timed_route(
                g,
                &RouteInput {
                    nodes: &w.nodes,
                    edges: &w.edges,
                    edge_time_s: &times,
                    start: r.at,
                    stops: &stops,
                    title: &title,
                    utc_offset: r.utc_offset,
                },
            );
            let priority_cells: BTreeSet<CellIndex> = w
                .edges
                .iter()
                .flat_map(|&e| g.graph[e].coords.iter())
                .filter_map(|c| LatLng::new(c.lat, c.lon).ok().map(|ll| ll.to_cell(res)))
                .filter(|c| by_cell.get(c).is_some_and(|&sc| sc >= PRIORITY_SCORE))
                .collect();
            PlannedWalk {
                walk: w,
                route,
                priority_cells,
            }
        })
        .collect();
    Ok(WalkPlan {
        walks,
        after_dark: dark,
        sunrise,
        sunset,
        pace,
        options,
    })
}
