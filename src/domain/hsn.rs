//! HSN (goods) and SAC (services) classification codes.

use std::fmt;

use serde::Serialize;

use super::FieldError;

/// An HSN or SAC code of 4, 6 or 8 digits. Surrounding whitespace is trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct HsnSac(String);

impl HsnSac {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let value = input.trim();
        if value.is_empty() {
            return Err(FieldError::required("HSN/SAC code is required"));
        }
        if !value.bytes().all(|b| b.is_ascii_digit()) || ![4, 6, 8].contains(&value.len()) {
            return Err(FieldError::invalid_format(
                "HSN/SAC code must be 4, 6 or 8 digits",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HsnSac {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_4_6_8_digits() {
        for s in ["8471", "847130", "84713010", "9983"] {
            assert_eq!(HsnSac::parse(s).unwrap().as_str(), s);
        }
    }

    #[test]
    fn rejects_other_lengths_and_characters() {
        assert_eq!(HsnSac::parse(" ").unwrap_err().code, "required");
        for s in ["847", "84713", "8471301", "847130100", "84A1", "8471.30"] {
            assert_eq!(HsnSac::parse(s).unwrap_err().code, "invalid_format", "{s}");
        }
    }

    proptest! {
        #[test]
        fn valid_codes_round_trip(s in "[0-9]{4}|[0-9]{6}|[0-9]{8}") {
            prop_assert_eq!(HsnSac::parse(&s).unwrap().to_string(), s.as_str());
        }

        #[test]
        fn random_input_never_panics(s in "\\PC{0,12}") {
            let _ = HsnSac::parse(&s);
        }
    }
}
