//! NIST CDF JSON CVRs through the binary: the Riverton fixture recognised
//! by its `@type`, listed by `info`, one contest counted with `--contest`,
//! and a bad CVR refused at its JSON path.

use assert_cmd::Command;

const RIVERTON: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../ballot/tests/fixtures/cdf-riverton.json"
);

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

#[test]
fn info_lists_both_contests_of_the_riverton_report() {
    let out = recount()
        .args(["info", RIVERTON, "--seats", "1"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("format:    NIST CDF JSON"), "{stdout}");
    assert!(stdout.contains("contests:  2"), "{stdout}");
    assert!(stdout.contains("contest contest-mayor: Mayor"), "{stdout}");
    assert!(
        stdout.contains("papers:            8 (7 ranked, 1 blank)"),
        "{stdout}"
    );
    assert!(stdout.contains("Write-in           2"), "{stdout}");
}

#[test]
fn count_irv_of_the_council_contest_chosen_by_name() {
    let out = recount()
        .args(["count", RIVERTON, "--rules", "irv", "--contest", "Council"])
        .args(["--seats", "1", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &t["contests"][0];
    assert_eq!(c["contest"], "contest-council", "{c}");
    assert_eq!(c["elected"][0], "Dee", "{c}");
}

#[test]
fn a_contest_the_report_lacks_is_refused_listing_those_it_has() {
    let out = recount()
        .args(["info", RIVERTON, "--contest", "Sheriff"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(
        "cdf-no-such-contest",
        String::from_utf8_lossy(&out.stderr).replace(RIVERTON, "RIVERTON")
    );
}

#[test]
fn a_bad_cvr_on_standard_input_is_refused_at_its_path() {
    let bad = std::fs::read_to_string(RIVERTON).unwrap().replacen(
        "\"ContestSelectionId\": \"cs-eve\"",
        "\"ContestSelectionId\": \"cs-zed\"",
        1,
    );
    let out = recount()
        .args(["info", "-", "--input-format", "cdf", "--seats", "1"])
        .write_stdin(bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("cdf-bad-selection", String::from_utf8_lossy(&out.stderr));
}
