//! Finding the component file.
//!
//! In order: the path given (the `--component` flag), the `WORKLOGS_COMPONENT`
//! environment variable, then cargo's target layout: `wasm32-wasip2/release/` in
//! an ancestor of the running executable's directory (`target/release/worklogs`
//! finds `target/wasm32-wasip2/release/`, and so do test and bench executables
//! under `target/release/deps/`), then `target/wasm32-wasip2/release/` under the
//! current directory.

use std::path::{Path, PathBuf};

use crate::Error;

/// The environment variable naming the component file.
pub const COMPONENT_ENV: &str = "WORKLOGS_COMPONENT";

/// The component's file name in cargo's target directory.
const FILE: &str = "wasm32-wasip2/release/worklogs_app.wasm";

/// The component file: `explicit` if given, else the first one found (see the
/// module docs).
///
/// # Errors
///
/// When `explicit` (or the environment variable) names a missing file, or no
/// component is found; the message lists where it looked and how to build it.
pub fn locate_component(explicit: Option<&Path>) -> Result<PathBuf, Error> {
    let named = explicit
        .map(Path::to_path_buf)
        .or_else(|| std::env::var_os(COMPONENT_ENV).map(PathBuf::from));
    if let Some(path) = named {
        return if path.is_file() {
            Ok(path)
        } else {
            Err(Error::component(format!(
                "the component {} does not exist; build it with `make build`",
                path.display()
            )))
        };
    }
    let mut tried = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        for dir in exe.ancestors().skip(1).take(4) {
            tried.push(dir.join(FILE));
        }
    }
    tried.push(Path::new("target").join(FILE));
    if let Some(found) = tried.iter().find(|path| path.is_file()) {
        return Ok(found.clone());
    }
    let places: Vec<String> = tried.iter().map(|p| p.display().to_string()).collect();
    Err(Error::component(format!(
        "the component is not built (looked for {}); build it with `make build` \
         (or `cargo build --release --target wasm32-wasip2 -p worklogs-app`), \
         or name it with --component or {COMPONENT_ENV}",
        places.join(", ")
    )))
}
