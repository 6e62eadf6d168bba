//! `feltkart demo`: the whole job on the shipped sample data.

use std::path::PathBuf;

/// Arguments of `feltkart demo`.
#[derive(clap::Args)]
pub struct Args {
    /// Where to write the demo's outputs.
    #[arg(long, default_value = "target/demo")]
    pub out: PathBuf,
    /// The sample extract (default: the shipped Helsinki centre extract).
    #[arg(long)]
    pub extract: Option<PathBuf>,
}

/// The shipped sample: found next to the binary's source tree, or under the current directory.
fn sample() -> PathBuf {
    let rel = PathBuf::from("data/osm/helsinki-centre.osm.pbf");
    if rel.exists() {
        return rel;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Run `feltkart demo`.
pub fn run(a: &Args) -> anyhow::Result<()> {
    let extract = a.extract.clone().unwrap_or_else(sample);
    std::fs::create_dir_all(&a.out)
        .map_err(|e| anyhow::anyhow!("{}: cannot create output directory: {e}", a.out.display()))?;
    let atlas = a.out.join(super::ingest::default_output(&extract));
    let summary = super::ingest::ingest(&extract, &atlas, None, false)?;
    summary.print(false)
}
