//! Export archives as a client opens them (`kluis partner open`). The input
//! is the decrypted tar archive. The target encrypts it with age to a fixed
//! X25519 identity first, so the fuzzer is not stuck at age's MAC. Bits of
//! the first byte select:
//!
//! - bit 0: whether the client gives the counsellor's card, that of the
//!   fixed fuzz counsellor key;
//! - bit 1: whether the tar header checksums are left as they are. When it
//!   is clear, the target sets every header's checksum first, because the
//!   fuzzer cannot compute them and would otherwise see almost every
//!   changed header rejected for its checksum.
//!
//! Each run unpacks into a fresh folder under a temporary directory
//! (`TMPDIR`, best on tmpfs because kluis syncs every file) and removes it
//! afterwards.

#![no_main]

use std::fs;
use std::io::Write;
use std::path::Component;

use kluis::partner::open_export;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

fn encrypt(plaintext: &[u8], recipient: &age::x25519::Recipient) -> Vec<u8> {
    let encryptor = age::Encryptor::with_recipients(std::iter::once(recipient as &dyn age::Recipient))
        .expect("one recipient");
    let mut out = Vec::new();
    let mut writer = encryptor.wrap_output(&mut out).expect("writing to memory");
    writer.write_all(plaintext).expect("writing to memory");
    writer.finish().expect("writing to memory");
    out
}

/// Sets the checksum field of each header block of a ustar or GNU tar
/// archive, walking from header to header by the octal size field.
fn set_checksums(tar: &mut [u8]) {
    let mut offset = 0;
    while offset + 512 <= tar.len() {
        let block = &mut tar[offset..offset + 512];
        if block.iter().all(|byte| *byte == 0) {
            break;
        }
        block[148..156].fill(b' ');
        let sum: u32 = block.iter().map(|byte| u32::from(*byte)).sum();
        block[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
        let size_field = String::from_utf8_lossy(&block[124..136]);
        let size =
            u64::from_str_radix(size_field.trim_matches(|c: char| c == '\0' || c == ' '), 8).unwrap_or(0);
        let data_blocks = usize::try_from(size.div_ceil(512)).unwrap_or(usize::MAX);
        offset = data_blocks
            .checked_mul(512)
            .and_then(|data| data.checked_add(offset + 512))
            .unwrap_or(usize::MAX);
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, tar)) = data.split_first() else {
        return;
    };
    let mut tar = tar.to_vec();
    if mode & 2 == 0 {
        set_checksums(&mut tar);
    }
    let keys = kluis_fuzz::fuzz_partner_keys();
    let encrypted = encrypt(&tar, &keys.age.to_public());
    let card = kluis_fuzz::fuzz_counsellor_card();
    let counsellor = (mode & 1 == 1).then_some(&card);
    // A folder per run, removed when `work` drops at the end of the run.
    let work = tempfile::tempdir().expect("creating a temporary directory");
    let out = work.path().join("export");

    match open_export(encrypted.as_slice(), keys, &out, counsellor) {
        Ok(opened) => {
            let mut hashes = Vec::new();
            for file in &opened.files {
                assert!(
                    file.starts_with(kluis::export::ROOT),
                    "{file:?} is outside the export folder"
                );
                assert!(
                    file.components().all(|c| matches!(c, Component::Normal(_))),
                    "{file:?}"
                );
                let path = out.join(file);
                let meta = fs::symlink_metadata(&path).expect("an unpacked file exists");
                assert!(meta.file_type().is_file(), "{file:?} is not a regular file");
                let content = fs::read(&path).expect("reading an unpacked file");
                hashes.push((
                    file.to_string_lossy().to_string(),
                    Sha256::digest(&content).to_vec(),
                ));
            }
            match (counsellor, opened.receipt) {
                (None, receipt) => assert!(receipt.is_none(), "a receipt without a card to check it"),
                (Some(_), None) => panic!("opened with a card but without a receipt"),
                (Some(_), Some(receipt)) => {
                    // Every unpacked file but the receipt itself is listed
                    // with the SHA-256 of what was written.
                    let receipt_name = format!("{}/{}", kluis::export::ROOT, kluis::export::SIGNED_RECEIPT);
                    let others: Vec<_> = hashes.iter().filter(|(name, _)| *name != receipt_name).collect();
                    assert_eq!(others.len(), receipt.files.len());
                    for (name, hash) in others {
                        assert!(
                            receipt
                                .files
                                .iter()
                                .any(|f| f.path == *name && f.sha256.as_slice() == hash.as_slice()),
                            "{name} is not in the receipt"
                        );
                    }
                }
            }
            fs::remove_dir_all(&out).expect("removing the unpacked export");
        }
        Err(_) => assert!(!out.exists(), "a failed open left the output folder"),
    }
    // Nothing else, such as a staging folder, may stay behind.
    let left: Vec<_> = fs::read_dir(work.path())
        .expect("listing the work folder")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
});
