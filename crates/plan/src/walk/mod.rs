//! The observation-walk planner (issue 5): the most valuable walk a pair can do in the time
//! they have.
//!
//! # Problem
//! A [`WalkProblem`] on a [`feltkart_graph::WalkGraph`]: a start and an end vertex (equal for a
//! round walk), a budget in seconds, a traversal time per edge (see [`edge_times`]: 4.5 km/h by
//! default, slower while observing in priority cells, steps slower, an optional after-dark
//! penalty on `lit=no`), a value per edge (typically metres × priority × coverage deficit for
//! the time slot, see [`edge_values`]) earned on the first traversal only, optional
//! [`DwellStop`]s (a value and a dwell time counted in the budget), and a seed.
//!
//! # Answer
//! A [`Walk`]: vertices and edges in order, the stops made, total time, collected value, and an
//! upper bound on the optimum.
//!
//! # Solvers
//! - [`plan_walk`] / [`plan_walk_with`]: the heuristic. The walk is modelled as a sequence of
//!   *tasks* (valued edges, each in a direction, and stops) joined by shortest paths. Greedy
//!   construction inserts the task with the best value per added second at its cheapest place;
//!   then a seeded ruin-and-recreate search removes a block of consecutive tasks (or a few
//!   random ones), shortens the sequence by 2-opt, re-inserts greedily, and takes into the
//!   route the valued edges its connecting paths walk over. Deterministic for a seed.
//! - [`plan_walk_greedy`]: the greedy construction alone (the baseline).
//! - [`plan_walk_exact`]: the optimum for tiny problems (≤ [`MAX_CANDIDATES`] candidates),
//!   by dynamic programming over subsets of tasks.
//! - [`plan_pairs`]: K walks for K pairs with no street walked twice unless unavoidable.
//! - [`solve_matrix`]: the same heuristic on a complete travel-time matrix (orienteering, as in
//!   OR-Tools and the peers' instances).
//!
//! # Upper bound
//! A fractional knapsack over the *usable* tasks (those for which start → task → end fits the
//! budget), weight = the task's own time (edge time or dwell), capacity = the budget. Every
//! walk spends at least that time on each task it collects, in disjoint parts of its time, so
//! no walk collects more. It ignores the time spent between tasks, so it is loose when the
//! valuable streets are far apart.
//!
//! # Only the local graph
//! Only vertices `v` with time(start → v) + time(v → end) ≤ budget can be on a feasible walk;
//! the solvers cut that part out first (two Dijkstras) and run on it.

mod core;
mod exact;
mod local;
mod matrix;
mod options;
mod pairs;
mod problem;
pub mod request;
mod search;
mod solve;

pub use exact::MAX_CANDIDATES;
pub use matrix::{MatrixProblem, MatrixTour, solve_matrix, solve_matrix_with, tour_travel_s};
pub use pairs::{CLOSED_TOLERANCE, distinct_value, plan_pairs, shared_fraction};
pub use problem::{DwellStop, Pace, Walk, WalkError, WalkProblem, edge_times, edge_values};
pub use search::SearchOptions;
pub use solve::{plan_walk, plan_walk_exact, plan_walk_greedy, plan_walk_with, walk_time_value};

#[cfg(test)]
mod tests;
