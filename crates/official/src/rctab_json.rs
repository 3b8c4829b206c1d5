//! Reader of RCTab's detailed result report (`*_summary.json`,
//! `jsonFormatVersion` 1), the certified US tabulator's round-by-round
//! result.
//!
//! ```text
//! file     = { "config": { "contest": text, … }, "jsonFormatVersion": "1",
//!              "results": [ round, … ], "summary": { … }, … }
//! round    = { "round": int, "tally": { name: figure, … },
//!              "tallyResults": [ result, … ], "threshold": figure,
//!              "inactiveBallots": { category: figure, … }, … }
//! result   = { "eliminated": name, "transfers": { name|"exhausted"|"residual surplus": figure } }
//!          / { "elected": name, "transfers": { … } }
//! figure   = a JSON string or number holding a decimal
//! ```
//!
//! Round r's `tally` is every continuing candidate's votes at the start
//! of round r; its `tallyResults` say what was done at its end (the
//! transfers happen into round r + 1). So stage k of the sheet is round
//! k's tally, the action of stage k (k ≥ 2) is round k − 1's results (the
//! eliminated are excluded; an elected candidate whose transfers are
//! given has their surplus transferred), and a candidate `elected` in
//! round r is elected at stage r. A candidate left out of a tally has a
//! blank cell. The non-transferable value of a stage is the sum of its
//! round's `inactiveBallots` but `finalRoundSurplus`. The quota is the first round's `threshold`.
//! Figures are read exactly, never through a float; a figure that is not
//! a decimal is a warning with its position, and the cell is unknown.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::cells;
use crate::error::{Error, Position, SheetFormat, describe_found};
use crate::sheet::{Cell, OfficialCandidate, OfficialSheet, OfficialStage, StageAction, Warning};

const FORMAT: SheetFormat = SheetFormat::RctabJson;

#[derive(Deserialize)]
struct Report<'a> {
    #[serde(borrow, default)]
    config: BTreeMap<String, &'a RawValue>,
    #[serde(borrow)]
    results: Vec<Round<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Round<'a> {
    round: u32,
    #[serde(borrow)]
    tally: BTreeMap<String, &'a RawValue>,
    #[serde(borrow, default)]
    tally_results: Vec<TallyResult<'a>>,
    #[serde(borrow)]
    threshold: Option<&'a RawValue>,
    #[serde(borrow, default)]
    inactive_ballots: BTreeMap<String, &'a RawValue>,
}

#[derive(Deserialize)]
struct TallyResult<'a> {
    eliminated: Option<String>,
    elected: Option<String>,
    #[serde(borrow, default)]
    transfers: BTreeMap<String, &'a RawValue>,
}

struct Reader<'t> {
    text: &'t str,
    warnings: Vec<Warning>,
}

impl Reader<'_> {
    fn pos(&self, raw: &RawValue) -> Position {
        let offset = (raw.get().as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        Position::of_byte(self.text, offset)
    }

    /// A figure: a JSON string or number holding a decimal.
    fn cell(&mut self, raw: &RawValue) -> Option<Cell> {
        let pos = self.pos(raw);
        let t = raw.get();
        let inner = serde_json::from_str::<String>(t).unwrap_or_else(|_| t.to_owned());
        cells::cell(&inner, pos, &mut self.warnings)
    }
}

/// Reads an RCTab detailed result report.
pub fn read(input: &[u8]) -> Result<OfficialSheet, Error> {
    let text = std::str::from_utf8(input)
        .map_err(|_| Error::syntax(FORMAT, Position::at(1, 1), "UTF-8", "other bytes"))?;
    let report: Report<'_> = serde_json::from_str(text).map_err(|e| {
        Error::syntax(
            FORMAT,
            Position::at(e.line() as u64, e.column() as u64),
            "an RCTab detailed report (config, results with round, tally, tallyResults, threshold)",
            e.to_string(),
        )
    })?;
    let mut r = Reader {
        text,
        warnings: Vec::new(),
    };
    if report.results.is_empty() {
        return Err(Error::syntax(
            FORMAT,
            Position::at(1, 1),
            "at least one round",
            "none",
        ));
    }
    for (i, round) in report.results.iter().enumerate() {
        if round.round != i as u32 + 1 {
            let pos = round
                .tally
                .values()
                .next()
                .map_or_else(Position::default, |v| r.pos(v));
            return Err(Error::syntax(
                FORMAT,
                pos,
                format!("round {} (rounds are numbered from 1 in order)", i + 1),
                format!("round {}", round.round),
            ));
        }
    }
    // Candidates: in the order of the first round's tally, then any who
    // appear later.
    let mut names: Vec<String> = Vec::new();
    for round in &report.results {
        for name in round.tally.keys() {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    let index = |name: &str| names.iter().position(|n| n == name);
    let mut errors = Vec::new();
    let mut stages = Vec::new();
    let mut elected: Vec<usize> = Vec::new();
    let mut excluded: Vec<usize> = Vec::new();
    for (i, round) in report.results.iter().enumerate() {
        let totals: Vec<Option<Cell>> = names
            .iter()
            .map(|n| round.tally.get(n).and_then(|raw| r.cell(raw)))
            .collect();
        let mut stage = OfficialStage::new(round.round, totals);
        if i > 0 {
            let before = &report.results[i - 1];
            let mut out: Vec<usize> = Vec::new();
            let mut surplus = None;
            for result in &before.tally_results {
                if let Some(name) = &result.eliminated {
                    match index(name) {
                        Some(k) => out.push(k),
                        None => errors.push(name.clone()),
                    }
                }
                if let Some(name) = &result.elected
                    && !result.transfers.is_empty()
                    && surplus.is_none()
                {
                    surplus = index(name);
                }
            }
            out.sort_unstable();
            excluded.extend(out.iter().copied());
            stage.action = if !out.is_empty() {
                Some(StageAction::Exclusion(out))
            } else {
                surplus.map(StageAction::Surplus)
            };
        } else {
            stage.action = Some(StageAction::FirstPreferences);
        }
        for result in &round.tally_results {
            if let Some(name) = &result.elected {
                match index(name) {
                    Some(k) if !elected.contains(&k) => elected.push(k),
                    Some(_) => {}
                    None => errors.push(name.clone()),
                }
            }
        }
        let mut e = elected.clone();
        e.sort_unstable();
        stage.elected = e;
        let mut x = excluded.clone();
        x.sort_unstable();
        stage.excluded = x;
        // Inactive papers: the sum of the categories.
        let mut inactive: Option<Cell> = None;
        // `finalRoundSurplus` sits among them in the JSON but is the last
        // winners' votes above the threshold, not papers that went
        // inactive (the CSV report keeps it out of "Inactive Ballots
        // Total", on a row of its own).
        for (_, raw) in round
            .inactive_ballots
            .iter()
            .filter(|(k, _)| k.as_str() != "finalRoundSurplus")
        {
            if let Some(c) = r.cell(raw) {
                inactive = Some(match inactive {
                    None => c,
                    Some(sum) => Cell {
                        value: sum.value.checked_add(&c.value).unwrap_or(sum.value),
                        pos: sum.pos,
                    },
                });
            }
        }
        stage.non_transferable = inactive;
        stages.push(stage);
    }
    if let Some(name) = errors.first() {
        return Err(Error::syntax(
            FORMAT,
            Position::at(1, 1),
            "an elected or eliminated candidate of a tally",
            describe_found(name),
        ));
    }
    let quota = report.results[0].threshold.and_then(|raw| r.cell(raw));
    let contest = report
        .config
        .get("contest")
        .and_then(|raw| serde_json::from_str::<String>(raw.get()).ok());
    let mut final_elected = elected.clone();
    final_elected.sort_unstable();
    Ok(OfficialSheet {
        format: FORMAT,
        name: contest.clone(),
        code: contest,
        seats: None,
        valid_poll: None,
        quota,
        candidates: names
            .into_iter()
            .map(|name| {
                // Where the first tally that names the candidate gives their votes.
                let pos = report
                    .results
                    .iter()
                    .find_map(|round| round.tally.get(&name))
                    .map(|raw| r.pos(raw));
                OfficialCandidate {
                    name,
                    surname: None,
                    party: None,
                    pos,
                }
            })
            .collect(),
        stages,
        elected: final_elected,
        warnings: r.warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(path: &str) -> Option<Vec<u8>> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
        std::fs::read(root.join(path)).ok()
    }

    #[test]
    fn the_minneapolis_2013_park_report_reads_round_by_round() {
        let Some(bytes) = shared(
            "rctab-minneapolis-2013-park/2013_minneapolis_park_expected_detailed_report.json",
        ) else {
            return;
        };
        let s = read(&bytes).unwrap();
        assert_eq!(s.stages.len(), 11);
        assert_eq!(s.quota.unwrap().text(), "14866");
        let erwin = s
            .candidates
            .iter()
            .position(|c| c.name == "JOHN ERWIN")
            .unwrap();
        assert_eq!(s.stages[0].totals[erwin].unwrap().text(), "14678");
        assert_eq!(s.elected.len(), 3);
        // Round 1 eliminated the write-ins: stage 2 excludes them.
        let w = s
            .candidates
            .iter()
            .position(|c| c.name == "Undeclared Write-ins")
            .unwrap();
        assert_eq!(s.stages[1].action, Some(StageAction::Exclusion(vec![w])));
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn a_bad_figure_is_a_warning_at_its_place() {
        let text = br#"{"config": {"contest": "T"}, "results": [
 {"round": 1, "tally": {"A": "3", "B": "2,5"}, "tallyResults": [{"elected": "A", "transfers": {}}],
  "threshold": "3", "inactiveBallots": {}}]}"#;
        let s = read(text).unwrap();
        assert_eq!(s.stages[0].totals[1], None);
        assert_eq!(s.warnings.len(), 1);
        assert_eq!(s.warnings[0].pos.line, 2);
        assert_eq!(s.elected, vec![0]);
        let e = read(b"{\"results\": 3}").unwrap_err().to_string();
        assert!(e.contains("RCTab"), "{e}");
    }
}
