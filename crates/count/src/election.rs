//! What both strategies share about quotas and elections: the quota from
//! the votes it divides, the election criterion, and the order in which
//! the candidates who qualify are deemed elected, ties included.

use crate::numbers::Number;
use crate::rules::{Criterion, Quota, QuotaDivisor, QuotaIncrement, UnseparatedTie};
use crate::transcript::TiePurpose;

/// The quota: `votes` ÷ the divisor, rounded, plus the increment
/// (SSI 2007/42 r.46, ERS97 5.1.6, PRF WIGM A.1, PRF Meek B.2.b). Which
/// votes are divided is the method family's choice.
pub(crate) fn quota<N: Number>(quota: &Quota, votes: &N, seats: usize, ctx: &N::Ctx) -> N {
    let divisor = match quota.divisor {
        QuotaDivisor::SeatsPlusOne => seats as u64 + 1,
        // A contest has at least one seat (ballot::Contest::new).
        QuotaDivisor::Seats => seats as u64,
    };
    let quotient = N::div_count(votes, divisor, quota.rounding, ctx);
    match quota.increment {
        QuotaIncrement::Nothing => quotient,
        QuotaIncrement::One => quotient.add(&N::from_count(1, ctx)),
        QuotaIncrement::Unit { places } => quotient.add(&N::unit(places, ctx)),
    }
}

/// Whether `votes` reach `threshold` under the criterion (SSI r.47(1)
/// "equals or exceeds"; an exact Droop quota needs "exceeds").
pub(crate) fn meets<N: Ord>(criterion: Criterion, votes: &N, threshold: &N) -> bool {
    match criterion {
        Criterion::AtLeast => votes >= threshold,
        Criterion::Exceeds => votes > threshold,
    }
}

/// A count that decides ties and records its decisions.
pub(crate) trait DecidesTies {
    /// The whole tie chain decides (lot included); the decision is recorded.
    fn break_tie(&mut self, tied: &[usize], purpose: TiePurpose) -> usize;
    /// Only the chain's look-back methods may decide; a decision is
    /// recorded, and `None` means the earlier stages do not separate them.
    fn look_back(&mut self, tied: &[usize], purpose: TiePurpose) -> Option<usize>;
}

/// The order in which the candidates who qualify are deemed elected: most
/// votes first (SSI r.47, ERS97 5.1.7, PRF B.2.c), equal votes by the tie
/// chain as far as the places need. When the last places fall among
/// candidates with equal votes and the rule is ERS97 5.6.2 (`none-elected`),
/// only earlier stages may separate them; if they cannot, the order stops
/// before them: none of them is deemed elected at this stage.
///
/// `votes` is taken from the count for the call (the tie chain reads only
/// the history), so that `count` can record its decisions.
pub(crate) fn order_of_election<N: Ord>(
    count: &mut impl DecidesTies,
    mut qualified: Vec<usize>,
    votes: &[N],
    vacancies: usize,
    unseparated: UnseparatedTie,
) -> Vec<usize> {
    qualified.sort_by(|&a, &b| votes[b].cmp(&votes[a]).then(a.cmp(&b)));
    let mut ordered = Vec::with_capacity(qualified.len());
    let mut i = 0;
    while i < qualified.len() {
        let mut j = i + 1;
        while j < qualified.len() && votes[qualified[j]] == votes[qualified[i]] {
            j += 1;
        }
        let mut group: Vec<usize> = qualified[i..j].to_vec();
        // Order within equal votes matters only for the order of election
        // and for who takes the last place.
        while group.len() > 1 && ordered.len() < vacancies {
            let straddles = group.len() > vacancies - ordered.len();
            let first = if straddles && unseparated == UnseparatedTie::NoneElected {
                match count.look_back(&group, TiePurpose::Election) {
                    Some(c) => c,
                    None => return ordered,
                }
            } else {
                count.break_tie(&group, TiePurpose::Election)
            };
            ordered.push(first);
            group.retain(|&c| c != first);
        }
        ordered.extend(group);
        i = j;
    }
    ordered
}
