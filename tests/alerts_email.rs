//! Operator e-mail (issue #13, item 7) against real servers on loopback: Litestream
//! replicating to moto S3, and aiosmtpd receiving the mail. Replication stalls (the
//! bucket does not exist yet): one FIRING mail; the bucket appears and Litestream
//! catches up: one RESOLVED mail; nothing more while it stays healthy; both attempts
//! recorded in the control DB.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::s3::{tool, Moto};
use common::*;

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// aiosmtpd on a free loopback port, delivering into a maildir.
fn smtpd(maildir: &Path) -> (Killed, u16) {
    let port = free_port();
    let child = Command::new(tool("BISMAN_SMTPD_PYTHON", "python"))
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start aiosmtpd (scripts/test-deps.sh installs it)");
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "aiosmtpd did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (Killed(child), port)
}

/// Every delivered mail, oldest first.
fn mails(maildir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(maildir.join("new"))
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn subject(mail: &str) -> &str {
    mail.lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .unwrap_or_default()
}

fn wait_for(maildir: &Path, secs: u64, what: &str, f: impl Fn(&[String]) -> bool) -> Vec<String> {
    let started = Instant::now();
    loop {
        let m = mails(maildir);
        if f(&m) {
            return m;
        }
        assert!(
            started.elapsed() < Duration::from_secs(secs),
            "{what}; mails so far: {:?}",
            m.iter().map(|m| subject(m).to_string()).collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn replication_stall_and_recovery_each_mail_the_operator_once() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().expect("tmp");
    let maildir = dir.path().join("mail");
    let (_smtpd, smtp_port) = smtpd(&maildir);
    let data = dir.path().join("data");
    let mut cmd = Command::new(bin());
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("BISMAN_DATA_DIR", &data)
        .env("BISMAN_LOG", "warn")
        // The bucket is created only later: until then nothing reaches a replica.
        .env("BISMAN_REPLICA_URL", "s3://bisman-late/appliance")
        .env("BISMAN_REPLICA_S3_ENDPOINT", moto.endpoint())
        .env("BISMAN_REPLICA_S3_REGION", "us-east-1")
        .env(
            "BISMAN_LITESTREAM_BIN",
            tool("BISMAN_LITESTREAM_BIN", "litestream"),
        )
        .env("AWS_ACCESS_KEY_ID", "bisman-test")
        .env("AWS_SECRET_ACCESS_KEY", "bisman-test-secret")
        .env("BISMAN_RESTORE_DRILL_INTERVAL", "off")
        .env("BISMAN_SMTP_HOST", "127.0.0.1")
        .env("BISMAN_SMTP_PORT", smtp_port.to_string())
        .env("BISMAN_SMTP_TLS", "none")
        .env("BISMAN_SMTP_FROM", "bisman@branch-7.example.in")
        .env("BISMAN_SMTP_TO", "ops@example.in")
        .env("BISMAN_ALERT_AFTER", "2s")
        .env("BISMAN_BIND", format!("127.0.0.1:{}", free_port()))
        .arg("serve")
        .stderr(Stdio::null());
    let _server = Killed(spawn_until_listening(&mut cmd));

    let is = |m: &String, state: &str| {
        let s = subject(m);
        s.contains(state) && s.contains("replication stalled")
    };
    let got = wait_for(
        &maildir,
        60,
        "a FIRING mail for the stalled replication",
        |m| m.iter().any(|m| is(m, "FIRING")),
    );
    let firing = got.iter().find(|m| is(m, "FIRING")).expect("firing");
    assert!(firing.contains("To: ops@example.in"), "{firing}");
    assert!(firing.contains("no replica yet"), "{firing}");
    assert!(firing.contains("replication-lagging.md"), "{firing}");
    assert!(!firing.contains("bisman-test-secret"), "no secrets in mail");

    moto.create_bucket("bisman-late");
    wait_for(
        &maildir,
        90,
        "a RESOLVED mail once the replica caught up",
        |m| m.iter().any(|m| is(m, "RESOLVED")),
    );
    // Healthy for a while: no further mail about it.
    std::thread::sleep(Duration::from_secs(6));
    let about: Vec<String> = mails(&maildir)
        .iter()
        .filter(|m| subject(m).contains("replication stalled"))
        .map(|m| subject(m).to_string())
        .collect();
    assert_eq!(about.len(), 2, "one mail each way: {about:?}");

    // Every attempt is on record in the control DB.
    let c = rusqlite::Connection::open_with_flags(
        data.join("control.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("control.db");
    let mut st = c
        .prepare("SELECT state, outcome, recipients FROM alert_notifications WHERE condition = 'replication_stalled' ORDER BY id")
        .expect("prepare");
    let rows: Vec<(String, String, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        rows,
        vec![
            ("firing".into(), "sent".into(), "ops@example.in".into()),
            ("resolved".into(), "sent".into(), "ops@example.in".into()),
        ]
    );
}
