//! RCTab's `exhaustIfMultipleContinuing` decided in the count
//! (`method.gregory.tied_ranks: exhaust-if-several-continuing`,
//! `specs/election-model.md`), pinned against its definition in RCTab's
//! Tabulator: when a paper reaches an overvoted rank, of the candidates
//! marked there that are still continuing, none: go on to the next rank;
//! one: the vote is theirs; two or more: the paper is exhausted.
//!
//! Each election is small enough to follow by hand; candidates are A–E
//! (1–5), and the overvoted rank `2=3` is B and C. Read with
//! `--equal-rankings end-if-several-continuing`, the reader decides what it
//! can (candidates ranked above are struck) and keeps the rest as a rank.

use ballot::policy::EqualRankings;
use ballot::{Format, ImportPolicy, ReadOptions};
use count::rules::TiedRanks;
use count::{ContestCount, Rules};

fn read(papers: &str, withdrawn: &str) -> ballot::Election {
    let blt =
        format!("5 1\n{withdrawn}{papers}0\n\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"E\"\n\"tied ranks\"\n");
    let opts = ReadOptions {
        policy: ImportPolicy {
            equal_rankings: EqualRankings::EndIfSeveralContinuing,
            ..ImportPolicy::default()
        },
        ..ReadOptions::default()
    };
    ballot::read(Format::Blt, blt.as_bytes(), &opts).expect("a BLT file")
}

fn irv() -> Rules {
    let mut rules = Rules::preset("irv").expect("irv");
    rules.gregory_mut().expect("gregory").tied_ranks = TiedRanks::ExhaustIfSeveralContinuing;
    rules
}

fn count(e: &ballot::Election) -> ContestCount {
    count::count(e, &irv()).expect("a count").contests.remove(0)
}

/// A candidate's total at a stage (from 1), as text.
fn total(c: &ContestCount, stage: usize, who: &str) -> String {
    c.stages[stage - 1].totals.text(who).expect("a candidate")
}

/// The stage (from 1) at which `who` is excluded and their papers move.
fn exclusion_of(c: &ContestCount, who: &str) -> usize {
    c.stages
        .iter()
        .position(|s| s.excluded.iter().any(|x| x == who))
        .expect("an exclusion")
        + 1
}

/// The excluded in order, E (who has no papers in most elections here) aside.
fn excluded(c: &ContestCount) -> Vec<&str> {
    c.excluded
        .iter()
        .map(String::as_str)
        .filter(|&x| x != "E")
        .collect()
}

#[test]
fn one_continuing_candidate_at_the_overvote_takes_the_paper() {
    // A 4, B 4, C 2, D 1 + 2 papers D, {B, C}, A. C is excluded first;
    // when D is, only B of the overvote is continuing: B gets both.
    let e = read("4 1 0\n4 2 0\n2 3 0\n1 4 0\n2 4 2=3 1 0\n", "");
    assert_eq!(e.contests()[0].ballots().equal_ranked_papers(), 2);
    let c = count(&e);
    assert_eq!(excluded(&c)[..2], ["C", "D"]);
    let d = exclusion_of(&c, "D");
    assert_eq!(total(&c, d, "B"), "6");
    assert_eq!(total(&c, d, "A"), "4");
    assert_eq!(c.elected, ["B"]);
}

#[test]
fn two_continuing_candidates_at_the_overvote_exhaust_the_paper() {
    // A 5, B 4, C 3, D 2 papers D, {B, C}, A. D goes first, with B and C
    // both continuing: the two papers are exhausted, not given to A.
    let e = read("5 1 0\n4 2 0\n3 3 0\n2 4 2=3 1 0\n", "");
    let c = count(&e);
    assert_eq!(excluded(&c)[0], "D");
    let d = exclusion_of(&c, "D");
    assert_eq!(total(&c, d, "A"), "5");
    assert_eq!(total(&c, d, "B"), "4");
    assert_eq!(c.stages[d - 1].exhausted.to_string(), "2");
}

#[test]
fn no_continuing_candidate_at_the_overvote_passes_it_over() {
    // A 5, B 2, C 1, E 4, D 3 papers D, {B, C}, A. C then B are excluded,
    // then D: neither B nor C continues, so the papers go on to A.
    let e = read("5 1 0\n2 2 0\n1 3 0\n4 5 0\n3 4 2=3 1 0\n", "");
    let c = count(&e);
    assert_eq!(excluded(&c)[..3], ["C", "B", "D"]);
    assert_eq!(total(&c, exclusion_of(&c, "D"), "A"), "8");
    assert_eq!(c.elected, ["A"]);
}

#[test]
fn an_overvote_at_the_first_rank_is_decided_with_every_standing_candidate_continuing() {
    // {B, C} first: both standing, the paper is exhausted at once (invalid,
    // as a first-rank overvote read with end-at-overvote). With C withdrawn
    // the paper is B's from the start.
    let papers = "3 1 0\n2 2 0\n1 3 0\n2 2=3 1 0\n";
    let c = count(&read(papers, ""));
    assert_eq!((c.valid_papers, c.invalid_papers), (6, 2));
    assert_eq!(total(&c, 1, "B"), "2");
    let c = count(&read(papers, "-3\n"));
    assert_eq!((c.valid_papers, c.invalid_papers), (7, 1));
    assert_eq!(total(&c, 1, "B"), "4");
}

#[test]
fn the_reader_strikes_candidates_ranked_above_before_the_count() {
    // B, {B, C}: B is above, so the rank is C's alone: a strict paper.
    let e = read("1 2 2=3 1 0\n", "");
    let b = e.contests()[0].ballots();
    assert!(!b.has_equal_rankings());
    assert_eq!(
        b.ballot(0)
            .ranking
            .iter()
            .map(|c| c.number())
            .collect::<Vec<_>>(),
        [2, 3, 1]
    );
}

#[test]
fn without_the_option_a_gregory_count_refuses_the_kept_overvotes() {
    let e = read("4 1 0\n2 4 2=3 1 0\n", "");
    let err = count::count(&e, &Rules::preset("irv").unwrap()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("2 papers rank candidates equal"), "{text}");
    assert!(
        text.contains("tied_ranks=exhaust-if-several-continuing"),
        "{text}"
    );
}
