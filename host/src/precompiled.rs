//! Compiled components kept on disk, so that a process starts in milliseconds
//! instead of compiling the component again (some 3 s of CPU at every
//! `worklogs call`, every job run from cron, every test process).
//!
//! wasmtime saves what it compiled (`Component::serialize`) and maps it back
//! (`Component::deserialize_file`). Mapping native code from a file is only as
//! safe as the file, so:
//!
//! - the cache is a directory of the current user that nobody else may write:
//!   created `0700`; a directory or entry owned by another user, or writable by
//!   group or others, is never read (the component is compiled instead);
//! - an entry is named by the SHA-256 of the component's bytes and of the
//!   engine's compatibility hash (wasmtime's version, its settings, the CPU's
//!   features), so a rebuilt component or host never maps stale code, and
//!   wasmtime itself refuses an entry made by another version;
//! - entries are written under a temporary name (`0600`) and renamed, so a
//!   reader never sees half a file; anything unreadable is compiled again and
//!   replaced. The newest [`KEEP`] entries stay, the older ones are deleted.
//!
//! Where: `WORKLOGS_CACHE_DIR`, else `$XDG_CACHE_HOME/worklogs`, else
//! `$HOME/.cache/worklogs`; `WORKLOGS_CACHE_DIR=off` turns the cache off. Unix
//! only (elsewhere the component is compiled at every start).
//!
//! Why not wasmtime's own `cache` feature: it keeps each function's code
//! compressed with zstd (one more C library to build) and still links the
//! component at every start; one serialized component is mapped whole.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::Engine;

/// The environment variable naming the cache directory (`off`: no cache).
pub const CACHE_ENV: &str = "WORKLOGS_CACHE_DIR";

/// Entries kept: the component of the last few builds.
const KEEP: usize = 4;

/// The cache directory from the environment, if any.
pub fn cache_dir() -> Option<PathBuf> {
    cache_dir_from(|name| std::env::var_os(name))
}

/// [`cache_dir`] from the variables `var` answers.
fn cache_dir_from(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
    let from = |name: &str| var(name).filter(|v| !v.is_empty());
    match from(CACHE_ENV) {
        Some(dir) if dir == "off" => None,
        Some(dir) => Some(PathBuf::from(dir)),
        None => from("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| from("HOME").map(|home| Path::new(&home).join(".cache")))
            .map(|base| base.join("worklogs")),
    }
}

/// The component of `bytes` for `engine`: mapped from `dir` when a trusted
/// entry is there, else compiled (and saved there, when `dir` can be used).
///
/// # Errors
///
/// wasmtime's, when `bytes` is not a valid component.
pub fn component(engine: &Engine, bytes: &[u8], dir: Option<&Path>) -> wasmtime::Result<Component> {
    let Some(dir) = dir.filter(|dir| prepare(dir)) else {
        return Component::new(engine, bytes);
    };
    let entry = dir.join(format!("{}.cwasm", key(engine, bytes)));
    if owned_and_private(&entry) {
        // SAFETY: the entry is a regular file of this user that nobody else
        // may write, in a directory nobody else may write, named by the hash of
        // the component and of this engine; wasmtime checks its header (version,
        // settings, CPU features) and refuses a mismatch.
        if let Ok(component) = unsafe { Component::deserialize_file(engine, &entry) } {
            return Ok(component);
        }
    }
    let component = Component::new(engine, bytes)?;
    if let Ok(compiled) = component.serialize() {
        save(dir, &entry, &compiled);
    }
    Ok(component)
}

/// `sha256(bytes, engine compatibility hash)`, hex.
fn key(engine: &Engine, bytes: &[u8]) -> String {
    struct Sha(Sha256);
    impl Hasher for Sha {
        fn write(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
        fn finish(&self) -> u64 {
            0
        }
    }
    let mut sha = Sha(Sha256::new());
    sha.0.update((bytes.len() as u64).to_le_bytes());
    sha.0.update(bytes);
    std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut sha);
    sha.0
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Creates `dir` (`0700`) if missing; whether it is this user's and private.
fn prepare(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        let _ = std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir);
        owned_and_private(dir)
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        false
    }
}

/// Whether `path` (not a link) belongs to this user and nobody else may write it.
fn owned_and_private(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        std::fs::symlink_metadata(path)
            .is_ok_and(|m| !m.file_type().is_symlink() && m.uid() == me && m.mode() & 0o022 == 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Writes `compiled` to `entry` through a temporary file, then deletes all but
/// the newest [`KEEP`] entries. Best effort: a cache that cannot be written is
/// no cache.
fn save(dir: &Path, entry: &Path, compiled: &[u8]) {
    let Ok(mut temporary) = tempfile::Builder::new().prefix(".entry-").tempfile_in(dir) else {
        return;
    };
    if std::io::Write::write_all(&mut temporary, compiled).is_err()
        || temporary.persist(entry).is_err()
    {
        return;
    }
    let Ok(listing) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<(std::time::SystemTime, PathBuf)> = listing
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "cwasm"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.0));
    for (_, old) in entries.iter().skip(KEEP) {
        if old != entry {
            let _ = std::fs::remove_file(old);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest component: the header of an empty one.
    const EMPTY: &[u8] = b"\0asm\x0d\0\x01\0";

    fn entries(dir: &Path) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        found.sort();
        found
    }

    #[test]
    fn a_component_is_saved_once_and_mapped_from_then_on() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("worklogs");
        let engine = Engine::default();
        component(&engine, EMPTY, Some(&cache)).unwrap();
        let saved = entries(&cache);
        assert_eq!(saved.len(), 1, "{saved:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&cache), 0o700);
            assert_eq!(mode(&saved[0]), 0o600);
        }
        let written = std::fs::metadata(&saved[0]).unwrap().modified().unwrap();
        component(&engine, EMPTY, Some(&cache)).unwrap();
        assert_eq!(entries(&cache), saved);
        assert_eq!(
            std::fs::metadata(&saved[0]).unwrap().modified().unwrap(),
            written
        );
    }

    #[test]
    fn a_damaged_entry_is_compiled_again_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::default();
        component(&engine, EMPTY, Some(dir.path())).unwrap();
        let entry = entries(dir.path()).remove(0);
        std::fs::write(&entry, b"not a compiled component").unwrap();
        component(&engine, EMPTY, Some(dir.path())).unwrap();
        assert_ne!(std::fs::read(&entry).unwrap(), b"not a compiled component");
    }

    #[cfg(unix)]
    #[test]
    fn a_directory_or_entry_others_may_write_is_never_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let engine = Engine::default();
        let entry = dir.path().join(format!("{}.cwasm", key(&engine, EMPTY)));
        // An entry planted by someone who could write there: not a component
        // wasmtime would take, so reading it would fail this test.
        std::fs::write(&entry, b"planted").unwrap();
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(0o666)).unwrap();
        component(&engine, EMPTY, Some(dir.path())).unwrap();
        // Not read, and not trusted enough to be replaced in place either:
        // the write goes through a new file, so the planted one is gone.
        assert_ne!(std::fs::read(&entry).unwrap(), b"planted");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        std::fs::write(&entry, b"planted again").unwrap();
        component(&engine, EMPTY, Some(dir.path())).unwrap();
        assert_eq!(
            std::fs::read(&entry).unwrap(),
            b"planted again",
            "nothing written there"
        );
        assert!(!prepare(dir.path()));
    }

    #[test]
    fn another_component_or_engine_has_another_entry_and_old_ones_are_pruned() {
        let engine = Engine::default();
        let mut config = wasmtime::Config::new();
        config.epoch_interruption(true);
        let interrupting = Engine::new(&config).unwrap();
        assert_ne!(key(&engine, EMPTY), key(&interrupting, EMPTY));
        assert_ne!(key(&engine, EMPTY), key(&engine, b"\0asm\x0d\0\x01\0\0"));
        let dir = tempfile::tempdir().unwrap();
        for i in 0..KEEP + 2 {
            std::fs::write(dir.path().join(format!("old{i}.cwasm")), b"x").unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        component(&engine, EMPTY, Some(dir.path())).unwrap();
        let left = entries(dir.path());
        assert_eq!(left.len(), KEEP, "{left:?}");
        assert!(left.contains(&dir.path().join(format!("{}.cwasm", key(&engine, EMPTY)))));
    }

    #[test]
    fn the_cache_is_where_the_environment_says_or_off() {
        let with = |vars: &'static [(&str, &str)]| {
            cache_dir_from(|name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.into()))
        };
        assert_eq!(with(&[(CACHE_ENV, "off"), ("HOME", "/h")]), None);
        assert_eq!(with(&[(CACHE_ENV, "/c")]), Some(PathBuf::from("/c")));
        assert_eq!(
            with(&[("XDG_CACHE_HOME", "/x"), ("HOME", "/h")]),
            Some(PathBuf::from("/x/worklogs"))
        );
        assert_eq!(
            with(&[(CACHE_ENV, ""), ("HOME", "/h")]),
            Some(PathBuf::from("/h/.cache/worklogs"))
        );
        assert_eq!(with(&[]), None);
    }
}
