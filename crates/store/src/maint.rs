//! Maintenance: online backup, retention purge, integrity check.

use crate::error::{Result, StoreError};
use crate::types::{Action, Actor, ObjectKind, PurgeCounts, ts};
use crate::write::audit;
use crate::{Store, sq};
use chrono::{Days, NaiveDate};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, params};
use std::path::{Path, PathBuf};
use std::time::Duration;

impl Store {
    /// Copy the live database to `dest` with SQLite's online backup API (never a file copy):
    /// writers may go on meanwhile. The copy is made under a temporary name beside `dest`,
    /// checked with `PRAGMA integrity_check`, and renamed into place, so `dest` is never a
    /// partial backup. `dest` must not exist.
    ///
    /// # Errors
    /// [`StoreError::BackupExists`], [`StoreError::BackupIo`], [`StoreError::Sqlite`],
    /// [`StoreError::Corrupt`] (naming the temporary file).
    pub fn backup_to(&mut self, actor: Actor, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(StoreError::BackupExists {
                dest: dest.to_path_buf(),
            });
        }
        let mut tmp = dest.as_os_str().to_owned();
        tmp.push(".partial");
        let tmp = PathBuf::from(tmp);
        if tmp.exists() {
            std::fs::remove_file(&tmp).map_err(|source| StoreError::BackupIo {
                dest: tmp.clone(),
                source,
            })?;
        }
        let copied = self.backup_into(&tmp);
        if let Err(e) = copied {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
        std::fs::rename(&tmp, dest).map_err(|source| StoreError::BackupIo {
            dest: dest.to_path_buf(),
            source,
        })?;
        self.log_access(actor, Action::Backup, ObjectKind::Database, None)
    }

    fn backup_into(&self, tmp: &Path) -> Result<()> {
        let err = |op| {
            let tmp = tmp.to_path_buf();
            move |source| StoreError::Sqlite {
                path: tmp.clone(),
                op,
                source,
            }
        };
        crate::create_private(tmp)?;
        let mut dst = Connection::open(tmp).map_err(err("open backup file"))?;
        {
            let b = Backup::new(&self.conn, &mut dst).map_err(err("start backup"))?;
            loop {
                match b.step(256).map_err(err("backup step"))? {
                    StepResult::Done => break,
                    StepResult::More => {}
                    // A writer holds a lock: let it finish, then go on.
                    _ => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        }
        // The copy is a standalone file: no WAL beside it.
        dst.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get::<_, String>(0))
            .map_err(err("set backup journal mode"))?;
        check_integrity(&dst).map_err(|e| match e {
            StoreError::Corrupt { report, .. } => StoreError::Corrupt {
                path: tmp.to_path_buf(),
                report,
            },
            other => other,
        })?;
        dst.close().map_err(|(_, e)| err("close backup file")(e))
    }

    /// Delete observations observed, and revisits closed, before `today − retention_days`
    /// (local dates; the cutoff is midnight starting that day). Open revisits, walks and the
    /// audit log are kept. Observation batches left empty are deleted with them.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn purge(&mut self, actor: Actor, today: NaiveDate) -> Result<PurgeCounts> {
        let days = u64::from(self.config.retention_days);
        let cutoff = today
            .checked_sub_days(Days::new(days))
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .ok_or_else(|| StoreError::invalid("purge date", today, "cutoff out of range"))?;
        let cutoff = ts(cutoff);
        self.write("purge", |tx| {
            let observations = tx
                .execute("DELETE FROM observations WHERE observed_at < ?", [&cutoff])
                .map_err(sq("purge observations"))?;
            let batches = tx
                .execute(
                    "DELETE FROM observation_batches WHERE NOT EXISTS
                     (SELECT 1 FROM observations o WHERE o.batch_id = observation_batches.id)",
                    [],
                )
                .map_err(sq("purge empty batches"))?;
            let attempts = tx
                .execute(
                    "DELETE FROM attempts WHERE revisit_id IN
                     (SELECT id FROM revisits WHERE closed_at IS NOT NULL AND closed_at < ?)",
                    params![cutoff],
                )
                .map_err(sq("purge attempts"))?;
            let revisits = tx
                .execute(
                    "DELETE FROM revisits WHERE closed_at IS NOT NULL AND closed_at < ?",
                    params![cutoff],
                )
                .map_err(sq("purge revisits"))?;
            audit(tx, actor, Action::Purge, ObjectKind::Database, None)?;
            let n = |x: usize| u64::try_from(x).unwrap_or(u64::MAX);
            Ok(PurgeCounts {
                observations: n(observations),
                batches: n(batches),
                revisits: n(revisits),
                attempts: n(attempts),
            })
        })
    }

    /// `PRAGMA integrity_check` and `PRAGMA foreign_key_check`.
    ///
    /// # Errors
    /// [`StoreError::Corrupt`] with SQLite's report.
    pub fn check(&self) -> Result<()> {
        self.read("integrity check", |c| {
            check_integrity(c)?;
            let bad: Vec<String> = c
                .prepare("PRAGMA foreign_key_check")
                .and_then(|mut s| {
                    s.query_map([], |r| r.get::<_, String>(0))
                        .and_then(Iterator::collect)
                })
                .map_err(sq("foreign key check"))?;
            if bad.is_empty() {
                Ok(())
            } else {
                Err(StoreError::Corrupt {
                    path: PathBuf::new(),
                    report: format!("foreign keys broken in {}", bad.join(", ")),
                })
            }
        })
    }
}

pub(crate) fn check_integrity(c: &Connection) -> Result<()> {
    let lines: Vec<String> = c
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))
                .and_then(Iterator::collect)
        })
        .map_err(sq("integrity check"))?;
    if lines.len() == 1 && lines.first().map(String::as_str) == Some("ok") {
        Ok(())
    } else {
        Err(StoreError::Corrupt {
            path: PathBuf::new(),
            report: lines.into_iter().take(5).collect::<Vec<_>>().join("; "),
        })
    }
}
