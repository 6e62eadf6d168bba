//! Tests of the walk planner: laws on random and hand-made graphs, heuristic against the exact
//! solver, several pairs, and real extracts.

use super::*;
use crate::walk::search::SplitMix;
use feltkart_graph::{GEdge, GNode, GraphStats, WalkGraph};
use feltkart_model::{HighwayClass, LonLat, OsmNodeId, OsmWayId};
use petgraph::graph::{NodeIndex, UnGraph};

mod exact_vs_heuristic;
mod laws;
mod matrix;
mod pairs;
mod real;

/// A graph from vertex positions (metres east, north of a point near Nyborg) and edges
/// (a, b, length factor ≥ 1 over the straight line).
pub(super) fn graph(pts: &[(f64, f64)], edges: &[(usize, usize, f64)]) -> WalkGraph {
    let mut g = UnGraph::new_undirected();
    let at = |(x, y): (f64, f64)| LonLat {
        lon: 10.8 + x / (111_320.0 * 0.57),
        lat: 55.3 + y / 111_320.0,
    };
    for (i, &p) in pts.iter().enumerate() {
        g.add_node(GNode {
            osm: OsmNodeId(i as i64 + 1),
            at: at(p),
        });
    }
    for (k, &(a, b, f)) in edges.iter().enumerate() {
        let (pa, pb) = (pts[a], pts[b]);
        let len = ((pa.0 - pb.0).powi(2) + (pa.1 - pb.1).powi(2)).sqrt() * f;
        g.add_edge(
            NodeIndex::new(a),
            NodeIndex::new(b),
            GEdge {
                way: OsmWayId(k as i64 + 1),
                length_m: len.max(1.0),
                class: HighwayClass::Residential,
                name: Some(format!("street {k}")),
                lit: Some(k % 3 != 0),
                surface: None,
                coords: vec![at(pa), at(pb)],
            },
        );
    }
    WalkGraph {
        graph: g,
        stats: GraphStats::default(),
    }
}

/// A random connected grid-like graph: `w × h` jittered vertices 100 m apart, a random spanning
/// tree of the grid edges plus each other grid edge with probability `p`.
pub(super) fn random_graph(rng: &mut SplitMix, w: usize, h: usize, p: f64) -> WalkGraph {
    let pts: Vec<(f64, f64)> = (0..w * h)
        .map(|i| {
            (
                (i % w) as f64 * 100.0 + rng.unit() * 40.0,
                (i / w) as f64 * 100.0 + rng.unit() * 40.0,
            )
        })
        .collect();
    let mut cand = Vec::new();
    for i in 0..w * h {
        if i % w + 1 < w {
            cand.push((i, i + 1));
        }
        if i + w < w * h {
            cand.push((i, i + w));
        }
    }
    for i in (1..cand.len()).rev() {
        cand.swap(i, rng.below(i + 1));
    }
    let mut uf = petgraph::unionfind::UnionFind::new(w * h);
    let mut edges = Vec::new();
    for (a, b) in cand {
        if uf.union(a, b) || rng.unit() < p {
            edges.push((a, b, 1.0 + rng.unit() * 0.3));
        }
    }
    graph(&pts, &edges)
}

/// A problem with times at 1.25 m/s and values = length × a random priority 1..5.
pub(super) fn problem(
    g: &WalkGraph,
    rng: &mut SplitMix,
    start: usize,
    end: usize,
    budget_s: f64,
) -> WalkProblem {
    let edge_time_s = edge_times(g, &Pace::default(), |_| false).unwrap();
    let pr: Vec<f64> = (0..g.graph.edge_count())
        .map(|_| 1.0 + rng.below(5) as f64)
        .collect();
    WalkProblem {
        start: NodeIndex::new(start),
        end: NodeIndex::new(end),
        budget_s,
        edge_value: edge_values(g, |e| pr[e.index()]),
        edge_time_s,
        stops: Vec::new(),
        seed: rng.next_u64(),
    }
}

/// Check every law of a walk; returns metres walked more than once.
pub(super) fn check_walk(g: &WalkGraph, p: &WalkProblem, w: &Walk) -> f64 {
    assert_eq!(w.nodes.first(), Some(&p.start), "starts where asked");
    assert_eq!(w.nodes.last(), Some(&p.end), "ends where asked");
    assert_eq!(w.nodes.len(), w.edges.len() + 1);
    for (i, &e) in w.edges.iter().enumerate() {
        let (a, b) = g.graph.edge_endpoints(e).unwrap();
        let (x, y) = (w.nodes[i], w.nodes[i + 1]);
        assert!(
            (a, b) == (x, y) || (a, b) == (y, x),
            "edge {i} joins its vertices"
        );
    }
    let (time, value) = walk_time_value(g, p, w);
    assert!(
        (time - w.time_s).abs() < 1e-6,
        "time {time} vs {}",
        w.time_s
    );
    assert!(
        time <= p.budget_s + 1e-6,
        "time {time} > budget {}",
        p.budget_s
    );
    assert!(
        (value - w.value).abs() < 1e-6,
        "value counts each edge once"
    );
    assert!(
        w.value <= w.bound + 1e-6,
        "value {} > bound {}",
        w.value,
        w.bound
    );
    for &(s, at) in &w.stops {
        assert_eq!(w.nodes[at], p.stops[s].at, "stop made at its vertex");
    }
    let mut seen = vec![false; g.graph.edge_count()];
    let mut again = 0.0;
    for &e in &w.edges {
        if std::mem::replace(&mut seen[e.index()], true) {
            again += g.graph[e].length_m;
        }
    }
    again
}

pub(super) fn walked_m(g: &WalkGraph, w: &Walk) -> f64 {
    w.edges.iter().map(|&e| g.graph[e].length_m).sum()
}
