//! Bench module `matching`: map matching one hour of walking on Liechtenstein
//! (`../shared/data/osm`, skipped with a message if absent): a 60-minute walk planned from
//! Vaduz, walked at 4.5 km/h with a fix a second (about 3,600 fixes), 10 m radial-RMS Gaussian
//! noise (seeded) and a 30 s gap, as in `tests/integration/map_matching.rs`.
//!
//! * `matching/one_hour_1s`: `match_track` on that track, default options;
//! * `matching/one_hour_5s`: the same walk with a fix every 5 s.

use feltkart_graph::{MatchOptions, TrackPoint, WalkGraph, match_track};
use feltkart_model::LonLat;
use feltkart_plan::walk::{Pace, WalkProblem, edge_times, edge_values, plan_walk};
use petgraph::graph::EdgeIndex;
use rand::SeedableRng;
use rand_distr::{Distribution, Normal};
use std::hint::black_box;

const SPEED_MPS: f64 = 4.5 / 3.6;

/// The walk's positions every `every_s` seconds with noise, leaving out 30 s in the middle.
fn track(g: &WalkGraph, edges: &[EdgeIndex], every_s: f64) -> Vec<TrackPoint> {
    // (edge, walked from its source?) in walking order.
    let mut at = {
        let (a, b) = g.graph.edge_endpoints(edges[0]).unwrap();
        let (c, d) = g.graph.edge_endpoints(edges[1]).unwrap();
        if b == c || b == d { a } else { b }
    };
    let mut legs = Vec::with_capacity(edges.len());
    for &e in edges {
        let (u, v) = g.graph.edge_endpoints(e).unwrap();
        legs.push((e, at == u));
        at = if at == u { v } else { u };
    }
    let total: f64 = edges.iter().map(|&e| g.graph[e].length_m).sum();
    let duration = total / SPEED_MPS;
    let gap = (duration / 2.0, duration / 2.0 + 30.0);
    let noise = Normal::new(0.0, 10.0 / std::f64::consts::SQRT_2).unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let m_per_deg = feltkart_model::EARTH_RADIUS_M.to_radians();
    let (mut leg, mut leg_start) = (0, 0.0);
    let mut out = Vec::new();
    let mut t = 0.0;
    while t <= duration {
        let s = t * SPEED_MPS;
        while leg + 1 < legs.len() && leg_start + g.graph[legs[leg].0].length_m < s {
            leg_start += g.graph[legs[leg].0].length_m;
            leg += 1;
        }
        let (e, forward) = legs[leg];
        let len = g.graph[e].length_m;
        let along = (s - leg_start).clamp(0.0, len);
        let p = g.graph[e].point_at(if forward { along } else { len - along });
        let (dx, dy) = (noise.sample(&mut rng), noise.sample(&mut rng));
        if !(gap.0..gap.1).contains(&t) {
            out.push(TrackPoint {
                at: LonLat {
                    lon: p.lon + dx / (m_per_deg * p.lat.to_radians().cos()),
                    lat: p.lat + dy / m_per_deg,
                },
                t_s: t,
            });
        }
        t += every_s;
    }
    out
}

pub fn benches(c: &mut criterion::Criterion) {
    let path = crate::ingest::shared_osm("liechtenstein.osm.pbf");
    if !path.exists() {
        eprintln!(
            "{}: not found, skipping the matching benches",
            path.display()
        );
        return;
    }
    let tax = feltkart_osm::Taxonomy::builtin().unwrap();
    let g = feltkart_atlas::ingest(&path, &tax, &|_| {}).unwrap().graph;
    let (index, adj) = (g.snap_index(), g.adjacency());
    let snap = index
        .nearest(
            &g.graph,
            LonLat {
                lon: 9.5209,
                lat: 47.1410,
            },
        )
        .unwrap();
    let (v, _) = g.graph.edge_endpoints(snap.edge).unwrap();
    let p = WalkProblem {
        start: v,
        end: v,
        budget_s: 3600.0,
        edge_time_s: edge_times(&g, &Pace::default(), |_| false).unwrap(),
        edge_value: edge_values(&g, |_| 1.0),
        stops: Vec::new(),
        seed: 7,
    };
    let edges = plan_walk(&g, &p).unwrap().edges;
    let opts = MatchOptions::default();
    let mut group = c.benchmark_group("matching");
    group.sample_size(10);
    for (name, every_s) in [("one_hour_1s", 1.0), ("one_hour_5s", 5.0)] {
        let points = track(&g, &edges, every_s);
        let m = match_track(&g.graph, &index, &adj, &points, &opts).unwrap();
        eprintln!(
            "matching/{name}: {} fixes, {} kept, {:.0} m matched",
            points.len(),
            m.points_kept,
            m.metres()
        );
        group.bench_function(name, |b| {
            b.iter(|| match_track(&g.graph, &index, &adj, black_box(&points), &opts).unwrap())
        });
    }
    group.finish();
}
