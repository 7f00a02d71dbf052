//! The journal: signed, hash-chained entries, and `HEAD`, which names the
//! latest one.
//!
//! Entry `n` lives in `journal/<n as 12 digits>`. Its payload names the
//! vault, its sequence number, the SHA-256 of entry `n - 1` (of `kluis.cbor`
//! for entry 1), the objects it wrote with their hashes, and the encrypted
//! event. `HEAD` is replaced after each entry; its sequence number only goes
//! up.

use std::fs;

use ed25519_dalek::{SigningKey, VerifyingKey};
use serde_bytes::ByteBuf;

use super::{fsutil, sha256, Store, HEAD_FILE, JOURNAL_DIR};
use crate::error::{Damage, Error, IoAction, JournalProblem, Result};
use crate::format::{
    cbor, cose, readable_version, EntryPayload, FormatError, HeadPayload, ObjectRef, DESTROY_VERSION,
    FORMAT_VERSION,
};
use crate::ids::VaultId;

/// One verified journal entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub seq: u64,
    /// SHA-256 of the entry file.
    pub hash: [u8; 32],
    pub payload: EntryPayload,
}

/// The verified journal of a vault.
#[derive(Debug, Clone)]
pub struct Journal {
    pub entries: Vec<Entry>,
    /// The sequence number `HEAD` names.
    pub head_seq: u64,
}

/// Returns the path of entry `seq`, relative to the vault.
pub fn entry_name(seq: u64) -> String {
    format!("{JOURNAL_DIR}/{seq:012}")
}

impl Journal {
    /// Reads and verifies the whole journal: every signature, the hash chain,
    /// the sequence numbers, and that `HEAD` names an entry of the chain.
    ///
    /// Entries after the one `HEAD` names are accepted when they verify: they
    /// are what a crash between writing an entry and replacing `HEAD` leaves.
    pub fn load(store: &Store, vault: VaultId, header_bytes: &[u8], key: &VerifyingKey) -> Result<Self> {
        let head = read_head(store, vault, key)?;
        let mut entries: Vec<Entry> = Vec::new();
        let mut prev = sha256(header_bytes);
        for seq in 1.. {
            let name = entry_name(seq);
            let Some(bytes) = fsutil::read_optional(&store.file(&name))? else {
                if seq <= head.seq {
                    return Err(Error::Damaged(Damage::Missing { file: name }));
                }
                break;
            };
            let entry = verify_entry(&bytes, seq, vault, &prev, key)?;
            // A writer of version n never appends an entry of an older
            // version, so a lower version after a higher one is a splice.
            if entries
                .last()
                .is_some_and(|last| entry.payload.version < last.payload.version)
            {
                return Err(Error::Damaged(Damage::Journal {
                    seq,
                    problem: JournalProblem::OlderVersion,
                }));
            }
            if seq == head.seq && entry.hash.as_slice() != head.entry.as_slice() {
                return Err(Error::Damaged(Damage::Modified {
                    file: HEAD_FILE.into(),
                }));
            }
            prev = entry.hash;
            entries.push(entry);
        }
        ensure_no_gap(store, entries.len() as u64)?;
        Ok(Self {
            entries,
            head_seq: head.seq,
        })
    }

    /// Returns the sequence number of the last entry.
    pub fn last_seq(&self) -> u64 {
        self.entries.last().map_or(0, |entry| entry.seq)
    }

    /// Returns the version of the next entry: [`FORMAT_VERSION`], or
    /// [`DESTROY_VERSION`] from the first entry that removes objects on.
    pub fn next_version(&self, removes: bool) -> u32 {
        let last = self
            .entries
            .last()
            .map_or(FORMAT_VERSION, |entry| entry.payload.version);
        let needed = if removes { DESTROY_VERSION } else { FORMAT_VERSION };
        last.max(needed)
    }

    /// Returns every object that an entry removed (a destroyed dossier's).
    pub fn removed(&self) -> std::collections::HashSet<crate::ids::ObjectId> {
        self.entries
            .iter()
            .flat_map(|entry| entry.payload.removed.iter().copied())
            .collect()
    }

    /// Appends a signed entry and moves `HEAD` to it. The caller holds the
    /// writer's lock and has already written every object the entry names.
    /// `removed` lists the objects the change deletes; the caller deletes
    /// them after this returns, so a crash leaves them listed as removed.
    pub fn append(
        &mut self,
        store: &Store,
        vault: VaultId,
        header_bytes: &[u8],
        key: &SigningKey,
        change: (Vec<ObjectRef>, Vec<crate::ids::ObjectId>),
        event: Vec<u8>,
    ) -> Result<()> {
        let (objects, removed) = change;
        let seq = self.last_seq() + 1;
        let prev = self
            .entries
            .last()
            .map_or_else(|| sha256(header_bytes), |entry| entry.hash);
        let version = self.next_version(!removed.is_empty());
        let payload = EntryPayload {
            version,
            vault,
            seq,
            prev: ByteBuf::from(prev.to_vec()),
            objects,
            event: ByteBuf::from(event),
            removed,
        };
        let bytes = cose::sign(cose::JOURNAL_ENTRY, cbor::to_vec(&payload), key);
        let path = store.file(&entry_name(seq));
        fsutil::create_private_dir(path.parent().expect("entries have a parent"))?;
        fsutil::write_new(&path, &bytes)?;
        let hash = sha256(&bytes);
        write_head(store, vault, version, seq, hash, key)?;
        self.entries.push(Entry { seq, hash, payload });
        self.head_seq = seq;
        Ok(())
    }
}

pub(crate) fn verify_entry(
    bytes: &[u8],
    seq: u64,
    vault: VaultId,
    prev: &[u8; 32],
    key: &VerifyingKey,
) -> Result<Entry> {
    let broken = |problem: JournalProblem| Error::Damaged(Damage::Journal { seq, problem });
    let payload = cose::verify(bytes, cose::JOURNAL_ENTRY, key).map_err(|err| match err {
        FormatError::BadSignature => broken(JournalProblem::BadSignature),
        _ => broken(JournalProblem::Malformed),
    })?;
    let payload: EntryPayload = cbor::from_slice(&payload).map_err(|_| broken(JournalProblem::Malformed))?;
    if !readable_version(payload.version) {
        return Err(Error::UnsupportedVersion {
            found: payload.version,
        });
    }
    // Removed objects exist from version 3 on, so an older entry with them
    // was not written by kluis. An empty list is encoded as no list.
    if !payload.removed.is_empty() && payload.version < DESTROY_VERSION {
        return Err(broken(JournalProblem::Malformed));
    }
    if payload.vault != vault {
        return Err(broken(JournalProblem::OtherVault));
    }
    if payload.seq != seq {
        return Err(broken(JournalProblem::WrongNumber));
    }
    if payload.prev.as_slice() != prev.as_slice() {
        return Err(broken(JournalProblem::BrokenChain));
    }
    Ok(Entry {
        seq,
        hash: sha256(bytes),
        payload,
    })
}

fn read_head(store: &Store, vault: VaultId, key: &VerifyingKey) -> Result<HeadPayload> {
    let path = store.file(HEAD_FILE);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Damaged(Damage::Missing {
                file: HEAD_FILE.into(),
            }))
        }
        Err(err) => return Err(Error::io(IoAction::Reading, path, err)),
    };
    verify_head(&bytes, vault, key)
}

/// Verifies the bytes of `HEAD` and decodes its payload, which names the
/// latest entry.
pub(crate) fn verify_head(bytes: &[u8], vault: VaultId, key: &VerifyingKey) -> Result<HeadPayload> {
    let payload = cose::verify(bytes, cose::HEAD, key).map_err(|err| Error::unreadable(HEAD_FILE, err))?;
    let head: HeadPayload = cbor::from_slice(&payload).map_err(|err| Error::unreadable(HEAD_FILE, err))?;
    if !readable_version(head.version) {
        return Err(Error::UnsupportedVersion { found: head.version });
    }
    if head.vault != vault {
        return Err(Error::unreadable(HEAD_FILE, FormatError::WrongVault));
    }
    Ok(head)
}

/// Replaces `HEAD` with a signed pointer to entry `seq`. `HEAD` has the
/// version of the entry it names.
pub fn write_head(
    store: &Store,
    vault: VaultId,
    version: u32,
    seq: u64,
    entry: [u8; 32],
    key: &SigningKey,
) -> Result<()> {
    let head = HeadPayload {
        version,
        vault,
        seq,
        entry: ByteBuf::from(entry.to_vec()),
    };
    let bytes = cose::sign(cose::HEAD, cbor::to_vec(&head), key);
    fsutil::replace(&store.file(HEAD_FILE), &bytes)
}

/// Fails when the journal folder has an entry file beyond the chain that was
/// read and the entry right after the chain is still missing. An entry
/// missing in the middle would otherwise cut the journal short without a
/// word, and the next write would collide with a later file.
fn ensure_no_gap(store: &Store, chain_len: u64) -> Result<()> {
    let folder = store.file(JOURNAL_DIR);
    let files = match fs::read_dir(&folder) {
        Ok(files) => files,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(Error::io(IoAction::Reading, folder, err)),
    };
    for file in files {
        let file = file.map_err(|err| Error::io(IoAction::Reading, &folder, err))?;
        let name = file.file_name().to_string_lossy().to_string();
        let Ok(seq) = name.parse::<u64>() else { continue };
        if name.len() == 12 && seq > chain_len {
            // Readers take no lock, so a writer may have appended entry
            // `chain_len + 1` after the loop found it missing. Then the
            // journal grew and has no gap, and the chain read so far still
            // reaches HEAD.
            if store.file(&entry_name(chain_len + 1)).exists() {
                return Ok(());
            }
            return Err(Error::Damaged(Damage::Missing {
                file: entry_name(chain_len + 1),
            }));
        }
    }
    Ok(())
}
