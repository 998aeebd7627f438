//! GST state codes.

use std::fmt;

use serde::Serialize;

use super::FieldError;

/// Every code accepted and its name: `01`..=`38`, `96` (other countries: the place of
/// supply of an export), `97` (other territory) and `99` (centre jurisdiction). Names as
/// the GST portal's state list has them.
const STATES: [(&str, &str); 41] = [
    ("01", "Jammu and Kashmir"),
    ("02", "Himachal Pradesh"),
    ("03", "Punjab"),
    ("04", "Chandigarh"),
    ("05", "Uttarakhand"),
    ("06", "Haryana"),
    ("07", "Delhi"),
    ("08", "Rajasthan"),
    ("09", "Uttar Pradesh"),
    ("10", "Bihar"),
    ("11", "Sikkim"),
    ("12", "Arunachal Pradesh"),
    ("13", "Nagaland"),
    ("14", "Manipur"),
    ("15", "Mizoram"),
    ("16", "Tripura"),
    ("17", "Meghalaya"),
    ("18", "Assam"),
    ("19", "West Bengal"),
    ("20", "Jharkhand"),
    ("21", "Odisha"),
    ("22", "Chhattisgarh"),
    ("23", "Madhya Pradesh"),
    ("24", "Gujarat"),
    ("25", "Daman and Diu"),
    ("26", "Dadra and Nagar Haveli and Daman and Diu"),
    ("27", "Maharashtra"),
    ("28", "Andhra Pradesh (before division)"),
    ("29", "Karnataka"),
    ("30", "Goa"),
    ("31", "Lakshadweep"),
    ("32", "Kerala"),
    ("33", "Tamil Nadu"),
    ("34", "Puducherry"),
    ("35", "Andaman and Nicobar Islands"),
    ("36", "Telangana"),
    ("37", "Andhra Pradesh"),
    ("38", "Ladakh"),
    ("96", "Other Countries"),
    ("97", "Other Territory"),
    ("99", "Centre Jurisdiction"),
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
        STATES
            .iter()
            .find(|(code, _)| *code == value)
            .map(|(code, _)| Self(code))
            .ok_or_else(|| FieldError::invalid_value("state code must be 01 to 38, 96, 97 or 99"))
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// The state's name, e.g. `Maharashtra` for `27`.
    pub fn name(&self) -> &'static str {
        STATES
            .iter()
            .find(|(code, _)| *code == self.0)
            .map_or("", |(_, name)| name)
    }

    /// `96`: a place of supply outside India (exports).
    pub fn is_abroad(&self) -> bool {
        self.0 == "96"
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
        for n in (1..=38).chain([96, 97, 99]) {
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
    fn names() {
        let name = |s: &str| StateCode::parse(s).map(|c| c.name()).unwrap_or("?");
        assert_eq!(name("27"), "Maharashtra");
        assert_eq!(name("29"), "Karnataka");
        assert_eq!(name("96"), "Other Countries");
        assert!(StateCode::parse("96").is_ok_and(|c| c.is_abroad()));
        assert!(STATES.iter().all(|(_, n)| !n.is_empty()));
    }

    #[test]
    fn rejects_others() {
        let code = |s: &str| StateCode::parse(s).unwrap_err().code;
        assert_eq!(code(""), "required");
        assert_eq!(code("7"), "invalid_format");
        assert_eq!(code("007"), "invalid_format");
        assert_eq!(code("2a"), "invalid_format");
        assert_eq!(code("+7"), "invalid_format");
        for s in ["00", "39", "50", "95", "98"] {
            assert_eq!(code(s), "invalid_value", "{s}");
        }
    }

    proptest! {
        #[test]
        fn any_two_digits_classify_correctly(n in 0u8..100) {
            let text = format!("{n:02}");
            let expected = (1..=38).contains(&n) || n == 96 || n == 97 || n == 99;
            prop_assert_eq!(StateCode::parse(&text).is_ok(), expected);
        }

        #[test]
        fn random_input_never_panics(s in "\\PC{0,5}") {
            let _ = StateCode::parse(&s);
        }
    }
}
