//! The options only the iterative family reads (Meek, Warren): how a paper
//! pays an elected candidate, the keep values' arithmetic, which votes the
//! quota divides, convergence and defeats. The count itself is `meek.rs`.

use serde::{Deserialize, Serialize};

use crate::numbers::Rounding;

/// What an iterative method does that a Gregory method does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Iterative {
    /// How a paper pays an elected candidate.
    pub kind: IterativeMethod,
    /// Which votes the quota divides; it is found again at every iteration.
    pub quota: IterativeQuota,
    /// Rounding of the part of a paper's weight a candidate keeps (PRF
    /// B.2.a, Sch. 1A cl.10: "rounded up" to 9 places).
    pub keep_rounding: Rounding,
    /// How the weight passed on is found.
    pub remainder: Remainder,
    /// The keep-value update (PRF B.2.f, Sch. 1A cl.17).
    pub keep_value_update: KeepValueUpdate,
    /// When an iteration is finished.
    pub convergence: Convergence,
    /// How candidates are defeated.
    pub defeat: Defeat,
    /// What a paper ranking candidates equal does (read with
    /// `--equal-rankings keep`). Left out of a rules file when
    /// [`EqualPreferences::Refuse`], so earlier files read and hash the same.
    #[serde(default, skip_serializing_if = "EqualPreferences::is_refuse")]
    pub equal_preferences: EqualPreferences,
}

/// What an iterative count does with a rank holding several candidates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EqualPreferences {
    /// The rule has no equal preferences: a contest with such papers is
    /// refused (PRF reference rule, NZ Sch. 1A).
    #[default]
    Refuse,
    /// The weight reaching the rank is shared equally among its continuing
    /// candidates (elected or hopeful; the defeated and withdrawn are as if
    /// never ranked); each keeps its part of its share as from a rank of
    /// its own, and what each passes on goes separately to the next rank
    /// (Droop's `meek`/`warren`, stv-rs by default). In fixed point the
    /// share is truncated at the arithmetic's places.
    Split,
}

impl EqualPreferences {
    fn is_refuse(&self) -> bool {
        *self == EqualPreferences::Refuse
    }
}

/// How a paper pays an elected candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IterativeMethod {
    /// Meek: a proportion, `keep = w × kf`.
    Meek,
    /// Warren: a price, `keep = min(kf, w)` (Hill & Warren, Voting Matters 20).
    Warren,
}

/// The weight a paper passes on after paying a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "rest", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Remainder {
    /// `w − keep`: PRF B.2.a "reduce w by the same amount"; Hill 2006 and
    /// the NZ STV Calculator. Nothing is lost.
    Subtract,
    /// `w × (1 − kf)` rounded on its own (Sch. 1A cl.10 read literally: both
    /// products "rounded up"); the difference from `w − keep` is the loss.
    Complement {
        /// How the complement is rounded.
        rounding: Rounding,
    },
}

/// `kf ← kf × quota ÷ votes`, rounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeepValueUpdate {
    /// The rounding.
    pub rounding: Rounding,
    /// `Stepwise`: `round(round(kf × q) ÷ v)` (PRF B.2.f, Sch. 1A cl.17);
    /// `Single`: `round(kf × q ÷ v)`.
    pub stepwise: bool,
}

/// The iterative family's part of the quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IterativeQuota {
    /// Which votes are divided.
    pub votes: IterativeQuotaVotes,
}

/// Which votes an iterative quota divides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IterativeQuotaVotes {
    /// The sum of the candidates' votes (PRF B.2.b).
    CandidateVotes,
    /// The valid votes less the non-transferable votes, `v − vnt` (Sch. 1A
    /// cl.5); differs from the sum of the candidates' votes by the loss.
    ValidLessNonTransferable,
}

/// When an iteration ends without an election.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Convergence {
    /// ω = 10^−`omega_places` (PRF A: 0.000001, so 6).
    pub omega_places: u32,
    /// Finished when the total surplus is below ω (PRF B.2.e "less than
    /// omega") or at most ω (Droop's parametric `meek`).
    pub at_most: bool,
    /// Also finished when (after the first iteration) the total surplus is
    /// not less than the previous iteration's (PRF B.2.e "stable state").
    pub stable_state: bool,
}

/// Defeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defeat {
    /// Candidates whose vote is at most the lowest plus the total surplus
    /// are tied with the lowest (PRF B.3); otherwise only equal votes tie.
    pub ties_within_surplus: bool,
    /// Several candidates at once.
    pub batch: DefeatBatch,
}

/// Defeat of several candidates at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DefeatBatch {
    /// One a round (PRF B.3, Sch. 1A).
    None,
    /// At every iteration, the largest group of lowest candidates (not
    /// splitting candidates within the surplus of each other) whose votes
    /// plus the total surplus are less than the next candidate's, leaving
    /// enough for the places (Droop `defeat_batch=safe`).
    SureLosers,
    /// When an iteration has converged, every hopeful candidate with no
    /// votes at once (the NZ STV Calculator, per OpenSTV's notes).
    ZeroVotes,
}
