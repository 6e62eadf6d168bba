//! Planners: pure and deterministic (seeded). They take the walking graph, values and costs
//! as plain data (never SQL) and return plans.
//!
//! - [`walk`]: the observation walk a pair can do in the time they have (issue 5).
//! - [`export`]: timed routes as GPX 1.1, GeoJSON and walk sheets.
//! - [`day`]: a day route with promised appointments and search revisits, and the weekly rota (issue 6).

pub mod day;
pub mod export;
pub mod walk;
