//! A small valid bundle, made once, for the bundle targets.

use std::sync::OnceLock;

use bundle::keys::{KeyName, Signer, SigningKey};
use bundle::publish::{self, Draft};
use bundle::verify::Entry;

const BLT: &[u8] =
    b"4 2\n2 1 2 3 0\n1 2 0\n3 3 1 0\n1 4 0\n0\n\"Ann\"\n\"Bob\"\n\"Cy\"\n\"Di\"\n\"Ward\"\n";

pub fn signer() -> Signer {
    SigningKey::from_seed([3; 32]).signer(KeyName::new("fuzz").expect("a name"))
}

/// The bundle's entries, in a fixed order.
pub fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        let opts = ballot::ReadOptions {
            id: "ward-1".into(),
            ..Default::default()
        };
        let election = ballot::read(ballot::Format::Blt, BLT, &opts).expect("the fixture");
        let rules = count::Rules::preset("scottish-stv").expect("a preset");
        let draft = Draft::new(&election, &rules).expect("a draft");
        publish::in_memory(&election, &draft, &signer()).expect("a bundle")
    })
}
