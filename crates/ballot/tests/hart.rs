//! The Hart Verity CVR reader: the Riverton export read against the same
//! papers as a NIST CDF report, files read in name order whatever order
//! they come in, a contest chosen, each irregular paper through each
//! import policy choice, an error per kind of bad input at its file and
//! element, a zip archive, and no panic on mangled or arbitrary bytes.

use std::io::Write;

use ballot::hart;
use ballot::policy::{Overvotes, RepeatedCandidates, SkippedRanks};
use ballot::{Election, ErrorKind, Format, ImportPolicy, ReadOptions};
use proptest::prelude::*;

const RIVERTON_CDF: &[u8] = include_bytes!("fixtures/cdf-riverton.json");

/// The Riverton export's files, as a directory lists them (not sorted).
fn riverton() -> Vec<(String, Vec<u8>)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/hart-riverton");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect();
    // Not the name order: the reader sorts.
    files.sort_by(|a, b| b.0.cmp(&a.0));
    files
}

fn refs(files: &[(String, Vec<u8>)]) -> Vec<(&str, &[u8])> {
    files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect()
}

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
    let files = riverton();
    let hart = hart::read(&refs(&files), &opts(d, Some(1))).unwrap();
    let cdf = ballot::read(Format::Cdf, RIVERTON_CDF, &opts(d, Some(1))).unwrap();
    let titles: Vec<&str> = hart.contests().iter().map(|c| c.title()).collect();
    // The measure is a contest of the export too (Hart does not tell
    // candidate contests from measures).
    assert_eq!(titles, ["Mayor", "Council", "Measure A"]);
    assert_eq!(
        hart.contests()[0].id(),
        "6d1f0c2a-3b8e-4f51-9a7c-2e4b5d6f7a81"
    );
    for i in 0..2 {
        assert_eq!(hart.contests()[i].title(), cdf.contests()[i].title());
        assert_eq!(names(&hart, i), names(&cdf, i));
        assert_eq!(rankings(&hart, i), rankings(&cdf, i));
    }
    assert_eq!(names(&hart, 0), ["Ann", "Bob", "Cy", "Write-in"]);
    // The pool is marked, for RCTab's rule (never elected, excluded first).
    let pools: Vec<bool> = hart.contests()[0]
        .candidates()
        .iter()
        .map(|c| c.is_undeclared_write_ins())
        .collect();
    assert_eq!(pools, [false, false, false, true]);
    // Only the option some paper lists is a candidate: nobody voted No.
    assert_eq!(names(&hart, 2), ["Yes"]);
    assert_eq!(rankings(&hart, 2), (vec![("Yes".into(), 1)], 0));
}

#[test]
fn files_are_read_in_name_order_whatever_order_they_are_given() {
    let files = riverton();
    let o = opts(ImportPolicy::default(), Some(1));
    let backwards = hart::read(&refs(&files), &o).unwrap();
    let mut sorted = files.clone();
    sorted.sort();
    let forwards = hart::read(&refs(&sorted), &o).unwrap();
    assert_eq!(backwards, forwards);
    // A ballot's number is its file's place in name order.
    let mut bad = sorted.clone();
    bad[0].1 = b"<Cvr><Contests><Contest/></Contests></Cvr>".to_vec();
    bad.reverse();
    let err = hart::read(&refs(&bad), &o).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cvr-1.xml:1:16: Hart XML error in ballot 1 at Cvr/Contests/Contest[1]: expected a contest's Id, found none"
    );
    let twice = [("a.xml", &b"<Cvr/>"[..]), ("a.xml", &b"<Cvr/>"[..])];
    assert_eq!(
        hart::read(&twice, &o).unwrap_err().to_string(),
        "a.xml:1:1: Hart XML error: expected each file once, found its name twice"
    );
}

#[test]
fn a_contest_is_chosen_by_id_or_name() {
    let files = riverton();
    let read = |c| hart::read_contest(&refs(&files), &opts(ImportPolicy::default(), None), Some(c));
    let by_name = read("Council").map_err(|e| e.to_string()).unwrap_err();
    // Seats are not recorded: the contest chosen still needs them.
    assert_eq!(
        by_name,
        "Hart XML files do not record seats; pass --seats N"
    );
    let o = opts(ImportPolicy::default(), Some(1));
    let by_id = hart::read_contest(
        &refs(&files),
        &o,
        Some("9b3e2d14-7c6a-4e0f-8d25-1f3a4b5c6d72"),
    )
    .unwrap();
    let by_name = hart::read_contest(&refs(&files), &o, Some("Council")).unwrap();
    assert_eq!(by_id.contests().len(), 1);
    assert_eq!(by_id, by_name);
    assert_eq!(
        rankings(&by_id, 0),
        (vec![("Dee".into(), 2), ("Eve>Dee".into(), 1)], 0)
    );
    let err = hart::read_contest(&refs(&files), &o, Some("Sheriff")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "no contest \"Sheriff\"; its contests are: 6d1f0c2a-3b8e-4f51-9a7c-2e4b5d6f7a81 (Mayor), 9b3e2d14-7c6a-4e0f-8d25-1f3a4b5c6d72 (Council), 2c7a9e31-5d4b-4a8f-b160-3e2d1c0b9a63 (Measure A)"
    );
}

/// A paper's options, `(id, value)`.
type Options<'a> = &'a [(&'a str, &'a str)];

/// A paper of contest `M` listing the options `(id, value)`: `w…` ids are
/// write-in lines, `a`, `b`, `c` named `A`, `B`, `C`; one element a line.
fn paper(options: &[(&str, &str)]) -> Vec<u8> {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Cvr xmlns=\"http://tempuri.org/CVRDesign.xsd\">\n<Contests>\n<Contest>\n<Name>M</Name>\n<Id>m</Id>\n<Options>\n",
    );
    for (id, value) in options {
        s.push_str("<Option>\n");
        if !id.starts_with('w') {
            s.push_str(&format!("<Name>{}</Name>\n", id.to_uppercase()));
        }
        s.push_str(&format!("<Id>{id}</Id>\n<Value>{value}</Value>\n"));
        if id.starts_with('w') {
            s.push_str("<WriteInData><Text /></WriteInData>\n");
        }
        s.push_str("</Option>\n");
    }
    s.push_str("</Options>\n</Contest>\n</Contests>\n</Cvr>\n");
    s.into_bytes()
}

/// Every candidate listed, on a paper of no mark, so that the candidates
/// are `A, B, C, Write-in` in every case.
fn with_all(p: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
    vec![
        (
            "0.xml".into(),
            paper(&[("a", "000"), ("b", "000"), ("c", "000"), ("w1", "000")]),
        ),
        ("1.xml".into(), paper(p)),
    ]
}

#[test]
fn values_become_slots_and_the_policy_decides() {
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
    let cases: &[(Options, ImportPolicy, &str)] = &[
        (&[("a", "100"), ("b", "010"), ("c", "001")], d, "A>B>C"),
        (&[("c", "010"), ("a", "100")], d, "A>C"),
        (&[("a", "000"), ("b", "100")], d, "B"),
        (&[("w1", "100"), ("a", "010")], d, "Write-in>A"),
        (&[], d, ""),
        (&[("a", "000")], d, ""),
        // Two named options at one rank: candidates ranked equal.
        (&[("a", "100"), ("b", "100"), ("c", "010")], lenient, ""),
        (&[("c", "100"), ("a", "010"), ("b", "010")], lenient, "C"),
        // RCTab's exhaust-if-multiple-continuing: A, tied with B at rank
        // 3, is ranked above, so only B can be continuing there.
        (
            &[("a", "101"), ("c", "010"), ("b", "001")],
            several,
            "A>C>B",
        ),
        // Two write-in lines at one rank: an overvote.
        (&[("w1", "010"), ("w2", "010"), ("a", "100")], lenient, "A"),
        (
            &[("w1", "100"), ("w2", "100"), ("a", "010")],
            skip_rank,
            "A",
        ),
        // A rank with no mark before a later one.
        (&[("a", "100"), ("b", "001")], close_up, "A>B"),
        (&[("b", "010")], lenient, "B"),
        // One option at two ranks.
        (&[("a", "101"), ("b", "010")], lenient, "A>B"),
        (&[("a", "101"), ("b", "010")], end_at_repeat, "A>B"),
        (&[("a", "110"), ("b", "001")], end_at_repeat, "A"),
    ];
    for (options, policy, want) in cases {
        let files = with_all(options);
        let e = hart::read(&refs(&files), &opts(*policy, Some(1)))
            .unwrap_or_else(|e| panic!("{options:?}: {e}"));
        let got = rankings(&e, 0);
        let blanks = if want.is_empty() { 2 } else { 1 };
        let ranked = if want.is_empty() {
            vec![]
        } else {
            vec![(want.to_string(), 1)]
        };
        assert_eq!(got, (ranked, blanks), "{options:?} {policy:?}");
        assert_eq!(names(&e, 0), ["A", "B", "C", "Write-in"]);
    }
}

#[test]
fn each_irregularity_is_refused_by_default_naming_the_paper_and_the_option() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (
            &[("a", "100"), ("b", "100")],
            "1.xml:8:1: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Options/Option[1]: expected a strict ranking (pass --overvotes end-at-overvote|skip-rank to read such papers), found an overvote at rank 1",
        ),
        (
            &[("a", "100"), ("w1", "010"), ("w2", "010")],
            "1.xml:13:1: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Options/Option[2]: expected a strict ranking (pass --overvotes end-at-overvote|skip-rank to read such papers), found an overvote at rank 2",
        ),
        (
            &[("a", "001")],
            "1.xml:4:1: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]: expected a strict ranking (pass --skipped-ranks close-up|end-at-gap to read such papers), found a skipped rank at rank 1",
        ),
        (
            &[("a", "110")],
            "1.xml:8:1: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Options/Option[1]: expected a strict ranking (pass --repeated-candidates keep-first to read such papers), found a candidate ranked twice at rank 2",
        ),
    ];
    let mut wrong = Vec::new();
    for (options, want) in cases {
        let files = with_all(options);
        let err = hart::read(&refs(&files), &opts(ImportPolicy::default(), Some(1))).unwrap_err();
        if err.to_string() != *want {
            wrong.push(format!("got:  {err}\nwant: {want}"));
        }
    }
    // Two candidates who may both be continuing at the overvote: only the
    // count knows, so under RCTab's rule the rank is kept for it; two
    // write-in lines name nobody, and are refused under that rule.
    let several = ImportPolicy {
        overvotes: Overvotes::EndIfSeveralContinuing,
        ..ImportPolicy::default()
    };
    let files = with_all(&[("a", "100"), ("b", "010"), ("c", "010")]);
    let e = hart::read(&refs(&files), &opts(several, Some(1))).unwrap();
    let kept: Vec<Vec<Vec<String>>> = e.contests()[0]
        .ballots()
        .equal_rankings()
        .iter()
        .map(|r| {
            r.ranks()
                .map(|k| {
                    k.iter()
                        .map(|&c| e.contests()[0].candidate(c).name.clone())
                        .collect()
                })
                .collect()
        })
        .collect();
    assert_eq!(
        kept,
        vec![vec![
            vec!["A".to_owned()],
            vec!["B".to_owned(), "C".to_owned()]
        ]]
    );
    let files = with_all(&[("a", "100"), ("w1", "010"), ("w2", "010")]);
    let err = hart::read(&refs(&files), &opts(several, Some(1))).unwrap_err();
    let want = "1.xml:13:1: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Options/Option[2]: expected an overvote naming its candidates (--overvotes end-if-several-continuing needs them; pass --overvotes end-at-overvote|skip-rank for this file), found an overvote that does not name its candidates at rank 2";
    if err.to_string() != want {
        wrong.push(format!("got:  {err}\nwant: {want}"));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_kind_of_bad_input_is_refused_at_its_file_and_element() {
    let ok = paper(&[("a", "100")]);
    let ok_text = String::from_utf8(ok.clone()).unwrap();
    let edit = |from: &str, to: &str| ok_text.replacen(from, to, 1).into_bytes();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (
            edit("<Value>100</Value>", "<Value>1x0</Value>"),
            "1.xml:11:8: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Options/Option[1]/Value: expected a string of 0s and 1s, one a rank, 1 to 1024 long, found \"1x0\"",
        ),
        (
            edit("<Value>100</Value>", "<Value> </Value>"),
            "1.xml:11:1: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Options/Option[1]/Value: expected a string of 0s and 1s, one a rank, 1 to 1024 long, found nothing",
        ),
        (
            edit("<Value>100</Value>\n", ""),
            "1.xml:8:1: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Options/Option[1]: expected a Value, found none",
        ),
        (
            edit("<Value>100</Value>", "<Value>100</Value><Value>1</Value>"),
            "1.xml:11:19: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Options/Option[1]/Value: expected one Value in Option, found two",
        ),
        (
            edit("<Name>A</Name>\n", ""),
            "1.xml:8:1: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Options/Option[1]: expected an option's Name, or its WriteInData for a write-in line, found neither",
        ),
        (
            edit("<Name>A</Name>", "<Name>Ann</Name>"),
            "1.xml:9:1: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Options/Option[1]/Name: expected the Name \"A\" that option Id \"a\" has in 0.xml, found the Name \"Ann\"",
        ),
        (
            edit("<Id>a</Id>", "<Id>b</Id>"),
            "1.xml:9:1: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Options/Option[1]/Name: expected the Name \"B\" that option Id \"b\" has in 0.xml, found the Name \"A\"",
        ),
        (
            edit("<Id>m</Id>", "<Id></Id>"),
            "1.xml:6:1: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Id: expected the Id's text, found nothing",
        ),
        (
            edit("</Options>", "</Option>"),
            "1.xml:13:1: Hart XML error in ballot 2: expected well-formed XML, found ill-formed document: expected `</Options>`, but `</Option>` was found",
        ),
        (
            ok_text
                .replacen("<Cvr", "<CastVoteRecord", 1)
                .replacen("</Cvr>", "</CastVoteRecord>", 1)
                .into_bytes(),
            "1.xml:2:1: Hart XML error in ballot 2 at CastVoteRecord: expected a Hart CVR (a Cvr root element), found <CastVoteRecord>",
        ),
        (
            edit("<Name>M</Name>", "<Name>M &amp; &nbsp;</Name>"),
            "1.xml:5:15: Hart XML error in ballot 2: expected a predefined entity (&amp; &lt; &gt; &quot; &apos;) or a character reference, found \"&nbsp;\"",
        ),
        (
            edit("<Name>A</Name>", "<Name>A~</Name>")
                .into_iter()
                .map(|b| if b == b'~' { 0xFF } else { b })
                .collect(),
            "1.xml:9:8: Hart XML error in ballot 2: expected UTF-8 text, found the byte 0xFF",
        ),
        (
            ok[..ok.len() - 20].to_vec(),
            "1.xml:14:11: Hart XML error in ballot 2: expected the end tag </Contests>, found the end of the file",
        ),
        (
            edit("</Cvr>", "</Cvr>\n<Cvr/>"),
            "1.xml:17:1: Hart XML error in ballot 2: expected one root element, found another",
        ),
        (
            b"".to_vec(),
            "1.xml:1:1: Hart XML error in ballot 2: expected a Cvr element, found no element",
        ),
    ];
    let mut wrong = Vec::new();
    for (bytes, want) in cases {
        let files = vec![
            ("0.xml".to_string(), paper(&[("a", "000"), ("b", "000")])),
            ("1.xml".to_string(), bytes),
        ];
        match hart::read(&refs(&files), &opts(ImportPolicy::default(), Some(1))) {
            Ok(_) => wrong.push(format!("read, want: {want}")),
            Err(err) if err.to_string() != want => wrong.push(format!("got:  {err}\nwant: {want}")),
            Err(_) => {}
        }
    }
    // In one file, and across files.
    let two_contests = ok_text.replacen(
        "</Contests>",
        "<Contest><Id>m</Id></Contest>\n</Contests>",
        1,
    );
    let dup_option = String::from_utf8(paper(&[("a", "100"), ("a", "010")])).unwrap();
    let same_name = ok_text.replacen("<Id>a</Id>", "<Id>a2</Id>", 1);
    let cases: Vec<(String, &str)> = vec![
        (
            two_contests,
            "1.xml:15:10: Hart XML error in ballot 2 at Cvr/Contests/Contest[2]/Id: expected each contest once in a paper, found \"m\" again",
        ),
        (
            dup_option,
            "1.xml:15:1: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Options/Option[2]/Id: expected each option Id once in a contest, found \"a\" again",
        ),
        (
            same_name,
            "1.xml:9:1: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Options/Option[1]/Name: expected one option Id a candidate's name in a contest, found \"A\" under another Id",
        ),
    ];
    for (text, want) in cases {
        let files = vec![
            ("0.xml".to_string(), paper(&[("a", "000"), ("b", "000")])),
            ("1.xml".to_string(), text.into_bytes()),
        ];
        let err = hart::read(&refs(&files), &opts(ImportPolicy::default(), Some(1))).unwrap_err();
        if err.to_string() != want {
            wrong.push(format!("got:  {err}\nwant: {want}"));
        }
    }
    // Every bad file is reported, each at its own: what the first pass
    // finds (the XML, the options' names), else what the second does (the
    // values, the irregular papers).
    let no_name = ok_text.replacen("<Name>A</Name>", "", 1).into_bytes();
    let first = vec![
        ("a.xml".to_string(), b"<Cvr><".to_vec()),
        ("b.xml".to_string(), paper(&[("a", "2")])),
        ("c.xml".to_string(), no_name),
    ];
    let second = vec![
        ("a.xml".to_string(), paper(&[("a", "100")])),
        ("b.xml".to_string(), paper(&[("a", "2")])),
        ("c.xml".to_string(), paper(&[("a", "010")])),
    ];
    for (files, want) in [
        (first, ["a.xml:1:6:", "c.xml:8:1:"]),
        (second, ["b.xml:11:8:", "c.xml:4:1:"]),
    ] {
        let err = hart::read(&refs(&files), &opts(ImportPolicy::default(), Some(1))).unwrap_err();
        let shown: Vec<String> = err.each().iter().map(|e| e.to_string()).collect();
        let at: Vec<&str> = shown
            .iter()
            .map(|e| e.split(' ').next().unwrap_or(""))
            .collect();
        assert_eq!(at, want, "{shown:#?}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn an_error_in_a_contest_not_read_is_not_reported() {
    let bad_other = "<Cvr><Contests><Contest><Id>x</Id><Options><Option><Id>q</Id><Value>7</Value></Option></Options></Contest></Contests></Cvr>";
    let files = vec![
        ("1.xml".to_string(), paper(&[("a", "100")])),
        ("2.xml".to_string(), bad_other.as_bytes().to_vec()),
    ];
    let o = opts(ImportPolicy::default(), Some(1));
    let err = hart::read(&refs(&files), &o).unwrap_err();
    assert_eq!(
        err.to_string(),
        "2.xml:1:44: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Options/Option[1]: expected an option's Name, or its WriteInData for a write-in line, found neither"
    );
    let only_m = hart::read_contest(&refs(&files), &o, Some("m")).unwrap();
    assert_eq!(rankings(&only_m, 0), (vec![("A".into(), 1)], 0));
    // A contest no paper lists an option for has no candidates: passed
    // over with the others, refused by name.
    let empty = "<Cvr><Contests><Contest><Id>e</Id><Options /></Contest></Contests></Cvr>";
    let files = vec![
        ("1.xml".to_string(), paper(&[("a", "100")])),
        ("2.xml".to_string(), empty.as_bytes().to_vec()),
    ];
    let all = hart::read(&refs(&files), &o).unwrap();
    assert_eq!(all.contests().len(), 1);
    assert_eq!(
        hart::read_contest(&refs(&files), &o, Some("e"))
            .unwrap_err()
            .to_string(),
        "2.xml:1:16: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]: expected an Option in some paper of the contest (the export names a contest's candidates only on the papers that list them), found none"
    );
}

#[test]
fn a_zip_archive_reads_as_its_files() {
    let files = riverton();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = stored.compression_method(zip::CompressionMethod::Deflated);
    zip.add_directory("CVRArchive/", stored).unwrap();
    for (i, (name, bytes)) in files.iter().enumerate() {
        let o = if i % 2 == 0 { stored } else { deflated };
        zip.start_file(format!("CVRArchive/{name}"), o).unwrap();
        zip.write_all(bytes).unwrap();
    }
    // What is not a paper: a signature, macOS's companions, a note.
    for junk in [
        "CVRArchive/cvr-1.xml.sig.xml",
        "__MACOSX/CVRArchive/._cvr-1.xml",
        "CVRArchive/._cvr-2.xml",
        "README.txt",
    ] {
        zip.start_file(junk, stored).unwrap();
        zip.write_all(b"\x00\x05\x16\x07 not a paper").unwrap();
    }
    let archive = zip.finish().unwrap().into_inner();
    let o = opts(ImportPolicy::default(), Some(1));
    let from_zip = ballot::read(Format::Hart, &archive, &o).unwrap();
    let from_dir = hart::read(&refs(&files), &o).unwrap();
    assert_eq!(from_zip, from_dir);
    let one = ballot::read_contest(Format::Hart, &archive, &o, Some("Mayor")).unwrap();
    assert_eq!(one.contests().len(), 1);
    // An error in an archive's file names it by its path in the archive.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("CVRArchive/cvr-9.xml", stored).unwrap();
    zip.write_all(&paper(&[("a", "1?")])).unwrap();
    let archive = zip.finish().unwrap().into_inner();
    assert_eq!(
        ballot::read(Format::Hart, &archive, &o)
            .unwrap_err()
            .to_string(),
        "CVRArchive/cvr-9.xml:11:8: Hart XML error in ballot 1 at Cvr/Contests/Contest[1]/Options/Option[1]/Value: expected a string of 0s and 1s, one a rank, 1 to 1024 long, found \"1?\""
    );
    assert_eq!(
        ballot::read(Format::Hart, b"PK\x03\x04 cut short", &o)
            .unwrap_err()
            .to_string(),
        "1:1: Hart XML error: expected a zip archive of Hart CVR files, found invalid Zip archive: Could not find EOCD"
    );
}

#[test]
fn one_paper_alone_is_read_and_recognised() {
    let files = riverton();
    let (_, cvr1) = files.iter().find(|(n, _)| n == "cvr-1.xml").unwrap();
    assert_eq!(Format::detect("cvr-1.xml", cvr1), Some(Format::Hart));
    let e = ballot::read(Format::Hart, cvr1, &opts(ImportPolicy::default(), Some(1))).unwrap();
    assert_eq!(rankings(&e, 0), (vec![("Ann>Bob>Cy".into(), 1)], 0));
    // Its errors name no file: the caller's name is the file's.
    let err = ballot::read(
        Format::Hart,
        b"<Cvr><Contests><Contest><Id>m</Id></Contest>",
        &opts(ImportPolicy::default(), Some(1)),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "1:45: Hart XML error in ballot 1: expected the end tag </Contests>, found the end of the file"
    );
}

#[test]
fn papers_are_the_xml_files_not_signatures_nor_hidden_files() {
    for (name, is) in [
        ("1_1a0e576b.xml", true),
        ("CVRArchive/1_1a0e576b.XML", true),
        ("1_1a0e576b.xml.sig.xml", false),
        ("._1_1a0e576b.xml", false),
        ("__MACOSX/CVRArchive/1_1a0e576b.xml", false),
        ("manifest.json", false),
        ("xml", false),
    ] {
        assert_eq!(hart::is_cvr_file(name), is, "{name}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Truncated, cut or changed bytes in any file of the export: an
    /// election or a positioned error, never a panic.
    #[test]
    fn a_mangled_export_never_panics(
        which in 0usize..9,
        cut in 0usize..5000,
        at in 0usize..5000,
        byte in any::<u8>(),
        mode in 0u8..3,
    ) {
        let mut files = riverton();
        let f = &mut files[which].1;
        let (cut, at) = (cut % f.len(), at % f.len());
        match mode {
            0 => f.truncate(cut),
            1 => f[at] = byte,
            _ => { f.drain(at.min(cut)..at.max(cut)); }
        }
        for policy in [ImportPolicy::default(), ImportPolicy::lenient()] {
            if let Err(e) = hart::read(&refs(&files), &opts(policy, Some(1))) {
                for one in e.each() {
                    if let ErrorKind::Element { pos, .. } = one.kind() {
                        prop_assert!(pos.line >= 1 && pos.column >= 1, "{one}");
                    }
                }
            }
        }
    }

    /// Arbitrary bytes, as one paper, as an archive, or beside a good
    /// paper: never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let o = opts(ImportPolicy::lenient(), Some(1));
        let _ = ballot::read(Format::Hart, &bytes, &o);
        let mut zipped = b"PK\x03\x04".to_vec();
        zipped.extend_from_slice(&bytes);
        let _ = ballot::read(Format::Hart, &zipped, &o);
        let good = paper(&[("a", "100")]);
        let _ = hart::read(&[("a.xml", &good[..]), ("b.xml", &bytes[..])], &o);
    }
}
