//! The streaming BLT reader against the reader of whole bytes: over a
//! stream that hands out a few bytes at a time, so that every line, token,
//! byte-order mark and `\r\n` is cut somewhere, [`blt::read_from`] gives the
//! same election as [`blt::read`], or the same errors with the same
//! messages and positions (byte, line, column, ballot). On generated
//! elections written as BLT and then damaged, on hand-picked dialects and
//! broken files, on every `.blt` of the shared data set and on files larger
//! than the stream's window, with lines longer than it.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use ballot::{Election, Error, ErrorKind, Format, ImportPolicy, ReadOptions, blt};
use proptest::prelude::*;
use recount_testkit::Names;

/// A stream of `data` whose reads return 1 to 7 bytes, in a pattern drawn
/// from `seed`.
struct Trickle<'a> {
    data: &'a [u8],
    at: usize,
    seed: u64,
}

impl Read for Trickle<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        // xorshift: a fixed, cheap sequence of chunk sizes.
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        let want = 1 + (self.seed % 7) as usize;
        let n = want.min(out.len()).min(self.data.len() - self.at);
        out[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// What a read gave, comparable: the election, or each error's message
/// and position.
#[derive(Debug, PartialEq)]
enum Outcome {
    Read(Box<Election>),
    Refused(Vec<(String, Option<ballot::Position>)>),
}

fn outcome(r: Result<Election, Error>) -> Outcome {
    match r {
        Ok(e) => Outcome::Read(Box::new(e)),
        Err(e) => Outcome::Refused(
            e.each()
                .into_iter()
                .map(|e| (e.to_string(), e.position().copied()))
                .collect(),
        ),
    }
}

/// Reads `bytes` whole and streamed (trickling with three patterns, with
/// and without the length, and in one piece) and checks that every
/// streamed read agrees with the whole one; returns the whole read's.
fn agree(bytes: &[u8], opts: &ReadOptions) -> Outcome {
    let whole = outcome(blt::read(bytes, opts));
    for (seed, len) in [(1, true), (0x9E37_79B9, false), (42, true)] {
        let mut s = Trickle {
            data: bytes,
            at: 0,
            seed,
        };
        let len = len.then_some(bytes.len() as u64);
        let streamed = outcome(blt::read_from(&mut s, len, opts));
        assert_eq!(
            streamed,
            whole,
            "trickle {seed:#x} of {:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(400)])
        );
    }
    let mut all = bytes;
    // A wrong length must not change what is read.
    let streamed = outcome(blt::read_from(&mut all, Some(3), opts));
    assert_eq!(streamed, whole, "in one piece");
    whole
}

fn lenient() -> ReadOptions {
    ReadOptions {
        policy: ImportPolicy::lenient(),
        ..ReadOptions::default()
    }
}

/// A damage to a file: at a place (a fraction of its length), delete a
/// byte, or insert or overwrite one from those that matter to BLT.
#[derive(Clone, Debug)]
enum Damage {
    Delete(f64),
    Insert(f64, u8),
    Replace(f64, u8),
}

const SIGNIFICANT: &[u8] = b"0123456789 \t,\n\r\"#=-()[]\xEF\xBB\xBF\xC3\xA9x";

fn damage() -> impl Strategy<Value = Damage> {
    let byte = proptest::sample::select(SIGNIFICANT);
    prop_oneof![
        (0.0..1.0f64).prop_map(Damage::Delete),
        (0.0..1.0f64, byte.clone()).prop_map(|(at, b)| Damage::Insert(at, b)),
        (0.0..1.0f64, byte).prop_map(|(at, b)| Damage::Replace(at, b)),
    ]
}

fn apply(bytes: &mut Vec<u8>, d: &Damage) {
    let at = |f: f64, len: usize| ((f * len as f64) as usize).min(len);
    match *d {
        Damage::Delete(f) if !bytes.is_empty() => {
            let i = at(f, bytes.len() - 1);
            bytes.remove(i);
        }
        Damage::Insert(f, b) => {
            let i = at(f, bytes.len());
            bytes.insert(i, b);
        }
        Damage::Replace(f, b) if !bytes.is_empty() => {
            let i = at(f, bytes.len() - 1);
            bytes[i] = b;
        }
        _ => {}
    }
}

/// How a written file is dressed before damage: `\r\n` line ends, a
/// byte-order mark, no final line break, notes after the title.
fn dress(mut bytes: Vec<u8>, crlf: bool, bom: bool, cut_end: bool, notes: bool) -> Vec<u8> {
    if notes {
        bytes.extend_from_slice(b"\n# notes\nanything at all \"\n");
    }
    if cut_end && bytes.last() == Some(&b'\n') {
        bytes.pop();
    }
    if crlf {
        let mut out = Vec::with_capacity(bytes.len() * 2);
        for &b in &bytes {
            if b == b'\n' {
                out.push(b'\r');
            }
            out.push(b);
        }
        bytes = out;
    }
    if bom {
        bytes.splice(0..0, *b"\xEF\xBB\xBF");
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_trickled_stream_reads_as_the_whole_bytes(
        e in recount_testkit::arb_election(Names::Printable),
        damages in proptest::collection::vec(damage(), 0..4),
        crlf in any::<bool>(),
        bom in any::<bool>(),
        cut_end in any::<bool>(),
        notes in any::<bool>(),
        lenient_policy in any::<bool>(),
    ) {
        let mut bytes = Vec::new();
        blt::write(&e, &mut bytes).unwrap();
        let mut bytes = dress(bytes, crlf, bom, cut_end, notes);
        for d in &damages {
            apply(&mut bytes, d);
        }
        let opts = if lenient_policy { lenient() } else { ReadOptions::default() };
        let got = agree(&bytes, &opts);
        if damages.is_empty() {
            // Undamaged, it is the election written (ids aside).
            let Outcome::Read(read) = got else {
                panic!("an undamaged file is refused: {got:?}");
            };
            prop_assert_eq!(read.contests()[0].ballots(), e.contests()[0].ballots());
        }
    }
}

/// Dialects and broken files, each cut everywhere by the trickle: ids,
/// options, nicknames, comments, name dialects, the end of the file in
/// each section, byte-order marks and `\r\n`.
#[test]
fn dialects_and_broken_files_read_alike_streamed() {
    let cases: &[&[u8]] = &[
        b"",
        b"\n\n \n",
        b"\xEF\xBB\xBF",
        b"\xEF\xBB\xBF\xEF\xBB\xBF3 2\n",
        b"# only a comment",
        b"3 2",
        b"3 2\n",
        b"3 2\n1 1 2 0\n",
        b"3 2\n1 1 2 0\n0",
        b"3 2\n1 1 2 0\n0\n\"A\"\n\"B\"\n",
        b"3 2\n1 1 2 0\n0\n\"A\"\n\"B\"\n\"C\"\n",
        b"3 2\n1 1 2 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"",
        b"3 2\r\n1 1 2 0\r\n0\r\n\"A\"\r\n\"B\"\r\n\"C\"\r\n\"T\"\r\n",
        b"\xEF\xBB\xBF3 2\n4 1 2 0\n2 3 0\n0\n\"Castor\"\n\"Pollux\"\n\"Helen\"\n\"Twins\"\n",
        b"3 2\n-2\n[tie 3 2 1]\n[nick a b c]\n[undeclared 3]\n[droop x]\n# c\n\n2 a b=c 0\n1 - c 0 # x\n3378 0\n0\nA\nB\nC\nT\n",
        b"3 2\n(x) 1 1 2 0\n( y )1 3 0\n(x) 1 2 0\n(z) 2 1 0\n1 1 0\n0\nA\nB\nC\nT\n",
        b"3 2\n4 1 9 0\n4 1 1 0\n0 1 0\n4 1 2\n4x 1 0\n18446744073709551616 1 0\n4 1 0 2 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n",
        b"3 2\n18446744073709551615 1 0\n1 2 0\n0\nA\nB\nC\nT\n",
        b"3 2\n1 1 0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n",
        b"3 2\n1 1 0\n0\n# ALTERNATIVE NAME 1: Ann\n# ALTERNATIVE NAME 2: Bob\n# ALTERNATIVE NAME 3: Cy\nGlasgow\n",
        b"2 1\n1 1 0\n0\n\"\"\"Robert BARR\"\" \"\"Independent\"\"\"\n\"Grn \"\"Richie BRIAN\"\"\"\n\"T\" \"src\" \"cmt\"\nnotes",
        b"2 1\n1 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n\"src\"\n\"cmt\"\nmore\n",
        b"2 1\n1 1 0\n0\n\"A\"\n\"B\"\n\"T\"\nextra line\n",
        b"2 1\n1 1 0\n0\n\"A\xff\"\n\"B\"\n\"T\"\n",
        b"2 1\n1 1 0\n0\n\"A\x01\"\n\"B\"\n\"T\"\n",
        b"2 1\n1 1 0\n0\n\"Ann \"\n\"B\"\n\"T\"\n",
        b"2 1\n1 1 0\n0\n\"A\" \"P\" \"Q\"\n\"B\"\n\"T\"\n",
        "2 1\n1 1 0\n0\nZoë Ødegård\n\"B\"\n\"T\" é\n".as_bytes(),
        "2 1\n1 1 é 0\n0\nA\nB\nT\n".as_bytes(),
        b"0 1\n",
        b"2 3\n",
        b"2 1 7\n",
        b"2 1\n-3\n",
        b"2 1\n[tie 1]\n",
        b"2 1\n[nick a a]\n",
        b"2 1\n[bogus]\n",
        b"2 1\n[tie 1 2\n",
    ];
    for case in cases {
        agree(case, &ReadOptions::default());
        agree(case, &lenient());
        agree(
            case,
            &ReadOptions {
                seats: Some(3),
                ..ReadOptions::default()
            },
        );
    }
}

/// Files past the window: the line numbers, bytes and columns of errors
/// late in a file, at its end, and on lines longer than the window.
#[test]
fn files_larger_than_the_window_read_alike_streamed() {
    let mut body = Vec::new();
    let mut n = 0u64;
    while body.len() < 3_000_000 {
        let line = format!("{} {} {} {} 0\n", 1 + n % 5, 1 + n % 9, 1 + (n / 9) % 9, 10);
        body.extend_from_slice(line.as_bytes());
        n += 1;
    }
    let file = |middle: &[u8], tail: &[u8]| {
        let mut f = b"10 3\n".to_vec();
        f.extend_from_slice(&body[..body.len() / 2]);
        f.extend_from_slice(middle);
        f.extend_from_slice(&body[body.len() / 2..]);
        f.extend_from_slice(tail);
        f
    };
    let names = b"0\nA\nB\nC\nD\nE\nF\nG\nH\nI\nJ\nTitle\n";
    // A line longer than the window (a comment), read on the general path.
    let mut long = b"2 1 2 0 #".to_vec();
    long.extend(std::iter::repeat_n(b'x', 2_500_000));
    long.push(b'\n');
    let cases = [
        file(b"", names),
        file(b"7 3 3 0\n", names),
        file(&long, names),
        file(&long, b""),
        file(b"", b"0\nA\nB\n"),
        file("1 1 é 0\n".as_bytes(), b"0\nA\nB\n"),
        file(b"", b"0\nA\nB\nC\nD\nE\nF\nG\nH\nI\nJ\nT\nextra"),
    ];
    for f in &cases {
        let whole = outcome(blt::read(f, &ReadOptions::default()));
        for seed in [7, 0xDEAD_BEEF] {
            let mut s = Trickle {
                data: f,
                at: 0,
                seed,
            };
            let got = outcome(blt::read_from(&mut s, Some(f.len() as u64), &lenient()));
            let want = outcome(blt::read(f, &lenient()));
            assert_eq!(got, want, "lenient, trickle {seed}");
        }
        let mut all = &f[..];
        let streamed = outcome(blt::read_from(&mut all, None, &ReadOptions::default()));
        assert_eq!(streamed, whole);
    }
}

#[test]
fn every_shared_blt_file_reads_alike_streamed() {
    let mut files = vec![PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../audit-data/demo-ward.blt"
    ))];
    if let Some(dir) = recount_testkit::shared_data() {
        blt_files(&dir, &mut files);
    }
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        for opts in [ReadOptions::default(), lenient()] {
            let whole = outcome(blt::read(&bytes, &opts));
            let mut file = std::fs::File::open(path).unwrap();
            let streamed = outcome(blt::read_from(&mut file, Some(bytes.len() as u64), &opts));
            assert_eq!(streamed, whole, "{}", path.display());
        }
        // The smaller files trickled too (the large ones would take long).
        if bytes.len() < 200_000 {
            agree(&bytes, &lenient());
        }
    }
}

fn blt_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            blt_files(&p, out);
        } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("blt")) {
            out.push(p);
        }
    }
}

/// A stream that fails after some bytes.
struct Failing<'a>(&'a [u8]);

impl Read for Failing<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Err(io::Error::other("the disk is gone"));
        }
        let n = out.len().min(self.0.len()).min(5);
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn a_failing_stream_is_an_io_error() {
    // Failing in the header, in the ballots, in the names.
    for cut in [2, 12, 30] {
        let file = b"3 2\n1 1 2 0\n1 9 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n";
        let err =
            blt::read_from(&mut Failing(&file[..cut]), None, &ReadOptions::default()).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Io(e) if e.to_string() == "the disk is gone"),
            "{cut}: {err}"
        );
    }
}

/// The other formats are read whole through the same entry point.
#[test]
fn other_formats_read_from_a_stream_too() {
    let csv = b"rank1,rank2\nA,B\nB,\n";
    let opts = ReadOptions {
        seats: Some(1),
        ..ReadOptions::default()
    };
    let whole = outcome(ballot::read(Format::Csv, csv, &opts));
    let mut s = Trickle {
        data: csv,
        at: 0,
        seed: 5,
    };
    let streamed = outcome(ballot::read_from(Format::Csv, &mut s, None, &opts));
    assert_eq!(streamed, whole);
    let mut s = Trickle {
        data: b"3 2\n1 1 0\n0\nA\nB\nC\nT\n",
        at: 0,
        seed: 5,
    };
    assert!(ballot::read_from(Format::Blt, &mut s, None, &opts).is_err());
}
