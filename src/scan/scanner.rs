//! The configured scanner as the upload handler and `/ready` see it: a clamd client,
//! the policy for when it cannot answer, and the last known health.

use std::sync::{Arc, Mutex};

use super::{ClamdClient, ScanDecision, ScanPolicy, DEFAULT_MAX_STREAM};
use crate::config::Settings;
use crate::http::ops::ReadinessProbe;

pub struct Scanner {
    client: ClamdClient,
    pub policy: ScanPolicy,
    /// `None` until the first ping or scan; then `Ok` or the reason it failed.
    health: Mutex<Option<Result<(), String>>>,
}

impl Scanner {
    /// The scanner of `BISMAN_CLAMD_SOCKET`/`BISMAN_CLAMD_ADDR`, or `None` when neither is set.
    pub fn from_settings(s: &Settings) -> Option<Arc<Scanner>> {
        let target = s.clamd.clone()?;
        // Never refuse to send a file the upload limit allows; clamd's StreamMaxLength
        // must be at least as large (docs/scanning.md).
        let client = ClamdClient::new(target)
            .with_timeout(s.clamd_timeout)
            .with_max_stream(DEFAULT_MAX_STREAM.max(s.upload_max_bytes));
        let policy = if s.clamd_fail_open {
            ScanPolicy::FailOpen
        } else {
            ScanPolicy::FailClosed
        };
        Some(Arc::new(Scanner {
            client,
            policy,
            health: Mutex::new(None),
        }))
    }

    pub fn target(&self) -> String {
        self.client.target.to_string()
    }

    /// Scans one upload and says what to do with it under the policy.
    pub async fn scan(&self, data: &[u8]) -> ScanDecision {
        let result = self.client.scan(data).await;
        self.record(result.as_ref().map(|_| ()).map_err(ToString::to_string));
        self.policy.decide(result)
    }

    /// Pings clamd; run periodically so `/ready` knows before an upload fails.
    pub async fn refresh(&self) {
        let r = self.client.ping().await.map_err(|e| e.to_string());
        if let Err(e) = &r {
            tracing::warn!(scanner = %self.target(), error = %e, "malware scanner unavailable");
        }
        self.record(r);
    }

    fn record(&self, r: Result<(), String>) {
        if let Ok(mut h) = self.health.lock() {
            *h = Some(r);
        }
    }
}

/// `/ready`'s `scanner` check: `disabled` without a scanner, else `ok` or why not.
pub struct ScannerProbe(pub Option<Arc<Scanner>>);

impl ReadinessProbe for ScannerProbe {
    fn name(&self) -> &'static str {
        "scanner"
    }

    fn check(&self) -> String {
        let Some(s) = &self.0 else {
            return "disabled".into();
        };
        match s.health.lock().ok().and_then(|h| h.clone()) {
            None | Some(Ok(())) => "ok".into(),
            Some(Err(e)) => format!("{e} ({}; policy {})", s.target(), s.policy),
        }
    }
}
