//! How `--help` is laid out: the option groups (help headings) of every
//! command, and what `recount count --help` shows after the options (the
//! presets and two examples). The options themselves, and their help lines,
//! are declared where they are read (`input.rs`, `rules_arg.rs`,
//! `count_cmd.rs`, …); this module only arranges them, by option id, so a
//! command's options are grouped the same way wherever they are shared.
//!
//! [`command`] is the one `clap::Command` the binary parses with and the
//! completions and man page are generated from.

use clap::{Command, CommandFactory};

use crate::Cli;

/// The option groups, in order, each with the ids of its options (the
/// field names). An option of no group is shown under "Options".
pub const HEADINGS: &[(&str, &[&str])] = &[
    (
        "Input",
        &[
            "input_format",
            "seats",
            "weight_column",
            "first_rank_column",
            "first_row",
            "contest",
            "paper",
            "statement",
            "meta",
        ],
    ),
    (
        "Official sheet",
        &[
            "official",
            "official_format",
            "official_contest",
            "official_rounding",
            "alias",
        ],
    ),
    (
        "Import policy",
        &[
            "lenient",
            "equal_rankings",
            "skipped_ranks",
            "repeated_candidates",
            "overvotes",
            "max_skipped_ranks",
            "max_ranks",
        ],
    ),
    (
        "Rules",
        &["rules", "rctab_config", "set", "against", "property"],
    ),
    (
        "Changes",
        &[
            "remove",
            "add",
            "withdraw",
            "apply",
            "changes",
            "batch",
            "between",
            "max_papers",
        ],
    ),
    (
        "Fuzzing",
        &[
            "generator",
            "cases",
            "keep",
            "bench_shape",
            "allow_arbitrary_ties",
        ],
    ),
    (
        "Keys",
        &[
            "name",
            "out",
            "key",
            "key_name",
            "trust",
            "require",
            "attestation",
            "require_attesters",
            "attester",
        ],
    ),
    (
        "Ties",
        &[
            "seed",
            "tie_order",
            "tie_order_of",
            "allow_default_seed",
            "lot_recounts",
            "budget",
        ],
    ),
    (
        "Constraints",
        &["attributes", "constraints", "constraint_method"],
    ),
    (
        "Output",
        &[
            "format", "to", "output", "force", "json", "width", "quiet", "jobs", "html",
        ],
    ),
];

/// The command line of `recount`, with its options grouped.
pub fn command() -> Command {
    let mut cli = Cli::command();
    let names: Vec<String> = cli
        .get_subcommands()
        .map(|c| c.get_name().to_owned())
        .collect();
    for name in names {
        cli = cli.mut_subcommand(name, group);
    }
    cli.mut_subcommand("count", |c| c.after_help(count_after_help()))
        .mut_subcommand("whatif", |c| {
            c.mut_arg("seats", |a| {
                a.help(
                    "Seats of the changed election (a file that records none is read for this many, both counts then filling them)",
                )
            })
        })
}

/// Puts each option of `cmd` under its heading.
fn group(mut cmd: Command) -> Command {
    for (heading, ids) in HEADINGS {
        for id in *ids {
            if cmd.get_arguments().any(|a| a.get_id() == id) {
                cmd = cmd.mut_arg(id, |a| a.help_heading(*heading));
            }
        }
    }
    cmd
}

/// The presets and two examples, after `recount count`'s options.
fn count_after_help() -> String {
    let presets = count::Rules::presets();
    let width = presets.iter().map(|p| p.0.len()).max().unwrap_or(0);
    let mut s = String::from(
        "Presets (any letter case; `recount rules PRESET` prints every option of one):\n",
    );
    for (name, description, _) in &presets {
        s.push_str(&format!("  {name:width$}  {description}\n"));
    }
    s.push_str(
        "\nExamples:\n  \
         recount count audit-data/demo-ward.blt --rules scottish-stv\n  \
         recount count ballots.blt --rules meek --format json -o transcript.json",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new option must be given a group: `--help` lists none under a
    /// bare "Options" heading except help and version.
    #[test]
    fn every_option_of_every_command_has_a_heading() {
        let cli = command();
        for sub in cli.get_subcommands() {
            for arg in sub.get_arguments() {
                let id = arg.get_id().as_str();
                if arg.is_positional() || id == "help" || id == "version" {
                    continue;
                }
                if matches!(sub.get_name(), "generate" | "rules" | "completions") {
                    continue;
                }
                assert!(
                    arg.get_help_heading().is_some(),
                    "recount {} --{id} has no help heading",
                    sub.get_name()
                );
            }
        }
    }

    /// Every id in the table names an option of some command (a renamed
    /// field would otherwise drop out of its group silently).
    #[test]
    fn every_heading_names_real_options() {
        let cli = command();
        for (heading, ids) in HEADINGS {
            for id in *ids {
                assert!(
                    cli.get_subcommands()
                        .any(|s| s.get_arguments().any(|a| a.get_id() == id)),
                    "{heading}: no command has an option {id}"
                );
            }
        }
    }
}
