//! The Clear Ballot ClearVote CVR reader: the Riverton export read against
//! the same papers as a NIST CDF report, a contest chosen, each irregular
//! paper through each import policy choice, an error per kind of bad input
//! at its line and column, a row filter, and no panic on mangled or
//! arbitrary bytes.

use ballot::clearballot;
use ballot::policy::{Overvotes, RepeatedCandidates, SkippedRanks};
use ballot::{Election, ErrorKind, Format, ImportPolicy, ReadOptions, RowFilter};
use proptest::prelude::*;

const RIVERTON: &[u8] = include_bytes!("fixtures/clearballot-riverton.csv");
const RIVERTON_CDF: &[u8] = include_bytes!("fixtures/cdf-riverton.json");

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
    assert_eq!(
        Format::detect("cvr.csv", RIVERTON),
        Some(Format::ClearBallot)
    );
    let cb = ballot::read(Format::ClearBallot, RIVERTON, &opts(d, None)).unwrap();
    let cdf = ballot::read(Format::Cdf, RIVERTON_CDF, &opts(d, Some(1))).unwrap();
    let shape: Vec<(&str, &str, u32)> = cb
        .contests()
        .iter()
        .map(|c| (c.id(), c.title(), c.seats()))
        .collect();
    // Seats from "Vote For 1"; the measure, unranked, is a contest too.
    assert_eq!(
        shape,
        [
            ("Mayor", "Mayor", 1),
            ("Council", "Council", 1),
            ("Measure A", "Measure A", 1)
        ]
    );
    for i in 0..2 {
        assert_eq!(names(&cb, i), names(&cdf, i));
        assert_eq!(rankings(&cb, i), rankings(&cdf, i));
    }
    assert_eq!(names(&cb, 0), ["Ann", "Bob", "Cy", "Write-in"]);
    let pools: Vec<bool> = cb.contests()[0]
        .candidates()
        .iter()
        .map(|c| c.is_undeclared_write_ins())
        .collect();
    assert_eq!(pools, [false, false, false, true]);
    // Rows with the measure's cells empty were not given it.
    assert_eq!(names(&cb, 2), ["Yes", "No"]);
    assert_eq!(rankings(&cb, 2), (vec![("Yes".into(), 1)], 0));
}

#[test]
fn a_contest_is_chosen_by_name_and_only_its_cells_are_read() {
    let o = opts(ImportPolicy::default(), None);
    let council = ballot::read_contest(Format::ClearBallot, RIVERTON, &o, Some("Council")).unwrap();
    assert_eq!(council.contests().len(), 1);
    assert_eq!(
        rankings(&council, 0),
        (vec![("Dee".into(), 2), ("Eve>Dee".into(), 1)], 0)
    );
    // A bad cell of another contest is not read.
    let text = String::from_utf8(RIVERTON.to_vec()).unwrap();
    let bad_mayor = text.replacen(
        "1,BOX-1,1,B-0001,P1,BS-1,Riverton 1,SCAN-1,Accepted,FALSE,1,",
        "1,BOX-1,1,B-0001,P1,BS-1,Riverton 1,SCAN-1,Accepted,FALSE,X,",
        1,
    );
    assert!(clearballot::read_contest(bad_mayor.as_bytes(), &o, Some("Council")).is_ok());
    assert_eq!(
        clearballot::read(bad_mayor.as_bytes(), &o)
            .unwrap_err()
            .to_string(),
        "2:59: Clear Ballot CSV error in ballot 1: expected a mark: 1, 0 or nothing, found \"X\""
    );
    let err = clearballot::read_contest(RIVERTON, &o, Some("Sheriff")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no contest \"Sheriff\"; its contests are: Mayor, Council, Measure A"
    );
}

const FIXED: &str = "RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,BallotStyleID,PrecinctStyleName,ScanComputerName,Status,Remade";

/// An export of contest `M` (vote for 1) with three ranks of `A`, `B`, `C`
/// and `Write-in` twice (two write-in lines), and one row of `marks`, a
/// mark a column in that order (rank 1's five columns first).
fn export(marks: &str) -> Vec<u8> {
    let mut header = FIXED.to_string();
    for r in 1..=3 {
        for (k, n) in ["A", "B", "C", "Write-in", "Write-in"].iter().enumerate() {
            header.push_str(&format!(",Choice_{k}_{r}:M:{r}:Vote For 1:{n}:NP"));
        }
    }
    let cells: Vec<&str> = marks.split(' ').collect();
    format!(
        "{header}\n1,B1,1,ID1,P1,BS1,S,SC,Accepted,FALSE,{}\n",
        cells.join(",")
    )
    .into_bytes()
}

#[test]
fn marks_become_slots_and_the_policy_decides() {
    let d = ImportPolicy::default();
    let lenient = ImportPolicy::lenient();
    let with = |f: fn(&mut ImportPolicy)| {
        let mut p = d;
        f(&mut p);
        p
    };
    let several = with(|p| p.overvotes = Overvotes::EndIfSeveralContinuing);
    let skip_rank = with(|p| p.overvotes = Overvotes::SkipRank);
    let close_up = with(|p| p.skipped_ranks = SkippedRanks::CloseUp);
    let end_at_repeat = with(|p| p.repeated_candidates = RepeatedCandidates::EndAtRepeat);
    // Ranks 1, 2, 3 of A B C W W.
    let cases: &[(&str, ImportPolicy, &str)] = &[
        ("1 0 0 0 0  0 1 0 0 0  0 0 1 0 0", d, "A>B>C"),
        ("0 0 0 1 0  1 0 0 0 0  0 0 0 0 0", d, "Write-in>A"),
        ("0 0 0 0 1  0 0 0 0 0  0 0 0 0 0", d, "Write-in"),
        ("0 0 0 0 0  0 0 0 0 0  0 0 0 0 0", d, ""),
        // Two named choices at one rank: an overvote naming them.
        ("1 1 0 0 0  0 0 1 0 0  0 0 0 0 0", lenient, ""),
        ("0 0 1 0 0  1 1 0 0 0  0 0 0 0 0", lenient, "C"),
        ("1 0 0 0 0  0 0 1 0 0  1 1 0 0 0", several, "A>C>B"),
        // Two write-in lines at one rank: an overvote.
        ("1 0 0 0 0  0 0 0 1 1  0 0 1 0 0", lenient, "A"),
        ("1 0 0 0 0  0 0 0 1 1  0 0 1 0 0", skip_rank, "A>C"),
        // A rank with no mark before a later one.
        ("1 0 0 0 0  0 0 0 0 0  0 1 0 0 0", close_up, "A>B"),
        ("0 0 0 0 0  0 1 0 0 0  0 0 0 0 0", lenient, "B"),
        // One choice at two ranks.
        ("1 0 0 0 0  0 1 0 0 0  1 0 0 0 0", lenient, "A>B"),
        ("1 0 0 0 0  1 0 0 0 0  0 1 0 0 0", end_at_repeat, "A"),
    ];
    for (marks, policy, want) in cases {
        let marks = marks.split_whitespace().collect::<Vec<_>>().join(" ");
        let e = clearballot::read(&export(&marks), &opts(*policy, None))
            .unwrap_or_else(|e| panic!("{marks:?}: {e}"));
        let got = rankings(&e, 0);
        if want.is_empty() {
            assert_eq!(got, (vec![], 1), "{marks:?}");
        } else {
            assert_eq!(got, (vec![(want.to_string(), 1)], 0), "{marks:?}");
        }
        assert_eq!(names(&e, 0), ["A", "B", "C", "Write-in"]);
    }
}

#[test]
fn each_irregularity_is_refused_by_default_naming_the_paper_and_the_option() {
    let cases: &[(&str, &str)] = &[
        (
            "1 1 0 0 0 0 0 0 0 0 0 0 0 0 0",
            "2:39: Clear Ballot CSV error in ballot 1: expected a strict ranking (pass --overvotes end-at-overvote|skip-rank to read such papers), found an overvote at rank 1",
        ),
        (
            "1 0 0 0 0 0 0 0 1 1 0 0 0 0 0",
            "2:55: Clear Ballot CSV error in ballot 1: expected a strict ranking (pass --overvotes end-at-overvote|skip-rank to read such papers), found an overvote at rank 2",
        ),
        (
            "0 0 0 0 0 1 0 0 0 0 0 0 0 0 0",
            "2:39: Clear Ballot CSV error in ballot 1: expected a strict ranking (pass --skipped-ranks close-up|end-at-gap to read such papers), found a skipped rank at rank 1",
        ),
        (
            "1 0 0 0 0 1 0 0 0 0 0 0 0 0 0",
            "2:49: Clear Ballot CSV error in ballot 1: expected a strict ranking (pass --repeated-candidates keep-first to read such papers), found a candidate ranked twice at rank 2",
        ),
    ];
    let mut wrong = Vec::new();
    for (marks, want) in cases {
        let err =
            clearballot::read(&export(marks), &opts(ImportPolicy::default(), None)).unwrap_err();
        if err.to_string() != *want {
            wrong.push(format!("got:  {err}\nwant: {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_kind_of_bad_input_is_refused_at_its_line_and_column() {
    let h = |cells: &str| format!("{FIXED},{cells}\n1,B,1,I,P,S,N,C,A,F,1\n").into_bytes();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            h("Choice_1_1:M:Ann:NP"),
            "1:112: Clear Ballot CSV error: expected a choice column Choice_<id>_<n>:contest:rank:vote-for:choice:party (or, unranked, without the rank), no field holding a ':', found 4 fields in \"Choice_1_1:M:Ann:NP\"",
        ),
        (
            h("Choice_1_1:M:0:Vote For 1:Ann:NP"),
            "1:112: Clear Ballot CSV error: expected a rank from 1 to 1024 as the third field, found \"0\"",
        ),
        (
            h("Choice_1_1::1:Vote For 1:Ann:NP"),
            "1:112: Clear Ballot CSV error: expected a contest name in \"Choice_1_1::1:Vote For 1:Ann:NP\", found nothing",
        ),
        (
            h("Choice_1_1:M:1:Vote For 0:Ann:NP"),
            "1:112: Clear Ballot CSV error: expected a vote-for from 1, found \"Vote For 0\"",
        ),
        (
            format!("{FIXED},Choice_1_1:M:1:Vote For 1:Ann:NP,Choice_2_1:M:1:Vote For 2:Bob:NP\n")
                .into_bytes(),
            "1:145: Clear Ballot CSV error: expected the vote-for of the contest's first column (Vote For 1), found \"Vote For 2\"",
        ),
        (
            format!("{FIXED},Choice_1_1:M:1:Vote For 1:Ann:NP,Choice_2_1:M:1:Vote For 1:Ann:NP\n")
                .into_bytes(),
            "1:145: Clear Ballot CSV error: expected one column for \"Ann\" at rank 1, found a second",
        ),
        (
            format!("{FIXED}\n1,2,3\n").into_bytes(),
            "1:1: Clear Ballot CSV error: expected a header with a Choice_ column (Choice_<id>_<n>:contest:rank:Vote For N:choice:party), found 10 columns, none a choice",
        ),
        (
            b"".to_vec(),
            "1:1: Clear Ballot CSV error: expected a header with a Choice_ column (Choice_<id>_<n>:contest:rank:Vote For N:choice:party), found an empty file",
        ),
        (
            format!("{FIXED},Choice_1_1:M:1:Vote For 1:Ann:NP\n1,B,1,I,P,S,N,C,A,F,2\n2,B,1,I,P,S,N,C,A,F,\"1\n")
                .into_bytes(),
            "2:21: Clear Ballot CSV error in ballot 1: expected a mark: 1, 0 or nothing, found \"2\"\n4:1: Clear Ballot CSV error: expected a closing '\"', found the end of the file",
        ),
        (
            format!("{FIXED},Choice_1_1:M:1:Vote For 1:Ann:NP\n1,B,1,I,P,S,N,C,A,F,\u{e9}\n")
                .into_bytes()
                .into_iter()
                .map(|b| if b == 0xA9 { 0xFF } else { b })
                .collect(),
            "2:21: Clear Ballot CSV error in ballot 1: expected UTF-8 text, found the byte 0xC3",
        ),
    ];
    let mut wrong = Vec::new();
    for (bytes, want) in cases {
        match clearballot::read(&bytes, &opts(ImportPolicy::default(), None)) {
            Ok(_) => wrong.push(format!("read, want: {want}")),
            Err(err) if err.to_string() != want => wrong.push(format!("got:  {err}\nwant: {want}")),
            Err(_) => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn seats_come_from_vote_for_else_from_the_options() {
    let o = |seats| opts(ImportPolicy::default(), seats);
    let err = clearballot::read(RIVERTON, &o(Some(2))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "1:112: Clear Ballot CSV error: expected the seats given (2), found Vote For 1"
    );
    let ranked = |rule: &str| {
        format!(
            "{FIXED},Choice_1_1:M:1:{rule}:Ann:NP,Choice_2_1:M:1:{rule}:Bob:NP\n1,B,1,I,P,S,N,C,A,F,1,0\n"
        )
    };
    let two = clearballot::read(ranked("vote for 2").as_bytes(), &o(None)).unwrap();
    assert_eq!(two.contests()[0].seats(), 2);
    let bare = clearballot::read(ranked("3").as_bytes(), &o(None)).unwrap();
    assert_eq!(bare.contests()[0].seats(), 3);
    let rcv = ranked("Ranked Choice");
    assert_eq!(
        clearballot::read(rcv.as_bytes(), &o(None))
            .unwrap_err()
            .to_string(),
        "Clear Ballot CSV files do not record seats; pass --seats N"
    );
    assert_eq!(
        clearballot::read(rcv.as_bytes(), &o(Some(2)))
            .unwrap()
            .contests()[0]
            .seats(),
        2
    );
}

#[test]
fn a_row_filter_reads_some_boxes_only() {
    let only = |column: &str, value: &str, keep| ReadOptions {
        rows: Some(RowFilter {
            column: column.into(),
            value: value.into(),
            keep,
        }),
        ..opts(ImportPolicy::default(), None)
    };
    let box1 = ballot::read(Format::ClearBallot, RIVERTON, &only("boxid", "BOX-1", true)).unwrap();
    assert_eq!(
        rankings(&box1, 0),
        (vec![("Ann>Bob>Cy".into(), 2), ("Bob>Ann".into(), 1)], 0)
    );
    let rest = ballot::read(
        Format::ClearBallot,
        RIVERTON,
        &only("BoxID", "BOX-1", false),
    )
    .unwrap();
    assert_eq!(rest.contests()[0].ballots().total_papers(), 5);
    // The candidates are the header's either way.
    assert_eq!(names(&box1, 0), names(&rest, 0));
    let err = ballot::read(Format::ClearBallot, RIVERTON, &only("Ward", "1", true)).unwrap_err();
    assert!(
        err.to_string().starts_with(
            "1:1: Clear Ballot CSV error: expected a column named \"Ward\" to filter rows by; the columns are: RowNumber, BoxID,"
        ),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Truncated, cut or changed bytes: an election or a positioned
    /// error, never a panic.
    #[test]
    fn a_mangled_export_never_panics(
        cut in 0usize..RIVERTON.len(),
        at in 0usize..RIVERTON.len(),
        byte in any::<u8>(),
        mode in 0u8..3,
    ) {
        let mut f = RIVERTON.to_vec();
        match mode {
            0 => f.truncate(cut),
            1 => f[at] = byte,
            _ => { f.drain(at.min(cut)..at.max(cut)); }
        }
        for policy in [ImportPolicy::default(), ImportPolicy::lenient()] {
            if let Err(e) = clearballot::read(&f, &opts(policy, Some(1))) {
                for one in e.each() {
                    if let ErrorKind::Syntax { pos, .. } = one.kind() {
                        prop_assert!(pos.line >= 1 && pos.column >= 1, "{one}");
                    }
                }
            }
        }
    }

    /// Arbitrary bytes, alone or under a good header: never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let o = opts(ImportPolicy::lenient(), Some(1));
        let _ = clearballot::read(&bytes, &o);
        let mut under = export("1 0 0 0 0 0 0 0 0 0 0 0 0 0 0");
        under.extend_from_slice(&bytes);
        let _ = clearballot::read(&under, &o);
    }
}
