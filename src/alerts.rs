//! Operator e-mail alerts: with SMTP configured (`BISMAN_SMTP_*`), `serve` mails the
//! operator when something threatens the data and nobody may be watching Prometheus.
//!
//! Conditions, checked every few seconds ([`tick_for`]):
//! * replication stalled: `/ready`'s replication check is not `ok` (a database not
//!   replicated, never synced, lagging more than 60 s, or Litestream unreachable);
//! * a restore drill failed (the last drill of any tenant);
//! * an integrity check failed (the last `PRAGMA quick_check` of any open file);
//! * free disk under 20 % on the data directory's filesystem;
//! * production with no replica configured (no backups at all).
//!
//! A TLS certificate about to expire is **not** checked: the appliance serves plain HTTP
//! on loopback behind a reverse proxy and has no certificate of its own (see
//! `docs/runbooks/tls-reverse-proxy.md`; the proxy's own monitoring must cover it).
//!
//! Each condition mails once when it has held for `alert_after` and once when it has
//! been clear for `alert_after` (no repeats while it lasts), at most [`MAX_PER_HOUR`]
//! mails an hour in all; a failed or rate-limited send is retried after
//! [`RETRY_AFTER`]. Every attempt is recorded in the control DB table
//! `alert_notifications` (condition, state, detail, recipients, outcome, time). Mails
//! carry condition names, tenant slugs and file names, never data or secrets.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::backup::Replication;
use crate::config::{Settings, SmtpSettings, SmtpTls};
use crate::db::Database;
use crate::drill::Drills;

/// At most this many mails in any hour.
pub const MAX_PER_HOUR: usize = 20;
/// A send that failed or was rate-limited is tried again after this.
pub const RETRY_AFTER: Duration = Duration::from_secs(300);
/// Free space on the data filesystem under this share raises `DiskLow`.
pub const MIN_FREE_SHARE: f64 = 0.20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Condition {
    ReplicationStalled,
    RestoreDrillFailed,
    IntegrityCheckFailed,
    DiskLow,
    BackupsNotConfigured,
}

impl Condition {
    pub fn key(self) -> &'static str {
        match self {
            Condition::ReplicationStalled => "replication_stalled",
            Condition::RestoreDrillFailed => "restore_drill_failed",
            Condition::IntegrityCheckFailed => "integrity_check_failed",
            Condition::DiskLow => "disk_low",
            Condition::BackupsNotConfigured => "backups_not_configured",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Condition::ReplicationStalled => "replication stalled",
            Condition::RestoreDrillFailed => "a restore drill failed",
            Condition::IntegrityCheckFailed => "an integrity check failed",
            Condition::DiskLow => "free disk under 20 %",
            Condition::BackupsNotConfigured => "backups are not configured",
        }
    }

    fn runbook(self) -> &'static str {
        match self {
            Condition::ReplicationStalled | Condition::BackupsNotConfigured => {
                "runbooks/replication-lagging.md"
            }
            Condition::RestoreDrillFailed | Condition::IntegrityCheckFailed => {
                "runbooks/restore-tenant.md"
            }
            Condition::DiskLow => "runbooks/disk-full.md",
        }
    }
}

/// One observation: each condition, with what is wrong when it holds.
pub type Observation = Vec<(Condition, Option<String>)>;

/// What the appliance looks at.
pub struct Sources {
    pub settings: Settings,
    pub replication: Option<Arc<Replication>>,
    pub drills: Option<Arc<Drills>>,
}

/// Observes every condition now.
pub fn observe(src: &Sources) -> Observation {
    let s = &src.settings;
    let replication = src.replication.as_ref().and_then(|r| {
        let verdict = match r.live() {
            Some(view) => view.verdict(time::OffsetDateTime::now_utc()),
            None => "replication status pending".into(),
        };
        (verdict != "ok").then_some(verdict)
    });
    let drills = src.drills.as_ref().and_then(|d| {
        let failed: Vec<String> = d
            .snapshot()
            .into_iter()
            .filter_map(|(t, st)| st.last_error.map(|e| format!("{t}: {e}")))
            .collect();
        (!failed.is_empty()).then(|| failed.join("; "))
    });
    let damaged = crate::maintenance::damaged_files();
    let integrity = (!damaged.is_empty()).then(|| format!("damaged: {}", damaged.join(", ")));
    let disk = match crate::http::ops::disk_free(&s.data_dir) {
        Ok((free, total)) if total > 0 && (free as f64) < MIN_FREE_SHARE * total as f64 => {
            Some(format!(
                "{} has {:.1} % free ({free} of {total} bytes)",
                s.data_dir.display(),
                100.0 * free as f64 / total as f64
            ))
        }
        Ok(_) => None,
        Err(e) => Some(format!("cannot read free space: {e}")),
    };
    let backups = crate::backup::backups_missing(s).then(|| {
        "BISMAN_REPLICA_URL is not set: nothing is replicated, a dead disk loses every tenant"
            .to_string()
    });
    vec![
        (Condition::ReplicationStalled, replication),
        (Condition::RestoreDrillFailed, drills),
        (Condition::IntegrityCheckFailed, integrity),
        (Condition::DiskLow, disk),
        (Condition::BackupsNotConfigured, backups),
    ]
}

/// A mail to send: a condition started (`firing`) or cleared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub condition: Condition,
    pub firing: bool,
    pub detail: String,
}

#[derive(Debug, Default)]
struct State {
    /// What the operator was last told (false: nothing, or "resolved").
    told_active: bool,
    /// Since when the observation differs from what the operator was told.
    differs_since: Option<Instant>,
    /// No attempt before this (after a failed or rate-limited send).
    retry_at: Option<Instant>,
    detail: String,
}

/// The per-condition state machine and the rate limit; pure, so it is tested alone.
pub struct Tracker {
    after: Duration,
    states: BTreeMap<Condition, State>,
    sent: VecDeque<Instant>,
}

/// The outcome of one attempt, fed back to the tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    Failed,
}

impl Tracker {
    pub fn new(after: Duration) -> Tracker {
        Tracker {
            after,
            states: BTreeMap::new(),
            sent: VecDeque::new(),
        }
    }

    /// The notices due at `now` for observation `obs`, and those held back by the
    /// rate limit (to be recorded as suppressed).
    pub fn due(&mut self, now: Instant, obs: &Observation) -> (Vec<Notice>, Vec<Notice>) {
        while self
            .sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(3600))
        {
            self.sent.pop_front();
        }
        let (mut due, mut held) = (Vec::new(), Vec::new());
        for (condition, seen) in obs {
            let st = self.states.entry(*condition).or_default();
            let active = seen.is_some();
            if let Some(d) = seen {
                st.detail = d.clone();
            }
            if active == st.told_active {
                st.differs_since = None;
                continue;
            }
            let since = *st.differs_since.get_or_insert(now);
            if now.duration_since(since) < self.after || st.retry_at.is_some_and(|t| now < t) {
                continue;
            }
            let notice = Notice {
                condition: *condition,
                firing: active,
                detail: st.detail.clone(),
            };
            if self.sent.len() + due.len() >= MAX_PER_HOUR {
                st.retry_at = Some(now + RETRY_AFTER);
                held.push(notice);
            } else {
                due.push(notice);
            }
        }
        (due, held)
    }

    /// Records the outcome of sending `n`.
    pub fn record(&mut self, now: Instant, n: &Notice, outcome: Outcome) {
        let st = self.states.entry(n.condition).or_default();
        match outcome {
            Outcome::Sent => {
                self.sent.push_back(now);
                st.told_active = n.firing;
                st.differs_since = None;
                st.retry_at = None;
            }
            Outcome::Failed => st.retry_at = Some(now + RETRY_AFTER),
        }
    }
}

/// Sends mails through the configured SMTP server.
pub struct Mailer {
    smtp: SmtpSettings,
    instance: String,
}

impl Mailer {
    pub fn new(smtp: SmtpSettings) -> Mailer {
        let instance = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "appliance".into());
        Mailer { smtp, instance }
    }

    pub fn recipients(&self) -> String {
        self.smtp.to.join(", ")
    }

    fn transport(&self) -> Result<lettre::SmtpTransport, String> {
        use lettre::transport::smtp::authentication::Credentials;
        use lettre::SmtpTransport;
        let s = &self.smtp;
        let builder = match s.tls {
            SmtpTls::StartTls => SmtpTransport::starttls_relay(&s.host),
            SmtpTls::Tls => SmtpTransport::relay(&s.host),
            SmtpTls::None => Ok(SmtpTransport::builder_dangerous(&s.host)),
        }
        .map_err(|e| format!("smtp {}: {e}", s.host))?;
        let mut builder = builder.port(s.port).timeout(Some(Duration::from_secs(20)));
        if let Some(user) = &s.user {
            let password = match &s.password_file {
                Some(p) => std::fs::read_to_string(p)
                    .map(|t| t.trim_end_matches(['\n', '\r']).to_string())
                    .map_err(|e| format!("smtp_password_file {}: {e}", p.display()))?,
                None => String::new(),
            };
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        Ok(builder.build())
    }

    /// The subject and body of a notice.
    pub fn compose(&self, n: &Notice) -> (String, String) {
        let state = if n.firing { "FIRING" } else { "RESOLVED" };
        let subject = format!(
            "[BISMAN {}] {state}: {}",
            self.instance,
            n.condition.title()
        );
        let body = if n.firing {
            format!(
                "BISMAN on {} reports: {}.\n\n{}\n\nWhat to do: {} (in /usr/share/doc/bisman/ on the appliance).\nYou get one more e-mail when this clears.\n",
                self.instance,
                n.condition.title(),
                n.detail,
                n.condition.runbook()
            )
        } else {
            format!(
                "BISMAN on {}: {} has cleared.\n\nIt was: {}\n",
                self.instance,
                n.condition.title(),
                n.detail
            )
        };
        (subject, body)
    }

    /// Sends one notice (blocking).
    pub fn send(&self, n: &Notice) -> Result<(), String> {
        use lettre::message::header::ContentType;
        use lettre::{Message, Transport};
        let (subject, body) = self.compose(n);
        let mut msg = Message::builder()
            .from(
                self.smtp
                    .from
                    .parse()
                    .map_err(|e| format!("smtp_from: {e}"))?,
            )
            .subject(subject)
            .header(ContentType::TEXT_PLAIN);
        for to in &self.smtp.to {
            msg = msg.to(to.parse().map_err(|e| format!("smtp_to {to}: {e}"))?);
        }
        let msg = msg.body(body).map_err(|e| format!("composing: {e}"))?;
        self.transport()?
            .send(&msg)
            .map(|_| ())
            .map_err(|e| format!("smtp: {e}"))
    }
}

/// Records one attempt in `alert_notifications`.
fn audit(control: &Database, n: &Notice, recipients: &str, outcome: &str) {
    let at = crate::clock::now_rfc3339();
    let r = control.write_blocking(|tx| {
        tx.execute(
            "INSERT INTO alert_notifications (condition, state, detail, recipients, outcome, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![
                n.condition.key(),
                if n.firing { "firing" } else { "resolved" },
                n.detail,
                recipients,
                outcome,
                at
            ],
        )?;
        Ok(())
    });
    if let Err(e) = r {
        tracing::error!(error = %e, "alerts: cannot record the notification");
    }
}

/// How often conditions are checked: often enough for `alert_after`, at most every 30 s.
pub fn tick_for(after: Duration) -> Duration {
    (after / 2).clamp(Duration::from_secs(1), Duration::from_secs(30))
}

/// The alert loop of `serve`.
pub async fn schedule(sources: Sources, mailer: Mailer, control: Arc<Database>) {
    let after = sources.settings.alert_after;
    let mut tracker = Tracker::new(after);
    let (sources, mailer) = (Arc::new(sources), Arc::new(mailer));
    tracing::info!(to = %mailer.recipients(), "alerts: e-mail to the operator is on");
    loop {
        rocket::tokio::time::sleep(tick_for(after)).await;
        let src = Arc::clone(&sources);
        let Ok(obs) = rocket::tokio::task::spawn_blocking(move || observe(&src)).await else {
            continue;
        };
        let (due, held) = tracker.due(Instant::now(), &obs);
        for n in held {
            tracing::warn!(
                condition = n.condition.key(),
                "alerts: rate limit reached; e-mail held back"
            );
            let (c, r) = (Arc::clone(&control), mailer.recipients());
            let _ = rocket::tokio::task::spawn_blocking(move || {
                audit(&c, &n, &r, "suppressed: rate limit")
            })
            .await;
        }
        for n in due {
            let (m, c) = (Arc::clone(&mailer), Arc::clone(&control));
            let sent = rocket::tokio::task::spawn_blocking(move || {
                let result = m.send(&n);
                let outcome = match &result {
                    Ok(()) => "sent".to_string(),
                    Err(e) => format!("failed: {e}"),
                };
                audit(&c, &n, &m.recipients(), &outcome);
                (n, result)
            })
            .await;
            let Ok((n, result)) = sent else { continue };
            match result {
                Ok(()) => {
                    tracing::info!(
                        condition = n.condition.key(),
                        firing = n.firing,
                        "alerts: operator e-mailed"
                    );
                    tracker.record(Instant::now(), &n, Outcome::Sent);
                }
                Err(e) => {
                    tracing::error!(condition = n.condition.key(), error = %e, "alerts: e-mail failed; retrying later");
                    tracker.record(Instant::now(), &n, Outcome::Failed);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(active: bool) -> Observation {
        vec![(
            Condition::DiskLow,
            active.then(|| "data has 10 % free".to_string()),
        )]
    }

    #[test]
    fn one_mail_when_a_condition_starts_and_one_when_it_clears() {
        let t0 = Instant::now();
        let s = |n: u64| t0 + Duration::from_secs(n);
        let mut t = Tracker::new(Duration::from_secs(60));
        assert!(t.due(s(0), &obs(false)).0.is_empty());
        assert!(
            t.due(s(10), &obs(true)).0.is_empty(),
            "not held long enough"
        );
        let (due, _) = t.due(s(70), &obs(true));
        assert_eq!(due.len(), 1);
        assert!(due[0].firing && due[0].detail.contains("10 %"));
        t.record(s(70), &due[0], Outcome::Sent);
        assert!(
            t.due(s(200), &obs(true)).0.is_empty(),
            "no repeats while it lasts"
        );
        // A blip shorter than alert_after sends nothing.
        assert!(t.due(s(210), &obs(false)).0.is_empty());
        assert!(t.due(s(220), &obs(true)).0.is_empty());
        assert!(t.due(s(300), &obs(true)).0.is_empty());
        assert!(t.due(s(310), &obs(false)).0.is_empty());
        let (due, _) = t.due(s(380), &obs(false));
        assert_eq!(due.len(), 1);
        assert!(!due[0].firing);
        // A failed send is retried after RETRY_AFTER, not on every tick.
        t.record(s(380), &due[0], Outcome::Failed);
        assert!(t.due(s(400), &obs(false)).0.is_empty());
        assert_eq!(t.due(s(380 + 301), &obs(false)).0.len(), 1);
    }

    #[test]
    fn at_most_twenty_mails_an_hour() {
        let t0 = Instant::now();
        let mut t = Tracker::new(Duration::ZERO);
        let mut sent = 0;
        for i in 0..100u64 {
            let now = t0 + Duration::from_secs(i * 10);
            let (due, _) = t.due(now, &obs(i % 2 == 0));
            for n in due {
                t.record(now, &n, Outcome::Sent);
                sent += 1;
            }
        }
        // 1000 s of flapping: capped at 20.
        assert_eq!(sent, MAX_PER_HOUR);
    }
}
