//! Whom an export is encrypted to: an age X25519 recipient, an SSH public
//! key (ssh-ed25519 or ssh-rsa), or a passphrase generated for the occasion.

use age::secrecy::SecretString;
use rand::Rng;

use crate::error::{Error, Result};

/// The key or passphrase an export is encrypted to.
pub enum ExportRecipient {
    X25519(age::x25519::Recipient),
    Ssh(Box<age::ssh::Recipient>, String),
    Passphrase(SecretString),
}

impl ExportRecipient {
    /// Parses an `age1…` recipient or an SSH public key line.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        // A secret key pasted by mistake must not be echoed in the error.
        if looks_secret(text) {
            return Err(Error::SecretKeyAsRecipient);
        }
        if text.starts_with("age1") {
            return text
                .parse::<age::x25519::Recipient>()
                .map(ExportRecipient::X25519)
                .map_err(|_| Error::InvalidRecipient { value: shorten(text) });
        }
        if text.starts_with("ssh-ed25519 ") || text.starts_with("ssh-rsa ") {
            // The comment after the key, often an e-mail address, is dropped.
            let key: String = text.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
            if key
                .strip_prefix("ssh-rsa ")
                .is_some_and(rsa_key_has_zero_filled_mpint)
            {
                return Err(Error::InvalidRecipient { value: shorten(text) });
            }
            return key
                .parse::<age::ssh::Recipient>()
                .map(|recipient| ExportRecipient::Ssh(Box::new(recipient), key.clone()))
                .map_err(|_| Error::InvalidRecipient { value: shorten(text) });
        }
        Err(Error::InvalidRecipient { value: shorten(text) })
    }

    /// Reads a recipient from a kluis key card, or from the first line of a
    /// file that is not empty or a comment, as in an `.pub` file or an age
    /// recipients file.
    pub fn parse_file(contents: &str) -> Result<Self> {
        // A client's kluis key card carries their age recipient.
        if contents.contains("-----BEGIN KLUIS KEY CARD-----") {
            let card = crate::partner::parse_card(contents)?;
            return Ok(ExportRecipient::X25519(card.recipient));
        }
        let line = contents
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty() && !line.starts_with('#'))
            .unwrap_or("");
        Self::parse(line)
    }

    /// Generates a passphrase of six groups of five letters and digits
    /// (about 150 bits), easy to read aloud and to type.
    pub fn generate_passphrase() -> (Self, SecretString) {
        const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyz23456789";
        let mut rng = rand::rngs::OsRng;
        let groups: Vec<String> = (0..6)
            .map(|_| {
                (0..5)
                    .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                    .collect()
            })
            .collect();
        let passphrase = groups.join("-");
        (
            ExportRecipient::Passphrase(SecretString::from(passphrase.clone())),
            SecretString::from(passphrase),
        )
    }

    /// Describes the recipient for the journal: its kind and public key.
    pub fn describe(&self) -> String {
        match self {
            ExportRecipient::X25519(recipient) => format!("x25519 {recipient}"),
            ExportRecipient::Ssh(_, key) => key.clone(),
            ExportRecipient::Passphrase(_) => "passphrase".to_string(),
        }
    }

    /// Builds the age encryptor for this recipient.
    pub fn encryptor(&self) -> age::Encryptor {
        match self {
            ExportRecipient::X25519(recipient) => {
                age::Encryptor::with_recipients(std::iter::once(recipient as &dyn age::Recipient))
            }
            ExportRecipient::Ssh(recipient, _) => {
                age::Encryptor::with_recipients(std::iter::once(recipient.as_ref() as &dyn age::Recipient))
            }
            ExportRecipient::Passphrase(passphrase) => {
                Ok(age::Encryptor::with_user_passphrase(passphrase.clone()))
            }
        }
        .expect("a single recipient always works")
    }
}

/// Returns whether text contains an age secret key or a private key block.
pub fn looks_secret(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    upper.contains("AGE-SECRET-KEY-") || upper.contains("PRIVATE KEY")
}

/// Returns whether the base64 SSH RSA public key (`string "ssh-rsa"`,
/// `mpint e`, `mpint n`, RFC 4253) has an exponent or modulus made of zero
/// bytes only. RFC 4251 forbids that encoding of an `mpint`, and age 0.12.1
/// panics on it (`read_ssh::mpint` indexes past the end) instead of
/// rejecting the key, so it must never reach age.
///
/// Like age, it decodes the longest run of base64 characters at the start
/// and ignores what follows. Input that does not decode, or ends early, is
/// left for age to reject.
fn rsa_key_has_zero_filled_mpint(encoded: &str) -> bool {
    use base64::Engine;

    let run = encoded
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '+' || c == '/'))
        .map_or(encoded, |end| &encoded[..end]);
    let Ok(blob) = base64::engine::general_purpose::STANDARD_NO_PAD.decode(run) else {
        return false;
    };
    let mut rest = blob.as_slice();
    // The key type string comes first, then the two mpints.
    for field in 0..3 {
        let Some((length, tail)) = rest.split_first_chunk::<4>() else {
            return false;
        };
        let Some((value, tail)) = tail.split_at_checked(u32::from_be_bytes(*length) as usize) else {
            return false;
        };
        if field > 0 && !value.is_empty() && value.iter().all(|byte| *byte == 0) {
            return true;
        }
        rest = tail;
    }
    false
}

fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(40).collect();
    if text.chars().count() > 40 {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x25519_recipient_parsed() {
        let identity = age::x25519::Identity::generate();
        let parsed = ExportRecipient::parse(&identity.to_public().to_string()).unwrap();
        assert!(matches!(parsed, ExportRecipient::X25519(_)));
    }

    #[test]
    fn ssh_key_with_comment_parsed() {
        let line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOVxMSdKxhXlP9OHo7z0/lt06/0SgT8z99ywYbhvjYqa anouk@example.nl";
        let parsed = ExportRecipient::parse(line).unwrap();
        assert!(matches!(parsed, ExportRecipient::Ssh(..)));
    }

    #[test]
    fn secret_key_not_echoed() {
        let secret = age::x25519::Identity::generate();
        use age::secrecy::ExposeSecret;
        let err = ExportRecipient::parse(secret.to_string().expose_secret())
            .err()
            .unwrap();
        assert!(matches!(err, Error::SecretKeyAsRecipient));
        assert!(!format!("{err:?}").contains("AGE-SECRET-KEY"));
    }

    #[test]
    fn garbage_recipient_rejected() {
        assert!(ExportRecipient::parse("age1notakey").is_err());
        assert!(ExportRecipient::parse("hello").is_err());
    }

    #[test]
    fn zero_filled_rsa_mpint_rejected() {
        use base64::Engine;

        let ssh_string = |value: &[u8]| [&(value.len() as u32).to_be_bytes()[..], value].concat();
        let key = |exponent: &[u8], modulus: &[u8]| {
            let blob = [ssh_string(b"ssh-rsa"), ssh_string(exponent), ssh_string(modulus)].concat();
            format!(
                "ssh-rsa {}",
                base64::engine::general_purpose::STANDARD_NO_PAD.encode(blob)
            )
        };
        let modulus = [&[0x00, 0xc1][..], &[0x5a; 255]].concat();
        let cases = [
            ("exponent 00", key(&[0], &modulus)),
            ("exponent 00 00 00", key(&[0, 0, 0], &modulus)),
            ("modulus 00", key(&[1, 0, 1], &[0])),
            // The input the key_text fuzz target found: the exponent is
            // three zero bytes, and the key is followed by NUL bytes.
            (
                "fuzz input",
                String::from_utf8_lossy(
                    b"ssh-rsa AAAAB3NzaC1yc2EAAAADAAAAQBCBAQC6Ecz7ZH0iKNng0EhqbgMYIt72h6HFjJMATosphyf7gosYE+\
                      xpyqQ1\x00\x00\x00\x00\x00\x00\x00N/1gV9uieaQXbBYtyGWBg84vNkl",
                )
                .to_string(),
            ),
        ];
        for (name, text) in cases {
            let parsed = ExportRecipient::parse(&text);
            assert!(
                matches!(parsed, Err(Error::InvalidRecipient { .. })),
                "{name}: {:?}",
                parsed.map(|recipient| recipient.describe())
            );
        }
    }

    #[test]
    fn generated_passphrase_shape() {
        let (_, passphrase) = ExportRecipient::generate_passphrase();
        use age::secrecy::ExposeSecret;
        let text = passphrase.expose_secret();
        assert_eq!(text.len(), 35);
        assert_eq!(text.split('-').count(), 6);
    }
}
