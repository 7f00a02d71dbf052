//! Localized descriptions of export items and policy reasons, shared by the
//! receipt inside the archive and the plan the CLI shows before writing.

use crate::consent::policy::{Decision, Reason};
use crate::fl;
use crate::format::{About, NoteKind};
use crate::ids::DossierId;
use crate::model::{Details, Vault};

use super::{ItemKind, PlannedItem};

/// Returns the localized name of a note kind.
pub fn note_kind(kind: NoteKind) -> String {
    match kind {
        NoteKind::Intake => fl!("note-kind-intake"),
        NoteKind::Session => fl!("note-kind-session"),
        NoteKind::Report => fl!("note-kind-report"),
        NoteKind::WorkingNote => fl!("note-kind-working-note"),
    }
}

/// Returns the localized "about whom" of a joint paragraph.
pub fn about(about: About) -> String {
    match about {
        About::PartnerA => fl!("about-partner-a"),
        About::PartnerB => fl!("about-partner-b"),
        About::Both => fl!("about-both"),
    }
}

/// Describes an item in one line, e.g. "2026-041, intake of 2026-03-02".
pub fn item(item: &PlannedItem) -> String {
    let registration = item.registration.clone();
    match &item.kind {
        ItemKind::Note { number, kind, date } => {
            fl!(
                "item-note",
                registration = registration,
                number = number,
                kind = note_kind(*kind),
                date = date.clone()
            )
        }
        ItemKind::Paragraph {
            note,
            kind,
            date,
            index,
            about: whom,
        } => fl!(
            "item-paragraph",
            registration = registration,
            number = note,
            kind = note_kind(*kind),
            date = date.clone(),
            paragraph = index,
            about = about(*whom)
        ),
        ItemKind::Attachment {
            number,
            label,
            file_name,
            ..
        } => fl!(
            "item-attachment",
            registration = registration,
            number = number,
            label = label.clone(),
            file = file_name.clone()
        ),
    }
}

/// Names the note an item belongs to, e.g. "K-2026-017, note 1: session of
/// 2026-04-13", for the heading of the exported document.
pub fn note_heading(planned: &PlannedItem) -> String {
    let registration = planned.registration.clone();
    match &planned.kind {
        ItemKind::Note { number, kind, date }
        | ItemKind::Paragraph {
            note: number,
            kind,
            date,
            ..
        } => {
            fl!(
                "item-note",
                registration = registration,
                number = number,
                kind = note_kind(*kind),
                date = date.clone()
            )
        }
        ItemKind::Attachment { .. } => item(planned),
    }
}

/// Names a person for messages: "Name (registration)".
pub fn person(vault: &Vault, id: DossierId) -> String {
    match vault.dossier(id).map(|d| &d.details) {
        Ok(Details::Person(person)) => format!("{} ({})", person.name, person.registration),
        Ok(Details::Couple(couple)) => couple.registration.clone(),
        Err(_) => match vault.destroyed_registration(id) {
            Some(registration) => fl!("destroyed-dossier", registration = registration.to_string()),
            None => id.short(),
        },
    }
}

/// Explains a decision in plain words.
pub fn reason(vault: &Vault, decision: &Decision) -> String {
    let consent = |id: &crate::ids::TokenId| id.short();
    match &decision.reason {
        Reason::OwnData => fl!("reason-own-data"),
        Reason::ConsentGiven { grantors } => {
            let names: Vec<String> = grantors.iter().map(|g| person(vault, *g)).collect();
            fl!("reason-consent-given", names = names.join(", "))
        }
        Reason::WorkingNote => fl!("reason-working-note"),
        Reason::NoConsent { missing_from } => fl!("reason-no-consent", person = person(vault, *missing_from)),
        Reason::PartnerConsentNotForThirdParty { grantor, consent: id } => {
            fl!(
                "reason-partner-consent-third-party",
                person = person(vault, *grantor),
                consent = consent(id)
            )
        }
        Reason::ThirdPartyConsentNotForPerson { grantor, consent: id } => {
            fl!(
                "reason-third-party-consent-person",
                person = person(vault, *grantor),
                consent = consent(id)
            )
        }
        Reason::NotValidAfterEnd { grantor, consent: id } => {
            fl!(
                "reason-not-after-end",
                person = person(vault, *grantor),
                consent = consent(id)
            )
        }
        Reason::Withdrawn {
            grantor,
            consent: id,
            in_writing: true,
        } => {
            fl!(
                "reason-withdrawn",
                person = person(vault, *grantor),
                consent = consent(id)
            )
        }
        Reason::Withdrawn {
            grantor,
            consent: id,
            in_writing: false,
        } => {
            fl!(
                "reason-suspended",
                person = person(vault, *grantor),
                consent = consent(id)
            )
        }
        Reason::Expired {
            grantor,
            consent: id,
            until,
        } => fl!(
            "reason-expired",
            person = person(vault, *grantor),
            consent = consent(id),
            date = crate::consent::time::date_of(*until)
                .yesterday()
                .map(|d| d.to_string())
                .unwrap_or_default()
        ),
        Reason::NotYetValid {
            grantor,
            consent: id,
            from,
        } => fl!(
            "reason-not-yet-valid",
            person = person(vault, *grantor),
            consent = consent(id),
            date = crate::consent::time::date_of(*from).to_string()
        ),
        Reason::ReverificationMissing {
            grantor,
            consent: id,
            requested_at,
        } => fl!(
            "reason-reverification-missing",
            person = person(vault, *grantor),
            consent = consent(id),
            date = crate::consent::time::date_of(*requested_at).to_string()
        ),
        Reason::SingleRequestOtherRequest { grantor, consent: id } => {
            fl!(
                "reason-single-request-other",
                person = person(vault, *grantor),
                consent = consent(id)
            )
        }
        Reason::SingleRequestUsed { grantor, consent: id } => {
            fl!(
                "reason-single-request-used",
                person = person(vault, *grantor),
                consent = consent(id)
            )
        }
        Reason::OutOfScope { grantor, consent: id } => {
            fl!(
                "reason-out-of-scope",
                person = person(vault, *grantor),
                consent = consent(id)
            )
        }
        Reason::UnknownPerson { person: id } => fl!("reason-unknown-person", person = id.short()),
        Reason::NoDataSubject => fl!("reason-no-data-subject"),
    }
}
