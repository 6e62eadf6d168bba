//! Snapping a point to the nearest edge with an `rstar` R-tree of edge segments.
//!
//! Segments are indexed in a local equirectangular projection (metres, centred on the graph),
//! so "nearest" is nearest on the ground; the reported distance is haversine.

use crate::{GEdge, GNode};
use feltkart_model::{LonLat, haversine_m};
use petgraph::graph::{EdgeIndex, UnGraph};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line};

type Seg = GeomWithData<Line<[f64; 2]>, (u32, u32)>;

/// An R-tree over every segment of every edge.
pub struct SnapIndex {
    tree: RTree<Seg>,
    lat0_cos: f64,
}

/// Where a point snaps to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snap {
    /// The edge.
    pub edge: EdgeIndex,
    /// Metres from the edge's source vertex along its geometry to the snapped point.
    pub offset_m: f64,
    /// The snapped point.
    pub at: LonLat,
    /// Haversine distance from the query point to the snapped point, metres.
    pub distance_m: f64,
}

const M_PER_DEG: f64 = feltkart_model::EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

impl SnapIndex {
    /// Index every segment of `g`.
    #[must_use]
    pub fn new(g: &UnGraph<GNode, GEdge>) -> Self {
        let n = g.node_count().max(1);
        #[allow(clippy::cast_precision_loss)]
        let lat0 = g.node_weights().map(|v| v.at.lat).sum::<f64>() / n as f64;
        let lat0_cos = lat0.to_radians().cos();
        let mut segs = Vec::new();
        for e in g.edge_indices() {
            let coords = &g[e].coords;
            for (i, w) in coords.windows(2).enumerate() {
                let a = project(w[0], lat0_cos);
                let b = project(w[1], lat0_cos);
                segs.push(GeomWithData::new(
                    Line::new(a, b),
                    (e.index() as u32, i as u32),
                ));
            }
        }
        Self {
            tree: RTree::bulk_load(segs),
            lat0_cos,
        }
    }

    /// The nearest edge to `p`, or `None` for an empty graph.
    #[must_use]
    pub fn nearest(&self, g: &UnGraph<GNode, GEdge>, p: LonLat) -> Option<Snap> {
        let q = project(p, self.lat0_cos);
        let seg = self.tree.nearest_neighbor(&q)?;
        self.snap_to(g, p, seg)
    }

    /// Every edge with a point within `radius_m` of `p` (in the local projection), each once at
    /// its nearest point, nearest first.
    ///
    /// Complexity: O(log S + k) for the k segments within the radius.
    #[must_use]
    pub fn within(&self, g: &UnGraph<GNode, GEdge>, p: LonLat, radius_m: f64) -> Vec<Snap> {
        let q = project(p, self.lat0_cos);
        let mut best: Vec<Snap> = Vec::new();
        for seg in self.tree.locate_within_distance(q, radius_m * radius_m) {
            let Some(s) = self.snap_to(g, p, seg) else {
                continue;
            };
            match best.iter_mut().find(|b| b.edge == s.edge) {
                Some(b) if b.distance_m > s.distance_m => *b = s,
                Some(_) => {}
                None => best.push(s),
            }
        }
        best.sort_by(|a, b| a.distance_m.total_cmp(&b.distance_m));
        best
    }

    fn snap_to(&self, g: &UnGraph<GNode, GEdge>, p: LonLat, seg: &Seg) -> Option<Snap> {
        let q = project(p, self.lat0_cos);
        let (e, i) = seg.data;
        let edge = EdgeIndex::new(e as usize);
        let line = seg.geom();
        let c = line.nearest_point(&q);
        let at = LonLat {
            lon: c[0] / (M_PER_DEG * self.lat0_cos),
            lat: c[1] / M_PER_DEG,
        };
        let coords = &g.edge_weight(edge)?.coords;
        let before: f64 = coords[..=i as usize]
            .windows(2)
            .map(|w| w[0].distance_m(w[1]))
            .sum();
        let offset_m = before + coords[i as usize].distance_m(at);
        Some(Snap {
            edge,
            offset_m,
            at,
            distance_m: haversine_m(p.lon, p.lat, at.lon, at.lat),
        })
    }
}

fn project(p: LonLat, lat0_cos: f64) -> [f64; 2] {
    [p.lon * M_PER_DEG * lat0_cos, p.lat * M_PER_DEG]
}
