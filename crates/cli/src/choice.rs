//! Command-line options whose values are a library's [`Choice`]: clap lists
//! and parses the library's own names and help, with no enum mirrored here.

use ballot::Choice;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};

/// The parser of a [`Choice`] option.
pub fn parser<T: Choice + Clone + Send + Sync>() -> impl TypedValueParser<Value = T> {
    parser_of(T::CHOICES.iter().map(|(v, _, _)| *v))
}

/// The parser of a [`Choice`] option that takes only some of its values.
pub fn parser_of<T: Choice + Clone + Send + Sync>(
    allowed: impl IntoIterator<Item = T>,
) -> impl TypedValueParser<Value = T> {
    let allowed: Vec<T> = allowed.into_iter().collect();
    PossibleValuesParser::new(
        T::CHOICES
            .iter()
            .filter(|(v, _, _)| allowed.contains(v))
            .map(|(_, name, help)| PossibleValue::new(*name).help(*help)),
    )
    .try_map(|name: String| {
        T::from_name(&name).ok_or_else(|| format!("{name:?} is not one of the listed values"))
    })
}
