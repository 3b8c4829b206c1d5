//! Counting speed on generated Senate-like contests (100 candidates, 6
//! seats, papers of mean length 12): the count alone, parsing excluded.
//! `cargo bench -p recount-count` (set `RECOUNT_BENCH_PAPERS` to change the
//! sizes, comma-separated). The 5-million-paper figure in the issue is
//! measured end to end with the CLI; see `specs/numbers.md`.

/// The allocator the `recount` binary links, so the figures are what users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// All 351 Scottish 2017 ward profiles under `scottish-stv`, counting only
/// (issue 3: under 1 s in all). Skipped with a notice without the shared data.
fn scotland_2017(c: &mut Criterion) {
    let Some(data) = recount_testkit::shared_data() else {
        return;
    };
    let mut wards = Vec::new();
    let root = data.join("scot-elex/blt_files");
    for dir in std::fs::read_dir(&root).expect("scot-elex folder") {
        let dir = dir.expect("entry").path();
        if !dir.is_dir() {
            continue;
        }
        for f in std::fs::read_dir(dir).expect("a folder") {
            let path = f.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            // The May 2017 wards; two 2017 by-elections share the pattern.
            if name.contains("_2017_") && !name.contains("by_election") && name.ends_with(".blt") {
                let bytes = std::fs::read(&path).expect("a ward file");
                wards.push(
                    ballot::read(ballot::Format::Blt, &bytes, &ballot::ReadOptions::default())
                        .expect("a ward"),
                );
            }
        }
    }
    assert_eq!(wards.len(), 351);
    let rules = count::Rules::preset("scottish-stv").expect("a preset");
    let mut group = c.benchmark_group("scotland_2017");
    group.sample_size(10);
    group.bench_function("all_351_wards", |b| {
        b.iter(|| {
            wards
                .iter()
                .map(|e| count::count(e, &rules).expect("a count").contests.len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, bench, by_candidates, scotland_2017);
criterion_main!(benches);
