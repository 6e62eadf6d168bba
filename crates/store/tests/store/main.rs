//! Integration tests of feltkart-store: one binary, a module per concern.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod batch;
mod common;
mod concurrency;
mod coverage;
mod crash;
mod maintenance;
mod privacy;
mod writes;
