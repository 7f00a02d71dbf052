//! The commands that prove a vault's integrity and account for access:
//! `check`, `log` and `accept-restore`.

use std::io::{self, IsTerminal, Write};
use std::path::Path;

use age::secrecy::ExposeSecret;

use kluis::accesslog::{self, ItemName, LogEntry, LogEvent};
use kluis::check::{self, Depth, Finding, Item, Notice, Problem, Subject};
use kluis::consent::{time, StatementKind};
use kluis::error::{Error, IoAction, Result};
use kluis::export::{texts, ExportRecipient};
use kluis::fl;
use kluis::format::{AccessAction, RecipientRecord};
use kluis::model::{Access, Details, Dossier, Vault};
use kluis::store::seen::{Lineage, SeenHeads};

use super::args::{AcceptRestoreArgs, CheckArgs, LogArgs};
use super::commands::{ensure_key_of, new_private_file, recipient_key, Context};
use super::{errors, input};

/// `kluis check`: prints what was checked and every problem, and fails
/// with the damage exit code when there is one.
pub fn check(context: &Context, args: CheckArgs) -> Result<()> {
    Vault::probe(&context.vault)?;
    let passphrase = input::passphrase(context.passphrase_file.as_deref(), false)?;
    let depth = if args.full { Depth::Full } else { Depth::Quick };
    let seen = SeenHeads::default_location()?;
    let report = check::check(&context.vault, passphrase, depth, &seen)?;

    out!(
        "{}",
        match depth {
            Depth::Quick => fl!("check-quick", path = context.vault.display().to_string()),
            Depth::Full => fl!("check-full", path = context.vault.display().to_string()),
        }
    );
    if !matches!(report.findings.first(), Some(Finding::Unopenable(_))) {
        out!(
            "{}",
            fl!(
                "check-covered",
                entries = report.entries,
                dossiers = report.dossiers,
                objects = report.objects,
                statements = report.statements,
                size = size_text(report.bytes_read)
            )
        );
    }
    for notice in &report.notices {
        out!("  {}", notice_text(notice));
    }
    if report.is_clean() {
        out!("{}", fl!("check-clean"));
        return Ok(());
    }
    for finding in &report.findings {
        out!("  ✗ {}", capitalized(&finding_text(finding)));
        if let Finding::Unopenable(err) = finding {
            out!("    {}", fl!("check-stopped"));
            if let Some(hint) = errors::describe(err).hint {
                out!("    {hint}");
            }
        }
    }
    let rolled_back_only = report
        .findings
        .iter()
        .all(|finding| matches!(finding, Finding::RolledBack { .. } | Finding::Forked { .. }));
    Err(Error::ProblemsFound {
        count: report.findings.len(),
        rolled_back_only,
        forked: report
            .findings
            .iter()
            .any(|finding| matches!(finding, Finding::Forked { .. })),
    })
}

pub(super) fn finding_text(finding: &Finding) -> String {
    match finding {
        Finding::Unopenable(err) => errors::describe(err).message,
        Finding::RolledBack { seen, found } => fl!("check-rolled-back", seen = seen, found = found),
        Finding::Forked { seq } => fl!("check-forked", seq = seq),
        Finding::Damaged {
            subject,
            item,
            problem,
            file,
        } => {
            let problem = match problem {
                Problem::Missing => fl!("check-problem-missing"),
                Problem::Changed => fl!("check-problem-changed"),
                Problem::Unreadable => fl!("check-problem-unreadable"),
            };
            fl!(
                "check-damaged",
                what = item_text(item),
                whose = subject_text(subject),
                problem = problem,
                file = file.clone()
            )
        }
        Finding::InvalidStatement {
            subject,
            kind,
            id,
            error,
        } => {
            let reason = match error {
                Error::InvalidToken { reason, .. } => errors::token_reason(reason),
                other => errors::describe(other).message,
            };
            fl!(
                "check-invalid-statement",
                what = item_text(&Item::Statement(*kind, *id)),
                whose = subject_text(subject),
                reason = reason
            )
        }
        Finding::Stray { file } => fl!("check-stray", file = file.clone()),
        Finding::NotAnEntry { file } => fl!("check-not-an-entry", file = file.clone()),
    }
}

pub(super) fn notice_text(notice: &Notice) -> String {
    match notice {
        Notice::Leftover { file } => fl!("check-leftover", file = file.clone()),
        Notice::Unlisted { file } => fl!("check-unlisted", file = file.clone()),
        Notice::NotYetShredded { file } => fl!("check-not-yet-shredded", file = file.clone()),
        Notice::FirstCheckHere => fl!("check-first-here"),
    }
}

fn item_text(item: &Item) -> String {
    match item {
        Item::Record => fl!("check-item-record"),
        Item::Note(number) => fl!("check-item-note", number = number),
        Item::Attachment(number) => fl!("check-item-attachment", number = number),
        Item::AttachmentContent(number) => fl!("check-item-attachment-content", number = number),
        Item::Statement(kind, id) => match kind {
            StatementKind::Consent => fl!("check-item-consent", id = id.short()),
            StatementKind::Withdrawal => fl!("check-item-withdrawal", id = id.short()),
            StatementKind::Reverification => fl!("check-item-reverification", id = id.short()),
        },
        Item::KeyCard(number) => fl!("check-item-card", number = number),
        Item::ConsentRequest(id) => fl!("check-item-request", id = id.short()),
    }
}

fn subject_text(subject: &Subject) -> String {
    match subject {
        Subject::Person { name, registration } => fl!(
            "check-whose-person",
            name = name.clone(),
            registration = registration.clone()
        ),
        Subject::Couple { registration } => fl!("check-whose-couple", registration = registration.clone()),
        Subject::Unnamed {
            registration: Some(registration),
            ..
        } => fl!("check-whose-registration", registration = registration.clone()),
        Subject::Unnamed { created, .. } => {
            let day = jiff::Timestamp::from_second(*created)
                .map(|instant| time::date_of(instant).to_string())
                .unwrap_or_else(|_| "?".into());
            fl!("check-whose-unnamed", date = day)
        }
    }
}

pub(super) fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Formats a size in KiB or MiB with one decimal, with the decimal comma
/// in Dutch.
pub(super) fn size_text(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    let text = if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    };
    match kluis::i18n::current() {
        kluis::i18n::Lang::Nl => text.replace('.', ","),
        kluis::i18n::Lang::En => text,
    }
}

/// `kluis accept-restore`: accepts, on purpose and on the record, a vault
/// that does not extend what this machine verified before.
pub fn accept_restore(context: &Context, args: AcceptRestoreArgs) -> Result<()> {
    Vault::probe(&context.vault)?;
    let passphrase = input::passphrase(context.passphrase_file.as_deref(), false)?;
    let seen = SeenHeads::default_location()?;
    let accepted = Vault::accept_restore(&context.vault, passphrase, seen, |lineage, last| {
        match lineage {
            Lineage::RolledBack { seen, found } => {
                eprintln!(
                    "{}",
                    fl!("accept-restore-rolled-back", seen = seen.seq, found = found)
                );
            }
            Lineage::Forked { seen } => {
                eprintln!("{}", fl!("accept-restore-forked", seq = seen.seq, found = last));
            }
            Lineage::New | Lineage::Extends => {}
        }
        eprintln!("{}", fl!("accept-restore-warning"));
        args.yes || (io::stdin().is_terminal() && input::confirm(&fl!("accept-restore-confirm")))
    })?;
    match accepted {
        None => eprintln!("{}", fl!("accept-restore-nothing")),
        Some(record) => eprintln!(
            "{}",
            fl!("accept-restore-done", seq = record.accepted_seq.saturating_add(1))
        ),
    }
    Ok(())
}

/// `kluis log`: shows a client's access log for a period, or writes it,
/// encrypted, for the client.
pub fn log(context: &Context, args: LogArgs) -> Result<()> {
    let from = args.from.as_deref().map(time::parse_date).transpose()?;
    let until = args.until.as_deref().map(time::parse_date).transpose()?;
    if let (Some(from), Some(until)) = (from, until) {
        if until < from {
            return Err(Error::EndBeforeStart {
                start: from.to_string(),
                end: until.to_string(),
            });
        }
    }
    if let Some(output) = &args.output {
        if output != Path::new("-") && output.exists() {
            return Err(Error::OutputExists { path: output.clone() });
        }
    }
    let key = recipient_key(
        args.recipient.as_deref(),
        args.recipient_file.as_deref(),
        args.passphrase,
    )?;
    let access = if key.is_some() {
        Access::Write
    } else {
        Access::Read
    };
    let mut vault = context.open(access)?;
    let dossier = vault.find(&args.dossier)?;
    let id = dossier.id;
    let entries = accesslog::for_client(&vault, dossier, from.map(time::start_of), until.map(time::end_of))?;
    let heading = heading(&vault, dossier, args.from.as_deref(), args.until.as_deref());

    let Some((key, passphrase)) = key else {
        out!("{heading}");
        if entries.is_empty() {
            out!("{}", fl!("log-empty"));
        }
        for entry in &entries {
            out!("{}", line(&vault, entry));
        }
        return Ok(());
    };

    // The log goes only to this client: a key on another client's card is
    // refused. For a couple record, either partner may receive it.
    let owners: Vec<kluis::ids::DossierId> = match &dossier.details {
        Details::Couple(couple) => vec![couple.partner_a, couple.partner_b],
        Details::Person(_) => vec![id],
    };
    ensure_key_of(&vault, &key, &owners)?;
    let output = args.output.expect("clap requires --output with a recipient");
    if output == Path::new("-") && io::stdout().is_terminal() && !args.armor {
        return Err(Error::BinaryToTerminal);
    }
    let document = zeroize::Zeroizing::new(document(&vault, &heading, &entries));
    let record = |vault: &mut Vault| {
        vault.record_access(id, AccessAction::LogExported, Vec::new(), Some(key.describe()))
    };
    if output == Path::new("-") {
        // Standard output cannot be taken back, so the read is journaled
        // first, as exports do.
        record(&mut vault)?;
        let mut stdout = io::stdout().lock();
        encrypt(&key, document.as_bytes(), &mut stdout, args.armor)
            .and_then(|()| stdout.flush())
            .map_err(|err| Error::io(IoAction::Writing, "-", err))?;
    } else {
        // The file appears only after the journal records it, and the
        // journal records nothing that was not written.
        let mut file = new_private_file(&output)?;
        encrypt(&key, document.as_bytes(), file.file(), args.armor)
            .map_err(|err| Error::io(IoAction::Writing, &output, err))?;
        record(&mut vault)?;
        file.commit(&output, false)?;
        eprintln!("{}", fl!("log-written", path = output.display().to_string()));
    }
    if let Some(passphrase) = passphrase {
        eprintln!("{}", fl!("export-passphrase"));
        eprintln!("  {}", passphrase.expose_secret());
    }
    Ok(())
}

fn heading(vault: &Vault, dossier: &Dossier, from: Option<&str>, until: Option<&str>) -> String {
    let whose = texts::person(vault, dossier.id);
    let whose = if dossier.is_couple() {
        fl!("check-whose-couple", registration = whose)
    } else {
        whose
    };
    match (from, until) {
        (None, None) => fl!("log-heading", whose = whose),
        (from, until) => fl!(
            "log-heading-period",
            whose = whose,
            from = from.unwrap_or("…").to_string(),
            until = until.unwrap_or("…").to_string()
        ),
    }
}

fn line(vault: &Vault, entry: &LogEntry) -> String {
    let when = jiff::Timestamp::from_second(entry.time)
        .map(time::minute_of)
        .unwrap_or_else(|_| "?".into());
    // Items of a couple record name it; a person's own items need no label.
    let items_text = |items: &[ItemName]| match vault.dossier(entry.dossier) {
        Ok(dossier) if dossier.is_couple() => fl!(
            "log-items-in-couple",
            items = items_text(items),
            registration = texts::person(vault, dossier.id)
        ),
        // Only a partner's log contains reads of a destroyed couple record.
        Err(_) if vault.destroyed_registration(entry.dossier).is_some() => fl!(
            "log-items-in-couple",
            items = items_text(items),
            registration = texts::person(vault, entry.dossier)
        ),
        _ => items_text(items),
    };
    let text = match &entry.event {
        LogEvent::Read {
            action: AccessAction::Shown,
            items,
            user,
            ..
        } => fl!("log-shown", user = user.clone(), items = items_text(items)),
        LogEvent::Read {
            action: AccessAction::LogExported,
            user,
            encrypted_to,
            ..
        } => match vault.dossier(entry.dossier) {
            Ok(dossier) if dossier.is_couple() => fl!(
                "log-couple-log-exported",
                registration = texts::person(vault, dossier.id),
                user = user.clone(),
                key = encrypted_to.clone().unwrap_or_default()
            ),
            _ => fl!(
                "log-log-exported",
                user = user.clone(),
                key = encrypted_to.clone().unwrap_or_default()
            ),
        },
        LogEvent::Destroyed {
            registration,
            reason,
            user,
        } => fl!(
            "log-couple-destroyed",
            registration = registration.clone(),
            user = user.clone(),
            reason = match reason {
                kluis::format::DestroyReason::ClientRequest => fl!("destroy-reason-client-request"),
                kluis::format::DestroyReason::RetentionEnded => fl!("destroy-reason-retention-ended"),
            }
        ),
        LogEvent::RestoreAccepted { seen, accepted, user } => fl!(
            "log-restore-accepted",
            user = user.clone(),
            seen = seen,
            accepted = accepted
        ),
        LogEvent::Disclosure {
            recipient,
            disclosed,
            withheld,
            consents,
            written,
            encrypted_to,
        } => {
            let recipient = match recipient {
                RecipientRecord::Person(person) => texts::person(vault, *person),
                RecipientRecord::ThirdParty { name, role } => format!("{name} ({role})"),
            };
            if disclosed.is_empty() {
                let reason = if *written {
                    fl!("log-nothing-of-client")
                } else {
                    fl!("log-refused")
                };
                fl!(
                    "log-withheld",
                    recipient = recipient,
                    withheld = withheld,
                    reason = reason
                )
            } else {
                let consents = if consents.is_empty() {
                    fl!("log-no-consent-needed")
                } else {
                    fl!(
                        "log-under-consent",
                        consents = consents
                            .iter()
                            .map(|id| id.short())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                fl!(
                    "log-disclosed",
                    recipient = recipient,
                    items = items_text(disclosed),
                    withheld = withheld,
                    consents = consents,
                    key = encrypted_to.clone()
                )
            }
        }
    };
    format!("{when}  {text}")
}

fn items_text(items: &[ItemName]) -> String {
    let mut named: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            ItemName::Overview => Some(fl!("log-item-overview")),
            ItemName::Note(number) => Some(fl!("check-item-note", number = number)),
            ItemName::Paragraph(note, paragraph) => {
                Some(fl!("log-item-paragraph", note = note, paragraph = paragraph))
            }
            ItemName::Attachment(number) => Some(fl!("log-item-attachment", number = number)),
            ItemName::Unknown => None,
        })
        .collect();
    // The items of a destroyed dossier are gone, so one count replaces them.
    let unknown = items.iter().filter(|item| **item == ItemName::Unknown).count();
    if unknown > 0 {
        named.push(fl!("log-items-unknown", count = unknown));
    }
    named.join(", ")
}

/// Renders the log as a Markdown document for the client.
fn document(vault: &Vault, heading: &str, entries: &[LogEntry]) -> String {
    let mut text = format!("# {heading}\n\n{}\n\n", fl!("log-document-intro"));
    if entries.is_empty() {
        text.push_str(&fl!("log-empty"));
        text.push('\n');
    }
    for entry in entries {
        text.push_str("- ");
        text.push_str(&super::commands::printable(&line(vault, entry)));
        text.push('\n');
    }
    text.push_str(&format!(
        "\n{}\n",
        fl!(
            "log-document-made",
            date = time::today().to_string(),
            counsellor = kluis::partner::fingerprint(&vault.verifying_key())
        )
    ));
    text
}

/// Writes `plaintext` age-encrypted to `key` into `out`.
fn encrypt(key: &ExportRecipient, plaintext: &[u8], out: &mut dyn Write, armor: bool) -> io::Result<()> {
    let format = if armor {
        age::armor::Format::AsciiArmor
    } else {
        age::armor::Format::Binary
    };
    let armored = age::armor::ArmoredWriter::wrap_output(out, format)?;
    let mut writer = key.encryptor().wrap_output(armored)?;
    writer.write_all(plaintext)?;
    writer.finish()?.finish()?;
    Ok(())
}
