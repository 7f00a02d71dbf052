//! Checks the committed client-statement vectors in
//! `tests/vectors/statements/` (`examples/make_statement_vectors.rs`
//! regenerates them, and the README there lists every file).
//!
//! Tests that import statements work on a copy of the vault in a temporary
//! folder, so the committed files stay as they are.

use std::fs;
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use tempfile::TempDir;

use kluis::consent::token::TokenError;
use kluis::consent::{self, ConsentBook, Imported};
use kluis::export;
use kluis::format::{CardRole, FormatError, RecipientRecord};
use kluis::model::{Access, Vault};
use kluis::partner::{self, KeyCard, PartnerKeys};
use kluis::store::seen::SeenHeads;
use kluis::Error;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("vectors")
        .join("statements")
}

fn read_bytes(name: &str) -> Vec<u8> {
    let path = vectors().join(name);
    fs::read(&path).unwrap_or_else(|err| panic!("reading {}: {err}", path.display()))
}

fn read_vector(name: &str) -> String {
    let path = vectors().join(name);
    fs::read_to_string(&path).unwrap_or_else(|err| panic!("reading {}: {err}", path.display()))
}

fn passphrase() -> SecretString {
    let text = read_vector("passphrase.txt");
    SecretString::from(text.lines().next().unwrap_or_default().trim().to_string())
}

fn counsellor_card() -> KeyCard {
    partner::parse_card(&read_vector("counsellor.card")).expect("parsing counsellor.card")
}

/// Copies a folder tree of regular files.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("creating the copy folder");
    for entry in fs::read_dir(from).expect("reading the vector vault") {
        let entry = entry.expect("reading a folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("reading a file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copying a vault file");
        }
    }
}

/// Opens a writable copy of the vector vault in a fresh temporary folder.
fn open_copy() -> (TempDir, Vault) {
    let scratch = tempfile::tempdir().expect("temporary folder");
    let path = scratch.path().join("vault");
    copy_dir(&vectors().join("vault"), &path);
    let memory = SeenHeads::at(scratch.path().join("kluis-state"));
    let vault = Vault::open_with(&path, passphrase(), Access::Write, memory).expect("opening the vault copy");
    (scratch, vault)
}

fn import(vault: &mut Vault, name: &str) -> kluis::Result<Imported> {
    consent::import(vault, &read_vector(name))
}

/// Returns the reason of an `InvalidToken` error, failing on any other result.
fn token_error(result: kluis::Result<Imported>, name: &str) -> TokenError {
    match result {
        Err(Error::InvalidToken { reason, .. }) => reason,
        other => panic!("importing {name}: expected InvalidToken, got {other:?}"),
    }
}

fn assert_already_imported(result: kluis::Result<Imported>, name: &str) {
    assert!(
        matches!(result, Err(Error::AlreadyImported { .. })),
        "importing {name} again: expected AlreadyImported, got {result:?}"
    );
}

#[test]
fn vault_holds_imported_consent() {
    let memory = tempfile::tempdir().expect("temporary folder");
    let vault = Vault::open_with(
        &vectors().join("vault"),
        passphrase(),
        Access::Read,
        SeenHeads::at(memory.path()),
    )
    .expect("opening the vault");

    let book = ConsentBook::load(&vault).expect("loading consents");

    assert_eq!(book.consents.len(), 1);
    assert!(book.consents[0].reverifications.is_empty());
    assert!(book.consents[0].withdrawals.is_empty());
    assert_eq!(vault.disclosures().len(), 1, "the export is recorded");
}

#[test]
fn statements_import_once() {
    let (_scratch, mut vault) = open_copy();

    let reverified = import(&mut vault, "reverification.kluis").expect("reverification.kluis imports");
    assert!(
        matches!(reverified, Imported::Reverification(_)),
        "reverification.kluis imported as {reverified:?}"
    );
    assert_already_imported(import(&mut vault, "reverification.kluis"), "reverification.kluis");

    let withdrawn = import(&mut vault, "withdrawal.kluis").expect("withdrawal.kluis imports");
    assert!(
        matches!(withdrawn, Imported::Withdrawal(_)),
        "withdrawal.kluis imported as {withdrawn:?}"
    );
    assert_already_imported(import(&mut vault, "withdrawal.kluis"), "withdrawal.kluis");

    let book = ConsentBook::load(&vault).expect("loading consents");
    assert_eq!(book.consents.len(), 1);
    let status = &book.consents[0];
    assert_eq!(status.reverifications.len(), 1);
    assert_eq!(status.withdrawals.len(), 1);
    assert!(
        status.withdrawals[0].1,
        "a signed withdrawal counts as in writing"
    );
}

#[test]
fn forged_statements_rejected() {
    let (_scratch, mut vault) = open_copy();

    for name in ["withdrawal-forged.kluis", "reverification-forged.kluis"] {
        let reason = token_error(import(&mut vault, name), name);
        assert_eq!(reason, TokenError::BadSignature, "importing {name}");
    }

    let book = ConsentBook::load(&vault).expect("loading consents");
    assert!(book.consents[0].reverifications.is_empty());
    assert!(book.consents[0].withdrawals.is_empty());
}

#[test]
fn wrong_signer_withdrawal_rejected() {
    let (_scratch, mut vault) = open_copy();

    let reason = token_error(
        import(&mut vault, "withdrawal-wrong-signer.kluis"),
        "withdrawal-wrong-signer.kluis",
    );

    assert_eq!(reason, TokenError::UnknownSigner);
    let book = ConsentBook::load(&vault).expect("loading consents");
    assert!(book.consents[0].withdrawals.is_empty());
}

#[test]
fn damaged_statements_rejected_after_genuine() {
    let (_scratch, mut vault) = open_copy();
    import(&mut vault, "reverification.kluis").expect("reverification.kluis imports");
    import(&mut vault, "withdrawal.kluis").expect("withdrawal.kluis imports");

    // With the genuine statements stored, the damaged copies still fail on
    // their signature, not as replays.
    for name in ["withdrawal-forged.kluis", "reverification-forged.kluis"] {
        let reason = token_error(import(&mut vault, name), name);
        assert_eq!(reason, TokenError::BadSignature, "importing {name}");
    }
    let reason = token_error(
        import(&mut vault, "withdrawal-wrong-signer.kluis"),
        "withdrawal-wrong-signer.kluis",
    );
    assert_eq!(reason, TokenError::UnknownSigner);
}

#[test]
fn receipt_verifies_with_counsellor_key() {
    let card = counsellor_card();
    assert_eq!(card.role, CardRole::Counsellor);
    let memory = tempfile::tempdir().expect("temporary folder");
    let vault = Vault::open_with(
        &vectors().join("vault"),
        passphrase(),
        Access::Read,
        SeenHeads::at(memory.path()),
    )
    .expect("opening the vault");
    assert_eq!(card.verifying_key, vault.verifying_key());

    let receipt = export::verify_receipt(&read_bytes("receipt.cose"), &card.verifying_key)
        .expect("receipt.cose verifies with the counsellor key");

    assert_eq!(receipt.vault, vault.id());
    let anna = vault
        .dossiers()
        .iter()
        .find(|dossier| dossier.details.registration() == "2026-001")
        .expect("dossier 2026-001")
        .id;
    assert_eq!(receipt.recipient, RecipientRecord::Person(anna));
    let paths: Vec<&str> = receipt.files.iter().map(|file| file.path.as_str()).collect();
    assert!(
        paths
            .iter()
            .any(|path| path.starts_with("kluis-export/2026-001/")),
        "no note of Anna listed: {paths:?}"
    );
    assert!(paths.contains(&"kluis-export/RECEIPT.md"), "files: {paths:?}");
    assert!(paths.contains(&"kluis-export/INDEX.md"), "files: {paths:?}");
    assert!(
        !paths.contains(&"kluis-export/receipt.cose"),
        "the receipt lists itself: {paths:?}"
    );
    assert!(receipt.files.iter().all(|file| file.sha256.len() == 32));
    assert!(!receipt.included.is_empty());
    assert!(receipt.included.iter().all(|item| item.allowed));
}

#[test]
fn forged_receipt_rejected() {
    let card = counsellor_card();

    let result = export::verify_receipt(&read_bytes("receipt-forged.cose"), &card.verifying_key);

    assert!(
        matches!(result, Err(FormatError::BadSignature)),
        "expected BadSignature, got {result:?}"
    );
}

#[test]
fn receipt_rejected_with_other_key() {
    let other = PartnerKeys::generate();

    let result = export::verify_receipt(&read_bytes("receipt.cose"), &other.signing.verifying_key());

    assert!(
        matches!(result, Err(FormatError::BadSignature)),
        "expected BadSignature with another key, got {result:?}"
    );
}

#[test]
fn committed_vault_unchanged_by_imports() {
    let journal = vectors().join("vault").join("journal");
    let head = vectors().join("vault").join("HEAD");
    let entries_before = fs::read_dir(&journal).expect("reading the journal").count();
    let head_before = fs::read(&head).expect("reading HEAD");

    let (_scratch, mut vault) = open_copy();
    import(&mut vault, "reverification.kluis").expect("reverification.kluis imports");
    import(&mut vault, "withdrawal.kluis").expect("withdrawal.kluis imports");

    let entries_after = fs::read_dir(&journal).expect("reading the journal").count();
    assert_eq!(entries_before, entries_after);
    assert_eq!(head_before, fs::read(&head).expect("reading HEAD"));
}
