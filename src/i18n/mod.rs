//! Messages in Dutch and English from Fluent catalogues (`i18n/<lang>/kluis.ftl`).
//!
//! The language comes from, in order: the `--lang` flag or `KLUIS_LANG`,
//! then `LANGUAGE`, `LC_ALL`, `LC_MESSAGES` and `LANG`. Dutch is chosen when
//! the first of those that is set names Dutch (`nl`, `nl_NL.UTF-8`,
//! `nl_BE`); anything else, `C` included, gives English.

use std::collections::HashMap;
use std::sync::OnceLock;

use i18n_embed::fluent::{fluent_language_loader, FluentLanguageLoader};
use i18n_embed::LanguageLoader;
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "i18n/"]
struct Catalogues;

/// A language kluis speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Nl,
}

impl Lang {
    /// Returns the language tag used for the catalogue folder.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }

    /// Reads a language from a locale name such as `nl_NL.UTF-8` or `en`.
    pub fn from_locale(locale: &str) -> Option<Lang> {
        let base = locale
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match base.as_str() {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// Chooses the language from an explicit choice and the locale variables,
/// read through `var` so the rule can be tested without touching the
/// process environment.
pub fn choose(explicit: Option<&str>, var: impl Fn(&str) -> Option<String>) -> Lang {
    if let Some(lang) = explicit.and_then(Lang::from_locale) {
        return lang;
    }
    if let Some(lang) = var("KLUIS_LANG").as_deref().and_then(Lang::from_locale) {
        return lang;
    }
    for name in ["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"] {
        let Some(value) = var(name).filter(|v| !v.is_empty()) else {
            continue;
        };
        // LANGUAGE may list several languages separated by colons.
        let first = value.split(':').find_map(Lang::from_locale);
        return first.unwrap_or(Lang::En);
    }
    Lang::En
}

static LOADER: OnceLock<FluentLanguageLoader> = OnceLock::new();

/// Loads the catalogue of `lang`; the first call wins.
pub fn init(lang: Lang) {
    LOADER.get_or_init(|| make_loader(lang));
}

fn make_loader(lang: Lang) -> FluentLanguageLoader {
    let loader = fluent_language_loader!();
    let requested: unic_langid::LanguageIdentifier = lang.tag().parse().expect("static tags parse");
    loader
        .load_languages(&Catalogues, &[requested])
        .expect("the catalogues are embedded at build time");
    // Isolation marks would show up as stray characters in terminals.
    loader.set_use_isolating(false);
    loader
}

/// Returns the loader, English unless [`init`] chose otherwise.
pub fn loader() -> &'static FluentLanguageLoader {
    LOADER.get_or_init(|| make_loader(Lang::En))
}

/// Returns the active language.
pub fn current() -> Lang {
    let tag = loader().current_language();
    Lang::from_locale(&tag.to_string()).unwrap_or(Lang::En)
}

/// Looks up a message whose id is only known at run time.
pub fn text(id: &str) -> String {
    loader().get(id)
}

/// Looks up a message with arguments whose id is only known at run time.
pub fn text_args(id: &str, args: &[(&str, String)]) -> String {
    let map: HashMap<&str, String> = args.iter().map(|(k, v)| (*k, v.clone())).collect();
    loader().get_args(id, map)
}

/// Returns whether the active catalogue (or the English fallback) has `id`.
pub fn has(id: &str) -> bool {
    loader().has(id)
}

/// Looks up a message, checking its id and arguments at compile time.
#[macro_export]
macro_rules! fl {
    ($id:literal) => {{
        i18n_embed_fl::fl!($crate::i18n::loader(), $id)
    }};
    ($id:literal, $($args:tt)*) => {{
        i18n_embed_fl::fl!($crate::i18n::loader(), $id, $($args)*)
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn dutch_locale_chooses_dutch() {
        assert_eq!(choose(None, env(&[("LANG", "nl_NL.UTF-8")])), Lang::Nl);
        assert_eq!(choose(None, env(&[("LC_ALL", "nl_BE")])), Lang::Nl);
    }

    #[test]
    fn c_locale_falls_back_to_english() {
        assert_eq!(choose(None, env(&[("LANG", "C.UTF-8")])), Lang::En);
        assert_eq!(choose(None, env(&[])), Lang::En);
    }

    #[test]
    fn variables_checked_in_order() {
        let vars = env(&[("LANGUAGE", "nl:en"), ("LC_ALL", "en_US.UTF-8")]);
        assert_eq!(choose(None, vars), Lang::Nl);
        let vars = env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "nl_NL.UTF-8")]);
        assert_eq!(choose(None, vars), Lang::En);
    }

    #[test]
    fn explicit_choice_wins() {
        let vars = env(&[("LANG", "nl_NL.UTF-8"), ("KLUIS_LANG", "nl")]);
        assert_eq!(choose(Some("en"), vars), Lang::En);
        assert_eq!(
            choose(None, env(&[("KLUIS_LANG", "nl"), ("LANG", "en_GB")])),
            Lang::Nl
        );
    }

    #[test]
    fn catalogues_have_same_ids() {
        let ids = |lang: &str| -> Vec<String> {
            let file = Catalogues::get(&format!("{lang}/kluis.ftl")).expect("catalogue exists");
            let text = std::str::from_utf8(&file.data).unwrap().to_string();
            let mut ids: Vec<String> = text
                .lines()
                .filter(|line| line.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
                .filter_map(|line| line.split_once(" =").map(|(id, _)| id.trim().to_string()))
                .collect();
            ids.sort();
            ids
        };
        let english = ids("en");
        let dutch = ids("nl");
        let only_english: Vec<&String> = english.iter().filter(|id| !dutch.contains(id)).collect();
        let only_dutch: Vec<&String> = dutch.iter().filter(|id| !english.contains(id)).collect();
        assert!(only_english.is_empty(), "missing in Dutch: {only_english:?}");
        assert!(only_dutch.is_empty(), "missing in English: {only_dutch:?}");
    }
}
