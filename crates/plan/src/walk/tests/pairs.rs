//! Several pairs on one day: each walk obeys the laws, and the pairs share few metres.

#![allow(clippy::print_stderr)] // figures, shown with --nocapture

use super::real::{LIECHTENSTEIN_STARTS, atlas, real_problem};
use super::*;

/// The laws for one pair's walk (its value is its own share, so it is not re-checked here).
fn check_pair_walk(g: &WalkGraph, p: &WalkProblem, w: &Walk) {
    let mut q = p.clone();
    q.edge_value.fill(0.0);
    let mut unvalued = w.clone();
    unvalued.value = 0.0;
    check_walk(g, &q, &unvalued);
}

/// The shared fraction asserted below: at most this share of all metres walked lies on
/// streets another pair also walks, when sharing is avoidable (enough streets at a common start
/// for every pair to leave and come back on its own, budgets well below the network's length).
const SHARED_BOUND: f64 = 0.05;

#[test]
fn pairs_from_one_and_from_several_starts_share_few_metres() {
    let mut rng = SplitMix::new(99);
    let (mut shared_sum, mut cases) = (0.0, 0);
    for case in 0..8 {
        let g = random_graph(&mut rng, 9, 9, 0.7);
        // From one start, pairs must share streets when the start has fewer than two per pair
        // (each leaves and comes back): there, two pairs from a start with 4 streets.
        let one_start = case % 2 == 0;
        let k = if one_start { 2 } else { 3 + case % 2 };
        let first = (0..81)
            .map(NodeIndex::new)
            .max_by_key(|&v| (g.graph.edges(v).count(), v))
            .map_or(0, NodeIndex::index);
        let problems: Vec<WalkProblem> = (0..k)
            .map(|i| {
                let s = if one_start { first } else { rng.below(81) };
                let mut p = problem(&g, &mut SplitMix::new(1), s, s, 900.0);
                p.seed = i as u64;
                p
            })
            .collect();
        let walks = plan_pairs(&g, &problems, &SearchOptions::default()).unwrap();
        assert_eq!(walks.len(), k);
        for (w, p) in walks.iter().zip(&problems) {
            check_pair_walk(&g, p, w);
        }
        let total: f64 = walks.iter().map(|w| w.value).sum();
        let distinct = distinct_value(&problems[0].edge_value, &walks);
        assert!(
            (total - distinct).abs() < 1e-6,
            "shares add up to the distinct value"
        );
        let shared = shared_fraction(&g, &walks);
        eprintln!(
            "grid case {case}: {k} pairs, one start {one_start}: shared {:.3}",
            shared
        );
        assert!(shared <= SHARED_BOUND, "case {case}: shared {shared}");
        shared_sum += shared;
        cases += 1;
    }
    eprintln!(
        "grids: mean shared fraction {:.3}",
        shared_sum / f64::from(cases)
    );
}

#[test]
fn pairs_on_liechtenstein_share_few_metres() {
    let Some(g) = atlas("liechtenstein") else {
        return;
    };
    let minutes = if cfg!(debug_assertions) { 30.0 } else { 120.0 };
    let (lon, lat) = LIECHTENSTEIN_STARTS[0];
    for k in [2, 3] {
        let problems: Vec<WalkProblem> = (0..k)
            .map(|i| real_problem(g, LonLat { lon, lat }, minutes, i))
            .collect();
        let walks = plan_pairs(g, &problems, &SearchOptions::default()).unwrap();
        for (w, p) in walks.iter().zip(&problems) {
            check_pair_walk(g, p, w);
        }
        let shared = shared_fraction(g, &walks);
        let alone = plan_walk(g, &problems[0]).unwrap();
        eprintln!(
            "liechtenstein {k} pairs from one start, {minutes} min: shared {shared:.3}; \
             values {:?} (one pair alone {:.0})",
            walks.iter().map(|w| w.value.round()).collect::<Vec<_>>(),
            alone.value
        );
        assert!(shared <= SHARED_BOUND, "{k} pairs: shared {shared}");
    }
}
