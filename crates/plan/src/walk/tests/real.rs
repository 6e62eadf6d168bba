//! Real extracts.
