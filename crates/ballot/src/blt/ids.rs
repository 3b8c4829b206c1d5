//! The OpenSTV ballot ids seen so far, kept compactly to check that they
//! are distinct.
//!
//! The reader streams its input, so an id cannot be looked up again where
//! it was read: the ids are copied, each followed by a `)` (which no id
//! holds), end to end into one arena of bytes, and the index points into
//! it. An entry is the id's bytes, its `)` and an index slot (8 bytes at a
//! load of at most 5/8), about 14 bytes beside the id's own, where a
//! `HashMap` of keys and ballot numbers took 24 bytes and up to as much
//! again in spare room beside a `Vec` for each key.
//!
//! The ballot that first had an id is not stored either: ids are added in
//! the order of their ballots, so it is the id's place in that order (the
//! `)`s before it, counted when a repeat is found) plus the ballots that
//! added none before it (bad lines, at most [`crate::Error::MAX_REPORTED`]).
//!
//! What an id is (the bytes between `(` and the first `)`, ASCII spaces
//! trimmed) and what the reader says of a repeat are the reader's
//! (`blt.rs`).

use std::hash::BuildHasher;

/// Distinct ids, copied.
pub(super) struct BallotIds {
    hasher: foldhash::fast::FixedState,
    /// The ids in the order they were added, each followed by `)`.
    bytes: Vec<u8>,
    /// How many ids `bytes` holds.
    len: u64,
    /// Open addressing over `bytes`, probed linearly: `tag << 40 | (at + 1)`
    /// for the id starting at `bytes[at]`, the tag being the top 24 bits of
    /// its hash; 0 is empty.
    slots: Vec<u64>,
    /// `(k, d)`: from the `k`-th id on, its ballot is `k + 1 + d`; a new
    /// pair whenever a ballot added no id, so at most one per bad line.
    gaps: Vec<(u64, u64)>,
    /// Ids to make room for on the first one.
    expected: usize,
}

/// Ids past 2^40 bytes in all (a file of over a terabyte) would not fit an
/// index slot.
const MAX_AT: u64 = (1 << 40) - 1;

impl BallotIds {
    /// An empty set, which makes room for `expected` ids once the first is
    /// added (a file without ids costs nothing).
    pub(super) fn new(expected: usize) -> BallotIds {
        BallotIds {
            hasher: foldhash::fast::FixedState::with_seed(0x6964_7321),
            bytes: Vec::new(),
            len: 0,
            slots: Vec::new(),
            gaps: Vec::new(),
            expected,
        }
    }

    /// Adds `id` (see [`key`]), on ballot `ballot` (1-based, greater than
    /// that of every id added before); if an earlier ballot had the same
    /// id, adds nothing and returns that ballot's number.
    pub(super) fn insert(&mut self, id: &[u8], ballot: u64) -> Option<u64> {
        let h = self.hasher.hash_one(id);
        let tag = h >> 40;
        self.make_room();
        let slots = self.slots.len();
        let mut i = home(h, slots);
        loop {
            let e = self.slots[i];
            if e == 0 {
                break;
            }
            let at = ((e & MAX_AT) - 1) as usize;
            if e >> 40 == tag && self.id_at(at) == id {
                return Some(self.ballot_of(at));
            }
            i += 1;
            if i == slots {
                i = 0;
            }
        }
        let at = self.bytes.len() as u64;
        if at + id.len() as u64 >= MAX_AT {
            // Not reachable by a file that fits in memory; past it, ids
            // are not checked rather than mistaken for one another.
            return None;
        }
        let k = self.len;
        let gap = ballot - (k + 1);
        if self.gaps.last().map_or(0, |&(_, d)| d) != gap {
            self.gaps.push((k, gap));
        }
        // By half again at a time, not doubling: the ids of a hostile file
        // of nothing but short id lines are a third of it.
        let more = id.len() + 1;
        if self.bytes.capacity() - self.bytes.len() < more {
            self.bytes
                .reserve_exact(more.max(self.bytes.len() / 2).max(64));
        }
        self.bytes.extend_from_slice(id);
        self.bytes.push(b')');
        self.len += 1;
        self.slots[i] = (tag << 40) | (at + 1);
        None
    }

    /// The id starting at `bytes[at]`.
    fn id_at(&self, at: usize) -> &[u8] {
        let rest = &self.bytes[at..];
        &rest[..memchr::memchr(b')', rest).unwrap_or(rest.len())]
    }

    /// The ballot of the id starting at `bytes[at]`: its place among the
    /// ids, less the ids' gaps.
    fn ballot_of(&self, at: usize) -> u64 {
        let k = memchr::memchr_iter(b')', &self.bytes[..at]).count() as u64;
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
    /// again).
    fn make_room(&mut self) {
        let need = (self.len as usize + 1).saturating_mul(8) / 5 + 1;
        if need <= self.slots.len() {
            return;
        }
        let slots = need
            .max(self.expected.saturating_mul(8) / 5 + 1)
            .max(self.slots.len().saturating_add(self.slots.len() / 2));
        // The old table goes first: the new one is built from the ids.
        self.slots = Vec::new();
        self.slots = vec![0; slots];
        let mut at = 0;
        while at < self.bytes.len() {
            let id = self.id_at(at);
            let (h, next) = (self.hasher.hash_one(id), at + id.len() + 1);
            let mut i = home(h, slots);
            while self.slots[i] != 0 {
                i += 1;
                if i == slots {
                    i = 0;
                }
            }
            self.slots[i] = ((h >> 40) << 40) | (at as u64 + 1);
            at = next;
        }
    }
}

/// The slot a hash starts probing from, its low half scaled to `len`.
fn home(h: u64, len: usize) -> usize {
    (((h & 0xFFFF_FFFF) * len as u64) >> 32) as usize
}

/// The id whose `(` is at `open` in `input`: the bytes up to the first
/// `)`, trimmed.
pub(super) fn key(input: &[u8], open: usize) -> &[u8] {
    let rest = &input[open + 1..];
    let close = memchr::memchr(b')', rest).unwrap_or(rest.len());
    rest[..close].trim_ascii()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_past_the_room_made_for_them_are_still_told_apart() {
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
            assert_eq!(ids.insert(key(&input, open), ballot), None, "id {k}");
        }
        // 0x1387 is id 4999 (from 0), on ballot 4999 + 1 + 2499.
        assert_eq!(ids.insert(key(&input, again), 9000), Some(7499));
        assert_eq!(ids.insert(key(&input, opens[0]), 9001), Some(1));
        assert_eq!(ids.insert(key(&input, opens[3]), 9002), Some(5));
        // An empty id is an id too, and so is one of spaces: both empty.
        assert_eq!(ids.insert(b"", 9003), None);
        assert_eq!(ids.insert(key(b"(  )1 0", 0), 9004), Some(9003));
    }
}
