//! The access log of one client or couple: every time their data was read
//! or disclosed, from the journal, with what NEN 7513 asks a log to hold
//! (what, when, by whom, which client, which action, under which consent).
//!
//! A person's log covers their own dossier and every couple record they
//! are a partner in, because a couple record holds data about both.

use std::collections::HashMap;

use jiff::Timestamp;

use crate::error::Result;
use crate::format::{
    About, AccessAction, DestroyReason, DisclosureRecord, ItemDecisionRecord, NoteBody, RecipientRecord,
};
use crate::ids::{DossierId, ObjectId, TokenId};
use crate::model::{Details, Dossier, Vault};

/// One item of a dossier, as the log names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemName {
    /// The dossier's details and its list of items.
    Overview,
    Note(usize),
    /// A paragraph of a joint note: the note's number, the paragraph's.
    Paragraph(usize, usize),
    Attachment(usize),
    /// An item the dossier no longer lists.
    Unknown,
}

/// An event in the client's access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogEvent {
    /// Read by the counsellor, or the log itself sent to the client.
    Read {
        action: AccessAction,
        items: Vec<ItemName>,
        user: String,
        encrypted_to: Option<String>,
    },
    /// An export decision that concerned the client's data.
    Disclosure {
        recipient: RecipientRecord,
        /// The client's items that went out (none when nothing was written).
        disclosed: Vec<ItemName>,
        /// The client's items that were withheld.
        withheld: usize,
        /// The consents the disclosed items relied on.
        consents: Vec<TokenId>,
        written: bool,
        encrypted_to: String,
    },
    /// An older or diverging copy of the whole vault was accepted: reads
    /// and disclosures recorded only in the other copy are not in this log.
    RestoreAccepted { seen: u64, accepted: u64, user: String },
    /// A couple record the client was a partner in was destroyed.
    Destroyed {
        registration: String,
        reason: DestroyReason,
        user: String,
    },
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Seconds since the epoch, as the journal recorded it.
    pub time: i64,
    /// The dossier or couple record the line is about.
    pub dossier: DossierId,
    pub event: LogEvent,
}

/// Returns the log of `client` between `from` (inclusive) and `until`
/// (exclusive), oldest first.
///
/// In a person's log, a disclosure of joint-note paragraphs lists only the
/// paragraphs about that person: one partner's log does not tell what of
/// the other partner went to whom.
pub fn for_client(
    vault: &Vault,
    client: &Dossier,
    from: Option<Timestamp>,
    until: Option<Timestamp>,
) -> Result<Vec<LogEntry>> {
    let mut covered: Vec<&Dossier> = vec![client];
    let mut others: HashMap<ObjectId, Vec<usize>> = HashMap::new();
    if !client.is_couple() {
        for couple in vault.couples_of(client.id) {
            let Details::Couple(record) = &couple.details else {
                continue;
            };
            let mine = if record.partner_a == client.id {
                About::PartnerA
            } else {
                About::PartnerB
            };
            for note in vault.notes(couple)? {
                if let NoteBody::Paragraphs(paragraphs) = &note.record.body {
                    let not_mine = paragraphs
                        .iter()
                        .enumerate()
                        .filter(|(_, paragraph)| paragraph.about != mine && paragraph.about != About::Both)
                        .map(|(index, _)| index + 1)
                        .collect();
                    others.insert(note.object, not_mine);
                }
            }
            covered.push(couple);
        }
    }
    let about_client = |item: &str| -> bool {
        let Some((_, rest)) = item.split_once('/') else {
            return true;
        };
        let Some((object, paragraph)) = rest.split_once('#') else {
            return true;
        };
        let paragraph = paragraph.parse::<usize>().unwrap_or(0);
        !others
            .iter()
            .any(|(note, not_mine)| note.to_string() == object && not_mine.contains(&paragraph))
    };
    let in_period = |time: i64| {
        from.is_none_or(|from| time >= from.as_second()) && until.is_none_or(|until| time < until.as_second())
    };
    let mut entries = Vec::new();
    for (time, record) in vault.accesses() {
        if !in_period(*time) {
            continue;
        }
        let Some(dossier) = covered.iter().find(|d| d.id == record.dossier) else {
            continue;
        };
        let items = if record.items.is_empty() {
            vec![ItemName::Overview]
        } else {
            record.items.iter().map(|item| name_item(dossier, item)).collect()
        };
        entries.push(LogEntry {
            time: *time,
            dossier: dossier.id,
            event: LogEvent::Read {
                action: record.action,
                items,
                user: record.user.clone(),
                encrypted_to: record.encrypted_to.clone(),
            },
        });
    }
    for (time, record) in vault.disclosures() {
        if !in_period(*time) {
            continue;
        }
        for dossier in &covered {
            if let Some(event) = disclosure_about(dossier, record, &about_client) {
                entries.push(LogEntry {
                    time: *time,
                    dossier: dossier.id,
                    event,
                });
            }
        }
    }
    // A destroyed couple record keeps its place in each partner's log: the
    // reads of it, its disclosures that concern the client, and its
    // destruction. Its items are gone, so they are counted, not named.
    if !client.is_couple() {
        for (destroyed_at, record) in vault.destroyed_couples_of(client.id) {
            for (time, disclosure) in vault.disclosures() {
                if !in_period(*time) {
                    continue;
                }
                if let Some(event) = destroyed_disclosure(client, record.dossier, disclosure) {
                    entries.push(LogEntry {
                        time: *time,
                        dossier: record.dossier,
                        event,
                    });
                }
            }
            for (time, access) in vault.accesses() {
                if access.dossier == record.dossier && in_period(*time) {
                    let items = if access.items.is_empty() {
                        vec![ItemName::Overview]
                    } else {
                        vec![ItemName::Unknown; access.items.len()]
                    };
                    entries.push(LogEntry {
                        time: *time,
                        dossier: record.dossier,
                        event: LogEvent::Read {
                            action: access.action,
                            items,
                            user: access.user.clone(),
                            encrypted_to: access.encrypted_to.clone(),
                        },
                    });
                }
            }
            if in_period(destroyed_at) {
                entries.push(LogEntry {
                    time: destroyed_at,
                    dossier: record.dossier,
                    event: LogEvent::Destroyed {
                        registration: record.registration.clone(),
                        reason: record.reason,
                        user: record.user.clone(),
                    },
                });
            }
        }
    }
    for (time, record) in vault.restores() {
        if in_period(*time) {
            entries.push(LogEntry {
                time: *time,
                dossier: client.id,
                event: LogEvent::RestoreAccepted {
                    seen: record.seen_seq,
                    accepted: record.accepted_seq,
                    user: record.user.clone(),
                },
            });
        }
    }
    entries.sort_by_key(|entry| entry.time);
    Ok(entries)
}

/// Returns the part of a disclosure that concerns the client among the
/// items of the destroyed couple record `couple`. Which paragraph was about
/// whom went with the notes, so an item counts when it went to the client,
/// or went out under one of the client's consents.
fn destroyed_disclosure(client: &Dossier, couple: DossierId, record: &DisclosureRecord) -> Option<LogEvent> {
    let prefix = format!("{couple}/");
    let to_client = record.recipient == RecipientRecord::Person(client.id);
    let under_client_consent = |consents: &[TokenId]| {
        consents
            .iter()
            .any(|used| client.consents.iter().any(|own| own.token == *used))
    };
    let mine: Vec<&ItemDecisionRecord> = record
        .items
        .iter()
        .filter(|item| item.item.starts_with(&prefix))
        .filter(|item| to_client || under_client_consent(&item.consents))
        .collect();
    disclosure_event(record, &mine, |_| ItemName::Unknown)
}

/// Returns the part of a disclosure that concerns `dossier`'s items about
/// the client, if any.
fn disclosure_about(
    dossier: &Dossier,
    record: &DisclosureRecord,
    about_client: &dyn Fn(&str) -> bool,
) -> Option<LogEvent> {
    let prefix = format!("{}/", dossier.id);
    let mine: Vec<&ItemDecisionRecord> = record
        .items
        .iter()
        .filter(|item| item.item.starts_with(&prefix) && about_client(&item.item))
        .collect();
    disclosure_event(record, &mine, |item| name_item(dossier, item))
}

/// Builds the log line of a disclosure from the client's items in it, named
/// by `name`, or returns `None` when the disclosure had none of them.
fn disclosure_event(
    record: &DisclosureRecord,
    mine: &[&ItemDecisionRecord],
    name: impl Fn(&str) -> ItemName,
) -> Option<LogEvent> {
    if mine.is_empty() {
        return None;
    }
    let disclosed: Vec<_> = mine
        .iter()
        .filter(|item| item.allowed && record.written)
        .collect();
    let mut consents: Vec<TokenId> = disclosed
        .iter()
        .flat_map(|item| item.consents.iter().copied())
        .collect();
    consents.sort_by_key(|id| id.0);
    consents.dedup();
    Some(LogEvent::Disclosure {
        recipient: record.recipient.clone(),
        disclosed: disclosed.iter().map(|item| name(&item.item)).collect(),
        withheld: mine.len() - disclosed.len(),
        consents,
        written: record.written,
        encrypted_to: record.encrypted_to.clone(),
    })
}

/// Turns `<dossier>/<object>` or `<dossier>/<object>#<paragraph>` into a
/// note, paragraph or attachment number of `dossier`.
fn name_item(dossier: &Dossier, item: &str) -> ItemName {
    let Some((_, rest)) = item.split_once('/') else {
        return ItemName::Unknown;
    };
    let (object, paragraph) = match rest.split_once('#') {
        Some((object, paragraph)) => (object, paragraph.parse::<usize>().ok()),
        None => (rest, None),
    };
    if let Some(index) = dossier
        .notes
        .iter()
        .position(|note| note.object.to_string() == object)
    {
        return match paragraph {
            Some(paragraph) => ItemName::Paragraph(index + 1, paragraph),
            None => ItemName::Note(index + 1),
        };
    }
    if let Some(index) = dossier
        .attachments
        .iter()
        .position(|attachment| attachment.object.to_string() == object)
    {
        return ItemName::Attachment(index + 1);
    }
    ItemName::Unknown
}
