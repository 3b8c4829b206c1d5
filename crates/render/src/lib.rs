//! recount's outputs for people and spreadsheets, rendered from a count's
//! [`Transcript`](count::Transcript): the text result sheet ([`text`],
//! [`text_with`]), the long CSV ([`csv`]), the wide CSV ([`csv_wide`]) and
//! the self-contained HTML sheet ([`html`]), laid out as `specs/report.md`
//! says; the JSON form is the transcript itself (serde). The stage table
//! all of them share (headings, blank cells after exclusion, the Total row,
//! the reasons of the Result column, blocks that fit a width) is
//! [`sheet`]. Later also differences.
//!
//! Owns layout only: every figure is the transcript's own, never
//! recomputed, but for exact decimal sums of written figures (the Total row,
//! the change of the non-transferable and loss rows).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod audit;
mod csv;
mod diff;
mod html;
pub mod sheet;
mod sheet_file;
mod text;
mod wide;

pub use audit::{AuditView, CheckView, ContestView, NominationRow, TiesView, audit_html};
pub use csv::csv;
pub use diff::{DiffReport, diff_html, diff_text};
pub use html::{escape, html};
pub use sheet_file::recount_sheet;
pub use text::{
    MAX_LOT_LINES, TextOptions, action_text, lot_text, more_lots_text, stage_text, text, text_with,
};
pub use wide::csv_wide;
