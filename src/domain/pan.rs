//! PAN, the Income Tax Department's Permanent Account Number.

use std::fmt;

use serde::Serialize;

use super::{mask_last4, FieldError};

/// A PAN such as `ABCPE1234F`: five letters, four digits, one letter.
///
/// Parsing trims surrounding whitespace and upper-cases ASCII letters before
/// checking the pattern, so `" abcde1234f "` is accepted as `ABCPE1234F`.
///
/// `Debug` shows only the masked form. `Display`, [`Pan::as_str`] and
/// `Serialize` give the full value; use [`Pan::masked`] for anything shown to
/// a user who has not been granted the reveal permission.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Pan(String);

impl Pan {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let value = input.trim().to_ascii_uppercase();
        if value.is_empty() {
            return Err(FieldError::required("PAN is required"));
        }
        if !has_pan_shape(value.as_bytes()) {
            return Err(FieldError::invalid_format(
                "PAN must be five letters, four digits and one letter",
            ));
        }
        if !HOLDER_TYPES.contains(&value.as_bytes()[3]) {
            return Err(FieldError::invalid_value(
                "the 4th character of a PAN is the holder type: one of P C H F A T B L J G",
            ));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The PAN with all but its last four characters replaced by `*`.
    pub fn masked(&self) -> String {
        mask_last4(&self.0)
    }
}

/// The Income Tax Department's holder types, the 4th character of every PAN: person,
/// company, HUF, firm, AOP, trust, BOI, local authority, artificial juridical person,
/// government.
pub const HOLDER_TYPES: &[u8] = b"PCHFATBLJG";

/// True when `bytes` is exactly five upper-case letters, four digits and an
/// upper-case letter. Shared with the GSTIN parser, which embeds a PAN.
pub(crate) fn has_pan_shape(bytes: &[u8]) -> bool {
    match bytes {
        [letters @ .., d1, d2, d3, d4, last] if letters.len() == 5 => {
            letters.iter().all(u8::is_ascii_uppercase)
                && [d1, d2, d3, d4].iter().all(|d| d.is_ascii_digit())
                && last.is_ascii_uppercase()
        }
        _ => false,
    }
}

impl fmt::Display for Pan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Pan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pan").field(&self.masked()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalises() {
        assert_eq!(Pan::parse("ABCPE1234F").unwrap().as_str(), "ABCPE1234F");
        assert_eq!(Pan::parse("  abcpe1234f\n").unwrap().as_str(), "ABCPE1234F");
    }

    #[test]
    fn rejects_bad_shapes() {
        assert_eq!(Pan::parse("").unwrap_err().code, "required");
        assert_eq!(Pan::parse("   ").unwrap_err().code, "required");
        for s in [
            "ABCD1234F",
            "ABCDE12345",
            "ABCDE1234FF",
            "1BCDE1234F",
            "ABCDEF234F",
            "ABCDE 1234F",
            "ÀBCDE1234F",
        ] {
            assert_eq!(Pan::parse(s).unwrap_err().code, "invalid_format", "{s:?}");
        }
    }

    #[test]
    fn the_fourth_character_is_a_holder_type() {
        for s in ["ABCXD1234E", "ABCDE1234F", "ABCZZ1234A"] {
            assert_eq!(Pan::parse(s).unwrap_err().code, "invalid_value", "{s}");
        }
        for t in "PCHFATBLJG".chars() {
            let s = format!("ABC{t}E1234F");
            assert!(Pan::parse(&s).is_ok(), "{s}");
        }
    }

    #[test]
    fn masking_and_debug_hide_the_value() {
        let pan = Pan::parse("ABCPE1234F").unwrap();
        assert_eq!(pan.masked(), "******234F");
        assert_eq!(format!("{pan:?}"), "Pan(\"******234F\")");
        assert_eq!(pan.to_string(), "ABCPE1234F");
        assert_eq!(serde_json::to_string(&pan).unwrap(), "\"ABCPE1234F\"");
    }

    proptest! {
        #[test]
        fn valid_pans_round_trip(s in "[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z]") {
            prop_assert_eq!(Pan::parse(&s).unwrap().to_string(), s.as_str());
            let lower = s.to_ascii_lowercase();
            prop_assert_eq!(Pan::parse(&lower).unwrap().to_string(), s.as_str());
        }

        #[test]
        fn random_input_never_panics(s in "\\PC{0,30}") {
            if let Ok(pan) = Pan::parse(&s) {
                prop_assert_eq!(pan.as_str().len(), 10);
            }
        }
    }
}
