//! Throughput of the BLT reader on a generated Senate-like file (100
//! candidates, papers of mean length 12, one line per paper), the shape of
//! the 5-million-paper speed requirement at a tenth of its size.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use ballot::{ReadOptions, blt};
use recount_testkit::{Spec, write_blt};

fn blt_parse(c: &mut Criterion) {
    let mut file = Vec::new();
    write_blt(Spec::senate(500_000), 1, &mut file).expect("writing to memory");
    let opts = ReadOptions::default();
    let mut group = c.benchmark_group("blt_parse");
    group.throughput(Throughput::Bytes(file.len() as u64));
    group.sample_size(10);
    group.bench_function("senate_500k", |b| {
        b.iter(|| {
            let e = blt::read(&file, &opts).expect("generated files parse");
            assert_eq!(e.contests()[0].ballots().total_papers(), 500_000);
            e
        })
    });
    group.finish();
}

criterion_group!(benches, blt_parse);
criterion_main!(benches);
