//! Backups: copying a vault's files to a remote, checking the copy, and
//! restoring it into a new folder (vault-format.md, section 13).
//!
//! The remote contains the vault's own files under the same names, and
//! nothing else: every object and journal entry as it is, `kluis.cbor`,
//! `identity.age`, `recovery.age`, and `HEAD`, with small files of a large
//! backup bundled in tar packs. The journal records what changed since the
//! remote's `HEAD`, so a backup sends only the entries
//! after it and the objects those entries wrote, in the vault's write
//! order: objects, then entries, then `HEAD`. An interrupted backup leaves
//! the remote's `HEAD` where it was, which is a whole, verified state.
//! After `HEAD`, a backup deletes the files of dossiers destroyed since
//! its last pass over that remote (module `removal`).

pub mod pack;
pub mod remote;
mod removal;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

use crate::check::{self, Depth};
use crate::error::{Damage, Error, JournalProblem, RemoteProblem, Result};
use crate::format::{cbor, HeadPayload, VaultHeader};
use crate::ids::VaultId;
use crate::keys::{self, CounsellorKeys};
use crate::model::{read_header, Vault};
use crate::store::journal::{self, entry_name, Entry, Journal};
use crate::store::seen::{Lineage, SeenHeads};
use crate::store::{
    fsutil, sha256, Store, HEADER_FILE, HEAD_FILE, IDENTITY_FILE, JOURNAL_DIR, OBJECTS_DIR, RECOVERY_FILE,
};
pub use remote::{Remote, Target};
use remote::{Source, Upload};

/// Above this many files to send, the remote is listed first so that files
/// an interrupted backup already sent are not sent again.
const LIST_FIRST_ABOVE: usize = 64;

/// Above this many objects and entries to send, they go in packs.
const PACK_ABOVE: usize = 256;

/// Progress reports of a running backup, check or restore.
pub trait Progress {
    /// The plan: how many files and bytes will be sent.
    fn planned(&mut self, files: u64, bytes: u64);
    /// Counts one more file of `bytes` bytes as done.
    fn sent(&mut self, bytes: u64);
}

/// A progress report that shows nothing.
pub struct Silent;

impl Progress for Silent {
    fn planned(&mut self, _files: u64, _bytes: u64) {}
    fn sent(&mut self, _bytes: u64) {}
}

/// The account of one backup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BackupSummary {
    /// The remote's journal position before and after.
    pub before: u64,
    pub after: u64,
    /// Objects and journal entries sent, loose or in packs.
    pub objects: u64,
    pub entries: u64,
    /// Packs among the files sent.
    pub packs: u64,
    /// Other files sent: `kluis.cbor`, the key files and `HEAD`.
    pub other_files: u64,
    /// Files sent (`HEAD` included) and their bytes.
    pub files: u64,
    pub bytes: u64,
    /// Files an interrupted earlier backup had already sent.
    pub already_there: u64,
    /// The remote's position this computer had seen before it was found
    /// rolled back: the backup sent the missing state again.
    pub repaired_rollback: Option<u64>,
    /// Files of destroyed dossiers deleted from the remote: loose objects,
    /// and objects taken out of packs.
    pub removed: u64,
}

/// A vault's public files as one consistent state: its header, a `HEAD`
/// and the verified journal up to the entry that `HEAD` names.
struct Snapshot {
    store: Store,
    header_bytes: Vec<u8>,
    header: VaultHeader,
    head_bytes: Vec<u8>,
    entries: Vec<Entry>,
}

impl Snapshot {
    /// Reads the vault at `path` without its passphrase: the journal is
    /// verified with the public signature key of `kluis.cbor`. A journal
    /// that does not extend what this computer saw is refused, so a
    /// rolled-back vault never overwrites a good backup.
    fn read(path: &Path, seen: &SeenHeads) -> Result<Self> {
        let store = Store::new(path);
        let Some(header_bytes) = fsutil::read_optional(&store.file(HEADER_FILE))? else {
            return Err(Error::VaultNotFound {
                path: path.to_path_buf(),
            });
        };
        let header = read_header(&header_bytes)?;
        let key = verifying_key(&header)?;
        // A writer may move HEAD while this runs. Entries never change, so
        // the journal read after this HEAD contains its entry.
        for _ in 0..3 {
            let Some(head_bytes) = fsutil::read_optional(&store.file(HEAD_FILE))? else {
                return Err(Error::Damaged(Damage::Missing {
                    file: HEAD_FILE.into(),
                }));
            };
            let head = journal::verify_head(&head_bytes, header.vault, &key)?;
            let loaded = Journal::load(&store, header.vault, &header_bytes, &key)?;
            seen.lineage(header.vault, &loaded, &store)?.into_result()?;
            seen.remember(header.vault, &loaded)?;
            let mut entries = loaded.entries;
            entries.truncate(head.seq as usize);
            if entries
                .last()
                .is_some_and(|last| last.hash.as_slice() == head.entry.as_slice())
            {
                return Ok(Self {
                    store,
                    header_bytes,
                    header,
                    head_bytes,
                    entries,
                });
            }
        }
        Err(Error::Locked)
    }

    fn seq(&self) -> u64 {
        self.entries.len() as u64
    }
}

fn verifying_key(header: &VaultHeader) -> Result<ed25519_dalek::VerifyingKey> {
    let bytes: [u8; 32] =
        header.signing_key.as_slice().try_into().map_err(|_| {
            Error::unreadable(HEADER_FILE, crate::format::FormatError::Invalid("public keys"))
        })?;
    ed25519_dalek::VerifyingKey::from_bytes(&bytes)
        .map_err(|_| Error::unreadable(HEADER_FILE, crate::format::FormatError::Invalid("public keys")))
}

/// This computer's memory of a remote: the last state it sent there or
/// verified there, the SHA-256 of the `identity.age` it sent, and the entry
/// up to which it deleted the files of destroyed dossiers there. It lives
/// beside the memory of vaults, in `remotes/`, named by a hash of the
/// remote's location.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RemoteRecord {
    vault: VaultId,
    seq: u64,
    entry: ByteBuf,
    identity: ByteBuf,
    /// The removals of entries up to this one were applied on the remote.
    /// It is absent when 0: a file written before this field existed then
    /// still decodes. kluis writes it only once the journal has removed
    /// objects, so the memory of a remote whose vault never destroyed a
    /// dossier stays readable by versions that reject unknown keys.
    #[serde(default, skip_serializing_if = "is_zero")]
    cleaned: u64,
}

fn is_zero(value: &u64) -> bool {
    *value == 0
}

struct RemoteMemory {
    path: PathBuf,
}

impl RemoteMemory {
    fn new(seen: &SeenHeads, target: &Target) -> Self {
        Self {
            path: seen.folder().join("remotes").join(target.memory_key()),
        }
    }

    fn load(&self, vault: VaultId) -> Option<RemoteRecord> {
        let bytes = fsutil::read_optional(&self.path).ok().flatten()?;
        let record: RemoteRecord = cbor::from_slice(&bytes).ok()?;
        (record.vault == vault && record.seq > 0 && record.entry.len() == 32 && record.cleaned <= record.seq)
            .then_some(record)
    }

    fn save(&self, record: &RemoteRecord) -> Result<()> {
        let folder = self.path.parent().expect("the memory file has a folder");
        fsutil::create_private_dir(folder.parent().expect("remotes/ has a parent"))?;
        fsutil::create_private_dir(folder)?;
        fsutil::replace(&self.path, &cbor::to_vec(record))
    }
}

fn remote_problem(remote: &Remote, problem: RemoteProblem) -> Error {
    Error::Remote {
        remote: remote.target().to_string(),
        problem,
    }
}

fn remote_damage(remote: &Remote, damage: Damage) -> Error {
    remote_problem(remote, RemoteProblem::Damaged(damage))
}

/// How much of the vault a backup sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The files the remote lacks, judged by its `HEAD`.
    Missing,
    /// Every file again, to repair a remote that lost or damaged files
    /// before its `HEAD`.
    Everything,
}

/// Sends what `target` lacks of the vault at `vault`, or everything.
pub fn backup(
    vault: &Path,
    target: Target,
    seen: &SeenHeads,
    scope: Scope,
    progress: &mut dyn Progress,
) -> Result<BackupSummary> {
    let everything = scope == Scope::Everything;
    let local = Snapshot::read(vault, seen)?;
    let remote = Remote::connect(target)?;
    let memory = RemoteMemory::new(seen, remote.target());
    let remembered = memory.load(local.header.vault);
    let key = verifying_key(&local.header)?;

    let remote_header = remote.get(HEADER_FILE)?;
    let remote_head = remote.get(HEAD_FILE)?;
    if let Some(bytes) = &remote_header {
        if *bytes != local.header_bytes {
            return Err(match read_header(bytes) {
                Ok(other) if other.vault != local.header.vault => {
                    remote_problem(&remote, RemoteProblem::OtherVault)
                }
                _ => remote_damage(
                    &remote,
                    Damage::Modified {
                        file: HEADER_FILE.into(),
                    },
                ),
            });
        }
    }
    let before = match &remote_head {
        None => None,
        Some(bytes) => Some(journal::verify_head(bytes, local.header.vault, &key).map_err(
            |err| match err {
                Error::Damaged(_) if remote_header.is_none() => {
                    remote_problem(&remote, RemoteProblem::OtherVault)
                }
                Error::Damaged(damage) => remote_damage(&remote, damage),
                other => other,
            },
        )?),
    };
    let before_seq = before.as_ref().map_or(0, |head| head.seq);
    if before_seq > local.seq() {
        return Err(remote_problem(
            &remote,
            RemoteProblem::Ahead {
                remote: before_seq,
                local: local.seq(),
            },
        ));
    }
    if let Some(head) = &before {
        if local.entries[head.seq as usize - 1].hash.as_slice() != head.entry.as_slice() {
            return Err(remote_problem(&remote, RemoteProblem::Forked { seq: head.seq }));
        }
    }
    // The remote is behind what this computer sent there: its storage lost
    // the newer files, or put older ones back. Everything after its HEAD is
    // sent again, and the whole remote is compared, as other files may be
    // gone too.
    let rolled_back = remembered
        .as_ref()
        .map(|record| record.seq)
        .filter(|&seq| seq > before_seq);

    let identity = fsutil::read_optional(&local.store.file(IDENTITY_FILE))?.ok_or_else(|| {
        Error::Damaged(Damage::Missing {
            file: IDENTITY_FILE.into(),
        })
    })?;
    let identity_hash = sha256(&identity);
    let identity_current = !everything
        && match &remembered {
            Some(record) if rolled_back.is_none() => record.identity.as_slice() == identity_hash.as_slice(),
            _ => remote.get(IDENTITY_FILE)?.is_some_and(|bytes| bytes == identity),
        };

    let mut first = Vec::new();
    if remote_header.is_none() || everything {
        first.push(Upload {
            name: HEADER_FILE.into(),
            source: Source::Bytes(local.header_bytes.clone()),
        });
    }
    if !identity_current {
        first.push(Upload {
            name: IDENTITY_FILE.into(),
            source: Source::Bytes(identity.clone()),
        });
    }
    let from = if rolled_back.is_some() || everything {
        0
    } else {
        before_seq as usize
    };
    if before.is_none() || rolled_back.is_some() || everything {
        let bytes = fsutil::read_optional(&local.store.file(RECOVERY_FILE))?.ok_or_else(|| {
            Error::Damaged(Damage::Missing {
                file: RECOVERY_FILE.into(),
            })
        })?;
        first.push(Upload {
            name: RECOVERY_FILE.into(),
            source: Source::Bytes(bytes),
        });
    }

    // Every entry after the remote's HEAD, with the objects it wrote. The
    // objects of destroyed dossiers are gone from the vault and never sent.
    let removed = removal::Removed::collect(&local.entries);
    let mut planned = Vec::new();
    for entry in &local.entries[from..] {
        let mut objects = Vec::new();
        for object in &entry.payload.objects {
            if removed.contains(&Store::object_name(object.id)) {
                continue;
            }
            let sha256: [u8; 32] = object.sha256.as_slice().try_into().map_err(|_| {
                Error::Damaged(Damage::Journal {
                    seq: entry.seq,
                    problem: JournalProblem::Malformed,
                })
            })?;
            objects.push(member(
                Store::object_name(object.id),
                local.store.object_path(object.id),
                sha256,
            )?);
        }
        let name = entry_name(entry.seq);
        let path = local.store.file(&name);
        planned.push((entry.seq, member(name, path, entry.hash)?, objects));
    }

    let mut summary = BackupSummary {
        before: before_seq,
        after: local.seq(),
        repaired_rollback: rolled_back,
        ..BackupSummary::default()
    };
    let file_count: usize = planned.iter().map(|(_, _, objects)| objects.len() + 1).sum();
    // Objects go before the entries that list them: loose objects (and
    // objects too large for a pack) first, then entries or packs.
    let (mut early, mut late): (Vec<Upload>, Vec<Upload>) = if file_count > PACK_ABOVE {
        let (packs, large) = pack::plan(planned);
        (
            large.into_iter().map(Upload::file).collect(),
            packs.into_iter().map(Upload::pack).collect(),
        )
    } else {
        let mut objects = Vec::new();
        let mut entries = Vec::new();
        for (_, entry, members) in planned {
            objects.extend(members.into_iter().map(Upload::file));
            entries.push(Upload::file(entry));
        }
        (objects, entries)
    };
    if !everything && (file_count > LIST_FIRST_ABOVE || rolled_back.is_some()) {
        let mut present: HashMap<String, u64> = HashMap::new();
        for folder in [OBJECTS_DIR, JOURNAL_DIR, pack::PACKS_DIR] {
            present.extend(remote.list(&format!("{folder}/"))?);
        }
        for list in [&mut early, &mut late] {
            let before = list.len();
            list.retain(|upload| !already_sent(upload, &present));
            summary.already_there += (before - list.len()) as u64;
        }
    }

    let head_needed =
        before.as_ref().is_none_or(|head| head.seq != local.seq()) || rolled_back.is_some() || everything;
    let total_files = first.len() + early.len() + late.len() + usize::from(head_needed);
    let total_bytes: u64 = [&first, &early, &late]
        .iter()
        .flat_map(|list| list.iter())
        .map(Upload::size)
        .sum::<u64>()
        + if head_needed {
            local.head_bytes.len() as u64
        } else {
            0
        };
    progress.planned(total_files as u64, total_bytes);

    for upload in early.iter().chain(&late) {
        for name in upload.vault_names() {
            if name.starts_with(JOURNAL_DIR) {
                summary.entries += 1;
            } else {
                summary.objects += 1;
            }
        }
    }
    summary.packs = late.iter().filter(|upload| upload.is_pack()).count() as u64;
    summary.other_files = first.len() as u64 + u64::from(head_needed);

    let mut files = 0;
    let mut bytes = 0;
    for list in [first, early, late] {
        remote.put_many(list, |size| {
            files += 1;
            bytes += size;
            progress.sent(size);
        })?;
    }
    if head_needed {
        remote.put(HEAD_FILE, local.head_bytes.clone())?;
        files += 1;
        bytes += local.head_bytes.len() as u64;
        progress.sent(local.head_bytes.len() as u64);
    }
    summary.files = files;
    summary.bytes = bytes;

    // The removals already applied on the remote, as this computer
    // remembers them. After a rollback or for a repair, files deleted
    // before may have come back, so every removal is applied again.
    let last = local.entries.last().expect("a vault has entry 1");
    let cleaned = match &remembered {
        Some(record)
            if rolled_back.is_none()
                && !everything
                && local
                    .entries
                    .get(record.seq as usize - 1)
                    .is_some_and(|entry| entry.hash.as_slice() == record.entry.as_slice()) =>
        {
            record.cleaned
        }
        _ => 0,
    };
    let mut record = RemoteRecord {
        vault: local.header.vault,
        seq: last.seq,
        entry: ByteBuf::from(last.hash.to_vec()),
        identity: ByteBuf::from(identity_hash.to_vec()),
        cleaned,
    };
    memory.save(&record)?;

    // HEAD is on the remote, so the objects its journal removed are no
    // longer part of the remote's state and can go.
    summary.removed = removal::remove_destroyed(&remote, &local.entries, &removed, cleaned, everything)
        .map_err(|err| match err {
            Error::Remote { remote, problem } => Error::RemovalFailed { remote, problem },
            other => other,
        })?;
    if !removed.is_empty() && record.cleaned != last.seq {
        record.cleaned = last.seq;
        memory.save(&record)?;
    }
    Ok(summary)
}

/// Describes a local vault file to send, with its size.
fn member(name: String, path: PathBuf, sha256: [u8; 32]) -> Result<pack::Member> {
    let size = std::fs::metadata(&path)
        .map_err(|err| crate::store::read_damage(err, &name))?
        .len();
    Ok(pack::Member {
        name,
        path,
        sha256,
        size,
    })
}

/// Returns whether the remote has a file of this name and size. Every file
/// is write-once and the remote stores whole files, so the same size means
/// that an interrupted backup already sent it. `kluis remote check --full`
/// compares contents.
fn already_sent(upload: &Upload, present: &HashMap<String, u64>) -> bool {
    present
        .get(&upload.name)
        .is_some_and(|&size| size == upload.size())
}

/// The journal of a remote, verified as far as it goes.
struct RemoteJournal {
    header_bytes: Vec<u8>,
    header: VaultHeader,
    head_bytes: Option<Vec<u8>>,
    head: Option<HeadPayload>,
    /// The verified chain from entry 1, with each entry's bytes.
    entries: Vec<(Entry, Vec<u8>)>,
    /// Files below `objects/` and `journal/`, with their sizes.
    files: HashMap<String, u64>,
    /// Objects found in packs, with their sizes and SHA-256.
    packed: HashMap<String, (u64, [u8; 32])>,
    findings: Vec<RemoteFinding>,
}

/// Something wrong with a remote.
#[derive(Debug)]
pub enum RemoteFinding {
    /// A file the remote's journal needs is not there.
    Missing { file: String },
    /// A file's contents differ from what the journal recorded.
    Modified { file: String },
    /// A journal entry does not verify; the chain ends before it.
    Journal { seq: u64, problem: JournalProblem },
    /// `HEAD` does not verify or names no entry of the chain.
    Head,
    /// The remote's journal ends before the state this computer sent or
    /// verified there.
    RolledBack { seen: u64, found: u64 },
    /// The remote has another entry where this computer saw one.
    Forked { seq: u64 },
}

impl RemoteFinding {
    /// Returns whether this is a rollback or fork rather than damage.
    pub fn is_lineage(&self) -> bool {
        matches!(
            self,
            RemoteFinding::RolledBack { .. } | RemoteFinding::Forked { .. }
        )
    }
}

/// The `kluis.cbor` the remote was checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The vault on this computer.
    LocalVault,
    /// The remote's own, which this computer had seen before.
    Remembered,
    /// The remote's own, seen for the first time: its signatures prove the
    /// files belong together, not whose they are.
    FirstSight,
}

/// The result of checking a remote.
#[derive(Debug)]
pub struct Verification {
    pub anchor: Anchor,
    /// The entry the remote's `HEAD` names, and the last entry of its chain.
    pub head: u64,
    pub entries: u64,
    pub objects: u64,
    /// Bytes downloaded and hashed (full check).
    pub bytes_checked: u64,
    /// The local vault's last entry, when checked against one.
    pub local: Option<u64>,
    /// Objects that no entry lists, as an interrupted backup leaves them.
    pub unlisted: u64,
    /// Objects of destroyed dossiers still on the remote, loose or in
    /// packs, which the next backup deletes.
    pub removed_pending: u64,
    pub findings: Vec<RemoteFinding>,
}

/// Reads a remote's journal from its entry files and packs, and verifies
/// it. `packed` is given the name and bytes of every object in a pack.
fn read_remote_journal(
    remote: &Remote,
    anchor_header: Option<&[u8]>,
    packed: &mut dyn FnMut(&str, &[u8]) -> Result<()>,
) -> Result<RemoteJournal> {
    let Some(header_bytes) = remote.get(HEADER_FILE)? else {
        return Err(remote_problem(remote, RemoteProblem::NoBackup));
    };
    if anchor_header.is_some_and(|anchor| anchor != header_bytes.as_slice()) {
        return Err(match read_header(&header_bytes) {
            Ok(header)
                if anchor_header
                    .and_then(|a| read_header(a).ok())
                    .is_some_and(|a| a.vault == header.vault) =>
            {
                remote_damage(
                    remote,
                    Damage::Modified {
                        file: HEADER_FILE.into(),
                    },
                )
            }
            Ok(_) => remote_problem(remote, RemoteProblem::OtherVault),
            Err(Error::Damaged(damage)) => remote_damage(remote, damage),
            Err(err) => return Err(err),
        });
    }
    let header = read_header(&header_bytes).map_err(|err| match err {
        Error::Damaged(damage) => remote_damage(remote, damage),
        other => other,
    })?;
    let key = verifying_key(&header)?;
    let mut findings = Vec::new();

    let mut files: HashMap<String, u64> = remote.list(&format!("{JOURNAL_DIR}/"))?.into_iter().collect();
    let mut numbers: Vec<u64> = files
        .keys()
        .filter_map(|name| name.strip_prefix(&format!("{JOURNAL_DIR}/")))
        .filter(|name| name.len() == 12)
        .filter_map(|name| name.parse::<u64>().ok())
        .filter(|&seq| seq > 0)
        .collect();
    numbers.sort_unstable();
    files.extend(remote.list(&format!("{OBJECTS_DIR}/"))?);
    let packs: Vec<(String, u64)> = remote
        .list(&format!("{}/", pack::PACKS_DIR))?
        .into_iter()
        .filter(|(name, _)| pack::parse_name(name).is_some())
        .collect();

    let head_bytes = remote.get(HEAD_FILE)?;
    let head = match &head_bytes {
        None => {
            findings.push(RemoteFinding::Missing {
                file: HEAD_FILE.into(),
            });
            None
        }
        Some(bytes) => match journal::verify_head(bytes, header.vault, &key) {
            Ok(head) => Some(head),
            Err(_) => {
                findings.push(RemoteFinding::Head);
                None
            }
        },
    };

    // Packs and entries are fetched several at a time; the entries are
    // then verified in order.
    let mut from_packs: HashMap<u64, Vec<u8>> = HashMap::new();
    let mut objects_packed: HashMap<String, (u64, [u8; 32])> = HashMap::new();
    let pack_names: Vec<String> = packs.iter().map(|(name, _)| name.clone()).collect();
    remote.get_many(&pack_names, |index, bytes| {
        let name = &pack_names[index];
        let Some(bytes) = bytes else {
            findings.push(RemoteFinding::Missing { file: name.clone() });
            return Ok(());
        };
        // A pack that does not read to its end contributes no member: the
        // members before the damage may be cut short, and a backup can
        // leave good copies of them in another pack.
        let mut members = Vec::new();
        let read = pack::read(name, &bytes, |member, content| {
            members.push((member.to_string(), content));
            Ok(())
        });
        match read {
            Ok(()) => {}
            Err(Error::Damaged(_)) => {
                findings.push(RemoteFinding::Modified { file: name.clone() });
                return Ok(());
            }
            Err(err) => return Err(err),
        }
        for (member, content) in members {
            if let Some(seq) = member.strip_prefix(&format!("{JOURNAL_DIR}/")) {
                from_packs.insert(seq.parse().unwrap_or(0), content);
            } else {
                packed(&member, &content)?;
                objects_packed.insert(member, (content.len() as u64, sha256(&content)));
            }
        }
        Ok(())
    })?;
    // Only entries that the listing or a pack shows are fetched, so neither
    // a stray file name nor a large number in HEAD makes kluis ask for, or
    // make room for, entries that are not there.
    let last_listed = numbers
        .last()
        .copied()
        .unwrap_or(0)
        .max(from_packs.keys().copied().max().unwrap_or(0));
    let mut fetched: HashMap<u64, Vec<u8>> = from_packs;
    let names: Vec<String> = numbers
        .iter()
        .filter(|seq| !fetched.contains_key(seq))
        .map(|&seq| entry_name(seq))
        .collect();
    remote.get_many(&names, |index, bytes| {
        let seq: u64 = names[index][JOURNAL_DIR.len() + 1..]
            .parse()
            .expect("made from a number");
        if let Some(bytes) = bytes {
            fetched.insert(seq, bytes);
        }
        Ok(())
    })?;
    let mut entries: Vec<(Entry, Vec<u8>)> = Vec::new();
    let mut prev = sha256(&header_bytes);
    for seq in 1u64.. {
        let Some(bytes) = fetched.remove(&seq) else {
            // A backup sends entries several at a time, so one it
            // interrupted can leave a gap after HEAD: the chain then ends
            // at the gap. Without a HEAD that verifies, the listing is all
            // there is, and a gap before a listed entry is damage.
            let needed = match &head {
                Some(head) => seq <= head.seq,
                None => seq < last_listed,
            };
            if needed {
                findings.push(RemoteFinding::Missing {
                    file: entry_name(seq),
                });
            }
            break;
        };
        match journal::verify_entry(&bytes, seq, header.vault, &prev, &key) {
            Ok(entry) => {
                if entries
                    .last()
                    .is_some_and(|(last, _)| entry.payload.version < last.payload.version)
                {
                    findings.push(RemoteFinding::Journal {
                        seq,
                        problem: JournalProblem::OlderVersion,
                    });
                    break;
                }
                prev = entry.hash;
                entries.push((entry, bytes));
            }
            Err(Error::Damaged(Damage::Journal { problem, .. })) => {
                findings.push(RemoteFinding::Journal { seq, problem });
                break;
            }
            Err(err) => return Err(err),
        }
    }
    if let Some(head_payload) = &head {
        let named = entries.get(head_payload.seq as usize - 1);
        let broken_before = findings
            .iter()
            .any(|f| matches!(f, RemoteFinding::Journal { .. } | RemoteFinding::Missing { .. }));
        if !broken_before
            && named.is_none_or(|(entry, _)| entry.hash.as_slice() != head_payload.entry.as_slice())
        {
            findings.push(RemoteFinding::Head);
        }
    }
    Ok(RemoteJournal {
        header_bytes,
        header,
        head_bytes,
        head,
        entries,
        files,
        packed: objects_packed,
        findings,
    })
}

/// Checks a remote's journal and `HEAD` (signatures, hash chain), its
/// recovery file, and that every object the journal lists is there with a
/// plausible size. The remote is compared with this computer's memory of it
/// and with the local vault at `vault`, if there is one. `Depth::Full` also
/// downloads every object and compares its SHA-256.
pub fn verify(
    target: Target,
    vault: Option<&Path>,
    depth: Depth,
    seen: &SeenHeads,
    progress: &mut dyn Progress,
) -> Result<Verification> {
    let local_header = match vault {
        Some(path) => fsutil::read_optional(&Store::new(path).file(HEADER_FILE))?,
        None => None,
    };
    let local = match (vault, &local_header) {
        (Some(path), Some(_)) => Some(Snapshot::read(path, seen)?),
        _ => None,
    };
    let remote = Remote::connect(target)?;
    let memory = RemoteMemory::new(seen, remote.target());
    let mut journal = read_remote_journal(&remote, local_header.as_deref(), &mut |_, _| Ok(()))?;
    let remembered = memory.load(journal.header.vault);
    let anchor = match (&local, &remembered) {
        (Some(_), _) => Anchor::LocalVault,
        (None, Some(_)) => Anchor::Remembered,
        (None, None) => Anchor::FirstSight,
    };
    let mut findings = std::mem::take(&mut journal.findings);
    let found = journal
        .head
        .as_ref()
        .map_or(journal.entries.len() as u64, |head| head.seq);

    // The remote's state is the entry its HEAD names. An older HEAD put
    // back is a rollback even when the newer entries are still there.
    if let Some(record) = &remembered {
        match journal.entries.get(record.seq as usize - 1) {
            Some((entry, _)) if entry.hash.as_slice() != record.entry.as_slice() => {
                findings.push(RemoteFinding::Forked { seq: record.seq })
            }
            _ if record.seq > found => findings.push(RemoteFinding::RolledBack {
                seen: record.seq,
                found,
            }),
            _ => {}
        }
    }
    if let Some(local) = &local {
        let shared = (found.min(local.seq())) as usize;
        if shared > 0
            && journal
                .entries
                .get(shared - 1)
                .is_some_and(|(entry, _)| entry.hash != local.entries[shared - 1].hash)
        {
            findings.push(RemoteFinding::Forked { seq: shared as u64 });
        }
    }

    match remote.get(RECOVERY_FILE)? {
        None => findings.push(RemoteFinding::Missing {
            file: RECOVERY_FILE.into(),
        }),
        Some(bytes) if sha256(&bytes).as_slice() != journal.header.recovery_file.as_slice() => {
            findings.push(RemoteFinding::Modified {
                file: RECOVERY_FILE.into(),
            })
        }
        Some(_) => {}
    }
    if remote.get(IDENTITY_FILE)?.is_none() {
        findings.push(RemoteFinding::Missing {
            file: IDENTITY_FILE.into(),
        });
    }

    // The remote's state is what its HEAD names; entries after it are what
    // an interrupted backup left, and their objects may still be missing.
    // The objects those entries removed are not expected, and the next
    // backup deletes any that are still there.
    let reached = (found as usize).min(journal.entries.len());
    let written = listed_objects(&journal.entries[..reached]);
    let written_names: HashSet<&str> = written.iter().map(|(name, _)| name.as_str()).collect();
    let removed = removal::Removed::collect(journal.entries[..reached].iter().map(|(entry, _)| entry));
    let stored_objects: HashSet<&String> = journal
        .files
        .keys()
        .chain(journal.packed.keys())
        .filter(|name| name.starts_with(OBJECTS_DIR))
        .collect();
    let unlisted = stored_objects
        .iter()
        .filter(|name| !written_names.contains(name.as_str()))
        .count() as u64;
    let pending: Vec<&String> = stored_objects
        .iter()
        .copied()
        .filter(|name| removed.contains(name))
        .collect();
    let first_pending = pending.iter().filter_map(|name| removed.removed_by(name)).min();
    let listed: Vec<(String, [u8; 32])> = written
        .iter()
        .filter(|(name, _)| !removed.contains(name))
        .cloned()
        .collect();
    let mut present = Vec::new();
    let mut bytes_checked = 0;
    for (name, hash) in &listed {
        if let Some((size, packed_hash)) = journal.packed.get(name) {
            // Packed objects were downloaded with their pack.
            bytes_checked += size;
            if packed_hash != hash {
                findings.push(RemoteFinding::Modified { file: name.clone() });
            }
            continue;
        }
        match journal.files.get(name) {
            None => findings.push(RemoteFinding::Missing { file: name.clone() }),
            Some(&size) if size < AGE_MINIMUM => {
                findings.push(RemoteFinding::Modified { file: name.clone() })
            }
            Some(&size) => present.push((name.clone(), *hash, size)),
        }
    }

    if depth == Depth::Full {
        let total: u64 = present.iter().map(|(_, _, size)| size).sum();
        progress.planned(present.len() as u64, total);
        let (large, small): (Vec<_>, Vec<_>) = present
            .into_iter()
            .partition(|(_, _, size)| *size > remote::PART_SIZE as u64);
        let names: Vec<String> = small.iter().map(|(name, _, _)| name.clone()).collect();
        remote.get_many(&names, |index, bytes| {
            let (name, hash, _) = &small[index];
            match bytes {
                None => findings.push(RemoteFinding::Missing { file: name.clone() }),
                Some(bytes) => {
                    bytes_checked += bytes.len() as u64;
                    progress.sent(bytes.len() as u64);
                    if sha256(&bytes) != *hash {
                        findings.push(RemoteFinding::Modified { file: name.clone() });
                    }
                }
            }
            Ok(())
        })?;
        for (name, hash, _) in large {
            use sha2::{Digest, Sha256};
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            let found = remote.download(&name, |part| {
                hasher.update(part);
                size += part.len() as u64;
                Ok(())
            })?;
            bytes_checked += size;
            progress.sent(size);
            if !found {
                findings.push(RemoteFinding::Missing { file: name });
            } else if <[u8; 32]>::from(hasher.finalize()) != hash {
                findings.push(RemoteFinding::Modified { file: name });
            }
        }
    }

    // Files of destroyed dossiers still there make this computer forget
    // that it removed them, so that its next backup removes them again.
    let mut cleaned = remembered.as_ref().map_or(0, |record| record.cleaned);
    if let Some(by) = first_pending {
        cleaned = cleaned.min(by - 1);
    }
    // A clean remote becomes what this computer remembers of it, so a
    // later rollback of the remote is noticed.
    let last = (found as usize)
        .checked_sub(1)
        .and_then(|index| journal.entries.get(index));
    match (&remembered, last) {
        (_, Some((last, _)))
            if findings.is_empty() && remembered.as_ref().is_none_or(|record| record.seq <= last.seq) =>
        {
            let identity = remembered
                .as_ref()
                .map_or_else(Vec::new, |record| record.identity.to_vec());
            memory.save(&RemoteRecord {
                vault: journal.header.vault,
                seq: last.seq,
                entry: ByteBuf::from(last.hash.to_vec()),
                identity: ByteBuf::from(identity),
                cleaned,
            })?;
        }
        (Some(record), _) if cleaned < record.cleaned => {
            memory.save(&RemoteRecord {
                cleaned,
                ..record.clone()
            })?;
        }
        _ => {}
    }

    Ok(Verification {
        anchor,
        head: found,
        entries: journal.entries.len() as u64,
        objects: listed.len() as u64,
        bytes_checked,
        local: local.as_ref().map(Snapshot::seq),
        unlisted,
        removed_pending: pending.len() as u64,
        findings,
    })
}

/// Returns the name and SHA-256 of every object the entries list. A
/// malformed hash becomes zeros, which no file matches.
fn listed_objects(entries: &[(Entry, Vec<u8>)]) -> Vec<(String, [u8; 32])> {
    entries
        .iter()
        .flat_map(|(entry, _)| entry.payload.objects.iter())
        .map(|object| {
            let hash = object.sha256.as_slice().try_into().unwrap_or([0u8; 32]);
            (Store::object_name(object.id), hash)
        })
        .collect()
}

/// A lower bound on the size of an age file encrypted to an X25519
/// recipient (header, MAC, nonce and one tag): no object is shorter.
const AGE_MINIMUM: u64 = 100;

/// A state a remote holds: a journal position and when it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub seq: u64,
    /// Seconds since 1970 (UTC), from the entry's encrypted event.
    pub time: Option<i64>,
}

/// Lists the states of a remote: every entry of its verified journal, with
/// the time its event records. The times are encrypted, so this needs the
/// passphrase, which opens the remote's `identity.age`.
pub fn states(target: Target, passphrase: SecretString) -> Result<(Vec<State>, u64)> {
    let remote = Remote::connect(target)?;
    let journal = read_remote_journal(&remote, None, &mut |_, _| Ok(()))?;
    if let Some(finding) = journal.findings.into_iter().next() {
        return Err(finding_error(&remote, finding));
    }
    let keys = remote_keys(&remote, &journal.header, passphrase)?;
    let mut states = Vec::with_capacity(journal.entries.len());
    for (entry, _) in &journal.entries {
        let file = entry_name(entry.seq);
        let plaintext = keys::open(&entry.payload.event, &keys.age, &file)?;
        let time = crate::format::decode_event_record(&plaintext)
            .ok()
            .flatten()
            .map(|record| record.time);
        states.push(State { seq: entry.seq, time });
    }
    let head = journal.head.map_or(0, |head| head.seq);
    Ok((states, head))
}

fn remote_keys(remote: &Remote, header: &VaultHeader, passphrase: SecretString) -> Result<CounsellorKeys> {
    let bytes = remote.get(IDENTITY_FILE)?.ok_or_else(|| {
        remote_damage(
            remote,
            Damage::Missing {
                file: IDENTITY_FILE.into(),
            },
        )
    })?;
    let keys = CounsellorKeys::unseal(&bytes, passphrase, header.vault)?;
    if keys.recipient().to_string() != header.counsellor
        || keys.verifying_key().to_bytes().as_slice() != header.signing_key.as_slice()
    {
        return Err(remote_damage(remote, Damage::ForeignIdentity));
    }
    Ok(keys)
}

fn finding_error(remote: &Remote, finding: RemoteFinding) -> Error {
    let damage = match finding {
        RemoteFinding::Missing { file } => Damage::Missing { file },
        RemoteFinding::Modified { file } => Damage::Modified { file },
        RemoteFinding::Journal { seq, problem } => Damage::Journal { seq, problem },
        RemoteFinding::Head => Damage::Modified {
            file: HEAD_FILE.into(),
        },
        RemoteFinding::RolledBack { .. } | RemoteFinding::Forked { .. } => {
            unreachable!("the remote journal reader reports no lineage")
        }
    };
    remote_damage(remote, damage)
}

/// The account of one restore.
#[derive(Debug)]
pub struct RestoreSummary {
    /// The entry the restored vault's `HEAD` names.
    pub seq: u64,
    /// The remote's `HEAD`.
    pub remote_head: u64,
    pub files: u64,
    pub bytes: u64,
    /// The acceptance journaled when the restored state is older than, or
    /// differs from, the one this computer saw last.
    pub accepted: Option<crate::format::RestoreRecord>,
}

/// The outcome of a restore.
#[derive(Debug)]
pub enum Restored {
    /// The vault is in its folder, checked.
    Done(RestoreSummary),
    /// The downloaded copy failed `kluis check --full`; nothing was put in
    /// the destination folder.
    Damaged(check::Report),
}

/// Restores the remote's state at entry `at` (its `HEAD` when `None`) into
/// the new folder `dest`. Files are downloaded and hashed into a hidden
/// folder beside `dest`, the copy is checked as `kluis check --full`
/// would, and only then renamed into place. A state older than the one this
/// computer saw (or another history) is only restored when `confirm`
/// agrees, and the acceptance is journaled in the restored vault.
pub fn restore(
    target: Target,
    dest: &Path,
    at: Option<u64>,
    passphrase: SecretString,
    seen: &SeenHeads,
    confirm: impl FnOnce(Lineage, u64) -> bool,
    progress: &mut dyn Progress,
) -> Result<Restored> {
    ensure_new_folder(dest)?;
    let remote = Remote::connect(target)?;
    let parent = dest
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let staging = tempfile::Builder::new()
        .prefix(".kluis-restore-")
        .permissions(fsutil::private_dir_permissions())
        .tempdir_in(parent)
        .map_err(|err| Error::io(crate::error::IoAction::Creating, parent, err))?;
    let store = Store::new(staging.path());

    let files = std::cell::Cell::new(0u64);
    let bytes = std::cell::Cell::new(0u64);
    let write = |name: &str, content: &[u8]| -> Result<()> {
        let path = store.file(name);
        // Creates `objects/xx` or `journal` and any missing parent, 0700.
        fsutil::create_private_dir(path.parent().expect("vault files have a folder"))?;
        fsutil::write_new(&path, content)?;
        files.set(files.get() + 1);
        bytes.set(bytes.get() + content.len() as u64);
        Ok(())
    };

    // Objects in packs are written as their packs arrive, and checked
    // against the journal once it is verified.
    // A pack sent again by `backup --repair` repeats objects; the first copy
    // is kept, and the full check below compares every object's SHA-256.
    let journal = read_remote_journal(&remote, None, &mut |name, content| {
        if store.file(name).exists() {
            return Ok(());
        }
        write(name, content)
    })?;
    let remote_head = journal.head.as_ref().map_or(0, |head| head.seq);
    let seq = at.unwrap_or(remote_head);
    if seq == 0 || seq > journal.entries.len() as u64 {
        if let Some(finding) = journal.findings.into_iter().next() {
            return Err(finding_error(&remote, finding));
        }
        return Err(remote_problem(&remote, RemoteProblem::NoSuchState { seq }));
    }
    // A state before a destruction that the remote's HEAD includes lacks
    // the destroyed dossier's files, which backups delete.
    if let (first, Some(destroyed)) =
        removal::first_restorable(journal.entries.iter().map(|(entry, _)| entry), seq, remote_head)
    {
        return Err(remote_problem(
            &remote,
            RemoteProblem::DestroyedSince {
                seq,
                destroyed,
                first,
            },
        ));
    }
    let keys = remote_keys(&remote, &journal.header, passphrase.clone())?;
    let entries = &journal.entries[..seq as usize];

    let removed = removal::Removed::collect(entries.iter().map(|(entry, _)| entry));
    let listed: Vec<(String, [u8; 32])> = listed_objects(entries)
        .into_iter()
        .filter(|(name, _)| !removed.contains(name))
        .collect();
    let wanted: HashSet<&str> = listed.iter().map(|(name, _)| name.as_str()).collect();
    for (name, (size, _)) in &journal.packed {
        if !wanted.contains(name.as_str()) {
            // An object of a later state, one no entry lists, or one of a
            // destroyed dossier that a backup has not deleted from the
            // remote yet. The last kind is overwritten before it is deleted,
            // as the vault deletes its own.
            let path = store.file(name);
            if removed.contains(name) {
                fsutil::shred(&path)?;
            } else {
                std::fs::remove_file(&path)
                    .map_err(|err| Error::io(crate::error::IoAction::Writing, &path, err))?;
            }
            files.set(files.get() - 1);
            bytes.set(bytes.get() - size);
        }
    }
    let mut objects = Vec::new();
    for (name, hash) in listed {
        match journal.packed.get(&name) {
            Some((_, packed_hash)) if *packed_hash != hash => {
                return Err(remote_damage(&remote, Damage::Modified { file: name }));
            }
            Some(_) => {}
            None => objects.push((name, hash)),
        }
    }
    // Progress counts what is still to write: the entries and the objects
    // outside packs (packed objects arrived with their packs).
    let total: u64 = objects
        .iter()
        .map(|(name, _)| journal.files.get(name).copied().unwrap_or(0))
        .chain(entries.iter().map(|(_, content)| content.len() as u64))
        .sum();
    progress.planned(objects.len() as u64 + seq, total);

    write(HEADER_FILE, &journal.header_bytes)?;
    for name in [IDENTITY_FILE, RECOVERY_FILE] {
        let content = remote
            .get(name)?
            .ok_or_else(|| remote_damage(&remote, Damage::Missing { file: name.into() }))?;
        write(name, &content)?;
    }
    for (entry, content) in entries {
        write(&entry_name(entry.seq), content)?;
        progress.sent(content.len() as u64);
    }

    let (large, small): (Vec<_>, Vec<_>) = objects
        .into_iter()
        .partition(|(name, _)| journal.files.get(name).copied().unwrap_or(0) > remote::PART_SIZE as u64);
    let names: Vec<String> = small.iter().map(|(name, _)| name.clone()).collect();
    remote.get_many(&names, |index, content| {
        let (name, hash) = &small[index];
        let content =
            content.ok_or_else(|| remote_damage(&remote, Damage::Missing { file: name.clone() }))?;
        if sha256(&content) != *hash {
            return Err(remote_damage(&remote, Damage::Modified { file: name.clone() }));
        }
        progress.sent(content.len() as u64);
        write(name, &content)
    })?;
    for (name, hash) in large {
        let path = store.file(&name);
        fsutil::create_private_dir(path.parent().expect("objects have a folder"))?;
        let mut file = fsutil::AtomicFile::new_in(path.parent().expect("objects have a folder"))?;
        let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
        let mut size = 0u64;
        let found = remote.download(&name, |part| {
            use std::io::Write;
            sha2::Digest::update(&mut hasher, part);
            size += part.len() as u64;
            file.file()
                .write_all(part)
                .map_err(|err| Error::io(crate::error::IoAction::Writing, &path, err))
        })?;
        if !found {
            return Err(remote_damage(&remote, Damage::Missing { file: name }));
        }
        if <[u8; 32]>::from(sha2::Digest::finalize(hasher)) != hash {
            return Err(remote_damage(&remote, Damage::Modified { file: name }));
        }
        file.commit(&path, false)?;
        progress.sent(size);
        files.set(files.get() + 1);
        bytes.set(bytes.get() + size);
    }

    let (last, _) = &entries[seq as usize - 1];
    match (&journal.head_bytes, &journal.head) {
        (Some(head_bytes), Some(head)) if head.seq == seq => write(HEAD_FILE, head_bytes)?,
        _ => journal::write_head(
            &store,
            journal.header.vault,
            last.payload.version,
            seq,
            last.hash,
            &keys.signing,
        )?,
    }
    drop(keys);

    // The same check as `kluis check --full`, on the copy, before anyone
    // uses it. Its memory is this computer's, so the lineage is judged
    // against what this computer saw of the vault.
    let report = check::check(staging.path(), passphrase.clone(), Depth::Full, seen)?;
    let damage: Vec<&check::Finding> = report
        .findings
        .iter()
        .filter(|finding| {
            !matches!(
                finding,
                check::Finding::RolledBack { .. } | check::Finding::Forked { .. }
            )
        })
        .collect();
    if !damage.is_empty() {
        return Ok(Restored::Damaged(report));
    }
    let accepted = Vault::accept_restore(staging.path(), passphrase, seen.clone(), confirm)?;

    if dest.exists() {
        std::fs::remove_dir(dest).map_err(|err| Error::io(crate::error::IoAction::Writing, dest, err))?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, dest).map_err(|err| Error::io(crate::error::IoAction::Writing, dest, err))?;
    fsutil::sync_dir(parent)?;
    Ok(Restored::Done(RestoreSummary {
        seq,
        remote_head,
        files: files.get(),
        bytes: bytes.get(),
        accepted,
    }))
}

/// Fails unless `path` does not exist or is an empty folder.
fn ensure_new_folder(path: &Path) -> Result<()> {
    match std::fs::read_dir(path) {
        Ok(mut entries) => match entries.next() {
            None => Ok(()),
            Some(_) => Err(Error::DestinationNotEmpty {
                path: path.to_path_buf(),
            }),
        },
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(_) => Err(Error::DestinationNotEmpty {
            path: path.to_path_buf(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(cleaned: u64) -> RemoteRecord {
        RemoteRecord {
            vault: VaultId([7; 16]),
            seq: 12,
            entry: ByteBuf::from(vec![1; 32]),
            identity: ByteBuf::from(vec![2; 32]),
            cleaned,
        }
    }

    /// The memory of a remote as kluis wrote it before `cleaned` existed.
    #[derive(Serialize)]
    struct RecordWithoutCleaned {
        vault: VaultId,
        seq: u64,
        entry: ByteBuf,
        identity: ByteBuf,
    }

    #[test]
    fn remote_memory_without_cleaned_still_reads() {
        let old = cbor::to_vec(&RecordWithoutCleaned {
            vault: VaultId([7; 16]),
            seq: 12,
            entry: ByteBuf::from(vec![1; 32]),
            identity: ByteBuf::from(vec![2; 32]),
        });
        let read: RemoteRecord = cbor::from_slice(&old).unwrap();
        assert_eq!(read.cleaned, 0);
        assert!(cbor::to_vec(&record(0)) == old, "0 is written as an absent key");

        let written = cbor::to_vec(&record(9));
        let read: RemoteRecord = cbor::from_slice(&written).unwrap();
        assert_eq!(read.cleaned, 9);
    }

    #[test]
    fn remote_memory_cleaned_beyond_seq_ignored() {
        let folder = tempfile::tempdir().unwrap();
        let memory = RemoteMemory {
            path: folder.path().join("remotes").join("key"),
        };
        memory.save(&record(12)).unwrap();
        assert_eq!(
            memory.load(VaultId([7; 16])).map(|record| record.cleaned),
            Some(12)
        );
        memory.save(&record(13)).unwrap();
        assert!(memory.load(VaultId([7; 16])).is_none());
    }
}
