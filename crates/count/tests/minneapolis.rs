//! The `minneapolis` preset against the city's own 2013 tabulations
//! (`../shared/data/minneapolis-2013-official/`, the PDFs as text): every
//! round's grand totals, the exhausted papers, the threshold, and who is
//! elected and defeated, from the ES&S cast-vote records the city published.
//! An official sheet, so an independent source; Droop's reading of the same
//! ordinance is in `droop_dumps.rs`.

use std::collections::BTreeMap;

use ballot::policy::{Overvotes, RepeatedCandidates, SkippedRanks};
use ballot::{Format, ImportPolicy, ReadOptions};
use count::{Action, ContestCount, Rules};

/// One round of the city's sheet: each line's name and grand total.
#[derive(Debug, Default)]
struct Round {
    totals: BTreeMap<String, String>,
    /// The round made no transfer (its header says so).
    no_transfers: bool,
}

/// The rounds of a tabulation, by number. Each round's block starts at its
/// `Round N` header; a candidate line is a name, then the vote change and
/// the grand total (round 1: the first preferences alone). The PDF writes
/// minus signs and hyphens as soft hyphens (U+00AD).
fn rounds(txt: &str) -> BTreeMap<u32, Round> {
    let mut out: BTreeMap<u32, Round> = BTreeMap::new();
    let mut current = None;
    for line in txt.lines() {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("Candidate") {
            current = rest
                .split_whitespace()
                .skip_while(|w| *w != "Round")
                .nth(1)
                .and_then(|n| n.parse::<u32>().ok());
            if let Some(n) = current {
                out.entry(n).or_default();
            }
            continue;
        }
        let Some(n) = current else { continue };
        if t.contains("No vote transfers in this round") {
            out.get_mut(&n).unwrap().no_transfers = true;
        }
        let Some((name, rest)) = t.split_once("  ") else {
            continue;
        };
        if !name.starts_with(|c: char| c.is_alphabetic()) || name.starts_with("TOTAL") {
            continue;
        }
        let numbers: Vec<&str> = rest
            .split_whitespace()
            .filter(|w| count::decimal::Decimal::parse(w.trim_start_matches('\u{ad}')).is_some())
            .collect();
        if let Some(total) = numbers.last() {
            let name = name.trim().replace('\u{ad}', "-");
            out.get_mut(&n)
                .unwrap()
                .totals
                .insert(name, total.to_string());
        }
    }
    out
}

/// A sheet figure as the count writes it, at 4 places (`8752.531600`,
/// `6595`).
fn four_places(figure: &str) -> String {
    let (whole, frac) = figure.split_once('.').unwrap_or((figure, ""));
    let mut frac = frac.to_string();
    assert!(
        frac[frac.len().min(4)..].bytes().all(|b| b == b'0'),
        "{figure}"
    );
    frac.truncate(4);
    format!("{whole}.{frac:0<4}")
}

/// The count's name for a city's: the CVR's capitals, `UWI` for the
/// undeclared write-ins.
fn cvr_name(city: &str) -> String {
    if city.starts_with("Undeclared Write") {
        "UWI".into()
    } else {
        city.to_uppercase()
    }
}

/// The Minneapolis 2013 reading of the papers: skipped ranks close up, an
/// overvoted rank is passed over, a repeated candidate counts once (as in
/// `crates/ballot/tests/ess.rs`, which matches the first preferences).
fn count(cvr: &str, seats: u32) -> Option<(ContestCount, String)> {
    let data = recount_testkit::shared_data()?;
    let dir = data.join("minneapolis-2013-official");
    let opts = ReadOptions {
        policy: ImportPolicy {
            skipped_ranks: SkippedRanks::CloseUp,
            overvotes: Overvotes::SkipRank,
            repeated_candidates: RepeatedCandidates::KeepFirst,
            ..ImportPolicy::default()
        },
        seats: Some(seats),
        id: "mpls".into(),
        ..ReadOptions::default()
    };
    let e = ballot::read(
        Format::EssXlsx,
        &std::fs::read(dir.join(cvr)).unwrap(),
        &opts,
    )
    .unwrap();
    let txt = cvr.replace("-cvr.xlsx", "-tabulation.txt");
    let sheet = std::fs::read_to_string(dir.join(txt)).unwrap();
    Some((
        count::count(&e, &Rules::minneapolis())
            .unwrap()
            .contests
            .remove(0),
        sheet,
    ))
}

#[test]
fn minneapolis_2013_park_board_every_round_matches_the_official_tabulation() {
    let Some((c, sheet)) = count("2013-park-at-large-cvr.xlsx", 3) else {
        return;
    };
    let rounds = rounds(&sheet);
    assert_eq!(rounds.len(), 9, "{rounds:?}");
    // Threshold: 59463 ÷ 4 + 1, fractions disregarded.
    assert_eq!(c.quota.to_string(), "14866.0000");
    assert_eq!(c.stages.len(), 9);
    for (stage, (n, round)) in c.stages.iter().zip(&rounds) {
        assert_eq!(stage.number, *n);
        if round.no_transfers {
            // Round 9: Nordyke defeated, Young and Forney elected, nothing
            // moved (167.70(1)(f)): the last places, no transfer.
            assert!(matches!(stage.action, Action::ElectRemaining));
            assert_eq!(stage.excluded, ["TOM NORDYKE"]);
            let before = &c.stages[stage.number as usize - 2];
            assert_eq!(stage.totals, before.totals);
            continue;
        }
        // Eleven candidates, and the exhausted papers after round 1.
        let lines = if *n == 1 { 11 } else { 12 };
        assert_eq!(round.totals.len(), lines, "round {n}: {:?}", round.totals);
        for (city, total) in &round.totals {
            let ours = if city == "Exhausted" {
                stage.exhausted.to_string()
            } else {
                stage
                    .totals
                    .text(&cvr_name(city))
                    .unwrap_or_else(|| panic!("round {n}: no {city}"))
            };
            assert_eq!(ours, four_places(total), "round {n}: {city}");
        }
    }
    // Round 4: "0.2472 of Erwin's total could not be distributed because of
    // rounding and will stay with the candidate."
    assert_eq!(c.stages[3].totals.text("JOHN ERWIN").unwrap(), "14866.2472");
    assert_eq!(c.stages[3].loss_by_fraction.to_string(), "0.0000");
    // Round 2 defeats two together (batch elimination, 1280 + 342 < 3374).
    assert_eq!(c.stages[1].excluded, ["CASPER HILL", "UWI"]);
    let mut elected = c.elected.clone();
    elected.sort();
    assert_eq!(elected, ["ANNIE YOUNG", "JOHN ERWIN", "MEG FORNEY"]);
}

#[test]
fn minneapolis_2013_boe_is_decided_in_the_first_round_as_the_city_found() {
    let Some((c, sheet)) = count("2013-boe-cvr.xlsx", 2) else {
        return;
    };
    let rounds = rounds(&sheet);
    assert_eq!(rounds.len(), 1);
    // 48855 ÷ 3 + 1.
    assert_eq!(c.quota.to_string(), "16286.0000");
    for (city, total) in &rounds[&1].totals {
        if city == "Exhausted" {
            continue;
        }
        assert_eq!(
            c.stages[0].totals.text(&cvr_name(city)).as_deref(),
            Some(four_places(total).as_str()),
            "{city}"
        );
    }
    assert_eq!(c.stages.len(), 1);
    let mut elected = c.elected.clone();
    elected.sort();
    assert_eq!(elected, ["CAROL J. BECKER", "DAVID B WHEELER"]);
}
