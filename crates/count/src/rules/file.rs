//! Rules files and `--set` overrides (`specs/rules/README.md`, "Rules
//! files").
//!
//! A rules file is exactly the JSON `recount rules PRESET` prints. Reading
//! one refuses unknown keys and wrong values, naming the key path and what
//! is allowed there; then [`Rules::validate`] checks that the options fit
//! together. An override `PATH=VALUE` replaces one value of a rule's JSON
//! (`quota.divisor=seats`, `method.gregory.surplus.transfer_value.rounding.places=4`)
//! and the result is read again by the same rules, so an override can never
//! make a value a file could not hold.

use std::fmt;

use serde_json::Value;

use super::{Rules, RulesError};

/// Why a rules file or an override was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RulesFileError {
    /// The text is not JSON.
    Syntax {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the JSON reader expected.
        message: String,
    },
    /// A key is unknown, missing or holds a value it cannot.
    Key {
        /// The key path (`method.gregory.surplus.order`); empty for the top.
        path: String,
        /// What is wrong and what is allowed (serde's wording).
        message: String,
        /// 1-based line in the file, when read from text.
        line: Option<usize>,
    },
    /// An override is not `PATH=VALUE`, or its path leads nowhere.
    Override {
        /// The override as given.
        given: String,
        /// What is wrong.
        problem: String,
    },
    /// The options do not fit together.
    Invalid(RulesError),
}

impl fmt::Display for RulesFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RulesFileError::Syntax {
                line,
                column,
                message,
            } => write!(f, "line {line}, column {column}: not JSON: {message}"),
            RulesFileError::Key {
                path,
                message,
                line,
            } => {
                if let Some(line) = line {
                    write!(f, "line {line}: ")?;
                }
                if path.is_empty() || path == "." {
                    write!(f, "{message}")
                } else {
                    write!(f, "{path}: {message}")
                }
            }
            RulesFileError::Override { given, problem } => {
                write!(f, "--set {given}: {problem}")
            }
            RulesFileError::Invalid(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for RulesFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RulesFileError::Invalid(e) => Some(e),
            _ => None,
        }
    }
}

impl Rules {
    /// Reads a rules file: the JSON `recount rules PRESET` prints.
    pub fn from_json(text: &str) -> Result<Rules, RulesFileError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let rules: Rules = match serde_path_to_error::deserialize(&mut de) {
            Ok(r) => r,
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                return Err(if inner.is_syntax() || inner.is_eof() {
                    RulesFileError::Syntax {
                        line: inner.line(),
                        column: inner.column(),
                        message: strip_position(&inner.to_string()),
                    }
                } else {
                    RulesFileError::Key {
                        path,
                        message: strip_position(&inner.to_string()),
                        line: Some(inner.line()),
                    }
                });
            }
        };
        de.end().map_err(|e| RulesFileError::Syntax {
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        })?;
        rules.validate().map_err(RulesFileError::Invalid)?;
        Ok(rules)
    }

    /// These rules with one override, `PATH=VALUE`, applied.
    ///
    /// `PATH` is the dotted key path in the rules JSON (an array element by
    /// its index). `VALUE` is JSON where it reads as JSON (`4`, `true`,
    /// `null`, `["backward","lot"]`), a list of words where an array is
    /// replaced (`backward,lot`), and a string otherwise (`seats`). A value
    /// set to `null` removes an optional option.
    ///
    /// The name records the override (`scottish-stv+quota.divisor=seats`)
    /// unless the override sets the name, so that a transcript never names
    /// a preset it was not counted under.
    pub fn with_override(&self, given: &str) -> Result<Rules, RulesFileError> {
        let refuse = |problem: String| RulesFileError::Override {
            given: given.to_string(),
            problem,
        };
        let Some((path, text)) = given.split_once('=') else {
            return Err(refuse("expected PATH=VALUE".into()));
        };
        let mut json = serde_json::to_value(self).map_err(|e| refuse(e.to_string()))?;
        apply(&mut json, path.trim(), text).map_err(refuse)?;
        // Read back as a file is, so the error names the key path.
        match Rules::from_json(&json.to_string()) {
            Ok(mut rules) => {
                if path.trim() != "name" {
                    rules.name = format!("{}+{}={}", self.name, path.trim(), text.trim());
                }
                Ok(rules)
            }
            Err(RulesFileError::Key { path, message, .. }) => Err(refuse(if path.is_empty() {
                message
            } else {
                format!("{path}: {message}")
            })),
            Err(RulesFileError::Invalid(e)) => Err(RulesFileError::Invalid(e)),
            Err(e) => Err(refuse(e.to_string())),
        }
    }
}

/// Puts `text` at `path` in `json`.
fn apply(json: &mut Value, path: &str, text: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("the key path is empty".into());
    }
    let keys: Vec<&str> = path.split('.').collect();
    let (last, parents) = keys.split_last().expect("split gives one key at least");
    let mut at = json;
    let mut walked = String::new();
    for key in parents {
        let here = at_display(&walked);
        at = step(at, key).ok_or_else(|| no_such_key(here, key))?;
        if !walked.is_empty() {
            walked.push('.');
        }
        walked.push_str(key);
    }
    let value = serde_json::from_str::<Value>(text).unwrap_or_else(|_| {
        if matches!(at.get(*last), Some(Value::Array(_))) {
            Value::Array(
                text.split(',')
                    .map(|w| Value::String(w.trim().to_string()))
                    .collect(),
            )
        } else {
            Value::String(text.to_string())
        }
    });
    match at {
        Value::Object(map) if value.is_null() => {
            map.remove(*last);
        }
        Value::Object(map) => {
            map.insert(last.to_string(), value);
        }
        Value::Array(items) => {
            let n = items.len();
            let slot = last
                .parse::<usize>()
                .ok()
                .and_then(|i| items.get_mut(i))
                .ok_or_else(|| {
                    format!(
                        "{} is a list of {n}; {last:?} is not an index of it",
                        at_display(&walked)
                    )
                })?;
            *slot = value;
        }
        _ => {
            return Err(format!(
                "{} is a single value, not a set of options",
                at_display(&walked)
            ));
        }
    }
    Ok(())
}

/// One step down a key path.
fn step<'v>(at: &'v mut Value, key: &str) -> Option<&'v mut Value> {
    match at {
        Value::Object(map) => map.get_mut(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
        _ => None,
    }
}

fn at_display(walked: &str) -> String {
    if walked.is_empty() {
        "the rules".into()
    } else {
        walked.to_string()
    }
}

fn no_such_key(at: String, key: &str) -> String {
    format!("{at} has no option {key:?} (`recount rules PRESET` prints every key)")
}

/// serde_json appends " at line L column C"; the error carries them apart.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
