//! The documented exit codes of `recount`, chosen in one place
//! ([`crate::Failure::exit_code`]).

/// Everything worked.
pub const OK: u8 = 0;
/// The command ran, and a check it performs failed (a verification, a diff
/// that found differences). Later commands use it.
pub const CHECK_FAILED: u8 = 1;
/// Bad usage or bad input: a malformed file, an unknown option value, a
/// missing seat count. Nothing was written.
pub const BAD_INPUT: u8 = 2;
/// The environment failed us: a file could not be read or written.
pub const IO_ERROR: u8 = 3;
