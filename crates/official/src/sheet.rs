//! The typed result sheet every reader produces: an [`OfficialSheet`] of
//! stages, each with every candidate's published total.
//!
//! A sheet is what a returning officer published (or what another program
//! printed, for reference dumps), kept as published: each figure is a
//! [`Cell`] holding the exact decimal with the number of places it was
//! written with, and where in the file it was found. Readers live in
//! [`crate::scottish_json`] and [`crate::droop_dump`]; comparing with a
//! count is [`mod@crate::compare`]'s business.

use crate::decimal::Decimal;
use crate::error::{Position, SheetFormat};

/// One published figure: its exact value as written, and where it was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cell {
    /// The value, with the places it was published with.
    pub value: Decimal,
    /// Where the figure is in the sheet.
    pub pos: Position,
}

impl Cell {
    /// The figure as published (`"393"`, `"832.84154"`).
    pub fn text(&self) -> String {
        self.value.to_string()
    }
}

/// A candidate as the sheet names them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct OfficialCandidate {
    /// The full name as the sheet writes it (given names, then surname).
    pub name: String,
    /// The surname, where the sheet keeps it apart.
    pub surname: Option<String>,
    /// The party, where the sheet gives one.
    pub party: Option<String>,
    /// Where the sheet names the candidate, when the reader knows.
    pub pos: Option<Position>,
}

/// One stage of a sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficialStage {
    /// The stage number, from 1 (the first-preference stage).
    pub number: u32,
    /// Each candidate's total at the end of the stage, in the order of
    /// [`OfficialSheet::candidates`]; `None` where the sheet leaves the cell
    /// blank (some sheets blank out candidates excluded earlier).
    pub totals: Vec<Option<Cell>>,
    /// The value of non-transferable papers at the end of the stage
    /// (cumulative), where the sheet gives it apart from rounding losses.
    pub non_transferable: Option<Cell>,
    /// Candidates the sheet marks elected at the end of this stage
    /// (indices into [`OfficialSheet::candidates`], ascending; those
    /// elected earlier included).
    pub elected: Vec<usize>,
    /// Candidates excluded in this stage (their papers moved in it) or
    /// earlier (indices, ascending), where the sheet marks exclusions.
    pub excluded: Vec<usize>,
    /// What the stage did, where the sheet says (otherwise
    /// [`OfficialSheet::inferred_action`] reads it from the figures).
    pub action: Option<StageAction>,
    /// Each candidate's transfer during the stage, in candidate order,
    /// where the sheet publishes transfers (empty otherwise).
    pub transfers: Vec<Option<Cell>>,
    /// The value lost to fractions (cumulative), where the sheet gives it.
    pub loss: Option<Cell>,
}

impl OfficialStage {
    /// A stage with these totals and nothing else known.
    pub fn new(number: u32, totals: Vec<Option<Cell>>) -> OfficialStage {
        OfficialStage {
            number,
            totals,
            non_transferable: None,
            elected: Vec::new(),
            excluded: Vec::new(),
            action: None,
            transfers: Vec::new(),
            loss: None,
        }
    }
}

/// What a stage of a sheet did.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum StageAction {
    /// The first preferences (stage 1).
    FirstPreferences,
    /// The transfer of this candidate's surplus.
    Surplus(usize),
    /// The exclusion of these candidates (ascending), and the transfer of
    /// their papers.
    Exclusion(Vec<usize>),
}

/// A cell a reader could not read, or something it read with a doubt:
/// left unknown, never guessed, and said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// Where it is.
    pub pos: Position,
    /// What was found and what was expected.
    pub message: String,
}

/// A published stage-by-stage result of one contest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficialSheet {
    /// The format it was read from.
    pub format: SheetFormat,
    /// The contest's name as the sheet gives it (ward name), if any.
    pub name: Option<String>,
    /// The contest's code (a Scottish ward's S13 code), if any.
    pub code: Option<String>,
    /// Seats to fill, if the sheet says.
    pub seats: Option<u32>,
    /// The valid poll (number of valid papers), if the sheet says.
    pub valid_poll: Option<Cell>,
    /// The quota, if the sheet says.
    pub quota: Option<Cell>,
    /// The candidates, in the sheet's order.
    pub candidates: Vec<OfficialCandidate>,
    /// The stages, numbered from 1 without gaps.
    pub stages: Vec<OfficialStage>,
    /// Candidates elected at the end of the count (indices, ascending).
    pub elected: Vec<usize>,
    /// Cells the reader left unknown, and why.
    pub warnings: Vec<Warning>,
}

impl OfficialSheet {
    /// What stage `i` (from 0) did: as the sheet says, or else as its
    /// figures and marks show, in this order: the first stage is the first
    /// preferences; a later stage excludes the candidates (not elected)
    /// whose totals fell to nothing; else transfers the surplus of the one
    /// candidate elected earlier whose total fell; else excludes the
    /// candidates the sheet marks excluded in it (candidates without
    /// votes); else excludes those whose totals fell. `None` when nothing
    /// shows. Figures come before marks because published marks follow
    /// conventions that change between sheets (the Scottish JSON of 2012
    /// marks an exclusion a stage later than that of 2017), and a total
    /// falling to nothing is what an exclusion is.
    pub fn inferred_action(&self, i: usize) -> Option<StageAction> {
        let stage = self.stages.get(i)?;
        if let Some(a) = &stage.action {
            return Some(a.clone());
        }
        if i == 0 {
            return Some(StageAction::FirstPreferences);
        }
        let before = &self.stages[i - 1];
        let value = |s: &OfficialStage, c: usize| s.totals.get(c).copied().flatten();
        let not_elected = |c: &usize| !before.elected.contains(c);
        // Totals that fell to nothing (or were blanked): the excluded.
        let zeroed: Vec<usize> = (0..self.candidates.len())
            .filter(not_elected)
            .filter(|&c| {
                value(before, c).is_some_and(|b| b.value.mantissa() != 0)
                    && value(stage, c).is_none_or(|a| a.value.mantissa() == 0)
            })
            .collect();
        let fell: Vec<usize> = (0..self.candidates.len())
            .filter(|&c| match (value(before, c), value(stage, c)) {
                (Some(b), Some(a)) => a.value.cmp_value(&b.value).is_lt(),
                _ => false,
            })
            .collect();
        let newly_excluded: Vec<usize> = stage
            .excluded
            .iter()
            .copied()
            .filter(|c| !before.excluded.contains(c))
            .collect();
        if !zeroed.is_empty() {
            return Some(StageAction::Exclusion(zeroed));
        }
        match fell.as_slice() {
            [c] if before.elected.contains(c) => Some(StageAction::Surplus(*c)),
            // No total fell to nothing: candidates without votes, if marked.
            _ if !newly_excluded.is_empty() => Some(StageAction::Exclusion(newly_excluded)),
            [] => None,
            _ if fell.iter().all(not_elected) => Some(StageAction::Exclusion(fell)),
            _ => None,
        }
    }
}
