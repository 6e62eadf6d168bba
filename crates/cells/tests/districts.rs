//! District ranking on Liechtenstein: every profile ranks differently, rankings do not depend
//! on the order of the input, and each district's per-question points sum to its score.
#![allow(clippy::unwrap_used, clippy::panic)]

use feltkart_cells::{
    CellOptions, CellsError, DistrictKey, DistrictOptions, DistrictScore, HousingConfig, Profile,
    assign_districts, cell_features, rank_districts, score_cells,
};
use feltkart_graph::WalkGraph;
use feltkart_osm::{Extract, Taxonomy};
use std::path::PathBuf;

fn rankings(ex: &Extract, g: &WalkGraph, tax: &Taxonomy) -> Vec<(String, Vec<DistrictScore>)> {
    let table = cell_features(
        ex,
        g,
        tax,
        &HousingConfig::builtin().unwrap(),
        &CellOptions::default(),
    )
    .unwrap();
    Profile::builtin(tax)
        .unwrap()
        .into_iter()
        .map(|p| {
            let scores = score_cells(&table, &p).unwrap();
            for s in &scores {
                let sum: f64 = s.parts.iter().map(|x| x.points).sum();
                assert!(
                    (0.0..=100.0).contains(&s.score) && (s.score - sum).abs() <= 0.01,
                    "{} {}: {}",
                    p.id,
                    s.cell,
                    s.score
                );
            }
            (
                p.id,
                rank_districts(&table, &scores, &ex.districts, &DistrictOptions::default())
                    .unwrap(),
            )
        })
        .collect()
}

/// A fixed permutation (multiplicative step coprime to n): the same "shuffle" every run.
fn permute<T: Clone>(v: &mut Vec<T>) {
    let n = v.len();
    if n < 2 {
        return;
    }
    let mut step = 7919 % n;
    while step == 0 || gcd(step, n) != 1 {
        step += 1;
    }
    *v = (0..n).map(|i| v[(i * step + 3) % n].clone()).collect();
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[test]
fn liechtenstein_rankings_differ_by_profile_and_ignore_input_order() {
    let tax = Taxonomy::builtin().unwrap();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/osm/liechtenstein.osm.pbf");
    let atlas = feltkart_atlas::ingest(&path, &tax, &|_| {}).unwrap();
    let (mut ex, g) = (atlas.extract, atlas.graph);
    let a = rankings(&ex, &g, &tax);

    let top10: Vec<Vec<DistrictKey>> = a
        .iter()
        .map(|(_, r)| r.iter().take(10).map(|d| d.key).collect())
        .collect();
    for (id, r) in &a {
        assert!(r.len() >= 10, "{id}: {} districts", r.len());
        assert!(
            r.windows(2).all(|w| w[0].score >= w[1].score),
            "{id}: sorted by score"
        );
        for d in r {
            let sum: f64 = d.by_question.values().sum();
            assert!(
                (sum - d.score).abs() <= 0.01,
                "{id} {:?}: {sum} vs {}",
                d.key,
                d.score
            );
            assert!((0.0..=100.0).contains(&d.score) && d.best_score >= 0.0);
        }
        // The two neighbourhood nodes Liechtenstein maps are districts too.
        assert!(
            r.iter().any(|d| matches!(d.key, DistrictKey::Osm(_))),
            "{id}"
        );
    }
    for i in 0..top10.len() {
        for j in i + 1..top10.len() {
            assert_ne!(
                top10[i], top10[j],
                "{} and {} give the same top 10",
                a[i].0, a[j].0
            );
        }
    }

    permute(&mut ex.housing);
    permute(&mut ex.places);
    ex.districts.reverse();
    let b = rankings(&ex, &g, &tax);
    assert_eq!(a, b);
}

#[test]
fn grid_resolution_must_be_coarser_than_the_cells() {
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
    let opts = DistrictOptions {
        grid_resolution: 10,
        ..DistrictOptions::default()
    };
    let e = assign_districts(&table, &atlas.extract.districts, &opts).unwrap_err();
    assert_eq!(
        e,
        CellsError::GridResolution {
            grid: 10,
            cells: 10
        }
    );
    // Monaco maps its wards (admin_level 10): every cell centre inside one goes to it.
    let keys = assign_districts(
        &table,
        &atlas.extract.districts,
        &DistrictOptions::default(),
    )
    .unwrap();
    let osm = keys
        .iter()
        .filter(|k| matches!(k, DistrictKey::Osm(_)))
        .count();
    assert!(
        osm * 10 >= keys.len() * 9,
        "{osm} of {} cells in OSM districts",
        keys.len()
    );
}
