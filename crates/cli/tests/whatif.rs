//! `recount whatif` through the binary (`specs/workbench.md`, "What if"):
//! each change reproduces counting a file that has it made by hand (the
//! rows of a batch deleted, a candidate on the withdrawn line, two files
//! concatenated, papers filtered by their ranking), stage by stage; the
//! exit codes; and one real text run pinned as a snapshot.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;
use serde_json::Value;

fn audit_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../audit-data")
}

fn demo() -> PathBuf {
    audit_data().join("demo-ward.blt")
}

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

const PRESETS: [&str; 3] = ["scottish-stv", "meek", "wigm"];

/// The count of `file` as `recount count --format json` writes it.
fn counted(file: &Path, rules: &str) -> Value {
    let out = recount()
        .arg("count")
        .arg(file)
        .args(["--rules", rules, "--format", "json", "--quiet"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    v["contests"][0].clone()
}

/// `recount whatif FILE --rules R ARGS --format json`, with its exit code.
fn whatif(file: &Path, rules: &str, args: &[&str]) -> (Value, i32) {
    let out = recount()
        .arg("whatif")
        .arg(file)
        .args(["--rules", rules, "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code == 0 || code == 1,
        "{args:?}: exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (serde_json::from_slice(&out.stdout).unwrap(), code)
}

/// The changed count of a what-if is the count of `by_hand`: the same
/// elected, the same stages with the same figures.
fn same_as_by_hand(file: &Path, args: &[&str], by_hand: &Path) -> Value {
    let mut last = Value::Null;
    for rules in PRESETS {
        let (v, code) = whatif(file, rules, args);
        assert_eq!(v["format"], "recount-whatif/1");
        let changed = &v["counts"][1];
        let direct = counted(by_hand, rules);
        assert_eq!(changed["elected"], direct["elected"], "{rules} {args:?}");
        assert_eq!(changed["stages"], direct["stages"], "{rules} {args:?}");
        assert_eq!(v["changed"]["elected"], direct["elected"]);
        let same = v["same_winners"].as_bool().unwrap();
        assert_eq!(code, if same { 0 } else { 1 }, "{rules} {args:?}");
        last = v;
    }
    last
}

/// A small deterministic stream (the test's own, so that the files do not
/// depend on a library's generator).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

const NAMES: [&str; 6] = ["Ann", "Bob", "Cat", "Dan", "Eve", "Fay"];

/// A CSV record of 400 papers in 4 batches, with its candidates declared.
fn batches_csv() -> (String, Vec<(u64, String)>) {
    let mut rng = Lcg(14);
    let mut rows = Vec::new();
    for _ in 0..400 {
        let batch = 1 + rng.next(4);
        let mut left: Vec<&str> = NAMES.to_vec();
        // Bob and Eve are the strong ones; batch 2 loves Fay.
        let mut ranking = Vec::new();
        let len = 1 + rng.next(4);
        for i in 0..len {
            let pick = if i == 0 && batch == 2 && rng.next(2) == 0 {
                left.iter().position(|n| *n == "Fay").unwrap_or(0)
            } else if i == 0 && rng.next(3) == 0 {
                left.iter().position(|n| *n == "Bob").unwrap_or(0)
            } else {
                rng.next(left.len() as u64) as usize
            };
            ranking.push(left.remove(pick));
        }
        rows.push((batch, ranking.join(",")));
    }
    let mut head = String::from("# recount-csv/1\n# seats: 2\n");
    for n in NAMES {
        head.push_str(&format!("# candidate: \"{n}\"\n"));
    }
    head.push_str("Batch,rank1,rank2,rank3,rank4\n");
    (head, rows)
}

fn csv_of(head: &str, rows: &[(u64, String)], keep: impl Fn(u64) -> bool) -> String {
    let mut s = head.to_owned();
    for (batch, ranking) in rows.iter().filter(|r| keep(r.0)) {
        s.push_str(&format!("{batch},{ranking}\n"));
    }
    s
}

#[test]
fn removing_a_batch_is_counting_the_file_without_its_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let (head, rows) = batches_csv();
    let whole = tmp.path().join("whole.csv");
    let without = tmp.path().join("without-2.csv");
    fs::write(&whole, csv_of(&head, &rows, |_| true)).unwrap();
    fs::write(&without, csv_of(&head, &rows, |b| b != 2)).unwrap();
    let removed = rows.iter().filter(|r| r.0 == 2).count() as u64;
    let v = same_as_by_hand(&whole, &["--remove", "batch=2"], &without);
    assert_eq!(v["papers_removed"], removed);
    assert_eq!(v["changes"][0], "remove batch=2");
    // Two batches of one column: the rows of either.
    let without_13 = tmp.path().join("without-1-3.csv");
    fs::write(&without_13, csv_of(&head, &rows, |b| b == 2 || b == 4)).unwrap();
    same_as_by_hand(
        &whole,
        &["--remove", "batch=1", "--remove", "batch=3"],
        &without_13,
    );
}

/// The demo ward's ballot lines and the rest of the file.
fn demo_parts() -> (String, Vec<String>, String) {
    let text = fs::read_to_string(demo()).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_owned();
    let mut ballots = Vec::new();
    for line in lines.by_ref() {
        if line == "0" {
            break;
        }
        ballots.push(line.to_owned());
    }
    let rest: Vec<&str> = lines.collect();
    (header, ballots, rest.join("\n") + "\n")
}

fn blt(header: &str, ballots: &[String], rest: &str) -> String {
    format!("{header}\n{}\n0\n{rest}", ballots.join("\n"))
}

/// The candidate numbers of a BLT ballot line (`weight prefs… 0`).
fn prefs(line: &str) -> Vec<u32> {
    let nums: Vec<u32> = line
        .split_whitespace()
        .map(|t| t.parse().unwrap())
        .collect();
    nums[1..nums.len() - 1].to_vec()
}

#[test]
fn withdrawing_is_counting_with_the_withdrawn_line() {
    let tmp = tempfile::tempdir().unwrap();
    let (header, ballots, rest) = demo_parts();
    let file = tmp.path().join("withdrawn.blt");
    fs::write(
        &file,
        format!("{header}\n-9\n{}\n0\n{rest}", ballots.join("\n")),
    )
    .unwrap();
    let v = same_as_by_hand(&demo(), &["--withdraw", "Candidate 9"], &file);
    assert_eq!(v["no_longer_elected"], serde_json::json!(["Candidate 9"]));
    assert_eq!(v["same_winners"], false);
}

#[test]
fn adding_is_counting_the_files_concatenated() {
    let tmp = tempfile::tempdir().unwrap();
    let (header, mut ballots, rest) = demo_parts();
    // The added file lists the candidates the other way round: they are
    // matched by name, not number.
    let extra_lines = ["300 4 3 0", "120 5 0", "40 1 2 3 0"];
    let mut extra = String::from("9 3\n");
    for l in extra_lines {
        extra.push_str(l);
        extra.push('\n');
    }
    extra.push_str("0\n");
    for i in (1..=9).rev() {
        extra.push_str(&format!("\"Candidate {i}\"\n"));
    }
    extra.push_str("\"Extra papers\"\n");
    let added = tmp.path().join("extra.blt");
    fs::write(&added, extra).unwrap();
    for l in extra_lines {
        let mut nums: Vec<String> = l.split(' ').map(str::to_owned).collect();
        let n = nums.len();
        for x in &mut nums[1..n - 1] {
            *x = (10 - x.parse::<u32>().unwrap()).to_string();
        }
        ballots.push(nums.join(" "));
    }
    let joined = tmp.path().join("joined.blt");
    fs::write(&joined, blt(&header, &ballots, &rest)).unwrap();
    let v = same_as_by_hand(&demo(), &["--add", added.to_str().unwrap()], &joined);
    assert_eq!(v["papers_added"], 460);
}

#[test]
fn ranking_patterns_are_counting_the_papers_filtered_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    let (header, ballots, rest) = demo_parts();
    type Keep = fn(&[u32]) -> bool;
    let cases: [(&[&str], Keep); 3] = [
        (&["--remove", "starts:Candidate 6"], |p| p[0] != 6),
        (&["--remove", "ranks:Candidate 3"], |p| !p.contains(&3)),
        // Several filters: a paper matching any goes.
        (
            &[
                "--remove",
                "only:Candidate 9",
                "--remove",
                "starts:Candidate 7",
            ],
            |p| p != [9] && p[0] != 7,
        ),
    ];
    for (i, (args, keep)) in cases.iter().enumerate() {
        let kept: Vec<String> = ballots
            .iter()
            .filter(|l| keep(&prefs(l)))
            .cloned()
            .collect();
        let removed: u64 = ballots
            .iter()
            .filter(|l| !keep(&prefs(l)))
            .map(|l| l.split(' ').next().unwrap().parse::<u64>().unwrap())
            .sum();
        assert!(removed > 0, "{args:?} removes nothing");
        let file = tmp.path().join(format!("filtered-{i}.blt"));
        fs::write(&file, blt(&header, &kept, &rest)).unwrap();
        let v = same_as_by_hand(&demo(), args, &file);
        assert_eq!(v["papers_removed"], removed, "{args:?}");
    }
}

#[test]
fn exit_codes_say_same_different_or_bad_input() {
    recount()
        .arg("whatif")
        .arg(demo())
        .args(["--rules", "scottish-stv", "--remove", "only:Candidate 2"])
        .assert()
        .code(0)
        .stdout(contains("Verdict: the same candidates are elected"));
    recount()
        .arg("whatif")
        .arg(demo())
        .args(["--rules", "scottish-stv", "--seats", "4"])
        .assert()
        .code(1)
        .stdout(contains("seats 4"))
        .stdout(contains("Now elected: "))
        .stdout(contains("Verdict: different candidates are elected"));
    let bad: &[(&[&str], &str)] = &[
        (&["--withdraw", "Nobody"], "--withdraw Nobody: "),
        (
            &["--remove", "starts:Nobody"],
            "no candidate named \"Nobody\"; the candidates are: Candidate 1, Candidate 2",
        ),
        (
            &["--remove", "Candidate 2"],
            "not a filter; give COLUMN=VALUE",
        ),
        (
            &["--remove", "batch=2"],
            "BLT files have no columns to filter rows by (batch=2)",
        ),
    ];
    for (args, message) in bad {
        recount()
            .arg("whatif")
            .arg(demo())
            .args(["--rules", "scottish-stv"])
            .args(*args)
            .assert()
            .code(2)
            .stderr(contains(*message));
    }
    // A name the added file has and the contest lacks names the file.
    let tmp = tempfile::tempdir().unwrap();
    let stranger = tmp.path().join("stranger.blt");
    fs::write(&stranger, "1 1\n5 1 0\n0\n\"Zed\"\n\"t\"\n").unwrap();
    recount()
        .arg("whatif")
        .arg(demo())
        .args(["--rules", "scottish-stv", "--add"])
        .arg(&stranger)
        .assert()
        .code(2)
        .stderr(contains("stranger.blt: no candidate named \"Zed\""));
    // A file of several contests needs --contest, as compare does.
    let two = tmp.path().join("two.json");
    recount()
        .args(["convert", "--to", "json", "-o"])
        .arg(&two)
        .arg(demo())
        .assert()
        .success();
    let mut v: Value = serde_json::from_str(&fs::read_to_string(&two).unwrap()).unwrap();
    let mut second = v["contests"][0].clone();
    second["id"] = "ward-2".into();
    v["contests"].as_array_mut().unwrap().push(second);
    fs::write(&two, v.to_string()).unwrap();
    recount()
        .arg("whatif")
        .arg(&two)
        .args(["--rules", "scottish-stv"])
        .assert()
        .code(2)
        .stderr(contains("choose one with --contest"));
    recount()
        .arg("whatif")
        .arg(&two)
        .args(["--rules", "scottish-stv", "--contest", "ward-2"])
        .assert()
        .code(0);
}

#[test]
fn the_demo_ward_without_candidate_9() {
    let out = recount()
        .current_dir(audit_data())
        .args([
            "whatif",
            "demo-ward.blt",
            "--rules",
            "scottish-stv",
            "--withdraw",
            "Candidate 9",
        ])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    insta::assert_snapshot!(
        "whatif-demo-ward-withdraw-9",
        String::from_utf8(out).unwrap()
    );
}
