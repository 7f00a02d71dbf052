//! Deterministic CBOR encoding for every record kluis writes.
//!
//! Records are encoded with the core deterministic encoding of RFC 8949,
//! section 4.2.1: definite lengths, shortest integer forms, and map keys
//! sorted by the bytewise order of their encodings. Decoders accept only that
//! encoding, so every record has exactly one byte form, and a signature over
//! it cannot be sidestepped by re-encoding.

use std::io;

use ciborium::Value;
use serde::{de::DeserializeOwned, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::FormatError;

/// Encodes `value` as deterministic CBOR.
///
/// Records can hold secret keys and personal data, so the intermediate
/// copies made here are wiped before they are freed. The caller wraps the
/// result in `Zeroizing` where it is secret.
pub fn to_vec<T: Serialize>(value: &T) -> Vec<u8> {
    let value = Value::serialized(value).expect("kluis records always serialize to CBOR");
    let mut canonical = canonicalize(value);
    let mut out = WipingWriter(Vec::new());
    ciborium::into_writer(&canonical, &mut out).expect("writing CBOR to memory cannot fail");
    wipe(&mut canonical);
    out.0
}

/// A writer into a `Vec` that wipes each buffer it outgrows, where
/// `Vec::extend` would free it with its content.
struct WipingWriter(Vec<u8>);

impl io::Write for WipingWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.0.capacity() - self.0.len() < bytes.len() {
            let capacity = (self.0.len() + bytes.len()).max(2 * self.0.capacity()).max(64);
            let mut grown = Vec::with_capacity(capacity);
            grown.extend_from_slice(&self.0);
            self.0.zeroize();
            self.0 = grown;
        }
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Overwrites every text and byte string in a CBOR value with zeros.
fn wipe(value: &mut Value) {
    match value {
        Value::Text(text) => text.zeroize(),
        Value::Bytes(bytes) => bytes.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Map(entries) => {
            for (key, value) in entries {
                wipe(key);
                wipe(value);
            }
        }
        Value::Tag(_, inner) => wipe(inner),
        _ => {}
    }
}

/// Decodes `bytes` as one record of type `T`.
///
/// Rejects trailing bytes and any encoding other than the deterministic one
/// (the bytes must be exactly what [`to_vec`] produces for the decoded value),
/// which also rejects unknown map keys.
pub fn from_slice<T: Serialize + DeserializeOwned>(bytes: &[u8]) -> Result<T, FormatError> {
    let mut reader = bytes;
    // The decoder copies each string through this buffer.
    let mut scratch = Zeroizing::new([0u8; 4096]);
    let value: T = ciborium::de::from_reader_with_buffer(&mut reader, &mut scratch[..])
        .map_err(|err| FormatError::Malformed(err.to_string()))?;
    if !reader.is_empty() {
        return Err(FormatError::TrailingBytes);
    }
    if *Zeroizing::new(to_vec(&value)) != bytes {
        return Err(FormatError::NotCanonical);
    }
    Ok(value)
}

fn canonicalize(value: Value) -> Value {
    match value {
        Value::Map(entries) => {
            let mut keyed: Vec<(Vec<u8>, Value, Value)> = entries
                .into_iter()
                .map(|(key, value)| {
                    let key = canonicalize(key);
                    let mut encoded = Vec::new();
                    ciborium::into_writer(&key, &mut encoded).expect("writing CBOR to memory cannot fail");
                    (encoded, key, canonicalize(value))
                })
                .collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Map(keyed.into_iter().map(|(_, k, v)| (k, v)).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonicalize).collect()),
        Value::Tag(tag, inner) => Value::Tag(tag, Box::new(canonicalize(*inner))),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sample {
        zeta: u32,
        a: String,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
    }

    fn sample() -> Sample {
        Sample {
            zeta: 7,
            a: "x".into(),
            bytes: vec![1, 2, 3],
        }
    }

    #[test]
    fn keys_sorted_by_encoding() {
        let bytes = to_vec(&sample());
        let value: Value = ciborium::from_reader(bytes.as_slice()).unwrap();
        let keys: Vec<String> = value
            .as_map()
            .unwrap()
            .iter()
            .map(|(k, _)| k.as_text().unwrap().to_string())
            .collect();
        assert_eq!(keys, ["a", "zeta", "bytes"]);
    }

    #[test]
    fn round_trip_is_exact() {
        let bytes = to_vec(&sample());
        let back: Sample = from_slice(&bytes).unwrap();
        assert_eq!(back, sample());
    }

    #[test]
    fn trailing_bytes_rejected() {
        let mut bytes = to_vec(&sample());
        bytes.push(0);
        assert!(matches!(
            from_slice::<Sample>(&bytes),
            Err(FormatError::TrailingBytes)
        ));
    }

    #[test]
    fn unsorted_keys_rejected() {
        let unsorted = Value::Map(vec![
            (Value::Text("zeta".into()), Value::Integer(7.into())),
            (Value::Text("a".into()), Value::Text("x".into())),
            (Value::Text("bytes".into()), Value::Bytes(vec![1, 2, 3])),
        ]);
        let mut bytes = Vec::new();
        ciborium::into_writer(&unsorted, &mut bytes).unwrap();
        assert!(matches!(
            from_slice::<Sample>(&bytes),
            Err(FormatError::NotCanonical)
        ));
    }

    #[test]
    fn truncated_input_rejected() {
        let bytes = to_vec(&sample());
        for cut in 0..bytes.len() {
            assert!(from_slice::<Sample>(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }
}
