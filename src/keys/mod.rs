//! Keys: the counsellor's identity file, the recovery key, dossier keys, and
//! the age helpers that seal records to them.
//!
//! Secret material lives in types that zeroize on drop (age's identities do,
//! `SigningKey` does with the `zeroize` feature, plaintext buffers are
//! `Zeroizing`).

use std::io::{Read, Write};
use std::iter;

use age::secrecy::{ExposeSecret, SecretString};
use age::x25519;
use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::rngs::OsRng;
use zeroize::Zeroizing;

use crate::error::{Damage, Error, Result, WeakPassphrase};
use crate::format::{cbor, DossierKeyRecord, FormatError, IdentityRecord};
use crate::ids::{DossierId, VaultId};
use crate::store::{IDENTITY_FILE, RECOVERY_FILE};

/// Passphrases shorter than this many characters are refused.
pub const MIN_PASSPHRASE_CHARS: usize = 12;
/// Passphrases with fewer different characters than this are refused.
pub const MIN_DISTINCT_CHARS: usize = 6;
/// The scrypt work factor (log2 N) of a new identity file. It is fixed
/// rather than calibrated by timing, which age does by default, because a
/// machine that is busy during `init` would otherwise get a weaker file.
/// 2^18 needs 256 MiB of memory per unlock.
pub const SCRYPT_WORK_FACTOR: u8 = 18;
/// The largest scrypt work factor accepted when decrypting, so a hostile
/// identity file cannot make kluis work for minutes.
pub const MAX_SCRYPT_WORK_FACTOR: u8 = 22;

/// Reads all of `reader` into memory that is wiped on drop. Unlike
/// `read_to_end`, which frees each buffer it outgrows with its content, this
/// wipes every buffer it outgrows, so no copy of the plaintext is left.
pub fn read_zeroizing<R: Read>(mut reader: R) -> std::io::Result<Zeroizing<Vec<u8>>> {
    let mut data = Zeroizing::new(Vec::with_capacity(1024));
    let mut chunk = Zeroizing::new([0u8; 8192]);
    loop {
        let read = match reader.read(&mut chunk[..]) {
            Ok(0) => return Ok(data),
            Ok(read) => read,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if data.capacity() - data.len() < read {
            let capacity = (data.len() + read).max(2 * data.capacity());
            let mut grown = Zeroizing::new(Vec::with_capacity(capacity));
            grown.extend_from_slice(&data);
            data = grown;
        }
        data.extend_from_slice(&chunk[..read]);
    }
}

/// Checks a new passphrase against kluis's rule: at least
/// [`MIN_PASSPHRASE_CHARS`] characters, of which at least
/// [`MIN_DISTINCT_CHARS`] are different.
pub fn check_passphrase(passphrase: &SecretString) -> Result<(), WeakPassphrase> {
    let text = passphrase.expose_secret();
    if text.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(WeakPassphrase::TooShort);
    }
    let mut distinct: Vec<char> = text.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let enough = distinct.len() >= MIN_DISTINCT_CHARS;
    distinct.iter_mut().for_each(|c| *c = '\0');
    if !enough {
        return Err(WeakPassphrase::TooRepetitive);
    }
    Ok(())
}

/// The counsellor's secret keys: an age identity to decrypt and an Ed25519
/// key to sign.
pub struct CounsellorKeys {
    pub age: x25519::Identity,
    pub signing: SigningKey,
}

// Both fields wipe their secret on drop: age's `Identity` contains an
// x25519-dalek `StaticSecret` (zeroized with its `zeroize` feature), and
// `SigningKey` zeroizes with ed25519-dalek's `zeroize` feature.
impl zeroize::ZeroizeOnDrop for CounsellorKeys {}

impl CounsellorKeys {
    /// Generates a fresh pair.
    pub fn generate() -> Self {
        Self {
            age: x25519::Identity::generate(),
            signing: SigningKey::generate(&mut OsRng),
        }
    }

    /// Returns the public age recipient.
    pub fn recipient(&self) -> x25519::Recipient {
        self.age.to_public()
    }

    /// Returns the public signature key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// Encodes the keys as the plaintext of an identity file.
    fn to_record(&self, vault: VaultId) -> Zeroizing<Vec<u8>> {
        let record = IdentityRecord {
            version: crate::format::RECORD_VERSION,
            vault,
            age_identity: self.age.to_string().expose_secret().to_string(),
            signing_seed: self.signing.to_bytes().to_vec(),
        };
        Zeroizing::new(cbor::to_vec(&record))
    }

    /// Encrypts the keys into the bytes of `identity.age`, protected by the
    /// passphrase with age's scrypt recipient.
    pub fn seal(&self, vault: VaultId, passphrase: SecretString) -> Vec<u8> {
        let mut recipient = age::scrypt::Recipient::new(passphrase);
        recipient.set_work_factor(SCRYPT_WORK_FACTOR);
        let encryptor = age::Encryptor::with_recipients(iter::once(&recipient as &dyn age::Recipient))
            .expect("a single scrypt recipient always works");
        seal_with(encryptor, &self.to_record(vault))
    }

    /// Encrypts the keys into the bytes of `recovery.age`, which the recovery
    /// key opens when the passphrase is lost.
    pub fn seal_for_recovery(&self, vault: VaultId, recovery: &x25519::Recipient) -> Vec<u8> {
        seal(std::slice::from_ref(recovery), &self.to_record(vault))
    }

    /// Decrypts `identity.age` with the passphrase.
    pub fn unseal(bytes: &[u8], passphrase: SecretString, vault: VaultId) -> Result<Self> {
        let decryptor = age::Decryptor::new_buffered(bytes).map_err(|err| identity_damage(&err))?;
        if !decryptor.is_scrypt() {
            return Err(Error::Damaged(Damage::Unreadable {
                file: IDENTITY_FILE.into(),
                reason: "not passphrase-encrypted".into(),
            }));
        }
        let mut identity = age::scrypt::Identity::new(passphrase);
        identity.set_max_work_factor(MAX_SCRYPT_WORK_FACTOR);
        let mut reader = match decryptor.decrypt(iter::once(&identity as &dyn age::Identity)) {
            Ok(reader) => reader,
            Err(age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys) => {
                return Err(Error::WrongPassphrase)
            }
            Err(err) => return Err(identity_damage(&err)),
        };
        let plaintext = read_zeroizing(&mut reader).map_err(|err| identity_damage(&err))?;
        Self::from_record(&plaintext, vault, IDENTITY_FILE)
    }

    /// Decrypts `recovery.age` with the recovery key.
    pub fn unseal_recovery(bytes: &[u8], recovery: &x25519::Identity, vault: VaultId) -> Result<Self> {
        let decryptor = age::Decryptor::new_buffered(bytes).map_err(|err| {
            Error::Damaged(Damage::Unreadable {
                file: RECOVERY_FILE.into(),
                reason: err.to_string(),
            })
        })?;
        let mut reader = match decryptor.decrypt(iter::once(recovery as &dyn age::Identity)) {
            Ok(reader) => reader,
            Err(age::DecryptError::NoMatchingKeys) => return Err(Error::WrongRecoveryKey),
            Err(err) => {
                return Err(Error::Damaged(Damage::Unreadable {
                    file: RECOVERY_FILE.into(),
                    reason: err.to_string(),
                }))
            }
        };
        let plaintext = read_zeroizing(&mut reader).map_err(|err| {
            Error::Damaged(Damage::Unreadable {
                file: RECOVERY_FILE.into(),
                reason: err.to_string(),
            })
        })?;
        Self::from_record(&plaintext, vault, RECOVERY_FILE)
    }

    fn from_record(plaintext: &[u8], vault: VaultId, file: &str) -> Result<Self> {
        let record: IdentityRecord =
            cbor::from_slice(plaintext).map_err(|err| Error::unreadable(file, err))?;
        if record.vault != vault {
            return Err(Error::Damaged(Damage::ForeignIdentity));
        }
        let age = record
            .age_identity
            .parse::<x25519::Identity>()
            .map_err(|_| Error::unreadable(file, FormatError::Invalid("age identity")))?;
        let seed: [u8; 32] = record
            .signing_seed
            .as_slice()
            .try_into()
            .map_err(|_| Error::unreadable(file, FormatError::Invalid("signing seed")))?;
        let signing = SigningKey::from_bytes(&seed);
        Ok(Self { age, signing })
    }
}

fn identity_damage(err: &dyn std::fmt::Display) -> Error {
    Error::Damaged(Damage::Unreadable {
        file: IDENTITY_FILE.into(),
        reason: err.to_string(),
    })
}

/// A dossier's own age identity, so each dossier can be read or destroyed
/// without touching another's key.
pub struct DossierKey {
    pub dossier: DossierId,
    identity: x25519::Identity,
}

// The identity wipes itself on drop, as in `CounsellorKeys`.
impl zeroize::ZeroizeOnDrop for DossierKey {}

impl DossierKey {
    /// Generates a key for a new dossier.
    pub fn generate(dossier: DossierId) -> Self {
        Self {
            dossier,
            identity: x25519::Identity::generate(),
        }
    }

    /// Returns the public recipient objects of this dossier are encrypted to.
    pub fn recipient(&self) -> x25519::Recipient {
        self.identity.to_public()
    }

    /// Returns the identity that decrypts this dossier's objects.
    pub fn identity(&self) -> &x25519::Identity {
        &self.identity
    }

    /// Wraps the key to the vault's recipients (counsellor and recovery).
    pub fn wrap(&self, recipients: &[x25519::Recipient]) -> Vec<u8> {
        let record = DossierKeyRecord {
            dossier: self.dossier,
            identity: self.identity.to_string().expose_secret().to_string(),
        };
        seal(recipients, &Zeroizing::new(cbor::to_vec(&record)))
    }

    /// Unwraps a key object with the counsellor's (or the recovery) identity.
    pub fn unwrap(bytes: &[u8], identity: &x25519::Identity, file: &str) -> Result<Self> {
        let plaintext = open(bytes, identity, file)?;
        let record: DossierKeyRecord =
            cbor::from_slice(&plaintext).map_err(|err| Error::unreadable(file, err))?;
        let parsed = record
            .identity
            .parse::<x25519::Identity>()
            .map_err(|_| Error::unreadable(file, FormatError::Invalid("dossier identity")))?;
        Ok(Self {
            dossier: record.dossier,
            identity: parsed,
        })
    }
}

/// Encrypts `plaintext` to every recipient in one age file.
pub fn seal(recipients: &[x25519::Recipient], plaintext: &[u8]) -> Vec<u8> {
    let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
        .expect("X25519 recipients always combine");
    seal_with(encryptor, plaintext)
}

fn seal_with(encryptor: age::Encryptor, plaintext: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(plaintext.len() + 256);
    let mut writer = encryptor
        .wrap_output(&mut out)
        .expect("writing to memory cannot fail");
    writer
        .write_all(plaintext)
        .expect("writing to memory cannot fail");
    writer.finish().expect("writing to memory cannot fail");
    out
}

/// Decrypts a small age file held in memory; `file` names it in errors.
pub fn open(bytes: &[u8], identity: &x25519::Identity, file: &str) -> Result<Zeroizing<Vec<u8>>> {
    let reader = open_stream(bytes, identity, file)?;
    read_zeroizing(reader).map_err(|err| {
        Error::Damaged(Damage::Unreadable {
            file: file.into(),
            reason: err.to_string(),
        })
    })
}

/// Starts decrypting an age stream with one identity.
pub fn open_stream<R: Read>(
    input: R,
    identity: &x25519::Identity,
    file: &str,
) -> Result<age::stream::StreamReader<R>> {
    let damaged = |reason: String| {
        Error::Damaged(Damage::Unreadable {
            file: file.into(),
            reason,
        })
    };
    let decryptor = age::Decryptor::new(input).map_err(|err| damaged(err.to_string()))?;
    decryptor
        .decrypt(iter::once(identity as &dyn age::Identity))
        .map_err(|err| damaged(err.to_string()))
}

/// A freshly generated recovery key: shown once, then only its public half
/// is kept in the vault.
pub struct RecoveryKey(x25519::Identity);

// The identity wipes itself on drop, as in `CounsellorKeys`.
impl zeroize::ZeroizeOnDrop for RecoveryKey {}

impl RecoveryKey {
    /// Generates a recovery key.
    pub fn generate() -> Self {
        Self(x25519::Identity::generate())
    }

    /// Returns the public recipient stored in the vault header.
    pub fn recipient(&self) -> x25519::Recipient {
        self.0.to_public()
    }

    /// Returns the secret text (`AGE-SECRET-KEY-1…`) to show to the counsellor.
    pub fn secret(&self) -> SecretString {
        self.0.to_string()
    }
}

/// Parses a recovery key (`AGE-SECRET-KEY-1…`) from the first line of text
/// that is not empty or a comment.
pub fn parse_recovery_key(text: &str) -> Result<x25519::Identity> {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
        .and_then(|line| line.parse::<x25519::Identity>().ok())
        .ok_or(Error::InvalidRecoveryKey)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passphrase_rejected() {
        let weak = SecretString::from("abcdefghijk".to_string());
        assert_eq!(check_passphrase(&weak), Err(WeakPassphrase::TooShort));
    }

    #[test]
    fn repetitive_passphrase_rejected() {
        let weak = SecretString::from("aaaaabbbbbcccccddddd".to_string());
        assert_eq!(check_passphrase(&weak), Err(WeakPassphrase::TooRepetitive));
    }

    #[test]
    fn strong_passphrase_accepted() {
        let strong = SecretString::from("paard batterij nietje".to_string());
        assert_eq!(check_passphrase(&strong), Ok(()));
    }

    #[test]
    fn dossier_key_wrap_round_trip() {
        let counsellor = x25519::Identity::generate();
        let recovery = x25519::Identity::generate();
        let key = DossierKey::generate(DossierId::random());
        let wrapped = key.wrap(&[counsellor.to_public(), recovery.to_public()]);
        for identity in [&counsellor, &recovery] {
            let back = DossierKey::unwrap(&wrapped, identity, "key").unwrap();
            assert_eq!(back.dossier, key.dossier);
            assert_eq!(back.recipient().to_string(), key.recipient().to_string());
        }
    }

    #[test]
    fn dossier_key_needs_vault_identity() {
        let counsellor = x25519::Identity::generate();
        let stranger = x25519::Identity::generate();
        let key = DossierKey::generate(DossierId::random());
        let wrapped = key.wrap(&[counsellor.to_public()]);
        assert!(DossierKey::unwrap(&wrapped, &stranger, "key").is_err());
    }
}
