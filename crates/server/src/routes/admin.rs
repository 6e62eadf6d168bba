//! Users and teams, for admins only (no field data): `GET/POST /api/admin/teams`,
//! `POST /api/admin/users`.

use crate::auth::{ApiRole, CurrentUser, hash_password};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use feltkart_model::TeamId;
use serde::{Deserialize, Serialize};

/// A team.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TeamOut {
    /// Id.
    pub id: u32,
    /// Code.
    pub code: String,
    /// Contracted hours per week (all workers).
    pub hours_per_week: f64,
}

/// A team to create.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamIn {
    /// Code (a slug such as `nyborg-east`).
    pub code: String,
    /// Contracted hours per week.
    #[schema(minimum = 0, maximum = 10000)]
    pub hours_per_week: f64,
}

/// A user to create (or reset).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserIn {
    /// Login (a slug; a worker, never a citizen).
    pub login: String,
    /// Role.
    pub role: ApiRole,
    /// Team id.
    pub team: Option<u32>,
    /// Password (at least 10 characters).
    #[schema(min_length = 10, max_length = 256)]
    pub password: String,
}

/// A created row.
#[derive(Serialize, utoipa::ToSchema)]
pub struct IdOut {
    /// Id.
    pub id: i64,
}

const WHAT: &str = "manage users and teams";

/// Every team.
#[utoipa::path(get, path = "/api/admin/teams", tag = "admin", security(("bearer" = [])),
    responses((status = 200, body = Vec<TeamOut>),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn teams(
    State(st): State<AppState>,
    me: CurrentUser,
) -> ApiResult<ApiJson<Vec<TeamOut>>> {
    me.allow(&[ApiRole::Admin], WHAT)?;
    let t = st.store().run(|s| Ok(s.teams()?)).await?;
    Ok(ApiJson(
        t.into_iter()
            .map(|(id, code, hours_per_week)| TeamOut {
                id: id.0,
                code,
                hours_per_week,
            })
            .collect(),
    ))
}

/// Create a team.
#[utoipa::path(post, path = "/api/admin/teams", tag = "admin", request_body = TeamIn,
    security(("bearer" = [])),
    responses((status = 201, body = IdOut),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
pub async fn create_team(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiJson(t): ApiJson<TeamIn>,
) -> ApiResult<(StatusCode, ApiJson<IdOut>)> {
    me.allow(&[ApiRole::Admin], WHAT)?;
    let actor = me.actor();
    let id = st
        .store()
        .run(move |s| {
            if s.team_by_code(&t.code)?.is_some() {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "conflict",
                    format!("team `{}` exists", t.code),
                ));
            }
            Ok(s.create_team(actor, &t.code, t.hours_per_week)?)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        ApiJson(IdOut {
            id: i64::from(id.0),
        }),
    ))
}

/// Create a user, or reset an existing user's role, team and password.
#[utoipa::path(post, path = "/api/admin/users", tag = "admin", request_body = UserIn,
    security(("bearer" = [])),
    responses((status = 201, body = IdOut),
              (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub async fn create_user(
    State(st): State<AppState>,
    me: CurrentUser,
    ApiJson(u): ApiJson<UserIn>,
) -> ApiResult<(StatusCode, ApiJson<IdOut>)> {
    me.allow(&[ApiRole::Admin], WHAT)?;
    let n = u.password.chars().count();
    if !(10..=256).contains(&n) {
        return Err(ApiError::bad_request(
            "the password must have 10 to 256 characters",
        ));
    }
    if u.role == ApiRole::Field && u.team.is_none() {
        return Err(ApiError::bad_request("a field user needs a team"));
    }
    let hash = tokio::task::spawn_blocking(move || hash_password(&u.password)).await??;
    let actor = me.actor();
    let (login, role, team) = (u.login, u.role, u.team.map(TeamId));
    let id = st
        .store()
        .run(move |s| Ok(s.upsert_user(actor, &login, role.into(), team, &hash)?))
        .await?;
    Ok((StatusCode::CREATED, ApiJson(IdOut { id: id.0 })))
}
