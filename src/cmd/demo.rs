//! `feltkart demo`: the whole job on the shipped sample data: ingest, then score every
//! shipped profile and rank districts; outputs go to `--out`.

use std::io::Write;
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
    let atlas_path = a.out.join(super::ingest::default_output(&extract));
    let summary = super::ingest::ingest(&extract, &atlas_path, None, false)?;
    summary.print(false)?;

    let (atlas, _) = feltkart_atlas::read(&atlas_path)?;
    let tax = super::cells::taxonomy(None)?;
    let s = super::cells::features(atlas, tax, feltkart_cells::DEFAULT_RESOLUTION)?;
    super::cells::nonempty(&s)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "\nPriority districts per target group ({} H3 cells at resolution {}):",
        s.table.cells.len(),
        s.table.resolution
    )?;
    for p in feltkart_cells::Profile::builtin(&s.taxonomy)? {
        let scores = s.scores(&p)?;
        let cells_geo = feltkart_cells::output::cells_geojson(&s.table, &scores, &p).to_string();
        super::cells::write(&a.out, &format!("cells-{}.geojson", p.id), &cells_geo)?;
        super::cells::write(
            &a.out,
            &format!("cells-{}.csv", p.id),
            &feltkart_cells::output::cells_csv(&s.table, &scores)?,
        )?;
        let (reports, _, _) = super::districts::rank(&s, &p, &a.out)?;
        writeln!(out)?;
        super::districts::print(&mut out, &p, &reports, 3)?;
    }
    drop(out);
    // An evening walk for two pairs from the Railway Square, in December (after dark).
    #[allow(clippy::print_stdout)]
    {
        println!(
            "\nTwo pairs, 90 minutes from Rautatientori at 19:00 on 1 December, with 12-minute stops at hotspots (young-people):"
        );
    }
    let walk = super::plan::WalkArgs {
        common: super::cells::Common {
            atlas: atlas_path.clone(),
            profile: "young-people".into(),
            resolution: feltkart_cells::DEFAULT_RESOLUTION,
            taxonomy: None,
            out: a.out.clone(),
        },
        start: vec![feltkart_model::LonLat {
            lon: 24.9426,
            lat: 60.1712,
        }],
        end: None,
        minutes: 90,
        at: chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(19, 0, 0))
            .ok_or_else(|| anyhow::anyhow!("demo date"))?,
        utc_offset: chrono::FixedOffset::east_opt(2 * 3600)
            .ok_or_else(|| anyhow::anyhow!("demo offset"))?,
        pairs: 2,
        seed: 1,
        dwell_minutes: 12,
        db: None,
        team: None,
        coverage_days: 28,
    };
    super::plan::walk(&walk)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "\nOutputs (atlas, GeoJSON, CSV, GPX, walk sheets) in {}; map data © OpenStreetMap contributors (ODbL).",
        a.out.display()
    )?;
    Ok(())
}
