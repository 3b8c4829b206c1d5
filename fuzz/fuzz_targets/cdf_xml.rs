//! The NIST CDF XML reader on any bytes, read whole and for one contest:
//! an election or a placed error, never a panic, a hang or an allocation
//! the input does not pay for.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = ballot::ReadOptions {
        seats: Some(1),
        ..ballot::ReadOptions::default()
    };
    let _ = ballot::read(ballot::Format::CdfXml, data, &opts);
    let _ = ballot::read_contest(ballot::Format::CdfXml, data, &opts, Some("Mayor"));
    let _ = ballot::Format::detect("cvr.xml", data);
});
