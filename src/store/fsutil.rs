//! Atomic, durable file writes with owner-only permissions.
//!
//! Every write goes to a temporary file in the destination folder, is flushed
//! to disk, renamed into place, and the folder is flushed too, so a crash
//! leaves either the old state or the new one, never half a file.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::Path;

use tempfile::NamedTempFile;

use crate::error::{Error, IoAction, Result};

/// Creates `path` and its missing parents with mode 0700, and flushes the
/// parent folder so the new folder survives a crash.
pub fn create_private_dir(path: &Path) -> Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(path)
        .map_err(|err| Error::io(IoAction::Creating, path, err))?;
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => sync_dir(parent),
        _ => Ok(()),
    }
}

/// Flushes a folder's entries to disk, so a rename inside it is durable.
pub fn sync_dir(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        let dir = File::open(path).map_err(|err| Error::io(IoAction::Writing, path, err))?;
        dir.sync_all()
            .map_err(|err| Error::io(IoAction::Writing, path, err))?;
    }
    Ok(())
}

/// Overwrites the file at `path` with zeros, flushes that to disk, deletes
/// the file and flushes its folder. A missing file is not an error.
///
/// On a copy-on-write file system or a flash disk the old blocks may
/// survive the overwrite. A dossier's objects become unreadable because
/// every copy of its key object is deleted.
pub fn shred(path: &Path) -> Result<()> {
    let mut file = match fs::OpenOptions::new().write(true).open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(Error::io(IoAction::Removing, path, err)),
    };
    let length = file
        .metadata()
        .map_err(|err| Error::io(IoAction::Removing, path, err))?
        .len();
    let zeros = [0u8; 64 * 1024];
    let mut left = length;
    while left > 0 {
        let part = left.min(zeros.len() as u64) as usize;
        file.write_all(&zeros[..part])
            .map_err(|err| Error::io(IoAction::Removing, path, err))?;
        left -= part as u64;
    }
    file.sync_all()
        .map_err(|err| Error::io(IoAction::Removing, path, err))?;
    drop(file);
    fs::remove_file(path).map_err(|err| Error::io(IoAction::Removing, path, err))?;
    if let Some(folder) = path.parent() {
        sync_dir(folder)?;
    }
    Ok(())
}

/// A file being written atomically; nothing appears at the destination until
/// [`AtomicFile::commit`] succeeds, and an abandoned one is removed on drop.
pub struct AtomicFile {
    temp: NamedTempFile,
    folder: std::path::PathBuf,
}

impl AtomicFile {
    /// Starts a new file in `folder` (mode 0600).
    pub fn new_in(folder: &Path) -> Result<Self> {
        let temp = tempfile::Builder::new()
            .prefix(".tmp-")
            .permissions(private_file_permissions())
            .tempfile_in(folder)
            .map_err(|err| Error::io(IoAction::Creating, folder, err))?;
        Ok(Self {
            temp,
            folder: folder.to_path_buf(),
        })
    }

    /// Returns the open file to write to.
    pub fn file(&mut self) -> &mut File {
        self.temp.as_file_mut()
    }

    /// Flushes and moves the file to `path`. With `replace` false an existing
    /// file at `path` is an error and stays untouched.
    pub fn commit(mut self, path: &Path, replace: bool) -> Result<()> {
        let folder = self.folder.clone();
        self.temp
            .as_file_mut()
            .flush()
            .map_err(|err| Error::io(IoAction::Writing, path, err))?;
        self.temp
            .as_file()
            .sync_all()
            .map_err(|err| Error::io(IoAction::Writing, path, err))?;
        let result = if replace {
            self.temp.persist(path).map(|_| ())
        } else {
            self.temp.persist_noclobber(path).map(|_| ())
        };
        result.map_err(|err| {
            if err.error.kind() == io::ErrorKind::AlreadyExists {
                Error::OutputExists {
                    path: path.to_path_buf(),
                }
            } else {
                Error::io(IoAction::Writing, path, err.error)
            }
        })?;
        sync_dir(&folder)
    }
}

/// Writes `bytes` to a new file at `path`; an existing file is an error.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, bytes, false)
}

/// Writes `bytes` to `path`, replacing what was there in one step.
pub fn replace(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, bytes, true)
}

fn write_atomic(path: &Path, bytes: &[u8], replace: bool) -> Result<()> {
    let folder = path.parent().expect("vault files always have a parent folder");
    let mut file = AtomicFile::new_in(folder)?;
    file.file()
        .write_all(bytes)
        .map_err(|err| Error::io(IoAction::Writing, path, err))?;
    file.commit(path, replace)
}

/// Reads a whole file, reporting a missing one as `None`.
pub fn read_optional(path: &Path) -> Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(Error::io(IoAction::Reading, path, err)),
    }
}

fn private_file_permissions() -> fs::Permissions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::Permissions::from_mode(0o600)
    }
    #[cfg(not(unix))]
    {
        // NOTE: on other systems the folder's access control list applies.
        tempfile::tempfile()
            .and_then(|f| f.metadata())
            .map(|m| m.permissions())
            .unwrap()
    }
}

/// Returns owner-only folder permissions (0700).
pub fn private_dir_permissions() -> fs::Permissions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::Permissions::from_mode(0o700)
    }
    #[cfg(not(unix))]
    {
        std::env::temp_dir()
            .metadata()
            .map(|m| m.permissions())
            .expect("the temp folder exists")
    }
}
