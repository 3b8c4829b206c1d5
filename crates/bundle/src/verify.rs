//! The numbered checks of a bundle (`specs/bundle.md` section 8) and
//! [`VerifiedBundle`], which only [`verify`] makes.
//!
//! The caller walks the directory and passes every entry ([`Entry`]: the
//! file bytes, or that it is a directory, a symlink or something else);
//! this module reads nothing itself. Every check runs and reports every
//! fault it finds (with the file, the line when there is one, and what was
//! expected), so one run lists all that is wrong. A check whose input
//! another check refused is reported as not run, which is not a pass.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};

use ballot::{BallotsBuilder, Candidate, CandidateId, Contest, Election};

use crate::audit::Tally;
use crate::error::{ErrorKind, StatementProblem};
use crate::keys::VerifierKey;
use crate::layout::{
    self, BALLOTS_DIR, CandidateMeta, ELECTION_FILE, ElectionMeta, FORMAT, MANIFEST_FILE,
    RULES_FILE, STATEMENT_FILE, Status, TextFault,
};
use crate::manifest::{Digest, Manifest, sha256};
use crate::merkle::TreeBuilder;
use crate::note::{self, Note};
use crate::records::{
    self, DeclaredResult, NOMINATIONS_DIR, RESULT_FILE, ROLL_DIR, TURNOUT_FILE, Turnout,
};
use crate::scan;
use crate::statement::{ContestLine, ContestTreeBuilder, Statement};
use crate::verify_records;
use unicode_normalization::{UnicodeNormalization, is_nfc};

/// The most faults one check reports per file; the rest are counted.
pub(crate) const FAULTS_PER_FILE: usize = 20;

/// One entry of a bundle directory, as the caller found it (paths relative
/// to the bundle, `/`-separated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A regular file and its bytes.
    File {
        /// The path.
        path: String,
        /// The bytes.
        bytes: Vec<u8>,
    },
    /// A directory.
    Dir {
        /// The path.
        path: String,
    },
    /// A symbolic link (never followed).
    Symlink {
        /// The path.
        path: String,
    },
    /// Anything else (a device, a socket, a name that is not UTF-8).
    Other {
        /// The path, lossily.
        path: String,
    },
}

/// One fault: where, and what was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The file, relative to the bundle.
    pub file: String,
    /// The line, from 1, when the fault has one.
    pub line: Option<u64>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// How one check ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything it checks holds.
    Pass,
    /// These faults were found.
    Fail(Vec<Fault>),
    /// It could not run, because of this (another check's refusal).
    NotRun(String),
    /// There was nothing to check, because of this (the bundle holds no
    /// such records): not a failure.
    NotApplicable(String),
}

impl Outcome {
    /// Whether the check raises nothing: it passed, or had nothing to check.
    pub fn holds(&self) -> bool {
        matches!(self, Outcome::Pass | Outcome::NotApplicable(_))
    }
}

/// One numbered check and its outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// Its number in `specs/bundle.md`.
    pub number: u8,
    /// Its short name.
    pub name: &'static str,
    /// How it ended.
    pub outcome: Outcome,
}

/// The number of checks.
pub const CHECK_COUNT: usize = 11;

/// The names of the checks, by number from 1.
pub const CHECKS: [&str; CHECK_COUNT] = [
    "layout: only a bundle's files, no symlinks, nothing missing",
    "canonical form of every file",
    "MANIFEST digests match the files",
    "statement parses",
    "statement's manifest is the SHA-256 of MANIFEST",
    "each contest's papers and Merkle root",
    "contests-root",
    "signatures by enough distinct trusted keys",
    "metadata and rules parse and agree with the ballots",
    "nominations: each candidate on the ballot had enough, each kept off too few",
    "turnout: papers, blank papers and links sent as declared",
];

/// Every check's outcome.
#[derive(Clone, Debug)]
pub struct Report {
    checks: Vec<Check>,
    signers: Vec<VerifierKey>,
    nominations: Vec<(String, Vec<Tally>)>,
}

impl Report {
    /// The checks, in number order.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// Whether every check passed (or had nothing to check).
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.outcome.holds())
    }

    /// Whether every check but the signatures' passed (what a co-signer
    /// needs before signing).
    pub fn passed_except_signatures(&self) -> bool {
        self.checks
            .iter()
            .all(|c| c.number == 8 || c.outcome.holds())
    }

    /// The trusted keys whose signatures verified.
    pub fn signers(&self) -> &[VerifierKey] {
        &self.signers
    }

    /// Per contest with nomination records (in contest order), each
    /// candidate's tally (check 10).
    pub fn nominations(&self) -> &[(String, Vec<Tally>)] {
        &self.nominations
    }
}

/// A bundle every check passed. Nothing but [`verify`] makes one.
#[derive(Clone, Debug)]
pub struct VerifiedBundle {
    statement: Statement,
    meta: ElectionMeta,
    rules: count::Rules,
    election: Election,
    signers: Vec<VerifierKey>,
    turnout: Option<Turnout>,
    result: Option<DeclaredResult>,
}

impl VerifiedBundle {
    /// The signed statement.
    pub fn statement(&self) -> &Statement {
        &self.statement
    }

    /// `election.json`.
    pub fn meta(&self) -> &ElectionMeta {
        &self.meta
    }

    /// `rules.json`.
    pub fn rules(&self) -> &count::Rules {
        &self.rules
    }

    /// The election: the metadata with each contest's papers.
    pub fn election(&self) -> &Election {
        &self.election
    }

    /// The election, without a copy of its papers.
    pub fn into_election(self) -> Election {
        self.election
    }

    /// The trusted keys whose signatures verified.
    pub fn signers(&self) -> &[VerifierKey] {
        &self.signers
    }

    /// `turnout.json`, when the bundle has it.
    pub fn turnout(&self) -> Option<&Turnout> {
        self.turnout.as_ref()
    }

    /// `result.json` (the declared result), when the bundle has it.
    pub fn declared_result(&self) -> Option<&DeclaredResult> {
        self.result.as_ref()
    }
}

pub(crate) struct Checker<'a> {
    pub(crate) files: BTreeMap<&'a str, &'a [u8]>,
    faults: [Vec<Fault>; CHECK_COUNT],
    not_run: [Option<String>; CHECK_COUNT],
    not_applicable: [Option<String>; CHECK_COUNT],
    /// The ballots files that check 9 found canonical as it read them.
    canonical: BTreeSet<String>,
}

impl Checker<'_> {
    pub(crate) fn fault(
        &mut self,
        check: usize,
        file: &str,
        line: Option<u64>,
        message: impl Into<String>,
    ) {
        self.faults[check - 1].push(Fault {
            file: file.to_owned(),
            line,
            message: message.into(),
        });
    }

    pub(crate) fn not_run(&mut self, check: usize, why: impl Into<String>) {
        self.not_run[check - 1] = Some(why.into());
    }

    pub(crate) fn not_applicable(&mut self, check: usize, why: impl Into<String>) {
        self.not_applicable[check - 1] = Some(why.into());
    }

    pub(crate) fn text_faults(&mut self, check: usize, file: &str, faults: Vec<TextFault>) {
        for f in faults {
            self.fault(check, file, f.line, f.message);
        }
    }
}

/// The long, independent work on a bundle's bytes: hashing them, which
/// other threads do while the verifier's own thread checks the rest.
enum Job<'a> {
    /// The SHA-256 of MANIFEST entry `entry`'s file (check 3).
    Digest { entry: usize, bytes: &'a [u8] },
    /// The tree of run `run` (bytes `start..end`) of ballots file `file`
    /// (check 6).
    Tree {
        file: usize,
        run: usize,
        bytes: &'a [u8],
        start: usize,
        end: usize,
    },
}

enum Done {
    Digest(usize, Digest),
    Tree(usize, usize, Option<TreeBuilder>),
}

/// Takes jobs in order until none is left; what they gave.
fn work(jobs: &[Job<'_>], next: &AtomicUsize) -> Vec<Done> {
    let mut done = Vec::new();
    while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
        done.push(match *job {
            Job::Digest { entry, bytes } => Done::Digest(entry, sha256(bytes)),
            Job::Tree {
                file,
                run,
                bytes,
                start,
                end,
            } => Done::Tree(file, run, scan::run(bytes, start, end)),
        });
    }
    done
}

/// What the jobs gave, by MANIFEST entry and by ballots file.
struct Hashed {
    digests: Vec<Option<Digest>>,
    /// Per ballots file, its runs; empty when it was not split.
    runs: Vec<Vec<Option<TreeBuilder>>>,
}

impl Hashed {
    /// Ballots file `file`'s contest line, joined from its runs, or the
    /// streaming builder's verdict (and its fault) when a run could not be
    /// hashed apart.
    fn contest_line(
        &self,
        file: Option<usize>,
        id: &str,
        bytes: &[u8],
    ) -> Result<ContestLine, crate::Error> {
        if let Some(runs) = file.and_then(|f| self.runs.get(f))
            && !runs.is_empty()
            && runs.iter().all(Option::is_some)
        {
            let mut tree = TreeBuilder::new();
            for run in runs.iter().flatten() {
                tree.append(run);
            }
            return Ok(ContestLine {
                id: id.to_owned(),
                papers: tree.len(),
                root: tree.root(),
            });
        }
        let mut tree = ContestTreeBuilder::new();
        tree.write(bytes);
        tree.finish(id)
    }
}

/// Whether `path` may be a file of a `recount-bundle/1` at all.
fn bundle_path(path: &str) -> bool {
    [ELECTION_FILE, RULES_FILE, TURNOUT_FILE, RESULT_FILE].contains(&path)
        || records::contest_file(path).is_some()
}

/// The directories a bundle may hold.
const DIRS: [&str; 3] = [BALLOTS_DIR, ROLL_DIR, NOMINATIONS_DIR];

/// Runs every check on the bundle whose entries are `entries`, trusting
/// `trusted` and requiring `require` distinct keys (at least 1).
///
/// The hashing (checks 3 and 6) runs on as many threads as the machine
/// offers (`std::thread::available_parallelism`, at most 16), all joined
/// before this returns; the report is the same however many there are.
pub fn verify(
    entries: &[Entry],
    trusted: &[VerifierKey],
    require: usize,
) -> (Report, Option<VerifiedBundle>) {
    let mut files = BTreeMap::new();
    for e in entries {
        if let Entry::File { path, bytes } = e {
            files.insert(path.as_str(), bytes.as_slice());
        }
    }
    let manifest = files.get(MANIFEST_FILE).map(|bytes| Manifest::parse(bytes));
    let ballot_files: Vec<(&str, &[u8])> = files
        .iter()
        .filter(|(p, _)| layout::contest_of_path(p).is_some())
        .map(|(p, b)| (*p, *b))
        .collect();

    // The hashing of checks 3 and 6 is split into jobs that other threads
    // start on now; this one runs the other checks meanwhile, then helps,
    // and runs checks 3 and 6 last (each check has its own list of faults,
    // so the report is as if they ran in order).
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(16));
    let mut jobs = Vec::new();
    let listed = match &manifest {
        Some(Ok(m)) => m.entries(),
        _ => &[],
    };
    for (entry, e) in listed.iter().enumerate() {
        if let Some(bytes) = files.get(e.path()).copied() {
            jobs.push(Job::Digest { entry, bytes });
        }
    }
    let listed = listed.len();
    let mut runs = Vec::new();
    for (file, (_, bytes)) in ballot_files.iter().enumerate() {
        let (split, _) = scan::tree_runs(bytes, 4 * threads).unwrap_or_default();
        runs.push(split.len());
        for (run, (start, end)) in split.into_iter().enumerate() {
            jobs.push(Job::Tree {
                file,
                run,
                bytes,
                start,
                end,
            });
        }
    }
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (1..threads.min(jobs.len()))
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name("recount-verify".into())
                    .spawn_scoped(scope, || work(&jobs, &next))
                    .ok()
            })
            .collect();
        let hashed = || {
            let mut done = work(&jobs, &next);
            for w in workers {
                match w.join() {
                    Ok(d) => done.extend(d),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            let mut hashed = Hashed {
                digests: vec![None; listed],
                runs: runs
                    .iter()
                    .map(|&n| (0..n).map(|_| None).collect())
                    .collect(),
            };
            for d in done {
                match d {
                    Done::Digest(entry, digest) => hashed.digests[entry] = Some(digest),
                    Done::Tree(file, run, tree) => hashed.runs[file][run] = tree,
                }
            }
            hashed
        };
        check(
            entries,
            files,
            manifest,
            &ballot_files,
            trusted,
            require,
            hashed,
        )
    })
}

/// Every check, in order but for 3 and 6, which take their hashes from
/// `hashed` (called once, after check 9).
fn check<'a>(
    entries: &'a [Entry],
    files: BTreeMap<&'a str, &'a [u8]>,
    manifest: Option<Result<Manifest, crate::Error>>,
    ballot_files: &[(&'a str, &'a [u8])],
    trusted: &[VerifierKey],
    require: usize,
    hashed: impl FnOnce() -> Hashed,
) -> (Report, Option<VerifiedBundle>) {
    let mut c = Checker {
        files,
        faults: Default::default(),
        not_run: Default::default(),
        not_applicable: Default::default(),
        canonical: BTreeSet::new(),
    };

    // Check 2 (MANIFEST part) first: the layout needs its list.
    let manifest = match manifest {
        Some(Ok(m)) => Some(m),
        Some(Err(e)) => {
            let (line, message) = match e.kind() {
                ErrorKind::Manifest { pos, problem } => (Some(pos.line), problem.to_string()),
                _ => (None, e.to_string()),
            };
            c.fault(2, MANIFEST_FILE, line, message);
            None
        }
        None => None,
    };

    // Check 1: layout.
    for e in entries {
        match e {
            Entry::Symlink { path } => c.fault(
                1,
                path,
                None,
                "a symlink; a bundle holds regular files only",
            ),
            Entry::Other { path } => c.fault(
                1,
                path,
                None,
                "not a regular file or directory (or a name that is not UTF-8)",
            ),
            Entry::Dir { path } if !DIRS.contains(&path.as_str()) => c.fault(
                1,
                path,
                None,
                "unexpected directory; a bundle has only ballots/, roll/ and nominations/",
            ),
            Entry::Dir { .. } => {}
            Entry::File { path, .. } => {
                if path == MANIFEST_FILE || path == STATEMENT_FILE {
                    continue;
                }
                let listed = match &manifest {
                    Some(m) => m.entry(path).is_some(),
                    None => bundle_path(path),
                };
                if !listed {
                    let hint = if path.ends_with(".DS_Store") || path.ends_with("Thumbs.db") {
                        " (a file manager's; delete it)"
                    } else {
                        ""
                    };
                    c.fault(
                        1,
                        path,
                        None,
                        format!("not listed in MANIFEST; a bundle holds no other file{hint}"),
                    );
                }
            }
        }
    }
    for required in [MANIFEST_FILE, STATEMENT_FILE, ELECTION_FILE, RULES_FILE] {
        if !c.files.contains_key(required) {
            c.fault(1, required, None, "missing; every bundle has it");
        }
    }
    if let Some(m) = &manifest {
        for required in [ELECTION_FILE, RULES_FILE] {
            if m.entry(required).is_none() {
                c.fault(1, MANIFEST_FILE, None, format!("does not list {required}"));
            }
        }
        for (i, entry) in m.entries().iter().enumerate() {
            let line = Some(i as u64 + 1);
            if !bundle_path(entry.path()) {
                c.fault(
                    1,
                    MANIFEST_FILE,
                    line,
                    format!(
                        "lists {}; a bundle lists only {ELECTION_FILE}, {RULES_FILE}, \
                         {TURNOUT_FILE}, {RESULT_FILE}, ballots/<contest>.csv, \
                         roll/<contest>.csv and nominations/<contest>.csv",
                        entry.path()
                    ),
                );
            } else if !c.files.contains_key(entry.path()) {
                c.fault(
                    1,
                    entry.path(),
                    None,
                    format!("missing; MANIFEST line {} lists it", i + 1),
                );
            }
        }
    }

    // Check 2: canonical form.
    if let Some(bytes) = c.files.get(STATEMENT_FILE).copied() {
        let faults = layout::text_faults(bytes, true, FAULTS_PER_FILE);
        c.text_faults(2, STATEMENT_FILE, faults);
    }
    let meta = check_election_json(&mut c);
    let rules = check_rules_json(&mut c);
    // The records' part of check 2 (they are small).
    let records = verify_records::read(&mut c);
    // The ballots files' part of check 2 comes after check 9, which sees
    // most of them to be canonical (their faults end check 2's list, so
    // they are in order).

    // Check 4: the statement parses (the note, then its body).
    let mut contests_root_bad = None;
    let note = match c.files.get(STATEMENT_FILE).copied() {
        None => {
            c.not_run(4, "there is no statement");
            None
        }
        Some(bytes) => match Note::parse(bytes) {
            Ok(n) => Some(n),
            Err(e) => {
                let line = e.position().map(|p| p.line);
                let message = match e.kind() {
                    ErrorKind::Note { problem, .. } => {
                        format!("not a signed note: {problem}")
                    }
                    _ => e.to_string(),
                };
                c.fault(4, STATEMENT_FILE, line, message);
                None
            }
        },
    };
    let statement = note
        .as_ref()
        .and_then(|n| match Statement::parse(n.text().as_bytes()) {
            Ok(s) => Some(s),
            Err(e) => {
                let line = e.position().map(|p| p.line);
                match e.kind() {
                    ErrorKind::Statement {
                        problem: StatementProblem::ContestsRoot,
                        ..
                    } => contests_root_bad = line,
                    ErrorKind::Statement { problem, .. } => c.fault(
                        4,
                        STATEMENT_FILE,
                        line,
                        format!("statement body: {problem}"),
                    ),
                    _ => c.fault(4, STATEMENT_FILE, line, e.to_string()),
                }
                None
            }
        });

    // Check 5: the manifest hash.
    match (&statement, c.files.get(MANIFEST_FILE).copied()) {
        (Some(s), Some(bytes)) => {
            let digest = sha256(bytes);
            if &digest != s.manifest() {
                c.fault(
                    5,
                    STATEMENT_FILE,
                    Some(3),
                    format!(
                        "manifest {} is not the SHA-256 of MANIFEST, {}",
                        crate::hex::encode(s.manifest()),
                        crate::hex::encode(&digest)
                    ),
                );
            }
        }
        (None, _) => c.not_run(5, "the statement did not parse (check 4 or 7)"),
        (_, None) => c.not_run(5, "MANIFEST is missing"),
    }

    // Check 7: contests-root.
    if let Some(line) = contests_root_bad {
        c.fault(
            7,
            STATEMENT_FILE,
            Some(line),
            "contests-root is not the RFC 9162 root of the contest lines",
        );
    } else if statement.is_none() {
        c.not_run(7, "the statement did not parse (check 4)");
    }

    // Check 8: signatures.
    let mut signers = Vec::new();
    match &note {
        None => c.not_run(8, "the statement is not a signed note (check 4)"),
        Some(n) => match note::verify(n, trusted, require) {
            Ok(v) => signers = v.signers().to_vec(),
            Err(e) => {
                let line = match e.kind() {
                    ErrorKind::Signature(crate::error::SignatureProblem::Invalid {
                        line, ..
                    }) => Some(*line),
                    _ => None,
                };
                let message = match e.kind() {
                    ErrorKind::Signature(p) => p.to_string(),
                    _ => e.to_string(),
                };
                c.fault(8, STATEMENT_FILE, line, message);
            }
        },
    }

    // Check 9: metadata and rules agree with the ballots.
    let at = MetaLines::of(c.files.get(ELECTION_FILE).copied().unwrap_or_default());
    let election = match (&meta, &rules) {
        (Some(meta), Some(_)) => {
            verify_records::semantics(&mut c, meta, &at, &records);
            check_semantics(&mut c, meta, &at, statement.as_ref())
        }
        _ => {
            c.not_run(9, "election.json or rules.json did not parse (check 2)");
            None
        }
    };

    // Check 2, the ballots files: one that check 9 read in its one pass
    // (most are) is canonical; any other is checked in one fast pass, and
    // if it fails that, rule by rule, naming each fault.
    for (path, bytes) in ballot_files {
        if !c.canonical.contains(*path) && !scan::canonical_ballots(bytes) {
            check_ballots_text(&mut c, path, bytes);
        }
    }

    let hashed = hashed();
    // Check 3: digests.
    match &manifest {
        None => c.not_run(3, "MANIFEST is missing or not canonical"),
        Some(m) => {
            for (i, entry) in m.entries().iter().enumerate() {
                let Some(bytes) = c.files.get(entry.path()).copied() else {
                    continue;
                };
                let digest = hashed.digests[i].unwrap_or_else(|| sha256(bytes));
                if &digest != entry.digest() {
                    c.fault(
                        3,
                        entry.path(),
                        None,
                        format!(
                            "SHA-256 is {}, but MANIFEST line {} records {}",
                            crate::hex::encode(&digest),
                            i + 1,
                            crate::hex::encode(entry.digest())
                        ),
                    );
                }
            }
        }
    }

    // Check 6: each contest's papers and root.
    match &statement {
        None => c.not_run(6, "the statement did not parse (check 4 or 7)"),
        Some(s) => {
            let named: BTreeSet<&str> = s.contests().iter().map(|l| l.id.as_str()).collect();
            for (i, line) in s.contests().iter().enumerate() {
                let n = Some(4 + i as u64);
                let path = layout::ballots_path(&line.id);
                let Some(bytes) = c.files.get(path.as_str()).copied() else {
                    c.fault(
                        6,
                        STATEMENT_FILE,
                        n,
                        format!("contest {} has no file {path}", line.id),
                    );
                    continue;
                };
                let file = ballot_files
                    .binary_search_by(|(p, _)| (*p).cmp(path.as_str()))
                    .ok();
                match hashed.contest_line(file, &line.id, bytes) {
                    Err(e) => {
                        let at = e.position().map(|p| p.line);
                        c.fault(6, &path, at, format!("no Merkle root: {e}"));
                    }
                    Ok(got) => {
                        if got.papers != line.papers {
                            c.fault(
                                6,
                                STATEMENT_FILE,
                                n,
                                format!(
                                    "contest {} has {} papers, but {path} has {} lines",
                                    line.id, line.papers, got.papers
                                ),
                            );
                        }
                        if got.root != line.root {
                            c.fault(
                                6,
                                STATEMENT_FILE,
                                n,
                                format!(
                                    "contest {}'s root is {}, but the root of {path} is {}",
                                    line.id,
                                    crate::hex::encode(&line.root),
                                    crate::hex::encode(&got.root)
                                ),
                            );
                        }
                    }
                }
            }
            for (path, _) in ballot_files {
                let id = layout::contest_of_path(path).unwrap_or_default();
                if !named.contains(id) {
                    c.fault(6, path, None, "the statement has no contest line for it");
                }
            }
        }
    }

    // Checks 10 and 11: nominations and turnout.
    let nominations = verify_records::nominations(&mut c, meta.as_ref(), &at, &records);
    verify_records::turnout(&mut c, &records);

    let checks: Vec<Check> = (0..CHECK_COUNT)
        .map(|i| Check {
            number: i as u8 + 1,
            name: CHECKS[i],
            outcome: if !c.faults[i].is_empty() {
                Outcome::Fail(std::mem::take(&mut c.faults[i]))
            } else if let Some(why) = c.not_run[i].take() {
                Outcome::NotRun(why)
            } else if let Some(why) = c.not_applicable[i].take() {
                Outcome::NotApplicable(why)
            } else {
                Outcome::Pass
            },
        })
        .collect();
    let report = Report {
        checks,
        signers: signers.clone(),
        nominations,
    };
    let verified = match (report.passed(), statement, meta, rules, election) {
        (true, Some(statement), Some(meta), Some(rules), Some(election)) => Some(VerifiedBundle {
            statement,
            meta,
            rules,
            election,
            signers,
            turnout: records.turnout,
            result: records.result,
        }),
        _ => None,
    };
    (report, verified)
}

fn check_election_json(c: &mut Checker<'_>) -> Option<ElectionMeta> {
    let meta = verify_records::canonical_json_file::<ElectionMeta>(
        c,
        ELECTION_FILE,
        "the bundle's election metadata",
    );
    // One byte form of every name: Unicode NFC (precomposed "é", never "e"
    // and a combining accent, which looks the same and hashes otherwise).
    if let Some(bytes) = c.files.get(ELECTION_FILE).copied()
        && let Ok(text) = std::str::from_utf8(bytes)
    {
        let lines = text.split('\n').enumerate();
        for (i, line) in lines.filter(|(_, l)| !is_nfc(l)).take(FAULTS_PER_FILE) {
            let nfc: String = line.trim().nfc().collect();
            c.fault(
                2,
                ELECTION_FILE,
                Some(i as u64 + 1),
                format!("not in Unicode NFC; expected {nfc}"),
            );
        }
    }
    meta
}

fn check_rules_json(c: &mut Checker<'_>) -> Option<count::Rules> {
    let bytes = c.files.get(RULES_FILE).copied()?;
    let faults = layout::text_faults(bytes, false, FAULTS_PER_FILE);
    c.text_faults(2, RULES_FILE, faults);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return None;
    };
    match count::Rules::from_json(text) {
        Err(e) => {
            c.fault(2, RULES_FILE, None, format!("not counting rules: {e}"));
            None
        }
        Ok(rules) => {
            if let Some(f) = layout::json_mismatch(bytes, &layout::canonical_json(&rules)) {
                c.fault(2, RULES_FILE, f.line, f.message);
            }
            Some(rules)
        }
    }
}

fn check_ballots_text(c: &mut Checker<'_>, path: &str, bytes: &[u8]) {
    let faults = layout::text_faults(bytes, false, FAULTS_PER_FILE);
    let mut shown = faults.len();
    c.text_faults(2, path, faults);
    let mut previous: Option<&[u8]> = None;
    let mut more = 0u64;
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if bytes.is_empty() {
        return;
    }
    for (i, line) in body.split(|&b| b == b'\n').enumerate() {
        let n = Some(i as u64 + 1);
        let mut fault = None;
        // Sorted lines put the papers of one ranking together: a line equal
        // to the last was judged with it (a 5-million-paper file has about
        // a million distinct lines).
        let repeat = previous == Some(line);
        match std::str::from_utf8(line) {
            Err(_) => {}
            Ok(_) if repeat => {}
            Ok(text) => {
                if let Err(why) = layout::paper_ids(text) {
                    fault = Some(format!(
                        "not a paper ({why}); expected ids joined by \",\" or \"-\""
                    ));
                }
            }
        }
        if let Some(prev) = previous
            && line < prev
        {
            fault = Some(format!(
                "not sorted: sorts before line {} (lines are in bytewise order)",
                i
            ));
        }
        previous = Some(line);
        if let Some(message) = fault {
            if shown < FAULTS_PER_FILE {
                shown += 1;
                c.fault(2, path, n, message);
            } else {
                more += 1;
            }
        }
    }
    if more > 0 {
        c.fault(2, path, None, format!("and {more} more lines like these"));
    }
}

/// Where `election.json`'s values are, found by their indent in the
/// canonical layout (exact once check 2 passes; `None` where not found).
#[derive(Default)]
pub(crate) struct MetaLines {
    format: Option<u64>,
    id: Option<u64>,
    contest: Vec<Option<u64>>,
    candidate: Vec<Vec<u64>>,
}

impl MetaLines {
    fn of(bytes: &[u8]) -> MetaLines {
        let mut m = MetaLines::default();
        let text = String::from_utf8_lossy(bytes);
        for (i, line) in text.split('\n').enumerate() {
            let n = i as u64 + 1;
            let body = line.trim_start_matches(' ');
            match (line.len() - body.len(), body) {
                (4, "{") => {
                    m.contest.push(None);
                    m.candidate.push(Vec::new());
                }
                (2, b) if b.starts_with("\"format\": ") => m.format = Some(n),
                (2, b) if b.starts_with("\"id\": ") => m.id = Some(n),
                (6, b) if b.starts_with("\"id\": ") => {
                    if let Some(last) = m.contest.last_mut() {
                        *last = Some(n);
                    }
                }
                (10, b) if b.starts_with("\"id\": ") => {
                    if let Some(last) = m.candidate.last_mut() {
                        last.push(n);
                    }
                }
                _ => {}
            }
        }
        m
    }

    fn contest(&self, i: usize) -> Option<u64> {
        self.contest.get(i).copied().flatten()
    }

    pub(crate) fn candidate(&self, contest: usize, i: usize) -> Option<u64> {
        self.candidate.get(contest)?.get(i).copied()
    }
}

fn check_semantics(
    c: &mut Checker<'_>,
    meta: &ElectionMeta,
    at: &MetaLines,
    statement: Option<&Statement>,
) -> Option<Election> {
    let before = c.faults[8].len();
    if meta.format != FORMAT {
        c.fault(
            9,
            ELECTION_FILE,
            at.format,
            format!("format {:?}; expected {FORMAT:?}", meta.format),
        );
    }
    if let Some(s) = statement {
        if s.election() != meta.id {
            c.fault(
                9,
                ELECTION_FILE,
                at.id,
                format!(
                    "id {:?}, but the statement's election is {:?}",
                    meta.id,
                    s.election()
                ),
            );
        }
        let signed: Vec<&str> = s.contests().iter().map(|l| l.id.as_str()).collect();
        let listed: Vec<&str> = meta.contests.iter().map(|m| m.id.as_str()).collect();
        if signed != listed {
            c.fault(
                9,
                ELECTION_FILE,
                Some(2),
                format!(
                    "contests [{}], but the statement's are [{}] (sorted by id)",
                    listed.join(", "),
                    signed.join(", ")
                ),
            );
        }
    }
    let mut contests = Vec::new();
    for (k, cm) in meta.contests.iter().enumerate() {
        let mut ids = HashMap::new();
        for (i, cand) in cm.candidates.iter().enumerate() {
            if let Err(why) = layout::candidate_id_rule(&cand.id) {
                c.fault(
                    9,
                    ELECTION_FILE,
                    at.candidate(k, i),
                    format!("contest {}: candidate id {:?} {why}", cm.id, cand.id),
                );
            }
            if ids.insert(cand.id.as_str(), i).is_some() {
                c.fault(
                    9,
                    ELECTION_FILE,
                    at.candidate(k, i),
                    format!("contest {}: candidate id {:?} twice", cm.id, cand.id),
                );
            }
        }
        // The count sees the candidates on the ballot, in their order.
        let on_ballot: Vec<&CandidateMeta> = cm
            .candidates
            .iter()
            .filter(|m| m.status.on_ballot())
            .collect();
        let ballot_ids: HashMap<&str, usize> = on_ballot
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.as_str(), i))
            .collect();
        let off_ballot: HashMap<&str, Status> = cm
            .candidates
            .iter()
            .filter(|m| !m.status.on_ballot())
            .map(|m| (m.id.as_str(), m.status))
            .collect();
        let path = layout::ballots_path(&cm.id);
        let Some(bytes) = c.files.get(path.as_str()).copied() else {
            c.fault(
                9,
                ELECTION_FILE,
                at.contest(k),
                format!("contest {} has no file {path}", cm.id),
            );
            continue;
        };
        let papers =
            match read_canonical_papers(&path, bytes, &ballot_ids, &off_ballot, on_ballot.len()) {
                Some(papers) => {
                    c.canonical.insert(path.clone());
                    papers.apply(c)
                }
                None => read_papers(c, &path, bytes, &ballot_ids, &off_ballot, on_ballot.len()),
            };
        let Some(ballots) = papers else {
            continue;
        };
        let candidates = on_ballot
            .iter()
            .map(|m| Candidate {
                id: m.id.clone(),
                name: m.name.clone(),
                affiliation: m.affiliation.clone(),
                attributes: m.attributes.clone(),
            })
            .collect();
        let withdrawn = on_ballot
            .iter()
            .enumerate()
            .filter(|(_, m)| m.status == Status::Withdrawn)
            .filter_map(|(i, _)| CandidateId::new(i));
        let mut tie_order = None;
        if let Some(order) = &cm.tie_order {
            let ids: Option<Vec<CandidateId>> = order
                .iter()
                .map(|id| {
                    ballot_ids
                        .get(id.as_str())
                        .and_then(|&i| CandidateId::new(i))
                })
                .collect();
            match ids {
                Some(ids) => tie_order = Some(ids),
                None => c.fault(
                    9,
                    ELECTION_FILE,
                    at.contest(k),
                    format!(
                        "contest {}: the tie order names an id that is no candidate on the ballot",
                        cm.id
                    ),
                ),
            }
        }
        let constraints = cm.constraints.iter().map(Into::into).collect();
        let built = Contest::new(&cm.id, &cm.title, cm.seats, candidates, ballots)
            .and_then(|k| k.with_withdrawn(withdrawn))
            .and_then(|k| match tie_order {
                Some(order) => k.with_tie_order(order),
                None => Ok(k),
            })
            .and_then(|k| k.with_constraints(constraints));
        match built {
            Ok(k) => contests.push(k),
            Err(e) => c.fault(
                9,
                ELECTION_FILE,
                at.contest(k),
                format!("contest {}: {e}", cm.id),
            ),
        }
    }
    if c.faults[8].len() > before {
        return None;
    }
    match Election::new(&meta.id, &meta.title, contests) {
        Ok(e) => Some(e),
        Err(e) => {
            c.fault(9, ELECTION_FILE, None, e.to_string());
            None
        }
    }
}

/// The papers of a ballots file, each line's ids looked up in `ids`.
///
/// Each distinct line is read once: the lines are sorted, so a ranking's
/// papers are one run of equal lines, pushed with their count.
fn read_papers(
    c: &mut Checker<'_>,
    path: &str,
    bytes: &[u8],
    ids: &HashMap<&str, usize>,
    off_ballot: &HashMap<&str, Status>,
    candidates: usize,
) -> Option<ballot::Ballots> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        c.not_run(9, format!("{path} is not UTF-8 (check 2)"));
        return None;
    };
    let mut builder = BallotsBuilder::new(candidates);
    let mut ok = true;
    let mut shown = 0;
    // Per candidate, the last line (from 1) that ranked them: a repeated
    // candidate without a set per paper.
    let mut ranked_on = vec![0usize; candidates];
    let mut ranking: Vec<CandidateId> = Vec::new();
    // The current run: its line, its papers, and whether it is a paper.
    let mut run: Option<(&str, u64, bool)> = None;
    let flush = |builder: &mut BallotsBuilder, ranking: &[CandidateId], count: u64| {
        builder.push(ranking, count).is_ok()
    };
    // Not `str::lines`, which would take "\r\n" for a line end.
    let body = text.strip_suffix('\n').unwrap_or(text);
    let lines = body.split('\n').filter(|_| !text.is_empty());
    for (i, line) in lines.enumerate() {
        if let Some((same, n, _)) = &mut run
            && *same == line
        {
            *n += 1;
            continue;
        }
        if let Some((_, n, true)) = run
            && !flush(&mut builder, &ranking, n)
        {
            ok = false;
        }
        let Ok(papers) = layout::paper_ids(line) else {
            ok = false;
            run = Some((line, 1, false));
            continue;
        };
        ranking.clear();
        let mut paper = true;
        for id in &papers {
            let problem = match ids.get(id) {
                None => Some(not_on_ballot(id, off_ballot)),
                Some(&k) if ranked_on[k] == i + 1 => Some(format!("{id:?} is ranked twice")),
                Some(&k) => {
                    ranked_on[k] = i + 1;
                    ranking.extend(CandidateId::new(k));
                    None
                }
            };
            if let Some(p) = problem {
                paper = false;
                if shown < FAULTS_PER_FILE {
                    shown += 1;
                    c.fault(9, path, Some(i as u64 + 1), p);
                }
                break;
            }
        }
        ok &= paper;
        run = Some((line, 1, paper));
    }
    if let Some((_, n, true)) = run
        && !flush(&mut builder, &ranking, n)
    {
        ok = false;
    }
    if !ok {
        if shown == 0 {
            c.not_run(9, format!("{path} has lines that are not papers (check 2)"));
        }
        return None;
    }
    Some(builder.build())
}

/// What [`read_canonical_papers`] found: check 9's faults and reason not
/// to run, held until the file proved canonical, and the papers.
struct Papers {
    faults: Vec<Fault>,
    not_run: Option<String>,
    ballots: Option<ballot::Ballots>,
}

impl Papers {
    fn apply(self, c: &mut Checker<'_>) -> Option<ballot::Ballots> {
        c.faults[8].extend(self.faults);
        if let Some(why) = self.not_run {
            c.not_run(9, why);
        }
        self.ballots
    }
}

/// Why a paper's id is no candidate on the contest's ballot.
fn not_on_ballot(id: &str, off_ballot: &HashMap<&str, Status>) -> String {
    match off_ballot.get(id) {
        Some(status) => format!(
            "{id:?} is {} in {ELECTION_FILE}, so on no ballot paper",
            status.as_str()
        ),
        None => format!("{id:?} is not a candidate of this contest in {ELECTION_FILE}"),
    }
}

/// [`read_papers`] for a file that check 2 passes, or `None` as soon as
/// it finds the file does not (then [`read_papers`] reads it). Each line
/// is judged and split in one pass, the store is sized for the file before
/// the first paper, and the ids of the prefix a line shares with the line
/// before are taken from it.
///
/// The same papers, faults and order as [`read_papers`]: only how the
/// lines are split and the ids looked up differs.
fn read_canonical_papers(
    path: &str,
    bytes: &[u8],
    ids: &HashMap<&str, usize>,
    off_ballot: &HashMap<&str, Status>,
    candidates: usize,
) -> Option<Papers> {
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        return None;
    }
    // Papers and preferences, at most: one a line, and one a comma more.
    let (lines, commas) = (scan::count(b'\n', bytes), scan::count(b',', bytes));
    let mut out = Papers {
        faults: Vec::new(),
        not_run: None,
        ballots: None,
    };
    let lookup = scan::IdTable::new(ids);
    // Lines in strictly increasing order (else this gives up) whose ids
    // each name one candidate are distinct rankings: nothing to merge.
    let mut builder = BallotsBuilder::distinct(candidates);
    builder.reserve(lines, lines + commas);
    let mut ok = true;
    let mut shown = 0;
    let mut ranked_on = vec![0usize; candidates];
    let mut ranking: Vec<CandidateId> = Vec::new();
    // The ids found on the line before: where each ends (at its comma or
    // the line's end) and its candidate. Sorted lines share long prefixes,
    // and an id that ends inside the prefix two lines share is the same
    // id, already found (and distinct from those before it).
    let mut found: Vec<(usize, usize)> = Vec::new();
    // The current run: its line with its LF, its papers, and whether it is
    // a paper. Lines are found as they are read: `at` is where line `i`
    // (from 0) starts.
    let mut run: Option<(&[u8], u64, bool)> = None;
    let (mut at, mut i) = (0, 0);
    while at < bytes.len() {
        let rest = &bytes[at..];
        let shared = match &mut run {
            Some((same, n, _)) => {
                // No line holds an LF before its end, so a prefix as long
                // as the line before and its LF is that line again.
                let shared = scan::shared_prefix(same, rest);
                if shared == same.len() {
                    *n += 1;
                    at += shared;
                    i += 1;
                    continue;
                }
                // Sorted: the first byte that differs is smaller in the
                // line before (its LF, when it is a prefix of this one, is
                // smaller than any byte of a paper).
                if rest.get(shared) < same.get(shared) {
                    return None;
                }
                shared
            }
            None => 0,
        };
        if let Some((_, n, true)) = run
            && builder.push(&ranking, n).is_err()
        {
            ok = false;
        }
        found.truncate(found.partition_point(|&(end, _)| end < shared));
        ranking.clear();
        for &(_, k) in &found {
            ranked_on[k] = i + 1;
            ranking.extend(CandidateId::new(k));
        }
        let mut paper = true;
        let mut start = found.last().map_or(0, |&(end, _)| end + 1);
        let line_end;
        if rest.starts_with(b"-\n") {
            // The blank paper: no ids (and it sorts first anyway).
            found.clear();
            ranking.clear();
            line_end = layout::BLANK_PAPER.len();
        } else {
            loop {
                let (end, valid, key) = scan::next_id(rest, start);
                if !valid {
                    return None;
                }
                let id = &rest[start..end];
                // Once the paper failed, the rest of the line is only judged.
                let problem = match lookup.get_keyed(id, key) {
                    _ if !paper => None,
                    None => Some(not_on_ballot(&String::from_utf8_lossy(id), off_ballot)),
                    Some(k) if ranked_on[k] == i + 1 => {
                        Some(format!("{:?} is ranked twice", String::from_utf8_lossy(id)))
                    }
                    Some(k) => {
                        ranked_on[k] = i + 1;
                        ranking.extend(CandidateId::new(k));
                        found.push((end, k));
                        None
                    }
                };
                if let Some(p) = problem {
                    paper = false;
                    if shown < FAULTS_PER_FILE {
                        shown += 1;
                        out.faults.push(Fault {
                            file: path.to_owned(),
                            line: Some(i as u64 + 1),
                            message: p,
                        });
                    }
                }
                match rest.get(end) {
                    Some(b'\n') => {
                        line_end = end;
                        break;
                    }
                    Some(_) => start = end + 1,
                    None => return None,
                }
            }
        }
        ok &= paper;
        run = Some((&rest[..=line_end], 1, paper));
        at += line_end + 1;
        i += 1;
    }
    if let Some((_, n, true)) = run
        && builder.push(&ranking, n).is_err()
    {
        ok = false;
    }
    if !ok {
        if shown == 0 {
            out.not_run = Some(format!("{path} has lines that are not papers (check 2)"));
        }
        return Some(out);
    }
    out.ballots = Some(builder.build());
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn checker() -> Checker<'static> {
        Checker {
            files: BTreeMap::new(),
            faults: Default::default(),
            not_run: Default::default(),
            not_applicable: Default::default(),
            canonical: BTreeSet::new(),
        }
    }

    fn line() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            4 => prop::collection::vec(prop::sample::select(b"12ab,-._".to_vec()), 0..8),
            1 => prop::collection::vec(prop::sample::select(b"1a,\r\t \x01\x7f\xff\xef\xbb\xbf".to_vec()), 0..6),
            1 => Just(b"-".to_vec()),
            1 => Just(vec![b'a'; 65]),
            1 => Just(vec![b'a'; 64]),
        ]
    }

    fn text(lines: &[Vec<u8>], final_lf: bool) -> Vec<u8> {
        let mut bytes = lines.join(&b'\n');
        if final_lf && !lines.is_empty() {
            bytes.push(b'\n');
        }
        bytes
    }

    /// What check 9 made of a file: its faults, why it did not run, the papers.
    fn papers_of(
        bytes: &[u8],
        ids: &HashMap<&str, usize>,
        candidates: usize,
        fast: bool,
    ) -> Option<(Vec<Fault>, Option<String>, Option<ballot::Ballots>)> {
        let mut c = checker();
        let ballots = if fast {
            read_canonical_papers("ballots/x.csv", bytes, ids, &HashMap::new(), candidates)?
                .apply(&mut c)
        } else {
            read_papers(
                &mut c,
                "ballots/x.csv",
                bytes,
                ids,
                &HashMap::new(),
                candidates,
            )
        };
        Some((
            std::mem::take(&mut c.faults[8]),
            c.not_run[8].take(),
            ballots,
        ))
    }

    proptest! {
        #[test]
        fn the_fast_verdict_is_check_2s(
            mut lines in prop::collection::vec(line(), 0..12),
            sort in any::<bool>(),
            final_lf in any::<bool>(),
        ) {
            if sort {
                lines.sort();
            }
            let bytes = text(&lines, final_lf);
            let mut c = checker();
            check_ballots_text(&mut c, "ballots/x.csv", &bytes);
            prop_assert_eq!(scan::canonical_ballots(&bytes), c.faults[1].is_empty());
        }

        #[test]
        fn the_fast_read_takes_only_canonical_files(
            mut lines in prop::collection::vec(line(), 0..12),
            sort in any::<bool>(),
            final_lf in any::<bool>(),
        ) {
            if sort {
                lines.sort();
            }
            let bytes = text(&lines, final_lf);
            let ids: HashMap<&str, usize> = [("1", 0), ("2", 1), ("a", 2), ("b", 3)].into_iter().collect();
            let fast = papers_of(&bytes, &ids, 4, true);
            prop_assert_eq!(fast.is_some(), scan::canonical_ballots(&bytes));
            if fast.is_some() {
                prop_assert_eq!(fast, papers_of(&bytes, &ids, 4, false));
            }
        }

        #[test]
        fn canonical_papers_are_read_as_read_papers_reads_them(
            mut lines in prop::collection::vec(
                prop_oneof![
                    6 => prop::collection::vec(prop::sample::select(vec!["a", "b", "c", "d", "x", "ab"]), 1..6)
                        .prop_map(|ids| ids.join(",")),
                    1 => Just("-".to_owned()),
                ],
                0..30,
            ),
            twice in any::<bool>(),
            many in 0usize..25,
        ) {
            // Enough lines naming "x" (no candidate) to pass the fault limit.
            lines.extend((0..many).map(|i| format!("x,{i}")));
            lines.sort();
            let bytes: Vec<u8> = lines.iter().flat_map(|l| format!("{l}\n").into_bytes()).collect();
            prop_assert!(scan::canonical_ballots(&bytes), "{:?}", lines);
            // "d" is a second name of candidate 0 when `twice`.
            let mut ids: HashMap<&str, usize> = [("a", 0), ("b", 1), ("c", 2), ("ab", 3)].into_iter().collect();
            if twice {
                ids.insert("d", 0);
            }
            prop_assert_eq!(
                papers_of(&bytes, &ids, 4, true),
                papers_of(&bytes, &ids, 4, false)
            );
        }
    }
}
