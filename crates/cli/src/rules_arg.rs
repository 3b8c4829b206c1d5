//! `--rules PRESET|FILE` and `--set PATH=VALUE`, shared by every command
//! that counts (and by `recount rules`, which prints the result).
//!
//! A preset name wins over a file of the same name (write `./meek` for the
//! file); it is matched in any letter case (`SCOTTISH-STV`), and the rules
//! record its canonical lowercase name. A name that is neither a preset nor
//! a file is refused with the nearest preset names ("did you mean"), exit 2. A rules file is the JSON `recount rules PRESET` prints; its errors
//! are `FILE: line N: key.path: message`, exit 2. Each `--set` applies in
//! order; `specs/rules/README.md` lists the keys.

use std::path::Path;

use clap::Args;

use crate::Failure;

/// Where the rules come from.
#[derive(Debug, Args)]
pub struct RulesArg {
    /// A rule preset (`recount rules` lists them) or a rules file (the JSON
    /// `recount rules PRESET` prints); required but for counting a bundle,
    /// whose own rules it replaces.
    #[arg(long = "rules", value_name = "PRESET|FILE")]
    pub rules: Option<String>,
    /// Override one option: `--set quota.divisor=seats`, `--set
    /// method.gregory.surplus.transfer_value.rounding.places=4` (repeatable;
    /// keys as `recount rules PRESET` prints them, specs/rules/README.md).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
}

impl RulesArg {
    /// The rules file read, if `--rules` names one rather than a preset.
    pub fn file(&self) -> Option<&Path> {
        let given = self.rules.as_deref()?;
        count::rules::Preset::find(given)
            .is_none()
            .then(|| Path::new(given))
    }

    /// What `--rules` names, for messages (empty when not given).
    pub fn name(&self) -> &str {
        self.rules.as_deref().unwrap_or_default()
    }

    /// The rules asked for, overrides applied and checked.
    pub fn resolve(&self) -> Result<count::Rules, Failure> {
        self.resolve_or(None)
    }

    /// The rules `--rules` names, else `default` (a bundle's), overrides
    /// applied; without either, `--rules` is missing (exit 2).
    pub fn resolve_or(&self, default: Option<&count::Rules>) -> Result<count::Rules, Failure> {
        let mut rules = match (&self.rules, default) {
            (Some(given), _) => load(given)?,
            (None, Some(rules)) => rules.clone(),
            (None, None) => {
                return Err(Failure::Input(
                    "--rules PRESET|FILE is required (`recount rules` lists the presets)".into(),
                ));
            }
        };
        for given in &self.set {
            rules = rules
                .with_override(given)
                .map_err(|e| Failure::Input(format!("{e}")))?;
        }
        Ok(rules)
    }
}

/// A preset by name, else a rules file by path.
pub fn load(name_or_path: &str) -> Result<count::Rules, Failure> {
    if let Some(rules) = count::Rules::preset(name_or_path) {
        return Ok(rules);
    }
    // Not a preset: a rules file (`RulesArg::file`).
    let path = Path::new(name_or_path);
    let text = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(unknown(name_or_path));
        }
        Err(e) => {
            return Err(Failure::Io(format!("{}: cannot read: {e}", path.display())));
        }
    };
    let text = std::str::from_utf8(&text).map_err(|e| {
        Failure::Input(format!(
            "{}: not UTF-8 text (byte {}); a rules file is JSON",
            path.display(),
            e.valid_up_to()
        ))
    })?;
    count::Rules::from_json(text).map_err(|e| Failure::Input(format!("{}: {e}", path.display())))
}

/// An argument that is neither a preset nor a file: a near preset name is
/// taken for a misspelling and suggested.
pub fn unknown(name: &str) -> Failure {
    let names: Vec<&str> = count::Rules::presets().iter().map(|p| p.0).collect();
    let near = count::rules::Preset::closest(name);
    if near.is_empty() {
        return Failure::Input(format!(
            "--rules {name:?} is neither a rules preset nor a rules file; the presets are: {}",
            names.join(", ")
        ));
    }
    Failure::Input(format!(
        "unknown rule preset {name:?}; did you mean {}? (presets: {})",
        near.join(" or "),
        names.join(", ")
    ))
}
