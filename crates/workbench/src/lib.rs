//! The rule makers' workbench (`specs/workbench.md`): two rules side by
//! side on one contest ([`compare`]), the properties a rule should have
//! ([`properties`]), and fuzzing for elections where rules part ways or a
//! property fails ([`fuzz`]), each shrunk to a minimal counterexample
//! ([`shrink`]) kept as a [`Case`]; one contest counted as it is and with
//! its papers or count changed ([`whatif`]); and the margins of a result
//! ([`margin`]): the fewest papers whose change changes the winners.
//!
//! Pure functions of their inputs and seeds: nothing is read, written or
//! printed here; `recount compare`, `recount fuzz`, `recount whatif` and `recount
//! margin` do that.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod case;
pub mod compare;
pub mod fuzz;
pub mod margin;
pub mod properties;
pub mod shrink;
pub mod whatif;

pub use case::Case;
