//! `feltkart log walk|observation`: what the pair did in the field, into the store. A GPS track
//! is map-matched and reduced to minutes and metres per cell × time slot; the track itself is
//! never stored. Every log is one transaction: on bad input nothing is written.

use super::plan::{parse_offset, parse_time};
use super::store::{DbArgs, db_path, not_future, now_utc, read_text, team};
use anyhow::{Context, anyhow, bail};
use chrono::{FixedOffset, NaiveDateTime};
use feltkart_cells::{LatLng, Resolution, walked_cells};
use feltkart_graph::{MatchOptions, WalkGraph, match_track};
use feltkart_model::{CellSlotWalk, Observation};
use feltkart_store::{Actor, WalkLog};
use petgraph::graph::EdgeIndex;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `feltkart log ...`
#[derive(clap::Subcommand)]
pub enum Command {
    /// Log a walk: a GPX track recorded on a phone, or a planned walk marked done.
    Walk(WalkArgs),
    /// Log one observed sign at a place and time (snapped to its H3 cell).
    Observation(ObservationArgs),
}

/// Arguments of `feltkart log walk`.
#[derive(clap::Args)]
pub struct WalkArgs {
    /// The GPX track recorded on the walk.
    #[arg(required_unless_present = "planned", conflicts_with = "planned")]
    pub track: Option<PathBuf>,
    /// A plan record (`walk-plan.json` from `feltkart plan walk`): log its walk as done.
    #[arg(long)]
    pub planned: Option<PathBuf>,
    /// Which walk of the plan record (1 = the first pair's).
    #[arg(long, default_value_t = 1)]
    pub walk: usize,
    /// The team's code.
    #[arg(long)]
    pub team: String,
    /// The atlas the walk was on.
    #[arg(long)]
    pub atlas: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
    /// The municipality's UTC offset (GPX times are UTC; slots are local).
    #[arg(long, default_value = "+01:00", value_parser = parse_offset, allow_hyphen_values = true)]
    pub utc_offset: FixedOffset,
    /// How many walked (outreach is done in pairs).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u8).range(1..=8))]
    pub walkers: u8,
    /// H3 resolution of the coverage cells.
    #[arg(long, default_value_t = feltkart_cells::DEFAULT_RESOLUTION)]
    pub resolution: u8,
}

/// Arguments of `feltkart log observation`.
#[derive(clap::Args)]
pub struct ObservationArgs {
    /// The team's code.
    #[arg(long)]
    pub team: String,
    /// Local date and time, e.g. 2026-12-01T19:30.
    #[arg(long, value_parser = parse_time)]
    pub at: NaiveDateTime,
    /// Longitude of the place.
    #[arg(long, allow_hyphen_values = true)]
    pub lon: f64,
    /// Latitude of the place.
    #[arg(long, allow_hyphen_values = true)]
    pub lat: f64,
    /// The sign code (see data/signs.toml).
    #[arg(long)]
    pub sign: String,
    /// An atlas, to use the `feltkart.db` beside it.
    #[arg(long)]
    pub atlas: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
    /// The municipality's UTC offset (to tell a future time).
    #[arg(long, default_value = "+01:00", value_parser = parse_offset, allow_hyphen_values = true)]
    pub utc_offset: FixedOffset,
    /// H3 resolution the place is snapped to.
    #[arg(long, default_value_t = feltkart_cells::DEFAULT_RESOLUTION)]
    pub resolution: u8,
}

pub fn run(c: &Command) -> anyhow::Result<()> {
    match c {
        Command::Walk(a) => walk(a),
        Command::Observation(a) => observation(a),
    }
}

/// Open an existing database: only `feltkart team add` creates one.
pub fn open_existing(
    path: &Path,
) -> anyhow::Result<(feltkart_store::Store, feltkart_store::CodeList)> {
    if !path.exists() {
        bail!(
            "{}: no database yet: create it with `feltkart team add CODE --hours H --db {}`",
            path.display(),
            path.display()
        );
    }
    super::store::open(path)
}

fn walk(a: &WalkArgs) -> anyhow::Result<()> {
    let res = feltkart_cells::index::resolution(a.resolution)?;
    let (atlas, checksum) = feltkart_atlas::read(&a.atlas)?;
    let g = &atlas.graph;
    let (start, cells, what) = match (&a.track, &a.planned) {
        (Some(track), _) => from_track(g, track, a.utc_offset, res)?,
        (None, Some(plan)) => from_plan(g, checksum, plan, a.walk, a.utc_offset, res)?,
        (None, None) => bail!("give a GPX track or --planned walk-plan.json"),
    };
    if cells.is_empty() {
        bail!("the walk covers no cell: nothing to log");
    }
    let path = db_path(a.db.db.as_deref(), Some(&a.atlas))?;
    let (mut store, _) = open_existing(&path)?;
    let team = team(&store, &a.team)?;
    let minutes: f64 = cells.iter().map(|c| c.minutes).sum();
    let metres: f64 = cells.iter().map(|c| c.metres).sum();
    let n = cells.len();
    let id = store.log_walk(
        Actor::System,
        &WalkLog {
            team,
            date: start.date(),
            walkers: a.walkers,
            cells,
        },
    )?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "logged {id} for team {} on {}: {:.2} km, {minutes:.0} min in {n} cell × slot rows ({what}); {}",
        a.team,
        start.format("%Y-%m-%d %H:%M"),
        metres / 1000.0,
        if a.track.is_some() {
            "the track itself is not stored"
        } else {
            "from the plan"
        }
    )?;
    Ok(())
}

fn from_track(
    g: &WalkGraph,
    path: &Path,
    offset: FixedOffset,
    res: Resolution,
) -> anyhow::Result<(NaiveDateTime, Vec<CellSlotWalk>, String)> {
    let file =
        std::fs::File::open(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let track = feltkart_cells::read_track(
        std::io::BufReader::new(file),
        &path.display().to_string(),
        now_utc(),
    )?;
    let m = match_track(
        &g.graph,
        &g.snap_index(),
        &g.adjacency(),
        &track.points,
        &MatchOptions::default(),
    )
    .with_context(|| format!("{}: cannot match the track", path.display()))?;
    let start = track.start.with_timezone(&offset).naive_local();
    let what = format!(
        "{} fixes, {} off the network, {} break{}",
        track.points.len(),
        m.points_off_network,
        m.breaks,
        if m.breaks == 1 { "" } else { "s" }
    );
    Ok((
        start,
        walked_cells(&g.graph, &m.traversals, start, res),
        what,
    ))
}

/// A planned walk marked done: its edges at the plan's pace from the plan's start time.
fn from_plan(
    g: &WalkGraph,
    checksum: u32,
    path: &Path,
    walk: usize,
    offset: FixedOffset,
    res: Resolution,
) -> anyhow::Result<(NaiveDateTime, Vec<CellSlotWalk>, String)> {
    let name = path.display();
    let v: serde_json::Value = serde_json::from_str(&read_text(path)?)
        .with_context(|| format!("{name}: not a plan record (JSON)"))?;
    let planned_sum = v
        .pointer("/made_from/atlas_checksum")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("none");
    let this = format!("{checksum:08x}");
    if planned_sum != this {
        bail!(
            "{name}: the plan was made from another atlas (checksum {planned_sum}, this atlas {this})"
        );
    }
    let at = v
        .pointer("/parameters/at")
        .and_then(serde_json::Value::as_str)
        .and_then(|s| parse_time(s).ok())
        .ok_or_else(|| anyhow!("{name}: no parameters.at start time"))?;
    let walks = v.pointer("/walks").and_then(serde_json::Value::as_array);
    let w = walks
        .and_then(|ws| ws.iter().find(|w| w["walk"].as_u64() == Some(walk as u64)))
        .ok_or_else(|| {
            anyhow!(
                "{name}: no walk {walk} (the record has {})",
                walks.map_or(0, Vec::len)
            )
        })?;
    let minutes = w["minutes"]
        .as_f64()
        .filter(|m| m.is_finite() && *m > 0.0)
        .ok_or_else(|| anyhow!("{name}: walk {walk} has no minutes"))?;
    let edges: Vec<EdgeIndex> = w["edges"]
        .as_array()
        .ok_or_else(|| anyhow!("{name}: walk {walk} has no edges"))?
        .iter()
        .map(|e| {
            e.as_u64()
                .and_then(|i| usize::try_from(i).ok())
                .map(EdgeIndex::new)
                .filter(|e| g.graph.edge_weight(*e).is_some())
                .ok_or_else(|| anyhow!("{name}: walk {walk}: `{e}` is not an edge of the atlas"))
        })
        .collect::<anyhow::Result<_>>()?;
    #[allow(clippy::cast_possible_truncation)]
    let end = at + chrono::Duration::seconds((minutes * 60.0).round() as i64);
    not_future("the planned walk ends at", end, offset)?;
    let traversals = feltkart_cells::planned_traversals(&g.graph, &edges, minutes * 60.0);
    let what = format!("planned walk {walk} of {name}, {} streets", edges.len());
    Ok((at, walked_cells(&g.graph, &traversals, at, res), what))
}

fn observation(a: &ObservationArgs) -> anyhow::Result<()> {
    let res = feltkart_cells::index::resolution(a.resolution)?;
    let ll = LatLng::new(a.lat, a.lon)
        .ok()
        .filter(|_| feltkart_model::LonLat::new(a.lon, a.lat).is_ok())
        .ok_or_else(|| anyhow!("--lon {} --lat {}: not a position", a.lon, a.lat))?;
    not_future("the observation time", a.at, a.utc_offset)?;
    let path = db_path(a.db.db.as_deref(), a.atlas.as_deref())?;
    let (mut store, codes) = open_existing(&path)?;
    let team = team(&store, &a.team)?;
    let sign = codes.sign(&a.sign).cloned().ok_or_else(|| {
        anyhow!(
            "unknown sign code `{}`: valid codes are {}",
            a.sign,
            codes.sign_list()
        )
    })?;
    let cell = u64::from(ll.to_cell(res));
    let batch = store.insert_observations(
        Actor::System,
        team,
        &[Observation {
            cell,
            sign,
            at: a.at,
        }],
    )?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "logged {} at cell {:x} ({}) for team {} in {}",
        a.sign,
        cell,
        a.at.format("%Y-%m-%d %H:%M"),
        a.team,
        batch
    )?;
    Ok(())
}
