//! Logging: `tracing` to stdout (journald under systemd), JSON in production, pretty in
//! development, and a redaction layer in front of the writer.
//!
//! Handlers never log bodies, query strings or raw paths, but "never" has to survive
//! future code too: every formatted line passes through [`redact`], which masks
//! anything shaped like a token, a password field, a PAN, an Aadhaar or an account number.

use std::io::{self, Write};
use std::sync::OnceLock;

use regex::Regex;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::config::{LogFormat, Settings};

struct Patterns(Vec<(Regex, &'static str)>);

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let rules: [(&str, &'static str); 6] = [
            // JWTs and other bearer credentials.
            (
                r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*",
                "[REDACTED-JWT]",
            ),
            (r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]{8,}", "${1}[REDACTED]"),
            // "password": "...", password=..., *_token fields.
            (
                r#"(?i)("?(?:[a-z_]*password|[a-z_]*token|secret)"?\s*[:=]\s*"?)[^",\s}]+"#,
                "${1}[REDACTED]",
            ),
            // PAN.
            (r"\b[A-Za-z]{5}[0-9]{4}[A-Za-z]\b", "[REDACTED-PAN]"),
            // Aadhaar (12 digits, optionally grouped 4-4-4).
            (
                r"\b[2-9][0-9]{3}[ -]?[0-9]{4}[ -]?[0-9]{4}\b",
                "[REDACTED-ID]",
            ),
            // Bank account numbers: 9–18 digit runs.
            (r"\b[0-9]{9,18}\b", "[REDACTED-NUMBER]"),
        ];
        Patterns(
            rules
                .iter()
                .filter_map(|(re, rep)| Regex::new(re).ok().map(|r| (r, *rep)))
                .collect(),
        )
    })
}

/// Masks secrets and identity numbers in one log line.
pub fn redact(line: &str) -> String {
    let mut out = line.to_string();
    for (re, rep) in &patterns().0 {
        if re.is_match(&out) {
            out = re.replace_all(&out, *rep).into_owned();
        }
    }
    out
}

/// A writer that redacts each formatted event before it reaches stdout.
#[derive(Clone, Copy, Default)]
pub struct RedactingStdout;

pub struct RedactingWriter {
    buf: Vec<u8>,
}

impl Write for RedactingWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for RedactingWriter {
    fn drop(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let line = redact(&String::from_utf8_lossy(&self.buf));
        let mut out = io::stdout().lock();
        let _ = out.write_all(line.as_bytes());
    }
}

impl<'a> MakeWriter<'a> for RedactingStdout {
    type Writer = RedactingWriter;
    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            buf: Vec::with_capacity(256),
        }
    }
}

/// Installs the global subscriber once; later calls (tests) are no-ops.
pub fn init(settings: &Settings) {
    let filter = EnvFilter::try_new(&settings.log).unwrap_or_else(|_| EnvFilter::new("info"));
    // Rocket's own logging is off; ours says what matters, once.
    let filter = filter
        .add_directive("rocket=warn".parse().unwrap_or_default())
        .add_directive("_=off".parse().unwrap_or_default());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(RedactingStdout);
    let _ = match settings.log_format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Pretty => builder.compact().try_init(),
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secrets_and_identity_numbers() {
        let line = r#"{"password":"Hunter2!x","pan":"ABCDE1234F","aadhaar":"2345 6789 0123","acct":"123456789012","auth":"Bearer abcdefghijklmnop","t":"eyJhbGciOi.eyJzdWIiOi.sig_sig"}"#;
        let out = redact(line);
        for secret in [
            "Hunter2!x",
            "ABCDE1234F",
            "2345 6789 0123",
            "123456789012",
            "abcdefghijklmnop",
            "eyJhbGciOi",
        ] {
            assert!(!out.contains(secret), "{secret} leaked in {out}");
        }
    }

    #[test]
    fn leaves_ordinary_lines_alone() {
        let line = "request route=/api/v1/users/<id> status=200 latency_ms=1.25";
        assert_eq!(redact(line), line);
    }
}
