//! The one criterion harness: a module per pipeline stage.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use criterion::{criterion_group, criterion_main};

mod cells;
mod day;
mod graph;
mod ingest;
mod matching;
mod plan;
mod store;

criterion_group!(
    benches,
    ingest::benches,
    graph::benches,
    cells::benches,
    day::benches,
    store::benches,
    matching::benches,
    plan::benches
);
criterion_main!(benches);
