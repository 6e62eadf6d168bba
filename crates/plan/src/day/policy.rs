//! The next-try policy: when and in which slot to go back to a revisit.
//!
//! The rules, in order:
//! 1. An attempt with a closing outcome (contact, declined, not in the target group, moved)
//!    ends the revisit: [`NextTry::Closed`].
//! 2. After `max_failed_tries` failed tries (no answer, note left, note gone) the revisit is
//!    flagged for the team meeting instead of tried again: [`NextTry::Flag`].
//! 3. An appointment keeps its promised window ([`NextTry::Keep`]) — predictability builds
//!    trust. Only if it was attempted inside its window and failed does it become a search,
//!    due `search_days_after_failed_appointment` days after the window.
//! 4. A search tries again in the slot (day-part, weekday/weekend) of `slots` least tried for
//!    that place: fewest attempts in that exact slot, then in its day-part, then on its kind of
//!    day (weekday/weekend), then the order of `slots`. The slot of the previous failed attempt
//!    is never chosen while `slots` offers another. The next try is at least
//!    `min_days_between_tries` days after the last attempt, and due by the search's due date.
//!
//! The policy is data: serde with unknown keys refused, checked by [`NextTryPolicy::validate`].
//! Complexity: O(a · s) for a attempts and s slots.

use chrono::{Days, NaiveDate};
use feltkart_model::{Outcome, Revisit, RevisitMode, TimeSlot, Window};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The next-try policy (config).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NextTryPolicy {
    /// Failed tries after which a revisit is flagged for the team meeting (≥ 1). Default 3.
    pub max_failed_tries: u32,
    /// The slots the team works in: the candidates for a next try (non-empty, no repeats).
    /// Default: all ten slots.
    pub slots: Vec<TimeSlot>,
    /// Days between an attempt and the next try (0 = same day allowed). Default 1.
    pub min_days_between_tries: u32,
    /// Days a failed appointment stays due as a search after its window. Default 7.
    pub search_days_after_failed_appointment: u32,
}

impl Default for NextTryPolicy {
    fn default() -> Self {
        Self {
            max_failed_tries: 3,
            slots: TimeSlot::all(),
            min_days_between_tries: 1,
            search_days_after_failed_appointment: 7,
        }
    }
}

/// A policy that cannot be applied.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum PolicyError {
    /// `max_failed_tries` is 0.
    #[error("next-try policy: max_failed_tries must be at least 1")]
    ZeroTries,
    /// `slots` is empty.
    #[error("next-try policy: slots is empty (list the slots the team works in)")]
    NoSlots,
    /// A slot is listed twice.
    #[error("next-try policy: slot {0} is listed twice")]
    DuplicateSlot(TimeSlot),
}

/// What to do next with a revisit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextTry {
    /// Keep the promised appointment window.
    Keep {
        /// The window.
        window: Window,
    },
    /// Try again in `slot`, on a day in `earliest..=due`.
    Try {
        /// The slot to try.
        slot: TimeSlot,
        /// The first day for the try.
        earliest: NaiveDate,
        /// The last day.
        due: NaiveDate,
    },
    /// Too many failed tries: bring it to the team meeting.
    Flag {
        /// Failed tries so far.
        failed_tries: u32,
    },
    /// The revisit is done.
    Closed {
        /// The closing outcome.
        outcome: Outcome,
    },
}

impl NextTryPolicy {
    /// Check the policy.
    ///
    /// # Errors
    /// The first problem, naming the field.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.max_failed_tries == 0 {
            return Err(PolicyError::ZeroTries);
        }
        if self.slots.is_empty() {
            return Err(PolicyError::NoSlots);
        }
        for (i, s) in self.slots.iter().enumerate() {
            if self.slots[..i].contains(s) {
                return Err(PolicyError::DuplicateSlot(*s));
            }
        }
        Ok(())
    }

    /// The next step for `revisit`; `today` is the first day a new try may be planned.
    ///
    /// # Errors
    /// An invalid policy.
    pub fn next_try(&self, revisit: &Revisit, today: NaiveDate) -> Result<NextTry, PolicyError> {
        self.validate()?;
        let last = revisit.last_attempt();
        if let Some(a) = last
            && a.outcome.closes()
        {
            return Ok(NextTry::Closed { outcome: a.outcome });
        }
        let failed = u32::try_from(revisit.failed_tries()).unwrap_or(u32::MAX);
        if failed >= self.max_failed_tries {
            return Ok(NextTry::Flag {
                failed_tries: failed,
            });
        }
        let due = match revisit.mode {
            RevisitMode::Appointment { window } => {
                let tried_in_window = revisit
                    .attempts
                    .iter()
                    .any(|a| a.at >= window.start && a.at <= window.end);
                if !tried_in_window {
                    return Ok(NextTry::Keep { window });
                }
                add_days(window.end.date(), self.search_days_after_failed_appointment)
            }
            RevisitMode::Search { due } => due,
        };
        let slot = self.least_tried_slot(revisit);
        let after_last = last.map_or(today, |a| {
            add_days(a.at.date(), self.min_days_between_tries)
        });
        Ok(NextTry::Try {
            slot,
            earliest: after_last.max(today),
            due,
        })
    }

    /// The slot of `slots` least tried for the revisit's place, never the slot of the last
    /// failed attempt while another is possible (see the module docs for the order).
    #[must_use]
    pub fn least_tried_slot(&self, revisit: &Revisit) -> TimeSlot {
        let last_failed = revisit
            .attempts
            .iter()
            .filter(|a| a.outcome.is_failed_try())
            .max_by_key(|a| a.at)
            .map(|a| a.slot);
        let count =
            |f: &dyn Fn(TimeSlot) -> bool| revisit.attempts.iter().filter(|a| f(a.slot)).count();
        let candidates = self
            .slots
            .iter()
            .enumerate()
            .filter(|&(_, &s)| self.slots.len() == 1 || Some(s) != last_failed);
        candidates
            .min_by_key(|&(i, &s)| {
                (
                    count(&|x| x == s),
                    count(&|x| x.day_part == s.day_part),
                    count(&|x| x.weekend == s.weekend),
                    i,
                )
            })
            .map_or_else(
                || {
                    self.slots
                        .first()
                        .copied()
                        .unwrap_or_else(|| TimeSlot::all()[0])
                },
                |(_, &s)| s,
            )
    }
}

fn add_days(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_days(Days::new(u64::from(n))).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::day::rng::Rng;
    use chrono::NaiveDateTime;
    use feltkart_model::{Attempt, DayPart, LonLat, Place, RevisitId, TeamId};

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }
    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }
    fn slot(weekend: bool, day_part: DayPart) -> TimeSlot {
        TimeSlot { day_part, weekend }
    }
    fn search(attempts: &[(&str, Outcome)]) -> Revisit {
        Revisit {
            id: RevisitId(1),
            place: Place {
                at: LonLat {
                    lon: 10.0,
                    lat: 55.0,
                },
                vertex: None,
            },
            mode: RevisitMode::Search {
                due: d("2026-12-31"),
            },
            priority: 3,
            team: TeamId(1),
            attempts: attempts
                .iter()
                .map(|&(at, o)| Attempt::new(t(at), o))
                .collect(),
        }
    }

    #[test]
    fn table() {
        use DayPart::*;
        use Outcome::*;
        let p = NextTryPolicy {
            slots: vec![
                slot(false, Midday),
                slot(false, Afternoon),
                slot(false, Evening),
                slot(true, Afternoon),
            ],
            ..NextTryPolicy::default()
        };
        let today = d("2026-12-01"); // a Tuesday
        // (attempts, expected)
        let cases: Vec<(Vec<(&str, Outcome)>, NextTry)> = vec![
            // Never tried: the first listed slot, from today.
            (
                vec![],
                NextTry::Try {
                    slot: slot(false, Midday),
                    earliest: today,
                    due: d("2026-12-31"),
                },
            ),
            // Failed at weekday midday: avoid it; of the untried slots, the weekend afternoon
            // differs in the kind of day too.
            (
                vec![("2026-11-30 12:00", NoAnswer)],
                NextTry::Try {
                    slot: slot(true, Afternoon),
                    earliest: today,
                    due: d("2026-12-31"),
                },
            ),
            // Failed midday and afternoon (weekday): evening is untried and beats the
            // weekend afternoon (afternoon already tried once as a day-part).
            (
                vec![
                    ("2026-11-26 12:00", NoAnswer),
                    ("2026-11-30 15:00", NoteLeft),
                ],
                NextTry::Try {
                    slot: slot(false, Evening),
                    earliest: today,
                    due: d("2026-12-31"),
                },
            ),
            // A contact closes the revisit.
            (
                vec![
                    ("2026-11-26 12:00", NoAnswer),
                    ("2026-11-30 15:00", Contact),
                ],
                NextTry::Closed { outcome: Contact },
            ),
            (
                vec![("2026-11-30 15:00", Moved)],
                NextTry::Closed { outcome: Moved },
            ),
            // Three failed tries: flagged for the team meeting.
            (
                vec![
                    ("2026-11-20 12:00", NoAnswer),
                    ("2026-11-25 19:00", NoteLeft),
                    ("2026-11-30 15:00", NoteGone),
                ],
                NextTry::Flag { failed_tries: 3 },
            ),
            // The next try waits min_days_between_tries after the last attempt.
            (
                vec![("2026-12-01 12:00", NoAnswer)],
                NextTry::Try {
                    slot: slot(true, Afternoon),
                    earliest: d("2026-12-02"),
                    due: d("2026-12-31"),
                },
            ),
        ];
        for (i, (attempts, want)) in cases.into_iter().enumerate() {
            let got = p.next_try(&search(&attempts), today).unwrap();
            assert_eq!(got, want, "case {i}");
        }
    }

    #[test]
    fn appointments_keep_their_window_until_tried_in_it() {
        let p = NextTryPolicy::default();
        let window = Window {
            start: t("2026-12-08 13:00"),
            end: t("2026-12-08 13:30"),
        };
        let mut r = search(&[("2026-12-01 13:05", Outcome::NoteLeft)]);
        r.mode = RevisitMode::Appointment { window };
        assert_eq!(
            p.next_try(&r, d("2026-12-02")).unwrap(),
            NextTry::Keep { window }
        );
        r.attempts
            .push(Attempt::new(t("2026-12-08 13:10"), Outcome::NoAnswer));
        let NextTry::Try { slot: s, due, .. } = p.next_try(&r, d("2026-12-09")).unwrap() else {
            panic!("expected a new try");
        };
        assert_ne!(s, TimeSlot::of(t("2026-12-08 13:10")));
        assert_eq!(due, d("2026-12-15"));
    }

    #[test]
    fn policy_is_data_and_validated() {
        let p: NextTryPolicy = serde_json::from_str(
            r#"{"max_failed_tries": 4, "slots": [{"day_part":"evening","weekend":false}]}"#,
        )
        .unwrap();
        assert_eq!(p.max_failed_tries, 4);
        assert_eq!(p.min_days_between_tries, 1);
        let e = serde_json::from_str::<NextTryPolicy>(r#"{"max_tries": 4}"#).unwrap_err();
        assert!(e.to_string().contains("max_tries"), "{e}");
        let mut bad = NextTryPolicy::default();
        bad.slots.push(bad.slots[0]);
        assert_eq!(
            bad.validate(),
            Err(PolicyError::DuplicateSlot(bad.slots[0]))
        );
        bad.slots.clear();
        assert_eq!(bad.validate(), Err(PolicyError::NoSlots));
        bad.max_failed_tries = 0;
        assert_eq!(bad.validate(), Err(PolicyError::ZeroTries));
    }

    #[test]
    fn only_one_slot_may_repeat() {
        let p = NextTryPolicy {
            slots: vec![slot(false, DayPart::Evening)],
            ..NextTryPolicy::default()
        };
        let r = search(&[("2026-11-30 19:00", Outcome::NoAnswer)]);
        assert_eq!(p.least_tried_slot(&r), slot(false, DayPart::Evening));
    }

    /// Law: search revisits never land in the slot of their previous failed attempt when
    /// another slot is possible.
    #[test]
    fn law_next_try_avoids_the_last_failed_slot() {
        let mut rng = Rng::new(99);
        let all = TimeSlot::all();
        let base = t("2026-10-01 00:00");
        let outcomes = [Outcome::NoAnswer, Outcome::NoteLeft, Outcome::NoteGone];
        for case in 0..2000 {
            let mut slots = all.clone();
            rng.shuffle(&mut slots);
            slots.truncate(1 + rng.below(10));
            let p = NextTryPolicy {
                max_failed_tries: 50,
                slots,
                ..NextTryPolicy::default()
            };
            let attempts: Vec<(NaiveDateTime, Outcome)> = (0..rng.below(8))
                .map(|_| {
                    let minutes = rng.below(60 * 24 * 60) as i64;
                    (
                        base + chrono::Duration::minutes(minutes),
                        outcomes[rng.below(3)],
                    )
                })
                .collect();
            let mut r = search(&[]);
            r.attempts = attempts
                .iter()
                .map(|&(at, o)| Attempt::new(at, o))
                .collect();
            let last_failed = r.attempts.iter().max_by_key(|a| a.at).map(|a| a.slot);
            match p.next_try(&r, d("2026-12-01")).unwrap() {
                NextTry::Try { slot, .. } => {
                    assert!(p.slots.contains(&slot), "case {case}");
                    if p.slots.len() > 1 {
                        assert_ne!(Some(slot), last_failed, "case {case}");
                    }
                }
                other => panic!("case {case}: {other:?}"),
            }
        }
    }

    /// The revisit model's serde (here because this crate has serde_json).
    #[test]
    fn revisit_json_round_trip_and_unknown_outcome_named() {
        let mut r = search(&[("2026-11-30 12:00", Outcome::NoteLeft)]);
        let s = serde_json::to_string(&r).unwrap();
        assert!(
            s.contains(r#""mode":"search""#) && s.contains(r#""outcome":"note_left""#),
            "{s}"
        );
        assert_eq!(serde_json::from_str::<Revisit>(&s).unwrap(), r);
        r.mode = RevisitMode::Appointment {
            window: Window {
                start: t("2026-12-08 13:00"),
                end: t("2026-12-08 13:30"),
            },
        };
        let s = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<Revisit>(&s).unwrap(), r);
        let bad = s.replace("note_left", "gone_fishing");
        let e = serde_json::from_str::<Revisit>(&bad)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("\"gone_fishing\"") && e.contains("not_in_target_group"),
            "{e}"
        );
        let with_name = s.replacen("\"priority\"", "\"name\":\"x\",\"priority\"", 1);
        assert!(serde_json::from_str::<Revisit>(&with_name).is_err());
        // Nor can free text hide in the place or the window.
        let in_place = s.replacen("\"at\":{", "\"note\":\"x\",\"at\":{", 1);
        assert_ne!(in_place, s);
        assert!(serde_json::from_str::<Revisit>(&in_place).is_err());
        let in_window = s.replacen("\"start\":", "\"note\":\"x\",\"start\":", 1);
        assert_ne!(in_window, s);
        assert!(serde_json::from_str::<Revisit>(&in_window).is_err());
    }
}
