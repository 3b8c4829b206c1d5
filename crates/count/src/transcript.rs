//! The transcript: the complete record of a count, stage by stage.
//!
//! A transcript is what `count` returns and what `recount count` writes; the
//! official-result diff reads it. Its JSON wire format, versioned
//! [`FORMAT`] (`recount-transcript/1`), is specified in
//! `specs/transcript.md`; the field docs below are the short form.
//!
//! Conventions:
//! - Every vote value is a decimal string at the rule's display precision
//!   (`"1302.94200"` for Scottish STV's five places; exact arithmetic shows
//!   `Rules`' display places, truncated). Strings, not JSON numbers, so that
//!   no reader rounds them through a float.
//! - Candidates are named by their ballot-paper name. Where two candidates of
//!   a contest share a name, each is written `name #n` with its 1-based
//!   number, so that names are unique keys within a contest.
//! - Maps keyed by candidate keep ballot-paper order.
//! - Stage 1 is the first-preference stage. A stage's `totals` are the
//!   votes *after* the stage; `transfers` the change *during* it.

use serde::{Deserialize, Serialize};

use crate::decimal::Decimal;

pub use crate::figures::{Figures, NameList, Names};

use crate::rules::Rules;

/// The wire format's name and version.
pub const FORMAT: &str = "recount-transcript/1";

/// The record of counting every contest of an election under one [`Rules`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transcript {
    /// Always [`FORMAT`].
    pub format: String,
    /// The election's id.
    pub election: String,
    /// The election's title.
    pub title: String,
    /// Where the ballots were read from (`recount count` records it; the
    /// library's [`count`](crate::count) does not know).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input: Option<Input>,
    /// One record per contest, in the election's order.
    pub contests: Vec<ContestCount>,
    /// Per contest where the lot was drawn, every draw and whether another
    /// result would change the winners (`recount count` records it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lots: Vec<Lots>,
}

fn no_affiliations(a: &[String]) -> bool {
    a.iter().all(String::is_empty)
}

/// The ballot file a count read: what identifies its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Input {
    /// The file's name as given (`-` for standard input).
    pub file: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// The SHA-256 of its bytes, 64 lowercase hex digits.
    pub sha256: String,
    /// The format it was read as (`blt`, `preflib`, …).
    pub format: String,
}

/// One contest's lots: the seed they came from and what each draw decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lots {
    /// The contest's id.
    pub contest: String,
    /// The seed of the draws, in hexadecimal.
    pub seed: String,
    /// True when no seed was given, so the draws came from seed 0.
    pub default_seed: bool,
    /// The draws and the other results tried.
    #[serde(flatten)]
    pub sensitivity: LotSensitivity,
}

/// The import policy a contest's papers were read with, and how many
/// papers each of its choices changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Import {
    /// The policy.
    pub policy: ballot::ImportPolicy,
    /// Papers changed, per irregularity.
    pub changed: ballot::policy::Irregularities,
}

/// The count of one contest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContestCount {
    /// The contest's id.
    pub contest: String,
    /// The contest's title.
    pub title: String,
    /// Seats filled.
    pub seats: u32,
    /// Every candidate, in ballot-paper order (unique names, see the module docs).
    pub candidates: Vec<String>,
    /// Each candidate's party or affiliation, as the ballot file gives it,
    /// in the same order (empty where none); absent when no candidate has
    /// one.
    #[serde(default, skip_serializing_if = "no_affiliations")]
    pub affiliations: Vec<String>,
    /// Candidates withdrawn before the count.
    pub withdrawn: Vec<String>,
    /// The rules counted under, whole (not only the preset's name), including
    /// the seed of any drawing of lots.
    pub rules: Rules,
    /// Papers with at least one preference for a standing candidate.
    pub valid_papers: u64,
    /// Papers that gave no valid preference (blank, or only withdrawn candidates).
    pub invalid_papers: u64,
    /// Total value of the valid papers at the first stage.
    pub valid_votes: Decimal,
    /// The quota at the first stage (later changes appear per stage).
    pub quota: Decimal,
    /// Elected candidates in order of election.
    pub elected: Vec<String>,
    /// Excluded candidates in order of exclusion.
    pub excluded: Vec<String>,
    /// The representation constraints in force (`specs/constraints.md`),
    /// each as `gender=woman: at least 3`; empty when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<String>,
    /// The reserved-places method: what this count of the contest fills,
    /// the minimum as `gender=woman: at least 3` or `open`; the contest's
    /// result is the union of its counts' `elected`, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// The substitution method: the swaps made after the (unconstrained)
    /// stages, in order; `elected` is the result after them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub substitutions: Vec<SubstitutionRecord>,
    /// The import policy and the papers it changed (`recount count`
    /// records it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<Import>,
    /// The stages, in order.
    pub stages: Vec<Stage>,
}

/// One stage (or sub-stage) of a count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Stage number, from 1 (the first-preference stage).
    pub number: u32,
    /// For rules that divide a stage into sub-stages (ERS97 exclusion
    /// batches by transfer value), the 1-based part within stage `number`;
    /// `None` for an undivided stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub_stage: Option<u32>,
    /// What the stage did.
    pub action: Action,
    /// The quota in force at the end of the stage.
    pub quota: Decimal,
    /// Every candidate's votes at the end of the stage.
    pub totals: Figures,
    /// Every candidate's change during the stage (signed; the transferor's
    /// loss is negative). Empty for the first stage.
    pub transfers: Figures,
    /// Value of non-transferable (exhausted) papers at the end of the stage, cumulative.
    pub exhausted: Decimal,
    /// Value lost to rounding (fractions) at the end of the stage, cumulative.
    pub loss_by_fraction: Decimal,
    /// Candidates deemed elected during this stage, in order.
    pub elected: Vec<String>,
    /// Candidates excluded during this stage.
    pub excluded: Vec<String>,
    /// Ties decided during this stage.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ties: Vec<TieDecision>,
    /// Iterative methods (Meek, Warren): each candidate's keep value at the
    /// end of the stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_values: Option<Figures>,
    /// Iterative methods: iterations run in this stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iterations: Option<u32>,
    /// Constrained counts: candidates newly guarded or doomed by the
    /// constraints during this stage (stage 1: before the count), each
    /// with the constraints that forced it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<ConstraintDecision>,
}

/// A Grey–Fitzgerald verdict on a hopeful candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// In every result that meets the constraints: never excluded.
    Guarded,
    /// In no result that meets the constraints: never elected, and excluded
    /// at the next opportunity.
    Doomed,
}

/// A candidate newly guarded or doomed, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConstraintDecision {
    /// The candidate.
    pub candidate: String,
    /// Guarded or doomed.
    pub verdict: Verdict,
    /// A smallest set of constraints that forces the verdict, each as
    /// `gender=woman: at least 3`; empty when the number of places alone
    /// forces it.
    pub by: Vec<String>,
}

/// One swap of the substitution method.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubstitutionRecord {
    /// The elected candidate who loses the seat.
    pub out: String,
    /// The runner-up who takes it.
    #[serde(rename = "in")]
    pub incoming: String,
    /// The unmet constraint the swap serves, as `gender=woman: at least 3`.
    pub constraint: String,
}

/// Why candidates were excluded, when not for having the fewest votes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExclusionReason {
    /// Doomed by the constraints: no conformant result elects them.
    Doomed,
    /// They hold no votes, and nothing could happen between their
    /// exclusions one at a time (no paper moves, no surplus waits, no
    /// earlier stage separates them): excluded in one stage, in the order
    /// and by the tie decisions that one-at-a-time exclusions would have
    /// made (`specs/transcript.md`).
    NoVotes,
}

/// What a stage did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Action {
    /// Sorting the papers by first preference.
    FirstPreferences,
    /// Transferring a surplus.
    Surplus {
        /// Whose surplus.
        candidate: String,
        /// The surplus transferred (votes above the quota).
        surplus: Decimal,
        /// The transfer value, where one value applies to all the papers
        /// (rules with per-paper values leave it out).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transfer_value: Option<Decimal>,
    },
    /// Excluding one or more candidates and transferring their papers (or,
    /// in a sub-stage, the batch of their papers at one transfer value).
    Exclusion {
        /// Who is excluded.
        candidates: Vec<String>,
        /// The value of the papers moved in this sub-stage, if divided by value.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transfer_value: Option<Decimal>,
        /// Constrained counts: why, when not for having the fewest votes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<ExclusionReason>,
        /// Constrained counts: guarded candidates with no more votes than
        /// those excluded, passed over because they are guarded.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        passed_over_guarded: Vec<String>,
    },
    /// The remaining continuing candidates fill the remaining seats (or the
    /// seats are full and they are excluded) with no transfer.
    ElectRemaining,
    /// An iteration round of an iterative method (Meek, Warren).
    Round,
}

/// Why a tie had to be broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TiePurpose {
    /// Which of equal surpluses to transfer first.
    SurplusOrder,
    /// Which of the lowest candidates to exclude.
    Exclusion,
    /// Which of candidates with equal votes is elected (or elected first).
    Election,
}

/// How a tie was broken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "kebab-case")]
pub enum TieMethod {
    /// By votes at the most recent earlier stage where the tied candidates differed.
    Backward {
        /// The stage consulted.
        stage: u32,
    },
    /// By votes at the earliest stage where they differed.
    Forward {
        /// The stage consulted.
        stage: u32,
    },
    /// By an explicit order of candidates given in the input.
    Order,
    /// By lot: a draw from the seeded ChaCha stream recorded in the rules.
    Lot {
        /// The index of this draw in the stream (0 for the first draw).
        draw: u64,
    },
}

/// One tie decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TieDecision {
    /// What the decision was for.
    pub purpose: TiePurpose,
    /// The tied candidates.
    pub between: NameList,
    /// How it was decided.
    pub method: TieMethod,
    /// The candidate chosen (to be excluded, elected, or transferred first).
    pub chosen: String,
    /// Candidates with no votes excluded together (see
    /// [`ExclusionReason::NoVotes`]): the later choices from the same tied
    /// set, in order, each made as `chosen` was among those of `between`
    /// not yet chosen (a lot's later choices are the next draws of the
    /// stream). Empty for a single decision.
    #[serde(default, skip_serializing_if = "NameList::is_empty")]
    pub then: NameList,
}

/// The lots of one contest's count and what other draws would elect
/// ([`Prepared::lot_sensitivity`](crate::Prepared::lot_sensitivity)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotSensitivity {
    /// Who the count elects, in order.
    pub elected: Vec<String>,
    /// Every draw of the lot, in the order made.
    pub draws: Vec<LotDraw>,
    /// Other results not tried because the budget ran out (0: every
    /// other result of every draw was tried).
    pub untried: u64,
}

/// One draw of the lot and the other results tried.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotDraw {
    /// Which of the contest's counts made it (0; under the reserved-places
    /// method, the position of its count).
    pub count: usize,
    /// Its number in that count's stream of draws, from 0.
    pub draw: u64,
    /// The stage whose tie it decided.
    pub stage: u32,
    /// What the tie was for.
    pub purpose: TiePurpose,
    /// The candidates tied, for a decision's first draw; empty for the
    /// later draws of one decision of several choices in turn (candidates
    /// without votes excluded together), whose tied are the first draw's
    /// less those already chosen.
    pub between: Vec<String>,
    /// How many results the draw could have (the tied still in it).
    pub options: u64,
    /// The candidate it chose.
    pub chosen: String,
    /// Whether some other result tried elects a different set of
    /// candidates (the order of election aside).
    pub changes_winners: bool,
    /// Each other result tried: whom it chooses and who is then elected.
    pub others: Vec<OtherDraw>,
}

/// Another result of a draw and its count's winners.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherDraw {
    /// The candidate that result chooses.
    pub chosen: String,
    /// Who is then elected, in order.
    pub elected: Vec<String>,
}

/// One stage as a published result sheet shows it
/// ([`ContestCount::sheet_stages`]).
#[derive(Clone, Debug)]
pub struct SheetStage<'a> {
    /// The state at the end of the stage (its last sub-stage).
    pub stage: &'a Stage,
    /// Elected during the stage (all its sub-stages, and the places filled
    /// with no transfer just after it), in order.
    pub elected: Vec<String>,
    /// Excluded during the stage, likewise.
    pub excluded: Vec<String>,
}

impl ContestCount {
    /// The stages as a result sheet shows them: a stage divided into
    /// sub-stages is its last sub-stage, and the last places filled with
    /// no transfer ([`Action::ElectRemaining`], SSI 2007/42 r.52) are no
    /// stage of their own but join the stage before.
    pub fn sheet_stages(&self) -> Vec<SheetStage<'_>> {
        let mut out: Vec<SheetStage<'_>> = Vec::new();
        for stage in &self.stages {
            let remaining = matches!(stage.action, Action::ElectRemaining);
            match out.last_mut() {
                Some(last) if remaining || last.stage.number == stage.number => {
                    if !remaining {
                        last.stage = stage;
                    }
                    last.elected.extend(stage.elected.iter().cloned());
                    last.excluded.extend(stage.excluded.iter().cloned());
                }
                _ => out.push(SheetStage {
                    stage,
                    elected: stage.elected.clone(),
                    excluded: stage.excluded.clone(),
                }),
            }
        }
        out
    }
}

impl LotSensitivity {
    /// True when some other result of some draw tried elects a different
    /// set of candidates (the order of election aside).
    pub fn changes_winners(&self) -> bool {
        self.draws.iter().any(|d| d.changes_winners)
    }

    /// True when `other` elects a different set of candidates than the
    /// count did (the order of election aside).
    pub fn changes(&self, other: &OtherDraw) -> bool {
        !same_winners(&other.elected, &self.elected)
    }
}

/// The same candidates elected, in whatever order.
pub(crate) fn same_winners(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_unstable();
    b.sort_unstable();
    a == b
}
