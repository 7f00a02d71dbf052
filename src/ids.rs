//! Random 128-bit identifiers for dossiers, objects and consent tokens.
//!
//! Identifiers are random so that file names and references reveal nothing
//! about the person they belong to (G1). They are shown to people as lowercase
//! hex, usually shortened to the first eight characters.

use std::fmt;
use std::str::FromStr;

use rand::RngCore;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! random_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub [u8; 16]);

        impl $name {
            /// Draws a fresh identifier from the operating system's random source.
            pub fn random() -> Self {
                let mut bytes = [0u8; 16];
                rand::rngs::OsRng.fill_bytes(&mut bytes);
                Self(bytes)
            }

            /// Returns the full 32-character lowercase hex form.
            pub fn to_hex(&self) -> String {
                hex::encode(self.0)
            }

            /// Returns the first eight hex characters, the form shown to people.
            pub fn short(&self) -> String {
                self.to_hex()[..8].to_string()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.to_hex())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.to_hex())
            }
        }

        impl FromStr for $name {
            type Err = hex::FromHexError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let mut bytes = [0u8; 16];
                hex::decode_to_slice(s, &mut bytes)?;
                Ok(Self(bytes))
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_bytes(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let bytes = serde_bytes::ByteBuf::deserialize(deserializer)?;
                let array: [u8; 16] = bytes.as_slice().try_into().map_err(|_| {
                    serde::de::Error::invalid_length(bytes.len(), &"16 bytes")
                })?;
                Ok(Self(array))
            }
        }
    };
}

random_id!(
    /// Identifies a person dossier or a couple record.
    DossierId
);
random_id!(
    /// Names a file under `objects/`.
    ObjectId
);
random_id!(
    /// Identifies a consent, withdrawal or re-verification token.
    TokenId
);
random_id!(
    /// Identifies a vault; tokens and journal heads are bound to it.
    VaultId
);
