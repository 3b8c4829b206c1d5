//! Scottish STV on the 21 Glasgow 2007 wards against Droop's `scotland`
//! reports (`../shared/data/droop/ref/report/scotland/`, an independent
//! implementation of SSI 2007/42 by J. Lundell): every candidate's votes, the
//! non-transferable total and the residual (our loss by fraction) after every
//! transfer, to 5 places. The official 2017 sheets have no non-transferable
//! or loss rows, so this is the check of those two lines on real wards.
//! Droop's reports are a tool's output, not official results (see the
//! MANIFEST); the official comparison lives in the `official` crate.

use std::path::PathBuf;

use count::{Action, Rules};

fn shared() -> Option<PathBuf> {
    recount_testkit::shared_data()
}

/// The figures Droop reports after each transfer (and at the start): per
/// block, (name with spaces collapsed, value), plus `#NT` and `#RES`.
fn droop_blocks(report: &str) -> Vec<Vec<(String, String)>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<(String, String)>> = None;
    for line in report.lines() {
        if let Some(action) = line.strip_prefix("Action: ") {
            blocks.extend(current.take());
            if action.starts_with("Begin Count")
                || action.starts_with("Surplus transferred")
                || action.starts_with("Transfer defeated")
            {
                current = Some(Vec::new());
            }
            continue;
        }
        let Some(block) = current.as_mut() else {
            continue;
        };
        let t = line.trim();
        for state in ["Hopeful:", "Elected:", "Pending:"] {
            if let Some(rest) = t.strip_prefix(state) {
                let rest = rest.trim();
                let open = rest.rfind(" (").expect("name (votes)");
                let name = rest[..open]
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                block.push((name, rest[open + 2..rest.len() - 1].to_string()));
            }
        }
        if let Some(v) = t.strip_prefix("Nontransferable votes: ") {
            block.push(("#NT".into(), v.into()));
        }
        if let Some(v) = t.strip_prefix("Residual: ") {
            block.push(("#RES".into(), v.into()));
        }
    }
    blocks.extend(current);
    blocks
}

#[test]
fn scottish_stv_glasgow_2007_agrees_with_droop_at_every_stage_including_nt_and_residual() {
    let Some(data) = shared() else { return };
    let rules = Rules::scottish_stv();
    let mut wards = 0;
    let mut cells = 0;
    for entry in std::fs::read_dir(data.join("droop/blt/scotland")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        if !stem.ends_with("-2007") {
            continue; // the tie vectors beside them are tested in worked_examples.rs
        }
        let report = std::fs::read_to_string(data.join(format!(
            "droop/ref/report/scotland/{stem}-scotland-fixed-p5-d5.txt"
        )))
        .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let election =
            ballot::read(ballot::Format::Blt, &bytes, &ballot::ReadOptions::default()).unwrap();
        let c = count::count(&election, &rules).unwrap().contests.remove(0);
        let stages: Vec<_> = c
            .stages
            .iter()
            .filter(|s| !matches!(s.action, Action::ElectRemaining))
            .collect();
        let blocks = droop_blocks(&report);
        assert_eq!(blocks.len(), stages.len(), "{stem}: stages");
        for (block, stage) in blocks.iter().zip(&stages) {
            for (name, droop) in block {
                let ours = match name.as_str() {
                    "#NT" => Some(stage.exhausted.to_string()),
                    "#RES" => Some(stage.loss_by_fraction.to_string()),
                    _ => stage
                        .totals
                        .iter()
                        .find(|(k, _)| k.split_whitespace().eq(name.split_whitespace()))
                        .map(|(_, v)| v.to_string()),
                };
                assert_eq!(
                    ours.as_ref(),
                    Some(droop),
                    "{stem} stage {}: {name}",
                    stage.number
                );
                cells += 1;
            }
        }
        wards += 1;
    }
    assert_eq!(wards, 21);
    assert!(cells > 1700, "{cells} figures compared");
}
