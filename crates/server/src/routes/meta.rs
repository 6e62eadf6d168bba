//! `GET /api/health` and `GET /api/openapi.json` (no auth).

use crate::extract::ApiJson;
use crate::state::AppState;
use axum::extract::State;
use serde::Serialize;

/// The atlas the server serves.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AtlasInfo {
    /// The atlas's name (its file stem).
    pub name: String,
    /// `[w, s, e, n]`.
    pub bbox: [f64; 4],
}

/// Health.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers.
    pub status: String,
    /// The server's version.
    pub version: String,
    /// The atlas.
    pub atlas: AtlasInfo,
}

/// Whether the server is up, and which atlas it serves.
#[utoipa::path(get, path = "/api/health", tag = "meta",
    responses((status = 200, description = "The server is up", body = Health)))]
pub async fn health(State(st): State<AppState>) -> ApiJson<Health> {
    let e = st.engine();
    ApiJson(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        atlas: AtlasInfo {
            name: e.name.clone(),
            bbox: e.bbox(),
        },
    })
}
