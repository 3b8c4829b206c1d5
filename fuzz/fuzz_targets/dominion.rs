//! The Dominion export reader on any bytes: the input split at its first
//! two NUL bytes into export, contest manifest and candidate manifest; an
//! election or a placed error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |&b| b == 0);
    let export = parts.next().unwrap_or_default();
    let contests = parts.next().unwrap_or_default();
    let candidates = parts.next().unwrap_or_default();
    let manifests = ballot::dominion::Manifests {
        contests,
        candidates,
    };
    let _ = ballot::dominion::read(export, manifests, &ballot::ReadOptions::default());
});
