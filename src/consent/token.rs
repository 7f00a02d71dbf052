//! Consent and withdrawal tokens: signing and verification.
//!
//! A token is a COSE_Sign1 over a CBOR payload. Before the policy reads a
//! token, its signature is verified against the key registered for its
//! signer: the counsellor's key for a consent the counsellor attests from a
//! signed paper form, the grantor's own key for one the grantor signed.

use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::format::{
    cbor, cose, CollectionRecord, ConsentPayload, FormatError, ReverificationPayload, WithdrawalPayload,
    RECORD_VERSION,
};
use crate::ids::VaultId;

/// The reason a token was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    #[error("the token is malformed: {0}")]
    Malformed(FormatError),
    #[error("the token's signature is invalid")]
    BadSignature,
    #[error("the token was signed by a key not registered for its signer")]
    UnknownSigner,
    #[error("the token belongs to another vault")]
    OtherVault,
    #[error("the token has unsupported version {0}")]
    UnsupportedVersion(u32),
    #[error("the token is inconsistent: {0}")]
    Inconsistent(Inconsistency),
}

/// A contradiction inside a token, or between a token and the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Inconsistency {
    #[error("a consent must be given in writing")]
    ConsentNotInWriting,
    #[error("the validity period is empty")]
    EmptyValidity,
    #[error("the scope is empty")]
    EmptyScope,
    #[error("the withdrawal names no consent")]
    NothingWithdrawn,
    #[error("it is stored in another dossier than its grantor's")]
    WrongDossier,
    #[error("it limits the data to a period, which this version cannot enforce")]
    DataPeriodUnsupported,
    #[error("the scanned form it names is not in the grantor's dossier")]
    FormMissing,
    #[error("it does not match a consent request of this vault")]
    NotRequested,
    #[error("it is dated in the future")]
    IssuedInFuture,
}

impl From<FormatError> for TokenError {
    fn from(err: FormatError) -> Self {
        match err {
            FormatError::BadSignature => TokenError::BadSignature,
            other => TokenError::Malformed(other),
        }
    }
}

/// Signs a consent attested by the counsellor.
pub fn sign_consent(payload: &ConsentPayload, counsellor: &SigningKey) -> Vec<u8> {
    cose::sign(cose::CONSENT, cbor::to_vec(payload), counsellor)
}

/// Signs a withdrawal recorded by the counsellor.
pub fn sign_withdrawal(payload: &WithdrawalPayload, counsellor: &SigningKey) -> Vec<u8> {
    cose::sign(cose::WITHDRAWAL, cbor::to_vec(payload), counsellor)
}

/// Signs a re-verification recorded by the counsellor.
pub fn sign_reverification(payload: &ReverificationPayload, counsellor: &SigningKey) -> Vec<u8> {
    cose::sign(cose::REVERIFICATION, cbor::to_vec(payload), counsellor)
}

/// Verifies a re-verification and returns its payload.
pub fn verify_reverification(bytes: &[u8], signers: &Signers) -> Result<ReverificationPayload, TokenError> {
    let envelope = cose::Envelope::parse(bytes, cose::REVERIFICATION)?;
    let unverified: ReverificationPayload = cbor::from_slice(envelope.unverified_payload())?;
    let key = expected_signer(&unverified.collection, envelope.key_id(), signers)?;
    let payload: ReverificationPayload = cbor::from_slice(&envelope.verify(&key)?)?;
    check_common(payload.version, payload.vault, signers.vault)?;
    if payload.collection == CollectionRecord::NotInWriting {
        return Err(TokenError::Inconsistent(Inconsistency::ConsentNotInWriting));
    }
    Ok(payload)
}

/// The keys a token may be signed with.
pub struct Signers<'a> {
    pub vault: VaultId,
    pub counsellor: VerifyingKey,
    /// Keys registered for the grantor; empty until partner keys exist.
    pub grantor_keys: &'a [VerifyingKey],
}

/// Verifies a consent token and returns its payload.
pub fn verify_consent(bytes: &[u8], signers: &Signers) -> Result<ConsentPayload, TokenError> {
    let envelope = cose::Envelope::parse(bytes, cose::CONSENT)?;
    let unverified: ConsentPayload = cbor::from_slice(envelope.unverified_payload())?;
    let key = expected_signer(&unverified.collection, envelope.key_id(), signers)?;
    let payload: ConsentPayload = cbor::from_slice(&envelope.verify(&key)?)?;
    check_common(payload.version, payload.vault, signers.vault)?;
    if payload.collection == CollectionRecord::NotInWriting {
        return Err(TokenError::Inconsistent(Inconsistency::ConsentNotInWriting));
    }
    if payload
        .valid_until
        .is_some_and(|until| until <= payload.valid_from)
    {
        return Err(TokenError::Inconsistent(Inconsistency::EmptyValidity));
    }
    if payload.scope.dossiers.is_empty() || payload.scope.classes.is_empty() {
        return Err(TokenError::Inconsistent(Inconsistency::EmptyScope));
    }
    // The policy cannot limit items by date yet, so a consent limited to a
    // data period is rejected rather than read as covering every date.
    if payload.scope.data_from.is_some() || payload.scope.data_until.is_some() {
        return Err(TokenError::Inconsistent(Inconsistency::DataPeriodUnsupported));
    }
    Ok(payload)
}

/// Verifies a withdrawal and returns its payload.
pub fn verify_withdrawal(bytes: &[u8], signers: &Signers) -> Result<WithdrawalPayload, TokenError> {
    let envelope = cose::Envelope::parse(bytes, cose::WITHDRAWAL)?;
    let unverified: WithdrawalPayload = cbor::from_slice(envelope.unverified_payload())?;
    let key = expected_signer(&unverified.collection, envelope.key_id(), signers)?;
    let payload: WithdrawalPayload = cbor::from_slice(&envelope.verify(&key)?)?;
    check_common(payload.version, payload.vault, signers.vault)?;
    if payload.withdraws.is_empty() {
        return Err(TokenError::Inconsistent(Inconsistency::NothingWithdrawn));
    }
    Ok(payload)
}

fn expected_signer(
    collection: &CollectionRecord,
    kid: &[u8],
    signers: &Signers,
) -> Result<VerifyingKey, TokenError> {
    let candidates: Vec<VerifyingKey> = match collection {
        CollectionRecord::AttestedFromForm { .. } | CollectionRecord::NotInWriting => {
            vec![signers.counsellor]
        }
        CollectionRecord::SignedByGrantor => signers.grantor_keys.to_vec(),
    };
    candidates
        .into_iter()
        .find(|key| key.as_bytes().as_slice() == kid)
        .ok_or(TokenError::UnknownSigner)
}

fn check_common(version: u32, vault: VaultId, expected: VaultId) -> Result<(), TokenError> {
    if version != RECORD_VERSION {
        return Err(TokenError::UnsupportedVersion(version));
    }
    if vault != expected {
        return Err(TokenError::OtherVault);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{ConsentKindRecord, DataClassRecord, RecipientRecord, ScopeRecord};
    use crate::ids::{DossierId, ObjectId, TokenId};
    use rand::rngs::OsRng;

    fn payload(vault: VaultId) -> ConsentPayload {
        let grantor = DossierId::random();
        ConsentPayload {
            version: RECORD_VERSION,
            id: TokenId::random(),
            vault,
            kind: ConsentKindRecord::PartnerExchange,
            grantor,
            couple: None,
            recipient: RecipientRecord::Person(DossierId::random()),
            scope: ScopeRecord {
                dossiers: vec![grantor],
                classes: vec![DataClassRecord::Intake],
                data_from: None,
                data_until: None,
            },
            after_end: false,
            valid_from: 0,
            valid_until: None,
            purpose: "test".into(),
            collection: CollectionRecord::AttestedFromForm {
                form: ObjectId::random(),
                form_sha256: serde_bytes::ByteBuf::from(vec![0; 32]),
            },
            issued: 0,
            request: None,
        }
    }

    #[test]
    fn attested_consent_verifies() {
        let key = SigningKey::generate(&mut OsRng);
        let vault = VaultId::random();
        let bytes = sign_consent(&payload(vault), &key);
        let signers = Signers {
            vault,
            counsellor: key.verifying_key(),
            grantor_keys: &[],
        };
        assert!(verify_consent(&bytes, &signers).is_ok());
    }

    #[test]
    fn forged_consent_rejected() {
        let key = SigningKey::generate(&mut OsRng);
        let forger = SigningKey::generate(&mut OsRng);
        let vault = VaultId::random();
        let bytes = sign_consent(&payload(vault), &forger);
        let signers = Signers {
            vault,
            counsellor: key.verifying_key(),
            grantor_keys: &[],
        };
        assert_eq!(verify_consent(&bytes, &signers), Err(TokenError::UnknownSigner));
    }

    #[test]
    fn consent_of_other_vault_rejected() {
        let key = SigningKey::generate(&mut OsRng);
        let bytes = sign_consent(&payload(VaultId::random()), &key);
        let signers = Signers {
            vault: VaultId::random(),
            counsellor: key.verifying_key(),
            grantor_keys: &[],
        };
        assert_eq!(verify_consent(&bytes, &signers), Err(TokenError::OtherVault));
    }

    #[test]
    fn grantor_signed_needs_registered_key() {
        let key = SigningKey::generate(&mut OsRng);
        let vault = VaultId::random();
        let mut signed = payload(vault);
        signed.collection = CollectionRecord::SignedByGrantor;
        let bytes = sign_consent(&signed, &key);
        let signers = Signers {
            vault,
            counsellor: key.verifying_key(),
            grantor_keys: &[],
        };
        assert_eq!(verify_consent(&bytes, &signers), Err(TokenError::UnknownSigner));
    }

    #[test]
    fn empty_validity_rejected() {
        let key = SigningKey::generate(&mut OsRng);
        let vault = VaultId::random();
        let mut empty = payload(vault);
        empty.valid_from = 100;
        empty.valid_until = Some(100);
        let bytes = sign_consent(&empty, &key);
        let signers = Signers {
            vault,
            counsellor: key.verifying_key(),
            grantor_keys: &[],
        };
        assert!(matches!(
            verify_consent(&bytes, &signers),
            Err(TokenError::Inconsistent(_))
        ));
    }

    #[test]
    fn data_period_rejected() {
        let key = SigningKey::generate(&mut OsRng);
        let vault = VaultId::random();
        let mut limited = payload(vault);
        limited.scope.data_from = Some("2026-01-01".into());
        let bytes = sign_consent(&limited, &key);
        let signers = Signers {
            vault,
            counsellor: key.verifying_key(),
            grantor_keys: &[],
        };
        assert_eq!(
            verify_consent(&bytes, &signers),
            Err(TokenError::Inconsistent(Inconsistency::DataPeriodUnsupported))
        );
    }
}
