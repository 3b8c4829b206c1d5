//! `recount explain`: which rules the official count followed. Reads the
//! ballots and the sheet as `recount diff` does, runs `official::explain`
//! on both cores (a progress line on a terminal once it has run for a
//! second), prints the ranking and the best variant as a rules file, and
//! writes that file with `-o`.
//!
//! Exit codes: 0 a variant reproduces the sheet in full, 1 none does (the
//! best is still printed), 2 bad input, 3 I/O.

use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, ValueEnum};
use official::diff::DiffOptions;
use official::explain::{ExplainOptions, Tried};

use crate::Failure;
use crate::diff_cmd::{SheetArgs, one_contest};
use crate::input::InputArgs;
use crate::output::write_output;

/// The report's form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// For a terminal.
    #[default]
    Text,
    /// The ranking as JSON.
    Json,
}

/// `recount explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    bundle: crate::bundle_cmd::BundleInput,
    #[command(flatten)]
    sheet: SheetArgs,
    /// Threads to count on (default: every core).
    #[arg(long, value_name = "J")]
    jobs: Option<usize>,
    /// The report: text or json.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    format: ExplainFormat,
    /// Write the best variant as a rules file (what `--rules FILE` reads).
    #[arg(short, long, value_name = "RULES")]
    output: Option<PathBuf>,
    /// Hide the progress line.
    #[arg(short, long)]
    quiet: bool,
}

fn percent(t: &Tried) -> String {
    let (stages, cells) = t.of;
    format!(
        "{}/{} stages in full, {}/{} figures",
        t.score.stages, stages, t.score.cells, cells
    )
}

/// Runs `recount explain`.
pub fn run(args: &ExplainArgs) -> Result<(), Failure> {
    let shown = crate::input::display(&args.input.file);
    let (_, election) = one_contest(&args.input, &args.bundle)?;
    let contest = &election.contests()[0];
    let names: Vec<String> = contest
        .candidates()
        .iter()
        .map(|c| c.name.clone())
        .collect();
    let read = args.sheet.load(&names)?;
    let aliases = read.options();
    let threads = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let started = Instant::now();
    let result = crate::progress::with_spinner(
        "{spinner} {elapsed} explain: {pos} variants counted",
        !args.quiet,
        |bar| {
            let progress = |n: u64| bar.set_position(n);
            let options = ExplainOptions {
                diff: DiffOptions {
                    shortening: read.shortening,
                    aliases: &aliases,
                },
                threads,
                progress: &progress,
            };
            official::explain::explain(contest, &read.sheet, &options)
        },
    );
    let elapsed = started.elapsed();
    let explained = result.map_err(|e| Failure::Input(format!("{}: {e}", read.shown)))?;
    let Some(best) = explained.ranked.first() else {
        return Err(Failure::Input(format!(
            "{shown}: no rules variant could be counted and compared with {}",
            read.shown
        )));
    };
    let mut best_rules = serde_json::to_string_pretty(&best.rules).expect("rules serialise");
    best_rules.push('\n');
    let per_second = explained.tried as f64 / elapsed.as_secs_f64().max(1e-9);
    let body = match args.format {
        ExplainFormat::Json => {
            let ranked: Vec<serde_json::Value> = explained
                .ranked
                .iter()
                .map(|t| {
                    serde_json::json!({
                        "rules": t.rules.name,
                        "agrees": t.score.agrees,
                        "stages_in_full": t.score.stages,
                        "stages": t.of.0,
                        "figures_matched": t.score.cells,
                        "figures": t.of.1,
                    })
                })
                .collect();
            let v = serde_json::json!({
                "format": "recount-explain/1",
                "sheet": read.shown,
                "ballots": shown,
                "tried": explained.tried,
                "ranked": ranked,
                "best": best.rules,
            });
            serde_json::to_string_pretty(&v).expect("a report serialises") + "\n"
        }
        ExplainFormat::Text => {
            let mut s = format!(
                "Sheet:   {} ({})\nBallots: {shown}\nTried:   {} rule variants in {:.2} s ({:.0} a second on {threads} thread{})\n\nBest first:\n",
                read.shown,
                read.sheet.format,
                explained.tried,
                elapsed.as_secs_f64(),
                per_second,
                if threads == 1 { "" } else { "s" }
            );
            for (i, t) in explained.ranked.iter().enumerate() {
                let mark = if t.score.agrees {
                    "  reproduces the sheet"
                } else {
                    ""
                };
                s.push_str(&format!(
                    "{:>2}. {}: {}{mark}\n",
                    i + 1,
                    t.rules.name,
                    percent(t)
                ));
            }
            let reproducing = explained.ranked.iter().filter(|t| t.score.agrees).count();
            if reproducing > 1 {
                s.push_str(&format!(
                    "\n{reproducing} variants reproduce the sheet: on this contest it cannot tell them apart.\n"
                ));
            }
            let preset = best.rules.name.split('+').next().unwrap_or_default();
            let changes: Vec<&str> = best.rules.name.split('+').skip(1).collect();
            s.push_str(&format!(
                "\nThe best, as a rules file (--rules FILE){}:\n",
                if changes.is_empty() {
                    format!(": the preset {preset} itself")
                } else {
                    format!(": {preset} with {}", changes.join(", "))
                }
            ));
            s.push_str(&best_rules);
            s
        }
    };
    write_output(None, &[], |out| {
        out.write_all(body.as_bytes())
            .map_err(crate::output::io_failure)
    })?;
    if let Some(path) = &args.output {
        write_output(
            Some(path),
            &[args.input.file.as_path(), args.sheet.official.as_path()],
            |out| {
                out.write_all(best_rules.as_bytes())
                    .map_err(crate::output::io_failure)
            },
        )?;
    }
    if best.score.agrees {
        Ok(())
    } else {
        Err(Failure::Check(format!(
            "no variant tried reproduces {} in full; the best reproduces {}",
            read.shown,
            percent(best)
        )))
    }
}
