//! The single error type returned by every parser in the domain layer.

use serde::Serialize;

/// Why one input field was refused.
///
/// `code` is a stable snake_case identifier meant for machines (see the
/// associated constants); `message` is a human sentence. Messages never repeat
/// the rejected input, so they are safe to log even for identity numbers.
/// The HTTP layer adds the field path when it builds a problem document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message}")]
pub struct FieldError {
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    /// The value is missing or empty.
    pub const REQUIRED: &'static str = "required";
    /// The value does not have the expected shape.
    pub const INVALID_FORMAT: &'static str = "invalid_format";
    /// The shape is right but a check digit or character is wrong.
    pub const INVALID_CHECKSUM: &'static str = "invalid_checksum";
    /// A number lies outside its allowed range.
    pub const OUT_OF_RANGE: &'static str = "out_of_range";
    /// The value is longer than allowed.
    pub const TOO_LONG: &'static str = "too_long";
    /// The value is shorter than allowed.
    pub const TOO_SHORT: &'static str = "too_short";
    /// Well formed, but not one of the accepted values.
    pub const INVALID_VALUE: &'static str = "invalid_value";

    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn required(message: impl Into<String>) -> Self {
        Self::new(Self::REQUIRED, message)
    }

    pub fn invalid_format(message: impl Into<String>) -> Self {
        Self::new(Self::INVALID_FORMAT, message)
    }

    pub fn invalid_checksum(message: impl Into<String>) -> Self {
        Self::new(Self::INVALID_CHECKSUM, message)
    }

    pub fn out_of_range(message: impl Into<String>) -> Self {
        Self::new(Self::OUT_OF_RANGE, message)
    }

    pub fn too_long(message: impl Into<String>) -> Self {
        Self::new(Self::TOO_LONG, message)
    }

    pub fn too_short(message: impl Into<String>) -> Self {
        Self::new(Self::TOO_SHORT, message)
    }

    pub fn invalid_value(message: impl Into<String>) -> Self {
        Self::new(Self::INVALID_VALUE, message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_the_message() {
        let e = FieldError::out_of_range("must be at most 200");
        assert_eq!(e.to_string(), "must be at most 200");
        assert_eq!(e.code, "out_of_range");
    }

    #[test]
    fn codes_are_snake_case() {
        for code in [
            FieldError::REQUIRED,
            FieldError::INVALID_FORMAT,
            FieldError::INVALID_CHECKSUM,
            FieldError::OUT_OF_RANGE,
            FieldError::TOO_LONG,
            FieldError::TOO_SHORT,
            FieldError::INVALID_VALUE,
        ] {
            assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
    }

    #[test]
    fn serializes_code_and_message() {
        let e = FieldError::required("x is required");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "required", "message": "x is required"})
        );
    }

    #[test]
    fn is_a_std_error() {
        fn takes(_: &dyn std::error::Error) {}
        takes(&FieldError::too_long("x"));
    }
}
