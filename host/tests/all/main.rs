//! The host's integration tests, as one test binary: every module below was a
//! binary of its own, and each linked wasmtime, the host and the simulator
//! again. One binary builds and links them once; the component is compiled (or
//! mapped from the cache) once for all of them (`common::runtime`).
//!
//! Run one part with a filter: `cargo test --release -p worklogs-host --test
//! all -- faults::`.

mod common;
mod engines;

mod backup;
mod cloud;
mod faults;
mod generic;
mod module_graph;
mod odata;
mod restore;
mod runtime;
mod scenarios;
mod signin;
mod sync;
