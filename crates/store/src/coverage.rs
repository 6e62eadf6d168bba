//! Coverage queries over logged walks: where and when the team has been, for how long.
//!
//! Date ranges are inclusive local dates of the walks. Slot arrays are indexed by
//! [`TimeSlot::index`] (weekday morning … night, then weekend morning … night).

use crate::error::{Result, StoreError};
use crate::types::{cell_u64, date, parse_slot};
use crate::{Store, sq};
use chrono::{Datelike, NaiveDate};
use feltkart_model::TeamId;
use feltkart_model::{DayPart, TimeSlot};
use rusqlite::params;
use std::collections::{BTreeMap, HashMap};

/// The outdoor share of contracted working time the guidance aims at (about 30 %, 20–40 %).
pub const OUTDOOR_GUIDELINE_SHARE: f64 = 0.30;

/// Coverage of one cell in one slot.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SlotCoverage {
    /// Minutes spent in the cell.
    pub minutes: f64,
    /// Metres walked in the cell.
    pub metres: f64,
    /// Walks that covered the cell in this slot.
    pub visits: u32,
}

/// Coverage of one cell over a date range.
#[derive(Clone, Debug, PartialEq)]
pub struct CellCoverage {
    /// H3 cell index.
    pub cell: u64,
    /// Per slot, indexed by [`TimeSlot::index`].
    pub slots: [SlotCoverage; 10],
}

impl CellCoverage {
    /// Total minutes over all slots.
    #[must_use]
    pub fn minutes(&self) -> f64 {
        self.slots.iter().map(|s| s.minutes).sum()
    }

    /// Total visits (walk × slot) over all slots.
    #[must_use]
    pub fn visits(&self) -> u32 {
        self.slots.iter().map(|s| s.visits).sum()
    }

    /// Whether the cell was visited in a day-part (on weekdays or weekends).
    #[must_use]
    pub fn visited_in(&self, part: DayPart) -> bool {
        [false, true].into_iter().any(|weekend| {
            self.slots[TimeSlot {
                day_part: part,
                weekend,
            }
            .index()]
            .visits
                > 0
        })
    }

    /// How many of the five day-parts the cell was visited in.
    #[must_use]
    pub fn distinct_day_parts(&self) -> usize {
        DayPart::ALL
            .into_iter()
            .filter(|&p| self.visited_in(p))
            .count()
    }
}

/// A team's outdoor time in one ISO week.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WeekOutdoor {
    /// ISO year.
    pub iso_year: i32,
    /// ISO week (1–53).
    pub week: u32,
    /// Person-hours outdoors: walk minutes × walkers / 60.
    pub person_hours: f64,
    /// The team's contracted hours per week.
    pub contracted_hours: f64,
    /// `person_hours / contracted_hours` (0 when nothing is contracted).
    pub share: f64,
    /// `share >= OUTDOOR_GUIDELINE_SHARE`.
    pub meets_guideline: bool,
}

/// Share of priority cells visited in a day-part.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DayPartShare {
    /// The day-part.
    pub day_part: DayPart,
    /// Priority cells visited at least once in it (weekday or weekend).
    pub covered: usize,
    /// Priority cells.
    pub total: usize,
    /// `covered / total` (0 for no priority cells).
    pub share: f64,
}

/// What [`Store::gaps`] looks for.
#[derive(Clone, Copy, Debug)]
pub struct GapQuery<'a> {
    /// The current slot.
    pub slot: TimeSlot,
    /// Cell priorities from the planner (higher is more important; ≤ 0 is ignored).
    pub priorities: &'a [(u64, f64)],
    /// Minutes in the slot over the range at which a cell counts as covered.
    pub target_minutes: f64,
    /// At most this many gaps.
    pub limit: usize,
}

/// A priority cell with too little coverage in the current slot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Gap {
    /// H3 cell index.
    pub cell: u64,
    /// Its priority.
    pub priority: f64,
    /// Minutes in the slot over the range.
    pub minutes: f64,
    /// Visits in the slot over the range.
    pub visits: u32,
    /// `1 − min(1, minutes / target_minutes)`.
    pub deficit: f64,
    /// `priority × deficit`: the order of the list.
    pub score: f64,
}

/// Normalised Shannon entropy of time over the ten slots:
/// `H = −Σ pᵢ ln pᵢ / ln 10` with `pᵢ` the share of minutes in slot `i`.
/// 0 when all time is in one slot (or there is none), 1 when it is spread evenly over all ten.
#[must_use]
pub fn slot_diversity(minutes: &[f64; 10]) -> f64 {
    let total: f64 = minutes.iter().filter(|m| **m > 0.0).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let h: f64 = minutes
        .iter()
        .filter(|m| **m > 0.0)
        .map(|m| {
            let p = m / total;
            -p * p.ln()
        })
        .sum();
    (h / 10f64.ln()).clamp(0.0, 1.0)
}

fn check_range(from: NaiveDate, to: NaiveDate) -> Result<()> {
    if to < from {
        return Err(StoreError::invalid(
            "date range",
            format!("{from} – {to}"),
            "end before start",
        ));
    }
    Ok(())
}

impl Store {
    /// Coverage per cell and slot for a team (or all teams) over `from..=to`, by cell.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a reversed range, [`StoreError::Sqlite`].
    pub fn coverage(
        &self,
        team: Option<TeamId>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CellCoverage>> {
        check_range(from, to)?;
        let (f, t) = (date(from), date(to));
        self.read("coverage", |c| {
            let head = "SELECT wc.cell, wc.slot, sum(wc.minutes), sum(wc.metres), count(*)
                 FROM walks w JOIN walk_cells wc ON wc.walk_id = w.id
                 WHERE w.walk_date BETWEEN ?1 AND ?2";
            let sql = if team.is_some() {
                format!("{head} AND w.team_id = ?3 GROUP BY wc.cell, wc.slot")
            } else {
                format!("{head} GROUP BY wc.cell, wc.slot")
            };
            let mut st = c.prepare_cached(&sql).map_err(sq("coverage"))?;
            let map = |r: &rusqlite::Row<'_>| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, f64>(2)?,
                    r.get::<_, f64>(3)?,
                    r.get::<_, u32>(4)?,
                ))
            };
            let rows = match team {
                Some(team) => st.query_map(params![f, t, team.0], map),
                None => st.query_map(params![f, t], map),
            }
            .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
            .map_err(sq("coverage"))?;
            let mut cells: BTreeMap<u64, CellCoverage> = BTreeMap::new();
            for (cell, slot, minutes, metres, visits) in rows {
                let cell = cell_u64(cell);
                let slot = parse_slot(&slot)?;
                let e = cells.entry(cell).or_insert_with(|| CellCoverage {
                    cell,
                    slots: [SlotCoverage::default(); 10],
                });
                e.slots[slot.index()] = SlotCoverage {
                    minutes,
                    metres,
                    visits,
                };
            }
            Ok(cells.into_values().collect())
        })
    }

    /// A team's outdoor person-hours per ISO week over `from..=to` against its contracted hours
    /// (the 30 % guideline, [`OUTDOOR_GUIDELINE_SHARE`]). Weeks without walks are listed with 0.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] for the team, [`StoreError::Invalid`], [`StoreError::Sqlite`].
    pub fn outdoor_hours(
        &self,
        team: TeamId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<WeekOutdoor>> {
        check_range(from, to)?;
        let (f, t) = (date(from), date(to));
        self.read("outdoor hours", |c| {
            let contracted: f64 = c
                .query_row(
                    "SELECT contracted_hours_per_week FROM teams WHERE id = ?",
                    [team.0],
                    |r| r.get(0),
                )
                .map_err(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound {
                        kind: "team",
                        id: i64::from(team.0),
                    },
                    e => sq("outdoor hours")(e),
                })?;
            let mut st = c
                .prepare_cached(
                    "SELECT w.walk_date, w.walkers * sum(wc.minutes)
                     FROM walks w JOIN walk_cells wc ON wc.walk_id = w.id
                     WHERE w.team_id = ?1 AND w.walk_date BETWEEN ?2 AND ?3 GROUP BY w.id",
                )
                .map_err(sq("outdoor hours"))?;
            let rows = st
                .query_map(params![team.0, f, t], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?))
                })
                .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
                .map_err(sq("outdoor hours"))?;
            let mut weeks: BTreeMap<(i32, u32), f64> = BTreeMap::new();
            let mut d = from;
            while d <= to {
                let w = d.iso_week();
                weeks.entry((w.year(), w.week())).or_insert(0.0);
                match d.succ_opt() {
                    Some(n) => d = n,
                    None => break,
                }
            }
            for (day, person_minutes) in rows {
                let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d")
                    .map_err(|_| StoreError::invalid("stored walk date", &day, "not a date"))?;
                let w = day.iso_week();
                *weeks.entry((w.year(), w.week())).or_insert(0.0) += person_minutes / 60.0;
            }
            Ok(weeks
                .into_iter()
                .map(|((iso_year, week), person_hours)| {
                    let share = if contracted > 0.0 {
                        person_hours / contracted
                    } else {
                        0.0
                    };
                    WeekOutdoor {
                        iso_year,
                        week,
                        person_hours,
                        contracted_hours: contracted,
                        share,
                        meets_guideline: share >= OUTDOOR_GUIDELINE_SHARE,
                    }
                })
                .collect())
        })
    }

    /// For each day-part, the share of `priority_cells` a team visited in it over `from..=to`.
    ///
    /// # Errors
    /// As [`Store::coverage`].
    pub fn priority_coverage(
        &self,
        team: TeamId,
        from: NaiveDate,
        to: NaiveDate,
        priority_cells: &[u64],
    ) -> Result<Vec<DayPartShare>> {
        let cov = self.coverage(Some(team), from, to)?;
        let by_cell: HashMap<u64, &CellCoverage> = cov.iter().map(|c| (c.cell, c)).collect();
        let mut cells = priority_cells.to_vec();
        cells.sort_unstable();
        cells.dedup();
        let total = cells.len();
        Ok(DayPart::ALL
            .into_iter()
            .map(|day_part| {
                let covered = cells
                    .iter()
                    .filter(|c| by_cell.get(c).is_some_and(|cc| cc.visited_in(day_part)))
                    .count();
                DayPartShare {
                    day_part,
                    covered,
                    total,
                    share: ratio(covered, total),
                }
            })
            .collect())
    }

    /// A team's slot diversity over `from..=to` ([`slot_diversity`] of its minutes per slot).
    ///
    /// # Errors
    /// As [`Store::coverage`].
    pub fn team_slot_diversity(&self, team: TeamId, from: NaiveDate, to: NaiveDate) -> Result<f64> {
        let mut minutes = [0.0; 10];
        for c in self.coverage(Some(team), from, to)? {
            for (m, s) in minutes.iter_mut().zip(c.slots) {
                *m += s.minutes;
            }
        }
        Ok(slot_diversity(&minutes))
    }

    /// The gap list: priority cells with too little coverage in `q.slot` over `from..=to`,
    /// highest `priority × deficit` first (ties by cell).
    ///
    /// # Errors
    /// As [`Store::coverage`]; [`StoreError::Invalid`] for a non-positive target.
    pub fn gaps(
        &self,
        team: TeamId,
        from: NaiveDate,
        to: NaiveDate,
        q: &GapQuery<'_>,
    ) -> Result<Vec<Gap>> {
        if !(q.target_minutes.is_finite() && q.target_minutes > 0.0) {
            return Err(StoreError::invalid(
                "gap target minutes",
                q.target_minutes,
                "must be positive",
            ));
        }
        let cov = self.coverage(Some(team), from, to)?;
        let by_cell: HashMap<u64, SlotCoverage> = cov
            .iter()
            .map(|c| (c.cell, c.slots[q.slot.index()]))
            .collect();
        let mut gaps: Vec<Gap> = q
            .priorities
            .iter()
            .filter(|(_, p)| p.is_finite() && *p > 0.0)
            .filter_map(|&(cell, priority)| {
                let s = by_cell.get(&cell).copied().unwrap_or_default();
                let deficit = 1.0 - (s.minutes / q.target_minutes).min(1.0);
                (deficit > 0.0).then_some(Gap {
                    cell,
                    priority,
                    minutes: s.minutes,
                    visits: s.visits,
                    deficit,
                    score: priority * deficit,
                })
            })
            .collect();
        gaps.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.cell.cmp(&b.cell)));
        gaps.truncate(q.limit);
        Ok(gaps)
    }
}

#[allow(clippy::cast_precision_loss)] // counts of cells are far below 2^52
fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diversity_bounds() {
        assert_eq!(slot_diversity(&[0.0; 10]), 0.0);
        let mut one = [0.0; 10];
        one[3] = 120.0;
        assert_eq!(slot_diversity(&one), 0.0);
        assert!((slot_diversity(&[7.0; 10]) - 1.0).abs() < 1e-12);
        let mut two = [0.0; 10];
        two[0] = 30.0;
        two[9] = 30.0;
        assert!((slot_diversity(&two) - 2f64.ln() / 10f64.ln()).abs() < 1e-12);
    }
}
