//! What `score`, `districts` and `demo` share: an atlas, its cell table, and the profiles.

use anyhow::{Context, anyhow, bail};
use feltkart_atlas::Atlas;
use feltkart_cells::{CellOptions, CellScore, CellTable, HousingConfig, IndicatorLayer, Profile};
use feltkart_osm::Taxonomy;
use std::path::{Path, PathBuf};

/// Arguments shared by `score` and `districts`.
#[derive(clap::Args)]
pub struct Common {
    /// The atlas (from `feltkart ingest`).
    #[arg(long)]
    pub atlas: PathBuf,
    /// A profile: a shipped one by id (isolated-own-home, marginalised-adults, young-people) or a
    /// profile TOML file.
    #[arg(long)]
    pub profile: String,
    /// H3 resolution of the cells (8–11; 10 is about 66 m edge).
    #[arg(long, default_value_t = feltkart_cells::DEFAULT_RESOLUTION)]
    pub resolution: u8,
    /// The place taxonomy the atlas was made with, if not the shipped one.
    #[arg(long)]
    pub taxonomy: Option<PathBuf>,
    /// Where to write the GeoJSON and CSV files.
    #[arg(short, long, default_value = ".")]
    pub out: PathBuf,
}

/// An atlas with its cell features.
pub struct Scoring {
    /// The atlas.
    pub atlas: Atlas,
    /// The taxonomy.
    pub taxonomy: Taxonomy,
    /// Per-cell features.
    pub table: CellTable,
    /// Imported indicator layers (`feltkart indicators import`), if any.
    pub layers: Vec<IndicatorLayer>,
    /// The atlas file's checksum, when it was read from a file.
    pub checksum: Option<u32>,
}

impl Scoring {
    /// Scores of every cell for `p`, with the imported layers.
    pub fn scores(&self, p: &Profile) -> anyhow::Result<Vec<CellScore>> {
        Ok(feltkart_cells::score_cells_with_layers(
            &self.table,
            p,
            &self.layers,
        )?)
    }
}

/// Read the taxonomy (shipped or `path`).
pub fn taxonomy(path: Option<&Path>) -> anyhow::Result<Taxonomy> {
    Ok(match path {
        Some(p) => Taxonomy::load(p)?,
        None => Taxonomy::builtin()?,
    })
}

/// Compute the cell table of an atlas.
pub fn features(atlas: Atlas, taxonomy: Taxonomy, resolution: u8) -> anyhow::Result<Scoring> {
    let opts = CellOptions {
        resolution,
        ..CellOptions::default()
    };
    let table = feltkart_cells::cell_features(
        &atlas.extract,
        &atlas.graph,
        &taxonomy,
        &HousingConfig::builtin()?,
        &opts,
    )?;
    Ok(Scoring {
        atlas,
        taxonomy,
        table,
        layers: Vec::new(),
        checksum: None,
    })
}

/// Load an atlas and compute its cell table.
pub fn load(c: &Common) -> anyhow::Result<Scoring> {
    let tax = taxonomy(c.taxonomy.as_deref())?;
    let (atlas, checksum) = feltkart_atlas::read(&c.atlas)?;
    let mut s = features(atlas, tax, c.resolution)?;
    s.checksum = Some(checksum);
    s.layers = feltkart_cells::load_layers_if_present(&feltkart_cells::layers_path(&c.atlas))?;
    Ok(s)
}

/// A shipped profile by id, or a profile file.
pub fn profile(name: &str, tax: &Taxonomy) -> anyhow::Result<Profile> {
    let shipped = Profile::builtin(tax)?;
    if let Some(p) = shipped.iter().find(|p| p.id == name) {
        return Ok(p.clone());
    }
    let path = Path::new(name);
    if path.extension().is_some_and(|e| e == "toml") || path.exists() {
        return Ok(Profile::load(path, tax)?);
    }
    let ids: Vec<&str> = shipped.iter().map(|p| p.id.as_str()).collect();
    Err(anyhow!(
        "unknown profile `{name}`: use one of {} or the path of a profile .toml file",
        ids.join(", ")
    ))
}

/// Write `text` to `dir/name`, creating `dir`.
pub fn write(dir: &Path, name: &str, text: &str) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create output directory", dir.display()))?;
    let path = dir.join(name);
    std::fs::write(&path, text).with_context(|| format!("{}: cannot write", path.display()))?;
    Ok(path)
}

/// Refuse an empty table with a clear message.
pub fn nonempty(s: &Scoring) -> anyhow::Result<()> {
    if s.table.cells.is_empty() {
        bail!(
            "{}: no housing or places to score",
            s.atlas.extract.source.file_name
        );
    }
    Ok(())
}
