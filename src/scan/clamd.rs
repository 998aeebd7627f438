//! Minimal async client for ClamAV's clamd: `zINSTREAM` scanning and `zPING` health checks.
//!
//! Protocol notes (clamd(8)): a `z`-prefixed command is NUL-terminated and so is the reply.
//! `zINSTREAM\0` is followed by chunks, each a 4-byte big-endian length and that many
//! bytes, and ends with a zero-length chunk. The reply is `stream: OK`,
//! `stream: <signature> FOUND`, or `... ERROR`. When the stream passes clamd's
//! `StreamMaxLength`, clamd answers `INSTREAM size limit exceeded. ERROR` and closes the
//! connection at once, so our writes may fail with EPIPE/ECONNRESET while the answer is
//! already waiting to be read.

// The only line naming the runtime crate. In the main crate this reads
// `use rocket::tokio as rt;` (Rocket re-exports tokio; `net` and `time` are enabled there
// through feature unification).
use rocket::tokio as rt;

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use rt::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Bytes sent per INSTREAM chunk.
const CHUNK: usize = 64 * 1024;
/// Longest reply we accept; real replies are a line of well under 1 KiB.
const MAX_REPLY: usize = 4096;

/// Default bound for one whole exchange (connect, send, scan, reply).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default largest stream we send: 12 MiB, the `StreamMaxLength` we ship for clamd
/// (10 MiB upload limit plus margin). Keep it at or below clamd's setting.
pub const DEFAULT_MAX_STREAM: u64 = 12 * 1024 * 1024;

/// Where clamd listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClamdTarget {
    /// A Unix domain socket (`LocalSocket` in clamd.conf), e.g. `/run/clamav/clamd.ctl`.
    Unix(PathBuf),
    /// `host:port` (`TCPSocket`/`TCPAddr` in clamd.conf).
    Tcp(String),
}

impl fmt::Display for ClamdTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClamdTarget::Unix(path) => write!(f, "unix:{}", path.display()),
            ClamdTarget::Tcp(addr) => write!(f, "tcp:{addr}"),
        }
    }
}

/// Outcome of a completed scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// clamd's signature name as reported, e.g. `Win.Test.EICAR_HDB-1`; signatures from
    /// unofficial databases carry a `.UNOFFICIAL` suffix.
    Infected {
        signature: String,
    },
}

/// Why no verdict could be obtained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScanError {
    /// clamd could not be reached, broke the connection, or answered with an error.
    #[error("virus scanner unavailable: {0}")]
    Unavailable(String),
    /// The exchange did not finish within the client's timeout.
    #[error("virus scanner timed out")]
    Timeout,
    /// The data is larger than the client's `max_stream` or clamd's `StreamMaxLength`.
    #[error("file too large for the virus scanner")]
    TooLarge,
}

/// A clamd client. Cheap to clone; every call opens a fresh connection.
#[derive(Debug, Clone)]
pub struct ClamdClient {
    pub target: ClamdTarget,
    /// Bound on one whole exchange, connect included.
    pub timeout: Duration,
    /// Largest input sent to clamd; anything larger is `TooLarge` without a connection.
    pub max_stream: u64,
}

impl ClamdClient {
    /// A client with [`DEFAULT_TIMEOUT`] and [`DEFAULT_MAX_STREAM`].
    pub fn new(target: ClamdTarget) -> Self {
        ClamdClient {
            target,
            timeout: DEFAULT_TIMEOUT,
            max_stream: DEFAULT_MAX_STREAM,
        }
    }

    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn with_max_stream(mut self, max_stream: u64) -> Self {
        self.max_stream = max_stream;
        self
    }

    /// Scans `data` with `zINSTREAM`.
    pub async fn scan(&self, data: &[u8]) -> Result<Verdict, ScanError> {
        if data.len() as u64 > self.max_stream {
            return Err(ScanError::TooLarge);
        }
        let reply = self.exchange(Request::Instream(data)).await?;
        parse_scan_reply(&reply)
    }

    /// `zPING`; `Ok(())` when clamd answers `PONG`.
    pub async fn ping(&self) -> Result<(), ScanError> {
        let reply = self.exchange(Request::Command("zPING\0")).await?;
        if reply == "PONG" {
            Ok(())
        } else {
            Err(ScanError::Unavailable(format!(
                "unexpected reply to PING: {}",
                printable(&reply)
            )))
        }
    }

    /// `zVERSION`, e.g. `ClamAV 1.4.6/27480/Mon Nov 23 09:00:00 2026` (engine/database
    /// version/database date). Useful for `bisman check` and the health endpoint.
    pub async fn version(&self) -> Result<String, ScanError> {
        self.exchange(Request::Command("zVERSION\0")).await
    }

    async fn exchange(&self, request: Request<'_>) -> Result<String, ScanError> {
        let work = async {
            match &self.target {
                ClamdTarget::Unix(path) => {
                    let stream = rt::net::UnixStream::connect(path)
                        .await
                        .map_err(|e| connect_error(&self.target, &e))?;
                    talk(stream, request).await
                }
                ClamdTarget::Tcp(addr) => {
                    let stream = rt::net::TcpStream::connect(addr.as_str())
                        .await
                        .map_err(|e| connect_error(&self.target, &e))?;
                    // Chunks are written whole; don't let Nagle hold the terminator back.
                    stream.set_nodelay(true).map_err(io_error)?;
                    talk(stream, request).await
                }
            }
        };
        match rt::time::timeout(self.timeout, work).await {
            Ok(result) => result,
            Err(_elapsed) => Err(ScanError::Timeout),
        }
    }
}

enum Request<'a> {
    /// A complete NUL-terminated command.
    Command(&'static str),
    Instream(&'a [u8]),
}

async fn talk<S>(mut stream: S, request: Request<'_>) -> Result<String, ScanError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let sent = match request {
        Request::Command(cmd) => stream.write_all(cmd.as_bytes()).await,
        Request::Instream(data) => send_instream(&mut stream, data).await,
    };
    if let Err(write_err) = sent {
        // clamd may have answered (e.g. size limit) and closed before reading everything:
        // prefer its answer to our broken pipe.
        return match read_reply(&mut stream).await {
            Ok(reply) if !reply.is_empty() => Ok(reply),
            _ => Err(io_error(write_err)),
        };
    }
    let reply = read_reply(&mut stream).await.map_err(io_error)?;
    if reply.is_empty() {
        return Err(ScanError::Unavailable(
            "clamd closed the connection without a reply".into(),
        ));
    }
    Ok(reply)
}

async fn send_instream<S>(stream: &mut S, data: &[u8]) -> std::io::Result<()>
where
    S: AsyncWrite + Unpin,
{
    stream.write_all(b"zINSTREAM\0").await?;
    for chunk in data.chunks(CHUNK) {
        // CHUNK fits in u32, so the cast cannot truncate.
        stream
            .write_all(&(chunk.len() as u32).to_be_bytes())
            .await?;
        stream.write_all(chunk).await?;
    }
    stream.write_all(&0u32.to_be_bytes()).await?;
    stream.flush().await
}

/// Reads up to the terminating NUL (or EOF), bounded by `MAX_REPLY`.
async fn read_reply<S>(stream: &mut S) -> std::io::Result<String>
where
    S: AsyncRead + Unpin,
{
    let mut buf = Vec::with_capacity(128);
    let mut chunk = [0u8; 512];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.iter().position(|&b| b == 0) {
            buf.truncate(end);
            break;
        }
        if buf.len() > MAX_REPLY {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "reply from clamd too long",
            ));
        }
    }
    Ok(String::from_utf8_lossy(&buf).trim().to_owned())
}

/// Interprets a `zINSTREAM` reply (without its NUL).
pub(crate) fn parse_scan_reply(reply: &str) -> Result<Verdict, ScanError> {
    let reply = reply.trim_end_matches('\0').trim();
    if reply.starts_with("INSTREAM size limit exceeded") {
        return Err(ScanError::TooLarge);
    }
    // Replies name the scanned object first; for INSTREAM that is "stream".
    let body = reply
        .strip_prefix("stream:")
        .map(str::trim)
        .unwrap_or(reply);
    if body == "OK" {
        return Ok(Verdict::Clean);
    }
    if let Some(signature) = body.strip_suffix(" FOUND") {
        let signature = signature.trim();
        if !signature.is_empty() {
            return Ok(Verdict::Infected {
                signature: signature.to_owned(),
            });
        }
    }
    Err(ScanError::Unavailable(format!(
        "clamd: {}",
        printable(reply)
    )))
}

fn connect_error(target: &ClamdTarget, err: &std::io::Error) -> ScanError {
    ScanError::Unavailable(format!("cannot connect to clamd at {target}: {err}"))
}

fn io_error(err: std::io::Error) -> ScanError {
    ScanError::Unavailable(format!("clamd connection failed: {err}"))
}

/// A reply fit for an error message: bounded and without control characters.
fn printable(reply: &str) -> String {
    reply
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_replies() {
        assert_eq!(parse_scan_reply("stream: OK"), Ok(Verdict::Clean));
        assert_eq!(
            parse_scan_reply("stream: Win.Test.EICAR_HDB-1 FOUND"),
            Ok(Verdict::Infected {
                signature: "Win.Test.EICAR_HDB-1".into()
            })
        );
        assert_eq!(
            parse_scan_reply("INSTREAM size limit exceeded. ERROR"),
            Err(ScanError::TooLarge)
        );
        assert!(matches!(
            parse_scan_reply("stream: Can't allocate memory ERROR"),
            Err(ScanError::Unavailable(_))
        ));
        assert!(matches!(
            parse_scan_reply("stream:  FOUND"),
            Err(ScanError::Unavailable(_))
        ));
        assert!(matches!(
            parse_scan_reply(""),
            Err(ScanError::Unavailable(_))
        ));
    }
}
