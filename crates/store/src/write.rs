//! Typed writes: teams, users, sign codes, observations, walks, plans, the audit log. Each public
//! method is one transaction and writes its audit entry inside it (revisits: `revisits.rs`).

use crate::Store;
use crate::error::{Result, StoreError};
use crate::sq;
use crate::types::{
    Action, Actor, AuditEntry, BatchId, ObjectKind, PlanId, Role, User, UserId, WalkId, WalkLog,
    cell_i64, check_year, date, now_utc, slot_str, team_id, ts, year_ok,
};
use chrono::Datelike;
use feltkart_model::{Observation, SignCode, TeamId};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{BTreeMap, HashSet};

fn slug(what: &'static str, s: &str) -> Result<()> {
    let ok = (1..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(StoreError::invalid(
            what,
            s,
            "must be 1–32 characters a-z, 0-9, _ and -",
        ))
    }
}

pub(crate) fn audit(
    c: &Connection,
    actor: Actor,
    action: Action,
    kind: ObjectKind,
    id: Option<i64>,
) -> Result<()> {
    let user = match actor {
        Actor::User(u) => Some(u.0),
        Actor::System => None,
    };
    c.prepare_cached(
        "INSERT INTO audit_log(at_utc, user_id, action, object_kind, object_id) VALUES (?,?,?,?,?)",
    )
    .and_then(|mut s| s.execute(params![now_utc(), user, action.as_str(), kind.as_str(), id]))
    .map_err(sq("write audit log"))?;
    Ok(())
}

pub(crate) fn team_exists(c: &Connection, team: TeamId) -> Result<()> {
    let found: Option<i64> = c
        .prepare_cached("SELECT id FROM teams WHERE id = ?")
        .and_then(|mut s| s.query_row([team.0], |r| r.get(0)).optional())
        .map_err(sq("look up team"))?;
    found.map(|_| ()).ok_or(StoreError::NotFound {
        kind: "team",
        id: i64::from(team.0),
    })
}

fn check_f64(what: &'static str, v: f64, lo: f64, hi: f64) -> Result<()> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(())
    } else {
        Err(StoreError::invalid(what, v, "out of range"))
    }
}

impl Store {
    /// Create a team with a code (a slug such as `nyborg-east`, not a person) and its contracted
    /// hours per week (all workers together), used for the 30 % outdoor guideline.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a bad code or hours; [`StoreError::Sqlite`] for a duplicate.
    pub fn create_team(
        &mut self,
        actor: Actor,
        code: &str,
        contracted_hours_per_week: f64,
    ) -> Result<TeamId> {
        slug("team code", code)?;
        check_f64("contracted hours", contracted_hours_per_week, 0.0, 10_000.0)?;
        self.write("create team", |tx| {
            tx.execute(
                "INSERT INTO teams(code, contracted_hours_per_week, created_utc) VALUES (?,?,?)",
                params![code, contracted_hours_per_week, now_utc()],
            )
            .map_err(sq("create team"))?;
            let id = tx.last_insert_rowid();
            audit(tx, actor, Action::Create, ObjectKind::Team, Some(id))?;
            team_id(id)
        })
    }

    /// Create a user: a worker's login (slug), role, team and an optional password hash (a PHC
    /// string starting `$argon2`, made by the server).
    ///
    /// # Errors
    /// [`StoreError::Invalid`], [`StoreError::NotFound`] for the team, [`StoreError::Sqlite`].
    pub fn create_user(
        &mut self,
        actor: Actor,
        login: &str,
        role: Role,
        team: Option<TeamId>,
        password_hash: Option<&str>,
    ) -> Result<UserId> {
        slug("login", login)?;
        if password_hash.is_some_and(|h| !h.starts_with("$argon2") || h.len() > 512) {
            return Err(StoreError::invalid(
                "password hash",
                "(hidden)",
                "must be an argon2 PHC string",
            ));
        }
        self.write("create user", |tx| {
            if let Some(t) = team {
                team_exists(tx, t)?;
            }
            tx.execute(
                "INSERT INTO users(login, password_hash, role, team_id, created_utc) VALUES (?,?,?,?,?)",
                params![login, password_hash, role.as_str(), team.map(|t| t.0), now_utc()],
            )
            .map_err(sq("create user"))?;
            let id = tx.last_insert_rowid();
            audit(tx, actor, Action::Create, ObjectKind::User, Some(id))?;
            Ok(UserId(id))
        })
    }

    /// Disable (or re-enable) a user. Users are never deleted, so the audit log keeps its "who".
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Sqlite`].
    pub fn set_user_disabled(&mut self, actor: Actor, user: UserId, disabled: bool) -> Result<()> {
        self.write("disable user", |tx| {
            let n = tx
                .execute(
                    "UPDATE users SET disabled = ? WHERE id = ?",
                    params![disabled, user.0],
                )
                .map_err(sq("disable user"))?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    kind: "user",
                    id: user.0,
                });
            }
            audit(tx, actor, Action::Update, ObjectKind::User, Some(user.0))
        })
    }

    /// A user by login.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn user_by_login(&self, login: &str) -> Result<Option<User>> {
        self.read("read user", |c| {
            let row = c
                .query_row(
                    "SELECT id, login, role, team_id, disabled FROM users WHERE login = ?",
                    [login],
                    |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, Option<i64>>(3)?,
                            r.get::<_, bool>(4)?,
                        ))
                    },
                )
                .optional()
                .map_err(sq("read user"))?;
            row.map(|(id, login, role, team, disabled)| {
                Ok(User {
                    id: UserId(id),
                    login,
                    role: Role::parse(&role)?,
                    team: team.map(team_id).transpose()?,
                    disabled,
                })
            })
            .transpose()
        })
    }

    /// Make the deployment's sign-code list exactly `codes` (from `data/signs.toml`). Codes
    /// still used by stored observations cannot be removed (the transaction fails, nothing
    /// changes).
    ///
    /// # Errors
    /// [`StoreError::Sqlite`] when a removed code is still in use.
    pub fn set_sign_codes(&mut self, actor: Actor, codes: &[SignCode]) -> Result<()> {
        self.write("set sign codes", |tx| {
            let wanted: HashSet<&str> = codes.iter().map(SignCode::as_str).collect();
            let existing = known_signs(tx)?;
            for old in existing.iter().filter(|c| !wanted.contains(c.as_str())) {
                tx.execute("DELETE FROM sign_codes WHERE code = ?", [old])
                    .map_err(sq("remove sign code still used by observations"))?;
            }
            for code in &wanted {
                tx.execute("INSERT OR IGNORE INTO sign_codes(code) VALUES (?)", [code])
                    .map_err(sq("add sign code"))?;
            }
            audit(tx, actor, Action::Update, ObjectKind::SignCodes, None)
        })
    }

    /// Insert a batch of observations for a team in one transaction and return the batch id
    /// once it is committed (durable). If any observation is invalid (an unknown sign code, a
    /// bad cell), nothing of the batch is written.
    ///
    /// # Errors
    /// [`StoreError::UnknownSignCode`] naming the first bad code and its position,
    /// [`StoreError::Invalid`] for a bad cell or an empty batch, [`StoreError::NotFound`] for
    /// the team, [`StoreError::Sqlite`].
    pub fn insert_observations(
        &mut self,
        actor: Actor,
        team: TeamId,
        batch: &[Observation],
    ) -> Result<BatchId> {
        self.write("insert observations", |tx| {
            insert_observations_tx(tx, actor, team, batch)
        })
    }

    /// Log the coverage of one walk (already map-matched to cells × slots). The GPS track is
    /// never stored. Duplicate cell × slot entries are summed.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for bad cells, minutes (must be in (0, 1440]) or metres,
    /// [`StoreError::NotFound`] for the team, [`StoreError::Sqlite`].
    pub fn log_walk(&mut self, actor: Actor, walk: &WalkLog) -> Result<WalkId> {
        let merged = merge_walk(walk)?;
        self.write("log walk", |tx| log_walk_tx(tx, actor, walk, &merged))
    }

    /// Store a plan's parameters (a JSON object, no free text) and the checksum (lowercase hex)
    /// of the atlas it was made from.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] when `parameters` is not a JSON object or the checksum not hex.
    pub fn save_plan(
        &mut self,
        actor: Actor,
        parameters: &serde_json::Value,
        atlas_checksum: &str,
    ) -> Result<PlanId> {
        if !parameters.is_object() {
            return Err(StoreError::invalid(
                "plan parameters",
                parameters,
                "must be a JSON object",
            ));
        }
        let text = parameters.to_string();
        self.write("save plan", |tx| {
            tx.execute(
                "INSERT INTO plans(created_utc, parameters, atlas_checksum) VALUES (?,?,?)",
                params![now_utc(), text, atlas_checksum],
            )
            .map_err(sq(
                "save plan (checksum must be 8–128 lowercase hex digits)",
            ))?;
            let id = tx.last_insert_rowid();
            audit(tx, actor, Action::Create, ObjectKind::Plan, Some(id))?;
            Ok(PlanId(id))
        })
    }

    /// Log a read (or any other access) in the audit log, e.g. when the server shows a leader
    /// an aggregate. Writes through this store log themselves.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn log_access(
        &mut self,
        actor: Actor,
        action: Action,
        kind: ObjectKind,
        id: Option<i64>,
    ) -> Result<()> {
        self.write("write audit log", |tx| audit(tx, actor, action, kind, id))
    }

    /// The newest `limit` audit entries, newest first.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn audit_log(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        self.read("read audit log", |c| {
            let mut st = c
                .prepare(
                    "SELECT at_utc, user_id, action, object_kind, object_id FROM audit_log
                     ORDER BY id DESC LIMIT ?",
                )
                .map_err(sq("read audit log"))?;
            let rows = st
                .query_map([limit], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<i64>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                    ))
                })
                .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
                .map_err(sq("read audit log"))?;
            rows.into_iter()
                .map(|(at_utc, user, action, kind, object_id)| {
                    Ok(AuditEntry {
                        at_utc,
                        actor: user.map_or(Actor::System, |u| Actor::User(UserId(u))),
                        action: Action::parse(&action)?,
                        object_kind: ObjectKind::parse(&kind)?,
                        object_id,
                    })
                })
                .collect()
        })
    }
}

/// Walk coverage checked and merged per (cell, slot): minutes and metres.
pub(crate) type MergedWalk = BTreeMap<(i64, &'static str), (f64, f64)>;

/// Check a walk and sum duplicate cell × slot entries.
pub(crate) fn merge_walk(walk: &WalkLog) -> Result<MergedWalk> {
    if !(1..=8).contains(&walk.walkers) {
        return Err(StoreError::invalid("walkers", walk.walkers, "must be 1–8"));
    }
    if walk.cells.is_empty() {
        return Err(StoreError::invalid(
            "walk",
            "no cells",
            "a walk covers cells",
        ));
    }
    check_year("walk date", walk.date.year(), &walk.date)?;
    let mut merged = MergedWalk::new();
    for c in &walk.cells {
        check_f64("minutes", c.minutes, f64::MIN_POSITIVE, 1440.0)?;
        check_f64("metres", c.metres, 0.0, 1.0e6)?;
        let e = merged
            .entry((cell_i64(c.cell)?, slot_str(c.slot)))
            .or_insert((0.0, 0.0));
        e.0 += c.minutes;
        e.1 += c.metres;
    }
    if let Some(((cell, slot), (m, _))) = merged.iter().find(|(_, (m, _))| *m > 1440.0) {
        return Err(StoreError::invalid(
            "minutes",
            format!("{m} in cell {cell:#x} slot {slot}"),
            "more than a day",
        ));
    }
    Ok(merged)
}

/// The body of [`Store::log_walk`], shared with the batch writer.
pub(crate) fn log_walk_tx(
    tx: &Connection,
    actor: Actor,
    walk: &WalkLog,
    merged: &MergedWalk,
) -> Result<WalkId> {
    team_exists(tx, walk.team)?;
    tx.prepare_cached(
        "INSERT INTO walks(team_id, walk_date, walkers, created_utc) VALUES (?,?,?,?)",
    )
    .and_then(|mut s| {
        s.execute(params![
            walk.team.0,
            date(walk.date),
            walk.walkers,
            now_utc()
        ])
    })
    .map_err(sq("log walk"))?;
    let id = tx.last_insert_rowid();
    let mut st = tx
        .prepare_cached(
            "INSERT INTO walk_cells(walk_id, cell, slot, minutes, metres) VALUES (?,?,?,?,?)",
        )
        .map_err(sq("log walk cells"))?;
    for ((cell, slot), (minutes, metres)) in merged {
        st.execute(params![id, cell, slot, minutes, metres])
            .map_err(sq("log walk cells"))?;
    }
    audit(tx, actor, Action::Create, ObjectKind::Walk, Some(id))?;
    Ok(WalkId(id))
}

fn known_signs(c: &Connection) -> Result<Vec<String>> {
    let mut st = c
        .prepare_cached("SELECT code FROM sign_codes")
        .map_err(sq("read sign codes"))?;
    st.query_map([], |r| r.get(0))
        .and_then(Iterator::collect::<rusqlite::Result<Vec<String>>>)
        .map_err(sq("read sign codes"))
}

/// The body of [`Store::insert_observations`], shared with the batch writer.
pub(crate) fn insert_observations_tx(
    tx: &Connection,
    actor: Actor,
    team: TeamId,
    batch: &[Observation],
) -> Result<BatchId> {
    if batch.is_empty() {
        return Err(StoreError::invalid(
            "observation batch",
            "0 observations",
            "a batch is not empty",
        ));
    }
    team_exists(tx, team)?;
    let known = known_signs(tx)?;
    let known: HashSet<&str> = known.iter().map(String::as_str).collect();
    if let Some((index, o)) = batch
        .iter()
        .enumerate()
        .find(|(_, o)| !year_ok(o.at.year()))
    {
        check_year(
            "observation time",
            o.at.year(),
            &format!("{} (#{index})", o.at),
        )?;
    }
    if let Some((index, o)) = batch
        .iter()
        .enumerate()
        .find(|(_, o)| !known.contains(o.sign.as_str()))
    {
        return Err(StoreError::UnknownSignCode {
            index,
            code: o.sign.as_str().to_owned(),
        });
    }
    let size = i64::try_from(batch.len())
        .map_err(|_| StoreError::invalid("observation batch", batch.len(), "too large"))?;
    tx.prepare_cached("INSERT INTO observation_batches(team_id, size, created_utc) VALUES (?,?,?)")
        .and_then(|mut s| s.execute(params![team.0, size, now_utc()]))
        .map_err(sq("insert observation batch"))?;
    let id = tx.last_insert_rowid();
    let mut st = tx
        .prepare_cached(
            "INSERT INTO observations(batch_id, seq, team_id, cell, sign, observed_at, slot)
             VALUES (?,?,?,?,?,?,?)",
        )
        .map_err(sq("insert observations"))?;
    for (seq, o) in (0i64..).zip(batch) {
        st.execute(params![
            id,
            seq,
            team.0,
            cell_i64(o.cell)?,
            o.sign.as_str(),
            ts(o.at),
            slot_str(o.slot())
        ])
        .map_err(sq("insert observations"))?;
    }
    audit(
        tx,
        actor,
        Action::Create,
        ObjectKind::ObservationBatch,
        Some(id),
    )?;
    Ok(BatchId(id))
}
