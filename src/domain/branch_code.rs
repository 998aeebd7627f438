//! Branch codes, which also prefix invoice numbers.

use std::fmt;

use serde::Serialize;

use super::FieldError;

/// A branch code: 2 to 10 upper-case letters or digits, e.g. `HQ` or `BLR01`.
///
/// Surrounding whitespace is trimmed but case is not changed: `"hq"` is
/// refused, so the code a user typed is the code printed on invoices.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct BranchCode(String);

impl BranchCode {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let value = input.trim();
        if value.is_empty() {
            return Err(FieldError::required("branch code is required"));
        }
        if !value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            return Err(FieldError::invalid_format(
                "branch code may contain only upper-case letters and digits",
            ));
        }
        if value.len() < 2 {
            return Err(FieldError::too_short(
                "branch code must be at least 2 characters",
            ));
        }
        if value.len() > 10 {
            return Err(FieldError::too_long(
                "branch code must be at most 10 characters",
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BranchCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_valid_codes() {
        assert_eq!(BranchCode::parse("HQ").unwrap().as_str(), "HQ");
        assert_eq!(BranchCode::parse(" BLR01 ").unwrap().as_str(), "BLR01");
        assert_eq!(
            BranchCode::parse("0123456789").unwrap().as_str(),
            "0123456789"
        );
    }

    #[test]
    fn rejects_invalid_codes() {
        let code = |s: &str| BranchCode::parse(s).unwrap_err().code;
        assert_eq!(code(""), "required");
        assert_eq!(code("H"), "too_short");
        assert_eq!(code("ABCDEFGHIJK"), "too_long");
        assert_eq!(code("hq"), "invalid_format");
        assert_eq!(code("H-Q"), "invalid_format");
        assert_eq!(code("H/Q"), "invalid_format");
    }

    proptest! {
        #[test]
        fn valid_codes_round_trip(s in "[A-Z0-9]{2,10}") {
            prop_assert_eq!(BranchCode::parse(&s).unwrap().to_string(), s.as_str());
        }

        #[test]
        fn random_input_never_panics(s in "\\PC{0,20}") {
            let _ = BranchCode::parse(&s);
        }
    }
}
