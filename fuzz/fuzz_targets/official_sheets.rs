//! Every official sheet reader on any bytes (the first byte chooses the
//! format), and the detection of formats.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let _ = official::detect(rest);
    let formats = official::SheetFormat::ALL;
    let format = formats[usize::from(first) % formats.len()];
    let names = ["Ann".to_owned(), "Bob".to_owned()];
    let choice = official::Choice {
        contest: None,
        names: &names,
    };
    let _ = official::read(format, rest, &choice);
});
