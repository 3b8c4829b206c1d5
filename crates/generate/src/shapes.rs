//! Elections of realistic shapes for the rule makers' workbench (`recount
//! fuzz`, `specs/workbench.md`), each a function of `(generator,
//! parameters, seed)`:
//!
//! - `impartial`: every ranking equally likely (impartial culture);
//! - `blocs`: two to four parties, each voter loyal to one and ranking its
//!   list in the party's order, with leakage to other parties' candidates;
//! - `spatial`: candidates and voters on a line, each ranking by distance;
//! - `mallows`: Mallows-like noise around one reference ranking (adjacent
//!   swaps, each with probability 1/3);
//! - `near-ties`: a few rankings with counts that differ by at most one, so
//!   ties and near-ties are common;
//! - `mixed`: one of the others, chosen by the seed.
//!
//! Papers are truncated to a realistic length (at least one preference,
//! mean about half the candidates, often shorter), and [`Params::draw`]
//! draws the parameters themselves: 2 to 100 candidates, 1 to 20 seats
//! (fewer than the candidates), tiny (1–20) to large (up to 5,000) drawn
//! papers, one election in fifty with each paper standing for a million
//! to a billion (huge counts), and sometimes a representation constraint.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use ballot::constraints::Constraint;
use ballot::{BallotsBuilder, Candidate, CandidateId, Contest, Election};

/// The generators, by the names `--generator` takes.
pub const GENERATORS: [&str; 6] = [
    "impartial",
    "blocs",
    "spatial",
    "mallows",
    "near-ties",
    "mixed",
];

/// The shape of one generated election.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    /// Candidates, at least 2.
    pub candidates: usize,
    /// Seats, at least 1 and fewer than the candidates.
    pub seats: u32,
    /// Papers.
    pub papers: u64,
    /// Whether a `gender=woman` minimum is set (candidates get attributes).
    pub constrained: bool,
    /// Each drawn paper stands for this many (1 but for huge counts).
    pub weight: u64,
}

impl Params {
    /// Parameters drawn from `seed`: see the module docs.
    pub fn draw(seed: u64) -> Params {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x7061_7261_6d73);
        let candidates = match rng.random_range(0..10) {
            0..=5 => rng.random_range(2..=8),
            6..=8 => rng.random_range(9..=20),
            _ => rng.random_range(21..=100),
        };
        let seats = rng.random_range(1..=(candidates as u32 - 1).clamp(1, 20));
        let papers = match rng.random_range(0..10) {
            0 => rng.random_range(1..=20),
            1..=7 => rng.random_range(21..=500),
            _ => rng.random_range(501..=5_000),
        };
        let constrained = candidates >= 4 && rng.random_range(0..5) == 0;
        // One election in fifty has a huge paper count: each paper drawn
        // stands for a million to a billion alike.
        let weight = if rng.random_range(0..50) == 0 {
            rng.random_range(1_000_000..=1_000_000_000)
        } else {
            1
        };
        Params {
            candidates,
            seats,
            papers,
            constrained,
            weight,
        }
    }

    /// The benchmark's shape: 10 candidates, 3 seats, 1,000 papers.
    pub fn bench() -> Params {
        Params {
            candidates: 10,
            seats: 3,
            papers: 1_000,
            constrained: false,
            weight: 1,
        }
    }
}

/// The election of `generator` (a name of [`GENERATORS`]) with `params`,
/// from `seed`; `None` for an unknown generator.
pub fn election(generator: &str, params: Params, seed: u64) -> Option<Election> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let generator = if generator == "mixed" {
        GENERATORS[rng.random_range(0..5)]
    } else {
        generator
    };
    let n = params.candidates;
    let mut builder = BallotsBuilder::new(n);
    let mut paper: Vec<CandidateId> = Vec::with_capacity(n);
    let ids: Vec<CandidateId> = (0..n).filter_map(CandidateId::new).collect();
    match generator {
        "impartial" => {
            for _ in 0..params.papers {
                let mut r = ids.clone();
                r.shuffle(&mut rng);
                truncate(&mut r, &mut rng);
                builder.push(&r, params.weight).ok()?;
            }
        }
        "blocs" => {
            let parties = rng.random_range(2..=4usize.min(n));
            let party_of: Vec<usize> = (0..n).map(|c| c % parties).collect();
            let support: Vec<u32> = (0..parties).map(|_| rng.random_range(1..10)).collect();
            let total: u32 = support.iter().sum();
            for _ in 0..params.papers {
                let mut pick = rng.random_range(0..total);
                let mut party = 0;
                while pick >= support[party] {
                    pick -= support[party];
                    party += 1;
                }
                paper.clear();
                // The party's list in its order, then, with leakage, others.
                paper.extend(ids.iter().copied().filter(|c| party_of[c.index()] == party));
                let mut rest: Vec<CandidateId> = ids
                    .iter()
                    .copied()
                    .filter(|c| party_of[c.index()] != party)
                    .collect();
                rest.shuffle(&mut rng);
                if rng.random_range(0..4) == 0 {
                    // Leakage: an outsider before the list's end.
                    if let Some(o) = rest.pop() {
                        let at = rng.random_range(0..=paper.len());
                        paper.insert(at, o);
                    }
                }
                paper.extend(rest);
                truncate(&mut paper, &mut rng);
                builder.push(&paper, params.weight).ok()?;
            }
        }
        "spatial" => {
            let place: Vec<i64> = (0..n).map(|_| rng.random_range(0..1_000)).collect();
            for _ in 0..params.papers {
                let v: i64 = rng.random_range(0..1_000);
                let mut r = ids.clone();
                r.sort_by_key(|c| ((place[c.index()] - v).abs(), c.index()));
                truncate(&mut r, &mut rng);
                builder.push(&r, params.weight).ok()?;
            }
        }
        "mallows" => {
            let mut reference = ids.clone();
            reference.shuffle(&mut rng);
            for _ in 0..params.papers {
                let mut r = reference.clone();
                for _ in 0..n {
                    let i = rng.random_range(0..n.saturating_sub(1).max(1));
                    if i + 1 < n && rng.random_range(0..3) == 0 {
                        r.swap(i, i + 1);
                    }
                }
                truncate(&mut r, &mut rng);
                builder.push(&r, params.weight).ok()?;
            }
        }
        "near-ties" => {
            let kinds = rng.random_range(2..=6usize);
            let base = (params.papers / kinds as u64).max(1);
            for _ in 0..kinds {
                let mut r = ids.clone();
                r.shuffle(&mut rng);
                truncate(&mut r, &mut rng);
                builder
                    .push(&r, (base + rng.random_range(0..2)) * params.weight)
                    .ok()?;
            }
        }
        _ => return None,
    }
    let candidates: Vec<Candidate> = (0..n)
        .map(|i| {
            let mut c = Candidate::named(i + 1, format!("C{}", i + 1));
            if params.constrained {
                let g = if i % 3 == 1 { "woman" } else { "man" };
                c.attributes.insert("gender".into(), g.into());
            }
            c
        })
        .collect();
    let mut contest = Contest::new(
        "fuzz",
        format!("{generator} {n} candidates {} seats", params.seats),
        params.seats,
        candidates,
        builder.build(),
    )
    .ok()?;
    if params.constrained {
        let women = (0..n).filter(|i| i % 3 == 1).count() as u32;
        let min = (params.seats / 3).clamp(1, women);
        contest = contest
            .with_constraints(vec![Constraint::at_least("gender", "woman", min)])
            .ok()?;
    }
    Election::new("fuzz", format!("{generator} seed {seed}"), vec![contest]).ok()
}

/// Cuts a paper to a realistic length: at least one preference, often
/// about half the candidates, sometimes all.
fn truncate(r: &mut Vec<CandidateId>, rng: &mut ChaCha8Rng) {
    let n = r.len();
    let keep = match rng.random_range(0..4) {
        0 => n,
        1 => rng.random_range(1..=n.min(3)),
        _ => rng.random_range(1..=n.div_ceil(2).max(1)),
    };
    r.truncate(keep.max(1));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_generator_is_a_function_of_its_seed() {
        for g in GENERATORS {
            let p = Params::draw(9);
            let a = election(g, p, 9).unwrap();
            let b = election(g, p, 9).unwrap();
            assert_eq!(a, b, "{g}");
            assert_eq!(a.contests()[0].ballots().total_papers() > 0, p.papers > 0);
        }
        assert!(election("uniform", Params::bench(), 1).is_none());
    }

    #[test]
    fn drawn_parameters_stay_in_their_ranges() {
        for seed in 0..2_000 {
            let p = Params::draw(seed);
            assert!((2..=100).contains(&p.candidates));
            assert!(p.seats >= 1 && (p.seats as usize) < p.candidates && p.seats <= 20);
            assert!((1..=5_000).contains(&p.papers));
        }
    }
}
