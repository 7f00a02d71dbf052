//! `kluis check`: verifies a whole vault and reports, per dossier, what is
//! wrong.
//!
//! Opening a vault already verifies the header, the counsellor's keys, every
//! journal signature, the hash chain and `HEAD`, and unwraps every dossier
//! key. A check goes on from there: it hashes and decrypts every object the
//! journal lists, verifies every stored consent, withdrawal and
//! re-verification, finds objects no entry wrote, and compares the journal
//! with this machine's memory of it. Unlike an ordinary open it does not
//! stop at the first damaged dossier, so one report lists them all.
//!
//! A quick check skips the content of attachments, which can be large; a
//! full check streams every attachment through its hash and decryption.

use std::collections::HashSet;
use std::io::{self, Read};
use std::path::Path;

use age::secrecy::SecretString;
use sha2::{Digest, Sha256};

use crate::consent::{self, StatementKind};
use crate::error::{Damage, Error, ObjectRole, Result};
use crate::format::{cbor, AttachmentRecord, NoteRecord};
use crate::ids::{ObjectId, TokenId};
use crate::keys;
use crate::model::{Details, Dossier, Vault};
use crate::store::seen::{Lineage, SeenHeads};
use crate::store::{Store, JOURNAL_DIR, OBJECTS_DIR};

/// How much content a check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Everything but the content of attachments.
    Quick,
    /// Every byte of every object.
    Full,
}

/// Subject data a finding is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Person {
        name: String,
        registration: String,
    },
    Couple {
        registration: String,
    },
    /// A dossier whose details cannot be read, known by when it was made.
    Unnamed {
        created: i64,
        registration: Option<String>,
    },
}

/// The part of a dossier a finding is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// The dossier's key or details (name, registration number).
    Record,
    Note(usize),
    /// An attachment's description (number from 1).
    Attachment(usize),
    /// An attachment's content.
    AttachmentContent(usize),
    Statement(StatementKind, TokenId),
    KeyCard(usize),
    ConsentRequest(TokenId),
}

/// The problem found with an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Missing,
    /// Its bytes differ from the hash the journal signed.
    Changed,
    /// Its bytes match, but it does not decrypt or decode.
    Unreadable,
}

/// One thing a check found wrong.
#[derive(Debug)]
pub enum Finding {
    /// The vault could not be opened far enough to check its dossiers; the
    /// error names the file and the problem. Nothing else was checked.
    Unopenable(Error),
    /// The journal ends before the entry this machine verified last.
    RolledBack { seen: u64, found: u64 },
    /// The journal has another entry where this machine saw one.
    Forked { seq: u64 },
    /// A dossier's object is missing, changed or unreadable.
    Damaged {
        subject: Subject,
        item: Item,
        problem: Problem,
        file: String,
    },
    /// A stored consent, withdrawal or re-verification does not verify.
    InvalidStatement {
        subject: Subject,
        kind: StatementKind,
        id: TokenId,
        error: Error,
    },
    /// An object file that no journal entry wrote and that no key of the
    /// vault opens, or a byte-for-byte copy of a listed object.
    Stray { file: String },
    /// A file in `journal/` that is not an entry, such as the conflicting
    /// copy a sync service keeps when two computers changed the vault.
    NotAnEntry { file: String },
}

/// Something worth knowing that is not damage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A temporary file left by an interrupted write; safe to delete.
    Leftover { file: String },
    /// An object the vault's keys open but no entry lists: what a write
    /// interrupted between its objects and its journal entry leaves. It is
    /// not part of the vault and never read.
    Unlisted { file: String },
    /// A file of a destroyed dossier that is still here, because the
    /// destruction was interrupted; the next change deletes it.
    NotYetShredded { file: String },
    /// This machine had not verified this vault before.
    FirstCheckHere,
}

/// The findings of a check, with counts of what it covered.
#[derive(Debug, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub notices: Vec<Notice>,
    pub entries: u64,
    pub dossiers: usize,
    pub objects: usize,
    pub statements: usize,
    /// Bytes of object files read and hashed.
    pub bytes_read: u64,
}

impl Report {
    /// Returns whether nothing is wrong.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Checks the vault in `path`. Fails only when the check cannot start (no
/// vault, wrong passphrase, unreadable disk); damage is in the report.
pub fn check(path: &Path, passphrase: SecretString, depth: Depth, seen: &SeenHeads) -> Result<Report> {
    let mut report = Report::default();
    let vault = match Vault::open_for_check(path, passphrase, seen.clone()) {
        Ok(vault) => vault,
        Err(err @ (Error::Damaged(_) | Error::UnsupportedVersion { .. })) => {
            report.findings.push(Finding::Unopenable(err));
            notice_leftovers(path, &mut report);
            return Ok(report);
        }
        Err(err) => return Err(err),
    };
    report.entries = vault.journal_len();
    report.dossiers = vault.dossiers().len() + vault.broken_dossiers().len();
    report.objects = vault.objects().len();

    match seen.lineage(vault.id(), vault.journal(), vault.store())? {
        Lineage::New => report.notices.push(Notice::FirstCheckHere),
        Lineage::Extends => {}
        Lineage::RolledBack { seen, found } => report.findings.push(Finding::RolledBack {
            seen: seen.seq,
            found,
        }),
        Lineage::Forked { seen } => report.findings.push(Finding::Forked { seq: seen.seq }),
    }

    for broken in vault.broken_dossiers() {
        report.findings.push(Finding::Damaged {
            subject: Subject::Unnamed {
                created: broken.created,
                registration: broken.registration.clone(),
            },
            item: Item::Record,
            problem: problem_of(&broken.error),
            file: file_of(&broken.error),
        });
    }

    let mut checker = Checker {
        vault: &vault,
        depth,
        report: &mut report,
    };
    for dossier in vault.dossiers() {
        checker.dossier(dossier);
    }
    checker.statements();
    find_strays(&vault, path, &mut report);
    // A clean vault is now the state this machine verified last.
    if report.is_clean() {
        seen.remember(vault.id(), vault.journal())?;
    }
    Ok(report)
}

struct Checker<'a> {
    vault: &'a Vault,
    depth: Depth,
    report: &'a mut Report,
}

impl Checker<'_> {
    fn damaged(&mut self, dossier: &Dossier, item: Item, err: &Error) {
        self.report.findings.push(Finding::Damaged {
            subject: subject_of(dossier),
            item,
            problem: problem_of(err),
            file: file_of(err),
        });
    }

    /// Hashes an object file against the journal without decrypting it.
    fn hash_only(&mut self, dossier: &Dossier, object: ObjectId, item: Item) {
        let result = self
            .vault
            .objects()
            .get(&object)
            .ok_or_else(|| {
                Error::Damaged(Damage::Missing {
                    file: Store::object_name(object),
                })
            })
            .and_then(|object| self.vault.store().get_object(object));
        match result {
            Ok(bytes) => self.report.bytes_read += bytes.len() as u64,
            Err(err) => self.damaged(dossier, item, &err),
        }
    }

    /// Reads, verifies and decrypts one object, reporting damage.
    fn read(
        &mut self,
        dossier: &Dossier,
        object: ObjectId,
        role: ObjectRole,
        item: Item,
    ) -> Option<zeroize::Zeroizing<Vec<u8>>> {
        match self.vault.read_item(dossier, object, role) {
            Ok(plaintext) => {
                self.report.bytes_read += plaintext.len() as u64;
                Some(plaintext)
            }
            Err(err) => {
                self.damaged(dossier, item, &err);
                None
            }
        }
    }

    fn dossier(&mut self, dossier: &Dossier) {
        // The key and the current details were decrypted on open; older
        // details are checked against their hashes.
        for object in dossier.records.clone() {
            self.hash_only(dossier, object, Item::Record);
        }
        for (index, note) in dossier.notes.iter().enumerate() {
            let item = Item::Note(index + 1);
            if let Some(plaintext) = self.read(dossier, note.object, ObjectRole::Note, item.clone()) {
                if let Err(err) = cbor::from_slice::<NoteRecord>(&plaintext) {
                    let err = Error::unreadable(Store::object_name(note.object), err);
                    self.damaged(dossier, item, &err);
                }
            }
        }
        for (index, attachment) in dossier.attachments.iter().enumerate() {
            let number = index + 1;
            let item = Item::Attachment(number);
            let Some(plaintext) = self.read(dossier, attachment.object, ObjectRole::Attachment, item.clone())
            else {
                continue;
            };
            let record = match cbor::from_slice::<AttachmentRecord>(&plaintext) {
                Ok(record) if record.blob == attachment.blob => record,
                Ok(_) => {
                    let err = Error::Damaged(Damage::Modified {
                        file: Store::object_name(attachment.object),
                    });
                    self.damaged(dossier, item, &err);
                    continue;
                }
                Err(err) => {
                    let err = Error::unreadable(Store::object_name(attachment.object), err);
                    self.damaged(dossier, item, &err);
                    continue;
                }
            };
            match self.depth {
                Depth::Quick => self.present(dossier, attachment.blob, Item::AttachmentContent(number)),
                Depth::Full => self.content(dossier, &record, Item::AttachmentContent(number)),
            }
        }
        for (index, card) in dossier.cards.iter().enumerate() {
            let item = Item::KeyCard(index + 1);
            if let Some(bytes) = self.read(dossier, *card, ObjectRole::Consent, item.clone()) {
                if let Err(err) = crate::partner::parse_card(&String::from_utf8_lossy(&bytes)) {
                    let err = match err {
                        Error::Damaged(_) => err,
                        _ => Error::unreadable(
                            Store::object_name(*card),
                            crate::format::FormatError::Invalid("key card"),
                        ),
                    };
                    self.damaged(dossier, item, &err);
                }
            }
        }
        for (request, object) in &dossier.requests {
            self.read(
                dossier,
                *object,
                ObjectRole::Consent,
                Item::ConsentRequest(*request),
            );
        }
    }

    /// Checks that an object file exists, without reading it.
    fn present(&mut self, dossier: &Dossier, object: ObjectId, item: Item) {
        let path = self.vault.store().object_path(object);
        if !path.is_file() {
            let err = Error::Damaged(Damage::Missing {
                file: Store::object_name(object),
            });
            self.damaged(dossier, item, &err);
        }
    }

    /// Streams an attachment's content through its file hash and its
    /// decryption, and compares the plaintext with its description.
    fn content(&mut self, dossier: &Dossier, record: &AttachmentRecord, item: Item) {
        let file = Store::object_name(record.blob);
        let result = (|| -> Result<()> {
            let object = self
                .vault
                .objects()
                .get(&record.blob)
                .ok_or_else(|| Error::Damaged(Damage::Missing { file: file.clone() }))?;
            let reader = self.vault.store().open_object(object)?;
            let mut plaintext = keys::open_stream(reader, dossier.key.identity(), &file)?;
            let mut hasher = Sha256::new();
            let mut buffer = zeroize::Zeroizing::new(vec![0u8; 64 * 1024]);
            let mut size = 0u64;
            loop {
                let read = match plaintext.read(&mut buffer[..]) {
                    Ok(0) => break,
                    Ok(read) => read,
                    Err(err) => return Err(crate::store::read_damage(err, &file)),
                };
                hasher.update(&buffer[..read]);
                size += read as u64;
            }
            self.report.bytes_read += size;
            if size != record.size || hasher.finalize().as_slice() != record.sha256.as_slice() {
                return Err(Error::Damaged(Damage::Modified { file: file.clone() }));
            }
            Ok(())
        })();
        let err = match result {
            Ok(()) => return,
            // A damaged age header fails before the stream reaches the end
            // of the file, where its hash is compared.
            Err(Error::Damaged(Damage::Unreadable { .. })) if self.differs_from_journal(record.blob) => {
                Error::Damaged(Damage::Modified { file })
            }
            Err(err) => err,
        };
        self.damaged(dossier, item, &err);
    }

    /// Reads an object file to its end and returns whether its bytes
    /// differ from the hash the journal signed.
    fn differs_from_journal(&self, object: ObjectId) -> bool {
        let Some(object) = self.vault.objects().get(&object) else {
            return false;
        };
        let Ok(mut reader) = self.vault.store().open_object(object) else {
            return false;
        };
        match io::copy(&mut reader, &mut io::sink()) {
            Ok(_) => false,
            Err(err) => crate::store::is_modified(&err),
        }
    }

    fn statements(&mut self) {
        for statement in consent::verify_each(self.vault) {
            self.report.statements += 1;
            let Err(err) = statement.result else {
                continue;
            };
            let Ok(dossier) = self.vault.dossier(statement.grantor) else {
                continue;
            };
            match err {
                Error::InvalidToken { .. } => self.report.findings.push(Finding::InvalidStatement {
                    subject: subject_of(dossier),
                    kind: statement.kind,
                    id: statement.id,
                    error: err,
                }),
                other => self.damaged(dossier, Item::Statement(statement.kind, statement.id), &other),
            }
        }
    }
}

fn subject_of(dossier: &Dossier) -> Subject {
    match &dossier.details {
        Details::Person(person) => Subject::Person {
            name: person.name.clone(),
            registration: person.registration.clone(),
        },
        Details::Couple(couple) => Subject::Couple {
            registration: couple.registration.clone(),
        },
    }
}

fn problem_of(err: &Error) -> Problem {
    match err {
        Error::Damaged(Damage::Missing { .. }) => Problem::Missing,
        Error::Damaged(Damage::Modified { .. }) => Problem::Changed,
        Error::Damaged(Damage::InDossier { missing: true, .. }) => Problem::Missing,
        Error::Damaged(Damage::InDossier { missing: false, .. }) => Problem::Changed,
        _ => Problem::Unreadable,
    }
}

fn file_of(err: &Error) -> String {
    match err {
        Error::Damaged(
            Damage::Missing { file }
            | Damage::Modified { file }
            | Damage::Unreadable { file, .. }
            | Damage::InDossier { file, .. },
        ) => file.clone(),
        _ => String::new(),
    }
}

/// Reports object files no entry wrote, and notes temporary leftovers.
///
/// A crash between writing a change's objects and its journal entry leaves
/// objects no entry lists (vault-format.md, section 7.3). They are fresh
/// encryptions to the vault's own keys, so one that those keys open and
/// that is not a copy of a listed object is noted, not reported: kluis
/// never reads it. Anything else was put there from outside.
fn find_strays(vault: &Vault, path: &Path, report: &mut Report) {
    let listed: HashSet<String> = vault.objects().keys().map(|id| Store::object_name(*id)).collect();
    let removed: HashSet<String> = vault
        .removed_objects()
        .iter()
        .map(|id| Store::object_name(*id))
        .collect();
    let listed_hashes: HashSet<&[u8]> = vault
        .objects()
        .values()
        .map(|object| object.sha256.as_slice())
        .collect();
    let objects = path.join(OBJECTS_DIR);
    let mut unlisted = Vec::new();
    for entry in walkdir::WalkDir::new(&objects)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|entry| entry.ok())
    {
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(path)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .to_string();
        if is_leftover(entry.path()) {
            report.notices.push(Notice::Leftover { file: relative });
        } else if removed.contains(&relative) {
            report.notices.push(Notice::NotYetShredded { file: relative });
        } else if !listed.contains(&relative) {
            let copy = std::fs::read(entry.path())
                .map(|bytes| listed_hashes.contains(crate::store::sha256(&bytes).as_slice()))
                .unwrap_or(false);
            unlisted.push((entry.into_path(), relative, copy));
        }
    }
    // An interrupted `person add` leaves a key object and a details object
    // encrypted to that key; the key opens the details.
    let new_keys: Vec<_> = unlisted
        .iter()
        .filter(|(_, _, copy)| !copy)
        .filter_map(|(file, _, _)| vault.unlisted_dossier_key(file))
        .collect();
    for (file, relative, copy) in unlisted {
        if !copy && vault.opens_as_own_object(&file, &new_keys) {
            report.notices.push(Notice::Unlisted { file: relative });
        } else {
            report.findings.push(Finding::Stray { file: relative });
        }
    }
    notice_leftovers(path, report);
    find_foreign_entries(path, report);
}

/// Reports files in `journal/` whose names are not entry numbers.
fn find_foreign_entries(path: &Path, report: &mut Report) {
    let Ok(entries) = std::fs::read_dir(path.join(JOURNAL_DIR)) else {
        return;
    };
    let mut found: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| !is_leftover(&entry.path()))
        .map(|entry| entry.file_name().to_string_lossy().to_string())
        .filter(|name| !(name.len() == 12 && name.bytes().all(|byte| byte.is_ascii_digit())))
        .map(|name| format!("{JOURNAL_DIR}/{name}"))
        .collect();
    found.sort();
    report
        .findings
        .extend(found.into_iter().map(|file| Finding::NotAnEntry { file }));
}

fn notice_leftovers(path: &Path, report: &mut Report) {
    notice_leftovers_in(path, path, report);
    notice_leftovers_in(path, &path.join(JOURNAL_DIR), report);
}

fn notice_leftovers_in(root: &Path, folder: &Path, report: &mut Report) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let mut found: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .filter(|entry| is_leftover(&entry.path()))
        .map(|entry| {
            entry
                .path()
                .strip_prefix(root)
                .unwrap_or(&entry.path())
                .to_string_lossy()
                .to_string()
        })
        .collect();
    found.sort();
    report
        .notices
        .extend(found.into_iter().map(|file| Notice::Leftover { file }));
}

fn is_leftover(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with(".tmp-"))
}
