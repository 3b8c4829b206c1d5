//! The stage table of a result sheet, laid out as councils print them:
//! candidates (with their party) as rows, stages as columns headed by what
//! each stage did, a candidate's cells left blank once excluded, then the
//! non-transferable, loss and Total rows and the quota; a last column says
//! when and why each candidate was elected or excluded. Wide tables are
//! split into blocks of stages that fit the width asked for, each block
//! repeating the names.
//!
//! Shared by the text sheet and (later) the HTML sheet: [`Table`] is cells,
//! not text.

use std::collections::HashMap;

use count::decimal::Decimal;
use count::rules::Criterion;
use count::transcript::{
    Action, ConstraintDecision, ContestCount, ExclusionReason, Lots, Stage, Transcript, Verdict,
};

/// A stage's label: `3`, or `3.2` for a sub-stage.
pub fn stage_label(s: &Stage) -> String {
    match s.sub_stage {
        Some(k) => format!("{}.{}", s.number, k),
        None => s.number.to_string(),
    }
}

/// A stage's column heading: what it did, in a few words (a bulk
/// exclusion of more than two candidates is summarised by its size).
pub fn stage_heading(s: &Stage) -> String {
    match &s.action {
        Action::FirstPreferences => "First preferences".into(),
        Action::Surplus { candidate, .. } => format!("Surplus of {candidate}"),
        Action::Exclusion {
            reason: Some(ExclusionReason::NoVotes),
            candidates,
            ..
        } => format!("Exclusion of {} without votes", candidates.len()),
        Action::Exclusion { candidates, .. } if candidates.len() > 2 => {
            format!("Exclusion of {} candidates", candidates.len())
        }
        Action::Exclusion { candidates, .. } => format!("Exclusion of {}", candidates.join(", ")),
        Action::ElectRemaining => "Remaining places".into(),
        Action::Round => "Round".into(),
    }
}

/// A constraint decision in words: `guarded` or `doomed`, and the
/// constraints that forced it (or the places left, when they alone did).
pub fn verdict(d: &ConstraintDecision) -> (&'static str, String) {
    let word = match d.verdict {
        Verdict::Guarded => "guarded",
        Verdict::Doomed => "doomed",
    };
    let by = if d.by.is_empty() {
        "the places left".to_string()
    } else {
        d.by.join("; ")
    };
    (word, by)
}

/// The lots of `c`'s contest, once per contest: for the last of its
/// counts (the reserved-places method has several), else `None`.
pub fn contest_lots<'t>(t: &'t Transcript, c: &ContestCount) -> Option<&'t Lots> {
    let last = t.contests.iter().rposition(|k| k.contest == c.contest)?;
    if !std::ptr::eq(&t.contests[last], c) {
        return None;
    }
    t.lots.iter().find(|l| l.contest == c.contest)
}

/// The rule book clauses a preset's results cite: (election on reaching
/// the quota, election to the last vacancies). Variants (`preset+…`) cite
/// their preset's.
fn clauses(rules_name: &str) -> (Option<&'static str>, Option<&'static str>) {
    let preset = rules_name.split('+').next().unwrap_or_default();
    match preset {
        "scottish-stv" => (Some("SSI 2007/42 r.47"), Some("r.52")),
        "ers97" => (Some("ERS97 5.1.7"), Some("ERS97 5.5.1")),
        "wigm" => (Some("WIGM B.1"), Some("WIGM D.3")),
        "meek" | "meek-exact" => (Some("Meek B.2.c"), Some("Meek B.1")),
        "nz-meek" => (Some("NZ cl.6"), None),
        _ => (None, None),
    }
}

/// Why each candidate ended as they did, for the Result column: the stage
/// and the reason (`elected at 5 (104.31 ≥ 104.18, ERS97 5.1.7)`,
/// `elected at 6 (last vacancies, r.52)`, `excluded at 3 (doomed)`), with
/// the constraints that guarded or doomed them and any substitution.
pub fn results(c: &ContestCount) -> HashMap<&str, String> {
    let (quota_clause, last_clause) = clauses(&c.rules.name);
    let at_least = c.rules.election.criterion == Criterion::AtLeast;
    let threshold = c
        .rules
        .gregory()
        .is_some_and(|g| g.active_vote_threshold.is_some());
    let mut results: HashMap<&str, String> = HashMap::new();
    let mut verdicts: HashMap<&str, String> = HashMap::new();
    for s in &c.stages {
        for d in &s.constraints {
            let (word, by) = verdict(d);
            verdicts
                .entry(d.candidate.as_str())
                .or_insert_with(|| format!("{word} at {} ({by})", stage_label(s)));
        }
        for n in &s.elected {
            results.entry(n.as_str()).or_insert_with(|| {
                let label = stage_label(s);
                let votes = s.totals.get(n);
                let reached = votes.as_ref().is_some_and(|v| {
                    let o = v.cmp_value(&s.quota);
                    o.is_gt() || (at_least && o.is_eq())
                });
                let cite =
                    |clause: Option<&str>| clause.map(|k| format!(", {k}")).unwrap_or_default();
                let closing = matches!(s.action, Action::ElectRemaining);
                match votes {
                    Some(v) if reached && !closing => {
                        let op = if at_least { "≥" } else { ">" };
                        format!(
                            "elected at {label} ({v} {op} {}{})",
                            s.quota,
                            cite(quota_clause)
                        )
                    }
                    // ERS97 5.1.7: below the quota, but at the share of the
                    // active vote a place needs.
                    Some(v) if threshold && !closing => format!(
                        "elected at {label} ({v}, at the active-vote threshold{})",
                        cite(quota_clause)
                    ),
                    _ => format!("elected at {label} (last vacancies{})", cite(last_clause)),
                }
            });
        }
        for n in &s.excluded {
            results.entry(n.as_str()).or_insert_with(|| {
                let why = match &s.action {
                    Action::Exclusion {
                        reason: Some(ExclusionReason::Doomed),
                        ..
                    } => " (doomed)",
                    Action::Exclusion {
                        reason: Some(ExclusionReason::NoVotes),
                        ..
                    } => " (no votes)",
                    Action::ElectRemaining => " (places filled)",
                    _ => "",
                };
                format!("excluded at {}{why}", stage_label(s))
            });
        }
    }
    let reserved = c.purpose.is_some() && c.rules.passes == count::rules::Passes::One;
    for n in &c.withdrawn {
        results.entry(n.as_str()).or_insert_with(|| {
            if reserved {
                "not eligible for this reserved count".into()
            } else {
                "withdrawn".into()
            }
        });
    }
    for (name, verdict) in verdicts {
        let r = results.entry(name).or_default();
        if r.is_empty() {
            *r = verdict;
        } else {
            r.push_str("; ");
            r.push_str(&verdict);
        }
    }
    // Issue 9 bug 1: the substitution method's swaps decide the winners.
    for swap in &c.substitutions {
        let was = results.remove(swap.out.as_str()).unwrap_or_default();
        results.insert(
            swap.out.as_str(),
            format!("{was}, replaced by {} ({})", swap.incoming, swap.constraint),
        );
        let was = results.remove(swap.incoming.as_str()).unwrap_or_default();
        let elected = format!("elected in place of {} ({})", swap.out, swap.constraint);
        results.insert(
            swap.incoming.as_str(),
            if was.is_empty() {
                elected
            } else {
                format!("{was}; {elected}")
            },
        );
    }
    results
}

/// One stage's column group: its heading and, per row, the change and the
/// total (stage 1: the total only).
pub struct StageColumns {
    /// `Stage 3`.
    pub label: String,
    /// What it did.
    pub heading: String,
    /// Whether it has a change column (every stage but the first).
    pub has_change: bool,
    /// Per row: (change, total).
    pub cells: Vec<(String, String)>,
}

/// The whole table, before it is split to fit a width.
pub struct Table {
    /// Per row: its label (candidate name with party, or the row's name).
    pub rows: Vec<String>,
    /// How many of the rows are candidates' (the rest are the summary
    /// rows).
    pub candidate_rows: usize,
    /// The stages.
    pub stages: Vec<StageColumns>,
    /// Per row: the Result column.
    pub result: Vec<String>,
}

/// The table of a contest's count.
pub fn table(c: &ContestCount) -> Table {
    let results = results(c);
    let party = |i: usize| c.affiliations.get(i).filter(|p| !p.is_empty());
    let mut rows: Vec<String> = c
        .candidates
        .iter()
        .enumerate()
        .map(|(i, n)| match party(i) {
            Some(p) => format!("{n} ({p})"),
            None => n.clone(),
        })
        .collect();
    let candidate_rows = rows.len();
    rows.extend(["Non-transferable", "Loss by fraction", "Total", "Quota"].map(String::from));
    let mut result: Vec<String> = c
        .candidates
        .iter()
        .map(|n| results.get(n.as_str()).cloned().unwrap_or_default())
        .collect();
    result.extend(std::iter::repeat_n(String::new(), 4));
    // The stage after which each candidate's cells are blank: excluded or
    // withdrawn (a withdrawn candidate has no cells at all).
    let mut gone: HashMap<&str, usize> = HashMap::new();
    for (k, s) in c.stages.iter().enumerate() {
        for n in &s.excluded {
            gone.entry(n.as_str()).or_insert(k);
        }
    }
    let withdrawn: std::collections::HashSet<&str> =
        c.withdrawn.iter().map(String::as_str).collect();
    let mut stages = Vec::with_capacity(c.stages.len());
    let mut prev: Option<&Stage> = None;
    for (k, s) in c.stages.iter().enumerate() {
        let mut cells = Vec::with_capacity(rows.len());
        let mut sum_total = Some(Decimal::from_integer(0));
        let mut sum_change = Some(Decimal::from_integer(0));
        for name in &c.candidates {
            let blank = withdrawn.contains(name.as_str())
                || gone.get(name.as_str()).is_some_and(|&g| k > g);
            let total = s.totals.get(name);
            let change = s.transfers.get(name);
            if let Some(t) = &total {
                sum_total = sum_total.and_then(|a| a.checked_add(t));
            }
            if let Some(t) = &change {
                sum_change = sum_change.and_then(|a| a.checked_add(t));
            }
            if blank {
                cells.push((String::new(), String::new()));
            } else {
                cells.push((
                    change.map(|d| d.to_string()).unwrap_or_default(),
                    total.map(|d| d.to_string()).unwrap_or_default(),
                ));
            }
        }
        let change_of = |now: &Decimal, before: Option<&Decimal>| match before {
            Some(b) => now
                .checked_sub(b)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            None => String::new(),
        };
        let nt_change = change_of(&s.exhausted, prev.map(|p| &p.exhausted));
        let loss_change = change_of(&s.loss_by_fraction, prev.map(|p| &p.loss_by_fraction));
        cells.push((nt_change.clone(), s.exhausted.to_string()));
        cells.push((loss_change.clone(), s.loss_by_fraction.to_string()));
        // Total: the candidates' figures with the non-transferable and the
        // loss, which make the valid votes (each figure as written).
        let total = sum_total
            .and_then(|t| t.checked_add(&s.exhausted))
            .and_then(|t| t.checked_add(&s.loss_by_fraction));
        let change = prev.and_then(|p| {
            let nt = s.exhausted.checked_sub(&p.exhausted)?;
            let loss = s.loss_by_fraction.checked_sub(&p.loss_by_fraction)?;
            sum_change?.checked_add(&nt)?.checked_add(&loss)
        });
        cells.push((
            change.map(|d| d.to_string()).unwrap_or_default(),
            total.map(|d| d.to_string()).unwrap_or_default(),
        ));
        cells.push((String::new(), s.quota.to_string()));
        stages.push(StageColumns {
            label: format!("Stage {}", stage_label(s)),
            heading: stage_heading(s),
            has_change: k > 0,
            cells,
        });
        prev = Some(s);
    }
    Table {
        rows,
        candidate_rows,
        stages,
        result,
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

impl StageColumns {
    /// The widths of the change and total columns.
    fn widths(&self) -> (usize, usize) {
        let change = if self.has_change {
            self.cells
                .iter()
                .map(|c| width(&c.0))
                .max()
                .unwrap_or(0)
                .max(3)
        } else {
            0
        };
        let mut total = self
            .cells
            .iter()
            .map(|c| width(&c.1))
            .max()
            .unwrap_or(0)
            .max(5);
        // The headings span the group: widen its total column to fit them.
        let group = if self.has_change {
            change + 2 + total
        } else {
            total
        };
        let need = width(&self.label).max(width(&self.heading));
        if need > group {
            total += need - group;
        }
        (change, total)
    }
}

/// A stage group's width from its column widths.
fn group_width(s: &StageColumns, (c, t): (usize, usize)) -> usize {
    if s.has_change { c + 2 + t } else { t }
}

impl Table {
    /// The table as text lines, split into blocks of stages that fit
    /// `max_width` columns (at least one stage a block); the Result column
    /// closes the last block.
    pub fn lines(&self, max_width: usize) -> Vec<String> {
        let name_w = self.rows.iter().map(|r| width(r)).max().unwrap_or(0).max(9);
        let result_w = self.result.iter().map(|r| width(r)).max().unwrap_or(0);
        // Each stage's column widths, measured once (a sheet may have tens
        // of thousands of rows).
        let widths: Vec<(usize, usize)> = self.stages.iter().map(StageColumns::widths).collect();
        let mut blocks: Vec<Vec<usize>> = Vec::new();
        let mut used = name_w;
        for (k, s) in self.stages.iter().enumerate() {
            let w = group_width(s, widths[k]) + 3;
            match blocks.last_mut() {
                Some(b) if used + w <= max_width => {
                    b.push(k);
                    used += w;
                }
                _ => {
                    blocks.push(vec![k]);
                    used = name_w + w;
                }
            }
        }
        // The Result column closes the last block where it fits, else it
        // is a block of its own.
        let result_alone = result_w > 0 && used + 3 + result_w > max_width;
        if result_alone {
            blocks.push(Vec::new());
        }
        let mut out = Vec::new();
        for (b, block) in blocks.iter().enumerate() {
            let last = b + 1 == blocks.len();
            if b > 0 {
                out.push(String::new());
            }
            let pad_right =
                |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
            let pad_left =
                |s: &str, w: usize| format!("{}{s}", " ".repeat(w.saturating_sub(width(s))));
            let mut head = [
                pad_right("", name_w),
                pad_right("", name_w),
                pad_right("Candidate", name_w),
            ];
            for &k in block {
                let s = &self.stages[k];
                let (cw, tw) = widths[k];
                let gw = group_width(s, widths[k]);
                head[0].push_str(" | ");
                head[0].push_str(&pad_right(&s.label, gw));
                head[1].push_str(" | ");
                head[1].push_str(&pad_right(&s.heading, gw));
                head[2].push_str(" | ");
                if s.has_change {
                    head[2].push_str(&pad_left("+/-", cw));
                    head[2].push_str("  ");
                }
                head[2].push_str(&pad_left("total", tw));
            }
            if last && result_w > 0 {
                head[2].push_str(" | Result");
            }
            for h in head {
                out.push(h.trim_end().to_string());
            }
            let rule_w = width(out.last().map(String::as_str).unwrap_or_default()).max(
                out.iter()
                    .rev()
                    .take(3)
                    .map(|l| width(l))
                    .max()
                    .unwrap_or(0),
            );
            out.push("-".repeat(rule_w));
            for (i, label) in self.rows.iter().enumerate() {
                if i == self.candidate_rows {
                    out.push("-".repeat(rule_w));
                }
                let mut line = pad_right(label, name_w);
                for &k in block {
                    let s = &self.stages[k];
                    let (cw, tw) = widths[k];
                    let (change, total) = &s.cells[i];
                    line.push_str(" | ");
                    if s.has_change {
                        line.push_str(&pad_left(change, cw));
                        line.push_str("  ");
                    }
                    line.push_str(&pad_left(total, tw));
                }
                if last && result_w > 0 {
                    line.push_str(" | ");
                    line.push_str(&self.result[i]);
                }
                out.push(line.trim_end().to_string());
            }
        }
        out
    }
}
