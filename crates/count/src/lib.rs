//! STV counting for recount: numbers, rules as data, the engine and its transcript.
//!
//! [`count`] recounts every contest of a [`ballot::Election`] under one
//! [`Rules`] value and returns the [`Transcript`] (rendered for people by
//! the `recount-render` crate). Rule variants are data
//! ([`Rules::preset`], [`Rules::from_json`], [`Rules::with_override`]); a
//! rule belongs to one method family ([`rules::Method`]), counted by its
//! strategy (`gregory.rs`: parcels at a transfer value; `meek.rs`: keep
//! values over a prefix tree) on the shared election test, tie chain and
//! stage recorder (`election.rs`, `ties.rs`, `record.rs`); arithmetic is exact (fixed-point decimals or
//! rationals, never floating point; see [`numbers`]); a written figure reads
//! as an exact [`decimal::Decimal`]. A contest carrying representation constraints ([`ballot::Contest::constraints`]) is counted
//! to meet them by the method in [`Rules::constraint_method`]
//! (Grey–Fitzgerald guard/doom by default; `specs/constraints.md`).
//!
//! ```
//! use ballot::{Format, ReadOptions};
//!
//! // RULES.md §11.6 weak-defeat: A is excluded, then B and C tie on 3 and the
//! // backward tie-break (SSI 2007/42 r.51(2)(a)) excludes B, lower at stage 1.
//! let blt = b"5 2\n1 1 2 0\n2 2 0\n3 3 0\n4 4 0\n5 5 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"E\"\n\"t\"\n";
//! let election = ballot::read(Format::Blt, blt, &ReadOptions::default()).expect("a BLT file");
//! let rules = count::Rules::preset("scottish-stv").unwrap();
//! let transcript = count::count(&election, &rules).unwrap();
//! let contest = &transcript.contests[0];
//! assert_eq!(contest.quota, "6.00000");
//! assert_eq!(contest.excluded[..2], ["A".to_string(), "B".to_string()]);
//!
//! // An unknown preset is simply absent.
//! assert!(count::Rules::preset("no-such-rules").is_none());
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod constrained;
pub mod constraints;
pub mod decimal;
mod driver;
mod election;
mod error;
mod figures;
mod gregory;
mod lots;
mod meek;
pub mod numbers;
mod prefix_tree;
mod prepared;
mod progress;
mod record;
mod reserved;
pub mod rules;
mod sequential;
mod standing;
pub mod tie_sensitivity;
mod ties;
pub mod transcript;

pub use driver::count;
pub use error::{CountError, MAX_FIGURES};
pub use prepared::{Outcome, Prepared};
pub use progress::{Progress, ProgressEvent, count_observed};
pub use rules::Rules;
pub use tie_sensitivity::{TieOutcomes, TieSensitivity};
pub use ties::ForcedTie;
pub use transcript::{
    Action, ConstraintDecision, ContestCount, ExclusionReason, Figures, NameList, Names, Stage,
    SubstitutionRecord, TieDecision, TieMethod, TiePurpose, Transcript, Verdict,
};
