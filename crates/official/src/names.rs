//! Pairing a sheet's candidates with a count's, by name, without guessing.
//!
//! Sheets and ballot files name people differently: the Scottish ballot
//! files write `Yvonne ALLAN (Lab)`, the results JSON `Firstname: "Yvonne",
//! Surname: "Allen", Party_Name: "Labour Party"`. Pairing goes by rules
//! tried in this order, each on the names still unpaired, and each pairing
//! only when it is one-to-one (a key shared by two unpaired names on either
//! side pairs nobody):
//!
//! 1. [`MatchRule::Alias`]: an explicit pair given by the caller (for a
//!    sheet's misspelling, say);
//! 2. [`MatchRule::Exact`]: the same string;
//! 3. [`MatchRule::Normalised`]: the same words once a trailing
//!    parenthesised party is dropped, case is folded and everything but
//!    letters and digits is dropped from each word (`Peter O'DONNGHAILE
//!    (Lab)` = `Peter O'Donnghaile`);
//! 4. [`MatchRule::Unaccented`]: the same normalised words once accents
//!    are dropped (Unicode NFD, combining marks removed: `Zoë` = `Zoe`);
//! 5. [`MatchRule::WordOrder`]: the same normalised words in another
//!    order (`Allan Kirsteen` = `Kirsteen ALLAN (Ind)`);
//! 6. [`MatchRule::Surname`]: the sheet's surname (or, when it gives none,
//!    its last word) is the last word(s) of the count's name, normalised.
//!
//! Whatever is left unpaired is an error listing both sides: a name is
//! never paired by resemblance. Each pair records the rule that made it,
//! so a caller can show (or a test pin) every pairing that was not exact.

use crate::error::{Error, ErrorKind};
use crate::sheet::OfficialCandidate;

/// The rule that paired two names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MatchRule {
    /// Paired by the caller.
    Alias,
    /// The same string.
    Exact,
    /// The same words after dropping the party, case and punctuation.
    Normalised,
    /// The same words once accents are dropped (`Zoë` = `Zoe`).
    Unaccented,
    /// The same words in another order (a sheet that swapped given name
    /// and surname).
    WordOrder,
    /// The same surname, the only one left on both sides.
    Surname,
}

/// A pairing of every sheet candidate with a count candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matching {
    /// For each sheet candidate (by index), the count candidate's index and
    /// the rule that paired them.
    pairs: Vec<(usize, MatchRule)>,
}

impl Matching {
    /// The count candidate paired with sheet candidate `official`.
    pub fn ours(&self, official: usize) -> Option<usize> {
        self.pairs.get(official).map(|&(o, _)| o)
    }

    /// The rule that paired sheet candidate `official`.
    pub fn rule(&self, official: usize) -> Option<MatchRule> {
        self.pairs.get(official).map(|&(_, r)| r)
    }

    /// `(sheet index, count index, rule)` for every candidate, in sheet order.
    pub fn pairs(&self) -> impl Iterator<Item = (usize, usize, MatchRule)> + '_ {
        self.pairs.iter().enumerate().map(|(i, &(o, r))| (i, o, r))
    }
}

/// A folded word without its accents.
fn unaccented(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    word.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

/// Whether sheet candidate `o` fits count candidate `u` under one rule.
type Fits<'a> = dyn Fn(usize, usize) -> bool + 'a;

/// The words of a name, folded: a trailing `(…)` dropped, lower case, and
/// only letters and digits kept in each word.
fn words(name: &str) -> Vec<String> {
    let trimmed = name.trim_end();
    let name = match (trimmed.ends_with(')'), trimmed.rfind('(')) {
        (true, Some(open)) if open > 0 => &trimmed[..open],
        _ => trimmed,
    };
    name.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Pairs each sheet candidate with one of `ours` (the count's names), using
/// `aliases` (`(sheet name, count name)`) first; see the module docs.
///
/// ```
/// use official::names::{match_names, MatchRule};
/// use official::sheet::OfficialCandidate;
///
/// let sheet = |name: &str, surname: &str| OfficialCandidate {
///     name: name.into(), surname: Some(surname.into()), party: None, pos: None };
/// let official = [sheet("Catriona Mackenzie", "Mackenzie"), sheet("Yvonne Allen", "Allen")];
/// let ours = ["Yvonne ALLAN (Lab)".to_string(), "Catriona MACKENZIE (SNP)".to_string()];
///
/// // "Allen" is not "ALLAN": nothing is guessed.
/// let err = match_names(&official, &ours, &[]).unwrap_err();
/// assert!(err.to_string().contains("Yvonne Allen"));
///
/// let m = match_names(&official, &ours, &[("Yvonne Allen", "Yvonne ALLAN (Lab)")]).unwrap();
/// assert_eq!((m.ours(0), m.rule(0)), (Some(1), Some(MatchRule::Normalised)));
/// assert_eq!((m.ours(1), m.rule(1)), (Some(0), Some(MatchRule::Alias)));
/// ```
pub fn match_names(
    official: &[OfficialCandidate],
    ours: &[String],
    aliases: &[(&str, &str)],
) -> Result<Matching, Error> {
    let pair = pair_names(official, ours, aliases)?;
    if pair.iter().all(Option::is_some) {
        return Ok(Matching {
            pairs: pair.into_iter().flatten().collect(),
        });
    }
    let taken: Vec<bool> = (0..ours.len())
        .map(|u| pair.iter().flatten().any(|&(p, _)| p == u))
        .collect();
    Err(Error::new(ErrorKind::Unmatched {
        official: official
            .iter()
            .zip(&pair)
            .filter(|(_, p)| p.is_none())
            .map(|(c, _)| c.name.clone())
            .collect(),
        ours: ours
            .iter()
            .zip(&taken)
            .filter(|(_, t)| !**t)
            .map(|(n, _)| n.clone())
            .collect(),
    }))
}

/// The pairing of the module docs, leaving unpaired (`None`) whoever no
/// rule pairs: for a caller that reports them and goes on. Errors only for
/// an alias that names nobody.
pub fn pair_names(
    official: &[OfficialCandidate],
    ours: &[String],
    aliases: &[(&str, &str)],
) -> Result<Vec<Option<(usize, MatchRule)>>, Error> {
    let mut pair: Vec<Option<(usize, MatchRule)>> = vec![None; official.len()];
    let mut taken = vec![false; ours.len()];

    for &(sheet_name, our_name) in aliases {
        let o = official.iter().position(|c| c.name == sheet_name);
        let u = ours.iter().position(|n| n == our_name);
        match (o, u) {
            (Some(o), Some(u)) if pair[o].is_none() && !taken[u] => {
                pair[o] = Some((u, MatchRule::Alias));
                taken[u] = true;
            }
            _ => {
                return Err(Error::new(ErrorKind::Unmatched {
                    official: vec![format!("{sheet_name} (alias)")],
                    ours: vec![our_name.to_owned()],
                }));
            }
        }
    }

    let official_words: Vec<Vec<String>> = official.iter().map(|c| words(&c.name)).collect();
    let official_surname: Vec<Vec<String>> = official
        .iter()
        .zip(&official_words)
        .map(|(c, w)| match &c.surname {
            Some(s) if !words(s).is_empty() => words(s),
            _ => w.last().cloned().into_iter().collect(),
        })
        .collect();
    let our_words: Vec<Vec<String>> = ours.iter().map(|n| words(n)).collect();
    let bare = |w: &Vec<String>| -> Vec<String> { w.iter().map(|x| unaccented(x)).collect() };
    let official_bare: Vec<Vec<String>> = official_words.iter().map(bare).collect();
    let our_bare: Vec<Vec<String>> = our_words.iter().map(bare).collect();

    let sorted = |w: &Vec<String>| {
        let mut w = w.clone();
        w.sort_unstable();
        w
    };
    let official_sorted: Vec<Vec<String>> = official_words.iter().map(sorted).collect();
    let our_sorted: Vec<Vec<String>> = our_words.iter().map(sorted).collect();
    let rules: [(MatchRule, &Fits); 5] = [
        (MatchRule::Exact, &|o, u| official[o].name == ours[u]),
        (MatchRule::Normalised, &|o, u| {
            !official_words[o].is_empty() && official_words[o] == our_words[u]
        }),
        (MatchRule::Unaccented, &|o, u| {
            !official_bare[o].is_empty() && official_bare[o] == our_bare[u]
        }),
        (MatchRule::WordOrder, &|o, u| {
            !official_sorted[o].is_empty() && official_sorted[o] == our_sorted[u]
        }),
        (MatchRule::Surname, &|o, u| {
            let s = &official_surname[o];
            !s.is_empty() && our_words[u].ends_with(s)
        }),
    ];
    for (rule, fits) in rules {
        // Pair only one-to-one fits among the unpaired.
        let candidates: Vec<(usize, usize)> = (0..official.len())
            .filter(|&o| pair[o].is_none())
            .flat_map(|o| (0..ours.len()).filter(|&u| !taken[u]).map(move |u| (o, u)))
            .filter(|&(o, u)| fits(o, u))
            .collect();
        for &(o, u) in &candidates {
            let from_o = candidates.iter().filter(|&&(a, _)| a == o).count();
            let to_u = candidates.iter().filter(|&&(_, b)| b == u).count();
            if from_o == 1 && to_u == 1 {
                pair[o] = Some((u, rule));
                taken[u] = true;
            }
        }
    }

    Ok(pair)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(first: &str, surname: &str) -> OfficialCandidate {
        OfficialCandidate {
            name: [first, surname]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" "),
            surname: (!surname.is_empty()).then(|| surname.to_owned()),
            party: None,
            pos: None,
        }
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn words_drop_party_case_and_punctuation() {
        // (name, words)
        for (name, expected) in [
            ("Yvonne ALLAN (Lab)", vec!["yvonne", "allan"]),
            ("Peter O'DONNGHAILE (Lab)", vec!["peter", "odonnghaile"]),
            ("Cammy DAY        (Lab)", vec!["cammy", "day"]),
            ("Ben DENTON-CARDEW (LD)", vec!["ben", "dentoncardew"]),
            ("Renée SLATER (Grn)", vec!["renée", "slater"]),
            ("(Lab)", vec!["lab"]),
            ("Write-In 1", vec!["writein", "1"]),
        ] {
            assert_eq!(words(name), expected, "{name}");
        }
    }

    #[test]
    fn rules_apply_in_order_and_only_one_to_one() {
        // Glasgow 2017 Govan: the sheet gives "Bill Bonnar" as a first name.
        // Highland 2017 ward 10: three MACLEODs; two pair by full name, the
        // third is then the only Macleod left.
        let official = [
            cand("Bill Bonnar", ""),
            cand("Calum", "Macleod"),
            cand("Kenneth John Baillie Stewart", "Macleod"),
            cand("Malcolm", "Macleod"),
            cand("Richard", "Bell"),
            // East Renfrewshire 2017 ward 2: given name and surname swapped.
            cand("Allan", "Kirsteen"),
        ];
        let ours = names(&[
            "Richard BELL (SNP)",
            "William BONNAR (SSP)",
            "CALUM MACLEOD (SNP)",
            "KEN MACLEOD (LD)",
            "MALCOLM MACLEOD (C)",
            "Kirsteen ALLAN (Ind)",
        ]);
        let m = match_names(&official, &ours, &[]).unwrap();
        let got: Vec<_> = m.pairs().collect();
        assert_eq!(
            got,
            [
                (0, 1, MatchRule::Surname),
                (1, 2, MatchRule::Normalised),
                (2, 3, MatchRule::Surname),
                (3, 4, MatchRule::Normalised),
                (4, 0, MatchRule::Normalised),
                (5, 5, MatchRule::WordOrder),
            ]
        );
    }

    #[test]
    fn a_shared_surname_pairs_nobody() {
        let official = [cand("Ann", "Smith"), cand("Bea", "Smith")];
        let ours = names(&["Anne SMITH", "Beatrice SMITH"]);
        let err = match_names(&official, &ours, &[]).unwrap_err();
        let ErrorKind::Unmatched { official, ours } = err.kind() else {
            panic!("{err}")
        };
        assert_eq!(official, &["Ann Smith", "Bea Smith"]);
        assert_eq!(ours, &["Anne SMITH", "Beatrice SMITH"]);
    }

    #[test]
    fn exact_names_win_and_aliases_must_exist() {
        let official = [cand("Castor", ""), cand("Pollux", "")];
        let ours = names(&["Pollux", "Castor"]);
        let m = match_names(&official, &ours, &[]).unwrap();
        assert_eq!((m.ours(0), m.rule(0)), (Some(1), Some(MatchRule::Exact)));
        assert!(match_names(&official, &ours, &[("Helen", "Castor")]).is_err());
    }
}
