//! Real extracts (monaco, liechtenstein from ../shared/data/osm): laws from several starts,
//! value against the bound and the greedy baseline.

#![allow(clippy::print_stderr)] // figures, shown with --nocapture

use super::*;
use feltkart_graph::SnapIndex;
use std::path::PathBuf;
use std::sync::OnceLock;

pub(super) fn atlas(name: &str) -> Option<&'static WalkGraph> {
    static MONACO: OnceLock<Option<WalkGraph>> = OnceLock::new();
    static LIECHTENSTEIN: OnceLock<Option<WalkGraph>> = OnceLock::new();
    let cell = match name {
        "monaco" => &MONACO,
        _ => &LIECHTENSTEIN,
    };
    cell.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/data/osm")
            .join(format!("{name}.osm.pbf"));
        if !path.exists() {
            eprintln!("{}: not found, skipping", path.display());
            return None;
        }
        let tax = feltkart_osm::Taxonomy::builtin().unwrap();
        Some(feltkart_atlas::ingest(&path, &tax, &|_| {}).unwrap().graph)
    })
    .as_ref()
}

/// Pseudo-priority 1..5 per ~400 m × 330 m cell, from a hash of the cell (stands in for the
/// cell scores of a profile).
pub(super) fn priority(at: LonLat, seed: u64) -> f64 {
    let (x, y) = (
        (at.lon / 0.005).floor() as i64,
        (at.lat / 0.003).floor() as i64,
    );
    let mut h = SplitMix::new(seed ^ (x as u64).wrapping_mul(0x9E37_79B9) ^ (y as u64) << 32);
    1.0 + h.below(5) as f64
}

/// A walk problem: default pace (slower where priority ≥ 4), value = metres × priority.
pub(super) fn real_problem(g: &WalkGraph, start: LonLat, minutes: f64, seed: u64) -> WalkProblem {
    let snap = SnapIndex::new(&g.graph).nearest(&g.graph, start).unwrap();
    let (a, b) = g.graph.edge_endpoints(snap.edge).unwrap();
    let v = if snap.offset_m * 2.0 < g.graph[snap.edge].length_m {
        a
    } else {
        b
    };
    let pr: Vec<f64> = g
        .graph
        .edge_indices()
        .map(|e| priority(g.graph[e].coords[0], 5))
        .collect();
    WalkProblem {
        start: v,
        end: v,
        budget_s: minutes * 60.0,
        edge_time_s: edge_times(g, &Pace::default(), |e| pr[e.index()] >= 4.0).unwrap(),
        edge_value: edge_values(g, |e| pr[e.index()]),
        stops: Vec::new(),
        seed,
    }
}

pub(super) const MONACO_STARTS: [(f64, f64); 3] =
    [(7.4246, 43.7384), (7.4197, 43.7312), (7.4130, 43.7270)];
pub(super) const LIECHTENSTEIN_STARTS: [(f64, f64); 3] =
    [(9.5209, 47.1410), (9.5095, 47.1650), (9.4969, 47.0663)];

fn run(name: &str, starts: &[(f64, f64)], minutes: f64) {
    let Some(g) = atlas(name) else { return };
    for (i, &(lon, lat)) in starts.iter().enumerate() {
        let p = real_problem(g, LonLat { lon, lat }, minutes, i as u64);
        let t0 = std::time::Instant::now();
        let w = plan_walk(g, &p).unwrap();
        let secs = t0.elapsed().as_secs_f64();
        let again = check_walk(g, &p, &w);
        let greedy = plan_walk_greedy(g, &p).unwrap();
        check_walk(g, &p, &greedy);
        let walked = walked_m(g, &w);
        eprintln!(
            "{name} start {i} {minutes} min: value {:.0} = {:.3} of bound {:.0}, greedy {:.3} of \
             bound, {walked:.0} m walked ({:.1} % twice), {:.1} min, {secs:.3} s",
            w.value,
            w.share_of_bound(),
            w.bound,
            greedy.value / w.bound,
            100.0 * again / walked,
            w.time_s / 60.0
        );
        assert!(w.value >= greedy.value);
        assert!(again / walked < 0.25, "{name} start {i}: doubling back");
    }
}

#[test]
fn monaco_walks_obey_the_laws() {
    // 60 minutes in release; 30 in debug builds to keep tests quick.
    let minutes = if cfg!(debug_assertions) { 30.0 } else { 60.0 };
    run("monaco", &MONACO_STARTS, minutes);
}

#[test]
fn liechtenstein_walks_obey_the_laws() {
    // 120 minutes in release (the acceptance setting); 45 in debug builds to keep tests quick.
    let minutes = if cfg!(debug_assertions) { 45.0 } else { 120.0 };
    run("liechtenstein", &LIECHTENSTEIN_STARTS, minutes);
}
