//! Malware scanning of uploads with ClamAV's clamd (see docs/scanning.md).
//!
//! [`ClamdClient::scan`] gives a [`Verdict`] or a [`ScanError`]; [`ScanPolicy::decide`]
//! turns that into what the upload handler does.

mod clamd;
mod scanner;

pub use clamd::{
    ClamdClient, ClamdTarget, ScanError, Verdict, DEFAULT_MAX_STREAM, DEFAULT_TIMEOUT,
};

pub use scanner::{Scanner, ScannerProbe};

use std::fmt;
use std::str::FromStr;

/// What to do with an upload when the scanner cannot give a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScanPolicy {
    /// Refuse the upload (503 `scanner_unavailable`). The default.
    #[default]
    FailClosed,
    /// Store it, marked `"scan": "unscanned"`.
    FailOpen,
}

/// An unknown `BISMAN_CLAMD_POLICY` value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid scan policy {0:?}: expected \"fail_closed\" or \"fail_open\"")]
pub struct InvalidPolicy(pub String);

impl ScanPolicy {
    /// Parses `fail_closed` or `fail_open` (surrounding whitespace and case ignored).
    pub fn parse(value: &str) -> Result<Self, InvalidPolicy> {
        match value.trim().to_ascii_lowercase().as_str() {
            "fail_closed" => Ok(ScanPolicy::FailClosed),
            "fail_open" => Ok(ScanPolicy::FailOpen),
            _ => Err(InvalidPolicy(value.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ScanPolicy::FailClosed => "fail_closed",
            ScanPolicy::FailOpen => "fail_open",
        }
    }

    /// Maps a scan result to the upload's fate under this policy. `TooLarge` counts as
    /// "could not scan": with the shipped limits (10 MiB uploads, 12 MiB stream) it
    /// only happens when clamd's `StreamMaxLength` was set below the upload limit.
    pub fn decide(self, result: Result<Verdict, ScanError>) -> ScanDecision {
        match result {
            Ok(Verdict::Clean) => ScanDecision::Store(ScanStatus::Clean),
            Ok(Verdict::Infected { signature }) => ScanDecision::RejectMalware { signature },
            Err(error) => match self {
                ScanPolicy::FailClosed => ScanDecision::RejectUnavailable(error),
                ScanPolicy::FailOpen => ScanDecision::Store(ScanStatus::Unscanned),
            },
        }
    }
}

impl FromStr for ScanPolicy {
    type Err = InvalidPolicy;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ScanPolicy::parse(s)
    }
}

impl fmt::Display for ScanPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `scan` field of a stored file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanStatus {
    Clean,
    Unscanned,
}

impl ScanStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ScanStatus::Clean => "clean",
            ScanStatus::Unscanned => "unscanned",
        }
    }
}

/// What the upload handler does after scanning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanDecision {
    /// Store the file with this scan status.
    Store(ScanStatus),
    /// 422 `malware_detected`, naming the signature.
    RejectMalware { signature: String },
    /// 503 `scanner_unavailable` (fail-closed). Log the error; don't send it to clients.
    RejectUnavailable(ScanError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_policy() {
        assert_eq!(ScanPolicy::parse("fail_closed"), Ok(ScanPolicy::FailClosed));
        assert_eq!(ScanPolicy::parse(" FAIL_OPEN "), Ok(ScanPolicy::FailOpen));
        assert!(ScanPolicy::parse("open").is_err());
        assert!(ScanPolicy::parse("").is_err());
        assert_eq!(ScanPolicy::default(), ScanPolicy::FailClosed);
        assert_eq!("fail_open".parse::<ScanPolicy>(), Ok(ScanPolicy::FailOpen));
    }

    #[test]
    fn decides() {
        let closed = ScanPolicy::FailClosed;
        let open = ScanPolicy::FailOpen;
        assert_eq!(
            closed.decide(Ok(Verdict::Clean)),
            ScanDecision::Store(ScanStatus::Clean)
        );
        let infected = || {
            Ok(Verdict::Infected {
                signature: "X".into(),
            })
        };
        for policy in [closed, open] {
            assert_eq!(
                policy.decide(infected()),
                ScanDecision::RejectMalware {
                    signature: "X".into()
                }
            );
        }
        assert_eq!(
            closed.decide(Err(ScanError::Timeout)),
            ScanDecision::RejectUnavailable(ScanError::Timeout)
        );
        assert_eq!(
            open.decide(Err(ScanError::Unavailable("down".into()))),
            ScanDecision::Store(ScanStatus::Unscanned)
        );
        assert_eq!(
            open.decide(Err(ScanError::TooLarge)),
            ScanDecision::Store(ScanStatus::Unscanned)
        );
    }
}
