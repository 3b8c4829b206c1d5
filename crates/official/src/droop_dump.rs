//! Reader of Droop's stage dumps (`test/ref/dump/*.txt` of Jonathan
//! Lundell's Droop), turned into an [`OfficialSheet`] so that a reference
//! count of another program is compared exactly like a published one.
//!
//! Grammar (tab-separated; one row a line):
//!
//! ```text
//! dump    = header row*
//! header  = "R" TAB "Action" TAB "Quota" TAB "Non-Transferable" (TAB n ".name" TAB n ".state" TAB n ".vote")*
//! row     = round TAB action TAB rest
//! round   = digit+ | "X"                   ; "X": the closing row
//! action  = "log" | "round" | …            ; "log" and "round" rows carry text
//! rest    = quota TAB nt (TAB name TAB state TAB vote)*   ; other actions
//! state   = "H" hopeful | "e" elected, surplus pending | "E" elected
//!         | "D" defeated | "W" withdrawn
//! ```
//!
//! Every row other than `log` and `round` is a snapshot after an action:
//! `begin`, `elect`, `unpend`, `tie`, `defeat`, `transfer`, `end`, …. The
//! candidates of a dump are those of the first snapshot (Droop leaves
//! withdrawn candidates out), in its order; every snapshot must name the
//! same candidates in the same order.
//!
//! Stages: stage 1 is the last snapshot of round 0 (first preferences
//! counted, nobody moved); stage k + 1 is the last snapshot of the k-th
//! round that moved votes (has a `transfer` row). A round with no transfer
//! (Droop's rounds that only elect the remaining candidates) is no stage,
//! as [`mod@crate::compare`] drops our [`count::Action::ElectRemaining`] stages.
//! The elected are those in state `E` or `e` at the last snapshot.

use crate::decimal::Decimal;
use crate::error::{Error, Position, SheetFormat, describe_found};
use crate::sheet::{Cell, OfficialCandidate, OfficialSheet, OfficialStage};

/// One snapshot row of a dump.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// The round (`None` for the closing `X` row).
    pub round: Option<u32>,
    /// The action the row follows (`begin`, `transfer`, `defeat`, …).
    pub action: String,
    /// The quota.
    pub quota: Cell,
    /// The non-transferable votes (Droop's "Nontransferable votes"; its
    /// rounding residual is not in the dump).
    pub non_transferable: Cell,
    /// Per candidate, in dump order: state letter and votes.
    pub candidates: Vec<(char, Cell)>,
}

/// A Droop dump, read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DroopDump {
    /// The candidates' names, in dump order.
    pub names: Vec<String>,
    /// The snapshot rows, in order (`log` and `round` rows left out).
    pub snapshots: Vec<Snapshot>,
}

fn syntax(pos: Position, expected: impl Into<String>, found: impl Into<String>) -> Error {
    Error::syntax(SheetFormat::DroopDump, pos, expected, found)
}

/// Reads a dump.
///
/// ```
/// let dump = "R\tAction\tQuota\tNon-Transferable\t1.name\t1.state\t1.vote\t2.name\t2.state\t2.vote\n\
///             0\tbegin\t2.0001\t0.0000\tCastor\tH\t4.0000\tPollux\tH\t0.0000\n\
///             1\tround\tNew Round\n\
///             1\ttransfer\t2.0001\t0.0000\tCastor\tE\t2.0001\tPollux\tH\t1.9999\n\
///             X\tend\t2.0001\t0.0000\tCastor\tE\t2.0001\tPollux\tH\t1.9999\n";
/// let read = official::droop_dump::read(dump.as_bytes()).unwrap();
/// let sheet = read.to_sheet();
/// assert_eq!(sheet.stages.len(), 2);
/// assert_eq!(sheet.stages[1].totals[1].unwrap().text(), "1.9999");
/// assert_eq!(sheet.elected, vec![0]);
///
/// // A vote that is not a decimal is refused with its place.
/// let bad = dump.replace("1.9999\nX", "1,9999\nX");
/// let err = official::droop_dump::read(bad.as_bytes()).unwrap_err();
/// assert_eq!(err.position().map(|p| (p.line, p.column)), Some((4, 51)));
/// ```
pub fn read(bytes: &[u8]) -> Result<DroopDump, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let good = std::str::from_utf8(bytes.get(..e.valid_up_to()).unwrap_or_default())
            .unwrap_or_default();
        syntax(
            Position::of_byte(good, good.len()),
            "UTF-8 text",
            "an invalid byte",
        )
    })?;
    let mut names: Option<Vec<String>> = None;
    let mut snapshots = Vec::new();
    let mut errors = Vec::new();
    let mut offset = 0usize;
    let mut record = 0u64;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let line = line.trim_end_matches(['\n', '\r']);
        if i == 0 {
            if !line.starts_with("R\tAction\tQuota\tNon-Transferable") {
                return Err(syntax(
                    Position::of_byte(text, 0),
                    "the header \"R\\tAction\\tQuota\\tNon-Transferable…\"",
                    describe_found(line),
                ));
            }
            continue;
        }
        if line.is_empty() {
            continue;
        }
        let here = record;
        record += 1;
        // Each field with the byte where it starts.
        let mut fields = Vec::new();
        let mut at = start;
        for f in line.split('\t') {
            fields.push((f, at));
            at += f.len() + 1;
        }
        let pos = |byte: usize| Position::of_byte(text, byte).in_record(here);
        let (round_text, round_at) = fields[0];
        let round = if round_text == "X" {
            None
        } else {
            match round_text.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.push(syntax(
                        pos(round_at),
                        "a round number or X",
                        describe_found(round_text),
                    ));
                    continue;
                }
            }
        };
        let Some(&(action, action_at)) = fields.get(1) else {
            errors.push(syntax(
                pos(at.saturating_sub(1)),
                "an action",
                "end of line",
            ));
            continue;
        };
        if action == "log" || action == "round" {
            continue;
        }
        let rest = &fields[2..];
        if rest.len() < 2 || (rest.len() - 2) % 3 != 0 {
            errors.push(syntax(
                pos(action_at),
                "quota, non-transferable, then name, state and vote for each candidate",
                format!("{} fields", rest.len()),
            ));
            continue;
        }
        let cell = |(f, b): (&str, usize), what: &str| match Decimal::parse(f) {
            Some(value) => Ok(Cell { value, pos: pos(b) }),
            None => Err(syntax(pos(b), what.to_owned(), describe_found(f))),
        };
        let mut keep = |r: Result<Cell, Error>| r.map_err(|e| errors.push(e)).ok();
        let quota = keep(cell(rest[0], "a quota"));
        let nt = keep(cell(rest[1], "a non-transferable total"));
        let mut row_names = Vec::new();
        let mut candidates = Vec::new();
        for triple in rest[2..].chunks(3) {
            let (name, _) = triple[0];
            let (state, state_at) = triple[1];
            let state = match state {
                "H" | "e" | "E" | "D" | "W" => state.chars().next(),
                _ => keep(Err(syntax(
                    pos(state_at),
                    "a state H, e, E, D or W",
                    describe_found(state),
                )))
                .and(None),
            };
            let vote = keep(cell(triple[2], "a vote"));
            row_names.push(name.to_owned());
            if let (Some(s), Some(v)) = (state, vote) {
                candidates.push((s, v));
            }
        }
        match &names {
            None => names = Some(row_names.clone()),
            Some(known) if *known != row_names => {
                errors.push(syntax(
                    pos(action_at),
                    format!("the candidates of the first snapshot: {}", known.join(", ")),
                    row_names.join(", "),
                ));
                continue;
            }
            Some(_) => {}
        }
        if let (Some(quota), Some(non_transferable)) = (quota, nt) {
            if candidates.len() == row_names.len() {
                snapshots.push(Snapshot {
                    round,
                    action: action.to_owned(),
                    quota,
                    non_transferable,
                    candidates,
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::join(errors));
    }
    match names {
        Some(names) => Ok(DroopDump { names, snapshots }),
        None => Err(syntax(
            Position::of_byte(text, text.len()),
            "at least one snapshot row",
            "none",
        )),
    }
}

impl DroopDump {
    /// The snapshots of each stage, in stage order: stage 1 is round 0's,
    /// then each round that moved votes (the module docs); the last
    /// snapshot of each is the state at the end of the stage.
    pub fn stage_snapshots(&self) -> Vec<Vec<&Snapshot>> {
        let mut stages: Vec<Vec<&Snapshot>> = Vec::new();
        let mut first: Vec<&Snapshot> = Vec::new();
        let mut round: Vec<&Snapshot> = Vec::new();
        fn flush<'s>(round: &mut Vec<&'s Snapshot>, stages: &mut Vec<Vec<&'s Snapshot>>) {
            if round.iter().any(|s| s.action == "transfer") {
                stages.push(std::mem::take(round));
            }
            round.clear();
        }
        for s in &self.snapshots {
            match s.round {
                Some(0) => first.push(s),
                r => {
                    if round.last().is_some_and(|l| l.round != r) {
                        flush(&mut round, &mut stages);
                    }
                    round.push(s);
                }
            }
        }
        flush(&mut round, &mut stages);
        if !first.is_empty() {
            stages.insert(0, first);
        }
        stages
    }

    /// The dump as a sheet (stages by the rule of the module docs).
    pub fn to_sheet(&self) -> OfficialSheet {
        let stages: Vec<&Snapshot> = self
            .stage_snapshots()
            .iter()
            .filter_map(|round| round.last().copied())
            .collect();
        let first = self.snapshots.iter().find(|s| s.round == Some(0));
        let last = self.snapshots.last();
        OfficialSheet {
            format: SheetFormat::DroopDump,
            name: None,
            code: None,
            seats: None,
            valid_poll: None,
            quota: first.or(last).map(|s| s.quota),
            candidates: self
                .names
                .iter()
                .map(|n| OfficialCandidate {
                    name: n.clone(),
                    surname: None,
                    party: None,
                    pos: None,
                })
                .collect(),
            stages: stages
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let totals = s.candidates.iter().map(|&(_, v)| Some(v)).collect();
                    let mut stage = OfficialStage::new(i as u32 + 1, totals);
                    stage.non_transferable = Some(s.non_transferable);
                    stage.elected = elected(s);
                    stage
                })
                .collect(),
            elected: last.map(elected).unwrap_or_default(),
            warnings: Vec::new(),
        }
    }
}

fn elected(s: &Snapshot) -> Vec<usize> {
    s.candidates
        .iter()
        .enumerate()
        .filter(|(_, (state, _))| matches!(state, 'E' | 'e'))
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "R\tAction\tQuota\tNon-Transferable\t1.name\t1.state\t1.vote\t2.name\t2.state\t2.vote\t3.name\t3.state\t3.vote\n";

    fn row(round: &str, action: &str, votes: [&str; 3], states: &str) -> String {
        let s: Vec<char> = states.chars().collect();
        format!(
            "{round}\t{action}\t2.0001\t0.0000\tCastor\t{}\t{}\tPollux\t{}\t{}\tHelen\t{}\t{}\n",
            s[0], votes[0], s[1], votes[1], s[2], votes[2]
        )
    }

    /// Droop's `42-wigm-prf-fixed-p4-d4.txt`, whole.
    fn wigm_42() -> String {
        [
            HEAD.to_owned(),
            "0\tlog\tAdd eligible: Castor\n".into(),
            row("0", "begin", ["4.0000", "0.0000", "2.0000"], "HHH"),
            "1\tround\tNew Round\n".into(),
            row("1", "elect", ["4.0000", "0.0000", "2.0000"], "eHH"),
            row("1", "unpend", ["4.0000", "0.0000", "2.0000"], "EHH"),
            row("1", "transfer", ["2.0001", "1.9996", "2.0000"], "EHH"),
            "2\tround\tNew Round\n".into(),
            row("2", "defeat", ["2.0001", "1.9996", "2.0000"], "EDH"),
            row("2", "transfer", ["2.0001", "0.0000", "2.0000"], "EDH"),
            row("2", "elect", ["2.0001", "0.0000", "2.0000"], "EDE"),
            row("X", "end", ["2.0001", "0.0000", "2.0000"], "EDE"),
        ]
        .concat()
    }

    #[test]
    fn rounds_that_move_votes_are_stages() {
        let dump = read(wigm_42().as_bytes()).unwrap();
        assert_eq!(dump.names, ["Castor", "Pollux", "Helen"]);
        assert_eq!(dump.snapshots.len(), 8);
        let sheet = dump.to_sheet();
        let totals: Vec<Vec<String>> = sheet
            .stages
            .iter()
            .map(|s| s.totals.iter().map(|c| c.unwrap().text()).collect())
            .collect();
        assert_eq!(
            totals,
            [
                ["4.0000", "0.0000", "2.0000"],
                ["2.0001", "1.9996", "2.0000"],
                ["2.0001", "0.0000", "2.0000"],
            ]
        );
        assert_eq!(sheet.quota.map(|q| q.text()), Some("2.0001".into()));
        assert_eq!(sheet.elected, [0, 2]);
    }

    #[test]
    fn a_round_that_only_elects_is_no_stage() {
        let mut text = wigm_42();
        text = text.replace(&row("X", "end", ["2.0001", "0.0000", "2.0000"], "EDE"), "");
        text.push_str("3\tround\tNew Round\n");
        text.push_str(&row("3", "elect", ["2.0001", "0.0000", "2.0000"], "EDE"));
        assert_eq!(read(text.as_bytes()).unwrap().to_sheet().stages.len(), 3);
    }

    #[test]
    fn bad_rows_are_all_reported_with_places() {
        let text = wigm_42()
            .replace("1\ttransfer\t2.0001", "1\ttransfer\t2,0001")
            .replace(
                "2\tdefeat\t2.0001\t0.0000\tCastor\tE",
                "2\tdefeat\t2.0001\t0.0000\tCastor\tQ",
            );
        let err = read(text.as_bytes()).unwrap_err();
        let places: Vec<_> = err
            .to_string()
            .lines()
            .map(|l| l.split(": ").next().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(places, ["7:12", "9:31"]);
        assert!(
            err.to_string()
                .contains("expected a state H, e, E, D or W, found \"Q\""),
            "{err}"
        );
        assert!(read(b"R\tAction\n").is_err());
        assert!(read(b"nonsense\n").is_err());
    }
}
