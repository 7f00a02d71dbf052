//! Destroying a dossier through the real binary (vault-format.md, 3.5).
//! The files are deleted and the journal keeps the record. A partner in a
//! couple record is protected, and the other partner's dossier keeps
//! working. The next change finishes an interrupted destruction.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use kluis::format::DestroyReason;
use kluis::ids::ObjectId;
use kluis::model::{Access, Vault};
use kluis::store::Store;

use common::{memory_beside, sample, TestVault, Undeletable, DUTCH, ENGLISH, PASSPHRASE};

const EXIT_NOT_FOUND: i32 = 4;
const EXIT_REFUSED: i32 = 7;
const EXIT_IO: i32 = 9;
const EXIT_INVALID_INPUT: i32 = 10;
const EXIT_ROLLED_BACK: i32 = 11;

/// What `kluis check` prints when nothing is wrong.
const CLEAN: &str = "No problems found.";

fn open(vault: &TestVault) -> Vault {
    Vault::open_with(
        &vault.path,
        SecretString::from(PASSPHRASE.to_string()),
        Access::Read,
        memory_beside(&vault.path),
    )
    .expect("the vault opens")
}

/// Returns the object files of the vault, relative to it.
fn object_names(vault: &TestVault) -> BTreeSet<String> {
    vault
        .object_files()
        .iter()
        .map(|path| {
            path.strip_prefix(&vault.path)
                .unwrap()
                .to_string_lossy()
                .to_string()
        })
        .collect()
}

/// Returns the vault names of the objects the last journal entry removed.
fn last_removed(vault: &TestVault) -> BTreeSet<String> {
    let opened = open(vault);
    let last = opened.journal().entries.last().expect("entries");
    last.payload
        .removed
        .iter()
        .map(|id: &ObjectId| Store::object_name(*id))
        .collect()
}

#[test]
fn destroy_person_deletes_every_file() {
    let vault = TestVault::single_client(ENGLISH);
    let before = object_names(&vault);
    let entries = vault.journal_len();

    let output = vault.ok(&["destroy", sample::A, "--reason", "client-request", "--yes"]);
    output.expect_stderr_line(&format!(
        "This destroys the dossier of {} ({}): 1 note, 0 working notes, 1 attachment and 0 consents, in 5 files.",
        sample::A_NAME,
        sample::A
    ));
    output.expect_stderr_line(&format!(
        "{} is destroyed: 5 files were overwritten and deleted. The journal records it in entry {}.",
        sample::A,
        entries + 1
    ));

    // Every file of the dossier is gone, and the entry lists exactly them.
    let removed = last_removed(&vault);
    assert_eq!(removed.len(), 5);
    let after = object_names(&vault);
    assert!(after.is_empty(), "files left: {after:?}");
    assert_eq!(removed, before, "the entry lists every file the dossier had");

    // The journal keeps who, when and why; the entry is version 3 and the
    // ones before it stay version 2.
    let opened = open(&vault);
    let versions: Vec<u32> = opened
        .journal()
        .entries
        .iter()
        .map(|e| e.payload.version)
        .collect();
    assert_eq!(versions.last(), Some(&3));
    assert!(
        versions[..versions.len() - 1].iter().all(|v| *v == 2),
        "{versions:?}"
    );
    let destroyed = opened.destroyed();
    assert_eq!(destroyed.len(), 1);
    let (_, record) = destroyed[0].destroyed.as_ref().expect("destroyed");
    assert_eq!(record.registration, sample::A);
    assert_eq!(record.reason, DestroyReason::ClientRequest);
    assert!(opened.dossiers().is_empty());
    drop(opened);

    let list = vault.ok(&["list"]);
    assert!(
        list.stdout.starts_with(&format!("{}: destroyed on ", sample::A)),
        "{}",
        list.stdout
    );
    assert!(list.stdout.trim_end().ends_with("at the request of the client"));
    assert!(!list.stdout.contains(sample::A_NAME));

    let check = vault.ok(&["check", "--full"]);
    assert!(check.stdout.contains(CLEAN), "{}", check.stdout);
    let date = jiff::Zoned::now().date().to_string();
    vault.run(&["show", sample::A]).expect_error(
        EXIT_NOT_FOUND,
        &format!("error: {} was destroyed on {date}; its files are gone", sample::A),
        "hint: `kluis list` shows destroyed dossiers with the date and the reason.",
    );
    // The number names the destroyed dossier in the journal for good.
    vault
        .run(&[
            "person",
            "add",
            "--registration",
            sample::A,
            "--name",
            "Someone Else",
            "--start",
            sample::START,
        ])
        .expect_error(
            EXIT_INVALID_INPUT,
            &format!(
                "error: registration number {} belonged to a dossier that was destroyed, and stays with it in the journal",
                sample::A
            ),
            "hint: Give the new dossier another number; `kluis list` shows the numbers of destroyed dossiers too.",
        );
}

#[test]
fn destroy_partner_after_couple_record() {
    let vault = TestVault::sample_couple(ENGLISH);
    let entries = vault.journal_len();
    let files = object_names(&vault);

    vault
        .run(&["destroy", sample::B, "--reason", "client-request", "--yes"])
        .expect_error(
            EXIT_REFUSED,
            &format!(
                "error: {} is a partner in couple record {}, whose joint notes are about this client too, so nothing was destroyed",
                sample::B,
                sample::COUPLE
            ),
            &format!(
                "hint: Destroy the couple record first, if the other partner's interests allow it: kluis destroy {} --reason REASON",
                sample::COUPLE
            ),
        );
    // Without a terminal and without --yes nothing is destroyed.
    let unconfirmed = vault.run_with_stdin(
        &["destroy", sample::COUPLE, "--reason", "client-request"],
        format!("{}\n", sample::COUPLE),
    );
    unconfirmed.expect_code(EXIT_REFUSED);
    unconfirmed.expect_stderr_line(
        "error: there is no terminal to type the registration number at, so nothing was destroyed",
    );
    unconfirmed.expect_stderr_line("hint: Run the command in a terminal, or add --yes in a script.");
    assert_eq!(vault.journal_len(), entries);
    assert_eq!(object_names(&vault), files);

    // B received paragraphs about A under A's consent: A's log keeps that.
    let key = common::AgeKey::generate(vault.folder());
    let (export, _) = vault.export(&["--for", sample::B, "--about", sample::A], &key, "for-b.age");
    export.expect_code(0);

    vault.ok(&["destroy", sample::COUPLE, "--reason", "client-request", "--yes"]);
    let couple_files = last_removed(&vault);
    vault.ok(&["destroy", sample::B, "--reason", "client-request", "--yes"]);
    let b_files = last_removed(&vault);
    let left = object_names(&vault);
    assert!(couple_files.is_disjoint(&left));
    assert!(b_files.is_disjoint(&left));
    assert_eq!(left.len() + couple_files.len() + b_files.len(), files.len());

    // A's dossier, consent and log keep working.
    let check = vault.ok(&["check", "--full"]);
    assert!(check.stdout.contains(CLEAN), "{}", check.stdout);
    let shown = vault.ok(&["show", sample::A, "--note", "1"]);
    assert!(shown.stdout.contains(sample::A_INTAKE_TEXT));
    let consents = vault.ok(&["consent", "list", sample::A]);
    assert!(
        consents.stdout.contains(&format!("→ {} (destroyed)", sample::B)),
        "{}",
        consents.stdout
    );
    let log = vault.ok(&["log", sample::A]);
    let disclosed_joint = log.stdout.lines().any(|line| {
        line.contains(&format!(
            "items no longer listed of the couple record {} (destroyed)",
            sample::COUPLE
        ))
    });
    assert!(disclosed_joint, "{}", log.stdout);
    assert!(
        log.stdout.lines().any(|line| line.ends_with(&format!(
            "the couple record {} was destroyed by {}, at the request of the client",
            sample::COUPLE,
            kluis::model::current_user()
        ))),
        "{}",
        log.stdout
    );
    let list = vault.ok(&["list"]);
    assert_eq!(list.stdout.lines().count(), 3, "{}", list.stdout);
    assert!(!list.stdout.contains(sample::B_NAME));
}

/// Copies the files the last entry removed back from `saved`, as a crash
/// between the entry and the deletions would have left them.
fn put_back(vault: &TestVault, saved: &Path, names: &BTreeSet<String>) -> Vec<PathBuf> {
    names
        .iter()
        .map(|name| {
            let to = vault.path.join(name);
            fs::create_dir_all(to.parent().unwrap()).unwrap();
            fs::copy(saved.join(name), &to).unwrap();
            to
        })
        .collect()
}

#[test]
fn next_change_finishes_interrupted_destruction() {
    let vault = TestVault::sample_couple(ENGLISH);
    let saved = vault.file("before");
    common::copy_tree(&vault.path, &saved);

    vault.ok(&["destroy", sample::COUPLE, "--reason", "retention-ended", "--yes"]);
    let removed = last_removed(&vault);
    let files = put_back(&vault, &saved, &removed);

    // Check names each file, does not count it as damage, and reads none.
    let check = vault.ok(&["check"]);
    for name in &removed {
        let line = format!(
            "  {name} belongs to a destroyed dossier and was not yet deleted, because deleting it was interrupted or failed; kluis never reads it, and the next change deletes it"
        );
        assert!(check.stdout_lines().contains(&line.as_str()), "{}", check.stdout);
    }
    assert!(check.stdout.contains(CLEAN), "{}", check.stdout);

    // A read-only command leaves them; the next change deletes them.
    vault.ok(&["list"]);
    assert!(files.iter().all(|file| file.exists()));
    vault.ok(&["end", sample::A, "--date", "2026-10-30"]);
    assert!(files.iter().all(|file| !file.exists()));
    let check = vault.ok(&["check"]);
    assert!(!check.stdout.contains("destroyed dossier"), "{}", check.stdout);
}

#[test]
fn destroy_in_dutch() {
    let vault = TestVault::sample_couple(DUTCH);
    vault.ok(&["destroy", sample::COUPLE, "--reason", "retention-ended", "--yes"]);
    let output = vault.ok(&["destroy", sample::B, "--reason", "client-request", "--yes"]);
    output.expect_stderr_line(&format!(
        "Dit vernietigt het dossier van {} ({}): 2 aantekeningen, 0 werkaantekeningen, 0 bijlagen en 0 toestemmingen, in 4 bestanden.",
        sample::B_NAME,
        sample::B
    ));
    output.expect_stderr_line(
        "De volgende `kluis backup` naar elke externe opslag verwijdert de bestanden daar ook. Een externe opslag die oude versies van bestanden bewaart, houdt ze totdat de eigen bewaarregels van die opslag ze verwijderen.",
    );
    let list = vault.ok(&["list"]);
    assert!(
        list.stdout.lines().any(
            |line| line.starts_with(&format!("{}: vernietigd op ", sample::COUPLE))
                && line.ends_with("de bewaartermijn was verstreken")
        ),
        "{}",
        list.stdout
    );
    vault
        .run(&["destroy", sample::B, "--reason", "client-request", "--yes"])
        .expect_error(
            EXIT_NOT_FOUND,
            &format!(
                "fout: {} is vernietigd op {}; de bestanden zijn weg",
                sample::B,
                jiff::Zoned::now().date()
            ),
            "tip: `kluis list` toont vernietigde dossiers met de datum en de reden.",
        );
}

#[test]
fn destroyed_dossier_cannot_come_back() {
    // A sync service or an old copy that puts the folder back as it was
    // before the destruction would bring the dossier back: refused.
    let vault = TestVault::single_client(ENGLISH);
    let saved = vault.file("before");
    common::copy_tree(&vault.path, &saved);
    vault.ok(&["destroy", sample::A, "--reason", "client-request", "--yes"]);

    fs::remove_dir_all(&vault.path).unwrap();
    common::copy_tree(&saved, &vault.path);
    let show = vault.run(&["show", sample::A]);
    show.expect_code(EXIT_ROLLED_BACK);
    assert!(!show.stdout.contains(sample::A_INTAKE_TEXT));
    vault.run(&["list"]).expect_code(EXIT_ROLLED_BACK);
}

#[test]
fn failed_deletion_deletes_the_rest() {
    let vault = TestVault::single_client(ENGLISH);
    let opened = open(&vault);
    let note = opened.dossiers()[0].notes[0].object;
    drop(opened);
    let note_file = vault.path.join(Store::object_name(note));
    let blocker = Undeletable::new(&note_file);

    let output = vault.run(&["destroy", sample::A, "--reason", "client-request", "--yes"]);
    output.expect_code(EXIT_IO);
    let error = output.stderr_lines()[output.stderr_lines().len() - 2];
    assert!(
        error.starts_with(&format!(
            "error: {} is destroyed in the journal, but 1 of its files could not be deleted: ",
            sample::A
        )),
        "{}",
        output.stderr
    );
    output.expect_stderr_line(
        "hint: Fix the cause; the next change to the vault deletes the files, `kluis check` lists them until then, and kluis never reads them.",
    );
    // Every other file went, the key object first among them.
    let left = object_names(&vault);
    assert_eq!(left, BTreeSet::from([Store::object_name(note)]));

    let check = vault.ok(&["check"]);
    assert!(check
        .stdout
        .contains("belongs to a destroyed dossier and was not yet deleted"));
    drop(blocker);
    vault.ok(&["list"]);
    assert!(note_file.exists(), "a read-only command deleted a file");
    vault.ok(&[
        "person",
        "add",
        "--registration",
        "2026-099",
        "--name",
        "Iemand Anders",
        "--start",
        sample::START,
    ]);
    assert!(!note_file.exists(), "the next change left the file");
}
