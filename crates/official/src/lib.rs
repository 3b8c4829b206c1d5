//! Official results for recount: readers for published stage-by-stage
//! result sheets, and an exact comparison of a sheet with a count.
//!
//! A result sheet is read into an [`OfficialSheet`]: every published figure
//! kept as the exact decimal it was written as, with its place in the file.
//! [`compare()`] then sets it beside our [`count::ContestCount`], pairing
//! candidates by name ([`names`], never by guess) and comparing every total
//! at the precision it was published with ([`decimal::Shortening`]), and
//! returns every disagreement as a typed [`Difference`].
//!
//! Readers: [`scottish_json`] (Scottish council results, 2012 and 2017) and
//! [`droop_dump`] (reference dumps of the Droop program, compared the same
//! way). The conventions found in the Scottish sheets are written up in
//! `specs/official-scottish.md`.
//!
//! ```
//! use official::{Decimal, Shortening};
//!
//! // Glasgow published 2 places, rounded; the count keeps 5, truncated.
//! let published = Decimal::parse("680.67").unwrap();
//! let ours = Decimal::parse("680.66808").unwrap();
//! assert!(Shortening::SCOTTISH_COUNCILS.agrees(&published, &ours));
//! // Truncating to the published places would have disagreed.
//! assert!(!Shortening::Down.agrees(&published, &ours));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod cells;
pub mod compare;
pub mod decimal;
pub mod diff;
pub mod droop_dump;
pub mod error;
pub mod explain;
pub mod names;
pub mod rctab_csv;
pub mod rctab_json;
pub mod read;
pub mod recount_sheet;
pub mod scottish_csv;
pub mod scottish_json;
pub mod sheet;

pub use compare::{CompareOptions, Comparison, Difference, compare};
pub use decimal::{Decimal, RoundMode, Shortening};
pub use error::{Error, ErrorKind, Position, SheetFormat};
pub use names::{MatchRule, Matching, match_names};
pub use read::{Choice, detect, read, read_all};
pub use sheet::{Cell, OfficialCandidate, OfficialSheet, OfficialStage, StageAction, Warning};
