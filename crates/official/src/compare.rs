//! Comparing a published sheet with our count, cell by cell, exactly, at the
//! precision each cell was published with.
//!
//! What is compared:
//! - seats, valid poll and quota, where the sheet gives them;
//! - the number of stages;
//! - every candidate's total at every stage both have (a blank sheet cell
//!   is counted as blank and not compared);
//! - the non-transferable papers' value at every stage, where the sheet
//!   gives it apart from rounding losses (Droop dumps; the Scottish JSON
//!   has no such row);
//! - the set of candidates elected.
//!
//! Stages are aligned by number after two conventions of published sheets:
//! a stage of ours whose action is [`Action::ElectRemaining`] (the last
//! places filled with no transfer, SSI 2007/42 r.52) is not a stage of a
//! sheet, and of a stage divided into sub-stages only the last (the state
//! at the end of the stage) is compared.
//!
//! A cell agrees when our value, shortened to the cell's number of places
//! by the sheet's [`Shortening`], is the cell (`crate::decimal`). Every
//! disagreement is a typed [`Difference`] holding the sheet cell as
//! published and where it is; nothing is tolerated silently. Which
//! differences are known errors of a sheet is for the caller to pin.

use count::ContestCount;

use crate::decimal::{Decimal, Shortening};
use crate::error::{Error, ErrorKind, Position};
use crate::names::{Matching, match_names};
use crate::sheet::OfficialSheet;

/// What to compare with, besides the two counts.
#[derive(Clone, Copy, Debug)]
pub struct CompareOptions<'a> {
    /// How the sheet shortened figures it printed with fewer places.
    pub shortening: Shortening,
    /// Explicit `(sheet name, count name)` pairs, for names the rules of
    /// [`crate::names`] cannot pair.
    pub aliases: &'a [(&'a str, &'a str)],
}

impl Default for CompareOptions<'_> {
    fn default() -> Self {
        CompareOptions {
            shortening: Shortening::HalfUp,
            aliases: &[],
        }
    }
}

/// One disagreement between a sheet and our count. Candidates are named by
/// our (ballot-paper) names; sheet figures are given as published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Difference {
    /// The number of seats.
    SeatsDiffer {
        /// The sheet's.
        official: u32,
        /// Ours.
        ours: u32,
    },
    /// The valid poll (papers).
    ValidPollDiffers {
        /// The sheet's figure.
        official: String,
        /// Our number of valid papers.
        ours: u64,
        /// Where the sheet's figure is.
        at: Position,
    },
    /// The quota.
    QuotaDiffers {
        /// The sheet's figure.
        official: String,
        /// Ours.
        ours: String,
        /// Where the sheet's figure is.
        at: Position,
    },
    /// The number of stages.
    StageCountDiffers {
        /// The sheet's.
        official: u32,
        /// Ours (after the alignment conventions of the module docs).
        ours: u32,
    },
    /// A candidate's total at the end of a stage.
    TotalDiffers {
        /// The stage number.
        stage: u32,
        /// The candidate (our name).
        candidate: String,
        /// The sheet's cell as published.
        official: String,
        /// Our total at full precision.
        ours: String,
        /// Where the sheet's cell is.
        at: Position,
    },
    /// The non-transferable papers' value at the end of a stage (compared
    /// with our `exhausted`; rounding losses are apart on both sides).
    NonTransferableDiffers {
        /// The stage number.
        stage: u32,
        /// The sheet's cell as published.
        official: String,
        /// Ours at full precision.
        ours: String,
        /// Where the sheet's cell is.
        at: Position,
    },
    /// Our transcript has no readable total for a candidate at a stage
    /// (a defect of the transcript, not of the sheet).
    OursMissing {
        /// The stage number.
        stage: u32,
        /// The candidate (our name).
        candidate: String,
        /// What the transcript holds, if anything.
        found: Option<String>,
    },
    /// The candidates elected (each list in our candidate order).
    ElectedDiffers {
        /// Elected according to the sheet.
        official: Vec<String>,
        /// Elected by our count.
        ours: Vec<String>,
    },
}

/// The result of a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// How the sheet's candidates were paired with ours.
    pub matching: Matching,
    /// Every disagreement, in sheet order (figures of the count first, then
    /// stage by stage, candidate by candidate, then the elected).
    pub differences: Vec<Difference>,
    /// Stages compared (those both have).
    pub stages: u32,
    /// Candidate totals compared.
    pub cells: u64,
    /// Blank sheet cells passed over.
    pub blank: u64,
}

/// Compares `sheet` with our count of the same contest.
///
/// Errors only when the candidates cannot be paired (see
/// [`crate::names`]): every sheet candidate must pair with one of ours,
/// and every one of ours not on the sheet must be withdrawn.
pub fn compare(
    sheet: &OfficialSheet,
    ours: &ContestCount,
    options: &CompareOptions<'_>,
) -> Result<Comparison, Error> {
    let matching = match_names(&sheet.candidates, &ours.candidates, options.aliases)?;
    let paired: Vec<bool> = (0..ours.candidates.len())
        .map(|u| matching.pairs().any(|(_, o, _)| o == u))
        .collect();
    let stray: Vec<String> = ours
        .candidates
        .iter()
        .zip(&paired)
        .filter(|(name, p)| !**p && !ours.withdrawn.contains(name))
        .map(|(name, _)| name.clone())
        .collect();
    if !stray.is_empty() {
        return Err(Error::new(ErrorKind::Unmatched {
            official: Vec::new(),
            ours: stray,
        }));
    }

    let shortening = options.shortening;
    let mut differences = Vec::new();
    if let Some(seats) = sheet.seats {
        if seats != ours.seats {
            differences.push(Difference::SeatsDiffer {
                official: seats,
                ours: ours.seats,
            });
        }
    }
    if let Some(cell) = sheet.valid_poll {
        let agrees = i64::try_from(ours.valid_papers)
            .is_ok_and(|n| cell.value.same_value(&Decimal::from_integer(n)));
        if !agrees {
            differences.push(Difference::ValidPollDiffers {
                official: cell.text(),
                ours: ours.valid_papers,
                at: cell.pos,
            });
        }
    }
    if let Some(cell) = sheet.quota {
        let agrees = shortening.agrees(&cell.value, &ours.quota);
        if !agrees {
            differences.push(Difference::QuotaDiffers {
                official: cell.text(),
                ours: ours.quota.to_string(),
                at: cell.pos,
            });
        }
    }

    let our_stages = sheet_stages(ours);
    let (official_n, ours_n) = (sheet.stages.len() as u32, our_stages.len() as u32);
    if official_n != ours_n {
        differences.push(Difference::StageCountDiffers {
            official: official_n,
            ours: ours_n,
        });
    }
    let (mut cells, mut blank) = (0u64, 0u64);
    for (official, mine) in sheet.stages.iter().zip(&our_stages) {
        if let Some(cell) = official.non_transferable {
            let agrees = shortening.agrees(&cell.value, &mine.exhausted);
            if !agrees {
                differences.push(Difference::NonTransferableDiffers {
                    stage: official.number,
                    official: cell.text(),
                    ours: mine.exhausted.to_string(),
                    at: cell.pos,
                });
            }
        }
        for (o, u, _) in matching.pairs() {
            let Some(cell) = official.totals.get(o).copied().flatten() else {
                blank += 1;
                continue;
            };
            let name = &ours.candidates[u];
            let Some(value) = mine.totals.get(name) else {
                differences.push(Difference::OursMissing {
                    stage: official.number,
                    candidate: name.clone(),
                    found: None,
                });
                continue;
            };
            cells += 1;
            if !shortening.agrees(&cell.value, &value) {
                differences.push(Difference::TotalDiffers {
                    stage: official.number,
                    candidate: name.clone(),
                    official: cell.text(),
                    ours: value.to_string(),
                    at: cell.pos,
                });
            }
        }
    }

    let mut official_elected: Vec<usize> = sheet
        .elected
        .iter()
        .filter_map(|&o| matching.ours(o))
        .collect();
    official_elected.sort_unstable();
    let mut our_elected: Vec<usize> = ours
        .elected
        .iter()
        .filter_map(|n| ours.candidates.iter().position(|c| c == n))
        .collect();
    our_elected.sort_unstable();
    if official_elected != our_elected || our_elected.len() != ours.elected.len() {
        let names = |list: &[usize]| list.iter().map(|&u| ours.candidates[u].clone()).collect();
        differences.push(Difference::ElectedDiffers {
            official: names(&official_elected),
            ours: names(&our_elected),
        });
    }

    Ok(Comparison {
        matching,
        differences,
        stages: official_n.min(ours_n),
        cells,
        blank,
    })
}

/// Our stages as a sheet shows them (see the module docs).
pub(crate) fn sheet_stages(ours: &ContestCount) -> Vec<&count::Stage> {
    ours.sheet_stages().into_iter().map(|s| s.stage).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SheetFormat;
    use crate::names::MatchRule;
    use crate::sheet::{Cell, OfficialCandidate, OfficialStage};
    use count::Action;

    const NAMES: [&str; 3] = ["Ann ASH (Grn)", "Bo BIRCH (Lab)", "Cy CEDAR (SNP)"];

    /// Figures of `names` at 5 places from their decimals.
    fn figures(names: &[&str], values: &[&str]) -> count::Figures {
        let names = count::Names::new(names.iter().map(|s| s.to_string()).collect());
        let units: Vec<i128> = values
            .iter()
            .map(|v| {
                Decimal::parse(v)
                    .and_then(|d| d.widened(5))
                    .unwrap()
                    .mantissa()
            })
            .collect();
        count::Figures::new(names, 5, &units).unwrap()
    }

    /// A 1-seat count of 9 papers, quota 5: Ann 4, Bo 3, Cy 2; Cy is
    /// excluded and his two papers go one to Ann, one nowhere.
    fn d(text: &str) -> Decimal {
        Decimal::parse(text).expect("a decimal")
    }

    fn ours() -> ContestCount {
        let stage =
            |number: u32, action: Action, totals: [&str; 3], elected: &[&str]| count::Stage {
                number,
                sub_stage: None,
                action,
                quota: d("5.00000"),
                totals: figures(&NAMES, &totals),
                transfers: count::Figures::empty(
                    count::Names::new(NAMES.iter().map(|s| s.to_string()).collect()),
                    5,
                ),
                exhausted: d(if number == 1 { "0.00000" } else { "1.00000" }),
                loss_by_fraction: d("0.00000"),
                elected: elected.iter().map(|s| s.to_string()).collect(),
                excluded: Vec::new(),
                ties: Vec::new(),
                keep_values: None,
                iterations: None,
                constraints: Vec::new(),
            };
        ContestCount {
            contest: "w".into(),
            title: "W".into(),
            seats: 1,
            candidates: NAMES.iter().map(|s| s.to_string()).collect(),
            withdrawn: Vec::new(),
            rules: count::Rules::preset("scottish-stv").expect("the scottish-stv preset"),
            valid_papers: 9,
            invalid_papers: 0,
            valid_votes: d("9.00000"),
            quota: d("5"),
            elected: vec![NAMES[0].into()],
            excluded: vec![NAMES[2].into()],
            constraints: Vec::new(),
            substitutions: Vec::new(),
            purpose: None,
            import: None,
            affiliations: Vec::new(),
            stages: vec![
                stage(
                    1,
                    Action::FirstPreferences,
                    ["4.00000", "3.00000", "2.00000"],
                    &[],
                ),
                stage(
                    2,
                    Action::Exclusion {
                        candidates: vec![NAMES[2].into()],
                        transfer_value: None,
                        reason: None,
                        passed_over_guarded: Vec::new(),
                    },
                    ["5.00000", "3.00000", "0.00000"],
                    &[NAMES[0]],
                ),
            ],
        }
    }

    fn cell(text: &str, line: u64) -> Option<Cell> {
        Some(Cell {
            value: Decimal::parse(text).expect("a decimal"),
            pos: Position::at(line, 3),
        })
    }

    /// The published sheet of the same count, 2 places at stage 2.
    fn sheet() -> OfficialSheet {
        let person = |first: &str, surname: &str| OfficialCandidate {
            name: format!("{first} {surname}"),
            surname: Some(surname.into()),
            party: None,
            pos: None,
        };
        OfficialSheet {
            format: SheetFormat::ScottishJson,
            name: Some("W".into()),
            code: None,
            seats: Some(1),
            valid_poll: cell("9", 1),
            quota: cell("5", 1),
            candidates: vec![
                person("Ann", "Ash"),
                person("Bo", "Birch"),
                person("Cy", "Cedar"),
            ],
            stages: vec![
                OfficialStage::new(1, vec![cell("4", 2), cell("3", 3), cell("2", 4)]),
                OfficialStage {
                    non_transferable: cell("1.00", 7),
                    elected: vec![0],
                    ..OfficialStage::new(2, vec![cell("5.00", 5), cell("3.00", 6), None])
                },
            ],
            elected: vec![0],
            warnings: Vec::new(),
        }
    }

    fn run(sheet: &OfficialSheet, ours: &ContestCount) -> Comparison {
        let options = CompareOptions {
            shortening: Shortening::SCOTTISH_COUNCILS,
            aliases: &[],
        };
        compare(sheet, ours, &options).expect("names pair")
    }

    #[test]
    fn an_agreeing_sheet_has_no_differences() {
        let c = run(&sheet(), &ours());
        assert_eq!(c.differences, []);
        assert_eq!((c.stages, c.cells, c.blank), (2, 5, 1));
        assert!(
            c.matching
                .pairs()
                .all(|(o, u, r)| o == u && r == MatchRule::Normalised)
        );
    }

    #[test]
    fn a_misprinted_cell_is_one_typed_difference_holding_the_cell() {
        let mut s = sheet();
        s.stages[1].totals[1] = cell("3.01", 6);
        assert_eq!(
            run(&s, &ours()).differences,
            [Difference::TotalDiffers {
                stage: 2,
                candidate: NAMES[1].into(),
                official: "3.01".into(),
                ours: "3.00000".into(),
                at: Position::at(6, 3),
            }]
        );
    }

    #[test]
    fn non_transferable_values_are_compared_where_given() {
        let mut s = sheet();
        s.stages[1].non_transferable = cell("0.99", 7);
        assert_eq!(
            run(&s, &ours()).differences,
            [Difference::NonTransferableDiffers {
                stage: 2,
                official: "0.99".into(),
                ours: "1.00000".into(),
                at: Position::at(7, 3),
            }]
        );
    }

    #[test]
    fn poll_quota_seats_stages_and_elected_are_compared() {
        let mut s = sheet();
        s.valid_poll = cell("10", 1);
        s.quota = cell("6", 1);
        s.seats = Some(2);
        s.elected = vec![1];
        s.stages.pop();
        assert_eq!(
            run(&s, &ours()).differences,
            [
                Difference::SeatsDiffer {
                    official: 2,
                    ours: 1
                },
                Difference::ValidPollDiffers {
                    official: "10".into(),
                    ours: 9,
                    at: Position::at(1, 3)
                },
                Difference::QuotaDiffers {
                    official: "6".into(),
                    ours: "5".into(),
                    at: Position::at(1, 3)
                },
                Difference::StageCountDiffers {
                    official: 1,
                    ours: 2
                },
                Difference::ElectedDiffers {
                    official: vec![NAMES[1].into()],
                    ours: vec![NAMES[0].into()]
                },
            ]
        );
    }

    #[test]
    fn elect_remaining_stages_and_sub_stages_are_not_sheet_stages() {
        let mut mine = ours();
        let mut last = mine.stages[1].clone();
        last.action = Action::ElectRemaining;
        last.number = 3;
        mine.stages.push(last);
        // Stage 2 in two parts: only the end of the stage is on a sheet.
        let mut part = mine.stages[1].clone();
        part.sub_stage = Some(1);
        part.totals = figures(&NAMES, &["4.50000", "3.00000", "0.00000"]);
        mine.stages[1].sub_stage = Some(2);
        mine.stages.insert(1, part);
        assert_eq!(run(&sheet(), &mine).differences, []);
    }

    #[test]
    fn missing_totals_of_ours_are_reported_not_skipped() {
        // A transcript's totals are typed numbers, so an unreadable figure
        // cannot occur; a candidate missing from a stage (a transcript read
        // from elsewhere) still can.
        let mut mine = ours();
        mine.stages[0].totals = figures(&NAMES[..2], &["4.00000", "3.00000"]);
        assert_eq!(
            run(&sheet(), &mine).differences,
            [Difference::OursMissing {
                stage: 1,
                candidate: NAMES[2].into(),
                found: None
            }]
        );
    }

    #[test]
    fn names_that_do_not_pair_are_an_error() {
        let mut s = sheet();
        s.candidates[2] = OfficialCandidate {
            name: "Cy Cedars".into(),
            surname: Some("Cedars".into()),
            party: None,
            pos: None,
        };
        let err = compare(&s, &ours(), &CompareOptions::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "candidates could not be paired by name: on the sheet [\"Cy Cedars\"], in the count [\"Cy CEDAR (SNP)\"]"
        );
        // An extra candidate of ours must be withdrawn.
        let mut s = sheet();
        s.candidates.pop();
        for stage in &mut s.stages {
            stage.totals.pop();
        }
        assert!(compare(&s, &ours(), &CompareOptions::default()).is_err());
        let mut mine = ours();
        mine.withdrawn = vec![NAMES[2].into()];
        assert!(compare(&s, &mine, &CompareOptions::default()).is_ok());
    }
}
