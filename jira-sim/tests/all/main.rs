//! The simulator's integration tests, as one test binary (one build and link of
//! the simulator instead of one per file). Run one part with a filter:
//! `cargo test --release -p jira-sim --test all -- conformance::`.

mod common;

mod conformance;
mod edits;
mod estimates;
mod generator;
mod issue_security;
mod module_graph;
mod oauth;
mod permissions;
mod privacy;
mod sync_and_control;
mod visibility;
