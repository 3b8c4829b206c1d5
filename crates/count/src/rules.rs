//! Rules as data (placeholder being written by the engine work: it will be
//! replaced whole; only `Rules: Serialize + Deserialize + Clone + Debug + Eq` is relied on).
use serde::{Deserialize, Serialize};
/// A rule variant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// The preset's name.
    pub name: String,
}
