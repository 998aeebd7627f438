//! HTTPS served natively (issue #15, 1): Rocket's rustls listener with the operator's
//! certificate chain and key (`BISMAN_TLS_CERT`, `BISMAN_TLS_KEY`).
//!
//! Rocket 0.5 builds its rustls configuration once, when it binds, and offers no way to
//! swap the certificate of a running listener. A renewed certificate is therefore loaded
//! by a restart in place: on SIGHUP `bisman serve` first checks the new files (and the
//! whole configuration), keeps serving untouched if anything is wrong, and otherwise
//! drains requests like on SIGTERM and re-executes itself with the same arguments and
//! environment — same PID, so systemd's `ExecReload=kill -HUP $MAINPID` works with
//! `Type=notify` (RELOADING=1, then READY=1 from the new image). See docs/security.md.

use std::io::BufReader;
use std::path::Path;

use crate::config::TlsFiles;

/// Reads and parses the certificate chain and key the way the listener will, so a bad
/// file is a clear start-up (or reload) error naming the variable, not a bind failure.
pub fn check_files(files: &TlsFiles) -> Result<(), String> {
    use rocket::http::tls::util::{load_certs, load_private_key};
    let open = |path: &Path, var: &str| {
        std::fs::File::open(path)
            .map(BufReader::new)
            .map_err(|e| format!("{var}: cannot read {}: {e}", path.display()))
    };
    let certs = load_certs(&mut open(&files.cert, "BISMAN_TLS_CERT")?).map_err(|e| {
        format!(
            "BISMAN_TLS_CERT: {} is not a PEM certificate chain: {e}",
            files.cert.display()
        )
    })?;
    if certs.is_empty() {
        return Err(format!(
            "BISMAN_TLS_CERT: {} holds no PEM certificate",
            files.cert.display()
        ));
    }
    load_private_key(&mut open(&files.key, "BISMAN_TLS_KEY")?).map_err(|e| {
        format!(
            "BISMAN_TLS_KEY: {} is not a usable PEM private key: {e}",
            files.key.display()
        )
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_or_garbage_files_are_named() {
        let dir = tempfile::tempdir().expect("tmp");
        let files = TlsFiles {
            cert: dir.path().join("cert.pem"),
            key: dir.path().join("key.pem"),
        };
        let e = check_files(&files).expect_err("missing");
        assert!(e.starts_with("BISMAN_TLS_CERT: cannot read"), "{e}");
        std::fs::write(&files.cert, "not a certificate").expect("write");
        let e = check_files(&files).expect_err("garbage");
        assert!(e.contains("BISMAN_TLS_CERT") && e.contains("no PEM"), "{e}");
    }
}
