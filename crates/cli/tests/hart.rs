//! Hart Verity CVR exports through the binary: the Riverton export read
//! from its directory (and identified by its files' listing), counted from
//! a zip archive, and an error in one of its files named by the file.

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn riverton() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ballot/tests/fixtures/hart-riverton")
}

fn recount() -> Command {
    Command::cargo_bin("recount").expect("the recount binary is built")
}

/// The export's files, in name order.
fn files() -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(riverton())
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// A fresh directory under the test's temporary folder.
fn fresh(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn copy_to(dir: &Path) {
    for (name, bytes) in files() {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
}

#[test]
fn info_reads_the_directory_identified_by_its_files_listing() {
    let out = recount().arg("info").arg(riverton()).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("format:    Hart XML"), "{stdout}");
    assert!(
        stdout.contains("contest 6d1f0c2a-3b8e-4f51-9a7c-2e4b5d6f7a81: Mayor"),
        "{stdout}"
    );
    assert!(
        stdout.contains("contest 9b3e2d14-7c6a-4e0f-8d25-1f3a4b5c6d72: Council"),
        "{stdout}"
    );
    assert!(
        stdout.contains("papers:            8 (7 ranked, 1 blank)"),
        "{stdout}"
    );
    // Hart records no seats: described all the same.
    assert!(
        stdout.contains("seats:             not recorded in the file"),
        "{stdout}"
    );
    // What `sha256sum` of the files in name order, hashed, gives.
    let files = files();
    let listing: String = files
        .iter()
        .map(|(n, b)| format!("{}  {n}\n", bundle::manifest::sha256_hex(b)))
        .collect();
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    let id = format!(
        "({total} bytes, SHA-256 {})",
        bundle::manifest::sha256_hex(listing.as_bytes())
    );
    assert!(stdout.contains(&id), "{id}\n{stdout}");
}

#[test]
fn count_irv_of_the_council_contest_from_a_zip_archive_as_from_the_directory() {
    let dir = fresh("hart-zip");
    let archive = dir.join("export.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&archive).unwrap());
    let deflated = zip::write::SimpleFileOptions::default();
    // Backwards, with a signature beside a paper: the order is the names'.
    for (name, bytes) in files().iter().rev() {
        zip.start_file(format!("CVRArchive_1/{name}"), deflated)
            .unwrap();
        zip.write_all(bytes).unwrap();
        zip.start_file(format!("CVRArchive_1/{name}.sig.xml"), deflated)
            .unwrap();
        zip.write_all(b"<Signature/>").unwrap();
    }
    zip.finish().unwrap();
    let count = |input: &Path, format: &[&str]| {
        let out = recount()
            .arg("count")
            .arg(input)
            .args(format)
            .args(["--rules", "irv", "--seats", "1", "--contest", "Council"])
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let t: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        t
    };
    let zipped = count(&archive, &["--input-format", "hart"]);
    let listed = count(&riverton(), &[]);
    assert_eq!(zipped["contests"][0]["elected"][0], "Dee", "{zipped}");
    assert_eq!(zipped["contests"], listed["contests"]);
    // A zip is not recognised by itself: the message says what to pass.
    let out = recount().arg("info").arg(&archive).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("(a zip archive of a Hart export: --input-format hart)"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_error_names_the_file_of_the_export_and_an_irregular_paper_the_option_to_set() {
    let dir = fresh("hart-bad");
    copy_to(&dir);
    // Passed over: a signature and a note. Paper 3 marks Ann at ranks 1
    // and 2, where Bob is marked: a tie.
    std::fs::write(dir.join("cvr-1.xml.sig.xml"), b"not a paper").unwrap();
    std::fs::write(dir.join("notes.txt"), b"not a paper").unwrap();
    let edit = |name: &str, from: &str, to: &str| {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{name}: {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    };
    edit("cvr-2.xml", "<Value>010</Value>", "<Value>0x0</Value>");
    edit("cvr-3.xml", "<Value>100</Value>", "<Value>110</Value>");
    let out = recount()
        .args(["info", "--seats", "1", "--contest", "Mayor"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&dir.display().to_string(), "DIR");
    assert_eq!(
        stderr,
        "recount: DIR/cvr-2.xml:1:447: Hart XML error in ballot 2 at Cvr/Contests/Contest[1]/Options/Option[2]/Value: expected a string of 0s and 1s, one a rank, 1 to 1024 long, found \"0x0\"\n\
         recount: DIR/cvr-3.xml:1:275: Hart XML error in ballot 3 at Cvr/Contests/Contest[1]/Options/Option[1]: expected a strict ranking (pass --overvotes end-at-overvote|skip-rank to read such papers), found an overvote at rank 2\n"
    );
}

#[test]
fn a_directory_is_read_as_a_hart_export_only() {
    let empty = fresh("hart-empty");
    let out = recount().arg("info").arg(&empty).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&empty.display().to_string(), "DIR");
    assert_eq!(
        stderr,
        "recount: DIR: a directory with no XML file: a Hart export is read from a directory of its papers' files (*.xml)\n"
    );
    let out = recount()
        .arg("info")
        .arg(riverton())
        .args(["--input-format", "cdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).ends_with(
            "hart-riverton: a directory, not a NIST CDF JSON file (a directory is read as a Hart export, --input-format hart)\n"
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
