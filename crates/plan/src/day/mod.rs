//! Day routes with revisit time windows, and the weekly rota (issue 6).
//!
//! - [`policy`]: the next-try policy (which slot to try a search revisit in next; when to
//!   flag it for the team meeting), as data.
//! - [`route`]: the day route of one pair — appointments kept, searches added by priority,
//!   unserved revisits reported with the reason, idle gaps offered to the walk planner
//!   through [`route::GapFiller`].
//! - [`fill`]: the gap filler: observation walks from the walk planner in the route's free
//!   time, from each place to the next.
//! - [`revisit_file`]: the JSON revisits file of `feltkart plan day`, checked field by field.
//! - [`track`]: the day as one connected walk (legs and gap walks, waits and visits), for
//!   the exports.
//! - [`rota`]: the weekly rota over a 4-week cycle, spreading each priority area over the
//!   day-parts, seeded; CSV and iCalendar output.
//! - [`tsptw`]: the route solver (heuristic) for one walker with time windows and optional
//!   stops; [`exact`] is its exact reference for tiny instances.

pub mod exact;
pub mod fill;
pub mod policy;
pub mod revisit_file;
mod rng;
pub mod rota;
pub mod route;
pub mod track;
pub mod tsptw;

#[cfg(test)]
mod route_tests;
#[cfg(test)]
mod tsptw_laws;
