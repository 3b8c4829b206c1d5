//! `recount keygen`, `publish`, `sign` and `verify` through the binary,
//! with the bundle on disk: what they write, what they refuse, and which
//! numbered check each kind of damage fails (`specs/bundle.md` section 8).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command as Std;

use assert_cmd::Command;

const DEMO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../audit-data/demo-ward.blt"
);

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

fn keygen(dir: &Path, name: &str, prefix: &str) -> PathBuf {
    recount()
        .args(["keygen", "--name", name, "--out"])
        .arg(dir.join(prefix))
        .assert()
        .success();
    dir.join(prefix)
}

fn publish(source: &Path, key: &Path, out: &Path) {
    recount()
        .arg("publish")
        .arg(source)
        .args(["--rules", "scottish-stv", "--key"])
        .arg(key.with_extension("key"))
        .arg("-o")
        .arg(out)
        .assert()
        .success();
}

/// A demo-ward bundle signed by one fresh key: (temp dir, bundle, key prefix).
fn demo() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let key = keygen(tmp.path(), "ro.example/2026", "ro");
    let bundle = tmp.path().join("bundle");
    publish(Path::new(DEMO), &key, &bundle);
    (tmp, bundle, key)
}

/// `recount verify --format json`: the exit code and the numbers of the
/// checks that did not pass.
fn verify(bundle: &Path, trust: &[PathBuf], require: usize) -> (i32, Vec<u64>, String) {
    let mut cmd = recount();
    cmd.arg("verify").arg(bundle).arg("--trust");
    for t in trust {
        cmd.arg(t.with_extension("pub"));
    }
    cmd.args(["--require", &require.to_string(), "--format", "json"]);
    let out = cmd.output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let failed = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["outcome"] != "pass" && c["outcome"] != "not-applicable")
        .map(|c| c["number"].as_u64().unwrap())
        .collect();
    (
        out.status.code().unwrap(),
        failed,
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// `recount verify` in text form: exit code and stdout.
fn verify_text(bundle: &Path, key: &Path) -> (i32, String) {
    let out = recount()
        .arg("verify")
        .arg(bundle)
        .arg("--trust")
        .arg(key.with_extension("pub"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for sub in ["", "ballots/"] {
        let mut names: Vec<_> = fs::read_dir(dir.join(sub))
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().unwrap().is_file())
            .map(|e| format!("{sub}{}", e.file_name().to_str().unwrap()))
            .collect();
        names.sort();
        for n in names {
            let bytes = fs::read(dir.join(&n)).unwrap();
            out.push((n, bytes));
        }
    }
    out
}

fn have(tool: &str) -> bool {
    let found = Std::new(tool).arg("--version").output().is_ok();
    if !found {
        eprintln!("!!!!!!!! SKIPPED: {tool} not found !!!!!!!!");
    }
    found
}

#[test]
fn keygen_writes_a_0600_key_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let prefix = keygen(tmp.path(), "ro.example/2026", "ro");
    let key = prefix.with_extension("key");
    let mode = fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let pem = fs::read_to_string(&key).unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    let public = fs::read_to_string(prefix.with_extension("pub")).unwrap();
    assert!(public.starts_with("ro.example/2026+") && public.ends_with('\n'));

    let before = fs::read(&key).unwrap();
    recount()
        .args(["keygen", "--name", "other", "--out"])
        .arg(&prefix)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("ro.key: exists"));
    assert_eq!(fs::read(&key).unwrap(), before);
    // Two keys are two keys.
    let second = keygen(tmp.path(), "ro.example/2026", "ro2");
    assert_ne!(fs::read(second.with_extension("key")).unwrap(), before);
}

#[test]
fn publish_then_verify_passes_on_the_demo_ward() {
    let (_tmp, bundle, key) = demo();
    let names: Vec<String> = files(&bundle).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "MANIFEST",
            "election.json",
            "rules.json",
            "statement",
            "ballots/demo-ward.csv"
        ]
    );
    let (code, failed, _) = verify(&bundle, std::slice::from_ref(&key), 1);
    assert_eq!((code, failed), (0, vec![]));
    let (code, text) = verify_text(&bundle, &key);
    assert_eq!(code, 0);
    assert_eq!(text.matches(": pass\n").count(), 9, "{text}");
    assert!(
        text.ends_with("valid: signed by ro.example/2026\n"),
        "{text}"
    );

    // The rules are what `recount rules` prints; the ballots a line a paper.
    let rules = recount()
        .args(["rules", "scottish-stv"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(fs::read(bundle.join("rules.json")).unwrap(), rules);
    let ballots = fs::read_to_string(bundle.join("ballots/demo-ward.csv")).unwrap();
    assert_eq!(ballots.lines().count(), 2500);
    let statement = fs::read_to_string(bundle.join("statement")).unwrap();
    assert!(
        statement.contains("\ncontest demo-ward 2500 "),
        "{statement}"
    );
}

#[test]
fn publish_then_verify_passes_on_a_real_scottish_ward() {
    let Some(data) = recount_testkit::shared_data() else {
        return;
    };
    let ward = data.join("scot-elex/blt_files/10_cands/edinburgh_2017_ward1.blt");
    assert!(ward.is_file(), "{}", ward.display());
    let tmp = tempfile::tempdir().unwrap();
    let key = keygen(tmp.path(), "ro", "ro");
    let bundle = tmp.path().join("ward1");
    publish(&ward, &key, &bundle);
    let (code, failed, _) = verify(&bundle, std::slice::from_ref(&key), 1);
    assert_eq!((code, failed), (0, vec![]));
    assert_eq!(
        transcript(&bundle, None, Some(&key)),
        transcript(&ward, Some("scottish-stv"), None)
    );
}

#[test]
fn publishing_twice_is_byte_identical() {
    let (tmp, bundle, key) = demo();
    let again = tmp.path().join("again");
    publish(Path::new(DEMO), &key, &again);
    assert_eq!(files(&bundle), files(&again));
}

#[test]
fn publish_never_overwrites_a_directory() {
    let (_tmp, bundle, key) = demo();
    let before = files(&bundle);
    recount()
        .arg("publish")
        .arg(DEMO)
        .args(["--rules", "meek", "--key"])
        .arg(key.with_extension("key"))
        .arg("-o")
        .arg(&bundle)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "exists; publish never overwrites",
        ));
    assert_eq!(files(&bundle), before);
}

#[test]
fn sha256sum_checks_the_manifest() {
    if !have("sha256sum") {
        return;
    }
    let (_tmp, bundle, _) = demo();
    let out = Std::new("sha256sum")
        .args(["--check", "--strict", "MANIFEST"])
        .current_dir(&bundle)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn openssl_alone_verifies_the_statement_signature() {
    if !have("openssl") {
        return;
    }
    let (tmp, bundle, key) = demo();
    let dir = tmp.path();
    let public = Std::new("openssl")
        .args(["pkey", "-pubout", "-in"])
        .arg(key.with_extension("key"))
        .arg("-out")
        .arg(dir.join("pub.pem"))
        .status()
        .unwrap();
    assert!(public.success());
    let statement = fs::read_to_string(bundle.join("statement")).unwrap();
    let (body, sigs) = statement.split_once("\n\n").unwrap();
    fs::write(dir.join("body"), format!("{body}\n")).unwrap();
    use base64::Engine as _;
    let b64 = sigs.trim_end().rsplit(' ').next().unwrap();
    let raw = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    assert_eq!(raw.len(), 68);
    fs::write(dir.join("sig"), &raw[4..]).unwrap();
    let ok = Std::new("openssl")
        .args(["pkeyutl", "-verify", "-pubin", "-rawin", "-inkey"])
        .arg(dir.join("pub.pem"))
        .arg("-in")
        .arg(dir.join("body"))
        .arg("-sigfile")
        .arg(dir.join("sig"))
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    // And it refuses a changed body.
    fs::write(
        dir.join("body"),
        format!("{body}\n").replace("demo-ward", "demo-warf"),
    )
    .unwrap();
    let bad = Std::new("openssl")
        .args(["pkeyutl", "-verify", "-pubin", "-rawin", "-inkey"])
        .arg(dir.join("pub.pem"))
        .arg("-in")
        .arg(dir.join("body"))
        .arg("-sigfile")
        .arg(dir.join("sig"))
        .output()
        .unwrap();
    assert!(!bad.status.success());
}

/// Byte positions to change in a file of `len` bytes: the ends and a spread.
fn sample(len: usize) -> Vec<usize> {
    let mut at: Vec<usize> = (0..6).map(|i| i * len / 6).collect();
    at.extend([1, len / 2 + 1, len - 2, len - 1]);
    at.retain(|&i| i < len);
    at.sort_unstable();
    at.dedup();
    at
}

#[test]
fn any_single_byte_change_fails_the_check_that_covers_it() {
    let (_tmp, bundle, key) = demo();
    for (name, original) in files(&bundle) {
        let path = bundle.join(&name);
        for at in sample(original.len()) {
            let mut changed = original.clone();
            changed[at] ^= 0x01;
            fs::write(&path, &changed).unwrap();
            let (code, failed, report) = verify(&bundle, std::slice::from_ref(&key), 1);
            let expected: &[u64] = match name.as_str() {
                // The statement's manifest line commits to MANIFEST's bytes.
                "MANIFEST" => &[5],
                // The body is signed; so is everything a signature line holds.
                "statement" => &[4, 8],
                _ => &[3],
            };
            assert_eq!(code, 1, "{name} byte {at}: {report}");
            assert!(
                expected.iter().any(|n| failed.contains(n)),
                "{name} byte {at}: expected check {expected:?} to fail, failed {failed:?}"
            );
        }
        fs::write(&path, &original).unwrap();
    }
    assert_eq!(verify(&bundle, &[key], 1).0, 0);
}

/// A kind of damage: its name, how to do and undo it, the check that
/// fails and the fault it prints.
type Damage = (
    &'static str,
    Box<dyn Fn()>,
    Box<dyn Fn()>,
    u64,
    &'static str,
);

#[test]
fn each_kind_of_damage_names_the_file_and_line() {
    let (_tmp, bundle, key) = demo();
    let ballots = bundle.join("ballots/demo-ward.csv");
    let original = fs::read_to_string(&ballots).unwrap();
    let mut cases: Vec<Damage> = Vec::new();
    let b = ballots.clone();
    let o = original.clone();
    let restore = move || fs::write(&b, &o).unwrap();
    let crlf = {
        let (b, o) = (ballots.clone(), original.clone());
        move || fs::write(&b, o.replacen('\n', "\r\n", 3).replacen("\r\n", "\n", 2)).unwrap()
    };
    cases.push((
        "CRLF",
        Box::new(crlf),
        Box::new(restore.clone()),
        2,
        "ballots/demo-ward.csv:3: CR byte",
    ));
    let bom = {
        let (b, o) = (ballots.clone(), original.clone());
        move || fs::write(&b, format!("\u{feff}{o}")).unwrap()
    };
    cases.push((
        "BOM",
        Box::new(bom),
        Box::new(restore.clone()),
        2,
        "ballots/demo-ward.csv:1: byte-order mark",
    ));
    let unsorted = {
        let (b, o) = (ballots.clone(), original.clone());
        move || {
            let mut lines: Vec<&str> = o.lines().collect();
            let last = lines.pop().unwrap();
            lines.insert(1, last);
            fs::write(&b, format!("{}\n", lines.join("\n"))).unwrap()
        }
    };
    cases.push((
        "unsorted",
        Box::new(unsorted),
        Box::new(restore.clone()),
        2,
        "ballots/demo-ward.csv:3: not sorted",
    ));
    let extra = bundle.join("notes.txt");
    let (e1, e2) = (extra.clone(), extra.clone());
    cases.push((
        "extra file",
        Box::new(move || fs::write(&e1, "hello\n").unwrap()),
        Box::new(move || fs::remove_file(&e2).unwrap()),
        1,
        "notes.txt: not listed in MANIFEST",
    ));
    let link = bundle.join("ballots/other.csv");
    let (l1, l2) = (link.clone(), link.clone());
    cases.push((
        "symlink",
        Box::new(move || std::os::unix::fs::symlink("demo-ward.csv", &l1).unwrap()),
        Box::new(move || fs::remove_file(&l2).unwrap()),
        1,
        "ballots/other.csv: a symlink",
    ));
    let rules = bundle.join("rules.json");
    let saved = fs::read(&rules).unwrap();
    let (r1, r2) = (rules.clone(), rules.clone());
    cases.push((
        "missing file",
        Box::new(move || fs::remove_file(&r1).unwrap()),
        Box::new(move || fs::write(&r2, &saved).unwrap()),
        1,
        "rules.json: missing",
    ));
    for (what, damage, repair, check, message) in cases {
        damage();
        let (code, text) = verify_text(&bundle, &key);
        assert_eq!(code, 1, "{what}: {text}");
        assert!(
            text.contains(&format!("check {check} ")) && text.contains(message),
            "{what}: expected {message:?} under check {check}:\n{text}"
        );
        let failing = text
            .lines()
            .find(|l| l.starts_with(&format!("check {check} ")))
            .unwrap();
        assert!(failing.ends_with("FAIL"), "{what}: {failing}");
        repair();
        assert_eq!(verify_text(&bundle, &key).0, 0, "{what} repaired");
    }
}

#[test]
fn require_two_is_not_met_by_one_key_under_two_names() {
    let (_tmp, bundle, key) = demo();
    // The second name's signature is made with the library: `recount sign`
    // refuses a key that has already signed.
    let pem = fs::read_to_string(key.with_extension("key")).unwrap();
    let secret = bundle::keys::SigningKey::from_pkcs8_pem(&pem).unwrap();
    let alias = secret.signer(bundle::keys::KeyName::new("ro-alias").unwrap());
    let alias_pub = key.with_file_name("alias.pub");
    fs::write(&alias_pub, format!("{}\n", alias.verifier_key())).unwrap();
    let path = bundle.join("statement");
    let note = bundle::note::Note::parse(&fs::read(&path).unwrap()).unwrap();
    let twice = bundle::note::sign(&note, &alias).unwrap();
    fs::write(&path, twice.to_text()).unwrap();
    let trust = [key.clone(), alias_pub.with_extension("")];
    assert_eq!(verify(&bundle, &trust, 1).0, 0);
    let (code, failed, report) = verify(&bundle, &trust, 2);
    assert_eq!((code, failed), (1, vec![8]), "{report}");
    assert!(
        report.contains("1 distinct trusted keys signed, 2 required"),
        "{report}"
    );
}

#[test]
fn sign_adds_a_second_signature_and_require_two_then_passes() {
    let (tmp, bundle, key) = demo();
    let observer = keygen(tmp.path(), "observer.example/alice", "alice");
    let both = [key.clone(), observer.clone()];
    assert_eq!(verify(&bundle, &both, 2).1, vec![8]);
    recount()
        .arg("sign")
        .arg(&bundle)
        .arg("--key")
        .arg(observer.with_extension("key"))
        .assert()
        .success();
    let statement = fs::read_to_string(bundle.join("statement")).unwrap();
    assert_eq!(statement.matches("\n— ").count(), 2, "{statement}");
    let (code, failed, report) = verify(&bundle, &both, 2);
    assert_eq!((code, failed), (0, vec![]), "{report}");
    // Only the observer trusted: one signer, enough for --require 1.
    assert_eq!(verify(&bundle, std::slice::from_ref(&observer), 1).0, 0);
    // A key signs once, under its own name or another.
    for name in [None, Some("alice-again")] {
        let mut cmd = recount();
        cmd.arg("sign")
            .arg(&bundle)
            .arg("--key")
            .arg(observer.with_extension("key"));
        if let Some(n) = name {
            cmd.args(["--key-name", n]);
        }
        cmd.assert()
            .code(2)
            .stderr(predicates::str::contains("already signed"));
    }
    assert_eq!(
        fs::read_to_string(bundle.join("statement")).unwrap(),
        statement
    );
}

#[test]
fn sign_refuses_a_damaged_bundle() {
    let (tmp, bundle, _) = demo();
    let observer = keygen(tmp.path(), "observer", "obs");
    fs::write(bundle.join("ballots/demo-ward.csv"), "1\n").unwrap();
    let before = fs::read(bundle.join("statement")).unwrap();
    recount()
        .arg("sign")
        .arg(&bundle)
        .arg("--key")
        .arg(observer.with_extension("key"))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("check 3"));
    assert_eq!(fs::read(bundle.join("statement")).unwrap(), before);
}

#[test]
fn verify_exits_2_for_no_bundle_or_a_bad_trust_key() {
    let (tmp, bundle, key) = demo();
    recount()
        .arg("verify")
        .arg(tmp.path().join("nowhere"))
        .arg("--trust")
        .arg(key.with_extension("pub"))
        .assert()
        .code(2);
    recount()
        .arg("verify")
        .arg(tmp.path())
        .arg("--trust")
        .arg(key.with_extension("pub"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no bundle here"));
    fs::write(tmp.path().join("bad.pub"), "not a key\n").unwrap();
    recount()
        .arg("verify")
        .arg(&bundle)
        .arg("--trust")
        .arg(tmp.path().join("bad.pub"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.pub"));
    // A trusted key that did not sign: a failed check, not bad input.
    let other = keygen(tmp.path(), "other", "other");
    assert_eq!(verify(&bundle, &[other], 1).1, vec![8]);
}

/// `recount count --format json` of `source` (a file, or a bundle with
/// `trust`), without the `input` record, which names what was read.
fn transcript(source: &Path, rules: Option<&str>, trust: Option<&Path>) -> serde_json::Value {
    let mut cmd = recount();
    cmd.arg("count").arg(source).args(["--format", "json"]);
    if let Some(r) = rules {
        cmd.args(["--rules", r]);
    }
    if let Some(t) = trust {
        cmd.arg("--trust").arg(t.with_extension("pub"));
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let input = v.as_object_mut().unwrap().remove("input").unwrap();
    if trust.is_some() {
        assert_eq!(input["format"], "recount-bundle/1");
        let manifest = fs::read(source.join("MANIFEST")).unwrap();
        assert_eq!(input["bytes"], manifest.len());
    }
    v
}

#[test]
fn counting_a_verified_bundle_equals_counting_its_source() {
    let (_tmp, bundle, key) = demo();
    let direct = transcript(Path::new(DEMO), Some("scottish-stv"), None);
    // The bundle's own rules, then --rules in their place.
    assert_eq!(transcript(&bundle, None, Some(&key)), direct);
    assert_eq!(
        transcript(&bundle, Some("meek"), Some(&key)),
        transcript(Path::new(DEMO), Some("meek"), None)
    );
    // A bundle that fails a check is not counted.
    fs::write(bundle.join("ballots/demo-ward.csv"), "1\n").unwrap();
    recount()
        .arg("count")
        .arg(&bundle)
        .arg("--trust")
        .arg(key.with_extension("pub"))
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicates::str::contains("check 3: ballots/demo-ward.csv"));
    // Without --trust or --rules, nothing to count with.
    recount()
        .arg("count")
        .arg(DEMO)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--rules PRESET|FILE is required"));
}

/// Seven papers, each a different line, so no two leaves hash alike and a
/// moved index cannot land on an equal neighbour.
const SMALL: &str = "3 1\n1 1 2 3 0\n1 1 3 0\n1 2 0\n1 2 1 0\n1 3 0\n1 3 2 1 0\n1 2 3 0\n0\n\"Ann\"\n\"Bob\"\n\"Cy\"\n\"Small\"\n";

/// A bundle of SMALL signed by one fresh key: (temp dir, bundle, key prefix).
fn small() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let source = tmp.path().join("small.blt");
    fs::write(&source, SMALL).unwrap();
    let key = keygen(tmp.path(), "ro.example/2026", "ro");
    let bundle = tmp.path().join("bundle");
    publish(&source, &key, &bundle);
    (tmp, bundle, key)
}

/// The one contest id of a bundle (the name of its one ballots file).
fn only_contest(bundle: &Path) -> String {
    let names: Vec<String> = fs::read_dir(bundle.join("ballots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 1);
    names[0].strip_suffix(".csv").unwrap().to_owned()
}

fn prove(bundle: &Path, contest: &str, paper: u64, trust: &Path, out: &Path) {
    recount()
        .arg("prove")
        .arg(bundle)
        .args([
            "--contest",
            contest,
            "--paper",
            &paper.to_string(),
            "--trust",
        ])
        .arg(trust.with_extension("pub"))
        .arg("-o")
        .arg(out)
        .assert()
        .success();
}

/// `recount check-proof`: exit code and standard error.
fn check_proof(proof: &Path, statement: &Path, trust: &Path) -> (i32, String) {
    let out = recount()
        .arg("check-proof")
        .arg(proof)
        .arg("--statement")
        .arg(statement)
        .arg("--trust")
        .arg(trust.with_extension("pub"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_proof_of_every_paper_of_a_small_bundle_checks() {
    let (tmp, bundle, key) = small();
    let contest = only_contest(&bundle);
    let ballots =
        fs::read_to_string(bundle.join("ballots").join(format!("{contest}.csv"))).unwrap();
    let lines: Vec<&str> = ballots.lines().collect();
    assert_eq!(lines.len(), 7);
    for (i, line) in lines.iter().enumerate() {
        let proof = tmp.path().join(format!("p{i}"));
        prove(&bundle, &contest, i as u64, &key, &proof);
        let text = fs::read_to_string(&proof).unwrap();
        assert!(text.starts_with("recount-proof/1\nstatement "), "{text}");
        assert!(text.contains(&format!(
            "\ncontest {contest}\nindex {i}\nsize 7\nleaf {line}\npath "
        )));
        let (code, err) = check_proof(&proof, &bundle.join("statement"), &key);
        assert_eq!(code, 0, "paper {i}: {err}");
    }
}

#[test]
fn a_proof_still_checks_after_a_co_signature() {
    let (tmp, bundle, key) = small();
    let contest = only_contest(&bundle);
    let proof = tmp.path().join("p");
    prove(&bundle, &contest, 2, &key, &proof);
    let observer = keygen(tmp.path(), "observer.example/alice", "alice");
    recount()
        .arg("sign")
        .arg(&bundle)
        .arg("--key")
        .arg(observer.with_extension("key"))
        .assert()
        .success();
    assert_eq!(
        check_proof(&proof, &bundle.join("statement"), &observer).0,
        0
    );
}

#[test]
fn proofs_are_byte_identical_when_made_twice() {
    let (tmp, bundle, key) = small();
    let contest = only_contest(&bundle);
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    prove(&bundle, &contest, 4, &key, &a);
    prove(&bundle, &contest, 4, &key, &b);
    assert_eq!(fs::read(a).unwrap(), fs::read(b).unwrap());
}

#[test]
fn a_tampered_proof_or_statement_is_refused_naming_what_failed() {
    let (tmp, bundle, key) = small();
    let contest = only_contest(&bundle);
    let proof = tmp.path().join("p");
    prove(&bundle, &contest, 2, &key, &proof);
    let good = fs::read_to_string(&proof).unwrap();
    let statement = bundle.join("statement");
    let other_leaf = fs::read_to_string(bundle.join("ballots").join(format!("{contest}.csv")))
        .unwrap()
        .lines()
        .nth(3)
        .unwrap()
        .to_owned();
    let leaf_line = good.lines().nth(5).unwrap().to_owned();
    let path_line = good.lines().nth(6).unwrap().to_owned();
    let mut flipped = path_line.clone().into_bytes();
    let last = flipped.len() - 1;
    flipped[last] = if flipped[last] == b'0' { b'1' } else { b'0' };
    let flipped = String::from_utf8(flipped).unwrap();
    let statement_line = good.lines().nth(1).unwrap().to_owned();
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "leaf",
            good.replace(&leaf_line, &format!("leaf {other_leaf}")),
            "line 6: the leaf, index and path do not lead to contest",
        ),
        (
            "index",
            good.replace("\nindex 2\n", "\nindex 3\n"),
            "line 6: the leaf, index and path do not lead",
        ),
        (
            "index out of range",
            good.replace("\nindex 2\n", "\nindex 7\n"),
            "line 4: index 7 is not below the size 7",
        ),
        (
            "size",
            good.replace("\nsize 7\n", "\nsize 8\n"),
            "line 5: size 8 is not the statement's 7 papers",
        ),
        (
            "path element",
            good.replace(&path_line, &flipped),
            "another root",
        ),
        (
            "path too short",
            good.replace(&format!("{path_line}\n"), ""),
            "audit path shorter",
        ),
        (
            "statement hash",
            good.replace(&statement_line, &format!("statement {}", "0".repeat(64))),
            "line 2: the statement hash",
        ),
        (
            "malformed hex",
            good.replace(&path_line, "path 12"),
            "proof line 7, column 6: path hash",
        ),
        (
            "unknown line",
            format!("{good}extra\n"),
            "line 10, column 1: expected path",
        ),
    ];
    for (what, text, expected) in cases {
        fs::write(&proof, &text).unwrap();
        let (code, err) = check_proof(&proof, &statement, &key);
        assert_eq!(code, 1, "{what}: {err}");
        assert!(err.contains(expected), "{what}: {err}");
    }

    // A changed statement no longer verifies under its signer's key.
    fs::write(&proof, &good).unwrap();
    let text = fs::read_to_string(&statement).unwrap();
    let forged = tmp.path().join("forged");
    fs::write(&forged, text.replacen(" 7 ", " 8 ", 1)).unwrap();
    let (code, err) = check_proof(&proof, &forged, &key);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("statement: signatures:"), "{err}");
    // So does a statement that is no note at all: a fault inside, exit 1.
    fs::write(&forged, "garbage").unwrap();
    assert_eq!(check_proof(&proof, &forged, &key).0, 1);
}

#[test]
fn a_proof_against_a_statement_of_an_untrusted_key_is_refused() {
    let (tmp, bundle, _key) = small();
    let contest = only_contest(&bundle);
    let proof = tmp.path().join("p");
    let stranger = keygen(tmp.path(), "stranger.example", "stranger");
    prove(&bundle, &contest, 0, &_key, &proof);
    let (code, err) = check_proof(&proof, &bundle.join("statement"), &stranger);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("0 distinct trusted keys signed, 1 required"),
        "{err}"
    );
    // Nor does prove make a proof from a bundle it cannot verify.
    recount()
        .arg("prove")
        .arg(&bundle)
        .args(["--contest", &contest, "--paper", "0", "--trust"])
        .arg(stranger.with_extension("pub"))
        .arg("-o")
        .arg(tmp.path().join("q"))
        .assert()
        .code(1);
    assert!(!tmp.path().join("q").exists());
}

#[test]
fn check_proof_exits_2_for_a_file_that_is_no_proof_or_a_bad_trust_key() {
    let (tmp, bundle, key) = small();
    let contest = only_contest(&bundle);
    let proof = tmp.path().join("p");
    prove(&bundle, &contest, 0, &key, &proof);
    let statement = bundle.join("statement");
    let not_proof = tmp.path().join("n");
    fs::write(&not_proof, "recount-bundle/1\n").unwrap();
    let (code, err) = check_proof(&not_proof, &statement, &key);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a proof"), "{err}");
    recount()
        .arg("check-proof")
        .arg(&proof)
        .arg("--statement")
        .arg(&statement)
        .args(["--trust", "no+such+key"])
        .assert()
        .code(2);
    let (code, _) = check_proof(&tmp.path().join("missing"), &statement, &key);
    assert_eq!(code, 3);
    // An index or contest the bundle lacks is a usage error of prove.
    for (c, n) in [(contest.as_str(), "7"), ("nowhere", "0")] {
        recount()
            .arg("prove")
            .arg(&bundle)
            .args(["--contest", c, "--paper", n, "--trust"])
            .arg(key.with_extension("pub"))
            .arg("-o")
            .arg(tmp.path().join("q"))
            .assert()
            .code(2);
    }
}

fn attest(bundle: &Path, trust: &Path, key: &Path, out: &Path) {
    recount()
        .arg("attest")
        .arg(bundle)
        .arg("--trust")
        .arg(trust.with_extension("pub"))
        .arg("--key")
        .arg(key.with_extension("key"))
        .arg("-o")
        .arg(out)
        .assert()
        .success();
}

/// The signed text of a note file: up to the empty line.
fn note_body(file: &Path) -> String {
    let text = fs::read_to_string(file).unwrap();
    text.split_once("\n\n").unwrap().0.to_owned() + "\n"
}

/// `recount verify --attestation`: exit code and standard error.
fn verify_attested(
    bundle: &Path,
    trust: &Path,
    file: &Path,
    m: usize,
    attesters: &[&Path],
) -> (i32, String) {
    let mut cmd = recount();
    cmd.arg("verify")
        .arg(bundle)
        .arg("--trust")
        .arg(trust.with_extension("pub"))
        .arg("--attestation")
        .arg(file)
        .args(["--require-attesters", &m.to_string(), "--attester"]);
    for a in attesters {
        cmd.arg(a.with_extension("pub"));
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn two_attesters_recounting_independently_write_byte_identical_bodies() {
    let (tmp, bundle, ro) = demo();
    let alice = keygen(tmp.path(), "observer.example/alice", "alice");
    let bob = keygen(tmp.path(), "observer.example/bob", "bob");
    let (a, b) = (tmp.path().join("a.att"), tmp.path().join("b.att"));
    attest(&bundle, &ro, &alice, &a);
    attest(&bundle, &ro, &bob, &b);
    let body = note_body(&a);
    assert_eq!(body, note_body(&b));
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines[0], "recount-attestation/1");
    assert!(lines[1].starts_with("statement ") && lines[2].starts_with("rules "));
    assert!(lines[3].starts_with("transcript "));
    assert!(lines[4].starts_with("elected demo-ward "), "{body}");
    assert_eq!(lines.len(), 5);
    // rules is the SHA-256 of rules.json's bytes.
    let out = Std::new("sha256sum")
        .arg(bundle.join("rules.json"))
        .output();
    if let Ok(out) = out {
        let digest = String::from_utf8(out.stdout).unwrap();
        assert_eq!(lines[2], format!("rules {}", &digest[..64]));
    }
}

#[test]
fn co_signing_an_attestation_gives_one_file_with_two_signatures_and_require_two_then_passes() {
    let (tmp, bundle, ro) = demo();
    let alice = keygen(tmp.path(), "observer.example/alice", "alice");
    let bob = keygen(tmp.path(), "observer.example/bob", "bob");
    let a = tmp.path().join("a.att");
    attest(&bundle, &ro, &alice, &a);
    let both: [&Path; 2] = [&alice, &bob];
    let (code, out) = verify_attested(&bundle, &ro, &a, 2, &both);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("1 distinct trusted keys signed, 2 required"),
        "{out}"
    );
    assert_eq!(verify_attested(&bundle, &ro, &a, 1, &both).0, 0);

    recount()
        .arg("sign")
        .arg(&a)
        .arg("--key")
        .arg(bob.with_extension("key"))
        .assert()
        .success();
    let text = fs::read_to_string(&a).unwrap();
    assert_eq!(
        text.lines().filter(|l| l.starts_with("\u{2014} ")).count(),
        2,
        "{text}"
    );
    let (code, out) = verify_attested(&bundle, &ro, &a, 2, &both);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("attested by observer.example/alice, observer.example/bob"),
        "{out}"
    );
    // A second signature by the same key is refused.
    recount()
        .arg("sign")
        .arg(&a)
        .arg("--key")
        .arg(bob.with_extension("key"))
        .assert()
        .code(2);
}

#[test]
fn a_changed_elected_line_fails_verify_even_when_signed() {
    let (tmp, bundle, ro) = demo();
    let alice = keygen(tmp.path(), "observer.example/alice", "alice");
    let a = tmp.path().join("a.att");
    attest(&bundle, &ro, &alice, &a);
    let body = note_body(&a);
    let elected = body.lines().nth(4).unwrap().to_owned();
    let ids: Vec<&str> = elected["elected demo-ward ".len()..].split(',').collect();
    let mut swapped = ids.clone();
    swapped.swap(0, 1);
    let changed = body.replace(
        &elected,
        &format!("elected demo-ward {}", swapped.join(",")),
    );
    assert_ne!(changed, body);

    // Edited in place, the signature no longer holds.
    let text = fs::read_to_string(&a).unwrap();
    fs::write(
        &a,
        text.replace(
            &elected,
            &format!("elected demo-ward {}", swapped.join(",")),
        ),
    )
    .unwrap();
    let (code, out) = verify_attested(&bundle, &ro, &a, 1, &[&alice]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("attesters: signatures:"), "{out}");

    // Signed afresh, the body differs from this machine's recount.
    let pem = fs::read_to_string(alice.with_extension("key")).unwrap();
    let signer = bundle::keys::SigningKey::from_pkcs8_pem(&pem)
        .unwrap()
        .signer(bundle::keys::KeyName::new("observer.example/alice").unwrap());
    let note = bundle::note::sign(&bundle::note::Note::new(&changed).unwrap(), &signer).unwrap();
    fs::write(&a, note.to_text()).unwrap();
    let (code, out) = verify_attested(&bundle, &ro, &a, 1, &[&alice]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("line 5: this recount gives"), "{out}");
}
