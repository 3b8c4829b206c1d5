//! The Dominion CVR export reader: the Riverton export read against the
//! same papers as a NIST CDF report, a contest chosen, marks through the
//! import policy, an error per kind of bad input at its JSON path, and no
//! panic on mangled exports or manifests.

use ballot::dominion::{self, Manifests};
use ballot::{Election, ErrorKind, Format, ImportPolicy, ReadOptions};
use proptest::prelude::*;

const EXPORT: &[u8] = include_bytes!("fixtures/dominion-riverton/CvrExport.json");
const CONTESTS: &[u8] = include_bytes!("fixtures/dominion-riverton/ContestManifest.json");
const CANDIDATES: &[u8] = include_bytes!("fixtures/dominion-riverton/CandidateManifest.json");
const RIVERTON_CDF: &[u8] = include_bytes!("fixtures/cdf-riverton.json");

const RIVERTON: Manifests<'static> = Manifests {
    contests: CONTESTS,
    candidates: CANDIDATES,
};

fn opts(policy: ImportPolicy, seats: Option<u32>) -> ReadOptions {
    ReadOptions {
        policy,
        seats,
        id: "t".into(),
        ..ReadOptions::default()
    }
}

/// Each stored ranking of contest `i` as names, with its count, sorted,
/// then the blank papers.
fn rankings(e: &Election, i: usize) -> (Vec<(String, u64)>, u64) {
    let c = &e.contests()[i];
    let mut out: Vec<(String, u64)> = c
        .ballots()
        .iter()
        .map(|b| {
            let names: Vec<&str> = b
                .ranking
                .iter()
                .map(|&id| c.candidate(id).name.as_str())
                .collect();
            (names.join(">"), b.count.0)
        })
        .collect();
    out.sort();
    (out, c.ballots().blank().0)
}

fn names(e: &Election, i: usize) -> Vec<&str> {
    e.contests()[i]
        .candidates()
        .iter()
        .map(|c| c.name.as_str())
        .collect()
}

#[test]
fn the_riverton_export_reads_as_the_same_papers_as_the_cdf_report() {
    let d = ImportPolicy::default();
    let dom = dominion::read(EXPORT, RIVERTON, &opts(d, None)).unwrap();
    let cdf = ballot::read(Format::Cdf, RIVERTON_CDF, &opts(d, Some(1))).unwrap();
    let shape = |e: &Election| -> Vec<(String, u32)> {
        e.contests()
            .iter()
            .map(|c| (c.title().to_owned(), c.seats()))
            .collect()
    };
    assert_eq!(shape(&dom), [("Mayor".into(), 1), ("Council".into(), 1)]);
    assert_eq!(shape(&dom), shape(&cdf));
    let ids: Vec<&str> = dom.contests().iter().map(|c| c.id()).collect();
    assert_eq!(ids, ["1", "2"]);
    for i in 0..2 {
        assert_eq!(names(&dom, i), names(&cdf, i));
        assert_eq!(rankings(&dom, i), rankings(&cdf, i));
    }
    assert_eq!(names(&dom, 0), ["Ann", "Bob", "Cy", "Write-in"]);
    // The pool is marked, for RCTab's rule (never elected, excluded first).
    let pools: Vec<bool> = dom.contests()[0]
        .candidates()
        .iter()
        .map(|c| c.is_undeclared_write_ins())
        .collect();
    assert_eq!(pools, [false, false, false, true]);
}

#[test]
fn a_contest_is_chosen_by_id_or_description() {
    let read = |c| {
        dominion::read_contest(
            EXPORT,
            RIVERTON,
            &opts(ImportPolicy::default(), None),
            Some(c),
        )
    };
    let by_id = read("2").unwrap();
    let by_name = read("Council").unwrap();
    assert_eq!(by_id.contests().len(), 1);
    assert_eq!(rankings(&by_id, 0), rankings(&by_name, 0));
    let err = read("Sheriff").unwrap_err();
    assert_eq!(
        err.to_string(),
        "no contest \"Sheriff\"; its contests are: 1 (Mayor), 2 (Council)"
    );
}

#[test]
fn an_export_read_alone_is_refused_naming_the_manifests() {
    let err = ballot::read(
        Format::Dominion,
        EXPORT,
        &opts(ImportPolicy::default(), None),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "1:1: Dominion JSON error: expected a Dominion export read with its ContestManifest.json and CandidateManifest.json, found the export alone"
    );
    assert_eq!(
        Format::detect("CvrExport.json", EXPORT),
        Some(Format::Dominion)
    );
    assert_eq!(
        Format::detect("CandidateManifest.json", CANDIDATES),
        Some(Format::Json)
    );
}

const SMALL_CONTESTS: &str =
    r#"{"List": [{"Description": "M", "Id": 7, "VoteFor": 1, "NumOfRanks": 3}]}"#;
const SMALL_CANDIDATES: &str = r#"{"List": [
{"Description": "A", "Id": 1, "ContestId": 7, "Type": "Regular"},
{"Description": "B", "Id": 2, "ContestId": 7, "Type": "Regular"},
{"Description": "C", "Id": 3, "ContestId": 7, "Type": "QualifiedWriteIn"},
{"Description": "W", "Id": 4, "ContestId": 7, "Type": "WriteIn"}]}"#;

fn small() -> Manifests<'static> {
    Manifests {
        contests: SMALL_CONTESTS.as_bytes(),
        candidates: SMALL_CANDIDATES.as_bytes(),
    }
}

/// An export of the papers, a session a line from line 2, each the marks
/// `"candidate:rank"` (`candidate:rank:x` for `IsVote: false`) of contest 7.
fn export(papers: &[&[&str]]) -> Vec<u8> {
    let sessions: Vec<String> = papers
        .iter()
        .map(|marks| {
            let marks: Vec<String> = marks
                .iter()
                .map(|m| {
                    let mut p = m.split(':');
                    let (c, r) = (p.next().unwrap(), p.next().unwrap());
                    let vote = p.next().is_none();
                    format!(r#"{{"CandidateId": {c}, "Rank": {r}, "IsAmbiguous": false, "IsVote": {vote}}}"#)
                })
                .collect();
            format!(
                r#"{{"Original": {{"IsCurrent": true, "Cards": [{{"Contests": [{{"Id": 7, "Marks": [{}]}}]}}]}}}}"#,
                marks.join(", ")
            )
        })
        .collect();
    format!("{{\"Sessions\": [\n{}\n]}}\n", sessions.join(",\n")).into_bytes()
}

#[test]
fn marks_become_slots_and_the_policy_decides() {
    let d = ImportPolicy::default();
    let lenient = ImportPolicy::lenient();
    let cases: &[(&[&str], ImportPolicy, &str)] = &[
        (&["1:1", "2:2", "3:3"], d, "A>B>C"),
        (&["3:2", "1:1"], d, "A>C"),
        (&["4:1", "1:2"], d, "Write-in>A"),
        (&["1:1", "2:1:x"], d, "A"),
        (&[], d, ""),
        (&["1:1", "2:2", "3:2"], lenient, "A"),
        (&["1:1", "2:3"], lenient, "A>B"),
        (&["1:1", "1:2", "2:3"], lenient, "A>B"),
    ];
    for (marks, policy, want) in cases {
        let e = dominion::read(&export(&[marks]), small(), &opts(*policy, None))
            .unwrap_or_else(|e| panic!("{marks:?}: {e}"));
        let (got, blank) = rankings(&e, 0);
        if want.is_empty() {
            assert_eq!((got, blank), (vec![], 1), "{marks:?}");
        } else {
            assert_eq!((got, blank), (vec![(want.to_string(), 1)], 0), "{marks:?}");
        }
        assert_eq!(names(&e, 0), ["A", "B", "C", "Write-in"]);
    }
}

#[test]
fn every_kind_of_bad_input_is_refused_at_its_path() {
    let d = ImportPolicy::default();
    let bad_export: Vec<(Vec<u8>, &str)> = vec![
        (
            export(&[&["1:1"], &["1:1", "2:1"]]),
            "3:78: Dominion JSON error in ballot 2 at Sessions[1].Original.Cards[0].Contests[0].Marks[0]: expected a strict ranking (pass --overvotes end-at-overvote|skip-rank to read such papers), found an overvote at rank 1",
        ),
        (
            export(&[&["1:2"]]),
            "2:58: Dominion JSON error in ballot 1 at Sessions[0].Original.Cards[0].Contests[0]: expected a strict ranking (pass --skipped-ranks close-up|end-at-gap to read such papers), found a skipped rank at rank 1",
        ),
        (
            export(&[&["9:1"]]),
            "2:94: Dominion JSON error in ballot 1 at Sessions[0].Original.Cards[0].Contests[0].Marks[0].CandidateId: expected the Id of a candidate of contest 7 in the CandidateManifest.json, found 9",
        ),
        (
            export(&[&["1:4"]]),
            "2:105: Dominion JSON error in ballot 1 at Sessions[0].Original.Cards[0].Contests[0].Marks[0].Rank: expected a rank from 1 to 3, found 4",
        ),
        (
            String::from_utf8(export(&[&["1:1"]]))
                .unwrap()
                .replace("\"Id\": 7", "\"Id\": 8")
                .into_bytes(),
            "2:65: Dominion JSON error in ballot 1 at Sessions[0].Original.Cards[0].Contests[0].Id: expected the Id of a contest of the ContestManifest.json, found 8",
        ),
        (
            String::from_utf8(export(&[&["1:1"]]))
                .unwrap()
                .replace("\"Rank\": 1", "\"Rank\": -1")
                .into_bytes(),
            "2:106: Dominion JSON error in ballot 1 at Sessions[0].Original.Cards[0].Contests[0].Marks[0].Rank: expected a Dominion CVR export, found invalid value: integer `-1`, expected u64",
        ),
        (
            b"{\"Session\": []}".to_vec(),
            "1:15: Dominion JSON error: expected a Dominion CVR export, found missing field `Sessions`",
        ),
    ];
    // Columns checked by hand: where the value named starts (for
    // serde_json's own errors, where it stopped: a missing field's at the
    // object's closing brace).
    let mut wrong = Vec::new();
    for (bytes, want) in bad_export {
        let err = dominion::read(&bytes, small(), &opts(d, None)).unwrap_err();
        if err.to_string() != want {
            wrong.push(format!("got:  {err}\nwant: {want}"));
        }
    }
    let bad_manifest: Vec<(&str, &str, &str)> = vec![
        (
            r#"{"List": [{"Description": "M", "Id": 7, "VoteFor": 0}]}"#,
            SMALL_CANDIDATES,
            "1:52: Dominion JSON error at List[0].VoteFor of ContestManifest.json: expected a number of seats from 1, found 0",
        ),
        (
            SMALL_CONTESTS,
            r#"{"List": [{"Description": "A", "Id": 1, "ContestId": 7}, {"Description": "B", "Id": 1, "ContestId": 7}]}"#,
            "1:85: Dominion JSON error at List[1].Id of CandidateManifest.json: expected a candidate Id used once in its contest, found 1",
        ),
        (
            SMALL_CONTESTS,
            r#"{"List": [{"Description": "A", "Id": 1}]}"#,
            "1:39: Dominion JSON error at List[0] of CandidateManifest.json: expected a Dominion candidate manifest, found missing field `ContestId`",
        ),
        (
            SMALL_CONTESTS,
            r#"{"List": [{"Description": "A", "Id": 1, "ContestId": 8}]}"#,
            "1:10: Dominion JSON error at List of ContestManifest.json: expected a contest with candidates in the candidate manifest, found none",
        ),
    ];
    for (contests, candidates, want) in bad_manifest {
        let m = Manifests {
            contests: contests.as_bytes(),
            candidates: candidates.as_bytes(),
        };
        let err = dominion::read(&export(&[]), m, &opts(d, None)).unwrap_err();
        if err.to_string() != want {
            wrong.push(format!("got:  {err}\nwant: {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn seats_from_vote_for_must_agree_with_those_given() {
    let err =
        dominion::read(EXPORT, RIVERTON, &opts(ImportPolicy::default(), Some(2))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "8:18: Dominion JSON error at List[0].VoteFor of ContestManifest.json: expected the seats given (2), found 1"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Truncated, cut or changed bytes in any of the three files: an
    /// election or a positioned error, never a panic.
    #[test]
    fn a_mangled_export_or_manifest_never_panics(
        which in 0u8..3,
        cut in 0usize..EXPORT.len(),
        at in 0usize..EXPORT.len(),
        byte in any::<u8>(),
        mode in 0u8..3,
    ) {
        let mut files = [EXPORT.to_vec(), CONTESTS.to_vec(), CANDIDATES.to_vec()];
        let f = &mut files[usize::from(which)];
        let (cut, at) = (cut % f.len(), at % f.len());
        match mode {
            0 => f.truncate(cut),
            1 => f[at] = byte,
            _ => { f.drain(at.min(cut)..at.max(cut)); }
        }
        let m = Manifests { contests: &files[1], candidates: &files[2] };
        for policy in [ImportPolicy::default(), ImportPolicy::lenient()] {
            if let Err(e) = dominion::read(&files[0], m, &opts(policy, None)) {
                for one in e.each() {
                    if let ErrorKind::JsonValue { pos, .. } = one.kind() {
                        prop_assert!(pos.line >= 1 && pos.column >= 1, "{one}");
                    }
                }
            }
        }
    }
}
