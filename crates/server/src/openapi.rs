//! The OpenAPI 3.1 description, generated from the routes' annotations.

use crate::routes::{admin, coverage, day, field, map, meta, revisits, session, walk};
use crate::state::AppState;
use axum::response::{IntoResponse, Response};
use std::sync::OnceLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "Feltkart API", description = "Outreach planning: scored H3 cells, districts, observation walks, day routes, revisits, observations and coverage. Errors are `{\"error\":{\"code\",\"message\"}}`.", license(name = "AGPL-3.0-or-later")),
    modifiers(&Bearer),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail)),
    tags((name = "meta"), (name = "session"), (name = "map"), (name = "planner"), (name = "field"), (name = "leader"), (name = "admin"))
)]
struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = api.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The API routes with their OpenAPI description.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(meta::health))
        .routes(routes!(openapi_json))
        .routes(routes!(session::login))
        .routes(routes!(session::logout))
        .routes(routes!(session::me))
        .routes(routes!(map::profiles))
        .routes(routes!(map::cells))
        .routes(routes!(map::explain))
        .routes(routes!(map::districts))
        .routes(routes!(map::basemap))
        .routes(routes!(walk::plan_walk))
        .routes(routes!(walk::walk_gpx))
        .routes(routes!(day::plan))
        .routes(routes!(day::today))
        .routes(routes!(day::rota))
        .routes(routes!(field::codes))
        .routes(routes!(revisits::list, revisits::create))
        .routes(routes!(
            revisits::get_one,
            revisits::update,
            revisits::delete
        ))
        .routes(routes!(revisits::attempt))
        .routes(routes!(field::observe))
        .routes(routes!(field::count))
        .routes(routes!(field::log_walk))
        .routes(routes!(field::planned_done))
        .routes(routes!(coverage::coverage))
        .routes(routes!(coverage::team_figures))
        .routes(routes!(coverage::gaps))
        .routes(routes!(admin::teams, admin::create_team))
        .routes(routes!(admin::create_user))
}

/// The OpenAPI document, pretty JSON (what `docs/openapi.json` holds).
#[must_use]
pub fn openapi_json_text() -> String {
    let (_, api) = api_router().split_for_parts();
    api.to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "OpenAPI 3.1", body = Object)))]
pub async fn openapi_json() -> Response {
    static DOC: OnceLock<String> = OnceLock::new();
    let text = DOC.get_or_init(openapi_json_text).clone();
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        text,
    )
        .into_response()
}
