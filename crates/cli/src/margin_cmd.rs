//! `recount margin`: how close a result was (`specs/changes.md`). The
//! library (`workbench::margin`) searches and verifies; this module reads
//! the files, draws the progress bar, writes each change found as a change
//! file and reports the interval.
//!
//! Exit codes: 0 the search ran (whether or not a change was found); 2 bad
//! usage or input; 3 I/O.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ballot::{CandidateId, Contest};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use workbench::margin::{self, Changes, LowerBound, Margin, Options};

use crate::Failure;
use crate::diff_cmd::one_contest;
use crate::input::InputArgs;
use crate::output::{write_new, write_output};
use crate::rules_arg::RulesArg;
use crate::workbench_cmd::WorkbenchFormat;

/// Which changes `--changes` searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ChangesArg {
    /// A paper's ranking changed to another.
    Changed,
    /// Papers added.
    Added,
    /// Papers removed.
    Removed,
    /// Any of these, each paper touched counting one.
    Any,
}

impl From<ChangesArg> for Changes {
    fn from(c: ChangesArg) -> Changes {
        match c {
            ChangesArg::Changed => Changes::Changed,
            ChangesArg::Added => Changes::Added,
            ChangesArg::Removed => Changes::Removed,
            ChangesArg::Any => Changes::Any,
        }
    }
}

/// `recount margin`.
#[derive(Debug, Args)]
pub struct MarginArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    rules: RulesArg,
    #[command(flatten)]
    bundle: crate::bundle_cmd::BundleInput,
    /// Which changes of papers to search: changed (a ranking changed),
    /// added, removed, or any.
    #[arg(long, value_enum, default_value_t = ChangesArg::Changed)]
    changes: ChangesArg,
    /// Only papers of this batch may be changed or removed: a CSV ballot
    /// file's column and value (repeatable: papers of any batch given).
    #[arg(long, value_name = "COLUMN=VALUE")]
    batch: Vec<String>,
    /// Only move votes between these two candidates: a paper changed has
    /// them exchanged; papers added or removed have one of them first.
    #[arg(long, value_name = "A,B")]
    between: Option<String>,
    /// Only changes of at most K papers.
    #[arg(long, value_name = "K")]
    max_papers: Option<u64>,
    /// Recounts the search may make (default: as many as about 30 seconds
    /// allow on every thread, timed on one recount, between 100 and
    /// 20,000; the report gives the number, and --budget N repeats a run).
    #[arg(long, value_name = "N")]
    budget: Option<u64>,
    /// Threads (default: every core).
    #[arg(long, value_name = "J")]
    jobs: Option<usize>,
    /// Where to write each change found as a change file (`change-N.json`).
    #[arg(short, long, value_name = "DIR", default_value = "margin-changes")]
    output: PathBuf,
    /// Replace change files already in DIR.
    #[arg(long)]
    force: bool,
    /// The report: text or json (`recount-margin/1`, specs/changes.md).
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    format: WorkbenchFormat,
    /// Hide the progress bar.
    #[arg(short, long)]
    quiet: bool,
}

/// Seconds the default budget aims at, on every thread.
const DEFAULT_SECONDS: f64 = 30.0;

/// Recounts that fill about [`DEFAULT_SECONDS`] on `threads` threads,
/// timed on one recount with new paper counts (what each of the search's
/// is), between 100 and 20,000. The clock is the binary's: the search
/// itself only counts recounts, so `--budget N` repeats a run exactly.
fn default_budget(contest: &Contest, rules: &count::Rules, threads: usize) -> Result<u64, Failure> {
    let prepared = count::Prepared::new(contest).threads(1);
    let fail = |e: count::CountError| Failure::Input(format!("contest {}: {e}", contest.id()));
    prepared.outcome(rules).map_err(fail)?;
    let counts: Vec<u64> = contest.ballots().iter().map(|b| b.count.0).collect();
    let started = std::time::Instant::now();
    let again = prepared.with_counts(&counts).map_err(fail)?;
    again.outcome(rules).map_err(fail)?;
    let one = started.elapsed().as_secs_f64().max(1e-6);
    Ok(((DEFAULT_SECONDS * threads as f64 / one) as u64).clamp(100, 20_000))
}

fn candidate(contest: &Contest, name: &str) -> Result<CandidateId, Failure> {
    contest.find_by_name(name.trim()).ok_or_else(|| {
        let names: Vec<&str> = contest
            .candidates()
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        Failure::Input(format!(
            "--between: no candidate is named {name:?}; the candidates are: {}",
            names.join(", ")
        ))
    })
}

/// Runs `recount margin`.
pub fn run(args: &MarginArgs) -> Result<(), Failure> {
    let shown = crate::input::display(&args.input.file);
    let (bundle_rules, election) = one_contest(&args.input, &args.bundle)?;
    let rules = args.rules.resolve_or(bundle_rules.as_ref())?;
    crate::count_cmd::check_seats(args.rules.name(), &rules, &election)?;
    let contest = &election.contests()[0];
    let mut options = Options::new(args.changes.into());
    if args.max_papers == Some(0) {
        return Err(Failure::Input(
            "--max-papers 0: a change of no papers changes nothing; give 1 or more".into(),
        ));
    }
    options.max_papers = args.max_papers;
    if let Some(between) = &args.between {
        let Some((a, b)) = between.split_once(',') else {
            return Err(Failure::Input(format!(
                "--between {between:?}: expected two names, as A,B"
            )));
        };
        let (a, b) = (candidate(contest, a)?, candidate(contest, b)?);
        if a == b {
            return Err(Failure::Input(format!(
                "--between {between:?}: two different candidates, please"
            )));
        }
        options.between = Some((a, b));
    }
    if !args.batch.is_empty() {
        options.within = Some(batch_papers(args, contest)?);
    }
    let threads = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    options.budget = match args.budget {
        Some(b) => b,
        None => default_budget(contest, &rules, threads.max(1))?,
    };
    options.exhaustive_budget = options.budget.saturating_mul(10).min(400_000);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| Failure::Input(format!("--jobs {threads}: {e}")))?;
    let bar = if !args.quiet && std::io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(Some(1), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(
            "{bar:30} {pos}/{len} recounts at most, {per_sec} ({elapsed})",
        ) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    } else {
        ProgressBar::hidden()
    };
    let progress = |done: u64, most: u64| {
        bar.set_length(most);
        bar.set_position(done);
    };
    let found: Margin = pool
        .install(|| margin::search(contest, &rules, &options, &progress))
        .map_err(|e| Failure::Input(format!("{shown}: {e}")))?;
    bar.finish_and_clear();

    // The change files.
    let mut written: Vec<PathBuf> = Vec::new();
    if !found.findings.is_empty() {
        std::fs::create_dir_all(&args.output)
            .map_err(|e| Failure::Io(format!("{}: {e}", args.output.display())))?;
    }
    for (i, f) in found.findings.iter().enumerate() {
        let file = margin::change_file(contest, &rules, &found.elected, f);
        let path = args.output.join(format!("change-{}.json", i + 1));
        let text = file.to_json();
        write_new(&path, args.force, |w| {
            w.write_all(text.as_bytes())
                .map_err(crate::output::io_failure)
        })?;
        written.push(path);
    }
    let body = match args.format {
        WorkbenchFormat::Text => text(args, contest, &rules, &found, &written),
        WorkbenchFormat::Json => json(args, contest, &rules, &found, &written),
    };
    write_output(None, &[], |w| {
        w.write_all(body.as_bytes())
            .map_err(crate::output::io_failure)
    })
}

/// The papers of the batches asked for, per ranking: the file read again
/// keeping only their rows.
fn batch_papers(args: &MarginArgs, contest: &Contest) -> Result<HashMap<Vec<usize>, u64>, Failure> {
    let mut within: HashMap<Vec<usize>, u64> = HashMap::new();
    for batch in &args.batch {
        let Some((column, value)) = batch.split_once('=') else {
            return Err(Failure::Input(format!(
                "--batch {batch:?}: expected COLUMN=VALUE"
            )));
        };
        let rows = crate::input::read_rows(&args.input, column, value, true)?;
        let sub = rows
            .contests()
            .iter()
            .find(|c| c.id() == contest.id())
            .or_else(|| rows.contests().first())
            .ok_or_else(|| Failure::Input(format!("--batch {batch:?}: no contest")))?;
        // The batch's candidates are named as the whole file's.
        let map: Vec<Option<usize>> = sub
            .candidates()
            .iter()
            .map(|c| contest.find_by_name(&c.name).map(|i| i.index()))
            .collect();
        for b in sub.ballots().iter() {
            let ranking: Option<Vec<usize>> = b.ranking.iter().map(|c| map[c.index()]).collect();
            if let Some(r) = ranking {
                *within.entry(r).or_default() += b.count.0;
            }
        }
    }
    Ok(within)
}

fn names(contest: &Contest, ids: &[CandidateId]) -> Vec<String> {
    ids.iter()
        .map(|c| contest.candidates()[c.index()].name.clone())
        .collect()
}

fn ranking_text(contest: &Contest, r: &Option<Vec<usize>>) -> String {
    match r {
        None => String::new(),
        Some(r) => r
            .iter()
            .map(|&c| contest.candidates()[c].name.as_str())
            .collect::<Vec<_>>()
            .join(" > "),
    }
}

fn lower_words(m: &Margin) -> String {
    match &m.lower_bound_from {
        LowerBound::Exhaustive => format!(
            "every change of at most {} papers was counted, and none changes the winners",
            m.exhaustive_through
        ),
        LowerBound::Decisions(c) if c.stage == 0 => c.what.clone(),
        LowerBound::Decisions(c) => format!(
            "no change of fewer papers can reach any decision of the count; the closest is at stage {}: {} {}",
            c.stage, c.what, c.gap
        ),
        LowerBound::Trivial(why) => format!("{why}; at least one paper must change"),
    }
}

/// The command that replays a change file: the same ballots (a bundle with
/// its keys), the same rules and overrides.
fn replay(args: &MarginArgs, rules: &count::Rules, path: &Path) -> String {
    let quote = |a: &str| {
        if !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@".contains(c))
        {
            a.to_owned()
        } else {
            format!("'{}'", a.replace('\'', "'\\''"))
        }
    };
    let mut words = vec![
        "recount".to_owned(),
        "count".to_owned(),
        quote(&crate::input::display(&args.input.file)),
    ];
    for key in &args.bundle.trust {
        words.push("--trust".into());
        words.push(quote(key));
    }
    // A bundle counted under its own rules needs no --rules.
    if let Some(given) = args.rules.rules.as_deref() {
        words.push("--rules".into());
        words.push(quote(given));
    } else if args.bundle.trust.is_empty() {
        words.push("--rules".into());
        words.push(quote(&rules.name));
    }
    for set in &args.rules.set {
        words.push("--set".into());
        words.push(quote(set));
    }
    words.push("--apply".into());
    words.push(quote(&path.display().to_string()));
    words.join(" ")
}

fn text(
    args: &MarginArgs,
    contest: &Contest,
    rules: &count::Rules,
    m: &Margin,
    written: &[PathBuf],
) -> String {
    let mut s = format!(
        "Margin of contest {} ({}) under {}, changes: {}{}{}\n",
        contest.id(),
        crate::input::display(&args.input.file),
        rules.name,
        args.changes
            .to_possible_value()
            .map_or("?".into(), |v| v.get_name().to_owned()),
        args.between
            .as_ref()
            .map_or(String::new(), |b| format!(", between {b}")),
        if args.batch.is_empty() {
            String::new()
        } else {
            format!(", within {}", args.batch.join(", "))
        },
    );
    s.push_str(&format!(
        "Elected: {}\n",
        names(contest, &m.elected).join(", ")
    ));
    match m.upper_bound() {
        Some(u) if u == m.lower_bound => {
            s.push_str(&format!("Margin: {u} paper{}\n", plural(u)));
        }
        Some(u) => s.push_str(&format!(
            "Margin: between {} and {u} papers\n",
            m.lower_bound
        )),
        None => s.push_str(&format!(
            "Margin: at least {} papers; no change found{}\n",
            m.lower_bound,
            args.max_papers
                .map_or(String::new(), |k| format!(" of at most {k} papers"))
        )),
    }
    if let Some(f) = m.findings.first() {
        s.push_str(&format!(
            "  upper bound {}: a change of {} paper{} elects {} in place of {}, verified by a full recount\n",
            f.papers,
            f.papers,
            plural(f.papers),
            names(contest, &f.by).join(", "),
            names(contest, &f.displaced).join(", "),
        ));
    }
    s.push_str(&format!(
        "  lower bound {}: {}\n",
        m.lower_bound,
        lower_words(m)
    ));
    if !m.findings.is_empty() {
        s.push_str("Changes found, fewest papers first:\n");
    }
    for (i, (f, path)) in m.findings.iter().zip(written).enumerate() {
        s.push_str(&format!(
            "  {}. {} paper{}: {} displaced by {}\n",
            i + 1,
            f.papers,
            plural(f.papers),
            names(contest, &f.displaced).join(", "),
            names(contest, &f.by).join(", ")
        ));
        for step in &f.steps {
            let line = match (&step.from, &step.to) {
                (Some(_), Some(_)) => format!(
                    "change {} from {} to {}",
                    step.papers,
                    ranking_text(contest, &step.from),
                    ranking_text(contest, &step.to)
                ),
                (Some(_), None) => format!(
                    "remove {} ranking {}",
                    step.papers,
                    ranking_text(contest, &step.from)
                ),
                _ => format!(
                    "add {} ranking {}",
                    step.papers,
                    ranking_text(contest, &step.to)
                ),
            };
            s.push_str(&format!("       {line}\n"));
        }
        s.push_str(&format!("     replay: {}\n", replay(args, rules, path)));
    }
    s.push_str(&format!(
        "Recounts: {}{}\n",
        m.recounts,
        if m.untried > 0 {
            format!(
                "; {} families of changes not tried (the budget ran out; --budget N)",
                m.untried
            )
        } else {
            String::new()
        }
    ));
    s
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn json(
    args: &MarginArgs,
    contest: &Contest,
    rules: &count::Rules,
    m: &Margin,
    written: &[PathBuf],
) -> String {
    let from = match &m.lower_bound_from {
        LowerBound::Exhaustive => serde_json::json!({"kind": "exhaustive"}),
        LowerBound::Decisions(c) => serde_json::json!({
            "kind": "decisions", "stage": c.stage, "what": c.what, "gap": c.gap
        }),
        LowerBound::Trivial(why) => serde_json::json!({"kind": "trivial", "why": why}),
    };
    let ranking = |r: &Option<Vec<usize>>| {
        r.as_ref().map(|r| {
            r.iter()
                .map(|&c| contest.candidates()[c].name.clone())
                .collect::<Vec<_>>()
        })
    };
    let findings: Vec<serde_json::Value> = m
        .findings
        .iter()
        .zip(written)
        .map(|(f, path)| {
            serde_json::json!({
                "papers": f.papers,
                "displaced": names(contest, &f.displaced),
                "by": names(contest, &f.by),
                "elected": names(contest, &f.elected),
                "steps": f.steps.iter().map(|s| serde_json::json!({
                    "papers": s.papers, "from": ranking(&s.from), "to": ranking(&s.to)
                })).collect::<Vec<_>>(),
                "file": path.display().to_string(),
                "replay": replay(args, rules, path),
            })
        })
        .collect();
    let v = serde_json::json!({
        "format": "recount-margin/1",
        "contest": contest.id(),
        "rules": rules.name,
        "changes": Changes::from(args.changes).name(),
        "between": args.between,
        "batches": args.batch,
        "elected": names(contest, &m.elected),
        "upper_bound": m.upper_bound(),
        "lower_bound": m.lower_bound,
        "lower_bound_from": from,
        "exhaustive_through": m.exhaustive_through,
        "findings": findings,
        "change_files": written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "recounts": m.recounts,
        "families_untried": m.untried,
    });
    let mut out = serde_json::to_string_pretty(&v).expect("JSON");
    out.push('\n');
    out
}
