//! The vault as a counsellor works with it: person dossiers, couple records,
//! notes, attachments and consents, rebuilt from the verified journal.

mod ops;
mod read;
pub mod text;

pub use ops::{item_ref, Attachment, NewPerson};
pub use read::{AttachmentView, DossierSummary, NoteView};

use std::collections::{HashMap, HashSet};
use std::path::Path;

use age::secrecy::SecretString;
use age::x25519;
use ed25519_dalek::VerifyingKey;

use crate::error::{Damage, Error, Result};
use crate::format::{
    cbor, decode_event_record, AccessRecord, CoupleRecord, DestroyRecord, DisclosureRecord, Event,
    EventRecord, NoteKind, ObjectRef, PersonRecord, RestoreRecord, VaultHeader, FORMAT_VERSION, HEADER_MAGIC,
};
use crate::ids::{DossierId, ObjectId, TokenId, VaultId};
use crate::keys::{self, CounsellorKeys, DossierKey, RecoveryKey};
use crate::store::journal::Journal;
use crate::store::seen::{Lineage, SeenHeads};
use crate::store::{fsutil, Store, WriteLock, HEADER_FILE, IDENTITY_FILE, RECOVERY_FILE};

/// Whether a dossier is a person's or a couple's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Details {
    Person(PersonRecord),
    Couple(CoupleRecord),
}

impl Details {
    /// Returns the registration number.
    pub fn registration(&self) -> &str {
        match self {
            Details::Person(person) => &person.registration,
            Details::Couple(couple) => &couple.registration,
        }
    }

    /// Returns the last day of the counselling, once it has ended.
    pub fn end(&self) -> Option<&str> {
        match self {
            Details::Person(person) => person.end.as_deref(),
            Details::Couple(couple) => couple.end.as_deref(),
        }
    }
}

/// A note as the journal lists it.
#[derive(Debug, Clone)]
pub struct NoteEntry {
    pub object: ObjectId,
    pub kind: NoteKind,
    pub time: i64,
}

/// An attachment as the journal lists it.
#[derive(Debug, Clone)]
pub struct AttachmentEntry {
    pub object: ObjectId,
    pub blob: ObjectId,
    pub time: i64,
}

/// A recorded consent token, stored in the grantor's dossier.
#[derive(Debug, Clone)]
pub struct ConsentEntry {
    pub token: TokenId,
    pub object: ObjectId,
    pub time: i64,
}

/// A recorded withdrawal, stored in the grantor's dossier.
#[derive(Debug, Clone)]
pub struct WithdrawalEntry {
    pub token: TokenId,
    pub object: ObjectId,
    pub withdraws: Vec<TokenId>,
    pub time: i64,
}

/// One dossier with its key and every item the journal lists for it.
pub struct Dossier {
    pub id: DossierId,
    pub key: DossierKey,
    pub details: Details,
    pub notes: Vec<NoteEntry>,
    pub attachments: Vec<AttachmentEntry>,
    pub consents: Vec<ConsentEntry>,
    pub withdrawals: Vec<WithdrawalEntry>,
    /// Re-verifications of this person's consents.
    pub reverifications: Vec<ConsentEntry>,
    /// Key cards registered for this person, newest last.
    pub cards: Vec<ObjectId>,
    /// Consent requests handed to this person, by consent id.
    pub requests: Vec<(TokenId, ObjectId)>,
    /// The key object and every details object, superseded ones included.
    pub records: Vec<ObjectId>,
}

impl Dossier {
    /// Returns whether this is a couple record.
    pub fn is_couple(&self) -> bool {
        matches!(self.details, Details::Couple(_))
    }
}

/// A dossier that was destroyed: only the journal's record of it is left.
#[derive(Debug, Clone)]
pub struct DestroyedDossier {
    pub id: DossierId,
    /// When it was destroyed, and the record of why. It is `None` only while
    /// the journal is replayed up to the destruction.
    pub destroyed: Option<(i64, DestroyRecord)>,
}

/// An open, verified vault.
pub struct Vault {
    store: Store,
    header: VaultHeader,
    header_bytes: Vec<u8>,
    keys: CounsellorKeys,
    journal: Journal,
    objects: HashMap<ObjectId, ObjectRef>,
    dossiers: Vec<Dossier>,
    disclosures: Vec<(i64, DisclosureRecord)>,
    accesses: Vec<(i64, AccessRecord)>,
    restores: Vec<(i64, RestoreRecord)>,
    /// Every object each dossier's entries wrote, in journal order: what
    /// destroying the dossier removes.
    owned: HashMap<DossierId, Vec<ObjectId>>,
    /// The partners of every couple record ever created.
    partners: HashMap<DossierId, Vec<DossierId>>,
    destroyed: Vec<DestroyedDossier>,
    /// Every object a journal entry removed.
    removed: HashSet<ObjectId>,
    seen: SeenHeads,
    /// Set for `check`: a dossier whose key or details cannot be read is
    /// recorded in `broken` instead of failing the open.
    tolerant: bool,
    broken: Vec<BrokenDossier>,
    lock: Option<WriteLock>,
}

/// A dossier whose key or details could not be read while opening the vault
/// for `check`.
#[derive(Debug)]
pub struct BrokenDossier {
    pub id: DossierId,
    /// When the journal created it (seconds since the epoch).
    pub created: i64,
    /// The registration number, when only a later details update is broken.
    pub registration: Option<String>,
    pub error: Error,
}

/// Whether a vault is opened to read or to change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl Vault {
    /// Creates a new vault in `path`, which must not exist or be an empty
    /// folder. Returns the vault and the recovery key to show once.
    pub fn init(path: &Path, passphrase: SecretString) -> Result<(Self, RecoveryKey)> {
        Self::init_with(path, passphrase, SeenHeads::default_location()?)
    }

    /// [`Vault::init`], remembering the new vault's journal in `seen`.
    pub fn init_with(path: &Path, passphrase: SecretString, seen: SeenHeads) -> Result<(Self, RecoveryKey)> {
        keys::check_passphrase(&passphrase).map_err(Error::WeakPassphrase)?;
        ensure_empty(path)?;

        // The vault is built in a hidden folder beside its destination and
        // renamed into place when complete, so a crash during init leaves
        // no half-made vault where the real one belongs.
        let parent = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        fsutil::create_private_dir(&parent)?;
        let staging = tempfile::Builder::new()
            .prefix(".kluis-init-")
            .permissions(fsutil::private_dir_permissions())
            .tempdir_in(&parent)
            .map_err(|err| Error::io(crate::error::IoAction::Creating, &parent, err))?;
        let store = Store::new(staging.path());
        let lock = store.lock()?;

        let keys = CounsellorKeys::generate();
        let recovery = RecoveryKey::generate();
        let vault = VaultId::random();
        let recovery_file = keys.seal_for_recovery(vault, &recovery.recipient());
        let header = VaultHeader {
            format: HEADER_MAGIC.into(),
            version: FORMAT_VERSION,
            vault,
            counsellor: keys.recipient().to_string(),
            recovery: recovery.recipient().to_string(),
            signing_key: serde_bytes::ByteBuf::from(keys.verifying_key().to_bytes().to_vec()),
            recovery_file: serde_bytes::ByteBuf::from(crate::store::sha256(&recovery_file).to_vec()),
        };
        let header_bytes = cbor::to_vec(&header);

        // The identity file goes first, because a folder with a header but
        // no identity would be a vault that cannot be opened.
        fsutil::write_new(&store.file(IDENTITY_FILE), &keys.seal(vault, passphrase))?;
        fsutil::write_new(&store.file(RECOVERY_FILE), &recovery_file)?;
        fsutil::write_new(&store.file(HEADER_FILE), &header_bytes)?;

        let mut opened = Self {
            store,
            header,
            header_bytes,
            keys,
            journal: Journal {
                entries: Vec::new(),
                head_seq: 0,
            },
            objects: HashMap::new(),
            dossiers: Vec::new(),
            disclosures: Vec::new(),
            accesses: Vec::new(),
            restores: Vec::new(),
            owned: HashMap::new(),
            partners: HashMap::new(),
            destroyed: Vec::new(),
            removed: HashSet::new(),
            seen,
            tolerant: false,
            broken: Vec::new(),
            lock: Some(lock),
        };
        opened.commit(Vec::new(), Event::VaultCreated)?;

        if path.is_dir() {
            // `ensure_empty` checked it is empty; rename cannot replace a folder.
            std::fs::remove_dir(path).map_err(|err| Error::io(crate::error::IoAction::Writing, path, err))?;
        }
        std::fs::rename(staging.path(), path)
            .map_err(|err| Error::io(crate::error::IoAction::Writing, path, err))?;
        let _ = staging.keep();
        fsutil::sync_dir(&parent)?;
        opened.store = Store::new(path);
        Ok((opened, recovery))
    }

    /// Checks that `path` holds a vault before a passphrase is asked for:
    /// no folder or an empty one is "no vault", but a folder with vault
    /// files and no `kluis.cbor` is a damaged vault.
    pub fn probe(path: &Path) -> Result<()> {
        let store = Store::new(path);
        if store.file(HEADER_FILE).is_file() {
            return Ok(());
        }
        let leftovers = [
            IDENTITY_FILE,
            RECOVERY_FILE,
            crate::store::HEAD_FILE,
            crate::store::JOURNAL_DIR,
        ];
        if leftovers.iter().any(|name| store.file(name).exists()) {
            return Err(Error::Damaged(Damage::Missing {
                file: HEADER_FILE.into(),
            }));
        }
        Err(Error::VaultNotFound {
            path: path.to_path_buf(),
        })
    }

    /// Checks that a recovery key belongs to the vault in `path`, so the
    /// counsellor learns about a wrong key before choosing a new passphrase.
    pub fn check_recovery_key(path: &Path, recovery: &x25519::Identity) -> Result<()> {
        Self::probe(path)?;
        let header_bytes = std::fs::read(Store::new(path).file(HEADER_FILE))
            .map_err(|err| Error::io(crate::error::IoAction::Reading, path, err))?;
        let header = read_header(&header_bytes)?;
        if recovery.to_public().to_string() != header.recovery {
            return Err(Error::WrongRecoveryKey);
        }
        Ok(())
    }

    /// Opens and verifies the vault in `path`, and checks that its journal
    /// extends the last one this machine verified (see [`SeenHeads`]).
    pub fn open(path: &Path, passphrase: SecretString, access: Access) -> Result<Self> {
        Self::open_with(path, passphrase, access, SeenHeads::default_location()?)
    }

    /// [`Vault::open`] with the machine's memory of verified journals in
    /// `seen`.
    pub fn open_with(path: &Path, passphrase: SecretString, access: Access, seen: SeenHeads) -> Result<Self> {
        let vault = Self::open_unchecked(path, passphrase, access, seen)?;
        vault
            .seen
            .lineage(vault.header.vault, &vault.journal, &vault.store)?
            .into_result()?;
        vault.seen.remember(vault.header.vault, &vault.journal)?;
        Ok(vault)
    }

    /// Opens a vault whose journal may not extend the one this machine saw
    /// last, such as a backup restored on purpose. If it does not, records
    /// the counsellor's acceptance in the journal. Returns what was
    /// accepted, or `None` when the journal extends what was seen.
    ///
    /// `confirm` is shown how the journal differs and the number of its
    /// last entry; nothing is written unless it returns true.
    pub fn accept_restore(
        path: &Path,
        passphrase: SecretString,
        seen: SeenHeads,
        confirm: impl FnOnce(Lineage, u64) -> bool,
    ) -> Result<Option<RestoreRecord>> {
        let mut vault = Self::open_unchecked(path, passphrase, Access::Write, seen)?;
        let lineage = vault
            .seen
            .lineage(vault.header.vault, &vault.journal, &vault.store)?;
        let seen_entry = match lineage {
            Lineage::New | Lineage::Extends => {
                vault.seen.remember(vault.header.vault, &vault.journal)?;
                return Ok(None);
            }
            Lineage::RolledBack { seen, .. } | Lineage::Forked { seen } => seen,
        };
        if !confirm(lineage, vault.journal.last_seq()) {
            return Err(Error::RestoreNotAccepted);
        }
        let last = vault.journal.entries.last().expect("an opened vault has entry 1");
        let record = RestoreRecord {
            seen_seq: seen_entry.seq,
            seen_entry: serde_bytes::ByteBuf::from(seen_entry.hash.to_vec()),
            accepted_seq: last.seq,
            accepted_entry: serde_bytes::ByteBuf::from(last.hash.to_vec()),
            user: current_user(),
        };
        vault.commit(Vec::new(), Event::LogRestoreAccepted(record.clone()))?;
        vault.seen.replace_with(vault.header.vault, &vault.journal)?;
        Ok(Some(record))
    }

    /// Opens and verifies the vault without comparing its journal with the
    /// machine's memory; `check` reports that comparison itself.
    pub(crate) fn open_unchecked(
        path: &Path,
        passphrase: SecretString,
        access: Access,
        seen: SeenHeads,
    ) -> Result<Self> {
        Self::open_inner(path, passphrase, access, seen, false)
    }

    /// Opens the vault to check it: journal damage still fails the open,
    /// but a dossier whose key or details cannot be read is listed in
    /// [`Vault::broken_dossiers`] and left out.
    pub(crate) fn open_for_check(path: &Path, passphrase: SecretString, seen: SeenHeads) -> Result<Self> {
        Self::open_inner(path, passphrase, Access::Read, seen, true)
    }

    fn open_inner(
        path: &Path,
        passphrase: SecretString,
        access: Access,
        seen: SeenHeads,
        tolerant: bool,
    ) -> Result<Self> {
        let store = Store::new(path);
        let header_path = store.file(HEADER_FILE);
        let Some(header_bytes) = fsutil::read_optional(&header_path)? else {
            return Err(Error::VaultNotFound {
                path: path.to_path_buf(),
            });
        };
        let header = read_header(&header_bytes)?;
        let lock = match access {
            Access::Write => Some(store.lock()?),
            Access::Read => None,
        };

        let Some(identity_bytes) = fsutil::read_optional(&store.file(IDENTITY_FILE))? else {
            return Err(Error::Damaged(Damage::Missing {
                file: IDENTITY_FILE.into(),
            }));
        };
        check_recovery_file(&store, &header)?;
        let keys = CounsellorKeys::unseal(&identity_bytes, passphrase, header.vault)?;
        if keys.recipient().to_string() != header.counsellor
            || keys.verifying_key().to_bytes().as_slice() != header.signing_key.as_slice()
        {
            return Err(Error::Damaged(Damage::ForeignIdentity));
        }

        let journal = Journal::load(&store, header.vault, &header_bytes, &keys.verifying_key())?;
        let mut vault = Self {
            store,
            header,
            header_bytes,
            keys,
            journal,
            objects: HashMap::new(),
            dossiers: Vec::new(),
            disclosures: Vec::new(),
            accesses: Vec::new(),
            restores: Vec::new(),
            owned: HashMap::new(),
            partners: HashMap::new(),
            destroyed: Vec::new(),
            removed: HashSet::new(),
            seen,
            tolerant,
            broken: Vec::new(),
            lock,
        };
        vault.replay()?;
        if vault.lock.is_some() {
            // A crash after a destruction's entry, before its files were
            // deleted, leaves them, so the next writer deletes them. A
            // failure here is not fatal, because `check` reports the files.
            let _ = vault.shred_leftovers();
        }
        Ok(vault)
    }

    /// Replaces the passphrase of the vault in `path`, proving the right to
    /// do so with the recovery key. The identity file is replaced in one
    /// step, so a crash leaves the old or the new one.
    pub fn recover(path: &Path, recovery: &x25519::Identity, new_passphrase: SecretString) -> Result<()> {
        keys::check_passphrase(&new_passphrase).map_err(Error::WeakPassphrase)?;
        let store = Store::new(path);
        let Some(header_bytes) = fsutil::read_optional(&store.file(HEADER_FILE))? else {
            return Err(Error::VaultNotFound {
                path: path.to_path_buf(),
            });
        };
        let header = read_header(&header_bytes)?;
        let _lock = store.lock()?;
        if recovery.to_public().to_string() != header.recovery {
            return Err(Error::WrongRecoveryKey);
        }
        check_recovery_file(&store, &header)?;
        let Some(sealed) = fsutil::read_optional(&store.file(RECOVERY_FILE))? else {
            return Err(Error::Damaged(Damage::Missing {
                file: RECOVERY_FILE.into(),
            }));
        };
        let keys = CounsellorKeys::unseal_recovery(&sealed, recovery, header.vault)?;
        if keys.recipient().to_string() != header.counsellor
            || keys.verifying_key().to_bytes().as_slice() != header.signing_key.as_slice()
        {
            return Err(Error::Damaged(Damage::ForeignIdentity));
        }
        fsutil::replace(
            &store.file(IDENTITY_FILE),
            &keys.seal(header.vault, new_passphrase),
        )
    }

    /// Returns the vault's identifier.
    pub fn id(&self) -> VaultId {
        self.header.vault
    }

    /// Returns the folder the vault is in.
    pub fn path(&self) -> &Path {
        self.store.root()
    }

    /// Returns the counsellor's public signature key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.keys.verifying_key()
    }

    /// Returns the counsellor's signing key, for tokens the counsellor attests.
    pub(crate) fn signing_key(&self) -> &ed25519_dalek::SigningKey {
        &self.keys.signing
    }

    /// Returns the counsellor's key card, to give to clients so they can
    /// check the counsellor's signatures.
    pub fn counsellor_card(&self) -> String {
        crate::partner::make_card(
            crate::format::CardRole::Counsellor,
            &self.keys.recipient(),
            &self.keys.signing,
        )
    }

    /// Returns every read of a dossier the journal records, oldest first.
    pub fn accesses(&self) -> &[(i64, AccessRecord)] {
        &self.accesses
    }

    /// Returns every restore the counsellor accepted, oldest first.
    pub fn restores(&self) -> &[(i64, RestoreRecord)] {
        &self.restores
    }

    /// Returns the dossiers that were destroyed, oldest first.
    pub fn destroyed(&self) -> &[DestroyedDossier] {
        &self.destroyed
    }

    /// Returns the registration number a destroyed dossier had.
    pub fn destroyed_registration(&self, id: DossierId) -> Option<&str> {
        self.destroyed
            .iter()
            .find(|destroyed| destroyed.id == id)
            .and_then(|destroyed| destroyed.destroyed.as_ref())
            .map(|(_, record)| record.registration.as_str())
    }

    /// Returns the destroyed couple records `person` was a partner in, with
    /// when they were destroyed.
    pub fn destroyed_couples_of(&self, person: DossierId) -> Vec<(i64, &DestroyRecord)> {
        self.destroyed
            .iter()
            .filter(|destroyed| {
                self.partners
                    .get(&destroyed.id)
                    .is_some_and(|partners| partners.contains(&person))
            })
            .filter_map(|destroyed| destroyed.destroyed.as_ref())
            .map(|(time, record)| (*time, record))
            .collect()
    }

    /// Returns every object that a destruction removed.
    pub fn removed_objects(&self) -> &HashSet<ObjectId> {
        &self.removed
    }

    /// Returns the dossiers that could not be read when opened for `check`.
    pub fn broken_dossiers(&self) -> &[BrokenDossier] {
        &self.broken
    }

    /// Returns the verified journal.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Returns whether the file at `path` is an age file that the
    /// counsellor's key, a dossier key of this vault or one of `extra`
    /// opens: what an interrupted write leaves, as opposed to a file from
    /// elsewhere. Only the header is read.
    pub(crate) fn opens_as_own_object(&self, path: &Path, extra: &[DossierKey]) -> bool {
        let identities = std::iter::once(&self.keys.age)
            .chain(self.dossiers.iter().map(|d| d.key.identity()))
            .chain(extra.iter().map(DossierKey::identity));
        identities.into_iter().any(|identity| {
            std::fs::File::open(path)
                .ok()
                .map(std::io::BufReader::new)
                .is_some_and(|reader| keys::open_stream(reader, identity, "").is_ok())
        })
    }

    /// Reads the file at `path` as the key object of a dossier that an
    /// interrupted write began: the details object written with it is
    /// encrypted to that new key.
    pub(crate) fn unlisted_dossier_key(&self, path: &Path) -> Option<DossierKey> {
        let bytes = std::fs::read(path).ok()?;
        DossierKey::unwrap(&bytes, &self.keys.age, "").ok()
    }

    /// Returns the vault folder's store.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// Returns every object the journal lists, with its hash.
    pub fn objects(&self) -> &HashMap<ObjectId, ObjectRef> {
        &self.objects
    }

    /// Returns the number of journal entries.
    pub fn journal_len(&self) -> u64 {
        self.journal.last_seq()
    }

    /// Returns every dossier in the order it was created.
    pub fn dossiers(&self) -> &[Dossier] {
        &self.dossiers
    }

    /// Returns the disclosure decisions recorded so far, with their times.
    pub fn disclosures(&self) -> &[(i64, DisclosureRecord)] {
        &self.disclosures
    }

    /// Finds a dossier by registration number, or by the start (at least
    /// eight characters) of its identifier.
    pub fn find(&self, reference: &str) -> Result<&Dossier> {
        let reference = reference.trim();
        if let Some(found) = self
            .dossiers
            .iter()
            .find(|d| d.details.registration() == reference)
        {
            return Ok(found);
        }
        let lower = reference.to_ascii_lowercase();
        if lower.len() >= 8 && lower.chars().all(|c| c.is_ascii_hexdigit()) {
            let mut matches = self.dossiers.iter().filter(|d| d.id.to_hex().starts_with(&lower));
            if let (Some(found), None) = (matches.next(), matches.next()) {
                return Ok(found);
            }
        }
        let destroyed = self
            .destroyed
            .iter()
            .filter_map(|destroyed| destroyed.destroyed.as_ref())
            .find(|(_, record)| record.registration == reference);
        if let Some((time, record)) = destroyed {
            let date = jiff::Timestamp::from_second(*time)
                .map(|instant| crate::consent::time::date_of(instant).to_string())
                .unwrap_or_default();
            return Err(Error::DossierDestroyed {
                registration: record.registration.clone(),
                date,
            });
        }
        Err(Error::DossierNotFound {
            reference: reference.to_string(),
        })
    }

    /// Returns the dossier with this identifier.
    pub fn dossier(&self, id: DossierId) -> Result<&Dossier> {
        self.dossiers
            .iter()
            .find(|d| d.id == id)
            .ok_or_else(|| Error::DossierNotFound {
                reference: id.short(),
            })
    }

    fn dossier_mut(&mut self, id: DossierId) -> Result<&mut Dossier> {
        self.dossiers
            .iter_mut()
            .find(|d| d.id == id)
            .ok_or_else(|| Error::DossierNotFound {
                reference: id.short(),
            })
    }

    /// Returns the couple records a person belongs to.
    pub fn couples_of(&self, person: DossierId) -> Vec<&Dossier> {
        self.dossiers
            .iter()
            .filter(|d| match &d.details {
                Details::Couple(couple) => couple.partner_a == person || couple.partner_b == person,
                Details::Person(_) => false,
            })
            .collect()
    }

    fn vault_recipients(&self) -> Vec<x25519::Recipient> {
        let parse = |text: &str| {
            text.parse::<x25519::Recipient>()
                .expect("checked when the header was read")
        };
        vec![parse(&self.header.counsellor), parse(&self.header.recovery)]
    }

    fn object_ref(&self, id: ObjectId) -> Result<&ObjectRef> {
        self.objects.get(&id).ok_or_else(|| {
            Error::Damaged(Damage::Missing {
                file: Store::object_name(id),
            })
        })
    }

    /// Appends one journal entry recording `event`, after `objects` were
    /// written, then applies it to the in-memory state.
    fn commit(&mut self, objects: Vec<ObjectRef>, event: Event) -> Result<()> {
        self.commit_change(objects, Vec::new(), event)
    }

    /// Commits like [`Vault::commit`] a change that also removes `removed`.
    /// The caller deletes their files afterwards.
    fn commit_change(&mut self, objects: Vec<ObjectRef>, removed: Vec<ObjectId>, event: Event) -> Result<()> {
        assert!(self.lock.is_some(), "changes need the writer's lock");
        let time = jiff::Timestamp::now().as_second();
        let record = EventRecord { time, event };
        let sealed = keys::seal(
            &self.vault_recipients(),
            &zeroize::Zeroizing::new(cbor::to_vec(&record)),
        );
        let signing = self.keys.signing.clone();
        self.journal.append(
            &self.store,
            self.header.vault,
            &self.header_bytes,
            &signing,
            (objects.clone(), removed.clone()),
            sealed,
        )?;
        let written: Vec<ObjectId> = objects.iter().map(|object| object.id).collect();
        for object in objects {
            self.objects.insert(object.id, object);
        }
        self.note_objects(&record.event, &written);
        self.note_removed(&removed);
        self.apply(record)?;
        self.seen.remember(self.header.vault, &self.journal)
    }

    fn replay(&mut self) -> Result<()> {
        let entries = self.journal.entries.clone();
        // The destroyed objects are known before the replay starts, so that
        // the creation of a dossier destroyed later is not read.
        self.removed = self.journal.removed();
        for entry in entries {
            let file = crate::store::journal::entry_name(entry.seq);
            let plaintext = keys::open(&entry.payload.event, &self.keys.age, &file)?;
            let Some(record) =
                decode_event_record(&plaintext).map_err(|err| Error::unreadable(file.clone(), err))?
            else {
                // A log-only event of a later version: nothing to replay.
                // Such an entry writes no objects (vault-format.md, 6.6).
                if !entry.payload.objects.is_empty() {
                    return Err(Error::Damaged(Damage::Journal {
                        seq: entry.seq,
                        problem: crate::error::JournalProblem::Malformed,
                    }));
                }
                continue;
            };
            if record.event.is_log_only() && entry.payload.version < 2 {
                return Err(Error::Damaged(Damage::Journal {
                    seq: entry.seq,
                    problem: crate::error::JournalProblem::EventTooNew,
                }));
            }
            // An event may only name objects its own entry wrote, so an
            // entry cannot borrow another entry's note or key.
            let written: Vec<ObjectId> = entry.payload.objects.iter().map(|object| object.id).collect();
            if event_objects(&record.event)
                .iter()
                .any(|id| !written.contains(id))
            {
                return Err(Error::Damaged(Damage::Journal {
                    seq: entry.seq,
                    problem: crate::error::JournalProblem::ForeignObject,
                }));
            }
            self.check_destruction(&entry, &record.event)?;
            for object in entry.payload.objects {
                if !self.removed.contains(&object.id) {
                    self.objects.insert(object.id, object);
                }
            }
            self.note_objects(&record.event, &written);
            if let Some(id) = event_dossier(&record.event) {
                let gone = self
                    .destroyed
                    .iter()
                    .find(|destroyed| destroyed.id == id)
                    .map(|destroyed| destroyed.destroyed.is_some());
                match (gone, &record.event) {
                    // Reads stay in the access log after a destruction.
                    (_, Event::LogAccess(_)) => {}
                    // Nothing of a destroyed dossier is left to replay.
                    (Some(false), event) if !matches!(event, Event::DossierDestroyed(_)) => continue,
                    (Some(true), _) => {
                        return Err(Error::Damaged(Damage::Journal {
                            seq: entry.seq,
                            problem: crate::error::JournalProblem::Malformed,
                        }))
                    }
                    _ => {}
                }
            }
            self.apply(record)?;
        }
        Ok(())
    }

    /// Checks the removals of one entry. Only a `dossier-destroyed` entry
    /// removes objects. It writes none, and removes exactly every object of
    /// its dossier, after every couple record the person belonged to.
    fn check_destruction(&self, entry: &crate::store::journal::Entry, event: &Event) -> Result<()> {
        let malformed = || {
            Error::Damaged(Damage::Journal {
                seq: entry.seq,
                problem: crate::error::JournalProblem::Malformed,
            })
        };
        let Event::DossierDestroyed(record) = event else {
            return match entry.payload.removed.is_empty() {
                true => Ok(()),
                false => Err(malformed()),
            };
        };
        let owned = self.owned.get(&record.dossier).ok_or_else(malformed)?;
        if !entry.payload.objects.is_empty() || &entry.payload.removed != owned {
            return Err(malformed());
        }
        let in_couple = self
            .partners
            .iter()
            .any(|(couple, partners)| partners.contains(&record.dossier) && !self.is_destroyed(*couple));
        if in_couple {
            return Err(malformed());
        }
        Ok(())
    }

    /// Returns whether the journal recorded the dossier's destruction.
    fn is_destroyed(&self, id: DossierId) -> bool {
        self.destroyed
            .iter()
            .any(|destroyed| destroyed.id == id && destroyed.destroyed.is_some())
    }

    /// Adds the objects an entry wrote to the dossier its event belongs to.
    fn note_objects(&mut self, event: &Event, written: &[ObjectId]) {
        if let Event::CoupleCreated {
            dossier, partners, ..
        } = event
        {
            self.partners.insert(*dossier, partners.clone());
        }
        if written.is_empty() {
            return;
        }
        if let Some(id) = event_dossier(event) {
            self.owned.entry(id).or_default().extend_from_slice(written);
        }
    }

    /// Forgets the objects a destruction removed.
    fn note_removed(&mut self, removed: &[ObjectId]) {
        for id in removed {
            self.objects.remove(id);
            self.removed.insert(*id);
        }
    }

    /// Overwrites and deletes the files of removed objects that are still
    /// in the vault, in journal order, so each dossier's key object goes
    /// first. A file that fails does not stop the others. On failure,
    /// returns how many files are left, with the first error.
    pub(crate) fn shred_leftovers(&self) -> std::result::Result<(), (usize, Error)> {
        let mut left = 0;
        let mut first_failure = None;
        let removed = self
            .journal
            .entries
            .iter()
            .flat_map(|entry| entry.payload.removed.iter());
        for id in removed {
            if let Err(err) = crate::store::fsutil::shred(&self.store.object_path(*id)) {
                left += 1;
                first_failure.get_or_insert(err);
            }
        }
        match first_failure {
            None => Ok(()),
            Some(err) => Err((left, err)),
        }
    }

    fn apply(&mut self, record: EventRecord) -> Result<()> {
        if !self.tolerant {
            return self.apply_strictly(record);
        }
        let time = record.time;
        let (dossier, creates) = match &record.event {
            Event::PersonCreated { dossier, .. } | Event::CoupleCreated { dossier, .. } => {
                (Some(*dossier), true)
            }
            other => (event_dossier(other), false),
        };
        if let Some(id) = dossier {
            if self.broken.iter().any(|broken| broken.id == id) {
                // Items of a dossier that cannot be read stay unchecked.
                return Ok(());
            }
        }
        match self.apply_strictly(record) {
            Err(Error::Damaged(damage)) if dossier.is_some() => {
                let id = dossier.expect("checked above");
                let registration = if creates {
                    None
                } else {
                    self.dossier(id)
                        .ok()
                        .map(|d| d.details.registration().to_string())
                };
                self.broken.push(BrokenDossier {
                    id,
                    created: time,
                    registration,
                    error: Error::Damaged(damage),
                });
                Ok(())
            }
            other => other,
        }
    }

    fn apply_strictly(&mut self, record: EventRecord) -> Result<()> {
        let time = record.time;
        match record.event {
            Event::VaultCreated => {}
            Event::PersonCreated {
                dossier,
                key,
                details,
            }
            | Event::CoupleCreated {
                dossier,
                key,
                details,
                ..
            } => {
                if self.removed.contains(&key) {
                    // Destroyed later in the journal: its key is gone.
                    self.destroyed.push(DestroyedDossier {
                        id: dossier,
                        destroyed: None,
                    });
                    return Ok(());
                }
                let key_ref = self.object_ref(key)?.clone();
                let file = Store::object_name(key);
                let key = DossierKey::unwrap(&self.store.get_object(&key_ref)?, &self.keys.age, &file)?;
                if key.dossier != dossier {
                    return Err(Error::Damaged(Damage::Modified { file }));
                }
                let records = vec![key_ref.id, details];
                let details = self.read_details(&key, details)?;
                self.dossiers.push(Dossier {
                    id: dossier,
                    key,
                    details,
                    notes: Vec::new(),
                    attachments: Vec::new(),
                    consents: Vec::new(),
                    withdrawals: Vec::new(),
                    reverifications: Vec::new(),
                    cards: Vec::new(),
                    requests: Vec::new(),
                    records,
                });
            }
            Event::DetailsUpdated { dossier, details } => {
                let position = self.position(dossier)?;
                let updated = self.read_details(&self.dossiers[position].key, details)?;
                self.dossiers[position].details = updated;
                self.dossiers[position].records.push(details);
            }
            Event::NoteAdded { dossier, note, kind } => {
                self.dossier_mut(dossier)?.notes.push(NoteEntry {
                    object: note,
                    kind,
                    time,
                });
            }
            Event::AttachmentAdded {
                dossier,
                attachment,
                blob,
            } => {
                self.dossier_mut(dossier)?.attachments.push(AttachmentEntry {
                    object: attachment,
                    blob,
                    time,
                });
            }
            Event::ConsentRecorded {
                dossier,
                token,
                consent,
            } => {
                self.dossier_mut(dossier)?.consents.push(ConsentEntry {
                    token,
                    object: consent,
                    time,
                });
            }
            Event::WithdrawalRecorded {
                dossier,
                token,
                withdrawal,
                withdraws,
            } => {
                self.dossier_mut(dossier)?.withdrawals.push(WithdrawalEntry {
                    token,
                    object: withdrawal,
                    withdraws,
                    time,
                });
            }
            Event::DisclosureDecided(record) => self.disclosures.push((time, record)),
            Event::LogAccess(record) => {
                if !self
                    .destroyed
                    .iter()
                    .any(|destroyed| destroyed.id == record.dossier)
                {
                    self.dossier(record.dossier)?;
                }
                self.accesses.push((time, record));
            }
            Event::DossierDestroyed(record) => {
                // A writer still has the dossier open. A replay never read
                // it, because its key object is among the removed ones.
                if let Some(position) = self.dossiers.iter().position(|d| d.id == record.dossier) {
                    self.dossiers.remove(position);
                    self.destroyed.push(DestroyedDossier {
                        id: record.dossier,
                        destroyed: None,
                    });
                }
                let destroyed = self
                    .destroyed
                    .iter_mut()
                    .find(|destroyed| destroyed.id == record.dossier && destroyed.destroyed.is_none())
                    .ok_or_else(|| Error::DossierNotFound {
                        reference: record.dossier.short(),
                    })?;
                destroyed.destroyed = Some((time, record));
            }
            Event::LogRestoreAccepted(record) => self.restores.push((time, record)),
            Event::ReverificationRecorded {
                dossier,
                token,
                reverification,
                ..
            } => {
                self.dossier_mut(dossier)?.reverifications.push(ConsentEntry {
                    token,
                    object: reverification,
                    time,
                });
            }
            Event::KeyCardRegistered { dossier, card } => self.dossier_mut(dossier)?.cards.push(card),
            Event::ConsentRequested {
                dossier,
                request,
                object,
            } => {
                self.dossier_mut(dossier)?.requests.push((request, object));
            }
        }
        Ok(())
    }

    fn position(&self, id: DossierId) -> Result<usize> {
        self.dossiers
            .iter()
            .position(|d| d.id == id)
            .ok_or_else(|| Error::DossierNotFound {
                reference: id.short(),
            })
    }

    fn read_details(&self, key: &DossierKey, object: ObjectId) -> Result<Details> {
        let file = Store::object_name(object);
        let bytes = self.store.get_object(self.object_ref(object)?)?;
        let plaintext = keys::open(&bytes, key.identity(), &file)?;
        // A person record and a couple record have different keys, so at
        // most one of the two decodings can succeed.
        if let Ok(person) = cbor::from_slice::<PersonRecord>(&plaintext) {
            return Ok(Details::Person(person));
        }
        cbor::from_slice::<CoupleRecord>(&plaintext)
            .map(Details::Couple)
            .map_err(|err| Error::unreadable(file, err))
    }

    /// Reads and decrypts one object of a dossier; damage is reported with
    /// the dossier's registration number and what the object is.
    fn read_sealed(
        &self,
        dossier: &Dossier,
        object: ObjectId,
        role: crate::error::ObjectRole,
    ) -> Result<zeroize::Zeroizing<Vec<u8>>> {
        let file = Store::object_name(object);
        let read = self
            .object_ref(object)
            .and_then(|object| self.store.get_object(object))
            .and_then(|bytes| keys::open(&bytes, dossier.key.identity(), &file));
        read.map_err(|err| in_dossier(err, dossier, role))
    }
}

/// Returns the operating-system account running kluis, for the access log.
pub fn current_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
        .or_else(account_of_process)
        .unwrap_or_else(|| "?".to_string())
}

/// Looks up the account that owns this process in `/etc/passwd`, for
/// sessions without `USER` (services, containers, `env -i`).
#[cfg(unix)]
fn account_of_process() -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    passwd
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(':');
            let name = fields.next()?;
            let id = fields.nth(1)?.parse::<u32>().ok()?;
            (id == uid).then(|| name.to_string())
        })
        .next()
        .or_else(|| Some(format!("uid {uid}")))
}

#[cfg(not(unix))]
fn account_of_process() -> Option<String> {
    None
}

/// Names the dossier and the object's role in a damage error.
pub fn in_dossier(err: Error, dossier: &Dossier, role: crate::error::ObjectRole) -> Error {
    let (file, missing) = match err {
        Error::Damaged(Damage::Missing { file }) => (file, true),
        Error::Damaged(Damage::Modified { file }) | Error::Damaged(Damage::Unreadable { file, .. }) => {
            (file, false)
        }
        other => return other,
    };
    Error::Damaged(Damage::InDossier {
        registration: dossier.details.registration().to_string(),
        role,
        file,
        missing,
    })
}

/// Checks `recovery.age` against the hash in the header.
fn check_recovery_file(store: &Store, header: &VaultHeader) -> Result<()> {
    let Some(bytes) = fsutil::read_optional(&store.file(RECOVERY_FILE))? else {
        return Err(Error::Damaged(Damage::Missing {
            file: RECOVERY_FILE.into(),
        }));
    };
    if crate::store::sha256(&bytes).as_slice() != header.recovery_file.as_slice() {
        return Err(Error::Damaged(Damage::Modified {
            file: RECOVERY_FILE.into(),
        }));
    }
    Ok(())
}

/// Returns the dossier an event changes or reads, if any.
fn event_dossier(event: &Event) -> Option<DossierId> {
    match event {
        Event::VaultCreated | Event::DisclosureDecided(_) | Event::LogRestoreAccepted(_) => None,
        Event::PersonCreated { dossier, .. }
        | Event::CoupleCreated { dossier, .. }
        | Event::DetailsUpdated { dossier, .. }
        | Event::NoteAdded { dossier, .. }
        | Event::AttachmentAdded { dossier, .. }
        | Event::ConsentRecorded { dossier, .. }
        | Event::WithdrawalRecorded { dossier, .. }
        | Event::ReverificationRecorded { dossier, .. }
        | Event::KeyCardRegistered { dossier, .. }
        | Event::ConsentRequested { dossier, .. } => Some(*dossier),
        Event::LogAccess(record) => Some(record.dossier),
        Event::DossierDestroyed(record) => Some(record.dossier),
    }
}

/// Lists the objects an event refers to.
fn event_objects(event: &Event) -> Vec<ObjectId> {
    match event {
        Event::VaultCreated
        | Event::DisclosureDecided(_)
        | Event::LogAccess(_)
        | Event::LogRestoreAccepted(_)
        | Event::DossierDestroyed(_) => Vec::new(),
        Event::PersonCreated { key, details, .. } | Event::CoupleCreated { key, details, .. } => {
            vec![*key, *details]
        }
        Event::DetailsUpdated { details, .. } => vec![*details],
        Event::NoteAdded { note, .. } => vec![*note],
        Event::AttachmentAdded { attachment, blob, .. } => vec![*attachment, *blob],
        Event::ConsentRecorded { consent, .. } => vec![*consent],
        Event::WithdrawalRecorded { withdrawal, .. } => vec![*withdrawal],
        Event::ReverificationRecorded { reverification, .. } => vec![*reverification],
        Event::KeyCardRegistered { card, .. } => vec![*card],
        Event::ConsentRequested { object, .. } => vec![*object],
    }
}

pub(crate) fn read_header(bytes: &[u8]) -> Result<VaultHeader> {
    let header: VaultHeader = cbor::from_slice(bytes).map_err(|err| Error::unreadable(HEADER_FILE, err))?;
    if header.format != HEADER_MAGIC {
        return Err(Error::unreadable(
            HEADER_FILE,
            crate::format::FormatError::Invalid("not a kluis vault"),
        ));
    }
    if !crate::format::readable_version(header.version) {
        return Err(Error::UnsupportedVersion {
            found: header.version,
        });
    }
    let valid_keys = header.counsellor.parse::<x25519::Recipient>().is_ok()
        && header.recovery.parse::<x25519::Recipient>().is_ok()
        && header.signing_key.len() == 32
        && header.recovery_file.len() == 32;
    if !valid_keys {
        return Err(Error::unreadable(
            HEADER_FILE,
            crate::format::FormatError::Invalid("public keys"),
        ));
    }
    Ok(header)
}

fn ensure_empty(path: &Path) -> Result<()> {
    match std::fs::read_dir(path) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(Error::VaultExists {
                    path: path.to_path_buf(),
                });
            }
            Ok(())
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::NotADirectory => Err(Error::VaultExists {
            path: path.to_path_buf(),
        }),
        Err(err) => Err(Error::io(crate::error::IoAction::Reading, path, err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::DestroyReason;

    fn new_vault(folder: &Path) -> Vault {
        let seen = SeenHeads::at(folder.join("seen"));
        let (vault, _) = Vault::init_with(&folder.join("vault"), passphrase(), seen).unwrap();
        vault
    }

    fn passphrase() -> SecretString {
        SecretString::from("paard batterij nietje correct".to_string())
    }

    fn person(vault: &mut Vault, registration: &str) -> DossierId {
        vault
            .add_person(NewPerson {
                registration: registration.into(),
                name: "Test".into(),
                email: None,
                phone: None,
                address: None,
                start: jiff::civil::date(2026, 3, 2),
            })
            .unwrap()
    }

    fn reopen(folder: &Path) -> Result<Vault> {
        Vault::open_with(
            &folder.join("vault"),
            passphrase(),
            Access::Read,
            SeenHeads::at(folder.join("seen")),
        )
    }

    /// Returns whether opening failed as damage. Which damage depends on
    /// what the replay meets first: a removed object that an earlier event
    /// needs is missing, or the destruction's list is malformed.
    fn damaged(result: Result<Vault>) -> bool {
        match result {
            Err(Error::Damaged(_)) => true,
            Err(other) => panic!("not damage: {other:?}"),
            Ok(_) => false,
        }
    }

    fn destroy_record(dossier: DossierId) -> Event {
        Event::DossierDestroyed(DestroyRecord {
            dossier,
            registration: "1".into(),
            reason: DestroyReason::ClientRequest,
            user: "test".into(),
        })
    }

    #[test]
    fn destruction_lists_exactly_the_dossiers_objects() {
        let folder = tempfile::tempdir().unwrap();
        let mut vault = new_vault(folder.path());
        let first = person(&mut vault, "1");
        let second = person(&mut vault, "2");
        // The first dossier's key object and the second's details object.
        let mut removed = vault.owned[&first][..1].to_vec();
        removed.push(vault.owned[&second][1]);
        vault
            .commit_change(Vec::new(), removed, destroy_record(first))
            .unwrap();
        drop(vault);
        assert!(damaged(reopen(folder.path())));
    }

    #[test]
    fn removed_objects_outside_destruction_rejected() {
        let folder = tempfile::tempdir().unwrap();
        let mut vault = new_vault(folder.path());
        let first = person(&mut vault, "1");
        let removed = vault.owned[&first].clone();
        let event = Event::DetailsUpdated {
            dossier: first,
            details: removed[1],
        };
        vault.commit_change(Vec::new(), removed, event).unwrap_err();
        drop(vault);
        assert!(damaged(reopen(folder.path())));
    }

    #[test]
    fn partner_destroyed_before_couple_is_rejected() {
        let folder = tempfile::tempdir().unwrap();
        let mut vault = new_vault(folder.path());
        let a = person(&mut vault, "1");
        let b = person(&mut vault, "2");
        vault
            .add_couple("K".into(), a, b, jiff::civil::date(2026, 3, 2))
            .unwrap();
        assert!(matches!(
            vault.destroy(a, DestroyReason::ClientRequest),
            Err(Error::PartnerInCouple { .. })
        ));
        // Written past the writer's check, the reader rejects it.
        let removed = vault.owned[&a].clone();
        vault
            .commit_change(Vec::new(), removed, destroy_record(a))
            .unwrap();
        drop(vault);
        assert!(damaged(reopen(folder.path())));
    }

    #[test]
    fn destroyed_dossier_gone_after_reopening() {
        let folder = tempfile::tempdir().unwrap();
        let mut vault = new_vault(folder.path());
        let a = person(&mut vault, "1");
        let b = person(&mut vault, "2");
        let couple = vault
            .add_couple("K".into(), a, b, jiff::civil::date(2026, 3, 2))
            .unwrap();
        vault.destroy(couple, DestroyReason::RetentionEnded).unwrap();
        vault.destroy(a, DestroyReason::ClientRequest).unwrap();
        let files = vault.removed_objects().clone();
        drop(vault);
        let vault = reopen(folder.path()).unwrap();
        assert_eq!(vault.dossiers().len(), 1);
        assert_eq!(vault.dossiers()[0].id, b);
        assert_eq!(vault.destroyed().len(), 2);
        assert_eq!(vault.removed_objects(), &files);
        assert_eq!(files.len(), 4);
        assert!(files
            .iter()
            .all(|id| !vault.store().object_path(*id).exists() && !vault.objects().contains_key(id)));
        assert_eq!(vault.destroyed_registration(couple), Some("K"));
    }
}
