//! Ed25519 keys: names and key IDs, signing keys from seed bytes, the
//! PKCS#8 key file and the verifier key text.
//!
//! Owns:
//! - [`KeyName`]: a signer's name, non-empty with no Unicode space, no `+`
//!   and no control character (the C2SP signed-note rule);
//! - [`KeyId`]: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key);
//! - [`SigningKey`]: made from 32 seed bytes the caller supplies (this crate
//!   draws no randomness and reads no environment), written to and read
//!   from a PKCS#8 v1 PEM file (`-----BEGIN PRIVATE KEY-----`, the form
//!   `openssl genpkey -algorithm ed25519` writes and every OpenSSL 3 reads);
//! - [`PublicKey`]: an Ed25519 public key that is not of small order;
//! - [`VerifierKey`]: a name bound to a public key, in the text form
//!   `NAME+hhhhhhhh+BASE64(0x01 ‖ public key)`.
//!
//! Signing and checking notes is [`crate::note`]'s; who is trusted is the
//! caller's (never the bundle's own files). File modes (0600 for the key
//! file) are the binary's.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, KeypairBytes};
use ed25519_dalek::{Signer as _, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, KeyFileProblem, KeyNameProblem, KeyProblem};
use crate::hex;

/// The signature type byte of Ed25519 in signed notes and verifier keys.
pub const ED25519: u8 = 0x01;

/// A value wiped from memory when dropped: the key file's text is one.
pub use ed25519_dalek::pkcs8::spki::der::zeroize::Zeroizing;

/// A signer's name: non-empty, no Unicode space, no `+`, no control character.
///
/// ```
/// use bundle::keys::KeyName;
/// assert!(KeyName::new("returning-officer.example/2026").is_ok());
/// assert!(KeyName::new("two words").is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyName(String);

impl KeyName {
    /// Checks `name` against the signed-note rules.
    pub fn new(name: &str) -> Result<KeyName, KeyNameProblem> {
        if name.is_empty() {
            return Err(KeyNameProblem::Empty);
        }
        for c in name.chars() {
            if c.is_whitespace() {
                return Err(KeyNameProblem::Space);
            }
            if c == '+' {
                return Err(KeyNameProblem::Plus);
            }
            if c.is_control() {
                return Err(KeyNameProblem::Control);
            }
        }
        Ok(KeyName(name.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A key ID: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key)[..4].
///
/// Written as 8 lowercase hex digits; in a signature it is the 4 bytes in
/// this order (big-endian as a number).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyId(pub [u8; 4]);

impl KeyId {
    /// The key ID of `public` under `name`.
    pub fn of(name: &KeyName, public: &PublicKey) -> KeyId {
        let mut h = Sha256::new();
        h.update(name.as_str().as_bytes());
        h.update([0x0a, ED25519]);
        h.update(public.to_bytes());
        let digest = h.finalize();
        KeyId([digest[0], digest[1], digest[2], digest[3]])
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(&self.0))
    }
}

/// An Ed25519 public key that is a valid point not of small order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicKey(VerifyingKey);

impl PublicKey {
    /// Reads a 32-byte public key, refusing non-points and weak
    /// (small-order) keys, for which signatures can be forged.
    pub fn from_bytes(bytes: &[u8; 32]) -> Result<PublicKey, KeyProblem> {
        let key = VerifyingKey::from_bytes(bytes).map_err(|_| KeyProblem::NotAPoint)?;
        if key.is_weak() {
            return Err(KeyProblem::Weak);
        }
        Ok(PublicKey(key))
    }

    /// The 32 bytes of the key (RFC 8032 encoding).
    pub fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// Checks an Ed25519 signature over `message` with RFC 8032's strict
    /// rules: canonical s (below the group order L), and neither the key
    /// nor R of small order.
    pub fn verify_strict(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        let sig = ed25519_dalek::Signature::from_bytes(signature);
        self.0.verify_strict(message, &sig).is_ok()
    }
}

/// An Ed25519 signing key.
///
/// Its `Debug` shows only the public key.
///
/// ```
/// use bundle::keys::SigningKey;
///
/// let key = SigningKey::from_seed([1; 32]);
/// let pem = key.to_pkcs8_pem().unwrap();
/// assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
/// let back = SigningKey::from_pkcs8_pem(&pem).unwrap();
/// assert_eq!(back.public_key(), key.public_key());
/// assert!(SigningKey::from_pkcs8_pem("-----BEGIN PUBLIC KEY-----\n").is_err());
/// ```
#[derive(Clone)]
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// The key whose RFC 8032 secret (seed) is `seed`.
    pub fn from_seed(seed: [u8; 32]) -> SigningKey {
        SigningKey(ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    /// A new key from 32 random bytes written by `fill`.
    ///
    /// The caller passes the randomness source (the binary passes the
    /// operating system's); this crate draws none itself.
    pub fn generate<E>(fill: impl FnOnce(&mut [u8; 32]) -> Result<(), E>) -> Result<SigningKey, E> {
        let mut seed = Zeroizing::new([0u8; 32]);
        fill(&mut seed)?;
        Ok(SigningKey::from_seed(*seed))
    }

    /// The public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.0.verifying_key())
    }

    /// The Ed25519 signature of `message` (deterministic, RFC 8032 §5.1.6).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }

    /// This key under `name`, ready to sign notes.
    pub fn signer(self, name: KeyName) -> Signer {
        let id = KeyId::of(&name, &self.public_key());
        Signer {
            name,
            id,
            key: self,
        }
    }

    /// The key file: PKCS#8 v1 (RFC 5208, no public key inside) in PEM with
    /// LF line ends. OpenSSL before 3.5 cannot read PKCS#8 v2, which is why
    /// v1 is written.
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, Error> {
        KeypairBytes {
            secret_key: self.0.to_bytes(),
            public_key: None,
        }
        .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
        .map_err(|e| Error::new(ErrorKind::KeyFile(KeyFileProblem::Encode(e.to_string()))))
    }

    /// Reads a PKCS#8 PEM key file (v1, or v2 whose public key must match).
    pub fn from_pkcs8_pem(pem: &str) -> Result<SigningKey, Error> {
        ed25519_dalek::SigningKey::from_pkcs8_pem(pem)
            .map(SigningKey)
            .map_err(|e| Error::new(ErrorKind::KeyFile(KeyFileProblem::Pkcs8(e.to_string()))))
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("public", &hex::encode(&self.public_key().to_bytes()))
            .finish_non_exhaustive()
    }
}

/// A signing key with its name, as it signs notes.
#[derive(Clone, Debug)]
pub struct Signer {
    name: KeyName,
    id: KeyId,
    key: SigningKey,
}

impl Signer {
    /// The key name.
    pub fn name(&self) -> &KeyName {
        &self.name
    }

    /// The key ID.
    pub fn key_id(&self) -> KeyId {
        self.id
    }

    /// The signing key.
    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    /// The verifier key others use to check this signer.
    pub fn verifier_key(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            id: self.id,
            public: self.key.public_key(),
        }
    }

    /// The Ed25519 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(message)
    }
}

/// A trusted name bound to a public key.
///
/// Text form: `NAME+hhhhhhhh+BASE64`, where `hhhhhhhh` is the [`KeyId`] in
/// lowercase hex and `BASE64` the standard padded base64 of 0x01 followed by
/// the 32-byte public key.
///
/// ```
/// use bundle::keys::VerifierKey;
///
/// let text = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
/// let key = VerifierKey::parse(text).unwrap();
/// assert_eq!(key.name().as_str(), "PeterNeumann");
/// assert_eq!(key.to_string(), text);
///
/// // A key ID that does not match the name and key is refused at column 14.
/// let err = VerifierKey::parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
///     .unwrap_err();
/// assert_eq!(err.position().map(|p| p.column), Some(14));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierKey {
    name: KeyName,
    id: KeyId,
    public: PublicKey,
}

impl VerifierKey {
    /// Binds `public` to `name`.
    pub fn new(name: KeyName, public: PublicKey) -> VerifierKey {
        let id = KeyId::of(&name, &public);
        VerifierKey { name, id, public }
    }

    /// The key name.
    pub fn name(&self) -> &KeyName {
        &self.name
    }

    /// The key ID.
    pub fn key_id(&self) -> KeyId {
        self.id
    }

    /// The public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// Reads the text form, strictly: lowercase key ID, padded standard
    /// base64, the ID recomputed and compared, weak keys refused. Errors
    /// give the 1-based byte column of the field at fault.
    pub fn parse(text: &str) -> Result<VerifierKey, Error> {
        // A name holds no '+', so the first two end the name and the ID; the
        // base64 after them may hold '+' itself.
        let fields: Vec<&str> = text.splitn(3, '+').collect();
        let [name, id, key] = fields[..] else {
            return Err(Error::verifier_key(1, KeyProblem::Fields));
        };
        let id_col = name.len() as u64 + 2;
        let key_col = id_col + id.len() as u64 + 1;
        let name = KeyName::new(name).map_err(|p| Error::verifier_key(1, KeyProblem::Name(p)))?;
        let given = hex::decode::<4>(id.as_bytes())
            .map_err(|_| Error::verifier_key(id_col, KeyProblem::KeyIdHex))?;
        let raw = BASE64
            .decode(key)
            .map_err(|_| Error::verifier_key(key_col, KeyProblem::Base64))?;
        if raw.len() != 33 {
            return Err(Error::verifier_key(key_col, KeyProblem::Length(raw.len())));
        }
        if raw[0] != ED25519 {
            return Err(Error::verifier_key(key_col, KeyProblem::Algorithm(raw[0])));
        }
        let bytes: [u8; 32] = raw[1..].try_into().expect("33 bytes less one");
        let public = PublicKey::from_bytes(&bytes).map_err(|p| Error::verifier_key(key_col, p))?;
        let key = VerifierKey::new(name, public);
        if key.id.0 != given {
            return Err(Error::verifier_key(
                id_col,
                KeyProblem::KeyIdMismatch {
                    given: id.to_owned(),
                    expected: key.id.to_string(),
                },
            ));
        }
        Ok(key)
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut raw = Vec::with_capacity(33);
        raw.push(ED25519);
        raw.extend_from_slice(&self.public.to_bytes());
        write!(f, "{}+{}+{}", self.name, self.id, BASE64.encode(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::process::Command;

    fn problem(err: Error) -> (u64, KeyProblem) {
        let col = err.position().unwrap().column;
        match err.into_kind() {
            ErrorKind::VerifierKey { problem, .. } => (col, problem),
            other => panic!("not a verifier key error: {other:?}"),
        }
    }

    /// The example verifier key of Go's `sumdb/note` documentation.
    const NEUMANN: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";

    #[test]
    fn signed_note_key_id_of_the_go_example_key() {
        let key = VerifierKey::parse(NEUMANN).unwrap();
        assert_eq!(key.key_id().to_string(), "c74f20a3");
        assert_eq!(
            KeyId::of(key.name(), key.public_key()),
            KeyId([0xc7, 0x4f, 0x20, 0xa3])
        );
        assert_eq!(key.to_string(), NEUMANN);
    }

    #[test]
    fn c2sp_verifier_key_text_errors_name_their_column() {
        let weak = {
            let mut raw = vec![ED25519, 1];
            raw.extend([0u8; 31]);
            format!("weak+00000000+{}", BASE64.encode(raw))
        };
        let other_alg = {
            let mut raw = vec![0x02];
            raw.extend(VerifierKey::parse(NEUMANN).unwrap().public_key().to_bytes());
            format!("PeterNeumann+c74f20a3+{}", BASE64.encode(raw))
        };
        let cases: Vec<(String, u64, KeyProblem)> = vec![
            ("PeterNeumann+c74f20a3".into(), 1, KeyProblem::Fields),
            // A fourth '+' belongs to the base64 field, so here the key ID
            // field is "PeterNeumann".
            (format!("a+{NEUMANN}"), 3, KeyProblem::KeyIdHex),
            (
                NEUMANN.replacen("PeterNeumann", "", 1),
                1,
                KeyProblem::Name(KeyNameProblem::Empty),
            ),
            (
                NEUMANN.replacen("c74f20a3", "C74F20A3", 1),
                14,
                KeyProblem::KeyIdHex,
            ),
            (
                NEUMANN.replacen("c74f20a3", "c74f20a", 1),
                14,
                KeyProblem::KeyIdHex,
            ),
            (NEUMANN.replacen("W", "", 1), 23, KeyProblem::Base64),
            (NEUMANN.replacen("ARpc", "AR", 1), 23, KeyProblem::Base64),
            (format!("{NEUMANN}AA=="), 23, KeyProblem::Length(34)),
            (
                NEUMANN.replacen("c74f20a3", "c74f20a4", 1),
                14,
                KeyProblem::KeyIdMismatch {
                    given: "c74f20a4".into(),
                    expected: "c74f20a3".into(),
                },
            ),
            (other_alg, 23, KeyProblem::Algorithm(0x02)),
            (weak, 15, KeyProblem::Weak),
        ];
        for (text, col, want) in cases {
            let got = problem(VerifierKey::parse(&text).unwrap_err());
            assert_eq!(got, (col, want), "{text}");
        }
    }

    #[test]
    fn rfc8032_small_order_public_keys_are_refused() {
        // The identity point (y = 1) and the point of order 2 (y = -1).
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert_eq!(PublicKey::from_bytes(&identity), Err(KeyProblem::Weak));
        let mut minus_one = [0xffu8; 32];
        minus_one[0] = 0xec;
        minus_one[31] = 0x7f;
        assert_eq!(PublicKey::from_bytes(&minus_one), Err(KeyProblem::Weak));
    }

    #[test]
    fn c2sp_key_names_follow_the_signed_note_rules() {
        assert_eq!(KeyName::new(""), Err(KeyNameProblem::Empty));
        assert_eq!(KeyName::new("a b"), Err(KeyNameProblem::Space));
        assert_eq!(KeyName::new("a\u{00a0}b"), Err(KeyNameProblem::Space));
        assert_eq!(KeyName::new("a+b"), Err(KeyNameProblem::Plus));
        assert_eq!(KeyName::new("a\u{7f}b"), Err(KeyNameProblem::Control));
        assert!(KeyName::new("ro.example.gov/2026—é").is_ok());
    }

    #[test]
    fn generate_uses_the_callers_bytes_and_passes_its_errors() {
        let key = SigningKey::generate(|seed| {
            *seed = [9; 32];
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(
            key.public_key(),
            SigningKey::from_seed([9; 32]).public_key()
        );
        assert_eq!(
            SigningKey::generate(|_| Err("no entropy")).unwrap_err(),
            "no entropy"
        );
    }

    /// RFC 8032 TEST 1 secret.
    fn rfc8032_test1() -> SigningKey {
        SigningKey::from_seed(
            hex::decode::<32>(b"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
                .unwrap(),
        )
    }

    #[test]
    fn rfc8410_pkcs8_v1_pem_is_the_fixed_prefix_and_the_seed() {
        let key = rfc8032_test1();
        let pem = key.to_pkcs8_pem().unwrap();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
        assert!(pem.ends_with("-----END PRIVATE KEY-----\n"));
        let der = BASE64.decode(body).unwrap();
        // SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING seed } }
        let mut want = hex::decode::<16>(b"302e020100300506032b657004220420")
            .unwrap()
            .to_vec();
        want.extend(key.0.to_bytes());
        assert_eq!(der, want);
        assert_eq!(
            SigningKey::from_pkcs8_pem(&pem).unwrap().public_key(),
            key.public_key()
        );
    }

    #[test]
    fn rfc5208_pkcs8_refuses_other_pem_and_damage() {
        let pem = rfc8032_test1().to_pkcs8_pem().unwrap();
        let damaged = pem.replacen("MC4CAQAw", "MC4CAQEw", 1);
        for bad in [
            "",
            "not pem",
            &damaged,
            "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n",
        ] {
            let err = SigningKey::from_pkcs8_pem(bad).unwrap_err();
            assert!(
                matches!(err.kind(), ErrorKind::KeyFile(KeyFileProblem::Pkcs8(_))),
                "{bad}"
            );
        }
    }

    fn openssl() -> bool {
        let found = Command::new("openssl")
            .arg("version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            eprintln!("NOTICE: openssl not on PATH; the OpenSSL interoperability check is skipped");
        }
        found
    }

    fn run(cmd: &mut Command) -> String {
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{cmd:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn openssl_reads_our_key_file_and_verifies_our_signature() {
        if !openssl() {
            return;
        }
        use ed25519_dalek::pkcs8::EncodePublicKey;
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        let key = rfc8032_test1();
        std::fs::write(at("key.pem"), key.to_pkcs8_pem().unwrap().as_bytes()).unwrap();
        let public = run(Command::new("openssl")
            .args(["pkey", "-pubout", "-in"])
            .arg(at("key.pem")));
        let ours = key
            .0
            .verifying_key()
            .to_public_key_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .unwrap();
        assert_eq!(public, ours);

        let message = b"recount-bundle/1\nelection test\n";
        std::fs::write(at("msg"), message).unwrap();
        std::fs::write(at("sig"), key.sign(message)).unwrap();
        std::fs::write(at("pub.pem"), &public).unwrap();
        let verify = |msg: &Path| {
            Command::new("openssl")
                .args(["pkeyutl", "-verify", "-pubin", "-rawin", "-inkey"])
                .arg(at("pub.pem"))
                .arg("-in")
                .arg(msg)
                .arg("-sigfile")
                .arg(at("sig"))
                .output()
                .unwrap()
        };
        let good = verify(&at("msg"));
        assert!(
            good.status.success(),
            "{}",
            String::from_utf8_lossy(&good.stderr)
        );
        std::fs::write(at("other"), b"recount-bundle/1\nelection tesT\n").unwrap();
        assert!(!verify(&at("other")).status.success());
    }

    #[test]
    fn openssl_generated_key_file_is_read() {
        if !openssl() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("gen.pem");
        run(Command::new("openssl")
            .args(["genpkey", "-algorithm", "ed25519", "-out"])
            .arg(&file));
        let pem = std::fs::read_to_string(&file).unwrap();
        let key = SigningKey::from_pkcs8_pem(&pem).unwrap();
        let public = run(Command::new("openssl")
            .args(["pkey", "-pubout", "-in"])
            .arg(&file));
        use ed25519_dalek::pkcs8::EncodePublicKey;
        let ours = key
            .0
            .verifying_key()
            .to_public_key_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .unwrap();
        assert_eq!(public, ours);
    }

    /// Regression: a key whose base64 holds '+' was refused as having more
    /// than three fields, so about one `recount keygen` in three made a
    /// .pub file nothing could read.
    #[test]
    fn verifier_key_text_with_plus_in_the_base64_round_trips() {
        let mut with_plus = 0;
        for seed in 0..=255u8 {
            let key = SigningKey::from_seed([seed; 32])
                .signer(KeyName::new("k").unwrap())
                .verifier_key();
            let text = key.to_string();
            with_plus += usize::from(text.matches('+').count() > 2);
            assert_eq!(VerifierKey::parse(&text).unwrap(), key, "{text}");
        }
        assert!(with_plus > 0);
    }
}
