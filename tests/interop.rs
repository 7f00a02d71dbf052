//! Exports open with stock age tools: the Go `age` CLI (Debian package
//! `age`) for every kind of recipient kluis supports, and `rage` when it is
//! installed. A missing `age` fails these tests, because they exist to show
//! that a recipient needs nothing but age.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use common::sample;
use common::{
    age_decrypt, find_tool, require_tool, sample_file, AgeKey, Archive, Output, TestVault, ENGLISH,
};

/// Files of an export of the single-client vault for the client.
const EXPECTED_FILES: [&str; 5] = [
    sample::A_INTAKE_FILE,
    sample::A_FORM_FILE,
    sample::INDEX_FILE,
    sample::RECEIPT_FILE,
    "kluis-export/receipt.cose",
];

/// Checks that `archive` is the complete export of the single-client vault
/// for the client.
#[track_caller]
fn check_client_export(archive: &Archive) {
    assert_eq!(archive.names(), EXPECTED_FILES);
    let intake = fs::read_to_string(sample_file("a-intake.md")).unwrap();
    assert_eq!(
        archive.text(sample::A_INTAKE_FILE),
        format!(
            "# 2026-041, note 1: intake of 2026-03-02\n\n{}\n",
            intake.trim_end()
        )
    );
    assert_eq!(
        archive.files[sample::A_FORM_FILE],
        fs::read(sample_file("toestemmingsformulier-a.pdf")).unwrap()
    );
    assert!(
        archive.text(sample::RECEIPT_FILE).contains(
            "- 2026-041, note 1: intake of 2026-03-02 → `2026-041/01-intake-2026-03-02.md` (R1: own data)"
        ),
        "receipt: {}",
        archive.text(sample::RECEIPT_FILE)
    );
}

/// Exports everything of the client to a new file, with `recipient_args`
/// choosing the encryption, and returns kluis's output and the file.
fn export_client(vault: &TestVault, recipient_args: &[&str], file_name: &str) -> (Output, PathBuf) {
    let file = vault.file(file_name);
    let mut args = vec!["export", "--for", sample::A];
    args.extend_from_slice(recipient_args);
    args.extend_from_slice(&["-o", file.to_str().unwrap(), "--yes"]);
    let output = vault.run(&args);
    output.expect_code(0);
    (output, file)
}

/// Generates an unencrypted SSH key pair of `key_type` with `ssh-keygen`
/// and returns the private key file. The public key file is next to it,
/// with the extension `.pub`.
fn ssh_keygen(folder: &Path, key_type: &[&str], name: &str) -> PathBuf {
    let ssh_keygen = require_tool("ssh-keygen", "openssh-client");
    let key = folder.join(name);
    let status = StdCommand::new(ssh_keygen)
        .arg("-t")
        .args(key_type)
        .args(["-N", "", "-C", "anouk@example.nl", "-q", "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen runs");
    assert!(status.success(), "ssh-keygen {key_type:?} failed");
    key
}

#[test]
fn x25519_export_opens_with_age() {
    let vault = TestVault::single_client(ENGLISH);
    let key = AgeKey::generate(vault.folder());

    let (_, file) = export_client(&vault, &["--recipient", &key.recipient], "export.age");
    check_client_export(&age_decrypt(&key.identity, &file));

    // rage is a second, independent implementation of age.
    let Some(rage) = find_tool("rage") else {
        println!("rage is not on PATH, so the export was not also opened with rage");
        return;
    };
    let tar = vault.file("export-rage.tar");
    let output = StdCommand::new(rage)
        .arg("-d")
        .arg("-i")
        .arg(&key.identity)
        .arg("-o")
        .arg(&tar)
        .arg(&file)
        .output()
        .expect("rage runs");
    assert!(
        output.status.success(),
        "rage -d failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    check_client_export(&Archive::read(&tar));
}

#[test]
fn ssh_ed25519_export_opens_with_age() {
    let vault = TestVault::single_client(ENGLISH);
    let key = ssh_keygen(vault.folder(), &["ed25519"], "id_ed25519");
    let public_key = key.with_extension("pub");

    let (_, file) = export_client(
        &vault,
        &["--recipient-file", public_key.to_str().unwrap()],
        "export.age",
    );
    check_client_export(&age_decrypt(&key, &file));
}

#[test]
fn ssh_rsa_export_opens_with_age() {
    let vault = TestVault::single_client(ENGLISH);
    let key = ssh_keygen(vault.folder(), &["rsa", "-b", "2048"], "id_rsa");
    let public_key = fs::read_to_string(key.with_extension("pub")).unwrap();

    let (_, file) = export_client(&vault, &["--recipient", public_key.trim()], "export.age");
    check_client_export(&age_decrypt(&key, &file));
}

#[test]
fn armored_export_opens_with_age() {
    let vault = TestVault::single_client(ENGLISH);
    let key = AgeKey::generate(vault.folder());

    let (_, file) = export_client(
        &vault,
        &["--recipient", &key.recipient, "--armor"],
        "export.age.asc",
    );
    let text = fs::read_to_string(&file).expect("an armored export is text");
    assert!(
        text.starts_with("-----BEGIN AGE ENCRYPTED FILE-----\n"),
        "export: {text}"
    );
    assert!(
        text.ends_with("-----END AGE ENCRYPTED FILE-----\n"),
        "export: {text}"
    );
    assert!(
        text.lines().all(|line| line.len() <= 64),
        "armored lines are at most 64 characters"
    );
    check_client_export(&age_decrypt(&key.identity, &file));
}

/// Drives `age -d` through a pseudo-terminal, because age reads passphrases
/// only from a terminal. Reads the passphrase from its standard input.
/// Arguments: the age program, the output file, the encrypted file.
const AGE_PASSPHRASE_SCRIPT: &str = r#"
import os, pty, select, sys, time

age, output, encrypted = sys.argv[1:4]
passphrase = sys.stdin.readline().strip()
pid, terminal = pty.fork()
if pid == 0:
    os.execv(age, [age, "-d", "-o", output, encrypted])

transcript = b""

def read_some(timeout):
    global transcript
    ready, _, _ = select.select([terminal], [], [], timeout)
    if not ready:
        return True
    try:
        chunk = os.read(terminal, 1024)
    except OSError:
        return False
    transcript += chunk
    return bool(chunk)

deadline = time.monotonic() + 60
while b"passphrase" not in transcript.lower():
    if time.monotonic() > deadline or not read_some(1):
        sys.stderr.write("age did not ask for a passphrase. Its output: %r\n" % transcript)
        sys.exit(2)
os.write(terminal, passphrase.encode() + b"\n")
while read_some(60):
    pass
_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
if code != 0:
    sys.stderr.write("age -d failed. Its output: %r\n" % transcript)
sys.exit(code)
"#;

#[test]
fn passphrase_export_opens_with_age() {
    let age = require_tool("age", "age");
    let python = require_tool("python3", "python3");
    let vault = TestVault::single_client(ENGLISH);

    let (output, file) = export_client(&vault, &["--passphrase"], "export.age");
    let lines = output.stderr_lines();
    let notice = "The export is encrypted with this passphrase. Give it to the recipient separately (by phone, not in the same e-mail):";
    let position = lines
        .iter()
        .position(|line| *line == notice)
        .unwrap_or_else(|| panic!("no passphrase notice in stderr:\n{}", output.stderr));
    let passphrase_line = lines.get(position + 1).expect("a line after the notice");
    let passphrase = passphrase_line
        .strip_prefix("  ")
        .unwrap_or_else(|| panic!("passphrase line is not indented by two spaces: {passphrase_line:?}"));
    let groups: Vec<&str> = passphrase.split('-').collect();
    assert_eq!(groups.len(), 6, "passphrase {passphrase:?}");
    assert!(
        groups
            .iter()
            .all(|group| group.len() == 5 && group.chars().all(|c| c.is_ascii_alphanumeric())),
        "passphrase {passphrase:?}"
    );
    assert!(
        !output.stdout.contains(passphrase),
        "the passphrase goes to standard error only"
    );

    let tar = vault.file("export.tar");
    let mut script = StdCommand::new(python)
        .arg("-c")
        .arg(AGE_PASSPHRASE_SCRIPT)
        .arg(&age)
        .arg(&tar)
        .arg(&file)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut stdin = script.stdin.take().unwrap();
    stdin.write_all(format!("{passphrase}\n").as_bytes()).unwrap();
    drop(stdin);
    let result = script.wait_with_output().expect("python3 finishes");
    assert!(
        result.status.success(),
        "age -d with the passphrase failed: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    check_client_export(&Archive::read(&tar));
}
