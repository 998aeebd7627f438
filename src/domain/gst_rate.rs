//! GST rates, held in basis points (1% = 100 bp).

use std::fmt;

use serde::Serialize;

use super::FieldError;

/// A GST rate from the fixed slab list: 0%, 0.25%, 3%, 5%, 12%, 18%, 28% or
/// 40%, stored as basis points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct GstRate(u32);

impl GstRate {
    /// Every accepted rate, in basis points.
    pub const ALLOWED_BP: [u32; 8] = [0, 25, 300, 500, 1200, 1800, 2800, 4000];

    pub fn parse(bp: i64) -> Result<Self, FieldError> {
        Self::ALLOWED_BP
            .iter()
            .find(|allowed| i64::from(**allowed) == bp)
            .map(|allowed| Self(*allowed))
            .ok_or_else(|| {
                FieldError::invalid_value(
                    "GST rate must be one of 0, 25, 300, 500, 1200, 1800, 2800 or 4000 basis points",
                )
            })
    }

    /// The rate in basis points.
    pub fn bp(&self) -> u32 {
        self.0
    }
}

/// Shows the rate as a percentage, e.g. `18%` or `0.25%`.
impl fmt::Display for GstRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 100;
        match self.0 % 100 {
            0 => write!(f, "{whole}%"),
            frac if frac % 10 == 0 => write!(f, "{whole}.{}%", frac / 10),
            frac => write!(f, "{whole}.{frac:02}%"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_each_slab() {
        for bp in GstRate::ALLOWED_BP {
            assert_eq!(GstRate::parse(i64::from(bp)).unwrap().bp(), bp);
        }
    }

    #[test]
    fn display_and_serialize() {
        let r = |bp| GstRate::parse(bp).unwrap();
        assert_eq!(r(1800).to_string(), "18%");
        assert_eq!(r(25).to_string(), "0.25%");
        assert_eq!(r(0).to_string(), "0%");
        assert_eq!(serde_json::to_string(&r(2800)).unwrap(), "2800");
    }

    #[test]
    fn rejects_other_values() {
        for bp in [-1800, 1, 18, 100, 1000, 2500, 4001, i64::MAX, i64::MIN] {
            assert_eq!(GstRate::parse(bp).unwrap_err().code, "invalid_value");
        }
    }

    proptest! {
        #[test]
        fn only_slabs_parse(bp in any::<i64>()) {
            let allowed = GstRate::ALLOWED_BP.iter().any(|a| i64::from(*a) == bp);
            prop_assert_eq!(GstRate::parse(bp).is_ok(), allowed);
        }
    }
}
