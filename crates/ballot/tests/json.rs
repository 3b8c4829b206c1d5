//! recount's JSON election format: the writer's layout, malformed documents
//! with their exact errors, and the round trip `read(write(e)) == e` for
//! arbitrary and multi-contest elections.

use std::collections::BTreeMap;

use ballot::policy::{EqualRankings, SkippedRanks};
use ballot::{
    BallotsBuilder, Candidate, CandidateId, Contest, Election, Format, ImportPolicy,
    Irregularities, ReadOptions,
};
use proptest::prelude::*;
use recount_testkit::{Names, arb_election};

fn c(i: usize) -> CandidateId {
    CandidateId::new(i).unwrap()
}

fn write(e: &Election) -> String {
    let mut out = Vec::new();
    ballot::write(Format::Json, e, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn read(text: &str) -> Result<Election, ballot::Error> {
    ballot::read(Format::Json, text.as_bytes(), &ReadOptions::default())
}

/// Two contests using every field the model has, with awkward names.
fn two_wards() -> Election {
    let mut a = vec![
        Candidate::named(1, "Ann \"the Bold\" O'Neil"),
        Candidate::named(2, "Bé\nLine"),
        Candidate::named(3, ""),
    ];
    a[0].affiliation = Some("Green, Party".into());
    a[1].attributes = BTreeMap::from([("gender".into(), "woman".into())]);
    a[2].id = "c-3 \u{0}".into();
    let mut b = BallotsBuilder::new(3);
    b.push(&[c(2), c(0)], 7).unwrap();
    b.push(&[c(1)], u64::MAX - 10).unwrap();
    b.push(&[], 3).unwrap();
    let first = Contest::new("w1", "Ward One", 2, a, b.build())
        .and_then(|k| k.with_withdrawn([c(1)]))
        .and_then(|k| k.with_tie_order(vec![c(2), c(0), c(1)]))
        .unwrap()
        .with_import(
            ImportPolicy::lenient(),
            Irregularities {
                equal_rankings: 4,
                overvotes: 1,
                ..Irregularities::default()
            },
        );
    let mut b = BallotsBuilder::new(2);
    b.push(&[c(0), c(1)], 1).unwrap();
    let second = Contest::new(
        "w2",
        "",
        1,
        vec![Candidate::named(1, "X"), Candidate::named(2, "X")],
        b.build(),
    )
    .unwrap();
    Election::new("council", "Council \u{1F5F3}", vec![first, second]).unwrap()
}

#[test]
fn json_round_trip_of_a_two_contest_election_with_every_field() {
    let e = two_wards();
    assert_eq!(read(&write(&e)).unwrap(), e);
}

proptest! {
    #[test]
    fn json_round_trip_any_names(e in arb_election(Names::Any)) {
        let text = write(&e);
        prop_assert_eq!(read(&text).unwrap(), e);
    }
}

#[test]
fn json_writer_layout() {
    let mut b = BallotsBuilder::new(2);
    b.push(&[c(1), c(0)], 3).unwrap();
    b.push(&[c(0)], 1).unwrap();
    let contest = Contest::new(
        "w",
        "W",
        1,
        vec![Candidate::named(1, "A"), Candidate::named(2, "B")],
        b.build(),
    )
    .unwrap();
    let text = write(&Election::single(contest));
    assert_eq!(
        text,
        r#"{
  "format": "recount-election/1",
  "id": "w",
  "title": "W",
  "contests": [
    {
      "id": "w",
      "title": "W",
      "seats": 1,
      "candidates": [
        {"id":"1","name":"A"},
        {"id":"2","name":"B"}
      ],
      "policy": {"equal-rankings":"reject","skipped-ranks":"reject","repeated-candidates":"reject","overvotes":"reject"},
      "irregularities": {"equal_rankings":0,"skipped_ranks":0,"repeated_candidates":0,"overvotes":0},
      "blank": 0,
      "ballots": [
        {"count": 3, "ranking": ["2","1"]},
        {"count": 1, "ranking": ["1"]}
      ]
    }
  ]
}
"#
    );
}

/// A minimal valid document with one contest whose body is `contest`.
fn doc(contest: &str) -> String {
    format!(
        "{{\"format\": \"recount-election/1\", \"id\": \"e\", \"title\": \"E\",\n\"contests\": [{{{contest}}}]}}"
    )
}

const CANDS: &str = "\"id\": \"w\", \"title\": \"W\", \"seats\": 1,\n\"candidates\": [{\"id\": \"a\", \"name\": \"A\"}, {\"id\": \"b\", \"name\": \"B\"}],\n";

#[test]
fn json_reader_accepts_optional_fields_left_out() {
    let e = read(&doc(&format!(
        "{CANDS}\"ballots\": [{{\"ranking\": [\"b\"], \"count\": 2}}, {{\"count\": 1, \"ranking\": []}}, {{\"count\": 1, \"ranking\": [\"b\"]}}]"
    )))
    .unwrap();
    let k = &e.contests()[0];
    assert_eq!(k.ballots().first_preferences(), vec![0, 3]);
    assert_eq!(k.ballots().blank().0, 1);
    assert_eq!(k.policy(), &ImportPolicy::default());
    let e = read(&doc(&format!(
        "{CANDS}\"policy\": {{\"skipped-ranks\": \"close-up\"}}, \"ballots\": []"
    )))
    .unwrap();
    assert_eq!(
        e.contests()[0].policy(),
        &ImportPolicy {
            skipped_ranks: SkippedRanks::CloseUp,
            ..ImportPolicy::default()
        }
    );
    assert_eq!(
        e.contests()[0].policy().equal_rankings,
        EqualRankings::Reject
    );
}

#[test]
fn malformed_json_gives_exact_errors() {
    let ballots = |b: &str| doc(&format!("{CANDS}\"ballots\": [{b}]"));
    let cases: Vec<(String, &str)> = vec![
        ("".into(), "1:1: JSON error: expected a recount-election/1 document, found EOF while parsing a value"),
        ("\u{1}\u{2}junk".into(), "1:1: JSON error: expected a recount-election/1 document, found expected value"),
        ("{\"format\": \"recount-election/1\", \"id\": \"e\"".into(), "1:42: JSON error: expected a recount-election/1 document, found EOF while parsing an object"),
        ("{}".into(), "1:2: JSON error: expected a recount-election/1 document, found missing field `format`"),
        ("{\"format\": \"recount-election/2\"}".into(), "1:32: JSON error: expected a recount-election/1 document at format, found format \"recount-election/2\"; this recount reads \"recount-election/1\""),
        (doc(&format!("{CANDS}\"ballots\": [], \"colour\": 1")), "4:23: JSON error: expected a recount-election/1 document at contests[0].colour, found unknown field `colour`, expected one of `id`, `title`, `seats`, `candidates`, `withdrawn`, `tie_order`, `constraints`, `policy`, `irregularities`, `blank`, `ballots`"),
        (doc(&format!("{CANDS}\"ballots\": []")) + " x", "4:18: JSON error: expected a recount-election/1 document, found trailing characters"),
        (doc(&format!("{CANDS}\"ballots\": [")), "4:13: JSON error: expected a recount-election/1 document at contests[0].ballots, found expected value"),
        (ballots("{\"count\": \"2\", \"ranking\": []}"), "4:25: JSON error: expected a recount-election/1 document at contests[0].ballots[0].count, found invalid type: string \"2\", expected u64"),
        (ballots("{\"count\": 18446744073709551616, \"ranking\": []}"), "4:42: JSON error: expected a recount-election/1 document at contests[0].ballots[0].count, found invalid type: floating point `1.8446744073709552e+19`, expected u64"),
        (ballots("{\"count\": 1}"), "4:24: JSON error: expected a recount-election/1 document at contests[0].ballots[0], found missing field `ranking`"),
        (ballots("{\"count\": 1, \"ranking\": [], \"x\": 1}"), "4:43: JSON error: expected a recount-election/1 document at contests[0].ballots[0].x, found unknown field `x`, expected `count` or `ranking`"),
        (ballots("{\"count\": 1, \"count\": 2, \"ranking\": []}"), "4:35: JSON error: expected a recount-election/1 document at contests[0].ballots[0], found duplicate field `count`"),
        (ballots("{\"count\": 1, \"ranking\": \"a\"}"), "4:39: JSON error: expected a recount-election/1 document at contests[0].ballots[0].ranking, found invalid type: string \"a\", expected an array of candidate ids (a rank of several: an array of ids)"),
        (ballots("{\"count\": 1, \"ranking\": [\"a\", \"c\"]}"), "4:43: JSON error: expected the id of one of the contest's candidates at contests[0].ballots[0].ranking[1], found \"c\""),
        (ballots("{\"count\": 1, \"ranking\": [\"a\", \"a\"]}"), "4:43: JSON error: expected a candidate not ranked before on this ballot at contests[0].ballots[0].ranking[1], found \"a\""),
        (ballots("{\"count\": 0, \"ranking\": [\"a\"]}"), "4:23: JSON error: expected a count of papers from 1 at contests[0].ballots[0].count, found 0"),
        (ballots("{\"count\": 18446744073709551615, \"ranking\": [\"a\"]},\n{\"count\": 1, \"ranking\": [\"b\"]}"), "5:11: JSON error: expected a total of papers below 2^64 at contests[0].ballots[1].count, found 1"),
        (doc("\"id\": \"w\", \"title\": \"W\", \"seats\": 0, \"candidates\": [], \"ballots\": []"), "2:49: JSON error: expected a number of seats from 1 at contests[0].seats, found 0"),
        (doc("\"id\": \"w\", \"title\": \"W\", \"seats\": 1, \"candidates\": [], \"ballots\": []"), "2:66: JSON error: expected from 1 to 65535 candidates at contests[0].candidates, found 0"),
        (doc("\"id\": \"w\", \"title\": \"W\", \"seats\": 1, \"candidates\": [{\"id\": \"a\", \"name\": \"A\"}, {\"id\": \"a\", \"name\": \"B\"}], \"ballots\": []"), "2:100: JSON error: expected a candidate id no other candidate of the contest has at contests[0].candidates[1].id, found \"a\", the id of candidate 0"),
        (doc(&format!("{CANDS}\"withdrawn\": [\"b\", \"zz\"], \"ballots\": []")), "4:20: JSON error: expected the id of one of the contest's candidates at contests[0].withdrawn[1], found \"zz\""),
        (doc(&format!("{CANDS}\"tie_order\": [\"b\"], \"ballots\": []")), "4:14: JSON error: expected all 2 candidates at contests[0].tie_order, found 1 of them"),
        (doc(&format!("{CANDS}\"tie_order\": [\"b\", \"b\"], \"ballots\": []")), "4:20: JSON error: expected each candidate once at contests[0].tie_order[1], found \"b\" again"),
        (doc(&format!("{CANDS}\"policy\": {{\"equal-ranking\": \"end-at-tie\"}}, \"ballots\": []")), "4:26: JSON error: expected a recount-election/1 document at contests[0].policy.equal-ranking, found unknown field `equal-ranking`, expected one of `equal-rankings`, `skipped-ranks`, `repeated-candidates`, `overvotes`, `max-skipped-ranks`, `max-ranks`"),
        ("{\"format\": \"recount-election/1\", \"id\": \"e\", \"title\": \"E\", \"contests\": []}".into(), "1:71: JSON error: expected at least one contest at contests, found none"),
        (format!("{{\"format\": \"recount-election/1\", \"id\": \"e\", \"title\": \"É\",\n\"contests\": [{{{CANDS}\"ballots\": []}}, {{{CANDS}\"ballots\": []}}]}}"), "4:24: JSON error: expected a contest id no other contest has at contests[1].id, found \"w\", the id of contest 0"),
    ];
    let mut wrong = Vec::new();
    for (input, want) in &cases {
        let got = read(input).unwrap_err().to_string();
        if got != *want {
            wrong.push(format!("{input}\n  got:  {got}\n  want: {want}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn json_every_bad_ballot_is_reported() {
    let text = doc(&format!(
        "{CANDS}\"ballots\": [\n{{\"count\": 1, \"ranking\": [\"q\"]}},\n{{\"count\": 1, \"ranking\": [\"a\"]}},\n{{\"count\": 0, \"ranking\": [\"b\"]}}]"
    ));
    let err = read(&text).unwrap_err();
    let at: Vec<_> = err
        .each()
        .iter()
        .map(|e| e.position().map(|p| (p.line, p.column)))
        .collect();
    assert_eq!(at, [Some((5, 26)), Some((7, 11))]);
}

#[test]
fn json_options_seats_must_agree_with_every_contest() {
    let e = two_wards();
    let text = write(&e);
    let opts = ReadOptions {
        seats: Some(2),
        ..ReadOptions::default()
    };
    let err = ballot::read(Format::Json, text.as_bytes(), &opts).unwrap_err();
    let second_seats = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("\"seats\""))
        .nth(1)
        .map(|(i, l)| (i as u64 + 1, l.find("1").unwrap() as u64 + 1))
        .unwrap();
    assert_eq!(
        err.position().map(|p| (p.line, p.column)),
        Some(second_seats)
    );
    assert!(
        err.to_string()
            .contains("expected 2 seats, as the options say at contests[1].seats, found 1")
    );
}

fn shared_data() -> Option<std::path::PathBuf> {
    recount_testkit::shared_data()
}

/// Real elections from three readers survive JSON and CSV unchanged,
/// import policy and irregularity counts included.
#[test]
fn real_elections_round_trip_through_json_and_csv() {
    let Some(data) = shared_data() else { return };
    let keep_first = ImportPolicy {
        repeated_candidates: ballot::policy::RepeatedCandidates::KeepFirst,
        ..ImportPolicy::default()
    };
    let cases = [
        (
            "preflib/00001 - irish/00001-00000001.soi",
            Format::PreflibSoi,
            Some(4),
            ImportPolicy::default(),
        ),
        (
            "cambridge-ma/2021/council.csv",
            Format::Csv,
            Some(9),
            keep_first,
        ),
        (
            "scotland-2022-mollison/SC2022_ballot_format/East_Dunbartonshire/1_Milngavie.dat",
            Format::Dat,
            None,
            ImportPolicy::default(),
        ),
    ];
    for (file, format, seats, policy) in cases {
        let bytes = std::fs::read(data.join(file)).unwrap();
        let opts = ReadOptions {
            seats,
            id: "real".into(),
            policy,
            weight_column: None,
            rows: None,
        };
        let e = ballot::read(format, &bytes, &opts).unwrap_or_else(|err| panic!("{file}: {err}"));
        for out_format in [Format::Json, Format::Csv] {
            let mut out = Vec::new();
            ballot::write(out_format, &e, &mut out).unwrap();
            let back = ballot::read(out_format, &out, &ReadOptions::default())
                .unwrap_or_else(|err| panic!("{file} as {out_format}: {err}"));
            assert_eq!(back, e, "{file} as {out_format}");
        }
    }
}

proptest! {
    /// Truncated or corrupted documents give errors with positions inside
    /// the input, never a panic.
    #[test]
    fn json_damaged_documents_give_positioned_errors(
        cut in 0usize..1200,
        flips in proptest::collection::vec((0usize..1200, any::<u8>()), 0..4),
    ) {
        let mut bytes = write(&two_wards()).into_bytes();
        for (i, b) in flips {
            if let Some(x) = bytes.get_mut(i) {
                *x = b;
            }
        }
        bytes.truncate(cut);
        if let Err(err) = ballot::read(Format::Json, &bytes, &ReadOptions::default()) {
            for e in err.each() {
                if let Some(p) = e.position() {
                    prop_assert!(p.line >= 1 && p.column >= 1 && p.byte <= bytes.len() as u64, "{e}");
                }
            }
        }
    }
}

#[test]
fn papers_keeping_equal_rankings_round_trip_through_json_and_blt() {
    // `--equal-rankings keep`: a rank of several is an array in JSON and
    // `a=b` in BLT; both writers keep it, both readers read it back.
    let blt = b"4 2\n3 1 2=3 4 0\n2 4=1 0\n1 2 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"t\"\n";
    let keep = ReadOptions {
        policy: ballot::ImportPolicy {
            equal_rankings: EqualRankings::Keep,
            ..Default::default()
        },
        ..Default::default()
    };
    let e = ballot::read(Format::Blt, blt, &keep).unwrap();
    let b = e.contests()[0].ballots();
    assert_eq!(
        (b.len(), b.equal_rankings().len(), b.ranked_papers()),
        (1, 2, 6)
    );
    let ranks: Vec<Vec<Vec<usize>>> = b
        .equal_rankings()
        .iter()
        .map(|r| {
            r.ranks()
                .map(|k| k.iter().map(|c| c.number()).collect())
                .collect()
        })
        .collect();
    // Within a rank the candidates are sorted: `4=1` is `1=4`.
    assert_eq!(
        ranks,
        vec![vec![vec![1], vec![2, 3], vec![4]], vec![vec![1, 4]]]
    );
    let mut json = Vec::new();
    ballot::write(Format::Json, &e, &mut json).unwrap();
    let text = String::from_utf8(json.clone()).unwrap();
    assert!(
        text.contains(r#"{"count": 3, "ranking": ["1",["2","3"],"4"]}"#),
        "{text}"
    );
    assert_eq!(
        ballot::read(Format::Json, &json, &ReadOptions::default()).unwrap(),
        e
    );
    let mut again = Vec::new();
    ballot::write(Format::Blt, &e, &mut again).unwrap();
    assert!(String::from_utf8_lossy(&again).contains("3 1 2=3 4 0\n2 1=4 0\n"));
    assert_eq!(ballot::read(Format::Blt, &again, &keep).unwrap(), e);
    // CSV's rank columns cannot hold a tie: refused, not flattened.
    let err = ballot::write(Format::Csv, &e, &mut Vec::new()).unwrap_err();
    assert!(
        err.to_string().contains("5 papers rank candidates equal"),
        "{err}"
    );
}

#[test]
fn an_empty_rank_array_is_refused_with_its_path() {
    let doc = br#"{"format": "recount-election/1", "id": "e", "title": "t", "contests": [{"id": "c", "title": "c", "seats": 1,
      "candidates": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
      "ballots": [{"count": 1, "ranking": ["a", []]}]}]}"#;
    let err = ballot::read(Format::Json, doc, &ReadOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("contests[0].ballots[0].ranking[1]"), "{text}");
    assert!(text.contains("at least one candidate id"), "{text}");
}
