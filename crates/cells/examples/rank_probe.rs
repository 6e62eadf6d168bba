#![allow(clippy::print_stdout)]
use feltkart_cells::*;
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tax = feltkart_osm::Taxonomy::builtin()?;
    let f = std::env::args().nth(1).ok_or("file")?;
    let t0 = std::time::Instant::now();
    let atlas = feltkart_atlas::ingest(std::path::Path::new(&f), &tax, &|_| {})?;
    let t1 = std::time::Instant::now();
    let table = cell_features(
        &atlas.extract,
        &atlas.graph,
        &tax,
        &HousingConfig::builtin()?,
        &CellOptions::default(),
    )?;
    let t2 = std::time::Instant::now();
    println!(
        "ingest {:.2}s features {:.3}s cells {}",
        (t1 - t0).as_secs_f64(),
        (t2 - t1).as_secs_f64(),
        table.cells.len()
    );
    for p in Profile::builtin(&tax)? {
        let t = std::time::Instant::now();
        let s = score_cells(&table, &p)?;
        let r = rank_districts(
            &table,
            &s,
            &atlas.extract.districts,
            &DistrictOptions::default(),
        )?;
        println!(
            "{} ({:.3}s): {} districts",
            p.id,
            t.elapsed().as_secs_f64(),
            r.len()
        );
        for d in r.iter().take(4) {
            println!(
                "  {:?} {:?} {:.1} dw {:.0} cells {}",
                d.key, d.name, d.score, d.dwellings, d.cells
            );
        }
        let best = s
            .iter()
            .max_by(|a, b| a.score.total_cmp(&b.score))
            .ok_or("none")?;
        println!("  best cell {}", best.explain());
    }
    Ok(())
}
