//! The optional records in [`crate::verify`]'s checks: their canonical
//! form (check 2), their agreement with `election.json` and the statement
//! (check 9), and the two audits of [`crate::audit`]: nominations (check
//! 10) and turnout (check 11). A check with no records to read is *not
//! applicable*, never a pass in disguise: the report says which.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::audit::{self, Papers, Tally, Where};
use crate::layout::{self, ELECTION_FILE, ElectionMeta, Status};
use crate::records::{
    self, ContestFile, DeclaredResult, Nomination, RESULT_FILE, TURNOUT_FILE, Turnout,
};
use crate::verify::{Checker, FAULTS_PER_FILE, MetaLines};

/// The records that check 2 could read.
#[derive(Default)]
pub(crate) struct Records<'a> {
    rolls: BTreeMap<&'a str, Vec<&'a str>>,
    nominations: BTreeMap<&'a str, Vec<Nomination<'a>>>,
    pub(crate) turnout: Option<Turnout>,
    pub(crate) result: Option<DeclaredResult>,
    /// Record files check 2 refused, by path.
    refused: BTreeSet<String>,
}

/// A canonical JSON file: parsed, and byte-equal to its re-rendering
/// (check 2); `None` when absent or refused.
pub(crate) fn canonical_json_file<T: Serialize + DeserializeOwned>(
    c: &mut Checker<'_>,
    file: &str,
    what: &str,
) -> Option<T> {
    let bytes = c.files.get(file).copied()?;
    let faults = layout::text_faults(bytes, false, FAULTS_PER_FILE);
    c.text_faults(2, file, faults);
    match serde_json::from_slice::<T>(bytes) {
        Err(e) => {
            c.fault(2, file, Some(e.line() as u64), format!("not {what}: {e}"));
            None
        }
        Ok(value) => {
            if let Some(f) = layout::json_mismatch(bytes, &layout::canonical_json(&value)) {
                c.fault(2, file, f.line, f.message);
            }
            Some(value)
        }
    }
}

/// Check 2 of every record file.
pub(crate) fn read<'a>(c: &mut Checker<'a>) -> Records<'a> {
    let mut r = Records::default();
    let files: Vec<(&'a str, &'a [u8])> = c.files.iter().map(|(p, b)| (*p, *b)).collect();
    for (path, bytes) in files {
        let Some((kind, contest)) = records::contest_file(path) else {
            continue;
        };
        if kind == ContestFile::Ballots {
            continue;
        }
        let faults = layout::text_faults(bytes, false, FAULTS_PER_FILE);
        let clean = faults.is_empty();
        c.text_faults(2, path, faults);
        let Ok(text) = std::str::from_utf8(bytes) else {
            r.refused.insert(path.to_owned());
            continue;
        };
        let read = match kind {
            ContestFile::Roll => records::read_roll(text, FAULTS_PER_FILE).map(|m| {
                r.rolls.insert(contest, m);
            }),
            ContestFile::Nominations => records::read_nominations(text, FAULTS_PER_FILE).map(|n| {
                r.nominations.insert(contest, n);
            }),
            ContestFile::Ballots => Ok(()),
        };
        if let Err(faults) = read {
            c.text_faults(2, path, faults);
            r.refused.insert(path.to_owned());
        } else if !clean {
            r.refused.insert(path.to_owned());
        }
    }
    r.turnout = canonical_json_file(c, TURNOUT_FILE, "the declared turnout");
    r.result = canonical_json_file(c, RESULT_FILE, "the declared result");
    for file in [TURNOUT_FILE, RESULT_FILE] {
        let parsed = match file {
            TURNOUT_FILE => r.turnout.is_some(),
            _ => r.result.is_some(),
        };
        if c.files.contains_key(file) && !parsed {
            r.refused.insert(file.to_owned());
        }
    }
    r
}

/// Check 9 of the records and of the facts they rest on.
pub(crate) fn semantics(c: &mut Checker<'_>, meta: &ElectionMeta, at: &MetaLines, r: &Records<'_>) {
    let contests: BTreeSet<&str> = meta.contests.iter().map(|m| m.id.as_str()).collect();
    for contest in r.rolls.keys().chain(r.nominations.keys()) {
        if !contests.contains(contest) {
            c.fault(
                9,
                ELECTION_FILE,
                None,
                format!("the bundle has records of contest {contest}, which it does not list"),
            );
        }
    }
    if let Some(rule) = &meta.nomination
        && rule.threshold == 0
    {
        c.fault(
            9,
            ELECTION_FILE,
            None,
            "nomination threshold 0; it is at least 1",
        );
    }
    if let Some(v) = &meta.voting {
        if v.opens >= v.closes {
            c.fault(
                9,
                ELECTION_FILE,
                None,
                format!(
                    "voting opens at {} but closes at {}, not after",
                    v.opens, v.closes
                ),
            );
        }
        if let Some(rule) = &meta.nomination
            && rule.deadline > v.opens
        {
            c.fault(
                9,
                ELECTION_FILE,
                None,
                format!(
                    "the nomination deadline {} is after voting opens at {}",
                    rule.deadline, v.opens
                ),
            );
        }
    }
    for (k, cm) in meta.contests.iter().enumerate() {
        for (i, cand) in cm.candidates.iter().enumerate() {
            if cand.status == Status::NotVetted && cand.vetted.is_some() {
                c.fault(
                    9,
                    ELECTION_FILE,
                    at.candidate(k, i),
                    format!(
                        "contest {}: candidate {} is not-vetted but has a vetting time",
                        cm.id, cand.id
                    ),
                );
            }
        }
    }
    let listed: Vec<&str> = meta.contests.iter().map(|m| m.id.as_str()).collect();
    if let Some(t) = &r.turnout {
        let ids: Vec<&str> = t.contests.iter().map(|x| x.id.as_str()).collect();
        if ids != listed {
            c.fault(
                9,
                TURNOUT_FILE,
                None,
                format!(
                    "contests [{}], but election.json's are [{}] (sorted by id)",
                    ids.join(", "),
                    listed.join(", ")
                ),
            );
        }
    }
    if let Some(result) = &r.result {
        let ids: Vec<&str> = result.contests.iter().map(|x| x.id.as_str()).collect();
        if ids != listed {
            c.fault(
                9,
                RESULT_FILE,
                None,
                format!(
                    "contests [{}], but election.json's are [{}] (sorted by id)",
                    ids.join(", "),
                    listed.join(", ")
                ),
            );
        }
        let text = String::from_utf8_lossy(c.files.get(RESULT_FILE).copied().unwrap_or_default())
            .into_owned();
        for declared in &result.contests {
            let Some(cm) = meta.contests.iter().find(|m| m.id == declared.id) else {
                continue;
            };
            let line = line_of_id(&text, &declared.id);
            let status: HashMap<&str, Status> = cm
                .candidates
                .iter()
                .map(|x| (x.id.as_str(), x.status))
                .collect();
            let mut seen = BTreeSet::new();
            for id in &declared.elected {
                let problem = match status.get(id.as_str()) {
                    None => Some("is not a candidate of it".to_owned()),
                    Some(Status::Standing) => None,
                    Some(s) => Some(format!("is {}, so cannot be elected", s.as_str())),
                };
                if let Some(p) = problem {
                    c.fault(
                        9,
                        RESULT_FILE,
                        line,
                        format!("contest {}: elected {id:?} {p}", declared.id),
                    );
                }
                if !seen.insert(id.as_str()) {
                    c.fault(
                        9,
                        RESULT_FILE,
                        line,
                        format!("contest {}: {id:?} elected twice", declared.id),
                    );
                }
            }
            if declared.elected.len() > cm.seats as usize {
                c.fault(
                    9,
                    RESULT_FILE,
                    line,
                    format!(
                        "contest {}: {} elected for {} seats",
                        declared.id,
                        declared.elected.len(),
                        cm.seats
                    ),
                );
            }
        }
    }
}

/// The line of a canonical JSON file's contest entry `"id": "<id>"`.
fn line_of_id(text: &str, id: &str) -> Option<u64> {
    let want = format!("      \"id\": {}", serde_json::to_string(id).ok()?);
    text.split('\n')
        .position(|l| l.trim_end_matches(',') == want)
        .map(|i| i as u64 + 1)
}

/// Check 10: nominations. Gives each contest's tallies.
pub(crate) fn nominations(
    c: &mut Checker<'_>,
    meta: Option<&ElectionMeta>,
    at: &MetaLines,
    r: &Records<'_>,
) -> Vec<(String, Vec<Tally>)> {
    let mut tallies = Vec::new();
    let Some(meta) = meta else {
        c.not_run(10, "election.json did not parse (check 2)");
        return tallies;
    };
    let refused: Vec<&String> = r
        .refused
        .iter()
        .filter(|p| p.starts_with(records::NOMINATIONS_DIR) || p.starts_with(records::ROLL_DIR))
        .collect();
    if !refused.is_empty() {
        let list: Vec<&str> = refused.iter().map(|s| s.as_str()).collect();
        c.not_run(10, format!("{} did not read (check 2)", list.join(", ")));
        return tallies;
    }
    let Some(rule) = &meta.nomination else {
        if r.nominations.is_empty() {
            c.not_applicable(10, "election.json states no nomination rule");
        } else {
            c.fault(
                10,
                ELECTION_FILE,
                None,
                "the bundle has nomination records, but election.json states no nomination rule",
            );
        }
        return tallies;
    };
    if r.nominations.is_empty() {
        c.not_applicable(
            10,
            "the bundle holds no nomination records (election.json states the rule only)",
        );
        return tallies;
    }
    for (k, cm) in meta.contests.iter().enumerate() {
        let path = records::nominations_path(&cm.id);
        let Some(records) = r.nominations.get(cm.id.as_str()) else {
            c.fault(
                10,
                &path,
                None,
                format!(
                    "missing: contest {} has no nomination records, but others do",
                    cm.id
                ),
            );
            continue;
        };
        let Some(roll) = r.rolls.get(cm.id.as_str()) else {
            c.fault(
                10,
                &records::roll_path(&cm.id),
                None,
                format!(
                    "missing: contest {}'s nominations cannot be checked without its roll",
                    cm.id
                ),
            );
            continue;
        };
        let (tally, faults) = audit::nominations(cm, rule, roll, records);
        for (place, message) in faults.into_iter().take(FAULTS_PER_FILE * 5) {
            match place {
                Where::Record(line) => c.fault(10, &path, Some(line), message),
                Where::Candidate(i) => c.fault(10, ELECTION_FILE, at.candidate(k, i), message),
            }
        }
        tallies.push((cm.id.clone(), tally));
    }
    tallies
}

/// Check 11: the declared turnout against the ballots files and the rolls.
pub(crate) fn turnout(c: &mut Checker<'_>, r: &Records<'_>) {
    let Some(t) = &r.turnout else {
        if r.refused.contains(TURNOUT_FILE) {
            c.not_run(11, "turnout.json did not parse (check 2)");
        } else {
            c.not_applicable(11, "the bundle holds no turnout.json");
        }
        return;
    };
    let text = String::from_utf8_lossy(c.files.get(TURNOUT_FILE).copied().unwrap_or_default())
        .into_owned();
    for declared in &t.contests {
        let path = layout::ballots_path(&declared.id);
        let Some(bytes) = c.files.get(path.as_str()).copied() else {
            continue; // check 9 names the contest
        };
        let papers = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        // "-" sorts before every id, so the blank papers come first.
        let blank = bytes
            .chunks_exact(2)
            .take_while(|pair| *pair == b"-\n")
            .count() as u64;
        let roll = r.rolls.get(declared.id.as_str()).map(|m| m.len() as u64);
        let found = Papers {
            papers,
            blank,
            roll,
        };
        let line = line_of_id(&text, &declared.id);
        for message in audit::turnout(declared, found) {
            c.fault(11, TURNOUT_FILE, line, message);
        }
    }
}
