//! JSON reader and writer (placeholder: being written).
use crate::{Election, Error, ErrorKind, ReadOptions};
use std::io;
/// Reads a JSON file.
pub fn read(_input: &[u8], _opts: &ReadOptions) -> Result<Election, Error> {
    Err(Error::new(ErrorKind::UnknownFormat(
        "JSON reader not yet written".into(),
    )))
}
/// Writes JSON.
pub fn write(_e: &Election, _out: &mut dyn io::Write) -> Result<(), Error> {
    Err(Error::new(ErrorKind::UnknownFormat(
        "JSON writer not yet written".into(),
    )))
}
