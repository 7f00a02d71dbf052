//! Damaging a test vault on purpose: finding the object file of each item
//! through the library, changing bytes, and putting an older copy of the
//! vault folder back.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use kluis::model::{Access, Vault};
use kluis::store::seen::SeenHeads;
use kluis::store::Store;

use super::{copy_tree, kluis, run_command, sample, TestVault, ENGLISH, PASSPHRASE};

/// The object files of one dossier, each list in journal order.
pub struct DossierFiles {
    /// The dossier key first, then every details object.
    pub records: Vec<PathBuf>,
    pub notes: Vec<PathBuf>,
    pub attachment_records: Vec<PathBuf>,
    pub attachment_contents: Vec<PathBuf>,
    pub consents: Vec<PathBuf>,
    pub withdrawals: Vec<PathBuf>,
    pub cards: Vec<PathBuf>,
    pub requests: Vec<PathBuf>,
}

/// Opens a test vault through the library with a memory of verified
/// journals of its own, so the memory the `kluis` runs use is untouched.
pub fn open_aside(vault: &TestVault) -> Vault {
    let memory = tempfile::tempdir().unwrap();
    Vault::open_with(
        &vault.path,
        SecretString::from(PASSPHRASE),
        Access::Read,
        SeenHeads::at(memory.path()),
    )
    .expect("the vault opens")
}

/// Looks up where every dossier's items are stored, by registration number.
pub fn files_by_registration(vault: &TestVault) -> BTreeMap<String, DossierFiles> {
    let opened = open_aside(vault);
    let path = |object| vault.path.join(Store::object_name(object));
    opened
        .dossiers()
        .iter()
        .map(|dossier| {
            let files = DossierFiles {
                records: dossier.records.iter().map(|object| path(*object)).collect(),
                notes: dossier.notes.iter().map(|note| path(note.object)).collect(),
                attachment_records: dossier.attachments.iter().map(|a| path(a.object)).collect(),
                attachment_contents: dossier.attachments.iter().map(|a| path(a.blob)).collect(),
                consents: dossier.consents.iter().map(|c| path(c.object)).collect(),
                withdrawals: dossier.withdrawals.iter().map(|w| path(w.object)).collect(),
                cards: dossier.cards.iter().map(|card| path(*card)).collect(),
                requests: dossier.requests.iter().map(|(_, object)| path(*object)).collect(),
            };
            (dossier.details.registration().to_string(), files)
        })
        .collect()
}

/// Looks up where one dossier's items are stored.
pub fn files_of(vault: &TestVault, registration: &str) -> DossierFiles {
    files_by_registration(vault)
        .remove(registration)
        .expect("the dossier exists")
}

/// Returns an object file's path relative to the vault, as kluis names it.
pub fn object_name(vault: &TestVault, file: &Path) -> String {
    file.strip_prefix(&vault.path)
        .expect("a file of the vault")
        .to_str()
        .unwrap()
        .to_string()
}

/// Flips one bit of the byte at `at`, or of the last byte when the file is
/// shorter.
pub fn flip_byte(path: &Path, at: usize) {
    let mut bytes = fs::read(path).unwrap();
    let at = at.min(bytes.len() - 1);
    bytes[at] ^= 0x20;
    fs::write(path, bytes).unwrap();
}

/// Cuts a file to its first half.
pub fn truncate_half(path: &Path) {
    let bytes = fs::read(path).unwrap();
    fs::write(path, &bytes[..bytes.len() / 2]).unwrap();
}

/// Replaces the vault folder with `copy`, as a sync service or a restored
/// backup would.
pub fn put_back(vault: &TestVault, copy: &Path) {
    fs::remove_dir_all(&vault.path).unwrap();
    copy_tree(copy, &vault.path);
}

/// Adds a session note to partner B's dossier in the vault folder `copy`,
/// as another computer with its own memory of verified journals would.
pub fn add_note_elsewhere(vault: &TestVault, copy: &Path) {
    let mut elsewhere = kluis(copy, ENGLISH, Some(PASSPHRASE));
    elsewhere.env("KLUIS_STATE_DIR", vault.file("other-computer"));
    let there = vault.write_file("there.md", "daar geschreven");
    run_command(elsewhere.args([
        "note",
        "add",
        sample::B,
        "--kind",
        "session",
        "--date",
        "2026-05-04",
        "--file",
        there.to_str().unwrap(),
    ]))
    .expect_code(0);
}
