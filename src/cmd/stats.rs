//! `feltkart stats`: the summary of an atlas.

use crate::summary::Summary;
use std::path::PathBuf;

/// Arguments of `feltkart stats`.
#[derive(clap::Args)]
pub struct Args {
    /// The atlas file.
    pub atlas: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Run `feltkart stats`.
pub fn run(a: &Args) -> anyhow::Result<()> {
    let (atlas, checksum) = feltkart_atlas::read(&a.atlas)?;
    let bytes = std::fs::metadata(&a.atlas).map(|m| m.len()).unwrap_or(0);
    Summary::new(&atlas, Some((&a.atlas, bytes, checksum)), None).print(a.json)
}
