//! Test support for recount: the shared real data, proptest strategies,
//! and (re-exported from `recount-generate`) the seeded election generators
//! behind `recount generate`.
//!
//! [`hostile`] builds the inputs that test recount's bounds on cost
//! (`specs/limits.md`).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod hostile;

pub use generate::*;

use std::io::{self, Write};
use std::path::PathBuf;

use ballot::{BallotsBuilder, Candidate, CandidateId, Contest, Election};
use proptest::prelude::*;
use rand::Rng;

/// The shared real-data folder (the one holding `data/`): `RECOUNT_SHARED`,
/// else `../shared` beside the workspace. The real-data suites read it in
/// place and never copy it.
pub fn shared_root() -> PathBuf {
    std::env::var_os("RECOUNT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")))
}

/// The shared `data/` folder, or `None` after a loud notice when it is
/// absent, so that a developer without it can still run the other tests.
///
/// # Panics
/// When it is absent under `CI=true`: CI must never pass by skipping.
pub fn shared_data() -> Option<PathBuf> {
    let data = shared_root().join("data");
    if data.is_dir() {
        return Some(data);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI=true but the shared real data is missing at {} (set RECOUNT_SHARED)",
            data.display()
        );
    }
    // Straight to the stream: the test harness captures `eprintln!`, and a
    // skip must be seen.
    let _ = writeln!(
        io::stderr(),
        "\n!!!!!!!! SKIPPED: shared real data not found at {} !!!!!!!!\n\
         !!!!!!!! set RECOUNT_SHARED to the folder holding data/ to run this suite !!!!!!!!\n",
        data.display()
    );
    None
}

/// Which characters generated names may use, so that each format's
/// round-trip property is tested on what that format can represent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Names {
    /// Letters, digits, spaces, punctuation and non-ASCII letters, but no
    /// double quote, no control characters and no leading or trailing space.
    Printable,
    /// Anything at all, including quotes, commas and newlines.
    Any,
}

fn name_strategy(names: Names) -> BoxedStrategy<String> {
    match names {
        Names::Printable => "[A-Za-z][A-Za-z0-9 .,'()éøüåŁß&-]{0,24}[A-Za-z0-9.)]"
            .prop_map(|s| s)
            .boxed(),
        Names::Any => any::<String>()
            .prop_filter("non-empty", |s| !s.is_empty())
            .boxed(),
    }
}

/// A strategy for single-contest elections: 1–12 candidates with distinct
/// names, 1–candidates seats, up to 40 distinct rankings with counts up to
/// 1,000, some blank papers, possibly withdrawn candidates.
pub fn arb_election(names: Names) -> impl Strategy<Value = Election> {
    (1usize..=12)
        .prop_flat_map(move |n| {
            (
                proptest::collection::btree_set(name_strategy(names), n),
                1..=n as u32,
                proptest::collection::vec(
                    (
                        Just(()).prop_perturb(move |_, mut rng| {
                            let mut ids: Vec<usize> = (0..n).collect();
                            for i in (1..n).rev() {
                                ids.swap(i, rng.random_range(0..=i));
                            }
                            let len = rng.random_range(1..=n);
                            ids.truncate(len);
                            ids
                        }),
                        1u64..1000,
                    ),
                    0..40,
                ),
                prop_oneof![3 => Just(0u64), 1 => 1u64..50],
                proptest::collection::btree_set(0..n, 0..=n.saturating_sub(1).min(2)),
                name_strategy(names),
            )
        })
        .prop_map(|(names, seats, rankings, blank, withdrawn, title)| {
            let n = names.len();
            let candidates: Vec<Candidate> = names
                .into_iter()
                .enumerate()
                .map(|(i, name)| Candidate::named(i + 1, name))
                .collect();
            let mut b = BallotsBuilder::new(n);
            for (ranking, count) in rankings {
                let ids: Vec<CandidateId> =
                    ranking.into_iter().filter_map(CandidateId::new).collect();
                b.push(&ids, count).expect("strict ranking");
            }
            if blank > 0 {
                b.push(&[], blank).expect("blank papers");
            }
            let contest = Contest::new("contest", title, seats, candidates, b.build())
                .and_then(|c| c.with_withdrawn(withdrawn.into_iter().filter_map(CandidateId::new)))
                .expect("well-formed contest");
            Election::single(contest)
        })
}
