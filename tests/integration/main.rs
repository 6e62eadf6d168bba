//! The one integration test binary: a module per concern.
//!
//! Real extracts are read from `../shared/data/osm` (beside the project, as in CI) and shipped
//! samples from `data/osm`; fixtures from `tests/fixtures`. Paths come from `CARGO_MANIFEST_DIR`,
//! never the current directory.

// Tests may unwrap, expect and panic (house style: the deny lints are for library code).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod fixtures;
mod bad_input;
mod pbf_writer;
mod peer_ingest;
mod peer_graph;
