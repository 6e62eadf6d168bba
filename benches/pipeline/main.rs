//! The one criterion harness: a module per pipeline stage.

use criterion::{criterion_group, criterion_main};

mod graph;
mod ingest;

criterion_group!(benches, ingest::benches, graph::benches);
criterion_main!(benches);
