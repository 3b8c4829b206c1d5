//! The csv ballot reader on any bytes: a ballot election or a placed error,
//! never a panic, a hang or an allocation the input does not pay for.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ballot::read(ballot::Format::Csv, data, &ballot::ReadOptions::default());
});
