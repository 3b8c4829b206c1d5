//! `recount keygen`, `publish`, `sign` and `verify`: the I/O around the
//! `bundle` library (`specs/bundle.md`). This module owns randomness (32
//! bytes of `/dev/urandom` for a key), file modes, the temporary directory
//! a bundle is written in and renamed from, the walk of a bundle directory
//! (symlinks reported, never followed) and the verification report.
//!
//! `prove` and `check-proof` write and check the proof file of one paper;
//! `attest` writes a recount attestation, `sign` co-signs one, and
//! `verify --attestation` recounts and compares it.
//!
//! Exit codes: `verify` exits 1 for anything wrong inside a bundle, 2 for a
//! path that is no bundle at all or an unreadable trust key, 3 for I/O.

use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use bundle::attestation;
use bundle::keys::{KeyName, Signer, SigningKey, VerifierKey};
use bundle::layout::{
    self, BALLOTS_DIR, ELECTION_FILE, MANIFEST_FILE, RULES_FILE, STATEMENT_FILE, Status,
};
use bundle::note::{self, Note};
use bundle::proof::{self, Proof};
use bundle::publish::{self, Draft};
use bundle::verify::{self, Entry, Outcome, Report, VerifiedBundle};
use clap::Args;

use crate::Failure;
use crate::input::InputArgs;
use crate::output::{write_new, write_new_with_mode};
use crate::rules_arg::RulesArg;

/// `recount keygen`.
#[derive(Debug, Args)]
pub struct KeygenArgs {
    /// The key's name, as signatures show it (e.g. `ro.example.gov/2026`).
    #[arg(long)]
    pub name: String,
    /// Write PREFIX.key (the private key, mode 0600) and PREFIX.pub (the
    /// verifier key text); neither may exist unless --force.
    #[arg(long, value_name = "PREFIX")]
    pub out: PathBuf,
    /// Replace PREFIX.key and PREFIX.pub if they exist (the old key is lost).
    #[arg(long)]
    pub force: bool,
}

/// `recount publish`.
#[derive(Debug, Args)]
pub struct PublishArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub rules: RulesArg,
    /// The signer's private key (PKCS#8 PEM, as `recount keygen` writes).
    #[arg(long, value_name = "KEY")]
    pub key: PathBuf,
    /// The signer's key name; by default the name in the .pub file next to KEY.
    #[arg(long = "key-name", value_name = "NAME")]
    pub key_name: Option<String>,
    /// The election facts and records the ballot file cannot carry
    /// (`recount-meta/1` JSON: nomination rule, voting window, attributes,
    /// statuses, constraints, tie orders, roll, nominations, turnout,
    /// declared result; specs/bundle.md section 7a).
    #[arg(long, value_name = "META")]
    pub meta: Option<PathBuf>,
    /// The bundle directory to create; it must not exist.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,
    /// Replace DIR if it is a bundle already (never anything else).
    #[arg(long)]
    pub force: bool,
}

/// `recount sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    /// The bundle directory.
    pub dir: PathBuf,
    /// The co-signer's private key (PKCS#8 PEM).
    #[arg(long, value_name = "KEY")]
    pub key: PathBuf,
    /// The co-signer's key name; by default the name in the .pub file next to KEY.
    #[arg(long = "key-name", value_name = "NAME")]
    pub key_name: Option<String>,
}

/// `recount prove`.
#[derive(Debug, Args)]
pub struct ProveArgs {
    /// The bundle directory; it must verify first.
    pub dir: PathBuf,
    /// The contest id, as in `ballots/<id>.csv`.
    #[arg(long, value_name = "C")]
    pub contest: String,
    /// The paper's index from 0: line N+1 of the contest's ballots file.
    #[arg(long, value_name = "N")]
    pub paper: u64,
    /// A trusted verifier key: a .pub file, or the key text itself (repeatable).
    #[arg(long, value_name = "PUB", required = true, num_args = 1..)]
    pub trust: Vec<String>,
    /// Distinct trusted keys that must have signed.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub require: usize,
    /// The proof file to write; it must not exist unless --force.
    #[arg(short = 'o', long = "output", value_name = "PROOF")]
    pub output: PathBuf,
    /// Replace the output if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `recount check-proof`.
#[derive(Debug, Args)]
pub struct CheckProofArgs {
    /// The proof file (`recount-proof/1`).
    pub proof: PathBuf,
    /// The bundle's signed `statement` file.
    #[arg(long, value_name = "STATEMENT")]
    pub statement: PathBuf,
    /// A trusted verifier key: a .pub file, or the key text itself (repeatable).
    #[arg(long, value_name = "PUB", required = true, num_args = 1..)]
    pub trust: Vec<String>,
    /// Distinct trusted keys that must have signed the statement.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub require: usize,
}

/// `recount attest`.
#[derive(Debug, Args)]
pub struct AttestArgs {
    /// The bundle directory; it must verify first.
    pub dir: PathBuf,
    /// A trusted verifier key: a .pub file, or the key text itself (repeatable).
    #[arg(long, value_name = "PUB", required = true, num_args = 1..)]
    pub trust: Vec<String>,
    /// Distinct trusted keys that must have signed.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub require: usize,
    /// The attester's private key (PKCS#8 PEM).
    #[arg(long, value_name = "KEY")]
    pub key: PathBuf,
    /// The attester's key name; by default the name in the .pub file next to KEY.
    #[arg(long = "key-name", value_name = "NAME")]
    pub key_name: Option<String>,
    /// The attestation file to write; it must not exist unless --force.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Replace the output if it exists.
    #[arg(long)]
    pub force: bool,
}

/// `recount verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The bundle directory.
    pub dir: PathBuf,
    /// A trusted verifier key: a .pub file, or the key text itself (repeatable).
    #[arg(long, value_name = "PUB", required = true, num_args = 1..)]
    pub trust: Vec<String>,
    /// Distinct trusted keys that must have signed.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub require: usize,
    /// The report's form.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// A recount attestation to check too: signed by enough attesters, of
    /// this bundle's statement, and equal to this machine's recount.
    #[arg(long, value_name = "FILE")]
    pub attestation: Option<PathBuf>,
    /// Distinct attester keys that must have signed the attestation.
    #[arg(
        long = "require-attesters",
        value_name = "M",
        default_value_t = 1,
        requires = "attestation"
    )]
    pub require_attesters: usize,
    /// An attester's verifier key (repeatable); by default the --trust keys.
    #[arg(long, value_name = "PUB", num_args = 1.., requires = "attestation")]
    pub attester: Vec<String>,
}

fn io_err(path: &Path, what: &str) -> impl Fn(io::Error) -> Failure {
    let shown = path.display().to_string();
    let what = what.to_owned();
    move |e| Failure::Io(format!("{shown}: cannot {what}: {e}"))
}

/// `PREFIX` with `ext` appended (not replacing an extension it has).
fn with_ext(prefix: &Path, ext: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(ext);
    PathBuf::from(s)
}

pub fn run_keygen(args: &KeygenArgs) -> Result<(), Failure> {
    let name = KeyName::new(&args.name)
        .map_err(|e| Failure::Input(format!("--name {:?}: {e}", args.name)))?;
    let key_path = with_ext(&args.out, ".key");
    let pub_path = with_ext(&args.out, ".pub");
    if !args.force {
        for p in [&key_path, &pub_path] {
            if fs::symlink_metadata(p).is_ok() {
                return Err(Failure::Input(format!(
                    "{}: exists; keygen never overwrites without --force",
                    p.display()
                )));
            }
        }
    }
    let urandom = Path::new("/dev/urandom");
    let key = SigningKey::generate(|seed: &mut [u8; 32]| {
        fs::File::open(urandom).and_then(|mut f| f.read_exact(seed))
    })
    .map_err(io_err(urandom, "read"))?;
    let pem = key
        .to_pkcs8_pem()
        .map_err(|e| Failure::Input(e.to_string()))?;
    let verifier = key.signer(name).verifier_key();
    // Made 0600 from the start, never readable by others for a moment.
    write_new_with_mode(&key_path, args.force, 0o600, |out| {
        out.write_all(pem.as_bytes())
            .map_err(io_err(&key_path, "write"))
    })?;
    write_new(&pub_path, args.force, |out| {
        out.write_all(format!("{verifier}\n").as_bytes())
            .map_err(io_err(&pub_path, "write"))
    })?;
    println!("{verifier}");
    Ok(())
}

/// The signer of `key` under `name`, or under the name of the `.pub` file
/// beside it (`k.key` → `k.pub`), whose key must be the same.
fn load_signer(key: &Path, name: Option<&str>) -> Result<Signer, Failure> {
    let pem = fs::read(key).map_err(io_err(key, "read"))?;
    let pem = String::from_utf8(pem)
        .map_err(|_| Failure::Input(format!("{}: not a PEM key file", key.display())))?;
    let secret = SigningKey::from_pkcs8_pem(&pem)
        .map_err(|e| Failure::Input(format!("{}: {e}", key.display())))?;
    let name = match name {
        Some(n) => KeyName::new(n).map_err(|e| Failure::Input(format!("--key-name {n:?}: {e}")))?,
        None => {
            let pub_path = key.with_extension("pub");
            let text = fs::read_to_string(&pub_path).map_err(|e| {
                Failure::Input(format!(
                    "{}: cannot read the key's name from {}: {e}; pass --key-name",
                    key.display(),
                    pub_path.display()
                ))
            })?;
            let vk = parse_verifier(&pub_path, &text)?;
            if vk.public_key().to_bytes() != secret.public_key().to_bytes() {
                return Err(Failure::Input(format!(
                    "{}: not the public key of {}; pass --key-name",
                    pub_path.display(),
                    key.display()
                )));
            }
            vk.name().clone()
        }
    };
    Ok(secret.signer(name))
}

fn parse_verifier(path: &Path, text: &str) -> Result<VerifierKey, Failure> {
    let line = text.strip_suffix('\n').unwrap_or(text);
    VerifierKey::parse(line).map_err(|e| Failure::Input(format!("{}: {e}", path.display())))
}

pub fn run_publish(args: &PublishArgs) -> Result<(), Failure> {
    let out = &args.output;
    let replacing = refuse_existing(out, args.force, "publish")?;
    let (_, election) = args.input.load()?;
    let election = args.input.select(election)?;
    let rules = args.rules.resolve()?;
    let signer = load_signer(&args.key, args.key_name.as_deref())?;
    let (meta, files) = match &args.meta {
        None => (None, Default::default()),
        Some(path) => {
            let (meta, files) = read_meta(path)?;
            (Some(meta), files)
        }
    };
    let source = match &args.meta {
        Some(m) => m.display().to_string(),
        None => crate::input::display(&args.input.file),
    };
    publish_to(
        out,
        replacing,
        election,
        &rules,
        &signer,
        meta.as_ref(),
        &files,
        &source,
    )
}

/// Publishes `election` under `rules` with `meta`'s facts and records into
/// the bundle directory `out` (replacing it when `replacing`), signed by
/// `signer`: written beside `out`, verified, then renamed into place.
#[allow(clippy::too_many_arguments)]
pub fn publish_to(
    out: &Path,
    replacing: bool,
    election: ballot::Election,
    rules: &count::Rules,
    signer: &Signer,
    meta: Option<&bundle::meta::Meta>,
    files: &std::collections::BTreeMap<String, Vec<u8>>,
    source: &str,
) -> Result<(), Failure> {
    let draft = Draft::with_meta(&election, rules, meta, files)
        .map_err(|e| Failure::Input(format!("{source}: {e}")))?;

    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let base = out
        .file_name()
        .ok_or_else(|| Failure::Input(format!("{}: not a directory name", out.display())))?;
    let tmp = parent.join(format!(
        ".{}.recount-tmp-{}",
        base.to_string_lossy(),
        std::process::id()
    ));
    fs::create_dir(&tmp).map_err(io_err(&tmp, "create"))?;
    // Each contest's lines are an order of its rankings (4 bytes each),
    // their bytes made from the ballot store as they are written: memory
    // stays near the store's.
    let written = write_bundle(&tmp, &election, &draft, signer);
    drop(election);
    let checked = written.and_then(|()| self_check(&tmp, out, signer));
    let renamed = checked.and_then(|audit| {
        install(&tmp, out, replacing, &parent, base)?;
        Ok(audit)
    });
    match renamed {
        Err(e) => {
            let _ = fs::remove_dir_all(&tmp);
            Err(e)
        }
        Ok(None) => Ok(()),
        Ok(Some(findings)) => Err(Failure::Check(findings)),
    }
}

/// Whether `out` may be written: it must not exist, or with `force` be a
/// bundle directory (never a file or another directory). Gives whether it
/// is to be replaced.
pub fn refuse_existing(out: &Path, force: bool, command: &str) -> Result<bool, Failure> {
    let Ok(m) = fs::symlink_metadata(out) else {
        return Ok(false);
    };
    let is_bundle =
        m.is_dir() && (out.join(MANIFEST_FILE).is_file() || out.join(STATEMENT_FILE).is_file());
    if !force {
        return Err(Failure::Input(format!(
            "{}: exists; {command} never overwrites without --force",
            out.display()
        )));
    }
    if !is_bundle {
        return Err(Failure::Input(format!(
            "{}: exists and is not a bundle directory; --force replaces only a bundle",
            out.display()
        )));
    }
    Ok(true)
}

/// Renames the finished `tmp` to `out`; a bundle being replaced is moved
/// aside first and removed only once the new one is in place.
fn install(
    tmp: &Path,
    out: &Path,
    replacing: bool,
    parent: &Path,
    base: &std::ffi::OsStr,
) -> Result<(), Failure> {
    if !replacing {
        // Checked again: rename(2) would replace an empty directory made since.
        if fs::symlink_metadata(out).is_ok() {
            return Err(Failure::Input(format!(
                "{}: exists; publish never overwrites without --force",
                out.display()
            )));
        }
        return fs::rename(tmp, out).map_err(io_err(out, "create"));
    }
    let old = parent.join(format!(
        ".{}.recount-old-{}",
        base.to_string_lossy(),
        std::process::id()
    ));
    fs::rename(out, &old).map_err(io_err(out, "move aside"))?;
    if let Err(e) = fs::rename(tmp, out) {
        let _ = fs::rename(&old, out);
        return Err(io_err(out, "create")(e));
    }
    fs::remove_dir_all(&old).map_err(io_err(&old, "remove"))
}

/// Reads META and every record file it names (paths relative to META's
/// folder).
pub fn read_meta(
    path: &Path,
) -> Result<
    (
        bundle::meta::Meta,
        std::collections::BTreeMap<String, Vec<u8>>,
    ),
    Failure,
> {
    let bytes = fs::read(path).map_err(io_err(path, "read"))?;
    let meta = bundle::meta::Meta::parse(&bytes)
        .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut files = std::collections::BTreeMap::new();
    for p in meta.paths() {
        let full = dir.join(p);
        let bytes = fs::read(&full).map_err(io_err(&full, "read"))?;
        files.insert(p.to_owned(), bytes);
    }
    Ok((meta, files))
}

/// Verifies the bundle just written in `tmp` under the signer's own key.
/// A fault of checks 1 to 9 is the publisher's and refuses the bundle;
/// failures of the audits (10 nominations, 11 turnout) are findings in
/// the records given: the bundle is published as they are, and the
/// findings returned (exit 1).
fn self_check(tmp: &Path, out: &Path, signer: &Signer) -> Result<Option<String>, Failure> {
    let entries = read_bundle(tmp)?;
    let (report, _) = verify::verify(&entries, &[signer.verifier_key()], 1);
    drop(entries);
    let failed = |c: &verify::Check| matches!(c.outcome, Outcome::Fail(_));
    let structural: Vec<&verify::Check> = report
        .checks()
        .iter()
        .filter(|c| c.number <= 9 && failed(c))
        .collect();
    let lines = |checks: &[&verify::Check]| {
        let mut lines = Vec::new();
        for c in checks {
            if let Outcome::Fail(faults) = &c.outcome {
                lines.extend(faults.iter().map(|f| format!("check {}: {f}", c.number)));
            }
        }
        lines
    };
    if !structural.is_empty() {
        let mut all = vec![format!(
            "{}: the bundle written does not verify, so it is not published:",
            out.display()
        )];
        all.extend(lines(&structural));
        return Err(Failure::Input(all.join("\n")));
    }
    let audits: Vec<&verify::Check> = report.checks().iter().filter(|c| failed(c)).collect();
    if audits.is_empty() {
        return Ok(None);
    }
    let mut all = vec![format!(
        "{}: published, but its records fail the audit (verify reports the same):",
        out.display()
    )];
    all.extend(lines(&audits));
    Ok(Some(all.join("\n")))
}

fn write_bundle(
    dir: &Path,
    election: &ballot::Election,
    draft: &Draft,
    signer: &Signer,
) -> Result<(), Failure> {
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        if let Some(folder) = path.parent()
            && !folder.is_dir()
        {
            fs::create_dir(folder).map_err(io_err(folder, "create"))?;
        }
        fs::write(&path, bytes).map_err(io_err(&path, "write"))
    };
    write(ELECTION_FILE, draft.election_json().as_bytes())?;
    write(RULES_FILE, draft.rules_json().as_bytes())?;
    for (path, text) in draft.records() {
        write(path, text.as_bytes())?;
    }
    let ballots_dir = dir.join(BALLOTS_DIR);
    fs::create_dir(&ballots_dir).map_err(io_err(&ballots_dir, "create"))?;
    let mut ballots = Vec::new();
    for id in draft.contests() {
        let contest = election
            .contest(id)
            .expect("the draft's contests are the election's");
        let path = dir.join(layout::ballots_path(id));
        let file = fs::File::create(&path).map_err(io_err(&path, "create"))?;
        let mut out = BufWriter::new(file);
        let lines = publish::ballot_lines(contest);
        let w = publish::write_ballots(id, &lines, &mut out)
            .and_then(|w| out.flush().map(|()| w))
            .map_err(io_err(&path, "write"))?;
        ballots.push(w);
    }
    let sealed =
        publish::seal(draft, &ballots, signer).map_err(|e| Failure::Input(e.to_string()))?;
    write(MANIFEST_FILE, sealed.manifest.as_bytes())?;
    write(STATEMENT_FILE, sealed.statement.as_bytes())
}

/// Every entry under `dir`, sorted by path; symlinks are reported, not followed.
pub fn read_bundle(dir: &Path) -> Result<Vec<Entry>, Failure> {
    match fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(Failure::Input(format!(
                "{}: not a directory; a bundle is a directory",
                dir.display()
            )));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(Failure::Input(format!("{}: no such bundle", dir.display())));
        }
        Err(e) => return Err(io_err(dir, "read")(e)),
    }
    let mut entries = Vec::new();
    walk(dir, "", &mut entries)?;
    let has = |name: &str| {
        entries
            .iter()
            .any(|e| matches!(e, Entry::File { path, .. } if path == name))
    };
    if !has(MANIFEST_FILE) && !has(STATEMENT_FILE) {
        return Err(Failure::Input(format!(
            "{}: no bundle here (neither {MANIFEST_FILE} nor {STATEMENT_FILE})",
            dir.display()
        )));
    }
    Ok(entries)
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<Entry>) -> Result<(), Failure> {
    let mut names: Vec<_> = fs::read_dir(dir)
        .map_err(io_err(dir, "read"))?
        .collect::<Result<_, _>>()
        .map_err(io_err(dir, "read"))?;
    names.sort_by_key(|e| e.file_name());
    for e in names {
        let path = e.path();
        let Some(name) = e.file_name().to_str().map(str::to_owned) else {
            out.push(Entry::Other {
                path: format!("{prefix}{}", e.file_name().to_string_lossy()),
            });
            continue;
        };
        let rel = format!("{prefix}{name}");
        let meta = fs::symlink_metadata(&path).map_err(io_err(&path, "read"))?;
        if meta.file_type().is_symlink() {
            out.push(Entry::Symlink { path: rel });
        } else if meta.is_dir() {
            out.push(Entry::Dir { path: rel.clone() });
            walk(&path, &format!("{rel}/"), out)?;
        } else if meta.is_file() {
            let bytes = read_file(&path).map_err(io_err(&path, "read"))?;
            out.push(Entry::File { path: rel, bytes });
        } else {
            out.push(Entry::Other { path: rel });
        }
    }
    Ok(())
}

/// A file's bytes, as `fs::read` gives them. A large one is read by two
/// threads at once, each into its half: a bundle's ballots file can be
/// hundreds of megabytes, and filling that many fresh pages is a fair part
/// of verifying it.
fn read_file(path: &Path) -> io::Result<Vec<u8>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileExt;
        const LARGE: u64 = 16 << 20;
        let file = fs::File::open(path)?;
        let len = file.metadata()?.len();
        if len >= LARGE
            && let Ok(len) = usize::try_from(len)
        {
            let mut bytes = vec![0u8; len];
            let (first, second) = bytes.split_at_mut(len / 2);
            let at = first.len() as u64;
            let read = std::thread::scope(|s| {
                let other = std::thread::Builder::new()
                    .spawn_scoped(s, || file.read_exact_at(second, at))
                    .ok();
                file.read_exact_at(first, 0)?;
                match other {
                    Some(h) => h
                        .join()
                        .unwrap_or_else(|_| Err(io::Error::other("a reader thread panicked"))),
                    // No second thread: read it all plainly, below.
                    None => Err(io::Error::other("no reader thread")),
                }
            });
            // A file that changed size meanwhile is read again, plainly.
            let mut past = [0u8; 1];
            if read.is_ok() && file.read_at(&mut past, len as u64)? == 0 {
                return Ok(bytes);
            }
        }
    }
    fs::read(path)
}

/// The trusted keys of `--trust`: each a file, or the key text itself.
fn load_trust(given: &[String]) -> Result<Vec<VerifierKey>, Failure> {
    let mut keys = Vec::new();
    for g in given {
        let path = Path::new(g);
        let key = match fs::read_to_string(path) {
            Ok(text) => parse_verifier(path, &text)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound && g.contains('+') => {
                VerifierKey::parse(g).map_err(|e| Failure::Input(format!("--trust {g:?}: {e}")))?
            }
            Err(e) => {
                return Err(Failure::Input(format!(
                    "--trust {}: cannot read the key: {e}",
                    path.display()
                )));
            }
        };
        keys.push(key);
    }
    Ok(keys)
}

/// Verifies the bundle at `dir`: the report, and the bundle when it passed.
pub fn verify_dir(
    dir: &Path,
    trust: &[String],
    require: usize,
) -> Result<(Report, Option<VerifiedBundle>), Failure> {
    let trusted = load_trust(trust)?;
    let entries = read_bundle(dir)?;
    Ok(verify::verify(&entries, &trusted, require))
}

/// `--trust`/`--require` of the commands that read ballots: with them,
/// FILE is a bundle directory, verified before anything is read from it.
#[derive(Debug, Args)]
pub struct BundleInput {
    /// Read FILE as a bundle directory (`recount publish`), verified first
    /// against these trusted keys (.pub files or key texts, repeatable);
    /// `count` then takes the bundle's rules unless --rules is given.
    #[arg(long, value_name = "PUB", num_args = 1..)]
    pub trust: Vec<String>,
    /// With --trust: distinct trusted keys that must have signed.
    #[arg(long, value_name = "N", default_value_t = 1, requires = "trust")]
    pub require: usize,
}

impl BundleInput {
    /// The verified bundle at `dir`, when --trust was given (exit 1 with
    /// each fault when it fails a check).
    pub fn load(&self, dir: &Path) -> Result<Option<VerifiedBundle>, Failure> {
        if self.trust.is_empty() {
            return Ok(None);
        }
        verified(dir, &self.trust, self.require).map(Some)
    }
}

/// The bundle at `dir`, when every check passes against `trust`; else a
/// failed check (exit 1) listing each fault.
pub fn verified(dir: &Path, trust: &[String], require: usize) -> Result<VerifiedBundle, Failure> {
    let (report, verified) = verify_dir(dir, trust, require)?;
    verified.ok_or_else(|| Failure::Check(fault_lines(dir, &report).join("\n")))
}

/// What a count of the bundle at `dir` records as its input: MANIFEST's
/// bytes (which commit to every other file) and the format's name.
pub fn provenance(dir: &Path, verified: &VerifiedBundle) -> Result<(Vec<u8>, String), Failure> {
    let path = dir.join(MANIFEST_FILE);
    let bytes = fs::read(&path).map_err(io_err(&path, "read"))?;
    if bundle::manifest::sha256(&bytes) != *verified.statement().manifest() {
        return Err(Failure::Check(format!(
            "{}: changed since it was verified",
            path.display()
        )));
    }
    Ok((bytes, layout::FORMAT.to_owned()))
}

/// The summary of a failed report, then each fault under its check.
fn fault_lines(dir: &Path, report: &Report) -> Vec<String> {
    let mut lines = vec![failed_summary(dir, report)];
    for c in report.checks() {
        if let Outcome::Fail(faults) = &c.outcome {
            lines.extend(faults.iter().map(|f| format!("check {}: {f}", c.number)));
        }
    }
    lines
}

fn failed_summary(dir: &Path, report: &Report) -> String {
    let failed: Vec<String> = report
        .checks()
        .iter()
        .filter(|c| matches!(c.outcome, Outcome::Fail(_)))
        .map(|c| c.number.to_string())
        .collect();
    format!(
        "{}: not a valid bundle: check{} {} failed",
        dir.display(),
        if failed.len() == 1 { "" } else { "s" },
        failed.join(", ")
    )
}

pub fn run_verify(args: &VerifyArgs) -> Result<(), Failure> {
    let (report, verified) = verify_dir(&args.dir, &args.trust, args.require)?;
    let mut text = if args.format == "json" {
        json_report(&args.dir, &report)
    } else {
        text_report(&args.dir, &report)
    };
    let mut attested: Result<String, String> = Ok(String::new());
    if let Some(file) = &args.attestation {
        let attesters = if args.attester.is_empty() {
            load_trust(&args.trust)?
        } else {
            load_trust(&args.attester)?
        };
        attested = match &verified {
            Some(v) => check_attestation(file, v, &attesters, args.require_attesters)?,
            None => Err("not checked: the bundle is not valid".to_owned()),
        };
        let line = match &attested {
            Ok(names) => format!(
                "attestation {}: pass (attested by {names})\n",
                file.display()
            ),
            Err(why) => format!("attestation {}: FAIL\n    {why}\n", file.display()),
        };
        if args.format == "json" {
            let mut v: serde_json::Value = serde_json::from_str(&text).expect("the report is JSON");
            v["attestation"] = match &attested {
                Ok(names) => {
                    serde_json::json!({"file": file.display().to_string(), "outcome": "pass", "attesters": names})
                }
                Err(why) => {
                    serde_json::json!({"file": file.display().to_string(), "outcome": "fail", "message": why})
                }
            };
            text = serde_json::to_string_pretty(&v).expect("a report serialises") + "\n";
        } else {
            text.push_str(&line);
        }
    }
    let mut stdout = io::stdout().lock();
    match stdout.write_all(text.as_bytes()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            return Err(Failure::Io(format!("standard output: {e}")));
        }
        _ => {}
    }
    if !report.passed() {
        return Err(Failure::Check(failed_summary(&args.dir, &report)));
    }
    attested.map(|_| ()).map_err(|why| {
        let file = args.attestation.as_deref().unwrap_or(Path::new("-"));
        Failure::Check(format!("{}: {why}", file.display()))
    })
}

/// Checks the attestation at `file` against the verified bundle: at least
/// `require` distinct `attesters` signed it, and its body is this
/// machine's recount (which binds the statement's hash). `Ok(Ok(names))`
/// when it holds, `Ok(Err(why))` when a check fails.
fn check_attestation(
    file: &Path,
    bundle: &VerifiedBundle,
    attesters: &[VerifierKey],
    require: usize,
) -> Result<Result<String, String>, Failure> {
    let bytes = fs::read(file).map_err(io_err(file, "read"))?;
    let note = match Note::parse(&bytes) {
        Ok(n) => n,
        Err(e) => return Ok(Err(e.to_string())),
    };
    if !attestation::is_attestation(note.text()) {
        return Ok(Err(format!("line 1: expected {}", attestation::TYPE_LINE)));
    }
    let verified = match note::verify(&note, attesters, require) {
        Ok(v) => v,
        Err(e) => return Ok(Err(format!("attesters: {e}"))),
    };
    let ours = attestation::body(bundle).map_err(|e| Failure::Check(e.to_string()))?;
    if verified.text() != ours {
        let theirs: Vec<&str> = verified.text().lines().collect();
        let mine: Vec<&str> = ours.lines().collect();
        let n = (0..theirs.len().max(mine.len()))
            .find(|&i| theirs.get(i) != mine.get(i))
            .unwrap_or(0);
        return Ok(Err(format!(
            "line {}: this recount gives {:?}, the attestation says {:?}",
            n + 1,
            mine.get(n).copied().unwrap_or("(no line)"),
            theirs.get(n).copied().unwrap_or("(no line)")
        )));
    }
    let names: Vec<&str> = verified
        .signers()
        .iter()
        .map(|k| k.name().as_str())
        .collect();
    Ok(Ok(names.join(", ")))
}

fn text_report(dir: &Path, report: &Report) -> String {
    let mut s = format!("bundle {}\n", dir.display());
    for c in report.checks() {
        let (word, detail) = match &c.outcome {
            Outcome::Pass => ("pass", Vec::new()),
            Outcome::Fail(faults) => ("FAIL", faults.iter().map(|f| f.to_string()).collect()),
            Outcome::NotRun(why) => ("not run", vec![why.clone()]),
            Outcome::NotApplicable(why) => ("n/a", vec![why.clone()]),
        };
        s.push_str(&format!("check {} {}: {word}\n", c.number, c.name));
        for d in detail {
            s.push_str(&format!("    {d}\n"));
        }
        if c.number == 10 && c.outcome == Outcome::Pass {
            for line in nomination_summary(report) {
                s.push_str(&format!("    {line}\n"));
            }
        }
    }
    if report.passed() {
        let names: Vec<&str> = report.signers().iter().map(|k| k.name().as_str()).collect();
        s.push_str(&format!("valid: signed by {}\n", names.join(", ")));
    } else {
        s.push_str("not valid\n");
    }
    s
}

/// One line per contest of check 10's tallies: the range of supporters of
/// the candidates on the ballot, and of those kept off for too few.
pub fn nomination_summary(report: &Report) -> Vec<String> {
    report
        .nominations()
        .iter()
        .map(|(contest, tallies)| {
            let range = |pick: &dyn Fn(Status) -> bool| {
                let n: Vec<u32> = tallies
                    .iter()
                    .filter(|t| t.status.is_some_and(pick))
                    .map(|t| t.supporters)
                    .collect();
                match (n.iter().min(), n.iter().max()) {
                    (Some(lo), Some(hi)) if lo == hi => format!("{}, with {lo}", n.len()),
                    (Some(lo), Some(hi)) => format!("{}, with {lo} to {hi}", n.len()),
                    _ => "none".to_owned(),
                }
            };
            format!(
                "{contest}: {} supporting nominations on the ballot; kept off for too few: {}",
                range(&|s| s.on_ballot()),
                range(&|s| s == Status::InsufficientNominations),
            )
        })
        .collect()
}

fn json_report(dir: &Path, report: &Report) -> String {
    let checks: Vec<serde_json::Value> = report
        .checks()
        .iter()
        .map(|c| {
            let (outcome, faults, reason) = match &c.outcome {
                Outcome::Pass => ("pass", Vec::new(), None),
                Outcome::Fail(faults) => ("fail", faults.clone(), None),
                Outcome::NotRun(why) => ("not-run", Vec::new(), Some(why.clone())),
                Outcome::NotApplicable(why) => ("not-applicable", Vec::new(), Some(why.clone())),
            };
            let faults: Vec<serde_json::Value> = faults
                .iter()
                .map(|f| serde_json::json!({"file": f.file, "line": f.line, "message": f.message}))
                .collect();
            let mut v = serde_json::json!({
                "number": c.number,
                "name": c.name,
                "outcome": outcome,
                "faults": faults,
            });
            if let Some(r) = reason {
                v["reason"] = r.into();
            }
            v
        })
        .collect();
    let signers: Vec<&str> = report.signers().iter().map(|k| k.name().as_str()).collect();
    let nominations: Vec<serde_json::Value> = report
        .nominations()
        .iter()
        .map(|(contest, tallies)| {
            let candidates: Vec<serde_json::Value> = tallies
                .iter()
                .map(|t| {
                    serde_json::json!({
                        "id": t.candidate,
                        "status": t.status.map(|s| s.as_str()),
                        "supporters": t.supporters,
                        "withdrawn": t.withdrawn,
                        "late": t.late,
                        "before_vetting": t.before_vetting,
                        "not_on_roll": t.not_on_roll,
                    })
                })
                .collect();
            serde_json::json!({"contest": contest, "candidates": candidates})
        })
        .collect();
    let v = serde_json::json!({
        "bundle": dir.display().to_string(),
        "valid": report.passed(),
        "checks": checks,
        "signers": signers,
        "nominations": nominations,
    });
    let mut s = serde_json::to_string_pretty(&v).expect("a report serialises");
    s.push('\n');
    s
}

pub fn run_sign(args: &SignArgs) -> Result<(), Failure> {
    if fs::metadata(&args.dir).is_ok_and(|m| m.is_file()) {
        return sign_attestation(args);
    }
    let entries = read_bundle(&args.dir)?;
    let signer = load_signer(&args.key, args.key_name.as_deref())?;
    // A co-signer vouches for the bundle: everything but the signatures must hold.
    let (report, _) = verify::verify(&entries, &[], 1);
    if !report.passed_except_signatures() {
        let mut lines = fault_lines(&args.dir, &report);
        lines.push("not signed".into());
        return Err(Failure::Check(lines.join("\n")));
    }
    let path = args.dir.join(STATEMENT_FILE);
    let bytes = fs::read(&path).map_err(io_err(&path, "read"))?;
    let note =
        Note::parse(&bytes).map_err(|e| Failure::Check(format!("{}: {e}", path.display())))?;
    cosign(&path, &note, &signer)
}

/// Appends `signer`'s signature to the note at `path` (written beside it
/// and renamed), refusing a key or name that already signs it.
fn cosign(path: &Path, note: &Note, signer: &Signer) -> Result<(), Failure> {
    let ours = signer.key().public_key();
    for sig in note.signatures() {
        let same_key = <&[u8; 64]>::try_from(sig.signature())
            .is_ok_and(|s| ours.verify_strict(note.text().as_bytes(), s));
        if same_key || sig.name() == signer.name() {
            return Err(Failure::Input(format!(
                "{}:{}: already signed by this key or name ({}); a key signs once",
                path.display(),
                sig.line(),
                sig.name()
            )));
        }
    }
    let signed = note::sign(note, signer).map_err(|e| Failure::Input(e.to_string()))?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.recount-tmp-{}", std::process::id()));
    fs::write(&tmp, signed.to_text().as_bytes()).map_err(io_err(&tmp, "write"))?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_err(path, "write")(e)
    })
}

/// `recount sign FILE`: co-signs an attestation. The co-signer vouches for
/// the body; `verify --attestation` recounts and compares it.
fn sign_attestation(args: &SignArgs) -> Result<(), Failure> {
    let path = &args.dir;
    let signer = load_signer(&args.key, args.key_name.as_deref())?;
    let bytes = fs::read(path).map_err(io_err(path, "read"))?;
    let note = Note::parse(&bytes).map_err(|e| {
        Failure::Input(format!(
            "{}: neither a bundle nor an attestation: {e}",
            path.display()
        ))
    })?;
    if !attestation::is_attestation(note.text()) {
        return Err(Failure::Input(format!(
            "{}: neither a bundle nor an attestation (its first line is not {})",
            path.display(),
            attestation::TYPE_LINE
        )));
    }
    cosign(path, &note, &signer)
}

pub fn run_prove(args: &ProveArgs) -> Result<(), Failure> {
    let trusted = load_trust(&args.trust)?;
    let entries = read_bundle(&args.dir)?;
    let (report, verified) = verify::verify(&entries, &trusted, args.require);
    let Some(verified) = verified else {
        let mut lines = fault_lines(&args.dir, &report);
        lines.push("no proof written".into());
        return Err(Failure::Check(lines.join("\n")));
    };
    let Some(line) = verified
        .statement()
        .contests()
        .iter()
        .find(|c| c.id == args.contest)
    else {
        let ids: Vec<&str> = verified
            .statement()
            .contests()
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        return Err(Failure::Input(format!(
            "--contest {:?}: not a contest of {} (its contests: {})",
            args.contest,
            args.dir.display(),
            ids.join(", ")
        )));
    };
    if args.paper >= line.papers {
        return Err(Failure::Input(format!(
            "--paper {}: contest {} has {} papers, numbered from 0",
            args.paper, line.id, line.papers
        )));
    }
    let ballots_path = layout::ballots_path(&line.id);
    let ballots = entries
        .iter()
        .find_map(|e| match e {
            Entry::File { path, bytes } if *path == ballots_path => Some(bytes.as_slice()),
            _ => None,
        })
        .expect("a verified bundle has each contest's ballots file");
    let made = Proof::make(&verified, &line.id, ballots, args.paper)
        .map_err(|e| Failure::Check(format!("{}: {e}", args.dir.display())))?;
    let text = made.to_text();
    write_new(&args.output, args.force, |out| {
        out.write_all(text.as_bytes())
            .map_err(io_err(&args.output, "write"))
    })
}

pub fn run_check_proof(args: &CheckProofArgs) -> Result<(), Failure> {
    let trusted = load_trust(&args.trust)?;
    let bytes = fs::read(&args.proof).map_err(io_err(&args.proof, "read"))?;
    let shown = args.proof.display();
    let parsed = Proof::parse(&bytes).map_err(|e| match e.kind() {
        bundle::ErrorKind::ProofFile {
            problem: bundle::error::ProofFileProblem::NotAProof,
            ..
        } => Failure::Input(format!("{shown}: {e}")),
        _ => Failure::Check(format!("{shown}: {e}")),
    })?;
    let statement = fs::read(&args.statement).map_err(io_err(&args.statement, "read"))?;
    let checked = proof::check(&parsed, &statement, &trusted, args.require).map_err(|e| {
        Failure::Check(format!(
            "{shown}: against {}: {e}",
            args.statement.display()
        ))
    })?;
    let p = checked.proof();
    let names: Vec<&str> = checked
        .signers()
        .iter()
        .map(|k| k.name().as_str())
        .collect();
    println!(
        "valid: paper {} of contest {} ({}) is in its tree of {} papers, in a statement signed by {}",
        p.index,
        p.contest,
        p.leaf,
        p.size,
        names.join(", ")
    );
    Ok(())
}

pub fn run_attest(args: &AttestArgs) -> Result<(), Failure> {
    if !args.force && fs::symlink_metadata(&args.output).is_ok() {
        return Err(Failure::Input(format!(
            "{}: exists; attest never overwrites without --force",
            args.output.display()
        )));
    }
    let signer = load_signer(&args.key, args.key_name.as_deref())?;
    let bundle = verified(&args.dir, &args.trust, args.require)?;
    let body = attestation::body(&bundle)
        .map_err(|e| Failure::Check(format!("{}: {e}", args.dir.display())))?;
    let note = Note::new(&body).map_err(|e| Failure::Check(e.to_string()))?;
    let signed = note::sign(&note, &signer).map_err(|e| Failure::Input(e.to_string()))?;
    let text = signed.to_text();
    write_new(&args.output, args.force, |out| {
        out.write_all(text.as_bytes())
            .map_err(io_err(&args.output, "write"))
    })
}
