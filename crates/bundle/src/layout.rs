//! The files of a `recount-bundle/1` directory and their one canonical
//! byte form each: `election.json`, `rules.json`, `ballots/<contest>.csv`
//! (`MANIFEST` and `statement` are [`crate::manifest`]'s and
//! [`crate::note`]'s). [`crate::publish`] writes them, [`crate::verify`]
//! refuses every other spelling; neither ever repairs one.
//!
//! Grammar of a ballots file (one paper a line, no header):
//!
//! ```text
//! ballots  = *(paper LF)              ; lines sorted bytewise, repeats allowed
//! paper    = "-" / id *("," id)       ; "-" is a blank paper
//! id       = (ALPHA / DIGIT) *63(ALPHA / DIGIT / "." / "_" / "-")
//! ```
//!
//! The ids are the contest's candidate ids in `election.json`, first
//! preference first, each at most once. A paper of weight w in the source
//! is w lines, so each line is one paper and one Merkle leaf.
//!
//! `election.json` and `rules.json` are JSON as `serde_json`'s pretty
//! printer writes it (2-space indent, `": "`, non-ASCII as UTF-8, only `"`,
//! `\` and control characters escaped), keys sorted bytewise, with a final
//! LF. `rules.json` is exactly what `recount rules PRESET` prints.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The bundle's metadata file.
pub const ELECTION_FILE: &str = "election.json";
/// The bundle's counting rules.
pub const RULES_FILE: &str = "rules.json";
/// The MANIFEST file.
pub const MANIFEST_FILE: &str = "MANIFEST";
/// The signed statement (a C2SP signed note).
pub const STATEMENT_FILE: &str = "statement";
/// The directory of ballots files.
pub const BALLOTS_DIR: &str = "ballots";
/// The value of `election.json`'s `format`.
pub const FORMAT: &str = "recount-bundle/1";
/// The line of a blank paper in a ballots file.
pub const BLANK_PAPER: &str = "-";

/// The path of contest `id`'s ballots file.
pub fn ballots_path(id: &str) -> String {
    format!("{BALLOTS_DIR}/{id}.csv")
}

/// The contest id of a ballots file's path, if it is one.
pub fn contest_of_path(path: &str) -> Option<&str> {
    path.strip_prefix("ballots/")?.strip_suffix(".csv")
}

/// `election.json`. Fields are declared in bytewise order so that the
/// serialiser writes keys sorted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionMeta {
    /// The contests, sorted by id.
    pub contests: Vec<ContestMeta>,
    /// Always [`FORMAT`].
    pub format: String,
    /// The election id (the statement's `election`).
    pub id: String,
    /// How candidates reach the ballot, when they need nominations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nomination: Option<NominationRule>,
    /// The election's title.
    pub title: String,
    /// When members could vote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voting: Option<VotingWindow>,
}

/// The nomination rule: supporting nominations from distinct eligible
/// members, made before the deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NominationRule {
    /// Nominations made at or after this instant do not count.
    pub deadline: Timestamp,
    /// The fewest supporting nominations a candidate needs to stand, at least 1.
    pub threshold: u32,
}

/// The voting window: papers could be cast from `opens` until `closes`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VotingWindow {
    /// The end of voting.
    pub closes: Timestamp,
    /// The start of voting.
    pub opens: Timestamp,
}

/// One contest of `election.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContestMeta {
    /// Every candidate, in ballot-paper order (the order a count and its
    /// tie-breaks by candidate order use). Candidates who never reached
    /// the ballot are listed too, with their status.
    pub candidates: Vec<CandidateMeta>,
    /// Representation constraints; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<ConstraintMeta>,
    /// The contest id, naming `ballots/<id>.csv`.
    pub id: String,
    /// Seats to fill, at least 1.
    pub seats: u32,
    /// An order for breaking ties, strongest first: every candidate on the
    /// ballot once. Absent when the rules break ties otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tie_order: Option<Vec<String>>,
    /// The contest's title.
    pub title: String,
}

/// One candidate of `election.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CandidateMeta {
    /// Party or other affiliation; absent (never `null`) when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
    /// Attributes that constraints read (`gender`, `bame`, …); absent when none.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
    /// The id the ballots file writes.
    pub id: String,
    /// The name on the ballot paper.
    pub name: String,
    /// Whether the candidate stands, and if not, why.
    pub status: Status,
    /// When staff vetted the candidate's self-nomination; absent if never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vetted: Option<Timestamp>,
}

/// A representation constraint of `election.json`: at least `min` and at
/// most `max` elected among the candidates whose `attribute` is `value`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConstraintMeta {
    /// The attribute, e.g. `gender`.
    pub attribute: String,
    /// The most of the group to elect; absent when unbounded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u32>,
    /// The fewest of the group to elect (0 for no minimum), always written.
    pub min: u32,
    /// The value that puts a candidate in the group, e.g. `woman`.
    pub value: String,
}

impl From<&ballot::constraints::Constraint> for ConstraintMeta {
    fn from(c: &ballot::constraints::Constraint) -> ConstraintMeta {
        ConstraintMeta {
            attribute: c.attribute.clone(),
            max: c.max,
            min: c.min,
            value: c.value.clone(),
        }
    }
}

impl From<&ConstraintMeta> for ballot::constraints::Constraint {
    fn from(c: &ConstraintMeta) -> ballot::constraints::Constraint {
        ballot::constraints::Constraint {
            attribute: c.attribute.clone(),
            value: c.value.clone(),
            min: c.min,
            max: c.max,
        }
    }
}

/// Whether a candidate stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// On the ballot and counted.
    Standing,
    /// On the ballot but withdrawn: papers skip the candidate.
    Withdrawn,
    /// Never on the ballot: staff did not vet the self-nomination.
    NotVetted,
    /// Never on the ballot: fewer supporting nominations than the threshold.
    InsufficientNominations,
}

impl Status {
    /// Whether the candidate is on the ballot paper (standing or withdrawn).
    pub fn on_ballot(self) -> bool {
        matches!(self, Status::Standing | Status::Withdrawn)
    }

    /// The status as `election.json` writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Standing => "standing",
            Status::Withdrawn => "withdrawn",
            Status::NotVetted => "not-vetted",
            Status::InsufficientNominations => "insufficient-nominations",
        }
    }
}

/// An instant in UTC, written `YYYY-MM-DDTHH:MM:SSZ` (RFC 3339 with
/// seconds and `Z`, nothing else), so that bytewise order is time order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Timestamp(String);

impl Timestamp {
    /// Reads `text`, or says what is wrong with it.
    pub fn parse(text: &str) -> Result<Timestamp, String> {
        let b = text.as_bytes();
        let shape = b.len() == 20
            && b.iter().enumerate().all(|(i, &c)| match i {
                4 | 7 => c == b'-',
                10 => c == b'T',
                13 | 16 => c == b':',
                19 => c == b'Z',
                _ => c.is_ascii_digit(),
            });
        if !shape {
            return Err(format!(
                "{text:?} is not a time in the form YYYY-MM-DDTHH:MM:SSZ (UTC)"
            ));
        }
        let n = |r: std::ops::Range<usize>| text[r].parse::<u32>().unwrap_or(u32::MAX);
        let (year, month, day) = (n(0..4), n(5..7), n(8..10));
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => 0,
        };
        if day == 0 || day > days || n(11..13) > 23 || n(14..16) > 59 || n(17..19) > 59 {
            return Err(format!("{text:?} is not a date and time that exists"));
        }
        Ok(Timestamp(text.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The canonical bytes of a value: pretty JSON and a final LF.
pub fn canonical_json<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).expect("bundle metadata serialises");
    s.push('\n');
    s
}

/// Whether `id` is a valid candidate id (the `id` rule above).
pub fn candidate_id_rule(id: &str) -> Result<(), &'static str> {
    let b = id.as_bytes();
    if b.is_empty() || b.len() > 64 {
        return Err("must be 1 to 64 characters");
    }
    if !b[0].is_ascii_alphanumeric() {
        return Err("must start with A-Z, a-z or 0-9");
    }
    if !b
        .iter()
        .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
    {
        return Err("characters are A-Z a-z 0-9 . _ -");
    }
    Ok(())
}

/// A fault in a bundle file: the line (from 1) when there is one, and what
/// was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextFault {
    /// The line, from 1.
    pub line: Option<u64>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl TextFault {
    pub(crate) fn at(line: u64, message: impl Into<String>) -> TextFault {
        TextFault {
            line: Some(line),
            message: message.into(),
        }
    }
}

/// The byte-level rules every bundle text obeys: UTF-8, no BOM, no CR, no
/// other control character but LF, no trailing space or tab, a final LF.
/// Each fault is reported once, at its first line; at most `limit` in all.
pub fn text_faults(bytes: &[u8], allow_empty_lines: bool, limit: usize) -> Vec<TextFault> {
    let mut faults = Vec::new();
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        faults.push(TextFault::at(
            1,
            "byte-order mark (EF BB BF) at the start; bundle texts have none",
        ));
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        faults.push(TextFault::at(line, "not UTF-8"));
    }
    let mut seen_cr = false;
    let mut seen_control = false;
    let mut seen_trailing = false;
    let mut seen_empty = false;
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    if !bytes.is_empty() {
        for (i, line) in body.split(|&b| b == b'\n').enumerate() {
            let n = i as u64 + 1;
            if faults.len() >= limit {
                break;
            }
            if !seen_cr && let Some(col) = line.iter().position(|&b| b == b'\r') {
                seen_cr = true;
                faults.push(TextFault::at(
                    n,
                    format!("CR byte at column {}; lines end in LF alone", col + 1),
                ));
            }
            if !seen_control
                && let Some(col) = line
                    .iter()
                    .position(|&b| (b < 0x20 && b != b'\r') || b == 0x7F)
            {
                seen_control = true;
                faults.push(TextFault::at(
                    n,
                    format!("control byte {:#04x} at column {}", line[col], col + 1),
                ));
            }
            if !seen_trailing && matches!(line.last(), Some(b' ' | b'\t')) {
                seen_trailing = true;
                faults.push(TextFault::at(n, "trailing space or tab"));
            }
            if !allow_empty_lines && !seen_empty && line.is_empty() {
                seen_empty = true;
                faults.push(TextFault::at(n, "empty line"));
            }
        }
    }
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        let line = 1 + body.iter().filter(|&&b| b == b'\n').count() as u64;
        faults.push(TextFault::at(line, "no LF at the end of the last line"));
    }
    faults.truncate(limit);
    faults
}

/// A JSON file against its canonical re-rendering: the first line where
/// they differ, with the line expected there.
pub fn json_mismatch(bytes: &[u8], canonical: &str) -> Option<TextFault> {
    if bytes == canonical.as_bytes() {
        return None;
    }
    let have = String::from_utf8_lossy(bytes);
    let mut have_lines = have.split('\n');
    for (i, want) in canonical.split('\n').enumerate() {
        let got = have_lines.next();
        if got != Some(want) {
            return Some(TextFault::at(
                i as u64 + 1,
                format!(
                    "not in canonical form (sorted keys, 2-space indent): expected {want:?}, found {:?}",
                    got.unwrap_or("end of file")
                ),
            ));
        }
    }
    Some(TextFault::at(
        canonical.split('\n').count() as u64,
        "not in canonical form: text after the end",
    ))
}

/// Splits a ballots line into its candidate ids (none for a blank paper),
/// or says what is wrong with it.
pub fn paper_ids(line: &str) -> Result<Vec<&str>, String> {
    if line == BLANK_PAPER {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = line.split(',').collect();
    for (i, id) in ids.iter().enumerate() {
        if let Err(why) = candidate_id_rule(id) {
            return Err(format!("preference {} {id:?}: a candidate id {why}", i + 1));
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(faults: Vec<TextFault>) -> Vec<(Option<u64>, String)> {
        faults.into_iter().map(|f| (f.line, f.message)).collect()
    }

    #[test]
    fn canonical_text_passes() {
        assert!(text_faults(b"1,2\n2\n", false, 10).is_empty());
        assert!(text_faults(b"", false, 10).is_empty());
    }

    #[test]
    fn each_fault_names_its_line() {
        let cases: &[(&[u8], u64, &str)] = &[
            (b"\xEF\xBB\xBF1\n", 1, "byte-order mark"),
            (b"1\n2\r\n", 2, "CR byte at column 2"),
            (b"1\n2 \n", 2, "trailing space"),
            (b"1\n\n2\n", 2, "empty line"),
            (b"1\n2", 2, "no LF at the end"),
            (b"1\n\xFF\n", 2, "not UTF-8"),
            (b"1\n2\x01\n", 2, "control byte 0x01"),
        ];
        for (bytes, line, what) in cases {
            let got = lines(text_faults(bytes, false, 10));
            assert!(
                got.iter()
                    .any(|(l, m)| *l == Some(*line) && m.contains(what)),
                "{bytes:?}: {got:?}"
            );
        }
    }

    #[test]
    fn papers_split_into_ids() {
        assert_eq!(paper_ids("-").unwrap(), Vec::<&str>::new());
        assert_eq!(paper_ids("c1,c2").unwrap(), vec!["c1", "c2"]);
        assert!(paper_ids("").is_err());
        assert!(paper_ids("1,,2").is_err());
        assert!(paper_ids("-1").is_err());
        assert!(paper_ids("1 2").is_err());
    }

    #[test]
    fn metadata_keys_come_out_sorted() {
        let meta = ElectionMeta {
            contests: vec![ContestMeta {
                candidates: vec![CandidateMeta {
                    affiliation: None,
                    attributes: BTreeMap::new(),
                    id: "1".into(),
                    name: "Ann".into(),
                    status: Status::Standing,
                    vetted: None,
                }],
                constraints: Vec::new(),
                id: "w".into(),
                seats: 1,
                tie_order: None,
                title: "W".into(),
            }],
            format: FORMAT.into(),
            id: "e".into(),
            nomination: None,
            title: "E".into(),
            voting: None,
        };
        let text = canonical_json(&meta);
        assert!(text.ends_with("}\n"));
        let keys: Vec<&str> = text
            .lines()
            .filter_map(|l| l.trim_start().strip_prefix('"'))
            .filter_map(|l| l.split('"').next())
            .collect();
        assert_eq!(
            keys,
            [
                "contests",
                "candidates",
                "id",
                "name",
                "status",
                "id",
                "seats",
                "title",
                "format",
                "id",
                "title"
            ]
        );
        let back: ElectionMeta = serde_json::from_str(&text).unwrap();
        assert_eq!(back, meta);
        assert_eq!(json_mismatch(text.as_bytes(), &text), None);
        let crooked = text.replacen("  \"format\"", "\"format\"", 1);
        assert!(json_mismatch(crooked.as_bytes(), &text).is_some());
    }

    #[test]
    fn every_optional_key_comes_out_sorted() {
        let text = r#"{
  "contests": [
    {
      "candidates": [
        {
          "affiliation": "P",
          "attributes": {
            "bame": "no",
            "gender": "woman"
          },
          "id": "1",
          "name": "Ann",
          "status": "insufficient-nominations",
          "vetted": "2022-05-01T09:00:00Z"
        }
      ],
      "constraints": [
        {
          "attribute": "gender",
          "max": 2,
          "min": 1,
          "value": "woman"
        }
      ],
      "id": "w",
      "seats": 1,
      "tie_order": [
        "1"
      ],
      "title": "W"
    }
  ],
  "format": "recount-bundle/1",
  "id": "e",
  "nomination": {
    "deadline": "2022-06-01T12:00:00Z",
    "threshold": 20
  },
  "title": "E",
  "voting": {
    "closes": "2022-07-01T12:00:00Z",
    "opens": "2022-06-15T12:00:00Z"
  }
}
"#;
        let meta: ElectionMeta = serde_json::from_str(text).unwrap();
        assert_eq!(canonical_json(&meta), text);
    }

    #[test]
    fn timestamps_are_utc_seconds_that_exist() {
        assert!(Timestamp::parse("2024-02-29T23:59:59Z").is_ok());
        for bad in [
            "2023-02-29T00:00:00Z",
            "2022-13-01T00:00:00Z",
            "2022-06-01T24:00:00Z",
            "2022-06-01 12:00:00Z",
            "2022-06-01T12:00:00+01:00",
            "2022-06-01T12:00:00.5Z",
            "2022-06-01T12:00Z",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<Timestamp>("\"2022-06-01T12:00:00z\"").is_err());
    }
}
