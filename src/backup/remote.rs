//! Backup remotes: an S3-compatible bucket, a WebDAV folder or a local
//! folder, reached through Apache OpenDAL.
//!
//! A remote is named by a URL (`s3://bucket/prefix?endpoint=…`,
//! `webdav+https://host/path`, `file:///path` or a plain path) or by a name
//! from the remotes file. Credentials never appear in that text: S3 reads
//! the standard AWS environment variables and files, WebDAV reads
//! `KLUIS_WEBDAV_USER` and `KLUIS_WEBDAV_PASSWORD`.

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::stream::{self, StreamExt, TryStreamExt};
use opendal::{layers, services, ErrorKind, Operator};
use sha2::{Digest, Sha256};

use crate::error::{Error, RemoteProblem, Result};

/// Environment variables that carry the WebDAV login.
pub const WEBDAV_USER_VAR: &str = "KLUIS_WEBDAV_USER";
pub const WEBDAV_PASSWORD_VAR: &str = "KLUIS_WEBDAV_PASSWORD";
/// Environment variable naming the remotes file.
pub const REMOTES_FILE_VAR: &str = "KLUIS_REMOTES_FILE";

/// How many requests run at once.
pub const CONCURRENCY: usize = 16;

/// Objects larger than this are sent and fetched in parts of this size.
pub const PART_SIZE: usize = 8 << 20;

/// A parsed remote location.
#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    S3 {
        bucket: String,
        prefix: String,
        endpoint: Option<String>,
        region: Option<String>,
        virtual_host: bool,
    },
    Webdav {
        endpoint: String,
        prefix: String,
    },
    Folder {
        path: PathBuf,
    },
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_string())
    }
}

impl fmt::Display for Target {
    /// Writes the location without options, as messages show it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::S3 {
                bucket,
                prefix,
                endpoint,
                ..
            } => {
                write!(f, "s3://{bucket}/{prefix}")?;
                if let Some(endpoint) = endpoint {
                    write!(f, " ({endpoint})")?;
                }
                Ok(())
            }
            Target::Webdav { endpoint, prefix } => write!(f, "webdav+{endpoint}/{prefix}"),
            Target::Folder { path } => write!(f, "{}", path.display()),
        }
    }
}

impl Target {
    /// Parses a remote given on the command line: a URL, a folder, or a
    /// name from the remotes file.
    pub fn parse(text: &str) -> Result<Self> {
        let invalid = |problem: RemoteProblem| Error::Remote {
            remote: without_login(text),
            problem,
        };
        if let Some(rest) = text.strip_prefix("s3://") {
            return parse_s3(rest).map_err(invalid);
        }
        if let Some(rest) = text.strip_prefix("webdav+") {
            return parse_webdav(rest).map_err(invalid);
        }
        if let Some(path) = text.strip_prefix("file://") {
            return folder(Path::new(path)).map_err(invalid);
        }
        if text.contains("://") {
            return Err(invalid(RemoteProblem::UnknownScheme));
        }
        // A word without `/` is a name from the remotes file, or else an
        // existing folder. A new folder must be written as a path
        // (`./backup`), so a mistyped name never becomes a folder.
        if !text.contains('/') {
            if let Some(url) = lookup_name(text)? {
                return Self::parse(&url).map_err(|err| match err {
                    Error::Remote { problem, .. } => invalid(problem),
                    other => other,
                });
            }
            if !Path::new(text).is_dir() {
                return Err(invalid(RemoteProblem::UnknownName));
            }
        }
        folder(Path::new(text)).map_err(invalid)
    }

    /// Returns a short, stable key for this machine's memory of the remote,
    /// which reveals nothing about it.
    pub fn memory_key(&self) -> String {
        let canonical = match self {
            Target::S3 {
                bucket,
                prefix,
                endpoint,
                ..
            } => format!("s3\n{}\n{bucket}\n{prefix}", endpoint.as_deref().unwrap_or("")),
            Target::Webdav { endpoint, prefix } => format!("webdav\n{endpoint}\n{prefix}"),
            Target::Folder { path } => format!("folder\n{}", path.display()),
        };
        hex::encode(&Sha256::digest(canonical.as_bytes())[..16])
    }
}

/// Returns `text` as messages may show it. A login becomes `…`, from `://`
/// to the last `@` because a password may contain `/`, `?` or `@`, and so
/// does one in an S3 remote's `endpoint=`. The value of an unknown option
/// becomes `…` too, because it may be a key typed in the wrong place.
fn without_login(text: &str) -> String {
    let mask = |url: &str| match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if at > start => format!("{}…{}", &url[..start + 3], &url[at..]),
        _ => url.to_string(),
    };
    if text.starts_with("s3://") {
        let Some((location, query)) = text.split_once('?') else {
            return mask(text);
        };
        let options: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some(("endpoint", value)) => format!("endpoint={}", mask(value)),
                Some((key @ ("region" | "path-style" | "virtual-host"), value)) => format!("{key}={value}"),
                Some((key, _)) => format!("{key}=…"),
                None => pair.to_string(),
            })
            .collect();
        return format!("{}?{}", mask(location), options.join("&"));
    }
    let masked = mask(text);
    match masked.split_once('?') {
        Some((location, _)) => format!("{location}?…"),
        None => masked,
    }
}

/// Returns the remotes file: `$KLUIS_REMOTES_FILE`, or `remotes` in
/// kluis's configuration folder.
pub fn remotes_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(REMOTES_FILE_VAR).filter(|value| !value.is_empty()) {
        return Some(PathBuf::from(path));
    }
    directories::ProjectDirs::from("", "", "kluis").map(|dirs| dirs.config_dir().join("remotes"))
}

/// Looks `name` up in the remotes file, whose lines are `NAME URL`; blank
/// lines and lines starting with `#` are skipped.
fn lookup_name(name: &str) -> Result<Option<String>> {
    let Some(path) = remotes_file() else {
        return Ok(None);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(Error::io(crate::error::IoAction::Reading, path, err)),
    };
    Ok(text.lines().find_map(|line| {
        let line = line.trim();
        if line.starts_with('#') {
            return None;
        }
        let (key, url) = line.split_once(char::is_whitespace)?;
        (key == name).then(|| url.trim().to_string())
    }))
}

fn folder(path: &Path) -> std::result::Result<Target, RemoteProblem> {
    if path.as_os_str().is_empty() {
        return Err(RemoteProblem::Invalid);
    }
    let path = std::path::absolute(path).map_err(|_| RemoteProblem::Invalid)?;
    Ok(Target::Folder { path })
}

fn parse_s3(rest: &str) -> std::result::Result<Target, RemoteProblem> {
    let (location, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (bucket, prefix) = location.split_once('/').unwrap_or((location, ""));
    if bucket.is_empty() || bucket.contains('@') {
        return Err(RemoteProblem::Invalid);
    }
    let mut endpoint = None;
    let mut region = None;
    let mut virtual_host = false;
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "endpoint" => endpoint = Some(checked_endpoint(value)?),
            "region" if !value.is_empty() => region = Some(value.to_string()),
            "path-style" => virtual_host = !parse_bool(value)?,
            "virtual-host" => virtual_host = parse_bool(value)?,
            _ => {
                return Err(RemoteProblem::UnknownOption {
                    option: key.to_string(),
                })
            }
        }
    }
    if endpoint.is_none() {
        if let Some(value) = std::env::var("AWS_ENDPOINT_URL").ok().filter(|v| !v.is_empty()) {
            endpoint = Some(checked_endpoint(&value)?);
        }
    }
    Ok(Target::S3 {
        bucket: bucket.to_string(),
        prefix: prefix.trim_matches('/').to_string(),
        endpoint,
        region,
        virtual_host,
    })
}

fn parse_bool(value: &str) -> std::result::Result<bool, RemoteProblem> {
    match value {
        "" | "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(RemoteProblem::Invalid),
    }
}

fn parse_webdav(rest: &str) -> std::result::Result<Target, RemoteProblem> {
    let (scheme, after) = rest.split_once("://").ok_or(RemoteProblem::Invalid)?;
    // A login may contain `/` or `?`, so any `@` counts, wherever it is.
    if after.contains('@') {
        return Err(RemoteProblem::CredentialsInUrl);
    }
    let (host, path) = after.split_once('/').unwrap_or((after, ""));
    let endpoint = checked_endpoint(&format!("{scheme}://{host}"))?;
    // A WebDAV remote has no options, and a query would otherwise become
    // part of the folder's name.
    if let Some((_, query)) = path.split_once('?') {
        let option = query.split(['=', '&']).next().unwrap_or("").to_string();
        return Err(RemoteProblem::UnknownOption { option });
    }
    Ok(Target::Webdav {
        endpoint,
        prefix: path.trim_matches('/').to_string(),
    })
}

/// Accepts `https://host[:port]`, and `http://` only to this computer:
/// backups must not cross a network unencrypted, even though their content
/// is encrypted, because the login travels with them. A login in the URL is
/// refused, so that it never lands in shell history or messages.
fn checked_endpoint(value: &str) -> std::result::Result<String, RemoteProblem> {
    let value = value.trim_end_matches('/');
    let (scheme, host) = value.split_once("://").ok_or(RemoteProblem::Invalid)?;
    if host.contains('@') {
        return Err(RemoteProblem::CredentialsInUrl);
    }
    if host.is_empty() || host.contains('/') || host.contains('?') || !plausible_host(host) {
        return Err(RemoteProblem::Invalid);
    }
    match scheme {
        "https" => Ok(value.to_string()),
        "http" if is_loopback(host) => Ok(value.to_string()),
        "http" => Err(RemoteProblem::Unencrypted),
        _ => Err(RemoteProblem::UnknownScheme),
    }
}

/// Returns whether `host` (with an optional port) has the shape of a host
/// name or address: `name[:port]` or `[v6][:port]`.
fn plausible_host(host: &str) -> bool {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((address, "")) => (address, ""),
            Some((address, tail)) => match tail.strip_prefix(':') {
                Some(port) => (address, port),
                None => return false,
            },
            None => return false,
        }
    } else {
        host.rsplit_once(':').unwrap_or((host, ""))
    };
    let port_ok = port.is_empty() || port.parse::<u16>().is_ok();
    let name_ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    port_ok && name_ok
}

fn is_loopback(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|address| address.is_loopback())
}

/// A connected remote. All methods block. Requests run on a private
/// single-threaded runtime, several at a time where a method's doc states it.
pub struct Remote {
    target: Target,
    operator: Operator,
    runtime: tokio::runtime::Runtime,
}

impl fmt::Debug for Remote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Remote").field("target", &self.target).finish()
    }
}

impl Remote {
    /// Prepares requests to `target`. Nothing is sent yet.
    pub fn connect(target: Target) -> Result<Self> {
        install_transport();
        let failed = |err: opendal::Error| remote_error(&target, &err);
        let operator = match &target {
            Target::S3 {
                bucket,
                prefix,
                endpoint,
                region,
                virtual_host,
            } => {
                let mut builder = services::S3::default()
                    .bucket(bucket)
                    .root(&format!("/{prefix}"))
                    // A laptop has no instance metadata service; asking
                    // for one would send a request to a link-local address.
                    .disable_ec2_metadata();
                if let Some(endpoint) = endpoint {
                    builder = builder.endpoint(endpoint);
                }
                let region = region
                    .clone()
                    .or_else(|| std::env::var("AWS_REGION").ok())
                    .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
                    .unwrap_or_else(|| "us-east-1".to_string());
                builder = builder.region(&region);
                if *virtual_host {
                    builder = builder.enable_virtual_host_style();
                }
                Operator::new(builder).map_err(failed)?
            }
            Target::Webdav { endpoint, prefix } => {
                let mut builder = services::Webdav::default()
                    .endpoint(endpoint)
                    .root(&format!("/{prefix}"));
                if let Ok(user) = std::env::var(WEBDAV_USER_VAR) {
                    builder = builder.username(&user);
                }
                if let Ok(password) = std::env::var(WEBDAV_PASSWORD_VAR) {
                    builder = builder.password(&password);
                }
                Operator::new(builder).map_err(failed)?
            }
            Target::Folder { path } => {
                // A folder that is not there is not created: on an external
                // disk that is not mounted, it would land on the internal one.
                if !path.is_dir() {
                    return Err(Error::Remote {
                        remote: target.to_string(),
                        problem: RemoteProblem::NoSuchPlace,
                    });
                }
                let root = path.to_str().ok_or_else(|| Error::Remote {
                    remote: path.display().to_string(),
                    problem: RemoteProblem::Invalid,
                })?;
                // Each file is written beside its place and renamed into it,
                // so an interrupted backup leaves no half-written file.
                let staging = path.join(".kluis-upload");
                let builder = services::Fs::default()
                    .root(root)
                    .atomic_write_dir(staging.to_str().expect("checked above"));
                Operator::new(builder).map_err(failed)?
            }
        };
        let operator = operator
            // Two retries ride out a dropped connection; more would keep a
            // counsellor waiting in silence when the server is down.
            .layer(
                layers::RetryLayer::new()
                    .with_max_times(2)
                    .with_min_delay(Duration::from_millis(500))
                    .with_max_delay(Duration::from_secs(2))
                    .with_jitter(),
            )
            .layer(
                layers::TimeoutLayer::new()
                    .with_timeout(Duration::from_secs(120))
                    .with_io_timeout(Duration::from_secs(60)),
            );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| Error::io(crate::error::IoAction::Creating, PathBuf::from("runtime"), err))?;
        Ok(Self {
            target,
            operator,
            runtime,
        })
    }

    /// Returns where this remote is.
    pub fn target(&self) -> &Target {
        &self.target
    }

    fn run<T>(&self, work: impl Future<Output = T>) -> T {
        self.runtime.block_on(work)
    }

    fn failed(&self, err: &opendal::Error) -> Error {
        remote_error(&self.target, err)
    }

    /// Reads a whole file, or `None` when there is none.
    pub fn get(&self, name: &str) -> Result<Option<Vec<u8>>> {
        self.run(get(&self.operator, name))
            .map_err(|err| self.failed(&err))
    }

    /// Reads several files, up to [`CONCURRENCY`] at a time, and calls
    /// `each` with the index into `names` and the bytes of each, in the
    /// order they arrive. A missing file gives `None`.
    pub fn get_many(
        &self,
        names: &[String],
        mut each: impl FnMut(usize, Option<Vec<u8>>) -> Result<()>,
    ) -> Result<()> {
        let operator = &self.operator;
        self.run(async {
            let mut fetched = stream::iter(names.iter().enumerate())
                .map(|(index, name)| async move { get(operator, name).await.map(|bytes| (index, bytes)) })
                .buffer_unordered(CONCURRENCY);
            while let Some(result) = fetched.next().await {
                let (index, bytes) = result.map_err(|err| self.failed(&err))?;
                each(index, bytes)?;
            }
            Ok(())
        })
    }

    /// Writes a whole file, replacing one of the same name.
    pub fn put(&self, name: &str, bytes: Vec<u8>) -> Result<()> {
        self.run(self.operator.write(name, bytes))
            .map(|_| ())
            .map_err(|err| self.failed(&err))
    }

    /// Writes the files `jobs` produce, up to [`CONCURRENCY`] at a time.
    /// Each job yields the remote name and the source of its bytes; `sent`
    /// is called with each file's size once it is stored.
    pub fn put_many(&self, jobs: Vec<Upload>, mut sent: impl FnMut(u64)) -> Result<()> {
        let operator = &self.operator;
        self.run(async {
            let mut uploads = stream::iter(jobs)
                .map(|job| async move { send(operator, job).await })
                .buffer_unordered(CONCURRENCY);
            while let Some(result) = uploads.next().await {
                let size = result.map_err(|err| match err {
                    SendError::Remote(err) => self.failed(&err),
                    SendError::Local(err) => err,
                })?;
                sent(size);
            }
            Ok(())
        })
    }

    /// Lists the files below `folder` (for example `objects/`), with their
    /// sizes, as names relative to the remote's root.
    pub fn list(&self, folder: &str) -> Result<Vec<(String, u64)>> {
        let operator = &self.operator;
        self.run(async {
            let lister = match operator.lister_with(folder).recursive(true).await {
                Ok(lister) => lister,
                Err(err) if err.kind() == ErrorKind::NotFound => return Ok(Vec::new()),
                Err(err) => return Err(err),
            };
            let entries: Vec<opendal::Entry> = lister.try_collect().await?;
            let mut files = Vec::new();
            for entry in entries {
                if entry.metadata().is_dir() {
                    continue;
                }
                let name = entry.path().trim_start_matches('/').to_string();
                let size = if entry.metadata().content_length() > 0 || !entry.metadata().is_file() {
                    entry.metadata().content_length()
                } else {
                    operator.stat(entry.path()).await?.content_length()
                };
                files.push((name, size));
            }
            Ok(files)
        })
        .map_err(|err| self.failed(&err))
    }

    /// Deletes a file; a missing one is not an error.
    pub fn delete(&self, name: &str) -> Result<()> {
        self.run(self.operator.delete(name))
            .map_err(|err| self.failed(&err))
    }

    /// Deletes several files, up to [`CONCURRENCY`] at a time. A missing
    /// file is not an error.
    pub fn delete_many(&self, names: &[String]) -> Result<()> {
        let operator = &self.operator;
        self.run(async {
            let mut deletions = stream::iter(names)
                .map(|name| operator.delete(name))
                .buffer_unordered(CONCURRENCY);
            while let Some(result) = deletions.next().await {
                result?;
            }
            Ok(())
        })
        .map_err(|err| self.failed(&err))
    }

    /// Streams a file to `sink` in parts, without holding all of it.
    pub fn download(&self, name: &str, mut sink: impl FnMut(&[u8]) -> Result<()>) -> Result<bool> {
        let operator = &self.operator;
        self.run(async {
            let size = match operator.stat(name).await {
                Ok(meta) => meta.content_length(),
                Err(err) if err.kind() == ErrorKind::NotFound => return Ok(false),
                Err(err) => return Err(self.failed(&err)),
            };
            let reader = operator.reader(name).await.map_err(|err| self.failed(&err))?;
            let mut offset = 0u64;
            while offset < size {
                let end = (offset + PART_SIZE as u64).min(size);
                let part = reader.read(offset..end).await.map_err(|err| self.failed(&err))?;
                sink(&part.to_vec())?;
                offset = end;
            }
            Ok(true)
        })
    }
}

/// One file to send.
pub struct Upload {
    pub name: String,
    pub source: Source,
}

impl Upload {
    /// Sends a vault file under its own name.
    pub fn file(member: super::pack::Member) -> Self {
        Self {
            name: member.name,
            source: Source::File {
                path: member.path,
                sha256: member.sha256,
                size: member.size,
            },
        }
    }

    /// Sends a pack.
    pub fn pack(plan: super::pack::Plan) -> Self {
        Self {
            name: plan.name(),
            source: Source::Pack(plan),
        }
    }

    /// Returns the vault names of the files this upload stores.
    pub fn vault_names(&self) -> Vec<&str> {
        match &self.source {
            Source::Pack(plan) => plan.members.iter().map(|member| member.name.as_str()).collect(),
            _ => vec![self.name.as_str()],
        }
    }

    /// Returns whether this upload is a pack.
    pub fn is_pack(&self) -> bool {
        matches!(self.source, Source::Pack(_))
    }

    /// Returns the number of bytes this upload sends.
    pub fn size(&self) -> u64 {
        match &self.source {
            Source::Bytes(bytes) => bytes.len() as u64,
            Source::File { size, .. } => *size,
            Source::Pack(plan) => plan.size(),
        }
    }
}

/// The source of an upload's bytes.
pub enum Source {
    Bytes(Vec<u8>),
    /// Vault files packed into one tar file as it is sent.
    Pack(super::pack::Plan),
    /// A vault file whose SHA-256 must match: a damaged object is never
    /// sent, so a backup cannot overwrite a good copy with a bad one.
    File {
        path: PathBuf,
        sha256: [u8; 32],
        size: u64,
    },
}

enum SendError {
    Remote(opendal::Error),
    Local(Error),
}

async fn get(operator: &Operator, name: &str) -> opendal::Result<Option<Vec<u8>>> {
    match operator.read(name).await {
        Ok(buffer) => Ok(Some(buffer.to_vec())),
        Err(err) if err.kind() == ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err),
    }
}

async fn send(operator: &Operator, job: Upload) -> std::result::Result<u64, SendError> {
    let bytes = match job.source {
        Source::Bytes(bytes) => bytes,
        Source::Pack(plan) => plan.build().map_err(SendError::Local)?,
        Source::File { path, sha256, .. } => return send_file(operator, &job.name, &path, sha256).await,
    };
    let size = bytes.len() as u64;
    operator
        .write(&job.name, bytes)
        .await
        .map_err(SendError::Remote)?;
    Ok(size)
}

async fn send_file(
    operator: &Operator,
    name: &str,
    path: &Path,
    expected: [u8; 32],
) -> std::result::Result<u64, SendError> {
    use std::io::Read;
    let local = |err: std::io::Error| SendError::Local(crate::store::read_damage(err, &relative(path)));
    let mut file = std::fs::File::open(path).map_err(local)?;
    let size = file.metadata().map_err(local)?.len();
    let modified = || {
        SendError::Local(Error::Damaged(crate::error::Damage::Modified {
            file: relative(path),
        }))
    };
    if size <= PART_SIZE as u64 {
        let mut bytes = Vec::with_capacity(size as usize);
        file.read_to_end(&mut bytes).map_err(local)?;
        if crate::store::sha256(&bytes) != expected {
            return Err(modified());
        }
        operator.write(name, bytes).await.map_err(SendError::Remote)?;
        return Ok(size);
    }
    let mut writer = operator
        .writer_with(name)
        .chunk(PART_SIZE)
        .await
        .map_err(SendError::Remote)?;
    let mut hasher = Sha256::new();
    let mut total = 0u64;
    loop {
        let mut part = vec![0u8; PART_SIZE];
        let mut filled = 0;
        while filled < part.len() {
            match file.read(&mut part[filled..]).map_err(local)? {
                0 => break,
                n => filled += n,
            }
        }
        if filled == 0 {
            break;
        }
        part.truncate(filled);
        hasher.update(&part);
        total += filled as u64;
        if let Err(err) = writer.write(part).await {
            let _ = writer.abort().await;
            return Err(SendError::Remote(err));
        }
    }
    if <[u8; 32]>::from(hasher.finalize()) != expected {
        // Aborting keeps the damaged bytes off the remote.
        let _ = writer.abort().await;
        return Err(modified());
    }
    writer.close().await.map_err(SendError::Remote)?;
    Ok(total)
}

/// Names a vault file by its path below the vault, as messages do.
fn relative(path: &Path) -> String {
    let mut parts: Vec<String> = path
        .iter()
        .rev()
        .take(3)
        .map(|part| part.to_string_lossy().to_string())
        .collect();
    parts.reverse();
    if parts
        .first()
        .is_some_and(|first| first != crate::store::OBJECTS_DIR)
    {
        parts.remove(0);
    }
    parts.join("/")
}

fn install_transport() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // ring has no post-quantum key exchange, which is why rustls marks
        // it deprecated. TLS here protects the login and request details;
        // the files themselves are age-encrypted before they are sent.
        // Another part of the program may have chosen a provider already.
        #[allow(deprecated)]
        let _ = rustls::crypto::ring::default_provider().install_default();
        opendal::init_default_registry();
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(20))
            .https_only(false)
            .build();
        if let Ok(client) = client {
            opendal::HttpTransporter::install_default(opendal_http_transport_reqwest::ReqwestTransport::new(
                client,
            ));
        }
    });
}

/// Classifies an OpenDAL error without repeating its text, which contains
/// request details. The HTTP status, when there is one, is kept.
fn remote_error(target: &Target, err: &opendal::Error) -> Error {
    let text = err.to_string();
    if std::env::var_os("KLUIS_DEBUG_REMOTE").is_some() {
        eprintln!("{text}");
    }
    let status = text
        .split_once("status: ")
        .and_then(|(_, rest)| rest.get(..3))
        .and_then(|digits| digits.parse::<u16>().ok());
    let has = |needle: &str| text.contains(needle);
    let problem = match err.kind() {
        _ if has("NoSuchBucket") => RemoteProblem::NoSuchPlace,
        // reqsign-core 3.3.2 fails with this text, before any request, when
        // no source of AWS credentials has any.
        _ if has("failed to load signing credential") => RemoteProblem::NoCredentials,
        ErrorKind::PermissionDenied => RemoteProblem::Denied,
        _ if matches!(status, Some(401 | 403))
            || has("InvalidAccessKeyId")
            || has("SignatureDoesNotMatch") =>
        {
            RemoteProblem::Denied
        }
        ErrorKind::NotFound => RemoteProblem::NoSuchPlace,
        _ if status.is_none() && (has("error sending request") || has("connect")) => {
            RemoteProblem::Unreachable
        }
        _ if status.is_none() && err.is_temporary() => RemoteProblem::Unreachable,
        ErrorKind::ConfigInvalid if status.is_none() => RemoteProblem::Invalid,
        _ => RemoteProblem::Refused { status },
    };
    // A folder remote has no network and no login: what fails there is the
    // disk, or the file system's permissions.
    let problem = match (target, problem) {
        (
            Target::Folder { .. },
            RemoteProblem::Refused { .. } | RemoteProblem::Unreachable | RemoteProblem::Denied,
        ) => RemoteProblem::FolderFailed,
        (_, problem) => problem,
    };
    Error::Remote {
        remote: target.to_string(),
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_s3_with_options() {
        let target = Target::parse(
            "s3://praktijk/kluis/?endpoint=https://s3.nl-ams.scw.cloud&region=nl-ams&path-style=false",
        )
        .unwrap();
        assert_eq!(
            target,
            Target::S3 {
                bucket: "praktijk".into(),
                prefix: "kluis".into(),
                endpoint: Some("https://s3.nl-ams.scw.cloud".into()),
                region: Some("nl-ams".into()),
                virtual_host: true,
            }
        );
    }

    #[test]
    fn refuses_plain_http_beyond_this_computer() {
        for url in [
            "s3://b?endpoint=http://example.org:9000",
            "webdav+http://192.168.1.5/kluis",
        ] {
            match Target::parse(url) {
                Err(Error::Remote {
                    problem: RemoteProblem::Unencrypted,
                    ..
                }) => {}
                other => panic!("{url}: {other:?}"),
            }
        }
        assert!(Target::parse("webdav+http://127.0.0.1:8080/kluis").is_ok());
        assert!(Target::parse("webdav+http://[::1]:8080/kluis").is_ok());
        assert!(Target::parse("s3://b?endpoint=http://localhost:9000").is_ok());
    }

    #[test]
    fn refuses_a_login_in_the_url() {
        match Target::parse("webdav+https://anna:geheim@dav.example.nl/kluis") {
            Err(Error::Remote {
                problem: RemoteProblem::CredentialsInUrl,
                remote,
            }) => assert_eq!(remote, "webdav+https://…@dav.example.nl/kluis"),
            other => panic!("{other:?}"),
        }
        match Target::parse("s3://praktijk/kluis?endpoint=https://anna:geheim@s3.example.nl&region=nl") {
            Err(Error::Remote {
                problem: RemoteProblem::CredentialsInUrl,
                remote,
            }) => assert_eq!(
                remote,
                "s3://praktijk/kluis?endpoint=https://…@s3.example.nl&region=nl"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn logins_and_option_values_never_shown() {
        for (url, secret) in [
            (
                "webdav+https://anna:Geheim/Wachtwoord@dav.example.nl/kluis",
                "Geheim",
            ),
            ("webdav+https://anna:Geh?eim@dav.example.nl/kluis", "eim"),
            ("s3://b/p?endpoint=https://AKIAXYZ:Geheim@s3.example.nl", "Geheim"),
            ("s3://b/p?endpoint=https://s3.example.nl&key=Geheim", "Geheim"),
        ] {
            match Target::parse(url) {
                Err(Error::Remote { remote, .. }) => assert!(!remote.contains(secret), "{url}: {remote}"),
                other => panic!("{url}: {other:?}"),
            }
        }
    }

    #[test]
    fn webdav_url_with_query_rejected() {
        match Target::parse("webdav+https://dav.example.nl/kluis?user=anna") {
            Err(Error::Remote {
                problem: RemoteProblem::UnknownOption { option },
                ..
            }) => assert_eq!(option, "user"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn folders_and_unknown_schemes() {
        assert!(matches!(
            Target::parse("/mnt/schijf/kluis"),
            Ok(Target::Folder { .. })
        ));
        assert!(matches!(
            Target::parse("file:///mnt/schijf"),
            Ok(Target::Folder { .. })
        ));
        assert!(matches!(
            Target::parse("ftp://host/x"),
            Err(Error::Remote {
                problem: RemoteProblem::UnknownScheme,
                ..
            })
        ));
        assert!(matches!(
            Target::parse("s3://b?colour=blue"),
            Err(Error::Remote {
                problem: RemoteProblem::UnknownOption { .. },
                ..
            })
        ));
    }

    #[test]
    fn memory_keys_differ_per_place_and_hide_it() {
        let a = Target::parse("s3://a/x?endpoint=https://h").unwrap().memory_key();
        let b = Target::parse("s3://a/y?endpoint=https://h").unwrap().memory_key();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(!a.contains('a') || a.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
