//! DAT reader (placeholder: being written).
use crate::{Election, Error, ErrorKind, ReadOptions};
/// Reads a rank-position .dat file.
pub fn read(_input: &[u8], _opts: &ReadOptions) -> Result<Election, Error> {
    Err(Error::new(ErrorKind::UnknownFormat(
        "DAT reader not yet written".into(),
    )))
}
