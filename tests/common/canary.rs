//! The plaintext scan that runs when a [`super::TestVault`] is dropped. The
//! personal values a test gave kluis (names, registration numbers, note
//! lines, attachment bytes, consent details) must not appear readable in
//! the vault folder or in the folders kluis may use for temporary files.
//! Every file and folder in the vault must be private to its owner.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// Values shorter than this are not used as canaries: a short string can
/// occur by chance in the base64 of age headers, so its finding would mean
/// nothing.
pub const MIN_CANARY_LEN: usize = 6;

/// Longer values are searched for in pieces of this many bytes, which
/// keeps the scan fast.
const MAX_CANARY_LEN: usize = 64;

/// At most this many lines of one input file become canaries.
const MAX_LINES_PER_FILE: usize = 200;

/// The values a test gave kluis that must stay encrypted. They are stored
/// with ASCII letters in lowercase and compared with the lowercased bytes
/// of each file, so a value also counts as found in uppercase or any other
/// ASCII letter case.
#[derive(Debug, Default, Clone)]
pub struct Canaries {
    needles: Vec<Vec<u8>>,
}

impl Canaries {
    /// Adds one value, such as a name or a purpose. A value longer than
    /// [`MAX_CANARY_LEN`] bytes is added as consecutive pieces of that
    /// length, so a part of it is found too.
    pub fn add(&mut self, value: impl AsRef<[u8]>) {
        let value = value.as_ref().trim_ascii();
        for piece in value.chunks(MAX_CANARY_LEN) {
            if piece.len() < MIN_CANARY_LEN {
                continue;
            }
            let needle = piece.to_ascii_lowercase();
            if !self.needles.contains(&needle) {
                self.needles.push(needle);
            }
        }
    }

    /// Adds every line of a file's content, such as a note or a scan. Lines
    /// of binary content are the runs between newline bytes.
    pub fn add_content(&mut self, content: &[u8]) {
        for line in content.split(|byte| *byte == b'\n').take(MAX_LINES_PER_FILE) {
            self.add(line);
        }
    }

    /// Returns whether there is nothing to search for.
    pub fn is_empty(&self) -> bool {
        self.needles.is_empty()
    }

    /// Lists the canaries found in `bytes`, described for a failure message.
    fn found_in(&self, bytes: &[u8]) -> Vec<String> {
        let haystack = bytes.to_ascii_lowercase();
        self.needles
            .iter()
            .filter(|needle| contains(&haystack, needle))
            .map(|needle| format!("{:?}", String::from_utf8_lossy(needle)))
            .collect()
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// Returns whether a file or folder name is one kluis gives its temporary
/// files (`.tmp-…` for atomic writes, `.kluis-…` for staging folders).
pub fn is_kluis_temporary(name: &str) -> bool {
    name.starts_with(".tmp-") || name.starts_with(".kluis-")
}

/// Which entries of a folder tree [`scan_tree`] leaves alone.
pub struct Exclusions<'a> {
    /// Folders not entered at all.
    pub pruned: &'a [&'a Path],
    /// Entries whose name and content are not checked, though the walk
    /// still enters a folder among them.
    pub unchecked: &'a dyn Fn(&Path) -> bool,
}

impl Exclusions<'_> {
    /// Leaves nothing alone.
    pub const NONE: Exclusions<'static> = Exclusions {
        pruned: &[],
        unchecked: &|_| false,
    };
}

/// Lists every canary found in the names (relative to `root`) or contents
/// of the files and folders below `root`.
pub fn scan_tree(root: &Path, canaries: &Canaries, exclusions: &Exclusions) -> Vec<String> {
    let mut findings = Vec::new();
    if !root.exists() {
        return findings;
    }
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| !exclusions.pruned.contains(&entry.path()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                findings.push(format!("cannot walk {}: {err}", root.display()));
                continue;
            }
        };
        if (exclusions.unchecked)(entry.path()) {
            continue;
        }
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let name = relative.to_string_lossy();
        for canary in canaries.found_in(name.as_bytes()) {
            findings.push(format!("{canary} in the name {}", entry.path().display()));
        }
        if !entry.file_type().is_file() {
            continue;
        }
        match fs::read(entry.path()) {
            Ok(bytes) => {
                for canary in canaries.found_in(&bytes) {
                    findings.push(format!("{canary} in the content of {}", entry.path().display()));
                }
            }
            Err(err) => findings.push(format!("cannot read {}: {err}", entry.path().display())),
        }
    }
    findings
}

/// Lists every folder below `root` (and `root` itself) whose mode is not
/// 0700 and every file whose mode is not 0600.
pub fn mode_problems(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    if !root.exists() {
        return problems;
    }
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                problems.push(format!("cannot walk {}: {err}", root.display()));
                continue;
            }
        };
        let expected = if entry.file_type().is_dir() { 0o700 } else { 0o600 };
        let mode = match entry.metadata() {
            Ok(metadata) => metadata.permissions().mode() & 0o777,
            Err(err) => {
                problems.push(format!("cannot stat {}: {err}", entry.path().display()));
                continue;
            }
        };
        if mode != expected {
            problems.push(format!(
                "mode {mode:04o} of {}, expected {expected:04o}",
                entry.path().display()
            ));
        }
    }
    problems
}
