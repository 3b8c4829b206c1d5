//! The bundle verifier on a valid bundle with one file replaced by any
//! bytes (the first byte chooses the file): a report, never a panic.
#![no_main]

use bundle::verify::{self, Entry};
use libfuzzer_sys::fuzz_target;

mod bundle_common;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let mut entries = bundle_common::entries().to_vec();
    let files: Vec<usize> = (0..entries.len())
        .filter(|&i| matches!(entries[i], Entry::File { .. }))
        .collect();
    let pick = files[usize::from(first) % files.len()];
    if let Entry::File { bytes, .. } = &mut entries[pick] {
        *bytes = rest.to_vec();
    }
    let (report, verified) = verify::verify(&entries, &[bundle_common::signer().verifier_key()], 1);
    assert_eq!(report.passed(), verified.is_some());
});
