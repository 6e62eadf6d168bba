//! The walking graph against the peers (`../shared/peers`, issue 3) and against petgraph.
//!
//! * Built with the peers' rule ([`Rule::Peer`], every component kept), raw and simplified, the
//!   graph must equal networkx's (`NAME.graph.json.gz`): vertices, edges and total length after
//!   networkx's collapsing of parallel edges (one edge per vertex pair, the shortest), the
//!   largest component's size, and for each of the 100 recorded sources the number of vertices
//!   Dijkstra reaches, the farthest and the summed distance.
//! * The product graph (`BuildOptions::default()`) of every extract keeps its invariants.
//! * [`Adjacency::distances`] agrees with `petgraph::algo::dijkstra`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;
use feltkart_graph::{Adjacency, BuildOptions, Rule, WalkGraph};
use petgraph::graph::NodeIndex;
use petgraph::unionfind::UnionFind;
use petgraph::visit::EdgeRef;
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Read;

/// `../shared/peers/reference/NAME.graph.json.gz`, parsed.
fn graph_reference(stem: &str) -> Value {
    let path = common::peer_reference(&format!("{stem}.graph.json.gz"));
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Equal to rounding: the reference rounds to 0.001 m; sums of ~10^5 distances may differ in
/// the last bits by summation order.
fn close(ours: f64, theirs: f64) -> bool {
    (ours - theirs).abs() <= (1e-6 * theirs.abs()).max(0.01)
}

/// What networkx's `Graph` reports: it keeps one edge per unordered vertex pair (the shortest;
/// `peers.py nx_graph`) and no self-loops.
struct NxView {
    nodes: usize,
    edges: usize,
    total_length_m: f64,
    lcc_nodes: usize,
}

fn nx_view(wg: &WalkGraph) -> NxView {
    let g = &wg.graph;
    let mut pairs: HashMap<(usize, usize), f64> = HashMap::new();
    for e in g.edge_references() {
        let (a, b) = (e.source().index(), e.target().index());
        assert_ne!(a, b, "self-loop on way {}", e.weight().way);
        let len = pairs.entry((a.min(b), a.max(b))).or_insert(f64::INFINITY);
        *len = len.min(e.weight().length_m);
    }
    let mut uf = UnionFind::<usize>::new(g.node_count());
    for &(a, b) in pairs.keys() {
        uf.union(a, b);
    }
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    for l in uf.into_labeling() {
        *sizes.entry(l).or_default() += 1;
    }
    NxView {
        nodes: g.node_count(),
        edges: pairs.len(),
        total_length_m: pairs.values().sum(),
        lcc_nodes: sizes.values().copied().max().unwrap_or(0),
    }
}

/// Reached count, eccentricity and sum of distances from one vertex.
fn sssp_summary(adj: &Adjacency, v: NodeIndex) -> (u64, f64, f64) {
    let sp = adj.distances(&[(v, 0.0)], None);
    let finite = sp.dist.iter().copied().filter(|d| d.is_finite());
    finite.fold((0, 0.0_f64, 0.0), |(n, ecc, sum), d| {
        (n + 1, ecc.max(d), sum + d)
    })
}

/// Compare one extract's raw and simplified peer-rule graphs with networkx's.
fn compare_with_networkx(stem: &str) {
    let reference = graph_reference(stem);
    let x = common::read(&common::shared_osm(&format!("{stem}.osm.pbf")));
    for (variant, simplify) in [("raw", false), ("simplified", true)] {
        let r = &reference[variant];
        let wg = feltkart_graph::build(
            &x,
            BuildOptions {
                rule: Rule::Peer,
                simplify,
                largest_component: false,
            },
        );
        let what = format!("{stem} {variant}");
        let nx = nx_view(&wg);
        assert_eq!(
            nx.nodes as u64,
            r["nodes"].as_u64().unwrap(),
            "{what}: nodes"
        );
        assert_eq!(
            nx.edges as u64,
            r["edges"].as_u64().unwrap(),
            "{what}: edges (distinct vertex pairs)"
        );
        let want_len = r["total_length_m"].as_f64().unwrap();
        assert!(
            close(nx.total_length_m, want_len),
            "{what}: total_length_m {} vs {want_len}",
            nx.total_length_m
        );
        assert_eq!(
            nx.lcc_nodes as u64,
            r["lcc_nodes"].as_u64().unwrap(),
            "{what}: lcc_nodes"
        );

        let by_osm: HashMap<i64, NodeIndex> = wg
            .graph
            .node_indices()
            .map(|v| (wg.graph[v].osm.0, v))
            .collect();
        let adj = wg.adjacency();
        let sources = r["sources"].as_array().unwrap();
        assert_eq!(sources.len(), 100, "{what}");
        for s in sources {
            let osm = s["osm_node"].as_i64().unwrap();
            let v = *by_osm
                .get(&osm)
                .unwrap_or_else(|| panic!("{what}: source node {osm} is not a vertex"));
            let (reached, ecc, sum) = sssp_summary(&adj, v);
            assert_eq!(
                reached,
                s["reached"].as_u64().unwrap(),
                "{what}: reached from {osm}"
            );
            let (want_ecc, want_sum) = (
                s["eccentricity_m"].as_f64().unwrap(),
                s["sum_m"].as_f64().unwrap(),
            );
            assert!(
                close(ecc, want_ecc),
                "{what}: eccentricity from {osm}: {ecc} vs {want_ecc}"
            );
            assert!(
                close(sum, want_sum),
                "{what}: sum from {osm}: {sum} vs {want_sum}"
            );
        }
    }
}

#[test]
fn peer_graph_matches_networkx_liechtenstein() {
    compare_with_networkx("liechtenstein");
}

#[test]
fn peer_graph_matches_networkx_helsinki_centre() {
    compare_with_networkx("helsinki-centre");
}

#[test]
fn peer_graph_matches_networkx_monaco() {
    compare_with_networkx("monaco");
}

#[test]
fn peer_graph_matches_networkx_kotka_karhula() {
    compare_with_networkx("kotka-karhula");
}

#[test]
fn product_graph_keeps_its_invariants_on_every_extract() {
    for name in common::PBF_EXTRACTS {
        let x = common::read(&common::shared_osm(name));
        let wg = feltkart_graph::build(&x, BuildOptions::default());
        assert!(wg.graph.edge_count() > 0, "{name}: empty graph");
        if let Err(e) = wg.check_invariants() {
            panic!("{name}: {e}");
        }
    }
}

/// Relative agreement of two Dijkstra distances (paths of equal length may be summed in
/// another order).
fn same_distance(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(1.0)
}

#[test]
fn adjacency_distances_agree_with_petgraph_dijkstra() {
    let mut rng = StdRng::seed_from_u64(42);
    for name in ["liechtenstein.osm.pbf", "monaco.osm.pbf"] {
        let x = common::read(&common::shared_osm(name));
        let wg = feltkart_graph::build(&x, BuildOptions::default());
        let g = &wg.graph;
        let adj = wg.adjacency();
        let n = g.node_count();
        // Whole distance maps from 20 random sources.
        for _ in 0..20 {
            let s = NodeIndex::new(rng.random_range(0..n));
            let theirs = petgraph::algo::dijkstra(g, s, None, |e| e.weight().length_m);
            let ours = adj.distances(&[(s, 0.0)], None).dist;
            assert_eq!(
                adj.lengths_from(&[(s, 0.0)], None),
                ours,
                "{name}: lengths_from == distances"
            );
            assert_eq!(
                ours.iter().filter(|d| d.is_finite()).count(),
                theirs.len(),
                "{name}: reached from {s:?}"
            );
            for (v, d) in &theirs {
                assert!(
                    same_distance(ours[v.index()], *d),
                    "{name}: {s:?} -> {v:?}: {} vs {d}",
                    ours[v.index()]
                );
            }
            // With a cutoff: exactly the vertices within it, at the same distances.
            let cutoff = 1000.0;
            let cut = adj.distances(&[(s, 0.0)], Some(cutoff)).dist;
            for (v, d) in &theirs {
                let c = cut[v.index()];
                if *d <= cutoff * (1.0 - 1e-9) {
                    assert!(
                        same_distance(c, *d),
                        "{name}: cutoff {s:?} -> {v:?}: {c} vs {d}"
                    );
                } else if *d > cutoff * (1.0 + 1e-9) {
                    assert!(
                        c.is_infinite(),
                        "{name}: {v:?} at {d} m reached under cutoff {cutoff}"
                    );
                }
            }
        }
        // 200 random (source, target) pairs, petgraph stopping at the target.
        for _ in 0..200 {
            let (s, t) = (
                NodeIndex::new(rng.random_range(0..n)),
                NodeIndex::new(rng.random_range(0..n)),
            );
            let theirs = petgraph::algo::dijkstra(g, s, Some(t), |e| e.weight().length_m);
            let ours = adj.distances(&[(s, 0.0)], None).dist[t.index()];
            let want = theirs.get(&t).copied().unwrap_or(f64::INFINITY);
            assert!(
                ours == want || same_distance(ours, want),
                "{name}: {s:?} -> {t:?}: {ours} vs {want}"
            );
        }
    }
}
