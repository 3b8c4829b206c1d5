//! The CSV reader and writer: grammar cases, malformed files with their
//! exact errors, the three Cambridge MA ballot records, and the round trip
//! `read(write(e)) == e`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ballot::policy::{Overvotes, RepeatedCandidates, SkippedRanks};
use ballot::{
    BallotsBuilder, Candidate, CandidateId, Contest, Election, ErrorKind, Format, ImportPolicy,
    Irregularities, ReadOptions, RowFilter,
};
use proptest::prelude::*;
use recount_testkit::{Names, arb_election};

fn opts(seats: Option<u32>) -> ReadOptions {
    ReadOptions {
        seats,
        id: "t".into(),
        ..ReadOptions::default()
    }
}

/// Rankings as `(count, [names])`.
type Rankings = Vec<(u64, Vec<String>)>;

/// Candidate names, rankings, and blank papers.
fn summary(e: &Election) -> (Vec<String>, Rankings, u64) {
    let c = &e.contests()[0];
    let name = |id: CandidateId| c.candidate(id).name.clone();
    (
        c.candidates().iter().map(|k| k.name.clone()).collect(),
        c.ballots()
            .iter()
            .map(|b| (b.count.0, b.ranking.iter().map(|&id| name(id)).collect()))
            .collect(),
        c.ballots().blank().0,
    )
}

#[test]
fn csv_grammar_cases() {
    type Case = (
        &'static str,
        &'static [&'static str],
        &'static [(u64, &'static [&'static str])],
        u64,
    );
    let cases: &[Case] = &[
        (
            "rank1,rank2\nB,A\nA,\n",
            &["A", "B"],
            &[(1, &["B", "A"]), (1, &["A"])],
            0,
        ),
        (
            "rank2,x,rank1\nA,zz,B\nA,q,B\n",
            &["A", "B"],
            &[(2, &["B", "A"])],
            0,
        ),
        ("RANK1 , Rank2\n b , undervote\n", &["b"], &[(1, &["b"])], 0),
        ("rank1,rank2\n,\nUNDERVOTE\nA\n", &["A"], &[(1, &["A"])], 2),
        ("weight,rank1\n5,A\n2,A\n3,\n", &["A"], &[(7, &["A"])], 3),
        ("Count,rank1\n5,A\n", &["A"], &[(5, &["A"])], 0),
        (
            "rank1,rank2,rank3\n\"Smith, J\",\"Say \"\"Hi\"\"\"\n",
            &["Say \"Hi\"", "Smith, J"],
            &[(1, &["Smith, J", "Say \"Hi\""])],
            0,
        ),
        (
            "rank1,rank2\nWrite-In 1,Zed\n",
            &["Write-In 1", "Zed"],
            &[(1, &["Write-In 1", "Zed"])],
            0,
        ),
        ("invalid,rank1\nFalse,A\nTrue,\n", &["A"], &[(1, &["A"])], 1),
        (
            "rank1,valid\nA,t\n,f\nB,T\n",
            &["A", "B"],
            &[(1, &["A"]), (1, &["B"])],
            1,
        ),
        (
            "# free comment\n# another\nrank1\nA\n",
            &["A"],
            &[(1, &["A"])],
            0,
        ),
        ("\u{feff}rank1\r\nA\r\n", &["A"], &[(1, &["A"])], 0),
        (
            "# recount-csv/1\n# candidate: \"A\"\nweight\n4\n",
            &["A"],
            &[],
            4,
        ),
    ];
    for (input, names, want, blank) in cases {
        let e = ballot::read(Format::Csv, input.as_bytes(), &opts(Some(1)))
            .unwrap_or_else(|err| panic!("{input:?}: {err}"));
        let want: Vec<(u64, Vec<String>)> = want
            .iter()
            .map(|(c, r)| (*c, r.iter().map(|s| s.to_string()).collect()))
            .collect();
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        assert_eq!(summary(&e), (names, want, *blank), "{input:?}");
    }
}

#[test]
fn csv_candidates_do_not_depend_on_row_order() {
    let a = ballot::read(Format::Csv, b"rank1,rank2\nZoe,Al\nMo,\n", &opts(Some(1))).unwrap();
    let b = ballot::read(Format::Csv, b"rank1,rank2\nMo,\nZoe,Al\n", &opts(Some(1))).unwrap();
    assert_eq!(summary(&a).0, ["Al", "Mo", "Zoe"]);
    assert_eq!(summary(&a).0, summary(&b).0);
}

fn filtered(column: &str, value: &str, keep: bool) -> ReadOptions {
    ReadOptions {
        rows: Some(RowFilter {
            column: column.into(),
            value: value.into(),
            keep,
        }),
        ..opts(Some(1))
    }
}

/// The row filter: each case a file, a filter, and the rankings read.
#[test]
fn csv_row_filter_cases() {
    type Case = (
        &'static str,
        (&'static str, &'static str, bool),
        &'static [(u64, &'static [&'static str])],
    );
    let cases: &[Case] = &[
        // Keep one batch; the others are not papers.
        (
            "batch,rank1,rank2\n1,A,B\n2,B,A\n2,B,\n",
            ("batch", "2", true),
            &[(1, &["B", "A"]), (1, &["B"])],
        ),
        // Every row but that batch.
        (
            "batch,rank1,rank2\n1,A,B\n2,B,A\n2,B,\n",
            ("batch", "2", false),
            &[(1, &["A", "B"])],
        ),
        // The column's name without case after trimming; the cell trimmed, case kept.
        (
            " Precinct ,rank1\n North ,A\nnorth,B\nsouth,B\n",
            ("PRECINCT", "North", true),
            &[(1, &["A"])],
        ),
        // With weights, the weight of the rows kept.
        (
            "weight,ward,rank1\n3,x,A\n4,y,A\n5,x,B\n",
            ("ward", "x", false),
            &[(4, &["A"])],
        ),
        // A short row has an empty cell: it matches an empty value.
        (
            "rank1,region\nA\nB,east\n",
            ("region", "", true),
            &[(1, &["A"])],
        ),
        // The column may come past the rank columns, of a long row.
        (
            "rank1,rank2,a,b,c,batch\nA,B,,,,9\nB,,,,,8\n",
            ("batch", "9", false),
            &[(1, &["B"])],
        ),
    ];
    for (input, (column, value, keep), want) in cases {
        let e = ballot::read(
            Format::Csv,
            input.as_bytes(),
            &filtered(column, value, *keep),
        )
        .unwrap_or_else(|err| panic!("{input:?}: {err}"));
        let want: Rankings = want
            .iter()
            .map(|(n, r)| (*n, r.iter().map(|s| s.to_string()).collect()))
            .collect();
        assert_eq!(summary(&e).1, want, "{input:?} {column} {value} {keep}");
    }
}

#[test]
fn csv_row_filter_keeps_every_rows_candidates() {
    // B stands though the batch that named B is left out.
    let e = ballot::read(
        Format::Csv,
        b"batch,rank1\n1,A\n2,B\n",
        &filtered("batch", "2", false),
    )
    .unwrap();
    assert_eq!(summary(&e).0, ["A", "B"]);
    assert_eq!(summary(&e).1, [(1, vec!["A".to_string()])]);
}

#[test]
fn csv_row_filter_errors_name_the_header_and_the_columns() {
    let err = ballot::read(
        Format::Csv,
        b"# free comment\nbatch, rank1\n1,A\n",
        &filtered("ward", "1", true),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "2:1: CSV error: expected a column named \"ward\" to filter rows by; the columns are: batch, rank1, found no such column"
    );
    let err = ballot::read(
        Format::Csv,
        b"batch,rank1,BATCH\n1,A,2\n",
        &filtered("batch", "1", true),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "1:13: CSV error: expected one column named \"batch\" to filter rows by, found \"BATCH\""
    );
    // A row left out is not read: its bad weight is no error.
    let e = ballot::read(
        Format::Csv,
        b"weight,batch,rank1\nx,1,A\n2,2,B\n",
        &filtered("batch", "1", false),
    )
    .unwrap();
    assert_eq!(summary(&e).1, [(2, vec!["B".to_string()])]);
}

#[test]
fn csv_weight_column_from_the_options() {
    let mut o = opts(Some(1));
    o.weight_column = Some("n".into());
    let e = ballot::read(Format::Csv, b"n,count,rank1\n3,9,A\n", &o).unwrap();
    assert_eq!(summary(&e).1, [(3, vec!["A".to_string()])]);
    o.weight_column = Some("papers".into());
    let err = ballot::read(Format::Csv, b"n,rank1\n3,A\n", &o).unwrap_err();
    assert_eq!(
        err.to_string(),
        "1:1: CSV error: expected a weight column named \"papers\", found no such column"
    );
}

#[test]
fn csv_irregular_rows_follow_the_import_policy() {
    let input = b"rank1,rank2,rank3\nA,,B\nA,overvote,B\nA,A,B\n";
    let err = ballot::read(Format::Csv, input, &opts(Some(1))).unwrap_err();
    let lines: Vec<String> = err.each().iter().map(|e| e.to_string()).collect();
    assert_eq!(
        lines,
        [
            "2:3: CSV error in ballot 1: expected a strict ranking (pass --skipped-ranks close-up|end-at-gap to read such papers), found a skipped rank",
            "3:3: CSV error in ballot 2: expected a strict ranking (pass --overvotes end-at-overvote|skip-rank to read such papers), found an overvote",
            "4:3: CSV error in ballot 3: expected a strict ranking (pass --repeated-candidates keep-first to read such papers), found a candidate ranked twice",
        ]
    );
    let mut o = opts(Some(1));
    o.policy = ImportPolicy {
        skipped_ranks: SkippedRanks::CloseUp,
        overvotes: Overvotes::EndAtOvervote,
        repeated_candidates: RepeatedCandidates::KeepFirst,
        ..ImportPolicy::default()
    };
    let e = ballot::read(Format::Csv, input, &o).unwrap();
    let ab = vec!["A".to_string(), "B".to_string()];
    assert_eq!(summary(&e).1, [(2, ab), (1, vec!["A".to_string()])]);
    let c = &e.contests()[0];
    assert_eq!(c.policy(), &o.policy);
    assert_eq!(
        c.irregularities(),
        &Irregularities {
            skipped_ranks: 1,
            overvotes: 1,
            repeated_candidates: 1,
            ..Irregularities::default()
        }
    );
}

#[test]
fn positions_in_crlf_files_and_after_blank_lines_are_the_cells_own() {
    // The parser stops a CRLF record past its CR, and skips blank lines
    // before a record: an error is still at its own line and column.
    for (input, want) in [
        (&b"rank1,rank2\nA,B\nA,A\n"[..], (3, 3)),
        (b"rank1,rank2\r\nA,B\r\nA,A\r\n", (3, 3)),
        (b"rank1,rank2\n\n\nA,B\r\n\r\nA,A\n", (6, 3)),
    ] {
        let err = ballot::read(Format::Csv, input, &opts(Some(1))).unwrap_err();
        let at = err.position().map(|p| (p.line, p.column));
        assert_eq!(at, Some(want), "{err}");
    }
}

#[test]
fn malformed_csv_gives_exact_errors() {
    let cases: &[(&str, &str)] = &[
        (
            "",
            "1:1: CSV error: expected a header row with columns rank1, rank2, …, found nothing",
        ),
        (
            "name,party\nA,B\n",
            "1:1: CSV error: expected a header row with columns rank1, rank2, …, found \"name,party\"",
        ),
        (
            "rank1,rank3\nA,B\n",
            "1:1: CSV error: expected a column rank2 (rank columns are numbered from 1 without gaps), found rank3 after rank1",
        ),
        (
            "rank1,x,RANK1\n",
            "1:9: CSV error: expected one rank1 column, found \"RANK1\"",
        ),
        (
            "weight,count\n",
            "1:8: CSV error: expected one weight column, found \"count\"",
        ),
        (
            "weight,rank1\n0,A\n",
            "2:1: CSV error in ballot 1: expected a paper count (a whole number from 1), found \"0\"",
        ),
        (
            "weight,rank1\nA,1,x\n\"2.5\",B\n",
            "2:1: CSV error in ballot 1: expected a paper count (a whole number from 1), found \"A\"\n3:1: CSV error in ballot 2: expected a paper count (a whole number from 1), found \"2.5\"",
        ),
        (
            "weight,rank1\n18446744073709551615,A\n1,B\n",
            "3:1: CSV error in ballot 2: expected a total of papers below 2^64, found 1 more papers, a total of 18446744073709551616",
        ),
        (
            "x,invalid,rank1\n\"a\nb\",True,A\n",
            "3:4: CSV error in ballot 1: expected a valid paper, or a rejected one that ranks nobody (recount keeps rejected papers only as blank papers; delete the row or clear its flag), found a rejected paper with preferences",
        ),
        (
            "rank1,rank2\nA,\"Bo\nb",
            "3:2: CSV error: expected a closing '\"', found the end of the file",
        ),
        (
            "rank1,\"rank2",
            "1:13: CSV error: expected a closing '\"', found the end of the file",
        ),
        (
            "rank1,rank2\nA,\"B\"\"\"\nO\"Neil,O\"Neil\n",
            "3:8: CSV error in ballot 2: expected a strict ranking (pass --repeated-candidates keep-first to read such papers), found a candidate ranked twice",
        ),
        (
            "invalid,rank1\nmaybe,A\n",
            "2:1: CSV error in ballot 1: expected true or false (t/f, yes/no, 1/0), found \"maybe\"",
        ),
        (
            "ward,rank1,rank2\n\"é, \"\"ü\"\"\",,B\n",
            "2:12: CSV error in ballot 1: expected a strict ranking (pass --skipped-ranks close-up|end-at-gap to read such papers), found a skipped rank",
        ),
        (
            "ward,rank1,rank2\n\"multi\nline\",A,\n\"é\",,B\n",
            "4:5: CSV error in ballot 2: expected a strict ranking (pass --skipped-ranks close-up|end-at-gap to read such papers), found a skipped rank",
        ),
    ];
    for (input, want) in cases {
        let err = ballot::read(Format::Csv, input.as_bytes(), &opts(Some(1))).unwrap_err();
        assert_eq!(err.to_string(), *want, "{input:?}");
    }
    let err = ballot::read(Format::Csv, b"rank1,rank2\nA,\xff\n", &opts(Some(1))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "2:3: CSV error in ballot 1: expected UTF-8 text, found the byte 0xFF"
    );
}

#[test]
fn malformed_csv_metadata_gives_exact_errors() {
    let cases: &[(&str, &str)] = &[
        (
            "# recount-csv/1\n# seats: 0\nrank1\n",
            "2:10: CSV error: expected a number of seats from 1, found \"0\"",
        ),
        (
            "# recount-csv/1\n# title: plain\nrank1\n",
            "2:10: CSV error: expected a JSON string, found \"plain\"",
        ),
        (
            "# recount-csv/1\n# colour: \"red\"\nrank1\n",
            "2:3: CSV error: expected a key contest, title, election, election-title, seats, candidate, withdrawn, tie-order, policy or irregularities, found \"colour\"",
        ),
        (
            "# recount-csv/1\nno colon\nrank1\n",
            "2:1: CSV error: expected a header row with columns rank1, rank2, …, found \"no colon\"",
        ),
        (
            "# recount-csv/1\n# nothing\nrank1\n",
            "2:1: CSV error: expected a metadata line \"# key: value\", found \"# nothing\"",
        ),
        (
            "# recount-csv/1\n# candidate: \"A\"\n# candidate: \"A\"\nrank1\n",
            "3:14: CSV error: expected a name no other candidate has, found \"A\" again (candidate 1)",
        ),
        (
            "# recount-csv/1\n# seats: 2\n# seats: 2\nrank1\n",
            "3:1: CSV error: expected one \"# seats:\" line, found a second one",
        ),
        (
            "# recount-csv/1\n# candidate: \"A\"\nrank1\nB\n",
            "4:1: CSV error in ballot 1: expected a candidate declared in the \"# candidate:\" lines, found \"B\"",
        ),
        (
            "# recount-csv/1\n# candidate: \"A\"\n# withdrawn: \"Q\"\nrank1\nA\n",
            "3:14: CSV error: expected the name of a declared candidate, found \"Q\"",
        ),
        (
            "# recount-csv/1\n# seats: 3\nrank1\n",
            "2:10: CSV error: expected 1 seats, as the options say, found 3",
        ),
        (
            "# recount-csv/1\n# policy: {\"equal-rankings\": \"maybe\"}\nrank1\n",
            "2:11: CSV error: expected an import policy object, found \"{\\\"equal-rankings\\\": \\\"maybe\\\"}\"",
        ),
    ];
    for (input, want) in cases {
        let err = ballot::read(Format::Csv, input.as_bytes(), &opts(Some(1))).unwrap_err();
        assert_eq!(err.to_string(), *want, "{input:?}");
    }
}

#[test]
fn csv_with_no_candidate_is_refused_by_the_model() {
    let err = ballot::read(Format::Csv, b"rank1,rank2\n,\n", &opts(Some(1))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid election: a contest needs at least one candidate"
    );
}

#[test]
fn csv_without_seats_says_to_pass_them() {
    let err = ballot::read(Format::Csv, b"rank1\nA\n", &opts(None)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "this CSV file does not record seats (no \"# seats:\" line); pass --seats N"
    );
}

fn small() -> Election {
    let candidates = vec![
        Candidate::named(1, "Smith, Jo"),
        Candidate::named(2, "Ann \"Nan\" Lee"),
        Candidate::named(3, "Overvote"),
    ];
    let c = |i| CandidateId::new(i).unwrap();
    let mut b = BallotsBuilder::new(3);
    b.push(&[c(1), c(0)], 4).unwrap();
    b.push(&[c(2)], 1).unwrap();
    b.push(&[], 2).unwrap();
    let contest = Contest::new("w1", "Ward 1", 2, candidates, b.build())
        .and_then(|k| k.with_withdrawn([c(2)]))
        .unwrap();
    Election::single(contest)
}

#[test]
fn csv_writer_output_is_canonical() {
    let mut out = Vec::new();
    ballot::write(Format::Csv, &small(), &mut out).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "# recount-csv/1\n# contest: \"w1\"\n# title: \"Ward 1\"\n# seats: 2\n\
         # candidate: \"Smith, Jo\"\n# candidate: \"Ann \\\"Nan\\\" Lee\"\n# candidate: \"Overvote\"\n\
         # withdrawn: \"Overvote\"\n\
         weight,rank1,rank2\n4,\"Ann \"\"Nan\"\" Lee\",\"Smith, Jo\"\n1,Overvote,\n2,,\n"
    );
}

#[test]
fn csv_writer_refuses_what_csv_cannot_hold() {
    let e = small();
    let two = Election::new(
        "e",
        "E",
        vec![e.contests()[0].clone(), {
            let c = e.contests()[0].clone();
            Contest::new("w2", "W", 1, c.candidates().to_vec(), c.ballots().clone()).unwrap()
        }],
    )
    .unwrap();
    let err = ballot::write(Format::Csv, &two, &mut Vec::new()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::Unrepresentable { .. }));
    assert_eq!(
        err.to_string(),
        "cannot write this election as CSV: 2 contests; a CSV file holds one"
    );
    let same = vec![Candidate::named(1, "A"), Candidate::named(2, "A")];
    let dup =
        Election::single(Contest::new("c", "C", 1, same, BallotsBuilder::new(2).build()).unwrap());
    let err = ballot::write(Format::Csv, &dup, &mut Vec::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot write this election as CSV: two candidates are named \"A\""
    );
}

fn round_trip(e: &Election) -> Election {
    let mut out = Vec::new();
    ballot::write(Format::Csv, e, &mut out).unwrap();
    ballot::read(Format::Csv, &out, &opts(None))
        .unwrap_or_else(|err| panic!("{err}\n{}", String::from_utf8_lossy(&out)))
}

#[test]
fn csv_round_trip_keeps_everything_the_model_holds() {
    let mut e = small();
    assert_eq!(round_trip(&e), e);
    // Ids, affiliations, attributes, tie order, policy and irregularities.
    let c = &e.contests()[0];
    let mut candidates = c.candidates().to_vec();
    candidates[0].id = "smith".into();
    candidates[1].affiliation = Some("Green, \"new\"".into());
    candidates[2]
        .attributes
        .insert("gender".into(), "woman".into());
    let ids: Vec<CandidateId> = c.candidate_ids().rev().collect();
    let contest = Contest::new("w1", "Ward 1", 2, candidates, c.ballots().clone())
        .and_then(|k| k.with_tie_order(ids))
        .unwrap()
        .with_import(
            ImportPolicy::lenient(),
            Irregularities {
                overvotes: 3,
                ..Irregularities::default()
            },
        );
    e = Election::new("all", "Every field\nwith a line break", vec![contest]).unwrap();
    assert_eq!(round_trip(&e), e);
}

proptest! {
    #[test]
    fn csv_round_trip_printable_names(e in arb_election(Names::Printable)) {
        prop_assert_eq!(round_trip(&e), e);
    }

    #[test]
    fn csv_round_trip_any_names(e in arb_election(Names::Any)) {
        prop_assert_eq!(round_trip(&e), e);
    }
}

fn shared_data() -> Option<PathBuf> {
    recount_testkit::shared_data()
}

fn cambridge(data: &std::path::Path, file: &str, policy: ImportPolicy) -> Election {
    let bytes = std::fs::read(data.join("cambridge-ma").join(file)).unwrap();
    let o = ReadOptions {
        seats: Some(9),
        id: "cambridge".into(),
        policy,
        weight_column: None,
        rows: None,
    };
    ballot::read(Format::Csv, &bytes, &o).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn first_preferences(e: &Election) -> BTreeMap<String, u64> {
    let c = &e.contests()[0];
    c.candidates()
        .iter()
        .zip(c.ballots().first_preferences())
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| (k.name.clone(), n))
        .collect()
}

/// Paper counts and candidates from MANIFEST.md section 8; first
/// preferences tallied independently with Python's `csv` module
/// (`Counter(r['rank1'] for r in csv.DictReader(f))`; no row skips rank 1).
#[test]
fn cambridge_ma_2019_council_loads_with_out_of_order_rank_columns() {
    let Some(data) = shared_data() else { return };
    let e = cambridge(&data, "2019/votes.csv", ImportPolicy::default());
    let c = &e.contests()[0];
    assert_eq!(c.seats(), 9);
    assert_eq!(c.ballots().total_papers(), 21_046);
    assert_eq!(c.ballots().blank().0, 0);
    // 22 printed names and 9 write-in markers.
    assert_eq!(c.candidates().len(), 31);
    let want: BTreeMap<String, u64> = [
        ("Adriane Musgrave", 723),
        ("Alanna Mallon", 1247),
        ("Ben Simon", 291),
        ("Burhan Azeem", 957),
        ("Charles Franklin", 321),
        ("Craig Kelley", 1409),
        ("Denise Simmons", 1989),
        ("Dennis Carlone", 1460),
        ("Derek Kopon", 487),
        ("Gregg Moree", 45),
        ("Ilan Levy", 107),
        ("Jeffery McNary", 73),
        ("Jivan Sobrinho-Wheeler", 1312),
        ("John Pitkin", 532),
        ("Marc McGovern", 1605),
        ("Nicola Williams", 624),
        ("Patricia Nolan", 1669),
        ("Quinton Zondervan", 1372),
        ("Risa Mednick", 236),
        ("Sukia Akiba", 358),
        ("Sumbul Siddiqui", 2499),
        ("Timothy Toomey", 1713),
        ("Write-In 1", 17),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert_eq!(first_preferences(&e), want);
}

#[test]
fn cambridge_ma_2021_council_repeats_need_keep_first() {
    let Some(data) = shared_data() else { return };
    let bytes = std::fs::read(data.join("cambridge-ma/2021/council.csv")).unwrap();
    let err = ballot::read(Format::Csv, &bytes, &opts(Some(9))).unwrap_err();
    // 198 rows repeat a name (Python tally); the report stops at 100.
    assert_eq!(err.each().len(), ballot::Error::MAX_REPORTED);
    assert!(err.to_string().contains("--repeated-candidates keep-first"));
    let keep_first = ImportPolicy {
        repeated_candidates: RepeatedCandidates::KeepFirst,
        ..ImportPolicy::default()
    };
    let e = cambridge(&data, "2021/council.csv", keep_first);
    let c = &e.contests()[0];
    assert_eq!(c.ballots().total_papers(), 21_814);
    assert_eq!(c.irregularities().repeated_candidates, 198);
    assert_eq!(c.candidates().len(), 28);
    let fp = first_preferences(&e);
    assert_eq!(
        (fp["Siddiqui"], fp["Nolan"], fp["Write-in #9"]),
        (4126, 1971, 1)
    );
}

#[test]
fn cambridge_ma_2023_council_rejected_rows_are_blank_papers() {
    let Some(data) = shared_data() else { return };
    let keep_first = ImportPolicy {
        repeated_candidates: RepeatedCandidates::KeepFirst,
        ..ImportPolicy::default()
    };
    let e = cambridge(&data, "2023/ballots.csv", keep_first);
    let c = &e.contests()[0];
    assert_eq!(c.ballots().total_papers(), 23_512);
    // The 173 rows with valid=f rank nobody.
    assert_eq!(c.ballots().blank().0, 173);
    assert_eq!(c.candidates().len(), 33);
    let fp = first_preferences(&e);
    assert_eq!((fp["Siddiqui"], fp["Azeem"], fp["Zusy"]), (3353, 2250, 784));
}

proptest! {
    /// Truncated or corrupted files give errors with positions inside the
    /// input, never a panic.
    #[test]
    fn csv_damaged_files_give_positioned_errors(
        cut in 0usize..400,
        flips in proptest::collection::vec((0usize..400, any::<u8>()), 0..4),
    ) {
        let mut bytes = Vec::new();
        ballot::write(Format::Csv, &small(), &mut bytes).unwrap();
        bytes.extend_from_slice(b"1,overvote,\"Smith, Jo\"\n");
        for (i, b) in flips {
            if let Some(x) = bytes.get_mut(i) {
                *x = b;
            }
        }
        bytes.truncate(cut);
        if let Err(err) = ballot::read(Format::Csv, &bytes, &opts(Some(2))) {
            for e in err.each() {
                if let Some(p) = e.position() {
                    prop_assert!(p.line >= 1 && p.column >= 1 && p.byte <= bytes.len() as u64, "{e}");
                }
            }
        }
    }
}

const RCTAB_MAYOR: &[u8] = include_bytes!("fixtures/rctab-riverton-mayor.csv");
const RIVERTON_MAYOR_BLT: &[u8] = include_bytes!("fixtures/cdf-riverton-mayor.blt");

/// RCTab's generic CSV (`firstVoteColumnIndex` 3): the same papers as the
/// Riverton Mayor BLT, and again with a note row under the header passed
/// over (`firstVoteRowIndex` 3).
#[test]
fn rctab_generic_csv_reads_ranks_by_position_and_papers_from_the_first_row() {
    use ballot::csvrank::{self, CsvLayout};
    let layout = CsvLayout {
        first_rank_column: Some(3),
        first_row: None,
    };
    let csv = csvrank::read_with(RCTAB_MAYOR, &opts(Some(1)), &layout).unwrap();
    let blt = ballot::read(Format::Blt, RIVERTON_MAYOR_BLT, &opts(None)).unwrap();
    let sorted = |e: &Election| {
        let (names, mut rankings, blank) = summary(e);
        rankings.sort();
        (names, rankings, blank)
    };
    assert_eq!(sorted(&csv), sorted(&blt));

    let text = String::from_utf8(RCTAB_MAYOR.to_vec()).unwrap();
    let noted = text.replacen('\n', "\n,,(first),(second),(third)\n", 1);
    let layout = CsvLayout {
        first_rank_column: Some(3),
        first_row: Some(3),
    };
    let e = csvrank::read_with(noted.as_bytes(), &opts(Some(1)), &layout).unwrap();
    assert_eq!(sorted(&e), sorted(&blt));
    // A positional error still names its line and ballot: the note row is
    // not a ballot.
    let bad = noted.replacen("b2,P1,Bob,Ann,", "b2,P1,Bob,,Ann", 1);
    let err = csvrank::read_with(bad.as_bytes(), &opts(Some(1)), &layout).unwrap_err();
    assert_eq!(
        err.to_string(),
        "4:11: CSV error in ballot 2: expected a strict ranking (pass --skipped-ranks close-up|end-at-gap to read such papers), found a skipped rank"
    );
}

#[test]
fn rctab_layout_errors_name_the_header() {
    use ballot::csvrank::{self, CsvLayout};
    let cases: &[(&str, CsvLayout, &str)] = &[
        (
            "id,a,b\n1,A,B\n",
            CsvLayout {
                first_rank_column: Some(4),
                first_row: None,
            },
            "1:1: CSV error: expected a first rank column from 1 to 3 (the header's columns), found 4",
        ),
        (
            "rank1,a,b\nA,A,B\n",
            CsvLayout {
                first_rank_column: Some(2),
                first_row: None,
            },
            "1:1: CSV error: expected no rankN column before the first rank column, 2, found \"rank1\"",
        ),
        (
            "id,a,b\n1,A,B\n",
            CsvLayout {
                first_rank_column: Some(2),
                first_row: Some(1),
            },
            "1:1: CSV error: expected a first paper row from 2 (row 1 is the header), found 1",
        ),
    ];
    for (csv, layout, want) in cases {
        let err = csvrank::read_with(csv.as_bytes(), &opts(Some(1)), layout).unwrap_err();
        assert_eq!(err.to_string(), *want);
    }
}
