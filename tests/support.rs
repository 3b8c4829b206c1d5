//! Support for the workspace's test suites: where the shared real data is.
//!
//! The real-data suites read `../shared/data` in place (never a copy),
//! located by `recount_testkit::shared_root` (`RECOUNT_SHARED`, else
//! `../shared` beside the workspace). Without it a suite prints a loud
//! notice and passes; under `CI=true` a missing folder is a failure, so CI
//! cannot pass by skipping.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

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

/// Every ballot file under `scot-elex/blt_files/*/`, by file name.
pub fn scot_elex_ballot_files(data: &Path) -> BTreeMap<String, PathBuf> {
    let mut files = BTreeMap::new();
    let root = data.join("scot-elex/blt_files");
    for dir in std::fs::read_dir(&root).expect("scot-elex/blt_files") {
        let dir = dir.expect("a directory entry").path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(&dir).expect("a ward folder") {
            let path = f.expect("a directory entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("a UTF-8 name")
                .to_owned();
            if name.ends_with(".blt") {
                assert!(
                    files.insert(name.clone(), path).is_none(),
                    "{name} is in two folders"
                );
            }
        }
    }
    files
}
