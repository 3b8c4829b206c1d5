//! The publisher's META file (`recount-meta/1`, `specs/bundle.md` section
//! 7a): the election facts a ballot file cannot carry (the nomination rule,
//! the voting window, candidates' attributes, statuses and vetting times,
//! constraints, tie orders) and the optional records (roll, nominations,
//! declared turnout and result). [`crate::publish::Draft`] applies it to
//! the election read from the source. Record files are named by path,
//! relative to the META file; the caller reads them.
//!
//! ```json
//! {
//!   "format": "recount-meta/1",
//!   "id": "momentum-2022",                        // optional: replaces the source's
//!   "title": "National Committee 2022",           // optional: replaces the source's
//!   "nomination": {"threshold": 20, "deadline": "2022-05-20T12:00:00Z"},   // optional
//!   "voting": {"opens": "2022-06-01T09:00:00Z", "closes": "2022-06-15T17:00:00Z"},
//!   "contests": [                                 // optional; each id one of the source's
//!     {
//!       "id": "london-eastern",
//!       "title": "London & Eastern",              // optional
//!       "candidates": [                           // optional; by id
//!         {"id": "7", "attributes": {"gender": "woman"}, "vetted": "2022-05-02T10:00:00Z"},
//!         {"id": "12", "name": "Kim Lee", "status": "insufficient-nominations",
//!          "vetted": "2022-05-03T10:00:00Z"}
//!       ],
//!       "constraints": [{"attribute": "gender", "value": "woman", "min": 3}],  // optional: replaces the source's
//!       "tie_order": ["3", "1", "2"],             // optional: replaces the source's
//!       "roll": "roll/london-eastern.csv",        // optional: one member id a line
//!       "nominations": "nominations/london-eastern.csv",  // optional: time,member,candidate,action lines
//!       "turnout": {"links_sent": 812, "papers": 500, "blank": 3, "rejected": 1},  // optional
//!       "elected": ["7", "3", "1"]                // optional: the declared result, in order
//!     }
//!   ]
//! }
//! ```
//!
//! A candidate the source lacks is one kept off the ballot: it needs a
//! `name` and the status `not-vetted` or `insufficient-nominations`. A
//! candidate the source has is on the ballot paper, so its status can only
//! be `standing` or `withdrawn`. `turnout` and `elected` are given for
//! every contest or for none (they become `turnout.json` and `result.json`).
//! Unknown keys are errors.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use crate::error::{Error, ErrorKind, PublishProblem};
use crate::layout::{ConstraintMeta, NominationRule, Status, Timestamp, VotingWindow};

/// The value of META's `format`.
pub const META_FORMAT: &str = "recount-meta/1";

/// A parsed META file.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Always [`META_FORMAT`].
    #[serde(deserialize_with = "version")]
    pub format: String,
    /// Replaces the source's election id.
    #[serde(default)]
    pub id: Option<String>,
    /// Replaces the source's title.
    #[serde(default)]
    pub title: Option<String>,
    /// The nomination rule.
    #[serde(default)]
    pub nomination: Option<NominationRule>,
    /// The voting window.
    #[serde(default)]
    pub voting: Option<VotingWindow>,
    /// Facts and records per contest.
    #[serde(default)]
    pub contests: Vec<MetaContest>,
}

fn version<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let v = String::deserialize(d)?;
    if v == META_FORMAT {
        Ok(v)
    } else {
        Err(serde::de::Error::custom(format!(
            "format {v:?}; expected {META_FORMAT:?}"
        )))
    }
}

/// One contest of META.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaContest {
    /// The source's contest id.
    pub id: String,
    /// Replaces the contest's title.
    #[serde(default)]
    pub title: Option<String>,
    /// Facts of candidates, by id.
    #[serde(default)]
    pub candidates: Vec<MetaCandidate>,
    /// Replaces the source's constraints.
    #[serde(default)]
    pub constraints: Option<Vec<ConstraintMeta>>,
    /// Replaces the source's tie order.
    #[serde(default)]
    pub tie_order: Option<Vec<String>>,
    /// The roll file's path, relative to META.
    #[serde(default)]
    pub roll: Option<String>,
    /// The nominations file's path, relative to META.
    #[serde(default)]
    pub nominations: Option<String>,
    /// The declared turnout.
    #[serde(default)]
    pub turnout: Option<MetaTurnout>,
    /// The declared result: candidate ids in order of election.
    #[serde(default)]
    pub elected: Option<Vec<String>>,
}

/// Facts of one candidate.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaCandidate {
    /// The candidate id.
    pub id: String,
    /// The ballot name (required for a candidate the source lacks).
    #[serde(default)]
    pub name: Option<String>,
    /// The affiliation.
    #[serde(default)]
    pub affiliation: Option<String>,
    /// Attributes, added to (and replacing by key) the source's.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// The status.
    #[serde(default)]
    pub status: Option<Status>,
    /// When the self-nomination was vetted.
    #[serde(default)]
    pub vetted: Option<Timestamp>,
}

/// The declared turnout of one contest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetaTurnout {
    /// Electors sent a voting link.
    pub links_sent: u64,
    /// Papers counted.
    pub papers: u64,
    /// Blank papers among them.
    #[serde(default)]
    pub blank: u64,
    /// Papers rejected.
    #[serde(default)]
    pub rejected: u64,
}

impl Meta {
    /// Reads a META file.
    pub fn parse(bytes: &[u8]) -> Result<Meta, Error> {
        serde_json::from_slice(bytes).map_err(|e| {
            Error::new(ErrorKind::Publish(PublishProblem::Meta {
                line: e.line() as u64,
                column: e.column() as u64,
                message: e.to_string(),
            }))
        })
    }

    /// Every record path META names, in order.
    pub fn paths(&self) -> Vec<&str> {
        self.contests
            .iter()
            .flat_map(|c| [c.roll.as_deref(), c.nominations.as_deref()])
            .flatten()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_parses() {
        let doc = include_str!("meta.rs");
        let start = doc.find("//! ```json\n").unwrap() + 12;
        let end = start + doc[start..].find("//! ```\n").unwrap();
        let json: String = doc[start..end]
            .lines()
            .map(|l| l.trim_start_matches("//!"))
            .map(|l| l.split("  //").next().unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        let meta = Meta::parse(json.as_bytes()).unwrap();
        assert_eq!(meta.nomination.as_ref().unwrap().threshold, 20);
        assert_eq!(
            meta.contests[0].candidates[1].status,
            Some(Status::InsufficientNominations)
        );
        assert_eq!(
            meta.paths(),
            ["roll/london-eastern.csv", "nominations/london-eastern.csv"]
        );
    }

    #[test]
    fn a_wrong_format_or_key_is_refused_with_its_position() {
        let e = Meta::parse(b"{\"format\": \"recount-meta/2\"}").unwrap_err();
        assert!(e.to_string().contains("expected \"recount-meta/1\""), "{e}");
        let e = Meta::parse(b"{\"format\": \"recount-meta/1\",\n \"contest\": []}").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }
}
