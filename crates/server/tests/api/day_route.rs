//! A planned day in the field: its GPX 1.1 with every stop as a waypoint, and "done" logging
//! its streets as the team's walk, counted in the team's outdoor time.

use crate::common::{MONACO, TestServer};
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

/// Plan a day of team A (two open searches near Monaco) on `date`; the plan's JSON.
async fn plan(t: &TestServer, p: &str, date: &str) -> Value {
    for (lon, lat) in [(7.4215, 43.7365), (7.4250, 43.7390)] {
        let (s, v) = t
            .call(
                Method::POST,
                "/api/revisits",
                Some(p),
                Some(json!({"lon": lon, "lat": lat, "mode": "search", "due": "2030-12-24"})),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
    }
    let (s, v) = t
        .call(
            Method::POST,
            "/api/plan/day",
            Some(p),
            Some(
                json!({"team": t.team_a.0, "date": date, "profile": "young-people",
                        "shift": {"start": "16:00", "end": "20:00", "from": MONACO, "to": MONACO}}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

#[tokio::test]
async fn day_route_gpx_has_every_stop_as_a_waypoint() {
    let t = TestServer::new();
    let p = t.login("planner-a").await;
    let v = plan(&t, &p, "2026-11-02").await;
    let id = v["id"].as_i64().unwrap();
    let stops = v["route"]["stops"].as_array().unwrap();
    assert_eq!(stops.len(), 2, "{v}");
    let f = t.login("field-a").await;
    let (s, gpx) = t
        .call(
            Method::GET,
            &format!("/api/plan/day/{id}.gpx"),
            Some(&f),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{gpx}");
    let gpx = gpx.as_str().unwrap();
    assert!(gpx.contains(r#"version="1.1""#), "{gpx}");
    assert!(gpx.contains("<trkpt"), "a track with points");
    for stop in stops {
        let name = format!("<name>Search rv{}</name>", stop["revisit"]);
        assert_eq!(gpx.matches(&name).count(), 1, "{name} in {gpx}");
    }
    // The first waypoint is at the first stop's arrival minute (UTC, +01:00 local; the track
    // times walking in fractions of a second, the plan in whole seconds).
    let at = stops[0]["arrive"].as_str().unwrap();
    let hour: u32 = at[11..13].parse().unwrap();
    let wpt = gpx.split("<wpt").nth(1).unwrap();
    assert!(
        wpt.contains(&format!("T{:02}{}", hour - 1, &at[13..16])),
        "{at} in {wpt}"
    );
    // Team B may not download it; garbage names are 400; an unknown plan 404.
    let b = t.login("field-b").await;
    let (s, _) = t
        .call(
            Method::GET,
            &format!("/api/plan/day/{id}.gpx"),
            Some(&b),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = t
        .call(Method::GET, "/api/plan/day/x.gpx", Some(&f), None)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = t
        .call(Method::GET, "/api/plan/day/99999.gpx", Some(&f), None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn done(t: &TestServer, token: &str, id: i64) -> (StatusCode, Value) {
    t.call(
        Method::POST,
        &format!("/api/plan/day/{id}/done"),
        Some(token),
        None,
    )
    .await
}

/// Team A's outdoor person-hours in November 2026.
async fn outdoor_hours(t: &TestServer, token: &str) -> f64 {
    let (s, c) = t
        .call(
            Method::GET,
            "/api/coverage/teams?from=2026-11-01&to=2026-11-30",
            Some(token),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{c}");
    c[0]["outdoor_hours"].as_f64().unwrap()
}

#[tokio::test]
async fn day_route_done_is_logged_as_the_teams_walk() {
    let t = TestServer::new();
    let p = t.login("planner-a").await;
    let v = plan(&t, &p, "2026-11-02").await;
    let id = v["id"].as_i64().unwrap();
    let travel_min = v["route"]["travel_s"].as_f64().unwrap() / 60.0;
    let f = t.login("field-a").await;
    let (s, w) = done(&t, &f, id).await;
    assert_eq!(s, StatusCode::CREATED, "{w}");
    assert!(w["cells"].as_u64().unwrap() > 0, "{w}");
    assert_eq!(w["start"], "2026-11-02T16:00:00");
    let minutes = w["minutes"].as_f64().unwrap();
    assert!(
        (minutes - travel_min).abs() < 0.5,
        "{minutes} vs {travel_min}"
    );
    // Person-hours: the pair is two walkers.
    let hours = outdoor_hours(&t, &p).await;
    assert!(
        (hours * 60.0 - 2.0 * minutes).abs() < 0.5,
        "{minutes} min: {hours} h"
    );
    // Once only: a second "done" is a 409 and the hours stay.
    let (s, e) = done(&t, &f, id).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    assert_eq!(outdoor_hours(&t, &p).await, hours);
    // Team B's field user may not; a planner may not log walks; a day still to come is 422.
    let b = t.login("field-b").await;
    assert_eq!(done(&t, &b, id).await.0, StatusCode::FORBIDDEN);
    assert_eq!(done(&t, &p, id).await.0, StatusCode::FORBIDDEN);
    let later = plan(&t, &p, "2030-12-01").await;
    let (s, e) = done(&t, &f, later["id"].as_i64().unwrap()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
}

/// A whole number written as a float (`4.0`, as JSON Schema's integer allows) is that integer.
#[tokio::test]
async fn integral_floats_are_integers() {
    let t = TestServer::new();
    let p = t.login("planner-a").await;
    let (s, v) = t
        .call(
            Method::POST,
            "/api/plan/walk",
            Some(&p),
            Some(
                json!({"profile": "young-people", "start": MONACO, "minutes": 20.0,
                        "at": "2026-12-01T19:00:00+01:00", "team": f64::from(t.team_a.0)}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (s, v) = t
        .call(
            Method::POST,
            "/api/plan/walk",
            Some(&p),
            Some(
                json!({"profile": "young-people", "start": MONACO, "minutes": 20.5,
                        "at": "2026-12-01T19:00:00+01:00"}),
            ),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
}
