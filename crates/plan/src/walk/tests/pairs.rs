//! Several pairs.
