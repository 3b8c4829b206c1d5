//! The constraints CSV on any bytes, against a fixed election with attributes.
#![no_main]

use libfuzzer_sys::fuzz_target;

const BLT: &[u8] = b"3 1\n1 1 2 0\n1 3 0\n0\n\"Ann\"\n\"Bob\"\n\"Cy\"\n\"W\"\n";
const ATTRIBUTES: &[u8] = b"name,gender\nAnn,woman\nBob,man\nCy,woman\n";

fuzz_target!(|data: &[u8]| {
    let Ok(mut election) = ballot::read(ballot::Format::Blt, BLT, &ballot::ReadOptions::default())
    else {
        return;
    };
    if ballot::constraints::read_attributes(ATTRIBUTES, &mut election).is_err() {
        return;
    }
    let _ = ballot::constraints::read_constraints(data, &election);
});
