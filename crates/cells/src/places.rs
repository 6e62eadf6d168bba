//! Mapping questions 3–5: walking distance from each cell to the nearest place of every kind,
//! and how many places of each kind (and of each role: stay, partner, channel) lie within a
//! walking radius.
//!
//! A cell is its centre snapped to the nearest street; a place likewise. Distances are metres
//! walked: straight from the point to its street, then along the graph. The nearest place of a
//! kind comes from one multi-source Dijkstra per kind (from every place of the kind, bounded by
//! `max_walk_m`); counts from one small bounded Dijkstra per cell (up to `count_radius_m`),
//! which also gives exact distances when a cell and a place share a street segment.
//!
//! Complexity: O(K (V + E) log V) for K kinds, plus O(C b log b) for C cells with b vertices
//! within the count radius; memory O(K V).

use crate::walk::OnGraph;
use feltkart_graph::WalkGraph;
use feltkart_model::PlaceRole;
use feltkart_osm::Place;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Search bounds, metres.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaceOptions {
    /// Nearest places farther than this are reported as not reachable.
    pub max_walk_m: f64,
    /// Radius for the counts.
    pub count_radius_m: f64,
}

impl Default for PlaceOptions {
    fn default() -> Self {
        Self {
            max_walk_m: 2000.0,
            count_radius_m: 500.0,
        }
    }
}

/// Places seen from one cell.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlaceAccess {
    /// Walking distance (m) to the nearest place of each kind (index = place kind), `None`
    /// beyond `max_walk_m` or when the cell could not be snapped.
    pub nearest_m: Vec<Option<f64>>,
    /// Places of each kind within `count_radius_m`.
    pub within: Vec<u32>,
    /// Distinct places within `count_radius_m` per role.
    pub roles_within: BTreeMap<PlaceRole, u32>,
}

/// Places snapped to the graph, indexed by edge.
struct Snapped {
    at: Vec<Option<OnGraph>>,
    by_edge: BTreeMap<u32, Vec<u32>>,
}

fn snap_places(graph: &WalkGraph, index: &feltkart_graph::SnapIndex, places: &[Place]) -> Snapped {
    let at: Vec<Option<OnGraph>> = places
        .par_iter()
        .map(|p| OnGraph::snap(&graph.graph, index, p.at))
        .collect();
    let mut by_edge: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (i, s) in at.iter().enumerate() {
        if let Some(s) = s {
            by_edge.entry(s.edge).or_default().push(i as u32);
        }
    }
    Snapped { at, by_edge }
}

/// Place access for every cell position (`None`: not snapped), parallel to `cells`.
/// `roles[k]` are the roles of place kind `k` (from the taxonomy the extract was read with).
#[must_use]
pub fn place_access(
    graph: &WalkGraph,
    places: &[Place],
    roles: &[Vec<PlaceRole>],
    cells: &[Option<OnGraph>],
    opts: PlaceOptions,
) -> Vec<PlaceAccess> {
    let kinds = roles.len();
    let index = graph.snap_index();
    let snapped = snap_places(graph, &index, places);
    let adjacency = graph.adjacency();
    // Nearest per kind: one multi-source bounded Dijkstra per kind.
    let per_kind: Vec<Vec<f64>> = (0..kinds)
        .into_par_iter()
        .map(|k| {
            let sources: Vec<_> = places
                .iter()
                .zip(&snapped.at)
                .filter(|(p, _)| p.kinds.iter().any(|&pk| usize::from(pk) == k))
                .filter_map(|(_, s)| s.map(|s| s.sources()))
                .flatten()
                .collect();
            if sources.is_empty() {
                Vec::new()
            } else {
                adjacency.lengths_from(&sources, Some(opts.max_walk_m))
            }
        })
        .collect();
    cells
        .par_iter()
        .map_init(
            || adjacency.scratch(),
            |scratch, cell| {
                let mut acc = PlaceAccess {
                    nearest_m: vec![None; kinds],
                    within: vec![0; kinds],
                    roles_within: BTreeMap::new(),
                };
                let Some(c) = cell else { return acc };
                let (a, b) = (c.ends.0 as usize, c.ends.1 as usize);
                for (k, dist) in per_kind.iter().enumerate() {
                    if let (Some(da), Some(db)) = (dist.get(a), dist.get(b)) {
                        let d = (da + c.to_source_m).min(db + c.to_target_m) + c.off_m;
                        if d <= opts.max_walk_m {
                            acc.nearest_m[k] = Some(d);
                        }
                    }
                }
                // Exact distances to places within the count radius (same street segment first:
                // the search below may not reach the segment's ends).
                let mut found: BTreeMap<u32, f64> = BTreeMap::new();
                for &pi in snapped.by_edge.get(&c.edge).into_iter().flatten() {
                    if let Some(p) = snapped.at[pi as usize] {
                        found.insert(
                            pi,
                            c.off_m + (c.to_source_m - p.to_source_m).abs() + p.off_m,
                        );
                    }
                }
                adjacency.ball(&c.sources(), opts.count_radius_m, scratch, |vertex, d| {
                    let v = vertex.index() as u32;
                    for e in adjacency.incident_edges(vertex) {
                        let e = e.index() as u32;
                        for &pi in snapped.by_edge.get(&e).into_iter().flatten() {
                            let Some(p) = snapped.at[pi as usize] else {
                                continue;
                            };
                            let mut dp =
                                d + if p.ends.0 == v {
                                    p.to_source_m
                                } else {
                                    p.to_target_m
                                } + p.off_m;
                            if p.edge == c.edge {
                                dp = dp
                                    .min(c.off_m + (c.to_source_m - p.to_source_m).abs() + p.off_m);
                            }
                            let slot = found.entry(pi).or_insert(f64::INFINITY);
                            *slot = slot.min(dp);
                        }
                    }
                });
                for (&pi, &d) in &found {
                    let place = &places[pi as usize];
                    let inside = d <= opts.count_radius_m;
                    let mut place_roles: Vec<PlaceRole> = Vec::new();
                    for &k in &place.kinds {
                        let k = usize::from(k);
                        if k >= kinds || d > opts.max_walk_m {
                            continue;
                        }
                        let n = &mut acc.nearest_m[k];
                        *n = Some(n.map_or(d, |x| x.min(d)));
                        if inside {
                            acc.within[k] += 1;
                            place_roles.extend(roles[k].iter().copied());
                        }
                    }
                    place_roles.sort_unstable();
                    place_roles.dedup();
                    for r in place_roles {
                        *acc.roles_within.entry(r).or_default() += 1;
                    }
                }
                acc
            },
        )
        .collect()
}
