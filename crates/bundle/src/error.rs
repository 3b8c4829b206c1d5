//! Errors of every bundle module, in the `csv` crate's shape.
//!
//! An [`Error`] is a box around a `#[non_exhaustive]` [`ErrorKind`]. Each
//! error about input text names the grammar it was read as (the variant:
//! `Manifest`, `Note`, …) and the [`Position`] of the fault, with a typed
//! problem saying what was wrong there. File names are the caller's: the
//! binary prefixes them. Verification failures (a signature that does not
//! verify, a proof that does not reach the root) carry what was checked.

use std::fmt;

/// Where in a text a fault was found.
///
/// `line` counts from 1; `column` counts from 1 in bytes of that line (the
/// texts here are ASCII except note bodies and key names, where a byte
/// column is still exact to point at).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Position {
    /// Line number, from 1.
    pub line: u64,
    /// Byte column within the line, from 1.
    pub column: u64,
}

impl Position {
    /// The position at `line`, `column`.
    pub fn at(line: u64, column: u64) -> Position {
        Position { line, column }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// An error from a bundle module.
#[derive(Debug)]
pub struct Error(Box<ErrorKind>);

/// The kinds of [`Error`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A `MANIFEST` text is not canonical.
    Manifest {
        /// Where.
        pos: Position,
        /// What.
        problem: ManifestProblem,
    },
    /// A signed note is malformed.
    Note {
        /// Where.
        pos: Position,
        /// What.
        problem: NoteProblem,
    },
    /// A verifier key text (`name+hhhhhhhh+base64`) is malformed.
    VerifierKey {
        /// Where in the key text (line 1 unless the caller read a list).
        pos: Position,
        /// What.
        problem: KeyProblem,
    },
    /// A private key file (PKCS#8 PEM) was refused.
    KeyFile(KeyFileProblem),
    /// A statement body is not canonical.
    Statement {
        /// Where.
        pos: Position,
        /// What.
        problem: StatementProblem,
    },
    /// A ballots file cannot be read as lines (the leaves of its tree).
    Ballots {
        /// Where.
        pos: Position,
        /// What.
        problem: BallotsProblem,
    },
    /// A Merkle inclusion proof was refused.
    Proof(ProofProblem),
    /// A proof file (`recount-proof/1`) is malformed.
    ProofFile {
        /// Where.
        pos: Position,
        /// What.
        problem: ProofFileProblem,
    },
    /// A well-formed proof file does not prove its paper.
    ProofCheck(ProofCheckProblem),
    /// A note's signatures do not satisfy the verifier.
    Signature(SignatureProblem),
    /// A note could not be signed.
    Sign(SignProblem),
    /// Building a MANIFEST was given a bad entry.
    ManifestEntry {
        /// The path as given.
        path: String,
        /// What.
        problem: ManifestProblem,
    },
    /// A file's digest differs from the one its MANIFEST line records.
    DigestMismatch {
        /// The file's path.
        path: String,
        /// The MANIFEST line that records it.
        line: u64,
    },
    /// A path is not in the MANIFEST.
    NotInManifest {
        /// The file's path.
        path: String,
    },
    /// An election cannot be written as a bundle.
    Publish(PublishProblem),
    /// A verified bundle could not be recounted.
    Recount(String),
}

impl Error {
    /// Builds an error from its kind.
    pub fn new(kind: ErrorKind) -> Error {
        Error(Box::new(kind))
    }

    /// The kind of this error.
    pub fn kind(&self) -> &ErrorKind {
        &self.0
    }

    /// Consumes the error, giving its kind.
    pub fn into_kind(self) -> ErrorKind {
        *self.0
    }

    /// Where the fault is, for errors about input text.
    pub fn position(&self) -> Option<Position> {
        match &*self.0 {
            ErrorKind::Manifest { pos, .. }
            | ErrorKind::Note { pos, .. }
            | ErrorKind::VerifierKey { pos, .. }
            | ErrorKind::Statement { pos, .. }
            | ErrorKind::Ballots { pos, .. }
            | ErrorKind::ProofFile { pos, .. } => Some(*pos),
            _ => None,
        }
    }

    pub(crate) fn manifest(line: u64, column: u64, problem: ManifestProblem) -> Error {
        Error::new(ErrorKind::Manifest {
            pos: Position::at(line, column),
            problem,
        })
    }

    pub(crate) fn note(line: u64, column: u64, problem: NoteProblem) -> Error {
        Error::new(ErrorKind::Note {
            pos: Position::at(line, column),
            problem,
        })
    }

    pub(crate) fn verifier_key(column: u64, problem: KeyProblem) -> Error {
        Error::new(ErrorKind::VerifierKey {
            pos: Position::at(1, column),
            problem,
        })
    }

    pub(crate) fn statement(line: u64, column: u64, problem: StatementProblem) -> Error {
        Error::new(ErrorKind::Statement {
            pos: Position::at(line, column),
            problem,
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.0 {
            ErrorKind::Manifest { pos, problem } => write!(f, "MANIFEST {pos}: {problem}"),
            ErrorKind::Note { pos, problem } => write!(f, "signed note {pos}: {problem}"),
            ErrorKind::VerifierKey { pos, problem } => {
                write!(f, "verifier key {pos}: {problem}")
            }
            ErrorKind::KeyFile(problem) => write!(f, "private key file: {problem}"),
            ErrorKind::Statement { pos, problem } => write!(f, "statement {pos}: {problem}"),
            ErrorKind::Ballots { pos, problem } => write!(f, "ballots file {pos}: {problem}"),
            ErrorKind::Proof(problem) => write!(f, "inclusion proof: {problem}"),
            ErrorKind::ProofFile { pos, problem } => write!(f, "proof {pos}: {problem}"),
            ErrorKind::ProofCheck(problem) => write!(f, "proof refused: {problem}"),
            ErrorKind::Signature(problem) => write!(f, "signatures: {problem}"),
            ErrorKind::Sign(problem) => write!(f, "cannot sign: {problem}"),
            ErrorKind::ManifestEntry { path, problem } => {
                write!(f, "MANIFEST entry {path:?}: {problem}")
            }
            ErrorKind::DigestMismatch { path, line } => write!(
                f,
                "{path}: SHA-256 differs from the one on MANIFEST line {line}"
            ),
            ErrorKind::NotInManifest { path } => write!(f, "{path}: not listed in MANIFEST"),
            ErrorKind::Publish(problem) => write!(f, "cannot publish: {problem}"),
            ErrorKind::Recount(why) => write!(f, "cannot recount: {why}"),
        }
    }
}

impl std::error::Error for Error {}

/// What is wrong with a MANIFEST line (or with an entry given to the builder).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestProblem {
    /// The text starts with a UTF-8 byte-order mark.
    #[error("byte-order mark (EF BB BF) at the start")]
    Bom,
    /// A line ends in CR LF.
    #[error("line ends in CR LF; MANIFEST lines end in LF alone")]
    Crlf,
    /// A CR or other control character inside a line.
    #[error("control character {0:#04x}")]
    ControlChar(u8),
    /// The last line has no LF.
    #[error("no LF at the end of the last line")]
    MissingFinalNewline,
    /// A line is empty.
    #[error("empty line")]
    EmptyLine,
    /// The text has no lines at all.
    #[error("no entries")]
    Empty,
    /// A line ends in a space or tab.
    #[error("trailing whitespace")]
    TrailingSpace,
    /// An uppercase hex digit in the digest.
    #[error("uppercase hex digit in the SHA-256; digests are lowercase")]
    UppercaseHex,
    /// The digest field is not 64 hex digits.
    #[error("expected 64 lowercase hex digits of SHA-256")]
    BadDigest,
    /// The digest is not followed by exactly two spaces.
    #[error("expected two spaces between the digest and the path")]
    BadSeparator,
    /// The path breaks the path rules.
    #[error("path {path:?}: {reason}")]
    BadPath {
        /// The path (lossily decoded).
        path: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// The path sorts before (or equal to) the previous line's path.
    #[error("path {path:?} is not after {previous:?} in bytewise order")]
    Unsorted {
        /// This line's path.
        path: String,
        /// The previous line's path.
        previous: String,
    },
    /// The path was already listed.
    #[error("path {path:?} already listed on line {first_line}")]
    Duplicate {
        /// The path.
        path: String,
        /// The line (or entry number) it first appeared on.
        first_line: u64,
    },
    /// The path differs only in ASCII case from one already listed.
    #[error("path {path:?} differs only in case from {other:?}")]
    CaseCollision {
        /// This path.
        path: String,
        /// The path it collides with.
        other: String,
    },
}

/// What is wrong with a signed note.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoteProblem {
    /// The note is not UTF-8.
    #[error("not UTF-8")]
    NotUtf8,
    /// An ASCII control character other than LF.
    #[error("control character {0:#04x}")]
    ControlChar(u8),
    /// No blank line separates the text from the signatures.
    #[error("no blank line before the signature lines")]
    MissingBlankLine,
    /// The text before the blank line is empty.
    #[error("empty note text")]
    EmptyText,
    /// No signature line follows the blank line.
    #[error("no signature lines")]
    NoSignatures,
    /// The note does not end in LF.
    #[error("no LF at the end of the last signature line")]
    MissingFinalNewline,
    /// A signature line does not start with an em dash and a space.
    #[error("signature line does not start with \"\u{2014} \" (em dash, space)")]
    BadSignatureLine,
    /// A signature line's key name is empty or holds a space or `+`.
    #[error("bad key name in signature line: {0}")]
    BadKeyName(KeyNameProblem),
    /// A signature line has no space between the key name and the signature,
    /// or more than one.
    #[error("expected one space between the key name and the base64 signature")]
    BadSignatureFields,
    /// The signature is not standard padded base64.
    #[error("signature is not standard base64 (RFC 4648 section 4, padded)")]
    BadBase64,
    /// The signature decodes to fewer than 5 bytes (a key ID and something).
    #[error("signature decodes to {0} bytes; at least a 4-byte key ID and a signature are needed")]
    BadSignatureLength(usize),
    /// More signature lines than this implementation accepts.
    #[error("more than {0} signature lines")]
    TooManySignatures(usize),
}

/// Why a key name was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyNameProblem {
    /// The name is empty.
    #[error("empty")]
    Empty,
    /// The name holds a Unicode space.
    #[error("contains a space")]
    Space,
    /// The name holds `+`.
    #[error("contains '+'")]
    Plus,
    /// The name holds a control character.
    #[error("contains a control character")]
    Control,
}

/// What is wrong with a verifier key text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyProblem {
    /// Not three `+`-separated fields.
    #[error("expected NAME+KEYID+BASE64 (three fields separated by '+')")]
    Fields,
    /// The key name is refused.
    #[error("bad key name: {0}")]
    Name(KeyNameProblem),
    /// The key ID is not 8 lowercase hex digits.
    #[error("key ID is not 8 lowercase hex digits")]
    KeyIdHex,
    /// The key is not standard padded base64.
    #[error("key is not standard base64 (RFC 4648 section 4, padded)")]
    Base64,
    /// The key does not decode to 33 bytes.
    #[error("key decodes to {0} bytes; an Ed25519 verifier key is 33 (0x01 and 32 bytes)")]
    Length(usize),
    /// The first byte names another signature algorithm.
    #[error("signature type {0:#04x}; only 0x01 (Ed25519) is supported")]
    Algorithm(u8),
    /// The key ID does not match the name and key.
    #[error("key ID {given} does not match the name and key (expected {expected})")]
    KeyIdMismatch {
        /// The key ID written in the text.
        given: String,
        /// The key ID computed from name and key.
        expected: String,
    },
    /// The 32 bytes are not an Ed25519 point.
    #[error("not an Ed25519 public key")]
    NotAPoint,
    /// The key is of small order: anyone could forge signatures for it.
    #[error("weak (small-order) Ed25519 public key")]
    Weak,
}

/// Why a private key file was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyFileProblem {
    /// Not a PKCS#8 PEM Ed25519 private key.
    #[error("not a PKCS#8 PEM Ed25519 private key: {0}")]
    Pkcs8(String),
    /// The key could not be encoded.
    #[error("could not encode the key: {0}")]
    Encode(String),
}

/// What is wrong with a statement body.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StatementProblem {
    /// The text is not UTF-8, or holds a byte outside printable ASCII.
    #[error("byte {0:#04x} outside printable ASCII")]
    NotAscii(u8),
    /// The text does not end in LF.
    #[error("no LF at the end of the last line")]
    MissingFinalNewline,
    /// A line is not the one the grammar expects here.
    #[error("expected {expected}")]
    Expected {
        /// What the grammar wanted.
        expected: &'static str,
    },
    /// A field is malformed.
    #[error("bad {field}: {reason}")]
    BadField {
        /// The field's name.
        field: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// A contest id appears twice or out of order.
    #[error("contest {id:?} is not after {previous:?} in bytewise order")]
    ContestOrder {
        /// This contest's id.
        id: String,
        /// The previous contest's id.
        previous: String,
    },
    /// `contests-root` is not the root of the `contest` lines.
    #[error("contests-root is not the RFC 9162 root of the contest lines")]
    ContestsRoot,
    /// Lines after the last expected one.
    #[error("unexpected line after contests-root")]
    TrailingLine,
}

/// Why a ballots file cannot be split into leaves.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BallotsProblem {
    /// The last line has no LF.
    #[error("no LF at the end of the last line")]
    MissingFinalNewline,
    /// A CR byte: bundle texts end lines in LF alone.
    #[error("CR byte; lines end in LF alone")]
    Cr,
    /// More lines than a paper count may be.
    #[error("more than 2^53 - 1 lines")]
    TooManyLines,
}

/// Why an inclusion proof was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofProblem {
    /// The leaf index is not below the tree size.
    #[error("leaf index {index} is not below the tree size {size}")]
    IndexOutOfRange {
        /// The index.
        index: u64,
        /// The size.
        size: u64,
    },
    /// The path has more hashes than the tree has levels for this leaf.
    #[error("audit path longer than the tree allows")]
    PathTooLong,
    /// The path ends before reaching the root.
    #[error("audit path shorter than the tree needs")]
    PathTooShort,
    /// The path leads to another root.
    #[error("the audit path leads to another root")]
    RootMismatch,
}

/// What is wrong in a proof file's text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofFileProblem {
    /// The first line is not `recount-proof/1`: this is no proof file.
    #[error("not a proof: the first line is not recount-proof/1")]
    NotAProof,
    /// A byte other than printable ASCII and LF.
    #[error("byte 0x{0:02x}; a proof holds printable ASCII and LF only")]
    NotAscii(u8),
    /// The last line has no LF.
    #[error("no LF at the end of the last line")]
    MissingFinalNewline,
    /// A line other than the one the grammar expects here.
    #[error("expected {expected}")]
    Expected {
        /// The line expected.
        expected: &'static str,
    },
    /// A field's value is malformed.
    #[error("{field}: {reason}")]
    BadField {
        /// The field.
        field: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// The leaf is not a ballots line.
    #[error("leaf: not a ballots line: {0}")]
    BadLeaf(String),
}

/// Why a well-formed proof does not prove its paper (each names the proof
/// file's line at fault when there is one).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProofCheckProblem {
    /// The statement file is not a signed statement trusted keys signed.
    #[error("statement: {0}")]
    Statement(String),
    /// The statement's text does not hash to the proof's statement hash.
    #[error("line {line}: the statement hash is not the SHA-256 of this statement's text")]
    StatementHash {
        /// The proof line.
        line: u64,
    },
    /// The statement has no line for the proof's contest.
    #[error("contest {contest}: the statement has no contest line for it")]
    NoContest {
        /// The contest id.
        contest: String,
    },
    /// The proof's size is not the contest's papers.
    #[error("line {line}: size {proof} is not the statement's {statement} papers for the contest")]
    Size {
        /// The proof line.
        line: u64,
        /// The proof's size.
        proof: u64,
        /// The statement's papers.
        statement: u64,
    },
    /// The index is not below the size.
    #[error("line {line}: index {index} is not below the size {size}")]
    Index {
        /// The proof line.
        line: u64,
        /// The index.
        index: u64,
        /// The size.
        size: u64,
    },
    /// The audit path does not lead from the leaf to the contest's root.
    #[error(
        "line {line}: the leaf, index and path do not lead to contest {contest}'s root: {problem}"
    )]
    Path {
        /// The proof line of the leaf.
        line: u64,
        /// The contest id.
        contest: String,
        /// What the path check found.
        problem: ProofProblem,
    },
    /// A ballots file given to make a proof is not the one the statement signed.
    #[error("ballots/{contest}.csv: not the file the statement's contest line commits to")]
    Changed {
        /// The contest id.
        contest: String,
    },
}

/// Why a note's signatures were refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureProblem {
    /// A signature line whose name and key ID match a trusted key does not
    /// verify under it (the C2SP rule: reject the whole note).
    #[error("the signature of trusted key {name} on line {line} does not verify")]
    Invalid {
        /// The key name.
        name: String,
        /// The note line of the signature.
        line: u64,
    },
    /// Fewer distinct trusted public keys signed than required.
    #[error(
        "{found} distinct trusted keys signed, {required} required ({unknown} signatures from unknown keys ignored)"
    )]
    NotEnough {
        /// Distinct trusted public keys whose signatures verified.
        found: usize,
        /// How many were required.
        required: usize,
        /// Signature lines from keys not trusted.
        unknown: usize,
    },
}

/// Why a note could not be signed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignProblem {
    /// The note already has a signature under this key name.
    #[error("the note already has a signature by {0}")]
    AlreadySigned(String),
    /// The text to sign is empty or does not end in LF.
    #[error("the text must be non-empty and end in LF")]
    TextEnding,
    /// The text holds a control character other than LF.
    #[error("the text holds control character {0:#04x}")]
    ControlChar(u8),
    /// The note already has the most signatures accepted.
    #[error("the note already has {0} signatures")]
    TooManySignatures(usize),
}

/// Why an election cannot be written as a `recount-bundle/1`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PublishProblem {
    /// The election or a contest id is outside the statement's alphabet.
    #[error("{reason}")]
    Id {
        /// The statement's refusal.
        reason: String,
    },
    /// A candidate id is outside the ballots file's alphabet.
    #[error("contest {contest}: candidate id {id:?} {reason}")]
    CandidateId {
        /// The contest.
        contest: String,
        /// The id.
        id: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The META file is not JSON of `recount-meta/1`.
    #[error("line {line}, column {column}: {message}")]
    Meta {
        /// The line, from 1.
        line: u64,
        /// The column, from 1.
        column: u64,
        /// serde_json's description.
        message: String,
    },
    /// META says something that does not fit the source or the format.
    #[error("{0}")]
    MetaFact(String),
    /// A record file META names is malformed.
    #[error("{file}:{line}: {message}")]
    Record {
        /// The path as META gives it.
        file: String,
        /// The line, from 1.
        line: u64,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A name is not in Unicode NFC, the one byte form a bundle allows.
    #[error("{what} {name:?} is not in Unicode NFC; write it precomposed as {nfc:?}")]
    NotNfc {
        /// Whose name.
        what: String,
        /// The name.
        name: String,
        /// Its NFC form.
        nfc: String,
    },
    /// More papers than a statement may count.
    #[error("contest {contest} has more than 2^53 - 1 papers")]
    TooManyPapers {
        /// The contest.
        contest: String,
    },
    /// Papers rank candidates equal, which a bundle's ballots file (one
    /// strict ranking a line) cannot hold.
    #[error(
        "contest {contest}: {papers} papers rank candidates equal, which a recount-bundle/1 \
         ballots file cannot hold (one strict ranking a line); publish the papers read \
         without --equal-rankings keep"
    )]
    EqualRankings {
        /// The contest.
        contest: String,
        /// Papers with equal preferences.
        papers: u64,
    },
}
