//! `recount info`: what a ballot file holds, as text or JSON.

use std::io::Write;

use ballot::{Contest, Election, Format};
use clap::Args;
use serde_json::json;

use crate::Failure;
use crate::input::InputArgs;
use crate::output::{io_failure, write_output};

/// Arguments of `recount info`.
#[derive(Debug, Args)]
pub struct InfoArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `recount info`.
pub fn run(args: &InfoArgs) -> Result<(), Failure> {
    // A file that records no seats is still described (issue 9 bug 10):
    // read as if for one seat, and shown as "not recorded".
    let (bytes, format) = args.input.read()?;
    let mut read = args.input.parse(&bytes, format, args.input.seats);
    let mut seats_recorded = true;
    if let Err(e) = &read
        && matches!(e.kind(), ballot::ErrorKind::SeatsNotRecorded { .. })
        && args.input.seats.is_none()
    {
        read = args.input.parse(&bytes, format, Some(1));
        seats_recorded = false;
    }
    let election = read.map_err(|e| crate::input::input_failure(&args.input.file, &e))?;
    let election = args.input.select(election)?;
    write_output(None, &[], |out| {
        if args.json {
            let mut v = to_json(format, &election, seats_recorded);
            v["bytes"] = json!(bytes.len());
            v["sha256"] = json!(crate::input::sha256_hex(&bytes));
            serde_json::to_writer_pretty(&mut *out, &v).map_err(|e| Failure::Io(e.to_string()))?;
            writeln!(out).map_err(io_failure)
        } else {
            let file = format!(
                "{} ({} bytes, SHA-256 {})",
                crate::input::display(&args.input.file),
                bytes.len(),
                crate::input::sha256_hex(&bytes)
            );
            write_text(out, &file, format, &election, seats_recorded).map_err(io_failure)
        }
    })
}

fn policy_text(c: &Contest) -> String {
    let v = serde_json::to_value(c.policy()).unwrap_or_default();
    v.as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("?")))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

fn write_text(
    out: &mut dyn Write,
    file: &str,
    format: Format,
    e: &Election,
    seats_recorded: bool,
) -> std::io::Result<()> {
    writeln!(out, "file:      {file}")?;
    writeln!(out, "format:    {format}")?;
    writeln!(out, "election:  {} ({})", e.title, e.id)?;
    writeln!(out, "contests:  {}", e.contests().len())?;
    for c in e.contests() {
        let b = c.ballots();
        writeln!(out)?;
        writeln!(out, "contest {}: {}", c.id(), c.title())?;
        if seats_recorded {
            writeln!(out, "  seats:             {}", c.seats())?;
        } else {
            writeln!(
                out,
                "  seats:             not recorded in the file (pass --seats N to count)"
            )?;
        }
        writeln!(
            out,
            "  candidates:        {} ({} withdrawn)",
            c.candidates().len(),
            c.withdrawn().len()
        )?;
        writeln!(
            out,
            "  papers:            {} ({} ranked, {} blank)",
            b.total_papers(),
            b.ranked_papers(),
            b.blank()
        )?;
        writeln!(out, "  distinct rankings: {}", b.len())?;
        writeln!(out, "  import policy:     {}", policy_text(c))?;
        let irr = c.irregularities();
        if irr.is_empty() {
            writeln!(out, "  irregular papers:  none")?;
        } else {
            writeln!(
                out,
                "  irregular papers:  {} equal rankings, {} skipped ranks, {} repeated candidates, {} overvotes",
                irr.equal_rankings, irr.skipped_ranks, irr.repeated_candidates, irr.overvotes
            )?;
        }
        writeln!(out, "  first preferences:")?;
        let fp = b.first_preferences();
        let width = c
            .candidates()
            .iter()
            .map(|k| display_name(k).chars().count())
            .max()
            .unwrap_or(0);
        for (id, k) in c.candidate_ids().zip(c.candidates()) {
            let mark = if c.withdrawn().contains(&id) {
                "  (withdrawn)"
            } else {
                ""
            };
            writeln!(
                out,
                "  {:>4}  {:<width$}  {:>10}{mark}",
                id.number(),
                display_name(k),
                fp[id.index()]
            )?;
        }
    }
    Ok(())
}

fn display_name(c: &ballot::Candidate) -> String {
    match &c.affiliation {
        Some(a) => format!("{} ({a})", c.name),
        None => c.name.clone(),
    }
}

fn to_json(format: Format, e: &Election, seats_recorded: bool) -> serde_json::Value {
    let contests: Vec<_> = e
        .contests()
        .iter()
        .map(|c| {
            let b = c.ballots();
            let fp = b.first_preferences();
            json!({
                "id": c.id(),
                "title": c.title(),
                // null: the file does not record them.
                "seats": seats_recorded.then_some(c.seats()),
                "candidates": c.candidate_ids().zip(c.candidates()).map(|(id, k)| json!({
                    "number": id.number(),
                    "id": k.id,
                    "name": k.name,
                    "affiliation": k.affiliation,
                    "withdrawn": c.withdrawn().contains(&id),
                    "first_preferences": fp[id.index()],
                })).collect::<Vec<_>>(),
                "papers": b.total_papers(),
                "ranked_papers": b.ranked_papers(),
                "blank_papers": b.blank().0,
                "distinct_rankings": b.len(),
                "import_policy": c.policy(),
                "irregularities": c.irregularities(),
            })
        })
        .collect();
    json!({
        "format": format.name(),
        "election": { "id": e.id, "title": e.title },
        "contests": contests,
    })
}
