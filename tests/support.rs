//! Support for the workspace's test suites: where the shared real data is.
//!
//! The real-data suites read `../shared/data` in place (never a copy),
//! located by `recount_testkit::shared_root` (`RECOUNT_SHARED`, else
//! `../shared` beside the workspace). Without it a suite prints a loud
//! notice and passes; under `CI=true` a missing folder is a failure, so CI
//! cannot pass by skipping.

use std::path::PathBuf;

/// The shared folder (the one holding `data/`), or `None` after a loud
/// notice when it is absent outside CI.
///
/// # Panics
/// When the folder is absent and the environment has `CI=true`.
pub fn shared_dir() -> Option<PathBuf> {
    recount_testkit::shared_data().map(|_| recount_testkit::shared_root())
}

/// `shared_dir()/data`, with the same skipping rule.
pub fn shared_data() -> Option<PathBuf> {
    recount_testkit::shared_data()
}
