//! The vault folder: write-once objects, the journal and its head, the
//! writer's lock. Nothing above this layer touches vault files directly.
//!
//! Layout (see `vault-format.md`):
//!
//! ```text
//! kluis.cbor              public header
//! identity.age            the counsellor's keys, passphrase-encrypted
//! recovery.age            the same keys, encrypted to the recovery key
//! objects/XX/<32 hex>     write-once age files, XX = first two hex digits
//! journal/<12 digits>     signed journal entries, numbered from 1
//! HEAD                    signed pointer to the latest entry
//! lock                    advisory lock held by the one writer
//! ```

pub mod fsutil;
pub mod journal;
pub mod seen;

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Damage, Error, IoAction, Result};
use crate::format::ObjectRef;
use crate::ids::ObjectId;
use fsutil::AtomicFile;

pub const HEADER_FILE: &str = "kluis.cbor";
pub const IDENTITY_FILE: &str = "identity.age";
pub const RECOVERY_FILE: &str = "recovery.age";
pub const HEAD_FILE: &str = "HEAD";
pub const LOCK_FILE: &str = "lock";
pub const OBJECTS_DIR: &str = "objects";
pub const JOURNAL_DIR: &str = "journal";

/// A vault folder on disk.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// Points at a vault folder without reading anything.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Returns the vault folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Returns the path of a top-level vault file.
    pub fn file(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// Returns the path of an object file.
    pub fn object_path(&self, id: ObjectId) -> PathBuf {
        let hex = id.to_hex();
        self.root.join(OBJECTS_DIR).join(&hex[..2]).join(hex)
    }

    /// Returns the name of an object relative to the vault, as used in messages.
    pub fn object_name(id: ObjectId) -> String {
        let hex = id.to_hex();
        format!("{OBJECTS_DIR}/{}/{hex}", &hex[..2])
    }

    /// Writes a new object from memory.
    pub fn put_object(&self, bytes: &[u8]) -> Result<ObjectRef> {
        self.put_object_with(|out| out.write_all(bytes))
    }

    /// Writes a new object produced by `fill`, hashing it as it streams.
    pub fn put_object_with(&self, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<ObjectRef> {
        let id = ObjectId::random();
        let path = self.object_path(id);
        let folder = path.parent().expect("object paths have a parent");
        fsutil::create_private_dir(folder)?;
        let mut file = AtomicFile::new_in(folder)?;
        let mut hashing = HashingWriter {
            inner: io::BufWriter::new(file.file()),
            hasher: Sha256::new(),
        };
        fill(&mut hashing).map_err(|err| Error::io(IoAction::Writing, &path, err))?;
        let sha256 = hashing.hasher.finalize_reset();
        hashing
            .inner
            .flush()
            .map_err(|err| Error::io(IoAction::Writing, &path, err))?;
        drop(hashing);
        file.commit(&path, false)?;
        Ok(ObjectRef {
            id,
            sha256: serde_bytes::ByteBuf::from(sha256.to_vec()),
        })
    }

    /// Reads a whole object and checks it against the hash the journal holds.
    pub fn get_object(&self, object: &ObjectRef) -> Result<Vec<u8>> {
        let path = self.object_path(object.id);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Err(Error::Damaged(Damage::Missing {
                    file: Self::object_name(object.id),
                }))
            }
            Err(err) => return Err(Error::io(IoAction::Reading, &path, err)),
        };
        if Sha256::digest(&bytes).as_slice() != object.sha256.as_slice() {
            return Err(Error::Damaged(Damage::Modified {
                file: Self::object_name(object.id),
            }));
        }
        Ok(bytes)
    }

    /// Opens an object for streaming; the reader fails at the end if the
    /// content does not match the journal's hash.
    pub fn open_object(&self, object: &ObjectRef) -> Result<VerifyingReader<io::BufReader<File>>> {
        let path = self.object_path(object.id);
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                return Err(Error::Damaged(Damage::Missing {
                    file: Self::object_name(object.id),
                }))
            }
            Err(err) => return Err(Error::io(IoAction::Reading, &path, err)),
        };
        Ok(VerifyingReader {
            inner: io::BufReader::with_capacity(64 * 1024, file),
            hasher: Sha256::new(),
            expected: object.sha256.to_vec(),
            done: false,
        })
    }

    /// Takes the writer's lock, or fails at once if another process holds it.
    pub fn lock(&self) -> Result<WriteLock> {
        let path = self.file(LOCK_FILE);
        let mut options = fs::OpenOptions::new();
        options.create(true).truncate(false).write(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let file = options
            .open(&path)
            .map_err(|err| Error::io(IoAction::Locking, &path, err))?;
        match file.try_lock() {
            Ok(()) => Ok(WriteLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) => Err(Error::Locked),
            Err(fs::TryLockError::Error(err)) => Err(Error::io(IoAction::Locking, &path, err)),
        }
    }
}

/// Proof that this process is the vault's one writer; released on drop.
pub struct WriteLock {
    _file: File,
}

struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf)?;
        self.hasher.update(&buf[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A reader that hashes what passes through and fails at end of file when
/// the hash differs from the expected one.
pub struct VerifyingReader<R> {
    inner: R,
    hasher: Sha256,
    expected: Vec<u8>,
    done: bool,
}

/// The error a [`VerifyingReader`] returns when the content was changed.
#[derive(Debug, thiserror::Error)]
#[error("object content does not match the journal")]
pub struct ObjectModified;

impl<R: Read> Read for VerifyingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.hasher.update(&buf[..read]);
        if read == 0 && !buf.is_empty() && !self.done {
            self.done = true;
            if self.hasher.finalize_reset().as_slice() != self.expected.as_slice() {
                return Err(io::Error::new(io::ErrorKind::InvalidData, ObjectModified));
            }
        }
        Ok(read)
    }
}

/// Turns a failed read of object `file` into damage: `Modified` when the
/// file's hash differs from the journal's, `Unreadable` otherwise.
pub fn read_damage(err: io::Error, file: &str) -> Error {
    if is_modified(&err) {
        Error::Damaged(Damage::Modified { file: file.into() })
    } else {
        Error::Damaged(Damage::Unreadable {
            file: file.into(),
            reason: err.to_string(),
        })
    }
}

/// Returns whether a read failed because the file's hash differs from the
/// journal's.
pub fn is_modified(err: &io::Error) -> bool {
    err.get_ref().is_some_and(|inner| inner.is::<ObjectModified>())
}

/// Hashes bytes with SHA-256.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}
