//! Checks the committed partner-side vectors in `tests/vectors/partner/`
//! (`examples/make_partner_vectors.rs` regenerates them, and the README
//! there lists every file).
//!
//! Tests that import tokens work on a copy of the vault in a temporary
//! folder, so the committed files stay as they are.

use std::fs;
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;
use tempfile::TempDir;

use kluis::consent::token::TokenError;
use kluis::consent::{self, ConsentBook, Imported};
use kluis::format::{CardRole, CollectionRecord};
use kluis::model::{Access, Vault};
use kluis::partner::{self, KeyCard};
use kluis::store::seen::SeenHeads;
use kluis::Error;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("vectors")
        .join("partner")
}

fn read_vector(name: &str) -> String {
    let path = vectors().join(name);
    fs::read_to_string(&path).unwrap_or_else(|err| panic!("reading {}: {err}", path.display()))
}

fn passphrase() -> SecretString {
    let text = read_vector("passphrase.txt");
    SecretString::from(text.lines().next().unwrap_or_default().trim().to_string())
}

fn card(name: &str) -> KeyCard {
    partner::parse_card(&read_vector(name)).unwrap_or_else(|err| panic!("parsing {name}: {err}"))
}

/// Returns the fingerprint a card's text states on its `Fingerprint:` line.
fn stated_fingerprint(name: &str) -> String {
    read_vector(name)
        .lines()
        .find_map(|line| line.strip_prefix("Fingerprint: "))
        .unwrap_or_else(|| panic!("{name} has no Fingerprint line"))
        .trim()
        .to_string()
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

#[test]
fn cards_parse_with_their_fingerprints() {
    let counsellor = card("counsellor.card");
    let client = card("client.card");

    assert_eq!(counsellor.role, CardRole::Counsellor);
    assert_eq!(client.role, CardRole::Partner);
    assert_eq!(counsellor.fingerprint(), stated_fingerprint("counsellor.card"));
    assert_eq!(client.fingerprint(), stated_fingerprint("client.card"));
    assert_ne!(counsellor.fingerprint(), client.fingerprint());

    let memory = tempfile::tempdir().expect("temporary folder");
    let vault = Vault::open_with(
        &vectors().join("vault"),
        passphrase(),
        Access::Read,
        SeenHeads::at(memory.path()),
    )
    .expect("opening the vault");
    assert_eq!(
        counsellor.fingerprint(),
        partner::fingerprint(&vault.verifying_key())
    );
    let anna = vault
        .dossiers()
        .iter()
        .find(|dossier| dossier.details.registration() == "2026-001")
        .expect("dossier 2026-001");
    let registered = vault.key_cards(anna).expect("reading Anna's key cards");
    assert_eq!(registered.len(), 1);
    assert_eq!(registered[0].fingerprint(), client.fingerprint());
}

#[test]
fn damaged_card_rejected() {
    let text = read_vector("client.card");
    let damaged = text.replacen(
        "-----BEGIN KLUIS KEY CARD-----\n",
        "-----BEGIN KLUIS KEY CARD-----\nAAAA",
        1,
    );

    assert!(matches!(partner::parse_card(&damaged), Err(Error::InvalidCard)));
}

#[test]
fn request_verifies_with_counsellor_card_only() {
    let text = read_vector("request.kluis");

    let request = partner::read_request(&text, &card("counsellor.card")).expect("request verifies");
    assert_eq!(request.proposed.collection, CollectionRecord::SignedByGrantor);
    assert_eq!(request.proposed.issued, 0);
    assert_eq!(request.grantor_name, "Anna Testpersoon (2026-001)");
    assert_eq!(request.recipient_name, "Bram Testpersoon (2026-002)");

    let with_client = partner::read_request(&text, &card("client.card"));
    assert!(
        matches!(with_client, Err(Error::InvalidRequest)),
        "expected InvalidRequest, got {with_client:?}"
    );
}

#[test]
fn damaged_consents_rejected() {
    let (_scratch, mut vault) = open_copy();

    let forged = token_error(import(&mut vault, "consent-forged.kluis"), "consent-forged.kluis");
    assert_eq!(forged, TokenError::BadSignature);

    let wrong = token_error(
        import(&mut vault, "consent-wrong-signer.kluis"),
        "consent-wrong-signer.kluis",
    );
    assert_eq!(wrong, TokenError::UnknownSigner);

    let truncated = token_error(
        import(&mut vault, "consent-truncated.kluis"),
        "consent-truncated.kluis",
    );
    assert!(
        matches!(truncated, TokenError::Malformed(_)),
        "expected Malformed, got {truncated:?}"
    );

    let book = ConsentBook::load(&vault).expect("loading consents");
    assert!(book.consents.is_empty(), "a rejected consent was stored");
}

#[test]
fn consent_imports_once_then_withdrawal() {
    let (_scratch, mut vault) = open_copy();

    let imported = import(&mut vault, "consent.kluis").expect("consent.kluis imports");
    let Imported::Consent(consent_id) = imported else {
        panic!("consent.kluis imported as {imported:?}");
    };
    let replay = import(&mut vault, "consent.kluis");
    assert!(
        matches!(replay, Err(Error::AlreadyImported { .. })),
        "expected AlreadyImported, got {replay:?}"
    );

    // With the genuine consent stored, the damaged copies still fail on
    // their signature or encoding, not as replays.
    let forged = token_error(import(&mut vault, "consent-forged.kluis"), "consent-forged.kluis");
    assert_eq!(forged, TokenError::BadSignature);
    let wrong = token_error(
        import(&mut vault, "consent-wrong-signer.kluis"),
        "consent-wrong-signer.kluis",
    );
    assert_eq!(wrong, TokenError::UnknownSigner);
    let truncated = token_error(
        import(&mut vault, "consent-truncated.kluis"),
        "consent-truncated.kluis",
    );
    assert!(matches!(truncated, TokenError::Malformed(_)));

    let reverified = import(&mut vault, "reverification.kluis").expect("reverification.kluis imports");
    assert!(matches!(reverified, Imported::Reverification(_)));

    let withdrawn = import(&mut vault, "withdrawal.kluis").expect("withdrawal.kluis imports");
    assert!(matches!(withdrawn, Imported::Withdrawal(_)));
    let replay = import(&mut vault, "withdrawal.kluis");
    assert!(
        matches!(replay, Err(Error::AlreadyImported { .. })),
        "expected AlreadyImported, got {replay:?}"
    );

    let book = ConsentBook::load(&vault).expect("loading consents");
    assert_eq!(book.consents.len(), 1);
    let status = &book.consents[0];
    assert_eq!(status.payload.id, consent_id);
    assert_eq!(status.payload.collection, CollectionRecord::SignedByGrantor);
    assert_eq!(status.reverifications.len(), 1);
    assert_eq!(status.withdrawals.len(), 1);
    assert!(
        status.withdrawals[0].1,
        "a signed withdrawal counts as in writing"
    );
}

#[test]
fn reverification_after_withdrawal_rejected() {
    let (_scratch, mut vault) = open_copy();
    import(&mut vault, "consent.kluis").expect("consent.kluis imports");
    import(&mut vault, "withdrawal.kluis").expect("withdrawal.kluis imports");

    let late = import(&mut vault, "reverification.kluis");

    assert!(
        matches!(late, Err(Error::AlreadyWithdrawn { .. })),
        "expected AlreadyWithdrawn, got {late:?}"
    );
}

#[test]
fn withdrawal_before_consent_rejected() {
    let (_scratch, mut vault) = open_copy();

    let early = import(&mut vault, "withdrawal.kluis");

    assert!(
        matches!(early, Err(Error::ConsentNotFound { .. })),
        "expected ConsentNotFound, got {early:?}"
    );
}

#[test]
fn committed_vault_unchanged_by_imports() {
    let journal = vectors().join("vault").join("journal");
    let head = vectors().join("vault").join("HEAD");
    let entries_before = fs::read_dir(&journal).expect("reading the journal").count();
    let head_before = fs::read(&head).expect("reading HEAD");

    let (_scratch, mut vault) = open_copy();
    import(&mut vault, "consent.kluis").expect("consent.kluis imports");

    let entries_after = fs::read_dir(&journal).expect("reading the journal").count();
    assert_eq!(entries_before, entries_after);
    assert_eq!(head_before, fs::read(&head).expect("reading HEAD"));
}
