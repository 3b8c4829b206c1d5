//! Where a candidate stands in a count: the one status both strategies keep
//! and the constraint methods read.

/// A candidate's standing at some point of a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Standing {
    /// Neither elected nor excluded: still continuing (PRF: "hopeful").
    Hopeful,
    /// Elected (or deemed elected, surplus pending).
    Elected,
    /// Excluded (Meek: defeated).
    Excluded,
    /// Withdrawn before the count; for the constraint methods, as excluded.
    Withdrawn,
}
