//! RCTab's generic CSV layout through the binary: ranks by position with
//! `--first-rank-column`, read as the same papers as the CDF report's
//! Mayor contest, and the layout options refused for other formats.

use assert_cmd::Command;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../ballot/tests/fixtures");

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

/// The `first preferences:` block of `recount info`.
fn first_preferences(stdout: &str) -> String {
    stdout
        .lines()
        .skip_while(|l| !l.contains("first preferences:"))
        .take(5)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn info_reads_ranks_by_position_as_the_cdf_reports_mayor_papers() {
    let csv = recount()
        .arg("info")
        .arg(format!("{FIXTURES}/rctab-riverton-mayor.csv"))
        .args([
            "--first-rank-column",
            "3",
            "--first-row",
            "2",
            "--seats",
            "1",
        ])
        .output()
        .unwrap();
    assert!(
        csv.status.success(),
        "{}",
        String::from_utf8_lossy(&csv.stderr)
    );
    let cdf = recount()
        .arg("info")
        .arg(format!("{FIXTURES}/cdf-riverton.json"))
        .args(["--contest", "Mayor"])
        .output()
        .unwrap();
    assert!(
        cdf.status.success(),
        "{}",
        String::from_utf8_lossy(&cdf.stderr)
    );
    let (csv, cdf) = (
        String::from_utf8_lossy(&csv.stdout),
        String::from_utf8_lossy(&cdf.stdout),
    );
    assert!(
        csv.contains("papers:            8 (7 ranked, 1 blank)"),
        "{csv}"
    );
    assert_eq!(first_preferences(&csv), first_preferences(&cdf));
}

#[test]
fn the_positional_layout_is_refused_for_other_formats() {
    let out = recount()
        .arg("info")
        .arg(format!("{FIXTURES}/cdf-riverton-mayor.blt"))
        .args(["--first-rank-column", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--first-rank-column and --first-row are for CSV files (RCTab's generic CSV layout), not BLT"),
        "{stderr}"
    );
}
