//! Why a count could not be made, and the size limit a count is held to.

use std::fmt;

use ballot::constraints::ConstraintError;

use crate::rules::RulesError;

/// Why a count could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CountError {
    /// The rules do not fit together.
    Rules(RulesError),
    /// The explicit tie order names a candidate the contest does not have.
    TieOrder {
        /// The contest.
        contest: String,
        /// The name not found.
        name: String,
    },
    /// `ties.order_by_contest` names a contest the election does not have.
    TieOrderContest {
        /// The contest named.
        contest: String,
        /// The election's contests.
        contests: Vec<String>,
    },
    /// The contest's representation constraints were refused before the
    /// count: they do not fit its candidates, or no result can meet them
    /// all ([`ConstraintError::Infeasible`] names a smallest set of
    /// constraints that cannot be met together).
    Constraints(ConstraintError),
    /// The count would record more figures (candidates × stages) than
    /// [`MAX_FIGURES`]: refused rather than exhausting the machine
    /// (`specs/limits.md`).
    TooLarge {
        /// The contest.
        contest: String,
        /// Its candidates.
        candidates: usize,
        /// The stages recorded when the count stopped.
        stages: usize,
    },
    /// A contest could not be rebuilt for a reserved-places count (its
    /// model refused the eligible candidates).
    Contest {
        /// The contest.
        contest: String,
        /// The model's refusal.
        message: String,
    },
    /// Papers rank candidates equal (read with `--equal-rankings keep`)
    /// and the rules cannot split them: only the iterative methods with
    /// `equal_preferences: split` can.
    EqualPreferences {
        /// The contest.
        contest: String,
        /// Papers with equal preferences.
        papers: u64,
        /// Why these rules cannot count them, and what can.
        reason: &'static str,
    },
    /// A paper ranking candidates equal would be split along more paths
    /// than the count allows (the product of its ranks' sizes;
    /// `specs/limits.md`).
    EqualPreferenceBranches {
        /// The contest.
        contest: String,
        /// The paper's paths (saturating).
        branches: u64,
        /// The most allowed.
        most: u64,
    },
    /// A constrained count reached a state that cannot meet the
    /// constraints: the engine broke a duty of `specs/constraints.md` §4.
    /// Never a silent result.
    ConstraintsBroken(ConstraintError),
}

impl fmt::Display for CountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CountError::Rules(e) => write!(f, "rules: {e}"),
            CountError::TieOrder { contest, name } => write!(
                f,
                "contest {contest:?}: the tie order names {name:?}, who is not a candidate"
            ),
            CountError::TieOrderContest { contest, contests } => write!(
                f,
                "a tie order is given for contest {contest:?}, which the election does not have (its contests: {})",
                contests.join(", ")
            ),
            CountError::Constraints(e) => write!(f, "constraints: {e}"),
            CountError::TooLarge {
                contest,
                candidates,
                stages,
            } => write!(
                f,
                "contest {contest:?}: the count would record more than {MAX_FIGURES} figures \
                 ({candidates} candidates × {stages} stages so far), the most recount records \
                 (specs/limits.md)"
            ),
            CountError::Contest { contest, message } => {
                write!(f, "contest {contest:?}: {message}")
            }
            CountError::EqualPreferences {
                contest,
                papers,
                reason,
            } => write!(
                f,
                "contest {contest:?}: {papers} papers rank candidates equal; {reason}"
            ),
            CountError::EqualPreferenceBranches {
                contest,
                branches,
                most,
            } => write!(
                f,
                "contest {contest:?}: a paper ranking candidates equal splits along {branches} \
                 paths, more than the {most} a count follows (specs/limits.md)"
            ),
            CountError::ConstraintsBroken(e) => {
                write!(f, "internal error: the count broke its constraints: {e}")
            }
        }
    }
}

impl std::error::Error for CountError {}

/// The most entries a contest's count may record: the figures it holds
/// (a total per candidate a stage, the transfers that are not zero) and the
/// names its tie decisions list, 4 to 16 bytes each, under 1 GB in all. A
/// real-shaped 10,000-candidate election records under 10^8; one at a
/// time, 65,535 candidates holding a paper each would need 8 × 10^9.
pub const MAX_FIGURES: usize = 100_000_000;
