//! Tests of how the `kluis` binary treats secrets. Every file it writes is
//! private to its owner even under a permissive umask, and the editor's
//! file is private and removed. No passphrase, recovery key or secret key
//! appears in what kluis prints when something fails.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command as StdCommand;

use age::secrecy::{ExposeSecret, SecretString};
use base64::Engine;

use common::canary::mode_problems;
use common::sample;
use common::{
    kluis, mode, require_tool, run_command, sample_file, with_kluis_environment, Output, TestVault, ENGLISH,
    PASSPHRASE,
};

/// Passphrase of the client's key file.
const CLIENT_PASSPHRASE: &str = "fiets lantaarn brug zeventien";

/// Returns a path as a command-line argument.
fn arg(path: &Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
}

#[test]
fn open_umask_reaches_the_program() {
    // The wrapper `kluis_with_umask` relies on: a program started the same
    // way creates a file with the mode `umask 000` leaves, 0666.
    let folder = tempfile::tempdir().unwrap();
    let probe = folder.path().join("probe");
    let status = StdCommand::new("sh")
        .arg("-c")
        .arg("umask 000 && exec \"$0\" \"$@\"")
        .arg("touch")
        .arg(&probe)
        .status()
        .expect("sh runs");
    assert!(status.success());
    assert_eq!(mode(&probe), 0o666);
}

#[test]
fn files_private_under_open_umask() {
    let mut vault = TestVault::uninitialized(ENGLISH);
    // Parents of the vault folder that do not exist yet are created too.
    let parents = vault.folder().join("parents");
    vault.path = parents.join("missing").join("vault");
    let run = |args: &[&str]| {
        let output = vault.run_with_umask("000", args);
        output.expect_code(0);
        output
    };

    let recovery = vault.file("recovery-key.txt");
    run(&["init", "--recovery-key-file", arg(&recovery)]);
    for (registration, name) in [(sample::A, sample::A_NAME), (sample::B, sample::B_NAME)] {
        run(&[
            "person",
            "add",
            "--registration",
            registration,
            "--name",
            name,
            "--start",
            sample::START,
        ]);
    }
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
    let intake = sample_file("a-intake.md");
    run(&[
        "note",
        "add",
        sample::A,
        "--kind",
        "intake",
        "--date",
        "2026-03-02",
        "--file",
        arg(&intake),
    ]);
    let form = sample_file(sample::FORM_FILE_NAME);
    run(&["attach", sample::A, arg(&form)]);
    run(&[
        "consent",
        "record",
        "--grantor",
        sample::A,
        "--to",
        sample::B,
        "--form",
        arg(&form),
        "--from",
        "2026-03-16",
        "--purpose",
        sample::A_TO_B_PURPOSE,
    ]);

    // Files kluis writes outside the vault.
    let attachment = vault.file("attachment.pdf");
    run(&["show", sample::A, "--attachment", "1", "-o", arg(&attachment)]);
    let counsellor_card = vault.file("counsellor.card");
    run(&["card", "-o", arg(&counsellor_card)]);
    let key = vault.file("b.key");
    let card = vault.file("b.card");
    run(&["partner", "keygen", "--key", arg(&key), "--card", arg(&card)]);
    run(&["person", "card", sample::B, "--card", arg(&card)]);
    let export = vault.file("export.age");
    run(&[
        "export",
        "--for",
        sample::B,
        "--about",
        sample::A,
        "--recipient-file",
        arg(&card),
        "-o",
        arg(&export),
        "--yes",
    ]);
    let opened = vault.file("opened");
    run(&[
        "partner",
        "open",
        arg(&export),
        "--key",
        arg(&key),
        "--counsellor-card",
        arg(&counsellor_card),
        "-o",
        arg(&opened),
    ]);
    let request = vault.file("request.kluis");
    let printable_form = vault.file("form.md");
    for (command, output) in [("request", &request), ("form", &printable_form)] {
        run(&[
            "consent",
            command,
            "--grantor",
            sample::B,
            "--to",
            sample::A,
            "--purpose",
            "Inzage in mijn verslagen",
            "-o",
            arg(output),
        ]);
    }
    run(&["recover", "--recovery-key-file", arg(&recovery)]);

    for file in [
        &recovery,
        &attachment,
        &counsellor_card,
        &key,
        &card,
        &export,
        &request,
        &printable_form,
    ] {
        assert_eq!(mode(file), 0o600, "mode of {}", file.display());
    }
    assert_eq!(mode_problems(&opened), Vec::<String>::new(), "the opened export");
    assert!(opened.join("kluis-export").is_dir(), "partner open wrote files");
    assert_eq!(mode_problems(&vault.path), Vec::<String>::new(), "the vault");
    for folder in [parents.clone(), parents.join("missing")] {
        assert_eq!(mode(&folder), 0o700, "mode of {}", folder.display());
    }
}

#[test]
fn editor_file_private_and_removed() {
    let script = require_tool("script", "bsdutils");
    let vault = TestVault::single_client(ENGLISH);
    let note_text = "Tekst uit de editor, kanarie 9090";
    vault.add_canary(note_text);
    let report = vault.file("editor-report.txt");
    let environment = vault.file("editor-environment.txt");
    let editor = vault.file("editor.sh");
    fs::write(
        &editor,
        format!(
            "#!/bin/sh\nstat -c '%a' \"$1\" > '{}'\necho \"${{KLUIS_PASSPHRASE:-unset}}\" > '{}'\nprintf '%s\\n' '{note_text}' > \"$1\"\n",
            report.display(),
            environment.display()
        ),
    )
    .unwrap();
    fs::set_permissions(&editor, fs::Permissions::from_mode(0o700)).unwrap();

    // `script` gives kluis a terminal, so it opens the editor; `umask 000`
    // shows whether kluis sets the file's mode itself.
    let command_line = format!(
        "umask 000 && exec '{}' note add {} --kind session --date 2026-03-16",
        env!("CARGO_BIN_EXE_kluis"),
        sample::A
    );
    let mut command = assert_cmd::Command::new(script);
    command.args(["-q", "-e", "-c", &command_line, "/dev/null"]);
    let mut command = with_kluis_environment(command, &vault.path, ENGLISH, Some(PASSPHRASE));
    command.env("EDITOR", &editor);
    let output = run_command(&mut command);
    output.expect_code(0);

    assert_eq!(
        fs::read_to_string(&report).expect("the editor ran").trim(),
        "600",
        "mode of the editor's file"
    );
    assert_eq!(
        fs::read_to_string(&environment).unwrap().trim(),
        "unset",
        "KLUIS_PASSPHRASE in the editor's environment"
    );
    let shown = vault.ok(&["show", sample::A, "--note", "2"]);
    assert!(shown.stdout.contains(note_text), "stdout: {}", shown.stdout);
    let left: Vec<_> = fs::read_dir(vault.temporary_folder()).unwrap().collect();
    assert!(left.is_empty(), "left in the temporary folder: {left:?}");
}

/// Every secret of a vault and of a client's key file, as text.
struct KnownSecrets {
    /// Pairs of a description and the secret's text.
    secrets: Vec<(String, String)>,
}

impl KnownSecrets {
    fn add(&mut self, what: &str, text: &str) {
        self.secrets.push((what.to_string(), text.to_string()));
    }

    /// Adds 32 secret bytes in the encodings a message might use.
    fn add_bytes(&mut self, what: &str, bytes: &[u8]) {
        self.add(&format!("{what} (hex)"), &hex::encode(bytes));
        let base64 = base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes);
        self.add(&format!("{what} (base64)"), &base64);
        self.add(&format!("{what} (Debug)"), &format!("{bytes:?}"));
    }

    /// Panics if stdout or stderr of `output` contains a secret, in any
    /// ASCII letter case.
    #[track_caller]
    fn assert_absent(&self, output: &Output) {
        let printed = format!("{}\n{}", output.stdout, output.stderr).to_ascii_lowercase();
        for (what, text) in &self.secrets {
            assert!(
                !printed.contains(&text.to_ascii_lowercase()),
                "`{}` printed the {what}\nstdout:\n{}\nstderr:\n{}",
                output.command,
                output.stdout,
                output.stderr
            );
        }
    }
}

#[test]
fn secrets_absent_from_failure_output() {
    let vault = TestVault::uninitialized(ENGLISH);
    let recovery = vault.file("recovery-key.txt");
    vault.ok(&["init", "--recovery-key-file", arg(&recovery)]);
    vault.ok(&[
        "person",
        "add",
        "--registration",
        sample::A,
        "--name",
        sample::A_NAME,
        "--start",
        sample::START,
    ]);
    let form = sample_file(sample::FORM_FILE_NAME);
    vault.ok(&["attach", sample::A, arg(&form)]);
    let key = vault.file("a.key");
    let card = vault.file("a.card");
    let client = |args: &[&str], passphrase: &str| {
        run_command(kluis(&vault.path, ENGLISH, Some(passphrase)).args(args))
    };
    client(
        &["partner", "keygen", "--key", arg(&key), "--card", arg(&card)],
        CLIENT_PASSPHRASE,
    )
    .expect_code(0);
    let counsellor_card = vault.file("counsellor.card");
    vault.ok(&["card", "-o", arg(&counsellor_card)]);
    let export = vault.file("export.age");
    vault.ok(&[
        "export",
        "--for",
        sample::A,
        "--recipient-file",
        arg(&card),
        "-o",
        arg(&export),
        "--yes",
    ]);

    // The secrets, read with the library.
    let mut known = KnownSecrets { secrets: Vec::new() };
    known.add("vault passphrase", PASSPHRASE);
    known.add("client's key passphrase", CLIENT_PASSPHRASE);
    let recovery_text = fs::read_to_string(&recovery).unwrap().trim().to_string();
    known.add("recovery key", &recovery_text);
    let opened = kluis::model::Vault::open(
        &vault.path,
        SecretString::from(PASSPHRASE.to_string()),
        kluis::model::Access::Read,
    )
    .expect("the vault opens");
    let counsellor = kluis::keys::CounsellorKeys::unseal(
        &fs::read(vault.path.join("identity.age")).unwrap(),
        SecretString::from(PASSPHRASE.to_string()),
        opened.id(),
    )
    .unwrap();
    known.add(
        "counsellor's age identity",
        counsellor.age.to_string().expose_secret(),
    );
    known.add_bytes("counsellor's signing key", &counsellor.signing.to_bytes());
    assert_eq!(opened.dossiers().len(), 1);
    for dossier in opened.dossiers() {
        known.add("dossier key", dossier.key.identity().to_string().expose_secret());
    }
    drop(opened);
    let client_keys = kluis::partner::PartnerKeys::unseal(
        &fs::read(&key).unwrap(),
        SecretString::from(CLIENT_PASSPHRASE.to_string()),
    )
    .unwrap();
    let client_secret = client_keys.age.to_string().expose_secret().to_string();
    known.add("client's age identity", &client_secret);
    known.add_bytes("client's signing key", &client_keys.signing.to_bytes());
    let other = age::x25519::Identity::generate();
    known.add("other vault's recovery key", other.to_string().expose_secret());
    let malformed = break_checksum(&recovery_text);
    known.add("malformed recovery key", &malformed);

    const WRONG: &str = "verkeerde wachtwoordzin";
    let check = |output: Output, code: i32| {
        output.expect_code(code);
        known.assert_absent(&output);
    };

    // A wrong passphrase, from the environment and from a file.
    check(client(&["list"], WRONG), 3);
    let wrong_file = vault.write_file("wrong-passphrase.txt", format!("{WRONG}\n"));
    check(
        run_command(kluis(&vault.path, ENGLISH, None).args(["--passphrase-file", arg(&wrong_file), "list"])),
        3,
    );

    // Recovery with another vault's key, a malformed key, and the right
    // key but a new passphrase that is too weak.
    let other_file = vault.write_file("other-recovery.txt", other.to_string().expose_secret());
    check(
        vault.run(&["recover", "--recovery-key-file", arg(&other_file)]),
        3,
    );
    let malformed_file = vault.write_file("malformed-recovery.txt", &malformed);
    check(
        vault.run(&["recover", "--recovery-key-file", arg(&malformed_file)]),
        10,
    );
    check(
        client(&["recover", "--recovery-key-file", arg(&recovery)], "kort"),
        10,
    );

    // The client's key file with a wrong passphrase.
    check(
        client(
            &[
                "partner",
                "open",
                arg(&export),
                "--key",
                arg(&key),
                "-o",
                arg(&vault.file("out")),
            ],
            WRONG,
        ),
        3,
    );
    vault.ok(&["person", "card", sample::A, "--card", arg(&card)]);
    let request = vault.file("request.kluis");
    vault.ok(&[
        "consent",
        "request",
        "--grantor",
        sample::A,
        "--third-party",
        "Huisarts Jansen",
        "--role",
        "huisarts",
        "--purpose",
        "Verwijzing",
        "-o",
        arg(&request),
    ]);
    check(
        client(
            &[
                "partner",
                "sign",
                arg(&request),
                "--key",
                arg(&key),
                "--counsellor-card",
                arg(&counsellor_card),
                "-o",
                arg(&vault.file("signed.kluis")),
                "--yes",
            ],
            WRONG,
        ),
        3,
    );
    check(
        client(
            &[
                "partner",
                "keygen",
                "--key",
                arg(&vault.file("weak.key")),
                "--card",
                arg(&vault.file("weak.card")),
            ],
            "kort",
        ),
        10,
    );

    // A secret key where a public key belongs: on the command line, in a
    // file, and as a stray argument.
    let out = vault.file("never.age");
    check(
        vault.run(&[
            "export",
            "--for",
            sample::A,
            "--recipient",
            &client_secret,
            "-o",
            arg(&out),
            "--yes",
        ]),
        10,
    );
    let identity_file = vault.write_file(
        "client-identity.txt",
        format!("# created: today\n{client_secret}\n"),
    );
    check(
        vault.run(&[
            "export",
            "--for",
            sample::A,
            "--recipient-file",
            arg(&identity_file),
            "-o",
            arg(&out),
            "--yes",
        ]),
        10,
    );
    check(vault.run(&["list", &client_secret]), 2);
    check(
        vault.run(&["export", "--recipient", &client_secret, "--bogus"]),
        2,
    );
    check(vault.run(&["recover", "--recovery-key-file", &recovery_text]), 4);

    // A damaged identity file: a flipped byte in the encrypted body, a
    // flipped byte in the header, cut short, and not passphrase-encrypted.
    let identity = vault.path.join("identity.age");
    let original = fs::read(&identity).unwrap();
    let header_end = original
        .windows(4)
        .position(|window| window == b"\n---")
        .expect("age header end");
    let mut body_flipped = original.clone();
    let last = body_flipped.len() - 1;
    body_flipped[last] ^= 0x01;
    let mut header_flipped = original.clone();
    header_flipped[header_end - 5] ^= 0x01;
    let not_scrypt = kluis::keys::seal(&[other.to_public()], b"not an identity");
    for damaged in [
        body_flipped,
        header_flipped,
        original[..original.len() / 2].to_vec(),
        not_scrypt,
    ] {
        fs::write(&identity, &damaged).unwrap();
        let output = vault.run(&["list"]);
        assert!(
            [3, 5].contains(&output.code),
            "exit code {} of {}: {}",
            output.code,
            output.command,
            output.stderr
        );
        known.assert_absent(&output);
    }
    fs::write(&identity, &original).unwrap();
    vault.ok(&["list"]);
}

/// Returns `key` with its last character replaced by another character of
/// the bech32 alphabet, which breaks its checksum.
fn break_checksum(key: &str) -> String {
    let (rest, last) = key.split_at(key.len() - 1);
    let replacement = if last == "Q" { "P" } else { "Q" };
    format!("{rest}{replacement}")
}
