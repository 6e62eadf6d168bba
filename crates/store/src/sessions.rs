//! Login sessions for the server: opaque bearer tokens, stored only as their SHA-256 hex digest,
//! with an expiry; and the `planner` role (schema version 4).
//!
//! The raw token never reaches the store. Failed-login counters are kept in the server's memory
//! (they would otherwise hold network addresses, which are personal data).

use crate::Store;
use crate::error::{Result, StoreError};
use crate::sq;
use crate::types::{Action, Actor, ObjectKind, Role, User, UserId};
use feltkart_model::TeamId;
use rusqlite::{OptionalExtension, params};

/// Version 4: the `planner` role (the CHECK constraints of `roles` and `users` are widened in
/// place, which SQLite documents as safe for a constraint that only admits more values) and the
/// `sessions` table.
pub(crate) const V4: &str = "
    PRAGMA writable_schema = ON;
    UPDATE sqlite_schema
       SET sql = replace(sql, 'CHECK (role IN (''worker'',''leader'',''admin''))',
                              'CHECK (role IN (''worker'',''planner'',''leader'',''admin''))')
     WHERE type = 'table' AND name IN ('roles', 'users');
    PRAGMA writable_schema = RESET;
    INSERT INTO roles(role) VALUES ('planner');

    CREATE TABLE sessions (
        token_sha256 TEXT PRIMARY KEY
            CHECK (length(token_sha256) = 64 AND token_sha256 NOT GLOB '*[^0-9a-f]*'),
        user_id INTEGER NOT NULL REFERENCES users(id),
        created_utc TEXT NOT NULL,
        expires_utc TEXT NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX sessions_expiry ON sessions(expires_utc);
";

/// Now, from the system clock.
fn now() -> chrono::DateTime<chrono::Utc> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    chrono::DateTime::from_timestamp(i64::try_from(secs).unwrap_or(i64::MAX), 0).unwrap_or_default()
}

/// `YYYY-MM-DDTHH:MM:SSZ`, which sorts as text in time order.
fn utc(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn check_digest(d: &str) -> Result<()> {
    if d.len() == 64
        && d.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "token digest",
            "(hidden)",
            "must be 64 lower-case hex digits",
        ))
    }
}

impl Store {
    /// A user's argon2 password hash (PHC string), if the user exists, is enabled and has one.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn password_hash(&self, login: &str) -> Result<Option<(User, String)>> {
        let Some(user) = self.user_by_login(login)? else {
            return Ok(None);
        };
        if user.disabled {
            return Ok(None);
        }
        let hash: Option<String> = self.read("read password hash", |c| {
            c.query_row(
                "SELECT password_hash FROM users WHERE id = ?",
                [user.id.0],
                |r| r.get(0),
            )
            .map_err(sq("read password hash"))
        })?;
        Ok(hash.map(|h| (user, h)))
    }

    /// Store a session: the SHA-256 hex digest of a bearer token, its user and expiry. Expired
    /// sessions are deleted in the same transaction.
    ///
    /// # Errors
    /// [`StoreError::Invalid`] for a malformed digest, [`StoreError::Sqlite`].
    pub fn create_session(
        &mut self,
        digest: &str,
        user: UserId,
        expires: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        check_digest(digest)?;
        let now = utc(now());
        self.write("create session", |tx| {
            tx.execute("DELETE FROM sessions WHERE expires_utc <= ?", [&now])
                .map_err(sq("expire sessions"))?;
            tx.execute(
                "INSERT INTO sessions(token_sha256, user_id, created_utc, expires_utc) VALUES (?,?,?,?)",
                params![digest, user.0, now, utc(expires)],
            )
            .map_err(sq("create session"))?;
            Ok(())
        })
    }

    /// The enabled user of an unexpired session, with the session's expiry.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn session_user(&self, digest: &str) -> Result<Option<User>> {
        let now = utc(now());
        self.read("read session", |c| {
            let row = c
                .prepare_cached(
                    "SELECT u.id, u.login, u.role, u.team_id FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.token_sha256 = ? AND s.expires_utc > ? AND u.disabled = 0",
                )
                .and_then(|mut s| {
                    s.query_row(params![digest, now], |r| {
                        Ok((
                            r.get::<_, i64>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, Option<i64>>(3)?,
                        ))
                    })
                    .optional()
                })
                .map_err(sq("read session"))?;
            row.map(|(id, login, role, team)| {
                Ok(User {
                    id: UserId(id),
                    login,
                    role: Role::parse(&role)?,
                    team: team.map(crate::types::team_id).transpose()?,
                    disabled: false,
                })
            })
            .transpose()
        })
    }

    /// Create a user, or set an existing user's role, team and password hash (and enable it).
    ///
    /// # Errors
    /// As [`Store::create_user`].
    pub fn upsert_user(
        &mut self,
        actor: Actor,
        login: &str,
        role: Role,
        team: Option<TeamId>,
        password_hash: &str,
    ) -> Result<UserId> {
        let Some(user) = self.user_by_login(login)? else {
            return self.create_user(actor, login, role, team, Some(password_hash));
        };
        if !password_hash.starts_with("$argon2") || password_hash.len() > 512 {
            return Err(StoreError::invalid(
                "password hash",
                "(hidden)",
                "must be an argon2 PHC string",
            ));
        }
        self.write("update user", |tx| {
            tx.execute(
                "UPDATE users SET role = ?, team_id = ?, password_hash = ?, disabled = 0 WHERE id = ?",
                params![role.as_str(), team.map(|t| i64::from(t.0)), password_hash, user.id.0],
            )
            .map_err(sq("update user"))?;
            crate::write::audit(tx, actor, Action::Update, ObjectKind::User, Some(user.id.0))
        })?;
        Ok(user.id)
    }

    /// A team's id by its code.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn team_by_code(&self, code: &str) -> Result<Option<TeamId>> {
        self.read("read team", |c| {
            c.query_row("SELECT id FROM teams WHERE code = ?", [code], |r| r.get(0))
                .optional()
                .map_err(sq("read team"))?
                .map(crate::types::team_id)
                .transpose()
        })
    }

    /// Every team: id, code and contracted hours per week, by id.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn teams(&self) -> Result<Vec<(TeamId, String, f64)>> {
        self.read("list teams", |c| {
            let mut st = c
                .prepare("SELECT id, code, contracted_hours_per_week FROM teams ORDER BY id")
                .map_err(sq("list teams"))?;
            let rows: Vec<(i64, String, f64)> = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .and_then(Iterator::collect)
                .map_err(sq("list teams"))?;
            rows.into_iter()
                .map(|(id, code, hours)| Ok((crate::types::team_id(id)?, code, hours)))
                .collect()
        })
    }

    /// End a session (logout). Ending an unknown session is not an error.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`].
    pub fn delete_session(&mut self, digest: &str) -> Result<()> {
        self.write("delete session", |tx| {
            tx.execute("DELETE FROM sessions WHERE token_sha256 = ?", [digest])
                .map_err(sq("delete session"))?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::{Actor, Role, Store, StoreConfig};

    #[test]
    fn sessions_expire_and_planners_exist() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path().join("f.db"), StoreConfig::default()).unwrap();
        let u = s
            .create_user(
                Actor::System,
                "planner-1",
                Role::Planner,
                None,
                Some("$argon2id$x"),
            )
            .unwrap();
        let live = "a".repeat(64);
        let old = "b".repeat(64);
        let now = super::now();
        s.create_session(&live, u, now + chrono::Duration::hours(1))
            .unwrap();
        s.create_session(&old, u, now - chrono::Duration::seconds(1))
            .unwrap();
        assert_eq!(s.session_user(&live).unwrap().unwrap().role, Role::Planner);
        assert!(s.session_user(&old).unwrap().is_none());
        assert!(s.create_session("not-hex", u, now).is_err());
        s.delete_session(&live).unwrap();
        assert!(s.session_user(&live).unwrap().is_none());
        let (user, hash) = s.password_hash("planner-1").unwrap().unwrap();
        assert_eq!((user.id, hash.as_str()), (u, "$argon2id$x"));
        assert!(s.password_hash("nobody").unwrap().is_none());
    }
}
