//! Role × endpoint → allowed or denied, for every endpoint of the OpenAPI document.

use crate::common::{BBOX, MONACO, TestServer, assert_error_shape};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::BTreeSet;

const F: u8 = 1; // field (team A)
const P: u8 = 2; // planner (team A)
const L: u8 = 4; // leader
const A: u8 = 8; // admin
const ALL: u8 = F | P | L | A;

struct Case {
    method: Method,
    /// The OpenAPI path template.
    template: &'static str,
    uri: String,
    body: Option<Value>,
    allowed: u8,
}

fn case(
    method: Method,
    template: &'static str,
    uri: String,
    body: Option<Value>,
    allowed: u8,
) -> Case {
    Case {
        method,
        template,
        uri,
        body,
        allowed,
    }
}

/// Every endpoint, with who may call it. `rev` is a revisit of team A, `plan` a walk plan made
/// for team A, `day_plan` a day plan of team A, `cell` a scored cell.
fn cases(rev: u64, (plan, day_plan): (i64, i64), cell: &str, team_a: u32) -> Vec<Case> {
    let walk = json!({"profile": "young-people", "start": MONACO, "minutes": 20,
                      "at": "2026-12-01T19:00:00+01:00", "team": team_a});
    let revisit = json!({"team": team_a, "lon": MONACO[0], "lat": MONACO[1], "mode": "search", "due": "2026-12-24"});
    let day = json!({"team": team_a, "date": "2026-12-01", "profile": "young-people",
                     "shift": {"start": "16:00", "end": "20:00", "from": MONACO, "to": MONACO}});
    use Method as M;
    vec![
        case(M::GET, "/api/health", "/api/health".into(), None, ALL),
        case(
            M::GET,
            "/api/openapi.json",
            "/api/openapi.json".into(),
            None,
            ALL,
        ),
        case(M::GET, "/api/me", "/api/me".into(), None, ALL),
        case(M::GET, "/api/codes", "/api/codes".into(), None, ALL),
        case(
            M::GET,
            "/api/basemap",
            format!("/api/basemap?bbox={BBOX}&layer=streets"),
            None,
            ALL,
        ),
        case(M::GET, "/api/profiles", "/api/profiles".into(), None, P | L),
        case(
            M::GET,
            "/api/cells",
            format!("/api/cells?bbox={BBOX}&profile=young-people&res=9"),
            None,
            P,
        ),
        case(
            M::GET,
            "/api/cells/{h3}",
            format!("/api/cells/{cell}?profile=young-people"),
            None,
            P,
        ),
        case(
            M::GET,
            "/api/districts",
            "/api/districts?profile=young-people&limit=3".into(),
            None,
            P,
        ),
        case(
            M::POST,
            "/api/plan/walk",
            "/api/plan/walk".into(),
            Some(walk),
            P,
        ),
        case(
            M::GET,
            "/api/plan/walk/{id}/{file}",
            format!("/api/plan/walk/{plan}/1.gpx"),
            None,
            P | F,
        ),
        case(
            M::POST,
            "/api/plan/day",
            "/api/plan/day".into(),
            Some(day),
            P,
        ),
        case(
            M::GET,
            "/api/teams/{team}/today",
            format!("/api/teams/{team_a}/today"),
            None,
            P | F,
        ),
        case(
            M::GET,
            "/api/plan/day/{file}",
            format!("/api/plan/day/{day_plan}.gpx"),
            None,
            P | F,
        ),
        case(
            M::POST,
            "/api/plan/day/{id}/done",
            format!("/api/plan/day/{day_plan}/done"),
            None,
            F,
        ),
        case(
            M::GET,
            "/api/rota",
            format!("/api/rota?team={team_a}&weeks=4&first_monday=2026-11-30"),
            None,
            P,
        ),
        case(
            M::GET,
            "/api/revisits",
            format!("/api/revisits?team={team_a}"),
            None,
            P | F,
        ),
        case(
            M::POST,
            "/api/revisits",
            "/api/revisits".into(),
            Some(revisit.clone()),
            P | F,
        ),
        case(
            M::GET,
            "/api/revisits/{id}",
            format!("/api/revisits/{rev}"),
            None,
            P | F,
        ),
        case(
            M::PUT,
            "/api/revisits/{id}",
            format!("/api/revisits/{rev}"),
            Some(revisit),
            P | F,
        ),
        case(
            M::POST,
            "/api/revisits/{id}/attempts",
            format!("/api/revisits/{rev}/attempts"),
            Some(json!({"at": "2026-12-01T18:00", "outcome": "no_answer"})),
            P | F,
        ),
        case(
            M::POST,
            "/api/walks",
            "/api/walks".into(),
            Some(json!("<gpx/>")),
            F,
        ),
        case(
            M::POST,
            "/api/walks/planned/{id}/done",
            format!("/api/walks/planned/{plan}/done"),
            None,
            F,
        ),
        case(
            M::POST,
            "/api/observations",
            "/api/observations".into(),
            Some(
                json!({"lon": MONACO[0], "lat": MONACO[1], "sign": "overfull_mailbox", "at": "2026-12-01T19:05"}),
            ),
            F,
        ),
        case(
            M::GET,
            "/api/observations/count",
            "/api/observations/count".into(),
            None,
            F,
        ),
        case(
            M::GET,
            "/api/coverage",
            "/api/coverage?from=2026-11-01&to=2026-12-31".into(),
            None,
            L | P,
        ),
        case(
            M::GET,
            "/api/coverage/teams",
            "/api/coverage/teams?from=2026-11-01&to=2026-12-31".into(),
            None,
            L | P,
        ),
        case(
            M::GET,
            "/api/gaps",
            format!(
                "/api/gaps?team={team_a}&from=2026-11-01&to=2026-12-31&slot=weekday_evening&profile=young-people"
            ),
            None,
            L | P,
        ),
        case(
            M::GET,
            "/api/admin/teams",
            "/api/admin/teams".into(),
            None,
            A,
        ),
        case(
            M::POST,
            "/api/admin/teams",
            "/api/admin/teams".into(),
            Some(json!({"code": "team-c", "hours_per_week": 37.0})),
            A,
        ),
        case(
            M::POST,
            "/api/admin/users",
            "/api/admin/users".into(),
            Some(
                json!({"login": "field-c", "role": "field", "team": team_a, "password": "long enough pw"}),
            ),
            A,
        ),
        case(
            M::DELETE,
            "/api/revisits/{id}",
            format!("/api/revisits/{rev}"),
            None,
            P | F,
        ),
        case(M::POST, "/api/logout", "/api/logout".into(), None, ALL),
    ]
}

async fn fixtures(t: &TestServer) -> (u64, (i64, i64), String) {
    let planner = t.login("planner-a").await;
    let (s, v) = t
        .call(
            Method::POST,
            "/api/revisits",
            Some(&planner),
            Some(json!({"team": t.team_a.0, "lon": MONACO[0], "lat": MONACO[1], "mode": "appointment",
                        "window_start": "2026-12-01T17:00", "window_end": "2026-12-01T18:00"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let rev = v["id"].as_u64().unwrap();
    let (s, v) = t
        .call(
            Method::POST,
            "/api/plan/walk",
            Some(&planner),
            Some(
                json!({"profile": "young-people", "start": MONACO, "minutes": 15,
                        "at": "2026-12-01T19:00:00+01:00", "team": t.team_a.0}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let plan = v["id"].as_i64().unwrap();
    let (s, v) = t
        .call(
            Method::POST,
            "/api/plan/day",
            Some(&planner),
            Some(
                json!({"team": t.team_a.0, "date": "2026-12-01", "profile": "young-people",
                        "shift": {"start": "16:00", "end": "20:00", "from": MONACO, "to": MONACO}}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let day_plan = v["id"].as_i64().unwrap();
    let p = t.state.engine().profile("young-people").unwrap();
    let cell = p.scores[0].cell.to_string();
    (rev, (plan, day_plan), cell)
}

/// Each role can do exactly what it should: denied is 403 with the JSON error, allowed is
/// anything else but 401/403 and 5xx (501 counts as allowed: GPX walk logging waits for map
/// matching); without a token everything but health, OpenAPI is 401.
#[tokio::test]
async fn role_by_endpoint() {
    let roles = [
        ("field-a", F),
        ("planner-a", P),
        ("leader", L),
        ("admin", A),
    ];
    let mut failures = Vec::new();
    for (login, bit) in roles {
        // A fresh server per role, so that writes (delete, logout) of one role do not change
        // what the next one sees.
        let t = TestServer::new();
        let (rev, plan, cell) = fixtures(&t).await;
        let token = t.login(login).await;
        for c in cases(rev, plan, &cell, t.team_a.0) {
            let (s, v) = t
                .call(c.method.clone(), &c.uri, Some(&token), c.body.clone())
                .await;
            let allowed = c.allowed & bit != 0;
            let ok = if allowed {
                s != StatusCode::FORBIDDEN
                    && s != StatusCode::UNAUTHORIZED
                    && (!s.is_server_error() || s == StatusCode::NOT_IMPLEMENTED)
            } else {
                s == StatusCode::FORBIDDEN
            };
            if !ok {
                failures.push(format!("{login} {} {}: {s} {v}", c.method, c.uri));
            }
            if s.is_client_error() {
                assert_error_shape(&v);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn no_token_is_401_except_public_endpoints() {
    let t = TestServer::new();
    for c in cases(1, (1, 1), "8a3969a40007fff", t.team_a.0) {
        let (s, v) = t.call(c.method.clone(), &c.uri, None, c.body.clone()).await;
        let public = matches!(c.template, "/api/health" | "/api/openapi.json");
        if public {
            assert_eq!(s, StatusCode::OK, "{}", c.uri);
        } else {
            assert_eq!(s, StatusCode::UNAUTHORIZED, "{} {}: {v}", c.method, c.uri);
            assert_error_shape(&v);
        }
    }
    let (s, v) = t
        .call(Method::GET, "/api/me", Some("not-a-token"), None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
}

/// The table covers every operation of the OpenAPI document (login is tested on its own).
#[tokio::test]
async fn table_covers_every_operation() {
    let doc: Value = serde_json::from_str(&feltkart_server::openapi::openapi_json_text()).unwrap();
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            if path != "/api/login" {
                documented.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let tested: BTreeSet<String> = cases(1, (1, 1), "x", 1)
        .iter()
        .map(|c| format!("{} {}", c.method, c.template))
        .collect();
    assert_eq!(documented, tested);
}

/// Failed logins are limited per account: the sixth try is refused even with the right
/// password, and the refusal is a 429 JSON error.
#[tokio::test]
async fn failed_logins_are_rate_limited() {
    let t = TestServer::new();
    for _ in 0..5 {
        let (s, v) = t
            .call(
                Method::POST,
                "/api/login",
                None,
                Some(json!({"login": "field-a", "password": "wrong"})),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{v}");
    }
    let (s, v) = t
        .call(
            Method::POST,
            "/api/login",
            None,
            Some(json!({"login": "field-a", "password": crate::common::PASSWORD})),
        )
        .await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{v}");
    assert_error_shape(&v);
    // Another account is not locked.
    t.login("field-b").await;
}

/// Logout ends the token.
#[tokio::test]
async fn logout_ends_the_session() {
    let t = TestServer::new();
    let tok = t.login("leader").await;
    let (s, v) = t.call(Method::GET, "/api/me", Some(&tok), None).await;
    assert_eq!((s, v["role"].as_str()), (StatusCode::OK, Some("leader")));
    let (s, _) = t.call(Method::POST, "/api/logout", Some(&tok), None).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _) = t.call(Method::GET, "/api/me", Some(&tok), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}
