//! The consent overview of a couple: for each direction between the
//! partners, and for each third party named in a consent, which kinds of
//! data may go out now and under which consent, or why not.
//!
//! It asks the same pure policy that decides exports, with one probe item
//! per kind of data, so the overview can never promise more than an export
//! would give.

use jiff::Timestamp;

use super::policy::{DataClass, Decision, Item, Request};
use super::ConsentBook;
use crate::error::{Error, Result};
use crate::format::RecipientRecord;
use crate::ids::DossierId;
use crate::model::{Details, Vault};

/// One line of the overview: data of `grantor` to `recipient`, per class.
#[derive(Debug, Clone)]
pub struct Direction {
    pub grantor: DossierId,
    pub recipient: RecipientRecord,
    /// The decision for each class of the grantor's data, in the order of
    /// [`CLASSES`]; joint paragraphs are probed as paragraphs about the
    /// grantor alone.
    pub decisions: Vec<(DataClass, Decision)>,
}

/// The classes the overview probes, in display order.
pub const CLASSES: [DataClass; 5] = [
    DataClass::Intake,
    DataClass::Session,
    DataClass::Report,
    DataClass::Attachment,
    DataClass::Joint,
];

/// Builds the overview of a couple record at `now`.
pub fn couple_overview(
    vault: &Vault,
    book: &ConsentBook,
    couple: DossierId,
    now: Timestamp,
) -> Result<Vec<Direction>> {
    let record = vault.dossier(couple)?;
    let Details::Couple(details) = &record.details else {
        return Err(Error::NotACouple {
            reference: record.details.registration().to_string(),
        });
    };
    let (a, b) = (details.partner_a, details.partner_b);

    let mut directions = vec![(a, RecipientRecord::Person(b)), (b, RecipientRecord::Person(a))];
    for status in &book.consents {
        let payload = &status.payload;
        let third_party = matches!(payload.recipient, RecipientRecord::ThirdParty { .. });
        let known = directions
            .iter()
            .any(|(grantor, recipient)| *grantor == payload.grantor && *recipient == payload.recipient);
        if third_party && (payload.grantor == a || payload.grantor == b) && !known {
            directions.push((payload.grantor, payload.recipient.clone()));
        }
    }

    let today = super::time::start_of(super::time::date_of(now));
    directions
        .into_iter()
        .map(|(grantor, recipient)| {
            let items = CLASSES
                .iter()
                .map(|class| Item {
                    id: format!("{class:?}"),
                    source: if *class == DataClass::Joint {
                        couple
                    } else {
                        grantor
                    },
                    class: *class,
                    about: vec![grantor],
                    working_note: false,
                })
                .collect();
            let request = Request {
                recipient: super::recipient_from_record(&recipient),
                time: now,
                requested_at: today,
                request_id: None,
                items,
            };
            let decisions = CLASSES.iter().copied().zip(book.decide(&request)).collect();
            Ok(Direction {
                grantor,
                recipient,
                decisions,
            })
        })
        .collect()
}
