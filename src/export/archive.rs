//! Writing an export: a tar archive of readable documents, streamed through
//! age encryption, so memory use does not depend on attachment sizes.

use std::collections::{BTreeMap, HashSet};

use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};

use tar::{Builder, EntryType, Header};

use super::{texts, ExportPlan, ExportRecipient, ItemKind, PlannedItem};
use crate::error::{Error, IoAction, Result};
use crate::fl;
use crate::format::{
    cbor, cose, ItemDecisionRecord, NoteBody, ReceiptFile, ReceiptPayload, RecipientRecord, WithheldCount,
};
use crate::ids::ObjectId;
use crate::model::{text, Vault};

/// The folder every file of an export archive is in.
pub const ROOT: &str = "kluis-export";
/// The signed receipt's file name inside [`ROOT`]; the same in every language.
pub const SIGNED_RECEIPT: &str = "receipt.cose";

/// The paths taken so far in an archive and the SHA-256 of each file.
struct FileHashes {
    used: HashSet<String>,
    files: Vec<(String, [u8; 32])>,
}

/// Signs the receipt: every file with its hash, every included item with
/// its rule and consents, and the withheld items counted per rule.
fn signed_receipt(
    vault: &Vault,
    plan: &ExportPlan,
    included: &[(String, &PlannedItem)],
    files: Vec<(String, [u8; 32])>,
    now: jiff::Timestamp,
) -> Vec<u8> {
    let mut withheld: Vec<WithheldCount> = Vec::new();
    for item in plan.withheld() {
        let rule = item.decision.rule.code().to_string();
        match withheld.iter_mut().find(|count| count.rule == rule) {
            Some(count) => count.count += 1,
            None => withheld.push(WithheldCount { rule, count: 1 }),
        }
    }
    let mut items: Vec<ItemDecisionRecord> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (_, item) in included {
        if seen.insert(item.decision.item_id.as_str()) {
            items.push(ItemDecisionRecord {
                item: item.decision.item_id.clone(),
                allowed: true,
                rule: item.decision.rule.code().to_string(),
                consents: item.decision.consents_used.clone(),
            });
        }
    }
    let payload = ReceiptPayload {
        version: crate::format::RECORD_VERSION,
        vault: vault.id(),
        recipient: plan.request.recipient.clone(),
        time: now.as_second(),
        requested_at: plan.request.requested_at.as_second(),
        files: files
            .into_iter()
            .map(|(path, sha256)| ReceiptFile {
                path,
                sha256: serde_bytes::ByteBuf::from(sha256.to_vec()),
            })
            .collect(),
        included: items,
        withheld,
    };
    cose::sign(cose::RECEIPT, cbor::to_vec(&payload), vault.signing_key())
}

/// Verifies a signed receipt against the counsellor's public key and
/// returns its payload. The caller compares the files it lists with the
/// files of the archive.
pub fn verify_receipt(
    bytes: &[u8],
    counsellor: &ed25519_dalek::VerifyingKey,
) -> Result<ReceiptPayload, crate::format::FormatError> {
    let payload = cose::verify(bytes, cose::RECEIPT, counsellor)?;
    cbor::from_slice(&payload)
}

/// Streams the allowed items of `plan` as an age-encrypted tar archive to
/// `out`, ASCII-armored when `armor` is set. Returns `out` after the age
/// stream is finished, so the caller can flush and commit it.
pub fn write_archive<W: Write>(
    vault: &Vault,
    plan: &ExportPlan,
    recipient: &ExportRecipient,
    out: W,
    armor: bool,
) -> Result<W> {
    let failed = |err: io::Error| Error::io(IoAction::Writing, "export", err);
    let format = if armor {
        age::armor::Format::AsciiArmor
    } else {
        age::armor::Format::Binary
    };
    let armored = age::armor::ArmoredWriter::wrap_output(out, format).map_err(failed)?;
    let encrypted = recipient.encryptor().wrap_output(armored).map_err(failed)?;
    let mut tar = Builder::new(encrypted);
    tar.mode(tar::HeaderMode::Deterministic);

    let now = jiff::Timestamp::now();
    let mut included: Vec<(String, &PlannedItem)> = Vec::new();
    let mut hashes = FileHashes {
        used: HashSet::new(),
        files: Vec::new(),
    };
    write_notes(vault, plan, &mut tar, now, &mut included, &mut hashes)?;
    write_attachments(vault, plan, &mut tar, now, &mut included, &mut hashes)?;
    let receipt = receipt(vault, plan, &included, now);
    let receipt_path = format!("{ROOT}/{}", fl!("export-receipt-file"));
    append(&mut tar, &receipt_path, receipt.as_bytes(), now)?;
    let index = index(vault, plan, &included, now);
    let index_path = format!("{ROOT}/{}", fl!("export-index-file"));
    append(&mut tar, &index_path, index.as_bytes(), now)?;

    let mut files = hashes.files;
    files.push((receipt_path, crate::store::sha256(receipt.as_bytes())));
    files.push((index_path, crate::store::sha256(index.as_bytes())));
    let signed = signed_receipt(vault, plan, &included, files, now);
    append(&mut tar, &format!("{ROOT}/{SIGNED_RECEIPT}"), &signed, now)?;

    let encrypted = tar.into_inner().map_err(failed)?;
    let armored = encrypted.finish().map_err(failed)?;
    armored.finish().map_err(failed)
}

fn write_notes<'p, W: Write>(
    vault: &Vault,
    plan: &'p ExportPlan,
    tar: &mut Builder<W>,
    now: jiff::Timestamp,
    included: &mut Vec<(String, &'p PlannedItem)>,
    hashes: &mut FileHashes,
) -> Result<()> {
    // Group the allowed note items by their note object, keeping plan order.
    let mut notes: BTreeMap<(usize, ObjectId), Vec<&PlannedItem>> = BTreeMap::new();
    let mut order: Vec<(usize, ObjectId)> = Vec::new();
    let mut keys: std::collections::HashMap<ObjectId, (usize, ObjectId)> = std::collections::HashMap::new();
    for (position, item) in plan.items.iter().enumerate() {
        if matches!(item.kind, ItemKind::Attachment { .. }) {
            continue;
        }
        let key = *keys.entry(item.object).or_insert_with(|| {
            order.push((position, item.object));
            (position, item.object)
        });
        notes.entry(key).or_default().push(item);
    }
    // Each dossier's notes are decrypted once, not once per exported note.
    let mut decrypted: std::collections::HashMap<crate::ids::DossierId, Vec<crate::model::NoteView>> =
        std::collections::HashMap::new();
    for key in order {
        let items = &notes[&key];
        if !items.iter().any(|item| item.decision.allowed()) {
            continue;
        }
        let first = items[0];
        let dossier = vault.dossier(first.dossier)?;
        let notes = match decrypted.entry(dossier.id) {
            std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
            std::collections::hash_map::Entry::Vacant(entry) => entry.insert(vault.notes(dossier)?),
        };
        let note = notes
            .iter()
            .find(|note| note.object == first.object)
            .ok_or_else(|| Error::ItemNotFound {
                reference: first.object.short(),
            })?;
        let by_paragraph: std::collections::HashMap<usize, &&PlannedItem> = items
            .iter()
            .filter_map(|item| match item.kind {
                ItemKind::Paragraph { index, .. } => Some((index, item)),
                _ => None,
            })
            .collect();
        let mut document = String::new();
        document.push_str(&format!("# {}\n\n", texts::note_heading(first)));
        match &note.record.body {
            NoteBody::Text(body) => {
                document.push_str(body.trim_end());
                document.push('\n');
            }
            NoteBody::Paragraphs(paragraphs) => {
                for (index, paragraph) in paragraphs.iter().enumerate() {
                    let item = by_paragraph.get(&(index + 1));
                    match item {
                        Some(item) if item.decision.allowed() => {
                            document.push_str(&format!(
                                "{} {}\n\n",
                                text::tag(paragraph.about),
                                paragraph.text
                            ));
                        }
                        _ => {
                            let number = index + 1;
                            document.push_str(&format!(
                                "{}\n\n",
                                fl!("export-paragraph-withheld", paragraph = number)
                            ));
                        }
                    }
                }
            }
        }
        let (number, kind, date) = match &first.kind {
            ItemKind::Note { number, kind, date } => (*number, *kind, date.clone()),
            ItemKind::Paragraph { note, kind, date, .. } => (*note, *kind, date.clone()),
            ItemKind::Attachment { .. } => unreachable!("attachments were skipped"),
        };
        let path = unique_path(
            &mut hashes.used,
            format!(
                "{ROOT}/{}/{:02}-{}-{}.md",
                safe_name(&first.registration),
                number,
                safe_name(&texts::note_kind(kind)),
                safe_name(&date)
            ),
        );
        append(tar, &path, document.as_bytes(), now)?;
        hashes
            .files
            .push((path.clone(), crate::store::sha256(document.as_bytes())));
        zeroize::Zeroize::zeroize(&mut document);
        for item in items.iter().filter(|item| item.decision.allowed()) {
            included.push((path.clone(), item));
        }
    }
    Ok(())
}

/// Checks every attachment file an export would include against the
/// journal before anything is written, for output that cannot be taken
/// back (standard output).
pub fn verify_attachment_files(vault: &Vault, plan: &ExportPlan) -> Result<()> {
    for item in plan.allowed() {
        if !matches!(item.kind, ItemKind::Attachment { .. }) {
            continue;
        }
        let dossier = vault.dossier(item.dossier)?;
        let view = vault
            .attachments(dossier)?
            .into_iter()
            .find(|view| view.object == item.object)
            .ok_or_else(|| Error::ItemNotFound {
                reference: item.object.short(),
            })?;
        vault.verify_attachment_file(dossier, &view)?;
    }
    Ok(())
}

fn write_attachments<'p, W: Write>(
    vault: &Vault,
    plan: &'p ExportPlan,
    tar: &mut Builder<W>,
    now: jiff::Timestamp,
    included: &mut Vec<(String, &'p PlannedItem)>,
    hashes: &mut FileHashes,
) -> Result<()> {
    for item in plan.allowed() {
        let ItemKind::Attachment {
            number,
            file_name,
            size,
            ..
        } = &item.kind
        else {
            continue;
        };
        let dossier = vault.dossier(item.dossier)?;
        let view = vault
            .attachments(dossier)?
            .into_iter()
            .find(|view| view.object == item.object)
            .ok_or_else(|| Error::ItemNotFound {
                reference: item.object.short(),
            })?;
        let path = unique_path(
            &mut hashes.used,
            format!(
                "{ROOT}/{}/{}/{:02}-{}",
                safe_name(&item.registration),
                safe_name(&fl!("export-attachments-folder")),
                number,
                safe_name(file_name)
            ),
        );
        let content = vault.attachment_content(dossier, &view)?;
        let mut header = file_header(*size, now);
        let mut exact = ExactSize {
            inner: content,
            remaining: *size,
            hasher: Sha256::new(),
        };
        tar.append_data(&mut header, &path, &mut exact).map_err(|err| {
            let blob = crate::store::Store::object_name(view.record.blob);
            crate::model::in_dossier(
                read_or_write_error(err, &blob),
                dossier,
                crate::error::ObjectRole::Attachment,
            )
        })?;
        hashes.files.push((path.clone(), exact.hasher.finalize().into()));
        included.push((path, item));
    }
    Ok(())
}

/// Fails if the stream is shorter or longer than the size the tar header
/// promised, instead of writing a corrupt archive.
struct ExactSize<R> {
    inner: R,
    remaining: u64,
    /// SHA-256 of what was read, for the signed receipt.
    hasher: Sha256,
}

impl<R: Read> Read for ExactSize<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        if read == 0 && self.remaining > 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "attachment shorter than recorded",
            ));
        }
        if read as u64 > self.remaining {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "attachment longer than recorded",
            ));
        }
        self.remaining -= read as u64;
        self.hasher.update(&buf[..read]);
        if self.remaining == 0 {
            // Drain to the end so the verifying reader below checks the hash.
            let mut probe = [0u8; 1];
            if self.inner.read(&mut probe)? != 0 {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "attachment longer than recorded",
                ));
            }
        }
        Ok(read)
    }
}

fn read_or_write_error(err: io::Error, path: &str) -> Error {
    if err.kind() == io::ErrorKind::InvalidData || err.kind() == io::ErrorKind::UnexpectedEof {
        Error::Damaged(crate::error::Damage::Modified {
            file: path.to_string(),
        })
    } else {
        Error::io(IoAction::Writing, "export", err)
    }
}

fn receipt(
    vault: &Vault,
    plan: &ExportPlan,
    included: &[(String, &PlannedItem)],
    now: jiff::Timestamp,
) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {}\n\n", fl!("receipt-title")));
    out.push_str(&format!(
        "{}\n\n",
        fl!(
            "receipt-intro",
            recipient = recipient_name(vault, &plan.request.recipient),
            date = crate::consent::time::date_of(now).to_string()
        )
    ));
    out.push_str(&format!("## {}\n\n", fl!("receipt-included")));
    if included.is_empty() {
        out.push_str(&format!("{}\n", fl!("receipt-none")));
    }
    for (path, item) in included {
        let rule = item.decision.rule.code();
        let path = path.strip_prefix(&format!("{ROOT}/")).unwrap_or(path);
        out.push_str(&format!(
            "- {} → `{}` ({}: {})\n",
            texts::item(item),
            path,
            rule,
            texts::reason(vault, &item.decision)
        ));
    }
    out.push_str(&format!("\n## {}\n\n", fl!("receipt-withheld")));
    // Withheld items are counted per reason, not listed one by one: their
    // dates and kinds would tell the recipient about another person's
    // dossier, which is exactly what was withheld. The counsellor sees the
    // full list before writing, and the journal keeps it.
    let mut reasons: Vec<(String, usize)> = Vec::new();
    for item in plan.withheld() {
        let reason = format!(
            "{}: {}",
            item.decision.rule.code(),
            texts::reason(vault, &item.decision)
        );
        match reasons.iter_mut().find(|(known, _)| *known == reason) {
            Some((_, count)) => *count += 1,
            None => reasons.push((reason, 1)),
        }
    }
    if reasons.is_empty() {
        out.push_str(&format!("{}\n", fl!("receipt-none")));
    }
    for (reason, count) in reasons {
        out.push_str(&format!(
            "- {}\n",
            fl!("receipt-withheld-count", count = count, reason = reason)
        ));
    }
    out.push_str(&format!("\n{}\n", fl!("receipt-footer")));
    out
}

fn index(
    vault: &Vault,
    plan: &ExportPlan,
    included: &[(String, &PlannedItem)],
    now: jiff::Timestamp,
) -> String {
    let mut out = String::new();
    out.push_str(&format!("# {}\n\n", fl!("index-title")));
    out.push_str(&format!(
        "{}\n\n",
        fl!(
            "index-intro",
            recipient = recipient_name(vault, &plan.request.recipient),
            date = crate::consent::time::date_of(now).to_string()
        )
    ));
    let mut paths: Vec<&str> = included.iter().map(|(path, _)| path.as_str()).collect();
    paths.dedup();
    for path in paths {
        out.push_str(&format!(
            "- `{}`\n",
            path.strip_prefix(&format!("{ROOT}/")).unwrap_or(path)
        ));
    }
    out.push_str(&format!(
        "\n{}\n",
        fl!("index-receipt", file = fl!("export-receipt-file"))
    ));
    out
}

fn recipient_name(vault: &Vault, recipient: &RecipientRecord) -> String {
    match recipient {
        RecipientRecord::Person(id) => texts::person(vault, *id),
        RecipientRecord::ThirdParty { name, role } => format!("{name} ({role})"),
    }
}

fn file_header(size: u64, now: jiff::Timestamp) -> Header {
    let mut header = Header::new_ustar();
    header.set_entry_type(EntryType::Regular);
    header.set_size(size);
    header.set_mode(0o600);
    header.set_mtime(now.as_second().max(0) as u64);
    header
}

fn append<W: Write>(tar: &mut Builder<W>, path: &str, bytes: &[u8], now: jiff::Timestamp) -> Result<()> {
    let mut header = file_header(bytes.len() as u64, now);
    tar.append_data(&mut header, path, bytes)
        .map_err(|err| Error::io(IoAction::Writing, "export", err))
}

/// Returns `path`, or `path` with `-2`, `-3`… before its extension when an
/// earlier file already took it (two registration numbers can sanitize to
/// the same folder name).
fn unique_path(used: &mut HashSet<String>, path: String) -> String {
    let mut candidate = path.clone();
    let mut counter = 2;
    while used.contains(&candidate) {
        candidate = match path.rsplit_once('.') {
            Some((stem, extension)) if !extension.contains('/') => format!("{stem}-{counter}.{extension}"),
            _ => format!("{path}-{counter}"),
        };
        counter += 1;
    }
    used.insert(candidate.clone());
    candidate
}

/// Makes a string safe as one path component: letters, digits, `-`, `_`
/// and `.` are kept, anything else becomes `_`, a leading dot is dropped,
/// and the result is at most 60 bytes, so no name can climb out of its
/// folder, hide, or need a tar long-name extension.
pub fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = cleaned.trim_start_matches('.');
    if trimmed.is_empty() {
        "_".to_string()
    } else {
        let mut short = String::new();
        for c in trimmed.chars() {
            if short.len() + c.len_utf8() > 60 {
                break;
            }
            short.push(c);
        }
        short
    }
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn path_traversal_neutralized() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name(".hidden"), "hidden");
        assert_eq!(safe_name(""), "_");
        assert_eq!(safe_name("scan form.pdf"), "scan_form.pdf");
        assert!(safe_name(&"ë".repeat(100)).len() <= 60);
    }

    #[test]
    fn colliding_paths_numbered() {
        let mut used = std::collections::HashSet::new();
        assert_eq!(super::unique_path(&mut used, "a/01-x.md".into()), "a/01-x.md");
        assert_eq!(super::unique_path(&mut used, "a/01-x.md".into()), "a/01-x-2.md");
        assert_eq!(super::unique_path(&mut used, "a/01-x.md".into()), "a/01-x-3.md");
        assert_eq!(super::unique_path(&mut used, "a/noext".into()), "a/noext");
        assert_eq!(super::unique_path(&mut used, "a/noext".into()), "a/noext-2");
    }
}
