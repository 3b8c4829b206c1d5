//! `recount completions SHELL` and `recount man`: the shell completion
//! scripts (`clap_complete`) and the manual page (`clap_mangen`, roff), both
//! generated from the command-line definition in `main.rs` and printed to
//! standard output, so they never disagree with `--help`.
//!
//! Installing them is the user's: for example
//! `recount completions bash > ~/.local/share/bash-completion/completions/recount`
//! and `recount man > ~/.local/share/man/man1/recount.1`.

use clap::Args;
use clap_complete::Shell;

use crate::Failure;
use crate::output::{io_failure, write_output};

/// Arguments of `recount completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

/// Prints the completion script for `args.shell`.
pub fn completions(args: &CompletionsArgs, mut cmd: clap::Command) -> Result<(), Failure> {
    let name = cmd.get_name().to_owned();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, name, &mut script);
    write_output(None, &[], |out| out.write_all(&script).map_err(io_failure))
}

/// Prints the manual page, section 1, as roff.
pub fn man(cmd: clap::Command) -> Result<(), Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut page)
        .map_err(io_failure)?;
    write_output(None, &[], |out| out.write_all(&page).map_err(io_failure))
}
