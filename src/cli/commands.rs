//! One function per subcommand: parse the arguments into library calls and
//! print the result. No business rules live here.

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use age::secrecy::ExposeSecret;

use kluis::consent::{self, time, AttestedConsent, ConsentBook, ConsentState, WithdrawalMethod};
use kluis::error::{Error, IoAction, Result};
use kluis::export::{self, texts, ExportRecipient, ExportRequest};
use kluis::fl;
use kluis::format::{DataClassRecord, NoteBody, NoteKind, RecipientRecord};
use kluis::model::{text, Access, Attachment, Details, NewPerson, Vault};
use kluis::store::fsutil::AtomicFile;

use super::args::*;
use super::input;

/// Replaces control characters (other than line breaks and tabs) with
/// U+FFFD, so text from a dossier cannot move the cursor or recolour the
/// counsellor's terminal.
pub(super) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// Global settings every command needs.
pub struct Context {
    pub vault: PathBuf,
    pub passphrase_file: Option<PathBuf>,
}

impl Context {
    pub(super) fn open(&self, access: Access) -> Result<Vault> {
        Vault::probe(&self.vault)?;
        let passphrase = input::passphrase(self.passphrase_file.as_deref(), false)?;
        Vault::open(&self.vault, passphrase, access)
    }
}

/// Returns the default vault folder: `kluis` in the user's data folder.
pub fn default_vault() -> PathBuf {
    directories::BaseDirs::new()
        .map(|dirs| dirs.data_dir().join("kluis"))
        .unwrap_or_else(|| PathBuf::from("kluis-vault"))
}

pub fn run(context: &Context, command: Command) -> Result<()> {
    match command {
        Command::Init(args) => init(context, args),
        Command::Recover(args) => recover(context, args),
        Command::Person(PersonCommand::Add(args)) => person_add(context, args),
        Command::Person(PersonCommand::Card(args)) => person_card(context, args),
        Command::Consent(ConsentCommand::Request(args)) => consent_request(context, args),
        Command::Consent(ConsentCommand::Form(args)) => consent_form(context, args),
        Command::Consent(ConsentCommand::Import(args)) => consent_import(context, args),
        Command::Partner(PartnerCommand::Sign(args)) => partner_sign(context, args),
        Command::Partner(PartnerCommand::Withdraw(args)) => {
            partner_statement(context, args, Statement::Withdrawal)
        }
        Command::Partner(PartnerCommand::Reverify(args)) => {
            partner_statement(context, args, Statement::Reverification)
        }
        Command::Couple(CoupleCommand::Add(args)) => couple_add(context, args),
        Command::End(args) => end(context, args),
        Command::Note(NoteCommand::Add(args)) => note_add(context, args),
        Command::Attach(args) => attach(context, args),
        Command::List => list(context),
        Command::Show(args) => show(context, args),
        Command::Consent(ConsentCommand::Record(args)) => consent_record(context, args),
        Command::Consent(ConsentCommand::Withdraw(args)) => consent_withdraw(context, args),
        Command::Consent(ConsentCommand::List(args)) => consent_list(context, args),
        Command::Consent(ConsentCommand::Reverify(args)) => consent_reverify(context, args),
        Command::Consent(ConsentCommand::Overview(args)) => consent_overview(context, args),
        Command::Export(args) => export(context, args),
        Command::Card(args) => card(context, args),
        Command::Check(args) => super::integrity::check(context, args),
        Command::Log(args) => super::integrity::log(context, args),
        Command::AcceptRestore(args) => super::integrity::accept_restore(context, args),
        Command::Destroy(args) => super::destroy::destroy(context, args),
        #[cfg(feature = "cloud")]
        Command::Backup(args) => super::backup::backup(context, args),
        #[cfg(feature = "cloud")]
        Command::Restore(args) => super::backup::restore(context, args),
        #[cfg(feature = "cloud")]
        Command::Remote(command) => super::backup::remote(context, command),
        Command::Partner(PartnerCommand::Keygen(args)) => partner_keygen(context, args),
        Command::Partner(PartnerCommand::Open(args)) => partner_open(context, args),
    }
}

fn init(context: &Context, args: InitArgs) -> Result<()> {
    if let Some(path) = &args.recovery_key_file {
        if path.exists() {
            return Err(Error::OutputExists { path: path.clone() });
        }
    }
    let passphrase = input::passphrase(context.passphrase_file.as_deref(), true)?;
    let (vault, recovery) = Vault::init(&context.vault, passphrase)?;
    let secret = recovery.secret();
    match &args.recovery_key_file {
        Some(path) => {
            let mut file = new_private_file(path)?;
            file.file()
                .write_all(format!("{}\n", secret.expose_secret()).as_bytes())
                .map_err(|err| Error::io(IoAction::Writing, path, err))?;
            file.commit(path, false)?;
            eprintln!(
                "{}",
                fl!("init-recovery-saved", path = path.display().to_string())
            );
        }
        None => {
            eprintln!("{}", fl!("init-recovery-shown"));
            out!("{}", secret.expose_secret());
        }
    }
    eprintln!("{}", fl!("init-done", path = vault.path().display().to_string()));
    Ok(())
}

fn recover(context: &Context, args: RecoverArgs) -> Result<()> {
    let key_text = match &args.recovery_key_file {
        Some(path) => {
            let bytes = zeroize::Zeroizing::new(input::read_input(path)?.to_vec());
            zeroize::Zeroizing::new(String::from_utf8_lossy(&bytes).to_string())
        }
        None => zeroize::Zeroizing::new(
            input::secret_prompt(&fl!("prompt-recovery-key"))?
                .expose_secret()
                .to_string(),
        ),
    };
    let recovery = kluis::keys::parse_recovery_key(&key_text)?;
    Vault::check_recovery_key(&context.vault, &recovery)?;
    eprintln!("{}", fl!("recover-new-passphrase"));
    let passphrase = input::passphrase(context.passphrase_file.as_deref(), true)?;
    Vault::recover(&context.vault, &recovery, passphrase)?;
    eprintln!("{}", fl!("recover-done"));
    Ok(())
}

fn person_add(context: &Context, args: PersonAddArgs) -> Result<()> {
    let start = time::parse_date(&args.start)?;
    let mut vault = context.open(Access::Write)?;
    vault.add_person(NewPerson {
        registration: args.registration.trim().to_string(),
        name: args.name,
        email: args.email,
        phone: args.phone,
        address: args.address,
        start,
    })?;
    eprintln!("{}", fl!("person-added", registration = args.registration));
    Ok(())
}

fn couple_add(context: &Context, args: CoupleAddArgs) -> Result<()> {
    let start = time::parse_date(&args.start)?;
    let mut vault = context.open(Access::Write)?;
    let a = person_id(&vault, &args.partner_a)?;
    let b = person_id(&vault, &args.partner_b)?;
    vault.add_couple(args.registration.trim().to_string(), a, b, start)?;
    eprintln!(
        "{}",
        fl!(
            "couple-added",
            registration = args.registration,
            a = args.partner_a,
            b = args.partner_b
        )
    );
    Ok(())
}

fn person_id(vault: &Vault, reference: &str) -> Result<kluis::ids::DossierId> {
    let dossier = vault.find(reference)?;
    if dossier.is_couple() {
        return Err(Error::NotAPerson {
            reference: reference.to_string(),
        });
    }
    Ok(dossier.id)
}

fn end(context: &Context, args: EndArgs) -> Result<()> {
    let date = time::parse_date(&args.date)?;
    let mut vault = context.open(Access::Write)?;
    let id = vault.find(&args.dossier)?.id;
    vault.end_counselling(id, date)?;
    eprintln!(
        "{}",
        fl!(
            "counselling-ended",
            registration = args.dossier,
            date = date.to_string()
        )
    );
    Ok(())
}

fn note_add(context: &Context, args: NoteAddArgs) -> Result<()> {
    let date = match &args.date {
        Some(date) => time::parse_date(date)?,
        None => time::today(),
    };
    let kind = match args.kind {
        NoteKindArg::Intake => NoteKind::Intake,
        NoteKindArg::Session => NoteKind::Session,
        NoteKindArg::Report => NoteKind::Report,
        NoteKindArg::Working => NoteKind::WorkingNote,
    };
    // Check the dossier exists before the counsellor types a whole note.
    let mut vault = context.open(Access::Write)?;
    let dossier = vault.find(&args.dossier)?;
    let (id, is_couple) = (dossier.id, dossier.is_couple());
    let note = input::note_text(args.file.as_deref())?;
    let body = if is_couple && kind != NoteKind::WorkingNote {
        text::joint_paragraphs(&note)?
    } else {
        NoteBody::Text(note.to_string())
    };
    vault.add_note(id, kind, date, body)?;
    eprintln!(
        "{}",
        fl!(
            "note-added",
            kind = texts::note_kind(kind),
            registration = args.dossier
        )
    );
    Ok(())
}

fn attach(context: &Context, args: AttachArgs) -> Result<()> {
    let attachment = open_attachment(&args.file, args.label)?;
    let mut vault = context.open(Access::Write)?;
    let id = vault.find(&args.dossier)?.id;
    vault.add_attachment(id, attachment)?;
    eprintln!("{}", fl!("attachment-added", registration = args.dossier));
    Ok(())
}

fn open_attachment(path: &Path, label: Option<String>) -> Result<Attachment<File>> {
    let file = input::open_input(path)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "bijlage".into());
    Ok(Attachment {
        label: label.unwrap_or_else(|| file_name.clone()),
        media_type: input::media_type(&file_name).to_string(),
        file_name,
        content: file,
    })
}

fn list(context: &Context) -> Result<()> {
    let vault = context.open(Access::Read)?;
    let summaries = vault.summaries();
    if summaries.is_empty() && vault.destroyed().is_empty() {
        eprintln!("{}", fl!("list-empty"));
        return Ok(());
    }
    for summary in summaries {
        let start = match &summary.details {
            Details::Person(person) => person.start.clone(),
            Details::Couple(couple) => couple.start.clone(),
        };
        let period = match summary.details.end() {
            Some(end) => fl!("period-bounded", from = start, until = end.to_string()),
            None => fl!("period-open", from = start),
        };
        match &summary.details {
            Details::Person(person) => out!(
                "{}",
                fl!(
                    "list-person",
                    registration = person.registration.clone(),
                    name = person.name.clone(),
                    period = period.clone(),
                    notes = summary.notes,
                    working = summary.working_notes,
                    attachments = summary.attachments,
                    consents = summary.consents
                )
            ),
            Details::Couple(couple) => out!(
                "{}",
                fl!(
                    "list-couple",
                    registration = couple.registration.clone(),
                    partners = summary.partners.join(" + "),
                    period = period.clone(),
                    notes = summary.notes,
                    working = summary.working_notes
                )
            ),
        }
    }
    for (time, record) in vault.destroyed().iter().filter_map(|d| d.destroyed.as_ref()) {
        let date = jiff::Timestamp::from_second(*time)
            .map(|instant| time::date_of(instant).to_string())
            .unwrap_or_else(|_| "?".into());
        let reason = match record.reason {
            kluis::format::DestroyReason::ClientRequest => fl!("destroy-reason-client-request"),
            kluis::format::DestroyReason::RetentionEnded => fl!("destroy-reason-retention-ended"),
        };
        out!(
            "{}",
            fl!(
                "list-destroyed",
                registration = record.registration.clone(),
                date = date,
                reason = reason
            )
        );
    }
    Ok(())
}

fn show(context: &Context, args: ShowArgs) -> Result<()> {
    let mut vault = context.open(Access::Write)?;
    record_show(&mut vault, &args)?;
    let dossier = vault.find(&args.dossier)?;
    if let Some(number) = args.note {
        let note = vault.note(dossier, number)?.ok_or_else(|| Error::ItemNotFound {
            reference: format!("{} {number}", fl!("word-note")),
        })?;
        out!("# {} — {}", texts::note_kind(note.record.kind), note.record.date);
        out!();
        match &note.record.body {
            NoteBody::Text(body) => out!("{}", body.trim_end()),
            NoteBody::Paragraphs(paragraphs) => {
                for paragraph in paragraphs {
                    out!("{} {}\n", text::tag(paragraph.about), paragraph.text);
                }
            }
        }
        return Ok(());
    }
    if let Some(number) = args.attachment {
        let attachments = vault.attachments(dossier)?;
        let attachment =
            attachments
                .iter()
                .find(|a| a.number == number)
                .ok_or_else(|| Error::ItemNotFound {
                    reference: format!("{} {number}", fl!("word-attachment")),
                })?;
        let blob = attachment.record.blob;
        let mut content = vault.attachment_content(dossier, attachment)?;
        return match args.output.as_deref() {
            Some(path) if path != Path::new("-") => {
                let mut file = new_private_file(path)?;
                io::copy(&mut content, file.file()).map_err(|err| {
                    kluis::model::in_dossier(
                        stream_error(err, path, blob),
                        dossier,
                        kluis::error::ObjectRole::Attachment,
                    )
                })?;
                file.commit(path, false)
            }
            _ => {
                let is_text = attachment.record.media_type.starts_with("text/");
                if io::stdout().is_terminal() && !is_text {
                    return Err(Error::BinaryToTerminal);
                }
                // Nothing reaches standard output unless the whole stored
                // file matches the journal.
                vault.verify_attachment_file(dossier, attachment)?;
                let mut stdout = io::stdout().lock();
                io::copy(&mut content, &mut stdout).map_err(|err| {
                    kluis::model::in_dossier(
                        stream_error(err, Path::new("-"), blob),
                        dossier,
                        kluis::error::ObjectRole::Attachment,
                    )
                })?;
                stdout
                    .flush()
                    .map_err(|err| Error::io(IoAction::Writing, "-", err))
            }
        };
    }
    show_overview(&vault, dossier)
}

/// Journals what `show` is about to display, before anything is shown, so
/// the access log misses no read (a failed display is still logged).
fn record_show(vault: &mut Vault, args: &ShowArgs) -> Result<()> {
    let dossier = vault.find(&args.dossier)?;
    let id = dossier.id;
    let object = match (args.note, args.attachment) {
        (Some(number), _) => Some(
            dossier
                .notes
                .get(number.wrapping_sub(1))
                .map(|note| note.object)
                .ok_or_else(|| Error::ItemNotFound {
                    reference: format!("{} {number}", fl!("word-note")),
                })?,
        ),
        (None, Some(number)) => Some(
            dossier
                .attachments
                .get(number.wrapping_sub(1))
                .map(|attachment| attachment.object)
                .ok_or_else(|| Error::ItemNotFound {
                    reference: format!("{} {number}", fl!("word-attachment")),
                })?,
        ),
        (None, None) => None,
    };
    let items = object
        .map(|object| vec![kluis::model::item_ref(id, object)])
        .unwrap_or_default();
    vault.record_access(id, kluis::format::AccessAction::Shown, items, None)
}

fn show_overview(vault: &Vault, dossier: &kluis::model::Dossier) -> Result<()> {
    match &dossier.details {
        Details::Person(person) => {
            out!(
                "{}",
                fl!(
                    "show-person",
                    name = person.name.clone(),
                    registration = person.registration.clone()
                )
            );
            for (label, value) in [
                (fl!("field-email"), person.email.clone()),
                (fl!("field-phone"), person.phone.clone()),
                (fl!("field-address"), person.address.clone()),
                (fl!("field-start"), Some(person.start.clone())),
                (fl!("field-end"), person.end.clone()),
            ] {
                if let Some(value) = value {
                    out!("  {label}: {value}");
                }
            }
            for couple in vault.couples_of(dossier.id) {
                out!("  {}: {}", fl!("field-couple"), couple.details.registration());
            }
        }
        Details::Couple(couple) => {
            let a = texts::person(vault, couple.partner_a);
            let b = texts::person(vault, couple.partner_b);
            out!(
                "{}",
                fl!("show-couple", registration = couple.registration.clone())
            );
            out!("  {}: {a}", fl!("field-partner-a"));
            out!("  {}: {b}", fl!("field-partner-b"));
            out!("  {}: {}", fl!("field-start"), couple.start);
            if let Some(end) = &couple.end {
                out!("  {}: {end}", fl!("field-end"));
            }
        }
    }
    let notes = vault.notes(dossier)?;
    out!();
    out!("{}", fl!("show-notes", count = notes.len()));
    for note in &notes {
        out!(
            "  {:>3}. {} {} ",
            note.number,
            note.record.date,
            texts::note_kind(note.record.kind)
        );
    }
    let attachments = vault.attachments(dossier)?;
    out!("{}", fl!("show-attachments", count = attachments.len()));
    for attachment in &attachments {
        out!(
            "  {:>3}. {} ({}, {} B)",
            attachment.number,
            attachment.record.label,
            attachment.record.file_name,
            attachment.record.size
        );
    }
    Ok(())
}

/// Tells a damaged attachment, named by its object, from a failed write.
fn stream_error(err: io::Error, path: &Path, blob: kluis::ids::ObjectId) -> Error {
    if err.kind() == io::ErrorKind::InvalidData {
        Error::Damaged(kluis::error::Damage::Modified {
            file: kluis::store::Store::object_name(blob),
        })
    } else {
        Error::io(IoAction::Writing, path, err)
    }
}

/// Starts a new file at `path` (0600) that appears only when committed and
/// never replaces an existing file.
pub(super) fn new_private_file(path: &Path) -> Result<AtomicFile> {
    if path.exists() {
        return Err(Error::OutputExists {
            path: path.to_path_buf(),
        });
    }
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    AtomicFile::new_in(&folder)
}

fn classes(args: &[DataClassArg]) -> Vec<DataClassRecord> {
    if args.is_empty() {
        return consent::ALL_CLASSES.to_vec();
    }
    let mut classes: Vec<DataClassRecord> = args
        .iter()
        .map(|class| match class {
            DataClassArg::Intake => DataClassRecord::Intake,
            DataClassArg::Session => DataClassRecord::Session,
            DataClassArg::Report => DataClassRecord::Report,
            DataClassArg::Attachment => DataClassRecord::Attachment,
            DataClassArg::Joint => DataClassRecord::Joint,
        })
        .collect();
    classes.sort();
    classes.dedup();
    classes
}

fn consent_record(context: &Context, args: ConsentRecordArgs) -> Result<()> {
    let valid_from = match &args.from {
        Some(date) => time::parse_date(date)?,
        None => time::today(),
    };
    let signed_on = args.signed_on.as_deref().map(time::parse_date).transpose()?;
    let valid_until = args.until.as_deref().map(time::parse_date).transpose()?;
    let form = open_attachment(&args.form, Some(fl!("label-consent-form")))?;
    let mut vault = context.open(Access::Write)?;
    let grantor = person_id(&vault, &args.grantor)?;
    let recipient = recipient_arg(
        &vault,
        args.to.as_deref(),
        args.third_party.as_deref(),
        args.role.as_deref(),
    )?;
    let id = consent::record_attested(
        &mut vault,
        AttestedConsent {
            grantor,
            recipient,
            classes: classes(&args.classes),
            after_end: args.after_end,
            valid_from,
            valid_until,
            signed_on,
            purpose: args.purpose,
            single_request: args.single_request,
            form,
        },
    )?;
    eprintln!(
        "{}",
        fl!("consent-recorded", consent = id.short(), grantor = args.grantor)
    );
    // A consent that cannot be used today is recorded all the same (it
    // documents what was signed), but the counsellor should know at once.
    let book = ConsentBook::load(&vault)?;
    if let Some(status) = book.consents.iter().find(|c| c.payload.id == id) {
        let state = book.state(status, jiff::Timestamp::now());
        if state != ConsentState::Active {
            eprintln!("{}", fl!("consent-recorded-unusable", state = state_text(state)));
        }
    }
    Ok(())
}

fn state_text(state: ConsentState) -> String {
    match state {
        ConsentState::Active => fl!("state-active"),
        ConsentState::Withdrawn => fl!("state-withdrawn"),
        ConsentState::Suspended => fl!("state-suspended"),
        ConsentState::Expired => fl!("state-expired"),
        ConsentState::NotYetValid => fl!("state-not-yet-valid"),
        ConsentState::EndedNotAfterEnd => fl!("state-ended"),
        ConsentState::NeedsReverification => fl!("state-needs-reverification"),
        ConsentState::Used => fl!("state-used"),
    }
}

fn consent_withdraw(context: &Context, args: ConsentWithdrawArgs) -> Result<()> {
    let method = match &args.letter {
        Some(path) => WithdrawalMethod::Letter(open_attachment(path, Some(fl!("label-withdrawal-letter")))?),
        None => WithdrawalMethod::NotInWriting,
    };
    let mut vault = context.open(Access::Write)?;
    let book = ConsentBook::load(&vault)?;
    let id = book.find(&args.consent)?.payload.id;
    consent::withdraw(&mut vault, id, method)?;
    if args.not_in_writing {
        eprintln!("{}", fl!("consent-suspended", consent = id.short()));
    } else {
        eprintln!("{}", fl!("consent-withdrawn", consent = id.short()));
    }
    Ok(())
}

fn consent_reverify(context: &Context, args: ConsentReverifyArgs) -> Result<()> {
    let form = open_attachment(&args.form, Some(fl!("label-reverification-form")))?;
    let mut vault = context.open(Access::Write)?;
    let book = ConsentBook::load(&vault)?;
    let id = book.find(&args.consent)?.payload.id;
    consent::reverify(&mut vault, id, form)?;
    eprintln!("{}", fl!("consent-reverified", consent = id.short()));
    Ok(())
}

fn consent_overview(context: &Context, args: ConsentOverviewArgs) -> Result<()> {
    let vault = context.open(Access::Read)?;
    let book = ConsentBook::load(&vault)?;
    let couple = vault.find(&args.couple)?;
    let now = jiff::Timestamp::now();
    let directions = consent::overview::couple_overview(&vault, &book, couple.id, now)?;
    out!(
        "{}",
        fl!(
            "overview-title",
            registration = couple.details.registration().to_string(),
            date = time::date_of(now).to_string()
        )
    );
    for direction in directions {
        let recipient = match &direction.recipient {
            RecipientRecord::Person(id) => texts::person(&vault, *id),
            RecipientRecord::ThirdParty { name, role } => format!("{name} ({role})"),
        };
        out!("{} → {}:", texts::person(&vault, direction.grantor), recipient);
        // Classes with the same outcome share one line.
        let mut lines: Vec<(String, Vec<String>)> = Vec::new();
        for (class, decision) in &direction.decisions {
            let outcome = if decision.allowed() {
                let consents: Vec<String> = decision
                    .consents_used
                    .iter()
                    .map(|id| consent_period(&book, *id))
                    .collect();
                fl!("overview-allowed", consents = consents.join(", "))
            } else {
                fl!(
                    "overview-withheld",
                    rule = decision.rule.code(),
                    reason = texts::reason(&vault, decision)
                )
            };
            match lines.iter_mut().find(|(known, _)| *known == outcome) {
                Some((_, classes)) => classes.push(class_name(*class)),
                None => lines.push((outcome, vec![class_name(*class)])),
            }
        }
        for (outcome, classes) in lines {
            out!("  {}: {}", classes.join(", "), outcome);
        }
    }
    Ok(())
}

fn class_name(class: kluis::consent::policy::DataClass) -> String {
    use kluis::consent::policy::DataClass;
    match class {
        DataClass::Intake => fl!("class-intake"),
        DataClass::Session => fl!("class-session"),
        DataClass::Report => fl!("class-report"),
        DataClass::Attachment => fl!("class-attachment"),
        DataClass::Joint => fl!("class-joint"),
    }
}

/// Names a consent with the last day it is valid, for the overview.
fn consent_period(book: &ConsentBook, id: kluis::ids::TokenId) -> String {
    let until = book
        .consents
        .iter()
        .find(|status| status.payload.id == id)
        .and_then(|status| status.payload.valid_until)
        .and_then(|until| jiff::Timestamp::from_second(until).ok())
        .and_then(|until| time::date_of(until).yesterday().ok());
    match until {
        Some(day) => fl!(
            "overview-consent-until",
            consent = id.short(),
            until = day.to_string()
        ),
        None => fl!("overview-consent-open", consent = id.short()),
    }
}

fn consent_list(context: &Context, args: ConsentListArgs) -> Result<()> {
    let vault = context.open(Access::Read)?;
    let book = ConsentBook::load(&vault)?;
    let filter = args
        .dossier
        .as_deref()
        .map(|reference| vault.find(reference))
        .transpose()?;
    let now = jiff::Timestamp::now();
    let mut shown = 0;
    for status in &book.consents {
        let payload = &status.payload;
        if let Some(filter) = filter {
            let involved = payload.grantor == filter.id
                || payload.couple == Some(filter.id)
                || payload.recipient == RecipientRecord::Person(filter.id);
            if !involved {
                continue;
            }
        }
        shown += 1;
        let recipient = match &payload.recipient {
            RecipientRecord::Person(id) => texts::person(&vault, *id),
            RecipientRecord::ThirdParty { name, role } => format!("{name} ({role})"),
        };
        let state = state_text(book.state(status, now));
        let period = validity_text(payload.valid_from, payload.valid_until);
        out!(
            "{}",
            fl!(
                "consent-line",
                consent = payload.id.short(),
                grantor = texts::person(&vault, payload.grantor),
                recipient = recipient,
                state = state,
                period = period,
                after_end = if payload.after_end {
                    fl!("word-yes")
                } else {
                    fl!("word-no")
                },
                purpose = payload.purpose.clone()
            )
        );
    }
    if shown == 0 {
        eprintln!("{}", fl!("consent-none"));
    }
    Ok(())
}

fn export(context: &Context, args: ExportArgs) -> Result<()> {
    if let Some(output) = &args.output {
        if output != Path::new("-") && output.exists() {
            return Err(Error::OutputExists { path: output.clone() });
        }
    }
    let recipient_key = recipient_key(
        args.recipient.as_deref(),
        args.recipient_file.as_deref(),
        args.passphrase,
    )?;

    let mut vault = context.open(Access::Write)?;
    let book = ConsentBook::load(&vault)?;
    // An export encrypted to a key registered (on a card) for someone else
    // would reach the wrong person, whether given as the card or the key.
    if let (Some((key, _)), Some(person)) = (&recipient_key, &args.for_person) {
        ensure_key_of(&vault, key, &[person_id(&vault, person)?])?;
    }
    let recipient = recipient_arg(
        &vault,
        args.for_person.as_deref(),
        args.third_party.as_deref(),
        args.role.as_deref(),
    )?;
    let about = args
        .about_dossiers
        .iter()
        .map(|reference| vault.find(reference).map(|d| d.id))
        .collect::<Result<Vec<_>>>()?;
    let now = jiff::Timestamp::now();
    let requested_at = match &args.requested_on {
        Some(date) => {
            let day = time::parse_date(date)?;
            if day > time::today() {
                return Err(Error::FutureDate { value: date.clone() });
            }
            time::start_of(day)
        }
        // Requests are dated by day, like the re-verifications that answer
        // them, so one recorded today counts for a request made today.
        None => time::start_of(time::today()),
    };
    // The request a single-request consent is bound to, named by that
    // consent's identifier.
    let request_id = match &args.request {
        Some(reference) => book.find(reference)?.payload.request,
        None => None,
    };
    let plan = export::plan(
        &vault,
        &book,
        ExportRequest {
            recipient,
            about,
            time: now,
            requested_at,
            request_id,
        },
    )?;

    print_plan(&vault, &plan);
    if args.dry_run {
        return Ok(());
    }
    let (recipient_key, passphrase) = recipient_key.expect("clap requires a recipient unless --dry-run");
    let output = args.output.expect("clap requires --output unless --dry-run");

    if plan.allowed().next().is_none() {
        vault.record_disclosure(plan.record(recipient_key.describe(), false))?;
        return Err(Error::NothingToDisclose);
    }
    if output == Path::new("-") && io::stdout().is_terminal() && !args.armor {
        return Err(Error::BinaryToTerminal);
    }
    if !args.yes {
        if !io::stdin().is_terminal() {
            return Err(Error::NotConfirmed);
        }
        if !input::confirm(&fl!("export-confirm")) {
            return Err(Error::NotConfirmed);
        }
    }

    if output == Path::new("-") {
        // What reaches standard output cannot be taken back: every
        // attachment is checked against the journal first.
        export::verify_attachment_files(&vault, &plan)?;
        vault.record_disclosure(plan.record(recipient_key.describe(), true))?;
        let stdout = io::stdout().lock();
        let mut stdout = export::write_archive(&vault, &plan, &recipient_key, stdout, args.armor)?;
        stdout
            .flush()
            .map_err(|err| Error::io(IoAction::Writing, "-", err))?;
    } else {
        let mut file = new_private_file(&output)?;
        let writer = io::BufWriter::new(file.file());
        let mut writer = export::write_archive(&vault, &plan, &recipient_key, writer, args.armor)?;
        writer
            .flush()
            .map_err(|err| Error::io(IoAction::Writing, &output, err))?;
        drop(writer);
        vault.record_disclosure(plan.record(recipient_key.describe(), true))?;
        file.commit(&output, false)?;
        eprintln!("{}", fl!("export-written", path = output.display().to_string()));
    }
    if let Some(passphrase) = passphrase {
        eprintln!("{}", fl!("export-passphrase"));
        eprintln!("  {}", passphrase.expose_secret());
    }
    let grantors: Vec<String> = plan
        .allowed()
        .flat_map(|item| item.decision.consents_used.iter())
        .filter_map(|token| book.consents.iter().find(|c| c.payload.id == *token))
        .map(|status| texts::person(&vault, status.payload.grantor))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if !grantors.is_empty() {
        eprintln!("{}", fl!("export-inform", names = grantors.join(", ")));
    }
    Ok(())
}

/// Reads the key an export or access log is encrypted to from the command
/// line, with the generated passphrase when one was asked for.
pub(super) fn recipient_key(
    recipient: Option<&str>,
    file: Option<&Path>,
    passphrase: bool,
) -> Result<Option<(ExportRecipient, Option<age::secrecy::SecretString>)>> {
    Ok(match (recipient, file, passphrase) {
        (Some(text), _, _) => Some((ExportRecipient::parse(text)?, None)),
        (None, Some(path), _) => {
            let contents = input::read_input(path)?.to_vec();
            let contents = String::from_utf8(contents).map_err(|_| Error::NotUtf8 {
                what: path.display().to_string(),
            })?;
            Some((ExportRecipient::parse_file(&contents)?, None))
        }
        (None, None, true) => {
            let (recipient, passphrase) = ExportRecipient::generate_passphrase();
            Some((recipient, Some(passphrase)))
        }
        _ => None,
    })
}

/// Refuses an X25519 key that is registered on the card of a client other
/// than `owners`: the file would reach the wrong person, whether the key
/// was given as the card or as the key.
pub(super) fn ensure_key_of(
    vault: &Vault,
    key: &ExportRecipient,
    owners: &[kluis::ids::DossierId],
) -> Result<()> {
    let ExportRecipient::X25519(key) = key else {
        return Ok(());
    };
    let key = key.to_string();
    for dossier in vault.dossiers() {
        let owns = vault
            .key_cards(dossier)?
            .iter()
            .any(|card| card.recipient.to_string() == key);
        if owns && !owners.contains(&dossier.id) {
            return Err(Error::CardOfOtherPerson {
                reference: dossier.details.registration().to_string(),
            });
        }
    }
    Ok(())
}

/// Prints one line of the plan to standard error, without control characters.
fn say(line: &str) {
    eprintln!("{}", printable(line));
}

fn print_plan(vault: &Vault, plan: &export::ExportPlan) {
    let recipient = match &plan.request.recipient {
        RecipientRecord::Person(id) => texts::person(vault, *id),
        RecipientRecord::ThirdParty { name, role } => format!("{name} ({role})"),
    };
    say(&fl!("plan-title", recipient = recipient));
    let allowed: Vec<_> = plan.allowed().collect();
    say(&fl!("plan-allowed", count = allowed.len()));
    for item in allowed {
        say(&format!(
            "  + {} [{}]",
            texts::item(item),
            item.decision.rule.code()
        ));
    }
    let withheld: Vec<_> = plan.withheld().collect();
    say(&fl!("plan-withheld", count = withheld.len()));
    for item in &withheld {
        say(&format!(
            "  - {} [{}: {}]",
            texts::item(item),
            item.decision.rule.code(),
            texts::reason(vault, &item.decision)
        ));
    }
    for (person, rule) in plan.missing_consents() {
        say(&fl!(
            "plan-missing",
            person = texts::person(vault, person),
            rule = rule.code()
        ));
    }
}

fn card(context: &Context, args: CardArgs) -> Result<()> {
    let vault = context.open(Access::Read)?;
    let card = vault.counsellor_card();
    write_text_output(args.output.as_deref(), &card)?;
    eprintln!("{}", fl!("card-shown"));
    Ok(())
}

fn partner_keygen(context: &Context, args: PartnerKeygenArgs) -> Result<()> {
    for path in [&args.key, &args.card] {
        if path.exists() {
            return Err(Error::OutputExists { path: path.clone() });
        }
    }
    let passphrase = input::passphrase(context.passphrase_file.as_deref(), true)?;
    kluis::keys::check_passphrase(&passphrase).map_err(Error::WeakPassphrase)?;
    let keys = kluis::partner::PartnerKeys::generate();
    let mut key_file = new_private_file(&args.key)?;
    key_file
        .file()
        .write_all(&keys.seal(passphrase))
        .map_err(|err| Error::io(IoAction::Writing, &args.key, err))?;
    key_file.commit(&args.key, false)?;
    write_text_output(Some(&args.card), &keys.card())?;
    let fingerprint = kluis::partner::fingerprint(&keys.signing.verifying_key());
    eprintln!(
        "{}",
        fl!(
            "partner-keygen-done",
            key = args.key.display().to_string(),
            card = args.card.display().to_string(),
            fingerprint = fingerprint
        )
    );
    Ok(())
}

fn partner_open(context: &Context, args: PartnerOpenArgs) -> Result<()> {
    let counsellor = match &args.counsellor_card {
        Some(path) => {
            let text = input::read_input(path)?;
            Some(kluis::partner::parse_card(&String::from_utf8_lossy(&text))?)
        }
        None => None,
    };
    let export = input::open_input(&args.export)?;
    let key_bytes = input::read_input(&args.key)?;
    let passphrase = input::passphrase(context.passphrase_file.as_deref(), false)?;
    let keys = kluis::partner::PartnerKeys::unseal(&key_bytes, passphrase)?;
    let opened = kluis::partner::open_export(export, &keys, &args.output, counsellor.as_ref())?;
    for file in &opened.files {
        out!("{}", file.display());
    }
    match (&opened.receipt, &counsellor) {
        (Some(receipt), Some(card)) => {
            let withheld: u64 = receipt.withheld.iter().map(|count| count.count).sum();
            eprintln!(
                "{}",
                fl!(
                    "partner-open-verified",
                    fingerprint = card.fingerprint(),
                    included = receipt.included.len(),
                    withheld = withheld
                )
            );
        }
        _ => eprintln!("{}", fl!("partner-open-unverified")),
    }
    eprintln!(
        "{}",
        fl!("partner-open-done", path = args.output.display().to_string())
    );
    Ok(())
}

/// Writes text to a new file (0600), or to standard output without a file.
fn write_text_output(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        Some(path) if path != Path::new("-") => {
            let mut file = new_private_file(path)?;
            file.file()
                .write_all(text.as_bytes())
                .map_err(|err| Error::io(IoAction::Writing, path, err))?;
            file.commit(path, false)
        }
        _ => {
            out!("{}", text.trim_end());
            Ok(())
        }
    }
}

fn person_card(context: &Context, args: PersonCardArgs) -> Result<()> {
    let text = input::read_input(&args.card)?;
    let text = String::from_utf8_lossy(&text).to_string();
    let card = kluis::partner::parse_card(&text)?;
    if card.role != kluis::format::CardRole::Partner {
        return Err(Error::InvalidCard);
    }
    let mut vault = context.open(Access::Write)?;
    let id = person_id(&vault, &args.dossier)?;
    if let Some(owner) = card_owner(&vault, &card)? {
        if owner != id {
            let registration = vault.dossier(owner)?.details.registration().to_string();
            return Err(Error::CardOfOtherPerson {
                reference: registration,
            });
        }
    }
    vault.add_key_card(id, &text)?;
    eprintln!(
        "{}",
        fl!(
            "card-registered",
            registration = args.dossier,
            fingerprint = card.fingerprint()
        )
    );
    Ok(())
}

fn consent_request(context: &Context, args: ConsentRequestArgs) -> Result<()> {
    if args.output.exists() {
        return Err(Error::OutputExists {
            path: args.output.clone(),
        });
    }
    let valid_from = match &args.from {
        Some(date) => time::parse_date(date)?,
        None => time::today(),
    };
    let valid_until = args.until.as_deref().map(time::parse_date).transpose()?;
    let mut vault = context.open(Access::Write)?;
    let grantor = person_id(&vault, &args.grantor)?;
    let recipient = recipient_arg(
        &vault,
        args.to.as_deref(),
        args.third_party.as_deref(),
        args.role.as_deref(),
    )?;
    let terms = consent::ConsentTerms {
        grantor,
        recipient,
        classes: classes(&args.classes),
        after_end: args.after_end,
        valid_from,
        valid_until,
        purpose: args.purpose,
        single_request: args.single_request,
    };
    let (id, text) = consent::request(&mut vault, terms)?;
    write_text_output(Some(&args.output), &text)?;
    eprintln!(
        "{}",
        fl!(
            "consent-requested",
            consent = id.short(),
            path = args.output.display().to_string()
        )
    );
    Ok(())
}

fn consent_import(context: &Context, args: ConsentImportArgs) -> Result<()> {
    let text = input::read_input(&args.file)?;
    let text = String::from_utf8_lossy(&text).to_string();
    let mut vault = context.open(Access::Write)?;
    let imported = consent::import(&mut vault, &text).map_err(|err| match err {
        Error::InvalidToken { reason, .. } => Error::InvalidImport {
            path: args.file.clone(),
            reason,
        },
        other => other,
    })?;
    match imported {
        consent::Imported::Consent(id) => eprintln!("{}", fl!("consent-imported", consent = id.short())),
        consent::Imported::Withdrawal(id) => {
            eprintln!("{}", fl!("withdrawal-imported", withdrawal = id.short()))
        }
        consent::Imported::Reverification(id) => {
            eprintln!("{}", fl!("reverification-imported", reverification = id.short()))
        }
    }
    Ok(())
}

fn partner_sign(context: &Context, args: PartnerSignArgs) -> Result<()> {
    if args.output.exists() {
        return Err(Error::OutputExists {
            path: args.output.clone(),
        });
    }
    let card_text = input::read_input(&args.counsellor_card)?;
    let counsellor = kluis::partner::parse_card(&String::from_utf8_lossy(&card_text))?;
    let request_text = input::read_input(&args.request)?;
    let request = kluis::partner::read_request(&String::from_utf8_lossy(&request_text), &counsellor)?;
    let proposed = &request.proposed;
    let period = validity_text(proposed.valid_from, proposed.valid_until);
    let classes: Vec<String> = proposed
        .scope
        .classes
        .iter()
        .map(|class| class_name(consent::class_from_record(*class)))
        .collect();
    eprintln!(
        "{}",
        fl!(
            "sign-request-summary",
            grantor = request.grantor_name.clone(),
            recipient = request.recipient_name.clone(),
            classes = classes.join(", "),
            period = period,
            after_end = if proposed.after_end {
                fl!("word-yes")
            } else {
                fl!("word-no")
            },
            purpose = proposed.purpose.clone()
        )
    );
    if proposed.kind == kluis::format::ConsentKindRecord::SingleRequest {
        eprintln!("{}", fl!("sign-request-single"));
    }
    eprintln!(
        "{}",
        fl!("sign-request-checked", fingerprint = counsellor.fingerprint())
    );
    eprintln!("{}", fl!("sign-request-withdraw"));
    let confirmed = args.yes || (io::stdin().is_terminal() && input::confirm(&fl!("sign-request-confirm")));
    if !confirmed {
        return Err(Error::SignatureNotConfirmed);
    }
    let key_bytes = input::read_input(&args.key)?;
    let passphrase = input::passphrase(context.passphrase_file.as_deref(), false)?;
    let keys = kluis::partner::PartnerKeys::unseal(&key_bytes, passphrase)?;
    write_text_output(Some(&args.output), &kluis::partner::sign_request(&request, &keys))?;
    eprintln!(
        "{}",
        fl!("sign-request-done", path = args.output.display().to_string())
    );
    Ok(())
}

/// Reads the recipient options: a client's dossier, or a third party's
/// name and role (clap requires one of the two).
fn recipient_arg(
    vault: &Vault,
    person: Option<&str>,
    name: Option<&str>,
    role: Option<&str>,
) -> Result<RecipientRecord> {
    match (person, name, role) {
        (Some(person), _, _) => Ok(RecipientRecord::Person(person_id(vault, person)?)),
        (None, Some(name), Some(role)) => Ok(RecipientRecord::ThirdParty {
            name: name.trim().to_string(),
            role: role.trim().to_string(),
        }),
        _ => unreachable!("clap requires a client or a third party with a role"),
    }
}

/// A statement a client signs about a consent they gave.
#[derive(Clone, Copy)]
enum Statement {
    Withdrawal,
    Reverification,
}

fn partner_statement(context: &Context, args: PartnerStatementArgs, statement: Statement) -> Result<()> {
    if args.output.exists() {
        return Err(Error::OutputExists {
            path: args.output.clone(),
        });
    }
    let consent_text = input::read_input(&args.consent)?;
    let key_bytes = input::read_input(&args.key)?;
    let passphrase = input::passphrase(context.passphrase_file.as_deref(), false)?;
    let keys = kluis::partner::PartnerKeys::unseal(&key_bytes, passphrase)?;
    let consent = kluis::partner::read_own_consent(&String::from_utf8_lossy(&consent_text), &keys)?;
    let period = validity_text(consent.valid_from, consent.valid_until);
    let (summary, question) = match statement {
        Statement::Withdrawal => ("statement-withdraw-summary", "statement-withdraw-confirm"),
        Statement::Reverification => ("statement-reverify-summary", "statement-reverify-confirm"),
    };
    eprintln!(
        "{}",
        kluis::i18n::text_args(
            summary,
            &[
                ("consent", consent.id.short()),
                ("purpose", consent.purpose.clone()),
                ("period", period)
            ]
        )
    );
    let confirmed = args.yes || (io::stdin().is_terminal() && input::confirm(&kluis::i18n::text(question)));
    if !confirmed {
        return Err(Error::SignatureNotConfirmed);
    }
    let text = match statement {
        Statement::Withdrawal => kluis::partner::sign_withdrawal(&consent, &keys),
        Statement::Reverification => kluis::partner::sign_reverification(&consent, &keys),
    };
    write_text_output(Some(&args.output), &text)?;
    let path = args.output.display().to_string();
    match statement {
        Statement::Withdrawal => eprintln!("{}", fl!("partner-withdrawal-done", path = path)),
        Statement::Reverification => eprintln!("{}", fl!("partner-reverification-done", path = path)),
    }
    Ok(())
}

/// Writes a printable consent form, addressed to the client ("u"), for a
/// client without a key: the counsellor prints it, the client signs it, and
/// its scan is recorded with `kluis consent record`.
fn consent_form(context: &Context, args: ConsentRequestArgs) -> Result<()> {
    if args.output.exists() {
        return Err(Error::OutputExists {
            path: args.output.clone(),
        });
    }
    let valid_from = match &args.from {
        Some(date) => time::parse_date(date)?,
        None => time::today(),
    };
    let valid_until = args.until.as_deref().map(time::parse_date).transpose()?;
    let vault = context.open(Access::Read)?;
    let grantor = person_id(&vault, &args.grantor)?;
    let recipient = recipient_arg(
        &vault,
        args.to.as_deref(),
        args.third_party.as_deref(),
        args.role.as_deref(),
    )?;
    if recipient == RecipientRecord::Person(grantor) {
        return Err(Error::ConsentToSelf);
    }
    let recipient_name = match &recipient {
        RecipientRecord::Person(id) => texts::person(&vault, *id),
        RecipientRecord::ThirdParty { name, role } => format!("{name} ({role})"),
    };
    let classes: Vec<String> = classes(&args.classes)
        .iter()
        .map(|class| class_name(consent::class_from_record(*class)))
        .collect();
    let period = match valid_until {
        Some(until) => fl!(
            "period-bounded",
            from = valid_from.to_string(),
            until = until.to_string()
        ),
        None => fl!("period-open", from = valid_from.to_string()),
    };
    let form = fl!(
        "consent-form",
        grantor = texts::person(&vault, grantor),
        recipient = recipient_name,
        classes = classes.join(", "),
        period = period,
        after_end = if args.single_request {
            format!(
                "{} {}",
                if args.after_end {
                    fl!("consent-form-after-end-yes")
                } else {
                    fl!("consent-form-after-end-no")
                },
                fl!("consent-form-single-request")
            )
        } else if args.after_end {
            fl!("consent-form-after-end-yes")
        } else {
            fl!("consent-form-after-end-no")
        },
        purpose = args.purpose.clone()
    );
    write_text_output(Some(&args.output), &format!("{form}\n"))?;
    eprintln!(
        "{}",
        fl!("consent-form-written", path = args.output.display().to_string())
    );
    Ok(())
}

/// Returns the person a key card is registered for, if any.
fn card_owner(vault: &Vault, card: &kluis::partner::KeyCard) -> Result<Option<kluis::ids::DossierId>> {
    for dossier in vault.dossiers() {
        if vault
            .key_cards(dossier)?
            .iter()
            .any(|known| known.verifying_key == card.verifying_key)
        {
            return Ok(Some(dossier.id));
        }
    }
    Ok(None)
}

/// Describes a consent's validity in days: "from X up to and including Y",
/// or "from X, without end date". The stored end is exclusive, so the last
/// valid day is the day before it.
fn validity_text(valid_from: i64, valid_until: Option<i64>) -> String {
    let from = time::date_of(jiff::Timestamp::from_second(valid_from).unwrap_or_default()).to_string();
    let until = valid_until
        .and_then(|until| jiff::Timestamp::from_second(until).ok())
        .and_then(|until| time::date_of(until).yesterday().ok());
    match until {
        Some(until) => fl!("period-bounded", from = from, until = until.to_string()),
        None => fl!("period-open", from = from),
    }
}
