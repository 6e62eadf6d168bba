use crate::common::*;
use feltkart_model::{DayPart, TimeSlot};
use feltkart_store::{Actor, CellSlotWalk, GapQuery, OUTDOOR_GUIDELINE_SHARE, WalkLog};

fn slot(day_part: DayPart, weekend: bool) -> TimeSlot {
    TimeSlot { day_part, weekend }
}

fn cov(cell: u64, s: TimeSlot, minutes: f64) -> CellSlotWalk {
    CellSlotWalk {
        cell,
        slot: s,
        minutes,
        metres: minutes * 60.0,
    }
}

#[test]
fn coverage_per_cell_and_slot_and_team_figures() {
    let mut f = fixture();
    let other = f.store.create_team(Actor::System, "other", 37.0).unwrap();
    let c = cells(6);
    let eve = slot(DayPart::Evening, false);
    let wkm = slot(DayPart::Morning, true);
    let mut log = |team, date, walkers, cells: Vec<CellSlotWalk>| {
        f.store
            .log_walk(
                Actor::System,
                &WalkLog {
                    team,
                    date,
                    walkers,
                    cells,
                },
            )
            .unwrap();
    };
    // Monday 2 Nov 2026 (ISO week 45), evening: c0 10 min, c1 20 min.
    log(
        f.team,
        day(2026, 11, 2),
        2,
        vec![cov(c[0], eve, 10.0), cov(c[1], eve, 20.0)],
    );
    // Tuesday, evening again: c0 5 min.
    log(f.team, day(2026, 11, 3), 2, vec![cov(c[0], eve, 5.0)]);
    // Saturday 7 Nov, weekend morning: c1 30 min, walked by three.
    log(f.team, day(2026, 11, 7), 3, vec![cov(c[1], wkm, 30.0)]);
    // Monday 9 Nov (week 46): c2 in the midday.
    log(
        f.team,
        day(2026, 11, 9),
        2,
        vec![cov(c[2], slot(DayPart::Midday, false), 60.0)],
    );
    // Outside the range, and another team: not counted.
    log(f.team, day(2026, 10, 1), 2, vec![cov(c[0], eve, 100.0)]);
    log(other, day(2026, 11, 2), 2, vec![cov(c[0], eve, 100.0)]);

    let (from, to) = (day(2026, 11, 2), day(2026, 11, 15));
    let cv = f.store.coverage(Some(f.team), from, to).unwrap();
    assert_eq!(
        cv.iter().map(|x| x.cell).collect::<Vec<_>>(),
        vec![c[0], c[1], c[2]]
    );
    let c0 = &cv[0];
    assert_eq!(c0.slots[eve.index()].minutes, 15.0);
    assert_eq!(c0.slots[eve.index()].metres, 900.0);
    assert_eq!(c0.slots[eve.index()].visits, 2);
    assert_eq!(c0.distinct_day_parts(), 1);
    assert_eq!(cv[1].distinct_day_parts(), 2);
    assert_eq!(cv[1].minutes(), 50.0);
    assert_eq!(cv[1].visits(), 2);
    // All teams: the other team's walk is added.
    let all = f.store.coverage(None, from, to).unwrap();
    assert_eq!(all[0].slots[eve.index()].minutes, 115.0);
    assert!(f.store.coverage(Some(f.team), to, from).is_err());

    // Outdoor hours: week 45 = (30 + 5) × 2 + 30 × 3 = 160 person-minutes; week 46 = 120.
    let weeks = f.store.outdoor_hours(f.team, from, to).unwrap();
    assert_eq!(weeks.len(), 2);
    assert_eq!((weeks[0].iso_year, weeks[0].week), (2026, 45));
    assert!((weeks[0].person_hours - 160.0 / 60.0).abs() < 1e-9);
    assert!((weeks[1].person_hours - 2.0).abs() < 1e-9);
    assert!((weeks[1].share - 2.0 / 74.0).abs() < 1e-9);
    assert!(!weeks[1].meets_guideline);
    assert!(!weeks[0].meets_guideline);
    assert_eq!(
        weeks[0].share >= OUTDOOR_GUIDELINE_SHARE,
        weeks[0].meets_guideline
    );

    // Priority cells per day-part: c0, c1, c5 are priorities.
    let shares = f
        .store
        .priority_coverage(f.team, from, to, &[c[0], c[1], c[5], c[5]])
        .unwrap();
    let share = |p| shares.iter().find(|s| s.day_part == p).unwrap();
    assert_eq!(
        (
            share(DayPart::Evening).covered,
            share(DayPart::Evening).total
        ),
        (2, 3)
    );
    assert_eq!(share(DayPart::Morning).covered, 1);
    assert_eq!(
        share(DayPart::Midday).covered,
        0,
        "c2 is not a priority cell"
    );
    assert_eq!(share(DayPart::Night).share, 0.0);

    // Slot diversity: minutes 35 (weekday evening) + 30 (weekend morning) + 60 (weekday midday).
    let d = f.store.team_slot_diversity(f.team, from, to).unwrap();
    let p: [f64; 3] = [35.0 / 125.0, 30.0 / 125.0, 60.0 / 125.0];
    let h: f64 = -p.iter().map(|x| x * x.ln()).sum::<f64>() / 10f64.ln();
    assert!((d - h).abs() < 1e-12, "{d} vs {h}");

    // Gaps in the weekday evening: target 30 min.
    let prio = [(c[0], 5.0), (c[1], 1.0), (c[5], 3.0), (c[4], 0.0)];
    let gaps = f
        .store
        .gaps(
            f.team,
            from,
            to,
            &GapQuery {
                slot: eve,
                priorities: &prio,
                target_minutes: 30.0,
                limit: 10,
            },
        )
        .unwrap();
    assert_eq!(
        gaps.iter().map(|g| g.cell).collect::<Vec<_>>(),
        vec![c[5], c[0], c[1]]
    );
    assert!((gaps[1].deficit - 0.5).abs() < 1e-12);
    assert_eq!(gaps[1].visits, 2);
    let gaps = f
        .store
        .gaps(
            f.team,
            from,
            to,
            &GapQuery {
                slot: eve,
                priorities: &prio,
                target_minutes: 10.0,
                limit: 1,
            },
        )
        .unwrap();
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0].cell, c[5]);
}
