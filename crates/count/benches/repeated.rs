//! Repeated counts (issue 8): per count, a full `count::count` (the layout
//! built every time, every figure written) against an outcome-only count of
//! a contest prepared once, on the shipped demo ward and on a generated
//! 100,000-paper, 100-candidate Senate-like contest, under `wigm` and
//! `scottish-stv`. Goal: the outcome-only recount at least 3× faster.
//!
//! `cargo bench -p recount-count --bench repeated`.

/// The allocator the `recount` binary links, so the figures are what users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use recount_testkit::{Spec, contest};

fn demo() -> ballot::Election {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../audit-data/demo-ward.blt");
    let bytes = std::fs::read(&path).expect("the demo ward");
    ballot::read(ballot::Format::Blt, &bytes, &ballot::ReadOptions::default()).expect("a ward")
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("repeated");
    group.sample_size(20);
    let elections = [
        ("demo-ward", demo()),
        (
            "senate-100k",
            ballot::Election::single(contest(Spec::senate(100_000), 1)),
        ),
    ];
    for (name, election) in &elections {
        for preset in ["wigm", "scottish-stv"] {
            let rules = count::Rules::preset(preset).expect("a preset");
            group.bench_with_input(
                BenchmarkId::new(format!("{preset}/full"), name),
                election,
                |b, e| b.iter(|| count::count(e, &rules).expect("a count")),
            );
            let prepared = count::Prepared::new(&election.contests()[0]);
            group.bench_with_input(
                BenchmarkId::new(format!("{preset}/outcome"), name),
                &prepared,
                |b, p| b.iter(|| p.outcome(&rules).expect("a count")),
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
