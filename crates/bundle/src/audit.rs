//! The two checks of the election this toolkit is built for
//! (`specs/bundle.md` section 8, checks 10 and 11): that every candidate
//! on the ballot had enough supporting nominations and every candidate
//! kept off for too few really had too few, and that the declared turnout
//! agrees with the papers and the roll.
//!
//! The rule counted (section 7): a member's nomination of a candidate
//! counts when the member is on the contest's roll, it was made at or
//! after the candidate was vetted and before the deadline, and it is that
//! member's last such action on that candidate (a later `withdraw`
//! cancels it; a repeated `nominate` counts once). Actions that do not
//! count are tallied by why, never silently dropped.

use std::collections::HashMap;

use crate::layout::{ContestMeta, NominationRule, Status, Timestamp};
use crate::records::{Action, ContestTurnout, Nomination};

/// Where a fault of these checks is: a line of the nominations file, or a
/// candidate of the contest in `election.json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Where {
    /// This line of `nominations/<contest>.csv`.
    Record(u64),
    /// The candidate at this index of the contest's `candidates`.
    Candidate(usize),
}

/// What the nomination records give one candidate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// The candidate's id.
    pub candidate: String,
    /// The candidate's status in `election.json`.
    pub status: Option<Status>,
    /// Distinct eligible members whose last counted action nominates.
    pub supporters: u32,
    /// Members whose last counted action withdrew their nomination.
    pub withdrawn: u32,
    /// Actions at or after the deadline (not counted).
    pub late: u32,
    /// Actions before the candidate was vetted, or of a candidate never
    /// vetted (not counted).
    pub before_vetting: u32,
    /// Actions by members not on the contest's roll (not counted).
    pub not_on_roll: u32,
}

/// The nomination check of one contest: each candidate's tally, and each
/// fault with where it is.
pub fn nominations(
    contest: &ContestMeta,
    rule: &NominationRule,
    roll: &[&str],
    records: &[Nomination<'_>],
) -> (Vec<Tally>, Vec<(Where, String)>) {
    let mut faults = Vec::new();
    let index: HashMap<&str, usize> = contest
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut tallies: Vec<Tally> = contest
        .candidates
        .iter()
        .map(|c| Tally {
            candidate: c.id.clone(),
            status: Some(c.status),
            ..Tally::default()
        })
        .collect();
    // (member, candidate) → the last counted action, its time and line.
    let mut last: HashMap<(&str, usize), (&Timestamp, Action, u64)> = HashMap::new();
    for r in records {
        let Some(&k) = index.get(r.candidate) else {
            faults.push((
                Where::Record(r.line),
                format!(
                    "candidate {:?} is not a candidate of contest {}",
                    r.candidate, contest.id
                ),
            ));
            continue;
        };
        let t = &mut tallies[k];
        if roll.binary_search(&r.member).is_err() {
            t.not_on_roll += 1;
        } else if r.time >= rule.deadline {
            t.late += 1;
        } else if contest.candidates[k]
            .vetted
            .as_ref()
            .is_none_or(|v| r.time < *v)
        {
            t.before_vetting += 1;
        } else {
            match last.insert((r.member, k), (&r.time, r.action, r.line)) {
                Some((time, action, line)) if *time == r.time && action != r.action => {
                    faults.push((
                        Where::Record(r.line),
                        format!(
                            "member {} both nominates and withdraws candidate {} at {}: \
                             which came last is unknown (see line {line})",
                            r.member, r.candidate, r.time
                        ),
                    ));
                }
                _ => {}
            }
        }
    }
    for (&(_, k), &(_, action, _)) in &last {
        match action {
            Action::Nominate => tallies[k].supporters += 1,
            Action::Withdraw => tallies[k].withdrawn += 1,
        }
    }
    for (k, (c, t)) in contest.candidates.iter().zip(&tallies).enumerate() {
        let found = t.supporters;
        let threshold = rule.threshold;
        match c.status {
            Status::Standing | Status::Withdrawn => {
                if c.vetted.is_none() {
                    faults.push((
                        Where::Candidate(k),
                        format!(
                            "candidate {} ({}) is on the ballot but was never vetted",
                            c.id, c.name
                        ),
                    ));
                } else if found < threshold {
                    faults.push((
                        Where::Candidate(k),
                        format!(
                            "candidate {} ({}) is on the ballot with {found} supporting \
                             nominations; the threshold is {threshold}{}",
                            c.id,
                            c.name,
                            not_counted(t)
                        ),
                    ));
                }
            }
            Status::InsufficientNominations if found >= threshold => faults.push((
                Where::Candidate(k),
                format!(
                    "candidate {} ({}) is marked insufficient-nominations, but has {found} \
                     supporting nominations; the threshold is {threshold}",
                    c.id, c.name
                ),
            )),
            Status::InsufficientNominations | Status::NotVetted => {}
        }
    }
    (tallies, faults)
}

fn not_counted(t: &Tally) -> String {
    let parts: Vec<String> = [
        (t.withdrawn, "withdrawn"),
        (t.late, "after the deadline"),
        (t.before_vetting, "before vetting"),
        (t.not_on_roll, "by members not on the roll"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, why)| format!("{n} {why}"))
    .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" (not counted: {})", parts.join(", "))
    }
}

/// What the ballots file and the roll of one contest hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Papers {
    /// Lines of the ballots file.
    pub papers: u64,
    /// Lines that are blank papers (`-`).
    pub blank: u64,
    /// Members on the contest's roll, when the bundle has it.
    pub roll: Option<u64>,
}

/// The turnout check of one contest: each fault found.
pub fn turnout(declared: &ContestTurnout, found: Papers) -> Vec<String> {
    let mut faults = Vec::new();
    let id = &declared.id;
    if declared.papers != found.papers {
        faults.push(format!(
            "contest {id}: declared {} papers, but its ballots file has {}",
            declared.papers, found.papers
        ));
    }
    if declared.blank != found.blank {
        faults.push(format!(
            "contest {id}: declared {} blank papers, but its ballots file has {}",
            declared.blank, found.blank
        ));
    }
    let cast = u128::from(found.papers) + u128::from(declared.rejected);
    if cast > u128::from(declared.links_sent) {
        faults.push(format!(
            "contest {id}: {} papers and {} rejected, more than the {} electors sent a voting link",
            found.papers, declared.rejected, declared.links_sent
        ));
    }
    if let Some(roll) = found.roll
        && declared.links_sent > roll
    {
        faults.push(format!(
            "contest {id}: {} electors sent a voting link, more than the {roll} members on its roll",
            declared.links_sent
        ));
    }
    faults
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::CandidateMeta;
    use crate::records::read_nominations;

    fn t(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn candidate(id: &str, status: Status, vetted: Option<&str>) -> CandidateMeta {
        CandidateMeta {
            affiliation: None,
            attributes: Default::default(),
            id: id.into(),
            name: format!("Name {id}"),
            status,
            vetted: vetted.map(t),
        }
    }

    fn contest(candidates: Vec<CandidateMeta>) -> ContestMeta {
        ContestMeta {
            candidates,
            constraints: Vec::new(),
            id: "north".into(),
            seats: 1,
            tie_order: None,
            title: "North".into(),
        }
    }

    const RULE_TEXT: &str = "2022-06-01T00:00:00Z";

    fn rule(threshold: u32) -> NominationRule {
        NominationRule {
            deadline: t(RULE_TEXT),
            threshold,
        }
    }

    /// The rule, each clause once: a repeat counts once, a later
    /// withdrawal cancels, a nomination after the deadline, before vetting
    /// or by a non-member does not count.
    #[test]
    fn each_nominators_last_counted_action_before_the_deadline() {
        let c = contest(vec![candidate(
            "a",
            Status::Standing,
            Some("2022-05-01T00:00:00Z"),
        )]);
        let text = "\
2022-04-30T23:59:59Z,m4,a,nominate
2022-05-01T00:00:00Z,m1,a,nominate
2022-05-02T00:00:00Z,m1,a,nominate
2022-05-02T00:00:00Z,m2,a,nominate
2022-05-03T00:00:00Z,m3,a,nominate
2022-05-04T00:00:00Z,m3,a,withdraw
2022-05-05T00:00:00Z,x9,a,nominate
2022-06-01T00:00:00Z,m5,a,nominate
";
        let records = read_nominations(text, 10).unwrap();
        let roll = ["m1", "m2", "m3", "m4", "m5"];
        let (tallies, faults) = nominations(&c, &rule(2), &roll, &records);
        assert_eq!(
            tallies[0],
            Tally {
                candidate: "a".into(),
                status: Some(Status::Standing),
                supporters: 2,
                withdrawn: 1,
                late: 1,
                before_vetting: 1,
                not_on_roll: 1,
            }
        );
        assert!(faults.is_empty(), "{faults:?}");
        let (_, faults) = nominations(&c, &rule(3), &roll, &records);
        assert_eq!(faults.len(), 1);
        assert_eq!(faults[0].0, Where::Candidate(0));
        assert!(
            faults[0]
                .1
                .contains("with 2 supporting nominations; the threshold is 3"),
            "{}",
            faults[0].1
        );
        assert!(faults[0].1.contains("1 withdrawn, 1 after the deadline"));
    }

    #[test]
    fn a_candidate_kept_off_for_too_few_must_have_had_too_few() {
        let c = contest(vec![candidate(
            "b",
            Status::InsufficientNominations,
            Some("2022-05-01T00:00:00Z"),
        )]);
        let text = "2022-05-02T00:00:00Z,m1,b,nominate\n2022-05-02T00:00:00Z,m2,b,nominate\n";
        let records = read_nominations(text, 10).unwrap();
        let (_, faults) = nominations(&c, &rule(3), &["m1", "m2"], &records);
        assert!(faults.is_empty());
        let (_, faults) = nominations(&c, &rule(2), &["m1", "m2"], &records);
        assert!(
            faults[0]
                .1
                .contains("marked insufficient-nominations, but has 2")
        );
    }

    #[test]
    fn nominate_and_withdraw_in_one_second_is_ambiguous() {
        let c = contest(vec![candidate(
            "a",
            Status::Standing,
            Some("2022-05-01T00:00:00Z"),
        )]);
        let text = "2022-05-02T00:00:00Z,m1,a,nominate\n2022-05-02T00:00:00Z,m1,a,withdraw\n";
        let records = read_nominations(text, 10).unwrap();
        let (_, faults) = nominations(&c, &rule(1), &["m1"], &records);
        assert_eq!(faults[0].0, Where::Record(2));
        assert!(faults[0].1.contains("which came last is unknown"));
    }

    #[test]
    fn unknown_and_unvetted_candidates_are_faults() {
        let c = contest(vec![candidate("a", Status::Standing, None)]);
        let records = read_nominations("2022-05-02T00:00:00Z,m1,z,nominate\n", 10).unwrap();
        let (_, faults) = nominations(&c, &rule(1), &["m1"], &records);
        assert_eq!(faults[0].0, Where::Record(1));
        assert!(faults[1].1.contains("never vetted"));
    }

    #[test]
    fn turnout_agrees_with_the_papers_and_the_roll() {
        let declared = ContestTurnout {
            blank: 1,
            id: "north".into(),
            links_sent: 10,
            papers: 8,
            rejected: 2,
        };
        let ok = Papers {
            papers: 8,
            blank: 1,
            roll: Some(12),
        };
        assert!(turnout(&declared, ok).is_empty());
        let bad = Papers {
            papers: 9,
            blank: 0,
            roll: Some(9),
        };
        let faults = turnout(&declared, bad);
        assert_eq!(faults.len(), 4, "{faults:?}");
        assert!(faults[0].contains("declared 8 papers, but its ballots file has 9"));
        assert!(faults[2].contains("more than the 10 electors sent a voting link"));
        assert!(faults[3].contains("more than the 9 members on its roll"));
    }
}
