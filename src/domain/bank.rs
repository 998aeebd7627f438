//! Bank account numbers.

use std::fmt;

use serde::Serialize;

use super::{mask_last4, FieldError};

/// A bank account number: 9 to 18 ASCII digits, nothing else.
///
/// Surrounding whitespace is trimmed; leading zeros are kept because they are
/// part of the number. `Debug` shows only the masked form.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct AccountNumber(String);

impl AccountNumber {
    pub const MIN_DIGITS: usize = 9;
    pub const MAX_DIGITS: usize = 18;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let value = input.trim();
        if value.is_empty() {
            return Err(FieldError::required("account number is required"));
        }
        if !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::invalid_format(
                "account number may contain digits only",
            ));
        }
        if value.len() < Self::MIN_DIGITS {
            return Err(FieldError::too_short(
                "account number must have at least 9 digits",
            ));
        }
        if value.len() > Self::MAX_DIGITS {
            return Err(FieldError::too_long(
                "account number must have at most 18 digits",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with all but its last four digits replaced by `*`.
    pub fn masked(&self) -> String {
        mask_last4(&self.0)
    }
}

impl fmt::Display for AccountNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for AccountNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AccountNumber")
            .field(&self.masked())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_9_to_18_digits() {
        assert_eq!(
            AccountNumber::parse("123456789").unwrap().as_str(),
            "123456789"
        );
        assert_eq!(
            AccountNumber::parse(" 000123456789012345 ")
                .unwrap()
                .as_str(),
            "000123456789012345"
        );
    }

    #[test]
    fn rejects_bad_input() {
        let code = |s: &str| AccountNumber::parse(s).unwrap_err().code;
        assert_eq!(code(""), "required");
        assert_eq!(code("12345678"), "too_short");
        assert_eq!(code("1234567890123456789"), "too_long");
        assert_eq!(code("1234 56789"), "invalid_format");
        assert_eq!(code("12345678A"), "invalid_format");
        assert_eq!(code("-123456789"), "invalid_format");
    }

    #[test]
    fn debug_is_masked() {
        let a = AccountNumber::parse("123456789012").unwrap();
        assert_eq!(format!("{a:?}"), "AccountNumber(\"********9012\")");
    }

    proptest! {
        #[test]
        fn valid_numbers_round_trip(s in "[0-9]{9,18}") {
            prop_assert_eq!(AccountNumber::parse(&s).unwrap().to_string(), s.as_str());
        }

        #[test]
        fn random_input_never_panics(s in "\\PC{0,30}") {
            let _ = AccountNumber::parse(&s);
        }
    }
}
