//! `recount diff`: count the ballots (a file, or a verified bundle) and
//! diff the count with a published sheet (`specs/official-results.md`).
//! The I/O and the choices of this command live here; reading sheets and
//! diffing are the `official` crate's, the reports `render`'s.
//!
//! Exit codes: 0 the sheet agrees (differences of rounding only allowed),
//! 1 it differs, 2 bad input (an unreadable sheet, no contest to choose,
//! names an alias cannot pair), 3 I/O.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use official::diff::DiffOptions;
use official::{Choice, SheetFormat, Shortening};

use crate::Failure;
use crate::input::InputArgs;
use crate::output::write_output;
use crate::rules_arg::RulesArg;

/// The report's form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// For a terminal.
    #[default]
    Text,
    /// The diff as JSON (specs/official-results.md).
    Json,
    /// A self-contained page: the sheet as published, differences marked.
    Html,
}

/// How the sheet shortened the figures it printed with fewer places.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Rounding {
    /// Rounded half up.
    HalfUp,
    /// Cut off.
    Down,
    /// Two places rounded, more cut off (the Scottish council sheets).
    Scottish,
}

/// The published sheet and how to read it (`diff` and `explain`).
#[derive(Debug, Args)]
pub struct SheetArgs {
    /// The published sheet: Scottish results JSON or 2022 CSV, RCTab's
    /// detailed report JSON, a Droop dump, or recount-sheet/1.
    #[arg(long, value_name = "SHEET")]
    pub official: PathBuf,
    /// The sheet's format, when its content does not tell it.
    #[arg(long = "official-format", value_name = "FORMAT", value_parser = sheet_format)]
    pub official_format: Option<SheetFormat>,
    /// The sheet's contest (its id or name), for a file of several.
    #[arg(long = "official-contest", value_name = "ID-OR-NAME")]
    pub official_contest: Option<String>,
    /// How the sheet shortened figures (default: scottish for Scottish
    /// sheets, half-up otherwise).
    #[arg(long = "official-rounding", value_name = "RULE")]
    pub official_rounding: Option<Rounding>,
    /// Pair a sheet name with a ballot name that no rule pairs:
    /// `--alias "Yvonne Allen=Yvonne ALLAN (Lab)"` (repeatable).
    #[arg(long, value_name = "SHEET=BALLOTS")]
    alias: Vec<String>,
}

/// A sheet as read: its format, the sheet, its rounding and the aliases.
pub struct Sheet {
    /// The file, for messages.
    pub shown: String,
    /// Its format.
    pub format: SheetFormat,
    /// The sheet of the contest chosen.
    pub sheet: official::OfficialSheet,
    /// How it shortened figures.
    pub shortening: Shortening,
    /// `--alias` pairs.
    pub aliases: Vec<(String, String)>,
}

impl Sheet {
    /// The diff options of this sheet.
    pub fn options(&self) -> Vec<(&str, &str)> {
        self.aliases
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect()
    }
}

impl SheetArgs {
    /// Reads the sheet, choosing its contest by `--official-contest` or by
    /// the count's candidate `names`.
    pub fn load(&self, names: &[String]) -> Result<Sheet, Failure> {
        let shown = self.official.display().to_string();
        let bytes =
            std::fs::read(&self.official).map_err(|e| Failure::Io(format!("{shown}: {e}")))?;
        let format = match self.official_format {
            Some(f) => f,
            None => official::detect(&bytes).ok_or_else(|| {
                let names: Vec<&str> = SheetFormat::ALL.iter().map(|f| f.name()).collect();
                Failure::Input(format!(
                    "{shown}: not a sheet format recount knows by its content; give --official-format ({})",
                    names.join(", ")
                ))
            })?,
        };
        let choice = Choice {
            contest: self.official_contest.as_deref(),
            names,
        };
        let sheet = official::read(format, &bytes, &choice)
            .map_err(|e| Failure::Input(format!("{shown}: {e}")))?;
        let mut aliases = Vec::new();
        for a in &self.alias {
            let Some((s, o)) = a.split_once('=') else {
                return Err(Failure::Input(format!(
                    "--alias {a:?}: expected SHEET NAME=BALLOT NAME"
                )));
            };
            aliases.push((s.trim().to_owned(), o.trim().to_owned()));
        }
        let shortening = match self.official_rounding {
            Some(Rounding::HalfUp) => Shortening::HalfUp,
            Some(Rounding::Down) => Shortening::Down,
            Some(Rounding::Scottish) => Shortening::SCOTTISH_COUNCILS,
            None => Shortening::of_format(format),
        };
        Ok(Sheet {
            shown,
            format,
            sheet,
            shortening,
            aliases,
        })
    }
}

/// `recount diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    bundle: crate::bundle_cmd::BundleInput,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    sheet: SheetArgs,
    /// Seed of the lot, in hexadecimal, as `recount count --seed`.
    #[arg(long, value_name = "HEX")]
    seed: Option<String>,
    /// The report: text, json or html.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    format: DiffFormat,
    /// Where to write the report (default: standard output).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

fn sheet_format(s: &str) -> Result<SheetFormat, String> {
    SheetFormat::ALL
        .into_iter()
        .find(|f| f.name() == s)
        .ok_or_else(|| {
            let names: Vec<&str> = SheetFormat::ALL.iter().map(|f| f.name()).collect();
            format!("expected one of {}", names.join(", "))
        })
}

/// The ballots of one contest (`--contest` chooses among several), from a
/// ballot file or a verified bundle, with the bundle's rules.
pub fn one_contest(
    input: &InputArgs,
    bundle: &crate::bundle_cmd::BundleInput,
) -> Result<(Option<count::Rules>, ballot::Election), Failure> {
    let shown = crate::input::display(&input.file);
    let (rules, election) = match bundle.load(&input.file)? {
        Some(verified) => (Some(verified.rules().clone()), verified.into_election()),
        None => {
            let (_, election) = input.load()?;
            (None, election)
        }
    };
    let election = input.select(election)?;
    if election.contests().len() != 1 {
        let ids: Vec<&str> = election.contests().iter().map(|c| c.id()).collect();
        return Err(Failure::Input(format!(
            "{shown}: {} contests ({}); choose one with --contest",
            ids.len(),
            ids.join(", ")
        )));
    }
    Ok((rules, election))
}

/// Runs `recount diff`.
pub fn run(args: &DiffArgs) -> Result<(), Failure> {
    let shown = crate::input::display(&args.input.file);
    let (bundle_rules, election) = one_contest(&args.input, &args.bundle)?;
    let mut rules = args.rules.resolve_or(bundle_rules.as_ref())?;
    if let Some(seed) = &args.seed {
        rules.ties.seed = Some(seed.clone());
        rules
            .validate()
            .map_err(|e| Failure::Input(format!("--seed {seed:?}: {e}")))?;
    }
    let mut transcript =
        count::count(&election, &rules).map_err(|e| Failure::Input(format!("{shown}: {e}")))?;
    let ours = transcript.contests.remove(0);

    let read = args.sheet.load(&ours.candidates)?;
    let aliases = read.options();
    let (sheet, sheet_shown, format) = (&read.sheet, read.shown.clone(), read.format);
    let shortening = read.shortening;
    let options = DiffOptions {
        shortening,
        aliases: &aliases,
    };
    let diff = official::diff::diff(sheet, &ours, &options)
        .map_err(|e| Failure::Input(format!("{sheet_shown}: {e}")))?;
    let rules_name = args
        .rules
        .rules
        .clone()
        .unwrap_or_else(|| rules.name.clone());
    let made_by = crate::count_cmd::made_by();
    let report = render::DiffReport {
        sheet,
        diff: &diff,
        sheet_file: &sheet_shown,
        ballots_file: &shown,
        rules: &rules_name,
        made_by: Some(&made_by),
    };
    let body = match args.format {
        DiffFormat::Text => render::diff_text(&report),
        DiffFormat::Html => render::diff_html(&report),
        DiffFormat::Json => {
            let v = serde_json::json!({
                "format": "recount-diff/1",
                "sheet": sheet_shown,
                "sheet_format": format.name(),
                "contest": sheet.code.as_deref().or(sheet.name.as_deref()),
                "ballots": shown,
                "rules": rules_name,
                "agrees": diff.agrees(),
                "diff": diff,
            });
            serde_json::to_string_pretty(&v).expect("a diff serialises") + "\n"
        }
    };
    let inputs = [args.input.file.as_path(), args.sheet.official.as_path()];
    write_output(args.output.as_deref(), &inputs, |out| {
        out.write_all(body.as_bytes())
            .map_err(crate::output::io_failure)
    })?;
    if diff.agrees() {
        Ok(())
    } else {
        let real = diff.differences.iter().filter(|d| !d.rounding_only).count();
        Err(Failure::Check(format!(
            "{sheet_shown} differs from {shown}: {real} difference{}",
            if real == 1 { "" } else { "s" }
        )))
    }
}
