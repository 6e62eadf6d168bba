//! `feltkart plan walk`: the observation walk(s) a pair can do in the time they have, at this
//! time of day, through the profile's priority cells; GPX, GeoJSON, a walk sheet and a record
//! of what the plan was made from.

use super::cells::{Common, Scoring, load, nonempty, profile, write};
use anyhow::{Context, anyhow};
use chrono::{FixedOffset, NaiveDateTime};
use feltkart_cells::Resolution;
use feltkart_model::LonLat;
use feltkart_plan::export::{to_geojson, to_gpx, walk_sheet};
use feltkart_plan::walk::request::{
    PRIORITY_SCORE, WalkContext, WalkRequest, edge_cells, plan_request, snap_on,
};
use petgraph::graph::NodeIndex;
use serde_json::json;
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

/// Run `feltkart plan ...`.
pub fn run(c: &Command) -> anyhow::Result<()> {
    match c {
        Command::Walk(a) => walk(a),
        Command::Day(a) => super::day::run(a),
        Command::Rota(a) => super::rota::run(a),
    }
}

/// Each edge's priority (0-1): the profile's score of the cell at the edge's middle point.
pub(super) fn edge_priority(s: &Scoring, p: &feltkart_cells::Profile) -> anyhow::Result<Vec<f64>> {
    let scores = s.scores(p)?;
    Ok(edge_cells(&s.atlas.graph, &scores, s.table.resolution)?.priority)
}

/// The vertex nearest to `p`, or an error saying why `p` cannot be used as the `what`.
pub(super) fn snap(
    s: &Scoring,
    index: &feltkart_graph::SnapIndex,
    p: LonLat,
    what: &'static str,
) -> anyhow::Result<NodeIndex> {
    Ok(snap_on(&s.atlas.extract, &s.atlas.graph, index, p, what)?)
}

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
    let scores = s.scores(&p)?;
    let g = &s.atlas.graph;
    let index = g.snap_index();
    let ctx = WalkContext {
        extract: &s.atlas.extract,
        graph: g,
        index: &index,
        taxonomy: &s.taxonomy,
        profile: &p,
        scores: &scores,
        resolution: s.table.resolution,
        deficit: history.as_ref().map(|h| &h.deficit),
    };
    let req = WalkRequest {
        starts: a.start.clone(),
        end: a.end,
        minutes: a.minutes,
        at: a.at,
        utc_offset: a.utc_offset,
        pairs: a.pairs,
        seed: a.seed,
        dwell_minutes: a.dwell_minutes,
    };
    let plan = plan_request(&ctx, &req)?;
    let (dark, pace, opts) = (plan.after_dark, plan.pace, plan.options);
    let (sunrise_t, sunset_t) = (plan.sunrise, plan.sunset);
    let mut out = std::io::stdout().lock();
    let checksum = s.checksum.map(|c| format!("{c:08x}"));
    let mut summaries = Vec::new();
    for (i, pw) in plan.walks.iter().enumerate() {
        let n = i + 1;
        let (w, route, cells) = (&pw.walk, &pw.route, &pw.priority_cells);
        let gpx = write(&a.common.out, &format!("walk-{n}.gpx"), &to_gpx(route)?)?;
        let mut fc = to_geojson(route);
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
        let sheet_text = walk_sheet(route);
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
