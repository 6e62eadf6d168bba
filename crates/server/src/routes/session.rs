//! `POST /api/login`, `POST /api/logout`, `GET /api/me`.

use crate::auth::{ApiRole, ClientAddr, CurrentUser, new_token, verify_password};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

/// Login request.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The worker's login.
    #[schema(max_length = 64)]
    pub login: String,
    /// The password.
    #[schema(max_length = 256)]
    pub password: String,
}

/// A session.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// The bearer token (send as `Authorization: Bearer <token>`).
    pub token: String,
    /// The user's role.
    pub role: ApiRole,
    /// The user's team id, if any.
    pub team: Option<u32>,
    /// When the token expires (RFC 3339, UTC).
    pub expires_at: String,
}

/// The logged-in user.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    /// Login.
    pub login: String,
    /// Role.
    pub role: ApiRole,
    /// Team id, if any.
    pub team: Option<u32>,
}

/// Log in with a login and password; returns an opaque bearer token. Failed logins are
/// limited per account and per client address (429).
#[utoipa::path(post, path = "/api/login", tag = "session", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 429, body = crate::error::ErrorBody)))]
pub async fn login(
    State(st): State<AppState>,
    addr: ClientAddr,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<ApiJson<LoginResponse>> {
    if req.login.len() > 64 || req.password.len() > 256 {
        return Err(ApiError::bad_request(
            "login is at most 64 and password at most 256 bytes",
        ));
    }
    let limiter = &st.0.limiter;
    limiter.check(&req.login, addr.0)?;
    let login = req.login.clone();
    let found = st
        .store()
        .run(move |s| Ok(s.password_hash(&login)?))
        .await?;
    let password = req.password;
    let user = tokio::task::spawn_blocking(move || match found {
        Some((user, hash)) => verify_password(&password, &hash).then_some(user),
        None => {
            // Spend the same time on an unknown login, so that timing does not tell which
            // logins exist.
            let _ = verify_password(&password, dummy_hash());
            None
        }
    })
    .await?;
    let Some(user) = user else {
        limiter.failed(&req.login, addr.0);
        tracing::warn!(login = %req.login, "failed login");
        return Err(ApiError::unauthorized("unknown login or wrong password"));
    };
    limiter.succeeded(&req.login);
    let (token, digest) = new_token();
    let ttl =
        chrono::Duration::from_std(st.0.config.token_ttl).map_err(|e| ApiError::internal(&e))?;
    let expires = chrono::Utc::now() + ttl;
    let id = user.id;
    st.store()
        .run(move |s| Ok(s.create_session(&digest, id, expires)?))
        .await?;
    Ok(ApiJson(LoginResponse {
        token,
        role: user.role.into(),
        team: user.team.map(|t| t.0),
        expires_at: expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }))
}

/// An argon2 hash of a random password, verified against for unknown logins.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| {
        crate::auth::hash_password(&crate::demo::random_password()).unwrap_or_default()
    })
}

/// End the session of the bearer token.
#[utoipa::path(post, path = "/api/logout", tag = "session", security(("bearer" = [])),
    responses((status = 204, description = "Logged out"),
              (status = 401, body = crate::error::ErrorBody)))]
pub async fn logout(State(st): State<AppState>, me: CurrentUser) -> ApiResult<StatusCode> {
    let d = me.digest;
    st.store().run(move |s| Ok(s.delete_session(&d)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who the bearer token belongs to.
#[utoipa::path(get, path = "/api/me", tag = "session", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)))]
pub async fn me(me: CurrentUser) -> ApiJson<Me> {
    ApiJson(Me {
        login: me.user.login,
        role: me.role,
        team: me.user.team.map(|t| t.0),
    })
}
