//! Worklogs component (placeholder).
