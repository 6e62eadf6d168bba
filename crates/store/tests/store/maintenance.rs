use crate::common::*;
use chrono::NaiveDate;
use feltkart_model::{DayPart, LonLat, TimeSlot};
use feltkart_store::{
    Actor, CellSlotWalk, NewRevisit, Outcome, PurgeCounts, RevisitMode, Store, StoreConfig,
    StoreError, WalkLog, Window,
};
use h3o::{LatLng, Resolution};

#[test]
fn purge_removes_exactly_what_is_older_than_the_retention() {
    let mut f = fixture();
    let c = cells(4);
    // Today 2026-12-01, 90 days: the cutoff is 2026-09-02T00:00:00.
    let today = day(2026, 12, 1);
    let old = t(2026, 9, 1, 23, 59);
    let edge = t(2026, 9, 2, 0, 0);
    let fresh = t(2026, 11, 30, 19, 0);
    let mixed = f
        .store
        .insert_observations(
            Actor::System,
            f.team,
            &[obs(c[0], 0, old), obs(c[1], 1, edge), obs(c[2], 2, fresh)],
        )
        .unwrap();
    let all_old = f
        .store
        .insert_observations(
            Actor::System,
            f.team,
            &[obs(c[3], 0, old), obs(c[3], 1, old)],
        )
        .unwrap();

    let place = LonLat {
        lon: 10.7902,
        lat: 55.3101,
    };
    let cell = u64::from(
        LatLng::new(place.lat, place.lon)
            .unwrap()
            .to_cell(Resolution::Ten),
    );
    let r = NewRevisit {
        team: f.team,
        place,
        cell,
        mode: RevisitMode::Appointment {
            window: Window {
                start: t(2026, 8, 1, 13, 0),
                end: t(2026, 8, 1, 14, 0),
            },
        },
        priority: 1,
    };
    let closed_old = f.store.create_revisit(Actor::System, &r).unwrap();
    f.store
        .record_attempt(
            Actor::System,
            closed_old,
            t(2026, 8, 1, 13, 0),
            Outcome::NoAnswer,
        )
        .unwrap();
    f.store
        .record_attempt(
            Actor::System,
            closed_old,
            t(2026, 9, 1, 13, 0),
            Outcome::Moved,
        )
        .unwrap();
    let closed_recent = f.store.create_revisit(Actor::System, &r).unwrap();
    f.store
        .record_attempt(
            Actor::System,
            closed_recent,
            t(2026, 9, 2, 0, 0),
            Outcome::Declined,
        )
        .unwrap();
    let open_old = f.store.create_revisit(Actor::System, &r).unwrap();
    f.store
        .record_attempt(
            Actor::System,
            open_old,
            t(2026, 8, 2, 13, 0),
            Outcome::NoteLeft,
        )
        .unwrap();
    let slot = TimeSlot {
        day_part: DayPart::Midday,
        weekend: false,
    };
    f.store
        .log_walk(
            Actor::System,
            &WalkLog {
                team: f.team,
                date: day(2026, 6, 1),
                walkers: 2,
                cells: vec![CellSlotWalk {
                    cell: c[0],
                    slot,
                    minutes: 5.0,
                    metres: 50.0,
                }],
            },
        )
        .unwrap();

    let counts = f.store.purge(Actor::System, today).unwrap();
    assert_eq!(
        counts,
        PurgeCounts {
            observations: 3,
            batches: 1,
            revisits: 1,
            attempts: 2
        }
    );
    // What stays: the edge and fresh observations of the mixed batch, the recent and the open
    // revisit with their attempts, the walk.
    assert_eq!(
        count(
            &f.path,
            &format!(
                "SELECT count(*) FROM observations WHERE batch_id = {}",
                mixed.0
            )
        ),
        2
    );
    assert_eq!(
        count(
            &f.path,
            &format!(
                "SELECT count(*) FROM observation_batches WHERE id = {}",
                all_old.0
            )
        ),
        0
    );
    assert!(f.store.revisit(closed_old).unwrap().is_none());
    assert!(f.store.revisit(closed_recent).unwrap().is_some());
    assert!(f.store.revisit(open_old).unwrap().is_some());
    assert_eq!(count(&f.path, "SELECT count(*) FROM attempts"), 2);
    assert_eq!(count(&f.path, "SELECT count(*) FROM walks"), 1);
    // Purging again removes nothing more.
    assert_eq!(
        f.store.purge(Actor::System, today).unwrap(),
        PurgeCounts::default()
    );
    f.store.check().unwrap();

    // A shorter configured period moves the cutoff.
    drop(f.store);
    let mut s = Store::open(
        &f.path,
        StoreConfig {
            retention_days: 1,
            ..StoreConfig::default()
        },
    )
    .unwrap();
    let n = s
        .purge(Actor::System, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
        .unwrap();
    assert_eq!(n.observations, 1);
    assert_eq!(count(&f.path, "SELECT count(*) FROM observations"), 1);
}

#[test]
fn online_backup_while_writing() {
    let mut f = fixture();
    let c = cells(20);
    for i in 0..50 {
        let batch: Vec<_> = (0..20)
            .map(|j| obs(c[j], i + j, t(2026, 11, 2, 19, 0)))
            .collect();
        f.store
            .insert_observations(Actor::System, f.team, &batch)
            .unwrap();
    }
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let path = f.path.clone();
        let team = f.team;
        let stop = stop.clone();
        let c = c.clone();
        std::thread::spawn(move || {
            let mut s = Store::open(&path, StoreConfig::default()).unwrap();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                s.insert_observations(
                    Actor::System,
                    team,
                    &[obs(c[n % 20], n, t(2026, 11, 3, 9, 0))],
                )
                .unwrap();
                n += 1;
            }
            n
        })
    };
    let dest = f._dir.path().join("backup.db");
    f.store.backup_to(Actor::System, &dest).unwrap();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    writer.join().unwrap();

    let copy = Store::open(&dest, StoreConfig::default()).unwrap();
    copy.check().unwrap();
    let in_copy = count(&dest, "SELECT count(*) FROM observations");
    assert!(in_copy >= 1000, "{in_copy}");
    assert!(in_copy <= count(&f.path, "SELECT count(*) FROM observations"));
    // Every batch in the copy is whole.
    assert_eq!(
        count(
            &dest,
            "SELECT count(*) FROM observation_batches b WHERE size != (SELECT count(*) FROM observations o WHERE o.batch_id = b.id)"
        ),
        0
    );
    assert!(!dest.with_extension("db.partial").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&dest).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "backup is private");
    }
    assert!(matches!(
        f.store.backup_to(Actor::System, &dest),
        Err(StoreError::BackupExists { .. })
    ));
}
