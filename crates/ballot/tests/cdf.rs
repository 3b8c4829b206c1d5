//! The NIST CDF JSON reader: the Riverton fixture read whole and by
//! contest (its Mayor papers checked against the same papers as BLT), the
//! marks of small reports through the import policy, an error per kind of
//! bad input at its JSON path, and no panic on any mangled report.

use ballot::policy::{Overvotes, RepeatedCandidates, SkippedRanks};
use ballot::{Election, ErrorKind, Format, ImportPolicy, ReadOptions};
use proptest::prelude::*;

const RIVERTON: &[u8] = include_bytes!("fixtures/cdf-riverton.json");
const RIVERTON_MAYOR_BLT: &[u8] = include_bytes!("fixtures/cdf-riverton-mayor.blt");

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
fn the_riverton_report_reads_as_two_contests_with_the_current_snapshots() {
    let e = ballot::read(
        Format::Cdf,
        RIVERTON,
        &opts(ImportPolicy::default(), Some(1)),
    )
    .unwrap();
    assert_eq!(e.title, "Riverton municipal election");
    let ids: Vec<(&str, &str, u32)> = e
        .contests()
        .iter()
        .map(|c| (c.id(), c.title(), c.seats()))
        .collect();
    // The ballot measure is passed over.
    assert_eq!(
        ids,
        [
            ("contest-mayor", "Mayor", 1),
            ("contest-council", "Council", 1)
        ]
    );
    assert_eq!(names(&e, 0), ["Ann", "Bob", "Cy", "Write-in"]);
    // The pool is marked, for RCTab's rule (never elected, excluded first).
    let pools: Vec<bool> = e.contests()[0]
        .candidates()
        .iter()
        .map(|c| c.is_undeclared_write_ins())
        .collect();
    assert_eq!(pools, [false, false, false, true]);
    let s = |r: &str, n| (r.to_string(), n);
    assert_eq!(
        rankings(&e, 0),
        (
            vec![
                s("Ann>Bob>Cy", 2),
                s("Bob>Ann", 1),
                s("Bob>Cy", 1),
                s("Cy", 1),
                s("Write-in", 1),
                s("Write-in>Ann", 1),
            ],
            1
        )
    );
    // CVRs 3, 4, 5, 7 and 8 have no Council contest: not its papers.
    assert_eq!(names(&e, 1), ["Dee", "Eve"]);
    assert_eq!(rankings(&e, 1), (vec![s("Dee", 2), s("Eve>Dee", 1)], 0));
    assert!(e.contests()[0].irregularities().is_empty());
}

#[test]
fn the_riverton_mayor_papers_are_those_of_the_same_papers_as_blt() {
    let cdf = ballot::read_contest(
        Format::Cdf,
        RIVERTON,
        &opts(ImportPolicy::default(), None),
        Some("Mayor"),
    )
    .unwrap();
    let blt = ballot::read(
        Format::Blt,
        RIVERTON_MAYOR_BLT,
        &opts(ImportPolicy::default(), None),
    )
    .unwrap();
    assert_eq!(cdf.contests().len(), 1);
    assert_eq!(names(&cdf, 0), names(&blt, 0));
    assert_eq!(rankings(&cdf, 0), rankings(&blt, 0));
    assert_eq!(
        cdf.contests()[0].ballots().first_preferences(),
        blt.contests()[0].ballots().first_preferences()
    );
}

#[test]
fn a_contest_is_chosen_by_id_or_name_and_one_the_file_lacks_is_listed() {
    let read = |c| {
        ballot::read_contest(
            Format::Cdf,
            RIVERTON,
            &opts(ImportPolicy::default(), Some(2)),
            Some(c),
        )
    };
    let by_id = read("contest-council").unwrap();
    let by_name = read("Council").unwrap();
    assert_eq!(by_id.contests().len(), 1);
    assert_eq!(by_id.contests()[0].id(), "contest-council");
    assert_eq!(by_id.contests()[0].seats(), 2);
    assert_eq!(rankings(&by_id, 0), rankings(&by_name, 0));
    let err = read("Sheriff").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NoSuchContest { .. }));
    assert_eq!(
        err.to_string(),
        "no contest \"Sheriff\"; its contests are: contest-mayor (Mayor), contest-council (Council)"
    );
    // A ballot measure is not a contest recount reads.
    assert!(read("measure-a").is_err());
    // Seats given that disagree with NumberElected.
    let err = read("Mayor").unwrap_err();
    assert!(
        err.to_string().contains(
            "at Election[0].Contest[0].NumberElected: expected the seats given (2), found 1"
        ),
        "{err}"
    );
}

#[test]
fn seats_are_needed_for_a_contest_without_number_elected() {
    let err =
        ballot::read(Format::Cdf, RIVERTON, &opts(ImportPolicy::default(), None)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "NIST CDF JSON files do not record seats; pass --seats N"
    );
}

const HEAD: &str = r#"{"@type": "CVR.CastVoteRecordReport",
"Election": [{"Candidate": [{"@id": "a", "Name": "A"}, {"@id": "b", "Name": "B"}, {"@id": "c", "Name": "C"}],
"Contest": [{"@id": "m", "Name": "M", "NumberElected": 1, "ContestSelection": [
 {"@id": "sa", "CandidateIds": ["a"]}, {"@id": "sb", "CandidateIds": ["b"]},
 {"@id": "sc", "CandidateIds": ["c"]}, {"@id": "w1", "IsWriteIn": true}, {"@id": "w2", "IsWriteIn": true}]}]}],
"CVR": ["#;

/// A report of the papers, one CVR a line from line 7, each the marks
/// `"sel:rank"` of contest `m` with `HasIndication: yes` (`sel:rank:extra`
/// puts `extra` in its place).
fn report(papers: &[&[&str]]) -> Vec<u8> {
    let cvrs: Vec<String> = papers.iter().map(|marks| paper(marks)).collect();
    format!("{HEAD}\n{}\n]}}\n", cvrs.join(",\n")).into_bytes()
}

fn paper(marks: &[&str]) -> String {
    let sels: Vec<String> = marks
        .iter()
        .map(|m| {
            let mut parts = m.splitn(3, ':');
            let sel = parts.next().unwrap();
            let rank = parts.next().unwrap();
            let extra = parts.next().unwrap_or(r#""HasIndication": "yes""#);
            format!(
                r#"{{"ContestSelectionId": "{sel}", "SelectionPosition": [{{"Rank": {rank}, {extra}}}]}}"#
            )
        })
        .collect();
    format!(
        r#"{{"CurrentSnapshotId": "s", "CVRSnapshot": [{{"@id": "s", "Type": "original", "CVRContest": [{{"ContestId": "m", "CVRContestSelection": [{}]}}]}}]}}"#,
        sels.join(", ")
    )
}

#[test]
fn ranks_become_slots_and_the_policy_decides() {
    let lenient = ImportPolicy::lenient();
    let skip_overvote = ImportPolicy {
        overvotes: Overvotes::SkipRank,
        ..lenient
    };
    let end_at_gap = ImportPolicy {
        skipped_ranks: SkippedRanks::EndAtGap,
        ..lenient
    };
    let end_at_repeat = ImportPolicy {
        repeated_candidates: RepeatedCandidates::EndAtRepeat,
        ..lenient
    };
    let d = ImportPolicy::default();
    // (marks, policy, the ranking, "" for a blank paper)
    let cases: &[(&[&str], ImportPolicy, &str)] = &[
        (&["sa:1", "sb:2", "sc:3"], d, "A>B>C"),
        (&["sc:3", "sa:1", "sb:2"], d, "A>B>C"),
        (&["sb:1"], d, "B"),
        (&[], d, ""),
        (&["sa:1", "sb:3"], lenient, "A>B"),
        (&["sa:2", "sb:3"], end_at_gap, ""),
        (&["sa:1", "sb:2", "sc:2"], lenient, "A"),
        (&["sa:1", "sb:2", "sc:2", "sc:3"], skip_overvote, "A>C"),
        (&["sa:1", "sa:2", "sb:3"], lenient, "A>B"),
        (&["sa:1", "sa:2", "sb:3"], end_at_repeat, "A"),
        // One selection marked twice at one rank is one mark.
        (&["sa:1", "sa:1", "sb:2"], d, "A>B"),
        // Two write-in selections at one rank are two selections.
        (&["w1:1", "w2:1", "sa:2"], skip_overvote, "A"),
        (&["w1:1", "sa:2"], d, "Write-in>A"),
        // Marks that are not votes.
        (&["sa:1", "sb:2:\"IsAllocable\": \"no\"", "sc:2"], d, "A>C"),
        (&["sa:1:\"NumberVotes\": 0", "sb:1"], d, "B"),
        (
            &["sa:1", "sb:2:\"HasIndication\": \"no\"", "sc:2"],
            d,
            "A>C",
        ),
        // IsAllocable decides over HasIndication.
        (
            &["sa:1:\"HasIndication\": \"no\", \"IsAllocable\": \"yes\""],
            d,
            "A",
        ),
    ];
    for (marks, policy, want) in cases {
        let bytes = report(&[marks, &["sc:1"]]);
        let e = ballot::read(Format::Cdf, &bytes, &opts(*policy, None))
            .unwrap_or_else(|e| panic!("{marks:?}: {e}"));
        let (mut got, blank) = rankings(&e, 0);
        let c = got.iter().position(|r| r.0 == "C").unwrap();
        got[c].1 -= 1;
        got.retain(|r| r.1 > 0);
        if want.is_empty() {
            assert_eq!((got, blank), (vec![], 1), "{marks:?}");
        } else {
            assert_eq!((got, blank), (vec![(want.to_string(), 1)], 0), "{marks:?}");
        }
        assert_eq!(e.contests()[0].policy(), policy);
    }
}

#[test]
fn every_kind_of_bad_input_is_refused_at_its_path() {
    let d = ImportPolicy::default();
    let p = |marks: &[&str]| report(&[&["sa:1"], marks]);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            p(&["sa:1", "sb:1"]),
            "8:135: NIST CDF JSON error in ballot 2 at CVR[1].CVRSnapshot[0].CVRContest[0].CVRContestSelection[0]: expected a strict ranking (pass --overvotes end-at-overvote|skip-rank to read such papers), found an overvote at rank 1",
        ),
        (
            p(&["sa:2"]),
            "8:92: NIST CDF JSON error in ballot 2 at CVR[1].CVRSnapshot[0].CVRContest[0]: expected a strict ranking (pass --skipped-ranks close-up|end-at-gap to read such papers), found a skipped rank at rank 1",
        ),
        (
            p(&["sa:1", "sa:2"]),
            "8:225: NIST CDF JSON error in ballot 2 at CVR[1].CVRSnapshot[0].CVRContest[0].CVRContestSelection[1]: expected a strict ranking (pass --repeated-candidates keep-first to read such papers), found a candidate ranked twice at rank 2",
        ),
        (
            p(&["sz:1"]),
            "8:158: NIST CDF JSON error in ballot 2 at CVR[1].CVRSnapshot[0].CVRContest[0].CVRContestSelection[0].ContestSelectionId: expected the @id of a ContestSelection of contest \"m\", found \"sz\"",
        ),
        (
            p(&["sa:0"]),
            "8:195: NIST CDF JSON error in ballot 2 at CVR[1].CVRSnapshot[0].CVRContest[0].CVRContestSelection[0].SelectionPosition[0].Rank: expected a rank from 1 to 1024, found 0",
        ),
        (
            p(&["sa:1:\"IsAllocable\": \"unknown\""]),
            "8:213: NIST CDF JSON error in ballot 2 at CVR[1].CVRSnapshot[0].CVRContest[0].CVRContestSelection[0].SelectionPosition[0].IsAllocable: expected IsAllocable \"yes\" or \"no\" (an undecided mark is an adjudicator's to decide), found \"unknown\"",
        ),
        (
            p(&["sa:1:\"NumberVotes\": 2"]),
            "8:213: NIST CDF JSON error in ballot 2 at CVR[1].CVRSnapshot[0].CVRContest[0].CVRContestSelection[0].SelectionPosition[0].NumberVotes: expected 0 or 1 (a rank holds one vote), found 2",
        ),
        (
            p(&["sa:\"1\""]),
            "8:197: NIST CDF JSON error in ballot 2 at CVR[1].CVRSnapshot[0].CVRContest[0].CVRContestSelection[0].SelectionPosition[0].Rank: expected a NIST CDF cast-vote-record report, found invalid type: string \"1\", expected u64",
        ),
        (
            report(&[&["sa:1"]]).replace_str("\"ContestId\": \"m\"", "\"ContestId\": \"x\""),
            "7:106: NIST CDF JSON error in ballot 1 at CVR[0].CVRSnapshot[0].CVRContest[0].ContestId: expected the @id of a Contest of the election, found \"x\"",
        ),
        (
            report(&[&["sa:1"]]).replace_str(
                "\"CurrentSnapshotId\": \"s\"",
                "\"CurrentSnapshotId\": \"t\"",
            ),
            "7:23: NIST CDF JSON error in ballot 1 at CVR[0].CurrentSnapshotId: expected the @id of one of its 1 CVRSnapshots, found \"t\"",
        ),
        (
            report(&[&["sa:1"]]).replace_str("\"Type\": \"original\"", "\"Type\": \"final\""),
            "7:65: NIST CDF JSON error in ballot 1 at CVR[0].CVRSnapshot[0].Type: expected a snapshot Type: original, modified or interpreted, found \"final\"",
        ),
        (
            report(&[]).replace_str("CVR.CastVoteRecordReport", "CVR.Election"),
            "1:11: NIST CDF JSON error at @type: expected \"@type\": \"CVR.CastVoteRecordReport\", found \"CVR.Election\"",
        ),
        (
            report(&[]).replace_str("[\"c\"]", "[\"q\"]"),
            "5:33: NIST CDF JSON error at Election[0].Contest[0].ContestSelection[2].CandidateIds[0]: expected the @id of a Candidate of the election, found \"q\"",
        ),
        (
            report(&[]).replace_str("\"IsWriteIn\": true}, {", "\"IsWriteIn\": false}, {"),
            "5:40: NIST CDF JSON error at Election[0].Contest[0].ContestSelection[3]: expected a selection naming a candidate (CandidateIds) or a write-in (IsWriteIn), found neither",
        ),
        (
            b"{\"@type\": \"CVR.CastVoteRecordReport\", \"CVR\": [}".to_vec(),
            "1:47: NIST CDF JSON error at CVR[0]: expected a NIST CDF cast-vote-record report, found expected value",
        ),
    ];
    // Columns checked by hand: each is where the value named starts
    // (for serde_json's own errors, the end of the token it stopped at).
    let mut wrong = Vec::new();
    for (bytes, want) in cases {
        let err = ballot::read(Format::Cdf, &bytes, &opts(d, None)).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::JsonValue { .. }));
        if err.to_string() != want {
            wrong.push(format!("got:  {err}\nwant: {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

trait ReplaceStr {
    fn replace_str(self, from: &str, to: &str) -> Vec<u8>;
}

impl ReplaceStr for Vec<u8> {
    fn replace_str(self, from: &str, to: &str) -> Vec<u8> {
        let s = String::from_utf8(self).unwrap();
        assert!(s.contains(from), "{from}");
        s.replacen(from, to, 1).into_bytes()
    }
}

#[test]
fn every_bad_cvr_is_reported_with_its_ballot() {
    let bytes = report(&[&["sa:1", "sb:1"], &["sa:1"], &["sa:2"], &["sq:1"]]);
    let err = ballot::read(Format::Cdf, &bytes, &opts(ImportPolicy::default(), None)).unwrap_err();
    let at: Vec<(u64, Option<u64>)> = err
        .each()
        .iter()
        .map(|e| {
            let p = e.position().unwrap();
            (p.line, p.ballot)
        })
        .collect();
    assert_eq!(at, [(7, Some(1)), (9, Some(3)), (10, Some(4))]);
}

#[test]
fn a_report_is_recognised_by_its_type_and_recount_json_is_not_taken_for_one() {
    assert_eq!(Format::detect("cvr.json", RIVERTON), Some(Format::Cdf));
    assert_eq!(Format::detect("cvr", RIVERTON), Some(Format::Cdf));
    let mut own = Vec::new();
    let e = ballot::read(
        Format::Cdf,
        RIVERTON,
        &opts(ImportPolicy::default(), Some(1)),
    )
    .unwrap();
    ballot::write(Format::Json, &e, &mut own).unwrap();
    assert_eq!(Format::detect("e.json", &own), Some(Format::Json));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Truncated, cut or changed bytes: an election or a positioned error, never a panic.
    #[test]
    fn a_mangled_report_never_panics(
        cut in 0usize..RIVERTON.len(),
        at in 0usize..RIVERTON.len(),
        byte in any::<u8>(),
        mode in 0u8..3,
    ) {
        let mut bytes = RIVERTON.to_vec();
        match mode {
            0 => bytes.truncate(cut),
            1 => bytes[at] = byte,
            _ => { bytes.drain(at.min(cut)..at.max(cut)); }
        }
        for policy in [ImportPolicy::default(), ImportPolicy::lenient()] {
            match ballot::read(Format::Cdf, &bytes, &opts(policy, Some(1))) {
                Ok(e) => prop_assert!(!e.contests().is_empty()),
                Err(e) => {
                    for one in e.each() {
                        if let ErrorKind::JsonValue { pos, .. } = one.kind() {
                            prop_assert!(pos.line >= 1 && pos.column >= 1, "{one}");
                        }
                    }
                }
            }
        }
    }
}

/// A minified report is one line: each error's column is its byte + 1,
/// and the byte is where the value named starts, however many CVRs
/// before it (positions are found in one pass, not from the start each).
#[test]
fn errors_in_a_one_line_report_are_placed_at_their_values() {
    let mut papers: Vec<&[&str]> = vec![&["sa:1"]; 2000];
    papers[700] = &["sa:1", "sb:1"];
    papers[1500] = &["sq:1"];
    let bytes: Vec<u8> = report(&papers)
        .into_iter()
        .map(|b| if b == b'\n' { b' ' } else { b })
        .collect();
    let err = ballot::read(Format::Cdf, &bytes, &opts(ImportPolicy::default(), None)).unwrap_err();
    let each = err.each();
    assert_eq!(each.len(), 2, "{err}");
    let starts: Vec<(Option<u64>, &[u8])> = each
        .iter()
        .map(|e| {
            let p = e.position().unwrap();
            assert_eq!((p.line, p.column), (1, p.byte + 1), "{e}");
            (p.ballot, &bytes[p.byte as usize..p.byte as usize + 25])
        })
        .collect();
    assert_eq!(
        starts,
        [
            (Some(701), &b"{\"ContestSelectionId\": \"s"[..]),
            (Some(1501), &b"\"sq\", \"SelectionPosition\""[..]),
        ]
    );
}
