//! Logging: `tracing` to stdout (journald under systemd), JSON in production, pretty in
//! development, and a redaction layer in front of the writer.
//!
//! Handlers never log bodies, query strings or raw paths, but "never" has to survive
//! future code too: every formatted line passes through [`redact`], which masks
//! anything shaped like a token, a password field, a PAN, an Aadhaar or an account number.
//!
//! Two other ways into the journal are closed too (issue #15, 2): the `log` crate is not
//! bridged into `tracing` (Rocket logs raw request paths through it, and its code-generated
//! guards log the errors of a failed body parse), and panics are reported by
//! [`install_panic_hook`], through the same redactor, instead of the standard hook.

use std::io::{self, Write};
use std::sync::OnceLock;

use regex::Regex;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::EnvFilter;

use crate::config::{LogFormat, Settings};

struct Patterns {
    /// A secret-named field and its whole value: `"password":"my secret pass"`, the same
    /// JSON-escaped inside a log message (`\"password\":\"…\"`), `password=…` up to the
    /// next separator. Masked by [`mask_field`], keeping the quotes.
    field: Option<Regex>,
    rules: Vec<(Regex, &'static str)>,
}

/// Field names whose values are secrets.
const SECRET_FIELD: &str =
    r"[a-z_]*password|[a-z_]*passphrase|[a-z_]*token|[a-z_]*secret|authorization|otp";

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let field = format!(
            r#"(?i)(\\?"?\b(?:{SECRET_FIELD})\\?"?\s*[:=]\s*)(\\"(?:[^"\\]|\\[^"])*\\"|"(?:[^"\\]|\\.)*"|'[^']*'|[^"',}}&\r\n]+)"#
        );
        let rules: [(&str, &'static str); 5] = [
            // JWTs and other bearer credentials.
            (
                r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*",
                "[REDACTED-JWT]",
            ),
            (
                r"(?i)((?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}",
                "${1}[REDACTED]",
            ),
            // PAN.
            (r"\b[A-Za-z]{5}[0-9]{4}[A-Za-z]\b", "[REDACTED-PAN]"),
            // Aadhaar (12 digits, optionally grouped 4-4-4).
            // Not only between word boundaries: "234123412346x" in a mistyped path.
            (
                r"(^|[^0-9])[2-9][0-9]{3}[ -]?[0-9]{4}[ -]?[0-9]{4}([^0-9]|$)",
                "${1}[REDACTED-ID]${2}",
            ),
            // Bank account numbers: 9–18 digit runs.
            (r"\b[0-9]{9,18}\b", "[REDACTED-NUMBER]"),
        ];
        Patterns {
            field: Regex::new(&field).ok(),
            rules: rules
                .iter()
                .filter_map(|(re, rep)| Regex::new(re).ok().map(|r| (r, *rep)))
                .collect(),
        }
    })
}

fn mask_field(c: &regex::Captures<'_>) -> String {
    let key = c.get(1).map_or("", |m| m.as_str());
    let value = c.get(2).map_or("", |m| m.as_str());
    let quote = if value.starts_with("\\\"") {
        "\\\""
    } else if value.starts_with('"') {
        "\""
    } else if value.starts_with('\'') {
        "'"
    } else {
        ""
    };
    format!("{key}{quote}[REDACTED]{quote}")
}

/// Masks secrets and identity numbers in one log line.
pub fn redact(line: &str) -> String {
    let p = patterns();
    let mut out = match &p.field {
        Some(re) => re.replace_all(line, mask_field).into_owned(),
        // Unreachable (the pattern is a constant); never let a line through unmasked.
        None => return "[REDACTED-LINE]\n".to_string(),
    };
    for (re, rep) in &p.rules {
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
///
/// Deliberately *not* `try_init`, which would also install a `log` → `tracing` bridge:
/// Rocket writes "No matching routes for POST /api/v1/auth/login/<raw path>" and its
/// guards' parse errors (which quote the body) through the `log` crate. With no bridge,
/// Rocket installs its own logger at `log_level = "off"` (app::build), so those lines go
/// nowhere; our access log names the route template, never the path.
pub fn init(settings: &Settings) {
    let filter = EnvFilter::try_new(&settings.log).unwrap_or_else(|_| EnvFilter::new("info"));
    // Belt and braces, should a `log` bridge ever come back with a dependency.
    let filter = filter
        .add_directive("rocket=off".parse().unwrap_or_default())
        .add_directive("_=off".parse().unwrap_or_default());
    // No colour codes unless a person watches: escapes between a field's name and its
    // value (`password\x1b[2m=\x1b[0m…`) would hide it from the redactor.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&io::stdout()))
        .with_writer(RedactingStdout);
    let _ = match settings.log_format {
        LogFormat::Json => tracing::subscriber::set_global_default(
            builder
                .json()
                .flatten_event(true)
                .with_current_span(false)
                .finish(),
        ),
        LogFormat::Pretty => tracing::subscriber::set_global_default(builder.compact().finish()),
    };
}

/// At most this much of a panic message is reported (after redaction).
const PANIC_MESSAGE_MAX: usize = 300;

/// The one line a panic is reported with: where, and the message masked by [`redact`]
/// (a message may quote input, e.g. an `expect` on a parse, or a formatted value).
pub fn panic_report(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(non-text panic payload)".to_string());
    let message: String = message
        .replace(['\r', '\n'], " ")
        .chars()
        .take(PANIC_MESSAGE_MAX)
        .collect();
    let location = info
        .location()
        .map(|l| format!("{}:{}", l.file(), l.line()))
        .unwrap_or_else(|| "unknown location".to_string());
    let thread = std::thread::current()
        .name()
        .unwrap_or("unnamed")
        .to_string();
    redact(&format!(
        "panic in thread '{thread}' at {location}: {message}"
    ))
}

/// Replaces the standard panic hook (which prints the raw message to stderr) with one
/// that reports [`panic_report`]: as an ERROR event when logging is set up (it then goes
/// through [`RedactingStdout`] too), else on stderr.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let line = panic_report(info);
        if tracing::dispatcher::has_been_set() {
            tracing::error!(target: "bisman::panic", "{line}");
        } else {
            let _ = writeln!(io::stderr().lock(), "{line}");
        }
    }));
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
        for line in [
            "request route=/api/v1/users/<id> status=200 latency_ms=1.25",
            r#"{"level":"INFO","message":"request","route":"/api/v1/auth/login","status":401}"#,
            "password is required, password_max_age_days=90",
        ] {
            assert_eq!(redact(line), line);
        }
    }

    /// Issue #15 (2): "password":"my secret pass" leaked "secret pass".
    #[test]
    fn masks_whole_values_with_spaces_plain_quoted_and_json_escaped() {
        let cases = [
            (
                r#"{"password":"my secret pass","email":"a@b.in"}"#,
                r#"{"password":"[REDACTED]","email":"a@b.in"}"#,
            ),
            (
                r#"{"message":"body {\"new_password\": \"my secret pass\", \"x\": 1}"}"#,
                r#"{"message":"body {\"new_password\": \"[REDACTED]\", \"x\": 1}"}"#,
            ),
            (
                r#"{"password":"with \"quote\" inside"}"#,
                r#"{"password":"[REDACTED]"}"#,
            ),
            (
                "login password=my secret pass, user=x",
                "login password=[REDACTED], user=x",
            ),
            ("refresh_token: 'a b c'", "refresh_token: '[REDACTED]'"),
        ];
        for (line, want) in cases {
            assert_eq!(redact(line), want, "{line}");
        }
        let out = redact(r#"{"fields":{"passphrase":"correct horse battery staple"}}"#);
        for word in ["correct", "horse", "battery", "staple"] {
            assert!(!out.contains(word), "{out}");
        }
    }

    fn report_of(f: impl FnOnce() + std::panic::UnwindSafe) -> String {
        use std::sync::{Arc, Mutex};
        let seen = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&seen);
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if let Ok(mut s) = sink.lock() {
                *s = panic_report(info);
            }
        }));
        let caught = std::panic::catch_unwind(f);
        std::panic::set_hook(previous);
        assert!(caught.is_err(), "the closure must panic");
        let out = seen.lock().map(|s| s.clone()).unwrap_or_default();
        out
    }

    /// Issue #15 (2): panic messages bypassed the redactor.
    #[test]
    fn panic_reports_go_through_the_redactor() {
        let pan = "ABCPE1234F";
        let aadhaar = "234123412346";
        let out = report_of(move || {
            panic!(
                "could not parse {{\"pan\":\"{pan}\",\"password\":\"my secret pass\",\"aadhaar\":\"{aadhaar}\"}} \
                 with Authorization: Bearer abcdefghijklmnopqrstu"
            )
        });
        assert!(out.starts_with("panic in thread"), "{out}");
        assert!(
            out.contains("src/telemetry.rs:"),
            "the location is kept: {out}"
        );
        for secret in [
            pan,
            aadhaar,
            "my secret pass",
            "secret",
            "abcdefghijklmnopqrstu",
        ] {
            assert!(!out.contains(secret), "{secret} leaked in {out}");
        }
        let long = report_of(|| panic!("{}", "x ".repeat(5000)));
        assert!(long.len() < PANIC_MESSAGE_MAX + 200, "{}", long.len());
        let multi = report_of(|| panic!("line one\nline two"));
        assert!(!multi.contains('\n'), "one line: {multi}");
    }
}
