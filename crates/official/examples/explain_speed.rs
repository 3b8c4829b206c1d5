//! How many rule variants `recount explain` counts and judges a second,
//! on one core, on a 10-candidate Scottish ward (`just bench-explain`).
//! Each variant is what explain does for one: a full count of the ward
//! under the variant (one prepared layout) and the diff with the ward's
//! official sheet. Prints the rate; the goal is 1,000 a second.

use std::time::Instant;

// What the binary links: the rate is what users see.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    let blt = data.join("scot-elex/blt_files/10_cands/aberdeen_2017_ward12.blt");
    let json =
        data.join("council17-gerrymulvenna/2017/SCO/aberdeen-city/S13002846/ResultsJson.json");
    let (Ok(ballots), Ok(sheet)) = (std::fs::read(&blt), std::fs::read(&json)) else {
        eprintln!("needs ../shared/data (the Scottish 2017 files)");
        std::process::exit(2);
    };
    let election =
        ballot::read(ballot::Format::Blt, &ballots, &Default::default()).expect("a BLT file");
    let contest = &election.contests()[0];
    let sheet = official::scottish_json::read(&sheet).expect("the sheet");
    let options = official::diff::DiffOptions {
        shortening: official::Shortening::SCOTTISH_COUNCILS,
        aliases: &[],
    };
    let base = count::Rules::preset("scottish-stv").expect("the preset");
    let variants = official::explain::neighbours(&base);
    let prepared = count::Prepared::new(contest);
    let started = Instant::now();
    let mut done = 0u64;
    while started.elapsed().as_secs_f64() < 3.0 {
        for rules in &variants {
            if let Ok(mut records) = prepared.count(rules) {
                let ours = records.remove(0);
                let d = official::diff::diff(&sheet, &ours, &options).expect("a diff");
                std::hint::black_box(d);
            }
            done += 1;
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "explain: {} candidates, {} distinct rankings; {} variants of scottish-stv; {done} counted and judged in {secs:.2} s on one core: {:.0} a second",
        contest.candidates().len(),
        contest.ballots().len(),
        variants.len(),
        done as f64 / secs
    );
}
