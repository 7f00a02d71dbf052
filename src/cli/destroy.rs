//! `kluis destroy`: erases a dossier for good, on the client's request or
//! when its retention period has ended, after the counsellor confirmed it
//! by typing the registration number.

use std::io::{self, IsTerminal};

use kluis::error::{Error, Result};
use kluis::fl;
use kluis::format::{DestroyReason, NoteKind};
use kluis::model::{Access, Details};

use super::args::{DestroyArgs, DestroyReasonArg};
use super::commands::{printable, Context};

/// `kluis destroy DOSSIER --reason REASON`.
pub fn destroy(context: &Context, args: DestroyArgs) -> Result<()> {
    let reason = match args.reason {
        DestroyReasonArg::ClientRequest => DestroyReason::ClientRequest,
        DestroyReasonArg::RetentionEnded => DestroyReason::RetentionEnded,
    };

    let mut vault = context.open(Access::Write)?;
    let dossier = vault.find(&args.dossier)?;
    let id = dossier.id;
    let registration = dossier.details.registration().to_string();
    // Checked before the question, so that no number is typed in vain.
    vault.ensure_destroyable(id)?;

    let files = vault.files_of(id);
    let what = match &dossier.details {
        Details::Person(person) => fl!(
            "destroy-what-person",
            name = printable(&person.name),
            registration = registration.clone()
        ),
        Details::Couple(_) => fl!("destroy-what-couple", registration = registration.clone()),
    };
    eprintln!(
        "{}",
        fl!(
            "destroy-summary",
            what = what,
            notes = dossier
                .notes
                .iter()
                .filter(|note| note.kind != NoteKind::WorkingNote)
                .count(),
            working = dossier
                .notes
                .iter()
                .filter(|note| note.kind == NoteKind::WorkingNote)
                .count(),
            attachments = dossier.attachments.len(),
            consents = dossier.consents.len(),
            files = files
        )
    );
    eprintln!("{}", fl!("destroy-warning"));

    if !args.yes {
        if !io::stdin().is_terminal() {
            return Err(Error::DestroyNotConfirmed { typed: None });
        }
        let question = fl!("destroy-confirm", registration = registration.clone());
        let Some(typed) = super::input::answer(&question) else {
            // Ctrl-D leaves the cursor after the question.
            eprintln!();
            return Err(Error::DestroyNotConfirmed { typed: None });
        };
        let typed = typed.trim();
        if typed != registration {
            return Err(Error::DestroyNotConfirmed {
                typed: Some(printable(typed)),
            });
        }
    }

    vault.destroy(id, reason)?;
    eprintln!(
        "{}",
        fl!(
            "destroy-done",
            registration = registration,
            files = files,
            seq = vault.journal_len()
        )
    );
    eprintln!("{}", fl!("destroy-backups"));
    Ok(())
}
