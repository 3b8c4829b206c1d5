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

#[cfg(test)]
mod tests {
    /// `autotests = false` (the suites sit beside this file, not in a
    /// `tests/` folder): a suite added without its `[[test]]` entry in
    /// `Cargo.toml` would never run. This test fails instead.
    #[test]
    fn every_suite_in_this_folder_is_registered_in_cargo_toml() {
        let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let manifest = std::fs::read_to_string(here.join("Cargo.toml")).expect("Cargo.toml");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(here).expect("the tests folder") {
            let path = entry.expect("a directory entry").path();
            let Some(file) = path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !file.ends_with(".rs") || file == "support.rs" {
                continue;
            }
            if !manifest.contains(&format!("path = \"{file}\"")) {
                missing.push(file.to_owned());
            }
        }
        assert!(
            missing.is_empty(),
            "suites without a [[test]] entry in tests/Cargo.toml: {missing:?}"
        );
    }
}
