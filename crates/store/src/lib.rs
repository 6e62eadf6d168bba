//! Feltkart's embedded store: one SQLite file per deployment holding teams, users, observations
//! (sign codes at H3 cells), walk coverage (cells × time slots, never the GPS track), revisits
//! and their attempts, plans and an audit log.
//!
//! - **Durability**: WAL mode with `synchronous=FULL`: a write is acknowledged (the call
//!   returns `Ok`) only after its `COMMIT` has been fsynced. Foreign keys are on.
//! - **Atomicity**: every write is one `BEGIN IMMEDIATE` transaction; on any error nothing of it
//!   is written.
//! - **Concurrency**: one [`Store`] (one connection) per thread. SQLite's busy timeout plus a
//!   retry loop inside the store mean `SQLITE_BUSY` never reaches a caller unless the file stays
//!   locked for longer than [`StoreConfig::busy_retry_for`]. For many concurrent writers (the
//!   server), [`batch::BatchWriter`] group-commits requests from one writer thread.
//! - **Privacy**: no column for names or free text (codes are checked to a slug alphabet);
//!   leader aggregates hide or merge to the parent cell any cell with fewer than k observation
//!   events ([`privacy`]); [`Store::purge`] deletes what is older than the retention period.
//!
//! Logins (`users.login`) identify the municipality's *workers* who use the system; citizens are
//! never identified anywhere in the store.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use feltkart_model::{Observation, SignCode};
//! use feltkart_store::{Actor, Store, StoreConfig};
//!
//! let dir = tempfile::tempdir()?;
//! let mut store = Store::open(dir.path().join("feltkart.db"), StoreConfig::default())?;
//! let team = store.create_team(Actor::System, "nyborg", 74.0)?;
//! store.set_sign_codes(Actor::System, &[SignCode::new("overfull_mailbox")?])?;
//! let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
//!     .and_then(|d| d.and_hms_opt(19, 30, 0))
//!     .ok_or("date")?;
//! // The place is only ever an H3 cell.
//! let cell = u64::from(h3o::LatLng::new(55.31, 10.79)?.to_cell(h3o::Resolution::Ten));
//! let sign = SignCode::new("overfull_mailbox")?;
//! // Returns once the batch is committed and fsynced; all or nothing.
//! let batch = store.insert_observations(Actor::System, team, &[Observation { cell, sign, at }])?;
//! assert_eq!(batch.to_string(), "batch1");
//! # Ok(())
//! # }
//! ```

pub mod batch;
mod codes;
mod coverage;
mod error;
mod maint;
pub mod privacy;
mod revisits;
mod schema;
mod sessions;
mod types;
mod write;

pub use codes::{BUILTIN_CODES, CodeList, CodeListError, Labels};
pub use coverage::{
    CellCoverage, DayPartShare, Gap, GapQuery, OUTDOOR_GUIDELINE_SHARE, SlotCoverage, WeekOutdoor,
    slot_diversity,
};
pub use error::{Result, StoreError};
/// The domain's types, re-exported: the store takes and returns exactly these.
pub use feltkart_model::{Attempt, Outcome, RevisitId, RevisitMode, TeamId, Window};
pub use schema::SCHEMA_VERSION;
pub use types::{
    Action, Actor, AttemptId, AttemptRow, AuditEntry, BatchId, CellSlotWalk, NewRevisit,
    ObjectKind, PlanId, PurgeCounts, RevisitRow, Role, User, UserId, WalkId, WalkLog, parse_slot,
};

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Store settings.
#[derive(Clone, Debug, PartialEq)]
pub struct StoreConfig {
    /// SQLite's own busy timeout per statement (default 5 s).
    pub busy_timeout: Duration,
    /// How long the store retries a transaction that still meets `SQLITE_BUSY` before it gives
    /// up with [`StoreError::Busy`] (default 30 s).
    pub busy_retry_for: Duration,
    /// Retention period for observations and closed revisits, in days (default 90).
    pub retention_days: u32,
    /// Leader aggregates show a cell only with at least this many distinct observation events
    /// (default 5).
    pub k_anonymity: u32,
    /// How many H3 resolutions up a small cell may be merged before it is hidden (default 2).
    pub max_merge_levels: u8,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            busy_timeout: Duration::from_secs(5),
            busy_retry_for: Duration::from_secs(30),
            retention_days: 90,
            k_anonymity: 5,
            max_merge_levels: 2,
        }
    }
}

/// One connection to a deployment's store file. Not `Sync`: open one per thread.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    config: StoreConfig,
}

impl Store {
    /// Open (creating if needed) the store at `path` and bring its schema up to
    /// [`SCHEMA_VERSION`].
    ///
    /// # Errors
    /// [`StoreError::Sqlite`] when the file cannot be opened or migrated,
    /// [`StoreError::SchemaTooNew`] when a newer program wrote it.
    pub fn open(path: impl AsRef<Path>, config: StoreConfig) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        create_private(&path)?;
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(sq("open"))
        .map_err(|e| e.at(&path))?;
        let mut store = Self { conn, path, config };
        store.configure()?;
        store.migrate(SCHEMA_VERSION)?;
        Ok(store)
    }

    fn configure(&mut self) -> Result<()> {
        let path = self.path.clone();
        let c = &self.conn;
        c.busy_timeout(self.config.busy_timeout)
            .map_err(sq("set busy_timeout"))
            .map_err(|e| e.at(&path))?;
        // Switching to WAL needs a moment of exclusive access; retry like any write.
        let started = Instant::now();
        loop {
            let r: rusqlite::Result<String> =
                c.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0));
            match r {
                Ok(mode) if mode.eq_ignore_ascii_case("wal") => break,
                Ok(mode) => {
                    return Err(StoreError::invalid(
                        "journal mode",
                        mode,
                        "SQLite refused WAL mode",
                    ));
                }
                Err(e) if is_busy_sqlite(&e) && started.elapsed() < self.config.busy_retry_for => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => return Err(sq("set journal_mode=WAL")(e).at(&path)),
            }
        }
        c.execute_batch(
            "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF; PRAGMA cache_size=-32768;",
        )
        .map_err(sq("set pragmas"))
        .map_err(|e| e.at(&path))
    }

    fn migrate(&mut self, target: i64) -> Result<()> {
        let found = schema::version(&self.conn)
            .map_err(sq("read schema version"))
            .map_err(|e| e.at(&self.path))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::SchemaTooNew {
                path: self.path.clone(),
                found,
                known: SCHEMA_VERSION,
            });
        }
        let started = Instant::now();
        loop {
            match schema::migrate_to(&mut self.conn, target) {
                Ok(_) => return Ok(()),
                Err(e) if is_busy_sqlite(&e) && started.elapsed() < self.config.busy_retry_for => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(e) => return Err(sq("migrate")(e).at(&self.path)),
            }
        }
    }

    /// The file's schema version.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn schema_version(&self) -> Result<i64> {
        self.read("read schema version", |c| {
            schema::version(c).map_err(sq("read schema version"))
        })
    }

    /// The database file.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The settings.
    #[must_use]
    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    /// Run `f` in a `BEGIN IMMEDIATE` transaction and commit; on any error roll back (nothing is
    /// written). A transaction that meets `SQLITE_BUSY` is retried from the start.
    pub(crate) fn write<T>(
        &mut self,
        op: &'static str,
        mut f: impl FnMut(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let started = Instant::now();
        let mut pause = Duration::from_millis(1);
        loop {
            let attempt = (|| -> Result<T> {
                let tx = self
                    .conn
                    .transaction_with_behavior(TransactionBehavior::Immediate)
                    .map_err(sq(op))?;
                let value = f(&tx)?;
                tx.commit().map_err(sq(op))?;
                Ok(value)
            })();
            match attempt {
                Err(e) if e.is_busy() => {
                    if started.elapsed() >= self.config.busy_retry_for {
                        return Err(StoreError::Busy {
                            path: self.path.clone(),
                            op,
                            waited: started.elapsed(),
                        });
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                other => return other.map_err(|e| e.at(&self.path)),
            }
        }
    }

    /// Run `f` in a read transaction (one consistent snapshot), retrying on `SQLITE_BUSY`.
    pub(crate) fn read<T>(
        &self,
        op: &'static str,
        mut f: impl FnMut(&Connection) -> Result<T>,
    ) -> Result<T> {
        let started = Instant::now();
        loop {
            let attempt = (|| -> Result<T> {
                let tx = self.conn.unchecked_transaction().map_err(sq(op))?;
                let value = f(&tx)?;
                tx.finish().map_err(sq(op))?;
                Ok(value)
            })();
            match attempt {
                Err(e) if e.is_busy() && started.elapsed() < self.config.busy_retry_for => {
                    std::thread::sleep(Duration::from_millis(2));
                }
                Err(e) if e.is_busy() => {
                    return Err(StoreError::Busy {
                        path: self.path.clone(),
                        op,
                        waited: started.elapsed(),
                    });
                }
                other => return other.map_err(|e| e.at(&self.path)),
            }
        }
    }
}

/// Create a missing store file readable by its owner only (SQLite gives the `-wal` and `-shm`
/// files the same mode): it holds a team's field data.
fn create_private(path: &Path) -> Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StoreError::Create {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Turn a rusqlite error into a [`StoreError::Sqlite`] whose path is filled in by the caller.
pub(crate) fn sq(op: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |source| StoreError::Sqlite {
        path: PathBuf::new(),
        op,
        source,
    }
}

fn is_busy_sqlite(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

impl StoreError {
    fn is_busy(&self) -> bool {
        matches!(self, Self::Sqlite { source, .. } if is_busy_sqlite(source))
    }

    /// Fill in the database path of a SQLite error made inside a transaction.
    fn at(self, p: &Path) -> Self {
        match self {
            Self::Sqlite { path, op, source } if path.as_os_str().is_empty() => Self::Sqlite {
                path: p.to_path_buf(),
                op,
                source,
            },
            Self::Corrupt { path, report } if path.as_os_str().is_empty() => Self::Corrupt {
                path: p.to_path_buf(),
                report,
            },
            other => other,
        }
    }
}
