//! Rules as data: one [`Rules`] value says everything a count does
//! differently from another, and a preset is a named value of it.
//!
//! Owns the rule variants: the options every method shares (this module),
//! those of a family ([`gregory`], [`iterative`]: a `Rules` holds exactly
//! one family's, so it cannot carry an option its method never reads), the
//! one table of presets ([`presets`]), the checks that options fit together
//! ([`validate`]) and rules files with `--set` overrides ([`file`]). The
//! engines read these fields and nothing else; the numbers they use are in
//! `numbers.rs`. Each field's doc cites the clause it encodes; the presets
//! are written up in `specs/rules/<preset>.md` and the file format in
//! `specs/rules/README.md`. Clause numbers: SSI 2007/42 Sch. 1 (Scottish
//! local government elections, rules 45–52), ERS97 = Electoral Reform
//! Society, "How to conduct an election by the Single Transferable Vote",
//! 3rd ed. (1997), PRF = Proportional Representation Foundation reference
//! rules.

use serde::{Deserialize, Serialize};

pub mod file;
pub mod gregory;
pub mod iterative;
pub mod presets;
pub mod validate;

pub use crate::numbers::{RoundMode, Rounding};
pub use file::RulesFileError;
pub use gregory::*;
pub use iterative::*;
pub use presets::{PRESETS, Preset};
pub use validate::RulesError;

/// Every option of a count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// The preset's name (or a user's name for a variant).
    pub name: String,
    /// The arithmetic votes are held in.
    pub arithmetic: Arithmetic,
    /// Decimal places written in transcripts (truncated).
    pub display_places: u32,
    /// How the quota is found from the votes it divides (which votes, and
    /// when it is found again, belong to the method family).
    pub quota: Quota,
    /// When a candidate is deemed elected.
    pub election: ElectionTest,
    /// How ties are broken.
    pub ties: Ties,
    /// How a contest's representation constraints are met, when it has any
    /// (`specs/constraints.md`); a contest without constraints is counted
    /// the same under every method.
    #[serde(default)]
    pub constraint_method: ConstraintMethod,
    /// Candidates who hold no votes when the lowest must go
    /// (`specs/rules/README.md`, "Candidates with no votes").
    #[serde(default)]
    pub candidates_without_votes: WithoutVotes,
    /// The method family and the options only it reads.
    pub method: Method,
    /// How the seats are filled: by one count (STV), or by one single-seat
    /// count a seat, earlier winners withdrawn (sequential IRV).
    #[serde(default, skip_serializing_if = "Passes::is_one")]
    pub passes: Passes,
}

/// How a contest's seats are filled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Passes {
    /// One count fills every seat.
    #[default]
    One,
    /// One count a seat, each for one seat with the winners of the
    /// passes before withdrawn (their preferences skipped): sequential
    /// multi-winner IRV (RCTab's `multiPassIrv`). Each pass is its own
    /// record in the transcript; constraints are refused.
    OnePerSeat,
}

impl Passes {
    /// True for [`Passes::One`] (left out of rules files).
    pub fn is_one(&self) -> bool {
        *self == Passes::One
    }
}

/// The two families of STV method, each with the options only it reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Method {
    /// Gregory methods: papers move in parcels at a transfer value (SSI
    /// 2007/42, ERS97, PRF WIGM).
    Gregory(Gregory),
    /// Iterative methods: every paper is distributed again from scratch
    /// each round with the candidates' keep values (Meek, Warren).
    Iterative(Iterative),
}

impl Rules {
    /// The Gregory options, when the rule is of that family.
    pub fn gregory(&self) -> Option<&Gregory> {
        match &self.method {
            Method::Gregory(g) => Some(g),
            Method::Iterative(_) => None,
        }
    }

    /// The Gregory options, mutably, when the rule is of that family.
    pub fn gregory_mut(&mut self) -> Option<&mut Gregory> {
        match &mut self.method {
            Method::Gregory(g) => Some(g),
            Method::Iterative(_) => None,
        }
    }

    /// The iterative options, when the rule is of that family.
    pub fn iterative(&self) -> Option<&Iterative> {
        match &self.method {
            Method::Iterative(it) => Some(it),
            Method::Gregory(_) => None,
        }
    }

    /// The iterative options, mutably, when the rule is of that family.
    pub fn iterative_mut(&mut self) -> Option<&mut Iterative> {
        match &mut self.method {
            Method::Iterative(it) => Some(it),
            Method::Gregory(_) => None,
        }
    }

    /// The preset of this name, in any letter case ([`Preset::find`]); its
    /// rules record the canonical lowercase name.
    pub fn preset(name: &str) -> Option<Rules> {
        presets::by_name(name)
    }

    /// The presets: (name, one-line description, spec file).
    pub fn presets() -> Vec<(&'static str, &'static str, &'static str)> {
        PRESETS
            .iter()
            .map(|p| (p.name, p.description, p.spec))
            .collect()
    }

    /// The places the arithmetic holds, if fixed.
    pub fn fixed_places(&self) -> Option<u32> {
        match self.arithmetic {
            Arithmetic::Fixed { places } => Some(places),
            Arithmetic::Rational => None,
        }
    }

    /// Checks that the options fit together; the error names the field.
    pub fn validate(&self) -> Result<(), RulesError> {
        validate::validate(self)
    }
}

/// What a count does when two or more of the lowest continuing candidates
/// hold no votes and no earlier stage separates them.
///
/// Every rule book here excludes one candidate at a time, bulk exclusions
/// apart (SSI 2007/42 r.50, ERS97 5.2.5, NZ Sch. 1A, PRF B.3). A candidate with no votes holds
/// no papers, so excluding one changes no total, and with no surplus
/// waiting and no constraint in force nothing else can happen before the
/// next lowest, another of them, goes: the stages that follow differ only in
/// their numbers. Taking them in one stage gives the same totals, the same
/// elected and the same decisions of the tie chain, lot draws included
/// (each drawn as one-at-a-time exclusions would draw it), and keeps the
/// cost of a count bounded by its input (`specs/limits.md`): a ballot file
/// declaring 65,535 candidates with no papers would otherwise need
/// 65,535 stages of 65,535 totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WithoutVotes {
    /// Excluded in one stage, recorded with reason `no-votes` and one tie
    /// decision for the run (`specs/transcript.md`).
    #[default]
    Together,
    /// One a stage, as the rule books lay out their sheets (to compare with
    /// a sheet that shows each; its cost grows with candidates × stages).
    OneAtATime,
}

/// The method that meets representation constraints (`specs/constraints.md`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConstraintMethod {
    /// Grey–Fitzgerald (RULES.md §7a; OpenTally's default): after every
    /// election or exclusion, candidates who must be elected for a
    /// conformant result are guarded (never excluded), and those who cannot
    /// be are doomed (never elected, excluded at the next opportunity).
    #[default]
    GuardDoom,
    /// Reserved places filled by separate counts (RULES.md §7b, NUS "Fair
    /// Representation"): for each minimum in order, a count among the
    /// group's members only for the places it still lacks, then an open
    /// count for the rest; the doomed are not eligible (specs/constraints.md
    /// §5a). Each count is its own record in the transcript.
    ReservedPlaces,
    /// Post-hoc substitution (RULES.md §7b): count without constraints,
    /// then while a constraint is unmet swap the latest-elected candidate
    /// on the wrong side of it for the best-placed runner-up on the right
    /// side (specs/constraints.md §5b). Simple, but not STV-consistent.
    Substitution,
}

impl ballot::Choice for ConstraintMethod {
    const CHOICES: &'static [(Self, &'static str, &'static str)] = &[
        (
            ConstraintMethod::GuardDoom,
            "guard-doom",
            "Grey–Fitzgerald guard/doom during the count",
        ),
        (
            ConstraintMethod::ReservedPlaces,
            "reserved-places",
            "Reserved places filled by separate counts, then an open count",
        ),
        (
            ConstraintMethod::Substitution,
            "substitution",
            "Substitution of the lowest elected after an unconstrained count",
        ),
    ];
}

/// The arithmetic of a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Arithmetic {
    /// Fixed-point decimals with this many places (scaled integers). SSI
    /// 2007/42 r.48(3): "to five decimal places"; ERS97 5.1.6: two places.
    Fixed {
        /// Decimal places held.
        places: u32,
    },
    /// Exact fractions of big integers.
    Rational,
}

/// The quota: the votes it divides (chosen by the method family) ÷ the
/// divisor, rounded, plus the increment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// What the votes are divided by. Droop: "a number exceeding by one the
    /// number of councillors to be elected" (SSI 2007/42 r.46(1)).
    pub divisor: QuotaDivisor,
    /// How the division is rounded: r.46(2) "ignoring any decimal places"
    /// (truncate to 0); ERS97 5.1.6 "to two decimal places … if not exact,
    /// drop the remainder and add 0.01" (up to 2).
    pub rounding: Rounding,
    /// What is added after rounding: r.46(2) "increased by one"; PRF WIGM A.1
    /// "plus 0.0001".
    pub increment: QuotaIncrement,
}

/// The quota's divisor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QuotaDivisor {
    /// Seats + 1 (Droop, Hagenbach-Bischoff).
    SeatsPlusOne,
    /// Seats (Hare).
    Seats,
}

/// What is added to the rounded quotient.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "add", rename_all = "kebab-case", deny_unknown_fields)]
pub enum QuotaIncrement {
    /// Nothing (exact Droop with a strict criterion; ERS97).
    Nothing,
    /// One whole vote (SSI 2007/42 r.46(2) "increased by one").
    One,
    /// One unit in the last of `places` places (PRF WIGM A.1 "plus 0.0001").
    Unit {
        /// The places of the unit.
        places: u32,
    },
}

/// When a candidate is deemed elected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectionTest {
    /// r.47(1): "equals or exceeds the quota" (at least); exact Droop
    /// quotas need "exceeds".
    pub criterion: Criterion,
    /// More candidates reach the quota than places remain and the last place
    /// falls among candidates with equal votes: the tie chain decides
    /// (lot included), or (ERS97 5.6.2) only earlier stages may separate
    /// them, and if they cannot, "none of them is deemed elected at that stage".
    pub unseparated_at_last_place: UnseparatedTie,
}

/// An election tie for the last place(s) that earlier stages do not separate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum UnseparatedTie {
    /// The whole tie chain decides (lot included).
    Chain,
    /// None of them is elected at that stage (ERS97 5.6.2).
    NoneElected,
}

/// How votes compare with the quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Criterion {
    /// Votes ≥ quota.
    AtLeast,
    /// Votes > quota.
    Exceeds,
}

/// Tie-breaking.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ties {
    /// Methods tried in turn; each narrows the tied set or decides it.
    pub chain: Vec<TieBreak>,
    /// How ties of three or more use earlier stages.
    pub multiway: Multiway,
    /// An explicit order, strongest first, by candidate name, for every
    /// contest that has no order of its own below; when absent, the
    /// contest's own order (a BLT `[tie]` line), else ballot-paper order.
    /// Candidates left out rank after those listed, in ballot-paper order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Vec<String>>,
    /// Explicit orders for named contests (by contest id), as `order`.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub order_by_contest: std::collections::BTreeMap<String, Vec<String>>,
    /// What the explicit order picks.
    pub order_picks: OrderPicks,
    /// The seed of the lot (hex, up to 64 digits), recorded so that a lot
    /// can be drawn again. A count that needs a lot and has none uses 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
}

/// One tie-breaking method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TieBreak {
    /// Votes at the end of the most recent preceding stage at which they
    /// were unequal (SSI r.49(2), r.51(2)(a)). Whole stages only.
    Backward,
    /// Votes at the first stage or the earliest point, after the transfer of
    /// a batch, at which they were unequal (ERS97 5.2.3, 5.4.4, 5.6.2).
    /// Sub-stage points count.
    Forward,
    /// The explicit order.
    Order,
    /// Lot: a draw from the ChaCha20 stream of [`Ties::seed`] (SSI r.49(3),
    /// r.51(2)(b)).
    Lot,
}

/// How a look at earlier stages treats three or more tied candidates
/// (RULES.md §10.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Multiway {
    /// At the first stage looked at where not all are equal, keep those
    /// with the lowest (exclusion) or highest (otherwise) votes; if several
    /// remain, keep looking with them (OpenSTV's narrowing).
    Narrow,
    /// Look for a stage where one candidate alone is lowest (or highest)
    /// among the whole tied set (Droop's reading).
    UniqueExtreme,
    /// Look for a stage where all tied candidates had different votes.
    AllDifferent,
}

/// What the explicit order picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrderPicks {
    /// The order ranks strongest first: the last is excluded, the first is
    /// elected or transferred first.
    StrongestFirst,
    /// The earliest in the order is chosen whatever the purpose (PRF WIGM
    /// D.1 "choose the tied candidate who is earliest in a predetermined
    /// random tiebreaking order").
    EarliestChosen,
}

/// The 32 bytes of a hex seed, left-aligned and zero-padded.
pub fn seed_bytes(seed: &str) -> Result<[u8; 32], String> {
    let hex = seed.strip_prefix("0x").unwrap_or(seed);
    if hex.is_empty() || hex.len() > 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!(
            "seed {seed:?}: expected 1 to 64 hexadecimal digits"
        ));
    }
    let mut out = [0u8; 32];
    let digits: Vec<u8> = hex
        .bytes()
        .map(|b| (b as char).to_digit(16).unwrap_or(0) as u8)
        .collect();
    for (i, pair) in digits.chunks(2).enumerate() {
        out[i] = (pair[0] << 4) | pair.get(1).copied().unwrap_or(0);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_preset_exists_validates_and_round_trips_through_a_rules_file() {
        for (name, description, spec) in Rules::presets() {
            let rules = Rules::preset(name).expect(name);
            assert_eq!(rules.name, name);
            assert!(!description.is_empty());
            assert!(spec.ends_with(&format!("{name}.md")));
            rules.validate().expect(name);
            let json = serde_json::to_string_pretty(&rules).unwrap();
            assert_eq!(Rules::from_json(&json).unwrap(), rules);
        }
        assert!(Rules::preset("no-such-rules").is_none());
    }

    #[test]
    fn scottish_stv_encodes_ssi_2007_42_rules_45_to_52() {
        let r = Rules::scottish_stv();
        let g = r.gregory().expect("a Gregory rule");
        // r.46: ⌊V/(S+1)⌋ + 1, never recomputed.
        assert_eq!(r.quota.rounding, Rounding::truncate(0));
        assert_eq!(r.quota.increment, QuotaIncrement::One);
        assert_eq!(g.quota.recompute, QuotaRecompute::Never);
        // r.47: equals or exceeds.
        assert_eq!(r.election.criterion, Criterion::AtLeast);
        // r.48(3): A/B to five places, remainder ignored, B = all votes.
        assert_eq!(g.surplus.transfer_value.rounding, Rounding::truncate(5));
        assert_eq!(g.surplus.papers, WhichPapers::All);
        assert_eq!(g.surplus.method, SurplusMethod::WeightedInclusive);
        // r.49, r.51: backward, then lot; no deferral; one exclusion, all at once.
        assert_eq!(r.ties.chain, vec![TieBreak::Backward, TieBreak::Lot]);
        assert_eq!(g.surplus.deferral, Threshold::Never);
        assert_eq!(g.exclusion.bulk, Threshold::Never);
        assert_eq!(g.exclusion.parcels, ExclusionParcels::AllAtOnce);
    }

    #[test]
    fn validation_refuses_more_places_than_the_arithmetic_holds_naming_the_field() {
        let bad = Rules {
            arithmetic: Arithmetic::Fixed { places: 2 },
            ..Rules::scottish_stv()
        };
        assert_eq!(
            bad.validate(),
            Err(RulesError::FinerThanArithmetic {
                field: "method.gregory.surplus.transfer_value.rounding.places",
                places: 5,
                held: 2
            })
        );
        let mut bad_seed = Rules::scottish_stv();
        bad_seed.ties.seed = Some("xyz".into());
        assert_eq!(bad_seed.validate(), Err(RulesError::BadSeed("xyz".into())));
        let mut meek = Rules::meek();
        meek.arithmetic = Arithmetic::Fixed { places: 5 };
        meek.quota.rounding = Rounding::truncate(5);
        meek.quota.increment = QuotaIncrement::Unit { places: 5 };
        assert!(matches!(
            meek.validate(),
            Err(RulesError::FinerThanArithmetic {
                field: "method.iterative.keep_rounding.places",
                ..
            })
        ));
    }

    #[test]
    fn an_omega_finer_than_the_arithmetic_would_be_zero_and_is_refused() {
        let mut r = Rules::meek();
        r.iterative_mut().unwrap().convergence.omega_places = 12;
        assert!(
            r.validate()
                .unwrap_err()
                .to_string()
                .contains("omega_places")
        );
    }

    #[test]
    fn constraint_method_names_are_the_rules_format_names() {
        use ballot::Choice;
        for (m, name, _) in ConstraintMethod::CHOICES {
            assert_eq!(ConstraintMethod::from_name(name), Some(*m));
            assert_eq!(serde_json::to_value(m).unwrap(), *name);
        }
        assert_eq!(ConstraintMethod::from_name("guard"), None);
    }

    #[test]
    fn seeds_are_left_aligned_hex() {
        let s = seed_bytes("0xabc").unwrap();
        assert_eq!(&s[..3], &[0xab, 0xc0, 0]);
        assert!(seed_bytes(&"f".repeat(65)).is_err());
        assert!(seed_bytes("").is_err());
    }

    /// The key path of a refused rules file.
    fn refused_at(json: &str) -> (String, String) {
        match Rules::from_json(json) {
            Err(RulesFileError::Key { path, message, .. }) => (path, message),
            other => panic!("expected a key error, got {other:?}"),
        }
    }

    fn preset_json(name: &str) -> serde_json::Value {
        serde_json::to_value(Rules::preset(name).unwrap()).unwrap()
    }

    #[test]
    fn a_misspelt_key_is_refused_with_its_path_and_the_valid_keys() {
        let mut v = preset_json("scottish-stv");
        let surplus = &mut v["method"]["gregory"]["surplus"];
        let order = surplus.as_object_mut().unwrap().remove("order").unwrap();
        surplus["ordre"] = order;
        let (path, message) = refused_at(&v.to_string());
        assert_eq!(path, "method.gregory.surplus.ordre");
        assert!(message.contains("unknown field `ordre`"), "{message}");
        assert!(message.contains("`order`"), "{message}");
    }

    #[test]
    fn an_option_of_the_other_family_is_refused() {
        // A Gregory surplus method inside Meek's options.
        let mut v = preset_json("meek");
        v["method"]["iterative"]["surplus"] =
            preset_json("wigm")["method"]["gregory"]["surplus"].clone();
        let (path, message) = refused_at(&v.to_string());
        assert_eq!(path, "method.iterative.surplus");
        assert!(message.contains("unknown field `surplus`"), "{message}");
        // The old flat layout's Gregory fields at the top level.
        let mut v = preset_json("meek");
        v["surplus"] = serde_json::json!({});
        let (_, message) = refused_at(&v.to_string());
        assert!(message.contains("unknown field `surplus`"), "{message}");
    }

    #[test]
    fn a_value_out_of_range_is_refused_with_its_path() {
        let mut v = preset_json("wigm");
        v["quota"]["divisor"] = "seats-plus-two".into();
        let (path, message) = refused_at(&v.to_string());
        assert_eq!(path, "quota.divisor");
        assert!(message.contains("seats-plus-one"), "{message}");
        let mut v = preset_json("wigm");
        v["display_places"] = (-1).into();
        assert_eq!(refused_at(&v.to_string()).0, "display_places");
    }

    #[test]
    fn a_rules_file_that_is_not_json_names_its_line() {
        let err = Rules::from_json("{\n  \"name\": \"x\",\n  oops\n}").unwrap_err();
        assert!(
            matches!(err, RulesFileError::Syntax { line: 3, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn overrides_set_one_option_by_its_key_path() {
        let r = Rules::scottish_stv()
            .with_override("quota.divisor=seats")
            .unwrap()
            .with_override("method.gregory.surplus.transfer_value.rounding.places=4")
            .unwrap()
            .with_override("ties.chain=forward,lot")
            .unwrap()
            .with_override("ties.seed=\"0xab\"")
            .unwrap();
        assert_eq!(r.quota.divisor, QuotaDivisor::Seats);
        assert_eq!(
            r.gregory().unwrap().surplus.transfer_value.rounding,
            Rounding::truncate(4)
        );
        assert_eq!(r.ties.chain, vec![TieBreak::Forward, TieBreak::Lot]);
        assert_eq!(r.ties.seed.as_deref(), Some("0xab"));
        assert_eq!(
            r.name,
            "scottish-stv+quota.divisor=seats+method.gregory.surplus.transfer_value.rounding.places=4\
             +ties.chain=forward,lot+ties.seed=\"0xab\""
        );
        assert_eq!(r.with_override("name=mine").unwrap().name, "mine");
        let r = r.with_override("ties.seed=null").unwrap();
        assert_eq!(r.ties.seed, None);
        let r = Rules::meek()
            .with_override("method.iterative.kind=warren")
            .unwrap();
        assert_eq!(r.iterative().unwrap().kind, IterativeMethod::Warren);
    }

    #[test]
    fn bad_overrides_are_refused_naming_the_key() {
        let err = |given: &str| Rules::scottish_stv().with_override(given).unwrap_err();
        let e = err("quota.divisr=seats");
        assert!(e.to_string().contains("unknown field `divisr`"), "{e}");
        assert!(e.to_string().contains("quota"), "{e}");
        let e = err("method.iterative.kind=warren");
        assert!(
            e.to_string().contains("method has no option \"iterative\""),
            "{e}"
        );
        let e = err("quota.divisor=sixty");
        assert!(e.to_string().contains("quota.divisor"), "{e}");
        let e = err("no-equals-sign");
        assert!(e.to_string().contains("PATH=VALUE"), "{e}");
        let e = err("arithmetic.places=2");
        assert!(
            matches!(
                e,
                RulesFileError::Invalid(RulesError::FinerThanArithmetic { .. })
            ),
            "{e:?}"
        );
        let e = err("ties.chain.7=lot");
        assert!(e.to_string().contains("not an index"), "{e}");
    }
}
