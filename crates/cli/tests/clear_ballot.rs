//! Clear Ballot ClearVote CVR exports through the binary: the Riverton
//! export recognised by its choice columns, one contest counted, an
//! irregular paper refused at its cell until the option is given, and a
//! box's rows removed with `whatif`.

use std::path::PathBuf;

use assert_cmd::Command;

fn riverton() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../ballot/tests/fixtures/clearballot-riverton.csv")
}

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

#[test]
fn info_recognises_the_export_by_its_choice_columns() {
    let out = recount().arg("info").arg(riverton()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("format:    Clear Ballot CSV"), "{stdout}");
    assert!(stdout.contains("contest Mayor: Mayor"), "{stdout}");
    assert!(stdout.contains("contest Council: Council"), "{stdout}");
    assert!(stdout.contains("seats:             1\n"), "{stdout}");
    assert!(
        stdout.contains("papers:            8 (7 ranked, 1 blank)"),
        "{stdout}"
    );
}

#[test]
fn count_irv_of_the_council_contest_chosen_by_name() {
    let out = recount()
        .arg("count")
        .arg(riverton())
        .args(["--rules", "irv", "--contest", "Council", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(t["contests"][0]["elected"][0], "Dee", "{t}");
    assert_eq!(t["input"]["format"], "clear-ballot", "{t}");
}

#[test]
fn an_overvoted_rank_is_refused_at_its_cell_until_the_option_is_given() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("clear-ballot-overvote");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cvr.csv");
    let text = std::fs::read_to_string(riverton()).unwrap();
    // Paper 2 marks Ann as well as Bob at rank 1.
    let from = "2,BOX-1,2,B-0002,P1,BS-1,Riverton 1,SCAN-1,Accepted,FALSE,0,1,";
    assert!(text.contains(from));
    let text = text.replacen(
        from,
        "2,BOX-1,2,B-0002,P1,BS-1,Riverton 1,SCAN-1,Accepted,FALSE,1,1,",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let info = |extra: &[&str]| {
        recount()
            .arg("info")
            .arg(&path)
            .args(["--contest", "Mayor"])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = info(&[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&dir.display().to_string(), "DIR");
    assert_eq!(
        stderr,
        "recount: DIR/cvr.csv:3:59: Clear Ballot CSV error in ballot 2: expected a strict ranking (pass --overvotes end-at-overvote|skip-rank to read such papers), found an overvote at rank 1\n"
    );
    let out = info(&["--overvotes", "end-at-overvote"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The paper ends at the overvote: a blank paper more, recorded.
    assert!(
        stdout.contains("papers:            8 (6 ranked, 2 blank)"),
        "{stdout}"
    );
    assert!(stdout.contains("overvotes=end-at-overvote"), "{stdout}");
}

#[test]
fn whatif_removes_a_box_by_its_box_id() {
    let out = recount()
        .arg("whatif")
        .arg(riverton())
        .args(["--rules", "irv", "--contest", "Council"])
        .args(["--remove", "BoxID=BOX-2"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Papers: 3 originally, 1 removed, 0 added, 2 after the changes"),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
