//! `feltkart districts`: districts ranked for a profile, with what makes them score, their
//! partners and channels; GeoJSON and CSV.

use super::cells::{Common, Scoring, load, nonempty, profile, write};
use feltkart_cells::output::{DistrictReport, district_reports, districts_csv, districts_geojson};
use feltkart_cells::{DistrictOptions, Profile};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `feltkart districts`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub common: Common,
    /// How many districts to print.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
}

/// Rank districts and write their GeoJSON and CSV into `out`; returns the reports and files.
pub fn rank(
    s: &Scoring,
    p: &Profile,
    out: &std::path::Path,
) -> anyhow::Result<(Vec<DistrictReport>, PathBuf, PathBuf)> {
    let scores = s.scores(p)?;
    let opts = DistrictOptions::default();
    let districts = &s.atlas.extract.districts;
    let assignment = feltkart_cells::assign_districts(&s.table, districts, &opts)?;
    let ranked = feltkart_cells::rank_districts(&s.table, &scores, districts, &opts)?;
    let roles: Vec<_> = s.taxonomy.kinds.iter().map(|k| k.roles.clone()).collect();
    let reports = district_reports(
        &s.table,
        &scores,
        &assignment,
        &ranked,
        &s.atlas.extract,
        &roles,
    );
    let geo = write(
        out,
        &format!("districts-{}.geojson", p.id),
        &districts_geojson(&reports, p, s.table.resolution).to_string(),
    )?;
    let csv = write(
        out,
        &format!("districts-{}.csv", p.id),
        &districts_csv(&reports)?,
    )?;
    Ok((reports, geo, csv))
}

/// Print the top `n` districts as a table.
pub fn print(
    out: &mut impl Write,
    p: &Profile,
    reports: &[DistrictReport],
    n: usize,
) -> std::io::Result<()> {
    writeln!(out, "{} ({}): {} districts", p.label, p.id, reports.len())?;
    writeln!(
        out,
        "  rank  score  dwellings  cells  district                  top features; partners"
    )?;
    for r in reports.iter().take(n) {
        let d = &r.district;
        let name = d.name.clone().unwrap_or_else(|| d.key.to_string());
        let top: Vec<String> = r
            .top_features
            .iter()
            .take(3)
            .map(|(f, pts)| format!("{f} {pts:.1}"))
            .collect();
        let partners = if r.partners.is_empty() {
            String::new()
        } else {
            format!("; partners: {}", r.partners.join(", "))
        };
        writeln!(
            out,
            "  {:>4}  {:>5.1}  {:>9.0}  {:>5}  {:<24}  {}{}",
            r.rank,
            d.score,
            d.dwellings,
            d.cells,
            name,
            top.join(", "),
            partners
        )?;
    }
    Ok(())
}

/// Run `feltkart districts`.
pub fn run(a: &Args) -> anyhow::Result<()> {
    let s = load(&a.common)?;
    nonempty(&s)?;
    let p = profile(&a.common.profile, &s.taxonomy)?;
    let (reports, geo, csv) = rank(&s, &p, &a.common.out)?;
    let mut out = std::io::stdout().lock();
    print(&mut out, &p, &reports, a.top)?;
    writeln!(out, "wrote {} and {}", geo.display(), csv.display())?;
    Ok(())
}
