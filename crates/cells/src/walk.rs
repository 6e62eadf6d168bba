//! Walking distances between points on the graph: points snapped onto edges, and a bounded
//! Dijkstra that touches only the vertices it reaches (scratch memory reused per thread), for
//! the many small searches of per-cell place counts.

use feltkart_graph::{GEdge, GNode, Snap, SnapIndex};
use feltkart_model::LonLat;
use petgraph::graph::{NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A point snapped onto the walking graph.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OnGraph {
    /// The edge.
    pub edge: u32,
    /// Metres from the point to the edge (walked straight).
    pub off_m: f64,
    /// Metres along the edge from its source vertex to the snapped point.
    pub to_source_m: f64,
    /// Metres along the edge to its target vertex.
    pub to_target_m: f64,
    /// The edge's source and target vertices.
    pub ends: (u32, u32),
}

impl OnGraph {
    /// Snap `p`; `None` on an empty graph.
    pub fn snap(g: &UnGraph<GNode, GEdge>, index: &SnapIndex, p: LonLat) -> Option<Self> {
        let Snap {
            edge,
            offset_m,
            distance_m,
            ..
        } = index.nearest(g, p)?;
        let (a, b) = g.edge_endpoints(edge)?;
        let len = g.edge_weight(edge)?.length_m;
        let along = offset_m.clamp(0.0, len);
        Some(Self {
            edge: edge.index() as u32,
            off_m: distance_m,
            to_source_m: along,
            to_target_m: len - along,
            ends: (a.index() as u32, b.index() as u32),
        })
    }

    /// Dijkstra sources for walking from this point: both ends with their costs.
    #[must_use]
    pub fn sources(&self) -> [(NodeIndex, f64); 2] {
        [
            (
                NodeIndex::new(self.ends.0 as usize),
                self.off_m + self.to_source_m,
            ),
            (
                NodeIndex::new(self.ends.1 as usize),
                self.off_m + self.to_target_m,
            ),
        ]
    }

    /// Walking distance to `other` given the distances from `self` to `other`'s edge ends:
    /// through either end, or directly along a shared edge.
    #[must_use]
    pub fn via_ends(&self, other: &Self, d_source: f64, d_target: f64) -> f64 {
        let through =
            (d_source + other.to_source_m).min(d_target + other.to_target_m) + other.off_m;
        if self.edge == other.edge {
            through.min(self.off_m + (self.to_source_m - other.to_source_m).abs() + other.off_m)
        } else {
            through
        }
    }
}

#[derive(Copy, Clone, PartialEq)]
struct Item(f64, u32);
impl Eq for Item {}
impl Ord for Item {
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.total_cmp(&self.0).then_with(|| o.1.cmp(&self.1))
    }
}
impl PartialOrd for Item {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Adjacency (CSR) for small bounded searches.
pub struct Csr {
    offsets: Vec<u32>,
    targets: Vec<u32>,
    edges: Vec<u32>,
    lengths: Vec<f64>,
}

/// Per-thread scratch memory for [`Csr::ball`]: distances reset only where touched.
pub struct Scratch {
    dist: Vec<f64>,
    touched: Vec<u32>,
    heap: BinaryHeap<Item>,
}

impl Csr {
    /// Build from the graph. O(V + E).
    #[must_use]
    pub fn new(g: &UnGraph<GNode, GEdge>) -> Self {
        let n = g.node_count();
        let mut offsets = vec![0u32; n + 1];
        for e in g.raw_edges() {
            offsets[e.source().index() + 1] += 1;
            offsets[e.target().index() + 1] += 1;
        }
        for v in 0..n {
            offsets[v + 1] += offsets[v];
        }
        let m = offsets[n] as usize;
        let (mut targets, mut edges, mut lengths) = (vec![0u32; m], vec![0u32; m], vec![0.0; m]);
        let mut fill = offsets.clone();
        for e in g.edge_references() {
            for (a, b) in [(e.source(), e.target()), (e.target(), e.source())] {
                let slot = fill[a.index()] as usize;
                targets[slot] = b.index() as u32;
                edges[slot] = e.id().index() as u32;
                lengths[slot] = e.weight().length_m;
                fill[a.index()] += 1;
            }
        }
        Self {
            offsets,
            targets,
            edges,
            lengths,
        }
    }

    /// Fresh scratch memory for this graph.
    #[must_use]
    pub fn scratch(&self) -> Scratch {
        Scratch {
            dist: vec![f64::INFINITY; self.offsets.len() - 1],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Dijkstra from `sources` up to `cutoff` metres; calls `visit(vertex, distance, incident
    /// edge ids)` once per settled vertex. O(b log b) for the b vertices within the cutoff.
    pub fn ball(
        &self,
        sources: &[(NodeIndex, f64)],
        cutoff: f64,
        s: &mut Scratch,
        mut visit: impl FnMut(u32, f64, &[u32]),
    ) {
        for &v in &s.touched {
            s.dist[v as usize] = f64::INFINITY;
        }
        s.touched.clear();
        s.heap.clear();
        for &(v, d) in sources {
            let i = v.index();
            if i < s.dist.len() && d <= cutoff && d < s.dist[i] {
                s.dist[i] = d;
                s.touched.push(i as u32);
                s.heap.push(Item(d, i as u32));
            }
        }
        while let Some(Item(d, v)) = s.heap.pop() {
            let vi = v as usize;
            if d > s.dist[vi] {
                continue;
            }
            let range = self.offsets[vi] as usize..self.offsets[vi + 1] as usize;
            visit(v, d, &self.edges[range.clone()]);
            for slot in range {
                let nd = d + self.lengths[slot];
                let t = self.targets[slot] as usize;
                if nd <= cutoff && nd < s.dist[t] {
                    if s.dist[t].is_infinite() {
                        s.touched.push(t as u32);
                    }
                    s.dist[t] = nd;
                    s.heap.push(Item(nd, t as u32));
                }
            }
        }
    }
}
