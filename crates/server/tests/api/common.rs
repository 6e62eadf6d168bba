//! A test server: the Monaco sample's engine (built once), a fresh store with two teams and a
//! user of every role, and a helper to call `app()`.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use feltkart_server::auth::{ApiRole, hash_password};
use feltkart_server::{AppState, Engine, ServerConfig};
use feltkart_store::{Actor, Store, StoreConfig, TeamId};
use http_body_util::BodyExt;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Monaco engine, built once per test binary.
pub fn engine() -> Arc<Engine> {
    static E: OnceLock<Arc<Engine>> = OnceLock::new();
    Arc::clone(E.get_or_init(|| {
        let tax = feltkart_osm::Taxonomy::builtin().unwrap();
        let atlas =
            feltkart_atlas::ingest(&root().join("data/osm/monaco.osm.pbf"), &tax, &|_| {}).unwrap();
        Arc::new(Engine::build(atlas, 0xa9eb_12e5, "monaco".into(), Vec::new(), 10).unwrap())
    }))
}

/// One password for every test user (hashing is the slow part of a login).
pub const PASSWORD: &str = "correct horse battery";

/// A test server and its users' tokens.
pub struct TestServer {
    pub state: AppState,
    pub dir: tempfile::TempDir,
    pub team_a: TeamId,
    pub team_b: TeamId,
}

fn hash() -> String {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| hash_password(PASSWORD).unwrap()).clone()
}

impl TestServer {
    /// A server with teams A and B and users `field-a`, `field-b`, `planner-a`, `leader`,
    /// `admin`.
    pub fn new() -> Self {
        Self::with(StoreConfig::default(), ServerConfig::default())
    }

    /// With settings.
    pub fn with(store: StoreConfig, mut config: ServerConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("feltkart.db");
        let mut s = Store::open(&db, store.clone()).unwrap();
        let team_a = s.create_team(Actor::System, "team-a", 74.0).unwrap();
        let team_b = s.create_team(Actor::System, "team-b", 74.0).unwrap();
        let h = hash();
        for (login, role, team) in [
            ("field-a", ApiRole::Field, Some(team_a)),
            ("field-b", ApiRole::Field, Some(team_b)),
            ("planner-a", ApiRole::Planner, Some(team_a)),
            ("leader", ApiRole::Leader, None),
            ("admin", ApiRole::Admin, None),
        ] {
            s.upsert_user(Actor::System, login, role.into(), team, &h)
                .unwrap();
        }
        drop(s);
        config.web_dir = root().join("web");
        let state = AppState::new(engine(), db, store, config).unwrap();
        Self {
            state,
            dir,
            team_a,
            team_b,
        }
    }

    /// Call the app; the JSON body (or the text as a JSON string).
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let body = body.map(|b| b.to_string());
        self.raw(method, uri, token, body.as_deref(), "application/json")
            .await
    }

    /// Call with a raw body and content type.
    pub async fn raw(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<&str>,
        content_type: &str,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, content_type);
        }
        let req = req
            .body(body.map_or_else(Body::empty, |b| Body::from(b.to_owned())))
            .unwrap();
        let resp = feltkart_server::app(self.state.clone())
            .oneshot(req)
            .await
            .unwrap();
        let status = resp.status();
        let is_json = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let value = if is_json {
            serde_json::from_slice(&bytes).unwrap()
        } else {
            Value::String(String::from_utf8_lossy(&bytes).into_owned())
        };
        (status, value)
    }

    /// Log in; the token.
    pub async fn login(&self, login: &str) -> String {
        let (s, v) = self
            .call(
                Method::POST,
                "/api/login",
                None,
                Some(serde_json::json!({"login": login, "password": PASSWORD})),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{login}: {v}");
        v["token"].as_str().unwrap().to_owned()
    }
}

/// Assert `v` is the API's error shape with a snake_case code.
pub fn assert_error_shape(v: &Value) {
    let code = v["error"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("not an error body: {v}"));
    assert!(
        !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
        "code {code}"
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{v}"
    );
}

/// A point on a Monaco street (Boulevard Albert 1er).
pub const MONACO: [f64; 2] = [7.4246, 43.7384];
/// A bbox around Monaco.
pub const BBOX: &str = "7.40,43.72,7.45,43.76";
