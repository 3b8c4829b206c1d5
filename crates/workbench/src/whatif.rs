//! What if: one contest counted as it is and again with its papers or its
//! count changed (`recount whatif`, `specs/workbench.md`), side by side: the
//! first stage that changes ([`crate::compare::parting`]) and who is no
//! longer, or now, elected.
//!
//! The changes ([`Changes`]): papers removed by a ranking pattern
//! ([`Pattern`]) or, for a CSV record's batch or region column, the rows a
//! filtered read matched (read by the caller with `ballot::RowFilter`,
//! since the model keeps no per-paper columns); papers added from another
//! file, candidates matched by name; candidates withdrawn as a ballot
//! file's withdrawn line withdraws them; the seats changed. Reading the
//! files is the caller's; nothing here reads, writes or prints.

use std::collections::HashMap;

use ballot::{BallotsBuilder, CandidateId, Contest};
use count::{ContestCount, Rules};

use crate::compare::{Parting, parting};

/// A `--remove` filter as written: `COLUMN=VALUE`, `starts:NAME`,
/// `ranks:NAME` or `only:NAME`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    /// The rows of a CSV record whose cell in `column` is `value`.
    Column {
        /// The column (a batch, precinct or region).
        column: String,
        /// The cell.
        value: String,
    },
    /// Papers matched by their ranking alone.
    Ranking(PatternKind, String),
}

/// What a ranking pattern looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatternKind {
    /// `starts:NAME`: the first preference is NAME.
    Starts,
    /// `ranks:NAME`: NAME anywhere on the paper.
    Ranks,
    /// `only:NAME`: a paper ranking NAME alone.
    Only,
}

impl PatternKind {
    fn prefix(self) -> &'static str {
        match self {
            PatternKind::Starts => "starts",
            PatternKind::Ranks => "ranks",
            PatternKind::Only => "only",
        }
    }
}

impl Filter {
    /// Reads a filter. The prefixes are tried first, so a name holding `=`
    /// is still a name; anything else must be `COLUMN=VALUE`.
    pub fn parse(text: &str) -> Result<Filter, String> {
        for kind in [PatternKind::Starts, PatternKind::Ranks, PatternKind::Only] {
            if let Some(name) = text
                .strip_prefix(kind.prefix())
                .and_then(|t| t.strip_prefix(':'))
            {
                return Ok(Filter::Ranking(kind, name.to_owned()));
            }
        }
        match text.split_once('=') {
            Some((column, value)) if !column.trim().is_empty() => Ok(Filter::Column {
                column: column.to_owned(),
                value: value.to_owned(),
            }),
            _ => Err(format!(
                "{text:?}: not a filter; give COLUMN=VALUE (a CSV column), starts:NAME, ranks:NAME or only:NAME"
            )),
        }
    }
}

impl std::fmt::Display for Filter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Filter::Column { column, value } => write!(f, "{column}={value}"),
            Filter::Ranking(kind, name) => write!(f, "{}:{name}", kind.prefix()),
        }
    }
}

/// A ranking pattern with its candidate found in the contest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pattern {
    /// What it looks for.
    pub kind: PatternKind,
    /// Whom.
    pub candidate: CandidateId,
}

impl Pattern {
    /// True when a paper ranking `ranking` (as marked, withdrawn candidates
    /// included) matches.
    pub fn matches(&self, ranking: &[CandidateId]) -> bool {
        match self.kind {
            PatternKind::Starts => ranking.first() == Some(&self.candidate),
            PatternKind::Ranks => ranking.contains(&self.candidate),
            PatternKind::Only => ranking == [self.candidate],
        }
    }
}

/// The candidate of `contest` named `name`; an unknown name is an error
/// that lists the names.
pub fn candidate(contest: &Contest, name: &str) -> Result<CandidateId, String> {
    contest.find_by_name(name).ok_or_else(|| {
        let names: Vec<&str> = contest
            .candidates()
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        format!(
            "no candidate named {name:?}; the candidates are: {}",
            names.join(", ")
        )
    })
}

/// The changes made to a contest.
#[derive(Clone, Debug, Default)]
pub struct Changes<'a> {
    /// Papers matched by column filters: each a read of the same file
    /// keeping only the rows one filter matched. Several must match
    /// disjoint rows (filters on one column), since their papers are
    /// taken away in turn.
    pub rows: Vec<&'a Contest>,
    /// Papers removed when their ranking matches any of these.
    pub patterns: Vec<Pattern>,
    /// Papers added: each ranking's candidates matched by name.
    pub add: Option<&'a Contest>,
    /// Candidates withdrawn.
    pub withdraw: Vec<CandidateId>,
    /// The seats of the changed election.
    pub seats: Option<u32>,
}

/// A contest with its changes applied.
#[derive(Clone, Debug)]
pub struct Applied {
    /// The changed contest.
    pub contest: Contest,
    /// Papers taken away (blank ones included).
    pub removed: u64,
    /// Papers added (blank ones included).
    pub added: u64,
}

/// Applies `changes` to `contest`. Column filters are taken first, then
/// the ranking patterns (a paper matching both is removed once), then the
/// papers added (which no filter removes), the withdrawals and the seats.
pub fn apply(contest: &Contest, changes: &Changes<'_>) -> Result<Applied, String> {
    let ballots = contest.ballots();
    if ballots.has_equal_rankings() {
        // The filters read strict rankings: they would pass over these papers.
        return Err(format!(
            "{} papers rank candidates equal; what-if changes strict rankings only \
             (read them with another --equal-rankings)",
            ballots.equal_ranked_papers()
        ));
    }
    let mut counts: Vec<u64> = ballots.iter().map(|b| b.count.0).collect();
    let mut blank = ballots.blank().0;
    let mut removed = 0u64;
    let index: HashMap<&[CandidateId], usize> = ballots
        .iter()
        .enumerate()
        .map(|(i, b)| (b.ranking, i))
        .collect();
    for rows in &changes.rows {
        let ids = by_name(rows, contest)?;
        for b in rows.ballots().iter() {
            let ranking: Vec<CandidateId> = b.ranking.iter().map(|c| ids[c.index()]).collect();
            let left = index
                .get(ranking.as_slice())
                .and_then(|&i| counts.get_mut(i))
                .and_then(|n| n.checked_sub(b.count.0).map(|rest| (n, rest)));
            let Some((n, rest)) = left else {
                return Err(
                    "the rows a column filter matched are not all papers of the file (filters on different columns may match the same rows; give one column)"
                        .into(),
                );
            };
            *n = rest;
            removed += b.count.0;
        }
        blank = blank
            .checked_sub(rows.ballots().blank().0)
            .ok_or("the blank rows a column filter matched are more than the file's")?;
        removed += rows.ballots().blank().0;
    }
    for (i, b) in ballots.iter().enumerate() {
        if changes.patterns.iter().any(|p| p.matches(b.ranking)) {
            removed += counts[i];
            counts[i] = 0;
        }
    }
    let mut builder = BallotsBuilder::new(contest.candidates().len());
    let push = |builder: &mut BallotsBuilder, ranking: &[CandidateId], n: u64| {
        if n == 0 {
            return Ok(());
        }
        builder
            .push(ranking, n)
            .map_err(|e| format!("the changed papers: {e}"))
    };
    for (b, &n) in ballots.iter().zip(&counts) {
        push(&mut builder, b.ranking, n)?;
    }
    push(&mut builder, &[], blank)?;
    let mut added = 0;
    if let Some(extra) = changes.add {
        let ids = by_name(extra, contest)?;
        for b in extra.ballots().iter() {
            let ranking: Vec<CandidateId> = b.ranking.iter().map(|c| ids[c.index()]).collect();
            push(&mut builder, &ranking, b.count.0)?;
        }
        push(&mut builder, &[], extra.ballots().blank().0)?;
        added = extra.ballots().total_papers();
    }
    let model = |e: ballot::Error| format!("the changed contest: {e}");
    let mut changed = Contest::new(
        contest.id(),
        contest.title(),
        changes.seats.unwrap_or(contest.seats()),
        contest.candidates().to_vec(),
        builder.build(),
    )
    .map_err(model)?
    .with_withdrawn(
        contest
            .withdrawn()
            .iter()
            .copied()
            .chain(changes.withdraw.iter().copied()),
    )
    .map_err(model)?
    .with_import(*contest.policy(), *contest.irregularities());
    if let Some(order) = contest.tie_order() {
        changed = changed.with_tie_order(order.to_vec()).map_err(model)?;
    }
    let changed = changed
        .with_constraints(contest.constraints().to_vec())
        .map_err(model)?;
    Ok(Applied {
        contest: changed,
        removed,
        added,
    })
}

/// For each candidate of `other`, the candidate of `contest` of that name.
fn by_name(other: &Contest, contest: &Contest) -> Result<Vec<CandidateId>, String> {
    other
        .candidates()
        .iter()
        .map(|c| candidate(contest, &c.name))
        .collect()
}

/// The two counts side by side.
#[derive(Clone, Debug)]
pub struct WhatIf {
    /// The original count (its last record, for the reserved-places method).
    pub original: ContestCount,
    /// The changed count.
    pub changed: ContestCount,
    /// Where they part ways, and each one's elected.
    pub parting: Parting,
}

impl WhatIf {
    /// True when the same candidates are elected (the order aside).
    pub fn same_winners(&self) -> bool {
        self.parting.same_elected()
    }

    /// Elected in the original count and not in the changed one, in the
    /// original's order.
    pub fn no_longer_elected(&self) -> Vec<String> {
        let [a, b] = &self.parting.elected;
        a.iter().filter(|n| !b.contains(n)).cloned().collect()
    }

    /// Elected in the changed count and not in the original, in the
    /// changed count's order.
    pub fn now_elected(&self) -> Vec<String> {
        let [a, b] = &self.parting.elected;
        b.iter().filter(|n| !a.contains(n)).cloned().collect()
    }
}

/// Counts `original` and `changed` under `rules` and compares them.
pub fn whatif(original: &Contest, changed: &Contest, rules: &Rules) -> Result<WhatIf, String> {
    let last = |c: &Contest| {
        count::Prepared::new(c)
            .count(rules)
            .map_err(|e| e.to_string())?
            .pop()
            .ok_or_else(|| format!("contest {}: the count made no record", c.id()))
    };
    let a = last(original).map_err(|e| format!("the original count: {e}"))?;
    let b = last(changed).map_err(|e| format!("the changed count: {e}"))?;
    let parting = parting(&a, &b);
    Ok(WhatIf {
        original: a,
        changed: b,
        parting,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ballot::{Format, ReadOptions};

    fn contest(blt: &str) -> Contest {
        let e = ballot::read(Format::Blt, blt.as_bytes(), &ReadOptions::default()).unwrap();
        e.contests()[0].clone()
    }

    /// Rankings by name with their papers.
    fn papers(c: &Contest) -> Vec<(u64, Vec<String>)> {
        let mut v: Vec<(u64, Vec<String>)> = c
            .ballots()
            .iter()
            .map(|b| {
                (
                    b.count.0,
                    b.ranking
                        .iter()
                        .map(|&id| c.candidate(id).name.clone())
                        .collect(),
                )
            })
            .collect();
        v.sort();
        v
    }

    const ABC: &str = "3 1\n4 1 2 0\n3 2 0\n2 3 1 0\n1 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n";

    #[test]
    fn filters_parse_by_prefix_then_as_a_column() {
        let cases: &[(&str, Result<Filter, ()>)] = &[
            (
                "batch=7",
                Ok(Filter::Column {
                    column: "batch".into(),
                    value: "7".into(),
                }),
            ),
            (
                "region=",
                Ok(Filter::Column {
                    column: "region".into(),
                    value: String::new(),
                }),
            ),
            (
                "starts:A=B",
                Ok(Filter::Ranking(PatternKind::Starts, "A=B".into())),
            ),
            (
                "ranks:Smith",
                Ok(Filter::Ranking(PatternKind::Ranks, "Smith".into())),
            ),
            (
                "only:Jo Lee",
                Ok(Filter::Ranking(PatternKind::Only, "Jo Lee".into())),
            ),
            ("Smith", Err(())),
            ("=7", Err(())),
        ];
        for (text, want) in cases {
            let got = Filter::parse(text).map_err(|_| ());
            assert_eq!(&got, want, "{text}");
            if let Ok(f) = got {
                assert_eq!(f.to_string(), *text);
            }
        }
    }

    #[test]
    fn patterns_match_first_anywhere_or_alone() {
        let c = contest(ABC);
        let a = candidate(&c, "A").unwrap();
        let b = candidate(&c, "B").unwrap();
        let p = |kind| Pattern { kind, candidate: a };
        assert!(p(PatternKind::Starts).matches(&[a, b]));
        assert!(!p(PatternKind::Starts).matches(&[b, a]));
        assert!(p(PatternKind::Ranks).matches(&[b, a]));
        assert!(!p(PatternKind::Ranks).matches(&[b]));
        assert!(p(PatternKind::Only).matches(&[a]));
        assert!(!p(PatternKind::Only).matches(&[a, b]));
        assert_eq!(
            candidate(&c, "D").unwrap_err(),
            "no candidate named \"D\"; the candidates are: A, B, C"
        );
    }

    #[test]
    fn removing_adding_and_withdrawing_change_the_papers_and_the_list() {
        let c = contest(ABC);
        let extra = contest("2 1\n5 1 2 0\n0\n\"B\"\n\"A\"\n\"t\"\n");
        let changes = Changes {
            patterns: vec![Pattern {
                kind: PatternKind::Starts,
                candidate: candidate(&c, "A").unwrap(),
            }],
            add: Some(&extra),
            withdraw: vec![candidate(&c, "C").unwrap()],
            seats: Some(2),
            ..Changes::default()
        };
        let applied = apply(&c, &changes).unwrap();
        assert_eq!((applied.removed, applied.added), (5, 5));
        // The added file's B, A is this contest's B, A, whatever its numbering.
        assert_eq!(
            papers(&applied.contest),
            [
                (2, vec!["C".to_string(), "A".into()]),
                (3, vec!["B".into()]),
                (5, vec!["B".into(), "A".into()]),
            ]
        );
        assert_eq!(applied.contest.seats(), 2);
        assert_eq!(applied.contest.withdrawn().len(), 1);
        // A name the contest lacks is refused, naming it.
        let stranger = contest("1 1\n1 1 0\n0\n\"Z\"\n\"t\"\n");
        let err = apply(
            &c,
            &Changes {
                add: Some(&stranger),
                ..Changes::default()
            },
        )
        .unwrap_err();
        assert!(err.contains("no candidate named \"Z\""), "{err}");
    }

    #[test]
    fn rows_matched_by_a_column_are_taken_away() {
        let csv = b"batch,rank1,rank2\n1,A,B\n2,B,\n2,A,B\n1,,\n2,,\n";
        let read = |rows| {
            let opts = ReadOptions {
                seats: Some(1),
                rows,
                ..ReadOptions::default()
            };
            ballot::read(Format::Csv, csv, &opts).unwrap().contests()[0].clone()
        };
        let whole = read(None);
        let batch2 = read(Some(ballot::RowFilter {
            column: "batch".into(),
            value: "2".into(),
            keep: true,
        }));
        let applied = apply(
            &whole,
            &Changes {
                rows: vec![&batch2],
                ..Changes::default()
            },
        )
        .unwrap();
        assert_eq!(applied.removed, 3);
        assert_eq!(applied.contest.ballots().blank().0, 1);
        assert_eq!(
            papers(&applied.contest),
            [(1, vec!["A".to_string(), "B".into()])]
        );
    }

    #[test]
    fn the_changed_winners_are_named_and_an_unchanged_count_agrees() {
        let c = contest(ABC);
        let rules = Rules::preset("wigm").unwrap();
        let same = whatif(&c, &c, &rules).unwrap();
        assert!(same.same_winners());
        assert_eq!(same.parting.stage, None);
        assert!(same.no_longer_elected().is_empty() && same.now_elected().is_empty());
        // A has 5 first preferences of 10 and wins; without them B does.
        let changed = apply(
            &c,
            &Changes {
                patterns: vec![Pattern {
                    kind: PatternKind::Starts,
                    candidate: candidate(&c, "A").unwrap(),
                }],
                ..Changes::default()
            },
        )
        .unwrap();
        let w = whatif(&c, &changed.contest, &rules).unwrap();
        assert!(!w.same_winners());
        assert_eq!(w.parting.stage, Some(1));
        assert_eq!(w.no_longer_elected(), ["A"]);
        assert_eq!(w.now_elected(), ["B"]);
    }
}
