//! The PrefLib reader: `.soi` (strict orders, incomplete) and `.toi` (orders
//! with ties, incomplete), as published at preflib.org.
//!
//! Grammar (one item per line; `SP` is optional spaces or tabs, lines may end
//! in `\r\n`, blank lines are ignored, a UTF-8 byte-order mark is skipped):
//!
//! ```text
//! file    = header* order*
//! header  = "#" SP key SP ":" SP value          ; a "#" line without ":" is a comment
//! order   = count SP ":" SP [ item { SP "," SP item } ]
//! item    = alt                                 ; .soi and .toi
//!         | "{" SP alt { SP "," SP alt } SP "}"  ; .toi only: alternatives ranked equal
//! count   = digits (at least 1)
//! alt     = digits (from 1 to the number of alternatives)
//! ```
//!
//! Keys read (case-insensitive, each at most once): `NUMBER ALTERNATIVES`,
//! `ALTERNATIVE NAME i` (one per alternative, `i` from 1), `NUMBER VOTERS`,
//! `NUMBER UNIQUE ORDERS`, `TITLE` and `DATA TYPE` (which must agree with the
//! format asked for). Other keys (`FILE NAME`, `DESCRIPTION`, dates…) are
//! ignored. Header lines come before the first order.
//!
//! Checks: every alternative `1..=NUMBER ALTERNATIVES` has exactly one name
//! and no name is numbered beyond; `NUMBER VOTERS` equals the sum of the
//! counts; `NUMBER UNIQUE ORDERS` equals the number of order lines. A
//! mismatch is an error at the header line's value.
//!
//! Interpretation: alternative `i` becomes candidate `i` (id `"i"`), named by
//! its `ALTERNATIVE NAME` value with one pair of surrounding double quotes
//! removed (the Minneapolis files quote their names). PrefLib does not split
//! names from parties, so no affiliation is set. A `{…}` group of two or more
//! alternatives is a [`Slot::Equal`]; a group of one is that alternative. The
//! paper is made a strict ranking by [`crate::ImportPolicy::normalize`]: by default
//! ties and repeated alternatives are refused with an error naming the option
//! that reads them. An order with no items is a blank paper.
//!
//! The file records no seats: [`ReadOptions::seats`] is required. The contest
//! and election take their id from [`ReadOptions::id`] and their title from
//! `TITLE` (the id when there is none).
//!
//! The line-oriented helpers at the end (`Text`, `Line`) are shared with the `.dat`
//! reader.

use std::collections::BTreeMap;

use crate::error::describe_found;
use crate::model::{Candidate, CandidateId, Contest, Election};
use crate::policy::{Irregularities, Normalizer, Refused, Slot};
use crate::store::{BallotsBuilder, RankingError, papers_past_limit};
use crate::{Error, ErrorKind, Format, Position, ReadOptions};

/// Reads a PrefLib `.soi` or `.toi` file (`format` says which).
pub fn read(input: &[u8], format: Format, opts: &ReadOptions) -> Result<Election, Error> {
    let toi = match format {
        Format::PreflibSoi => false,
        Format::PreflibToi => true,
        other => {
            return Err(Error::new(ErrorKind::Model(format!(
                "the PrefLib reader cannot read {other}"
            ))));
        }
    };
    let text = Text::new(input, format)?;
    let Some(seats) = opts.seats else {
        return Err(Error::new(ErrorKind::SeatsNotRecorded { format }));
    };
    let mut header = Header::default();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next_if(|l| l.text.trim_start().starts_with('#')) {
        header.read_line(&line, format)?;
    }
    let first_order = lines.peek().map(|l| l.pos(0));
    let names = header.names(first_order, format)?;
    let n = names.len();
    let candidates: Vec<Candidate> = names
        .into_iter()
        .enumerate()
        .map(|(i, name)| Candidate::named(i + 1, name))
        .collect();

    let mut builder = BallotsBuilder::new(n);
    let mut seen = Irregularities::default();
    let mut errors = Vec::new();
    let mut voters: u64 = 0;
    let mut orders: u64 = 0;
    let mut norm: Normalizer<usize> = Normalizer::new(opts.policy);
    for line in lines {
        if line.text.trim_start().starts_with('#') {
            errors.push(line.error(
                format,
                0,
                "an order (header lines come before the first order)",
                describe_found(line.text),
            ));
            break;
        }
        orders += 1;
        let result = parse_order(&line, n, toi, &mut norm).and_then(|count| {
            let ranking = norm
                .finish(count.value, &mut seen)
                .map_err(|(r, at)| (at, policy_expected(&r), r.irregularity.to_string()))?;
            voters = voters.checked_add(count.value).ok_or((
                count.at,
                "a total of papers below 2^64".to_string(),
                papers_past_limit(voters, count.value),
            ))?;
            builder
                .push_ranked(ranking, count.value)
                .map_err(|e| match e {
                    RankingError::ArenaFull => (
                        count.at,
                        "at most 2^32 preferences in all distinct rankings".to_string(),
                        "a ranking past that limit".to_string(),
                    ),
                    other => (count.at, "a valid ranking".to_string(), other.to_string()),
                })
        });
        if let Err((at, expected, found)) = result {
            errors.push(
                line.error(format, at, expected, found)
                    .in_ballot_number(orders),
            );
            if errors.len() >= Error::MAX_REPORTED {
                break;
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    header.check_declared(Declared::Voters, voters, format)?;
    header.check_declared(Declared::UniqueOrders, orders, format)?;

    let title = header
        .title
        .clone()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| opts.id.clone());
    let contest = Contest::new(opts.id.clone(), title, seats, candidates, builder.build())?
        .with_import(opts.policy, seen);
    Ok(Election::single(contest))
}

/// The `expected` text of a paper the import policy refused.
pub(crate) fn policy_expected(r: &Refused) -> String {
    if r.irregularity == crate::policy::Irregularity::UnnamedOvervote {
        // The option asked for is set; what it needs the file does not say.
        return format!(
            "an overvote naming its candidates (--overvotes end-if-several-continuing needs them; pass {} for this file)",
            r.irregularity.option()
        );
    }
    format!(
        "a strict ranking (pass {} to read such papers)",
        r.irregularity.option()
    )
}

struct Count {
    value: u64,
    at: usize,
}

type LineError = (usize, String, String);

/// Parses `count: items`, handing each item to `norm` as it is read (the
/// slot's `at` is the item's byte offset within the line). Nothing is kept
/// per item: a line may be as long as the file.
fn parse_order(
    line: &Line<'_>,
    n: usize,
    toi: bool,
    norm: &mut Normalizer<usize>,
) -> Result<Count, LineError> {
    norm.start();
    let mut s = Scanner::new(line.text);
    s.skip_space();
    let at = s.at;
    let digits = s.digits();
    let value = parse_count(digits).map_err(|e| (at, e, describe_found(s.token_at(at))))?;
    let count = Count { value, at };
    s.skip_space();
    if !s.eat(b':') {
        return Err((s.at, "\":\" after the count".into(), s.found()));
    }
    s.skip_space();
    if s.is_end() {
        return Ok(count);
    }
    loop {
        s.skip_space();
        let at = s.at;
        if s.eat(b'{') {
            if !toi {
                return Err((
                    at,
                    format!(
                        "an alternative number from 1 to {n} (ties in braces are for .toi files)"
                    ),
                    "\"{\"".into(),
                ));
            }
            // Every alternative of the group is checked; the policy needs
            // only to know whether it ties two or more.
            let mut first = [None; 2];
            let mut k = 0;
            loop {
                s.skip_space();
                let alt = s.alternative(n)?;
                if let Some(f) = first.get_mut(k) {
                    *f = Some(alt);
                }
                k += 1;
                s.skip_space();
                if s.eat(b'}') {
                    break;
                }
                if !s.eat(b',') {
                    return Err((s.at, "\",\" or \"}\" in a tie".into(), s.found()));
                }
            }
            match first {
                [Some(a), Some(b)] => norm.push(Slot::Equal(&[a, b]), at),
                [Some(a), None] => norm.push(Slot::One(a), at),
                _ => {}
            }
        } else {
            let alt = s.alternative(n)?;
            norm.push(Slot::One(alt), at);
        }
        s.skip_space();
        if s.is_end() {
            return Ok(count);
        }
        if !s.eat(b',') {
            return Err((s.at, "\",\" or the end of the line".into(), s.found()));
        }
    }
}

fn parse_count(digits: &str) -> Result<u64, String> {
    let expected = "a count of papers (a whole number from 1)";
    match digits.parse::<u64>() {
        Ok(0) | Err(_) => Err(expected.into()),
        Ok(v) => Ok(v),
    }
}

/// A cursor over one line, reporting byte offsets within it.
struct Scanner<'a> {
    s: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    fn new(s: &'a str) -> Self {
        Scanner { s, at: 0 }
    }
    fn rest(&self) -> &'a str {
        &self.s[self.at..]
    }
    fn is_end(&self) -> bool {
        self.at >= self.s.len()
    }
    fn skip_space(&mut self) {
        let r = self.rest();
        self.at += r.len() - r.trim_start_matches([' ', '\t']).len();
    }
    fn eat(&mut self, b: u8) -> bool {
        if self.rest().as_bytes().first() == Some(&b) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn digits(&mut self) -> &'a str {
        let r = self.rest();
        let len = r.bytes().take_while(u8::is_ascii_digit).count();
        self.at += len;
        &r[..len]
    }
    /// The token starting at `at`: up to the next separator.
    fn token_at(&self, at: usize) -> &'a str {
        let r = &self.s[at..];
        let end = r
            .find([' ', '\t', ',', ':', '{', '}'])
            .map(|e| e.max(r.chars().next().map_or(0, char::len_utf8)))
            .unwrap_or(r.len());
        &r[..end]
    }
    fn found(&self) -> String {
        if self.is_end() {
            "the end of the line".into()
        } else {
            describe_found(self.token_at(self.at))
        }
    }
    fn alternative(&mut self, n: usize) -> Result<CandidateId, LineError> {
        let at = self.at;
        let digits = self.digits();
        let expected = || format!("an alternative number from 1 to {n}");
        match digits.parse::<usize>() {
            Ok(i) if (1..=n).contains(&i) => {
                CandidateId::new(i - 1).ok_or((at, expected(), digits.to_owned()))
            }
            Ok(_) => Err((at, expected(), digits.to_owned())),
            Err(_) if digits.is_empty() => {
                self.at = at;
                Err((at, expected(), self.found()))
            }
            Err(_) => Err((at, expected(), describe_found(digits))),
        }
    }
}

#[derive(Clone, Copy)]
enum Declared {
    Voters,
    UniqueOrders,
}

/// A header value and where it was found.
#[derive(Clone)]
struct Value {
    text: String,
    pos: Position,
}

#[derive(Default)]
struct Header {
    title: Option<String>,
    alternatives: Option<(u64, Position)>,
    voters: Option<(u64, Position)>,
    unique_orders: Option<(u64, Position)>,
    names: BTreeMap<u64, Value>,
    data_type: bool,
}

impl Header {
    fn read_line(&mut self, line: &Line<'_>, format: Format) -> Result<(), Error> {
        let body = &line.text[line.text.find('#').map_or(0, |i| i + 1)..];
        let Some(colon) = body.find(':') else {
            return Ok(());
        };
        let key = body[..colon].trim().to_ascii_uppercase();
        let raw = &body[colon + 1..];
        let value = raw.trim();
        let value_at =
            line.text.len() - body.len() + colon + 1 + (raw.len() - raw.trim_start().len());
        let pos = line.pos(value_at);
        let number = |what: &str| -> Result<(u64, Position), Error> {
            value.parse::<u64>().map(|v| (v, pos)).map_err(|_| {
                Error::syntax(
                    format,
                    pos,
                    format!("a number of {what}"),
                    describe_found(value),
                )
            })
        };
        let twice = || {
            Error::syntax(
                format,
                line.pos(0),
                format!("one \"{key}\" line"),
                "a second one",
            )
        };
        match key.as_str() {
            "TITLE" => {
                if self.title.replace(value.to_owned()).is_some() {
                    return Err(twice());
                }
            }
            "DATA TYPE" => {
                let want = if format == Format::PreflibToi {
                    "toi"
                } else {
                    "soi"
                };
                if !value.eq_ignore_ascii_case(want) {
                    return Err(Error::syntax(
                        format,
                        pos,
                        format!("DATA TYPE {want}"),
                        describe_found(value),
                    ));
                }
                if std::mem::replace(&mut self.data_type, true) {
                    return Err(twice());
                }
            }
            "NUMBER ALTERNATIVES" => {
                if self.alternatives.replace(number("alternatives")?).is_some() {
                    return Err(twice());
                }
            }
            "NUMBER VOTERS" => {
                if self.voters.replace(number("voters")?).is_some() {
                    return Err(twice());
                }
            }
            "NUMBER UNIQUE ORDERS" => {
                if self.unique_orders.replace(number("orders")?).is_some() {
                    return Err(twice());
                }
            }
            _ => {
                if key.starts_with("ALTERNATIVE NAME") {
                    // The number, in the line's own spelling, after the 16-byte ASCII key.
                    let raw_key = body[..colon].trim_start();
                    let i_raw = raw_key.get("ALTERNATIVE NAME".len()..).unwrap_or("");
                    let i_text = i_raw.trim();
                    let i_at = line.pos(
                        line.text.len() - body.len()
                            + (colon - raw_key.len())
                            + "ALTERNATIVE NAME".len()
                            + (i_raw.len() - i_raw.trim_start().len()),
                    );
                    let i = match i_text.parse::<u64>() {
                        Ok(i) if i >= 1 => i,
                        _ => {
                            return Err(Error::syntax(
                                format,
                                i_at,
                                "an alternative number from 1",
                                describe_found(i_text),
                            ));
                        }
                    };
                    let name = unquote(value).to_owned();
                    if self.names.insert(i, Value { text: name, pos }).is_some() {
                        return Err(twice());
                    }
                }
            }
        }
        Ok(())
    }

    /// The alternatives' names, checked against `NUMBER ALTERNATIVES`.
    fn names(
        &mut self,
        first_order: Option<Position>,
        format: Format,
    ) -> Result<Vec<String>, Error> {
        let declared = match self.alternatives {
            Some((n, pos)) => {
                if n == 0 || n > CandidateId::MAX_CANDIDATES as u64 {
                    return Err(Error::syntax(
                        format,
                        pos,
                        format!(
                            "a number of alternatives from 1 to {}",
                            CandidateId::MAX_CANDIDATES
                        ),
                        n.to_string(),
                    ));
                }
                n
            }
            None => {
                let pos = first_order.unwrap_or_else(|| Position::at(1, 1));
                return Err(Error::syntax(
                    format,
                    pos,
                    "a \"# NUMBER ALTERNATIVES: n\" header line",
                    if first_order.is_some() {
                        "an order"
                    } else {
                        "the end of the file"
                    },
                ));
            }
        };
        if let Some((&i, v)) = self.names.range(declared + 1..).next() {
            return Err(Error::syntax(
                format,
                v.pos,
                format!("names only for alternatives 1 to {declared}"),
                format!("a name for alternative {i}"),
            ));
        }
        if let Some(missing) = (1..=declared).find(|i| !self.names.contains_key(i)) {
            let pos = self.alternatives.map(|a| a.1).unwrap_or_default();
            return Err(Error::syntax(
                format,
                pos,
                format!("an ALTERNATIVE NAME line for each of the {declared} alternatives"),
                format!("no name for alternative {missing}"),
            ));
        }
        Ok(std::mem::take(&mut self.names)
            .into_values()
            .map(|v| v.text)
            .collect())
    }

    fn check_declared(&self, what: Declared, actual: u64, format: Format) -> Result<(), Error> {
        let (declared, noun, key) = match what {
            Declared::Voters => (self.voters, "papers", "NUMBER VOTERS"),
            Declared::UniqueOrders => (self.unique_orders, "order lines", "NUMBER UNIQUE ORDERS"),
        };
        match declared {
            Some((n, pos)) if n != actual => Err(Error::syntax(
                format,
                pos,
                format!("{key} to match the file: {actual} {noun}"),
                n.to_string(),
            )),
            _ => Ok(()),
        }
    }
}

/// Removes one pair of surrounding double quotes.
fn unquote(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(s)
}

// ---------------------------------------------------------------------------
// Line-oriented text shared by the PrefLib and `.dat` readers.

/// A whole input checked as UTF-8, with its byte-order mark skipped.
pub(crate) struct Text<'a> {
    text: &'a str,
    /// Bytes skipped at the start (3 for a byte-order mark).
    offset: usize,
}

impl<'a> Text<'a> {
    /// Checks the input is UTF-8, reporting the first bad byte's position.
    pub(crate) fn new(input: &'a [u8], format: Format) -> Result<Text<'a>, Error> {
        match std::str::from_utf8(input) {
            Ok(text) => {
                let body = text.strip_prefix('\u{feff}').unwrap_or(text);
                Ok(Text {
                    text: body,
                    offset: text.len() - body.len(),
                })
            }
            Err(e) => {
                let good = &input[..e.valid_up_to()];
                let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                let line = good.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
                let column =
                    String::from_utf8_lossy(&good[line_start..]).chars().count() as u64 + 1;
                let bad = input[e.valid_up_to()];
                Err(Error::syntax(
                    format,
                    Position {
                        byte: e.valid_up_to() as u64,
                        line,
                        column,
                        ballot: None,
                    },
                    "UTF-8 text",
                    format!("the byte 0x{bad:02X}"),
                ))
            }
        }
    }

    /// The position just after the last byte.
    pub(crate) fn end(&self) -> Position {
        let t = self.text;
        let line_start = t.rfind('\n').map_or(0, |i| i + 1);
        Position {
            byte: (self.offset + t.len()) as u64,
            line: t.matches('\n').count() as u64 + 1,
            column: t[line_start..].chars().count() as u64 + 1,
            ballot: None,
        }
    }

    /// The non-blank lines, without their line ends.
    pub(crate) fn lines(&self) -> impl Iterator<Item = Line<'a>> + 'a {
        let text = self.text;
        let offset = self.offset;
        let mut start = 0usize;
        let mut number = 0u64;
        std::iter::from_fn(move || {
            while start < text.len() {
                let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
                let raw = &text[start..end];
                let line = Line {
                    text: raw.strip_suffix('\r').unwrap_or(raw),
                    number: number + 1,
                    byte: (offset + start) as u64,
                };
                number += 1;
                start = end + 1;
                if !line.text.trim().is_empty() {
                    return Some(line);
                }
            }
            None
        })
    }
}

/// One line of a text input.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line<'a> {
    /// The line without its end.
    pub(crate) text: &'a str,
    /// Its number, from 1.
    pub(crate) number: u64,
    /// Byte offset of its start in the input.
    pub(crate) byte: u64,
}

impl Line<'_> {
    /// The position of the byte `at` of this line.
    pub(crate) fn pos(&self, at: usize) -> Position {
        let at = at.min(self.text.len());
        let column = self
            .text
            .get(..at)
            .map_or(at, |prefix| prefix.chars().count()) as u64
            + 1;
        Position {
            byte: self.byte + at as u64,
            line: self.number,
            column,
            ballot: None,
        }
    }

    /// An input error at byte `at` of this line.
    pub(crate) fn error(
        &self,
        format: Format,
        at: usize,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Error {
        Error::syntax(format, self.pos(at), expected, found)
    }
}

/// Marks an error as inside ballot record `n`.
pub(crate) trait InBallot {
    /// The same error, its position marked as inside ballot `n`.
    fn in_ballot_number(self, n: u64) -> Self;
}

impl InBallot for Error {
    fn in_ballot_number(self, n: u64) -> Error {
        match self.into_kind() {
            ErrorKind::Syntax {
                format,
                pos,
                expected,
                found,
            } => Error::syntax(format, pos.in_ballot(n), expected, found),
            other => Error::new(other),
        }
    }
}
