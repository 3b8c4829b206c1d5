//! `recount generate --demo DIR`: the audit demo of `audit-data/`, rebuilt
//! byte for byte from the project's seeded generator
//! (`generate::demo::momentum_demo`). It writes, under DIR:
//!
//! - `momentum-demo-source/`: what the authority publishes from: the
//!   election (recount JSON, with its constraints), `meta.json` (the
//!   nomination rule, voting window, vetting, the candidate kept off,
//!   turnout and the declared result) and each region's roll and
//!   nomination records;
//! - `momentum-demo/`: the signed bundle `recount publish` makes of them;
//! - `demo-key.key`, `demo-key.pub`: the demo signing key. It is made from
//!   a published seed, so it is **no secret**: its name says so. A real
//!   authority makes its key with `recount keygen`;
//! - `official-altered.csv`: the London & Eastern result as an official
//!   sheet (`recount-sheet/1`) with one figure altered, so that the audit
//!   shows a discrepancy caught.
//!
//! Each file is replaced whole; the bundle is replaced only if it is one.

use std::collections::BTreeMap;
use std::path::Path;

use bundle::keys::{KeyName, SigningKey};

use crate::Failure;
use crate::output::write_new_with_mode;

/// The seed of the demo election.
pub const SEED: u64 = 2022;
/// The demo key's name: it says the key is no secret.
pub const KEY_NAME: &str = "demo.recount.invalid/not-a-secret-key";
/// The text whose SHA-256 is the demo key's seed.
const KEY_SEED_TEXT: &str = "recount audit demo key: published, not secret";
/// The rules the demo authority counts under.
pub const RULES: &str = "scottish-stv";
/// The region of `official-altered.csv`.
pub const ALTERED_REGION: &str = "london-eastern";

fn write(path: &Path, mode: u32, bytes: &[u8]) -> Result<(), Failure> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Failure::Io(format!("{}: {e}", dir.display())))?;
    }
    write_new_with_mode(path, true, mode, |out| {
        out.write_all(bytes).map_err(crate::output::io_failure)
    })
}

/// Builds the demo under `dir`.
pub fn build(dir: &Path) -> Result<(), Failure> {
    let demo = generate::demo::momentum_demo(SEED);
    let rules = count::Rules::preset(RULES).expect("the demo's preset");
    let transcript = count::count(&demo.election, &rules)
        .map_err(|e| Failure::Input(format!("the demo election: {e}")))?;

    // The source the authority publishes from.
    let source = dir.join("momentum-demo-source");
    let mut election_json = Vec::new();
    ballot::write(ballot::Format::Json, &demo.election, &mut election_json)
        .map_err(|e| Failure::Input(e.to_string()))?;
    write(&source.join("election.json"), 0o666, &election_json)?;
    let mut files = BTreeMap::new();
    let mut contests = Vec::new();
    for (region, (contest, record)) in demo
        .regions
        .iter()
        .zip(demo.election.contests().iter().zip(&transcript.contests))
    {
        let roll_path = format!("roll/{}.csv", region.id);
        let noms_path = format!("nominations/{}.csv", region.id);
        let roll: String = region.roll.iter().map(|m| format!("{m}\n")).collect();
        let noms: String = region
            .nominations
            .iter()
            .map(|n| format!("{n}\n"))
            .collect();
        for (path, text) in [(&roll_path, roll), (&noms_path, noms)] {
            write(&source.join(path), 0o666, text.as_bytes())?;
            files.insert(path.clone(), text.into_bytes());
        }
        let id_of = |name: &str| {
            contest
                .candidates()
                .iter()
                .find(|c| c.name == name)
                .map(|c| c.id.clone())
        };
        let elected: Vec<String> = record.elected.iter().filter_map(|n| id_of(n)).collect();
        let candidates: Vec<serde_json::Value> = region
            .candidates
            .iter()
            .map(|c| match &c.name {
                Some(name) => serde_json::json!({
                    "id": c.id, "name": name, "status": "insufficient-nominations", "vetted": c.vetted,
                }),
                None => serde_json::json!({"id": c.id, "vetted": c.vetted}),
            })
            .collect();
        contests.push(serde_json::json!({
            "id": region.id,
            "candidates": candidates,
            "roll": roll_path,
            "nominations": noms_path,
            "turnout": {
                "links_sent": region.links_sent,
                "papers": contest.ballots().total_papers(),
                "blank": contest.ballots().blank().0,
                "rejected": region.rejected,
            },
            "elected": elected,
        }));
    }
    let meta_json = serde_json::json!({
        "format": bundle::meta::META_FORMAT,
        "id": "momentum-demo-2022",
        "title": "National Coordinating Group 2022: audit demo (synthetic members and ballots)",
        "nomination": {"threshold": generate::demo::THRESHOLD, "deadline": generate::demo::DEADLINE},
        "voting": {"opens": generate::demo::OPENS, "closes": generate::demo::CLOSES},
        "contests": contests,
    });
    let mut meta_text = serde_json::to_string_pretty(&meta_json).expect("META serialises");
    meta_text.push('\n');
    write(&source.join("meta.json"), 0o666, meta_text.as_bytes())?;
    let meta = bundle::meta::Meta::parse(meta_text.as_bytes())
        .map_err(|e| Failure::Input(format!("the demo's META: {e}")))?;

    // The demo key: from a published seed, so no secret.
    let seed = bundle::manifest::sha256(KEY_SEED_TEXT.as_bytes());
    let key = SigningKey::from_seed(seed);
    let pem = key
        .to_pkcs8_pem()
        .map_err(|e| Failure::Input(e.to_string()))?;
    let name = KeyName::new(KEY_NAME).expect("a valid key name");
    let signer = key.signer(name);
    write(&dir.join("demo-key.key"), 0o600, pem.as_bytes())?;
    write(
        &dir.join("demo-key.pub"),
        0o666,
        format!("{}\n", signer.verifier_key()).as_bytes(),
    )?;

    // The bundle.
    let out = dir.join("momentum-demo");
    let replacing = crate::bundle_cmd::refuse_existing(&out, true, "generate --demo")?;
    crate::bundle_cmd::publish_to(
        &out,
        replacing,
        demo.election.clone(),
        &rules,
        &signer,
        Some(&meta),
        &files,
        &source.join("meta.json").display().to_string(),
    )?;

    // One region's result as an official sheet, one figure altered: the
    // third stage's total of the region's first candidate, ten votes up.
    let mut one = transcript.clone();
    one.contests.retain(|c| c.contest == ALTERED_REGION);
    let sheet = render::recount_sheet(&one);
    let altered = alter(&sheet)
        .ok_or_else(|| Failure::Input("the demo sheet has no stage 3 to alter".into()))?;
    write(&dir.join("official-altered.csv"), 0o666, altered.as_bytes())?;
    Ok(())
}

/// `sheet` with stage 3's first candidate total raised by 10.
fn alter(sheet: &str) -> Option<String> {
    let mut out = String::new();
    let mut done = false;
    for line in sheet.lines() {
        let mut fields: Vec<String> = line.split(',').map(str::to_owned).collect();
        if !done && fields.len() == 9 && fields[1] == "3" && fields[2] == "candidate" {
            let total = count::decimal::Decimal::parse(&fields[7])?;
            let ten = count::decimal::Decimal::from_integer(10);
            fields[7] = total.checked_add(&ten)?.to_string();
            done = true;
        }
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    done.then_some(out)
}
