//! The cryptographic test vectors in `shared/data/vectors/CRYPTO.md`, read
//! in place: RFC 6962 roots, RFC 8032 signatures and the Go signed-note
//! example. The unit tests carry their own copies; this suite checks those
//! copies and the implementation against the shared file itself.
//!
//! Skipped with a loud notice without the shared folder; required under
//! `CI=true`. (The same convention as `recount-testkit`, without its
//! dependencies on the ballot crates.)

use std::io::Write as _;
use std::path::PathBuf;

use bundle::keys::{PublicKey, SigningKey, VerifierKey};
use bundle::merkle;
use bundle::note::{self, Note};

fn crypto_md() -> Option<String> {
    let root = std::env::var_os("RECOUNT_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")));
    let file = root.join("data/vectors/CRYPTO.md");
    match std::fs::read_to_string(&file) {
        Ok(text) => Some(text),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "CI=true but {} is missing (set RECOUNT_SHARED)",
                file.display()
            )
        }
        Err(_) => {
            let _ = writeln!(
                std::io::stderr(),
                "\n!!!!!!!! SKIPPED: {} not found; set RECOUNT_SHARED !!!!!!!!\n",
                file.display()
            );
            None
        }
    }
}

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex {s:?}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The cells of the table rows of `text` that have `n` cells.
fn rows(text: &str, n: usize) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---"))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect::<Vec<_>>()
        })
        .filter(|cells| cells.len() == n)
        .collect()
}

#[test]
fn rfc6962_reference_roots_of_the_shared_file() {
    let Some(md) = crypto_md() else { return };
    let leaves_line = md
        .lines()
        .find(|l| l.starts_with("The eight reference leaves"))
        .unwrap();
    let leaves: Vec<Vec<u8>> = leaves_line
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|h| unhex(h.trim_matches('\'')))
        .collect();
    assert_eq!(leaves.len(), 8);
    let mut checked = 0;
    for cells in rows(&md, 2) {
        let n: usize = match cells[0].strip_prefix("first ") {
            Some(k) => k.parse().unwrap(),
            None if cells[0] == "0" => 0,
            None => continue,
        };
        assert_eq!(
            hex(&merkle::root_of_leaves(&leaves[..n])),
            cells[1],
            "size {n}"
        );
        checked += 1;
    }
    assert_eq!(checked, 9);
}

#[test]
fn rfc8032_signatures_of_the_shared_file() {
    let Some(md) = crypto_md() else { return };
    let mut checked = 0;
    for cells in rows(&md, 5) {
        if cells[0].parse::<u32>().is_err() {
            continue;
        }
        let seed: [u8; 32] = unhex(&cells[1]).try_into().unwrap();
        let key = SigningKey::from_seed(seed);
        assert_eq!(hex(&key.public_key().to_bytes()), cells[2]);
        let message = if cells[3] == "(empty)" {
            Vec::new()
        } else {
            unhex(&cells[3])
        };
        let sig = key.sign(&message);
        assert_eq!(hex(&sig), cells[4], "test {}", cells[0]);
        let public = PublicKey::from_bytes(&unhex(&cells[2]).try_into().unwrap()).unwrap();
        assert!(public.verify_strict(&message, &sig));
        checked += 1;
    }
    assert!(checked >= 2, "only {checked} RFC 8032 rows");
}

#[test]
fn signed_note_example_of_the_shared_file() {
    let Some(md) = crypto_md() else { return };
    let key_line = md.lines().find(|l| l.starts_with("Verifier key:")).unwrap();
    let key = VerifierKey::parse(key_line.split('`').nth(1).unwrap()).unwrap();
    let block = md.split("```").nth(1).unwrap().trim_start_matches('\n');
    let parsed = Note::parse(block.as_bytes()).unwrap();
    let verified = note::verify(&parsed, std::slice::from_ref(&key), 1).unwrap();
    assert_eq!(verified.signers(), &[key]);
    assert!(verified.text().ends_with("problem is.\n"));
}
