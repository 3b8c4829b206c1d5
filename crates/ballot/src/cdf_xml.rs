//! NIST SP 1500-103 Common Data Format cast-vote records, XML: the same
//! `CastVoteRecordReport` as [`crate::cdf`] reads in JSON, in the form of
//! NIST's schema (`NIST_V0_cast_vote_records.xsd`, namespace
//! [`NAMESPACE`]). The same report reads to the same [`Election`] in either
//! form: this module only turns the elements into the structures the JSON
//! reader deserializes, and everything after that (which contests are
//! read, candidates, seats, snapshots, marks, ranks, the import policy) is
//! [`crate::cdf`]'s, whose module documentation says what each part means.
//!
//! # Grammar
//!
//! Only the elements and attributes below are read, by their local names
//! (any prefix; the namespace is not checked, so a report of NIST's older
//! drafts reads too); every other one (`GpUnit`, `ReportingDevice`,
//! `Party`, `BallotStyleId`, `Code`, `CVRWriteIn`, `Status`…) is passed
//! over, and so is the order of the children (the schema fixes one: `CVR`
//! comes before `Election`).
//!
//! ```text
//! report    = <CastVoteRecordReport> cvr* election+ … </CastVoteRecordReport>   ; the root
//! election  = <Election> <Name>string</Name>? candidate* contest* … </Election>
//! candidate = <Candidate ObjectId="id"> <Name>string</Name>? … </Candidate>
//! contest   = <Contest ObjectId="id" xsi:type="type"?> <Name>string</Name>?
//!               <NumberElected>integer</NumberElected>? selection* … </Contest>
//! selection = <ContestSelection ObjectId="id"> <CandidateIds>id*</CandidateIds>?
//!               <IsWriteIn>boolean</IsWriteIn>? … </ContestSelection>
//! cvr       = <CVR> <CurrentSnapshotId>id</CurrentSnapshotId>? snapshot* … </CVR>
//! snapshot  = <CVRSnapshot ObjectId="id"?> <Type>original|modified|interpreted</Type>?
//!               cvr-contest* … </CVRSnapshot>
//! cvr-contest   = <CVRContest> <ContestId>id</ContestId> cvr-selection* … </CVRContest>
//! cvr-selection = <CVRContestSelection> <ContestSelectionId>id</ContestSelectionId>?
//!                   <Rank>integer</Rank>? position+ … </CVRContestSelection>
//! position  = <SelectionPosition> <Rank>integer</Rank>? <HasIndication>yes|no</HasIndication>?
//!               <IsAllocable>yes|no</IsAllocable>? <NumberVotes>integer</NumberVotes>? … </SelectionPosition>
//! ```
//!
//! **Where it differs from JSON.** An object's id is its `ObjectId`
//! attribute, not an `@id` member, and a reference is an element's text
//! (`<ContestId>contest-mayor</ContestId>`); `CandidateIds` is one element
//! holding an `xsd:IDREFS` list, its ids separated by white space (JSON's
//! array). A contest's kind is its `xsi:type` attribute (`xsi` being the
//! prefix bound to `http://www.w3.org/2001/XMLSchema-instance`, or written
//! `xsi` undeclared), a qualified name whose local part is read:
//! `CandidateContest` (or none, as JSON's missing `@type`) is read,
//! `BallotMeasureContest`, `PartyContest`, `RetentionContest` are passed
//! over with their marks. Other elements' `xsi:type`s are not read.
//! Booleans are `xsd:boolean` (`true`, `false`, `1`, `0`); integers
//! `xsd:integer` from 0 (digits, a leading `+` allowed); the enumerations
//! (`Type`, `HasIndication`, `IsAllocable`) are text, checked as in JSON
//! (`unknown` is refused). The text of ids, integers, booleans and
//! enumerations is trimmed of XML white space; a `Name` is kept as written.
//! Each element read that is not a list (`Name`, `NumberElected`,
//! `CandidateIds`, `Rank`…) appears at most once in its parent. Entities
//! are the five predefined ones and character references (a `DOCTYPE`'s
//! own are not expanded); the document is UTF-8.
//!
//! **Errors** are [`ErrorKind::Element`]s: the element's path from the
//! root, as XPath numbers elements
//! (`CastVoteRecordReport/CVR[3]/CVRSnapshot[1]/CVRContest[1]/CVRContestSelection[2]`,
//! each of a kind that repeats numbered from 1 among its like; an
//! attribute as `…/Candidate[2]/@ObjectId`), its line and column (a value
//! at its text, else the element at its `<`), and the CVR's number, from
//! 1, as the ballot. The messages are the JSON reader's, an id named
//! `ObjectId`. Every bad CVR is reported, up to [`Error::MAX_REPORTED`];
//! a document that is not well-formed XML (tags that do not nest, text
//! outside the root, an unknown entity, a malformed attribute of an
//! element read) is one error, where the parser stopped, at the elements
//! open there.
//!
//! **Memory.** The document is held whole, as the JSON one is. A first
//! pass parses the whole document and builds a tree of its elections'
//! elements only, noting where each `CVR` is; then each CVR is parsed on
//! its own into a tree of its elements, read into rankings and dropped
//! before the next, so memory is the input plus the elections plus the
//! distinct rankings, never a tree of the whole report.

use std::borrow::Cow;
use std::cell::RefCell;

use quick_xml::NsReader;
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use crate::cdf::{
    CandidateDto, ContestDto, CvrContestDto, CvrDto, CvrSelectionDto, Dialect, ElectionDto, Lines,
    PositionDto, SelectionDto, SnapshotDto, finish, plan_contests, read_cvr,
};
use crate::error::describe_found;
use crate::json::Seg;
use crate::model::Election;
use crate::{Error, ErrorKind, Format, ReadOptions};

const FORMAT: Format = Format::CdfXml;

/// The namespace of NIST SP 1500-103 version 1 (recognised by
/// [`Format::detect`], not required by the reader).
pub const NAMESPACE: &str = "http://itl.nist.gov/ns/voting/1500-103/v1";

/// The root element's local name.
pub const ROOT: &str = "CastVoteRecordReport";

/// The namespace of `xsi:type`.
const XSI: &[u8] = b"http://www.w3.org/2001/XMLSchema-instance";

/// The deepest nesting of elements read (a report's is about 10).
const MAX_DEPTH: usize = 64;

const DIALECT: Dialect = Dialect {
    format: FORMAT,
    id: "ObjectId",
    candidate_contest: "CandidateContest",
};

/// The elements of a report that repeat, numbered in paths.
const LISTS: &[&str] = &[
    "CVR",
    "Election",
    "Candidate",
    "Contest",
    "ContestSelection",
    "CVRSnapshot",
    "CVRContest",
    "CVRContestSelection",
    "SelectionPosition",
];

/// Whether `head`, the start of an XML document, is a CDF report: its root
/// element (after any declaration, comments and `DOCTYPE`) is a
/// `CastVoteRecordReport` of any prefix, and NIST's namespace is in the
/// first 4 KiB.
pub(crate) fn looks_like_report(head: &[u8]) -> bool {
    let head = &head[..head.len().min(4096)];
    root_name(head).is_some_and(|n| n.rsplit(|&b| b == b':').next() == Some(ROOT.as_bytes()))
        && memchr::memmem::find(head, NAMESPACE.as_bytes()).is_some()
}

/// The name of the first element of `head`, if it starts there.
fn root_name(head: &[u8]) -> Option<&[u8]> {
    let mut i = 0;
    loop {
        i += memchr::memchr(b'<', head.get(i..)?)?;
        let rest = &head[i..];
        let skip_to = |end: &[u8]| memchr::memmem::find(rest, end).map(|k| i + k + end.len());
        i = if rest.starts_with(b"<?") {
            skip_to(b"?>")?
        } else if rest.starts_with(b"<!--") {
            skip_to(b"-->")?
        } else if rest.starts_with(b"<!") {
            skip_to(b">")?
        } else {
            let name = &rest[1..];
            let end = name
                .iter()
                .position(|b| b" \t\r\n/>".contains(b))
                .unwrap_or(name.len());
            return Some(&name[..end]);
        };
    }
}

/// Reads every candidate contest of a CDF XML report (see the module
/// documentation and [`crate::cdf`]'s).
pub fn read(input: &[u8], opts: &ReadOptions) -> Result<Election, Error> {
    read_contest(input, opts, None)
}

/// Reads one candidate contest of a CDF XML report, by `ObjectId` or else
/// `Name` (every one when `contest` is none): the others' marks are not
/// read.
pub fn read_contest(
    input: &[u8],
    opts: &ReadOptions,
    contest: Option<&str>,
) -> Result<Election, Error> {
    let lines = RefCell::new(Lines::default());
    let fail = |w: Wrong, ballot: Option<u64>| element_error(input, &lines, w, ballot);
    let scan = scan(input).map_err(|(w, ballot)| fail(w, ballot))?;
    let doc = &scan.doc;
    let elections = doc
        .children(0, "Election")
        .enumerate()
        .map(|(e, n)| election(doc, n, &format!("{ROOT}/Election[{}]", e + 1)))
        .collect::<Result<Vec<_>, Wrong>>()
        .map_err(|w| fail(w, None))?;
    let at = |path: &[Seg<'_>], ballot: Option<u64>, expected: String, found: String| {
        let (path, byte) = place(doc, 0, ROOT.to_owned(), path);
        fail((byte, path, expected, found), ballot)
    };
    let mut contests = plan_contests(&DIALECT, &elections, opts, contest, &at)?;

    // The papers, one CVR at a time.
    let mut errors = Vec::new();
    for (i, &span) in scan.cvrs.iter().enumerate() {
        if errors.len() >= Error::MAX_REPORTED {
            break;
        }
        let ballot = i as u64 + 1;
        let here = format!("{ROOT}/CVR[{ballot}]");
        let doc = match Doc::parse(scan.text, scan.skip, span, Some(i)) {
            Ok(d) => d,
            Err(w) => {
                errors.push(fail(w, Some(ballot)));
                continue;
            }
        };
        let dto = match cvr(&doc, 0, &here) {
            Ok(c) => c,
            Err(w) => {
                errors.push(fail(w, Some(ballot)));
                continue;
            }
        };
        let base = [Seg::Key("CVR"), Seg::Index(i)];
        let at = |path: &[Seg<'_>], ballot: Option<u64>, expected: String, found: String| {
            let rel = path.get(base.len()..).unwrap_or_default();
            let (path, byte) = place(&doc, 0, here.clone(), rel);
            fail((byte, path, expected, found), ballot)
        };
        read_cvr(
            &DIALECT,
            &mut contests,
            &dto,
            ballot,
            &base,
            &at,
            &mut errors,
        );
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    finish(&DIALECT, contests, &elections, opts)
}

/// What is wrong and where: the byte in the input, the element's path,
/// what was wanted, what was found.
type Wrong = (usize, String, String, String);

/// An [`ErrorKind::Element`] of `input`, placed by `lines`.
fn element_error(
    input: &[u8],
    lines: &RefCell<Lines>,
    (byte, path, expected, found): Wrong,
    ballot: Option<u64>,
) -> Error {
    let mut pos = lines.borrow_mut().position(input, byte);
    pos.ballot = ballot;
    Error::new(ErrorKind::Element {
        format: FORMAT,
        file: String::new(),
        path,
        pos,
        expected,
        found,
    })
}

/// The element path and byte of what `path` (a report path, as the shared
/// steps name it: `Election[0].Contest[1].ContestSelection[2].@id`) names
/// below element `from` of `doc`, whose own path is `shown`. A key with an
/// index is the element of that name and number (from 0 in the path, from
/// 1 as shown); a key alone the one element of that name; `@id` the
/// `ObjectId` attribute; `CandidateIds[k]` the `CandidateIds` element, one
/// list of ids. What the tree lacks is named all the same, placed at the
/// nearest element it has.
fn place(doc: &Doc<'_>, from: usize, mut shown: String, path: &[Seg<'_>]) -> (String, usize) {
    let mut node = Some(from);
    let mut byte = doc.value_at(from);
    let mut i = 0;
    while i < path.len() {
        let Seg::Key(key) = path[i] else {
            i += 1;
            continue;
        };
        let index = match path.get(i + 1) {
            Some(&Seg::Index(k)) => {
                i += 1;
                Some(k)
            }
            _ => None,
        };
        i += 1;
        if key == "@id" {
            shown.push_str("/@ObjectId");
            if let Some(n) = node {
                byte = doc.nodes[n].id.as_ref().map_or(doc.nodes[n].at, |a| a.1);
            }
            break;
        }
        let index = index.filter(|_| key != "CandidateIds");
        match index {
            Some(k) => shown.push_str(&format!("/{key}[{}]", k + 1)),
            None => {
                shown.push('/');
                shown.push_str(key);
            }
        }
        node = node.and_then(|n| doc.children(n, key).nth(index.unwrap_or(0)));
        if let Some(n) = node {
            byte = doc.value_at(n);
        }
    }
    (shown, byte)
}

/// A document's elements, or some of them, as a tree.
struct Doc<'a> {
    /// The elements built, the first the root; each child after its parent.
    nodes: Vec<Node<'a>>,
}

struct Node<'a> {
    /// The local name.
    name: &'a str,
    /// The byte of its `<` in the input.
    at: usize,
    children: Vec<usize>,
    /// Its own character data, entities resolved (white space kept).
    text: Cow<'a, str>,
    /// The byte of the first character of its text that is not white space.
    text_at: Option<usize>,
    /// Its `ObjectId` attribute, trimmed, and the byte of its value.
    id: Option<(Cow<'a, str>, usize)>,
    /// The local part of its `xsi:type` attribute.
    xsi_type: Option<Cow<'a, str>>,
}

/// The first pass over a report: the whole document checked, its root and
/// elections built, where each CVR is.
struct Scan<'a> {
    /// The document's text, after any byte-order mark.
    text: &'a str,
    /// The length of the byte-order mark (0 or 3).
    skip: usize,
    /// The root and the elections' elements.
    doc: Doc<'a>,
    /// Each CVR's bytes in `text`, from its `<` to past its end tag.
    cvrs: Vec<(usize, usize)>,
}

/// An element open while parsing: its name and number among its like, the
/// names of its children so far and how many of each, and its node if
/// built.
struct Open<'a> {
    name: &'a str,
    index: usize,
    kids: Vec<(&'a str, usize)>,
    node: Option<usize>,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// The first pass: the whole report, its elections built, its CVRs found.
/// A failure comes with the ballot of the CVR it is in.
fn scan(input: &[u8]) -> Result<Scan<'_>, (Wrong, Option<u64>)> {
    let skip = if input.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let text = std::str::from_utf8(&input[skip..]).map_err(|e| {
        let at = skip + e.valid_up_to();
        let w = (
            at,
            String::new(),
            "UTF-8 text".to_string(),
            format!("the byte 0x{:02X}", input[at]),
        );
        (w, None)
    })?;
    let mut cvrs = Vec::new();
    let doc = Doc::walk(text, skip, (0, text.len()), None, &mut cvrs)?;
    Ok(Scan {
        text,
        skip,
        doc,
        cvrs,
    })
}

impl<'a> Doc<'a> {
    /// The tree of one CVR, the `cvr`th (from 0) at `span` of `text`.
    fn parse(
        text: &'a str,
        skip: usize,
        span: (usize, usize),
        cvr: Option<usize>,
    ) -> Result<Doc<'a>, Wrong> {
        Doc::walk(text, skip, span, cvr, &mut Vec::new()).map_err(|(w, _)| w)
    }

    /// Parses `span` of `text` (after `skip` bytes of the input). The whole
    /// document (`cvr` none): its root and elections are built, each CVR's
    /// span noted in `cvrs`. One CVR (`cvr` its number from 0): every
    /// element is built.
    fn walk(
        text: &'a str,
        skip: usize,
        (from, to): (usize, usize),
        cvr: Option<usize>,
        cvrs: &mut Vec<(usize, usize)>,
    ) -> Result<Doc<'a>, (Wrong, Option<u64>)> {
        let part = text.get(from..to).unwrap_or("");
        let mut reader = NsReader::from_reader(part.as_bytes());
        let mut nodes: Vec<Node<'a>> = Vec::new();
        // A CVR's tree hangs below its report, as the CVR-th of its CVRs.
        let mut open: Vec<Open<'a>> = match cvr {
            None => Vec::new(),
            Some(i) => vec![Open {
                name: ROOT,
                index: 1,
                kids: vec![("CVR", i)],
                node: None,
            }],
        };
        let top = open.len();
        let mut roots = 0;
        // The CVR being read in the first pass: its number from 1 and start.
        let mut in_cvr: Option<(u64, usize)> = None;
        let mut cvr_count = 0u64;
        let str_of = |b: &[u8]| -> &'a str {
            // A slice reader's events borrow the input, cut at ASCII
            // delimiters: the same bytes, as the input's text.
            let base = part.as_ptr() as usize;
            let start = (b.as_ptr() as usize).wrapping_sub(base);
            match start.checked_add(b.len()) {
                Some(end) if b.as_ptr() as usize >= base && end <= part.len() => {
                    part.get(start..end).unwrap_or("")
                }
                _ => "",
            }
        };
        // Where a byte of `part` is in the input.
        let abs = |at: usize| skip + from + at;
        let path_of = |open: &[Open<'_>]| {
            let mut p = String::new();
            for o in open {
                if !p.is_empty() {
                    p.push('/');
                }
                p.push_str(o.name);
                if LISTS.contains(&o.name) {
                    p.push_str(&format!("[{}]", o.index));
                }
            }
            p
        };
        loop {
            let before = reader.buffer_position() as usize;
            let ballot = in_cvr.map(|c| c.0).or(cvr.map(|i| i as u64 + 1));
            let wrong = |at: usize, open: &[Open<'_>], expected: &str, found: String| {
                ((abs(at), path_of(open), expected.to_owned(), found), ballot)
            };
            let event = match reader.read_event() {
                Ok(e) => e,
                Err(e) => {
                    let at = reader.error_position() as usize;
                    return Err(wrong(at, &open, "well-formed XML", e.to_string()));
                }
            };
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let empty = matches!(event, Event::Empty(_));
                    if open.len() == top {
                        roots += 1;
                        if roots > 1 {
                            return Err(wrong(before, &open, "one root element", "another".into()));
                        }
                    }
                    if open.len() >= MAX_DEPTH {
                        return Err(wrong(
                            before,
                            &open,
                            &format!("elements nested at most {MAX_DEPTH} deep"),
                            "deeper".into(),
                        ));
                    }
                    let name = str_of(e.local_name().into_inner());
                    // Only the kinds that repeat are numbered (so a parent
                    // counts at most as many names as there are kinds).
                    let index = match open.last_mut() {
                        Some(parent) if LISTS.contains(&name) => {
                            match parent.kids.iter_mut().find(|k| k.0 == name) {
                                Some(k) => {
                                    k.1 += 1;
                                    k.1
                                }
                                None => {
                                    parent.kids.push((name, 1));
                                    1
                                }
                            }
                        }
                        _ => 1,
                    };
                    let depth = open.len();
                    if cvr.is_none() && depth == 0 && name != ROOT {
                        return Err(wrong(
                            before,
                            &[Open {
                                name,
                                index,
                                kids: Vec::new(),
                                node: None,
                            }],
                            "a NIST CDF cast-vote-record report (a CastVoteRecordReport root element)",
                            format!("<{name}>"),
                        ));
                    }
                    if cvr.is_none() && depth == 1 && name == "CVR" {
                        cvr_count += 1;
                        in_cvr = Some((cvr_count, before));
                        if empty {
                            cvrs.push((from + before, from + reader.buffer_position() as usize));
                            in_cvr = None;
                        }
                    }
                    let parent = open.last().and_then(|o| o.node);
                    // The first pass builds the root and the elections.
                    let build = cvr.is_some()
                        || depth == 0
                        || parent.is_some() && (depth > 1 || name == "Election");
                    let node = if build {
                        let i = nodes.len();
                        let mut node = Node {
                            name,
                            at: abs(before),
                            children: Vec::new(),
                            text: Cow::Borrowed(""),
                            text_at: None,
                            id: None,
                            xsi_type: None,
                        };
                        if let Err((at, found)) = attributes(&reader, e, &str_of, &mut node) {
                            open.push(Open {
                                name,
                                index,
                                kids: Vec::new(),
                                node: None,
                            });
                            let at = at - skip - from;
                            return Err(wrong(at, &open, "well-formed XML", found));
                        }
                        nodes.push(node);
                        if let Some(p) = parent {
                            nodes[p].children.push(i);
                        }
                        Some(i)
                    } else {
                        None
                    };
                    if !empty {
                        open.push(Open {
                            name,
                            index,
                            kids: Vec::new(),
                            node,
                        });
                    }
                }
                Event::End(_) => {
                    open.pop();
                    if open.len() == 1
                        && cvr.is_none()
                        && let Some((_, start)) = in_cvr.take()
                    {
                        cvrs.push((from + start, from + reader.buffer_position() as usize));
                    }
                }
                Event::Text(ref t) => {
                    let s = str_of(t);
                    if open.len() == top {
                        if !s.chars().all(is_space) {
                            let k = s.find(|c: char| !is_space(c)).unwrap_or(0);
                            return Err(wrong(
                                before + k,
                                &open,
                                "markup (text is only inside the root element)",
                                describe_found(s.trim_matches(is_space)),
                            ));
                        }
                    } else if let Some(i) = open.last().and_then(|o| o.node) {
                        let at = s.find(|c: char| !is_space(c)).map(|k| abs(before + k));
                        // White space between a container's children is
                        // not kept (the root's, between every CVR, least).
                        if at.is_some() || nodes[i].children.is_empty() && i > 0 {
                            add_text(&mut nodes[i], s, at);
                        }
                    }
                }
                Event::CData(ref t) => {
                    if let Some(i) = open.last().and_then(|o| o.node) {
                        let s = str_of(t);
                        let at = (!s.chars().all(is_space)).then(|| abs(before));
                        add_text(&mut nodes[i], s, at);
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
                            &open,
                            "a predefined entity (&amp; &lt; &gt; &quot; &apos;) or a character reference",
                            describe_found(&format!("&{};", str_of(r))),
                        ));
                    };
                    if open.len() == top {
                        return Err(wrong(
                            before,
                            &open,
                            "markup (text is only inside the root element)",
                            describe_found(&s),
                        ));
                    }
                    if let Some(i) = open.last().and_then(|o| o.node) {
                        let at = (!s.chars().all(is_space)).then(|| abs(before));
                        let node = &mut nodes[i];
                        node.text.to_mut().push_str(&s);
                        if node.text_at.is_none() {
                            node.text_at = at;
                        }
                    }
                }
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
                Event::Eof => break,
            }
        }
        if open.len() > top
            && let Some(last) = open.last()
        {
            let end = format!("the end tag </{}>", last.name);
            let at = part.len();
            let ballot = in_cvr.map(|c| c.0).or(cvr.map(|i| i as u64 + 1));
            return Err((
                (abs(at), path_of(&open), end, "the end of the file".into()),
                ballot,
            ));
        }
        if nodes.is_empty() {
            let w = (
                abs(part.len()),
                String::new(),
                format!("a {ROOT} element"),
                "no element".into(),
            );
            return Err((w, None));
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

    /// Where an error about element `i` is placed: at its text when it
    /// holds a value (no child elements, some text), else at its `<`.
    fn value_at(&self, i: usize) -> usize {
        let n = &self.nodes[i];
        match n.text_at {
            Some(t) if n.children.is_empty() => t,
            _ => n.at,
        }
    }

    /// The one child of `i` named `name`, if any; two are an error at the
    /// second, `path` being `i`'s.
    fn one(&self, i: usize, name: &str, path: &str) -> Result<Option<usize>, Wrong> {
        let mut it = self.children(i, name);
        let first = it.next();
        if let Some(second) = it.next() {
            return Err((
                self.nodes[second].at,
                format!("{path}/{name}[2]"),
                format!("one {name} in {}", self.nodes[i].name),
                "two".into(),
            ));
        }
        Ok(first)
    }

    /// The text of the one child `name` of `i`, as written.
    fn string(&self, i: usize, name: &str, path: &str) -> Result<Option<Cow<'_, str>>, Wrong> {
        Ok(self
            .one(i, name, path)?
            .map(|c| Cow::Borrowed(&*self.nodes[c].text)))
    }

    /// The text of the one child `name` of `i`, trimmed (an id, a value of
    /// an enumeration).
    fn token(&self, i: usize, name: &str, path: &str) -> Result<Option<Cow<'_, str>>, Wrong> {
        Ok(self
            .one(i, name, path)?
            .map(|c| Cow::Borrowed(self.nodes[c].text.trim_matches(is_space))))
    }

    /// The one child `name` of `i` as an `xsd:integer` from 0.
    fn integer(&self, i: usize, name: &str, path: &str) -> Result<Option<u64>, Wrong> {
        let Some(c) = self.one(i, name, path)? else {
            return Ok(None);
        };
        let t = self.nodes[c].text.trim_matches(is_space);
        let digits = t.strip_prefix('+').unwrap_or(t);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            // Leading zeros are allowed; only a value past 2^64 fails.
            if let Ok(n) = digits.trim_start_matches('0').parse::<u64>() {
                return Ok(Some(n));
            }
            if digits.bytes().all(|b| b == b'0') {
                return Ok(Some(0));
            }
        }
        Err((
            self.value_at(c),
            format!("{path}/{name}"),
            format!("{name} as a whole number from 0 (xsd:integer)"),
            describe_found(t),
        ))
    }

    /// The one child `name` of `i` as an `xsd:boolean`.
    fn boolean(&self, i: usize, name: &str, path: &str) -> Result<Option<bool>, Wrong> {
        let Some(c) = self.one(i, name, path)? else {
            return Ok(None);
        };
        let t = self.nodes[c].text.trim_matches(is_space);
        match t {
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            _ => Err((
                self.value_at(c),
                format!("{path}/{name}"),
                format!("{name} as true or false (xsd:boolean)"),
                describe_found(t),
            )),
        }
    }

    /// The `ObjectId` of element `i`, which `path` names, required.
    fn object_id(&self, i: usize, path: &str) -> Result<Cow<'_, str>, Wrong> {
        let n = &self.nodes[i];
        match &n.id {
            Some((id, _)) => Ok(Cow::Borrowed(id)),
            None => Err((
                n.at,
                path.to_owned(),
                format!("an ObjectId attribute (the {}'s id)", n.name),
                "none".into(),
            )),
        }
    }
}

/// Appends character data to a node's text.
fn add_text<'a>(node: &mut Node<'a>, s: &'a str, at: Option<usize>) {
    if node.text.is_empty() {
        node.text = Cow::Borrowed(s);
    } else {
        node.text.to_mut().push_str(s);
    }
    if node.text_at.is_none() {
        node.text_at = at;
    }
}

/// The attributes read of a start tag into its node: `ObjectId` and
/// `xsi:type`. A malformed attribute is an error: where in the input, and
/// what the parser says.
fn attributes<'a>(
    reader: &NsReader<&[u8]>,
    e: &BytesStart<'_>,
    str_of: &impl Fn(&[u8]) -> &'a str,
    node: &mut Node<'a>,
) -> Result<(), (usize, String)> {
    let base = node.at;
    let tag: &[u8] = e;
    // Where a part of the tag is in the input, when it is borrowed from it.
    let place = |b: &[u8]| {
        let off = (b.as_ptr() as usize).wrapping_sub(tag.as_ptr() as usize);
        (off <= tag.len()).then_some(base + 1 + off)
    };
    // Unchecked for duplicates (the check costs the square of the
    // attributes): the two read are checked here.
    for attr in e.attributes().with_checks(false) {
        let attr = attr.map_err(|e| {
            // Its place from the tag's content, past its `<`.
            let (AttrError::ExpectedEq(p)
            | AttrError::ExpectedValue(p)
            | AttrError::UnquotedValue(p)
            | AttrError::ExpectedQuote(p, _)
            | AttrError::Duplicated(p, _)) = e;
            let says = match e {
                AttrError::Duplicated(..) => "an attribute given twice".to_owned(),
                _ => {
                    let says = e.to_string();
                    says.split_once(": ")
                        .map_or(says.clone(), |s| s.1.to_owned())
                }
            };
            (base + 1 + p, says)
        })?;
        let key = attr.key;
        let is_id = key.as_ref() == b"ObjectId";
        let is_type = key.local_name().as_ref() == b"type" && {
            let (ns, _) = reader.resolver().resolve_attribute(key);
            match ns {
                ResolveResult::Bound(n) => n.as_ref() == XSI,
                ResolveResult::Unknown(p) => p == b"xsi",
                ResolveResult::Unbound => false,
            }
        };
        if !is_id && !is_type {
            continue;
        }
        if is_id && node.id.is_some() || is_type && node.xsi_type.is_some() {
            let at = place(key.as_ref()).unwrap_or(base);
            return Err((at, "an attribute given twice".to_owned()));
        }
        let raw = str_of(&attr.value);
        let value = quick_xml::escape::unescape(raw).map_err(|e| (base, e.to_string()))?;
        // The value's place, at its first character that is not space.
        let at = match (&attr.value, place(&attr.value)) {
            (Cow::Borrowed(_), Some(at)) => at + raw.len() - raw.trim_start_matches(is_space).len(),
            _ => base,
        };
        let trim = |v: Cow<'a, str>| -> Cow<'a, str> {
            match v {
                Cow::Borrowed(s) => Cow::Borrowed(s.trim_matches(is_space)),
                Cow::Owned(s) => Cow::Owned(s.trim_matches(is_space).to_owned()),
            }
        };
        if is_id {
            node.id = Some((trim(value), at));
        } else {
            let v = trim(value);
            let local = match v {
                Cow::Borrowed(s) => Cow::Borrowed(s.rsplit(':').next().unwrap_or(s)),
                Cow::Owned(s) => Cow::Owned(s.rsplit(':').next().unwrap_or(&s).to_owned()),
            };
            node.xsi_type = Some(local);
        }
    }
    Ok(())
}

/// An `Election` element, `n`, whose path is `path`.
fn election<'d>(doc: &'d Doc<'_>, n: usize, path: &str) -> Result<ElectionDto<'d>, Wrong> {
    let mut candidate = Vec::new();
    for (k, c) in doc.children(n, "Candidate").enumerate() {
        let path = format!("{path}/Candidate[{}]", k + 1);
        candidate.push(CandidateDto {
            id: doc.object_id(c, &path)?,
            name: doc.string(c, "Name", &path)?,
        });
    }
    let mut contest = Vec::new();
    for (ci, c) in doc.children(n, "Contest").enumerate() {
        let path = format!("{path}/Contest[{}]", ci + 1);
        let id = doc.object_id(c, &path)?;
        let mut selection = Vec::new();
        for (j, s) in doc.children(c, "ContestSelection").enumerate() {
            let path = format!("{path}/ContestSelection[{}]", j + 1);
            let id = doc.object_id(s, &path)?;
            let candidate_ids = match doc.one(s, "CandidateIds", &path)? {
                None => Vec::new(),
                Some(ids) => doc.nodes[ids]
                    .text
                    .split(is_space)
                    .filter(|t| !t.is_empty())
                    .map(Cow::Borrowed)
                    .collect(),
            };
            selection.push(SelectionDto {
                id,
                candidate_ids,
                is_write_in: doc.boolean(s, "IsWriteIn", &path)?,
            });
        }
        contest.push(ContestDto {
            id,
            kind: doc.nodes[c].xsi_type.as_deref().map(Cow::Borrowed),
            name: doc.string(c, "Name", &path)?,
            number_elected: doc.integer(c, "NumberElected", &path)?,
            selection,
        });
    }
    Ok(ElectionDto {
        name: doc.string(n, "Name", path)?,
        candidate,
        contest,
    })
}

/// A `CVR` element, `n`, whose path is `path`.
fn cvr<'d>(doc: &'d Doc<'_>, n: usize, path: &str) -> Result<CvrDto<'d>, Wrong> {
    let mut snapshot = Vec::new();
    for (s, sn) in doc.children(n, "CVRSnapshot").enumerate() {
        let path = format!("{path}/CVRSnapshot[{}]", s + 1);
        let mut contest = Vec::new();
        for (c, cn) in doc.children(sn, "CVRContest").enumerate() {
            let path = format!("{path}/CVRContest[{}]", c + 1);
            let Some(contest_id) = doc.token(cn, "ContestId", &path)? else {
                return Err((doc.nodes[cn].at, path, "a ContestId".into(), "none".into()));
            };
            let mut selection = Vec::new();
            for (k, kn) in doc.children(cn, "CVRContestSelection").enumerate() {
                let path = format!("{path}/CVRContestSelection[{}]", k + 1);
                let mut position = Vec::new();
                for (p, pn) in doc.children(kn, "SelectionPosition").enumerate() {
                    let path = format!("{path}/SelectionPosition[{}]", p + 1);
                    position.push(PositionDto {
                        rank: doc.integer(pn, "Rank", &path)?,
                        has_indication: doc.token(pn, "HasIndication", &path)?,
                        is_allocable: doc.token(pn, "IsAllocable", &path)?,
                        number_votes: doc.integer(pn, "NumberVotes", &path)?,
                    });
                }
                selection.push(CvrSelectionDto {
                    selection_id: doc.token(kn, "ContestSelectionId", &path)?,
                    rank: doc.integer(kn, "Rank", &path)?,
                    position,
                });
            }
            contest.push(CvrContestDto {
                contest_id,
                selection,
            });
        }
        snapshot.push(SnapshotDto {
            id: doc.nodes[sn]
                .id
                .as_ref()
                .map(|(id, _)| Cow::Borrowed(&**id)),
            kind: doc.token(sn, "Type", &path)?,
            contest,
        });
    }
    Ok(CvrDto {
        current: doc.token(n, "CurrentSnapshotId", path)?,
        snapshot,
    })
}
