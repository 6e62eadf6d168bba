//! `feltkart score`: every cell's 0–100 score for a profile, explained, as GeoJSON and CSV.

use super::cells::{Common, load, nonempty, profile, write};
use feltkart_cells::output::{cells_csv, cells_geojson};
use std::io::Write;

/// Arguments of `feltkart score`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// How many of the best cells to print with their explanation.
    #[arg(long, default_value_t = 5)]
    pub top: usize,
    /// Also write the scores aggregated to this coarser resolution (for maps zoomed out).
    #[arg(long)]
    pub display_resolution: Option<u8>,
}

/// Run `feltkart score`.
pub fn run(a: &Args) -> anyhow::Result<()> {
    let s = load(&a.common)?;
    nonempty(&s)?;
    let p = profile(&a.common.profile, &s.taxonomy)?;
    let scores = s.scores(&p)?;
    let geo = write(
        &a.common.out,
        &format!("cells-{}.geojson", p.id),
        &cells_geojson(&s.table, &scores, &p).to_string(),
    )?;
    let csv = write(
        &a.common.out,
        &format!("cells-{}.csv", p.id),
        &cells_csv(&s.table, &scores)?,
    )?;
    let display = match a.display_resolution {
        Some(r) => {
            let cells = feltkart_cells::output::aggregate_scores(&s.table, &scores, r)?;
            let text = feltkart_cells::output::display_geojson(&cells, &p, r).to_string();
            Some(write(
                &a.common.out,
                &format!("cells-{}-r{r}.geojson", p.id),
                &text,
            )?)
        }
        None => None,
    };
    let mut best: Vec<&feltkart_cells::CellScore> = scores.iter().collect();
    best.sort_by(|x, y| y.score.total_cmp(&x.score).then(x.cell.cmp(&y.cell)));
    let mut out = std::io::stdout().lock();
    let layers: Vec<&str> = s.layers.iter().map(|l| l.name.as_str()).collect();
    let layers = if layers.is_empty() {
        "none".to_owned()
    } else {
        layers.join(", ")
    };
    writeln!(
        out,
        "{} ({}, revision {}): {} cells at resolution {}; imported indicator layers: {layers}",
        p.label,
        p.id,
        p.revision,
        scores.len(),
        s.table.resolution
    )?;
    for c in best.iter().take(a.top) {
        writeln!(out, "  {} {}", c.cell, c.explain())?;
    }
    writeln!(out, "wrote {} and {}", geo.display(), csv.display())?;
    if let Some(d) = display {
        writeln!(out, "wrote {}", d.display())?;
    }
    Ok(())
}
