//! The API through `app()` (tower's `oneshot`), on the shipped Monaco sample: one module per
//! concern.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod day_route;
mod malformed;
mod openapi;
mod privacy;
mod roles;
mod shutdown;
mod walks;
