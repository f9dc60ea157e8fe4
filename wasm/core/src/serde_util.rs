//! Private serde helpers shared by the settings types.
//!
//! Jira sends decimal settings (`workingHoursPerDay: 7.5`) as JSON numbers, while the
//! workspace's `rust_decimal` is built with `serde-str` (amounts travel as strings so
//! JavaScript never rounds them). This helper accepts both and converts a number through
//! its shortest decimal text, so `7.3` becomes exactly `7.3`, not the nearest binary
//! fraction.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};

/// A decimal as found in JSON: a number or a string.
#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText {
    Number(serde_json::Number),
    Text(String),
}

/// Parses decimal text such as `7.5`, `8`, `1e-3` exactly.
pub(crate) fn decimal_from_text(text: &str) -> Option<Decimal> {
    let text = text.trim();
    text.parse::<Decimal>()
        .ok()
        .or_else(|| Decimal::from_scientific(text).ok())
}

/// `deserialize_with` for a [`Decimal`] given as a JSON number or string.
pub(crate) fn decimal<'de, D>(deserializer: D) -> Result<Decimal, D::Error>
where
    D: Deserializer<'de>,
{
    let text = match NumberOrText::deserialize(deserializer)? {
        NumberOrText::Number(number) => number.to_string(),
        NumberOrText::Text(text) => text,
    };
    decimal_from_text(&text).ok_or_else(|| {
        serde::de::Error::custom(format_args!(
            "invalid decimal {} (expected a number such as 7.5)",
            crate::error::quote(&text)
        ))
    })
}

/// `deserialize_with` for an optional [`Decimal`].
pub(crate) fn opt_decimal<'de, D>(deserializer: D) -> Result<Option<Decimal>, D::Error>
where
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "decimal")] Decimal);
    Ok(Option::<Wrapped>::deserialize(deserializer)?.map(|Wrapped(d)| d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Probe {
        #[serde(deserialize_with = "decimal")]
        value: Decimal,
    }

    #[test]
    fn numbers_and_strings_convert_exactly() {
        for (json, expected) in [
            (r#"{"value": 7.3}"#, "7.3"),
            (r#"{"value": 8}"#, "8"),
            (r#"{"value": "7.5"}"#, "7.5"),
            (r#"{"value": 1e-3}"#, "0.001"),
        ] {
            let probe: Probe = serde_json::from_str(json).unwrap();
            assert_eq!(probe.value, expected.parse::<Decimal>().unwrap(), "{json}");
        }
    }

    #[test]
    fn garbage_is_rejected_with_the_value() {
        let err = serde_json::from_str::<Probe>(r#"{"value": "seven"}"#)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains(r#"invalid decimal "seven""#), "{err}");
    }
}
