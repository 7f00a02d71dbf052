//! Helpers shared by the integration tests: throwaway vaults, the real
//! `kluis` binary run with a controlled environment, the sample couple from
//! `examples/sample-case/`, age keys, and decrypted export archives.
//!
//! Every `kluis` command that opens a vault unlocks `identity.age` with
//! scrypt, which takes about a second. The sample couple is therefore built
//! once per test binary and copied for each test that needs it.

#![allow(dead_code)]

pub mod damage;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use tempfile::TempDir;

/// Passphrase of every test vault.
pub const PASSPHRASE: &str = "paard batterij nietje correct";

/// `LANG` values for the two languages kluis speaks.
pub const ENGLISH: &str = "en_US.UTF-8";
pub const DUTCH: &str = "nl_NL.UTF-8";

/// Environment variables that change what kluis does or which language it
/// speaks. Every command starts without them.
const CLEARED_VARS: &[&str] = &[
    "KLUIS_VAULT",
    "KLUIS_PASSPHRASE",
    "KLUIS_PASSPHRASE_FILE",
    "KLUIS_LANG",
    "LANGUAGE",
    "LC_ALL",
    "LC_MESSAGES",
    "LANG",
    "VISUAL",
    "EDITOR",
];

/// Registration numbers and note texts of the sample couple.
pub mod sample {
    /// Partner A, Anouk Hendriks-van Dam.
    pub const A: &str = "2026-041";
    /// Partner B, Bastiaan Hendriks.
    pub const B: &str = "2026-042";
    pub const COUPLE: &str = "K-2026-017";
    pub const A_NAME: &str = "Anouk Hendriks-van Dam";
    pub const B_NAME: &str = "Bastiaan Hendriks";
    pub const START: &str = "2026-03-02";

    /// Phrases that occur in exactly one note of the sample case, so a test
    /// can tell which notes and paragraphs reached an export.
    pub const A_INTAKE_TEXT: &str = "We praten langs elkaar heen";
    pub const A_SESSION_TEXT: &str = "overlijden van haar vader in 2024";
    pub const A_WORKING_TEXT: &str = "Hypothese: een deel van de afstand";
    pub const B_INTAKE_TEXT: &str = "Ik wil weten of we hier nog uitkomen";
    pub const B_SESSION_TEXT: &str = "relatie heeft met een collega";
    /// The `[A]` paragraph (2) of the joint note.
    pub const JOINT_A_TEXT: &str = "Anouk vertelt dat ze zich thuis alleen voelt staan";
    /// The `[B]` paragraph (3) of the joint note.
    pub const JOINT_B_TEXT: &str = "Bastiaan reageert eerst verdedigend";
    /// An `[A+B]` paragraph (4) of the joint note.
    pub const JOINT_BOTH_TEXT: &str = "Oefening actief luisteren";

    /// Paths inside an export archive.
    pub const A_INTAKE_FILE: &str = "kluis-export/2026-041/01-intake-2026-03-02.md";
    pub const A_SESSION_FILE: &str = "kluis-export/2026-041/02-session-2026-03-16.md";
    pub const A_WORKING_FILE: &str = "kluis-export/2026-041/03-working_note-2026-03-16.md";
    pub const A_FORM_FILE: &str = "kluis-export/2026-041/attachments/01-toestemmingsformulier-a.pdf";
    pub const B_INTAKE_FILE: &str = "kluis-export/2026-042/01-intake-2026-03-02.md";
    pub const B_SESSION_FILE: &str = "kluis-export/2026-042/02-session-2026-03-23.md";
    pub const JOINT_FILE: &str = "kluis-export/K-2026-017/01-session-2026-04-13.md";
    pub const RECEIPT_FILE: &str = "kluis-export/RECEIPT.md";
    pub const INDEX_FILE: &str = "kluis-export/INDEX.md";
}

/// Returns the path of a file in `examples/sample-case/`.
pub fn sample_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/sample-case")
        .join(name)
}

/// Returns the full path of an external program. Panics with an
/// installation hint when it is missing, because a test that needs it must
/// not pass without it.
pub fn require_tool(name: &str, package: &str) -> PathBuf {
    find_tool(name).unwrap_or_else(|| {
        panic!("{name} not found on PATH. Install the Debian package {package}: apt-get install {package}")
    })
}

/// Returns the full path of a program on `PATH`, if there is one.
pub fn find_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|folder| folder.join(name))
        .find(|candidate| candidate.is_file())
}

/// The result of one `kluis` run.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// The command line, for failure messages.
    pub command: String,
}

impl Output {
    /// Returns the lines kluis wrote to standard error.
    pub fn stderr_lines(&self) -> Vec<&str> {
        self.stderr.lines().collect()
    }

    /// Returns the lines kluis wrote to standard output.
    pub fn stdout_lines(&self) -> Vec<&str> {
        self.stdout.lines().collect()
    }

    /// Panics unless kluis exited with `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code of `{}`\nstdout:\n{}\nstderr:\n{}",
            self.command, self.stdout, self.stderr
        );
        self
    }

    /// Panics unless kluis exited with `code` and standard error is exactly
    /// the error line and the hint line.
    #[track_caller]
    pub fn expect_error(&self, code: i32, error: &str, hint: &str) -> &Self {
        self.expect_code(code);
        assert_eq!(self.stderr_lines(), [error, hint], "stderr of `{}`", self.command);
        self
    }

    /// Panics unless standard error contains `line` as a whole line.
    #[track_caller]
    pub fn expect_stderr_line(&self, line: &str) -> &Self {
        assert!(
            self.stderr_lines().contains(&line),
            "stderr of `{}` lacks the line\n{line}\nstderr:\n{}",
            self.command,
            self.stderr
        );
        self
    }

    /// Returns the 8-hex consent id from "Consent XXXXXXXX of R recorded."
    /// (or the Dutch "Toestemming XXXXXXXX van R vastgelegd.").
    #[track_caller]
    pub fn consent_id(&self) -> String {
        let id = self
            .stderr
            .lines()
            .filter_map(|line| line.split_whitespace().nth(1))
            .find(|word| word.len() == 8 && word.chars().all(|c| c.is_ascii_hexdigit()));
        id.unwrap_or_else(|| panic!("no consent id in stderr:\n{}", self.stderr))
            .to_string()
    }
}

/// Builds a `kluis` command for `vault` that speaks `lang`, with the
/// passphrase in `KLUIS_PASSPHRASE` when given, and nothing else from the
/// caller's environment that kluis reads.
pub fn kluis(vault: &Path, lang: &str, passphrase: Option<&str>) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("kluis").expect("the kluis binary is built");
    for name in CLEARED_VARS {
        command.env_remove(name);
    }
    // Each test's vault gets its own memory of verified journals next to
    // it: copies of one template share a vault id, and would otherwise look
    // like forks of each other.
    let state = vault.parent().unwrap_or(vault).join("kluis-state");
    command
        .env("KLUIS_VAULT", vault)
        .env("LANG", lang)
        .env("KLUIS_STATE_DIR", state);
    if let Some(passphrase) = passphrase {
        command.env("KLUIS_PASSPHRASE", passphrase);
    }
    command.timeout(Duration::from_secs(120));
    command
}

/// Runs a prepared command and collects its exit code and output.
pub fn run_command(command: &mut assert_cmd::Command) -> Output {
    let description = format!("{command:?}");
    let output = command.output().expect("kluis runs");
    Output {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        command: description,
    }
}

/// A vault in its own temporary folder, with room next to it for input and
/// output files.
pub struct TestVault {
    folder: TempDir,
    /// The vault folder, `<temporary folder>/vault`.
    pub path: PathBuf,
    /// `LANG` for every command.
    pub lang: &'static str,
}

impl TestVault {
    /// Prepares a folder for a vault without creating the vault.
    pub fn uninitialized(lang: &'static str) -> Self {
        let folder = tempfile::Builder::new()
            .prefix("kluistest")
            .tempdir()
            .expect("temporary folder");
        let path = folder.path().join("vault");
        Self { folder, path, lang }
    }

    /// Returns a private copy of the sample couple, speaking `lang`.
    pub fn sample_couple(lang: &'static str) -> SampleCouple {
        let template = sample_couple_template();
        let vault = Self::uninitialized(lang);
        copy_tree(&template.path, &vault.path);
        SampleCouple {
            vault,
            consent_a_to_b: template.consent_a_to_b.clone(),
        }
    }

    /// Returns a private copy of a vault with one client, speaking `lang`:
    /// person 2026-041 (A of the sample couple) with note 1, the intake of
    /// 2026-03-02, and attachment 1, the signed consent form.
    pub fn single_client(lang: &'static str) -> Self {
        static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
        let template = TEMPLATE.get_or_init(build_single_client_template);
        let vault = Self::uninitialized(lang);
        copy_tree(template, &vault.path);
        vault
    }

    /// Returns a path next to the vault, for input and output files.
    pub fn file(&self, name: &str) -> PathBuf {
        self.folder.path().join(name)
    }

    /// Returns the temporary folder that contains the vault and its files.
    pub fn folder(&self) -> &Path {
        self.folder.path()
    }

    /// Writes an input file next to the vault and returns its path.
    pub fn write_file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.file(name);
        fs::write(&path, contents).expect("write input file");
        path
    }

    /// Returns a `kluis` command for this vault with the passphrase set.
    pub fn command(&self) -> assert_cmd::Command {
        kluis(&self.path, self.lang, Some(PASSPHRASE))
    }

    /// Runs kluis with `args`.
    pub fn run(&self, args: &[&str]) -> Output {
        run_command(self.command().args(args))
    }

    /// Runs kluis with `args` and `stdin` on standard input.
    pub fn run_with_stdin(&self, args: &[&str], stdin: impl Into<Vec<u8>>) -> Output {
        run_command(self.command().args(args).write_stdin(stdin))
    }

    /// Runs kluis with `args` and panics unless it succeeds.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> Output {
        let output = self.run(args);
        output.expect_code(0);
        output
    }

    /// Exports with `args` plus `--yes`, encrypted to `key`, to a new file
    /// next to the vault, and returns kluis's output and the file.
    pub fn export(&self, args: &[&str], key: &AgeKey, file_name: &str) -> (Output, PathBuf) {
        let path = self.file(file_name);
        let mut full: Vec<&str> = vec!["export"];
        full.extend_from_slice(args);
        full.extend_from_slice(&[
            "--recipient",
            &key.recipient,
            "-o",
            path.to_str().unwrap(),
            "--yes",
        ]);
        (self.run(&full), path)
    }

    /// Returns the number of journal entries.
    pub fn journal_len(&self) -> usize {
        fs::read_dir(self.path.join("journal"))
            .expect("journal folder")
            .count()
    }

    /// Returns every object file of the vault.
    pub fn object_files(&self) -> Vec<PathBuf> {
        walk_files(&self.path.join("objects"))
    }
}

/// A copy of the sample couple: persons 2026-041 (A) and 2026-042 (B),
/// couple record K-2026-017, their notes, and A's consent for B.
///
/// Notes of A: 1 intake (2026-03-02), 2 session (2026-03-16), 3 working note.
/// Notes of B: 1 intake (2026-03-02), 2 session (2026-03-23).
/// Couple record: 1 joint session (2026-04-13), paragraphs [A+B], [A], [B],
/// [A+B], [A+B]. Attachment 1 of A: the signed consent form.
/// A's consent for B is valid from 2026-03-16 without end date, also after
/// the counselling, for all data classes. B gave no consent.
pub struct SampleCouple {
    pub vault: TestVault,
    /// The 8-hex id of A's consent for B.
    pub consent_a_to_b: String,
}

impl std::ops::Deref for SampleCouple {
    type Target = TestVault;

    fn deref(&self) -> &TestVault {
        &self.vault
    }
}

/// The sample couple built once per test binary.
struct SampleCoupleTemplate {
    path: PathBuf,
    consent_a_to_b: String,
}

fn sample_couple_template() -> &'static SampleCoupleTemplate {
    static TEMPLATE: OnceLock<SampleCoupleTemplate> = OnceLock::new();
    TEMPLATE.get_or_init(build_sample_couple_template)
}

/// Creates a folder for a template vault under the Cargo target folder. The
/// folder stays after the tests, because statics are never dropped, so
/// template folders of earlier runs that are more than an hour old are
/// removed first.
fn new_template_folder(name: &str) -> PathBuf {
    let parent = Path::new(env!("CARGO_TARGET_TMPDIR"));
    remove_stale_templates(parent);
    tempfile::Builder::new()
        .prefix(&format!("{TEMPLATE_PREFIX}{name}-"))
        .tempdir_in(parent)
        .expect("template folder")
        .keep()
}

const TEMPLATE_PREFIX: &str = "template-";

/// Runs kluis in English on a template vault and panics unless it succeeds.
fn run_on_template(vault: &Path, args: &[&str]) -> Output {
    let output = run_command(kluis(vault, ENGLISH, Some(PASSPHRASE)).args(args));
    output.expect_code(0);
    output
}

fn build_single_client_template() -> PathBuf {
    let folder = new_template_folder("single-client");
    let path = folder.join("vault");
    let run = |args: &[&str]| run_on_template(&path, args);
    let intake = sample_file("a-intake.md");
    let form = sample_file("toestemmingsformulier-a.pdf");

    run(&[
        "init",
        "--recovery-key-file",
        folder.join("recovery-key.txt").to_str().unwrap(),
    ]);
    run(&[
        "person",
        "add",
        "--registration",
        sample::A,
        "--name",
        sample::A_NAME,
        "--start",
        sample::START,
    ]);
    run(&[
        "note",
        "add",
        sample::A,
        "--kind",
        "intake",
        "--date",
        "2026-03-02",
        "--file",
        intake.to_str().unwrap(),
    ]);
    run(&[
        "attach",
        sample::A,
        form.to_str().unwrap(),
        "--label",
        "signed consent form",
    ]);
    path
}

fn build_sample_couple_template() -> SampleCoupleTemplate {
    let folder = new_template_folder("sample-couple");
    let path = folder.join("vault");
    let run = |args: &[&str]| run_on_template(&path, args);
    let note = |dossier: &str, kind: &str, date: &str, file: &str| {
        let file = sample_file(file);
        run(&[
            "note",
            "add",
            dossier,
            "--kind",
            kind,
            "--date",
            date,
            "--file",
            file.to_str().unwrap(),
        ]);
    };
    let form = sample_file("toestemmingsformulier-a.pdf");

    run(&[
        "init",
        "--recovery-key-file",
        folder.join("recovery-key.txt").to_str().unwrap(),
    ]);
    run(&[
        "person",
        "add",
        "--registration",
        sample::A,
        "--name",
        sample::A_NAME,
        "--email",
        "anouk.hendriks@example.nl",
        "--phone",
        "06-00001041",
        "--start",
        sample::START,
    ]);
    run(&[
        "person",
        "add",
        "--registration",
        sample::B,
        "--name",
        sample::B_NAME,
        "--email",
        "bastiaan.hendriks@example.nl",
        "--phone",
        "06-00001042",
        "--start",
        sample::START,
    ]);
    run(&[
        "couple",
        "add",
        "--registration",
        sample::COUPLE,
        "--partner-a",
        sample::A,
        "--partner-b",
        sample::B,
        "--start",
        sample::START,
    ]);
    note(sample::A, "intake", "2026-03-02", "a-intake.md");
    note(sample::A, "session", "2026-03-16", "a-sessie-individueel.md");
    note(sample::A, "working", "2026-03-16", "a-werkaantekening.md");
    note(sample::B, "intake", "2026-03-02", "b-intake.md");
    note(sample::B, "session", "2026-03-23", "b-sessie-individueel.md");
    note(
        sample::COUPLE,
        "session",
        "2026-04-13",
        "gezamenlijk-gesprek-1.md",
    );
    let consent = run(&[
        "consent",
        "record",
        "--grantor",
        sample::A,
        "--to",
        sample::B,
        "--form",
        form.to_str().unwrap(),
        "--after-end",
        "--from",
        "2026-03-16",
        "--purpose",
        "Inzage in het dossier tijdens en na de begeleiding",
    ]);
    SampleCoupleTemplate {
        path,
        consent_a_to_b: consent.consent_id(),
    }
}

fn remove_stale_templates(parent: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    for entry in entries.flatten() {
        let is_template = entry.file_name().to_string_lossy().starts_with(TEMPLATE_PREFIX);
        let modified = entry.metadata().and_then(|m| m.modified());
        if is_template && modified.is_ok_and(|time| time < hour_ago) {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Copies a folder tree, keeping file modes and making folders 0700 as
/// kluis does.
pub fn copy_tree(from: &Path, to: &Path) {
    fs::DirBuilder::new()
        .mode(0o700)
        .create(to)
        .expect("create copy folder");
    for entry in fs::read_dir(from).expect("read template folder") {
        let entry = entry.expect("template entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy template file");
        }
    }
}

/// Returns every file below `folder`, in a stable order.
pub fn walk_files(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(folder)
        .into_iter()
        .map(|entry| entry.expect("walk folder"))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| entry.into_path())
        .collect();
    files.sort();
    files
}

/// An age X25519 key pair made by `age-keygen`.
pub struct AgeKey {
    /// The identity (secret key) file, for `age -d -i`.
    pub identity: PathBuf,
    /// The public `age1…` recipient.
    pub recipient: String,
}

impl AgeKey {
    /// Generates a key pair in `folder` with `age-keygen`.
    pub fn generate(folder: &Path) -> Self {
        let keygen = require_tool("age-keygen", "age");
        let identity = folder.join("age-identity.txt");
        let status = StdCommand::new(keygen)
            .arg("-o")
            .arg(&identity)
            .stderr(std::process::Stdio::null())
            .status()
            .expect("age-keygen runs");
        assert!(status.success(), "age-keygen failed");
        let text = fs::read_to_string(&identity).expect("read age identity");
        let recipient = text
            .lines()
            .find_map(|line| line.strip_prefix("# public key: "))
            .expect("age-keygen writes the public key as a comment")
            .to_string();
        Self { identity, recipient }
    }
}

/// Decrypts `file` with the stock `age` CLI and the identity file
/// `identity`, and reads the tar archive inside.
#[track_caller]
pub fn age_decrypt(identity: &Path, file: &Path) -> Archive {
    let age = require_tool("age", "age");
    let tar = file.with_extension("tar");
    let output = StdCommand::new(age)
        .arg("-d")
        .arg("-i")
        .arg(identity)
        .arg("-o")
        .arg(&tar)
        .arg(file)
        .output()
        .expect("age runs");
    assert!(
        output.status.success(),
        "age -d failed on {}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    Archive::read(&tar)
}

/// The files of a decrypted export, by path inside the archive.
pub struct Archive {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Archive {
    /// Reads a plain tar file.
    pub fn read(path: &Path) -> Self {
        let file = fs::File::open(path).expect("open tar file");
        let mut archive = tar::Archive::new(file);
        let mut files = BTreeMap::new();
        for entry in archive.entries().expect("tar entries") {
            let mut entry = entry.expect("tar entry");
            let name = entry.path().expect("tar path").to_string_lossy().into_owned();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("tar content");
            files.insert(name, bytes);
        }
        Self { files }
    }

    /// Returns the paths in the archive, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.files.keys().map(String::as_str).collect()
    }

    /// Returns whether the archive has a file at `name`.
    pub fn has(&self, name: &str) -> bool {
        self.files.contains_key(name)
    }

    /// Returns the text of the file at `name`, or panics listing the files.
    #[track_caller]
    pub fn text(&self, name: &str) -> String {
        let bytes = self
            .files
            .get(name)
            .unwrap_or_else(|| panic!("no {name} in the export; it has {:?}", self.names()));
        String::from_utf8(bytes.clone()).expect("export documents are UTF-8")
    }

    /// Returns whether any file in the archive contains `needle`.
    pub fn any_file_contains(&self, needle: &str) -> bool {
        self.files.values().any(|bytes| {
            bytes
                .windows(needle.len())
                .any(|window| window == needle.as_bytes())
        })
    }
}

/// Returns the Unix permission bits of a path.
pub fn mode(path: &Path) -> u32 {
    fs::metadata(path).expect("metadata").permissions().mode() & 0o777
}
