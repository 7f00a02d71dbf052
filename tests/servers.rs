//! Tests of the loopback servers in `tests/common/servers.rs` that the
//! backup tests use. moto's S3 server and rclone's WebDAV server store and
//! return what the harness sends, and each server is gone once it is
//! dropped, once its test panics, and once its test process is killed.

mod common;

use std::fs;
use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::time::{Duration, Instant};

use base64::Engine;

use common::child::{self, ChildProcess};
use common::http;
use common::servers::{S3Server, WebdavServer};

const BUCKET: &str = "kluis-backup";

/// Folder the child test serves over WebDAV. The child test does nothing
/// without it.
const CHILD_ROOT_VAR: &str = "KLUIS_SERVERS_CHILD_ROOT";
const CHILD_TEST: &str = "server_owner_child";

/// Returns how a TCP connection to `127.0.0.1:port` ends: `Ok` when the
/// port accepts it, or the error kind.
fn connect(port: u16) -> Result<(), ErrorKind> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    TcpStream::connect_timeout(&address, Duration::from_secs(5))
        .map(drop)
        .map_err(|err| err.kind())
}

/// Returns whether `127.0.0.1:port` refuses connections within `timeout`.
fn refused_within(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if connect(port) == Err(ErrorKind::ConnectionRefused) {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn basic_authorization(user: &str, password: &str) -> String {
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {credentials}")
}

#[test]
fn s3_server_stores_objects() {
    let server = S3Server::start();
    server.create_bucket(BUCKET);

    let every_byte: Vec<u8> = (0..=255).collect();
    let large: Vec<u8> = (0..1_048_576u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let objects: Vec<(&str, Vec<u8>)> = vec![
        ("vault/HEAD", b"head".to_vec()),
        ("vault/objects/ab/cdef", every_byte),
        ("vault/a b&c+d=e?.txt", b"reserved characters".to_vec()),
        ("vault/naïve-€", b"non-ASCII key".to_vec()),
        ("vault/large", large),
    ];
    for (key, bytes) in &objects {
        server.put(BUCKET, key, bytes);
    }
    server.put(BUCKET, "other/file", b"outside the prefix");

    for (key, bytes) in &objects {
        let stored = server
            .get(BUCKET, key)
            .unwrap_or_else(|| panic!("object {key} not found"));
        assert!(
            &stored == bytes,
            "object {key}: got {} bytes back after putting {}",
            stored.len(),
            bytes.len()
        );
    }
    assert_eq!(server.get(BUCKET, "vault/missing"), None);

    let mut expected: Vec<String> = objects.iter().map(|(key, _)| key.to_string()).collect();
    expected.sort();
    assert_eq!(server.list(BUCKET, "vault/"), expected);
    assert_eq!(
        server.list_in_pages(BUCKET, "vault/", 2),
        expected,
        "listed in pages of 2"
    );
    assert_eq!(server.list(BUCKET, "").len(), objects.len() + 1, "whole bucket");
    assert_eq!(server.list(BUCKET, "nothing/"), Vec::<String>::new());

    server.put(BUCKET, "vault/HEAD", b"replaced");
    assert_eq!(server.get(BUCKET, "vault/HEAD"), Some(b"replaced".to_vec()));

    server.delete(BUCKET, "vault/HEAD");
    assert_eq!(server.get(BUCKET, "vault/HEAD"), None);
    assert!(!server.list(BUCKET, "vault/").contains(&"vault/HEAD".to_string()));
    server.delete(BUCKET, "vault/HEAD");
}

#[test]
fn s3_env_avoids_user_configuration() {
    let server = S3Server::start();
    let env = server.env();
    let value = |name: &str| {
        env.iter()
            .find(|(variable, _)| variable == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_else(|| panic!("{name} missing from {env:?}"))
    };

    assert_eq!(server.endpoint(), format!("http://127.0.0.1:{}", server.port()));
    assert_eq!(value("AWS_ACCESS_KEY_ID"), "testing");
    assert_eq!(value("AWS_SECRET_ACCESS_KEY"), "testing");
    assert_eq!(value("AWS_REGION"), "us-east-1");
    assert_eq!(value("AWS_EC2_METADATA_DISABLED"), "true");
    for name in ["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"] {
        let path = value(name);
        let metadata = fs::metadata(&path).unwrap_or_else(|err| panic!("{name} {path}: {err}"));
        assert_eq!(metadata.len(), 0, "{name} {path} is not empty");
    }
}

#[test]
fn webdav_server_stores_files_with_basic_auth() {
    let root = tempfile::tempdir().expect("temporary WebDAV root");
    let server = WebdavServer::start(root.path());
    let port = server.port();
    let authorization = basic_authorization(server.user(), server.password());
    let authorized = [("Authorization", authorization.as_str())];
    let content: Vec<u8> = (0..=255).collect();

    let put = http::request(port, "PUT", "/backup.bin", &authorized, &content).expect("PUT over WebDAV");
    assert_eq!(put.status, 201, "PUT: {}", put.text());
    let on_disk = fs::read(root.path().join("backup.bin")).expect("file written by the WebDAV server");
    assert_eq!(on_disk, content);

    let get = http::request(port, "GET", "/backup.bin", &authorized, b"").expect("GET over WebDAV");
    assert_eq!(get.status, 200, "GET: {}", get.text());
    assert_eq!(get.body, content);

    // rclone 1.60 sends this listing chunked. Whatever the framing, the
    // whole page must arrive.
    let listing = http::request(port, "GET", "/", &authorized, b"").expect("folder listing");
    assert_eq!(listing.status, 200);
    assert!(
        listing.text().contains("backup.bin"),
        "listing:\n{}",
        listing.text()
    );
    assert!(
        listing.text().trim_end().ends_with("</html>"),
        "listing:\n{}",
        listing.text()
    );

    let anonymous = http::request(port, "GET", "/backup.bin", &[], b"").expect("GET without credentials");
    assert_eq!(anonymous.status, 401);
    let wrong = basic_authorization(server.user(), "wrong password");
    let rejected = http::request(port, "GET", "/backup.bin", &[("Authorization", &wrong)], b"")
        .expect("GET, wrong password");
    assert_eq!(rejected.status, 401);

    let env = server.env();
    assert!(
        env.contains(&("KLUIS_WEBDAV_USER".to_string(), "kluis".to_string())),
        "{env:?}"
    );
    assert!(
        env.contains(&("KLUIS_WEBDAV_PASSWORD".to_string(), server.password().to_string())),
        "{env:?}"
    );
    assert_eq!(server.url(), format!("http://127.0.0.1:{port}"));
}

#[test]
fn dropped_servers_refuse_connections() {
    let root = tempfile::tempdir().expect("temporary WebDAV root");
    let s3 = S3Server::start();
    let webdav = WebdavServer::start(root.path());
    let servers = [
        ("S3", s3.port(), s3.log_path().parent().map(Path::to_path_buf)),
        (
            "WebDAV",
            webdav.port(),
            webdav.log_path().parent().map(Path::to_path_buf),
        ),
    ];
    for (name, port, _) in &servers {
        assert_eq!(connect(*port), Ok(()), "{name} server on port {port} before drop");
    }

    drop(s3);
    drop(webdav);

    for (name, port, folder) in &servers {
        // Dropping waits until the server has exited, so no retry here.
        assert_eq!(
            connect(*port),
            Err(ErrorKind::ConnectionRefused),
            "{name} server on port {port} after drop"
        );
        let folder = folder.as_ref().expect("server folder");
        assert!(
            !folder.exists(),
            "{name} server folder {} left behind",
            folder.display()
        );
    }
}

#[test]
fn panicking_test_stops_its_server() {
    let root = tempfile::tempdir().expect("temporary WebDAV root");
    let mut port = None;

    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let server = WebdavServer::start(root.path());
        port = Some(server.port());
        panic!("planned panic while the WebDAV server runs");
    }));

    assert!(outcome.is_err());
    let port = port.expect("the server started before the panic");
    assert_eq!(connect(port), Err(ErrorKind::ConnectionRefused), "port {port}");
}

#[test]
fn killed_test_process_stops_its_server() {
    let folder = tempfile::tempdir().expect("temporary folder for the child");
    let root = folder.path().join("root");
    fs::create_dir(&root).expect("WebDAV root");
    // TMPDIR puts the server's own folder below ours, so that it is
    // removed even though the killed child cannot remove it.
    let mut child = ChildProcess::spawn(
        CHILD_TEST,
        &[
            (CHILD_ROOT_VAR, root.display().to_string()),
            ("TMPDIR", folder.path().display().to_string()),
        ],
    );

    let message = child.next_message(Duration::from_secs(60));
    let port = message
        .as_deref()
        .and_then(|message| message.strip_prefix("port "))
        .and_then(|port| port.parse::<u16>().ok());
    let Some(port) = port else {
        let ended = child.kill();
        panic!(
            "child sent {message:?}, expected \"port N\"\nstderr:\n{}",
            ended.stderr
        );
    };
    assert_eq!(connect(port), Ok(()), "WebDAV server of the child on port {port}");

    child.kill();

    assert!(
        refused_within(port, Duration::from_secs(10)),
        "port {port} still accepts connections 10 s after the child was killed"
    );
}

/// Starts a WebDAV server, sends its port to the parent, and waits to be
/// killed. Run directly, without the child's environment, it does nothing.
#[test]
#[ignore = "runs only as the child process of killed_test_process_stops_its_server"]
fn server_owner_child() {
    let Some(root) = std::env::var_os(CHILD_ROOT_VAR) else {
        return;
    };
    let server = WebdavServer::start(Path::new(&root));
    child::say(&format!("port {}", server.port()));
    while child::hear().is_some() {}
}
