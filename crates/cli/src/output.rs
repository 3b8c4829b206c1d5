//! Writing results: to standard output, or to a file that appears whole or
//! not at all (written to a temporary file beside it, then renamed).

use std::io::{self, Write};
use std::path::Path;

use crate::Failure;

/// Runs `write` against the output: stdout when `path` is `None`, otherwise a
/// temporary file in the target's folder that is renamed into place only
/// when `write` succeeds. On failure the target is left untouched.
pub fn write_output(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let Some(path) = path else {
        let stdout = io::stdout();
        let mut out = io::BufWriter::new(stdout.lock());
        write(&mut out)?;
        return out
            .flush()
            .or_else(ignore_broken_pipe)
            .map_err(|e| Failure::Io(format!("stdout: {e}")));
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let io_err = |e: io::Error| Failure::Io(format!("{}: {e}", path.display()));
    let tmp = tempfile::Builder::new()
        .prefix(".recount-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io_err)?;
    let mut out = io::BufWriter::new(tmp);
    write(&mut out)?;
    let tmp = out.into_inner().map_err(|e| io_err(e.into_error()))?;
    tmp.as_file().sync_all().map_err(io_err)?;
    tmp.persist(path).map_err(|e| io_err(e.error))?;
    Ok(())
}

fn ignore_broken_pipe(e: io::Error) -> io::Result<()> {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(e)
    }
}

/// Maps an I/O error while writing to stdout or a file to a failure.
pub fn io_failure(e: io::Error) -> Failure {
    Failure::Io(format!("writing output: {e}"))
}
