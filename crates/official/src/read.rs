//! One entry to every reader: [`read`] a sheet in a [`SheetFormat`],
//! [`detect`] the format from the content, and choose one contest of a
//! file that holds several ([`Choice`]).
//!
//! A contest is chosen by its id or name (`--official-contest`, matched
//! exactly, then ignoring case); without one, a file of one contest gives
//! it, and a file of several gives the one whose candidates all pair by
//! name ([`crate::names`]) with the count's. None or several is an error
//! listing the file's contests: never a guess.

use crate::error::{Error, ErrorKind, SheetFormat};
use crate::names::match_names;
use crate::sheet::OfficialSheet;
use crate::{droop_dump, rctab_json, recount_sheet, scottish_csv, scottish_json};

/// Which contest of a file to read.
#[derive(Clone, Copy, Debug, Default)]
pub struct Choice<'a> {
    /// The contest's id (a ward's code) or name, as given by the user.
    pub contest: Option<&'a str>,
    /// The count's candidates (ballot-paper names), to choose by.
    pub names: &'a [String],
}

/// The format of a sheet, from its first bytes; `None` when it is none of
/// those this crate reads.
pub fn detect(bytes: &[u8]) -> Option<SheetFormat> {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or("").trim_end_matches('\r');
    if first == recount_sheet::HEADER {
        return Some(SheetFormat::RecountSheet);
    }
    if first.starts_with("id,name,party_name,council_id,") {
        return Some(SheetFormat::ScottishCsv);
    }
    if first.starts_with("R\tAction\tQuota\t") {
        return Some(SheetFormat::DroopDump);
    }
    let json = text.trim_start();
    if json.starts_with('{') {
        if json.contains("\"Constituency\"") {
            return Some(SheetFormat::ScottishJson);
        }
        if json.contains("\"results\"") && json.contains("\"tally\"") {
            return Some(SheetFormat::RctabJson);
        }
    }
    None
}

/// Reads the sheet of one contest from `bytes` in `format`.
pub fn read(
    format: SheetFormat,
    bytes: &[u8],
    choice: &Choice<'_>,
) -> Result<OfficialSheet, Error> {
    choose(read_all(format, bytes)?, choice)
}

/// Reads every contest's sheet from `bytes` in `format`, in file order.
pub fn read_all(format: SheetFormat, bytes: &[u8]) -> Result<Vec<OfficialSheet>, Error> {
    Ok(match format {
        SheetFormat::ScottishJson => vec![scottish_json::read(bytes)?],
        SheetFormat::DroopDump => vec![droop_dump::read(bytes)?.to_sheet()],
        SheetFormat::RctabJson => vec![rctab_json::read(bytes)?],
        SheetFormat::RecountSheet => recount_sheet::read(bytes)?,
        SheetFormat::ScottishCsv => scottish_csv::read(bytes)?,
    })
}

fn list(sheets: &[OfficialSheet]) -> Vec<(String, String)> {
    sheets
        .iter()
        .map(|s| {
            (
                s.code.clone().unwrap_or_default(),
                s.name.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn choose(mut sheets: Vec<OfficialSheet>, choice: &Choice<'_>) -> Result<OfficialSheet, Error> {
    let refuse = |sheets: &[OfficialSheet], why: String| {
        Error::new(ErrorKind::Contest {
            asked: choice.contest.map(str::to_owned),
            contests: list(sheets),
            why,
        })
    };
    if let Some(asked) = choice.contest {
        let is = |s: &OfficialSheet, exact: bool| {
            [&s.code, &s.name].into_iter().flatten().any(|v| {
                if exact {
                    v == asked
                } else {
                    v.to_lowercase() == asked.to_lowercase()
                }
            })
        };
        for exact in [true, false] {
            let found: Vec<usize> = (0..sheets.len())
                .filter(|&i| is(&sheets[i], exact))
                .collect();
            match found.as_slice() {
                [i] => return Ok(sheets.swap_remove(*i)),
                [] => continue,
                _ => return Err(refuse(&sheets, "names several contests".into())),
            }
        }
        return Err(refuse(&sheets, "names no contest of the file".into()));
    }
    if sheets.len() == 1 {
        return Ok(sheets.swap_remove(0));
    }
    let fits: Vec<usize> = (0..sheets.len())
        .filter(|&i| match_names(&sheets[i].candidates, choice.names, &[]).is_ok())
        .collect();
    match fits.as_slice() {
        [i] => Ok(sheets.swap_remove(*i)),
        [] => Err(refuse(
            &sheets,
            "no contest of the file has the ballot file's candidates; choose one with --official-contest"
                .into(),
        )),
        _ => Err(refuse(
            &sheets,
            "several contests of the file have the ballot file's candidates; choose one with --official-contest"
                .into(),
        )),
    }
}
