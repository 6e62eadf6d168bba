//! `feltkart score` and `feltkart districts` through the real binary: the GeoJSON is RFC 7946
//! (closed counter-clockwise lon/lat rings, attribution), every score is the sum of its points,
//! the CSV has a row per cell, and bad arguments get one clear line.

use crate::common::{self, ingest_monaco, run};
use serde_json::Value;

/// Twice the signed area of a ring (positive: counter-clockwise in lon/lat).
fn signed_area2(ring: &[Value]) -> f64 {
    ring.windows(2)
        .map(|w| {
            let (a, b) = (&w[0], &w[1]);
            a[0].as_f64().unwrap() * b[1].as_f64().unwrap()
                - b[0].as_f64().unwrap() * a[1].as_f64().unwrap()
        })
        .sum()
}

fn check_ring(ring: &[Value]) {
    assert!(ring.len() >= 4);
    assert_eq!(ring.first(), ring.last(), "ring closed");
    for p in ring {
        let (lon, lat) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
        assert!(
            (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat),
            "lon/lat order"
        );
    }
    assert!(
        signed_area2(ring) > 0.0,
        "exterior ring counter-clockwise (RFC 7946)"
    );
}

#[test]
fn score_and_districts_write_valid_geojson_and_csv() {
    let dir = tempfile::tempdir().unwrap();
    let atlas = ingest_monaco(dir.path());
    let atlas_s = atlas.to_str().unwrap();
    let out = dir.path().to_str().unwrap();

    let o = run(&[
        "score",
        "--atlas",
        atlas_s,
        "--profile",
        "young-people",
        "-o",
        out,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let geo: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("cells-young-people.geojson")).unwrap(),
    )
    .unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    assert_eq!(geo["attribution"], "© OpenStreetMap contributors");
    assert_eq!(geo["profile"], "young-people");
    let features = geo["features"].as_array().unwrap();
    assert!(features.len() > 100, "monaco has hundreds of housing cells");
    let mut cells = Vec::new();
    for f in features {
        assert_eq!(f["geometry"]["type"], "Polygon");
        check_ring(f["geometry"]["coordinates"][0].as_array().unwrap());
        let p = &f["properties"];
        let score = p["score"].as_f64().unwrap();
        assert!((0.0..=100.0).contains(&score));
        let parts: f64 = p["parts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["points"].as_f64().unwrap())
            .sum();
        let questions: f64 = p["questions"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_f64().unwrap())
            .sum();
        // Rounded to 0.01 each: a few rounding steps of slack.
        assert!(
            (parts - score).abs() < 0.05 + 0.005 * p["parts"].as_array().unwrap().len() as f64,
            "{p}"
        );
        assert!((questions - score).abs() < 0.05, "{p}");
        cells.push(p["cell"].as_str().unwrap().to_owned());
    }
    let mut sorted = cells.clone();
    sorted.sort();
    assert_eq!(
        cells, sorted,
        "cells sorted by index (deterministic output)"
    );

    let csv_text = std::fs::read_to_string(dir.path().join("cells-young-people.csv")).unwrap();
    let mut rd = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(rd.headers().unwrap().get(0), Some("cell"));
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), features.len());
    assert_eq!(rows[0].get(0), Some(cells[0].as_str()));

    let o = run(&[
        "districts",
        "--atlas",
        atlas_s,
        "--profile",
        "marginalised-adults",
        "-o",
        out,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("rank  score"), "{stdout}");
    let geo: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("districts-marginalised-adults.geojson")).unwrap(),
    )
    .unwrap();
    let ds = geo["features"].as_array().unwrap();
    assert!(!ds.is_empty());
    let mut last = f64::INFINITY;
    for (i, d) in ds.iter().enumerate() {
        let p = &d["properties"];
        assert_eq!(p["rank"].as_u64(), Some(i as u64 + 1));
        let s = p["score"].as_f64().unwrap();
        assert!(s <= last + 1e-9, "ranked by score");
        last = s;
        assert_eq!(d["geometry"]["type"], "MultiPolygon");
        for poly in d["geometry"]["coordinates"].as_array().unwrap() {
            check_ring(poly[0].as_array().unwrap());
        }
        assert!(p["top_features"].as_array().unwrap().len() <= 5);
    }
    let cells_total: u64 = ds
        .iter()
        .map(|d| d["properties"]["cells"].as_u64().unwrap())
        .sum();
    assert_eq!(
        cells_total as usize,
        features.len(),
        "every scored cell is in exactly one district"
    );
}

#[test]
fn unknown_profile_and_missing_atlas_get_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&[
        "score",
        "--atlas",
        dir.path().join("none.atlas").to_str().unwrap(),
        "--profile",
        "young-people",
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("none.atlas"), "{err}");

    let atlas = dir.path().join("k.atlas");
    let o = run(&[
        "ingest",
        common::shared_osm("kotka-karhula.osm.pbf")
            .to_str()
            .unwrap(),
        "-o",
        atlas.to_str().unwrap(),
        "-q",
    ]);
    assert!(o.status.success());
    let o = run(&[
        "districts",
        "--atlas",
        atlas.to_str().unwrap(),
        "--profile",
        "teenagers",
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("unknown profile `teenagers`") && err.contains("young-people"),
        "{err}"
    );
}

#[test]
fn every_residential_building_centroid_falls_in_a_valid_scored_cell() {
    use feltkart_cells::h3o::LatLng;
    use geo::{Distance, Intersects, Point, Polygon, Validation};
    use std::collections::BTreeSet;
    for name in ["monaco.osm.pbf", "liechtenstein.osm.pbf"] {
        let x = common::read(&common::shared_osm(name));
        let g = feltkart_graph::build(&x, feltkart_graph::BuildOptions::default());
        let tax = feltkart_osm::Taxonomy::builtin().unwrap();
        let table = feltkart_cells::cell_features(
            &x,
            &g,
            &tax,
            &feltkart_cells::HousingConfig::builtin().unwrap(),
            &feltkart_cells::CellOptions::default(),
        )
        .unwrap();
        let profile = feltkart_cells::Profile::builtin(&tax).unwrap().remove(0);
        let scores = feltkart_cells::score_cells(&table, &profile).unwrap();
        let scored: BTreeSet<_> = scores.iter().map(|s| s.cell).collect();
        let res = feltkart_cells::h3o::Resolution::try_from(table.resolution).unwrap();
        let mut buildings = 0;
        for h in x
            .housing
            .iter()
            .filter(|h| matches!(h.kind, feltkart_model::HousingKind::Building(_)))
        {
            let cell = LatLng::new(h.at.lat, h.at.lon).unwrap().to_cell(res);
            assert!(
                scored.contains(&cell),
                "{name}: building {} at {:?} is in no scored cell",
                h.osm,
                h.at
            );
            let ring: Vec<(f64, f64)> = feltkart_cells::output::cell_ring(cell)
                .iter()
                .map(|p| (p.as_slice()[0], p.as_slice()[1]))
                .collect();
            let hexagon = Polygon::new(ring.into(), vec![]);
            assert!(
                hexagon.is_valid(),
                "{name}: cell {cell} polygon is not valid"
            );
            // The hexagon is drawn with straight lon/lat edges at 1e-7 degree precision; H3's own
            // edges are great-circle arcs. A centroid may sit outside the drawn hexagon by that
            // much, never more (1e-7 degrees is about a centimetre).
            let pt = Point::new(h.at.lon, h.at.lat);
            let gap = geo::Euclidean.distance(&pt, &hexagon);
            assert!(
                hexagon.intersects(&pt) || gap < 2e-7,
                "{name}: {} is {gap:e} degrees outside its cell's polygon",
                h.osm
            );
            buildings += 1;
        }
        assert!(buildings > 100, "{name}: {buildings} buildings checked");
    }
}

#[test]
fn indicators_import_feeds_scores_and_bad_csv_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let atlas = ingest_monaco(dir.path());
    let atlas_s = atlas.to_str().unwrap();
    let out = dir.path().to_str().unwrap();

    // A statistics table by point (lon, lat): two areas of Monaco with different rates.
    let csv_path = dir.path().join("rates.csv");
    std::fs::write(
        &csv_path,
        "lon,lat,rate\n7.4200,43.7330,12.5\n7.4250,43.7390,3.0\n",
    )
    .unwrap();
    let o = run(&[
        "indicators",
        "import",
        csv_path.to_str().unwrap(),
        "--atlas",
        atlas_s,
        "--name",
        "unemployment_rate",
        "--source",
        "Test statistics",
        "--year",
        "2024",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let layers_file = dir.path().join("monaco.indicators.json");
    assert!(layers_file.exists());
    let before = std::fs::read(&layers_file).unwrap();

    // A profile that weights the layer: its cells' explanations name it.
    let profile = std::fs::read_to_string(common::root().join("data/profiles/young-people.toml"))
        .unwrap()
        .replace(
            "street_access = 0.2\n",
            "street_access = 0.2\nunemployment_rate = 0.5\n",
        );
    let profile_path = dir.path().join("with-rate.toml");
    std::fs::write(&profile_path, profile).unwrap();
    let o = run(&[
        "score",
        "--atlas",
        atlas_s,
        "--profile",
        profile_path.to_str().unwrap(),
        "-o",
        out,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("imported indicator layers: unemployment_rate"),
        "{stdout}"
    );
    let csv_out = std::fs::read_to_string(dir.path().join("cells-young-people.csv")).unwrap();
    assert!(
        csv_out.contains("from unemployment_rate (Test statistics, 2024"),
        "layer named in explanations"
    );

    let import_other = |file: &std::path::Path| {
        run(&[
            "indicators",
            "import",
            file.to_str().unwrap(),
            "--atlas",
            atlas_s,
            "--name",
            "other",
            "--source",
            "x",
            "--year",
            "2024",
        ])
    };
    // Bad input: a non-numeric value in row 3 is refused with file, row and column; nothing written.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "lon,lat,rate\n7.4200,43.7330,12.5\n7.4250,43.7390,many\n",
    )
    .unwrap();
    let o = import_other(&bad);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("bad.csv") && err.contains("row 3") && err.contains("rate"),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&layers_file).unwrap(),
        before,
        "a refused import leaves the layers file as it was"
    );

    // Swapped lat/lon is called out.
    let swapped = dir.path().join("swapped.csv");
    std::fs::write(&swapped, "lon,lat,rate\n43.7330,7.4200,12.5\n").unwrap();
    let o = import_other(&swapped);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("swapped") && err.contains("row 2"), "{err}");
}

#[test]
fn plan_walk_writes_gpx_and_is_reproducible_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let atlas = ingest_monaco(dir.path());
    let atlas_s = atlas.to_str().unwrap();
    let plan = |out: &str, start: &str, minutes: &str| {
        run(&[
            "plan",
            "walk",
            "--atlas",
            atlas_s,
            "--profile",
            "marginalised-adults",
            "--start",
            start,
            "--minutes",
            minutes,
            "--at",
            "2026-12-01T19:00",
            "--pairs",
            "2",
            "--dwell-minutes",
            "12",
            "-o",
            out,
        ])
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for out in [&a, &b] {
        let o = plan(out.to_str().unwrap(), "7.4246,43.7384", "20");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    // The same inputs and seed give the same walks.
    let record = |d: &std::path::Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(d.join("walk-plan.json")).unwrap()).unwrap()
    };
    let (ra, rb) = (record(&a), record(&b));
    assert_eq!(ra["walks"], rb["walks"]);
    assert_eq!(
        ra["daylight"]["after_dark"], true,
        "19:00 on 1 December is after sunset in Monaco"
    );
    assert!(ra["made_from"]["atlas_checksum"].as_str().unwrap().len() == 8);
    for w in ra["walks"].as_array().unwrap() {
        assert!(
            w["minutes"].as_f64().unwrap() <= 60.0 + 1e-6,
            "within the budget"
        );
        assert!(w["value"].as_f64().unwrap() <= w["bound"].as_f64().unwrap() + 1e-6);
    }
    // The GPX files re-read as GPX 1.1 tracks whose times run from the start (UTC) forward.
    for n in [1, 2] {
        let text = std::fs::read_to_string(a.join(format!("walk-{n}.gpx"))).unwrap();
        assert!(text.contains("<gpx version=\"1.1\""), "{}", &text[..200]);
        assert!(
            text.contains("<time>2026-12-01T18:00:00"),
            "19:00 at +01:00 is 18:00 UTC"
        );
        let geo: Value = serde_json::from_str(
            &std::fs::read_to_string(a.join(format!("walk-{n}.geojson"))).unwrap(),
        )
        .unwrap();
        assert_eq!(geo["attribution"], "© OpenStreetMap contributors");
        assert!(geo["covered_priority_cells"].is_array());
        assert_eq!(geo["summary"]["km"], ra["walks"][n - 1]["km"]);
    }
    // Bad input: far outside the extract, an unknown profile: one clear line each.
    let o = plan(dir.path().to_str().unwrap(), "12.0,55.0", "60");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.trim().lines().count() == 1 && err.contains("km from the nearest walkable street"),
        "{err}"
    );
    let o = plan(dir.path().to_str().unwrap(), "7.4246,43.7384", "0");
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("0 is not in 1..=720"));
    let o = plan(dir.path().to_str().unwrap(), "7.4246,43.7384", "-5");
    assert!(String::from_utf8_lossy(&o.stderr).contains("-5 is not in 1..=720"));
    // One minute is still a (tiny) walk here, within its budget; a budget too short to leave the
    // start at all is refused by the planner (`walk::tests`, `CannotLeaveStart`).
    let tiny = dir.path().join("tiny");
    let o = plan(tiny.to_str().unwrap(), "7.4246,43.7384", "1");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for w in record(&tiny)["walks"].as_array().unwrap() {
        assert!(w["minutes"].as_f64().unwrap() <= 1.0 + 1e-9);
    }
}

#[test]
fn display_aggregation_conserves_dwellings_and_observed_signs_score_as_a_layer() {
    let x = common::read(&common::shared_osm("monaco.osm.pbf"));
    let g = feltkart_graph::build(&x, feltkart_graph::BuildOptions::default());
    let tax = feltkart_osm::Taxonomy::builtin().unwrap();
    let table = feltkart_cells::cell_features(
        &x,
        &g,
        &tax,
        &feltkart_cells::HousingConfig::builtin().unwrap(),
        &feltkart_cells::CellOptions::default(),
    )
    .unwrap();
    let mut profile = feltkart_cells::Profile::builtin(&tax)
        .unwrap()
        .into_iter()
        .find(|p| p.id == "isolated-own-home")
        .unwrap();
    let scores = feltkart_cells::score_cells(&table, &profile).unwrap();

    // Zoomed out to resolution 8: every base cell in exactly one display cell, dwellings kept,
    // each display score between its base cells' lowest and highest.
    let display = feltkart_cells::output::aggregate_scores(&table, &scores, 8).unwrap();
    assert_eq!(
        display.iter().map(|d| d.cells as usize).sum::<usize>(),
        table.cells.len()
    );
    let dw: f64 = table.cells.iter().map(|c| c.housing.dwellings).sum();
    assert!((display.iter().map(|d| d.dwellings).sum::<f64>() - dw).abs() < 1e-6 * dw.max(1.0));
    for d in &display {
        let base: Vec<f64> = scores
            .iter()
            .filter(|s| s.cell.parent(feltkart_cells::Resolution::Eight) == Some(d.cell))
            .map(|s| s.score)
            .collect();
        let (lo, hi) = base
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                (l.min(v), h.max(v))
            });
        assert!(d.score >= lo - 1e-9 && d.score <= hi + 1e-9);
    }
    assert!(feltkart_cells::output::aggregate_scores(&table, &scores, 10).is_err());

    // Field observations as the `observed_signs` layer: a profile that weights it explains it.
    let cell = table.cells[table.cells.len() / 2].cell;
    let (code, _) = profile
        .signs
        .iter()
        .find(|(_, w)| **w > 0.0)
        .map(|(c, w)| (c.clone(), *w))
        .unwrap();
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 24)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    let obs: Vec<feltkart_model::Observation> = (0..3)
        .map(|i| feltkart_model::Observation {
            cell: u64::from(cell),
            sign: feltkart_model::SignCode::new(&code).unwrap(),
            at: now - chrono::TimeDelta::days(i * 10),
        })
        .collect();
    let layer = feltkart_cells::signs_layer(&obs, &profile, now, 30.0, table.resolution);
    let text = std::fs::read_to_string(common::root().join("data/profiles/isolated-own-home.toml"))
        .unwrap()
        .replacen("[indicators]\n", "[indicators]\nobserved_signs = 0.5\n", 1);
    profile = feltkart_cells::Profile::parse(&text, "with-signs.toml", &tax).unwrap();
    let with = feltkart_cells::score_cells_with_layers(&table, &profile, &[layer]).unwrap();
    let s = with.iter().find(|s| s.cell == cell).unwrap();
    assert!(
        s.parts
            .iter()
            .any(|p| p.feature == "observed_signs" && p.points > 0.0),
        "{}",
        s.explain()
    );
    let parts: f64 = s.parts.iter().map(|p| p.points).sum();
    assert!((parts - s.score).abs() < 0.01);
}

#[test]
fn walk_gpx_and_geojson_open_in_independent_gpx_and_geojson_libraries() {
    let Some(py) = common::python_with("gpxpy, geojson") else {
        eprintln!("skipped: no python3 with gpxpy and geojson (scripts/test installs them)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let atlas = ingest_monaco(dir.path());
    let atlas_s = atlas.to_str().unwrap();
    let out = dir.path().to_str().unwrap();
    let o = run(&[
        "plan",
        "walk",
        "--atlas",
        atlas_s,
        "--profile",
        "young-people",
        "--start",
        "7.4246,43.7384",
        "--minutes",
        "30",
        "--at",
        "2026-06-01T16:00",
        "--dwell-minutes",
        "10",
        "-o",
        out,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    common::real_clients(
        &py,
        &[
            &dir.path().join("walk-1.gpx"),
            &dir.path().join("walk-1.geojson"),
        ],
    );
}

#[test]
fn a_start_on_a_disconnected_path_network_is_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let atlas = ingest_monaco(dir.path());
    let atlas_s = atlas.to_str().unwrap();
    let (a, _) = feltkart_atlas::read(&atlas).unwrap();
    let stranded = a.graph.stats.dropped_vertices.len();
    assert!(stranded > 0, "monaco has small components");
    assert_eq!(stranded as u64, a.graph.stats.nodes_dropped);
    // A dropped vertex more than 20 m from every street of the main network.
    let idx = a.graph.snap_index();
    let v = a
        .graph
        .stats
        .dropped_vertices
        .iter()
        .find(|v| {
            idx.nearest(&a.graph.graph, **v)
                .is_some_and(|s| s.distance_m > 20.0 && s.distance_m < 500.0)
        })
        .expect("a stranded vertex near the network");
    let start = format!("{:.7},{:.7}", v.lon, v.lat);
    let o = run(&[
        "plan",
        "walk",
        "--atlas",
        atlas_s,
        "--profile",
        "young-people",
        "--start",
        &start,
        "--minutes",
        "30",
        "--at",
        "2026-12-01T19:00",
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("does not connect to the main walking network"),
        "{err}"
    );
}

#[test]
fn pairs_start_where_they_are_told() {
    let dir = tempfile::tempdir().unwrap();
    let atlas = ingest_monaco(dir.path());
    let atlas_s = atlas.to_str().unwrap();
    let o = run(&[
        "plan",
        "walk",
        "--atlas",
        atlas_s,
        "--profile",
        "young-people",
        "--start",
        "7.4246,43.7384",
        "--start",
        "7.4170,43.7310",
        "--minutes",
        "15",
        "--at",
        "2026-12-01T19:00",
        "--pairs",
        "2",
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let first_point = |n: usize| {
        let geo: Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(format!("walk-{n}.geojson"))).unwrap(),
        )
        .unwrap();
        let c = &geo["features"][0]["geometry"]["coordinates"][0];
        (c[0].as_f64().unwrap(), c[1].as_f64().unwrap())
    };
    let (a, b) = (first_point(1), first_point(2));
    assert!(
        (a.0 - 7.4246).abs() < 0.003 && (a.1 - 43.7384).abs() < 0.003,
        "{a:?}"
    );
    assert!(
        (b.0 - 7.4170).abs() < 0.003 && (b.1 - 43.7310).abs() < 0.003,
        "{b:?}"
    );
}
