//! The revisits file that `feltkart plan day` reads: JSON, codes and times only.
//!
//! ```json
//! {
//!   "revisits": [
//!     { "id": 1, "place": { "lon": 24.9452, "lat": 60.1718 },
//!       "mode": "appointment",
//!       "window": { "start": "2026-12-08T13:00", "end": "2026-12-08T13:30" },
//!       "priority": 4, "team": 1,
//!       "attempts": [ { "at": "2026-12-01T13:10", "outcome": "contact" } ] },
//!     { "id": 2, "place": { "lon": 24.9390, "lat": 60.1690 },
//!       "mode": "search", "due": "2026-12-15", "priority": 2, "team": 1,
//!       "attempts": [ { "at": "2026-12-03T19:20", "outcome": "no_answer" } ] }
//!   ]
//! }
//! ```
//!
//! - `id`: a number, unique in the file (shown as `rv1`).
//! - `place`: WGS84 longitude and latitude in degrees.
//! - `mode`: `appointment` with a `window` (local times `YYYY-MM-DDTHH:MM`, the visit must
//!   start and end inside it), or `search` with a `due` date (`YYYY-MM-DD`).
//! - `priority`: 1 (low) to 5 (high). `team`: the team's number.
//! - `attempts` (optional): local time and outcome code, one of `no_answer`, `note_left`,
//!   `note_gone`, `contact`, `declined`, `not_in_target_group`, `moved`.
//!
//! Unknown fields are refused (there is no place for names or notes). Every error names the
//! file and the field (`revisits[2].window.end`).

use chrono::{NaiveDate, NaiveDateTime};
use feltkart_model::{
    Attempt, LonLat, Outcome, Place, Revisit, RevisitError, RevisitId, RevisitMode, TeamId, Window,
};
use serde::Deserialize;
use thiserror::Error;

/// A revisits file that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{file}: {field}: {problem}")]
pub struct RevisitFileError {
    /// The file.
    pub file: String,
    /// The field (`revisits[2].window.end`), or the line and column of a syntax error.
    pub field: String,
    /// What is wrong.
    pub problem: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDto {
    revisits: Vec<RevisitDto>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaceDto {
    lon: f64,
    lat: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowDto {
    start: String,
    end: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AttemptDto {
    at: String,
    outcome: Outcome,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum ModeDto {
    Appointment,
    Search,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RevisitDto {
    id: u64,
    place: PlaceDto,
    mode: ModeDto,
    #[serde(default)]
    window: Option<WindowDto>,
    #[serde(default)]
    due: Option<String>,
    priority: u8,
    team: u32,
    #[serde(default)]
    attempts: Vec<AttemptDto>,
}

/// A local time `YYYY-MM-DDTHH:MM` (seconds optional).
///
/// # Errors
/// A message quoting the text.
pub fn parse_local_time(s: &str) -> Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| format!("`{s}` is not a local date and time like 2026-12-08T13:00"))
}

/// Read the revisits in `text` (the contents of `file`), checked as of `now`: appointment
/// windows must end after they start and not be over by `now`; priorities 1–5; ids unique;
/// coordinates in range. The places are not snapped yet.
///
/// # Errors
/// The first problem, naming the file and the field.
pub fn parse_revisits(
    text: &str,
    file: &str,
    now: NaiveDateTime,
) -> Result<Vec<Revisit>, RevisitFileError> {
    let err = |field: String, problem: String| RevisitFileError {
        file: file.to_owned(),
        field,
        problem,
    };
    let de = &mut serde_json::Deserializer::from_str(text);
    let dto: FileDto = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let syntax = matches!(
            inner.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        );
        let field = if syntax || path == "." || path.is_empty() {
            format!("line {} column {}", inner.line(), inner.column())
        } else {
            path
        };
        // serde_json appends " at line L column C"; the field already says where.
        let msg = inner.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
        err(field, msg)
    })?;
    let mut out: Vec<Revisit> = Vec::with_capacity(dto.revisits.len());
    for (i, r) in dto.revisits.into_iter().enumerate() {
        let f = |name: &str| format!("revisits[{i}].{name}");
        if out.iter().any(|o| o.id.0 == r.id) {
            return Err(err(f("id"), format!("id {} is used twice", r.id)));
        }
        let at =
            LonLat::new(r.place.lon, r.place.lat).map_err(|e| err(f("place"), e.to_string()))?;
        let mode = match r.mode {
            ModeDto::Appointment => {
                if r.due.is_some() {
                    return Err(err(
                        f("due"),
                        "an appointment has a window, not a due date".into(),
                    ));
                }
                let w = r.window.ok_or_else(|| {
                    err(
                        f("window"),
                        "an appointment needs a window {start, end}".into(),
                    )
                })?;
                let start = parse_local_time(&w.start).map_err(|e| err(f("window.start"), e))?;
                let end = parse_local_time(&w.end).map_err(|e| err(f("window.end"), e))?;
                RevisitMode::Appointment {
                    window: Window { start, end },
                }
            }
            ModeDto::Search => {
                if r.window.is_some() {
                    return Err(err(
                        f("window"),
                        "a search has a due date, not a window".into(),
                    ));
                }
                let due = r
                    .due
                    .ok_or_else(|| err(f("due"), "a search needs a due date".into()))?;
                let due = NaiveDate::parse_from_str(&due, "%Y-%m-%d")
                    .map_err(|_| err(f("due"), format!("`{due}` is not a date like 2026-12-15")))?;
                RevisitMode::Search { due }
            }
        };
        let mut attempts = Vec::with_capacity(r.attempts.len());
        for (k, a) in r.attempts.iter().enumerate() {
            let t = parse_local_time(&a.at).map_err(|e| err(f(&format!("attempts[{k}].at")), e))?;
            attempts.push(Attempt::new(t, a.outcome));
        }
        let revisit = Revisit {
            id: RevisitId(r.id),
            place: Place { at, vertex: None },
            mode,
            priority: r.priority,
            team: TeamId(r.team),
            attempts,
        };
        revisit.validate(now).map_err(|e| {
            let field = match e {
                RevisitError::WindowEndsBeforeStart { .. } => f("window.end"),
                RevisitError::WindowInThePast { .. } => f("window"),
                RevisitError::Priority { .. } => f("priority"),
                RevisitError::AttemptSlot { .. } => f("attempts"),
            };
            err(field, e.to_string())
        })?;
        out.push(revisit);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        parse_local_time("2026-12-08T08:00").unwrap()
    }

    const GOOD: &str = r#"{"revisits": [
      {"id": 1, "place": {"lon": 24.9452, "lat": 60.1718}, "mode": "appointment",
       "window": {"start": "2026-12-08T13:00", "end": "2026-12-08T13:30"},
       "priority": 4, "team": 1, "attempts": [{"at": "2026-12-01T13:10", "outcome": "contact"}]},
      {"id": 2, "place": {"lon": 24.939, "lat": 60.169}, "mode": "search", "due": "2026-12-15",
       "priority": 2, "team": 1, "attempts": [{"at": "2026-12-03T19:20", "outcome": "no_answer"}]}
    ]}"#;

    #[test]
    fn reads_the_documented_format() {
        let rs = parse_revisits(GOOD, "r.json", now()).unwrap();
        assert_eq!(rs.len(), 2);
        assert!(matches!(rs[0].mode, RevisitMode::Appointment { .. }));
        assert_eq!(rs[1].attempts[0].outcome, Outcome::NoAnswer);
        assert_eq!(rs[1].attempts[0].slot.to_string(), "weekday_evening");
    }

    fn error(text: &str) -> String {
        parse_revisits(text, "r.json", now())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn bad_input_names_file_and_field() {
        let cases = [
            (
                GOOD.replace("no_answer", "nobody_home"),
                "r.json: revisits[1].attempts[0].outcome: unknown outcome code \"nobody_home\"",
            ),
            (
                GOOD.replace("2026-12-08T13:30", "2026-12-08T12:30"),
                "r.json: revisits[0].window.end: revisit rv1: appointment window ends at",
            ),
            (
                GOOD.replace("2026-12-08T13:", "2026-12-07T13:"),
                "r.json: revisits[0].window: revisit rv1: appointment window ended at",
            ),
            (
                GOOD.replace("24.939", "240.939"),
                "r.json: revisits[1].place: ",
            ),
            (
                GOOD.replace("60.1718", "91.5"),
                "r.json: revisits[0].place: ",
            ),
            (
                GOOD.replace("\"id\": 2", "\"id\": 1"),
                "r.json: revisits[1].id: id 1 is used twice",
            ),
            (
                GOOD.replace("\"priority\": 2", "\"priority\": 7"),
                "r.json: revisits[1].priority: revisit rv2: priority 7",
            ),
            (
                GOOD.replace(
                    "\"team\": 1, \"attempts\": [{\"at\": \"2026-12-01",
                    "\"team\": 1, \"name\": \"x\", \"attempts\": [{\"at\": \"2026-12-01",
                ),
                "r.json: revisits[0].name: unknown field `name`",
            ),
            (
                GOOD.replace("2026-12-15", "15.12.2026"),
                "r.json: revisits[1].due: `15.12.2026` is not a date",
            ),
            (
                GOOD.replace("\"mode\": \"search\"", "\"mode\": \"visit\""),
                "r.json: revisits[1].mode: unknown variant `visit`",
            ),
            (GOOD[..40].to_owned(), "r.json: line "),
        ];
        for (text, want) in cases {
            let got = error(&text);
            assert!(
                got.starts_with(want),
                "{got:?} does not start with {want:?}"
            );
        }
    }
}
