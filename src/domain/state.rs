//! GST state codes.

use std::fmt;

use serde::Serialize;

use super::FieldError;

/// Every code accepted: `01`..=`38`, `97` (other territory) and `99` (centre
/// jurisdiction).
const VALID_CODES: [&str; 40] = [
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16",
    "17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32",
    "33", "34", "35", "36", "37", "38", "97", "99",
];

/// A two-digit GST state code, such as `27` for Maharashtra.
///
/// Surrounding whitespace is trimmed; a single digit such as `"7"` is not
/// padded and is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct StateCode(&'static str);

impl StateCode {
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let value = input.trim();
        if value.is_empty() {
            return Err(FieldError::required("state code is required"));
        }
        if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::invalid_format("state code must be two digits"));
        }
        VALID_CODES
            .iter()
            .find(|code| **code == value)
            .map(|code| Self(code))
            .ok_or_else(|| FieldError::invalid_value("state code must be 01 to 38, 97 or 99"))
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// The code as a number, e.g. 27.
    pub fn number(&self) -> u8 {
        self.0.bytes().fold(0u8, |acc, b| acc * 10 + (b - b'0'))
    }
}

impl fmt::Display for StateCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_listed_codes() {
        for n in (1..=38).chain([97, 99]) {
            let text = format!("{n:02}");
            let code = StateCode::parse(&text).unwrap();
            assert_eq!(code.as_str(), text);
            assert_eq!(code.number(), n);
        }
        assert_eq!(StateCode::parse(" 27 ").unwrap().as_str(), "27");
        assert_eq!(
            serde_json::to_string(&StateCode::parse("09").unwrap()).unwrap(),
            "\"09\""
        );
    }

    #[test]
    fn rejects_others() {
        let code = |s: &str| StateCode::parse(s).unwrap_err().code;
        assert_eq!(code(""), "required");
        assert_eq!(code("7"), "invalid_format");
        assert_eq!(code("007"), "invalid_format");
        assert_eq!(code("2a"), "invalid_format");
        assert_eq!(code("+7"), "invalid_format");
        for s in ["00", "39", "50", "96", "98"] {
            assert_eq!(code(s), "invalid_value", "{s}");
        }
    }

    proptest! {
        #[test]
        fn any_two_digits_classify_correctly(n in 0u8..100) {
            let text = format!("{n:02}");
            let expected = (1..=38).contains(&n) || n == 97 || n == 99;
            prop_assert_eq!(StateCode::parse(&text).is_ok(), expected);
        }

        #[test]
        fn random_input_never_panics(s in "\\PC{0,5}") {
            let _ = StateCode::parse(&s);
        }
    }
}
