//! The BLT format of Hill, Wichmann and Woodall (Algorithm 123), as found in
//! the wild: its reader, which streams, and its canonical writer.
//!
//! # Grammar
//!
//! The file is read line by line (`\n` or `\r\n`; UTF-8, an optional byte-order
//! mark). Blank lines are skipped everywhere except where said below, and so
//! are comment lines, whose first non-blank characters are `#` or `//`
//! (Droop and OpenSTV write `//` notes). `sep` is one or more spaces, tabs
//! or commas (one Scottish file separates with commas); a `#` or `//` after
//! the last token of a numeric line starts a comment.
//!
//! ```text
//! file       = header { withdrawn | option } { ballot } end names title [extras] [notes]
//! header     = count sep count                      candidates (1..=65535), seats (1..=candidates)
//! withdrawn  = "-" cand { sep "-" cand }            withdrawn candidates, e.g. `-2 -5`
//! option     = "[" word { sep arg } "]"             Droop's options, see below
//! ballot     = [ "(" id ")" sep ] weight { sep rank } sep "0"
//! weight     = count (1 ..= 2^64-1)                 papers with this ranking; after an id it must be 1
//! rank       = cand { "=" cand } | "-"              equal ranking (OpenSTV, Droop); skipped rank (OpenSTV)
//! cand       = number 1..=candidates | nickname     nicknames only after `[nick ...]`
//! end        = "0"                                  a lone 0 ends the ballots
//! names      = candidates × name                    in candidate-number order
//! name       = quoted [ quoted ]                    name, or name and party: "James ADAMS" "Scottish Conservative…"
//!            | text                                 unquoted: the rest of the line, trimmed (trailing commas dropped)
//! title      = quoted [ quoted [ quoted ] ] | text  title, then Wichmann's optional source and comment strings
//! extras     = up to two lines of quoted strings    source and comment (Droop), when not on the title line
//! notes      = anything after a blank line, or      ignored: Droop's cfer tests keep prose there,
//!              after both source and comment        Wichmann's M135 its first preferences
//! quoted     = '"' { any but '"' | '""' } '"'       `""` is a quote, as in CSV
//! ```
//!
//! Dialects and decisions:
//!
//! * **Unquoted names** keep the whole text: `Yvonne ALLAN (Lab)` is the
//!   name, no party is guessed from parentheses. Only two quoted strings on
//!   one line give a name *and* an affiliation.
//! * **CSV-wrapped lines.** Some Scottish files went through a spreadsheet:
//!   `"""Robert BARR"" ""Independent"""` is one quoted string whose content is
//!   `"Robert BARR" "Independent"`; when such content itself starts with a
//!   quote it is read again as a name (or title) line, once. A name line
//!   whose content is `PARTY "NAME"`, as `"Grn ""Richie BRIAN"""` in 298
//!   Scottish 2022 files, is the party then the name: `Richie BRIAN` of
//!   `Grn`. Other content with quotes, `"Bob ""the Builder"" Smith"`, is a
//!   name holding quotes. An empty second string, `"Name" ""`, is no party.
//! * **PrefLib name comments.** The Glasgow 2007 files give names only as
//!   `# ALTERNATIVE NAME 3: Stephen Dornan (Lab)` comments followed by a
//!   one-line title. When such comments name every candidate before the first
//!   line after the ballots, they are the names and that line is the title.
//! * **Blank papers.** `3378 0` is 3378 papers ranking nobody, kept as blank
//!   papers. Repeated identical lines are merged by [`BallotsBuilder`].
//! * **Irregular papers.** `=` (equal ranking), `-` (skipped rank) and a
//!   candidate named twice are handed to [`crate::ImportPolicy::normalize`] as
//!   [`Slot`]s; the default policy refuses them with an error naming the
//!   option to set. A ranking left empty by the policy is a blank paper.
//! * **Weights.** `0 1 2 0` (zero papers with a ranking) is refused: a lone
//!   `0` ends the ballots, so no line can mean zero papers. Weights are
//!   whole numbers; overflow is an error, never a wrap.
//! * **Seats** must be 1 to the number of candidates (Droop refuses more
//!   seats than candidates too); withdrawn candidates do not lower the bound.
//!   When [`ReadOptions::seats`] is set it must agree with the file.
//! * **Ballot ids** (OpenSTV): `(id) 1 3 2 0` is one paper; the weight after
//!   an id must be 1, ids must be distinct, and either every ballot has one
//!   or none does. `ids.rs` keeps them, copied compactly.
//! * **Droop's options** before the first ballot: `[tie 3 2 1]` sets the tie
//!   order (strongest first), `[withdrawn 2 3]` withdraws, `[nick a b c]`
//!   gives nicknames usable instead of numbers (in ballots and in later
//!   options), `[undeclared 4]` marks undeclared write-ins, recorded as the
//!   candidate attribute `undeclared=true`. `[droop ...]` holds counting
//!   options; recount takes its rules elsewhere, so they are read and
//!   dropped. Any other option is an error naming it.
//! * **Too many names** are caught when a line follows the title directly
//!   (`expected the end of the file after the title`), except in the quoted
//!   dialect, where one name too many reads as the title and the real title
//!   as Wichmann's source string: BLT cannot tell them apart.
//! * Not supported: Droop's `/* ... */` comments, ballots spanning several
//!   lines or several ballots on one line, names spanning lines.
//!
//! Speed: a plain ballot line (digits and separators only, which is nearly
//! every line in practice) is read by a byte scanner that allocates nothing
//! and reuses one ranking buffer; only lines holding anything else (`=`,
//! `-`, `(`, nicknames, comments, a repeated candidate, an error) take the
//! general path, which walks the line's tokens and hands each rank to a
//! [`Normalizer`] as it is read.
//!
//! Streaming: [`read_from`] reads the file from a stream, one `read` at a
//! time into a window of 1 MiB, parsing each line once it is whole there
//! and dropping the lines read when it reads on, so a file is never held
//! whole (a line longer than the window is). [`read`] parses bytes in
//! memory with the same code; both give the same election or the same
//! errors at the same positions (`tests/blt_stream.rs` checks it on
//! streams that hand out a few bytes at a time). Names come after the
//! papers, so the papers are stored by candidate number and named at the
//! end.
//!
//! Memory: neither path keeps anything per token. The plain path gives up
//! on a line once it names more preferences than there are candidates, and
//! the general path holds the ranking so far (at most one entry a
//! candidate), so parsing a line of any length costs memory bounded by the
//! number of candidates; what grows with the file is the arena of distinct
//! rankings, and OpenSTV ballot ids, which are copied (see
//! `specs/limits.md`).
//!
//! Errors carry the byte offset (from 0, a byte-order mark included), the
//! line and column (from 1; the column counts characters and leaves out a
//! byte-order mark) and, inside the ballot section, the ballot number: the
//! 1-based index of the ballot line, blank and comment lines not counted.
//! Every bad ballot line is reported (up to [`Error::MAX_REPORTED`]); errors
//! in the header, the names or the title stop the reading.
//!
//! # Writing
//!
//! [`write()`] writes canonical BLT: `N S`, a withdrawn line if any, `[tie ...]`
//! if a tie order is set, `[undeclared ...]` if any candidate has the
//! `undeclared=true` attribute, one line per distinct ranking in stored order
//! (`count c1 c2 ... 0`), blank papers as `count 0`, the end marker `0`, the
//! names quoted one per line (`"Name" "Party"` when there is an affiliation;
//! `"Name" ""` for a name that would otherwise read as a dialect above),
//! quotes doubled, and the contest's quoted title. BLT carries names, affiliations, seats,
//! withdrawn candidates, tie order, ballots and title only: candidate ids
//! (read back as the candidate numbers), other attributes, the import policy
//! and its irregularity counts, the contest id and the election's own id and
//! title are **not written**. Every name and party the reader accepts is
//! written back as it was read. A name, party or title holding a control
//! character other than tab (U+0000–U+001F, U+007F: line breaks included),
//! a title starting with `"`, and elections of more than one contest, are
//! [`ErrorKind::Unrepresentable`]; the reader refuses the same control
//! characters in names and titles.

use std::collections::{BTreeSet, HashMap};
use std::io::{self, Read, Write};

mod ids;

use ids::BallotIds;

use crate::error::{Error, ErrorKind, Position, describe_found};
use crate::format::{Format, ReadOptions};
use crate::model::{Candidate, CandidateId, Contest, Election};
use crate::policy::{Irregularities, Normalizer, Slot};
use crate::store::{BallotsBuilder, RankingError, papers_past_limit};

/// The candidate attribute recording Droop's `[undeclared ...]` option.
pub const UNDECLARED: &str = "undeclared";

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads a BLT file into a single-contest election.
///
/// The election and contest id is `opts.id`, or `"blt"` when it is empty;
/// the title comes from the file. Candidate ids are their numbers.
pub fn read(input: &[u8], opts: &ReadOptions) -> Result<Election, Error> {
    Reader::new(Source::whole(input), opts).read(election_id(opts))
}

/// Reads a BLT file from a stream, a window of about a megabyte at a time:
/// the same election as [`read`] over the stream's bytes, or the same error
/// (every message and position alike), without ever holding the whole
/// file. What the window holds is the line being read and what was read
/// ahead of it; a single line longer than the window is held whole.
///
/// `len` is the input's length in bytes when known (a file's size): it
/// sizes the ballot store up front, as [`read`] does from the bytes, and is
/// never trusted beyond that (a wrong length costs time, not a different
/// result). Without it the store grows as the papers come.
///
/// Reading stops once the title and what may follow it are read: free notes
/// after them may be left unread in `input`. A failure of `input` stops the
/// reading and is the error returned, an [`ErrorKind::Io`].
pub fn read_from(
    input: &mut dyn Read,
    len: Option<u64>,
    opts: &ReadOptions,
) -> Result<Election, Error> {
    Reader::new(Source::stream(input, len), opts).read(election_id(opts))
}

fn election_id(opts: &ReadOptions) -> &str {
    if opts.id.is_empty() {
        "blt"
    } else {
        opts.id.as_str()
    }
}

/// One line of the input: its number and byte range (without the line
/// break) in the bytes the reader holds, whose first is byte `base` of the
/// input.
#[derive(Clone, Copy, Debug)]
struct Line {
    no: u64,
    start: usize,
    end: usize,
    base: u64,
}

/// What a ballot line turned out to be.
enum Outcome {
    /// A ballot, added.
    Ballot,
    /// Blank or a comment.
    Nothing,
    /// The lone `0` ending the ballots.
    End,
}

/// How much a stream's window reads at a time. A megabyte is read in well
/// under a millisecond and scanned while it is still in the cache.
const WINDOW: usize = 1 << 20;

/// Where the lines come from: the whole input in memory, or a stream read a
/// window at a time. Either way every line the reader is handed is whole
/// in [`Source::bytes`] and stays there until the next line is asked for.
struct Source<'a> {
    /// The input, when it is all in memory.
    whole: &'a [u8],
    /// The stream, when it is not.
    stream: Option<Stream<'a>>,
    /// Start of the next unread line, in [`Source::bytes`].
    pos: usize,
    /// Number of the last line read.
    no: u64,
    /// Whether the input starts with a byte-order mark.
    bom: bool,
}

/// A stream and its window.
struct Stream<'a> {
    reader: &'a mut dyn Read,
    /// The window: the line last handed out, unread lines after it, then
    /// room to read into. Zeroed once when made (or grown for a line
    /// longer than it), never again.
    buf: Vec<u8>,
    /// How much of `buf` holds input.
    filled: usize,
    /// Offset in the input of `buf[0]`, always the start of a line.
    base: u64,
    /// End of the last whole line in `buf`, after its `\n`; `filled` once
    /// the stream has ended.
    complete: usize,
    /// Whether the stream has ended.
    eof: bool,
    /// The input's length, if known.
    len: Option<u64>,
}

impl Stream<'_> {
    /// Drops the lines before `pos` (all read) and reads until the window
    /// holds a whole line more, or the stream ends. One `read` at a time:
    /// a stream that trickles is read as it comes.
    fn refill(&mut self, pos: &mut usize) -> io::Result<()> {
        let p = *pos;
        self.buf.copy_within(p..self.filled, 0);
        self.filled -= p;
        self.complete -= p.min(self.complete);
        self.base += p as u64;
        *pos = 0;
        loop {
            if self.filled == self.buf.len() {
                // A line longer than the window: it is held whole.
                let grown = (self.buf.len() * 2).max(WINDOW);
                self.buf.resize(grown, 0);
            }
            let old = self.filled;
            let n = match self.reader.read(&mut self.buf[old..]) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.eof = true;
                self.complete = self.filled;
                return Ok(());
            }
            self.filled += n;
            if let Some(k) = memchr::memrchr(b'\n', &self.buf[old..self.filled]) {
                self.complete = old + k + 1;
                return Ok(());
            }
        }
    }
}

/// `n` things in `of` bytes, scaled to `to` bytes.
fn scale(n: usize, to: usize, of: usize) -> usize {
    if of == 0 {
        return 0;
    }
    usize::try_from(n as u128 * to as u128 / of as u128).unwrap_or(usize::MAX)
}

fn io_error(e: io::Error) -> Error {
    Error::new(ErrorKind::Io(e))
}

/// The reader's state apart from where the bytes come from.
struct State<'a> {
    opts: &'a ReadOptions,
    candidates: usize,
    nicks: HashMap<Vec<u8>, CandidateId>,
    /// Whether ballots carry OpenSTV ids, decided by the first ballot.
    ids_mode: Option<bool>,
    ids: BallotIds,
    irregularities: Irregularities,
    ranking: Vec<CandidateId>,
    /// The import policy, applied on the general path as ranks are read.
    norm: Normalizer<(usize, usize)>,
    errors: Vec<Error>,
}

struct Reader<'a> {
    src: Source<'a>,
    st: State<'a>,
}

fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_sep(b: u8) -> bool {
    b == b' ' || b == b'\t' || b == b','
}

/// Reads the 1 to 3 ASCII digits at `b[i..]` (followed by a non-digit) four
/// bytes at a time, without a branch per digit: candidate numbers are
/// short, and a loop over their digits mispredicts at every token's end.
/// `None` when there are no digits, more than three, or fewer than four
/// bytes left.
#[inline]
fn short_number(b: &[u8], i: usize) -> Option<(u32, usize)> {
    let chunk: [u8; 4] = b.get(i..i + 4)?.try_into().ok()?;
    // Digits become 0..=9; any other byte 10 or more.
    let x = u32::from_le_bytes(chunk) ^ 0x3030_3030;
    // The high bit of each byte that is not a digit. Adding 0x76 carries
    // only out of bytes of 0x8A or more, which are never below the first
    // non-digit, so the lowest flag is exact.
    let flags = (x.wrapping_add(0x7676_7676) | x) & 0x8080_8080;
    let len = (flags.trailing_zeros() / 8) as usize;
    if len == 0 || len > 3 {
        return None;
    }
    // Keep the digits and move them up so that the word reads as a
    // four-digit number with leading zeros, first digit in byte 4 - len.
    let digits = (x & ((1u32 << (8 * len)) - 1)) << (8 * (4 - len));
    // Bytes 0 and 2 become the two-digit pairs, then the pairs combine.
    let pairs = digits.wrapping_mul(10).wrapping_add(digits >> 8);
    let value = (pairs & 0xFF) * 100 + ((pairs >> 16) & 0xFF);
    Some((value, len))
}

/// Reads a run of ASCII digits at `b[i..]`: its value (wrapping: callers
/// bound the length) and its length.
#[inline]
fn digit_run(b: &[u8], mut i: usize) -> (u64, usize) {
    let start = i;
    let mut value: u64 = 0;
    while i < b.len() {
        let d = b[i].wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        value = value.wrapping_mul(10).wrapping_add(u64::from(d));
        i += 1;
    }
    (value, i - start)
}

/// Reads one plain ballot line starting at `i`: `weight {sep cand} sep 0`,
/// with nothing but separators after the `0`. Returns the weight and the
/// start of the next line, or `None` when the line needs the general path
/// (anything unusual, including every error).
#[inline]
fn scan_plain(
    b: &[u8],
    mut i: usize,
    candidates: u32,
    ranking: &mut Vec<CandidateId>,
) -> Option<(u64, usize)> {
    let len = b.len();
    while i < len && is_space(b[i]) {
        i += 1;
    }
    let (weight, digits) = match short_number(b, i) {
        Some((w, n)) => (u64::from(w), n),
        None => digit_run(b, i),
    };
    // At most 18 digits, so the weight did not wrap.
    if digits == 0 || digits > 18 || weight == 0 {
        return None;
    }
    i += digits;
    ranking.clear();
    loop {
        let sep = i;
        while i < len && is_sep(b[i]) {
            i += 1;
        }
        if i == sep {
            return None;
        }
        let (c, digits) = match short_number(b, i) {
            Some(x) => x,
            None => {
                let (c, n) = digit_run(b, i);
                if n > 5 {
                    return None;
                }
                (c as u32, n)
            }
        };
        if digits == 0 {
            return None;
        }
        i += digits;
        if c == 0 {
            break;
        }
        // A strict ranking names each candidate at most once: a longer one
        // repeats someone, and goes to the general path before the buffer
        // grows with the line.
        if c > candidates || ranking.len() == candidates as usize {
            return None;
        }
        ranking.push(CandidateId::new(c as usize - 1)?);
    }
    while i < len && (is_sep(b[i]) || b[i] == b'\r') {
        i += 1;
    }
    if i < len {
        if b[i] != b'\n' {
            return None;
        }
        i += 1;
    }
    Some((weight, i))
}

/// Parses a whole token of ASCII digits, refusing overflow.
fn parse_u64(tok: &[u8]) -> Option<u64> {
    if tok.is_empty() || !tok.iter().all(u8::is_ascii_digit) {
        return None;
    }
    tok.iter().try_fold(0u64, |acc, &d| {
        acc.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

fn is_zero(tok: &[u8]) -> bool {
    !tok.is_empty() && tok.iter().all(|&b| b == b'0')
}

/// The text of a token for an error message. Only its start is converted:
/// [`describe_found`] shows 40 characters, and a token may be as long as
/// the file. 256 bytes are more than 40 characters in any encoding (a cut
/// in the middle of a character shows as U+FFFD, past what is shown), and
/// a longer token keeps its `…`.
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(256)]).into_owned()
}

/// The tokens of `input[from..to]`, separated by `sep` bytes and stopping at
/// `#`, as byte ranges. An iterator rather than a list: a line may be as
/// long as the file, and nothing here keeps a token once it is read.
#[derive(Clone)]
struct Tokens<'a> {
    input: &'a [u8],
    i: usize,
    to: usize,
}

fn tokens(input: &[u8], from: usize, to: usize) -> Tokens<'_> {
    Tokens { input, i: from, to }
}

impl Iterator for Tokens<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let (input, to) = (self.input, self.to);
        let mut i = self.i;
        while i < to && (is_sep(input[i]) || input[i] == b'\r') {
            i += 1;
        }
        if i >= to || starts_comment(&input[i..to]) {
            self.i = to;
            return None;
        }
        let start = i;
        while i < to && !is_sep(input[i]) && input[i] != b'\r' {
            i += 1;
        }
        self.i = i;
        Some((start, i))
    }
}

impl<'a> Source<'a> {
    fn whole(input: &'a [u8]) -> Source<'a> {
        Source {
            whole: input,
            stream: None,
            pos: 0,
            no: 0,
            bom: false,
        }
    }

    fn stream(reader: &'a mut dyn Read, len: Option<u64>) -> Source<'a> {
        Source {
            whole: &[],
            stream: Some(Stream {
                reader,
                buf: Vec::new(),
                filled: 0,
                base: 0,
                complete: 0,
                eof: false,
                len,
            }),
            pos: 0,
            no: 0,
            bom: false,
        }
    }

    /// Reads the first line in and steps over a byte-order mark.
    fn start(&mut self) -> Result<(), Error> {
        // The first line is whole, or the input ended: a mark is never cut.
        self.ensure()?;
        self.bom = self.bytes().starts_with(BOM);
        if self.bom {
            self.pos = BOM.len();
        }
        Ok(())
    }

    /// The bytes held: the whole input, or the stream's window.
    #[inline]
    fn bytes(&self) -> &[u8] {
        match &self.stream {
            Some(s) => &s.buf[..s.filled],
            None => self.whole,
        }
    }

    /// The end of the whole lines in [`Source::bytes`].
    #[inline]
    fn complete(&self) -> usize {
        match &self.stream {
            Some(s) => s.complete,
            None => self.whole.len(),
        }
    }

    /// The offset in the input of the first byte held.
    fn base(&self) -> u64 {
        self.stream.as_ref().map_or(0, |s| s.base)
    }

    /// Makes sure a whole line starts at `pos`, reading on if needed;
    /// false at the end of the input.
    fn ensure(&mut self) -> Result<bool, Error> {
        loop {
            let Some(s) = &mut self.stream else {
                return Ok(self.pos < self.whole.len());
            };
            if self.pos < s.complete {
                return Ok(true);
            }
            if s.eof {
                return Ok(false);
            }
            s.refill(&mut self.pos).map_err(io_error)?;
        }
    }

    /// Reads ahead until `want` bytes from `pos` on are held, or the input
    /// ended; true when it ended.
    fn read_ahead(&mut self, want: usize) -> Result<bool, Error> {
        loop {
            let Some(s) = &mut self.stream else {
                return Ok(true);
            };
            if s.eof {
                return Ok(true);
            }
            if s.complete - self.pos.min(s.complete) >= want {
                return Ok(false);
            }
            s.refill(&mut self.pos).map_err(io_error)?;
        }
    }

    /// The bytes from `pos` to the end of the input: known for an input in
    /// memory, else the stream's length when given (less what was read),
    /// else what the window holds.
    fn rest_hint(&self) -> usize {
        match &self.stream {
            None => self.whole.len().saturating_sub(self.pos),
            Some(s) => {
                let held = s.filled.saturating_sub(self.pos);
                let known = if s.eof { None } else { s.len };
                known.map_or(held, |len| {
                    let rest = len.saturating_sub(s.base + self.pos as u64);
                    usize::try_from(rest).unwrap_or(usize::MAX).max(held)
                })
            }
        }
    }

    /// The next line, or `None` at the end of the input.
    fn next_line(&mut self) -> Result<Option<Line>, Error> {
        if !self.ensure()? {
            return Ok(None);
        }
        let input = self.bytes();
        let complete = self.complete();
        let start = self.pos;
        // Past the last `\n` only at the end of the input: the last line.
        let (mut end, next) = match memchr::memchr(b'\n', &input[start..complete]) {
            Some(k) => (start + k, start + k + 1),
            None => (complete, complete),
        };
        if end > start && input[end - 1] == b'\r' {
            end -= 1;
        }
        let base = self.base();
        self.pos = next;
        self.no += 1;
        Ok(Some(Line {
            no: self.no,
            start,
            end,
            base,
        }))
    }

    /// The next line that is neither blank nor a comment.
    fn next_content_line(&mut self) -> Result<Option<Line>, Error> {
        while let Some(line) = self.next_line()? {
            if !is_empty_line(self.bytes(), line) {
                return Ok(Some(line));
            }
        }
        Ok(None)
    }

    /// Puts back `line`, the last one read, to be read again.
    fn unread(&mut self, line: Line) {
        self.pos = line.start;
        self.no = line.no - 1;
    }

    /// Where the input ends; asked only once it has all been read.
    fn eof_position(&self) -> Position {
        let input = self.bytes();
        let last_start = memchr::memrchr(b'\n', input).map_or(0, |k| k + 1);
        // A stream's window starts a line: with no `\n` in it, the last line
        // starts there.
        let last_start = if last_start == 0 && self.base() == 0 && self.bom {
            BOM.len()
        } else {
            last_start
        };
        let lines = if self.stream.is_none() {
            memchr::memchr_iter(b'\n', input).count() as u64
        } else {
            // Every line read ended with `\n` but an unended last one.
            self.no - u64::from(input.len() > last_start)
        };
        let column = input[last_start.min(input.len())..]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count() as u64
            + 1;
        Position {
            byte: self.base() + input.len() as u64,
            line: lines + 1,
            column,
            ballot: None,
        }
    }

    fn error_eof(&self, expected: impl Into<String>) -> Error {
        Error::syntax(Format::Blt, self.eof_position(), expected, "end of file")
    }
}

/// The trimmed byte range of a line's text.
fn trimmed(input: &[u8], line: Line) -> (usize, usize) {
    let (mut a, mut b) = (line.start, line.end);
    while a < b && is_space(input[a]) {
        a += 1;
    }
    while b > a && is_space(input[b - 1]) {
        b -= 1;
    }
    (a, b)
}

/// True for a blank line or a comment line.
fn is_empty_line(input: &[u8], line: Line) -> bool {
    let (a, b) = trimmed(input, line);
    a == b || starts_comment(&input[a..b])
}

/// Whether `text` (from a line's first non-blank byte, or a token's) is a
/// comment: `#`, or `//`.
fn starts_comment(text: &[u8]) -> bool {
    text.starts_with(b"#") || text.starts_with(b"//")
}

fn position(input: &[u8], line: Line, at: usize) -> Position {
    let column = input[line.start..at.min(line.end.max(line.start))]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count() as u64
        + 1;
    Position {
        byte: line.base + at as u64,
        line: line.no,
        column,
        ballot: None,
    }
}

fn error_at(
    input: &[u8],
    line: Line,
    at: usize,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> Error {
    Error::syntax(Format::Blt, position(input, line, at), expected, found)
}

/// A syntax error in ballot `ballot_no` at byte `at` of `line`.
fn ballot_error(
    input: &[u8],
    line: Line,
    ballot_no: u64,
    at: usize,
    expected: String,
    found: String,
) -> Error {
    let mut pos = position(input, line, at);
    pos.ballot = Some(ballot_no);
    Error::syntax(Format::Blt, pos, expected, found)
}

impl<'a> Reader<'a> {
    fn new(src: Source<'a>, opts: &'a ReadOptions) -> Reader<'a> {
        Reader {
            src,
            st: State {
                opts,
                candidates: 0,
                nicks: HashMap::new(),
                ids_mode: None,
                ids: BallotIds::new(0),
                irregularities: Irregularities::default(),
                ranking: Vec::new(),
                norm: Normalizer::new(opts.policy),
                errors: Vec::new(),
            },
        }
    }

    fn read(mut self, id: &str) -> Result<Election, Error> {
        self.src.start()?;
        let Some(header) = self.src.next_content_line()? else {
            let e = self.src.error_eof("the numbers of candidates and seats");
            return Err(e);
        };
        let (candidates, seats) = self.st.header(self.src.bytes(), header)?;
        self.st.candidates = candidates;
        let mut withdrawn = BTreeSet::new();
        let mut tie_order = None;
        let mut undeclared = BTreeSet::new();
        self.preamble(&mut withdrawn, &mut tie_order, &mut undeclared)?;
        let builder = self.ballots()?;
        let names = self.names();
        let (names, title) = match names {
            Ok(x) => x,
            Err(e) => return Err(self.st.fail(e)),
        };
        if !self.st.errors.is_empty() {
            return Err(Error::join(self.st.errors));
        }
        let candidates: Vec<Candidate> = names
            .into_iter()
            .enumerate()
            .map(|(i, (name, affiliation))| {
                let mut c = Candidate::named(i + 1, name);
                c.affiliation = affiliation;
                if undeclared.contains(&i) {
                    c.attributes.insert(UNDECLARED.into(), "true".into());
                }
                c
            })
            .collect();
        let mut contest = Contest::new(id, title, seats, candidates, builder.build())?
            .with_withdrawn(withdrawn)?;
        if let Some(order) = tie_order {
            contest = contest.with_tie_order(order)?;
        }
        let contest = contest.with_import(self.st.opts.policy, self.st.irregularities);
        Ok(Election::single(contest))
    }

    /// Withdrawn lines and Droop options, up to the first ballot.
    fn preamble(
        &mut self,
        withdrawn: &mut BTreeSet<CandidateId>,
        tie_order: &mut Option<Vec<CandidateId>>,
        undeclared: &mut BTreeSet<usize>,
    ) -> Result<(), Error> {
        loop {
            let Some(line) = self.src.next_content_line()? else {
                return Ok(());
            };
            let input = self.src.bytes();
            let (a, _) = trimmed(input, line);
            let first = input[a];
            let second = input.get(a + 1).copied().unwrap_or(b' ');
            if first == b'-' && second.is_ascii_digit() {
                for (s, e) in tokens(input, line.start, line.end) {
                    let tok = &input[s..e];
                    let c = match tok.split_first() {
                        Some((b'-', num)) => self.st.number(num),
                        _ => None,
                    };
                    let Some(c) = c else {
                        let n = self.st.candidates;
                        return Err(error_at(
                            input,
                            line,
                            s,
                            format!("a withdrawn candidate from -1 to -{n}"),
                            describe_found(&lossy(tok)),
                        ));
                    };
                    withdrawn.insert(c);
                }
            } else if first == b'[' {
                self.st
                    .option(input, line, withdrawn, tie_order, undeclared)?;
            } else {
                // The first ballot (or whatever follows): the blank and
                // comment lines before it are read again as nothing.
                self.src.unread(line);
                return Ok(());
            }
        }
    }

    /// Sizes the store for the ballots to come: one distinct ranking at most
    /// a line, from the lines of the input in memory or, for a stream, from
    /// those of a window read ahead, scaled to the stream's length.
    fn reserve(&mut self, builder: &mut BallotsBuilder) -> Result<(), Error> {
        let ended = self.src.read_ahead(WINDOW / 2)?;
        let bytes = self.src.bytes();
        let held = &bytes[self.src.pos.min(bytes.len())..];
        let rest = if ended {
            held.len()
        } else {
            self.src.rest_hint()
        };
        let lines = if self.src.stream.is_none() || ended {
            memchr::memchr_iter(b'\n', held).count()
        } else {
            scale(memchr::memchr_iter(b'\n', held).count(), rest, held.len())
        };
        // Preferences: the tokens of the first half megabyte's lines less
        // the weight and the closing 0 of each, scaled to the rest. Every
        // paper is counted, so repeated rankings make it an overestimate,
        // which is no cost until it is used; an underestimate would grow the
        // arena by a copy. A preference takes two bytes at least ("7 ").
        let sample = &held[..held.len().min(WINDOW / 2)];
        let mut sampled_prefs = 0;
        let mut from = 0;
        while from < sample.len() {
            let to = memchr::memchr(b'\n', &sample[from..]).map_or(sample.len(), |k| from + k);
            sampled_prefs += tokens(sample, from, to).count().saturating_sub(2);
            from = to + 1;
        }
        let prefs = scale(sampled_prefs, rest, sample.len()).min(rest / 2);
        // One line is at most one distinct ranking; reserving for them all
        // spares the arena and its index from growing step by step. A
        // reserved ranking costs about 25 bytes (end, count, index slots),
        // so the reservation is capped at one ranking per 24 bytes of input,
        // about the input's size: lines that are blank, hold blank papers
        // or are short must not make it several times the file, and the
        // arena grows past it by half again at a time (real ballot lines
        // are longer: the 5M-paper benchmark averages 38 bytes).
        builder.reserve(lines.min(rest / 24), prefs);
        // Room for a ballot id a line, should the ballots have them, but
        // only for lines of 9 bytes or more (`(abc)1 0`): shorter ids are
        // too few to matter, and blank lines must not make the room.
        self.st.ids = BallotIds::new(lines.min(rest / 9));
        Ok(())
    }

    /// The ballot section, through the end marker. Collects every bad ballot
    /// line in `self.st.errors`; fails at once only when the section cannot
    /// be followed any further.
    fn ballots(&mut self) -> Result<BallotsBuilder, Error> {
        let mut builder = BallotsBuilder::new(self.st.candidates);
        self.reserve(&mut builder)?;
        let n = self.st.candidates as u32;
        let mut ranking = std::mem::take(&mut self.st.ranking);
        let mut ballot_no: u64 = 0;
        loop {
            // Ballots with OpenSTV ids never take the plain path, and a plain
            // first ballot settles that ballots have none.
            if self.st.ids_mode != Some(true) {
                // Every plain line the window holds whole, in one go.
                let input = &self.src.bytes()[..self.src.complete()];
                let end = input.len();
                let (mut pos, mut read) = (self.src.pos, 0u64);
                while let Some((weight, next)) = scan_plain(input, pos, n, &mut ranking) {
                    // A repeated candidate (or an overflowing total) goes to
                    // the general path, which applies the policy or reports it.
                    if builder.push(&ranking, weight).is_err() {
                        break;
                    }
                    pos = next;
                    read += 1;
                }
                if read > 0 {
                    self.st.ids_mode = Some(false);
                    self.src.pos = pos;
                    self.src.no += read;
                    ballot_no += read;
                }
                // The window ran out of whole lines: read on.
                if pos >= end && self.src.ensure()? {
                    continue;
                }
            }
            let Some(line) = self.src.next_line()? else {
                let e = self
                    .src
                    .error_eof("a ballot or the 0 that ends the ballots");
                return Err(self.st.fail(e));
            };
            let input = self.src.bytes();
            if is_empty_line(input, line) {
                continue;
            }
            let (a, e) = trimmed(input, line);
            let first = input[a];
            if !(first.is_ascii_digit() || first == b'(' || first == b'-' || first == b'[') {
                // Most likely the names, with the end marker missing.
                let e = error_at(
                    input,
                    line,
                    a,
                    "a ballot or the 0 that ends the ballots",
                    describe_found(&lossy(&input[a..e])),
                );
                return Err(self.st.fail(e));
            }
            match self
                .st
                .ballot_line(input, line, ballot_no + 1, &mut builder)
            {
                Ok(Outcome::End) => break,
                Ok(Outcome::Nothing) => {}
                Ok(Outcome::Ballot) => ballot_no += 1,
                Err(e) => {
                    ballot_no += 1;
                    self.st.errors.push(e);
                    if self.st.errors.len() >= Error::MAX_REPORTED {
                        return Err(Error::join(std::mem::take(&mut self.st.errors)));
                    }
                }
            }
        }
        self.st.ranking = ranking;
        Ok(builder)
    }

    /// Names and title, then what may follow the title.
    #[allow(clippy::type_complexity)]
    fn names(&mut self) -> Result<(Vec<(String, Option<String>)>, String), Error> {
        let n = self.st.candidates;
        // Sized by what the rest of the file can hold (a name takes two bytes
        // at least), not by the header alone; the PrefLib comments' list is
        // made only when such a comment appears.
        let rest = self.src.rest_hint();
        let mut names: Vec<(String, Option<String>)> = Vec::with_capacity(n.min(rest / 2));
        let mut alternative: Vec<Option<String>> = Vec::new();
        let title_line = loop {
            let Some(line) = self.src.next_line()? else {
                let what = if names.len() < n {
                    format!("the name of candidate {} of {n}", names.len() + 1)
                } else {
                    "the election title".to_string()
                };
                return Err(self.src.error_eof(what));
            };
            let input = self.src.bytes();
            let (a, b) = trimmed(input, line);
            if a == b {
                continue;
            }
            if input[a] == b'#' {
                if names.is_empty() {
                    self.st.alternative_name(&input[a + 1..b], &mut alternative);
                }
                continue;
            }
            if starts_comment(&input[a..b]) {
                continue;
            }
            if names.is_empty() && alternative.len() == n && alternative.iter().all(Option::is_some)
            {
                names = alternative
                    .iter_mut()
                    .map(|a| (a.take().unwrap_or_default(), None))
                    .collect();
            }
            if names.len() == n {
                break line;
            }
            let strings = text_line(input, line, 2)?;
            let mut strings = strings.into_iter();
            let name = strings.next().unwrap_or_default();
            // `"Name" ""` is a name with no party (what the writer gives a
            // name that would otherwise read as another dialect).
            names.push((name, strings.next().filter(|p| !p.is_empty())));
        };
        let strings = text_line(self.src.bytes(), title_line, 3)?;
        let mut extras = strings.len().saturating_sub(1);
        let title = strings.into_iter().next().unwrap_or_default();
        // Droop's optional source and comment; after them, or after a blank
        // line, free notes.
        while let Some(line) = self.src.next_line()? {
            let input = self.src.bytes();
            let (a, b) = trimmed(input, line);
            if a == b {
                break;
            }
            if extras == 2 {
                break;
            }
            if starts_comment(&input[a..b]) {
                continue;
            }
            if input[a] == b'"' && extras < 2 {
                extras += text_line(input, line, 2 - extras)?.len();
                continue;
            }
            return Err(error_at(
                input,
                line,
                a,
                "the end of the file after the title (more names than candidates?)",
                describe_found(&lossy(&input[a..b])),
            ));
        }
        Ok((names, title))
    }
}

impl State<'_> {
    /// `candidates seats`.
    fn header(&self, input: &[u8], line: Line) -> Result<(usize, u32), Error> {
        let mut toks = tokens(input, line.start, line.end);
        let max = CandidateId::MAX_CANDIDATES;
        let expected_n = format!("a number of candidates from 1 to {max}");
        let Some((a, b)) = toks.next() else {
            return Err(error_at(input, line, line.start, expected_n, "nothing"));
        };
        let n = match parse_u64(&input[a..b]) {
            Some(n) if n >= 1 && n <= max as u64 => n as usize,
            _ => {
                let found = describe_found(&lossy(&input[a..b]));
                return Err(error_at(input, line, a, expected_n, found));
            }
        };
        let expected_s = format!("a number of seats from 1 to {n}");
        let Some((a, b)) = toks.next() else {
            return Err(error_at(input, line, line.end, expected_s, "end of line"));
        };
        let seats = match parse_u64(&input[a..b]) {
            Some(s) if s >= 1 && s <= n as u64 => s as u32,
            _ => {
                let found = describe_found(&lossy(&input[a..b]));
                return Err(error_at(input, line, a, expected_s, found));
            }
        };
        if let Some(want) = self.opts.seats {
            if want != seats {
                let found = describe_found(&lossy(&input[a..b]));
                return Err(error_at(
                    input,
                    line,
                    a,
                    format!("{want} seats, as the read options say"),
                    found,
                ));
            }
        }
        if let Some((a, b)) = toks.next() {
            let found = describe_found(&lossy(&input[a..b]));
            return Err(error_at(
                input,
                line,
                a,
                "the end of the header line (candidates, seats)",
                found,
            ));
        }
        Ok((n, seats))
    }

    /// A candidate number 1..=candidates.
    fn number(&self, tok: &[u8]) -> Option<CandidateId> {
        match parse_u64(tok) {
            Some(k) if k >= 1 && k <= self.candidates as u64 => CandidateId::new(k as usize - 1),
            _ => None,
        }
    }

    /// A candidate number or nickname.
    fn candidate(&self, tok: &[u8]) -> Option<CandidateId> {
        self.number(tok).or_else(|| self.nicks.get(tok).copied())
    }

    fn expected_candidate(&self) -> String {
        if self.nicks.is_empty() {
            format!("a candidate number from 1 to {}", self.candidates)
        } else {
            format!(
                "a candidate number from 1 to {} or a nickname",
                self.candidates
            )
        }
    }

    /// `[word args...]`.
    fn option(
        &mut self,
        input: &[u8],
        line: Line,
        withdrawn: &mut BTreeSet<CandidateId>,
        tie_order: &mut Option<Vec<CandidateId>>,
        undeclared: &mut BTreeSet<usize>,
    ) -> Result<(), Error> {
        let (open, end) = trimmed(input, line);
        let Some(close) = input[open..end].iter().position(|&b| b == b']') else {
            return Err(error_at(
                input,
                line,
                end,
                "] closing the option",
                "end of line",
            ));
        };
        let close = open + close;
        if let Some((s, e)) = tokens(input, close + 1, end).next() {
            return Err(error_at(
                input,
                line,
                s,
                "the end of the line after the option",
                describe_found(&lossy(&input[s..e])),
            ));
        }
        let mut toks = tokens(input, open + 1, close);
        let Some((ns, ne)) = toks.next() else {
            return Err(error_at(input, line, open + 1, "an option name", "nothing"));
        };
        let args = toks;
        let n = self.candidates;
        // Each argument as a candidate, streamed: an option line may be long.
        let each = |this: &Self, f: &mut dyn FnMut(CandidateId) -> bool| {
            for (s, e) in args.clone() {
                let tok = &input[s..e];
                let Some(c) = this.candidate(tok) else {
                    return Err(error_at(
                        input,
                        line,
                        s,
                        this.expected_candidate(),
                        describe_found(&lossy(tok)),
                    ));
                };
                if !f(c) {
                    break;
                }
            }
            Ok(())
        };
        match &input[ns..ne] {
            b"tie" => {
                let mut order = Vec::new();
                let mut distinct = BTreeSet::new();
                // More than n arguments cannot be an order of n: stop there.
                each(self, &mut |c| {
                    distinct.insert(c);
                    order.push(c);
                    order.len() <= n
                })?;
                if order.len() != n || distinct.len() != n {
                    return Err(error_at(
                        input,
                        line,
                        open,
                        format!("a [tie] order naming each of the {n} candidates once"),
                        describe_found(&lossy(&input[open..=close])),
                    ));
                }
                *tie_order = Some(order);
            }
            b"withdrawn" => each(self, &mut |c| {
                withdrawn.insert(c);
                true
            })?,
            b"undeclared" => each(self, &mut |c| {
                undeclared.insert(c.index());
                true
            })?,
            b"nick" => {
                let too_many = || {
                    error_at(
                        input,
                        line,
                        open,
                        format!("a [nick] list of {n} nicknames, one per candidate"),
                        describe_found(&lossy(&input[open..=close])),
                    )
                };
                let mut nicks = HashMap::new();
                for (i, (s, e)) in args.enumerate() {
                    if i == n {
                        return Err(too_many());
                    }
                    let nick = &input[s..e];
                    let bad = nick.iter().all(u8::is_ascii_digit)
                        || nick.contains(&b'=')
                        || nick == b"-"
                        || nicks.contains_key(nick);
                    let id = CandidateId::new(i);
                    match id {
                        Some(id) if !bad => {
                            nicks.insert(nick.to_vec(), id);
                        }
                        _ => {
                            return Err(error_at(
                                input,
                                line,
                                s,
                                "a nickname not used before, not a number and without `=`",
                                describe_found(&lossy(nick)),
                            ));
                        }
                    }
                }
                if nicks.len() != n {
                    return Err(too_many());
                }
                self.nicks = nicks;
            }
            // Counting options: recount takes its rules from elsewhere.
            b"droop" => {}
            other => {
                return Err(error_at(
                    input,
                    line,
                    ns,
                    "an option tie, withdrawn, nick, undeclared or droop",
                    describe_found(&lossy(other)),
                ));
            }
        }
        Ok(())
    }

    /// One ballot line on the general path.
    fn ballot_line(
        &mut self,
        input: &[u8],
        line: Line,
        ballot_no: u64,
        builder: &mut BallotsBuilder,
    ) -> Result<Outcome, Error> {
        let err = |at: usize, expected: String, found: String| {
            ballot_error(input, line, ballot_no, at, expected, found)
        };
        let found_tok = |s: usize, e: usize| describe_found(&lossy(&input[s..e]));
        let (a, end) = trimmed(input, line);
        let mut from = line.start;
        let mut id: Option<(usize, usize)> = None;
        if input[a] == b'(' {
            let Some(k) = input[a..end].iter().position(|&b| b == b')') else {
                return Err(err(
                    end,
                    "a ) closing the ballot id".into(),
                    "end of line".into(),
                ));
            };
            id = Some((a, a + k + 1));
            from = a + k + 1;
        }
        let mut toks = tokens(input, from, line.end);
        let Some((ws, we)) = toks.next() else {
            if id.is_some() {
                return Err(err(
                    line.end,
                    "a paper count of 1 after the ballot id".into(),
                    "end of line".into(),
                ));
            }
            return Ok(Outcome::Nothing);
        };
        let weight_tok = &input[ws..we];
        if id.is_none() && is_zero(weight_tok) {
            if let Some((s, e)) = toks.next() {
                return Err(err(
                    ws,
                    "a paper count of at least 1 (a lone 0 ends the ballots)".into(),
                    format!("{} followed by {}", found_tok(ws, we), found_tok(s, e)),
                ));
            }
            return Ok(Outcome::End);
        }
        let has_id = id.is_some();
        match self.ids_mode {
            None => self.ids_mode = Some(has_id),
            Some(mode) if mode != has_id => {
                let (expected, at) = if mode {
                    ("a ballot id, as the first ballot has", ws)
                } else {
                    ("no ballot id, as the first ballot has none", a)
                };
                let found = match id {
                    Some((s, e)) => found_tok(s, e),
                    None => found_tok(ws, we),
                };
                return Err(err(at, expected.into(), found));
            }
            Some(_) => {}
        }
        let weight = match parse_u64(weight_tok) {
            Some(w) if w >= 1 && (!has_id || w == 1) => w,
            Some(w) if w >= 1 => {
                return Err(err(
                    ws,
                    "a paper count of 1 after a ballot id".into(),
                    found_tok(ws, we),
                ));
            }
            Some(_) => {
                return Err(err(
                    ws,
                    "a paper count of at least 1 (a lone 0 ends the ballots)".into(),
                    found_tok(ws, we),
                ));
            }
            None => {
                let expected = if weight_tok.iter().all(u8::is_ascii_digit) {
                    "a paper count below 2^64"
                } else {
                    "a paper count"
                };
                return Err(err(ws, expected.into(), found_tok(ws, we)));
            }
        };
        // The ranks stream into the policy: nothing here grows with the
        // line, only with the number of candidates.
        let mut norm = std::mem::replace(&mut self.norm, Normalizer::new(self.opts.policy));
        norm.start();
        let mut closed = false;
        for (s, e) in toks.by_ref() {
            let tok = &input[s..e];
            if is_zero(tok) {
                closed = true;
                break;
            }
            if tok == b"-" {
                norm.push(Slot::Skipped, (s, e));
                continue;
            }
            if tok.contains(&b'=') {
                // Every part is checked and kept: a policy that keeps the
                // tie needs them all.
                let mut tied: Vec<CandidateId> = Vec::new();
                let mut at = s;
                for part in tok.split(|&b| b == b'=') {
                    let Some(c) = self.candidate(part) else {
                        let found = if part.is_empty() {
                            "nothing".to_string()
                        } else {
                            describe_found(&lossy(part))
                        };
                        self.norm = norm;
                        return Err(err(at, self.expected_candidate(), found));
                    };
                    tied.push(c);
                    at += part.len() + 1;
                }
                // A token holding `=` has two parts or more, each checked.
                norm.push(Slot::Equal(&tied), (s, e));
                continue;
            }
            let Some(c) = self.candidate(tok) else {
                self.norm = norm;
                return Err(err(s, self.expected_candidate(), found_tok(s, e)));
            };
            norm.push(Slot::One(c), (s, e));
        }
        let result = self.close_ballot(
            input,
            line,
            ballot_no,
            id,
            (ws, we),
            weight,
            toks,
            closed,
            &mut norm,
            builder,
        );
        self.norm = norm;
        result
    }

    /// The end of a ballot line on the general path, once its ranks are
    /// read: what follows them, the ballot id, the policy's verdict and the
    /// arena.
    #[allow(clippy::too_many_arguments)]
    fn close_ballot(
        &mut self,
        input: &[u8],
        line: Line,
        ballot_no: u64,
        id: Option<(usize, usize)>,
        (ws, we): (usize, usize),
        weight: u64,
        mut toks: Tokens<'_>,
        closed: bool,
        norm: &mut Normalizer<(usize, usize)>,
        builder: &mut BallotsBuilder,
    ) -> Result<Outcome, Error> {
        let err = |at: usize, expected: String, found: String| {
            ballot_error(input, line, ballot_no, at, expected, found)
        };
        let found_tok = |s: usize, e: usize| describe_found(&lossy(&input[s..e]));
        if !closed {
            return Err(err(
                line.end,
                "0 ending the ballot".into(),
                "end of line".into(),
            ));
        }
        if let Some((s, e)) = toks.next() {
            return Err(err(
                s,
                "the end of the line after the ballot's closing 0".into(),
                found_tok(s, e),
            ));
        }
        if let Some((s, e)) = id {
            if let Some(first) = self.ids.insert(ids::key(input, s), ballot_no) {
                return Err(err(
                    s,
                    format!("a ballot id not used before (ballot {first} has it)"),
                    found_tok(s, e),
                ));
            }
        }
        let ranking = match norm.finish(weight, &mut self.irregularities) {
            Ok(ranking) => ranking,
            Err((refused, (s, e))) => {
                return Err(err(
                    s,
                    "a strict ranking".into(),
                    format!(
                        "{} {}; set {}",
                        refused.irregularity,
                        found_tok(s, e),
                        refused.irregularity.option()
                    ),
                ));
            }
        };
        match builder.push_ranked(ranking, weight) {
            Ok(()) => Ok(Outcome::Ballot),
            Err(RankingError::TooManyPapers) => Err(err(
                ws,
                "a total of papers below 2^64".into(),
                papers_past_limit(builder.papers(), weight),
            )),
            Err(RankingError::ArenaFull) => Err(err(
                ws,
                "at most 2^32 preferences in all distinct rankings".into(),
                found_tok(ws, we),
            )),
            // The policy made the ranking strict and every candidate was checked.
            Err(other) => Err(err(ws, "a strict ranking".into(), other.to_string())),
        }
    }

    /// Fails with everything collected so far plus `last`.
    fn fail(&mut self, last: Error) -> Error {
        let mut errors = std::mem::take(&mut self.errors);
        errors.push(last);
        Error::join(errors)
    }

    /// Records `# ALTERNATIVE NAME i: text` (PrefLib) comments.
    fn alternative_name(&self, text: &[u8], out: &mut Vec<Option<String>>) {
        let Ok(text) = std::str::from_utf8(text) else {
            return;
        };
        let Some(rest) = text.trim_start().strip_prefix("ALTERNATIVE NAME") else {
            return;
        };
        let Some((num, name)) = rest.split_once(':') else {
            return;
        };
        if let Ok(i) = num.trim().parse::<usize>() {
            if (1..=self.candidates).contains(&i) && out.is_empty() {
                out.resize(self.candidates, None);
            }
            if let Some(slot) = i.checked_sub(1).and_then(|i| out.get_mut(i)) {
                *slot = Some(name.trim().to_string());
            }
        }
    }
}

/// A name or title line: up to `max` quoted strings, or unquoted text.
fn text_line(input: &[u8], line: Line, max: usize) -> Result<Vec<String>, Error> {
    let (a, b) = trimmed(input, line);
    let text = match std::str::from_utf8(&input[a..b]) {
        Ok(t) => t,
        Err(e) => {
            let at = a + e.valid_up_to();
            return Err(error_at(
                input,
                line,
                at,
                "UTF-8 text",
                format!("byte 0x{:02X}", input[at]),
            ));
        }
    };
    if let Some((k, c)) = text
        .char_indices()
        .find(|&(_, c)| (c < ' ' && c != '\t') || c == '\u{7f}')
    {
        return Err(error_at(
            input,
            line,
            a + k,
            "a name or title",
            format!("control character U+{:04X}", u32::from(c)),
        ));
    }
    if !text.starts_with('"') {
        let t = text.trim_end_matches([',', ' ', '\t']);
        return Ok(vec![t.to_string()]);
    }
    let mut out = Vec::new();
    let mut i = 0;
    let bytes = text.as_bytes();
    let mut csv_escaped = false;
    while i < bytes.len() {
        if bytes[i] == b'#' && !out.is_empty() {
            break;
        }
        if bytes[i] != b'"' || out.len() == max {
            let what = if out.len() == max {
                "the end of the line"
            } else {
                "a quoted string or the end of the line"
            };
            return Err(error_at(
                input,
                line,
                a + i,
                what,
                describe_found(&text[i..]),
            ));
        }
        let open = i;
        i += 1;
        let mut s = String::new();
        loop {
            let Some(k) = text[i..].find('"') else {
                return Err(error_at(
                    input,
                    line,
                    a + open,
                    "a quoted string closed on the same line",
                    describe_found(&text[open..]),
                ));
            };
            s.push_str(&text[i..i + k]);
            i += k + 1;
            if bytes.get(i) == Some(&b'"') {
                s.push('"');
                csv_escaped = true;
                i += 1;
            } else {
                break;
            }
        }
        out.push(s);
        while i < bytes.len() && is_space(bytes[i]) {
            i += 1;
        }
    }
    if csv_escaped && out.len() == 1 && out[0].starts_with('"') {
        // A whole line quoted again by a spreadsheet: read what it held.
        let inner = out.remove(0);
        return inner_text_line(input, line, &inner, max);
    }
    if csv_escaped && out.len() == 1 && max == 2 {
        // The Scottish 2022 dialect: `"Grn ""Richie BRIAN"""` is the
        // party, then the candidate's name quoted.
        if let Some((name, party)) = party_then_name(&out[0]) {
            return Ok(vec![name, party]);
        }
    }
    Ok(out)
}

/// Reads the content of a CSV-wrapped line as a name or title line.
fn inner_text_line(
    input: &[u8],
    line: Line,
    inner: &str,
    max: usize,
) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    let mut rest = inner.trim();
    while !rest.is_empty() {
        let body = rest.strip_prefix('"').and_then(|r| r.split_once('"'));
        match body {
            Some((s, tail)) if out.len() < max => {
                out.push(s.to_string());
                rest = tail.trim_start();
            }
            _ => {
                let (a, _) = trimmed(input, line);
                return Err(error_at(
                    input,
                    line,
                    a,
                    format!("at most {max} quoted strings"),
                    describe_found(inner),
                ));
            }
        }
    }
    Ok(out)
}

/// `s` as a BLT quoted string, its quotes doubled.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `PARTY "NAME"` (spaces after it allowed): the name and the party of the
/// Scottish 2022 name lines, `Grn "Richie BRIAN"`. Neither may be empty or
/// hold a quote.
fn party_then_name(content: &str) -> Option<(String, String)> {
    let (party, rest) = content.split_once('"')?;
    let (name, tail) = rest.split_once('"')?;
    let party = party.trim();
    let name = name.trim();
    (!party.is_empty() && !name.is_empty() && tail.trim().is_empty() && !tail.contains('"'))
        .then(|| (name.to_string(), party.to_string()))
}

/// Writes an election of one contest as canonical BLT (see the module
/// documentation for what BLT can and cannot carry).
pub fn write(e: &Election, out: &mut dyn io::Write) -> Result<(), Error> {
    let unrepresentable = |what: String| {
        Error::new(ErrorKind::Unrepresentable {
            format: Format::Blt,
            what,
        })
    };
    let [contest] = e.contests() else {
        return Err(unrepresentable(format!(
            "{} contests; a BLT file holds one",
            e.contests().len()
        )));
    };
    // Quotes are written doubled (`""`, as the reader reads them); only
    // control characters, which no reader here accepts, and a title that
    // starts with a quote cannot be written.
    let check = |what: &str, s: &str| {
        if s.chars().any(|c| (c < ' ' && c != '\t') || c == '\u{7f}') {
            Err(unrepresentable(format!(
                "{what} {s:?} holds a control character"
            )))
        } else {
            Ok(())
        }
    };
    for c in contest.candidates() {
        check("the name", &c.name)?;
        if let Some(a) = &c.affiliation {
            check("the party", a)?;
        }
    }
    check("the title", contest.title())?;
    if contest.title().starts_with('"') {
        return Err(unrepresentable(format!(
            "the title {:?} starts with a double quote",
            contest.title()
        )));
    }

    let mut w = io::BufWriter::with_capacity(1 << 16, out);
    let mut line = Vec::with_capacity(256);
    writeln!(w, "{} {}", contest.candidates().len(), contest.seats())?;
    if !contest.withdrawn().is_empty() {
        let ids: Vec<String> = contest
            .withdrawn()
            .iter()
            .map(|c| format!("-{}", c.number()))
            .collect();
        writeln!(w, "{}", ids.join(" "))?;
    }
    if let Some(order) = contest.tie_order() {
        let ids: Vec<String> = order.iter().map(|c| c.number().to_string()).collect();
        writeln!(w, "[tie {}]", ids.join(" "))?;
    }
    let undeclared: Vec<String> = contest
        .candidate_ids()
        .filter(|&c| {
            contest
                .candidate(c)
                .attributes
                .get(UNDECLARED)
                .map(String::as_str)
                == Some("true")
        })
        .map(|c| c.number().to_string())
        .collect();
    if !undeclared.is_empty() {
        writeln!(w, "[undeclared {}]", undeclared.join(" "))?;
    }
    for b in contest.ballots().iter() {
        line.clear();
        push_number(&mut line, b.count.0);
        for c in b.ranking {
            line.push(b' ');
            push_number(&mut line, c.number() as u64);
        }
        line.extend_from_slice(b" 0\n");
        w.write_all(&line)?;
    }
    // Rankings with equal preferences after the strict ones, `=` joining
    // the candidates of a rank (read back with `--equal-rankings keep`).
    for r in contest.ballots().equal_rankings() {
        line.clear();
        push_number(&mut line, r.count.0);
        for rank in r.ranks() {
            line.push(b' ');
            for (k, c) in rank.iter().enumerate() {
                if k > 0 {
                    line.push(b'=');
                }
                push_number(&mut line, c.number() as u64);
            }
        }
        line.extend_from_slice(b" 0\n");
        w.write_all(&line)?;
    }
    let blank = contest.ballots().blank().0;
    if blank > 0 {
        writeln!(w, "{blank} 0")?;
    }
    writeln!(w, "0")?;
    for c in contest.candidates() {
        let name = quoted(&c.name);
        match c.affiliation.as_deref().filter(|a| !a.is_empty()) {
            Some(a) => writeln!(w, "{name} {}", quoted(a))?,
            // A lone quoted string whose content starts with a quote, or is
            // `PARTY "NAME"`, reads as a spreadsheet's dialect: an empty
            // party string keeps it a plain name.
            None if c.name.starts_with('"') || party_then_name(&c.name).is_some() => {
                writeln!(w, "{name} \"\"")?
            }
            None => writeln!(w, "{name}")?,
        }
    }
    writeln!(w, "{}", quoted(contest.title()))?;
    w.flush()?;
    Ok(())
}

fn push_number(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(line: &[u8], candidates: u32) -> Option<(u64, Vec<usize>, usize)> {
        let mut ranking = Vec::new();
        scan_plain(line, 0, candidates, &mut ranking)
            .map(|(w, next)| (w, ranking.iter().map(|c| c.number()).collect(), next))
    }

    #[test]
    fn the_plain_path_takes_only_plain_lines() {
        #[rustfmt::skip]
        type Plain = Option<(u64, &'static [usize], usize)>;
        let cases: &[(&[u8], Plain)] = &[
            (b"4 1 2 0\n9 9 0\n", Some((4, &[1, 2], 8))),
            (b"  12\t3,1 0,\r\n", Some((12, &[3, 1], 13))),
            (b"3378  0", Some((3378, &[], 7))),
            (b"1 1 1 0\n", Some((1, &[1, 1], 8))), // repeats are the builder's to find
            (b"0\n", None),                        // the end marker
            (b"0 1 0\n", None),                    // zero papers
            (b"4 1 10 0\n", None),                 // out of range
            (b"4 1 2\n", None),                    // no closing 0
            (b"4 1 2=3 0\n", None),
            (b"4 1 - 3 0\n", None),
            (b"(a) 1 1 0\n", None),
            (b"4 1 0 # note\n", None),
            (b"4 1 0 2 0\n", None),
            (b"4x 1 0\n", None),
            (b"1234567890123456789 1 0\n", None), // 19 digits: checked on the general path
            (b"4 000001 0\n", None),
        ];
        for (line, want) in cases {
            let got = plain(line, 9);
            let want = want.map(|(w, r, n)| (w, r.to_vec(), n));
            assert_eq!(got, want, "{:?}", String::from_utf8_lossy(line));
        }
    }

    /// The scanner alone, without the arena, on the file of
    /// `tests/blt_speed.rs`: separates the reader's own cost from the
    /// cost of merging rankings in [`BallotsBuilder`].
    #[test]
    #[ignore = "reads the 250 MB file written by tests/blt_speed.rs; run by hand"]
    fn plain_scanner_throughput_on_senate_5m() {
        let path = std::env::var_os("BLT_SPEED_FILE")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("senate-5m.blt"));
        let bytes = std::fs::read(path).unwrap();
        let start = std::time::Instant::now();
        let mut i = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
        let (mut papers, mut prefs) = (0u64, 0usize);
        let mut ranking = Vec::new();
        while let Some((w, next)) = scan_plain(&bytes, i, 100, &mut ranking) {
            papers += w;
            prefs += ranking.len();
            i = next;
        }
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(papers, 5_000_000);
        eprintln!(
            "scanned {i} bytes, {prefs} preferences in {secs:.3} s: {:.0} MB/s",
            i as f64 / secs / 1e6
        );
    }

    #[test]
    fn short_numbers_are_read_four_bytes_at_a_time() {
        #[rustfmt::skip]
        type Short = Option<(u32, usize)>;
        let cases: &[(&[u8], Short)] = &[
            (b"7 1 0", Some((7, 1))),
            (b"12 0", Some((12, 2))),
            (b"100\n", Some((100, 3))),
            (b"999,", Some((999, 3))),
            (b"0 \n\n", Some((0, 1))),
            (b"042 ", Some((42, 3))),
            (b"1234", None),
            (b" 12 ", None),
            (b"12", None),
            (b"9\xff\xff\xff", Some((9, 1))),
            (b"5:::", Some((5, 1))),
            (b"5///", Some((5, 1))),
            (b"5\x80\x8a\xff", Some((5, 1))),
        ];
        for (bytes, want) in cases {
            assert_eq!(
                short_number(bytes, 0),
                *want,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
        // Every number of one to three digits, before every byte that is not a digit.
        for n in 0..1000u32 {
            for len in 1..=3usize {
                let text = format!("{n:0len$}");
                if text.len() != len {
                    continue;
                }
                for after in (0..=255u8).filter(|b| !b.is_ascii_digit()) {
                    let mut bytes = text.clone().into_bytes();
                    bytes.resize(4, after);
                    assert_eq!(short_number(&bytes, 0), Some((n, len)), "{text:?} {after}");
                }
            }
        }
    }

    #[test]
    fn numbers_parse_without_overflow() {
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), None);
        assert_eq!(parse_u64(b"007"), Some(7));
        assert_eq!(parse_u64(b""), None);
        assert_eq!(parse_u64(b"-1"), None);
        assert_eq!(parse_u64(b"1e3"), None);
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 999, 1_000_000, u64::MAX] {
            let mut out = Vec::new();
            push_number(&mut out, n);
            assert_eq!(out, n.to_string().into_bytes());
        }
    }

    #[test]
    fn tokens_split_on_spaces_tabs_and_commas_and_stop_at_comments() {
        let line = b" 4,1\t2  0 # 5 6";
        let toks: Vec<&[u8]> = tokens(line, 0, line.len())
            .map(|(a, b)| &line[a..b])
            .collect();
        assert_eq!(toks, [&b"4"[..], b"1", b"2", b"0"]);
    }

    #[test]
    fn double_slash_comment_lines_and_trailing_notes_are_comments() {
        // Issue 15: Droop and OpenSTV files carry `//` notes.
        let plain = b"3 2\n4 1 2 0\n2 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n";
        let noted = b"// made by hand\n3 2\n  // the ballots\n4 1 2 0 // four\n2 3 0\n0\n// the names\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n";
        let opts = ReadOptions::default();
        assert_eq!(read(plain, &opts).unwrap(), read(noted, &opts).unwrap());
        // A single slash is still an error, at its place.
        let err = read(b"3 2\n4 1 / 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n", &opts).unwrap_err();
        assert_eq!(err.position().map(|p| p.line), Some(2));
    }

    #[test]
    fn the_plain_and_general_paths_agree() {
        // The same lines, plain and with a comment (which sends them to the
        // general path).
        let lines = ["4 1 2 0", "2 3 0", "7 2 1 3 0", "1 3 0", "5 0"];
        let plain: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let general: String = lines.iter().map(|l| format!("{l} # g\n")).collect();
        let file = |body: &str| format!("3 2\n{body}0\nA\nB\nC\nT\n").into_bytes();
        let opts = ReadOptions::default();
        let a = read(&file(&plain), &opts).unwrap();
        let b = read(&file(&general), &opts).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.contests()[0].ballots().total_papers(), 19);
    }
}
