//! Team isolation, the leader's privacy threshold, and the audit of field data.

use crate::common::{MONACO, TestServer, assert_error_shape};
use axum::http::{Method, StatusCode};
use feltkart_model::{DayPart, TimeSlot};
use feltkart_store::{Actor, CellSlotWalk, Store, StoreConfig, WalkLog};
use serde_json::json;

/// A field user of team B cannot list, read, change or attempt team A's revisits.
#[tokio::test]
async fn field_user_of_team_b_cannot_touch_team_a_revisits() {
    let t = TestServer::new();
    let a = t.login("field-a").await;
    let b = t.login("field-b").await;
    let (s, v) = t
        .call(
            Method::POST,
            "/api/revisits",
            Some(&a),
            Some(
                json!({"lon": MONACO[0], "lat": MONACO[1], "mode": "search", "due": "2026-12-24"}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_u64().unwrap();
    let (s, v) = t.call(Method::GET, "/api/revisits", Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 1);
    let ta = t.team_a.0;
    for (m, uri, body) in [
        (Method::GET, format!("/api/revisits?team={ta}"), None),
        (Method::GET, format!("/api/revisits/{id}"), None),
        (
            Method::PUT,
            format!("/api/revisits/{id}"),
            Some(
                json!({"lon": MONACO[0], "lat": MONACO[1], "mode": "search", "due": "2026-12-25"}),
            ),
        ),
        (Method::DELETE, format!("/api/revisits/{id}"), None),
        (
            Method::POST,
            format!("/api/revisits/{id}/attempts"),
            Some(json!({"at": "2026-12-01T18:00", "outcome": "no_answer"})),
        ),
        (
            Method::POST,
            "/api/revisits".into(),
            Some(
                json!({"team": ta, "lon": MONACO[0], "lat": MONACO[1], "mode": "search", "due": "2026-12-24"}),
            ),
        ),
        (
            Method::GET,
            format!("/api/observations/count?team={ta}"),
            None,
        ),
        (Method::GET, format!("/api/teams/{ta}/today"), None),
    ] {
        let (s, v) = t.call(m.clone(), &uri, Some(&b), body).await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{m} {uri}: {v}");
        assert_error_shape(&v);
    }
    // Team B's own list is empty: A's revisit is not in it.
    let (s, v) = t.call(Method::GET, "/api/revisits", Some(&b), None).await;
    assert_eq!((s, v.as_array().map(Vec::len)), (StatusCode::OK, Some(0)));
    // The revisit is intact.
    let (s, v) = t
        .call(Method::GET, &format!("/api/revisits/{id}"), Some(&a), None)
        .await;
    assert_eq!((s, v["due"].as_str()), (StatusCode::OK, Some("2026-12-24")));
}

fn cell_at(lon: f64, lat: f64) -> h3o::CellIndex {
    h3o::LatLng::new(lat, lon)
        .unwrap()
        .to_cell(h3o::Resolution::Ten)
}

/// Walks put 1 to 7 visits on cells; the leader's coverage never shows an area with fewer than
/// k = 5 visits, small cells are merged upwards or hidden, and the read is audited.
#[tokio::test]
async fn leader_never_receives_a_cell_below_the_threshold() {
    let t = TestServer::new();
    let k = StoreConfig::default().k_anonymity;
    let slot = TimeSlot {
        day_part: DayPart::Evening,
        weekend: false,
    };
    let base = cell_at(MONACO[0], MONACO[1]);
    // A ring of cells with 1..=7 visits each, one walk per visit.
    let cells: Vec<h3o::CellIndex> = base.grid_disk::<Vec<_>>(2);
    let mut store = Store::open(t.dir.path().join("feltkart.db"), StoreConfig::default()).unwrap();
    for (i, c) in cells.iter().enumerate() {
        let visits = 1 + i % 7;
        for _ in 0..visits {
            store
                .log_walk(
                    Actor::System,
                    &WalkLog {
                        team: t.team_a,
                        date: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
                        walkers: 2,
                        cells: vec![CellSlotWalk {
                            cell: u64::from(*c),
                            slot,
                            minutes: 3.0,
                            metres: 200.0,
                        }],
                    },
                )
                .unwrap();
        }
    }
    let leader = t.login("leader").await;
    for slot_q in [
        "",
        "&slot=evening",
        "&slot=weekday_evening",
        "&slot=morning",
    ] {
        let (s, v) = t
            .call(
                Method::GET,
                &format!("/api/coverage?from=2026-11-01&to=2026-12-31{slot_q}"),
                Some(&leader),
                None,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let features = v["features"].as_array().unwrap();
        for f in features {
            let visits = f["properties"]["visits"].as_u64().unwrap();
            assert!(
                visits >= u64::from(k),
                "an area with {visits} visits < k = {k}: {f}"
            );
        }
        if slot_q.is_empty() {
            // Cells with ≥ k visits are shown as themselves; the small ones are not.
            let shown: Vec<&str> = features
                .iter()
                .filter_map(|f| f["properties"]["h3"].as_str())
                .collect();
            for (i, c) in cells.iter().enumerate() {
                let visits = 1 + i % 7;
                let name = c.to_string();
                assert_eq!(
                    shown.contains(&name.as_str()),
                    visits >= k as usize,
                    "cell {name} with {visits} visits"
                );
            }
            let total: u64 = features
                .iter()
                .map(|f| f["properties"]["visits"].as_u64().unwrap())
                .sum();
            let all: usize = (0..cells.len()).map(|i| 1 + i % 7).sum();
            assert!(total <= all as u64);
        }
        if slot_q == "&slot=morning" {
            assert!(features.is_empty(), "no morning walks: {v}");
        }
    }
    let audit = store.audit_log(5).unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == feltkart_store::Action::Read
                && e.object_kind == feltkart_store::ObjectKind::Coverage),
        "{audit:?}"
    );
}

/// Every read and write of revisits and observations through the API is in the audit log.
#[tokio::test]
async fn field_data_reads_and_writes_are_audited() {
    let t = TestServer::new();
    let a = t.login("field-a").await;
    let (s, v) = t
        .call(
            Method::POST,
            "/api/observations",
            Some(&a),
            Some(json!({"lon": MONACO[0], "lat": MONACO[1], "sign": "overfull_mailbox", "at": "2026-12-01T19:05"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(
        v["cell"].as_str(),
        Some(cell_at(MONACO[0], MONACO[1]).to_string().as_str())
    );
    let (s, v) = t
        .call(Method::GET, "/api/observations/count", Some(&a), None)
        .await;
    assert_eq!((s, v["count"].as_u64()), (StatusCode::OK, Some(1)));
    let (_, v) = t
        .call(
            Method::POST,
            "/api/revisits",
            Some(&a),
            Some(
                json!({"lon": MONACO[0], "lat": MONACO[1], "mode": "search", "due": "2026-12-24"}),
            ),
        )
        .await;
    let id = v["id"].as_u64().unwrap();
    t.call(Method::GET, &format!("/api/revisits/{id}"), Some(&a), None)
        .await;
    t.call(Method::GET, "/api/revisits", Some(&a), None).await;
    let (s, v) = t
        .call(
            Method::POST,
            &format!("/api/revisits/{id}/attempts"),
            Some(&a),
            Some(json!({"at": "2026-12-01T18:00", "outcome": "contact"})),
        )
        .await;
    assert_eq!(
        (s, v["closed"].as_bool()),
        (StatusCode::CREATED, Some(true)),
        "{v}"
    );
    let store = Store::open(t.dir.path().join("feltkart.db"), StoreConfig::default()).unwrap();
    let log = store.audit_log(50).unwrap();
    let user = store.user_by_login("field-a").unwrap().unwrap().id;
    let mine: Vec<_> = log
        .iter()
        .filter(|e| e.actor == Actor::User(user))
        .map(|e| (e.action.as_str(), e.object_kind.as_str()))
        .collect();
    for want in [
        ("create", "observation_batch"),
        ("read", "observation_batch"),
        ("create", "revisit"),
        ("read", "revisit"),
        ("create", "attempt"),
    ] {
        assert!(mine.contains(&want), "{want:?} not in {mine:?}");
    }
    assert!(mine.iter().filter(|e| **e == ("read", "revisit")).count() >= 2);
}
