//! The stage recorder both strategies share: names made unique, the tie
//! order, a stage's figures at the display places, and what a stage
//! record counts toward [`MAX_FIGURES`](crate::error::MAX_FIGURES).

use std::sync::Arc;

use ballot::{CandidateId, Contest};

use crate::decimal::Decimal;
use crate::error::CountError;
use crate::figures::{Figures, Names};
use crate::numbers::Number;
use crate::rules::Rules;
use crate::ties::{Drawn, Forcing};
use crate::transcript::{ContestCount, Stage, SubstitutionRecord};

/// How a count runs (`Prepared`): on how many threads its large transfers
/// or distributions go, and whether its stages record their figures.
#[derive(Clone, Debug)]
pub(crate) struct Run {
    pub(crate) threads: usize,
    pub(crate) outcome_only: bool,
    /// Draws of the lot, or a tie decision, given (`lots.rs`,
    /// `tie_sensitivity.rs`).
    pub(crate) forced: Forcing,
}

/// A contest's record and the draws of the lot made for it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Counted {
    pub(crate) record: ContestCount,
    pub(crate) drawn: Vec<Drawn>,
}

/// Threads a count uses for its large transfers and distributions unless
/// told otherwise (`Prepared::threads`).
pub(crate) const DEFAULT_THREADS: usize = 2;

/// The tie order: the rules' explicit list, else the contest's own (a BLT
/// `[tie]` line), else ballot-paper order.
pub(crate) fn tie_order(
    contest: &Contest,
    rules: &Rules,
    names: &[String],
) -> Result<Vec<usize>, CountError> {
    let n = contest.candidates().len();
    let explicit = rules
        .ties
        .order_by_contest
        .get(contest.id())
        .or(rules.ties.order.as_ref());
    Ok(match (explicit, contest.tie_order()) {
        (Some(list), _) => {
            let mut out = Vec::with_capacity(n);
            for name in list {
                let i = names
                    .iter()
                    .position(|x| x == name)
                    .or_else(|| contest.find_by_name(name).map(CandidateId::index))
                    .ok_or_else(|| CountError::TieOrder {
                        contest: contest.id().to_owned(),
                        name: name.clone(),
                    })?;
                if !out.contains(&i) {
                    out.push(i);
                }
            }
            out.extend((0..n).filter(|i| !out.contains(i)).collect::<Vec<_>>());
            out
        }
        (None, Some(order)) => order.iter().map(|c| c.index()).collect(),
        (None, None) => (0..n).collect(),
    })
}

/// What a stage record holds that grows with the candidates: its figures
/// (keep values included) and the names its tie decisions list.
pub(crate) fn recorded_entries(stage: &Stage) -> usize {
    let ties: usize = stage
        .ties
        .iter()
        .map(|t| t.between.len() + t.then.len())
        .sum();
    let keep = stage.keep_values.as_ref().map_or(0, Figures::stored);
    stage.totals.stored() + stage.transfers.stored() + keep + ties
}

/// A stage's totals (`votes`) and transfers (the change from `before`;
/// none at the first stage), at the display places.
pub(crate) fn stage_figures<N: Number>(
    names: &Arc<Names>,
    votes: &[N],
    before: Option<&[N]>,
    places: u32,
    ctx: &N::Ctx,
) -> (Figures, Figures) {
    let totals = figures(names, votes, places, ctx);
    let transfers = match before {
        None => Figures::empty(names.clone(), places),
        Some(before) => {
            let change: Vec<N> = votes.iter().zip(before).map(|(v, p)| v.sub(p)).collect();
            figures(names, &change, places, ctx)
        }
    };
    (totals, transfers)
}

/// One value at the display places.
pub(crate) fn decimal<N: Number>(value: &N, places: u32, ctx: &N::Ctx) -> Decimal {
    // Rules::validate keeps display places within the decimal's 18, and a
    // vote is at most 2^64 papers of value 1: always in range.
    value
        .to_decimal(places, ctx)
        .expect("a vote within the typed decimal's range")
}

/// Each value of `values` (one per candidate) at the display places.
pub(crate) fn figures<N: Number>(
    names: &Arc<Names>,
    values: &[N],
    places: u32,
    ctx: &N::Ctx,
) -> Figures {
    let units: Vec<i128> = values
        .iter()
        .map(|v| {
            // Rules::validate keeps display places within the decimal's
            // 18, and a vote is at most 2^64 papers of value 1: always in range.
            v.to_decimal(places, ctx)
                .expect("a vote within the typed decimal's range")
                .mantissa()
        })
        .collect();
    Figures::new(names.clone(), places, &units).expect("one figure per candidate")
}

/// Candidate names made unique within a contest: a shared name becomes
/// `name #n` with the candidate's 1-based number.
pub(crate) fn unique_names(contest: &Contest) -> Vec<String> {
    let cands = contest.candidates();
    let mut uses: std::collections::HashMap<&str, u32> =
        std::collections::HashMap::with_capacity(cands.len());
    for c in cands {
        *uses.entry(c.name.as_str()).or_default() += 1;
    }
    cands
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if uses[c.name.as_str()] > 1 {
                format!("{} #{}", c.name, i + 1)
            } else {
                c.name.clone()
            }
        })
        .collect()
}

/// What a finished count hands the recorder.
pub(crate) struct Finished<'a> {
    pub(crate) contest: &'a Contest,
    /// The unique names (`unique_names`).
    pub(crate) names: Vec<String>,
    pub(crate) rules: &'a Rules,
    /// Whether any lot was drawn (a lot with no seed drew from seed 0).
    pub(crate) lot_drawn: bool,
    pub(crate) valid_papers: u64,
    pub(crate) invalid_papers: u64,
    pub(crate) valid_votes: Decimal,
    pub(crate) elected: &'a [usize],
    pub(crate) excluded: &'a [usize],
    pub(crate) substitutions: Vec<SubstitutionRecord>,
    pub(crate) stages: Vec<Stage>,
}

/// The contest's record, as both strategies end it.
pub(crate) fn finish(f: Finished<'_>) -> ContestCount {
    let mut rules = f.rules.clone();
    // specs/transcript.md: a lot drawn without a seed records seed 0.
    if f.lot_drawn && rules.ties.seed.is_none() {
        rules.ties.seed = Some("0".into());
    }
    let name = |c: &usize| f.names[*c].clone();
    ContestCount {
        contest: f.contest.id().to_owned(),
        title: f.contest.title().to_owned(),
        seats: f.contest.seats(),
        withdrawn: f
            .contest
            .withdrawn()
            .iter()
            .map(|c| name(&c.index()))
            .collect(),
        rules,
        valid_papers: f.valid_papers,
        invalid_papers: f.invalid_papers,
        valid_votes: f.valid_votes,
        quota: f
            .stages
            .first()
            .map_or_else(|| Decimal::from_integer(0), |s| s.quota),
        elected: f.elected.iter().map(name).collect(),
        excluded: f.excluded.iter().map(name).collect(),
        constraints: f
            .contest
            .constraints()
            .iter()
            .map(ToString::to_string)
            .collect(),
        purpose: None,
        substitutions: f.substitutions,
        import: None,
        stages: f.stages,
        affiliations: f
            .contest
            .candidates()
            .iter()
            .map(|c| c.affiliation.clone().unwrap_or_default())
            .collect(),
        candidates: f.names,
    }
}
