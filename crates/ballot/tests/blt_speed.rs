//! The speed requirement of issue 2, run by hand (ignored by default: it
//! writes and reads a ~250 MB file):
//!
//! ```text
//! cargo test --release -p recount-ballot --test blt_speed -- --ignored --exact generate_senate_5m
//! /usr/bin/time -v cargo test --release -p recount-ballot --test blt_speed -- --ignored --exact parse_senate_5m --nocapture
//! ```
//!
//! The file is `$BLT_SPEED_FILE`, by default `senate-5m.blt` in the system
//! temporary directory. The parse test checks the paper count and prints
//! the throughput; `time -v` gives the peak memory (maximum resident set).

use std::path::PathBuf;
use std::time::Instant;

use ballot::{ReadOptions, blt};
use recount_testkit::{Spec, write_blt};

const PAPERS: u64 = 5_000_000;
const SEED: u64 = 2026;

fn path() -> PathBuf {
    std::env::var_os("BLT_SPEED_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("senate-5m.blt"))
}

#[test]
#[ignore = "writes a 250 MB file; run by hand"]
fn generate_senate_5m() {
    let path = path();
    let mut f = std::fs::File::create(&path).unwrap();
    write_blt(Spec::senate(PAPERS), SEED, &mut f).unwrap();
    eprintln!("wrote {}", path.display());
}

#[test]
#[ignore = "reads a 250 MB file; run by hand after generate_senate_5m"]
fn parse_senate_5m() {
    let bytes = std::fs::read(path()).unwrap();
    let start = Instant::now();
    let e = blt::read(&bytes, &ReadOptions::default()).unwrap();
    let secs = start.elapsed().as_secs_f64();
    let ballots = e.contests()[0].ballots();
    assert_eq!(ballots.total_papers(), PAPERS);
    assert_eq!(e.contests()[0].candidates().len(), 100);
    eprintln!(
        "{} bytes, {} papers, {} distinct rankings in {:.3} s: {:.0} MB/s; arena {} MB",
        bytes.len(),
        ballots.total_papers(),
        ballots.len(),
        secs,
        bytes.len() as f64 / secs / 1e6,
        ballots.heap_bytes() / 1_000_000
    );
}
