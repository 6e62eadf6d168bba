//! Bench module `graph`.

pub fn benches(_c: &mut criterion::Criterion) {}
