//! `feltkart plan walk`: the observation walk(s) a pair can do in the time they have, at this
//! time of day, through the profile's priority cells; GPX, GeoJSON, a walk sheet and a record
//! of what the plan was made from.

use super::cells::{Common, Scoring, load, nonempty, profile, write};
use anyhow::{Context, anyhow, bail};
use chrono::{Datelike, FixedOffset, NaiveDateTime};
use feltkart_cells::{CellIndex, LatLng, Resolution};
use feltkart_model::LonLat;
use feltkart_plan::export::StopAt;
use feltkart_plan::export::{RouteInput, timed_route, to_geojson, to_gpx, walk_sheet};
use feltkart_plan::walk::{
    DwellStop, Pace, SearchOptions, WalkProblem, edge_times, edge_values, plan_pairs,
};
use petgraph::graph::NodeIndex;
use serde_json::json;
use std::collections::BTreeMap;
use std::io::Write;

/// `feltkart plan ...`
#[derive(clap::Subcommand)]
pub enum Command {
    /// Plan observation walks for one or more pairs.
    Walk(WalkArgs),
    /// Plan one pair's day: promised appointments kept, search revisits added by priority,
    /// the free time filled with observation walking (GPX, GeoJSON, walk sheet, record).
    Day(super::day::DayArgs),
    /// Plan a team's rota over a cycle of weeks: priority areas spread over the day-parts
    /// (CSV and iCalendar).
    Rota(super::rota::RotaArgs),
}

/// Cells scoring at least this much are priority cells: the pair walks slower there to observe.
const PRIORITY_SCORE: f64 = 40.0;
/// Farthest a start or end may be from a walkable street, metres.
const MAX_SNAP_M: f64 = 500.0;
/// Time factor for unlit streets after dark: they count three times as long, so the planner
/// avoids them where it can.
const UNLIT_AFTER_DARK: f64 = 3.0;

/// Arguments of `feltkart plan walk`.
#[derive(clap::Args)]
pub struct WalkArgs {
    #[command(flatten)]
    pub common: Common,
    /// Start, as LON,LAT. Repeat it for pairs starting in different places: pair i starts at the
    /// i-th start (cycling when there are more pairs than starts).
    #[arg(long, value_parser = parse_lonlat, allow_hyphen_values = true, required = true)]
    pub start: Vec<LonLat>,
    /// End, as LON,LAT, for every pair (default: each pair back to its start).
    #[arg(long, value_parser = parse_lonlat, allow_hyphen_values = true)]
    pub end: Option<LonLat>,
    /// Minutes available (walking and stops).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=720), allow_negative_numbers = true)]
    pub minutes: u32,
    /// Local date and time of the start, e.g. 2026-12-01T19:00.
    #[arg(long, value_parser = parse_time)]
    pub at: NaiveDateTime,
    /// The municipality's UTC offset on that date (Denmark/Norway winter +01:00, summer +02:00).
    #[arg(long, default_value = "+01:00", value_parser = parse_offset, allow_hyphen_values = true)]
    pub utc_offset: FixedOffset,
    /// Pairs walking the same day (no street walked twice across pairs unless unavoidable).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=8))]
    pub pairs: u32,
    /// Seed of the search (the same inputs and seed give the same walks).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Minutes for dwell stops at hotspots (squares, pitches, kiosks, youth clubs: the profile's
    /// places where the group stays); 0 for none. 10–15 suits the youth profile.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=60))]
    pub dwell_minutes: u32,
    /// The team's database: coverage of the last `--coverage-days` in this walk's time slot
    /// lowers a cell's worth, and observed signs become the `observed_signs` layer.
    #[arg(long)]
    pub db: Option<std::path::PathBuf>,
    /// Only this team's coverage and observations (default: all teams').
    #[arg(long, requires = "db")]
    pub team: Option<String>,
    /// Days of coverage history that lower a cell's worth.
    #[arg(long, default_value_t = 28, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub coverage_days: u32,
}

/// A dwell stop at a hotspot is worth this many times the street the pair could have walked in
/// the same time (at walking speed, at the stop's cell priority, times the place's weight):
/// staying where the group is beats passing by, so strong hotspots win a place in the walk.
const STOP_WORTH_FACTOR: f64 = 0.7;
/// Candidate dwell stops offered to the planner, best first.
const MAX_STOP_CANDIDATES: usize = 40;
/// Farthest a hotspot may be from the street to be a stop, metres.
const MAX_STOP_SNAP_M: f64 = 100.0;

/// Candidate dwell stops: named or unnamed places of a kind the profile weights ≥ 0.5 and the
/// taxonomy marks as a place to stay, snapped to the nearest vertex, valued by the weight and
/// the score of their cell. With their labels.
fn dwell_candidates(
    s: &Scoring,
    p: &feltkart_cells::Profile,
    index: &feltkart_graph::SnapIndex,
    by_cell: &BTreeMap<CellIndex, f64>,
    res: Resolution,
    dwell_s: f64,
) -> Vec<(DwellStop, String)> {
    let g = &s.atlas.graph.graph;
    let x = &s.atlas.extract;
    let mut out: Vec<(DwellStop, String)> = Vec::new();
    for place in &x.places {
        let best = place
            .kinds
            .iter()
            .filter_map(|&k| {
                let k = usize::from(k);
                let stay = s
                    .taxonomy
                    .kinds
                    .get(k)
                    .is_some_and(|d| d.roles.contains(&feltkart_model::PlaceRole::Stay));
                let name = x.place_kinds.get(k)?;
                p.places
                    .get(name)
                    .filter(|w| stay && w.weight >= 0.5)
                    .map(|w| (w.weight, name.clone()))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let Some((weight, kind)) = best else { continue };
        let Some(hit) = index
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
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|(d, _)| seen.insert(d.at));
    out.truncate(MAX_STOP_CANDIDATES);
    out
}

pub(crate) fn parse_lonlat(s: &str) -> Result<LonLat, String> {
    let (lon, lat) = s
        .split_once(',')
        .ok_or_else(|| format!("`{s}` is not LON,LAT"))?;
    let lon: f64 = lon
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: longitude `{lon}` is not a number"))?;
    let lat: f64 = lat
        .trim()
        .parse()
        .map_err(|_| format!("`{s}`: latitude `{lat}` is not a number"))?;
    LonLat::new(lon, lat).map_err(|e| format!("`{s}`: {e}"))
}

pub(crate) fn parse_time(s: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| format!("`{s}` is not a local date and time like 2026-12-01T19:00"))
}

pub(crate) fn parse_offset(s: &str) -> Result<FixedOffset, String> {
    s.parse::<FixedOffset>()
        .map_err(|_| format!("`{s}` is not a UTC offset like +01:00"))
}

/// The vertex nearest to `p` on the walking graph, or an error naming how far the street is.
pub(super) fn snap(
    s: &Scoring,
    index: &feltkart_graph::SnapIndex,
    p: LonLat,
    what: &str,
) -> anyhow::Result<NodeIndex> {
    let g = &s.atlas.graph.graph;
    let hit = index
        .nearest(g, p)
        .ok_or_else(|| anyhow!("the atlas has no walkable streets"))?;
    let stranded = s
        .atlas
        .graph
        .stats
        .dropped_vertices
        .iter()
        .map(|v| v.distance_m(p))
        .fold(f64::INFINITY, f64::min);
    if stranded < hit.distance_m && stranded <= MAX_SNAP_M {
        bail!(
            "{what} {:.5},{:.5} is on a path network that does not connect to the main walking network ({:.0} m away; the nearest connected street is {:.0} m away): choose a {what} on a connected street",
            p.lon,
            p.lat,
            stranded,
            hit.distance_m
        );
    }
    if hit.distance_m > MAX_SNAP_M {
        bail!(
            "{what} {:.5},{:.5} is {:.1} km from the nearest walkable street of {}: is it inside the extract?",
            p.lon,
            p.lat,
            hit.distance_m / 1000.0,
            s.atlas.extract.source.file_name
        );
    }
    let (a, b) = g
        .edge_endpoints(hit.edge)
        .ok_or_else(|| anyhow!("snapped edge {} is not in the graph", hit.edge.index()))?;
    Ok(if hit.offset_m <= g[hit.edge].length_m / 2.0 {
        a
    } else {
        b
    })
}

/// Whether `at` (local) is between sunset and sunrise at `p`; with the sunset and sunrise times.
fn after_dark(
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

/// The profile's cell scores, and each edge's priority from them.
pub(super) struct EdgePriority {
    /// Score (0-100) per cell.
    pub by_cell: BTreeMap<CellIndex, f64>,
    /// The cells' resolution.
    pub res: Resolution,
    /// Per edge: the score (0-1) of the cell at its middle point.
    pub priority: Vec<f64>,
    /// Per edge: the cell at its middle point.
    pub mid_cell: Vec<Option<CellIndex>>,
}

/// Score the cells for `p` and give each edge the score of the cell at its middle point.
pub(super) fn edge_priority(
    s: &Scoring,
    p: &feltkart_cells::Profile,
) -> anyhow::Result<EdgePriority> {
    let scores = s.scores(p)?;
    let by_cell: BTreeMap<CellIndex, f64> = scores.iter().map(|c| (c.cell, c.score)).collect();
    let res = Resolution::try_from(s.table.resolution)
        .map_err(|e| anyhow!("resolution {}: {e}", s.table.resolution))?;
    let mid_cell: Vec<Option<CellIndex>> = s
        .atlas
        .graph
        .graph
        .edge_weights()
        .map(|e| {
            let mid = e.coords[e.coords.len() / 2];
            LatLng::new(mid.lat, mid.lon).ok().map(|ll| ll.to_cell(res))
        })
        .collect();
    // An edge's priority: the score (0-1) of its cell.
    let priority: Vec<f64> = mid_cell
        .iter()
        .map(|c| {
            c.and_then(|c| by_cell.get(&c))
                .map_or(0.0, |&sc| sc / 100.0)
        })
        .collect();
    Ok(EdgePriority {
        by_cell,
        res,
        priority,
        mid_cell,
    })
}

/// Run `feltkart plan ...`.
pub fn run(c: &Command) -> anyhow::Result<()> {
    match c {
        Command::Walk(a) => walk(a),
        Command::Day(a) => super::day::run(a),
        Command::Rota(a) => super::rota::run(a),
    }
}

#[allow(clippy::too_many_lines)]
pub fn walk(a: &WalkArgs) -> anyhow::Result<()> {
    let mut s = load(&a.common)?;
    nonempty(&s)?;
    let p = profile(&a.common.profile, &s.taxonomy)?;
    let res = Resolution::try_from(s.table.resolution)
        .map_err(|e| anyhow!("resolution {}: {e}", s.table.resolution))?;
    let history =
        a.db.as_deref()
            .map(|db| super::history::read(db, a.team.as_deref(), a.at, a.coverage_days, &p, res))
            .transpose()?;
    if let Some(h) = &history {
        s.layers.retain(|l| l.name != h.signs.name);
        s.layers.push(h.signs.clone());
    }
    let EdgePriority {
        by_cell,
        res,
        priority,
        mid_cell,
    } = edge_priority(&s, &p)?;
    let g = &s.atlas.graph;
    // Its deficit in this slot: 1 without history, lower where the team has been lately.
    let deficit: Vec<f64> = mid_cell
        .iter()
        .map(|c| {
            c.and_then(|c| history.as_ref()?.deficit.get(&c).copied())
                .unwrap_or(1.0)
        })
        .collect();
    let first = *a.start.first().ok_or_else(|| anyhow!("no --start given"))?;
    let (dark, sunrise_t, sunset_t) = after_dark(first, a.at, a.utc_offset);
    let pace = Pace {
        unlit_factor: dark.then_some(UNLIT_AFTER_DARK),
        ..Pace::default()
    };
    let times = edge_times(g, &pace, |e| priority[e.index()] * 100.0 >= PRIORITY_SCORE)?;
    let values = edge_values(g, |e| priority[e.index()] * deficit[e.index()]);
    let index = g.snap_index();
    let starts: Vec<NodeIndex> = a
        .start
        .iter()
        .map(|&p| snap(&s, &index, p, "start"))
        .collect::<anyhow::Result<_>>()?;
    let end = a.end.map(|e| snap(&s, &index, e, "end")).transpose()?;
    let candidates = if a.dwell_minutes > 0 {
        dwell_candidates(
            &s,
            &p,
            &index,
            &by_cell,
            res,
            f64::from(a.dwell_minutes) * 60.0,
        )
    } else {
        Vec::new()
    };
    let problems: Vec<WalkProblem> = (0..a.pairs)
        .map(|i| {
            let start = starts[i as usize % starts.len()];
            (start, end.unwrap_or(start))
        })
        .zip(0u32..)
        .map(|((start, end), i)| WalkProblem {
            start,
            end,
            budget_s: f64::from(a.minutes) * 60.0,
            edge_time_s: times.clone(),
            edge_value: values.clone(),
            stops: candidates.iter().map(|(d, _)| d.clone()).collect(),
            seed: a.seed.wrapping_add(u64::from(i)),
        })
        .collect();
    let opts = SearchOptions::default();
    let walks = plan_pairs(g, &problems, &opts)?;

    let mut out = std::io::stdout().lock();
    let checksum = s.checksum.map(|c| format!("{c:08x}"));
    let mut summaries = Vec::new();
    for (i, w) in walks.iter().enumerate() {
        let n = i + 1;
        let title = format!(
            "Walk {n} of {} {}, {}",
            walks.len(),
            a.at.format("%Y-%m-%d %H:%M"),
            p.id
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
                start: a.at,
                stops: &stops,
                title: &title,
                utc_offset: a.utc_offset,
            },
        );
        let cells: std::collections::BTreeSet<CellIndex> = w
            .edges
            .iter()
            .flat_map(|&e| g.graph[e].coords.iter())
            .filter_map(|c| LatLng::new(c.lat, c.lon).ok().map(|ll| ll.to_cell(res)))
            .filter(|c| by_cell.get(c).is_some_and(|&sc| sc >= PRIORITY_SCORE))
            .collect();
        let gpx = write(&a.common.out, &format!("walk-{n}.gpx"), &to_gpx(&route)?)?;
        let mut fc = to_geojson(&route);
        if let Some(members) = fc.foreign_members.as_mut() {
            members.insert(
                "covered_priority_cells".into(),
                json!(cells.iter().map(ToString::to_string).collect::<Vec<_>>()),
            );
            members.insert(
                "summary".into(),
                json!({"km": route.metres() / 1000.0, "minutes": w.time_s / 60.0, "value": w.value,
                       "share_of_bound": w.share_of_bound(), "unlit_m": route.unlit_m(), "after_dark": dark}),
            );
        }
        let geo = write(&a.common.out, &format!("walk-{n}.geojson"), &fc.to_string())?;
        let sheet_text = walk_sheet(&route);
        let sheet = write(&a.common.out, &format!("walk-{n}.txt"), &sheet_text)?;
        writeln!(
            out,
            "walk {n}: {:.2} km, {:.0} min, value {:.0} ({:.0} % of the optimum bound), {} priority cells, {:.0} m unlit{}",
            route.metres() / 1000.0,
            w.time_s / 60.0,
            w.value,
            100.0 * w.share_of_bound(),
            cells.len(),
            route.unlit_m(),
            if dark {
                " (after dark: unlit streets avoided where possible)"
            } else {
                ""
            }
        )?;
        writeln!(
            out,
            "  wrote {}, {} and {}",
            gpx.display(),
            geo.display(),
            sheet.display()
        )?;
        summaries.push(json!({
            "walk": n, "km": route.metres() / 1000.0, "stops": route.stops.len(), "minutes": w.time_s / 60.0, "value": w.value,
            "bound": w.bound, "share_of_bound": w.share_of_bound(), "priority_cells": cells.len(),
            "unlit_m": route.unlit_m(), "edges": w.edges.iter().map(|e| e.index()).collect::<Vec<_>>(),
        }));
        if i == 0 {
            writeln!(out)?;
            out.write_all(sheet_text.as_bytes())?;
        }
    }
    let record = json!({
        "made_from": {
            "atlas": a.common.atlas.display().to_string(), "atlas_checksum": checksum,
            "profile": p.id, "profile_revision": p.revision, "profile_weights": p, "resolution": s.table.resolution,
            "indicator_layers": s.layers.iter().map(|l| &l.name).collect::<Vec<_>>(),
            "coverage": match (&history, &a.db) {
                (Some(h), Some(db)) => json!({
                    "db": db.display().to_string(), "team": a.team, "days": a.coverage_days,
                    "slot": feltkart_model::TimeSlot::of(a.at).as_str(),
                    "target_minutes": super::history::TARGET_MINUTES,
                    "cells_with_coverage": h.deficit.len(), "observations": h.observations,
                }),
                _ => json!("none (no coverage history: full deficit in every slot)"),
            },
        },
        "parameters": {
            "starts": a.start.iter().map(|p| [p.lon, p.lat]).collect::<Vec<_>>(), "end": a.end.map(|e| [e.lon, e.lat]), "minutes": a.minutes,
            "at": a.at.format("%Y-%m-%dT%H:%M").to_string(), "utc_offset": a.utc_offset.to_string(), "pairs": a.pairs,
            "seed": a.seed, "dwell_minutes": a.dwell_minutes, "pace": pace, "search": opts, "priority_score": PRIORITY_SCORE,
        },
        "daylight": {"after_dark": dark, "sunrise": sunrise_t, "sunset": sunset_t},
        "walks": summaries,
        "attribution": feltkart_plan::export::ATTRIBUTION,
    });
    let rec = write(
        &a.common.out,
        "walk-plan.json",
        &serde_json::to_string_pretty(&record).context("plan record")?,
    )?;
    writeln!(
        out,
        "plan record (re-run with the same inputs and seed for the same walks): {}",
        rec.display()
    )?;
    Ok(())
}
