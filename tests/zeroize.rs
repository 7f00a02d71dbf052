//! Tests that kluis wipes its secrets from memory: passphrases, age
//! identities, the recovery key, dossier keys, signing keys, a client's
//! keys, the plaintext of identity files and key records, and note text.
//!
//! Three kinds of check:
//! - a compile-time check that each kluis type holding a secret implements
//!   `ZeroizeOnDrop`;
//! - for keys stored inside a value (not behind a pointer), the value's own
//!   bytes after it is dropped in place;
//! - for secrets on the heap, an allocator for this test binary that looks
//!   for the secret in every block freed while a test watches for it.
//!
//! None of these checks detects copies on the stack or in registers.

use std::alloc::{GlobalAlloc, Layout, System};
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use age::secrecy::{ExposeSecret, SecretString};
use age::x25519;
use ed25519_dalek::SigningKey;
use zeroize::{ZeroizeOnDrop, Zeroizing};

use kluis::format::{DossierKeyRecord, IdentityRecord, NoteBody, NoteKind, NoteRecord, Paragraph};
use kluis::ids::{DossierId, VaultId};
use kluis::keys::{CounsellorKeys, DossierKey, RecoveryKey};
use kluis::partner::PartnerKeys;

// ---------------------------------------------------------------------------
// Compile-time checks

fn zeroizes_on_drop<T: ZeroizeOnDrop>() {}

#[test]
fn secret_types_zeroize_on_drop() {
    zeroizes_on_drop::<SecretString>();
    zeroizes_on_drop::<SigningKey>();
    zeroizes_on_drop::<Zeroizing<Vec<u8>>>();
    zeroizes_on_drop::<Zeroizing<String>>();
    zeroizes_on_drop::<CounsellorKeys>();
    zeroizes_on_drop::<DossierKey>();
    zeroizes_on_drop::<RecoveryKey>();
    zeroizes_on_drop::<PartnerKeys>();
    zeroizes_on_drop::<IdentityRecord>();
    zeroizes_on_drop::<DossierKeyRecord>();
    zeroizes_on_drop::<kluis::format::PartnerIdentityRecord>();
    zeroizes_on_drop::<NoteRecord>();
}

// ---------------------------------------------------------------------------
// Keys inside a value

/// Returns a copy of the memory `value` occupies itself.
fn own_bytes<T>(value: &T) -> Vec<u8> {
    // SAFETY: `value` is a live reference to `size_of::<T>()` bytes. The
    // types read here consist of byte and integer arrays whose sizes add up
    // to the type's size (with the crate versions in Cargo.lock), so there
    // is no padding and every byte is initialized.
    unsafe { std::slice::from_raw_parts((value as *const T).cast::<u8>(), size_of::<T>()).to_vec() }
}

/// Drops `value` in place and returns the memory it occupied afterwards.
fn bytes_after_drop<T>(value: T) -> Vec<u8> {
    let mut slot = MaybeUninit::new(value);
    // SAFETY: `slot` contains an initialized `T`, dropped exactly once here and
    // never used as a `T` again. Its bytes stay allocated and initialized
    // (`Drop` overwrote or kept them), so reading them as bytes is sound.
    unsafe {
        std::ptr::drop_in_place(slot.as_mut_ptr());
        std::slice::from_raw_parts(slot.as_ptr().cast::<u8>(), size_of::<T>()).to_vec()
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// Panics unless each secret is in the value before it is dropped and
/// gone from its memory after.
#[track_caller]
fn assert_wiped<T>(value: T, secrets: &[Vec<u8>]) {
    let before = own_bytes(&value);
    for secret in secrets {
        assert!(contains(&before, secret), "the secret is stored in the value");
    }
    let after = bytes_after_drop(value);
    for secret in secrets {
        assert!(!contains(&after, secret), "the secret survived the drop");
    }
}

#[test]
fn plain_array_survives_drop() {
    // The check above can fail: a type without `Drop` keeps its bytes.
    let secret = [0x5au8; 32];
    assert_eq!(bytes_after_drop(secret), secret.to_vec());
}

#[test]
fn age_identity_wiped_on_drop() {
    let identity = x25519::Identity::generate();
    let secret = own_bytes(&identity);
    assert_wiped(identity, &[secret]);
}

#[test]
fn signing_key_wiped_on_drop() {
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let secret = key.to_bytes().to_vec();
    assert_wiped(key, &[secret]);
}

#[test]
fn counsellor_keys_wiped_on_drop() {
    let keys = CounsellorKeys::generate();
    let secrets = [own_bytes(&keys.age), keys.signing.to_bytes().to_vec()];
    assert_wiped(keys, &secrets);
}

#[test]
fn partner_keys_wiped_on_drop() {
    let keys = PartnerKeys::generate();
    let secrets = [own_bytes(&keys.age), keys.signing.to_bytes().to_vec()];
    assert_wiped(keys, &secrets);
}

#[test]
fn dossier_key_wiped_on_drop() {
    let key = DossierKey::generate(DossierId::random());
    let secret = own_bytes(key.identity());
    assert_wiped(key, &[secret]);
}

#[test]
fn recovery_key_wiped_on_drop() {
    let key = RecoveryKey::generate();
    let identity: x25519::Identity = key.secret().expose_secret().parse().unwrap();
    let secret = own_bytes(&identity);
    assert_wiped(key, &[secret]);
}

// ---------------------------------------------------------------------------
// Secrets on the heap

/// The system allocator, which also counts the freed blocks that contain
/// the byte string a test watches for.
struct WatchingAllocator;

#[global_allocator]
static ALLOCATOR: WatchingAllocator = WatchingAllocator;

/// What freed blocks are checked for, if anything. The lock is never held
/// while allocating.
static WATCH: Mutex<Watch> = Mutex::new(Watch::Nothing);
/// How many freed blocks matched the watch.
static FOUND: AtomicUsize = AtomicUsize::new(0);
/// The sizes of the first blocks that matched.
static FOUND_SIZES: [AtomicUsize; 8] = [const { AtomicUsize::new(0) }; 8];
/// One heap test at a time, because the watch is global.
static HEAP_TEST: Mutex<()> = Mutex::new(());

enum Watch {
    Nothing,
    /// A byte string of the given length, at most 128 bytes.
    Bytes(usize, [u8; 128]),
    /// Blocks for which the function returns true.
    Matching(fn(&[u8]) -> bool),
}

impl Watch {
    fn matches(&self, block: &[u8]) -> bool {
        match self {
            Watch::Nothing => false,
            Watch::Bytes(len, bytes) => contains(block, &bytes[..*len]),
            Watch::Matching(matches) => matches(block),
        }
    }
}

unsafe impl GlobalAlloc for WatchingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // Blocks this large are scrypt's working memory (256 MiB for an
        // identity file), which contains no plaintext. Scanning it would
        // take seconds in an unoptimized test build.
        if layout.size() <= 8 << 20 {
            // Locking does not allocate, and no thread allocates or frees
            // while it holds this lock, so this cannot deadlock.
            let watch = WATCH.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            // SAFETY: the caller hands over a block of `layout.size()`
            // bytes that it no longer uses. Bytes never written are read
            // too; they are only compared.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if watch.matches(block) {
                let index = FOUND.fetch_add(1, Ordering::SeqCst);
                if let Some(size) = FOUND_SIZES.get(index) {
                    size.store(layout.size(), Ordering::SeqCst);
                }
            }
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size <= layout.size() {
            // The system allocator shrinks a block where it is, so no copy
            // of its content is freed elsewhere.
            // SAFETY: forwarded with the caller's guarantees.
            return unsafe { System.realloc(ptr, layout, new_size) };
        }
        // A larger block may be elsewhere, with the old one freed as it is,
        // so the old one is freed through `dealloc`, where it is checked.
        // SAFETY: the new layout is valid because the caller guarantees
        // `new_size` rounded up to `layout.align()` does not overflow.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: `new_layout` has a non-zero size, larger than the old one.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are valid for `layout.size()` bytes and
            // distinct, and the caller no longer uses the old one.
            unsafe {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size());
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

/// Runs `work` while watching for freed blocks that match `watch`, and
/// returns how many there were.
///
fn freed_matching(watch: Watch, work: impl FnOnce()) -> Freed {
    let _one_at_a_time = HEAP_TEST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for size in &FOUND_SIZES {
        size.store(0, Ordering::SeqCst);
    }
    FOUND.store(0, Ordering::SeqCst);
    *WATCH.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = watch;
    work();
    *WATCH.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Watch::Nothing;
    let count = FOUND.load(Ordering::SeqCst);
    Freed {
        count,
        sizes: FOUND_SIZES[..count.min(FOUND_SIZES.len())]
            .iter()
            .map(|size| size.load(Ordering::SeqCst))
            .collect(),
    }
}

/// The freed blocks that matched a watch.
#[derive(Debug)]
struct Freed {
    count: usize,
    /// The sizes of the first few, in the order they were freed.
    sizes: Vec<usize>,
}

/// Runs `work` and returns the freed blocks that contained `secret`.
fn freed_with(secret: &[u8], work: impl FnOnce()) -> Freed {
    assert!(!secret.is_empty());
    assert!(secret.len() <= 128);
    let mut bytes = [0; 128];
    bytes[..secret.len()].copy_from_slice(secret);
    freed_matching(Watch::Bytes(secret.len(), bytes), work)
}

/// Returns a random secret text of the given form, so no other test
/// could free the same bytes.
fn random_text(prefix: &str) -> String {
    let bytes: [u8; 12] = rand::random();
    format!("{prefix} {}", hex::encode(bytes))
}

#[test]
fn freed_plain_string_found() {
    // The watch can fail: a plain `String` leaves its text when freed.
    let text = random_text("gewone tekst");
    let found = freed_with(text.as_bytes(), || {
        let copy = text.clone();
        drop(std::hint::black_box(copy));
    });
    assert!(found.count >= 1, "the allocator saw the freed text");
}

#[test]
fn passphrase_wiped_on_drop() {
    let text = random_text("wachtwoordzin");
    let found = freed_with(text.as_bytes(), || {
        let passphrase = SecretString::from(text.clone());
        drop(std::hint::black_box(passphrase));
    });
    assert_eq!(found.count, 0, "{found:?}");
}

#[test]
fn zeroizing_buffer_wiped_on_drop() {
    let text = random_text("platte tekst");
    let found = freed_with(text.as_bytes(), || {
        let buffer = Zeroizing::new(text.as_bytes().to_vec());
        drop(std::hint::black_box(buffer));
    });
    assert_eq!(found.count, 0, "{found:?}");
}

#[test]
fn note_record_wiped_on_drop() {
    let text = random_text("notitie");
    let found = freed_with(text.as_bytes(), || {
        let plain = NoteRecord {
            kind: NoteKind::Session,
            date: "2026-03-16".into(),
            body: NoteBody::Text(text.clone()),
        };
        let joint = NoteRecord {
            kind: NoteKind::Session,
            date: "2026-03-16".into(),
            body: NoteBody::Paragraphs(vec![Paragraph {
                about: kluis::format::About::Both,
                text: text.clone(),
            }]),
        };
        drop(std::hint::black_box((plain, joint)));
    });
    assert_eq!(found.count, 0, "{found:?}");
}

#[test]
fn key_records_wiped_on_drop() {
    let identity = x25519::Identity::generate();
    let secret = identity.to_string().expose_secret().to_string();
    let found = freed_with(secret.as_bytes(), || {
        let record = IdentityRecord {
            version: 1,
            vault: VaultId::random(),
            age_identity: secret.clone(),
            signing_seed: vec![7; 32],
        };
        let dossier = DossierKeyRecord {
            dossier: DossierId::random(),
            identity: secret.clone(),
        };
        drop(std::hint::black_box((record, dossier)));
    });
    assert_eq!(found.count, 0, "{found:?}");
}

/// The size of the buffer in which age 0.12.1's `StreamWriter` collects the
/// plaintext it encrypts.
///
/// NOTE: age frees that buffer without wiping it, so sealing leaves the
/// plaintext in freed memory. Only the `kluis` binary makes up for it, with
/// its allocator `kluis::memory::WipeOnFree`.
const AGE_CHUNK_SIZE: usize = 64 * 1024;

/// Panics unless every freed block that matched is age's chunk buffer.
#[track_caller]
fn assert_only_age_chunks(found: &Freed) {
    assert!(found.count <= found.sizes.len(), "{found:?}");
    assert!(
        found.sizes.iter().all(|size| *size == AGE_CHUNK_SIZE),
        "{found:?}"
    );
}

#[test]
fn identity_file_unseal_leaves_no_secret() {
    let keys = CounsellorKeys::generate();
    let secret = keys.age.to_string().expose_secret().to_string();
    let passphrase = random_text("kluis wachtwoordzin");
    let vault = VaultId::random();
    let sealed = keys.seal(vault, SecretString::from(passphrase.clone()));
    let unseal = || {
        let opened = CounsellorKeys::unseal(&sealed, SecretString::from(passphrase.clone()), vault)
            .expect("the right passphrase opens it");
        drop(std::hint::black_box(opened));
    };

    let found = freed_with(secret.as_bytes(), unseal);
    assert_eq!(found.count, 0, "freed blocks with the age identity: {found:?}");
    let found = freed_with(passphrase.as_bytes(), unseal);
    assert_eq!(found.count, 0, "freed blocks with the passphrase: {found:?}");
}

#[test]
fn identity_file_seal_leaves_only_age_chunk() {
    let keys = CounsellorKeys::generate();
    let secret = keys.age.to_string().expose_secret().to_string();
    let passphrase = random_text("kluis wachtwoordzin");
    let seal = || {
        let sealed = keys.seal(VaultId::random(), SecretString::from(passphrase.clone()));
        drop(std::hint::black_box(sealed));
    };

    assert_only_age_chunks(&freed_with(secret.as_bytes(), seal));
    let found = freed_with(passphrase.as_bytes(), seal);
    assert_eq!(found.count, 0, "freed blocks with the passphrase: {found:?}");
}

#[test]
fn dossier_key_round_trip_leaves_no_secret() {
    let counsellor = x25519::Identity::generate();
    let key = DossierKey::generate(DossierId::random());
    let secret = key.identity().to_string().expose_secret().to_string();
    let wrapped = key.wrap(&[counsellor.to_public()]);

    let found = freed_with(secret.as_bytes(), || {
        let unwrapped = DossierKey::unwrap(&wrapped, &counsellor, "key").expect("unwraps");
        drop(std::hint::black_box(unwrapped));
    });
    assert_eq!(found.count, 0, "unwrap: {found:?}");
    assert_only_age_chunks(&freed_with(secret.as_bytes(), || {
        drop(std::hint::black_box(key.wrap(&[counsellor.to_public()])));
    }));
}

#[test]
fn client_key_file_round_trip_leaves_no_secret() {
    let keys = PartnerKeys::generate();
    let secret = keys.age.to_string().expose_secret().to_string();
    let passphrase = random_text("sleutel wachtwoordzin");
    let sealed = keys.seal(SecretString::from(passphrase.clone()));

    let found = freed_with(secret.as_bytes(), || {
        let opened = PartnerKeys::unseal(&sealed, SecretString::from(passphrase.clone())).expect("opens");
        drop(std::hint::black_box(opened));
    });
    assert_eq!(found.count, 0, "unseal: {found:?}");
    assert_only_age_chunks(&freed_with(secret.as_bytes(), || {
        drop(std::hint::black_box(
            keys.seal(SecretString::from(passphrase.clone())),
        ));
    }));
}

#[test]
fn note_plaintext_read_leaves_no_copy() {
    // Reading more than the first buffer has room for makes it grow.
    let line = random_text("notitieregel");
    let text = format!("{line}\n").repeat(2000);
    let found = freed_with(line.as_bytes(), || {
        let read = kluis::keys::read_zeroizing(Trickle(text.as_bytes())).expect("reads from memory");
        assert_eq!(read.len(), text.len());
        drop(std::hint::black_box(read));
    });
    assert_eq!(found.count, 0, "{found:?}");
}

/// A reader that returns at most 100 bytes per call, as a file or a pipe
/// may, so a reader of it cannot size its buffer in advance.
struct Trickle<'a>(&'a [u8]);

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let count = buffer.len().min(self.0.len()).min(100);
        buffer[..count].copy_from_slice(&self.0[..count]);
        self.0 = &self.0[count..];
        Ok(count)
    }
}

#[test]
fn read_to_end_leaves_copies() {
    // The reason for `read_zeroizing`: `read_to_end` frees each buffer it
    // outgrows as it is, even into a `Zeroizing` vector.
    let line = random_text("notitieregel");
    let text = format!("{line}\n").repeat(2000);
    let found = freed_with(line.as_bytes(), || {
        let mut read = Zeroizing::new(Vec::new());
        std::io::Read::read_to_end(&mut Trickle(text.as_bytes()), &mut read).unwrap();
        drop(std::hint::black_box(read));
    });
    assert!(found.count >= 1, "{found:?}");
}

/// Returns whether `block` contains a passphrase as kluis generates them
/// for exports: six groups of five letters and digits, joined by hyphens.
fn has_generated_passphrase(block: &[u8]) -> bool {
    const LEN: usize = 6 * 5 + 5;
    let letter = |byte: &u8| byte.is_ascii_lowercase() || (b'2'..=b'9').contains(byte);
    block.windows(LEN).any(|window| {
        window.iter().enumerate().all(|(index, byte)| {
            if index % 6 == 5 {
                *byte == b'-'
            } else {
                letter(byte)
            }
        })
    })
}

#[test]
fn generated_export_passphrase_leaves_no_copy() {
    let text = "abcde-fghij-kmnpq-rstuv-wxyz2-34567".to_string();
    assert!(has_generated_passphrase(text.as_bytes()));
    let found = freed_matching(Watch::Matching(has_generated_passphrase), || {
        drop(std::hint::black_box(text.clone()));
    });
    assert!(found.count >= 1, "the watch sees a freed passphrase");

    let found = freed_matching(Watch::Matching(has_generated_passphrase), || {
        let generated = kluis::export::ExportRecipient::generate_passphrase();
        drop(std::hint::black_box(generated));
    });
    assert_eq!(found.count, 0, "{found:?}");
}

// ---------------------------------------------------------------------------
// Debug output

/// `Probe::<T>::HAS_DEBUG` is true exactly when `T` implements `Debug`:
/// the inherent constant exists only then, and takes precedence over the
/// trait's.
struct Probe<T: ?Sized>(std::marker::PhantomData<T>);

trait NoDebug {
    const HAS_DEBUG: bool = false;
}

impl<T: ?Sized> NoDebug for Probe<T> {}

impl<T: ?Sized + std::fmt::Debug> Probe<T> {
    const HAS_DEBUG: bool = true;
}

/// Fails to compile if a type holding a key gets a `Debug` implementation,
/// which could print the key.
#[test]
fn key_types_have_no_debug() {
    const { assert!(Probe::<SigningKey>::HAS_DEBUG, "the probe detects Debug") };
    const { assert!(!Probe::<x25519::Identity>::HAS_DEBUG) };
    const { assert!(!Probe::<CounsellorKeys>::HAS_DEBUG) };
    const { assert!(!Probe::<PartnerKeys>::HAS_DEBUG) };
    const { assert!(!Probe::<DossierKey>::HAS_DEBUG) };
    const { assert!(!Probe::<RecoveryKey>::HAS_DEBUG) };
    const { assert!(!Probe::<IdentityRecord>::HAS_DEBUG) };
    const { assert!(!Probe::<DossierKeyRecord>::HAS_DEBUG) };
    const { assert!(!Probe::<kluis::format::PartnerIdentityRecord>::HAS_DEBUG) };
    const { assert!(!Probe::<kluis::export::ExportRecipient>::HAS_DEBUG) };
}

#[test]
fn debug_output_hides_secrets() {
    let passphrase = random_text("wachtwoordzin");
    let secret = SecretString::from(passphrase.clone());
    let debug = format!("{secret:?}");
    assert!(!debug.contains(&passphrase), "{debug}");

    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let debug = format!("{key:?}");
    assert!(!debug.contains(&hex::encode(key.to_bytes())), "{debug}");
    assert!(!debug.contains(&format!("{:?}", key.to_bytes())), "{debug}");
}
