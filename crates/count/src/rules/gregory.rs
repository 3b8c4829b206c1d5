//! The options only the Gregory family reads (SSI 2007/42, ERS97, PRF
//! WIGM, unweighted and exclusive Gregory, IRV): which votes the quota
//! divides and when it is found again, the ERS97 active-vote threshold,
//! surplus transfers, exclusions and the last vacancies.

use serde::{Deserialize, Serialize};

use crate::numbers::Rounding;

/// What a Gregory method does that an iterative method does not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gregory {
    /// Which votes the quota divides, and when it is found again.
    pub quota: GregoryQuota,
    /// ERS97 5.1.7/5.4.9/6.20: also elect at or above the total active vote ÷
    /// (places unfilled + 1) when that is lower than the quota, the threshold
    /// rounded as given (OpenSTV: up to 2 places).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_vote_threshold: Option<Rounding>,
    /// How surpluses are transferred.
    pub surplus: Surplus,
    /// How candidates are excluded and their papers moved.
    pub exclusion: Exclusion,
    /// How the last places are filled.
    pub completion: Completion,
    /// What a rank holding several candidates does (papers read with
    /// `--overvotes` or `--equal-rankings end-if-several-continuing`, or
    /// `--equal-rankings keep`). Left out of a rules file when
    /// [`TiedRanks::Refuse`], so earlier files read and hash the same.
    #[serde(default, skip_serializing_if = "TiedRanks::is_refuse")]
    pub tied_ranks: TiedRanks,
}

/// What a Gregory count does with a rank holding several candidates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TiedRanks {
    /// The rule has no such rank (a Gregory count moves whole papers): a
    /// contest with such papers is refused.
    #[default]
    Refuse,
    /// RCTab's `exhaustIfMultipleContinuing`: when a paper reaches the
    /// rank, of its candidates still continuing (those a paper would stop
    /// at) none: the paper goes on to the next rank; one: it goes to
    /// them; two or more: it is exhausted there. At the first stage every
    /// standing candidate is continuing, so a first rank of two or more
    /// standing makes the paper invalid, as a first-rank overvote read
    /// with `--overvotes end-at-overvote` is.
    ExhaustIfSeveralContinuing,
}

impl TiedRanks {
    fn is_refuse(&self) -> bool {
        *self == TiedRanks::Refuse
    }
}

/// The Gregory family's part of the quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GregoryQuota {
    /// Which votes are divided: the valid papers (r.46(1), ERS97 5.1.6) or
    /// the votes still active (ERS97 5.4.8, IRV majorities).
    pub votes: QuotaVotes,
    /// When the quota is computed again.
    pub recompute: QuotaRecompute,
}

/// Which votes the quota divides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuotaVotes {
    /// The total value of the valid papers at the first stage.
    Valid,
    /// The valid votes less the non-transferable votes and rounding losses so
    /// far (ERS97 5.4.8 "ignoring the non-transferable vote").
    Active,
}

/// When the quota is recomputed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuotaRecompute {
    /// Never: "computed once" (SSI 2007/42 r.46).
    Never,
    /// After each stage (and sub-stage) until a candidate is first deemed
    /// elected (ERS97 5.4.8: "before any candidate is deemed elected").
    UntilFirstElection,
    /// After every stage (IRV majority of continuing votes).
    EveryStage,
}

/// Surplus transfers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Surplus {
    /// Which papers are examined and how their value is found.
    pub method: SurplusMethod,
    /// Whether non-transferable papers count in the transfer value's
    /// denominator: all (inclusive; SSI r.48(3) B = "the total number of
    /// votes credited") or transferable only (ERS97 5.3.5–5.3.6).
    pub papers: WhichPapers,
    /// The transfer value's computation.
    pub transfer_value: TransferValue,
    /// Where the difference between a surplus and what it carries is shown.
    pub loss: LossShown,
    /// Which surplus goes first.
    pub order: SurplusOrder,
    /// Whether small surpluses may wait.
    pub deferral: Threshold,
    /// A candidate elected with exactly the quota: nothing to transfer (SSI
    /// r.48(1) "exceeds the quota"), or a zero "transfer" stage (PRF WIGM
    /// B.3 "the largest surplus (possibly zero)").
    pub zero_surplus: ZeroSurplus,
    /// A candidate who reaches the quota still receives papers until their
    /// surplus is transferred (Minneapolis Code 167.70(1)(d): the candidate
    /// is "declared elected" when the surplus is transferred, so is still
    /// continuing before). False (left out of the file) in every rule book
    /// that deems a candidate elected on reaching the quota (SSI r.48(1)).
    /// Under it a zero surplus under `skip` waits: the papers received
    /// later make a surplus transferred in turn.
    #[serde(default, skip_serializing_if = "is_false")]
    pub receive_until_transferred: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The Gregory family member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SurplusMethod {
    /// Weighted inclusive Gregory: all papers held, each at
    /// surplus × (its value) ÷ total (SSI 2007/42 r.48(3)–(4); PRF WIGM B.3).
    WeightedInclusive,
    /// Unweighted inclusive Gregory: all papers held, each at
    /// surplus ÷ number of papers, whatever its value.
    UnweightedInclusive,
    /// Exclusive Gregory: the last batch received only ("the last received
    /// batch which gave rise to the surplus", ERS97 5.3.2), each paper at
    /// surplus ÷ number of papers; all papers for a first-stage surplus (5.3.1).
    LastParcel,
}

/// Which papers a transfer value is spread over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WhichPapers {
    /// All papers examined (non-transferable ones absorb their share).
    All,
    /// Transferable papers only (ERS97 5.3.5–5.3.6).
    TransferableOnly,
}

/// The transfer value's arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferValue {
    /// Rounding of the value: SSI r.48(3) "to five decimal places (any
    /// remainder being ignored)"; ERS97 5.3.6 "to two decimal places,
    /// ignoring the remainder".
    pub rounding: Rounding,
    /// One rounding of the exact quotient (SSI r.48(3): A ÷ B with A =
    /// surplus × value), or a rounding after each × and ÷ (PRF WIGM D.4).
    pub steps: TvSteps,
    /// A paper never carries more than its present value (ERS97 5.3.7: "if
    /// … does not exceed the surplus, each paper keeps its present value").
    pub cap_at_value: bool,
}

/// How many roundings a weighted transfer value takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TvSteps {
    /// `round(surplus × value ÷ total)`.
    Single,
    /// `round(round(value × surplus) ÷ total)`.
    Stepwise,
    /// `round(round(surplus ÷ total) × value)`: the "surplus fraction"
    /// first, then the paper's value times it (Minneapolis Code 167.20,
    /// "Surplus fraction of a vote" and "Transfer value", each "calculated
    /// to four (4) decimal places, ignoring any remainder").
    FractionFirst,
}

/// Where the rounding loss of a surplus goes on the sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LossShown {
    /// A separate "loss by fraction" line (Droop's "residual").
    Separate,
    /// Into the non-transferable total (ERS97 6.11 "non-transferable difference").
    NonTransferable,
    /// Kept by the elected candidate, whose total after the transfer is the
    /// quota plus the loss (Minneapolis 2013 tabulation, round 4: "0.2472
    /// of Erwin's total could not be distributed because of rounding and
    /// will stay with the candidate").
    KeptByCandidate,
}

/// The order of surplus transfers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SurplusOrder {
    /// The largest first (SSI r.49(1)(a); ERS97 5.2.2), ties by [`Ties`](super::Ties).
    Largest,
    /// In order of election.
    OrderOfElection,
}

/// A comparison of a total with a difference of votes (deferral of
/// surpluses, bulk exclusion).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Threshold {
    /// Never applies (SSI 2007/42 has no deferral and no bulk exclusion).
    Never,
    /// Applies when the total "does not exceed" the difference (ERS97 5.2.2, 5.2.5).
    NotExceeding,
    /// Applies when the total is strictly less (Northern Ireland r.49(10),
    /// r.51(12); PRF WIGM B.2.c).
    LessThan,
}

/// Zero surpluses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ZeroSurplus {
    /// Nothing is transferred.
    Skip,
    /// A stage transfers the zero surplus (PRF WIGM B.3).
    TransferAsStage,
}

/// Exclusions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exclusion {
    /// Several lowest candidates at once when their total (plus surpluses
    /// not yet transferred) compares so with the next candidate's votes
    /// (ERS97 5.2.5 "does not exceed"), or always one (SSI r.50(1) "the
    /// candidate with the then lowest number of votes").
    pub bulk: Threshold,
    /// Minneapolis Code 167.70(1)(c): before any surplus is transferred,
    /// the lowest candidates who cannot be elected are defeated together
    /// ([`SureLosers`]). Left out of the file (none) elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sure_losers: Option<SureLosers>,
    /// The candidate pooling the undeclared write-ins (marked by the CVR
    /// reader, `ballot::Candidate::is_undeclared_write_ins`) is never
    /// elected and is excluded first, before anything else moves (RCTab:
    /// undeclared write-ins are eliminated in the first round). False
    /// (left out of the file) in every preset: a rule book counts the pool
    /// as any candidate (the Minneapolis 2013 tabulation defeats it in a
    /// batch with Casper Hill).
    #[serde(default, skip_serializing_if = "is_false")]
    pub undeclared_write_ins_first: bool,
    /// Papers moved all at once, each at its value (SSI r.50(4)), or in
    /// batches by value, highest first, each a sub-stage followed by the
    /// election test (ERS97 5.4.1–5.4.2, 5.4.9–5.4.11).
    pub parcels: ExclusionParcels,
}

/// The defeat of candidates "for whom it is mathematically impossible to
/// be elected" (Minneapolis Code 167.20, 167.70(1)(c)), made before the
/// surpluses waiting are transferred: the largest group of the lowest
/// continuing candidates, not splitting equal votes and leaving at least as
/// many continuing candidates as places, whose votes together with every
/// surplus waiting are *less than* the votes of the next candidate up
/// (equal is not enough: a tie with that candidate could still be won;
/// the correction Droop's `mpls` makes to 167.20's wording, which the
/// official tabulations do not contradict).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SureLosers {
    /// The fewest candidates such a defeat takes: 2 reads "batch
    /// elimination" as 167.20 defines it ("a simultaneous defeat of
    /// multiple continuing candidates"), as the official 2013 tabulation
    /// counted (round 4 transferred Erwin's surplus rather than defeat
    /// McPherson alone); 1 is Droop's `mpls` (a single sure loser also goes
    /// before the surpluses). At least 1.
    pub smallest_group: u32,
}

/// How an excluded candidate's papers move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExclusionParcels {
    /// All in one stage.
    AllAtOnce,
    /// By value, highest first, one sub-stage each.
    ByValueDescending,
}

/// The end of the count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Completion {
    /// When continuing candidates fill the last places without a transfer.
    pub last_vacancies: LastVacancies,
    /// After the places are filled, exclude the lowest one at a time until
    /// a single continuing candidate is left beside those elected, the
    /// elected receiving papers and no surplus moving (RCTab's
    /// `continueUntilTwoCandidatesRemain`, for reporting the final two of
    /// an IRV count). The winners are the same. False (left out of the
    /// file) in every preset.
    #[serde(default, skip_serializing_if = "is_false")]
    pub continue_until_two: bool,
}

/// The last-vacancies rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LastVacancies {
    /// Checked between stages: when continuing candidates = vacancies, they
    /// are deemed elected and no further transfer is made (SSI r.52). An
    /// exclusion that brings this about still transfers its papers (as the
    /// official 2017 sheets show).
    BetweenStages,
    /// Also on a proposed exclusion that would leave exactly as many
    /// continuing candidates as places: the excluded papers are not moved
    /// (ERS97 5.5.1).
    OnProposedExclusion,
}
