//! The API's routes, each documented for the OpenAPI description with utoipa.

pub mod admin;
pub mod coverage;
pub mod day;
pub mod day_walk;
pub mod field;
pub mod map;
pub mod meta;
pub mod revisits;
pub mod session;
pub mod walk;
