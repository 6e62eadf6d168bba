//! Bench module `cells`: per-cell features (housing polygons to H3 resolution 10, walking
//! access to every place kind) and scoring with one profile, on Liechtenstein and, when
//! `scripts/peer-ratios.sh` has made them, its 4x and 16x tiled copies in `target/tiles/`
//! (the scaling the cells issue asks for).
#![allow(clippy::expect_used, clippy::print_stderr)]

use criterion::{BenchmarkId, Criterion};
use feltkart_cells::{CellOptions, HousingConfig, Profile};
use std::path::PathBuf;
use std::time::Duration;

pub fn benches(c: &mut Criterion) {
    let tax = feltkart_osm::Taxonomy::builtin().expect("builtin taxonomy");
    let housing = HousingConfig::builtin().expect("housing defaults");
    let profile = Profile::builtin(&tax)
        .expect("profiles")
        .into_iter()
        .find(|p| p.id == "young-people")
        .expect("young-people");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let inputs = [
        ("1x", super::ingest::shared_osm("liechtenstein.osm.pbf")),
        ("4x", root.join("target/tiles/liechtenstein.x4.osm.pbf")),
        ("16x", root.join("target/tiles/liechtenstein.x16.osm.pbf")),
    ];
    let mut group = c.benchmark_group("cells");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8));
    for (size, pbf) in inputs {
        if !pbf.exists() {
            eprintln!(
                "cells/{size}: skipped, {} not found (scripts/peer-ratios.sh makes the tiled copies)",
                pbf.display()
            );
            continue;
        }
        let atlas = feltkart_atlas::ingest(&pbf, &tax, &|_| {}).expect("ingest");
        group.bench_function(BenchmarkId::new("features_r10", size), |b| {
            b.iter(|| {
                feltkart_cells::cell_features(
                    &atlas.extract,
                    &atlas.graph,
                    &tax,
                    &housing,
                    &CellOptions::default(),
                )
                .expect("features")
            });
        });
        let table = feltkart_cells::cell_features(
            &atlas.extract,
            &atlas.graph,
            &tax,
            &housing,
            &CellOptions::default(),
        )
        .expect("features");
        group.bench_function(BenchmarkId::new("score_young_people", size), |b| {
            b.iter(|| feltkart_cells::score_cells(&table, &profile).expect("score"));
        });
    }
    group.finish();
}
