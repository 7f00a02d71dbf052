//! The command line, as clap types. Help texts are not written here: they
//! come from the Fluent catalogues (see `help.rs`), so both languages share
//! one definition.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "kluis",
    version,
    disable_help_subcommand = true,
    propagate_version = true
)]
pub struct Cli {
    /// Folder of the vault.
    #[arg(long, global = true, env = "KLUIS_VAULT", value_name = "DIR")]
    pub vault: Option<PathBuf>,

    /// File whose first line is the passphrase.
    #[arg(long, global = true, env = "KLUIS_PASSPHRASE_FILE", value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,

    /// Language of messages.
    #[arg(long, global = true, value_name = "LANG", value_parser = ["nl", "en"])]
    pub lang: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    Init(InitArgs),
    Recover(RecoverArgs),
    #[command(subcommand)]
    Person(PersonCommand),
    #[command(subcommand)]
    Couple(CoupleCommand),
    End(EndArgs),
    #[command(subcommand)]
    Note(NoteCommand),
    Attach(AttachArgs),
    List,
    Show(ShowArgs),
    #[command(subcommand)]
    Consent(ConsentCommand),
    Export(ExportArgs),
    Card(CardArgs),
    Check(CheckArgs),
    Log(LogArgs),
    AcceptRestore(AcceptRestoreArgs),
    Destroy(DestroyArgs),
    #[cfg(feature = "cloud")]
    Backup(BackupArgs),
    #[cfg(feature = "cloud")]
    Restore(RestoreArgs),
    #[cfg(feature = "cloud")]
    #[command(subcommand)]
    Remote(RemoteCommand),
    #[command(subcommand)]
    Partner(PartnerCommand),
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[arg(value_name = "REMOTE")]
    pub remote: String,
    #[arg(short, long, conflicts_with = "json")]
    pub quiet: bool,
    #[arg(long)]
    pub json: bool,
    #[arg(long)]
    pub repair: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[arg(value_name = "REMOTE")]
    pub remote: String,
    #[arg(value_name = "DIR")]
    pub destination: PathBuf,
    #[arg(long, value_name = "ENTRY")]
    pub at: Option<u64>,
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum RemoteCommand {
    Check(RemoteCheckArgs),
    States(RemoteStatesArgs),
}

#[derive(Debug, Args)]
pub struct RemoteCheckArgs {
    #[arg(value_name = "REMOTE")]
    pub remote: String,
    #[arg(long)]
    pub full: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RemoteStatesArgs {
    #[arg(value_name = "REMOTE")]
    pub remote: String,
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[arg(long)]
    pub full: bool,
}

#[derive(Debug, Args)]
pub struct DestroyArgs {
    #[arg(value_name = "DOSSIER")]
    pub dossier: String,
    #[arg(long, value_enum, value_name = "REASON")]
    pub reason: DestroyReasonArg,
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DestroyReasonArg {
    ClientRequest,
    RetentionEnded,
}

#[derive(Debug, Args)]
pub struct AcceptRestoreArgs {
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("to").args(["recipient", "recipient_file", "passphrase"]).requires("output")))]
pub struct LogArgs {
    #[arg(value_name = "DOSSIER")]
    pub dossier: String,
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    #[arg(long, value_name = "KEY")]
    pub recipient: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub recipient_file: Option<PathBuf>,
    #[arg(long)]
    pub passphrase: bool,
    #[arg(short, long, value_name = "FILE", requires = "to")]
    pub output: Option<PathBuf>,
    #[arg(short, long, requires = "output")]
    pub armor: bool,
}

#[derive(Debug, Args)]
pub struct CardArgs {
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum PartnerCommand {
    Keygen(PartnerKeygenArgs),
    Open(PartnerOpenArgs),
    Sign(PartnerSignArgs),
    Withdraw(PartnerStatementArgs),
    Reverify(PartnerStatementArgs),
}

#[derive(Debug, Args)]
pub struct PartnerStatementArgs {
    #[arg(value_name = "CONSENT")]
    pub consent: PathBuf,
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct PartnerSignArgs {
    #[arg(value_name = "REQUEST")]
    pub request: PathBuf,
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    #[arg(long, value_name = "FILE")]
    pub counsellor_card: PathBuf,
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct PartnerKeygenArgs {
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    #[arg(long, value_name = "FILE")]
    pub card: PathBuf,
}

#[derive(Debug, Args)]
pub struct PartnerOpenArgs {
    #[arg(value_name = "EXPORT")]
    pub export: PathBuf,
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    #[arg(long, value_name = "FILE")]
    pub counsellor_card: Option<PathBuf>,
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    #[arg(long, value_name = "FILE")]
    pub recovery_key_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RecoverArgs {
    #[arg(long, value_name = "FILE")]
    pub recovery_key_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum PersonCommand {
    Add(PersonAddArgs),
    Card(PersonCardArgs),
}

#[derive(Debug, Args)]
pub struct PersonCardArgs {
    #[arg(value_name = "DOSSIER")]
    pub dossier: String,
    #[arg(long, value_name = "FILE")]
    pub card: PathBuf,
}

#[derive(Debug, Args)]
pub struct PersonAddArgs {
    #[arg(long, value_name = "NUMBER")]
    pub registration: String,
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    #[arg(long)]
    pub address: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub start: String,
}

#[derive(Debug, Subcommand)]
pub enum CoupleCommand {
    Add(CoupleAddArgs),
}

#[derive(Debug, Args)]
pub struct CoupleAddArgs {
    #[arg(long, value_name = "NUMBER")]
    pub registration: String,
    #[arg(long, value_name = "DOSSIER")]
    pub partner_a: String,
    #[arg(long, value_name = "DOSSIER")]
    pub partner_b: String,
    #[arg(long, value_name = "DATE")]
    pub start: String,
}

#[derive(Debug, Args)]
pub struct EndArgs {
    #[arg(value_name = "DOSSIER")]
    pub dossier: String,
    #[arg(long, value_name = "DATE")]
    pub date: String,
}

#[derive(Debug, Subcommand)]
pub enum NoteCommand {
    Add(NoteAddArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum NoteKindArg {
    Intake,
    Session,
    Report,
    Working,
}

#[derive(Debug, Args)]
pub struct NoteAddArgs {
    #[arg(value_name = "DOSSIER")]
    pub dossier: String,
    #[arg(long, value_enum)]
    pub kind: NoteKindArg,
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
}

#[derive(Debug, Args)]
pub struct AttachArgs {
    #[arg(value_name = "DOSSIER")]
    pub dossier: String,
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[arg(long)]
    pub label: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[arg(value_name = "DOSSIER")]
    pub dossier: String,
    #[arg(long, value_name = "N", conflicts_with = "attachment")]
    pub note: Option<usize>,
    #[arg(long, value_name = "N")]
    pub attachment: Option<usize>,
    #[arg(short, long, value_name = "FILE", requires = "attachment")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ConsentCommand {
    Record(ConsentRecordArgs),
    Withdraw(ConsentWithdrawArgs),
    Reverify(ConsentReverifyArgs),
    Overview(ConsentOverviewArgs),
    Request(ConsentRequestArgs),
    Form(ConsentRequestArgs),
    Import(ConsentImportArgs),
    List(ConsentListArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DataClassArg {
    Intake,
    Session,
    Report,
    Attachment,
    Joint,
}

#[derive(Debug, Args)]
pub struct ConsentRecordArgs {
    #[arg(long, value_name = "DOSSIER")]
    pub grantor: String,
    #[arg(
        long,
        value_name = "DOSSIER",
        required_unless_present = "third_party",
        conflicts_with = "third_party"
    )]
    pub to: Option<String>,
    #[arg(long, value_name = "NAME", requires = "role")]
    pub third_party: Option<String>,
    #[arg(long, value_name = "ROLE", requires = "third_party")]
    pub role: Option<String>,
    #[arg(long, value_name = "FILE")]
    pub form: PathBuf,
    #[arg(long)]
    pub after_end: bool,
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub purpose: String,
    #[arg(long, value_name = "DATE")]
    pub signed_on: Option<String>,
    #[arg(long)]
    pub single_request: bool,
    #[arg(long, value_enum, value_delimiter = ',')]
    pub classes: Vec<DataClassArg>,
}

#[derive(Debug, Args)]
pub struct ConsentWithdrawArgs {
    #[arg(value_name = "CONSENT")]
    pub consent: String,
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "not_in_writing",
        conflicts_with = "not_in_writing"
    )]
    pub letter: Option<PathBuf>,
    #[arg(long)]
    pub not_in_writing: bool,
}

#[derive(Debug, Args)]
pub struct ConsentReverifyArgs {
    #[arg(value_name = "CONSENT")]
    pub consent: String,
    #[arg(long, value_name = "FILE")]
    pub form: PathBuf,
}

#[derive(Debug, Args)]
pub struct ConsentRequestArgs {
    #[arg(long, value_name = "DOSSIER")]
    pub grantor: String,
    #[arg(
        long,
        value_name = "DOSSIER",
        required_unless_present = "third_party",
        conflicts_with = "third_party"
    )]
    pub to: Option<String>,
    #[arg(long, value_name = "NAME", requires = "role")]
    pub third_party: Option<String>,
    #[arg(long, value_name = "ROLE", requires = "third_party")]
    pub role: Option<String>,
    #[arg(long)]
    pub after_end: bool,
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub purpose: String,
    #[arg(long, value_enum, value_delimiter = ',')]
    pub classes: Vec<DataClassArg>,
    #[arg(long)]
    pub single_request: bool,
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct ConsentImportArgs {
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ConsentOverviewArgs {
    #[arg(value_name = "COUPLE")]
    pub couple: String,
}

#[derive(Debug, Args)]
pub struct ConsentListArgs {
    #[arg(value_name = "DOSSIER")]
    pub dossier: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(
        long = "for",
        value_name = "DOSSIER",
        required_unless_present = "third_party",
        conflicts_with = "third_party"
    )]
    pub for_person: Option<String>,
    #[arg(long, value_name = "NAME", requires_all = ["role", "about_dossiers"])]
    pub third_party: Option<String>,
    #[arg(long, value_name = "ROLE", requires = "third_party")]
    pub role: Option<String>,
    #[arg(long = "about", value_name = "DOSSIER")]
    pub about_dossiers: Vec<String>,
    #[arg(long, value_name = "KEY", required_unless_present_any = ["recipient_file", "passphrase", "dry_run"])]
    pub recipient: Option<String>,
    #[arg(long, value_name = "FILE", conflicts_with_all = ["recipient", "passphrase"])]
    pub recipient_file: Option<PathBuf>,
    #[arg(long, conflicts_with = "recipient")]
    pub passphrase: bool,
    #[arg(short, long, value_name = "FILE", required_unless_present = "dry_run")]
    pub output: Option<PathBuf>,
    #[arg(long, value_name = "DATE")]
    pub requested_on: Option<String>,
    #[arg(long, value_name = "CONSENT")]
    pub request: Option<String>,
    #[arg(short, long)]
    pub armor: bool,
    #[arg(short, long)]
    pub yes: bool,
    #[arg(long)]
    pub dry_run: bool,
}
