//! One figure per candidate at one stage (totals, transfers, keep values),
//! held compactly as typed numbers and written on the wire exactly as
//! `recount-transcript/1` has always written them: a JSON object from each
//! candidate's name to a decimal string, in ballot-paper order.
//!
//! A count of many candidates over many stages stores candidates × stages
//! of these, so a figure is one machine integer (the number of units of the
//! rules' display places, `i64` while every figure fits, else `i128`) and
//! the names are shared by every stage of a contest, never copied into
//! each. Reading a figure by name is a table look-up.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use indexmap::IndexMap;
use serde::de::Error as _;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::decimal::{self, Decimal};

/// A contest's candidate names (unique, ballot-paper order), shared by the
/// figures of all its stages.
#[derive(Debug)]
pub struct Names {
    list: Vec<String>,
    index: HashMap<String, usize>,
}

impl Names {
    /// The names, in order; each must be unique.
    pub fn new(list: Vec<String>) -> Arc<Names> {
        let index = list
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), i))
            .collect();
        Arc::new(Names { list, index })
    }

    /// The names, in order.
    pub fn as_slice(&self) -> &[String] {
        &self.list
    }

    /// The position of `name`.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }
}

impl PartialEq for Names {
    fn eq(&self, other: &Names) -> bool {
        self.list == other.list
    }
}

impl Eq for Names {}

/// Candidates named by their place in a contest's shared names (a tie
/// record lists thousands at a stage: four bytes a name), written on the
/// wire as a JSON array of names.
#[derive(Clone, Debug)]
pub struct NameList {
    names: Arc<Names>,
    ids: Vec<u32>,
}

impl NameList {
    /// The candidates at positions `ids` of `names`, in that order.
    pub fn new(names: &Arc<Names>, ids: impl IntoIterator<Item = usize>) -> NameList {
        NameList {
            names: names.clone(),
            ids: ids.into_iter().map(|i| i as u32).collect(),
        }
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The names, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.ids
            .iter()
            .map(|&i| self.names.list[i as usize].as_str())
    }
}

impl Default for NameList {
    fn default() -> NameList {
        NameList::new(&Names::new(Vec::new()), [])
    }
}

impl PartialEq for NameList {
    fn eq(&self, other: &NameList) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for NameList {}

/// The names joined by `, `.
impl fmt::Display for NameList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, name) in self.iter().enumerate() {
            if k > 0 {
                f.write_str(", ")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

impl Serialize for NameList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for NameList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<NameList, D::Error> {
        let list = Vec::<String>::deserialize(deserializer)?;
        let n = list.len();
        Ok(NameList::new(&Names::new(list), 0..n))
    }
}

/// The units of each figure: the narrow form while every figure fits, and
/// only the figures that differ from the commonest where that saves room
/// (a stage's transfers: most candidates receive nothing; its totals late
/// in a count: most candidates are excluded and hold nothing; Meek's keep
/// values: the hopeful keep all and the defeated none).
#[derive(Clone, Debug)]
enum Units {
    Narrow(Vec<i64>),
    Wide(Vec<i128>),
    Sparse {
        len: usize,
        /// The figure of every candidate not listed.
        common: i64,
        /// Ascending positions of the figures that differ from `common`.
        at: Vec<u32>,
        units: Vec<i64>,
    },
}

/// The commonest of zero and the majority of the other figures (if they
/// have one), with how often it occurs: the figure a sparse set leaves out.
fn commonest(units: &[i64]) -> (i64, usize) {
    let zeros = units.iter().filter(|&&u| u == 0).count();
    // Boyer–Moore majority vote over the figures that are not zero.
    let mut candidate = 0;
    let mut votes = 0usize;
    for &u in units.iter().filter(|&&u| u != 0) {
        if votes == 0 {
            candidate = u;
            votes = 1;
        } else if u == candidate {
            votes += 1;
        } else {
            votes -= 1;
        }
    }
    let others = units.iter().filter(|&&u| u != 0 && u == candidate).count();
    if others > zeros {
        (candidate, others)
    } else {
        (0, zeros)
    }
}

/// One figure per candidate at one stage, at one number of places.
#[derive(Clone, Debug)]
pub struct Figures {
    names: Arc<Names>,
    places: u32,
    units: Units,
}

impl Figures {
    /// No figures (the transfers of the first stage).
    pub fn empty(names: Arc<Names>, places: u32) -> Figures {
        Figures {
            names,
            places,
            units: Units::Narrow(Vec::new()),
        }
    }

    /// The figures `units × 10^-places`, one per name, in order; `None`
    /// when their number is not the number of names or `places` is beyond
    /// [`decimal::MAX_PLACES`].
    pub fn new(names: Arc<Names>, places: u32, units: &[i128]) -> Option<Figures> {
        if units.len() != names.list.len() || places > decimal::MAX_PLACES {
            return None;
        }
        let narrow: Option<Vec<i64>> = units.iter().map(|&u| i64::try_from(u).ok()).collect();
        let units = match narrow {
            // A listed figure takes 12 bytes, a dense one 8: sparse when
            // fewer than two in three are listed.
            Some(n) if 3 * (n.len() - commonest(&n).1) < 2 * n.len() => {
                let (common, _) = commonest(&n);
                let (at, units) = n
                    .iter()
                    .enumerate()
                    .filter(|(_, u)| **u != common)
                    .map(|(i, &u)| (i as u32, u))
                    .unzip();
                Units::Sparse {
                    len: n.len(),
                    common,
                    at,
                    units,
                }
            }
            Some(n) => Units::Narrow(n),
            None => Units::Wide(units.to_vec()),
        };
        Some(Figures {
            names,
            places,
            units,
        })
    }

    /// How many figures (0 for an empty set, else one per candidate).
    pub fn len(&self) -> usize {
        match &self.units {
            Units::Narrow(v) => v.len(),
            Units::Wide(v) => v.len(),
            Units::Sparse { len, .. } => *len,
        }
    }

    /// How many integers are held (at most [`Self::len`]; fewer where most
    /// figures are zero).
    pub fn stored(&self) -> usize {
        match &self.units {
            Units::Narrow(v) => v.len(),
            Units::Wide(v) => v.len(),
            Units::Sparse { units, .. } => units.len(),
        }
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The places every figure is written with.
    pub fn places(&self) -> u32 {
        self.places
    }

    /// The figure of the `i`-th candidate (ballot-paper order).
    pub fn at(&self, i: usize) -> Option<Decimal> {
        let units = match &self.units {
            Units::Narrow(v) => i128::from(*v.get(i)?),
            Units::Wide(v) => *v.get(i)?,
            Units::Sparse {
                len,
                common,
                at,
                units,
            } => {
                if i >= *len {
                    return None;
                }
                i128::from(at.binary_search(&(i as u32)).map_or(*common, |k| units[k]))
            }
        };
        Decimal::new(units, self.places)
    }

    /// The figure of the candidate `name`.
    pub fn get(&self, name: &str) -> Option<Decimal> {
        self.at(self.names.position(name)?)
    }

    /// The figure of `name` as the transcript writes it (`"1302.94200"`).
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name).map(|d| d.to_string())
    }

    /// `(name, figure)` in ballot-paper order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Decimal)> + '_ {
        (0..self.len()).filter_map(move |i| Some((self.names.list[i].as_str(), self.at(i)?)))
    }

    /// The figures in ballot-paper order.
    pub fn values(&self) -> impl Iterator<Item = Decimal> + '_ {
        (0..self.len()).filter_map(move |i| self.at(i))
    }
}

/// Equal when they name the same candidates with the same figures at the
/// same places, however each is held.
impl PartialEq for Figures {
    fn eq(&self, other: &Figures) -> bool {
        self.places == other.places
            && self.names == other.names
            && self.len() == other.len()
            && self.values().eq(other.values())
    }
}

impl Eq for Figures {}

impl fmt::Display for Figures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (name, value) in self.iter() {
            if !first {
                f.write_str(", ")?;
            }
            first = false;
            write!(f, "{name} {value}")?;
        }
        Ok(())
    }
}

impl Serialize for Figures {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (name, value) in self.iter() {
            map.serialize_entry(name, &value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Figures {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Figures, D::Error> {
        let map = IndexMap::<String, Decimal>::deserialize(deserializer)?;
        let places = map.values().map(Decimal::places).max().unwrap_or(0);
        let mut units = Vec::with_capacity(map.len());
        for (name, value) in &map {
            // A transcript writes every figure of a stage at one precision.
            if value.places() != places {
                return Err(D::Error::custom(format!(
                    "{name}: {value} has {} places where the others have {places}",
                    value.places()
                )));
            }
            units.push(value.mantissa());
        }
        let names = Names::new(map.into_keys().collect());
        Figures::new(names, places, &units).ok_or_else(|| D::Error::custom("figures"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_written_as_the_transcript_map_and_read_back() {
        let names = Names::new(vec!["Smith".into(), "Jones, A".into()]);
        let f = Figures::new(names, 5, &[130294200, -69000000]).unwrap();
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(json, r#"{"Smith":"1302.94200","Jones, A":"-690.00000"}"#);
        let back: Figures = serde_json::from_str(&json).unwrap();
        assert_eq!(back, f);
        assert_eq!(f.text("Jones, A").as_deref(), Some("-690.00000"));
        assert_eq!(f.get("Nobody"), None);
    }

    #[test]
    fn figures_beyond_i64_are_held_wide_and_exactly() {
        let names = Names::new(vec!["A".into()]);
        let big = i128::from(i64::MAX) * 1000 + 7;
        let f = Figures::new(names, 3, &[big]).unwrap();
        assert_eq!(f.at(0).unwrap().mantissa(), big);
        let back: Figures = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
        assert_eq!(back, f);
    }

    #[test]
    fn mostly_zero_figures_are_held_sparse_and_read_the_same() {
        let names = Names::new((1..=8).map(|i| format!("C{i}")).collect());
        let units = [0, 0, 150000, 0, 0, 0, -150000, 0];
        let f = Figures::new(names.clone(), 5, &units).unwrap();
        assert_eq!(f.stored(), 2);
        assert_eq!(f.len(), 8);
        let read: Vec<i128> = f.values().map(|d| d.mantissa()).collect();
        assert_eq!(read, units);
        let json = serde_json::to_string(&f).unwrap();
        assert!(json.starts_with(r#"{"C1":"0.00000","C2":"0.00000","C3":"1.50000""#));
        assert_eq!(serde_json::from_str::<Figures>(&json).unwrap(), f);
        // A figure past the end; keep values, mostly one; figures with no
        // commonest, held densely.
        assert_eq!(f.at(8), None);
        let keep = [100000, 100000, 0, 100000, 33333, 100000, 100000, 100000];
        let k = Figures::new(names.clone(), 5, &keep).unwrap();
        assert_eq!(k.stored(), 2);
        assert_eq!(k.values().map(|d| d.mantissa()).collect::<Vec<_>>(), keep);
        let dense = Figures::new(names, 5, &[1, 2, 3, 4, 5, 6, 0, 0]).unwrap();
        assert_eq!(dense.stored(), 8);
        assert_ne!(dense, f);
    }

    #[test]
    fn a_stage_mixing_precisions_is_refused() {
        let r: Result<Figures, _> = serde_json::from_str(r#"{"A":"1.00","B":"2.000"}"#);
        assert!(
            r.unwrap_err()
                .to_string()
                .contains("A: 1.00 has 2 places where the others have 3")
        );
    }
}
