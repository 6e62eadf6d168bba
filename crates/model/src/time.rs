//! Time slots: the street picture differs by time of day and by weekday/weekend, so coverage,
//! planning and revisits all speak in slots of (day-part, weekday or weekend).
//!
//! Day-parts, in local time (the municipality's own clock):
//!
//! | day-part  | from  | to    |
//! |-----------|-------|-------|
//! | morning   | 06:00 | 10:00 |
//! | midday    | 10:00 | 14:00 |
//! | afternoon | 14:00 | 18:00 |
//! | evening   | 18:00 | 22:00 |
//! | night     | 22:00 | 06:00 |
//!
//! Night belongs to the day it starts on: Friday 23:00 and Saturday 02:00 are both "Friday
//! night". Weekend is Saturday and Sunday (a Friday night counts as a weekday slot).

use chrono::{Datelike, NaiveDateTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A part of the day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayPart {
    /// 06:00–10:00
    Morning,
    /// 10:00–14:00
    Midday,
    /// 14:00–18:00
    Afternoon,
    /// 18:00–22:00
    Evening,
    /// 22:00–06:00
    Night,
}

impl DayPart {
    /// All day-parts in the order of the day.
    pub const ALL: [Self; 5] = [
        Self::Morning,
        Self::Midday,
        Self::Afternoon,
        Self::Evening,
        Self::Night,
    ];

    /// The day-part of a local hour (0–23).
    #[must_use]
    pub fn of_hour(hour: u32) -> Self {
        match hour {
            6..=9 => Self::Morning,
            10..=13 => Self::Midday,
            14..=17 => Self::Afternoon,
            18..=21 => Self::Evening,
            _ => Self::Night,
        }
    }

    /// Stable snake-case name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Morning => "morning",
            Self::Midday => "midday",
            Self::Afternoon => "afternoon",
            Self::Evening => "evening",
            Self::Night => "night",
        }
    }

    /// Parse a snake-case name.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// A time slot: a day-part on a weekday or on a weekend day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TimeSlot {
    /// The day-part.
    pub day_part: DayPart,
    /// Saturday or Sunday.
    pub weekend: bool,
}

impl TimeSlot {
    /// All ten slots: weekday day-parts, then weekend day-parts.
    #[must_use]
    pub fn all() -> Vec<Self> {
        [false, true]
            .into_iter()
            .flat_map(|weekend| {
                DayPart::ALL
                    .into_iter()
                    .map(move |day_part| Self { day_part, weekend })
            })
            .collect()
    }

    /// The slot of a local date and time (a night before 06:00 belongs to the previous day).
    #[must_use]
    pub fn of(t: NaiveDateTime) -> Self {
        let day_part = DayPart::of_hour(t.hour());
        let day = if day_part == DayPart::Night && t.hour() < 6 {
            t.date().pred_opt().unwrap_or(t.date())
        } else {
            t.date()
        };
        Self {
            day_part,
            weekend: matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The stable name, as `Display` writes it (`weekday_evening`), without allocating.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        const NAMES: [&str; 10] = [
            "weekday_morning",
            "weekday_midday",
            "weekday_afternoon",
            "weekday_evening",
            "weekday_night",
            "weekend_morning",
            "weekend_midday",
            "weekend_afternoon",
            "weekend_evening",
            "weekend_night",
        ];
        NAMES
            .get(self.index())
            .copied()
            .unwrap_or("weekday_morning")
    }

    /// Index 0..10 (for tables).
    #[must_use]
    pub fn index(self) -> usize {
        usize::from(self.weekend) * 5
            + DayPart::ALL
                .iter()
                .position(|&d| d == self.day_part)
                .unwrap_or(0)
    }
}

impl fmt::Display for TimeSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not a time slot's name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{slot}` is not a time slot (weekday_ or weekend_ + morning, midday, afternoon, evening or night)"
)]
pub struct UnknownSlot {
    /// The rejected input.
    pub slot: String,
}

impl std::str::FromStr for TimeSlot {
    type Err = UnknownSlot;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::all()
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownSlot { slot: s.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn t(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn slots_of_times() {
        // 2026-12-01 is a Tuesday; 2026-12-05 a Saturday.
        assert_eq!(
            TimeSlot::of(t(2026, 12, 1, 19)).to_string(),
            "weekday_evening"
        );
        assert_eq!(
            TimeSlot::of(t(2026, 12, 5, 13)).to_string(),
            "weekend_midday"
        );
        // Saturday 02:00 is still Friday night: a weekday slot.
        assert_eq!(TimeSlot::of(t(2026, 12, 5, 2)).to_string(), "weekday_night");
        // Sunday 23:00 is a weekend night; Monday 03:00 too.
        assert_eq!(
            TimeSlot::of(t(2026, 12, 6, 23)).to_string(),
            "weekend_night"
        );
        assert_eq!(TimeSlot::of(t(2026, 12, 7, 3)).to_string(), "weekend_night");
        assert_eq!(DayPart::of_hour(6), DayPart::Morning);
        assert_eq!(DayPart::of_hour(5), DayPart::Night);
    }

    #[test]
    fn ten_distinct_slot_indices() {
        let mut idx: Vec<usize> = TimeSlot::all().into_iter().map(TimeSlot::index).collect();
        idx.sort_unstable();
        assert_eq!(idx, (0..10).collect::<Vec<_>>());
        for s in TimeSlot::all() {
            let name = format!(
                "{}_{}",
                if s.weekend { "weekend" } else { "weekday" },
                s.day_part.as_str()
            );
            assert_eq!(s.as_str(), name);
            assert_eq!(name.parse::<TimeSlot>().unwrap(), s);
        }
        assert!("weekday".parse::<TimeSlot>().is_err());
        assert!("weekend_brunch".parse::<TimeSlot>().is_err());
        assert_eq!(DayPart::parse("evening"), Some(DayPart::Evening));
    }
}
