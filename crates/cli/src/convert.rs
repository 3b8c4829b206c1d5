//! `recount convert`: rewrite a ballot file in a canonical format.

use std::path::PathBuf;

use ballot::Format;
use clap::{Args, ValueEnum};

use crate::Failure;
use crate::input::InputArgs;
use crate::output::write_output;

/// The formats recount writes.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OutFormat {
    /// Canonical BLT (one contest).
    Blt,
    /// CSV with a recount metadata header (one contest).
    Csv,
    /// recount's lossless JSON election.
    Json,
}

/// Arguments of `recount convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    #[command(flatten)]
    input: InputArgs,
    /// The format to write.
    #[arg(long, value_enum)]
    to: OutFormat,
    /// Where to write (default: standard output). The file appears whole or not at all.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// Runs `recount convert`.
pub fn run(args: &ConvertArgs) -> Result<(), Failure> {
    let (_, election) = args.input.load()?;
    let format = match args.to {
        OutFormat::Blt => Format::Blt,
        OutFormat::Csv => Format::Csv,
        OutFormat::Json => Format::Json,
    };
    write_output(args.output.as_deref(), |out| {
        ballot::write(format, &election, out).map_err(|e| match e.kind() {
            ballot::ErrorKind::Io(err) => Failure::Io(format!("writing {format}: {err}")),
            _ => Failure::Input(e.to_string()),
        })
    })
}
