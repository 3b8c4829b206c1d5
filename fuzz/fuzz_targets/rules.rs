//! A rules file (the JSON `recount rules` prints) on any bytes, and an
//! override (`--set PATH=VALUE`) of a preset.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(rules) = count::Rules::from_json(text) {
        let _ = rules.validate();
    }
    if let Some(preset) = count::Rules::preset("scottish-stv") {
        let _ = preset.with_override(text);
    }
});
