//! Outputs people can trust (issue 9): lots named with their effect on the
//! winners, and the provenance of every count, through the binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, body).expect("a test file");
    path
}

/// One seat, quota 6 of 11: A and B tie on 3 at stage 1 and each one's
/// papers go to the other, so the lot that excludes one of them at stage 2
/// picks the winner (ERS97's forward look cannot part them: stage 1 is
/// the only earlier stage).
const LOT_DECIDES: &str = "3 1\n3 1 2 0\n3 2 1 0\n5 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"lot\"\n";

/// The same tie, but both go on to C, who wins whatever the lot does.
const LOT_DECIDES_NOTHING: &str = "3 1\n3 1 3 0\n3 2 0\n4 3 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"lot\"\n";

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("a JSON transcript")
}

#[test]
fn issue_9_bug_9_a_lot_from_the_default_seed_that_decides_the_winners_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "lot.blt", LOT_DECIDES);
    let out = dir.path().join("sheet.txt");
    recount()
        .args(["count", "--rules", "ers97", "-o"])
        .arg(&out)
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "recount: warning: contest lot: lot at stage 2, draw 0 of seed 0 (the default: no seed given)",
        ))
        .stderr(predicate::str::contains("another draw changes the winners"))
        .stderr(predicate::str::contains(
            "a lot drawn from the default seed decides the winners of contest lot; give the seed fixed before the count with --seed HEX, or accept seed 0 with --allow-default-seed",
        ));
    assert!(!out.exists(), "nothing is written on the error");

    // Allowed: counted, and the sheet names the lot and its effect.
    let sheet = recount()
        .args(["count", "--rules", "ers97", "--allow-default-seed"])
        .arg(&file)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let sheet = String::from_utf8(sheet).unwrap();
    let lot_line = sheet
        .lines()
        .find(|l| l.starts_with("Lot: stage 2, draw 0 of seed 0 (the default: no seed given): "))
        .unwrap_or_else(|| panic!("a Lot line in\n{sheet}"));
    // Whichever the lot excluded, the other wins; choosing the winner
    // instead would elect the one excluded.
    let elected = sheet
        .lines()
        .find_map(|l| l.strip_prefix("Elected: "))
        .unwrap();
    let excluded = if elected == "A" { "B" } else { "A" };
    assert!(
        lot_line.contains(&format!(
            "{excluded} chosen for exclusion among A, B; another draw changes the winners ({elected} chosen elects {excluded})"
        )),
        "{lot_line}"
    );
}

#[test]
fn issue_9_bug_9_a_given_seed_is_counted_and_every_output_names_its_lots() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "lot.blt", LOT_DECIDES);
    let out = recount()
        .args([
            "count", "--rules", "ers97", "--seed", "2", "--format", "json",
        ])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains("draw 0 of seed 2:"))
        .get_output()
        .stdout
        .clone();
    let t = json(&out);
    let lots = &t["lots"][0];
    assert_eq!(lots["contest"], "lot");
    assert_eq!(lots["seed"], "2");
    assert_eq!(lots["default_seed"], false);
    let draw = &lots["draws"][0];
    assert_eq!(draw["stage"], 2);
    assert_eq!(draw["options"], 2);
    assert_eq!(draw["changes_winners"], true);
    assert_eq!(draw["between"], serde_json::json!(["A", "B"]));
    // The other result elects the one this draw excluded.
    assert_eq!(
        draw["others"][0]["elected"],
        serde_json::json!([draw["chosen"]])
    );
    assert_eq!(
        t["contests"][0]["elected"],
        serde_json::json!([draw["others"][0]["chosen"]])
    );

    let csv = recount()
        .args([
            "count", "--rules", "ers97", "--seed", "2", "--format", "csv",
        ])
        .arg(&file)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let csv = String::from_utf8(csv).unwrap();
    let row = csv
        .lines()
        .find(|l| l.contains(",lot,"))
        .unwrap_or_else(|| panic!("a lot row in\n{csv}"));
    assert!(
        row.starts_with("lot,,2,,lot,seed=2; draw=0; between=A; B,,")
            && row.contains(",changes-winners,"),
        "{row}"
    );
}

#[test]
fn issue_9_bug_9_a_lot_that_changes_nothing_is_named_but_not_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "lot.blt", LOT_DECIDES_NOTHING);
    recount()
        .args(["count", "--rules", "ers97"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "among A, B; no other draw changes the winners",
        ))
        .stdout(predicate::str::contains("Elected: C"))
        .stdout(predicate::str::contains(
            "; no other draw changes the winners",
        ));
    // No lot, no word.
    let file = write(
        dir.path(),
        "plain.blt",
        "3 1\n4 1 0\n3 2 0\n2 3 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n",
    );
    recount()
        .args(["count", "--rules", "ers97"])
        .arg(&file)
        .assert()
        .success()
        .stderr(predicate::str::is_empty())
        .stdout(predicate::str::contains("Lot:").not());
}

#[test]
fn issue_9_provenance_the_transcript_records_the_file_its_hash_and_the_import_policy() {
    let dir = tempfile::tempdir().unwrap();
    // One paper ranks B twice: keep-first changes it.
    let body = "3 1\n4 1 0\n3 2 2 3 0\n2 3 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n";
    let file = write(dir.path(), "ward.blt", body);
    let out = recount()
        .args(["count", "--rules", "wigm", "--format", "json"])
        .args(["--repeated-candidates", "keep-first"])
        .arg(&file)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let t = json(&out);
    let input = &t["input"];
    assert_eq!(input["file"], file.display().to_string());
    assert_eq!(input["bytes"], body.len());
    assert_eq!(input["format"], "blt");
    // SHA-256 by an independent tool where there is one.
    if let Ok(o) = std::process::Command::new("sha256sum").arg(&file).output() {
        let hex = String::from_utf8(o.stdout).unwrap();
        assert_eq!(input["sha256"], hex.split_whitespace().next().unwrap());
    }
    let import = &t["contests"][0]["import"];
    assert_eq!(import["policy"]["repeated-candidates"], "keep-first");
    assert_eq!(import["changed"]["repeated_candidates"], 3);
    // Nothing that does not determine the count: the same bytes elsewhere
    // give the same transcript but for the file's path.
    std::fs::create_dir(dir.path().join("elsewhere")).unwrap();
    let other = write(&dir.path().join("elsewhere"), "ward.blt", body);
    let again = recount()
        .args(["count", "--rules", "wigm", "--format", "json"])
        .args(["--repeated-candidates", "keep-first"])
        .arg(&other)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let mut a = json(&again);
    a["input"]["file"] = input["file"].clone();
    assert_eq!(a, t);
}

#[test]
fn issue_9_provenance_info_prints_the_files_sha256() {
    let dir = tempfile::tempdir().unwrap();
    let body = "3 1\n4 1 0\n3 2 0\n2 3 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n";
    let file = write(dir.path(), "ward.blt", body);
    let text = recount()
        .arg("info")
        .arg(&file)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(text).unwrap();
    let first = text.lines().next().unwrap();
    let out = recount()
        .args(["info", "--json"])
        .arg(&file)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json(&out);
    let hex = v["sha256"].as_str().unwrap().to_owned();
    assert_eq!(hex.len(), 64);
    assert_eq!(v["bytes"], body.len());
    assert!(
        first.ends_with(&format!("({} bytes, SHA-256 {hex})", body.len())),
        "{first}"
    );
    if let Ok(o) = std::process::Command::new("sha256sum").arg(&file).output() {
        let want = String::from_utf8(o.stdout).unwrap();
        assert_eq!(hex, want.split_whitespace().next().unwrap());
    }
}

#[test]
fn issue_9_bug_9_thousands_of_draws_are_named_within_bounds() {
    // 300 candidates for two seats, one paper for the first: C1 is elected
    // and the 299 without a vote go together by lot, one draw each, until
    // one is left for the last place (ERS97: forward look, then the lot).
    let n = 300;
    let mut blt = format!("{n} 2\n1 1 0\n0\n");
    for i in 1..=n {
        blt.push_str(&format!("\"C{i}\"\n"));
    }
    blt.push_str("\"many\"\n");
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "many.blt", &blt);
    let out = recount()
        .args([
            "count", "--rules", "ers97", "--seed", "7", "--format", "json",
        ])
        .arg(&file)
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let t = json(&out.stdout);
    let draws = t["lots"][0]["draws"].as_array().unwrap();
    assert!(draws.len() > 200, "{}", draws.len());
    // The tied are listed once, for the decision's first draw.
    assert_eq!(draws[0]["between"].as_array().unwrap().len(), n - 1);
    assert!(
        draws[1..]
            .iter()
            .all(|d| d["between"].as_array().unwrap().is_empty())
    );
    // Twenty draws named, then one line for the rest.
    assert_eq!(stderr.lines().count(), 21, "{stderr}");
    assert!(
        stderr
            .lines()
            .last()
            .unwrap()
            .contains(&format!("… and {} more draws, ", draws.len() - 20)),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .next()
            .unwrap()
            .contains(&format!("among {} candidates", n - 1)),
        "{stderr}"
    );
    assert_eq!(t["contests"][0]["elected"][0], "C1");
}
