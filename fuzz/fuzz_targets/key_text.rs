//! Key text a counsellor pastes or names: the recovery key
//! (`kluis recover`) and export recipients (`--recipient`,
//! `--recipient-file`, which also takes a key card).

#![no_main]

use age::secrecy::ExposeSecret;
use kluis::export::recipient::looks_secret;
use kluis::export::ExportRecipient;
use kluis::keys::parse_recovery_key;
use kluis::Error;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    if let Ok(identity) = parse_recovery_key(&text) {
        // A secret key is never taken as a recipient, nor echoed.
        let secret = identity.to_string();
        assert!(matches!(
            ExportRecipient::parse(secret.expose_secret()),
            Err(Error::SecretKeyAsRecipient)
        ));
    }

    for parsed in [ExportRecipient::parse(&text), ExportRecipient::parse_file(&text)] {
        match parsed {
            Ok(recipient) => {
                let described = recipient.describe();
                // The journal records this description; it must name the
                // same key again.
                let key = described.strip_prefix("x25519 ").unwrap_or(&described);
                let again = ExportRecipient::parse(key).expect("a described recipient parses");
                assert_eq!(again.describe(), described);
            }
            Err(err) => {
                let message = format!("{err} {err:?}").to_ascii_uppercase();
                assert!(
                    !message.contains("AGE-SECRET-KEY-"),
                    "an error shows a secret key"
                );
            }
        }
    }
    if looks_secret(&text) {
        assert!(matches!(
            ExportRecipient::parse(&text),
            Err(Error::SecretKeyAsRecipient)
        ));
    }
});
