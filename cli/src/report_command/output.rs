//! Where a command writes ([`Output`]: standard output, or a file written whole
//! or not at all) and its progress bars on stderr.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Failure;

/// Where a command writes: standard output; or a temporary file beside the
/// target that [`Output::commit`] renames into place (dropped uncommitted, it
/// is removed); or a target that is not a file (`/dev/null`, a pipe), written
/// as it is.
pub struct Output {
    sink: Sink,
}

enum Sink {
    Stdout,
    File(BufWriter<tempfile::NamedTempFile>, PathBuf),
    Device(BufWriter<std::fs::File>, PathBuf),
}

impl Output {
    /// Standard output for `None`; for a path that names a device or a pipe,
    /// that path, opened for writing (renaming a file over it would replace
    /// `/dev/null` with a file); else a temporary file in the directory of
    /// the file `path` names (through a symbolic link, the link's target, so
    /// that the link stays).
    ///
    /// # Errors
    ///
    /// When the directory cannot take a file, or the device cannot be opened.
    pub fn create(path: Option<&Path>) -> Result<Output, Failure> {
        let Some(path) = path else {
            return Ok(Output { sink: Sink::Stdout });
        };
        if names_a_device(path) {
            let device = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|err| cannot_write(path, &err))?;
            return Ok(Output {
                sink: Sink::Device(BufWriter::with_capacity(1 << 20, device), path.into()),
            });
        }
        // An existing file, through any links; else the path as given.
        Self::beside(&std::fs::canonicalize(path).unwrap_or_else(|_| path.into()))
    }

    /// A temporary file for a part of the output written while an earlier
    /// part is (see [`Output::append`]): beside `path`'s file, or in the
    /// temporary directory when `path` is not a file's.
    ///
    /// # Errors
    ///
    /// When the directory cannot take a file.
    pub fn spool(path: &Path) -> Result<Output, Failure> {
        if names_a_device(path) {
            Self::beside(&std::env::temp_dir().join("worklogs"))
        } else {
            Self::beside(path)
        }
    }

    /// A temporary file in `path`'s directory, renamed to `path` at commit.
    fn beside(path: &Path) -> Result<Output, Failure> {
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
            sink: Sink::File(BufWriter::with_capacity(1 << 20, temp), path.to_path_buf()),
        })
    }

    /// Moves the finished file to its path (flushes standard output or the
    /// device).
    ///
    /// # Errors
    ///
    /// When writing or renaming fails.
    pub fn commit(self) -> Result<(), Failure> {
        match self.sink {
            Sink::Stdout => io::stdout()
                .flush()
                .map_err(|err| Failure::Other(format!("cannot write to standard output: {err}"))),
            Sink::Device(mut device, path) => {
                device.flush().map_err(|err| cannot_write(&path, &err))
            }
            Sink::File(writer, path) => {
                let temp = writer
                    .into_inner()
                    .map_err(|err| cannot_write(&path, err.error()))?;
                temp.persist(&path)
                    .map_err(|err| cannot_write(&path, &err.error))?;
                Ok(())
            }
        }
    }

    /// Appends the bytes written to `part` (from [`Output::spool`]; it is
    /// removed) to this output.
    ///
    /// # Errors
    ///
    /// When reading `part` or writing here fails, or `part` is not a file
    /// (its bytes went elsewhere and cannot be read back).
    pub fn append(&mut self, part: Output) -> Result<(), Failure> {
        use std::io::{Seek, SeekFrom};
        let Sink::File(writer, path) = part.sink else {
            return Err(Failure::Other(
                "only a part written to a file can be appended".into(),
            ));
        };
        let mut temp = writer
            .into_inner()
            .map_err(|err| cannot_write(&path, err.error()))?;
        let from = temp.as_file_mut();
        from.seek(SeekFrom::Start(0))
            .map_err(|err| cannot_write(&path, &err))?;
        // File to file, the kernel copies (`copy_file_range`); the buffer
        // before it is written out first.
        let copied = match &mut self.sink {
            Sink::File(to, _) => to
                .flush()
                .and_then(|()| io::copy(from, to.get_mut().as_file_mut())),
            _ => io::copy(from, self),
        };
        copied.map_err(|err| cannot_write(&path, &err))?;
        Ok(())
    }

    /// `write` on where the bytes go.
    fn with<R>(&mut self, write: impl FnOnce(&mut dyn Write) -> R) -> R {
        match &mut self.sink {
            Sink::Stdout => write(&mut io::stdout()),
            Sink::File(writer, _) => write(writer),
            Sink::Device(device, _) => write(device),
        }
    }
}

/// Whether `path` (through any links) is something other than a file or a
/// directory: a device such as `/dev/null`, a pipe, a socket.
fn names_a_device(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| !meta.is_file() && !meta.is_dir())
}

fn cannot_write(path: &Path, err: &io::Error) -> Failure {
    Failure::Other(format!("cannot write {}: {err}", path.display()))
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.with(|w| w.write(buf))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.with(|w| w.write_all(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.with(|w| w.flush())
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
