//! On-disk records and their encodings: the only layer that turns kluis
//! values into bytes and back. `vault-format.md` is the normative description.

pub mod cards;
pub mod cbor;
pub mod cose;
pub mod records;

pub use cards::*;
pub use records::*;

/// The version of the vault format this build writes: in the header of a
/// new vault, in every journal entry and in `HEAD`, until the vault records
/// a destroyed dossier (see [`DESTROY_VERSION`]).
pub const FORMAT_VERSION: u32 = 2;

/// The version of the first entry that records a destroyed dossier, and of
/// every entry and `HEAD` after it. A writer keeps writing
/// [`FORMAT_VERSION`] until then, so that a vault that never destroyed a
/// dossier stays readable by version 2 readers.
pub const DESTROY_VERSION: u32 = 3;

/// The `version` of every other versioned record (identity, dossier key,
/// details, notes, tokens, key cards, requests, receipts): unchanged since
/// format version 1.
pub const RECORD_VERSION: u32 = 1;

/// The oldest version this build reads. A version 1 vault stays readable;
/// the first entry this build appends to it has version 2.
pub const OLDEST_READABLE_VERSION: u32 = 1;

/// Returns whether this build reads vault files of `version`.
pub fn readable_version(version: u32) -> bool {
    (OLDEST_READABLE_VERSION..=DESTROY_VERSION).contains(&version)
}

/// The reason bytes could not be read as a kluis record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    #[error("malformed CBOR: {0}")]
    Malformed(String),
    #[error("trailing bytes after the record")]
    TrailingBytes,
    #[error("the record is not in deterministic encoding")]
    NotCanonical,
    #[error("unsupported format version {found}")]
    UnsupportedVersion { found: u32 },
    #[error("malformed COSE structure: {0}")]
    Cose(String),
    #[error("signature algorithm is not EdDSA")]
    WrongAlgorithm,
    #[error("unknown critical header")]
    UnknownCriticalHeader,
    #[error("signature does not verify")]
    BadSignature,
    #[error("record belongs to another vault")]
    WrongVault,
    #[error("{0}")]
    Invalid(&'static str),
}
