//! The Hart export reader on any bytes: the input as one paper's document
//! or a zip archive (`ballot::read`), and split at its NUL bytes into the
//! files of an export, read whole and for one contest; an election or a
//! placed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let opts = ballot::ReadOptions {
        seats: Some(1),
        ..ballot::ReadOptions::default()
    };
    let _ = ballot::read(ballot::Format::Hart, data, &opts);
    let names: Vec<String> = (0..data.split(|&b| b == 0).count())
        .map(|i| format!("{i:04}.xml"))
        .collect();
    let files: Vec<(&str, &[u8])> = names
        .iter()
        .map(String::as_str)
        .zip(data.split(|&b| b == 0))
        .collect();
    let _ = ballot::hart::read(&files, &opts);
    let _ = ballot::hart::read_contest(&files, &opts, Some("Mayor"));
});
