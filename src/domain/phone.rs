//! Telephone numbers.

use std::fmt;

use serde::Serialize;

use super::FieldError;

/// A telephone number: an optional leading `+`, then 10 to 15 digits.
///
/// Spaces and hyphens are removed, so `"+91 98765-43210"` is stored as
/// `"+919876543210"`. No country code is assumed or added.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(FieldError::required("phone number is required"));
        }
        let (plus, rest) = match trimmed.strip_prefix('+') {
            Some(rest) => ("+", rest),
            None => ("", trimmed),
        };
        let digits: String = rest.chars().filter(|c| *c != ' ' && *c != '-').collect();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::invalid_format(
                "phone number may contain only digits, spaces, hyphens and a leading +",
            ));
        }
        if digits.len() < 10 {
            return Err(FieldError::too_short(
                "phone number must have at least 10 digits",
            ));
        }
        if digits.len() > 15 {
            return Err(FieldError::too_long(
                "phone number must have at most 15 digits",
            ));
        }
        Ok(Self(format!("{plus}{digits}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalises() {
        let p = |s: &str| Phone::parse(s).unwrap().as_str().to_owned();
        assert_eq!(p("9876543210"), "9876543210");
        assert_eq!(p(" +91 98765-43210 "), "+919876543210");
        assert_eq!(p("080-2345 6789"), "08023456789");
        assert_eq!(p("+123456789012345"), "+123456789012345");
    }

    #[test]
    fn rejects_bad_numbers() {
        let code = |s: &str| Phone::parse(s).unwrap_err().code;
        assert_eq!(code(""), "required");
        assert_eq!(code("+"), "invalid_format");
        assert_eq!(code("98765 4321"), "too_short");
        assert_eq!(code("+1234567890123456"), "too_long");
        assert_eq!(code("(080) 23456789"), "invalid_format");
        assert_eq!(code("98765x43210"), "invalid_format");
        assert_eq!(code("++919876543210"), "invalid_format");
        assert_eq!(code("91+9876543210"), "invalid_format");
    }

    proptest! {
        #[test]
        fn valid_numbers_round_trip(plus in "\\+?", digits in "[0-9]{10,15}") {
            let text = format!("{plus}{digits}");
            prop_assert_eq!(Phone::parse(&text).unwrap().to_string(), text.as_str());
        }

        #[test]
        fn random_input_never_panics(s in "\\PC{0,30}") {
            let _ = Phone::parse(&s);
        }
    }
}
