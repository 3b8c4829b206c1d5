//! `recount publish --meta`, the records it commits (roll, nominations,
//! turnout, declared result) and checks 10 and 11 of `recount verify`
//! (`specs/bundle.md` sections 7a and 8), through the binary: the rule of
//! the issue clause by clause, each finding naming the candidate and the
//! count found, and `--force` on every command that writes.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;

const DEMO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../audit-data/demo-ward.blt"
);

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

/// The women of the demo ward in these tests.
const WOMEN: [u32; 3] = [1, 4, 8];

/// A fixture: a key, and META with its record files for the demo ward.
struct Fixture {
    tmp: tempfile::TempDir,
    key: PathBuf,
}

impl Fixture {
    fn new() -> Fixture {
        let tmp = tempfile::tempdir().unwrap();
        let key = tmp.path().join("ro");
        recount()
            .args(["keygen", "--name", "ro.example/2026", "--out"])
            .arg(&key)
            .assert()
            .success();
        Fixture { tmp, key }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// Writes META (with `edit` applied to its JSON) and its records:
    /// candidates 1–9 each have 3 counted supporters, plus one nomination
    /// that does not count for each reason the rule names; candidate 10
    /// (kept off for too few) has 2.
    fn meta(&self, edit: impl FnOnce(&mut serde_json::Value)) -> PathBuf {
        // The roll, unsorted: the publisher sorts it.
        let roll: String = (1..=3000).rev().map(|m| format!("m{m:04}\n")).collect();
        fs::write(self.path("roll.csv"), roll).unwrap();
        let mut noms = Vec::new();
        for c in 1..=10u32 {
            let supporters = if c == 10 { 2 } else { 3 };
            for k in 0..supporters {
                let m = c * 7 + k;
                noms.push(format!("2026-05-0{}T10:00:00Z,m{m:04},{c},nominate", 2 + k));
            }
            // Each of these does not count: a repeat, a withdrawn one, one
            // after the deadline, one before vetting, one by a non-member.
            noms.push(format!("2026-05-09T10:00:00Z,m{:04},{c},nominate", c * 7));
            noms.push(format!(
                "2026-05-06T10:00:00Z,m{:04},{c},nominate",
                90 + c % 5
            ));
            noms.push(format!(
                "2026-05-07T10:00:00Z,m{:04},{c},withdraw",
                90 + c % 5
            ));
            noms.push(format!("2026-05-20T12:00:00Z,m{:04},{c},nominate", 80 + c));
            noms.push(format!("2026-04-30T10:00:00Z,m{:04},{c},nominate", 70 + c));
            noms.push(format!("2026-05-05T10:00:00Z,x{c:03},{c},nominate"));
        }
        noms.reverse();
        fs::write(self.path("nominations.csv"), noms.join("\n") + "\n").unwrap();
        let mut candidates: Vec<serde_json::Value> = (1..=9u32)
            .map(|c| {
                let gender = if WOMEN.contains(&c) { "woman" } else { "man" };
                serde_json::json!({
                    "id": c.to_string(),
                    "attributes": {"gender": gender},
                    "vetted": "2026-05-01T10:00:00Z",
                })
            })
            .collect();
        candidates.push(serde_json::json!({
            "id": "10", "name": "Kim LEE", "status": "insufficient-nominations",
            "attributes": {"gender": "woman"}, "vetted": "2026-05-01T10:00:00Z",
        }));
        candidates.push(serde_json::json!({
            "id": "11", "name": "Pat ROE", "status": "not-vetted",
        }));
        let mut meta = serde_json::json!({
            "format": "recount-meta/1",
            "title": "Demo ward 2026",
            "nomination": {"threshold": 3, "deadline": "2026-05-20T12:00:00Z"},
            "voting": {"opens": "2026-06-01T09:00:00Z", "closes": "2026-06-15T17:00:00Z"},
            "contests": [{
                "id": "demo-ward",
                "candidates": candidates,
                "constraints": [{"attribute": "gender", "value": "woman", "min": 2}],
                "roll": "roll.csv",
                "nominations": "nominations.csv",
                "turnout": {"links_sent": 2600, "papers": 2500, "blank": 0, "rejected": 7},
                "elected": ["9", "6", "7"],
            }],
        });
        edit(&mut meta);
        let path = self.path("meta.json");
        fs::write(&path, serde_json::to_vec_pretty(&meta).unwrap()).unwrap();
        path
    }

    fn publish(&self, meta: &Path, out: &str) -> assert_cmd::assert::Assert {
        recount()
            .arg("publish")
            .arg(DEMO)
            .args(["--rules", "scottish-stv", "--meta"])
            .arg(meta)
            .arg("--key")
            .arg(self.key.with_extension("key"))
            .arg("-o")
            .arg(self.path(out))
            .assert()
    }

    /// `verify --format json`: exit code, the checks that failed, the JSON.
    fn verify(&self, bundle: &str) -> (i32, Vec<u64>, serde_json::Value) {
        let out = recount()
            .arg("verify")
            .arg(self.path(bundle))
            .arg("--trust")
            .arg(self.key.with_extension("pub"))
            .args(["--format", "json"])
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let failed = json["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["outcome"] == "fail" || c["outcome"] == "not-run")
            .map(|c| c["number"].as_u64().unwrap())
            .collect();
        (out.status.code().unwrap(), failed, json)
    }

    fn messages(json: &serde_json::Value, check: u64) -> Vec<String> {
        json["checks"][check as usize - 1]["faults"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{}:{}: {}",
                    f["file"].as_str().unwrap(),
                    f["line"],
                    f["message"].as_str().unwrap()
                )
            })
            .collect()
    }
}

fn transcript(args: &[&str]) -> serde_json::Value {
    let out = recount()
        .arg("count")
        .args(args)
        .args(["--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut t: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    t.as_object_mut().unwrap().remove("input");
    t
}

#[test]
fn a_bundle_with_records_passes_all_eleven_checks_and_counts_with_its_constraints() {
    let f = Fixture::new();
    let meta = f.meta(|_| {});
    f.publish(&meta, "b").success();
    let (code, failed, json) = f.verify("b");
    assert_eq!((code, failed), (0, vec![]), "{json:#}");
    let outcomes: Vec<&str> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(outcomes, ["pass"; 11]);
    let tallies = &json["nominations"][0]["candidates"];
    // Candidate 1: 3 counted; the withdrawn, late, early and non-member
    // ones are tallied apart (the repeat is the same supporter).
    assert_eq!(
        tallies[0],
        serde_json::json!({"id": "1", "status": "standing", "supporters": 3, "withdrawn": 1,
            "late": 1, "before_vetting": 1, "not_on_roll": 1})
    );
    assert_eq!(tallies[9]["supporters"], 2);
    assert_eq!(tallies[10]["status"], "not-vetted");

    let text = recount()
        .arg("verify")
        .arg(f.path("b"))
        .arg("--trust")
        .arg(f.key.with_extension("pub"))
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains(
            "    demo-ward: 9, with 3 supporting nominations on the ballot; kept off for too few: 1, with 2\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("check 11 turnout: papers, blank papers and links sent as declared: pass")
    );

    // The records are committed as canonical files.
    let b = f.path("b");
    let roll = fs::read_to_string(b.join("roll/demo-ward.csv")).unwrap();
    assert!(roll.starts_with("m0001\nm0002\n"));
    let manifest = fs::read_to_string(b.join("MANIFEST")).unwrap();
    for file in [
        "nominations/demo-ward.csv",
        "result.json",
        "roll/demo-ward.csv",
        "turnout.json",
    ] {
        assert!(manifest.contains(&format!("  {file}\n")), "{manifest}");
    }
    let election = fs::read_to_string(b.join("election.json")).unwrap();
    assert!(election.contains("\"status\": \"insufficient-nominations\""));
    assert!(election.contains("\"threshold\": 3"));

    // The count of the bundle is the count of the source with the same
    // attributes and constraints given as files (the candidates kept off
    // the ballot are not in it).
    let attrs: String = std::iter::once("name,gender\n".to_owned())
        .chain((1..=9).map(|c| {
            let g = if WOMEN.contains(&c) { "woman" } else { "man" };
            format!("Candidate {c},{g}\n")
        }))
        .collect();
    fs::write(f.path("attributes.csv"), attrs).unwrap();
    fs::write(
        f.path("constraints.csv"),
        "attribute,value,min,max\ngender,woman,2,\n",
    )
    .unwrap();
    let trust = f.key.with_extension("pub");
    let of_bundle = transcript(&[b.to_str().unwrap(), "--trust", trust.to_str().unwrap()]);
    let mut of_source = transcript(&[
        DEMO,
        "--rules",
        "scottish-stv",
        "--attributes",
        f.path("attributes.csv").to_str().unwrap(),
        "--constraints",
        f.path("constraints.csv").to_str().unwrap(),
    ]);
    // Only the titles differ: META retitled the election.
    of_source["title"] = of_bundle["title"].clone();
    assert_eq!(of_bundle, of_source);
    assert!(of_bundle.to_string().contains("gender=woman"));
}

#[test]
fn a_candidate_on_the_ballot_with_too_few_nominations_fails_check_10_naming_the_count() {
    let f = Fixture::new();
    let meta = f.meta(|m| m["nomination"]["threshold"] = 4.into());
    // The bundle is published as the records are, and the finding is exit 1.
    f.publish(&meta, "b")
        .code(1)
        .stderr(contains("published, but its records fail the audit"))
        .stderr(contains(
            "candidate 1 (Candidate 1) is on the ballot with 3 supporting nominations; \
             the threshold is 4 (not counted: 1 withdrawn, 1 after the deadline, \
             1 before vetting, 1 by members not on the roll)",
        ));
    let (code, failed, json) = f.verify("b");
    assert_eq!((code, failed), (1, vec![10]));
    let m = Fixture::messages(&json, 10);
    assert_eq!(m.len(), 9, "{m:?}");
    assert!(m[0].starts_with("election.json:"), "{m:?}");
}

#[test]
fn a_candidate_kept_off_for_too_few_who_had_enough_fails_check_10() {
    let f = Fixture::new();
    let meta = f.meta(|m| m["nomination"]["threshold"] = 2.into());
    f.publish(&meta, "b").code(1);
    let (code, failed, json) = f.verify("b");
    assert_eq!((code, failed), (1, vec![10]));
    // The fault is at the candidate's id in election.json.
    let election = fs::read_to_string(f.path("b/election.json")).unwrap();
    let line = 1 + election
        .lines()
        .position(|l| l == "          \"id\": \"10\",")
        .unwrap();
    assert_eq!(
        Fixture::messages(&json, 10),
        [format!(
            "election.json:{line}: candidate 10 (Kim LEE) is marked insufficient-nominations, \
             but has 2 supporting nominations; the threshold is 2"
        )]
    );
}

#[test]
fn turnout_that_disagrees_with_the_papers_fails_check_11() {
    let f = Fixture::new();
    let meta = f.meta(|m| {
        m["contests"][0]["turnout"] =
            serde_json::json!({"links_sent": 2503, "papers": 2499, "blank": 1, "rejected": 7});
    });
    f.publish(&meta, "b").code(1);
    let (code, failed, json) = f.verify("b");
    assert_eq!((code, failed), (1, vec![11]));
    let m = Fixture::messages(&json, 11);
    assert_eq!(m.len(), 3, "{m:?}");
    assert!(m[0].contains("declared 2499 papers, but its ballots file has 2500"));
    assert!(m[1].contains("declared 1 blank papers, but its ballots file has 0"));
    assert!(m[2].contains("2500 papers and 7 rejected, more than the 2503 electors"));
}

#[test]
fn without_records_checks_10_and_11_are_not_applicable_and_say_why() {
    let f = Fixture::new();
    let meta = f.meta(|m| {
        let c = &mut m["contests"][0];
        for k in ["roll", "nominations", "turnout"] {
            c.as_object_mut().unwrap().remove(k);
        }
    });
    f.publish(&meta, "b").success();
    let (code, failed, json) = f.verify("b");
    assert_eq!((code, failed), (0, vec![]));
    assert_eq!(json["checks"][9]["outcome"], "not-applicable");
    assert!(
        json["checks"][9]["reason"]
            .as_str()
            .unwrap()
            .contains("no nomination records")
    );
    assert_eq!(json["checks"][10]["outcome"], "not-applicable");
}

#[test]
fn a_change_to_any_record_fails_the_digest_check() {
    let f = Fixture::new();
    f.publish(&f.meta(|_| {}), "b").success();
    let b = f.path("b");
    for file in [
        "nominations/demo-ward.csv",
        "roll/demo-ward.csv",
        "turnout.json",
        "result.json",
    ] {
        let good = fs::read(b.join(file)).unwrap();
        for at in [0, good.len() / 2, good.len() - 2] {
            let mut bad = good.clone();
            bad[at] = if bad[at] == b'1' { b'2' } else { b'1' };
            fs::write(b.join(file), &bad).unwrap();
            let (code, failed, _) = f.verify("b");
            assert_eq!(code, 1, "{file} byte {at}");
            assert!(failed.contains(&3), "{file} byte {at}: {failed:?}");
        }
        fs::write(b.join(file), &good).unwrap();
    }
    assert_eq!(f.verify("b").0, 0);
}

type Edit = Box<dyn Fn(&mut serde_json::Value)>;

#[test]
fn meta_that_does_not_fit_the_source_is_refused_with_exit_2() {
    let f = Fixture::new();
    let cases: Vec<(Edit, &str)> = vec![
        (
            Box::new(|m| m["contests"][0]["id"] = "north".into()),
            "META names contest \"north\", which the source does not have (it has demo-ward)",
        ),
        (
            Box::new(|m| m["contests"][0]["candidates"][9]["status"] = "standing".into()),
            "candidate 10 is not in the source, so not on the ballot paper",
        ),
        (
            Box::new(|m| m["contests"][0]["candidates"][0]["status"] = "not-vetted".into()),
            "candidate 1 is on the source's ballot paper",
        ),
        (
            Box::new(|m| m["voting"]["opens"] = "2026-06-01 09:00".into()),
            "is not a time in the form YYYY-MM-DDTHH:MM:SSZ",
        ),
        (
            Box::new(|m| m["contests"][0]["rol"] = "roll.csv".into()),
            "unknown field `rol`",
        ),
    ];
    for (edit, message) in cases {
        let meta = f.meta(edit);
        f.publish(&meta, "b").code(2).stderr(contains(message));
        assert!(!f.path("b").exists());
    }
    // A record file's fault names its line.
    let meta = f.meta(|_| {});
    fs::write(f.path("roll.csv"), "m0001\nm0002\nm0001\n").unwrap();
    f.publish(&meta, "b").code(2).stderr(contains(
        "roll.csv:3: member \"m0001\" again (first at line 1)",
    ));
}

#[test]
fn info_of_a_verified_bundle_shows_its_facts() {
    let f = Fixture::new();
    f.publish(&f.meta(|_| {}), "b").success();
    recount()
        .arg("info")
        .arg(f.path("b"))
        .arg("--trust")
        .arg(f.key.with_extension("pub"))
        .assert()
        .success()
        .stdout(contains("format:    recount-bundle/1"))
        .stdout(contains("bundle:    verified, signed by ro.example/2026"))
        .stdout(contains(
            "nomination: 3 supporting nominations before 2026-05-20T12:00:00Z",
        ))
        .stdout(contains(
            "contest demo-ward: kept off the ballot: Kim LEE (insufficient-nominations), Pat ROE (not-vetted)",
        ))
        .stdout(contains("records:   turnout.json, result.json"));
    // A damaged bundle is not described: exit 1.
    fs::write(f.path("b/turnout.json"), "{}\n").unwrap();
    recount()
        .arg("info")
        .arg(f.path("b"))
        .arg("--trust")
        .arg(f.key.with_extension("pub"))
        .assert()
        .code(1);
}

#[test]
fn force_replaces_a_bundle_or_a_file_and_nothing_else() {
    let f = Fixture::new();
    let key = f.key.with_extension("key");
    let publish = |out: &Path, rules: &str, force: bool| {
        let mut cmd = recount();
        cmd.arg("publish")
            .arg(DEMO)
            .args(["--rules", rules, "--key"])
            .arg(&key)
            .arg("-o")
            .arg(out);
        if force {
            cmd.arg("--force");
        }
        cmd.assert()
    };
    let b = f.path("b");
    publish(&b, "scottish-stv", false).success();
    publish(&b, "meek", false)
        .code(2)
        .stderr(contains("never overwrites without --force"));
    publish(&b, "meek", true).success();
    assert!(
        fs::read_to_string(b.join("rules.json"))
            .unwrap()
            .contains("meek")
    );
    // --force never replaces what is not a bundle.
    let other = f.path("photos");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("a.jpg"), "x").unwrap();
    publish(&other, "meek", true)
        .code(2)
        .stderr(contains("is not a bundle directory"));
    assert!(other.join("a.jpg").exists());

    // prove and attest refuse an existing file unless --force.
    let proof = f.path("proof");
    fs::write(&proof, "keep").unwrap();
    let prove = |force: bool| {
        let mut cmd = recount();
        cmd.arg("prove")
            .arg(&b)
            .args(["--contest", "demo-ward", "--paper", "0", "--trust"])
            .arg(f.key.with_extension("pub"))
            .arg("-o")
            .arg(&proof);
        if force {
            cmd.arg("--force");
        }
        cmd.assert()
    };
    prove(false)
        .code(2)
        .stderr(contains("exists; pass --force"));
    assert_eq!(fs::read_to_string(&proof).unwrap(), "keep");
    prove(true).success();
    assert!(
        fs::read_to_string(&proof)
            .unwrap()
            .starts_with("recount-proof/1\n")
    );
    let attestation = f.path("attestation");
    fs::write(&attestation, "keep").unwrap();
    let attest = |force: bool| {
        let mut cmd = recount();
        cmd.arg("attest")
            .arg(&b)
            .arg("--trust")
            .arg(f.key.with_extension("pub"))
            .arg("--key")
            .arg(&key)
            .arg("-o")
            .arg(&attestation);
        if force {
            cmd.arg("--force");
        }
        cmd.assert()
    };
    attest(false).code(2);
    attest(true).success();
    assert!(
        fs::read_to_string(&attestation)
            .unwrap()
            .starts_with("recount-attestation/1\n")
    );

    // keygen --force makes a new key, still private.
    let old = fs::read(&key).unwrap();
    recount()
        .args(["keygen", "--name", "ro.example/2026", "--out"])
        .arg(&f.key)
        .assert()
        .code(2);
    recount()
        .args(["keygen", "--name", "ro.example/2026", "--force", "--out"])
        .arg(&f.key)
        .assert()
        .success();
    assert_ne!(fs::read(&key).unwrap(), old);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(fs::metadata(&key).unwrap().permissions().mode() & 0o077, 0);
}

#[test]
fn convert_of_a_verified_bundle_keeps_its_facts_so_the_count_is_the_same() {
    let f = Fixture::new();
    f.publish(&f.meta(|_| {}), "b").success();
    let json = f.path("election.json");
    recount()
        .arg("convert")
        .arg(f.path("b"))
        .arg("--trust")
        .arg(f.key.with_extension("pub"))
        .args(["--to", "json", "-o"])
        .arg(&json)
        .assert()
        .success();
    let text = fs::read_to_string(&json).unwrap();
    assert!(text.contains("\"constraints\""), "{text}");
    assert!(!text.contains("Kim LEE"), "kept off the ballot: {text}");
    let trust = f.key.with_extension("pub");
    let b = f.path("b");
    assert_eq!(
        transcript(&[json.to_str().unwrap(), "--rules", "scottish-stv"]),
        transcript(&[b.to_str().unwrap(), "--trust", trust.to_str().unwrap()]),
    );
}
