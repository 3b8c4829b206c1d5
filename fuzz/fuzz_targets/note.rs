//! The signed-note parser on any bytes, and verification against a key.
#![no_main]

use bundle::keys::{KeyName, SigningKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(note) = bundle::note::Note::parse(data) else {
        return;
    };
    let signer = SigningKey::from_seed([7; 32]).signer(KeyName::new("fuzz").expect("a name"));
    let _ = bundle::note::verify(&note, &[signer.verifier_key()], 1);
    let _ = bundle::statement::Statement::parse(note.text().as_bytes());
});
