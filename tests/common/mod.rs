//! Helpers shared by the integration tests: throwaway vaults, the real
//! `kluis` binary run with a controlled environment, the sample couple from
//! `examples/sample-case/`, age keys, decrypted export archives, and S3 and
//! WebDAV servers on loopback for the backup tests (`servers`).
//!
//! Every `kluis` command that opens a vault unlocks `identity.age` with
//! scrypt, which takes about a second. The sample couple is therefore built
//! once per test binary and copied for each test that needs it.

#![allow(dead_code)]

pub mod canary;
pub mod child;
pub mod damage;
pub mod http;
pub mod scrypt;
pub mod servers;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use canary::Canaries;

use tempfile::TempDir;

/// This machine's memory of verified journals for the vault at `vault`,
/// kept beside it, where `kluis()` points `KLUIS_STATE_DIR` too.
pub fn memory_beside(vault: &Path) -> kluis::store::seen::SeenHeads {
    kluis::store::seen::SeenHeads::at(vault.parent().unwrap_or(vault).join("kluis-state"))
}

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
    pub const A_EMAIL: &str = "anouk.hendriks@example.nl";
    pub const A_PHONE: &str = "06-00001041";
    pub const B_EMAIL: &str = "bastiaan.hendriks@example.nl";
    pub const B_PHONE: &str = "06-00001042";
    pub const A_TO_B_PURPOSE: &str = "Inzage in het dossier tijdens en na de begeleiding";
    pub const FORM_FILE_NAME: &str = "toestemmingsformulier-a.pdf";

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
    let command = assert_cmd::Command::cargo_bin("kluis").expect("the kluis binary is built");
    with_kluis_environment(command, vault, lang, passphrase)
}

/// Builds the command [`kluis`] builds, but started by `sh` after
/// `umask MASK`, to check the modes of the files kluis creates under a
/// permissive umask.
pub fn kluis_with_umask(
    vault: &Path,
    lang: &str,
    passphrase: Option<&str>,
    mask: &str,
) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new("sh");
    command
        .arg("-c")
        .arg(format!("umask {mask} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_kluis"));
    with_kluis_environment(command, vault, lang, passphrase)
}

/// Sets the environment of a command that runs kluis: see [`kluis`]. A
/// test's private temporary folder becomes `TMPDIR` and `XDG_RUNTIME_DIR`.
pub fn with_kluis_environment(
    mut command: assert_cmd::Command,
    vault: &Path,
    lang: &str,
    passphrase: Option<&str>,
) -> assert_cmd::Command {
    for name in CLEARED_VARS {
        command.env_remove(name);
    }
    // Each test's vault gets its own memory of verified journals next to
    // it: copies of one template share a vault id, and would otherwise look
    // like forks of each other.
    command
        .env("KLUIS_VAULT", vault)
        .env("LANG", lang)
        .env("KLUIS_STATE_DIR", memory_beside(vault).folder());
    if let Some(temporary) = private_temporary_folder(vault) {
        command
            .env("TMPDIR", &temporary)
            .env("XDG_RUNTIME_DIR", &temporary);
    }
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
///
/// Dropping it at the end of a test that did not fail scans for the
/// personal values the test gave kluis (see [`canary`]). It scans the vault
/// folder and the private temporary folder every kluis process of the test
/// ran with. It also scans each file beside the vault that the test did not
/// name with [`TestVault::file`] or [`TestVault::write_file`], and temporary
/// files kluis left behind (`.tmp-…`, `.kluis-…`) even below a named folder.
/// The test fails when a value is found, or when a file in the vault is not
/// 0600 or a folder not 0700.
pub struct TestVault {
    folder: TempDir,
    /// The vault folder, `<temporary folder>/vault`.
    pub path: PathBuf,
    /// `LANG` for every command.
    pub lang: &'static str,
    /// `TMPDIR` and `XDG_RUNTIME_DIR` of every kluis process of the test.
    temporary: TempDir,
    scan: Mutex<ScanSettings>,
}

/// What the scan at the end of a test looks for, and where not.
#[derive(Default)]
struct ScanSettings {
    canaries: Canaries,
    /// Input and output files the test named, whose content is the test's own.
    named: Vec<PathBuf>,
    skip_modes: bool,
}

/// Options whose value is personal data that kluis must keep encrypted.
const PERSONAL_OPTIONS: &[&str] = &[
    "--registration",
    "--name",
    "--email",
    "--phone",
    "--address",
    "--purpose",
    "--label",
    "--third-party",
    "--role",
];

/// Options naming a file whose name and content must not appear readable:
/// notes, scans and letters are stored encrypted, and the passphrase file
/// is never stored.
const PERSONAL_FILE_OPTIONS: &[&str] = &["--file", "--form", "--letter", "--passphrase-file"];

/// The private temporary folder of each live [`TestVault`], by the
/// vault's temporary folder, so that [`kluis`] gives it to every command
/// of the test, also to commands a test builds without the vault's helpers.
static TEMPORARY_FOLDERS: Mutex<Vec<(PathBuf, PathBuf)>> = Mutex::new(Vec::new());

/// Returns the private temporary folder of the test whose vault is `vault`.
fn private_temporary_folder(vault: &Path) -> Option<PathBuf> {
    let folders = TEMPORARY_FOLDERS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    folders
        .iter()
        .find(|(folder, _)| vault.starts_with(folder))
        .map(|(_, temporary)| temporary.clone())
}

/// Creates a temporary folder for kluis processes on `/dev/shm` where that
/// exists, and elsewhere in the system's temporary folder. kluis puts the
/// editor's file only on a memory-backed file system such as `/dev/shm`.
fn new_private_temporary_folder() -> TempDir {
    let builder = {
        let mut builder = tempfile::Builder::new();
        builder.prefix("kluistest-tmp-");
        builder
    };
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(folder) = builder.tempdir_in(shm) {
            return folder;
        }
    }
    builder.tempdir().expect("temporary folder for kluis")
}

/// Adds the name and the content of a file a test gave kluis.
fn add_file_canaries(canaries: &mut Canaries, path: &Path) {
    if !path.is_file() {
        return;
    }
    if let Some(name) = path.file_name() {
        canaries.add(name.to_string_lossy().as_bytes());
    }
    if let Ok(content) = fs::read(path) {
        canaries.add_content(&content);
    }
}

impl TestVault {
    /// Prepares a folder for a vault without creating the vault.
    pub fn uninitialized(lang: &'static str) -> Self {
        let folder = tempfile::Builder::new()
            .prefix("kluistest")
            .tempdir()
            .expect("temporary folder");
        let path = folder.path().join("vault");
        let temporary = new_private_temporary_folder();
        TEMPORARY_FOLDERS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((folder.path().to_path_buf(), temporary.path().to_path_buf()));
        let mut scan = ScanSettings::default();
        scan.canaries.add(PASSPHRASE);
        Self {
            folder,
            path,
            lang,
            temporary,
            scan: Mutex::new(scan),
        }
    }

    /// Returns a private copy of the sample couple, speaking `lang`.
    pub fn sample_couple(lang: &'static str) -> SampleCouple {
        let template = sample_couple_template();
        let vault = Self::uninitialized(lang);
        copy_tree(&template.path, &vault.path);
        for value in [
            sample::A,
            sample::B,
            sample::COUPLE,
            sample::A_NAME,
            sample::B_NAME,
            sample::A_EMAIL,
            sample::A_PHONE,
            sample::B_EMAIL,
            sample::B_PHONE,
            sample::A_TO_B_PURPOSE,
            sample::FORM_FILE_NAME,
            sample::A_INTAKE_TEXT,
            sample::A_SESSION_TEXT,
            sample::A_WORKING_TEXT,
            sample::B_INTAKE_TEXT,
            sample::B_SESSION_TEXT,
            sample::JOINT_A_TEXT,
            sample::JOINT_B_TEXT,
            sample::JOINT_BOTH_TEXT,
        ] {
            vault.add_canary(value);
        }
        for file in SAMPLE_COUPLE_FILES {
            vault.add_file_canaries(&sample_file(file));
        }
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
        for value in [
            sample::A,
            sample::A_NAME,
            sample::A_INTAKE_TEXT,
            sample::FORM_FILE_NAME,
            SINGLE_CLIENT_LABEL,
        ] {
            vault.add_canary(value);
        }
        vault.add_file_canaries(&sample_file("a-intake.md"));
        vault.add_file_canaries(&sample_file(sample::FORM_FILE_NAME));
        vault
    }

    /// Returns a path next to the vault, for input and output files. The
    /// scan at the end of the test leaves it, and anything below it, alone.
    pub fn file(&self, name: &str) -> PathBuf {
        let path = self.folder.path().join(name);
        self.settings().named.push(path.clone());
        path
    }

    /// Returns the temporary folder that contains the vault and its files.
    pub fn folder(&self) -> &Path {
        self.folder.path()
    }

    /// Returns the private temporary folder kluis runs with (`TMPDIR`,
    /// `XDG_RUNTIME_DIR`).
    pub fn temporary_folder(&self) -> &Path {
        self.temporary.path()
    }

    /// Writes an input file next to the vault and returns its path. Its
    /// lines become canaries, because whatever kluis reads from it must
    /// stay encrypted.
    pub fn write_file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.file(name);
        fs::write(&path, contents.as_ref()).expect("write input file");
        self.settings().canaries.add_content(contents.as_ref());
        path
    }

    /// Adds a value that must not appear readable in the scanned folders.
    pub fn add_canary(&self, value: impl AsRef<[u8]>) {
        self.settings().canaries.add(value);
    }

    /// Adds the name and the lines of a file as canaries.
    pub fn add_file_canaries(&self, path: &Path) {
        add_file_canaries(&mut self.settings().canaries, path);
    }

    /// Leaves file modes in the vault unchecked at the end of the test, for
    /// a test that puts its own files there.
    pub fn skip_mode_check(&self) {
        self.settings().skip_modes = true;
    }

    fn settings(&self) -> std::sync::MutexGuard<'_, ScanSettings> {
        self.scan
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds the personal values in a command line as canaries.
    fn add_argument_canaries(&self, args: &[&str]) {
        let mut scan = self.settings();
        for (position, arg) in args.iter().enumerate() {
            let Some(value) = args.get(position + 1) else {
                continue;
            };
            if PERSONAL_OPTIONS.contains(arg) {
                scan.canaries.add(value);
            }
            if PERSONAL_FILE_OPTIONS.contains(arg) {
                add_file_canaries(&mut scan.canaries, Path::new(value));
            }
        }
        // `kluis attach DOSSIER FILE`
        if let ["attach", _, file, ..] = args {
            add_file_canaries(&mut scan.canaries, Path::new(file));
        }
    }

    /// Lists what the scan at the end of the test would report now: each
    /// canary found, and each vault file or folder that is not private.
    pub fn plaintext_findings(&self) -> Vec<String> {
        let scan = self.settings();
        let mut findings = Vec::new();
        let none = canary::Exclusions::NONE;
        findings.extend(canary::scan_tree(&self.path, &scan.canaries, &none));
        findings.extend(canary::scan_tree(self.temporary.path(), &scan.canaries, &none));
        let folder = self.folder.path();
        let named = |path: &Path| {
            let relative = path.strip_prefix(folder).unwrap_or(path);
            let temporary = relative
                .components()
                .any(|component| canary::is_kluis_temporary(&component.as_os_str().to_string_lossy()));
            !temporary && scan.named.iter().any(|named| path.starts_with(named))
        };
        let beside_vault = canary::Exclusions {
            pruned: &[self.path.as_path()],
            unchecked: &named,
        };
        findings.extend(canary::scan_tree(folder, &scan.canaries, &beside_vault));
        if !scan.skip_modes {
            findings.extend(canary::mode_problems(&self.path));
        }
        findings
    }

    /// Returns a `kluis` command for this vault with the passphrase set.
    pub fn command(&self) -> assert_cmd::Command {
        kluis(&self.path, self.lang, Some(PASSPHRASE))
    }

    /// Runs kluis with `args`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.add_argument_canaries(args);
        run_command(self.command().args(args))
    }

    /// Runs kluis with `args` after `umask MASK`.
    pub fn run_with_umask(&self, mask: &str, args: &[&str]) -> Output {
        self.add_argument_canaries(args);
        run_command(kluis_with_umask(&self.path, self.lang, Some(PASSPHRASE), mask).args(args))
    }

    /// Runs kluis with `args` and `stdin` on standard input.
    pub fn run_with_stdin(&self, args: &[&str], stdin: impl Into<Vec<u8>>) -> Output {
        let stdin = stdin.into();
        self.add_argument_canaries(args);
        self.settings().canaries.add_content(&stdin);
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

impl Drop for TestVault {
    fn drop(&mut self) {
        TEMPORARY_FOLDERS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .retain(|(folder, _)| folder != self.folder.path());
        // A second panic while the test is already failing would abort the
        // whole test binary.
        if std::thread::panicking() {
            return;
        }
        let findings = self.plaintext_findings();
        assert!(
            findings.is_empty(),
            "after the test, {} holds readable personal data or files that are not private:\n{}",
            self.folder.path().display(),
            findings.join("\n")
        );
    }
}

/// The label of the attachment in the single-client template.
const SINGLE_CLIENT_LABEL: &str = "signed consent form";

/// The files of `examples/sample-case/` that the sample couple was built from.
const SAMPLE_COUPLE_FILES: &[&str] = &[
    "a-intake.md",
    "a-sessie-individueel.md",
    "a-werkaantekening.md",
    "b-intake.md",
    "b-sessie-individueel.md",
    "gezamenlijk-gesprek-1.md",
    sample::FORM_FILE_NAME,
];

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
    let form = sample_file(sample::FORM_FILE_NAME);

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
        SINGLE_CLIENT_LABEL,
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
    let form = sample_file(sample::FORM_FILE_NAME);

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
        sample::A_EMAIL,
        "--phone",
        sample::A_PHONE,
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
        sample::B_EMAIL,
        "--phone",
        sample::B_PHONE,
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
        sample::A_TO_B_PURPOSE,
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
/// `identity`, and reads the tar archive inside. The plaintext stays in
/// memory, so no readable copy of the export is left beside the vault.
#[track_caller]
pub fn age_decrypt(identity: &Path, file: &Path) -> Archive {
    let age = require_tool("age", "age");
    let output = StdCommand::new(age)
        .arg("-d")
        .arg("-i")
        .arg(identity)
        .arg(file)
        .output()
        .expect("age runs");
    assert!(
        output.status.success(),
        "age -d failed on {}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    Archive::from_bytes(&output.stdout)
}

/// The files of a decrypted export, by path inside the archive.
pub struct Archive {
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Archive {
    /// Reads a plain tar file.
    pub fn read(path: &Path) -> Self {
        Self::from_bytes(&fs::read(path).expect("read tar file"))
    }

    /// Reads a plain tar archive held in memory.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let mut archive = tar::Archive::new(bytes);
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

/// Makes a file immune to deletion for as long as it lives. As root, whom
/// permissions do not stop, the file is made immutable (`chattr +i`, which
/// the file system must support). Otherwise its folder loses write
/// permission, which also stops new files there.
pub enum Undeletable {
    Immutable(PathBuf),
    ReadOnlyFolder(PathBuf),
}

impl Undeletable {
    #[track_caller]
    pub fn new(file: &Path) -> Self {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let as_root = fs::metadata(file).unwrap().uid() == 0;
        if as_root {
            let status = std::process::Command::new("chattr")
                .arg("+i")
                .arg(file)
                .status()
                .expect("chattr runs");
            assert!(status.success(), "chattr +i {} failed", file.display());
            Undeletable::Immutable(file.to_path_buf())
        } else {
            let folder = file.parent().unwrap().to_path_buf();
            fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).unwrap();
            Undeletable::ReadOnlyFolder(folder)
        }
    }
}

impl Drop for Undeletable {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        match self {
            Undeletable::Immutable(file) => {
                let _ = std::process::Command::new("chattr")
                    .arg("-i")
                    .arg(&*file)
                    .status();
            }
            Undeletable::ReadOnlyFolder(folder) => {
                let _ = fs::set_permissions(&*folder, fs::Permissions::from_mode(0o700));
            }
        }
    }
}
