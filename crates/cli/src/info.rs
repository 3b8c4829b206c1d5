//! `recount info`: what a ballot file holds, as text or JSON.

use std::io::Write;

use ballot::{Contest, Election};
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
    #[command(flatten)]
    bundle: crate::bundle_cmd::BundleInput,
}

/// How the input was named and what it was.
struct Described {
    /// Format for people (`BLT`, `recount-bundle/1`).
    shown: String,
    /// Format for JSON (`blt`, `recount-bundle/1`).
    name: String,
    /// The size of what is identified: the file, or a bundle's MANIFEST.
    bytes: u64,
    /// Its SHA-256, 64 lowercase hex digits.
    sha256: String,
    /// The file the bytes are.
    file: String,
}

/// Runs `recount info`.
pub fn run(args: &InfoArgs) -> Result<(), Failure> {
    if let Some(verified) = args.bundle.load(&args.input.file)? {
        return run_bundle(args, verified);
    }
    // A file that records no seats is still described (issue 9 bug 10):
    // read as if for one seat, and shown as "not recorded". Streamed: the
    // file is hashed as it is read, never held whole.
    let read = args.input.stream(true, true)?;
    let election = read
        .election
        .map_err(|e| crate::input::input_failure(&args.input.file, &e))?;
    let election = args.input.select(election)?;
    let id = read.id.ok_or_else(|| {
        Failure::Io(format!(
            "{}: cannot read",
            crate::input::display(&args.input.file)
        ))
    })?;
    let described = Described {
        shown: read.format.to_string(),
        name: read.format.name().to_owned(),
        bytes: id.bytes,
        sha256: id.sha256,
        file: crate::input::display(&args.input.file),
    };
    let seats_recorded = read.seats_recorded;
    print(args, &described, &election, seats_recorded, None)
}

/// `info DIR --trust …`: a verified bundle, with its signers and the
/// facts only a bundle carries.
fn run_bundle(args: &InfoArgs, verified: bundle::verify::VerifiedBundle) -> Result<(), Failure> {
    let dir = &args.input.file;
    let (manifest, format) = crate::bundle_cmd::provenance(dir, &verified)?;
    let election = args.input.select(verified.election().clone())?;
    let described = Described {
        shown: format.clone(),
        name: format,
        bytes: manifest.len() as u64,
        sha256: crate::input::sha256_hex(&manifest),
        file: format!("{}/MANIFEST", crate::input::display(dir)),
    };
    print(args, &described, &election, true, Some(&verified))
}

fn print(
    args: &InfoArgs,
    d: &Described,
    election: &Election,
    seats_recorded: bool,
    bundle: Option<&bundle::verify::VerifiedBundle>,
) -> Result<(), Failure> {
    write_output(None, &[], |out| {
        if args.json {
            let mut v = to_json(&d.name, election, seats_recorded);
            v["bytes"] = json!(d.bytes);
            v["sha256"] = json!(d.sha256);
            if let Some(b) = bundle {
                v["bundle"] = bundle_json(b);
            }
            serde_json::to_writer_pretty(&mut *out, &v).map_err(|e| Failure::Io(e.to_string()))?;
            writeln!(out).map_err(io_failure)
        } else {
            let file = format!("{} ({} bytes, SHA-256 {})", d.file, d.bytes, d.sha256);
            write_text(out, &file, &d.shown, election, seats_recorded).map_err(io_failure)?;
            match bundle {
                Some(b) => write_bundle_text(out, b).map_err(io_failure),
                None => Ok(()),
            }
        }
    })
}

fn policy_text(c: &Contest) -> String {
    let v = serde_json::to_value(c.policy()).unwrap_or_default();
    v.as_object()
        .map(|m| {
            m.iter()
                // Choices are names; the gap limit is a number.
                .map(|(k, v)| match v.as_str() {
                    Some(name) => format!("{k}={name}"),
                    None => format!("{k}={v}"),
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

fn write_text(
    out: &mut dyn Write,
    file: &str,
    format: &str,
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
        if b.has_equal_rankings() {
            let first_shared: u64 = b
                .equal_rankings()
                .iter()
                .filter(|r| r.ranks().next().is_some_and(|k| k.len() > 1))
                .map(|r| r.count.0)
                .sum();
            writeln!(
                out,
                "  ranked equal:      {} papers in {} more distinct rankings keep their ties; \
                 the {first_shared} sharing their first rank are not in the first preferences below",
                b.equal_ranked_papers(),
                b.equal_rankings().len()
            )?;
        }
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

fn to_json(format: &str, e: &Election, seats_recorded: bool) -> serde_json::Value {
    let contests: Vec<_> = e
        .contests()
        .iter()
        .map(|c| {
            let b = c.ballots();
            let fp = b.first_preferences();
            let mut v = json!({
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
            });
            // Only when papers keep ties (`--equal-rankings keep`).
            if b.has_equal_rankings()
                && let Some(o) = v.as_object_mut()
            {
                o.insert("equal_ranked_papers".into(), json!(b.equal_ranked_papers()));
                o.insert(
                    "equal_distinct_rankings".into(),
                    json!(b.equal_rankings().len()),
                );
            }
            v
        })
        .collect();
    json!({
        "format": format,
        "election": { "id": e.id, "title": e.title },
        "contests": contests,
    })
}

/// What a bundle holds beyond the election: its signers, the nomination
/// rule and voting window, candidates kept off the ballot, and which
/// records it carries.
fn write_bundle_text(
    out: &mut dyn Write,
    b: &bundle::verify::VerifiedBundle,
) -> std::io::Result<()> {
    let meta = b.meta();
    writeln!(out)?;
    let signers: Vec<&str> = b.signers().iter().map(|k| k.name().as_str()).collect();
    writeln!(out, "bundle:    verified, signed by {}", signers.join(", "))?;
    if let Some(n) = &meta.nomination {
        writeln!(
            out,
            "nomination: {} supporting nominations before {}",
            n.threshold, n.deadline
        )?;
    }
    if let Some(v) = &meta.voting {
        writeln!(out, "voting:    from {} until {}", v.opens, v.closes)?;
    }
    for c in &meta.contests {
        let off: Vec<String> = c
            .candidates
            .iter()
            .filter(|k| !k.status.on_ballot())
            .map(|k| format!("{} ({})", k.name, k.status.as_str()))
            .collect();
        if !off.is_empty() {
            writeln!(
                out,
                "contest {}: kept off the ballot: {}",
                c.id,
                off.join(", ")
            )?;
        }
    }
    let records = [
        ("turnout.json", b.turnout().is_some()),
        ("result.json", b.declared_result().is_some()),
    ];
    let held: Vec<&str> = records.iter().filter(|r| r.1).map(|r| r.0).collect();
    if !held.is_empty() {
        writeln!(out, "records:   {}", held.join(", "))?;
    }
    Ok(())
}

fn bundle_json(b: &bundle::verify::VerifiedBundle) -> serde_json::Value {
    let meta = b.meta();
    let signers: Vec<&str> = b.signers().iter().map(|k| k.name().as_str()).collect();
    json!({
        "signers": signers,
        "nomination": meta.nomination,
        "voting": meta.voting,
        "turnout": b.turnout(),
        "declared_result": b.declared_result(),
        "kept_off_ballot": meta.contests.iter().flat_map(|c| {
            c.candidates.iter().filter(|k| !k.status.on_ballot()).map(move |k| json!({
                "contest": c.id, "id": k.id, "name": k.name, "status": k.status.as_str(),
            }))
        }).collect::<Vec<_>>(),
    })
}
