use super::*;

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn request(shifts: Vec<WeeklyShift>, areas: usize, seed: u64) -> RotaRequest {
    RotaRequest {
        team: Team {
            id: TeamId(3),
            pairs: 2,
            shifts,
        },
        areas: (0..areas).map(|i| format!("A{i}")).collect(),
        first_monday: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        weeks: 4,
        seed,
        overrides: vec![],
    }
}

fn ws(weekday: Weekday, sh: u32, eh: u32, pair: u32) -> WeeklyShift {
    WeeklyShift {
        weekday,
        start: hm(sh, 0),
        end: hm(eh, 0),
        pair,
    }
}

fn typical() -> Vec<WeeklyShift> {
    vec![
        ws(Weekday::Mon, 9, 13, 0),  // morning/midday: midpoint 11:00 → midday
        ws(Weekday::Tue, 14, 18, 1), // afternoon
        ws(Weekday::Wed, 18, 22, 0), // evening
        ws(Weekday::Thu, 6, 10, 1),  // morning
        ws(Weekday::Fri, 20, 2, 0),  // night (midpoint 23:00)
        ws(Weekday::Sat, 13, 17, 1), // weekend afternoon
    ]
}

fn assert_law(rota: &Rota) {
    for c in &rota.coverage {
        assert!(
            c.day_parts.len() >= c.shifts.min(rota.day_parts_available),
            "area {} has {} shifts but only {:?} (D = {})",
            c.area,
            c.shifts,
            c.day_parts,
            rota.day_parts_available
        );
    }
}

#[test]
fn covers_day_parts_and_balances_areas() {
    let rota = plan_rota(&request(typical(), 3, 1)).unwrap();
    assert_eq!(rota.assignments.len(), 24);
    assert_eq!(rota.day_parts_available, 5);
    for c in &rota.coverage {
        assert_eq!(c.shifts, 8);
        assert_eq!(c.day_parts.len(), 5, "{c:?}");
    }
    assert!(rota.warnings.is_empty());
    assert_law(&rota);
    // Deterministic for a seed; another seed gives another rota.
    assert_eq!(rota, plan_rota(&request(typical(), 3, 1)).unwrap());
    assert_ne!(rota, plan_rota(&request(typical(), 3, 2)).unwrap());
}

#[test]
fn law_random_teams() {
    let mut rng = Rng::new(11);
    let days = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    for case in 0..300 {
        let shifts: Vec<WeeklyShift> = (0..1 + rng.below(8))
            .map(|_| {
                let start = rng.below(24) as u32;
                ws(
                    days[rng.below(7)],
                    start,
                    (start + 3 + rng.below(3) as u32) % 24,
                    rng.below(2) as u32,
                )
            })
            .collect();
        let req = request(shifts, 1 + rng.below(9), case);
        let rota = plan_rota(&req).unwrap();
        assert_law(&rota);
        assert!(
            rota.assignments.iter().all(|a| !a.area.is_empty()),
            "case {case}"
        );
        let counts: Vec<usize> = rota.coverage.iter().map(|c| c.shifts).collect();
        let (lo, hi) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
        assert!(hi - lo <= 1, "case {case}: unbalanced {counts:?}");
    }
}

#[test]
fn overrides_are_kept_and_repeats_warned() {
    let mut req = request(typical(), 3, 1);
    // Week 1 and week 2 Wednesday evening both to A0.
    req.overrides = vec![
        Override {
            week: 1,
            shift: 2,
            area: "A0".into(),
        },
        Override {
            week: 2,
            shift: 2,
            area: "A0".into(),
        },
    ];
    let rota = plan_rota(&req).unwrap();
    for o in &req.overrides {
        let a = rota
            .assignments
            .iter()
            .find(|a| a.week == o.week && a.shift == o.shift)
            .unwrap();
        assert_eq!(a.area, "A0");
        assert!(a.overridden);
    }
    assert_eq!(
        rota.warnings,
        vec![RotaWarning::RepeatedSlot {
            area: "A0".into(),
            slot: TimeSlot {
                day_part: DayPart::Evening,
                weekend: false
            },
            times: 2
        }]
    );
    assert!(rota.warnings[0].to_string().contains("\"A0\""));
}

#[test]
fn bad_requests_are_named() {
    let mut req = request(typical(), 3, 1);
    req.overrides = vec![Override {
        week: 1,
        shift: 0,
        area: "Nowhere".into(),
    }];
    let e = plan_rota(&req).unwrap_err();
    assert!(
        e.to_string().contains("Nowhere") && e.to_string().contains("unknown area"),
        "{e}"
    );
    let mut req = request(typical(), 3, 1);
    req.overrides = vec![Override {
        week: 5,
        shift: 0,
        area: "A1".into(),
    }];
    assert!(matches!(
        plan_rota(&req),
        Err(RotaError::BadOverride { .. })
    ));
    let mut req = request(typical(), 3, 1);
    req.first_monday = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    assert!(matches!(plan_rota(&req), Err(RotaError::NotMonday(..))));
    let mut req = request(typical(), 3, 1);
    req.team.shifts[0].pair = 7;
    assert!(matches!(
        plan_rota(&req),
        Err(RotaError::Pair { shift: 0, .. })
    ));
    let mut req = request(typical(), 3, 1);
    req.areas.push("A0".into());
    assert_eq!(plan_rota(&req), Err(RotaError::DuplicateArea("A0".into())));
    assert_eq!(
        plan_rota(&request(typical(), 0, 1)),
        Err(RotaError::NoAreas)
    );
    assert_eq!(
        plan_rota(&request(vec![], 2, 1)),
        Err(RotaError::NoShifts(TeamId(3)))
    );
    let j = r#"{"team":{"id":1,"pairs":1,"shifts":[]},"areas":[],"first_monday":"2026-11-30","weeks":4,"seed":1,"colour":"red"}"#;
    assert!(
        serde_json::from_str::<RotaRequest>(j)
            .unwrap_err()
            .to_string()
            .contains("colour")
    );
}

#[test]
fn csv_and_ics_structure() {
    let mut req = request(typical(), 3, 1);
    req.areas[1] = "Vestergade, nord".into();
    let rota = plan_rota(&req).unwrap();
    let csv = rota.to_csv();
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "week,date,weekday,start,end,pair,area,slot,override"
    );
    assert_eq!(lines.len(), 25);
    assert!(
        lines[1].starts_with("1,2026-11-30,Mon,09:00,13:00,1,"),
        "{}",
        lines[1]
    );
    assert!(csv.contains("\"Vestergade, nord\""));
    assert!(csv.contains(",weekday_night,") && csv.contains(",weekend_afternoon,"));

    let ics = rota.to_ics();
    assert_eq!(ics, plan_rota(&req).unwrap().to_ics(), "deterministic");
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.trim_end().ends_with("END:VCALENDAR"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 24);
    // Parses back with the crate's own parser, events intact.
    let unfolded = icalendar::parser::unfold(&ics);
    let parsed = icalendar::parser::read_calendar(&unfolded).unwrap();
    let events: Vec<_> = parsed
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    assert_eq!(events.len(), 24);
    let first = events[0];
    let prop = |name: &str| {
        first
            .properties
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.val.to_string())
    };
    assert_eq!(prop("DTSTART").as_deref(), Some("20261130T090000"));
    assert_eq!(prop("DTEND").as_deref(), Some("20261130T130000"));
    assert!(prop("UID").unwrap().ends_with("@feltkart"));
    // The Friday night shift ends the next morning.
    assert!(ics.contains("DTSTART:20261204T200000") && ics.contains("DTEND:20261205T020000"));
    check_with_python(&ics);
}

/// Parse with Python's `icalendar` (a well-kept RFC 5545 parser) when it is installed:
/// `$FELTKART_PYTHON`, `/tmp/icalvenv/bin/python`, or `python3`; otherwise say so and skip.
fn check_with_python(ics: &str) {
    let dir = std::env::temp_dir().join(format!("feltkart-rota-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rota.ics");
    std::fs::write(&path, ics).unwrap();
    let script = "import sys, icalendar\n\
cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n\
ev = [c for c in cal.walk('VEVENT')]\n\
assert len(ev) == 24, len(ev)\n\
assert all(e.decoded('dtend') > e.decoded('dtstart') for e in ev)\n\
assert len({str(e['uid']) for e in ev}) == 24\n\
print(len(ev), ev[0].decoded('dtstart').isoformat())\n";
    let candidates = [
        std::env::var("FELTKART_PYTHON").unwrap_or_default(),
        "/tmp/icalvenv/bin/python".to_owned(),
        "python3".to_owned(),
    ];
    for py in candidates.iter().filter(|p| !p.is_empty()) {
        let has = std::process::Command::new(py)
            .args(["-c", "import icalendar"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !has {
            continue;
        }
        let out = std::process::Command::new(py)
            .arg("-c")
            .arg(script)
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "python icalendar: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "24 2026-11-30T09:00:00"
        );
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "note: Python's icalendar package not found; the .ics was checked with the Rust parser only"
    );
}
