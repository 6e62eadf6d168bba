//! A matched walk as coverage: the traversals of a map-matched track (or of a planned walk
//! marked done) become minutes and metres per H3 cell × time slot, the store's `walk_cells`.
//!
//! Each stretch of edge is cut into pieces of at most [`PIECE_M`] metres; a piece counts in the
//! cell of its middle point and in the slot of its middle time. A stretch of length zero (a
//! pair standing still) keeps its minutes in the cell where it stands.

use chrono::{Duration, NaiveDateTime};
use feltkart_graph::{GEdge, GNode, Traversal};
use feltkart_model::{CellSlotWalk, TimeSlot};
use h3o::{LatLng, Resolution};
use petgraph::graph::UnGraph;
use std::collections::BTreeMap;

/// Longest piece of a stretch attributed to one cell, metres.
pub const PIECE_M: f64 = 5.0;

/// Minutes and metres per cell × slot for `traversals`, whose times are seconds after
/// `start` (local time). Cells and slots are sorted; entries with no time are left out.
///
/// Complexity: O(L / PIECE_M) for L metres walked.
#[must_use]
pub fn walked_cells(
    g: &UnGraph<GNode, GEdge>,
    traversals: &[Traversal],
    start: NaiveDateTime,
    res: Resolution,
) -> Vec<CellSlotWalk> {
    let mut acc: BTreeMap<(u64, TimeSlot), (f64, f64)> = BTreeMap::new();
    for t in traversals {
        let Some(edge) = g.edge_weight(t.edge) else {
            continue;
        };
        let len = t.metres();
        let pieces = (len / PIECE_M).ceil().max(1.0);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let n = pieces as usize;
        for k in 0..n {
            #[allow(clippy::cast_precision_loss)]
            let mid = (k as f64 + 0.5) / pieces;
            let at = edge.point_at(t.from_m + (t.to_m - t.from_m) * mid);
            let Ok(ll) = LatLng::new(at.lat, at.lon) else {
                continue;
            };
            let secs = t.t0_s + (t.t1_s - t.t0_s) * mid;
            #[allow(clippy::cast_possible_truncation)]
            let when = start + Duration::milliseconds((secs * 1000.0).round() as i64);
            let e = acc
                .entry((u64::from(ll.to_cell(res)), TimeSlot::of(when)))
                .or_insert((0.0, 0.0));
            e.0 += (t.t1_s - t.t0_s) / 60.0 / pieces;
            e.1 += len / pieces;
        }
    }
    acc.into_iter()
        .filter(|(_, (minutes, _))| *minutes > 0.0)
        .map(|((cell, slot), (minutes, metres))| CellSlotWalk {
            cell,
            slot,
            minutes,
            metres,
        })
        .collect()
}
