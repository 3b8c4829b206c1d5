//! Issue 9's bugs that are pinned in the libraries (render, ballot), pinned
//! again as a user meets them: through `recount`, with the files on disk.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, body).expect("a test file");
    path
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).expect("UTF-8")
}

/// The Grey–Fitzgerald hand count of `crates/count/tests/constraints.rs`:
/// two seats, at least one woman; the unconstrained count elects two men.
fn constrained(dir: &Path) -> [PathBuf; 3] {
    [
        write(
            dir,
            "hand.blt",
            "5 2\n25 1 0\n24 2 0\n20 5 2 0\n16 3 0\n15 4 0\n0\n\"Al\"\n\"Bo\"\n\"Cy\"\n\"Di\"\n\"Ed\"\n\"hand\"\n",
        ),
        write(
            dir,
            "attributes.csv",
            "name,gender\nAl,man\nBo,man\nCy,woman\nDi,woman\nEd,man\n",
        ),
        write(
            dir,
            "constraints.csv",
            "attribute,value,min,max\ngender,woman,1,\n",
        ),
    ]
}

fn count_constrained(files: &[PathBuf; 3], method: &str, format: &str) -> String {
    stdout(
        recount()
            .arg("count")
            .arg(&files[0])
            .args(["--rules", "scottish-stv", "--constraint-method", method])
            .args(["--format", format, "--width", "400", "--attributes"])
            .arg(&files[1])
            .arg("--constraints")
            .arg(&files[2]),
    )
}

#[test]
fn issue_9_bug_1_through_the_binary_substitution_shows_the_final_winners() {
    let dir = tempfile::tempdir().unwrap();
    let files = constrained(dir.path());
    let json: serde_json::Value =
        serde_json::from_str(&count_constrained(&files, "substitution", "json")).unwrap();
    let c = &json["contests"][0];
    let swap = &c["substitutions"][0];
    let (out, incoming) = (swap["out"].as_str().unwrap(), swap["in"].as_str().unwrap());
    let elected: Vec<&str> = c["elected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        elected.contains(&incoming) && !elected.contains(&out),
        "{elected:?}"
    );
    let text = count_constrained(&files, "substitution", "text");
    let row = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap()
            .to_owned()
    };
    assert!(
        row(out).contains(&format!(
            "replaced by {incoming} (gender=woman: at least 1)"
        )),
        "{text}"
    );
    assert!(
        row(incoming).contains(&format!("elected in place of {out}")),
        "{text}"
    );
    assert!(
        text.contains(&format!("Substitution: {incoming} in for {out}")),
        "{text}"
    );
    let csv = count_constrained(&files, "substitution", "csv");
    assert!(
        csv.contains(&format!(
            ",substitution,gender=woman: at least 1,,{incoming},,,elected,"
        )),
        "{csv}"
    );
    assert!(csv.contains(&format!(",{out},,,replaced,")), "{csv}");
}

#[test]
fn issue_9_bug_2_through_the_binary_reserved_counts_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let files = constrained(dir.path());
    let text = count_constrained(&files, "reserved-places", "text");
    assert!(
        text.contains("Reserved-places count: gender=woman: at least 1"),
        "{text}"
    );
    assert!(text.contains("Reserved-places count: open"), "{text}");
    assert!(
        text.contains("not eligible for this reserved count"),
        "{text}"
    );
    assert!(text.contains("Papers for no eligible candidate"), "{text}");
    assert!(!text.contains("withdrawn"), "{text}");
    assert!(
        text.contains("Result of hand (2 reserved-places counts): elected"),
        "{text}"
    );
    let csv = count_constrained(&files, "reserved-places", "csv");
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let mut keys = std::collections::HashSet::new();
    for row in r.records() {
        let row = row.unwrap();
        assert!(!row[1].is_empty(), "every row names its count: {row:?}");
        if &row[4] != "result" && &row[4] != "lot" {
            assert!(
                keys.insert((
                    row[1].to_string(),
                    row[2].to_string(),
                    row[3].to_string(),
                    row[7].to_string()
                )),
                "(count, stage, sub-stage, candidate) is a key: {row:?}"
            );
        }
    }
    assert_eq!(
        csv.lines().filter(|l| l.contains(",combined,")).count(),
        2,
        "{csv}"
    );
}

#[test]
fn issue_9_bug_5_through_the_binary_names_with_quotes_convert_to_blt_and_back() {
    let dir = tempfile::tempdir().unwrap();
    // The Scottish 2022 dialect: "PARTY ""NAME""" is a name and its party;
    // and a name that keeps its quotes.
    let file = write(
        dir.path(),
        "w.blt",
        "3 1\n4 1 0\n3 2 0\n2 3 1 0\n0\n\"Grn \"\"Richie BRIAN\"\"\"\n\"Jo \"\"JJ\"\" Smith\"\n\"Plain\"\n\"Ward \"\"8\"\"\"\n",
    );
    let blt = dir.path().join("back.blt");
    recount()
        .arg("convert")
        .arg(&file)
        .args(["--to", "blt", "-o"])
        .arg(&blt)
        .assert()
        .success();
    let info = |p: &Path| {
        let mut v: serde_json::Value =
            serde_json::from_str(&stdout(recount().args(["info", "--json"]).arg(p))).unwrap();
        for k in ["bytes", "sha256"] {
            v[k] = serde_json::Value::Null;
        }
        v["election"]["id"] = serde_json::Value::Null;
        v["contests"][0]["id"] = serde_json::Value::Null;
        v
    };
    assert_eq!(info(&file), info(&blt));
    let v = info(&file);
    let c = &v["contests"][0]["candidates"];
    assert_eq!(c[0]["name"], "Richie BRIAN");
    assert_eq!(c[0]["affiliation"], "Grn");
}

#[test]
fn issue_9_bug_10_through_the_binary_meeks_closing_stage_says_what_it_did() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../audit-data/demo-ward.blt");
    let text = stdout(recount().arg("count").arg(&demo).args(["--rules", "meek"]));
    assert!(
        text.contains("Every place is filled: the remaining candidates are excluded"),
        "{text}"
    );
    assert!(!text.contains("fill the remaining places"), "{text}");
}
