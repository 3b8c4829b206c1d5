//! `recount convert`: rewrite a ballot file in a canonical format.

use std::path::PathBuf;

use ballot::Format;
use clap::Args;

use crate::Failure;
use crate::input::InputArgs;
use crate::output::{refuse_inputs, write_output};

/// Arguments of `recount convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    bundle: crate::bundle_cmd::BundleInput,
    /// The format to write: canonical BLT or CSV (one contest), or
    /// recount's lossless JSON election.
    #[arg(long, value_name = "FORMAT", value_parser = crate::choice::parser_of(Format::WRITTEN))]
    to: Format,
    /// Where to write (default: standard output). The file appears whole or not at all.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// Runs `recount convert`.
pub fn run(args: &ConvertArgs) -> Result<(), Failure> {
    let inputs = [args.input.file.as_path()];
    refuse_inputs(args.output.as_deref(), &inputs)?;
    let election = match args.bundle.load(&args.input.file)? {
        Some(verified) => verified.into_election(),
        None => args.input.load()?.1,
    };
    let election = args.input.select(election)?;
    let format = args.to;
    write_output(args.output.as_deref(), &inputs, |out| {
        ballot::write(format, &election, out).map_err(|e| match e.kind() {
            ballot::ErrorKind::Io(err) => Failure::Io(format!("writing {format}: {err}")),
            _ => Failure::Input(e.to_string()),
        })
    })
}
