//! Building the graph from an extract's walkable ways.

use crate::{GEdge, GNode, WalkGraph};
use feltkart_model::{LonLat, OsmNodeId, haversine_m};
use feltkart_osm::{Extract, WalkWay};
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::borrow::Borrow;

/// Which walkability rule selects the ways.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Rule {
    /// Feltkart's own rule; ways leaving the extract are split where nodes are missing;
    /// a loop that meets the network at one vertex is split at its middle node and kept.
    Feltkart,
    /// The peers' shared definition, built exactly as `peers.py graph-sssp` does (gaps from
    /// missing nodes are bridged, loops with one vertex dropped), for like-for-like comparison.
    Peer,
}

/// How to build the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildOptions {
    /// Which ways.
    pub rule: Rule,
    /// One edge per street segment between junctions (`true`), or one edge per node pair.
    pub simplify: bool,
    /// Keep only the largest connected component.
    pub largest_component: bool,
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            rule: Rule::Feltkart,
            simplify: true,
            largest_component: true,
        }
    }
}

/// What building the graph kept and dropped.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GraphStats {
    /// Options used.
    pub rule: Option<Rule>,
    /// Connected components before filtering.
    pub components: u64,
    /// Vertices before filtering.
    pub nodes_before: u64,
    /// Edges before filtering.
    pub edges_before: u64,
    /// Vertices dropped with the smaller components.
    pub nodes_dropped: u64,
    /// Edges dropped with the smaller components.
    pub edges_dropped: u64,
    /// Metres dropped with the smaller components.
    pub length_dropped_m: f64,
    /// Self-loop segments dropped (peer rule) or split (Feltkart rule).
    pub loops: u64,
    /// Positions of the vertices dropped with the smaller components, so a start point on a
    /// path network that does not connect to the main one can be told apart from a start point
    /// merely near a street.
    pub dropped_vertices: Vec<LonLat>,
}

fn selected(w: &WalkWay, rule: Rule) -> bool {
    match rule {
        Rule::Feltkart => w.walk.is_some(),
        Rule::Peer => w.peer_walkable,
    }
}

/// The runs of a way to walk: split at gaps (Feltkart) or whole (peer).
#[allow(clippy::single_range_in_vec_init)] // one run of node indices, not a Vec of indices
fn runs(w: &WalkWay, rule: Rule) -> Vec<std::ops::Range<usize>> {
    if rule == Rule::Peer || w.gaps_before.is_empty() {
        return std::iter::once(0..w.nodes.len()).collect();
    }
    let mut out = Vec::new();
    let mut start = 0;
    for &g in &w.gaps_before {
        out.push(start..g as usize);
        start = g as usize;
    }
    out.push(start..w.nodes.len());
    out.into_iter().filter(|r| r.len() >= 2).collect()
}

fn path_length(coords: &[LonLat]) -> f64 {
    coords
        .windows(2)
        .map(|p| haversine_m(p[0].lon, p[0].lat, p[1].lon, p[1].lat))
        .sum()
}

/// Build the walking graph from an extract.
#[must_use]
pub fn build(extract: &Extract, opts: BuildOptions) -> WalkGraph {
    let decisions = decision_nodes(&extract.walk_ways, opts.rule);
    graph_of(extract.walk_ways.iter(), &decisions, opts)
}

/// Build the walking graph from walkable ways it takes: each way is freed once its edges are
/// built, so the ways and the graph are never both whole in memory.
#[must_use]
pub fn build_from_ways(walk_ways: Vec<WalkWay>, opts: BuildOptions) -> WalkGraph {
    let decisions = decision_nodes(&walk_ways, opts.rule);
    graph_of(walk_ways.into_iter(), &decisions, opts)
}

/// Decision nodes, sorted: run ends, and nodes used more than once (as peers.py counts them:
/// an end counts once more, so every end is a decision node).
fn decision_nodes(walk_ways: &[WalkWay], rule: Rule) -> Vec<OsmNodeId> {
    let mut uses: Vec<OsmNodeId> = Vec::new();
    for w in walk_ways.iter().filter(|w| selected(w, rule)) {
        for r in runs(w, rule) {
            uses.extend_from_slice(&w.nodes[r.clone()]);
            uses.push(w.nodes[r.start]);
            uses.push(w.nodes[r.end - 1]);
        }
    }
    uses.sort_unstable();
    let mut decisions: Vec<OsmNodeId> = uses
        .chunk_by(|a, b| a == b)
        .filter(|run| run.len() >= 2)
        .map(|run| run[0])
        .collect();
    decisions.shrink_to_fit();
    decisions
}

/// The graph of the selected ways, split at the decision nodes.
fn graph_of<W: Borrow<WalkWay>>(
    walk_ways: impl Iterator<Item = W>,
    decisions: &[OsmNodeId],
    opts: BuildOptions,
) -> WalkGraph {
    let mut g: UnGraph<GNode, GEdge> = UnGraph::default();
    let mut index: FxHashMap<OsmNodeId, NodeIndex> = FxHashMap::default();
    let mut vertex = |g: &mut UnGraph<GNode, GEdge>, osm: OsmNodeId, at: LonLat| {
        *index
            .entry(osm)
            .or_insert_with(|| g.add_node(GNode { osm, at }))
    };
    let mut stats = GraphStats {
        rule: Some(opts.rule),
        ..GraphStats::default()
    };
    for w in walk_ways {
        let w: &WalkWay = w.borrow();
        if !selected(w, opts.rule) {
            continue;
        }
        for r in runs(w, opts.rule) {
            let nodes = &w.nodes[r.clone()];
            let coords = &w.coords[r.clone()];
            let mut start = 0;
            for i in 1..nodes.len() {
                let decision = !opts.simplify
                    || i == nodes.len() - 1
                    || decisions.binary_search(&nodes[i]).is_ok();
                if !decision {
                    continue;
                }
                let mut pieces = vec![(start, i)];
                if nodes[start] == nodes[i] {
                    stats.loops += 1;
                    if opts.rule == Rule::Peer || i - start < 3 {
                        start = i;
                        continue;
                    }
                    let mid = start + (i - start) / 2;
                    pieces = vec![(start, mid), (mid, i)];
                }
                for (a, b) in pieces {
                    let u = vertex(&mut g, nodes[a], coords[a]);
                    let v = vertex(&mut g, nodes[b], coords[b]);
                    let geom = coords[a..=b].to_vec();
                    g.add_edge(
                        u,
                        v,
                        GEdge {
                            way: w.osm,
                            length_m: path_length(&geom),
                            class: w.class,
                            name: w.name.clone(),
                            lit: w.lit,
                            surface: w.surface.clone(),
                            coords: geom,
                        },
                    );
                }
                start = i;
            }
        }
    }
    stats.nodes_before = g.node_count() as u64;
    stats.edges_before = g.edge_count() as u64;

    let mut uf = UnionFind::<usize>::new(g.node_count());
    for e in g.raw_edges() {
        uf.union(e.source().index(), e.target().index());
    }
    let labels = uf.into_labeling();
    let mut sizes: FxHashMap<usize, usize> = FxHashMap::default();
    for &l in &labels {
        *sizes.entry(l).or_default() += 1;
    }
    stats.components = sizes.len() as u64;
    if opts.largest_component && sizes.len() > 1 {
        // Largest by vertex count; ties broken by the smallest label for determinism.
        let best = sizes
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map_or(0, |(&l, _)| l);
        stats.length_dropped_m = g
            .raw_edges()
            .iter()
            .filter(|e| labels[e.source().index()] != best)
            .map(|e| e.weight.length_m)
            .sum();
        stats.dropped_vertices = g
            .node_indices()
            .filter(|n| labels[n.index()] != best)
            .map(|n| g[n].at)
            .collect();
        g = keep_component(g, &labels, best);
        stats.nodes_dropped = stats.nodes_before - g.node_count() as u64;
        stats.edges_dropped = stats.edges_before - g.edge_count() as u64;
    }
    WalkGraph { graph: g, stats }
}

/// The vertices labelled `best` and the edges between them, in their order, moved (not
/// copied) out of `g`; everything else is freed as it is passed.
fn keep_component(
    g: UnGraph<GNode, GEdge>,
    labels: &[usize],
    best: usize,
) -> UnGraph<GNode, GEdge> {
    let kept_nodes = labels.iter().filter(|&&l| l == best).count();
    let kept_edges = g
        .raw_edges()
        .iter()
        .filter(|e| labels[e.source().index()] == best)
        .count();
    let (nodes, edges) = g.into_nodes_edges();
    let mut out = UnGraph::with_capacity(kept_nodes, kept_edges);
    let mut new_index = vec![NodeIndex::end(); nodes.len()];
    for (i, n) in nodes.into_iter().enumerate() {
        if labels[i] == best {
            new_index[i] = out.add_node(n.weight);
        }
    }
    for e in edges {
        let (s, t) = (e.source().index(), e.target().index());
        if labels[s] == best {
            out.add_edge(new_index[s], new_index[t], e.weight);
        }
    }
    out
}
