//! `feltkart coverage`: where and when the team has been, per H3 cell and time slot, as GeoJSON
//! (RFC 7946: lon/lat, counter-clockwise rings, with the OSM attribution) and CSV; plus what a
//! leader may see of the observations (cells under k distinct events merged or hidden).

use super::cells::write;
use super::log::open_existing;
use super::store::{DbArgs, db_path};
use anyhow::{Context, bail};
use chrono::NaiveDate;
use feltkart_cells::CellIndex;
use feltkart_cells::output::{ATTRIBUTION, cell_ring};
use feltkart_model::{DayPart, TimeSlot};
use feltkart_store::Actor;
use serde_json::{Value, json};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `feltkart coverage`.
#[derive(clap::Args)]
pub struct Args {
    /// First local date (inclusive), e.g. 2026-09-01.
    #[arg(long)]
    pub from: NaiveDate,
    /// Last local date (inclusive).
    #[arg(long)]
    pub to: NaiveDate,
    /// One team's coverage (default: all teams).
    #[arg(long)]
    pub team: Option<String>,
    /// An atlas, to use the `feltkart.db` beside it.
    #[arg(long)]
    pub atlas: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
    /// Where to write the GeoJSON and CSV files.
    #[arg(short, long, default_value = ".")]
    pub out: PathBuf,
}

fn polygon(cell: u64) -> Option<Value> {
    let c = CellIndex::try_from(cell).ok()?;
    Some(json!({"type": "Polygon", "coordinates": [cell_ring(c)]}))
}

fn collection(kind: &str, a: &Args, features: Vec<Value>, extra: Value) -> Value {
    let mut v = json!({
        "type": "FeatureCollection",
        "attribution": ATTRIBUTION,
        "license": "ODbL-1.0",
        "kind": kind,
        "from": a.from.to_string(),
        "to": a.to.to_string(),
        "team": a.team,
        "features": features,
    });
    if let (Some(o), Value::Object(e)) = (v.as_object_mut(), extra) {
        o.extend(e);
    }
    v
}

pub fn run(a: &Args) -> anyhow::Result<()> {
    if a.to < a.from {
        bail!("--to {} is before --from {}", a.to, a.from);
    }
    let path = db_path(a.db.db.as_deref(), a.atlas.as_deref())?;
    let (mut store, _) = open_existing(&path)?;
    let team = a
        .team
        .as_deref()
        .map(|t| super::store::team(&store, t))
        .transpose()?;
    let cells = store.coverage(team, a.from, a.to)?;
    let slots = TimeSlot::all();
    let mut features = Vec::with_capacity(cells.len());
    let mut csv = csv::Writer::from_writer(Vec::new());
    let mut head = vec!["cell", "minutes", "metres", "visits", "day_parts"];
    head.extend(slots.iter().map(|s| s.as_str()));
    csv.write_record(&head)?;
    for c in &cells {
        let metres: f64 = c.slots.iter().map(|s| s.metres).sum();
        let per_slot: serde_json::Map<String, Value> = slots
            .iter()
            .map(|s| (s.as_str().to_owned(), json!(r1(c.slots[s.index()].minutes))))
            .collect();
        let parts: Vec<&str> = DayPart::ALL
            .into_iter()
            .filter(|p| c.visited_in(*p))
            .map(DayPart::as_str)
            .collect();
        if let Some(geometry) = polygon(c.cell) {
            features.push(json!({
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "cell": format!("{:x}", c.cell), "minutes": r1(c.minutes()), "metres": r1(metres),
                    "visits": c.visits(), "day_parts": parts, "minutes_per_slot": per_slot,
                },
            }));
        }
        let mut row = vec![
            format!("{:x}", c.cell),
            r1(c.minutes()).to_string(),
            r1(metres).to_string(),
            c.visits().to_string(),
            c.distinct_day_parts().to_string(),
        ];
        row.extend(
            slots
                .iter()
                .map(|s| r1(c.slots[s.index()].minutes).to_string()),
        );
        csv.write_record(&row)?;
    }
    let cov_json = collection("coverage", a, features, json!({}));
    let cov_csv = String::from_utf8(csv.into_inner().context("coverage CSV")?)?;

    // Observations, as a leader may see them.
    let view = store.leader_observations(Actor::System, team, a.from, a.to)?;
    let mut obs_features = Vec::new();
    let mut ocsv = csv::Writer::from_writer(Vec::new());
    ocsv.write_record(["cell", "merged_cells", "events", "signs"])?;
    for area in &view.areas {
        let signs: Vec<String> = area.signs.iter().map(|(k, v)| format!("{k}:{v}")).collect();
        if let Some(geometry) = polygon(area.cell) {
            obs_features.push(json!({
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "cell": format!("{:x}", area.cell), "merged_cells": area.merged_cells,
                    "events": area.events, "signs": area.signs,
                },
            }));
        }
        ocsv.write_record([
            format!("{:x}", area.cell),
            area.merged_cells.to_string(),
            area.events.to_string(),
            signs.join(" "),
        ])?;
    }
    let obs_json = collection(
        "observations",
        a,
        obs_features,
        json!({"k": view.k, "hidden_cells": view.hidden_cells}),
    );
    let obs_csv = String::from_utf8(ocsv.into_inner().context("observations CSV")?)?;

    let written = [
        write(
            &a.out,
            "coverage.geojson",
            &serde_json::to_string(&cov_json)?,
        )?,
        write(&a.out, "coverage.csv", &cov_csv)?,
        write(
            &a.out,
            "observations.geojson",
            &serde_json::to_string(&obs_json)?,
        )?,
        write(&a.out, "observations.csv", &obs_csv)?,
    ];
    let mut out = std::io::stdout().lock();
    let total: f64 = cells.iter().map(|c| c.minutes()).sum();
    writeln!(
        out,
        "{} cells covered, {:.0} min, {} to {}; observations: {} areas shown (k = {}), {} cells hidden",
        cells.len(),
        total,
        a.from,
        a.to,
        view.areas.len(),
        view.k,
        view.hidden_cells
    )?;
    if let Some(team) = team {
        for w in store.outdoor_hours(team, a.from, a.to)? {
            writeln!(
                out,
                "  {}-W{:02}: {:.1} person-hours outdoors of {:.0} contracted ({:.0} %, guideline 30 %{})",
                w.iso_year,
                w.week,
                w.person_hours,
                w.contracted_hours,
                100.0 * w.share,
                if w.meets_guideline { "" } else { ", below" }
            )?;
        }
        let d = store.team_slot_diversity(team, a.from, a.to)? + 0.0;
        writeln!(
            out,
            "  slot diversity {d:.2} (0: one slot only, 1: all ten evenly)"
        )?;
    }
    for p in written {
        writeln!(out, "  wrote {}", p.display())?;
    }
    Ok(())
}

fn r1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0 + 0.0
}
