//! The library's error type. Each variant names a fact a person can act on;
//! the CLI turns it into a localized message, a hint and an exit code.
//! No variant ever carries a secret or a piece of dossier content.

use std::io;
use std::path::PathBuf;

use crate::format::FormatError;

/// A kluis failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("no vault at {path}")]
    VaultNotFound { path: PathBuf },
    #[error("a vault or other files already exist at {path}")]
    VaultExists { path: PathBuf },
    #[error("vault format version {found} is not supported")]
    UnsupportedVersion { found: u32 },
    #[error("wrong passphrase")]
    WrongPassphrase,
    #[error("wrong passphrase for the key file")]
    WrongKeyPassphrase,
    #[error("the recovery key does not open this vault")]
    WrongRecoveryKey,
    #[error("the recovery key is not a valid age secret key")]
    InvalidRecoveryKey,
    #[error("the {field} is empty")]
    EmptyField { field: Field },
    #[error("a consent cannot name its own grantor as recipient")]
    ConsentToSelf,
    #[error("passphrase too weak: {0}")]
    WeakPassphrase(WeakPassphrase),
    #[error("the two passphrases differ")]
    PassphraseMismatch,
    #[error("no passphrase available")]
    NoPassphrase,
    #[error("another kluis process is changing this vault")]
    Locked,
    #[error("no dossier {reference}")]
    DossierNotFound { reference: String },
    #[error("registration number {registration} is already in use")]
    RegistrationTaken { registration: String },
    #[error("{reference} is not a person dossier")]
    NotAPerson { reference: String },
    #[error("{reference} is not a couple record")]
    NotACouple { reference: String },
    #[error("no item {reference} in this dossier")]
    ItemNotFound { reference: String },
    #[error("no consent {reference}")]
    ConsentNotFound { reference: String },
    #[error("{reference} is not a partner in a couple record with the grantor")]
    NotPartners { reference: String },
    #[error("consent token {token} is invalid: {reason}")]
    InvalidToken {
        token: String,
        reason: crate::consent::token::TokenError,
    },
    #[error("consent {reference} was already withdrawn")]
    AlreadyWithdrawn { reference: String },
    #[error("the vault is damaged: {0}")]
    Damaged(Damage),
    #[error("nothing may be disclosed")]
    NothingToDisclose,
    #[error("the export was not confirmed")]
    NotConfirmed,
    #[error("{path} already exists")]
    OutputExists { path: PathBuf },
    #[error("refusing to write binary data to a terminal")]
    BinaryToTerminal,
    #[error("{what} is not valid UTF-8 text")]
    NotUtf8 { what: String },
    #[error("the date {value} is in the future")]
    FutureDate { value: String },
    #[error("invalid date {value}")]
    InvalidDate { value: String },
    #[error("the end date {end} is before the start date {start}")]
    EndBeforeStart { start: String, end: String },
    #[error("a secret key was given where a public key belongs")]
    SecretKeyAsRecipient,
    #[error("invalid recipient {value}")]
    InvalidRecipient { value: String },
    #[error("paragraph {paragraph} of the joint note has no valid tag")]
    UntaggedParagraph { paragraph: usize },
    #[error("line {line} of the joint note looks like a tag but is not [A], [B] or [A+B]")]
    AmbiguousTag { line: usize },
    #[error("{reference} is not linked to the recipient")]
    NotLinked { reference: String },
    #[error("the note is empty")]
    EmptyNote,
    #[error("paragraph {paragraph} of the joint note has a tag but no text")]
    EmptyParagraph { paragraph: usize },
    #[error("a partner of a couple must be two different person dossiers")]
    SamePartner,
    #[error("registration number {registration} belonged to a destroyed dossier")]
    RegistrationOfDestroyed { registration: String },
    #[error("{registration} is a partner in couple records {couples:?}")]
    PartnerInCouple {
        registration: String,
        couples: Vec<String>,
    },
    #[error("{registration} was destroyed, but {left} of its files could not be deleted: {cause}")]
    DestroyIncomplete {
        registration: String,
        left: usize,
        cause: Box<Error>,
    },
    #[error("dossier {registration} was destroyed")]
    DossierDestroyed { registration: String, date: String },
    #[error("the editor {editor} failed")]
    EditorFailed { editor: String },
    #[error("no memory-backed folder for the editor's file")]
    NoPrivateTempFolder,
    #[error("cannot read {path}: {problem:?}")]
    InputFile { path: PathBuf, problem: InputProblem },
    #[error("{reference} has no key card registered")]
    NoKeyCard { reference: String },
    #[error("consent {reference} was imported before")]
    AlreadyImported { reference: String },
    #[error("consent {reference} has expired")]
    ConsentExpired { reference: String },
    #[error("the file is not a consent signed with this key")]
    InvalidOwnConsent,
    #[error("the consent request is not valid or was changed")]
    InvalidRequest,
    #[error("the key card is registered for {reference}")]
    CardOfOtherPerson { reference: String },
    #[error("{path} is not a valid signed statement: {reason}")]
    InvalidImport {
        path: PathBuf,
        reason: crate::consent::token::TokenError,
    },
    #[error("the signature was not confirmed")]
    SignatureNotConfirmed,
    #[error("the key card is not valid")]
    InvalidCard,
    #[error("the key file is not a kluis key file")]
    InvalidKeyFile,
    #[error("the file is not a kluis export")]
    NotAnExport,
    #[error("the export is not encrypted to this key")]
    NotForThisKey,
    #[error("the export contains an entry that is not a plain file")]
    UnsafeExportEntry,
    #[error("the export's signed receipt is missing, forged or does not match its files")]
    ReceiptInvalid,
    #[error("the vault's journal ends at entry {found}, but this computer verified entry {seen} before")]
    RolledBack { seen: u64, found: u64 },
    #[error("entry {seq} of the vault's journal differs from the one this computer verified before")]
    Forked { seq: u64 },
    #[error("this computer's record of the vault's last verified state, {path}, is unreadable")]
    SeenUnreadable { path: PathBuf },
    #[error("cannot use this computer's record of verified vault states in {path}")]
    SeenFolderUnusable { path: PathBuf },
    #[error("no folder for this computer's record of verified vault states")]
    NoStateFolder,
    #[error("the check found {count} problems")]
    ProblemsFound {
        count: usize,
        rolled_back_only: bool,
        forked: bool,
    },
    #[error("the restore was not accepted")]
    RestoreNotAccepted,
    #[error("the destruction was not confirmed")]
    DestroyNotConfirmed { typed: Option<String> },
    #[error("the check of the remote found {count} problems")]
    RemoteProblemsFound {
        count: usize,
        rolled_back_only: bool,
        forked: bool,
    },
    #[error("{path} is not empty")]
    DestinationNotEmpty { path: PathBuf },
    #[error("backup remote {remote}: {problem}")]
    Remote { remote: String, problem: RemoteProblem },
    /// The backup reached the remote's `HEAD`, but deleting the files of
    /// destroyed dossiers there failed; the next backup tries again.
    #[error("backup remote {remote}: the backup was sent, but removing the files of destroyed dossiers failed: {problem}")]
    RemovalFailed { remote: String, problem: RemoteProblem },
    #[error("the disk is full while {action} {path}")]
    DiskFull { action: IoAction, path: PathBuf },
    #[error("failed {action} {path}: {source}")]
    Io {
        action: IoAction,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// The operation during which an I/O error happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IoAction {
    Reading,
    Writing,
    Creating,
    Locking,
    Removing,
}

impl std::fmt::Display for IoAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            IoAction::Reading => "reading",
            IoAction::Writing => "writing",
            IoAction::Creating => "creating",
            IoAction::Locking => "locking",
            IoAction::Removing => "removing",
        })
    }
}

/// A field that must not be empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Field {
    Registration,
    Name,
    Purpose,
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Field::Registration => "registration number",
            Field::Name => "name",
            Field::Purpose => "purpose",
        })
    }
}

/// The reason a file the user named cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputProblem {
    NotFound,
    NotAFile,
    NoPermission,
}

/// The rule a passphrase broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeakPassphrase {
    /// Fewer than [`crate::keys::MIN_PASSPHRASE_CHARS`] characters.
    TooShort,
    /// Fewer than [`crate::keys::MIN_DISTINCT_CHARS`] different characters.
    TooRepetitive,
}

impl std::fmt::Display for WeakPassphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WeakPassphrase::TooShort => "too short",
            WeakPassphrase::TooRepetitive => "too few different characters",
        })
    }
}

/// The problem with a backup remote.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RemoteProblem {
    #[error("this is not a remote kluis understands")]
    Invalid,
    #[error("its kind of URL is not supported")]
    UnknownScheme,
    #[error("it has an unknown option {option}")]
    UnknownOption { option: String },
    #[error("no remote has this name")]
    UnknownName,
    #[error("the URL contains a login")]
    CredentialsInUrl,
    #[error("plain http is only allowed to this computer")]
    Unencrypted,
    #[error("access was denied")]
    Denied,
    /// No login was found where kluis looks for one, so nothing was sent.
    #[error("no login was found for it")]
    NoCredentials,
    #[error("the bucket or folder does not exist")]
    NoSuchPlace,
    #[error("it cannot be reached")]
    Unreachable,
    #[error("reading or writing the folder failed")]
    FolderFailed,
    #[error("the storage refused a request (status {status:?})")]
    Refused { status: Option<u16> },
    #[error("it holds no backup")]
    NoBackup,
    #[error("it holds a backup of another vault")]
    OtherVault,
    #[error("it is at entry {remote}, ahead of this vault at entry {local}")]
    Ahead { remote: u64, local: u64 },
    #[error("its entry {seq} differs from this vault's")]
    Forked { seq: u64 },
    #[error("it holds no journal entry {seq}")]
    NoSuchState { seq: u64 },
    /// Entry `destroyed` destroyed a dossier of state `seq`, so backups
    /// deleted files of that state. `first` is the first whole state from
    /// `seq` on.
    #[error("its state at entry {seq} lacks a dossier destroyed in entry {destroyed}; states from entry {first} on are whole")]
    DestroyedSince { seq: u64, destroyed: u64, first: u64 },
    #[error("it is damaged: {0}")]
    Damaged(Damage),
}

/// The kind and place of damage to a vault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Damage {
    #[error("{file} is unreadable: {reason}")]
    Unreadable { file: String, reason: String },
    #[error("{file} was changed outside kluis")]
    Modified { file: String },
    #[error("{file} is missing")]
    Missing { file: String },
    #[error("the journal is broken at entry {seq}: {problem}")]
    Journal { seq: u64, problem: JournalProblem },
    #[error("the identity file does not belong to this vault")]
    ForeignIdentity,
    #[error("{role:?} in the dossier {registration} ({file}) was changed outside kluis or is missing")]
    InDossier {
        registration: String,
        role: ObjectRole,
        file: String,
        missing: bool,
    },
}

/// The role of an object in its dossier, for messages about damage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ObjectRole {
    Note,
    Attachment,
    Consent,
    Withdrawal,
}

/// The defect found in a journal entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JournalProblem {
    #[error("its signature is invalid")]
    BadSignature,
    #[error("it cannot be read")]
    Malformed,
    #[error("it belongs to another vault")]
    OtherVault,
    #[error("it carries another entry number")]
    WrongNumber,
    #[error("it does not link to the entry before it")]
    BrokenChain,
    #[error("it refers to an object that another entry wrote")]
    ForeignObject,
    #[error("it has an older format version than the entry before it")]
    OlderVersion,
    #[error("it records an event its format version does not have")]
    EventTooNew,
}

impl Error {
    /// Wraps an I/O error, telling a full disk apart from other failures.
    pub fn io(action: IoAction, path: impl Into<PathBuf>, source: io::Error) -> Self {
        let path = path.into();
        if source.kind() == io::ErrorKind::StorageFull || source.kind() == io::ErrorKind::QuotaExceeded {
            Error::DiskFull { action, path }
        } else {
            Error::Io { action, path, source }
        }
    }

    /// Wraps a decoding failure of one vault file.
    pub fn unreadable(file: impl Into<String>, reason: FormatError) -> Self {
        Error::Damaged(Damage::Unreadable {
            file: file.into(),
            reason: reason.to_string(),
        })
    }
}

/// The result type of the kluis library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
