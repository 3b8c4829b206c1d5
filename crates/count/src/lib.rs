//! STV counting for recount: numbers, rules as data, the engine and its transcript.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod rules;
pub mod transcript;

pub use rules::Rules;
pub use transcript::{Action, ContestCount, Stage, TieDecision, TieMethod, TiePurpose, Transcript};
