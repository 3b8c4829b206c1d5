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
    /// (indices into [`OfficialSheet::candidates`], ascending).
    pub elected: Vec<usize>,
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
}
