//! The records stored in a vault, each described in CDDL in `vault-format.md`.
//!
//! Field names are the CBOR map keys. Records whose name ends in `Record` are
//! stored inside age encryption; `VaultHeader`, `EntryPayload` and
//! `HeadPayload` are the only public (unencrypted) ones.

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::ids::{DossierId, ObjectId, TokenId, VaultId};

/// The value of `VaultHeader::format`, which tells a kluis vault apart.
pub const HEADER_MAGIC: &str = "kluis-vault";

/// `kluis.cbor`: the public description of a vault.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultHeader {
    pub format: String,
    pub version: u32,
    pub vault: VaultId,
    /// The counsellor's age X25519 recipient (`age1…`).
    pub counsellor: String,
    /// The recovery age X25519 recipient (`age1…`).
    pub recovery: String,
    /// The counsellor's Ed25519 public key, 32 bytes.
    pub signing_key: ByteBuf,
    /// SHA-256 of `recovery.age`, so a damaged or missing recovery file is
    /// noticed when the vault is opened, not only when it is needed.
    pub recovery_file: ByteBuf,
}

/// Plaintext of `identity.age`: the counsellor's secret keys.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct IdentityRecord {
    pub version: u32,
    #[zeroize(skip)]
    pub vault: VaultId,
    /// The age X25519 identity (`AGE-SECRET-KEY-1…`).
    pub age_identity: String,
    /// The Ed25519 secret seed, 32 bytes.
    #[serde(with = "serde_bytes")]
    pub signing_seed: Vec<u8>,
}

/// A dossier key wrapped to the counsellor and recovery recipients.
#[derive(Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct DossierKeyRecord {
    #[zeroize(skip)]
    pub dossier: DossierId,
    /// The dossier's age X25519 identity (`AGE-SECRET-KEY-1…`).
    pub identity: String,
}

/// The details of a person dossier (cliëntdossier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRecord {
    pub registration: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// First day of the counselling, `YYYY-MM-DD`.
    pub start: String,
    /// Last day of the counselling, `YYYY-MM-DD`, once it has ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

/// The details of a couple record (koppeldossier).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoupleRecord {
    pub registration: String,
    pub partner_a: DossierId,
    pub partner_b: DossierId,
    pub start: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<String>,
}

/// The kind of a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteKind {
    Intake,
    Session,
    Report,
    /// A werkaantekening: the counsellor's memory aid, never disclosed.
    WorkingNote,
}

/// Whom a paragraph of a joint-session note is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum About {
    PartnerA,
    PartnerB,
    Both,
}

/// One tagged paragraph of a joint-session note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize)]
pub struct Paragraph {
    #[zeroize(skip)]
    pub about: About,
    pub text: String,
}

/// The text of a note: plain for a person dossier, tagged paragraphs for a
/// couple record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoteBody {
    Text(String),
    Paragraphs(Vec<Paragraph>),
}

impl Zeroize for NoteBody {
    fn zeroize(&mut self) {
        match self {
            NoteBody::Text(text) => text.zeroize(),
            NoteBody::Paragraphs(paragraphs) => paragraphs.zeroize(),
        }
    }
}

/// A note, encrypted to its dossier's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteRecord {
    pub kind: NoteKind,
    /// The day the note is about, `YYYY-MM-DD`.
    pub date: String,
    pub body: NoteBody,
}

impl Drop for NoteRecord {
    fn drop(&mut self) {
        self.body.zeroize();
    }
}

impl ZeroizeOnDrop for NoteRecord {}

/// The description of an attachment; its content is a separate blob object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRecord {
    pub label: String,
    pub file_name: String,
    pub media_type: String,
    /// Plaintext size in bytes.
    pub size: u64,
    /// SHA-256 of the plaintext.
    pub sha256: ByteBuf,
    pub blob: ObjectId,
    /// The day it was added, `YYYY-MM-DD`.
    pub date: String,
}

/// A reference from a journal entry to an object it wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRef {
    pub id: ObjectId,
    /// SHA-256 of the object file as stored.
    pub sha256: ByteBuf,
}

/// The signed, public part of a journal entry (the COSE_Sign1 payload).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryPayload {
    pub version: u32,
    pub vault: VaultId,
    /// 1 for the first entry, one more for each entry after it.
    pub seq: u64,
    /// SHA-256 of the previous entry file; of `kluis.cbor` for entry 1.
    pub prev: ByteBuf,
    pub objects: Vec<ObjectRef>,
    /// The `EventRecord`, age-encrypted to the counsellor and recovery keys.
    pub event: ByteBuf,
    /// The objects this entry removed: every object of a destroyed dossier
    /// (format version 3). It is public, so that a backup can find the
    /// files to delete on a remote without the passphrase. Absent when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<ObjectId>,
}

/// The signed content of `HEAD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadPayload {
    pub version: u32,
    pub vault: VaultId,
    pub seq: u64,
    /// SHA-256 of the entry file `seq` names.
    pub entry: ByteBuf,
}

/// The encrypted content of a journal entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Seconds since the Unix epoch (UTC).
    pub time: i64,
    pub event: Event,
}

/// One change to the vault or one disclosure decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Event {
    VaultCreated,
    PersonCreated {
        dossier: DossierId,
        key: ObjectId,
        details: ObjectId,
    },
    CoupleCreated {
        dossier: DossierId,
        key: ObjectId,
        details: ObjectId,
        partners: Vec<DossierId>,
    },
    DetailsUpdated {
        dossier: DossierId,
        details: ObjectId,
    },
    NoteAdded {
        dossier: DossierId,
        note: ObjectId,
        kind: NoteKind,
    },
    AttachmentAdded {
        dossier: DossierId,
        attachment: ObjectId,
        blob: ObjectId,
    },
    ConsentRecorded {
        dossier: DossierId,
        token: TokenId,
        consent: ObjectId,
    },
    WithdrawalRecorded {
        dossier: DossierId,
        token: TokenId,
        withdrawal: ObjectId,
        withdraws: Vec<TokenId>,
    },
    DisclosureDecided(DisclosureRecord),
    ReverificationRecorded {
        dossier: DossierId,
        token: TokenId,
        reverification: ObjectId,
        consent: TokenId,
    },
    /// A client's key card, registered in their dossier.
    KeyCardRegistered {
        dossier: DossierId,
        card: ObjectId,
    },
    /// A consent request handed to the grantor, kept to compare with the
    /// signed consent that comes back.
    ConsentRequested {
        dossier: DossierId,
        request: TokenId,
        object: ObjectId,
    },
    /// A dossier was read: shown, or its access log written out for the
    /// client. Changes no state (format version 2).
    LogAccess(AccessRecord),
    /// The counsellor accepted a vault state that does not extend the one
    /// this machine verified last, such as a restored backup. Changes no
    /// state (format version 2).
    LogRestoreAccepted(RestoreRecord),
    /// A dossier was destroyed: its objects, listed in the entry's
    /// `removed`, were deleted (format version 3).
    DossierDestroyed(DestroyRecord),
}

impl Event {
    /// Returns whether the event only records something that happened and
    /// changes no state, so that a reader may skip kinds it does not know.
    pub fn is_log_only(&self) -> bool {
        matches!(self, Event::LogAccess(_) | Event::LogRestoreAccepted(_))
    }
}

/// The prefix of every log-only event kind (vault-format.md, section 6.6).
pub const LOG_EVENT_PREFIX: &str = "log-";

/// The log-only kinds this version decodes: one of them that fails to
/// decode is damage, not a kind to skip.
const KNOWN_LOG_EVENTS: [&str; 2] = ["log-access", "log-restore-accepted"];

/// Decodes an `EventRecord`. A record whose event kind is unknown but
/// starts with [`LOG_EVENT_PREFIX`] decodes to `None`: a later version
/// wrote a log-only event that this one may skip. Only the shape of such a
/// record is checked; its signature was checked with its entry.
pub fn decode_event_record(bytes: &[u8]) -> Result<Option<EventRecord>, super::FormatError> {
    let strict = super::cbor::from_slice::<EventRecord>(bytes);
    let Err(err) = strict else {
        return strict.map(Some);
    };
    let Ok(value) = super::cbor::from_slice::<ciborium::Value>(bytes) else {
        return Err(err);
    };
    let skippable = value.as_map().is_some_and(|fields| {
        fields.len() == 2
            && fields
                .iter()
                .any(|(key, value)| key.as_text() == Some("time") && value.as_integer().is_some())
            && fields.iter().any(|(key, value)| {
                key.as_text() == Some("event")
                    && value.as_map().is_some_and(|event| {
                        event.len() == 1
                            && event[0].0.as_text().is_some_and(|kind| {
                                kind.starts_with(LOG_EVENT_PREFIX) && !KNOWN_LOG_EVENTS.contains(&kind)
                            })
                    })
            })
    });
    if skippable {
        Ok(None)
    } else {
        Err(err)
    }
}

/// One read of a dossier, with what NEN 7513 asks a log to hold: what was
/// read, when (the event's time), by whom, of which client, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessRecord {
    /// The client's person dossier or the couple record that was read.
    pub dossier: DossierId,
    pub action: AccessAction,
    /// The items read, as `<dossier>/<object>`; empty when only the
    /// dossier's details and its list of items were shown.
    pub items: Vec<String>,
    /// The operating-system account that ran kluis.
    pub user: String,
    /// For a log written out for the client: the recipient it was
    /// encrypted to, as in `DisclosureRecord`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_to: Option<String>,
}

/// The way a dossier was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccessAction {
    /// Shown on screen or written to a file by `kluis show`.
    Shown,
    /// The client's access log, encrypted for the client.
    LogExported,
}

/// The destruction of a dossier, kept in the journal as proof that it was
/// destroyed, when and why, after the dossier itself is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestroyRecord {
    pub dossier: DossierId,
    /// The registration number the dossier had, so that the counsellor can
    /// later show whether and when dossier 2026-041 was destroyed.
    pub registration: String,
    pub reason: DestroyReason,
    /// The operating-system account that ran kluis.
    pub user: String,
}

/// The reason a dossier was destroyed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DestroyReason {
    /// The client asked for erasure (AVG art. 17, WGBO 7:455).
    ClientRequest,
    /// The retention period ended (WGBO 7:454(3)).
    RetentionEnded,
}

/// The counsellor's acceptance of a vault state that does not extend the
/// last one this machine verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreRecord {
    /// The last entry this machine had verified: its number and SHA-256.
    pub seen_seq: u64,
    pub seen_entry: ByteBuf,
    /// The last entry of the journal that was accepted in its place.
    pub accepted_seq: u64,
    pub accepted_entry: ByteBuf,
    /// The operating-system account that ran kluis.
    pub user: String,
}

/// The journal's account of one export decision, allowed or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisclosureRecord {
    pub recipient: RecipientRecord,
    /// How the export was encrypted: `x25519`, `ssh-ed25519`, `ssh-rsa` or
    /// `passphrase`, with the recipient string for public keys.
    pub encrypted_to: String,
    pub items: Vec<ItemDecisionRecord>,
    /// Whether anything was written out.
    pub written: bool,
}

/// The recipient of a disclosure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecipientRecord {
    Person(DossierId),
    ThirdParty { name: String, role: String },
}

/// The decision about one item of a disclosure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemDecisionRecord {
    /// `<dossier>/<object>` or `<dossier>/<object>#<paragraph>`.
    pub item: String,
    pub allowed: bool,
    /// The rule that decided, `R1` to `R11`.
    pub rule: String,
    pub consents: Vec<TokenId>,
}

/// The kind of a consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConsentKindRecord {
    /// Between the two partners of a couple.
    PartnerExchange,
    /// For one request only, usable once.
    SingleRequest,
    /// To a named third party (a lawyer, a GP, a new counsellor).
    ThirdParty,
}

/// A class of dossier data a consent can cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataClassRecord {
    Intake,
    Session,
    Report,
    Attachment,
    /// Paragraphs of joint-session notes.
    Joint,
}

/// The scope of a consent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeRecord {
    /// The dossiers and couple records covered.
    pub dossiers: Vec<DossierId>,
    pub classes: Vec<DataClassRecord>,
    /// First day of the data covered, `YYYY-MM-DD`, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_from: Option<String>,
    /// Last day of the data covered, `YYYY-MM-DD`, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_until: Option<String>,
}

/// The way a consent or withdrawal was collected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CollectionRecord {
    /// Signed by the grantor's own key (the COSE `kid`).
    SignedByGrantor,
    /// Attested by the counsellor from a signed paper form or letter whose
    /// scan is an attachment of the grantor's dossier.
    AttestedFromForm {
        /// The attachment object holding the scan's description.
        form: ObjectId,
        /// SHA-256 of the scan.
        form_sha256: ByteBuf,
    },
    /// Received other than in writing (by phone, in person); only allowed
    /// for withdrawals, where it suspends the consents it names.
    NotInWriting,
}

/// The payload of a consent token (a COSE_Sign1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentPayload {
    pub version: u32,
    pub id: TokenId,
    pub vault: VaultId,
    pub kind: ConsentKindRecord,
    /// The person whose data the consent is about.
    pub grantor: DossierId,
    /// The couple record the consent belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub couple: Option<DossierId>,
    pub recipient: RecipientRecord,
    pub scope: ScopeRecord,
    /// Whether the consent holds after the counselling has ended.
    pub after_end: bool,
    /// Seconds since the Unix epoch; inclusive.
    pub valid_from: i64,
    /// Seconds since the Unix epoch; exclusive. Absent: no end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<i64>,
    pub purpose: String,
    pub collection: CollectionRecord,
    /// Seconds since the Unix epoch.
    pub issued: i64,
    /// The request a single-request consent is bound to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<TokenId>,
}

/// The payload of a withdrawal (a COSE_Sign1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalPayload {
    pub version: u32,
    pub id: TokenId,
    pub vault: VaultId,
    pub grantor: DossierId,
    /// The consents it withdraws.
    pub withdraws: Vec<TokenId>,
    pub collection: CollectionRecord,
    /// Seconds since the Unix epoch.
    pub issued: i64,
}

/// The payload of a re-verification (a COSE_Sign1): the grantor confirms a
/// consent again, after a request made once the counselling had ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReverificationPayload {
    pub version: u32,
    pub id: TokenId,
    pub vault: VaultId,
    pub grantor: DossierId,
    /// The consent it confirms.
    pub consent: TokenId,
    pub collection: CollectionRecord,
    /// Seconds since the Unix epoch.
    pub issued: i64,
}

/// The payload of the signed receipt in an export (`receipt.cose`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPayload {
    pub version: u32,
    pub vault: VaultId,
    pub recipient: RecipientRecord,
    /// When the export was made, seconds since the Unix epoch.
    pub time: i64,
    /// When the request was made, seconds since the Unix epoch.
    pub requested_at: i64,
    /// Every other file of the archive with its SHA-256.
    pub files: Vec<ReceiptFile>,
    /// The items that went out, with the rule and consents that allowed them.
    pub included: Vec<ItemDecisionRecord>,
    /// The items withheld, counted per rule.
    pub withheld: Vec<WithheldCount>,
}

/// A file of an export archive and its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptFile {
    pub path: String,
    pub sha256: ByteBuf,
}

/// How many items one rule withheld.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithheldCount {
    pub rule: String,
    pub count: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::cbor;
    use ciborium::Value;

    fn record_with_event(kind: &str) -> Vec<u8> {
        let event = Value::Map(vec![(Value::Text(kind.into()), Value::Map(Vec::new()))]);
        cbor::to_vec(&Value::Map(vec![
            (Value::Text("time".into()), Value::Integer(1_780_000_000.into())),
            (Value::Text("event".into()), event),
        ]))
    }

    #[test]
    fn unknown_log_only_event_is_skipped() {
        assert_eq!(decode_event_record(&record_with_event("log-printed")), Ok(None));
    }

    #[test]
    fn unknown_event_that_changes_state_is_rejected() {
        assert!(decode_event_record(&record_with_event("note-moved")).is_err());
        assert!(decode_event_record(&record_with_event("logbook-entry")).is_err());
    }

    #[test]
    fn known_log_event_decodes() {
        let record = EventRecord {
            time: 1_780_000_000,
            event: Event::LogAccess(AccessRecord {
                dossier: DossierId::random(),
                action: AccessAction::Shown,
                items: Vec::new(),
                user: "counsellor".into(),
                encrypted_to: None,
            }),
        };
        let decoded = decode_event_record(&cbor::to_vec(&record)).unwrap().unwrap();
        assert_eq!(decoded, record);
        assert!(decoded.event.is_log_only());
    }

    #[test]
    fn malformed_known_log_event_rejected() {
        assert!(decode_event_record(&record_with_event("log-access")).is_err());
    }
}
