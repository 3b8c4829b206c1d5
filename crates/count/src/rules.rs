//! Rules as data: one [`Rules`] value says everything a count does
//! differently from another, and a preset is a named value of it.
//!
//! Owns the rule variants and the presets. The engine (`engine.rs`) reads
//! these fields and nothing else; the numbers they use are in `numbers.rs`.
//! Each field's doc cites the clause it encodes; the presets are written up
//! in `specs/rules/<preset>.md`. Clause numbers: SSI 2007/42 Sch. 1 (Scottish
//! local government elections, rules 45–52), ERS97 = Electoral Reform Society,
//! "How to conduct an election by the Single Transferable Vote", 3rd ed.
//! (1997), PRF = Proportional Representation Foundation reference rules.

use serde::{Deserialize, Serialize};

pub use crate::numbers::{RoundMode, Rounding};

/// Every option of a count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// The preset's name (or a user's name for a variant).
    pub name: String,
    /// The arithmetic votes are held in.
    pub arithmetic: Arithmetic,
    /// Decimal places written in transcripts (truncated).
    pub display_places: u32,
    /// How the quota is found.
    pub quota: Quota,
    /// When a candidate is deemed elected.
    pub election: ElectionTest,
    /// How surpluses are transferred.
    pub surplus: Surplus,
    /// How candidates are excluded and their papers moved.
    pub exclusion: Exclusion,
    /// How the last places are filled.
    pub completion: Completion,
    /// How ties are broken.
    pub ties: Ties,
    /// How a contest's representation constraints are met, when it has any
    /// (`specs/constraints.md`); a contest without constraints is counted
    /// the same under every method.
    #[serde(default)]
    pub constraint_method: ConstraintMethod,
    /// Candidates who hold no votes when the lowest must go
    /// (`specs/rules/README.md`, "Candidates with no votes").
    #[serde(default)]
    pub candidates_without_votes: WithoutVotes,
    /// For an iterative method (Meek, Warren): its options; `None` for the
    /// Gregory methods, whose surplus and exclusion fields then apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterative: Option<crate::meek::Iterative>,
}

/// What a count does when two or more of the lowest continuing candidates
/// hold no votes and no earlier stage separates them.
///
/// Every rule book here excludes one candidate at a time, bulk exclusions
/// apart (SSI 2007/42 r.50, ERS97 5.2.5, NZ Sch. 1A, PRF B.3). A candidate with no votes holds
/// no papers, so excluding one changes no total, and with no surplus
/// waiting and no constraint in force nothing else can happen before the
/// next lowest, another of them, goes: the stages that follow differ only in
/// their numbers. Taking them in one stage gives the same totals, the same
/// elected and the same decisions of the tie chain, lot draws included
/// (each drawn as one-at-a-time exclusions would draw it), and keeps the
/// cost of a count bounded by its input (`specs/limits.md`): a ballot file
/// declaring 65,535 candidates with no papers would otherwise need
/// 65,535 stages of 65,535 totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WithoutVotes {
    /// Excluded in one stage, recorded with reason `no-votes` and one tie
    /// decision for the run (`specs/transcript.md`).
    #[default]
    Together,
    /// One a stage, as the rule books lay out their sheets (to compare with
    /// a sheet that shows each; its cost grows with candidates × stages).
    OneAtATime,
}

/// The method that meets representation constraints (`specs/constraints.md`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConstraintMethod {
    /// Grey–Fitzgerald (RULES.md §7a; OpenTally's default): after every
    /// election or exclusion, candidates who must be elected for a
    /// conformant result are guarded (never excluded), and those who cannot
    /// be are doomed (never elected, excluded at the next opportunity).
    #[default]
    GuardDoom,
    /// Reserved places filled by separate counts (RULES.md §7b, NUS "Fair
    /// Representation"): for each minimum in order, a count among the
    /// group's members only for the places it still lacks, then an open
    /// count for the rest; the doomed are not eligible (specs/constraints.md
    /// §5a). Each count is its own record in the transcript.
    ReservedPlaces,
    /// Post-hoc substitution (RULES.md §7b): count without constraints,
    /// then while a constraint is unmet swap the latest-elected candidate
    /// on the wrong side of it for the best-placed runner-up on the right
    /// side (specs/constraints.md §5b). Simple, but not STV-consistent.
    Substitution,
}

/// The arithmetic of a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Arithmetic {
    /// Fixed-point decimals with this many places (scaled integers). SSI
    /// 2007/42 r.48(3): "to five decimal places"; ERS97 5.1.6: two places.
    Fixed {
        /// Decimal places held.
        places: u32,
    },
    /// Exact fractions of big integers.
    Rational,
}

/// The quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    /// What the votes are divided by. Droop: "a number exceeding by one the
    /// number of councillors to be elected" (SSI 2007/42 r.46(1)).
    pub divisor: QuotaDivisor,
    /// Which votes are divided: the valid papers (r.46(1), ERS97 5.1.6) or
    /// the votes still active (ERS97 5.4.8, IRV majorities).
    pub votes: QuotaVotes,
    /// How the division is rounded: r.46(2) "ignoring any decimal places"
    /// (truncate to 0); ERS97 5.1.6 "to two decimal places … if not exact,
    /// drop the remainder and add 0.01" (up to 2).
    pub rounding: Rounding,
    /// What is added after rounding: r.46(2) "increased by one"; PRF WIGM A.1
    /// "plus 0.0001".
    pub increment: QuotaIncrement,
    /// When the quota is computed again.
    pub recompute: QuotaRecompute,
}

/// The quota's divisor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuotaDivisor {
    /// Seats + 1 (Droop, Hagenbach-Bischoff).
    SeatsPlusOne,
    /// Seats (Hare).
    Seats,
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

/// What is added to the rounded quotient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "add", rename_all = "kebab-case")]
pub enum QuotaIncrement {
    /// Nothing (exact Droop with a strict criterion; ERS97).
    Nothing,
    /// One whole vote (SSI 2007/42 r.46(2) "increased by one").
    One,
    /// One unit in the last of `places` places (PRF WIGM A.1 "plus 0.0001").
    Unit {
        /// The places of the unit.
        places: u32,
    },
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

/// When a candidate is deemed elected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElectionTest {
    /// r.47(1): "equals or exceeds the quota" (at least); exact Droop
    /// quotas need "exceeds".
    pub criterion: Criterion,
    /// ERS97 5.1.7/5.4.9/6.20: also elect at or above the total active vote ÷
    /// (places unfilled + 1) when that is lower than the quota, the threshold
    /// rounded as given (OpenSTV: up to 2 places).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_vote_threshold: Option<Rounding>,
    /// More candidates reach the quota than places remain and the last place
    /// falls among candidates with equal votes: the tie chain decides
    /// (lot included), or (ERS97 5.6.2) only earlier stages may separate
    /// them, and if they cannot, "none of them is deemed elected at that stage".
    pub unseparated_at_last_place: UnseparatedTie,
}

/// An election tie for the last place(s) that earlier stages do not separate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnseparatedTie {
    /// The whole tie chain decides (lot included).
    Chain,
    /// None of them is elected at that stage (ERS97 5.6.2).
    NoneElected,
}

/// How votes compare with the quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Criterion {
    /// Votes ≥ quota.
    AtLeast,
    /// Votes > quota.
    Exceeds,
}

/// Surplus transfers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// Where the rounding loss of a surplus goes on the sheet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LossShown {
    /// A separate "loss by fraction" line (Droop's "residual").
    Separate,
    /// Into the non-transferable total (ERS97 6.11 "non-transferable difference").
    NonTransferable,
}

/// The order of surplus transfers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SurplusOrder {
    /// The largest first (SSI r.49(1)(a); ERS97 5.2.2), ties by [`Ties`].
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
pub struct Exclusion {
    /// Several lowest candidates at once when their total (plus surpluses
    /// not yet transferred) compares so with the next candidate's votes
    /// (ERS97 5.2.5 "does not exceed"), or always one (SSI r.50(1) "the
    /// candidate with the then lowest number of votes").
    pub bulk: Threshold,
    /// Papers moved all at once, each at its value (SSI r.50(4)), or in
    /// batches by value, highest first, each a sub-stage followed by the
    /// election test (ERS97 5.4.1–5.4.2, 5.4.9–5.4.11).
    pub parcels: ExclusionParcels,
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
pub struct Completion {
    /// When continuing candidates fill the last places without a transfer.
    pub last_vacancies: LastVacancies,
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

/// Tie-breaking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ties {
    /// Methods tried in turn; each narrows the tied set or decides it.
    pub chain: Vec<TieBreak>,
    /// How ties of three or more use earlier stages.
    pub multiway: Multiway,
    /// An explicit order, strongest first, by candidate name; when absent,
    /// the contest's own order (a BLT `[tie]` line), else ballot-paper order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Vec<String>>,
    /// What the explicit order picks.
    pub order_picks: OrderPicks,
    /// The seed of the lot (hex, up to 64 digits), recorded so that a lot
    /// can be drawn again. A count that needs a lot and has none uses 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
}

/// One tie-breaking method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieBreak {
    /// Votes at the end of the most recent preceding stage at which they
    /// were unequal (SSI r.49(2), r.51(2)(a)). Whole stages only.
    Backward,
    /// Votes at the first stage or the earliest point, after the transfer of
    /// a batch, at which they were unequal (ERS97 5.2.3, 5.4.4, 5.6.2).
    /// Sub-stage points count.
    Forward,
    /// The explicit order.
    Order,
    /// Lot: a draw from the ChaCha20 stream of [`Ties::seed`] (SSI r.49(3),
    /// r.51(2)(b)).
    Lot,
}

/// How a look at earlier stages treats three or more tied candidates
/// (RULES.md §10.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Multiway {
    /// At the first stage looked at where not all are equal, keep those
    /// with the lowest (exclusion) or highest (otherwise) votes; if several
    /// remain, keep looking with them (OpenSTV's narrowing).
    Narrow,
    /// Look for a stage where one candidate alone is lowest (or highest)
    /// among the whole tied set (Droop's reading).
    UniqueExtreme,
    /// Look for a stage where all tied candidates had different votes.
    AllDifferent,
}

/// What the explicit order picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrderPicks {
    /// The order ranks strongest first: the last is excluded, the first is
    /// elected or transferred first.
    StrongestFirst,
    /// The earliest in the order is chosen whatever the purpose (PRF WIGM
    /// D.1 "choose the tied candidate who is earliest in a predetermined
    /// random tiebreaking order").
    EarliestChosen,
}

/// A named preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// Its name, as given to `--rules`.
    pub name: &'static str,
    /// One line saying what it is.
    pub description: &'static str,
    /// Its write-up, relative to the project root.
    pub spec: &'static str,
}

/// The presets, in the order `recount rules` lists them.
pub const PRESETS: [Preset; 6] = [
    Preset {
        name: "scottish-stv",
        description: "Scottish local government STV, SSI 2007/42 Sch. 1 rules 45-52 (WIGM, 5 dp, truncation)",
        spec: "specs/rules/scottish-stv.md",
    },
    Preset {
        name: "ers97",
        description: "ERS 1997 hand-count rules: 2-dp quota, last batch, deferral, bulk exclusion, sub-stages",
        spec: "specs/rules/ers97.md",
    },
    Preset {
        name: "wigm",
        description: "PR Foundation reference WIGM (single defeat), 4 dp truncated after every operation",
        spec: "specs/rules/wigm.md",
    },
    Preset {
        name: "uig",
        description: "Unweighted inclusive Gregory: all papers at surplus / papers, 5 dp truncated",
        spec: "specs/rules/uig.md",
    },
    Preset {
        name: "egm",
        description: "Exclusive Gregory (last parcel, transferable papers), 5 dp, exclusion by value",
        spec: "specs/rules/egm.md",
    },
    Preset {
        name: "irv",
        description: "Instant runoff: elected on a majority of continuing votes, one exclusion a stage",
        spec: "specs/rules/irv.md",
    },
];

impl Rules {
    /// The base every preset starts from: Scottish STV's choices, which are
    /// the plainest (WIGM, integer Droop quota, one exclusion, backward ties).
    pub fn base() -> Rules {
        Rules {
            name: "base".into(),
            arithmetic: Arithmetic::Fixed { places: 5 },
            display_places: 5,
            quota: Quota {
                divisor: QuotaDivisor::SeatsPlusOne,
                votes: QuotaVotes::Valid,
                rounding: Rounding::truncate(0),
                increment: QuotaIncrement::One,
                recompute: QuotaRecompute::Never,
            },
            election: ElectionTest {
                criterion: Criterion::AtLeast,
                active_vote_threshold: None,
                unseparated_at_last_place: UnseparatedTie::Chain,
            },
            surplus: Surplus {
                method: SurplusMethod::WeightedInclusive,
                papers: WhichPapers::All,
                transfer_value: TransferValue {
                    rounding: Rounding::truncate(5),
                    steps: TvSteps::Single,
                    cap_at_value: false,
                },
                loss: LossShown::Separate,
                order: SurplusOrder::Largest,
                deferral: Threshold::Never,
                zero_surplus: ZeroSurplus::Skip,
            },
            exclusion: Exclusion {
                bulk: Threshold::Never,
                parcels: ExclusionParcels::AllAtOnce,
            },
            completion: Completion {
                last_vacancies: LastVacancies::BetweenStages,
            },
            ties: Ties {
                chain: vec![TieBreak::Backward, TieBreak::Lot],
                multiway: Multiway::Narrow,
                order: None,
                order_picks: OrderPicks::StrongestFirst,
                seed: None,
            },
            constraint_method: ConstraintMethod::GuardDoom,
            candidates_without_votes: WithoutVotes::Together,
            iterative: None,
        }
    }

    /// SSI 2007/42 Sch. 1 rr. 45–52 (= SSI 2011/399 rr. 46–53).
    pub fn scottish_stv() -> Rules {
        Rules {
            name: "scottish-stv".into(),
            ..Rules::base()
        }
    }

    /// ERS97.
    pub fn ers97() -> Rules {
        Rules {
            name: "ers97".into(),
            arithmetic: Arithmetic::Fixed { places: 2 },
            display_places: 2,
            quota: Quota {
                divisor: QuotaDivisor::SeatsPlusOne,
                votes: QuotaVotes::Active,
                rounding: Rounding::up(2),
                increment: QuotaIncrement::Nothing,
                recompute: QuotaRecompute::UntilFirstElection,
            },
            election: ElectionTest {
                criterion: Criterion::AtLeast,
                active_vote_threshold: Some(Rounding::up(2)),
                unseparated_at_last_place: UnseparatedTie::NoneElected,
            },
            surplus: Surplus {
                method: SurplusMethod::LastParcel,
                papers: WhichPapers::TransferableOnly,
                transfer_value: TransferValue {
                    rounding: Rounding::truncate(2),
                    steps: TvSteps::Single,
                    cap_at_value: true,
                },
                loss: LossShown::NonTransferable,
                order: SurplusOrder::Largest,
                deferral: Threshold::NotExceeding,
                zero_surplus: ZeroSurplus::Skip,
            },
            exclusion: Exclusion {
                bulk: Threshold::NotExceeding,
                parcels: ExclusionParcels::ByValueDescending,
            },
            completion: Completion {
                last_vacancies: LastVacancies::OnProposedExclusion,
            },
            ties: Ties {
                chain: vec![TieBreak::Forward, TieBreak::Lot],
                ..Rules::base().ties
            },
            constraint_method: ConstraintMethod::GuardDoom,
            candidates_without_votes: WithoutVotes::Together,
            iterative: None,
        }
    }

    /// The PR Foundation's reference WIGM (single defeat), as Droop's `wigm-prf`.
    pub fn wigm() -> Rules {
        Rules {
            name: "wigm".into(),
            arithmetic: Arithmetic::Fixed { places: 4 },
            display_places: 4,
            quota: Quota {
                rounding: Rounding::truncate(4),
                increment: QuotaIncrement::Unit { places: 4 },
                ..Rules::base().quota
            },
            surplus: Surplus {
                transfer_value: TransferValue {
                    rounding: Rounding::truncate(4),
                    steps: TvSteps::Stepwise,
                    cap_at_value: false,
                },
                zero_surplus: ZeroSurplus::TransferAsStage,
                ..Rules::base().surplus
            },
            ties: Ties {
                chain: vec![TieBreak::Order],
                order_picks: OrderPicks::EarliestChosen,
                ..Rules::base().ties
            },
            ..Rules::base()
        }
    }

    /// Unweighted inclusive Gregory.
    pub fn uig() -> Rules {
        Rules {
            name: "uig".into(),
            surplus: Surplus {
                method: SurplusMethod::UnweightedInclusive,
                ..Rules::base().surplus
            },
            ..Rules::base()
        }
    }

    /// Exclusive Gregory, last parcel.
    pub fn egm() -> Rules {
        Rules {
            name: "egm".into(),
            surplus: Surplus {
                method: SurplusMethod::LastParcel,
                papers: WhichPapers::TransferableOnly,
                transfer_value: TransferValue {
                    rounding: Rounding::truncate(5),
                    steps: TvSteps::Single,
                    cap_at_value: true,
                },
                ..Rules::base().surplus
            },
            exclusion: Exclusion {
                bulk: Threshold::Never,
                parcels: ExclusionParcels::ByValueDescending,
            },
            ..Rules::base()
        }
    }

    /// Instant runoff.
    pub fn irv() -> Rules {
        Rules {
            name: "irv".into(),
            arithmetic: Arithmetic::Fixed { places: 0 },
            display_places: 0,
            quota: Quota {
                divisor: QuotaDivisor::SeatsPlusOne,
                votes: QuotaVotes::Active,
                rounding: Rounding::Exact,
                increment: QuotaIncrement::Nothing,
                recompute: QuotaRecompute::EveryStage,
            },
            election: ElectionTest {
                criterion: Criterion::Exceeds,
                active_vote_threshold: None,
                unseparated_at_last_place: UnseparatedTie::Chain,
            },
            surplus: Surplus {
                transfer_value: TransferValue {
                    rounding: Rounding::Exact,
                    ..Rules::base().surplus.transfer_value
                },
                ..Rules::base().surplus
            },
            ..Rules::base()
        }
    }

    /// The preset of this name.
    pub fn preset(name: &str) -> Option<Rules> {
        Some(match name {
            "scottish-stv" => Rules::scottish_stv(),
            "ers97" => Rules::ers97(),
            "wigm" => Rules::wigm(),
            "uig" => Rules::uig(),
            "egm" => Rules::egm(),
            "irv" => Rules::irv(),
            _ => return crate::meek::preset(name),
        })
    }

    /// The presets: (name, one-line description, spec file).
    pub fn presets() -> Vec<(&'static str, &'static str, &'static str)> {
        PRESETS
            .iter()
            .chain(&crate::meek::PRESETS)
            .map(|p| (p.name, p.description, p.spec))
            .collect()
    }

    /// The places the arithmetic holds, if fixed.
    pub fn fixed_places(&self) -> Option<u32> {
        match self.arithmetic {
            Arithmetic::Fixed { places } => Some(places),
            Arithmetic::Rational => None,
        }
    }

    /// Checks that the options fit together; the message says which do not.
    pub fn validate(&self) -> Result<(), String> {
        if self.display_places > crate::decimal::MAX_PLACES {
            return Err(format!(
                "display_places is {}; a transcript writes at most {} places",
                self.display_places,
                crate::decimal::MAX_PLACES
            ));
        }
        if let Some(p) = self.fixed_places() {
            if p > 18 {
                return Err(format!("fixed arithmetic with {p} places; at most 18"));
            }
            let mut roundings = vec![
                ("quota.rounding", self.quota.rounding),
                (
                    "surplus.transfer-value.rounding",
                    self.surplus.transfer_value.rounding,
                ),
            ];
            if let Some(r) = self.election.active_vote_threshold {
                roundings.push(("election.active_vote_threshold", r));
            }
            for (what, r) in roundings {
                if let Rounding::Places { places, .. } = r
                    && places > p
                {
                    return Err(format!(
                        "{what} rounds to {places} places but the arithmetic holds {p}"
                    ));
                }
            }
            if let QuotaIncrement::Unit { places } = self.quota.increment
                && places > p
            {
                return Err(format!(
                    "quota.increment is a unit of {places} places but the arithmetic holds {p}"
                ));
            }
        }
        if self.ties.chain.is_empty() {
            return Err("ties.chain is empty: a tie could not be broken".into());
        }
        if let Some(seed) = &self.ties.seed {
            seed_bytes(seed)?;
        }
        Ok(())
    }
}

/// The 32 bytes of a hex seed, left-aligned and zero-padded.
pub fn seed_bytes(seed: &str) -> Result<[u8; 32], String> {
    let hex = seed.strip_prefix("0x").unwrap_or(seed);
    if hex.is_empty() || hex.len() > 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "seed {seed:?}: expected 1 to 64 hexadecimal digits"
        ));
    }
    let mut out = [0u8; 32];
    let digits: Vec<u8> = hex
        .bytes()
        .map(|b| (b as char).to_digit(16).unwrap_or(0) as u8)
        .collect();
    for (i, pair) in digits.chunks(2).enumerate() {
        out[i] = (pair[0] << 4) | pair.get(1).copied().unwrap_or(0);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_preset_exists_validates_and_round_trips_through_json() {
        for (name, description, spec) in Rules::presets() {
            let rules = Rules::preset(name).expect(name);
            assert_eq!(rules.name, name);
            assert!(!description.is_empty());
            assert!(spec.ends_with(&format!("{name}.md")));
            rules.validate().expect(name);
            let json = serde_json::to_string(&rules).unwrap();
            let back: Rules = serde_json::from_str(&json).unwrap();
            assert_eq!(back, rules);
        }
        assert!(Rules::preset("no-such-rules").is_none());
    }

    #[test]
    fn scottish_stv_encodes_ssi_2007_42_rules_45_to_52() {
        let r = Rules::scottish_stv();
        // r.46: ⌊V/(S+1)⌋ + 1, never recomputed.
        assert_eq!(r.quota.rounding, Rounding::truncate(0));
        assert_eq!(r.quota.increment, QuotaIncrement::One);
        assert_eq!(r.quota.recompute, QuotaRecompute::Never);
        // r.47: equals or exceeds.
        assert_eq!(r.election.criterion, Criterion::AtLeast);
        // r.48(3): A/B to five places, remainder ignored, B = all votes.
        assert_eq!(r.surplus.transfer_value.rounding, Rounding::truncate(5));
        assert_eq!(r.surplus.papers, WhichPapers::All);
        assert_eq!(r.surplus.method, SurplusMethod::WeightedInclusive);
        // r.49, r.51: backward, then lot; no deferral; one exclusion, all at once.
        assert_eq!(r.ties.chain, vec![TieBreak::Backward, TieBreak::Lot]);
        assert_eq!(r.surplus.deferral, Threshold::Never);
        assert_eq!(r.exclusion.bulk, Threshold::Never);
        assert_eq!(r.exclusion.parcels, ExclusionParcels::AllAtOnce);
    }

    #[test]
    fn validation_refuses_more_places_than_the_arithmetic_holds() {
        let bad = Rules {
            arithmetic: Arithmetic::Fixed { places: 2 },
            ..Rules::scottish_stv()
        };
        assert!(bad.validate().unwrap_err().contains("5 places"));
        let bad_seed = Rules {
            ties: Ties {
                seed: Some("xyz".into()),
                ..Rules::base().ties
            },
            ..Rules::base()
        };
        assert!(bad_seed.validate().is_err());
    }

    #[test]
    fn seeds_are_left_aligned_hex() {
        let s = seed_bytes("0xabc").unwrap();
        assert_eq!(&s[..3], &[0xab, 0xc0, 0]);
        assert!(seed_bytes(&"f".repeat(65)).is_err());
        assert!(seed_bytes("").is_err());
    }
}
