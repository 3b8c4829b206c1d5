//! `recount ties` through the binary (`specs/ties.md`): the RULES.md §11.6
//! tie vectors name their ties and resolutions under several presets (the
//! backward ties resolve to B, the later exclusion of weak-surplus falls
//! to lot, `42.blt` needs none), each with its other outcome tried; a lot
//! between two who would win gives probability 1/2; and the audit's
//! "Ties" section on the demo bundle, which decides none.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

fn vectors() -> Option<PathBuf> {
    recount_testkit::shared_data().map(|d| d.join("vectors"))
}

fn ties(dir: &Path, file: &str, args: &[&str]) -> String {
    let out = recount()
        .current_dir(dir)
        .args(["ties", file])
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn weak_defeat_names_the_backward_tie_resolved_to_b_or_the_order() {
    let Some(dir) = vectors() else { return };
    let s = ties(&dir, "weak-defeat.blt", &["--rules", "scottish-stv"]);
    assert!(
        s.contains("Stage 3, exclusion tie among B, C: B chosen by backward look (stage 1)\n    C instead elects E, D\n    No other outcome changes the winners."),
        "{s}"
    );
    assert!(
        s.contains("No tie's other outcome changes the winners."),
        "{s}"
    );
    for rules in ["wigm", "meek"] {
        let s = ties(&dir, "weak-defeat.blt", &["--rules", rules]);
        assert!(
            s.contains("exclusion tie among B, C: B chosen by candidate order"),
            "{rules}: {s}"
        );
        assert!(s.contains("C instead elects E, D"), "{rules}: {s}");
    }
}

#[test]
fn weak_surplus_names_the_surplus_tie_resolved_to_b_and_the_lot() {
    let Some(dir) = vectors() else { return };
    // The surplus tie exists when zero surpluses are transferred, as Droop
    // does (worked_examples.rs says why the statute has none).
    let s = ties(
        &dir,
        "weak-surplus.blt",
        &[
            "--rules",
            "scottish-stv",
            "--set",
            "method.gregory.surplus.zero_surplus=transfer-as-stage",
        ],
    );
    assert!(
        s.contains("surplus order tie among B, C: B chosen by backward look (stage 1)"),
        "{s}"
    );
    assert!(
        s.contains("exclusion tie among E, F: E chosen by lot (draw 0)"),
        "{s}"
    );
    assert!(
        s.contains("2 of its 2 equally likely results keep the declared winners"),
        "{s}"
    );
    assert!(
        s.contains("Probability of the declared winners under the lot: 1 (100.0%), over 2 paths"),
        "{s}"
    );
    for rules in ["scottish-stv", "ers97"] {
        let s = ties(&dir, "weak-surplus.blt", &["--rules", rules]);
        assert!(
            s.contains("exclusion tie among E, F: E chosen by lot (draw 0)"),
            "{rules}: {s}"
        );
        assert!(s.contains("F instead elects A, B, C, D"), "{rules}: {s}");
    }
    let s = ties(&dir, "weak-surplus.blt", &["--rules", "wigm"]);
    assert!(
        s.contains("exclusion tie among E, F: E chosen by candidate order"),
        "{s}"
    );
}

#[test]
fn forty_two_needs_no_tie_under_any_preset() {
    let Some(dir) = vectors() else { return };
    for rules in ["scottish-stv", "ers97", "wigm", "meek"] {
        let s = ties(&dir, "42.blt", &["--rules", rules]);
        assert!(
            s.contains("Contest 42: elected Castor, Helen\n  No tie was decided.\n"),
            "{rules}: {s}"
        );
    }
}

#[test]
fn a_lot_between_the_two_who_would_win_is_one_half_in_json() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("two.blt");
    fs::write(&file, "2 1\n1 1 0\n1 2 0\n0\n\"A\"\n\"B\"\n\"t\"\n").unwrap();
    let out = recount()
        .arg("ties")
        .arg(&file)
        .args([
            "--rules",
            "wigm",
            "--set",
            "ties.chain=[\"lot\"]",
            "--seed",
            "07",
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["format"], "recount-ties/1");
    assert_eq!(v["seed"], "07");
    let c = &v["contests"][0];
    assert_eq!(c["changes_winners"], true);
    assert_eq!(c["probability"]["at_least"], "1/2");
    assert_eq!(c["probability"]["at_most"], "1/2");
    assert_eq!(c["probability"]["exact"], true);
    let tie = &c["ties"][0];
    assert_eq!(tie["method"]["method"], "lot");
    assert_eq!(tie["lot"]["keeping"], 1);
    assert_eq!(tie["lot"]["options"], 2);
    assert_eq!(tie["changes_winners"], true);
    // A budget of none leaves the other result untried, and says so: the
    // result drawn is known to keep the winners, the other is not.
    recount()
        .arg("ties")
        .arg(&file)
        .args([
            "--rules",
            "wigm",
            "--set",
            "ties.chain=[\"lot\"]",
            "--budget",
            "0",
        ])
        .assert()
        .success()
        .stdout(contains(
            "between 1/2 and 1 (50.0% to 100.0%); the budget ran out",
        ))
        .stdout(contains("1 other outcomes not tried"));
    recount()
        .arg("ties")
        .arg(&file)
        .args(["--rules", "no-such-rules"])
        .assert()
        .code(2);
}

#[test]
fn the_audit_says_the_demo_decides_no_tie() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../audit-data");
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("report.html");
    let out = recount()
        .arg("audit")
        .arg(data.join("momentum-demo"))
        .arg("--trust")
        .arg(data.join("demo-key.pub"))
        .arg("--html")
        .arg(&html)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(
        text.matches("  ties:              No tie was decided.\n")
            .count(),
        8,
        "{text}"
    );
    let page = fs::read_to_string(&html).unwrap();
    assert_eq!(
        page.matches("<h3>Ties</h3>\n<p class=\"agree\">No tie was decided.</p>")
            .count(),
        8
    );
}
