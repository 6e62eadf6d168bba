//! Versioned migrations, tracked in `PRAGMA user_version`.
//!
//! Each migration runs in one `BEGIN IMMEDIATE` transaction together with the version bump, so a
//! crash leaves the file at the old or the new version, never in between. Opening a file runs
//! the missing migrations in order; opening an up-to-date file changes nothing.
//!
//! Privacy by schema: no table has a column for a person's name or for free text. Codes
//! (sign codes, team codes, logins) are `CHECK`ed to a slug alphabet so that no sentence fits.
//! `users.login` is the login identifier of a *worker* of the municipality (who may use the
//! system), never of a citizen; citizens appear nowhere in the store.

use rusqlite::{Connection, TransactionBehavior};

/// Slug check for codes and logins (1–32 of a-z, 0-9, `_`, `-`).
macro_rules! slug {
    ($col:literal) => {
        concat!(
            "CHECK (length(",
            $col,
            ") BETWEEN 1 AND 32 AND ",
            $col,
            " NOT GLOB '*[^a-z0-9_-]*')"
        )
    };
}

/// The ten time-slot names (`TimeSlot`'s `Display`).
macro_rules! slot_check {
    ($col:literal) => {
        concat!(
            "CHECK (",
            $col,
            " IN ('weekday_morning','weekday_midday','weekday_afternoon','weekday_evening',",
            "'weekday_night','weekend_morning','weekend_midday','weekend_afternoon',",
            "'weekend_evening','weekend_night'))"
        )
    };
}

/// Local date-time `YYYY-MM-DDTHH:MM:SS`.
macro_rules! ts_check {
    ($col:literal) => {
        concat!(
            "CHECK (",
            $col,
            " GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]')"
        )
    };
}

/// Version 1: the core tables.
const V1: &str = concat!(
    "CREATE TABLE roles (
        role TEXT PRIMARY KEY CHECK (role IN ('worker','leader','admin'))
    ) STRICT;
    INSERT INTO roles(role) VALUES ('worker'),('leader'),('admin');

    CREATE TABLE teams (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE ",
    slug!("code"),
    ",
        contracted_hours_per_week REAL NOT NULL
            CHECK (contracted_hours_per_week >= 0 AND contracted_hours_per_week <= 10000),
        created_utc TEXT NOT NULL
    ) STRICT;

    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        login TEXT NOT NULL UNIQUE ",
    slug!("login"),
    ",
        password_hash TEXT CHECK (password_hash IS NULL OR password_hash GLOB '$argon2*'),
        role TEXT NOT NULL REFERENCES roles(role)
            CHECK (role IN ('worker','leader','admin')),
        team_id INTEGER REFERENCES teams(id),
        disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),
        created_utc TEXT NOT NULL
    ) STRICT;

    CREATE TABLE sign_codes (
        code TEXT PRIMARY KEY CHECK (length(code) BETWEEN 1 AND 32 AND code NOT GLOB '*[^a-z0-9_]*')
    ) STRICT;

    CREATE TABLE observation_batches (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id),
        size INTEGER NOT NULL CHECK (size > 0),
        created_utc TEXT NOT NULL
    ) STRICT;

    CREATE TABLE observations (
        batch_id INTEGER NOT NULL REFERENCES observation_batches(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL CHECK (seq >= 0),
        team_id INTEGER NOT NULL REFERENCES teams(id),
        cell INTEGER NOT NULL CHECK (cell > 0),
        sign TEXT NOT NULL REFERENCES sign_codes(code),
        observed_at TEXT NOT NULL ",
    ts_check!("observed_at"),
    ",
        slot TEXT NOT NULL ",
    slot_check!("slot"),
    ",
        PRIMARY KEY (batch_id, seq)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE walks (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id),
        walk_date TEXT NOT NULL CHECK (walk_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        walkers INTEGER NOT NULL CHECK (walkers BETWEEN 1 AND 8),
        created_utc TEXT NOT NULL
    ) STRICT;

    CREATE TABLE walk_cells (
        walk_id INTEGER NOT NULL REFERENCES walks(id) ON DELETE CASCADE,
        cell INTEGER NOT NULL CHECK (cell > 0),
        slot TEXT NOT NULL ",
    slot_check!("slot"),
    ",
        minutes REAL NOT NULL CHECK (minutes > 0 AND minutes <= 1440),
        metres REAL NOT NULL CHECK (metres >= 0),
        PRIMARY KEY (walk_id, cell, slot)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE revisits (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id),
        lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
        lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
        cell INTEGER NOT NULL CHECK (cell > 0),
        window_start TEXT NOT NULL ",
    ts_check!("window_start"),
    ",
        window_end TEXT NOT NULL ",
    ts_check!("window_end"),
    ",
        mode TEXT NOT NULL CHECK (mode IN ('appointment','retry')),
        priority INTEGER NOT NULL CHECK (priority BETWEEN 0 AND 255),
        closed_at TEXT CHECK (closed_at IS NULL OR closed_at GLOB
            '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]'),
        created_utc TEXT NOT NULL,
        CHECK (window_end > window_start)
    ) STRICT;

    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        revisit_id INTEGER NOT NULL REFERENCES revisits(id) ON DELETE CASCADE,
        attempted_at TEXT NOT NULL ",
    ts_check!("attempted_at"),
    ",
        slot TEXT NOT NULL ",
    slot_check!("slot"),
    ",
        outcome TEXT NOT NULL CHECK (outcome IN ('no_answer','note_left','note_gone','contact',
            'declined','not_in_target_group','moved')),
        created_utc TEXT NOT NULL
    ) STRICT;
    CREATE INDEX attempts_revisit ON attempts(revisit_id);
    "
);

/// Version 2: plans, the audit log, and the indexes the coverage queries use.
///
/// Observations are keyed by (batch, position in batch), without a rowid, and have one
/// secondary index (team, time): every extra index costs about a quarter of the bulk-insert
/// time. Purge and the all-teams leader view scan the table instead (daily / rare).
const V2: &str = "
    CREATE TABLE plans (
        id INTEGER PRIMARY KEY,
        created_utc TEXT NOT NULL,
        parameters TEXT NOT NULL CHECK (json_valid(parameters) AND json_type(parameters) = 'object'),
        atlas_checksum TEXT NOT NULL
            CHECK (length(atlas_checksum) BETWEEN 8 AND 128 AND atlas_checksum NOT GLOB '*[^0-9a-f]*')
    ) STRICT;

    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at_utc TEXT NOT NULL,
        user_id INTEGER REFERENCES users(id),
        action TEXT NOT NULL CHECK (action IN ('read','create','update','delete','purge','backup')),
        object_kind TEXT NOT NULL CHECK (object_kind IN ('team','user','sign_codes',
            'observation_batch','walk','revisit','attempt','plan','coverage','database')),
        object_id INTEGER
    ) STRICT;

    CREATE INDEX observations_team_time ON observations(team_id, observed_at);
    CREATE INDEX walks_team_date ON walks(team_id, walk_date);
    CREATE INDEX revisits_team_open ON revisits(team_id, closed_at);
";

/// Version 3: revisits take the domain's shape (`feltkart_model::Revisit`): an appointment has a
/// window, a search has a due date and no window, and priority is 1–5. The table is rebuilt (the
/// SQLite way: new table, copy, drop, rename, with foreign keys off around the transaction and
/// `foreign_key_check` before the commit). An old `retry` becomes a search due on its window's
/// last day; old priorities are clamped to 1–5.
const V3: &str = "CREATE TABLE revisits_v3 (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams(id),
        lon REAL NOT NULL CHECK (lon BETWEEN -180 AND 180),
        lat REAL NOT NULL CHECK (lat BETWEEN -90 AND 90),
        cell INTEGER NOT NULL CHECK (cell > 0),
        mode TEXT NOT NULL CHECK (mode IN ('appointment','search')),
        window_start TEXT CHECK (window_start IS NULL OR window_start GLOB
            '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]'),
        window_end TEXT CHECK (window_end IS NULL OR window_end GLOB
            '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]'),
        due TEXT CHECK (due IS NULL OR due GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),
        closed_at TEXT CHECK (closed_at IS NULL OR closed_at GLOB
            '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]'),
        created_utc TEXT NOT NULL,
        CHECK ((mode = 'appointment' AND window_start IS NOT NULL AND window_end > window_start
                AND due IS NULL)
            OR (mode = 'search' AND due IS NOT NULL AND window_start IS NULL
                AND window_end IS NULL))
    ) STRICT;
    INSERT INTO revisits_v3(id, team_id, lon, lat, cell, mode, window_start, window_end, due,
            priority, closed_at, created_utc)
        SELECT id, team_id, lon, lat, cell,
            CASE mode WHEN 'retry' THEN 'search' ELSE mode END,
            CASE mode WHEN 'retry' THEN NULL ELSE window_start END,
            CASE mode WHEN 'retry' THEN NULL ELSE window_end END,
            CASE mode WHEN 'retry' THEN substr(window_end, 1, 10) ELSE NULL END,
            max(1, min(5, priority)), closed_at, created_utc
        FROM revisits;
    DROP TABLE revisits;
    ALTER TABLE revisits_v3 RENAME TO revisits;
    CREATE INDEX revisits_team_open ON revisits(team_id, closed_at);
";

/// All migrations; `MIGRATIONS[i]` takes the file from version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[V1, V2, V3, crate::sessions::V4];

/// The schema version this program writes.
pub const SCHEMA_VERSION: i64 = 4;

/// The file's `PRAGMA user_version`.
pub(crate) fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Apply the migrations after the file's version up to `target`, each in its own transaction.
/// Returns the versions applied. The caller checks that the file is not newer than `target`.
pub(crate) fn migrate_to(conn: &mut Connection, target: i64) -> rusqlite::Result<Vec<i64>> {
    // A table rebuild must not cascade its DROP into the rows that reference it: foreign keys
    // are off while migrating (this pragma is a no-op inside a transaction, so it is set here)
    // and each migration checks them before it commits.
    let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let applied = migrate_steps(conn, target);
    conn.pragma_update(None, "foreign_keys", fk != 0)?;
    applied
}

fn migrate_steps(conn: &mut Connection, target: i64) -> rusqlite::Result<Vec<i64>> {
    let mut applied = Vec::new();
    loop {
        // Read the version inside the write transaction: two processes opening a fresh file at
        // once serialise here and the second finds the work done.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current = version(&tx)?;
        if current >= target {
            tx.commit()?;
            return Ok(applied);
        }
        let Some(sql) = usize::try_from(current)
            .ok()
            .and_then(|i| MIGRATIONS.get(i))
        else {
            tx.commit()?;
            return Ok(applied);
        };
        tx.execute_batch(sql)?;
        let broken: i64 =
            tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })?;
        if broken > 0 {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                Some(format!(
                    "migration to version {} leaves {broken} broken references",
                    current + 1
                )),
            ));
        }
        tx.pragma_update(None, "user_version", current + 1)?;
        tx.commit()?;
        applied.push(current + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Store, StoreConfig};

    fn tables(c: &Connection) -> Vec<String> {
        let mut st = c
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    fn columns(c: &Connection, table: &str) -> Vec<String> {
        let mut st = c
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .unwrap();
        st.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn migrates_from_empty_and_is_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.db");
        let s = Store::open(&path, StoreConfig::default()).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "store file is private");
        }
        drop(s);
        let mut c = Connection::open(&path).unwrap();
        let before = tables(&c);
        assert!(migrate_to(&mut c, SCHEMA_VERSION).unwrap().is_empty());
        assert_eq!(tables(&c), before);
        drop(c);
        let s = Store::open(&path, StoreConfig::default()).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        let mode: String = s
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let sync: i64 = s
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "synchronous=FULL");
        let fk: i64 = s
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
    }

    #[test]
    fn migrates_from_v1_keeping_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.db");
        let mut c = Connection::open(&path).unwrap();
        assert_eq!(migrate_to(&mut c, 1).unwrap(), vec![1]);
        c.execute_batch(
            "INSERT INTO teams(code, contracted_hours_per_week, created_utc)
                 VALUES ('t1', 74, '2026-11-01T00:00:00Z');
             INSERT INTO sign_codes(code) VALUES ('litter');
             INSERT INTO observation_batches(team_id, size, created_utc)
                 VALUES (1, 1, '2026-11-01T00:00:00Z');
             INSERT INTO observations(batch_id, seq, team_id, cell, sign, observed_at, slot)
                 VALUES (1, 0, 1, 617700169958293503, 'litter', '2026-11-02T19:00:00', 'weekday_evening');",
        )
        .unwrap();
        assert!(!tables(&c).contains(&"audit_log".to_owned()));
        drop(c);
        let s = Store::open(&path, StoreConfig::default()).unwrap();
        assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
        let n: i64 = s
            .conn
            .query_row("SELECT count(*) FROM observations", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        assert!(tables(&s.conn).contains(&"audit_log".to_owned()));
    }

    /// Version 3 rebuilds `revisits`: the rows and their attempts survive (the `DROP` must not
    /// cascade), a `retry` becomes a search due on its window's last day.
    #[test]
    fn migrates_revisits_to_v3_keeping_attempts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.db");
        let mut c = Connection::open(&path).unwrap();
        c.pragma_update(None, "foreign_keys", true).unwrap();
        assert_eq!(migrate_to(&mut c, 2).unwrap(), vec![1, 2]);
        c.execute_batch(
            "INSERT INTO teams(code, contracted_hours_per_week, created_utc)
                 VALUES ('t1', 74, '2026-11-01T00:00:00Z');
             INSERT INTO revisits(team_id, lon, lat, cell, window_start, window_end, mode,
                     priority, created_utc)
                 VALUES (1, 10.79, 55.31, 617700169958293503, '2026-12-01T13:00:00',
                     '2026-12-01T14:00:00', 'appointment', 3, 'x'),
                        (1, 10.79, 55.31, 617700169958293503, '2026-12-01T13:00:00',
                     '2026-12-04T14:00:00', 'retry', 0, 'x');
             INSERT INTO attempts(revisit_id, attempted_at, slot, outcome, created_utc)
                 VALUES (2, '2026-12-01T13:10:00', 'weekday_midday', 'no_answer', 'x');",
        )
        .unwrap();
        assert_eq!(migrate_to(&mut c, 3).unwrap(), vec![3]);
        let fk: i64 = c
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1, "foreign keys are back on");
        let rows: Vec<(String, Option<String>, Option<String>, i64)> = c
            .prepare("SELECT mode, window_start, due, priority FROM revisits ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            rows,
            vec![
                (
                    "appointment".into(),
                    Some("2026-12-01T13:00:00".into()),
                    None,
                    3
                ),
                ("search".into(), None, Some("2026-12-04".into()), 1),
            ]
        );
        let n: i64 = c
            .query_row("SELECT count(*) FROM attempts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1, "the rebuild kept the attempts");
        // The foreign key still points at the rebuilt table.
        assert!(
            c.execute("DELETE FROM revisits WHERE id = 2", []).is_ok()
                && c.query_row("SELECT count(*) FROM attempts", [], |r| r.get::<_, i64>(0))
                    .unwrap()
                    == 0
        );
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.db");
        let c = Connection::open(&path).unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        drop(c);
        let e = Store::open(&path, StoreConfig::default()).unwrap_err();
        assert!(e.to_string().contains("schema version 99"), "{e}");
        assert!(e.to_string().contains("f.db"), "{e}");
    }

    /// Privacy by schema: no column anywhere may hold a name or free text.
    #[test]
    fn no_column_for_names_or_free_text() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path().join("f.db"), StoreConfig::default()).unwrap();
        let forbidden = [
            "name",
            "note",
            "comment",
            "text",
            "description",
            "remark",
            "message",
            "phone",
            "email",
            "address",
            "cpr",
            "birth",
            "age",
        ];
        let mut seen = 0;
        for t in tables(&s.conn) {
            for col in columns(&s.conn, &t) {
                seen += 1;
                let lower = col.to_lowercase();
                // Anything with "name" in it (username, surname…) is out; the other words must
                // not be a whole word of the column name (`created_utc`, `metres` are fine).
                assert!(!lower.contains("name"), "table {t} has a name column {col}");
                for f in forbidden {
                    assert!(
                        !lower.split('_').any(|w| w == f),
                        "table {t} has a column {col} that could hold {f}"
                    );
                }
            }
        }
        assert!(seen > 40, "only {seen} columns enumerated");
    }
}
