//! The API's routes, each documented for the OpenAPI description with utoipa.

pub mod map;
pub mod meta;
pub mod session;
pub mod walk;
