//! `recount diff` through the binary (`specs/official-results.md`): sheets
//! made by counting the demo ward with one preset, then altered the ways
//! the issue lists (one figure changed, the quota changed, 5 % of the
//! papers dropped, a tie broken the other way), are each diagnosed with
//! the right explanation; the Scottish 2022 layout's wards are chosen by
//! id, name or candidates; bad sheets are exit 2 with their place.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::str::contains;

const DEMO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../audit-data/demo-ward.blt"
);

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

/// `recount count FILE --rules PRESET --format sheet` (extra arguments after).
fn sheet_of(file: &Path, preset: &str, extra: &[&str]) -> String {
    let out = recount()
        .arg("count")
        .arg(file)
        .args([
            "--rules",
            preset,
            "--format",
            "sheet",
            "--quiet",
            "--allow-default-seed",
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `recount diff FILE --rules PRESET --official SHEET --format json`:
/// the exit code and the JSON.
fn diff_json(file: &Path, preset: &str, sheet: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = recount()
        .arg("diff")
        .arg(file)
        .args(["--rules", preset, "--official"])
        .arg(sheet)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), json)
}

fn explanations(json: &serde_json::Value) -> Vec<(String, String)> {
    json["diff"]["explanations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

#[test]
fn the_sheet_of_the_same_count_agrees_and_exit_is_0() {
    let tmp = tempfile::tempdir().unwrap();
    for preset in ["scottish-stv", "meek", "wigm"] {
        let sheet = write(tmp.path(), "s.csv", &sheet_of(Path::new(DEMO), preset, &[]));
        let (code, json) = diff_json(Path::new(DEMO), preset, &sheet, &[]);
        assert_eq!(code, 0, "{preset}: {json:#}");
        assert_eq!(json["agrees"], true);
        assert_eq!(json["sheet_format"], "recount-sheet");
        assert_eq!(json["diff"]["differences"], serde_json::json!([]));
    }
    let sheet = write(
        tmp.path(),
        "s.csv",
        &sheet_of(Path::new(DEMO), "scottish-stv", &[]),
    );
    recount()
        .arg("diff")
        .arg(DEMO)
        .args(["--rules", "scottish-stv", "--official"])
        .arg(&sheet)
        .assert()
        .success()
        .stdout(contains("Verdict: the sheet agrees with the ballots"));
}

#[test]
fn one_altered_figure_is_a_transcription_error_at_its_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let good = sheet_of(Path::new(DEMO), "scottish-stv", &[]);
    // Stage 3's total of Candidate 2, 121.69972, published as 131.69972.
    let line = good
        .lines()
        .position(|l| l.starts_with("demo-ward,3,candidate,Candidate 2,"))
        .unwrap();
    let text = good.lines().nth(line).unwrap();
    let column = text.find(",121.69972,").unwrap() as u64 + 2;
    let bad = good.replacen(",121.69972,", ",131.69972,", 1);
    let sheet = write(tmp.path(), "s.csv", &bad);
    let (code, json) = diff_json(Path::new(DEMO), "scottish-stv", &sheet, &[]);
    assert_eq!(code, 1);
    let d = &json["diff"]["differences"];
    assert_eq!(d.as_array().unwrap().len(), 1, "{d:#}");
    assert_eq!(d[0]["field"], "total");
    assert_eq!(d[0]["stage"], 3);
    assert_eq!(d[0]["official"], "131.69972");
    assert_eq!(d[0]["ours"], "121.69972");
    assert_eq!(d[0]["at"]["line"], line as u64 + 1);
    assert_eq!(d[0]["at"]["column"], column);
    assert_eq!(json["diff"]["first"], 0);
    assert_eq!(
        explanations(&json),
        [(
            "transcription".to_owned(),
            "stage 3: the sheet gives Candidate 2 131.69972, the ballots give 121.69972; every later \
             stage agrees with the ballots, so the sheet has a transcription error"
                .to_owned()
        )]
    );
}

#[test]
fn a_changed_quota_names_the_formula_that_gives_it() {
    let tmp = tempfile::tempdir().unwrap();
    let good = sheet_of(Path::new(DEMO), "scottish-stv", &[]);
    let bad = good.replacen(
        "demo-ward,,quota,,,,,626.00000,",
        "demo-ward,,quota,,,,,625,",
        1,
    );
    let sheet = write(tmp.path(), "s.csv", &bad);
    let (code, json) = diff_json(Path::new(DEMO), "scottish-stv", &sheet, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        explanations(&json),
        [(
            "quota".to_owned(),
            "quota: the sheet's 625 is ⌊valid/(seats+1)⌋; these rules give 626.00000".to_owned()
        )]
    );
}

#[test]
fn a_sheet_counted_from_fewer_papers_is_explained_as_papers_these_ballots_hold() {
    let tmp = tempfile::tempdir().unwrap();
    // Every 20th ranking line dropped: about 5 % of the papers.
    let blt = fs::read_to_string(DEMO).unwrap();
    let mut lines: Vec<&str> = blt.lines().collect();
    let end = lines.iter().position(|l| *l == "0").unwrap();
    let mut k = 0;
    lines.retain(|l| {
        k += 1;
        !(k > 1 && k < end && k % 20 == 0 && *l != "0")
    });
    let fewer = write(tmp.path(), "fewer.blt", &(lines.join("\n") + "\n"));
    let sheet = write(tmp.path(), "s.csv", &sheet_of(&fewer, "scottish-stv", &[]));
    let (code, json) = diff_json(Path::new(DEMO), "scottish-stv", &sheet, &[]);
    assert_eq!(code, 1);
    let e = explanations(&json);
    assert_eq!(e[0].0, "quota", "{e:?}");
    assert!(e[0].1.contains("of its own valid poll"), "{e:?}");
    let papers = e
        .iter()
        .find(|x| x.0 == "papers" && x.1.starts_with("stage 1"))
        .expect("a papers explanation of stage 1");
    assert!(
        papers.1.starts_with(
            "stage 1: every first-preference total of the sheet is lower than the ballots', by "
        ),
        "{}",
        papers.1
    );
    assert!(
        papers
            .1
            .ends_with("these ballots hold papers that the sheet did not count")
    );
}

#[test]
fn a_tie_broken_the_other_way_is_named_with_the_level_totals() {
    let tmp = tempfile::tempdir().unwrap();
    // C and D tie for last at stage 1 with nothing before it: a lot at
    // stage 2 (A has the quota and no surplus).
    let blt = write(
        tmp.path(),
        "tie.blt",
        "5 2\n10 1 0\n6 2 0\n3 3 2 0\n3 4 5 0\n5 5 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"E\"\n\"Tie\"\n",
    );
    // Two seeds whose lots fall differently.
    // (the stage of the first exclusion, whom it excludes)
    let excluded = |seed: &str| {
        let s = sheet_of(&blt, "scottish-stv", &["--seed", seed]);
        s.lines()
            .find(|l| l.contains(",candidate,") && l.contains(",exclusion,"))
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                (f[1].parse::<u32>().unwrap(), f[5].to_owned())
            })
            .unwrap()
    };
    let (stage, first) = excluded("1");
    let other = (2..50)
        .map(|n| n.to_string())
        .find(|s| excluded(s).1 != first)
        .expect("a seed that draws the other");
    let sheet = write(
        tmp.path(),
        "s.csv",
        &sheet_of(&blt, "scottish-stv", &["--seed", &other]),
    );
    let (code, json) = diff_json(&blt, "scottish-stv", &sheet, &["--seed", "1"]);
    assert_eq!(code, 1, "{json:#}");
    let e = explanations(&json);
    assert_eq!(e[0].0, "tie", "{e:?}");
    assert_eq!(
        e[0].1,
        format!(
            "from stage {stage}: the sheet excludes {} where these rules exclude {first}; they were tied at 3.00000 \
             at stage {} and the sheet broke the tie the other way",
            if first == "C" { "D" } else { "C" },
            stage - 1
        )
    );
    // Everything after follows from it: one explanation covers it all.
    assert_eq!(e.len(), 1);
}

#[test]
fn text_json_and_html_reports_say_the_same() {
    let tmp = tempfile::tempdir().unwrap();
    let good = sheet_of(Path::new(DEMO), "scottish-stv", &[]);
    let sheet = write(
        tmp.path(),
        "s.csv",
        &good.replacen(",121.69972,", ",131.69972,", 1),
    );
    let html = tmp.path().join("diff.html");
    recount()
        .arg("diff")
        .arg(DEMO)
        .args(["--rules", "scottish-stv", "--official"])
        .arg(&sheet)
        .args(["--format", "html", "-o"])
        .arg(&html)
        .assert()
        .code(1);
    let page = fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(!page.contains("<script") && !page.contains("http://") && !page.contains("https://"));
    assert!(
        page.contains("class=\"num diff first\""),
        "the differing cell is marked"
    );
    assert!(page.contains("ballots: 121.69972"));
    assert!(page.contains("so the sheet has a transcription error"));
    recount()
        .arg("diff")
        .arg(DEMO)
        .args(["--rules", "scottish-stv", "--official"])
        .arg(&sheet)
        .assert()
        .code(1)
        .stdout(contains(
            "> stage 3, Candidate 2, total: sheet 131.69972, ballots 121.69972",
        ))
        .stdout(contains(
            "Verdict: the sheet differs from the ballots (1 difference)",
        ));
}

/// The demo ward's recount as a Scottish 2022 file of two wards: the
/// demo's (as `S13000001`, "Demo") and another with other candidates.
fn scottish_2022(sheet: &str) -> String {
    let mut header: Vec<String> = "id,name,party_name,council_id,council_name,election,cand_ward_id,map_ward_id,ward_name,contested,elected,status,occurred_on_count,first_prefs"
        .split(',')
        .map(str::to_owned)
        .collect();
    for k in 2..=13 {
        header.push(format!("transfers{k:02}"));
        header.push(format!("total_votes{k:02}"));
    }
    for f in [
        "electorate",
        "total_poll",
        "valid_poll",
        "rejected",
        "quota",
        "seats",
        "candidates",
    ] {
        header.push(f.to_owned());
    }
    let mut out = header.join(",") + "\n";
    let rows: Vec<Vec<&str>> = sheet
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let fact = |k: &str| rows.iter().find(|r| r[2] == k).unwrap()[7].to_owned();
    let (valid, quota, seats) = (fact("valid-poll"), fact("quota"), fact("seats"));
    let names: Vec<&str> = rows
        .iter()
        .filter(|r| r[1] == "1" && r[2] == "candidate")
        .map(|r| r[3])
        .collect();
    for name in &names {
        let mine: Vec<&Vec<&str>> = rows
            .iter()
            .filter(|r| r[2] == "candidate" && r[3] == *name)
            .collect();
        let mut f = vec![String::new(); header.len()];
        f[1] = name.to_string();
        f[7] = "S13000001".into();
        f[8] = "Demo".into();
        let status = mine.iter().find(|r| !r[8].is_empty());
        match status {
            Some(r) if r[8] == "elected" => {
                f[11] = "Elected".into();
                f[12] = r[1].into();
            }
            Some(r) => {
                f[11] = "Excluded".into();
                // The stage at whose end they were excluded.
                f[12] = (r[1].parse::<u32>().unwrap() - 1).to_string();
            }
            None => f[11] = "Not elected".into(),
        }
        for r in &mine {
            let k: usize = r[1].parse().unwrap();
            if k == 1 {
                f[13] = r[7].into();
            } else {
                f[14 + (k - 2) * 2] = r[6].into();
                f[15 + (k - 2) * 2] = r[7].into();
            }
        }
        let n = header.len();
        f[n - 5] = valid.clone();
        f[n - 3] = quota.clone();
        f[n - 2] = seats.clone();
        out.push_str(&f.join(","));
        out.push('\n');
    }
    for (name, status) in [("Ann Other", "Elected"), ("Bob Else", "Not elected")] {
        let mut f = vec![String::new(); header.len()];
        f[1] = name.into();
        f[7] = "S13000002".into();
        f[8] = "Elsewhere".into();
        f[11] = status.into();
        f[12] = if status == "Elected" {
            "1".into()
        } else {
            String::new()
        };
        f[13] = "10".into();
        out.push_str(&f.join(","));
        out.push('\n');
    }
    out
}

#[test]
fn a_2022_file_of_several_wards_is_chosen_by_id_name_or_candidates() {
    let tmp = tempfile::tempdir().unwrap();
    let csv = scottish_2022(&sheet_of(Path::new(DEMO), "scottish-stv", &[]));
    let file = write(tmp.path(), "2022.csv", &csv);
    for choice in [
        &[][..],
        &["--official-contest", "S13000001"],
        &["--official-contest", "demo"],
    ] {
        let (code, json) = diff_json(Path::new(DEMO), "scottish-stv", &file, choice);
        assert_eq!(code, 0, "{choice:?}: {json:#}");
        assert_eq!(json["sheet_format"], "scottish-csv");
        assert_eq!(json["contest"], "S13000001");
    }
    recount()
        .arg("diff")
        .arg(DEMO)
        .args(["--rules", "scottish-stv", "--official"])
        .arg(&file)
        .args(["--official-contest", "Nowhere"])
        .assert()
        .code(2)
        .stderr(contains(
            "--official-contest \"Nowhere\": names no contest of the file",
        ))
        .stderr(contains("S13000001 (Demo), S13000002 (Elsewhere)"));
    // A malformed cell is a warning at its place, the cell left unknown.
    let bad = csv.replacen(",117.00000,", ",117.000.00,", 1);
    let file = write(tmp.path(), "bad.csv", &bad);
    let (code, json) = diff_json(Path::new(DEMO), "scottish-stv", &file, &[]);
    assert_eq!(code, 0, "{json:#}");
    let w = &json["diff"]["warnings"][0];
    assert_eq!(w[0]["line"], 2);
    assert!(
        w[1].as_str()
            .unwrap()
            .contains("\"117.000.00\" is not a figure")
    );
}

#[test]
fn sheets_that_cannot_be_read_are_exit_2_with_their_place() {
    let tmp = tempfile::tempdir().unwrap();
    let not_a_sheet = write(tmp.path(), "x.txt", "hello\n");
    recount()
        .arg("diff")
        .arg(DEMO)
        .args(["--rules", "scottish-stv", "--official"])
        .arg(&not_a_sheet)
        .assert()
        .code(2)
        .stderr(contains("give --official-format"));
    let good = sheet_of(Path::new(DEMO), "scottish-stv", &[]);
    let bad = write(
        tmp.path(),
        "s.csv",
        &good.replacen(",elected\n", ",won\n", 1),
    );
    recount()
        .arg("diff")
        .arg(DEMO)
        .args(["--rules", "scottish-stv", "--official"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(contains(
            "expected a status: empty, elected or excluded, found \"won\"",
        ));
}

#[test]
fn names_that_differ_are_paired_by_rule_or_warned_of_with_their_place_never_guessed() {
    let tmp = tempfile::tempdir().unwrap();
    let good = sheet_of(Path::new(DEMO), "scottish-stv", &[]);
    // An accent and a case change pair by rule (listed); a name that is no
    // candidate's is a warning at its first row, and its figures unknown.
    let renamed = good
        .replace("Candidate 3,", "CANDIDATE 3,")
        .replace("Candidate 5,", "Candidaté 5,")
        .replace(",Candidate 2,", ",Kandidat Zwei,");
    let sheet = write(tmp.path(), "s.csv", &renamed);
    let (code, json) = diff_json(Path::new(DEMO), "scottish-stv", &sheet, &[]);
    let d = &json["diff"];
    let rules: Vec<(&str, &str)> = d["loose_pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["official"].as_str().unwrap(), p["rule"].as_str().unwrap()))
        .collect();
    assert!(rules.contains(&("CANDIDATE 3", "normalised")), "{rules:?}");
    assert!(rules.contains(&("Candidaté 5", "unaccented")), "{rules:?}");
    let warnings = d["warnings"].as_array().unwrap();
    let w = warnings
        .iter()
        .find(|w| {
            w[1].as_str()
                .unwrap()
                .contains("\"Kandidat Zwei\" (number 2 on the sheet) pairs with no candidate")
        })
        .unwrap_or_else(|| panic!("{warnings:?}"));
    let first_row = renamed
        .lines()
        .position(|l| l.contains("Kandidat Zwei"))
        .unwrap() as u64
        + 1;
    assert_eq!(w[0]["line"], first_row);
    assert!(warnings.iter().any(|w| {
        w[1].as_str()
            .unwrap()
            .contains("\"Candidate 2\" of the ballots is not on the sheet")
    }));
    // Nothing else differs: the unpaired figures are not compared.
    assert_eq!(code, 0, "{json:#}");
}

#[test]
fn rctabs_csv_report_is_recognised_and_its_figures_placed() {
    // The Minneapolis 2013 park board under the city's own rules against
    // RCTab's report of its configuration: RCTab eliminates one candidate a
    // round where the city eliminated two at once, so the stages part at
    // stage 2, and each difference points into the CSV.
    let Some(data) = recount_testkit::shared_data() else {
        return;
    };
    let dir = data.join("rctab-minneapolis-2013-park");
    let out = recount()
        .arg("diff")
        .arg(dir.join("2013_minneapolis_park_cvr.xlsx"))
        .arg("--official")
        .arg(dir.join("2013_minneapolis_park_expected_detailed_report.csv"))
        .args(["--seats", "3", "--rules", "minneapolis"])
        .args(["--skipped-ranks", "close-up", "--overvotes", "skip-rank"])
        .args(["--repeated-candidates", "keep-first", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("RCTab detailed report CSV") || text.contains("rctab-csv"),
        "{text}"
    );
    // Stage 1 agrees but for RCTab's inactive count; stage 2's Erwin is
    // 14684 on the sheet (Undeclared Write-ins alone eliminated), 14866 here.
    assert!(text.contains("14684"), "{text}");
}
