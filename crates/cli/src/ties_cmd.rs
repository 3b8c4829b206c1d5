//! `recount ties`: every tie a count decided, by lot or by an arbitrary
//! rule (a look back at earlier stages, the candidates' order), each
//! other outcome tried by a recount, and the ties whose other outcome
//! changes the winners; with the probability of the declared winners
//! where lots were drawn (`specs/ties.md`). The recounts are
//! `count::Prepared::tie_sensitivity`; this module reads the file, picks
//! the budget and words the report (also for the audit's "Ties" section).
//!
//! Exit codes: 0 whether or not a tie changes the winners (the report
//! says), 2 bad usage or input, 3 I/O.

use std::path::PathBuf;

use clap::Args;
use count::TieMethod;
use count::tie_sensitivity::TieSensitivity;

use crate::Failure;
use crate::input::{InputArgs, display};
use crate::output::write_output;
use crate::rules_arg::RulesArg;
use crate::workbench_cmd::WorkbenchFormat;

/// `recount ties`.
#[derive(Debug, Args)]
pub struct TiesArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    rules: RulesArg,
    /// Seed of the lot, in hexadecimal (else the rules', else 0).
    #[arg(long, value_name = "HEX")]
    seed: Option<String>,
    /// Recounts per contest for the other outcomes, and as many again for
    /// the tree of lots (default: as `count` picks for lots).
    #[arg(long, value_name = "N")]
    budget: Option<u64>,
    /// The report: text or json (recount-ties/1, specs/ties.md).
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    format: WorkbenchFormat,
    /// Write the report here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// The tie sensitivity of every contest of `election`, with the contest's id.
pub fn sensitivity(
    election: &ballot::Election,
    rules: &count::Rules,
    budget: Option<u64>,
) -> Result<Vec<(String, TieSensitivity)>, Failure> {
    let mut all = Vec::new();
    for contest in election.contests() {
        let budget = budget.unwrap_or_else(|| {
            crate::lots::default_budget(
                contest.ballots().len(),
                contest.candidates().len(),
                contest.candidates().len(),
            )
        });
        let s = count::Prepared::new(contest)
            .tie_sensitivity(rules, budget)
            .map_err(|e| Failure::Input(format!("contest {}: {e}", contest.id())))?;
        all.push((contest.id().to_owned(), s));
    }
    Ok(all)
}

/// How a tie was decided, in words.
pub fn method_words(m: &TieMethod) -> String {
    match m {
        TieMethod::Backward { stage } => format!("backward look (stage {stage})"),
        TieMethod::Forward { stage } => format!("forward look (stage {stage})"),
        TieMethod::Order => "candidate order".into(),
        TieMethod::Lot { draw } => format!("lot (draw {draw})"),
    }
}

fn purpose_words(p: count::TiePurpose) -> &'static str {
    match p {
        count::TiePurpose::SurplusOrder => "surplus order",
        count::TiePurpose::Exclusion => "exclusion",
        count::TiePurpose::Election => "election",
    }
}

/// A fraction `p/q` as a percentage with one decimal, by integer
/// arithmetic (rounded half up).
fn percent(fraction: &str) -> String {
    let (p, q) = match fraction.split_once('/') {
        Some((p, q)) => (p.parse::<u128>(), q.parse::<u128>()),
        None => (fraction.parse::<u128>(), Ok(1)),
    };
    match (p, q) {
        (Ok(p), Ok(q)) if q > 0 => {
            let tenths = (p * 2000 / q).div_ceil(2);
            format!("{}.{}%", tenths / 10, tenths % 10)
        }
        _ => fraction.to_owned(),
    }
}

/// One contest's ties in words (the command's text report and the
/// audit's section).
pub fn contest_text(id: &str, s: &TieSensitivity) -> String {
    let mut out = format!("Contest {id}: elected {}\n", s.elected.join(", "));
    if s.ties.is_empty() {
        out.push_str("  No tie was decided.\n");
        return out;
    }
    for t in &s.ties {
        out.push_str(&format!(
            "  Stage {}, {} tie among {}: {} chosen by {}",
            t.stage,
            purpose_words(t.purpose),
            t.between.join(", "),
            t.chosen,
            method_words(&t.method)
        ));
        if !t.then.is_empty() {
            out.push_str(&format!(", then {}", t.then.join(", ")));
        }
        out.push('\n');
        for o in &t.others {
            let changes = {
                let mut a = o.elected.clone();
                let mut b = s.elected.clone();
                a.sort();
                b.sort();
                a != b
            };
            out.push_str(&format!(
                "    {} instead elects {}{}\n",
                o.chosen,
                o.elected.join(", "),
                if changes { " (other winners)" } else { "" }
            ));
        }
        if let Some(l) = t.lot {
            out.push_str(&format!(
                "    {} of its {} equally likely results keep the declared winners\n",
                l.keeping, l.options
            ));
        }
        out.push_str(if t.changes_winners {
            "    This tie's other outcome changes the winners.\n"
        } else {
            "    No other outcome changes the winners.\n"
        });
    }
    let deciding: Vec<String> = s
        .deciding()
        .map(|t| format!("stage {} ({})", t.stage, t.chosen))
        .collect();
    if deciding.is_empty() {
        out.push_str("  No tie's other outcome changes the winners.\n");
    } else {
        out.push_str(&format!(
            "  Ties whose other outcome changes the winners: {}\n",
            deciding.join(", ")
        ));
    }
    if let Some(p) = &s.probability {
        if let Some(note) = &p.note {
            out.push_str(&format!(
                "  Probability of the declared winners: unknown ({note})\n"
            ));
        } else if p.exact {
            out.push_str(&format!(
                "  Probability of the declared winners under the lot: {} ({}), over {} paths\n",
                p.at_least,
                percent(&p.at_least),
                p.paths
            ));
        } else {
            out.push_str(&format!(
                "  Probability of the declared winners under the lot: between {} and {} ({} to {}); the budget ran out before every path was counted\n",
                p.at_least,
                p.at_most,
                percent(&p.at_least),
                percent(&p.at_most)
            ));
        }
    }
    if s.untried > 0 {
        out.push_str(&format!(
            "  {} other outcomes not tried (the budget ran out; raise --budget)\n",
            s.untried
        ));
    }
    out
}

/// A contest's ties as the audit report shows them: a summary sentence and
/// a line a tie.
pub fn view(s: &TieSensitivity) -> render::TiesView {
    let deciding = s.deciding().count();
    let summary = match (s.ties.len(), deciding) {
        (0, _) => "No tie was decided.".to_owned(),
        (n, 0) => format!(
            "{n} tie{} decided; no other outcome would change the winners.",
            if n == 1 { "" } else { "s" }
        ),
        (n, k) => format!(
            "{n} tie{} decided; the other outcome of {k} would change the winners.",
            if n == 1 { "" } else { "s" }
        ),
    };
    let lines = s
        .ties
        .iter()
        .map(|t| {
            let mut line = format!(
                "Stage {}, {} tie among {}: {} chosen by {}",
                t.stage,
                purpose_words(t.purpose),
                t.between.join(", "),
                t.chosen,
                method_words(&t.method)
            );
            line.push_str(if t.changes_winners {
                "; another outcome changes the winners"
            } else {
                "; no other outcome changes the winners"
            });
            if let Some(l) = t.lot {
                line.push_str(&format!(
                    " ({} of {} results keep them)",
                    l.keeping, l.options
                ));
            }
            line
        })
        .collect();
    render::TiesView {
        summary,
        lines,
        changes_winners: deciding > 0,
    }
}

/// Runs `recount ties`.
pub fn run(args: &TiesArgs) -> Result<(), Failure> {
    let shown = display(&args.input.file);
    let mut rules = args.rules.resolve()?;
    if let Some(seed) = &args.seed {
        rules.ties.seed = Some(seed.clone());
        rules
            .validate()
            .map_err(|e| Failure::Input(format!("--seed {seed:?}: {e}")))?;
    }
    let (_, election) = args.input.load()?;
    let election = args.input.select(election)?;
    let all = sensitivity(&election, &rules, args.budget)?;
    let body = match args.format {
        WorkbenchFormat::Text => {
            let mut s = format!("Ties of {shown} under {}\n", args.rules.name());
            for (id, t) in &all {
                s.push_str(&contest_text(id, t));
            }
            s
        }
        WorkbenchFormat::Json => {
            let contests: Vec<serde_json::Value> = all
                .iter()
                .map(|(id, t)| {
                    let mut v = serde_json::to_value(t).expect("ties serialise");
                    v["contest"] = id.as_str().into();
                    v["changes_winners"] = t.deciding().next().is_some().into();
                    v
                })
                .collect();
            let v = serde_json::json!({
                "format": "recount-ties/1",
                "rules": args.rules.name(),
                "seed": rules.ties.seed.clone().unwrap_or_else(|| "0".into()),
                "contests": contests,
            });
            serde_json::to_string_pretty(&v).expect("ties serialise") + "\n"
        }
    };
    write_output(args.output.as_deref(), &[&args.input.file], |out| {
        out.write_all(body.as_bytes())
            .map_err(crate::output::io_failure)
    })
}
