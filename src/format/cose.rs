//! COSE_Sign1 envelopes (RFC 9052) with EdDSA over Ed25519.
//!
//! Every signed kluis record (journal entries, the head, consent tokens) is a
//! tagged COSE_Sign1 whose protected header carries `alg` = EdDSA (-8), a
//! content type naming the record, and the signer's public key as `kid`. The
//! external AAD is the content type too, so a signature over one kind of
//! record can never be presented as another kind.

use coset::{iana, CoseSign1, CoseSign1Builder, HeaderBuilder, TaggedCborSerializable};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::FormatError;

/// Content type of a journal entry.
pub const JOURNAL_ENTRY: &str = "application/kluis-journal-entry+cbor";
/// Content type of `HEAD`.
pub const HEAD: &str = "application/kluis-head+cbor";
/// Content type of a consent token.
pub const CONSENT: &str = "application/kluis-consent+cbor";
/// Content type of a withdrawal.
pub const WITHDRAWAL: &str = "application/kluis-withdrawal+cbor";
/// Content type of a key card.
pub const KEY_CARD: &str = "application/kluis-key-card+cbor";
/// Content type of a consent request.
pub const CONSENT_REQUEST: &str = "application/kluis-consent-request+cbor";
/// Content type of an export's signed receipt.
pub const RECEIPT: &str = "application/kluis-receipt+cbor";
/// Content type of a re-verification.
pub const REVERIFICATION: &str = "application/kluis-reverification+cbor";

/// Signs `payload` as a tagged COSE_Sign1 of the given content type.
pub fn sign(content_type: &str, payload: Vec<u8>, key: &SigningKey) -> Vec<u8> {
    let protected = HeaderBuilder::new()
        .algorithm(iana::Algorithm::EdDSA)
        .content_type(content_type.to_string())
        .key_id(key.verifying_key().to_bytes().to_vec())
        .build();
    CoseSign1Builder::new()
        .protected(protected)
        .payload(payload)
        .create_signature(content_type.as_bytes(), |data| key.sign(data).to_bytes().to_vec())
        .build()
        .to_tagged_vec()
        .expect("a COSE_Sign1 built here always encodes")
}

/// A COSE_Sign1 that parsed and passed the header checks, not yet verified.
pub struct Envelope {
    sign1: CoseSign1,
    content_type: String,
}

impl Envelope {
    /// Parses a tagged COSE_Sign1 and checks its protected header.
    ///
    /// Rejects: another algorithm than EdDSA, any `crit` header (kluis defines
    /// none), a missing or different content type, a detached payload, and
    /// trailing bytes.
    pub fn parse(bytes: &[u8], content_type: &str) -> Result<Self, FormatError> {
        let sign1 = CoseSign1::from_tagged_slice(bytes).map_err(|err| FormatError::Cose(err.to_string()))?;
        let header = &sign1.protected.header;
        if header.alg != Some(coset::Algorithm::Assigned(iana::Algorithm::EdDSA)) {
            return Err(FormatError::WrongAlgorithm);
        }
        if !header.crit.is_empty() {
            return Err(FormatError::UnknownCriticalHeader);
        }
        match &header.content_type {
            Some(coset::ContentType::Text(found)) if found == content_type => {}
            _ => return Err(FormatError::Invalid("unexpected content type")),
        }
        if sign1.payload.is_none() {
            return Err(FormatError::Invalid("detached payload"));
        }
        if !sign1.unprotected.is_empty() {
            return Err(FormatError::Invalid("unprotected header"));
        }
        // The protected header must be exactly what `sign` writes: the three
        // labels in deterministic order and nothing else.
        let expected = HeaderBuilder::new()
            .algorithm(iana::Algorithm::EdDSA)
            .content_type(content_type.to_string())
            .key_id(header.key_id.clone())
            .build();
        let canonical = coset::ProtectedHeader {
            original_data: None,
            header: expected,
        }
        .cbor_bstr()
        .map_err(|err| FormatError::Cose(err.to_string()))?;
        let received = sign1.protected.original_data.clone().unwrap_or_default();
        if header.key_id.len() != 32 || canonical != ciborium::Value::Bytes(received) {
            return Err(FormatError::NotCanonical);
        }
        if sign1.clone().to_tagged_vec().ok().as_deref() != Some(bytes) {
            return Err(FormatError::NotCanonical);
        }
        Ok(Self {
            sign1,
            content_type: content_type.to_string(),
        })
    }

    /// Returns the `kid` header: the signer's Ed25519 public key.
    pub fn key_id(&self) -> &[u8] {
        &self.sign1.protected.header.key_id
    }

    /// Verifies that `key` signed the envelope (and is its `kid`), and
    /// returns the payload.
    pub fn verify(self, key: &VerifyingKey) -> Result<Vec<u8>, FormatError> {
        if self.key_id() != key.as_bytes() {
            return Err(FormatError::BadSignature);
        }
        self.sign1
            .verify_signature(self.content_type.as_bytes(), |signature, data| {
                let signature = Signature::from_slice(signature).map_err(|_| FormatError::BadSignature)?;
                key.verify_strict(data, &signature)
                    .map_err(|_| FormatError::BadSignature)
            })?;
        Ok(self.sign1.payload.expect("checked in parse"))
    }

    /// Returns the payload without verifying it, for inspection only.
    pub fn unverified_payload(&self) -> &[u8] {
        self.sign1.payload.as_deref().expect("checked in parse")
    }
}

/// Parses and verifies in one step.
pub fn verify(bytes: &[u8], content_type: &str, key: &VerifyingKey) -> Result<Vec<u8>, FormatError> {
    Envelope::parse(bytes, content_type)?.verify(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::OsRng;

    #[test]
    fn signed_payload_verifies() {
        let key = SigningKey::generate(&mut OsRng);
        let bytes = sign(CONSENT, b"payload".to_vec(), &key);
        assert_eq!(verify(&bytes, CONSENT, &key.verifying_key()).unwrap(), b"payload");
    }

    #[test]
    fn other_content_type_rejected() {
        let key = SigningKey::generate(&mut OsRng);
        let bytes = sign(CONSENT, b"payload".to_vec(), &key);
        assert!(verify(&bytes, WITHDRAWAL, &key.verifying_key()).is_err());
    }

    #[test]
    fn other_key_rejected() {
        let key = SigningKey::generate(&mut OsRng);
        let other = SigningKey::generate(&mut OsRng);
        let bytes = sign(HEAD, b"payload".to_vec(), &key);
        assert_eq!(
            verify(&bytes, HEAD, &other.verifying_key()),
            Err(FormatError::BadSignature)
        );
    }

    #[test]
    fn every_flipped_byte_rejected() {
        let key = SigningKey::generate(&mut OsRng);
        let bytes = sign(JOURNAL_ENTRY, b"some payload".to_vec(), &key);
        for at in 0..bytes.len() {
            let mut forged = bytes.clone();
            forged[at] ^= 0x01;
            assert!(
                verify(&forged, JOURNAL_ENTRY, &key.verifying_key()).is_err(),
                "flip at {at} accepted"
            );
        }
    }

    #[test]
    fn unprotected_header_rejected() {
        let key = SigningKey::generate(&mut OsRng);
        let bytes = sign(CONSENT, b"payload".to_vec(), &key);
        let mut sign1 = CoseSign1::from_tagged_slice(&bytes).unwrap();
        sign1.unprotected.key_id = b"extra".to_vec();
        let altered = sign1.to_tagged_vec().unwrap();
        assert!(Envelope::parse(&altered, CONSENT).is_err());
    }

    #[test]
    fn extra_protected_label_rejected() {
        let key = SigningKey::generate(&mut OsRng);
        let protected = HeaderBuilder::new()
            .algorithm(iana::Algorithm::EdDSA)
            .content_type(CONSENT.to_string())
            .key_id(key.verifying_key().to_bytes().to_vec())
            .value(99, ciborium::Value::Integer(1.into()))
            .build();
        let bytes = CoseSign1Builder::new()
            .protected(protected)
            .payload(b"payload".to_vec())
            .create_signature(CONSENT.as_bytes(), |data| key.sign(data).to_bytes().to_vec())
            .build()
            .to_tagged_vec()
            .unwrap();
        assert_eq!(
            verify(&bytes, CONSENT, &key.verifying_key()).err(),
            Some(FormatError::NotCanonical)
        );
    }
}
