//! `recount count` and `recount rules` (being written).

use clap::Args;

use crate::Failure;
use crate::input::InputArgs;

/// Arguments of `recount count`.
#[derive(Debug, Args)]
pub struct CountArgs {
    #[command(flatten)]
    input: InputArgs,
}

/// Arguments of `recount rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A preset name.
    preset: Option<String>,
}

/// Runs `recount count`.
pub fn run_count(args: &CountArgs) -> Result<(), Failure> {
    let _ = args.input.load()?;
    Err(Failure::Input("counting is not implemented yet".into()))
}

/// Runs `recount rules`.
pub fn run_rules(_args: &RulesArgs) -> Result<(), Failure> {
    Err(Failure::Input("rules are not implemented yet".into()))
}
