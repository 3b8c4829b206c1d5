//! Every sheet reader, given arbitrary bytes or a real sheet with bytes
//! changed, removed or added, returns a sheet or an error: never a panic,
//! and every error about the input and every warning has a place (line 1
//! or later).

use official::{Choice, ErrorKind, SheetFormat};
use proptest::prelude::*;

const RECOUNT_SHEET: &str = "\
contest,stage,kind,candidate,action,subject,transfer,total,status
w,,seats,,,,,1,
w,,valid-poll,,,,,1000,
w,,quota,,,,,501,
w,1,candidate,Ann,first-preferences,,,600,elected
w,1,candidate,Bob,first-preferences,,,400,
w,1,non-transferable,,,,,0,
w,2,candidate,Bob,surplus,Ann,50,450,
w,2,candidate,Ann,surplus,Ann,-99,501,
w,2,non-transferable,,,,,49,
";

const RCTAB: &str = r#"{"config": {"contest": "T"}, "results": [
 {"round": 1, "tally": {"A": "3", "B": "2"}, "tallyResults": [{"eliminated": "B", "transfers": {"A": "1", "exhausted": "1"}}],
  "threshold": "3", "inactiveBallots": {"exhaustedChoices": "0"}},
 {"round": 2, "tally": {"A": "4"}, "tallyResults": [{"elected": "A", "transfers": {}}],
  "threshold": "3", "inactiveBallots": {"exhaustedChoices": "1"}}]}"#;

const SCOTTISH_JSON: &str = r#"{"Constituency": {
  "countInfo": {"Valid_Poll": "5", "Quota": 3, "Number_Of_Seats": "1",
                "Constituency_Name": "Tiny", "Constituency_Number": "S1"},
  "countGroup": [
    {"Count_Number": 1, "Firstname": "Ann", "Surname": "Ash", "Party_Name": "",
     "Candidate_Id": "1", "Total_Votes": "3", "Status": "Elected"},
    {"Count_Number": 1, "Firstname": "Bo", "Surname": "Birch", "Party_Name": "",
     "Candidate_Id": "2", "Total_Votes": "2.50", "Status": ""}]}}"#;

fn scottish_csv() -> String {
    let header = official::scottish_csv::header();
    let mut out = header.join(",") + "\n";
    for (name, status, on, votes) in [
        ("Ann", "Elected", "1", "600"),
        ("Bob", "Not elected", "", "400"),
    ] {
        let f: Vec<String> = header
            .iter()
            .map(|h| match h.as_str() {
                "name" => name.to_owned(),
                "map_ward_id" => "S1".to_owned(),
                "ward_name" => "North".to_owned(),
                "status" => status.to_owned(),
                "occurred_on_count" => on.to_owned(),
                "first_prefs" => votes.to_owned(),
                "valid_poll" => "1,000".to_owned(),
                "quota" => "501".to_owned(),
                "seats" => "1".to_owned(),
                _ => String::new(),
            })
            .collect();
        out.push_str(&format!("\"{}\"\n", f.join("\",\"")));
    }
    out
}

fn droop() -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/droop/ref/dump/42-cfer-fixed-p5-d5.txt");
    std::fs::read(p).unwrap_or_else(|_| b"R\tAction\tQuota\tNon-Transferable\n".to_vec())
}

fn samples() -> Vec<(SheetFormat, Vec<u8>)> {
    vec![
        (SheetFormat::RecountSheet, RECOUNT_SHEET.as_bytes().to_vec()),
        (SheetFormat::RctabJson, RCTAB.as_bytes().to_vec()),
        (SheetFormat::ScottishJson, SCOTTISH_JSON.as_bytes().to_vec()),
        (SheetFormat::ScottishCsv, scottish_csv().into_bytes()),
        (SheetFormat::DroopDump, droop()),
    ]
}

fn judge(format: SheetFormat, bytes: &[u8]) {
    let names = ["Ann".to_owned(), "Bob".to_owned()];
    let choice = Choice {
        contest: None,
        names: &names,
    };
    let _ = official::detect(bytes);
    match official::read(format, bytes, &choice) {
        Ok(sheet) => {
            for w in &sheet.warnings {
                assert!(
                    w.pos.line >= 1,
                    "{format}: a warning without a place: {w:?}"
                );
            }
        }
        Err(e) => {
            if !matches!(
                e.kind(),
                ErrorKind::Contest { .. } | ErrorKind::Unmatched { .. }
            ) {
                assert!(
                    e.position().is_some_and(|p| p.line >= 1),
                    "{format}: an error without a place: {e}"
                );
            }
        }
    }
}

#[test]
fn the_samples_read() {
    let names = ["Ann".to_owned(), "Bob".to_owned()];
    for (format, bytes) in samples() {
        if format == SheetFormat::DroopDump && bytes.len() < 100 {
            continue;
        }
        let choice = Choice {
            contest: None,
            names: if format == SheetFormat::DroopDump {
                &[]
            } else {
                &names
            },
        };
        assert_eq!(official::detect(&bytes), Some(format));
        official::read(format, &bytes, &choice).unwrap_or_else(|e| panic!("{format}: {e}"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        for format in SheetFormat::ALL {
            judge(format, &bytes);
        }
    }

    #[test]
    fn damaged_sheets_never_panic(
        which in 0usize..5,
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<u8>()), 1..6),
    ) {
        let (format, mut bytes) = samples().swap_remove(which);
        for (at, kind, byte) in edits {
            if bytes.is_empty() {
                break;
            }
            let i = at.index(bytes.len());
            match kind {
                0 => bytes[i] = byte,
                1 => { bytes.remove(i); }
                _ => bytes.insert(i, byte),
            }
        }
        judge(format, &bytes);
    }
}
