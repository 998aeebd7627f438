//! The `?limit=` query parameter of list endpoints.

use std::fmt;

use serde::Serialize;

use super::FieldError;

/// How many items a list page may hold: 1 to 200, 50 when not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Limit(u32);

impl Limit {
    pub const DEFAULT: u32 = 50;
    pub const MAX: u32 = 200;

    /// Parses the raw query value. Absent or empty gives the default; a value
    /// that is not a base-10 integer is `invalid_format`; an integer outside
    /// 1..=200 is `out_of_range`.
    pub fn parse(raw: Option<&str>) -> Result<Self, FieldError> {
        let text = match raw {
            None | Some("") => return Ok(Self::default()),
            Some(text) => text,
        };
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(FieldError::invalid_format("limit must be a whole number"));
        }
        let out_of_range = || FieldError::out_of_range("limit must be from 1 to 200");
        if text.starts_with('-') {
            return Err(out_of_range());
        }
        let value: u32 = text.parse().map_err(|_| out_of_range())?;
        if !(1..=Self::MAX).contains(&value) {
            return Err(out_of_range());
        }
        Ok(Self(value))
    }

    pub fn get(&self) -> u32 {
        self.0
    }
}

impl Default for Limit {
    fn default() -> Self {
        Self(Self::DEFAULT)
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn defaults_and_bounds() {
        assert_eq!(Limit::parse(None).unwrap().get(), 50);
        assert_eq!(Limit::parse(Some("")).unwrap().get(), 50);
        assert_eq!(Limit::parse(Some("1")).unwrap().get(), 1);
        assert_eq!(Limit::parse(Some("200")).unwrap().get(), 200);
        assert_eq!(Limit::parse(Some("007")).unwrap().get(), 7);
        assert_eq!(Limit::default().to_string(), "50");
    }

    #[test]
    fn rejects() {
        let code = |s: &str| Limit::parse(Some(s)).unwrap_err().code;
        assert_eq!(code("0"), "out_of_range");
        assert_eq!(code("201"), "out_of_range");
        assert_eq!(code("-1"), "out_of_range");
        assert_eq!(code("99999999999999999999999"), "out_of_range");
        assert_eq!(code("ten"), "invalid_format");
        assert_eq!(code("1.5"), "invalid_format");
        assert_eq!(code("+5"), "invalid_format");
        assert_eq!(code(" 5"), "invalid_format");
        assert_eq!(code("-"), "invalid_format");
    }

    proptest! {
        #[test]
        fn integers_are_classified(n in any::<i64>()) {
            let result = Limit::parse(Some(&n.to_string()));
            if (1..=200).contains(&n) {
                prop_assert_eq!(i64::from(result.unwrap().get()), n);
            } else {
                prop_assert_eq!(result.unwrap_err().code, "out_of_range");
            }
        }

        #[test]
        fn random_input_never_panics(s in "\\PC{0,30}") {
            let _ = Limit::parse(Some(&s));
        }
    }
}
