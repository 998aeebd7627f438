//! Aadhaar, the 12-digit identity number issued by UIDAI.

use std::fmt;

use serde::Serialize;

use super::{mask_last4, verhoeff_is_valid, FieldError};

/// A 12-digit Aadhaar number whose first digit is 2..=9 and whose last digit
/// is a valid Verhoeff check digit.
///
/// Parsing trims the input and removes spaces, so `"2341 2341 2346"` is
/// accepted and stored as `"234123412346"`. `Debug` shows only the masked
/// form; use [`Aadhaar::masked`] for display without the reveal permission.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Aadhaar(String);

impl Aadhaar {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let value: String = input.trim().chars().filter(|c| *c != ' ').collect();
        if value.is_empty() {
            return Err(FieldError::required("Aadhaar number is required"));
        }
        if value.len() != 12 || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::invalid_format(
                "Aadhaar number must be 12 digits",
            ));
        }
        let digits: Vec<u8> = value.bytes().map(|b| b - b'0').collect();
        if matches!(digits.first(), Some(0 | 1)) {
            return Err(FieldError::invalid_format(
                "Aadhaar number cannot start with 0 or 1",
            ));
        }
        if !verhoeff_is_valid(&digits) {
            return Err(FieldError::invalid_checksum(
                "Aadhaar number has an incorrect check digit",
            ));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with all but its last four digits replaced by `*`.
    pub fn masked(&self) -> String {
        mask_last4(&self.0)
    }
}

impl fmt::Display for Aadhaar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Aadhaar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Aadhaar").field(&self.masked()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Computed with a separate (table-free) Verhoeff implementation, not this code.
    const KNOWN_VALID: [&str; 5] = [
        "234123412346",
        "999941057058",
        "478392015673",
        "812345678900",
        "300000000001",
    ];

    /// Brute-force the check digit using only the validity test.
    fn complete(first_eleven: &[u8]) -> String {
        let check = (0..10u8)
            .find(|c| {
                let mut d = first_eleven.to_vec();
                d.push(*c);
                verhoeff_is_valid(&d)
            })
            .unwrap();
        first_eleven
            .iter()
            .chain([check].iter())
            .map(|d| char::from(b'0' + d))
            .collect()
    }

    #[test]
    fn accepts_known_numbers() {
        for n in KNOWN_VALID {
            assert_eq!(Aadhaar::parse(n).unwrap().as_str(), n);
        }
        assert_eq!(
            Aadhaar::parse(" 2341 2341 2346 ").unwrap().as_str(),
            "234123412346"
        );
    }

    #[test]
    fn rejects_bad_input() {
        let code = |s: &str| Aadhaar::parse(s).unwrap_err().code;
        assert_eq!(code(""), "required");
        assert_eq!(code("   "), "required");
        assert_eq!(code("23412341234"), "invalid_format");
        assert_eq!(code("2341234123467"), "invalid_format");
        assert_eq!(code("2341-2341-2346"), "invalid_format");
        assert_eq!(code("23412341234A"), "invalid_format");
        assert_eq!(code("２３４１２３４１２３４６"), "invalid_format");
        assert_eq!(code("234123412347"), "invalid_checksum");
        assert_eq!(code("234123412345"), "invalid_checksum");
    }

    #[test]
    fn rejects_leading_zero_or_one_even_with_valid_check_digit() {
        let zero = complete(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]);
        let one = complete(&[1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]);
        assert_eq!(Aadhaar::parse(&zero).unwrap_err().code, "invalid_format");
        assert_eq!(Aadhaar::parse(&one).unwrap_err().code, "invalid_format");
    }

    #[test]
    fn debug_is_masked() {
        let a = Aadhaar::parse("234123412346").unwrap();
        assert_eq!(format!("{a:?}"), "Aadhaar(\"********2346\")");
        assert_eq!(a.masked(), "********2346");
    }

    proptest! {
        #[test]
        fn generated_numbers_parse(first in 2u8..10, rest in proptest::collection::vec(0u8..10, 10)) {
            let mut eleven = vec![first];
            eleven.extend(rest);
            let n = complete(&eleven);
            prop_assert_eq!(Aadhaar::parse(&n).unwrap().to_string(), n.as_str());
        }

        #[test]
        fn a_changed_check_digit_is_rejected(
            first in 2u8..10,
            rest in proptest::collection::vec(0u8..10, 10),
            bump in 1u8..10,
        ) {
            let mut eleven = vec![first];
            eleven.extend(rest);
            let mut n = complete(&eleven).into_bytes();
            n[11] = b'0' + (n[11] - b'0' + bump) % 10;
            let n = String::from_utf8(n).unwrap();
            prop_assert_eq!(Aadhaar::parse(&n).unwrap_err().code, "invalid_checksum");
        }

        #[test]
        fn a_changed_body_digit_is_rejected(
            first in 2u8..10,
            rest in proptest::collection::vec(0u8..10, 10),
            index in 1usize..11,
            bump in 1u8..10,
        ) {
            // Verhoeff detects every single-digit error.
            let mut eleven = vec![first];
            eleven.extend(rest);
            let mut n = complete(&eleven).into_bytes();
            n[index] = b'0' + (n[index] - b'0' + bump) % 10;
            let n = String::from_utf8(n).unwrap();
            prop_assert_eq!(Aadhaar::parse(&n).unwrap_err().code, "invalid_checksum");
        }

        #[test]
        fn random_input_never_panics(s in "\\PC{0,30}") {
            let _ = Aadhaar::parse(&s);
        }
    }
}
