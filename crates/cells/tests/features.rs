//! Per-cell features on a real extract (Monaco): place distances against a brute-force
//! Dijkstra per cell, housing conservation, and independence from input order.
#![allow(clippy::unwrap_used, clippy::panic)]

use feltkart_cells::{CellOptions, CellTable, HousingConfig, OnGraph, cell_features};
use feltkart_graph::WalkGraph;
use feltkart_osm::{Extract, Taxonomy};
use std::path::PathBuf;

fn monaco() -> (Extract, WalkGraph, Taxonomy) {
    let tax = Taxonomy::builtin().unwrap();
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/osm/monaco.osm.pbf");
    let atlas = feltkart_atlas::ingest(&path, &tax, &|_| {}).unwrap_or_else(|e| panic!("{e}"));
    (atlas.extract, atlas.graph, tax)
}

fn table(ex: &Extract, g: &WalkGraph, tax: &Taxonomy) -> CellTable {
    cell_features(
        ex,
        g,
        tax,
        &HousingConfig::builtin().unwrap(),
        &CellOptions::default(),
    )
    .unwrap()
}

#[test]
fn monaco_features_agree_with_brute_force_and_conserve_housing() {
    let (ex, g, tax) = monaco();
    let t = table(&ex, &g, &tax);
    assert!(t.cells.len() > 100, "{}", t.cells.len());
    assert!(
        t.cells.windows(2).all(|w| w[0].cell < w[1].cell),
        "sorted, unique"
    );

    // Housing: every feature's dwellings land in some cell.
    let cfg = HousingConfig::builtin().unwrap();
    // Sane magnitudes whatever the ring winding (geo takes a clockwise ring for the rest of the
    // globe): no building over 2 km² of floor, no housing area over 100 km².
    for f in &ex.housing {
        let c = cfg.contribution(f);
        assert!(
            c.dwellings >= 0.0 && c.floor_area_m2 < 2e6 && c.land_m2 < 1e8,
            "{}: {c:?}",
            f.osm
        );
    }
    let want: f64 = ex
        .housing
        .iter()
        .map(|f| cfg.contribution(f).dwellings)
        .sum();
    let got: f64 = t.cells.iter().map(|c| c.housing.dwellings).sum();
    assert!((want - got).abs() < 1e-6 * want, "{want} vs {got}");
    for c in &t.cells {
        let sum: f64 = c.housing.by_group.values().map(|g| g.dwellings).sum();
        let tol = 1e-9 * c.housing.dwellings.max(1.0);
        assert!(
            (sum - c.housing.dwellings).abs() <= tol,
            "{}: {sum} vs {}",
            c.cell,
            c.housing.dwellings
        );
    }

    // Places: brute force per cell (every 7th cell) with an unbounded Dijkstra from the cell.
    let adj = g.adjacency();
    let index = g.snap_index();
    let opts = t.place_options;
    let places: Vec<(Vec<u16>, OnGraph)> = ex
        .places
        .iter()
        .filter_map(|p| OnGraph::snap(&g.graph, &index, p.at).map(|s| (p.kinds.clone(), s)))
        .collect();
    let mut checked = 0;
    for c in t.cells.iter().step_by(7) {
        let Some(cs) = OnGraph::snap(&g.graph, &index, c.centre) else {
            continue;
        };
        let dist = adj.distances(&cs.sources(), None).dist;
        let mut nearest = vec![f64::INFINITY; t.place_kinds.len()];
        let mut within = vec![0u32; t.place_kinds.len()];
        for (kinds, p) in &places {
            let d = cs.via_ends(p, dist[p.ends.0 as usize], dist[p.ends.1 as usize]);
            for &k in kinds {
                let k = usize::from(k);
                nearest[k] = nearest[k].min(d);
                within[k] += u32::from(d <= opts.count_radius_m);
            }
        }
        for (k, &n) in nearest.iter().enumerate() {
            let want = (n <= opts.max_walk_m).then_some(n);
            match (want, c.places.nearest_m[k]) {
                (Some(a), Some(b)) => assert!(
                    (a - b).abs() < 1e-6,
                    "{} {}: {a} vs {b}",
                    c.cell,
                    t.place_kinds[k]
                ),
                (a, b) => assert_eq!(a, b, "{} {}", c.cell, t.place_kinds[k]),
            }
        }
        assert_eq!(within, c.places.within, "{}", c.cell);
        checked += 1;
    }
    assert!(checked > 20);
    // Some cells see kiosks, bus stops and partners nearby.
    let k = t.place_kinds.iter().position(|n| n == "bus_stop").unwrap();
    assert!(t.cells.iter().filter(|c| c.places.within[k] > 0).count() > t.cells.len() / 2);
}

#[test]
fn features_do_not_depend_on_input_order() {
    let (mut ex, g, tax) = monaco();
    let a = table(&ex, &g, &tax);
    ex.housing.reverse();
    ex.places.reverse();
    let n = ex.housing.len();
    ex.housing.rotate_left(n / 3);
    let b = table(&ex, &g, &tax);
    assert_eq!(a, b);
}
