//! A planned walk marked done, as traversals: its edges in order, walked whole, with the walk's
//! time spread over them in proportion to their length (the plan's own pace per edge is not
//! kept in a plan record). [`crate::walked_cells`] turns them into coverage.

use feltkart_graph::{GEdge, GNode, Traversal};
use petgraph::graph::{EdgeIndex, UnGraph};

/// Traversals of `edges` (all in `g`) taking `seconds` in total, starting at time 0.
#[must_use]
pub fn planned_traversals(
    g: &UnGraph<GNode, GEdge>,
    edges: &[EdgeIndex],
    seconds: f64,
) -> Vec<Traversal> {
    let total: f64 = edges
        .iter()
        .filter_map(|e| g.edge_weight(*e))
        .map(|e| e.length_m)
        .sum();
    let mut t = 0.0;
    edges
        .iter()
        .filter_map(|&e| {
            let len = g.edge_weight(e)?.length_m;
            let dt = if total > 0.0 {
                seconds * len / total
            } else {
                0.0
            };
            let tr = Traversal {
                edge: e,
                from_m: 0.0,
                to_m: len,
                t0_s: t,
                t1_s: t + dt,
            };
            t += dt;
            Some(tr)
        })
        .collect()
}
