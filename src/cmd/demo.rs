//! `feltkart demo`: the whole job on the shipped sample data: ingest, score every shipped
//! profile and rank districts, plan walks, a day route and a rota (outputs in `--out`), then
//! serve the API and the viewer on 127.0.0.1 with demo users of every role.

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
    /// Address the viewer and the API are served on at the end.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Stop after writing the outputs, without serving the viewer.
    #[arg(long)]
    pub no_serve: bool,
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
    let mut young: Vec<feltkart_cells::output::DistrictReport> = Vec::new();
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
        if p.id == "young-people" {
            young = reports;
        }
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
    drop(s);
    day_and_rota(a, &atlas_path, &young)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "\nOutputs (atlas, GeoJSON, CSV, GPX, walk sheets) in {}; map data © OpenStreetMap contributors (ODbL).",
        a.out.display()
    )?;
    drop(out);
    if a.no_serve {
        return Ok(());
    }
    serve(a, &atlas_path)
}

/// Serve the demo's atlas with a store in `--out` and demo users of every role, until Ctrl-C.
fn serve(a: &Args, atlas: &std::path::Path) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "\nThe viewer: http://{}/ (log in as one of the users below; Ctrl-C stops the server)",
        a.listen
    )?;
    drop(out);
    super::serve::run(&super::serve::Args {
        atlas: atlas.to_path_buf(),
        db: a.out.join("feltkart.db"),
        listen: a.listen,
        web: None,
        resolution: feltkart_cells::DEFAULT_RESOLUTION,
        concurrency: 64,
        timeout_secs: 30,
        body_limit: 1 << 20,
        cors_any: false,
        demo_users: true,
    })
}

/// Made-up revisits around `centre` (offsets in metres east and north): two promised
/// appointments, one of them set so that it clashes with the other, and three searches, one
/// of which failed in the evening last week.
fn demo_revisits(centre: feltkart_model::LonLat) -> String {
    let at = |east: f64, north: f64| {
        let lat = centre.lat + north / 111_195.0;
        let lon = centre.lon + east / (111_195.0 * centre.lat.to_radians().cos());
        format!("{{\"lon\": {lon:.6}, \"lat\": {lat:.6}}}")
    };
    format!(
        r#"{{"revisits": [
  {{"id": 1, "place": {}, "mode": "appointment", "window": {{"start": "2026-12-08T13:30", "end": "2026-12-08T14:00"}}, "priority": 4, "team": 1,
   "attempts": [{{"at": "2026-12-01T13:40", "outcome": "contact"}}]}},
  {{"id": 2, "place": {}, "mode": "appointment", "window": {{"start": "2026-12-08T15:30", "end": "2026-12-08T15:45"}}, "priority": 3, "team": 1}},
  {{"id": 3, "place": {}, "mode": "appointment", "window": {{"start": "2026-12-08T15:30", "end": "2026-12-08T15:45"}}, "priority": 2, "team": 1}},
  {{"id": 4, "place": {}, "mode": "search", "due": "2026-12-15", "priority": 5, "team": 1,
   "attempts": [{{"at": "2026-12-03T19:20", "outcome": "no_answer"}}]}},
  {{"id": 5, "place": {}, "mode": "search", "due": "2026-12-12", "priority": 2, "team": 1,
   "attempts": [{{"at": "2026-12-04T14:10", "outcome": "note_left"}}]}},
  {{"id": 6, "place": {}, "mode": "search", "due": "2026-12-20", "priority": 1, "team": 1}}
]}}
"#,
        at(0.0, 0.0),
        at(350.0, 150.0),
        at(-300.0, -250.0),
        at(-250.0, 300.0),
        at(200.0, -350.0),
        at(-400.0, -100.0),
    )
}

/// One day route near the top young-people district (a 4-hour shift with made-up revisits)
/// and one 4-week rota over the top districts; one line each.
fn day_and_rota(
    a: &Args,
    atlas: &std::path::Path,
    young: &[feltkart_cells::output::DistrictReport],
) -> anyhow::Result<()> {
    let top = young
        .first()
        .ok_or_else(|| anyhow::anyhow!("demo: no ranked district for the day route"))?;
    let centre = feltkart_cells::LatLng::from(top.district.best_cell);
    let centre = feltkart_model::LonLat {
        lon: centre.lng(),
        lat: centre.lat(),
    };
    let revisits = super::cells::write(&a.out, "revisits.json", &demo_revisits(centre))?;
    let name = |r: &feltkart_cells::output::DistrictReport| {
        r.district
            .name
            .clone()
            .unwrap_or_else(|| r.district.key.to_string())
    };
    let day = super::day::DayArgs {
        common: super::cells::Common {
            atlas: atlas.to_path_buf(),
            profile: "young-people".into(),
            resolution: feltkart_cells::DEFAULT_RESOLUTION,
            taxonomy: None,
            out: a.out.clone(),
        },
        revisits,
        date: chrono::NaiveDate::from_ymd_opt(2026, 12, 8)
            .ok_or_else(|| anyhow::anyhow!("demo date"))?,
        shift_start: chrono::NaiveTime::from_hms_opt(13, 0, 0)
            .ok_or_else(|| anyhow::anyhow!("demo time"))?,
        shift_end: chrono::NaiveTime::from_hms_opt(17, 0, 0)
            .ok_or_else(|| anyhow::anyhow!("demo time"))?,
        start: centre,
        end: None,
        team: Some(1),
        now: chrono::NaiveDate::from_ymd_opt(2026, 12, 8).and_then(|d| d.and_hms_opt(8, 0, 0)),
        service_minutes: 5,
        utc_offset: chrono::FixedOffset::east_opt(2 * 3600)
            .ok_or_else(|| anyhow::anyhow!("demo offset"))?,
        seed: 1,
    };
    let d = super::day::plan(&day, false)?;
    let areas: Vec<String> = young.iter().take(4).map(name).collect();
    let rota = super::rota::RotaArgs {
        team: 1,
        pairs: 2,
        shifts: [
            "mon,09:00-13:00,1",
            "tue,14:00-18:00,2",
            "thu,18:00-22:00,1",
            "sat,19:00-23:00,2",
        ]
        .iter()
        .map(|s| super::rota::parse_shift(s).map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<_>>()?,
        areas,
        first_monday: chrono::NaiveDate::from_ymd_opt(2026, 12, 7)
            .ok_or_else(|| anyhow::anyhow!("demo date"))?,
        weeks: 4,
        seed: 7,
        overrides: None,
        out: a.out.clone(),
    };
    let (r, _, ics) = super::rota::plan(&rota)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "\nDay route near {} on 8 December, 13:00-17:00: {} of {} revisits served ({} not: {}), {:.0} min observation walking in the free time; {}",
        name(top),
        d.served,
        d.revisits,
        d.unserved.len(),
        d.unserved.join("; "),
        d.observation_min,
        d.gpx.display()
    )?;
    writeln!(
        out,
        "Rota over 4 weeks for 2 pairs, 4 shifts a week, {} areas: {} shifts, each area in {} day-parts at least; {}",
        rota.areas.len(),
        r.assignments.len(),
        r.coverage
            .iter()
            .map(|c| c.day_parts.len())
            .min()
            .unwrap_or(0),
        ics.display()
    )?;
    Ok(())
}
