//! The OpenSTV ballot ids seen so far, kept compactly to check that they
//! are distinct.
//!
//! An id is not copied: the set keeps where its `(` is in the input, and
//! compares the bytes there again when hashes agree. An entry is an offset
//! (4 bytes, 8 in an input past 4 GiB) and an index slot (8 bytes at a load
//! of at most 5/8), about 17 bytes for an id line of at least 9 (all but
//! the 65,793 ids of two bytes or fewer), where a `HashMap` of keys and
//! ballot numbers took 24 bytes and up to as much again in spare room.
//!
//! The ballot that first had an id is not stored either: ids are added in
//! the order of their ballots, so it is the id's place in that order plus
//! the ballots that added none before it (bad lines, at most
//! [`crate::Error::MAX_REPORTED`]).
//!
//! What an id is (the bytes between `(` and the first `)`, ASCII spaces
//! trimmed) and what the reader says of a repeat are the reader's
//! (`blt.rs`).

use std::hash::BuildHasher;

/// Distinct ids, by where each is in the input.
pub(super) struct BallotIds {
    hasher: foldhash::fast::FixedState,
    /// The offset of each id's `(`, in the order the ids were added.
    starts: Starts,
    /// Open addressing over `starts`, probed linearly: `tag << 40 | (k + 1)`
    /// for the `k`-th id, the tag being the top 24 bits of its hash; 0 is
    /// empty.
    slots: Vec<u64>,
    /// `(k, d)`: from the `k`-th id on, its ballot is `k + 1 + d`; a new
    /// pair whenever a ballot added no id, so at most one per bad line.
    gaps: Vec<(u64, u64)>,
    /// Ids to make room for on the first one.
    expected: usize,
}

/// Ids past 2^40 (over 9 TB of input) would not fit an index slot.
const MAX_IDS: u64 = (1 << 40) - 1;

impl BallotIds {
    /// An empty set, which makes room for `expected` ids once the first is
    /// added (a file without ids costs nothing).
    pub(super) fn new(expected: usize) -> BallotIds {
        BallotIds {
            hasher: foldhash::fast::FixedState::with_seed(0x6964_7321),
            starts: Starts::Narrow(Vec::new()),
            slots: Vec::new(),
            gaps: Vec::new(),
            expected,
        }
    }

    /// Adds the id whose `(` is at `open` in `input`, on ballot `ballot`
    /// (1-based, greater than that of every id added before); if an
    /// earlier ballot had the same id, adds nothing and returns that
    /// ballot's number.
    pub(super) fn insert(&mut self, input: &[u8], open: usize, ballot: u64) -> Option<u64> {
        let id = key(input, open);
        let h = self.hasher.hash_one(id);
        let tag = h >> 40;
        if self.slots.is_empty() {
            self.starts = Starts::for_input(input, self.expected.max(1));
        }
        self.make_room(input);
        let len = self.slots.len();
        let mut i = home(h, len);
        loop {
            let e = self.slots[i];
            if e == 0 {
                break;
            }
            let k = (e & MAX_IDS) - 1;
            if e >> 40 == tag && key(input, self.starts.at(k as usize)) == id {
                return Some(self.ballot_of(k));
            }
            i += 1;
            if i == len {
                i = 0;
            }
        }
        let k = self.starts.len() as u64;
        if k >= MAX_IDS {
            // Not reachable by a file that fits in memory; past it, ids
            // are not checked rather than mistaken for one another.
            return None;
        }
        let gap = ballot - (k + 1);
        if self.gaps.last().map_or(0, |&(_, d)| d) != gap {
            self.gaps.push((k, gap));
        }
        self.starts.push(open);
        self.slots[i] = (tag << 40) | (k + 1);
        None
    }

    /// The ballot of the `k`-th id added.
    fn ballot_of(&self, k: u64) -> u64 {
        let gap = self
            .gaps
            .iter()
            .rev()
            .find(|&&(from, _)| from <= k)
            .map_or(0, |&(_, d)| d);
        k + 1 + gap
    }

    /// Keeps the load at most 5/8 with one more id, sized first for the
    /// ids expected and growing by half again past them (hashing each id
    /// again from the input).
    fn make_room(&mut self, input: &[u8]) {
        let need = (self.starts.len() + 1).saturating_mul(8) / 5 + 1;
        if need <= self.slots.len() {
            return;
        }
        let len = need
            .max(self.expected.saturating_mul(8) / 5 + 1)
            .max(self.slots.len().saturating_add(self.slots.len() / 2));
        // The old table goes first: the new one is built from the input.
        self.slots = Vec::new();
        self.slots = vec![0; len];
        for k in 0..self.starts.len() {
            let h = self.hasher.hash_one(key(input, self.starts.at(k)));
            let mut i = home(h, len);
            while self.slots[i] != 0 {
                i += 1;
                if i == len {
                    i = 0;
                }
            }
            self.slots[i] = ((h >> 40) << 40) | (k as u64 + 1);
        }
    }
}

/// The slot a hash starts probing from, its low half scaled to `len`.
fn home(h: u64, len: usize) -> usize {
    (((h & 0xFFFF_FFFF) * len as u64) >> 32) as usize
}

/// The id whose `(` is at `open`: the bytes up to the first `)`, trimmed.
fn key(input: &[u8], open: usize) -> &[u8] {
    let rest = &input[open + 1..];
    let close = memchr::memchr(b')', rest).unwrap_or(rest.len());
    rest[..close].trim_ascii()
}

/// Offsets into the input, as narrow as its length allows.
enum Starts {
    Narrow(Vec<u32>),
    Wide(Vec<u64>),
}

impl Starts {
    /// Room for `expected` offsets into `input`.
    fn for_input(input: &[u8], expected: usize) -> Starts {
        if u32::try_from(input.len()).is_ok() {
            Starts::Narrow(Vec::with_capacity(expected))
        } else {
            Starts::Wide(Vec::with_capacity(expected))
        }
    }

    fn len(&self) -> usize {
        match self {
            Starts::Narrow(v) => v.len(),
            Starts::Wide(v) => v.len(),
        }
    }

    // The offsets are of bytes in the input, so they fit its width.
    fn at(&self, k: usize) -> usize {
        match self {
            Starts::Narrow(v) => v[k] as usize,
            Starts::Wide(v) => v[k] as usize,
        }
    }

    fn push(&mut self, open: usize) {
        match self {
            Starts::Narrow(v) => v.push(open as u32),
            Starts::Wide(v) => v.push(open as u64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_past_the_room_made_for_them_are_still_told_apart() {
        told_apart(false);
    }

    /// The offsets of an input past 4 GiB, on a small one.
    #[test]
    fn wide_offsets_tell_ids_apart_too() {
        told_apart(true);
    }

    fn told_apart(wide: bool) {
        let mut input = Vec::new();
        let mut opens = Vec::new();
        for n in 0..5000u32 {
            opens.push(input.len());
            input.extend_from_slice(format!("( {n:x} )1 0\n").as_bytes());
        }
        let again = input.len();
        input.extend_from_slice(b"(1387)1 0\n");
        let mut ids = BallotIds::new(10);
        for (k, &open) in opens.iter().enumerate() {
            // A bad line that adds no id after every second id.
            let ballot = k as u64 + 1 + k as u64 / 2;
            assert_eq!(ids.insert(&input, open, ballot), None, "id {k}");
            if let (true, Starts::Narrow(v)) = (wide, &ids.starts) {
                ids.starts = Starts::Wide(v.iter().map(|&o| u64::from(o)).collect());
            }
        }
        assert_eq!(matches!(ids.starts, Starts::Wide(_)), wide);
        // 0x1387 is id 4999 (from 0), on ballot 4999 + 1 + 2499.
        assert_eq!(ids.insert(&input, again, 9000), Some(7499));
        assert_eq!(ids.insert(&input, opens[0], 9001), Some(1));
        assert_eq!(ids.insert(&input, opens[3], 9002), Some(5));
    }
}
