//! The proof file parser on any bytes, and each proof it reads checked
//! against the statement of a small valid bundle.
#![no_main]

use bundle::verify::Entry;
use libfuzzer_sys::fuzz_target;

mod bundle_common;

fuzz_target!(|data: &[u8]| {
    let Ok(proof) = bundle::proof::Proof::parse(data) else {
        return;
    };
    let statement = bundle_common::entries().iter().find_map(|e| match e {
        Entry::File { path, bytes } if path == "statement" => Some(bytes.as_slice()),
        _ => None,
    });
    if let Some(statement) = statement {
        let _ = bundle::proof::check(
            &proof,
            statement,
            &[bundle_common::signer().verifier_key()],
            1,
        );
    }
});
