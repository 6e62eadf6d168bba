//! `feltkart db backup|purge|check` and `feltkart team add`: looking after the store.

use super::log::open_existing;
use super::plan::parse_offset;
use super::store::{DbArgs, db_path, today};
use anyhow::bail;
use chrono::FixedOffset;
use feltkart_store::Actor;
use std::io::Write;
use std::path::PathBuf;

/// Where the database is, for the `db` and `team` commands.
#[derive(clap::Args)]
pub struct Where {
    /// An atlas, to use the `feltkart.db` beside it.
    #[arg(long)]
    pub atlas: Option<PathBuf>,
    #[command(flatten)]
    pub db: DbArgs,
}

/// `feltkart db ...`
#[derive(clap::Subcommand)]
pub enum Command {
    /// Copy the database with SQLite's online backup (writers may go on), checked, to FILE.
    Backup {
        /// The backup file (must not exist).
        file: PathBuf,
        #[command(flatten)]
        at: Where,
    },
    /// Delete observations and closed revisits older than the retention period (90 days).
    Purge {
        #[command(flatten)]
        at: Where,
        /// The municipality's UTC offset (for today's local date).
        #[arg(long, default_value = "+01:00", value_parser = parse_offset, allow_hyphen_values = true)]
        utc_offset: FixedOffset,
    },
    /// Check the database's integrity and foreign keys.
    Check {
        #[command(flatten)]
        at: Where,
    },
}

/// `feltkart team ...`
#[derive(clap::Subcommand)]
pub enum TeamCommand {
    /// Add a team (creates the database if there is none).
    Add {
        /// The team's code: a-z, 0-9, `_` and `-` (a place or unit, never a person).
        code: String,
        /// Contracted working hours per week of all its workers (for the 30 % outdoor guideline).
        #[arg(long)]
        hours: f64,
        #[command(flatten)]
        at: Where,
    },
}

pub fn run(c: &Command) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match c {
        Command::Backup { file, at } => {
            let (mut store, _) =
                open_existing(&db_path(at.db.db.as_deref(), at.atlas.as_deref())?)?;
            store.backup_to(Actor::System, file)?;
            writeln!(
                out,
                "backed up {} to {}",
                store.path().display(),
                file.display()
            )?;
        }
        Command::Purge { at, utc_offset } => {
            let (mut store, _) =
                open_existing(&db_path(at.db.db.as_deref(), at.atlas.as_deref())?)?;
            let n = store.purge(Actor::System, today(*utc_offset))?;
            writeln!(
                out,
                "purged {} observations ({} batches), {} closed revisits ({} attempts) older than {} days",
                n.observations,
                n.batches,
                n.revisits,
                n.attempts,
                store.config().retention_days
            )?;
        }
        Command::Check { at } => {
            let (store, _) = open_existing(&db_path(at.db.db.as_deref(), at.atlas.as_deref())?)?;
            store.check()?;
            writeln!(
                out,
                "{}: ok (integrity and foreign keys)",
                store.path().display()
            )?;
        }
    }
    Ok(())
}

pub fn team(c: &TeamCommand) -> anyhow::Result<()> {
    let TeamCommand::Add { code, hours, at } = c;
    let path = db_path(at.db.db.as_deref(), at.atlas.as_deref())?;
    let (mut store, _) = super::store::open(&path)?;
    if store.team_by_code(code)?.is_some() {
        bail!("{}: team `{code}` exists already", path.display());
    }
    let id = store.create_team(Actor::System, code, *hours)?;
    writeln!(
        std::io::stdout().lock(),
        "added team {code} ({id}) to {}",
        path.display()
    )?;
    Ok(())
}
