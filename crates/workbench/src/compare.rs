//! Two rules side by side on one contest: where their counts part ways
//! (the first stage whose action or totals differ) and whether they elect
//! differently (`recount compare`, `specs/workbench.md`).

use count::{Action, ContestCount, Rules, Stage};

/// One count's stage: its action in words and each candidate's total.
pub type Side = (String, Vec<(String, String)>);

/// Where two counts part ways.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parting {
    /// The first stage (from 1) whose action or totals differ, if any.
    pub stage: Option<u32>,
    /// That stage under each rule: its action in words, and each
    /// candidate's total (`None` past a count's last stage).
    pub sides: [Option<Side>; 2],
    /// The elected under each rule, in order.
    pub elected: [Vec<String>; 2],
}

impl Parting {
    /// Whether the two elect the same candidates (as sets).
    pub fn same_elected(&self) -> bool {
        let mut a = self.elected[0].clone();
        let mut b = self.elected[1].clone();
        a.sort();
        b.sort();
        a == b
    }
}

/// The action of a stage in words.
pub fn action_words(s: &Stage) -> String {
    match &s.action {
        Action::FirstPreferences => "first preferences".into(),
        Action::Surplus { candidate, .. } => format!("surplus of {candidate}"),
        Action::Exclusion { candidates, .. } => format!("exclusion of {}", candidates.join(", ")),
        Action::ElectRemaining => "last vacancies filled".into(),
        Action::Round => "a round".into(),
    }
}

fn side(s: Option<&Stage>) -> Option<Side> {
    let s = s?;
    Some((
        action_words(s),
        s.totals
            .iter()
            .map(|(n, v)| (n.to_owned(), v.to_string()))
            .collect(),
    ))
}

/// Compares the counts `a` and `b` of one contest.
pub fn parting(a: &ContestCount, b: &ContestCount) -> Parting {
    let n = a.stages.len().max(b.stages.len());
    let mut stage = None;
    for i in 0..n {
        let (x, y) = (a.stages.get(i), b.stages.get(i));
        let differ = match (x, y) {
            (Some(x), Some(y)) => {
                action_words(x) != action_words(y)
                    || x.totals
                        .iter()
                        .zip(y.totals.iter())
                        .any(|((_, p), (_, q))| !p.same_value(&q))
            }
            _ => true,
        };
        if differ {
            stage = Some(i as u32 + 1);
            break;
        }
    }
    let at = stage.map(|s| s as usize - 1);
    Parting {
        stage,
        sides: [
            at.and_then(|i| side(a.stages.get(i))),
            at.and_then(|i| side(b.stages.get(i))),
        ],
        elected: [a.elected.clone(), b.elected.clone()],
    }
}

/// Counts `contest` under `a` and `b` and compares them.
pub fn compare(contest: &ballot::Contest, a: &Rules, b: &Rules) -> Result<Parting, String> {
    let prepared = count::Prepared::new(contest);
    let x = prepared.count(a).map_err(|e| format!("{}: {e}", a.name))?;
    let y = prepared.count(b).map_err(|e| format!("{}: {e}", b.name))?;
    let (Some(x), Some(y)) = (x.last(), y.last()) else {
        return Ok(Parting {
            stage: None,
            sides: [None, None],
            elected: [Vec::new(), Vec::new()],
        });
    };
    Ok(parting(x, y))
}
