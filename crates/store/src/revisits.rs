//! Revisits ("come back next Tuesday at 13:00") and their attempts: a place, a time window and
//! outcome codes, never a person.

use crate::error::{Result, StoreError};
use crate::types::check_year;
use crate::types::{
    Action, Actor, AttemptId, AttemptRow, NewRevisit, ObjectKind, RevisitRow, cell_i64, cell_u64,
    date, now_utc, parse_outcome, parse_slot, parse_ts, revisit_i64, slot_str, team_id, ts,
};
use crate::write::{audit, team_exists};
use crate::{Store, sq};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use feltkart_model::{Attempt, LonLat, Outcome, RevisitId, RevisitMode, TeamId, TimeSlot, Window};
use rusqlite::{Connection, OptionalExtension, params};

/// The stored columns of a mode: (mode, window_start, window_end, due).
fn mode_columns(m: RevisitMode) -> (&'static str, Option<String>, Option<String>, Option<String>) {
    match m {
        RevisitMode::Appointment { window } => (
            "appointment",
            Some(ts(window.start)),
            Some(ts(window.end)),
            None,
        ),
        RevisitMode::Search { due } => ("search", None, None, Some(date(due))),
    }
}

impl Store {
    /// Create a revisit. The cell must be the H3 cell (at its own resolution) that contains
    /// the place.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a bad cell or window, [`StoreError::NotFound`] for the team.
    pub fn create_revisit(&mut self, actor: Actor, r: &NewRevisit) -> Result<RevisitId> {
        check_revisit(r)?;
        let (mode, start, end, due) = mode_columns(r.mode);
        self.write("create revisit", |tx| {
            team_exists(tx, r.team)?;
            tx.execute(
                "INSERT INTO revisits(team_id, lon, lat, cell, mode, window_start, window_end,
                     due, priority, created_utc) VALUES (?,?,?,?,?,?,?,?,?,?)",
                params![
                    r.team.0,
                    r.place.lon,
                    r.place.lat,
                    cell_i64(r.cell)?,
                    mode,
                    start,
                    end,
                    due,
                    r.priority,
                    now_utc()
                ],
            )
            .map_err(sq("create revisit"))?;
            let id = tx.last_insert_rowid();
            audit(tx, actor, Action::Create, ObjectKind::Revisit, Some(id))?;
            // Row ids are positive.
            Ok(RevisitId(u64::try_from(id).unwrap_or_default()))
        })
    }

    /// Replace a revisit's window, mode and priority (rescheduling). The team, place and cell
    /// must stay the same.
    ///
    /// # Errors
    /// [`StoreError::NotFound`], [`StoreError::Invalid`].
    pub fn update_revisit(&mut self, actor: Actor, id: RevisitId, r: &NewRevisit) -> Result<()> {
        check_revisit(r)?;
        let (mode, start, end, due) = mode_columns(r.mode);
        let rid = revisit_i64(id);
        self.write("update revisit", |tx| {
            let n = tx
                .execute(
                    "UPDATE revisits SET mode = ?, window_start = ?, window_end = ?, due = ?,
                         priority = ?
                     WHERE id = ? AND team_id = ? AND cell = ?",
                    params![
                        mode,
                        start,
                        end,
                        due,
                        r.priority,
                        rid,
                        r.team.0,
                        cell_i64(r.cell)?
                    ],
                )
                .map_err(sq("update revisit"))?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    kind: "revisit (of this team and cell)",
                    id: rid,
                });
            }
            audit(tx, actor, Action::Update, ObjectKind::Revisit, Some(rid))
        })
    }

    /// Close a revisit at a local time (it then expires with the retention period).
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    pub fn close_revisit(&mut self, actor: Actor, id: RevisitId, at: NaiveDateTime) -> Result<()> {
        let rid = revisit_i64(id);
        self.write("close revisit", |tx| {
            let n = tx
                .execute(
                    "UPDATE revisits SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
                    params![ts(at), rid],
                )
                .map_err(sq("close revisit"))?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    kind: "open revisit",
                    id: rid,
                });
            }
            audit(tx, actor, Action::Update, ObjectKind::Revisit, Some(rid))
        })
    }

    /// Delete a revisit and its attempts.
    ///
    /// # Errors
    /// [`StoreError::NotFound`].
    pub fn delete_revisit(&mut self, actor: Actor, id: RevisitId) -> Result<()> {
        let rid = revisit_i64(id);
        self.write("delete revisit", |tx| {
            let n = tx
                .execute("DELETE FROM revisits WHERE id = ?", [rid])
                .map_err(sq("delete revisit"))?;
            if n == 0 {
                return Err(StoreError::NotFound {
                    kind: "revisit",
                    id: rid,
                });
            }
            audit(tx, actor, Action::Delete, ObjectKind::Revisit, Some(rid))
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
        check_year("attempt time", at.year(), &at)?;
        let rid = revisit_i64(id);
        self.write("record attempt", |tx| {
            let open: Option<i64> = tx
                .query_row(
                    "SELECT id FROM revisits WHERE id = ? AND closed_at IS NULL",
                    [rid],
                    |r| r.get(0),
                )
                .optional()
                .map_err(sq("record attempt"))?;
            if open.is_none() {
                return Err(StoreError::NotFound {
                    kind: "open revisit",
                    id: rid,
                });
            }
            tx.execute(
                "INSERT INTO attempts(revisit_id, attempted_at, slot, outcome, created_utc)
                 VALUES (?,?,?,?,?)",
                params![
                    rid,
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
                    params![ts(at), rid],
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
            Ok(revisits_where(c, "id = ?", revisit_i64(id))?
                .into_iter()
                .next())
        })
    }

    /// A team's open revisits, by window start.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn open_revisits(&self, team: TeamId) -> Result<Vec<RevisitRow>> {
        self.read("read revisits", |c| {
            revisits_where(c, "team_id = ? AND closed_at IS NULL", i64::from(team.0))
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
                .query_map([revisit_i64(id)], |r| {
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
                        attempt: Attempt {
                            at: parse_ts(&at)?,
                            slot: parse_slot(&slot)?,
                            outcome: parse_outcome(&outcome)?,
                        },
                    })
                })
                .collect()
        })
    }
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
    if !(1..=5).contains(&r.priority) {
        return Err(StoreError::invalid(
            "revisit priority",
            r.priority,
            "outside 1..=5",
        ));
    }
    match r.mode {
        RevisitMode::Appointment { window } => {
            check_year("revisit window", window.start.year(), &window.start)?;
            check_year("revisit window", window.end.year(), &window.end)?;
            if window.end <= window.start {
                return Err(StoreError::invalid(
                    "revisit window",
                    format!("{} – {}", window.start, window.end),
                    "end must be after start",
                ));
            }
        }
        RevisitMode::Search { due } => check_year("revisit due date", due.year(), &due)?,
    }
    Ok(())
}

fn revisits_where(c: &Connection, cond: &str, arg: i64) -> Result<Vec<RevisitRow>> {
    let sql = format!(
        "SELECT id, team_id, lon, lat, cell, mode, window_start, window_end, due, priority,
             closed_at
         FROM revisits WHERE {cond} ORDER BY coalesce(window_start, due), id"
    );
    let mut st = c.prepare(&sql).map_err(sq("read revisits"))?;
    type Raw = (
        i64,
        i64,
        f64,
        f64,
        i64,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
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
                r.get(10)?,
            ))
        })
        .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)
        .map_err(sq("read revisits"))?;
    rows.into_iter()
        .map(
            |(id, team, lon, lat, cell, mode, ws, we, due, priority, closed)| {
                let mode = match (mode.as_str(), ws, we, due) {
                    ("appointment", Some(ws), Some(we), None) => RevisitMode::Appointment {
                        window: Window {
                            start: parse_ts(&ws)?,
                            end: parse_ts(&we)?,
                        },
                    },
                    ("search", None, None, Some(due)) => RevisitMode::Search {
                        due: NaiveDate::parse_from_str(&due, crate::types::DATE_FMT).map_err(
                            |_| StoreError::invalid("stored due date", &due, "not YYYY-MM-DD"),
                        )?,
                    },
                    _ => {
                        return Err(StoreError::invalid(
                            "stored revisit mode",
                            mode,
                            "columns do not match the mode",
                        ));
                    }
                };
                Ok(RevisitRow {
                    id: RevisitId(u64::try_from(id).unwrap_or_default()),
                    revisit: NewRevisit {
                        team: team_id(team)?,
                        place: LonLat { lon, lat },
                        cell: cell_u64(cell),
                        mode,
                        priority,
                    },
                    closed_at: closed.as_deref().map(parse_ts).transpose()?,
                })
            },
        )
        .collect()
}
