//! The cargo-fuzz targets' properties on the stable toolchain: every file of the seed
//! corpus (and of any corpus a fuzzing run left in `fuzz/corpus/`), then a bounded number
//! of random inputs — raw bytes, structured JSON and edits of valid tokens and cursors.
//! `scripts/fuzz-parsers.sh` runs the same checks coverage-guided under libFuzzer.

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;

const CASES: u32 = 1_500;

fn replay(target: &str, check: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut n = 0;
    // Bounded: a long local fuzzing run can leave a large corpus behind.
    for entry in std::fs::read_dir(&dir)
        .expect("seed corpus")
        .flatten()
        .take(20_000)
    {
        if let Ok(bytes) = std::fs::read(entry.path()) {
            check(&bytes);
            n += 1;
        }
    }
    n
}

#[test]
fn seed_corpus_replays_clean() {
    assert!(replay("json_body", checks::json_body) >= 5);
    assert!(replay("jwt", checks::jwt) >= 2);
    assert!(replay("cursor", checks::cursor) >= 2);
    assert!(replay("multipart", checks::multipart) >= 4);
    for dir in ["json_body", "jwt", "cursor", "multipart"] {
        let crashes = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/artifacts")
            .join(dir);
        // A crash a fuzzing run found is replayed here until it is fixed and removed.
        if let Ok(entries) = std::fs::read_dir(crashes) {
            for e in entries.flatten().take(1_000) {
                if let Ok(bytes) = std::fs::read(e.path()) {
                    match dir {
                        "json_body" => checks::json_body(&bytes),
                        "jwt" => checks::jwt(&bytes),
                        "multipart" => checks::multipart(&bytes),
                        _ => checks::cursor(&bytes),
                    }
                }
            }
        }
    }
}

/// JSON documents shaped like request bodies: the API's field names, wrong types,
/// nesting, odd strings.
fn json_value() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("tenant".to_string()),
        Just("email".to_string()),
        Just("password".to_string()),
        Just("name".to_string()),
        Just("roles".to_string()),
        Just("branch_ids".to_string()),
        Just("permissions".to_string()),
        Just("description".to_string()),
        Just("refresh_token".to_string()),
        Just("current_password".to_string()),
        Just("new_password".to_string()),
        Just("slug".to_string()),
        Just("owner_email".to_string()),
        Just("owner_password".to_string()),
        ".{0,12}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn json_bodies_from_raw_bytes(data in prop::collection::vec(any::<u8>(), 0..256)) {
        checks::json_body(&data);
    }

    #[test]
    fn json_bodies_from_structured_json(v in json_value(), cut in any::<prop::sample::Index>()) {
        let text = serde_json::to_vec(&v).unwrap_or_default();
        checks::json_body(&text);
        // The same document cut short: malformed JSON, a 400.
        let at = cut.index(text.len().max(1));
        checks::json_body(&text[..at.min(text.len())]);
    }

    #[test]
    fn jwt_from_raw_bytes_and_edits(data in prop::collection::vec(any::<u8>(), 0..64)) {
        checks::jwt(&data);
    }

    #[test]
    fn jwt_from_near_tokens(cut in 0usize..400, tail in "[A-Za-z0-9_.=-]{0,20}") {
        let good = checks::valid_token();
        let mut t = good[..cut.min(good.len())].to_string();
        t.push_str(&tail);
        checks::jwt(t.as_bytes());
    }

    #[test]
    fn cursors_from_raw_bytes(data in prop::collection::vec(any::<u8>(), 0..128)) {
        checks::cursor(&data);
    }

    #[test]
    fn cursors_from_base64_text(text in "[A-Za-z0-9_-]{0,600}") {
        checks::cursor(text.as_bytes());
    }

    #[test]
    fn multipart_bodies_from_a_valid_upload_with_edits(
        name in "[ -~]{0,40}", content in prop::collection::vec(any::<u8>(), 0..64),
        cut in any::<prop::sample::Index>(),
    ) {
        let b = checks::MULTIPART_BOUNDARY;
        let mut body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"entity\"\r\n\r\nemployee\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"entity_id\"\r\n\r\n0192f3c4-5b6a-7c8d-9e0f-123456789abc\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(&content);
        body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
        checks::multipart(&body);
        // The same body cut short: an incomplete stream, a 4xx.
        checks::multipart(&body[..cut.index(body.len())]);
    }
}
