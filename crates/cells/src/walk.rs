//! Walking distances between points on the graph: points snapped onto edges, as sources for
//! `feltkart_graph::Adjacency` searches (the bounded `Adjacency::ball` with per-thread scratch
//! memory serves the many small searches of per-cell place counts).

use feltkart_graph::{GEdge, GNode, Snap, SnapIndex};
use feltkart_model::LonLat;
use petgraph::graph::{NodeIndex, UnGraph};

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
