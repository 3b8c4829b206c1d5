//! `recount-hostile DIR`: writes the hostile ballot files of
//! [`recount_testkit::hostile::write_all`] into `DIR` (by default
//! `target/hostile`) and prints their paths, one a line. Used by
//! `just hostile`; a separate binary so that the release `recount` binary
//! does not grow generators it never runs.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("target/hostile"), PathBuf::from);
    match recount_testkit::hostile::write_all(&dir) {
        Ok(paths) => {
            for p in paths {
                println!("{}", p.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("recount-hostile: {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}
