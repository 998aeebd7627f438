//! The two secrets the appliance needs: the master key (wraps every tenant's data keys)
//! and the JWT signing secret.
//!
//! Development: a missing file is generated into the data dir with mode 0600 and a loud
//! warning. Production: a missing, unreadable, weak or group/world-readable secret stops
//! start-up with an error naming the variable.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use zeroize::Zeroizing;

use crate::config::{ConfigProblem, Settings};
use crate::crypto::{generate_secret_hex, is_weak_key_material, MasterKey};

pub struct Secrets {
    pub master: MasterKey,
    /// `BISMAN_MASTER_KEY_PREVIOUS_FILE`, while a master-key rotation is under way.
    pub previous: Option<MasterKey>,
    pub jwt: Zeroizing<Vec<u8>>,
}

/// Reads a master key file (no generation), naming `var` in any problem.
pub fn read_master_key(
    settings: &Settings,
    path: &Path,
    var: &str,
    problems: &mut Vec<ConfigProblem>,
) -> Option<MasterKey> {
    let text = read_secret(settings, path, var, problems)?;
    match MasterKey::from_file_text(&text) {
        Ok(k) => Some(k),
        Err(e) => {
            problems.push(problem(
                var,
                format!(
                    "{}: {e} (expected 32 random bytes as 64 hex chars or base64)",
                    path.display()
                ),
            ));
            None
        }
    }
}

fn problem(var: &str, msg: impl Into<String>) -> ConfigProblem {
    ConfigProblem {
        variable: var.to_string(),
        message: msg.into(),
    }
}

/// Loads both secrets, generating them in development when absent. Collects every problem.
pub fn load(settings: &Settings) -> Result<Secrets, Vec<ConfigProblem>> {
    let mut problems = Vec::new();
    if settings.generate_missing_secrets {
        for (path, bytes) in [
            (&settings.master_key_file, 32),
            (&settings.jwt_secret_file, 48),
        ] {
            if !path.exists() {
                if let Err(e) = generate(path, bytes) {
                    problems.push(problem(
                        "BISMAN_DATA_DIR",
                        format!("cannot write generated secret {}: {e}", path.display()),
                    ));
                } else {
                    tracing::warn!(
                        path = %path.display(),
                        "GENERATED A NEW SECRET for development. Production needs BISMAN_MASTER_KEY_FILE and \
                         BISMAN_JWT_SECRET_FILE; back up the master key, without it encrypted data is lost."
                    );
                }
            }
        }
    }
    let master = read_secret(
        settings,
        &settings.master_key_file,
        "BISMAN_MASTER_KEY_FILE",
        &mut problems,
    )
    .and_then(|text| match MasterKey::from_file_text(&text) {
        Ok(k) => Some(k),
        Err(e) => {
            problems.push(problem(
                "BISMAN_MASTER_KEY_FILE",
                format!(
                    "{}: {e} (expected 32 random bytes as 64 hex chars or base64)",
                    settings.master_key_file.display()
                ),
            ));
            None
        }
    });
    let jwt = read_secret(settings, &settings.jwt_secret_file, "BISMAN_JWT_SECRET_FILE", &mut problems).and_then(|text| {
        let bytes = Zeroizing::new(text.trim().as_bytes().to_vec());
        let decoded = hex::decode(text.trim()).ok();
        let material = decoded.as_deref().unwrap_or(&bytes);
        if bytes.len() < 32 || is_weak_key_material(material) && decoded.is_none() || decoded.as_ref().is_some_and(|d| is_weak_key_material(d)) {
            problems.push(problem(
                "BISMAN_JWT_SECRET_FILE",
                format!("{}: the secret is weak (use at least 32 random bytes, e.g. `openssl rand -hex 48`)", settings.jwt_secret_file.display()),
            ));
            None
        } else {
            Some(bytes)
        }
    });
    // The SMTP password file, when configured: readable, and private in production.
    if let Some(path) = settings
        .smtp
        .as_ref()
        .and_then(|s| s.password_file.as_ref())
    {
        let _ = read_secret(settings, path, "BISMAN_SMTP_PASSWORD_FILE", &mut problems);
    }
    let previous = settings.master_key_previous_file.as_ref().and_then(|p| {
        read_master_key(
            settings,
            p,
            "BISMAN_MASTER_KEY_PREVIOUS_FILE",
            &mut problems,
        )
    });
    match (master, jwt) {
        (Some(master), Some(jwt)) if problems.is_empty() => Ok(Secrets {
            master,
            previous,
            jwt,
        }),
        _ => Err(problems),
    }
}

fn read_secret(
    settings: &Settings,
    path: &Path,
    var: &str,
    problems: &mut Vec<ConfigProblem>,
) -> Option<Zeroizing<String>> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            problems.push(problem(var, format!("{}: {e}", path.display())));
            return None;
        }
    };
    if settings.is_production() && meta.permissions().mode() & 0o077 != 0 {
        problems.push(problem(
            var,
            format!(
                "{} is readable by group or others; chmod 600 it",
                path.display()
            ),
        ));
        return None;
    }
    match std::fs::read_to_string(path) {
        Ok(s) => Some(Zeroizing::new(s)),
        Err(e) => {
            problems.push(problem(var, format!("{}: {e}", path.display())));
            None
        }
    }
}

fn generate(path: &Path, bytes: usize) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let text = generate_secret_hex(bytes);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.write_all(b"\n")?;
    f.sync_all()
}

/// Checks that the data dir can be created and written (a production start-up refusal).
pub fn check_data_dir(dir: &Path) -> Result<(), ConfigProblem> {
    let probe = dir.join(".bisman-write-probe");
    std::fs::create_dir_all(dir)
        .and_then(|_| std::fs::write(&probe, b"ok"))
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| {
            problem(
                "BISMAN_DATA_DIR",
                format!("{} is not writable: {e}", dir.display()),
            )
        })
}
