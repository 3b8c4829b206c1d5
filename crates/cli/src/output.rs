//! Writing results: to standard output, or to a file that appears whole or
//! not at all (written to a temporary file beside it, then renamed).
//!
//! The policy (`README.md`, "Output files"):
//! - no `-o`, or `-o -`: standard output. A closed pipe (`| head`) ends
//!   the command quietly with exit 0, whatever the command.
//! - an output that is the same file as an input (the ballot file, a
//!   constraints or rules file), also through a link, is refused with exit 2
//!   before anything is written.
//! - a new file gets the usual mode for the umask (0666 less the umask); an
//!   existing file keeps its mode.
//! - a symbolic link is written through: the file it points to is replaced
//!   (atomically, in its own folder) and the link stays a link.
//! - a folder that does not exist is named in the error (exit 3).

use std::fs::{self, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::Failure;

/// Runs `write` against the output: stdout when `path` is `None` or `-`,
/// otherwise a temporary file in the target's folder that is renamed into
/// place only when `write` succeeds. On failure the target is left
/// untouched. `inputs` are the files the command read: none may be the output.
pub fn write_output(
    path: Option<&Path>,
    inputs: &[&Path],
    write: impl FnOnce(&mut dyn Write) -> Result<(), Failure>,
) -> Result<(), Failure> {
    write_file(path, inputs, true, 0o666, write)
}

/// [`write_output`] to a file that must not exist unless `force` (the
/// bundle commands' policy): an existing file, or one made while writing,
/// is refused with exit 2 and left as it was.
pub fn write_new(
    path: &Path,
    force: bool,
    write: impl FnOnce(&mut dyn Write) -> Result<(), Failure>,
) -> Result<(), Failure> {
    write_new_with_mode(path, force, 0o666, write)
}

/// [`write_new`] of a file made with `mode` (less the umask), such as a
/// private key's 0600.
pub fn write_new_with_mode(
    path: &Path,
    force: bool,
    mode: u32,
    write: impl FnOnce(&mut dyn Write) -> Result<(), Failure>,
) -> Result<(), Failure> {
    if !force && fs::symlink_metadata(path).is_ok() {
        return Err(exists(path));
    }
    write_file(Some(path), &[], force, mode, write)
}

fn exists(path: &Path) -> Failure {
    Failure::Input(format!(
        "{}: exists; pass --force to replace it (nothing written)",
        path.display()
    ))
}

fn write_file(
    path: Option<&Path>,
    inputs: &[&Path],
    clobber: bool,
    mode: u32,
    write: impl FnOnce(&mut dyn Write) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let path = path.filter(|p| p.as_os_str() != "-");
    let Some(path) = path else {
        return write_stdout(write);
    };
    refuse_inputs(Some(path), inputs)?;
    let target = through_links(path)?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(Failure::Io(format!(
            "{}: no such folder {}",
            path.display(),
            dir.display()
        )));
    }
    let io_err = |e: io::Error| Failure::Io(format!("{}: {e}", path.display()));
    let existing_mode = fs::metadata(&target).ok().map(|m| m.permissions());
    let tmp = tempfile::Builder::new()
        .prefix(".recount-")
        .suffix(".tmp")
        // The mode open(2) gives a new file: 0666 less the umask.
        .permissions(Permissions::from_mode(mode))
        .tempfile_in(&dir)
        .map_err(io_err)?;
    let mut out = io::BufWriter::new(tmp);
    write(&mut out)?;
    let tmp = out.into_inner().map_err(|e| io_err(e.into_error()))?;
    // A replaced file keeps its mode, except that a private file (a key)
    // stays private.
    if let Some(old) = existing_mode
        && mode == 0o666
    {
        fs::set_permissions(tmp.path(), old).map_err(io_err)?;
    }
    tmp.as_file().sync_all().map_err(io_err)?;
    if clobber {
        tmp.persist(&target).map_err(|e| io_err(e.error))?;
    } else {
        tmp.persist_noclobber(&target).map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                exists(path)
            } else {
                io_err(e.error)
            }
        })?;
    }
    Ok(())
}

/// Refuses an output that is the same file as one of `inputs` (through
/// any link), exit 2: a command never replaces what it read. An input `-`
/// is standard input: the output is refused when it is the file standard
/// input was redirected from (`< ballots.blt -o ballots.blt`), never
/// compared with a file that happens to be named `-`.
pub fn refuse_inputs(path: Option<&Path>, inputs: &[&Path]) -> Result<(), Failure> {
    let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
        return Ok(());
    };
    for input in inputs {
        let same = if crate::input::is_stdin(input) {
            // A pipe or terminal is no file the output could be.
            match (
                same_file::Handle::stdin(),
                same_file::Handle::from_path(path),
            ) {
                (Ok(stdin), Ok(out)) => stdin == out,
                _ => false,
            }
        } else {
            same_file::is_same_file(path, input).unwrap_or(false)
        };
        if same {
            return Err(Failure::Input(format!(
                "{}: is the input {}; refusing to overwrite it (nothing written)",
                path.display(),
                crate::input::display(input)
            )));
        }
    }
    Ok(())
}

/// The file a path names, following symbolic links (a dangling link is
/// refused: there is no file to write through to).
fn through_links(path: &Path) -> Result<PathBuf, Failure> {
    let mut target = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&target) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&target)
                    .map_err(|e| Failure::Io(format!("{}: {e}", path.display())))?;
                target = match target.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            _ => return Ok(target),
        }
    }
    Err(Failure::Io(format!(
        "{}: too many levels of symbolic links",
        path.display()
    )))
}

/// Standard output, with a closed pipe treated as the end of the command.
fn write_stdout(write: impl FnOnce(&mut dyn Write) -> Result<(), Failure>) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = PipeEnd {
        inner: io::BufWriter::new(stdout.lock()),
        closed: false,
    };
    let result = write(&mut out).and_then(|()| {
        out.flush()
            .map_err(|e| Failure::Io(format!("standard output: {e}")))
    });
    if out.closed {
        // Whoever read it has what they wanted (`| head`).
        return Ok(());
    }
    result
}

/// A writer that notes when the reader has gone.
struct PipeEnd<W: Write> {
    inner: W,
    closed: bool,
}

impl<W: Write> PipeEnd<W> {
    fn note(&mut self, r: io::Result<usize>) -> io::Result<usize> {
        if let Err(e) = &r
            && e.kind() == io::ErrorKind::BrokenPipe
        {
            self.closed = true;
        }
        r
    }
}

impl<W: Write> Write for PipeEnd<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = self.inner.write(buf);
        self.note(r)
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = self.inner.flush().map(|()| 0);
        self.note(r).map(|_| ())
    }
}

/// Maps an I/O error while writing to stdout or a file to a failure.
pub fn io_failure(e: io::Error) -> Failure {
    Failure::Io(format!("writing output: {e}"))
}
