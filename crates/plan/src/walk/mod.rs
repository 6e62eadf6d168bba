//! The observation-walk planner (issue 5).
