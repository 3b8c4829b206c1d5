//! `recount audit BUNDLE --trust PUB…`: the observer's whole job. Verify
//! the bundle (every numbered check, nominations and turnout included),
//! recount every contest under the bundle's rules, compare each with the
//! bundle's declared result and, with `--official SHEET`, diff the contest
//! the sheet is of; try each tie the count decided the other way (as
//! `recount ties`, `specs/ties.md`); then report: a summary on the terminal (JSON with
//! `--format json`) and, with `--html FILE`, the report page.
//!
//! Exit codes: 0 everything holds; 1 anything fails (the summary says what,
//! first thing); 2 bad usage or input (an unreadable trust key or sheet, a
//! path that is no bundle); 3 I/O.

use std::path::PathBuf;

use bundle::verify::{Outcome, Report, VerifiedBundle};
use clap::{Args, ValueEnum};
use indicatif::ProgressBar;
use official::diff::{Diff, DiffOptions};
use official::{OfficialSheet, SheetFormat, Shortening};

use crate::Failure;
use crate::output::write_output;

/// The summary's form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum AuditFormat {
    /// For a terminal.
    #[default]
    Text,
    /// The audit as JSON.
    Json,
}

/// `recount audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The bundle directory.
    pub bundle: PathBuf,
    /// A trusted verifier key: a .pub file, or the key text itself (repeatable).
    #[arg(long, value_name = "PUB", required = true, num_args = 1..)]
    pub trust: Vec<String>,
    /// Distinct trusted keys that must have signed.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub require: usize,
    /// An official sheet to diff with the contest it is of (formats as
    /// `recount diff --official`).
    #[arg(long, value_name = "SHEET")]
    pub official: Option<PathBuf>,
    /// Write the report page here (one self-contained HTML file).
    #[arg(long, value_name = "REPORT.html")]
    pub html: Option<PathBuf>,
    /// The summary: text or json.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub format: AuditFormat,
    /// Hide the progress line.
    #[arg(short, long)]
    pub quiet: bool,
}

/// One contest's findings.
struct ContestFinding {
    id: String,
    title: String,
    seats: u32,
    elected: Vec<String>,
    declared: Option<Vec<String>>,
    declared_agrees: Option<bool>,
    official: Option<(OfficialSheet, Diff)>,
    /// Each tie of the count tried the other way (`recount ties`).
    ties: Option<count::TieSensitivity>,
}

fn outcome_word(o: &Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail(_) => "FAIL",
        Outcome::NotRun(_) => "not run",
        Outcome::NotApplicable(_) => "n/a",
    }
}

fn details(o: &Outcome) -> Vec<String> {
    match o {
        Outcome::Pass => Vec::new(),
        Outcome::Fail(faults) => faults.iter().map(|f| f.to_string()).collect(),
        Outcome::NotRun(why) | Outcome::NotApplicable(why) => vec![why.clone()],
    }
}

/// Runs `recount audit`.
pub fn run(args: &AuditArgs) -> Result<(), Failure> {
    let shown = args.bundle.display().to_string();
    let sheet_bytes = match &args.official {
        None => None,
        Some(p) => {
            Some(std::fs::read(p).map_err(|e| Failure::Io(format!("{}: {e}", p.display())))?)
        }
    };
    let result =
        crate::progress::with_spinner("{spinner} {elapsed} audit: {msg}", !args.quiet, |bar| {
            bar.set_message("verifying the bundle");
            audit(args, bar, sheet_bytes.as_deref())
        });
    let (report, verified, transcript, findings) = result?;

    // What failed, first thing first.
    let mut failures = Vec::new();
    for c in report.checks() {
        if let Outcome::Fail(faults) = &c.outcome {
            let first = faults.first().map(|f| f.to_string()).unwrap_or_default();
            failures.push(format!(
                "check {} ({}) failed: {first}{}",
                c.number,
                c.name,
                if faults.len() > 1 {
                    format!(" (and {} more)", faults.len() - 1)
                } else {
                    String::new()
                }
            ));
        }
    }
    for f in &findings {
        if f.declared_agrees == Some(false) {
            failures.push(format!(
                "contest {}: the recount elects {}, the declared result {}",
                f.id,
                f.elected.join(", "),
                f.declared.as_deref().unwrap_or_default().join(", ")
            ));
        }
        if let Some((_, d)) = &f.official
            && !d.agrees()
        {
            let why = d
                .explanations
                .iter()
                .find(|e| e.kind != "rounding")
                .map(|e| e.text.clone())
                .unwrap_or_default();
            failures.push(format!(
                "contest {}: the official sheet {} differs from the recount: {why}",
                f.id,
                args.official
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            ));
        }
    }
    if args.official.is_some()
        && verified.is_some()
        && !findings.iter().any(|f| f.official.is_some())
    {
        failures.push("the official sheet is of no contest of the bundle (no contest's candidates pair with it)".into());
    }
    let passed = failures.is_empty();

    let summary = summary(&report, verified.as_ref(), &findings);
    let made_by = crate::count_cmd::made_by();
    if let Some(path) = &args.html {
        let checks: Vec<render::CheckView> = report
            .checks()
            .iter()
            .map(|c| render::CheckView {
                number: c.number,
                name: c.name.to_owned(),
                outcome: outcome_word(&c.outcome).to_owned(),
                details: details(&c.outcome),
            })
            .collect();
        let nominations = nomination_rows(&report, verified.as_ref());
        let official_file = args
            .official
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let contests: Vec<render::ContestView<'_>> = findings
            .iter()
            .map(|f| render::ContestView {
                id: f.id.clone(),
                declared: f.declared.clone(),
                declared_finding: f.declared_agrees.map(|a| {
                    if a {
                        "The recount elects the declared candidates, in the declared order."
                            .to_owned()
                    } else {
                        format!(
                            "The recount elects {}; the declared result differs.",
                            f.elected.join(", ")
                        )
                    }
                }),
                declared_agrees: f.declared_agrees,
                official: f
                    .official
                    .as_ref()
                    .map(|(s, d)| (s, d, official_file.clone())),
                ties: f.ties.as_ref().map(crate::ties_cmd::view),
            })
            .collect();
        let title = verified
            .as_ref()
            .map(|v| v.meta().title.clone())
            .unwrap_or_else(|| shown.clone());
        let view = render::AuditView {
            title,
            bundle: shown.clone(),
            passed,
            failures: failures.clone(),
            summary: summary.clone(),
            checks,
            nominations,
            transcript: transcript.as_ref(),
            contests,
            made_by: Some(made_by.clone()),
        };
        let page = render::audit_html(&view);
        write_output(Some(path), &[], |out| {
            out.write_all(page.as_bytes())
                .map_err(crate::output::io_failure)
        })?;
    }

    let body = match args.format {
        AuditFormat::Json => json(args, &report, &findings, &summary, passed, &failures),
        AuditFormat::Text => text(args, &report, &findings, &summary, passed, &failures),
    };
    write_output(None, &[], |out| {
        out.write_all(body.as_bytes())
            .map_err(crate::output::io_failure)
    })?;
    if passed {
        Ok(())
    } else {
        Err(Failure::Check(format!(
            "{shown}: the audit failed: {}",
            failures.first().cloned().unwrap_or_default()
        )))
    }
}

type Audited = (
    Report,
    Option<VerifiedBundle>,
    Option<count::Transcript>,
    Vec<ContestFinding>,
);

fn audit(args: &AuditArgs, bar: &ProgressBar, sheet: Option<&[u8]>) -> Result<Audited, Failure> {
    let (report, verified) =
        crate::bundle_cmd::verify_dir(&args.bundle, &args.trust, args.require)?;
    let Some(verified) = verified else {
        return Ok((report, None, None, Vec::new()));
    };
    let election = verified.election();
    let rules = verified.rules();
    bar.set_message(format!("counting {} contests", election.contests().len()));
    let mut transcript = count::count(election, rules)
        .map_err(|e| Failure::Input(format!("{}: {e}", args.bundle.display())))?;
    let (manifest, format) = crate::bundle_cmd::provenance(&args.bundle, &verified)?;
    transcript.input = Some(count::transcript::Input {
        file: format!("{}/MANIFEST", args.bundle.display()),
        bytes: manifest.len() as u64,
        sha256: crate::input::sha256_hex(&manifest),
        format,
    });

    // The sheet, if any: its format, then the contest it is of.
    let sheet_format = match sheet {
        None => None,
        Some(bytes) => Some(official::detect(bytes).ok_or_else(|| {
            Failure::Input(format!(
                "{}: not a sheet format recount knows by its content",
                args.official
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            ))
        })?),
    };
    // Every contest's sheet, read once.
    let sheets = match (sheet, sheet_format) {
        (Some(bytes), Some(format)) => official::read_all(format, bytes)
            .map_err(|e| Failure::Input(format!("the official sheet: {e}")))?,
        _ => Vec::new(),
    };
    let declared = verified.declared_result();
    let mut findings = Vec::new();
    for (contest, record) in election.contests().iter().zip(&transcript.contests) {
        let name_of = |id: &str| {
            contest
                .candidates()
                .iter()
                .find(|c| c.id == id)
                .map_or_else(|| id.to_owned(), |c| c.name.clone())
        };
        let declared_names: Option<Vec<String>> = declared.and_then(|d| {
            d.contests
                .iter()
                .find(|c| c.id == contest.id())
                .map(|c| c.elected.iter().map(|id| name_of(id)).collect())
        });
        let declared_agrees = declared_names.as_ref().map(|d| *d == record.elected);
        bar.set_message(format!("comparing {}", contest.id()));
        let official = match (sheet, sheet_format) {
            (Some(_), Some(format)) => of_contest(format, &sheets, contest, record)?,
            _ => None,
        };
        bar.set_message(format!("trying the ties of {}", contest.id()));
        let stages = record.stages.len();
        let budget = crate::lots::default_budget(
            contest.ballots().len(),
            contest.candidates().len(),
            stages,
        );
        let ties = count::Prepared::new(contest)
            .tie_sensitivity(rules, budget)
            .map_err(|e| Failure::Input(format!("contest {}: {e}", contest.id())))?;
        findings.push(ContestFinding {
            ties: Some(ties),
            id: contest.id().to_owned(),
            title: contest.title().to_owned(),
            seats: contest.seats(),
            elected: record.elected.clone(),
            declared: declared_names,
            declared_agrees,
            official,
        });
    }
    Ok((report, Some(verified), Some(transcript), findings))
}

/// The diff with `record` of the sheet in `sheets` that is of this
/// contest: the one whose id or name is the contest's, else the first
/// whose candidates all pair with the contest's by name.
fn of_contest(
    format: SheetFormat,
    sheets: &[OfficialSheet],
    contest: &ballot::Contest,
    record: &count::ContestCount,
) -> Result<Option<(OfficialSheet, Diff)>, Failure> {
    let id = contest.id();
    let pairs =
        |s: &&OfficialSheet| official::match_names(&s.candidates, &record.candidates, &[]).is_ok();
    let by_id = sheets
        .iter()
        .find(|s| s.code.as_deref() == Some(id) || s.name.as_deref() == Some(id));
    let Some(sheet) = by_id.filter(pairs).or_else(|| sheets.iter().find(pairs)) else {
        return Ok(None);
    };
    let options = DiffOptions {
        shortening: Shortening::of_format(format),
        aliases: &[],
    };
    let diff = official::diff::diff(sheet, record, &options)
        .map_err(|e| Failure::Input(format!("the official sheet: {e}")))?;
    Ok(Some((sheet.clone(), diff)))
}

fn summary(
    report: &Report,
    verified: Option<&VerifiedBundle>,
    findings: &[ContestFinding],
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let signers: Vec<&str> = report.signers().iter().map(|k| k.name().as_str()).collect();
    let passed = report
        .checks()
        .iter()
        .filter(|c| c.outcome == Outcome::Pass)
        .count();
    let na = report
        .checks()
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::NotApplicable(_)))
        .count();
    out.push((
        "Verification".into(),
        format!(
            "{} checks: {passed} pass, {na} not applicable, {} fail{}",
            report.checks().len(),
            report.checks().len() - passed - na,
            if signers.is_empty() {
                String::new()
            } else {
                format!("; signed by {}", signers.join(", "))
            }
        ),
    ));
    let Some(v) = verified else {
        return out;
    };
    let meta = v.meta();
    out.push(("Election".into(), format!("{} ({})", meta.title, meta.id)));
    if let Some(n) = &meta.nomination {
        out.push((
            "Nominations".into(),
            format!(
                "{} supporting nominations before {} (check 10)",
                n.threshold, n.deadline
            ),
        ));
    }
    if let Some(w) = &meta.voting {
        out.push((
            "Voting".into(),
            format!("from {} until {}", w.opens, w.closes),
        ));
    }
    let papers: u64 = v
        .election()
        .contests()
        .iter()
        .map(|c| c.ballots().total_papers())
        .sum();
    let seats: u32 = findings.iter().map(|f| f.seats).sum();
    out.push((
        "Papers".into(),
        format!("{papers} in {} contests for {seats} seats", findings.len()),
    ));
    if let Some(t) = v.turnout() {
        let links: u64 = t.contests.iter().map(|c| c.links_sent).sum();
        let rejected: u64 = t.contests.iter().map(|c| c.rejected).sum();
        let pct = (papers * 1000).checked_div(links).unwrap_or(0);
        out.push((
            "Turnout".into(),
            format!(
                "{papers} papers from {links} members sent a voting link ({}.{} %), {rejected} rejected (check 11)",
                pct / 10,
                pct % 10
            ),
        ));
    }
    let kept: Vec<String> = meta
        .contests
        .iter()
        .flat_map(|c| {
            c.candidates
                .iter()
                .filter(|k| !k.status.on_ballot())
                .map(move |k| format!("{} ({}, {})", k.name, c.id, k.status.as_str()))
        })
        .collect();
    if !kept.is_empty() {
        out.push(("Kept off the ballot".into(), kept.join("; ")));
    }
    out.push(("Rules".into(), v.rules().name.clone()));
    out
}

fn nomination_rows(
    report: &Report,
    verified: Option<&VerifiedBundle>,
) -> Vec<(String, Vec<render::NominationRow>)> {
    let Some(v) = verified else {
        return Vec::new();
    };
    report
        .nominations()
        .iter()
        .map(|(contest, tallies)| {
            let meta = v.meta().contests.iter().find(|c| &c.id == contest);
            let rows = tallies
                .iter()
                .map(|t| {
                    let name = meta
                        .and_then(|m| m.candidates.iter().find(|k| k.id == t.candidate))
                        .map_or_else(|| t.candidate.clone(), |k| k.name.clone());
                    let not: Vec<String> = [
                        (t.withdrawn, "withdrawn"),
                        (t.late, "late"),
                        (t.before_vetting, "before vetting"),
                        (t.not_on_roll, "not on the roll"),
                    ]
                    .iter()
                    .filter(|(n, _)| *n > 0)
                    .map(|(n, w)| format!("{n} {w}"))
                    .collect();
                    (
                        name,
                        t.status.map(|s| s.as_str()).unwrap_or_default().to_owned(),
                        t.supporters,
                        not.join(", "),
                    )
                })
                .collect();
            (contest.clone(), rows)
        })
        .collect()
}

fn text(
    args: &AuditArgs,
    report: &Report,
    findings: &[ContestFinding],
    summary: &[(String, String)],
    passed: bool,
    failures: &[String],
) -> String {
    let mut s = format!("Audit of {}\n", args.bundle.display());
    if !passed {
        s.push_str("FAILED:\n");
        for f in failures {
            s.push_str(&format!("  - {f}\n"));
        }
    }
    s.push('\n');
    let width = summary.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in summary {
        s.push_str(&format!("{k:<width$}  {v}\n"));
    }
    s.push('\n');
    for c in report.checks() {
        s.push_str(&format!(
            "check {:>2} {:<7} {}\n",
            c.number,
            outcome_word(&c.outcome),
            c.name
        ));
    }
    for f in findings {
        s.push('\n');
        s.push_str(&format!(
            "Contest {} ({}, {} seats)\n",
            f.id, f.title, f.seats
        ));
        s.push_str(&format!("  elected in order:  {}\n", f.elected.join(", ")));
        match f.declared_agrees {
            Some(true) => s.push_str("  declared result:   agrees\n"),
            Some(false) => s.push_str(&format!(
                "  declared result:   DIFFERS: {}\n",
                f.declared.as_deref().unwrap_or_default().join(", ")
            )),
            None => s.push_str("  declared result:   none in the bundle\n"),
        }
        if let Some(t) = &f.ties {
            let v = crate::ties_cmd::view(t);
            s.push_str(&format!("  ties:              {}\n", v.summary));
            for line in &v.lines {
                s.push_str(&format!("    {line}\n"));
            }
        }
        if let Some((_, d)) = &f.official {
            if d.agrees() {
                s.push_str("  official sheet:    agrees\n");
            } else {
                s.push_str("  official sheet:    DIFFERS\n");
                for (i, x) in d
                    .differences
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| !x.rounding_only)
                {
                    let mark = if Some(i) == d.first { ">" } else { " " };
                    let at =
                        x.at.map(|p| format!(" (line {}, column {})", p.line, p.column))
                            .unwrap_or_default();
                    s.push_str(&format!(
                        "   {mark} stage {}, {}: sheet {}, ballots {}{at}\n",
                        x.stage.map(|n| n.to_string()).unwrap_or_default(),
                        x.candidate.as_deref().unwrap_or("-"),
                        x.official,
                        x.ours
                    ));
                }
                for e in &d.explanations {
                    s.push_str(&format!("    {}\n", e.text));
                }
            }
        }
    }
    s.push('\n');
    if let Some(p) = &args.html {
        s.push_str(&format!("Report: {}\n", p.display()));
    }
    s.push_str(if passed {
        "Verdict: PASS: the bundle verifies and the recount agrees with the declared result\n"
    } else {
        "Verdict: FAIL\n"
    });
    s
}

fn json(
    args: &AuditArgs,
    report: &Report,
    findings: &[ContestFinding],
    summary: &[(String, String)],
    passed: bool,
    failures: &[String],
) -> String {
    let checks: Vec<serde_json::Value> = report
        .checks()
        .iter()
        .map(|c| {
            serde_json::json!({
                "number": c.number, "name": c.name,
                "outcome": outcome_word(&c.outcome), "details": details(&c.outcome),
            })
        })
        .collect();
    let contests: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            serde_json::json!({
                "id": f.id, "seats": f.seats, "elected": f.elected,
                "declared": f.declared, "declared_agrees": f.declared_agrees,
                "official": f.official.as_ref().map(|(_, d)| d),
                "ties": f.ties,
            })
        })
        .collect();
    let summary: serde_json::Map<String, serde_json::Value> = summary
        .iter()
        .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
        .collect();
    let v = serde_json::json!({
        "format": "recount-audit/1",
        "bundle": args.bundle.display().to_string(),
        "passed": passed,
        "failures": failures,
        "summary": summary,
        "checks": checks,
        "contests": contests,
        "html": args.html.as_ref().map(|p| p.display().to_string()),
    });
    serde_json::to_string_pretty(&v).expect("an audit serialises") + "\n"
}
