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
