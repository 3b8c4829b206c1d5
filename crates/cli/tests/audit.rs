//! `recount audit` on the shipped demo (`audit-data/`), end to end through
//! the binary: the demo bundle passes every check and its recount agrees
//! with its declared result; against `official-altered.csv` the audit
//! fails naming the altered cell; a bundle with one paper changed fails at
//! the check that covers it; the report loads in a headless browser; and
//! the demo rebuilds byte for byte from its recipe.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;

mod browser;

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../audit-data")
}

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

fn audit(bundle: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    recount()
        .arg("audit")
        .arg(bundle)
        .arg("--trust")
        .arg(data().join("demo-key.pub"))
        .args(extra)
        .assert()
}

#[test]
fn the_demo_bundle_passes_the_audit_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("report.html");
    audit(
        &data().join("momentum-demo"),
        &["--html", html.to_str().unwrap()],
    )
    .success()
    .stdout(contains("11 checks: 11 pass, 0 not applicable, 0 fail"))
    .stdout(contains(
        "Kept off the ballot  Midlands candidate 9 (midlands, insufficient-nominations)",
    ))
    .stdout(contains("Verdict: PASS"))
    .stdout(contains(format!("Report: {}", html.display())));
    let out = recount()
        .arg("audit")
        .arg(data().join("momentum-demo"))
        .arg("--trust")
        .arg(data().join("demo-key.pub"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["passed"], true);
    let contests = json["contests"].as_array().unwrap();
    assert_eq!(contests.len(), 8);
    let seats: u64 = contests.iter().map(|c| c["seats"].as_u64().unwrap()).sum();
    assert_eq!(seats, 26);
    assert!(contests.iter().all(|c| c["declared_agrees"] == true));
    // The constraints bite: London & Eastern elects its three women.
    let page = fs::read_to_string(&html).unwrap();
    assert!(page.contains("guarded"), "the report shows the guards");
    // Self-contained: no script, and no address but the SVG namespace's.
    assert!(!page.contains("<script"));
    let addresses = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!addresses.contains("http://") && !addresses.contains("https://"));
}

#[test]
fn against_the_altered_sheet_the_audit_fails_naming_the_cell() {
    let sheet = data().join("official-altered.csv");
    audit(&data().join("momentum-demo"), &["--official", sheet.to_str().unwrap()])
        .code(1)
        .stdout(contains("FAILED:\n  - contest london-eastern: the official sheet"))
        .stdout(contains("official sheet:    DIFFERS"))
        .stdout(contains(
            "> stage 3, London & Eastern candidate 1: sheet 122.00000, ballots 112.00000 (line 31, column",
        ))
        .stdout(contains("so the sheet has a transcription error"))
        .stdout(contains("Verdict: FAIL"));
}

fn copy(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

#[test]
fn a_bundle_with_one_paper_changed_fails_at_the_check_that_covers_it() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("b");
    copy(&data().join("momentum-demo"), &bundle);
    let file = bundle.join("ballots/wales.csv");
    let text = fs::read_to_string(&file).unwrap();
    // The last paper's first preference given to another candidate.
    let mut lines: Vec<&str> = text.lines().collect();
    let last = lines.pop().unwrap().to_owned();
    let changed = if last.starts_with('1') {
        last.replacen('1', "2", 1)
    } else {
        format!("1,{last}")
    };
    lines.push(&changed);
    fs::write(&file, lines.join("\n") + "\n").unwrap();
    audit(&bundle, &[])
        .code(1)
        .stdout(contains("  - check 3 (MANIFEST digests match the files) failed: ballots/wales.csv: SHA-256 is"))
        .stdout(contains("  - check 6 (each contest's papers and Merkle root) failed: statement:10: contest wales's root is"))
        .stdout(contains("check  3 FAIL"))
        .stdout(contains("Verdict: FAIL"));
}

#[test]
fn the_demo_rebuilds_byte_for_byte_from_its_recipe() {
    let tmp = tempfile::tempdir().unwrap();
    recount()
        .args(["generate", "--demo"])
        .arg(tmp.path())
        .assert()
        .success();
    let mut compared = 0;
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for e in fs::read_dir(tmp.path().join(&rel)).unwrap() {
            let e = e.unwrap();
            let r = rel.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                stack.push(r);
            } else {
                let shipped = fs::read(data().join(&r))
                    .unwrap_or_else(|_| panic!("{} is not shipped in audit-data", r.display()));
                assert!(
                    shipped == fs::read(e.path()).unwrap(),
                    "{} differs from the rebuild",
                    r.display()
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 30, "{compared} files compared");
}

#[test]
fn the_report_loads_in_a_headless_browser_with_the_altered_cell_marked() {
    let Some(chromium) = browser::browser() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let html = tmp.path().join("report.html");
    let sheet = data().join("official-altered.csv");
    audit(
        &data().join("momentum-demo"),
        &[
            "--official",
            sheet.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
        ],
    )
    .code(1);
    let (dom, console) = browser::load(&chromium, &html, None);
    assert!(console.is_empty(), "console messages: {console:?}");
    assert!(dom.contains("class=\"verdict fail\""));
    assert!(
        dom.contains("class=\"num diff first\""),
        "the altered cell is marked"
    );
    let json = recount()
        .arg("audit")
        .arg(data().join("momentum-demo"))
        .arg("--trust")
        .arg(data().join("demo-key.pub"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    for c in json["contests"].as_array().unwrap() {
        for name in c["elected"].as_array().unwrap() {
            let name = name.as_str().unwrap().replace('&', "&amp;");
            assert!(dom.contains(&name), "{name} is not on the page");
        }
    }
    assert!(dom.contains("Quota"));
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/tmp/audit-report");
    fs::create_dir_all(&shots).unwrap();
    let png = shots.join("momentum-demo.png");
    let _ = fs::remove_file(&png);
    browser::load(&chromium, &html, Some(&png));
    assert!(
        fs::metadata(&png).is_ok_and(|m| m.len() > 10_000),
        "a screenshot is written"
    );
}
