//! Writes the papers of a BLT file as the two cast-vote-record files that
//! `just bench-cvr` times `recount info` on: an ES&S workbook (`cvr.xlsx`,
//! one row a paper, no count column) and a NIST CDF report
//! (`cvr-cdf.json`, one CVR a paper), in the BLT's order of rankings.
//!
//! `cargo run --release -p recount-ballot --example cvr_bench_files -- IN.blt OUT_DIR`

use std::io::{BufWriter, Write};
use std::path::PathBuf;

use ballot::{Format, ReadOptions};
use rust_xlsxwriter::Workbook;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    let (Some(blt), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: cvr_bench_files IN.blt OUT_DIR".into());
    };
    let out = PathBuf::from(out);
    let bytes = std::fs::read(&blt)?;
    let election = ballot::read(Format::Blt, &bytes, &ReadOptions::default())?;
    let contest = &election.contests()[0];
    let names: Vec<&str> = contest
        .candidates()
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let ranks = contest
        .ballots()
        .iter()
        .map(|b| b.ranking.len())
        .max()
        .unwrap_or(1)
        .max(1);
    let papers = || {
        contest.ballots().iter().flat_map(|b| {
            std::iter::repeat_n(b.ranking, usize::try_from(b.count.0).unwrap_or(usize::MAX))
        })
    };
    let blank = usize::try_from(contest.ballots().blank().0)?;

    // ES&S: Precinct, then NTH CHOICE columns; an empty rank is `undervote`.
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let ordinal = |n: usize| match n {
        1 => "1ST".to_string(),
        2 => "2ND".to_string(),
        3 => "3RD".to_string(),
        n => format!("{n}TH"),
    };
    sheet.write_string(0, 0, "Precinct")?;
    for r in 0..ranks {
        let col = u16::try_from(r + 1)?;
        sheet.write_string(0, col, format!("{} CHOICE Bench", ordinal(r + 1)))?;
    }
    let mut row = 1u32;
    let blanks = std::iter::repeat_n(&[][..], blank);
    for ranking in papers().chain(blanks.clone()) {
        sheet.write_string(row, 0, "P-1")?;
        for r in 0..ranks {
            let cell = ranking.get(r).map_or("undervote", |c| names[c.index()]);
            sheet.write_string(row, u16::try_from(r + 1)?, cell)?;
        }
        row += 1;
    }
    book.save(out.join("cvr.xlsx"))?;

    // CDF: one contest, a selection per candidate, a CVR per paper.
    let mut json = BufWriter::new(std::fs::File::create(out.join("cvr-cdf.json"))?);
    write!(
        json,
        "{{\"@type\":\"CVR.CastVoteRecordReport\",\"Version\":\"1.0.0\",\"Election\":[{{\"@id\":\"e\",\"@type\":\"CVR.Election\",\"Name\":\"Bench\",\"Candidate\":["
    )?;
    for (i, n) in names.iter().enumerate() {
        let sep = if i == 0 { "" } else { "," };
        write!(
            json,
            "{sep}{{\"@id\":\"k{i}\",\"Name\":{}}}",
            serde_json::to_string(n)?
        )?;
    }
    write!(
        json,
        "],\"Contest\":[{{\"@id\":\"c\",\"@type\":\"CVR.CandidateContest\",\"Name\":\"Bench\",\"NumberElected\":{},\"ContestSelection\":[",
        contest.seats()
    )?;
    for i in 0..names.len() {
        let sep = if i == 0 { "" } else { "," };
        write!(
            json,
            "{sep}{{\"@id\":\"s{i}\",\"CandidateIds\":[\"k{i}\"]}}"
        )?;
    }
    write!(json, "]}}]}}],\"CVR\":[")?;
    for (p, ranking) in papers().chain(blanks).enumerate() {
        let sep = if p == 0 { "" } else { "," };
        write!(
            json,
            "{sep}\n{{\"@type\":\"CVR.CVR\",\"CurrentSnapshotId\":\"o{p}\",\"CVRSnapshot\":[{{\"@id\":\"o{p}\",\"Type\":\"original\",\"CVRContest\":[{{\"ContestId\":\"c\",\"CVRContestSelection\":["
        )?;
        for (r, c) in ranking.iter().enumerate() {
            let sep = if r == 0 { "" } else { "," };
            write!(
                json,
                "{sep}{{\"ContestSelectionId\":\"s{}\",\"SelectionPosition\":[{{\"Rank\":{},\"HasIndication\":\"yes\",\"NumberVotes\":1}}]}}",
                c.index(),
                r + 1
            )?;
        }
        write!(json, "]}}]}}]}}")?;
    }
    writeln!(json, "]}}")?;
    json.flush()?;
    eprintln!(
        "{} papers, {} ranks: {} and {}",
        row - 1,
        ranks,
        out.join("cvr.xlsx").display(),
        out.join("cvr-cdf.json").display()
    );
    Ok(())
}
