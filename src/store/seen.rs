//! This machine's memory of the last journal entry it verified for each
//! vault, kept outside the vault so that a folder rolled back to an older
//! copy, or forked into two histories, is noticed on open (guarantee G4).
//!
//! One small file per vault, named by the vault's random id, in
//! `$KLUIS_STATE_DIR` or else `kluis/seen` in the user's local state folder.
//! It contains no name and no content: the vault id, an entry number and the
//! entry's SHA-256.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

use super::journal::{entry_name, Journal};
use super::{fsutil, sha256, Store};
use crate::error::{Error, Result};
use crate::format::cbor;
use crate::ids::VaultId;

/// The environment variable that moves the memory folder.
pub const STATE_DIR_VAR: &str = "KLUIS_STATE_DIR";

/// The last entry a machine verified: its number and its SHA-256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeenEntry {
    pub seq: u64,
    pub hash: [u8; 32],
}

/// The relation of a journal to the entry this machine verified last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lineage {
    /// Nothing was remembered for this vault: the first open here.
    New,
    /// The journal contains the remembered entry, unchanged.
    Extends,
    /// The journal ends before the remembered entry.
    RolledBack { seen: SeenEntry, found: u64 },
    /// The journal has an entry with the remembered number but other bytes.
    Forked { seen: SeenEntry },
}

impl Lineage {
    /// Returns the error for a journal that does not extend what was seen.
    pub fn into_result(self) -> Result<()> {
        match self {
            Lineage::New | Lineage::Extends => Ok(()),
            Lineage::RolledBack { seen, found } => Err(Error::RolledBack {
                seen: seen.seq,
                found,
            }),
            Lineage::Forked { seen } => Err(Error::Forked { seq: seen.seq }),
        }
    }
}

/// The file stored per vault.
#[derive(Debug, Serialize, Deserialize)]
struct SeenRecord {
    vault: VaultId,
    seq: u64,
    entry: ByteBuf,
}

/// The folder of remembered entries.
#[derive(Debug, Clone)]
pub struct SeenHeads {
    folder: PathBuf,
}

impl SeenHeads {
    /// Uses `folder` to remember entries.
    pub fn at(folder: impl Into<PathBuf>) -> Self {
        Self {
            folder: folder.into(),
        }
    }

    /// Uses `$KLUIS_STATE_DIR`, or `kluis/seen` in the user's local state
    /// folder (`$XDG_STATE_HOME`, `~/.local/state` on Linux; the local data
    /// folder elsewhere).
    pub fn default_location() -> Result<Self> {
        if let Some(folder) = std::env::var_os(STATE_DIR_VAR).filter(|value| !value.is_empty()) {
            return Ok(Self::at(folder));
        }
        let dirs = directories::BaseDirs::new().ok_or(Error::NoStateFolder)?;
        let base = dirs
            .state_dir()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dirs.data_local_dir().to_path_buf());
        Ok(Self::at(base.join("kluis").join("seen")))
    }

    /// Returns the folder the memory lives in.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    fn file(&self, vault: VaultId) -> PathBuf {
        self.folder.join(vault.to_hex())
    }

    /// Returns the entry remembered for `vault`, if any.
    pub fn load(&self, vault: VaultId) -> Result<Option<SeenEntry>> {
        let path = self.file(vault);
        let read = fsutil::read_optional(&path).map_err(|_| Error::SeenFolderUnusable {
            path: self.folder.clone(),
        })?;
        let Some(bytes) = read else {
            return Ok(None);
        };
        let unreadable = || Error::SeenUnreadable { path: path.clone() };
        let record: SeenRecord = cbor::from_slice(&bytes).map_err(|_| unreadable())?;
        let hash: [u8; 32] = record.entry.as_slice().try_into().map_err(|_| unreadable())?;
        if record.vault != vault || record.seq == 0 {
            return Err(unreadable());
        }
        Ok(Some(SeenEntry {
            seq: record.seq,
            hash,
        }))
    }

    /// Compares `journal`, as read from `store`, with the entry remembered
    /// for `vault`.
    ///
    /// Readers take no lock, so a writer may append and remember an entry
    /// after a reader has read the journal. A journal that ends before the
    /// remembered entry is therefore rolled back only if that entry is not on
    /// disk now with its remembered hash. Otherwise the reader read a
    /// slightly older state, which is whole and verified.
    pub fn lineage(&self, vault: VaultId, journal: &Journal, store: &Store) -> Result<Lineage> {
        Ok(match self.load(vault)? {
            None => Lineage::New,
            Some(seen) => match compare(seen, journal) {
                Lineage::RolledBack { .. } if written_since(store, seen) => Lineage::Extends,
                lineage => lineage,
            },
        })
    }

    /// Remembers the last entry of `journal` for `vault` when it is newer
    /// than the remembered one. A reader that verified an older journal
    /// while a writer appended must not move the memory back.
    pub fn remember(&self, vault: VaultId, journal: &Journal) -> Result<()> {
        if let (Some(last), Ok(Some(seen))) = (journal.entries.last(), self.load(vault)) {
            if last.seq <= seen.seq {
                return Ok(());
            }
        }
        self.replace_with(vault, journal)
    }

    /// Remembers the last entry of `journal` for `vault`, replacing what was
    /// remembered even if it was newer: for a restore accepted on purpose.
    pub fn replace_with(&self, vault: VaultId, journal: &Journal) -> Result<()> {
        let Some(last) = journal.entries.last() else {
            return Ok(());
        };
        let seen = SeenEntry {
            seq: last.seq,
            hash: last.hash,
        };
        let record = SeenRecord {
            vault,
            seq: seen.seq,
            entry: ByteBuf::from(seen.hash.to_vec()),
        };
        // A full disk keeps its own message; any other failure is about
        // this folder, which the person may not know kluis uses.
        fsutil::create_private_dir(&self.folder)
            .and_then(|()| fsutil::replace(&self.file(vault), &cbor::to_vec(&record)))
            .map_err(|err| match err {
                Error::DiskFull { .. } => err,
                _ => Error::SeenFolderUnusable {
                    path: self.folder.clone(),
                },
            })
    }
}

/// Returns whether the remembered entry is on disk with its hash.
fn written_since(store: &Store, seen: SeenEntry) -> bool {
    fsutil::read_optional(&store.file(&entry_name(seen.seq)))
        .ok()
        .flatten()
        .is_some_and(|bytes| sha256(&bytes) == seen.hash)
}

/// Compares a journal with a remembered entry.
pub fn compare(seen: SeenEntry, journal: &Journal) -> Lineage {
    match journal.entries.get((seen.seq - 1) as usize) {
        None => Lineage::RolledBack {
            seen,
            found: journal.last_seq(),
        },
        Some(entry) if entry.hash == seen.hash => Lineage::Extends,
        Some(_) => Lineage::Forked { seen },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_file_damaged_is_reported_not_ignored() {
        let folder = tempfile::tempdir().unwrap();
        let heads = SeenHeads::at(folder.path());
        let vault = VaultId::random();
        std::fs::write(folder.path().join(vault.to_hex()), b"not cbor").unwrap();
        assert!(matches!(heads.load(vault), Err(Error::SeenUnreadable { .. })));
    }

    /// Builds a journal of `len` entries whose hashes are their numbers.
    fn journal(vault: VaultId, len: u64) -> Journal {
        let entries = (1..=len)
            .map(|seq| super::super::journal::Entry {
                seq,
                hash: [seq as u8; 32],
                payload: crate::format::EntryPayload {
                    version: crate::format::FORMAT_VERSION,
                    vault,
                    seq,
                    prev: ByteBuf::new(),
                    objects: Vec::new(),
                    event: ByteBuf::new(),
                    removed: Vec::new(),
                },
            })
            .collect();
        Journal {
            entries,
            head_seq: len,
        }
    }

    #[test]
    fn memory_never_moves_back_except_on_purpose() {
        let folder = tempfile::tempdir().unwrap();
        let heads = SeenHeads::at(folder.path());
        let vault = VaultId::random();
        let store = Store::new(folder.path().join("vault"));
        heads.remember(vault, &journal(vault, 5)).unwrap();
        // A reader that verified 4 entries while a writer added the fifth.
        heads.remember(vault, &journal(vault, 4)).unwrap();
        assert_eq!(heads.load(vault).unwrap().map(|seen| seen.seq), Some(5));
        assert!(matches!(
            heads.lineage(vault, &journal(vault, 4), &store).unwrap(),
            Lineage::RolledBack { found: 4, .. }
        ));
        heads.replace_with(vault, &journal(vault, 4)).unwrap();
        assert_eq!(
            heads.lineage(vault, &journal(vault, 4), &store).unwrap(),
            Lineage::Extends
        );
    }

    #[test]
    fn stale_read_is_not_rollback() {
        let folder = tempfile::tempdir().unwrap();
        let heads = SeenHeads::at(folder.path().join("seen"));
        let store = Store::new(folder.path().join("vault"));
        let vault = VaultId::random();
        // A writer appended entry 5 and remembered it after a reader had
        // read entries 1 to 4.
        let entry = b"entry five".to_vec();
        std::fs::create_dir_all(store.file("journal")).unwrap();
        std::fs::write(store.file(&entry_name(5)), &entry).unwrap();
        let mut written = journal(vault, 5);
        written.entries[4].hash = sha256(&entry);
        heads.remember(vault, &written).unwrap();
        assert_eq!(
            heads.lineage(vault, &journal(vault, 4), &store).unwrap(),
            Lineage::Extends
        );
        // Without entry 5 on disk, the same journal is rolled back.
        std::fs::remove_file(store.file(&entry_name(5))).unwrap();
        assert!(matches!(
            heads.lineage(vault, &journal(vault, 4), &store).unwrap(),
            Lineage::RolledBack { .. }
        ));
    }

    #[test]
    fn memory_file_of_another_vault_is_rejected() {
        let folder = tempfile::tempdir().unwrap();
        let heads = SeenHeads::at(folder.path());
        let (one, other) = (VaultId::random(), VaultId::random());
        let record = SeenRecord {
            vault: other,
            seq: 3,
            entry: ByteBuf::from(vec![7; 32]),
        };
        std::fs::write(folder.path().join(one.to_hex()), cbor::to_vec(&record)).unwrap();
        assert!(matches!(heads.load(one), Err(Error::SeenUnreadable { .. })));
    }
}
