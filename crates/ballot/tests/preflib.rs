//! The PrefLib `.soi`/`.toi` reader: grammar cases, malformed files with
//! their exact errors, and every PrefLib file of the shared corpus.

use std::path::PathBuf;

use ballot::policy::EqualRankings;
use ballot::{Election, Format, ImportPolicy, ReadOptions};

fn opts(seats: Option<u32>) -> ReadOptions {
    ReadOptions {
        seats,
        id: "t".into(),
        ..ReadOptions::default()
    }
}

/// Rankings as `(count, [1-based candidate numbers])`, then the blank papers.
fn papers(e: &Election) -> (Vec<(u64, Vec<usize>)>, u64) {
    let b = e.contests()[0].ballots();
    (
        b.iter()
            .map(|x| (x.count.0, x.ranking.iter().map(|c| c.number()).collect()))
            .collect(),
        b.blank().0,
    )
}

const HEAD3: &str = "# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: Ann\n# ALTERNATIVE NAME 2: \"Bob\"\n# ALTERNATIVE NAME 3: Cy D.\n";

#[test]
fn soi_grammar_cases() {
    type Case = (&'static str, &'static [(u64, &'static [usize])], u64);
    let cases: &[Case] = &[
        ("3: 1,2,3\n", &[(3, &[1, 2, 3])], 0),
        ("3:1 , 2\r\n2: 3\n", &[(3, &[1, 2]), (2, &[3])], 0),
        ("1: 2\n\n\n4: 2\n", &[(5, &[2])], 0),
        ("7:\n1: 3,1\n", &[(1, &[3, 1])], 7),
        ("", &[], 0),
    ];
    for (body, want, blank) in cases {
        let input = format!("{HEAD3}{body}");
        let e = ballot::read(Format::PreflibSoi, input.as_bytes(), &opts(Some(2)))
            .unwrap_or_else(|err| panic!("{body:?}: {err}"));
        let want: Vec<(u64, Vec<usize>)> = want.iter().map(|(c, r)| (*c, r.to_vec())).collect();
        assert_eq!(papers(&e), (want, *blank), "{body:?}");
    }
}

#[test]
fn header_gives_names_title_and_the_seats_come_from_the_options() {
    let input = format!(
        "\u{feff}# TITLE: A Test\n# DATA TYPE: soi\n{HEAD3}# NUMBER VOTERS: 2\n# NUMBER UNIQUE ORDERS: 1\n2: 3\n"
    );
    let e = ballot::read(Format::PreflibSoi, input.as_bytes(), &opts(Some(2))).unwrap();
    let c = &e.contests()[0];
    let names: Vec<&str> = c.candidates().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Ann", "Bob", "Cy D."]);
    assert_eq!(c.candidates()[2].id, "3");
    assert_eq!(
        (e.id.as_str(), e.title.as_str(), c.seats()),
        ("t", "A Test", 2)
    );
}

#[test]
fn toi_ties_follow_the_import_policy() {
    let input = format!("{HEAD3}2: 1,{{2,3}}\n1: {{3}},2\n");
    let err = ballot::read(Format::PreflibToi, input.as_bytes(), &opts(Some(1))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "5:6: PrefLib TOI error in ballot 1: expected a strict ranking (pass --equal-rankings end-at-tie to read such papers), found candidates ranked equal"
    );
    let mut o = opts(Some(1));
    o.policy = ImportPolicy {
        equal_rankings: EqualRankings::EndAtTie,
        ..ImportPolicy::default()
    };
    let e = ballot::read(Format::PreflibToi, input.as_bytes(), &o).unwrap();
    assert_eq!(papers(&e), (vec![(2, vec![1]), (1, vec![3, 2])], 0));
    assert_eq!(e.contests()[0].irregularities().equal_rankings, 2);
    assert_eq!(e.contests()[0].policy(), &o.policy);
    // Kept, `{2,3}` stays one rank; a group of one is a plain preference.
    o.policy.equal_rankings = EqualRankings::Keep;
    let e = ballot::read(Format::PreflibToi, input.as_bytes(), &o).unwrap();
    let b = e.contests()[0].ballots();
    assert_eq!(papers(&e), (vec![(1, vec![3, 2])], 0));
    let kept: Vec<(u64, Vec<Vec<usize>>)> = b
        .equal_rankings()
        .iter()
        .map(|r| {
            let ranks = r.ranks().map(|k| k.iter().map(|c| c.number()).collect());
            (r.count.0, ranks.collect())
        })
        .collect();
    assert_eq!(kept, vec![(2, vec![vec![1], vec![2, 3]])]);
    assert_eq!(b.ranked_papers(), 3);
}

#[test]
fn malformed_files_give_exact_errors() {
    let cases: &[(Format, &str, &str)] = &[
        (
            Format::PreflibSoi,
            "1: 1,4\n",
            "5:6: PrefLib SOI error in ballot 1: expected an alternative number from 1 to 3, found 4",
        ),
        (
            Format::PreflibSoi,
            "1: 1,0\n",
            "5:6: PrefLib SOI error in ballot 1: expected an alternative number from 1 to 3, found 0",
        ),
        (
            Format::PreflibSoi,
            "1: 1,,2\n",
            "5:6: PrefLib SOI error in ballot 1: expected an alternative number from 1 to 3, found \",\"",
        ),
        (
            Format::PreflibSoi,
            "1: 1,x\n",
            "5:6: PrefLib SOI error in ballot 1: expected an alternative number from 1 to 3, found \"x\"",
        ),
        (
            Format::PreflibSoi,
            "1: 1 2\n",
            "5:6: PrefLib SOI error in ballot 1: expected \",\" or the end of the line, found \"2\"",
        ),
        (
            Format::PreflibSoi,
            "1: 1,\n",
            "5:6: PrefLib SOI error in ballot 1: expected an alternative number from 1 to 3, found the end of the line",
        ),
        (
            Format::PreflibSoi,
            "1 1,2\n",
            "5:3: PrefLib SOI error in ballot 1: expected \":\" after the count, found \"1\"",
        ),
        (
            Format::PreflibSoi,
            "0: 1\n",
            "5:1: PrefLib SOI error in ballot 1: expected a count of papers (a whole number from 1), found \"0\"",
        ),
        (
            Format::PreflibSoi,
            "x: 1\n",
            "5:1: PrefLib SOI error in ballot 1: expected a count of papers (a whole number from 1), found \"x\"",
        ),
        (
            Format::PreflibSoi,
            "99999999999999999999: 1\n",
            "5:1: PrefLib SOI error in ballot 1: expected a count of papers (a whole number from 1), found \"99999999999999999999\"",
        ),
        (
            Format::PreflibSoi,
            "1: {1,2}\n",
            "5:4: PrefLib SOI error in ballot 1: expected an alternative number from 1 to 3 (ties in braces are for .toi files), found \"{\"",
        ),
        (
            Format::PreflibToi,
            "1: {1,2\n",
            "5:8: PrefLib TOI error in ballot 1: expected \",\" or \"}\" in a tie, found the end of the line",
        ),
        (
            Format::PreflibSoi,
            "1: 1,2,1\n",
            "5:8: PrefLib SOI error in ballot 1: expected a strict ranking (pass --repeated-candidates keep-first to read such papers), found a candidate ranked twice",
        ),
        (
            Format::PreflibSoi,
            "1: 1\n# TITLE: late\n",
            "6:1: PrefLib SOI error: expected an order (header lines come before the first order), found \"# TITLE: late\"",
        ),
        (
            Format::PreflibSoi,
            "18446744073709551615: 1\n1: 2\n",
            "6:1: PrefLib SOI error in ballot 2: expected a total of papers below 2^64, found 1 more papers, a total of 18446744073709551616",
        ),
    ];
    for (format, body, want) in cases {
        let input = format!("{HEAD3}{body}");
        let err = ballot::read(*format, input.as_bytes(), &opts(Some(1))).unwrap_err();
        assert_eq!(err.to_string(), *want, "{body:?}");
    }
}

#[test]
fn every_bad_order_is_reported() {
    let input = format!("{HEAD3}1: 9\n1: 1\n1: 0\n");
    let err = ballot::read(Format::PreflibSoi, input.as_bytes(), &opts(Some(1))).unwrap_err();
    let positions: Vec<_> = err
        .each()
        .iter()
        .map(|e| e.position().map(|p| (p.line, p.column, p.ballot)))
        .collect();
    assert_eq!(positions, [Some((5, 4, Some(1))), Some((7, 4, Some(3)))]);
}

#[test]
fn malformed_headers_give_exact_errors() {
    let cases: &[(&str, &str)] = &[
        (
            "# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: A\n1: 1\n",
            "1:24: PrefLib SOI error: expected an ALTERNATIVE NAME line for each of the 2 alternatives, found no name for alternative 2",
        ),
        (
            "# NUMBER ALTERNATIVES: 1\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n",
            "3:23: PrefLib SOI error: expected names only for alternatives 1 to 1, found a name for alternative 2",
        ),
        (
            "# ALTERNATIVE NAME 1: A\n1: 1\n",
            "2:1: PrefLib SOI error: expected a \"# NUMBER ALTERNATIVES: n\" header line, found an order",
        ),
        (
            "# NUMBER ALTERNATIVES: two\n",
            "1:24: PrefLib SOI error: expected a number of alternatives, found \"two\"",
        ),
        (
            "# NUMBER ALTERNATIVES: 0\n",
            "1:24: PrefLib SOI error: expected a number of alternatives from 1 to 65535, found 0",
        ),
        (
            "# NUMBER ALTERNATIVES: 1\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 1: B\n",
            "3:1: PrefLib SOI error: expected one \"ALTERNATIVE NAME 1\" line, found a second one",
        ),
        (
            "# ALTERNATIVE NAME x: A\n",
            "1:20: PrefLib SOI error: expected an alternative number from 1, found \"x\"",
        ),
        (
            "# DATA TYPE: toi\n",
            "1:14: PrefLib SOI error: expected DATA TYPE soi, found \"toi\"",
        ),
        (
            "# NUMBER ALTERNATIVES: 1\n# ALTERNATIVE NAME 1: A\n# NUMBER VOTERS: 5\n2: 1\n2: 1\n",
            "3:18: PrefLib SOI error: expected NUMBER VOTERS to match the file: 4 papers, found 5",
        ),
        (
            "# NUMBER ALTERNATIVES: 1\n# ALTERNATIVE NAME 1: A\n# NUMBER UNIQUE ORDERS: 1\n2: 1\n2: 1\n",
            "3:25: PrefLib SOI error: expected NUMBER UNIQUE ORDERS to match the file: 2 order lines, found 1",
        ),
        (
            "# NUMBER ALTERNATIVES: 1\n# ALTERNATIVE NAME 1: A\n1: 1\u{1}\n",
            "3:5: PrefLib SOI error in ballot 1: expected \",\" or the end of the line, found \"\\u{1}\"",
        ),
    ];
    for (input, want) in cases {
        let err = ballot::read(Format::PreflibSoi, input.as_bytes(), &opts(Some(1))).unwrap_err();
        assert_eq!(err.to_string(), *want, "{input:?}");
    }
    let binary: &[(&[u8], &str)] = &[
        (
            b"# NUMBER ALTERNATIVES: 1\n# ALTERNATIVE NAME 1: A\n1: 1\xff\n",
            "3:5: PrefLib SOI error: expected UTF-8 text, found the byte 0xFF",
        ),
        (
            b"\x00\x01\x02\xfe",
            "1:4: PrefLib SOI error: expected UTF-8 text, found the byte 0xFE",
        ),
        (
            b"\x00\x01\x02",
            "1:1: PrefLib SOI error: expected a \"# NUMBER ALTERNATIVES: n\" header line, found an order",
        ),
    ];
    for (input, want) in binary {
        let err = ballot::read(Format::PreflibSoi, input, &opts(Some(1))).unwrap_err();
        assert_eq!(err.to_string(), *want, "{input:?}");
    }
}

#[test]
fn preflib_without_seats_says_to_pass_them() {
    let input = format!("{HEAD3}1: 1\n");
    let err = ballot::read(Format::PreflibSoi, input.as_bytes(), &opts(None)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "PrefLib files do not record seats; pass --seats N"
    );
}

fn shared_data() -> Option<PathBuf> {
    recount_testkit::shared_data()
}

fn load(path: &std::path::Path) -> Election {
    let bytes = std::fs::read(path).unwrap();
    ballot::read(Format::PreflibSoi, &bytes, &opts(Some(1)))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn preflib_every_file_of_the_corpus_loads() {
    let Some(data) = shared_data() else { return };
    let mut files = 0;
    let mut per_folder = std::collections::BTreeMap::new();
    for dir in std::fs::read_dir(data.join("preflib")).unwrap() {
        let dir = dir.unwrap().path();
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|x| x == "soi" || x == "toi") {
                let e = load(&f);
                files += 1;
                let folder = dir.file_name().unwrap().to_string_lossy().into_owned();
                let entry = per_folder.entry(folder).or_insert((0, 0u64));
                entry.0 += 1;
                entry.1 += e.contests()[0].ballots().total_papers();
            }
        }
    }
    assert_eq!(files, 115);
    // Election and paper totals from MANIFEST.md section 5.
    // (The manifest's table prints 137,011 for the Irish folder, but its own
    // three figures, 43,942 + 29,988 + 64,081, add up to 138,011.)
    assert_eq!(per_folder["00001 - irish"], (3, 43_942 + 29_988 + 64_081));
    assert_eq!(per_folder["00007 - ers"], (87, 35_610));
    assert_eq!(per_folder["00008 - glasgow"], (21, 188_376));
}

#[test]
fn preflib_irish_2002_dublin_north_west_meath() {
    let Some(data) = shared_data() else { return };
    let dir = data.join("preflib/00001 - irish");
    // Papers and candidates from MANIFEST.md (the official 2002 valid polls);
    // first preferences from an awk one-liner over the files, independent of
    // this reader: awk -F'[:,]' '/^#/{next} {fp[$2+0]+=$1} END{...}'.
    let cases: [(&str, &str, u64, usize, &[u64]); 3] = [
        (
            "00001-00000001.soi",
            "2002 Dublin North",
            43_942,
            12,
            &[
                1177, 5501, 1350, 5892, 914, 5253, 4012, 285, 6359, 7294, 247, 5658,
            ],
        ),
        (
            "00001-00000002.soi",
            "2002 Dublin West",
            29_988,
            9,
            &[748, 3810, 2300, 6442, 8086, 2404, 2370, 134, 3694],
        ),
        (
            "00001-00000003.soi",
            "2002 Meath",
            64_081,
            14,
            &[
                8493, 7617, 263, 11534, 5958, 3877, 3722, 1373, 1199, 2337, 180, 6042, 8759, 2727,
            ],
        ),
    ];
    for (file, title, total, cands, fp) in cases {
        let e = load(&dir.join(file));
        let c = &e.contests()[0];
        assert_eq!(c.title(), title);
        assert_eq!(c.ballots().total_papers(), total, "{file}");
        assert_eq!(c.ballots().blank().0, 0, "{file}");
        assert_eq!(c.candidates().len(), cands, "{file}");
        assert_eq!(c.ballots().first_preferences(), fp, "{file}");
    }
    let north = load(&dir.join("00001-00000001.soi"));
    assert_eq!(
        north.contests()[0].candidates()[11].name,
        "G.V. Wright F.F."
    );
}

#[test]
fn preflib_minneapolis_2009_names_lose_their_quotes() {
    let Some(data) = shared_data() else { return };
    let e = load(&data.join("preflib/00018 - minneapolis/00018-00000001.soi"));
    let c = &e.contests()[0];
    assert_eq!(c.candidates()[0].name, "Nancy Bernard");
    assert_eq!(c.candidates().len(), 379);
    assert_eq!(c.ballots().total_papers(), 36_655);
}

/// MANIFEST.md section 5: the 21 Glasgow 2007 PrefLib files hold the same
/// profiles as scot-elex's Glasgow 2007 BLT files (read with recount's BLT
/// reader): every ward's total and first preferences match one BLT ward.
#[test]
fn preflib_glasgow_2007_matches_scot_elex_blt() {
    let Some(data) = shared_data() else { return };
    let fingerprint = |e: &Election| {
        let b = e.contests()[0].ballots();
        (b.total_papers(), b.first_preferences())
    };
    let mut blt = std::collections::BTreeSet::new();
    for size in std::fs::read_dir(data.join("scot-elex/blt_files")).unwrap() {
        let size = size.unwrap().path();
        if !size.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(size).unwrap() {
            let f = f.unwrap().path();
            if f.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("glasgow_2007_")
            {
                let bytes = std::fs::read(&f).unwrap();
                let e = ballot::read(Format::Blt, &bytes, &ReadOptions::default())
                    .unwrap_or_else(|err| panic!("{}: {err}", f.display()));
                blt.insert(fingerprint(&e));
            }
        }
    }
    assert_eq!(blt.len(), 21);
    let mut preflib = std::collections::BTreeSet::new();
    for f in std::fs::read_dir(data.join("preflib/00008 - glasgow")).unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|x| x == "soi") {
            preflib.insert(fingerprint(&load(&f)));
        }
    }
    assert_eq!(preflib, blt);
}

proptest::proptest! {
    /// Truncated or corrupted files give errors with positions inside the
    /// input, never a panic.
    #[test]
    fn preflib_damaged_files_give_positioned_errors(
        cut in 0usize..260,
        flips in proptest::collection::vec((0usize..260, proptest::prelude::any::<u8>()), 0..4),
        toi in proptest::prelude::any::<bool>(),
    ) {
        let mut bytes = format!("# TITLE: T\n# DATA TYPE: toi\n{HEAD3}# NUMBER VOTERS: 6\n# NUMBER UNIQUE ORDERS: 3\n3: 1,2,3\n2: {{2,3}},1\n1: 3\n").into_bytes();
        for (i, b) in flips {
            if let Some(x) = bytes.get_mut(i) {
                *x = b;
            }
        }
        bytes.truncate(cut);
        let format = if toi { Format::PreflibToi } else { Format::PreflibSoi };
        if let Err(err) = ballot::read(format, &bytes, &opts(Some(1))) {
            for e in err.each() {
                if let Some(p) = e.position() {
                    proptest::prop_assert!(p.line >= 1 && p.column >= 1 && p.byte <= bytes.len() as u64, "{e}");
                }
            }
        }
    }
}

#[test]
fn a_tie_only_the_count_can_decide_is_kept_as_a_rank_for_it() {
    // `1,{2,3}`: under RCTab's exhaustIfMultipleContinuing, 2 and 3 may both
    // still be continuing when the paper reaches them; reading cannot know,
    // so the rank stays whole for the count (`method.gregory.tied_ranks`).
    let input = format!("{HEAD3}2: 1,{{2,3}}\n");
    let mut o = opts(Some(1));
    o.policy = ImportPolicy {
        equal_rankings: EqualRankings::EndIfSeveralContinuing,
        ..ImportPolicy::default()
    };
    let e = ballot::read(Format::PreflibToi, input.as_bytes(), &o).unwrap();
    let kept: Vec<Vec<Vec<usize>>> = e.contests()[0]
        .ballots()
        .equal_rankings()
        .iter()
        .map(|r| {
            r.ranks()
                .map(|k| k.iter().map(|c| c.number()).collect())
                .collect()
        })
        .collect();
    assert_eq!(kept, vec![vec![vec![1], vec![2, 3]]]);
    // Ranked above the tie, 2 cannot be continuing there: the vote is 3's.
    let input = format!("{HEAD3}2: 2,{{2,3}}\n");
    let e = ballot::read(Format::PreflibToi, input.as_bytes(), &o).unwrap();
    assert_eq!(papers(&e), (vec![(2, vec![2, 3])], 0));
}
