//! On-disk records and their encodings: the only layer that turns kluis
//! values into bytes and back. `vault-format.md` is the normative description.

pub mod cards;
pub mod cbor;
pub mod cose;
pub mod records;

pub use cards::*;
pub use records::*;

/// The version of the vault format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

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
