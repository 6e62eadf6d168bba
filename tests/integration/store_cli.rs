//! The store's commands through the real binary, on the real Monaco extract: `team add`,
//! `log observation`, `log walk` (GPX track and `--planned`), `coverage`, `db check|backup|purge`.
//! Bad input gets one clear line, a non-zero exit, and writes nothing (the audit log, which
//! every write appends to in its own transaction, does not grow).

use crate::common::{ingest_monaco, run};
use feltkart_store::{Store, StoreConfig};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

fn ok(args: &[&str]) -> String {
    let o = run(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Run a command that must fail; return its one-line error.
fn fails(args: &[&str]) -> String {
    let o = run(args);
    assert!(!o.status.success(), "{args:?} succeeded");
    let e = String::from_utf8(o.stderr).unwrap();
    assert_eq!(e.trim_end().lines().count(), 1, "{e}");
    e
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn audit_entries(db: &Path) -> usize {
    Store::open(db, StoreConfig::default())
        .unwrap()
        .audit_log(100_000)
        .unwrap()
        .len()
}

fn gpx(points: &[(f64, f64, &str)]) -> String {
    let pts: String = points
        .iter()
        .map(|(lon, lat, t)| format!(r#"<trkpt lat="{lat}" lon="{lon}"><time>{t}</time></trkpt>"#))
        .collect();
    format!(
        r#"<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{pts}</trkseg></trk></gpx>"#
    )
}

#[test]
fn log_coverage_and_db_commands_and_bad_input_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let atlas = ingest_monaco(dir.path());
    let a = atlas.to_str().unwrap();
    let db = dir.path().join("feltkart.db");

    // No database before a team is added.
    let obs = |team: &str, sign: &str, at: &str| -> Vec<String> {
        [
            "log",
            "observation",
            "--team",
            team,
            "--atlas",
            a,
            "--at",
            at,
            "--lon",
            "7.4246",
            "--lat",
            "43.7384",
            "--sign",
            sign,
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let e = fails(&args(&obs("mc", "litter_heap", "2026-11-02T19:00")));
    assert!(
        e.contains("no database yet") && e.contains("team add"),
        "{e}"
    );
    assert!(!db.exists());
    ok(&["team", "add", "mc", "--hours", "74", "--atlas", a]);
    assert!(fails(&["team", "add", "mc", "--hours", "74", "--atlas", a]).contains("exists"));

    let out = ok(&args(&obs("mc", "litter_heap", "2026-11-02T19:00")));
    assert!(out.contains("logged litter_heap at cell 8a3969a"), "{out}");
    let before = audit_entries(&db);
    let e = fails(&args(&obs("mc", "met_hans", "2026-11-02T19:00")));
    assert!(
        e.contains("unknown sign code `met_hans`") && e.contains("overfull_mailbox"),
        "{e}"
    );
    let e = fails(&args(&obs("mc", "litter_heap", "2099-01-01T10:00")));
    assert!(e.contains("in the future"), "{e}");
    let e = fails(&args(&obs("nobody", "litter_heap", "2026-11-02T19:00")));
    assert!(
        e.contains("unknown team `nobody`") && e.contains("mc"),
        "{e}"
    );
    assert_eq!(audit_entries(&db), before, "failed logs wrote nothing");

    // A planned walk, logged as done from its record and from its GPX.
    let walks = dir.path().join("walks");
    ok(&[
        "plan",
        "walk",
        "--atlas",
        a,
        "--profile",
        "young-people",
        "--start",
        "7.4246,43.7384",
        "--minutes",
        "30",
        "--at",
        "2026-11-03T18:00",
        "-o",
        walks.to_str().unwrap(),
    ]);
    let record = walks.join("walk-plan.json");
    let out = ok(&[
        "log",
        "walk",
        "--planned",
        record.to_str().unwrap(),
        "--team",
        "mc",
        "--atlas",
        a,
    ]);
    assert!(
        out.contains("logged walk1") && out.contains("30 min"),
        "{out}"
    );
    let track = walks.join("walk-1.gpx");
    let out = ok(&[
        "log",
        "walk",
        track.to_str().unwrap(),
        "--team",
        "mc",
        "--atlas",
        a,
    ]);
    assert!(
        out.contains("logged walk2") && out.contains("not stored"),
        "{out}"
    );

    // Bad tracks: one clear line each, nothing written.
    let before = audit_entries(&db);
    let bad = dir.path().join("bad.gpx");
    let try_track = |text: &str| {
        std::fs::write(&bad, text).unwrap();
        fails(&[
            "log",
            "walk",
            bad.to_str().unwrap(),
            "--team",
            "mc",
            "--atlas",
            a,
        ])
    };
    assert!(try_track("<gpx><trk>").contains("not a valid GPX file"));
    let far = try_track(&gpx(&[
        (9.52, 47.14, "2026-11-03T17:00:00Z"),
        (9.5203, 47.14, "2026-11-03T17:00:20Z"),
    ]));
    assert!(far.contains("not on this walking network"), "{far}");
    let back = try_track(&gpx(&[
        (7.4246, 43.7384, "2026-11-03T17:00:20Z"),
        (7.4248, 43.7384, "2026-11-03T17:00:00Z"),
    ]));
    assert!(
        back.contains("track point 1") && back.contains("out of order"),
        "{back}"
    );
    let future = try_track(&gpx(&[(7.4246, 43.7384, "2099-11-03T17:00:00Z")]));
    assert!(future.contains("in the future"), "{future}");
    let other = dir.path().join("other.json");
    std::fs::write(
        &other,
        std::fs::read_to_string(&record)
            .unwrap()
            .replace("\"atlas_checksum\": \"", "\"atlas_checksum\": \"f"),
    )
    .unwrap();
    let e = fails(&[
        "log",
        "walk",
        "--planned",
        other.to_str().unwrap(),
        "--team",
        "mc",
        "--atlas",
        a,
    ]);
    assert!(e.contains("another atlas"), "{e}");
    assert_eq!(audit_entries(&db), before, "failed logs wrote nothing");

    // Coverage: RFC 7946 GeoJSON with attribution, a CSV row per feature.
    let cov = dir.path().join("cov");
    let out = ok(&[
        "coverage",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--team",
        "mc",
        "--atlas",
        a,
        "-o",
        cov.to_str().unwrap(),
    ]);
    assert!(out.contains("person-hours outdoors"), "{out}");
    let g: Value =
        serde_json::from_str(&std::fs::read_to_string(cov.join("coverage.geojson")).unwrap())
            .unwrap();
    assert_eq!(g["type"], "FeatureCollection");
    assert_eq!(g["attribution"], "© OpenStreetMap contributors");
    let features = g["features"].as_array().unwrap();
    assert!(!features.is_empty());
    let mut minutes = 0.0;
    for f in features {
        let ring = f["geometry"]["coordinates"][0].as_array().unwrap();
        assert_eq!(ring.first(), ring.last(), "closed ring");
        let lon = ring[0][0].as_f64().unwrap();
        assert!((7.3..7.5).contains(&lon), "lon first");
        minutes += f["properties"]["minutes"].as_f64().unwrap();
    }
    // Two 30-minute walks (rounding per cell to 0.1 min).
    assert!(
        (minutes - 60.0).abs() < 0.1 * features.len() as f64,
        "{minutes}"
    );
    let csv = std::fs::read_to_string(cov.join("coverage.csv")).unwrap();
    assert_eq!(csv.lines().count(), features.len() + 1);
    // One observation event is below k = 5: the leader sees no area, one hidden cell.
    let o: Value =
        serde_json::from_str(&std::fs::read_to_string(cov.join("observations.geojson")).unwrap())
            .unwrap();
    assert_eq!(o["features"].as_array().unwrap().len(), 0);
    assert_eq!(o["hidden_cells"], 1);

    // db check, an online backup that opens with the same walks, purge.
    assert!(ok(&["db", "check", "--atlas", a]).contains("ok"));
    let backup = dir.path().join("backup.db");
    ok(&["db", "backup", backup.to_str().unwrap(), "--atlas", a]);
    let copy = Store::open(&backup, StoreConfig::default()).unwrap();
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let original = Store::open(&db, StoreConfig::default()).unwrap();
    assert_eq!(
        copy.coverage(None, d("2026-11-01"), d("2026-11-30"))
            .unwrap(),
        original
            .coverage(None, d("2026-11-01"), d("2026-11-30"))
            .unwrap()
    );
    let e = fails(&["db", "backup", backup.to_str().unwrap(), "--atlas", a]);
    assert!(e.contains("exists"), "{e}");
    assert!(ok(&["db", "purge", "--atlas", a]).contains("purged"));
}

fn plan_edges(dir: &Path, a: &str, at: &str, db: Option<&Path>) -> (BTreeSet<u64>, Value) {
    let out = dir.join(format!("plan-{}-{}", at.replace(':', ""), db.is_some()));
    let mut args = vec![
        "plan",
        "walk",
        "--atlas",
        a,
        "--profile",
        "young-people",
        "--start",
        "7.4246,43.7384",
        "--minutes",
        "30",
        "--at",
        at,
        "-o",
        out.to_str().unwrap(),
    ];
    if let Some(db) = db {
        args.extend(["--db", db.to_str().unwrap(), "--team", "mc"]);
    }
    ok(&args);
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("walk-plan.json")).unwrap())
            .unwrap();
    let edges = record["walks"][0]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_u64().unwrap())
        .collect();
    (edges, record)
}

/// `plan walk --db`: streets the team walked lately in the same slot are worth less, so the
/// next walk in that slot goes elsewhere; coverage in another slot changes nothing.
#[test]
fn recent_coverage_in_the_slot_lowers_a_cells_worth() {
    let dir = tempfile::tempdir().unwrap();
    let atlas = ingest_monaco(dir.path());
    let a = atlas.to_str().unwrap();
    let db = dir.path().join("feltkart.db");
    ok(&["team", "add", "mc", "--hours", "74", "--atlas", a]);
    // Tuesday evening: planned, walked, logged.
    let (first, _) = plan_edges(dir.path(), a, "2026-11-03T18:00", None);
    let record = dir.path().join("plan-2026-11-03T1800-false/walk-plan.json");
    ok(&[
        "log",
        "walk",
        "--planned",
        record.to_str().unwrap(),
        "--team",
        "mc",
        "--atlas",
        a,
    ]);
    // A week later, same slot: without the history the same walk; with it, another.
    let (again, _) = plan_edges(dir.path(), a, "2026-11-10T18:00", None);
    let (history, rec) = plan_edges(dir.path(), a, "2026-11-10T18:00", Some(&db));
    let shared = |s: &BTreeSet<u64>| s.intersection(&first).count() as f64 / first.len() as f64;
    eprintln!(
        "share of last week's streets: {:.2} without history, {:.2} with",
        shared(&again),
        shared(&history)
    );
    assert!(shared(&again) > 0.9, "{}", shared(&again));
    assert!(shared(&history) < 0.5, "{}", shared(&history));
    assert_eq!(rec["made_from"]["coverage"]["slot"], "weekday_evening");
    assert!(
        rec["made_from"]["coverage"]["cells_with_coverage"]
            .as_u64()
            .unwrap()
            > 0
    );
    // Saturday midday: no coverage in that slot, the history changes nothing.
    let (sat, _) = plan_edges(dir.path(), a, "2026-11-14T12:00", None);
    let (sat_history, _) = plan_edges(dir.path(), a, "2026-11-14T12:00", Some(&db));
    assert_eq!(sat, sat_history);
}

/// `plan walk --db`: observed signs from the store become the `observed_signs` layer, so a
/// profile that weights it values the observed cell more.
#[test]
fn observed_signs_from_the_store_raise_the_observed_cells_worth() {
    let dir = tempfile::tempdir().unwrap();
    let atlas = ingest_monaco(dir.path());
    let a = atlas.to_str().unwrap();
    let db = dir.path().join("feltkart.db");
    ok(&["team", "add", "mc", "--hours", "74", "--atlas", a]);
    let profile = dir.path().join("with-signs.toml");
    std::fs::write(
        &profile,
        std::fs::read_to_string(crate::common::root().join("data/profiles/young-people.toml"))
            .unwrap()
            .replacen("[indicators]\n", "[indicators]\nobserved_signs = 0.5\n", 1),
    )
    .unwrap();
    let plan = |name: &str, db: &Path| -> Value {
        let out = dir.path().join(name);
        let mut args = vec![
            "plan",
            "walk",
            "--atlas",
            a,
            "--profile",
            profile.to_str().unwrap(),
            "--start",
            "7.4246,43.7384",
            "--minutes",
            "20",
            "--at",
            "2026-11-10T18:00",
            "-o",
            out.to_str().unwrap(),
        ];
        args.extend(["--db", db.to_str().unwrap()]);
        ok(&args);
        serde_json::from_str(&std::fs::read_to_string(out.join("walk-plan.json")).unwrap()).unwrap()
    };
    // Before: the layer is there (the profile needs it) but empty.
    let before = plan("before", &db);
    for day in 2..=7 {
        ok(&args(
            &[
                "log",
                "observation",
                "--team",
                "mc",
                "--atlas",
                a,
                "--at",
                &format!("2026-11-0{day}T19:00"),
                "--lon",
                "7.4246",
                "--lat",
                "43.7384",
                "--sign",
                "youth_gathering",
            ]
            .map(str::to_owned),
        ));
    }
    let after = plan("after", &db);
    assert_eq!(before["made_from"]["coverage"]["observations"], 0);
    assert_eq!(after["made_from"]["coverage"]["observations"], 6);
    // The streets' worth went up where the signs were seen (the optimum bound, a fractional
    // knapsack over the edge values, rises), and the walk changes.
    let bound = |r: &Value| r["walks"][0]["bound"].as_f64().unwrap();
    assert!(
        bound(&after) > bound(&before),
        "{} vs {}",
        bound(&after),
        bound(&before)
    );
    assert_ne!(after["walks"][0]["edges"], before["walks"][0]["edges"]);
}
