//! Group commit: 64 clients write at once through one `BatchWriter`.

use crate::common::*;
use feltkart_model::{DayPart, SignCode, TimeSlot};
use feltkart_store::batch::{BatchWriter, BatchWriterConfig};
use feltkart_store::{Actor, CellSlotWalk, StoreConfig, StoreError, WalkLog};
use std::sync::{Arc, Barrier};

#[test]
fn batch_writer_group_commits_and_isolates_bad_requests() {
    let f = fixture();
    let (path, team) = (f.path.clone(), f.team);
    drop(f.store);
    let writer =
        BatchWriter::spawn(&path, StoreConfig::default(), BatchWriterConfig::default()).unwrap();
    let c = cells(10);
    let clients = 64;
    let per_client = 10;
    let barrier = Arc::new(Barrier::new(clients));
    let threads: Vec<_> = (0..clients)
        .map(|k| {
            let h = writer.handle().unwrap();
            let (barrier, c) = (barrier.clone(), c.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let mut ok = Vec::new();
                let mut refused = 0;
                for i in 0..per_client {
                    let mut batch: Vec<_> = (0..3)
                        .map(|j| obs(c[(k + i + j) % 10], j, t(2026, 11, 2, 19, 0)))
                        .collect();
                    let bad = (k + i) % 7 == 0;
                    if bad {
                        batch[1].sign = SignCode::new("nope").unwrap();
                    }
                    match h.insert_observations(Actor::System, team, batch) {
                        Ok(id) => {
                            assert!(!bad);
                            ok.push(id);
                        }
                        Err(StoreError::UnknownSignCode { index: 1, .. }) if bad => refused += 1,
                        Err(e) => panic!("client {k}: {e}"),
                    }
                }
                // And a walk, valid or (for every eighth client) with no walkers.
                let walk = WalkLog {
                    team,
                    date: day(2026, 11, 2),
                    walkers: if k % 8 == 0 { 0 } else { 2 },
                    cells: vec![CellSlotWalk {
                        cell: c[k % 10],
                        slot: TimeSlot {
                            day_part: DayPart::Evening,
                            weekend: false,
                        },
                        minutes: 3.0,
                        metres: 250.0,
                    }],
                };
                let walked = h.log_walk(Actor::System, walk);
                assert_eq!(walked.is_ok(), k % 8 != 0, "client {k}: {walked:?}");
                (ok, refused)
            })
        })
        .collect();
    let mut ok = Vec::new();
    let mut refused = 0;
    for t in threads {
        let (o, r) = t.join().unwrap();
        ok.extend(o);
        refused += r;
    }
    let stats = writer.shutdown();
    assert_eq!(ok.len() + refused, clients * per_client);
    assert!(refused > 0);
    assert_eq!(
        stats.requests,
        u64::try_from(clients * (per_client + 1)).unwrap()
    );
    assert_eq!(count(&path, "SELECT count(*) FROM walks"), 56);
    // 64 clients released at once: the writer must have put several requests in one commit.
    assert!(stats.commits < stats.requests, "no group commit: {stats:?}");
    eprintln!(
        "batch writer: {} requests in {} commits ({refused} refused alone)",
        stats.requests, stats.commits
    );
    let total = count(&path, "SELECT count(*) FROM observations");
    assert_eq!(total, i64::try_from(ok.len() * 3).unwrap());
    let mut ids: Vec<_> = ok.iter().map(|b| b.0).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), ok.len(), "distinct batch ids");
}
