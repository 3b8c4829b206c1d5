//! The presets: one table of named [`Rules`] values, each written up with
//! its clause references in `specs/rules/<name>.md`.
//!
//! Every Gregory preset starts from Scottish STV's choices, the plainest
//! (WIGM, integer Droop quota, one exclusion, backward ties); every
//! iterative preset starts from the PR Foundation's reference Meek rule.

use super::*;

/// A named preset.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// Its name, as given to `--rules`.
    pub name: &'static str,
    /// One line saying what it is.
    pub description: &'static str,
    /// Its write-up, relative to the project root.
    pub spec: &'static str,
    /// Its rules.
    pub rules: fn() -> Rules,
    /// Whether it is a rule for one seat only (IRV): on several seats its
    /// count means nothing, and tools refuse it there.
    pub single_winner: bool,
}

/// The presets, in the order `recount rules` lists them.
pub const PRESETS: [Preset; 11] = [
    Preset {
        name: "scottish-stv",
        description: "Scottish local government STV, SSI 2007/42 Sch. 1 rules 45-52 (WIGM, 5 dp, truncation)",
        spec: "specs/rules/scottish-stv.md",
        rules: Rules::scottish_stv,
        single_winner: false,
    },
    Preset {
        name: "ers97",
        description: "ERS 1997 hand-count rules: 2-dp quota, last batch, deferral, bulk exclusion, sub-stages",
        spec: "specs/rules/ers97.md",
        rules: Rules::ers97,
        single_winner: false,
    },
    Preset {
        name: "wigm",
        description: "PR Foundation reference WIGM (single defeat), 4 dp truncated after every operation",
        spec: "specs/rules/wigm.md",
        rules: Rules::wigm,
        single_winner: false,
    },
    Preset {
        name: "uig",
        description: "Unweighted inclusive Gregory: all papers at surplus / papers, 5 dp truncated",
        spec: "specs/rules/uig.md",
        rules: Rules::uig,
        single_winner: false,
    },
    Preset {
        name: "egm",
        description: "Exclusive Gregory (last parcel, transferable papers), 5 dp, exclusion by value",
        spec: "specs/rules/egm.md",
        rules: Rules::egm,
        single_winner: false,
    },
    Preset {
        name: "minneapolis",
        description: "Minneapolis multi-seat STV, Code ch. 167: 4 dp, elected at transfer, batch elimination first",
        spec: "specs/rules/minneapolis.md",
        rules: Rules::minneapolis,
        single_winner: false,
    },
    Preset {
        name: "irv",
        description: "Instant runoff: elected on a majority of continuing votes, one exclusion a stage",
        spec: "specs/rules/irv.md",
        rules: Rules::irv,
        single_winner: true,
    },
    Preset {
        name: "meek",
        description: "PR Foundation reference Meek (Hill 2006): 9 dp, keep values rounded up, omega 0.000001",
        spec: "specs/rules/meek.md",
        rules: Rules::meek,
        single_winner: false,
    },
    Preset {
        name: "nz-meek",
        description: "New Zealand Meek, Local Electoral Regulations 2001 Sch. 1A (9 dp, text's rounding, AAFD ties)",
        spec: "specs/rules/nz-meek.md",
        rules: Rules::nz_meek,
        single_winner: false,
    },
    Preset {
        name: "warren",
        description: "Warren STV: Meek with keep = min(kf, w), a price; PRF Meek's arithmetic otherwise",
        spec: "specs/rules/warren.md",
        rules: Rules::warren,
        single_winner: false,
    },
    Preset {
        name: "meek-exact",
        description: "Meek in exact rationals (keep values to 18 dp), exact Droop quota, elected on exceeding it, omega 10^-10",
        spec: "specs/rules/meek-exact.md",
        rules: Rules::meek_exact,
        single_winner: false,
    },
];

/// The preset of this name, in any letter case.
pub(super) fn by_name(name: &str) -> Option<Rules> {
    Preset::find(name).map(|p| (p.rules)())
}

impl Preset {
    /// The preset of this name, ignoring ASCII letter case
    /// (`SCOTTISH-STV` is `scottish-stv`); its [`Preset::name`] is the
    /// canonical lowercase name, the one its rules record.
    pub fn find(name: &str) -> Option<&'static Preset> {
        PRESETS.iter().find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// The presets whose names are nearest `name` (a misspelling of one),
    /// nearest first: those within an edit distance of 2, or of a third of
    /// the name's length if that is more, letter case ignored. Empty when
    /// none is that near.
    ///
    /// ```
    /// use count::rules::Preset;
    /// assert_eq!(Preset::closest("scotish-stv"), ["scottish-stv"]);
    /// assert_eq!(Preset::closest("MEEK-EXACT"), ["meek-exact"]);
    /// assert!(Preset::closest("hare-clark-tasmania").is_empty());
    /// ```
    pub fn closest(name: &str) -> Vec<&'static str> {
        let name = name.to_ascii_lowercase();
        let limit = (name.chars().count() / 3).max(2);
        let mut near: Vec<(usize, &'static str)> = PRESETS
            .iter()
            .map(|p| (edit_distance(&name, p.name), p.name))
            .filter(|&(d, _)| d <= limit)
            .collect();
        near.sort_by_key(|&(d, _)| d);
        let best = near.first().map(|&(d, _)| d);
        near.into_iter()
            .filter(|&(d, _)| Some(d) == best)
            .map(|(_, n)| n)
            .collect()
    }
}

/// Levenshtein distance between two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == *cb {
                diagonal
            } else {
                1 + diagonal.min(above).min(row[j])
            };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Scottish STV's Gregory options (SSI 2007/42 rr.46–52), the base of the
/// other Gregory presets.
fn ssi_gregory() -> Gregory {
    Gregory {
        // r.46: computed once, from the valid votes.
        quota: GregoryQuota {
            votes: QuotaVotes::Valid,
            recompute: QuotaRecompute::Never,
        },
        active_vote_threshold: None,
        surplus: Surplus {
            method: SurplusMethod::WeightedInclusive,
            papers: WhichPapers::All,
            transfer_value: TransferValue {
                rounding: Rounding::truncate(5),
                steps: TvSteps::Single,
                cap_at_value: false,
            },
            loss: LossShown::Separate,
            order: SurplusOrder::Largest,
            deferral: Threshold::Never,
            zero_surplus: ZeroSurplus::Skip,
            receive_until_transferred: false,
        },
        exclusion: Exclusion {
            bulk: Threshold::Never,
            sure_losers: None,
            undeclared_write_ins_first: false,
            parcels: ExclusionParcels::AllAtOnce,
        },
        completion: Completion {
            last_vacancies: LastVacancies::BetweenStages,
            continue_until_two: false,
        },
        tied_ranks: TiedRanks::Refuse,
    }
}

/// The tie chain of SSI 2007/42 r.49(2)–(3), r.51(2): backward, then lot.
fn ssi_ties() -> Ties {
    Ties {
        chain: vec![TieBreak::Backward, TieBreak::Lot],
        multiway: Multiway::Narrow,
        order: None,
        order_by_contest: Default::default(),
        order_picks: OrderPicks::StrongestFirst,
        seed: None,
    }
}

/// The options a Gregory variant changes, on the Scottish base.
fn on_ssi(name: &str, change: impl FnOnce(&mut Rules, &mut Gregory)) -> Rules {
    let mut rules = Rules::scottish_stv();
    rules.name = name.into();
    let mut g = ssi_gregory();
    change(&mut rules, &mut g);
    rules.method = Method::Gregory(g);
    rules
}

/// The options an iterative variant changes, on the PRF Meek base.
fn on_meek(name: &str, change: impl FnOnce(&mut Rules, &mut Iterative)) -> Rules {
    let mut rules = Rules::meek();
    rules.name = name.into();
    let Method::Iterative(mut it) = rules.method.clone() else {
        unreachable!("meek() is iterative")
    };
    change(&mut rules, &mut it);
    rules.method = Method::Iterative(it);
    rules
}

impl Rules {
    /// SSI 2007/42 Sch. 1 rr. 45–52 (= SSI 2011/399 rr. 46–53).
    pub fn scottish_stv() -> Rules {
        Rules {
            name: "scottish-stv".into(),
            arithmetic: Arithmetic::Fixed { places: 5 },
            display_places: 5,
            // r.46(2): ⌊V/(S+1)⌋ "ignoring any decimal places", "increased by one".
            quota: Quota {
                divisor: QuotaDivisor::SeatsPlusOne,
                rounding: Rounding::truncate(0),
                increment: QuotaIncrement::One,
            },
            // r.47(1): "equals or exceeds the quota".
            election: ElectionTest {
                criterion: Criterion::AtLeast,
                unseparated_at_last_place: UnseparatedTie::Chain,
            },
            ties: ssi_ties(),
            constraint_method: ConstraintMethod::GuardDoom,
            candidates_without_votes: WithoutVotes::Together,
            method: Method::Gregory(ssi_gregory()),
            passes: Passes::One,
        }
    }

    /// ERS97.
    pub fn ers97() -> Rules {
        on_ssi("ers97", |r, g| {
            r.arithmetic = Arithmetic::Fixed { places: 2 };
            r.display_places = 2;
            r.quota = Quota {
                divisor: QuotaDivisor::SeatsPlusOne,
                rounding: Rounding::up(2),
                increment: QuotaIncrement::Nothing,
            };
            r.election.unseparated_at_last_place = UnseparatedTie::NoneElected;
            r.ties.chain = vec![TieBreak::Forward, TieBreak::Lot];
            *g = Gregory {
                quota: GregoryQuota {
                    votes: QuotaVotes::Active,
                    recompute: QuotaRecompute::UntilFirstElection,
                },
                active_vote_threshold: Some(Rounding::up(2)),
                surplus: Surplus {
                    method: SurplusMethod::LastParcel,
                    papers: WhichPapers::TransferableOnly,
                    transfer_value: TransferValue {
                        rounding: Rounding::truncate(2),
                        steps: TvSteps::Single,
                        cap_at_value: true,
                    },
                    loss: LossShown::NonTransferable,
                    order: SurplusOrder::Largest,
                    deferral: Threshold::NotExceeding,
                    zero_surplus: ZeroSurplus::Skip,
                    receive_until_transferred: false,
                },
                exclusion: Exclusion {
                    bulk: Threshold::NotExceeding,
                    sure_losers: None,
                    undeclared_write_ins_first: false,
                    parcels: ExclusionParcels::ByValueDescending,
                },
                completion: Completion {
                    last_vacancies: LastVacancies::OnProposedExclusion,
                    continue_until_two: false,
                },
                tied_ranks: TiedRanks::Refuse,
            };
        })
    }

    /// The PR Foundation's reference WIGM (single defeat), as Droop's `wigm-prf`.
    pub fn wigm() -> Rules {
        on_ssi("wigm", |r, g| {
            r.arithmetic = Arithmetic::Fixed { places: 4 };
            r.display_places = 4;
            r.quota.rounding = Rounding::truncate(4);
            r.quota.increment = QuotaIncrement::Unit { places: 4 };
            r.ties.chain = vec![TieBreak::Order];
            r.ties.order_picks = OrderPicks::EarliestChosen;
            g.surplus.transfer_value = TransferValue {
                rounding: Rounding::truncate(4),
                steps: TvSteps::Stepwise,
                cap_at_value: false,
            };
            g.surplus.zero_surplus = ZeroSurplus::TransferAsStage;
        })
    }

    /// Unweighted inclusive Gregory.
    pub fn uig() -> Rules {
        on_ssi("uig", |_, g| {
            g.surplus.method = SurplusMethod::UnweightedInclusive;
        })
    }

    /// Exclusive Gregory, last parcel.
    pub fn egm() -> Rules {
        on_ssi("egm", |_, g| {
            g.surplus.method = SurplusMethod::LastParcel;
            g.surplus.papers = WhichPapers::TransferableOnly;
            g.surplus.transfer_value = TransferValue {
                rounding: Rounding::truncate(5),
                steps: TvSteps::Single,
                cap_at_value: true,
            };
            g.exclusion.parcels = ExclusionParcels::ByValueDescending;
        })
    }

    /// Minneapolis multiple-seat STV (Code of Ordinances ch. 167, 167.20
    /// and 167.70), as the city's 2013 tabulations count it.
    pub fn minneapolis() -> Rules {
        on_ssi("minneapolis", |r, g| {
            // 167.20 "Surplus fraction", "Transfer value": four places,
            // "ignoring any remainder".
            r.arithmetic = Arithmetic::Fixed { places: 4 };
            r.display_places = 4;
            // 167.20 "Threshold": V ÷ (S + 1) + 1, "any fractions disregarded"
            // (the Scottish quota); 167.70(1)(a) "equal to or greater than".
            // 167.70(1)(d), (e), (f): every tie by lot.
            r.ties.chain = vec![TieBreak::Lot];
            g.surplus.transfer_value = TransferValue {
                rounding: Rounding::truncate(4),
                steps: TvSteps::FractionFirst,
                cap_at_value: false,
            };
            g.surplus.loss = LossShown::KeptByCandidate;
            g.surplus.receive_until_transferred = true;
            g.exclusion.sure_losers = Some(SureLosers { smallest_group: 2 });
            // 167.70(1)(f): the count ends when the continuing candidates are
            // as many as the offices left; the 2013 tabulation's last round
            // defeats Nordyke and elects the two left with "no vote
            // transfers in this round".
            g.completion.last_vacancies = LastVacancies::OnProposedExclusion;
        })
    }

    /// Instant runoff.
    pub fn irv() -> Rules {
        on_ssi("irv", |r, g| {
            r.arithmetic = Arithmetic::Fixed { places: 0 };
            r.display_places = 0;
            r.quota = Quota {
                divisor: QuotaDivisor::SeatsPlusOne,
                rounding: Rounding::Exact,
                increment: QuotaIncrement::Nothing,
            };
            r.election.criterion = Criterion::Exceeds;
            g.quota = GregoryQuota {
                votes: QuotaVotes::Active,
                recompute: QuotaRecompute::EveryStage,
            };
            g.surplus.transfer_value.rounding = Rounding::Exact;
        })
    }

    /// The PR Foundation reference Meek rule (Hill 2006), as Droop's `meek-prf`.
    pub fn meek() -> Rules {
        Rules {
            name: "meek".into(),
            arithmetic: Arithmetic::Fixed { places: 9 },
            display_places: 9,
            // B.2.b: q = T(Σ votes ÷ (seats + 1), 9) + 0.000000001, every iteration.
            quota: Quota {
                divisor: QuotaDivisor::SeatsPlusOne,
                rounding: Rounding::truncate(9),
                increment: QuotaIncrement::Unit { places: 9 },
            },
            // B.2.c: v ≥ q.
            election: ElectionTest {
                criterion: Criterion::AtLeast,
                unseparated_at_last_place: UnseparatedTie::Chain,
            },
            // T: the earliest in a predetermined random order.
            ties: Ties {
                chain: vec![TieBreak::Order],
                multiway: Multiway::Narrow,
                order: None,
                order_by_contest: Default::default(),
                order_picks: OrderPicks::EarliestChosen,
                seed: None,
            },
            constraint_method: ConstraintMethod::GuardDoom,
            candidates_without_votes: WithoutVotes::Together,
            method: Method::Iterative(Iterative {
                kind: IterativeMethod::Meek,
                quota: IterativeQuota {
                    votes: IterativeQuotaVotes::CandidateVotes,
                },
                keep_rounding: Rounding::up(9),
                remainder: Remainder::Subtract,
                keep_value_update: KeepValueUpdate {
                    rounding: Rounding::up(9),
                    stepwise: true,
                },
                convergence: Convergence {
                    omega_places: 6,
                    at_most: false,
                    stable_state: true,
                },
                defeat: Defeat {
                    ties_within_surplus: true,
                    batch: DefeatBatch::None,
                },
                equal_preferences: EqualPreferences::Refuse,
            }),
            passes: Passes::One,
        }
    }

    /// New Zealand Meek: Local Electoral Regulations 2001 Sch. 1A as written
    /// (see `specs/rules/nz-meek.md` for each reading).
    pub fn nz_meek() -> Rules {
        on_meek("nz-meek", |r, it| {
            // cl.19, 34: ahead at first difference (forward), then lot (the
            // ChaCha stream standing in for the cl.40–48 generator).
            r.ties = Ties {
                chain: vec![TieBreak::Forward, TieBreak::Lot],
                multiway: Multiway::Narrow,
                order: None,
                order_by_contest: Default::default(),
                order_picks: OrderPicks::StrongestFirst,
                seed: None,
            };
            // cl.10: both the kept and the passed-on products rounded up.
            it.remainder = Remainder::Complement {
                rounding: Rounding::up(9),
            };
            // cl.5: (v − vnt) ÷ (n + 1) + 10^-9, truncated to 9 places.
            it.quota.votes = IterativeQuotaVotes::ValidLessNonTransferable;
            // cl.13: total surplus below 0.0001 (the figure OpenSTV cites for cl.13).
            it.convergence.omega_places = 4;
            // One exclusion at a time; only equal votes tie.
            it.defeat = Defeat {
                ties_within_surplus: false,
                batch: DefeatBatch::None,
            };
        })
    }

    /// Warren STV with the PRF Meek rule's arithmetic.
    pub fn warren() -> Rules {
        on_meek("warren", |_, it| it.kind = IterativeMethod::Warren)
    }

    /// Meek in exact rationals: quota exactly Σ votes ÷ (seats + 1), elected on
    /// exceeding it, ω = 10^-10 (Droop's rational default); keep values rounded
    /// up to 18 places.
    pub fn meek_exact() -> Rules {
        on_meek("meek-exact", |r, it| {
            r.arithmetic = Arithmetic::Rational;
            r.display_places = 9;
            r.quota.rounding = Rounding::Exact;
            r.quota.increment = QuotaIncrement::Nothing;
            r.election.criterion = Criterion::Exceeds;
            it.keep_rounding = Rounding::Exact;
            // Votes and quotas stay exact; the keep values, which only steer
            // the iteration, are rounded up to 18 places: exact keep values
            // grow without bound (specs/rules/meek-exact.md).
            it.keep_value_update = KeepValueUpdate {
                rounding: Rounding::up(18),
                stepwise: false,
            };
            it.convergence.omega_places = 10;
        })
    }
}
