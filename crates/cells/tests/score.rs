//! Scores: exact values on a hand-made cell, and the laws (score = sum of its breakdown, 0–100,
//! each question within its points) on every cell of a real extract under every profile.
#![allow(clippy::unwrap_used, clippy::panic)]

use feltkart_cells::{
    CellFeatures, CellOptions, CellTable, GroupTotals, HousingCell, HousingConfig, HousingGroup,
    PlaceAccess, PlaceOptions, Profile, Question, cell_features, score_cells,
};
use feltkart_model::{LonLat, PlaceRole};
use feltkart_osm::Taxonomy;
use std::collections::BTreeMap;
use std::path::PathBuf;

const PROFILE: &str = r#"
version = 1
id = "test"
label = "Hand-made"
revision = "t1"
[points]
housing = 50.0
indicators = 10.0
places = 25.0
partners = 10.0
channels = 5.0
[housing]
saturation_dwellings = 80.0
[housing.groups]
apartment_blocks = 1.0
detached = 0.2
[indicators]
dwelling_density = 0.5
residential_land = 0.3
street_access = 0.2
[places.kiosk]
weight = 0.9
radius_m = 500.0
decay = "linear"
[places.library]
weight = 0.1
radius_m = 800.0
decay = "step"
[partners]
saturation = 4.0
[channels]
saturation = 2.0
[signs]
[dayparts]
"#;

fn hand_table() -> CellTable {
    let cell: feltkart_cells::CellIndex = "8a1f8e70bd8ffff".parse().unwrap();
    let by_group = BTreeMap::from([
        (
            HousingGroup::ApartmentBlocks,
            GroupTotals {
                floor_area_m2: 2550.0,
                dwellings: 30.0,
            },
        ),
        (
            HousingGroup::Detached,
            GroupTotals {
                floor_area_m2: 850.0,
                dwellings: 10.0,
            },
        ),
    ]);
    let housing = HousingCell {
        floor_area_m2: 3400.0,
        dwellings: 40.0,
        residential_land_m2: 0.0,
        features: 5,
        by_group,
    };
    let places = PlaceAccess {
        // kinds: 0 kiosk, 1 library, 2 park (not weighted)
        nearest_m: vec![Some(100.0), Some(900.0), Some(10.0)],
        within: vec![3, 0, 1],
        roles_within: BTreeMap::from([
            (PlaceRole::Stay, 4),
            (PlaceRole::Partner, 2),
            (PlaceRole::Channel, 1),
        ]),
    };
    CellTable {
        resolution: 10,
        place_kinds: vec!["kiosk".into(), "library".into(), "park".into()],
        place_roles: vec![
            vec![PlaceRole::Stay, PlaceRole::Partner],
            vec![PlaceRole::Channel],
            vec![PlaceRole::Stay],
        ],
        place_options: PlaceOptions::default(),
        cells: vec![CellFeatures {
            cell,
            centre: LonLat {
                lon: 9.51,
                lat: 47.07,
            },
            snap_m: Some(50.0),
            housing,
            places,
        }],
    }
}

#[test]
fn hand_made_cell_scores_exactly() {
    let profile = Profile::parse(PROFILE, "test.toml", &Taxonomy::builtin().unwrap()).unwrap();
    let s = &score_cells(&hand_table(), &profile).unwrap()[0];
    // Housing: amount 40/80 = 0.5; apartments 50 × 0.5 × 1.0 × 0.75, detached 50 × 0.5 × 0.2 × 0.25.
    // Indicators (Σw = 1): density 10 × 0.5 × 0.5; street 10 × 0.2 × (1 − 50/200); land 0.
    // Places (Σw = 1): kiosk 25 × 0.9 × (1 − 100/500); library at 900 m is beyond 800 m.
    // Partners 10 × 2/4; channels 5 × 1/2.
    let want: &[(Question, &str, f64)] = &[
        (Question::Housing, "apartment_blocks", 18.75),
        (Question::Places, "kiosk", 18.0),
        (Question::Partners, "partners", 5.0),
        (Question::Indicators, "dwelling_density", 2.5),
        (Question::Channels, "channels", 2.5),
        (Question::Indicators, "street_access", 1.5),
        (Question::Housing, "detached", 1.25),
    ];
    let got: Vec<(Question, &str, f64)> = s
        .parts
        .iter()
        .map(|p| (p.question, p.feature.as_str(), p.points))
        .collect();
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0, g.1), (w.0, w.1));
        assert!((g.2 - w.2).abs() < 1e-12, "{}: {} vs {}", g.1, g.2, w.2);
    }
    assert!((s.score - 49.5).abs() < 1e-12, "{}", s.score);
    assert_eq!(s.parts[1].detail, "nearest 100 m, 3 within 500 m");
    assert!(
        s.explain().starts_with(
            "49.5: 18.8 from apartment_blocks (30.0 of 40.0 dwellings), 18.0 from kiosk"
        ),
        "{}",
        s.explain()
    );
}

#[test]
fn an_unknown_place_kind_is_refused() {
    let mut p = Profile::parse(PROFILE, "test.toml", &Taxonomy::builtin().unwrap()).unwrap();
    let w = p.places["kiosk"];
    p.places.insert("school".into(), w);
    let e = score_cells(&hand_table(), &p).unwrap_err().to_string();
    assert!(e.contains("`test`") && e.contains("`school`"), "{e}");
}

#[test]
fn scores_equal_their_breakdown_on_monaco_for_every_profile() {
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
    for profile in Profile::builtin(&tax).unwrap() {
        let scores = score_cells(&table, &profile).unwrap();
        assert_eq!(scores.len(), table.cells.len());
        for s in &scores {
            let sum: f64 = s.parts.iter().map(|p| p.points).sum();
            assert!(
                (s.score - sum).abs() <= 0.01,
                "{} {}: {} vs {sum}",
                profile.id,
                s.cell,
                s.score
            );
            assert!(
                (0.0..=100.0 + 1e-9).contains(&s.score),
                "{} {}: {}",
                profile.id,
                s.cell,
                s.score
            );
            let budget = |q| match q {
                Question::Housing => profile.points.housing,
                Question::Indicators => profile.points.indicators,
                Question::Places => profile.points.places,
                Question::Partners => profile.points.partners,
                Question::Channels => profile.points.channels,
            };
            for (q, pts) in s.by_question() {
                assert!(
                    pts <= budget(q) + 1e-9,
                    "{} {} {q:?}: {pts}",
                    profile.id,
                    s.cell
                );
            }
        }
        let best = scores.iter().map(|s| s.score).fold(0.0, f64::max);
        assert!(best > 30.0, "{}: best cell only {best}", profile.id);
    }
}
