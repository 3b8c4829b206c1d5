//! The ES&S Excel reader: small workbooks written here cell by cell, and
//! the two real Minneapolis 2013 exports against the city's official
//! tabulations (first preferences, papers and undervotes).

use ballot::ess::{self, EssLayout};
use ballot::policy::{Overvotes, RepeatedCandidates, SkippedRanks};
use ballot::{Election, Error, Format, ImportPolicy, ReadOptions};
use rust_xlsxwriter::Workbook;

/// A workbook of one sheet, "Marked Sheet", from rows of cells: `#5` is
/// the number 5, `~` no cell at all, anything else a text cell.
fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Marked Sheet").unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if *cell == "~" {
                continue;
            } else if let Some(n) = cell.strip_prefix('#') {
                sheet.write_number(r, c, n.parse::<f64>().unwrap()).unwrap();
            } else {
                sheet.write_string(r, c, *cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

const HEADER: &[&str] = &[
    "Precinct",
    "1ST CHOICE MAYOR X",
    "2ND CHOICE MAYOR X",
    "3RD CHOICE MAYOR X",
    "COUNT",
];

fn opts(policy: ImportPolicy) -> ReadOptions {
    ReadOptions {
        policy,
        seats: Some(1),
        id: "t".into(),
        ..ReadOptions::default()
    }
}

fn with_header(rows: &[&[&str]]) -> Vec<u8> {
    let mut all = vec![HEADER];
    all.extend_from_slice(rows);
    xlsx(&all)
}

/// Each stored ranking as names, with its count, then the blank papers.
fn rankings(e: &Election) -> (Vec<(u64, String)>, u64) {
    let c = &e.contests()[0];
    let mut out: Vec<(u64, String)> = c
        .ballots()
        .iter()
        .map(|b| {
            let names: Vec<&str> = b
                .ranking
                .iter()
                .map(|&id| c.candidate(id).name.as_str())
                .collect();
            (b.count.0, names.join(">"))
        })
        .collect();
    out.sort();
    (out, c.ballots().blank().0)
}

#[test]
fn choices_are_found_by_header_and_the_title_follows_1st_choice() {
    let book = xlsx(&[
        &[
            "COUNT",
            "3rd choice",
            "Precinct",
            "1st Choice Mayor",
            "2nd CHOICE",
        ],
        &["#2", "C", "P-1", "A", "B"],
        &["#1", "undervote", "P-2", "B", "~"],
    ]);
    let e = ballot::read(Format::EssXlsx, &book, &opts(ImportPolicy::default())).unwrap();
    let c = &e.contests()[0];
    assert_eq!(c.title(), "Mayor");
    let names: Vec<&str> = c.candidates().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["A", "B", "C"]);
    assert_eq!(
        rankings(&e),
        (vec![(1, "B".into()), (2, "A>B>C".into())], 0)
    );
}

#[test]
fn cells_become_slots_and_the_policy_decides() {
    let lenient = ImportPolicy::lenient();
    let skip_overvote = ImportPolicy {
        overvotes: Overvotes::SkipRank,
        ..lenient
    };
    let end_at_gap = ImportPolicy {
        skipped_ranks: SkippedRanks::EndAtGap,
        ..lenient
    };
    // (cells of choices 1-3, policy, the ranking, or "" for a blank paper)
    let cases: &[(&[&str], ImportPolicy, &str)] = &[
        (&["A", "B", "C"], ImportPolicy::default(), "A>B>C"),
        (
            &["A", "undervote", "undervote"],
            ImportPolicy::default(),
            "A",
        ),
        (&["A", "~", ""], ImportPolicy::default(), "A"),
        (
            &["undervote", "undervote", "undervote"],
            ImportPolicy::default(),
            "",
        ),
        (&[" UnderVote ", "A", "~"], lenient, "A"),
        (&["undervote", "A", "B"], end_at_gap, ""),
        (&["A", "overvote", "B"], lenient, "A"),
        (&["A", "OVERVOTE", "B"], skip_overvote, "A>B"),
        (&["overvote", "A", "B"], lenient, ""),
        (&["A", "A", "B"], lenient, "A>B"),
        (&["UWI", "A", "~"], ImportPolicy::default(), "UWI>A"),
        (&["#7", "A", "~"], ImportPolicy::default(), "7>A"),
    ];
    for (cells, policy, want) in cases {
        let row = [&["P"], *cells, &["#1"]].concat();
        // A second paper for "Q" so that a blank paper's sheet has a candidate.
        let q: &[&str] = &["P", "Q", "~", "~", "#1"];
        let e = ballot::read(Format::EssXlsx, &with_header(&[&row, q]), &opts(*policy))
            .unwrap_or_else(|e| panic!("{cells:?}: {e}"));
        let (mut got, blank) = rankings(&e);
        got.retain(|r| *r != (1, "Q".to_string()));
        if want.is_empty() {
            assert_eq!((got, blank), (vec![], 1), "{cells:?}");
        } else {
            assert_eq!((got, blank), (vec![(1, want.to_string())], 0), "{cells:?}");
        }
        assert_eq!(e.contests()[0].policy(), policy);
    }
}

#[test]
fn errors_name_the_sheet_and_the_cell() {
    let at = |rows: &[&[&str]], policy: ImportPolicy| {
        ballot::read(Format::EssXlsx, &xlsx(rows), &opts(policy))
            .unwrap_err()
            .to_string()
    };
    let d = ImportPolicy::default();
    let cases: &[(&[&[&str]], &str)] = &[
        (
            &[HEADER, &["P", "A", "overvote", "B", "#1"]],
            "sheet \"Marked Sheet\", cell C2: ES&S Excel error in ballot 1: expected a strict ranking (pass --overvotes end-at-overvote|skip-rank to read such papers), found an overvote",
        ),
        (
            &[
                HEADER,
                &["P", "A", "B", "C", "#1"],
                &["P", "undervote", "B", "C", "#1"],
            ],
            "sheet \"Marked Sheet\", cell B3: ES&S Excel error in ballot 2: expected a strict ranking (pass --skipped-ranks close-up|end-at-gap to read such papers), found a skipped rank",
        ),
        (
            &[HEADER, &["P", "A", "B", "C", "#0"]],
            "sheet \"Marked Sheet\", cell E2: ES&S Excel error in ballot 1: expected a paper count, a whole number from 1, found \"0\"",
        ),
        (
            &[HEADER, &["P", "A", "B", "C", "#1.5"]],
            "sheet \"Marked Sheet\", cell E2: ES&S Excel error in ballot 1: expected a paper count, a whole number from 1, found \"Float(1.5)\"",
        ),
        (
            &[HEADER, &["P", "A", "B", "C", "~"]],
            "sheet \"Marked Sheet\", cell E2: ES&S Excel error in ballot 1: expected a paper count, a whole number from 1, found nothing",
        ),
        (
            &[&["Precinct", "Mayor", "COUNT"], &["P", "A", "#1"]],
            "sheet \"Marked Sheet\", cell A1: ES&S Excel error: expected a header naming the choice columns (\"1ST CHOICE …\"); the columns are: Precinct, Mayor, COUNT, found no choice column",
        ),
        (
            &[&["1ST CHOICE", "3RD CHOICE"], &["A", "B"]],
            "sheet \"Marked Sheet\", cell A1: ES&S Excel error: expected a column for choice 2 (choices 1 to 3), found none",
        ),
        (
            &[&["1ST CHOICE", "1st choice"], &["A", "B"]],
            "sheet \"Marked Sheet\", cell B1: ES&S Excel error: expected one column for choice 1, found \"1st choice\"",
        ),
    ];
    for (rows, want) in cases {
        assert_eq!(at(rows, d), *want);
    }
    let not_a_workbook = ballot::read(Format::EssXlsx, b"1ST CHOICE\nA\n", &opts(d)).unwrap_err();
    assert!(
        not_a_workbook
            .to_string()
            .starts_with("ES&S Excel error: expected an Excel workbook (.xlsx), found "),
        "{not_a_workbook}"
    );
    assert!(not_a_workbook.position().is_none());
}

#[test]
fn every_bad_row_is_reported_with_its_position() {
    let book = with_header(&[
        &["P", "A", "overvote", "~", "#1"],
        &["P", "A", "B", "~", "#1"],
        &["P", "undervote", "B", "~", "#1"],
    ]);
    let err = ballot::read(Format::EssXlsx, &book, &opts(ImportPolicy::default())).unwrap_err();
    let cells: Vec<(u64, u64, Option<u64>)> = err
        .each()
        .iter()
        .map(|e| {
            let p = e.position().unwrap();
            (p.line, p.column, p.ballot)
        })
        .collect();
    assert_eq!(cells, [(2, 3, Some(1)), (4, 2, Some(3))]);
}

#[test]
fn rows_left_empty_are_not_papers_and_seats_must_be_given() {
    let book = with_header(&[&["P", "A", "~", "~", "#1"], &["", "", "", "", ""], &["~"]]);
    let e = ballot::read(Format::EssXlsx, &book, &opts(ImportPolicy::default())).unwrap();
    assert_eq!(e.contests()[0].ballots().total_papers(), 1);
    let no_seats = ReadOptions {
        seats: None,
        ..opts(ImportPolicy::default())
    };
    let err = ballot::read(Format::EssXlsx, &book, &no_seats).unwrap_err();
    assert_eq!(
        err.to_string(),
        "ES&S Excel files do not record seats; pass --seats N"
    );
}

#[test]
fn without_a_count_column_each_row_is_a_paper() {
    let book = xlsx(&[
        &["1ST CHOICE", "2ND CHOICE"],
        &["A", "B"],
        &["A", "B"],
        &["B", "~"],
    ]);
    let e = ballot::read(Format::EssXlsx, &book, &opts(ImportPolicy::default())).unwrap();
    assert_eq!(rankings(&e), (vec![(1, "B".into()), (2, "A>B".into())], 0));
}

#[test]
fn a_declared_layout_refuses_other_names_and_puts_the_write_in_last() {
    let layout = EssLayout {
        candidates: Some(vec!["B".into(), "A".into()]),
        skipped: "skip".into(),
        overvote: "OV".into(),
        write_in: "Write-in".into(),
        first_choice_column: Some(2),
        max_ranks: Some(2),
    };
    let read =
        |rows: &[&[&str]]| ess::read_with(&xlsx(rows), &opts(ImportPolicy::lenient()), &layout);
    let e = read(&[
        HEADER,
        &["P", "Write-in", "skip", "C", "#1"],
        &["P", "A", "B", "~", "#1"],
    ])
    .unwrap();
    let names: Vec<&str> = e.contests()[0]
        .candidates()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["B", "A", "Write-in"]);
    // The pool of undeclared write-ins is marked so, for rules that treat
    // it apart (RCTab), and only it.
    let pools: Vec<bool> = e.contests()[0]
        .candidates()
        .iter()
        .map(|c| c.is_undeclared_write_ins())
        .collect();
    assert_eq!(pools, [false, false, true]);
    // The third choice is past `max_ranks`: "C" is never read.
    assert_eq!(
        rankings(&e),
        (vec![(1, "A>B".into()), (1, "Write-in".into())], 0)
    );
    let err: Error = read(&[HEADER, &["P", "C", "A", "~", "#1"]]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "sheet \"Marked Sheet\", cell B2: ES&S Excel error in ballot 1: expected a declared candidate, \"skip\", \"OV\" or \"Write-in\", found \"C\""
    );
    let moved = read(&[&["1ST CHOICE", "2ND CHOICE"], &["A", "B"]]).unwrap_err();
    assert_eq!(
        moved.to_string(),
        "sheet \"Marked Sheet\", cell A1: ES&S Excel error: expected the first choice in column 2, as the layout says, found it here"
    );
}

#[test]
fn a_workbook_is_recognised_by_its_content() {
    let book = with_header(&[]);
    assert_eq!(Format::detect("cvr", &book[..64]), Some(Format::EssXlsx));
    assert_eq!(Format::detect("cvr.xlsx", b""), Some(Format::EssXlsx));
}

/// The official tabulation's first round (`pdftotext -layout` of the
/// city's PDF): candidate name and first preferences, then the TOTAL and
/// the undervotes of the summary statement.
struct Official {
    first: Vec<(String, u64)>,
    total: u64,
    undervotes: u64,
}

fn official(txt: &str) -> Official {
    let lines: Vec<&str> = txt.lines().collect();
    let number_after = |label: &str| -> u64 {
        let line = lines
            .iter()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap();
        line.trim_start()[label.len()..]
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let start = lines
        .iter()
        .position(|l| l.contains("First preference vote"))
        .unwrap();
    let mut first = Vec::new();
    for l in &lines[start + 1..] {
        let t = l.trim();
        if t.starts_with("TOTAL") {
            break;
        }
        // `Name   1234   …`: a name (letters first) then two spaces and a count.
        let Some((name, rest)) = t.split_once("  ") else {
            continue;
        };
        let Some(n) = rest.split_whitespace().next().and_then(|n| n.parse().ok()) else {
            continue;
        };
        if name.starts_with(|c: char| c.is_alphabetic()) {
            first.push((name.trim().to_string(), n));
        }
    }
    let total_line = lines[start..]
        .iter()
        .find(|l| l.trim_start().starts_with("TOTAL"))
        .unwrap();
    let mut total = total_line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok());
    if total.is_none() {
        // The BOE sheet puts the total on the TOTAL line's right, alone.
        total = lines[start..]
            .iter()
            .skip_while(|l| !l.trim_start().starts_with("TOTAL"))
            .find_map(|l| l.split_whitespace().last().and_then(|n| n.parse().ok()));
    }
    Official {
        first,
        total: total.unwrap(),
        undervotes: number_after("Undervotes:"),
    }
}

/// The city's name of a CVR candidate: "UWI" is "Undeclared Write-ins"
/// (with the PDF's soft hyphen), the others are the same letters in
/// capitals.
fn same_candidate(cvr: &str, city: &str) -> bool {
    if cvr == "UWI" {
        return city.starts_with("Undeclared Write");
    }
    cvr == city.to_uppercase()
}

/// Minneapolis 2013: skipped ranks close up and an overvoted rank is
/// passed over (Code 167.60; RCTab's `alwaysSkipToNextRank` in the
/// city's configuration), repeated candidates count once.
fn minneapolis(seats: u32) -> ReadOptions {
    ReadOptions {
        policy: ImportPolicy {
            skipped_ranks: SkippedRanks::CloseUp,
            overvotes: Overvotes::SkipRank,
            repeated_candidates: RepeatedCandidates::KeepFirst,
            ..ImportPolicy::default()
        },
        seats: Some(seats),
        id: "mpls".into(),
        ..ReadOptions::default()
    }
}

fn check_against_official(cvr: &str, txt: &str, seats: u32, papers: u64) {
    let Some(data) = recount_testkit::shared_data() else {
        return;
    };
    let dir = data.join("minneapolis-2013-official");
    let e = ballot::read(
        Format::EssXlsx,
        &std::fs::read(dir.join(cvr)).unwrap(),
        &minneapolis(seats),
    )
    .unwrap();
    let city = official(&std::fs::read_to_string(dir.join(txt)).unwrap());
    let c = &e.contests()[0];
    let fp = c.ballots().first_preferences();
    assert_eq!(city.first.len(), c.candidates().len(), "{:?}", city.first);
    for (name, votes) in &city.first {
        let i = c
            .candidates()
            .iter()
            .position(|k| same_candidate(&k.name, name))
            .unwrap_or_else(|| panic!("{name} is not in the CVR"));
        assert_eq!(fp[i], *votes, "{name}");
    }
    assert_eq!(c.ballots().ranked_papers(), city.total);
    assert_eq!(c.ballots().blank().0, city.undervotes);
    assert_eq!(c.ballots().total_papers(), papers);
}

#[test]
fn minneapolis_2013_park_board_first_preferences_match_the_official_tabulation() {
    // 80,101 rows of papers (A2:E80102 in the sheet's dimension).
    check_against_official(
        "2013-park-at-large-cvr.xlsx",
        "2013-park-at-large-tabulation.txt",
        3,
        80_101,
    );
}

#[test]
fn minneapolis_2013_boe_first_preferences_match_the_official_tabulation() {
    check_against_official("2013-boe-cvr.xlsx", "2013-boe-tabulation.txt", 2, 80_101);
}

#[test]
fn the_rctab_copy_of_the_park_board_cvr_reads_as_the_citys() {
    let Some(data) = recount_testkit::shared_data() else {
        return;
    };
    let read = |p: std::path::PathBuf| {
        ballot::read(Format::EssXlsx, &std::fs::read(p).unwrap(), &minneapolis(3)).unwrap()
    };
    let city = read(data.join("minneapolis-2013-official/2013-park-at-large-cvr.xlsx"));
    let rctab = read(data.join("rctab-minneapolis-2013-park/2013_minneapolis_park_cvr.xlsx"));
    assert_eq!(city.contests()[0].ballots(), rctab.contests()[0].ballots());
    assert_eq!(
        city.contests()[0].candidates(),
        rctab.contests()[0].candidates()
    );
}

#[test]
fn writing_an_election_as_an_ess_sheet_reads_it_back() {
    // The park board's papers written out as an ES&S sheet of distinct
    // rankings with counts, and read again: the same ballots.
    let Some(data) = recount_testkit::shared_data() else {
        return;
    };
    let e = ballot::read(
        Format::EssXlsx,
        &std::fs::read(data.join("minneapolis-2013-official/2013-park-at-large-cvr.xlsx")).unwrap(),
        &minneapolis(3),
    )
    .unwrap();
    let c = &e.contests()[0];
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (i, h) in [
        "Precinct",
        "1ST CHOICE",
        "2ND CHOICE",
        "3RD CHOICE",
        "COUNT",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(0, i as u16, *h).unwrap();
    }
    let mut r = 1;
    for b in c.ballots().iter() {
        for rank in 0..3 {
            let cell = b
                .ranking
                .get(rank)
                .map_or("undervote", |&id| c.candidate(id).name.as_str());
            sheet.write_string(r, rank as u16 + 1, cell).unwrap();
        }
        sheet.write_number(r, 4, b.count.0 as f64).unwrap();
        r += 1;
    }
    for rank in 0..3 {
        sheet.write_string(r, rank + 1, "undervote").unwrap();
    }
    sheet
        .write_number(r, 4, c.ballots().blank().0 as f64)
        .unwrap();
    let again = ballot::read(
        Format::EssXlsx,
        &book.save_to_buffer().unwrap(),
        &minneapolis(3),
    )
    .unwrap();
    let d = &again.contests()[0];
    assert_eq!(d.ballots(), c.ballots());
    assert_eq!(d.candidates(), c.candidates());
}
