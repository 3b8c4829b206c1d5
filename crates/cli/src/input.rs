//! Reading ballot files for any command: the shared options (format, seats,
//! import policy, the contest kept) and the error report that names the file.
//!
//! A FILE of `-` is standard input: its format is then recognised from its
//! content (or given by `--input-format`), errors name it `<stdin>` with
//! line and column as for a file, and the election's id is `stdin`.

use std::io::Read;
use std::path::{Path, PathBuf};

use ballot::policy::{EqualRankings, Overvotes, RepeatedCandidates, SkippedRanks};
use ballot::{Election, ErrorKind, Format, ImportPolicy, ReadOptions};
use clap::Args;

use crate::Failure;
use crate::choice;

/// The ballot file and how to read it.
#[derive(Clone, Debug, Args)]
pub struct InputArgs {
    /// The ballot file (BLT, PrefLib .soi/.toi, rank-position .dat, CSV or
    /// recount JSON); `-` reads standard input.
    pub file: PathBuf,
    /// The ballot file's format; by default recognised from its extension or content.
    #[arg(long, value_name = "FORMAT", value_parser = choice::parser::<Format>())]
    pub input_format: Option<Format>,
    /// Keep only the contest of this id, of a file of several (`recount
    /// info FILE` lists the ids).
    #[arg(long, value_name = "ID")]
    pub contest: Option<String>,
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
    #[arg(long, value_parser = choice::parser::<EqualRankings>())]
    pub equal_rankings: Option<EqualRankings>,
    /// An empty rank followed by later preferences.
    #[arg(long, value_parser = choice::parser::<SkippedRanks>())]
    pub skipped_ranks: Option<SkippedRanks>,
    /// A candidate ranked more than once.
    #[arg(long, value_parser = choice::parser::<RepeatedCandidates>())]
    pub repeated_candidates: Option<RepeatedCandidates>,
    /// A rank marked overvoted.
    #[arg(long, value_parser = choice::parser::<Overvotes>())]
    pub overvotes: Option<Overvotes>,
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
            p.equal_rankings = e;
        }
        if let Some(s) = self.skipped_ranks {
            p.skipped_ranks = s;
        }
        if let Some(r) = self.repeated_candidates {
            p.repeated_candidates = r;
        }
        if let Some(o) = self.overvotes {
            p.overvotes = o;
        }
        p
    }

    /// Reads the file, giving its format and the election.
    pub fn load(&self) -> Result<(Format, Election), Failure> {
        let (bytes, format) = self.read()?;
        let election = self
            .parse(&bytes, format, self.seats)
            .map_err(|e| input_failure(&self.file, &e))?;
        Ok((format, election))
    }

    /// `election` with only the contest `--contest` names (all of it
    /// without `--contest`); an id it lacks is bad input, listing its ids.
    pub fn select(&self, election: Election) -> Result<Election, Failure> {
        let Some(id) = &self.contest else {
            return Ok(election);
        };
        let Some(contest) = election.contest(id) else {
            let ids: Vec<&str> = election.contests().iter().map(|c| c.id()).collect();
            return Err(Failure::Input(format!(
                "{}: no contest {id:?}; its contests are: {}",
                display(&self.file),
                ids.join(", ")
            )));
        };
        Election::new(
            election.id.clone(),
            election.title.clone(),
            vec![contest.clone()],
        )
        .map_err(|e| input_failure(&self.file, &e))
    }

    /// The file's bytes and its format (given, else recognised).
    pub fn read(&self) -> Result<(Vec<u8>, Format), Failure> {
        let path = &self.file;
        let shown = display(path);
        let bytes = if is_stdin(path) {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut bytes)
                .map_err(|e| Failure::Io(format!("{shown}: cannot read: {e}")))?;
            bytes
        } else {
            std::fs::read(path).map_err(|e| Failure::Io(format!("{shown}: cannot read: {e}")))?
        };
        // Standard input has no name to go by: its content alone.
        let name = path
            .file_name()
            .filter(|_| !is_stdin(path))
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let format = match self.input_format {
            Some(f) => f,
            None => Format::detect(&name, &bytes).ok_or_else(|| {
                Failure::Input(format!(
                    "{shown}: cannot tell the ballot format from the name or content; pass --input-format",
                ))
            })?,
        };
        Ok((bytes, format))
    }

    /// The election in `bytes`, with `seats` for formats that do not
    /// record them.
    pub fn parse(
        &self,
        bytes: &[u8],
        format: Format,
        seats: Option<u32>,
    ) -> Result<Election, ballot::Error> {
        let opts = ReadOptions {
            policy: self.policy(),
            seats,
            id: stem(&self.file),
            weight_column: self.weight_column.clone(),
        };
        ballot::read(format, bytes, &opts)
    }
}

/// Whether `path` names standard input (`-`).
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// How messages name an input: `<stdin>` for `-`, else its path.
pub fn display(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

fn stem(path: &Path) -> String {
    if is_stdin(path) {
        return "stdin".into();
    }
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
            ErrorKind::Syntax { .. } => format!("{}:{e}", display(path)),
            _ => format!("{}: {e}", display(path)),
        })
        .collect();
    match err.kind() {
        ErrorKind::Io(_) => Failure::Io(lines.join("\n")),
        _ => Failure::Input(lines.join("\n")),
    }
}

/// The SHA-256 of `bytes`, 64 lowercase hex digits: how `info` and the
/// transcript's `input` name a ballot file's contents (as MANIFEST does).
pub fn sha256_hex(bytes: &[u8]) -> String {
    bundle::manifest::sha256_hex(bytes)
}
