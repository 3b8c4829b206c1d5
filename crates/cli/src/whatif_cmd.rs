//! `recount whatif`: one contest counted as it is and with papers removed
//! or added, candidates withdrawn or the seats changed, side by side
//! (`specs/workbench.md`, "What if"). The library (`workbench::whatif`)
//! applies the changes and compares the counts; this module reads the
//! files (a `COLUMN=VALUE` filter is a second read of the CSV record with a
//! `ballot::RowFilter`), finds the names and prints.
//!
//! `--seats N` is the seats of the changed election. A file that records
//! no seats (plain CSV, PrefLib) is read for N seats, so both counts then
//! fill N.
//!
//! Exit codes: 0 the same winners, 1 different, 2 bad usage or input (an
//! unknown name, a filter the file cannot take), 3 I/O.

use std::path::{Path, PathBuf};

use ballot::{Election, ErrorKind, RowFilter};
use clap::Args;
use workbench::whatif::{Applied, Changes, Filter, Pattern, WhatIf, apply, candidate, whatif};

use crate::Failure;
use crate::input::{InputArgs, display, input_failure};
use crate::output::write_output;
use crate::rules_arg::RulesArg;
use crate::workbench_cmd::{WorkbenchFormat, side_text};

/// `recount whatif`.
#[derive(Debug, Args)]
pub struct WhatifArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    rules: RulesArg,
    /// Remove papers: COLUMN=VALUE (the rows of a CSV record's batch or
    /// region column), starts:NAME (first preference NAME), ranks:NAME
    /// (NAME anywhere), only:NAME (NAME alone); repeatable, a paper
    /// matching any is removed.
    #[arg(long, value_name = "FILTER")]
    remove: Vec<String>,
    /// Add the papers of this ballot file (any format), candidates matched by name.
    #[arg(long, value_name = "FILE")]
    add: Option<PathBuf>,
    /// Withdraw this candidate, as a ballot file's withdrawn line does
    /// (repeatable).
    #[arg(long, value_name = "NAME")]
    withdraw: Vec<String>,
    /// The report: text or json (recount-whatif/1, specs/workbench.md).
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    format: WorkbenchFormat,
    /// Write the report here instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

/// The one contest of `election` (`--contest` chooses, as for `compare`).
fn one(input: &InputArgs, election: Election) -> Result<ballot::Contest, Failure> {
    let election = input.select(election)?;
    match election.contests() {
        [contest] => Ok(contest.clone()),
        many => {
            let ids: Vec<&str> = many.iter().map(|c| c.id()).collect();
            Err(Failure::Input(format!(
                "{}: {} contests ({}); choose one with --contest",
                display(&input.file),
                ids.len(),
                ids.join(", ")
            )))
        }
    }
}

/// Reads `input` (only the rows `rows` chooses): the seats the file
/// records, else `--seats`.
fn read(input: &InputArgs, rows: Option<&RowFilter>) -> Result<ballot::Contest, Failure> {
    let recorded = InputArgs {
        seats: None,
        ..input.clone()
    };
    let streamed = recorded.stream_rows(false, false, rows)?;
    let election = match streamed.election {
        Err(e)
            if matches!(e.kind(), ErrorKind::SeatsNotRecorded { .. }) && input.seats.is_some() =>
        {
            input.stream_rows(false, false, rows)?.election
        }
        other => other,
    }
    .map_err(|e| input_failure(&input.file, &e))?;
    one(input, election)
}

/// The papers of `--add`: its contest of the same id, else its only one.
fn added(input: &InputArgs, file: &Path, id: &str) -> Result<ballot::Contest, Failure> {
    let other = InputArgs {
        file: file.to_path_buf(),
        input_format: None,
        contest: None,
        seats: None,
        ..input.clone()
    };
    let election = other
        .stream(true, false)?
        .election
        .map_err(|e| input_failure(file, &e))?;
    if let Some(c) = election.contest(id) {
        return Ok(c.clone());
    }
    match election.contests() {
        [c] => Ok(c.clone()),
        many => {
            let ids: Vec<&str> = many.iter().map(|c| c.id()).collect();
            Err(Failure::Input(format!(
                "{}: {} contests ({}) and none is {id:?}",
                display(file),
                ids.len(),
                ids.join(", ")
            )))
        }
    }
}

/// Runs `recount whatif`.
pub fn run(args: &WhatifArgs) -> Result<(), Failure> {
    let shown = display(&args.input.file);
    let rules = args.rules.resolve()?;
    let original = read(&args.input, None)?;
    let mut described = Vec::new();
    let mut patterns = Vec::new();
    let mut matched = Vec::new();
    for text in &args.remove {
        let filter = Filter::parse(text).map_err(|e| Failure::Input(format!("--remove {e}")))?;
        described.push(format!("remove {filter}"));
        match filter {
            Filter::Column { column, value } => {
                let rows = RowFilter {
                    column,
                    value,
                    keep: true,
                };
                matched.push(read(&args.input, Some(&rows))?);
            }
            Filter::Ranking(kind, name) => {
                let candidate = candidate(&original, &name)
                    .map_err(|e| Failure::Input(format!("--remove {text}: {shown}: {e}")))?;
                patterns.push(Pattern { kind, candidate });
            }
        }
    }
    let extra = match &args.add {
        Some(file) => {
            described.push(format!("add {}", display(file)));
            Some(added(&args.input, file, original.id())?)
        }
        None => None,
    };
    let mut withdraw = Vec::new();
    for name in &args.withdraw {
        described.push(format!("withdraw {name}"));
        withdraw.push(
            candidate(&original, name)
                .map_err(|e| Failure::Input(format!("--withdraw {name}: {shown}: {e}")))?,
        );
    }
    if let Some(n) = args.input.seats.filter(|&n| n != original.seats()) {
        described.push(format!("seats {n}"));
    }
    let changes = Changes {
        rows: matched.iter().collect(),
        patterns,
        add: extra.as_ref(),
        withdraw,
        seats: args.input.seats,
    };
    let applied = apply(&original, &changes).map_err(|e| {
        let from = match (&args.add, e.starts_with("no candidate named")) {
            (Some(file), true) => format!("--add {}", display(file)),
            _ => shown.clone(),
        };
        Failure::Input(format!("{from}: {e}"))
    })?;
    let w = whatif(&original, &applied.contest, &rules)
        .map_err(|e| Failure::Input(format!("{shown}: {e}")))?;
    let body = match args.format {
        WorkbenchFormat::Text => text(&shown, args.rules.name(), &described, &applied, &w),
        WorkbenchFormat::Json => json(args.rules.name(), &described, &applied, &w),
    };
    write_output(args.output.as_deref(), &[&args.input.file], |out| {
        out.write_all(body.as_bytes())
            .map_err(crate::output::io_failure)
    })?;
    if w.same_winners() {
        Ok(())
    } else {
        Err(Failure::Check(format!(
            "the changes elect different candidates (no longer elected: {}; now elected: {})",
            w.no_longer_elected().join(", "),
            w.now_elected().join(", ")
        )))
    }
}

fn or_none(names: &[String]) -> String {
    if names.is_empty() {
        "nobody".into()
    } else {
        names.join(", ")
    }
}

fn text(shown: &str, rules: &str, described: &[String], applied: &Applied, w: &WhatIf) -> String {
    let mut s = format!(
        "What if, on {shown} (contest {}) under {rules}: {}\n",
        w.original.contest,
        if described.is_empty() {
            "no change".to_owned()
        } else {
            described.join("; ")
        }
    );
    s.push_str(&format!(
        "Papers: {} originally, {} removed, {} added, {} after the changes\n",
        w.original.valid_papers + w.original.invalid_papers,
        applied.removed,
        applied.added,
        w.changed.valid_papers + w.changed.invalid_papers,
    ));
    if w.original.seats != w.changed.seats || w.original.quota != w.changed.quota {
        s.push_str(&format!(
            "Seats {} and quota {} originally; seats {} and quota {} after\n",
            w.original.seats, w.original.quota, w.changed.seats, w.changed.quota
        ));
    }
    s.push_str(&side_text(&w.parting, ["original", "changed"]));
    s.push_str(&format!(
        "No longer elected: {}\nNow elected: {}\n",
        or_none(&w.no_longer_elected()),
        or_none(&w.now_elected())
    ));
    s.push_str(if w.same_winners() {
        "Verdict: the same candidates are elected\n"
    } else {
        "Verdict: different candidates are elected\n"
    });
    s
}

fn json(rules: &str, described: &[String], applied: &Applied, w: &WhatIf) -> String {
    let side = |x: &Option<workbench::compare::Side>| {
        x.as_ref().map(|(action, totals)| {
            serde_json::json!({
                "action": action,
                "totals": totals.iter().map(|(n, v)| serde_json::json!({"candidate": n, "total": v})).collect::<Vec<_>>(),
            })
        })
    };
    let count = |c: &count::ContestCount| {
        serde_json::json!({
            "seats": c.seats,
            "quota": c.quota.to_string(),
            "papers": c.valid_papers + c.invalid_papers,
            "elected": c.elected,
        })
    };
    let v = serde_json::json!({
        "format": "recount-whatif/1",
        "contest": w.original.contest,
        "rules": rules,
        "changes": described,
        "papers_removed": applied.removed,
        "papers_added": applied.added,
        "original": count(&w.original),
        "changed": count(&w.changed),
        "first_difference": w.parting.stage,
        "stage": [side(&w.parting.sides[0]), side(&w.parting.sides[1])],
        "no_longer_elected": w.no_longer_elected(),
        "now_elected": w.now_elected(),
        "same_winners": w.same_winners(),
        "counts": [&w.original, &w.changed],
    });
    serde_json::to_string_pretty(&v).expect("a what-if serialises") + "\n"
}
