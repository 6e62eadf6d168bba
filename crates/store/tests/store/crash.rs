//! Crash safety: SIGKILL a writer process in the middle of acknowledged batches, many times.
//!
//! The test harness re-executes itself (`std::env::current_exe()`) with
//! `FELTKART_STORE_CRASH_DB` set; in that process [`crash_writer_child`] acts as the writer: it
//! writes batches of observations and prints `ACK <batch id> <size>` to stdout only after
//! `insert_observations` has returned, i.e. after `COMMIT`. The parent kills it with SIGKILL
//! (`Child::kill`) at a random moment, then checks that every acknowledged batch is present and
//! whole, that no batch is partial, and that `PRAGMA integrity_check` is ok.
//! `FELTKART_STORE_CRASH_KILLS` sets the number of kills (default 200).

use crate::common::*;
use feltkart_store::{Actor, Store, StoreConfig, TeamId};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const DB_VAR: &str = "FELTKART_STORE_CRASH_DB";

/// The writer, when re-executed by the parent test; a no-op in a normal test run.
#[test]
fn crash_writer_child() {
    let Ok(path) = std::env::var(DB_VAR) else {
        return;
    };
    let seed: u64 = std::env::var("FELTKART_STORE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut store = Store::open(&path, StoreConfig::default()).unwrap();
    let c = cells(30);
    let mut out = std::io::stdout().lock();
    for i in 0.. {
        let n = rng.random_range(1..=50);
        let batch: Vec<_> = (0..n)
            .map(|j| obs(c[(i + j) % c.len()], j, t(2026, 11, 2, 19, 0)))
            .collect();
        let id = store
            .insert_observations(Actor::System, TeamId(1), &batch)
            .unwrap();
        // Acknowledge only now that COMMIT has returned.
        writeln!(out, "ACK {} {n}", id.0).unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn sigkill_during_acknowledged_writes() {
    if std::env::var(DB_VAR).is_ok() {
        return;
    }
    let kills: usize = std::env::var("FELTKART_STORE_CRASH_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let f = fixture();
    assert_eq!(f.team, TeamId(1));
    drop(f.store);
    let exe = std::env::current_exe().unwrap();
    let mut rng = StdRng::seed_from_u64(2026);
    let started = Instant::now();
    let mut acked: Vec<(i64, i64)> = Vec::new();
    let mut killed_with_acks = 0;
    let check = rusqlite::Connection::open(&f.path).unwrap();
    for kill in 0..kills {
        let mut child = Command::new(&exe)
            .args([
                "crash::crash_writer_child",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(DB_VAR, &f.path)
            .env("FELTKART_STORE_CRASH_SEED", kill.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.random_range(0..40_000)));
        child.kill().unwrap(); // SIGKILL on Unix
        let mut text = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        let status = child.wait().unwrap();
        assert!(!status.success(), "kill {kill}: the writer was not killed");
        // Only complete lines count: a torn last line was never an acknowledgement.
        let complete = text.rfind('\n').map_or("", |i| &text[..=i]);
        let mut this_round = 0;
        for line in complete.lines().filter(|l| l.starts_with("ACK ")) {
            let mut w = line.split_whitespace().skip(1);
            let id: i64 = w.next().unwrap().parse().unwrap();
            let n: i64 = w.next().unwrap().parse().unwrap();
            acked.push((id, n));
            this_round += 1;
        }
        if this_round > 0 {
            killed_with_acks += 1;
        }
        // Every batch acknowledged so far is there and whole.
        for &(id, n) in &acked[acked.len() - this_round..] {
            let found: i64 = check
                .query_row(
                    "SELECT count(*) FROM observations WHERE batch_id = ?",
                    [id],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(
                found, n,
                "kill {kill}: acknowledged batch {id} lost or torn"
            );
        }
    }
    let elapsed = started.elapsed();

    let store = Store::open(&f.path, StoreConfig::default()).unwrap();
    store.check().unwrap();
    for &(id, n) in &acked {
        let found: i64 = check
            .query_row(
                "SELECT count(*) FROM observations WHERE batch_id = ?",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(found, n, "acknowledged batch {id} lost");
    }
    // No batch at all (acknowledged or not) is partial.
    let torn: i64 = check
        .query_row(
            "SELECT count(*) FROM observation_batches b
             WHERE size != (SELECT count(*) FROM observations o WHERE o.batch_id = b.id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(torn, 0);
    let batches: i64 = check
        .query_row("SELECT count(*) FROM observation_batches", [], |r| r.get(0))
        .unwrap();
    eprintln!(
        "crash safety: {kills} SIGKILLs ({killed_with_acks} mid-stream after acks), \
         {} acknowledged batches ({} observations) all present, {batches} batches committed, \
         integrity_check ok, {:.1} s",
        acked.len(),
        acked.iter().map(|a| a.1).sum::<i64>(),
        elapsed.as_secs_f64()
    );
    assert!(
        !acked.is_empty(),
        "no writer ever got to acknowledge a batch"
    );
    assert!(
        elapsed < Duration::from_secs(120),
        "crash test took {elapsed:?}"
    );
}
