//! What the store tells the walk planner (`plan walk --db`): recent coverage in the walk's time
//! slot lowers a cell's worth (the deficit factor), and observed signs become the
//! `observed_signs` indicator layer that profiles may weight.

use super::log::open_existing;
use anyhow::Context;
use chrono::{Days, NaiveDateTime};
use feltkart_cells::{CellIndex, IndicatorLayer, Profile, Resolution};
use feltkart_model::TimeSlot;
use feltkart_store::CellCoverage;
use std::collections::BTreeMap;
use std::path::Path;

/// Minutes in the same slot over the coverage window at which a cell counts as covered: its
/// deficit, and so its worth to the planner, is then 0.
pub const TARGET_MINUTES: f64 = 30.0;

/// Observations older than this many days no longer feed the scores (their weight has halved
/// six times by then at the default 30-day half-life).
pub const SIGNS_DAYS: u64 = 180;

/// The store's history for one plan.
pub struct History {
    /// Deficit per cell at the scoring resolution, in (0, 1]; cells not listed have 1.
    pub deficit: BTreeMap<CellIndex, f64>,
    /// The observed-signs layer.
    pub signs: IndicatorLayer,
    /// Observations read.
    pub observations: usize,
}

/// Minutes per cell (at `res`) in `slot`, from coverage at the same or a finer resolution.
pub fn slot_minutes(
    coverage: &[CellCoverage],
    slot: TimeSlot,
    res: Resolution,
) -> BTreeMap<CellIndex, f64> {
    let mut m = BTreeMap::new();
    for c in coverage {
        let minutes = c.slots[slot.index()].minutes;
        let Some(cell) = CellIndex::try_from(c.cell).ok().and_then(|x| {
            if x.resolution() >= res {
                x.parent(res)
            } else {
                None
            }
        }) else {
            continue;
        };
        if minutes > 0.0 {
            *m.entry(cell).or_insert(0.0) += minutes;
        }
    }
    m
}

/// `1 − min(1, minutes / TARGET_MINUTES)` per cell.
pub fn deficits(minutes: &BTreeMap<CellIndex, f64>) -> BTreeMap<CellIndex, f64> {
    minutes
        .iter()
        .map(|(c, m)| (*c, 1.0 - (m / TARGET_MINUTES).min(1.0)))
        .collect()
}

/// Read coverage of the `days` before `at` (in `at`'s slot) and the observations of the last
/// [`SIGNS_DAYS`] days for `team` (or all teams).
pub fn read(
    db: &Path,
    team: Option<&str>,
    at: NaiveDateTime,
    days: u32,
    profile: &Profile,
    res: Resolution,
) -> anyhow::Result<History> {
    let (store, _) = open_existing(db)?;
    let team = team.map(|t| super::store::team(&store, t)).transpose()?;
    let to = at.date();
    let from = to
        .checked_sub_days(Days::new(u64::from(days)))
        .context("coverage window out of range")?;
    let coverage = store.coverage(team, from, to)?;
    let deficit = deficits(&slot_minutes(&coverage, TimeSlot::of(at), res));
    let since = to
        .checked_sub_days(Days::new(SIGNS_DAYS))
        .context("observation window out of range")?;
    let observations = store.observations(team, since, to)?;
    let signs = feltkart_cells::signs_layer(
        &observations,
        profile,
        at,
        feltkart_cells::DEFAULT_HALF_LIFE_DAYS,
        u8::from(res),
    );
    Ok(History {
        deficit,
        signs,
        observations: observations.len(),
    })
}
