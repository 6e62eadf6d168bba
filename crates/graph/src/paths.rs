//! Shortest paths over a compact adjacency table (CSR): bounded, multi-source Dijkstra with a
//! caller-given edge cost. `petgraph::algo::dijkstra` is the reference it is tested against;
//! this one adds what planners need (several sources, a cutoff, predecessors for paths, a cost
//! closure) and indexes vertices by position instead of hashing them.
//!
//! Complexity: O((V + E) log V) per query; memory O(V + E). [`Adjacency::ball`] is the bounded
//! search for many small queries: O(b log b) for the b vertices within its cutoff, with scratch
//! memory ([`Scratch`]) reused between calls instead of O(V) per call.

use crate::{GEdge, GNode};
use dary_heap::QuaternaryHeap as BinaryHeap;
use petgraph::graph::{EdgeIndex, NodeIndex, UnGraph};
use petgraph::visit::EdgeRef;
use std::cmp::Ordering;

/// Adjacency in CSR form: for vertex `v`, its incident edges are
/// `arcs[offsets[v]..offsets[v+1]]`, each with its target, edge id and length.
#[derive(Clone, Debug)]
pub struct Adjacency {
    offsets: Vec<u32>,
    arcs: Vec<Arc>,
}

/// One direction of an edge, stored together so a vertex's arcs share cache lines.
#[derive(Clone, Copy, Debug, Default)]
struct Arc {
    target: u32,
    edge: u32,
    length_m: f64,
}

/// A heap entry: a distance and a vertex. Distances are non-negative, so their IEEE bit
/// patterns order like the numbers and compare as plain integers (cheaper than `f64` ordering).
/// Ties are left in any order: they cannot change a distance.
#[derive(Copy, Clone)]
struct Item(f64, u32);
impl PartialEq for Item {
    fn eq(&self, o: &Self) -> bool {
        self.key() == o.key()
    }
}
impl Eq for Item {}
impl Item {
    fn key(self) -> u64 {
        self.0.to_bits()
    }
}
impl Ord for Item {
    fn cmp(&self, o: &Self) -> Ordering {
        o.key().cmp(&self.key())
    }
}
impl PartialOrd for Item {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Result of a shortest-path search: distance and the edge used to reach every vertex.
#[derive(Clone, Debug)]
pub struct ShortestPaths {
    /// Distance (in cost units) per vertex; `f64::INFINITY` where not reached.
    pub dist: Vec<f64>,
    /// The edge over which each reached vertex was entered (`None` for sources and unreached).
    pub via: Vec<Option<EdgeIndex>>,
}

/// Reusable memory for [`Adjacency::ball`] (one per thread): distances are reset only where the
/// previous search touched them. Make one with [`Adjacency::scratch`].
#[derive(Clone, Debug)]
pub struct Scratch {
    dist: Vec<f64>,
    touched: Vec<u32>,
    heap: BinaryHeap<Item>,
}

impl std::fmt::Debug for Item {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "({}, {})", self.0, self.1)
    }
}

/// A walk through the graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// Vertices from start to end.
    pub nodes: Vec<NodeIndex>,
    /// Edges between them.
    pub edges: Vec<EdgeIndex>,
    /// Total cost.
    pub cost: f64,
}

impl Adjacency {
    /// Build from a graph (both directions of every edge).
    #[must_use]
    pub fn new(g: &UnGraph<GNode, GEdge>) -> Self {
        let n = g.node_count();
        let mut degree = vec![0u32; n + 1];
        for e in g.raw_edges() {
            degree[e.source().index()] += 1;
            degree[e.target().index()] += 1;
        }
        let mut offsets = vec![0u32; n + 1];
        for v in 0..n {
            offsets[v + 1] = offsets[v] + degree[v];
        }
        let m = offsets[n] as usize;
        let mut arcs = vec![Arc::default(); m];
        let mut fill = offsets.clone();
        for e in g.edge_references() {
            for (a, b) in [(e.source(), e.target()), (e.target(), e.source())] {
                let slot = fill[a.index()] as usize;
                arcs[slot] = Arc {
                    target: b.index() as u32,
                    edge: e.id().index() as u32,
                    length_m: e.weight().length_m,
                };
                fill[a.index()] += 1;
            }
        }
        Self { offsets, arcs }
    }

    /// Number of vertices.
    #[must_use]
    pub fn node_count(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The edges incident to `v` (each loop twice), in a fixed order; empty for a vertex not in
    /// the graph.
    pub fn incident_edges(&self, v: NodeIndex) -> impl Iterator<Item = EdgeIndex> + '_ {
        let i = v.index();
        let arcs = match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.arcs[a as usize..b as usize],
            _ => &[],
        };
        arcs.iter().map(|a| EdgeIndex::new(a.edge as usize))
    }

    /// Fresh scratch memory for [`Adjacency::ball`] on this table. O(V).
    #[must_use]
    pub fn scratch(&self) -> Scratch {
        Scratch {
            dist: vec![f64::INFINITY; self.node_count()],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
        }
    }

    /// Bounded Dijkstra from `sources` (vertex, initial metres) up to `cutoff` metres
    /// (inclusive): calls `visit(vertex, metres)` once per settled vertex, nearest first, and
    /// touches only the vertices it reaches. Sources beyond the cutoff or outside the graph are
    /// ignored. `scratch` must come from this table's [`Adjacency::scratch`] (a scratch of
    /// another size is replaced); its contents between calls do not matter.
    ///
    /// Complexity: O(b log b) for the b vertices within the cutoff, with no O(V) reset.
    pub fn ball(
        &self,
        sources: &[(NodeIndex, f64)],
        cutoff: f64,
        scratch: &mut Scratch,
        mut visit: impl FnMut(NodeIndex, f64),
    ) {
        let s = scratch;
        if s.dist.len() == self.node_count() {
            for &v in &s.touched {
                s.dist[v as usize] = f64::INFINITY;
            }
        } else {
            *s = self.scratch();
        }
        s.touched.clear();
        s.heap.clear();
        for &(v, d) in sources {
            let i = v.index();
            if i < s.dist.len() && d <= cutoff && d < s.dist[i] {
                if s.dist[i].is_infinite() {
                    s.touched.push(i as u32);
                }
                s.dist[i] = d;
                s.heap.push(Item(d, i as u32));
            }
        }
        while let Some(Item(d, v)) = s.heap.pop() {
            let vi = v as usize;
            if d > s.dist[vi] {
                continue;
            }
            visit(NodeIndex::new(vi), d);
            for arc in &self.arcs[self.offsets[vi] as usize..self.offsets[vi + 1] as usize] {
                let nd = d + arc.length_m;
                let t = arc.target as usize;
                if nd <= cutoff && nd < s.dist[t] {
                    if s.dist[t].is_infinite() {
                        s.touched.push(arc.target);
                    }
                    s.dist[t] = nd;
                    s.heap.push(Item(nd, arc.target));
                }
            }
        }
    }

    /// Dijkstra from `sources` (vertex, initial cost), with edge lengths in metres as cost,
    /// stopping at `cutoff` (inclusive) if given.
    #[must_use]
    pub fn distances(&self, sources: &[(NodeIndex, f64)], cutoff: Option<f64>) -> ShortestPaths {
        self.search(sources, cutoff, |_, len| len)
    }

    /// Walking distance in metres from `sources` to every vertex (`f64::INFINITY` where not
    /// reached within `cutoff`): [`Adjacency::distances`] without predecessors, for callers that
    /// need no paths.
    #[must_use]
    pub fn lengths_from(&self, sources: &[(NodeIndex, f64)], cutoff: Option<f64>) -> Vec<f64> {
        self.dijkstra::<false>(sources, cutoff, |_, len| len).0
    }

    /// Dijkstra with a cost per edge: `cost(edge, length_m)`; a cost of infinity closes the edge.
    /// Costs must be non-negative.
    pub fn search(
        &self,
        sources: &[(NodeIndex, f64)],
        cutoff: Option<f64>,
        cost: impl Fn(EdgeIndex, f64) -> f64,
    ) -> ShortestPaths {
        let (dist, via) = self.dijkstra::<true>(sources, cutoff, cost);
        ShortestPaths { dist, via }
    }

    /// The one Dijkstra: distances, and with `PATHS` the edge each vertex was entered by (an
    /// empty table without: the bookkeeping compiles away).
    fn dijkstra<const PATHS: bool>(
        &self,
        sources: &[(NodeIndex, f64)],
        cutoff: Option<f64>,
        cost: impl Fn(EdgeIndex, f64) -> f64,
    ) -> (Vec<f64>, Vec<Option<EdgeIndex>>) {
        let n = self.node_count();
        let mut dist = vec![f64::INFINITY; n];
        let mut via = if PATHS { vec![None; n] } else { Vec::new() };
        let mut heap = BinaryHeap::with_capacity(n / 4 + 1);
        let limit = cutoff.unwrap_or(f64::INFINITY);
        for &(s, d0) in sources {
            if s.index() < n && d0 < dist[s.index()] {
                dist[s.index()] = d0;
                heap.push(Item(d0, s.index() as u32));
            }
        }
        while let Some(Item(d, v)) = heap.pop() {
            let v = v as usize;
            if d > dist[v] {
                continue;
            }
            for arc in &self.arcs[self.offsets[v] as usize..self.offsets[v + 1] as usize] {
                let e = EdgeIndex::new(arc.edge as usize);
                let nd = d + cost(e, arc.length_m);
                let t = arc.target as usize;
                if nd < dist[t] && nd <= limit {
                    dist[t] = nd;
                    if PATHS {
                        via[t] = Some(e);
                    }
                    heap.push(Item(nd, arc.target));
                }
            }
        }
        (dist, via)
    }
}

impl ShortestPaths {
    /// The path from the nearest source to `to`, following `via` back through the graph.
    #[must_use]
    pub fn path_to(&self, g: &UnGraph<GNode, GEdge>, to: NodeIndex) -> Option<Path> {
        let cost = *self.dist.get(to.index())?;
        if !cost.is_finite() {
            return None;
        }
        let mut nodes = vec![to];
        let mut edges = Vec::new();
        let mut at = to;
        while let Some(e) = self.via[at.index()] {
            let (a, b) = g.edge_endpoints(e)?;
            at = if a == at { b } else { a };
            edges.push(e);
            nodes.push(at);
            if edges.len() > g.edge_count() {
                return None;
            }
        }
        nodes.reverse();
        edges.reverse();
        Some(Path { nodes, edges, cost })
    }
}
