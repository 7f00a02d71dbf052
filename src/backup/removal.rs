//! Removing the files of destroyed dossiers from a remote
//! (vault-format.md, sections 3.5 and 13.1).
//!
//! A `dossier-destroyed` entry lists in `removed` every object that the
//! dossier had. Once the remote's `HEAD` names that entry or a later one,
//! those objects are no longer part of the remote's state, so a backup
//! deletes them. It deletes loose objects directly. For objects inside a
//! pack, it stores a new pack without them before it deletes the old one.
//! The remote is a whole vault after every step, so an interrupted pass
//! leaves a remote that checks clean, and the next backup repeats the pass
//! with the same names and bytes.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::pack;
use super::remote::Remote;
use crate::error::{Error, RemoteProblem, Result};
use crate::store::journal::Entry;
use crate::store::{Store, OBJECTS_DIR};

/// The objects that journal entries removed, by vault name
/// (`objects/xx/<id>`), each with the number of the entry that removed it.
pub(super) struct Removed {
    by_name: HashMap<String, u64>,
}

impl Removed {
    /// Collects the `removed` lists of `entries`.
    pub fn collect<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Self {
        let mut by_name = HashMap::new();
        for entry in entries {
            for id in &entry.payload.removed {
                by_name.insert(Store::object_name(*id), entry.seq);
            }
        }
        Self { by_name }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// Returns the number of the entry that removed the object `name`.
    pub fn removed_by(&self, name: &str) -> Option<u64> {
        self.by_name.get(name).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }
}

/// Deletes from the remote the objects that the entries after entry
/// `cleaned` removed, and every other object of `removed` found on the way.
/// `entries` is the journal up to the remote's `HEAD`, which is already
/// stored, and `removed` the objects those entries removed. Returns how
/// many object files were deleted, loose or from packs.
///
/// Loose objects are deleted when a listing of `objects/` shows them. A
/// pack is downloaded when its entry range contains an entry that wrote
/// one of those objects. If it contains removed objects, a pack without
/// them is stored under [`pack::rewritten_name`], and only then is the old
/// pack deleted.
///
/// A pack that cannot be read may hold removed objects. When `resent_all`
/// (`kluis backup --repair` has just sent every entry and object again), it
/// contains nothing the remote needs and is deleted. Otherwise it may hold the
/// only copy of some entries, so it is left as it is and reported after
/// the other packs are done.
pub(super) fn remove_destroyed(
    remote: &Remote,
    entries: &[Entry],
    removed: &Removed,
    cleaned: u64,
    resent_all: bool,
) -> Result<u64> {
    let pending: HashSet<&str> = removed
        .by_name
        .iter()
        .filter(|(_, &by)| by > cleaned)
        .map(|(name, _)| name.as_str())
        .collect();
    if pending.is_empty() {
        return Ok(0);
    }
    // A pack contains an object only together with the entry that wrote it.
    let writers: Vec<u64> = entries
        .iter()
        .filter(|entry| {
            entry
                .payload
                .objects
                .iter()
                .any(|object| pending.contains(Store::object_name(object.id).as_str()))
        })
        .map(|entry| entry.seq)
        .collect();

    let mut deleted: BTreeSet<String> = BTreeSet::new();
    let loose: Vec<String> = remote
        .list(&format!("{OBJECTS_DIR}/"))?
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| removed.contains(name))
        .collect();
    remote.delete_many(&loose)?;
    deleted.extend(loose);

    let mut packs: Vec<(String, u64, u64)> = remote
        .list(&format!("{}/", pack::PACKS_DIR))?
        .into_iter()
        .filter_map(|(name, _)| pack::parse_name(&name).map(|(first, last)| (name, first, last)))
        .collect();
    packs.sort();
    let mut unreadable = None;
    for (name, first, last) in packs {
        // `writers` is in journal order, so sorted.
        let index = writers.partition_point(|&seq| seq < first);
        if writers.get(index).is_none_or(|&seq| seq > last) {
            continue;
        }
        let Some(bytes) = remote.get(&name)? else {
            continue;
        };
        let mut remaining = Vec::new();
        let mut dropped = Vec::new();
        let read = pack::read(&name, &bytes, |member, content| {
            match removed.removed_by(member) {
                Some(by) => dropped.push((member.to_string(), by)),
                None => remaining.push((member.to_string(), content)),
            }
            Ok(())
        });
        match read {
            Ok(()) => {}
            Err(Error::Damaged(_)) if resent_all => {
                remote.delete(&name)?;
                continue;
            }
            Err(Error::Damaged(damage)) => {
                unreadable.get_or_insert(damage);
                continue;
            }
            Err(err) => return Err(err),
        }
        // Naming the new pack by the last entry whose removals it lacks
        // makes a repeated pass, and a pass from another computer, write the
        // same name with the same bytes.
        let Some(removed_by) = dropped.iter().map(|(_, by)| *by).max() else {
            continue;
        };
        let new_name = pack::rewritten_name(first, last, removed_by);
        remote.put(&new_name, pack::build(&new_name, &remaining)?)?;
        if new_name != name {
            remote.delete(&name)?;
        }
        deleted.extend(dropped.into_iter().map(|(member, _)| member));
    }
    if let Some(damage) = unreadable {
        return Err(Error::Remote {
            remote: remote.target().to_string(),
            problem: RemoteProblem::Damaged(damage),
        });
    }
    Ok(deleted.len() as u64)
}

/// Returns the first state from `seq` on that a remote whose `HEAD` is
/// entry `head` can restore whole: the first whose objects no later entry
/// up to `head` removed. A state before a destruction lacks the destroyed
/// dossier's files, because backups delete them. Also returns the entry
/// that destroyed a dossier of state `seq`, when there is one.
pub(super) fn first_restorable<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
    seq: u64,
    head: u64,
) -> (u64, Option<u64>) {
    let entries: Vec<&Entry> = entries
        .into_iter()
        .take_while(|entry| entry.seq <= head)
        .collect();
    let removed = Removed::collect(entries.iter().copied());
    // Each removed object blocks the states from the entry that wrote it
    // to the one before the entry that removed it.
    let mut blocked: Vec<(u64, u64)> = Vec::new();
    for entry in &entries {
        for object in &entry.payload.objects {
            if let Some(by) = removed.removed_by(&Store::object_name(object.id)) {
                blocked.push((entry.seq, by));
            }
        }
    }
    let blocking = |state: u64| {
        blocked
            .iter()
            .filter(move |&&(written, by)| written <= state && state < by)
            .map(|&(_, by)| by)
    };
    let destroyed = blocking(seq).min();
    let mut state = seq;
    while let Some(by) = blocking(state).max() {
        state = by;
    }
    (state, destroyed)
}

#[cfg(test)]
mod tests {
    use serde_bytes::ByteBuf;

    use super::*;
    use crate::format::{EntryPayload, ObjectRef};
    use crate::ids::{ObjectId, VaultId};

    /// Returns entry `seq` that wrote `objects` and removed `removed`.
    fn entry(seq: u64, objects: &[ObjectId], removed: &[ObjectId]) -> Entry {
        Entry {
            seq,
            hash: [seq as u8; 32],
            payload: EntryPayload {
                version: 3,
                vault: VaultId([1; 16]),
                seq,
                prev: ByteBuf::new(),
                objects: objects
                    .iter()
                    .map(|id| ObjectRef {
                        id: *id,
                        sha256: ByteBuf::from(vec![0; 32]),
                    })
                    .collect(),
                event: ByteBuf::new(),
                removed: removed.to_vec(),
            },
        }
    }

    #[test]
    fn removed_objects_named_with_their_destruction() {
        let (a, b, c) = (ObjectId([0xa; 16]), ObjectId([0xb; 16]), ObjectId([0xc; 16]));
        let entries = [
            entry(1, &[a, b], &[]),
            entry(2, &[c], &[]),
            entry(3, &[], &[a, b]),
        ];
        let removed = Removed::collect(&entries);
        assert_eq!(removed.removed_by(&Store::object_name(a)), Some(3));
        assert_eq!(removed.removed_by(&Store::object_name(b)), Some(3));
        assert!(!removed.contains(&Store::object_name(c)));
        assert!(Removed::collect(&entries[..2]).is_empty());
    }

    #[test]
    fn states_before_destruction_not_restorable() {
        // Dossier A (objects a1, a2) is written in entries 1 and 3 and
        // destroyed in 5; dossier B (object b) in 4, destroyed in 7.
        let (a1, a2, b, c) = (
            ObjectId([1; 16]),
            ObjectId([2; 16]),
            ObjectId([3; 16]),
            ObjectId([4; 16]),
        );
        let entries = [
            entry(1, &[a1], &[]),
            entry(2, &[c], &[]),
            entry(3, &[a2], &[]),
            entry(4, &[b], &[]),
            entry(5, &[], &[a1, a2]),
            entry(6, &[], &[]),
            entry(7, &[], &[b]),
            entry(8, &[], &[]),
        ];
        assert_eq!(first_restorable(&entries, 1, 8), (7, Some(5)));
        assert_eq!(first_restorable(&entries, 4, 8), (7, Some(5)));
        assert_eq!(first_restorable(&entries, 5, 8), (7, Some(7)));
        assert_eq!(first_restorable(&entries, 7, 8), (7, None));
        assert_eq!(first_restorable(&entries, 8, 8), (8, None));
        // Destructions after the remote's HEAD are not part of its state.
        assert_eq!(first_restorable(&entries, 2, 4), (2, None));
        assert_eq!(first_restorable(&entries, 5, 6), (5, None));
        assert_eq!(first_restorable(&entries, 4, 6), (5, Some(5)));
    }
}
