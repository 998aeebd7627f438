//! IFSC, the Indian Financial System Code of a bank branch.

use std::fmt;

use serde::Serialize;

use super::FieldError;

/// An IFSC such as `SBIN0001234`: four letters (the bank), a literal `0`,
/// then six letters or digits (the branch).
///
/// Parsing trims surrounding whitespace and upper-cases ASCII letters first.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Ifsc(String);

impl Ifsc {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let value = input.trim().to_ascii_uppercase();
        if value.is_empty() {
            return Err(FieldError::required("IFSC is required"));
        }
        let valid = match value.as_bytes() {
            [bank @ .., zero, b1, b2, b3, b4, b5, b6] if bank.len() == 4 => {
                bank.iter().all(u8::is_ascii_uppercase)
                    && *zero == b'0'
                    && [b1, b2, b3, b4, b5, b6]
                        .iter()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            }
            _ => false,
        };
        if !valid {
            return Err(FieldError::invalid_format(
                "IFSC must be four letters, the digit 0, then six letters or digits",
            ));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The four-letter bank part.
    pub fn bank_code(&self) -> &str {
        self.0.get(..4).unwrap_or_default()
    }
}

impl fmt::Display for Ifsc {
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
        let i = Ifsc::parse(" sbin0001234 ").unwrap();
        assert_eq!(i.as_str(), "SBIN0001234");
        assert_eq!(i.bank_code(), "SBIN");
        assert_eq!(
            Ifsc::parse("HDFC0ABC123").unwrap().to_string(),
            "HDFC0ABC123"
        );
    }

    #[test]
    fn rejects_bad_shapes() {
        assert_eq!(Ifsc::parse("").unwrap_err().code, "required");
        for s in [
            "SBIN1001234",
            "SBI00001234",
            "SBIN000123",
            "SBIN00012345",
            "SBIN0-01234",
            "SBIN 001234",
        ] {
            assert_eq!(Ifsc::parse(s).unwrap_err().code, "invalid_format", "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn valid_codes_round_trip(s in "[A-Z]{4}0[A-Z0-9]{6}") {
            prop_assert_eq!(Ifsc::parse(&s).unwrap().to_string(), s.as_str());
        }

        #[test]
        fn random_input_never_panics(s in "\\PC{0,20}") {
            let _ = Ifsc::parse(&s);
        }
    }
}
