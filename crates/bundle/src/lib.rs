//! The cryptographic and format foundations of `recount`'s election bundles.
//!
//! A bundle is a directory of files committed to by a `MANIFEST` of their
//! SHA-256 digests, with one RFC 9162 Merkle tree per contest over its ballot
//! lines, and a small signed statement (a C2SP signed note) that names the
//! MANIFEST digest and the trees' roots. This crate owns the pieces:
//!
//! - [`attestation`]: the body an observer signs after recounting;
//! - [`merkle`]: tree roots (streamed), inclusion proofs and their check;
//! - [`note`]: signed notes: parse, sign, verify against trusted keys;
//! - [`keys`]: Ed25519 keys from seed bytes, the PKCS#8 key file, the
//!   verifier key text;
//! - [`manifest`]: the `sha256sum`-format MANIFEST, built and read strictly;
//! - [`statement`]: the signed text naming the MANIFEST digest and the roots;
//! - [`layout`]: the bundle's file names, `election.json`, `rules.json` and
//!   the ballots files, each with its one canonical byte form;
//! - [`proof`]: the proof file of one paper, made and checked;
//! - [`publish`]: an election and its rules made into those files;
//! - [`verify`]: the numbered checks, and [`verify::VerifiedBundle`], the
//!   only way to an election read from a bundle.
//!
//! It reads no files and no environment, draws no randomness and prints
//! nothing: the binary owns I/O and passes bytes in. The formats are
//! specified in `specs/bundle.md`.
//!
//! ```
//! use bundle::keys::{KeyName, SigningKey};
//! use bundle::manifest::ManifestBuilder;
//! use bundle::merkle::root_of_leaves;
//! use bundle::note::{self, Note};
//! use bundle::statement::{ContestLine, Statement};
//!
//! // Commit to the files and to each contest's ballot lines.
//! let ballots = "c03\nc07,c03\n"; // one paper a line, sorted (specs/bundle.md §7)
//! let mut files = ManifestBuilder::new();
//! files.add("ballots/north.csv", ballots.as_bytes()).unwrap();
//! let manifest = files.build();
//! let north = ContestLine { id: "north".into(), papers: 2, root: root_of_leaves(ballots.lines()) };
//! let statement = Statement::new("example.gov/2026", manifest.digest(), vec![north]).unwrap();
//!
//! // The returning officer signs the statement (seed bytes come from the caller).
//! let signer = SigningKey::from_seed([7; 32]).signer(KeyName::new("ro.example.gov/2026").unwrap());
//! let signed = note::sign(&Note::new(&statement.to_text()).unwrap(), &signer).unwrap();
//! let bundle_note = signed.to_text();
//!
//! // A verifier trusts the officer's key, given out of band, not by the bundle.
//! let trusted = [signer.verifier_key()];
//! let verified = note::verify(&Note::parse(bundle_note.as_bytes()).unwrap(), &trusted, 1).unwrap();
//! let read = Statement::parse(verified.text().as_bytes()).unwrap();
//! assert_eq!(read.contests()[0].papers, 2);
//!
//! // One changed byte of the text and the signature no longer holds.
//! let forged = bundle_note.replacen("north 2", "north 3", 1);
//! assert!(note::verify(&Note::parse(forged.as_bytes()).unwrap(), &trusted, 1).is_err());
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod attestation;
pub mod audit;
pub mod error;
mod hex;
pub mod keys;
pub mod layout;
pub mod manifest;
pub mod merkle;
pub mod meta;
pub mod note;
pub mod proof;
pub mod publish;
pub mod records;
mod scan;
pub mod statement;
pub mod verify;
mod verify_records;

pub use error::{Error, ErrorKind, Position};
