//! Seeded synthetic elections, for demos, benchmarks and (through
//! `recount-testkit`) tests: what `recount generate` writes.
//!
//! Generators are deterministic functions of a [`Spec`] and a seed (a
//! ChaCha8 stream), so a benchmark or demo file can be regenerated
//! byte-for-byte anywhere. Candidate popularity follows a Zipf-like law and
//! each paper is drawn Plackett–Luce style (the next preference in proportion
//! to popularity among those not yet ranked), which gives real surpluses,
//! transfers and exclusions rather than uniform noise. Floating point shapes
//! the draws only; every paper is whole.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::io::{self, Write};

pub mod demo;
pub mod shapes;

use ballot::{BallotsBuilder, Candidate, CandidateId, Contest, Election};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The shape of a generated contest.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spec {
    /// Number of candidates.
    pub candidates: usize,
    /// Seats to fill.
    pub seats: u32,
    /// Number of papers.
    pub papers: u64,
    /// Mean number of preferences on a paper (at least 1; capped at `candidates`).
    pub mean_length: f64,
}

impl Spec {
    /// A Senate-like contest: 100 candidates, 6 seats, long papers (mean 12).
    pub fn senate(papers: u64) -> Spec {
        Spec {
            candidates: 100,
            seats: 6,
            papers,
            mean_length: 12.0,
        }
    }
}

/// Draws papers for a [`Spec`] from a seeded stream.
#[derive(Debug)]
pub struct PaperSource {
    rng: ChaCha8Rng,
    cumulative: Vec<u64>,
    spec: Spec,
    chosen: Vec<bool>,
}

impl PaperSource {
    /// A source of papers for `spec`, seeded with `seed`.
    pub fn new(spec: Spec, seed: u64) -> PaperSource {
        assert!(spec.candidates >= 1 && spec.candidates <= CandidateId::MAX_CANDIDATES);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // Zipf-like popularity with a random permutation, in integer weights.
        let mut weights: Vec<u64> = (1..=spec.candidates as u64)
            .map(|r| 1_000_000 / r + 1)
            .collect();
        for i in (1..weights.len()).rev() {
            let j = rng.random_range(0..=i);
            weights.swap(i, j);
        }
        let cumulative = cumulative(&weights);
        PaperSource {
            rng,
            cumulative,
            spec,
            chosen: vec![false; spec.candidates],
        }
    }

    /// The next paper's ranking, written into `out` (never empty).
    pub fn next_paper(&mut self, out: &mut Vec<CandidateId>) {
        out.clear();
        let n = self.spec.candidates;
        // Geometric length with the requested mean, at least 1.
        let p = 1.0 / self.spec.mean_length.max(1.0);
        let mut len = 1;
        while len < n && !self.rng.random_bool(p) {
            len += 1;
        }
        let total = *self.cumulative.last().expect("at least one candidate");
        while out.len() < len {
            let c = if out.len() * 2 < n {
                // Rejection sampling is fast while few candidates are taken.
                let x = self.rng.random_range(0..total);
                self.cumulative.partition_point(|&c| c <= x)
            } else {
                let free: Vec<usize> = (0..n).filter(|&i| !self.chosen[i]).collect();
                free[self.rng.random_range(0..free.len())]
            };
            if !self.chosen[c] {
                self.chosen[c] = true;
                out.push(CandidateId::new(c).expect("candidate index in range"));
            }
        }
        for c in out.iter() {
            self.chosen[c.index()] = false;
        }
    }
}

/// The running totals of `weights`, for drawing a candidate in proportion.
fn cumulative(weights: &[u64]) -> Vec<u64> {
    weights
        .iter()
        .scan(0, |acc, w| {
            *acc += w;
            Some(*acc)
        })
        .collect()
}

impl PaperSource {
    /// A source of papers whose candidates have these popularity weights
    /// (in candidate order, each at least 1) instead of a shuffled Zipf law:
    /// for elections built to a design, such as [`momentum_2022`].
    pub fn with_weights(weights: &[u64], mean_length: f64, papers: u64, seed: u64) -> PaperSource {
        assert!(!weights.is_empty() && weights.len() <= CandidateId::MAX_CANDIDATES);
        assert!(weights.iter().all(|&w| w >= 1), "every weight at least 1");
        let cumulative = cumulative(weights);
        PaperSource {
            rng: ChaCha8Rng::seed_from_u64(seed),
            cumulative,
            spec: Spec {
                candidates: weights.len(),
                seats: 1,
                papers,
                mean_length,
            },
            chosen: vec![false; weights.len()],
        }
    }
}

/// One region of [`momentum_2022`]: its id, title, seats and reserved
/// minimums (women, BAME), as on the organisation's results page
/// (`../shared/data/momentum-ncg-2022/NOTES.md`).
pub const MOMENTUM_2022_REGIONS: [(&str, &str, u32, u32, u32); 8] = [
    ("london-eastern", "London & Eastern", 6, 3, 2),
    ("south-east", "South East", 3, 1, 1),
    ("south-west", "South West", 3, 2, 0),
    ("midlands", "Midlands", 4, 2, 1),
    ("north-west-north-east", "North West & North East", 5, 2, 2),
    (
        "yorkshire-ni-international",
        "Yorkshire, NI & International",
        3,
        2,
        0,
    ),
    ("scotland", "Scotland", 1, 0, 0),
    ("wales", "Wales", 1, 1, 0),
];

/// A synthetic stand-in for the Momentum NCG 2022 election (no ballots
/// were published): the eight regions of [`MOMENTUM_2022_REGIONS`], 3,380
/// papers shared out by seats, and candidates carrying `gender`
/// (`woman`/`man`) and `bame` (`yes`/`no`) attributes.
///
/// Built so that an unconstrained count breaks the minimums: each region
/// has `seats` white men who are far more popular than everyone else, then
/// the candidates the minimums need (women, BAME women, a BAME man), less
/// popular, so that ordinary STV elects the white men. The constraints
/// themselves are not set here: they come from
/// `audit-data/momentum-2022/constraints.csv`.
pub fn momentum_2022(seed: u64) -> Election {
    let total_papers = 3_380u64;
    let total_seats: u64 = MOMENTUM_2022_REGIONS.iter().map(|r| u64::from(r.2)).sum();
    let mut contests = Vec::new();
    for (k, &(id, title, seats, women, bame)) in MOMENTUM_2022_REGIONS.iter().enumerate() {
        // (gender, bame, weight): popular white men first, then a field
        // that can meet the minimums with one to spare.
        let mut field: Vec<(&str, &str, u64)> = Vec::new();
        for i in 0..seats {
            field.push(("man", "no", 1_000 - 60 * u64::from(i)));
        }
        let bame_women = bame.min(women);
        for i in 0..bame_women {
            field.push(("woman", "yes", 180 - 15 * u64::from(i)));
        }
        for i in 0..(women - bame_women + 1) {
            field.push(("woman", "no", 200 - 20 * u64::from(i)));
        }
        for i in 0..(bame - bame_women + 1) {
            field.push(("man", "yes", 150 - 15 * u64::from(i)));
        }
        let weights: Vec<u64> = field.iter().map(|f| f.2).collect();
        let papers = total_papers * u64::from(seats) / total_seats;
        let mut source = PaperSource::with_weights(&weights, 3.0, papers, seed + k as u64);
        let mut builder = BallotsBuilder::new(field.len());
        let mut paper = Vec::new();
        for _ in 0..papers {
            source.next_paper(&mut paper);
            builder
                .push(&paper, 1)
                .expect("generated papers are strict rankings");
        }
        let candidates = field
            .iter()
            .enumerate()
            .map(|(i, (gender, b, _))| {
                let mut c = Candidate::named(i + 1, format!("{title} candidate {}", i + 1));
                c.attributes.insert("gender".into(), (*gender).into());
                c.attributes.insert("bame".into(), (*b).into());
                c
            })
            .collect();
        contests.push(
            Contest::new(id, title, seats, candidates, builder.build())
                .expect("generated contests are well formed"),
        );
    }
    Election::new(
        "momentum-2022",
        "Momentum NCG 2022 (synthetic ballots)",
        contests,
    )
    .expect("distinct region ids")
}

/// The candidates' attributes of an election as the attributes CSV of
/// `specs/constraints.md` (`contest,name,<attribute>,…`, attributes in
/// sorted order, a row per candidate).
pub fn attributes_csv(election: &Election) -> String {
    let mut names: Vec<&str> = election
        .contests()
        .iter()
        .flat_map(|c| c.candidates())
        .flat_map(|c| c.attributes.keys().map(String::as_str))
        .collect();
    names.sort_unstable();
    names.dedup();
    let quote = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) || s.trim() != s {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut out = String::from("contest,name");
    for n in &names {
        out.push(',');
        out.push_str(&quote(n));
    }
    out.push('\n');
    for contest in election.contests() {
        for cand in contest.candidates() {
            out.push_str(&quote(contest.id()));
            out.push(',');
            out.push_str(&quote(&cand.name));
            for n in &names {
                out.push(',');
                out.push_str(&quote(cand.attributes.get(*n).map_or("", String::as_str)));
            }
            out.push('\n');
        }
    }
    out
}

/// A generated contest for `spec`, from `seed`.
pub fn contest(spec: Spec, seed: u64) -> Contest {
    let mut source = PaperSource::new(spec, seed);
    let mut builder = BallotsBuilder::new(spec.candidates);
    let mut paper = Vec::new();
    for _ in 0..spec.papers {
        source.next_paper(&mut paper);
        builder
            .push(&paper, 1)
            .expect("generated papers are strict rankings");
    }
    let candidates = (1..=spec.candidates)
        .map(|i| Candidate::named(i, format!("Candidate {i}")))
        .collect();
    Contest::new(
        format!("gen-{seed}"),
        format!("Generated election (seed {seed})"),
        spec.seats,
        candidates,
        builder.build(),
    )
    .expect("generated contests are well formed")
}

/// Streams a generated contest straight to BLT, one line per paper, without
/// building it in memory (for multi-million-paper benchmark files).
pub fn write_blt(spec: Spec, seed: u64, out: &mut dyn Write) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 20, out);
    writeln!(out, "{} {}", spec.candidates, spec.seats)?;
    let mut source = PaperSource::new(spec, seed);
    let mut paper = Vec::new();
    let mut line = Vec::with_capacity(1024);
    for _ in 0..spec.papers {
        source.next_paper(&mut paper);
        line.clear();
        line.extend_from_slice(b"1");
        for c in &paper {
            line.push(b' ');
            line.extend_from_slice(c.number().to_string().as_bytes());
        }
        line.extend_from_slice(b" 0\n");
        out.write_all(&line)?;
    }
    writeln!(out, "0")?;
    for i in 1..=spec.candidates {
        writeln!(out, "\"Candidate {i}\"")?;
    }
    writeln!(out, "\"Generated election (seed {seed})\"")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_a_function_of_the_seed() {
        let spec = Spec {
            candidates: 10,
            seats: 3,
            papers: 2000,
            mean_length: 4.0,
        };
        assert_eq!(contest(spec, 7), contest(spec, 7));
        assert_ne!(contest(spec, 7), contest(spec, 8));
        let mut a = Vec::new();
        let mut b = Vec::new();
        write_blt(spec, 7, &mut a).unwrap();
        write_blt(spec, 7, &mut b).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn generated_papers_have_the_requested_shape() {
        let spec = Spec {
            candidates: 30,
            seats: 5,
            papers: 20_000,
            mean_length: 6.0,
        };
        let c = contest(spec, 1);
        let ballots = c.ballots();
        assert_eq!(ballots.ranked_papers(), 20_000);
        let prefs: u64 = ballots
            .iter()
            .map(|b| b.ranking.len() as u64 * b.count.0)
            .sum();
        let mean = prefs as f64 / 20_000.0;
        assert!((5.0..7.0).contains(&mean), "mean length {mean}");
        // Zipf popularity: the most popular candidate has far more first preferences than the least.
        let fp = ballots.first_preferences();
        assert!(fp.iter().max().unwrap() > &(5 * fp.iter().min().unwrap()));
    }
}
