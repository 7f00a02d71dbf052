//! Integration tests of the integrity commands through the real binary:
//! rollback and fork detection with `accept-restore`, `kluis check` and its
//! report of each kind of damage, and the access log (`show` and
//! exports journaled, `kluis log` shown, filtered and exported).

mod common;

use std::fs;
use std::process::Command as StdCommand;

use common::damage::{add_note_elsewhere, files_of, flip_byte, put_back};
use common::sample;
use common::{copy_tree, require_tool, AgeKey, TestVault, DUTCH, ENGLISH, PASSPHRASE};

const EXIT_DAMAGED: i32 = 5;
const EXIT_ROLLED_BACK: i32 = 11;

/// What `kluis check` prints when nothing is wrong.
const CLEAN: &str = "No problems found.";

fn note_file(vault: &TestVault, name: &str, text: &str) -> String {
    vault.write_file(name, text).to_str().unwrap().to_string()
}

/// Copies the vault, adds a note (which this computer remembers), and puts
/// the copy back. Returns the note's file, for adding it again.
fn roll_back_one_note(vault: &TestVault) -> String {
    vault.ok(&["list"]);
    let old = vault.file("old-copy");
    copy_tree(&vault.path, &old);
    let note = note_file(vault, "later.md", "een latere sessie");
    vault.ok(&[
        "note",
        "add",
        sample::A,
        "--kind",
        "session",
        "--date",
        "2026-05-04",
        "--file",
        &note,
    ]);
    put_back(vault, &old);
    note
}

#[test]
fn rolled_back_vault_refused_until_accepted() {
    let couple = TestVault::sample_couple(ENGLISH);
    let note = roll_back_one_note(&couple);

    for args in [
        vec!["list"],
        vec!["show", sample::A, "--note", "1"],
        vec![
            "note",
            "add",
            sample::A,
            "--kind",
            "session",
            "--date",
            "2026-05-05",
            "--file",
            &note,
        ],
    ] {
        let refused = couple.run(&args);
        refused.expect_error(
            EXIT_ROLLED_BACK,
            "error: this vault is older than the state this computer verified before: its journal ends at entry 12, but entry 13 was seen here",
            "hint: Someone or something (a sync service, a restored copy) put back older files, which can bring back a withdrawn consent. Nothing was shown or changed. If you restored a backup on purpose, run `kluis accept-restore`; otherwise restore the newest copy of the vault folder.",
        );
        assert!(refused.stdout.is_empty(), "{args:?} printed {}", refused.stdout);
    }
    let check = couple.run(&["check"]);
    check.expect_code(EXIT_ROLLED_BACK);
    assert!(
        check.stdout.contains(
            "  ✗ The vault is older than the state this computer verified before: the journal ends at entry 12, but entry 13 was seen here"
        ),
        "{}",
        check.stdout
    );
    assert_eq!(couple.journal_len(), 12, "nothing was written while refused");

    // Declining the prompt (no terminal, no --yes) changes nothing.
    couple.run(&["accept-restore"]).expect_code(7);
    let accepted = couple.ok(&["accept-restore", "--yes"]);
    accepted.expect_stderr_line("This computer verified entry 13 of this vault before; the vault now ends at entry 12. What was recorded after entry 12 is not in this copy.");
    accepted.expect_stderr_line("Accepted. The journal records it in entry 13.");
    couple.ok(&["list"]);
    couple.ok(&["check"]);
    let log = couple.ok(&["log", sample::A]);
    assert!(
        log.stdout
            .contains("accepted a copy of the vault that does not extend the one this computer had verified up to entry 13; the accepted copy ended at entry 12"),
        "{}",
        log.stdout
    );
    // Accepting again has nothing to accept.
    couple.ok(&["accept-restore", "--yes"]).expect_stderr_line(
        "This vault extends the state this computer verified before; there is nothing to accept.",
    );
}

#[test]
fn rollback_cannot_revive_a_withdrawn_consent() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = AgeKey::generate(couple.folder());
    let before = couple.file("before-withdrawal");
    couple.ok(&["list"]);
    copy_tree(&couple.path, &before);
    let consent = couple.consent_a_to_b.clone();
    let letter = common::sample_file("toestemmingsformulier-a.pdf");
    couple.ok(&[
        "consent",
        "withdraw",
        &consent,
        "--letter",
        letter.to_str().unwrap(),
    ]);
    let (after, _) = couple.export(&["--for", sample::B, "--about", sample::A], &key, "after.age");
    after.expect_code(0);
    after.expect_stderr_line(&format!(
        "  - 2026-041, note 1: intake of 2026-03-02 [R6: Anouk Hendriks-van Dam (2026-041) withdrew consent {}]",
        &consent[..8]
    ));

    // The folder is put back to before the withdrawal: refused, not revived.
    put_back(&couple, &before);
    let (rolled_back, file) = couple.export(&["--for", sample::B, "--about", sample::A], &key, "revived.age");
    rolled_back.expect_code(EXIT_ROLLED_BACK);
    assert!(
        !file.exists(),
        "nothing may be disclosed from a rolled-back vault"
    );
}

#[test]
fn forked_vault_refused() {
    let couple = TestVault::sample_couple(ENGLISH);
    couple.ok(&["list"]);
    let other = couple.file("other-copy");
    copy_tree(&couple.path, &other);
    let here = note_file(&couple, "here.md", "hier geschreven");
    couple.ok(&[
        "note",
        "add",
        sample::A,
        "--kind",
        "session",
        "--date",
        "2026-05-04",
        "--file",
        &here,
    ]);

    // The other copy gets different work on another computer, with its own
    // memory, and then replaces this one.
    add_note_elsewhere(&couple, &other);
    put_back(&couple, &other);
    couple.run(&["list"]).expect_error(
        EXIT_ROLLED_BACK,
        "error: this vault's history differs from the one this computer verified before: entry 13 is not the entry seen here",
        "hint: Two copies of the vault were changed separately, or files were replaced. Nothing was shown or changed. Find the copy with the newest work; if this is the copy you want to keep, run `kluis accept-restore`.",
    );
    couple
        .ok(&["accept-restore", "--yes"])
        .expect_stderr_line("Entry 13 of this vault differs from the one this computer verified before; the vault now ends at entry 13. Work recorded in the other copy is not in this one.");
    couple.ok(&["list"]);
}

#[test]
fn rollback_message_in_dutch() {
    let couple = TestVault::sample_couple(DUTCH);
    roll_back_one_note(&couple);
    let refused = couple.run(&["list"]);
    refused.expect_code(EXIT_ROLLED_BACK);
    refused.expect_stderr_line("fout: deze kluis is ouder dan de toestand die deze computer eerder heeft gecontroleerd: het logboek eindigt bij vermelding 12, maar hier is vermelding 13 al gezien");
}

#[test]
fn check_passes_on_a_sound_vault() {
    let couple = TestVault::sample_couple(ENGLISH);
    let quick = couple.ok(&["check"]);
    assert!(quick.stdout.contains(CLEAN), "{}", quick.stdout);
    assert!(
        quick
            .stdout
            .contains("Checked: journal entries 12, dossiers 3, objects 15, consent statements 1;"),
        "{}",
        quick.stdout
    );
    assert!(
        quick
            .stdout
            .contains("This computer had not verified this vault before"),
        "{}",
        quick.stdout
    );
    let full = couple.ok(&["check", "--full"]);
    assert!(
        full.stdout.starts_with("Full check of the vault in "),
        "{}",
        full.stdout
    );
    assert!(full.stdout.contains(CLEAN), "{}", full.stdout);
    assert!(
        !full.stdout.contains("had not verified"),
        "the first check was remembered"
    );
}

#[test]
fn check_names_the_dossier_and_item_that_changed() {
    let couple = TestVault::sample_couple(ENGLISH);
    let files = files_of(&couple, sample::A);
    flip_byte(&files.notes[1], 200);
    let object = files.notes[1]
        .strip_prefix(&couple.path)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let check = couple.run(&["check"]);
    check.expect_error(
        EXIT_DAMAGED,
        "error: the check found 1 problem",
        "hint: Nothing was changed. Restore the damaged files from a backup made before the damage, then run `kluis check --full` again.",
    );
    let expected = format!(
        "  ✗ Note 2 in the dossier of Anouk Hendriks-van Dam (2026-041) was changed outside kluis ({object})"
    );
    assert!(
        check.stdout.lines().any(|line| line == expected),
        "{}",
        check.stdout
    );

    let dutch = common::run_command(common::kluis(&couple.path, DUTCH, Some(PASSPHRASE)).args(["check"]));
    dutch.expect_code(EXIT_DAMAGED);
    let expected = format!(
        "  ✗ Aantekening 2 in het dossier van Anouk Hendriks-van Dam (2026-041) is buiten kluis gewijzigd ({object})"
    );
    assert!(
        dutch.stdout.lines().any(|line| line == expected),
        "{}",
        dutch.stdout
    );
}

#[test]
fn check_lists_every_damaged_item_at_once() {
    let couple = TestVault::sample_couple(ENGLISH);
    let a = files_of(&couple, sample::A);
    let b = files_of(&couple, sample::B);
    fs::remove_file(&a.notes[0]).unwrap();
    fs::write(&b.notes[1], b"not an age file").unwrap();
    // The planted files are the test's, made with the usual modes.
    couple.skip_mode_check();
    let stray = couple.path.join("objects/ff/ffffffffffffffffffffffffffffffff");
    fs::create_dir_all(stray.parent().unwrap()).unwrap();
    fs::write(&stray, b"planted").unwrap();
    fs::write(couple.path.join("objects/.tmp-interrupted"), b"").unwrap();

    let check = couple.run(&["check"]);
    check.expect_code(EXIT_DAMAGED);
    check.expect_stderr_line("error: the check found 3 problems");
    let lines: Vec<&str> = check.stdout.lines().collect();
    assert!(
        lines.iter().any(|line| line.starts_with(
            "  ✗ Note 1 in the dossier of Anouk Hendriks-van Dam (2026-041) is missing (objects/"
        )),
        "{}",
        check.stdout
    );
    assert!(
        lines.iter().any(|line| line.starts_with(
            "  ✗ Note 2 in the dossier of Bastiaan Hendriks (2026-042) was changed outside kluis (objects/"
        )),
        "{}",
        check.stdout
    );
    assert!(
        lines.contains(&"  ✗ The file objects/ff/ffffffffffffffffffffffffffffffff was not written by kluis: no journal entry lists it, and kluis never reads it; if you did not put it there, someone else did"),
        "{}",
        check.stdout
    );
    assert!(
        lines.contains(
            &"  objects/.tmp-interrupted is left over from an interrupted write; it is safe to delete"
        ),
        "{}",
        check.stdout
    );
}

#[test]
fn only_a_full_check_reads_attachment_content() {
    let couple = TestVault::sample_couple(ENGLISH);
    let files = files_of(&couple, sample::A);
    let content = &files.attachment_contents[0];
    let length = fs::metadata(content).unwrap().len() as usize;
    flip_byte(content, length - 10);
    let quick = couple.ok(&["check"]);
    assert!(quick.stdout.contains(CLEAN), "{}", quick.stdout);
    let full = couple.run(&["check", "--full"]);
    full.expect_code(EXIT_DAMAGED);
    assert!(
        full.stdout.lines().any(|line| line.starts_with(
            "  ✗ The content of attachment 1 in the dossier of Anouk Hendriks-van Dam (2026-041) was changed outside kluis"
        )),
        "{}",
        full.stdout
    );
    assert!(files.attachment_records.len() == 1);
}

#[test]
fn check_reports_a_broken_journal_and_stops() {
    let couple = TestVault::sample_couple(ENGLISH);
    flip_byte(&couple.path.join("journal/000000000007"), 60);
    let check = couple.run(&["check"]);
    check.expect_code(EXIT_DAMAGED);
    assert!(
        check
            .stdout
            .contains("  ✗ The vault is damaged: the journal is broken at entry 7"),
        "{}",
        check.stdout
    );
}

#[test]
fn check_without_the_passphrase_checks_nothing() {
    let couple = TestVault::sample_couple(ENGLISH);
    let run = common::run_command(
        common::kluis(&couple.path, ENGLISH, Some("not the passphrase at all")).args(["check"]),
    );
    run.expect_code(3);
    assert!(run.stdout.is_empty());
}

#[test]
fn show_is_logged_with_user_and_items() {
    let couple = TestVault::sample_couple(ENGLISH);
    let entries = couple.journal_len();
    couple.ok(&["show", sample::A, "--note", "2"]);
    couple.ok(&["show", sample::A]);
    couple.ok(&["show", sample::COUPLE, "--note", "1"]);
    assert_eq!(couple.journal_len(), entries + 3, "every show is journaled");
    let user = kluis::model::current_user();

    let log = couple.ok(&["log", sample::A]);
    let lines: Vec<&str> = log.stdout.lines().collect();
    assert_eq!(lines[0], "Access log of Anouk Hendriks-van Dam (2026-041)");
    assert!(
        lines[1].ends_with(&format!("  shown to {user}: note 2")),
        "{}",
        log.stdout
    );
    assert!(
        lines[2].ends_with(&format!(
            "  shown to {user}: the dossier's details and list of items"
        )),
        "{}",
        log.stdout
    );
    assert!(
        lines[3].ends_with(&format!(
            "  shown to {user}: note 1 of the couple record K-2026-017"
        )),
        "{}",
        log.stdout
    );
    assert_eq!(lines.len(), 4, "{}", log.stdout);

    // B's log has only the couple record's read.
    let log_b = couple.ok(&["log", sample::B]);
    assert_eq!(log_b.stdout.lines().count(), 2, "{}", log_b.stdout);

    // A period before today is empty; one that includes today is not.
    let empty = couple.ok(&["log", sample::A, "--until", "2026-01-31"]);
    assert!(
        empty
            .stdout
            .contains("Nothing was read or disclosed in this period."),
        "{}",
        empty.stdout
    );
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap())
        .date()
        .to_string();
    let period = couple.ok(&["log", sample::A, "--from", &today, "--until", &today]);
    assert_eq!(period.stdout.lines().count(), 4, "{}", period.stdout);
    couple
        .run(&["log", sample::A, "--from", "2026-05-02", "--until", "2026-05-01"])
        .expect_code(10);
}

#[test]
fn exports_appear_in_the_log_with_their_consent() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = AgeKey::generate(couple.folder());
    let (own, _) = couple.export(&["--for", sample::A], &key, "own.age");
    own.expect_code(0);
    let (partner, _) = couple.export(&["--for", sample::B, "--about", sample::A], &key, "partner.age");
    partner.expect_code(0);
    let consent = &couple.consent_a_to_b;

    let log = couple.ok(&["log", sample::A]);
    let disclosed: Vec<&str> = log
        .stdout
        .lines()
        .filter(|line| line.contains("disclosed to"))
        .collect();
    assert_eq!(disclosed.len(), 4, "{}", log.stdout);
    let expected = [
        format!(
            "disclosed to Anouk Hendriks-van Dam (2026-041): note 1, note 2, attachment 1; no consent needed (the client's own data); 1 withheld; encrypted to x25519 {}",
            key.recipient
        ),
        format!(
            "disclosed to Anouk Hendriks-van Dam (2026-041): paragraph 2 of note 1 of the couple record K-2026-017; no consent needed (the client's own data); 3 withheld; encrypted to x25519 {}",
            key.recipient
        ),
        format!(
            "disclosed to Bastiaan Hendriks (2026-042): note 1, note 2, attachment 1; under consent {}; 1 withheld; encrypted to x25519 {}",
            &consent[..8],
            key.recipient
        ),
    ];
    for line in expected {
        assert!(
            disclosed.iter().any(|found| found.ends_with(&line)),
            "{line}\n{}",
            log.stdout
        );
    }
    // Paragraph 3 of the joint note is about B alone: what of B went to
    // whom is not in A's log.
    assert!(!log.stdout.contains("paragraph 3 of note 1"), "{}", log.stdout);
}

#[test]
fn log_exported_for_the_client_opens_with_age() {
    let couple = TestVault::sample_couple(DUTCH);
    let key = AgeKey::generate(couple.folder());
    couple.ok(&["show", sample::A, "--note", "1"]);
    let file = couple.file("inzagelogboek.age");
    let written = couple.ok(&[
        "log",
        sample::A,
        "--recipient",
        &key.recipient,
        "-o",
        file.to_str().unwrap(),
    ]);
    written.expect_stderr_line(&format!("Inzagelogboek geschreven naar {}.", file.display()));
    couple
        .run(&[
            "log",
            sample::A,
            "--recipient",
            &key.recipient,
            "-o",
            file.to_str().unwrap(),
        ])
        .expect_code(7);

    let age = require_tool("age", "age");
    let output = StdCommand::new(age)
        .args(["-d", "-i"])
        .arg(&key.identity)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("# Inzagelogboek van Anouk Hendriks-van Dam (2026-041)\n"),
        "{text}"
    );
    assert!(
        text.contains("Dit overzicht toont elke keer dat uw dossier"),
        "{text}"
    );
    assert!(text.contains(": aantekening 1\n"), "{text}");

    // Sending the log is itself in the log.
    let log = couple.ok(&["log", sample::A]);
    assert!(
        log.stdout.contains("dit inzagelogboek is door ")
            && log.stdout.contains("versleuteld voor x25519 age1"),
        "{}",
        log.stdout
    );
}

#[test]
fn log_refused_to_another_clients_key() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = couple.file("b.key");
    let card = couple.file("b.card");
    couple.ok(&[
        "partner",
        "keygen",
        "--key",
        key.to_str().unwrap(),
        "--card",
        card.to_str().unwrap(),
    ]);
    couple.ok(&["person", "card", sample::B, "--card", card.to_str().unwrap()]);
    let file = couple.file("log.age");
    let refused = couple.run(&[
        "log",
        sample::A,
        "--recipient-file",
        card.to_str().unwrap(),
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_ne!(refused.code, 0);
    assert!(!file.exists());
    // For the couple record, either partner may receive the log.
    couple.ok(&[
        "log",
        sample::COUPLE,
        "--recipient-file",
        card.to_str().unwrap(),
        "-o",
        file.to_str().unwrap(),
    ]);
}

#[test]
fn interrupted_write_object_only_noted() {
    let couple = TestVault::sample_couple(ENGLISH);
    // What a crash between an object and its journal entry leaves: a fresh
    // age file to the vault's own key that no entry lists.
    let header: kluis::format::VaultHeader =
        kluis::format::cbor::from_slice(&fs::read(couple.path.join("kluis.cbor")).unwrap()).unwrap();
    couple.skip_mode_check();
    let orphan = couple.path.join("objects/aa/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    let plaintext = couple.write_file("orphan.txt", "half-finished change");
    let status = StdCommand::new(require_tool("age", "age"))
        .args(["-r", &header.counsellor, "-o"])
        .arg(&orphan)
        .arg(&plaintext)
        .status()
        .unwrap();
    assert!(status.success());
    let check = couple.ok(&["check"]);
    assert!(check.stdout.contains(CLEAN), "{}", check.stdout);
    assert!(
        check.stdout.lines().any(|line| line
            == "  objects/aa/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa is encrypted to this vault's keys, but no journal entry lists it, so kluis never reads it: a write was interrupted, or it is work from another copy of the vault"),
        "{}",
        check.stdout
    );

    // A byte-for-byte copy of a listed object is not a leftover.
    let note = &files_of(&couple, sample::A).notes[0];
    let copy = couple.path.join("objects/bb/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
    fs::create_dir_all(copy.parent().unwrap()).unwrap();
    fs::copy(note, &copy).unwrap();
    let check = couple.run(&["check"]);
    check.expect_code(EXIT_DAMAGED);
    assert!(
        check.stdout.contains(
            "  ✗ The file objects/bb/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb was not written by kluis: no journal entry lists it, and kluis never reads it; if you did not put it there, someone else did"
        ),
        "{}",
        check.stdout
    );
}

#[test]
fn swapped_attachment_never_reaches_standard_output() {
    let couple = TestVault::sample_couple(ENGLISH);
    let second = couple.write_file("second.txt", "SECOND ATTACHMENT ".repeat(20_000));
    couple.ok(&["attach", sample::A, second.to_str().unwrap(), "--label", "second"]);
    let files = files_of(&couple, sample::A);
    // The second attachment's content file put in place of the first's:
    // age authenticates each chunk, but not which file it belongs to.
    fs::copy(&files.attachment_contents[1], &files.attachment_contents[0]).unwrap();
    let shown = couple.run(&["show", sample::A, "--attachment", "1"]);
    shown.expect_code(EXIT_DAMAGED);
    assert!(shown.stdout.is_empty(), "{} bytes went out", shown.stdout.len());

    let key = AgeKey::generate(couple.folder());
    let export = common::run_command(couple.command().args([
        "export",
        "--for",
        sample::A,
        "--recipient",
        &key.recipient,
        "-o",
        "-",
        "--yes",
    ]));
    export.expect_code(EXIT_DAMAGED);
    assert!(export.stdout.is_empty(), "{} bytes went out", export.stdout.len());
}

#[test]
fn failed_log_export_is_not_logged_as_sent() {
    let couple = TestVault::sample_couple(ENGLISH);
    let key = AgeKey::generate(couple.folder());
    let nowhere = couple.file("no-such-folder/log.age");
    let failed = couple.run(&[
        "log",
        sample::A,
        "--recipient",
        &key.recipient,
        "-o",
        nowhere.to_str().unwrap(),
    ]);
    assert_ne!(failed.code, 0);
    let log = couple.ok(&["log", sample::A]);
    assert!(!log.stdout.contains("was sent"), "{}", log.stdout);
}

#[test]
fn conflicting_copy_of_a_journal_entry_is_reported() {
    let couple = TestVault::sample_couple(ENGLISH);
    // What a sync service keeps when two computers wrote entry 12.
    couple.skip_mode_check();
    fs::copy(
        couple.path.join("journal/000000000012"),
        couple.path.join("journal/000000000012 (conflicted copy)"),
    )
    .unwrap();
    let check = couple.run(&["check"]);
    check.expect_code(EXIT_DAMAGED);
    assert!(
        check.stdout.contains(
            "  ✗ The file journal/000000000012 (conflicted copy) is not a journal entry: a sync service may have kept a conflicting copy of the vault, changed on two computers"
        ),
        "{}",
        check.stdout
    );
}

#[test]
fn unusable_memory_folder_is_named_with_a_hint() {
    let couple = TestVault::sample_couple(ENGLISH);
    let not_a_folder = couple.write_file("state-file", "");
    let mut list = couple.command();
    list.env("KLUIS_STATE_DIR", &not_a_folder).arg("list");
    let run = common::run_command(&mut list);
    run.expect_error(
        9,
        &format!(
            "error: kluis cannot use the folder where it records which vault states this computer verified: {}",
            not_a_folder.display()
        ),
        "hint: Set KLUIS_STATE_DIR to a private folder that kluis may write to.",
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn one_damaged_note_does_not_hide_another() {
    let couple = TestVault::sample_couple(ENGLISH);
    let files = files_of(&couple, sample::A);
    flip_byte(&files.notes[0], 200);
    couple
        .run(&["show", sample::A, "--note", "1"])
        .expect_code(EXIT_DAMAGED);
    let second = couple.ok(&["show", sample::A, "--note", "2"]);
    assert!(
        second.stdout.contains(sample::A_SESSION_TEXT),
        "{}",
        second.stdout
    );
}
