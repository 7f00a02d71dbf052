//! Packs: many small vault files sent as one tar file.
//!
//! A backup of a large vault would otherwise send one request per object and
//! per entry. A pack `packs/<first>-<last>.tar` holds, for the entries
//! `first` to `last`, their small objects and the entries themselves, under
//! their vault names (`objects/xx/<id>`, `journal/<seq>`), as a POSIX ustar
//! archive that the stock `tar` tool unpacks into a vault folder. Its member
//! headers carry no owner, time or anything else: mode 0600, uid and gid 0,
//! time 0.
//!
//! When a destroyed dossier's objects are in a pack, a backup replaces it
//! with `packs/<first>-<last>-<seq>.tar`: the same members without the
//! objects that entries up to `seq` removed.

use std::io::{self, Read};
use std::path::PathBuf;

use crate::error::{Damage, Error, Result};
use crate::store::journal::entry_name;

/// The folder of packs on a remote.
pub const PACKS_DIR: &str = "packs";

/// Objects larger than this are sent as files of their own.
pub const LARGEST_PACKED: u64 = 1 << 20;

/// A pack is closed once its members reach this many bytes.
pub const PACK_TARGET: u64 = 8 << 20;

const BLOCK: u64 = 512;

/// One file to put in a pack: its vault name, where it is, and the SHA-256
/// it must have.
#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub path: PathBuf,
    pub sha256: [u8; 32],
    pub size: u64,
}

/// A planned pack.
#[derive(Debug, Clone)]
pub struct Plan {
    pub first: u64,
    pub last: u64,
    pub members: Vec<Member>,
}

impl Plan {
    /// Returns the remote name of the pack.
    pub fn name(&self) -> String {
        pack_name(self.first, self.last)
    }

    /// Returns the size of the tar file, as [`Plan::build`] writes it.
    pub fn size(&self) -> u64 {
        self.members
            .iter()
            .map(|member| BLOCK + member.size.div_ceil(BLOCK) * BLOCK)
            .sum::<u64>()
            + 2 * BLOCK
    }

    /// Reads every member, checks its SHA-256, and returns the tar file. A
    /// damaged local file is never packed.
    pub fn build(&self) -> Result<Vec<u8>> {
        let mut builder = tar::Builder::new(Vec::with_capacity(self.size() as usize));
        for member in &self.members {
            let bytes =
                std::fs::read(&member.path).map_err(|err| crate::store::read_damage(err, &member.name))?;
            if crate::store::sha256(&bytes) != member.sha256 {
                return Err(Error::Damaged(Damage::Modified {
                    file: member.name.clone(),
                }));
            }
            append(&mut builder, &member.name, &bytes, &self.name())?;
        }
        finish(builder, &self.name())
    }
}

/// Returns a pack named `name` with `members` (vault name and bytes), in
/// the order given. The same members give the same bytes, as a pack that
/// [`Plan::build`] writes has them.
pub fn build(name: &str, members: &[(String, Vec<u8>)]) -> Result<Vec<u8>> {
    let size = members
        .iter()
        .map(|(_, bytes)| BLOCK + (bytes.len() as u64).div_ceil(BLOCK) * BLOCK)
        .sum::<u64>()
        + 2 * BLOCK;
    let mut builder = tar::Builder::new(Vec::with_capacity(size as usize));
    for (member, bytes) in members {
        append(&mut builder, member, bytes, name)?;
    }
    finish(builder, name)
}

/// Appends one member with the fixed header fields of a pack.
fn append(builder: &mut tar::Builder<Vec<u8>>, member: &str, bytes: &[u8], pack: &str) -> Result<()> {
    let mut header = tar::Header::new_ustar();
    header.set_size(bytes.len() as u64);
    header.set_mode(0o600);
    header.set_uid(0);
    header.set_gid(0);
    header.set_mtime(0);
    header.set_entry_type(tar::EntryType::Regular);
    builder
        .append_data(&mut header, member, bytes)
        .map_err(|err| Error::io(crate::error::IoAction::Writing, PathBuf::from(pack), err))
}

fn finish(builder: tar::Builder<Vec<u8>>, pack: &str) -> Result<Vec<u8>> {
    builder
        .into_inner()
        .map_err(|err| Error::io(crate::error::IoAction::Writing, PathBuf::from(pack), err))
}

/// Returns the remote name of the pack of entries `first` to `last`.
pub fn pack_name(first: u64, last: u64) -> String {
    format!("{PACKS_DIR}/{first:012}-{last:012}.tar")
}

/// Returns the name of the pack that replaces a pack of entries `first` to
/// `last` once the objects that entries up to `removed_by` removed are
/// taken out of it.
pub fn rewritten_name(first: u64, last: u64, removed_by: u64) -> String {
    format!("{PACKS_DIR}/{first:012}-{last:012}-{removed_by:012}.tar")
}

/// Parses a pack's remote name, `packs/<first>-<last>.tar` or
/// `packs/<first>-<last>-<seq>.tar` with numbers of 12 digits, into its
/// first and last entry.
pub fn parse_name(name: &str) -> Option<(u64, u64)> {
    let rest = name
        .strip_prefix(PACKS_DIR)?
        .strip_prefix('/')?
        .strip_suffix(".tar")?;
    let numbers: Vec<u64> = rest
        .split('-')
        .map(|part| {
            (part.len() == 12 && part.bytes().all(|byte| byte.is_ascii_digit()))
                .then(|| part.parse().ok())
                .flatten()
        })
        .collect::<Option<_>>()?;
    match numbers[..] {
        [first, last] if first >= 1 && first <= last => Some((first, last)),
        [first, last, removed_by] if first >= 1 && first <= last && removed_by >= 1 => Some((first, last)),
        _ => None,
    }
}

/// Splits entries into packs. `entries` yields, in journal order, each
/// entry's number, its own file and its objects. Objects larger than
/// [`LARGEST_PACKED`] are returned apart, to be sent as files of their own.
pub fn plan(entries: impl IntoIterator<Item = (u64, Member, Vec<Member>)>) -> (Vec<Plan>, Vec<Member>) {
    let mut packs = Vec::new();
    let mut loose = Vec::new();
    let mut current: Option<Plan> = None;
    let mut bytes = 0u64;
    for (seq, entry, objects) in entries {
        let pack = current.get_or_insert_with(|| Plan {
            first: seq,
            last: seq,
            members: Vec::new(),
        });
        for object in objects {
            if object.size > LARGEST_PACKED {
                loose.push(object);
            } else {
                bytes += object.size;
                pack.members.push(object);
            }
        }
        bytes += entry.size;
        pack.members.push(entry);
        pack.last = seq;
        if bytes >= PACK_TARGET {
            packs.extend(current.take());
            bytes = 0;
        }
    }
    packs.extend(current);
    (packs, loose)
}

/// Calls `each` with the name and bytes of every member of a pack. A
/// member that is not a regular file with a vault name, or a damaged
/// archive, is an error naming the pack.
pub fn read(pack: &str, bytes: &[u8], mut each: impl FnMut(&str, Vec<u8>) -> Result<()>) -> Result<()> {
    let damaged = || {
        Error::Damaged(Damage::Unreadable {
            file: pack.to_string(),
            reason: "not a kluis pack".into(),
        })
    };
    let mut archive = tar::Archive::new(bytes);
    let members = archive.entries().map_err(|_| damaged())?;
    for member in members {
        let mut member = member.map_err(|_| damaged())?;
        if member.header().entry_type() != tar::EntryType::Regular {
            return Err(damaged());
        }
        let name = member
            .path()
            .map_err(|_| damaged())?
            .to_str()
            .ok_or_else(damaged)?
            .to_string();
        if !is_vault_name(&name) {
            return Err(damaged());
        }
        // A member cannot be larger than the pack that contains it, so a
        // header that claims more must not make kluis reserve that memory.
        if member.size() > bytes.len() as u64 {
            return Err(damaged());
        }
        let mut content = Vec::with_capacity(member.size() as usize);
        member
            .read_to_end(&mut content)
            .map_err(|_: io::Error| damaged())?;
        each(&name, content)?;
    }
    Ok(())
}

/// Returns whether `name` is an object or entry name of the vault layout.
fn is_vault_name(name: &str) -> bool {
    let hex = |text: &str| text.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'));
    if let Some(rest) = name.strip_prefix("objects/") {
        return rest.len() == 35
            && rest.as_bytes()[2] == b'/'
            && hex(&rest[..2])
            && hex(&rest[3..])
            && rest[..2] == rest[3..5];
    }
    name.strip_prefix("journal/")
        .and_then(|seq| seq.parse::<u64>().ok().filter(|_| seq.len() == 12))
        .is_some_and(|seq| seq >= 1 && entry_name(seq) == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(folder: &std::path::Path, name: &str, size: usize) -> Member {
        let path = folder.join(name.replace('/', "_"));
        let bytes = vec![7u8; size];
        std::fs::write(&path, &bytes).unwrap();
        Member {
            name: name.to_string(),
            path,
            sha256: crate::store::sha256(&bytes),
            size: size as u64,
        }
    }

    #[test]
    fn planned_size_matches_built_pack() {
        let folder = tempfile::tempdir().unwrap();
        let plan = Plan {
            first: 1,
            last: 2,
            members: vec![
                member(folder.path(), "objects/ab/ab000000000000000000000000000001", 2049),
                member(folder.path(), "journal/000000000001", 512),
                member(folder.path(), "journal/000000000002", 1),
            ],
        };
        let built = plan.build().unwrap();
        assert_eq!(built.len() as u64, plan.size());
        let mut names = Vec::new();
        read(&plan.name(), &built, |name, bytes| {
            names.push((name.to_string(), bytes.len()));
            Ok(())
        })
        .unwrap();
        assert_eq!(
            names[0],
            ("objects/ab/ab000000000000000000000000000001".to_string(), 2049)
        );
        assert_eq!(names.len(), 3);
    }

    #[test]
    fn rebuilt_pack_matches_built_pack() {
        let folder = tempfile::tempdir().unwrap();
        let plan = Plan {
            first: 1,
            last: 1,
            members: vec![
                member(folder.path(), "objects/ab/ab000000000000000000000000000001", 700),
                member(folder.path(), "objects/cd/cd000000000000000000000000000002", 3),
                member(folder.path(), "journal/000000000001", 512),
            ],
        };
        let built = plan.build().unwrap();
        let mut members = Vec::new();
        read(&plan.name(), &built, |name, bytes| {
            members.push((name.to_string(), bytes));
            Ok(())
        })
        .unwrap();
        assert!(build(&plan.name(), &members).unwrap() == built);

        members.remove(1);
        let name = rewritten_name(1, 1, 2);
        let rebuilt = build(&name, &members).unwrap();
        let mut names = Vec::new();
        read(&name, &rebuilt, |member, _| {
            names.push(member.to_string());
            Ok(())
        })
        .unwrap();
        assert_eq!(
            names,
            [
                "objects/ab/ab000000000000000000000000000001",
                "journal/000000000001"
            ]
        );
        assert_eq!(rebuilt.len(), built.len() - 1024);
    }

    #[test]
    fn damaged_member_is_never_packed() {
        let folder = tempfile::tempdir().unwrap();
        let mut good = member(folder.path(), "journal/000000000001", 10);
        good.sha256[0] ^= 1;
        let plan = Plan {
            first: 1,
            last: 1,
            members: vec![good],
        };
        assert!(matches!(
            plan.build(),
            Err(Error::Damaged(Damage::Modified { .. }))
        ));
    }

    #[test]
    fn oversized_member_header_rejected() {
        let mut header = tar::Header::new_ustar();
        header.set_path("journal/000000000001").unwrap();
        header.set_size(1 << 50);
        header.set_entry_type(tar::EntryType::Regular);
        header.set_cksum();
        let mut bytes = header.as_bytes().to_vec();
        bytes.extend_from_slice(&[0u8; 1024]);
        let result = read("packs/x.tar", &bytes, |_, _| Ok(()));
        assert!(matches!(result, Err(Error::Damaged(Damage::Unreadable { .. }))));
    }

    #[test]
    fn names_round_trip_and_reject_others() {
        assert_eq!(parse_name(&pack_name(3, 900)), Some((3, 900)));
        assert_eq!(parse_name(&rewritten_name(3, 900, 901)), Some((3, 900)));
        assert_eq!(parse_name("packs/000000000005-000000000004.tar"), None);
        assert_eq!(
            parse_name("packs/000000000001-000000000004-000000000000.tar"),
            None
        );
        assert_eq!(
            parse_name("packs/000000000001-000000000004-000000000005-000000000006.tar"),
            None
        );
        assert_eq!(parse_name("packs/000000000001-000000000004-5.tar"), None);
        assert_eq!(parse_name("packs/000000000001-+00000000004.tar"), None);
        assert_eq!(parse_name("packs/000000000001-000000000004-.tar"), None);
        assert_eq!(parse_name("packs/x.tar"), None);
        assert!(is_vault_name("journal/000000000001"));
        assert!(!is_vault_name("journal/000000000000"));
        assert!(!is_vault_name("../etc/passwd"));
        assert!(!is_vault_name("objects/ab/cd000000000000000000000000000001"));
    }

    #[test]
    fn plan_keeps_large_objects_loose() {
        let folder = tempfile::tempdir().unwrap();
        let big = member(
            folder.path(),
            "objects/aa/aa000000000000000000000000000001",
            (LARGEST_PACKED + 1) as usize,
        );
        let entries = (1..=3).map(|seq| {
            let entry = member(folder.path(), &entry_name(seq), 100);
            let objects = if seq == 2 { vec![big.clone()] } else { Vec::new() };
            (seq, entry, objects)
        });
        let (packs, loose) = plan(entries);
        assert_eq!(loose.len(), 1);
        assert_eq!(packs.len(), 1);
        assert_eq!((packs[0].first, packs[0].last), (1, 3));
    }
}
