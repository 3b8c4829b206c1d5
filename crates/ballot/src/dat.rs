//! The rank-position `.dat` reader ("ballot format" of Denis Mollison's
//! Scottish council election files): one column per candidate holding the
//! rank that paper gave them.
//!
//! Grammar (`SP` is spaces or tabs; lines may end in `\r\n`; blank lines are
//! ignored; a UTF-8 byte-order mark is skipped):
//!
//! ```text
//! file      = ward-line counts-line candidate{ncands} paper*
//! ward-line = ward SP name                       ; ward: digits; name: the rest
//! counts    = seats SP ncands SP nlines SP nballots
//! candidate = name "," SP party                  ; split at the last comma
//!           | '"' name '"' SP '"' party '"' [SP "," SP]   ; BLT-style pair
//! paper     = count { SP rank }                  ; exactly ncands ranks
//! rank      = digits from 0 (unranked) to ncands
//! ```
//!
//! `nlines` must equal the number of paper lines and `nballots` the sum of
//! their counts; a mismatch is an error at the declared value. A ward with
//! no papers (uncontested: `nlines` and `nballots` 0, possibly fewer
//! candidates than seats) loads as a contest with no ballots, which the
//! model allows; deciding who is elected is the count's business.
//!
//! Interpretation: candidate `i` (id `"i"`) is named by its line's name and
//! affiliated to its party (none when empty). Names are kept exactly as
//! written, including the mis-encoded non-ASCII letters some files carry
//! (`VON-DÃ–RING`): recount does not guess at repairs. A paper's ranks
//! become slots by rank: rank `r` held by one candidate is [`Slot::One`], by
//! two or more [`Slot::Equal`], by none (with a higher rank used) a
//! [`Slot::Skipped`]; [`crate::ImportPolicy::normalize`] then makes a strict
//! ranking or refuses the paper naming the option to set. A paper ranking
//! nobody is a blank paper.
//!
//! The seats come from the file; [`ReadOptions::seats`], when given, must
//! agree. The contest's id is [`ReadOptions::id`] (the ward number when
//! that is empty) and its title the ward's name.

use crate::error::describe_found;
use crate::model::{Candidate, CandidateId, Contest, Election};
use crate::policy::{Irregularities, Normalizer, Refused, Slot};
use crate::preflib::{InBallot, Line, Text, policy_expected};
use crate::store::{BallotsBuilder, RankingError, papers_past_limit};
use crate::{Error, Format, ReadOptions};

const FORMAT: Format = Format::Dat;

/// Reads a rank-position `.dat` file.
pub fn read(input: &[u8], opts: &ReadOptions) -> Result<Election, Error> {
    let text = Text::new(input, FORMAT)?;
    let mut lines = text.lines();
    let end = |what: &str| Error::syntax(FORMAT, text.end(), what, "the end of the file");
    let ward_line = lines.next().ok_or_else(|| end("a ward number and name"))?;
    let (ward, name) = ward_and_name(&ward_line)?;

    let counts_line = lines
        .next()
        .ok_or_else(|| end("a line \"seats candidates lines papers\""))?;
    let mut fields = fields(counts_line.text);
    let labels = ["seats", "candidates", "paper lines", "papers"];
    let mut counts = [(0u64, 0usize); 4];
    for (i, label) in labels.iter().enumerate() {
        let Some((at, tok)) = fields.next() else {
            return Err(counts_line.error(
                FORMAT,
                counts_line.text.len(),
                format!("the number of {label}"),
                "the end of the line",
            ));
        };
        let v = tok.parse::<u64>().map_err(|_| {
            counts_line.error(
                FORMAT,
                at,
                format!("the number of {label}"),
                describe_found(tok),
            )
        })?;
        counts[i] = (v, at);
    }
    if let Some((at, tok)) = fields.next() {
        return Err(counts_line.error(FORMAT, at, "the end of the line", describe_found(tok)));
    }
    let [
        (seats, seats_at),
        (ncands, ncands_at),
        (nlines, nlines_at),
        (nballots, nballots_at),
    ] = counts;
    let seats = match u32::try_from(seats) {
        Ok(s) if s >= 1 => s,
        _ => {
            return Err(counts_line.error(
                FORMAT,
                seats_at,
                "a number of seats from 1",
                seats.to_string(),
            ));
        }
    };
    if let Some(want) = opts.seats.filter(|&s| s != seats) {
        return Err(counts_line.error(
            FORMAT,
            seats_at,
            format!("{want} seats, as the options say"),
            seats.to_string(),
        ));
    }
    let n = match usize::try_from(ncands) {
        Ok(n) if (1..=CandidateId::MAX_CANDIDATES).contains(&n) => n,
        _ => {
            return Err(counts_line.error(
                FORMAT,
                ncands_at,
                format!(
                    "a number of candidates from 1 to {}",
                    CandidateId::MAX_CANDIDATES
                ),
                ncands.to_string(),
            ));
        }
    };

    // Not `with_capacity(n)`: the header alone must not cost 65,535
    // candidates' worth of memory; the lines that follow pay for them.
    let mut candidates = Vec::new();
    for i in 1..=n {
        let line = lines.next().ok_or_else(|| {
            Error::syntax(
                FORMAT,
                text.end(),
                format!("{n} candidate lines"),
                format!("the end of the file after {}", i - 1),
            )
        })?;
        let (name, party) = candidate(&line)?;
        let mut c = Candidate::named(i, name);
        c.affiliation = Some(party.to_owned()).filter(|p| !p.is_empty());
        candidates.push(c);
    }

    let mut builder = BallotsBuilder::new(n);
    let mut seen = Irregularities::default();
    let mut errors = Vec::new();
    let mut paper_lines = 0u64;
    let mut papers = 0u64;
    // Sized by the first paper line, which holds a rank per candidate.
    let mut ranks: Vec<(u64, usize)> = Vec::new();
    let mut order: Vec<usize> = Vec::new();
    let mut by_rank: Vec<CandidateId> = Vec::new();
    let mut bounds: Vec<(usize, usize)> = Vec::new();
    let mut norm: Normalizer<usize> = Normalizer::new(opts.policy);
    for line in lines {
        paper_lines += 1;
        let result = read_paper(&line, n, &mut ranks).and_then(|(count, count_at)| {
            // Candidates in rank order; `bounds[r - 1]` spans those given rank r.
            order.clear();
            order.extend((0..n).filter(|&i| ranks[i].0 > 0));
            order.sort_by_key(|&i| (ranks[i].0, i));
            by_rank.clear();
            by_rank.extend(order.iter().filter_map(|&i| CandidateId::new(i)));
            let top = order.last().map_or(0, |&i| ranks[i].0) as usize;
            bounds.clear();
            bounds.resize(top, (0, 0));
            let mut k = 0;
            for (r, b) in bounds.iter_mut().enumerate() {
                let start = k;
                while k < order.len() && ranks[order[k]].0 as usize == r + 1 {
                    k += 1;
                }
                *b = (start, k);
            }
            norm.start();
            for (r, &(a, b)) in bounds.iter().enumerate() {
                let slot = match b - a {
                    0 => Slot::Skipped,
                    1 => Slot::One(by_rank[a]),
                    _ => Slot::Equal(&by_rank[a..b]),
                };
                norm.push(slot, r);
            }
            let ranking = norm
                .finish(count, &mut seen)
                .map_err(|(r, _): (Refused, usize)| {
                    // Point at the second candidate of a tie, or at the
                    // first rank after a gap.
                    let (a, b) = bounds[r.slot];
                    let k = if b - a >= 2 { a + 1 } else { a };
                    let at = order.get(k).map_or(count_at, |&i| ranks[i].1);
                    (at, policy_expected(&r), r.irregularity.to_string())
                })?;
            papers = papers.checked_add(count).ok_or((
                count_at,
                "a total of papers below 2^64".to_string(),
                papers_past_limit(papers, count),
            ))?;
            builder.push_ranked(ranking, count).map_err(|e| match e {
                RankingError::ArenaFull => (
                    count_at,
                    "at most 2^32 preferences in all distinct rankings".to_string(),
                    "a ranking past that limit".to_string(),
                ),
                other => (count_at, "a valid ranking".to_string(), other.to_string()),
            })
        });
        if let Err((at, expected, found)) = result {
            errors.push(
                line.error(FORMAT, at, expected, found)
                    .in_ballot_number(paper_lines),
            );
            if errors.len() >= Error::MAX_REPORTED {
                break;
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    for (declared, actual, at, what) in [
        (nlines, paper_lines, nlines_at, "paper lines"),
        (nballots, papers, nballots_at, "papers"),
    ] {
        if declared != actual {
            return Err(counts_line.error(
                FORMAT,
                at,
                format!("the number of {what} in the file, {actual}"),
                declared.to_string(),
            ));
        }
    }

    let id = if opts.id.is_empty() {
        ward.to_string()
    } else {
        opts.id.clone()
    };
    let contest =
        Contest::new(id, name, seats, candidates, builder.build())?.with_import(opts.policy, seen);
    Ok(Election::single(contest))
}

type LineError = (usize, String, String);

/// The whitespace-separated tokens of a line with their byte offsets, one
/// at a time: a paper line may be as long as the file.
fn fields(s: &str) -> impl Iterator<Item = (usize, &str)> + Clone {
    let mut rest = s;
    std::iter::from_fn(move || {
        let trimmed = rest.trim_start_matches([' ', '\t']);
        if trimmed.is_empty() {
            rest = trimmed;
            return None;
        }
        let at = s.len() - trimmed.len();
        let len = trimmed.find([' ', '\t']).unwrap_or(trimmed.len());
        rest = &trimmed[len..];
        Some((at, &trimmed[..len]))
    })
}

fn ward_and_name<'a>(line: &Line<'a>) -> Result<(u64, &'a str), Error> {
    let text = line.text.trim_start();
    let at = line.text.len() - text.len();
    let len = text.find([' ', '\t']).unwrap_or(text.len());
    let ward = text[..len]
        .parse::<u64>()
        .map_err(|_| line.error(FORMAT, at, "a ward number", describe_found(&text[..len])))?;
    Ok((ward, text[len..].trim()))
}

/// A candidate line: `Name, Party` or `"Name" "Party"` (maybe with a trailing comma).
fn candidate<'a>(line: &Line<'a>) -> Result<(&'a str, &'a str), Error> {
    let text = line.text.trim_end();
    if let Some(rest) = text.strip_prefix('"') {
        let quoted = |s: &'a str, at: usize| -> Result<(&'a str, &'a str), Error> {
            s.find('"')
                .map(|e| (&s[..e], &s[e + 1..]))
                .ok_or_else(|| line.error(FORMAT, at, "a closing '\"'", "the end of the line"))
        };
        let (name, after) = quoted(rest, text.len())?;
        let after_trim = after.trim_start();
        let at = text.len() - after_trim.len();
        let Some(party_rest) = after_trim.strip_prefix('"') else {
            return Err(line.error(FORMAT, at, "a quoted party", describe_found(after_trim)));
        };
        let (party, tail) = quoted(party_rest, text.len())?;
        let tail_trim = tail.trim();
        if !(tail_trim.is_empty() || tail_trim == ",") {
            let at = text.len() - tail.trim_start().len();
            return Err(line.error(FORMAT, at, "the end of the line", describe_found(tail_trim)));
        }
        return Ok((name, party));
    }
    match text.rfind(',') {
        Some(comma) => Ok((text[..comma].trim(), text[comma + 1..].trim())),
        None => Err(line.error(
            FORMAT,
            0,
            "a candidate line \"Name, Party\"",
            describe_found(text),
        )),
    }
}

/// Reads `count r_1 … r_n` into `ranks` as (rank, byte offset); gives the count.
fn read_paper(
    line: &Line<'_>,
    n: usize,
    ranks: &mut Vec<(u64, usize)>,
) -> Result<(u64, usize), LineError> {
    ranks.clear();
    let mut tokens = fields(line.text);
    let (count_at, tok) =
        tokens
            .next()
            .ok_or((0, "a count of papers".to_string(), "nothing".to_string()))?;
    let count = match tok.parse::<u64>() {
        Ok(c) if c >= 1 => c,
        _ => {
            return Err((
                count_at,
                "a count of papers (a whole number from 1)".into(),
                describe_found(tok),
            ));
        }
    };
    for i in 0..n {
        let Some((at, tok)) = tokens.next() else {
            return Err((
                line.text.len(),
                format!("{n} ranks after the count"),
                format!("{i}"),
            ));
        };
        match tok.parse::<u64>() {
            Ok(r) if r <= n as u64 => ranks.push((r, at)),
            _ => {
                return Err((
                    at,
                    format!("a rank from 0 to {n} for candidate {}", i + 1),
                    describe_found(tok),
                ));
            }
        }
    }
    if let Some((at, tok)) = tokens.next() {
        return Err((
            at,
            format!("the end of the line after {n} ranks"),
            describe_found(tok),
        ));
    }
    Ok((count, count_at))
}
