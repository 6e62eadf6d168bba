//! The committed `docs/openapi.json` is the document the code generates (CI fails when a route
//! changes without it). `UPDATE_OPENAPI=1 cargo test -p feltkart-server --test api openapi`
//! rewrites it.

use crate::common::{TestServer, root};
use axum::http::{Method, StatusCode};

#[tokio::test]
async fn committed_openapi_matches_the_code() {
    let generated = feltkart_server::openapi::openapi_json_text();
    let path = root().join("docs/openapi.json");
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("{generated}\n")).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed.trim_end() == generated.trim_end(),
        "docs/openapi.json differs from the generated document: run UPDATE_OPENAPI=1 cargo test -p feltkart-server --test api openapi"
    );
    let doc: serde_json::Value = serde_json::from_str(&generated).unwrap();
    assert_eq!(doc["openapi"].as_str(), Some("3.1.0"));
    let t = TestServer::new();
    let (s, served) = t.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(served, doc);
}
