//! `feltkart indicators import`: area statistics (mapping question 2) onto the atlas's H3 cells,
//! kept beside the atlas in `NAME.indicators.json`; profiles weight the layers by name.

use feltkart_cells::{
    Aggregate, ImportOptions, import_file, layers_path, load_layers_if_present, merge_layers,
    save_layers,
};
use std::io::Write;
use std::path::PathBuf;

/// `feltkart indicators ...`
#[derive(clap::Subcommand)]
pub enum Command {
    /// Import a CSV (an `h3` column, or `lon`/`lat` columns, plus numeric columns) or a GeoJSON
    /// FeatureCollection of polygons with numeric properties. Nothing is written unless every
    /// row is valid.
    Import(ImportArgs),
    /// List the layers imported for an atlas.
    List(ListArgs),
}

/// Arguments of `feltkart indicators import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// The CSV or GeoJSON file.
    pub file: PathBuf,
    /// The atlas the layers belong to (they are stored beside it).
    #[arg(long)]
    pub atlas: PathBuf,
    /// Layer name (lower-case letters, digits, `_`), used in profiles' `[indicators]`.
    #[arg(long)]
    pub name: String,
    /// Where the numbers come from.
    #[arg(long)]
    pub source: String,
    /// The year they describe.
    #[arg(long)]
    pub year: u16,
    /// Import only this column (CSV) or property (GeoJSON).
    #[arg(long)]
    pub column: Option<String>,
    /// Values are counts: sum them per cell (and split polygons by area) instead of averaging.
    #[arg(long)]
    pub sum: bool,
    /// H3 resolution of the cells (as used with `score`).
    #[arg(long, default_value_t = feltkart_cells::DEFAULT_RESOLUTION)]
    pub resolution: u8,
}

/// Arguments of `feltkart indicators list`.
#[derive(clap::Args)]
pub struct ListArgs {
    /// The atlas.
    #[arg(long)]
    pub atlas: PathBuf,
}

/// Run `feltkart indicators ...`.
pub fn run(c: &Command) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match c {
        Command::Import(a) => {
            let (atlas, _) = feltkart_atlas::read(&a.atlas)?;
            let mut opts = ImportOptions::new(&a.name, &a.source, a.year);
            opts.column.clone_from(&a.column);
            opts.resolution = a.resolution;
            opts.aggregate = if a.sum {
                Aggregate::Sum
            } else {
                Aggregate::Mean
            };
            opts.bbox = Some(
                atlas
                    .extract
                    .source
                    .header_bbox
                    .unwrap_or(atlas.extract.source.node_bbox),
            );
            let new = import_file(&a.file, &opts)?;
            let path = layers_path(&a.atlas);
            let all = merge_layers(load_layers_if_present(&path)?, new.clone());
            save_layers(&path, &all)?;
            for l in &new {
                writeln!(
                    out,
                    "imported {} ({}, {}): {} cells",
                    l.name,
                    l.source,
                    l.year,
                    l.values.len()
                )?;
            }
            writeln!(
                out,
                "layers of {}: {} (in {})",
                a.atlas.display(),
                all.len(),
                path.display()
            )?;
        }
        Command::List(a) => {
            let path = layers_path(&a.atlas);
            let layers = load_layers_if_present(&path)?;
            if layers.is_empty() {
                writeln!(
                    out,
                    "no indicator layers for {} (import with `feltkart indicators import`)",
                    a.atlas.display()
                )?;
            }
            for l in &layers {
                writeln!(
                    out,
                    "{}  {} {}  {} cells",
                    l.name,
                    l.source,
                    l.year,
                    l.values.len()
                )?;
            }
        }
    }
    Ok(())
}
