//! The `feltkart` command line: the only place for `anyhow` and process exit codes.

mod cmd;
mod summary;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

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
