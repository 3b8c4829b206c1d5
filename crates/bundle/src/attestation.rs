//! The recount attestation: the body an observer signs after recounting a
//! verified bundle.
//!
//! Grammar (printable ASCII and LF only):
//!
//! ```text
//! attestation = "recount-attestation/1" LF
//!               "statement" SP hex64 LF    ; H(the statement note's text)
//!               "rules" SP hex64 LF        ; H(rules.json bytes)
//!               "transcript" SP hex64 LF   ; H(the library transcript as pretty JSON, then LF)
//!               1*("elected" SP contest-id SP elected LF)   ; in the statement's contest order
//! elected     = "-" / candidate-id *("," candidate-id)    ; in order of election
//! ```
//!
//! The transcript is what [`count::count`] gives for the bundle's election
//! under its `rules.json`, written by `serde_json::to_vec_pretty` with a
//! final LF: `recount count --format json` of the bundle without the
//! command's own `input` and `lots` fields. The body holds no time, host or
//! software version, so observers who recount independently write the same
//! bytes. This module owns the body; signing it is [`crate::note`]'s.

use crate::error::{Error, ErrorKind};
use crate::hex;
use crate::layout;
use crate::manifest::sha256;
use crate::verify::VerifiedBundle;

/// The first line: the attestation type and version, inside the signed bytes.
pub const TYPE_LINE: &str = "recount-attestation/1";

/// The attestation body this machine's recount of `bundle` gives.
pub fn body(bundle: &VerifiedBundle) -> Result<String, Error> {
    let transcript = count::count(bundle.election(), bundle.rules())
        .map_err(|e| Error::new(ErrorKind::Recount(e.to_string())))?;
    let mut json = serde_json::to_vec_pretty(&transcript).expect("a transcript serialises");
    json.push(b'\n');
    let mut s = format!(
        "{TYPE_LINE}\nstatement {}\nrules {}\ntranscript {}\n",
        hex::encode(&sha256(bundle.statement().to_text().as_bytes())),
        hex::encode(&sha256(layout::canonical_json(bundle.rules()).as_bytes())),
        hex::encode(&sha256(&json)),
    );
    for (contest, counted) in bundle
        .election()
        .contests()
        .iter()
        .zip(&transcript.contests)
    {
        // The transcript names candidates (unique in a contest) in
        // ballot-paper order, the order of the contest's candidates.
        let ids: Vec<&str> = counted
            .elected
            .iter()
            .map(|name| {
                let at = counted
                    .candidates
                    .iter()
                    .position(|c| c == name)
                    .expect("an elected candidate is a candidate");
                contest.candidates()[at].id.as_str()
            })
            .collect();
        let elected = if ids.is_empty() {
            "-".to_owned()
        } else {
            ids.join(",")
        };
        s.push_str(&format!("elected {} {elected}\n", contest.id()));
    }
    Ok(s)
}

/// Whether `text` is an attestation body (by its first line).
pub fn is_attestation(text: &str) -> bool {
    text.strip_prefix(TYPE_LINE)
        .is_some_and(|rest| rest.starts_with('\n'))
}
