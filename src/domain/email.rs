//! E-mail addresses.

use std::fmt;

use serde::Serialize;

use super::FieldError;

/// An e-mail address, trimmed and lower-cased.
///
/// Checks only what matters for a login name and a contact field: at most
/// 254 bytes, exactly one `@`, a non-empty local part, a domain containing a
/// dot (not at either end, and no empty labels), and no whitespace or
/// control characters anywhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let value = input.trim().to_lowercase();
        if value.is_empty() {
            return Err(FieldError::required("e-mail address is required"));
        }
        // Bytes of the address, and characters as sent (blanks around it included, as
        // the OpenAPI document's maxLength counts them).
        if value.len() > Self::MAX_LEN || input.chars().count() > Self::MAX_LEN {
            return Err(FieldError::too_long(
                "e-mail address must be at most 254 characters",
            ));
        }
        let invalid = || FieldError::invalid_format("e-mail address is not valid");
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.split('.').any(str::is_empty)
        {
            return Err(invalid());
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        self.0
            .split_once('@')
            .map(|(local, _)| local)
            .unwrap_or_default()
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0
            .split_once('@')
            .map(|(_, domain)| domain)
            .unwrap_or_default()
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalises() {
        let e = Email::parse("  Asha.Rao+Work@Example.CO.in ").unwrap();
        assert_eq!(e.as_str(), "asha.rao+work@example.co.in");
        assert_eq!(e.local_part(), "asha.rao+work");
        assert_eq!(e.domain(), "example.co.in");
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            "\"asha.rao+work@example.co.in\""
        );
    }

    #[test]
    fn length_limit() {
        let ok = format!("{}@example.com", "a".repeat(254 - 12));
        assert_eq!(Email::parse(&ok).unwrap().as_str().len(), 254);
        let long = format!("{}@example.com", "a".repeat(254 - 11));
        assert_eq!(Email::parse(&long).unwrap_err().code, "too_long");
        // 254 characters of address, but 255 as sent.
        assert_eq!(
            Email::parse(&format!(" {ok}")).unwrap_err().code,
            "too_long"
        );
    }

    #[test]
    fn rejects_bad_addresses() {
        assert_eq!(Email::parse("  ").unwrap_err().code, "required");
        for s in [
            "asha",
            "@example.com",
            "asha@",
            "asha@localhost",
            "asha@@example.com",
            "a@b@example.com",
            "asha rao@example.com",
            "asha@example .com",
            "asha@.example.com",
            "asha@example.com.",
            "asha@example..com",
            "asha\u{0}@example.com",
        ] {
            assert_eq!(Email::parse(s).unwrap_err().code, "invalid_format", "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn generated_addresses_round_trip(
            local in "[a-z0-9._+-]{1,30}",
            domain in "[a-z0-9-]{1,20}(\\.[a-z0-9-]{1,10}){1,3}",
        ) {
            let text = format!("{local}@{domain}");
            let e = Email::parse(&text.to_uppercase()).unwrap();
            prop_assert_eq!(e.as_str(), text.as_str());
            prop_assert_eq!(e.local_part(), local.as_str());
        }

        #[test]
        fn random_input_never_panics(s in "\\PC{0,300}") {
            if let Ok(e) = Email::parse(&s) {
                prop_assert!(e.as_str().len() <= 254);
                prop_assert_eq!(e.as_str().matches('@').count(), 1);
            }
        }
    }
}
