//! The OpenAPI 3.1 description, generated from the routes' annotations.

use crate::routes::{admin, coverage, day, day_walk, field, map, meta, revisits, session, walk};
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
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail, crate::routes::map::BasemapLayer)),
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
        .routes(routes!(day_walk::day_gpx))
        .routes(routes!(day_walk::day_done))
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

/// The OpenAPI document, pretty JSON (what `docs/openapi.json` holds). Every operation also
/// documents the JSON error as its `default` response, and every `profile` parameter or field
/// lists the shipped profile keys.
#[must_use]
pub fn openapi_json_text() -> String {
    let (_, api) = api_router().split_for_parts();
    let mut doc = match serde_json::to_value(&api) {
        Ok(v) => v,
        Err(e) => return format!("{{\"error\":\"{e}\"}}"),
    };
    let profiles: Vec<String> = feltkart_osm::Taxonomy::builtin()
        .ok()
        .and_then(|t| feltkart_cells::Profile::builtin(&t).ok())
        .map(|ps| ps.into_iter().map(|p| p.id).collect())
        .unwrap_or_default();
    finish(&mut doc, &profiles);
    serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// Add the `default` error response to every operation and the profile keys as an enum.
fn finish(doc: &mut serde_json::Value, profiles: &[String]) {
    use serde_json::{Value, json};
    let default = json!({"description": "An error: {\"error\":{\"code\",\"message\"}}",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}});
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for op in item.values_mut().filter_map(Value::as_object_mut) {
                if let Some(r) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    r.entry("default").or_insert_with(|| default.clone());
                }
            }
        }
    }
    walk_profiles(doc, profiles);
}

fn walk_profiles(v: &mut serde_json::Value, profiles: &[String]) {
    use serde_json::{Value, json};
    match v {
        Value::Object(o) => {
            if o.get("name").and_then(Value::as_str) == Some("profile")
                && let Some(schema) = o.get_mut("schema").and_then(Value::as_object_mut)
            {
                schema.insert("enum".into(), json!(profiles));
            }
            if let Some(p) = o
                .get_mut("properties")
                .and_then(Value::as_object_mut)
                .and_then(|props| props.get_mut("profile"))
                .and_then(Value::as_object_mut)
            {
                p.insert("enum".into(), json!(profiles));
            }
            for x in o.values_mut() {
                walk_profiles(x, profiles);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|x| walk_profiles(x, profiles)),
        _ => {}
    }
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
