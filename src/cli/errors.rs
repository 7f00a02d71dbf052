//! Turning library errors into one localized message, one hint, and an exit
//! code from the documented table (README, "Exit status").

use kluis::consent::token::Inconsistency;
use kluis::consent::token::TokenError;
use kluis::error::{
    Damage, Error, InputProblem, IoAction, JournalProblem, ObjectRole, RemoteProblem, WeakPassphrase,
};
use kluis::fl;

/// The exit codes of `kluis`, as documented.
pub mod code {
    pub const OK: u8 = 0;
    pub const INTERNAL: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const LOCKED_OUT: u8 = 3;
    pub const NOT_FOUND: u8 = 4;
    pub const DAMAGED: u8 = 5;
    pub const CONSENT: u8 = 6;
    pub const REFUSED: u8 = 7;
    pub const BUSY: u8 = 8;
    pub const IO: u8 = 9;
    pub const INVALID_INPUT: u8 = 10;
    pub const ROLLED_BACK: u8 = 11;
}

/// A message for the person at the terminal.
pub struct Report {
    pub code: u8,
    pub message: String,
    pub hint: Option<String>,
}

fn report(code: u8, message: String, hint: Option<String>) -> Report {
    Report {
        code,
        message: without_secret_keys(&message),
        hint,
    }
}

/// Replaces each word that contains an age secret key with "…". A key
/// given where a file name belongs (`--recovery-key-file AGE-SECRET-KEY-1…`)
/// would otherwise be echoed in the message about that file.
fn without_secret_keys(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if kluis::export::recipient::looks_secret(word) {
                "…"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn action(action: IoAction) -> String {
    match action {
        IoAction::Reading => fl!("io-reading"),
        IoAction::Writing => fl!("io-writing"),
        IoAction::Creating => fl!("io-creating"),
        IoAction::Locking => fl!("io-locking"),
        IoAction::Removing => fl!("io-removing"),
        _ => fl!("io-writing"),
    }
}

/// Describes `err` in the user's language.
pub fn describe(err: &Error) -> Report {
    match err {
        Error::VaultNotFound { path } => report(
            code::NOT_FOUND,
            fl!("error-vault-not-found", path = path.display().to_string()),
            Some(fl!("hint-vault-not-found")),
        ),
        Error::VaultExists { path } => report(
            code::REFUSED,
            fl!("error-vault-exists", path = path.display().to_string()),
            Some(fl!("hint-vault-exists")),
        ),
        Error::UnsupportedVersion { found } => report(
            code::DAMAGED,
            fl!("error-unsupported-version", version = found),
            Some(fl!("hint-unsupported-version")),
        ),
        Error::WrongPassphrase => report(
            code::LOCKED_OUT,
            fl!("error-wrong-passphrase"),
            Some(fl!("hint-wrong-passphrase")),
        ),
        Error::WrongKeyPassphrase => report(
            code::LOCKED_OUT,
            fl!("error-wrong-key-passphrase"),
            Some(fl!("hint-wrong-key-passphrase")),
        ),
        Error::WrongRecoveryKey => report(
            code::LOCKED_OUT,
            fl!("error-wrong-recovery-key"),
            Some(fl!("hint-wrong-recovery-key")),
        ),
        Error::InvalidRecoveryKey => report(
            code::INVALID_INPUT,
            fl!("error-invalid-recovery-key"),
            Some(fl!("hint-wrong-recovery-key")),
        ),
        Error::EmptyField { field } => {
            let message = match field {
                kluis::error::Field::Registration => fl!("error-empty-registration"),
                kluis::error::Field::Name => fl!("error-empty-name"),
                _ => fl!("error-empty-purpose"),
            };
            report(code::INVALID_INPUT, message, None)
        }
        Error::ConsentToSelf => report(
            code::INVALID_INPUT,
            fl!("error-consent-to-self"),
            Some(fl!("hint-consent-to-self")),
        ),
        Error::WeakPassphrase(rule) => {
            let rule = match rule {
                WeakPassphrase::TooShort => fl!("weak-too-short", min = kluis::keys::MIN_PASSPHRASE_CHARS),
                WeakPassphrase::TooRepetitive => {
                    fl!("weak-too-repetitive", min = kluis::keys::MIN_DISTINCT_CHARS)
                }
            };
            report(
                code::INVALID_INPUT,
                fl!("error-weak-passphrase", rule = rule),
                Some(fl!("hint-weak-passphrase")),
            )
        }
        Error::PassphraseMismatch => report(code::INVALID_INPUT, fl!("error-passphrase-mismatch"), None),
        Error::NoPassphrase => report(
            code::LOCKED_OUT,
            fl!("error-no-passphrase"),
            Some(fl!("hint-no-passphrase")),
        ),
        Error::Locked => report(code::BUSY, fl!("error-locked"), Some(fl!("hint-locked"))),
        Error::DossierNotFound { reference } => report(
            code::NOT_FOUND,
            fl!("error-dossier-not-found", reference = reference.clone()),
            Some(fl!("hint-dossier-not-found")),
        ),
        Error::RegistrationTaken { registration } => report(
            code::INVALID_INPUT,
            fl!("error-registration-taken", registration = registration.clone()),
            Some(fl!("hint-registration-taken")),
        ),
        Error::NotAPerson { reference } => report(
            code::INVALID_INPUT,
            fl!("error-not-a-person", reference = reference.clone()),
            None,
        ),
        Error::NotACouple { reference } => report(
            code::INVALID_INPUT,
            fl!("error-not-a-couple", reference = reference.clone()),
            None,
        ),
        Error::NotPartners { reference } => report(
            code::INVALID_INPUT,
            fl!("error-not-partners", reference = reference.clone()),
            Some(fl!("hint-not-partners")),
        ),
        Error::ItemNotFound { reference } => report(
            code::NOT_FOUND,
            fl!("error-item-not-found", reference = reference.clone()),
            Some(fl!("hint-item-not-found")),
        ),
        Error::ConsentNotFound { reference } => report(
            code::NOT_FOUND,
            fl!("error-consent-not-found", reference = reference.clone()),
            Some(fl!("hint-consent-not-found")),
        ),
        Error::AlreadyWithdrawn { reference } => report(
            code::INVALID_INPUT,
            fl!("error-already-withdrawn", reference = reference.clone()),
            None,
        ),
        Error::InvalidToken { token, reason } => report(
            code::CONSENT,
            fl!(
                "error-invalid-token",
                token = token.clone(),
                reason = token_reason(reason)
            ),
            Some(fl!("hint-invalid-token")),
        ),
        Error::DestinationNotEmpty { path } => report(
            code::REFUSED,
            fl!("error-destination-not-empty", path = path.display().to_string()),
            Some(fl!("hint-destination-not-empty")),
        ),
        Error::Remote { remote, problem } => {
            let (code, text, hint) = remote_problem_report(problem);
            report(
                code,
                fl!("error-remote", remote = remote.to_string(), problem = text),
                Some(hint),
            )
        }
        Error::RemovalFailed { remote, problem } => {
            let (code, text, hint) = remote_problem_report(problem);
            report(
                code,
                fl!(
                    "error-remote-removal",
                    remote = remote.to_string(),
                    problem = text
                ),
                Some(format!("{hint} {}", fl!("hint-remote-removal"))),
            )
        }
        Error::RemoteProblemsFound {
            count,
            rolled_back_only,
            forked,
        } => report(
            if *rolled_back_only {
                code::ROLLED_BACK
            } else {
                code::DAMAGED
            },
            fl!("error-remote-problems-found", count = count),
            Some(if *rolled_back_only && *forked {
                fl!("hint-remote-forked")
            } else if *rolled_back_only {
                fl!("hint-remote-rolled-back")
            } else {
                fl!("hint-remote-damaged")
            }),
        ),
        Error::Damaged(damage) => report(
            code::DAMAGED,
            fl!("error-damaged", what = damage_text(damage)),
            Some(fl!("hint-damaged")),
        ),
        Error::NothingToDisclose => report(
            code::CONSENT,
            fl!("error-nothing-to-disclose"),
            Some(fl!("hint-nothing-to-disclose")),
        ),
        Error::OutputExists { path } => report(
            code::REFUSED,
            fl!("error-output-exists", path = path.display().to_string()),
            Some(fl!("hint-output-exists")),
        ),
        Error::NotConfirmed => report(
            code::REFUSED,
            fl!("error-not-confirmed"),
            Some(fl!("hint-not-confirmed")),
        ),
        Error::BinaryToTerminal => report(
            code::REFUSED,
            fl!("error-binary-to-terminal"),
            Some(fl!("hint-binary-to-terminal")),
        ),
        Error::NotUtf8 { what } => report(
            code::INVALID_INPUT,
            fl!("error-not-utf8", what = what.clone()),
            Some(fl!("hint-not-utf8")),
        ),
        Error::InvalidDate { value } => report(
            code::INVALID_INPUT,
            fl!("error-invalid-date", value = value.clone()),
            Some(fl!("hint-invalid-date")),
        ),
        Error::FutureDate { value } => report(
            code::INVALID_INPUT,
            fl!("error-future-date", value = value.clone()),
            Some(fl!("hint-future-date")),
        ),
        Error::EndBeforeStart { start, end } => report(
            code::INVALID_INPUT,
            fl!("error-end-before-start", start = start.clone(), end = end.clone()),
            None,
        ),
        Error::SecretKeyAsRecipient => report(
            code::INVALID_INPUT,
            fl!("error-secret-key-as-recipient"),
            Some(fl!("hint-secret-key-as-recipient")),
        ),
        Error::InvalidRecipient { value } => report(
            code::INVALID_INPUT,
            fl!("error-invalid-recipient", value = value.clone()),
            Some(fl!("hint-invalid-recipient")),
        ),
        Error::UntaggedParagraph { paragraph } => report(
            code::INVALID_INPUT,
            fl!("error-untagged-paragraph", paragraph = paragraph),
            Some(fl!("hint-untagged-paragraph")),
        ),
        Error::AmbiguousTag { line } => report(
            code::INVALID_INPUT,
            fl!("error-ambiguous-tag", line = line),
            Some(fl!("hint-untagged-paragraph")),
        ),
        Error::NotLinked { reference } => report(
            code::INVALID_INPUT,
            fl!("error-not-linked", reference = reference.clone()),
            Some(fl!("hint-not-linked")),
        ),
        Error::EmptyNote => report(code::INVALID_INPUT, fl!("error-empty-note"), None),
        Error::EmptyParagraph { paragraph } => report(
            code::INVALID_INPUT,
            fl!("error-empty-paragraph", paragraph = paragraph),
            Some(fl!("hint-untagged-paragraph")),
        ),
        Error::SamePartner => report(code::INVALID_INPUT, fl!("error-same-partner"), None),
        Error::RegistrationOfDestroyed { registration } => report(
            code::INVALID_INPUT,
            fl!(
                "error-registration-destroyed",
                registration = registration.clone()
            ),
            Some(fl!("hint-registration-destroyed")),
        ),
        Error::PartnerInCouple {
            registration,
            couples,
        } => report(
            code::REFUSED,
            fl!(
                "error-partner-in-couple",
                registration = registration.clone(),
                couples = couples.join(", "),
                count = couples.len()
            ),
            Some(fl!(
                "hint-partner-in-couple",
                couple = couples.first().cloned().unwrap_or_default(),
                count = couples.len()
            )),
        ),
        Error::DestroyIncomplete {
            registration,
            left,
            cause,
        } => {
            let cause: String = describe(cause).message;
            report(
                code::IO,
                fl!(
                    "error-destroy-incomplete",
                    registration = registration.clone(),
                    count = (*left),
                    problem = cause
                ),
                Some(fl!("hint-destroy-incomplete")),
            )
        }
        Error::DossierDestroyed { registration, date } => report(
            code::NOT_FOUND,
            fl!(
                "error-dossier-destroyed",
                registration = registration.clone(),
                date = date.clone()
            ),
            Some(fl!("hint-dossier-destroyed")),
        ),
        Error::EditorFailed { editor } => report(
            code::INVALID_INPUT,
            fl!("error-editor-failed", editor = editor.clone()),
            Some(fl!("hint-editor-failed")),
        ),
        Error::NoPrivateTempFolder => report(
            code::REFUSED,
            fl!("error-no-private-temp"),
            Some(fl!("hint-no-private-temp")),
        ),
        Error::InputFile { path, problem } => {
            let path = path.display().to_string();
            match problem {
                InputProblem::NotFound => report(
                    code::NOT_FOUND,
                    fl!("error-input-not-found", path = path),
                    Some(fl!("hint-input-file")),
                ),
                InputProblem::NotAFile => report(
                    code::INVALID_INPUT,
                    fl!("error-input-not-a-file", path = path),
                    Some(fl!("hint-input-file")),
                ),
                _ => report(code::IO, fl!("error-input-no-permission", path = path), None),
            }
        }
        Error::InvalidOwnConsent => report(
            code::INVALID_INPUT,
            fl!("error-invalid-own-consent"),
            Some(fl!("hint-invalid-own-consent")),
        ),
        Error::InvalidRequest => report(
            code::INVALID_INPUT,
            fl!("error-invalid-request"),
            Some(fl!("hint-invalid-request")),
        ),
        Error::NoKeyCard { reference } => report(
            code::INVALID_INPUT,
            fl!("error-no-key-card", reference = reference.clone()),
            Some(fl!("hint-no-key-card")),
        ),
        Error::AlreadyImported { reference } => report(
            code::CONSENT,
            fl!("error-already-imported", reference = reference.clone()),
            None,
        ),
        Error::ConsentExpired { reference } => report(
            code::CONSENT,
            fl!("error-consent-expired", reference = reference.clone()),
            None,
        ),
        Error::CardOfOtherPerson { reference } => report(
            code::REFUSED,
            fl!("error-card-of-other-person", reference = reference.clone()),
            Some(fl!("hint-card-of-other-person")),
        ),
        Error::InvalidImport { path, reason } => report(
            code::CONSENT,
            fl!(
                "error-invalid-import",
                path = path.display().to_string(),
                reason = token_reason(reason)
            ),
            Some(fl!("hint-invalid-import")),
        ),
        Error::SignatureNotConfirmed => report(
            code::REFUSED,
            fl!("error-signature-not-confirmed"),
            Some(fl!("hint-signature-not-confirmed")),
        ),
        Error::InvalidCard => report(
            code::INVALID_INPUT,
            fl!("error-invalid-card"),
            Some(fl!("hint-invalid-card")),
        ),
        Error::InvalidKeyFile => report(code::INVALID_INPUT, fl!("error-invalid-key-file"), None),
        Error::NotAnExport => report(code::DAMAGED, fl!("error-not-an-export"), None),
        Error::NotForThisKey => report(
            code::LOCKED_OUT,
            fl!("error-not-for-this-key"),
            Some(fl!("hint-not-for-this-key")),
        ),
        Error::UnsafeExportEntry => report(
            code::DAMAGED,
            fl!("error-unsafe-export-entry"),
            Some(fl!("hint-receipt-invalid")),
        ),
        Error::ReceiptInvalid => report(
            code::DAMAGED,
            fl!("error-receipt-invalid"),
            Some(fl!("hint-receipt-invalid")),
        ),
        Error::DestroyNotConfirmed { typed: None } => report(
            code::REFUSED,
            fl!("error-destroy-no-terminal"),
            Some(fl!("hint-destroy-no-terminal")),
        ),
        Error::DestroyNotConfirmed { typed: Some(typed) } => report(
            code::REFUSED,
            fl!("error-destroy-mistyped", typed = typed.clone()),
            Some(fl!("hint-destroy-mistyped")),
        ),
        Error::RestoreNotAccepted => report(
            code::REFUSED,
            fl!("error-restore-not-accepted"),
            Some(fl!("hint-not-confirmed")),
        ),
        Error::ProblemsFound {
            count,
            rolled_back_only,
            forked,
        } => report(
            if *rolled_back_only {
                code::ROLLED_BACK
            } else {
                code::DAMAGED
            },
            fl!("error-problems-found", count = count),
            Some(if *rolled_back_only && *forked {
                fl!("hint-forked")
            } else if *rolled_back_only {
                fl!("hint-rolled-back")
            } else {
                fl!("hint-problems-found")
            }),
        ),
        Error::RolledBack { seen, found } => report(
            code::ROLLED_BACK,
            fl!("error-rolled-back", seen = seen, found = found),
            Some(fl!("hint-rolled-back")),
        ),
        Error::Forked { seq } => report(
            code::ROLLED_BACK,
            fl!("error-forked", seq = seq),
            Some(fl!("hint-forked")),
        ),
        Error::SeenUnreadable { path } => report(
            code::DAMAGED,
            fl!("error-seen-unreadable", path = path.display().to_string()),
            Some(fl!("hint-seen-unreadable")),
        ),
        Error::SeenFolderUnusable { path } => report(
            code::IO,
            fl!("error-seen-unwritable", path = path.display().to_string()),
            Some(fl!("hint-no-state-folder")),
        ),
        Error::NoStateFolder => report(
            code::IO,
            fl!("error-no-state-folder"),
            Some(fl!("hint-no-state-folder")),
        ),
        Error::DiskFull { action: what, path } => report(
            code::IO,
            fl!(
                "error-disk-full",
                action = action(*what),
                path = path.display().to_string()
            ),
            Some(fl!("hint-disk-full")),
        ),
        Error::Io {
            action: what,
            path,
            source,
        } => report(
            code::IO,
            fl!(
                "error-io",
                action = action(*what),
                path = path.display().to_string(),
                reason = io_reason(source)
            ),
            None,
        ),
        other => report(
            code::INTERNAL,
            fl!("error-internal", reason = other.to_string()),
            None,
        ),
    }
}

/// Describes an I/O failure in the user's language where its kind is a
/// common one; the system's own text (in English) otherwise.
fn io_reason(source: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match source.kind() {
        ErrorKind::NotFound => fl!("io-not-found"),
        ErrorKind::PermissionDenied => fl!("io-permission-denied"),
        ErrorKind::AlreadyExists => fl!("io-already-exists"),
        ErrorKind::NotADirectory => fl!("io-not-a-directory"),
        ErrorKind::IsADirectory => fl!("io-is-a-directory"),
        ErrorKind::ReadOnlyFilesystem => fl!("io-read-only"),
        _ => source.to_string(),
    }
}

/// Returns the exit code, the text and the hint of a remote's problem.
fn remote_problem_report(problem: &RemoteProblem) -> (u8, String, String) {
    match problem {
        RemoteProblem::Invalid => (
            code::INVALID_INPUT,
            fl!("remote-problem-invalid"),
            fl!("hint-remote-invalid"),
        ),
        RemoteProblem::UnknownScheme => (
            code::INVALID_INPUT,
            fl!("remote-problem-unknown-scheme"),
            fl!("hint-remote-invalid"),
        ),
        RemoteProblem::UnknownOption { option } => (
            code::INVALID_INPUT,
            fl!("remote-problem-unknown-option", option = option.clone()),
            fl!("hint-remote-invalid"),
        ),
        RemoteProblem::UnknownName => (
            code::NOT_FOUND,
            fl!("remote-problem-unknown-name"),
            fl!("hint-remote-unknown-name"),
        ),
        RemoteProblem::CredentialsInUrl => (
            code::INVALID_INPUT,
            fl!("remote-problem-credentials-in-url"),
            fl!("hint-remote-credentials"),
        ),
        RemoteProblem::Unencrypted => (
            code::INVALID_INPUT,
            fl!("remote-problem-unencrypted"),
            fl!("hint-remote-unencrypted"),
        ),
        RemoteProblem::Denied => (
            code::LOCKED_OUT,
            fl!("remote-problem-denied"),
            fl!("hint-remote-denied"),
        ),
        RemoteProblem::NoCredentials => (
            code::LOCKED_OUT,
            fl!("remote-problem-no-credentials"),
            fl!("hint-remote-denied"),
        ),
        RemoteProblem::NoSuchPlace => (
            code::NOT_FOUND,
            fl!("remote-problem-no-such-place"),
            fl!("hint-remote-no-such-place"),
        ),
        RemoteProblem::Unreachable => (
            code::IO,
            fl!("remote-problem-unreachable"),
            fl!("hint-remote-unreachable"),
        ),
        RemoteProblem::Refused { status } => (
            code::IO,
            match status {
                Some(status) => fl!("remote-problem-refused-status", status = status),
                None => fl!("remote-problem-refused"),
            },
            fl!("hint-remote-unreachable"),
        ),
        RemoteProblem::FolderFailed => (
            code::IO,
            fl!("remote-problem-folder-failed"),
            fl!("hint-remote-folder-failed"),
        ),
        RemoteProblem::NoBackup => (
            code::NOT_FOUND,
            fl!("remote-problem-no-backup"),
            fl!("hint-remote-no-backup"),
        ),
        RemoteProblem::OtherVault => (
            code::REFUSED,
            fl!("remote-problem-other-vault"),
            fl!("hint-remote-other-vault"),
        ),
        RemoteProblem::Ahead { remote, local } => (
            code::ROLLED_BACK,
            fl!("remote-problem-ahead", remote = remote, local = local),
            fl!("hint-remote-ahead"),
        ),
        RemoteProblem::Forked { seq } => (
            code::ROLLED_BACK,
            fl!("remote-problem-forked", seq = seq),
            fl!("hint-remote-forked"),
        ),
        RemoteProblem::NoSuchState { seq } => (
            code::NOT_FOUND,
            fl!("remote-problem-no-such-state", seq = seq),
            fl!("hint-remote-no-such-state"),
        ),
        RemoteProblem::DestroyedSince {
            seq,
            destroyed,
            first,
        } => (
            code::REFUSED,
            fl!("remote-problem-destroyed-since", seq = seq, destroyed = destroyed),
            fl!("hint-remote-destroyed-since", first = first),
        ),
        RemoteProblem::Damaged(damage) => (
            code::DAMAGED,
            fl!("remote-problem-damaged", what = damage_text(damage)),
            fl!("hint-remote-damaged"),
        ),
        _ => (
            code::IO,
            fl!("remote-problem-refused"),
            fl!("hint-remote-unreachable"),
        ),
    }
}

pub(super) fn damage_text(damage: &Damage) -> String {
    match damage {
        Damage::Unreadable { file, .. } => fl!("damage-unreadable", file = file.clone()),
        Damage::Modified { file } => fl!("damage-modified", file = file.clone()),
        Damage::Missing { file } => fl!("damage-missing", file = file.clone()),
        Damage::Journal { seq, problem } => {
            fl!("damage-journal", seq = seq, problem = journal_problem(*problem))
        }
        Damage::ForeignIdentity => fl!("damage-foreign-identity"),
        Damage::InDossier {
            registration,
            role,
            file,
            missing,
        } => {
            let what = match role {
                ObjectRole::Note => fl!("role-note"),
                ObjectRole::Attachment => fl!("role-attachment"),
                ObjectRole::Consent => fl!("role-consent"),
                ObjectRole::Withdrawal => fl!("role-withdrawal"),
                _ => fl!("role-note"),
            };
            if *missing {
                fl!(
                    "damage-in-dossier-missing",
                    what = what,
                    registration = registration.clone(),
                    file = file.clone()
                )
            } else {
                fl!(
                    "damage-in-dossier-changed",
                    what = what,
                    registration = registration.clone(),
                    file = file.clone()
                )
            }
        }
        other => other.to_string(),
    }
}

pub fn token_reason(reason: &TokenError) -> String {
    match reason {
        TokenError::Malformed(_) => fl!("token-malformed"),
        TokenError::BadSignature => fl!("token-bad-signature"),
        TokenError::UnknownSigner => fl!("token-unknown-signer"),
        TokenError::OtherVault => fl!("token-other-vault"),
        TokenError::UnsupportedVersion(version) => fl!("token-unsupported-version", version = version),
        TokenError::Inconsistent(what) => fl!("token-inconsistent", what = inconsistency(*what)),
        other => other.to_string(),
    }
}

fn journal_problem(problem: JournalProblem) -> String {
    match problem {
        JournalProblem::BadSignature => fl!("journal-bad-signature"),
        JournalProblem::Malformed => fl!("journal-malformed"),
        JournalProblem::OtherVault => fl!("journal-other-vault"),
        JournalProblem::WrongNumber => fl!("journal-wrong-number"),
        JournalProblem::BrokenChain => fl!("journal-broken-chain"),
        JournalProblem::ForeignObject => fl!("journal-foreign-object"),
        JournalProblem::OlderVersion => fl!("journal-older-version"),
        JournalProblem::EventTooNew => fl!("journal-event-too-new"),
        _ => problem.to_string(),
    }
}

fn inconsistency(what: Inconsistency) -> String {
    match what {
        Inconsistency::ConsentNotInWriting => fl!("inconsistent-not-in-writing"),
        Inconsistency::EmptyValidity => fl!("inconsistent-empty-validity"),
        Inconsistency::EmptyScope => fl!("inconsistent-empty-scope"),
        Inconsistency::NothingWithdrawn => fl!("inconsistent-nothing-withdrawn"),
        Inconsistency::WrongDossier => fl!("inconsistent-wrong-dossier"),
        Inconsistency::DataPeriodUnsupported => fl!("inconsistent-data-period"),
        Inconsistency::FormMissing => fl!("inconsistent-form-missing"),
        Inconsistency::NotRequested => fl!("inconsistent-not-requested"),
        Inconsistency::IssuedInFuture => fl!("inconsistent-issued-in-future"),
        _ => what.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_key_in_file_name_hidden() {
        let key = "AGE-SECRET-KEY-19MM849ZU4LJLHYX6GWWFMZAT53N9R7AU0ZDKV0ZSH07V0A9ZDK0QDP559H";
        let report = describe(&Error::InputFile {
            path: key.into(),
            problem: InputProblem::NotFound,
        });
        assert!(!report.message.contains("SECRET-KEY"), "{}", report.message);
        assert!(report.message.contains(" … "), "{}", report.message);
    }
}
