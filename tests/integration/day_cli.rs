//! `feltkart plan day` and `feltkart plan rota` through the real binary, on the real Monaco
//! extract: promises kept (every visit inside its window, the day inside the shift), clashing
//! promises reported with the reason and never dropped, the free time filled with observation
//! walking, the GPX/GeoJSON/.ics re-read by independent libraries, and bad revisits files
//! named by file and field.

use crate::common::{self, ingest_monaco, run};
use chrono::NaiveDateTime;
use serde_json::Value;
use std::path::Path;

/// Revisits in Monaco: two appointments whose windows clash (Fontvieille and Monte Carlo, 15
/// minutes each at the same time, ~2 km apart), one kept appointment, and two searches.
const REVISITS: &str = r#"{"revisits": [
  {"id": 1, "place": {"lon": 7.4200, "lat": 43.7311}, "mode": "appointment",
   "window": {"start": "2026-12-08T13:30", "end": "2026-12-08T14:00"}, "priority": 4, "team": 1,
   "attempts": [{"at": "2026-12-01T13:40", "outcome": "contact"}]},
  {"id": 2, "place": {"lon": 7.4160, "lat": 43.7280}, "mode": "appointment",
   "window": {"start": "2026-12-08T15:30", "end": "2026-12-08T15:45"}, "priority": 3, "team": 1},
  {"id": 3, "place": {"lon": 7.4280, "lat": 43.7400}, "mode": "appointment",
   "window": {"start": "2026-12-08T15:30", "end": "2026-12-08T15:45"}, "priority": 2, "team": 1},
  {"id": 4, "place": {"lon": 7.4190, "lat": 43.7350}, "mode": "search", "due": "2026-12-15",
   "priority": 5, "team": 1, "attempts": [{"at": "2026-12-03T19:20", "outcome": "no_answer"}]},
  {"id": 5, "place": {"lon": 7.4246, "lat": 43.7384}, "mode": "search", "due": "2026-12-12",
   "priority": 2, "team": 2}
]}"#;

fn plan_day(dir: &Path, atlas: &Path, revisits: &str, extra: &[&str]) -> std::process::Output {
    let file = dir.join("revisits.json");
    std::fs::write(&file, revisits).unwrap();
    let mut args = vec![
        "plan",
        "day",
        "--atlas",
        atlas.to_str().unwrap(),
        "--profile",
        "young-people",
        "--revisits",
        file.to_str().unwrap(),
        "--date",
        "2026-12-08",
        "--shift-start",
        "13:00",
        "--shift-end",
        "17:00",
        "--start",
        "7.4215,43.7335",
        "--now",
        "2026-12-08T08:00",
        "-o",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn time(v: &Value) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(v.as_str().unwrap(), "%Y-%m-%dT%H:%M:%S").unwrap()
}

#[test]
fn plan_day_keeps_promises_reports_clashes_and_fills_free_time() {
    let dir = tempfile::tempdir().unwrap();
    let atlas = ingest_monaco(dir.path());
    let o = plan_day(dir.path(), &atlas, REVISITS, &["--team", "1"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The clash is reported, naming the appointment it clashes with.
    assert!(
        stdout.contains("not served: appointment rv3: cannot be met together with rv2"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 revisits of other teams skipped"),
        "{stdout}"
    );
    let rec: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("day-plan.json")).unwrap())
            .unwrap();
    let revisits: Value = serde_json::from_str(REVISITS).unwrap();
    let visits = rec["visits"].as_array().unwrap();
    let unserved = rec["unserved"].as_array().unwrap();
    // Every revisit of team 1 is either visited or reported, once.
    let mut ids: Vec<&str> = visits
        .iter()
        .chain(unserved)
        .map(|v| v["revisit"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, ["rv1", "rv2", "rv3", "rv4"]);
    assert_eq!(unserved.len(), 1);
    assert!(unserved[0]["reason"].as_str().unwrap().contains("rv2"));
    // Every served appointment starts and ends inside its window; the day is inside the shift.
    let shift_start = time(&Value::from("2026-12-08T13:00:00"));
    let shift_end = time(&Value::from("2026-12-08T17:00:00"));
    for v in visits {
        let id: u64 = v["revisit"].as_str().unwrap()[2..].parse().unwrap();
        let r = revisits["revisits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap();
        let (start, depart) = (time(&v["start"]), time(&v["depart"]));
        assert!(time(&v["arrive"]) <= start && start >= shift_start && depart <= shift_end);
        if r["mode"] == "appointment" {
            let w = &r["window"];
            let open =
                NaiveDateTime::parse_from_str(w["start"].as_str().unwrap(), "%Y-%m-%dT%H:%M");
            let close = NaiveDateTime::parse_from_str(w["end"].as_str().unwrap(), "%Y-%m-%dT%H:%M");
            assert!(start >= open.unwrap() && depart <= close.unwrap(), "{v}");
        }
    }
    let summary = &rec["summary"];
    assert!(time(&summary["back"]) <= shift_end);
    assert!(
        summary["observation_minutes"].as_f64().unwrap() > 30.0,
        "{summary}"
    );
    // The walk sheet has the time of each visit.
    let sheet = std::fs::read_to_string(dir.path().join("day.txt")).unwrap();
    for v in visits {
        let line = format!(
            "{}  {} {}",
            &v["start"].as_str().unwrap()[11..16],
            v["kind"].as_str().unwrap(),
            v["revisit"].as_str().unwrap()
        );
        assert!(sheet.contains(&line), "{line} not in\n{sheet}");
    }
    if let Some(py) = common::python_with("gpxpy, geojson") {
        let ok = common::real_clients(
            &py,
            &[&dir.path().join("day.gpx"), &dir.path().join("day.geojson")],
        );
        assert!(ok.contains(&format!("{} waypoints", visits.len())), "{ok}");
    } else {
        eprintln!("skipped the real-client check: no python3 with gpxpy and geojson");
    }
}

#[test]
fn plan_day_bad_revisits_files_are_named_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let atlas = ingest_monaco(dir.path());
    let cases = [
        (
            REVISITS.replace("\"no_answer\"", "\"nobody_home\""),
            "revisits[3].attempts[0].outcome: unknown outcome code \"nobody_home\"",
        ),
        (
            REVISITS
                .replace("2026-12-08T13:30", "2026-12-07T13:30")
                .replace("2026-12-08T14:00", "2026-12-07T14:00"),
            "revisits[0].window: revisit rv1: appointment window ended at 2026-12-07 14:00:00, before now (2026-12-08 08:00:00)",
        ),
        (
            REVISITS.replace("2026-12-08T14:00", "2026-12-08T13:00"),
            "revisits[0].window.end: revisit rv1: appointment window ends at 2026-12-08 13:00:00 before it starts",
        ),
        (
            REVISITS.replace("\"lat\": 43.7280", "\"lat\": 143.7280"),
            "revisits[1].place: ",
        ),
        (
            REVISITS.replace("\"lon\": 7.4280", "\"lon\": 9.4280"),
            "revisit rv3 (revisits[2].place): place 9.42800,43.74000 is 159.4 km from",
        ),
    ];
    for (text, want) in cases {
        let o = plan_day(dir.path(), &atlas, &text, &[]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "accepted: {want}");
        assert!(err.contains("revisits.json: "), "{err}");
        assert!(err.contains(want), "{err} does not contain {want}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

fn rota(dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "plan",
        "rota",
        "--pairs",
        "2",
        "--shift",
        "mon,09:00-13:00,1",
        "--shift",
        "tue,14:00-18:00,2",
        "--shift",
        "thu,18:00-22:00,1",
        "--shift",
        "sat,19:00-23:00,2",
        "--area",
        "Monaco-Ville",
        "--area",
        "La Condamine",
        "--area",
        "Fontvieille",
        "--first-monday",
        "2026-12-07",
        "--seed",
        "7",
        "-o",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn plan_rota_writes_csv_and_ics_that_a_calendar_library_reads() {
    let dir = tempfile::tempdir().unwrap();
    let o = rota(dir.path(), &[]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("16 shifts over 4 weeks, 3 areas"),
        "{stdout}"
    );
    // 4 day-parts (midday, afternoon, evening twice...) for 3 areas: each area in ≥ 3.
    for area in ["Monaco-Ville", "La Condamine", "Fontvieille"] {
        let line = stdout
            .lines()
            .find(|l| l.trim_start().starts_with(area))
            .unwrap();
        let parts: usize = line
            .split(" day-parts")
            .next()
            .unwrap()
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(parts >= 3, "{line}");
    }
    let csv = std::fs::read_to_string(dir.path().join("rota.csv")).unwrap();
    assert_eq!(csv.lines().count(), 17);
    if let Some(py) = common::python_with("icalendar") {
        let ok = common::real_clients(&py, &[&dir.path().join("rota.ics")]);
        assert!(ok.contains("16 events"), "{ok}");
    } else {
        eprintln!("skipped the real-client check: no python3 with icalendar");
    }
    // Overrides that put one area in the same slot every week are kept, with a warning.
    let over = dir.path().join("over.json");
    std::fs::write(
        &over,
        r#"{"overrides": [{"week": 1, "shift": 3, "area": "Fontvieille"},
                          {"week": 2, "shift": 3, "area": "Fontvieille"}]}"#,
    )
    .unwrap();
    let o = rota(dir.path(), &["--overrides", over.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("warning: overrides put area \"Fontvieille\" in slot weekday_evening 2 times"),
        "{err}"
    );
    let csv = std::fs::read_to_string(dir.path().join("rota.csv")).unwrap();
    assert!(
        csv.contains("1,2026-12-10,Thu,18:00,22:00,1,Fontvieille,weekday_evening,yes"),
        "{csv}"
    );
    // A bad override is named with the file.
    std::fs::write(
        &over,
        r#"{"overrides": [{"week": 9, "shift": 1, "area": "Fontvieille"}]}"#,
    )
    .unwrap();
    let o = rota(dir.path(), &["--overrides", over.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("over.json: rota: override 0 (week 9, shift 0"),
        "{err}"
    );
    assert!(err.contains("week outside the cycle"), "{err}");
}
