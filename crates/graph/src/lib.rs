//! The walking graph: a petgraph [`UnGraph`] of street segments in metres, with street names,
//! `lit`, class and geometry; the largest connected component kept; an `rstar` index to snap
//! points to edges; bounded multi-source shortest paths over a compact adjacency table.

mod build;
mod invariants;
pub mod matching;
mod paths;
mod snap;

pub use build::{BuildOptions, GraphStats, Rule, build, build_from_ways};
pub use invariants::InvariantError;
pub use matching::{MatchError, MatchOptions, MatchedTrack, TrackPoint, Traversal, match_track};
pub use paths::{Adjacency, Path, Scratch, ShortestPaths};
pub use snap::{Snap, SnapIndex};

use feltkart_model::{HighwayClass, LonLat, OsmNodeId, OsmWayId};
use petgraph::graph::UnGraph;
use serde::{Deserialize, Serialize};

/// A vertex: a junction, a way end, or (raw graphs) any way node.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GNode {
    /// The OSM node.
    pub osm: OsmNodeId,
    /// Its position.
    pub at: LonLat,
}

/// An edge: one street segment between two vertices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GEdge {
    /// The OSM way it is part of.
    pub way: OsmWayId,
    /// Geodesic (haversine) length in metres along `coords`.
    pub length_m: f64,
    /// Highway class.
    pub class: HighwayClass,
    /// Street name.
    pub name: Option<String>,
    /// `lit=*`.
    pub lit: Option<bool>,
    /// `surface=*`.
    pub surface: Option<String>,
    /// Geometry from the edge's source vertex to its target vertex.
    pub coords: Vec<LonLat>,
}

impl GEdge {
    /// The point `offset_m` metres along the geometry from the source vertex (clamped to the
    /// edge), interpolated linearly within a segment.
    #[must_use]
    pub fn point_at(&self, offset_m: f64) -> LonLat {
        let mut left = offset_m.max(0.0);
        for w in self.coords.windows(2) {
            let len = w[0].distance_m(w[1]);
            if left <= len {
                let f = if len > 0.0 { left / len } else { 0.0 };
                return LonLat {
                    lon: w[0].lon + (w[1].lon - w[0].lon) * f,
                    lat: w[0].lat + (w[1].lat - w[0].lat) * f,
                };
            }
            left -= len;
        }
        self.coords
            .last()
            .copied()
            .unwrap_or(LonLat { lon: 0.0, lat: 0.0 })
    }

    /// Whether the edge is a flight of steps.
    #[must_use]
    pub fn is_steps(&self) -> bool {
        self.class == HighwayClass::Steps
    }
}

/// The walking graph.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WalkGraph {
    /// The petgraph graph (undirected: walking ignores `oneway`).
    pub graph: UnGraph<GNode, GEdge>,
    /// What building it dropped and kept.
    pub stats: GraphStats,
}

impl WalkGraph {
    /// Total edge length in metres.
    #[must_use]
    pub fn total_length_m(&self) -> f64 {
        self.graph.edge_weights().map(|e| e.length_m).sum()
    }

    /// A compact adjacency table for fast shortest paths (weights: edge length in metres).
    #[must_use]
    pub fn adjacency(&self) -> Adjacency {
        Adjacency::new(&self.graph)
    }

    /// A spatial index for snapping points to edges.
    #[must_use]
    pub fn snap_index(&self) -> SnapIndex {
        SnapIndex::new(&self.graph)
    }

    /// Check the graph's invariants: edges join existing distinct vertices, lengths are
    /// positive and finite and equal the geometry's length, geometry ends at the edge's
    /// vertices, and the graph is one connected component.
    ///
    /// # Errors
    /// The first broken invariant, naming the edge or vertex.
    pub fn check_invariants(&self) -> Result<(), InvariantError> {
        invariants::check(self)
    }
}

#[cfg(test)]
mod tests;
