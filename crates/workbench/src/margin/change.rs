//! A change of papers (`specs/changes.md`, format `recount-change/1`):
//! papers whose ranking is changed, papers added and papers removed, each
//! ranking named by candidates' names, and what the change is claimed to
//! do. What `recount margin` writes and `recount count --apply` replays;
//! [`apply`] is the one way a change is made to a contest, so that what the
//! search verified and what a reader replays are the same papers.

use std::collections::HashMap;

use ballot::{BallotsBuilder, CandidateId, Contest};
use serde::{Deserialize, Serialize};

/// The format's name and version.
pub const FORMAT: &str = "recount-change/1";

/// One step of a change: `papers` papers of ranking `from` changed to
/// `to`; `from` alone removes them, `to` alone adds them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// How many papers.
    pub papers: u64,
    /// The ranking the papers had, first preference first (absent: papers added).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Vec<String>>,
    /// The ranking they have after (absent: papers removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Vec<String>>,
}

/// What a change was found to do, for a reader to check by replaying it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The rules it was found under (a preset's name or the rules file's `name`).
    pub rules: String,
    /// The SHA-256 of those rules as recount writes them ([`rules_sha256`]):
    /// a replay under rules of the same name but other options is told apart.
    pub rules_sha256: String,
    /// Who the papers as they are elect, in order.
    pub elected_before: Vec<String>,
    /// Who the changed papers elect, in order.
    pub elected_after: Vec<String>,
    /// Elected before, not after.
    pub displaced: Vec<String>,
    /// Elected after, not before.
    pub by: Vec<String>,
}

/// A change file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// The contest's id.
    pub contest: String,
    /// The contest's candidates, in ballot-paper order (a change names them).
    pub candidates: Vec<String>,
    /// Papers touched: the sum of the steps' papers.
    pub papers: u64,
    /// The steps, applied in order.
    pub steps: Vec<Step>,
    /// What replaying it should elect.
    pub claim: Claim,
}

/// Why a change cannot be made to a contest; `step` counts from 1.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ApplyError {
    /// The change file is not `recount-change/1` JSON.
    #[error("not a {FORMAT} file: {0}")]
    Syntax(String),
    /// Its candidates are not the contest's.
    #[error("the change names candidates {change:?}, but contest {contest} has {found:?}")]
    Candidates {
        /// The contest's id.
        contest: String,
        /// The change's list.
        change: Vec<String>,
        /// The contest's list.
        found: Vec<String>,
    },
    /// A step names someone not on the list.
    #[error("step {step}: no candidate is named {name:?}")]
    UnknownName {
        /// The step.
        step: usize,
        /// The name.
        name: String,
    },
    /// A step is not a change, addition or removal of some papers.
    #[error("step {step}: {problem}")]
    Step {
        /// The step.
        step: usize,
        /// What is wrong.
        problem: String,
    },
    /// A step takes more papers of a ranking than the ballots hold.
    #[error("step {step}: takes {wanted} papers ranking {ranking}, but the ballots hold {held}")]
    TooFew {
        /// The step.
        step: usize,
        /// The ranking, as `A > B`.
        ranking: String,
        /// Papers the step takes.
        wanted: u64,
        /// Papers of that ranking left at that step.
        held: u64,
    },
    /// The papers changed could not be stored.
    #[error("the changed papers: {0}")]
    Ballots(String),
}

impl ChangeFile {
    /// Reads a change file's text.
    pub fn from_json(text: &str) -> Result<ChangeFile, ApplyError> {
        let file: ChangeFile =
            serde_json::from_str(text).map_err(|e| ApplyError::Syntax(e.to_string()))?;
        if file.format != FORMAT {
            return Err(ApplyError::Syntax(format!(
                "its format is {:?}, expected {FORMAT:?}",
                file.format
            )));
        }
        let sum = file
            .steps
            .iter()
            .try_fold(0u64, |a, s| a.checked_add(s.papers));
        if sum != Some(file.papers) {
            return Err(ApplyError::Syntax(format!(
                "\"papers\" is {} but the steps touch {}",
                file.papers,
                sum.map_or("more than 2^64".into(), |s| s.to_string())
            )));
        }
        Ok(file)
    }

    /// The file's text: pretty JSON ending in a line break.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("a change serialises");
        text.push('\n');
        text
    }
}

/// The SHA-256, in hex, of `rules` as JSON (every option, overrides and
/// seed included): what a claim names its rules by.
pub fn rules_sha256(rules: &count::Rules) -> String {
    use sha2::{Digest, Sha256};
    let json = serde_json::to_vec(rules).expect("rules serialise");
    Sha256::digest(&json)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A ranking as a change file names it.
pub fn names(contest: &Contest, ranking: &[usize]) -> Vec<String> {
    ranking
        .iter()
        .map(|&c| contest.candidates()[c].name.clone())
        .collect()
}

/// `contest` with the change's steps made, in order. The contest's
/// candidates must be the change's, by name and order.
pub fn apply(contest: &Contest, change: &ChangeFile) -> Result<Contest, ApplyError> {
    let found: Vec<String> = contest
        .candidates()
        .iter()
        .map(|c| c.name.clone())
        .collect();
    if found != change.candidates {
        return Err(ApplyError::Candidates {
            contest: contest.id().to_owned(),
            change: change.candidates.clone(),
            found,
        });
    }
    let by_name: HashMap<&str, usize> = found
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let mut papers = Papers::of(contest);
    for (i, step) in change.steps.iter().enumerate() {
        let number = i + 1;
        let ranking = |list: &Option<Vec<String>>| -> Result<Option<Vec<usize>>, ApplyError> {
            let Some(list) = list else { return Ok(None) };
            let mut out = Vec::with_capacity(list.len());
            for name in list {
                let &c = by_name.get(name.as_str()).ok_or(ApplyError::UnknownName {
                    step: number,
                    name: name.clone(),
                })?;
                if out.contains(&c) {
                    return Err(ApplyError::Step {
                        step: number,
                        problem: format!("{name:?} is ranked twice"),
                    });
                }
                out.push(c);
            }
            if out.is_empty() {
                return Err(ApplyError::Step {
                    step: number,
                    problem: "an empty ranking (a blank paper is not a change recount makes)"
                        .into(),
                });
            }
            Ok(Some(out))
        };
        let (from, to) = (ranking(&step.from)?, ranking(&step.to)?);
        if step.papers == 0 {
            return Err(ApplyError::Step {
                step: number,
                problem: "no papers".into(),
            });
        }
        match (&from, &to) {
            (None, None) => {
                return Err(ApplyError::Step {
                    step: number,
                    problem: "neither \"from\" nor \"to\"".into(),
                });
            }
            (Some(a), Some(b)) if a == b => {
                return Err(ApplyError::Step {
                    step: number,
                    problem: "\"from\" and \"to\" are the same ranking".into(),
                });
            }
            _ => {}
        }
        if let Some(from) = &from {
            let held = papers.take(from, step.papers);
            if held < step.papers {
                return Err(ApplyError::TooFew {
                    step: number,
                    ranking: names(contest, from).join(" > "),
                    wanted: step.papers,
                    held,
                });
            }
        }
        if let Some(to) = to {
            papers.add(to, step.papers);
        }
    }
    papers.contest(contest)
}

/// A contest's papers as distinct rankings with counts, in order of first
/// appearance, rankings added at the end.
struct Papers {
    order: Vec<Vec<usize>>,
    counts: HashMap<Vec<usize>, u64>,
}

impl Papers {
    fn of(contest: &Contest) -> Papers {
        let mut p = Papers {
            order: Vec::new(),
            counts: HashMap::new(),
        };
        for b in contest.ballots().iter() {
            p.add(b.ranking.iter().map(|c| c.index()).collect(), b.count.0);
        }
        p
    }

    fn add(&mut self, ranking: Vec<usize>, papers: u64) {
        match self.counts.get_mut(&ranking) {
            Some(n) => *n = n.saturating_add(papers),
            None => {
                self.order.push(ranking.clone());
                self.counts.insert(ranking, papers);
            }
        }
    }

    /// Takes `papers` of `ranking` if it holds them; the papers it held.
    fn take(&mut self, ranking: &[usize], papers: u64) -> u64 {
        let held = self.counts.get(ranking).copied().unwrap_or(0);
        if held >= papers {
            self.counts.insert(ranking.to_vec(), held - papers);
        }
        held
    }

    fn contest(self, contest: &Contest) -> Result<Contest, ApplyError> {
        let mut b = BallotsBuilder::new(contest.candidates().len());
        let blank = contest.ballots().blank().0;
        if blank > 0 {
            b.push(&[], blank)
                .map_err(|e| ApplyError::Ballots(e.to_string()))?;
        }
        let mut paper = Vec::new();
        for ranking in &self.order {
            let n = self.counts[ranking];
            if n == 0 {
                continue;
            }
            paper.clear();
            paper.extend(ranking.iter().filter_map(|&c| CandidateId::new(c)));
            b.push(&paper, n)
                .map_err(|e| ApplyError::Ballots(e.to_string()))?;
        }
        contest
            .with_ballots(b.build())
            .map_err(|e| ApplyError::Ballots(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ballot::{Format, ReadOptions};

    fn contest() -> Contest {
        let blt = b"3 1\n4 1 0\n3 2 0\n2 3 1 0\n1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"t\"\n";
        let e = ballot::read(Format::Blt, blt, &ReadOptions::default()).unwrap();
        e.contests()[0].clone()
    }

    fn file(steps: Vec<Step>) -> ChangeFile {
        ChangeFile {
            format: FORMAT.into(),
            contest: "c".into(),
            candidates: vec!["A".into(), "B".into(), "C".into()],
            papers: steps.iter().map(|s| s.papers).sum(),
            steps,
            claim: Claim {
                rules: "wigm".into(),
                rules_sha256: String::new(),
                elected_before: vec![],
                elected_after: vec![],
                displaced: vec![],
                by: vec![],
            },
        }
    }

    fn step(papers: u64, from: Option<&[&str]>, to: Option<&[&str]>) -> Step {
        let list = |l: Option<&[&str]>| l.map(|l| l.iter().map(|s| s.to_string()).collect());
        Step {
            papers,
            from: list(from),
            to: list(to),
        }
    }

    fn counts(c: &Contest) -> Vec<(Vec<usize>, u64)> {
        c.ballots()
            .iter()
            .map(|b| (b.ranking.iter().map(|c| c.index()).collect(), b.count.0))
            .collect()
    }

    #[test]
    fn a_change_moves_papers_and_keeps_the_blank_ones() {
        let c = contest();
        let changed = apply(
            &c,
            &file(vec![
                step(2, Some(&["A"]), Some(&["B", "A"])),
                step(1, None, Some(&["C"])),
                step(1, Some(&["C", "A"]), None),
            ]),
        )
        .unwrap();
        assert_eq!(
            counts(&changed),
            vec![
                (vec![0], 2),
                (vec![1], 3),
                (vec![2, 0], 1),
                (vec![1, 0], 2),
                (vec![2], 1)
            ]
        );
        assert_eq!(changed.ballots().blank().0, 1);
    }

    #[test]
    fn a_step_taking_more_papers_than_there_are_names_the_step_and_the_ranking() {
        let err = apply(&contest(), &file(vec![step(5, Some(&["A"]), None)])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "step 1: takes 5 papers ranking A, but the ballots hold 4"
        );
        let err = apply(&contest(), &file(vec![step(1, Some(&["D"]), None)])).unwrap_err();
        assert!(matches!(err, ApplyError::UnknownName { step: 1, .. }));
        let err = apply(&contest(), &file(vec![step(1, None, Some(&["A", "A"]))])).unwrap_err();
        assert!(err.to_string().contains("ranked twice"), "{err}");
    }

    #[test]
    fn a_change_for_other_candidates_is_refused() {
        let mut f = file(vec![step(1, None, Some(&["A"]))]);
        f.candidates.swap(0, 1);
        assert!(matches!(
            apply(&contest(), &f),
            Err(ApplyError::Candidates { .. })
        ));
    }

    #[test]
    fn the_file_round_trips_and_its_papers_must_add_up() {
        let f = file(vec![step(2, Some(&["A"]), Some(&["B"]))]);
        assert_eq!(ChangeFile::from_json(&f.to_json()).unwrap(), f);
        let mut bad = f.clone();
        bad.papers = 3;
        let err = ChangeFile::from_json(&bad.to_json()).unwrap_err();
        assert!(err.to_string().contains("the steps touch 2"), "{err}");
        assert!(ChangeFile::from_json("{}").is_err());
    }
}
