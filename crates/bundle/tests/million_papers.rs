//! A bundle of a million papers, the size where the verifier's threads,
//! runs of the Merkle tree and fast passes all come into play, gives back
//! an election that counts exactly as its source does.

use bundle::keys::{KeyName, SigningKey};
use bundle::publish::{self, Draft};
use bundle::verify::{self, Entry};

#[test]
fn a_million_paper_bundle_verifies_and_counts_as_its_source() {
    // A Senate-shaped contest: 100 candidates, 6 seats, long papers.
    let contest = generate::contest(generate::Spec::senate(1_000_000), 7);
    let election = ballot::Election::new("senate-1m", "Senate, a million papers", vec![contest])
        .expect("one generated contest is an election");
    let rules = count::Rules::preset("wigm").unwrap();
    let signer = SigningKey::from_seed([7; 32]).signer(KeyName::new("ro.example").unwrap());

    let draft = Draft::new(&election, &rules).unwrap();
    let mut entries = vec![
        Entry::Dir {
            path: "ballots".into(),
        },
        Entry::File {
            path: "election.json".into(),
            bytes: draft.election_json().into(),
        },
        Entry::File {
            path: "rules.json".into(),
            bytes: draft.rules_json().into(),
        },
    ];
    let mut written = Vec::new();
    for c in election.contests() {
        let mut bytes = Vec::new();
        written
            .push(publish::write_ballots(c.id(), &publish::ballot_lines(c), &mut bytes).unwrap());
        entries.push(Entry::File {
            path: format!("ballots/{}.csv", c.id()),
            bytes,
        });
    }
    assert_eq!(written[0].line.papers, 1_000_000);
    let sealed = publish::seal(&draft, &written, &signer).unwrap();
    entries.push(Entry::File {
        path: "MANIFEST".into(),
        bytes: sealed.manifest.into(),
    });
    entries.push(Entry::File {
        path: "statement".into(),
        bytes: sealed.statement.into(),
    });

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
