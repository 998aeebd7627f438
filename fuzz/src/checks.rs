//! Properties of the parsers that face untrusted input. Each function takes arbitrary
//! bytes and panics only when a property is broken (or the parser itself panics).
//!
//! Compiled twice: into the cargo-fuzz targets (`fuzz/`) and into the stable replay
//! test `tests/fuzz_smoke.rs`.

use bisman::auth::jwt::{Claims, JwtKey};
use bisman::domain::Cursor;
use bisman::error::AppError;
use bisman::http::body::parse_json;
use bisman::http::query::PageRequest;
use serde::de::DeserializeOwned;

/// A body for `T`: 400 exactly when the bytes are not JSON, else parsed or a 422 that
/// names at least one field problem; the problem document always serialises.
fn body_as<T: DeserializeOwned>(data: &[u8]) {
    let is_json = serde_json::from_slice::<serde_json::Value>(data).is_ok();
    match parse_json::<T>(data) {
        Ok(_) => assert!(is_json, "parsed a body that is not JSON"),
        Err(e) => {
            match &e {
                AppError::BadRequest(_) => assert!(!is_json, "valid JSON answered 400"),
                AppError::Validation(problems) => {
                    assert!(is_json, "invalid JSON answered 422");
                    assert!(!problems.is_empty(), "a 422 names its field");
                }
                other => panic!("unexpected error for a body: {other:?}"),
            }
            let doc = serde_json::to_vec(&e.problem("fuzz"));
            assert!(doc.is_ok_and(|d| !d.is_empty()));
        }
    }
}

/// Every JSON request type of the API.
pub fn json_body(data: &[u8]) {
    use bisman::modules::iam::model as iam;
    use bisman::modules::system::model as system;
    body_as::<iam::LoginRequest>(data);
    body_as::<iam::RefreshRequest>(data);
    body_as::<iam::PasswordChange>(data);
    body_as::<iam::CreateUser>(data);
    body_as::<iam::PatchUser>(data);
    body_as::<iam::CreateRole>(data);
    body_as::<iam::PatchRole>(data);
    body_as::<system::CreateTenant>(data);
    body_as::<system::SystemLogin>(data);
    {
        use bisman::modules::hr::model as hr;
        use bisman::modules::org::model as org;
        body_as::<org::CreateBranch>(data);
        body_as::<org::PatchBranch>(data);
        body_as::<hr::CreateEmployee>(data);
        body_as::<hr::PatchEmployee>(data);
        body_as::<hr::LookupRequest>(data);
    }
    {
        use bisman::modules::sales::{customers, invoices, items, payments};
        body_as::<customers::model::CreateCustomer>(data);
        body_as::<customers::model::PatchCustomer>(data);
        body_as::<items::model::CreateItem>(data);
        body_as::<items::model::PatchItem>(data);
        body_as::<invoices::model::CreateInvoice>(data);
        body_as::<invoices::model::PatchInvoice>(data);
        body_as::<invoices::model::CancelInvoice>(data);
        body_as::<payments::model::CreatePayment>(data);
    }
}

const JWT_SECRET: &[u8] = b"fuzzing-secret-fuzzing-secret-32b";
const NOW: i64 = 1_800_000_000;

pub fn valid_token() -> String {
    JwtKey::new(JWT_SECRET).sign(&Claims {
        sub: "0190f3c2-7b1e-7cc0-9a4e-1f2d3c4b5a69".into(),
        tid: Some("acme".into()),
        jti: "j-1".into(),
        iat: NOW - 10,
        exp: NOW + 3600,
        scope: "tenant".into(),
        fam: "f-1".into(),
        ep: 0,
        pwx: false,
    })
}

/// Arbitrary text never verifies; and a valid token with any edit (bytes of `data` read
/// as (position, byte) pairs) verifies only if the edit changed nothing.
pub fn jwt(data: &[u8]) {
    let key = JwtKey::new(JWT_SECRET);
    let text = String::from_utf8_lossy(data);
    let good = valid_token();
    if let Ok(claims) = key.verify(&text, NOW) {
        assert_eq!(text, good, "accepted a token it did not sign: {claims:?}");
    }
    let mut edited = good.clone().into_bytes();
    for pair in data.chunks_exact(2) {
        let len = edited.len();
        let pos = pair[0] as usize * len / 256;
        match pair[1] {
            // A few bytes delete or insert rather than overwrite.
            0 => {
                edited.remove(pos.min(len - 1));
            }
            1 => edited.insert(pos, b'.'),
            b => edited[pos.min(len - 1)] = b,
        }
        if edited.is_empty() {
            break;
        }
    }
    let edited = String::from_utf8_lossy(&edited);
    if key.verify(&edited, NOW).is_ok() {
        assert_eq!(edited, good, "an edited token verified");
    }
}

/// Cursors: decoding never panics, what decodes re-encodes to the same text, any key
/// within the limit round-trips, and the query layer agrees.
pub fn cursor(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok((key, id)) = Cursor::decode(&text) {
        assert_eq!(Cursor::encode(&key, &id), text, "cursor is not canonical");
    }
    let _ = PageRequest::parse(Some(&text), Some(&text));
    let _ = PageRequest::parse(None, Some(&text));
    if text.len() <= Cursor::MAX_KEY_LEN {
        let mut raw = [0u8; 16];
        for (i, b) in data.iter().take(16).enumerate() {
            raw[i] = *b;
        }
        let id = uuid::Uuid::from_bytes(raw);
        let c = Cursor::encode(&text, &id);
        match Cursor::decode(&c) {
            Ok((k, i)) => assert!(k == text && i == id, "round trip changed the cursor"),
            Err(e) => panic!("a cursor we made was refused: {e:?}"),
        }
    }
}

/// The boundary the multipart target's inputs use (the corpus seeds are written with it).
pub const MULTIPART_BOUNDARY: &str = "XBOUNDARYX";

/// A multipart upload body: parsed or refused with a 4xx, never a panic or a 5xx; what
/// parses keeps the size limit, and whatever passes the checks has a type read from its
/// bytes and a name that is a plain label (no separators, no control characters, no
/// leading dot, at most 120 characters, ending in the detected type's extension).
pub fn multipart(data: &[u8]) {
    use bisman::modules::files::service::check;
    use bisman::modules::files::sniff::{clean_name, Kind};
    use bisman::modules::files::upload::parse_blocking;
    const LIMIT: u64 = 16 * 1024;
    match parse_blocking(data, MULTIPART_BOUNDARY, LIMIT) {
        Ok(u) => {
            assert!(u.data.len() as u64 <= LIMIT, "file over the limit accepted");
            assert!(u.entity.len() <= 200 && u.entity_id.len() <= 200);
            match check(&u) {
                Ok(c) => {
                    assert_eq!(Kind::sniff(&u.data), Some(c.kind), "type not from content");
                    assert_plain_name(&c.filename);
                }
                Err(e) => assert!((400..500).contains(&e.status()), "check gave {e:?}"),
            }
        }
        Err(e) => assert!((400..500).contains(&e.status()), "parse gave {e:?}"),
    }
    if let Ok(text) = std::str::from_utf8(data) {
        for kind in [Kind::Pdf, Kind::Png, Kind::Jpeg] {
            if let Ok(name) = clean_name(Some(text), kind) {
                assert_plain_name(&name);
            }
        }
    }
}

fn assert_plain_name(name: &str) {
    assert!(!name.contains(['/', '\\']), "separator in {name:?}");
    assert!(
        !name.chars().any(char::is_control),
        "control character in {name:?}"
    );
    assert!(
        !name.starts_with('.') && name != "..",
        "hidden or parent name {name:?}"
    );
    assert!(name.chars().count() <= 120, "name too long: {name:?}");
    assert!(name.contains('.'), "no extension: {name:?}");
}
