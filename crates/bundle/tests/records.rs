//! The election facts and records of a bundle at the library's level:
//! what META puts in `election.json`, what verify gives back to a count
//! (attributes, constraints, tie order, only the candidates on the
//! ballot), and the faults of records that the publisher would never
//! write, each at its check, file and line.

use std::collections::BTreeMap;

use bundle::keys::{KeyName, SigningKey};
use bundle::manifest::ManifestBuilder;
use bundle::meta::Meta;
use bundle::note::{self, Note};
use bundle::publish::{self, Draft};
use bundle::statement::Statement;
use bundle::verify::{self, Entry, Outcome};

const BLT: &str =
    "4 2\n2 1 2 3 0\n1 2 0\n3 3 1 0\n1 4 0\n0\n\"Ann\"\n\"Bob\"\n\"Cy\"\n\"Di\"\n\"Ward\"\n";

fn election() -> ballot::Election {
    let opts = ballot::ReadOptions {
        policy: ballot::ImportPolicy::default(),
        seats: None,
        id: "ward-1".into(),
        weight_column: None,
        rows: None,
    };
    ballot::read(ballot::Format::Blt, BLT.as_bytes(), &opts).unwrap()
}

fn signer() -> bundle::keys::Signer {
    SigningKey::from_seed([5; 32]).signer(KeyName::new("ro").unwrap())
}

const META: &str = r#"{
  "format": "recount-meta/1",
  "nomination": {"threshold": 1, "deadline": "2026-05-20T12:00:00Z"},
  "contests": [{
    "id": "ward-1",
    "candidates": [
      {"id": "1", "attributes": {"gender": "woman"}, "vetted": "2026-05-01T00:00:00Z"},
      {"id": "2", "attributes": {"gender": "man"}, "vetted": "2026-05-01T00:00:00Z"},
      {"id": "3", "attributes": {"gender": "man"}, "vetted": "2026-05-01T00:00:00Z"},
      {"id": "4", "attributes": {"gender": "woman"}, "vetted": "2026-05-01T00:00:00Z", "status": "withdrawn"},
      {"id": "x", "name": "Eve", "status": "not-vetted"}
    ],
    "constraints": [{"attribute": "gender", "value": "woman", "min": 1}],
    "tie_order": ["3", "2", "1", "4"],
    "roll": "roll",
    "nominations": "noms"
  }]
}"#;

const ROLL: &str = "a\nb\nc\nd\n";
const NOMS: &str = "2026-05-02T00:00:00Z,a,1,nominate\n2026-05-02T00:00:00Z,b,2,nominate\n\
2026-05-02T00:00:00Z,c,3,nominate\n2026-05-02T00:00:00Z,d,4,nominate\n";

fn files() -> BTreeMap<String, Vec<u8>> {
    BTreeMap::from([
        ("roll".to_owned(), ROLL.as_bytes().to_vec()),
        ("noms".to_owned(), NOMS.as_bytes().to_vec()),
    ])
}

/// The entries of the bundle of `election` with META `meta`, after `edit`
/// changed its record files (MANIFEST and the statement made again over
/// the changed files, as a careless or dishonest publisher would).
fn bundle(meta: &str, edit: impl FnOnce(&mut BTreeMap<String, String>)) -> Vec<Entry> {
    let election = election();
    let rules = count::Rules::preset("scottish-stv").unwrap();
    let meta = Meta::parse(meta.as_bytes()).unwrap();
    let draft = Draft::with_meta(&election, &rules, Some(&meta), &files()).unwrap();
    let mut records = draft.records().clone();
    edit(&mut records);
    let mut files: BTreeMap<String, Vec<u8>> = records
        .into_iter()
        .map(|(p, t)| (p, t.into_bytes()))
        .collect();
    files.insert("election.json".into(), draft.election_json().into());
    files.insert("rules.json".into(), draft.rules_json().into());
    let mut lines = Vec::new();
    for c in election.contests() {
        let mut bytes = Vec::new();
        let w = publish::write_ballots(c.id(), &publish::ballot_lines(c), &mut bytes).unwrap();
        lines.push(w.line);
        files.insert(format!("ballots/{}.csv", c.id()), bytes);
    }
    let mut manifest = ManifestBuilder::new();
    for (path, bytes) in &files {
        manifest.add(path, bytes).unwrap();
    }
    let manifest = manifest.build();
    let statement = Statement::new(election.id.as_str(), manifest.digest(), lines).unwrap();
    let note = note::sign(&Note::new(&statement.to_text()).unwrap(), &signer()).unwrap();
    files.insert("MANIFEST".into(), manifest.to_text().into_bytes());
    files.insert("statement".into(), note.to_text().into_bytes());
    let mut out: Vec<Entry> = ["ballots", "nominations", "roll"]
        .iter()
        .map(|d| Entry::Dir { path: (*d).into() })
        .collect();
    out.extend(
        files
            .into_iter()
            .map(|(path, bytes)| Entry::File { path, bytes }),
    );
    out
}

fn faults(entries: &[Entry], check: u8) -> Vec<String> {
    let (report, _) = verify::verify(entries, &[signer().verifier_key()], 1);
    match &report.checks()[check as usize - 1].outcome {
        Outcome::Fail(f) => f.iter().map(|f| f.to_string()).collect(),
        other => panic!("check {check}: {other:?}"),
    }
}

#[test]
fn a_verified_bundle_gives_the_count_its_facts_and_only_the_ballots_candidates() {
    let entries = bundle(META, |_| {});
    let (report, verified) = verify::verify(&entries, &[signer().verifier_key()], 1);
    assert!(report.passed(), "{:?}", report.checks());
    let b = verified.unwrap();
    let contest = &b.election().contests()[0];
    let names: Vec<&str> = contest
        .candidates()
        .iter()
        .map(|k| k.name.as_str())
        .collect();
    assert_eq!(names, ["Ann", "Bob", "Cy", "Di"]);
    assert_eq!(contest.candidates()[0].attributes["gender"], "woman");
    assert_eq!(contest.constraints().len(), 1);
    assert_eq!(
        contest.constraints()[0].to_string(),
        "gender=woman: at least 1"
    );
    let order: Vec<usize> = contest
        .tie_order()
        .unwrap()
        .iter()
        .map(|c| c.index())
        .collect();
    assert_eq!(order, [2, 1, 0, 3]);
    assert_eq!(contest.withdrawn().len(), 1);
    // election.json still lists the candidate kept off the ballot.
    let off = &b.meta().contests[0].candidates[4];
    assert_eq!(
        (off.name.as_str(), off.status.as_str()),
        ("Eve", "not-vetted")
    );
    assert_eq!(report.nominations()[0].1[0].supporters, 1);
}

#[test]
fn a_paper_ranking_a_candidate_kept_off_the_ballot_fails_check_9() {
    // The source's candidate 4 becomes "insufficient-nominations" in a
    // hand-edited election.json; its papers then rank a candidate who was
    // never on a ballot paper.
    let mut entries = bundle(META, |_| {});
    for e in &mut entries {
        if let Entry::File { path, bytes } = e
            && path == "election.json"
        {
            let text = String::from_utf8(bytes.clone()).unwrap();
            let at = text.find("\"id\": \"4\"").unwrap();
            let status = at + text[at..].find("\"withdrawn\"").unwrap();
            let mut edited = text.clone();
            edited.replace_range(status..status + 11, "\"insufficient-nominations\"");
            *bytes = edited.into_bytes();
        }
    }
    let f = faults(&entries, 9);
    assert!(
        f.iter().any(|m| m.starts_with("ballots/ward-1.csv:7: \"4\" is insufficient-nominations in election.json, so on no ballot paper")),
        "{f:?}"
    );
}

#[test]
fn records_the_publisher_would_never_write_fail_their_check_at_their_line() {
    // Out of order: check 2.
    let entries = bundle(META, |r| {
        r.insert("roll/ward-1.csv".into(), "b\na\nc\nd\n".into());
    });
    assert_eq!(
        faults(&entries, 2),
        ["roll/ward-1.csv:2: not sorted: sorts before line 1 (bytewise order)"]
    );
    // A nomination of no candidate of the contest: check 10, at its line.
    let entries = bundle(META, |r| {
        let noms = format!("{NOMS}2026-05-03T00:00:00Z,a,zz,nominate\n");
        r.insert("nominations/ward-1.csv".into(), noms);
    });
    assert_eq!(
        faults(&entries, 10),
        ["nominations/ward-1.csv:5: candidate \"zz\" is not a candidate of contest ward-1"]
    );
    // Records of a contest the election does not have: check 9.
    let entries = bundle(META, |r| {
        r.insert("roll/north.csv".into(), "a\n".into());
    });
    assert!(
        faults(&entries, 9)
            .iter()
            .any(|m| m.contains("records of contest north, which it does not list")),
    );
    // A declared result naming a withdrawn candidate: check 9.
    let entries = bundle(META, |r| {
        r.insert(
            "result.json".into(),
            "{\n  \"contests\": [\n    {\n      \"elected\": [\n        \"4\",\n        \"4\"\n      ],\n      \"id\": \"ward-1\"\n    }\n  ]\n}\n".into(),
        );
    });
    assert_eq!(
        faults(&entries, 9),
        [
            "result.json:8: contest ward-1: elected \"4\" is withdrawn, so cannot be elected",
            "result.json:8: contest ward-1: elected \"4\" is withdrawn, so cannot be elected",
            "result.json:8: contest ward-1: \"4\" elected twice",
        ]
    );
}

#[test]
fn nominations_without_a_roll_or_a_rule_cannot_pass() {
    let entries = bundle(META, |r| {
        r.remove("roll/ward-1.csv");
    });
    assert_eq!(
        faults(&entries, 10),
        [
            "roll/ward-1.csv: missing: contest ward-1's nominations cannot be checked without its roll"
        ]
    );
    let no_rule = META.replace(
        "\"nomination\": {\"threshold\": 1, \"deadline\": \"2026-05-20T12:00:00Z\"},",
        "",
    );
    let entries = bundle(&no_rule, |_| {});
    assert_eq!(
        faults(&entries, 10),
        [
            "election.json: the bundle has nomination records, but election.json states no nomination rule"
        ]
    );
}
