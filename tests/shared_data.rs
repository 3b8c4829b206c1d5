//! Every ballot file in the shared real-data folder loads (issue 2).
//!
//! The walk finds ballot files by extension (`.blt`, `.soi`, `.toi`, `.dat`),
//! by content for CSV (a `rank1` column) and by name for ES&S cast-vote
//! records (`…cvr.xlsx`: the Scottish `results.xlsx` are official sheets);
//! other files there are official results and notes. Files that need a non-default import policy or a seat
//! count are listed below with the reason; everything else must load under
//! the strict default. The number of files of each format is asserted, so a
//! walk that silently skipped files would fail.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ballot::{Format, ImportPolicy, ReadOptions};

/// Files whose irregular papers need an explicit policy, and why.
const LENIENT: &[(&str, &str)] = &[
    (
        "droop/blt/meek/",
        "Droop's Meek tests rank candidates equal (`=`)",
    ),
    (
        "cambridge-ma/",
        "Cambridge 2021 cast-vote records rank a candidate twice (198 papers)",
    ),
    (
        "minneapolis-2013-official/",
        "Minneapolis CVRs hold undervotes, overvotes and repeats (ES&S export)",
    ),
    (
        "rctab-minneapolis-2013-park/",
        "the same park board CVR as RCTab's test data",
    ),
];

/// Seats for formats that do not record them.
fn seats_for(rel: &str) -> Option<u32> {
    if rel.starts_with("cambridge-ma/") {
        Some(9) // Cambridge City Council: nine seats.
    } else if rel.starts_with("minneapolis-2013-official/2013-boe") {
        Some(2) // Board of Estimate and Taxation: two seats.
    } else if rel.contains("minneapolis") {
        Some(3) // Park board at large: three seats.
    } else if rel.starts_with("preflib/") {
        Some(1) // PrefLib records no seats; any count loads the file.
    } else {
        None
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn ballot_format(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?;
    match Format::from_extension(name)? {
        Format::Csv => {
            let head = std::fs::read(path).ok()?;
            let first = head.split(|&b| b == b'\n').next()?;
            String::from_utf8_lossy(first)
                .contains("rank1")
                .then_some(Format::Csv)
        }
        Format::Json => None, // official results, not ballots
        // Spreadsheets of official results are .xlsx too.
        Format::EssXlsx => name.ends_with("cvr.xlsx").then_some(Format::EssXlsx),
        f => Some(f),
    }
}

#[test]
fn every_ballot_file_in_the_shared_data_loads() {
    let Some(shared) = support::shared_dir() else {
        return;
    };
    let data = shared.join("data");
    let mut files = Vec::new();
    walk(&data, &mut files);
    let mut per_format: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut papers: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut failures = Vec::new();
    for path in &files {
        let Some(format) = ballot_format(path) else {
            continue;
        };
        let rel = path
            .strip_prefix(&data)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let lenient = LENIENT.iter().any(|(prefix, _)| rel.starts_with(prefix));
        let opts = ReadOptions {
            policy: if lenient {
                ImportPolicy::lenient()
            } else {
                ImportPolicy::default()
            },
            seats: seats_for(&rel),
            id: path.file_stem().unwrap().to_string_lossy().into_owned(),
            weight_column: None,
            rows: None,
        };
        let bytes = std::fs::read(path).unwrap();
        match ballot::read(format, &bytes, &opts) {
            Ok(e) => {
                *per_format.entry(format.name()).or_default() += 1;
                *papers.entry(format.name()).or_default() += e
                    .contests()
                    .iter()
                    .map(|c| c.ballots().total_papers())
                    .sum::<u64>();
            }
            Err(err) => failures.push(format!("{rel}: {err}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} files failed to load:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // MANIFEST.md: 1,157 BLT files (1,125 scot-elex and the rest Droop's,
    // the vectors and NZSTV), 115 PrefLib .soi, 355 .dat wards, 3 Cambridge CSVs.
    let expected: BTreeMap<&str, usize> = [
        ("blt", 1157),
        ("csv", 3),
        ("dat", 355),
        ("ess", 3),
        ("soi", 115),
    ]
    .into();
    assert_eq!(per_format, expected);
    // Cambridge rows (MANIFEST.md §8): 21,046 + 21,814 + 23,512.
    assert_eq!(papers["csv"], 21_046 + 21_814 + 23_512);
    // Minneapolis 2013 (MANIFEST.md §6–7): 80,101 rows in each CVR.
    assert_eq!(papers["ess"], 3 * 80_101);
    eprintln!("loaded {per_format:?}; papers {papers:?}");
}

/// Issue 9 bug 5: `convert --to blt` failed on 282 of the Scottish files
/// (names with `"` that the reader accepted and the writer refused), so
/// "canonical BLT, round-trips" was false. Every one is now written and
/// read back to the same election, and the 2022 `"PARTY ""NAME"""` lines
/// read as a name and its party.
#[test]
fn issue_9_bug_5_every_scottish_ballot_file_round_trips_through_canonical_blt() {
    let Some(data) = support::shared_data() else {
        return;
    };
    let files = support::scot_elex_ballot_files(&data);
    assert!(files.len() >= 1_000, "{} Scottish files", files.len());
    let mut split = 0;
    for (name, path) in &files {
        let bytes = std::fs::read(path).unwrap();
        let opts = ReadOptions {
            id: name.clone(),
            ..ReadOptions::default()
        };
        let e = ballot::read(Format::Blt, &bytes, &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut out = Vec::new();
        ballot::write(Format::Blt, &e, &mut out).unwrap_or_else(|err| panic!("{name}: {err}"));
        let back = ballot::read(Format::Blt, &out, &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(back, e, "{name}");
        let c = &e.contests()[0];
        assert!(
            c.candidates().iter().all(|k| !k.name.contains('"')),
            "{name}: a name still holds a quote"
        );
        split += usize::from(
            bytes.windows(2).any(|w| w == b"\"\"")
                && c.candidates().iter().any(|k| k.affiliation.is_some()),
        );
    }
    // The 2022 files (and a few 2012 ones) carry parties this way.
    assert!(
        split >= 280,
        "{split} files read with parties from quoted names"
    );
}
