//! GSTIN, the 15-character GST identification number.

use std::fmt;

use serde::Serialize;

use super::pan::has_pan_shape;
use super::{FieldError, Pan, StateCode};

const ALPHABET: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/// A GSTIN such as `27AAPFU0939F1ZV`: state code (2 digits), the holder's PAN
/// (10), an entity number `1-9` or `A-Z`, one letter or digit (usually `Z`),
/// and a check character computed over the first 14.
///
/// Parsing trims surrounding whitespace and upper-cases ASCII letters.
/// `Serialize` gives the plain 15-character string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Gstin {
    value: String,
    state: StateCode,
    pan: Pan,
}

impl Gstin {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let value = input.trim().to_ascii_uppercase();
        if value.is_empty() {
            return Err(FieldError::required("GSTIN is required"));
        }
        let bytes = value.as_bytes();
        if bytes.len() != 15 || !bytes.iter().all(|b| ALPHABET.contains(b)) {
            return Err(FieldError::invalid_format(
                "GSTIN must be 15 letters and digits",
            ));
        }
        let state = StateCode::parse(value.get(..2).unwrap_or_default()).map_err(|e| {
            FieldError::new(e.code, "GSTIN must start with a valid two-digit state code")
        })?;
        let pan_part = value.get(2..12).unwrap_or_default();
        if !has_pan_shape(pan_part.as_bytes()) {
            return Err(FieldError::invalid_format(
                "characters 3 to 12 of a GSTIN must be a PAN",
            ));
        }
        if state.is_abroad() {
            return Err(FieldError::invalid_value(
                "96 (other countries) is a place of supply, not a GSTIN's state",
            ));
        }
        let pan = Pan::parse(pan_part).map_err(|e| {
            FieldError::new(
                e.code,
                format!("characters 3 to 12 of a GSTIN are a PAN: {}", e.message),
            )
        })?;
        if matches!(bytes.get(12), Some(b'0') | None) {
            return Err(FieldError::invalid_format(
                "character 13 of a GSTIN must be 1-9 or a letter",
            ));
        }
        let expected = gstin_check_char(value.get(..14).unwrap_or_default());
        if expected != bytes.get(14).map(|b| char::from(*b)) {
            return Err(FieldError::invalid_checksum(
                "GSTIN has an incorrect check character",
            ));
        }
        Ok(Self { value, state, pan })
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The state the registration belongs to (its first two digits).
    pub fn state_code(&self) -> StateCode {
        self.state
    }

    /// The PAN embedded in characters 3 to 12.
    pub fn pan(&self) -> &Pan {
        &self.pan
    }
}

impl Serialize for Gstin {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.value)
    }
}

/// The check character for the first 14 characters of a GSTIN, or `None` if
/// the input is not exactly 14 characters of `0-9A-Z`.
///
/// Each character's value (0-9, A=10 .. Z=35) is multiplied by 1 or 2
/// alternately, starting with 1; the product's base-36 digits are summed, and
/// the check value is what brings the total to a multiple of 36.
pub fn gstin_check_char(first_14: &str) -> Option<char> {
    let bytes = first_14.as_bytes();
    if bytes.len() != 14 {
        return None;
    }
    let mut sum = 0u32;
    for (i, b) in bytes.iter().enumerate() {
        let value = u32::try_from(ALPHABET.iter().position(|a| a == b)?).ok()?;
        let product = value * if i % 2 == 0 { 1 } else { 2 };
        sum += product / 36 + product % 36;
    }
    let check = (36 - sum % 36) % 36;
    ALPHABET
        .get(usize::try_from(check).ok()?)
        .map(|b| char::from(*b))
}

impl fmt::Display for Gstin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_real_world_examples() {
        let g = Gstin::parse("27AAPFU0939F1ZV").unwrap();
        assert_eq!(g.state_code().as_str(), "27");
        assert_eq!(g.pan().as_str(), "AAPFU0939F");
        let g = Gstin::parse(" 29aagcb7383j1z4 ").unwrap();
        assert_eq!(g.as_str(), "29AAGCB7383J1Z4");
        assert_eq!(g.state_code().as_str(), "29");
        assert_eq!(serde_json::to_string(&g).unwrap(), "\"29AAGCB7383J1Z4\"");
    }

    #[test]
    fn check_character_by_hand() {
        // 27AAPFU0939F1Z: values 2,7,10,10,25,15,30,0,9,3,9,15,1,35
        // factors 1,2,1,2,...: products 2,14,10,20,25,30,30,0,9,6,9,30,1,70
        // digit sums (70 = 1*36 + 34 -> 35): 2+14+10+20+25+30+30+0+9+6+9+30+1+35 = 221
        // 221 % 36 = 5, (36 - 5) % 36 = 31 -> 'V'
        assert_eq!(gstin_check_char("27AAPFU0939F1Z"), Some('V'));
        assert_eq!(gstin_check_char("27AAPFU0939F1"), None);
        assert_eq!(gstin_check_char("27AAPFU0939F1z"), None);
    }

    #[test]
    fn rejects_bad_input() {
        let code = |s: &str| Gstin::parse(s).unwrap_err().code;
        assert_eq!(code(""), "required");
        assert_eq!(code("27AAPFU0939F1Z"), "invalid_format");
        assert_eq!(code("27AAPFU0939F1ZVX"), "invalid_format");
        assert_eq!(code("27AAPFU0939F1Z-"), "invalid_format");
        assert_eq!(code("2AAAPFU0939F1ZV"), "invalid_format");
        assert_eq!(code("27AAPF10939F1ZV"), "invalid_format");
        assert_eq!(code("27AAPFU0939F0ZV"), "invalid_format");
        assert_eq!(code("27AAPFU0939F1ZW"), "invalid_checksum");
        assert_eq!(code("40AAPFU0939F1ZV"), "invalid_value");
        assert_eq!(code("00AAPFU0939F1ZV"), "invalid_value");
    }

    fn state() -> impl Strategy<Value = String> {
        prop_oneof![
            (1u8..=38).prop_map(|n| format!("{n:02}")),
            Just("97".to_owned()),
            Just("99".to_owned())
        ]
    }

    proptest! {
        #[test]
        fn generated_gstins_parse(
            st in state(),
            body in "[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z][1-9A-Z][A-Z0-9]",
        ) {
            let first = format!("{st}{body}");
            let full = format!("{first}{}", gstin_check_char(&first).unwrap());
            let g = Gstin::parse(&full).unwrap();
            prop_assert_eq!(g.as_str(), full.as_str());
            prop_assert_eq!(g.state_code().as_str(), st.as_str());
        }

        #[test]
        fn a_wrong_check_character_is_rejected(
            st in state(),
            body in "[A-Z]{3}[PCHFATBLJG][A-Z][0-9]{4}[A-Z][1-9A-Z][A-Z0-9]",
            bump in 1usize..36,
        ) {
            let first = format!("{st}{body}");
            let right = gstin_check_char(&first).unwrap();
            let index = ALPHABET.iter().position(|b| char::from(*b) == right).unwrap();
            let wrong = char::from(ALPHABET[(index + bump) % 36]);
            let full = format!("{first}{wrong}");
            prop_assert_eq!(Gstin::parse(&full).unwrap_err().code, "invalid_checksum");
        }

        #[test]
        fn random_input_never_panics(s in "\\PC{0,20}") {
            let _ = Gstin::parse(&s);
        }
    }
}
