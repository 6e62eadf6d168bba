//! The local graph: the vertices a feasible walk can reach (time from start + time to end
//! within the budget), with compact indices, and a cached shortest-path row per point.
//!
//! A row is one Dijkstra over the local graph: O((V + E) log V) time, O(V) memory; rows are
//! computed when a point first joins a route and kept.

use super::core::Metric;
use super::problem::{WalkError, WalkProblem};
use feltkart_graph::WalkGraph;
use petgraph::graph::{EdgeIndex, NodeIndex};
use std::collections::BinaryHeap;

const NO: u32 = u32::MAX;

/// The part of the graph a walk within the budget can use.
pub(crate) struct Local {
    /// Graph vertex of each local vertex.
    pub vertex: Vec<NodeIndex>,
    /// Local index of each graph vertex (`NO` if not local).
    pub local_of: Vec<u32>,
    /// Graph edge of each local edge.
    pub edge: Vec<EdgeIndex>,
    /// Time of each local edge, seconds.
    pub time: Vec<f64>,
    offsets: Vec<u32>,
    adj: Vec<(u32, u32)>, // (target, local edge)
    /// Task of each local edge (`NO` if it has no value).
    pub task_of_edge: Vec<u32>,
    /// Local endpoints of each local edge.
    pub ends: Vec<(u32, u32)>,
    row_of: Vec<u32>,
    dist: Vec<f64>,
    pred: Vec<u32>,
    order: Vec<u32>,
}

/// A heap entry: a non-negative distance as its IEEE bits (which order like the numbers) and a
/// vertex, smallest first through `Reverse`.
type Item = std::cmp::Reverse<(u64, u32)>;

impl Local {
    /// Cut out the local graph of a (validated) problem.
    ///
    /// # Errors
    /// [`WalkError::Unreachable`] or [`WalkError::BudgetTooShort`] when no walk from start to
    /// end fits.
    pub fn new(g: &WalkGraph, p: &WalkProblem) -> Result<Self, WalkError> {
        let adj = g.adjacency();
        let time = |e: EdgeIndex, _: f64| p.edge_time_s[e.index()];
        let from_start = adj.search(&[(p.start, 0.0)], Some(p.budget_s), time).dist;
        let to_end = if p.end == p.start {
            from_start.clone()
        } else {
            adj.search(&[(p.end, 0.0)], Some(p.budget_s), time).dist
        };
        let needed = from_start[p.end.index()];
        if !needed.is_finite() {
            let all = adj.search(&[(p.start, 0.0)], None, time).dist;
            let need = all[p.end.index()];
            if need.is_finite() {
                return Err(WalkError::BudgetTooShort {
                    needed_s: need,
                    budget_s: p.budget_s,
                });
            }
            return Err(WalkError::Unreachable {
                start: p.start.index(),
                end: p.end.index(),
            });
        }
        if p.start == p.end {
            let out = g
                .graph
                .edges(p.start)
                .map(|e| p.edge_time_s[petgraph::visit::EdgeRef::id(&e).index()])
                .fold(f64::INFINITY, f64::min);
            if 2.0 * out > p.budget_s {
                return Err(WalkError::CannotLeaveStart {
                    needed_s: 2.0 * out,
                    budget_s: p.budget_s,
                });
            }
        }
        let n = g.graph.node_count();
        let mut local_of = vec![NO; n];
        let mut vertex = Vec::new();
        for v in 0..n {
            if from_start[v] + to_end[v] <= p.budget_s {
                local_of[v] = vertex.len() as u32;
                vertex.push(NodeIndex::new(v));
            }
        }
        let mut edge = Vec::new();
        let mut ends = Vec::new();
        let mut etime = Vec::new();
        for e in g.graph.edge_indices() {
            let Some((a, b)) = g.graph.edge_endpoints(e) else {
                continue;
            };
            let t = p.edge_time_s[e.index()];
            let (la, lb) = (local_of[a.index()], local_of[b.index()]);
            if la == NO || lb == NO || !t.is_finite() {
                continue;
            }
            let (a, b) = (a.index(), b.index());
            if (from_start[a] + t + to_end[b]).min(from_start[b] + t + to_end[a]) > p.budget_s {
                continue;
            }
            edge.push(e);
            ends.push((la, lb));
            etime.push(t);
        }
        let nl = vertex.len();
        let mut offsets = vec![0u32; nl + 1];
        for &(a, b) in &ends {
            offsets[a as usize + 1] += 1;
            offsets[b as usize + 1] += 1;
        }
        for v in 0..nl {
            offsets[v + 1] += offsets[v];
        }
        let mut fill = offsets.clone();
        let mut adjl = vec![(0u32, 0u32); offsets[nl] as usize];
        for (le, &(a, b)) in ends.iter().enumerate() {
            for (x, y) in [(a, b), (b, a)] {
                adjl[fill[x as usize] as usize] = (y, le as u32);
                fill[x as usize] += 1;
            }
        }
        Ok(Self {
            vertex,
            local_of,
            task_of_edge: vec![NO; edge.len()],
            edge,
            time: etime,
            offsets,
            adj: adjl,
            ends,
            row_of: vec![NO; nl],
            dist: Vec::new(),
            pred: Vec::new(),
            order: Vec::new(),
        })
    }

    /// Number of local vertices.
    pub fn len(&self) -> usize {
        self.vertex.len()
    }

    /// The local edges entered on the shortest path from `x` (ensured) to `y`, in walking order,
    /// each with the vertex it is entered from.
    pub fn path(&self, x: u32, y: u32) -> Vec<(u32, u32)> {
        let n = self.len();
        let row = self.row_of[x as usize] as usize * n;
        let mut out = Vec::new();
        let mut at = y;
        while at != x {
            let le = self.pred[row + at as usize];
            if le == NO {
                break;
            }
            let (a, b) = self.ends[le as usize];
            let from = if a == at { b } else { a };
            out.push((le, from));
            at = from;
        }
        out.reverse();
        out
    }
}

impl Metric for Local {
    fn ensure(&mut self, p: u32) {
        if self.row_of[p as usize] != NO {
            return;
        }
        let n = self.len();
        let base = self.dist.len();
        self.row_of[p as usize] = (base / n.max(1)) as u32;
        self.dist.resize(base + n, f64::INFINITY);
        self.pred.resize(base + n, NO);
        self.order.reserve(n);
        let (dist, pred) = (&mut self.dist[base..], &mut self.pred[base..]);
        let order = &mut self.order;
        let mut heap: BinaryHeap<Item> = BinaryHeap::with_capacity(n / 4);
        dist[p as usize] = 0.0;
        heap.push(std::cmp::Reverse((0, p)));
        while let Some(std::cmp::Reverse((bits, v))) = heap.pop() {
            let d = f64::from_bits(bits);
            if d > dist[v as usize] {
                continue;
            }
            order.push(v);
            let v = v as usize;
            for &(t, le) in &self.adj[self.offsets[v] as usize..self.offsets[v + 1] as usize] {
                let nd = d + self.time[le as usize];
                if nd < dist[t as usize] {
                    dist[t as usize] = nd;
                    pred[t as usize] = le;
                    heap.push(std::cmp::Reverse((nd.to_bits(), t)));
                }
            }
        }
        if self.order.len() < base + n {
            let row = &self.dist[base..];
            self.order
                .extend((0..n as u32).filter(|&v| row[v as usize].is_infinite()));
        }
    }

    #[inline]
    fn d(&self, a: u32, b: u32) -> f64 {
        let n = self.len();
        let ra = self.row_of[a as usize];
        if ra != NO {
            return self.dist[ra as usize * n + b as usize];
        }
        let rb = self.row_of[b as usize];
        if rb != NO {
            return self.dist[rb as usize * n + a as usize];
        }
        f64::INFINITY
    }

    fn near(&self, x: u32, radius: f64, f: &mut dyn FnMut(u32)) {
        let n = self.len();
        let r = self.row_of[x as usize];
        if r == NO {
            return;
        }
        let row = r as usize * n;
        for &v in &self.order[row..(row + n).min(self.order.len())] {
            if self.dist[row + v as usize] > radius {
                break;
            }
            f(v);
        }
    }

    fn connector_tasks(&self, x: u32, y: u32, out: &mut Vec<(u32, bool)>) {
        for (le, from) in self.path(x, y) {
            let t = self.task_of_edge[le as usize];
            if t != NO {
                out.push((t, self.ends[le as usize].0 != from));
            }
        }
    }
}
