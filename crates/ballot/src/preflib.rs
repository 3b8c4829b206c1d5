//! PrefLib reader (placeholder: being written).
use crate::{Election, Error, ErrorKind, Format, ReadOptions};
/// Reads a PrefLib .soi/.toi file.
pub fn read(_input: &[u8], _format: Format, _opts: &ReadOptions) -> Result<Election, Error> {
    Err(Error::new(ErrorKind::UnknownFormat(
        "PrefLib reader not yet written".into(),
    )))
}
