//! The store's error type: every variant names the input it is about.

use std::path::PathBuf;
use std::time::Duration;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused an operation.
    #[error("{path}: {op}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// What the store was doing.
        op: &'static str,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The database was busy for longer than the store is willing to wait.
    #[error("{path}: {op}: database still busy after {waited:?}")]
    Busy {
        /// The database file.
        path: PathBuf,
        /// What the store was doing.
        op: &'static str,
        /// How long the store retried.
        waited: Duration,
    },
    /// The file has a schema newer than this program knows.
    #[error(
        "{path}: schema version {found} is newer than this program's {known}; upgrade feltkart"
    )]
    SchemaTooNew {
        /// The database file.
        path: PathBuf,
        /// `PRAGMA user_version` of the file.
        found: i64,
        /// The newest version this program can write.
        known: i64,
    },
    /// A sign code in a batch is not in the deployment's code list.
    #[error("observation {index} of the batch: unknown sign code `{code}`")]
    UnknownSignCode {
        /// Position in the batch (0-based).
        index: usize,
        /// The code.
        code: String,
    },
    /// A value failed validation before it reached SQLite.
    #[error("invalid {what} `{value}`: {why}")]
    Invalid {
        /// Which field.
        what: &'static str,
        /// The rejected value.
        value: String,
        /// Why.
        why: &'static str,
    },
    /// A referenced row does not exist.
    #[error("{kind} {id} does not exist")]
    NotFound {
        /// What kind of row (`team`, `revisit`, …).
        kind: &'static str,
        /// Its id.
        id: i64,
    },
    /// `PRAGMA integrity_check` did not say `ok`.
    #[error("{path}: integrity check failed: {report}")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// SQLite's report, first lines.
        report: String,
    },
    /// The backup destination exists already; backups never overwrite.
    #[error("{dest}: backup destination exists already")]
    BackupExists {
        /// The destination.
        dest: PathBuf,
    },
    /// Writing or moving the backup file failed.
    #[error("{dest}: backup: {source}")]
    BackupIo {
        /// The destination.
        dest: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// The group transaction this request was part of failed as a whole (nothing was written).
    #[error("{path}: group commit failed: {cause}")]
    GroupFailed {
        /// The database file.
        path: PathBuf,
        /// The transaction's error.
        cause: String,
    },
    /// The batch writer thread could not be started.
    #[error("{path}: cannot start the writer thread: {source}")]
    Thread {
        /// The database file.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// Creating the database file failed.
    #[error("{path}: cannot create the store: {source}")]
    Create {
        /// The database file.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// The batch writer thread has stopped.
    #[error("batch writer for {path} has stopped")]
    WriterGone {
        /// The database file.
        path: PathBuf,
    },
}

impl StoreError {
    pub(crate) fn invalid(what: &'static str, value: impl ToString, why: &'static str) -> Self {
        Self::Invalid {
            what,
            value: value.to_string(),
            why,
        }
    }
}

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
