//! Cheaper unlocking for tests that open a vault many times.

use std::io::{Read, Write};
use std::path::Path;

use age::secrecy::SecretString;

/// scrypt work factor (log2 N) of [`lower_work_factor`]: 4 MiB of memory
/// and a few milliseconds per unlock, against 256 MiB and half a second or
/// more for the 2^18 of a real vault.
pub const TEST_WORK_FACTOR: u8 = 12;

/// Re-encrypts the vault's `identity.age` with the same passphrase at
/// scrypt work factor [`TEST_WORK_FACTOR`].
///
/// The keys inside stay the same, and nothing else in the vault names or
/// hashes `identity.age`, so the vault still opens with the library and the
/// `kluis` binary, which accept any work factor up to 2^22. Tests of the
/// write order and the lock use this so that a process can start and unlock
/// the vault many times within the test's time budget.
pub fn lower_work_factor(vault: &Path, passphrase: &str) {
    let path = vault.join("identity.age");
    let sealed = std::fs::read(&path).expect("read identity.age");

    let decryptor = age::Decryptor::new_buffered(sealed.as_slice()).expect("identity.age is an age file");
    let identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_string()));
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .expect("the passphrase opens identity.age");
    let mut plaintext = Vec::new();
    reader.read_to_end(&mut plaintext).expect("decrypt identity.age");

    let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_string()));
    recipient.set_work_factor(TEST_WORK_FACTOR);
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .expect("one scrypt recipient");
    let mut resealed = Vec::new();
    let mut writer = encryptor.wrap_output(&mut resealed).expect("start encryption");
    writer.write_all(&plaintext).expect("encrypt identity.age");
    writer.finish().expect("finish encryption");
    std::fs::write(&path, resealed).expect("write identity.age");
}
