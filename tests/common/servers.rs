//! Real storage servers on loopback for the backup tests: moto's S3 server
//! ([`S3Server`]) and rclone's WebDAV server ([`WebdavServer`]). Each one
//! listens on a free port of 127.0.0.1, writes its output to a log file in
//! its own temporary folder, and is stopped when dropped, also when the
//! test panics.
//!
//! Each server runs under a small `sh` wrapper ([`WRAPPER`]) that kills it
//! with SIGKILL when the test process closes the wrapper's standard input.
//! The kernel closes that pipe when the test process dies, even of
//! SIGKILL, so a server does not outlive the test binary that started it.
//!
//! A test should start at most one server of each kind. On the 2-core test
//! machine, moto 5.2.1 took about 0.5 s to respond and used about 53 MiB of
//! memory, and rclone 1.60 took about 0.1 s. `cargo test --test servers --
//! --nocapture` prints each start time.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, SeekFrom};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use tempfile::TempDir;

use super::http::{self, encode_path, encode_query_value, Response};
use super::require_tool;

/// Maximum time from starting a server until it responds to HTTP requests.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// Pause between two readiness checks.
const READY_POLL: Duration = Duration::from_millis(50);

/// Maximum time one readiness check waits for the server, so that a
/// process that took the port but never responds does not stall the start.
const READY_REQUEST_TIMEOUT: Duration = Duration::from_secs(5);

/// Maximum time for a server to exit after its wrapper's standard input closed.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// Number of free ports tried before giving up, for when another process
/// binds the chosen port between our check and the server's bind.
const PORT_ATTEMPTS: u32 = 4;

/// Number of log lines shown when a server fails or a test panics.
const LOG_TAIL_LINES: usize = 40;

/// Runs `"$@"` (the server) in the background and kills it with SIGKILL
/// as soon as the wrapper's standard input reaches end of file, which
/// happens when the test drops the server or the test process dies. Exits
/// with the server's status when the server exits on its own.
///
/// A background command of a non-interactive `sh` gets `/dev/null` as its
/// standard input, so the watcher reads the pipe through file descriptor 3.
///
/// NOTE: the wrapper kills only the process it started, so the server
/// command must exec the server instead of forking it. pyenv's shims,
/// virtual environments and Debian's `python3` do.
const WRAPPER: &str = r#"
exec 3<&0 </dev/null
"$@" 3<&- &
server=$!
{ read -r line <&3; kill -KILL "$server" 2>/dev/null; } &
watcher=$!
exec 3<&-
wait "$server"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"
"#;

/// Environment variables that could send a `kluis` process to another host
/// or make it load other credentials. [`S3Server::configure`] and
/// [`WebdavServer::configure`] remove them.
///
/// The AWS names are those that reqsign-aws-v4 3.3.1 and
/// opendal-service-s3 0.59.5 read, besides the ones [`S3Server::env`] sets.
pub const CLEARED_VARS: &[&str] = &[
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "AWS_PROFILE",
    "AWS_DEFAULT_REGION",
    "AWS_SESSION_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_EXTERNAL_ID",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT",
    "AWS_S3_ENDPOINT",
    "AWS_STS_REGIONAL_ENDPOINTS",
    "AWS_SSO_ENDPOINT",
    "AWS_COGNITO_ENDPOINT",
    "AWS_COGNITO_IDENTITY_POOL_ID",
    "AWS_COGNITO_IDENTITY_ID",
];

/// `NO_PROXY` for every `kluis` process, so that a proxy set in the
/// environment is never used for the loopback servers.
const NO_PROXY: &str = "127.0.0.1,::1,localhost";

/// Credentials in [`S3Server::env`]. moto accepts any.
pub const S3_ACCESS_KEY_ID: &str = "testing";
pub const S3_SECRET_ACCESS_KEY: &str = "testing";
pub const S3_REGION: &str = "us-east-1";

/// An `Authorization` header for the harness's own S3 requests. moto
/// 5.2.1 does not check the signature, but treats a request without the
/// header as anonymous, and rejects an anonymous read or delete of an
/// object with 403.
const S3_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 \
    Credential=testing/20260101/us-east-1/s3/aws4_request, \
    SignedHeaders=host, \
    Signature=0000000000000000000000000000000000000000000000000000000000000000";

/// User name of every [`WebdavServer`].
pub const WEBDAV_USER: &str = "kluis";

/// moto's S3 server (`python3 -m moto.server`, PyPI package `moto[server]`)
/// on a free port of 127.0.0.1, with in-memory buckets that start empty.
pub struct S3Server {
    // Declared before `folder`, so the server stops before its folder is
    // removed.
    process: ServerProcess,
    folder: TempDir,
}

impl S3Server {
    /// Starts the server and waits until it lists buckets. Panics with an
    /// installation hint when python3 or moto is missing, and with the
    /// server's log when the server exits or does not respond within 30 s.
    pub fn start() -> S3Server {
        let python = require_tool("python3", "python3");
        require_moto(&python);
        let folder = new_server_folder("kluistest-s3-");
        // Empty AWS files, so that nothing reads the user's ~/.aws.
        File::create(folder.path().join("aws-config")).expect("empty AWS config file");
        File::create(folder.path().join("aws-credentials")).expect("empty AWS credentials file");

        let launch = |port: u16| {
            let mut command = Command::new(&python);
            command
                .args(["-m", "moto.server", "-H", "127.0.0.1", "-p"])
                .arg(port.to_string());
            remove_vars_with_prefix(&mut command, "MOTO_");
            command
        };
        let is_ready = |port: u16| {
            let headers = [("Authorization", S3_AUTHORIZATION)];
            http::request_with_timeout(port, "GET", "/", &headers, b"", READY_REQUEST_TIMEOUT).is_ok_and(
                |response| response.status == 200 && response.text().contains("ListAllMyBucketsResult"),
            )
        };
        let process = ServerProcess::start("moto's S3 server", folder.path(), &launch, &is_ready);
        S3Server { process, folder }
    }

    /// Returns the endpoint URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.process.port)
    }

    pub fn port(&self) -> u16 {
        self.process.port
    }

    /// Returns the path of the server's log file, which is removed with
    /// the server's folder when the server is dropped.
    pub fn log_path(&self) -> &Path {
        &self.process.log
    }

    /// Returns the environment a `kluis` process needs to reach this
    /// server with test credentials, and with empty AWS config and
    /// credentials files in place of the user's `~/.aws`.
    ///
    /// `AWS_EC2_METADATA_DISABLED` keeps AWS SDKs away from the instance
    /// metadata service. NOTE: opendal-service-s3 0.59.5 does not read it:
    /// kluis must call `S3::disable_ec2_metadata()` itself.
    pub fn env(&self) -> Vec<(String, String)> {
        let folder = self.folder.path();
        [
            ("AWS_ACCESS_KEY_ID", S3_ACCESS_KEY_ID.to_string()),
            ("AWS_SECRET_ACCESS_KEY", S3_SECRET_ACCESS_KEY.to_string()),
            ("AWS_REGION", S3_REGION.to_string()),
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
            ("AWS_CONFIG_FILE", path_text(&folder.join("aws-config"))),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                path_text(&folder.join("aws-credentials")),
            ),
            ("NO_PROXY", NO_PROXY.to_string()),
            ("no_proxy", NO_PROXY.to_string()),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect()
    }

    /// Removes [`CLEARED_VARS`] from `command` and sets [`S3Server::env`].
    pub fn configure(&self, command: &mut assert_cmd::Command) {
        configure_with(command, self.env());
    }

    /// Creates the bucket `name` (3 to 63 characters, S3's bucket rules).
    #[track_caller]
    pub fn create_bucket(&self, name: &str) {
        let response = self.request("PUT", &format!("/{}", encode_path(name)), b"");
        self.expect_status(&response, &[200], "PUT", name);
    }

    /// Returns the object `key` of `bucket`, or `None` when it does not
    /// exist.
    #[track_caller]
    pub fn get(&self, bucket: &str, key: &str) -> Option<Vec<u8>> {
        let response = self.request("GET", &object_target(bucket, key), b"");
        if response.status == 404 {
            return None;
        }
        self.expect_status(&response, &[200], "GET", &format!("{bucket}/{key}"));
        Some(response.body)
    }

    /// Writes `bytes` as the object `key` of `bucket`, replacing it if it
    /// exists.
    #[track_caller]
    pub fn put(&self, bucket: &str, key: &str, bytes: &[u8]) {
        let response = self.request("PUT", &object_target(bucket, key), bytes);
        self.expect_status(&response, &[200], "PUT", &format!("{bucket}/{key}"));
    }

    /// Deletes the object `key` of `bucket`. Deleting a missing object
    /// succeeds, as in S3.
    #[track_caller]
    pub fn delete(&self, bucket: &str, key: &str) {
        let response = self.request("DELETE", &object_target(bucket, key), b"");
        self.expect_status(&response, &[200, 204], "DELETE", &format!("{bucket}/{key}"));
    }

    /// Returns the keys in `bucket` that start with `prefix`, in S3's
    /// order (ascending by UTF-8 bytes).
    #[track_caller]
    pub fn list(&self, bucket: &str, prefix: &str) -> Vec<String> {
        self.list_in_pages(bucket, prefix, 1000)
    }

    /// Lists like [`S3Server::list`], with ListObjectsV2 requests of at most
    /// `page_size` keys each, following the continuation tokens.
    #[track_caller]
    pub fn list_in_pages(&self, bucket: &str, prefix: &str, page_size: usize) -> Vec<String> {
        let mut keys = Vec::new();
        let mut continuation: Option<String> = None;
        loop {
            let mut target = format!(
                "/{}?list-type=2&max-keys={page_size}&prefix={}",
                encode_path(bucket),
                encode_query_value(prefix)
            );
            if let Some(token) = &continuation {
                target.push_str(&format!("&continuation-token={}", encode_query_value(token)));
            }
            let response = self.request("GET", &target, b"");
            self.expect_status(&response, &[200], "GET", &target);

            let text = response.text();
            keys.extend(xml_elements(&text, "Key"));
            let truncated = xml_elements(&text, "IsTruncated").first().map(String::as_str) == Some("true");
            if !truncated {
                return keys;
            }
            continuation = xml_elements(&text, "NextContinuationToken").into_iter().next();
            assert!(
                continuation.is_some(),
                "moto's S3 server listed {bucket} as truncated without a NextContinuationToken:\n{text}"
            );
        }
    }

    #[track_caller]
    fn request(&self, method: &str, target: &str, body: &[u8]) -> Response {
        let headers = [
            ("Authorization", S3_AUTHORIZATION),
            // moto stores the type with the object, as S3 does.
            ("Content-Type", "application/octet-stream"),
        ];
        http::request(self.process.port, method, target, &headers, body).unwrap_or_else(|err| {
            panic!(
                "{method} {target} to moto's S3 server at {} failed: {err}\nserver log {}:\n{}",
                self.endpoint(),
                self.process.log.display(),
                log_tail(&self.process.log)
            )
        })
    }

    #[track_caller]
    fn expect_status(&self, response: &Response, expected: &[u16], method: &str, what: &str) {
        assert!(
            expected.contains(&response.status),
            "{method} {what} on moto's S3 server at {}: status {}, expected {expected:?}\n{}",
            self.endpoint(),
            response.status,
            response.text()
        );
    }
}

/// rclone's WebDAV server (`rclone serve webdav`, Debian package rclone)
/// for one local folder, on a free port of 127.0.0.1, with basic
/// authentication as [`WEBDAV_USER`] and a random password.
pub struct WebdavServer {
    // Declared before `folder`, so the server stops before its folder is
    // removed.
    process: ServerProcess,
    folder: TempDir,
    password: String,
}

impl WebdavServer {
    /// Starts the server for the existing folder `root` and waits until it
    /// responds to an authenticated request. Panics with an installation hint
    /// when rclone is missing, and with the server's log when the server
    /// exits or does not respond within 30 s.
    pub fn start(root: &Path) -> WebdavServer {
        let rclone = require_tool("rclone", "rclone");
        let root = root
            .canonicalize()
            .unwrap_or_else(|err| panic!("WebDAV root {} is not usable: {err}", root.display()));
        assert!(root.is_dir(), "WebDAV root {} is not a folder", root.display());
        let folder = new_server_folder("kluistest-webdav-");
        // An empty config file, so that rclone never reads the user's.
        let config = folder.path().join("rclone.conf");
        File::create(&config).expect("empty rclone config file");
        let password = hex::encode(rand::random::<[u8; 16]>());

        let launch = |port: u16| {
            let mut command = Command::new(&rclone);
            command
                .args(["serve", "webdav"])
                .arg(&root)
                .arg("--addr")
                .arg(format!("127.0.0.1:{port}"))
                .args(["--user", WEBDAV_USER, "--pass", &password])
                .arg("--config")
                .arg(&config)
                .arg("--cache-dir")
                .arg(folder.path().join("cache"))
                // Logs every request. rclone writes the password as XXXX.
                .args(["--log-level", "INFO"]);
            remove_vars_with_prefix(&mut command, "RCLONE_");
            command
        };
        let authorization = basic_authorization(WEBDAV_USER, &password);
        let is_ready = |port: u16| {
            let headers = [("Authorization", authorization.as_str())];
            http::request_with_timeout(port, "GET", "/", &headers, b"", READY_REQUEST_TIMEOUT)
                .is_ok_and(|response| response.status == 200)
        };
        let process = ServerProcess::start("rclone's WebDAV server", folder.path(), &launch, &is_ready);
        WebdavServer {
            process,
            folder,
            password,
        }
    }

    /// Returns the server's URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.process.port)
    }

    pub fn port(&self) -> u16 {
        self.process.port
    }

    /// Returns the path of the server's log file, which is removed with
    /// the server's folder when the server is dropped.
    pub fn log_path(&self) -> &Path {
        &self.process.log
    }

    pub fn user(&self) -> &str {
        WEBDAV_USER
    }

    pub fn password(&self) -> &str {
        &self.password
    }

    /// Returns the credentials for `kluis` in `KLUIS_WEBDAV_USER` and
    /// `KLUIS_WEBDAV_PASSWORD`, and `NO_PROXY` for loopback.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("KLUIS_WEBDAV_USER", WEBDAV_USER.to_string()),
            ("KLUIS_WEBDAV_PASSWORD", self.password.clone()),
            ("NO_PROXY", NO_PROXY.to_string()),
            ("no_proxy", NO_PROXY.to_string()),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect()
    }

    /// Removes [`CLEARED_VARS`] from `command` and sets [`WebdavServer::env`].
    pub fn configure(&self, command: &mut assert_cmd::Command) {
        configure_with(command, self.env());
    }
}

/// Panics with an installation hint unless `python` can import moto and
/// the Flask packages that moto's server extra adds.
fn require_moto(python: &Path) {
    let check = "import importlib.util, sys\n\
                 sys.exit(any(importlib.util.find_spec(name) is None for name in ('moto', 'flask', 'flask_cors')))";
    let found = Command::new(python)
        .args(["-c", check])
        .status()
        .unwrap_or_else(|err| panic!("failed to run {}: {err}", python.display()));
    assert!(
        found.success(),
        "moto's server is not installed for {}. Install it with `python3 -m pip install 'moto[server]'`, \
         or run `bash .ci/run`, which installs it",
        python.display()
    );
}

/// Returns the value of a basic `Authorization` header.
fn basic_authorization(user: &str, password: &str) -> String {
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {credentials}")
}

/// A server process under [`WRAPPER`], stopped when dropped.
struct ServerProcess {
    /// The `sh` running [`WRAPPER`], which exits once the server has exited.
    wrapper: Child,
    /// The wrapper's standard input. Closing it kills the server.
    stop: Option<ChildStdin>,
    port: u16,
    log: PathBuf,
    /// What the server is, for messages: "moto's S3 server".
    name: &'static str,
    /// Whether a panic message already contains the log, so that `drop`
    /// does not print it again.
    log_shown: bool,
}

/// Why a server did not become ready.
enum StartFailure {
    /// The server exited because another process had bound its port.
    PortTaken,
    Exited(std::process::ExitStatus),
    TimedOut,
}

impl ServerProcess {
    /// Starts `launch(port)` on a free port and waits until `is_ready(port)`
    /// returns true, trying another port when the chosen one was taken.
    /// Panics with the log when the server exits or does not become ready
    /// within [`READY_TIMEOUT`].
    fn start(
        name: &'static str,
        folder: &Path,
        launch: &dyn Fn(u16) -> Command,
        is_ready: &dyn Fn(u16) -> bool,
    ) -> ServerProcess {
        let log = folder.join("server.log");
        for attempt in 1..=PORT_ATTEMPTS {
            let port = free_port();
            let started = Instant::now();
            let log_offset = fs::metadata(&log).map(|metadata| metadata.len()).unwrap_or(0);
            let mut process = ServerProcess::spawn(name, launch(port), port, folder, &log);

            let failure = match process.wait_until_ready(is_ready) {
                Ok(()) => {
                    eprintln!(
                        "{name} ready at 127.0.0.1:{port} after {:.2} s, log {}",
                        started.elapsed().as_secs_f64(),
                        log.display()
                    );
                    return process;
                }
                Err(failure) => failure,
            };
            let attempt_log = read_from(&log, log_offset);
            let failure = match failure {
                StartFailure::Exited(_) if attempt_log.to_lowercase().contains("address already in use") => {
                    StartFailure::PortTaken
                }
                other => other,
            };
            let reason = match failure {
                StartFailure::PortTaken if attempt < PORT_ATTEMPTS => {
                    eprintln!("{name}: port {port} was taken before the server bound it, retrying");
                    continue;
                }
                StartFailure::PortTaken => format!(
                    "{name} failed to start: another process bound each of the {PORT_ATTEMPTS} free \
                     ports it tried, the last one 127.0.0.1:{port}"
                ),
                StartFailure::Exited(status) => {
                    format!("{name} on 127.0.0.1:{port} exited before it was ready ({status})")
                }
                StartFailure::TimedOut => format!(
                    "{name} on 127.0.0.1:{port} did not respond to HTTP within {} s",
                    READY_TIMEOUT.as_secs()
                ),
            };
            process.log_shown = true;
            panic!(
                "{reason}.\nlast lines of its log {}:\n{}",
                log.display(),
                log_tail(&log)
            );
        }
        unreachable!("the last attempt returns or panics")
    }

    fn spawn(name: &'static str, server: Command, port: u16, folder: &Path, log: &Path) -> ServerProcess {
        let output = OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .unwrap_or_else(|err| panic!("failed to open the server log {}: {err}", log.display()));
        let errors = output.try_clone().expect("second handle of the server log");

        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(WRAPPER)
            .arg("sh")
            .arg(server.get_program())
            .args(server.get_args())
            .current_dir(folder)
            .stdin(Stdio::piped())
            .stdout(output)
            .stderr(errors);
        for (variable, value) in server.get_envs() {
            match value {
                Some(value) => command.env(variable, value),
                None => command.env_remove(variable),
            };
        }
        let mut wrapper = command
            .spawn()
            .unwrap_or_else(|err| panic!("failed to start sh for {name}: {err}"));
        let stop = wrapper.stdin.take();
        ServerProcess {
            wrapper,
            stop,
            port,
            log: log.to_path_buf(),
            name,
            log_shown: false,
        }
    }

    fn wait_until_ready(&mut self, is_ready: &dyn Fn(u16) -> bool) -> Result<(), StartFailure> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Some(status) = self.exit_status() {
                return Err(StartFailure::Exited(status));
            }
            // If another process took the port first, that process may
            // respond while our server fails to bind and exits. So the server
            // must still run after the response.
            if is_ready(self.port) {
                return match self.exit_status() {
                    Some(status) => Err(StartFailure::Exited(status)),
                    None => Ok(()),
                };
            }
            if Instant::now() >= deadline {
                return Err(StartFailure::TimedOut);
            }
            std::thread::sleep(READY_POLL);
        }
    }

    fn exit_status(&mut self) -> Option<std::process::ExitStatus> {
        self.wrapper
            .try_wait()
            .unwrap_or_else(|err| panic!("failed to check whether {} is running: {err}", self.name))
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if std::thread::panicking() && !self.log_shown {
            eprintln!(
                "last lines of the log of {} on 127.0.0.1:{} ({}):\n{}",
                self.name,
                self.port,
                self.log.display(),
                log_tail(&self.log)
            );
        }

        // Closing the pipe makes the wrapper kill the server. The wrapper
        // exits once the server has exited, and so has closed its port.
        drop(self.stop.take());
        let deadline = Instant::now() + STOP_TIMEOUT;
        loop {
            match self.wrapper.try_wait() {
                Ok(Some(_)) | Err(_) => return,
                Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
                Ok(None) => {
                    eprintln!(
                        "{} on 127.0.0.1:{} did not stop within {} s, so its wrapper is killed",
                        self.name,
                        self.port,
                        STOP_TIMEOUT.as_secs()
                    );
                    let _ = self.wrapper.kill();
                    let _ = self.wrapper.wait();
                    return;
                }
            }
        }
    }
}

/// Returns a port of 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind 127.0.0.1:0");
    listener
        .local_addr()
        .expect("address of the bound listener")
        .port()
}

fn new_server_folder(prefix: &str) -> TempDir {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("temporary folder for a server")
}

/// Removes the caller's environment variables whose names start with
/// `prefix`, which would change the server's behaviour.
fn remove_vars_with_prefix(command: &mut Command, prefix: &str) {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with(prefix) {
            command.env_remove(name);
        }
    }
}

fn object_target(bucket: &str, key: &str) -> String {
    format!("/{}/{}", encode_path(bucket), encode_path(key))
}

fn path_text(path: &Path) -> String {
    path.to_str()
        .unwrap_or_else(|| panic!("temporary path {} is not UTF-8", path.display()))
        .to_string()
}

/// Returns the text of every `<name>…</name>` element in `xml`, with the
/// five predefined entities and character references decoded. Enough for
/// moto's flat ListObjectsV2 responses, not a general XML parser.
fn xml_elements(xml: &str, name: &str) -> Vec<String> {
    let open = format!("<{name}>");
    let close = format!("</{name}>");
    let mut values = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after = &rest[start + open.len()..];
        let Some(end) = after.find(&close) else { break };
        values.push(xml_unescape(&after[..end]));
        rest = &after[end + close.len()..];
    }
    values
}

fn xml_unescape(text: &str) -> String {
    let mut unescaped = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        unescaped.push_str(&rest[..start]);
        rest = &rest[start..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let character = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => {
                let number = match entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => entity.strip_prefix('#').and_then(|decimal| decimal.parse().ok()),
                };
                number.and_then(char::from_u32)
            }
        };
        match character {
            Some(character) => unescaped.push(character),
            None => unescaped.push_str(&rest[..=end]),
        }
        rest = &rest[end + 1..];
    }
    unescaped.push_str(rest);
    unescaped
}

/// Returns what was written to `log` from byte `offset` on.
fn read_from(log: &Path, offset: u64) -> String {
    let mut text = Vec::new();
    if let Ok(mut file) = File::open(log) {
        if file.seek(SeekFrom::Start(offset)).is_ok() {
            let _ = file.read_to_end(&mut text);
        }
    }
    String::from_utf8_lossy(&text).into_owned()
}

/// Returns the last [`LOG_TAIL_LINES`] lines of `log`.
fn log_tail(log: &Path) -> String {
    let text = read_from(log, 0);
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.len().saturating_sub(LOG_TAIL_LINES);
    lines[start..].join("\n")
}

/// Removes [`CLEARED_VARS`] from `command` and sets `env`, so that a
/// command reaches only the server `env` names.
fn configure_with(command: &mut assert_cmd::Command, env: Vec<(String, String)>) {
    for name in CLEARED_VARS {
        command.env_remove(name);
    }
    command.envs(env);
}
