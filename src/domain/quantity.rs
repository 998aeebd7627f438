//! Quantities: positive decimals with at most three places, held exactly.

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::FieldError;

/// A positive quantity with at most three decimal places, stored exactly as
/// thousandths (`1.5` is held as `milli == 1500`). The largest accepted
/// quantity is 1,000,000,000 units.
///
/// `Serialize` writes a JSON number (`1500` → `1.5`, `2000` → `2`);
/// `Display` writes the same exact decimal text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quantity {
    milli: i64,
}

const MAX_UNITS: i64 = 1_000_000_000;
const MAX_MILLI: i64 = MAX_UNITS * 1000;

fn too_small() -> FieldError {
    FieldError::out_of_range("quantity must be greater than zero")
}

fn too_large() -> FieldError {
    FieldError::out_of_range("quantity must be at most 1000000000")
}

fn too_precise() -> FieldError {
    FieldError::invalid_format("quantity may have at most 3 decimal places")
}

impl Quantity {
    /// Parses a JSON value, which must be a number (a string such as `"1.5"`
    /// is refused).
    ///
    /// Integers are exact. A fractional JSON number reaches us as the `f64`
    /// nearest to its decimal text; it is accepted when it is within two
    /// units in the last place of the `f64` nearest to some multiple of
    /// 0.001, which recovers that multiple exactly (a JSON parser that is off
    /// by one unit in the last place is tolerated). Anything with a fourth
    /// decimal is refused, however large the number.
    pub fn parse(value: &Value) -> Result<Self, FieldError> {
        let number = match value {
            Value::Null => return Err(FieldError::required("quantity is required")),
            Value::Number(number) => number,
            _ => return Err(FieldError::invalid_format("quantity must be a number")),
        };
        if let Some(units) = number.as_u64() {
            let units = i64::try_from(units).map_err(|_| too_large())?;
            return Self::from_milli(units.checked_mul(1000).ok_or_else(too_large)?);
        }
        if number.as_i64().is_some() {
            return Err(too_small());
        }
        match number.as_f64() {
            Some(x) => Self::parse_f64(x),
            None => Err(FieldError::invalid_format("quantity must be a number")),
        }
    }

    /// Parses a binary floating-point number, as described for [`Quantity::parse`].
    pub fn parse_f64(x: f64) -> Result<Self, FieldError> {
        if !x.is_finite() {
            return Err(FieldError::invalid_format(
                "quantity must be a finite number",
            ));
        }
        if x <= 0.0 {
            return Err(too_small());
        }
        if x > MAX_UNITS as f64 {
            return Err(too_large());
        }
        let scaled = (x * 1000.0).round();
        let nearest = scaled / 1000.0;
        if x.to_bits().abs_diff(nearest.to_bits()) > 2 {
            return Err(too_precise());
        }
        // `scaled` is a whole number in 0..=1e12, so the conversion is exact.
        Self::from_milli(scaled as i64)
    }

    /// Parses decimal text such as `"2"`, `"0.333"` or `"1.500"` exactly.
    ///
    /// Accepted: digits, optionally a point followed by digits. Trailing
    /// zeros after the point do not count towards the three places. Signs,
    /// exponents and a bare leading or trailing point are refused.
    pub fn parse_str(input: &str) -> Result<Self, FieldError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(FieldError::required("quantity is required"));
        }
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, fraction) = match body.split_once('.') {
            Some((whole, fraction)) if !fraction.is_empty() => (whole, fraction),
            Some(_) => {
                return Err(FieldError::invalid_format(
                    "quantity is not a decimal number",
                ))
            }
            None => (body, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) {
            return Err(FieldError::invalid_format(
                "quantity is not a decimal number",
            ));
        }
        let fraction = fraction.trim_end_matches('0');
        if fraction.len() > 3 {
            return Err(too_precise());
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > 10 {
            return Err(if negative { too_small() } else { too_large() });
        }
        let digits_value = |s: &str| {
            s.bytes()
                .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'))
        };
        let mut milli_fraction = digits_value(fraction);
        for _ in fraction.len()..3 {
            milli_fraction *= 10;
        }
        let milli = digits_value(whole) * 1000 + milli_fraction;
        if negative {
            return Err(too_small());
        }
        Self::from_milli(milli)
    }

    /// A quantity from a count of thousandths, e.g. 1500 for 1.5.
    pub fn from_milli(milli: i64) -> Result<Self, FieldError> {
        if milli <= 0 {
            return Err(too_small());
        }
        if milli > MAX_MILLI {
            return Err(too_large());
        }
        Ok(Self { milli })
    }

    /// The quantity in thousandths of a unit.
    pub fn milli(&self) -> i64 {
        self.milli
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.milli / 1000;
        let fraction = self.milli % 1000;
        if fraction == 0 {
            return write!(f, "{whole}");
        }
        let digits = format!("{fraction:03}");
        write!(f, "{whole}.{}", digits.trim_end_matches('0'))
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.milli % 1000 == 0 {
            serializer.serialize_i64(self.milli / 1000)
        } else {
            // The nearest f64 to a decimal of at most 13 significant digits
            // prints back as that decimal (shortest round-trip formatting).
            serializer.serialize_f64(self.milli as f64 / 1000.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn from_json(text: &str) -> Result<Quantity, FieldError> {
        Quantity::parse(&serde_json::from_str::<Value>(text).unwrap())
    }

    #[test]
    fn parses_json_numbers_exactly() {
        for (text, milli) in [
            ("1", 1000),
            ("1.5", 1500),
            ("0.333", 333),
            ("2.5", 2500),
            ("1.005", 1005),
            ("2.675", 2675),
            ("0.001", 1),
            ("1.500", 1500),
            ("1e3", 1_000_000),
            ("1.5e2", 150_000),
            ("999999999.999", 999_999_999_999),
            ("1000000000", 1_000_000_000_000),
            ("1000000000.0", 1_000_000_000_000),
        ] {
            assert_eq!(from_json(text).unwrap().milli(), milli, "{text}");
        }
    }

    #[test]
    fn rejects_bad_json_values() {
        let code = |text: &str| from_json(text).unwrap_err().code;
        assert_eq!(code("null"), "required");
        assert_eq!(code("\"1.5\""), "invalid_format");
        assert_eq!(code("true"), "invalid_format");
        assert_eq!(code("[1]"), "invalid_format");
        assert_eq!(code("0"), "out_of_range");
        assert_eq!(code("0.0"), "out_of_range");
        assert_eq!(code("-0.0"), "out_of_range");
        assert_eq!(code("-1"), "out_of_range");
        assert_eq!(code("-1.5"), "out_of_range");
        assert_eq!(code("1000000000.001"), "out_of_range");
        assert_eq!(code("1000000001"), "out_of_range");
        assert_eq!(code("18446744073709551615"), "out_of_range");
        assert_eq!(code("1e300"), "out_of_range");
        assert_eq!(code("1.0005"), "invalid_format");
        assert_eq!(code("0.0001"), "invalid_format");
        assert_eq!(code("123456.0001"), "invalid_format");
        assert_eq!(code("999999999.9995"), "invalid_format");
        assert_eq!(code("1e-300"), "invalid_format");
    }

    #[test]
    fn parses_decimal_text_exactly() {
        for (text, milli) in [
            ("1", 1000),
            (" 1.005 ", 1005),
            ("0.333", 333),
            ("007.5", 7500),
            ("1.5000", 1500),
            ("1000000000", 1_000_000_000_000),
            ("0.001", 1),
        ] {
            assert_eq!(Quantity::parse_str(text).unwrap().milli(), milli, "{text}");
        }
        let code = |text: &str| Quantity::parse_str(text).unwrap_err().code;
        assert_eq!(code(""), "required");
        assert_eq!(code("0"), "out_of_range");
        assert_eq!(code("0.000"), "out_of_range");
        assert_eq!(code("-1"), "out_of_range");
        assert_eq!(code("1000000000.001"), "out_of_range");
        assert_eq!(code("99999999999999999999999"), "out_of_range");
        assert_eq!(code("1.0005"), "invalid_format");
        assert_eq!(code(".5"), "invalid_format");
        assert_eq!(code("5."), "invalid_format");
        assert_eq!(code("+5"), "invalid_format");
        assert_eq!(code("1e3"), "invalid_format");
        assert_eq!(code("1,5"), "invalid_format");
        assert_eq!(code("--1"), "invalid_format");
        assert_eq!(code("١"), "invalid_format");
    }

    #[test]
    fn display_and_serialize() {
        let q = |m| Quantity::from_milli(m).unwrap();
        assert_eq!(q(1500).to_string(), "1.5");
        assert_eq!(q(2000).to_string(), "2");
        assert_eq!(q(333).to_string(), "0.333");
        assert_eq!(q(1).to_string(), "0.001");
        assert_eq!(q(1050).to_string(), "1.05");
        assert_eq!(serde_json::to_value(q(1500)).unwrap(), json!(1.5));
        assert_eq!(serde_json::to_string(&q(1500)).unwrap(), "1.5");
        assert_eq!(serde_json::to_string(&q(2000)).unwrap(), "2");
        assert_eq!(serde_json::to_string(&q(1005)).unwrap(), "1.005");
        assert_eq!(
            serde_json::to_string(&q(999_999_999_999)).unwrap(),
            "999999999.999"
        );
    }

    #[test]
    fn from_milli_bounds() {
        assert_eq!(Quantity::from_milli(0).unwrap_err().code, "out_of_range");
        assert_eq!(Quantity::from_milli(-5).unwrap_err().code, "out_of_range");
        assert_eq!(
            Quantity::from_milli(MAX_MILLI + 1).unwrap_err().code,
            "out_of_range"
        );
        assert_eq!(Quantity::from_milli(MAX_MILLI).unwrap().milli(), MAX_MILLI);
    }

    proptest! {
        #[test]
        fn json_text_round_trips(milli in 1i64..=MAX_MILLI) {
            let text = format!("{}.{:03}", milli / 1000, milli % 1000);
            let q = from_json(&text).unwrap();
            prop_assert_eq!(q.milli(), milli);
            prop_assert_eq!(Quantity::parse_str(&text).unwrap().milli(), milli);
            let written = serde_json::to_string(&q).unwrap();
            prop_assert_eq!(from_json(&written).unwrap().milli(), milli);
            prop_assert_eq!(Quantity::parse_str(&q.to_string()).unwrap().milli(), milli);
        }

        #[test]
        fn a_fourth_decimal_is_refused(tenth_milli in 1i64..=MAX_MILLI * 10) {
            prop_assume!(tenth_milli % 10 != 0);
            let text = format!("{}.{:04}", tenth_milli / 10_000, tenth_milli % 10_000);
            prop_assert_eq!(from_json(&text).unwrap_err().code, "invalid_format");
            prop_assert_eq!(Quantity::parse_str(&text).unwrap_err().code, "invalid_format");
        }

        #[test]
        fn any_f64_never_panics(x in any::<f64>()) {
            if let Ok(q) = Quantity::parse_f64(x) {
                prop_assert!(q.milli() > 0 && q.milli() <= MAX_MILLI);
            }
        }

        #[test]
        fn any_text_never_panics(s in "\\PC{0,40}") {
            let _ = Quantity::parse_str(&s);
        }

        #[test]
        fn any_numeric_text_never_panics(s in "-?[0-9]{0,25}(\\.[0-9]{0,25})?") {
            let _ = Quantity::parse_str(&s);
        }
    }
}
