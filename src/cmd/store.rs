//! What the store commands share: which database file, opening it with the deployment's sign
//! codes, finding a team, and the clock.

use anyhow::{Context, anyhow};
use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use feltkart_model::TeamId;
use feltkart_store::{Actor, CodeList, Store, StoreConfig};
use std::path::{Path, PathBuf};

/// Where the database is: `--db`, or `feltkart.db` beside the atlas.
#[derive(clap::Args, Clone, Debug)]
pub struct DbArgs {
    /// The database file (default: `feltkart.db` beside `--atlas`).
    #[arg(long)]
    pub db: Option<PathBuf>,
}

/// The database path from `--db` or the atlas.
pub fn db_path(db: Option<&Path>, atlas: Option<&Path>) -> anyhow::Result<PathBuf> {
    match (db, atlas) {
        (Some(db), _) => Ok(db.to_path_buf()),
        (None, Some(atlas)) => Ok(atlas.with_file_name("feltkart.db")),
        (None, None) => Err(anyhow!(
            "no database: give --db FILE, or --atlas to use feltkart.db beside it"
        )),
    }
}

/// Open (creating if needed) the store and add any sign code of the shipped list it lacks.
pub fn open(path: &Path) -> anyhow::Result<(Store, CodeList)> {
    if path.is_dir() {
        return Err(anyhow!(
            "{}: is a directory, not a database file",
            path.display()
        ));
    }
    let mut store = Store::open(path, StoreConfig::default())?;
    let codes = CodeList::builtin()?;
    let have = store.sign_codes()?;
    if codes
        .signs
        .iter()
        .any(|(c, _)| !have.iter().any(|h| h == c.as_str()))
    {
        // Add the missing ones; codes already stored stay (observations may use them).
        let mut all = codes.sign_codes();
        for h in &have {
            if let Ok(c) = feltkart_model::SignCode::new(h)
                && !all.contains(&c)
            {
                all.push(c);
            }
        }
        store.set_sign_codes(Actor::System, &all)?;
    }
    Ok((store, codes))
}

/// The team with code `code`, or an error listing the teams there are.
pub fn team(store: &Store, code: &str) -> anyhow::Result<TeamId> {
    if let Some(t) = store.team_by_code(code)? {
        return Ok(t);
    }
    let known = store.team_codes()?;
    Err(anyhow!(
        "{}: unknown team `{code}` (teams: {}); add it with `feltkart team add {code} --hours H`",
        store.path().display(),
        if known.is_empty() {
            "none yet".to_owned()
        } else {
            known.join(", ")
        }
    ))
}

/// Now, from the system clock.
pub fn now_utc() -> DateTime<Utc> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    DateTime::from_timestamp(i64::try_from(secs).unwrap_or(0), 0).unwrap_or_default()
}

/// Now, in the municipality's local time.
pub fn now_local(offset: FixedOffset) -> NaiveDateTime {
    now_utc().with_timezone(&offset).naive_local()
}

/// Today's local date.
pub fn today(offset: FixedOffset) -> chrono::NaiveDate {
    now_local(offset).date()
}

/// Refuse a local time in the future.
pub fn not_future(what: &str, at: NaiveDateTime, offset: FixedOffset) -> anyhow::Result<()> {
    let now = now_local(offset);
    if at > now + chrono::Duration::minutes(5) {
        return Err(anyhow!(
            "{what} {} is in the future (now {} at UTC{offset}): log it once it has happened",
            at.format("%Y-%m-%dT%H:%M"),
            now.format("%Y-%m-%dT%H:%M")
        ));
    }
    Ok(())
}

/// Read a file as text, naming it on failure.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))
}
