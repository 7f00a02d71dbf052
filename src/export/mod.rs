//! Disclosures: choosing the items for one recipient, letting the policy
//! decide each, and writing what is allowed as an age-encrypted archive of
//! readable documents with a receipt.

mod archive;
pub mod recipient;
pub mod texts;

pub use archive::{verify_attachment_files, verify_receipt, write_archive, ROOT, SIGNED_RECEIPT};
pub use recipient::ExportRecipient;

use jiff::Timestamp;

use crate::consent::policy::{self, DataClass, Decision, Item, Recipient, Request};
use crate::consent::ConsentBook;
use crate::error::{Error, Result};
use crate::format::{About, DisclosureRecord, ItemDecisionRecord, NoteBody, NoteKind, RecipientRecord};
use crate::ids::{DossierId, ObjectId};
use crate::model::{AttachmentView, Details, Dossier, NoteView, Vault};

/// Who asks, and which dossiers to consider.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub recipient: RecipientRecord,
    /// Dossiers and couple records to consider besides, for a client, their
    /// own dossier and the couple records they are in.
    pub about: Vec<DossierId>,
    /// Instant of the disclosure.
    pub time: Timestamp,
    /// Instant at which the recipient asked for the data, no later than
    /// `time`. Rule R5 compares it with the end of counselling.
    pub requested_at: Timestamp,
    /// The single request this export answers, if any (rule R8).
    pub request_id: Option<crate::ids::TokenId>,
}

/// The kind of an export item, with what describes it.
#[derive(Debug, Clone)]
pub enum ItemKind {
    Note {
        number: usize,
        kind: NoteKind,
        date: String,
    },
    Paragraph {
        note: usize,
        kind: NoteKind,
        date: String,
        index: usize,
        about: About,
    },
    Attachment {
        number: usize,
        label: String,
        file_name: String,
        size: u64,
    },
}

/// One item of the plan with the policy's decision.
#[derive(Debug, Clone)]
pub struct PlannedItem {
    /// The registration number of the dossier that holds the item.
    pub registration: String,
    pub dossier: DossierId,
    pub object: ObjectId,
    pub kind: ItemKind,
    pub decision: Decision,
}

/// Everything an export would disclose and withhold, decided but not written.
#[derive(Debug, Clone)]
pub struct ExportPlan {
    pub request: ExportRequest,
    pub items: Vec<PlannedItem>,
}

impl ExportPlan {
    /// Returns the items that may go out.
    pub fn allowed(&self) -> impl Iterator<Item = &PlannedItem> {
        self.items.iter().filter(|item| item.decision.allowed())
    }

    /// Returns the items that are withheld.
    pub fn withheld(&self) -> impl Iterator<Item = &PlannedItem> {
        self.items.iter().filter(|item| !item.decision.allowed())
    }

    /// Returns the persons whose consent is missing, with the deciding rule.
    pub fn missing_consents(&self) -> Vec<(DossierId, policy::Rule)> {
        let decisions: Vec<Decision> = self.items.iter().map(|i| i.decision.clone()).collect();
        policy::missing_consents(&decisions)
    }

    /// Returns the journal record of this decision.
    pub fn record(&self, encrypted_to: String, written: bool) -> DisclosureRecord {
        DisclosureRecord {
            recipient: self.request.recipient.clone(),
            encrypted_to,
            items: self
                .items
                .iter()
                .map(|item| ItemDecisionRecord {
                    item: item.decision.item_id.clone(),
                    allowed: item.decision.allowed(),
                    rule: item.decision.rule.code().to_string(),
                    consents: item.decision.consents_used.clone(),
                })
                .collect(),
            written,
        }
    }
}

/// Collects the items of a request and lets the policy decide each.
pub fn plan(vault: &Vault, book: &ConsentBook, request: ExportRequest) -> Result<ExportPlan> {
    // A client's own dossier and couple records are always considered; the
    // request may add others, such as the partner's dossier.
    let mut about = Vec::new();
    if let RecipientRecord::Person(person) = &request.recipient {
        about.push(*person);
        about.extend(vault.couples_of(*person).iter().map(|couple| couple.id));
    }
    // For a client, other dossiers may only be their partner's or their
    // couple records: a mistyped --about must not put other clients'
    // names in the receipt.
    if let RecipientRecord::Person(person) = &request.recipient {
        let couples: Vec<DossierId> = vault.couples_of(*person).iter().map(|couple| couple.id).collect();
        for id in &request.about {
            let linked = *id == *person
                || couples.contains(id)
                || vault
                    .couples_of(*id)
                    .iter()
                    .any(|couple| couples.contains(&couple.id));
            if !linked {
                return Err(Error::NotLinked {
                    reference: vault.dossier(*id)?.details.registration().to_string(),
                });
            }
        }
    }
    about.extend(request.about.iter().copied());
    if let RecipientRecord::Person(person) = &request.recipient {
        let dossier = vault.dossier(*person)?;
        if dossier.is_couple() {
            return Err(Error::NotAPerson {
                reference: dossier.details.registration().to_string(),
            });
        }
    }

    let mut planned = Vec::new();
    for id in dedup(about) {
        let dossier = vault.dossier(id)?;
        collect_items(vault, dossier, &mut planned)?;
    }

    let policy_request = Request {
        recipient: crate::consent::recipient_from_record(&request.recipient),
        time: request.time,
        requested_at: request.requested_at,
        // Exports are not linked to a recorded request yet, so no
        // single-request consent counts for them (rule R8).
        request_id: request.request_id,
        items: planned.iter().map(|(item, _)| item.clone()).collect(),
    };
    let decisions = book.decide(&policy_request);
    let items = planned
        .into_iter()
        .zip(decisions)
        .map(|((_, mut item), decision)| {
            item.decision = decision;
            item
        })
        .collect();
    Ok(ExportPlan { request, items })
}

fn dedup(ids: Vec<DossierId>) -> Vec<DossierId> {
    let mut seen = Vec::new();
    for id in ids {
        if !seen.contains(&id) {
            seen.push(id);
        }
    }
    seen
}

fn collect_items(vault: &Vault, dossier: &Dossier, out: &mut Vec<(Item, PlannedItem)>) -> Result<()> {
    let registration = dossier.details.registration().to_string();
    let partners = match &dossier.details {
        Details::Couple(couple) => Some((couple.partner_a, couple.partner_b)),
        Details::Person(_) => None,
    };
    for note in vault.notes(dossier)? {
        match (&note.record.body, partners) {
            (NoteBody::Paragraphs(paragraphs), Some((a, b))) if note.record.kind != NoteKind::WorkingNote => {
                for (index, paragraph) in paragraphs.iter().enumerate() {
                    let about = match paragraph.about {
                        About::PartnerA => vec![a],
                        About::PartnerB => vec![b],
                        About::Both => vec![a, b],
                    };
                    let item = Item {
                        id: format!("{}/{}#{}", dossier.id, note.object, index + 1),
                        source: dossier.id,
                        class: DataClass::Joint,
                        about,
                        working_note: false,
                    };
                    let kind = ItemKind::Paragraph {
                        note: note.number,
                        kind: note.record.kind,
                        date: note.record.date.clone(),
                        index: index + 1,
                        about: paragraph.about,
                    };
                    out.push(planned(item, &registration, dossier.id, note.object, kind));
                }
            }
            _ => {
                let about = match partners {
                    Some((a, b)) => vec![a, b],
                    None => vec![dossier.id],
                };
                let item = Item {
                    id: format!("{}/{}", dossier.id, note.object),
                    source: dossier.id,
                    class: note_class(&note, partners.is_some()),
                    about,
                    working_note: note.record.kind == NoteKind::WorkingNote,
                };
                let kind = ItemKind::Note {
                    number: note.number,
                    kind: note.record.kind,
                    date: note.record.date.clone(),
                };
                out.push(planned(item, &registration, dossier.id, note.object, kind));
            }
        }
    }
    for attachment in vault.attachments(dossier)? {
        let about = match partners {
            Some((a, b)) => vec![a, b],
            None => vec![dossier.id],
        };
        let item = Item {
            id: format!("{}/{}", dossier.id, attachment.object),
            source: dossier.id,
            class: DataClass::Attachment,
            about,
            working_note: false,
        };
        out.push(planned(
            item,
            &registration,
            dossier.id,
            attachment.object,
            attachment_kind(&attachment),
        ));
    }
    Ok(())
}

fn note_class(note: &NoteView, in_couple: bool) -> DataClass {
    if in_couple {
        return DataClass::Joint;
    }
    match note.record.kind {
        NoteKind::Intake => DataClass::Intake,
        NoteKind::Session => DataClass::Session,
        NoteKind::Report | NoteKind::WorkingNote => DataClass::Report,
    }
}

fn attachment_kind(attachment: &AttachmentView) -> ItemKind {
    ItemKind::Attachment {
        number: attachment.number,
        label: attachment.record.label.clone(),
        file_name: attachment.record.file_name.clone(),
        size: attachment.record.size,
    }
}

fn planned(
    item: Item,
    registration: &str,
    dossier: DossierId,
    object: ObjectId,
    kind: ItemKind,
) -> (Item, PlannedItem) {
    let placeholder = Decision {
        item_id: item.id.clone(),
        verdict: policy::Verdict::Withhold,
        rule: policy::Rule::R11,
        reason: policy::Reason::NoDataSubject,
        consents_used: Vec::new(),
        warnings: Vec::new(),
    };
    let planned = PlannedItem {
        registration: registration.to_string(),
        dossier,
        object,
        kind,
        decision: placeholder,
    };
    (item, planned)
}

/// Returns the person the recipient is, if the recipient is a client.
pub fn recipient_person(recipient: &Recipient) -> Option<DossierId> {
    match recipient {
        Recipient::Person(id) => Some(*id),
        Recipient::ThirdParty(_) => None,
    }
}
