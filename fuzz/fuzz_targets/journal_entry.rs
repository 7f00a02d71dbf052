//! Journal entries and `HEAD` as a reader finds them on disk: COSE_Sign1
//! parse, signature check, payload decode and the event decryption of
//! replay. The first byte selects the mode:
//!
//! - 0: an entry file, checked with the main test vault's key;
//! - 1: a `HEAD` file, checked with the main test vault's key;
//! - 2: an entry payload, signed here with a fixed key, so the fuzzer
//!   reaches the checks behind the signature;
//! - 3: a `HEAD` payload, signed here with a fixed key.

#![no_main]

use kluis::format::{cbor, cose, EntryPayload, EventRecord, HeadPayload, FORMAT_VERSION};
use kluis::fuzzing::{verify_entry, verify_head};
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 4 {
        0 => stored_entry(rest),
        1 => stored_head(rest),
        2 => signed_entry(rest),
        _ => signed_head(rest),
    }
});

/// Returns the `seq` and `prev` an entry claims, which a reader knows from
/// the file name and the entry before. Using the claims lets a valid entry
/// pass every check.
fn claims(payload: Option<&EntryPayload>) -> (u64, [u8; 32]) {
    match payload {
        Some(payload) => (payload.seq, payload.prev.as_slice().try_into().unwrap_or([0; 32])),
        None => (1, [0; 32]),
    }
}

fn stored_entry(bytes: &[u8]) {
    let vault = kluis_fuzz::vector_vault();
    let claimed = cose::Envelope::parse(bytes, cose::JOURNAL_ENTRY)
        .ok()
        .and_then(|envelope| cbor::from_slice::<EntryPayload>(envelope.unverified_payload()).ok());
    let (seq, prev) = claims(claimed.as_ref());
    let Ok(entry) = verify_entry(bytes, seq, vault.vault, &prev, &vault.key) else {
        return;
    };
    assert_eq!(entry.hash, <[u8; 32]>::from(Sha256::digest(bytes)));
    assert_eq!(Some(&entry.payload), claimed.as_ref());
    replay_event(&entry.payload);
}

fn stored_head(bytes: &[u8]) {
    let vault = kluis_fuzz::vector_vault();
    if let Ok(head) = verify_head(bytes, vault.vault, &vault.key) {
        assert_eq!(head.version, FORMAT_VERSION);
        assert_eq!(head.vault, vault.vault);
    }
}

fn signed_entry(payload: &[u8]) {
    let vault = kluis_fuzz::vector_vault();
    let key = kluis_fuzz::fuzz_counsellor();
    let bytes = cose::sign(cose::JOURNAL_ENTRY, payload.to_vec(), &key);
    let claimed = cbor::from_slice::<EntryPayload>(payload).ok();
    let (seq, prev) = claims(claimed.as_ref());
    let result = verify_entry(&bytes, seq, vault.vault, &prev, &key.verifying_key());
    let valid = claimed
        .as_ref()
        .is_some_and(|p| p.version == FORMAT_VERSION && p.vault == vault.vault && p.prev.len() == 32);
    assert_eq!(result.is_ok(), valid, "a signed entry payload was judged wrongly");
    assert!(
        verify_head(&bytes, vault.vault, &key.verifying_key()).is_err(),
        "a journal entry verified as HEAD"
    );
    if let Ok(entry) = result {
        assert_eq!(Some(&entry.payload), claimed.as_ref());
        replay_event(&entry.payload);
    }
}

fn signed_head(payload: &[u8]) {
    let vault = kluis_fuzz::vector_vault();
    let key = kluis_fuzz::fuzz_counsellor();
    let bytes = cose::sign(cose::HEAD, payload.to_vec(), &key);
    let claimed = cbor::from_slice::<HeadPayload>(payload).ok();
    let result = verify_head(&bytes, vault.vault, &key.verifying_key());
    let valid = claimed
        .as_ref()
        .is_some_and(|p| p.version == FORMAT_VERSION && p.vault == vault.vault);
    assert_eq!(result.is_ok(), valid, "a signed HEAD payload was judged wrongly");
    if let Ok(head) = result {
        assert_eq!(Some(head), claimed);
    }
    assert!(
        verify_entry(&bytes, 1, vault.vault, &[0; 32], &key.verifying_key()).is_err(),
        "HEAD verified as a journal entry"
    );
}

/// Decrypts the event as replay does, with the test vault's recovery key,
/// and decodes it.
fn replay_event(payload: &EntryPayload) {
    if let Ok(plaintext) = kluis::keys::open(&payload.event, kluis_fuzz::recovery_identity(), "event") {
        let _ = kluis_fuzz::decode_equal::<EventRecord>(&plaintext);
    }
}
