//! The optional records of a bundle (`specs/bundle.md` section 7): each
//! contest's electoral roll and nomination records, the declared turnout
//! and the declared result. This module owns their grammars, one canonical
//! byte form each, and the publisher's canonical forms of a source's lines;
//! [`crate::audit`] checks what they say.
//!
//! ```text
//! roll/<contest>.csv         roll        = *(member LF)        ; strictly increasing bytewise
//! nominations/<contest>.csv  nominations = *(nomination LF)    ; non-decreasing bytewise
//!                            nomination  = time "," member "," candidate "," action
//!                            action      = "nominate" / "withdraw"
//! member, candidate          (ALPHA / DIGIT) *63(ALPHA / DIGIT / "." / "_" / "-")
//! time                       YYYY-MM-DDTHH:MM:SSZ             ; layout::Timestamp
//! ```
//!
//! Members are pseudonymous ids: the roll says who may nominate and vote,
//! never who a member is. Nominations sort by time first, because the time
//! comes first and has one width.
//!
//! `turnout.json` and `result.json` are canonical JSON (as `election.json`),
//! with one entry per contest of the statement, sorted by contest id.

use serde::{Deserialize, Serialize};

use crate::layout::{self, TextFault, Timestamp};

/// The directory of the electoral rolls.
pub const ROLL_DIR: &str = "roll";
/// The directory of the nomination records.
pub const NOMINATIONS_DIR: &str = "nominations";
/// The declared turnout.
pub const TURNOUT_FILE: &str = "turnout.json";
/// The declared result.
pub const RESULT_FILE: &str = "result.json";

/// The path of contest `id`'s roll.
pub fn roll_path(id: &str) -> String {
    format!("{ROLL_DIR}/{id}.csv")
}

/// The path of contest `id`'s nomination records.
pub fn nominations_path(id: &str) -> String {
    format!("{NOMINATIONS_DIR}/{id}.csv")
}

/// What a per-contest file of a bundle is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContestFile {
    /// `ballots/<contest>.csv`.
    Ballots,
    /// `roll/<contest>.csv`.
    Roll,
    /// `nominations/<contest>.csv`.
    Nominations,
}

/// The kind and contest id of a per-contest file's path, if it is one.
pub fn contest_file(path: &str) -> Option<(ContestFile, &str)> {
    let (dir, rest) = path.split_once('/')?;
    let kind = match dir {
        layout::BALLOTS_DIR => ContestFile::Ballots,
        ROLL_DIR => ContestFile::Roll,
        NOMINATIONS_DIR => ContestFile::Nominations,
        _ => return None,
    };
    let id = rest.strip_suffix(".csv")?;
    (!id.is_empty() && !id.contains('/')).then_some((kind, id))
}

/// The lines of a text without their LFs (none for an empty text); `str::lines`
/// would take "\r\n" for a line end.
fn lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    body.split('\n')
        .filter(move |_| !text.is_empty())
        .enumerate()
        .map(|(i, l)| (i as u64 + 1, l))
}

fn member_rule(field: &str, what: &str) -> Result<(), String> {
    layout::candidate_id_rule(field).map_err(|why| format!("{what} {field:?}: an id {why}"))
}

/// Reads a roll: its members, or the faults of its lines (grammar and
/// order), at most `limit`.
pub fn read_roll(text: &str, limit: usize) -> Result<Vec<&str>, Vec<TextFault>> {
    let mut members = Vec::new();
    let mut faults = Vec::new();
    let mut previous: Option<&str> = None;
    for (n, line) in lines(text) {
        if faults.len() >= limit {
            break;
        }
        if let Err(why) = member_rule(line, "member") {
            faults.push(TextFault::at(n, why));
        } else if let Some(p) = previous
            && line <= p
        {
            faults.push(TextFault::at(
                n,
                if line == p {
                    format!("member {line:?} again; the roll lists each member once")
                } else {
                    format!("not sorted: sorts before line {} (bytewise order)", n - 1)
                },
            ));
        }
        previous = Some(line);
        members.push(line);
    }
    if faults.is_empty() {
        Ok(members)
    } else {
        Err(faults)
    }
}

/// What a nomination record does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// The member supports the candidate.
    Nominate,
    /// The member withdraws an earlier nomination of the candidate.
    Withdraw,
}

/// One line of a nominations file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nomination<'a> {
    /// Its line, from 1.
    pub line: u64,
    /// When it was made.
    pub time: Timestamp,
    /// The nominator's pseudonymous id.
    pub member: &'a str,
    /// The candidate's id.
    pub candidate: &'a str,
    /// What it does.
    pub action: Action,
}

fn nomination(n: u64, line: &str) -> Result<Nomination<'_>, String> {
    let fields: Vec<&str> = line.split(',').collect();
    let [time, member, candidate, action] = fields[..] else {
        return Err(format!(
            "{} fields; expected 4: time,member,candidate,action",
            fields.len()
        ));
    };
    let time = Timestamp::parse(time)?;
    member_rule(member, "member")?;
    member_rule(candidate, "candidate")?;
    let action = match action {
        "nominate" => Action::Nominate,
        "withdraw" => Action::Withdraw,
        other => {
            return Err(format!(
                "action {other:?}; expected \"nominate\" or \"withdraw\""
            ));
        }
    };
    Ok(Nomination {
        line: n,
        time,
        member,
        candidate,
        action,
    })
}

/// Reads a nominations file: its records in file order, or the faults of
/// its lines (grammar and order), at most `limit`.
pub fn read_nominations(text: &str, limit: usize) -> Result<Vec<Nomination<'_>>, Vec<TextFault>> {
    let mut records = Vec::new();
    let mut faults = Vec::new();
    let mut previous: Option<&str> = None;
    for (n, line) in lines(text) {
        if faults.len() >= limit {
            break;
        }
        match nomination(n, line) {
            Err(why) => faults.push(TextFault::at(n, why)),
            Ok(r) => records.push(r),
        }
        if let Some(p) = previous
            && line < p
        {
            faults.push(TextFault::at(
                n,
                format!("not sorted: sorts before line {} (bytewise order)", n - 1),
            ));
        }
        previous = Some(line);
    }
    if faults.is_empty() {
        Ok(records)
    } else {
        Err(faults)
    }
}

/// The canonical roll of a source's members, one a line in any order:
/// sorted. A member listed twice is refused (at its second line), never
/// merged.
pub fn canonical_roll(source: &str) -> Result<String, TextFault> {
    let mut members: Vec<(&str, u64)> = Vec::new();
    for (n, line) in lines(source) {
        member_rule(line, "member").map_err(|why| TextFault::at(n, why))?;
        members.push((line, n));
    }
    members.sort_unstable();
    if let Some(w) = members.windows(2).find(|w| w[0].0 == w[1].0) {
        let (first, again) = (w[0].1.min(w[1].1), w[0].1.max(w[1].1));
        return Err(TextFault::at(
            again,
            format!("member {:?} again (first at line {first})", w[0].0),
        ));
    }
    Ok(members.iter().map(|(m, _)| format!("{m}\n")).collect())
}

/// The canonical nominations of a source's records, one a line in any
/// order: checked and sorted.
pub fn canonical_nominations(source: &str) -> Result<String, TextFault> {
    let mut records: Vec<&str> = Vec::new();
    for (n, line) in lines(source) {
        nomination(n, line).map_err(|why| TextFault::at(n, why))?;
        records.push(line);
    }
    records.sort_unstable();
    Ok(records.iter().map(|r| format!("{r}\n")).collect())
}

/// `turnout.json`: what the authority declares of each contest's papers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Turnout {
    /// One entry per contest, sorted by id.
    pub contests: Vec<ContestTurnout>,
}

/// The declared turnout of one contest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContestTurnout {
    /// Blank papers (ranking nobody) among `papers`.
    pub blank: u64,
    /// The contest.
    pub id: String,
    /// Electors sent a personal voting link.
    pub links_sent: u64,
    /// Papers counted: the lines of the contest's ballots file.
    pub papers: u64,
    /// Papers cast but rejected, so not in the ballots file.
    pub rejected: u64,
}

/// `result.json`: the result the authority declared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredResult {
    /// One entry per contest, sorted by id.
    pub contests: Vec<ContestResult>,
}

/// The declared result of one contest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContestResult {
    /// The candidate ids elected, in order of election.
    pub elected: Vec<String>,
    /// The contest.
    pub id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_their_contest() {
        assert_eq!(
            contest_file("roll/north.csv"),
            Some((ContestFile::Roll, "north"))
        );
        assert_eq!(
            contest_file("nominations/n-1.csv"),
            Some((ContestFile::Nominations, "n-1"))
        );
        assert_eq!(
            contest_file("ballots/x.csv"),
            Some((ContestFile::Ballots, "x"))
        );
        assert_eq!(contest_file("roll/a/b.csv"), None);
        assert_eq!(contest_file("roll/.csv"), None);
        assert_eq!(contest_file("other/a.csv"), None);
    }

    #[test]
    fn a_roll_is_sorted_members_each_once() {
        assert_eq!(read_roll("m1\nm2\n", 10).unwrap(), ["m1", "m2"]);
        assert_eq!(read_roll("", 10).unwrap(), Vec::<&str>::new());
        let faults = read_roll("m2\nm1\nm1\nm 3\n", 10).unwrap_err();
        let got: Vec<(Option<u64>, bool)> = faults
            .iter()
            .map(|f| (f.line, f.message.contains("again")))
            .collect();
        assert_eq!(got, [(Some(2), false), (Some(3), true), (Some(4), false)]);
    }

    #[test]
    fn nominations_parse_and_refuse_with_their_line() {
        let text = "2022-05-01T10:00:00Z,m1,7,nominate\n2022-05-02T10:00:00Z,m1,7,withdraw\n";
        let r = read_nominations(text, 10).unwrap();
        assert_eq!(r[1].action, Action::Withdraw);
        assert_eq!(r[1].member, "m1");
        assert_eq!(r[1].line, 2);
        for (bad, what) in [
            ("2022-05-01T10:00:00Z,m1,7\n", "3 fields"),
            ("2022-05-01 10:00:00Z,m1,7,nominate\n", "YYYY-MM-DD"),
            ("2022-05-01T10:00:00Z,m1,7,second\n", "action \"second\""),
            ("2022-05-01T10:00:00Z,,7,nominate\n", "member \"\""),
            (
                "2022-05-02T10:00:00Z,m1,7,nominate\n2022-05-01T10:00:00Z,m1,7,nominate\n",
                "not sorted",
            ),
        ] {
            let f = read_nominations(bad, 10).unwrap_err();
            assert!(f[0].message.contains(what), "{bad:?}: {f:?}");
        }
    }

    #[test]
    fn the_publisher_sorts_a_source_and_refuses_a_repeated_member() {
        assert_eq!(canonical_roll("b\na\n").unwrap(), "a\nb\n");
        let f = canonical_roll("b\na\nb\n").unwrap_err();
        assert_eq!(f.line, Some(3));
        assert!(f.message.contains("first at line 1"), "{}", f.message);
        let noms = "2022-05-02T10:00:00Z,m1,7,withdraw\n2022-05-01T10:00:00Z,m1,7,nominate\n";
        let sorted = canonical_nominations(noms).unwrap();
        assert!(sorted.starts_with("2022-05-01"));
        assert!(read_nominations(&sorted, 10).is_ok());
        assert_eq!(canonical_nominations("x\n").unwrap_err().line, Some(1));
    }
}
