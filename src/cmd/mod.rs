//! One module per subcommand.

pub mod cells;
pub mod demo;
pub mod districts;
pub mod indicators;
pub mod ingest;
pub mod plan;
pub mod score;
pub mod serve;
pub mod stats;
pub mod user;
