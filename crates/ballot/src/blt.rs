//! BLT reader and writer (placeholder: being written).
use crate::{Election, Error, ErrorKind, ReadOptions};
use std::io;
/// Reads a BLT file.
pub fn read(_input: &[u8], _opts: &ReadOptions) -> Result<Election, Error> {
    Err(Error::new(ErrorKind::UnknownFormat(
        "BLT reader not yet written".into(),
    )))
}
/// Writes canonical BLT.
pub fn write(_e: &Election, _out: &mut dyn io::Write) -> Result<(), Error> {
    Err(Error::new(ErrorKind::UnknownFormat(
        "BLT writer not yet written".into(),
    )))
}
