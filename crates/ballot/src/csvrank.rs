//! CSV reader and writer (placeholder: being written).
use crate::{Election, Error, ErrorKind, ReadOptions};
use std::io;
/// Reads a CSV file.
pub fn read(_input: &[u8], _opts: &ReadOptions) -> Result<Election, Error> {
    Err(Error::new(ErrorKind::UnknownFormat(
        "CSV reader not yet written".into(),
    )))
}
/// Writes CSV.
pub fn write(_e: &Election, _out: &mut dyn io::Write) -> Result<(), Error> {
    Err(Error::new(ErrorKind::UnknownFormat(
        "CSV writer not yet written".into(),
    )))
}
