//! Entry points for the fuzz targets in `fuzz/`: the decoders that the
//! library keeps crate-internal. Built only with the `fuzzing` feature and
//! not part of the supported API.

use ed25519_dalek::VerifyingKey;

use crate::error::Result;
use crate::format::{HeadPayload, VaultHeader};
use crate::ids::VaultId;
pub use crate::store::journal::Entry;

/// Verifies one journal entry file as `Journal::load` does: the signature
/// with `key`, then the payload's version, vault, `seq` and `prev`.
pub fn verify_entry(
    bytes: &[u8],
    seq: u64,
    vault: VaultId,
    prev: &[u8; 32],
    key: &VerifyingKey,
) -> Result<Entry> {
    crate::store::journal::verify_entry(bytes, seq, vault, prev, key)
}

/// Verifies the bytes of a `HEAD` file as `Journal::load` does.
pub fn verify_head(bytes: &[u8], vault: VaultId, key: &VerifyingKey) -> Result<HeadPayload> {
    crate::store::journal::verify_head(bytes, vault, key)
}

/// Decodes and checks `kluis.cbor` as opening a vault does.
pub fn read_header(bytes: &[u8]) -> Result<VaultHeader> {
    crate::model::read_header(bytes)
}
