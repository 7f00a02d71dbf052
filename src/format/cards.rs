//! Records of the partner side: key cards and partner identities.
//! `vault-format.md`, section 10a, describes them in CDDL.

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::ConsentPayload;
use crate::ids::VaultId;
/// Whose keys a card carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CardRole {
    /// A client, who receives exports and signs consents.
    Partner,
    /// The counsellor, who signs consent requests and export receipts.
    Counsellor,
}

/// The payload of a key card: public keys, self-signed with `signing_key`
/// so the card proves its holder has the secret half.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyCardPayload {
    pub version: u32,
    pub role: CardRole,
    /// The age X25519 recipient exports are encrypted to (`age1…`).
    pub age_recipient: String,
    /// The Ed25519 public key, 32 bytes.
    pub signing_key: ByteBuf,
    /// Seconds since the Unix epoch.
    pub created: i64,
}

/// Plaintext of a partner's key file: the secret halves of a partner card.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct PartnerIdentityRecord {
    pub version: u32,
    /// The age X25519 identity (`AGE-SECRET-KEY-1…`).
    pub age_identity: String,
    /// The Ed25519 secret seed, 32 bytes.
    #[serde(with = "serde_bytes")]
    pub signing_seed: Vec<u8>,
}

/// What a consent request asks the grantor to sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRequestPayload {
    pub version: u32,
    pub vault: VaultId,
    /// The consent exactly as it will be signed, except `issued`, which the
    /// grantor's signature sets. Its `collection` is `signed-by-grantor`.
    pub proposed: ConsentPayload,
    /// The grantor's name, so the grantor can see it is about them.
    pub grantor_name: String,
    /// The recipient's name, with the role for a third party.
    pub recipient_name: String,
}
