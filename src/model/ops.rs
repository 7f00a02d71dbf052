//! Changes to the vault. Each writes its objects first and then one journal
//! entry, so a crash leaves at most unreferenced objects behind.

use std::io::{self, Read, Write};

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{Details, Dossier, Vault};
use crate::error::{Error, Field, Result};
use crate::format::{
    cbor, AccessAction, AccessRecord, AttachmentRecord, CoupleRecord, DestroyReason, DestroyRecord,
    DisclosureRecord, Event, NoteBody, NoteKind, NoteRecord, ObjectRef, PersonRecord,
};
use crate::ids::{DossierId, ObjectId, TokenId};
use crate::keys::{self, DossierKey};

/// The details of a new person dossier.
pub struct NewPerson {
    pub registration: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub start: jiff::civil::Date,
}

/// An attachment to store: a label, its file name, and its content.
pub struct Attachment<R> {
    pub label: String,
    pub file_name: String,
    pub media_type: String,
    pub content: R,
}

impl Vault {
    /// Creates a person dossier with its own key.
    pub fn add_person(&mut self, person: NewPerson) -> Result<DossierId> {
        if person.name.trim().is_empty() {
            return Err(Error::EmptyField { field: Field::Name });
        }
        self.ensure_registration_free(&person.registration)?;
        let record = PersonRecord {
            registration: person.registration,
            name: person.name,
            email: person.email,
            phone: person.phone,
            address: person.address,
            start: person.start.to_string(),
            end: None,
        };
        let (id, key, details) = self.new_dossier(&cbor::to_vec(&record))?;
        let event = Event::PersonCreated {
            dossier: id,
            key: key.id,
            details: details.id,
        };
        self.commit(vec![key, details], event)?;
        Ok(id)
    }

    /// Creates a couple record linking two person dossiers.
    pub fn add_couple(
        &mut self,
        registration: String,
        partner_a: DossierId,
        partner_b: DossierId,
        start: jiff::civil::Date,
    ) -> Result<DossierId> {
        self.ensure_registration_free(&registration)?;
        if partner_a == partner_b {
            return Err(Error::SamePartner);
        }
        for partner in [partner_a, partner_b] {
            let dossier = self.dossier(partner)?;
            if dossier.is_couple() {
                return Err(Error::NotAPerson {
                    reference: dossier.details.registration().to_string(),
                });
            }
        }
        let record = CoupleRecord {
            registration,
            partner_a,
            partner_b,
            start: start.to_string(),
            end: None,
        };
        let (id, key, details) = self.new_dossier(&cbor::to_vec(&record))?;
        let event = Event::CoupleCreated {
            dossier: id,
            key: key.id,
            details: details.id,
            partners: vec![partner_a, partner_b],
        };
        self.commit(vec![key, details], event)?;
        Ok(id)
    }

    /// Records the last day of the counselling of a person or couple.
    pub fn end_counselling(&mut self, dossier: DossierId, end: jiff::civil::Date) -> Result<()> {
        let target = self.dossier(dossier)?;
        let mut details = target.details.clone();
        let start = match &details {
            Details::Person(person) => person.start.clone(),
            Details::Couple(couple) => couple.start.clone(),
        };
        if end.to_string() < start {
            return Err(Error::EndBeforeStart {
                start,
                end: end.to_string(),
            });
        }
        let plaintext = match &mut details {
            Details::Person(person) => {
                person.end = Some(end.to_string());
                cbor::to_vec(person)
            }
            Details::Couple(couple) => {
                couple.end = Some(end.to_string());
                cbor::to_vec(couple)
            }
        };
        let object = self.put_sealed(target, &plaintext)?;
        self.commit(
            vec![object.clone()],
            Event::DetailsUpdated {
                dossier,
                details: object.id,
            },
        )
    }

    /// Adds a note to a dossier. Notes of a couple record must be tagged
    /// paragraphs; notes of a person dossier are plain text.
    pub fn add_note(
        &mut self,
        dossier: DossierId,
        kind: NoteKind,
        date: jiff::civil::Date,
        body: NoteBody,
    ) -> Result<()> {
        let target = self.dossier(dossier)?;
        let empty = match &body {
            NoteBody::Text(text) => text.trim().is_empty(),
            NoteBody::Paragraphs(paragraphs) => paragraphs.is_empty(),
        };
        if empty {
            return Err(Error::EmptyNote);
        }
        let record = NoteRecord {
            kind,
            date: date.to_string(),
            body,
        };
        let object = self.put_sealed(target, &Zeroizing::new(cbor::to_vec(&record)))?;
        self.commit(
            vec![object.clone()],
            Event::NoteAdded {
                dossier,
                note: object.id,
                kind,
            },
        )
    }

    /// Stores an attachment of any size, streaming it through encryption so
    /// memory use does not depend on its size. Returns the attachment's
    /// description object and the SHA-256 of its content.
    pub fn add_attachment<R: Read>(
        &mut self,
        dossier: DossierId,
        attachment: Attachment<R>,
    ) -> Result<(ObjectId, [u8; 32])> {
        let target = self.dossier(dossier)?;
        let recipient = target.key.recipient();
        let mut content = attachment.content;
        let mut size = 0u64;
        let mut hasher = Sha256::new();
        let blob = self.store.put_object_with(|out| {
            let encryptor =
                age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                    .expect("one X25519 recipient always works");
            let mut writer = encryptor.wrap_output(out)?;
            let mut buffer = Zeroizing::new(vec![0u8; 64 * 1024]);
            loop {
                let read = match content.read(&mut buffer) {
                    Ok(0) => break,
                    Ok(read) => read,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                    Err(err) => return Err(err),
                };
                hasher.update(&buffer[..read]);
                writer.write_all(&buffer[..read])?;
                size += read as u64;
            }
            writer.finish()?;
            Ok(())
        })?;
        let content_sha256: [u8; 32] = hasher.finalize().into();
        let record = AttachmentRecord {
            label: attachment.label,
            file_name: attachment.file_name,
            media_type: attachment.media_type,
            size,
            sha256: serde_bytes::ByteBuf::from(content_sha256.to_vec()),
            blob: blob.id,
            date: crate::consent::time::today().to_string(),
        };
        let target = self.dossier(dossier)?;
        let meta = self.put_sealed(target, &cbor::to_vec(&record))?;
        let meta_id = meta.id;
        let event = Event::AttachmentAdded {
            dossier,
            attachment: meta.id,
            blob: blob.id,
        };
        self.commit(vec![blob, meta], event)?;
        Ok((meta_id, content_sha256))
    }

    /// Stores a signed consent token in the grantor's dossier.
    pub fn add_consent_token(&mut self, grantor: DossierId, token: TokenId, cose: &[u8]) -> Result<()> {
        let target = self.dossier(grantor)?;
        let object = self.put_sealed(target, cose)?;
        self.commit(
            vec![object.clone()],
            Event::ConsentRecorded {
                dossier: grantor,
                token,
                consent: object.id,
            },
        )
    }

    /// Stores a signed withdrawal in the grantor's dossier.
    pub fn add_withdrawal_token(
        &mut self,
        grantor: DossierId,
        token: TokenId,
        withdraws: Vec<TokenId>,
        cose: &[u8],
    ) -> Result<()> {
        let target = self.dossier(grantor)?;
        let object = self.put_sealed(target, cose)?;
        let event = Event::WithdrawalRecorded {
            dossier: grantor,
            token,
            withdrawal: object.id,
            withdraws,
        };
        self.commit(vec![object.clone()], event)
    }

    /// Stores a signed re-verification in the grantor's dossier.
    pub fn add_reverification_token(
        &mut self,
        grantor: DossierId,
        token: TokenId,
        consent: TokenId,
        cose: &[u8],
    ) -> Result<()> {
        let target = self.dossier(grantor)?;
        let object = self.put_sealed(target, cose)?;
        let event = Event::ReverificationRecorded {
            dossier: grantor,
            token,
            reverification: object.id,
            consent,
        };
        self.commit(vec![object.clone()], event)
    }

    /// Registers a client's key card (its text) in their dossier.
    pub fn add_key_card(&mut self, person: DossierId, card: &str) -> Result<()> {
        let target = self.dossier(person)?;
        let object = self.put_sealed(target, card.as_bytes())?;
        self.commit(
            vec![object.clone()],
            Event::KeyCardRegistered {
                dossier: person,
                card: object.id,
            },
        )
    }

    /// Stores a consent request handed to the grantor.
    pub fn add_consent_request(
        &mut self,
        grantor: DossierId,
        request: TokenId,
        envelope: &[u8],
    ) -> Result<()> {
        let target = self.dossier(grantor)?;
        let object = self.put_sealed(target, envelope)?;
        self.commit(
            vec![object.clone()],
            Event::ConsentRequested {
                dossier: grantor,
                request,
                object: object.id,
            },
        )
    }

    /// Journals one read of a dossier for the access log: `items` as
    /// [`item_ref`] names them, empty for the details and list of items.
    pub fn record_access(
        &mut self,
        dossier: DossierId,
        action: AccessAction,
        items: Vec<String>,
        encrypted_to: Option<String>,
    ) -> Result<()> {
        self.dossier(dossier)?;
        let record = AccessRecord {
            dossier,
            action,
            items,
            user: super::current_user(),
            encrypted_to,
        };
        self.commit(Vec::new(), Event::LogAccess(record))
    }

    /// Destroys a dossier: journals its destruction with the list of every
    /// object it had, then overwrites and deletes those files. A person who
    /// is a partner in a couple record is refused until that record is
    /// destroyed, because the couple's joint notes are about them too.
    ///
    /// Once the entry is written, the destruction is final. If deleting a
    /// file fails, the error names it, and the next change deletes it.
    pub fn destroy(&mut self, dossier: DossierId, reason: DestroyReason) -> Result<DestroyRecord> {
        self.ensure_destroyable(dossier)?;
        let registration = self.dossier(dossier)?.details.registration().to_string();
        let removed = self.owned.get(&dossier).cloned().unwrap_or_default();
        let record = DestroyRecord {
            dossier,
            registration,
            reason,
            user: super::current_user(),
        };
        self.commit_change(Vec::new(), removed, Event::DossierDestroyed(record.clone()))?;
        self.shred_leftovers()
            .map_err(|(left, cause)| Error::DestroyIncomplete {
                registration: record.registration.clone(),
                left,
                cause: Box::new(cause),
            })?;
        Ok(record)
    }

    /// Fails when the dossier cannot be destroyed: a person who is a partner
    /// in a couple record that still exists, whose joint notes are about
    /// them too.
    pub fn ensure_destroyable(&self, dossier: DossierId) -> Result<()> {
        let couples: Vec<String> = self
            .couples_of(dossier)
            .iter()
            .map(|couple| couple.details.registration().to_string())
            .collect();
        if couples.is_empty() {
            return Ok(());
        }
        Err(Error::PartnerInCouple {
            registration: self.dossier(dossier)?.details.registration().to_string(),
            couples,
        })
    }

    /// Journals one disclosure decision.
    pub fn record_disclosure(&mut self, record: DisclosureRecord) -> Result<()> {
        self.commit(Vec::new(), Event::DisclosureDecided(record))
    }

    fn ensure_registration_free(&self, registration: &str) -> Result<()> {
        if registration.trim().is_empty() {
            return Err(Error::EmptyField {
                field: Field::Registration,
            });
        }
        // A destroyed dossier's number stays taken, so that the journal's
        // record of its destruction names one dossier only.
        let destroyed = self
            .destroyed
            .iter()
            .filter_map(|destroyed| destroyed.destroyed.as_ref())
            .any(|(_, record)| record.registration == registration);
        if destroyed {
            return Err(Error::RegistrationOfDestroyed {
                registration: registration.to_string(),
            });
        }
        if self
            .dossiers
            .iter()
            .any(|d| d.details.registration() == registration)
        {
            return Err(Error::RegistrationTaken {
                registration: registration.to_string(),
            });
        }
        Ok(())
    }

    fn new_dossier(&self, details: &[u8]) -> Result<(DossierId, ObjectRef, ObjectRef)> {
        let id = DossierId::random();
        let key = DossierKey::generate(id);
        let key_object = self.store.put_object(&key.wrap(&self.vault_recipients()))?;
        let details_object = self.store.put_object(&keys::seal(&[key.recipient()], details))?;
        Ok((id, key_object, details_object))
    }

    fn put_sealed(&self, dossier: &Dossier, plaintext: &[u8]) -> Result<ObjectRef> {
        self.store
            .put_object(&keys::seal(&[dossier.key.recipient()], plaintext))
    }
}

/// Names an item of a dossier in the journal: `<dossier>/<object>`, as
/// disclosure records do.
pub fn item_ref(dossier: DossierId, object: ObjectId) -> String {
    format!("{dossier}/{object}")
}
