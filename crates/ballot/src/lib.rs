//! The election model of `recount` and its ballot file formats.
//!
//! An [`Election`] holds one or more [`Contest`]s (a contest per region or
//! ward); a contest holds its [`Candidate`]s, its seats and its [`Ballots`],
//! stored as distinct strict rankings with paper counts. Readers turn files
//! into elections, applying an explicit [`ImportPolicy`] to irregular papers;
//! writers turn elections back into files. Counting is not done here.
//!
//! ```
//! use ballot::{Format, ReadOptions};
//!
//! let blt = b"3 2\n4 1 2 0\n2 3 0\n0\n\"Castor\"\n\"Pollux\"\n\"Helen\"\n\"Twins\"\n";
//! let election = ballot::read(Format::Blt, blt, &ReadOptions::default()).unwrap();
//! let contest = &election.contests()[0];
//! assert_eq!(contest.seats(), 2);
//! assert_eq!(contest.ballots().first_preferences(), vec![4, 0, 2]);
//!
//! // A candidate number beyond the list is refused with its position.
//! let bad = b"3 2\n4 1 9 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n";
//! let err = ballot::read(Format::Blt, bad, &ReadOptions::default()).unwrap_err();
//! assert_eq!(err.position().map(|p| (p.line, p.column)), Some((2, 5)));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod blt;
pub mod cdf;
pub mod cdf_xml;
pub mod choice;
pub mod clearballot;
pub mod constraints;
pub mod csvrank;
pub mod dat;
pub mod dominion;
pub mod error;
pub mod ess;
pub mod format;
pub mod hart;
pub mod json;
pub mod model;
pub mod policy;
pub mod preflib;
pub mod store;

pub use choice::Choice;
pub use error::{Error, ErrorKind, Position};
pub use format::{Format, ReadOptions, RowFilter, read, read_contest, read_from, write};
pub use model::{Candidate, CandidateId, Contest, Election};
pub use policy::{ImportPolicy, Irregularities, Irregularity};
pub use store::{Ballot, Ballots, BallotsBuilder, EqualRanking, PaperCount, Ranked, RankingError};
