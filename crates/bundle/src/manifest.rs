//! The bundle's `MANIFEST`: the SHA-256 of every committed file, in the
//! format `sha256sum` writes and `sha256sum -c` checks.
//!
//! Grammar (ASCII bytes; canonical-or-reject, so exactly one text per set
//! of files):
//!
//! ```text
//! manifest = 1*line
//! line     = digest SP SP path LF
//! digest   = 64 lowercase hex digits     ; SHA-256 of the file's bytes
//! path     = segment *("/" segment)      ; relative, at most 1024 bytes
//! segment  = (ALNUM / "_" / "-") *(ALNUM / "." / "_" / "-")
//! ```
//!
//! Lines are sorted by path, bytewise, with no path twice and no two paths
//! equal but for ASCII case (they would be one file on some systems). No
//! BOM, no CR, no empty line, no trailing space; the last line ends in LF.
//! Segments cannot start with `.`, which rules out `.`, `..` and hidden
//! files such as `.DS_Store`; no backslash, so `sha256sum` never escapes a
//! name. Which paths a bundle must or may hold is the layout's business,
//! and reading files is the caller's: this module is given bytes.

use std::collections::{BTreeMap, HashMap};
use std::io;

use sha2::{Digest as _, Sha256};

use crate::error::{Error, ErrorKind, ManifestProblem};
use crate::hex::{self, HexError};

/// A SHA-256 digest of a file's bytes.
pub type Digest = [u8; 32];

/// The longest path accepted, in bytes.
pub const MAX_PATH: usize = 1024;

/// The SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> Digest {
    Sha256::digest(bytes).into()
}

/// The SHA-256 of `bytes` as a MANIFEST line writes it: 64 lowercase hex
/// digits (also how `recount info` and a transcript's `input` name a file).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(&sha256(bytes))
}

/// A SHA-256 that files are written into in pieces (`io::Write`), so a large
/// ballots file is hashed as it streams.
#[derive(Clone, Debug, Default)]
pub struct FileHasher(Sha256);

impl FileHasher {
    /// A hasher of no bytes yet.
    pub fn new() -> FileHasher {
        FileHasher::default()
    }

    /// Adds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The digest of everything written.
    pub fn finish(self) -> Digest {
        self.0.finalize().into()
    }
}

impl io::Write for FileHasher {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Checks one path against the path rules, saying which rule it breaks.
fn path_rule(path: &[u8]) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("empty path");
    }
    if path.len() > MAX_PATH {
        return Err("longer than 1024 bytes");
    }
    if path[0] == b'/' {
        return Err("absolute path");
    }
    for segment in path.split(|&b| b == b'/') {
        match segment {
            [] => return Err("empty segment (a '//' or a final '/')"),
            b".." => return Err("'..' segment"),
            [b'.', ..] => return Err("segment starts with '.'"),
            _ => {}
        }
        if let Some(&b) = segment
            .iter()
            .find(|&&b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-')))
        {
            return Err(if b == b'\\' {
                "backslash (paths are '/'-separated)"
            } else {
                "character outside A-Z a-z 0-9 . _ -"
            });
        }
    }
    Ok(())
}

/// One MANIFEST line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    path: String,
    digest: Digest,
}

impl Entry {
    /// The file's path, relative to the bundle directory.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The SHA-256 of the file's bytes.
    pub fn digest(&self) -> &Digest {
        &self.digest
    }
}

/// A canonical MANIFEST: entries sorted by path, paths valid and distinct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    entries: Vec<Entry>,
}

/// Collects (path, digest) entries for a [`Manifest`], in any order.
///
/// ```
/// use bundle::manifest::ManifestBuilder;
///
/// let mut b = ManifestBuilder::new();
/// b.add("rules.csv", b"method,wigm\n").unwrap();
/// b.add("ballots/north.csv", b"1:a;2:b\n").unwrap();
/// assert!(b.add("../secret", b"").is_err());
/// let text = b.build().to_text();
/// assert!(text.lines().next().unwrap().ends_with("  ballots/north.csv"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct ManifestBuilder {
    entries: BTreeMap<String, Digest>,
    folded: HashMap<String, String>,
}

impl ManifestBuilder {
    /// An empty builder.
    pub fn new() -> ManifestBuilder {
        ManifestBuilder::default()
    }

    /// Adds the file `path` with contents `bytes`.
    pub fn add(&mut self, path: &str, bytes: &[u8]) -> Result<(), Error> {
        self.add_digest(path, sha256(bytes))
    }

    /// Adds the file `path` whose SHA-256 is `digest` (from a [`FileHasher`]).
    pub fn add_digest(&mut self, path: &str, digest: Digest) -> Result<(), Error> {
        let refuse = |problem| {
            Err(Error::new(ErrorKind::ManifestEntry {
                path: path.to_owned(),
                problem,
            }))
        };
        if let Err(reason) = path_rule(path.as_bytes()) {
            return refuse(ManifestProblem::BadPath {
                path: path.to_owned(),
                reason,
            });
        }
        if self.entries.contains_key(path) {
            let first_line = self
                .entries
                .keys()
                .take_while(|k| k.as_str() < path)
                .count() as u64
                + 1;
            return refuse(ManifestProblem::Duplicate {
                path: path.to_owned(),
                first_line,
            });
        }
        let folded = path.to_ascii_lowercase();
        if let Some(other) = self.folded.get(&folded) {
            return refuse(ManifestProblem::CaseCollision {
                path: path.to_owned(),
                other: other.clone(),
            });
        }
        self.folded.insert(folded, path.to_owned());
        self.entries.insert(path.to_owned(), digest);
        Ok(())
    }

    /// The manifest, sorted bytewise by path.
    pub fn build(self) -> Manifest {
        Manifest {
            entries: self
                .entries
                .into_iter()
                .map(|(path, digest)| Entry { path, digest })
                .collect(),
        }
    }
}

impl Manifest {
    /// The entries, sorted by path.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry of `path`, if listed.
    pub fn entry(&self, path: &str) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| e.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.entries[i])
    }

    /// Checks that the file `path` has SHA-256 `digest`.
    pub fn check(&self, path: &str, digest: &Digest) -> Result<(), Error> {
        match self.entries.binary_search_by(|e| e.path.as_str().cmp(path)) {
            Ok(i) if self.entries[i].digest == *digest => Ok(()),
            Ok(i) => Err(Error::new(ErrorKind::DigestMismatch {
                path: path.to_owned(),
                line: i as u64 + 1,
            })),
            Err(_) => Err(Error::new(ErrorKind::NotInManifest {
                path: path.to_owned(),
            })),
        }
    }

    /// The canonical text.
    pub fn to_text(&self) -> String {
        let mut out = String::with_capacity(self.entries.len() * 90);
        for e in &self.entries {
            out.push_str(&hex::encode(&e.digest));
            out.push_str("  ");
            out.push_str(&e.path);
            out.push('\n');
        }
        out
    }

    /// The SHA-256 of the canonical text: what the statement commits to.
    pub fn digest(&self) -> Digest {
        sha256(self.to_text().as_bytes())
    }

    /// Reads a MANIFEST, refusing anything but the canonical text. The
    /// first fault is reported, with its line and byte column.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, Error> {
        if bytes.starts_with(b"\xef\xbb\xbf") {
            return Err(Error::manifest(1, 1, ManifestProblem::Bom));
        }
        if bytes.is_empty() {
            return Err(Error::manifest(1, 1, ManifestProblem::Empty));
        }
        let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
        let mut entries: Vec<Entry> = Vec::new();
        let mut folded: HashMap<String, usize> = HashMap::new();
        let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
        for (i, line) in lines.iter().enumerate() {
            let n = i as u64 + 1;
            let entry = parse_line(line, n)?;
            if let Some(prev) = entries.last() {
                if entry.path == prev.path {
                    return Err(Error::manifest(
                        n,
                        67,
                        ManifestProblem::Duplicate {
                            path: entry.path,
                            first_line: n - 1,
                        },
                    ));
                }
                if entry.path < prev.path {
                    return Err(Error::manifest(
                        n,
                        67,
                        ManifestProblem::Unsorted {
                            path: entry.path,
                            previous: prev.path.clone(),
                        },
                    ));
                }
            }
            if let Some(&other) = folded.get(&entry.path.to_ascii_lowercase()) {
                return Err(Error::manifest(
                    n,
                    67,
                    ManifestProblem::CaseCollision {
                        path: entry.path,
                        other: entries[other].path.clone(),
                    },
                ));
            }
            folded.insert(entry.path.to_ascii_lowercase(), entries.len());
            entries.push(entry);
        }
        if !bytes.ends_with(b"\n") {
            let last = lines.len() as u64;
            let col = lines.last().map_or(0, |l| l.len()) as u64 + 1;
            return Err(Error::manifest(
                last,
                col,
                ManifestProblem::MissingFinalNewline,
            ));
        }
        Ok(Manifest { entries })
    }
}

fn parse_line(line: &[u8], n: u64) -> Result<Entry, Error> {
    let fail = |col: usize, p| Err(Error::manifest(n, col as u64, p));
    if line.is_empty() {
        return fail(1, ManifestProblem::EmptyLine);
    }
    if line.ends_with(b"\r") {
        return fail(line.len(), ManifestProblem::Crlf);
    }
    if let Some(at) = line.iter().position(|&b| b < 0x20 || b == 0x7f) {
        return fail(at + 1, ManifestProblem::ControlChar(line[at]));
    }
    if line.ends_with(b" ") {
        let start = line.iter().rposition(|&b| b != b' ').map_or(0, |i| i + 1);
        return fail(start + 1, ManifestProblem::TrailingSpace);
    }
    let field_end = line.iter().position(|&b| b == b' ').unwrap_or(line.len());
    let digest = match hex::decode::<32>(&line[..field_end]) {
        Ok(d) => d,
        Err(HexError::Uppercase(i)) => return fail(i + 1, ManifestProblem::UppercaseHex),
        Err(HexError::NotHex(i)) => return fail(i + 1, ManifestProblem::BadDigest),
        Err(HexError::Length) => return fail(1, ManifestProblem::BadDigest),
    };
    let rest = &line[64..];
    let Some(path) = rest.strip_prefix(b"  ") else {
        return fail(65, ManifestProblem::BadSeparator);
    };
    if path.first() == Some(&b' ') || path.first() == Some(&b'*') {
        return fail(65, ManifestProblem::BadSeparator);
    }
    if let Err(reason) = path_rule(path) {
        return fail(
            67,
            ManifestProblem::BadPath {
                path: String::from_utf8_lossy(path).into_owned(),
                reason,
            },
        );
    }
    Ok(Entry {
        path: String::from_utf8(path.to_vec()).expect("the path alphabet is ASCII"),
        digest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn sample() -> Vec<(&'static str, &'static [u8])> {
        vec![
            ("rules.csv", b"key,value\nmethod,wigm\n"),
            ("ballots/north.csv", b"1:c07;2:c03\n1:c03\n"),
            ("ballots/south.csv", b""),
            ("MANIFEST-notes_v1.txt", b"upper case sorts first\n"),
            ("contests.csv", b"contest_id,seats\nnorth,3\n"),
            ("docs/rules-text.pdf", b"%PDF-1.4 \x00\xff binary\r\n"),
        ]
    }

    fn build() -> Manifest {
        let mut b = ManifestBuilder::new();
        for (path, bytes) in sample() {
            b.add(path, bytes).unwrap();
        }
        b.build()
    }

    fn problem(bytes: &[u8]) -> (u64, u64, ManifestProblem) {
        let err = Manifest::parse(bytes).unwrap_err();
        let pos = err.position().unwrap();
        match err.into_kind() {
            ErrorKind::Manifest { problem, .. } => (pos.line, pos.column, problem),
            other => panic!("not a manifest error: {other:?}"),
        }
    }

    #[test]
    fn manifest_is_sorted_bytewise_and_round_trips() {
        let m = build();
        let paths: Vec<&str> = m.entries().iter().map(Entry::path).collect();
        assert_eq!(
            paths,
            [
                "MANIFEST-notes_v1.txt",
                "ballots/north.csv",
                "ballots/south.csv",
                "contests.csv",
                "docs/rules-text.pdf",
                "rules.csv"
            ]
        );
        let text = m.to_text();
        assert!(text.contains(
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  ballots/south.csv\n"
        ));
        let parsed = Manifest::parse(text.as_bytes()).unwrap();
        assert_eq!(parsed, m);
        assert_eq!(parsed.to_text(), text);
        assert_eq!(m.digest(), sha256(text.as_bytes()));
    }

    #[test]
    fn manifest_check_names_the_line_of_a_changed_file() {
        let m = build();
        m.check("rules.csv", &sha256(b"key,value\nmethod,wigm\n"))
            .unwrap();
        let err = m
            .check("rules.csv", &sha256(b"key,value\nmethod,meek\n"))
            .unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::DigestMismatch { line: 6, .. }),
            "{err}"
        );
        let err = m.check(".DS_Store", &sha256(b"")).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::NotInManifest { .. }));
        assert_eq!(
            m.entry("contests.csv").map(Entry::path),
            Some("contests.csv")
        );
    }

    #[test]
    fn streamed_hash_equals_whole_hash() {
        use std::io::Write;
        let mut h = FileHasher::new();
        h.write_all(b"1:c07;2:c03\n").unwrap();
        h.update(b"1:c03\n");
        assert_eq!(h.finish(), sha256(b"1:c07;2:c03\n1:c03\n"));
    }

    #[test]
    fn sha256sum_checks_a_manifest_we_write() {
        let found = Command::new("sha256sum")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            eprintln!("NOTICE: sha256sum not on PATH; the coreutils check of MANIFEST is skipped");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        for (path, bytes) in sample() {
            let file = dir.path().join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, bytes).unwrap();
        }
        std::fs::write(dir.path().join("MANIFEST"), build().to_text()).unwrap();
        let run = || {
            Command::new("sha256sum")
                .args(["--check", "--strict", "MANIFEST"])
                .current_dir(dir.path())
                .output()
                .unwrap()
        };
        let out = run();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
        // And it notices a changed file, so the check above was a real one.
        std::fs::write(dir.path().join("rules.csv"), b"key,value\nmethod,meek\n").unwrap();
        assert!(!run().status.success());
    }

    const H: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn manifest_malformations_are_refused_with_their_line() {
        let up = H.to_ascii_uppercase();
        let cases: Vec<(String, u64, u64, ManifestProblem)> = vec![
            (format!("\u{feff}{H}  a\n"), 1, 1, ManifestProblem::Bom),
            (String::new(), 1, 1, ManifestProblem::Empty),
            (
                format!("{H}  a\r\n{H}  b\r\n"),
                1,
                68,
                ManifestProblem::Crlf,
            ),
            (format!("{H}  a\n{H}  b\r\n"), 2, 68, ManifestProblem::Crlf),
            (
                format!("{H}  a\n{H}  b"),
                2,
                68,
                ManifestProblem::MissingFinalNewline,
            ),
            (
                format!("{H}  a\n\n{H}  b\n"),
                2,
                1,
                ManifestProblem::EmptyLine,
            ),
            (
                format!("{H}  a\n{H}  b\n\n"),
                3,
                1,
                ManifestProblem::EmptyLine,
            ),
            (format!("{H}  a \n"), 1, 68, ManifestProblem::TrailingSpace),
            (
                format!("{H}  a\n{H}  b  \n"),
                2,
                68,
                ManifestProblem::TrailingSpace,
            ),
            (
                format!("{H}  a\tb\n"),
                1,
                68,
                ManifestProblem::ControlChar(b'\t'),
            ),
            (format!("{}  a\n", &up), 1, 1, ManifestProblem::UppercaseHex),
            (
                format!("{}F  a\n", &H[..63]),
                1,
                64,
                ManifestProblem::UppercaseHex,
            ),
            (
                format!("{}  a\n", &H[..62]),
                1,
                1,
                ManifestProblem::BadDigest,
            ),
            (format!("{H}0  a\n"), 1, 1, ManifestProblem::BadDigest),
            (
                format!("{}g  a\n", &H[..63]),
                1,
                64,
                ManifestProblem::BadDigest,
            ),
            (format!("{H} a\n"), 1, 65, ManifestProblem::BadSeparator),
            (format!("{H} *a\n"), 1, 65, ManifestProblem::BadSeparator),
            (format!("{H}   a\n"), 1, 65, ManifestProblem::BadSeparator),
            (format!("{H}\n"), 1, 65, ManifestProblem::BadSeparator),
            (
                format!("{H}  b\n{H}  a\n"),
                2,
                67,
                ManifestProblem::Unsorted {
                    path: "a".into(),
                    previous: "b".into(),
                },
            ),
            (
                format!("{H}  a\n{H}  b\n{H}  b\n"),
                3,
                67,
                ManifestProblem::Duplicate {
                    path: "b".into(),
                    first_line: 2,
                },
            ),
            (
                format!("{H}  Rules.csv\n{H}  rules.csv\n"),
                2,
                67,
                ManifestProblem::CaseCollision {
                    path: "rules.csv".into(),
                    other: "Rules.csv".into(),
                },
            ),
        ];
        for (text, line, col, want) in cases {
            assert_eq!(problem(text.as_bytes()), (line, col, want), "{text:?}");
        }
    }

    #[test]
    fn manifest_paths_must_be_relative_plain_and_slash_separated() {
        for (path, reason) in [
            ("/etc/passwd", "absolute path"),
            ("ballots//a.csv", "empty segment (a '//' or a final '/')"),
            ("ballots/", "empty segment (a '//' or a final '/')"),
            ("ballots/../rules.csv", "'..' segment"),
            ("./rules.csv", "segment starts with '.'"),
            (".DS_Store", "segment starts with '.'"),
            ("ballots\\a.csv", "backslash (paths are '/'-separated)"),
            ("ballots/a b.csv", "character outside A-Z a-z 0-9 . _ -"),
            (
                "ballots/caf\u{e9}.csv",
                "character outside A-Z a-z 0-9 . _ -",
            ),
        ] {
            let text = format!("{H}  {path}\n");
            let (line, col, got) = problem(text.as_bytes());
            let want = ManifestProblem::BadPath {
                path: path.into(),
                reason,
            };
            assert_eq!((line, col, got), (1, 67, want), "{path}");
            let mut b = ManifestBuilder::new();
            assert!(b.add(path, b"").is_err(), "{path}");
        }
        let long = "a".repeat(MAX_PATH + 1);
        assert!(ManifestBuilder::new().add(&long, b"").is_err());
        assert!(
            ManifestBuilder::new()
                .add(&"a".repeat(MAX_PATH), b"")
                .is_ok()
        );
    }

    #[test]
    fn manifest_builder_refuses_duplicates_and_case_collisions() {
        let mut b = ManifestBuilder::new();
        b.add("a.csv", b"1").unwrap();
        b.add("b.csv", b"2").unwrap();
        let err = b.add("b.csv", b"3").unwrap_err();
        assert!(
            matches!(
                err.kind(),
                ErrorKind::ManifestEntry {
                    problem: ManifestProblem::Duplicate { first_line: 2, .. },
                    ..
                }
            ),
            "{err}"
        );
        let err = b.add("A.csv", b"3").unwrap_err();
        assert!(matches!(
            err.kind(),
            ErrorKind::ManifestEntry {
                problem: ManifestProblem::CaseCollision { .. },
                ..
            }
        ));
    }

    #[test]
    fn manifest_non_ascii_bytes_are_refused() {
        let (line, col, _) = problem(format!("{H}  a\n{H}  \u{e9}\n").as_bytes());
        assert_eq!((line, col), (2, 67));
        let mut bad = format!("{H}  a").into_bytes();
        bad.push(0xff);
        bad.push(b'\n');
        assert_eq!(problem(&bad).0, 1);
    }
}
