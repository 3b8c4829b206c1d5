//! The progress line of `recount count`: on standard error, only when it
//! is a terminal, only once a count has run for [`DELAY`], and never with
//! `--quiet`. It shows the contest, the stage just recorded (a round under
//! an iterative rule) and the candidates continuing, and is cleared when
//! the count ends, so nothing of it stays on the screen or reaches a file
//! or pipe. Warnings are not progress: `--quiet` leaves them on.
//!
//! Before counting, [`warn_if_costly`] warns when exact rational Meek
//! (`meek-exact`, or any iterative rule with rational arithmetic) is asked
//! of a contest where its cost explodes: its fractions' denominators grow
//! with every round and every elected candidate's keep value. Timed on
//! `recount generate` files (release build, 2 cores): 1,051 distinct
//! rankings for 6 seats 0.2 s; 2,498 for 3 seats 0.16 s; 8,208 for 5 seats
//! 2.2 s; 8,944 for 6 seats 6.6 s; 2,715 for 10 seats 17 s; 4,328 for 10
//! seats 29 s; 25,437 for 10 seats over 100 s (stopped), where `meek`
//! took 0.15 s. So the warning is for more than [`COSTLY_RANKINGS`]
//! distinct rankings, or more than [`COSTLY_RANKINGS_MANY_SEATS`] with
//! [`MANY_SEATS`] or more seats.
//!
//! The count library only reports stages (`count::count_observed`); the
//! line is drawn by `indicatif`, ticking on its own thread so it moves even
//! through one long stage.

use std::io::IsTerminal;
use std::sync::mpsc;
use std::time::Duration;

use count::rules::{Arithmetic, Method};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a count runs before its progress line appears.
pub const DELAY: Duration = Duration::from_secs(1);

/// Counts `election` under `rules`, with the progress line when `show`
/// and standard error is a terminal; an error is the count's message.
pub fn count(
    election: &ballot::Election,
    rules: &count::Rules,
    show: bool,
) -> Result<count::Transcript, String> {
    if !show || !std::io::stderr().is_terminal() {
        return count::count(election, rules).map_err(|e| e.to_string());
    }
    // Drawn nowhere until the delay has passed.
    let bar = ProgressBar::hidden();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed} counting {msg}") {
        bar.set_style(style);
    }
    let (done, finished) = mpsc::channel::<()>();
    let result = std::thread::scope(|scope| {
        let shown = bar.clone();
        scope.spawn(move || {
            if finished.recv_timeout(DELAY) == Err(mpsc::RecvTimeoutError::Timeout) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(120));
            }
        });
        let result = count::count_observed(election, rules, &|e: count::ProgressEvent<'_>| {
            bar.set_message(format!(
                "{}: stage {}, {} continuing for {} seats",
                e.contest, e.stage, e.continuing, e.vacancies
            ));
        });
        let _ = done.send(());
        result.map_err(|e| e.to_string())
    });
    bar.finish_and_clear();
    result
}

/// Runs `work` with a spinner on standard error (`template` in
/// `indicatif`'s form, with `{msg}` what `work` sets), drawn only once
/// `work` has run for [`DELAY`], only when `show` and standard error is a
/// terminal, and cleared when `work` ends.
pub fn with_spinner<T>(template: &str, show: bool, work: impl FnOnce(&ProgressBar) -> T) -> T {
    let bar = ProgressBar::hidden();
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    let show = show && std::io::stderr().is_terminal();
    let (done, finished) = mpsc::channel::<()>();
    let result = std::thread::scope(|scope| {
        let shown = bar.clone();
        scope.spawn(move || {
            if show && finished.recv_timeout(DELAY) == Err(mpsc::RecvTimeoutError::Timeout) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(120));
            }
        });
        let r = work(&bar);
        let _ = done.send(());
        r
    });
    bar.finish_and_clear();
    result
}

/// Distinct rankings past which exact Meek is warned of, at any seats.
pub const COSTLY_RANKINGS: usize = 5_000;
/// Distinct rankings past which exact Meek is warned of with [`MANY_SEATS`].
pub const COSTLY_RANKINGS_MANY_SEATS: usize = 1_000;
/// Seats from which [`COSTLY_RANKINGS_MANY_SEATS`] applies.
pub const MANY_SEATS: u32 = 6;

/// Prints a warning on standard error for each contest where `rules` is
/// exact rational Meek and the count may take very long.
pub fn warn_if_costly(rules: &count::Rules, election: &ballot::Election) {
    for contest in election.contests() {
        if let Some(warning) = costly(rules, contest) {
            eprintln!("recount: warning: {warning}");
        }
    }
}

/// The warning for `contest` counted under `rules`, if it is one where
/// exact Meek's cost explodes.
fn costly(rules: &count::Rules, contest: &ballot::Contest) -> Option<String> {
    let exact_iterative = matches!(rules.method, Method::Iterative(_))
        && matches!(rules.arithmetic, Arithmetic::Rational);
    let rankings = contest.ballots().len();
    let seats = contest.seats();
    let large = rankings > COSTLY_RANKINGS
        || (seats >= MANY_SEATS && rankings > COSTLY_RANKINGS_MANY_SEATS);
    (exact_iterative && large).then(|| {
        format!(
            "contest {}: {rankings} distinct rankings for {seats} seats; exact rational Meek \
             (--rules {}) may take very long here (its cost grows fast with rankings and \
             seats: minutes or more); --rules meek counts the same rule in 9-decimal \
             arithmetic in well under a second",
            contest.id(),
            rules.name
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contest(rankings: usize, seats: u32) -> ballot::Contest {
        // `rankings` distinct rankings, each a different pair of 80
        // candidates (80 * 79 = 6,320 pairs).
        let n = 80;
        let mut blt = format!("{n} {seats}\n");
        let mut made = 0;
        'all: for a in 1..=n {
            for b in 1..=n {
                if a != b {
                    blt.push_str(&format!("1 {a} {b} 0\n"));
                    made += 1;
                    if made == rankings {
                        break 'all;
                    }
                }
            }
        }
        blt.push_str("0\n");
        for i in 1..=n {
            blt.push_str(&format!("\"C{i}\"\n"));
        }
        blt.push_str("\"t\"\n");
        let e = ballot::read(ballot::Format::Blt, blt.as_bytes(), &Default::default())
            .expect("a BLT file");
        e.contests()[0].clone()
    }

    #[test]
    fn exact_meek_is_warned_of_past_the_thresholds_only() {
        let exact = count::Rules::preset("meek-exact").unwrap();
        let meek = count::Rules::preset("meek").unwrap();
        let small = contest(1_000, 6);
        assert_eq!(small.ballots().len(), 1_000);
        assert_eq!(costly(&exact, &small), None);
        let many_seats = contest(1_001, 6);
        let w = costly(&exact, &many_seats).expect("a warning");
        assert!(w.contains("1001 distinct rankings for 6 seats"), "{w}");
        assert!(
            w.contains("--rules meek-exact") && w.contains("--rules meek "),
            "{w}"
        );
        assert_eq!(costly(&meek, &many_seats), None);
        assert_eq!(costly(&exact, &contest(5_000, 5)), None);
        assert!(costly(&exact, &contest(5_001, 5)).is_some());
    }
}
