//! Which rules a published count followed (`specs/official-results.md`,
//! "Explain"): count the ballots under rule variants and rank them by how
//! much of the sheet each reproduces (stages matched in full, then figures
//! matched), with [`crate::diff`] as the judge.
//!
//! The search: every preset first; then, from the best two, a climb:
//! each option that changes figures ([`NEIGHBOURS`]: the quota's divisor,
//! rounding and increment; the election test; the transfer value's
//! rounding places and mode; which papers a surplus takes and how; the
//! order of surpluses and their deferral; exclusion in bulk or one by one,
//! by parcels; the last vacancies; the tie chain; the arithmetic's places)
//! is tried at each of its other values, the best improvement is taken,
//! and the climb goes on until nothing improves. Last, where the best
//! still parts from the sheet at a lot, the lots the sheet reveals are
//! replayed: its order of exclusion and election becomes a tie order
//! that decides where the lot did. Every variant is a `Rules` value made
//! by `Rules::with_override`, so its name says how it differs from its
//! preset and it is a rules file `--rules` reads.
//!
//! Counts reuse one [`count::Prepared`] layout and run on `threads`
//! threads. The library draws no progress: `progress` is told each count
//! done.

use std::sync::atomic::{AtomicU64, Ordering};

use ballot::Contest;
use count::rules::Method;
use count::{Prepared, Rules};

use crate::diff::{DiffOptions, diff};
use crate::error::Error;
use crate::sheet::OfficialSheet;

/// The options tried at each step of the climb, by family: a key path of
/// the rules file and the values tried there.
pub const NEIGHBOURS: &[(&str, &[&str])] = &[
    ("quota.divisor", &["seats-plus-one", "seats"]),
    (
        "quota.rounding",
        &[
            r#"{"to":"exact"}"#,
            r#"{"to":"places","places":0,"mode":"truncate"}"#,
            r#"{"to":"places","places":0,"mode":"up"}"#,
            r#"{"to":"places","places":2,"mode":"truncate"}"#,
            r#"{"to":"places","places":2,"mode":"up"}"#,
        ],
    ),
    (
        "quota.increment",
        &[
            r#"{"add":"nothing"}"#,
            r#"{"add":"one"}"#,
            r#"{"add":"unit","places":2}"#,
        ],
    ),
    ("election.criterion", &["at-least", "exceeds"]),
    ("arithmetic.places", &["2", "3", "4", "5", "6", "9"]),
    (
        "ties.chain",
        &["backward,lot", "forward,lot", "lot", "backward,forward,lot"],
    ),
    ("candidates_without_votes", &["together", "one-at-a-time"]),
    ("method.gregory.quota.votes", &["valid", "active"]),
    (
        "method.gregory.quota.recompute",
        &["never", "until-first-election", "every-stage"],
    ),
    (
        "method.gregory.surplus.method",
        &["weighted-inclusive", "unweighted-inclusive", "last-parcel"],
    ),
    (
        "method.gregory.surplus.papers",
        &["all", "transferable-only"],
    ),
    (
        "method.gregory.surplus.transfer_value.rounding",
        &[
            r#"{"to":"places","places":2,"mode":"truncate"}"#,
            r#"{"to":"places","places":3,"mode":"truncate"}"#,
            r#"{"to":"places","places":4,"mode":"truncate"}"#,
            r#"{"to":"places","places":5,"mode":"truncate"}"#,
            r#"{"to":"places","places":6,"mode":"truncate"}"#,
            r#"{"to":"places","places":2,"mode":"half-up"}"#,
            r#"{"to":"places","places":4,"mode":"half-up"}"#,
            r#"{"to":"places","places":5,"mode":"half-up"}"#,
            r#"{"to":"places","places":2,"mode":"up"}"#,
            r#"{"to":"places","places":5,"mode":"up"}"#,
        ],
    ),
    (
        "method.gregory.surplus.transfer_value.steps",
        &["single", "stepwise"],
    ),
    (
        "method.gregory.surplus.loss",
        &["separate", "non-transferable"],
    ),
    (
        "method.gregory.surplus.order",
        &["largest", "order-of-election"],
    ),
    (
        "method.gregory.surplus.deferral",
        &["never", "not-exceeding", "less-than"],
    ),
    (
        "method.gregory.exclusion.bulk",
        &["never", "not-exceeding", "less-than"],
    ),
    (
        "method.gregory.exclusion.parcels",
        &["all-at-once", "by-value-descending"],
    ),
    (
        "method.gregory.completion.last_vacancies",
        &["between-stages", "on-proposed-exclusion"],
    ),
    (
        "method.iterative.convergence.omega_places",
        &["6", "9", "10"],
    ),
];

/// How much of a sheet a variant reproduces; ordered best last.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score {
    /// Whether every figure agrees.
    pub agrees: bool,
    /// Stages with no real difference.
    pub stages: u32,
    /// Figures that agree.
    pub cells: u64,
}

/// One variant tried.
#[derive(Clone, Debug)]
pub struct Tried {
    /// The rules (their name says how they differ from their preset).
    pub rules: Rules,
    /// How much of the sheet they reproduce.
    pub score: Score,
    /// The sheet's stages and figures compared.
    pub of: (u32, u64),
}

/// What the search found.
#[derive(Clone, Debug)]
pub struct Explained {
    /// The best variants, best first (at most ten).
    pub ranked: Vec<Tried>,
    /// Variants counted.
    pub tried: u64,
}

/// What to search with.
#[derive(Clone, Copy)]
pub struct ExplainOptions<'a> {
    /// How the sheet is diffed.
    pub diff: DiffOptions<'a>,
    /// Threads to count on.
    pub threads: usize,
    /// Told the number of counts done after each.
    pub progress: &'a (dyn Fn(u64) + Sync),
}

/// The variants of `base`: each option of [`NEIGHBOURS`] its family reads,
/// at each of its other values (those the rules refuse are left out).
pub fn neighbours(base: &Rules) -> Vec<Rules> {
    let family = match base.method {
        Method::Gregory(_) => "method.gregory.",
        Method::Iterative(_) => "method.iterative.",
    };
    let mut out = Vec::new();
    let json = serde_json::to_value(base).unwrap_or_default();
    for (key, values) in NEIGHBOURS {
        if key.starts_with("method.") && !key.starts_with(family) {
            continue;
        }
        let current = key
            .split('.')
            .try_fold(&json, |v, k| v.get(k))
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Array(a) => a
                    .iter()
                    .filter_map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
                other => other.to_string(),
            });
        for value in *values {
            let same = current.as_deref().is_some_and(|c| {
                c == *value
                    || serde_json::from_str::<serde_json::Value>(value)
                        .ok()
                        .is_some_and(|v| {
                            Some(&v) == key.split('.').try_fold(&json, |j, k| j.get(k))
                        })
            });
            if same {
                continue;
            }
            if let Ok(r) = base.with_override(&format!("{key}={value}"))
                && r.validate().is_ok()
            {
                out.push(r);
            }
        }
    }
    out
}

/// Counts `contest` under each of `variants` and scores them against `sheet`.
fn score_all(
    prepared: &Prepared<'_>,
    sheet: &OfficialSheet,
    variants: Vec<Rules>,
    options: &ExplainOptions<'_>,
    done: &AtomicU64,
) -> Vec<Tried> {
    let threads = options.threads.clamp(1, 64).min(variants.len().max(1));
    let next = AtomicU64::new(0);
    let variants = &variants;
    let mut results: Vec<Option<Tried>> = vec![None; variants.len()];
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                        let Some(rules) = variants.get(i) else { break };
                        if let Some(t) = score_one(prepared, sheet, rules, &options.diff) {
                            mine.push((i, t));
                        }
                        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                        (options.progress)(n);
                    }
                    mine
                })
            })
            .collect();
        for h in handles {
            if let Ok(mine) = h.join() {
                for (i, t) in mine {
                    results[i] = Some(t);
                }
            }
        }
    });
    results.into_iter().flatten().collect()
}

fn score_one(
    prepared: &Prepared<'_>,
    sheet: &OfficialSheet,
    rules: &Rules,
    options: &DiffOptions<'_>,
) -> Option<Tried> {
    let mut records = prepared.count(rules).ok()?;
    if records.len() != 1 {
        return None;
    }
    let ours = records.remove(0);
    let d = diff(sheet, &ours, options).ok()?;
    let differing: std::collections::BTreeSet<u32> = d
        .differences
        .iter()
        .filter(|x| !x.rounding_only)
        .filter_map(|x| x.stage)
        .collect();
    let real_cells = d
        .differences
        .iter()
        .filter(|x| !x.rounding_only && x.candidate.is_some())
        .count() as u64;
    Some(Tried {
        rules: rules.clone(),
        score: Score {
            agrees: d.agrees(),
            stages: d.stages.saturating_sub(differing.len() as u32),
            cells: d.cells.saturating_sub(real_cells),
        },
        of: (sheet.stages.len() as u32, d.cells),
    })
}

/// The sheet's lots as a tie order: the elected in order of election
/// (strongest), then the rest by how late they were excluded, so that a
/// tie the sheet decided is decided its way.
fn sheet_order(
    sheet: &OfficialSheet,
    ours: &[String],
    options: &DiffOptions<'_>,
) -> Option<Vec<String>> {
    let pairs = crate::names::pair_names(&sheet.candidates, ours, options.aliases).ok()?;
    let name = |o: usize| pairs[o].map(|(u, _)| ours[u].clone());
    let mut order: Vec<String> = Vec::new();
    let push = |order: &mut Vec<String>, n: Option<String>| {
        if let Some(n) = n
            && !order.contains(&n)
        {
            order.push(n);
        }
    };
    for stage in &sheet.stages {
        for &c in &stage.elected {
            push(&mut order, name(c));
        }
    }
    let mut excluded: Vec<usize> = Vec::new();
    for i in 0..sheet.stages.len() {
        if let Some(crate::sheet::StageAction::Exclusion(list)) = sheet.inferred_action(i) {
            excluded.extend(list);
        }
    }
    let rest: Vec<usize> = (0..sheet.candidates.len())
        .filter(|c| !excluded.contains(c))
        .collect();
    for c in rest {
        push(&mut order, name(c));
    }
    for &c in excluded.iter().rev() {
        push(&mut order, name(c));
    }
    Some(order)
}

/// Searches the rules the sheet's count followed (see the module docs).
pub fn explain(
    contest: &Contest,
    sheet: &OfficialSheet,
    options: &ExplainOptions<'_>,
) -> Result<Explained, Error> {
    let prepared = Prepared::new(contest);
    let done = AtomicU64::new(0);
    // meek-exact is left out of larger contests: it takes seconds a count there.
    let presets: Vec<Rules> = Rules::presets()
        .iter()
        .filter(|p| p.0 != "meek-exact" || contest.ballots().len() <= 1000)
        .filter_map(|p| Rules::preset(p.0))
        .collect();
    // An unpairable sheet is an error before anything is counted.
    if let Some(r) = presets.first()
        && let Ok(mut records) = prepared.count(r)
        && !records.is_empty()
    {
        diff(sheet, &records.remove(0), &options.diff)?;
    }
    let mut all = score_all(&prepared, sheet, presets, options, &done);
    all.sort_by_key(|t| std::cmp::Reverse(t.score));
    let starts: Vec<Tried> = all.iter().take(2).cloned().collect();
    for start in starts {
        let mut here = start;
        for _ in 0..6 {
            if here.score.agrees {
                break;
            }
            let mut next = score_all(&prepared, sheet, neighbours(&here.rules), options, &done);
            next.sort_by_key(|t| std::cmp::Reverse(t.score));
            let better = next.first().filter(|t| t.score > here.score).cloned();
            all.extend(next);
            match better {
                Some(t) => here = t,
                None => break,
            }
        }
        // Replay the sheet's lots as a tie order.
        if !here.score.agrees
            && let Some(order) = sheet_order(sheet, &contest_names(contest), &options.diff)
        {
            let mut r = here.rules.clone();
            let mut chain: Vec<count::rules::TieBreak> = r
                .ties
                .chain
                .iter()
                .copied()
                .filter(|m| {
                    *m != count::rules::TieBreak::Lot && *m != count::rules::TieBreak::Order
                })
                .collect();
            chain.push(count::rules::TieBreak::Order);
            r.ties.chain = chain;
            r.ties.order = Some(order);
            r.name = format!("{}+ties: the sheet's lots as a tie order", here.rules.name);
            if r.validate().is_ok() {
                all.extend(score_all(&prepared, sheet, vec![r], options, &done));
            }
        }
    }
    all.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| a.rules.name.len().cmp(&b.rules.name.len()))
    });
    let mut ranked: Vec<Tried> = Vec::new();
    for t in all {
        if ranked.len() == 10 {
            break;
        }
        if !ranked.iter().any(|r| r.rules.name == t.rules.name) {
            ranked.push(t);
        }
    }
    Ok(Explained {
        ranked,
        tried: done.load(Ordering::Relaxed),
    })
}

fn contest_names(contest: &Contest) -> Vec<String> {
    contest
        .candidates()
        .iter()
        .map(|c| c.name.clone())
        .collect()
}
