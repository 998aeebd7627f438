//! Tenant slugs: the short names that identify a tenant.

use std::fmt;

use serde::Serialize;

use super::FieldError;

/// A tenant slug: 2 to 63 characters of `a-z`, `0-9` and `-`, not starting
/// with `-`.
///
/// Nothing is trimmed or case-folded: a slug names a file on disk, so the
/// input must already be exactly right. Dots and slashes can never pass.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TenantSlug(String);

impl TenantSlug {
    pub const MIN_LEN: usize = 2;
    pub const MAX_LEN: usize = 63;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let bytes = input.as_bytes();
        let Some(&first) = bytes.first() else {
            return Err(FieldError::required("tenant slug is required"));
        };
        let allowed = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-';
        if !bytes.iter().all(allowed) || first == b'-' {
            return Err(FieldError::invalid_format(
                "tenant slug may contain only lower-case letters, digits and '-', and must not start with '-'",
            ));
        }
        if bytes.len() < Self::MIN_LEN {
            return Err(FieldError::too_short(
                "tenant slug must be at least 2 characters",
            ));
        }
        if bytes.len() > Self::MAX_LEN {
            return Err(FieldError::too_long(
                "tenant slug must be at most 63 characters",
            ));
        }
        Ok(Self(input.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn code(input: &str) -> &'static str {
        TenantSlug::parse(input).unwrap_err().code
    }

    #[test]
    fn accepts_valid_slugs() {
        for s in ["ab", "demo", "acme-traders", "0a", "a-", "9-9"] {
            assert_eq!(TenantSlug::parse(s).unwrap().as_str(), s);
        }
        let longest = "a".repeat(63);
        assert_eq!(TenantSlug::parse(&longest).unwrap().as_str(), longest);
    }

    #[test]
    fn rejects_invalid_slugs() {
        assert_eq!(code(""), "required");
        assert_eq!(code("a"), "too_short");
        assert_eq!(code(&"a".repeat(64)), "too_long");
        for s in [
            "../x", "A", "a/b", "Acme", "-ab", "a_b", "a.b", "ab ", " ab", "dé", "a\0b",
        ] {
            assert_eq!(code(s), "invalid_format", "{s:?}");
        }
    }

    #[test]
    fn serializes_as_string() {
        let s = TenantSlug::parse("demo").unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"demo\"");
        assert_eq!(s.to_string(), "demo");
    }

    proptest! {
        #[test]
        fn valid_slugs_round_trip(s in "[a-z0-9][a-z0-9-]{1,62}") {
            let slug = TenantSlug::parse(&s).unwrap();
            prop_assert_eq!(slug.as_str(), s.as_str());
        }

        #[test]
        fn random_input_never_panics(s in "\\PC{0,80}") {
            if let Ok(slug) = TenantSlug::parse(&s) {
                prop_assert!(!slug.as_str().contains(['/', '.', '\\']));
                prop_assert!((2..=63).contains(&slug.as_str().len()));
            }
        }
    }
}
