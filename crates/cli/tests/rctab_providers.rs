//! `recount count CVR --rctab-config CONFIG` for every CVR provider RCTab
//! configures (`cvrFileSources[].provider`, specs/rctab.md): the Riverton
//! papers, held in each format as the same eight papers
//! (`crates/ballot/tests/fixtures/README.md`), counted under one
//! configuration that differs only in its source, give the same count;
//! its first round is the hand-written BLT's first preferences; the
//! source options each format honours are honoured (contest, columns,
//! labels, codes) and those it cannot are refused by name.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ballot/tests/fixtures")
}

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

/// RCTab's Mayor configuration for `source`, the candidates named as in
/// `candidates`.
fn config(source: Value, candidates: Value) -> Value {
    json!({
        "tabulatorVersion": "TEST",
        "outputSettings": {"contestName": "Riverton Mayor"},
        "cvrFileSources": [source],
        "candidates": candidates,
        "rules": {
            "tiebreakMode": "usePermutationInConfig",
            "overvoteRule": "exhaustImmediately",
            "winnerElectionMode": "singleWinnerMajority",
            "randomSeed": "",
            "numberOfWinners": "1",
            "decimalPlacesForVoteArithmetic": "4",
            "minimumVoteThreshold": "0",
            "maxSkippedRanksAllowed": "unlimited",
            "maxRankingsAllowed": "max",
            "nonIntegerWinningThreshold": false,
            "hareQuota": false,
            "batchElimination": false,
            "exhaustOnDuplicateCandidate": false,
            "rulesDescription": "Riverton"
        }
    })
}

fn names(list: &[&str]) -> Value {
    list.iter()
        .map(|n| json!({"name": n, "excluded": false}))
        .collect()
}

/// Counts `cvr` under `config` (written to a temporary folder); the
/// transcript, or the error.
fn count(name: &str, cvr: &Path, config: &Value) -> Result<Value, String> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("rctab-providers-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("config.json");
    std::fs::write(&file, serde_json::to_vec_pretty(config).unwrap()).unwrap();
    let out = recount()
        .arg("count")
        .arg(cvr)
        .arg("--rctab-config")
        .arg(&file)
        .args(["--format", "json", "--quiet"])
        .output()
        .unwrap();
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Each stage's totals, by candidate name.
fn stages(t: &Value) -> Vec<Value> {
    t["contests"][0]["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["totals"].clone())
        .collect()
}

fn sources() -> Vec<(&'static str, PathBuf, Value)> {
    let f = fixtures();
    vec![
        (
            "cdf",
            f.join("cdf-riverton.json"),
            json!({"provider": "cdf", "filePath": "cvr.json", "contestId": "contest-mayor"}),
        ),
        (
            "cdf-xml",
            f.join("cdf-riverton.xml"),
            json!({"provider": "cdf", "filePath": "cvr.xml", "contestId": "contest-mayor"}),
        ),
        (
            "dominion",
            f.join("dominion-riverton"),
            json!({"provider": "dominion", "filePath": "cvr", "contestId": "1"}),
        ),
        (
            "hart",
            f.join("hart-riverton"),
            json!({"provider": "hart", "filePath": "cvr", "contestId": "6d1f0c2a-3b8e-4f51-9a7c-2e4b5d6f7a81"}),
        ),
        (
            "clear-ballot",
            f.join("clearballot-riverton.csv"),
            json!({"provider": "clearBallot", "filePath": "cvr.csv", "contestId": "Mayor"}),
        ),
        (
            "csv",
            f.join("rctab-riverton-mayor.csv"),
            json!({"provider": "csv", "filePath": "cvr.csv", "firstVoteColumnIndex": "3",
                   "firstVoteRowIndex": "2", "undeclaredWriteInLabel": "Write-in"}),
        ),
    ]
}

#[test]
fn every_provider_counts_the_riverton_papers_alike() {
    let mut first: Option<(String, Value)> = None;
    for (name, cvr, source) in sources() {
        let t = count(name, &cvr, &config(source, names(&["Ann", "Bob", "Cy"])))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let c = &t["contests"][0];
        assert_eq!(t["title"], "Riverton Mayor", "{name}");
        // RCTab's rule: the write-in pool is excluded first, never elected.
        assert_eq!(c["excluded"][0], "Write-in", "{name}");
        match &first {
            None => first = Some((name.to_owned(), t.clone())),
            Some((other, f)) => {
                assert_eq!(stages(&t), stages(f), "{name} against {other}");
                assert_eq!(
                    c["elected"], f["contests"][0]["elected"],
                    "{name} against {other}"
                );
            }
        }
    }
    // The first round is the hand-written BLT's first preferences.
    let (_, t) = first.unwrap();
    let blt = std::fs::read_to_string(fixtures().join("cdf-riverton-mayor.blt")).unwrap();
    let names: Vec<&str> = blt
        .lines()
        .filter(|l| l.starts_with('"'))
        .map(|l| l.trim_matches('"'))
        .collect();
    let mut firsts = std::collections::BTreeMap::<String, u64>::new();
    for l in blt.lines().skip(1) {
        let f: Vec<&str> = l.split_whitespace().collect();
        if f.len() < 3 || f[0] == "0" {
            continue;
        }
        let n: u64 = f[0].parse().unwrap();
        let c: usize = f[1].parse().unwrap();
        *firsts.entry(names[c - 1].to_owned()).or_default() += n;
    }
    for (who, n) in firsts {
        let shown = t["contests"][0]["stages"][0]["totals"][&who]
            .as_str()
            .unwrap();
        assert_eq!(shown, n.to_string(), "{who}");
    }
}

#[test]
fn dominion_candidate_codes_name_the_candidates_and_its_write_in_label_is_checked() {
    let cvr = fixtures().join("dominion-riverton");
    let coded = json!([
        {"name": "ANN ARBOR", "code": "1", "excluded": false},
        {"name": "BOB BOYD", "code": "2", "excluded": false},
        {"name": "CY CRANE", "code": "3", "excluded": true}
    ]);
    let source = json!({"provider": "dominion", "filePath": "cvr", "contestId": "1",
                        "undeclaredWriteInLabel": "4"});
    let t = count("codes", &cvr, &config(source.clone(), coded.clone())).unwrap();
    let c = &t["contests"][0];
    assert_eq!(
        c["candidates"],
        json!(["ANN ARBOR", "BOB BOYD", "CY CRANE", "Write-in"])
    );
    assert_eq!(c["withdrawn"], json!(["CY CRANE"]));
    // Ann's code is not a write-in line.
    let mut wrong = source;
    wrong["undeclaredWriteInLabel"] = "1".into();
    let e = count("codes-bad", &cvr, &config(wrong, coded)).unwrap_err();
    assert!(
        e.contains("undeclaredWriteInLabel 1 is not the Id of a write-in line"),
        "{e}"
    );
}

#[test]
fn what_a_source_cannot_honour_is_refused_by_name() {
    let f = fixtures();
    let cases = [
        (
            f.join("cdf-riverton.json"),
            json!({"provider": "cdf", "filePath": "x", "contestId": "contest-mayor", "overvoteLabel": "OV"}),
            "cvrFileSources[0].overvoteLabel OV: not supported: this CVR marks ranks",
        ),
        (
            f.join("rctab-riverton-mayor.csv"),
            json!({"provider": "csv", "filePath": "x", "firstVoteColumnIndex": "3", "overvoteLabel": "OVER"}),
            "cvrFileSources[0].overvoteLabel OVER: not supported",
        ),
        (
            f.join("cdf-riverton.json"),
            json!({"provider": "punchcard", "filePath": "x"}),
            "cvrFileSources[0].provider punchcard: expected ess, cdf, dominion, hart, clearBallot or csv",
        ),
        (
            f.join("cdf-riverton.json"),
            json!({"provider": "cdf", "filePath": "x"}),
            "holds 2 contests and the configuration's contestId names none of them",
        ),
    ];
    for (k, (cvr, source, want)) in cases.into_iter().enumerate() {
        let e = count(
            &format!("refused-{k}"),
            &cvr,
            &config(source, names(&["Ann", "Bob", "Cy"])),
        )
        .unwrap_err();
        assert!(e.contains(want), "{k}: {e}");
    }
    // A candidate of the CVR the configuration does not list.
    let e = count(
        "unlisted",
        &f.join("cdf-riverton.json"),
        &config(
            json!({"provider": "cdf", "filePath": "x", "contestId": "contest-mayor"}),
            names(&["Ann", "Bob"]),
        ),
    )
    .unwrap_err();
    assert!(
        e.contains("has candidate \"Cy\", whom the configuration does not list"),
        "{e}"
    );
}
