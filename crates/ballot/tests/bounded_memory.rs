//! Bounded memory on hostile input (issue "Bounded cost on hostile input: a
//! small file must never exhaust the machine"): the peak of heap allocated
//! while [`ballot::read`] reads a file is at most four times the file's
//! size, on long general-path lines of every shape, on long lines of the
//! other readers, and on the plain-digits path of a generated election;
//! and so is the peak of [`ballot::read_from`] reading the same file from a
//! stream (a line longer than its window is held whole).
//!
//! A counting global allocator wraps the system one and tracks the bytes
//! live and their peak. The bound is deterministic (bytes, not time), and
//! the tests run one at a time under a lock so that no other test's
//! allocations are counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use ballot::{Format, ImportPolicy, ReadOptions};
use recount_testkit::hostile::{self, LineShape};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` with the same arguments; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        let q = unsafe { System.realloc(p, layout, new_size) };
        if !q.is_null() {
            // Counted as a new block beside the old one, as a copying
            // realloc holds both for a moment: the conservative reading.
            grew(new_size);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        q
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Held for the whole of each test, input building included: another
/// test's allocations during a read would count in its peak.
fn alone() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// Peak bytes allocated (above what was live before) while reading `input`,
/// and whether the read succeeded.
fn peak_of_read(format: Format, input: &[u8], opts: &ReadOptions) -> (usize, bool) {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = ballot::read(format, input, opts);
    let peak = PEAK.load(Ordering::Relaxed) - before;
    let ok = result.is_ok();
    drop(result);
    (peak, ok)
}

/// The same for [`ballot::read_from`] over a stream of `input`: the stream's
/// window is counted, the input (already in memory) is not.
fn peak_of_stream(format: Format, input: &[u8], opts: &ReadOptions) -> (usize, bool) {
    let mut stream = input;
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let result = ballot::read_from(format, &mut stream, Some(input.len() as u64), opts);
    let peak = PEAK.load(Ordering::Relaxed) - before;
    let ok = result.is_ok();
    drop(result);
    (peak, ok)
}

/// Reading `input` whole and streamed, each bounded; whether it was read.
fn assert_bounded(what: &str, format: Format, input: &[u8], opts: &ReadOptions) -> bool {
    let ok = assert_bounded_by(what, format, input, opts, peak_of_read);
    let streamed = assert_bounded_by(
        &format!("{what}, streamed"),
        format,
        input,
        opts,
        peak_of_stream,
    );
    assert_eq!(ok, streamed, "{what}: read whole and streamed alike");
    ok
}

fn assert_bounded_by(
    what: &str,
    format: Format,
    input: &[u8],
    opts: &ReadOptions,
    peak_of: fn(Format, &[u8], &ReadOptions) -> (usize, bool),
) -> bool {
    let (peak, ok) = peak_of(format, input, opts);
    let ratio = peak as f64 / input.len() as f64;
    eprintln!(
        "{what}: {} bytes, peak {peak} bytes ({ratio:.3}x), read {}",
        input.len(),
        if ok { "ok" } else { "refused" }
    );
    assert!(
        peak <= 4 * input.len(),
        "{what}: reading {} bytes allocated up to {peak} bytes ({ratio:.1}x the input)",
        input.len()
    );
    ok
}

const LINE: usize = 24_000_000;

fn lenient() -> ReadOptions {
    ReadOptions {
        policy: ImportPolicy::lenient(),
        ..ReadOptions::default()
    }
}

#[test]
fn one_long_blt_line_of_each_shape_costs_at_most_four_times_its_size() {
    let _alone = alone();
    for shape in LineShape::ALL {
        let file = hostile::long_line(shape, LINE);
        // Refused by the default policy (every shape is irregular) and
        // read by the lenient one: both must stay bounded.
        let refused = assert_bounded(shape.name(), Format::Blt, &file, &ReadOptions::default());
        let read = assert_bounded(shape.name(), Format::Blt, &file, &lenient());
        assert!(read, "{shape:?} is read under the lenient policy");
        let irregular = !matches!(shape, LineShape::SkippedRanks);
        assert_eq!(refused, !irregular, "{shape:?} under the default policy");
    }
}

#[test]
fn many_long_blt_lines_cost_at_most_four_times_their_size() {
    let _alone = alone();
    let file = hostile::long_lines(LineShape::EqualRanks, LINE, 1_000_000);
    assert!(assert_bounded("many lines", Format::Blt, &file, &lenient()));
}

#[test]
fn long_blt_preamble_lines_cost_at_most_four_times_their_size() {
    let _alone = alone();
    let repeat = |unit: &str| unit.repeat(LINE / unit.len());
    let body = "0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n";
    let files = [
        (
            "withdrawn line",
            format!("3 1\n-1{}\n{body}", repeat(" -1")),
        ),
        (
            "withdrawn option",
            format!("3 1\n[withdrawn 1{}]\n{body}", repeat(" 2")),
        ),
        (
            "tie option",
            format!("3 1\n[tie 1{}]\n{body}", repeat(" 2")),
        ),
        (
            "nick option",
            format!("3 1\n[nick a{}]\n{body}", repeat(" b")),
        ),
        ("blank lines", format!("3 1\n1 1 0\n{}{body}", repeat("\n"))),
        ("blank papers", format!("3 1\n{}{body}", repeat("1 0\n"))),
        ("long weight", format!("3 1\n{} 1 0\n{body}", repeat("1"))),
        ("long token", format!("3 1\n1 1 {} 0\n{body}", repeat("x"))),
    ];
    for (what, file) in files {
        assert_bounded(what, Format::Blt, file.as_bytes(), &lenient());
    }
}

#[test]
fn long_lines_of_the_other_readers_cost_at_most_four_times_their_size() {
    let _alone = alone();
    let repeat = |unit: &str| unit.repeat(LINE / unit.len());
    let preflib = "# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: A\n\
                   # ALTERNATIVE NAME 2: B\n# ALTERNATIVE NAME 3: C\n";
    let with_seats = ReadOptions {
        seats: Some(1),
        ..lenient()
    };
    let files = [
        (
            "soi",
            Format::PreflibSoi,
            format!("{preflib}1: 1{}\n", repeat(",1")),
        ),
        (
            "toi",
            Format::PreflibToi,
            format!("{preflib}1: 1{}\n", repeat(",{1,2}")),
        ),
        (
            "toi group",
            Format::PreflibToi,
            format!("{preflib}1: {{1{}}}\n", repeat(",2")),
        ),
        (
            "dat",
            Format::Dat,
            format!(
                "1 Ward\n1 3 1 1\nA, X\nB, Y\nC, Z\n1 1 2 3{}\n",
                repeat(" 0")
            ),
        ),
        (
            "soi long number",
            Format::PreflibSoi,
            format!("{preflib}1: {}\n", repeat("1")),
        ),
    ];
    for (what, format, file) in files {
        assert_bounded(what, format, file.as_bytes(), &with_seats);
    }
}

#[test]
fn the_plain_path_on_a_generated_election_costs_at_most_four_times_its_size() {
    let _alone = alone();
    let mut file = Vec::new();
    recount_testkit::write_blt(recount_testkit::Spec::senate(300_000), 1, &mut file).unwrap();
    assert!(assert_bounded(
        "generated",
        Format::Blt,
        &file,
        &ReadOptions::default()
    ));
}

/// A row of 12 million cells past a header of three: the reader keeps the
/// cells of the header's columns and drops the rest as it parses them (it
/// cost 9 times its size when the `csv` crate held the whole row).
#[test]
fn a_long_csv_row_costs_at_most_four_times_its_size() {
    let _alone = alone();
    let file = format!("rank1,rank2,rank3\nA,B{}\n", ",C".repeat(LINE / 2));
    let with_seats = ReadOptions {
        seats: Some(1),
        ..lenient()
    };
    // Read: the cells past rank3 are not the ballot's.
    assert!(assert_bounded(
        "csv long row",
        Format::Csv,
        file.as_bytes(),
        &with_seats
    ));
    let empty = format!("rank1,rank2,rank3\nA,B{}\n", ",".repeat(LINE));
    assert!(assert_bounded(
        "csv long row of empty cells",
        Format::Csv,
        empty.as_bytes(),
        &with_seats
    ));
}

/// A BLT file of `candidates` candidates and the given ballot lines.
fn blt_with(candidates: usize, ballots: &[u8]) -> Vec<u8> {
    let mut file = format!("{candidates} 1\n").into_bytes();
    file.extend_from_slice(ballots);
    file.extend_from_slice(b"0\n");
    for i in 1..=candidates {
        file.extend_from_slice(format!("\"C{i}\"\n").as_bytes());
    }
    file.extend_from_slice(b"\"T\"\n");
    file
}

/// Each OpenSTV ballot id is kept, to check that the ids are distinct, as
/// an offset into the input and an index slot, about 21 bytes, beside the
/// arena's reservation. It cost 9.2 times the size of 24 MB of `(hex)1 0`
/// lines while ids were kept in a hash map (24 bytes an entry and up to
/// as much again spare) beside a reservation of 38 bytes a ranking for
/// one line in 16 (`specs/limits.md`, "Memory while reading").
#[test]
fn minimal_ballot_id_lines_cost_at_most_four_times_their_size() {
    let _alone = alone();
    let mut ballots = Vec::new();
    let mut n = 0u64;
    while ballots.len() < LINE {
        ballots.extend_from_slice(format!("({n:x})1 0\n").as_bytes());
        n += 1;
    }
    let file = blt_with(3, &ballots);
    assert!(assert_bounded(
        "ballot ids",
        Format::Blt,
        &file,
        &ReadOptions::default()
    ));
    // The shortest lines many distinct ids can have: three bytes each, of
    // any byte that is not trimmed, a separator, a comment or a parenthesis.
    let symbols: Vec<u8> = (0..=255u8)
        .filter(|b| !b.is_ascii_whitespace() && !b"\x0b,#()".contains(b))
        .collect();
    let mut ballots = Vec::new();
    'fill: for &a in &symbols {
        for &b in &symbols {
            for &c in &symbols {
                if ballots.len() >= LINE {
                    break 'fill;
                }
                ballots.extend_from_slice(&[b'(', a, b, c, b')', b'1', b' ', b'0', b'\n']);
            }
        }
    }
    let file = blt_with(3, &ballots);
    assert!(assert_bounded(
        "three-byte ballot ids",
        Format::Blt,
        &file,
        &ReadOptions::default()
    ));
}

/// Every ordered pair of 900 candidates once, `1 a b 0`: the most distinct
/// rankings a file of three-digit candidates can hold per byte, more than
/// the reader reserves for, so the arena and its index grow. It cost 5.07
/// times its size while the index was a power of two long, was held
/// beside its replacement while growing and while the arena was trimmed,
/// and the arena doubled (`specs/limits.md`, "Memory while reading").
#[test]
fn distinct_short_rankings_cost_at_most_four_times_their_size() {
    let _alone = alone();
    let mut ballots = Vec::new();
    for a in 1..=900 {
        for b in 1..=900 {
            if a != b {
                ballots.extend_from_slice(format!("1 {a} {b} 0\n").as_bytes());
            }
        }
    }
    let file = blt_with(900, &ballots);
    assert!(assert_bounded(
        "distinct pairs",
        Format::Blt,
        &file,
        &ReadOptions::default()
    ));
}
