//! One module per subcommand.

pub mod cells;
pub mod day;
pub mod demo;
pub mod districts;
pub mod indicators;
pub mod ingest;
pub mod plan;
pub mod rota;
pub mod score;
pub mod stats;
