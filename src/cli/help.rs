//! Localizing clap's help from the Fluent catalogues.
//!
//! Every command's description is the message `cli-<path>-about`, and every
//! argument's help is `cli-<path>-<arg>`, where `<path>` is the subcommand
//! path joined with `-` (`cli-consent-record-form`). Global options use
//! `cli-<arg>`. A test checks that every id exists in both languages.

use clap::{Arg, ArgAction, Command};

use kluis::i18n;

/// Returns the message id of a command's description.
pub fn about_id(path: &[&str]) -> String {
    if path.is_empty() {
        "cli-about".to_string()
    } else {
        format!("cli-{}-about", path.join("-"))
    }
}

/// Returns the message id of an argument's help.
pub fn arg_id(path: &[&str], arg: &str, global: bool) -> String {
    let arg = arg.replace('_', "-");
    if global || path.is_empty() {
        format!("cli-{arg}")
    } else {
        format!("cli-{}-{arg}", path.join("-"))
    }
}

/// Applies localized texts to `command` and all its subcommands.
pub fn localize(command: Command) -> Command {
    localize_at(command, &[])
}

fn localize_at(mut command: Command, path: &[&str]) -> Command {
    command = command
        .about(i18n::text(&about_id(path)))
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help(i18n::text("cli-help"))
                .global(path.is_empty()),
        );
    if path.is_empty() {
        command = command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help(i18n::text("cli-version")),
        );
    }

    let ids: Vec<(String, bool)> = command
        .get_arguments()
        .filter(|arg| !matches!(arg.get_id().as_str(), "help" | "version"))
        .map(|arg| (arg.get_id().to_string(), arg.is_global_set()))
        .collect();
    for (id, global) in ids {
        if global && !path.is_empty() {
            continue;
        }
        let message = i18n::text(&arg_id(path, &id, global));
        command = command.mut_arg(id.as_str(), |arg| arg.help(message));
    }

    let template = template(&command);
    command = command.help_template(template);

    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect();
    for name in names {
        let mut sub_path: Vec<&str> = path.to_vec();
        sub_path.push(&name);
        let sub_path_owned: Vec<String> = sub_path.iter().map(|s| s.to_string()).collect();
        command = command.mut_subcommand(name.as_str(), move |sub| {
            let borrowed: Vec<&str> = sub_path_owned.iter().map(String::as_str).collect();
            localize_at(sub, &borrowed)
        });
    }
    command
}

/// Builds a help template whose headings come from the catalogue, leaving
/// out sections the command does not have.
fn template(command: &Command) -> String {
    let mut template = format!(
        "{{about-with-newline}}\n{} {{usage}}\n",
        i18n::text("cli-heading-usage")
    );
    if command.get_subcommands().next().is_some() {
        template.push_str(&format!(
            "\n{}\n{{subcommands}}\n",
            i18n::text("cli-heading-commands")
        ));
    }
    if command.get_positionals().next().is_some() {
        template.push_str(&format!(
            "\n{}\n{{positionals}}\n",
            i18n::text("cli-heading-arguments")
        ));
    }
    template.push_str(&format!("\n{}\n{{options}}\n", i18n::text("cli-heading-options")));
    template.push_str(&format!("\n{}\n", i18n::text("cli-exit-status")));
    template
}

/// Lists every message id the localized command line uses.
#[cfg(test)]
pub fn message_ids(command: &Command) -> Vec<String> {
    let mut ids = vec![
        "cli-help".to_string(),
        "cli-version".to_string(),
        "cli-heading-usage".to_string(),
        "cli-heading-commands".to_string(),
        "cli-heading-arguments".to_string(),
        "cli-heading-options".to_string(),
        "cli-exit-status".to_string(),
    ];
    collect_ids(command, &[], &mut ids);
    ids
}

#[cfg(test)]
fn collect_ids(command: &Command, path: &[&str], ids: &mut Vec<String>) {
    ids.push(about_id(path));
    for arg in command.get_arguments() {
        if matches!(arg.get_id().as_str(), "help" | "version") || (arg.is_global_set() && !path.is_empty()) {
            continue;
        }
        ids.push(arg_id(path, arg.get_id().as_str(), arg.is_global_set()));
    }
    for sub in command.get_subcommands() {
        let mut sub_path = path.to_vec();
        sub_path.push(sub.get_name());
        collect_ids(sub, &sub_path, ids);
    }
}
