//! `recount count` (count a ballot file under a rule preset and write the
//! transcript as text, JSON or CSV) and `recount rules` (list the presets,
//! or print every option of one).
//!
//! The counting is `count::count`; the renderings are `render`; this
//! module only reads the file, builds the `Rules` from the command line and
//! writes the output atomically.
//!
//! `--attributes` and `--constraints` read the two CSV files of
//! `specs/constraints.md` into the election before counting (their errors
//! are `path:line:field: message`, exit 2), and `--constraint-method`
//! chooses how the count meets them.
//!
//! `--format` names the *output* format, as `specs/transcript.md` documents
//! (`recount count FILE --rules PRESET --format json`); the ballot file's
//! format is `--input-format`, as for every command.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use count::rules::ConstraintMethod;

use crate::Failure;
use crate::input::{InputArgs, input_failure};
use crate::output::{io_failure, refuse_inputs, write_output};
use crate::rules_arg::RulesArg;

/// The rendering of a transcript.
#[derive(Clone, Copy, Debug, Default, ValueEnum)]
pub enum ReportFormat {
    /// A stage table like an official result sheet.
    #[default]
    Text,
    /// The transcript (`recount-transcript/1`).
    Json,
    /// One row per stage and candidate.
    Csv,
    /// Candidates × stages, as councils and RCTab publish results.
    CsvWide,
    /// The stage table `recount-sheet/1` (specs/official-results.md), which
    /// `recount diff --official` reads.
    Sheet,
    /// A self-contained HTML result sheet (no network, no scripts), with a chart.
    Html,
}

/// Arguments of `recount count`.
#[derive(Debug, Args)]
pub struct CountArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    bundle: crate::bundle_cmd::BundleInput,
    /// An RCTab contest configuration (`*_config.json`): the file is its
    /// ES&S CVR, read with the configuration's labels, candidates and
    /// reading options, and counted under its tabulation options mapped
    /// to rules; an option recount cannot honour is refused by name
    /// (specs/rctab.md). Not with --rules or the reading options.
    #[arg(long, value_name = "CONFIG.json")]
    rctab_config: Option<PathBuf>,
    /// Seed of the lot, in hexadecimal (up to 64 digits); recorded in the transcript.
    #[arg(long, value_name = "HEX")]
    seed: Option<String>,
    /// Explicit tie-breaking order, strongest first, one candidate name per
    /// use (repeat it: `--tie-order "Smith, J" --tie-order Brown`), for a
    /// file of one contest. Candidates left out rank after those listed, in
    /// ballot-paper order; recorded in the transcript's rules.
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    tie_order: Vec<String>,
    /// One candidate of one contest's tie-breaking order, as
    /// `CONTEST=NAME` (split at the first `=`), strongest first: repeat it
    /// for each name and each contest (`--tie-order-of "ward1=Smith, J"
    /// --tie-order-of ward1=Brown --tie-order-of ward2=Ng`).
    #[arg(long, value_name = "CONTEST=NAME", allow_hyphen_values = true)]
    tie_order_of: Vec<String>,
    /// Output: text (result sheet), json (transcript), csv (long), csv-wide or html.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Columns the text sheet's stage table may take (wider tables split
    /// into blocks of stages); default: the terminal's width, else 100.
    #[arg(long, value_name = "N")]
    width: Option<usize>,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "OUT")]
    output: Option<PathBuf>,
    /// Candidates' attributes for representation constraints: CSV
    /// `[contest,]name,<attribute>,…` (specs/constraints.md).
    #[arg(long, value_name = "ATTRS.csv")]
    attributes: Option<PathBuf>,
    /// Representation constraints: CSV `[contest,]attribute,value,min,max`,
    /// met by Grey–Fitzgerald guard/doom (specs/constraints.md); checked
    /// feasible before counting.
    #[arg(long, value_name = "CONSTRAINTS.csv")]
    constraints: Option<PathBuf>,
    /// How the constraints are met: guard-doom (Grey–Fitzgerald, the
    /// default), reserved-places (a count per minimum, then an open count)
    /// or substitution (swap the lowest elected after an unconstrained
    /// count); recorded in the transcript's rules.
    #[arg(long, value_name = "METHOD", value_parser = crate::choice::parser::<ConstraintMethod>())]
    constraint_method: Option<ConstraintMethod>,
    /// Count even when a lot drawn from the default seed (none given)
    /// decides the winners; without it that is an error (exit 2).
    #[arg(long)]
    allow_default_seed: bool,
    /// Recounts tried per contest to find whether another draw of a lot
    /// would change the winners (default: 20,000,000 ÷ (distinct rankings
    /// + candidates × (stages + 300)), between 1 and 1,000).
    #[arg(long, value_name = "N")]
    lot_recounts: Option<u64>,
    /// No progress line (shown on a terminal once a count runs over a
    /// second). Warnings are still printed.
    #[arg(short, long)]
    quiet: bool,
    /// Count with a change of papers made first: a change file `recount
    /// margin` writes (specs/changes.md). Exit 1 when the count does not
    /// elect what the file claims under the same rules.
    #[arg(long, value_name = "CHANGE.json")]
    apply: Option<PathBuf>,
}

/// Arguments of `recount rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A preset name or a rules file: print every option of it (as JSON,
    /// the rules file format).
    #[arg(value_name = "PRESET|FILE")]
    preset: Option<String>,
    /// Override one option before printing (repeatable), as for `count`.
    #[arg(long = "set", value_name = "PATH=VALUE", requires = "preset")]
    set: Vec<String>,
}

/// The rules the command line asks for (`--rules`, else `base`).
fn rules_from(args: &CountArgs, base: Option<&count::Rules>) -> Result<count::Rules, Failure> {
    let mut rules = args.rules.resolve_or(base)?;
    if let Some(seed) = &args.seed {
        rules.ties.seed = Some(seed.clone());
    }
    if let Some(m) = args.constraint_method {
        rules.constraint_method = m;
    }
    if !args.tie_order.is_empty() {
        rules.ties.order = Some(args.tie_order.clone());
    }
    for given in &args.tie_order_of {
        let Some((contest, name)) = given.split_once('=') else {
            return Err(Failure::Input(format!(
                "--tie-order-of {given:?}: expected CONTEST=NAME"
            )));
        };
        let order = rules
            .ties
            .order_by_contest
            .entry(contest.to_owned())
            .or_default();
        if order.iter().any(|n| n == name) {
            return Err(Failure::Input(format!(
                "--tie-order-of {given:?}: {name:?} is already in contest {contest:?}'s order"
            )));
        }
        order.push(name.to_owned());
    }
    if !args.tie_order.is_empty() || !args.tie_order_of.is_empty() {
        // An explicit order given on the command line is meant to be used:
        // it goes before the lot, after any look at earlier stages.
        if !rules.ties.chain.contains(&count::rules::TieBreak::Order) {
            let at = rules
                .ties
                .chain
                .iter()
                .position(|m| *m == count::rules::TieBreak::Lot)
                .unwrap_or(rules.ties.chain.len());
            rules.ties.chain.insert(at, count::rules::TieBreak::Order);
        }
    }
    rules
        .validate()
        .map_err(|m| Failure::Input(format!("--rules {}: {m}", args.rules.name())))?;
    Ok(rules)
}

/// Runs `recount count`.
pub fn run_count(args: &CountArgs) -> Result<(), Failure> {
    // Every file read; the output may be none of them.
    let mut inputs: Vec<&Path> = vec![args.input.file.as_path()];
    inputs.extend(args.attributes.as_deref());
    inputs.extend(args.constraints.as_deref());
    inputs.extend(args.rules.file());
    inputs.extend(args.apply.as_deref());
    inputs.extend(args.rctab_config.as_deref());
    refuse_inputs(args.output.as_deref(), &inputs)?;
    // What identifies the input: a ballot file's is taken as it streams
    // in, a bundle's MANIFEST here, so that no bytes are held through the
    // count (a 5-million-paper file is 190 MB).
    let shown = crate::input::display(&args.input.file);
    let identify = |file: String, bytes: &[u8], format: String| count::transcript::Input {
        file,
        bytes: bytes.len() as u64,
        sha256: crate::input::sha256_hex(bytes),
        format,
    };
    let bundle = args.bundle.load(&args.input.file)?;
    let (rules, input, mut election) = if let Some(config) = &args.rctab_config {
        let (base, input, election) = crate::rctab_config::load(config, &args.input)?;
        if args.rules.rules.is_some() {
            return Err(Failure::Input(format!(
                "{}: the rules are the configuration's; --rules is not taken with --rctab-config",
                crate::input::display(config)
            )));
        }
        (rules_from(args, Some(&base))?, input, election)
    } else if let Some(verified) = bundle {
        let rules = rules_from(args, Some(verified.rules()))?;
        let (manifest, format) = crate::bundle_cmd::provenance(&args.input.file, &verified)?;
        let input = identify(format!("{shown}/MANIFEST"), &manifest, format);
        (rules, input, verified.into_election())
    } else {
        let rules = rules_from(args, None)?;
        // Streamed: the file is hashed as it is read, never held whole.
        let read = args.input.stream(false, true)?;
        let election = read
            .election
            .map_err(|e| input_failure(&args.input.file, &e))?;
        let id = read
            .id
            .ok_or_else(|| Failure::Io(format!("{shown}: cannot read")))?;
        let input = count::transcript::Input {
            file: shown,
            bytes: id.bytes,
            sha256: id.sha256,
            format: read.format.name().to_owned(),
        };
        (rules, input, election)
    };
    apply_constraints(args, &mut election)?;
    let mut election = args.input.select(election)?;
    let claim = match &args.apply {
        Some(path) => Some(apply_change(path, &mut election)?),
        None => None,
    };
    check_seats(args.rules.name(), &rules, &election)?;
    if !args.tie_order.is_empty() && election.contests().len() > 1 {
        return Err(Failure::Input(format!(
            "{}: {} contests; give each its order with --tie-order-of CONTEST NAME…",
            crate::input::display(&args.input.file),
            election.contests().len()
        )));
    }
    crate::progress::warn_if_costly(&rules, &election);
    let mut transcript = crate::progress::count(&election, &rules, !args.quiet)
        .map_err(|e| Failure::Input(format!("{}: {e}", crate::input::display(&args.input.file))))?;
    provenance(&mut transcript, input, &election);
    transcript.lots = crate::lots::sensitivity(&election, &rules, &transcript, args.lot_recounts)?;
    crate::lots::report(&transcript.lots, args.allow_default_seed)?;
    let verdict = match &claim {
        Some(c) => replayed(c, &rules, &transcript),
        None => Ok(()),
    };
    let body = match args.format {
        ReportFormat::Text => render::text_with(
            &transcript,
            &render::TextOptions {
                width: sheet_width(args.width, args.output.as_deref()),
                made_by: Some(made_by()),
            },
        ),
        ReportFormat::Csv => render::csv(&transcript),
        ReportFormat::CsvWide => render::csv_wide(&transcript),
        ReportFormat::Sheet => render::recount_sheet(&transcript),
        ReportFormat::Html => render::html(
            &transcript,
            &render::TextOptions {
                width: 0,
                made_by: Some(made_by()),
            },
        ),
        ReportFormat::Json => {
            // Streamed: a transcript of many candidates over many stages is
            // far larger written out than held.
            write_output(args.output.as_deref(), &inputs, |out| {
                serde_json::to_writer_pretty(&mut *out, &transcript).map_err(|e| {
                    if e.is_io() {
                        io_failure(e.into())
                    } else {
                        Failure::Input(format!("serialising the transcript: {e}"))
                    }
                })?;
                out.write_all(b"\n").map_err(io_failure)
            })?;
            return verdict;
        }
    };
    write_output(args.output.as_deref(), &inputs, |out| {
        out.write_all(body.as_bytes()).map_err(io_failure)
    })?;
    verdict
}

/// Makes the change of `path` to its contest of `election`; the file's claim.
fn apply_change(
    path: &Path,
    election: &mut ballot::Election,
) -> Result<workbench::margin::ChangeFile, Failure> {
    let shown = crate::input::display(path);
    let text = std::fs::read_to_string(path).map_err(|e| Failure::Io(format!("{shown}: {e}")))?;
    let change = workbench::margin::ChangeFile::from_json(&text)
        .map_err(|e| Failure::Input(format!("{shown}: {e}")))?;
    let ids: Vec<String> = election
        .contests()
        .iter()
        .map(|c| c.id().to_owned())
        .collect();
    let only = election.contests().len() == 1;
    let Some(contest) = election
        .contests_mut()
        .iter_mut()
        .find(|c| c.id() == change.contest || only)
    else {
        return Err(Failure::Input(format!(
            "{shown}: a change of contest {:?}, but the ballots hold {}",
            change.contest,
            ids.join(", ")
        )));
    };
    let changed = workbench::margin::apply(contest, &change)
        .map_err(|e| Failure::Input(format!("{shown}: {e}")))?;
    *contest = changed;
    eprintln!(
        "recount: {shown}: {} paper{} of contest {} changed before the count",
        change.papers,
        if change.papers == 1 { "" } else { "s" },
        contest.id()
    );
    Ok(change)
}

/// Whether the count elects what the change file claims (checked when it
/// was found under the same rules, every option: their SHA-256).
fn replayed(
    change: &workbench::margin::ChangeFile,
    rules: &count::Rules,
    transcript: &count::Transcript,
) -> Result<(), Failure> {
    if change.claim.rules_sha256 != workbench::margin::rules_sha256(rules) {
        eprintln!(
            "recount: note: the change was found under other rules ({}, SHA-256 {}) than these: its claim is not checked",
            change.claim.rules, change.claim.rules_sha256
        );
        return Ok(());
    }
    let elected: Vec<&String> = transcript
        .contests
        .iter()
        .filter(|c| c.contest == change.contest || transcript.contests.len() == 1)
        .flat_map(|c| c.elected.iter())
        .collect();
    let claimed: Vec<&String> = change.claim.elected_after.iter().collect();
    if elected == claimed {
        Ok(())
    } else {
        Err(Failure::Check(format!(
            "the change file claims the count elects {}, but it elects {}",
            claimed
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            elected
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )))
    }
}

/// The text sheet's width: `--width`, else the terminal's when the sheet
/// goes to one (its size, else `$COLUMNS`), else 100.
fn sheet_width(given: Option<usize>, output: Option<&Path>) -> usize {
    use std::io::IsTerminal;
    if let Some(w) = given {
        return w.max(20);
    }
    let to_terminal = output.is_none_or(|p| p == Path::new("-")) && std::io::stdout().is_terminal();
    if !to_terminal {
        return 100;
    }
    terminal_size::terminal_size()
        .map(|(w, _)| usize::from(w.0))
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .unwrap_or(100)
}

/// The program and the command line, for the sheet's header.
pub fn made_by() -> String {
    // The program by its name, not the path it was run from.
    let args: Vec<String> = std::iter::once("recount".to_string())
        .chain(std::env::args().skip(1))
        .map(|a| {
            if !a.is_empty()
                && a.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@".contains(c))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect();
    format!("recount {}: {}", env!("CARGO_PKG_VERSION"), args.join(" "))
}

/// Records what the count was made from: the ballot file (its name, size,
/// SHA-256 and format), and each contest's import policy with the papers
/// it changed.
fn provenance(
    transcript: &mut count::Transcript,
    input: count::transcript::Input,
    election: &ballot::Election,
) {
    transcript.input = Some(input);
    for record in &mut transcript.contests {
        if let Some(c) = election
            .contests()
            .iter()
            .find(|c| c.id() == record.contest)
        {
            record.import = Some(count::transcript::Import {
                policy: *c.policy(),
                changed: *c.irregularities(),
            });
        }
    }
}

/// Issue 9 bug 7: a single-winner preset on a several-seat contest is
/// refused, naming the presets that fit; more seats than standing
/// candidates is counted, with a warning.
pub(crate) fn check_seats(
    rules: &str,
    resolved: &count::Rules,
    election: &ballot::Election,
) -> Result<(), Failure> {
    let preset = count::rules::Preset::find(rules);
    // A pass a seat fills several seats with a single-winner method.
    let one_count = resolved.passes == count::rules::Passes::One;
    for c in election.contests() {
        if one_count && preset.is_some_and(|p| p.single_winner) && c.seats() > 1 {
            let fit: Vec<&str> = count::rules::PRESETS
                .iter()
                .filter(|p| !p.single_winner)
                .map(|p| p.name)
                .collect();
            return Err(Failure::Input(format!(
                "contest {}: {} seats, but --rules {rules} elects one; for several seats use one of: {}, or fill a seat a pass with --set passes=one-per-seat",
                c.id(),
                c.seats(),
                fit.join(", ")
            )));
        }
        let standing = c.candidates().len() - c.withdrawn().len();
        if c.seats() as usize > standing {
            eprintln!(
                "recount: warning: contest {}: {} seats but {standing} standing candidates; every one is elected and {} seats stay empty",
                c.id(),
                c.seats(),
                c.seats() as usize - standing
            );
        }
    }
    Ok(())
}

fn read_file(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::Io(format!("{}: cannot read: {e}", path.display())))
}

/// Reads `--attributes` into the candidates, then `--constraints` into the
/// contests; a bad row is reported as `path:line:field: message`.
fn apply_constraints(args: &CountArgs, election: &mut ballot::Election) -> Result<(), Failure> {
    if let Some(path) = &args.attributes {
        let bytes = read_file(path)?;
        ballot::constraints::read_attributes(&bytes, election)
            .map_err(|e| input_failure(path, &e))?;
    }
    if let Some(path) = &args.constraints {
        let bytes = read_file(path)?;
        let per_contest = ballot::constraints::read_constraints(&bytes, election)
            .map_err(|e| input_failure(path, &e))?;
        for (contest, cc) in election.contests_mut().iter_mut().zip(per_contest) {
            contest
                .set_constraints(cc)
                .map_err(|e| input_failure(path, &e))?;
        }
    }
    Ok(())
}

/// Runs `recount rules`.
pub fn run_rules(args: &RulesArgs) -> Result<(), Failure> {
    let body = match &args.preset {
        None => {
            let presets = count::Rules::presets();
            let width = presets.iter().map(|p| p.0.len()).max().unwrap_or(0);
            let mut s = String::new();
            for (name, description, spec) in presets {
                s.push_str(&format!("{name:width$}  {description}  ({spec})\n"));
            }
            s
        }
        Some(name) => {
            let rules = RulesArg {
                rules: Some(name.clone()),
                set: args.set.clone(),
            }
            .resolve()?;
            let mut s = serde_json::to_string_pretty(&rules)
                .map_err(|e| Failure::Input(format!("serialising the rules: {e}")))?;
            s.push('\n');
            s
        }
    };
    write_output(None, &[], |out| {
        out.write_all(body.as_bytes()).map_err(io_failure)
    })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: CountArgs,
    }

    fn parse(args: &[&str]) -> CountArgs {
        Cli::try_parse_from(std::iter::once("count").chain(args.iter().copied()))
            .expect("arguments parse")
            .args
    }

    #[test]
    fn seed_and_tie_order_go_into_the_recorded_rules() {
        let a = parse(&[
            "f.blt",
            "--rules",
            "scottish-stv",
            "--seed",
            "c0ffee",
            "--tie-order",
            "Ann",
            "--tie-order",
            "Bo, Jr",
            "--tie-order",
            "Cy",
        ]);
        let r = rules_from(&a, None).unwrap();
        assert_eq!(r.ties.seed.as_deref(), Some("c0ffee"));
        assert_eq!(
            r.ties.order,
            Some(vec!["Ann".into(), "Bo, Jr".into(), "Cy".into()])
        );
        use count::rules::TieBreak::*;
        // The order is tried after the backward look and before the lot.
        assert_eq!(r.ties.chain, vec![Backward, Order, Lot]);
        // Per contest: each list is one contest's, names never split.
        let a = parse(&[
            "f.blt",
            "--rules",
            "ers97",
            "--tie-order-of",
            "w1=Smith, J",
            "--tie-order-of",
            "w2=Ng",
            "--tie-order-of",
            "w1=-Dash=x",
        ]);
        let r = rules_from(&a, None).unwrap();
        assert_eq!(r.ties.order, None);
        assert_eq!(
            r.ties.order_by_contest["w1"],
            vec!["Smith, J".to_string(), "-Dash=x".to_string()]
        );
        assert_eq!(r.ties.order_by_contest["w2"], vec!["Ng".to_string()]);
        assert_eq!(r.ties.chain, vec![Forward, Order, Lot]);
        // wigm already decides by order: nothing is added.
        let a = parse(&["f.blt", "--rules", "wigm", "--tie-order", "Ann"]);
        assert_eq!(rules_from(&a, None).unwrap().ties.chain, vec![Order]);
    }

    #[test]
    fn unknown_presets_and_bad_seeds_are_bad_input_naming_the_presets() {
        let a = parse(&["f.blt", "--rules", "no-such-rules"]);
        match rules_from(&a, None) {
            Err(Failure::Input(m)) => assert!(
                m.contains(
                    "scottish-stv, ers97, wigm, uig, egm, minneapolis, irv, meek, nz-meek, warren, meek-exact"
                ),
                "{m}"
            ),
            other => panic!("{other:?}"),
        }
        let a = parse(&["f.blt", "--rules", "ers97", "--seed", "not-hex"]);
        assert!(
            matches!(rules_from(&a, None), Err(Failure::Input(m)) if m.contains("hexadecimal"))
        );
    }

    #[test]
    fn output_format_is_format_and_ballot_format_is_input_format() {
        let a = parse(&[
            "f.blt",
            "--rules",
            "irv",
            "--format",
            "csv",
            "--input-format",
            "blt",
            "-o",
            "out.csv",
        ]);
        assert!(matches!(a.format, ReportFormat::Csv));
        assert!(matches!(a.input.input_format, Some(ballot::Format::Blt)));
        assert_eq!(a.output.as_deref(), Some(std::path::Path::new("out.csv")));
    }
}
