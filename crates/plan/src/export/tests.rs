//! Exports of a real route (Monaco): GPX 1.1 that re-reads with the `gpx` parser, GeoJSON legs
//! that add up, a walk sheet with street names and times.

use super::*;
use chrono::NaiveDate;
use petgraph::graph::NodeIndex;

fn monaco() -> WalkGraph {
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/osm/monaco.osm.pbf");
    let tax = feltkart_osm::Taxonomy::builtin().unwrap();
    let x = feltkart_osm::read_extract(&path, &tax, &|_| {}).unwrap();
    feltkart_graph::build(&x, feltkart_graph::BuildOptions::default())
}

#[test]
fn a_real_route_exports_to_gpx_geojson_and_a_walk_sheet() {
    let g = monaco();
    let adj = g.adjacency();
    let (s, t) = (NodeIndex::new(0), NodeIndex::new(g.graph.node_count() / 2));
    let path = adj
        .distances(&[(s, 0.0)], None)
        .path_to(&g.graph, t)
        .unwrap();
    assert!(path.edges.len() > 10);
    let times: Vec<f64> = g.graph.edge_weights().map(|e| e.length_m / 1.25).collect();
    let start = NaiveDate::from_ymd_opt(2026, 12, 1)
        .unwrap()
        .and_hms_opt(19, 0, 0)
        .unwrap();
    let stops = [StopAt {
        position: 5,
        dwell_s: 600.0,
        name: "Stop 1: square".into(),
        kind: "dwell".into(),
    }];
    let offset = FixedOffset::east_opt(3600).unwrap();
    let route = timed_route(
        &g,
        &RouteInput {
            nodes: &path.nodes,
            edges: &path.edges,
            edge_time_s: &times,
            start,
            stops: &stops,
            title: "Test walk",
            utc_offset: offset,
        },
    );

    // Legs add up to the path; times never go back; the stop adds its dwell.
    let metres: f64 = path.edges.iter().map(|&e| g.graph[e].length_m).sum();
    assert!((route.metres() - metres).abs() < 1e-6);
    assert!(route.points.windows(2).all(|w| w[0].time <= w[1].time));
    let walked_s = metres / 1.25 + 600.0;
    let took = (route.points.last().unwrap().time - start).num_milliseconds() as f64 / 1000.0;
    assert!(
        (took - walked_s).abs() < 0.01 * path.edges.len() as f64,
        "{took} vs {walked_s}"
    );
    assert_eq!(route.stops.len(), 1);
    assert_eq!(
        (route.stops[0].depart - route.stops[0].arrive).num_seconds(),
        600
    );
    // Every leg's first point is where the previous leg ended (a connected line).
    for w in route.legs.windows(2) {
        assert_eq!(w[0].points.1, w[1].points.0);
    }

    // GPX 1.1 re-reads with a GPX parser: one track, every point timed in UTC, the stop a waypoint.
    let text = to_gpx(&route).unwrap();
    assert!(
        text.contains("version=\"1.1\"") && text.contains("http://www.topografix.com/GPX/1/1"),
        "{}",
        &text[..300]
    );
    let doc = gpx::read(text.as_bytes()).unwrap();
    assert_eq!(doc.version, gpx::GpxVersion::Gpx11);
    assert_eq!(doc.tracks.len(), 1);
    let pts = &doc.tracks[0].segments[0].points;
    assert_eq!(pts.len(), route.points.len());
    let first: time::OffsetDateTime = pts[0].time.unwrap().into();
    assert_eq!(
        first.unix_timestamp(),
        start.and_utc().timestamp() - 3600,
        "GPX times are UTC"
    );
    assert!(
        doc.metadata
            .as_ref()
            .and_then(|m| m.description.as_deref())
            .is_some_and(|d| d.contains(ATTRIBUTION))
    );
    assert_eq!(doc.waypoints.len(), 1);
    assert_eq!(doc.waypoints[0].name.as_deref(), Some("Stop 1: square"));
    let p0 = pts[0].point();
    assert!(
        (p0.x() - route.points[0].at.lon).abs() < 1e-9
            && (p0.y() - route.points[0].at.lat).abs() < 1e-9
    );

    // GeoJSON: legs as LineStrings in order, the stop as a Point, the attribution.
    let fc = to_geojson(&route);
    let json: serde_json::Value = serde_json::from_str(&fc.to_string()).unwrap();
    assert_eq!(json["attribution"], ATTRIBUTION);
    let feats = json["features"].as_array().unwrap();
    assert_eq!(feats.len(), route.legs.len() + 1);
    let leg_m: f64 = feats
        .iter()
        .filter(|f| f["properties"]["kind"] == "leg")
        .map(|f| f["properties"]["metres"].as_f64().unwrap())
        .sum();
    assert!((leg_m - metres).abs() < 0.1 * route.legs.len() as f64);
    assert!(feats.iter().any(|f| f["geometry"]["type"] == "Point"));

    // Walk sheet: every named street of the route, with a time, and the stop.
    let sheet = walk_sheet(&route);
    for l in &route.legs {
        if let Some(street) = &l.street {
            assert!(
                sheet.contains(street.as_str()),
                "{street} missing from\n{sheet}"
            );
        }
    }
    assert!(
        sheet.contains("19:00") && sheet.contains("stop: Stop 1: square"),
        "{sheet}"
    );
}
