//! Scores an extract under every shipped profile and prints the top districts and the best
//! cell's explanation, with timings: a quick look at what the library gives a planner.
//!
//! `cargo run --release -p feltkart-cells --example rank_districts -- FILE.osm.pbf`
#![allow(clippy::print_stdout)]

use feltkart_cells::{
    CellOptions, DistrictOptions, HousingConfig, Profile, cell_features, rank_districts,
    score_cells,
};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: rank_districts FILE.osm.pbf")?;
    let tax = feltkart_osm::Taxonomy::builtin()?;
    let t = Instant::now();
    let atlas = feltkart_atlas::ingest(std::path::Path::new(&path), &tax, &|_| {})?;
    let ingest_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let table = cell_features(
        &atlas.extract,
        &atlas.graph,
        &tax,
        &HousingConfig::builtin()?,
        &CellOptions::default(),
    )?;
    let features_s = t.elapsed().as_secs_f64();
    let dwellings: f64 = table.cells.iter().map(|c| c.housing.dwellings).sum();
    println!(
        "{path}: ingest {ingest_s:.3} s, features {features_s:.3} s, {} cells, {dwellings:.0} dwellings",
        table.cells.len()
    );
    for profile in Profile::builtin(&tax)? {
        let t = Instant::now();
        let scores = score_cells(&table, &profile)?;
        let ranked = rank_districts(
            &table,
            &scores,
            &atlas.extract.districts,
            &DistrictOptions::default(),
        )?;
        println!(
            "\n{} ({}; scored and ranked in {:.3} s): {} districts",
            profile.label,
            profile.id,
            t.elapsed().as_secs_f64(),
            ranked.len()
        );
        for (i, d) in ranked.iter().take(5).enumerate() {
            let name = d.name.as_deref().unwrap_or("-");
            println!(
                "  {:>2}. {:<24} {:<20} {:5.1}  {:6.0} dwellings  {:3} cells",
                i + 1,
                d.key.to_string(),
                name,
                d.score,
                d.dwellings,
                d.cells
            );
        }
        if let Some(best) = scores
            .iter()
            .max_by(|a, b| a.score.total_cmp(&b.score).then(b.cell.cmp(&a.cell)))
        {
            println!("  best cell {}: {}", best.cell, best.explain());
        }
    }
    Ok(())
}
