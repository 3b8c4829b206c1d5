//! C2SP signed notes (the Go `sumdb/note` format): parse, sign, verify.
//!
//! Grammar (bytes, UTF-8 throughout, no ASCII control character but LF):
//!
//! ```text
//! note      = text LF 1*sigline
//! text      = 1*line                 ; non-empty, ends in LF; the signed bytes
//! sigline   = "\u{2014}" SP keyname SP base64 LF   ; em dash U+2014
//! base64    = standard padded base64 (RFC 4648 §4) of keyid(4) ‖ signature
//! ```
//!
//! The text is separated from the signatures by the *last* empty line, so
//! the text may itself hold empty lines (C2SP allows them; the bundle's
//! statement grammar, [`crate::statement`], does not). A signature line's
//! key ID is [`KeyId::of`] its name and public key; for Ed25519 the
//! signature is 64 bytes over the text, final LF included.
//!
//! Verification follows C2SP: a signature whose name and key ID match no
//! trusted key is ignored (and reported); one that matches a trusted key
//! must verify (`verify_strict`) or the whole note is refused; the note
//! needs at least `require` (≥ 1) *distinct public keys* among the trusted
//! signers, so one key listed under two names counts once. Only
//! [`verify`] makes a [`VerifiedNote`]. Trusted keys come from the caller,
//! never from the bundle. What the text says is [`crate::statement`]'s.

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::error::{Error, ErrorKind, NoteProblem, SignProblem, SignatureProblem};
use crate::keys::{KeyId, KeyName, Signer, VerifierKey};

/// The most signature lines a note may have (C2SP asks for at least 16).
pub const MAX_SIGNATURES: usize = 64;

/// The signature line's prefix: em dash U+2014 and a space.
const DASH: &str = "\u{2014} ";

/// A signed (or not yet signed) note: its text and its signature lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    text: String,
    signatures: Vec<NoteSignature>,
}

/// One signature line of a note, not yet checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    name: KeyName,
    key_id: KeyId,
    signature: Vec<u8>,
    line: u64,
}

impl NoteSignature {
    /// The key name on the line.
    pub fn name(&self) -> &KeyName {
        &self.name
    }

    /// The key ID: the first 4 bytes of the base64 payload.
    pub fn key_id(&self) -> KeyId {
        self.key_id
    }

    /// The signature bytes after the key ID.
    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The line of the note this signature is on, from 1 (0 until the note
    /// is rendered and parsed again, for a line added by [`sign`]).
    pub fn line(&self) -> u64 {
        self.line
    }

    fn render(&self) -> String {
        let mut raw = Vec::with_capacity(4 + self.signature.len());
        raw.extend_from_slice(&self.key_id.0);
        raw.extend_from_slice(&self.signature);
        format!("{DASH}{} {}\n", self.name, BASE64.encode(raw))
    }
}

/// Line and byte column (both from 1) of byte offset `at` in `bytes`.
fn locate(bytes: &[u8], at: usize) -> (u64, u64) {
    let before = &bytes[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (line, (at - start) as u64 + 1)
}

/// Refuses bytes that are not UTF-8 or hold a control character but LF.
fn check_chars(bytes: &[u8]) -> Result<&str, Error> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let (line, col) = locate(bytes, e.valid_up_to());
        Error::note(line, col, NoteProblem::NotUtf8)
    })?;
    if let Some(at) = bytes.iter().position(|&b| b < 0x20 && b != b'\n') {
        let (line, col) = locate(bytes, at);
        return Err(Error::note(line, col, NoteProblem::ControlChar(bytes[at])));
    }
    Ok(text)
}

impl Note {
    /// An unsigned note of `text`, which must be non-empty, end in LF and
    /// hold no control character but LF.
    pub fn new(text: &str) -> Result<Note, Error> {
        check_chars(text.as_bytes())?;
        if !text.ends_with('\n') {
            let (line, col) = locate(text.as_bytes(), text.len());
            return Err(Error::note(line, col, NoteProblem::MissingFinalNewline));
        }
        Ok(Note {
            text: text.to_owned(),
            signatures: Vec::new(),
        })
    }

    /// Reads a signed note. The signatures are split off, not checked.
    pub fn parse(bytes: &[u8]) -> Result<Note, Error> {
        let all = check_chars(bytes)?;
        if !all.ends_with('\n') {
            let (line, col) = locate(bytes, bytes.len());
            return Err(Error::note(line, col, NoteProblem::MissingFinalNewline));
        }
        let Some(split) = all.rfind("\n\n") else {
            let (line, _) = locate(bytes, bytes.len() - 1);
            return Err(Error::note(line, 1, NoteProblem::MissingBlankLine));
        };
        let text = &all[..split + 1];
        let block = &all[split + 2..];
        let first_line = locate(bytes, split + 2).0;
        if block.is_empty() {
            return Err(Error::note(first_line - 1, 1, NoteProblem::NoSignatures));
        }
        let mut signatures = Vec::new();
        for (i, line) in block
            .strip_suffix('\n')
            .unwrap_or(block)
            .split('\n')
            .enumerate()
        {
            let n = first_line + i as u64;
            if signatures.len() == MAX_SIGNATURES {
                return Err(Error::note(
                    n,
                    1,
                    NoteProblem::TooManySignatures(MAX_SIGNATURES),
                ));
            }
            signatures.push(parse_signature_line(line, n)?);
        }
        Ok(Note {
            text: text.to_owned(),
            signatures,
        })
    }

    /// The text: the signed bytes, final LF included.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The signature lines, in note order.
    pub fn signatures(&self) -> &[NoteSignature] {
        &self.signatures
    }

    /// The note as bytes on disk: the text, an empty line, the signature
    /// lines. (A note without signatures is not a signed note; its
    /// rendering does not parse.)
    pub fn to_text(&self) -> String {
        let mut out = self.text.clone();
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.render());
        }
        out
    }
}

fn parse_signature_line(line: &str, n: u64) -> Result<NoteSignature, Error> {
    let Some(rest) = line.strip_prefix(DASH) else {
        return Err(Error::note(n, 1, NoteProblem::BadSignatureLine));
    };
    let name_col = DASH.len() as u64 + 1;
    let mut fields = rest.split(' ');
    let (Some(name), Some(sig), None) = (fields.next(), fields.next(), fields.next()) else {
        return Err(Error::note(n, name_col, NoteProblem::BadSignatureFields));
    };
    let name =
        KeyName::new(name).map_err(|p| Error::note(n, name_col, NoteProblem::BadKeyName(p)))?;
    let sig_col = name_col + name.as_str().len() as u64 + 1;
    let raw = BASE64
        .decode(sig)
        .map_err(|_| Error::note(n, sig_col, NoteProblem::BadBase64))?;
    if raw.len() < 5 {
        return Err(Error::note(
            n,
            sig_col,
            NoteProblem::BadSignatureLength(raw.len()),
        ));
    }
    Ok(NoteSignature {
        name,
        key_id: KeyId([raw[0], raw[1], raw[2], raw[3]]),
        signature: raw[4..].to_vec(),
        line: n,
    })
}

/// Adds `signer`'s signature line to `note`. Refuses a key name that
/// already signed it (a co-signer adds their own name, never replaces one).
pub fn sign(note: &Note, signer: &Signer) -> Result<Note, Error> {
    if note.signatures.iter().any(|s| s.name == *signer.name()) {
        return Err(Error::new(ErrorKind::Sign(SignProblem::AlreadySigned(
            signer.name().to_string(),
        ))));
    }
    if note.signatures.len() >= MAX_SIGNATURES {
        return Err(Error::new(ErrorKind::Sign(SignProblem::TooManySignatures(
            MAX_SIGNATURES,
        ))));
    }
    let mut signed = note.clone();
    signed.signatures.push(NoteSignature {
        name: signer.name().clone(),
        key_id: signer.key_id(),
        signature: signer.sign(note.text.as_bytes()).to_vec(),
        line: 0,
    });
    Ok(signed)
}

/// A signature line from a key the verifier does not trust: ignored, but
/// reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownSignature {
    /// The key name on the line.
    pub name: KeyName,
    /// The key ID on the line.
    pub key_id: KeyId,
    /// The note line.
    pub line: u64,
}

/// A note whose signatures satisfied [`verify`]. Nothing else makes one.
#[derive(Clone, Debug)]
pub struct VerifiedNote {
    text: String,
    signers: Vec<VerifierKey>,
    unknown: Vec<UnknownSignature>,
}

impl VerifiedNote {
    /// The verified text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The trusted keys whose signatures verified, one per distinct public
    /// key, in the order their first signature line appears.
    pub fn signers(&self) -> &[VerifierKey] {
        &self.signers
    }

    /// The signature lines from keys not trusted, which were ignored.
    pub fn unknown(&self) -> &[UnknownSignature] {
        &self.unknown
    }
}

/// Checks `note`'s signatures against the `trusted` keys, requiring
/// `require` distinct public keys (at least 1, whatever is passed).
pub fn verify(note: &Note, trusted: &[VerifierKey], require: usize) -> Result<VerifiedNote, Error> {
    let mut seen_keys = BTreeSet::new();
    let mut signers = Vec::new();
    let mut unknown = Vec::new();
    for sig in &note.signatures {
        let candidates: Vec<&VerifierKey> = trusted
            .iter()
            .filter(|k| *k.name() == sig.name && k.key_id() == sig.key_id)
            .collect();
        if candidates.is_empty() {
            unknown.push(UnknownSignature {
                name: sig.name.clone(),
                key_id: sig.key_id,
                line: sig.line,
            });
            continue;
        }
        let valid = <&[u8; 64]>::try_from(sig.signature.as_slice())
            .ok()
            .and_then(|bytes| {
                candidates
                    .into_iter()
                    .find(|k| k.public_key().verify_strict(note.text.as_bytes(), bytes))
            });
        let Some(key) = valid else {
            return Err(Error::new(ErrorKind::Signature(
                SignatureProblem::Invalid {
                    name: sig.name.to_string(),
                    line: sig.line,
                },
            )));
        };
        if seen_keys.insert(key.public_key().to_bytes()) {
            signers.push(key.clone());
        }
    }
    let required = require.max(1);
    if signers.len() < required {
        return Err(Error::new(ErrorKind::Signature(
            SignatureProblem::NotEnough {
                found: signers.len(),
                required,
                unknown: unknown.len(),
            },
        )));
    }
    Ok(VerifiedNote {
        text: note.text.clone(),
        signers,
        unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::KeyNameProblem;
    use crate::hex;
    use crate::keys::{PublicKey, SigningKey};

    /// The example note of Go's `sumdb/note` documentation and its key.
    const NEUMANN_KEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const NEUMANN_NOTE: &str = "If you think cryptography is the answer to your problem,\n\
        then you don't know what your problem is.\n\
        \n\
        \u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    fn signer(seed: u8, name: &str) -> Signer {
        SigningKey::from_seed([seed; 32]).signer(KeyName::new(name).unwrap())
    }

    fn note_problem(err: Error) -> (u64, u64, NoteProblem) {
        let pos = err.position().expect("a positioned error");
        match err.into_kind() {
            ErrorKind::Note { problem, .. } => (pos.line, pos.column, problem),
            other => panic!("not a note error: {other:?}"),
        }
    }

    fn signature_problem(err: Error) -> SignatureProblem {
        match err.into_kind() {
            ErrorKind::Signature(p) => p,
            other => panic!("not a signature error: {other:?}"),
        }
    }

    #[test]
    fn signed_note_go_documentation_example_verifies() {
        let key = VerifierKey::parse(NEUMANN_KEY).unwrap();
        let note = Note::parse(NEUMANN_NOTE.as_bytes()).unwrap();
        assert_eq!(note.signatures().len(), 1);
        assert_eq!(note.signatures()[0].line(), 4);
        assert_eq!(note.signatures()[0].key_id(), key.key_id());
        let verified = verify(&note, &[key], 1).unwrap();
        assert!(verified.text().starts_with("If you think"));
        assert!(verified.text().ends_with("problem is.\n"));
        assert_eq!(verified.signers().len(), 1);
        assert!(verified.unknown().is_empty());
        // Rendering the parsed note gives back its bytes.
        assert_eq!(note.to_text(), NEUMANN_NOTE);
    }

    /// RFC 8032 §7.1 TEST 1, 2 and 3: exact signature bytes from the seed,
    /// and the same bytes inside a note signed over the message.
    #[test]
    fn rfc8032_ed25519_tests_1_2_3_sign_exact_bytes() {
        let vectors: [(&str, &str, &[u8], &str); 3] = [
            (
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                b"",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            ),
            (
                "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
                &[0x72],
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
            ),
            (
                "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
                "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
                &[0xaf, 0x82],
                "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
            ),
        ];
        for (secret, public, message, signature) in vectors {
            let key = SigningKey::from_seed(hex::decode::<32>(secret.as_bytes()).unwrap());
            assert_eq!(hex::encode(&key.public_key().to_bytes()), public);
            let sig = key.sign(message);
            assert_eq!(hex::encode(&sig), signature);
            let pk = PublicKey::from_bytes(&hex::decode::<32>(public.as_bytes()).unwrap()).unwrap();
            assert!(pk.verify_strict(message, &sig));
            let mut other = message.to_vec();
            other.push(0);
            assert!(!pk.verify_strict(&other, &sig));
        }
        // In a note, the signature after the key ID is Ed25519 over the text.
        let s = SigningKey::from_seed(hex::decode::<32>(vectors[0].0.as_bytes()).unwrap())
            .signer(KeyName::new("rfc8032/test1").unwrap());
        let signed = sign(&Note::new("x\n").unwrap(), &s).unwrap();
        let parsed = Note::parse(signed.to_text().as_bytes()).unwrap();
        assert_eq!(parsed.signatures()[0].signature(), s.sign(b"x\n"));
        assert_eq!(parsed.signatures()[0].line(), 3);
    }

    /// Adds the group order L to the scalar s of a signature (little-endian).
    fn add_group_order(sig: &mut [u8]) {
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut carry = 0u16;
        for (b, l) in sig[32..64].iter_mut().zip(L) {
            let sum = u16::from(*b) + u16::from(l) + carry;
            *b = sum as u8;
            carry = sum >> 8;
        }
        assert_eq!(carry, 0);
    }

    #[test]
    fn rfc8032_malleated_signature_s_plus_l_is_refused() {
        let s = signer(3, "ro.example/2026");
        let signed = sign(&Note::new("recount-bundle/1\n").unwrap(), &s).unwrap();
        let mut malleated = signed.clone();
        add_group_order(&mut malleated.signatures[0].signature);
        assert_ne!(malleated, signed);
        let reparsed = Note::parse(malleated.to_text().as_bytes()).unwrap();
        assert_eq!(
            signature_problem(verify(&reparsed, &[s.verifier_key()], 1).unwrap_err()),
            SignatureProblem::Invalid {
                name: "ro.example/2026".into(),
                line: 3
            }
        );
        assert!(verify(&signed, &[s.verifier_key()], 1).is_ok());
    }

    #[test]
    fn c2sp_small_order_key_cannot_be_trusted() {
        // With the identity as public key and R = identity, s = 0 "verifies"
        // under lax checks for every message; such a key is refused.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(PublicKey::from_bytes(&identity).is_err());
        let mut raw = vec![0x01];
        raw.extend(identity);
        let text = format!("weak+00000000+{}", BASE64.encode(&raw));
        assert!(VerifierKey::parse(&text).is_err());
    }

    #[test]
    fn c2sp_one_key_under_two_names_counts_once() {
        let a = signer(5, "ro.example/a");
        let b = signer(5, "ro.example/b");
        let c = signer(6, "observer.example/c");
        let note = Note::new("recount-bundle/1\n").unwrap();
        let both = sign(&sign(&note, &a).unwrap(), &b).unwrap();
        let trusted = [a.verifier_key(), b.verifier_key(), c.verifier_key()];
        let verified = verify(&both, &trusted, 1).unwrap();
        assert_eq!(verified.signers(), &[a.verifier_key()]);
        assert_eq!(
            signature_problem(verify(&both, &trusted, 2).unwrap_err()),
            SignatureProblem::NotEnough {
                found: 1,
                required: 2,
                unknown: 0
            }
        );
        // The same signature line twice also counts once.
        let mut twice = sign(&note, &a).unwrap();
        twice.signatures.push(twice.signatures[0].clone());
        let twice = Note::parse(twice.to_text().as_bytes()).unwrap();
        assert!(verify(&twice, &trusted, 2).is_err());
        // A second, distinct key makes two.
        let two = sign(&both, &c).unwrap();
        assert_eq!(verify(&two, &trusted, 2).unwrap().signers().len(), 2);
    }

    #[test]
    fn c2sp_unknown_keys_are_ignored_and_reported() {
        let ro = signer(1, "ro.example/2026");
        let stranger = signer(2, "stranger.example");
        let namesake = signer(4, "ro.example/2026"); // same name, another key: unknown too
        let note = Note::new("recount-bundle/1\n").unwrap();
        let signed = sign(&sign(&note, &stranger).unwrap(), &ro).unwrap();
        let signed = Note::parse(signed.to_text().as_bytes()).unwrap();
        let verified = verify(&signed, &[ro.verifier_key()], 1).unwrap();
        assert_eq!(verified.signers(), &[ro.verifier_key()]);
        assert_eq!(
            verified.unknown(),
            &[UnknownSignature {
                name: stranger.name().clone(),
                key_id: stranger.key_id(),
                line: 3
            }]
        );
        // No trusted key at all: refused, saying how many were ignored.
        assert_eq!(
            signature_problem(verify(&signed, &[namesake.verifier_key()], 1).unwrap_err()),
            SignatureProblem::NotEnough {
                found: 0,
                required: 1,
                unknown: 2
            }
        );
    }

    #[test]
    fn c2sp_bad_signature_from_a_trusted_key_refuses_the_note() {
        let ro = signer(1, "ro.example/2026");
        let obs = signer(2, "observer.example/x");
        let note = Note::new("recount-bundle/1\n").unwrap();
        let signed = sign(&sign(&note, &ro).unwrap(), &obs).unwrap();
        let trusted = [ro.verifier_key(), obs.verifier_key()];
        let invalid = SignatureProblem::Invalid {
            name: "observer.example/x".into(),
            line: 4,
        };
        // One flipped bit of the observer's signature, key ID kept: even
        // though the authority's signature alone would satisfy require=1.
        let mut bad = signed.clone();
        bad.signatures[1].signature[10] ^= 0x04;
        let bad = Note::parse(bad.to_text().as_bytes()).unwrap();
        assert_eq!(
            signature_problem(verify(&bad, &trusted, 1).unwrap_err()),
            invalid
        );
        // A signature of the wrong length under a trusted key.
        let mut short = signed.clone();
        short.signatures[1].signature.truncate(63);
        let short = Note::parse(short.to_text().as_bytes()).unwrap();
        assert_eq!(
            signature_problem(verify(&short, &trusted, 1).unwrap_err()),
            invalid
        );
        // Not trusting the observer, the same note is accepted on the authority's signature.
        assert_eq!(verify(&bad, &trusted[..1], 1).unwrap().unknown().len(), 1);
    }

    #[test]
    fn c2sp_signing_twice_under_one_name_is_refused() {
        let s = signer(1, "ro.example/2026");
        let once = sign(&Note::new("a\n").unwrap(), &s).unwrap();
        let err = sign(&once, &signer(2, "ro.example/2026")).unwrap_err();
        assert!(
            matches!(err.kind(), ErrorKind::Sign(SignProblem::AlreadySigned(n)) if n == "ro.example/2026")
        );
    }

    #[test]
    fn c2sp_any_single_byte_change_is_refused() {
        let ro = signer(1, "ro.example/2026");
        let obs = signer(2, "observer.example/x");
        let text = "recount-bundle/1\nelection ward-7\ncontests-root 00ff\n";
        let signed = sign(&sign(&Note::new(text).unwrap(), &ro).unwrap(), &obs).unwrap();
        let bytes = signed.to_text().into_bytes();
        let trusted = [ro.verifier_key(), obs.verifier_key()];
        assert!(verify(&Note::parse(&bytes).unwrap(), &trusted, 2).is_ok());
        for i in 0..bytes.len() {
            for flip in [0x01u8, 0x20, 0x80] {
                let mut bad = bytes.clone();
                bad[i] ^= flip;
                let accepted = Note::parse(&bad)
                    .ok()
                    .and_then(|n| verify(&n, &trusted, 2).ok());
                assert!(accepted.is_none(), "byte {i} ^ {flip:#x} accepted");
            }
        }
    }

    #[test]
    fn c2sp_malformed_notes_are_refused_with_positions() {
        let good_sig = NEUMANN_NOTE.lines().last().unwrap().to_owned();
        let body = "a\nb\n";
        let short = format!("{DASH}k {}", BASE64.encode([1, 2, 3, 4]));
        // No padding, and non-zero unused bits in the last character.
        let unpadded = good_sig.trim_end_matches('=').to_owned();
        let trailing_bits = good_sig.replace("nAM=", "nAN=");
        let cases: Vec<(String, u64, u64, NoteProblem)> = vec![
            (
                format!("{body}{good_sig}\n"),
                3,
                1,
                NoteProblem::MissingBlankLine,
            ),
            (
                format!("{body}\n{good_sig}"),
                4,
                110,
                NoteProblem::MissingFinalNewline,
            ),
            (format!("{body}\n"), 3, 1, NoteProblem::NoSignatures),
            (
                format!("{body}\n- k AAAA\n"),
                4,
                1,
                NoteProblem::BadSignatureLine,
            ),
            (
                format!("{body}\n\u{2013} k AAAA\n"),
                4,
                1,
                NoteProblem::BadSignatureLine,
            ),
            (
                format!("{body}\n{DASH}k\n"),
                4,
                5,
                NoteProblem::BadSignatureFields,
            ),
            (
                format!("{body}\n{DASH}k  AAAA\n"),
                4,
                5,
                NoteProblem::BadSignatureFields,
            ),
            (
                format!("{body}\n{DASH}a+b AAAA\n"),
                4,
                5,
                NoteProblem::BadKeyName(KeyNameProblem::Plus),
            ),
            (
                format!("{body}\n{DASH}k AAA\n"),
                4,
                7,
                NoteProblem::BadBase64,
            ),
            (
                format!("{body}\n{DASH}k AAAAA===\n"),
                4,
                7,
                NoteProblem::BadBase64,
            ),
            (
                format!("{body}\n{DASH}k A-_A\n"),
                4,
                7,
                NoteProblem::BadBase64,
            ),
            (
                format!("{body}\n{unpadded}\n"),
                4,
                18,
                NoteProblem::BadBase64,
            ),
            (
                format!("{body}\n{trailing_bits}\n"),
                4,
                18,
                NoteProblem::BadBase64,
            ),
            (
                format!("{body}\n{short}\n"),
                4,
                7,
                NoteProblem::BadSignatureLength(4),
            ),
            (
                format!("a\tb\n\n{good_sig}\n"),
                1,
                2,
                NoteProblem::ControlChar(b'\t'),
            ),
            (
                format!("a\r\n\n{good_sig}\n"),
                1,
                2,
                NoteProblem::ControlChar(b'\r'),
            ),
            (
                format!("{body}\n{good_sig}\n{good_sig}\n\n"),
                6,
                1,
                NoteProblem::NoSignatures,
            ),
        ];
        for (text, line, col, want) in cases {
            let got = note_problem(Note::parse(text.as_bytes()).unwrap_err());
            assert_eq!(got, (line, col, want), "{text:?}");
        }
        let mut not_utf8 = b"ab\xffc\n\n".to_vec();
        not_utf8.extend(good_sig.as_bytes());
        not_utf8.push(b'\n');
        assert_eq!(
            note_problem(Note::parse(&not_utf8).unwrap_err()),
            (1, 3, NoteProblem::NotUtf8)
        );
        let many: String = (0..=MAX_SIGNATURES)
            .map(|_| format!("{good_sig}\n"))
            .collect();
        assert_eq!(
            note_problem(Note::parse(format!("{body}\n{many}").as_bytes()).unwrap_err()),
            (
                4 + MAX_SIGNATURES as u64,
                1,
                NoteProblem::TooManySignatures(MAX_SIGNATURES)
            )
        );
        // An empty line inside the text is allowed: the last one separates.
        let inner = format!("a\n\nb\n\n{good_sig}\n");
        let n = Note::parse(inner.as_bytes()).unwrap();
        assert_eq!(n.text(), "a\n\nb\n");
        // Unsigned notes must end in LF.
        assert_eq!(
            note_problem(Note::new("a\nb").unwrap_err()),
            (2, 2, NoteProblem::MissingFinalNewline)
        );
    }
}
