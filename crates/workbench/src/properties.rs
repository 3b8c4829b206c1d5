//! The properties `recount fuzz --property` checks (`specs/workbench.md`
//! gives each its source and the presets it is expected to hold for). Each
//! is a function of a case and the rules: it holds, fails (saying how), or
//! does not apply to the case.

use std::collections::{BTreeMap, BTreeSet};

use count::decimal::Decimal;
use count::{ContestCount, Rules};

use crate::case::Case;

/// Every property, by name.
pub const PROPERTIES: [&str; 14] = [
    "conservation",
    "no-created-votes",
    "elected-stay",
    "seats-filled",
    "quota",
    "droop-proportionality",
    "irv-agreement",
    "majority",
    "determinism",
    "order-invariance",
    "relabelling-invariance",
    "monotonicity",
    "participation",
    "constraints",
];

/// What a property found on one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It holds.
    Holds,
    /// It fails: how.
    Fails(String),
    /// It says nothing of this case.
    NotApplicable,
}

fn count_case(case: &Case, rules: &Rules) -> Option<ContestCount> {
    let contest = case.contest()?;
    count::Prepared::new(&contest).count(rules).ok()?.pop()
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v
}

fn had_ties(c: &ContestCount) -> bool {
    c.stages.iter().any(|s| !s.ties.is_empty())
}

/// Checks property `name` of `case` under `rules`; `None` for an unknown
/// property.
pub fn check(name: &str, case: &Case, rules: &Rules) -> Option<Verdict> {
    if !PROPERTIES.contains(&name) {
        return None;
    }
    // Representation constraints override the quota and the voters'
    // order by design (a guarded candidate is elected below it, a doomed
    // one excluded above it): these properties say nothing of such cases.
    let overridden = [
        "quota",
        "droop-proportionality",
        "irv-agreement",
        "majority",
        "monotonicity",
        "participation",
        "relabelling-invariance",
    ];
    if !case.constraints.is_empty() && overridden.contains(&name) {
        return Some(Verdict::NotApplicable);
    }
    let Some(c) = count_case(case, rules) else {
        return Some(Verdict::NotApplicable);
    };
    Some(match name {
        "conservation" => conservation(&c, false),
        "no-created-votes" => conservation(&c, true),
        "elected-stay" => elected_stay(&c),
        "seats-filled" => {
            if c.elected.len() as u32 == c.seats {
                Verdict::Holds
            } else {
                Verdict::Fails(format!("{} elected for {} seats", c.elected.len(), c.seats))
            }
        }
        "quota" => quota(&c),
        "droop-proportionality" => droop(case, &c),
        "irv-agreement" => irv_agreement(case, &c),
        "majority" => majority(case, &c),
        "determinism" => match count_case(case, rules) {
            Some(again) if again == c => Verdict::Holds,
            _ => Verdict::Fails("a second count of the same case differs".into()),
        },
        "order-invariance" => {
            let mut other = case.clone();
            other.rankings.reverse();
            // The store keeps its own order; a reversed input must not matter.
            match count_case(&other, rules) {
                Some(o) if sorted(&o.elected) == sorted(&c.elected) => Verdict::Holds,
                Some(o) => Verdict::Fails(format!(
                    "papers in reverse order elect {}, in order {}",
                    o.elected.join(", "),
                    c.elected.join(", ")
                )),
                None => Verdict::NotApplicable,
            }
        }
        "relabelling-invariance" => relabelling(case, rules, &c),
        "monotonicity" => monotonicity(case, rules, &c),
        "participation" => participation(case, rules, &c),
        "constraints" => constraints(case, &c),
        _ => return None,
    })
}

/// Candidates + non-transferable + loss = valid votes at every stage, to
/// the last unit; with `only_no_gain`, that no vote is created: the
/// candidates' votes and the non-transferable never exceed the valid votes
/// (a rule that rounds transfer values up gives away more than a surplus,
/// which shows as a negative loss).
fn conservation(c: &ContestCount, only_no_gain: bool) -> Verdict {
    for s in &c.stages {
        let mut sum = if only_no_gain {
            Some(s.exhausted)
        } else {
            s.exhausted.checked_add(&s.loss_by_fraction)
        };
        for (_, v) in s.totals.iter() {
            sum = sum.and_then(|x| x.checked_add(&v));
        }
        let Some(sum) = sum else {
            return Verdict::NotApplicable;
        };
        let cmp = sum.cmp_value(&c.valid_votes);
        let bad = if only_no_gain {
            cmp.is_gt()
        } else {
            !cmp.is_eq()
        };
        if bad {
            return Verdict::Fails(format!(
                "stage {}: candidates, non-transferable{} sum to {sum}, the valid votes are {}",
                s.number,
                if only_no_gain { "" } else { " and loss" },
                c.valid_votes
            ));
        }
    }
    Verdict::Holds
}

fn elected_stay(c: &ContestCount) -> Verdict {
    let mut elected: BTreeSet<&str> = BTreeSet::new();
    let mut excluded: BTreeMap<&str, Decimal> = BTreeMap::new();
    for s in &c.stages {
        for (name, v) in s.totals.iter() {
            if let Some(before) = excluded.get(name)
                && v.cmp_value(before).is_gt()
            {
                return Verdict::Fails(format!(
                    "stage {}: {name}, excluded, receives votes ({before} to {v})",
                    s.number
                ));
            }
        }
        for e in &s.excluded {
            if elected.contains(e.as_str()) {
                return Verdict::Fails(format!("stage {}: {e}, elected, is excluded", s.number));
            }
            if let Some(v) = s.totals.get(e) {
                excluded.insert(e, v);
            }
        }
        elected.extend(s.elected.iter().map(String::as_str));
    }
    for e in &elected {
        if !c.elected.iter().any(|x| x == e) {
            return Verdict::Fails(format!(
                "{e} was elected during the count but is not in the result"
            ));
        }
    }
    Verdict::Holds
}

/// A continuing candidate who reaches the quota (by the rule's own test:
/// at least, or more than) at the end of a stage is elected.
fn quota(c: &ContestCount) -> Verdict {
    let strict = matches!(c.rules.election.criterion, count::rules::Criterion::Exceeds);
    for s in &c.stages {
        for (name, v) in s.totals.iter() {
            let reached = if strict {
                v.cmp_value(&s.quota).is_gt()
            } else {
                v.cmp_value(&s.quota).is_ge()
            };
            if reached && !c.elected.iter().any(|e| e == name) {
                return Verdict::Fails(format!(
                    "stage {}: {name} has {v}, the quota is {}, and is not elected",
                    s.number, s.quota
                ));
            }
        }
    }
    Verdict::Holds
}

/// Droop proportionality (Dummett 1984; Woodall 1994): if the papers that
/// rank a set S of candidates above all others are more than k Droop
/// quotas (k × valid papers ÷ (seats + 1)) and hold k of the rule's own
/// quotas, at least min(k, |S|) of S are elected. Checked for every S that is the first one to four preferences
/// of some paper; counted in whole papers, so no rounding enters.
fn droop(case: &Case, c: &ContestCount) -> Verdict {
    let valid = u128::from(case.papers());
    let places = u128::from(c.seats) + 1;
    if valid == 0 {
        return Verdict::NotApplicable;
    }
    let mut support: BTreeMap<Vec<usize>, u64> = BTreeMap::new();
    for (r, n) in &case.rankings {
        for s in 1..=r.len().min(4) {
            let mut set = r[..s].to_vec();
            set.sort_unstable();
            *support.entry(set).or_default() += n;
        }
    }
    for (set, papers) in support {
        // The largest k with papers × (seats + 1) > k × valid, and with k of
        // the rule's own quotas in the papers (a rule whose quota is above
        // valid ÷ (seats + 1), as the integer Droop quota ⌊v/(s+1)⌋+1 is,
        // promises only as many seats as its quotas).
        let exact = (u128::from(papers) * places - 1) / valid;
        let mut by_quota = 0u128;
        if let Some(votes) = i64::try_from(papers).ok().map(Decimal::from_integer)
            && c.quota.mantissa() > 0
        {
            let mut need = c.quota;
            while votes.cmp_value(&need).is_ge() && by_quota < u128::from(c.seats) {
                by_quota += 1;
                match need.checked_add(&c.quota) {
                    Some(n) => need = n,
                    None => break,
                }
            }
        }
        let k = exact.min(by_quota).min(u128::from(c.seats));
        let want = (k as usize).min(set.len());
        let got = set
            .iter()
            .filter(|&&i| c.elected.iter().any(|e| *e == case.names[i]))
            .count();
        if got < want {
            let names: Vec<&str> = set.iter().map(|&i| case.names[i].as_str()).collect();
            return Verdict::Fails(format!(
                "{papers} of {valid} papers rank {{{}}} first, more than {k} Droop quotas, but only {got} of them are elected",
                names.join(", ")
            ));
        }
    }
    Verdict::Holds
}

fn irv_agreement(case: &Case, c: &ContestCount) -> Verdict {
    if c.seats != 1 || had_ties(c) {
        return Verdict::NotApplicable;
    }
    let Some(irv) = Rules::preset("irv") else {
        return Verdict::NotApplicable;
    };
    match count_case(case, &irv) {
        Some(i) if had_ties(&i) => Verdict::NotApplicable,
        Some(i) if i.elected == c.elected => Verdict::Holds,
        Some(i) => Verdict::Fails(format!(
            "IRV elects {}, these rules {}",
            i.elected.join(", "),
            c.elected.join(", ")
        )),
        None => Verdict::NotApplicable,
    }
}

/// One seat: a candidate first on more than half the papers is elected.
fn majority(case: &Case, c: &ContestCount) -> Verdict {
    if c.seats != 1 {
        return Verdict::NotApplicable;
    }
    let total = case.papers();
    let mut first = vec![0u64; case.names.len()];
    for (r, n) in &case.rankings {
        if let Some(&f) = r.first() {
            first[f] += n;
        }
    }
    match first.iter().position(|&f| f * 2 > total) {
        Some(m) if c.elected.first() != Some(&case.names[m]) => Verdict::Fails(format!(
            "{} is first on {} of {total} papers but {} is elected",
            case.names[m],
            first[m],
            c.elected.join(", ")
        )),
        Some(_) => Verdict::Holds,
        None => Verdict::NotApplicable,
    }
}

/// Candidates in another order (reversed) elect the same, where no tie
/// was decided (ties decided by candidate order or lot may change).
fn relabelling(case: &Case, rules: &Rules, c: &ContestCount) -> Verdict {
    if had_ties(c) {
        return Verdict::NotApplicable;
    }
    let n = case.names.len();
    let mut other = case.clone();
    other.names.reverse();
    other.attributes.reverse();
    for (r, _) in &mut other.rankings {
        for x in r.iter_mut() {
            *x = n - 1 - *x;
        }
    }
    match count_case(&other, rules) {
        Some(o) if had_ties(&o) => Verdict::NotApplicable,
        Some(o) if sorted(&o.elected) == sorted(&c.elected) => Verdict::Holds,
        Some(o) => Verdict::Fails(format!(
            "with the candidates in reverse order {} are elected, else {}",
            o.elected.join(", "),
            c.elected.join(", ")
        )),
        None => Verdict::NotApplicable,
    }
}

/// The rankings a change is tried on, for one case: at most [`TRIES`],
/// those with the most papers first (each try is a recount).
fn tried(case: &Case) -> Vec<usize> {
    let mut order: Vec<usize> = (0..case.rankings.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(case.rankings[k].1));
    order.truncate(TRIES);
    order
}

/// Rankings tried per winner by `monotonicity` and `participation`.
pub const TRIES: usize = 12;

/// Raising a winner on some papers (one place up, on every paper of one
/// ranking that has them below first) never makes them lose.
fn monotonicity(case: &Case, rules: &Rules, c: &ContestCount) -> Verdict {
    if had_ties(c) {
        return Verdict::NotApplicable;
    }
    let rankings = tried(case);
    for w in &c.elected {
        let Some(wi) = case.names.iter().position(|n| n == w) else {
            continue;
        };
        for &k in &rankings {
            let Some(at) = case.rankings[k].0.iter().position(|&x| x == wi) else {
                continue;
            };
            if at == 0 {
                continue;
            }
            let mut raised = case.clone();
            raised.rankings[k].0.swap(at - 1, at);
            raised.merge();
            if let Some(r) = count_case(&raised, rules)
                && !had_ties(&r)
                && !r.elected.iter().any(|e| e == w)
            {
                return Verdict::Fails(format!(
                    "raising {w} one place on the {} papers ranking {} makes {w} lose: {} elected",
                    case.rankings[k].1,
                    ranking_words(case, &case.rankings[k].0),
                    r.elected.join(", ")
                ));
            }
        }
    }
    Verdict::Holds
}

/// Adding papers that rank a winner first never makes them lose (the
/// no-show paradox read the other way).
fn participation(case: &Case, rules: &Rules, c: &ContestCount) -> Verdict {
    if had_ties(c) {
        return Verdict::NotApplicable;
    }
    let rankings = tried(case);
    for w in &c.elected {
        let Some(wi) = case.names.iter().position(|n| n == w) else {
            continue;
        };
        for &k in &rankings {
            if case.rankings[k].0.first() != Some(&wi) {
                continue;
            }
            for extra in [1u64, case.rankings[k].1.max(1)] {
                let mut more = case.clone();
                more.rankings[k].1 += extra;
                if let Some(r) = count_case(&more, rules)
                    && !had_ties(&r)
                    && !r.elected.iter().any(|e| e == w)
                {
                    return Verdict::Fails(format!(
                        "{extra} more papers ranking {} make {w} lose: {} elected",
                        ranking_words(case, &case.rankings[k].0),
                        r.elected.join(", ")
                    ));
                }
            }
        }
    }
    Verdict::Holds
}

fn constraints(case: &Case, c: &ContestCount) -> Verdict {
    if case.constraints.is_empty() {
        return Verdict::NotApplicable;
    }
    for k in &case.constraints {
        let members = c
            .elected
            .iter()
            .filter(|e| {
                case.names
                    .iter()
                    .position(|n| n == *e)
                    .and_then(|i| case.attributes[i].get(&k.attribute))
                    .is_some_and(|v| *v == k.value)
            })
            .count() as u32;
        if !k.allows(members) {
            return Verdict::Fails(format!("{k}: {members} elected"));
        }
    }
    Verdict::Holds
}

/// A ranking in words: `A > B > C`.
pub fn ranking_words(case: &Case, r: &[usize]) -> String {
    r.iter()
        .map(|&i| case.names[i].as_str())
        .collect::<Vec<_>>()
        .join(" > ")
}
