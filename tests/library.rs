//! Library-level tests of guarantees that the command line cannot show:
//! what the journal records, which key opens which object, and how the
//! store reacts to files changed behind its back.

use std::fs;
use std::path::Path;

use age::secrecy::{ExposeSecret, SecretString};
use kluis::consent::{self, AttestedConsent, ConsentBook};
use kluis::export::{self, ExportRequest};
use kluis::format::{NoteBody, NoteKind, RecipientRecord};
use kluis::ids::DossierId;
use kluis::model::{Access, Attachment, NewPerson, Vault};
use kluis::store::seen::SeenHeads;
use kluis::store::Store;
use kluis::{keys, Error};

const PASSPHRASE: &str = "test wachtwoordzin 2026";

fn passphrase() -> SecretString {
    SecretString::from(PASSPHRASE.to_string())
}

fn date(text: &str) -> jiff::civil::Date {
    text.parse().unwrap()
}

fn person(vault: &mut Vault, registration: &str, name: &str) -> DossierId {
    vault
        .add_person(NewPerson {
            registration: registration.into(),
            name: name.into(),
            email: None,
            phone: None,
            address: None,
            start: date("2026-03-02"),
        })
        .unwrap()
}

fn attachment(label: &str, content: &'static [u8]) -> Attachment<&'static [u8]> {
    Attachment {
        label: label.into(),
        file_name: format!("{label}.txt"),
        media_type: "text/plain".into(),
        content,
    }
}

/// This machine's memory of verified journals for the vault at `path`,
/// kept next to it so that every test has its own.
fn memory(path: &Path) -> SeenHeads {
    SeenHeads::at(path.with_file_name("kluis-state"))
}

fn open(path: &Path, access: Access) -> kluis::Result<Vault> {
    Vault::open_with(path, passphrase(), access, memory(path))
}

/// A vault with two partners, a couple record and one note each.
fn couple_vault(path: &Path) -> (Vault, keys::RecoveryKey, DossierId, DossierId, DossierId) {
    let (mut vault, recovery) = Vault::init_with(path, passphrase(), memory(path)).unwrap();
    let a = person(&mut vault, "2026-041", "Anouk");
    let b = person(&mut vault, "2026-042", "Bastiaan");
    let couple = vault
        .add_couple("K-2026-017".into(), a, b, date("2026-03-02"))
        .unwrap();
    vault
        .add_note(
            a,
            NoteKind::Intake,
            date("2026-03-02"),
            NoteBody::Text("intake van A".into()),
        )
        .unwrap();
    vault
        .add_note(
            b,
            NoteKind::Intake,
            date("2026-03-02"),
            NoteBody::Text("intake van B".into()),
        )
        .unwrap();
    (vault, recovery, a, b, couple)
}

fn object_bytes(vault: &Vault, id: kluis::ids::ObjectId) -> Vec<u8> {
    fs::read(Store::new(vault.path()).object_path(id)).unwrap()
}

#[test]
fn disclosure_decision_journaled() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault");
    let (mut vault, _, a, b, _) = couple_vault(&path);
    let book = ConsentBook::load(&vault).unwrap();
    let now = jiff::Timestamp::now();
    let request = ExportRequest {
        recipient: RecipientRecord::Person(a),
        about: vec![b],
        time: now,
        requested_at: now,
        request_id: None,
    };
    let plan = export::plan(&vault, &book, request).unwrap();
    vault
        .record_disclosure(plan.record("passphrase".into(), false))
        .unwrap();
    drop(vault);

    let reopened = open(&path, Access::Read).unwrap();
    let disclosures = reopened.disclosures();
    assert_eq!(disclosures.len(), 1);
    let record = &disclosures[0].1;
    assert_eq!(record.recipient, RecipientRecord::Person(a));
    assert_eq!(record.items.len(), 2, "one note of A and one of B");
    let allowed: Vec<&str> = record
        .items
        .iter()
        .filter(|i| i.allowed)
        .map(|i| i.rule.as_str())
        .collect();
    let denied: Vec<&str> = record
        .items
        .iter()
        .filter(|i| !i.allowed)
        .map(|i| i.rule.as_str())
        .collect();
    assert_eq!(allowed, ["R1"]);
    assert_eq!(denied, ["R2"]);
}

#[test]
fn dossier_key_opens_only_own_dossier() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, recovery, a, b, _) = couple_vault(&dir.path().join("vault"));
    let dossier_a = vault.dossier(a).unwrap();
    let dossier_b = vault.dossier(b).unwrap();
    let note_a = object_bytes(&vault, dossier_a.notes[0].object);

    let plain = keys::open(&note_a, dossier_a.key.identity(), "note").unwrap();
    assert!(!plain.is_empty());
    assert!(keys::open(&note_a, dossier_b.key.identity(), "note").is_err());

    // Notes are encrypted to the dossier key only, not to the vault's keys:
    // without the dossier's key object even the recovery key cannot read them.
    let recovery_identity = keys::parse_recovery_key(recovery.secret().expose_secret()).unwrap();
    assert!(keys::open(&note_a, &recovery_identity, "note").is_err());
}

#[test]
fn recovery_key_unwraps_dossier_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault");
    let (vault, recovery, a, _, _) = couple_vault(&path);
    let recovery_identity = keys::parse_recovery_key(recovery.secret().expose_secret()).unwrap();
    let unwrapped: Vec<keys::DossierKey> = fs::read_dir(path.join("objects"))
        .unwrap()
        .flat_map(|folder| fs::read_dir(folder.unwrap().path()).unwrap())
        .filter_map(|file| {
            keys::DossierKey::unwrap(
                &fs::read(file.unwrap().path()).unwrap(),
                &recovery_identity,
                "key",
            )
            .ok()
        })
        .collect();
    assert_eq!(unwrapped.len(), 3, "two persons and one couple record");
    let key_a = unwrapped
        .iter()
        .find(|key| key.dossier == a)
        .expect("A's key unwraps");
    let expected = vault.dossier(a).unwrap().key.recipient().to_string();
    assert_eq!(key_a.recipient().to_string(), expected);
}

#[test]
fn swapped_attachment_detected() {
    let dir = tempfile::tempdir().unwrap();
    let (mut vault, _, a, _, _) = couple_vault(&dir.path().join("vault"));
    vault
        .add_attachment(a, attachment("first", b"first content"))
        .unwrap();
    vault
        .add_attachment(a, attachment("second", b"second content, longer"))
        .unwrap();
    let dossier = vault.dossier(a).unwrap();
    let store = Store::new(vault.path());
    let first = store.object_path(dossier.attachments[0].blob);
    let second = store.object_path(dossier.attachments[1].blob);
    let first_bytes = fs::read(&first).unwrap();
    fs::write(&first, fs::read(&second).unwrap()).unwrap();
    fs::write(&second, first_bytes).unwrap();

    let views = vault.attachments(dossier).unwrap();
    let mut content = vault.attachment_content(dossier, &views[0]).unwrap();
    let mut out = Vec::new();
    let result = std::io::copy(&mut content, &mut out);
    assert!(
        result.is_err(),
        "a swapped blob must not be read as the first attachment"
    );
}

#[test]
fn entry_after_head_survives_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault");
    let (mut vault, _, a, _, _) = couple_vault(&path);
    let head_before = fs::read(path.join("HEAD")).unwrap();
    let entries_before = vault.journal_len();
    vault
        .add_note(
            a,
            NoteKind::Session,
            date("2026-03-16"),
            NoteBody::Text("sessie".into()),
        )
        .unwrap();
    drop(vault);

    // A crash after the entry was written but before HEAD was replaced.
    fs::write(path.join("HEAD"), head_before).unwrap();
    let mut reopened = open(&path, Access::Write).unwrap();
    assert_eq!(reopened.journal_len(), entries_before + 1);
    assert_eq!(reopened.dossier(a).unwrap().notes.len(), 2);
    reopened
        .add_note(
            a,
            NoteKind::Report,
            date("2026-03-20"),
            NoteBody::Text("verslag".into()),
        )
        .unwrap();
    assert_eq!(reopened.journal_len(), entries_before + 2);
}

#[test]
fn unreferenced_object_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault");
    let (vault, _, _, _, _) = couple_vault(&path);
    let entries = vault.journal_len();
    drop(vault);
    // What a crash between writing an object and its journal entry leaves.
    fs::create_dir_all(path.join("objects/00")).unwrap();
    fs::write(
        path.join("objects/00/00000000000000000000000000000000"),
        b"orphan",
    )
    .unwrap();
    let reopened = open(&path, Access::Read).unwrap();
    assert_eq!(reopened.journal_len(), entries);
}

#[test]
fn second_writer_locked_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault");
    let (vault, _, _, _, _) = couple_vault(&path);
    let second = open(&path, Access::Write);
    assert!(matches!(second, Err(Error::Locked)));
    let reader = open(&path, Access::Read);
    assert!(reader.is_ok(), "readers need no lock");
    drop(vault);
    assert!(open(&path, Access::Write).is_ok());
}

#[test]
fn withdrawal_stops_next_export() {
    let dir = tempfile::tempdir().unwrap();
    let (mut vault, _, a, b, _) = couple_vault(&dir.path().join("vault"));
    let id = consent::record_attested(
        &mut vault,
        AttestedConsent {
            grantor: a,
            recipient: RecipientRecord::Person(b),
            classes: consent::ALL_CLASSES.to_vec(),
            after_end: true,
            valid_from: date("2026-03-02"),
            valid_until: None,
            purpose: "inzage".into(),
            signed_on: None,
            single_request: false,
            form: attachment("form", b"%PDF scan"),
        },
    )
    .unwrap();
    let request = || {
        let now = jiff::Timestamp::now();
        ExportRequest {
            recipient: RecipientRecord::Person(b),
            about: vec![a],
            time: now,
            requested_at: now,
            request_id: None,
        }
    };
    let allowed_about_a = |vault: &Vault| {
        let book = ConsentBook::load(vault).unwrap();
        let plan = export::plan(vault, &book, request()).unwrap();
        plan.allowed().filter(|item| item.dossier == a).count()
    };
    assert_eq!(allowed_about_a(&vault), 2, "A's intake and the scanned form");

    consent::withdraw::<&[u8]>(&mut vault, id, consent::WithdrawalMethod::NotInWriting).unwrap();
    assert_eq!(allowed_about_a(&vault), 0);
}

#[test]
fn missing_entry_after_head_detected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault");
    let (mut vault, _, a, _, _) = couple_vault(&path);
    let head_before = fs::read(path.join("HEAD")).unwrap();
    let next = vault.journal_len() + 1;
    vault
        .add_note(
            a,
            NoteKind::Session,
            date("2026-03-16"),
            NoteBody::Text("een".into()),
        )
        .unwrap();
    vault
        .add_note(
            a,
            NoteKind::Session,
            date("2026-03-23"),
            NoteBody::Text("twee".into()),
        )
        .unwrap();
    drop(vault);

    fs::write(path.join("HEAD"), head_before).unwrap();
    fs::remove_file(path.join(format!("journal/{next:012}"))).unwrap();
    let result = open(&path, Access::Read);
    assert!(matches!(
        result,
        Err(Error::Damaged(kluis::error::Damage::Missing { .. }))
    ));
}

#[test]
fn damaged_recovery_file_detected_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vault");
    let (vault, _, _, _, _) = couple_vault(&path);
    drop(vault);
    let recovery = path.join("recovery.age");
    let mut bytes = fs::read(&recovery).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    fs::write(&recovery, &bytes).unwrap();
    let result = open(&path, Access::Read);
    assert!(matches!(
        result,
        Err(Error::Damaged(kluis::error::Damage::Modified { .. }))
    ));

    fs::remove_file(&recovery).unwrap();
    let result = open(&path, Access::Read);
    assert!(matches!(
        result,
        Err(Error::Damaged(kluis::error::Damage::Missing { .. }))
    ));
}

#[test]
fn signed_receipt_covers_every_file() {
    use std::io::Read;

    let dir = tempfile::tempdir().unwrap();
    let (vault, _, a, _, _) = couple_vault(&dir.path().join("vault"));
    let book = ConsentBook::load(&vault).unwrap();
    let now = jiff::Timestamp::now();
    let request = ExportRequest {
        recipient: RecipientRecord::Person(a),
        about: Vec::new(),
        time: now,
        requested_at: now,
        request_id: None,
    };
    let plan = export::plan(&vault, &book, request).unwrap();
    let identity = age::x25519::Identity::generate();
    let recipient = export::ExportRecipient::X25519(identity.to_public());
    let archive = export::write_archive(&vault, &plan, &recipient, Vec::new(), false).unwrap();

    let decryptor = age::Decryptor::new(archive.as_slice()).unwrap();
    let mut plain = Vec::new();
    decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .unwrap()
        .read_to_end(&mut plain)
        .unwrap();
    let mut files = std::collections::BTreeMap::new();
    for entry in tar::Archive::new(plain.as_slice()).entries().unwrap() {
        let mut entry = entry.unwrap();
        let path = entry.path().unwrap().display().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        files.insert(path, bytes);
    }

    let signed = &files[&format!("{}/{}", export::ROOT, export::SIGNED_RECEIPT)];
    let receipt = export::verify_receipt(signed, &vault.verifying_key()).unwrap();
    assert_eq!(receipt.vault, vault.id());
    assert_eq!(receipt.recipient, RecipientRecord::Person(a));
    assert_eq!(
        receipt.files.len(),
        files.len() - 1,
        "every file but the receipt itself"
    );
    for listed in &receipt.files {
        let bytes = &files[&listed.path];
        assert_eq!(
            listed.sha256.as_slice(),
            kluis::store::sha256(bytes).as_slice(),
            "{}",
            listed.path
        );
    }
    assert_eq!(receipt.included.len(), 1, "A's intake");

    let stranger = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    assert!(export::verify_receipt(signed, &stranger.verifying_key()).is_err());
}
