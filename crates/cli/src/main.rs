//! `recount`: recount, verify and compare STV elections from their ballots.
//!
//! The binary is glue: it parses the command line, reads files, calls the
//! libraries and prints. Every I/O policy (where output goes, atomic writes,
//! how errors are reported) and the exit codes live here; no counting or
//! parsing logic does.

#![forbid(unsafe_code)]

mod audit_cmd;
mod bundle_cmd;
mod choice;
mod completions;
mod convert;
mod count_cmd;
mod demo;
mod diff_cmd;
mod exit_codes;
mod explain_cmd;
mod generate;
mod help;
mod info;
mod input;
mod lots;
mod margin_cmd;
mod output;
mod progress;
mod rctab_config;
mod rules_arg;
mod ties_cmd;
mod whatif_cmd;
mod workbench_cmd;

use std::process::ExitCode;

use clap::{FromArgMatches, Parser, Subcommand};

/// A count makes and frees many short vectors (the parcels a transfer
/// builds); mimalloc does that about a quarter faster than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The exit codes as `recount --help` and the man page show them
/// (`exit_codes.rs` defines them).
const EXIT_STATUS_HELP: &str = "\
Exit status:
  0  success
  1  a check failed
  2  bad usage or bad input; nothing written
  3  a file could not be read or written";

/// Recount, verify and compare single-transferable-vote elections.
#[derive(Debug, Parser)]
#[command(
    name = "recount",
    version,
    about,
    long_about = None,
    propagate_version = true,
    after_help = EXIT_STATUS_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Describe a ballot file: format, contests, seats, candidates, papers, first preferences.
    Info(info::InfoArgs),
    /// Convert a ballot file to canonical BLT, CSV or recount JSON.
    Convert(convert::ConvertArgs),
    /// Count each contest stage by stage under a rule preset and write the transcript.
    Count(count_cmd::CountArgs),
    /// The observer's whole job: verify a bundle, recount every contest, compare with the declared result (and an official sheet), report.
    Audit(audit_cmd::AuditArgs),
    /// Count the ballots and diff the count with a published result sheet, explaining each difference.
    Diff(diff_cmd::DiffArgs),
    /// Find which rules a published sheet's count followed: rank rule variants by how much of it they reproduce.
    Explain(explain_cmd::ExplainArgs),
    /// Count one contest under two rules and show where they part ways.
    Compare(workbench_cmd::CompareArgs),
    /// Generate elections and find where two rules elect differently or a property fails, shrunk.
    Fuzz(workbench_cmd::FuzzArgs),
    /// How close the result was: the fewest papers whose change changes the winners, found, verified and written as change files.
    Margin(margin_cmd::MarginArgs),
    /// Count one contest as it is and with papers removed or added, candidates withdrawn or the seats changed, side by side.
    Whatif(whatif_cmd::WhatifArgs),
    /// Try each tie the count decided (by lot or by an arbitrary rule) the other way, and list those that change the winners.
    Ties(ties_cmd::TiesArgs),
    /// List the rule presets, or print every option of one.
    Rules(count_cmd::RulesArgs),
    /// Generate a seeded synthetic election (for demos and benchmarks).
    Generate(generate::GenerateArgs),
    /// Make a signing key: PREFIX.key (private, mode 0600) and PREFIX.pub (the verifier key).
    Keygen(bundle_cmd::KeygenArgs),
    /// Write a ballot file, its rules and a signed statement as a bundle directory.
    Publish(bundle_cmd::PublishArgs),
    /// Add a co-signature to a bundle's statement (after checking the bundle) or to an attestation file.
    Sign(bundle_cmd::SignArgs),
    /// Run the numbered checks of a bundle against trusted keys.
    Verify(bundle_cmd::VerifyArgs),
    /// Write the inclusion proof of one paper of a verified bundle (for auditors, never a voter's receipt).
    Prove(bundle_cmd::ProveArgs),
    /// Check a paper's inclusion proof against a bundle's signed statement.
    CheckProof(bundle_cmd::CheckProofArgs),
    /// Recount a verified bundle and write a signed recount attestation of its result.
    Attest(bundle_cmd::AttestArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), e.g. `recount man > recount.1`.
    Man,
}

/// Why a command failed; [`Failure::exit_code`] is the one place exit codes are chosen.
#[derive(Debug)]
pub enum Failure {
    /// A check the command performs failed; the message says which.
    Check(String),
    /// Bad usage or bad input.
    Input(String),
    /// Reading or writing a file failed.
    Io(String),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Failure::Check(_) => exit_codes::CHECK_FAILED,
            Failure::Input(_) => exit_codes::BAD_INPUT,
            Failure::Io(_) => exit_codes::IO_ERROR,
        }
    }

    fn message(&self) -> &str {
        match self {
            Failure::Check(m) | Failure::Input(m) | Failure::Io(m) => m,
        }
    }
}

fn main() -> ExitCode {
    let parsed = help::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit_codes::BAD_INPUT
            } else {
                exit_codes::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match &cli.command {
        Command::Info(args) => info::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Count(args) => count_cmd::run_count(args),
        Command::Audit(args) => audit_cmd::run(args),
        Command::Diff(args) => diff_cmd::run(args),
        Command::Explain(args) => explain_cmd::run(args),
        Command::Compare(args) => workbench_cmd::run_compare(args),
        Command::Fuzz(args) => workbench_cmd::run_fuzz(args),
        Command::Margin(args) => margin_cmd::run(args),
        Command::Whatif(args) => whatif_cmd::run(args),
        Command::Ties(args) => ties_cmd::run(args),
        Command::Rules(args) => count_cmd::run_rules(args),
        Command::Generate(args) => generate::run(args),
        Command::Keygen(args) => bundle_cmd::run_keygen(args),
        Command::Publish(args) => bundle_cmd::run_publish(args),
        Command::Sign(args) => bundle_cmd::run_sign(args),
        Command::Verify(args) => bundle_cmd::run_verify(args),
        Command::Prove(args) => bundle_cmd::run_prove(args),
        Command::CheckProof(args) => bundle_cmd::run_check_proof(args),
        Command::Attest(args) => bundle_cmd::run_attest(args),
        Command::Completions(args) => completions::completions(args, help::command()),
        Command::Man => completions::man(help::command()),
    };
    match result {
        Ok(()) => ExitCode::from(exit_codes::OK),
        Err(failure) => {
            eprintln!(
                "recount: {}",
                failure.message().replace('\n', "\nrecount: ")
            );
            ExitCode::from(failure.exit_code())
        }
    }
}
