//! Scores with imported indicator layers: exact values on a tiny table, the law (score = sum of
//! its breakdown) on a real extract with a synthetic layer, and the errors.
#![allow(clippy::unwrap_used, clippy::panic)]

use feltkart_cells::{
    CellFeatures, CellIndex, CellOptions, CellTable, HousingCell, HousingConfig, IndicatorLayer,
    PlaceAccess, PlaceOptions, Profile, Question, cell_features, score_cells,
    score_cells_with_layers,
};
use feltkart_model::LonLat;
use feltkart_osm::Taxonomy;
use std::collections::BTreeMap;
use std::path::PathBuf;

fn profile(indicators: &str) -> Profile {
    let text = format!(
        r#"
version = 1
id = "layers"
label = "Imported indicators only"
revision = "t1"
[points]
housing = 0.0
indicators = 100.0
places = 0.0
partners = 0.0
channels = 0.0
[housing]
saturation_dwellings = 80.0
[housing.groups]
[indicators]
{indicators}
[places]
[partners]
saturation = 4.0
[channels]
saturation = 2.0
[signs]
[dayparts]
"#
    );
    Profile::parse(&text, "layers.toml", &Taxonomy::builtin().unwrap()).unwrap()
}

fn cells() -> Vec<CellIndex> {
    let c: CellIndex = "8a1f8e70bd8ffff".parse().unwrap();
    let mut v: Vec<CellIndex> = c.grid_disk::<Vec<_>>(1).into_iter().take(4).collect();
    v.sort_unstable();
    v
}

/// Four cells: streets 50 m, 100 m, none and 200 m from their centres; no housing, no places.
fn table() -> CellTable {
    let snaps = [Some(50.0), Some(100.0), None, Some(200.0)];
    CellTable {
        resolution: 10,
        place_kinds: Vec::new(),
        place_roles: Vec::new(),
        place_options: PlaceOptions::default(),
        cells: cells()
            .into_iter()
            .zip(snaps)
            .map(|(cell, snap_m)| CellFeatures {
                cell,
                centre: LonLat {
                    lon: 9.52,
                    lat: 47.14,
                },
                snap_m,
                housing: HousingCell::default(),
                places: PlaceAccess::default(),
            })
            .collect(),
    }
}

/// Values 2, 4, 4 on the first three cells, none on the fourth, and one cell outside the table.
fn unemployment() -> IndicatorLayer {
    let c = cells();
    let outside = feltkart_cells::LatLng::new(47.2, 9.6)
        .unwrap()
        .to_cell(feltkart_cells::Resolution::Ten);
    assert!(!c.contains(&outside));
    IndicatorLayer {
        name: "unemployment_rate".into(),
        source: "Statistics X".into(),
        year: 2024,
        resolution: 10,
        values: BTreeMap::from([(c[0], 2.0), (c[1], 4.0), (c[2], 4.0), (outside, 100.0)]),
    }
}

fn parts(s: &feltkart_cells::CellScore) -> Vec<(&str, f64)> {
    s.parts
        .iter()
        .map(|p| {
            assert_eq!(p.question, Question::Indicators);
            (p.feature.as_str(), p.points)
        })
        .collect()
}

#[test]
fn one_imported_layer_scores_exactly() {
    let p = profile("street_access = 0.5\nunemployment_rate = 0.5");
    let s = score_cells_with_layers(&table(), &p, &[unemployment()]).unwrap();
    // Σw = 1. Street access: 1 − d/200 → 0.75, 0.5, 0, 0. Percentile ranks among the three
    // cells with a value (2, 4, 4): 0, then (1 + ½)/2 = 0.75 for both 4s; the fourth has none.
    let want: [&[(&str, f64)]; 4] = [
        &[("street_access", 37.5)],
        &[("unemployment_rate", 37.5), ("street_access", 25.0)],
        &[("unemployment_rate", 37.5)],
        &[],
    ];
    for (s, w) in s.iter().zip(want) {
        assert_eq!(parts(s), w, "{}", s.explain());
        let sum: f64 = s.parts.iter().map(|p| p.points).sum();
        assert_eq!(s.score, sum);
    }
    assert_eq!(
        s[1].explain(),
        "62.5: 37.5 from unemployment_rate (Statistics X, 2024: 4, percentile rank 0.75), \
         25.0 from street_access (street 100 m from the centre)"
    );
    // Min–max, inverted: 2 → 1, 4 → 0.
    let p =
        profile(r#"unemployment_rate = { weight = 0.25, normalise = "minmax", invert = true }"#);
    let s = score_cells_with_layers(&table(), &p, &[unemployment()]).unwrap();
    let scores: Vec<f64> = s.iter().map(|s| s.score).collect();
    assert_eq!(scores, [100.0, 0.0, 0.0, 0.0]);
    assert_eq!(
        s[0].parts[0].detail,
        "Statistics X, 2024: 2, inverted min-max 1.00"
    );
}

#[test]
fn a_layer_that_is_not_loaded_is_named_with_the_loaded_ones() {
    let p = profile("street_access = 0.5\nincome = 0.5");
    let e = score_cells_with_layers(&table(), &p, &[unemployment()])
        .unwrap_err()
        .to_string();
    for w in [
        "layers.toml:17: `indicators.income`",
        "no imported indicator layer of that name is loaded",
        "(loaded: unemployment_rate;",
    ] {
        assert!(e.contains(w), "`{e}` lacks `{w}`");
    }
    let e = score_cells(&table(), &p).unwrap_err().to_string();
    assert!(e.contains("(loaded: none;"), "{e}");
    let coarse = IndicatorLayer {
        name: "income".into(),
        resolution: 9,
        values: BTreeMap::new(),
        ..unemployment()
    };
    let e = score_cells_with_layers(&table(), &p, &[coarse])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("`income` is at H3 resolution 9, the cells at 10"),
        "{e}"
    );
}

#[test]
fn scores_with_a_layer_equal_their_breakdown_on_monaco() {
    let tax = Taxonomy::builtin().unwrap();
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/osm/monaco.osm.pbf");
    let atlas = feltkart_atlas::ingest(&path, &tax, &|_| {}).unwrap();
    let table = cell_features(
        &atlas.extract,
        &atlas.graph,
        &tax,
        &HousingConfig::builtin().unwrap(),
        &CellOptions::default(),
    )
    .unwrap();
    // A synthetic layer on two cells in three.
    let layer = IndicatorLayer {
        name: "synthetic".into(),
        source: "test".into(),
        year: 2026,
        resolution: 10,
        values: table
            .cells
            .iter()
            .filter(|c| u64::from(c.cell) % 3 != 0)
            .map(|c| (c.cell, (u64::from(c.cell) % 97) as f64))
            .collect(),
    };
    for (path, text) in feltkart_cells::profile::BUILTIN_PROFILES {
        for entry in [
            "synthetic = 0.8",
            r#"synthetic = { weight = 1.0, normalise = "minmax" }"#,
        ] {
            let text = text.replacen("[indicators]", &format!("[indicators]\n{entry}"), 1);
            let p = Profile::parse(&text, path, &tax).unwrap();
            let scores = score_cells_with_layers(&table, &p, std::slice::from_ref(&layer)).unwrap();
            let mut from_layer = 0;
            for s in &scores {
                let sum: f64 = s.parts.iter().map(|p| p.points).sum();
                assert!((s.score - sum).abs() <= 0.01, "{path} {}", s.cell);
                assert!((0.0..=100.0 + 1e-9).contains(&s.score));
                let q = s.by_question();
                assert!(
                    q.get(&Question::Indicators).copied().unwrap_or(0.0)
                        <= p.points.indicators + 1e-9
                );
                from_layer += usize::from(s.parts.iter().any(|p| p.feature == "synthetic"));
            }
            assert!(from_layer > scores.len() / 3, "{path}: {from_layer}");
        }
        // Unchanged profiles score as before with layers loaded or not.
        let p = Profile::parse(text, path, &tax).unwrap();
        assert_eq!(
            score_cells(&table, &p).unwrap(),
            score_cells_with_layers(&table, &p, std::slice::from_ref(&layer)).unwrap()
        );
    }
}
