//! Support for the workspace's test suites: where the shared real data is.
//!
//! The real-data suites read `../shared/data` in place (never a copy). The
//! folder is found through the environment variable `RECOUNT_SHARED` (the
//! folder that holds `data/`), else as `../shared` beside the workspace root.
//! On a machine without it a suite prints a loud notice and passes; under
//! `CI=true` a missing folder is a failure, so CI cannot pass by skipping.

use std::io::Write;
use std::path::PathBuf;

/// The shared folder (the one holding `data/`), or `None` after printing a
/// loud notice when it is absent outside CI.
///
/// # Panics
/// When the folder is absent and the environment has `CI=true`.
pub fn shared_dir() -> Option<PathBuf> {
    let candidate = match std::env::var_os("RECOUNT_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    if candidate.join("data").is_dir() {
        return Some(candidate);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if ci {
        panic!(
            "CI=true but the shared real data is missing at {} (set RECOUNT_SHARED)",
            candidate.display()
        );
    }
    // Written to the stream itself, not through `eprintln!`, which the test
    // harness captures: a skip must be seen.
    let _ = writeln!(
        std::io::stderr(),
        "\n!!!!!!!! SKIPPED: shared real data not found at {} !!!!!!!!\n\
         !!!!!!!! set RECOUNT_SHARED to the folder holding data/ to run this suite !!!!!!!!\n",
        candidate.display()
    );
    None
}

/// `shared_dir()/data`, with the same skipping rule.
pub fn shared_data() -> Option<PathBuf> {
    shared_dir().map(|d| d.join("data"))
}
