//! Opaque cursors for keyset pagination.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use uuid::Uuid;

use super::FieldError;

/// Encodes and decodes list cursors.
///
/// A cursor carries the sort key and the id of the last row of a page. It is
/// the URL-safe, unpadded base64 of the text `1|<key>|<uuid>`, where `1` is
/// the format version. Clients must treat it as opaque.
pub enum Cursor {}

const VERSION: &str = "1";

impl Cursor {
    /// The longest cursor [`Cursor::decode`] accepts, in characters.
    pub const MAX_LEN: usize = 512;
    /// The longest key, in bytes, whose cursor stays within [`Cursor::MAX_LEN`].
    pub const MAX_KEY_LEN: usize = 345;

    /// Builds the cursor for a row. Keep keys within [`Cursor::MAX_KEY_LEN`]
    /// bytes, or the cursor will be refused when it comes back.
    pub fn encode(key: &str, id: &Uuid) -> String {
        URL_SAFE_NO_PAD.encode(format!("{VERSION}|{key}|{}", id.hyphenated()))
    }

    /// Recovers the key and id from a cursor made by [`Cursor::encode`].
    /// Any other input yields an error; no input can cause a panic.
    pub fn decode(cursor: &str) -> Result<(String, Uuid), FieldError> {
        let malformed = || FieldError::invalid_format("cursor is not valid");
        if cursor.is_empty() {
            return Err(malformed());
        }
        if cursor.len() > Self::MAX_LEN {
            return Err(FieldError::too_long("cursor is too long"));
        }
        let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| malformed())?;
        let text = String::from_utf8(bytes).map_err(|_| malformed())?;
        let (version, rest) = text.split_once('|').ok_or_else(malformed)?;
        if version != VERSION {
            return Err(FieldError::invalid_value("cursor version is not supported"));
        }
        let (key, id_text) = rest.rsplit_once('|').ok_or_else(malformed)?;
        let id = Uuid::try_parse(id_text).map_err(|_| malformed())?;
        if id.hyphenated().to_string() != id_text {
            return Err(malformed());
        }
        Ok((key.to_owned(), id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id() -> Uuid {
        Uuid::parse_str("0190f3c2-7b1e-7cc0-9a4e-1f2d3c4b5a69").unwrap()
    }

    #[test]
    fn round_trips() {
        let c = Cursor::encode("Asha Rao", &id());
        assert!(c
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(Cursor::decode(&c).unwrap(), ("Asha Rao".to_owned(), id()));
        let c = Cursor::encode("", &id());
        assert_eq!(Cursor::decode(&c).unwrap(), (String::new(), id()));
        let c = Cursor::encode("a|b|c", &id());
        assert_eq!(Cursor::decode(&c).unwrap(), ("a|b|c".to_owned(), id()));
    }

    #[test]
    fn key_length_limit_matches_cursor_limit() {
        let c = Cursor::encode(&"k".repeat(Cursor::MAX_KEY_LEN), &id());
        assert_eq!(c.len(), Cursor::MAX_LEN);
        assert!(Cursor::decode(&c).is_ok());
        let c = Cursor::encode(&"k".repeat(Cursor::MAX_KEY_LEN + 1), &id());
        assert_eq!(Cursor::decode(&c).unwrap_err().code, "too_long");
    }

    #[test]
    fn rejects_malformed() {
        let enc = |s: &str| URL_SAFE_NO_PAD.encode(s);
        let code = |s: &str| Cursor::decode(s).unwrap_err().code;
        assert_eq!(code(""), "invalid_format");
        assert_eq!(code("!!!"), "invalid_format");
        assert_eq!(code(&"A".repeat(513)), "too_long");
        assert_eq!(
            code(&format!("{}=", Cursor::encode("k", &id()))),
            "invalid_format"
        );
        assert_eq!(code(&enc("no separators")), "invalid_format");
        assert_eq!(code(&enc("1|only-key")), "invalid_format");
        assert_eq!(code(&enc("1|k|not-a-uuid")), "invalid_format");
        assert_eq!(
            code(&enc("1|k|0190F3C2-7B1E-7CC0-9A4E-1F2D3C4B5A69")),
            "invalid_format"
        );
        assert_eq!(
            code(&enc("1|k|0190f3c27b1e7cc09a4e1f2d3c4b5a69")),
            "invalid_format"
        );
        assert_eq!(
            code(&enc("2|k|0190f3c2-7b1e-7cc0-9a4e-1f2d3c4b5a69")),
            "invalid_value"
        );
        assert_eq!(
            code(&enc("|k|0190f3c2-7b1e-7cc0-9a4e-1f2d3c4b5a69")),
            "invalid_value"
        );
        assert_eq!(
            code(&URL_SAFE_NO_PAD.encode([0xff, b'|', 0xfe])),
            "invalid_format"
        );
    }

    proptest! {
        #[test]
        fn encode_decode_round_trip(key in "\\PC{0,80}", bytes in any::<[u8; 16]>()) {
            prop_assume!(key.len() <= Cursor::MAX_KEY_LEN);
            let id = Uuid::from_bytes(bytes);
            let c = Cursor::encode(&key, &id);
            prop_assert_eq!(Cursor::decode(&c).unwrap(), (key, id));
        }

        #[test]
        fn random_text_never_panics(s in "\\PC{0,600}") {
            let _ = Cursor::decode(&s);
        }

        #[test]
        fn random_base64_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = Cursor::decode(&URL_SAFE_NO_PAD.encode(&bytes));
        }
    }
}
