//! The `kluis` command line: clap definitions, localized help, and turning
//! library results into output and exit codes.

/// Writes a line to standard output, turning a failed write (a full disk,
/// a closed pipe) into an error instead of a panic.
macro_rules! out {
    () => {
        writeln!(io::stdout()).map_err(|err| Error::io(IoAction::Writing, "-", err))?
    };
    ($($arg:tt)*) => {
        writeln!(io::stdout(), "{}", super::commands::printable(&format!($($arg)*)))
            .map_err(|err| Error::io(IoAction::Writing, "-", err))?
    };
}

pub mod args;
#[cfg(feature = "cloud")]
pub mod backup;
pub mod commands;
pub mod destroy;
pub mod errors;
pub mod help;
pub mod input;
pub mod integrity;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{CommandFactory, FromArgMatches};

use kluis::{fl, i18n};

use args::Cli;
use errors::code;

/// Runs kluis with the process's arguments and returns its exit code.
pub fn main() -> ExitCode {
    let arguments: Vec<OsString> = std::env::args_os().collect();
    let explicit = explicit_language(&arguments);
    i18n::init(i18n::choose(explicit.as_deref(), |name| std::env::var(name).ok()));

    let command = help::localize(Cli::command());
    let matches = match command.try_get_matches_from(arguments) {
        Ok(matches) => matches,
        Err(err) => return ExitCode::from(usage_error(err)),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => return ExitCode::from(usage_error(err)),
    };
    let context = commands::Context {
        vault: cli.vault.clone().unwrap_or_else(commands::default_vault),
        passphrase_file: cli.passphrase_file.clone(),
    };
    match commands::run(&context, cli.command) {
        Ok(()) => ExitCode::from(code::OK),
        // The reader of the output went away (`kluis list | head`): stop
        // quietly, as other command-line tools do.
        Err(kluis::Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::from(code::OK)
        }
        Err(err) => {
            let report = errors::describe(&err);
            eprintln!("{} {}", fl!("label-error"), report.message);
            if let Some(hint) = report.hint {
                eprintln!("{} {}", fl!("label-hint"), hint);
            }
            ExitCode::from(report.code)
        }
    }
}

/// Finds `--lang X` or `--lang=X` before clap runs, so help and parse
/// errors are already in that language.
fn explicit_language(arguments: &[OsString]) -> Option<String> {
    let mut iter = arguments.iter().map(|arg| arg.to_string_lossy().to_string());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        if arg == "--lang" {
            return iter.next();
        }
        if let Some(value) = arg.strip_prefix("--lang=") {
            return Some(value.to_string());
        }
    }
    None
}

fn context_text(err: &clap::Error, kind: ContextKind) -> String {
    match err.get(kind) {
        Some(ContextValue::String(text)) => text.clone(),
        Some(ContextValue::Strings(texts)) => texts.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// Prints a localized message for a command-line error and returns the
/// exit code; help and version requests print and return 0.
fn usage_error(err: clap::Error) -> u8 {
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            return code::OK;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            return code::USAGE;
        }
        _ => {}
    }
    let mut argument = context_text(&err, ContextKind::InvalidArg);
    // A secret key pasted into the command line must not be echoed back.
    if kluis::export::recipient::looks_secret(&argument) {
        argument = "…".to_string();
    }
    let message = match err.kind() {
        ErrorKind::MissingRequiredArgument => fl!("usage-missing-argument", argument = argument),
        ErrorKind::UnknownArgument => fl!("usage-unknown-argument", argument = argument),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            let mut value = context_text(&err, ContextKind::InvalidValue);
            if kluis::export::recipient::looks_secret(&value) {
                value = "…".to_string();
            }
            fl!("usage-invalid-value", argument = argument, value = value)
        }
        ErrorKind::InvalidSubcommand => {
            fl!(
                "usage-unknown-command",
                command = context_text(&err, ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::ArgumentConflict => fl!(
            "usage-conflict",
            argument = argument,
            other = context_text(&err, ContextKind::PriorArg)
        ),
        ErrorKind::MissingSubcommand => fl!("usage-missing-command"),
        _ => fl!("usage-invalid"),
    };
    eprintln!("{} {}", fl!("label-error"), message);
    eprintln!("{} {}", fl!("label-hint"), fl!("hint-usage"));
    code::USAGE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_help_text_exists() {
        for lang in [i18n::Lang::En, i18n::Lang::Nl] {
            let catalogue = match lang {
                i18n::Lang::En => include_str!("../../i18n/en/kluis.ftl"),
                i18n::Lang::Nl => include_str!("../../i18n/nl/kluis.ftl"),
            };
            for id in help::message_ids(&Cli::command()) {
                let defined = catalogue.lines().any(|line| line.starts_with(&format!("{id} =")));
                assert!(defined, "{id} missing in {}", lang.tag());
            }
        }
    }

    #[test]
    fn command_definition_is_valid() {
        help::localize(Cli::command()).debug_assert();
    }

    #[test]
    fn lang_flag_found_before_parsing() {
        let args: Vec<OsString> = ["kluis", "--lang", "nl", "list"]
            .iter()
            .map(OsString::from)
            .collect();
        assert_eq!(explicit_language(&args).as_deref(), Some("nl"));
        let args: Vec<OsString> = ["kluis", "--lang=en"].iter().map(OsString::from).collect();
        assert_eq!(explicit_language(&args).as_deref(), Some("en"));
    }
}
