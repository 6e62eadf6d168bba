//! Typed writes. Each public method is one transaction and writes its audit entry inside it.

use crate::Store;
use crate::error::{Result, StoreError};
use crate::sq;
use crate::types::{
    Action, Actor, AttemptId, AttemptRow, AuditEntry, BatchId, NewRevisit, ObjectKind, Outcome,
    PlanId, RevisitId, RevisitRow, Role, TeamId, User, UserId, WalkId, WalkLog, cell_i64, cell_u64,
    date, now_utc, parse_slot, parse_ts, slot_str, ts,
};
use chrono::NaiveDateTime;
use feltkart_model::{LonLat, Observation, SignCode, TimeSlot};
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

fn team_exists(c: &Connection, team: TeamId) -> Result<()> {
    let found: Option<i64> = c
        .prepare_cached("SELECT id FROM teams WHERE id = ?")
        .and_then(|mut s| s.query_row([team.0], |r| r.get(0)).optional())
        .map_err(sq("look up team"))?;
    found.map(|_| ()).ok_or(StoreError::NotFound {
        kind: "team",
        id: team.0,
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
            Ok(TeamId(id))
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
                    team: team.map(TeamId),
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

    /// Create a revisit. The cell must be the H3 cell (at its own resolution) that contains
    /// the place.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a bad cell or window, [`StoreError::NotFound`] for the team.
    pub fn create_revisit(&mut self, actor: Actor, r: &NewRevisit) -> Result<RevisitId> {
        check_revisit(r)?;
        self.write("create revisit", |tx| {
            team_exists(tx, r.team)?;
            tx.execute(
                "INSERT INTO revisits(team_id, lon, lat, cell, window_start, window_end, mode,
                     priority, created_utc) VALUES (?,?,?,?,?,?,?,?,?)",
                params![
                    r.team.0,
                    r.place.lon,
                    r.place.lat,
                    cell_i64(r.cell)?,
                    ts(r.window_start),
                    ts(r.window_end),
                    r.mode.as_str(),
                    r.priority,
                    now_utc()
                ],
            )
            .map_err(sq("create revisit"))?;
            let id = tx.last_insert_rowid();
            audit(tx, actor, Action::Create, ObjectKind::Revisit, Some(id))?;
            Ok(RevisitId(id))
        })
    }

    /// Replace a revisit's window, mode and priority (rescheduling). The team, place and cell
    /// must stay the same.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Invalid`].
    pub fn update_revisit(&mut self, actor: Actor, id: RevisitId, r: &NewRevisit) -> Result<()> {
        check_revisit(r)?;
        self.write("update revisit", |tx| {
            let n = tx
                .execute(
                    "UPDATE revisits SET window_start = ?, window_end = ?, mode = ?, priority = ?
                     WHERE id = ? AND team_id = ? AND cell = ?",
                    params![
                        ts(r.window_start),
                        ts(r.window_end),
                        r.mode.as_str(),
                        r.priority,
                        id.0,
                        r.team.0,
                        cell_i64(r.cell)?
                    ],
                )
                .map_err(sq("update revisit"))?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    kind: "revisit (of this team and cell)",
                    id: id.0,
                });
            }
            audit(tx, actor, Action::Update, ObjectKind::Revisit, Some(id.0))
        })
    }

    /// Close a revisit at a local time (it then expires with the retention period).
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    pub fn close_revisit(&mut self, actor: Actor, id: RevisitId, at: NaiveDateTime) -> Result<()> {
        self.write("close revisit", |tx| {
            let n = tx
                .execute(
                    "UPDATE revisits SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
                    params![ts(at), id.0],
                )
                .map_err(sq("close revisit"))?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    kind: "open revisit",
                    id: id.0,
                });
            }
            audit(tx, actor, Action::Update, ObjectKind::Revisit, Some(id.0))
        })
    }

    /// Delete a revisit and its attempts.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    pub fn delete_revisit(&mut self, actor: Actor, id: RevisitId) -> Result<()> {
        self.write("delete revisit", |tx| {
            let n = tx
                .execute("DELETE FROM revisits WHERE id = ?", [id.0])
                .map_err(sq("delete revisit"))?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    kind: "revisit",
                    id: id.0,
                });
            }
            audit(tx, actor, Action::Delete, ObjectKind::Revisit, Some(id.0))
        })
    }

    /// Record an attempt at an open revisit. An outcome that [closes](Outcome::closes) the
    /// revisit closes it at the attempt's time, in the same transaction.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when the revisit does not exist or is closed.
    pub fn record_attempt(
        &mut self,
        actor: Actor,
        id: RevisitId,
        at: NaiveDateTime,
        outcome: Outcome,
    ) -> Result<AttemptId> {
        self.write("record attempt", |tx| {
            let open: Option<i64> = tx
                .query_row(
                    "SELECT id FROM revisits WHERE id = ? AND closed_at IS NULL",
                    [id.0],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sq("record attempt"))?;
            if open.is_none() {
                return Err(StoreError::NotFound {
                    kind: "open revisit",
                    id: id.0,
                });
            }
            tx.execute(
                "INSERT INTO attempts(revisit_id, attempted_at, slot, outcome, created_utc)
                 VALUES (?,?,?,?,?)",
                params![
                    id.0,
                    ts(at),
                    slot_str(TimeSlot::of(at)),
                    outcome.as_str(),
                    now_utc()
                ],
            )
            .map_err(sq("record attempt"))?;
            let aid = tx.last_insert_rowid();
            if outcome.closes() {
                tx.execute(
                    "UPDATE revisits SET closed_at = ? WHERE id = ?",
                    params![ts(at), id.0],
                )
                .map_err(sq("close revisit"))?;
            }
            audit(tx, actor, Action::Create, ObjectKind::Attempt, Some(aid))?;
            Ok(AttemptId(aid))
        })
    }

    /// One revisit.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn revisit(&self, id: RevisitId) -> Result<Option<RevisitRow>> {
        self.read("read revisit", |c| {
            Ok(revisits_where(c, "id = ?", id.0)?.into_iter().next())
        })
    }

    /// A team's open revisits, by window start.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn open_revisits(&self, team: TeamId) -> Result<Vec<RevisitRow>> {
        self.read("read revisits", |c| {
            revisits_where(c, "team_id = ? AND closed_at IS NULL", team.0)
        })
    }

    /// A revisit's attempts, oldest first.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn attempts(&self, id: RevisitId) -> Result<Vec<AttemptRow>> {
        self.read("read attempts", |c| {
            let mut st = c
                .prepare_cached(
                    "SELECT id, attempted_at, slot, outcome FROM attempts WHERE revisit_id = ?
                     ORDER BY attempted_at, id",
                )
                .map_err(sq("read attempts"))?;
            let rows = st
                .query_map([id.0], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })
                .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
                .map_err(sq("read attempts"))?;
            rows.into_iter()
                .map(|(aid, at, slot, outcome)| {
                    Ok(AttemptRow {
                        id: AttemptId(aid),
                        revisit: id,
                        at: parse_ts(&at)?,
                        slot: parse_slot(&slot)?,
                        outcome: Outcome::parse(&outcome)?,
                    })
                })
                .collect()
        })
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

fn check_revisit(r: &NewRevisit) -> Result<()> {
    let cell = h3o::CellIndex::try_from(r.cell).map_err(|_| {
        StoreError::invalid("H3 cell", format!("{:#x}", r.cell), "not an H3 cell index")
    })?;
    let p = LonLat::new(r.place.lon, r.place.lat)
        .map_err(|_| StoreError::invalid("place", format!("{:?}", r.place), "not a coordinate"))?;
    let inside = h3o::LatLng::new(p.lat, p.lon)
        .map(|ll| ll.to_cell(cell.resolution()) == cell)
        .unwrap_or(false);
    if !inside {
        return Err(StoreError::invalid(
            "revisit cell",
            format!("{:#x}", r.cell),
            "does not contain the place",
        ));
    }
    if r.window_end <= r.window_start {
        return Err(StoreError::invalid(
            "revisit window",
            format!("{} – {}", r.window_start, r.window_end),
            "end must be after start",
        ));
    }
    Ok(())
}

fn revisits_where(c: &Connection, cond: &str, arg: i64) -> Result<Vec<RevisitRow>> {
    let sql = format!(
        "SELECT id, team_id, lon, lat, cell, window_start, window_end, mode, priority, closed_at
         FROM revisits WHERE {cond} ORDER BY window_start, id"
    );
    let mut st = c.prepare(&sql).map_err(sq("read revisits"))?;
    type Raw = (
        i64,
        i64,
        f64,
        f64,
        i64,
        String,
        String,
        String,
        u8,
        Option<String>,
    );
    let rows: Vec<Raw> = st
        .query_map([arg], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        })
        .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
        .map_err(sq("read revisits"))?;
    rows.into_iter()
        .map(
            |(id, team, lon, lat, cell, ws, we, mode, priority, closed)| {
                Ok(RevisitRow {
                    id: RevisitId(id),
                    revisit: NewRevisit {
                        team: TeamId(team),
                        place: LonLat { lon, lat },
                        cell: cell_u64(cell),
                        window_start: parse_ts(&ws)?,
                        window_end: parse_ts(&we)?,
                        mode: crate::RevisitMode::parse(&mode)?,
                        priority,
                    },
                    closed_at: closed.as_deref().map(parse_ts).transpose()?,
                })
            },
        )
        .collect()
}
