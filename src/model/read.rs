//! Reading dossiers: summaries, notes, attachments and stored tokens.

use std::io::Read;

use zeroize::Zeroizing;

use super::{Details, Dossier, Vault};
use crate::error::{Error, ObjectRole, Result};
use crate::format::{cbor, AttachmentRecord, NoteRecord};
use crate::ids::{DossierId, ObjectId, TokenId};
use crate::keys;
use crate::store::Store;

/// A token as stored: the dossier it is in, its id, and its COSE bytes.
pub type StoredToken = (DossierId, TokenId, Zeroizing<Vec<u8>>);

/// One line of `kluis list`.
#[derive(Debug, Clone)]
pub struct DossierSummary {
    pub id: DossierId,
    pub details: Details,
    /// Registration numbers of the partners, for a couple record.
    pub partners: Vec<String>,
    pub notes: usize,
    pub working_notes: usize,
    pub attachments: usize,
    pub consents: usize,
}

/// A decrypted note with its position in the dossier (numbered from 1).
#[derive(Debug, Clone)]
pub struct NoteView {
    pub number: usize,
    pub object: ObjectId,
    pub record: NoteRecord,
}

/// An attachment's description with its position (numbered from 1).
#[derive(Debug, Clone)]
pub struct AttachmentView {
    pub number: usize,
    pub object: ObjectId,
    pub record: AttachmentRecord,
}

impl Vault {
    /// Returns how many files destroying the dossier would delete.
    pub fn files_of(&self, dossier: DossierId) -> usize {
        self.owned.get(&dossier).map_or(0, Vec::len)
    }

    /// Summarizes every dossier, persons before couples, in creation order.
    pub fn summaries(&self) -> Vec<DossierSummary> {
        let mut list: Vec<DossierSummary> = self
            .dossiers
            .iter()
            .map(|dossier| {
                let partners = match &dossier.details {
                    Details::Couple(couple) => [couple.partner_a, couple.partner_b]
                        .iter()
                        .filter_map(|id| self.dossier(*id).ok())
                        .map(|partner| partner.details.registration().to_string())
                        .collect(),
                    Details::Person(_) => Vec::new(),
                };
                let working_notes = dossier
                    .notes
                    .iter()
                    .filter(|n| n.kind == crate::format::NoteKind::WorkingNote)
                    .count();
                DossierSummary {
                    id: dossier.id,
                    details: dossier.details.clone(),
                    partners,
                    notes: dossier.notes.len() - working_notes,
                    working_notes,
                    attachments: dossier.attachments.len(),
                    consents: dossier.consents.len(),
                }
            })
            .collect();
        list.sort_by_key(|summary| matches!(summary.details, Details::Couple(_)));
        list
    }

    /// Decrypts every note of a dossier, working notes included.
    pub fn notes(&self, dossier: &Dossier) -> Result<Vec<NoteView>> {
        dossier
            .notes
            .iter()
            .enumerate()
            .map(|(index, note)| {
                let plaintext = self.read_sealed(dossier, note.object, ObjectRole::Note)?;
                let record: NoteRecord = cbor::from_slice(&plaintext)
                    .map_err(|err| Error::unreadable(Store::object_name(note.object), err))?;
                Ok(NoteView {
                    number: index + 1,
                    object: note.object,
                    record,
                })
            })
            .collect()
    }

    /// Decrypts note `number` (from 1) of a dossier, and no other: damage
    /// to another note does not stop this one from being read.
    pub fn note(&self, dossier: &Dossier, number: usize) -> Result<Option<NoteView>> {
        let Some(note) = number.checked_sub(1).and_then(|index| dossier.notes.get(index)) else {
            return Ok(None);
        };
        let plaintext = self.read_sealed(dossier, note.object, ObjectRole::Note)?;
        let record: NoteRecord = cbor::from_slice(&plaintext)
            .map_err(|err| Error::unreadable(Store::object_name(note.object), err))?;
        Ok(Some(NoteView {
            number,
            object: note.object,
            record,
        }))
    }

    /// Decrypts the descriptions of a dossier's attachments.
    pub fn attachments(&self, dossier: &Dossier) -> Result<Vec<AttachmentView>> {
        dossier
            .attachments
            .iter()
            .enumerate()
            .map(|(index, attachment)| {
                let plaintext = self.read_sealed(dossier, attachment.object, ObjectRole::Attachment)?;
                let record: AttachmentRecord = cbor::from_slice(&plaintext)
                    .map_err(|err| Error::unreadable(Store::object_name(attachment.object), err))?;
                if record.blob != attachment.blob {
                    return Err(Error::Damaged(crate::error::Damage::Modified {
                        file: Store::object_name(attachment.object),
                    }));
                }
                Ok(AttachmentView {
                    number: index + 1,
                    object: attachment.object,
                    record,
                })
            })
            .collect()
    }

    /// Opens an attachment's content as a decrypting stream. A read fails
    /// if the stored file does not match the journal.
    pub fn attachment_content(
        &self,
        dossier: &Dossier,
        attachment: &AttachmentView,
    ) -> Result<impl Read + use<>> {
        let blob = self.object_ref(attachment.record.blob)?;
        let reader = self.store.open_object(blob)?;
        keys::open_stream(reader, dossier.key.identity(), &Store::object_name(blob.id))
            .map_err(|err| super::in_dossier(err, dossier, ObjectRole::Attachment))
    }

    /// Reads an attachment's stored file to its end and checks it against
    /// the journal's hash, without decrypting it. Callers use this before
    /// writing to output that cannot be taken back, such as standard output.
    /// A streamed file's hash is known only at its end, and age
    /// authenticates each chunk but not which file the chunk belongs to.
    pub fn verify_attachment_file(&self, dossier: &Dossier, attachment: &AttachmentView) -> Result<()> {
        let blob = self.object_ref(attachment.record.blob)?;
        let file = Store::object_name(blob.id);
        let mut reader = self.store.open_object(blob)?;
        std::io::copy(&mut reader, &mut std::io::sink()).map_err(|err| {
            super::in_dossier(
                crate::store::read_damage(err, &file),
                dossier,
                ObjectRole::Attachment,
            )
        })?;
        Ok(())
    }

    /// Returns every stored consent token with its grantor.
    pub fn consent_tokens(&self) -> Result<Vec<StoredToken>> {
        let mut tokens = Vec::new();
        for dossier in &self.dossiers {
            for consent in &dossier.consents {
                tokens.push((
                    dossier.id,
                    consent.token,
                    self.read_sealed(dossier, consent.object, ObjectRole::Consent)?,
                ));
            }
        }
        Ok(tokens)
    }

    /// Returns every stored re-verification with its grantor.
    pub fn reverification_tokens(&self) -> Result<Vec<StoredToken>> {
        let mut tokens = Vec::new();
        for dossier in &self.dossiers {
            for entry in &dossier.reverifications {
                tokens.push((
                    dossier.id,
                    entry.token,
                    self.read_sealed(dossier, entry.object, ObjectRole::Consent)?,
                ));
            }
        }
        Ok(tokens)
    }

    /// Returns the verified key cards registered for a person.
    pub fn key_cards(&self, dossier: &Dossier) -> Result<Vec<crate::partner::KeyCard>> {
        dossier
            .cards
            .iter()
            .map(|object| {
                let bytes = self.read_sealed(dossier, *object, ObjectRole::Consent)?;
                crate::partner::parse_card(&String::from_utf8_lossy(&bytes))
            })
            .collect()
    }

    /// Returns the stored consent request with this id, as COSE bytes.
    pub fn consent_request(&self, dossier: &Dossier, request: TokenId) -> Result<Option<Zeroizing<Vec<u8>>>> {
        match dossier.requests.iter().find(|(id, _)| *id == request) {
            Some((_, object)) => Ok(Some(self.read_sealed(dossier, *object, ObjectRole::Consent)?)),
            None => Ok(None),
        }
    }

    /// Returns every stored withdrawal with its grantor.
    pub fn withdrawal_tokens(&self) -> Result<Vec<StoredToken>> {
        let mut tokens = Vec::new();
        for dossier in &self.dossiers {
            for withdrawal in &dossier.withdrawals {
                tokens.push((
                    dossier.id,
                    withdrawal.token,
                    self.read_sealed(dossier, withdrawal.object, ObjectRole::Withdrawal)?,
                ));
            }
        }
        Ok(tokens)
    }
}

impl Vault {
    /// Reads and decrypts one of a dossier's objects, with damage reported
    /// as in `role` of that dossier.
    pub fn read_item(
        &self,
        dossier: &Dossier,
        object: ObjectId,
        role: ObjectRole,
    ) -> Result<Zeroizing<Vec<u8>>> {
        self.read_sealed(dossier, object, role)
    }
}
