//! Meek (PRF reference rule, 9 places) counting speed, the count alone
//! (parsing excluded), on the three elections issue 4 names:
//!
//! - a generated contest: 1,000,000 papers, 30 candidates, 7 seats, mean
//!   length 6 (`recount_testkit`, seed 1) — target under 3 s;
//! - the file `recount generate --papers 1000000 --seed 1` writes: 100
//!   candidates, 6 seats, mean length 12, nearly every ranking distinct
//!   (issue 8: the long rankings, where defeated candidates fill the tree) —
//!   target at least 7× faster than stv-rs 0.5.1 (`--arithmetic fixed9
//!   meek`) on the same papers;
//! - Glasgow 2007 Linn ward (9,567 papers, 4 seats) — under 5 ms;
//! - City of Sydney 2021 (120,740 papers, 44 candidates, 9 seats) — under 100 ms.
//!
//! `cargo bench -p recount-count --bench meek`. The real files are read from
//! the shared data (`RECOUNT_SHARED`, else `../shared` beside the
//! workspace); a missing file is skipped with a notice.

/// The allocator the `recount` binary links, so the figures are what users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use recount_testkit::{Spec, contest};

fn shared(rel: &str) -> Option<ballot::Election> {
    let root = std::env::var_os("RECOUNT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let path = root.join("data").join(rel);
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("!!! meek bench: {} not found, skipped", path.display());
        return None;
    };
    ballot::read(ballot::Format::Blt, &bytes, &ballot::ReadOptions::default()).ok()
}

fn bench(c: &mut Criterion) {
    let rules = count::Rules::preset("meek").expect("the meek preset");
    let mut group = c.benchmark_group("meek");
    group.sample_size(10);
    let generated = ballot::Election::single(contest(
        Spec {
            candidates: 30,
            seats: 7,
            papers: 1_000_000,
            mean_length: 6.0,
        },
        1,
    ));
    group.bench_function("generated-1m-30c-7s", |b| {
        b.iter(|| count::count(&generated, &rules).expect("a count"))
    });
    // The spec `recount generate` uses by default (crates/cli/src/generate.rs).
    let long = ballot::Election::single(contest(Spec::senate(1_000_000), 1));
    group.bench_function("generated-1m-100c-6s-long", |b| {
        b.iter(|| count::count(&long, &rules).expect("a count"))
    });
    for (name, rel) in [
        (
            "glasgow-2007-linn",
            "scot-elex/blt_files/11_cands/glasgow_2007_linn.blt",
        ),
        ("sydney-2021", "nzstv-ocaml/Sydney.blt"),
    ] {
        if let Some(e) = shared(rel) {
            group.bench_function(name, |b| {
                b.iter(|| count::count(&e, &rules).expect("a count"))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
