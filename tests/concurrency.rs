//! Concurrency tests of the writer's lock and of reading during writes
//! (vault-format.md, section 7.1): writer processes that add notes to one
//! vault at the same time, and reader processes that open the vault again
//! and again while they do.
//!
//! The children are this test binary run again with one ignored test
//! selected (see `common::child`). A writer that finds the lock taken gets
//! `Error::Locked` from `Vault::open`, sleeps a few milliseconds and tries
//! again, and counts how often. A writer prints "ack W I" after note I
//! was added. The content of each note follows from the test's seed, the
//! writer and I, so parent and readers can regenerate it.
//!
//! `kluis` itself failing with exit code 8 while another process holds the
//! lock is covered by `second_writer_locked_out` in tests/cli.rs.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use age::secrecy::SecretString;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};

use common::child::{self, ChildProcess};
use common::PASSPHRASE;
use kluis::format::{NoteBody, NoteKind};
use kluis::model::{Access, NewPerson, Vault};
use kluis::store::journal::Journal;
use kluis::store::Store;
use kluis::Error;

/// Environment variables that tell a child what to do.
const CHILD_VAULT_VAR: &str = "KLUIS_CONCURRENCY_CHILD_VAULT";
const CHILD_SEED_VAR: &str = "KLUIS_CONCURRENCY_CHILD_SEED";
const CHILD_WRITER_VAR: &str = "KLUIS_CONCURRENCY_CHILD_WRITER";
const CHILD_NOTES_VAR: &str = "KLUIS_CONCURRENCY_CHILD_NOTES";
const WRITER_TEST: &str = "concurrency_child_writer";
const READER_TEST: &str = "concurrency_child_reader";

/// The one dossier every note goes to.
const PERSON: &str = "P-1";
/// Largest note text, in bytes.
const MAX_NOTE_BYTES: usize = 64 * 1024;
/// Most notes a writer adds while it holds the lock once.
const MAX_NOTES_PER_LOCK: u64 = 3;
/// A reader decrypts every note after this many journal checks.
const LOADS_PER_FULL_READ: u64 = 25;
/// Time the parent waits for a child's next line. Only a hung child takes
/// this long.
const CHILD_TIMEOUT: Duration = Duration::from_secs(120);

fn passphrase() -> SecretString {
    SecretString::from(PASSPHRASE.to_string())
}

/// Creates a vault with one person dossier and cheap unlocking, and
/// returns its path.
fn new_vault(folder: &Path) -> std::path::PathBuf {
    let path = folder.join("vault");
    let (mut vault, _recovery) =
        Vault::init_with(&path, passphrase(), common::memory_beside(&path)).expect("create the vault");
    vault
        .add_person(NewPerson {
            registration: PERSON.into(),
            name: "Concurrency Test".into(),
            email: None,
            phone: None,
            address: None,
            start: "2026-01-05".parse().unwrap(),
        })
        .expect("add the person");
    drop(vault);
    common::scrypt::lower_work_factor(&path, PASSPHRASE);
    path
}

/// Returns the text of note `index` of `writer`. Its first line is
/// "writer W note I".
fn note_text(seed: u64, writer: u64, index: u64) -> String {
    let mut rng = StdRng::seed_from_u64(seed ^ (writer << 48) ^ index);
    let exponent = rng.gen_range(2.0f64..(MAX_NOTE_BYTES as f64).log2());
    let size = exponent.exp2() as usize;
    const ALPHABET: [char; 16] = [
        'a', 'e', 'i', 'n', 'r', 's', 't', 'K', ' ', ' ', '\n', '.', 'é', 'ë', 'ĳ', '€',
    ];
    let mut raw = vec![0u8; size];
    rng.fill_bytes(&mut raw);
    let mut text = format!("writer {writer} note {index}\n");
    text.extend(
        raw.iter()
            .map(|byte| ALPHABET[usize::from(*byte) % ALPHABET.len()]),
    );
    text
}

/// Returns "writer W note I" as numbers.
fn parse_label(text: &str) -> Option<(u64, u64)> {
    let rest = text.lines().next()?.strip_prefix("writer ")?;
    let (writer, index) = rest.split_once(" note ")?;
    Some((writer.parse().ok()?, index.parse().ok()?))
}

fn env_number(name: &str) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| panic!("{name} is missing or not a number"))
}

// ---------------------------------------------------------------------------
// The children

/// Entry point of the writer processes the tests below start. Run directly,
/// without the child's environment, it does nothing.
#[test]
#[ignore = "runs only as a child process of the concurrency tests"]
fn concurrency_child_writer() {
    let Ok(vault_path) = std::env::var(CHILD_VAULT_VAR) else {
        return;
    };
    let path = Path::new(&vault_path);
    let seed = env_number(CHILD_SEED_VAR);
    let writer = env_number(CHILD_WRITER_VAR);
    let notes = env_number(CHILD_NOTES_VAR);
    let mut rng = StdRng::seed_from_u64(seed ^ writer.rotate_left(32));
    let date: jiff::civil::Date = "2026-02-02".parse().unwrap();

    child::say("ready");
    if child::hear().as_deref() != Some("go") {
        return;
    }
    let mut retries = 0u64;
    let mut next = 0u64;
    while next < notes {
        let mut vault = match Vault::open_with(path, passphrase(), Access::Write, common::memory_beside(path))
        {
            Ok(vault) => vault,
            Err(Error::Locked) => {
                retries += 1;
                std::thread::sleep(Duration::from_millis(rng.gen_range(1..=20)));
                continue;
            }
            Err(err) => {
                child::say(&format!("error opening the vault: {err}"));
                panic!("writer {writer} failed to open the vault: {err}");
            }
        };
        let dossier = vault.find(PERSON).expect("the person dossier").id;
        let batch = rng.gen_range(1..=MAX_NOTES_PER_LOCK).min(notes - next);
        for _ in 0..batch {
            let body = NoteBody::Text(note_text(seed, writer, next));
            if let Err(err) = vault.add_note(dossier, NoteKind::Session, date, body) {
                child::say(&format!("error adding note {next}: {err}"));
                panic!("writer {writer} failed to add note {next}: {err}");
            }
            child::say(&format!("ack {writer} {next}"));
            next += 1;
        }
        // Dropping the vault releases the lock. The pause lets the other
        // writers take it.
        drop(vault);
        std::thread::sleep(Duration::from_millis(rng.gen_range(0..=10)));
    }
    child::say(&format!("retries {retries}"));
}

/// Entry point of the reader processes `readers_see_only_whole_states`
/// starts. Run directly, without the child's environment, it does nothing.
///
/// The reader verifies the journal and `HEAD` in a loop, and every
/// [`LOADS_PER_FULL_READ`] loops opens the whole vault and decrypts every
/// note, until its standard input closes. It prints the first error and
/// stops, or at the end "reads L full F lengths N": how many checks passed
/// and how many different journal lengths it saw.
#[test]
#[ignore = "runs only as a child process of readers_see_only_whole_states"]
fn concurrency_child_reader() {
    let Ok(vault_path) = std::env::var(CHILD_VAULT_VAR) else {
        return;
    };
    let path = Path::new(&vault_path);
    let seed = env_number(CHILD_SEED_VAR);
    let vault = Vault::open_with(path, passphrase(), Access::Read, common::memory_beside(path))
        .expect("the reader opens the vault");
    let (vault_id, key) = (vault.id(), vault.verifying_key());
    drop(vault);
    let store = Store::new(path);
    let header = fs::read(path.join("kluis.cbor")).expect("read kluis.cbor");

    let stop = Arc::new(AtomicBool::new(false));
    let stop_setter = Arc::clone(&stop);
    std::thread::spawn(move || {
        while child::hear().is_some() {}
        stop_setter.store(true, Ordering::SeqCst);
    });
    child::say("ready");

    // The pauses between checks need not repeat from run to run.
    let mut rng = StdRng::seed_from_u64(seed ^ u64::from(std::process::id()));
    let mut loads = 0u64;
    let mut full_reads = 0u64;
    let mut lengths = BTreeSet::new();
    let (mut last_len, mut last_head) = (0u64, 0u64);
    while !stop.load(Ordering::SeqCst) {
        let journal = match Journal::load(&store, vault_id, &header, &key) {
            Ok(journal) => journal,
            Err(err) => {
                child::say(&format!(
                    "error in check {loads}: the journal does not verify: {err}"
                ));
                return;
            }
        };
        // What a reader sees may only grow: entries are write-once and
        // HEAD's number only goes up.
        if journal.last_seq() < last_len || journal.head_seq < last_head {
            child::say(&format!(
                "error in check {loads}: journal {} and HEAD {} after journal {last_len} and HEAD {last_head}",
                journal.last_seq(),
                journal.head_seq
            ));
            return;
        }
        (last_len, last_head) = (journal.last_seq(), journal.head_seq);
        lengths.insert(last_len);
        loads += 1;

        if loads.is_multiple_of(LOADS_PER_FULL_READ) {
            if let Err(message) = read_every_note(path, seed) {
                child::say(&format!("error in full read {full_reads}: {message}"));
                return;
            }
            full_reads += 1;
        }
        std::thread::sleep(Duration::from_micros(rng.gen_range(0..=100)));
    }
    child::say(&format!(
        "reads {loads} full {full_reads} lengths {}",
        lengths.len()
    ));
}

/// Opens the vault as a reader and checks that every note has the content
/// its writer planned.
fn read_every_note(path: &Path, seed: u64) -> Result<(), String> {
    let vault = Vault::open_with(path, passphrase(), Access::Read, common::memory_beside(path))
        .map_err(|err| format!("the vault does not open: {err}"))?;
    let dossier = vault.find(PERSON).map_err(|err| err.to_string())?;
    let notes = vault
        .notes(dossier)
        .map_err(|err| format!("the notes do not read: {err}"))?;
    for note in notes {
        let NoteBody::Text(text) = &note.record.body else {
            return Err(format!("note {} has paragraphs", note.number));
        };
        let (writer, index) =
            parse_label(text).ok_or_else(|| format!("note {} has no label", note.number))?;
        if *text != note_text(seed, writer, index) {
            return Err(format!(
                "note {} of writer {writer} has other content",
                note.number
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The parent

/// What the writers reported.
struct WriterReport {
    /// Acknowledged notes, by writer, in the order of the acks.
    acknowledged: BTreeMap<u64, Vec<u64>>,
    /// Times a writer found the lock taken.
    retries: u64,
}

/// Starts `writers` writer processes, lets them start at the same moment,
/// and waits until each has added `notes` notes.
fn run_writers(path: &Path, seed: u64, writers: u64, notes: u64) -> WriterReport {
    let mut children: Vec<(u64, ChildProcess)> = (1..=writers)
        .map(|writer| {
            let child = ChildProcess::spawn(
                WRITER_TEST,
                &[
                    (CHILD_VAULT_VAR, path.display().to_string()),
                    (CHILD_SEED_VAR, seed.to_string()),
                    (CHILD_WRITER_VAR, writer.to_string()),
                    (CHILD_NOTES_VAR, notes.to_string()),
                ],
            );
            (writer, child)
        })
        .collect();
    for (_, child) in &mut children {
        child.expect_message("ready", CHILD_TIMEOUT);
    }
    for (_, child) in &mut children {
        child.send("go");
    }

    let mut report = WriterReport {
        acknowledged: BTreeMap::new(),
        retries: 0,
    };
    for (writer, mut child) in children {
        let ended = child.finish();
        assert!(ended.success, "writer {writer} failed\nstderr:\n{}", ended.stderr);
        let mut indexes = Vec::new();
        let mut retries = None;
        for message in &ended.messages {
            let words: Vec<&str> = message.split(' ').collect();
            match words.as_slice() {
                ["ack", from, index] => {
                    assert_eq!(
                        from.parse::<u64>().ok(),
                        Some(writer),
                        "writer {writer} wrote {message:?}"
                    );
                    indexes.push(index.parse::<u64>().expect("note number"));
                }
                ["retries", count] => retries = Some(count.parse::<u64>().expect("retry count")),
                _ => panic!("writer {writer} wrote {message:?}\nstderr:\n{}", ended.stderr),
            }
        }
        assert_eq!(
            indexes,
            (0..notes).collect::<Vec<_>>(),
            "notes writer {writer} acknowledged"
        );
        report.retries += retries.unwrap_or_else(|| panic!("writer {writer} did not report its retries"));
        report.acknowledged.insert(writer, indexes);
    }
    report
}

/// Checks that the vault verifies and contains each acknowledged note exactly
/// once, with its content, in the order each writer added them, and nothing
/// else.
fn check_notes(path: &Path, seed: u64, report: &WriterReport) {
    let vault = Vault::open_with(path, passphrase(), Access::Read, common::memory_beside(path))
        .expect("the vault opens and verifies");
    let dossier = vault.find(PERSON).expect("the person dossier");
    let notes = vault.notes(dossier).expect("every note reads");

    let mut found: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for note in &notes {
        let NoteBody::Text(text) = &note.record.body else {
            panic!("note {} has paragraphs", note.number);
        };
        let (writer, index) =
            parse_label(text).unwrap_or_else(|| panic!("note {} has no label", note.number));
        assert!(
            *text == note_text(seed, writer, index),
            "note {} (writer {writer}, note {index}) has other content than the writer added",
            note.number
        );
        found.entry(writer).or_default().push(index);
    }
    // Each writer's notes are in the journal in the order it added them,
    // once each.
    assert_eq!(found, report.acknowledged, "notes in the vault, by writer");

    let total: usize = report.acknowledged.values().map(Vec::len).sum();
    assert_eq!(
        vault.journal_len(),
        2 + total as u64,
        "journal entries: vault-created, person-created and one per note"
    );
    let header = fs::read(path.join("kluis.cbor")).expect("read kluis.cbor");
    let journal = Journal::load(&Store::new(path), vault.id(), &header, &vault.verifying_key())
        .expect("the journal verifies");
    assert_eq!(journal.head_seq, journal.last_seq(), "HEAD names the last entry");

    // Without crashes, every write completes: no temporary files and no
    // objects outside the journal are left.
    let referenced: BTreeSet<String> = journal
        .entries
        .iter()
        .flat_map(|entry| entry.payload.objects.iter().map(|object| object.id.to_hex()))
        .collect();
    let mut on_disk = BTreeSet::new();
    for file in common::walk_files(path) {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            !name.starts_with(".tmp-"),
            "temporary file left: {}",
            file.display()
        );
        if file.parent().and_then(Path::parent) == Some(path.join("objects").as_path()) {
            on_disk.insert(name);
        }
    }
    assert_eq!(
        on_disk, referenced,
        "object files against the objects the journal lists"
    );
}

#[test]
fn concurrent_writers_keep_every_note() {
    let seed: u64 = rand::random();
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = new_vault(folder.path());

    let report = run_writers(&path, seed, 3, 12);
    println!(
        "3 writers, 12 notes each; a writer found the lock taken {} times",
        report.retries
    );
    assert!(
        report.retries > 0,
        "no writer ever found the lock taken, so the writers never overlapped and the lock went untested"
    );
    check_notes(&path, seed, &report);
}

#[test]
fn readers_see_only_whole_states() {
    let seed: u64 = rand::random();
    let folder = tempfile::tempdir().expect("temporary folder");
    let path = new_vault(folder.path());

    let mut readers: Vec<ChildProcess> = (0..2)
        .map(|_| {
            ChildProcess::spawn(
                READER_TEST,
                &[
                    (CHILD_VAULT_VAR, path.display().to_string()),
                    (CHILD_SEED_VAR, seed.to_string()),
                ],
            )
        })
        .collect();
    for reader in &mut readers {
        reader.expect_message("ready", CHILD_TIMEOUT);
    }

    let report = run_writers(&path, seed, 2, 20);

    for (number, mut reader) in readers.into_iter().enumerate() {
        let ended = reader.finish();
        let [message] = ended.messages.as_slice() else {
            panic!(
                "reader {number} wrote {:?}\nstderr:\n{}",
                ended.messages, ended.stderr
            );
        };
        let words: Vec<&str> = message.split(' ').collect();
        let ["reads", loads, "full", full, "lengths", lengths] = words.as_slice() else {
            panic!("reader {number}: {message}\nstderr:\n{}", ended.stderr);
        };
        println!(
            "reader {number}: {loads} journal checks, {full} full reads, {lengths} journal lengths seen"
        );
        let full: u64 = full.parse().expect("count");
        let lengths: u64 = lengths.parse().expect("count");
        assert!(full > 0, "reader {number} never read the whole vault");
        assert!(
            lengths > 1,
            "reader {number} saw the journal at one length only, so it never read while a writer wrote"
        );
    }
    check_notes(&path, seed, &report);
}
