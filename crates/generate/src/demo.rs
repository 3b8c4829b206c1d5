//! The audit demo (`audit-data/`): the election this toolkit is built for,
//! made from a seed. Eight regional contests of [`crate::momentum_2022`]
//! (their seats, diversity minimums and party-bloc papers), and the records
//! an authority keeps of it: each region's electoral roll (pseudonymous
//! member ids), every nomination action, the voting links sent and the
//! papers rejected.
//!
//! The nomination story the records tell, so that the audit has something
//! to check: staff vet each self-nomination on a day in early May; members
//! nominate through personal links until the deadline; some nominate twice
//! (counted once), some withdraw and nominate someone else, a few try after
//! the deadline or before the candidate was vetted (not counted). Every
//! candidate on the ballot ends with at least [`THRESHOLD`] supporters; one
//! candidate in the Midlands ends one short and is kept off the ballot.
//!
//! Everything here is a function of the seed; nothing is read or printed.
//! The binary writes these records as the META of `recount publish`.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use ballot::{Election, constraints::Constraint};

use crate::{MOMENTUM_2022_REGIONS, momentum_2022};

/// Supporting nominations a candidate needs.
pub const THRESHOLD: u32 = 20;
/// The nomination deadline (UTC).
pub const DEADLINE: &str = "2022-05-20T12:00:00Z";
/// Voting opens (UTC).
pub const OPENS: &str = "2022-06-01T09:00:00Z";
/// Voting closes (UTC).
pub const CLOSES: &str = "2022-06-15T17:00:00Z";
/// The region whose extra candidate is one nomination short.
pub const SHORT_REGION: &str = "midlands";

/// A candidate the records know: on the ballot or kept off it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoCandidate {
    /// The candidate id (the ballot's, or a new one for one kept off).
    pub id: String,
    /// The name, for one kept off the ballot.
    pub name: Option<String>,
    /// When staff vetted the self-nomination.
    pub vetted: String,
    /// Whether the candidate is kept off the ballot for too few nominations.
    pub insufficient: bool,
}

/// One region's records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoRegion {
    /// The contest id.
    pub id: String,
    /// The candidates' vetting (and the one kept off, if any).
    pub candidates: Vec<DemoCandidate>,
    /// The roll, one member id a line, in no particular order.
    pub roll: Vec<String>,
    /// Nomination actions `time,member,candidate,action`, in the order made.
    pub nominations: Vec<String>,
    /// Members sent a voting link.
    pub links_sent: u64,
    /// Papers cast but rejected.
    pub rejected: u64,
}

/// The demo: the election (with its constraints) and each region's records.
#[derive(Clone, Debug)]
pub struct Demo {
    /// The election, with each region's minimums as constraints.
    pub election: Election,
    /// The records, by region in the election's order.
    pub regions: Vec<DemoRegion>,
}

fn time(day: u32, seconds: u32) -> String {
    format!(
        "2022-05-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// The demo made from `seed`.
pub fn momentum_demo(seed: u64) -> Demo {
    let mut election = momentum_2022(seed);
    for (contest, &(_, _, _, women, bame)) in election
        .contests_mut()
        .iter_mut()
        .zip(MOMENTUM_2022_REGIONS.iter())
    {
        let mut constraints = Vec::new();
        if women > 0 {
            constraints.push(Constraint::at_least("gender", "woman", women));
        }
        if bame > 0 {
            constraints.push(Constraint::at_least("bame", "yes", bame));
        }
        contest
            .set_constraints(constraints)
            .expect("the generator's minimums fit its candidates");
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6e6f_6d69_6e61_7465);
    let mut regions = Vec::new();
    let mut next_member = 1u32;
    for contest in election.contests() {
        let papers = contest.ballots().total_papers();
        // About 42 % of the roll vote; a few members have no link.
        let roll_size = papers * 100 / 42;
        let links_sent = roll_size - roll_size / 50;
        let roll: Vec<String> = (0..roll_size)
            .map(|_| {
                let id = format!("m{next_member:05}");
                next_member += 1;
                id
            })
            .collect();
        let mut candidates: Vec<DemoCandidate> = contest
            .candidates()
            .iter()
            .map(|c| DemoCandidate {
                id: c.id.clone(),
                name: None,
                vetted: time(rng.random_range(2..=6), rng.random_range(32_400..61_200)),
                insufficient: false,
            })
            .collect();
        if contest.id() == SHORT_REGION {
            candidates.push(DemoCandidate {
                id: format!("{}", contest.candidates().len() + 1),
                name: Some(format!(
                    "{} candidate {}",
                    contest.title(),
                    contest.candidates().len() + 1
                )),
                vetted: time(4, 43_200),
                insufficient: true,
            });
        }
        let mut nominations: Vec<(String, String)> = Vec::new();
        let mut push = |t: String, m: &str, c: &str, a: &str| {
            nominations.push((t.clone(), format!("{t},{m},{c},{a}")));
        };
        for cand in &candidates {
            let vetted_day: u32 = cand.vetted[8..10].parse().unwrap_or(2);
            let target = if cand.insufficient {
                THRESHOLD - 1
            } else {
                THRESHOLD + rng.random_range(0..25)
            };
            let mut members = roll.clone();
            members.shuffle(&mut rng);
            let at = |rng: &mut ChaCha8Rng| {
                time(
                    rng.random_range(vetted_day + 1..=19),
                    rng.random_range(0..86_400),
                )
            };
            for m in members.iter().take(target as usize) {
                push(at(&mut rng), m, &cand.id, "nominate");
            }
            // A repeat (counted once) and a change of mind (nominated, then
            // withdrawn: not counted).
            let again = &members[0];
            push(at(&mut rng), again, &cand.id, "nominate");
            let changed = &members[target as usize];
            push(time(vetted_day + 1, 36_000), changed, &cand.id, "nominate");
            push(time(19, 72_000), changed, &cand.id, "withdraw");
            // Too late, and too early: not counted.
            push(
                time(20, 43_200 + rng.random_range(0..3_600)),
                &members[target as usize + 1],
                &cand.id,
                "nominate",
            );
            if !cand.insufficient {
                push(
                    time(vetted_day - 1, 36_000),
                    &members[target as usize + 2],
                    &cand.id,
                    "nominate",
                );
            }
        }
        nominations.sort();
        let nominations = nominations.into_iter().map(|(_, line)| line).collect();
        let rejected = rng.random_range(1..5);
        regions.push(DemoRegion {
            id: contest.id().to_owned(),
            candidates,
            roll,
            nominations,
            links_sent,
            rejected,
        });
    }
    Demo { election, regions }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_is_a_function_of_its_seed() {
        let a = momentum_demo(2022);
        let b = momentum_demo(2022);
        assert_eq!(a.regions, b.regions);
        assert_eq!(a.regions.len(), 8);
        assert_ne!(a.regions, momentum_demo(7).regions);
    }

    #[test]
    fn one_candidate_is_one_nomination_short() {
        let demo = momentum_demo(2022);
        let short: Vec<&DemoCandidate> = demo
            .regions
            .iter()
            .flat_map(|r| &r.candidates)
            .filter(|c| c.insufficient)
            .collect();
        assert_eq!(short.len(), 1);
        let region = demo.regions.iter().find(|r| r.id == SHORT_REGION).unwrap();
        let id = &short[0].id;
        let nominating: std::collections::BTreeSet<&str> = region
            .nominations
            .iter()
            .filter(|l| l.starts_with("2022-05-1") || l.starts_with("2022-05-0"))
            .filter(|l| l.ends_with(&format!(",{id},nominate")))
            .map(|l| l.split(',').nth(1).unwrap())
            .collect();
        // 19 supporters and the one who withdrew (the late one is not before the 20th).
        assert_eq!(nominating.len(), THRESHOLD as usize);
    }
}
