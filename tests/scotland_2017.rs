//! Scottish STV against the official stage-by-stage results of the 2017
//! Scottish council elections (all 351 contested wards) and five Edinburgh
//! 2012 wards (issue 3).
//!
//! Independent source: the councils' published count sheets as transcribed
//! in `council17-gerrymulvenna` (`ResultsJson.json`), paired with the
//! ballot profiles of `scot-elex` by `_derived/pairs_2017.tsv`. Every
//! candidate's total at every stage is compared at the precision the sheet
//! published it with (`Shortening::SCOTTISH_COUNCILS`, derived in
//! `specs/official-scottish.md`), with quota, valid poll, seats and the
//! elected. The differences found are the sheets' own errors, pinned below
//! exactly; no ward is skipped.

use std::collections::BTreeMap;
use std::path::Path;

use ballot::{Format, ReadOptions};
use official::{
    CompareOptions, Comparison, Difference, MatchRule, OfficialSheet, Position, Shortening,
};

/// Ballot files matching `*_2017_*` that are not among the 351 wards of the
/// May 2017 election, and why.
const NOT_WARDS: &[(&str, &str)] = &[
    (
        "aberdeenshire_2017_by_election_inverurie.blt",
        "a by-election; no official sheet in council17",
    ),
    (
        "perth_kinross_2017_by_election_ward_10.blt",
        "a by-election; no official sheet in council17",
    ),
];

/// Names the pairing rules cannot pair: `(ballot file, sheet name, ballot
/// name)`. Each is a spelling that differs between the sheet and the ballot
/// paper; the ballot paper (the council's preference profile) is taken as
/// the candidate's name.
const ALIASES: &[(&str, &str, &str)] = &[
    // The sheet spells the surname "Allen"; the ballot paper "ALLAN".
    (
        "aberdeen_2017_ward12.blt",
        "Yvonne Allen",
        "Yvonne ALLAN (Lab)",
    ),
    // The sheet has the double-barrelled "Adamson-Ross"; the paper "ADAMSON".
    (
        "west_lothian_2017_ward3.blt",
        "Alison Adamson-Ross",
        "Alison ADAMSON (C)",
    ),
    // The sheet has "Thorn"; the paper "THOM" ("rn" for "m").
    ("dumgal_2017_ward3.blt", "John Thorn", "John THOM (Ind)"),
];

/// Every pairing made by alias or by word order, pinned so that none is
/// silent: `(ballot file, sheet name, ballot name, rule)`.
const LOOSE_PAIRINGS: &[(&str, &str, &str, MatchRule)] = &[
    (
        "aberdeen_2017_ward12.blt",
        "Yvonne Allen",
        "Yvonne ALLAN (Lab)",
        MatchRule::Alias,
    ),
    (
        "dumgal_2017_ward3.blt",
        "John Thorn",
        "John THOM (Ind)",
        MatchRule::Alias,
    ),
    // The sheet swapped given name and surname.
    (
        "east_renfrewshire_2017_ward2.blt",
        "Allan Kirsteen",
        "Kirsteen ALLAN (Ind)",
        MatchRule::WordOrder,
    ),
    (
        "west_lothian_2017_ward3.blt",
        "Alison Adamson-Ross",
        "Alison ADAMSON (C)",
        MatchRule::Alias,
    ),
];

/// Pairings by surname alone (the only candidate of that surname left on
/// either side): the sheets often give a short or fuller form of the given
/// names (`Gill Macdonald` for `Gillian MACDONALD (Grn)`, `Bill Bonnar` for
/// `William BONNAR (SSP)`, `Kenneth John Baillie Stewart Macleod` for
/// `KEN MACLEOD (LD)` once the other two Macleods are paired in full).
const SURNAME_PAIRINGS: usize = 58;

/// The five Edinburgh 2012 wards with official sheets: (ballot file, S13 code).
const EDINBURGH_2012: &[(&str, &str)] = &[
    ("edinburgh_2012_ward1.blt", "S13002919"), // Almond
    ("edinburgh_2012_ward3.blt", "S13002921"), // Drum Brae/Gyle
    ("edinburgh_2012_ward4.blt", "S13002922"), // Forth
    ("edinburgh_2012_ward5.blt", "S13002923"), // Inverleith
    ("edinburgh_2012_ward6.blt", "S13002924"), // Corstorphine/Murrayfield
];

/// A ward's diff: each explanation's kind and words, and its warnings.
type Explained<T> = (Vec<(&'static str, T)>, usize);

/// What one ward's comparison found.
struct Ward {
    comparison: Comparison,
    /// `official::diff` of the same sheet and count.
    diff: official::diff::Diff,
    /// The sheet's candidate names, in sheet order.
    sheet_names: Vec<String>,
    /// Our (ballot-paper) names, in ballot order.
    ours: Vec<String>,
}

/// Our scottish-stv count of the ward in `blt`.
fn recount(blt: &Path) -> count::ContestCount {
    let bytes = std::fs::read(blt).expect("the ballot file");
    let election = ballot::read(Format::Blt, &bytes, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", blt.display()));
    let rules = count::Rules::preset("scottish-stv").expect("the scottish-stv preset");
    let mut transcript =
        count::count(&election, &rules).unwrap_or_else(|e| panic!("{}: {e}", blt.display()));
    assert_eq!(transcript.contests.len(), 1, "{}", blt.display());
    transcript.contests.remove(0)
}

/// The official sheet in `json`.
fn sheet(json: &Path) -> OfficialSheet {
    let bytes = std::fs::read(json).expect("the results JSON");
    official::scottish_json::read(&bytes).unwrap_or_else(|e| panic!("{}:{e}", json.display()))
}

/// Counts `blt` under scottish-stv and compares it with the sheet `json`.
fn recount_and_compare(blt: &Path, json: &Path, aliases: &[(&str, &str)]) -> Ward {
    let ours = recount(blt);
    let sheet = sheet(json);
    let options = CompareOptions {
        shortening: Shortening::SCOTTISH_COUNCILS,
        aliases,
    };
    let comparison = official::compare(&sheet, &ours, &options)
        .unwrap_or_else(|e| panic!("{} vs {}: {e}", blt.display(), json.display()));
    let diff_options = official::diff::DiffOptions {
        shortening: Shortening::SCOTTISH_COUNCILS,
        aliases,
    };
    let diff = official::diff::diff(&sheet, &ours, &diff_options)
        .unwrap_or_else(|e| panic!("{} vs {}: {e}", blt.display(), json.display()));
    Ward {
        comparison,
        diff,
        sheet_names: sheet.candidates.iter().map(|c| c.name.clone()).collect(),
        ours: ours.candidates,
    }
}

/// Reads `_derived/pairs_2017.tsv`: (ballot file, council folder, S13 code).
fn pairs_2017(data: &Path) -> Vec<(String, String, String)> {
    let text =
        std::fs::read_to_string(data.join("_derived/pairs_2017.tsv")).expect("pairs_2017.tsv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split('\t').collect();
    assert_eq!(header[..4], ["blt", "council", "ward_no", "ward_code"]);
    lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_owned(), f[1].to_owned(), f[3].to_owned())
        })
        .collect()
}

/// The pairings of a ward not made on the full name.
fn loose_pairings(file: &str, ward: &Ward) -> Vec<(String, String, String, MatchRule)> {
    ward.comparison
        .matching
        .pairs()
        .filter(|&(_, _, rule)| !matches!(rule, MatchRule::Exact | MatchRule::Normalised))
        .map(|(o, u, rule)| {
            (
                file.to_owned(),
                ward.sheet_names[o].clone(),
                ward.ours[u].clone(),
                rule,
            )
        })
        .collect()
}

#[test]
fn scottish_stv_reproduces_every_stage_of_the_2017_official_sheets() {
    let Some(data) = support::shared_data() else {
        return;
    };
    let files = support::scot_elex_ballot_files(&data);
    let pairs = pairs_2017(&data);
    assert_eq!(pairs.len(), 351, "the 351 contested wards of May 2017");

    // Every 2017 ballot file is a paired ward or listed as not a ward.
    let paired: Vec<&str> = pairs.iter().map(|(b, _, _)| b.as_str()).collect();
    for name in files.keys().filter(|n| n.contains("_2017_")) {
        assert!(
            paired.contains(&name.as_str()) || NOT_WARDS.iter().any(|(n, _)| n == name),
            "{name} is neither paired with a sheet nor listed in NOT_WARDS"
        );
    }

    let mut differences: BTreeMap<String, Vec<Difference>> = BTreeMap::new();
    let mut diffs: BTreeMap<String, Explained<String>> = BTreeMap::new();
    let mut loose = Vec::new();
    let (mut stages, mut cells, mut blank) = (0u64, 0u64, 0u64);
    for (blt, council, code) in &pairs {
        let path = files
            .get(blt)
            .unwrap_or_else(|| panic!("{blt} not under scot-elex/blt_files"));
        let json = data.join(format!(
            "council17-gerrymulvenna/2017/SCO/{council}/{code}/ResultsJson.json"
        ));
        let aliases: Vec<(&str, &str)> = ALIASES
            .iter()
            .filter(|(f, _, _)| f == blt)
            .map(|&(_, s, o)| (s, o))
            .collect();
        let ward = recount_and_compare(path, &json, &aliases);
        loose.extend(loose_pairings(blt, &ward));
        let c = &ward.comparison;
        if !ward.diff.agrees() || !ward.diff.warnings.is_empty() {
            let explained: Vec<(&str, String)> = ward
                .diff
                .explanations
                .iter()
                .map(|e| (e.kind, e.text.clone()))
                .collect();
            diffs.insert(blt.clone(), (explained, ward.diff.warnings.len()));
        }
        stages += u64::from(c.stages);
        cells += c.cells;
        blank += c.blank;
        if !c.differences.is_empty() {
            differences.insert(blt.clone(), c.differences.clone());
        }
    }
    println!(
        "Scotland 2017: {} wards compared, {stages} stages, {cells} candidate totals ({blank} blank cells), {} wards with differences",
        pairs.len(),
        differences.len()
    );

    let expected: BTreeMap<String, Vec<Difference>> = [
        // Glasgow Linn, stage 3 (byte 8678 = record 29 of countGroup): the
        // sheet prints 393 for Digney, but its own stage-2 total (293.00000)
        // plus its stage-3 transfer (+10) is 303, and its stage 4 (310, +7)
        // follows from 303: a typing error, 9 for 0.
        (
            "glasgow_2017_ward1.blt",
            vec![Difference::TotalDiffers {
                stage: 3,
                candidate: "Alan DIGNEY (Grn)".into(),
                official: "393".into(),
                ours: "303.00000".into(),
                at: Position {
                    byte: 8678,
                    ..Position::at(1, 8679).in_record(29)
                },
            }],
        ),
        // Midlothian Penicuik, stage 3 (record 17): 832.84154 published,
        // but the sheet's own stage 2 (829.65834) plus its transfer
        // (+3.18318) is 832.84152, as is its stage 4 (886.13150) less its
        // transfer (+53.28998): the ballots' figure.
        (
            "midlothian_2017_ward1.blt",
            vec![Difference::TotalDiffers {
                stage: 3,
                candidate: "Joe WALLACE (SNP)".into(),
                official: "832.84154".into(),
                ours: "832.84152".into(),
                at: Position {
                    byte: 5200,
                    ..Position::at(1, 5201).in_record(17)
                },
            }],
        ),
        // East Dunbartonshire Bearsden North: countInfo says Valid_Poll
        // 7034 (= Total_Poll 7104 - Spoiled 70) but the sheet's own stage-1
        // column sums to 7035, as do the ballots; every stage agrees.
        (
            "east_dunbartonshire_2017_ward2.blt",
            vec![Difference::ValidPollDiffers {
                official: "7034".into(),
                ours: 7035,
                at: Position {
                    byte: 43,
                    ..Position::at(1, 44)
                },
            }],
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(differences, expected);
    // `recount diff` (official::diff) finds the same three wards, and
    // explains each known cell as the sheet's transcription error.
    let explained: BTreeMap<&str, Explained<&str>> = diffs
        .iter()
        .map(|(k, (e, w))| {
            (
                k.as_str(),
                (e.iter().map(|(a, b)| (*a, b.as_str())).collect(), *w),
            )
        })
        .collect();
    let expected_diffs: BTreeMap<&str, Explained<&str>> = [
        (
            "east_dunbartonshire_2017_ward2.blt",
            (
                vec![(
                    "transcription",
                    "valid poll: the sheet gives 7034, but its own first-preference column sums to 7035, \
                     as the ballots do: the sheet's valid poll has a transcription error",
                )],
                0,
            ),
        ),
        (
            "glasgow_2017_ward1.blt",
            (
                vec![(
                    "transcription",
                    "stage 3: the sheet gives Alan DIGNEY (Grn) 393, the ballots give 303.00000; \
                     every later stage agrees with the ballots, so the sheet has a transcription error",
                )],
                0,
            ),
        ),
        (
            "midlothian_2017_ward1.blt",
            (
                vec![(
                    "transcription",
                    "stage 3: the sheet gives Joe WALLACE (SNP) 832.84154, the ballots give 832.84152; \
                     every later stage agrees with the ballots, so the sheet has a transcription error",
                )],
                0,
            ),
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(explained, expected_diffs);
    // Every record of the 351 sheets' countGroup arrays was compared: they
    // hold 17,920 records (counted with a separate JSON tool), none blank.
    assert_eq!((cells, blank), (17_920, 0));

    let expected_loose: Vec<(String, String, String, MatchRule)> = LOOSE_PAIRINGS
        .iter()
        .map(|&(f, s, o, r)| (f.to_owned(), s.to_owned(), o.to_owned(), r))
        .collect();
    let by_surname = loose.iter().filter(|l| l.3 == MatchRule::Surname).count();
    loose.retain(|l| l.3 != MatchRule::Surname);
    loose.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    assert_eq!(loose, expected_loose);
    assert_eq!(by_surname, SURNAME_PAIRINGS);
}

#[test]
fn scottish_stv_reproduces_every_stage_of_five_edinburgh_2012_sheets() {
    let Some(data) = support::shared_data() else {
        return;
    };
    let files = support::scot_elex_ballot_files(&data);
    let (mut stages, mut cells, mut blank) = (0u64, 0u64, 0u64);
    for (blt, code) in EDINBURGH_2012 {
        let json = data.join(format!(
            "council17-gerrymulvenna/2012/SCO/city-of-edinburgh/{code}/ResultsJson.json"
        ));
        let ward = recount_and_compare(&files[*blt], &json, &[]);
        let c = &ward.comparison;
        assert_eq!(c.differences, [], "{blt}");
        assert!(ward.diff.agrees(), "{blt}: {:?}", ward.diff.explanations);
        assert!(
            ward.diff.warnings.is_empty(),
            "{blt}: {:?}",
            ward.diff.warnings
        );
        assert!(
            c.matching
                .pairs()
                .all(|(_, _, r)| r == MatchRule::Normalised),
            "{blt}: every Edinburgh 2012 name pairs in full"
        );
        stages += u64::from(c.stages);
        cells += c.cells;
        blank += c.blank;
    }
    println!(
        "Edinburgh 2012: 5 wards compared, {stages} stages, {cells} candidate totals ({blank} blank cells)"
    );
    // The five sheets hold 249 records; 30 are blank (candidates excluded
    // at earlier stages), the other 219 are compared.
    assert_eq!((cells, blank), (219, 30));
}

/// The precision rule of `specs/official-scottish.md` §1 is the only one
/// of the three that the 2017 sheets fit: rounding every shortened cell
/// half up adds Glasgow Hillhead's `998.5328` (a figure cut to 4 places),
/// and cutting every shortened cell adds the 183 two-place cells that were
/// rounded.
#[test]
fn the_2017_sheets_round_two_place_cells_and_cut_longer_ones() {
    let Some(data) = support::shared_data() else {
        return;
    };
    let files = support::scot_elex_ballot_files(&data);
    let mut totals_differing: BTreeMap<&str, Vec<Difference>> = BTreeMap::new();
    let rules = [
        ("mixed", Shortening::SCOTTISH_COUNCILS),
        ("half-up", Shortening::HalfUp),
        ("down", Shortening::Down),
    ];
    for (blt, council, code) in &pairs_2017(&data) {
        let ours = recount(&files[blt]);
        let sheet = sheet(&data.join(format!(
            "council17-gerrymulvenna/2017/SCO/{council}/{code}/ResultsJson.json"
        )));
        let aliases: Vec<(&str, &str)> = ALIASES
            .iter()
            .filter(|(f, _, _)| f == blt)
            .map(|&(_, s, o)| (s, o))
            .collect();
        for (label, shortening) in rules {
            let options = CompareOptions {
                shortening,
                aliases: &aliases,
            };
            let c = official::compare(&sheet, &ours, &options).expect("names pair");
            totals_differing.entry(label).or_default().extend(
                c.differences
                    .into_iter()
                    .filter(|d| matches!(d, Difference::TotalDiffers { .. })),
            );
        }
    }
    let places = |d: &Difference| match d {
        Difference::TotalDiffers { official, .. } => {
            official.split_once('.').map_or(0, |(_, f)| f.len())
        }
        _ => unreachable!("only totals kept"),
    };
    let mixed = &totals_differing["mixed"];
    assert_eq!(mixed.len(), 2, "Linn and Penicuik");
    let half_up = &totals_differing["half-up"];
    let extra: Vec<&Difference> = half_up.iter().filter(|d| !mixed.contains(d)).collect();
    assert_eq!(
        extra,
        [&Difference::TotalDiffers {
            stage: 2,
            candidate: "Caroline WELSH (SNP)".into(),
            official: "998.5328".into(),
            ours: "998.53286".into(),
            at: Position {
                byte: 4627,
                ..Position::at(1, 4628).in_record(15)
            },
        }]
    );
    let down = &totals_differing["down"];
    let extra: Vec<&Difference> = down.iter().filter(|d| !mixed.contains(d)).collect();
    assert_eq!(extra.len(), 183);
    assert!(
        extra.iter().all(|d| places(d) == 2),
        "only 2-place cells were rounded"
    );
}
