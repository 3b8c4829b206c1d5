//! Reading ballot files for any command: the shared options (format, seats,
//! import policy, the contest kept) and the error report that names the file.
//!
//! A FILE of `-` is standard input: its format is then recognised from its
//! content (or given by `--input-format`), errors name it `<stdin>` with
//! line and column as for a file, and the election's id is `stdin`.
//!
//! A FILE that is a directory is a Hart export: every paper's `*.xml` in
//! it (not its `*.sig.xml` signatures nor hidden files), read and handed to
//! the library, which reads them in name order; an error names the file in
//! the directory. Its identity is the files' total size and the SHA-256 of
//! their `sha256sum` listing in name order (`sha256sum FILES | sha256sum`
//! with the files sorted by name, bytewise).

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
    /// The ballot file (BLT, PrefLib .soi/.toi, rank-position .dat, CSV,
    /// recount JSON, an ES&S .xlsx CVR, a NIST CDF JSON or XML CVR, a Dominion
    /// CvrExport.json with its manifests beside it or a directory of a
    /// Dominion export split into CvrExport_N.json files, a Clear Ballot
    /// CVR CSV, or a Hart export: a directory of its XML files, or a zip
    /// of them with --input-format hart); `-` reads standard input.
    pub file: PathBuf,
    /// The ballot file's format; by default recognised from its extension or content.
    #[arg(long, value_name = "FORMAT", value_parser = choice::parser::<Format>())]
    pub input_format: Option<Format>,
    /// Keep only the contest of this id or name, of a file of several
    /// (`recount info FILE` lists the ids); a file of several contests
    /// (NIST CDF, Dominion, Hart, Clear Ballot) then reads only that one's
    /// papers.
    #[arg(long, value_name = "ID")]
    pub contest: Option<String>,
    /// Seats to fill, for formats that do not record them (PrefLib, plain CSV).
    #[arg(long)]
    pub seats: Option<u32>,
    /// CSV: the column holding each row's paper count.
    #[arg(long, value_name = "COLUMN")]
    pub weight_column: Option<String>,
    /// CSV: ranks by position, this column (from 1) and every later one
    /// being ranks 1, 2, … whatever the header says (RCTab's generic CSV,
    /// firstVoteColumnIndex).
    #[arg(long, value_name = "N")]
    pub first_rank_column: Option<usize>,
    /// CSV: the row (from 1, the header being row 1) of the first paper;
    /// rows between are passed over (RCTab's firstVoteRowIndex).
    #[arg(long, value_name = "N")]
    pub first_row: Option<u64>,
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
    /// Close up gaps of at most N empty ranks; a longer gap ends the paper
    /// (RCTab's maxSkippedRanksAllowed). Implies `--skipped-ranks close-up`
    /// unless that option says otherwise.
    #[arg(long, value_name = "N")]
    pub max_skipped_ranks: Option<u32>,
    /// Read only each paper's first N ranks; later ones are passed over as
    /// unmarked (RCTab's maxRankingsAllowed). At least 1.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_ranks: Option<u32>,
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
        if let Some(n) = self.max_ranks {
            p.max_ranks = Some(n);
        }
        if let Some(n) = self.max_skipped_ranks {
            p.max_skipped_ranks = Some(n);
            if self.skipped_ranks.is_none() {
                p.skipped_ranks = SkippedRanks::CloseUp;
            }
        }
        p
    }

    /// Reads the file, giving its format and the election.
    pub fn load(&self) -> Result<(Format, Election), Failure> {
        let read = self.stream(false, false)?;
        let election = read.election.map_err(|e| input_failure(&self.file, &e))?;
        Ok((read.format, election))
    }

    /// Reads the file as it streams in, with `--seats`: a BLT file is
    /// parsed a window at a time and never held whole (the other formats
    /// are read whole, then parsed). The format is the one given, else
    /// recognised from the name or the first 8 KiB.
    ///
    /// With `one_seat_if_unrecorded`, a file that records no seats, when
    /// `--seats` is not given, is read as if for one seat (`recount info`).
    /// With `identify`, the file's size and SHA-256 are taken over every
    /// byte as it is read (the rest drained after the election is read),
    /// once the election is read; else they are not computed.
    pub fn stream(
        &self,
        one_seat_if_unrecorded: bool,
        identify: bool,
    ) -> Result<Streamed, Failure> {
        self.stream_rows(one_seat_if_unrecorded, identify, None)
    }

    /// [`InputArgs::stream`] reading only the CSV rows `rows` chooses (a
    /// format without columns refuses a filter: the error is the
    /// election's).
    pub fn stream_rows(
        &self,
        one_seat_if_unrecorded: bool,
        identify: bool,
        rows: Option<&ballot::RowFilter>,
    ) -> Result<Streamed, Failure> {
        let path = &self.file;
        let shown = display(path);
        let cannot = |e: std::io::Error| Failure::Io(format!("{shown}: cannot read: {e}"));
        if !is_stdin(path) && path.is_dir() {
            // A Dominion export split into files, or a Hart export.
            let dominion = match self.input_format {
                Some(f) => f == Format::Dominion,
                None => holds_dominion_exports(path),
            };
            return if dominion {
                self.stream_dir(identify, rows)
            } else {
                self.hart_directory(one_seat_if_unrecorded, identify, rows)
            };
        }
        let (mut source, len): (Box<dyn Read>, Option<u64>) = if is_stdin(path) {
            (Box::new(std::io::stdin().lock()), None)
        } else {
            let file = std::fs::File::open(path).map_err(cannot)?;
            let len = file
                .metadata()
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len());
            (Box::new(file), len)
        };
        // Enough for what `Format::detect` looks at: 4096 bytes after a
        // byte-order mark.
        let mut head = Vec::with_capacity(HEAD);
        (&mut source)
            .take(HEAD as u64)
            .read_to_end(&mut head)
            .map_err(cannot)?;
        let format = self.format_of(&head)?;
        let mut input = Hashing {
            inner: std::io::Cursor::new(head).chain(source),
            hasher: identify.then(bundle::manifest::FileHasher::new),
            bytes: 0,
        };
        let opts = |seats| ReadOptions {
            policy: self.policy(),
            seats,
            id: stem(&self.file),
            weight_column: self.weight_column.clone(),
            rows: rows.cloned(),
        };
        let layout = ballot::csvrank::CsvLayout {
            first_rank_column: self.first_rank_column,
            first_row: self.first_row,
        };
        let positional = layout != ballot::csvrank::CsvLayout::default();
        if positional && format != Format::Csv {
            return Err(Failure::Input(format!(
                "{shown}: --first-rank-column and --first-row are for CSV files (RCTab's generic CSV layout), not {format}"
            )));
        }
        let mut seats_recorded = true;
        let election = if format == Format::Blt {
            ballot::read_from(format, &mut input, len, &opts(self.seats))
        } else {
            // Read whole: such a file may have to be read again for one seat.
            // Sized from the file's length: a CVR of hundreds of MB would
            // otherwise be copied as the buffer doubles, peaking near twice.
            let mut bytes =
                Vec::with_capacity(len.and_then(|n| usize::try_from(n).ok()).unwrap_or(0));
            input.read_to_end(&mut bytes).map_err(cannot)?;
            // A file of several contests reads only the one asked for.
            let contest = self.contest.as_deref();
            let manifests = if format == Format::Dominion {
                Some(self.dominion_manifests()?)
            } else {
                None
            };
            let read_for = |seats| match &manifests {
                Some((contests, candidates)) => {
                    let m = ballot::dominion::Manifests {
                        contests,
                        candidates,
                    };
                    ballot::dominion::read_contest(&bytes, m, &opts(seats), contest)
                }
                // One contest: `select` keeps it or refuses `--contest`.
                None if positional => ballot::csvrank::read_with(&bytes, &opts(seats), &layout),
                None => ballot::read_contest(format, &bytes, &opts(seats), contest),
            };
            let mut read = read_for(self.seats);
            if let Err(e) = &read
                && matches!(e.kind(), ErrorKind::SeatsNotRecorded { .. })
                && self.seats.is_none()
                && one_seat_if_unrecorded
            {
                read = read_for(Some(1));
                seats_recorded = false;
            }
            read
        };
        // A failure of the file itself reads as one, as before streaming.
        let election = match election {
            Err(e) if matches!(e.kind(), ErrorKind::Io(_)) => {
                let ErrorKind::Io(e) = e.into_kind() else {
                    unreachable!("matched Io above")
                };
                return Err(cannot(e));
            }
            other => other,
        };
        let id = match (&election, input.hasher.is_some()) {
            (Ok(_), true) => {
                // What the reader left unread (a BLT file's notes) is part
                // of the file all the same.
                std::io::copy(&mut input, &mut std::io::sink()).map_err(cannot)?;
                let digest = input.hasher.take().map(|h| h.finish()).unwrap_or_default();
                Some(FileIdentity {
                    bytes: input.bytes,
                    sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
                })
            }
            _ => None,
        };
        Ok(Streamed {
            format,
            election,
            seats_recorded,
            id,
        })
    }

    /// A directory: a Dominion export split into `CvrExport*.json` files
    /// beside its manifests (how Dominion writes a large one), read in the
    /// order of their numbers as one export. Its identity is their total
    /// size and the SHA-256 of their `sha256sum` listing in that order (the
    /// manifests are not in it, as they are not for a single export).
    fn stream_dir(
        &self,
        identify: bool,
        rows: Option<&ballot::RowFilter>,
    ) -> Result<Streamed, Failure> {
        let dir = &self.file;
        let shown = display(dir);
        if !matches!(self.input_format, None | Some(Format::Dominion)) {
            return Err(Failure::Input(format!(
                "{shown}: a directory is read as a Dominion export split into CvrExport*.json files, not as {}",
                self.input_format.map(|f| f.to_string()).unwrap_or_default()
            )));
        }
        let cannot = |e: std::io::Error| Failure::Io(format!("{shown}: cannot read: {e}"));
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map_err(cannot)?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("CvrExport") && n.ends_with(".json"))
            .collect();
        // By the number in `CvrExport_N.json`, then by name.
        let number = |n: &str| -> Option<u64> {
            n.strip_prefix("CvrExport_")?
                .strip_suffix(".json")?
                .parse()
                .ok()
        };
        names.sort_by(|a, b| (number(a), a).cmp(&(number(b), b)));
        if names.is_empty() {
            return Err(Failure::Input(format!(
                "{shown}: a directory is read as a Dominion export, but it holds no CvrExport*.json"
            )));
        }
        let mut files = Vec::with_capacity(names.len());
        for n in &names {
            let path = dir.join(n);
            let bytes = std::fs::read(&path)
                .map_err(|e| Failure::Io(format!("{}: cannot read: {e}", display(&path))))?;
            files.push(bytes);
        }
        let (contests, candidates) = self.manifests_in(dir)?;
        let m = ballot::dominion::Manifests {
            contests: &contests,
            candidates: &candidates,
        };
        let exports: Vec<(&str, &[u8])> = names
            .iter()
            .map(String::as_str)
            .zip(files.iter().map(Vec::as_slice))
            .collect();
        let opts = ReadOptions {
            policy: self.policy(),
            seats: self.seats,
            id: stem(dir),
            weight_column: self.weight_column.clone(),
            rows: rows.cloned(),
        };
        let election = ballot::dominion::read_exports(&exports, m, &opts, self.contest.as_deref());
        let id = (identify && election.is_ok()).then(|| {
            directory_identity(
                names
                    .iter()
                    .map(String::as_str)
                    .zip(files.iter().map(Vec::as_slice)),
            )
        });
        Ok(Streamed {
            format: Format::Dominion,
            election,
            seats_recorded: true,
            id,
        })
    }

    /// A Hart export's directory: its papers' files, read in name order.
    fn hart_directory(
        &self,
        one_seat_if_unrecorded: bool,
        identify: bool,
        rows: Option<&ballot::RowFilter>,
    ) -> Result<Streamed, Failure> {
        let dir = &self.file;
        let shown = display(dir);
        let cannot = |e: std::io::Error| Failure::Io(format!("{shown}: cannot read: {e}"));
        if let Some(f) = self.input_format.filter(|&f| f != Format::Hart) {
            return Err(Failure::Input(format!(
                "{shown}: a directory, not a {f} file (a directory is read as a Hart export, --input-format hart)"
            )));
        }
        if self.first_rank_column.is_some() || self.first_row.is_some() {
            return Err(Failure::Input(format!(
                "{shown}: --first-rank-column and --first-row are for CSV files (RCTab's generic CSV layout), not a Hart export"
            )));
        }
        let mut names: Vec<(String, PathBuf)> = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(cannot)? {
            let entry = entry.map_err(cannot)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if ballot::hart::is_cvr_file(&name) && entry.path().is_file() {
                names.push((name, entry.path()));
            }
        }
        names.sort();
        let Some((first, _)) = names.first() else {
            return Err(Failure::Input(format!(
                "{shown}: a directory with no XML file: a Hart export is read from a directory of its papers' files (*.xml)"
            )));
        };
        let mut files: Vec<(String, Vec<u8>)> = Vec::with_capacity(names.len());
        for (name, path) in &names {
            let bytes = std::fs::read(path)
                .map_err(|e| Failure::Io(format!("{}: cannot read: {e}", display(path))))?;
            files.push((name.clone(), bytes));
        }
        if self.input_format.is_none() && Format::detect(first, &files[0].1) != Some(Format::Hart) {
            return Err(Failure::Input(format!(
                "{shown}: a directory is read as a Hart export, but {first} is not a Hart CVR (no Cvr element in Hart's namespace at its start); pass --input-format hart to read it as one"
            )));
        }
        let refs: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        let opts = |seats| ReadOptions {
            policy: self.policy(),
            seats,
            id: stem(dir),
            weight_column: self.weight_column.clone(),
            rows: rows.cloned(),
        };
        let contest = self.contest.as_deref();
        let mut seats_recorded = true;
        let mut election = ballot::hart::read_contest(&refs, &opts(self.seats), contest);
        if let Err(e) = &election
            && matches!(e.kind(), ErrorKind::SeatsNotRecorded { .. })
            && self.seats.is_none()
            && one_seat_if_unrecorded
        {
            election = ballot::hart::read_contest(&refs, &opts(Some(1)), contest);
            seats_recorded = false;
        }
        let id = (identify && election.is_ok())
            .then(|| directory_identity(files.iter().map(|(n, b)| (n.as_str(), b.as_slice()))));
        Ok(Streamed {
            format: Format::Hart,
            election,
            seats_recorded,
            id,
        })
    }

    /// The bytes of a Dominion export's contest and candidate manifests,
    /// read from the export's directory (standard input has none).
    fn dominion_manifests(&self) -> Result<(Vec<u8>, Vec<u8>), Failure> {
        if is_stdin(&self.file) {
            return Err(Failure::Input(format!(
                "<stdin>: a Dominion export is read from a file, with its {} and {} beside it",
                ballot::dominion::CONTEST_MANIFEST,
                ballot::dominion::CANDIDATE_MANIFEST
            )));
        }
        self.manifests_in(self.file.parent().unwrap_or(Path::new("")))
    }

    /// The contest and candidate manifests in `dir`.
    fn manifests_in(&self, dir: &Path) -> Result<(Vec<u8>, Vec<u8>), Failure> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|e| {
                Failure::Io(format!(
                    "{}: cannot read the Dominion manifest beside the export: {e}",
                    display(&path)
                ))
            })
        };
        Ok((
            read(ballot::dominion::CONTEST_MANIFEST)?,
            read(ballot::dominion::CANDIDATE_MANIFEST)?,
        ))
    }

    /// The format given, else recognised from the name and `head`.
    fn format_of(&self, head: &[u8]) -> Result<Format, Failure> {
        if let Some(f) = self.input_format {
            return Ok(f);
        }
        let path = &self.file;
        // Standard input has no name to go by: its content alone.
        let name = path
            .file_name()
            .filter(|_| !is_stdin(path))
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Format::detect(&name, head).ok_or_else(|| {
            // The zip recount recognises is an ES&S workbook; any other may
            // be a Hart export's archive.
            let hint = if head.starts_with(b"PK") {
                " (a zip archive of a Hart export: --input-format hart)"
            } else {
                ""
            };
            Failure::Input(format!(
                "{}: cannot tell the ballot format from the name or content; pass --input-format{hint}",
                display(path)
            ))
        })
    }

    /// `election` with only the contest `--contest` names, by id or else
    /// by title (all of it without `--contest`); one it lacks is bad
    /// input, listing its ids.
    pub fn select(&self, election: Election) -> Result<Election, Failure> {
        let Some(id) = &self.contest else {
            return Ok(election);
        };
        let contest = election.contest(id).or_else(|| {
            election
                .contests()
                .iter()
                .find(|c| c.title() == id.as_str())
        });
        let Some(contest) = contest else {
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
}

/// How much of a file format recognition looks at, and more: 4096 bytes
/// after a byte-order mark.
const HEAD: usize = 8192;

/// A ballot file read by [`InputArgs::stream`].
pub struct Streamed {
    /// Its format, given or recognised.
    pub format: Format,
    /// The election, or what the reader found wrong.
    pub election: Result<Election, ballot::Error>,
    /// False when the file records no seats and was read for one.
    pub seats_recorded: bool,
    /// Its size and SHA-256, when asked for and the election was read.
    pub id: Option<FileIdentity>,
}

/// What names a ballot file's contents: its size and SHA-256 (as MANIFEST
/// names a file), taken as it was read.
pub struct FileIdentity {
    /// Its length in bytes.
    pub bytes: u64,
    /// 64 lowercase hex digits.
    pub sha256: String,
}

/// A reader that counts and (when asked) hashes every byte read through it.
struct Hashing<R> {
    inner: R,
    hasher: Option<bundle::manifest::FileHasher>,
    bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = &mut self.hasher {
            h.update(&buf[..n]);
        }
        self.bytes += n as u64;
        Ok(n)
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

/// Reports a reader error as `path:line:column: message`, one line per
/// problem. An error in a Dominion export's manifest names the manifest,
/// beside `path`; one in a file of a Hart export (a directory or an
/// archive) names the file, below `path`.
pub fn input_failure(path: &Path, err: &ballot::Error) -> Failure {
    let lines: Vec<String> = err
        .each()
        .into_iter()
        .map(|e| match e.kind() {
            ErrorKind::JsonValue {
                format: Format::Dominion,
                path: at,
                ..
            } if dominion_file_of(at).is_some() => {
                // The manifest, or the export of a split one, it is in:
                // beside the export, or in the directory given.
                let dir = if path.is_dir() {
                    path.to_path_buf()
                } else {
                    path.parent().unwrap_or(Path::new("")).to_path_buf()
                };
                let file = dir.join(dominion_file_of(at).unwrap_or_default());
                format!("{}:{e}", display(&file))
            }
            ErrorKind::Element { file, .. } if !file.is_empty() => {
                format!("{}/{e}", display(path))
            }
            ErrorKind::Syntax { .. } | ErrorKind::JsonValue { .. } | ErrorKind::Element { .. } => {
                format!("{}:{e}", display(path))
            }
            _ => format!("{}: {e}", display(path)),
        })
        .collect();
    match err.kind() {
        ErrorKind::Io(_) => Failure::Io(lines.join("\n")),
        _ => Failure::Input(lines.join("\n")),
    }
}

/// What names a directory's files read, in the order read: their total
/// size, and the SHA-256 of their `sha256sum` listing (`sha256sum FILES… |
/// sha256sum` reproduces it).
fn directory_identity<'a>(files: impl Iterator<Item = (&'a str, &'a [u8])>) -> FileIdentity {
    let mut bytes = 0u64;
    let mut listing = String::new();
    for (name, content) in files {
        bytes += content.len() as u64;
        listing.push_str(&format!("{}  {name}\n", sha256_hex(content)));
    }
    FileIdentity {
        bytes,
        sha256: sha256_hex(listing.as_bytes()),
    }
}

/// Whether the directory `dir` holds a Dominion export's files
/// (`CvrExport*.json`): else it is read as a Hart export.
fn holds_dominion_exports(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(|e| e.ok()).any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with("CvrExport") && name.ends_with(".json")
        })
    })
}

/// The file a Dominion error's JSON path names as its own (`List[3].Id of
/// CandidateManifest.json`, `Sessions[2] of CvrExport_7.json`): a manifest,
/// or one export of a split one.
fn dominion_file_of(at: &str) -> Option<&str> {
    let name = at.rsplit_once(" of ").map_or(at, |(_, n)| n);
    let manifest = [
        ballot::dominion::CONTEST_MANIFEST,
        ballot::dominion::CANDIDATE_MANIFEST,
    ]
    .contains(&name);
    let export = name.starts_with("CvrExport") && name.ends_with(".json");
    (manifest || export).then_some(name)
}

/// The SHA-256 of `bytes`, 64 lowercase hex digits: how `info` and the
/// transcript's `input` name a ballot file's contents (as MANIFEST does).
pub fn sha256_hex(bytes: &[u8]) -> String {
    bundle::manifest::sha256_hex(bytes)
}

/// The ballot file of `input` read again keeping only the rows whose
/// `column` holds `value` (or all but those when `keep` is false), with
/// the contest chosen as for the whole file.
pub fn read_rows(
    input: &InputArgs,
    column: &str,
    value: &str,
    keep: bool,
) -> Result<Election, Failure> {
    let rows = ballot::RowFilter {
        column: column.to_owned(),
        value: value.to_owned(),
        keep,
    };
    let election = input
        .stream_rows(false, false, Some(&rows))?
        .election
        .map_err(|e| input_failure(&input.file, &e))?;
    input.select(election)
}
