//! The one integration test binary: a module per concern.
//!
//! Real extracts are read from `../shared/data/osm` (beside the project, as in CI) and shipped
//! samples from `data/osm`; fixtures from `tests/fixtures`. Paths come from `CARGO_MANIFEST_DIR`,
//! never the current directory.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod bad_input;
mod cells_cli;
mod common;
mod day_cli;
mod fixtures;
mod map_matching;
mod pbf_writer;
mod peer_graph;
mod peer_ingest;
mod store_cli;
