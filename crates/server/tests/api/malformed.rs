//! Every malformed request gets a 4xx JSON error, never a 5xx or a dropped connection.

use crate::common::{BBOX, MONACO, TestServer, assert_error_shape};
use axum::http::{Method, StatusCode};
use feltkart_server::ServerConfig;
use feltkart_store::StoreConfig;
use serde_json::json;

/// Method, URI, token, body, content type, expected status.
type Case<'a> = (
    Method,
    String,
    Option<&'a str>,
    Option<String>,
    &'a str,
    StatusCode,
);

#[tokio::test]
async fn malformed_requests_are_4xx_json() {
    let t = TestServer::new();
    let p = t.login("planner-a").await;
    let f = t.login("field-a").await;
    let walk = "/api/plan/walk";
    let cases: Vec<Case<'_>> = vec![
        // Bad JSON.
        (
            Method::POST,
            walk.into(),
            Some(&p),
            Some("{\"profile\": ".into()),
            "application/json",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/api/login".into(),
            None,
            Some("not json".into()),
            "application/json",
            StatusCode::BAD_REQUEST,
        ),
        // Wrong types.
        (
            Method::POST,
            walk.into(),
            Some(&p),
            Some(json!({"profile": "young-people", "start": "here", "minutes": 20}).to_string()),
            "application/json",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            walk.into(),
            Some(&p),
            Some(json!({"profile": "young-people", "start": MONACO, "minutes": -5}).to_string()),
            "application/json",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/api/observations".into(),
            Some(&f),
            Some(json!({"lon": "7.4", "lat": 43.7, "sign": "litter"}).to_string()),
            "application/json",
            StatusCode::BAD_REQUEST,
        ),
        // Unknown fields.
        (
            Method::POST,
            walk.into(),
            Some(&p),
            Some(
                json!({"profile": "young-people", "start": MONACO, "minutes": 20, "name": "x"})
                    .to_string(),
            ),
            "application/json",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/api/observations".into(),
            Some(&f),
            Some(
                json!({"lon": 7.42, "lat": 43.73, "sign": "overfull_mailbox", "note": "free text"})
                    .to_string(),
            ),
            "application/json",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            format!("/api/cells?bbox={BBOX}&profile=young-people&colour=red"),
            Some(&p),
            None,
            "",
            StatusCode::BAD_REQUEST,
        ),
        // Out-of-range coordinates and values.
        (
            Method::POST,
            walk.into(),
            Some(&p),
            Some(
                json!({"profile": "young-people", "start": [200.0, 43.7], "minutes": 20})
                    .to_string(),
            ),
            "application/json",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            walk.into(),
            Some(&p),
            Some(
                json!({"profile": "young-people", "start": MONACO, "minutes": 100000}).to_string(),
            ),
            "application/json",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            walk.into(),
            Some(&p),
            Some(
                json!({"profile": "young-people", "start": [10.0, 55.0], "minutes": 20})
                    .to_string(),
            ),
            "application/json",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            Method::POST,
            "/api/observations".into(),
            Some(&f),
            Some(json!({"lon": 7.42, "lat": 95.0, "sign": "overfull_mailbox"}).to_string()),
            "application/json",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::POST,
            "/api/observations".into(),
            Some(&f),
            Some(json!({"lon": 7.42, "lat": 43.73, "sign": "a_name"}).to_string()),
            "application/json",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            "/api/cells?bbox=7.4,43.7,200,44&profile=young-people".into(),
            Some(&p),
            None,
            "",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            "/api/cells?bbox=7.45,43.7,7.40,43.8&profile=young-people".into(),
            Some(&p),
            None,
            "",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            "/api/cells?bbox=a,b,c,d&profile=young-people".into(),
            Some(&p),
            None,
            "",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            format!("/api/cells?bbox={BBOX}&profile=young-people&res=abc"),
            Some(&p),
            None,
            "",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            format!("/api/cells?bbox={BBOX}&profile=young-people&res=14"),
            Some(&p),
            None,
            "",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            format!("/api/cells?bbox={BBOX}&profile=nobody"),
            Some(&p),
            None,
            "",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            "/api/cells/zzz?profile=young-people".into(),
            Some(&p),
            None,
            "",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            "/api/revisits/-1".into(),
            Some(&f),
            None,
            "",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            "/api/coverage?from=2026-12-31&to=2026-01-01".into(),
            Some(&p),
            None,
            "",
            StatusCode::BAD_REQUEST,
        ),
        (
            Method::GET,
            "/api/basemap?bbox=7.4,43.7,7.5,43.8&layer=roads".into(),
            Some(&f),
            None,
            "",
            StatusCode::BAD_REQUEST,
        ),
        // Wrong content type, unknown route, wrong method.
        (
            Method::POST,
            walk.into(),
            Some(&p),
            Some("profile=x".into()),
            "application/x-www-form-urlencoded",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            Method::GET,
            "/api/nothing-here".into(),
            Some(&p),
            None,
            "",
            StatusCode::NOT_FOUND,
        ),
        (
            Method::DELETE,
            "/api/profiles".into(),
            Some(&p),
            None,
            "",
            StatusCode::METHOD_NOT_ALLOWED,
        ),
    ];
    for (m, uri, token, body, ct, want) in cases {
        let (s, v) = t.raw(m.clone(), &uri, token, body.as_deref(), ct).await;
        assert_eq!(s, want, "{m} {uri} {body:?}: {v}");
        assert_error_shape(&v);
    }
}

#[tokio::test]
async fn huge_body_is_413_json() {
    let t = TestServer::with(
        StoreConfig::default(),
        ServerConfig {
            body_limit: 64 * 1024,
            ..ServerConfig::default()
        },
    );
    let p = t.login("planner-a").await;
    let big = format!("{{\"profile\": \"{}\"}}", "x".repeat(200 * 1024));
    let (s, v) = t
        .raw(
            Method::POST,
            "/api/plan/walk",
            Some(&p),
            Some(&big),
            "application/json",
        )
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_error_shape(&v);
}

/// The viewer's files are served at `/` without auth (when web/ exists), and a missing file is a
/// 404 JSON error.
#[tokio::test]
async fn static_files_and_missing_files() {
    let t = TestServer::new();
    let (s, v) = t.call(Method::GET, "/no-such-file.js", None, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    assert_error_shape(&v);
}
