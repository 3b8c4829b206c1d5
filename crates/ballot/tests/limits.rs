//! The limits of `specs/limits.md`, one table row each: past a limit every
//! reader gives a positioned error naming the limit, never a panic or an
//! allocation the input cannot justify.

use ballot::{Format, ImportPolicy, ReadOptions};

fn opts(seats: Option<u32>, lenient: bool) -> ReadOptions {
    ReadOptions {
        seats,
        policy: if lenient {
            ImportPolicy::lenient()
        } else {
            ImportPolicy::default()
        },
        ..ReadOptions::default()
    }
}

const PREFLIB: &str = "# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: A\n\
                       # ALTERNATIVE NAME 2: B\n# ALTERNATIVE NAME 3: C\n";

#[test]
fn each_limit_is_refused_with_an_error_naming_it() {
    let max = u64::MAX;
    #[rustfmt::skip]
    let cases: Vec<(&str, Format, String, ReadOptions, &str)> = vec![
        ("candidates: BLT past the arena's u16 ids", Format::Blt, "65536 1\n0\n".into(), opts(None, false),
         "1:1: BLT error: expected a number of candidates from 1 to 65535, found \"65536\""),
        ("candidates: BLT none", Format::Blt, "0 1\n0\n".into(), opts(None, false),
         "1:1: BLT error: expected a number of candidates from 1 to 65535, found \"0\""),
        ("candidates: DAT", Format::Dat, "1 Ward\n1 65536 0 0\n".into(), opts(None, false),
         "2:3: DAT error: expected a number of candidates from 1 to 65535, found 65536"),
        ("candidates: PrefLib", Format::PreflibSoi, "# NUMBER ALTERNATIVES: 65536\n".into(), opts(Some(1), false),
         "a number of alternatives from 1 to 65535, found 65536"),
        ("seats: more than candidates", Format::Blt, "3 4\n0\n".into(), opts(None, false),
         "1:3: BLT error: expected a number of seats from 1 to 3, found \"4\""),
        ("seats: none", Format::Blt, "3 0\n0\n".into(), opts(None, false),
         "1:3: BLT error: expected a number of seats from 1 to 3, found \"0\""),
        ("seats: DAT none", Format::Dat, "1 Ward\n0 3 0 0\n".into(), opts(None, false),
         "2:1: DAT error: expected a number of seats from 1, found 0"),
        ("papers per ranking: 2^64", Format::Blt, "3 1\n18446744073709551616 1 0\n0\n".into(), opts(None, false),
         "2:1: BLT error in ballot 1: expected a paper count below 2^64, found \"18446744073709551616\""),
        ("total papers: BLT", Format::Blt, format!("3 1\n{max} 1 0\n{max} 2 0\n0\n"), opts(None, false),
         "3:1: BLT error in ballot 2: expected a total of papers below 2^64, found 18446744073709551615 more papers, a total of 36893488147419103230"),
        ("total papers: BLT blank papers", Format::Blt, format!("3 1\n{max} 0\n5 0\n0\n"), opts(None, false),
         "found 5 more papers, a total of 18446744073709551620"),
        ("total papers: PrefLib", Format::PreflibSoi, format!("{PREFLIB}{max}: 1\n2: 2\n"), opts(Some(1), false),
         "expected a total of papers below 2^64, found 2 more papers, a total of 18446744073709551617"),
        ("preferences per paper: more than candidates", Format::Blt, "3 1\n1 1 2 3 1 0\n0\n".into(), opts(None, false),
         "2:9: BLT error in ballot 1: expected a strict ranking, found a candidate ranked twice \"1\""),
        ("preferences per paper: beyond the candidates", Format::Blt, "3 1\n1 1 2 4 0\n0\n".into(), opts(None, false),
         "2:7: BLT error in ballot 1: expected a candidate number from 1 to 3, found \"4\""),
    ];
    for (what, format, input, opts, want) in cases {
        let err = ballot::read(format, input.as_bytes(), &opts)
            .expect_err(what)
            .to_string();
        assert!(err.contains(want), "{what}:\n  got  {err}\n  want {want}");
        assert!(
            ballot::read(format, input.as_bytes(), &opts)
                .unwrap_err()
                .position()
                .is_some(),
            "{what}: the error has a position"
        );
    }
}

#[test]
fn line_length_has_no_limit_but_the_file() {
    // A 4 MB line repeating three candidates reads (repeats kept first) in
    // memory bounded by the candidates (tests/bounded_memory.rs).
    let line = " 1 2 3".repeat(700_000);
    let input = format!("3 1\n1{line} 0\n0\nA\nB\nC\nT\n");
    let e = ballot::read(Format::Blt, input.as_bytes(), &opts(None, true)).unwrap();
    let ballots = e.contests()[0].ballots();
    assert_eq!(ballots.len(), 1);
    assert_eq!(ballots.ballot(0).ranking.len(), 3);
}

#[test]
fn a_wide_header_without_names_is_refused_at_the_end_of_the_file() {
    // `65535 1000` declares what the file cannot hold: refused, not allocated for.
    let err = ballot::read(Format::Blt, b"65535 1000\n0\n", &opts(None, false)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "3:1: BLT error: expected the name of candidate 1 of 65535, found end of file"
    );
}
