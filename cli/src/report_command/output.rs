//! Where a command writes ([`Output`]: standard output, or a file written whole
//! or not at all) and its progress bars on stderr.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Failure;

/// Where a command writes: standard output, or a temporary file beside the
/// target that [`Output::commit`] renames into place (dropped uncommitted, it
/// is removed).
pub struct Output {
    file: Option<(BufWriter<tempfile::NamedTempFile>, PathBuf)>,
}

impl Output {
    /// Standard output for `None`, else a temporary file in `path`'s directory.
    ///
    /// # Errors
    ///
    /// When the directory cannot take a file.
    pub fn create(path: Option<&Path>) -> Result<Output, Failure> {
        let Some(path) = path else {
            return Ok(Output { file: None });
        };
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".worklogs-").suffix(".part");
        // An ordinary file once renamed (tempfile's default is owner-only).
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = builder
            .tempfile_in(dir)
            .map_err(|err| Failure::Other(format!("cannot write in {}: {err}", dir.display())))?;
        Ok(Output {
            file: Some((BufWriter::with_capacity(1 << 20, temp), path.to_path_buf())),
        })
    }

    /// Moves the finished file to its path (flushes standard output).
    ///
    /// # Errors
    ///
    /// When writing or renaming fails.
    pub fn commit(self) -> Result<(), Failure> {
        match self.file {
            None => io::stdout()
                .flush()
                .map_err(|err| Failure::Other(format!("cannot write to standard output: {err}"))),
            Some((writer, path)) => {
                let temp = writer.into_inner().map_err(|err| {
                    Failure::Other(format!("cannot write {}: {}", path.display(), err.error()))
                })?;
                temp.persist(&path).map_err(|err| {
                    Failure::Other(format!("cannot write {}: {}", path.display(), err.error))
                })?;
                Ok(())
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some((writer, _)) => writer.write(buf),
            None => io::stdout().write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match &mut self.file {
            Some((writer, _)) => writer.write_all(buf),
            None => io::stdout().write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some((writer, _)) => writer.flush(),
            None => io::stdout().flush(),
        }
    }
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
pub(super) fn progress_bar(len: Option<u64>, template: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

pub(super) const BYTES_BAR: &str =
    "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta}) {msg}";
pub(super) const DAYS_BAR: &str = "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} days {msg}";
pub(super) const ROWS_BAR: &str =
    "{spinner} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} {msg}";
