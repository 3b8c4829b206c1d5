//! The PrefLib readers (SOI and TOI) on any bytes: the first byte chooses.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let format = if first % 2 == 0 {
        ballot::Format::PreflibSoi
    } else {
        ballot::Format::PreflibToi
    };
    let _ = ballot::read(format, rest, &ballot::ReadOptions::default());
});
