//! The NIST CDF XML reader: the Riverton report in XML read to the very
//! election its JSON form reads to, under each import policy, refusing the
//! same paper the same way, prefixed or minified; a contest chosen; an
//! error per kind of XML-specific bad input at its element path, line and
//! column; and no panic on mangled or arbitrary bytes.

use ballot::policy::{EqualRankings, Overvotes, RepeatedCandidates, SkippedRanks};
use ballot::{Election, Error, ErrorKind, Format, ImportPolicy, ReadOptions};
use proptest::prelude::*;

const RIVERTON_JSON: &[u8] = include_bytes!("fixtures/cdf-riverton.json");
const RIVERTON_XML: &[u8] = include_bytes!("fixtures/cdf-riverton.xml");

fn opts(policy: ImportPolicy, seats: Option<u32>) -> ReadOptions {
    ReadOptions {
        policy,
        seats,
        id: "t".into(),
        ..ReadOptions::default()
    }
}

fn json(bytes: &[u8], o: &ReadOptions, contest: Option<&str>) -> Result<Election, Error> {
    ballot::read_contest(Format::Cdf, bytes, o, contest)
}

fn xml(bytes: &[u8], o: &ReadOptions, contest: Option<&str>) -> Result<Election, Error> {
    ballot::read_contest(Format::CdfXml, bytes, o, contest)
}

/// The import policies the equivalence is checked under: the default
/// (refusing), lenient, and one choice of each kind away from lenient.
fn policies() -> Vec<ImportPolicy> {
    let l = ImportPolicy::lenient();
    vec![
        ImportPolicy::default(),
        l,
        ImportPolicy {
            overvotes: Overvotes::SkipRank,
            ..l
        },
        ImportPolicy {
            overvotes: Overvotes::EndIfSeveralContinuing,
            ..l
        },
        ImportPolicy {
            skipped_ranks: SkippedRanks::EndAtGap,
            ..l
        },
        ImportPolicy {
            repeated_candidates: RepeatedCandidates::EndAtRepeat,
            ..l
        },
        ImportPolicy {
            equal_rankings: EqualRankings::Reject,
            ..l
        },
    ]
}

fn replaced(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    let s = std::str::from_utf8(bytes).unwrap();
    assert!(s.contains(from), "{from}");
    s.replacen(from, to, 1).into_bytes()
}

#[test]
fn the_riverton_xml_report_reads_to_the_json_reports_election_under_each_policy() {
    for policy in policies() {
        for (seats, contest) in [
            (Some(1), None),
            (None, Some("Mayor")),
            (Some(3), Some("contest-council")),
        ] {
            let o = opts(policy, seats);
            let from_json = json(RIVERTON_JSON, &o, contest).unwrap();
            let from_xml = xml(RIVERTON_XML, &o, contest).unwrap();
            assert_eq!(from_xml, from_json, "{policy:?} {seats:?} {contest:?}");
        }
    }
    // And it is the election the JSON tests pin: two contests, the pool last.
    let e = xml(RIVERTON_XML, &opts(ImportPolicy::default(), Some(1)), None).unwrap();
    assert_eq!(e.title, "Riverton municipal election");
    let ids: Vec<&str> = e.contests().iter().map(|c| c.id()).collect();
    assert_eq!(ids, ["contest-mayor", "contest-council"]);
    let mayor: Vec<(&str, bool)> = e.contests()[0]
        .candidates()
        .iter()
        .map(|c| (c.name.as_str(), c.is_undeclared_write_ins()))
        .collect();
    assert_eq!(
        mayor,
        [
            ("Ann", false),
            ("Bob", false),
            ("Cy", false),
            ("Write-in", true)
        ]
    );
    assert_eq!(e.contests()[0].ballots().ranked_papers(), 7);
    assert_eq!(e.contests()[0].ballots().blank().0, 1);
}

/// CVR 3 read at its original snapshot, which overvotes rank 1.
fn original_snapshot(bytes: &[u8], form: Format) -> Vec<u8> {
    match form {
        Format::Cdf => replaced(
            bytes,
            "\"CurrentSnapshotId\": \"cvr-3-modified\"",
            "\"CurrentSnapshotId\": \"cvr-3-original\"",
        ),
        _ => replaced(
            bytes,
            "<CurrentSnapshotId>cvr-3-modified</CurrentSnapshotId>",
            "<CurrentSnapshotId>cvr-3-original</CurrentSnapshotId>",
        ),
    }
}

#[test]
fn an_irregular_paper_is_refused_alike_and_read_alike_in_both_forms() {
    let j = original_snapshot(RIVERTON_JSON, Format::Cdf);
    let x = original_snapshot(RIVERTON_XML, Format::CdfXml);
    for policy in policies() {
        let o = opts(policy, Some(1));
        match (json(&j, &o, None), xml(&x, &o, None)) {
            (Ok(a), Ok(b)) => {
                assert_eq!(b, a, "{policy:?}");
                assert!(!b.contests()[0].irregularities().is_empty(), "{policy:?}");
            }
            (Err(a), Err(b)) => {
                let (
                    ErrorKind::JsonValue {
                        pos: pa,
                        expected: ea,
                        found: fa,
                        ..
                    },
                    ErrorKind::Element {
                        pos: pb,
                        expected: eb,
                        found: fb,
                        path,
                        ..
                    },
                ) = (a.kind(), b.kind())
                else {
                    panic!("{policy:?}: {a} / {b}");
                };
                assert_eq!((pb.ballot, eb, fb), (pa.ballot, ea, fa), "{policy:?}");
                assert_eq!(pb.ballot, Some(3));
                assert_eq!(
                    path,
                    "CastVoteRecordReport/CVR[3]/CVRSnapshot[1]/CVRContest[1]/CVRContestSelection[2]"
                );
            }
            (a, b) => panic!("{policy:?}: {a:?} / {b:?}"),
        }
    }
    let refused = xml(&x, &opts(ImportPolicy::default(), Some(1)), None).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "126:9: NIST CDF XML error in ballot 3 at CastVoteRecordReport/CVR[3]/CVRSnapshot[1]/CVRContest[1]/CVRContestSelection[2]: expected a strict ranking (pass --overvotes end-at-overvote|skip-rank to read such papers), found an overvote at rank 1"
    );
}

#[test]
fn a_contest_is_chosen_by_id_or_name_and_one_the_report_lacks_is_listed() {
    let read = |c| {
        xml(
            RIVERTON_XML,
            &opts(ImportPolicy::default(), Some(2)),
            Some(c),
        )
    };
    let by_id = read("contest-council").unwrap();
    let by_name = read("Council").unwrap();
    assert_eq!(by_id, by_name);
    assert_eq!(by_id.contests().len(), 1);
    assert_eq!(by_id.contests()[0].id(), "contest-council");
    assert_eq!(by_id.contests()[0].seats(), 2);
    let err = read("Sheriff").unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::NoSuchContest { .. }));
    assert_eq!(
        err.to_string(),
        "no contest \"Sheriff\"; its contests are: contest-mayor (Mayor), contest-council (Council)"
    );
    // A ballot measure (xsi:type BallotMeasureContest) is not read.
    assert!(matches!(
        read("measure-a").unwrap_err().kind(),
        ErrorKind::NoSuchContest { .. }
    ));
    // Seats given that disagree with NumberElected, at its text.
    assert_eq!(
        read("Mayor").unwrap_err().to_string(),
        "371:22: NIST CDF XML error at CastVoteRecordReport/Election[1]/Contest[1]/NumberElected: expected the seats given (2), found 1"
    );
    assert_eq!(
        xml(RIVERTON_XML, &opts(ImportPolicy::default(), None), None)
            .unwrap_err()
            .to_string(),
        "NIST CDF XML files do not record seats; pass --seats N"
    );
}

/// The fixture with every element in the `cdf:` prefix, as NIST's own
/// examples write it (`xsi:type="cdf:CandidateContest"` too).
fn prefixed(bytes: &[u8]) -> Vec<u8> {
    let s = std::str::from_utf8(bytes).unwrap();
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '<' {
            match chars.peek() {
                Some('/') => {
                    out.push(chars.next().unwrap());
                    out.push_str("cdf:");
                }
                Some(n) if n.is_ascii_uppercase() => out.push_str("cdf:"),
                _ => {}
            }
        }
    }
    out.replace(" xmlns=", " xmlns:cdf=")
        .replace("xsi:type=\"", "xsi:type=\"cdf:")
        .into_bytes()
}

#[test]
fn a_prefixed_or_minified_report_reads_the_same_and_is_recognised() {
    let o = opts(ImportPolicy::default(), Some(1));
    let want = xml(RIVERTON_XML, &o, None).unwrap();
    let cdf = prefixed(RIVERTON_XML);
    assert!(
        String::from_utf8_lossy(&cdf)
            .contains("<cdf:Contest ObjectId=\"measure-a\" xsi:type=\"cdf:BallotMeasureContest\">")
    );
    assert_eq!(xml(&cdf, &o, None).unwrap(), want);
    // One line, with a byte-order mark and CRLF before the root.
    let mut one_line = b"\xEF\xBB\xBF".to_vec();
    let text = std::str::from_utf8(RIVERTON_XML).unwrap();
    let (decl, body) = text.split_once('\n').unwrap();
    one_line.extend_from_slice(decl.as_bytes());
    one_line.extend_from_slice(b"\r\n");
    for line in body.lines() {
        one_line.extend_from_slice(line.trim_start().as_bytes());
    }
    assert_eq!(xml(&one_line, &o, None).unwrap(), want);
    for (name, bytes) in [
        ("cvr.xml", RIVERTON_XML),
        ("cvr", RIVERTON_XML),
        ("report.XML", &cdf),
        ("cvr.xml", &one_line),
    ] {
        assert_eq!(Format::detect(name, bytes), Some(Format::CdfXml), "{name}");
    }
    // A Hart paper is still Hart's; a report root without NIST's
    // namespace, or NIST's namespace on another root, is not recognised.
    let hart = b"<?xml version=\"1.0\"?>\n<Cvr xmlns=\"http://tempuri.org/CVRDesign.xsd\"><Contests/></Cvr>";
    assert_eq!(Format::detect("1.xml", hart), Some(Format::Hart));
    assert_eq!(
        Format::detect(
            "r.xml",
            b"<CastVoteRecordReport><CVR/></CastVoteRecordReport>"
        ),
        None
    );
    assert_eq!(
        Format::detect(
            "r.xml",
            b"<!-- <CastVoteRecordReport> --><Election xmlns=\"http://itl.nist.gov/ns/voting/1500-103/v1\"/>"
        ),
        None
    );
}

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<CastVoteRecordReport xmlns=\"http://itl.nist.gov/ns/voting/1500-103/v1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">
";

const ELECTION: &str = r#"<Election ObjectId="e"><Candidate ObjectId="a"><Name>A</Name></Candidate><Candidate ObjectId="b"><Name>B</Name></Candidate><Candidate ObjectId="c"><Name>C</Name></Candidate>
<Contest ObjectId="m" xsi:type="CandidateContest"><ContestSelection ObjectId="sa"><CandidateIds>a</CandidateIds></ContestSelection><ContestSelection ObjectId="sb"><CandidateIds>b</CandidateIds></ContestSelection><ContestSelection ObjectId="sc"><CandidateIds>c</CandidateIds></ContestSelection><ContestSelection ObjectId="w1"><IsWriteIn>true</IsWriteIn></ContestSelection><Name>M</Name><NumberElected>1</NumberElected></Contest>
<Name>E</Name></Election>
</CastVoteRecordReport>
"#;

/// A report of the papers, one CVR a line from line 3, each the marks
/// `"sel:rank"` of contest `m` with `HasIndication` yes (`sel:rank:extra`
/// puts `extra` in its place), then the election (from line 3 + papers).
fn report(papers: &[&[&str]]) -> Vec<u8> {
    let mut s = HEAD.to_owned();
    for marks in papers {
        s.push_str(&paper(marks));
        s.push('\n');
    }
    s.push_str(ELECTION);
    s.into_bytes()
}

fn paper(marks: &[&str]) -> String {
    let sels: String = marks
        .iter()
        .map(|m| {
            let mut parts = m.splitn(3, ':');
            let sel = parts.next().unwrap();
            let rank = parts.next().unwrap();
            let extra = parts.next().unwrap_or("<HasIndication>yes</HasIndication>");
            format!(
                "<CVRContestSelection><ContestSelectionId>{sel}</ContestSelectionId><SelectionPosition>{extra}<Rank>{rank}</Rank></SelectionPosition></CVRContestSelection>"
            )
        })
        .collect();
    format!(
        "<CVR><CurrentSnapshotId>s</CurrentSnapshotId><CVRSnapshot ObjectId=\"s\"><CVRContest><ContestId>m</ContestId>{sels}</CVRContest><Type>original</Type></CVRSnapshot></CVR>"
    )
}

#[test]
fn small_reports_read_their_marks_as_the_json_reader_does() {
    let e = xml(
        &report(&[
            &["sa:1", "sb:2", "sc:3"],
            &["w1:1", "sa:2:<HasIndication>no</HasIndication>"],
            &["sb:+01:<HasIndication> yes </HasIndication><IsAllocable>yes</IsAllocable><NumberVotes>1</NumberVotes>"],
            &[],
        ]),
        &opts(ImportPolicy::default(), None),
        None,
    )
    .unwrap();
    let c = &e.contests()[0];
    let mut got: Vec<(Vec<&str>, u64)> = c
        .ballots()
        .iter()
        .map(|b| {
            let names = b
                .ranking
                .iter()
                .map(|&id| c.candidate(id).name.as_str())
                .collect();
            (names, b.count.0)
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            (vec!["A", "B", "C"], 1),
            (vec!["B"], 1),
            (vec!["Write-in"], 1)
        ]
    );
    assert_eq!(c.ballots().blank().0, 1);
    assert_eq!(e.title, "E");
}

trait ReplaceStr {
    fn replace_str(self, from: &str, to: &str) -> Vec<u8>;
}

impl ReplaceStr for Vec<u8> {
    fn replace_str(self, from: &str, to: &str) -> Vec<u8> {
        replaced(&self, from, to)
    }
}

#[test]
fn every_kind_of_bad_input_is_refused_at_its_element() {
    let p = |marks: &[&str]| report(&[&["sa:1"], marks]);
    let one = || report(&[&["sa:1"]]);
    let cases: Vec<(Vec<u8>, &str)> = vec![
        // The shared steps' errors, at the elements they name.
        (
            p(&["sa:1", "sb:1"]),
            "4:108: NIST CDF XML error in ballot 2 at CastVoteRecordReport/CVR[2]/CVRSnapshot[1]/CVRContest[1]/CVRContestSelection[1]: expected a strict ranking (pass --overvotes end-at-overvote|skip-rank to read such papers), found an overvote at rank 1",
        ),
        (
            p(&["sz:1"]),
            "4:149: NIST CDF XML error in ballot 2 at CastVoteRecordReport/CVR[2]/CVRSnapshot[1]/CVRContest[1]/CVRContestSelection[1]/ContestSelectionId: expected the ObjectId of a ContestSelection of contest \"m\", found \"sz\"",
        ),
        (
            p(&["sa:0"]),
            "4:231: NIST CDF XML error in ballot 2 at CastVoteRecordReport/CVR[2]/CVRSnapshot[1]/CVRContest[1]/CVRContestSelection[1]/SelectionPosition[1]/Rank: expected a rank from 1 to 1024, found 0",
        ),
        (
            p(&["sa:1:<NumberVotes>2</NumberVotes>"]),
            "4:204: NIST CDF XML error in ballot 2 at CastVoteRecordReport/CVR[2]/CVRSnapshot[1]/CVRContest[1]/CVRContestSelection[1]/SelectionPosition[1]/NumberVotes: expected 0 or 1 (a rank holds one vote), found 2",
        ),
        // Bad enumerations.
        (
            p(&["sa:1:<HasIndication>yes</HasIndication><IsAllocable>unknown</IsAllocable>"]),
            "4:238: NIST CDF XML error in ballot 2 at CastVoteRecordReport/CVR[2]/CVRSnapshot[1]/CVRContest[1]/CVRContestSelection[1]/SelectionPosition[1]/IsAllocable: expected IsAllocable \"yes\" or \"no\" (an undecided mark is an adjudicator's to decide), found \"unknown\"",
        ),
        (
            p(&["sa:1:<HasIndication>maybe</HasIndication>"]),
            "4:206: NIST CDF XML error in ballot 2 at CastVoteRecordReport/CVR[2]/CVRSnapshot[1]/CVRContest[1]/CVRContestSelection[1]/SelectionPosition[1]/HasIndication: expected HasIndication \"yes\" or \"no\" (an undecided mark is an adjudicator's to decide), found \"maybe\"",
        ),
        (
            one().replace_str("<Type>original</Type>", "<Type>final</Type>"),
            "3:300: NIST CDF XML error in ballot 1 at CastVoteRecordReport/CVR[1]/CVRSnapshot[1]/Type: expected a snapshot Type: original, modified or interpreted, found \"final\"",
        ),
        // IDREFs to nothing.
        (
            one().replace_str("<ContestId>m</ContestId>", "<ContestId>x</ContestId>"),
            "3:95: NIST CDF XML error in ballot 1 at CastVoteRecordReport/CVR[1]/CVRSnapshot[1]/CVRContest[1]/ContestId: expected the ObjectId of a Contest of the election, found \"x\"",
        ),
        (
            one().replace_str(
                "<CurrentSnapshotId>s</CurrentSnapshotId>",
                "<CurrentSnapshotId> t </CurrentSnapshotId>",
            ),
            "3:26: NIST CDF XML error in ballot 1 at CastVoteRecordReport/CVR[1]/CurrentSnapshotId: expected the ObjectId of one of its 1 CVRSnapshots, found \"t\"",
        ),
        (
            one().replace_str(
                "<CandidateIds>c</CandidateIds>",
                "<CandidateIds>q</CandidateIds>",
            ),
            "5:259: NIST CDF XML error at CastVoteRecordReport/Election[1]/Contest[1]/ContestSelection[3]/CandidateIds: expected the ObjectId of a Candidate of the election, found \"q\"",
        ),
        (
            one().replace_str(
                "<CandidateIds>c</CandidateIds>",
                "<CandidateIds>a\n b</CandidateIds>",
            ),
            "5:259: NIST CDF XML error at CastVoteRecordReport/Election[1]/Contest[1]/ContestSelection[3]/CandidateIds: expected one candidate a selection (tickets are not read), found 2 candidates",
        ),
        // ObjectIds missing or twice.
        (
            one().replace_str("<Candidate ObjectId=\"b\">", "<Candidate>"),
            "4:74: NIST CDF XML error at CastVoteRecordReport/Election[1]/Candidate[2]: expected an ObjectId attribute (the Candidate's id), found none",
        ),
        (
            one().replace_str(
                "<ContestSelection ObjectId=\"sc\">",
                "<ContestSelection xsi:type=\"CandidateSelection\">",
            ),
            "5:213: NIST CDF XML error at CastVoteRecordReport/Election[1]/Contest[1]/ContestSelection[3]: expected an ObjectId attribute (the ContestSelection's id), found none",
        ),
        (
            one().replace_str("<Candidate ObjectId=\"b\">", "<Candidate ObjectId=\" a \">"),
            "4:96: NIST CDF XML error at CastVoteRecordReport/Election[1]/Candidate[2]/@ObjectId: expected a candidate ObjectId used once, found \"a\"",
        ),
        // Values of the wrong type, elements missing or twice.
        (
            p(&["sa:one"]),
            "4:231: NIST CDF XML error in ballot 2 at CastVoteRecordReport/CVR[2]/CVRSnapshot[1]/CVRContest[1]/CVRContestSelection[1]/SelectionPosition[1]/Rank: expected Rank as a whole number from 0 (xsd:integer), found \"one\"",
        ),
        (
            one().replace_str(
                "<NumberElected>1</NumberElected>",
                "<NumberElected>-1</NumberElected>",
            ),
            "5:401: NIST CDF XML error at CastVoteRecordReport/Election[1]/Contest[1]/NumberElected: expected NumberElected as a whole number from 0 (xsd:integer), found \"-1\"",
        ),
        (
            one().replace_str("<IsWriteIn>true</IsWriteIn>", "<IsWriteIn>yes</IsWriteIn>"),
            "5:337: NIST CDF XML error at CastVoteRecordReport/Election[1]/Contest[1]/ContestSelection[4]/IsWriteIn: expected IsWriteIn as true or false (xsd:boolean), found \"yes\"",
        ),
        (
            one().replace_str(
                "<IsWriteIn>true</IsWriteIn>",
                "<IsWriteIn>false</IsWriteIn>",
            ),
            "5:294: NIST CDF XML error at CastVoteRecordReport/Election[1]/Contest[1]/ContestSelection[4]: expected a selection naming a candidate (CandidateIds) or a write-in (IsWriteIn), found neither",
        ),
        (
            one().replace_str("<Name>B</Name>", "<Name>B</Name><Name>Bea</Name>"),
            "4:112: NIST CDF XML error at CastVoteRecordReport/Election[1]/Candidate[2]/Name[2]: expected one Name in Candidate, found two",
        ),
        (
            p(&[]).replace_str(
                "<CVRContest><ContestId>m</ContestId></CVRContest>",
                "<CVRContest/>",
            ),
            "4:72: NIST CDF XML error in ballot 2 at CastVoteRecordReport/CVR[2]/CVRSnapshot[1]/CVRContest[1]: expected a ContestId, found none",
        ),
        // Not a report, or not XML.
        (
            p(&["sa:1"]).replace_str(
                "</CVRContest><Type>original</Type></CVRSnapshot></CVR>\n<Election",
                "</CVRContst><Type>original</Type></CVRSnapshot></CVR>\n<Election",
            ),
            "4:281: NIST CDF XML error in ballot 2 at CastVoteRecordReport/CVR[2]/CVRSnapshot[1]/CVRContest[1]: expected well-formed XML, found ill-formed document: expected `</CVRContest>`, but `</CVRContst>` was found",
        ),
        (
            one().replace_str("<Name>B</Name>", "<Name>B&nbsp;</Name>"),
            "4:105: NIST CDF XML error at CastVoteRecordReport/Election[1]/Candidate[2]/Name: expected a predefined entity (&amp; &lt; &gt; &quot; &apos;) or a character reference, found \"&nbsp;\"",
        ),
        (
            one().replace_str(
                "<Candidate ObjectId=\"b\">",
                "<Candidate ObjectId=\"b\" ObjectId=\"b2\">",
            ),
            "4:98: NIST CDF XML error at CastVoteRecordReport/Election[1]/Candidate[2]: expected well-formed XML, found an attribute given twice",
        ),
        (
            one()
                .replace_str("CastVoteRecordReport xmlns", "Cvr xmlns")
                .replace_str("</CastVoteRecordReport>", "</Cvr>"),
            "2:1: NIST CDF XML error at Cvr: expected a NIST CDF cast-vote-record report (a CastVoteRecordReport root element), found <Cvr>",
        ),
        (
            one()
                .replace_str("<Name>B</Name>", "<Name>B\u{e9}</Name>")
                .into_iter()
                .map(|b| if b == 0xC3 { 0xFF } else { b })
                .collect(),
            "4:105: NIST CDF XML error: expected UTF-8 text, found the byte 0xFF",
        ),
        (
            one()[..200].to_vec(),
            "3:26: NIST CDF XML error in ballot 1 at CastVoteRecordReport/CVR[1]/CurrentSnapshotId: expected well-formed XML, found syntax error: tag not closed: `>` not found before end of input",
        ),
        (
            format!("{HEAD}</CastVoteRecordReport>\n").into_bytes(),
            "2:1: NIST CDF XML error at CastVoteRecordReport/Election: expected at least one Election, found none",
        ),
        (
            format!("{HEAD}</CastVoteRecordReport>\n<CastVoteRecordReport/>").into_bytes(),
            "4:1: NIST CDF XML error: expected one root element, found another",
        ),
        (
            b"  \n".to_vec(),
            "2:1: NIST CDF XML error: expected a CastVoteRecordReport element, found no element",
        ),
    ];
    // Columns checked by hand: a value's error is at its text's first
    // character, an element's at its `<`, an attribute's at its value.
    let mut wrong = Vec::new();
    for (bytes, want) in cases {
        let err =
            ballot::read(Format::CdfXml, &bytes, &opts(ImportPolicy::default(), None)).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Element { .. }), "{err}");
        if err.to_string() != want {
            wrong.push(format!("got:  {err}\nwant: {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_bad_cvr_is_reported_with_its_ballot() {
    let bytes = report(&[
        &["sa:1", "sb:1"],
        &["sa:1"],
        &["sa:2"],
        &["sq:1"],
        &["sa:x"],
    ]);
    let err = xml(&bytes, &opts(ImportPolicy::default(), None), None).unwrap_err();
    let at: Vec<(u64, Option<u64>)> = err
        .each()
        .iter()
        .map(|e| {
            let p = e.position().unwrap();
            (p.line, p.ballot)
        })
        .collect();
    assert_eq!(at, [(3, Some(1)), (5, Some(3)), (6, Some(4)), (7, Some(5))]);
}

/// A minified report is one line: each error's column is its byte + 1,
/// however many CVRs before it (positions are found in one pass).
#[test]
fn errors_in_a_one_line_report_are_placed_at_their_elements() {
    let mut papers: Vec<&[&str]> = vec![&["sa:1"]; 2000];
    papers[700] = &["sa:1", "sb:1"];
    papers[1500] = &["sq:1"];
    let bytes: Vec<u8> = report(&papers)
        .into_iter()
        .map(|b| if b == b'\n' { b' ' } else { b })
        .collect();
    let err = xml(&bytes, &opts(ImportPolicy::default(), None), None).unwrap_err();
    let each = err.each();
    assert_eq!(each.len(), 2, "{err}");
    let starts: Vec<(Option<u64>, &[u8])> = each
        .iter()
        .map(|e| {
            let p = e.position().unwrap();
            assert_eq!((p.line, p.column), (1, p.byte + 1), "{e}");
            (p.ballot, &bytes[p.byte as usize..p.byte as usize + 24])
        })
        .collect();
    assert_eq!(
        starts,
        [
            (Some(701), &b"<CVRContestSelection><Co"[..]),
            (Some(1501), &b"sq</ContestSelectionId><"[..]),
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Truncated, cut or changed bytes: an election or a positioned error,
    /// never a panic.
    #[test]
    fn a_mangled_report_never_panics(
        cut in 0usize..RIVERTON_XML.len(),
        at in 0usize..RIVERTON_XML.len(),
        byte in any::<u8>(),
        mode in 0u8..3,
        prefix in any::<bool>(),
    ) {
        let mut bytes = if prefix { prefixed(RIVERTON_XML) } else { RIVERTON_XML.to_vec() };
        let (cut, at) = (cut % bytes.len(), at % bytes.len());
        match mode {
            0 => bytes.truncate(cut),
            1 => bytes[at] = byte,
            _ => { bytes.drain(at.min(cut)..at.max(cut)); }
        }
        for policy in [ImportPolicy::default(), ImportPolicy::lenient()] {
            for contest in [None, Some("Mayor")] {
                match xml(&bytes, &opts(policy, Some(1)), contest) {
                    Ok(e) => prop_assert!(!e.contests().is_empty()),
                    Err(e) => {
                        for one in e.each() {
                            if let ErrorKind::Element { pos, .. } = one.kind() {
                                prop_assert!(pos.line >= 1 && pos.column >= 1, "{one}");
                                prop_assert!(pos.byte as usize <= bytes.len(), "{one}");
                            }
                        }
                    }
                }
            }
        }
    }

    /// Arbitrary bytes, alone or after a report's start: never a panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let o = opts(ImportPolicy::lenient(), Some(1));
        let _ = xml(&bytes, &o, None);
        let mut after = HEAD.as_bytes().to_vec();
        after.extend_from_slice(&bytes);
        let _ = xml(&after, &o, Some("m"));
        let _ = Format::detect("x.xml", &bytes);
    }
}
