//! `recount margin` and `recount count --apply` through the binary (issue
//! 14, `specs/changes.md`): the classic cases' one-paper changes are
//! found, every change file written replays to the outcome it claims,
//! batches and `--between` bound what may change, and a change file that
//! does not fit the ballots is refused by step.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const DEMO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../audit-data/demo-ward.blt"
);

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

/// `margin FILE --rules R ARGS --format json -o DIR`, its report.
fn margin(file: &Path, rules: &str, args: &[&str], out: &Path) -> Value {
    let run = recount()
        .arg("margin")
        .arg(file)
        .args(["--rules", rules, "--format", "json", "--quiet", "-o"])
        .arg(out)
        .args(args)
        .assert()
        .code(0);
    serde_json::from_slice(&run.get_output().stdout).expect("JSON")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// Every change file of `report` counted with `--apply`: it elects what
/// the file claims (the binary checks the claim too, exit 1 if not).
fn replays(file: &Path, rules: &str, report: &Value) -> usize {
    let files = report["change_files"].as_array().unwrap();
    for f in files {
        let path = f.as_str().unwrap();
        let change: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
        let run = recount()
            .arg("count")
            .arg(file)
            .args(["--rules", rules, "--format", "json", "--apply", path])
            .assert()
            .code(0);
        let t: Value = serde_json::from_slice(&run.get_output().stdout).unwrap();
        assert_eq!(
            strings(&t["contests"][0]["elected"]),
            strings(&change["claim"]["elected_after"]),
            "{path}"
        );
        assert_ne!(
            strings(&change["claim"]["elected_after"]),
            strings(&change["claim"]["elected_before"])
        );
    }
    files.len()
}

/// Scottish STV, 2 seats: C is elected on first preferences; A, with 5,
/// goes out at stage 4 and B takes the second seat. Had one of A's
/// bullet papers been C's instead, C's larger surplus keeps D (whose
/// transfers feed B) from gaining, B goes out before A, and A wins: A wins
/// by giving a vote away.
const NON_MONOTONIC: &str = "4 2\n4 1 0\n1 1 2 3 0\n3 2 1 4 3 0\n6 3 0\n1 3 1 2 0\n7 3 4 2 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"Non-monotonic\"\n";

#[test]
fn a_candidate_who_gives_a_vote_away_wins_and_the_one_paper_change_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "nonmono.blt", NON_MONOTONIC);
    let report = margin(
        &file,
        "scottish-stv",
        &["--between", "A,C"],
        &dir.path().join("out"),
    );
    assert_eq!(strings(&report["elected"]), ["C", "B"]);
    assert_eq!(report["upper_bound"], 1);
    assert_eq!(report["lower_bound"], 1);
    let best = &report["findings"][0];
    assert_eq!(strings(&best["by"]), ["A"]);
    assert_eq!(strings(&best["displaced"]), ["B"]);
    assert_eq!(strings(&best["steps"][0]["from"]), ["A"]);
    assert_eq!(strings(&best["steps"][0]["to"]), ["C"]);
    assert_eq!(replays(&file, "scottish-stv", &report), 1);
}

/// Scottish STV, 4 seats, 28 papers, quota 6: the four P candidates have
/// 25 first preferences, more than four quotas, but P2's papers leak to X
/// and P1's bullet papers exhaust, so X takes the fourth seat. One X paper
/// for P1 gives P the four seats their quotas promised.
const FOUR_QUOTAS: &str = "6 4\n2 1 0\n5 2 5 0\n7 3 0\n4 3 6 0\n2 4 1 0\n3 4 2 3 5 0\n2 4 3 2 0\n2 5 0\n1 5 6 0\n0\n\"P1\"\n\"P2\"\n\"P3\"\n\"P4\"\n\"X\"\n\"Y\"\n\"Four quotas\"\n";

#[test]
fn four_quotas_that_do_not_give_four_seats_and_the_one_paper_that_does() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "quotas.blt", FOUR_QUOTAS);
    let report = margin(&file, "scottish-stv", &[], &dir.path().join("out"));
    let elected = strings(&report["elected"]);
    assert_eq!(elected.iter().filter(|n| n.starts_with('P')).count(), 3);
    assert!(elected.contains(&"X".to_owned()));
    assert_eq!(report["upper_bound"], 1);
    let p1 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| strings(&f["by"]) == ["P1"])
        .expect("a change electing P1");
    assert_eq!(p1["papers"], 1);
    assert_eq!(strings(&p1["displaced"]), ["X"]);
    assert!(replays(&file, "scottish-stv", &report) >= 1);
}

#[test]
fn every_change_file_written_replays_to_the_outcome_it_claims() {
    let dir = tempfile::tempdir().unwrap();
    let file = Path::new(DEMO);
    let mut files = 0;
    for (rules, changes) in [
        ("scottish-stv", "changed"),
        ("meek", "changed"),
        ("wigm", "added"),
        ("ers97", "removed"),
        ("uig", "any"),
    ] {
        let out = dir.path().join(format!("{rules}-{changes}"));
        let report = margin(
            file,
            rules,
            &["--changes", changes, "--budget", "400"],
            &out,
        );
        let upper = report["upper_bound"].as_u64().expect("a change found");
        let lower = report["lower_bound"].as_u64().unwrap();
        assert!(1 <= lower && lower <= upper, "{rules} {changes}: {report}");
        for f in report["findings"].as_array().unwrap() {
            for step in f["steps"].as_array().unwrap() {
                match changes {
                    "added" => assert!(step["from"].is_null() && step["to"].is_array()),
                    "removed" => assert!(step["to"].is_null() && step["from"].is_array()),
                    "changed" => assert!(step["to"].is_array() && step["from"].is_array()),
                    _ => {}
                }
            }
        }
        files += replays(file, rules, &report);
    }
    assert!(files >= 5);
}

#[test]
fn a_batch_bounds_the_papers_changed_to_those_it_holds() {
    let dir = tempfile::tempdir().unwrap();
    // Two batches of one election; Ann leads in batch 1, Bob in batch 2.
    let mut csv = String::from("# recount-csv/1\n# seats: 1\nbox,rank1,rank2\n");
    for (b, r, n) in [
        (1, "Ann,Cat", 20),
        (1, "Bob,Cat", 5),
        (2, "Bob,Ann", 18),
        (2, "Cat,Bob", 9),
        (1, "Cat,Ann", 4),
    ] {
        for _ in 0..n {
            csv.push_str(&format!("{b},{r}\n"));
        }
    }
    let file = write(dir.path(), "boxes.csv", &csv);
    let out = dir.path().join("out");
    let report = margin(&file, "irv", &["--batch", "box=2"], &out);
    let batch2: Vec<(&str, u64)> = vec![("Bob,Ann", 18), ("Cat,Bob", 9)];
    for f in report["findings"].as_array().unwrap() {
        for step in f["steps"].as_array().unwrap() {
            let from = strings(&step["from"]).join(",");
            let held = batch2
                .iter()
                .find(|(r, _)| *r == from)
                .map(|x| x.1)
                .unwrap_or_else(|| panic!("a change of {from}, not a ranking of batch 2"));
            assert!(step["papers"].as_u64().unwrap() <= held);
        }
    }
    assert!(report["upper_bound"].as_u64().is_some());
    assert!(replays(&file, "irv", &report) >= 1);
    // A ballot file without columns has no batches.
    recount()
        .arg("margin")
        .arg(DEMO)
        .args(["--rules", "wigm", "--batch", "box=2", "-q", "-o"])
        .arg(dir.path().join("none"))
        .assert()
        .code(2);
}

#[test]
fn a_change_file_that_does_not_fit_the_ballots_is_refused_by_step() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "nonmono.blt", NON_MONOTONIC);
    let out = dir.path().join("out");
    let report = margin(&file, "scottish-stv", &["--between", "A,C"], &out);
    let path = report["change_files"][0].as_str().unwrap().to_owned();
    let mut change: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    // More papers than the ballots hold.
    change["steps"][0]["papers"] = 9.into();
    change["papers"] = 9.into();
    let bad = write(dir.path(), "bad.json", &change.to_string());
    let run = recount()
        .arg("count")
        .arg(&file)
        .args(["--rules", "scottish-stv", "--apply"])
        .arg(&bad)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(
        err.contains("bad.json: step 1: takes 9 papers ranking A, but the ballots hold 4"),
        "{err}"
    );
    // A claim the count does not bear out is a failed check.
    let mut lying: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    lying["claim"]["elected_after"] = serde_json::json!(["C", "B"]);
    let lying = write(dir.path(), "lying.json", &lying.to_string());
    recount()
        .arg("count")
        .arg(&file)
        .args(["--rules", "scottish-stv", "--apply"])
        .arg(&lying)
        .assert()
        .code(1);
    // Under other options the claim is not the count's to check: a note.
    let run = recount()
        .arg("count")
        .arg(&file)
        .args([
            "--rules",
            "scottish-stv",
            "--set",
            "quota.divisor=seats",
            "--apply",
        ])
        .arg(&lying)
        .assert()
        .code(0);
    let err = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(err.contains("its claim is not checked"), "{err}");
    // Existing change files are not overwritten without --force.
    recount()
        .arg("margin")
        .arg(&file)
        .args(["--rules", "scottish-stv", "--between", "A,C", "-q", "-o"])
        .arg(&out)
        .assert()
        .code(2);
}

#[test]
fn the_text_report_of_the_non_monotonic_case() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nonmono.blt", NON_MONOTONIC);
    let run = recount()
        .current_dir(dir.path())
        .args([
            "margin",
            "nonmono.blt",
            "--rules",
            "scottish-stv",
            "--between",
            "A,C",
            "--quiet",
            "-o",
            "out",
        ])
        .assert()
        .code(0);
    insta::assert_snapshot!(
        "margin-non-monotonic",
        String::from_utf8_lossy(&run.get_output().stdout)
    );
}

#[test]
fn a_bundles_contest_has_its_margin_under_the_bundles_rules_and_replays() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../audit-data");
    let dir = tempfile::tempdir().unwrap();
    let run = recount()
        .arg("margin")
        .arg(data.join("momentum-demo"))
        .arg("--trust")
        .arg(data.join("demo-key.pub"))
        .args(["--contest", "midlands", "--format", "json", "--quiet", "-o"])
        .arg(dir.path())
        .assert()
        .code(0);
    let report: Value = serde_json::from_slice(&run.get_output().stdout).unwrap();
    let files = report["change_files"].as_array().unwrap();
    assert!(!files.is_empty());
    for f in files {
        // The replay takes the bundle's own rules, and its claim holds.
        recount()
            .arg("count")
            .arg(data.join("momentum-demo"))
            .arg("--trust")
            .arg(data.join("demo-key.pub"))
            .args(["--apply", f.as_str().unwrap(), "-o"])
            .arg(dir.path().join("sheet.txt"))
            .assert()
            .code(0);
    }
    assert!(
        report["findings"][0]["replay"]
            .as_str()
            .unwrap()
            .contains("--trust")
    );
}
