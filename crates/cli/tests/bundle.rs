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
        .filter(|c| c["outcome"] != "pass")
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
