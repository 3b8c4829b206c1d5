//! Bounded cost on hostile input (the issue of that name, item 1): the
//! cost of a count must follow the size of what it records, candidates ×
//! stages, never more.
//!
//! Two files showed it did not: a 578 KB BLT declaring 65,535 candidates and
//! 1,000 seats with no papers ran every preset out of memory (23 GB) or time
//! (each tied exclusion looked back over every earlier stage, and every
//! zero-vote candidate was a stage of 65,535 totals held as strings); and
//! each doubling of the candidates cost 7× the time and 4× the memory.
//! Memory is measured here with a counting allocator (deterministic, unlike
//! a timing): the bound is the goal's 1 GiB for the wide file, and for
//! real-shaped elections a fixed number of bytes per recorded figure.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use ballot::{Format, ReadOptions};
use count::Rules;
use recount_testkit::Spec;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; the counters only
// observe the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One measurement at a time: the counters are global.
static SERIAL: Mutex<()> = Mutex::new(());

/// Runs `f` and returns its result with the peak bytes allocated above
/// what was live when it started.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f();
    (out, PEAK.load(Ordering::Relaxed) - base)
}

const GIB: usize = 1 << 30;

#[test]
fn sixty_five_thousand_candidates_without_papers_count_within_a_gigabyte_under_every_preset() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let blt = recount_testkit::hostile::wide_header(65_535, 1_000);
    let election = ballot::read(Format::Blt, &blt, &ReadOptions::default()).expect("the file");
    for (name, _, _) in Rules::presets() {
        let rules = Rules::preset(name).expect("a preset");
        let (t, peak) = peak_of(|| count::count(&election, &rules).expect("a count"));
        let c = &t.contests[0];
        assert_eq!(c.elected.len(), 1_000, "{name}");
        // Nobody holds a vote: one stage of first preferences, one taking
        // the candidates without votes together (or, at a quota of zero,
        // none), one filling the places.
        assert!(c.stages.len() <= 4, "{name}: {} stages", c.stages.len());
        assert!(peak < GIB, "{name}: {peak} bytes");
        // The result and its transcript are written out within the bound too.
        let (json, written) = peak_of(|| serde_json::to_vec(&t).expect("JSON"));
        assert!(
            written < GIB,
            "{name}: {written} bytes writing the transcript"
        );
        drop(json);
    }
}

/// Peak bytes of a scottish-stv count of a generated real-shaped contest
/// of `candidates` candidates, and the figures its transcript records.
fn cost_per_figure(candidates: usize) -> (usize, usize) {
    let spec = Spec {
        candidates,
        seats: 5,
        papers: 10 * candidates as u64,
        mean_length: 12.0,
    };
    let election = ballot::Election::single(recount_testkit::contest(spec, 1));
    let rules = Rules::preset("scottish-stv").expect("scottish-stv");
    let (t, peak) = peak_of(|| count::count(&election, &rules).expect("a count"));
    let stages = t.contests[0].stages.len();
    (peak, candidates * stages)
}

#[test]
fn a_real_shaped_count_costs_a_fixed_number_of_bytes_per_recorded_figure() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Twice the candidates: about twice the stages, four times the figures.
    let (small, small_figures) = cost_per_figure(1_000);
    let (large, large_figures) = cost_per_figure(2_000);
    assert!(
        large_figures > 3 * small_figures,
        "{small_figures} → {large_figures}"
    );
    // A figure's total and transfer are an integer each (16 bytes) and the
    // tie history one more at most; strings cost ten times that.
    for (peak, figures) in [(small, small_figures), (large, large_figures)] {
        eprintln!(
            "{figures} figures: {peak} bytes, {} a figure",
            peak / figures
        );
        assert!(
            peak < 48 * figures + (64 << 20),
            "{peak} bytes for {figures} figures: {} a figure",
            peak / figures
        );
    }
}

#[test]
fn sixty_five_thousand_candidates_tied_on_one_paper_each_are_refused_at_the_figure_limit() {
    // Nobody can go without a stage of their own: one at a time, 65,534
    // stages of 65,535 figures. The count stops at the limit, in bounded
    // memory, with an error naming it, instead of exhausting the machine.
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let blt = recount_testkit::hostile::one_paper_each(65_535, 1_000);
    let election = ballot::read(Format::Blt, &blt, &ReadOptions::default()).expect("the file");
    for name in ["scottish-stv", "meek"] {
        let rules = Rules::preset(name).expect("a preset");
        let (refused, peak) = peak_of(|| count::count(&election, &rules).err());
        match refused {
            Some(count::CountError::TooLarge {
                candidates, stages, ..
            }) => {
                assert_eq!(candidates, 65_535);
                // It stopped long before the 65,534 stages one at a time needs.
                assert!(stages < 2_000, "{name}: {stages} stages");
            }
            other => panic!("{name}: {other:?}"),
        }
        assert!(peak < GIB, "{name}: {peak} bytes");
    }
}
