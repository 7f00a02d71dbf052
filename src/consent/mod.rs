//! Consents: recording and withdrawing them, and turning the stored tokens
//! into the facts the pure [`policy`] decides on.

pub mod overview;
pub mod policy;
pub mod time;
pub mod token;

use std::io::Read;

use jiff::Timestamp;
use serde_bytes::ByteBuf;

use crate::error::{Error, ObjectRole, Result};
use crate::format::{
    cbor, CollectionRecord, ConsentKindRecord, ConsentPayload, DataClassRecord, RecipientRecord,
    ReverificationPayload, ScopeRecord, WithdrawalPayload, RECORD_VERSION,
};
use crate::ids::{DossierId, TokenId};
use crate::model::{Attachment, Details, Vault};
use policy::{
    Consent, ConsentKind, DataClass, Facts, Person, Recipient, Reverification, ReverificationMode,
    ThirdParty, Withdrawal,
};
use token::{Signers, TokenError};

/// A written consent the counsellor records from a signed form.
pub struct AttestedConsent<R> {
    pub grantor: DossierId,
    pub recipient: RecipientRecord,
    pub classes: Vec<DataClassRecord>,
    pub after_end: bool,
    pub valid_from: jiff::civil::Date,
    /// Last day of validity, inclusive.
    pub valid_until: Option<jiff::civil::Date>,
    pub purpose: String,
    /// Whether the consent is for one request only, usable once (rule R8).
    pub single_request: bool,
    /// The day the grantor signed the form; today when not given. Rule R5
    /// compares it with the end of the counselling.
    pub signed_on: Option<jiff::civil::Date>,
    /// The scanned, signed form, stored in the grantor's dossier.
    pub form: Attachment<R>,
}

/// The way a withdrawal reached the counsellor.
pub enum WithdrawalMethod<R> {
    /// A signed letter, whose scan is stored in the grantor's dossier.
    Letter(Attachment<R>),
    /// By phone or in person: suspends the consents until confirmed in writing.
    NotInWriting,
}

/// A verified consent with what has happened to it since.
#[derive(Debug, Clone)]
pub struct ConsentStatus {
    pub payload: ConsentPayload,
    pub withdrawals: Vec<(TokenId, bool, Timestamp)>,
    /// Re-verifications by the grantor: their ids and when they were given.
    pub reverifications: Vec<(TokenId, Timestamp)>,
    /// Whether an export that went out relied on this consent.
    pub used: bool,
}

/// All verified consents of a vault, ready for the policy.
pub struct ConsentBook {
    pub consents: Vec<ConsentStatus>,
    pub persons: Vec<Person>,
}

impl ConsentBook {
    /// Reads and verifies every consent and withdrawal in the vault.
    ///
    /// A token that fails verification is an error, not a silent skip: a
    /// stored token that no longer verifies means the vault was tampered with.
    pub fn load(vault: &Vault) -> Result<Self> {
        // The keys each client registered; tokens they signed verify only
        // against their own cards.
        let mut grantor_keys: std::collections::HashMap<DossierId, Vec<ed25519_dalek::VerifyingKey>> =
            std::collections::HashMap::new();
        for dossier in vault.dossiers() {
            let keys = vault
                .key_cards(dossier)?
                .into_iter()
                .map(|card| card.verifying_key)
                .collect();
            grantor_keys.insert(dossier.id, keys);
        }
        let signers_for = |grantor: DossierId| Signers {
            vault: vault.id(),
            counsellor: vault.verifying_key(),
            grantor_keys: grantor_keys.get(&grantor).map(Vec::as_slice).unwrap_or(&[]),
        };
        let mut consents = Vec::new();
        for (grantor, id, bytes) in vault.consent_tokens()? {
            let signers = signers_for(grantor);
            let payload = token::verify_consent(&bytes, &signers)
                .and_then(|payload| {
                    check_stored(
                        vault,
                        (grantor, id),
                        (payload.grantor, payload.id),
                        &payload.collection,
                    )?;
                    Ok(payload)
                })
                .map_err(|reason| Error::InvalidToken {
                    token: id.short(),
                    reason,
                })?;
            consents.push(ConsentStatus {
                payload,
                withdrawals: Vec::new(),
                reverifications: Vec::new(),
                used: vault.disclosures().iter().any(|(_, record)| {
                    record.written && record.items.iter().any(|item| item.consents.contains(&id))
                }),
            });
        }
        for (grantor, id, bytes) in vault.withdrawal_tokens()? {
            let signers = signers_for(grantor);
            let payload = token::verify_withdrawal(&bytes, &signers)
                .and_then(|payload| {
                    check_stored(
                        vault,
                        (grantor, id),
                        (payload.grantor, payload.id),
                        &payload.collection,
                    )?;
                    Ok(payload)
                })
                .map_err(|reason| Error::InvalidToken {
                    token: id.short(),
                    reason,
                })?;
            let in_writing = payload.collection != CollectionRecord::NotInWriting;
            let time = Timestamp::from_second(payload.issued).unwrap_or(Timestamp::UNIX_EPOCH);
            for withdrawn in &payload.withdraws {
                if let Some(status) = consents
                    .iter_mut()
                    .find(|c| c.payload.id == *withdrawn && c.payload.grantor == grantor)
                {
                    status.withdrawals.push((payload.id, in_writing, time));
                }
            }
        }
        for (grantor, id, bytes) in vault.reverification_tokens()? {
            let signers = signers_for(grantor);
            let payload = token::verify_reverification(&bytes, &signers)
                .and_then(|payload| {
                    check_stored(
                        vault,
                        (grantor, id),
                        (payload.grantor, payload.id),
                        &payload.collection,
                    )?;
                    Ok(payload)
                })
                .map_err(|reason| Error::InvalidToken {
                    token: id.short(),
                    reason,
                })?;
            let time = Timestamp::from_second(payload.issued).unwrap_or(Timestamp::UNIX_EPOCH);
            if let Some(status) = consents
                .iter_mut()
                .find(|c| c.payload.id == payload.consent && c.payload.grantor == grantor)
            {
                status.reverifications.push((payload.id, time));
            }
        }
        let mut persons = Vec::new();
        for dossier in vault.dossiers() {
            let Details::Person(person) = &dossier.details else {
                continue;
            };
            // An end date that does not parse fails closed: it is an error,
            // never "the counselling has not ended".
            let counselling_end = match person.end.as_deref() {
                Some(end) => Some(time::end_of(time::parse_date(end)?)),
                None => None,
            };
            persons.push(Person {
                id: dossier.id,
                counselling_end,
            });
        }
        Ok(Self { consents, persons })
    }

    /// Returns the consents in the policy's terms.
    pub fn policy_consents(&self) -> Vec<Consent> {
        self.consents.iter().map(to_policy).collect()
    }

    /// Finds a consent by the start of its identifier (at least 8 hex digits).
    pub fn find(&self, reference: &str) -> Result<&ConsentStatus> {
        let lower = reference.trim().to_ascii_lowercase();
        let mut matches = self
            .consents
            .iter()
            .filter(|c| lower.len() >= 8 && c.payload.id.to_hex().starts_with(&lower));
        match (matches.next(), matches.next()) {
            (Some(found), None) => Ok(found),
            _ => Err(Error::ConsentNotFound {
                reference: reference.trim().to_string(),
            }),
        }
    }

    /// Runs the policy over `request` with this book's facts.
    pub fn decide(&self, request: &policy::Request) -> Vec<policy::Decision> {
        let consents = self.policy_consents();
        policy::decide(
            request,
            &Facts {
                persons: &self.persons,
                consents: &consents,
                reverification: ReverificationMode::Required,
            },
        )
    }
}

/// The kind of a stored statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementKind {
    Consent,
    Withdrawal,
    Reverification,
}

/// The verdict on one stored statement, for `kluis check`.
#[derive(Debug)]
pub struct StatementCheck {
    pub grantor: DossierId,
    pub id: TokenId,
    pub kind: StatementKind,
    /// `Err` with the reason when the statement does not verify or cannot
    /// be read.
    pub result: Result<()>,
}

/// Verifies every stored consent, withdrawal and re-verification on its
/// own, so that one bad token does not hide the others. The checks are the
/// ones [`ConsentBook::load`] makes.
pub fn verify_each(vault: &Vault) -> Vec<StatementCheck> {
    let mut checks = Vec::new();
    for dossier in vault.dossiers() {
        // A damaged key card is reported as damage of the card's object;
        // tokens of this client are then checked against the others.
        let keys: Vec<ed25519_dalek::VerifyingKey> = dossier
            .cards
            .iter()
            .filter_map(|object| {
                let bytes = vault.read_item(dossier, *object, ObjectRole::Consent).ok()?;
                crate::partner::parse_card(&String::from_utf8_lossy(&bytes)).ok()
            })
            .map(|card| card.verifying_key)
            .collect();
        let signers = Signers {
            vault: vault.id(),
            counsellor: vault.verifying_key(),
            grantor_keys: &keys,
        };
        let statements = dossier
            .consents
            .iter()
            .map(|entry| {
                (
                    entry.token,
                    entry.object,
                    StatementKind::Consent,
                    ObjectRole::Consent,
                )
            })
            .chain(dossier.withdrawals.iter().map(|entry| {
                (
                    entry.token,
                    entry.object,
                    StatementKind::Withdrawal,
                    ObjectRole::Withdrawal,
                )
            }))
            .chain(dossier.reverifications.iter().map(|entry| {
                (
                    entry.token,
                    entry.object,
                    StatementKind::Reverification,
                    ObjectRole::Consent,
                )
            }));
        for (id, object, kind, role) in statements {
            let result = vault.read_item(dossier, object, role).and_then(|bytes| {
                let claimed = match kind {
                    StatementKind::Consent => token::verify_consent(&bytes, &signers)
                        .map(|payload| (payload.grantor, payload.id, payload.collection)),
                    StatementKind::Withdrawal => token::verify_withdrawal(&bytes, &signers)
                        .map(|payload| (payload.grantor, payload.id, payload.collection)),
                    StatementKind::Reverification => token::verify_reverification(&bytes, &signers)
                        .map(|payload| (payload.grantor, payload.id, payload.collection)),
                };
                claimed
                    .and_then(|(grantor, claimed_id, collection)| {
                        check_stored(vault, (dossier.id, id), (grantor, claimed_id), &collection)
                    })
                    .map_err(|reason| Error::InvalidToken {
                        token: id.short(),
                        reason,
                    })
            });
            checks.push(StatementCheck {
                grantor: dossier.id,
                id,
                kind,
                result,
            });
        }
    }
    checks
}

/// Checks that a stored token is filed under its own grantor and id, and
/// that its scanned form (if any) is in the grantor's dossier.
fn check_stored(
    vault: &Vault,
    stored: (DossierId, TokenId),
    claimed: (DossierId, TokenId),
    collection: &CollectionRecord,
) -> Result<(), TokenError> {
    if stored != claimed {
        return Err(TokenError::Inconsistent(token::Inconsistency::WrongDossier));
    }
    check_form(vault, stored.0, collection)
}

/// Checks that a token attested from a form names a scan that is an
/// attachment of the grantor's dossier, with the hash the token carries.
fn check_form(vault: &Vault, grantor: DossierId, collection: &CollectionRecord) -> Result<(), TokenError> {
    let CollectionRecord::AttestedFromForm { form, form_sha256 } = collection else {
        return Ok(());
    };
    let missing = TokenError::Inconsistent(token::Inconsistency::FormMissing);
    let dossier = vault.dossier(grantor).map_err(|_| missing.clone())?;
    // Only the form's own description is read, because damage to another
    // attachment of the grantor does not affect this consent.
    let Some(entry) = dossier.attachments.iter().find(|entry| entry.object == *form) else {
        return Err(missing);
    };
    let record = vault
        .read_item(dossier, entry.object, ObjectRole::Attachment)
        .ok()
        .and_then(|plaintext| cbor::from_slice::<crate::format::AttachmentRecord>(&plaintext).ok());
    match record {
        Some(record) if record.blob == entry.blob && record.sha256.as_slice() == form_sha256.as_slice() => {
            Ok(())
        }
        _ => Err(missing),
    }
}

fn to_policy(status: &ConsentStatus) -> Consent {
    let payload = &status.payload;
    Consent {
        id: payload.id,
        grantor: payload.grantor,
        recipient: recipient_from_record(&payload.recipient),
        kind: match payload.kind {
            ConsentKindRecord::PartnerExchange => ConsentKind::PartnerExchange,
            ConsentKindRecord::SingleRequest => ConsentKind::SingleRequest,
            ConsentKindRecord::ThirdParty => ConsentKind::ThirdParty,
        },
        dossiers: payload.scope.dossiers.clone(),
        classes: payload
            .scope
            .classes
            .iter()
            .map(|class| class_from_record(*class))
            .collect(),
        after_end: payload.after_end,
        valid_from: Timestamp::from_second(payload.valid_from).unwrap_or(Timestamp::MAX),
        valid_until: payload
            .valid_until
            .map(|until| Timestamp::from_second(until).unwrap_or(Timestamp::MIN)),
        withdrawals: status
            .withdrawals
            .iter()
            .map(|(id, in_writing, time)| Withdrawal {
                id: *id,
                in_writing: *in_writing,
                time: *time,
            })
            .collect(),
        // An issue time out of range counts as issued before any end, so
        // rule R5 applies to the consent rather than being skipped.
        issued: Timestamp::from_second(payload.issued).unwrap_or(Timestamp::MIN),
        request: payload.request,
        used: status.used,
        reverifications: status
            .reverifications
            .iter()
            .map(|(id, time)| Reverification { id: *id, time: *time })
            .collect(),
    }
}

/// Converts a stored recipient to the policy's form.
pub fn recipient_from_record(record: &RecipientRecord) -> Recipient {
    match record {
        RecipientRecord::Person(id) => Recipient::Person(*id),
        RecipientRecord::ThirdParty { name, role } => Recipient::ThirdParty(ThirdParty {
            name: name.clone(),
            role: role.clone(),
        }),
    }
}

/// Converts a stored data class to the policy's form.
pub fn class_from_record(class: DataClassRecord) -> DataClass {
    match class {
        DataClassRecord::Intake => DataClass::Intake,
        DataClassRecord::Session => DataClass::Session,
        DataClassRecord::Report => DataClass::Report,
        DataClassRecord::Attachment => DataClass::Attachment,
        DataClassRecord::Joint => DataClass::Joint,
    }
}

/// Every data class, the default scope of a consent.
pub const ALL_CLASSES: [DataClassRecord; 5] = [
    DataClassRecord::Intake,
    DataClassRecord::Session,
    DataClassRecord::Report,
    DataClassRecord::Attachment,
    DataClassRecord::Joint,
];

/// The terms of a consent, before it is signed one way or the other.
#[derive(Debug, Clone)]
pub struct ConsentTerms {
    pub grantor: DossierId,
    pub recipient: RecipientRecord,
    pub classes: Vec<DataClassRecord>,
    pub after_end: bool,
    pub valid_from: jiff::civil::Date,
    /// Last day of validity, inclusive.
    pub valid_until: Option<jiff::civil::Date>,
    pub purpose: String,
    /// Whether the consent is for one request only, usable once (rule R8).
    pub single_request: bool,
}

/// Checks the terms against the vault and builds the payload to sign.
fn consent_payload(
    vault: &Vault,
    terms: ConsentTerms,
    collection: CollectionRecord,
    issued: i64,
) -> Result<ConsentPayload> {
    let grantor = vault.dossier(terms.grantor)?;
    if grantor.is_couple() {
        return Err(Error::NotAPerson {
            reference: grantor.details.registration().to_string(),
        });
    }
    if terms.recipient == RecipientRecord::Person(terms.grantor) {
        return Err(Error::ConsentToSelf);
    }
    if terms.purpose.trim().is_empty() {
        return Err(Error::EmptyField {
            field: crate::error::Field::Purpose,
        });
    }
    let couples: Vec<DossierId> = vault.couples_of(terms.grantor).iter().map(|c| c.id).collect();
    let (kind, couple) = match &terms.recipient {
        RecipientRecord::Person(recipient) => {
            let shared = vault
                .couples_of(*recipient)
                .iter()
                .map(|c| c.id)
                .find(|id| couples.contains(id));
            let Some(shared) = shared else {
                let recipient = vault.dossier(*recipient)?;
                return Err(Error::NotPartners {
                    reference: recipient.details.registration().to_string(),
                });
            };
            (ConsentKindRecord::PartnerExchange, Some(shared))
        }
        RecipientRecord::ThirdParty { .. } => (ConsentKindRecord::ThirdParty, None),
    };
    // A single-request consent is bound to a request id of its own, which
    // the export that answers the request names.
    let (kind, request) = if terms.single_request {
        (ConsentKindRecord::SingleRequest, Some(TokenId::random()))
    } else {
        (kind, None)
    };
    let valid_from = time::start_of(terms.valid_from);
    let valid_until = terms.valid_until.map(time::end_of);
    if valid_until.is_some_and(|until| until <= valid_from) {
        return Err(Error::EndBeforeStart {
            start: terms.valid_from.to_string(),
            end: terms.valid_until.map(|d| d.to_string()).unwrap_or_default(),
        });
    }
    // A partner consent covers the grantor's dossier and the couple record
    // the two share; a third-party consent covers every couple record of
    // the grantor, because joint notes are about the grantor too.
    let mut dossiers = vec![terms.grantor];
    match couple {
        Some(shared) => dossiers.push(shared),
        None => dossiers.extend(couples.iter().copied()),
    }
    Ok(ConsentPayload {
        version: RECORD_VERSION,
        id: TokenId::random(),
        vault: vault.id(),
        kind,
        grantor: terms.grantor,
        couple,
        recipient: terms.recipient,
        scope: ScopeRecord {
            dossiers,
            classes: terms.classes,
            data_from: None,
            data_until: None,
        },
        after_end: terms.after_end,
        valid_from: valid_from.as_second(),
        valid_until: valid_until.map(|until| until.as_second()),
        purpose: terms.purpose,
        collection,
        issued,
        request,
    })
}

/// Records a written consent attested by the counsellor: stores the scanned
/// form in the grantor's dossier, then a token that carries its hash.
pub fn record_attested<R: Read>(vault: &mut Vault, consent: AttestedConsent<R>) -> Result<TokenId> {
    let issued = match consent.signed_on {
        Some(day) if day > time::today() => {
            return Err(Error::FutureDate {
                value: day.to_string(),
            })
        }
        Some(day) => time::start_of(day).as_second(),
        None => Timestamp::now().as_second(),
    };
    let terms = ConsentTerms {
        grantor: consent.grantor,
        recipient: consent.recipient,
        classes: consent.classes,
        after_end: consent.after_end,
        valid_from: consent.valid_from,
        valid_until: consent.valid_until,
        purpose: consent.purpose,
        single_request: consent.single_request,
    };
    // Check the terms before the scan is stored, then fill in the scan.
    let mut payload = consent_payload(vault, terms, CollectionRecord::NotInWriting, issued)?;
    let (form, form_sha256) = vault.add_attachment(payload.grantor, consent.form)?;
    payload.collection = CollectionRecord::AttestedFromForm {
        form,
        form_sha256: ByteBuf::from(form_sha256.to_vec()),
    };
    let bytes = token::sign_consent(&payload, vault.signing_key());
    vault.add_consent_token(payload.grantor, payload.id, &bytes)?;
    Ok(payload.id)
}

/// Creates a consent request for a client with their own key: the consent
/// to sign, with names in plain words, signed by the counsellor and kept in
/// the grantor's dossier. Returns the request as armored text to hand over.
pub fn request(vault: &mut Vault, terms: ConsentTerms) -> Result<(TokenId, String)> {
    let grantor_name = crate::export::texts::person(vault, terms.grantor);
    let recipient_name = match &terms.recipient {
        RecipientRecord::Person(id) => crate::export::texts::person(vault, *id),
        RecipientRecord::ThirdParty { name, role } => format!("{name} ({role})"),
    };
    if vault.key_cards(vault.dossier(terms.grantor)?)?.is_empty() {
        return Err(Error::NoKeyCard {
            reference: vault.dossier(terms.grantor)?.details.registration().to_string(),
        });
    }
    let proposed = consent_payload(vault, terms, CollectionRecord::SignedByGrantor, 0)?;
    let payload = crate::format::ConsentRequestPayload {
        version: RECORD_VERSION,
        vault: vault.id(),
        proposed,
        grantor_name,
        recipient_name,
    };
    let id = payload.proposed.id;
    let bytes = crate::format::cose::sign(
        crate::format::cose::CONSENT_REQUEST,
        crate::format::cbor::to_vec(&payload),
        vault.signing_key(),
    );
    vault.add_consent_request(payload.proposed.grantor, id, &bytes)?;
    Ok((id, crate::partner::armor(crate::partner::REQUEST_LABEL, &bytes)))
}

/// Imports a consent the grantor signed with their own key. Checks the
/// signature against the keys registered for the grantor, that it answers
/// a request of this vault word for word (only `issued` is the grantor's),
/// that it was not imported before, and that it has not expired.
pub fn import(vault: &mut Vault, text: &str) -> Result<Imported> {
    if let Some(bytes) = crate::partner::dearmor(crate::partner::WITHDRAWAL_LABEL, text) {
        return import_withdrawal(vault, &bytes).map(Imported::Withdrawal);
    }
    if let Some(bytes) = crate::partner::dearmor(crate::partner::REVERIFICATION_LABEL, text) {
        return import_reverification(vault, &bytes).map(Imported::Reverification);
    }
    import_consent(vault, text).map(Imported::Consent)
}

/// The kind of statement `import` stored, with its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Imported {
    Consent(TokenId),
    Withdrawal(TokenId),
    Reverification(TokenId),
}

/// Decodes a client-signed token's payload without checking its signature,
/// to learn which vault and grantor it claims.
fn claimed<P: serde::Serialize + serde::de::DeserializeOwned>(bytes: &[u8], content_type: &str) -> Result<P> {
    let malformed = |err: crate::format::FormatError| Error::InvalidToken {
        token: "?".into(),
        reason: err.into(),
    };
    let envelope = crate::format::cose::Envelope::parse(bytes, content_type).map_err(malformed)?;
    crate::format::cbor::from_slice(envelope.unverified_payload()).map_err(malformed)
}

/// Returns the keys on the cards registered for the grantor a token of
/// this vault claims; another vault or an unknown grantor is `OtherVault`.
fn client_keys(
    vault: &Vault,
    claimed_vault: crate::ids::VaultId,
    grantor: DossierId,
    invalid: impl Fn(TokenError) -> Error,
) -> Result<Vec<ed25519_dalek::VerifyingKey>> {
    if claimed_vault != vault.id() {
        return Err(invalid(TokenError::OtherVault));
    }
    let dossier = vault
        .dossier(grantor)
        .map_err(|_| invalid(TokenError::OtherVault))?;
    Ok(vault
        .key_cards(dossier)?
        .into_iter()
        .map(|card| card.verifying_key)
        .collect())
}

/// Rejects a statement dated more than five minutes into the future.
fn check_not_future(issued: i64, invalid: impl Fn(TokenError) -> Error) -> Result<()> {
    if issued > Timestamp::now().as_second() + 300 {
        return Err(invalid(TokenError::Inconsistent(
            token::Inconsistency::IssuedInFuture,
        )));
    }
    Ok(())
}

fn import_withdrawal(vault: &mut Vault, bytes: &[u8]) -> Result<TokenId> {
    let claimed: WithdrawalPayload = claimed(bytes, crate::format::cose::WITHDRAWAL)?;
    let invalid = |reason: TokenError| Error::InvalidToken {
        token: claimed.id.short(),
        reason,
    };
    let keys = client_keys(vault, claimed.vault, claimed.grantor, invalid)?;
    let signers = Signers {
        vault: vault.id(),
        counsellor: vault.verifying_key(),
        grantor_keys: &keys,
    };
    let payload = token::verify_withdrawal(bytes, &signers).map_err(invalid)?;
    check_not_future(payload.issued, invalid)?;
    let book = ConsentBook::load(vault)?;
    let known = book.consents.iter().any(|status| {
        payload.withdraws.contains(&status.payload.id) && status.payload.grantor == payload.grantor
    });
    if !known {
        return Err(Error::ConsentNotFound {
            reference: payload.withdraws[0].short(),
        });
    }
    let replayed = book
        .consents
        .iter()
        .any(|status| status.withdrawals.iter().any(|(id, _, _)| *id == payload.id));
    if replayed {
        return Err(Error::AlreadyImported {
            reference: payload.id.short(),
        });
    }
    vault.add_withdrawal_token(payload.grantor, payload.id, payload.withdraws.clone(), bytes)?;
    Ok(payload.id)
}

fn import_reverification(vault: &mut Vault, bytes: &[u8]) -> Result<TokenId> {
    let claimed: ReverificationPayload = claimed(bytes, crate::format::cose::REVERIFICATION)?;
    let invalid = |reason: TokenError| Error::InvalidToken {
        token: claimed.id.short(),
        reason,
    };
    let keys = client_keys(vault, claimed.vault, claimed.grantor, invalid)?;
    let signers = Signers {
        vault: vault.id(),
        counsellor: vault.verifying_key(),
        grantor_keys: &keys,
    };
    let payload = token::verify_reverification(bytes, &signers).map_err(invalid)?;
    check_not_future(payload.issued, invalid)?;
    let book = ConsentBook::load(vault)?;
    let Some(status) = book
        .consents
        .iter()
        .find(|status| status.payload.id == payload.consent && status.payload.grantor == payload.grantor)
    else {
        return Err(Error::ConsentNotFound {
            reference: payload.consent.short(),
        });
    };
    if status.reverifications.iter().any(|(id, _)| *id == payload.id) {
        return Err(Error::AlreadyImported {
            reference: payload.id.short(),
        });
    }
    if !status.withdrawals.is_empty() {
        return Err(Error::AlreadyWithdrawn {
            reference: payload.consent.short(),
        });
    }
    vault.add_reverification_token(payload.grantor, payload.id, payload.consent, bytes)?;
    Ok(payload.id)
}

fn import_consent(vault: &mut Vault, text: &str) -> Result<TokenId> {
    let bytes = crate::partner::dearmor(crate::partner::CONSENT_LABEL, text).ok_or(Error::InvalidToken {
        token: "?".into(),
        reason: TokenError::Malformed(crate::format::FormatError::Invalid(
            "not an armored kluis consent",
        )),
    })?;
    let claimed: ConsentPayload = claimed(&bytes, crate::format::cose::CONSENT)?;
    let invalid = |reason: TokenError| Error::InvalidToken {
        token: claimed.id.short(),
        reason,
    };
    let keys = client_keys(vault, claimed.vault, claimed.grantor, invalid)?;
    let grantor = vault.dossier(claimed.grantor)?;
    let signers = Signers {
        vault: vault.id(),
        counsellor: vault.verifying_key(),
        grantor_keys: &keys,
    };
    let payload = token::verify_consent(&bytes, &signers).map_err(invalid)?;
    if payload.collection != CollectionRecord::SignedByGrantor {
        return Err(invalid(TokenError::UnknownSigner));
    }
    let book = ConsentBook::load(vault)?;
    if book.consents.iter().any(|status| status.payload.id == payload.id) {
        return Err(Error::AlreadyImported {
            reference: payload.id.short(),
        });
    }
    let Some(stored) = vault.consent_request(grantor, payload.id)? else {
        return Err(invalid(TokenError::Inconsistent(
            token::Inconsistency::NotRequested,
        )));
    };
    let request: crate::format::ConsentRequestPayload = crate::format::cbor::from_slice(
        &crate::format::cose::verify(
            &stored,
            crate::format::cose::CONSENT_REQUEST,
            &vault.verifying_key(),
        )
        .map_err(|err| invalid(err.into()))?,
    )
    .map_err(|err| invalid(err.into()))?;
    let mut asked = request.proposed;
    asked.issued = payload.issued;
    if asked != payload {
        return Err(invalid(TokenError::Inconsistent(
            token::Inconsistency::NotRequested,
        )));
    }
    let now = Timestamp::now().as_second();
    if payload.valid_until.is_some_and(|until| until <= now) || payload.issued > now + 300 {
        return Err(Error::ConsentExpired {
            reference: payload.id.short(),
        });
    }
    vault.add_consent_token(payload.grantor, payload.id, &bytes)?;
    Ok(payload.id)
}

/// Records a re-verification of one consent, attested by the counsellor
/// from a signed confirmation whose scan is stored in the grantor's dossier.
/// It counts for requests made up to the moment it is recorded (rule R5).
pub fn reverify<R: Read>(
    vault: &mut Vault,
    consent: TokenId,
    confirmation: Attachment<R>,
) -> Result<TokenId> {
    let book = ConsentBook::load(vault)?;
    let status = book
        .consents
        .iter()
        .find(|c| c.payload.id == consent)
        .ok_or_else(|| Error::ConsentNotFound {
            reference: consent.short(),
        })?;
    if !status.withdrawals.is_empty() {
        return Err(Error::AlreadyWithdrawn {
            reference: consent.short(),
        });
    }
    let grantor = status.payload.grantor;
    let (form, sha) = vault.add_attachment(grantor, confirmation)?;
    let payload = ReverificationPayload {
        version: RECORD_VERSION,
        id: TokenId::random(),
        vault: vault.id(),
        grantor,
        consent,
        collection: CollectionRecord::AttestedFromForm {
            form,
            form_sha256: ByteBuf::from(sha.to_vec()),
        },
        issued: Timestamp::now().as_second(),
    };
    let bytes = token::sign_reverification(&payload, vault.signing_key());
    vault.add_reverification_token(grantor, payload.id, consent, &bytes)?;
    Ok(payload.id)
}

/// Records a withdrawal of one consent. It takes effect at once for every
/// later disclosure; one not in writing suspends the consent.
pub fn withdraw<R: Read>(
    vault: &mut Vault,
    consent: TokenId,
    method: WithdrawalMethod<R>,
) -> Result<TokenId> {
    let book = ConsentBook::load(vault)?;
    let status = book
        .consents
        .iter()
        .find(|c| c.payload.id == consent)
        .ok_or_else(|| Error::ConsentNotFound {
            reference: consent.short(),
        })?;
    if status.withdrawals.iter().any(|(_, in_writing, _)| *in_writing) {
        return Err(Error::AlreadyWithdrawn {
            reference: consent.short(),
        });
    }
    let grantor = status.payload.grantor;
    let collection = match method {
        WithdrawalMethod::Letter(letter) => {
            let (form, sha) = vault.add_attachment(grantor, letter)?;
            CollectionRecord::AttestedFromForm {
                form,
                form_sha256: ByteBuf::from(sha.to_vec()),
            }
        }
        WithdrawalMethod::NotInWriting => CollectionRecord::NotInWriting,
    };
    let payload = WithdrawalPayload {
        version: RECORD_VERSION,
        id: TokenId::random(),
        vault: vault.id(),
        grantor,
        withdraws: vec![consent],
        collection,
        issued: Timestamp::now().as_second(),
    };
    let bytes = token::sign_withdrawal(&payload, vault.signing_key());
    vault.add_withdrawal_token(grantor, payload.id, payload.withdraws.clone(), &bytes)?;
    Ok(payload.id)
}

/// The state of a consent at one instant, for overviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentState {
    Active,
    /// Withdrawn in writing.
    Withdrawn,
    /// Withdrawn other than in writing: suspended pending written confirmation.
    Suspended,
    Expired,
    NotYetValid,
    /// The grantor's counselling has ended and the consent does not hold after it.
    EndedNotAfterEnd,
    /// A single-request consent that an export has already used.
    Used,
    /// The consent was given before the end of the counselling, which has
    /// ended, and has not been re-verified since: requests made after the
    /// end need a re-verification (rule R5).
    NeedsReverification,
}

impl ConsentBook {
    /// Returns the state of a consent at `now`.
    pub fn state(&self, status: &ConsentStatus, now: Timestamp) -> ConsentState {
        let payload = &status.payload;
        if status.withdrawals.iter().any(|(_, in_writing, _)| *in_writing) {
            return ConsentState::Withdrawn;
        }
        if !status.withdrawals.is_empty() {
            return ConsentState::Suspended;
        }
        if payload.kind == ConsentKindRecord::SingleRequest && status.used {
            return ConsentState::Used;
        }
        if now.as_second() < payload.valid_from {
            return ConsentState::NotYetValid;
        }
        if payload.valid_until.is_some_and(|until| now.as_second() >= until) {
            return ConsentState::Expired;
        }
        let ended = self
            .persons
            .iter()
            .find(|person| person.id == payload.grantor)
            .and_then(|person| person.counselling_end)
            .is_some_and(|end| now >= end);
        if ended && !payload.after_end {
            return ConsentState::EndedNotAfterEnd;
        }
        let end = self
            .persons
            .iter()
            .find(|person| person.id == payload.grantor)
            .and_then(|person| person.counselling_end);
        if let Some(end) = end.filter(|end| now >= *end && payload.issued < end.as_second()) {
            if !status.reverifications.iter().any(|(_, time)| *time >= end) {
                return ConsentState::NeedsReverification;
            }
        }
        ConsentState::Active
    }
}
