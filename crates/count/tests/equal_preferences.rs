//! Meek with equal preferences split (`equal_preferences: split`,
//! `specs/rules/meek.md`), beyond Droop's two dumps (`tests/droop_meek.rs`):
//!
//! * **Meek is linear in a paper's weight**, so while every candidate of a
//!   shared rank is still continuing, a paper `a=b c` is exactly half a
//!   paper `a c` and half a paper `b c`: `2n` papers `a=b c` count, stage
//!   for stage, as `n` papers `a c` and `n` papers `b c`, in exact
//!   rationals, up to the stage at which a tied candidate is defeated
//!   (from there the tie is shared among fewer). Every rank is expanded
//!   so: a paper of ranks of sizes `k1, k2, …` is `k1 × k2 × …` strict
//!   papers.
//! * In fixed point each stage still accounts for every paper: the
//!   candidates' votes, the exhausted and the loss (the truncation of the
//!   shares among them) add up to the valid votes.

use ballot::{BallotsBuilder, Candidate, CandidateId, Contest, Election, Ranked};
use count::rules::EqualPreferences;
use count::{Action, Rules};
use proptest::prelude::*;

/// A paper: its ranks, each a set of candidates, and how many carry it.
type Paper = (Vec<Vec<usize>>, u64);

fn papers(candidates: usize) -> impl Strategy<Value = Vec<Paper>> {
    let paper = (
        Just((0..candidates).collect::<Vec<_>>()).prop_shuffle(),
        1..=candidates,
        proptest::collection::vec(1usize..=3, candidates),
        1u64..=4,
    )
        .prop_map(|(order, len, sizes, n)| {
            let mut ranks = Vec::new();
            let mut rest = &order[..len];
            for s in sizes {
                if rest.is_empty() {
                    break;
                }
                let (rank, tail) = rest.split_at(s.min(rest.len()));
                ranks.push(rank.to_vec());
                rest = tail;
            }
            (ranks, n)
        });
    proptest::collection::vec(paper, 1..8)
}

fn id(i: usize) -> CandidateId {
    CandidateId::new(i).expect("an id")
}

fn election(candidates: usize, seats: u32, papers: &[Paper]) -> Election {
    let mut b = BallotsBuilder::new(candidates);
    for (ranks, n) in papers {
        let flat: Vec<CandidateId> = ranks.iter().flatten().map(|&c| id(c)).collect();
        let mut starts = Vec::new();
        let mut at = 0u32;
        for r in ranks {
            starts.push(at);
            at += r.len() as u32;
        }
        b.push_ranked(
            Ranked {
                candidates: &flat,
                rank_starts: &starts,
            },
            *n,
        )
        .expect("a ranking");
    }
    let cands = (0..candidates)
        .map(|i| Candidate {
            id: format!("{}", i + 1),
            name: ((b'A' + i as u8) as char).to_string(),
            affiliation: None,
            attributes: Default::default(),
        })
        .collect();
    let contest = Contest::new("c", "C", seats, cands, b.build()).expect("a contest");
    Election::single(contest)
}

/// Each paper as the strict papers it is a mixture of, every count
/// multiplied by the product of its ranks' sizes so that counts stay whole.
fn expanded(papers: &[Paper]) -> (Vec<Paper>, Vec<Paper>) {
    let mut tied = Vec::new();
    let mut strict = Vec::new();
    for (ranks, n) in papers {
        let k: u64 = ranks.iter().map(|r| r.len() as u64).product();
        tied.push((ranks.clone(), n * k));
        let mut orders: Vec<Vec<usize>> = vec![Vec::new()];
        for r in ranks {
            orders = orders
                .into_iter()
                .flat_map(|o| {
                    r.iter().map(move |&c| {
                        let mut o = o.clone();
                        o.push(c);
                        o
                    })
                })
                .collect();
        }
        for o in orders {
            strict.push((o.into_iter().map(|c| vec![c]).collect(), *n));
        }
    }
    (tied, strict)
}

fn split(mut rules: Rules) -> Rules {
    rules.iterative_mut().expect("iterative").equal_preferences = EqualPreferences::Split;
    rules
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_shared_rank_counts_as_the_strict_papers_it_mixes_while_its_candidates_continue(
        (candidates, seats, papers) in (3usize..=5).prop_flat_map(|n| (Just(n), 1u32..=2, papers(n)))
    ) {
        let (tied, strict) = expanded(&papers);
        let rules = split(Rules::meek_exact());
        let a = count::count(&election(candidates, seats, &tied), &rules).expect("a count");
        let b = count::count(&election(candidates, seats, &strict), &rules).expect("a count");
        let (a, b) = (&a.contests[0], &b.contests[0]);
        let in_a_tie: Vec<String> = tied
            .iter()
            .flat_map(|(ranks, _)| ranks.iter().filter(|r| r.len() > 1).flatten())
            .map(|&c| ((b'A' + c as u8) as char).to_string())
            .collect();
        let mut compared = 0;
        for (sa, sb) in a.stages.iter().zip(&b.stages) {
            prop_assert_eq!(&sa.excluded, &sb.excluded, "stage {}", sa.number);
            prop_assert_eq!(&sa.elected, &sb.elected, "stage {}", sa.number);
            // A closing stage shows its votes after its exclusions: from
            // the first exclusion of a tied candidate the mixtures differ.
            if sa.excluded.iter().any(|c| in_a_tie.contains(c)) {
                break;
            }
            prop_assert_eq!(&sa.totals, &sb.totals, "stage {}", sa.number);
            prop_assert_eq!(&sa.exhausted, &sb.exhausted, "stage {}", sa.number);
            compared += 1;
        }
        // Stage 1 at least: no one is excluded before the first preferences.
        prop_assert!(compared >= 1);
    }

    #[test]
    fn every_fixed_point_stage_accounts_for_every_paper_ranking_candidates_equal(
        (candidates, seats, papers) in (3usize..=6).prop_flat_map(|n| (Just(n), 1u32..=3, papers(n)))
    ) {
        let e = election(candidates, seats, &papers);
        for preset in ["meek", "nz-meek", "warren"] {
            let rules = split(Rules::preset(preset).expect("a preset"));
            let c = count::count(&e, &rules).expect("a count").contests.remove(0);
            let units = |s: String| -> i128 {
                s.chars().filter(char::is_ascii_digit).collect::<String>().parse::<i128>().expect("a decimal")
                    * if s.starts_with('-') { -1 } else { 1 }
            };
            let valid = units(c.valid_votes.to_string());
            prop_assert_eq!(
                valid,
                units(format!("{}", e.contests()[0].ballots().ranked_papers()))
                    * 10i128.pow(rules.display_places)
            );
            for s in &c.stages {
                if matches!(s.action, Action::ElectRemaining) {
                    continue;
                }
                let sum: i128 = s.totals.values().map(|v| units(v.to_string())).sum::<i128>()
                    + units(s.exhausted.to_string())
                    + units(s.loss_by_fraction.to_string());
                prop_assert_eq!(sum, valid, "{} stage {}", preset, s.number);
            }
            prop_assert_eq!(c.elected.len(), seats.min(candidates as u32) as usize);
        }
    }
}

#[test]
fn a_paper_splitting_along_too_many_paths_is_refused_before_the_count() {
    // 17 ranks of two: 2^17 paths, past the 2^16 a paper may take.
    let papers = vec![((0..17).map(|k| vec![2 * k, 2 * k + 1]).collect(), 1)];
    let e = election(34, 2, &papers);
    let err = count::count(&e, &split(Rules::preset("meek").unwrap())).unwrap_err();
    assert!(
        matches!(
            err,
            count::CountError::EqualPreferenceBranches {
                branches: 131_072,
                most: 65_536,
                ..
            }
        ),
        "{err}"
    );
}
