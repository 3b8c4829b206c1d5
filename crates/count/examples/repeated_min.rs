//! Interleaved timings of a full count and an outcome-only recount, the
//! fastest of many runs each: on a shared machine whose speed wanders by
//! a third from minute to minute, the minimum of alternating runs gives a
//! steadier ratio than separate criterion groups (`benches/repeated.rs`).
//!
//! `cargo run --release -p recount-count --example repeated_min [RUNS]`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use recount_testkit::{Spec, contest};

/// The allocator the `recount` binary links, so the figures are what users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .map(|r| r.parse().expect("RUNS is a number"))
        .unwrap_or(200);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../audit-data/demo-ward.blt");
    let bytes = std::fs::read(&path).expect("the demo ward");
    let demo =
        ballot::read(ballot::Format::Blt, &bytes, &ballot::ReadOptions::default()).expect("a ward");
    let senate = ballot::Election::single(contest(Spec::senate(100_000), 1));
    for (name, election) in [("demo-ward", &demo), ("senate-100k", &senate)] {
        for preset in ["wigm", "scottish-stv"] {
            let rules = count::Rules::preset(preset).expect("a preset");
            let prepared = count::Prepared::new(&election.contests()[0]);
            let (mut full, mut outcome) = (Duration::MAX, Duration::MAX);
            for _ in 0..runs {
                let t = Instant::now();
                std::hint::black_box(count::count(election, &rules).expect("a count"));
                full = full.min(t.elapsed());
                let t = Instant::now();
                std::hint::black_box(prepared.outcome(&rules).expect("a count"));
                outcome = outcome.min(t.elapsed());
            }
            println!(
                "{name:12} {preset:13} full {full:>10.3?}  outcome {outcome:>10.3?}  ratio {:.2}",
                full.as_secs_f64() / outcome.as_secs_f64()
            );
        }
    }
}
