//! Watching a count as it runs: [`count_observed`] is [`count`](crate::count)
//! with a [`Progress`] observer told where the count has got to after each
//! stage (a Gregory stage, or a Meek round). The count stays a pure
//! function: the observer is only told, it cannot change the count, and the
//! transcript is the one `count` writes. What the observer does with the
//! news (a progress line on a terminal, say) is the caller's; this crate
//! never prints.
//!
//! The strategies (`gregory.rs`, `meek.rs`) call [`Observer::report`] once
//! at the top of each pass of their stage loop, before deciding the next
//! stage; this module owns the types and the entry point only.
//!
//! ```
//! use std::sync::Mutex;
//! use ballot::{Format, ReadOptions};
//!
//! let blt = b"5 2\n1 1 2 0\n2 2 0\n3 3 0\n4 4 0\n5 5 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"E\"\n\"t\"\n";
//! let election = ballot::read(Format::Blt, blt, &ReadOptions::default()).expect("a BLT file");
//! let rules = count::Rules::preset("scottish-stv").unwrap();
//! let seen = Mutex::new(Vec::new());
//! let observed = count::count_observed(&election, &rules, &|e: count::ProgressEvent<'_>| {
//!     seen.lock().unwrap().push((e.stage, e.continuing));
//! })
//! .unwrap();
//! assert_eq!(observed, count::count(&election, &rules).unwrap());
//! // After stage 1 all five continue; after stage 2 (A excluded), four.
//! assert_eq!(seen.lock().unwrap()[..2], [(1, 5), (2, 4)]);
//! ```

use std::fmt;

use ballot::Election;

use crate::error::CountError;
use crate::rules::Rules;
use crate::transcript::Transcript;

/// Where a count has got to, after a stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProgressEvent<'a> {
    /// The id of the contest being counted.
    pub contest: &'a str,
    /// The number of the stage just recorded (stage 1: the first
    /// preferences; under an iterative rule each later stage is a round).
    pub stage: u32,
    /// Candidates still continuing (neither elected nor excluded).
    pub continuing: usize,
    /// Seats not yet filled.
    pub vacancies: usize,
}

/// Told where a count has got to ([`count_observed`]). Any
/// `Fn(ProgressEvent) + Sync` closure is one.
pub trait Progress: Sync {
    /// A stage has been recorded.
    fn stage_done(&self, event: ProgressEvent<'_>);
}

impl<F: Fn(ProgressEvent<'_>) + Sync> Progress for F {
    fn stage_done(&self, event: ProgressEvent<'_>) {
        self(event)
    }
}

/// [`count`](crate::count), telling `progress` after each stage of each
/// contest (in the order counted: stage numbers increase within a contest).
/// The transcript is the one `count` returns.
pub fn count_observed(
    election: &Election,
    rules: &Rules,
    progress: &dyn Progress,
) -> Result<Transcript, CountError> {
    crate::driver::count_with(election, rules, Observer(Some(progress)))
}

/// The observer a count carries: none, for every count but
/// [`count_observed`]'s.
#[derive(Clone, Copy, Default)]
pub(crate) struct Observer<'a>(pub(crate) Option<&'a dyn Progress>);

impl Observer<'_> {
    /// Tells the observer, if any, that stage `stage` of `contest` is recorded.
    pub(crate) fn report(&self, contest: &str, stage: u32, continuing: usize, vacancies: usize) {
        if let Some(p) = self.0 {
            p.stage_done(ProgressEvent {
                contest,
                stage,
                continuing,
                vacancies,
            });
        }
    }
}

impl fmt::Debug for Observer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Observer(Some(..))"
        } else {
            "Observer(None)"
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use ballot::{Format, ReadOptions};

    use super::*;
    use crate::rules::PRESETS;

    fn demo_ward() -> Election {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../audit-data/demo-ward.blt"
        );
        let bytes = std::fs::read(path).expect("the demo ward");
        ballot::read(Format::Blt, &bytes, &ReadOptions::default()).expect("a BLT file")
    }

    /// Every several-seat preset, Gregory and iterative alike, tells the
    /// observer once per pass of its stage loop, stages increasing from 1,
    /// the continuing never more and the vacancies never more than before,
    /// and the transcript is `count`'s.
    #[test]
    fn the_observer_is_told_each_stage_in_order_and_the_count_is_unchanged() {
        let election = demo_ward();
        for preset in PRESETS
            .iter()
            .filter(|p| !p.single_winner && p.name != "meek-exact")
        {
            let rules = (preset.rules)();
            let seen = Mutex::new(Vec::new());
            let observed = count_observed(&election, &rules, &|e: ProgressEvent<'_>| {
                assert_eq!(e.contest, election.contests()[0].id());
                seen.lock()
                    .unwrap()
                    .push((e.stage, e.continuing, e.vacancies));
            })
            .unwrap();
            let plain = crate::count(&election, &rules).unwrap();
            assert_eq!(observed, plain, "{}", preset.name);
            let seen = seen.into_inner().unwrap();
            assert!(seen.len() >= 2, "{}: {seen:?}", preset.name);
            // After stage 1 none is excluded: the nine are continuing or
            // elected (Gregory elects candidate 9 on 880 first preferences
            // there; Meek at the end of its first round).
            let (stage, continuing, vacancies) = seen[0];
            assert_eq!(
                (stage, continuing + 3 - vacancies),
                (1, 9),
                "{}",
                preset.name
            );
            for w in seen.windows(2) {
                assert!(w[0].0 < w[1].0, "{}: stages {seen:?}", preset.name);
                assert!(
                    w[0].1 >= w[1].1 && w[0].2 >= w[1].2,
                    "{}: {seen:?}",
                    preset.name
                );
            }
            let last = plain.contests[0].stages.last().unwrap().number;
            assert!(seen.last().unwrap().0 <= last, "{}", preset.name);
        }
    }
}
