//! Row types and codes of the store. Ids are the store's row ids, as newtypes. The domain's
//! own types (`TeamId`, `RevisitId`, `RevisitMode`, `Outcome`, `Attempt`, `TimeSlot`,
//! `SignCode`) come from `feltkart_model`, so the store, the planners and the server speak the
//! same ones.

use crate::error::{Result, StoreError};
use chrono::{NaiveDate, NaiveDateTime};
use feltkart_model::{Attempt, LonLat, RevisitId, RevisitMode, TeamId, TimeSlot};
use std::fmt;

macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

row_id!(
    /// A user: a worker's login, never a citizen (`user7`).
    UserId, "user"
);
row_id!(
    /// A committed batch of observations (`batch7`).
    BatchId, "batch"
);
row_id!(
    /// A logged walk (`walk7`).
    WalkId, "walk"
);
row_id!(
    /// An attempt at a revisit (`attempt7`).
    AttemptId, "attempt"
);
row_id!(
    /// A stored plan (`plan7`).
    PlanId, "plan"
);

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($(#[$vdoc:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vdoc])* $var),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$var),+];

            /// The stored code.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$var => $s),+ }
            }

            /// Parse a stored code.
            ///
            /// # Errors
            /// [`StoreError::Invalid`] naming the input when it is not one of the codes.
            pub fn parse(s: &str) -> Result<Self> {
                match s {
                    $($s => Ok(Self::$var),)+
                    _ => Err(StoreError::invalid($what, s, "not a known code")),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

code_enum!(
    /// A user's role (the `roles` table holds the same list).
    Role, "role" {
        /// Walks, observes, logs.
        Worker = "worker",
        /// Plans walks, day routes and rota for the team(s); scores and districts.
        Planner = "planner",
        /// Sees the team's aggregates.
        Leader = "leader",
        /// Manages users and the database.
        Admin = "admin",
    }
);

code_enum!(
    /// What was done, for the audit log.
    Action, "audit action" {
        /// Read (the caller logs reads of aggregates with [`crate::Store::log_access`]).
        Read = "read",
        /// Created.
        Create = "create",
        /// Changed.
        Update = "update",
        /// Deleted.
        Delete = "delete",
        /// Retention purge.
        Purge = "purge",
        /// Online backup.
        Backup = "backup",
    }
);

code_enum!(
    /// What kind of object an audit entry is about.
    ObjectKind, "audit object" {
        /// A team.
        Team = "team",
        /// A user.
        User = "user",
        /// The sign-code list.
        SignCodes = "sign_codes",
        /// A batch of observations.
        ObservationBatch = "observation_batch",
        /// A walk.
        Walk = "walk",
        /// A revisit.
        Revisit = "revisit",
        /// An attempt.
        Attempt = "attempt",
        /// A plan.
        Plan = "plan",
        /// A coverage aggregate.
        Coverage = "coverage",
        /// The whole database.
        Database = "database",
    }
);

/// Who does something: a logged-in user, or the system (CLI, scheduled purge).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// A user of the server.
    User(UserId),
    /// The CLI or a scheduled job.
    System,
}

/// One audit-log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    /// UTC time, `YYYY-MM-DDTHH:MM:SSZ`.
    pub at_utc: String,
    /// Who.
    pub actor: Actor,
    /// What.
    pub action: Action,
    /// On what kind of object.
    pub object_kind: ObjectKind,
    /// Which object, when it is one row.
    pub object_id: Option<i64>,
}

/// A user row (no password hash: that stays inside the store).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Login identifier of a worker (a slug, not a citizen's name).
    pub login: String,
    /// Role.
    pub role: Role,
    /// Team, if any.
    pub team: Option<TeamId>,
    /// Disabled users cannot log in; users are never deleted, so the audit log keeps its "who".
    pub disabled: bool,
}

/// One cell × slot of a walk: already map-matched coverage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CellSlotWalk {
    /// H3 cell index.
    pub cell: u64,
    /// The slot the minutes were spent in.
    pub slot: TimeSlot,
    /// Minutes spent in the cell (> 0).
    pub minutes: f64,
    /// Metres walked in the cell (≥ 0).
    pub metres: f64,
}

/// A walk to log: who, when, and the coverage; the GPS track is never stored.
#[derive(Clone, Debug, PartialEq)]
pub struct WalkLog {
    /// The team.
    pub team: TeamId,
    /// Local date the walk started.
    pub date: NaiveDate,
    /// How many workers walked (normally 2: outreach is done in pairs).
    pub walkers: u8,
    /// Covered cells × slots (duplicates are summed).
    pub cells: Vec<CellSlotWalk>,
}

/// A new revisit: a place, a mode (an appointment window or a search due by a date) and a
/// priority, as the day planner takes it ([`feltkart_model::Revisit`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NewRevisit {
    /// The team.
    pub team: TeamId,
    /// The place (a door, a bench), as a point.
    pub place: LonLat,
    /// The H3 cell containing `place` (checked).
    pub cell: u64,
    /// Appointment (a promised window, local time) or search (due by a local date).
    pub mode: RevisitMode,
    /// Priority, 1 (low) to 5 (high), as in [`feltkart_model::Revisit`].
    pub priority: u8,
}

/// A stored revisit.
#[derive(Clone, Debug, PartialEq)]
pub struct RevisitRow {
    /// Id.
    pub id: RevisitId,
    /// What was asked for.
    pub revisit: NewRevisit,
    /// When it was closed (local time), if it is.
    pub closed_at: Option<NaiveDateTime>,
}

impl RevisitRow {
    /// The revisit as the planners take it, with its attempts (oldest first).
    #[must_use]
    pub fn to_model(&self, attempts: &[AttemptRow]) -> feltkart_model::Revisit {
        feltkart_model::Revisit {
            id: self.id,
            place: feltkart_model::Place {
                at: self.revisit.place,
                vertex: None,
            },
            mode: self.revisit.mode,
            priority: self.revisit.priority,
            team: self.revisit.team,
            attempts: attempts.iter().map(|a| a.attempt).collect(),
        }
    }
}

/// A stored attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttemptRow {
    /// Id.
    pub id: AttemptId,
    /// The revisit.
    pub revisit: RevisitId,
    /// When, its slot and what happened.
    pub attempt: Attempt,
}

/// Counts removed by a purge.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PurgeCounts {
    /// Observations deleted.
    pub observations: u64,
    /// Observation batches left empty and deleted.
    pub batches: u64,
    /// Closed revisits deleted.
    pub revisits: u64,
    /// Their attempts, deleted with them.
    pub attempts: u64,
}

pub(crate) const TS_FMT: &str = "%Y-%m-%dT%H:%M:%S";
pub(crate) const DATE_FMT: &str = "%Y-%m-%d";

pub(crate) fn ts(t: NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    // Hand-formatted: this runs once per stored observation, and chrono's `format` parses its
    // pattern every time.
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Local times and dates the store accepts: years 2000–2199 (a clock far off, or a typo, is
/// refused with the value named rather than stored).
pub(crate) fn check_year(what: &'static str, year: i32, shown: &dyn fmt::Display) -> Result<()> {
    if year_ok(year) {
        Ok(())
    } else {
        Err(StoreError::invalid(what, shown, "year outside 2000–2199"))
    }
}

pub(crate) fn year_ok(year: i32) -> bool {
    (2000..2200).contains(&year)
}

/// The stored name of a slot (`TimeSlot`'s `Display`), without allocating.
pub(crate) fn slot_str(s: TimeSlot) -> &'static str {
    s.as_str()
}

pub(crate) fn date(d: NaiveDate) -> String {
    d.format(DATE_FMT).to_string()
}

pub(crate) fn parse_ts(s: &str) -> Result<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, TS_FMT)
        .map_err(|_| StoreError::invalid("stored time", s, "not YYYY-MM-DDTHH:MM:SS"))
}

/// Parse a slot name as `TimeSlot` displays it (`weekday_evening`).
///
/// # Errors
/// [`StoreError::Invalid`] naming the input.
pub fn parse_slot(s: &str) -> Result<TimeSlot> {
    s.parse()
        .map_err(|_| StoreError::invalid("time slot", s, "not weekday_/weekend_ + a day-part"))
}

/// A stored outcome code.
pub(crate) fn parse_outcome(s: &str) -> Result<feltkart_model::Outcome> {
    s.parse()
        .map_err(|_| StoreError::invalid("outcome", s, "not a known outcome code"))
}

/// A row id as a team id (teams are few; a row id past `u32` is refused, never truncated).
pub(crate) fn team_id(id: i64) -> Result<TeamId> {
    u32::try_from(id)
        .map(TeamId)
        .map_err(|_| StoreError::invalid("team id", id, "outside 0..2^32"))
}

/// A revisit id as SQLite's `i64` (an id past `i64::MAX` matches no row).
pub(crate) fn revisit_i64(id: RevisitId) -> i64 {
    i64::try_from(id.0).unwrap_or(-1)
}

/// Check that a `u64` is a valid H3 cell index and return it as SQLite's `i64`.
pub(crate) fn cell_i64(cell: u64) -> Result<i64> {
    h3o::CellIndex::try_from(cell)
        .ok()
        .and_then(|_| i64::try_from(cell).ok())
        .ok_or_else(|| StoreError::invalid("H3 cell", format!("{cell:#x}"), "not an H3 cell index"))
}

pub(crate) fn cell_u64(v: i64) -> u64 {
    // Stored values were checked on the way in; H3 indexes have the top bit clear.
    u64::try_from(v).unwrap_or_default()
}

/// Now, UTC, as `YYYY-MM-DDTHH:MM:SSZ` (from the system clock; chrono's `clock` feature is off).
pub(crate) fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let secs = i64::try_from(secs).unwrap_or(i64::MAX);
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_round_trip() {
        for s in TimeSlot::all() {
            assert_eq!(slot_str(s), s.to_string());
            assert_eq!(parse_slot(&s.to_string()).unwrap(), s);
        }
        assert!(parse_slot("weekday").is_err());
        assert!(parse_slot("weekend_brunch").is_err());
    }

    #[test]
    fn codes_round_trip() {
        for o in feltkart_model::Outcome::ALL {
            assert_eq!(parse_outcome(o.as_str()).unwrap(), o);
        }
        assert!(parse_outcome("met Hans").is_err());
        assert_eq!(team_id(7).unwrap(), TeamId(7));
        assert!(team_id(1 << 40).is_err());
        assert!(now_utc().ends_with('Z'));
        let t = NaiveDate::from_ymd_opt(2026, 3, 4)
            .unwrap()
            .and_hms_opt(5, 6, 7)
            .unwrap();
        assert_eq!(ts(t), t.format(TS_FMT).to_string());
        assert_eq!(parse_ts(&ts(t)).unwrap(), t);
    }
}
