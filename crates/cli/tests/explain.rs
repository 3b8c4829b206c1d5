//! `recount explain` through the binary (`specs/official-results.md`,
//! "Explain"): for a sheet counted under each preset it names that preset;
//! for a sheet counted under a variant it finds the variant's options; for
//! a sheet whose lot fell the other way it replays the sheet's lots; and on
//! real Scottish 2017 sheets it names scottish-stv.

use std::fs;
use std::path::Path;

use assert_cmd::Command;

const DEMO: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../audit-data/demo-ward.blt"
);

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

fn sheet_of(file: &Path, args: &[&str]) -> String {
    let out = recount()
        .arg("count")
        .arg(file)
        .args(["--format", "sheet", "--quiet", "--allow-default-seed"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn explain(file: &Path, sheet: &Path) -> (i32, serde_json::Value) {
    let out = recount()
        .arg("explain")
        .arg(file)
        .arg("--official")
        .arg(sheet)
        .args(["--format", "json", "--quiet"])
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code().unwrap(), json)
}

#[test]
fn a_sheet_counted_under_each_preset_is_explained_by_that_preset() {
    let tmp = tempfile::tempdir().unwrap();
    for preset in [
        "scottish-stv",
        "ers97",
        "wigm",
        "uig",
        "egm",
        "meek",
        "nz-meek",
        "warren",
    ] {
        let sheet = tmp.path().join(format!("{preset}.csv"));
        fs::write(&sheet, sheet_of(Path::new(DEMO), &["--rules", preset])).unwrap();
        let (code, json) = explain(Path::new(DEMO), &sheet);
        assert_eq!(code, 0, "{preset}: {json:#}");
        assert_eq!(json["ranked"][0]["rules"], preset, "{json:#}");
        assert_eq!(json["ranked"][0]["agrees"], true);
        assert_eq!(json["best"]["name"], preset);
    }
}

#[test]
fn a_sheet_counted_under_a_variant_is_explained_by_its_options() {
    let tmp = tempfile::tempdir().unwrap();
    let sheet = tmp.path().join("v.csv");
    fs::write(
        &sheet,
        sheet_of(
            Path::new(DEMO),
            &["--rules", "scottish-stv", "--set", "quota.divisor=seats"],
        ),
    )
    .unwrap();
    let (code, json) = explain(Path::new(DEMO), &sheet);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(
        json["ranked"][0]["rules"],
        "scottish-stv+quota.divisor=seats"
    );
    // The best is a rules file that reproduces the sheet through diff.
    let rules = tmp.path().join("best.json");
    fs::write(&rules, serde_json::to_string_pretty(&json["best"]).unwrap()).unwrap();
    recount()
        .arg("diff")
        .arg(DEMO)
        .arg("--rules")
        .arg(&rules)
        .arg("--official")
        .arg(&sheet)
        .assert()
        .success();
}

#[test]
fn the_lots_a_sheet_reveals_are_replayed_as_a_tie_order() {
    let tmp = tempfile::tempdir().unwrap();
    let blt = tmp.path().join("tie.blt");
    fs::write(
        &blt,
        "5 2\n10 1 0\n6 2 0\n3 3 2 0\n3 4 5 0\n5 5 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"E\"\n\"Tie\"\n",
    )
    .unwrap();
    let excluded = |seed: &str| {
        sheet_of(&blt, &["--rules", "scottish-stv", "--seed", seed])
            .lines()
            .find(|l| l.contains(",exclusion,"))
            .map(|l| l.split(',').nth(5).unwrap().to_owned())
    };
    // The sheet's lot falls where the default seed's does not.
    let default = excluded("0");
    let other = (1..50)
        .map(|n| n.to_string())
        .find(|s| excluded(s) != default)
        .unwrap();
    let sheet = tmp.path().join("s.csv");
    fs::write(
        &sheet,
        sheet_of(&blt, &["--rules", "scottish-stv", "--seed", &other]),
    )
    .unwrap();
    let (code, json) = explain(&blt, &sheet);
    assert_eq!(code, 0, "{json:#}");
    let best = json["ranked"][0]["rules"].as_str().unwrap();
    assert!(
        best.ends_with("+ties: the sheet's lots as a tie order"),
        "{best}"
    );
    assert_eq!(
        json["best"]["ties"]["chain"],
        serde_json::json!(["backward", "order"])
    );
}

#[test]
fn scottish_2017_sheets_are_explained_by_scottish_stv() {
    let Some(data) = recount_testkit::shared_data() else {
        return;
    };
    let pairs = fs::read_to_string(data.join("_derived/pairs_2017.tsv")).unwrap();
    // Five wards of different councils and sizes that the sheets print
    // without error.
    for blt in [
        "edinburgh_2017_ward1.blt",
        "aberdeen_2017_ward3.blt",
        "highland_2017_ward5.blt",
        "fife_2017_ward10.blt",
        "glasgow_2017_ward5.blt",
    ] {
        let Some(row) = pairs.lines().find(|l| l.starts_with(&format!("{blt}\t"))) else {
            panic!("{blt} not in pairs_2017.tsv");
        };
        let f: Vec<&str> = row.split('\t').collect();
        let json = data.join(format!(
            "council17-gerrymulvenna/2017/SCO/{}/{}/ResultsJson.json",
            f[1], f[3]
        ));
        let ballots = walk(&data.join("scot-elex/blt_files"), blt).unwrap();
        let (code, out) = explain(&ballots, &json);
        assert_eq!(code, 0, "{blt}: {out:#}");
        let ranked = out["ranked"].as_array().unwrap();
        assert!(
            ranked
                .iter()
                .any(|r| r["rules"] == "scottish-stv" && r["agrees"] == true),
            "{blt}: {out:#}"
        );
    }
}

fn walk(dir: &Path, name: &str) -> Option<std::path::PathBuf> {
    for e in fs::read_dir(dir).ok()? {
        let p = e.ok()?.path();
        if p.is_dir() {
            if let Some(f) = walk(&p, name) {
                return Some(f);
            }
        } else if p.file_name().is_some_and(|n| n == name) {
            return Some(p);
        }
    }
    None
}
