//! The gap filler: the observation-walk planner ([`crate::walk`]) fills each free interval of
//! a day route with a walk from the place the pair leaves to the place it must be at next,
//! within the interval, through the valued (priority) streets.
//!
//! Each gap is one [`WalkProblem`]: start = the previous place, end = the next one, budget =
//! the gap's seconds, the caller's edge times and values. A street is valued once per day:
//! the edges a gap walk covers earn nothing in later gaps. Gaps with less than
//! [`WalkGapFiller::min_idle_s`] beyond the direct leg are left to the direct leg, and so is a
//! gap whose walk would collect nothing.

use super::route::{Gap, GapFiller, GapWalk};
use crate::walk::{SearchOptions, WalkProblem, plan_walk_with};
use feltkart_graph::WalkGraph;
use feltkart_model::NodeId;
use petgraph::graph::NodeIndex;

/// Fills the gaps of a day route with observation walks.
#[derive(Clone, Debug)]
pub struct WalkGapFiller<'a> {
    graph: &'a WalkGraph,
    edge_time_s: Vec<f64>,
    edge_value: Vec<f64>,
    /// Search settings of the walk planner.
    pub search: SearchOptions,
    /// Seed of the first gap's walk (the k-th gap uses `seed + k`).
    pub seed: u64,
    /// Smallest idle time (gap minus the direct leg) worth a walk, s (default 300).
    pub min_idle_s: i64,
    /// Gaps asked so far.
    asked: u64,
}

impl<'a> WalkGapFiller<'a> {
    /// A filler on `graph` with per-edge times (s) and values, indexed by edge. The times must
    /// be the ones the day's track is timed with ([`super::route::DayRoute::track`]).
    #[must_use]
    pub fn new(graph: &'a WalkGraph, edge_time_s: Vec<f64>, edge_value: Vec<f64>) -> Self {
        Self {
            graph,
            edge_time_s,
            edge_value,
            search: SearchOptions::default(),
            seed: 1,
            min_idle_s: 300,
            asked: 0,
        }
    }

    /// Total value still to collect (each street's value is earned once per day).
    #[must_use]
    pub fn value_left(&self) -> f64 {
        self.edge_value.iter().sum()
    }
}

impl GapFiller for WalkGapFiller<'_> {
    fn fill(&mut self, gap: &Gap) -> Option<GapWalk> {
        if gap.idle_seconds() < self.min_idle_s {
            return None;
        }
        #[allow(clippy::cast_precision_loss)]
        let budget_s = gap.seconds() as f64;
        let seed = self.seed.wrapping_add(self.asked);
        self.asked += 1;
        let problem = WalkProblem {
            start: NodeIndex::new(gap.from_vertex.0 as usize),
            end: NodeIndex::new(gap.to_vertex.0 as usize),
            budget_s,
            edge_time_s: std::mem::take(&mut self.edge_time_s),
            edge_value: std::mem::take(&mut self.edge_value),
            stops: Vec::new(),
            seed,
        };
        let walk = plan_walk_with(self.graph, &problem, &self.search);
        self.edge_time_s = problem.edge_time_s;
        self.edge_value = problem.edge_value;
        let walk = walk
            .ok()
            .filter(|w| w.value > 0.0 && w.time_s <= budget_s)?;
        for e in &walk.edges {
            if let Some(v) = self.edge_value.get_mut(e.index()) {
                *v = 0.0;
            }
        }
        Some(GapWalk {
            vertices: walk
                .nodes
                .iter()
                .filter_map(|n| u32::try_from(n.index()).ok().map(NodeId))
                .collect(),
            edges: walk.edges,
        })
    }
}
