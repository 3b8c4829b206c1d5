//! Closed sets of named options (a ballot format, an import policy's
//! choices, a constraint method): one table per type giving each value its
//! name on command lines and a line of help, so that the binary lists and
//! parses the library's own values instead of mirroring them.

/// A type whose values are a closed list of named options.
pub trait Choice: Copy + PartialEq + 'static {
    /// Every value with its name and one line of help, in the order listed.
    const CHOICES: &'static [(Self, &'static str, &'static str)];

    /// The value's name.
    fn name(self) -> &'static str {
        Self::CHOICES
            .iter()
            .find(|(v, _, _)| *v == self)
            .map_or("", |(_, n, _)| n)
    }

    /// The value of this name, if there is one.
    fn from_name(name: &str) -> Option<Self> {
        Self::CHOICES
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(v, _, _)| *v)
    }
}

use crate::format::Format;
use crate::policy::{EqualRankings, Overvotes, RepeatedCandidates, SkippedRanks};

impl Choice for Format {
    const CHOICES: &'static [(Self, &'static str, &'static str)] = &[
        (
            Format::Blt,
            "blt",
            "BLT (Hill–Wichmann–Woodall), with the dialects found in the wild",
        ),
        (
            Format::PreflibSoi,
            "soi",
            "PrefLib strict orders, incomplete",
        ),
        (Format::PreflibToi, "toi", "PrefLib orders with ties"),
        (Format::Dat, "dat", "Rank-position ballot format"),
        (Format::Csv, "csv", "CSV with rank1..rankN columns"),
        (Format::Json, "json", "recount's JSON election"),
        (
            Format::EssXlsx,
            "ess",
            "ES&S cast-vote records (Excel .xlsx)",
        ),
        (
            Format::Cdf,
            "cdf",
            "NIST SP 1500-103 CDF cast-vote records (JSON)",
        ),
        (
            Format::CdfXml,
            "cdf-xml",
            "NIST SP 1500-103 CDF cast-vote records (XML)",
        ),
        (
            Format::Dominion,
            "dominion",
            "Dominion CVR export (CvrExport.json, with its manifests beside it)",
        ),
        (
            Format::Hart,
            "hart",
            "Hart Verity CVR export (a directory or zip of XML files, one a paper)",
        ),
        (
            Format::ClearBallot,
            "clear-ballot",
            "Clear Ballot ClearVote CVR export (CSV, a Choice_ column a choice and rank)",
        ),
    ];
}

impl Choice for EqualRankings {
    const CHOICES: &'static [(Self, &'static str, &'static str)] = &[
        (EqualRankings::Reject, "reject", "Refuse the file (default)"),
        (
            EqualRankings::EndAtTie,
            "end-at-tie",
            "The paper ends just before the tied rank (void for uncertainty)",
        ),
        (
            EqualRankings::EndIfSeveralContinuing,
            "end-if-several-continuing",
            "RCTab's exhaust-if-multiple-continuing: reading decides what it can, the count the rest",
        ),
        (
            EqualRankings::Keep,
            "keep",
            "The tied candidates stay one rank, for Meek or Warren with equal-preferences split (others refuse)",
        ),
    ];
}

impl Choice for SkippedRanks {
    const CHOICES: &'static [(Self, &'static str, &'static str)] = &[
        (SkippedRanks::Reject, "reject", "Refuse the file (default)"),
        (
            SkippedRanks::CloseUp,
            "close-up",
            "Later preferences move up",
        ),
        (
            SkippedRanks::EndAtGap,
            "end-at-gap",
            "The paper ends at the gap",
        ),
    ];
}

impl Choice for RepeatedCandidates {
    const CHOICES: &'static [(Self, &'static str, &'static str)] = &[
        (
            RepeatedCandidates::Reject,
            "reject",
            "Refuse the file (default)",
        ),
        (
            RepeatedCandidates::KeepFirst,
            "keep-first",
            "Keep the first (highest) ranking",
        ),
        (
            RepeatedCandidates::EndAtRepeat,
            "end-at-repeat",
            "The paper ends at the repeat (RCTab exhaustOnDuplicateCandidate)",
        ),
    ];
}

impl Choice for Overvotes {
    const CHOICES: &'static [(Self, &'static str, &'static str)] = &[
        (Overvotes::Reject, "reject", "Refuse the file (default)"),
        (
            Overvotes::EndAtOvervote,
            "end-at-overvote",
            "The paper ends at the overvote",
        ),
        (
            Overvotes::SkipRank,
            "skip-rank",
            "Pass over the overvoted rank",
        ),
        (
            Overvotes::EndIfSeveralContinuing,
            "end-if-several-continuing",
            "RCTab's exhaust-if-multiple-continuing, for overvotes naming their candidates (the count decides what reading cannot)",
        ),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_round_trip<T: Choice + std::fmt::Debug>() {
        for (v, name, help) in T::CHOICES {
            assert_eq!(T::from_name(name), Some(*v));
            assert_eq!(v.name(), *name);
            assert!(!help.is_empty());
        }
        assert_eq!(T::from_name("no-such-choice"), None);
    }

    #[test]
    fn every_choice_has_one_name_read_back_as_itself() {
        names_round_trip::<Format>();
        names_round_trip::<EqualRankings>();
        names_round_trip::<SkippedRanks>();
        names_round_trip::<RepeatedCandidates>();
        names_round_trip::<Overvotes>();
        assert_eq!(Format::CHOICES.len(), Format::ALL.len());
    }

    #[test]
    fn policy_names_are_the_names_the_model_records() {
        for (v, name, _) in SkippedRanks::CHOICES {
            assert_eq!(serde_json::to_value(v).unwrap(), *name);
        }
        for (v, name, _) in Overvotes::CHOICES {
            assert_eq!(serde_json::to_value(v).unwrap(), *name);
        }
    }
}
