//! kluis keeps a counsellor's client dossiers encrypted, each to its own
//! key, and lets data about one person reach anyone else only under a
//! signed consent of that person.
//!
//! The modules follow the layers of the design: [`format`] (bytes on disk),
//! [`keys`], [`store`] (objects, journal, lock), [`model`] (dossiers and
//! notes), [`consent`] (tokens and the pure policy), [`export`], and
//! [`i18n`]. The library never prints and never exits.

pub mod accesslog;
#[cfg(feature = "cloud")]
pub mod backup;
pub mod check;
pub mod consent;
pub mod error;
pub mod export;
pub mod format;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
pub mod ids;
pub mod keys;
pub mod memory;
pub mod model;
pub mod partner;
pub mod store;

pub use error::{Error, Result};
