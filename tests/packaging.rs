//! The packaging files agree with the code: the example configuration documents every
//! key with its real default and parses, the systemd units set only variables the binary
//! reads, and secrets shaped like the package's (hex files, mode 0400 as systemd
//! credentials or 0600 in /etc/bisman) pass `bisman check` in production.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use bisman::config::{read_raw, FlagOverrides, RawConfig, Settings};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every configuration key, from the serialised defaults (Option fields included).
fn config_keys() -> BTreeMap<String, serde_json::Value> {
    match serde_json::to_value(RawConfig::default()) {
        Ok(serde_json::Value::Object(m)) => m.into_iter().collect(),
        other => panic!("RawConfig does not serialise to an object: {other:?}"),
    }
}

/// The `#key = value` lines of the example, in order.
fn example_settings(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|l| l.strip_prefix('#'))
        .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && !l.starts_with('-'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Keys the example shows with an illustrative value instead of the default.
const ILLUSTRATIVE: &[&str] = &[
    "master_key_file",
    "master_key_previous_file",
    "smtp_host",
    "smtp_user",
    "smtp_password_file",
    "smtp_from",
    "smtp_to",
    "jwt_secret_file",
    "cors_origins",
    "trusted_proxies",
    "tls_cert",
    "tls_key",
    "log_format",
    "replica_url",
    "replica_s3_endpoint",
    "replica_s3_region",
    "clamd_socket",
    "clamd_addr",
];

#[test]
fn example_config_documents_every_key_once() {
    let text = read("packaging/bisman.toml.example");
    let shown = example_settings(&text);
    let keys = config_keys();
    for key in keys.keys() {
        let n = shown.iter().filter(|(k, _)| k == key).count();
        assert_eq!(n, 1, "key {key} appears {n} times in bisman.toml.example");
    }
    for (k, _) in &shown {
        assert!(
            keys.contains_key(k),
            "bisman.toml.example shows unknown key {k}"
        );
    }
}

#[test]
fn example_config_uncommented_parses_and_shows_the_real_defaults() {
    let text = read("packaging/bisman.toml.example");
    // clamd_socket and clamd_addr are alternatives; enable only the first.
    let enabled: String = example_settings(&text)
        .into_iter()
        .filter(|(k, _)| k != "clamd_addr")
        .map(|(k, v)| format!("{k} = {v}\n"))
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bisman.toml");
    std::fs::write(&file, &enabled).expect("write");
    let raw = read_raw(Some(&file), &FlagOverrides::default())
        .unwrap_or_else(|p| panic!("example does not parse: {p:?}\n{enabled}"));
    if let Err(p) = Settings::from_raw(&raw) {
        panic!("example values are invalid: {p:?}");
    }
    let parsed = match serde_json::to_value(&raw) {
        Ok(serde_json::Value::Object(m)) => m,
        other => panic!("{other:?}"),
    };
    for (key, default) in config_keys() {
        if ILLUSTRATIVE.contains(&key.as_str()) {
            continue;
        }
        // Environment variables of the test run would override the file; none of these
        // keys is expected to be set by the test environment.
        assert_eq!(
            parsed.get(&key),
            Some(&default),
            "bisman.toml.example shows {key} = {:?} but the built-in default is {default}",
            parsed.get(&key)
        );
    }
}

#[test]
fn units_set_only_variables_the_binary_reads() {
    let keys = config_keys();
    for unit in ["systemd/bisman.service", "systemd/litestream.service"] {
        for line in read(unit).lines() {
            let Some(assign) = line.trim().strip_prefix("Environment=") else {
                continue;
            };
            let name = assign.split('=').next().unwrap_or_default();
            if let Some(key) = name.strip_prefix("BISMAN_") {
                assert!(
                    keys.contains_key(&key.to_ascii_lowercase()),
                    "{unit} sets {name}, which bisman does not read"
                );
            }
        }
    }
    let service = read("systemd/bisman.service");
    for needed in [
        "Type=notify",
        "WatchdogSec=30",
        "Environment=BISMAN_ENV=production",
        "Environment=BISMAN_DATA_DIR=/var/lib/bisman",
        "Environment=BISMAN_MASTER_KEY_FILE=%d/master.key",
        "Environment=BISMAN_JWT_SECRET_FILE=%d/jwt.secret",
        "LoadCredential=master.key:/etc/bisman/master.key",
        "LoadCredential=jwt.secret:/etc/bisman/jwt.secret",
        "KillMode=mixed",
        // SIGHUP: a checked restart in place (a renewed TLS certificate).
        "ExecReload=/bin/kill -HUP $MAINPID",
    ] {
        assert!(
            service.lines().any(|l| l.trim() == needed),
            "bisman.service lacks {needed}"
        );
    }
}

/// Hex of `n` random bytes, as the package's postinst writes them.
fn hex_secret(n: usize) -> String {
    use rand::RngCore;
    let mut b = vec![0u8; n];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b) + "\n"
}

fn check_production(secret_mode: u32) -> std::process::Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let creds = dir.path().join("credentials");
    std::fs::create_dir(&creds).expect("mkdir");
    let data = dir.path().join("data");
    for (name, bytes) in [("master.key", 32), ("jwt.secret", 48)] {
        let p = creds.join(name);
        std::fs::write(&p, hex_secret(bytes)).expect("write secret");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(secret_mode)).expect("chmod");
    }
    Command::new(env!("CARGO_BIN_EXE_bisman"))
        .arg("check")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BISMAN_CONFIG", repo("packaging/bisman.toml.example"))
        .env("BISMAN_ENV", "production")
        .env("BISMAN_DATA_DIR", &data)
        .env("BISMAN_MASTER_KEY_FILE", creds.join("master.key"))
        .env("BISMAN_JWT_SECRET_FILE", creds.join("jwt.secret"))
        .output()
        .expect("run bisman check")
}

#[test]
fn package_style_secrets_pass_check_in_production() {
    // 0400: systemd credentials; 0600: the files postinst writes in /etc/bisman.
    for mode in [0o400, 0o600] {
        let out = check_production(mode);
        assert!(
            out.status.success(),
            "mode {mode:o}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = check_production(0o640);
    assert!(
        !out.status.success(),
        "group-readable secrets must be refused"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("BISMAN_MASTER_KEY_FILE"));
}
