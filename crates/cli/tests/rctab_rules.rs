//! The rules files for RCTab's tiebreak modes (`specs/rules/rctab/`,
//! `specs/rctab.md`), through the binary, on a tie that the modes decide
//! differently: 12 papers, A 6, B 2, C 3, D 1 (D>B). D goes; then B 3 and
//! C 3 are level. Looking back, B had fewer in round 1 (RCTab's
//! `previousRoundCountsThenRandom` loses B); in the candidates' order A, B,
//! C, D the loser is the latest (`usePermutationInConfig`: C); `random` and
//! `generatePermutation` draw a lot. A wins every way.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const PAPERS: &str = "4 1\n6 1 0\n2 2 1 0\n3 3 0\n1 4 2 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"RCTab tiebreak modes\"\n";

fn rules(mode: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../specs/rules/rctab/{mode}.json"))
}

/// Who the tie excluded, by which method, and the winners.
fn count(mode: &str, extra: &[&str]) -> (String, String, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tie.blt");
    std::fs::write(&file, PAPERS).unwrap();
    let out = Command::cargo_bin("recount")
        .unwrap()
        .arg("count")
        .arg(&file)
        .arg("--rules")
        .arg(rules(mode))
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &t["contests"][0];
    let stage = &c["stages"][2];
    let excluded = stage["excluded"][0].as_str().unwrap().to_string();
    let method = stage["ties"][0]["method"]["method"]
        .as_str()
        .unwrap()
        .to_string();
    let elected = c["elected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    (excluded, method, elected)
}

#[test]
fn previous_round_counts_lose_the_candidate_behind_in_the_round_before() {
    let (out, method, elected) = count("previous-round-counts-then-random", &[]);
    assert_eq!((out.as_str(), method.as_str()), ("B", "backward"));
    assert_eq!(elected, ["A"]);
}

#[test]
fn the_permutation_in_the_config_loses_the_latest_listed() {
    let (out, method, elected) = count("use-permutation-in-config", &[]);
    assert_eq!((out.as_str(), method.as_str()), ("C", "order"));
    assert_eq!(elected, ["A"]);
    // A permutation given in another order decides by it.
    let (out, _, _) = count(
        "use-permutation-in-config",
        &[
            "--tie-order",
            "C",
            "--tie-order",
            "B",
            "--tie-order",
            "A",
            "--tie-order",
            "D",
        ],
    );
    assert_eq!(out, "B");
}

#[test]
fn random_and_generated_permutations_draw_a_lot_that_the_seed_decides() {
    for mode in ["random", "generate-permutation"] {
        let mut losers = std::collections::BTreeSet::new();
        for seed in 0..16 {
            let (out, method, elected) = count(mode, &["--seed", &format!("{seed:x}")]);
            assert_eq!(method, "lot", "{mode}");
            assert_eq!(elected, ["A"]);
            // The same seed, the same draw.
            assert_eq!(count(mode, &["--seed", &format!("{seed:x}")]).0, out);
            losers.insert(out);
        }
        assert_eq!(losers.len(), 2, "{mode}: both can lose the draw");
    }
}
