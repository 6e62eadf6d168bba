//! Graph invariants, checked after every build and load (and in tests on every extract).

use crate::WalkGraph;
use petgraph::visit::EdgeRef;

/// A broken graph invariant.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum InvariantError {
    /// An edge's length is not positive and finite.
    #[error("edge {edge} (way {way}): length {length} m is not positive and finite")]
    BadLength {
        /// Edge index.
        edge: usize,
        /// OSM way.
        way: String,
        /// The length.
        length: f64,
    },
    /// An edge's length differs from its geometry's.
    #[error("edge {edge} (way {way}): length {length} m differs from its geometry's {geometry} m")]
    LengthMismatch {
        /// Edge index.
        edge: usize,
        /// OSM way.
        way: String,
        /// Stored length.
        length: f64,
        /// Geometry length.
        geometry: f64,
    },
    /// An edge's geometry does not start and end at its vertices.
    #[error("edge {edge} (way {way}): geometry does not run from its source to its target vertex")]
    DanglingGeometry {
        /// Edge index.
        edge: usize,
        /// OSM way.
        way: String,
    },
    /// An edge joins a vertex to itself.
    #[error("edge {edge} (way {way}) is a self-loop")]
    SelfLoop {
        /// Edge index.
        edge: usize,
        /// OSM way.
        way: String,
    },
    /// The graph has several components (or none).
    #[error("graph has {components} connected components, expected 1")]
    Components {
        /// How many.
        components: usize,
    },
}

pub fn check(wg: &WalkGraph) -> Result<(), InvariantError> {
    let g = &wg.graph;
    for e in g.edge_references() {
        let w = e.weight();
        let (edge, way) = (e.id().index(), w.way.to_string());
        if !(w.length_m.is_finite() && w.length_m > 0.0) {
            return Err(InvariantError::BadLength {
                edge,
                way,
                length: w.length_m,
            });
        }
        if e.source() == e.target() {
            return Err(InvariantError::SelfLoop { edge, way });
        }
        let geometry: f64 = w.coords.windows(2).map(|p| p[0].distance_m(p[1])).sum();
        if (geometry - w.length_m).abs() > 1e-6 * w.length_m.max(1.0) {
            return Err(InvariantError::LengthMismatch {
                edge,
                way,
                length: w.length_m,
                geometry,
            });
        }
        let (s, t) = (g[e.source()].at, g[e.target()].at);
        if w.coords.first() != Some(&s) || w.coords.last() != Some(&t) {
            return Err(InvariantError::DanglingGeometry { edge, way });
        }
    }
    let components = petgraph::algo::connected_components(g);
    if components != 1 {
        return Err(InvariantError::Components { components });
    }
    Ok(())
}
