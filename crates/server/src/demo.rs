//! Demo users of every role, for `feltkart demo` and trying the viewer: two teams (`demo-a`,
//! `demo-b`), a field user of each, a planner of `demo-a`, a leader and an admin, each with a
//! fresh random password that the caller prints.

use crate::auth::{ApiRole, hash_password};
use crate::error::ApiError;
use feltkart_store::{Actor, Store, TeamId};
use rand::RngCore;

/// A demo user with its password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoUser {
    /// Login.
    pub login: String,
    /// Role.
    pub role: ApiRole,
    /// Team code, if any.
    pub team: Option<String>,
    /// The password (shown once, stored only as an argon2 hash).
    pub password: String,
}

/// A random password: 16 letters and digits.
#[must_use]
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect()
}

fn team(store: &mut Store, code: &str) -> Result<TeamId, ApiError> {
    match store.team_by_code(code)? {
        Some(t) => Ok(t),
        None => Ok(store.create_team(Actor::System, code, 74.0)?),
    }
}

/// Create (or reset the passwords of) the demo users.
///
/// # Errors
/// [`ApiError`] when the store refuses.
pub fn demo_users(store: &mut Store) -> Result<Vec<DemoUser>, ApiError> {
    let plan = [
        ("field-a", ApiRole::Field, Some("demo-a")),
        ("field-b", ApiRole::Field, Some("demo-b")),
        ("planner-a", ApiRole::Planner, Some("demo-a")),
        ("leader", ApiRole::Leader, None),
        ("admin", ApiRole::Admin, None),
    ];
    let mut out = Vec::new();
    for (login, role, team_code) in plan {
        let password = random_password();
        let hash = hash_password(&password)?;
        let team_id = team_code.map(|c| team(store, c)).transpose()?;
        store.upsert_user(Actor::System, login, role.into(), team_id, &hash)?;
        out.push(DemoUser {
            login: login.into(),
            role,
            team: team_code.map(str::to_owned),
            password,
        });
    }
    Ok(out)
}
