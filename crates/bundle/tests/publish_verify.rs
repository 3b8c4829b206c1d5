//! A bundle made by `bundle::publish` passes every check of
//! `bundle::verify`, gives back the election it was made from, and each
//! kind of damage fails the check that names it.

use bundle::keys::{KeyName, SigningKey};
use bundle::publish::{self, Draft};
use bundle::verify::{self, Entry, Outcome};

const BLT: &str =
    "4 2\n-4\n2 1 2 3 0\n1 2 0\n3 3 1 0\n1 0\n0\n\"Ann\"\n\"Bob\"\n\"Cy\"\n\"Di\"\n\"Ward\"\n";

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

fn signer(seed: u8, name: &str) -> bundle::keys::Signer {
    SigningKey::from_seed([seed; 32]).signer(KeyName::new(name).unwrap())
}

fn entries() -> Vec<Entry> {
    bundle_with(&election(), "scottish-stv", 1)
}

/// The files of `election`'s bundle under `preset`, sealed by key `seed`.
fn bundle_with(election: &ballot::Election, preset: &str, seed: u8) -> Vec<Entry> {
    let rules = count::Rules::preset(preset).unwrap();
    let draft = Draft::new(election, &rules).unwrap();
    publish::in_memory(election, &draft, &signer(seed, "ro")).unwrap()
}

fn failed(entries: &[Entry]) -> Vec<u8> {
    let (report, verified) = verify::verify(entries, &[signer(1, "ro").verifier_key()], 1);
    assert_eq!(verified.is_some(), report.passed());
    report
        .checks()
        .iter()
        .filter(|c| !c.outcome.holds())
        .map(|c| c.number)
        .collect()
}

fn file_mut<'a>(entries: &'a mut [Entry], name: &str) -> &'a mut Vec<u8> {
    entries
        .iter_mut()
        .find_map(|e| match e {
            Entry::File { path, bytes } if path == name => Some(bytes),
            _ => None,
        })
        .unwrap()
}

#[test]
fn a_published_bundle_verifies_and_gives_back_its_election() {
    let entries = entries();
    let ballots = match &entries[3] {
        Entry::File { bytes, .. } => String::from_utf8(bytes.clone()).unwrap(),
        _ => unreachable!(),
    };
    // One line a paper, sorted, ids joined by commas, the blank paper as "-".
    assert_eq!(ballots, "-\n1,2,3\n1,2,3\n2\n3,1\n3,1\n3,1\n");
    let (report, verified) = verify::verify(&entries, &[signer(1, "ro").verifier_key()], 1);
    assert!(report.passed(), "{:?}", report.checks());
    let verified = verified.unwrap();
    let got = verified.election();
    let want = election();
    assert_eq!(got.contests().len(), 1);
    let (g, w) = (&got.contests()[0], &want.contests()[0]);
    assert_eq!(g.seats(), w.seats());
    assert_eq!(g.candidates(), w.candidates());
    assert_eq!(g.withdrawn(), w.withdrawn());
    assert_eq!(g.ballots().total_papers(), w.ballots().total_papers());
    assert_eq!(
        g.ballots().first_preferences(),
        w.ballots().first_preferences()
    );
    assert_eq!(
        verified.rules(),
        &count::Rules::preset("scottish-stv").unwrap()
    );
}

#[test]
fn publishing_is_deterministic() {
    assert_eq!(entries(), entries());
}

#[test]
fn damage_fails_the_check_that_names_it() {
    let good = entries();
    assert_eq!(failed(&good), Vec::<u8>::new());

    let mut e = good.clone();
    file_mut(&mut e, "ballots/ward-1.csv").splice(0..0, b"\xEF\xBB\xBF".iter().copied());
    assert!(failed(&e).starts_with(&[2, 3]));

    let mut e = good.clone();
    *file_mut(&mut e, "ballots/ward-1.csv") = b"-\n3,1\n1,2,3\n1,2,3\n2\n3,1\n3,1\n".to_vec();
    assert_eq!(failed(&e)[..3], [2, 3, 6]);

    let mut e = good.clone();
    e.push(Entry::File {
        path: "notes.txt".into(),
        bytes: b"hi\n".to_vec(),
    });
    assert_eq!(failed(&e), [1]);

    let mut e = good.clone();
    e.push(Entry::Symlink {
        path: "ballots/x.csv".into(),
    });
    assert_eq!(failed(&e), [1]);

    let mut e = good.clone();
    e.retain(|x| !matches!(x, Entry::File { path, .. } if path == "rules.json"));
    assert!(failed(&e).contains(&1));

    let mut e = good.clone();
    let statement = file_mut(&mut e, "statement");
    let at = statement.iter().position(|&b| b == b'\n').unwrap() + 10;
    statement[at] ^= 1;
    assert!(failed(&e).contains(&8));
}

#[test]
fn the_same_key_under_two_names_counts_once() {
    let mut e = entries();
    let statement = file_mut(&mut e, "statement");
    let note = bundle::note::Note::parse(statement).unwrap();
    let twice = bundle::note::sign(&note, &signer(1, "ro-again")).unwrap();
    *statement = twice.to_text().into_bytes();
    let trusted = [
        signer(1, "ro").verifier_key(),
        signer(1, "ro-again").verifier_key(),
    ];
    assert!(verify::verify(&e, &trusted, 1).0.passed());
    assert!(!verify::verify(&e, &trusted, 2).0.passed());
}

fn bundle_of(election: &ballot::Election) -> Vec<Entry> {
    bundle_with(election, "meek", 2)
}

fn rankings(c: &ballot::Contest) -> Vec<(Vec<usize>, u64)> {
    let mut r: Vec<(Vec<usize>, u64)> = c
        .ballots()
        .iter()
        .map(|b| (b.ranking.iter().map(|id| id.index()).collect(), b.count.0))
        .collect();
    r.push((Vec::new(), c.ballots().blank().0));
    r.sort();
    r
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any election the model holds, names with quotes, newlines and
    /// control characters included, is published, verifies, and reads back
    /// as the same candidates, seats, withdrawals and papers.
    #[test]
    fn publish_then_verify_round_trips(election in recount_testkit::arb_election(recount_testkit::Names::Any)) {
        // A bundle holds names in NFC only: any other is refused, never changed.
        let texts = std::iter::once(election.title.clone()).chain(election.contests().iter().flat_map(|c| {
            std::iter::once(c.title().to_owned()).chain(c.candidates().iter().flat_map(|k| {
                std::iter::once(k.name.clone()).chain(k.affiliation.clone())
            }))
        }));
        let all_nfc = texts.into_iter().all(|t| unicode_normalization::is_nfc(&t));
        let rules = count::Rules::preset("meek").unwrap();
        if let Err(e) = Draft::new(&election, &rules) {
            proptest::prop_assert!(!all_nfc, "{e}");
            proptest::prop_assert!(e.to_string().contains("not in Unicode NFC"), "{e}");
            return Ok(());
        }
        proptest::prop_assert!(all_nfc);
        let entries = bundle_of(&election);
        let (report, verified) = verify::verify(&entries, &[signer(2, "ro").verifier_key()], 1);
        proptest::prop_assert!(report.passed(), "{:?}", report.checks());
        let got = verified.unwrap();
        let (g, w) = (&got.election().contests()[0], &election.contests()[0]);
        proptest::prop_assert_eq!(g.candidates(), w.candidates());
        proptest::prop_assert_eq!(g.seats(), w.seats());
        proptest::prop_assert_eq!(g.withdrawn(), w.withdrawn());
        proptest::prop_assert_eq!(rankings(g), rankings(w));
        proptest::prop_assert_eq!(bundle_of(got.election()), entries);
    }
}

#[test]
fn metadata_faults_name_their_line() {
    let mut e = entries();
    let meta = file_mut(&mut e, "election.json");
    let text =
        String::from_utf8(meta.clone())
            .unwrap()
            .replacen("\"id\": \"2\"", "\"id\": \"1\"", 1);
    let line = 1 + text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "\"id\": \"1\",")
        .nth(1)
        .unwrap()
        .0 as u64;
    *meta = text.into_bytes();
    let (report, verified) = verify::verify(&e, &[signer(1, "ro").verifier_key()], 1);
    assert!(verified.is_none());
    let Outcome::Fail(faults) = &report.checks()[8].outcome else {
        panic!("{:?}", report.checks()[8]);
    };
    let shown: Vec<String> = faults.iter().map(|f| f.to_string()).collect();
    assert!(
        shown.contains(&format!(
            "election.json:{line}: contest ward-1: candidate id \"1\" twice"
        )),
        "{shown:?}"
    );
    // Papers naming "2", now no candidate, are each named by line.
    assert!(
        shown.contains(
            &"ballots/ward-1.csv:2: \"2\" is not a candidate of this contest in election.json"
                .to_owned()
        ),
        "{shown:?}"
    );
}

#[test]
fn a_paper_ranking_a_candidate_twice_is_named_by_its_line() {
    let mut e = entries();
    let ballots = file_mut(&mut e, "ballots/ward-1.csv");
    let text = String::from_utf8(ballots.clone()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // The last line, ranking its first candidate again: still sorted
    // (a longer line after its own prefix).
    let last = lines.len();
    let first = lines[last - 1].split(',').next().unwrap().to_owned();
    lines[last - 1] = format!("{},{first}", lines[last - 1]);
    *ballots = format!("{}\n", lines.join("\n")).into_bytes();
    let (report, verified) = verify::verify(&e, &[signer(1, "ro").verifier_key()], 1);
    assert!(verified.is_none());
    let Outcome::Fail(faults) = &report.checks()[8].outcome else {
        panic!("{:?}", report.checks()[8]);
    };
    let shown: Vec<String> = faults.iter().map(|f| f.to_string()).collect();
    assert!(
        shown.contains(&format!(
            "ballots/ward-1.csv:{last}: \"{first}\" is ranked twice"
        )),
        "{shown:?}"
    );
}

#[test]
fn a_name_not_in_nfc_is_refused_by_publish_and_by_verify() {
    // "é" as "e" and a combining acute accent: it looks the same as the
    // precomposed U+00E9 and hashes differently.
    let mut e = election();
    e.contests_mut()[0].candidates_mut()[0].name = "Rene\u{301}e".into();
    let rules = count::Rules::preset("scottish-stv").unwrap();
    let err = Draft::new(&e, &rules).unwrap_err().to_string();
    assert!(
        err.contains("candidate 1's name") && err.contains("not in Unicode NFC"),
        "{err}"
    );
    let mut entries = entries();
    let json = file_mut(&mut entries, "election.json");
    let text = String::from_utf8(json.clone()).unwrap();
    *json = text.replace("\"Ann\"", "\"Rene\u{301}e\"").into_bytes();
    let (report, _) = verify::verify(&entries, &[signer(1, "ro").verifier_key()], 1);
    let faults = format!("{:?}", report.checks()[1].outcome);
    assert!(
        faults.contains("not in Unicode NFC; expected \\\"name\\\": \\\"Renée\\\""),
        "{faults}"
    );
}
