//! Bench module `plan`: a 120-minute observation walk on Liechtenstein from several starts
//! (the issue-5 target: under 300 ms median on 2 cores), with the greedy baseline alongside.
//!
//! Values are metres × a pseudo-priority 1..5 per ~400 m × 330 m cell (a hash of the cell,
//! standing in for a profile's cell scores); walking is slower where the priority is 4 or 5.

use feltkart_graph::{SnapIndex, WalkGraph};
use feltkart_model::LonLat;
use feltkart_plan::walk::{
    Pace, WalkProblem, edge_times, edge_values, plan_walk, plan_walk_greedy,
};
use std::hint::black_box;
use std::path::PathBuf;

const STARTS: [(&str, f64, f64); 3] = [
    ("vaduz", 9.5209, 47.1410),
    ("schaan", 9.5095, 47.1650),
    ("balzers", 9.4969, 47.0663),
];

pub fn priority(at: LonLat) -> f64 {
    let (x, y) = (
        (at.lon / 0.005).floor() as i64,
        (at.lat / 0.003).floor() as i64,
    );
    let mut h = (x as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (y as u64).rotate_left(32);
    h ^= h >> 31;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^= h >> 29;
    1.0 + (h % 5) as f64
}

fn problem(g: &WalkGraph, snap: &SnapIndex, at: LonLat, minutes: f64) -> WalkProblem {
    let s = snap.nearest(&g.graph, at).unwrap();
    let (a, b) = g.graph.edge_endpoints(s.edge).unwrap();
    let v = if s.offset_m * 2.0 < g.graph[s.edge].length_m {
        a
    } else {
        b
    };
    let pr: Vec<f64> = g
        .graph
        .edge_weights()
        .map(|e| priority(e.coords[0]))
        .collect();
    WalkProblem {
        start: v,
        end: v,
        budget_s: minutes * 60.0,
        edge_time_s: edge_times(g, &Pace::default(), |e| pr[e.index()] >= 4.0).unwrap(),
        edge_value: edge_values(g, |e| pr[e.index()]),
        stops: Vec::new(),
        seed: 42,
    }
}

pub fn benches(c: &mut criterion::Criterion) {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/osm/liechtenstein.osm.pbf");
    if !path.exists() {
        eprintln!("{}: not found, skipping the plan benches", path.display());
        return;
    }
    let tax = feltkart_osm::Taxonomy::builtin().unwrap();
    let g = feltkart_atlas::ingest(&path, &tax, &|_| {}).unwrap().graph;
    let snap = g.snap_index();
    let mut group = c.benchmark_group("plan");
    group.sample_size(20);
    for (name, lon, lat) in STARTS {
        let p = problem(&g, &snap, LonLat { lon, lat }, 120.0);
        let w = plan_walk(&g, &p).unwrap();
        let greedy = plan_walk_greedy(&g, &p).unwrap();
        eprintln!(
            "plan/{name}: 120 min walk value {:.0} = {:.3} of the bound {:.0} (greedy {:.3}), {:.1} km, {:.1} min",
            w.value,
            w.share_of_bound(),
            w.bound,
            greedy.value / w.bound,
            w.edges.iter().map(|&e| g.graph[e].length_m).sum::<f64>() / 1000.0,
            w.time_s / 60.0
        );
        group.bench_function(format!("walk_120min/{name}"), |b| {
            b.iter(|| plan_walk(black_box(&g), black_box(&p)).unwrap())
        });
        group.bench_function(format!("greedy_120min/{name}"), |b| {
            b.iter(|| plan_walk_greedy(black_box(&g), black_box(&p)).unwrap())
        });
    }
    group.finish();
}
