//! Integration tests of `bisman::scan` against a real clamd (no mocks).
//!
//! Start the test daemon first; the tests fail (not skip) without it:
//!
//!   eval "$(bash scripts/clamd-test-daemon.sh start /tmp/bisman-clamd)"
//!   BISMAN_TEST_CLAMD_SOCKET=$BISMAN_CLAMD_SOCKET cargo test --test clamd_client
//!   bash scripts/clamd-test-daemon.sh stop /tmp/bisman-clamd
//!
//! The daemon's only signature is `Bisman.Test.EICAR` (the EICAR test string anywhere in a
//! file); clamd reports it as `Bisman.Test.EICAR.UNOFFICIAL`.

// The only line naming the runtime crate; in the main crate: `use rocket::tokio as rt;`.
use rocket::tokio as rt;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use bisman::scan::{ClamdClient, ClamdTarget, ScanError, Verdict};

const SOCKET_ENV: &str = "BISMAN_TEST_CLAMD_SOCKET";
const SIGNATURE: &str = "Bisman.Test.EICAR";

fn clamd_socket() -> PathBuf {
    match std::env::var_os(SOCKET_ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => panic!(
            "{SOCKET_ENV} is not set. These tests need a real clamd: run\n  \
             eval \"$(bash scripts/clamd-test-daemon.sh start /tmp/bisman-clamd)\"\n\
             and then\n  {SOCKET_ENV}=$BISMAN_CLAMD_SOCKET cargo test --test clamd_client"
        ),
    }
}

fn real_client() -> ClamdClient {
    ClamdClient::new(ClamdTarget::Unix(clamd_socket())).with_timeout(Duration::from_secs(20))
}

fn block_on<F: Future>(future: F) -> F::Output {
    rt::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
        .block_on(future)
}

/// Built at run time so that this source file is not itself a detection.
fn eicar() -> Vec<u8> {
    let mut s = String::from("X5O!P%@AP[4\\PZX54(P^)7CC)7}$");
    s.push_str("EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");
    assert_eq!(s.len(), 68);
    s.into_bytes()
}

/// A small well-formed PDF (correct xref offsets) whose page content stream is `content`.
fn pdf_with_content(content: &[u8]) -> Vec<u8> {
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let mut object = |out: &mut Vec<u8>, body: &[u8]| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    object(&mut out, b"<< /Type /Catalog /Pages 2 0 R >>");
    object(&mut out, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    object(
        &mut out,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
          /Resources << /Font << /F1 5 0 R >> >> >>",
    );
    let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(content);
    stream.extend_from_slice(b"\nendstream");
    object(&mut out, &stream);
    object(
        &mut out,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    );
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes(),
    );
    for offset in &offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            offsets.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn clean_pdf() -> Vec<u8> {
    pdf_with_content(b"BT /F1 12 Tf 72 770 Td (Invoice BR01/2026-27/000001) Tj ET")
}

/// A valid 1x1 RGB PNG.
const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0x3f, 0xd3, 0x18,
    0x00, 0x04, 0x66, 0x01, 0xcc, 0xcd, 0xbb, 0xeb, 0x87, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

fn assert_infected(verdict: Result<Verdict, ScanError>) {
    match verdict {
        Ok(Verdict::Infected { signature }) => assert!(
            signature.starts_with(SIGNATURE),
            "unexpected signature {signature:?}"
        ),
        other => panic!("expected a detection of {SIGNATURE}, got {other:?}"),
    }
}

fn assert_unavailable(result: Result<Verdict, ScanError>) {
    assert!(
        matches!(result, Err(ScanError::Unavailable(_))),
        "expected Unavailable, got {result:?}"
    );
}

#[test]
fn ping_and_version_of_real_daemon() {
    let client = real_client();
    block_on(async {
        client.ping().await.expect("PING");
        let version = client.version().await.expect("VERSION");
        assert!(version.starts_with("ClamAV "), "{version:?}");
    });
}

#[test]
fn clean_pdf_is_clean() {
    let verdict = block_on(real_client().scan(&clean_pdf()));
    assert_eq!(verdict, Ok(Verdict::Clean));
}

#[test]
fn clean_png_is_clean() {
    let verdict = block_on(real_client().scan(PNG_1X1));
    assert_eq!(verdict, Ok(Verdict::Clean));
}

#[test]
fn empty_input_is_clean() {
    assert_eq!(block_on(real_client().scan(b"")), Ok(Verdict::Clean));
}

#[test]
fn pdf_with_eicar_is_infected() {
    let mut content = b"BT /F1 12 Tf 72 770 Td (".to_vec();
    content.extend_from_slice(&eicar());
    content.extend_from_slice(b") Tj ET");
    assert_infected(block_on(real_client().scan(&pdf_with_content(&content))));
}

#[test]
fn eicar_past_the_first_chunk_is_found() {
    // Straddles the 64 KiB chunk boundary of the client.
    let mut data = clean_pdf();
    data.resize(64 * 1024 - 30, b' ');
    data.extend_from_slice(&eicar());
    data.resize(200 * 1024, b' ');
    assert_infected(block_on(real_client().scan(&data)));
}

#[test]
fn scan_latency_1_and_10_mib() {
    let client = real_client();
    block_on(async {
        client.ping().await.expect("PING");
        for mib in [1, 10] {
            let mut data = clean_pdf();
            data.resize(mib * 1024 * 1024, b'\n');
            let started = Instant::now();
            assert_eq!(client.scan(&data).await, Ok(Verdict::Clean));
            let took = started.elapsed();
            eprintln!("{mib} MiB scan took {took:?}");
            assert!(
                took < Duration::from_secs(10),
                "{mib} MiB scan took {took:?}"
            );
        }
    });
}

#[test]
fn over_max_stream_is_too_large_without_contacting_clamd() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("probe.sock");
    // A listener that would see any connection attempt.
    let listener = std::os::unix::net::UnixListener::bind(&path).expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let client = ClamdClient::new(ClamdTarget::Unix(path)).with_max_stream(1024);
    assert_eq!(
        block_on(client.scan(&[b'A'; 1025])),
        Err(ScanError::TooLarge)
    );
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("the client connected although the data was too large: {other:?}"),
    }
}

#[test]
fn exactly_max_stream_is_scanned() {
    let client = real_client().with_max_stream(4096);
    let mut data = clean_pdf();
    data.resize(4096, b' ');
    assert_eq!(block_on(client.scan(&data)), Ok(Verdict::Clean));
}

#[test]
fn clamd_stream_limit_is_too_large() {
    // The test daemon has StreamMaxLength 12M; let the client send more than that.
    let client = real_client().with_max_stream(64 * 1024 * 1024);
    let data = vec![b'A'; 13 * 1024 * 1024];
    assert_eq!(block_on(client.scan(&data)), Err(ScanError::TooLarge));
}

#[test]
fn missing_socket_is_unavailable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let client = ClamdClient::new(ClamdTarget::Unix(dir.path().join("nope.sock")));
    assert_unavailable(block_on(client.scan(&clean_pdf())));
    assert!(matches!(
        block_on(client.ping()),
        Err(ScanError::Unavailable(_))
    ));
}

#[test]
fn stale_socket_file_is_unavailable() {
    // What a crashed clamd leaves behind: the socket file with nobody listening.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&path).expect("bind"));
    assert!(path.exists());
    let client = ClamdClient::new(ClamdTarget::Unix(path));
    assert_unavailable(block_on(client.scan(&clean_pdf())));
}

fn daemon_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/clamd-test-daemon.sh")
}

fn run_script(action: &str, dir: &Path) -> String {
    let out = Command::new("bash")
        .arg(daemon_script())
        .arg(action)
        .arg(dir)
        .output()
        .expect("run scripts/clamd-test-daemon.sh");
    assert!(
        out.status.success(),
        "clamd-test-daemon.sh {action} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stops the private daemon even when an assertion fails first.
struct PrivateDaemon(tempfile::TempDir);

impl Drop for PrivateDaemon {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(daemon_script())
            .arg("stop")
            .arg(self.0.path())
            .output();
    }
}

#[test]
fn stopped_daemon_is_unavailable() {
    // A second, private daemon: this one we may stop.
    clamd_socket();
    let daemon = PrivateDaemon(tempfile::tempdir().expect("tempdir"));
    let env = run_script("start", daemon.0.path());
    let socket = env
        .lines()
        .find_map(|line| line.strip_prefix("BISMAN_CLAMD_SOCKET="))
        .map(PathBuf::from)
        .expect("script printed BISMAN_CLAMD_SOCKET");
    let client = ClamdClient::new(ClamdTarget::Unix(socket)).with_timeout(Duration::from_secs(20));
    assert_eq!(block_on(client.scan(&clean_pdf())), Ok(Verdict::Clean));
    run_script("stop", daemon.0.path());
    assert_unavailable(block_on(client.scan(&clean_pdf())));
    assert!(matches!(
        block_on(client.ping()),
        Err(ScanError::Unavailable(_))
    ));
}

#[test]
fn hanging_unix_server_times_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("hang.sock");
    let timeout = Duration::from_millis(500);
    block_on(async {
        let listener = rt::net::UnixListener::bind(&path).expect("bind");
        // Accepts, reads nothing, answers nothing, keeps the connections open.
        let server = rt::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        let client = ClamdClient::new(ClamdTarget::Unix(path.clone())).with_timeout(timeout);
        for data in [clean_pdf(), vec![b'A'; 4 * 1024 * 1024]] {
            let started = Instant::now();
            assert_eq!(client.scan(&data).await, Err(ScanError::Timeout));
            let took = started.elapsed();
            assert!(
                took >= timeout && took < timeout + Duration::from_secs(2),
                "timed out after {took:?}"
            );
        }
        assert_eq!(client.ping().await, Err(ScanError::Timeout));
        server.abort();
    });
}

#[test]
fn hanging_tcp_server_times_out() {
    block_on(async {
        let listener = rt::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let server = rt::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        let client =
            ClamdClient::new(ClamdTarget::Tcp(addr)).with_timeout(Duration::from_millis(300));
        assert_eq!(client.scan(&clean_pdf()).await, Err(ScanError::Timeout));
        server.abort();
    });
}

#[test]
fn tcp_refused_is_unavailable() {
    block_on(async {
        // Bind and drop to get a port on which nobody listens.
        let addr = rt::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind")
            .local_addr()
            .expect("addr");
        let client = ClamdClient::new(ClamdTarget::Tcp(addr.to_string()));
        assert_unavailable(client.scan(b"%PDF-1.4").await);
    });
}

#[test]
fn tcp_target_reaches_real_clamd() {
    // clamd of the test harness listens on a Unix socket only; relay TCP to it so the
    // TCP path is tested against the real daemon too.
    let socket = clamd_socket();
    block_on(async {
        let listener = rt::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr").to_string();
        let relay = rt::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                let socket = socket.clone();
                rt::spawn(async move {
                    if let Ok(mut unix) = rt::net::UnixStream::connect(&socket).await {
                        let _ = rt::io::copy_bidirectional(&mut tcp, &mut unix).await;
                    }
                });
            }
        });
        let client = ClamdClient::new(ClamdTarget::Tcp(addr)).with_timeout(Duration::from_secs(20));
        client.ping().await.expect("PING over TCP");
        assert_eq!(client.scan(PNG_1X1).await, Ok(Verdict::Clean));
        let mut infected = PNG_1X1.to_vec();
        infected.extend_from_slice(&eicar());
        assert_infected(client.scan(&infected).await);
        relay.abort();
    });
}
