//! Bench module `store`: the embedded store's write and query paths.
//!
//! - `store/insert_100k_one_tx`: 100,000 observations in one batched transaction (goal < 1 s).
//! - `store/ack_write_single`: latency of one acknowledged write (one observation, `COMMIT`
//!   with `synchronous=FULL`: fsync-bound, so it measures the disk).
//! - `store/ack_write_64_clients_batchwriter`: 64 clients each writing one batch at once through
//!   the group-committing `BatchWriter` (time until all 64 are acknowledged).
//! - `store/coverage_team_90d` and `store/coverage_report_team_90d`: coverage for one team
//!   over 90 days (goal < 50 ms); the report adds outdoor hours, priority share, slot
//!   diversity and the gap list.

use chrono::{Days, NaiveDate};
use criterion::{BatchSize, Criterion};
use feltkart_model::{DayPart, Observation, SignCode, TimeSlot};
use feltkart_store::batch::{BatchWriter, BatchWriterConfig};
use feltkart_store::{Actor, CellSlotWalk, GapQuery, Store, StoreConfig, TeamId, WalkLog};
use h3o::{LatLng, Resolution};
use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const SIGNS: [&str; 5] = [
    "overfull_mailbox",
    "covered_windows",
    "litter",
    "neglected_garden",
    "note_still_there",
];

fn cells(n: usize) -> Vec<u64> {
    let centre = LatLng::new(55.3127, 10.7896)
        .unwrap()
        .to_cell(Resolution::Nine);
    let mut k = 1;
    loop {
        let disk: Vec<u64> = centre
            .grid_disk::<Vec<_>>(k)
            .into_iter()
            .map(u64::from)
            .collect();
        if disk.len() >= n {
            return disk.into_iter().take(n).collect();
        }
        k += 1;
    }
}

fn fresh(dir: &tempfile::TempDir, name: &str) -> (Store, TeamId) {
    let mut s = Store::open(dir.path().join(name), StoreConfig::default()).unwrap();
    let team = s.create_team(Actor::System, "bench", 74.0).unwrap();
    let signs: Vec<SignCode> = SIGNS.iter().map(|s| SignCode::new(s).unwrap()).collect();
    s.set_sign_codes(Actor::System, &signs).unwrap();
    (s, team)
}

fn observations(n: usize, cells: &[u64]) -> Vec<Observation> {
    let start = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    (0..n)
        .map(|i| Observation {
            cell: cells[i % cells.len()],
            sign: SignCode::new(SIGNS[i % SIGNS.len()]).unwrap(),
            at: start
                .checked_add_days(Days::new((i % 90) as u64))
                .unwrap()
                .and_hms_opt((i % 24) as u32, (i % 60) as u32, 0)
                .unwrap(),
        })
        .collect()
}

pub fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let cs = cells(400);

    let mut g = c.benchmark_group("store");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    let batch = observations(100_000, &cs);
    let mut n = 0;
    g.bench_function("insert_100k_one_tx", |b| {
        b.iter_batched(
            || {
                n += 1;
                fresh(&dir, &format!("bulk{n}.db"))
            },
            |(mut s, team)| {
                black_box(s.insert_observations(Actor::System, team, &batch).unwrap());
                s
            },
            BatchSize::PerIteration,
        );
    });

    let (mut s, team) = fresh(&dir, "single.db");
    let one = observations(1, &cs);
    g.sample_size(50);
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("ack_write_single", |b| {
        b.iter(|| black_box(s.insert_observations(Actor::System, team, &one).unwrap()));
    });
    drop(s);

    let (s, team) = fresh(&dir, "group.db");
    drop(s);
    let writer = BatchWriter::spawn(
        dir.path().join("group.db"),
        StoreConfig::default(),
        BatchWriterConfig::default(),
    )
    .unwrap();
    g.bench_function("ack_write_64_clients_batchwriter", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let barrier = Arc::new(Barrier::new(65));
                let threads: Vec<_> = (0..64)
                    .map(|_| {
                        let h = writer.handle().unwrap();
                        let (barrier, one) = (barrier.clone(), one.clone());
                        std::thread::spawn(move || {
                            barrier.wait();
                            h.insert_observations(Actor::System, team, one).unwrap();
                        })
                    })
                    .collect();
                barrier.wait();
                let t0 = Instant::now();
                for t in threads {
                    t.join().unwrap();
                }
                total += t0.elapsed();
            }
            total
        });
    });
    drop(writer);

    // 90 days of a team walking twice a day through 40 of 400 cells, in varying slots, plus
    // another team's walks and 20,000 observations.
    let (mut s, team) = fresh(&dir, "coverage.db");
    let other = s.create_team(Actor::System, "other", 37.0).unwrap();
    let start = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap();
    let slots = TimeSlot::all();
    for d in 0..90u64 {
        let date = start.checked_add_days(Days::new(d)).unwrap();
        for w in 0..2usize {
            for t in [team, other] {
                let slot = slots[(d as usize * 3 + w * 7) % slots.len()];
                let first = (d as usize * 13 + w * 40) % (cs.len() - 40);
                let cells = cs[first..first + 40]
                    .iter()
                    .map(|&cell| CellSlotWalk {
                        cell,
                        slot,
                        minutes: 2.5,
                        metres: 180.0,
                    })
                    .collect();
                s.log_walk(
                    Actor::System,
                    &WalkLog {
                        team: t,
                        date,
                        walkers: 2,
                        cells,
                    },
                )
                .unwrap();
            }
        }
    }
    s.insert_observations(Actor::System, team, &observations(20_000, &cs))
        .unwrap();
    let to = start.checked_add_days(Days::new(89)).unwrap();
    let priorities: Vec<(u64, f64)> = cs
        .iter()
        .step_by(4)
        .enumerate()
        .map(|(i, &c)| (c, 1.0 + (i % 5) as f64))
        .collect();
    let prio_cells: Vec<u64> = priorities.iter().map(|p| p.0).collect();
    g.sample_size(50);
    g.bench_function("coverage_team_90d", |b| {
        b.iter(|| black_box(s.coverage(Some(team), start, to).unwrap()));
    });
    g.bench_function("coverage_report_team_90d", |b| {
        b.iter(|| {
            black_box(s.coverage(Some(team), start, to).unwrap());
            black_box(s.outdoor_hours(team, start, to).unwrap());
            black_box(s.priority_coverage(team, start, to, &prio_cells).unwrap());
            black_box(s.team_slot_diversity(team, start, to).unwrap());
            black_box(
                s.gaps(
                    team,
                    start,
                    to,
                    &GapQuery {
                        slot: TimeSlot {
                            day_part: DayPart::Evening,
                            weekend: false,
                        },
                        priorities: &priorities,
                        target_minutes: 30.0,
                        limit: 50,
                    },
                )
                .unwrap(),
            )
        });
    });
    g.finish();
}
