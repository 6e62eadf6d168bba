//! Day routes with revisit time windows, and the weekly rota (issue 6).
//!
//! - [`tsptw`]: the route solver (heuristic) for one pair with time windows and optional stops;
//!   [`exact`] is its exact reference for tiny instances.

pub mod exact;
pub mod policy;
pub mod tsptw;

#[cfg(test)]
mod tsptw_laws;
