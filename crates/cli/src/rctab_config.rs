//! An RCTab contest configuration (`*_config.json`) read as what recount
//! counts with: the cast-vote-record files, how their papers are read
//! (import policy and ES&S layout), the seats and the `Rules`. The mapping
//! is `specs/rctab.md`'s, option by option; an option recount cannot
//! honour is refused by its name, never ignored.
//!
//! Pure: bytes in, a [`RctabConfig`] or a [`ConfigError`] out; the caller
//! reads the files it names.

use std::fmt;
use std::path::{Path, PathBuf};

use ballot::Format;
use ballot::ImportPolicy;
use ballot::ess::EssLayout;
use ballot::policy::{EqualRankings, Overvotes, RepeatedCandidates, SkippedRanks};
use count::Rules;
use count::rules::{
    Arithmetic, LossShown, Passes, QuotaDivisor, QuotaIncrement, Rounding, SurplusMethod,
    Threshold, TieBreak, TvSteps,
};
use serde_json::Value;

/// What a configuration says to count.
#[derive(Debug)]
pub struct RctabConfig {
    /// The contest's name (`outputSettings.contestName`).
    pub contest_name: Option<String>,
    /// The CVR files, each resolved against the configuration's folder.
    pub cvr_files: Vec<PathBuf>,
    /// The CVR's format, from the source's `provider`.
    pub format: ballot::Format,
    /// The source's `contestId`: the contest read of a file of several.
    pub contest: Option<String>,
    /// How the ES&S sheets' cells are read.
    pub layout: EssLayout,
    /// How RCTab's generic CSV is laid out (`provider: csv`).
    pub csv: ballot::csvrank::CsvLayout,
    /// The source's `undeclaredWriteInLabel`: for Dominion the candidate
    /// code of its write-in line (checked against the pool the reader
    /// makes), for CSV the name in the cells that pools the write-ins.
    pub write_in_code: Option<String>,
    /// Candidates' `code`s (Dominion candidate ids) with their names: the
    /// CVR's candidate of that id is given the configuration's name.
    pub codes: Vec<(String, String)>,
    /// How irregular papers are read.
    pub policy: ImportPolicy,
    /// `numberOfWinners`.
    pub seats: u32,
    /// Candidates marked `excluded`: withdrawn before the count.
    pub withdrawn: Vec<String>,
    /// The tabulation options as rules.
    pub rules: Rules,
}

/// Why a configuration cannot be counted with.
#[derive(Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// Not JSON, or not an object of the expected shape.
    Syntax(String),
    /// An option recount cannot honour, with its value and why.
    Refused {
        /// The option, by key path (`rules.tiebreakMode`).
        option: String,
        /// Its value in the file.
        value: String,
        /// Why it is refused.
        why: &'static str,
    },
    /// A value that is not one RCTab defines for the option.
    BadValue {
        /// The option, by key path.
        option: String,
        /// Its value in the file.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Syntax(m) => write!(f, "not an RCTab configuration: {m}"),
            ConfigError::Refused { option, value, why } => {
                write!(f, "{option} {value}: not supported: {why} (specs/rctab.md)")
            }
            ConfigError::BadValue {
                option,
                value,
                expected,
            } => write!(f, "{option} {value}: expected {expected}"),
        }
    }
}

impl std::error::Error for ConfigError {}

/// An option's value as RCTab writes it: a string, a number or a boolean;
/// absent and `""` are none.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn flag(v: Option<&Value>, option: &str) -> Result<bool, ConfigError> {
    match text(v).as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ConfigError::BadValue {
            option: option.into(),
            value: other.into(),
            expected: "true or false",
        }),
    }
}

fn number(v: Option<&Value>, option: &str) -> Result<Option<u32>, ConfigError> {
    match text(v) {
        None => Ok(None),
        Some(t) => t.parse().map(Some).map_err(|_| ConfigError::BadValue {
            option: option.into(),
            value: t,
            expected: "a whole number",
        }),
    }
}

fn refused(option: &str, value: impl Into<String>, why: &'static str) -> ConfigError {
    ConfigError::Refused {
        option: option.into(),
        value: value.into(),
        why,
    }
}

/// The labels and columns of a source other than ES&S: what its format
/// honours, the rest refused by name. Labels name cells of a sheet: a CVR that marks
/// ranks has none, but Dominion's write-in label, which is the code of
/// its write-in line; RCTab's generic CSV is read with recount's CSV
/// words (`overvote`, `undervote` or an empty cell), so only those labels
/// are honoured.
fn source_options(
    s: &Value,
    format: Format,
    key: &dyn Fn(&str) -> String,
    csv: &mut ballot::csvrank::CsvLayout,
    write_in_code: &mut Option<String>,
) -> Result<(), ConfigError> {
    let labels = [
        ("overvoteLabel", "overvote"),
        ("undervoteLabel", "undervote"),
        ("skippedRankLabel", "undervote"),
        ("undeclaredWriteInLabel", ""),
    ];
    for (k, csv_word) in labels {
        let Some(v) = text(s.get(k)) else { continue };
        match format {
            Format::Dominion | Format::Csv if k == "undeclaredWriteInLabel" => {
                *write_in_code = Some(v)
            }
            Format::Csv if !csv_word.is_empty() && v.eq_ignore_ascii_case(csv_word) => {}
            Format::Csv => {
                return Err(refused(
                    &key(k),
                    v,
                    "RCTab's generic CSV is read with recount's words: overvote, undervote or an empty cell",
                ));
            }
            _ => {
                return Err(refused(
                    &key(k),
                    v,
                    "this CVR marks ranks: it has no labels",
                ));
            }
        }
    }
    let column = number(s.get("firstVoteColumnIndex"), &key("firstVoteColumnIndex"))?;
    let row = number(s.get("firstVoteRowIndex"), &key("firstVoteRowIndex"))?;
    if format == Format::Csv {
        csv.first_rank_column = column.map(|c| c as usize);
        csv.first_row = row.map(u64::from);
    }
    Ok(())
}

/// Reads a configuration; `dir` is its folder, against which CVR paths
/// are resolved.
pub fn read(bytes: &[u8], dir: &Path) -> Result<RctabConfig, ConfigError> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| ConfigError::Syntax(e.to_string()))?;
    let rules_v = v
        .get("rules")
        .ok_or_else(|| ConfigError::Syntax("no \"rules\" object".into()))?;
    let r = |key: &str| rules_v.get(key);
    let sources = v
        .get("cvrFileSources")
        .and_then(Value::as_array)
        .ok_or_else(|| ConfigError::Syntax("no \"cvrFileSources\" list".into()))?;

    // Papers.
    let mut layout = EssLayout::default();
    let mut cvr_files = Vec::new();
    let mut format = Format::EssXlsx;
    let mut contest = None;
    let mut csv = ballot::csvrank::CsvLayout::default();
    let mut write_in_code = None;
    for (i, s) in sources.iter().enumerate() {
        let key = |k: &str| format!("cvrFileSources[{i}].{k}");
        let provider = text(s.get("provider")).unwrap_or_default();
        format = match provider.as_str() {
            "ess" => Format::EssXlsx,
            "cdf" => Format::Cdf,
            "dominion" => Format::Dominion,
            "hart" => Format::Hart,
            "clearBallot" => Format::ClearBallot,
            "csv" => Format::Csv,
            _ => {
                return Err(ConfigError::BadValue {
                    option: key("provider"),
                    value: provider,
                    expected: "ess, cdf, dominion, hart, clearBallot or csv",
                });
            }
        };
        let path = text(s.get("filePath"))
            .ok_or_else(|| ConfigError::Syntax(format!("no {}", key("filePath"))))?;
        // RCTab's `cdf` provider reads the report in JSON or XML, by name.
        if format == Format::Cdf && path.to_ascii_lowercase().ends_with(".xml") {
            format = Format::CdfXml;
        }
        cvr_files.push(dir.join(path));
        contest = text(s.get("contestId"));
        // Options no provider's reading honours.
        if let Some(d) = text(s.get("overvoteDelimiter")) {
            return Err(refused(
                &key("overvoteDelimiter"),
                d,
                "a cell or mark names one candidate or a label",
            ));
        }
        if flag(
            s.get("treatBlankAsUndeclaredWriteIn"),
            &key("treatBlankAsUndeclaredWriteIn"),
        )? {
            return Err(refused(
                &key("treatBlankAsUndeclaredWriteIn"),
                "true",
                "a blank rank is an empty rank",
            ));
        }
        if format != Format::EssXlsx {
            source_options(s, format, &key, &mut csv, &mut write_in_code)?;
            continue;
        }
        if let Some(l) = text(s.get("overvoteLabel")) {
            layout.overvote = l;
        }
        if let Some(l) = text(s.get("skippedRankLabel")) {
            layout.skipped = l;
        }
        if let Some(l) = text(s.get("undeclaredWriteInLabel")) {
            layout.write_in = l;
        }
        layout.first_choice_column =
            number(s.get("firstVoteColumnIndex"), &key("firstVoteColumnIndex"))?;
    }
    let mut names = Vec::new();
    let mut withdrawn = Vec::new();
    let mut codes = Vec::new();
    for (i, c) in v
        .get("candidates")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = text(c.get("name"))
            .ok_or_else(|| ConfigError::Syntax(format!("no candidates[{i}].name")))?;
        if c.get("aliases")
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty())
        {
            return Err(refused(
                &format!("candidates[{i}].aliases"),
                name,
                "a candidate is one name in the sheet",
            ));
        }
        if flag(c.get("excluded"), &format!("candidates[{i}].excluded"))? {
            withdrawn.push(name.clone());
        }
        if let Some(code) = text(c.get("code")) {
            if format != Format::Dominion {
                return Err(refused(
                    &format!("candidates[{i}].code"),
                    code,
                    "candidate codes are read for Dominion sources (the candidate manifest's Id) only",
                ));
            }
            codes.push((code, name.clone()));
        }
        names.push(name);
    }
    if !names.is_empty() {
        layout.candidates = Some(names);
    }
    let mut policy = ImportPolicy::default();
    match text(r("overvoteRule")).as_deref() {
        Some("alwaysSkipToNextRank") => policy.overvotes = Overvotes::SkipRank,
        Some("exhaustImmediately") => {
            policy.overvotes = Overvotes::EndAtOvervote;
            policy.equal_rankings = EqualRankings::EndAtTie;
        }
        Some("exhaustIfMultipleContinuing") => {
            // Reading decides what it can; the count (tied_ranks below) the
            // rest. An overvote label naming nobody is refused, as RCTab
            // refuses this rule with one.
            policy.equal_rankings = EqualRankings::EndIfSeveralContinuing;
            policy.overvotes = Overvotes::EndIfSeveralContinuing;
        }
        other => {
            return Err(ConfigError::BadValue {
                option: "rules.overvoteRule".into(),
                value: other.unwrap_or("none").into(),
                expected: "alwaysSkipToNextRank, exhaustImmediately or exhaustIfMultipleContinuing",
            });
        }
    }
    match text(r("maxSkippedRanksAllowed")).as_deref() {
        None | Some("unlimited") => policy.skipped_ranks = SkippedRanks::CloseUp,
        Some(n) => {
            let n = n.parse().map_err(|_| ConfigError::BadValue {
                option: "rules.maxSkippedRanksAllowed".into(),
                value: n.into(),
                expected: "a whole number or unlimited",
            })?;
            policy.skipped_ranks = SkippedRanks::CloseUp;
            policy.max_skipped_ranks = Some(n);
        }
    }
    policy.repeated_candidates = if flag(
        r("exhaustOnDuplicateCandidate"),
        "rules.exhaustOnDuplicateCandidate",
    )? {
        RepeatedCandidates::EndAtRepeat
    } else {
        RepeatedCandidates::KeepFirst
    };
    layout.max_ranks = match text(r("maxRankingsAllowed")).as_deref() {
        None | Some("max") => None,
        Some(n) => Some(n.parse().map_err(|_| ConfigError::BadValue {
            option: "rules.maxRankingsAllowed".into(),
            value: n.into(),
            expected: "a whole number or max",
        })?),
    };
    // ES&S reads only its first N rank columns; the other formats leave
    // the later ranks to the import policy.
    if format != Format::EssXlsx {
        policy.max_ranks = layout.max_ranks.map(|n| n as u32);
    }
    if flag(
        r("treatBlankAsUndeclaredWriteIn"),
        "rules.treatBlankAsUndeclaredWriteIn",
    )? {
        return Err(refused(
            "rules.treatBlankAsUndeclaredWriteIn",
            "true",
            "a blank cell is an empty rank",
        ));
    }

    // Counting.
    let seats = number(r("numberOfWinners"), "rules.numberOfWinners")?.unwrap_or(1);
    if seats == 0 {
        return Err(ConfigError::BadValue {
            option: "rules.numberOfWinners".into(),
            value: "0".into(),
            expected: "at least 1",
        });
    }
    for (key, why) in [
        ("stopTabulationEarlyAfterRound", "a count runs to its end"),
        (
            "multiSeatBottomsUpPercentageThreshold",
            "bottoms-up counts are not built",
        ),
    ] {
        if let Some(t) = text(r(key)) {
            return Err(refused(&format!("rules.{key}"), t, why));
        }
    }
    if let Some(t) = text(r("minimumVoteThreshold")).filter(|t| t != "0") {
        return Err(refused(
            "rules.minimumVoteThreshold",
            t,
            "no rule book here excludes below a fixed vote",
        ));
    }
    let places = number(
        r("decimalPlacesForVoteArithmetic"),
        "rules.decimalPlacesForVoteArithmetic",
    )?
    .unwrap_or(4);
    if places > count::rules::validate::MAX_FIXED_PLACES {
        return Err(ConfigError::BadValue {
            option: "rules.decimalPlacesForVoteArithmetic".into(),
            value: places.to_string(),
            expected: "at most 18",
        });
    }
    let mode = text(r("winnerElectionMode")).unwrap_or_default();
    let mut rules = match mode.as_str() {
        "singleWinnerMajority" | "multiPassIrv" => {
            let mut rules = Rules::irv();
            if mode == "multiPassIrv" {
                rules.passes = Passes::OnePerSeat;
            }
            if flag(
                r("doesFirstRoundDetermineThreshold"),
                "rules.doesFirstRoundDetermineThreshold",
            )? {
                let g = rules.gregory_mut().expect("irv is Gregory");
                g.quota.votes = count::rules::QuotaVotes::Valid;
                g.quota.recompute = count::rules::QuotaRecompute::Never;
            }
            rules
        }
        "multiWinnerAllowMultipleWinnersPerRound" | "multiWinnerAllowOnlyOneWinnerPerRound" => {
            let mut rules = Rules::scottish_stv();
            rules.arithmetic = Arithmetic::Fixed { places };
            rules.display_places = places;
            if flag(
                r("nonIntegerWinningThreshold"),
                "rules.nonIntegerWinningThreshold",
            )? {
                rules.quota.rounding = Rounding::truncate(places);
                rules.quota.increment = QuotaIncrement::Unit { places };
            }
            let g = rules.gregory_mut().expect("scottish-stv is Gregory");
            g.surplus.method = SurplusMethod::WeightedInclusive;
            g.surplus.transfer_value.rounding = Rounding::truncate(places);
            g.surplus.transfer_value.steps = TvSteps::FractionFirst;
            g.surplus.loss = LossShown::Separate;
            // RCTab gives an elected candidate's surplus a round even when it
            // is nothing (the Minneapolis report's round 3: Erwin at exactly
            // the threshold, transfers 0.0000).
            g.surplus.zero_surplus = count::rules::ZeroSurplus::TransferAsStage;
            // One winner a round: the others at the threshold are still
            // continuing, and receive papers, until their turn.
            g.surplus.receive_until_transferred = mode == "multiWinnerAllowOnlyOneWinnerPerRound";
            rules
        }
        other => {
            return Err(refused(
                "rules.winnerElectionMode",
                other,
                "bottoms-up counts are not built",
            ));
        }
    };
    if flag(r("hareQuota"), "rules.hareQuota")? {
        rules.quota.divisor = QuotaDivisor::Seats;
    }
    if let Some(g) = rules.gregory_mut() {
        // RCTab eliminates the undeclared write-ins in the first round and
        // never elects them, whatever the mode.
        g.exclusion.undeclared_write_ins_first = true;
        if text(r("overvoteRule")).as_deref() == Some("exhaustIfMultipleContinuing") {
            g.tied_ranks = count::rules::TiedRanks::ExhaustIfSeveralContinuing;
        }
        if flag(r("batchElimination"), "rules.batchElimination")? {
            g.exclusion.bulk = Threshold::LessThan;
        }
        if flag(
            r("continueUntilTwoCandidatesRemain"),
            "rules.continueUntilTwoCandidatesRemain",
        )? {
            g.completion.continue_until_two = true;
        }
    }
    let tiebreak = text(r("tiebreakMode")).unwrap_or_default();
    rules.ties.chain = match tiebreak.as_str() {
        "random" | "generatePermutation" => vec![TieBreak::Lot],
        "previousRoundCountsThenRandom" => vec![TieBreak::Backward, TieBreak::Lot],
        "usePermutationInConfig" => {
            rules.ties.order_picks = count::rules::OrderPicks::StrongestFirst;
            rules.ties.order = layout.candidates.clone();
            vec![TieBreak::Order]
        }
        "stopCountingAndAsk" | "previousRoundCountsThenAsk" => {
            return Err(refused(
                "rules.tiebreakMode",
                tiebreak,
                "a count asks no one; give the operator's decisions with --tie-order",
            ));
        }
        other => {
            return Err(ConfigError::BadValue {
                option: "rules.tiebreakMode".into(),
                value: other.into(),
                expected: "one of RCTab's tiebreak modes",
            });
        }
    };
    if let Some(seed) = text(r("randomSeed")) {
        // RCTab's seed is a decimal integer; the rules hold a hexadecimal one
        // (the draws are recount's own, not Java's: specs/rctab.md).
        let n: i64 = seed.parse().map_err(|_| ConfigError::BadValue {
            option: "rules.randomSeed".into(),
            value: seed.clone(),
            expected: "a whole number",
        })?;
        rules.ties.seed = Some(format!("{:x}", n as u64));
    }
    rules.name = format!(
        "rctab:{}",
        text(r("rulesDescription")).unwrap_or_else(|| mode.clone())
    );
    rules
        .validate()
        .map_err(|e| ConfigError::Syntax(e.to_string()))?;
    Ok(RctabConfig {
        contest_name: v
            .get("outputSettings")
            .and_then(|o| text(o.get("contestName"))),
        cvr_files,
        format,
        contest,
        layout,
        csv,
        write_in_code,
        codes,
        policy,
        seats,
        withdrawn,
        rules,
    })
}

/// Reads `config` and the CVR on the command line, as `recount count
/// CVR --rctab-config CONFIG` counts them: the base rules (overrides,
/// seeds and tie orders go on top), the input's identity and the election.
///
/// The CVR counted is the one given; the configuration's own `filePath`,
/// when it names a file that exists, must hold the same bytes (a
/// configuration names paths on its author's machine, which seldom
/// resolve elsewhere).
pub fn load(
    config: &Path,
    input: &crate::input::InputArgs,
) -> Result<(Rules, count::transcript::Input, ballot::Election), crate::Failure> {
    use crate::Failure;
    let shown = crate::input::display(config);
    let bytes = std::fs::read(config).map_err(|e| Failure::Io(format!("{shown}: {e}")))?;
    let dir = config.parent().unwrap_or(Path::new("."));
    let c = read(&bytes, dir).map_err(|e| Failure::Input(format!("{shown}: {e}")))?;
    let given = [
        ("--equal-rankings", input.equal_rankings.is_some()),
        ("--skipped-ranks", input.skipped_ranks.is_some()),
        ("--repeated-candidates", input.repeated_candidates.is_some()),
        ("--overvotes", input.overvotes.is_some()),
        ("--max-skipped-ranks", input.max_skipped_ranks.is_some()),
        ("--max-ranks", input.max_ranks.is_some()),
        ("--first-rank-column", input.first_rank_column.is_some()),
        ("--first-row", input.first_row.is_some()),
        ("--input-format", input.input_format.is_some()),
        ("--lenient", input.lenient),
    ];
    if let Some((flag, _)) = given.iter().find(|(_, set)| *set) {
        return Err(Failure::Input(format!(
            "{shown}: the reading options are the configuration's; {flag} is not taken with --rctab-config"
        )));
    }
    if c.cvr_files.len() != 1 {
        return Err(Failure::Input(format!(
            "{shown}: {} CVR files; one is counted at a time",
            c.cvr_files.len()
        )));
    }
    if let Some(seats) = input.seats.filter(|&s| s != c.seats) {
        return Err(Failure::Input(format!(
            "{shown}: numberOfWinners is {}, --seats {seats}",
            c.seats
        )));
    }
    let cvr_shown = crate::input::display(&input.file);
    if let Some(given) = input.contest.as_deref()
        && c.contest.as_deref().is_some_and(|id| id != given)
    {
        return Err(Failure::Input(format!(
            "{shown}: its contestId is {:?}, --contest {given:?}",
            c.contest.as_deref().unwrap_or_default()
        )));
    }
    let (mut election, identity) = if c.format == Format::EssXlsx {
        read_ess(&c, &shown, input)?
    } else {
        read_other(&c, &shown, input)?
    };
    if election.contests().len() > 1 {
        return Err(Failure::Input(format!(
            "{shown}: {cvr_shown} holds {} contests and the configuration's contestId names none of them",
            election.contests().len()
        )));
    }
    let contest = &mut election.contests_mut()[0];
    // Candidates named by code (a Dominion candidate Id) take the
    // configuration's name, as RCTab reports them: the code is looked up
    // in the candidate manifest beside the export.
    if c.format == Format::Csv
        && let Some(label) = &c.write_in_code
        && let Some(k) = contest.find_by_name(label)
    {
        // The cells' write-in label is the undeclared write-ins' pool.
        contest.candidates_mut()[k.index()].attributes.insert(
            ballot::Candidate::WRITE_IN.into(),
            ballot::Candidate::UNDECLARED.into(),
        );
    }
    if c.format == Format::Dominion && (!c.codes.is_empty() || c.write_in_code.is_some()) {
        let manifest = dominion_candidates(&input.file)
            .map_err(|m| Failure::Input(format!("{shown}: {m}")))?;
        for (code, name) in &c.codes {
            let found = manifest.iter().find(|(id, _, _)| id == code);
            let Some(k) = found.and_then(|(_, d, _)| contest.find_by_name(d)) else {
                return Err(Failure::Input(format!(
                    "{shown}: candidate {name:?} has code {code}, which no candidate of {cvr_shown}'s contest has"
                )));
            };
            contest.candidates_mut()[k.index()].name = name.clone();
        }
        if let Some(code) = &c.write_in_code
            && !manifest
                .iter()
                .any(|(id, _, write_in)| id == code && *write_in)
        {
            return Err(Failure::Input(format!(
                "{shown}: undeclaredWriteInLabel {code} is not the Id of a write-in line (Type WriteIn) in {cvr_shown}'s candidate manifest"
            )));
        }
    }
    // RCTab counts only the candidates its configuration lists: one of the
    // CVR's it does not list (the write-in pool aside) is refused.
    if c.format != Format::EssXlsx
        && let Some(listed) = &c.layout.candidates
        && let Some(k) = contest
            .candidates()
            .iter()
            .find(|k| !k.is_undeclared_write_ins() && !listed.contains(&k.name))
    {
        return Err(Failure::Input(format!(
            "{shown}: {cvr_shown} has candidate {:?}, whom the configuration does not list",
            k.name
        )));
    }
    if !c.withdrawn.is_empty() {
        let contest = &mut election.contests_mut()[0];
        let ids: Vec<ballot::CandidateId> = c
            .withdrawn
            .iter()
            .filter_map(|n| contest.find_by_name(n))
            .collect();
        *contest = contest
            .clone()
            .with_withdrawn(ids)
            .map_err(|e| Failure::Input(format!("{shown}: {e}")))?;
    }
    if let Some(name) = c.contest_name {
        election.title = name;
    }
    Ok((c.rules, identity, election))
}

/// The Dominion candidate manifest beside `cvr` (a directory or an
/// export): each entry's `Id`, `Description` and whether its `Type` is a
/// write-in line.
fn dominion_candidates(cvr: &Path) -> Result<Vec<(String, String, bool)>, String> {
    let dir = if cvr.is_dir() {
        cvr.to_path_buf()
    } else {
        cvr.parent().unwrap_or(Path::new("")).to_path_buf()
    };
    let path = dir.join(ballot::dominion::CANDIDATE_MANIFEST);
    let shown = crate::input::display(&path);
    let bytes = std::fs::read(&path).map_err(|e| format!("candidate codes need {shown}: {e}"))?;
    let v: Value = serde_json::from_slice(&bytes).map_err(|e| format!("{shown}: {e}"))?;
    let list = v
        .get("List")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{shown}: no \"List\" of candidates"))?;
    Ok(list
        .iter()
        .map(|e| {
            let write_in = text(e.get("Type")).is_some_and(|t| t.eq_ignore_ascii_case("writein"));
            (
                text(e.get("Id")).unwrap_or_default(),
                text(e.get("Description")).unwrap_or_default(),
                write_in,
            )
        })
        .collect())
}

/// An ES&S sheet, read with the configuration's layout.
fn read_ess(
    c: &RctabConfig,
    config_shown: &str,
    input: &crate::input::InputArgs,
) -> Result<(ballot::Election, count::transcript::Input), crate::Failure> {
    use crate::Failure;
    let shown = crate::input::display(&input.file);
    let cvr = std::fs::read(&input.file).map_err(|e| Failure::Io(format!("{shown}: {e}")))?;
    check_named(c, config_shown, input, Some(&cvr))?;
    let opts = ballot::ReadOptions {
        policy: c.policy,
        seats: Some(c.seats),
        id: input
            .file
            .file_stem()
            .map_or("contest".into(), |s| s.to_string_lossy().into_owned()),
        ..ballot::ReadOptions::default()
    };
    let election = ballot::ess::read_with(&cvr, &opts, &c.layout)
        .map_err(|e| crate::input::input_failure(&input.file, &e))?;
    let identity = count::transcript::Input {
        file: shown,
        bytes: cvr.len() as u64,
        sha256: crate::input::sha256_hex(&cvr),
        format: Format::EssXlsx.name().to_owned(),
    };
    Ok((election, identity))
}

/// A CVR of another provider, read as `recount count CVR --input-format
/// FORMAT` reads it with the configuration's reading options.
fn read_other(
    c: &RctabConfig,
    config_shown: &str,
    input: &crate::input::InputArgs,
) -> Result<(ballot::Election, count::transcript::Input), crate::Failure> {
    let mut args = input.clone();
    args.input_format = Some(c.format);
    args.contest = c.contest.clone().or_else(|| input.contest.clone());
    args.seats = Some(c.seats);
    args.first_rank_column = c.csv.first_rank_column;
    args.first_row = c.csv.first_row;
    args.lenient = false;
    args.equal_rankings = Some(c.policy.equal_rankings);
    args.skipped_ranks = Some(c.policy.skipped_ranks);
    args.repeated_candidates = Some(c.policy.repeated_candidates);
    args.overvotes = Some(c.policy.overvotes);
    args.max_skipped_ranks = c.policy.max_skipped_ranks;
    args.max_ranks = c.policy.max_ranks;
    let file = (!input.file.is_dir())
        .then(|| std::fs::read(&input.file).ok())
        .flatten();
    check_named(c, config_shown, input, file.as_deref())?;
    let streamed = args.stream(false, true)?;
    let election = streamed
        .election
        .map_err(|e| crate::input::input_failure(&input.file, &e))?;
    let id = streamed.id.unwrap_or(crate::input::FileIdentity {
        bytes: 0,
        sha256: String::new(),
    });
    let identity = count::transcript::Input {
        file: crate::input::display(&input.file),
        bytes: id.bytes,
        sha256: id.sha256,
        format: streamed.format.name().to_owned(),
    };
    Ok((election, identity))
}

/// The configuration's own CVR path, when it names a file that exists,
/// must hold the bytes of the one given (`cvr`, a file's; a directory is
/// not compared).
fn check_named(
    c: &RctabConfig,
    shown: &str,
    input: &crate::input::InputArgs,
    cvr: Option<&[u8]>,
) -> Result<(), crate::Failure> {
    if let Some(cvr) = cvr
        && c.cvr_files[0].is_file()
        && let Ok(named) = std::fs::read(&c.cvr_files[0])
        && named != cvr
    {
        return Err(crate::Failure::Input(format!(
            "{shown}: its CVR {} is not the file given, {}",
            crate::input::display(&c.cvr_files[0]),
            crate::input::display(&input.file)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minneapolis() -> Option<(Vec<u8>, PathBuf)> {
        let data = recount_testkit::shared_data()?;
        let dir = data.join("rctab-minneapolis-2013-park");
        Some((
            std::fs::read(dir.join("2013_minneapolis_park_config.json")).unwrap(),
            dir,
        ))
    }

    #[test]
    fn the_minneapolis_configuration_maps_option_by_option() {
        let Some((bytes, dir)) = minneapolis() else {
            return;
        };
        let c = read(&bytes, &dir).unwrap();
        assert_eq!(
            c.contest_name.as_deref(),
            Some("2013 Minneapolis Park Board")
        );
        assert_eq!(c.seats, 3);
        assert_eq!(
            c.cvr_files,
            [dir.join("../_shared/2013_minneapolis_park_cvr.xlsx")]
        );
        assert_eq!(c.layout.write_in, "UWI");
        assert_eq!(c.layout.first_choice_column, Some(2));
        assert_eq!(c.layout.max_ranks, Some(3));
        assert_eq!(c.layout.candidates.as_ref().map(Vec::len), Some(10));
        assert_eq!(c.policy.overvotes, Overvotes::SkipRank);
        assert_eq!(c.policy.max_skipped_ranks, Some(2));
        assert_eq!(c.policy.repeated_candidates, RepeatedCandidates::KeepFirst);
        assert_eq!(c.rules.arithmetic, Arithmetic::Fixed { places: 4 });
        assert_eq!(c.rules.ties.chain, [TieBreak::Lot]);
        assert_eq!(c.rules.ties.seed.as_deref(), Some("0"));
        assert_eq!(c.rules.name, "rctab:Minneapolis Rules");
        assert!(
            c.rules
                .gregory()
                .unwrap()
                .exclusion
                .undeclared_write_ins_first
        );
    }

    #[test]
    fn options_recount_cannot_honour_are_refused_by_name() {
        let Some((bytes, dir)) = minneapolis() else {
            return;
        };
        let base: Value = serde_json::from_slice(&bytes).unwrap();
        let with = |path: &[&str], value: Value| {
            let mut v = base.clone();
            let mut at = &mut v;
            for p in &path[..path.len() - 1] {
                at = if let Ok(i) = p.parse::<usize>() {
                    &mut at[i]
                } else {
                    &mut at[*p]
                };
            }
            at[path[path.len() - 1]] = value;
            read(&serde_json::to_vec(&v).unwrap(), &dir)
                .unwrap_err()
                .to_string()
        };
        let e = with(&["rules", "tiebreakMode"], "stopCountingAndAsk".into());
        assert!(
            e.starts_with("rules.tiebreakMode stopCountingAndAsk: not supported"),
            "{e}"
        );
        let e = with(&["rules", "winnerElectionMode"], "bottomsUp".into());
        assert!(
            e.starts_with("rules.winnerElectionMode bottomsUp: not supported"),
            "{e}"
        );
        let e = with(&["rules", "minimumVoteThreshold"], "10".into());
        assert!(
            e.starts_with("rules.minimumVoteThreshold 10: not supported"),
            "{e}"
        );
        let e = with(&["cvrFileSources", "0", "provider"], "punchcard".into());
        assert!(
            e.starts_with("cvrFileSources[0].provider punchcard: expected"),
            "{e}"
        );
        let e = with(&["rules", "overvoteRule"], "sometimes".into());
        assert!(
            e.starts_with("rules.overvoteRule sometimes: expected"),
            "{e}"
        );
        let e = with(&["rules", "stopTabulationEarlyAfterRound"], "3".into());
        assert!(e.contains("not supported"), "{e}");
    }

    #[test]
    fn counting_options_become_rules_values() {
        let Some((bytes, dir)) = minneapolis() else {
            return;
        };
        let mut v: Value = serde_json::from_slice(&bytes).unwrap();
        v["rules"]["hareQuota"] = true.into();
        v["rules"]["batchElimination"] = true.into();
        v["rules"]["nonIntegerWinningThreshold"] = true.into();
        v["rules"]["tiebreakMode"] = "previousRoundCountsThenRandom".into();
        v["rules"]["randomSeed"] = "255".into();
        let c = read(&serde_json::to_vec(&v).unwrap(), &dir).unwrap();
        assert_eq!(c.rules.quota.divisor, QuotaDivisor::Seats);
        assert_eq!(c.rules.quota.increment, QuotaIncrement::Unit { places: 4 });
        assert_eq!(c.rules.ties.chain, [TieBreak::Backward, TieBreak::Lot]);
        assert_eq!(c.rules.ties.seed.as_deref(), Some("ff"));
        let g = c.rules.gregory().unwrap();
        assert_eq!(g.exclusion.bulk, Threshold::LessThan);
        v["rules"]["winnerElectionMode"] = "singleWinnerMajority".into();
        v["rules"]["continueUntilTwoCandidatesRemain"] = true.into();
        let c = read(&serde_json::to_vec(&v).unwrap(), &dir).unwrap();
        assert!(c.rules.gregory().unwrap().completion.continue_until_two);
        assert_eq!(c.rules.election.criterion, count::rules::Criterion::Exceeds);
    }
}
