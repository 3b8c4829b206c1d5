//! `recount compare` and `recount fuzz` through the binary
//! (`specs/workbench.md`): the two rule pairs each give a
//! counterexample within 2,000 cases of a fixed seed, shrunk to at most 6
//! candidates and 30 distinct rankings, and the file written replays the
//! difference with `recount compare`.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;

const DEMO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../audit-data/demo-ward.blt"
);

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

/// Runs `fuzz A --against B` and gives the files written.
fn fuzz_against(a: &str, b: &str, dir: &Path) -> Vec<PathBuf> {
    recount()
        .args([
            "fuzz",
            "--rules",
            a,
            "--against",
            b,
            "--seed",
            "1",
            "--cases",
            "2000",
            "--quiet",
            "-o",
        ])
        .arg(dir)
        .assert()
        .code(1)
        .stdout(contains("counterexamples found"));
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "blt" || x == "json"))
        .collect();
    files.sort();
    files
}

fn shape(file: &Path) -> (usize, usize) {
    let out = recount()
        .args(["info", "--json"])
        .arg(file)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &v["contests"][0];
    (
        c["candidates"].as_array().unwrap().len(),
        c["distinct_rankings"].as_u64().unwrap() as usize,
    )
}

#[test]
fn scottish_stv_against_ers97_and_meek_against_wigm_are_found_shrunk_and_replay() {
    for (a, b) in [("scottish-stv", "ers97"), ("meek", "wigm")] {
        let tmp = tempfile::tempdir().unwrap();
        let files = fuzz_against(a, b, tmp.path());
        assert!(!files.is_empty(), "{a} against {b}: no file written");
        let small = files
            .iter()
            .find(|f| {
                let (candidates, rankings) = shape(f);
                candidates <= 6 && rankings <= 30
            })
            .unwrap_or_else(|| {
                panic!("{a} against {b}: none shrunk to 6 candidates and 30 rankings")
            });
        recount()
            .arg("compare")
            .arg(small)
            .args(["--rules", a, "--rules", b])
            .assert()
            .code(1)
            .stdout(contains("They part ways at stage"))
            .stdout(contains("Verdict: different candidates are elected"));
        let txt = small.with_extension("txt");
        let explained = fs::read_to_string(&txt).unwrap();
        assert!(explained.contains("Replay: recount compare"), "{explained}");
        assert!(explained.contains("case seed"), "{explained}");
    }
}

#[test]
fn irv_monotonicity_is_found_and_its_file_counts() {
    let tmp = tempfile::tempdir().unwrap();
    recount()
        .args([
            "fuzz",
            "--rules",
            "irv",
            "--property",
            "monotonicity",
            "--seed",
            "1",
            "--cases",
            "2000",
            "--quiet",
            "-o",
        ])
        .arg(tmp.path())
        .assert()
        .code(1)
        .stdout(contains("makes"))
        .stdout(contains("lose"));
    let file = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "blt"))
        .unwrap();
    recount()
        .arg("count")
        .arg(&file)
        .args(["--rules", "irv", "--quiet"])
        .assert()
        .success();
}

#[test]
fn compare_says_whether_the_elected_differ() {
    recount()
        .arg("compare")
        .arg(DEMO)
        .args(["--rules", "scottish-stv", "--rules", "scottish-stv"])
        .assert()
        .success()
        .stdout(contains("The two counts agree at every stage."))
        .stdout(contains("Verdict: the same candidates are elected"));
    let out = recount()
        .arg("compare")
        .arg(DEMO)
        .args([
            "--rules",
            "scottish-stv",
            "--rules",
            "meek",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["format"], "recount-compare/1");
    // Meek's first stage has the same first preferences, so they part later.
    assert!(v["first_difference"].as_u64().unwrap() >= 2, "{v:#}");
    recount()
        .arg("compare")
        .arg(DEMO)
        .args(["--rules", "scottish-stv"])
        .assert()
        .code(2)
        .stderr(contains("compare takes exactly two"));
}

#[test]
fn bad_fuzz_usage_is_exit_2() {
    recount()
        .args(["fuzz", "--rules", "wigm", "--property", "fairness"])
        .assert()
        .code(2)
        .stderr(contains("not a property; they are: conservation"));
    recount()
        .args([
            "fuzz",
            "--rules",
            "wigm",
            "--property",
            "quota",
            "--generator",
            "uniform",
        ])
        .assert()
        .code(2)
        .stderr(contains("not a generator"));
    recount()
        .args(["fuzz", "--rules", "wigm"])
        .assert()
        .code(2)
        .stderr(contains("give --against RULES or --property P"));
}
