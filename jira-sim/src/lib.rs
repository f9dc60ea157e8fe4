//! Jira Cloud simulator (placeholder).
