//! `recount generate`: a seeded synthetic election, for demos and benchmarks.
//!
//! A large election (more than [`TERMINAL_PAPERS`] papers, about a megabyte
//! of BLT at the default mean length) is not written to a terminal: without
//! `-o` and with standard output a terminal, the command stops with exit 2
//! and asks for `-o FILE` or a pipe. `-o -` asks for standard output
//! explicitly and is obeyed. The decision is [`check_destination`]; a
//! terminal cannot be faked in the integration tests, so it is unit-tested.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

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
    /// Where to write the BLT file (default: standard output, which must not
    /// be a terminal for more than 10,000 papers; `-o -` insists).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Instead, build the audit demo under DIR (a signed bundle, its
    /// sources, the demo key and an altered official sheet), byte for byte
    /// as shipped in audit-data/.
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    demo: Option<PathBuf>,
}

/// Runs `recount generate`.
pub fn run(args: &GenerateArgs) -> Result<(), Failure> {
    if let Some(dir) = &args.demo {
        return crate::demo::build(dir);
    }
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
    check_destination(
        args.papers,
        args.output.as_deref(),
        std::io::stdout().is_terminal(),
    )?;
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

/// The most papers `generate` writes to a terminal unasked: about 30 bytes
/// a paper at the default mean length, so 10,000 papers is about 300 KB and
/// the default million papers about 30 MB, more than any terminal should
/// scroll through.
pub const TERMINAL_PAPERS: u64 = 10_000;

/// Refuses to write more than [`TERMINAL_PAPERS`] papers to a terminal
/// when no `-o` was given (bad usage, exit 2, nothing written).
fn check_destination(
    papers: u64,
    output: Option<&Path>,
    stdout_is_terminal: bool,
) -> Result<(), Failure> {
    if output.is_none() && stdout_is_terminal && papers > TERMINAL_PAPERS {
        return Err(Failure::Input(format!(
            "refusing to write {papers} papers to the terminal (more than {TERMINAL_PAPERS}); \
             give -o FILE, or pipe the output (recount generate … | gzip > election.blt.gz)"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_election_goes_to_a_terminal_only_when_asked() {
        // To a terminal, no -o: only up to the limit.
        assert!(check_destination(TERMINAL_PAPERS, None, true).is_ok());
        match check_destination(TERMINAL_PAPERS + 1, None, true) {
            Err(Failure::Input(m)) => {
                assert!(
                    m.contains("refusing to write 10001 papers to the terminal"),
                    "{m}"
                );
                assert!(m.contains("-o FILE"), "{m}");
                assert!(m.contains("pipe"), "{m}");
            }
            other => panic!("{other:?}"),
        }
        // A file, `-o -`, or a pipe or file as standard output: any size.
        assert!(check_destination(1_000_000, Some(Path::new("e.blt")), true).is_ok());
        assert!(check_destination(1_000_000, Some(Path::new("-")), true).is_ok());
        assert!(check_destination(1_000_000, None, false).is_ok());
    }
}
