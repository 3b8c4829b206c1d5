//! The attributes CSV on any bytes, against a fixed election of two contests.
#![no_main]

use libfuzzer_sys::fuzz_target;

const BLT: &[u8] = b"3 1\n1 1 2 0\n1 3 0\n0\n\"Ann\"\n\"Bob\"\n\"Cy\"\n\"W\"\n";

fuzz_target!(|data: &[u8]| {
    let Ok(mut election) = ballot::read(ballot::Format::Blt, BLT, &ballot::ReadOptions::default())
    else {
        return;
    };
    let _ = ballot::constraints::read_attributes(data, &mut election);
});
