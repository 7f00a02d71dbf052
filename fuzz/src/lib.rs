//! Fixtures shared by the fuzz targets and the seed generator: fixed keys,
//! values taken from the committed test vectors, and the table of record
//! types that the `records` target decodes.
//!
//! The keys below are fixed so that a target can sign whatever payload the
//! fuzzer produces and so reach the decoders behind signature checks. They
//! are test keys and protect nothing.

use std::fmt::Debug;
use std::sync::OnceLock;

use ed25519_dalek::{SigningKey, VerifyingKey};
use kluis::format::{self, cbor};
use kluis::ids::VaultId;
use kluis::partner::{KeyCard, PartnerKeys};
use serde::{de::DeserializeOwned, Serialize};

/// `kluis.cbor` of the main test vault: its vault id and counsellor key
/// sign the journal, `HEAD` and the token fixtures.
pub const VECTOR_HEADER: &[u8] = include_bytes!("../../tests/vectors/vault/kluis.cbor");
/// `kluis.cbor` of the partner test vault.
pub const PARTNER_HEADER: &[u8] = include_bytes!("../../tests/vectors/partner/vault/kluis.cbor");
/// The partner vault's counsellor card, which verifies `request.kluis`.
pub const PARTNER_COUNSELLOR_CARD: &str = include_str!("../../tests/vectors/partner/counsellor.card");
/// The card of the client in the partner vault, who signed `consent.kluis`.
pub const PARTNER_CLIENT_CARD: &str = include_str!("../../tests/vectors/partner/client.card");
/// The main test vault's recovery key, a recipient of every journal event.
pub const RECOVERY_KEY: &str = include_str!("../../tests/vectors/recovery-key.txt");
/// The age identity that the export vector is encrypted to.
pub const EXPORT_IDENTITY: &str = include_str!("../../tests/vectors/export/identity.txt");

/// A vault id and the counsellor key that signs for it.
pub struct Signer {
    pub vault: VaultId,
    pub key: VerifyingKey,
}

fn header_signer(bytes: &[u8]) -> Signer {
    let header = kluis::fuzzing::read_header(bytes).expect("the committed vault header is valid");
    let key: [u8; 32] = header
        .signing_key
        .as_slice()
        .try_into()
        .expect("checked by read_header");
    Signer {
        vault: header.vault,
        key: VerifyingKey::from_bytes(&key).expect("the committed signing key is valid"),
    }
}

/// Returns the main test vault's id and counsellor key.
pub fn vector_vault() -> &'static Signer {
    static CELL: OnceLock<Signer> = OnceLock::new();
    CELL.get_or_init(|| header_signer(VECTOR_HEADER))
}

/// Returns the partner test vault's id and counsellor key.
pub fn partner_vault() -> &'static Signer {
    static CELL: OnceLock<Signer> = OnceLock::new();
    CELL.get_or_init(|| header_signer(PARTNER_HEADER))
}

/// Returns the partner vault's counsellor card.
pub fn partner_counsellor_card() -> &'static KeyCard {
    static CELL: OnceLock<KeyCard> = OnceLock::new();
    CELL.get_or_init(|| {
        kluis::partner::parse_card(PARTNER_COUNSELLOR_CARD).expect("the committed card is valid")
    })
}

/// Returns the partner vault's client card.
pub fn partner_client_card() -> &'static KeyCard {
    static CELL: OnceLock<KeyCard> = OnceLock::new();
    CELL.get_or_init(|| kluis::partner::parse_card(PARTNER_CLIENT_CARD).expect("the committed card is valid"))
}

/// Returns the main test vault's recovery identity.
pub fn recovery_identity() -> &'static age::x25519::Identity {
    static CELL: OnceLock<age::x25519::Identity> = OnceLock::new();
    CELL.get_or_init(|| {
        kluis::keys::parse_recovery_key(RECOVERY_KEY).expect("the committed recovery key is valid")
    })
}

/// Returns the counsellor key the targets sign fuzzed payloads with.
pub fn fuzz_counsellor() -> SigningKey {
    SigningKey::from_bytes(&[0x11; 32])
}

/// Returns the client key the targets sign fuzzed payloads with.
pub fn fuzz_grantor() -> SigningKey {
    SigningKey::from_bytes(&[0x22; 32])
}

/// Returns a client's keys: the export identity of the vectors and
/// [`fuzz_grantor`].
pub fn fuzz_partner_keys() -> &'static PartnerKeys {
    static CELL: OnceLock<PartnerKeys> = OnceLock::new();
    CELL.get_or_init(|| PartnerKeys {
        age: kluis::keys::parse_recovery_key(EXPORT_IDENTITY)
            .expect("the committed export identity is valid"),
        signing: fuzz_grantor(),
    })
}

/// Returns a counsellor card for [`fuzz_counsellor`], as a client keeps it.
pub fn fuzz_counsellor_card() -> KeyCard {
    KeyCard {
        role: format::CardRole::Counsellor,
        recipient: fuzz_partner_keys().age.to_public(),
        verifying_key: fuzz_counsellor().verifying_key(),
    }
}

/// Decodes `bytes` as a `T` and checks the properties every record has:
/// what decodes re-encodes to exactly the input (the encoding is
/// deterministic), and the re-encoding decodes again to the same bytes.
pub fn decode_exact<T: Serialize + DeserializeOwned>(bytes: &[u8]) -> Option<T> {
    let value: T = cbor::from_slice(bytes).ok()?;
    let encoded = cbor::to_vec(&value);
    assert_eq!(encoded, bytes, "a decoded record must re-encode to its input");
    let again: T = cbor::from_slice(&encoded).expect("a re-encoded record must decode");
    assert_eq!(cbor::to_vec(&again), encoded, "decoding must be stable");
    Some(value)
}

/// Like [`decode_exact`], and also compares the decoded values.
pub fn decode_equal<T: Serialize + DeserializeOwned + PartialEq + Debug>(bytes: &[u8]) -> Option<T> {
    let value: T = decode_exact(bytes)?;
    let again: T = cbor::from_slice(&cbor::to_vec(&value)).expect("a re-encoded record must decode");
    assert_eq!(again, value, "a record must survive encoding and decoding");
    Some(value)
}

/// The record types of `vault-format.md`, section 4, 10a and 10b, in the
/// order the first byte of a `records` input selects them.
pub const RECORD_TYPES: [&str; 19] = [
    "VaultHeader",
    "IdentityRecord",
    "DossierKeyRecord",
    "PersonRecord",
    "CoupleRecord",
    "NoteRecord",
    "AttachmentRecord",
    "EntryPayload",
    "HeadPayload",
    "EventRecord",
    "DisclosureRecord",
    "ConsentPayload",
    "WithdrawalPayload",
    "ReverificationPayload",
    "ReceiptPayload",
    "KeyCardPayload",
    "PartnerIdentityRecord",
    "ConsentRequestPayload",
    "ObjectRef",
];

/// Decodes `bytes` as the record type `RECORD_TYPES[kind]`, checks its
/// properties, and returns whether it decoded.
pub fn check_record(kind: usize, bytes: &[u8]) -> bool {
    use kluis::format::*;
    match kind {
        0 => {
            let header = decode_equal::<VaultHeader>(bytes);
            // Opening a vault adds checks on top of decoding, never fewer.
            if kluis::fuzzing::read_header(bytes).is_ok() {
                assert!(header.is_some(), "read_header accepted what the decoder rejects");
            }
            header.is_some()
        }
        1 => decode_exact::<IdentityRecord>(bytes).is_some(),
        2 => decode_exact::<DossierKeyRecord>(bytes).is_some(),
        3 | 4 => {
            // A details object has no type marker: the reader tries a
            // person record first, so one byte string must never decode
            // as both.
            let person = decode_equal::<PersonRecord>(bytes).is_some();
            let couple = decode_equal::<CoupleRecord>(bytes).is_some();
            assert!(
                !(person && couple),
                "details decode as both a person and a couple"
            );
            if kind == 3 {
                person
            } else {
                couple
            }
        }
        5 => decode_equal::<NoteRecord>(bytes).is_some(),
        6 => decode_equal::<AttachmentRecord>(bytes).is_some(),
        7 => decode_equal::<EntryPayload>(bytes).is_some(),
        8 => decode_equal::<HeadPayload>(bytes).is_some(),
        9 => decode_equal::<EventRecord>(bytes).is_some(),
        10 => decode_equal::<DisclosureRecord>(bytes).is_some(),
        11 => decode_equal::<ConsentPayload>(bytes).is_some(),
        12 => decode_equal::<WithdrawalPayload>(bytes).is_some(),
        13 => decode_equal::<ReverificationPayload>(bytes).is_some(),
        14 => decode_equal::<ReceiptPayload>(bytes).is_some(),
        15 => decode_equal::<KeyCardPayload>(bytes).is_some(),
        16 => decode_exact::<PartnerIdentityRecord>(bytes).is_some(),
        17 => decode_equal::<ConsentRequestPayload>(bytes).is_some(),
        18 => decode_equal::<ObjectRef>(bytes).is_some(),
        _ => false,
    }
}
