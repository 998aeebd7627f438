//! Money as whole paise (1 rupee = 100 paise).

use std::fmt;

use serde::Serialize;

use super::FieldError;

/// An amount of money in paise, bounded to ±10^15 paise (±10 lakh crore
/// rupees) so that adding or subtracting two amounts can never overflow.
///
/// `Display` and `Serialize` give the plain integer number of paise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Paise(i64);

impl Paise {
    /// The largest magnitude an amount may have, in paise.
    pub const MAX_ABS: i64 = 1_000_000_000_000_000;
    pub const ZERO: Paise = Paise(0);

    /// Any amount within ±[`Paise::MAX_ABS`], negative ones included.
    pub fn parse(value: i64) -> Result<Self, FieldError> {
        if !(-Self::MAX_ABS..=Self::MAX_ABS).contains(&value) {
            return Err(FieldError::out_of_range(
                "amount must be within ±10^15 paise",
            ));
        }
        Ok(Self(value))
    }

    /// An amount from 0 to [`Paise::MAX_ABS`].
    pub fn parse_non_negative(value: i64) -> Result<Self, FieldError> {
        if value < 0 {
            return Err(FieldError::out_of_range("amount cannot be negative"));
        }
        Self::parse(value)
    }

    pub fn value(&self) -> i64 {
        self.0
    }

    /// The sum, or `None` if it leaves the allowed range.
    pub fn checked_add(self, other: Paise) -> Option<Paise> {
        Self::parse(self.0.checked_add(other.0)?).ok()
    }

    /// The difference, or `None` if it leaves the allowed range.
    pub fn checked_sub(self, other: Paise) -> Option<Paise> {
        Self::parse(self.0.checked_sub(other.0)?).ok()
    }

    pub fn is_negative(&self) -> bool {
        self.0 < 0
    }
}

impl fmt::Display for Paise {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MAX: i64 = Paise::MAX_ABS;

    #[test]
    fn bounds() {
        assert_eq!(Paise::parse(MAX).unwrap().value(), MAX);
        assert_eq!(Paise::parse(-MAX).unwrap().value(), -MAX);
        assert_eq!(Paise::parse(MAX + 1).unwrap_err().code, "out_of_range");
        assert_eq!(Paise::parse(i64::MIN).unwrap_err().code, "out_of_range");
        assert_eq!(Paise::parse_non_negative(0).unwrap(), Paise::ZERO);
        assert_eq!(
            Paise::parse_non_negative(-1).unwrap_err().code,
            "out_of_range"
        );
        assert_eq!(
            Paise::parse_non_negative(MAX + 1).unwrap_err().code,
            "out_of_range"
        );
    }

    #[test]
    fn arithmetic() {
        let p = |v| Paise::parse(v).unwrap();
        assert_eq!(p(150).checked_add(p(-50)), Some(p(100)));
        assert_eq!(p(150).checked_sub(p(200)), Some(p(-50)));
        assert_eq!(p(MAX).checked_add(p(1)), None);
        assert_eq!(p(-MAX).checked_sub(p(1)), None);
        assert!(p(-1).is_negative());
    }

    #[test]
    fn display_and_serialize_as_integer() {
        let p = Paise::parse(12345).unwrap();
        assert_eq!(p.to_string(), "12345");
        assert_eq!(serde_json::to_string(&p).unwrap(), "12345");
    }

    proptest! {
        #[test]
        fn add_and_sub_match_wide_arithmetic(a in -MAX..=MAX, b in -MAX..=MAX) {
            let (pa, pb) = (Paise::parse(a).unwrap(), Paise::parse(b).unwrap());
            let sum = i128::from(a) + i128::from(b);
            let in_range = |v: i128| v.abs() <= i128::from(MAX);
            prop_assert_eq!(pa.checked_add(pb).map(|p| i128::from(p.value())), Some(sum).filter(|v| in_range(*v)));
            let diff = i128::from(a) - i128::from(b);
            prop_assert_eq!(pa.checked_sub(pb).map(|p| i128::from(p.value())), Some(diff).filter(|v| in_range(*v)));
        }

        #[test]
        fn any_i64_is_classified(v in any::<i64>()) {
            prop_assert_eq!(Paise::parse(v).is_ok(), v.abs_diff(0) <= MAX.unsigned_abs());
        }
    }
}
