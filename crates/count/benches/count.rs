//! Counting speed on generated Senate-like contests (100 candidates, 6
//! seats, papers of mean length 12): the count alone, parsing excluded.
//! `cargo bench -p recount-count` (set `RECOUNT_BENCH_PAPERS` to change the
//! sizes, comma-separated). The 5-million-paper figure in the issue is
//! measured end to end with the CLI; see `specs/numbers.md`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use recount_testkit::{Spec, contest};

fn sizes() -> Vec<u64> {
    std::env::var("RECOUNT_BENCH_PAPERS")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100_000, 400_000])
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("count");
    group.sample_size(10);
    for papers in sizes() {
        let election = ballot::Election::single(contest(Spec::senate(papers), 1));
        for preset in ["wigm", "scottish-stv", "ers97"] {
            let rules = count::Rules::preset(preset).expect("a preset");
            group.bench_with_input(BenchmarkId::new(preset, papers), &election, |b, e| {
                b.iter(|| count::count(e, &rules).expect("a count"))
            });
        }
    }
    group.finish();
}

/// How time grows with the number of candidates at a fixed number of papers.
fn by_candidates(c: &mut Criterion) {
    let mut group = c.benchmark_group("candidates");
    group.sample_size(10);
    let rules = count::Rules::preset("wigm").expect("a preset");
    for candidates in [25usize, 50, 100, 200] {
        let spec = Spec {
            candidates,
            ..Spec::senate(200_000)
        };
        let election = ballot::Election::single(contest(spec, 1));
        group.bench_with_input(BenchmarkId::new("wigm", candidates), &election, |b, e| {
            b.iter(|| count::count(e, &rules).expect("a count"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench, by_candidates);
criterion_main!(benches);
