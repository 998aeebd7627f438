//! Where replicas go ([`ReplicaTarget`]), which files are replicated ([`DbEntry`]) and
//! the generated Litestream configuration ([`render_config`], [`write_config`]).

use std::fmt;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::{ReplicationError, Result};

/// Environment variable with the replica URL; unset or empty means no replication.
pub const ENV_REPLICA_URL: &str = "BISMAN_REPLICA_URL";
/// Environment variable with a custom S3 endpoint (MinIO, Ceph, moto, ...).
pub const ENV_S3_ENDPOINT: &str = "BISMAN_REPLICA_S3_ENDPOINT";
/// Environment variable with the S3 region.
pub const ENV_S3_REGION: &str = "BISMAN_REPLICA_S3_REGION";

/// Where every database's replica lives. Each database gets its own sub-path,
/// `<root or prefix>/<name>` (see [`DbEntry::name`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReplicaTarget {
    /// A directory on a mounted file system (`file:///abs/path`).
    File { root: PathBuf },
    /// An S3 bucket or an S3-compatible store (`s3://bucket/prefix`).
    S3 {
        bucket: String,
        /// Key prefix without leading or trailing `/`; may be empty.
        prefix: String,
        /// `http(s)://host[:port]` of an S3-compatible store; `None` for AWS.
        endpoint: Option<String>,
        region: Option<String>,
    },
}

impl ReplicaTarget {
    /// Parses `BISMAN_REPLICA_URL` (`file:///abs/path` or `s3://bucket/prefix`) with the
    /// optional S3 endpoint and region. Anything else is refused with a message that
    /// says what is accepted.
    pub fn parse(url: &str, s3_endpoint: Option<&str>, s3_region: Option<&str>) -> Result<Self> {
        let url = url.trim();
        let endpoint = s3_endpoint.map(str::trim).filter(|s| !s.is_empty());
        let region = s3_region.map(str::trim).filter(|s| !s.is_empty());
        if url.contains('@') {
            // Never echo a value that may carry credentials.
            return Err(invalid(format!(
                "{ENV_REPLICA_URL} must not contain credentials (user@ or key:secret@); \
                 give them in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY"
            )));
        }
        if let Some(rest) = url.strip_prefix("file://") {
            if endpoint.is_some() || region.is_some() {
                return Err(invalid(format!(
                    "{ENV_S3_ENDPOINT} / {ENV_S3_REGION} are set but {ENV_REPLICA_URL} is a \
                     file:// URL; unset them or use an s3:// URL"
                )));
            }
            return Self::parse_file(url, rest);
        }
        if let Some(rest) = url.strip_prefix("s3://") {
            return Self::parse_s3(url, rest, endpoint, region);
        }
        Err(invalid(format!(
            "{ENV_REPLICA_URL} must be file:///absolute/path or s3://bucket/prefix, got {url:?}"
        )))
    }

    /// Reads the target from `BISMAN_REPLICA_URL`, `BISMAN_REPLICA_S3_ENDPOINT` and
    /// `BISMAN_REPLICA_S3_REGION`; `Ok(None)` when no replica URL is set.
    pub fn from_env() -> Result<Option<Self>> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        match var(ENV_REPLICA_URL) {
            None => Ok(None),
            Some(url) => Self::parse(
                &url,
                var(ENV_S3_ENDPOINT).as_deref(),
                var(ENV_S3_REGION).as_deref(),
            )
            .map(Some),
        }
    }

    fn parse_file(url: &str, rest: &str) -> Result<Self> {
        if !rest.starts_with('/') {
            return Err(invalid(format!(
                "{ENV_REPLICA_URL}: a file URL needs an absolute path and no host \
                 (file:///var/backups/bisman), got {url:?}"
            )));
        }
        if let Some(c) = rest.chars().find(|c| !is_safe_path_char(*c)) {
            return Err(invalid(format!(
                "{ENV_REPLICA_URL}: character {c:?} is not allowed in a file replica path \
                 (letters, digits, / . _ - + only), got {url:?}"
            )));
        }
        let root = PathBuf::from(rest.trim_end_matches('/'));
        if root.as_os_str().is_empty()
            || root
                .components()
                .any(|c| matches!(c, Component::ParentDir | Component::CurDir))
        {
            return Err(invalid(format!(
                "{ENV_REPLICA_URL}: the file replica path must be a normalised absolute \
                 directory other than /, got {url:?}"
            )));
        }
        Ok(Self::File { root })
    }

    fn parse_s3(
        url: &str,
        rest: &str,
        endpoint: Option<&str>,
        region: Option<&str>,
    ) -> Result<Self> {
        if rest.contains(['?', '#']) {
            return Err(invalid(format!(
                "{ENV_REPLICA_URL}: no query or fragment in the s3 URL; give the endpoint and \
                 region in {ENV_S3_ENDPOINT} / {ENV_S3_REGION}, got {url:?}"
            )));
        }
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if !is_valid_bucket(bucket) {
            return Err(invalid(format!(
                "{ENV_REPLICA_URL}: bucket {bucket:?} is not a valid S3 bucket name (3-63 \
                 characters: lower-case letters, digits, '.', '-', starting and ending with a \
                 letter or digit)"
            )));
        }
        let segments: Vec<&str> = prefix.split('/').filter(|s| !s.is_empty()).collect();
        for s in &segments {
            if *s == "." || *s == ".." || !s.chars().all(is_safe_key_char) {
                return Err(invalid(format!(
                    "{ENV_REPLICA_URL}: prefix segment {s:?} is not allowed (letters, digits, \
                     . _ - only, no . or ..), got {url:?}"
                )));
            }
        }
        let endpoint = endpoint.map(parse_endpoint).transpose()?;
        if let Some(r) = region {
            if r.len() > 64
                || !r
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return Err(invalid(format!(
                    "{ENV_S3_REGION} must look like us-east-1 (lower-case letters, digits, -), \
                     got {r:?}"
                )));
            }
        }
        Ok(Self::S3 {
            bucket: bucket.to_owned(),
            prefix: segments.join("/"),
            endpoint,
            region: region.map(str::to_owned),
        })
    }

    /// The replica location of database `name`, as a URL that Litestream's own commands
    /// (`register -replica`, `restore`, `ltx`) accept on their own, without a config
    /// file: for S3 the endpoint, region and path-style addressing ride along as query
    /// parameters.
    pub fn replica_url(&self, name: &str) -> String {
        match self {
            Self::File { root } => format!("file://{}", root.join(name).display()),
            Self::S3 {
                bucket,
                endpoint,
                region,
                ..
            } => {
                let mut url = format!("s3://{bucket}/{}", self.s3_key(name));
                let mut query = Vec::new();
                if let Some(e) = endpoint {
                    query.push(format!("endpoint={e}"));
                }
                if let Some(r) = region {
                    query.push(format!("region={r}"));
                }
                if endpoint.is_some() {
                    query.push("forcePathStyle=true".to_owned());
                }
                if !query.is_empty() {
                    url.push('?');
                    url.push_str(&query.join("&"));
                }
                url
            }
        }
    }

    /// The key prefix (S3) below which database `name` is stored.
    fn s3_key(&self, name: &str) -> String {
        match self {
            Self::S3 { prefix, .. } if !prefix.is_empty() => format!("{prefix}/{name}"),
            _ => name.to_owned(),
        }
    }
}

impl fmt::Display for ReplicaTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File { root } => write!(f, "file://{}", root.display()),
            Self::S3 {
                bucket,
                prefix,
                endpoint,
                ..
            } => {
                write!(f, "s3://{bucket}/{prefix}")?;
                if let Some(e) = endpoint {
                    write!(f, " (endpoint {e})")?;
                }
                Ok(())
            }
        }
    }
}

/// One replicated SQLite file: `name` is its path below the replica root
/// (`control`, `tenants/<slug>`), `path` the absolute path of the file.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DbEntry {
    name: String,
    path: PathBuf,
}

impl DbEntry {
    /// A database with an explicit replica name (segments of `[a-z0-9][a-z0-9._-]*`
    /// joined by `/`) and file path (made absolute against the current directory).
    pub fn new(name: &str, path: impl AsRef<Path>) -> Result<Self> {
        let ok = !name.is_empty()
            && name.len() <= 200
            && name.split('/').all(|s| {
                let mut cs = s.chars();
                matches!(cs.next(), Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit())
                    && cs.all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
                    })
            });
        if !ok {
            return Err(invalid(format!(
                "replica name {name:?} must be segments of [a-z0-9][a-z0-9._-]* joined by /"
            )));
        }
        let path = std::path::absolute(path.as_ref()).map_err(|e| {
            ReplicationError::io(format!("resolving {}", path.as_ref().display()), e)
        })?;
        if path.to_str().is_none() {
            return Err(invalid(format!(
                "database path {} is not valid UTF-8",
                path.display()
            )));
        }
        Ok(Self {
            name: name.to_owned(),
            path,
        })
    }

    /// The control DB, `<data_dir>/control.db`, replicated as `control`.
    pub fn control(data_dir: &Path) -> Result<Self> {
        Self::new("control", data_dir.join("control.db"))
    }

    /// A tenant DB, `<data_dir>/tenants/<slug>/tenant.db`, replicated as `tenants/<slug>`.
    /// The slug must already be valid (`^[a-z0-9][a-z0-9-]{1,62}$`).
    pub fn tenant(data_dir: &Path, slug: &str) -> Result<Self> {
        if slug.contains(['/', '.', '_']) {
            return Err(invalid(format!("invalid tenant slug {slug:?}")));
        }
        Self::new(
            &format!("tenants/{slug}"),
            data_dir.join("tenants").join(slug).join("tenant.db"),
        )
    }

    /// The name below the replica root (`control`, `tenants/<slug>`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The absolute path of the SQLite file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn path_str(&self) -> String {
        self.path.display().to_string()
    }
}

/// Renders `litestream.yml`: the control socket (if given) and one `dbs` entry per
/// database with a single replica at `<target>/<name>`. Strings are written as YAML
/// double-quoted scalars, so no path can break the document.
pub fn render_config(
    dbs: &[DbEntry],
    target: &ReplicaTarget,
    socket_path: Option<&Path>,
) -> String {
    let mut out = String::from(
        "# Generated by bisman; rewritten whenever a database is added. Do not edit.\n",
    );
    if let Some(sock) = socket_path {
        out.push_str("socket:\n  enabled: true\n");
        out.push_str(&format!(
            "  path: {}\n",
            yaml_str(&sock.display().to_string())
        ));
    }
    if dbs.is_empty() {
        out.push_str("dbs: []\n");
        return out;
    }
    out.push_str("dbs:\n");
    for db in dbs {
        out.push_str(&format!(
            "  - path: {}\n    replica:\n",
            yaml_str(&db.path_str())
        ));
        match target {
            ReplicaTarget::File { root } => {
                let url = format!("file://{}", root.join(&db.name).display());
                out.push_str(&format!("      url: {}\n", yaml_str(&url)));
            }
            ReplicaTarget::S3 {
                bucket,
                endpoint,
                region,
                ..
            } => {
                out.push_str("      type: s3\n");
                out.push_str(&format!("      bucket: {}\n", yaml_str(bucket)));
                out.push_str(&format!(
                    "      path: {}\n",
                    yaml_str(&target.s3_key(&db.name))
                ));
                if let Some(e) = endpoint {
                    out.push_str(&format!("      endpoint: {}\n", yaml_str(e)));
                    out.push_str("      force-path-style: true\n");
                }
                if let Some(r) = region {
                    out.push_str(&format!("      region: {}\n", yaml_str(r)));
                }
            }
        }
    }
    out
}

/// Writes `text` to `path` atomically: a temporary file in the same directory,
/// fsync, rename over `path`, fsync of the directory. Readers see the old or the new
/// file, never a partial one. Creates the parent directory if needed.
pub fn write_config(path: &Path, text: &str) -> Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path
        .file_name()
        .ok_or_else(|| invalid(format!("config path {} has no file name", path.display())))?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| ReplicationError::io(format!("creating {}", dir.display()), e))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{}",
        file_name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        std::fs::File::open(&dir)?.sync_all()
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(ReplicationError::io(
            format!("writing {}", path.display()),
            e,
        ));
    }
    Ok(())
}

fn invalid(msg: String) -> ReplicationError {
    ReplicationError::InvalidConfig(msg)
}

/// A JSON string literal is a valid YAML double-quoted scalar.
fn yaml_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn is_safe_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+')
}

fn is_safe_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

fn is_valid_bucket(b: &str) -> bool {
    let edge_ok =
        |c: Option<char>| matches!(c, Some(c) if c.is_ascii_lowercase() || c.is_ascii_digit());
    (3..=63).contains(&b.len())
        && b.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && edge_ok(b.chars().next())
        && edge_ok(b.chars().last())
        && !b.contains("..")
}

fn parse_endpoint(e: &str) -> Result<String> {
    let rest = e
        .strip_prefix("http://")
        .or_else(|| e.strip_prefix("https://"))
        .ok_or_else(|| {
            invalid(format!(
                "{ENV_S3_ENDPOINT} must be http://host[:port] or https://host[:port], got {e:?}"
            ))
        })?;
    let host = rest.trim_end_matches('/');
    if host.is_empty()
        || host.contains('@')
        || !host.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']' | '/' | '_')
        })
    {
        return Err(invalid(format!(
            "{ENV_S3_ENDPOINT} must be http://host[:port] or https://host[:port] with no \
             credentials, query or spaces, got {e:?}"
        )));
    }
    Ok(e.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3(url: &str) -> Result<ReplicaTarget> {
        ReplicaTarget::parse(url, None, None)
    }

    #[test]
    fn parses_file_urls() {
        assert_eq!(
            ReplicaTarget::parse("file:///var/backups/bisman/", None, None).ok(),
            Some(ReplicaTarget::File {
                root: PathBuf::from("/var/backups/bisman")
            })
        );
        for bad in [
            "file://host/x",
            "file://relative",
            "file:///",
            "file:///a/../b",
            "file:///a b",
            "file:///a?x",
            "/abs/path",
            "",
        ] {
            assert!(
                ReplicaTarget::parse(bad, None, None).is_err(),
                "{bad} accepted"
            );
        }
        assert!(ReplicaTarget::parse("file:///x", Some("http://h:1"), None).is_err());
    }

    #[test]
    fn parses_s3_urls() {
        let t = ReplicaTarget::parse(
            "s3://my-bucket/a/b/",
            Some("http://127.0.0.1:9000/"),
            Some("ap-south-1"),
        );
        assert_eq!(
            t.ok(),
            Some(ReplicaTarget::S3 {
                bucket: "my-bucket".into(),
                prefix: "a/b".into(),
                endpoint: Some("http://127.0.0.1:9000".into()),
                region: Some("ap-south-1".into()),
            })
        );
        assert!(
            matches!(s3("s3://abc"), Ok(ReplicaTarget::S3 { ref prefix, .. }) if prefix.is_empty())
        );
        for bad in [
            "s3://ab/x",
            "s3://Upper/x",
            "s3://-abc/x",
            "s3://abc-/x",
            "s3://a..b/x",
            "s3://abc/../x",
            "s3://abc/x?endpoint=y",
            "s3://key:secret@abc/x",
            "gs://abc/x",
            "http://abc/x",
            "S3://abc/x",
        ] {
            assert!(s3(bad).is_err(), "{bad} accepted");
        }
        assert!(ReplicaTarget::parse("s3://abc/x", Some("ftp://h"), None).is_err());
        assert!(ReplicaTarget::parse("s3://abc/x", Some("http://h:1/?a=b"), None).is_err());
        assert!(ReplicaTarget::parse("s3://abc/x", None, Some("US EAST")).is_err());
    }

    #[test]
    fn credentials_are_never_echoed() {
        let err = s3("s3://AKIA:supersecret@bucket/x")
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| !e.contains("supersecret")));
    }

    #[test]
    fn replica_urls() {
        let f = ReplicaTarget::File { root: "/r".into() };
        assert_eq!(f.replica_url("tenants/acme"), "file:///r/tenants/acme");
        let s = ReplicaTarget::S3 {
            bucket: "bkt".into(),
            prefix: "p".into(),
            endpoint: Some("http://h:9".into()),
            region: Some("us-east-1".into()),
        };
        assert_eq!(
            s.replica_url("control"),
            "s3://bkt/p/control?endpoint=http://h:9&region=us-east-1&forcePathStyle=true"
        );
        let aws = ReplicaTarget::S3 {
            bucket: "bkt".into(),
            prefix: String::new(),
            endpoint: None,
            region: None,
        };
        assert_eq!(aws.replica_url("tenants/x"), "s3://bkt/tenants/x");
    }

    #[test]
    fn db_entries() -> Result<()> {
        let t = DbEntry::tenant(Path::new("/data"), "acme-1")?;
        assert_eq!(t.name(), "tenants/acme-1");
        assert_eq!(t.path(), Path::new("/data/tenants/acme-1/tenant.db"));
        assert_eq!(DbEntry::control(Path::new("/data"))?.name(), "control");
        assert!(DbEntry::tenant(Path::new("/data"), "../x").is_err());
        assert!(DbEntry::new("Tenants/x", "/x").is_err());
        assert!(DbEntry::new("a//b", "/x").is_err());
        assert!(DbEntry::new("", "/x").is_err());
        assert!(DbEntry::new("x", "rel/x.db")?.path().is_absolute());
        Ok(())
    }

    #[test]
    fn renders_s3_and_file_configs() -> Result<()> {
        let dbs = [
            DbEntry::control(Path::new("/d"))?,
            DbEntry::tenant(Path::new("/d"), "acme")?,
        ];
        let s = ReplicaTarget::parse(
            "s3://bkt/pre",
            Some("http://127.0.0.1:9"),
            Some("us-east-1"),
        )?;
        let y = render_config(&dbs, &s, Some(Path::new("/d/litestream.sock")));
        assert!(y.contains("socket:\n  enabled: true\n  path: \"/d/litestream.sock\"\n"));
        assert!(y.contains(
            "  - path: \"/d/tenants/acme/tenant.db\"\n    replica:\n      type: s3\n      \
             bucket: \"bkt\"\n      path: \"pre/tenants/acme\"\n      endpoint: \
             \"http://127.0.0.1:9\"\n      force-path-style: true\n      region: \"us-east-1\"\n"
        ));
        let f = ReplicaTarget::parse("file:///r", None, None)?;
        let y = render_config(&dbs, &f, None);
        assert!(!y.contains("socket"));
        assert!(y.contains(
            "  - path: \"/d/control.db\"\n    replica:\n      url: \"file:///r/control\"\n"
        ));
        assert!(render_config(&[], &f, None).contains("dbs: []"));
        Ok(())
    }

    #[test]
    fn yaml_strings_are_escaped() {
        assert_eq!(yaml_str("a\"b\\c"), "\"a\\\"b\\\\c\"");
    }

    #[test]
    fn write_config_is_atomic_and_replaces() -> Result<()> {
        let dir = tempfile::tempdir().map_err(|e| ReplicationError::io("tempdir", e))?;
        let p = dir.path().join("sub/litestream.yml");
        write_config(&p, "one")?;
        write_config(&p, "two")?;
        assert_eq!(std::fs::read_to_string(&p).ok().as_deref(), Some("two"));
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .map_err(|e| ReplicationError::io("read_dir", e))?
            .filter_map(|e| e.ok())
            .collect();
        assert_eq!(names.len(), 1, "temporary files left behind");
        Ok(())
    }
}
