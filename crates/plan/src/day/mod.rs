//! Day routes with revisit time windows, and the weekly rota (issue 6).
