//! Bench module `ingest`.

pub fn benches(_c: &mut criterion::Criterion) {}
