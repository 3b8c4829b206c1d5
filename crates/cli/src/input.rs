//! Reading ballot files for any command: the shared options (format, seats,
//! import policy) and the error report that names the file.

use std::path::{Path, PathBuf};

use ballot::policy::{EqualRankings, Overvotes, RepeatedCandidates, SkippedRanks};
use ballot::{Election, ErrorKind, Format, ImportPolicy, ReadOptions};
use clap::{Args, ValueEnum};

use crate::Failure;

/// A ballot file format named on the command line.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    /// BLT (Hill–Wichmann–Woodall), with the dialects found in the wild.
    Blt,
    /// PrefLib strict orders, incomplete.
    Soi,
    /// PrefLib orders with ties.
    Toi,
    /// Rank-position ballot format.
    Dat,
    /// CSV with rank1..rankN columns.
    Csv,
    /// recount's JSON election.
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Blt => Format::Blt,
            FormatArg::Soi => Format::PreflibSoi,
            FormatArg::Toi => Format::PreflibToi,
            FormatArg::Dat => Format::Dat,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
        }
    }
}

/// How to read irregular papers; every choice is recorded in the model.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum EqualArg {
    /// Refuse the file (default).
    Reject,
    /// The paper ends just before the tied rank (void for uncertainty).
    EndAtTie,
}

/// What to do with an empty rank before later ones.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum SkippedArg {
    /// Refuse the file (default).
    Reject,
    /// Later preferences move up.
    CloseUp,
    /// The paper ends at the gap.
    EndAtGap,
}

/// What to do with a candidate ranked twice.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RepeatedArg {
    /// Refuse the file (default).
    Reject,
    /// Keep the first (highest) ranking.
    KeepFirst,
}

/// What to do with an overvoted rank.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum OvervoteArg {
    /// Refuse the file (default).
    Reject,
    /// The paper ends at the overvote.
    EndAtOvervote,
    /// Pass over the overvoted rank.
    SkipRank,
}

/// The ballot file and how to read it.
#[derive(Clone, Debug, Args)]
pub struct InputArgs {
    /// The ballot file (BLT, PrefLib .soi/.toi, rank-position .dat, CSV or recount JSON).
    pub file: PathBuf,
    /// The ballot file's format; by default recognised from its extension or content.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<FormatArg>,
    /// Seats to fill, for formats that do not record them (PrefLib, plain CSV).
    #[arg(long)]
    pub seats: Option<u32>,
    /// CSV: the column holding each row's paper count.
    #[arg(long, value_name = "COLUMN")]
    pub weight_column: Option<String>,
    /// Read every irregular paper the usual hand-count way (end at a tie,
    /// close up gaps, keep a repeated candidate's first ranking, end at an
    /// overvote); the options below override single choices.
    #[arg(long)]
    pub lenient: bool,
    /// Candidates ranked equal.
    #[arg(long, value_enum)]
    pub equal_rankings: Option<EqualArg>,
    /// An empty rank followed by later preferences.
    #[arg(long, value_enum)]
    pub skipped_ranks: Option<SkippedArg>,
    /// A candidate ranked more than once.
    #[arg(long, value_enum)]
    pub repeated_candidates: Option<RepeatedArg>,
    /// A rank marked overvoted.
    #[arg(long, value_enum)]
    pub overvotes: Option<OvervoteArg>,
}

impl InputArgs {
    /// The import policy these options describe.
    pub fn policy(&self) -> ImportPolicy {
        let mut p = if self.lenient {
            ImportPolicy::lenient()
        } else {
            ImportPolicy::default()
        };
        if let Some(e) = self.equal_rankings {
            p.equal_rankings = match e {
                EqualArg::Reject => EqualRankings::Reject,
                EqualArg::EndAtTie => EqualRankings::EndAtTie,
            };
        }
        if let Some(s) = self.skipped_ranks {
            p.skipped_ranks = match s {
                SkippedArg::Reject => SkippedRanks::Reject,
                SkippedArg::CloseUp => SkippedRanks::CloseUp,
                SkippedArg::EndAtGap => SkippedRanks::EndAtGap,
            };
        }
        if let Some(r) = self.repeated_candidates {
            p.repeated_candidates = match r {
                RepeatedArg::Reject => RepeatedCandidates::Reject,
                RepeatedArg::KeepFirst => RepeatedCandidates::KeepFirst,
            };
        }
        if let Some(o) = self.overvotes {
            p.overvotes = match o {
                OvervoteArg::Reject => Overvotes::Reject,
                OvervoteArg::EndAtOvervote => Overvotes::EndAtOvervote,
                OvervoteArg::SkipRank => Overvotes::SkipRank,
            };
        }
        p
    }

    /// Reads the file, giving its format and the election.
    pub fn load(&self) -> Result<(Format, Election), Failure> {
        let path = &self.file;
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::Io(format!("{}: cannot read: {e}", path.display())))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let format = match self.input_format {
            Some(f) => f.into(),
            None => Format::detect(&name, &bytes).ok_or_else(|| {
                Failure::Input(format!(
                    "{}: cannot tell the ballot format from the name or content; pass --input-format",
                    path.display()
                ))
            })?,
        };
        let opts = ReadOptions {
            policy: self.policy(),
            seats: self.seats,
            id: stem(path),
            weight_column: self.weight_column.clone(),
        };
        let election = ballot::read(format, &bytes, &opts).map_err(|e| input_failure(path, &e))?;
        Ok((format, election))
    }
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "election".into())
}

/// Reports a reader error as `path:line:column: message`, one line per problem.
pub fn input_failure(path: &Path, err: &ballot::Error) -> Failure {
    let lines: Vec<String> = err
        .each()
        .into_iter()
        .map(|e| match e.kind() {
            ErrorKind::Syntax { .. } => format!("{}:{e}", path.display()),
            _ => format!("{}: {e}", path.display()),
        })
        .collect();
    match err.kind() {
        ErrorKind::Io(_) => Failure::Io(lines.join("\n")),
        _ => Failure::Input(lines.join("\n")),
    }
}
