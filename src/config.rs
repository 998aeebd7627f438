//! Typed configuration: built-in defaults → TOML file → `BISMAN_*` environment → flags.
//!
//! Raw values are read with figment into [`RawConfig`], then validated once into
//! [`Settings`]. Validation collects every problem (so `bisman check` can print them all)
//! and each problem names the variable an operator has to fix.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

/// Keys accepted from the environment (as `BISMAN_<KEY>`) and from the TOML file.
const KEYS: &[&str] = &[
    "data_dir",
    "bind",
    "env",
    "master_key_file",
    "master_key_previous_file",
    "jwt_secret_file",
    "cors_origins",
    "trusted_proxies",
    "tls_cert",
    "tls_key",
    "rate_login",
    "rate_auth",
    "rate_api_user",
    "rate_api_tenant",
    "log",
    "log_format",
    "replica_url",
    "replica_s3_endpoint",
    "replica_s3_region",
    "litestream_bin",
    "litestream_managed",
    "clamd_socket",
    "clamd_addr",
    "clamd_policy",
    "clamd_timeout_ms",
    "max_open_tenants",
    "tenant_idle_secs",
    "sqlite_heap_limit_mb",
    "password_max_age_days",
    "upload_max_bytes",
    "shutdown_grace_secs",
    "slow_query_ms",
    "restore_drill_interval",
    "maintenance_interval",
    "smtp_host",
    "smtp_port",
    "smtp_tls",
    "smtp_user",
    "smtp_password_file",
    "smtp_from",
    "smtp_to",
    "alert_after",
];

/// Configuration exactly as read, before validation. Every field has a default.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawConfig {
    pub data_dir: String,
    pub bind: String,
    pub env: String,
    pub master_key_file: Option<String>,
    pub master_key_previous_file: Option<String>,
    pub jwt_secret_file: Option<String>,
    pub cors_origins: String,
    pub trusted_proxies: String,
    pub tls_cert: Option<String>,
    pub tls_key: Option<String>,
    pub rate_login: String,
    pub rate_auth: String,
    pub rate_api_user: String,
    pub rate_api_tenant: String,
    pub log: String,
    pub log_format: Option<String>,
    pub replica_url: Option<String>,
    pub replica_s3_endpoint: Option<String>,
    pub replica_s3_region: Option<String>,
    pub litestream_bin: String,
    pub litestream_managed: bool,
    pub clamd_socket: Option<String>,
    pub clamd_addr: Option<String>,
    pub clamd_policy: String,
    pub clamd_timeout_ms: u64,
    pub max_open_tenants: u64,
    pub tenant_idle_secs: u64,
    pub sqlite_heap_limit_mb: u64,
    pub password_max_age_days: u32,
    pub upload_max_bytes: u64,
    pub shutdown_grace_secs: u32,
    pub slow_query_ms: u64,
    #[serde(deserialize_with = "string_or_number")]
    pub restore_drill_interval: String,
    #[serde(deserialize_with = "string_or_number")]
    pub maintenance_interval: String,
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    pub smtp_tls: String,
    pub smtp_user: Option<String>,
    pub smtp_password_file: Option<String>,
    pub smtp_from: Option<String>,
    pub smtp_to: String,
    #[serde(deserialize_with = "string_or_number")]
    pub alert_after: String,
}

/// Intervals may be given as `7d` or as plain seconds; figment reads `BISMAN_X=0` from
/// the environment (or `x = 0` in TOML) as a number, so accept both.
fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        S(String),
        N(u64),
    }
    Ok(match Either::deserialize(d)? {
        Either::S(s) => s,
        Either::N(n) => n.to_string(),
    })
}

impl Default for RawConfig {
    fn default() -> Self {
        RawConfig {
            data_dir: "./data".into(),
            bind: "127.0.0.1:8080".into(),
            env: "development".into(),
            master_key_file: None,
            master_key_previous_file: None,
            jwt_secret_file: None,
            cors_origins: String::new(),
            trusted_proxies: String::new(),
            tls_cert: None,
            tls_key: None,
            rate_login: "5/900s".into(),
            rate_auth: "20/900s".into(),
            rate_api_user: "600/60s".into(),
            rate_api_tenant: "3000/60s".into(),
            log: "info".into(),
            log_format: None,
            replica_url: None,
            replica_s3_endpoint: None,
            replica_s3_region: None,
            litestream_bin: "litestream".into(),
            litestream_managed: true,
            clamd_socket: None,
            clamd_addr: None,
            clamd_policy: "fail_closed".into(),
            clamd_timeout_ms: 30_000,
            max_open_tenants: 256,
            tenant_idle_secs: 600,
            sqlite_heap_limit_mb: 64,
            password_max_age_days: 90,
            upload_max_bytes: 10 * 1024 * 1024,
            shutdown_grace_secs: 10,
            slow_query_ms: 100,
            restore_drill_interval: "7d".into(),
            maintenance_interval: "1h".into(),
            smtp_host: None,
            smtp_port: 587,
            smtp_tls: "starttls".into(),
            smtp_user: None,
            smtp_password_file: None,
            smtp_from: None,
            smtp_to: String::new(),
            alert_after: "5m".into(),
        }
    }
}

/// Values given on the command line; `None` means "not given".
#[derive(Debug, Default, Clone, Serialize)]
pub struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Pretty,
}

/// `N/Ts`: N requests per T seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateSpec {
    pub count: u32,
    pub period: Duration,
}

impl RateSpec {
    pub fn parse(s: &str) -> Result<RateSpec, String> {
        let (n, t) = s
            .trim()
            .split_once('/')
            .ok_or_else(|| format!("'{s}' is not of the form N/Ts (e.g. 5/900s)"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("'{n}' is not a whole number"))?;
        let secs: u64 = t
            .trim()
            .strip_suffix('s')
            .ok_or_else(|| format!("'{t}' must end in 's' (seconds)"))?
            .parse()
            .map_err(|_| format!("'{t}' is not a number of seconds"))?;
        if count == 0 || secs == 0 {
            return Err(format!(
                "'{s}' must allow at least 1 request in at least 1 second"
            ));
        }
        Ok(RateSpec {
            count,
            period: Duration::from_secs(secs),
        })
    }
}

pub use crate::scan::ClamdTarget;

/// Validated configuration, injected as Rocket managed state.
#[derive(Debug, Clone)]
pub struct Settings {
    pub data_dir: PathBuf,
    pub bind: SocketAddr,
    pub env: Environment,
    pub master_key_file: PathBuf,
    /// The master key before `bisman keys rotate-master`: tenant keys still wrapped under
    /// it are read with it until the rotation has re-wrapped them.
    pub master_key_previous_file: Option<PathBuf>,
    pub jwt_secret_file: PathBuf,
    /// True when the secret files were not configured and live in the data dir (development).
    pub generate_missing_secrets: bool,
    pub cors_origins: Vec<String>,
    /// Reverse proxies (addresses or CIDR blocks) whose `X-Forwarded-For` and
    /// `X-Forwarded-Proto` are believed.
    pub trusted_proxies: Vec<IpNet>,
    /// HTTPS served natively: PEM certificate chain and private key (`None`: plain HTTP).
    pub tls: Option<TlsFiles>,
    pub rate_login: RateSpec,
    pub rate_auth: RateSpec,
    pub rate_api_user: RateSpec,
    pub rate_api_tenant: RateSpec,
    pub log: String,
    pub log_format: LogFormat,
    pub replica_url: Option<String>,
    pub replica_s3_endpoint: Option<String>,
    pub replica_s3_region: Option<String>,
    pub litestream_bin: String,
    pub litestream_managed: bool,
    pub clamd: Option<ClamdTarget>,
    pub clamd_fail_open: bool,
    pub clamd_timeout: Duration,
    pub max_open_tenants: u64,
    pub tenant_idle: Duration,
    /// SQLite's soft heap limit over all connections, in bytes (0: none).
    pub sqlite_heap_limit: u64,
    pub password_max_age_days: u32,
    pub upload_max_bytes: u64,
    pub shutdown_grace_secs: u32,
    pub slow_query: Duration,
    /// How often each tenant is restored from its replica and checked; `None` = off.
    pub restore_drill_interval: Option<Duration>,
    /// How often `PRAGMA optimize` and token/idempotency pruning run; `None` = off.
    pub maintenance_interval: Option<Duration>,
    /// Operator e-mail alerts; `None` = no e-mail.
    pub smtp: Option<SmtpSettings>,
    /// How long a condition must hold (and then stay clear) before its e-mail goes out.
    pub alert_after: Duration,
}

/// The certificate chain and private key HTTPS is served with (PEM files, re-read on SIGHUP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// An address block: `10.0.0.0/8`, `fd00::/8`, or one address (`/32`, `/128`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl IpNet {
    pub fn parse(s: &str) -> Option<IpNet> {
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr = a.trim().parse::<IpAddr>().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match p {
            Some(p) => p.trim().parse::<u8>().ok().filter(|p| *p <= max)?,
            None => max,
        };
        Some(IpNet { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        // An IPv4 peer seen on a dual-stack socket arrives as ::ffff:a.b.c.d.
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for IpNet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// How the appliance reaches the operator by e-mail (`BISMAN_SMTP_*`).
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub user: Option<String>,
    /// The password lives in a file (mode 0600 in production), never in the TOML.
    pub password_file: Option<PathBuf>,
    pub from: String,
    pub to: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS (port 587); refused if the server cannot.
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on this machine (loopback).
    None,
}

/// Parses an interval like `7d`, `12h`, `30m`, `90s` or plain seconds; `0` or `off`
/// means disabled (`None`).
pub fn parse_interval(v: &str) -> Result<Option<Duration>, String> {
    let v = v.trim();
    if matches!(v, "0" | "off" | "false" | "disabled") {
        return Ok(None);
    }
    let (num, unit) = match v.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => v.split_at(i),
        None => (v, "s"),
    };
    let factor = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => {
            return Err(format!(
                "'{v}' is not an interval like 7d, 12h, 30m, 90s or off"
            ))
        }
    };
    num.parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .filter(|n| *n > 0)
        .map(|n| Some(Duration::from_secs(n)))
        .ok_or_else(|| format!("'{v}' is not an interval like 7d, 12h, 30m, 90s or off"))
}

/// One thing wrong with the configuration, naming the variable to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    pub variable: String,
    pub message: String,
}

impl std::fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.variable, self.message)
    }
}

fn problem(key: &str, message: impl Into<String>) -> ConfigProblem {
    ConfigProblem {
        variable: format!("BISMAN_{}", key.to_ascii_uppercase()),
        message: message.into(),
    }
}

/// The TOML file to read: `--config`, else `BISMAN_CONFIG`, else `/etc/bisman/bisman.toml` if it exists.
pub fn config_file(flag: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = flag {
        return Some(p.to_path_buf());
    }
    if let Ok(p) = std::env::var("BISMAN_CONFIG") {
        if !p.is_empty() {
            return Some(PathBuf::from(p));
        }
    }
    let default = PathBuf::from("/etc/bisman/bisman.toml");
    default.exists().then_some(default)
}

/// Reads defaults → file → env → flags. A named file that is missing is a problem.
pub fn read_raw(
    file: Option<&Path>,
    flags: &FlagOverrides,
) -> Result<RawConfig, Vec<ConfigProblem>> {
    let mut fig = Figment::from(Serialized::defaults(RawConfig::default()));
    if let Some(path) = file {
        if !path.exists() {
            return Err(vec![ConfigProblem {
                variable: "BISMAN_CONFIG".into(),
                message: format!("configuration file {} does not exist", path.display()),
            }]);
        }
        fig = fig.merge(Toml::file_exact(path));
    }
    fig = fig
        .merge(Env::prefixed("BISMAN_").only(KEYS))
        .merge(Serialized::defaults(flags.clone()));
    fig.extract::<RawConfig>().map_err(|e| {
        e.into_iter()
            .map(|err| {
                let key = err.path.first().cloned().unwrap_or_default();
                let variable = if key.is_empty() {
                    "BISMAN_CONFIG".to_string()
                } else {
                    format!("BISMAN_{}", key.to_ascii_uppercase())
                };
                ConfigProblem {
                    variable,
                    message: err.kind.to_string(),
                }
            })
            .collect()
    })
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').map(str::trim).filter(|v| !v.is_empty())
}

impl Settings {
    /// Validates raw values. Checks that touch the disk (secrets, writability) are in `check_environment`.
    pub fn from_raw(raw: &RawConfig) -> Result<Settings, Vec<ConfigProblem>> {
        let mut problems = Vec::new();
        let env = match raw.env.trim() {
            "development" | "dev" => Environment::Development,
            "production" | "prod" => Environment::Production,
            other => {
                problems.push(problem(
                    "env",
                    format!("'{other}' is not 'development' or 'production'"),
                ));
                Environment::Production
            }
        };
        let bind = raw.bind.trim().parse::<SocketAddr>().unwrap_or_else(|_| {
            problems.push(problem(
                "bind",
                format!("'{}' is not an ADDR:PORT socket address", raw.bind),
            ));
            SocketAddr::from(([127, 0, 0, 1], 8080))
        });
        let data_dir = PathBuf::from(raw.data_dir.trim());
        if raw.data_dir.trim().is_empty() {
            problems.push(problem("data_dir", "must not be empty"));
        }
        let mut rate = |key: &str, value: &str| {
            RateSpec::parse(value).unwrap_or_else(|m| {
                problems.push(problem(key, m));
                RateSpec {
                    count: 1,
                    period: Duration::from_secs(1),
                }
            })
        };
        let rate_login = rate("rate_login", &raw.rate_login);
        let rate_auth = rate("rate_auth", &raw.rate_auth);
        let rate_api_user = rate("rate_api_user", &raw.rate_api_user);
        let rate_api_tenant = rate("rate_api_tenant", &raw.rate_api_tenant);

        let mut cors_origins = Vec::new();
        for origin in split_list(&raw.cors_origins) {
            if valid_origin(origin) {
                cors_origins.push(origin.trim_end_matches('/').to_string());
            } else {
                problems.push(problem(
                    "cors_origins",
                    format!("'{origin}' is not an origin like https://erp.example.in"),
                ));
            }
        }
        let mut trusted_proxies = Vec::new();
        for ip in split_list(&raw.trusted_proxies) {
            match IpNet::parse(ip) {
                Some(a) => trusted_proxies.push(a),
                None => problems.push(problem(
                    "trusted_proxies",
                    format!("'{ip}' is not an IP address or CIDR block (10.0.0.0/8)"),
                )),
            }
        }
        let tls = match (opt(&raw.tls_cert), opt(&raw.tls_key)) {
            (Some(cert), Some(key)) => Some(TlsFiles {
                cert: PathBuf::from(cert),
                key: PathBuf::from(key),
            }),
            (None, None) => None,
            (Some(_), None) => {
                problems.push(problem(
                    "tls_key",
                    "is required with BISMAN_TLS_CERT (the certificate's PEM private key)",
                ));
                None
            }
            (None, Some(_)) => {
                problems.push(problem(
                    "tls_cert",
                    "is required with BISMAN_TLS_KEY (the PEM certificate chain)",
                ));
                None
            }
        };
        // Issue #15 (1): passwords and Aadhaar numbers must not cross a LAN in clear.
        if env == Environment::Production
            && tls.is_none()
            && trusted_proxies.is_empty()
            && !bind.ip().is_loopback()
        {
            problems.push(problem(
                "bind",
                format!(
                    "production refuses plain HTTP on {bind}: passwords and ID numbers would \
                     cross the network in clear. Set BISMAN_TLS_CERT and BISMAN_TLS_KEY to serve \
                     HTTPS, or put a TLS reverse proxy in front and list it in \
                     BISMAN_TRUSTED_PROXIES, or bind to 127.0.0.1"
                ),
            ));
        }
        let log_format = match opt(&raw.log_format).as_deref() {
            Some("json") => LogFormat::Json,
            Some("pretty") => LogFormat::Pretty,
            None if env == Environment::Production => LogFormat::Json,
            None => LogFormat::Pretty,
            Some(other) => {
                problems.push(problem(
                    "log_format",
                    format!("'{other}' is not 'json' or 'pretty'"),
                ));
                LogFormat::Json
            }
        };
        if tracing_subscriber::EnvFilter::try_new(&raw.log).is_err() {
            problems.push(problem(
                "log",
                format!("'{}' is not a valid log filter", raw.log),
            ));
        }
        let clamd = match (opt(&raw.clamd_socket), opt(&raw.clamd_addr)) {
            (Some(_), Some(_)) => {
                problems.push(problem(
                    "clamd_socket",
                    "set either BISMAN_CLAMD_SOCKET or BISMAN_CLAMD_ADDR, not both",
                ));
                None
            }
            (Some(sock), None) => Some(ClamdTarget::Unix(PathBuf::from(sock))),
            (None, Some(addr)) => {
                if addr
                    .rsplit_once(':')
                    .and_then(|(_, p)| p.parse::<u16>().ok())
                    .is_none()
                {
                    problems.push(problem("clamd_addr", format!("'{addr}' is not host:port")));
                }
                Some(ClamdTarget::Tcp(addr))
            }
            (None, None) => None,
        };
        let clamd_fail_open = match raw.clamd_policy.trim() {
            "fail_closed" => false,
            "fail_open" => true,
            other => {
                problems.push(problem(
                    "clamd_policy",
                    format!("'{other}' is not 'fail_closed' or 'fail_open'"),
                ));
                false
            }
        };
        let replica_url = opt(&raw.replica_url);
        if let Some(url) = &replica_url {
            let ok = match url.split_once("://") {
                Some(("file", path)) => path.starts_with('/'),
                Some(("s3", rest)) => rest.split('/').next().is_some_and(|b| b.len() >= 3),
                _ => false,
            };
            if !ok {
                problems.push(problem(
                    "replica_url",
                    format!("'{url}' must be file:///absolute/path or s3://bucket/prefix (bucket of 3+ chars)"),
                ));
            }
        }
        let restore_drill_interval =
            parse_interval(&raw.restore_drill_interval).unwrap_or_else(|m| {
                problems.push(problem("restore_drill_interval", m));
                None
            });
        let maintenance_interval = parse_interval(&raw.maintenance_interval).unwrap_or_else(|m| {
            problems.push(problem("maintenance_interval", m));
            None
        });
        if raw.max_open_tenants == 0 {
            problems.push(problem("max_open_tenants", "must be at least 1"));
        }
        let alert_after = match parse_interval(&raw.alert_after) {
            Ok(d) => d.unwrap_or(Duration::ZERO),
            Err(m) => {
                problems.push(problem("alert_after", m));
                Duration::ZERO
            }
        };
        let smtp = match opt(&raw.smtp_host) {
            None => None,
            Some(host) => {
                let tls = match raw.smtp_tls.trim() {
                    "starttls" => SmtpTls::StartTls,
                    "tls" => SmtpTls::Tls,
                    "none" => SmtpTls::None,
                    other => {
                        problems.push(problem(
                            "smtp_tls",
                            format!("'{other}' is not 'starttls', 'tls' or 'none'"),
                        ));
                        SmtpTls::StartTls
                    }
                };
                let loopback =
                    host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
                if tls == SmtpTls::None && !loopback {
                    problems.push(problem(
                        "smtp_tls",
                        format!("'none' sends alerts and the SMTP password in clear: only allowed for a relay on this machine, not {host}"),
                    ));
                }
                let mailbox = |v: &str| v.contains('@') && !v.contains(char::is_whitespace);
                let from = opt(&raw.smtp_from).unwrap_or_default();
                if !mailbox(&from) {
                    problems.push(problem("smtp_from", "is required with smtp_host: the sender address, like bisman@branch-7.example.in"));
                }
                let to: Vec<String> = split_list(&raw.smtp_to).map(str::to_string).collect();
                if to.is_empty() || !to.iter().all(|t| mailbox(t)) {
                    problems.push(problem(
                        "smtp_to",
                        "is required with smtp_host: comma list of operator addresses",
                    ));
                }
                if raw.smtp_port == 0 {
                    problems.push(problem("smtp_port", "must be a TCP port"));
                }
                Some(SmtpSettings {
                    host,
                    port: raw.smtp_port,
                    tls,
                    user: opt(&raw.smtp_user),
                    password_file: opt(&raw.smtp_password_file).map(PathBuf::from),
                    from,
                    to,
                })
            }
        };
        if raw.upload_max_bytes == 0 {
            problems.push(problem("upload_max_bytes", "must be at least 1"));
        }
        let (master_key_file, jwt_secret_file, generate_missing_secrets) =
            match (opt(&raw.master_key_file), opt(&raw.jwt_secret_file)) {
                (Some(m), Some(j)) => (PathBuf::from(m), PathBuf::from(j), false),
                (m, j) => {
                    if env == Environment::Production {
                        if m.is_none() {
                            problems.push(problem("master_key_file", "is required in production"));
                        }
                        if j.is_none() {
                            problems.push(problem("jwt_secret_file", "is required in production"));
                        }
                    }
                    let secrets = data_dir.join("secrets");
                    (
                        m.map(PathBuf::from)
                            .unwrap_or_else(|| secrets.join("master.key")),
                        j.map(PathBuf::from)
                            .unwrap_or_else(|| secrets.join("jwt.secret")),
                        env == Environment::Development,
                    )
                }
            };
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Settings {
            data_dir,
            bind,
            env,
            master_key_file,
            master_key_previous_file: opt(&raw.master_key_previous_file).map(PathBuf::from),
            jwt_secret_file,
            generate_missing_secrets,
            cors_origins,
            trusted_proxies,
            tls,
            rate_login,
            rate_auth,
            rate_api_user,
            rate_api_tenant,
            log: raw.log.clone(),
            log_format,
            replica_url,
            replica_s3_endpoint: opt(&raw.replica_s3_endpoint),
            replica_s3_region: opt(&raw.replica_s3_region),
            litestream_bin: raw.litestream_bin.clone(),
            litestream_managed: raw.litestream_managed,
            clamd,
            clamd_fail_open,
            clamd_timeout: Duration::from_millis(raw.clamd_timeout_ms.max(100)),
            max_open_tenants: raw.max_open_tenants,
            tenant_idle: Duration::from_secs(raw.tenant_idle_secs.max(1)),
            sqlite_heap_limit: raw.sqlite_heap_limit_mb.saturating_mul(1024 * 1024),
            password_max_age_days: raw.password_max_age_days,
            upload_max_bytes: raw.upload_max_bytes,
            shutdown_grace_secs: raw.shutdown_grace_secs,
            slow_query: Duration::from_millis(raw.slow_query_ms),
            restore_drill_interval,
            smtp,
            alert_after,
            maintenance_interval,
        })
    }

    /// Full load used by every command: read, then validate.
    pub fn load(
        file: Option<&Path>,
        flags: &FlagOverrides,
    ) -> Result<Settings, Vec<ConfigProblem>> {
        Settings::from_raw(&read_raw(file, flags)?)
    }

    pub fn is_production(&self) -> bool {
        self.env == Environment::Production
    }

    /// True when every request must have come through a trusted proxy's HTTPS (or from
    /// this machine): production serving plain HTTP on a non-loopback address.
    pub fn https_via_proxy_only(&self) -> bool {
        self.is_production() && self.tls.is_none() && !self.bind.ip().is_loopback()
    }

    pub fn is_trusted_proxy(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|n| n.contains(ip))
    }

    pub fn control_db_path(&self) -> PathBuf {
        self.data_dir.join("control.db")
    }

    pub fn tenants_dir(&self) -> PathBuf {
        self.data_dir.join("tenants")
    }

    /// Development defaults that suit tests and the demo: everything in `data_dir`.
    pub fn for_data_dir(data_dir: &Path) -> Settings {
        let raw = RawConfig {
            data_dir: data_dir.to_string_lossy().into_owned(),
            ..RawConfig::default()
        };
        // The defaults are valid by construction; a failure here is a programming error in RawConfig::default.
        match Settings::from_raw(&raw) {
            Ok(s) => s,
            Err(p) => panic!("built-in defaults are invalid: {p:?}"),
        }
    }
}

fn valid_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false;
    };
    matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && !rest.trim_end_matches('/').contains('/')
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '/' | '[' | ']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_specs_parse_and_reject() {
        assert_eq!(
            RateSpec::parse("5/900s"),
            Ok(RateSpec {
                count: 5,
                period: Duration::from_secs(900)
            })
        );
        for bad in ["5", "5/900", "0/10s", "5/0s", "x/10s", "5/ms"] {
            assert!(RateSpec::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn defaults_are_valid_development() {
        let s = Settings::from_raw(&RawConfig::default()).expect("defaults");
        assert_eq!(s.env, Environment::Development);
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert!(s.generate_missing_secrets);
        assert_eq!(s.rate_login.count, 5);
        assert_eq!(s.sqlite_heap_limit, 64 * 1024 * 1024);
        let none = RawConfig {
            sqlite_heap_limit_mb: 0,
            ..RawConfig::default()
        };
        assert_eq!(Settings::from_raw(&none).expect("0").sqlite_heap_limit, 0);
    }

    #[test]
    fn production_requires_secret_files_naming_the_variables() {
        let raw = RawConfig {
            env: "production".into(),
            ..RawConfig::default()
        };
        let problems = Settings::from_raw(&raw).expect_err("must refuse");
        let vars: Vec<_> = problems.iter().map(|p| p.variable.as_str()).collect();
        assert!(vars.contains(&"BISMAN_MASTER_KEY_FILE"), "{vars:?}");
        assert!(vars.contains(&"BISMAN_JWT_SECRET_FILE"), "{vars:?}");
    }

    #[test]
    fn every_invalid_value_is_reported() {
        let raw = RawConfig {
            bind: "nope".into(),
            env: "staging".into(),
            rate_login: "lots".into(),
            cors_origins: "ftp://x".into(),
            clamd_policy: "maybe".into(),
            replica_url: Some("s3://ab".into()),
            ..RawConfig::default()
        };
        let problems = Settings::from_raw(&raw).expect_err("must refuse");
        let vars: Vec<_> = problems.iter().map(|p| p.variable.clone()).collect();
        for v in [
            "BISMAN_BIND",
            "BISMAN_ENV",
            "BISMAN_RATE_LOGIN",
            "BISMAN_CORS_ORIGINS",
            "BISMAN_CLAMD_POLICY",
            "BISMAN_REPLICA_URL",
        ] {
            assert!(vars.iter().any(|x| x == v), "{v} missing from {vars:?}");
        }
    }

    #[test]
    fn intervals_parse_and_zero_or_off_disables() {
        let d = |s| parse_interval(s).expect(s);
        assert_eq!(d("7d"), Some(Duration::from_secs(7 * 86_400)));
        assert_eq!(d("12h"), Some(Duration::from_secs(12 * 3600)));
        assert_eq!(d("30m"), Some(Duration::from_secs(1800)));
        assert_eq!(d("90s"), Some(Duration::from_secs(90)));
        assert_eq!(d(" 45 "), Some(Duration::from_secs(45)));
        assert_eq!(d("0"), None);
        assert_eq!(d("off"), None);
        for bad in ["", "d", "7w", "-1h", "1.5h", "99999999999999999999d"] {
            assert!(parse_interval(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn production_refuses_a_plain_non_loopback_bind() {
        let prod = |bind: &str, tls: bool, proxies: &str| RawConfig {
            env: "production".into(),
            bind: bind.into(),
            master_key_file: Some("/m".into()),
            jwt_secret_file: Some("/j".into()),
            tls_cert: tls.then(|| "/c.pem".into()),
            tls_key: tls.then(|| "/k.pem".into()),
            trusted_proxies: proxies.into(),
            ..RawConfig::default()
        };
        let problems = Settings::from_raw(&prod("0.0.0.0:8080", false, "")).expect_err("refused");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].variable, "BISMAN_BIND");
        assert!(
            problems[0].message.contains("BISMAN_TLS_CERT"),
            "{problems:?}"
        );
        assert!(Settings::from_raw(&prod("192.168.1.10:8080", false, "")).is_err());
        assert!(Settings::from_raw(&prod("[::]:8080", false, "")).is_err());
        for ok in [
            prod("127.0.0.1:8080", false, ""),
            prod("[::1]:8080", false, ""),
            prod("0.0.0.0:8443", true, ""),
            prod("0.0.0.0:8080", false, "10.0.0.5"),
        ] {
            let s = Settings::from_raw(&ok).expect("allowed");
            assert_eq!(s.https_via_proxy_only(), ok.bind == "0.0.0.0:8080");
        }
        // Development keeps plain HTTP anywhere (a laptop demo on the LAN).
        let dev = RawConfig {
            bind: "0.0.0.0:8080".into(),
            ..RawConfig::default()
        };
        assert!(Settings::from_raw(&dev).is_ok());
        // A certificate without its key (or the reverse) names the missing one.
        let half = RawConfig {
            tls_key: None,
            ..prod("0.0.0.0:8443", true, "")
        };
        let p = Settings::from_raw(&half).expect_err("half");
        assert!(p.iter().any(|p| p.variable == "BISMAN_TLS_KEY"), "{p:?}");
    }

    #[test]
    fn trusted_proxies_take_addresses_and_cidr_blocks() {
        let n = |s| IpNet::parse(s).expect(s);
        let ip = |s: &str| s.parse::<IpAddr>().expect("ip");
        assert!(n("10.0.0.0/8").contains(ip("10.200.3.4")));
        assert!(!n("10.0.0.0/8").contains(ip("11.0.0.1")));
        assert!(n("192.168.1.7").contains(ip("192.168.1.7")));
        assert!(!n("192.168.1.7").contains(ip("192.168.1.8")));
        assert!(n("0.0.0.0/0").contains(ip("8.8.8.8")));
        assert!(n("fd00::/8").contains(ip("fd12::1")));
        assert!(n("10.0.0.0/8").contains(ip("::ffff:10.1.2.3")));
        for bad in ["10.0.0.0/33", "fd00::/129", "nope", "10.0.0.0/x"] {
            assert!(IpNet::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn origins() {
        assert!(valid_origin("https://erp.example.in"));
        assert!(valid_origin("http://127.0.0.1:3000"));
        assert!(!valid_origin("https://erp.example.in/path"));
        assert!(!valid_origin("erp.example.in"));
    }
}
