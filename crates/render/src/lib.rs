//! recount's outputs for people and spreadsheets, rendered from a count's
//! [`Transcript`](count::Transcript): the text result sheet ([`text`]) and
//! CSV ([`csv`]), laid out as `specs/report.md` says. The JSON form is the
//! transcript itself (serde). Later also HTML and differences.
//!
//! Owns layout only: every figure is the transcript's own, never
//! recomputed. Wire formats (also in `specs/report.md`):
//!
//! - **text**: per contest a header (election, contest, rules, seats, valid
//!   and invalid papers, quota), then a table with candidates as rows and
//!   stages as columns, as on an official result sheet. Stage 1 has one
//!   column (first preferences); each later stage two, the change (`+/-`)
//!   and the total. After the candidates come the rows `Non-transferable`,
//!   `Loss by fraction` and `Total`, then `Quota`; a last column says when
//!   each candidate was elected or excluded. Under the table, one line per
//!   stage says what it did and each tie decision. A constrained count
//!   adds a `Constraints:` header line, says on an exclusion's line when
//!   the candidates were doomed or guarded candidates were passed over,
//!   and lists each stage's new `guarded:` / `doomed:` verdicts with the
//!   constraints that forced them; the substitution method adds a
//!   `Substitution:` line per swap before the final `Elected:` line, and
//!   each count of the reserved-places method a `Reserved-places count:`
//!   header line with its purpose. Iterative methods (Meek, Warren) add
//!   under each stage's line its number of iterations and the keep values
//!   strictly between 0 and 1 (those of elected candidates).
//! - **csv** (RFC 4180, header row): one row per stage × candidate with
//!   columns `contest,count,stage,sub_stage,action,subject,transfer_value,candidate,
//!   transfer,total,status,quota,non_transferable,loss_by_fraction`; `status`
//!   is `elected` or `excluded` on the stage where that happened, else empty;
//!   each swap of the substitution method adds an `elected` and a `replaced`
//!   row after the stages.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod csv;
pub mod sheet;
mod text;

pub use csv::csv;
pub use text::{TextOptions, action_text, lot_text, stage_text, text, text_with};
