//! Hart InterCivic Verity cast-vote-record exports: one XML document a
//! paper (a sheet), delivered as a directory of `*.xml` files or a zip
//! archive of them, read into one contest of the election per contest the
//! papers name. This module owns which elements are read and what each
//! mark means; how irregular papers become rankings is [`crate::policy`]'s.
//! It does no I/O: the caller gives each file's name and bytes (the
//! `recount` binary reads a directory's `*.xml` files), or a zip
//! archive's bytes ([`read_zip_contest`]).
//!
//! # Grammar
//!
//! Only the elements below are read, by their local names (the namespace,
//! [`NAMESPACE`] in Hart's exports, is not checked); every other one
//! (`BatchSequence`, `SheetNumber`, `BatchNumber`, `CvrGuid`,
//! `PrecinctSplit`, `Party`, a contest's `Undervotes`, `Overvoted` and
//! `InvalidStraightPartyVote`, a write-in's `ImageId` and `Text`…) and
//! every attribute is passed over.
//!
//! ```text
//! document  = [bom] [xml-decl] <Cvr> … contests? … </Cvr>
//! contests  = <Contests> contest* </Contests>            ; at most one
//! contest   = <Contest> <Id>text</Id> <Name>text</Name>? options? … </Contest>
//! options   = <Options> option* </Options>               ; at most one; <Options/>: no marks
//! option    = <Option> <Id>text</Id> <Name>text</Name>? <Value>digits</Value>
//!                      <WriteInData>…</WriteInData>? … </Option>
//! digits    = ("0" | "1"){1,1024}                         ; one a rank, rank 1 first
//! ```
//!
//! Each element read appears at most once in its parent (two `Id`s of one
//! option are an error); the text of `Id`, `Name` and `Value` is trimmed of
//! XML white space, and entities are the five predefined ones and
//! character references (a `DOCTYPE`'s own entities are not expanded).
//!
//! **Papers.** The files are read in the byte order of their names (the
//! library sorts them, so that a count does not depend on the order a
//! directory lists them), each one paper of every contest it has a
//! `Contest` for: a file without a contest is not a paper of it (a ballot
//! of several sheets is several files, each with its own contests), one
//! whose `Contest` has no options, or only options of no mark, is a blank
//! paper. A contest twice in one file is an error. [`is_cvr_file`] says
//! which names of a directory or archive are papers (`*.xml`, not Hart's
//! `*.sig.xml` signatures, nor hidden files such as macOS's `._*`).
//!
//! **Contests** are identified by their `Id`, in the order the files first
//! name them; the title is the `Name` the first file gives it (Hart's
//! exports spell a contest's name differently on some papers, so names
//! are not compared). [`crate::read_contest`] keeps one, by `Id` or else
//! by title: the others' options are then not read. **Seats** are not
//! recorded in the export: [`ReadOptions::seats`] (`--seats`) is required.
//!
//! **Candidates.** The export has no list of a contest's candidates: they
//! are the options its papers list, identified by their `Id` and named by
//! their `Name`, in the order of their first appearance (file by file,
//! option by option). One `Id` must have one name on every paper, and one
//! name one `Id` in a contest. An option with `WriteInData` is a write-in
//! line: every write-in line of a contest is the one write-in candidate,
//! [`crate::cdf::WRITE_IN`], listed last and marked as the undeclared
//! write-ins (pooled, as RCTab pools them). An option with neither a
//! `Name` nor `WriteInData` is an error. A candidate no paper lists is not
//! known to the export, so is not a candidate; a contest no paper lists an
//! option for has none, and is passed over when every contest is read (an
//! error when it is the one asked for).
//!
//! **Marks.** An option's `Value` has a digit per rank: `1` at position k
//! marks the option at rank k, `0` leaves it unmarked (`0100`: rank 2;
//! `0000`: no mark; `0101`: ranks 2 and 4, the option ranked twice). Any
//! other character is an error. A paper's ranks 1 up to its highest marked
//! rank then become its [`Slot`]s: a rank with one option marked is that
//! candidate; a rank with two or more marked is an overvote naming their
//! candidates ([`Slot::Overvote`], `--overvotes` decides, as for CDF and
//! Dominion) — but two write-in lines at one rank are an overvote naming
//! nobody, since who was written in is not known (so
//! `--overvotes end-if-several-continuing` refuses it); a rank with none
//! marked is skipped; one candidate at two ranks is
//! a repeat. Each paper goes through the [`crate::ImportPolicy`] (by
//! default refusing any irregularity, naming the paper and the option to
//! set), which is recorded in the contest.
//!
//! **Errors** are [`ErrorKind::Element`]s naming the file, the element's
//! path (`Cvr/Contests/Contest[2]/Options/Option[1]/Value`, each `Contest`
//! and `Option` numbered from 1), its line and column, and the file's
//! number (from 1, in name order) as the ballot; an archive that does not
//! open names no file. Every bad file is reported, up to
//! [`Error::MAX_REPORTED`].
//!
//! **Memory.** The files are the caller's; each is parsed into a tree of
//! its elements (a paper's file is a few kilobytes), read and dropped, once
//! to learn the contests and candidates and once more for the marks. A zip
//! archive's files are inflated into memory, each at most [`MAX_FILE`].

use std::collections::{HashMap, HashSet};
use std::io::Read;

use quick_xml::events::Event;

use crate::cdf::{Lines, MAX_RANK, WRITE_IN, read_contest_of};
use crate::error::describe_found;
use crate::model::{CandidateId, Election};
use crate::policy::{Irregularities, Normalizer, Slot};
use crate::preflib::policy_expected;
use crate::store::BallotsBuilder;
use crate::{Error, ErrorKind, Format, Position, ReadOptions};

const FORMAT: Format = Format::Hart;

/// The namespace of Hart's CVR documents (recognised by
/// [`Format::detect`], not required by the reader).
pub const NAMESPACE: &str = "http://tempuri.org/CVRDesign.xsd";

/// The largest file of a zip archive read, inflated: a paper's document
/// is a few kilobytes, so a larger one is not a paper (and an archive
/// cannot inflate without bound).
pub const MAX_FILE: u64 = 16 << 20;

/// The deepest nesting of elements read (Hart's is 6).
const MAX_DEPTH: usize = 64;

/// Whether a file of an export's directory or archive, by its name (a path
/// in an archive), is a paper: a `.xml` name (any case) that is not a
/// signature (`.sig.xml`) nor hidden (a base name starting with `.`, as
/// macOS's `._*` companions do), outside a `__MACOSX/` folder.
pub fn is_cvr_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let base = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    lower.ends_with(".xml")
        && !lower.ends_with(".sig.xml")
        && !base.starts_with('.')
        && !lower.split(['/', '\\']).any(|part| part == "__macosx")
}

/// Whether `head`, the start of an XML document, is a Hart paper: a `<Cvr`
/// element and Hart's namespace in its first 4 KiB.
pub(crate) fn looks_like_paper(head: &[u8]) -> bool {
    let head = &head[..head.len().min(4096)];
    memchr::memmem::find(head, b"<Cvr").is_some()
        && memchr::memmem::find(head, NAMESPACE.as_bytes()).is_some()
}

/// Reads every contest of an export's files (see the module documentation).
pub fn read(files: &[(&str, &[u8])], opts: &ReadOptions) -> Result<Election, Error> {
    read_contest(files, opts, None)
}

/// Reads `input` as a zip archive of an export's files when it is one (it
/// starts `PK`), else as the document of one paper; one contest when
/// `contest` names it.
pub fn read_bytes_contest(
    input: &[u8],
    opts: &ReadOptions,
    contest: Option<&str>,
) -> Result<Election, Error> {
    if input.starts_with(b"PK") {
        read_zip_contest(input, opts, contest)
    } else {
        read_contest(&[("", input)], opts, contest)
    }
}

/// Reads a zip archive of an export: its files that [`is_cvr_file`] takes
/// (in any folder), one contest when `contest` names it.
pub fn read_zip_contest(
    archive: &[u8],
    opts: &ReadOptions,
    contest: Option<&str>,
) -> Result<Election, Error> {
    let files = unzip(archive)?;
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    read_contest(&refs, opts, contest)
}

/// The files of a zip archive that are papers, inflated.
fn unzip(archive: &[u8]) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let whole = |expected: &str, found: String| {
        Error::new(ErrorKind::Element {
            format: FORMAT,
            file: String::new(),
            path: String::new(),
            pos: Position::at(1, 1),
            expected: expected.to_owned(),
            found,
        })
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(archive))
        .map_err(|e| whole("a zip archive of Hart CVR files", e.to_string()))?;
    let mut files = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| whole("a zip archive of Hart CVR files", e.to_string()))?;
        let name = entry.name().to_owned();
        if entry.is_dir() || !is_cvr_file(&name) {
            continue;
        }
        let in_file = |expected: String, found: String| {
            Error::new(ErrorKind::Element {
                format: FORMAT,
                file: name.clone(),
                path: String::new(),
                pos: Position::at(1, 1),
                expected,
                found,
            })
        };
        let mut bytes = Vec::new();
        (&mut entry)
            .take(MAX_FILE + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| in_file("a file the archive inflates".into(), e.to_string()))?;
        if bytes.len() as u64 > MAX_FILE {
            return Err(in_file(
                format!("a paper's document of at most {MAX_FILE} bytes"),
                "more".into(),
            ));
        }
        files.push((name, bytes));
    }
    Ok(files)
}

/// Reads one contest of an export's files, by `Id` or else by title (every
/// one when `contest` is none): the others' options are not read. The
/// files are read in the byte order of their names, whatever order they
/// are given in.
pub fn read_contest(
    files: &[(&str, &[u8])],
    opts: &ReadOptions,
    contest: Option<&str>,
) -> Result<Election, Error> {
    if let Some(filter) = &opts.rows {
        return Err(Error::new(ErrorKind::RowsNotRecorded {
            format: FORMAT,
            filter: filter.to_string(),
        }));
    }
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by(|&a, &b| files[a].0.cmp(files[b].0));
    for w in order.windows(2) {
        if files[w[0]].0 == files[w[1]].0 {
            let (name, bytes) = files[w[1]];
            return Err(element_error(
                name,
                bytes,
                0,
                String::new(),
                None,
                ("each file once".into(), "its name twice".into()),
            ));
        }
    }
    if files.is_empty() {
        return Err(element_error(
            "",
            b"",
            0,
            String::new(),
            None,
            (
                "a Hart CVR export: an XML file a paper".into(),
                "no files".into(),
            ),
        ));
    }

    // First pass: the contests and their candidates.
    let mut plans: Vec<Plan> = Vec::new();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    // Each error with its file's place, so that those of the contests
    // read are reported in file order with the others.
    let mut errors: Vec<(usize, Error)> = Vec::new();
    for (k, &f) in order.iter().enumerate() {
        if errors.len() >= Error::MAX_REPORTED {
            break;
        }
        let (name, bytes) = files[f];
        let ballot = k as u64 + 1;
        let fail = |w: Wrong| element_error(name, bytes, w.0, w.1, Some(ballot), (w.2, w.3));
        let doc = match Doc::parse(bytes) {
            Ok(d) => d,
            Err(w) => {
                errors.push((k, fail(w)));
                continue;
            }
        };
        let contests = match doc.contests() {
            Ok(c) => c,
            Err(w) => {
                errors.push((k, fail(w)));
                continue;
            }
        };
        for c in &contests {
            let p = *by_id.entry(c.id.to_owned()).or_insert_with(|| {
                plans.push(Plan::new(c, k, opts));
                plans.len() - 1
            });
            let plan = &mut plans[p];
            let again = plan.last_file.replace(k) == Some(k);
            if plan.errors.len() >= Error::MAX_REPORTED {
                continue;
            }
            if again {
                plan.errors.push((
                    k,
                    fail((
                        doc.nodes[c.id_node].at,
                        c.path(&["Id"]),
                        "each contest once in a paper".into(),
                        format!("{} again", describe_found(c.id)),
                    )),
                ));
                continue;
            }
            if let Err(w) = plan.survey(&doc, c, name) {
                plan.errors.push((k, fail(w)));
            }
        }
    }

    // Which contests are read.
    let wanted = match contest {
        None => None,
        Some(w) => match plans
            .iter()
            .position(|p| p.id == w)
            .or_else(|| plans.iter().position(|p| p.title == w))
        {
            Some(i) => Some(i),
            // A file that does not parse may hold it.
            None if !errors.is_empty() => None,
            None => {
                return Err(Error::new(ErrorKind::NoSuchContest {
                    format: FORMAT,
                    wanted: w.to_owned(),
                    have: plans
                        .iter()
                        .map(|p| {
                            if p.title == p.id {
                                p.id.clone()
                            } else {
                                format!("{} ({})", p.id, p.title)
                            }
                        })
                        .collect(),
                }));
            }
        },
    };
    let reads = |i: usize, p: &Plan| match wanted {
        Some(w) => w == i,
        // A contest of no option is passed over, unless its options are
        // wrong.
        None => !p.names.is_empty() || p.write_in || !p.errors.is_empty(),
    };
    for (i, p) in plans.iter_mut().enumerate() {
        if reads(i, p) {
            errors.append(&mut p.errors);
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.0);
        return Err(Error::join(errors.into_iter().map(|e| e.1).collect()));
    }
    let mut errors: Vec<Error> = Vec::new();
    let reading: Vec<bool> = plans.iter().enumerate().map(|(i, p)| reads(i, p)).collect();
    if let Some(w) = wanted
        && plans[w].names.is_empty()
        && !plans[w].write_in
    {
        let p = &plans[w];
        let (name, bytes) = files[order[p.first.0]];
        return Err(element_error(
            name,
            bytes,
            p.first.1,
            p.first.2.clone(),
            Some(p.first.0 as u64 + 1),
            (
                "an Option in some paper of the contest (the export names a contest's candidates only on the papers that list them)".into(),
                "none".into(),
            ),
        ));
    }
    if !reading.contains(&true) {
        let (name, bytes) = files[order[0]];
        return Err(element_error(
            name,
            bytes,
            0,
            String::new(),
            Some(1),
            (
                "a Contest with an Option in some file".into(),
                "none".into(),
            ),
        ));
    }
    for (p, r) in plans.iter_mut().zip(&reading) {
        if *r {
            p.settle()?;
        }
    }

    // Second pass: the marks, one paper at a time.
    let mut marks: Vec<(u64, CandidateId, (usize, usize))> = Vec::new();
    let mut tied: Vec<CandidateId> = Vec::new();
    for (k, &f) in order.iter().enumerate() {
        if errors.len() >= Error::MAX_REPORTED {
            break;
        }
        let (name, bytes) = files[f];
        let ballot = k as u64 + 1;
        let fail = |w: Wrong| element_error(name, bytes, w.0, w.1, Some(ballot), (w.2, w.3));
        // The first pass parsed every file.
        let Ok(doc) = Doc::parse(bytes) else { continue };
        let Ok(contests) = doc.contests() else {
            continue;
        };
        for c in &contests {
            let Some(&p) = by_id.get(c.id) else { continue };
            if !reading[p] {
                continue;
            }
            let plan = &mut plans[p];
            if let Err(w) = plan.marks(&doc, c, &mut marks) {
                errors.push(fail(w));
                continue;
            }
            push_marks(&mut plan.norm, &marks, &mut tied);
            let ranking = match plan.norm.finish(1, &mut plan.seen) {
                Ok(r) => r,
                Err((refused, (r, at))) => {
                    let (byte, path) = match at {
                        Some((j, byte)) => {
                            (byte, c.path(&[format!("Options/Option[{j}]").as_str()]))
                        }
                        None => (doc.nodes[c.node].at, c.path(&[])),
                    };
                    errors.push(fail((
                        byte,
                        path,
                        policy_expected(&refused),
                        format!("{} at rank {r}", refused.irregularity),
                    )));
                    continue;
                }
            };
            if let Err((expected, found)) = crate::cdf::push_paper(&mut plan.builder, ranking) {
                errors.push(fail((doc.nodes[c.node].at, c.path(&[]), expected, found)));
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    let mut out = Vec::new();
    for (plan, r) in plans.into_iter().zip(reading) {
        if !r {
            continue;
        }
        out.push(read_contest_of(
            FORMAT,
            opts,
            (plan.id, plan.title, None),
            plan.candidates,
            plan.builder,
            plan.seen,
        )?);
    }
    Election::new(opts.id.clone(), opts.id.clone(), out)
}

/// A paper's marks of one contest, sorted by rank and candidate, as its
/// slots from rank 1 to the highest marked: no mark at a rank is a skipped
/// rank, one is that candidate, several an overvote naming their
/// candidates (as the CDF and Dominion readers give it), unless one
/// candidate is marked twice there (two write-in lines pooled as one
/// candidate: who was written is not known), an overvote naming nobody.
/// Each slot is placed at its
/// rank and its first mark's `P`. Shared with the Clear Ballot reader,
/// whose marks have the same meaning.
pub(crate) fn push_marks<P: Copy>(
    norm: &mut Normalizer<(u64, Option<P>)>,
    marks: &[(u64, CandidateId, P)],
    tied: &mut Vec<CandidateId>,
) {
    norm.start();
    let top = marks.last().map_or(0, |m| m.0);
    let mut m = 0;
    for r in 1..=top {
        let first = m;
        while m < marks.len() && marks[m].0 == r {
            m += 1;
        }
        let here = &marks[first..m];
        let at = (r, here.first().map(|x| x.2));
        match here {
            [] => norm.push(Slot::Skipped, at),
            [one] => norm.push(Slot::One(one.1), at),
            _ if here.windows(2).any(|w| w[0].1 == w[1].1) => norm.push(Slot::Overvote(&[]), at),
            _ => {
                tied.clear();
                tied.extend(here.iter().map(|x| x.1));
                norm.push(Slot::Overvote(tied), at);
            }
        }
    }
}

/// What is wrong and where: the byte in the file, the element's path, what
/// was wanted, what was found.
type Wrong = (usize, String, String, String);

/// An [`ErrorKind::Element`] at byte `at` of `bytes`, the file `name`.
fn element_error(
    name: &str,
    bytes: &[u8],
    at: usize,
    path: String,
    ballot: Option<u64>,
    (expected, found): (String, String),
) -> Error {
    let mut pos = Lines::default().position(bytes, at);
    pos.ballot = ballot;
    Error::new(ErrorKind::Element {
        format: FORMAT,
        file: name.to_owned(),
        path,
        pos,
        expected,
        found,
    })
}

/// A contest being read.
struct Plan {
    id: String,
    title: String,
    /// Where the contest is first named: the file's place in name order,
    /// the byte and path of its `Contest` element.
    first: (usize, usize, String),
    /// The named candidates, in order of first appearance, and as a set.
    names: Vec<String>,
    name_set: HashSet<String>,
    /// The place of the last file naming the contest.
    last_file: Option<usize>,
    /// Each option `Id`: its name (none for a write-in line) and the
    /// first file naming it.
    options: HashMap<String, (Option<String>, String)>,
    /// Whether a paper lists a write-in line.
    write_in: bool,
    /// Each option `Id`'s candidate, once the candidates are known.
    by_option: HashMap<String, CandidateId>,
    candidates: Vec<String>,
    builder: BallotsBuilder,
    norm: Normalizer<(u64, Option<(usize, usize)>)>,
    seen: Irregularities,
    /// What the first pass found wrong in this contest's options, with the
    /// file's place, reported when it is read.
    errors: Vec<(usize, Error)>,
}

impl Plan {
    fn new(c: &ContestEl<'_>, file: usize, opts: &ReadOptions) -> Plan {
        Plan {
            id: c.id.to_owned(),
            title: c.name.unwrap_or(c.id).to_owned(),
            first: (file, c.at, c.path(&[])),
            names: Vec::new(),
            name_set: HashSet::new(),
            last_file: None,
            options: HashMap::new(),
            write_in: false,
            by_option: HashMap::new(),
            candidates: Vec::new(),
            builder: BallotsBuilder::new(0),
            norm: Normalizer::new(opts.policy),
            seen: Irregularities::default(),
            errors: Vec::new(),
        }
    }

    /// Learns the candidates of one paper's `Contest`.
    fn survey(&mut self, doc: &Doc<'_>, c: &ContestEl<'_>, file: &str) -> Result<(), Wrong> {
        let options = doc.options(c)?;
        let mut ids: HashSet<&str> = HashSet::new();
        for o in &options {
            if !ids.insert(o.id) {
                return Err((
                    doc.nodes[o.id_node].at,
                    o.path(c, "Id"),
                    "each option Id once in a contest".into(),
                    format!("{} again", describe_found(o.id)),
                ));
            }
            let name = if o.write_in {
                None
            } else {
                match o.name {
                    Some(n) => Some(n),
                    None => {
                        return Err((
                            doc.nodes[o.node].at,
                            o.path(c, ""),
                            "an option's Name, or its WriteInData for a write-in line".into(),
                            "neither".into(),
                        ));
                    }
                }
            };
            let name_at = o
                .name_node
                .map_or(doc.nodes[o.node].at, |n| doc.nodes[n].at);
            match self.options.get(o.id) {
                Some((known, first)) => {
                    if known.as_deref() != name {
                        let said = |n: Option<&str>| {
                            n.map_or("a write-in line".to_owned(), |n| {
                                format!("the Name {}", describe_found(n))
                            })
                        };
                        return Err((
                            name_at,
                            o.path(c, if o.name_node.is_some() { "Name" } else { "" }),
                            format!(
                                "{} that option Id {} has in {first}",
                                said(known.as_deref()),
                                describe_found(o.id)
                            ),
                            said(name),
                        ));
                    }
                }
                None => {
                    match name {
                        None => self.write_in = true,
                        Some(n) => {
                            if !self.name_set.insert(n.to_owned()) {
                                return Err((
                                    name_at,
                                    o.path(c, "Name"),
                                    "one option Id a candidate's name in a contest".into(),
                                    format!("{} under another Id", describe_found(n)),
                                ));
                            }
                            self.names.push(n.to_owned());
                        }
                    }
                    let first = if file.is_empty() {
                        "the document"
                    } else {
                        file
                    };
                    self.options
                        .insert(o.id.to_owned(), (name.map(str::to_owned), first.to_owned()));
                }
            }
        }
        Ok(())
    }

    /// The candidates, once every paper is surveyed: the named ones in
    /// order, then the write-in pool.
    fn settle(&mut self) -> Result<(), Error> {
        let mut candidates = self.names.clone();
        if self.write_in {
            candidates.push(WRITE_IN.to_owned());
        }
        if candidates.len() > CandidateId::MAX_CANDIDATES {
            return Err(Error::new(ErrorKind::Model(format!(
                "more than {} candidates",
                CandidateId::MAX_CANDIDATES
            ))));
        }
        let index: HashMap<&str, usize> = self
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        for (id, (name, _)) in &self.options {
            let i = match name {
                Some(n) => index.get(n.as_str()).copied().unwrap_or(0),
                None => self.names.len(),
            };
            if let Some(c) = CandidateId::new(i) {
                self.by_option.insert(id.clone(), c);
            }
        }
        self.builder = BallotsBuilder::new(candidates.len());
        self.candidates = candidates;
        Ok(())
    }

    /// One paper's marks of the contest into `marks` as (rank, candidate,
    /// (option number from 1, byte of the option)), sorted by rank and
    /// candidate.
    fn marks(
        &self,
        doc: &Doc<'_>,
        c: &ContestEl<'_>,
        marks: &mut Vec<(u64, CandidateId, (usize, usize))>,
    ) -> Result<(), Wrong> {
        marks.clear();
        for o in doc.options(c)? {
            let at = doc.nodes[o.node].at;
            let Some(&candidate) = self.by_option.get(o.id) else {
                // The first pass learnt every option of the contest.
                continue;
            };
            let Some(v) = o.value else {
                return Err((at, o.path(c, ""), "a Value".into(), "none".into()));
            };
            let value = doc.text(v);
            let bad = |found: String| {
                Err((
                    doc.text_at(v),
                    o.path(c, "Value"),
                    format!("a string of 0s and 1s, one a rank, 1 to {MAX_RANK} long"),
                    found,
                ))
            };
            if value.is_empty() || value.len() as u64 > MAX_RANK {
                return bad(if value.is_empty() {
                    "nothing".into()
                } else {
                    format!("{} characters", value.chars().count())
                });
            }
            for (r, b) in value.bytes().enumerate() {
                match b {
                    b'1' => marks.push((r as u64 + 1, candidate, (o.index, at))),
                    b'0' => {}
                    _ => return bad(describe_found(value)),
                }
            }
        }
        marks.sort_unstable_by_key(|m| (m.0, m.1));
        Ok(())
    }
}

/// An XML document as a tree of its elements.
struct Doc<'a> {
    /// Every element, the root first; each child after its parent.
    nodes: Vec<Node<'a>>,
}

struct Node<'a> {
    /// The local name.
    name: &'a str,
    /// The byte of its `<`.
    at: usize,
    children: Vec<usize>,
    /// Its character data, entities resolved (white space kept).
    text: String,
    /// The byte of the first character of its text that is not white space.
    text_at: Option<usize>,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

impl<'a> Doc<'a> {
    /// Parses a whole document, or says where it stops being XML.
    fn parse(bytes: &'a [u8]) -> Result<Doc<'a>, Wrong> {
        let skip = if bytes.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let text = std::str::from_utf8(&bytes[skip..]).map_err(|e| {
            let at = skip + e.valid_up_to();
            (
                at,
                String::new(),
                "UTF-8 text".to_string(),
                format!("the byte 0x{:02X}", bytes[at]),
            )
        })?;
        let wrong = |at: usize, expected: &str, found: String| {
            (skip + at, String::new(), expected.to_owned(), found)
        };
        let mut reader = quick_xml::Reader::from_reader(text.as_bytes());
        let mut nodes: Vec<Node<'a>> = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        let str_of = |b: &[u8]| -> &'a str {
            // A slice reader's events borrow the input, cut at ASCII
            // delimiters: the same bytes, as the input's text.
            let base = text.as_ptr() as usize;
            let start = (b.as_ptr() as usize).wrapping_sub(base);
            match start.checked_add(b.len()) {
                Some(end) if b.as_ptr() as usize >= base && end <= text.len() => {
                    text.get(start..end).unwrap_or("")
                }
                _ => "",
            }
        };
        loop {
            let before = reader.buffer_position() as usize;
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    return Err(wrong(
                        reader.error_position() as usize,
                        "well-formed XML",
                        e.to_string(),
                    ));
                }
            };
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    if open.is_empty() && !nodes.is_empty() {
                        return Err(wrong(before, "one root element", "another".into()));
                    }
                    if open.len() >= MAX_DEPTH {
                        return Err(wrong(
                            before,
                            &format!("elements nested at most {MAX_DEPTH} deep"),
                            "deeper".into(),
                        ));
                    }
                    let local = e.local_name();
                    let name = str_of(local.into_inner());
                    let i = nodes.len();
                    nodes.push(Node {
                        name,
                        at: before,
                        children: Vec::new(),
                        text: String::new(),
                        text_at: None,
                    });
                    if let Some(&parent) = open.last() {
                        nodes[parent].children.push(i);
                    }
                    if matches!(event, Event::Start(_)) {
                        open.push(i);
                    }
                }
                Event::End(_) => {
                    open.pop();
                }
                Event::Text(ref t) => {
                    let s = str_of(t);
                    match open.last() {
                        Some(&i) => {
                            let node = &mut nodes[i];
                            if node.text_at.is_none()
                                && let Some(k) = s.find(|c: char| !is_space(c))
                            {
                                node.text_at = Some(skip + before + k);
                            }
                            node.text.push_str(s);
                        }
                        None if s.chars().all(is_space) => {}
                        None => {
                            let k = s.find(|c: char| !is_space(c)).unwrap_or(0);
                            return Err(wrong(
                                before + k,
                                "markup (text is only inside the root element)",
                                describe_found(s.trim_matches(is_space)),
                            ));
                        }
                    }
                }
                Event::CData(ref t) => {
                    if let Some(&i) = open.last() {
                        let s = str_of(t);
                        let node = &mut nodes[i];
                        if node.text_at.is_none() && !s.chars().all(is_space) {
                            node.text_at = Some(skip + before);
                        }
                        node.text.push_str(s);
                    }
                }
                Event::GeneralRef(ref r) => {
                    let resolved = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c.to_string()),
                        Ok(None) => {
                            quick_xml::escape::resolve_xml_entity(str_of(r)).map(str::to_owned)
                        }
                        Err(_) => None,
                    };
                    let Some(s) = resolved else {
                        return Err(wrong(
                            before,
                            "a predefined entity (&amp; &lt; &gt; &quot; &apos;) or a character reference",
                            describe_found(&format!("&{};", str_of(r))),
                        ));
                    };
                    let Some(&i) = open.last() else {
                        return Err(wrong(
                            before,
                            "markup (text is only inside the root element)",
                            describe_found(&s),
                        ));
                    };
                    let node = &mut nodes[i];
                    if node.text_at.is_none() && !s.chars().all(is_space) {
                        node.text_at = Some(skip + before);
                    }
                    node.text.push_str(&s);
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
                Event::Eof => break,
            }
        }
        if let Some(&i) = open.last() {
            return Err(wrong(
                text.len(),
                &format!("the end tag </{}>", nodes[i].name),
                "the end of the file".into(),
            ));
        }
        if nodes.is_empty() {
            return Err(wrong(text.len(), "a Cvr element", "no element".into()));
        }
        for n in &mut nodes {
            n.at += skip;
        }
        Ok(Doc { nodes })
    }

    /// The children of element `i` named `name`.
    fn children<'s>(&'s self, i: usize, name: &'s str) -> impl Iterator<Item = usize> + 's {
        self.nodes[i]
            .children
            .iter()
            .copied()
            .filter(move |&c| self.nodes[c].name == name)
    }

    /// The one child of `i` named `name`, if any; two are an error at the
    /// second, `path` being `i`'s.
    fn one(&self, i: usize, name: &str, path: &str) -> Result<Option<usize>, Wrong> {
        let mut it = self.children(i, name);
        let first = it.next();
        if let Some(second) = it.next() {
            return Err((
                self.nodes[second].at,
                format!("{path}/{name}"),
                format!("one {name} in {}", self.nodes[i].name),
                "two".into(),
            ));
        }
        Ok(first)
    }

    /// The text of `i`, trimmed of white space.
    fn text(&self, i: usize) -> &str {
        self.nodes[i].text.trim_matches(is_space)
    }

    /// Where the text of `i` starts (else the element).
    fn text_at(&self, i: usize) -> usize {
        self.nodes[i].text_at.unwrap_or(self.nodes[i].at)
    }

    /// The text of the one child `name` of `i`, required non-empty when
    /// present: the child and its text.
    fn field(&self, i: usize, name: &str, path: &str) -> Result<Option<(usize, &str)>, Wrong> {
        let Some(c) = self.one(i, name, path)? else {
            return Ok(None);
        };
        let t = self.text(c);
        if t.is_empty() {
            return Err((
                self.nodes[c].at,
                format!("{path}/{name}"),
                format!("the {name}'s text"),
                "nothing".into(),
            ));
        }
        Ok(Some((c, t)))
    }

    /// The paper's contests.
    fn contests(&self) -> Result<Vec<ContestEl<'_>>, Wrong> {
        let root = &self.nodes[0];
        if root.name != "Cvr" {
            return Err((
                root.at,
                root.name.to_owned(),
                "a Hart CVR (a Cvr root element)".into(),
                format!("<{}>", root.name),
            ));
        }
        let mut out = Vec::new();
        let Some(list) = self.one(0, "Contests", "Cvr")? else {
            return Ok(out);
        };
        for (n, c) in self.children(list, "Contest").enumerate() {
            let index = n + 1;
            let path = format!("Cvr/Contests/Contest[{index}]");
            let Some((id_node, id)) = self.field(c, "Id", &path)? else {
                return Err((
                    self.nodes[c].at,
                    path,
                    "a contest's Id".into(),
                    "none".into(),
                ));
            };
            let name = self.field(c, "Name", &path)?.map(|(_, t)| t);
            let options = self.one(c, "Options", &path)?;
            out.push(ContestEl {
                node: c,
                at: self.nodes[c].at,
                index,
                id,
                id_node,
                name,
                options,
            });
        }
        Ok(out)
    }

    /// The options of a paper's contest.
    fn options(&self, c: &ContestEl<'_>) -> Result<Vec<OptionEl<'_>>, Wrong> {
        let mut out = Vec::new();
        let Some(list) = c.options else {
            return Ok(out);
        };
        for (n, o) in self.children(list, "Option").enumerate() {
            let index = n + 1;
            let path = c.path(&[format!("Options/Option[{index}]").as_str()]);
            let Some((id_node, id)) = self.field(o, "Id", &path)? else {
                return Err((
                    self.nodes[o].at,
                    path,
                    "an option's Id".into(),
                    "none".into(),
                ));
            };
            let name = self.field(o, "Name", &path)?;
            let value = self.one(o, "Value", &path)?;
            let write_in = self.one(o, "WriteInData", &path)?.is_some();
            out.push(OptionEl {
                node: o,
                index,
                id,
                id_node,
                name: name.map(|(_, t)| t),
                name_node: name.map(|(n, _)| n),
                value,
                write_in,
            });
        }
        Ok(out)
    }
}

/// A `Contest` element of a paper.
struct ContestEl<'d> {
    node: usize,
    at: usize,
    /// Its number among the paper's contests, from 1.
    index: usize,
    id: &'d str,
    id_node: usize,
    name: Option<&'d str>,
    options: Option<usize>,
}

impl ContestEl<'_> {
    /// The path of the contest, or of what `rest` names below it.
    fn path(&self, rest: &[&str]) -> String {
        let mut p = format!("Cvr/Contests/Contest[{}]", self.index);
        for r in rest {
            p.push('/');
            p.push_str(r);
        }
        p
    }
}

/// An `Option` element of a paper's contest.
struct OptionEl<'d> {
    node: usize,
    /// Its number among the contest's options, from 1.
    index: usize,
    id: &'d str,
    id_node: usize,
    name: Option<&'d str>,
    name_node: Option<usize>,
    value: Option<usize>,
    write_in: bool,
}

impl OptionEl<'_> {
    /// The path of the option, or of its child `child`.
    fn path(&self, c: &ContestEl<'_>, child: &str) -> String {
        let me = format!("Options/Option[{}]", self.index);
        if child.is_empty() {
            c.path(&[me.as_str()])
        } else {
            c.path(&[me.as_str(), child])
        }
    }
}
