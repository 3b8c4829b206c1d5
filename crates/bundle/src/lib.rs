//! The cryptographic and format foundations of `recount`'s election bundles.
//!
//! A bundle is a directory of files committed to by a `MANIFEST` of their
//! SHA-256 digests, with one RFC 9162 Merkle tree per contest over its ballot
//! lines, and a small signed statement (a C2SP signed note) that names the
//! MANIFEST digest and the trees' roots. This crate owns the pieces:
//!
//! - [`merkle`]: tree roots (streamed), inclusion proofs and their check;
//! - [`note`]: signed notes: parse, sign, verify against trusted keys;
//! - [`keys`]: Ed25519 keys from seed bytes, the PKCS#8 key file, the
//!   verifier key text;
//! - [`manifest`]: the `sha256sum`-format MANIFEST, built and read strictly.
//!
//! It reads no files and no environment, draws no randomness and prints
//! nothing: the binary owns I/O and passes bytes in. The formats are
//! specified in `specs/bundle.md`.
//!
//! ```
//! use bundle::keys::{KeyName, SigningKey};
//! use bundle::note;
//!
//! let key = SigningKey::from_seed([7; 32]);
//! let signer = key.signer(KeyName::new("returning-officer.example/2026").unwrap());
//! let signed = note::sign(&note::Note::new("recount-bundle/1\n").unwrap(), &signer).unwrap();
//! let text = signed.to_text();
//!
//! let trusted = [signer.verifier_key()];
//! let verified = note::verify(&note::Note::parse(text.as_bytes()).unwrap(), &trusted, 1).unwrap();
//! assert_eq!(verified.text(), "recount-bundle/1\n");
//!
//! // One changed byte of the text and the signature no longer holds.
//! let forged = text.replacen("/1", "/2", 1);
//! assert!(note::verify(&note::Note::parse(forged.as_bytes()).unwrap(), &trusted, 1).is_err());
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod error;
mod hex;
pub mod keys;
pub mod manifest;
pub mod merkle;
pub mod note;
pub mod statement;

pub use error::{Error, ErrorKind, Position};
