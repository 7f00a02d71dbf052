//! Backups through the real binary against real storage on loopback:
//! moto's S3 server, rclone's WebDAV server (tests/common/servers.rs) and a
//! local folder. The tests cover full and incremental backups, quick and
//! full `remote check`, and interrupted backups that the next one
//! completes. They damage and roll back remotes, restore, and check the
//! refusals and exit codes of failed commands. After a dossier is
//! destroyed, the next backup deletes its files from the remote, also from
//! packs, also when an earlier attempt was interrupted. A remote may learn
//! the vault's file layout and nothing else: no personal data, no
//! credentials.
//!
//! Every remote of a test lives in the test's temporary folder, where the
//! canary scan of `TestVault` looks at the end of the test. moto keeps its
//! objects in memory, so the zero-knowledge check copies them there.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use base64::Engine;
use kluis::format::{DestroyReason, NoteBody, NoteKind};
use kluis::model::{Access, Vault};
use kluis::store::Store;
use serde_json::Value;

use common::http::{self, encode_path, Response};
use common::servers::{self, S3Server, WebdavServer};
use common::{
    kluis, memory_beside, run_command, sample, walk_files, Output, TestVault, Undeletable, ENGLISH,
    PASSPHRASE,
};

/// Exit codes of `kluis` (README, "Exit status").
const EXIT_LOCKED_OUT: i32 = 3;
const EXIT_NOT_FOUND: i32 = 4;
const EXIT_DAMAGED: i32 = 5;
const EXIT_REFUSED: i32 = 7;
const EXIT_IO: i32 = 9;
const EXIT_INVALID_INPUT: i32 = 10;
const EXIT_ROLLED_BACK: i32 = 11;

const BUCKET: &str = "kluis-backup";

/// Where the backup sits in the bucket and below the WebDAV root. Two
/// levels, so that the remote has to create folders on the way.
const PREFIX: &str = "praktijk/kluis";

/// The files besides `journal/` and `objects/` that every backup contains.
const TOP_FILES: [&str; 4] = ["kluis.cbor", "identity.age", "recovery.age", "HEAD"];

/// What `kluis check` and `kluis remote check` print when nothing is wrong.
const CLEAN: &str = "No problems found.";

/// Number of notes the interruption tests add: their backup sends more
/// than 64 files, so kluis lists the remote first and skips the files an
/// interrupted backup already sent.
const MANY_NOTES: usize = 40;

#[derive(Clone, Copy, Debug)]
enum Kind {
    S3,
    Webdav,
    Folder,
}

/// The storage behind a [`TestRemote`].
enum Storage {
    S3 {
        server: S3Server,
        access_key_id: String,
        secret_access_key: String,
    },
    /// `root` is the folder the server serves. The backup is in
    /// `root/PREFIX`.
    Webdav {
        server: WebdavServer,
        root: PathBuf,
    },
    Folder {
        root: PathBuf,
    },
}

/// One backup remote of a test. kluis reaches it through `url`. The test
/// reads and changes its files directly: through the S3 and WebDAV
/// servers' HTTP interfaces, or in the folder.
struct TestRemote {
    kind: Kind,
    storage: Storage,
    /// The remote as given on the command line.
    url: String,
    /// The remote as kluis names it in messages.
    shown: String,
}

impl TestRemote {
    fn start(kind: Kind, vault: &TestVault) -> Self {
        match kind {
            Kind::S3 => Self::s3(vault),
            Kind::Webdav => Self::webdav(vault),
            Kind::Folder => Self::folder(vault),
        }
    }

    /// Starts an S3 server with an empty bucket. The kluis processes get
    /// random keys, which moto accepts, so that the tests can look for them
    /// in every output.
    fn s3(vault: &TestVault) -> Self {
        let server = S3Server::start();
        server.create_bucket(BUCKET);
        let access_key_id = format!("AKIA{}", random_hex()).to_uppercase();
        let secret_access_key = random_hex();
        vault.add_canary(&access_key_id);
        vault.add_canary(&secret_access_key);
        let url = format!("s3://{BUCKET}/{PREFIX}?endpoint={}", server.endpoint());
        let shown = format!("s3://{BUCKET}/{PREFIX} ({})", server.endpoint());
        Self {
            kind: Kind::S3,
            storage: Storage::S3 {
                server,
                access_key_id,
                secret_access_key,
            },
            url,
            shown,
        }
    }

    /// Starts a WebDAV server on a folder beside the vault.
    fn webdav(vault: &TestVault) -> Self {
        let root = vault.folder().join("webdav-root");
        fs::create_dir(&root).expect("WebDAV root");
        let server = WebdavServer::start(&root);
        vault.add_canary(server.password());
        let url = format!("webdav+{}/{PREFIX}", server.url());
        Self {
            kind: Kind::Webdav,
            shown: url.clone(),
            storage: Storage::Webdav { server, root },
            url,
        }
    }

    /// Uses a new folder beside the vault as the remote.
    fn folder(vault: &TestVault) -> Self {
        let root = vault.folder().join("folder-remote");
        fs::create_dir(&root).expect("folder remote");
        let url = root.to_str().expect("UTF-8 temporary path").to_string();
        Self {
            kind: Kind::Folder,
            shown: url.clone(),
            storage: Storage::Folder { root },
            url,
        }
    }

    /// Returns the credentials the kluis processes get, which no output
    /// may contain.
    fn secrets(&self) -> Vec<&str> {
        match &self.storage {
            Storage::S3 {
                access_key_id,
                secret_access_key,
                ..
            } => vec![access_key_id, secret_access_key],
            Storage::Webdav { server, .. } => vec![server.password()],
            Storage::Folder { .. } => Vec::new(),
        }
    }

    /// Gives `command` this remote's credentials and nothing else from
    /// the environment that could send it elsewhere.
    fn configure(&self, command: &mut assert_cmd::Command) {
        command.env_remove("KLUIS_DEBUG_REMOTE");
        command.env_remove("KLUIS_REMOTES_FILE");
        match &self.storage {
            Storage::S3 {
                server,
                access_key_id,
                secret_access_key,
            } => {
                server.configure(command);
                command
                    .env("AWS_ACCESS_KEY_ID", access_key_id)
                    .env("AWS_SECRET_ACCESS_KEY", secret_access_key);
            }
            Storage::Webdav { server, .. } => server.configure(command),
            Storage::Folder { .. } => {
                for name in servers::CLEARED_VARS {
                    command.env_remove(name);
                }
            }
        }
    }

    /// Runs kluis on the vault at `vault` without the passphrase, which
    /// backups and remote checks do not need.
    fn run(&self, vault: &Path, args: &[&str]) -> Output {
        self.run_command(kluis(vault, ENGLISH, None), args)
    }

    /// Runs kluis on the vault at `vault` with the passphrase.
    fn run_unlocked(&self, vault: &Path, args: &[&str]) -> Output {
        self.run_command(kluis(vault, ENGLISH, Some(PASSPHRASE)), args)
    }

    /// Runs a prepared kluis command with this remote's credentials and
    /// fails the test when an output contains one of them.
    fn run_command(&self, mut command: assert_cmd::Command, args: &[&str]) -> Output {
        self.configure(&mut command);
        let output = run_command(command.args(args));
        self.assert_no_secret(&output);
        output
    }

    #[track_caller]
    fn assert_no_secret(&self, output: &Output) {
        for secret in self.secrets() {
            assert!(
                !output.stdout.contains(secret) && !output.stderr.contains(secret),
                "a credential of the {:?} remote is in the output of `{}`\nstdout:\n{}\nstderr:\n{}",
                self.kind,
                output.command,
                output.stdout,
                output.stderr
            );
        }
    }

    /// Returns every file of the backup, by name below the remote's root.
    fn files(&self) -> BTreeMap<String, Vec<u8>> {
        match &self.storage {
            Storage::S3 { server, .. } => server
                .list(BUCKET, &format!("{PREFIX}/"))
                .into_iter()
                .map(|key| {
                    let bytes = server.get(BUCKET, &key).expect("a listed object");
                    let name = key[PREFIX.len() + 1..].to_string();
                    (name, bytes)
                })
                .collect(),
            Storage::Webdav { root, .. } => files_below(&root.join(PREFIX)),
            Storage::Folder { root } => files_below(root),
        }
    }

    #[track_caller]
    fn get(&self, name: &str) -> Option<Vec<u8>> {
        match &self.storage {
            Storage::S3 { server, .. } => server.get(BUCKET, &format!("{PREFIX}/{name}")),
            Storage::Webdav { server, .. } => {
                let response = webdav_request(server, "GET", name, b"");
                match response.status {
                    404 => None,
                    200 => Some(response.body),
                    status => panic!("GET {name} over WebDAV: status {status}: {}", response.text()),
                }
            }
            Storage::Folder { root } => fs::read(root.join(name)).ok(),
        }
    }

    #[track_caller]
    fn put(&self, name: &str, bytes: &[u8]) {
        match &self.storage {
            Storage::S3 { server, .. } => server.put(BUCKET, &format!("{PREFIX}/{name}"), bytes),
            Storage::Webdav { server, .. } => {
                let folder = Path::new(name).parent().expect("a file name");
                let mut path = PathBuf::new();
                for part in folder.iter() {
                    path.push(part);
                    let response = webdav_request(server, "MKCOL", path.to_str().unwrap(), b"");
                    assert!(
                        matches!(response.status, 201 | 405),
                        "MKCOL {} over WebDAV: status {}: {}",
                        path.display(),
                        response.status,
                        response.text()
                    );
                }
                let response = webdav_request(server, "PUT", name, bytes);
                assert!(
                    matches!(response.status, 201 | 204),
                    "PUT {name} over WebDAV: status {}: {}",
                    response.status,
                    response.text()
                );
            }
            Storage::Folder { root } => {
                let path = root.join(name);
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(path, bytes).unwrap();
            }
        }
    }

    #[track_caller]
    fn delete(&self, name: &str) {
        match &self.storage {
            Storage::S3 { server, .. } => server.delete(BUCKET, &format!("{PREFIX}/{name}")),
            Storage::Webdav { server, .. } => {
                let response = webdav_request(server, "DELETE", name, b"");
                assert_eq!(
                    response.status,
                    204,
                    "DELETE {name} over WebDAV: {}",
                    response.text()
                );
            }
            Storage::Folder { root } => fs::remove_file(root.join(name)).unwrap(),
        }
    }

    /// Changes one byte in the middle of a file on the remote, keeping its
    /// size, and returns the original bytes.
    #[track_caller]
    fn flip_byte(&self, name: &str) -> Vec<u8> {
        let original = self
            .get(name)
            .unwrap_or_else(|| panic!("{name} is on the remote"));
        let mut changed = original.clone();
        let middle = changed.len() / 2;
        changed[middle] ^= 0x20;
        self.put(name, &changed);
        original
    }
}

/// Sends a WebDAV request for the file `name` of the backup, logged in.
#[track_caller]
fn webdav_request(server: &WebdavServer, method: &str, name: &str, body: &[u8]) -> Response {
    let login = format!("{}:{}", server.user(), server.password());
    let authorization = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(login)
    );
    let target = format!("/{}", encode_path(&format!("{PREFIX}/{name}")));
    http::request(
        server.port(),
        method,
        &target,
        &[("Authorization", authorization.as_str())],
        body,
    )
    .unwrap_or_else(|err| panic!("{method} {target} to the WebDAV server failed: {err}"))
}

/// Returns every file below `root`, by its path relative to `root`, and
/// nothing when `root` does not exist.
fn files_below(root: &Path) -> BTreeMap<String, Vec<u8>> {
    if !root.exists() {
        return BTreeMap::new();
    }
    walk_files(root)
        .into_iter()
        .map(|path| {
            let name = path.strip_prefix(root).unwrap().to_str().unwrap().to_string();
            (name, fs::read(&path).unwrap())
        })
        .collect()
}

fn random_hex() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// Parses the one line of JSON that `--json` prints.
#[track_caller]
fn json(output: &Output) -> Value {
    serde_json::from_str(output.stdout.trim()).unwrap_or_else(|err| {
        panic!(
            "`{}` printed no JSON ({err}):\nstdout:\n{}\nstderr:\n{}",
            output.command, output.stdout, output.stderr
        )
    })
}

/// Runs `remote check --json` (with `--full` when `full`), expects `code`,
/// and returns the parsed report.
#[track_caller]
fn check_json(remote: &TestRemote, vault: &Path, full: bool, code: i32) -> Value {
    let mut args = vec!["remote", "check", remote.url.as_str(), "--json"];
    if full {
        args.push("--full");
    }
    let output = remote.run(vault, &args);
    output.expect_code(code);
    json(&output)
}

/// Returns the findings of a `remote check --json` report as
/// `(kind, file)` pairs.
fn findings(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings is a list")
        .iter()
        .map(|finding| {
            (
                finding["kind"].as_str().unwrap_or_default().to_string(),
                finding["file"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Returns the name of journal entry `seq` in the vault layout.
fn entry_name(seq: u64) -> String {
    format!("journal/{seq:012}")
}

/// Returns an object file's name relative to the vault, as on a remote.
fn object_name(vault: &TestVault, path: &Path) -> String {
    path.strip_prefix(&vault.path)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string()
}

/// Returns whether `name` is a file of the vault layout of vault-format.md,
/// section 2: the four top files, `journal/` plus 12 digits, or `objects/`,
/// the first two hex digits of the id, and the 32 hex digits of the id.
fn is_vault_file_name(name: &str) -> bool {
    let hex = |text: &str| {
        text.chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    };
    if TOP_FILES.contains(&name) {
        return true;
    }
    if let Some(number) = name.strip_prefix("journal/") {
        return number.len() == 12 && number.chars().all(|c| c.is_ascii_digit());
    }
    if let Some(rest) = name.strip_prefix("objects/") {
        return match rest.split_once('/') {
            Some((folder, id)) => folder.len() == 2 && id.len() == 32 && hex(id) && id.starts_with(folder),
            None => false,
        };
    }
    false
}

/// Returns the names of the hidden staging folders (`.kluis-restore-*`)
/// that restores left in `folder`.
fn restore_leftovers(folder: &Path) -> Vec<String> {
    fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".kluis-restore-"))
        .collect()
}

/// Adds `count` session notes to the dossier `registration` through the
/// library, which unlocks the vault once, where `kluis note add` would
/// unlock it for every note. Returns each note's object file in journal
/// order.
fn add_notes_through_library(vault: &TestVault, registration: &str, count: usize) -> Vec<PathBuf> {
    let mut opened = Vault::open_with(
        &vault.path,
        SecretString::from(PASSPHRASE),
        Access::Write,
        memory_beside(&vault.path),
    )
    .expect("the vault opens for writing");
    let dossier = opened
        .dossiers()
        .iter()
        .find(|dossier| dossier.details.registration() == registration)
        .expect("the dossier exists");
    let id = dossier.id;
    let before = dossier.notes.len();
    for number in 1..=count {
        let text = format!("Vervolgsessie {number}: afspraken over de weekenden");
        vault.add_canary(&text);
        opened
            .add_note(
                id,
                NoteKind::Session,
                "2026-05-04".parse().unwrap(),
                NoteBody::Text(text),
            )
            .expect("the note is added");
    }
    let dossier = opened
        .dossiers()
        .iter()
        .find(|dossier| dossier.id == id)
        .expect("the dossier exists");
    dossier.notes[before..]
        .iter()
        .map(|note| vault.path.join(Store::object_name(note.object)))
        .collect()
}

/// Asserts that the remote contains the vault's file layout and nothing else,
/// and that none of the sample couple's personal values is readable in a
/// name or content there. Copies an S3 bucket's objects beside the vault
/// first, so that the canary scan covers them like the other remotes.
fn assert_remote_holds_only_ciphertext(couple: &TestVault, remote: &TestRemote) {
    let files = remote.files();
    for name in files.keys() {
        assert!(
            is_vault_file_name(name),
            "{:?} remote: {name} is not a file of the vault layout",
            remote.kind
        );
    }
    for name in TOP_FILES {
        assert!(
            files.contains_key(name),
            "{:?} remote: {name} is missing",
            remote.kind
        );
    }
    let expected: BTreeSet<String> = walk_files(&couple.path)
        .iter()
        .map(|path| object_name(couple, path))
        .filter(|name| is_vault_file_name(name))
        .collect();
    let stored: BTreeSet<String> = files.keys().cloned().collect();
    assert_eq!(
        stored, expected,
        "{:?} remote: files differ from the vault's",
        remote.kind
    );

    for value in [
        sample::A,
        sample::B,
        sample::COUPLE,
        sample::A_NAME,
        sample::B_NAME,
        sample::A_EMAIL,
        sample::B_PHONE,
        sample::A_TO_B_PURPOSE,
        sample::A_INTAKE_TEXT,
        sample::B_SESSION_TEXT,
        sample::JOINT_A_TEXT,
    ] {
        for (name, bytes) in &files {
            assert!(
                !bytes
                    .windows(value.len())
                    .any(|window| window == value.as_bytes()),
                "{:?} remote: {value:?} is readable in {name}",
                remote.kind
            );
        }
    }

    if let Storage::S3 { .. } = remote.storage {
        let copy = couple.folder().join("s3-objects");
        for (name, bytes) in &files {
            let path = copy.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, bytes).unwrap();
        }
    }
    let findings = couple.plaintext_findings();
    assert!(
        findings.is_empty(),
        "{:?} remote: readable personal data or credentials beside the vault:\n{}",
        remote.kind,
        findings.join("\n")
    );
}

/// Backs the sample couple up in full, checks the remote, backs up one
/// more note and then nothing, lists the remote's states, restores the
/// latest one and opens it.
fn full_and_incremental_backup(kind: Kind) {
    let couple = TestVault::sample_couple(ENGLISH);
    let remote = TestRemote::start(kind, &couple);
    let entries = couple.journal_len() as u64;
    let object_files = couple.object_files();
    let objects = object_files.len() as u64;
    let object_bytes: u64 = object_files
        .iter()
        .map(|path| fs::metadata(path).unwrap().len())
        .sum();

    let first = remote.run(&couple.path, &["backup", &remote.url, "--json"]);
    first.expect_code(0);
    let sent = json(&first);
    assert_eq!(sent["before"], 0);
    assert_eq!(sent["after"], entries);
    assert_eq!(sent["objects"], objects);
    assert_eq!(sent["entries"], entries);
    assert_eq!(sent["other_files"], TOP_FILES.len());
    assert_eq!(sent["files"], objects + entries + TOP_FILES.len() as u64);
    assert_eq!(sent["already_there"], 0);
    assert_eq!(sent["repaired_rollback"], Value::Null);

    let quick = remote.run(&couple.path, &["remote", "check", &remote.url]);
    quick.expect_code(0);
    assert!(
        quick.stdout.contains(&format!(
            "Checked: journal entries {entries} (HEAD at {entries}), objects {objects};"
        )),
        "{}",
        quick.stdout
    );
    assert!(quick.stdout_lines().contains(&CLEAN), "{}", quick.stdout);
    let full = remote.run(&couple.path, &["remote", "check", &remote.url, "--full"]);
    full.expect_code(0);
    assert!(full.stdout_lines().contains(&CLEAN), "{}", full.stdout);

    for full in [false, true] {
        let report = check_json(&remote, &couple.path, full, 0);
        assert_eq!(report["clean"], true, "{report}");
        assert_eq!(report["head"], entries, "{report}");
        assert_eq!(report["entries"], entries, "{report}");
        assert_eq!(report["objects"], objects, "{report}");
        assert_eq!(report["local"], entries, "{report}");
        assert_eq!(report["unlisted"], 0, "{report}");
        assert_eq!(findings(&report), [], "{report}");
        let downloaded = if full { object_bytes } else { 0 };
        assert_eq!(report["bytes_checked"], downloaded, "{report}");
    }

    assert_remote_holds_only_ciphertext(&couple, &remote);

    let note = couple.write_file(
        "vervolg.md",
        "Vervolgafspraak: beiden willen doorgaan met de gesprekken",
    );
    couple.ok(&[
        "note",
        "add",
        sample::A,
        "--kind",
        "session",
        "--date",
        "2026-05-04",
        "--file",
        note.to_str().unwrap(),
    ]);
    let second = remote.run(&couple.path, &["backup", &remote.url, "--json"]);
    second.expect_code(0);
    let sent = json(&second);
    assert_eq!(sent["before"], entries);
    assert_eq!(sent["after"], entries + 1);
    assert_eq!(sent["objects"], 1, "{sent}");
    assert_eq!(sent["entries"], 1, "{sent}");
    assert_eq!(sent["files"], 3, "object, entry and HEAD: {sent}");
    assert_eq!(sent["already_there"], 0, "{sent}");

    // Nothing changed since: nothing is sent. The remote is given by its
    // name in the remotes file this time.
    let remotes_file = couple.folder().join("remotes");
    fs::write(
        &remotes_file,
        format!("# backups of the practice\n\npraktijk {}\n", remote.url),
    )
    .unwrap();
    let mut by_name = kluis(&couple.path, ENGLISH, None);
    remote.configure(&mut by_name);
    by_name.env("KLUIS_REMOTES_FILE", &remotes_file);
    let third = run_command(by_name.args(["backup", "praktijk"]));
    remote.assert_no_secret(&third);
    third.expect_code(0);
    assert_eq!(
        third.stdout_lines(),
        [format!(
            "The backup in {} is up to date (journal entry {}).",
            remote.shown,
            entries + 1
        )]
    );
    let fourth = remote.run(&couple.path, &["backup", &remote.url, "--json"]);
    fourth.expect_code(0);
    assert_eq!(json(&fourth)["files"], 0, "{}", fourth.stdout);
    assert_eq!(json(&fourth)["bytes"], 0, "{}", fourth.stdout);

    let head = entries + 1;
    let today = kluis::consent::time::today().to_string();
    let states = remote.run_unlocked(&couple.path, &["remote", "states", &remote.url]);
    states.expect_code(0);
    let lines = states.stdout_lines();
    assert_eq!(
        lines[0],
        format!("States in {} (HEAD at journal entry {head}):", remote.shown)
    );
    let last_day = lines[lines.len() - 2];
    assert!(
        last_day.starts_with(&format!("  {today}: entries ")) && last_day.contains(&format!("–{head} (")),
        "the last day is today and ends at entry {head}:\n{}",
        states.stdout
    );
    let every = remote.run_unlocked(&couple.path, &["remote", "states", &remote.url, "--all"]);
    every.expect_code(0);
    let lines = every.stdout_lines();
    assert_eq!(
        lines.len() as u64,
        1 + head,
        "a title and one line per entry:\n{}",
        every.stdout
    );
    for (seq, line) in (1..=head).zip(&lines[1..]) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields[0], seq.to_string(), "{}", every.stdout);
        assert_eq!(
            line.ends_with("←HEAD"),
            seq == head,
            "only entry {head} is marked:\n{}",
            every.stdout
        );
    }
    assert_eq!(
        lines[head as usize].split_whitespace().nth(1),
        Some(today.as_str())
    );

    let restored = couple.folder().join("restored");
    let restore = remote.run_unlocked(
        &couple.path,
        &["restore", &remote.url, restored.to_str().unwrap()],
    );
    restore.expect_code(0);
    assert!(
        restore.stdout.starts_with(&format!(
            "Restored into {} at journal entry {head}: ",
            restored.display()
        )),
        "{}",
        restore.stdout
    );
    assert_eq!(restore_leftovers(couple.folder()), Vec::<String>::new());
    let vault_files = files_below(&couple.path);
    let restored_files = files_below(&restored);
    let names = |files: &BTreeMap<String, Vec<u8>>| -> Vec<String> {
        files.keys().filter(|name| *name != "lock").cloned().collect()
    };
    assert_eq!(names(&restored_files), names(&vault_files));
    for name in names(&vault_files) {
        assert!(
            vault_files[&name] == restored_files[&name],
            "{name} differs after the restore"
        );
    }

    let run_restored = |args: &[&str]| run_command(kluis(&restored, ENGLISH, Some(PASSPHRASE)).args(args));
    let check = run_restored(&["check", "--full"]);
    check.expect_code(0);
    assert!(check.stdout_lines().contains(&CLEAN), "{}", check.stdout);
    let list = run_restored(&["list"]);
    list.expect_code(0);
    for registration in [sample::A, sample::B, sample::COUPLE] {
        assert!(list.stdout.contains(registration), "{}", list.stdout);
    }
    let show = run_restored(&["show", sample::A, "--note", "4"]);
    show.expect_code(0);
    assert!(
        show.stdout.contains("Vervolgafspraak: beiden willen doorgaan"),
        "{}",
        show.stdout
    );
}

#[test]
fn s3_full_and_incremental_backup() {
    full_and_incremental_backup(Kind::S3);
}

#[test]
fn webdav_full_and_incremental_backup() {
    full_and_incremental_backup(Kind::Webdav);
}

#[test]
fn folder_full_and_incremental_backup() {
    full_and_incremental_backup(Kind::Folder);
}

/// Leaves on the remote what a backup interrupted before `HEAD` leaves,
/// and checks that the remote stays at its last whole state and that the
/// next backup completes it without sending those files again.
///
/// The interrupted backup sent the objects of the first 30 new notes and
/// the entries of the first 20, except one. Entries go out 16 at a time,
/// so the one before a stored entry may still have been on its way.
fn resumes_interrupted_backup(kind: Kind) {
    let vault = TestVault::single_client(ENGLISH);
    let remote = TestRemote::start(kind, &vault);
    remote.run(&vault.path, &["backup", &remote.url]).expect_code(0);
    let before = vault.journal_len() as u64;
    let notes = add_notes_through_library(&vault, sample::A, MANY_NOTES);
    let after = vault.journal_len() as u64;
    assert_eq!(after, before + MANY_NOTES as u64);

    for object in &notes[..30] {
        remote.put(&object_name(&vault, object), &fs::read(object).unwrap());
    }
    let in_flight = before + 11;
    for seq in (before + 1..=before + 20).filter(|&seq| seq != in_flight) {
        let name = entry_name(seq);
        remote.put(&name, &fs::read(vault.path.join(&name)).unwrap());
    }

    for full in [false, true] {
        let report = check_json(&remote, &vault.path, full, 0);
        assert_eq!(report["clean"], true, "{report}");
        assert_eq!(report["head"], before, "{report}");
        assert_eq!(report["local"], after, "{report}");
    }

    let resumed = remote.run(&vault.path, &["backup", &remote.url, "--json"]);
    resumed.expect_code(0);
    let sent = json(&resumed);
    assert_eq!(sent["before"], before, "{sent}");
    assert_eq!(sent["after"], after, "{sent}");
    assert_eq!(sent["already_there"], 30 + 19, "{sent}");
    assert_eq!(sent["objects"], MANY_NOTES - 30, "{sent}");
    assert_eq!(sent["entries"], MANY_NOTES as u64 - 19, "{sent}");
    assert_eq!(sent["other_files"], 1, "only HEAD: {sent}");

    let report = check_json(&remote, &vault.path, true, 0);
    assert_eq!(report["head"], after, "{report}");
    assert_eq!(report["entries"], after, "{report}");
    assert_eq!(report["unlisted"], 0, "{report}");
}

#[test]
fn s3_resumes_interrupted_backup() {
    resumes_interrupted_backup(Kind::S3);
}

#[test]
fn webdav_resumes_interrupted_backup() {
    resumes_interrupted_backup(Kind::Webdav);
}

/// A real interrupted backup: a file where the folder of one object
/// belongs makes that object's write fail, as a failing disk would, after
/// most other objects of the backup were written.
#[test]
fn folder_backup_interrupted_by_failed_write() {
    let vault = TestVault::single_client(ENGLISH);
    let remote = TestRemote::folder(&vault);
    let Storage::Folder { root } = &remote.storage else {
        unreachable!()
    };
    remote.run(&vault.path, &["backup", &remote.url]).expect_code(0);
    let before = vault.journal_len() as u64;
    let notes = add_notes_through_library(&vault, sample::A, MANY_NOTES);
    let after = vault.journal_len() as u64;

    // The blocked object is the last new one that is alone in its folder
    // `objects/xx`, so no other write fails. Objects are sent in journal
    // order, so it is among the last ones sent.
    //
    // A folder in place of the object file would block it too, but
    // opendal-core 0.59.5 marks that error (EISDIR) as temporary, so kluis
    // retries it for about 17 s. It marks this one (EEXIST) as permanent.
    let folder_of = |path: &Path| object_name(&vault, path)[.."objects/xx".len()].to_string();
    let mut objects_per_folder: BTreeMap<String, usize> = BTreeMap::new();
    for path in vault.object_files() {
        *objects_per_folder.entry(folder_of(&path)).or_default() += 1;
    }
    let blocked = notes
        .iter()
        .rev()
        .find(|note| objects_per_folder[&folder_of(note)] == 1)
        .expect("a new object alone in its folder");
    let blocker = root.join(folder_of(blocked));
    fs::write(&blocker, b"").unwrap();
    let interrupted = remote.run(&vault.path, &["backup", &remote.url]);
    interrupted.expect_code(EXIT_IO);
    assert!(
        interrupted
            .stderr
            .starts_with(&format!("error: backup remote {}: ", remote.shown)),
        "{}",
        interrupted.stderr
    );
    assert!(
        interrupted
            .stderr
            .contains("reading or writing the folder failed"),
        "a folder's failure is about the disk, not the network: {}",
        interrupted.stderr
    );
    fs::remove_file(&blocker).unwrap();

    let report = check_json(&remote, &vault.path, false, 0);
    assert_eq!(
        report["head"], before,
        "HEAD stays at the last whole state: {report}"
    );
    let unlisted = report["unlisted"].as_u64().unwrap();
    assert!(unlisted > 0, "objects written before the failure: {report}");
    let text = remote.run(&vault.path, &["remote", "check", &remote.url]);
    text.expect_code(0);
    assert!(
        text.stdout.contains(&format!(
            "  {unlisted} objects are there that no journal entry lists, as an interrupted backup leaves them; the next backup completes it."
        )),
        "{}",
        text.stdout
    );

    // Another computer restores the state HEAD names, as after a fire.
    let other_computer = vault.folder().join("other-computer");
    let restored = vault.folder().join("restored");
    let mut restore = kluis(&restored, ENGLISH, Some(PASSPHRASE));
    restore.env("KLUIS_STATE_DIR", &other_computer);
    let restore = remote.run_command(restore, &["restore", &remote.url, restored.to_str().unwrap()]);
    restore.expect_code(0);
    assert!(
        restore.stdout.contains(&format!("at journal entry {before}:")),
        "{}",
        restore.stdout
    );
    let mut check = kluis(&restored, ENGLISH, Some(PASSPHRASE));
    check.env("KLUIS_STATE_DIR", &other_computer);
    run_command(check.args(["check", "--full"])).expect_code(0);

    let resumed = remote.run(&vault.path, &["backup", &remote.url, "--json"]);
    resumed.expect_code(0);
    let sent = json(&resumed);
    assert_eq!(sent["before"], before, "{sent}");
    assert_eq!(sent["after"], after, "{sent}");
    assert_eq!(sent["already_there"], unlisted, "{sent}");
    assert_eq!(sent["objects"], MANY_NOTES as u64 - unlisted, "{sent}");
    assert_eq!(sent["entries"], MANY_NOTES, "{sent}");

    let report = check_json(&remote, &vault.path, true, 0);
    assert_eq!(report["head"], after, "{report}");
    assert_eq!(report["unlisted"], 0, "{report}");
    // The failed write may leave its copy in the staging folder, and
    // nowhere else.
    let stray: Vec<String> = remote
        .files()
        .into_keys()
        .filter(|name| !is_vault_file_name(name) && !name.starts_with(".kluis-upload/"))
        .collect();
    assert_eq!(stray, Vec::<String>::new());
}

/// Damages the remote in several ways, one at a time, and checks that the
/// quick or full check finds each, then rolls the remote back.
fn detects_damage_and_rollback(kind: Kind) {
    let vault = TestVault::single_client(ENGLISH);
    let remote = TestRemote::start(kind, &vault);
    remote.run(&vault.path, &["backup", &remote.url]).expect_code(0);
    let entries = vault.journal_len() as u64;
    let object = remote
        .files()
        .into_keys()
        .find(|name| name.starts_with("objects/"))
        .expect("an object on the remote");

    // One byte changed, the size kept: only the full check finds it.
    let original = remote.flip_byte(&object);
    check_json(&remote, &vault.path, false, 0);
    let report = check_json(&remote, &vault.path, true, EXIT_DAMAGED);
    assert_eq!(report["clean"], false);
    assert_eq!(findings(&report), [("modified".to_string(), object.clone())]);
    let full = remote.run(&vault.path, &["remote", "check", &remote.url, "--full"]);
    full.expect_code(EXIT_DAMAGED);
    assert!(
        full.stdout.contains(&format!(
            "  ✗ The file {object} on the remote differs from what the journal recorded"
        )),
        "{}",
        full.stdout
    );
    let restored = vault.folder().join("restored-from-damage");
    let restore = remote.run_unlocked(&vault.path, &["restore", &remote.url, restored.to_str().unwrap()]);
    restore.expect_code(EXIT_DAMAGED);
    assert!(restore.stderr.contains(&object), "{}", restore.stderr);
    assert!(!restored.exists(), "a failed restore creates no folder");
    assert_eq!(restore_leftovers(vault.folder()), Vec::<String>::new());
    remote.put(&object, &original);

    remote.delete(&object);
    let report = check_json(&remote, &vault.path, false, EXIT_DAMAGED);
    assert_eq!(findings(&report), [("missing".to_string(), object.clone())]);
    let quick = remote.run(&vault.path, &["remote", "check", &remote.url]);
    quick.expect_code(EXIT_DAMAGED);
    assert!(
        quick
            .stdout_lines()
            .contains(&format!("  ✗ The file {object} is missing from the remote").as_str()),
        "{}",
        quick.stdout
    );
    remote.put(&object, &original);

    let entry = entry_name(2);
    let entry_bytes = remote.get(&entry).unwrap();
    remote.delete(&entry);
    let report = check_json(&remote, &vault.path, false, EXIT_DAMAGED);
    assert_eq!(findings(&report), [("missing".to_string(), entry.clone())]);
    remote.put(&entry, &entry_bytes);

    let head = remote.flip_byte("HEAD");
    let tampered = remote.get("HEAD").unwrap();
    let report = check_json(&remote, &vault.path, false, EXIT_DAMAGED);
    assert_eq!(findings(&report), [("head".to_string(), "HEAD".to_string())]);
    let refused = remote.run(&vault.path, &["backup", &remote.url]);
    refused.expect_code(EXIT_DAMAGED);
    assert!(
        remote.get("HEAD").unwrap() == tampered,
        "the refused backup left HEAD as it found it"
    );
    remote.put("HEAD", &head);
    check_json(&remote, &vault.path, true, 0);

    // The storage puts the old HEAD back and loses the newer entry after
    // this computer sent it.
    vault.ok(&[
        "note",
        "add",
        sample::A,
        "--kind",
        "session",
        "--date",
        "2026-05-04",
        "--file",
        vault
            .write_file("later.md", "Latere sessie over de vakantieplannen")
            .to_str()
            .unwrap(),
    ]);
    remote.run(&vault.path, &["backup", &remote.url]).expect_code(0);
    remote.put("HEAD", &head);
    remote.delete(&entry_name(entries + 1));
    let report = check_json(&remote, &vault.path, false, EXIT_ROLLED_BACK);
    assert_eq!(findings(&report), [("rolled-back".to_string(), String::new())]);
    assert_eq!(report["findings"][0]["seen"], entries + 1);
    assert_eq!(report["findings"][0]["found"], entries);
    let text = remote.run(&vault.path, &["remote", "check", &remote.url]);
    text.expect_code(EXIT_ROLLED_BACK);
    assert!(
        text.stdout_lines().contains(&format!(
            "  ✗ The remote was rolled back: its journal ends at entry {entries}, but this computer sent or verified entry {} there",
            entries + 1
        ).as_str()),
        "{}",
        text.stdout
    );

    let repaired = remote.run(&vault.path, &["backup", &remote.url]);
    repaired.expect_code(0);
    assert_eq!(
        repaired.stderr_lines(),
        [format!(
            "Warning: the remote was rolled back: this computer sent it up to journal entry {}, but it held only up to entry {entries}. The missing state was sent again. Its storage lost or replaced files; run `kluis remote check --full` on it.",
            entries + 1
        )]
    );
    assert!(
        repaired.stdout.starts_with(&format!(
            "Backed up to {}: journal entry {entries} → {}; ",
            remote.shown,
            entries + 1
        )),
        "{}",
        repaired.stdout
    );
    let report = check_json(&remote, &vault.path, true, 0);
    assert_eq!(report["head"], entries + 1, "{report}");
}

#[test]
fn s3_detects_damage_and_rollback() {
    detects_damage_and_rollback(Kind::S3);
}

#[test]
fn webdav_detects_damage_and_rollback() {
    detects_damage_and_rollback(Kind::Webdav);
}

#[test]
fn folder_detects_damage_and_rollback() {
    detects_damage_and_rollback(Kind::Folder);
}

/// Restores into an occupied folder and an older state, and backs the
/// older copy up to the remote that contains newer work.
#[test]
fn webdav_restore_refusals_and_older_state() {
    let vault = TestVault::single_client(ENGLISH);
    let remote = TestRemote::webdav(&vault);
    remote.run(&vault.path, &["backup", &remote.url]).expect_code(0);
    let head = vault.journal_len() as u64;
    let remote_files = remote.files();

    let occupied = vault.folder().join("occupied");
    fs::create_dir(&occupied).unwrap();
    fs::write(occupied.join("eigen.txt"), "eigen bestand").unwrap();
    let refused = remote.run_unlocked(&vault.path, &["restore", &remote.url, occupied.to_str().unwrap()]);
    refused.expect_error(
        EXIT_REFUSED,
        &format!(
            "error: {} is not empty; kluis restores only into a new or empty folder",
            occupied.display()
        ),
        "hint: Choose a new folder. A restore never writes into the vault you have.",
    );
    assert_eq!(
        files_below(&occupied),
        BTreeMap::from([("eigen.txt".to_string(), b"eigen bestand".to_vec())])
    );
    assert_eq!(restore_leftovers(vault.folder()), Vec::<String>::new());

    // A state older than the one this computer saw is restored only after
    // a confirmation, and standard input is not a terminal here.
    let older = vault.folder().join("older");
    let at = head - 2;
    let declined = remote.run_unlocked(
        &vault.path,
        &[
            "restore",
            &remote.url,
            older.to_str().unwrap(),
            "--at",
            &at.to_string(),
        ],
    );
    declined.expect_code(EXIT_REFUSED);
    declined.expect_stderr_line(&format!(
        "This computer saw journal entry {head} of this vault before; the state being restored ends at entry {at}. What was recorded after entry {at} is not in it. If you accept it, this computer follows the restored copy from now on: the vault you have now (if any) will be refused as a different history."
    ));
    declined.expect_stderr_line("error: the older state was not accepted, so nothing was written");
    assert!(!older.exists(), "a declined restore creates no folder");
    assert_eq!(restore_leftovers(vault.folder()), Vec::<String>::new());

    let accepted = remote.run_unlocked(
        &vault.path,
        &[
            "restore",
            &remote.url,
            older.to_str().unwrap(),
            "--at",
            &at.to_string(),
            "--yes",
        ],
    );
    accepted.expect_code(0);
    assert_eq!(
        accepted.stdout_lines()[1..],
        [
            format!("The remote holds newer states, up to entry {head}."),
            format!("Accepted. The journal records it in entry {}.", at + 1),
        ],
        "{}",
        accepted.stdout
    );
    assert_eq!(restore_leftovers(vault.folder()), Vec::<String>::new());
    let run_older = |args: &[&str]| run_command(kluis(&older, ENGLISH, Some(PASSPHRASE)).args(args));
    run_older(&["check", "--full"]).expect_code(0);
    let log = run_older(&["log", sample::A]);
    log.expect_code(0);
    assert!(
        log.stdout.contains(&format!(
            "accepted a copy of the vault that does not extend the one this computer had verified up to entry {head}; the accepted copy ended at entry {at}"
        )),
        "{}",
        log.stdout
    );

    // The restored older copy must not overwrite the newer backup.
    let ahead = remote.run(&older, &["backup", &remote.url]);
    ahead.expect_error(
        EXIT_ROLLED_BACK,
        &format!(
            "error: backup remote {}: it is at journal entry {head}, ahead of this vault at entry {}",
            remote.shown,
            at + 1
        ),
        "hint: The backup holds newer work than this vault. Nothing was sent. Restore the backup into a new folder with `kluis restore` and compare, or check that this is the right vault.",
    );
    assert!(
        remote.files() == remote_files,
        "the refused backup changed the remote"
    );
}

/// A remote holding another vault's backup, and a bucket that does not
/// exist.
#[test]
fn s3_other_vault_and_missing_bucket() {
    let couple = TestVault::sample_couple(ENGLISH);
    let single = TestVault::single_client(ENGLISH);
    let remote = TestRemote::s3(&couple);
    remote.run(&single.path, &["backup", &remote.url]).expect_code(0);
    let stored = remote.files();

    let other = remote.run(&couple.path, &["backup", &remote.url]);
    other.expect_error(
        EXIT_REFUSED,
        &format!(
            "error: backup remote {}: it holds a backup of another vault",
            remote.shown
        ),
        "hint: Use a separate bucket, prefix or folder for each vault.",
    );
    assert!(remote.files() == stored, "the refused backup changed the remote");
    remote
        .run(&couple.path, &["remote", "check", &remote.url])
        .expect_code(EXIT_REFUSED);

    let Storage::S3 { server, .. } = &remote.storage else {
        unreachable!()
    };
    // No AWS keys anywhere: refused before any request.
    let mut without_keys = kluis(&couple.path, ENGLISH, None);
    remote.configure(&mut without_keys);
    without_keys
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    run_command(without_keys.args(["backup", &remote.url])).expect_error(
        EXIT_LOCKED_OUT,
        &format!(
            "error: backup remote {}: no login for it was found, so nothing was sent",
            remote.shown
        ),
        "hint: Check the login: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or ~/.aws/credentials) for S3, KLUIS_WEBDAV_USER and KLUIS_WEBDAV_PASSWORD for WebDAV.",
    );
    assert!(remote.files() == stored, "the refused backup changed the remote");

    let missing = format!("s3://no-such-bucket/{PREFIX}?endpoint={}", server.endpoint());
    remote.run(&couple.path, &["backup", &missing]).expect_error(
        EXIT_NOT_FOUND,
        &format!(
            "error: backup remote s3://no-such-bucket/{PREFIX} ({}): the bucket or folder does not exist",
            server.endpoint()
        ),
        "hint: Create the bucket or folder first; kluis creates neither. For an external disk, check that it is connected and mounted.",
    );
}

#[test]
fn webdav_wrong_password_is_denied() {
    let vault = TestVault::single_client(ENGLISH);
    let remote = TestRemote::webdav(&vault);
    let wrong = random_hex();
    let mut command = kluis(&vault.path, ENGLISH, None);
    remote.configure(&mut command);
    command.env("KLUIS_WEBDAV_PASSWORD", &wrong);
    let denied = run_command(command.args(["backup", &remote.url]));
    remote.assert_no_secret(&denied);
    assert!(!denied.stderr.contains(&wrong), "{}", denied.stderr);
    denied.expect_error(
        EXIT_LOCKED_OUT,
        &format!("error: backup remote {}: the storage denied access", remote.shown),
        "hint: Check the login: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or ~/.aws/credentials) for S3, KLUIS_WEBDAV_USER and KLUIS_WEBDAV_PASSWORD for WebDAV.",
    );
    assert_eq!(remote.files().len(), 0, "nothing reached the remote");
}

/// Remotes that kluis must refuse before it connects anywhere.
#[test]
fn unsafe_remote_urls_are_refused() {
    let vault = TestVault::single_client(ENGLISH);
    let secret = random_hex();
    let run = |url: &str| run_command(kluis(&vault.path, ENGLISH, None).args(["backup", url]));

    // 192.0.2.1 is TEST-NET-1 (RFC 5737): kluis must not contact it.
    for (url, shown) in [
        ("webdav+http://192.0.2.1/x", "webdav+http://192.0.2.1/x"),
        (
            "s3://kluis-backup/x?endpoint=http://192.0.2.1:9000",
            "s3://kluis-backup/x?endpoint=http://192.0.2.1:9000",
        ),
    ] {
        run(url).expect_error(
            EXIT_INVALID_INPUT,
            &format!("error: backup remote {shown}: plain http is only allowed to this computer"),
            "hint: Use https://. Plain http is accepted only for 127.0.0.1, ::1 and localhost.",
        );
    }

    for (url, shown) in [
        (
            format!("webdav+http://kluis:{secret}@127.0.0.1:9/x"),
            "webdav+http://…@127.0.0.1:9/x".to_string(),
        ),
        (
            format!("s3://kluis-backup/x?endpoint=http://kluis:{secret}@127.0.0.1:9"),
            "s3://kluis-backup/x?endpoint=http://…@127.0.0.1:9".to_string(),
        ),
    ] {
        let refused = run(&url);
        assert!(
            !refused.stderr.contains(&secret) && !refused.stdout.contains(&secret),
            "the password is in the output:\n{}",
            refused.stderr
        );
        refused.expect_error(
            EXIT_INVALID_INPUT,
            &format!("error: backup remote {shown}: the URL contains a login"),
            "hint: Put the login in the environment instead: KLUIS_WEBDAV_USER and KLUIS_WEBDAV_PASSWORD, or the AWS variables and files for S3.",
        );
    }
}

/// Nothing listens on the port: the backup fails with exit 9 after its
/// retries, which took about 22 s on the 2-core test machine, and speaks
/// Dutch when asked.
#[test]
fn backup_to_closed_port_in_dutch() {
    let vault = TestVault::single_client(ENGLISH);
    let port = {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("s3://{BUCKET}/{PREFIX}?endpoint=http://127.0.0.1:{port}");
    let mut command = kluis(&vault.path, ENGLISH, None);
    for name in servers::CLEARED_VARS {
        command.env_remove(name);
    }
    command
        .env("AWS_ACCESS_KEY_ID", "AKIAUNREACHABLE")
        .env("AWS_SECRET_ACCESS_KEY", random_hex())
        .env("AWS_REGION", "eu-west-1")
        .env("NO_PROXY", "127.0.0.1");
    let unreachable = run_command(command.args(["--lang", "nl", "backup", &url]));
    unreachable.expect_error(
        EXIT_IO,
        &format!("fout: externe opslag s3://{BUCKET}/{PREFIX} (http://127.0.0.1:{port}): hij is niet bereikbaar"),
        "tip: Controleer het adres en de netwerkverbinding en voer de opdracht opnieuw uit. Een onderbroken back-up gaat verder waar hij stopte.",
    );
}

/// Notes enough for a backup of more than 256 files, which goes in packs.
const PACKED_NOTES: usize = 140;

/// Sends a large backup in packs, reads them back with the stock `tar`,
/// notices a changed member, and restores from the packs.
#[test]
fn folder_backup_in_packs() {
    let vault = TestVault::single_client(ENGLISH);
    add_notes_through_library(&vault, sample::A, PACKED_NOTES);
    let remote = TestRemote::folder(&vault);
    let root = PathBuf::from(&remote.url);

    let first = remote.run(&vault.path, &["backup", &remote.url, "--json"]);
    first.expect_code(0);
    let sent = json(&first);
    assert_eq!(sent["packs"], 1, "{sent}");
    assert_eq!(sent["files"], 1 + TOP_FILES.len() as u64, "{sent}");
    assert!(sent["objects"].as_u64().unwrap() > PACKED_NOTES as u64, "{sent}");
    assert!(!root.join("objects").exists(), "every object is in the pack");
    let pack = fs::read_dir(root.join("packs"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .next()
        .expect("one pack");

    // The pack is a plain tar file of vault files.
    let listing = std::process::Command::new("tar")
        .arg("-tf")
        .arg(&pack)
        .output()
        .expect("tar runs");
    assert!(listing.status.success());
    let names = String::from_utf8(listing.stdout).unwrap();
    assert!(
        names.lines().any(|name| name == "journal/000000000001"),
        "{names}"
    );
    assert!(names
        .lines()
        .all(|name| name.starts_with("journal/") || name.starts_with("objects/")));

    check_json(&remote, &vault.path, true, 0);
    let one_more = add_notes_through_library(&vault, sample::A, 1);
    assert_eq!(one_more.len(), 1);
    let second = json(&remote.run(&vault.path, &["backup", &remote.url, "--json"]));
    assert_eq!(second["files"], 3, "{second}");
    assert_eq!(second["packs"], 0, "{second}");

    let restored = vault.folder().join("restored-from-packs");
    remote
        .run_unlocked(&vault.path, &["restore", &remote.url, restored.to_str().unwrap()])
        .expect_code(0);
    let mut check = kluis(&restored, ENGLISH, Some(PASSPHRASE));
    run_command(check.args(["check", "--full"])).expect_code(0);

    // A changed byte inside an object member is found by the quick check,
    // which downloads packs anyway, and named by the member's vault name.
    let original = fs::read(&pack).unwrap();
    let (object_name, position) = {
        let mut archive = tar::Archive::new(original.as_slice());
        let member = archive
            .entries()
            .unwrap()
            .map(|member| member.unwrap())
            .find(|member| member.path().unwrap().starts_with("objects"))
            .expect("the pack contains objects");
        let name = member.path().unwrap().to_str().unwrap().to_string();
        (name, member.raw_file_position() as usize)
    };
    let mut changed = original.clone();
    changed[position + 40] ^= 0x01;
    fs::write(&pack, &changed).unwrap();
    let report = check_json(&remote, &vault.path, false, 5);
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{report}");
    assert_eq!(findings[0]["kind"], "modified", "{report}");
    assert_eq!(findings[0]["file"], object_name.as_str(), "{report}");

    // A damaged member header makes the rest of the pack unreadable: the
    // pack is named, and so is the first entry the journal then lacks.
    let mut broken = original;
    broken[position - 512 + 150] ^= 0x01;
    fs::write(&pack, &broken).unwrap();
    let report = check_json(&remote, &vault.path, false, 5);
    let files: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["file"].as_str().unwrap_or(""))
        .collect();
    assert!(files.iter().any(|file| file.starts_with("packs/")), "{report}");
}

/// Puts an older `HEAD` back on a folder remote while the newer entries
/// stay, as a provider rolling its bucket back can: the check must see it.
#[test]
fn folder_older_head_put_back() {
    let vault = TestVault::single_client(ENGLISH);
    let remote = TestRemote::folder(&vault);
    let root = PathBuf::from(&remote.url);
    remote.run(&vault.path, &["backup", &remote.url]).expect_code(0);
    let older_head = fs::read(root.join("HEAD")).unwrap();
    add_notes_through_library(&vault, sample::A, 1);
    remote.run(&vault.path, &["backup", &remote.url]).expect_code(0);

    fs::write(root.join("HEAD"), &older_head).unwrap();
    let report = check_json(&remote, &vault.path, false, 11);
    assert_eq!(findings(&report)[0].0, "rolled-back", "{report}");
}

/// A stray entry file with a huge number costs one request, not room
/// for a trillion entries.
#[test]
fn folder_stray_huge_entry_number() {
    let vault = TestVault::single_client(ENGLISH);
    let remote = TestRemote::folder(&vault);
    let root = PathBuf::from(&remote.url);
    remote.run(&vault.path, &["backup", &remote.url]).expect_code(0);
    fs::write(root.join("journal").join("999999999999"), b"x").unwrap();

    let report = check_json(&remote, &vault.path, true, 0);
    assert_eq!(report["clean"], true, "{report}");
}

/// Adds person B of the sample couple, with a note, to a vault, so that a
/// dossier survives when A's is destroyed.
fn add_second_client(vault: &TestVault) {
    vault.add_canary(sample::B);
    vault.add_canary(sample::B_NAME);
    vault.ok(&[
        "person",
        "add",
        "--registration",
        sample::B,
        "--name",
        sample::B_NAME,
        "--start",
        sample::START,
    ]);
    let note = vault.write_file("b-intake.md", "Intake: B wil weten waar de afstand vandaan komt");
    vault.ok(&[
        "note",
        "add",
        sample::B,
        "--kind",
        "intake",
        "--date",
        "2026-03-02",
        "--file",
        note.to_str().unwrap(),
    ]);
}

/// Destroys the dossier `registration` through the library, as `kluis
/// destroy --reason client-request` does, and returns the object files it
/// removed, by their names on a remote (`objects/xx/<id>`), sorted.
fn destroy_through_library(vault: &TestVault, registration: &str) -> Vec<String> {
    let mut opened = Vault::open_with(
        &vault.path,
        SecretString::from(PASSPHRASE),
        Access::Write,
        memory_beside(&vault.path),
    )
    .expect("the vault opens for writing");
    let id = opened
        .dossiers()
        .iter()
        .find(|dossier| dossier.details.registration() == registration)
        .expect("the dossier exists")
        .id;
    let before = opened.removed_objects().clone();
    opened
        .destroy(id, DestroyReason::ClientRequest)
        .expect("the dossier is destroyed");
    let mut names: Vec<String> = opened
        .removed_objects()
        .difference(&before)
        .map(|object| Store::object_name(*object))
        .collect();
    names.sort();
    names
}

/// Returns the member names of a pack, as the stock `tar -tf` lists them.
#[track_caller]
fn tar_members(pack: &Path) -> Vec<String> {
    let listing = std::process::Command::new("tar")
        .arg("-tf")
        .arg(pack)
        .output()
        .expect("tar runs");
    assert!(
        listing.status.success(),
        "tar -tf {}: {}",
        pack.display(),
        String::from_utf8_lossy(&listing.stderr)
    );
    String::from_utf8(listing.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Returns the names of the packs on a folder remote, sorted.
fn pack_names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(root.join("packs"))
        .unwrap()
        .map(|entry| format!("packs/{}", entry.unwrap().file_name().to_string_lossy()))
        .collect();
    names.sort();
    names
}

/// Backs up a vault with two clients, destroys A's dossier (its intake
/// note and its attachment included), and backs up again. The remote
/// loses exactly A's files and still checks clean. A restore of it passes
/// the full check without them, and a restore of a state before the
/// destruction is refused.
fn removes_destroyed_dossier(kind: Kind) {
    let vault = TestVault::single_client(ENGLISH);
    add_second_client(&vault);
    let remote = TestRemote::start(kind, &vault);
    remote.run(&vault.path, &["backup", &remote.url]).expect_code(0);
    let before = remote.files();

    let removed = destroy_through_library(&vault, sample::A);
    // The key and details objects, the note, the attachment record and its
    // content.
    assert_eq!(removed.len(), 5, "{removed:?}");
    for name in &removed {
        assert!(
            before.contains_key(name),
            "{kind:?} remote: {name} was not backed up before the destruction"
        );
    }
    let destroyed_at = vault.journal_len() as u64;

    let backup = remote.run(&vault.path, &["backup", &remote.url, "--json"]);
    backup.expect_code(0);
    let sent = json(&backup);
    assert_eq!(sent["after"], destroyed_at, "{sent}");
    assert_eq!(sent["entries"], 1, "{sent}");
    assert_eq!(sent["objects"], 0, "{sent}");
    assert_eq!(sent["removed"], removed.len(), "{sent}");

    let stored = remote.files();
    for name in &removed {
        assert!(
            !stored.contains_key(name),
            "{kind:?} remote: {name} of the destroyed dossier is still there"
        );
    }
    let expected: BTreeSet<String> = before
        .keys()
        .filter(|name| !removed.contains(name))
        .cloned()
        .chain([entry_name(destroyed_at)])
        .collect();
    let names: BTreeSet<String> = stored.keys().cloned().collect();
    assert_eq!(names, expected, "{kind:?} remote: other files than expected");

    let report = check_json(&remote, &vault.path, true, 0);
    assert_eq!(report["clean"], true, "{report}");
    assert_eq!(report["head"], destroyed_at, "{report}");
    assert_eq!(report["removed_pending"], 0, "{report}");
    assert_eq!(report["unlisted"], 0, "{report}");
    assert_eq!(report["objects"], vault.object_files().len(), "{report}");

    let again = json(&remote.run(&vault.path, &["backup", &remote.url, "--json"]));
    assert_eq!(again["files"], 0, "{again}");
    assert_eq!(again["removed"], 0, "{again}");

    let restored = vault.folder().join("restored");
    remote
        .run_unlocked(&vault.path, &["restore", &remote.url, restored.to_str().unwrap()])
        .expect_code(0);
    let run_restored = |args: &[&str]| run_command(kluis(&restored, ENGLISH, Some(PASSPHRASE)).args(args));
    let check = run_restored(&["check", "--full"]);
    check.expect_code(0);
    assert!(check.stdout_lines().contains(&CLEAN), "{}", check.stdout);
    let restored_files = files_below(&restored);
    for name in &removed {
        assert!(
            !restored_files.contains_key(name),
            "{kind:?}: the restore wrote {name} of the destroyed dossier"
        );
    }
    let list = run_restored(&["list"]);
    list.expect_code(0);
    assert!(list.stdout.contains(sample::B), "{}", list.stdout);
    assert!(!list.stdout.contains(sample::A_NAME), "{}", list.stdout);

    let older = vault.folder().join("older");
    let refused = remote.run_unlocked(
        &vault.path,
        &[
            "restore",
            &remote.url,
            older.to_str().unwrap(),
            "--at",
            &(destroyed_at - 1).to_string(),
        ],
    );
    refused.expect_error(
        EXIT_REFUSED,
        &format!(
            "error: backup remote {}: its state at journal entry {} cannot be restored whole: a dossier in it was destroyed in entry {destroyed_at}, and backups delete the files of a destroyed dossier",
            remote.shown,
            destroyed_at - 1
        ),
        &format!("hint: Restore journal entry {destroyed_at} or a later one."),
    );
    assert!(!older.exists(), "a refused restore creates no folder");
    assert_eq!(restore_leftovers(vault.folder()), Vec::<String>::new());
}

#[test]
fn s3_removes_destroyed_dossier() {
    removes_destroyed_dossier(Kind::S3);
}

#[test]
fn webdav_removes_destroyed_dossier() {
    removes_destroyed_dossier(Kind::Webdav);
}

#[test]
fn folder_removes_destroyed_dossier() {
    removes_destroyed_dossier(Kind::Folder);
}

/// A vault whose backup went in one pack, with the destroyed dossier's
/// objects in it, and a folder remote holding that backup.
struct PackedBackup {
    vault: TestVault,
    remote: TestRemote,
    root: PathBuf,
    /// The pack on the remote, and its members before the destruction.
    pack: String,
    members: Vec<String>,
    /// The object files that destroying A removed.
    removed: Vec<String>,
    destroyed_at: u64,
}

/// Backs up client A with many notes, and B, in one pack, then destroys
/// A's dossier without backing up again.
fn packed_backup_then_destroy() -> PackedBackup {
    let vault = TestVault::single_client(ENGLISH);
    add_second_client(&vault);
    add_notes_through_library(&vault, sample::A, PACKED_NOTES);
    let remote = TestRemote::folder(&vault);
    let root = PathBuf::from(&remote.url);
    let first = json(&remote.run(&vault.path, &["backup", &remote.url, "--json"]));
    assert_eq!(first["packs"], 1, "{first}");
    let packs = pack_names(&root);
    assert_eq!(packs.len(), 1, "{packs:?}");
    let pack = packs[0].clone();
    let members = tar_members(&root.join(&pack));

    let removed = destroy_through_library(&vault, sample::A);
    for name in &removed {
        assert!(members.contains(name), "{name} is not in {pack}");
    }
    let destroyed_at = vault.journal_len() as u64;
    PackedBackup {
        vault,
        remote,
        root,
        pack,
        members,
        removed,
        destroyed_at,
    }
}

/// Returns the name of the pack that replaces `pack` once the objects that
/// entries up to `removed_by` removed are out of it.
fn rewritten_pack(pack: &str, removed_by: u64) -> String {
    format!("{}-{removed_by:012}.tar", pack.trim_end_matches(".tar"))
}

/// The destroyed dossier's objects were in a pack: the next backup
/// replaces it with a pack without them, which contains every other
/// member, and deletes the old one. `backup --repair` later deletes a damaged
/// copy of the old pack that the storage put back.
#[test]
fn folder_removes_destroyed_dossier_from_packs() {
    let PackedBackup {
        vault,
        remote,
        root,
        pack,
        members,
        removed,
        destroyed_at,
    } = packed_backup_then_destroy();
    let old_bytes = fs::read(root.join(&pack)).unwrap();

    let sent = json(&remote.run(&vault.path, &["backup", &remote.url, "--json"]));
    assert_eq!(sent["removed"], removed.len(), "{sent}");
    assert_eq!(sent["files"], 2, "the entry and HEAD: {sent}");

    let new_pack = rewritten_pack(&pack, destroyed_at);
    assert_eq!(pack_names(&root), [new_pack.as_str()]);
    let remaining = tar_members(&root.join(&new_pack));
    for name in &removed {
        assert!(!remaining.contains(name), "{name} is still in {new_pack}");
    }
    let expected: Vec<String> = members
        .iter()
        .filter(|name| !removed.contains(name))
        .cloned()
        .collect();
    assert_eq!(
        remaining, expected,
        "{new_pack} keeps every other member in order"
    );
    assert!(
        !root.join("objects").exists() || walk_files(&root.join("objects")).is_empty(),
        "no loose object"
    );

    let report = check_json(&remote, &vault.path, true, 0);
    assert_eq!(report["clean"], true, "{report}");
    assert_eq!(report["removed_pending"], 0, "{report}");
    let restored = vault.folder().join("restored-from-packs");
    remote
        .run_unlocked(&vault.path, &["restore", &remote.url, restored.to_str().unwrap()])
        .expect_code(0);
    run_command(kluis(&restored, ENGLISH, Some(PASSPHRASE)).args(["check", "--full"])).expect_code(0);
    let restored_files = files_below(&restored);
    for name in &removed {
        assert!(!restored_files.contains_key(name), "the restore wrote {name}");
    }

    // The storage puts the old pack back, cut short so that it no longer
    // reads as tar: kluis cannot see which objects it contains.
    fs::write(root.join(&pack), &old_bytes[..old_bytes.len() / 2]).unwrap();
    let report = check_json(&remote, &vault.path, false, EXIT_DAMAGED);
    assert_eq!(
        findings(&report),
        [("modified".to_string(), pack.clone())],
        "{report}"
    );
    let repaired = remote.run(&vault.path, &["backup", &remote.url, "--repair", "--json"]);
    repaired.expect_code(0);
    assert!(!root.join(&pack).exists(), "--repair deletes the unreadable pack");
    let report = check_json(&remote, &vault.path, true, 0);
    assert_eq!(report["clean"], true, "{report}");
}

/// The old pack cannot be deleted, so the removal stops after `HEAD`: the
/// backup fails, the remote still checks clean and reports what is left,
/// and the next backup finishes the removal with the same pack.
#[test]
fn folder_interrupted_removal_finished_later() {
    let PackedBackup {
        vault,
        remote,
        root,
        pack,
        removed,
        destroyed_at,
        ..
    } = packed_backup_then_destroy();
    let new_pack = rewritten_pack(&pack, destroyed_at);

    let blocker = Undeletable::new(&root.join(&pack));
    let failed = remote.run(&vault.path, &["backup", &remote.url]);
    failed.expect_error(
        EXIT_IO,
        &format!(
            "error: backup remote {}: the backup was sent, but removing the files of destroyed dossiers from it failed: reading or writing the folder failed",
            remote.shown
        ),
        "hint: Check that the disk is connected, has free space, and that you may write to the folder. An interrupted backup continues where it stopped. Until a backup succeeds, files of a destroyed dossier are still on the remote; the next `kluis backup` removes them.",
    );
    assert!(root.join(&pack).exists());
    let stored_new_pack = match &blocker {
        Undeletable::Immutable(_) => Some(fs::read(root.join(&new_pack)).expect("the new pack was stored")),
        Undeletable::ReadOnlyFolder(_) => None,
    };

    let report = check_json(&remote, &vault.path, true, 0);
    assert_eq!(report["clean"], true, "{report}");
    assert_eq!(report["head"], destroyed_at, "HEAD was sent: {report}");
    assert_eq!(report["removed_pending"], removed.len(), "{report}");
    assert_eq!(report["unlisted"], 0, "{report}");
    let text = remote.run(&vault.path, &["remote", "check", &remote.url]);
    text.expect_code(0);
    assert!(
        text.stdout_lines().contains(&format!(
            "  {} files of destroyed dossiers are still on the remote; the next `kluis backup` from this computer removes them.",
            removed.len()
        ).as_str()),
        "{}",
        text.stdout
    );
    assert!(text.stdout_lines().contains(&CLEAN), "{}", text.stdout);

    // A restore now reads the old pack too, and must not keep its removed
    // members.
    let restored = vault.folder().join("restored-meanwhile");
    remote
        .run_unlocked(&vault.path, &["restore", &remote.url, restored.to_str().unwrap()])
        .expect_code(0);
    run_command(kluis(&restored, ENGLISH, Some(PASSPHRASE)).args(["check", "--full"])).expect_code(0);
    let restored_files = files_below(&restored);
    for name in &removed {
        assert!(!restored_files.contains_key(name), "the restore kept {name}");
    }

    drop(blocker);
    let finished = remote.run(&vault.path, &["backup", &remote.url]);
    finished.expect_code(0);
    assert_eq!(
        finished.stdout_lines(),
        [
            format!(
                "The backup in {} is up to date (journal entry {destroyed_at}).",
                remote.shown
            ),
            format!(
                "{} files of destroyed dossiers were removed from the remote.",
                removed.len()
            ),
        ]
    );
    assert_eq!(pack_names(&root), [new_pack.as_str()]);
    if let Some(bytes) = stored_new_pack {
        assert!(
            fs::read(root.join(&new_pack)).unwrap() == bytes,
            "the repeated removal wrote the same pack"
        );
    }
    let report = check_json(&remote, &vault.path, true, 0);
    assert_eq!(report["removed_pending"], 0, "{report}");
}

/// The storage puts deleted files of a destroyed dossier back, as
/// restoring old versions does. A computer that never backed up there
/// removes them with its first backup; this computer's check reports them,
/// and its next backup removes them.
#[test]
fn folder_leftovers_removed_by_next_backup() {
    let vault = TestVault::single_client(ENGLISH);
    add_second_client(&vault);
    let remote = TestRemote::folder(&vault);
    remote.run(&vault.path, &["backup", &remote.url]).expect_code(0);
    let removed = destroy_through_library(&vault, sample::A);
    let leftovers: Vec<(String, Vec<u8>)> = removed
        .iter()
        .map(|name| (name.clone(), remote.get(name).expect("backed up")))
        .collect();
    remote.run(&vault.path, &["backup", &remote.url]).expect_code(0);
    let head = vault.journal_len() as u64;
    let put_back = || {
        for (name, bytes) in &leftovers {
            remote.put(name, bytes);
        }
    };
    let assert_gone = |when: &str| {
        let stored = remote.files();
        for name in &removed {
            assert!(!stored.contains_key(name), "{when}: {name} is still there");
        }
    };
    assert_gone("after the first backup");

    put_back();
    let other_computer = vault.folder().join("other-computer");
    let mut command = kluis(&vault.path, ENGLISH, None);
    command.env("KLUIS_STATE_DIR", &other_computer);
    let first_there = remote.run_command(command, &["backup", &remote.url]);
    first_there.expect_code(0);
    assert_eq!(
        first_there.stdout_lines(),
        [
            format!(
                "The backup in {} is up to date (journal entry {head}).",
                remote.shown
            ),
            format!(
                "{} files of destroyed dossiers were removed from the remote.",
                removed.len()
            ),
        ]
    );
    assert_gone("after another computer's first backup");

    put_back();
    let report = check_json(&remote, &vault.path, false, 0);
    assert_eq!(report["clean"], true, "{report}");
    assert_eq!(report["removed_pending"], removed.len(), "{report}");
    let sent = json(&remote.run(&vault.path, &["backup", &remote.url, "--json"]));
    assert_eq!(sent["removed"], removed.len(), "{sent}");
    assert_eq!(sent["files"], 0, "{sent}");
    assert_gone("after this computer checked and backed up");
}
