//! Reading what the counsellor gives kluis: passphrases, note text, files.
//! Terminal safety lives here: prompts without echo, editor files only in
//! memory-backed folders, no binary output to a terminal.

use std::fs;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::Command;

use age::secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use kluis::error::{Error, InputProblem, IoAction, Result};
use kluis::fl;

/// Environment variable that may carry the passphrase, for scripts.
pub const PASSPHRASE_VAR: &str = "KLUIS_PASSPHRASE";

/// Gets the vault passphrase: from the first line of the passphrase file,
/// from `KLUIS_PASSPHRASE`, or from a prompt without echo. With `confirm`,
/// the prompt repeats and both entries must match.
pub fn passphrase(file: Option<&Path>, confirm: bool) -> Result<SecretString> {
    // A file named on the command line wins over the environment.
    if let (None, Ok(value)) = (file, std::env::var(PASSPHRASE_VAR)) {
        if !value.is_empty() {
            return Ok(SecretString::from(value));
        }
    }
    if let Some(path) = file {
        let contents = read_input(path)?;
        let text = std::str::from_utf8(&contents).map_err(|_| Error::NotUtf8 {
            what: path.display().to_string(),
        })?;
        let line = text.lines().next().unwrap_or("");
        return Ok(SecretString::from(line.to_string()));
    }
    if !io::stdin().is_terminal() && !io::stderr().is_terminal() {
        return Err(Error::NoPassphrase);
    }
    let first = prompt(&fl!("prompt-passphrase"))?;
    if confirm {
        let second = prompt(&fl!("prompt-passphrase-again"))?;
        if first.expose_secret() != second.expose_secret() {
            return Err(Error::PassphraseMismatch);
        }
    }
    Ok(first)
}

/// Asks for a secret on the terminal without echo.
pub fn secret_prompt(text: &str) -> Result<SecretString> {
    if !io::stdin().is_terminal() && !io::stderr().is_terminal() {
        return Err(Error::NoPassphrase);
    }
    prompt(text)
}

fn prompt(text: &str) -> Result<SecretString> {
    rpassword::prompt_password(format!("{text} "))
        .map(SecretString::from)
        .map_err(|_| Error::NoPassphrase)
}

/// Opens a file the user named (a note, a scan, a key), telling a missing
/// file or a folder apart from other failures.
pub fn open_input(path: &Path) -> Result<fs::File> {
    let problem = match fs::metadata(path) {
        Ok(metadata) if metadata.is_file() => None,
        Ok(_) => Some(InputProblem::NotAFile),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Some(InputProblem::NotFound),
        Err(err) if err.kind() == io::ErrorKind::PermissionDenied => Some(InputProblem::NoPermission),
        Err(err) => return Err(Error::io(IoAction::Reading, path, err)),
    };
    if let Some(problem) = problem {
        return Err(Error::InputFile {
            path: path.to_path_buf(),
            problem,
        });
    }
    fs::File::open(path).map_err(|err| match err.kind() {
        io::ErrorKind::PermissionDenied => Error::InputFile {
            path: path.to_path_buf(),
            problem: InputProblem::NoPermission,
        },
        _ => Error::io(IoAction::Reading, path, err),
    })
}

/// Reads a whole file the user named into memory that is wiped on drop.
pub fn read_input(path: &Path) -> Result<Zeroizing<Vec<u8>>> {
    let file = open_input(path)?;
    kluis::keys::read_zeroizing(file).map_err(|err| Error::io(IoAction::Reading, path, err))
}

/// Asks a question on the terminal and returns the line typed, or `None`
/// when nothing could be read.
pub fn answer(question: &str) -> Option<String> {
    eprint!("{question} ");
    let mut answer = String::new();
    match io::stdin().read_line(&mut answer) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(answer),
    }
}

/// Asks a yes/no question on the terminal; anything but yes is no.
pub fn confirm(question: &str) -> bool {
    eprint!("{question} ");
    let mut answer = String::new();
    if io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    let answer = answer.trim().to_lowercase();
    let yes = fl!("answer-yes");
    answer == yes || answer == yes.chars().take(1).collect::<String>() || answer == "y" || answer == "yes"
}

/// Reads note text from a file, `-` for standard input, or, without a file,
/// from standard input when it is not a terminal, or else the editor.
pub fn note_text(file: Option<&Path>) -> Result<Zeroizing<String>> {
    let bytes = match file {
        Some(path) if path == Path::new("-") => read_stdin()?,
        Some(path) => read_input(path)?,
        None if !io::stdin().is_terminal() => read_stdin()?,
        None => edit()?,
    };
    let what = match file {
        Some(path) if path != Path::new("-") => path.display().to_string(),
        _ => fl!("input-note"),
    };
    Ok(Zeroizing::new(kluis::model::text::utf8(bytes.to_vec(), &what)?))
}

fn read_stdin() -> Result<Zeroizing<Vec<u8>>> {
    kluis::keys::read_zeroizing(io::stdin()).map_err(|err| Error::io(IoAction::Reading, "-", err))
}

/// Lets the counsellor write the note in `$VISUAL` or `$EDITOR`. The file
/// lives in a private folder on a memory-backed file system, is overwritten
/// with zeros after reading, and removed.
fn edit() -> Result<Zeroizing<Vec<u8>>> {
    let folder = private_memory_folder().ok_or(Error::NoPrivateTempFolder)?;
    let dir = tempfile::Builder::new()
        .prefix("kluis-")
        .permissions(kluis::store::fsutil::private_dir_permissions())
        .tempdir_in(&folder)
        .map_err(|err| Error::io(IoAction::Creating, &folder, err))?;
    let path = dir.path().join("note.md");
    // 0600 whatever the umask, because the note is personal data.
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
        .open(&path)
        .map_err(|err| Error::io(IoAction::Creating, &path, err))?;
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_string());
    let mut words = editor.split_whitespace();
    let program = words.next().unwrap_or("vi");
    // The editor needs no passphrase, so it does not inherit one.
    let status = Command::new(program)
        .args(words)
        .arg(&path)
        .env_remove(PASSPHRASE_VAR)
        .status();
    let result = match status {
        Ok(status) if status.success() => fs::read(&path)
            .map(Zeroizing::new)
            .map_err(|err| Error::io(IoAction::Reading, &path, err)),
        _ => Err(Error::EditorFailed {
            editor: program.to_string(),
        }),
    };
    if let Ok(metadata) = fs::metadata(&path) {
        let _ = fs::write(&path, vec![0u8; metadata.len() as usize]);
    }
    drop(dir);
    result
}

/// Finds a folder on tmpfs or ramfs, so an editor's file never reaches a
/// disk: `$XDG_RUNTIME_DIR`, then `/dev/shm`.
fn private_memory_folder() -> Option<PathBuf> {
    let mounts = fs::read_to_string("/proc/mounts").ok()?;
    let candidates = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain([PathBuf::from("/dev/shm")]);
    candidates
        .into_iter()
        .find(|candidate| candidate.is_dir() && is_memory_backed(candidate, &mounts))
}

fn is_memory_backed(path: &Path, mounts: &str) -> bool {
    let Ok(path) = path.canonicalize() else {
        return false;
    };
    mounts
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let _device = fields.next()?;
            let mount_point = PathBuf::from(fields.next()?);
            let fs_type = fields.next()?;
            path.starts_with(&mount_point)
                .then(|| (mount_point.components().count(), fs_type.to_string()))
        })
        .max_by_key(|(depth, _)| *depth)
        .is_some_and(|(_, fs_type)| fs_type == "tmpfs" || fs_type == "ramfs")
}

/// Guesses a media type from a file name's extension.
pub fn media_type(name: &str) -> &'static str {
    let lower = name.to_ascii_lowercase();
    let extension = lower.rsplit_once('.').map(|(_, ext)| ext).unwrap_or("");
    match extension {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "tif" | "tiff" => "image/tiff",
        "txt" => "text/plain",
        "md" => "text/markdown",
        "eml" => "message/rfc822",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "odt" => "application/vnd.oasis.opendocument.text",
        _ => "application/octet-stream",
    }
}
