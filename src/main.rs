//! The `feltkart` command line: the only place for `anyhow` and process exit codes.

mod cmd;
mod summary;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// jemalloc, built to return freed pages to the OS at once (`.cargo/config.toml`): `ingest`
/// frees each phase's buffers before the next, and glibc's per-thread arenas kept them.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Feltkart: plan outreach walks from OpenStreetMap data.
#[derive(Parser)]
#[command(name = "feltkart", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read an OSM extract (.osm.pbf or OSM XML) and write an atlas (extract + walking graph).
    Ingest(cmd::ingest::Args),
    /// Print the summary of an atlas.
    Stats(cmd::stats::Args),
    /// Score H3 cells for a target-group profile (GeoJSON + CSV, every score explained).
    Score(cmd::score::Args),
    /// Rank districts for a profile, with top features, partners and channels (GeoJSON + CSV).
    Districts(cmd::districts::Args),
    /// Plan observation walks for field pairs (GPX, GeoJSON, walk sheet).
    #[command(subcommand)]
    Plan(cmd::plan::Command),
    /// Area statistics (mapping question 2) for an atlas's cells.
    #[command(subcommand)]
    Indicators(cmd::indicators::Command),
    /// Serve the HTTP API and the viewer (127.0.0.1:8080 by default).
    Serve(cmd::serve::Args),
    /// Users of the server.
    #[command(subcommand)]
    User(cmd::user::Command),
    /// Log what the pair did: a walk (GPX track or planned walk) or an observed sign.
    #[command(subcommand)]
    Log(cmd::log::Command),
    /// Coverage per cell and time slot over a date range (GeoJSON + CSV), and what a leader
    /// may see of the observations.
    Coverage(cmd::coverage::Args),
    /// Look after the database: online backup, retention purge, integrity check.
    #[command(subcommand)]
    Db(cmd::db::Command),
    /// Teams in the database.
    #[command(subcommand)]
    Team(cmd::db::TeamCommand),
    /// Run the demo on the shipped sample data.
    Demo(cmd::demo::Args),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FELTKART_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ingest(a) => cmd::ingest::run(&a),
        Command::Stats(a) => cmd::stats::run(&a),
        Command::Score(a) => cmd::score::run(&a),
        Command::Districts(a) => cmd::districts::run(&a),
        Command::Indicators(c) => cmd::indicators::run(&c),
        Command::Plan(c) => cmd::plan::run(&c),
        Command::Serve(a) => cmd::serve::run(&a),
        Command::User(c) => cmd::user::run(&c),
        Command::Log(c) => cmd::log::run(&c),
        Command::Coverage(a) => cmd::coverage::run(&a),
        Command::Db(c) => cmd::db::run(&c),
        Command::Team(c) => cmd::db::team(&c),
        Command::Demo(a) => cmd::demo::run(&a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            #[allow(clippy::print_stderr)]
            {
                eprintln!("error: {e:#}");
            }
            ExitCode::FAILURE
        }
    }
}
