//! Revisits: a place the team has promised to come back to, or wants to try again.
//!
//! A revisit is a location (snapped to the walking graph when known), a mode — an
//! *appointment* (a promised time window, hard) or a *search* (due by a date, any slot) —
//! a priority, the team it belongs to, and the attempts made so far, each with a time, its
//! [`TimeSlot`] and an [`Outcome`] code. By design there are no names and no free text
//! anywhere: outreach work is anonymous and nothing here is a case file.

use crate::{LonLat, NodeId, TimeSlot};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A revisit's identifier (`rv12`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RevisitId(pub u64);

impl fmt::Display for RevisitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "rv{}", self.0)
    }
}

/// A team's identifier (`team3`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct TeamId(pub u32);

impl fmt::Display for TeamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "team{}", self.0)
    }
}

/// Where to go back to.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    /// The position the worker marked.
    pub at: LonLat,
    /// The walking-graph vertex it was snapped to, once snapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vertex: Option<NodeId>,
}

/// A promised time window, local time: the visit (arrival and service) must fit inside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// Earliest arrival.
    pub start: NaiveDateTime,
    /// Latest end of the visit.
    pub end: NaiveDateTime,
}

/// What kind of revisit it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum RevisitMode {
    /// "Come back next Tuesday at 13:00": a promise, kept in its window.
    Appointment {
        /// The promised window.
        window: Window,
    },
    /// "Nobody answered": try again by `due`, in any slot (the next-try policy picks one).
    Search {
        /// The last day to try.
        due: NaiveDate,
    },
}

/// The outcome code of one attempt. Codes only; no notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Outcome {
    /// Nobody opened or was there.
    NoAnswer,
    /// Nobody there; a note was left in the door.
    NoteLeft,
    /// The note left last time is gone (someone is there, or was).
    NoteGone,
    /// Contact made.
    Contact,
    /// Contact made; the person declined.
    Declined,
    /// Contact made; not in the target group.
    NotInTargetGroup,
    /// The person has moved away.
    Moved,
}

/// An outcome code that is not one of [`Outcome::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown outcome code {code:?} (valid: {valid})")]
pub struct UnknownOutcome {
    /// The code given.
    pub code: String,
    /// The valid codes, comma-separated.
    pub valid: String,
}

impl Outcome {
    /// Every outcome, in a stable order.
    pub const ALL: [Self; 7] = [
        Self::NoAnswer,
        Self::NoteLeft,
        Self::NoteGone,
        Self::Contact,
        Self::Declined,
        Self::NotInTargetGroup,
        Self::Moved,
    ];

    /// The snake-case code.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoAnswer => "no_answer",
            Self::NoteLeft => "note_left",
            Self::NoteGone => "note_gone",
            Self::Contact => "contact",
            Self::Declined => "declined",
            Self::NotInTargetGroup => "not_in_target_group",
            Self::Moved => "moved",
        }
    }

    /// Whether the attempt failed to meet anyone (no answer, a note left, a note gone): a
    /// search goes on with a new try.
    #[must_use]
    pub fn is_failed_try(self) -> bool {
        matches!(self, Self::NoAnswer | Self::NoteLeft | Self::NoteGone)
    }

    /// Whether the outcome ends the revisit (contact made, declined, not in the target
    /// group, moved): no further try is planned.
    #[must_use]
    pub fn closes(self) -> bool {
        !self.is_failed_try()
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Outcome {
    type Err = UnknownOutcome;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| UnknownOutcome {
                code: s.to_owned(),
                valid: Self::ALL.map(Self::as_str).join(", "),
            })
    }
}

impl TryFrom<String> for Outcome {
    type Error = UnknownOutcome;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Outcome> for String {
    fn from(o: Outcome) -> Self {
        o.as_str().to_owned()
    }
}

/// One attempt at a revisit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attempt {
    /// When, local time.
    pub at: NaiveDateTime,
    /// Its slot (normally `TimeSlot::of(at)`).
    pub slot: TimeSlot,
    /// What happened.
    pub outcome: Outcome,
}

impl Attempt {
    /// An attempt at `at`, with its slot derived from the time.
    #[must_use]
    pub fn new(at: NaiveDateTime, outcome: Outcome) -> Self {
        Self {
            at,
            slot: TimeSlot::of(at),
            outcome,
        }
    }
}

/// A place to go back to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revisit {
    /// Its id.
    pub id: RevisitId,
    /// Where.
    pub place: Place,
    /// Appointment or search.
    pub mode: RevisitMode,
    /// Priority, 1 (low) to 5 (high); planners serve higher priorities first.
    pub priority: u8,
    /// The team it belongs to.
    pub team: TeamId,
    /// Attempts so far, oldest first.
    #[serde(default)]
    pub attempts: Vec<Attempt>,
}

/// A revisit that does not make sense.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RevisitError {
    /// The appointment window ends before (or when) it starts.
    #[error("revisit {id}: appointment window ends at {end} before it starts at {start}")]
    WindowEndsBeforeStart {
        /// The revisit.
        id: RevisitId,
        /// Window start.
        start: NaiveDateTime,
        /// Window end.
        end: NaiveDateTime,
    },
    /// The appointment window is over already.
    #[error("revisit {id}: appointment window ended at {end}, before now ({now})")]
    WindowInThePast {
        /// The revisit.
        id: RevisitId,
        /// Window end.
        end: NaiveDateTime,
        /// The time of the check.
        now: NaiveDateTime,
    },
    /// Priority outside 1..=5.
    #[error("revisit {id}: priority {priority} is outside 1..=5")]
    Priority {
        /// The revisit.
        id: RevisitId,
        /// The priority given.
        priority: u8,
    },
    /// An attempt's slot does not match its time.
    #[error("revisit {id}: attempt at {at} is marked {slot} but falls in {actual}")]
    AttemptSlot {
        /// The revisit.
        id: RevisitId,
        /// The attempt's time.
        at: NaiveDateTime,
        /// The slot recorded.
        slot: TimeSlot,
        /// The slot of `at`.
        actual: TimeSlot,
    },
}

impl Revisit {
    /// Check the revisit as of `now`: window order, window not over, priority range, attempt
    /// slots consistent with their times.
    ///
    /// # Errors
    /// The first problem found, naming the revisit.
    pub fn validate(&self, now: NaiveDateTime) -> Result<(), RevisitError> {
        let id = self.id;
        if !(1..=5).contains(&self.priority) {
            return Err(RevisitError::Priority {
                id,
                priority: self.priority,
            });
        }
        if let RevisitMode::Appointment { window } = self.mode {
            if window.end <= window.start {
                return Err(RevisitError::WindowEndsBeforeStart {
                    id,
                    start: window.start,
                    end: window.end,
                });
            }
            if window.end < now {
                return Err(RevisitError::WindowInThePast {
                    id,
                    end: window.end,
                    now,
                });
            }
        }
        for a in &self.attempts {
            let actual = TimeSlot::of(a.at);
            if actual != a.slot {
                return Err(RevisitError::AttemptSlot {
                    id,
                    at: a.at,
                    slot: a.slot,
                    actual,
                });
            }
        }
        Ok(())
    }

    /// Number of failed tries so far.
    #[must_use]
    pub fn failed_tries(&self) -> usize {
        self.attempts
            .iter()
            .filter(|a| a.outcome.is_failed_try())
            .count()
    }

    /// The most recent attempt, if any.
    #[must_use]
    pub fn last_attempt(&self) -> Option<&Attempt> {
        self.attempts.iter().max_by_key(|a| a.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn appointment(start: &str, end: &str) -> Revisit {
        Revisit {
            id: RevisitId(7),
            place: Place {
                at: LonLat {
                    lon: 10.8,
                    lat: 55.3,
                },
                vertex: Some(NodeId(4)),
            },
            mode: RevisitMode::Appointment {
                window: Window {
                    start: t(start),
                    end: t(end),
                },
            },
            priority: 3,
            team: TeamId(1),
            attempts: vec![Attempt::new(t("2026-12-01 13:10"), Outcome::Contact)],
        }
    }

    #[test]
    fn outcome_codes_round_trip_and_unknown_is_named() {
        for o in Outcome::ALL {
            assert_eq!(o.as_str().parse::<Outcome>().unwrap(), o);
        }
        let e = "nobody_home".parse::<Outcome>().unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("\"nobody_home\""), "{msg}");
        assert!(
            msg.contains(
                "no_answer, note_left, note_gone, contact, declined, not_in_target_group, moved"
            ),
            "{msg}"
        );
    }

    #[test]
    fn validation_names_the_revisit() {
        let now = t("2026-12-01 08:00");
        assert!(
            appointment("2026-12-08 13:00", "2026-12-08 13:30")
                .validate(now)
                .is_ok()
        );
        let e = appointment("2026-12-08 13:30", "2026-12-08 13:00").validate(now);
        assert!(matches!(e, Err(RevisitError::WindowEndsBeforeStart { .. })));
        assert!(e.unwrap_err().to_string().starts_with("revisit rv7:"));
        let e = appointment("2026-11-08 13:00", "2026-11-08 13:30").validate(now);
        assert!(matches!(e, Err(RevisitError::WindowInThePast { .. })));
        let mut r = appointment("2026-12-08 13:00", "2026-12-08 13:30");
        r.priority = 9;
        assert!(matches!(
            r.validate(now),
            Err(RevisitError::Priority { .. })
        ));
        let mut r = appointment("2026-12-08 13:00", "2026-12-08 13:30");
        r.attempts[0].slot = TimeSlot::of(t("2026-12-01 20:00"));
        assert!(matches!(
            r.validate(now),
            Err(RevisitError::AttemptSlot { .. })
        ));
    }

    #[test]
    fn failed_tries_count_only_failures() {
        let mut r = appointment("2026-12-08 13:00", "2026-12-08 13:30");
        r.attempts
            .push(Attempt::new(t("2026-12-02 19:00"), Outcome::NoAnswer));
        r.attempts
            .push(Attempt::new(t("2026-12-03 10:00"), Outcome::NoteLeft));
        assert_eq!(r.failed_tries(), 2);
        assert_eq!(r.last_attempt().unwrap().outcome, Outcome::NoteLeft);
        assert!(Outcome::Moved.closes() && !Outcome::NoteGone.closes());
    }
}
