//! Dominion CVR exports through the binary: the Riverton export read with
//! the manifests beside it, one contest counted, and an error in a
//! manifest reported under the manifest's own name.

use std::path::PathBuf;

use assert_cmd::Command;

fn riverton() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ballot/tests/fixtures/dominion-riverton")
}

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

#[test]
fn info_reads_the_export_with_the_manifests_beside_it() {
    let out = recount()
        .arg("info")
        .arg(riverton().join("CvrExport.json"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("format:    Dominion JSON"), "{stdout}");
    assert!(stdout.contains("contest 1: Mayor"), "{stdout}");
    assert!(stdout.contains("contest 2: Council"), "{stdout}");
    assert!(
        stdout.contains("papers:            8 (7 ranked, 1 blank)"),
        "{stdout}"
    );
}

#[test]
fn count_irv_of_the_council_contest_chosen_by_id() {
    let out = recount()
        .arg("count")
        .arg(riverton().join("CvrExport.json"))
        .args(["--rules", "irv", "--contest", "2", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(t["contests"][0]["elected"][0], "Dee", "{t}");
}

#[test]
fn an_error_in_a_manifest_names_the_manifest() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dominion-bad-manifest");
    std::fs::create_dir_all(&dir).unwrap();
    for f in [
        "CvrExport.json",
        "CandidateManifest.json",
        "ContestManifest.json",
    ] {
        let text = std::fs::read_to_string(riverton().join(f)).unwrap();
        let text = text.replacen("\"VoteFor\": 1,", "\"VoteFor\": 0,", 1);
        std::fs::write(dir.join(f), text).unwrap();
    }
    let out = recount()
        .arg("info")
        .arg(dir.join("CvrExport.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&dir.display().to_string(), "DIR");
    insta::assert_snapshot!("dominion-bad-manifest", stderr);
}

#[test]
fn an_export_on_standard_input_is_refused_for_want_of_its_manifests() {
    let out = recount()
        .args(["info", "-", "--input-format", "dominion"])
        .write_stdin("{\"Sessions\": []}")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "recount: <stdin>: a Dominion export is read from a file, with its ContestManifest.json and CandidateManifest.json beside it\n"
    );
}
