//! Large bundles, where the verifier's threads, runs of the Merkle tree and
//! one-pass reading all come into play: a million papers give back an
//! election that counts exactly as its source does, and damage deep in a
//! large file is named at its line as the rule-by-rule checks name it.

use bundle::keys::{KeyName, Signer, SigningKey};
use bundle::publish::{self, Draft};
use bundle::verify::{self, Entry, Fault, Outcome};

/// The entries of `election`'s bundle under `rules`, sealed by `signer`.
fn bundle(election: &ballot::Election, rules: &count::Rules, signer: &Signer) -> Vec<Entry> {
    let draft = Draft::new(election, rules).unwrap();
    publish::in_memory(election, &draft, signer).unwrap()
}

#[test]
fn a_million_paper_bundle_verifies_and_counts_as_its_source() {
    // A Senate-shaped contest: 100 candidates, 6 seats, long papers.
    let contest = generate::contest(generate::Spec::senate(1_000_000), 7);
    let election = ballot::Election::new("senate-1m", "Senate, a million papers", vec![contest])
        .expect("one generated contest is an election");
    let rules = count::Rules::preset("wigm").unwrap();
    let signer = SigningKey::from_seed([7; 32]).signer(KeyName::new("ro.example").unwrap());

    let entries = bundle(&election, &rules, &signer);
    let (report, verified) = verify::verify(&entries, &[signer.verifier_key()], 1);
    assert!(report.passed(), "{:?}", report.checks());
    let verified = verified.expect("a bundle that passed is verified");
    assert_eq!(verified.rules(), &rules);

    let from_bundle = count::count(verified.election(), verified.rules()).unwrap();
    let from_source = count::count(&election, &rules).unwrap();
    assert_eq!(
        serde_json::to_string_pretty(&from_bundle).unwrap(),
        serde_json::to_string_pretty(&from_source).unwrap()
    );
}

/// Check `number`'s faults.
fn faults(report: &verify::Report, number: u8) -> Vec<Fault> {
    match &report.checks()[usize::from(number) - 1].outcome {
        Outcome::Fail(faults) => faults.clone(),
        other => panic!("check {number}: {other:?}"),
    }
}

#[test]
fn damage_deep_in_a_large_ballots_file_is_named_at_its_line() {
    // Large enough that the verifier hashes the file in several runs.
    let contest = generate::contest(generate::Spec::senate(60_000), 3);
    let election = ballot::Election::new("senate-60k", "Senate", vec![contest]).unwrap();
    let rules = count::Rules::preset("wigm").unwrap();
    let signer = SigningKey::from_seed([3; 32]).signer(KeyName::new("ro.example").unwrap());
    let good = bundle(&election, &rules, &signer);
    let trusted = [signer.verifier_key()];
    assert!(verify::verify(&good, &trusted, 1).0.passed());
    let path = "ballots/gen-3.csv";
    let starts = |bytes: &[u8]| -> Vec<usize> {
        std::iter::once(0)
            .chain(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect()
    };

    // A CR in line 41,234 (which sorts it too early): check 2 names both,
    // and check 6 finds no root there.
    let mut e = good.clone();
    let Entry::File { bytes, .. } = &mut e[3] else {
        panic!("{:?}", e[3])
    };
    let at = starts(bytes)[41_233] + 1;
    bytes.insert(at, b'\r');
    let (report, verified) = verify::verify(&e, &trusted, 1);
    assert!(verified.is_none());
    let two: Vec<String> = faults(&report, 2).iter().map(Fault::to_string).collect();
    assert_eq!(
        two,
        [
            format!("{path}:41234: CR byte at column 2; lines end in LF alone"),
            format!(
                "{path}:41234: not sorted: sorts before line 41233 (lines are in bytewise order)"
            ),
        ]
    );
    let six = faults(&report, 6);
    assert_eq!(
        (six[0].file.as_str(), six[0].line),
        (path, Some(41_234)),
        "{six:?}"
    );
    assert!(six[0].message.starts_with("no Merkle root: "), "{six:?}");
    assert_eq!(faults(&report, 3).len(), 1);

    // Line 17,001 swapped with the next different line: check 2 says where
    // the order breaks;
    // the tree has the lines, but not the root signed.
    let mut e = good.clone();
    let Entry::File { bytes, .. } = &mut e[3] else {
        panic!("{:?}", e[3])
    };
    let s = starts(bytes);
    let lines: Vec<Vec<u8>> = s.windows(2).map(|w| bytes[w[0]..w[1]].to_vec()).collect();
    let next = (17_001..).find(|&j| lines[j] != lines[17_000]).unwrap();
    let mut lines = lines;
    lines.swap(17_000, next);
    *bytes = lines.concat();
    let (report, _) = verify::verify(&e, &trusted, 1);
    // Line 17,001 now holds a later ranking, so the line after it (the
    // old line 17,001, or one equal to it) is the first out of order.
    let two: Vec<String> = faults(&report, 2).iter().map(Fault::to_string).collect();
    assert_eq!(
        two,
        [format!(
            "{path}:17002: not sorted: sorts before line 17001 (lines are in bytewise order)"
        )]
    );
    let six = faults(&report, 6);
    assert_eq!(six.len(), 1, "{six:?}");
    assert!(six[0].message.contains("root"), "{six:?}");
    // The papers are all there, so check 9 counts them as papers.
    assert_eq!(report.checks()[8].outcome, Outcome::Pass);
}
