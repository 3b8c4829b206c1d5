//! ES&S Excel CVRs through the binary: the Minneapolis 2013 exports read
//! with RCTab's reading options for the city (`maxSkippedRanksAllowed` 2,
//! `alwaysSkipToNextRank`), and an irregular paper refused at its cell.

use assert_cmd::Command;

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

#[test]
fn info_reads_the_park_board_cvr_with_the_citys_reading_options() {
    let Some(data) = recount_testkit::shared_data() else {
        return;
    };
    let file = data.join("rctab-minneapolis-2013-park/2013_minneapolis_park_cvr.xlsx");
    let out = recount()
        .arg("info")
        .arg(&file)
        .args(["--max-skipped-ranks", "2", "--overvotes", "skip-rank"])
        .args(["--repeated-candidates", "keep-first"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("format:    ES&S Excel"), "{stdout}");
    // The official tabulation's summary: 59463 votes, 20638 undervotes.
    assert!(
        stdout.contains("papers:            80101 (59463 ranked, 20638 blank)"),
        "{stdout}"
    );
    // The gap limit implies close-up and is recorded with the policy.
    assert!(stdout.contains("max-skipped-ranks=2"), "{stdout}");
    assert!(stdout.contains("skipped-ranks=close-up"), "{stdout}");
    assert!(
        stdout.contains("JOHN ERWIN                14678"),
        "{stdout}"
    );
}

#[test]
fn a_repeated_candidate_under_the_default_policy_is_refused_at_its_cell() {
    let Some(data) = recount_testkit::shared_data() else {
        return;
    };
    let file = data.join("minneapolis-2013-official/2013-boe-cvr.xlsx");
    let out = recount().arg("info").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = stderr.lines().next().unwrap_or_default();
    assert_eq!(
        first,
        format!(
            "recount: {}: sheet \"Marked Sheet\", cell C2: ES&S Excel error in ballot 1: expected a strict ranking (pass --repeated-candidates keep-first to read such papers), found a candidate ranked twice",
            file.display()
        )
    );
}
