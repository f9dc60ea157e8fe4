//! Worklogs domain core (placeholder).
