//! The diff of a published sheet with a recount (`specs/official-results.md`,
//! "Diff"): every figure and action the sheet publishes, compared at the
//! precision it was published with, each difference with its place in the
//! sheet, and each run of differences explained in plain words.
//!
//! What is compared: seats, valid poll and quota; the number of stages;
//! each stage's action (whose surplus, whose exclusion, read from the
//! figures where the sheet does not say: [`OfficialSheet::inferred_action`]);
//! every candidate's transfer and total; non-transferable and loss where
//! published; who was elected, and at which stage. Stages are aligned as
//! [`mod@crate::compare`] aligns them.
//!
//! A cell that disagrees under the sheet's [`Shortening`] but agrees once
//! rounded another way (half up, cut off, up) *differs only by rounding*:
//! it is listed, marked so, and is no real difference.
//!
//! Explanations, tried in this order, each covering the differences it
//! accounts for:
//! 1. the quota: which formula gives the sheet's figure;
//! 2. stage 1: every first-preference total off in one direction: papers
//!    one side holds and the other does not;
//! 3. the first stage whose action differs: a tie broken the other way
//!    (the two were level in the recount), or another choice; everything
//!    after it follows from it;
//! 4. a single cell off while every other figure of that candidate agrees:
//!    a transcription error of the sheet;
//! 5. what is left, stage by stage.
//!
//! Candidates are paired by name ([`crate::names::pair_names`]); a sheet
//! candidate no rule pairs is a warning and its cells are not compared,
//! never paired by guess.

use std::collections::BTreeSet;

use count::{Action, ContestCount};
use serde::Serialize;

use crate::compare::sheet_stages;
use crate::decimal::{Decimal, RoundMode, Shortening};
use crate::error::{Error, Position};
use crate::names::{MatchRule, pair_names};
use crate::sheet::{OfficialSheet, StageAction, Warning};

/// What to diff with.
#[derive(Clone, Copy, Debug)]
pub struct DiffOptions<'a> {
    /// How the sheet shortened figures it printed with fewer places.
    pub shortening: Shortening,
    /// Explicit `(sheet name, count name)` pairs.
    pub aliases: &'a [(&'a str, &'a str)],
}

impl Default for DiffOptions<'_> {
    fn default() -> Self {
        DiffOptions {
            shortening: Shortening::HalfUp,
            aliases: &[],
        }
    }
}

/// What a difference is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Field {
    /// The seats.
    Seats,
    /// The valid poll.
    ValidPoll,
    /// The quota.
    Quota,
    /// The number of stages.
    Stages,
    /// A stage's action.
    Action,
    /// A candidate's total at the end of a stage.
    Total,
    /// A candidate's transfer during a stage.
    Transfer,
    /// The non-transferable value at the end of a stage.
    NonTransferable,
    /// The loss to fractions at the end of a stage.
    Loss,
    /// Who was elected.
    Elected,
}

/// One difference between the sheet and the recount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// What it is about.
    pub field: Field,
    /// The stage, for stage figures.
    pub stage: Option<u32>,
    /// The candidate (the ballots' name), for a candidate's figure.
    pub candidate: Option<String>,
    /// The sheet's figure or words, as published.
    pub official: String,
    /// The recount's, at full precision.
    pub ours: String,
    /// Where the sheet's figure is (line, column), when known.
    pub at: Option<Position>,
    /// Whether it agrees once rounded another way: no real difference.
    pub rounding_only: bool,
}

/// One explanation of a run of differences.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// What kind of cause: `quota`, `papers`, `tie`, `choice`,
    /// `transcription`, `figures`.
    pub kind: &'static str,
    /// The first stage it concerns.
    pub stage: Option<u32>,
    /// In plain words.
    pub text: String,
    /// The differences it accounts for (indices into [`Diff::differences`]).
    pub covers: Vec<usize>,
}

/// A pairing of a sheet name with a ballots name that was not exact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LoosePair {
    /// The sheet's name.
    pub official: String,
    /// The ballots' name.
    pub ours: String,
    /// The rule that paired them.
    pub rule: String,
}

/// The diff of a sheet with a recount.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// Every difference, in sheet order: facts, then stage by stage.
    pub differences: Vec<Difference>,
    /// The index of the first real difference (not rounding only).
    pub first: Option<usize>,
    /// Explanations of the runs of differences.
    pub explanations: Vec<Explanation>,
    /// The sheet's warnings (cells left unknown) and the names not paired.
    pub warnings: Vec<(Option<Position>, String)>,
    /// Pairings of names that were not exact.
    pub loose_pairs: Vec<LoosePair>,
    /// Stages compared.
    pub stages: u32,
    /// Figures compared.
    pub cells: u64,
    /// The elected according to the sheet (ballots' names, in order of election).
    pub official_elected: Vec<String>,
    /// The elected by the recount, in order of election.
    pub ours_elected: Vec<String>,
}

impl Diff {
    /// Whether the sheet and the recount agree (differences of rounding
    /// only allowed).
    pub fn agrees(&self) -> bool {
        self.first.is_none()
    }
}

fn rounding_only(published: &Decimal, ours: &Decimal) -> bool {
    let places = published.places();
    [RoundMode::HalfUp, RoundMode::Truncate, RoundMode::Up]
        .iter()
        .any(|&m| places < ours.places() && published.same_value(&ours.shortened(places, m)))
}

struct Builder<'s> {
    sheet: &'s OfficialSheet,
    ours: &'s ContestCount,
    shortening: Shortening,
    /// Sheet index → ours index.
    to_ours: Vec<Option<usize>>,
    /// Ours index → sheet index.
    to_sheet: Vec<Option<usize>>,
    differences: Vec<Difference>,
    cells: u64,
}

impl Builder<'_> {
    fn figure(
        &mut self,
        field: Field,
        stage: Option<u32>,
        candidate: Option<&str>,
        published: &crate::sheet::Cell,
        ours: &Decimal,
    ) {
        self.cells += 1;
        if self.shortening.agrees(&published.value, ours) {
            return;
        }
        self.differences.push(Difference {
            field,
            stage,
            candidate: candidate.map(str::to_owned),
            official: published.text(),
            ours: ours.to_string(),
            at: Some(published.pos),
            rounding_only: rounding_only(&published.value, ours),
        });
    }

    fn words(&self, action: &Option<StageAction>, names: &dyn Fn(usize) -> String) -> String {
        match action {
            None => "no transfer".into(),
            Some(StageAction::FirstPreferences) => "first preferences".into(),
            Some(StageAction::Surplus(c)) => format!("surplus of {}", names(*c)),
            Some(StageAction::Exclusion(list)) => format!(
                "exclusion of {}",
                list.iter()
                    .map(|&c| names(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

/// Our stage's action in the sheet's candidate indices.
fn our_action(
    stage: &count::Stage,
    ours: &ContestCount,
    to_sheet: &[Option<usize>],
) -> Option<StageAction> {
    let idx = |name: &str| {
        ours.candidates
            .iter()
            .position(|n| n == name)
            .and_then(|u| to_sheet[u])
    };
    match &stage.action {
        Action::FirstPreferences => Some(StageAction::FirstPreferences),
        Action::Surplus { candidate, .. } => idx(candidate).map(StageAction::Surplus),
        Action::Exclusion { candidates, .. } => {
            // An exclusion of someone the sheet does not name cannot be compared.
            let list: Option<Vec<usize>> = candidates.iter().map(|c| idx(c)).collect();
            let mut list = list?;
            list.sort_unstable();
            Some(StageAction::Exclusion(list))
        }
        Action::ElectRemaining | Action::Round => None,
    }
}

/// Diffs `sheet` with the recount `ours` of the same contest.
pub fn diff(
    sheet: &OfficialSheet,
    ours: &ContestCount,
    options: &DiffOptions<'_>,
) -> Result<Diff, Error> {
    let pairs = pair_names(&sheet.candidates, &ours.candidates, options.aliases)?;
    let mut to_sheet = vec![None; ours.candidates.len()];
    let mut warnings: Vec<(Option<Position>, String)> = sheet
        .warnings
        .iter()
        .map(|w: &Warning| (Some(w.pos), w.message.clone()))
        .collect();
    let mut loose_pairs = Vec::new();
    for (o, p) in pairs.iter().enumerate() {
        match p {
            Some((u, rule)) => {
                to_sheet[*u] = Some(o);
                if !matches!(rule, MatchRule::Exact | MatchRule::Alias) {
                    loose_pairs.push(LoosePair {
                        official: sheet.candidates[o].name.clone(),
                        ours: ours.candidates[*u].clone(),
                        rule: format!("{rule:?}").to_lowercase(),
                    });
                }
            }
            None => warnings.push((
                sheet.candidates[o].pos,
                format!(
                    "the sheet's candidate {:?} (number {} on the sheet) pairs with no candidate of the \
                     ballots by name; their figures are not compared",
                    sheet.candidates[o].name,
                    o + 1
                ),
            )),
        }
    }
    for (u, name) in ours.candidates.iter().enumerate() {
        if to_sheet[u].is_none() && !ours.withdrawn.contains(name) {
            warnings.push((None, format!("{name:?} of the ballots is not on the sheet")));
        }
    }
    let to_ours: Vec<Option<usize>> = pairs.iter().map(|p| p.map(|(u, _)| u)).collect();
    let mut b = Builder {
        sheet,
        ours,
        shortening: options.shortening,
        to_ours,
        to_sheet,
        differences: Vec::new(),
        cells: 0,
    };

    if let Some(seats) = sheet.seats
        && seats != ours.seats
    {
        b.differences.push(Difference {
            field: Field::Seats,
            stage: None,
            candidate: None,
            official: seats.to_string(),
            ours: ours.seats.to_string(),
            at: None,
            rounding_only: false,
        });
    }
    if let Some(cell) = sheet.valid_poll
        && let Ok(n) = i64::try_from(ours.valid_papers)
    {
        b.figure(
            Field::ValidPoll,
            None,
            None,
            &cell,
            &Decimal::from_integer(n),
        );
    }
    if let Some(cell) = sheet.quota {
        b.figure(Field::Quota, None, None, &cell, &ours.quota);
    }
    let our_stages = sheet_stages(ours);
    if sheet.stages.len() != our_stages.len() {
        b.differences.push(Difference {
            field: Field::Stages,
            stage: None,
            candidate: None,
            official: sheet.stages.len().to_string(),
            ours: our_stages.len().to_string(),
            at: None,
            rounding_only: false,
        });
    }
    let names_to_ours = b.to_ours.clone();
    let sheet_name = move |c: usize| {
        names_to_ours[c].map_or_else(
            || sheet.candidates[c].name.clone(),
            |u| ours.candidates[u].clone(),
        )
    };
    let mut action_words = Vec::new();
    for (i, (official, mine)) in sheet.stages.iter().zip(&our_stages).enumerate() {
        let number = official.number;
        // An action naming a sheet candidate who pairs with no one cannot be compared.
        let theirs = sheet.inferred_action(i).filter(|a| match a {
            StageAction::Surplus(c) => b.to_ours[*c].is_some(),
            StageAction::Exclusion(list) => list.iter().all(|c| b.to_ours[*c].is_some()),
            StageAction::FirstPreferences => true,
        });
        let mine_action = our_action(mine, ours, &b.to_sheet);
        if theirs.is_some() && mine_action.is_some() && theirs != mine_action {
            let (o, u) = (
                b.words(&theirs, &sheet_name),
                b.words(&mine_action, &sheet_name),
            );
            action_words.push((b.differences.len(), theirs.clone(), mine_action.clone()));
            b.differences.push(Difference {
                field: Field::Action,
                stage: Some(number),
                candidate: None,
                official: o,
                ours: u,
                at: official.totals.iter().flatten().next().map(|c| c.pos),
                rounding_only: false,
            });
        }
        let before = i.checked_sub(1).map(|j| our_stages[j]);
        for o in 0..sheet.candidates.len() {
            let Some(u) = b.to_ours[o] else { continue };
            let name = ours.candidates[u].clone();
            let total = mine.totals.get(&name);
            if let (Some(cell), Some(value)) = (official.totals.get(o).copied().flatten(), total) {
                b.figure(Field::Total, Some(number), Some(&name), &cell, &value);
            }
            if let (Some(cell), Some(prev), Some(value)) = (
                official.transfers.get(o).copied().flatten(),
                before.and_then(|s| s.totals.get(&name)),
                total,
            ) && let Some(change) = value.checked_sub(&prev)
            {
                b.figure(Field::Transfer, Some(number), Some(&name), &cell, &change);
            }
        }
        if let Some(cell) = official.non_transferable {
            let v = mine.exhausted;
            b.figure(Field::NonTransferable, Some(number), None, &cell, &v);
        }
        if let Some(cell) = official.loss {
            let v = mine.loss_by_fraction;
            b.figure(Field::Loss, Some(number), None, &cell, &v);
        }
    }
    // The elected, in order of election (the sheet's by the stage it marks them).
    let mut official_elected: Vec<String> = Vec::new();
    for stage in &sheet.stages {
        for &c in &stage.elected {
            let name = sheet_name(c);
            if !official_elected.contains(&name) {
                official_elected.push(name);
            }
        }
    }
    for &c in &sheet.elected {
        let name = sheet_name(c);
        if !official_elected.contains(&name) {
            official_elected.push(name);
        }
    }
    let ours_elected = ours.elected.clone();
    let set = |v: &[String]| v.iter().cloned().collect::<BTreeSet<String>>();
    if set(&official_elected) != set(&ours_elected) {
        b.differences.push(Difference {
            field: Field::Elected,
            stage: None,
            candidate: None,
            official: official_elected.join(", "),
            ours: ours_elected.join(", "),
            at: None,
            rounding_only: false,
        });
    }
    let explanations = explain(&b, &our_stages, &action_words, &sheet_name);
    let first = b.differences.iter().position(|d| !d.rounding_only);
    Ok(Diff {
        first,
        explanations,
        warnings,
        loose_pairs,
        stages: sheet.stages.len().min(our_stages.len()) as u32,
        cells: b.cells,
        official_elected,
        ours_elected,
        differences: b.differences,
    })
}

type Words<'a> = dyn Fn(usize) -> String + 'a;

fn explain(
    b: &Builder<'_>,
    our_stages: &[&count::Stage],
    actions: &[(usize, Option<StageAction>, Option<StageAction>)],
    names: &Words<'_>,
) -> Vec<Explanation> {
    let d = &b.differences;
    let mut covered = vec![false; d.len()];
    let mut out = Vec::new();
    let mut take = |covers: Vec<usize>, kind, stage, text: String, covered: &mut Vec<bool>| {
        for &i in &covers {
            covered[i] = true;
        }
        out.push(Explanation {
            kind,
            stage,
            text,
            covers,
        });
    };
    // Rounding only.
    let rounding: Vec<usize> = (0..d.len()).filter(|&i| d[i].rounding_only).collect();
    if !rounding.is_empty() {
        let text = format!(
            "{} figure{} differ only by the sheet's rounding (the ballots' figure rounded another way gives the sheet's)",
            rounding.len(),
            if rounding.len() == 1 { "" } else { "s" }
        );
        take(rounding, "rounding", None, text, &mut covered);
    }
    // 1. The quota.
    if let Some(i) = d
        .iter()
        .position(|x| x.field == Field::Quota && !x.rounding_only)
    {
        let poll = b.sheet.valid_poll.map(|c| c.value);
        let text = quota_words(&d[i].official, b.ours, poll);
        take(vec![i], "quota", None, text, &mut covered);
    }
    // 1b. The valid poll, against the sheet's own first-preference column.
    if let Some(i) = d
        .iter()
        .position(|x| x.field == Field::ValidPoll && !x.rounding_only)
    {
        let column = b.sheet.stages.first().and_then(|s| {
            s.totals
                .iter()
                .try_fold(Decimal::from_integer(0), |acc, c| {
                    acc.checked_add(&c.as_ref()?.value)
                })
        });
        let ours_poll = Decimal::parse(&d[i].ours);
        let text = match (column, ours_poll) {
            (Some(sum), Some(o)) if sum.same_value(&o) => format!(
                "valid poll: the sheet gives {}, but its own first-preference column sums to {}, as the ballots do: \
                 the sheet's valid poll has a transcription error",
                d[i].official, d[i].ours
            ),
            (Some(sum), _) => format!(
                "valid poll: the sheet gives {} (its first-preference column sums to {sum}); the ballots hold {} valid papers",
                d[i].official, d[i].ours
            ),
            _ => format!(
                "valid poll: the sheet gives {}; the ballots hold {} valid papers",
                d[i].official, d[i].ours
            ),
        };
        let kind = if text.contains("transcription") {
            "transcription"
        } else {
            "papers"
        };
        take(vec![i], kind, None, text, &mut covered);
    }
    // 2. Stage 1 off in one direction.
    let firsts: Vec<usize> = (0..d.len())
        .filter(|&i| d[i].field == Field::Total && d[i].stage == Some(1) && !d[i].rounding_only)
        .collect();
    let paired = b.to_ours.iter().flatten().count();
    if paired > 1 && firsts.len() == paired {
        let diffs: Vec<Option<i128>> = firsts
            .iter()
            .map(|&i| {
                let (o, u) = (Decimal::parse(&d[i].official)?, Decimal::parse(&d[i].ours)?);
                let p = o.places().max(u.places());
                Some(o.widened(p)?.mantissa() - u.widened(p)?.mantissa())
            })
            .collect();
        if diffs.iter().all(|x| x.is_some_and(|v| v > 0))
            || diffs.iter().all(|x| x.is_some_and(|v| v < 0))
        {
            let sheet_sum: Option<Decimal> =
                firsts.iter().try_fold(Decimal::from_integer(0), |acc, &i| {
                    acc.checked_add(&Decimal::parse(&d[i].official)?)
                });
            let ours_sum: Option<Decimal> =
                firsts.iter().try_fold(Decimal::from_integer(0), |acc, &i| {
                    acc.checked_add(&Decimal::parse(&d[i].ours)?)
                });
            let higher = diffs[0].is_some_and(|v| v > 0);
            let text = match (sheet_sum, ours_sum) {
                (Some(s), Some(o)) => {
                    let gap = if higher {
                        s.checked_sub(&o)
                    } else {
                        o.checked_sub(&s)
                    };
                    let gap = gap
                        .map(|g| g.shortened(0, RoundMode::HalfUp).to_string())
                        .unwrap_or_default();
                    let base = o.shortened(0, RoundMode::HalfUp).mantissa().max(1);
                    let pct = gap.parse::<i128>().unwrap_or(0) * 1000 / base;
                    format!(
                        "stage 1: every first-preference total of the sheet is {} than the ballots', by {gap} papers in all ({}.{} %): {}",
                        if higher { "higher" } else { "lower" },
                        pct / 10,
                        pct % 10,
                        if higher {
                            "the sheet counted papers that these ballots do not hold"
                        } else {
                            "these ballots hold papers that the sheet did not count"
                        }
                    )
                }
                _ => "stage 1: every first-preference total differs in one direction".into(),
            };
            // Everything after follows from other papers.
            let all: Vec<usize> = (0..d.len())
                .filter(|&i| !covered[i] && d[i].stage.is_some())
                .collect();
            take(all, "papers", Some(1), text, &mut covered);
        }
    }
    // 3. The first action that differs.
    if let Some((i, theirs, mine)) = actions.iter().find(|(i, _, _)| !covered[*i]) {
        let stage = d[*i].stage.unwrap_or(0);
        let text = match (theirs, mine) {
            (Some(StageAction::Exclusion(t)), Some(StageAction::Exclusion(m))) => {
                let list = |v: &[usize]| v.iter().map(|&c| names(c)).collect::<Vec<_>>().join(", ");
                let before = (stage as usize)
                    .checked_sub(2)
                    .and_then(|j| our_stages.get(j));
                let level = before.and_then(|s| {
                    let values: Vec<Decimal> = t
                        .iter()
                        .chain(m.iter())
                        .filter_map(|&c| {
                            b.to_ours[c].and_then(|u| s.totals.get(&b.ours.candidates[u]))
                        })
                        .collect();
                    let first = *values.first()?;
                    values.iter().all(|v| v.same_value(&first)).then_some(first)
                });
                match level {
                    Some(v) => format!(
                        "from stage {stage}: the sheet excludes {} where these rules exclude {}; they were tied at {v} at stage {} and the sheet broke the tie the other way",
                        list(t),
                        list(m),
                        stage - 1
                    ),
                    None => format!(
                        "from stage {stage}: the sheet excludes {} where these rules exclude {}: the sheet's count chose otherwise (other rules, or other figures before)",
                        list(t),
                        list(m)
                    ),
                }
            }
            _ => format!(
                "from stage {stage}: the sheet's stage is the {}, these rules' the {}; every difference after follows from it",
                d[*i].official, d[*i].ours
            ),
        };
        let kind = if text.contains("tied at") {
            "tie"
        } else {
            "choice"
        };
        let all: Vec<usize> = (0..d.len())
            .filter(|&j| {
                !covered[j]
                    && (d[j].stage.is_some_and(|s| s >= stage)
                        || d[j].field == Field::Elected
                        || d[j].field == Field::Stages)
            })
            .collect();
        take(all, kind, Some(stage), text, &mut covered);
    }
    // 4. A single cell off: a transcription error.
    for i in 0..d.len() {
        if covered[i] || d[i].field != Field::Total {
            continue;
        }
        let who = d[i].candidate.clone();
        let others = (0..d.len())
            .any(|j| j != i && !covered[j] && d[j].candidate == who && !d[j].rounding_only);
        if others {
            continue;
        }
        let stage = d[i].stage.unwrap_or(0);
        let later = if (stage as usize) < b.sheet.stages.len() {
            "every later stage agrees with the ballots"
        } else {
            "every other stage agrees with the ballots"
        };
        let text = format!(
            "stage {stage}: the sheet gives {} {}, the ballots give {}; {later}, so the sheet has a transcription error",
            who.as_deref().unwrap_or("?"),
            d[i].official,
            d[i].ours
        );
        take(vec![i], "transcription", Some(stage), text, &mut covered);
    }
    // 5. What is left, stage by stage.
    let mut left: Vec<usize> = (0..d.len()).filter(|&i| !covered[i]).collect();
    while let Some(&i) = left.first() {
        let stage = d[i].stage;
        let run: Vec<usize> = left
            .iter()
            .copied()
            .filter(|&j| d[j].stage == stage)
            .collect();
        left.retain(|j| !run.contains(j));
        let text = match stage {
            Some(s) => format!(
                "stage {s}: {} figure{} differ",
                run.len(),
                if run.len() == 1 { "" } else { "s" }
            ),
            None => format!(
                "{}: the sheet gives {}, the ballots give {}",
                match d[i].field {
                    Field::Seats => "seats",
                    Field::ValidPoll => "valid poll",
                    Field::Stages => "stages",
                    Field::Elected => "elected",
                    _ => "figure",
                },
                d[i].official,
                d[i].ours
            ),
        };
        take(run, "figures", stage, text, &mut covered);
    }
    out
}

/// Which quota formula gives the sheet's figure: of the ballots' valid
/// papers, or else of the sheet's own valid poll.
fn quota_words(official: &str, ours: &ContestCount, sheet_poll: Option<Decimal>) -> String {
    let Some(sheet) = Decimal::parse(official) else {
        return format!("quota: the sheet's {official} is no figure");
    };
    let s = i128::from(ours.seats);
    let formulas = |v: i128| -> Vec<(&'static str, Option<Decimal>)> {
        vec![
            ("⌊valid/(seats+1)⌋+1", Decimal::new(v / (s + 1) + 1, 0)),
            ("⌊valid/(seats+1)⌋", Decimal::new(v / (s + 1), 0)),
            ("⌈valid/(seats+1)⌉", Decimal::new((v + s) / (s + 1), 0)),
            ("valid/seats (Hare)", Decimal::new(v * 100_000 / s, 5)),
            ("⌊valid/seats⌋ (Hare)", Decimal::new(v / s, 0)),
            ("valid/(seats+1)", Decimal::new(v * 100_000 / (s + 1), 5)),
        ]
    };
    let find = |v: i128| {
        formulas(v)
            .into_iter()
            .find(|(_, q)| q.is_some_and(|q| Shortening::HalfUp.agrees(&sheet, &q)))
            .map(|(name, _)| name)
    };
    let ours_v = i128::from(ours.valid_papers as i64);
    if let Some(name) = find(ours_v) {
        return format!(
            "quota: the sheet's {official} is {name}; these rules give {}",
            ours.quota
        );
    }
    let poll = sheet_poll.filter(|p| p.places() == 0).map(|p| p.mantissa());
    if let Some(v) = poll
        && let Some(name) = find(v)
    {
        return format!(
            "quota: the sheet's {official} is {name} of its own valid poll {v}; these rules give {} of {} valid papers",
            ours.quota, ours.valid_papers
        );
    }
    format!(
        "quota: the sheet's {official} is none of the usual formulas of {} valid papers and {} seats; these rules give {}",
        ours.valid_papers, ours.seats, ours.quota
    )
}
