//! `recount generate`: a seeded synthetic election, for demos and benchmarks.

use std::path::PathBuf;

use clap::Args;
use generate::Spec;

use crate::Failure;
use crate::output::{io_failure, write_output};

/// Arguments of `recount generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of candidates.
    #[arg(long, default_value_t = 100)]
    candidates: usize,
    /// Seats to fill.
    #[arg(long, default_value_t = 6)]
    seats: u32,
    /// Number of papers.
    #[arg(long, default_value_t = 1_000_000)]
    papers: u64,
    /// Mean number of preferences per paper, in tenths (120 = 12.0).
    #[arg(long, default_value_t = 120)]
    mean_length_tenths: u32,
    /// Seed of the ChaCha stream; the same seed gives the same file.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write the BLT file (default: standard output).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// Runs `recount generate`.
pub fn run(args: &GenerateArgs) -> Result<(), Failure> {
    if args.candidates == 0 || args.candidates > ballot::CandidateId::MAX_CANDIDATES {
        return Err(Failure::Input(format!(
            "--candidates must be from 1 to {}",
            ballot::CandidateId::MAX_CANDIDATES
        )));
    }
    if args.seats == 0 || args.seats as usize > args.candidates {
        return Err(Failure::Input(
            "--seats must be from 1 to the number of candidates".into(),
        ));
    }
    let spec = Spec {
        candidates: args.candidates,
        seats: args.seats,
        papers: args.papers,
        mean_length: f64::from(args.mean_length_tenths.max(10)) / 10.0,
    };
    write_output(args.output.as_deref(), &[], |out| {
        generate::write_blt(spec, args.seed, out).map_err(io_failure)
    })
}
