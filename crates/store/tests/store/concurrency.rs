//! 8 writer threads + 8 reader threads, each with its own connection, for
//! `FELTKART_STORE_SOAK_SECS` seconds (default 5; the acceptance run is 30:
//! `FELTKART_STORE_SOAK_SECS=30 cargo test -p feltkart-store --release --test store soak -- --nocapture`).
//! No write may be lost and no error (in particular no `SQLITE_BUSY`) may reach a caller.

use crate::common::*;
use feltkart_model::{DayPart, TimeSlot};
use feltkart_store::{Actor, CellSlotWalk, Store, StoreConfig, WalkLog};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[test]
fn soak_8_writers_8_readers() {
    let secs: f64 = std::env::var("FELTKART_STORE_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5.0);
    let f = fixture();
    let (path, team) = (f.path.clone(), f.team);
    drop(f.store);
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicU64::new(0));
    let c = cells(40);
    let writers: Vec<_> = (0..8u64)
        .map(|w| {
            let (path, stop, c) = (path.clone(), stop.clone(), c.clone());
            std::thread::spawn(move || {
                let mut rng = StdRng::seed_from_u64(w);
                let mut s = Store::open(&path, StoreConfig::default()).unwrap();
                let mut acked = Vec::new();
                let mut walks = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let n = rng.random_range(1..=20);
                    let batch: Vec<_> = (0..n)
                        .map(|j| obs(c[rng.random_range(0..c.len())], j, t(2026, 11, 2, 19, 0)))
                        .collect();
                    // Any error, SQLITE_BUSY included, fails the test here.
                    let id = s.insert_observations(Actor::System, team, &batch).unwrap();
                    acked.push((id.0, i64::try_from(n).unwrap()));
                    if rng.random_bool(0.2) {
                        let slot = TimeSlot {
                            day_part: DayPart::Evening,
                            weekend: false,
                        };
                        s.log_walk(
                            Actor::System,
                            &WalkLog {
                                team,
                                date: day(2026, 11, 2),
                                walkers: 2,
                                cells: vec![CellSlotWalk {
                                    cell: c[rng.random_range(0..c.len())],
                                    slot,
                                    minutes: 1.0,
                                    metres: 80.0,
                                }],
                            },
                        )
                        .unwrap();
                        walks += 1;
                    }
                }
                (acked, walks)
            })
        })
        .collect();
    let readers: Vec<_> = (0..8)
        .map(|_| {
            let (path, stop, reads) = (path.clone(), stop.clone(), reads.clone());
            std::thread::spawn(move || {
                let s = Store::open(&path, StoreConfig::default()).unwrap();
                let (from, to) = (day(2026, 11, 1), day(2026, 11, 30));
                let mut last_minutes = 0.0;
                while !stop.load(Ordering::Relaxed) {
                    let cov = s.coverage(Some(team), from, to).unwrap();
                    let minutes: f64 = cov.iter().map(|c| c.minutes()).sum();
                    assert!(minutes >= last_minutes, "a reader saw coverage shrink");
                    last_minutes = minutes;
                    s.observation_events(None, from, to).unwrap();
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs_f64(secs));
    stop.store(true, Ordering::Relaxed);
    let mut acked = Vec::new();
    let mut walks = 0;
    for w in writers {
        let (a, n) = w.join().expect("a writer failed");
        acked.extend(a);
        walks += n;
    }
    for r in readers {
        r.join().expect("a reader failed");
    }
    let elapsed = started.elapsed();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut st = conn
        .prepare("SELECT count(*) FROM observations WHERE batch_id = ?")
        .unwrap();
    for &(id, n) in &acked {
        let found: i64 = st.query_row([id], |r| r.get(0)).unwrap();
        assert_eq!(found, n, "batch {id} lost");
    }
    let total: i64 = conn
        .query_row("SELECT count(*) FROM observations", [], |r| r.get(0))
        .unwrap();
    assert_eq!(total, acked.iter().map(|a| a.1).sum::<i64>());
    assert_eq!(
        count(&path, "SELECT count(*) FROM walks"),
        i64::try_from(walks).unwrap()
    );
    eprintln!(
        "soak: {:.1} s, 8 writers: {} batches ({total} observations) + {walks} walks, none lost; \
         8 readers: {} reads; no error reached a caller",
        elapsed.as_secs_f64(),
        acked.len(),
        reads.load(Ordering::Relaxed)
    );
    assert!(!acked.is_empty());
}

/// A writer lock held past SQLite's busy timeout is retried inside the store, and only a lock
/// held past `busy_retry_for` gives an error (a typed `Busy`, naming the file).
#[test]
fn busy_is_retried_inside_the_store() {
    let f = fixture();
    let (path, team) = (f.path.clone(), f.team);
    drop(f.store);
    let config = StoreConfig {
        busy_timeout: Duration::from_millis(20),
        busy_retry_for: Duration::from_millis(2000),
        ..StoreConfig::default()
    };
    let mut s = Store::open(&path, config.clone()).unwrap();
    let hold = |ms: u64| {
        let path = path.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        let h = std::thread::spawn(move || {
            let c = rusqlite::Connection::open(&path).unwrap();
            c.execute_batch("BEGIN IMMEDIATE").unwrap();
            tx.send(()).unwrap();
            std::thread::sleep(Duration::from_millis(ms));
            c.execute_batch("COMMIT").unwrap();
        });
        rx.recv().unwrap();
        h
    };
    let c = cells(1);
    let locker = hold(300);
    let started = Instant::now();
    s.insert_observations(Actor::System, team, &[obs(c[0], 0, t(2026, 11, 2, 9, 0))])
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(250));
    locker.join().unwrap();

    let mut impatient = Store::open(
        &path,
        StoreConfig {
            busy_retry_for: Duration::from_millis(100),
            ..config
        },
    )
    .unwrap();
    let locker = hold(600);
    let e = impatient
        .insert_observations(Actor::System, team, &[obs(c[0], 0, t(2026, 11, 2, 9, 0))])
        .unwrap_err();
    assert!(matches!(e, feltkart_store::StoreError::Busy { .. }), "{e}");
    assert!(e.to_string().contains("feltkart.db"), "{e}");
    locker.join().unwrap();
    assert_eq!(count(&path, "SELECT count(*) FROM observations"), 1);
}
