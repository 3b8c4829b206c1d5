//! `recount count CVR --rctab-config CONFIG` on RCTab's own Minneapolis
//! 2013 park board test (`../shared/data/rctab-minneapolis-2013-park/`):
//! the configuration's options mapped (specs/rctab.md), the count checked
//! against RCTab's expected report for that configuration, an independent
//! implementation.

use assert_cmd::Command;
use count::decimal::Decimal;
use serde_json::Value;

fn dec(v: &Value) -> Decimal {
    Decimal::parse(v.as_str().unwrap()).unwrap()
}

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

#[test]
fn the_park_board_configuration_counts_as_rctab_reports_it() {
    let Some(data) = recount_testkit::shared_data() else {
        return;
    };
    let dir = data.join("rctab-minneapolis-2013-park");
    let out = recount()
        .arg("count")
        .arg(dir.join("2013_minneapolis_park_cvr.xlsx"))
        .arg("--rctab-config")
        .arg(dir.join("2013_minneapolis_park_config.json"))
        .args(["--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let t: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &t["contests"][0];
    let report: Value = serde_json::from_slice(
        &std::fs::read(dir.join("2013_minneapolis_park_expected_detailed_report.json")).unwrap(),
    )
    .unwrap();
    let rounds = report["results"].as_array().unwrap();
    assert_eq!(c["rules"]["name"], "rctab:Minneapolis Rules");
    assert_eq!(c["quota"], "14866.0000");
    // Every round but RCTab's last (where it takes the final winners'
    // surpluses off them, "finalRoundSurplus"): each candidate's tally at
    // RCTab's precision, and the inactive papers but for the 67 papers
    // RCTab counts inactive from round 1 that the city (20,638) and recount
    // count as blank (RCTab reports 20,571 undervotes).
    let stages = c["stages"].as_array().unwrap();
    assert_eq!(stages.len(), rounds.len());
    for (round, stage) in rounds[..rounds.len() - 1].iter().zip(stages) {
        let n = round["round"].as_u64().unwrap();
        for (name, tally) in round["tally"].as_object().unwrap() {
            let ours = if name == "Undeclared Write-ins" {
                &stage["totals"]["UWI"]
            } else {
                &stage["totals"][name]
            };
            assert!(
                dec(ours).same_value(&dec(tally)),
                "round {n}: {name}: {ours} {tally}"
            );
        }
        let inactive = round["inactiveBallots"]
            .as_object()
            .unwrap()
            .values()
            .fold(Decimal::from_integer(0), |a, v| {
                a.checked_add(&dec(v)).unwrap()
            });
        let ours = dec(&stage["exhausted"])
            .checked_add(&Decimal::from_integer(67))
            .unwrap();
        assert!(
            ours.same_value(&inactive),
            "round {n}: inactive {ours} {inactive}"
        );
    }
    let elected: Vec<&str> = c["elected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(elected, ["JOHN ERWIN", "ANNIE YOUNG", "MEG FORNEY"]);
}

#[test]
fn the_configuration_owns_the_rules_and_the_reading_options() {
    let Some(data) = recount_testkit::shared_data() else {
        return;
    };
    let dir = data.join("rctab-minneapolis-2013-park");
    for extra in [
        &["--rules", "irv"][..],
        &["--overvotes", "end-at-overvote"][..],
    ] {
        let out = recount()
            .arg("count")
            .arg(dir.join("2013_minneapolis_park_cvr.xlsx"))
            .arg("--rctab-config")
            .arg(dir.join("2013_minneapolis_park_config.json"))
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(e.contains("is not taken with --rctab-config"), "{e}");
    }
    // An option recount cannot honour: refused by name, exit 2.
    let tmp = tempfile::tempdir().unwrap();
    let mut config: Value = serde_json::from_slice(
        &std::fs::read(dir.join("2013_minneapolis_park_config.json")).unwrap(),
    )
    .unwrap();
    config["rules"]["tiebreakMode"] = "stopCountingAndAsk".into();
    let path = tmp.path().join("config.json");
    std::fs::write(&path, serde_json::to_vec(&config).unwrap()).unwrap();
    let out = recount()
        .arg("count")
        .arg(dir.join("2013_minneapolis_park_cvr.xlsx"))
        .arg("--rctab-config")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("rules.tiebreakMode stopCountingAndAsk: not supported"),
        "{e}"
    );
}
