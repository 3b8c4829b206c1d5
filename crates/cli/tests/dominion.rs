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

/// The Riverton export split as Dominion splits a large one: its sessions
/// over `CvrExport_1.json`… in a directory beside the manifests.
fn split_riverton(name: &str, parts: usize, spoil: Option<usize>) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["ContestManifest.json", "CandidateManifest.json"] {
        std::fs::copy(riverton().join(f), dir.join(f)).unwrap();
    }
    let whole: serde_json::Value =
        serde_json::from_slice(&std::fs::read(riverton().join("CvrExport.json")).unwrap()).unwrap();
    let sessions = whole["Sessions"].as_array().unwrap();
    let per = sessions.len().div_ceil(parts);
    for (k, chunk) in sessions.chunks(per).enumerate() {
        let mut part = whole.clone();
        part["Sessions"] = serde_json::Value::Array(chunk.to_vec());
        if spoil == Some(k) {
            part["Sessions"][0]["Original"]["Cards"][0]["Contests"][0]["Id"] = 99.into();
        }
        // Numbered past 9, so that name order and number order differ.
        let file = dir.join(format!("CvrExport_{}.json", 8 + k));
        std::fs::write(file, serde_json::to_vec_pretty(&part).unwrap()).unwrap();
    }
    dir
}

fn transcript(input: &std::path::Path, contest: &str) -> serde_json::Value {
    let out = recount()
        .arg("count")
        .arg(input)
        .args([
            "--rules",
            "irv",
            "--contest",
            contest,
            "--format",
            "json",
            "--allow-default-seed",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn an_export_split_over_several_files_counts_as_the_whole_one() {
    let dir = split_riverton("dominion-split", 3, None);
    for contest in ["1", "2"] {
        let whole = transcript(&riverton().join("CvrExport.json"), contest);
        let split = transcript(&dir, contest);
        assert_eq!(
            split["contests"][0]["stages"], whole["contests"][0]["stages"],
            "contest {contest}"
        );
        assert_eq!(
            split["contests"][0]["elected"],
            whole["contests"][0]["elected"]
        );
        // The input is the directory, named by its exports' bytes.
        assert_eq!(split["input"]["format"], "dominion");
        assert!(
            split["input"]["file"]
                .as_str()
                .unwrap()
                .ends_with("dominion-split")
        );
    }
}

#[test]
fn an_error_in_one_export_of_a_split_one_names_that_file() {
    let dir = split_riverton("dominion-split-bad", 3, Some(1));
    let out = recount().arg("info").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("CvrExport_9.json:"), "{stderr}");
    assert!(
        stderr.contains("Sessions[0].Original.Cards[0].Contests[0].Id of CvrExport_9.json"),
        "{stderr}"
    );
}
