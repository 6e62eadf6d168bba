//! Leader aggregates under k-anonymity.
//!
//! Leaders see observations only as aggregates per area. An area is shown only when it holds at
//! least `k` distinct observation events (default 5, [`crate::StoreConfig::k_anonymity`]). An
//! *observation event* is one team at one cell at one moment: several signs recorded together
//! count once. A cell below `k` is merged with its small siblings into the parent H3 cell
//! (the parent's aggregate then holds only those small children); if that is still below `k` it
//! goes up again, at most [`crate::StoreConfig::max_merge_levels`] resolutions, and is otherwise
//! hidden (only the number of hidden cells is reported).

use crate::error::Result;
use crate::types::{Action, Actor, ObjectKind, cell_u64, date};
use crate::write::audit;
use crate::{Store, sq};
use chrono::NaiveDate;
use feltkart_model::TeamId;
use rusqlite::params;
use std::collections::BTreeMap;

/// Observation counts of one cell before anonymisation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CellEvents {
    /// H3 cell index.
    pub cell: u64,
    /// Distinct observation events.
    pub events: u32,
    /// Observations per sign code.
    pub signs: BTreeMap<String, u32>,
}

/// One area a leader may see: a cell or a parent cell that merges small children.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Area {
    /// H3 cell index of the area.
    pub cell: u64,
    /// How many original cells it merges (1 when it is a cell of its own).
    pub merged_cells: u32,
    /// Distinct observation events (≥ k).
    pub events: u32,
    /// Observations per sign code.
    pub signs: BTreeMap<String, u32>,
}

/// What a leader sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderView {
    /// The threshold applied.
    pub k: u32,
    /// Areas with at least `k` events, by cell.
    pub areas: Vec<Area>,
    /// Original cells neither shown nor merged into a shown area.
    pub hidden_cells: u32,
}

/// Apply the k threshold with merging to parents (pure; see the module docs). Cells that are not
/// valid H3 indexes cannot be merged and are hidden when below `k`.
#[must_use]
pub fn k_anonymise(cells: Vec<CellEvents>, k: u32, max_merge_levels: u8) -> LeaderView {
    let mut current: BTreeMap<u64, Area> = BTreeMap::new();
    for c in cells.into_iter().filter(|c| c.events > 0) {
        add(
            &mut current,
            Area {
                cell: c.cell,
                merged_cells: 1,
                events: c.events,
                signs: c.signs,
            },
        );
    }
    let mut areas = Vec::new();
    let mut hidden_cells = 0;
    for level in 0..=max_merge_levels {
        let mut parents: BTreeMap<u64, Area> = BTreeMap::new();
        for (_, a) in std::mem::take(&mut current) {
            if a.events >= k {
                areas.push(a);
                continue;
            }
            let parent = h3o::CellIndex::try_from(a.cell)
                .ok()
                .and_then(|c| c.resolution().pred().and_then(|r| c.parent(r)));
            match parent {
                Some(p) if level < max_merge_levels => add(
                    &mut parents,
                    Area {
                        cell: u64::from(p),
                        ..a
                    },
                ),
                _ => hidden_cells += a.merged_cells,
            }
        }
        current = parents;
    }
    areas.sort_by_key(|a| a.cell);
    LeaderView {
        k,
        areas,
        hidden_cells,
    }
}

fn add(map: &mut BTreeMap<u64, Area>, a: Area) {
    match map.get_mut(&a.cell) {
        Some(e) => {
            e.merged_cells += a.merged_cells;
            e.events += a.events;
            for (s, n) in a.signs {
                *e.signs.entry(s).or_insert(0) += n;
            }
        }
        None => {
            map.insert(a.cell, a);
        }
    }
}

impl Store {
    /// Raw observation counts per cell for a team (or all) over `from..=to` (local dates,
    /// inclusive). Not for leaders: use [`Store::leader_observations`].
    ///
    /// # Errors
    /// [`crate::StoreError::Sqlite`].
    pub fn observation_events(
        &self,
        team: Option<TeamId>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CellEvents>> {
        let f = format!("{}T00:00:00", date(from));
        let t = format!("{}T99", date(to));
        let team = team.map(|t| t.0);
        self.read("observation events", |c| {
            let mut cells: BTreeMap<u64, CellEvents> = BTreeMap::new();
            // Two spellings, so that a team's query uses the (team, time) index.
            let filter = if team.is_some() {
                "observed_at >= ?1 AND observed_at < ?2 AND team_id = ?3"
            } else {
                "observed_at >= ?1 AND observed_at < ?2 AND ?3 IS NULL"
            };
            let mut st = c
                .prepare_cached(&format!(
                    "SELECT cell, count(*) FROM (SELECT DISTINCT cell, team_id, observed_at
                       FROM observations WHERE {filter}) GROUP BY cell"
                ))
                .map_err(sq("observation events"))?;
            let rows = st
                .query_map(params![f, t, team], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, u32>(1)?))
                })
                .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
                .map_err(sq("observation events"))?;
            for (cell, events) in rows {
                let cell = cell_u64(cell);
                cells.insert(
                    cell,
                    CellEvents {
                        cell,
                        events,
                        signs: BTreeMap::new(),
                    },
                );
            }
            let mut st = c
                .prepare_cached(&format!(
                    "SELECT cell, sign, count(*) FROM observations WHERE {filter}
                     GROUP BY cell, sign"
                ))
                .map_err(sq("observation signs"))?;
            let rows = st
                .query_map(params![f, t, team], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, u32>(2)?,
                    ))
                })
                .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
                .map_err(sq("observation signs"))?;
            for (cell, sign, n) in rows {
                if let Some(e) = cells.get_mut(&cell_u64(cell)) {
                    e.signs.insert(sign, n);
                }
            }
            Ok(cells.into_values().collect())
        })
    }

    /// The leader's view of observations: [`k_anonymise`] of [`Store::observation_events`]
    /// with the configured k and merge levels. The read is written to the audit log.
    ///
    /// # Errors
    /// [`crate::StoreError::Sqlite`].
    pub fn leader_observations(
        &mut self,
        actor: Actor,
        team: Option<TeamId>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<LeaderView> {
        let cells = self.observation_events(team, from, to)?;
        let view = k_anonymise(cells, self.config.k_anonymity, self.config.max_merge_levels);
        self.write("write audit log", |tx| {
            audit(
                tx,
                actor,
                Action::Read,
                ObjectKind::Coverage,
                team.map(|t| i64::from(t.0)),
            )
        })?;
        Ok(view)
    }
}
