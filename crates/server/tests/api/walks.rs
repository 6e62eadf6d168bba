//! Planning through the API gives what the library gives: walks within budget, GPX downloads,
//! explanations that sum to the score, cells inside the bbox.

use crate::common::{BBOX, MONACO, TestServer};
use axum::http::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn plan_walk_and_download_gpx() {
    let t = TestServer::new();
    let p = t.login("planner-a").await;
    let (s, v) = t
        .call(
            Method::POST,
            "/api/plan/walk",
            Some(&p),
            Some(
                json!({"profile": "young-people", "start": MONACO, "minutes": 30, "pairs": 2,
                        "at": "2026-12-01T19:00:00+01:00", "team": t.team_a.0}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let routes = v["routes"].as_array().unwrap();
    assert_eq!(routes.len(), 2);
    for r in routes {
        let minutes = r["minutes"].as_f64().unwrap();
        assert!(minutes > 0.0 && minutes <= 30.0 + 1e-6, "{minutes}");
        assert!(r["length_m"].as_f64().unwrap() > 100.0);
        assert!(!r["sheet"].as_array().unwrap().is_empty());
        assert_eq!(r["geojson"]["type"], "FeatureCollection");
    }
    let id = v["id"].as_i64().unwrap();
    let (s, gpx) = t
        .call(
            Method::GET,
            &format!("/api/plan/walk/{id}/2.gpx"),
            Some(&p),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let gpx = gpx.as_str().unwrap();
    assert!(gpx.contains("<gpx") && gpx.contains("<trkpt"), "{gpx}");
    // A field user of team A may download it; team B's may not; walk 3 does not exist.
    let fa = t.login("field-a").await;
    let fb = t.login("field-b").await;
    let uri = format!("/api/plan/walk/{id}/1.gpx");
    assert_eq!(
        t.call(Method::GET, &uri, Some(&fa), None).await.0,
        StatusCode::OK
    );
    assert_eq!(
        t.call(Method::GET, &uri, Some(&fb), None).await.0,
        StatusCode::FORBIDDEN
    );
    let uri = format!("/api/plan/walk/{id}/3.gpx");
    assert_eq!(
        t.call(Method::GET, &uri, Some(&p), None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn cells_explanations_and_districts() {
    let t = TestServer::new();
    let p = t.login("planner-a").await;
    let bbox = [7.415, 43.725, 7.43, 43.74];
    let (s, v) = t
        .call(
            Method::GET,
            &format!(
                "/api/cells?bbox={},{},{},{}&profile=young-people",
                bbox[0], bbox[1], bbox[2], bbox[3]
            ),
            Some(&p),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let features = v["features"].as_array().unwrap();
    assert!(!features.is_empty());
    let engine = t.state.engine();
    let prof = engine.profile("young-people").unwrap();
    // Exactly the cells whose centre is in the bbox.
    let want = prof
        .scores
        .iter()
        .filter(|s| {
            let ll = h3o::LatLng::from(s.cell);
            ll.lng() >= bbox[0] && ll.lng() <= bbox[2] && ll.lat() >= bbox[1] && ll.lat() <= bbox[3]
        })
        .count();
    assert_eq!(features.len(), want);
    let h3 = features[0]["properties"]["h3"].as_str().unwrap();
    let score = features[0]["properties"]["score"].as_f64().unwrap();
    let (s, e) = t
        .call(
            Method::GET,
            &format!("/api/cells/{h3}?profile=young-people"),
            Some(&p),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{e}");
    let sum: f64 = e["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["points"].as_f64().unwrap())
        .sum();
    assert!((sum - score).abs() < 0.1, "{sum} vs {score}");
    // Coarser resolutions are fewer cells.
    let (_, r8) = t
        .call(
            Method::GET,
            &format!("/api/cells?bbox={BBOX}&profile=young-people&res=8"),
            Some(&p),
            None,
        )
        .await;
    let (_, r10) = t
        .call(
            Method::GET,
            &format!("/api/cells?bbox={BBOX}&profile=young-people"),
            Some(&p),
            None,
        )
        .await;
    assert!(r8["features"].as_array().unwrap().len() < r10["features"].as_array().unwrap().len());
    let (s, d) = t
        .call(
            Method::GET,
            "/api/districts?profile=young-people&limit=2&geometry=true",
            Some(&p),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let d = d.as_array().unwrap();
    assert_eq!(d.len(), 2);
    assert_eq!(d[0]["rank"], 1);
    assert!(d[0]["score"].as_f64().unwrap() >= d[1]["score"].as_f64().unwrap());
    assert_eq!(d[0]["geometry"]["type"], "MultiPolygon");
}

/// A day route through the API serves a team's open appointment inside the shift.
#[tokio::test]
async fn plan_day_serves_open_revisits() {
    let t = TestServer::new();
    let p = t.login("planner-a").await;
    let (s, v) = t
        .call(
            Method::POST,
            "/api/revisits",
            Some(&p),
            Some(json!({"lon": 7.4215, "lat": 43.7365, "mode": "appointment",
                        "window_start": "2030-12-01T17:00", "window_end": "2030-12-01T18:00"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let id = v["id"].as_u64().unwrap();
    let (s, v) = t
        .call(
            Method::POST,
            "/api/plan/day",
            Some(&p),
            Some(
                json!({"team": t.team_a.0, "date": "2030-12-01", "profile": "young-people",
                        "shift": {"start": "16:00", "end": "20:00", "from": MONACO, "to": MONACO}}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let stops = v["route"]["stops"].as_array().unwrap();
    assert_eq!(stops.len(), 1, "{v}");
    assert_eq!(stops[0]["revisit"].as_u64(), Some(id));
    let start = stops[0]["start"].as_str().unwrap();
    assert!(
        ("2030-12-01T17:00:00"..="2030-12-01T18:00:00").contains(&start),
        "{start}"
    );
    let (s, r) = t
        .call(
            Method::GET,
            "/api/rota?weeks=4&format=csv&first_monday=2030-12-02",
            Some(&p),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
}
