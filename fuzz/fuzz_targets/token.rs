//! Consent, withdrawal and re-verification tokens and export receipts. The
//! first byte selects the mode:
//!
//! - 0: COSE bytes as stored. The second byte selects the kind (its value
//!   modulo 4: consent, withdrawal, re-verification, receipt) and the keys
//!   (bit 2: the main test vault, or the partner vault with its client's
//!   card).
//! - 1: armored text as a client hands it in, tried under every label.
//! - 2: a payload, signed here. The second byte selects the kind as above
//!   and the signer (bit 2: the fixed counsellor key, or the fixed client
//!   key), so the fuzzer reaches the checks behind the signature.

#![no_main]

use ed25519_dalek::VerifyingKey;
use kluis::consent::token::{verify_consent, verify_reverification, verify_withdrawal, Signers};
use kluis::format::{cbor, cose, CollectionRecord};
use kluis::partner;
use libfuzzer_sys::fuzz_target;

const CONTENT_TYPES: [&str; 4] = [
    cose::CONSENT,
    cose::WITHDRAWAL,
    cose::REVERIFICATION,
    cose::RECEIPT,
];

fuzz_target!(|data: &[u8]| {
    match data {
        [0, selector, bytes @ ..] => stored(*selector, bytes),
        [1, text @ ..] => armored(text),
        [2, selector, payload @ ..] => signed(*selector, payload),
        _ => {}
    }
});

/// The parts of a verified token that the properties compare.
struct Verified {
    /// The payload, encoded again.
    encoded: Vec<u8>,
    collection: Option<CollectionRecord>,
}

/// Verifies `bytes` as token kind `kind` and checks what a verified token
/// of that kind promises.
fn verify(kind: u8, bytes: &[u8], signers: &Signers) -> Option<Verified> {
    match kind % 4 {
        0 => {
            let consent = verify_consent(bytes, signers).ok()?;
            assert_ne!(consent.collection, CollectionRecord::NotInWriting);
            assert!(!consent.scope.dossiers.is_empty());
            assert!(!consent.scope.classes.is_empty());
            assert!(consent.valid_until.is_none_or(|until| until > consent.valid_from));
            assert!(consent.scope.data_from.is_none());
            assert!(consent.scope.data_until.is_none());
            assert_eq!(consent.vault, signers.vault);
            Some(Verified {
                encoded: cbor::to_vec(&consent),
                collection: Some(consent.collection),
            })
        }
        1 => {
            let withdrawal = verify_withdrawal(bytes, signers).ok()?;
            assert!(!withdrawal.withdraws.is_empty());
            assert_eq!(withdrawal.vault, signers.vault);
            Some(Verified {
                encoded: cbor::to_vec(&withdrawal),
                collection: Some(withdrawal.collection),
            })
        }
        2 => {
            let reverification = verify_reverification(bytes, signers).ok()?;
            assert_ne!(reverification.collection, CollectionRecord::NotInWriting);
            assert_eq!(reverification.vault, signers.vault);
            Some(Verified {
                encoded: cbor::to_vec(&reverification),
                collection: Some(reverification.collection),
            })
        }
        _ => {
            let receipt = kluis::export::verify_receipt(bytes, &signers.counsellor).ok()?;
            Some(Verified {
                encoded: cbor::to_vec(&receipt),
                collection: None,
            })
        }
    }
}

fn stored(selector: u8, bytes: &[u8]) {
    let client = [kluis_fuzz::partner_client_card().verifying_key];
    let (vault, grantor_keys): (_, &[VerifyingKey]) = if selector & 4 == 0 {
        (kluis_fuzz::vector_vault(), &[])
    } else {
        (kluis_fuzz::partner_vault(), &client)
    };
    let signers = Signers {
        vault: vault.vault,
        counsellor: vault.key,
        grantor_keys,
    };
    let _ = verify(selector, bytes, &signers);
}

fn armored(text: &[u8]) {
    let text = String::from_utf8_lossy(text);
    let client = [kluis_fuzz::partner_client_card().verifying_key];
    let vault = kluis_fuzz::partner_vault();
    let signers = Signers {
        vault: vault.vault,
        counsellor: vault.key,
        grantor_keys: &client,
    };
    let labels = [
        partner::CONSENT_LABEL,
        partner::WITHDRAWAL_LABEL,
        partner::REVERIFICATION_LABEL,
    ];
    for (kind, label) in labels.into_iter().enumerate() {
        let Some(bytes) = partner::dearmor(label, &text) else {
            continue;
        };
        let again = partner::dearmor(label, &partner::armor(label, &bytes));
        assert_eq!(
            again.as_deref(),
            Some(bytes.as_slice()),
            "armor does not round-trip"
        );
        let _ = verify(kind as u8, &bytes, &signers);
    }
}

fn signed(selector: u8, payload: &[u8]) {
    let counsellor = kluis_fuzz::fuzz_counsellor();
    let grantor = kluis_fuzz::fuzz_grantor();
    let by_grantor = selector & 4 != 0;
    let key = if by_grantor { &grantor } else { &counsellor };
    let kind = selector % 4;
    let bytes = cose::sign(CONTENT_TYPES[usize::from(kind)], payload.to_vec(), key);
    let grantor_keys = [grantor.verifying_key()];
    let signers = Signers {
        vault: kluis_fuzz::vector_vault().vault,
        counsellor: counsellor.verifying_key(),
        grantor_keys: &grantor_keys,
    };
    if let Some(verified) = verify(kind, &bytes, &signers) {
        assert_eq!(
            verified.encoded, payload,
            "a verified payload must be exactly what was signed"
        );
        // The collection decides who may sign: the client for a statement
        // signed by the grantor, the counsellor for everything else.
        if let Some(collection) = verified.collection {
            assert_eq!(
                collection == CollectionRecord::SignedByGrantor,
                by_grantor,
                "a token verified with a key its collection does not allow"
            );
        } else {
            assert!(!by_grantor, "a receipt verified with the client's key");
        }
    }
    // A signature over one kind never verifies as another.
    for other in (0..4u8).filter(|other| *other != kind) {
        assert!(
            verify(other, &bytes, &signers).is_none(),
            "a token verified as another kind"
        );
    }
}
