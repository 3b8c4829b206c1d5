//! Golden transcripts: the SHA-256 of every preset's transcript over the
//! 351 Scottish 2017 wards and a few hundred seeded random contests (ties,
//! withdrawn candidates, constraints under all three constraint methods,
//! ERS97 sub-stages), recorded before the counting core was reworked.
//!
//! Independent source: none; this pins that a refactor of the engine
//! changes nothing a count writes. Each hash covers the contest's whole
//! JSON transcript except its `rules` object, whose shape the core issue
//! changes on purpose (the rules are pinned by their own round-trip tests).
//! A change that alters a transcript must say here which, and why the new
//! one is right by the rule text.
//!
//! `RECOUNT_BLESS=1 cargo test -p recount-tests --test golden_transcripts`
//! rewrites `tests/golden/transcripts.tsv`; never do that to make a
//! refactor pass.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ballot::constraints::Constraint;
use ballot::{BallotsBuilder, Candidate, CandidateId, Contest, Election, Format, ReadOptions};
use count::Rules;
use count::rules::{ConstraintMethod, WithoutVotes};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

const GOLDEN: &str = "golden/transcripts.tsv";

/// Seeded random contests: small paper counts make ties common.
const RANDOM_CONTESTS: u64 = 300;

/// `(case, preset) → hash of the transcript`, over every case.
fn hashes(data: Option<&Path>) -> BTreeMap<(String, String), String> {
    let mut cases: Vec<(String, Election)> = Vec::new();
    if let Some(data) = data {
        for (file, path) in scottish_2017(data) {
            let bytes = std::fs::read(&path).expect("a ballot file");
            let election = ballot::read(Format::Blt, &bytes, &ReadOptions::default())
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            cases.push((file, election));
        }
    }
    for seed in 0..RANDOM_CONTESTS {
        cases.push((format!("random-{seed}"), random_election(seed)));
    }
    for seed in 0..4 {
        cases.push((format!("momentum-{seed}"), momentum(seed)));
    }
    // The presets are independent: count them on every core.
    let presets: Vec<&str> = Rules::presets().into_iter().map(|p| p.0).collect();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunks: Vec<Vec<&str>> = (0..threads)
        .map(|t| presets.iter().skip(t).step_by(threads).copied().collect())
        .collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|names| scope.spawn(|| hash_presets(names, &cases)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a hashing thread"))
            .collect()
    })
}

/// The hashes of `cases` under each named preset, under every constraint
/// method where a case has constraints.
fn hash_presets(names: &[&str], cases: &[(String, Election)]) -> Vec<((String, String), String)> {
    let mut out = Vec::new();
    for &name in names {
        let preset = Rules::preset(name).expect("a listed preset");
        for (case, election) in cases {
            let constrained = election
                .contests()
                .iter()
                .any(|c| !c.constraints().is_empty());
            let methods: &[ConstraintMethod] = if constrained {
                &[
                    ConstraintMethod::GuardDoom,
                    ConstraintMethod::ReservedPlaces,
                    ConstraintMethod::Substitution,
                ]
            } else {
                &[ConstraintMethod::GuardDoom]
            };
            for &method in methods {
                // One at a time, as the golden file was recorded before
                // candidates without votes could be excluded together.
                let rules = Rules {
                    constraint_method: method,
                    candidates_without_votes: WithoutVotes::OneAtATime,
                    ..preset.clone()
                };
                let label = if constrained {
                    format!("{name}/{method:?}")
                } else {
                    name.to_owned()
                };
                let hash = match count::count(election, &rules) {
                    Ok(t) => transcript_hash(&t),
                    Err(e) => format!("error: {e}"),
                };
                out.push(((case.clone(), label), hash));
            }
        }
    }
    out
}

/// SHA-256 of the transcript's JSON with each contest's `rules` removed.
fn transcript_hash(t: &count::Transcript) -> String {
    let mut value = serde_json::to_value(t).expect("a transcript serialises");
    for contest in value["contests"].as_array_mut().expect("contests") {
        contest
            .as_object_mut()
            .expect("a contest object")
            .remove("rules");
    }
    let bytes = serde_json::to_vec(&value).expect("JSON");
    let digest = Sha256::digest(&bytes);
    digest.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The 2017 ward ballot files named by `_derived/pairs_2017.tsv`.
fn scottish_2017(data: &Path) -> Vec<(String, PathBuf)> {
    let text =
        std::fs::read_to_string(data.join("_derived/pairs_2017.tsv")).expect("pairs_2017.tsv");
    let wanted: Vec<String> = text
        .lines()
        .skip(1)
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').next().expect("a file name").to_owned())
        .collect();
    let mut found = support::scot_elex_ballot_files(data);
    found.retain(|name, _| wanted.contains(name));
    assert_eq!(found.len(), 351, "the 351 wards of 2017");
    found.into_iter().collect()
}

/// A small random contest: 2–12 candidates, 1–5 seats, up to 60 distinct
/// rankings of 1–9 papers (ties are common), sometimes a withdrawn
/// candidate, and for every fifth seed a `gender` minimum.
fn random_election(seed: u64) -> Election {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = rng.random_range(2..=12usize);
    let seats = rng.random_range(1..=n.min(5)) as u32;
    let mut candidates: Vec<Candidate> = (1..=n)
        .map(|i| Candidate::named(i, format!("C{i}")))
        .collect();
    for c in &mut candidates {
        let g = if rng.random_bool(0.4) { "w" } else { "m" };
        c.attributes.insert("gender".into(), g.into());
    }
    let mut b = BallotsBuilder::new(n);
    for _ in 0..rng.random_range(1..=60) {
        let mut ids: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            ids.swap(i, rng.random_range(0..=i));
        }
        ids.truncate(rng.random_range(1..=n));
        let ranking: Vec<CandidateId> = ids.into_iter().filter_map(CandidateId::new).collect();
        b.push(&ranking, rng.random_range(1..=9))
            .expect("a strict ranking");
    }
    let mut contest = Contest::new("r", format!("Random {seed}"), seats, candidates, b.build())
        .expect("a well-formed contest");
    if n > seats as usize + 1 && rng.random_bool(0.2) {
        let w = CandidateId::new(rng.random_range(0..n)).expect("an id");
        contest = contest.with_withdrawn([w]).expect("a withdrawal");
    }
    let mut election = Election::single(contest);
    if seed % 5 == 0 {
        let women = election.contests()[0]
            .candidates()
            .iter()
            .filter(|c| c.attributes.get("gender").map(String::as_str) == Some("w"))
            .count() as u32;
        let min = women.min(seats).min(2);
        let cs = vec![Constraint::at_least("gender", "w", min)];
        let contest = &mut election.contests_mut()[0];
        let feasible = count::constraints::ContestConstraints::new(contest, cs.clone())
            .and_then(|cc| cc.check_feasible().map(|()| cc))
            .is_ok();
        if feasible {
            contest.set_constraints(cs).expect("checked constraints");
        }
    }
    election
}

/// The Momentum-shaped demo election with its regions' minimums.
fn momentum(seed: u64) -> Election {
    let mut e = recount_testkit::momentum_2022(seed);
    for (contest, &(_, _, _, women, bame)) in e
        .contests_mut()
        .iter_mut()
        .zip(&recount_testkit::MOMENTUM_2022_REGIONS)
    {
        let mut cs = Vec::new();
        if women > 0 {
            cs.push(Constraint::at_least("gender", "woman", women));
        }
        if bame > 0 {
            cs.push(Constraint::at_least("bame", "yes", bame));
        }
        contest.set_constraints(cs).expect("the regions' minimums");
    }
    e
}

fn render(hashes: &BTreeMap<(String, String), String>) -> String {
    let mut s = String::from("case\trules\tsha256\n");
    for ((case, rules), hash) in hashes {
        let _ = writeln!(s, "{case}\t{rules}\t{hash}");
    }
    s
}

#[test]
fn every_preset_writes_the_golden_transcripts() {
    let Some(data) = support::shared_data() else {
        return;
    };
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    let now = render(&hashes(Some(&data)));
    if std::env::var_os("RECOUNT_BLESS").is_some() {
        std::fs::write(&path, &now).expect("write the golden file");
        return;
    }
    let golden = std::fs::read_to_string(&path).expect("tests/golden/transcripts.tsv");
    let differing: Vec<String> = golden
        .lines()
        .zip(now.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("  golden: {a}\n  now:    {b}"))
        .take(20)
        .collect();
    assert!(
        differing.is_empty() && golden.lines().count() == now.lines().count(),
        "{} of {} transcripts differ from the golden file (first 20):\n{}",
        golden
            .lines()
            .zip(now.lines())
            .filter(|(a, b)| a != b)
            .count(),
        golden.lines().count(),
        differing.join("\n")
    );
}
