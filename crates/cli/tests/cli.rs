//! The `recount` binary as a user meets it: exit codes, messages naming the
//! file and position, atomic output, and `info`/`convert` on real files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn demo() -> PathBuf {
    workspace().join("audit-data/demo-ward.blt")
}

/// First preferences counted straight from a plain BLT (one weight, then
/// candidate numbers, `0`-terminated, lone `0` ending the ballots) by a
/// scanner independent of the ballot crate.
fn first_preferences_by_hand(blt: &str) -> (usize, BTreeMap<usize, u64>, u64) {
    let mut lines = blt.lines();
    let header: Vec<usize> = lines
        .next()
        .unwrap()
        .split_whitespace()
        .map(|t| t.parse().unwrap())
        .collect();
    let mut fp = BTreeMap::new();
    let mut papers = 0;
    for line in lines {
        let nums: Vec<u64> = line
            .split_whitespace()
            .map(|t| t.parse().unwrap())
            .collect();
        if nums == [0] {
            break;
        }
        papers += nums[0];
        if nums[1] != 0 {
            *fp.entry(nums[1] as usize).or_insert(0) += nums[0];
        }
    }
    (header[0], fp, papers)
}

#[test]
fn every_command_has_help() {
    for cmd in [
        &["--help"][..],
        &["info", "--help"],
        &["convert", "--help"],
        &["count", "--help"],
        &["rules", "--help"],
        &["generate", "--help"],
    ] {
        recount()
            .args(cmd)
            .assert()
            .success()
            .stdout(predicate::str::contains("Usage: recount"));
    }
}

#[test]
fn bad_usage_exits_2() {
    recount().assert().code(2);
    recount().args(["info"]).assert().code(2);
    recount()
        .args(["convert", "x.blt", "--to", "xml"])
        .assert()
        .code(2);
    recount().args(["frobnicate"]).assert().code(2);
}

#[test]
fn info_reports_the_demo_election_as_counted_by_hand() {
    let text = std::fs::read_to_string(demo()).unwrap();
    let (candidates, fp, papers) = first_preferences_by_hand(&text);
    let out = recount()
        .args(["info", "--json"])
        .arg(demo())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["format"], "blt");
    let c = &v["contests"][0];
    assert_eq!(c["seats"], 3);
    assert_eq!(c["papers"], papers);
    assert_eq!(c["candidates"].as_array().unwrap().len(), candidates);
    for cand in c["candidates"].as_array().unwrap() {
        let n = cand["number"].as_u64().unwrap() as usize;
        assert_eq!(
            cand["first_preferences"].as_u64().unwrap(),
            fp.get(&n).copied().unwrap_or(0),
            "candidate {n}"
        );
    }
    recount().arg("info").arg(demo()).assert().success().stdout(
        predicate::str::contains("format:    BLT").and(predicate::str::contains(format!(
            "papers:            {papers}"
        ))),
    );
}

#[test]
fn a_missing_file_exits_3_naming_it() {
    recount()
        .args(["info", "no/such/file.blt"])
        .assert()
        .code(3)
        .stderr(predicate::str::starts_with(
            "recount: no/such/file.blt: cannot read",
        ));
}

#[test]
fn an_unrecognisable_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("mystery");
    std::fs::write(&f, "hello there\n").unwrap();
    recount()
        .arg("info")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass --input-format"));
}

#[test]
fn convert_round_trips_through_json_csv_and_blt() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("e.json");
    let csv = dir.path().join("e.csv");
    let blt = dir.path().join("e.blt");
    recount()
        .arg("convert")
        .arg(demo())
        .args(["--to", "json", "-o"])
        .arg(&json)
        .assert()
        .success();
    recount()
        .arg("convert")
        .arg(&json)
        .args(["--to", "csv", "-o"])
        .arg(&csv)
        .assert()
        .success();
    recount()
        .arg("convert")
        .arg(&csv)
        .args(["--to", "blt", "-o"])
        .arg(&blt)
        .assert()
        .success();
    let info = |p: &Path| {
        let out = recount()
            .args(["info", "--json"])
            .arg(p)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let mut v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        v["format"] = serde_json::Value::Null;
        // The bytes differ by format; what they describe must not.
        v["bytes"] = serde_json::Value::Null;
        v["sha256"] = serde_json::Value::Null;
        v["election"]["id"] = serde_json::Value::Null;
        v["contests"][0]["id"] = serde_json::Value::Null;
        v
    };
    assert_eq!(info(&demo()), info(&blt));
    // Canonical BLT is a fixed point of conversion.
    let again = dir.path().join("again.blt");
    recount()
        .arg("convert")
        .arg(&blt)
        .args(["--to", "blt", "-o"])
        .arg(&again)
        .assert()
        .success();
    assert_eq!(std::fs::read(&blt).unwrap(), std::fs::read(&again).unwrap());
}

#[test]
fn a_failed_convert_leaves_no_output_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.blt");
    std::fs::write(&bad, "3 1\n1 1 9 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n").unwrap();
    let out = dir.path().join("out.json");
    recount()
        .arg("convert")
        .arg(&bad)
        .args(["--to", "json", "-o"])
        .arg(&out)
        .assert()
        .code(2);
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("bad.blt")]);
}

#[test]
fn converting_an_existing_output_replaces_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.blt");
    std::fs::write(
        &out,
        "old contents that are much longer than nothing ".repeat(1000),
    )
    .unwrap();
    recount()
        .arg("convert")
        .arg(demo())
        .args(["--to", "blt", "-o"])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("9 3\n"), "{}", &text[..20]);
    assert!(!text.contains("old contents"));
}

#[test]
fn generate_is_reproducible_from_its_seed() {
    let run = |seed: &str| {
        recount()
            .args([
                "generate",
                "--candidates",
                "5",
                "--seats",
                "2",
                "--papers",
                "50",
                "--seed",
                seed,
            ])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(run("7"), run("7"));
    assert_ne!(run("7"), run("8"));
    recount()
        .args(["generate", "--candidates", "3", "--seats", "4"])
        .assert()
        .code(2);
}

/// Malformed ballot files through the binary: each gives exactly this report
/// on stderr and exit status 2, never a panic, and writes nothing.
#[test]
fn malformed_files_give_their_exact_error_and_exit_2() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "empty.blt",
            b"",
            "empty.blt:1:1: BLT error: expected the numbers of candidates and seats, found end of file",
        ),
        (
            "truncated.blt",
            b"3 2\n1 1 2 0\n",
            "truncated.blt:3:1: BLT error: expected a ballot or the 0 that ends the ballots, found end of file",
        ),
        (
            "few-names.blt",
            b"3 2\n1 1 2 0\n0\n\"A\"\n\"B\"\n\"T\"\n",
            "few-names.blt:7:1: BLT error: expected the election title, found end of file",
        ),
        (
            "bad-number.blt",
            b"3 2\n1 1 x 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n",
            "bad-number.blt:2:5: BLT error in ballot 1: expected a candidate number from 1 to 3, found \"x\"",
        ),
        (
            "no-end.blt",
            b"3 2\n1 1 2 0\n2 3 0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n",
            "no-end.blt:4:1: BLT error: expected a ballot or the 0 that ends the ballots, found \"\\\"A\\\"\"",
        ),
        (
            "huge.blt",
            b"3 2\n99999999999999999999 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n",
            "huge.blt:2:1: BLT error in ballot 1: expected a paper count below 2^64, found \"99999999999999999999\"",
        ),
        (
            "zero-seats.blt",
            b"3 0\n1 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n",
            "zero-seats.blt:1:3: BLT error: expected a number of seats from 1 to 3, found \"0\"",
        ),
        (
            "junk.blt",
            b"\x00\xff\xfe binary \x01\x02",
            "junk.blt:1:1: BLT error: expected a number of candidates from 1 to 65535, found",
        ),
        (
            "equal.blt",
            b"3 2\n1 1 2=3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n",
            "equal.blt:2:5: BLT error in ballot 1: expected a strict ranking, found candidates ranked equal \"2=3\"; set --equal-rankings end-at-tie",
        ),
        (
            "no-seats.soi",
            b"# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n3: 1,2\n",
            "PrefLib files do not record seats; pass --seats N",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, message) in cases {
        let f = dir.path().join(name);
        std::fs::write(&f, bytes).unwrap();
        let out = recount()
            .current_dir(dir.path())
            .args(["convert", name, "--to", "json", "-o", "out.json"])
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(
            stderr.starts_with("recount: ") && stderr.contains(message),
            "{name}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(!dir.path().join("out.json").exists(), "{name} wrote output");
    }
    // Every bad ballot is reported, each on its own line.
    let f = dir.path().join("range.blt");
    std::fs::write(&f, "3 2\n1 1 4 0\n2 3 7 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n").unwrap();
    recount().current_dir(dir.path()).args(["info", "range.blt"]).assert().code(2).stderr(
        "recount: range.blt:2:5: BLT error in ballot 1: expected a candidate number from 1 to 3, found \"4\"\n\
         recount: range.blt:3:5: BLT error in ballot 2: expected a candidate number from 1 to 3, found \"7\"\n",
    );
}

/// Parses a transcript decimal ("626.00000") into an exact integer of
/// 10^-places units, independently of the count crate.
fn units(s: &str, places: usize) -> i128 {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    assert!(frac.len() <= places, "{s}");
    let frac = format!("{frac:0<places$}");
    let neg = int.starts_with('-');
    let v: i128 = format!("{}{frac}", int.trim_start_matches('-'))
        .parse()
        .unwrap();
    if neg { -v } else { v }
}

#[test]
fn count_writes_a_transcript_that_conserves_votes_and_fills_the_seats() {
    for preset in ["scottish-stv", "ers97", "wigm", "uig", "egm"] {
        let run = || {
            recount()
                .arg("count")
                .arg(demo())
                .args(["--rules", preset, "--format", "json"])
                .assert()
                .success()
                .get_output()
                .stdout
                .clone()
        };
        let out = run();
        assert_eq!(
            out,
            run(),
            "{preset}: the same count twice gives the same bytes"
        );
        let t: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(t["format"], "recount-transcript/1");
        let c = &t["contests"][0];
        assert_eq!(c["rules"]["name"], preset);
        assert_eq!(c["elected"].as_array().unwrap().len(), 3, "{preset}");
        let places = c["valid_votes"]
            .as_str()
            .unwrap()
            .split_once('.')
            .map_or(0, |(_, f)| f.len());
        let valid = units(c["valid_votes"].as_str().unwrap(), places);
        for stage in c["stages"].as_array().unwrap() {
            let totals: i128 = stage["totals"]
                .as_object()
                .unwrap()
                .values()
                .map(|v| units(v.as_str().unwrap(), places))
                .sum();
            let rest = units(stage["exhausted"].as_str().unwrap(), places)
                + units(stage["loss_by_fraction"].as_str().unwrap(), places);
            assert_eq!(totals + rest, valid, "{preset} stage {}", stage["number"]);
        }
    }
}

#[test]
fn count_text_sheet_and_rules_listing() {
    recount()
        .arg("count")
        .arg(demo())
        .args(["--rules", "scottish-stv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Quota").and(predicate::str::contains("Elected:")));
    recount()
        .arg("count")
        .arg(demo())
        .args(["--rules", "no-such-rules"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("scottish-stv"));
    let listing = recount()
        .arg("rules")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let listing = String::from_utf8(listing).unwrap();
    for preset in ["scottish-stv", "ers97", "wigm", "uig", "egm", "irv"] {
        assert!(listing.contains(preset), "{listing}");
        let spec = workspace().join(format!("specs/rules/{preset}.md"));
        assert!(spec.is_file(), "{} is missing", spec.display());
        recount()
            .args(["rules", preset])
            .assert()
            .success()
            .stdout(predicate::str::contains("\"quota\""));
    }
}

/// A 3-seat ward of four candidates for the constraint files below.
const WARD: &str =
    "4 3\n5 1 2 0\n4 2 0\n3 3 0\n2 4 0\n0\n\"Ann\"\n\"Bea\"\n\"Cal\"\n\"Dev\"\n\"Ward\"\n";
const WARD_ATTRS: &str = "name,gender,bame\nAnn,woman,no\nBea,woman,no\nCal,man,yes\nDev,man,yes\n";

#[test]
fn bad_attribute_and_constraint_files_exit_2_at_their_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ward.blt"), WARD).unwrap();
    std::fs::write(dir.path().join("good.csv"), WARD_ATTRS).unwrap();
    // (attributes file, constraints file, expected stderr)
    let cases: [(&str, &str, &str); 4] = [
        (
            "name,gender\nAnn,woman\nZed,man\n",
            "attribute,value,min,max\ngender,woman,1,\n",
            "recount: attrs.csv:3:1: CSV error: expected the name of a candidate of the ballot file, found \"Zed\"\n",
        ),
        (
            WARD_ATTRS,
            "attribute,value,min,max\ngender,woman,2,1\n",
            "recount: cons.csv:2:4: CSV error: expected a max of at least the min 2, found 1\n",
        ),
        (
            WARD_ATTRS,
            "attribute,value,min,max\ngendr,woman,1,\n",
            "recount: cons.csv:2:1: CSV error: expected an attribute of the candidates of contest ward (bame, gender), found \"gendr\"\n",
        ),
        (
            WARD_ATTRS,
            "attribute,value,min,max\ngender,woman,1,\nbame,yes,x,\n",
            "recount: cons.csv:3:3: CSV error: expected a whole number of seats or nothing, found \"x\"\n",
        ),
    ];
    for (attrs, cons, want) in cases {
        std::fs::write(dir.path().join("attrs.csv"), attrs).unwrap();
        std::fs::write(dir.path().join("cons.csv"), cons).unwrap();
        recount()
            .current_dir(dir.path())
            .args(["count", "ward.blt", "--rules", "scottish-stv"])
            .args(["--attributes", "attrs.csv", "--constraints", "cons.csv"])
            .assert()
            .code(2)
            .stdout("")
            .stderr(want);
    }
}

#[test]
fn infeasible_constraints_exit_2_before_counting_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ward.blt"), WARD).unwrap();
    std::fs::write(dir.path().join("attrs.csv"), WARD_ATTRS).unwrap();
    // Each minimum can be met alone, not both: the BAME candidates are men.
    std::fs::write(
        dir.path().join("cons.csv"),
        "attribute,value,min,max\ngender,woman,2,\nbame,yes,2,\n",
    )
    .unwrap();
    recount()
        .current_dir(dir.path())
        .args(["count", "ward.blt", "--rules", "ers97"])
        .args(["--attributes", "attrs.csv", "--constraints", "cons.csv"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "recount: ward.blt: constraints: contest ward: no 3 candidates can meet together \
             constraint 1 (gender=woman: at least 2); constraint 2 (bame=yes: at least 2)\n",
        );
}

#[test]
fn momentum_2022_demo_counts_with_its_constraints() {
    let dir = workspace().join("audit-data/momentum-2022");
    let out = recount()
        .arg("count")
        .arg(dir.join("election.json"))
        .args(["--rules", "ers97", "--format", "json"])
        .arg("--attributes")
        .arg(dir.join("attributes.csv"))
        .arg("--constraints")
        .arg(dir.join("constraints.csv"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let t: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let contests = t["contests"].as_array().unwrap();
    assert_eq!(contests.len(), 8);
    assert_eq!(
        contests[0]["constraints"],
        serde_json::json!(["gender=woman: at least 3", "bame=yes: at least 2"])
    );
    // Scotland has no constraints, and its record says none.
    assert!(contests[6].get("constraints").is_none());

    // Reserved places: a record per count, each with its purpose.
    let out = recount()
        .arg("count")
        .arg(dir.join("election.json"))
        .args(["--rules", "ers97", "--format", "json"])
        .args(["--constraint-method", "reserved-places"])
        .arg("--attributes")
        .arg(dir.join("attributes.csv"))
        .arg("--constraints")
        .arg(dir.join("constraints.csv"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let t: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let first = &t["contests"][0];
    assert_eq!(first["contest"], "london-eastern");
    assert_eq!(first["purpose"], "gender=woman: at least 3");
    assert_eq!(first["rules"]["constraint_method"], "reserved-places");
}

/// `specs/limits.md`: past a limit the binary exits 2 with the file, the
/// position and the limit named, never a panic or an out-of-memory kill.
#[test]
fn limits_exit_2_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let max = u64::MAX;
    let cases = [
        (
            "too-many-candidates.blt",
            "65536 1\n0\n".to_string(),
            "too-many-candidates.blt:1:1: BLT error: expected a number of candidates from 1 to 65535, found \"65536\"",
        ),
        (
            "too-many-papers.blt",
            format!("3 1\n{max} 1 0\n2 2 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n"),
            "too-many-papers.blt:3:1: BLT error in ballot 2: expected a total of papers below 2^64, found 2 more papers, a total of 18446744073709551617",
        ),
        (
            "wide-header.blt",
            "65535 1000\n0\n".to_string(),
            "wide-header.blt:3:1: BLT error: expected the name of candidate 1 of 65535, found end of file",
        ),
    ];
    for (name, text, want) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        recount()
            .arg("info")
            .arg(&path)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(want));
    }
}

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

/// The transcript without its `rules` object (which carries the name).
fn without_rules(json: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    for c in v["contests"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("rules");
    }
    v
}

#[test]
fn a_rules_file_printed_by_recount_rules_counts_as_its_preset() {
    let dir = tempfile::tempdir().unwrap();
    for preset in ["scottish-stv", "ers97", "meek", "nz-meek"] {
        let file = dir.path().join(format!("{preset}.json"));
        std::fs::write(&file, stdout_of(recount().args(["rules", preset]))).unwrap();
        let count = |rules: &std::ffi::OsStr| {
            stdout_of(
                recount()
                    .arg("count")
                    .arg(demo())
                    .arg("--rules")
                    .arg(rules)
                    .args(["--format", "json"]),
            )
        };
        // Byte for byte: the file's rules are the preset's, name included.
        assert_eq!(count(file.as_os_str()), count(preset.as_ref()), "{preset}");
    }
}

#[test]
fn set_overrides_an_option_and_rules_set_prints_the_variant_as_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let printed =
        stdout_of(recount().args(["rules", "scottish-stv", "--set", "quota.divisor=seats"]));
    let v: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(v["quota"]["divisor"], "seats");
    assert_eq!(v["name"], "scottish-stv+quota.divisor=seats");
    let file = dir.path().join("hare.json");
    std::fs::write(&file, &printed).unwrap();
    let by_set = stdout_of(recount().arg("count").arg(demo()).args([
        "--rules",
        "scottish-stv",
        "--set",
        "quota.divisor=seats",
        "--format",
        "json",
    ]));
    let by_file = stdout_of(
        recount()
            .arg("count")
            .arg(demo())
            .arg("--rules")
            .arg(&file)
            .args(["--format", "json"]),
    );
    assert_eq!(by_set, by_file);
    // The Hare quota differs from Droop's: the override acted.
    let droop = stdout_of(recount().arg("count").arg(demo()).args([
        "--rules",
        "scottish-stv",
        "--format",
        "json",
    ]));
    let quota = |t: &str| without_rules(t)["contests"][0]["quota"].clone();
    assert_ne!(quota(&by_set), quota(&droop));
}

#[test]
fn bad_rules_files_and_set_values_exit_2_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let good = stdout_of(recount().args(["rules", "scottish-stv"]));
    let misspelt = dir.path().join("misspelt.json");
    std::fs::write(
        &misspelt,
        good.replace("\"zero_surplus\"", "\"zero_surplu\""),
    )
    .unwrap();
    let line = good
        .lines()
        .position(|l| l.contains("zero_surplus"))
        .unwrap()
        + 1;
    recount()
        .arg("count")
        .arg(demo())
        .arg("--rules")
        .arg(&misspelt)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains(format!("misspelt.json: line {line}: "))
                .and(predicate::str::contains(
                    "method.gregory.surplus.zero_surplu: unknown field `zero_surplu`",
                ))
                .and(predicate::str::contains("`zero_surplus`")),
        );
    let not_json = dir.path().join("not.json");
    std::fs::write(&not_json, "{\n  \"name\": \"x\",\n  oops\n}\n").unwrap();
    recount()
        .arg("count")
        .arg(demo())
        .arg("--rules")
        .arg(&not_json)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "not.json: line 3, column 3: not JSON",
        ));
    for (preset, set, says) in [
        (
            "scottish-stv",
            "quota.divisor=sixty",
            "quota.divisor: unknown variant `sixty`, expected `seats-plus-one` or `seats`",
        ),
        (
            "scottish-stv",
            "quota.divisr=seats",
            "quota.divisr: unknown field `divisr`",
        ),
        // An option of the other family.
        (
            "meek",
            "method.gregory.surplus.order=largest",
            "method has no option \"gregory\"",
        ),
        (
            "wigm",
            "method.gregory.surplus.transfer_value.rounding.places=6",
            "method.gregory.surplus.transfer_value.rounding.places is 6 places but the arithmetic holds 4",
        ),
        ("meek", "ties.chain=", "unknown variant ``"),
    ] {
        recount()
            .arg("count")
            .arg(demo())
            .args(["--rules", preset, "--set", set])
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::contains(says));
    }
    recount()
        .arg("count")
        .arg(demo())
        .args(["--rules", "no-such-rules"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "neither a rules preset nor a rules file",
        ));
}

/// Issue 9 bug 3: `-o` onto an input used to replace the ballot file with
/// the result, exit 0.
#[test]
fn issue_9_bug_3_an_output_onto_an_input_is_refused_and_the_input_kept() {
    let dir = tempfile::tempdir().unwrap();
    let ballots = dir.path().join("ward.blt");
    std::fs::copy(demo(), &ballots).unwrap();
    let before = std::fs::read(&ballots).unwrap();
    let link = dir.path().join("link.blt");
    std::os::unix::fs::symlink(&ballots, &link).unwrap();
    for out in [&ballots, &link] {
        recount()
            .arg("count")
            .arg(&ballots)
            .args(["--rules", "scottish-stv", "-o"])
            .arg(out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("refusing to overwrite"));
        recount()
            .arg("convert")
            .arg(&ballots)
            .args(["--to", "json", "-o"])
            .arg(out)
            .assert()
            .code(2);
    }
    // A rules file is an input too.
    let rules = dir.path().join("rules.json");
    std::fs::write(&rules, stdout_of(recount().args(["rules", "wigm"]))).unwrap();
    let rules_before = std::fs::read(&rules).unwrap();
    recount()
        .arg("count")
        .arg(&ballots)
        .arg("--rules")
        .arg(&rules)
        .arg("-o")
        .arg(&rules)
        .assert()
        .code(2);
    assert_eq!(std::fs::read(&ballots).unwrap(), before);
    assert_eq!(std::fs::read(&rules).unwrap(), rules_before);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 3, "nothing else written");
}

/// Issue 9 bug 4: outputs were 0600 whatever the umask, lost an existing
/// file's mode, and replaced a symbolic link by a plain file.
#[test]
fn issue_9_bug_4_outputs_follow_the_umask_keep_modes_and_write_through_links() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("recount");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for (umask, want) in [("022", 0o644), ("077", 0o600), ("002", 0o664)] {
        let out = dir.path().join(format!("new-{umask}.txt"));
        let status = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "umask {umask}; exec \"$0\" count \"$1\" --rules wigm -o \"$2\""
            ))
            .arg(&bin)
            .arg(demo())
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(mode(&out), want, "umask {umask}");
    }
    let existing = dir.path().join("existing.txt");
    std::fs::write(&existing, "old").unwrap();
    std::fs::set_permissions(&existing, std::fs::Permissions::from_mode(0o640)).unwrap();
    recount()
        .arg("count")
        .arg(demo())
        .args(["--rules", "wigm", "-o"])
        .arg(&existing)
        .assert()
        .success();
    assert_eq!(mode(&existing), 0o640);
    assert!(
        std::fs::read_to_string(&existing)
            .unwrap()
            .contains("Quota")
    );
    // Written through the link: the link stays, its target gets the sheet.
    let target = dir.path().join("target.txt");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("link.txt");
    std::os::unix::fs::symlink("target.txt", &link).unwrap();
    recount()
        .arg("count")
        .arg(demo())
        .args(["--rules", "wigm", "-o"])
        .arg(&link)
        .assert()
        .success();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(std::fs::read_to_string(&target).unwrap().contains("Quota"));
    // A missing folder is named, not a temporary file.
    recount()
        .arg("count")
        .arg(demo())
        .args(["--rules", "wigm", "-o"])
        .arg(dir.path().join("no-such-folder/out.txt"))
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("no such folder")
                .and(predicate::str::contains("no-such-folder"))
                .and(predicate::str::contains(".recount-").not()),
        );
    // `-o -` is standard output.
    recount()
        .arg("count")
        .arg(demo())
        .args(["--rules", "wigm", "-o", "-"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Quota"));
    assert!(!Path::new("-").exists());
}

/// Issue 9 bug 6: `convert` and `generate` exited 3 on a closed pipe while
/// `count` and `info` exited 0. Every command now ends quietly with 0.
#[test]
fn issue_9_bug_6_a_closed_pipe_ends_every_command_with_exit_0() {
    let bin = assert_cmd::cargo::cargo_bin("recount");
    let demo = demo();
    let demo = demo.to_str().unwrap();
    for args in [
        format!("count {demo} --rules wigm --format json"),
        format!("info {demo}"),
        format!("convert {demo} --to json"),
        "generate --papers 200000 --seed 1".to_string(),
    ] {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "set -o pipefail; \"$0\" {args} | head -c 1 > /dev/null"
            ))
            .arg(&bin)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{args}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Issue 9 bug 10: `info` on a PrefLib file refused without `--seats`; it
/// describes the file and says the seats are not recorded.
#[test]
fn issue_9_bug_10_info_describes_a_file_that_records_no_seats() {
    let dir = tempfile::tempdir().unwrap();
    let soi = dir.path().join("no-seats.soi");
    std::fs::write(
        &soi,
        "# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n3: 1,2\n2: 2\n",
    )
    .unwrap();
    recount().arg("info").arg(&soi).assert().success().stdout(
        predicate::str::contains("seats:             not recorded in the file")
            .and(predicate::str::contains("papers:            5")),
    );
    let json = stdout_of(recount().arg("info").arg(&soi).arg("--json"));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["contests"][0]["seats"].is_null(), "{json}");
    // Given, they are shown; counting still needs them.
    recount()
        .arg("info")
        .arg(&soi)
        .args(["--seats", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("seats:             1"));
    recount()
        .arg("count")
        .arg(&soi)
        .args(["--rules", "wigm"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass --seats N"));
}

/// Issue 9 bug 7: `--rules irv` on a several-seat contest gave a
/// meaningless count (a whole surplus "lost to rounding").
#[test]
fn issue_9_bug_7_a_single_winner_preset_is_refused_on_several_seats() {
    recount()
        .arg("count")
        .arg(demo())
        .args(["--rules", "irv", "-o", "/dev/null"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("3 seats, but --rules irv elects one")
                .and(predicate::str::contains("scottish-stv, ers97, wigm"))
                .and(predicate::str::contains(", irv").not()),
        );
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one.blt");
    std::fs::write(
        &one,
        "3 1\n4 1 0\n3 2 0\n2 3 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n",
    )
    .unwrap();
    recount()
        .arg("count")
        .arg(&one)
        .args(["--rules", "irv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Elected: A"));
    // More seats than standing candidates: counted, with a warning.
    let short = dir.path().join("short.blt");
    std::fs::write(
        &short,
        "3 3\n-3\n3 1 2 0\n2 2 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n",
    )
    .unwrap();
    recount()
        .arg("count")
        .arg(&short)
        .args(["--rules", "wigm"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "warning: contest short: 3 seats but 2 standing candidates",
        ));
}

/// Issue 9 bug 8: `--tie-order` split names on commas and applied one
/// order to every contest.
#[test]
fn issue_9_bug_8_tie_orders_take_whole_names_and_are_given_per_contest() {
    let dir = tempfile::tempdir().unwrap();
    let tied = dir.path().join("tied.blt");
    // Two candidates, one paper each, one seat: the exclusion is a tie
    // that no earlier stage separates; the order decides (the weakest,
    // last listed, goes).
    std::fs::write(
        &tied,
        "2 1\n1 1 0\n1 2 0\n0\n\"Smith, J\"\n\"Brown\"\n\"t\"\n",
    )
    .unwrap();
    let elected = |order: &[&str]| {
        let mut cmd = recount();
        cmd.arg("count")
            .arg(&tied)
            .args(["--rules", "scottish-stv"]);
        for name in order {
            cmd.args(["--tie-order", name]);
        }
        let out = stdout_of(&mut cmd);
        out.lines()
            .find_map(|l| l.strip_prefix("Elected: ").map(str::to_string))
            .unwrap()
    };
    assert_eq!(elected(&["Smith, J", "Brown"]), "Smith, J");
    assert_eq!(elected(&["Brown", "Smith, J"]), "Brown");
    // Per contest, by id.
    let mut cmd = recount();
    cmd.arg("count")
        .arg(&tied)
        .args(["--rules", "scottish-stv", "--tie-order-of", "tied=Brown"]);
    let out = stdout_of(&mut cmd);
    assert!(out.contains("Elected: Brown"), "{out}");
    // A name that is not a candidate, a contest the file does not have,
    // and one order for several contests are refused.
    recount()
        .arg("count")
        .arg(&tied)
        .args(["--rules", "scottish-stv", "--tie-order", "Smith"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "\"Smith\", who is not a candidate",
        ));
    recount()
        .arg("count")
        .arg(&tied)
        .args(["--rules", "scottish-stv", "--tie-order-of", "ward9=Brown"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "\"ward9\", which the election does not have",
        ));
    let momentum = workspace().join("audit-data/momentum-2022/election.json");
    recount()
        .arg("count")
        .arg(&momentum)
        .args(["--rules", "ers97", "--tie-order", "Anyone"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "give each its order with --tie-order-of",
        ));
}

/// `info` names the file by its size and SHA-256 over every byte, though
/// the BLT reader streams the file and stops before the notes after the
/// title: from a path and from standard input alike, on a file larger than
/// the reader's window.
#[test]
fn info_identifies_a_streamed_file_by_all_its_bytes() {
    let mut blt = String::from("3 2\n");
    while blt.len() < 3 << 20 {
        blt.push_str("2 1 3 0\n1 2 0\n4 3 1 2 0\n");
    }
    blt.push_str("0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n\nnotes the reader never reads\n");
    let dir = std::env::temp_dir().join(format!("recount-stream-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("big.blt");
    std::fs::write(&path, &blt).unwrap();
    let want = bundle::manifest::sha256_hex(blt.as_bytes());
    let by_path = recount()
        .args(["info", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    let by_stdin = recount()
        .args(["info", "--json", "-"])
        .write_stdin(blt.clone())
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    for out in [by_path, by_stdin] {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["bytes"], blt.len() as u64);
        assert_eq!(v["sha256"], want.as_str());
    }
}

#[test]
fn sequential_irv_counts_several_seats_with_a_single_winner_preset() {
    // Issue 15: sequential multi-winner IRV, a pass a seat
    // (crates/count/tests/sequential.rs works the example by hand).
    let blt = "3 2\n40 1 3 0\n31 2 3 0\n20 3 2 0\n9 3 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"Passes\"\n";
    recount()
        .args(["count", "-", "--rules", "irv"])
        .write_stdin(blt)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--set passes=one-per-seat"));
    let out = recount()
        .args([
            "count",
            "-",
            "--rules",
            "irv",
            "--set",
            "passes=one-per-seat",
            "--format",
            "json",
        ])
        .write_stdin(blt)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(t["contests"][0]["elected"], serde_json::json!(["B"]));
    assert_eq!(t["contests"][1]["elected"], serde_json::json!(["C"]));
    assert_eq!(t["contests"][1]["purpose"], "seat 2 of 2, 1 withdrawn");
}

#[test]
fn papers_kept_with_equal_rankings_count_under_meek_split_and_are_refused_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let blt = dir.path().join("eq.blt");
    std::fs::write(
        &blt,
        "3 1\n2 1=2 0\n3 3 0\n2 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n",
    )
    .unwrap();
    // Without `keep` the tie is refused at reading, naming the option.
    recount()
        .args(["count"])
        .arg(&blt)
        .args(["--rules", "meek"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("candidates ranked equal"));
    // Kept, a rule that cannot split them refuses the contest.
    for rules in ["meek", "wigm"] {
        recount()
            .args(["count"])
            .arg(&blt)
            .args(["--equal-rankings", "keep", "--rules", rules])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("2 papers rank candidates equal"))
            .stderr(predicate::str::contains("equal_preferences=split"));
    }
    // Split: A and B share the two tied papers (A 3, B 1, C 3 of 7, quota
    // 3.500000001); B is defeated and its halves go to A, who is elected.
    // Read with end-at-tie those two papers are blank and C wins 3 to 2.
    let out = recount()
        .args(["count"])
        .arg(&blt)
        .args(["--equal-rankings", "keep", "--rules", "meek"])
        .args(["--set", "method.iterative.equal_preferences=split"])
        .args(["--format", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let t: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let c = &t["contests"][0];
    assert_eq!(c["stages"][0]["totals"]["A"], "3.000000000");
    assert_eq!(c["stages"][0]["totals"]["B"], "1.000000000");
    assert_eq!(c["elected"], serde_json::json!(["A"]));
}
