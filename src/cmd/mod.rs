//! One module per subcommand.

pub mod cells;
pub mod coverage;
pub mod day;
pub mod db;
pub mod demo;
pub mod districts;
pub mod history;
pub mod indicators;
pub mod ingest;
pub mod log;
pub mod plan;
pub mod rota;
pub mod score;
pub mod serve;
pub mod stats;
pub mod store;
pub mod user;
