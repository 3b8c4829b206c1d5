//! STV counting for recount: numbers, rules as data, the engine and its transcript.
//!
//! [`count`] recounts every contest of a [`ballot::Election`] under one
//! [`Rules`] value and returns the [`Transcript`]; [`report`] renders a
//! transcript as a result sheet (text) or CSV. Rule variants are data
//! ([`Rules::preset`]); arithmetic is exact (fixed-point decimals or
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
//! # let Ok(election) = ballot::read(Format::Blt, blt, &ReadOptions::default()) else { return };
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
pub mod decimal;
pub mod engine;
mod figures;
pub mod meek;
pub mod numbers;
mod prefix_tree;
pub mod report;
pub mod rules;
mod ties;
pub mod transcript;

pub use engine::{CountError, count};
pub use rules::Rules;
pub use transcript::{
    Action, ConstraintDecision, ContestCount, ExclusionReason, Figures, NameList, Names, Stage,
    SubstitutionRecord, TieDecision, TieMethod, TiePurpose, Transcript, Verdict,
};
