//! `recount compare` and `recount fuzz`: the rule makers' workbench
//! (`specs/workbench.md`) at the command line. The library
//! (`workbench`) counts, checks and shrinks; this module reads the file,
//! draws the progress line, writes the counterexamples and prints.
//!
//! Exit codes: `compare` 0 the same elected, 1 different; `fuzz` 0 nothing
//! found, 1 a counterexample found; 2 bad usage or input; 3 I/O.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use workbench::Case;
use workbench::compare::{Parting, compare};
use workbench::fuzz::{Finding, Fuzz, Summary, Target};

use crate::Failure;
use crate::diff_cmd::one_contest;
use crate::input::InputArgs;
use crate::output::write_output;

/// A report's form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum WorkbenchFormat {
    /// For a terminal.
    #[default]
    Text,
    /// JSON.
    Json,
}

/// `recount compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    bundle: crate::bundle_cmd::BundleInput,
    /// The two rules: a preset or a rules file each (`--rules A --rules B`).
    #[arg(
        long = "rules",
        value_name = "PRESET|FILE",
        num_args = 1,
        required = true
    )]
    rules: Vec<String>,
    /// The report: text or json.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    format: WorkbenchFormat,
}

/// `recount fuzz`.
#[derive(Debug, Args)]
pub struct FuzzArgs {
    /// The rules under test: a preset or a rules file.
    #[arg(long = "rules", value_name = "PRESET|FILE")]
    rules: String,
    /// Find elections where these rules elect otherwise.
    #[arg(long, value_name = "PRESET|FILE", conflicts_with = "property")]
    against: Option<String>,
    /// Find elections where this property fails (specs/workbench.md lists them).
    #[arg(long, value_name = "P")]
    property: Option<String>,
    /// The election generator: impartial, blocs, spatial, mallows, near-ties or mixed.
    #[arg(long, value_name = "G", default_value = "mixed")]
    generator: String,
    /// The run's seed; the same seed gives the same cases.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Cases to try.
    #[arg(long, value_name = "N", default_value_t = 2_000)]
    cases: u64,
    /// Threads (default: every core).
    #[arg(long, value_name = "J")]
    jobs: Option<usize>,
    /// Counterexamples to shrink and write (the first found).
    #[arg(long, value_name = "K", default_value_t = 3)]
    keep: usize,
    /// Every case 10 candidates, 3 seats and 1,000 papers (the benchmark's shape).
    #[arg(long)]
    bench_shape: bool,
    /// Count disagreements that rest on a tie decided by lot or candidate
    /// order (by default such cases are passed over: they are arbitrary).
    #[arg(long)]
    allow_arbitrary_ties: bool,
    /// Where to write each counterexample (a ballot file and a .txt that
    /// explains it).
    #[arg(short, long, value_name = "DIR", default_value = "fuzz-findings")]
    output: PathBuf,
    /// Hide the progress line.
    #[arg(short, long)]
    quiet: bool,
}

/// Where two counts part ways and whom each elects, as `compare`, `fuzz`'s
/// explanations and `whatif` print it.
pub(crate) fn side_text(p: &Parting, names: [&str; 2]) -> String {
    let mut s = String::new();
    match p.stage {
        None => s.push_str("The two counts agree at every stage.\n"),
        Some(stage) => {
            s.push_str(&format!("They part ways at stage {stage}:\n"));
            let (a, b) = (&p.sides[0], &p.sides[1]);
            let words = |x: &Option<workbench::compare::Side>| {
                x.as_ref()
                    .map_or("(no such stage)".to_owned(), |x| x.0.clone())
            };
            s.push_str(&format!(
                "  {}: {}\n  {}: {}\n",
                names[0],
                words(a),
                names[1],
                words(b)
            ));
            let rows_a = a.as_ref().map(|x| x.1.clone()).unwrap_or_default();
            let rows_b = b.as_ref().map(|x| x.1.clone()).unwrap_or_default();
            let width = rows_a
                .iter()
                .chain(&rows_b)
                .map(|r| r.0.len())
                .max()
                .unwrap_or(9)
                .max(9);
            s.push_str(&format!(
                "  {:<width$}  {:>14}  {:>14}\n",
                "candidate", names[0], names[1]
            ));
            let all: Vec<&String> = rows_a
                .iter()
                .map(|r| &r.0)
                .chain(rows_b.iter().map(|r| &r.0))
                .collect();
            let mut seen = Vec::new();
            for name in all {
                if seen.contains(&name) {
                    continue;
                }
                seen.push(name);
                let va = rows_a
                    .iter()
                    .find(|r| &r.0 == name)
                    .map_or("-", |r| r.1.as_str());
                let vb = rows_b
                    .iter()
                    .find(|r| &r.0 == name)
                    .map_or("-", |r| r.1.as_str());
                let same = match (
                    count::decimal::Decimal::parse(va),
                    count::decimal::Decimal::parse(vb),
                ) {
                    (Some(x), Some(y)) => x.same_value(&y),
                    _ => va == vb,
                };
                let mark = if same { "" } else { "  <" };
                s.push_str(&format!("  {name:<width$}  {va:>14}  {vb:>14}{mark}\n"));
            }
        }
    }
    s.push_str(&format!(
        "Elected under {}: {}\nElected under {}: {}\n",
        names[0],
        p.elected[0].join(", "),
        names[1],
        p.elected[1].join(", ")
    ));
    s
}

/// Runs `recount compare`.
pub fn run_compare(args: &CompareArgs) -> Result<(), Failure> {
    if args.rules.len() != 2 {
        return Err(Failure::Input(format!(
            "--rules given {} times; compare takes exactly two (--rules A --rules B)",
            args.rules.len()
        )));
    }
    let a = crate::rules_arg::load(&args.rules[0])?;
    let b = crate::rules_arg::load(&args.rules[1])?;
    let (_, election) = one_contest(&args.input, &args.bundle)?;
    let contest = &election.contests()[0];
    let p = compare(contest, &a, &b).map_err(Failure::Input)?;
    let names = [args.rules[0].as_str(), args.rules[1].as_str()];
    let body = match args.format {
        WorkbenchFormat::Text => {
            let mut s = format!(
                "Comparing {} and {} on {} (contest {})\n",
                names[0],
                names[1],
                crate::input::display(&args.input.file),
                contest.id()
            );
            s.push_str(&side_text(&p, names));
            s.push_str(if p.same_elected() {
                "Verdict: the same candidates are elected\n"
            } else {
                "Verdict: different candidates are elected\n"
            });
            s
        }
        WorkbenchFormat::Json => {
            let side = |x: &Option<workbench::compare::Side>| {
                x.as_ref().map(|(action, totals)| {
                    serde_json::json!({
                        "action": action,
                        "totals": totals.iter().map(|(n, v)| serde_json::json!({"candidate": n, "total": v})).collect::<Vec<_>>(),
                    })
                })
            };
            let v = serde_json::json!({
                "format": "recount-compare/1",
                "rules": names,
                "first_difference": p.stage,
                "stage": [side(&p.sides[0]), side(&p.sides[1])],
                "elected": p.elected,
                "same_elected": p.same_elected(),
            });
            serde_json::to_string_pretty(&v).expect("a comparison serialises") + "\n"
        }
    };
    write_output(None, &[], |out| {
        out.write_all(body.as_bytes())
            .map_err(crate::output::io_failure)
    })?;
    if p.same_elected() {
        Ok(())
    } else {
        Err(Failure::Check(format!(
            "{} and {} elect different candidates",
            names[0], names[1]
        )))
    }
}

/// The counterexample's file: BLT, or recount JSON when it has
/// constraints (BLT cannot hold the attributes they read).
fn case_file(case: &Case) -> Option<(&'static str, Vec<u8>)> {
    let e = case.election()?;
    let (ext, format) = if case.constraints.is_empty() {
        ("blt", ballot::Format::Blt)
    } else {
        ("json", ballot::Format::Json)
    };
    let mut out = Vec::new();
    ballot::write(format, &e, &mut out).ok()?;
    Some((ext, out))
}

fn size(case: &Case) -> String {
    format!(
        "{} candidates, {} seats, {} distinct rankings, {} papers",
        case.names.len(),
        case.seats,
        case.rankings.len(),
        case.papers()
    )
}

fn explanation(args: &FuzzArgs, f: &Finding, file: &str) -> String {
    let mut s = format!(
        "recount fuzz --rules {} {} --generator {} --seed {}: case {} (case seed {})\n",
        args.rules,
        match (&args.against, &args.property) {
            (Some(b), _) => format!("--against {b}"),
            (_, Some(p)) => format!("--property {p}"),
            _ => String::new(),
        },
        args.generator,
        args.seed,
        f.case,
        f.case_seed
    );
    s.push_str(&format!(
        "Generated: {}; shrunk to {}.\n\n{}\n",
        size(&f.original),
        size(&f.shrunk),
        f.what
    ));
    if let (Some(p), Some(b)) = (&f.parting, &args.against) {
        s.push('\n');
        s.push_str(&side_text(p, [args.rules.as_str(), b.as_str()]));
    }
    s.push_str(&format!(
        "\nReplay: recount {} {file} --rules {}{}\n",
        if args.against.is_some() {
            "compare"
        } else {
            "count"
        },
        args.rules,
        args.against
            .as_ref()
            .map(|b| format!(" --rules {b}"))
            .unwrap_or_default()
    ));
    s
}

/// Runs `recount fuzz`.
pub fn run_fuzz(args: &FuzzArgs) -> Result<(), Failure> {
    let rules = crate::rules_arg::load(&args.rules)?;
    let target = match (&args.against, &args.property) {
        (Some(b), None) => Target::Against(crate::rules_arg::load(b)?),
        (None, Some(p)) if workbench::properties::PROPERTIES.contains(&p.as_str()) => {
            Target::Property(p.clone())
        }
        (None, Some(p)) => {
            return Err(Failure::Input(format!(
                "--property {p:?}: not a property; they are: {}",
                workbench::properties::PROPERTIES.join(", ")
            )));
        }
        _ => {
            return Err(Failure::Input(
                "give --against RULES or --property P".into(),
            ));
        }
    };
    if !generate::shapes::GENERATORS.contains(&args.generator.as_str()) {
        return Err(Failure::Input(format!(
            "--generator {:?}: not a generator; they are: {}",
            args.generator,
            generate::shapes::GENERATORS.join(", ")
        )));
    }
    let fuzz = Fuzz {
        rules,
        target,
        generator: args.generator.clone(),
        params: args.bench_shape.then(generate::shapes::Params::bench),
        seed: args.seed,
        cases: args.cases,
        keep: args.keep,
        shrink_budget: 4_000,
        allow_arbitrary_ties: args.allow_arbitrary_ties,
    };
    let threads = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| Failure::Input(format!("--jobs {threads}: {e}")))?;
    let bar = if !args.quiet && std::io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(Some(args.cases), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{bar:30} {pos}/{len} cases, {msg} found, {per_sec} ({elapsed})",
        ) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    } else {
        ProgressBar::hidden()
    };
    let started = Instant::now();
    let progress = |done: u64, found: u64| {
        if done % 64 == 0 || done == args.cases {
            bar.set_position(done);
            bar.set_message(found.to_string());
        }
    };
    let summary: Summary = pool.install(|| workbench::fuzz::run(&fuzz, &progress));
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();

    let mut written = Vec::new();
    if !summary.findings.is_empty() {
        std::fs::create_dir_all(&args.output)
            .map_err(|e| Failure::Io(format!("{}: {e}", args.output.display())))?;
    }
    for f in &summary.findings {
        let Some((ext, bytes)) = case_file(&f.shrunk) else {
            continue;
        };
        let stem = format!("seed{}-case{}", args.seed, f.case);
        let file = args.output.join(format!("{stem}.{ext}"));
        let txt = args.output.join(format!("{stem}.txt"));
        write_file(&file, &bytes)?;
        write_file(
            &txt,
            explanation(args, f, &file.display().to_string()).as_bytes(),
        )?;
        written.push((file, f));
    }
    let mut s = format!(
        "recount fuzz: {} cases ({} to which the target applies) in {elapsed:.2} s on {threads} thread{}: {:.0} cases a second\n",
        summary.cases,
        summary.applicable,
        if threads == 1 { "" } else { "s" },
        summary.cases as f64 / elapsed.max(1e-9)
    );
    if summary.found == 0 {
        s.push_str("No counterexample found.\n");
    } else {
        s.push_str(&format!(
            "{} counterexamples found; the first {} shrunk:\n",
            summary.found,
            written.len()
        ));
        for (file, f) in &written {
            s.push_str(&format!(
                "  {}: {} (from {})\n    {}\n",
                file.display(),
                size(&f.shrunk),
                size(&f.original),
                f.what
            ));
        }
    }
    print!("{s}");
    if summary.found == 0 {
        Ok(())
    } else {
        Err(Failure::Check(format!(
            "{} counterexamples found",
            summary.found
        )))
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    write_output(Some(path), &[], |out| {
        out.write_all(bytes).map_err(crate::output::io_failure)
    })
}
