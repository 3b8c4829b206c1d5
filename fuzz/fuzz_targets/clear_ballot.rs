//! The Clear Ballot CSV reader on any bytes, read whole and for one
//! contest: an election or a placed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = ballot::ReadOptions {
        seats: Some(1),
        ..ballot::ReadOptions::default()
    };
    let _ = ballot::read(ballot::Format::ClearBallot, data, &opts);
    let _ = ballot::read_contest(ballot::Format::ClearBallot, data, &opts, Some("Mayor"));
});
