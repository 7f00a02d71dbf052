//! The partner's side: a client's own keys, key cards, and opening an
//! export. A key card carries public keys, self-signed, so the holder of
//! the card provably holds the secret halves; cards are exchanged between
//! counsellor and client and compared by fingerprint.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

use age::secrecy::{ExposeSecret, SecretString};
use age::x25519;
use base64::Engine;
use ed25519_dalek::{SigningKey, VerifyingKey};
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, IoAction, Result};
use crate::format::{
    cbor, cose, CardRole, KeyCardPayload, PartnerIdentityRecord, ReceiptPayload, RECORD_VERSION,
};
use crate::keys::{MAX_SCRYPT_WORK_FACTOR, SCRYPT_WORK_FACTOR};
use crate::store::fsutil;

/// The armor label of a key card.
pub const CARD_LABEL: &str = "KEY CARD";
/// The armor label of a consent request.
pub const REQUEST_LABEL: &str = "CONSENT REQUEST";
/// The armor label of a consent signed by a client.
pub const CONSENT_LABEL: &str = "CONSENT";
/// The armor label of a withdrawal signed by a client.
pub const WITHDRAWAL_LABEL: &str = "WITHDRAWAL";
/// The armor label of a re-verification signed by a client.
pub const REVERIFICATION_LABEL: &str = "REVERIFICATION";

/// Wraps COSE bytes as text between `-----BEGIN KLUIS <label>-----` and
/// `-----END KLUIS <label>-----`, in base64 lines of 64 characters, so they
/// survive e-mail and copy and paste.
pub fn armor(label: &str, bytes: &[u8]) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut text = format!("-----BEGIN KLUIS {label}-----\n");
    for chunk in encoded.as_bytes().chunks(64) {
        text.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        text.push('\n');
    }
    text.push_str(&format!("-----END KLUIS {label}-----\n"));
    text
}

/// Reads the bytes between the armor lines of `label`, ignoring any text
/// around them and white space inside.
pub fn dearmor(label: &str, text: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN KLUIS {label}-----");
    let end = format!("-----END KLUIS {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = text[start..].find(&end)? + start;
    let encoded: String = text[start..stop].chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(encoded).ok()
}

/// A client's own keys: an age identity to open exports, an Ed25519 key to
/// sign consents.
pub struct PartnerKeys {
    pub age: x25519::Identity,
    pub signing: SigningKey,
}

// Both fields wipe their secret on drop, as in `keys::CounsellorKeys`.
impl zeroize::ZeroizeOnDrop for PartnerKeys {}

impl PartnerKeys {
    /// Generates a fresh pair.
    pub fn generate() -> Self {
        Self {
            age: x25519::Identity::generate(),
            signing: SigningKey::generate(&mut OsRng),
        }
    }

    /// Encrypts the keys with a passphrase (age scrypt), for the key file.
    pub fn seal(&self, passphrase: SecretString) -> Vec<u8> {
        let record = PartnerIdentityRecord {
            version: RECORD_VERSION,
            age_identity: self.age.to_string().expose_secret().to_string(),
            signing_seed: self.signing.to_bytes().to_vec(),
        };
        let plaintext = Zeroizing::new(cbor::to_vec(&record));
        let mut recipient = age::scrypt::Recipient::new(passphrase);
        recipient.set_work_factor(SCRYPT_WORK_FACTOR);
        let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .expect("a single scrypt recipient always works");
        let mut out = Vec::new();
        let mut writer = encryptor
            .wrap_output(&mut out)
            .expect("writing to memory cannot fail");
        writer
            .write_all(&plaintext)
            .expect("writing to memory cannot fail");
        writer.finish().expect("writing to memory cannot fail");
        out
    }

    /// Decrypts a key file with its passphrase.
    pub fn unseal(bytes: &[u8], passphrase: SecretString) -> Result<Self> {
        let unreadable = || Error::InvalidKeyFile;
        let decryptor = age::Decryptor::new_buffered(bytes).map_err(|_| unreadable())?;
        if !decryptor.is_scrypt() {
            return Err(unreadable());
        }
        let mut identity = age::scrypt::Identity::new(passphrase);
        identity.set_max_work_factor(MAX_SCRYPT_WORK_FACTOR);
        let mut reader = match decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)) {
            Ok(reader) => reader,
            Err(age::DecryptError::DecryptionFailed | age::DecryptError::NoMatchingKeys) => {
                return Err(Error::WrongKeyPassphrase)
            }
            Err(_) => return Err(unreadable()),
        };
        let plaintext = crate::keys::read_zeroizing(&mut reader).map_err(|_| unreadable())?;
        let record: PartnerIdentityRecord = cbor::from_slice(&plaintext).map_err(|_| unreadable())?;
        let age = record
            .age_identity
            .parse::<x25519::Identity>()
            .map_err(|_| unreadable())?;
        let seed: [u8; 32] = record
            .signing_seed
            .as_slice()
            .try_into()
            .map_err(|_| unreadable())?;
        Ok(Self {
            age,
            signing: SigningKey::from_bytes(&seed),
        })
    }

    /// Returns this client's key card.
    pub fn card(&self) -> String {
        make_card(CardRole::Partner, &self.age.to_public(), &self.signing)
    }
}

/// Writes a key card: a short text with the fingerprint and the signed
/// public keys in base64.
pub fn make_card(role: CardRole, recipient: &x25519::Recipient, signing: &SigningKey) -> String {
    let payload = KeyCardPayload {
        version: RECORD_VERSION,
        role,
        age_recipient: recipient.to_string(),
        signing_key: serde_bytes::ByteBuf::from(signing.verifying_key().to_bytes().to_vec()),
        created: jiff::Timestamp::now().as_second(),
    };
    let signed = cose::sign(cose::KEY_CARD, cbor::to_vec(&payload), signing);
    let fingerprint = fingerprint(&signing.verifying_key());
    format!(
        "kluis key card\nFingerprint: {fingerprint}\n{}",
        armor(CARD_LABEL, &signed)
    )
}

/// A key card that parsed and whose self-signature verified.
#[derive(Debug, Clone)]
pub struct KeyCard {
    pub role: CardRole,
    pub recipient: x25519::Recipient,
    pub verifying_key: VerifyingKey,
}

impl KeyCard {
    /// Returns the fingerprint to compare by phone or in person.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.verifying_key)
    }
}

/// Reads a key card and verifies its self-signature. Text around the
/// armor lines is ignored, so a card pasted into an e-mail still reads.
pub fn parse_card(text: &str) -> Result<KeyCard> {
    let bytes = dearmor(CARD_LABEL, text).ok_or(Error::InvalidCard)?;
    let envelope = cose::Envelope::parse(&bytes, cose::KEY_CARD).map_err(|_| Error::InvalidCard)?;
    let kid: [u8; 32] = envelope.key_id().try_into().map_err(|_| Error::InvalidCard)?;
    let key = VerifyingKey::from_bytes(&kid).map_err(|_| Error::InvalidCard)?;
    let payload = envelope.verify(&key).map_err(|_| Error::InvalidCard)?;
    let payload: KeyCardPayload = cbor::from_slice(&payload).map_err(|_| Error::InvalidCard)?;
    if payload.version != RECORD_VERSION || payload.signing_key.as_slice() != kid.as_slice() {
        return Err(Error::InvalidCard);
    }
    let recipient = payload
        .age_recipient
        .parse::<x25519::Recipient>()
        .map_err(|_| Error::InvalidCard)?;
    Ok(KeyCard {
        role: payload.role,
        recipient,
        verifying_key: key,
    })
}

/// Returns the first 16 hex digits of the SHA-256 of a signing key, in
/// groups of four, for people to compare.
pub fn fingerprint(key: &VerifyingKey) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let hex = hex::encode_upper(&digest[..8]);
    hex.as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).expect("hex is ASCII"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The result of opening an export.
#[derive(Debug)]
pub struct OpenedExport {
    /// The files written, relative to the output folder.
    pub files: Vec<PathBuf>,
    /// The signed receipt, when the counsellor's card was given and it verified.
    pub receipt: Option<ReceiptPayload>,
}

/// Decrypts an export with the client's keys and unpacks it into `out`,
/// a folder that must not exist yet and appears only when all went well. Only regular files with plain
/// relative paths under `kluis-export/` are written, each 0600, never over
/// an existing file; links, devices and paths with `..` are refused. With
/// the counsellor's card, the signed receipt is verified and every file
/// is checked against it.
pub fn open_export<R: Read>(
    input: R,
    keys: &PartnerKeys,
    out: &Path,
    counsellor: Option<&KeyCard>,
) -> Result<OpenedExport> {
    if out.exists() {
        return Err(Error::OutputExists {
            path: out.to_path_buf(),
        });
    }
    let armored = age::armor::ArmoredReader::new(io::BufReader::new(input));
    let decryptor = age::Decryptor::new(armored).map_err(|_| Error::NotAnExport)?;
    let reader = decryptor
        .decrypt(std::iter::once(&keys.age as &dyn age::Identity))
        .map_err(|_| Error::NotForThisKey)?;

    // Unpack into a hidden folder beside `out` and rename it into place
    // only when everything checked out, so a failed check leaves nothing.
    let parent = match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let staging = tempfile::Builder::new()
        .prefix(".kluis-open-")
        .permissions(fsutil::private_dir_permissions())
        .tempdir_in(&parent)
        .map_err(|err| Error::io(IoAction::Creating, &parent, err))?;
    let mut files = Vec::new();
    let mut hashes: Vec<(String, [u8; 32])> = Vec::new();
    let mut signed_receipt = None;
    let mut archive = tar::Archive::new(reader);
    for entry in archive.entries().map_err(|_| Error::NotAnExport)? {
        let mut entry = entry.map_err(|_| Error::NotAnExport)?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            return Err(Error::UnsafeExportEntry);
        }
        let path = entry.path().map_err(|_| Error::UnsafeExportEntry)?.to_path_buf();
        let safe = path.components().all(|c| matches!(c, Component::Normal(_)))
            && path.starts_with(crate::export::ROOT);
        if !safe {
            return Err(Error::UnsafeExportEntry);
        }
        let name = path.to_string_lossy().to_string();
        let bytes = crate::keys::read_zeroizing(&mut entry).map_err(|_| Error::NotAnExport)?;
        if name == format!("{}/{}", crate::export::ROOT, crate::export::SIGNED_RECEIPT) {
            signed_receipt = Some(bytes.to_vec());
        }
        hashes.push((name, Sha256::digest(&bytes).into()));
        let target = staging.path().join(&path);
        fsutil::create_private_dir(target.parent().expect("archive paths have a parent"))?;
        fsutil::write_new(&target, &bytes)?;
        files.push(path);
    }

    let receipt = match counsellor {
        None => None,
        Some(card) => {
            let bytes = signed_receipt.ok_or(Error::ReceiptInvalid)?;
            let receipt = crate::export::verify_receipt(&bytes, &card.verifying_key)
                .map_err(|_| Error::ReceiptInvalid)?;
            let receipt_name = format!("{}/{}", crate::export::ROOT, crate::export::SIGNED_RECEIPT);
            let others: Vec<&(String, [u8; 32])> =
                hashes.iter().filter(|(name, _)| *name != receipt_name).collect();
            let all_listed = others.len() == receipt.files.len()
                && others.iter().all(|(name, hash)| {
                    receipt
                        .files
                        .iter()
                        .any(|file| file.path == *name && file.sha256.as_slice() == hash.as_slice())
                });
            if !all_listed {
                return Err(Error::ReceiptInvalid);
            }
            Some(receipt)
        }
    };
    fs::rename(staging.path(), out).map_err(|err| Error::io(IoAction::Writing, out, err))?;
    let _ = staging.keep();
    fsutil::sync_dir(&parent)?;
    Ok(OpenedExport { files, receipt })
}

/// Reads a whole key file or card into memory.
pub fn read_file(path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    fs::read(path)
        .map(Zeroizing::new)
        .map_err(|err| Error::io(IoAction::Reading, path, err))
}

/// Reads a consent request, verifies the counsellor's signature with the
/// counsellor's card, and returns what it asks.
pub fn read_request(text: &str, counsellor: &KeyCard) -> Result<crate::format::ConsentRequestPayload> {
    let bytes = dearmor(REQUEST_LABEL, text).ok_or(Error::InvalidRequest)?;
    let payload = cose::verify(&bytes, cose::CONSENT_REQUEST, &counsellor.verifying_key)
        .map_err(|_| Error::InvalidRequest)?;
    let request: crate::format::ConsentRequestPayload =
        cbor::from_slice(&payload).map_err(|_| Error::InvalidRequest)?;
    let consistent = request.version == RECORD_VERSION
        && request.proposed.vault == request.vault
        && request.proposed.collection == crate::format::CollectionRecord::SignedByGrantor;
    if !consistent {
        return Err(Error::InvalidRequest);
    }
    Ok(request)
}

/// Signs the consent a request asks for, with the client's own key, and
/// returns it as armored text to give back to the counsellor.
pub fn sign_request(request: &crate::format::ConsentRequestPayload, keys: &PartnerKeys) -> String {
    let mut consent = request.proposed.clone();
    consent.issued = jiff::Timestamp::now().as_second();
    let signed = cose::sign(cose::CONSENT, cbor::to_vec(&consent), &keys.signing);
    armor(CONSENT_LABEL, &signed)
}

/// Reads a consent this client signed earlier (the file they sent back),
/// checking that it carries their own signature.
pub fn read_own_consent(text: &str, keys: &PartnerKeys) -> Result<crate::format::ConsentPayload> {
    let bytes = dearmor(CONSENT_LABEL, text).ok_or(Error::InvalidOwnConsent)?;
    let payload = cose::verify(&bytes, cose::CONSENT, &keys.signing.verifying_key())
        .map_err(|_| Error::InvalidOwnConsent)?;
    cbor::from_slice(&payload).map_err(|_| Error::InvalidOwnConsent)
}

/// Signs the withdrawal of a consent with the client's own key.
pub fn sign_withdrawal(consent: &crate::format::ConsentPayload, keys: &PartnerKeys) -> String {
    let payload = crate::format::WithdrawalPayload {
        version: RECORD_VERSION,
        id: crate::ids::TokenId::random(),
        vault: consent.vault,
        grantor: consent.grantor,
        withdraws: vec![consent.id],
        collection: crate::format::CollectionRecord::SignedByGrantor,
        issued: jiff::Timestamp::now().as_second(),
    };
    armor(
        WITHDRAWAL_LABEL,
        &cose::sign(cose::WITHDRAWAL, cbor::to_vec(&payload), &keys.signing),
    )
}

/// Signs a re-verification of a consent with the client's own key.
pub fn sign_reverification(consent: &crate::format::ConsentPayload, keys: &PartnerKeys) -> String {
    let payload = crate::format::ReverificationPayload {
        version: RECORD_VERSION,
        id: crate::ids::TokenId::random(),
        vault: consent.vault,
        grantor: consent.grantor,
        consent: consent.id,
        collection: crate::format::CollectionRecord::SignedByGrantor,
        issued: jiff::Timestamp::now().as_second(),
    };
    armor(
        REVERIFICATION_LABEL,
        &cose::sign(cose::REVERIFICATION, cbor::to_vec(&payload), &keys.signing),
    )
}
