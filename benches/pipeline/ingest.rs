//! Bench module `ingest`: the whole ingest of a real extract, as `feltkart ingest` does it
//! (`feltkart_atlas::ingest` = read PBF + classify + assemble + build the graph, then
//! `feltkart_atlas::write` to a temporary directory).
//!
//! Extracts come from `../shared/data/osm` beside the project; a missing one is skipped with
//! a message on stderr.
#![allow(clippy::expect_used, clippy::print_stderr)]

use criterion::{Criterion, Throughput};
use std::path::PathBuf;
use std::time::Duration;

/// `../shared/data/osm/NAME` beside the project.
pub fn shared_osm(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("shared")
        .join("data")
        .join("osm")
        .join(name)
}

pub fn benches(c: &mut Criterion) {
    let tax = feltkart_osm::Taxonomy::builtin().expect("builtin taxonomy");
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut group = c.benchmark_group("ingest");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6));
    for stem in ["liechtenstein", "monaco"] {
        let pbf = shared_osm(&format!("{stem}.osm.pbf"));
        let Ok(meta) = std::fs::metadata(&pbf) else {
            eprintln!("ingest/{stem}: skipped, {} not found", pbf.display());
            continue;
        };
        let out = dir.path().join(format!("{stem}.atlas"));
        // Ten whole ingests fit: ~0.3 s each for Liechtenstein, ~0.05 s for Monaco (release).
        group.measurement_time(Duration::from_secs(if stem == "liechtenstein" {
            10
        } else {
            5
        }));
        group.throughput(Throughput::Bytes(meta.len()));
        group.bench_function(stem, |b| {
            b.iter(|| {
                let atlas = feltkart_atlas::ingest(&pbf, &tax, &|_| {}).expect("ingest");
                feltkart_atlas::write(&atlas, &out).expect("write atlas")
            });
        });
    }
    group.finish();
}
