//! Authentication and roles: argon2 password hashes, opaque bearer tokens stored as their
//! SHA-256 digest with an expiry, the logged-in user as an extractor, and the failed-login
//! limiter (per account and per client address, in memory only: addresses are personal data
//! and are never stored).

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use feltkart_store::{Role, TeamId, User};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A role as the API names it (the store's `worker` is the API's `field`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiRole {
    /// A field pair: own team's day route, revisits, walks and observations.
    Field,
    /// Profiles, scores, districts, plans and rota for their team(s).
    Planner,
    /// Thresholded coverage aggregates and team figures only.
    Leader,
    /// Users and teams; no field data.
    Admin,
}

impl From<Role> for ApiRole {
    fn from(r: Role) -> Self {
        match r {
            Role::Worker => Self::Field,
            Role::Planner => Self::Planner,
            Role::Leader => Self::Leader,
            Role::Admin => Self::Admin,
        }
    }
}

impl From<ApiRole> for Role {
    fn from(r: ApiRole) -> Self {
        match r {
            ApiRole::Field => Self::Worker,
            ApiRole::Planner => Self::Planner,
            ApiRole::Leader => Self::Leader,
            ApiRole::Admin => Self::Admin,
        }
    }
}

impl ApiRole {
    /// The API's name of the role.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Field => "field",
            Self::Planner => "planner",
            Self::Leader => "leader",
            Self::Admin => "admin",
        }
    }
}

/// Hash a password with argon2id and a random salt (PHC string).
///
/// # Errors
/// [`ApiError`] (internal) if hashing fails.
pub fn hash_password(password: &str) -> ApiResult<String> {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(|e| ApiError::internal(&e))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal(&e))
}

/// Whether `password` matches the PHC string `hash`.
#[must_use]
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A new random bearer token (256 bits, hex) and its SHA-256 digest (what the store keeps).
#[must_use]
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = hex(&bytes);
    let digest = digest(&token);
    (token, digest)
}

/// SHA-256 of a token, lower-case hex.
#[must_use]
pub fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The logged-in user of a request.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    /// The store's user.
    pub user: User,
    /// The API role.
    pub role: ApiRole,
    /// The bearer token's digest (for logout).
    pub digest: String,
}

impl CurrentUser {
    /// Allow only these roles.
    ///
    /// # Errors
    /// 403 naming the role and what it may not do.
    pub fn allow(&self, roles: &[ApiRole], what: &str) -> ApiResult<()> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "the {} role may not {what}",
                self.role.as_str()
            )))
        }
    }

    /// Allow access to `team`'s data: field users only for their own team, planners for their
    /// team or, with no team, every team.
    ///
    /// # Errors
    /// 403.
    pub fn allow_team(&self, team: TeamId) -> ApiResult<()> {
        match (self.role, self.user.team) {
            (ApiRole::Planner, None) => Ok(()),
            (ApiRole::Field | ApiRole::Planner, Some(t)) if t == team => Ok(()),
            _ => Err(ApiError::forbidden(format!(
                "{} user {} may not see team {}'s data",
                self.role.as_str(),
                self.user.login,
                team.0
            ))),
        }
    }

    /// The team a field user acts for.
    ///
    /// # Errors
    /// 403 when the user has no team.
    pub fn own_team(&self) -> ApiResult<TeamId> {
        self.user.team.ok_or_else(|| {
            ApiError::forbidden(format!("user {} belongs to no team", self.user.login))
        })
    }

    /// The store actor.
    #[must_use]
    pub fn actor(&self) -> feltkart_store::Actor {
        feltkart_store::Actor::User(self.user.id)
    }
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> ApiResult<Self> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or_else(|| {
                ApiError::unauthorized("missing `Authorization: Bearer <token>` header")
            })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 128)
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header is not `Bearer <token>`")
            })?;
        let digest = digest(token);
        let d = digest.clone();
        let user = state
            .store()
            .run(move |s| Ok(s.session_user(&d)?))
            .await?
            .ok_or_else(|| {
                ApiError::unauthorized("the token is unknown or expired; log in again")
            })?;
        Ok(Self {
            role: user.role.into(),
            user,
            digest,
        })
    }
}

/// The client's address, when the server knows it (not in in-process tests).
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// Failed-login limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginLimits {
    /// Failures allowed per account within `window`.
    pub per_account: u32,
    /// Failures allowed per client address within `window`.
    pub per_address: u32,
    /// The window.
    pub window: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        Self {
            per_account: 5,
            per_address: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Counts failed logins per account and per address in a sliding window.
#[derive(Debug, Default)]
pub struct LoginLimiter {
    limits: LoginLimits,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    /// A limiter with these limits.
    #[must_use]
    pub fn new(limits: LoginLimits) -> Self {
        Self {
            limits,
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn keys(login: &str, addr: Option<IpAddr>) -> [(Option<String>, bool); 2] {
        [
            (Some(format!("login:{login}")), true),
            (addr.map(|a| format!("addr:{a}")), false),
        ]
    }

    /// Whether another attempt is allowed now.
    ///
    /// # Errors
    /// 429 naming whether the account or the address is locked.
    pub fn check(&self, login: &str, addr: Option<IpAddr>) -> ApiResult<()> {
        let now = Instant::now();
        let mut map = self.failures.lock().map_err(|e| ApiError::internal(&e))?;
        for (key, account) in Self::keys(login, addr) {
            let Some(key) = key else { continue };
            let max = if account {
                self.limits.per_account
            } else {
                self.limits.per_address
            };
            if let Some(v) = map.get_mut(&key) {
                v.retain(|t| now.duration_since(*t) < self.limits.window);
                if v.len() >= max as usize {
                    let what = if account {
                        "this account"
                    } else {
                        "this address"
                    };
                    return Err(ApiError::new(
                        axum::http::StatusCode::TOO_MANY_REQUESTS,
                        "too_many_failed_logins",
                        format!(
                            "too many failed logins for {what}; wait {} minutes",
                            self.limits.window.as_secs().div_ceil(60)
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Count a failure.
    pub fn failed(&self, login: &str, addr: Option<IpAddr>) {
        if let Ok(mut map) = self.failures.lock() {
            for (key, _) in Self::keys(login, addr) {
                if let Some(key) = key {
                    map.entry(key).or_default().push(Instant::now());
                }
            }
        }
    }

    /// Forget an account's failures after a successful login.
    pub fn succeeded(&self, login: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(&format!("login:{login}"));
        }
    }
}
