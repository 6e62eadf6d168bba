//! `feltkart plan day`: one pair's day. Promised appointments are kept in their windows,
//! search revisits are added by priority where they fit, and the free time between places is
//! filled with observation walking through the profile's priority cells. Writes one GPX, one
//! GeoJSON, a walk sheet (text, and the visits as CSV) and a record (`day-plan.json`).
//! Revisits that cannot be served are printed and recorded with the reason.

use super::cells::{Common, load, nonempty, profile, write};
use super::plan::{edge_priority, parse_lonlat, parse_offset, snap};
use anyhow::{Context, bail};
use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};
use feltkart_model::{LonLat, NodeId, Revisit, RevisitMode};
use feltkart_plan::day::fill::WalkGapFiller;
use feltkart_plan::day::revisit_file::{parse_local_time, parse_revisits};
use feltkart_plan::day::route::{DayOptions, Gap, GapFiller, Shift, plan_day};
use feltkart_plan::export::{to_geojson, to_gpx, walk_sheet};
use feltkart_plan::walk::edge_values;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `feltkart plan day`.
#[derive(clap::Args)]
pub struct DayArgs {
    #[command(flatten)]
    pub common: Common,
    /// The revisits, a JSON file (format in README.md, "Revisits file").
    #[arg(long)]
    pub revisits: PathBuf,
    /// The day, e.g. 2026-12-08.
    #[arg(long, value_parser = parse_date)]
    pub date: NaiveDate,
    /// Start of the shift, local time, e.g. 13:00.
    #[arg(long, value_parser = parse_clock)]
    pub shift_start: NaiveTime,
    /// End of the shift, local time (earlier than the start: the next day).
    #[arg(long, value_parser = parse_clock)]
    pub shift_end: NaiveTime,
    /// Where the pair starts, as LON,LAT.
    #[arg(long, value_parser = parse_lonlat, allow_hyphen_values = true)]
    pub start: LonLat,
    /// Where the pair must be at the end of the shift, as LON,LAT (default: the start).
    #[arg(long, value_parser = parse_lonlat, allow_hyphen_values = true)]
    pub end: Option<LonLat>,
    /// Plan only this team's revisits (default: all in the file).
    #[arg(long)]
    pub team: Option<u32>,
    /// The planning time: appointment windows over by then are errors (default: now).
    #[arg(long, value_parser = parse_local_time)]
    pub now: Option<NaiveDateTime>,
    /// Minutes spent at each revisit.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=60))]
    pub service_minutes: u32,
    /// The municipality's UTC offset on that date (GPX times are UTC).
    #[arg(long, default_value = "+01:00", value_parser = parse_offset, allow_hyphen_values = true)]
    pub utc_offset: FixedOffset,
    /// Seed of the searches (the same inputs and seed give the same day).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

pub(super) fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date like 2026-12-08"))
}

fn parse_clock(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s, "%H:%M")
        .map_err(|_| format!("`{s}` is not a local time like 13:00"))
}

/// What `plan day` printed in one line, for the demo.
pub struct DaySummary {
    /// Visits served.
    pub served: usize,
    /// Revisits planned (after the team filter).
    pub revisits: usize,
    /// Minutes of observation walking in the gaps.
    pub observation_min: f64,
    /// Revisits not served, with the reason (`appointment rv3: ...`).
    pub unserved: Vec<String>,
    /// The GPX written.
    pub gpx: PathBuf,
}

/// Run `feltkart plan day`.
pub fn run(a: &DayArgs) -> anyhow::Result<()> {
    plan(a, true).map(|_| ())
}

/// Plan the day and write the outputs; print the schedule when `verbose`.
#[allow(clippy::too_many_lines)]
pub fn plan(a: &DayArgs, verbose: bool) -> anyhow::Result<DaySummary> {
    let now = a.now.unwrap_or_else(|| {
        chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).naive_utc()
            + a.utc_offset
    });
    let file = a.revisits.display().to_string();
    let text = std::fs::read_to_string(&a.revisits)
        .with_context(|| format!("{file}: cannot read the revisits file"))?;
    let mut revisits = parse_revisits(&text, &file, now)?;
    let before = revisits.len();
    if let Some(team) = a.team {
        revisits.retain(|r| r.team.0 == team);
    }
    let other_teams = before - revisits.len();
    if a.shift_start == a.shift_end {
        bail!(
            "the shift starts and ends at {}: give a shift of some length",
            a.shift_start.format("%H:%M")
        );
    }
    let s = load(&a.common)?;
    nonempty(&s)?;
    let p = profile(&a.common.profile, &s.taxonomy)?;
    let priority = edge_priority(&s, &p)?;
    let g = &s.atlas.graph;
    let index = g.snap_index();
    let vertex =
        |v: petgraph::graph::NodeIndex| NodeId(u32::try_from(v.index()).unwrap_or(u32::MAX));
    let start = vertex(snap(&s, &index, a.start, "start")?);
    let end = match a.end {
        Some(e) => vertex(snap(&s, &index, e, "end")?),
        None => start,
    };
    for (i, r) in revisits.iter_mut().enumerate() {
        let what = format!("{file}: revisit {} (revisits[{i}].place)", r.id);
        let v = snap(&s, &index, r.place.at, "place").with_context(|| what)?;
        r.place.vertex = Some(vertex(v));
    }
    let shift = Shift {
        date: a.date,
        start: a.shift_start,
        end: a.shift_end,
        start_vertex: start,
        end_vertex: end,
    };
    let opts = DayOptions {
        service_s: a.service_minutes * 60,
        solve: feltkart_plan::day::tsptw::SolveOptions {
            seed: a.seed,
            ..Default::default()
        },
        ..DayOptions::default()
    };
    let adj = g.adjacency();
    let day = plan_day(g, &adj, &shift, &revisits, now, &opts)?;
    // The free time: observation walks at the day route's pace, through the priority cells.
    let times: Vec<f64> = g
        .graph
        .edge_weights()
        .map(|e| e.length_m / opts.speed_mps)
        .collect();
    let values = edge_values(g, |e| priority[e.index()]);
    let mut filler = WalkGapFiller::new(g, times.clone(), values);
    filler.seed = a.seed;
    let bar = if verbose {
        ProgressBar::new(day.gaps.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("filling free time {bar:30} {pos}/{len} gaps")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut with_bar = |gap: &Gap| {
        let w = filler.fill(gap);
        bar.inc(1);
        w
    };
    let walks = day.fill_gaps(g, &times, &mut with_bar);
    bar.finish_and_clear();
    let track = day.track(&times, &walks, opts.service_s);

    let route = track.timed(g, &times, &shift, &p.id, a.utc_offset);
    let out_dir = &a.common.out;
    let gpx = write(out_dir, "day.gpx", &to_gpx(&route)?)?;
    let geo = write(out_dir, "day.geojson", &to_geojson(&route).to_string())?;
    let mut sheet_text = String::from("Visits\n");
    for v in &track.visits {
        sheet_text.push_str(&format!(
            "{}  {} {} (arrive {})\n",
            v.start.format("%H:%M"),
            if v.appointment {
                "appointment"
            } else {
                "search"
            },
            v.revisit,
            v.arrive.format("%H:%M")
        ));
    }
    let kind = |r: &Revisit| match r.mode {
        RevisitMode::Appointment { .. } => "appointment",
        RevisitMode::Search { .. } => "search",
    };
    let find = |id| revisits.iter().find(|r| r.id == id);
    if !day.unserved.is_empty() {
        sheet_text.push_str("\nNot on the route\n");
        for (id, why) in &day.unserved {
            let k = find(*id).map_or("revisit", kind);
            sheet_text.push_str(&format!("{k} {id}: {why}\n"));
        }
    }
    sheet_text.push('\n');
    sheet_text.push_str(&walk_sheet(&route));
    let sheet = write(out_dir, "day.txt", &sheet_text)?;
    let csv = write(out_dir, "day-visits.csv", &day.walk_sheet_csv(g))?;
    let hm = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%S").to_string();
    let record = json!({
        "made_from": {
            "atlas": a.common.atlas.display().to_string(),
            "atlas_checksum": s.checksum.map(|c| format!("{c:08x}")),
            "profile": p.id, "profile_revision": p.revision, "resolution": s.table.resolution,
            "revisits_file": file,
        },
        "parameters": {
            "date": a.date.to_string(), "shift_start": a.shift_start.format("%H:%M").to_string(),
            "shift_end": a.shift_end.format("%H:%M").to_string(), "start": [a.start.lon, a.start.lat],
            "end": a.end.map(|e| [e.lon, e.lat]), "team": a.team, "now": hm(now),
            "service_minutes": a.service_minutes, "utc_offset": a.utc_offset.to_string(), "seed": a.seed,
            "speed_mps": opts.speed_mps, "min_idle_minutes_for_a_walk": filler.min_idle_s / 60,
        },
        "visits": track.visits.iter().zip(&day.stops).map(|(v, st)| json!({
            "revisit": st.revisit.to_string(), "kind": if st.appointment { "appointment" } else { "search" },
            "arrive": hm(v.arrive), "start": hm(v.start), "depart": hm(st.depart), "vertex": st.vertex.0,
        })).collect::<Vec<_>>(),
        "unserved": day.unserved.iter().map(|(id, why)| json!({
            "revisit": id.to_string(), "kind": find(*id).map_or("revisit", kind), "reason": why.to_string(),
        })).collect::<Vec<_>>(),
        "observation_walks": walks.iter().map(|(gap, w)| json!({
            "leg": gap.leg, "from": hm(gap.from), "to": hm(gap.to), "gap_minutes": gap.seconds() as f64 / 60.0,
            "walk_minutes": w.edges.iter().map(|e| times[e.index()]).sum::<f64>() / 60.0,
        })).collect::<Vec<_>>(),
        "summary": {
            "revisits": revisits.len(), "other_teams_skipped": other_teams, "served": day.stops.len(),
            "km": route.metres() / 1000.0, "walk_minutes": track.walk_s / 60.0,
            "observation_minutes": track.observation_s / 60.0, "back": hm(track.back),
        },
        "attribution": feltkart_plan::export::ATTRIBUTION,
    });
    let rec = write(
        out_dir,
        "day-plan.json",
        &serde_json::to_string_pretty(&record).context("day record")?,
    )?;
    if verbose {
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "day {}: {} of {} revisits served, {:.2} km, {:.0} min walking of which {:.0} min observation walking in the free time, back at {}",
            a.date,
            day.stops.len(),
            revisits.len(),
            route.metres() / 1000.0,
            track.walk_s / 60.0,
            track.observation_s / 60.0,
            track.back.format("%H:%M")
        )?;
        if other_teams > 0 {
            writeln!(out, "  {other_teams} revisits of other teams skipped")?;
        }
        for (id, why) in &day.unserved {
            let k = find(*id).map_or("revisit", kind);
            writeln!(out, "  not served: {k} {id}: {why}")?;
        }
        writeln!(
            out,
            "  wrote {}, {}, {}, {} and {}\n",
            gpx.display(),
            geo.display(),
            sheet.display(),
            csv.display(),
            rec.display()
        )?;
        out.write_all(sheet_text.as_bytes())?;
    }
    Ok(DaySummary {
        served: day.stops.len(),
        revisits: revisits.len(),
        observation_min: track.observation_s / 60.0,
        unserved: day
            .unserved
            .iter()
            .map(|(id, why)| format!("{} {id}: {why}", find(*id).map_or("revisit", kind)))
            .collect(),
        gpx,
    })
}
