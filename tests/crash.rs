//! Crash test of the write order (vault-format.md, section 7): a child
//! process writes to a vault through the library and is killed with SIGKILL
//! at a random moment, round after round. After every kill the vault must
//! open and verify, hold every write the child acknowledged with its exact
//! content, and contain nothing but vault files and `.tmp-*` leftovers.
//!
//! The child is this test binary run again with only the ignored test
//! `crash_child_writer` selected. It opens the vault once and writes until it
//! is killed, printing "ack N WHAT" after the library call for write N
//! returned Ok. The content of each write follows from the round's seed and
//! N, so the parent can regenerate it. Every kill lands after the child
//! unlocked the vault, a random time after the parent sent it "go".
//!
//! The vault's `identity.age` is re-encrypted at a low scrypt work factor
//! (`common::scrypt`), so that starting a child costs milliseconds instead
//! of the half second or more a real vault's unlock takes. The write order
//! does not depend on it.
//!
//! SIGKILL ends the process, not the machine, so data the child handed to
//! the kernel survives. The test checks the order of the steps and the
//! atomic renames, but it cannot show that the `fsync` calls make a write
//! survive a power loss.
//!
//! The run prints its seed. `KLUIS_CRASH_SEED=<seed> cargo test --test crash
//! -- --nocapture` repeats the same writes and kill delays, but where each
//! kill lands still depends on the machine's timing.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use age::secrecy::SecretString;
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};

use common::child::{self, ChildProcess};
use common::{run_command, ENGLISH, PASSPHRASE};
use kluis::format::{cbor, AttachmentRecord, NoteBody, NoteKind, NoteRecord, ObjectRef};
use kluis::ids::{DossierId, ObjectId};
use kluis::keys;
use kluis::model::{Access, Attachment, AttachmentEntry, Details, Dossier, NewPerson, Vault};
use kluis::store::journal::Journal;
use kluis::store::{sha256, Store};

/// Environment variable that replays a run with the seed it printed.
const SEED_VAR: &str = "KLUIS_CRASH_SEED";

/// Environment variables that tell the child what to do.
const CHILD_VAULT_VAR: &str = "KLUIS_CRASH_CHILD_VAULT";
const CHILD_ROUND_VAR: &str = "KLUIS_CRASH_CHILD_ROUND";
const CHILD_SEED_VAR: &str = "KLUIS_CRASH_CHILD_SEED";
const CHILD_TEST: &str = "crash_child_writer";

/// The run goes on until both numbers are reached.
const MIN_ACKNOWLEDGED: u64 = 200;
const MIN_KILLS: u64 = 40;
/// The test fails if the two minimums take more rounds than this.
const MAX_ROUNDS: u64 = 150;

/// Writes a round is to acknowledge on average. The time from "go" to the
/// kill is random, up to twice the time this many writes took so far, so
/// the number of writes and the test's run time depend little on the
/// speed of the machine.
const MEAN_WRITES_PER_ROUND: f64 = 6.0;
/// Maximum time from "go" to the kill in the first round, before any write
/// was timed.
const FIRST_MAX_WRITE_TIME: Duration = Duration::from_millis(400);
/// Time the parent waits for a child to unlock the vault. Only a hung child
/// takes this long.
const UNLOCK_TIMEOUT: Duration = Duration::from_secs(120);

/// Largest note text and attachment content, in bytes.
const MAX_CONTENT_BYTES: usize = 1 << 20;
/// Writes after which a child stops, far more than it can make before the
/// kill.
const MAX_CHILD_WRITES: u64 = 100_000;

/// Registration number of the person dossier the vault starts with.
const FIRST_PERSON: &str = "P-0";
const PERSON_START: &str = "2026-01-05";

fn passphrase() -> SecretString {
    SecretString::from(PASSPHRASE.to_string())
}

fn date(text: &str) -> jiff::civil::Date {
    text.parse().expect("valid date")
}

// ---------------------------------------------------------------------------
// The writes, as they follow from a round's seed

/// One write of the child.
struct PlannedWrite {
    /// "round R write N": the first line of a note, the label of an
    /// attachment, the name of a person.
    label: String,
    /// Picks the person dossier a note or attachment goes to, out of those
    /// the child found when it opened the vault or created since.
    target: u64,
    action: Action,
}

enum Action {
    Note {
        kind: NoteKind,
        date: jiff::civil::Date,
        text: String,
    },
    Attachment {
        file_name: String,
        content: Vec<u8>,
    },
    Person {
        registration: String,
    },
}

impl PlannedWrite {
    /// Returns the "WHAT" of the ack line: the kind of write and the
    /// registration number of its dossier.
    fn what(&self, dossier: &str) -> String {
        match &self.action {
            Action::Note { .. } => format!("note {dossier}"),
            Action::Attachment { .. } => format!("attachment {dossier}"),
            Action::Person { registration } => format!("person {registration}"),
        }
    }

    /// Returns a SHA-256 over everything the write stores, to compare with
    /// [`Item::fingerprint`].
    fn fingerprint(&self) -> [u8; 32] {
        match &self.action {
            Action::Note { kind, date, text } => note_fingerprint(*kind, &date.to_string(), text),
            Action::Attachment { file_name, content } => {
                attachment_fingerprint(&self.label, file_name, content)
            }
            Action::Person { registration } => person_fingerprint(registration, &self.label),
        }
    }
}

fn note_fingerprint(kind: NoteKind, date: &str, text: &str) -> [u8; 32] {
    sha256(format!("note {kind:?} {date}\n{text}").as_bytes())
}

fn attachment_fingerprint(label: &str, file_name: &str, content: &[u8]) -> [u8; 32] {
    let mut bytes = format!("attachment {label} {file_name}\n").into_bytes();
    bytes.extend_from_slice(content);
    sha256(&bytes)
}

fn person_fingerprint(registration: &str, name: &str) -> [u8; 32] {
    sha256(format!("person {registration} {name}").as_bytes())
}

/// Returns write `number` of round `round`. The same three values always
/// give the same write, in the child and in the parent.
fn plan_write(round: u64, round_seed: u64, number: u64) -> PlannedWrite {
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&round_seed.to_le_bytes());
    seed[8..16].copy_from_slice(&number.to_le_bytes());
    let mut rng = StdRng::from_seed(seed);

    let label = format!("round {round} write {number}");
    let target = rng.next_u64();
    let roll = rng.gen_range(0..100);
    let action = if roll < 5 {
        Action::Person {
            registration: format!("P-{round}-{number}"),
        }
    } else if roll < 17 {
        let mut content = vec![0u8; random_size(&mut rng)];
        rng.fill_bytes(&mut content);
        Action::Attachment {
            file_name: format!("r{round}-w{number}.bin"),
            content,
        }
    } else {
        let kind = [
            NoteKind::Intake,
            NoteKind::Session,
            NoteKind::Report,
            NoteKind::WorkingNote,
        ][rng.gen_range(0..4)];
        let date = date("2025-01-01")
            .checked_add(jiff::Span::new().days(rng.gen_range(0..365)))
            .expect("a day in 2025");
        let size = random_size(&mut rng);
        Action::Note {
            kind,
            date,
            text: format!("{label}\n{}", random_text(&mut rng, size)),
        }
    };
    PlannedWrite {
        label,
        target,
        action,
    }
}

/// Returns a size from 4 bytes to [`MAX_CONTENT_BYTES`], evenly spread on a
/// log scale, so most writes are small and about one in nine is over
/// 256 KiB.
fn random_size(rng: &mut StdRng) -> usize {
    let exponent = rng.gen_range(2.0f64..(MAX_CONTENT_BYTES as f64).log2());
    exponent.exp2() as usize
}

/// Returns random text of `bytes` bytes, or up to two more, with line
/// breaks and characters that take more than one byte in UTF-8.
fn random_text(rng: &mut StdRng, bytes: usize) -> String {
    const ALPHABET: [char; 16] = [
        'a', 'e', 'i', 'n', 'r', 's', 't', 'K', ' ', ' ', '\n', '.', 'é', 'ë', 'ĳ', '€',
    ];
    let mut raw = vec![0u8; bytes];
    rng.fill_bytes(&mut raw);
    let mut text = String::with_capacity(bytes + 4);
    for byte in raw {
        if text.len() >= bytes {
            break;
        }
        text.push(ALPHABET[usize::from(byte) % ALPHABET.len()]);
    }
    text
}

// ---------------------------------------------------------------------------
// The child

/// Entry point of the child process that `crash_loop_keeps_acknowledged_writes`
/// starts. Run directly, without the child's environment, it does nothing.
#[test]
#[ignore = "runs only as the child process of crash_loop_keeps_acknowledged_writes"]
fn crash_child_writer() {
    let Ok(vault_path) = std::env::var(CHILD_VAULT_VAR) else {
        return;
    };
    let round: u64 = env_number(CHILD_ROUND_VAR);
    let round_seed: u64 = env_number(CHILD_SEED_VAR);

    let mut vault = match Vault::open_with(
        Path::new(&vault_path),
        passphrase(),
        Access::Write,
        common::memory_beside(Path::new(&vault_path)),
    ) {
        Ok(vault) => vault,
        Err(err) => {
            child::say(&format!("error opening the vault: {err}"));
            panic!("the child failed to open the vault: {err}");
        }
    };
    child::say("ready");
    if child::hear().as_deref() != Some("go") {
        return;
    }

    let mut persons = person_dossiers(&vault);
    for number in 0..MAX_CHILD_WRITES {
        let plan = plan_write(round, round_seed, number);
        let (dossier, registration) = persons[(plan.target % persons.len() as u64) as usize].clone();
        let what = plan.what(&registration);
        let label = plan.label.clone();
        let result = match plan.action {
            Action::Note { kind, date, text } => vault.add_note(dossier, kind, date, NoteBody::Text(text)),
            Action::Attachment { file_name, content } => vault
                .add_attachment(
                    dossier,
                    Attachment {
                        label,
                        file_name,
                        media_type: "application/octet-stream".into(),
                        content: content.as_slice(),
                    },
                )
                .map(|_| ()),
            Action::Person { registration } => vault
                .add_person(NewPerson {
                    registration: registration.clone(),
                    name: label,
                    email: None,
                    phone: None,
                    address: None,
                    start: date(PERSON_START),
                })
                .map(|id| persons.push((id, registration))),
        };
        if let Err(err) = result {
            child::say(&format!("error in write {number} ({what}): {err}"));
            panic!("write {number} ({what}) failed: {err}");
        }
        child::say(&format!("ack {number} {what}"));
    }
    child::say("done");
}

fn env_number(name: &str) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| panic!("{name} is missing or not a number"))
}

fn person_dossiers(vault: &Vault) -> Vec<(DossierId, String)> {
    vault
        .dossiers()
        .iter()
        .filter(|dossier| !dossier.is_couple())
        .map(|dossier| (dossier.id, dossier.details.registration().to_string()))
        .collect()
}

// ---------------------------------------------------------------------------
// What the parent expects

/// One round: a child started, given "go", and killed.
struct Round {
    seed: u64,
    /// Number of writes the child acknowledged, which are numbered from 0.
    acknowledged: u64,
}

/// A write the child acknowledged.
struct Acknowledged {
    what: String,
    fingerprint: [u8; 32],
}

/// The writes the vault must contain, as the parent recorded them.
#[derive(Default)]
struct History {
    rounds: Vec<Round>,
    acknowledged: BTreeMap<(u64, u64), Acknowledged>,
}

// ---------------------------------------------------------------------------
// What the vault contains

/// A note, attachment or person dossier of the crash writes, found in the
/// vault.
struct Item {
    /// "note REG", "attachment REG" or "person REG", as in the ack line.
    what: String,
    fingerprint: [u8; 32],
}

/// What the parent learned from a note or attachment object when it first
/// decrypted it. Objects are write-once, and every round checks each file
/// against the SHA-256 its journal entry gives, so this stays true.
#[derive(Clone)]
struct Decrypted {
    write: (u64, u64),
    fingerprint: [u8; 32],
}

/// Notes and attachments decrypted in earlier rounds, by object.
type Cache = HashMap<ObjectId, Decrypted>;

/// The state of the vault after a kill.
#[derive(Default)]
struct Snapshot {
    /// Journal entries after the one `HEAD` names.
    entries_after_head: u64,
    journal_len: u64,
    /// `.tmp-*` files in the vault folder, in `journal/` and below `objects/`.
    temp_root: usize,
    temp_journal: usize,
    temp_objects: usize,
    /// Object files that no journal entry lists.
    unreferenced_objects: usize,
    /// Whether the write in progress at the last kill is in the vault
    /// although the child did not acknowledge it. It is from the moment its
    /// journal entry exists, because readers accept entries after `HEAD`.
    unacknowledged: bool,
}

impl Snapshot {
    fn temp_files(&self) -> usize {
        self.temp_root + self.temp_journal + self.temp_objects
    }
}

/// Returns "round R write N" as numbers.
fn parse_label(label: &str) -> Option<(u64, u64)> {
    let rest = label.strip_prefix("round ")?;
    let (round, number) = rest.split_once(" write ")?;
    Some((round.parse().ok()?, number.parse().ok()?))
}

/// Opens and verifies the vault, checks every object a dossier lists
/// against its journal hash, and compares the items with `history`. Panics
/// with `context` on the first difference.
fn inspect(path: &Path, history: &History, before: &Snapshot, cache: &mut Cache, context: &str) -> Snapshot {
    let vault = Vault::open_with(path, passphrase(), Access::Read, common::memory_beside(path))
        .unwrap_or_else(|err| panic!("{context}: the vault does not open: {err}"));
    let store = Store::new(path);
    let header = fs::read(path.join("kluis.cbor")).expect("read kluis.cbor");
    let journal = Journal::load(&store, vault.id(), &header, &vault.verifying_key())
        .unwrap_or_else(|err| panic!("{context}: the journal does not verify: {err}"));
    let refs: HashMap<ObjectId, ObjectRef> = journal
        .entries
        .iter()
        .flat_map(|entry| {
            entry
                .payload
                .objects
                .iter()
                .map(|object| (object.id, object.clone()))
        })
        .collect();

    let mut items: HashMap<(u64, u64), Item> = HashMap::new();
    let mut add_item = |write: (u64, u64), item: Item| {
        if items.insert(write, item).is_some() {
            panic!(
                "{context}: round {} write {} is in the vault twice",
                write.0, write.1
            );
        }
    };
    for dossier in vault.dossiers() {
        let Details::Person(person) = &dossier.details else {
            panic!("{context}: the crash writes make no couple records");
        };
        let registration = &person.registration;
        if registration != FIRST_PERSON {
            let write = parse_label(&person.name)
                .unwrap_or_else(|| panic!("{context}: person {registration} has an unknown name"));
            add_item(
                write,
                Item {
                    what: format!("person {registration}"),
                    fingerprint: person_fingerprint(registration, &person.name),
                },
            );
        }

        let mut note_writes = Vec::new();
        for note in &dossier.notes {
            let decrypted = read_note(&store, &refs, dossier, note.object, cache, context);
            note_writes.push(decrypted.write);
            add_item(
                decrypted.write,
                Item {
                    what: format!("note {registration}"),
                    fingerprint: decrypted.fingerprint,
                },
            );
        }
        let mut attachment_writes = Vec::new();
        for attachment in &dossier.attachments {
            let decrypted = read_attachment(&store, &refs, dossier, attachment, cache, context);
            attachment_writes.push(decrypted.write);
            add_item(
                decrypted.write,
                Item {
                    what: format!("attachment {registration}"),
                    fingerprint: decrypted.fingerprint,
                },
            );
        }
        // A dossier lists its items in journal order, which is the order
        // they were written in.
        for writes in [&note_writes, &attachment_writes] {
            for pair in writes.windows(2) {
                assert!(
                    pair[0] < pair[1],
                    "{context}: {registration} lists round {} write {} before round {} write {}",
                    pair[0].0,
                    pair[0].1,
                    pair[1].0,
                    pair[1].1
                );
            }
        }
    }

    let mut snapshot = Snapshot {
        unacknowledged: check_items(&items, history, context),
        ..Snapshot::default()
    };
    let last_round_acknowledged = history.rounds.last().map_or(0, |round| round.acknowledged);
    check_journal_and_files(
        path,
        &journal,
        last_round_acknowledged,
        before,
        &mut snapshot,
        context,
    );
    snapshot
}

/// Reads a note object, checked against the SHA-256 in the journal, and
/// decrypts it unless an earlier round did.
fn read_note(
    store: &Store,
    refs: &HashMap<ObjectId, ObjectRef>,
    dossier: &Dossier,
    object: ObjectId,
    cache: &mut Cache,
    context: &str,
) -> Decrypted {
    let name = Store::object_name(object);
    let bytes = read_object(store, refs, object, context);
    if let Some(known) = cache.get(&object) {
        return known.clone();
    }
    let plaintext = keys::open(&bytes, dossier.key.identity(), &name)
        .unwrap_or_else(|err| panic!("{context}: note {name}: {err}"));
    let record: NoteRecord =
        cbor::from_slice(&plaintext).unwrap_or_else(|err| panic!("{context}: note {name}: {err}"));
    let NoteBody::Text(text) = &record.body else {
        panic!("{context}: note {name} has paragraphs");
    };
    let write = text
        .lines()
        .next()
        .and_then(parse_label)
        .unwrap_or_else(|| panic!("{context}: note {name} has no label"));
    let decrypted = Decrypted {
        write,
        fingerprint: note_fingerprint(record.kind, &record.date, text),
    };
    cache.insert(object, decrypted.clone());
    decrypted
}

/// Reads an attachment's description and content objects, checked against
/// the SHA-256 in the journal, and decrypts them unless an earlier round did.
fn read_attachment(
    store: &Store,
    refs: &HashMap<ObjectId, ObjectRef>,
    dossier: &Dossier,
    attachment: &AttachmentEntry,
    cache: &mut Cache,
    context: &str,
) -> Decrypted {
    let name = Store::object_name(attachment.object);
    let description = read_object(store, refs, attachment.object, context);
    let blob = read_object(store, refs, attachment.blob, context);
    if let Some(known) = cache.get(&attachment.object) {
        return known.clone();
    }

    let plaintext = keys::open(&description, dossier.key.identity(), &name)
        .unwrap_or_else(|err| panic!("{context}: attachment {name}: {err}"));
    let record: AttachmentRecord =
        cbor::from_slice(&plaintext).unwrap_or_else(|err| panic!("{context}: attachment {name}: {err}"));
    assert!(
        record.blob == attachment.blob,
        "{context}: attachment {name} names another blob"
    );

    let content = keys::open(
        &blob,
        dossier.key.identity(),
        &Store::object_name(attachment.blob),
    )
    .unwrap_or_else(|err| panic!("{context}: content of {}: {err}", record.label));
    assert_eq!(
        record.size,
        content.len() as u64,
        "{context}: size of {}",
        record.label
    );
    assert!(
        record.sha256.as_slice() == sha256(&content).as_slice(),
        "{context}: SHA-256 of {}",
        record.label
    );

    let write =
        parse_label(&record.label).unwrap_or_else(|| panic!("{context}: attachment {name} has no label"));
    let decrypted = Decrypted {
        write,
        fingerprint: attachment_fingerprint(&record.label, &record.file_name, &content),
    };
    cache.insert(attachment.object, decrypted.clone());
    decrypted
}

/// Reads an object file and checks it against the SHA-256 of the journal
/// entry that wrote it.
fn read_object(
    store: &Store,
    refs: &HashMap<ObjectId, ObjectRef>,
    object: ObjectId,
    context: &str,
) -> Vec<u8> {
    let name = Store::object_name(object);
    let object_ref = refs
        .get(&object)
        .unwrap_or_else(|| panic!("{context}: {name} is in no journal entry"));
    store
        .get_object(object_ref)
        .unwrap_or_else(|err| panic!("{context}: {name}: {err}"))
}

/// Checks that every acknowledged write is in the vault with its content,
/// and that anything else is the write in progress at some kill. Returns
/// whether the write in progress at the last kill is in the vault.
fn check_items(items: &HashMap<(u64, u64), Item>, history: &History, context: &str) -> bool {
    for (&(round, number), acknowledged) in &history.acknowledged {
        let item = items.get(&(round, number)).unwrap_or_else(|| {
            panic!(
                "{context}: acknowledged round {round} write {number} ({}) is lost",
                acknowledged.what
            )
        });
        assert_eq!(
            item.what, acknowledged.what,
            "{context}: round {round} write {number}"
        );
        assert!(
            item.fingerprint == acknowledged.fingerprint,
            "{context}: round {round} write {number} ({}) has other content than the child wrote",
            acknowledged.what
        );
    }

    let mut last_round_unacknowledged = false;
    for (&(round, number), item) in items {
        if history.acknowledged.contains_key(&(round, number)) {
            continue;
        }
        // A write that was not acknowledged may be in the vault only if it
        // was the one in progress when its child was killed.
        let record = history.rounds.get(round as usize).unwrap_or_else(|| {
            panic!("{context}: round {round} write {number} comes from no round that ran")
        });
        assert_eq!(
            number, record.acknowledged,
            "{context}: round {round} write {number} is in the vault, but the child was killed after acknowledging {} writes",
            record.acknowledged
        );
        let planned = plan_write(round, record.seed, number);
        assert!(
            item.fingerprint == planned.fingerprint(),
            "{context}: round {round} write {number} ({}), in progress at the kill, has other content than planned",
            item.what
        );
        if round + 1 == history.rounds.len() as u64 {
            last_round_unacknowledged = true;
        }
    }
    last_round_unacknowledged
}

/// Checks `HEAD` against the journal and counts the files the kills left.
fn check_journal_and_files(
    path: &Path,
    journal: &Journal,
    last_round_acknowledged: u64,
    before: &Snapshot,
    snapshot: &mut Snapshot,
    context: &str,
) {
    snapshot.journal_len = journal.last_seq();
    snapshot.entries_after_head = journal.last_seq() - journal.head_seq;
    // A kill leaves at most one entry after HEAD, and the next completed
    // write moves HEAD past all of them.
    assert!(
        snapshot.entries_after_head <= before.entries_after_head + 1,
        "{context}: {} entries after HEAD, {} before this round",
        snapshot.entries_after_head,
        before.entries_after_head
    );
    if last_round_acknowledged > 0 {
        assert!(
            snapshot.entries_after_head <= 1,
            "{context}: {} entries after HEAD, although the child completed writes",
            snapshot.entries_after_head
        );
    }
    assert!(
        snapshot.journal_len >= before.journal_len,
        "{context}: the journal shrank from {} to {} entries",
        before.journal_len,
        snapshot.journal_len
    );

    let referenced: HashSet<String> = journal
        .entries
        .iter()
        .flat_map(|entry| entry.payload.objects.iter().map(|object| object.id.to_hex()))
        .collect();
    let mut objects: HashSet<String> = HashSet::new();
    let unexpected = |file: &Path| panic!("{context}: unexpected file {}", file.display());

    for entry in fs::read_dir(path).expect("read vault folder") {
        let entry = entry.expect("vault folder entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        match name.as_str() {
            "kluis.cbor" | "identity.age" | "recovery.age" | "HEAD" | "lock" | "journal" | "objects" => {}
            _ if name.starts_with(".tmp-") => snapshot.temp_root += 1,
            _ => unexpected(&entry.path()),
        }
    }
    for entry in fs::read_dir(path.join("journal")).expect("read journal folder") {
        let entry = entry.expect("journal entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(".tmp-") {
            snapshot.temp_journal += 1;
        } else if name.len() != 12 || !name.bytes().all(|byte| byte.is_ascii_digit()) {
            unexpected(&entry.path());
        }
    }
    for folder in fs::read_dir(path.join("objects")).expect("read objects folder") {
        let folder = folder.expect("objects entry");
        let prefix = folder.file_name().to_string_lossy().into_owned();
        if prefix.starts_with(".tmp-") {
            snapshot.temp_objects += 1;
            continue;
        }
        if prefix.len() != 2 || !prefix.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            unexpected(&folder.path());
        }
        for file in fs::read_dir(folder.path()).expect("read object folder") {
            let file = file.expect("object file");
            let name = file.file_name().to_string_lossy().into_owned();
            if name.starts_with(".tmp-") {
                snapshot.temp_objects += 1;
            } else if name.len() == 32
                && name.starts_with(&prefix)
                && name.bytes().all(|b| b.is_ascii_hexdigit())
            {
                objects.insert(name);
            } else {
                unexpected(&file.path());
            }
        }
    }
    for id in &referenced {
        assert!(
            objects.contains(id),
            "{context}: object {id} of the journal is missing"
        );
    }
    snapshot.unreferenced_objects = objects.difference(&referenced).count();

    // The child writes one file at a time, and no write has more than two
    // objects, so one kill can add at most one temporary file and two
    // unreferenced objects.
    assert!(
        snapshot.temp_files() <= before.temp_files() + 1,
        "{context}: {} .tmp-* files, {} before this round",
        snapshot.temp_files(),
        before.temp_files()
    );
    assert!(
        snapshot.unreferenced_objects <= before.unreferenced_objects + 2,
        "{context}: {} unreferenced objects, {} before this round",
        snapshot.unreferenced_objects,
        before.unreferenced_objects
    );
}

// ---------------------------------------------------------------------------
// Where the kills landed

/// The steps of one write, in order, as the kill counts name them. They
/// refine the rows of the table in vault-format.md, section 7.3.
const KILL_POINTS: [&str; 7] = [
    "before the first file of a write",
    "while writing an object",
    "after the objects, before the entry",
    "while writing the entry",
    "after the entry, before HEAD",
    "while writing HEAD",
    "after HEAD was renamed, before the write returned",
];

/// Returns the index in [`KILL_POINTS`] of the step a kill interrupted,
/// from what it left behind.
fn kill_point(before: &Snapshot, after: &Snapshot, acknowledged: u64) -> usize {
    let new_entry_after_head = after.entries_after_head > 0
        && (acknowledged > 0 || after.entries_after_head > before.entries_after_head);
    if new_entry_after_head && after.temp_root > before.temp_root {
        5
    } else if new_entry_after_head {
        4
    } else if after.unacknowledged {
        6
    } else if after.temp_journal > before.temp_journal {
        3
    } else if after.temp_objects > before.temp_objects {
        1
    } else if after.unreferenced_objects > before.unreferenced_objects {
        2
    } else {
        0
    }
}

// ---------------------------------------------------------------------------
// The test

#[test]
fn crash_loop_keeps_acknowledged_writes() {
    let started = Instant::now();
    let seed = match std::env::var(SEED_VAR) {
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("{SEED_VAR} must be a number, not {text:?}")),
        Err(_) => rand::random(),
    };
    println!("crash test seed {seed}; replay with {SEED_VAR}={seed}");
    let mut rng = StdRng::seed_from_u64(seed);

    let folder = tempfile::tempdir().expect("temporary folder");
    let path = folder.path().join("vault");
    {
        let (mut vault, _recovery) =
            Vault::init_with(&path, passphrase(), common::memory_beside(&path)).expect("create the vault");
        vault
            .add_person(NewPerson {
                registration: FIRST_PERSON.into(),
                name: "first person".into(),
                email: None,
                phone: None,
                address: None,
                start: date(PERSON_START),
            })
            .expect("add the first person");
    }
    common::scrypt::lower_work_factor(&path, PASSPHRASE);

    let mut history = History::default();
    let mut cache = Cache::new();
    let mut snapshot = Snapshot::default();
    let mut kill_points = [0u64; KILL_POINTS.len()];
    let mut max_entries_after_head = 0u64;
    let mut writing_time = Duration::ZERO;

    loop {
        // The vault is as the last kill left it, and no child is running.
        let round = history.rounds.len() as u64;
        let context = format!("seed {seed}, after {round} kills");
        let before = std::mem::take(&mut snapshot);
        snapshot = inspect(&path, &history, &before, &mut cache, &context);
        // What every kill left passes a check: leftovers are only noted.
        let report = kluis::check::check(
            &path,
            passphrase(),
            kluis::check::Depth::Quick,
            &common::memory_beside(&path),
        )
        .expect("the check runs");
        assert!(report.is_clean(), "{context}: check found {:?}", report.findings);
        max_entries_after_head = max_entries_after_head.max(snapshot.entries_after_head);
        if let Some(last) = history.rounds.last() {
            kill_points[kill_point(&before, &snapshot, last.acknowledged)] += 1;
        }
        if history.acknowledged.len() as u64 >= MIN_ACKNOWLEDGED && round >= MIN_KILLS {
            break;
        }
        assert!(
            round < MAX_ROUNDS,
            "seed {seed}: {round} kills, but only {} writes acknowledged",
            history.acknowledged.len()
        );

        let round_seed = rng.next_u64();
        let max_write_time = if history.acknowledged.is_empty() {
            FIRST_MAX_WRITE_TIME
        } else {
            writing_time.mul_f64(2.0 * MEAN_WRITES_PER_ROUND / history.acknowledged.len() as f64)
        };
        let write_time = max_write_time.mul_f64(rng.gen_range(0.0..1.0));
        let mut writer = ChildProcess::spawn(
            CHILD_TEST,
            &[
                (CHILD_VAULT_VAR, path.display().to_string()),
                (CHILD_ROUND_VAR, round.to_string()),
                (CHILD_SEED_VAR, round_seed.to_string()),
            ],
        );
        writer.expect_message("ready", UNLOCK_TIMEOUT);
        writer.send("go");
        let go = Instant::now();
        std::thread::sleep(write_time);
        let ended = writer.kill();
        writing_time += go.elapsed();

        let mut acknowledged = 0u64;
        for message in &ended.messages {
            let Some(rest) = message.strip_prefix("ack ") else {
                panic!(
                    "seed {seed}, round {round}: the child wrote {message:?}\nstderr:\n{}",
                    ended.stderr
                );
            };
            let (number, what) = rest.split_once(' ').expect("ack N WHAT");
            let number: u64 = number.parse().expect("write number");
            assert_eq!(
                number, acknowledged,
                "seed {seed}, round {round}: acks out of order"
            );
            let planned = plan_write(round, round_seed, number);
            history.acknowledged.insert(
                (round, number),
                Acknowledged {
                    what: what.to_string(),
                    fingerprint: planned.fingerprint(),
                },
            );
            acknowledged += 1;
        }
        assert!(
            !ended.stderr.contains("panicked"),
            "seed {seed}, round {round}: the child failed\nstderr:\n{}",
            ended.stderr
        );
        history.rounds.push(Round {
            seed: round_seed,
            acknowledged,
        });
    }

    let context = format!("seed {seed}, after the last kill");
    let dossiers = read_through_library(&path, &cache, &context);
    verify_vault(&path, &dossiers);

    let kills = history.rounds.len();
    println!(
        "crash test: {kills} kills, {} writes acknowledged, {} journal entries",
        history.acknowledged.len(),
        snapshot.journal_len
    );
    println!("kills by the step of the write they interrupted:");
    for (point, count) in KILL_POINTS.iter().zip(kill_points) {
        println!("  {count:>4}  {point}");
    }
    println!(
        "left in the vault: {} .tmp-* files ({} in the vault folder, {} in journal/, {} below objects/), {} unreferenced objects; at most {} entries after HEAD",
        snapshot.temp_files(),
        snapshot.temp_root,
        snapshot.temp_journal,
        snapshot.temp_objects,
        snapshot.unreferenced_objects,
        max_entries_after_head
    );
    println!("run time {:.1} s", started.elapsed().as_secs_f64());
}

// ---------------------------------------------------------------------------
// The final check

/// A note or attachment as `kluis show` lists it.
struct Listed {
    line: String,
}

/// One person dossier as the library's read functions show it.
struct DossierView {
    registration: String,
    name: String,
    notes: Vec<Listed>,
    working_notes: usize,
    attachments: Vec<Listed>,
    /// The largest note: its number, and its text as `kluis show --note`
    /// prints it.
    largest_note: Option<(usize, String)>,
    /// The first attachment's number and content.
    first_attachment: Option<(usize, Vec<u8>)>,
}

/// Reads every note and attachment with the library's own read functions,
/// which the rounds bypassed to decrypt each object only once, and checks
/// that they agree with what the rounds decrypted.
fn read_through_library(path: &Path, cache: &Cache, context: &str) -> Vec<DossierView> {
    let vault = Vault::open_with(path, passphrase(), Access::Read, common::memory_beside(path))
        .unwrap_or_else(|err| panic!("{context}: the vault does not open: {err}"));
    let known = |object: &ObjectId| {
        cache
            .get(object)
            .unwrap_or_else(|| panic!("{context}: {} was not read before", Store::object_name(*object)))
    };
    let mut views = Vec::new();
    for dossier in vault.dossiers() {
        let Details::Person(person) = &dossier.details else {
            panic!("{context}: the crash writes make no couple records");
        };
        let mut view = DossierView {
            registration: person.registration.clone(),
            name: person.name.clone(),
            notes: Vec::new(),
            working_notes: 0,
            attachments: Vec::new(),
            largest_note: None,
            first_attachment: None,
        };

        let notes = vault
            .notes(dossier)
            .unwrap_or_else(|err| panic!("{context}: notes of {}: {err}", view.registration));
        for note in notes {
            let NoteBody::Text(text) = &note.record.body else {
                panic!(
                    "{context}: note {} of {} has paragraphs",
                    note.number, view.registration
                );
            };
            assert!(
                note_fingerprint(note.record.kind, &note.record.date, text)
                    == known(&note.object).fingerprint,
                "{context}: note {} of {} reads differently through Vault::notes",
                note.number,
                view.registration
            );
            let kind = match note.record.kind {
                NoteKind::Intake => "intake",
                NoteKind::Session => "session",
                NoteKind::Report => "report",
                NoteKind::WorkingNote => "working note",
            };
            if note.record.kind == NoteKind::WorkingNote {
                view.working_notes += 1;
            }
            let largest = view.largest_note.as_ref().map_or(0, |(_, printed)| printed.len());
            let printed = format!("# {kind} — {}\n\n{}\n", note.record.date, text.trim_end());
            if printed.len() > largest {
                view.largest_note = Some((note.number, printed));
            }
            view.notes.push(Listed {
                line: format!("  {:>3}. {} {kind}", note.number, note.record.date),
            });
        }

        let attachments = vault
            .attachments(dossier)
            .unwrap_or_else(|err| panic!("{context}: attachments of {}: {err}", view.registration));
        for attachment in attachments {
            let record = &attachment.record;
            let mut content = Vec::new();
            vault
                .attachment_content(dossier, &attachment)
                .unwrap_or_else(|err| panic!("{context}: content of {}: {err}", record.label))
                .read_to_end(&mut content)
                .unwrap_or_else(|err| panic!("{context}: content of {}: {err}", record.label));
            assert!(
                attachment_fingerprint(&record.label, &record.file_name, &content)
                    == known(&attachment.object).fingerprint,
                "{context}: {} reads differently through Vault::attachment_content",
                record.label
            );
            view.attachments.push(Listed {
                line: format!(
                    "  {:>3}. {} ({}, {} B)",
                    attachment.number, record.label, record.file_name, record.size
                ),
            });
            if view.first_attachment.is_none() {
                view.first_attachment = Some((attachment.number, content));
            }
        }
        views.push(view);
    }
    views
}

/// Runs the real `kluis` binary over the vault left by the last kill and
/// compares what it prints with what the library read.
fn verify_vault(path: &Path, dossiers: &[DossierView]) {
    let run = |args: &[&str]| {
        let output = run_command(common::kluis(path, ENGLISH, Some(PASSPHRASE)).args(args));
        output.expect_code(0);
        output
    };

    // Every object, signature and key verifies, attachment contents too.
    let check = run(&["check", "--full"]);
    assert!(check.stdout.contains("No problems found."), "{}", check.stdout);

    let list = run(&["list"]);
    let expected_list: Vec<String> = dossiers
        .iter()
        .map(|dossier| {
            format!(
                "{}  {}  (counselling from {PERSON_START}, without end date; notes: {}, working notes: {}, attachments: {}, consents: 0)",
                dossier.registration,
                dossier.name,
                dossier.notes.len() - dossier.working_notes,
                dossier.working_notes,
                dossier.attachments.len()
            )
        })
        .collect();
    assert_eq!(list.stdout_lines(), expected_list, "kluis list");

    let first = dossiers
        .iter()
        .find(|dossier| dossier.registration == FIRST_PERSON)
        .expect("the first person is in the vault");
    let show = run(&["show", FIRST_PERSON]);
    let mut expected_show = vec![
        format!("Dossier of {} ({FIRST_PERSON})", first.name),
        format!("  Counselling started: {PERSON_START}"),
        String::new(),
        format!("Notes: {}", first.notes.len()),
    ];
    expected_show.extend(first.notes.iter().map(|note| note.line.clone()));
    expected_show.push(format!("Attachments: {}", first.attachments.len()));
    expected_show.extend(first.attachments.iter().map(|attachment| attachment.line.clone()));
    // kluis ends each note line of the overview with a space.
    let shown: Vec<&str> = show.stdout.lines().map(str::trim_end).collect();
    assert_eq!(shown, expected_show, "kluis show {FIRST_PERSON}");

    if let Some((number, printed)) = &first.largest_note {
        let note = run(&["show", FIRST_PERSON, "--note", &number.to_string()]);
        assert!(
            note.stdout == *printed,
            "kluis show {FIRST_PERSON} --note {number} prints other text than the library read"
        );
    }
    if let Some((number, content)) = &first.first_attachment {
        let copy = path.with_file_name("attachment-copy");
        run(&[
            "show",
            FIRST_PERSON,
            "--attachment",
            &number.to_string(),
            "-o",
            copy.to_str().expect("UTF-8 path"),
        ]);
        let copied = fs::read(&copy).expect("read the attachment copy");
        assert!(
            copied == *content,
            "kluis show {FIRST_PERSON} --attachment {number} writes other bytes than the library read"
        );
    }
}
