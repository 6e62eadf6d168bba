//! The weekly rota: which priority area each shift of a team walks, over a cycle of weeks
//! (normally 4), so that every area is seen at as many different times of day as the shifts
//! allow, in an order outsiders cannot predict (seeded), with the planner's overrides.
//!
//! A shift's slot is the [`TimeSlot`] of its midpoint (a 17:00–21:00 shift is an evening).
//!
//! Method, for `O` shift occurrences and `A` areas:
//! 1. Overrides are placed first.
//! 2. Quotas: every area gets ⌊O/A⌋ occurrences, and a seeded choice of `O mod A` areas one more
//!    (an area with more overrides than that keeps them all).
//! 3. Spread: day-parts are taken rarest first; for each, every area that lacks it and is under
//!    quota gets a free occurrence of it (areas with the fewest day-parts so far first, ties in
//!    seeded order; among occurrences, one whose exact slot the area lacks, then seeded).
//! 4. Fill: the remaining occurrences, in time order, go to an area under quota, preferring one
//!    without a walk that day, then without that slot, then with fewest walks in that day-part,
//!    then the longest since its last walk, then seeded order.
//!
//! Law (without overrides): an area with k shifts is walked in at least min(k, D) distinct
//! day-parts, where D is the number of day-parts with at least A occurrences in the cycle (one
//! for every area). Rarer day-parts are shared out by step 3, so they can't be promised to every area.
//! Overrides that put an area twice in the same slot raise a [`RotaWarning`].
//!
//! Complexity: O(O · A) after sorting.

use super::rng::Rng;
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Weekday};
use feltkart_model::{DayPart, TeamId, TimeSlot};
use icalendar::{Calendar, Component, EventLike};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use thiserror::Error;

/// A weekly shift of one pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyShift {
    /// Day of the week.
    pub weekday: Weekday,
    /// Start, local time.
    pub start: NaiveTime,
    /// End, local time (at or before `start`: the next day).
    pub end: NaiveTime,
    /// Which pair (0-based, below the team's `pairs`).
    pub pair: u32,
}

/// A team and its week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// The team.
    pub id: TeamId,
    /// Number of pairs.
    pub pairs: u32,
    /// Its shifts in a week.
    pub shifts: Vec<WeeklyShift>,
}

/// "In week `week`, shift `shift` walks `area`."
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// Week of the cycle, 1-based.
    pub week: u32,
    /// Index into the team's shifts.
    pub shift: usize,
    /// The priority area (as listed in the request).
    pub area: String,
}

/// What to plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RotaRequest {
    /// The team.
    pub team: Team,
    /// Its priority areas (short codes or labels of places, never people).
    pub areas: Vec<String>,
    /// The Monday the cycle starts.
    pub first_monday: NaiveDate,
    /// Weeks in the cycle (normally 4).
    pub weeks: u32,
    /// Seed of the randomisation.
    pub seed: u64,
    /// The planner's fixed choices.
    #[serde(default)]
    pub overrides: Vec<Override>,
}

/// One shift occurrence and its area.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// Week of the cycle, 1-based.
    pub week: u32,
    /// Index into the team's shifts.
    pub shift: usize,
    /// The pair.
    pub pair: u32,
    /// Start.
    pub start: NaiveDateTime,
    /// End.
    pub end: NaiveDateTime,
    /// The slot of its midpoint.
    pub slot: TimeSlot,
    /// The area walked.
    pub area: String,
    /// Placed by an override.
    pub overridden: bool,
}

/// Something the planner should look at.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum RotaWarning {
    /// Overrides make an area repeat a slot.
    #[error("overrides put area {area:?} in slot {slot} {times} times")]
    RepeatedSlot {
        /// The area.
        area: String,
        /// The slot.
        slot: TimeSlot,
        /// How often.
        times: usize,
    },
}

/// A rota that cannot be planned.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum RotaError {
    /// No areas.
    #[error("rota: no priority areas given")]
    NoAreas,
    /// No shifts.
    #[error("rota: team {0} has no shifts")]
    NoShifts(TeamId),
    /// Zero weeks.
    #[error("rota: the cycle must have at least one week")]
    NoWeeks,
    /// An area listed twice.
    #[error("rota: area {0:?} is listed twice")]
    DuplicateArea(String),
    /// The cycle does not start on a Monday.
    #[error("rota: first_monday {0} is a {1}")]
    NotMonday(NaiveDate, Weekday),
    /// A shift's pair is not one of the team's.
    #[error("rota: shift {shift} is for pair {pair}, but the team has {pairs} pairs")]
    Pair {
        /// Shift index.
        shift: usize,
        /// Its pair.
        pair: u32,
        /// Pairs in the team.
        pairs: u32,
    },
    /// An override names an unknown area or a shift outside the cycle.
    #[error("rota: override {index} (week {week}, shift {shift}, area {area:?}): {problem}")]
    BadOverride {
        /// Override index.
        index: usize,
        /// Its week.
        week: u32,
        /// Its shift.
        shift: usize,
        /// Its area.
        area: String,
        /// What is wrong.
        problem: &'static str,
    },
}

/// Per-area coverage over the cycle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaCoverage {
    /// The area.
    pub area: String,
    /// Shifts walking it.
    pub shifts: usize,
    /// Distinct day-parts.
    pub day_parts: Vec<DayPart>,
    /// Distinct slots.
    pub slots: Vec<TimeSlot>,
}

/// The planned rota.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rota {
    /// The team.
    pub team: TeamId,
    /// Every shift occurrence of the cycle, in time order.
    pub assignments: Vec<Assignment>,
    /// Coverage per area, in the request's order.
    pub coverage: Vec<AreaCoverage>,
    /// Day-parts with at least one occurrence per area (the law's D).
    pub day_parts_available: usize,
    /// Warnings for the planner.
    pub warnings: Vec<RotaWarning>,
}

fn validate(req: &RotaRequest) -> Result<(), RotaError> {
    if req.areas.is_empty() {
        return Err(RotaError::NoAreas);
    }
    if req.team.shifts.is_empty() {
        return Err(RotaError::NoShifts(req.team.id));
    }
    if req.weeks == 0 {
        return Err(RotaError::NoWeeks);
    }
    if req.first_monday.weekday() != Weekday::Mon {
        return Err(RotaError::NotMonday(
            req.first_monday,
            req.first_monday.weekday(),
        ));
    }
    for (i, a) in req.areas.iter().enumerate() {
        if req.areas[..i].contains(a) {
            return Err(RotaError::DuplicateArea(a.clone()));
        }
    }
    for (shift, s) in req.team.shifts.iter().enumerate() {
        if s.pair >= req.team.pairs {
            return Err(RotaError::Pair {
                shift,
                pair: s.pair,
                pairs: req.team.pairs,
            });
        }
    }
    for (index, o) in req.overrides.iter().enumerate() {
        let problem = if !req.areas.contains(&o.area) {
            Some("unknown area")
        } else if o.week == 0 || o.week > req.weeks {
            Some("week outside the cycle")
        } else if o.shift >= req.team.shifts.len() {
            Some("no such shift")
        } else if req.overrides[..index]
            .iter()
            .any(|p| p.week == o.week && p.shift == o.shift)
        {
            Some("that shift is already overridden")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(RotaError::BadOverride {
                index,
                week: o.week,
                shift: o.shift,
                area: o.area.clone(),
                problem,
            });
        }
    }
    Ok(())
}

/// Plan the rota. Deterministic for `req.seed`.
///
/// # Errors
/// A request that does not make sense, naming the field.
pub fn plan_rota(req: &RotaRequest) -> Result<Rota, RotaError> {
    validate(req)?;
    let mut rng = Rng::new(req.seed);
    let a_n = req.areas.len();
    // Occurrences.
    let mut occ: Vec<Assignment> = Vec::new();
    for week in 1..=req.weeks {
        for (shift, s) in req.team.shifts.iter().enumerate() {
            let offset = u64::from(7 * (week - 1) + s.weekday.num_days_from_monday());
            let date = req
                .first_monday
                .checked_add_days(Days::new(offset))
                .unwrap_or(req.first_monday);
            let start = date.and_time(s.start);
            let mut end = date.and_time(s.end);
            if s.end <= s.start {
                end += TimeDelta::days(1);
            }
            occ.push(Assignment {
                week,
                shift,
                pair: s.pair,
                start,
                end,
                slot: TimeSlot::of(start + (end - start) / 2),
                area: String::new(),
                overridden: false,
            });
        }
    }
    occ.sort_by_key(|a| (a.start, a.pair, a.shift));
    let mut owner: Vec<Option<usize>> = vec![None; occ.len()];
    // 1. Overrides.
    for o in &req.overrides {
        let area = req.areas.iter().position(|a| *a == o.area).unwrap_or(0);
        if let Some(k) = occ
            .iter()
            .position(|x| x.week == o.week && x.shift == o.shift)
        {
            owner[k] = Some(area);
            occ[k].overridden = true;
        }
    }
    // 2. Quotas.
    let mut rank: Vec<usize> = (0..a_n).collect();
    rng.shuffle(&mut rank); // rank[i] = the area at seeded position i
    let mut quota = vec![occ.len() / a_n; a_n];
    for &a in rank.iter().take(occ.len() % a_n) {
        quota[a] += 1;
    }
    let count = |owner: &[Option<usize>], a: usize| owner.iter().filter(|&&o| o == Some(a)).count();
    for (a, q) in quota.iter_mut().enumerate() {
        *q = (*q).max(count(&owner, a));
    }
    let has = |owner: &[Option<usize>], a: usize, f: &dyn Fn(&Assignment) -> bool| {
        owner.iter().zip(&occ).any(|(&o, x)| o == Some(a) && f(x))
    };
    // 3. Spread day-parts, rarest first.
    let mut parts: Vec<(usize, DayPart)> = DayPart::ALL
        .iter()
        .map(|&d| (occ.iter().filter(|x| x.slot.day_part == d).count(), d))
        .filter(|&(n, _)| n > 0)
        .collect();
    parts.sort();
    let day_parts_available = parts.iter().filter(|&&(n, _)| n >= a_n).count();
    for &(_, d) in &parts {
        let mut order: Vec<(usize, usize, usize)> = rank
            .iter()
            .enumerate()
            .map(|(pos, &a)| {
                let distinct = DayPart::ALL
                    .iter()
                    .filter(|&&p| has(&owner, a, &|x| x.slot.day_part == p))
                    .count();
                (distinct, pos, a)
            })
            .collect();
        order.sort_unstable();
        for &(_, _, a) in &order {
            if count(&owner, a) >= quota[a] || has(&owner, a, &|x| x.slot.day_part == d) {
                continue;
            }
            let free: Vec<usize> = (0..occ.len())
                .filter(|&k| owner[k].is_none() && occ[k].slot.day_part == d)
                .collect();
            if free.is_empty() {
                break;
            }
            let fresh: Vec<usize> = free
                .iter()
                .copied()
                .filter(|&k| !has(&owner, a, &|x| x.slot == occ[k].slot))
                .collect();
            let pool = if fresh.is_empty() { &free } else { &fresh };
            let k = pool[rng.below(pool.len())];
            owner[k] = Some(a);
        }
    }
    // 4. Fill the rest in time order.
    for k in 0..occ.len() {
        if owner[k].is_some() {
            continue;
        }
        let x = &occ[k];
        let best = rank
            .iter()
            .enumerate()
            .filter(|&(_, &a)| count(&owner, a) < quota[a])
            .min_by_key(|&(pos, &a)| {
                let same_day = has(&owner, a, &|y| y.start.date() == x.start.date());
                let same_slot = has(&owner, a, &|y| y.slot == x.slot);
                let in_part = owner
                    .iter()
                    .zip(&occ)
                    .filter(|(o, y)| **o == Some(a) && y.slot.day_part == x.slot.day_part)
                    .count();
                let last = owner
                    .iter()
                    .zip(&occ)
                    .filter(|(o, _)| **o == Some(a))
                    .map(|(_, y)| y.start)
                    .max();
                let since = last.map_or(i64::MAX, |l| (x.start - l).num_minutes());
                (same_day, same_slot, in_part, std::cmp::Reverse(since), pos)
            })
            .map(|(_, &a)| a);
        owner[k] = best;
    }
    for (k, x) in occ.iter_mut().enumerate() {
        x.area = owner[k].map_or_else(String::new, |a| req.areas[a].clone());
    }
    let mut warnings = Vec::new();
    let mut coverage = Vec::new();
    for area in &req.areas {
        let mine: Vec<&Assignment> = occ.iter().filter(|x| &x.area == area).collect();
        let mut slots: Vec<TimeSlot> = mine.iter().map(|x| x.slot).collect();
        slots.sort_unstable();
        slots.dedup();
        for &slot in &slots {
            let here: Vec<&&Assignment> = mine.iter().filter(|x| x.slot == slot).collect();
            if here.len() > 1 && here.iter().any(|x| x.overridden) {
                warnings.push(RotaWarning::RepeatedSlot {
                    area: area.clone(),
                    slot,
                    times: here.len(),
                });
            }
        }
        let mut day_parts: Vec<DayPart> = slots.iter().map(|s| s.day_part).collect();
        day_parts.dedup();
        coverage.push(AreaCoverage {
            area: area.clone(),
            shifts: mine.len(),
            day_parts,
            slots,
        });
    }
    Ok(Rota {
        team: req.team.id,
        assignments: occ,
        coverage,
        day_parts_available,
        warnings,
    })
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

impl Rota {
    /// The rota as CSV (RFC 4180): `week,date,weekday,start,end,pair,area,slot,override`.
    #[must_use]
    pub fn to_csv(&self) -> String {
        let mut out = String::from("week,date,weekday,start,end,pair,area,slot,override\r\n");
        for a in &self.assignments {
            let _ = write!(
                out,
                "{},{},{},{},{},{},{},{},{}\r\n",
                a.week,
                a.start.date(),
                a.start.weekday(),
                a.start.format("%H:%M"),
                a.end.format("%H:%M"),
                a.pair + 1,
                csv_field(&a.area),
                a.slot,
                if a.overridden { "yes" } else { "no" }
            );
        }
        out
    }

    /// The rota as an iCalendar (RFC 5545) calendar: one event per shift, in floating local
    /// time, with stable UIDs and a DTSTAMP of the cycle's first day (so the output is
    /// deterministic).
    #[must_use]
    pub fn to_ics(&self) -> String {
        let stamp = self
            .assignments
            .first()
            .map(|a| a.start.date().and_time(NaiveTime::MIN))
            .map_or(DateTime::UNIX_EPOCH, |d| d.and_utc());
        let mut cal = Calendar::new();
        cal.name(&format!("Feltkart rota {}", self.team));
        for a in &self.assignments {
            let event = icalendar::Event::new()
                .uid(&format!(
                    "{}-w{}-s{}-{}@feltkart",
                    self.team,
                    a.week,
                    a.shift,
                    a.start.format("%Y%m%dT%H%M")
                ))
                .timestamp(stamp)
                .summary(&format!("Outreach walk: {} (pair {})", a.area, a.pair + 1))
                .description(&format!(
                    "Slot {}; week {} of the cycle{}",
                    a.slot,
                    a.week,
                    if a.overridden {
                        "; set by the planner"
                    } else {
                        ""
                    }
                ))
                .starts(a.start)
                .ends(a.end)
                .done();
            cal.push(event);
        }
        cal.done().to_string()
    }
}

#[cfg(test)]
#[path = "rota_tests.rs"]
mod tests;
