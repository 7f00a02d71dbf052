//! Writes seed inputs for every fuzz target from the committed test
//! vectors in `tests/vectors/`, in the input layout each target expects.
//!
//! ```text
//! cd fuzz && cargo run --example make_seeds -- corpus
//! ```
//!
//! It unlocks the three test vaults (with the recovery key or the published
//! passphrases), decrypts every event and object, and keeps each CBOR record
//! it meets. Re-running it adds files and never deletes any, so run
//! `cargo fuzz cmin` afterwards.

use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use kluis::format::{cbor, cose, EntryPayload, ReceiptFile, ReceiptPayload, RecipientRecord};
use kluis::partner;
use kluis_fuzz::{fuzz_counsellor, fuzz_grantor, RECORD_TYPES};
use sha2::{Digest, Sha256};

const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors");

/// The vaults among the vectors, with the file that unlocks each.
const VAULTS: [(&str, &str); 3] = [
    ("vault", "passphrase.txt"),
    ("partner/vault", "partner/passphrase.txt"),
    ("statements/vault", "statements/passphrase.txt"),
];

const CONTENT_TYPES: [&str; 8] = [
    cose::JOURNAL_ENTRY,
    cose::HEAD,
    cose::CONSENT,
    cose::WITHDRAWAL,
    cose::REVERIFICATION,
    cose::RECEIPT,
    cose::KEY_CARD,
    cose::CONSENT_REQUEST,
];

const ARMOR_LABELS: [&str; 5] = [
    partner::CARD_LABEL,
    partner::REQUEST_LABEL,
    partner::CONSENT_LABEL,
    partner::WITHDRAWAL_LABEL,
    partner::REVERIFICATION_LABEL,
];

/// A COSE_Sign1 found among the vectors, with its content type.
struct Signed {
    content_type: &'static str,
    bytes: Vec<u8>,
    payload: Vec<u8>,
}

#[derive(Default)]
struct Found {
    /// CBOR plaintexts and payloads, candidates for the `records` target.
    cbor: BTreeSet<Vec<u8>>,
    signed: Vec<Signed>,
    /// Armored texts: cards, requests and client-signed statements.
    armored: BTreeSet<String>,
    /// Raw journal entry and `HEAD` files.
    entries: BTreeSet<Vec<u8>>,
    heads: BTreeSet<Vec<u8>>,
    note_texts: BTreeSet<String>,
}

impl Found {
    fn add_signed(&mut self, bytes: &[u8]) {
        for content_type in CONTENT_TYPES {
            if let Ok(envelope) = cose::Envelope::parse(bytes, content_type) {
                let payload = envelope.unverified_payload().to_vec();
                self.cbor.insert(payload.clone());
                self.signed.push(Signed {
                    content_type,
                    bytes: bytes.to_vec(),
                    payload,
                });
            }
        }
    }

    fn add_text(&mut self, text: &str) {
        for label in ARMOR_LABELS {
            if let Some(bytes) = partner::dearmor(label, text) {
                self.armored.insert(text.to_string());
                self.add_signed(&bytes);
            }
        }
    }

    /// Files a decrypted plaintext under what it turns out to be.
    fn add_plaintext(&mut self, plaintext: &[u8]) {
        self.add_signed(plaintext);
        if let Ok(text) = std::str::from_utf8(plaintext) {
            self.add_text(text);
        }
        if let Ok(note) = cbor::from_slice::<kluis::format::NoteRecord>(plaintext) {
            if let kluis::format::NoteBody::Paragraphs(paragraphs) = &note.body {
                let rendered: Vec<String> = paragraphs
                    .iter()
                    .map(|p| format!("{} {}", kluis::model::text::tag(p.about), p.text))
                    .collect();
                self.note_texts.insert(rendered.join("\n\n"));
            }
        }
        self.cbor.insert(plaintext.to_vec());
    }
}

fn read(path: impl AsRef<Path>) -> Vec<u8> {
    let path = path.as_ref();
    fs::read(path).unwrap_or_else(|err| panic!("reading {}: {err}", path.display()))
}

fn first_line(path: impl AsRef<Path>) -> String {
    String::from_utf8(read(path))
        .expect("UTF-8")
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

fn decrypt(bytes: &[u8], identity: &dyn age::Identity) -> Option<Vec<u8>> {
    let decryptor = age::Decryptor::new_buffered(bytes).ok()?;
    let mut reader = decryptor.decrypt(std::iter::once(identity)).ok()?;
    let mut plaintext = Vec::new();
    reader.read_to_end(&mut plaintext).ok()?;
    Some(plaintext)
}

fn files_under(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(folder) else {
        return files;
    };
    for entry in entries {
        let path = entry.expect("listing vectors").path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Unlocks a vault's identity with its passphrase and collects the
/// plaintext of every event and object in it.
fn collect_vault(found: &mut Found, vault: &Path, passphrase: &str) {
    let header = read(vault.join("kluis.cbor"));
    found.cbor.insert(header);
    let mut scrypt = age::scrypt::Identity::new(passphrase.to_string().into());
    scrypt.set_max_work_factor(kluis::keys::MAX_SCRYPT_WORK_FACTOR);
    let identity_plaintext =
        decrypt(&read(vault.join("identity.age")), &scrypt).expect("the passphrase unlocks the vault");
    let record: kluis::format::IdentityRecord =
        cbor::from_slice(&identity_plaintext).expect("an identity record");
    found.cbor.insert(identity_plaintext.clone());
    let counsellor: age::x25519::Identity = record.age_identity.parse().expect("an age identity");

    let head = read(vault.join("HEAD"));
    found.add_signed(&head);
    found.heads.insert(head);
    for file in files_under(&vault.join("journal")) {
        let bytes = read(&file);
        found.add_signed(&bytes);
        found.entries.insert(bytes.clone());
        let envelope = cose::Envelope::parse(&bytes, cose::JOURNAL_ENTRY).expect("a journal entry");
        let payload: EntryPayload =
            cbor::from_slice(envelope.unverified_payload()).expect("an entry payload");
        if let Some(event) = decrypt(&payload.event, &counsellor) {
            found.cbor.insert(event);
        }
    }

    // Key objects open with the counsellor's identity; the other objects
    // with the dossier keys found in them.
    let objects = files_under(&vault.join("objects"));
    let mut identities: Vec<age::x25519::Identity> = vec![counsellor];
    for file in &objects {
        if let Some(plaintext) = decrypt(&read(file), &identities[0]) {
            if let Ok(key) = cbor::from_slice::<kluis::format::DossierKeyRecord>(&plaintext) {
                identities.push(key.identity.parse().expect("a dossier identity"));
            }
            found.add_plaintext(&plaintext);
        }
    }
    for file in &objects {
        let bytes = read(file);
        for identity in &identities[1..] {
            if let Some(plaintext) = decrypt(&bytes, identity) {
                found.add_plaintext(&plaintext);
            }
        }
    }
}

fn collect() -> Found {
    let root = Path::new(VECTORS);
    let mut found = Found::default();
    for (vault, passphrase) in VAULTS {
        collect_vault(&mut found, &root.join(vault), &first_line(root.join(passphrase)));
    }
    for file in files_under(root) {
        let name = file.to_string_lossy();
        if name.ends_with(".cose") {
            found.add_signed(&read(&file));
        } else if name.ends_with(".kluis") || name.ends_with(".card") {
            found.add_text(&String::from_utf8(read(&file)).expect("UTF-8"));
        }
    }
    add_nested_records(&mut found);
    found
}

/// Adds the records that never stand alone in a file: the disclosure
/// record inside an event, the object references inside an entry, and a
/// client's key file plaintext, which the vectors do not contain.
fn add_nested_records(found: &mut Found) {
    use kluis::format::*;
    let mut nested = Vec::new();
    for bytes in &found.cbor {
        if let Ok(EventRecord {
            event: Event::DisclosureDecided(record),
            ..
        }) = cbor::from_slice::<EventRecord>(bytes)
        {
            nested.push(cbor::to_vec(&record));
        }
        if let Ok(entry) = cbor::from_slice::<EntryPayload>(bytes) {
            nested.extend(entry.objects.iter().map(cbor::to_vec));
        }
    }
    found.cbor.extend(nested);
    let keys = kluis_fuzz::fuzz_partner_keys();
    let record = PartnerIdentityRecord {
        version: FORMAT_VERSION,
        age_identity: age::secrecy::ExposeSecret::expose_secret(&keys.age.to_string()).to_string(),
        signing_seed: keys.signing.to_bytes().to_vec(),
    };
    found.cbor.insert(cbor::to_vec(&record));
}

/// Writes seeds into `corpus/<target>/`, named by their SHA-256.
struct Corpus {
    root: PathBuf,
    written: usize,
}

impl Corpus {
    fn put(&mut self, target: &str, seed: &[u8]) {
        let folder = self.root.join(target);
        fs::create_dir_all(&folder).expect("creating the corpus folder");
        let name = hex(&Sha256::digest(seed)[..10]);
        fs::write(folder.join(name), seed).expect("writing a seed");
        self.written += 1;
    }

    fn put_with(&mut self, target: &str, prefix: &[u8], body: &[u8]) {
        let mut seed = prefix.to_vec();
        seed.extend_from_slice(body);
        self.put(target, &seed);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Re-binds a token payload to the main vector vault, which the `token`
/// target's signed mode expects, so the seed reaches the checks after it.
fn rebind<T>(payload: &[u8], set_vault: impl Fn(&mut T)) -> Option<Vec<u8>>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
{
    let mut value: T = cbor::from_slice(payload).ok()?;
    set_vault(&mut value);
    Some(cbor::to_vec(&value))
}

fn token_kind(content_type: &str) -> Option<u8> {
    [
        cose::CONSENT,
        cose::WITHDRAWAL,
        cose::REVERIFICATION,
        cose::RECEIPT,
    ]
    .iter()
    .position(|known| *known == content_type)
    .map(|kind| kind as u8)
}

fn signed_by_grantor(payload: &[u8]) -> bool {
    use kluis::format::*;
    let collection = cbor::from_slice::<ConsentPayload>(payload)
        .map(|p| p.collection)
        .or_else(|_| cbor::from_slice::<WithdrawalPayload>(payload).map(|p| p.collection))
        .or_else(|_| cbor::from_slice::<ReverificationPayload>(payload).map(|p| p.collection));
    collection == Ok::<_, FormatError>(CollectionRecord::SignedByGrantor)
}

fn write_records(corpus: &mut Corpus, found: &Found) {
    for bytes in &found.cbor {
        for kind in 0..RECORD_TYPES.len() {
            if kluis_fuzz::check_record(kind, bytes) {
                corpus.put_with("records", &[kind as u8], bytes);
            }
        }
    }
}

fn write_journal(corpus: &mut Corpus, found: &Found) {
    for entry in &found.entries {
        corpus.put_with("journal_entry", &[0], entry);
    }
    for head in &found.heads {
        corpus.put_with("journal_entry", &[1], head);
    }
    for signed in &found.signed {
        if signed.content_type == cose::JOURNAL_ENTRY {
            corpus.put_with("journal_entry", &[2], &signed.payload);
        } else if signed.content_type == cose::HEAD {
            corpus.put_with("journal_entry", &[3], &signed.payload);
        }
    }
}

fn write_tokens(corpus: &mut Corpus, found: &Found) {
    let vault = kluis_fuzz::vector_vault().vault;
    let partner_vault = kluis_fuzz::partner_vault().vault;
    for signed in &found.signed {
        let Some(kind) = token_kind(signed.content_type) else {
            continue;
        };
        // Stored mode: the vault set whose keys can verify the token.
        let set = if cbor::from_slice::<kluis::format::ConsentPayload>(&signed.payload)
            .is_ok_and(|p| p.vault == partner_vault)
        {
            1
        } else {
            0
        };
        corpus.put_with("token", &[0, kind + 4 * set], &signed.bytes);

        use kluis::format::*;
        let rebound = match kind {
            0 => rebind::<ConsentPayload>(&signed.payload, |p| p.vault = vault),
            1 => rebind::<WithdrawalPayload>(&signed.payload, |p| p.vault = vault),
            2 => rebind::<ReverificationPayload>(&signed.payload, |p| p.vault = vault),
            _ => rebind::<ReceiptPayload>(&signed.payload, |p| p.vault = vault),
        };
        let payload = rebound.unwrap_or_else(|| signed.payload.clone());
        let signer = u8::from(signed_by_grantor(&payload));
        corpus.put_with("token", &[2, kind + 4 * signer], &payload);
    }
    for text in &found.armored {
        let statement = [
            partner::CONSENT_LABEL,
            partner::WITHDRAWAL_LABEL,
            partner::REVERIFICATION_LABEL,
        ]
        .iter()
        .any(|label| text.contains(&format!("-----BEGIN KLUIS {label}-----")));
        if statement {
            corpus.put_with("token", &[1], text.as_bytes());
        }
    }
}

fn write_cards_and_requests(corpus: &mut Corpus, found: &Found) {
    for text in &found.armored {
        if text.contains("-----BEGIN KLUIS KEY CARD-----") {
            corpus.put_with("partner_card", &[0], text.as_bytes());
            corpus.put("key_text", text.as_bytes());
        }
        if text.contains("-----BEGIN KLUIS CONSENT REQUEST-----") {
            corpus.put_with("consent_request", &[0], text.as_bytes());
        }
    }
    for signed in &found.signed {
        if signed.content_type == cose::KEY_CARD {
            corpus.put_with("partner_card", &[1], &signed.payload);
        } else if signed.content_type == cose::CONSENT_REQUEST {
            corpus.put_with("consent_request", &[1], &signed.payload);
        }
    }
}

/// Seeds for `export_archive`: the export vector's tar as it is, and the
/// same tar with a receipt signed by the fuzz counsellor key.
fn write_exports(corpus: &mut Corpus) {
    let root = Path::new(VECTORS);
    let identity =
        kluis::keys::parse_recovery_key(&String::from_utf8(read(root.join("export/identity.txt"))).unwrap())
            .expect("the export identity");
    let armored = read(root.join("export/archive.age"));
    let reader = age::armor::ArmoredReader::new(armored.as_slice());
    let decryptor = age::Decryptor::new(reader).expect("an age file");
    let mut plain = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .expect("the export identity opens the export");
    let mut tar_bytes = Vec::new();
    plain.read_to_end(&mut tar_bytes).expect("decrypting the export");
    corpus.put_with("export_archive", &[0], &tar_bytes);

    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut archive = tar::Archive::new(tar_bytes.as_slice());
    for entry in archive.entries().expect("a tar archive") {
        let mut entry = entry.expect("a tar entry");
        let path = entry.path().expect("a path").to_string_lossy().to_string();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("a tar entry's content");
        files.push((path, content));
    }
    let receipt = ReceiptPayload {
        version: kluis::format::FORMAT_VERSION,
        vault: kluis_fuzz::vector_vault().vault,
        recipient: RecipientRecord::ThirdParty {
            name: "fuzz".into(),
            role: "seed".into(),
        },
        time: 0,
        requested_at: 0,
        files: files
            .iter()
            .map(|(path, content)| ReceiptFile {
                path: path.clone(),
                sha256: serde_bytes::ByteBuf::from(Sha256::digest(content).to_vec()),
            })
            .collect(),
        included: Vec::new(),
        withheld: Vec::new(),
    };
    let signed = cose::sign(cose::RECEIPT, cbor::to_vec(&receipt), &fuzz_counsellor());
    files.push((
        format!("{}/{}", kluis::export::ROOT, kluis::export::SIGNED_RECEIPT),
        signed,
    ));
    let mut builder = tar::Builder::new(Vec::new());
    builder.mode(tar::HeaderMode::Deterministic);
    for (path, content) in &files {
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(content.len() as u64);
        header.set_mode(0o600);
        builder
            .append_data(&mut header, path, content.as_slice())
            .expect("building a tar in memory");
    }
    let with_receipt = builder.into_inner().expect("finishing a tar in memory");
    corpus.put_with("export_archive", &[1], &with_receipt);
}

fn write_texts(corpus: &mut Corpus, found: &Found) {
    let mut notes: Vec<String> = found.note_texts.iter().cloned().collect();
    notes.extend(
        [
            "[A] one\n\n[B] two\nmore\n\n[A+B] three\n",
            "\u{feff}[a] first\r\n[ b ] second\r\n\r\n[AB] both\r\n",
            "[A] old Mac\r[B+A] lines\r",
        ]
        .map(String::from),
    );
    for note in notes {
        corpus.put("note_text", note.as_bytes());
    }

    let root = Path::new(VECTORS);
    let header: kluis::format::VaultHeader = cbor::from_slice(&read(root.join("vault/kluis.cbor"))).unwrap();
    let keys = [
        String::from_utf8(read(root.join("recovery-key.txt"))).unwrap(),
        String::from_utf8(read(root.join("export/identity.txt"))).unwrap(),
        format!("# the counsellor\n{}\n", header.counsellor),
        header.recovery,
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOVxMSdKxhXlP9OHo7z0/lt06/0SgT8z99ywYbhvjYqa anouk@example.nl".into(),
        "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC6Ecz7ZH0iKNng0EhqbgMYIt72h6HFjJMATosphYKBKKpKmhHQTuKhRY7cfXuHWGdE3q3cLcI6llGeprMNKrrqr5SzwXhU1Pk7B5/BdsptI567xv72dimkUbmz3MCf/Z8Ce80Yyf7gosYE+xpyqQYlPpRCmQOJADzTO5XlvpJm/qM5BR2ivaiL0jrEqDm7mL2RuskBxqOJHXKATV+6GLBDMQcp+GWDOtBiKN/1gV9uiG5rz7y5A1GwomtzoQDgFLvYwDnU6Z17/wIg4V4p6CaQXbBYtyGWBg84vNREDrefX+PULxlk+1cWRH5oO5iWMb1xbPzr7Dlgv5Hck1xFrEzr fuzz@example.invalid".into(),
    ];
    for key in keys {
        corpus.put("key_text", key.as_bytes());
    }
    // A card signed by the fuzz client key, so the signed mode of
    // `partner_card` has a payload that passes every check.
    let card = kluis::partner::make_card(
        kluis::format::CardRole::Partner,
        &kluis_fuzz::fuzz_partner_keys().age.to_public(),
        &fuzz_grantor(),
    );
    corpus.put_with("partner_card", &[0], card.as_bytes());
    let bytes = partner::dearmor(partner::CARD_LABEL, &card).expect("a card just made");
    let payload = cose::Envelope::parse(&bytes, cose::KEY_CARD)
        .unwrap()
        .unverified_payload()
        .to_vec();
    corpus.put_with("partner_card", &[1], &payload);
}

fn main() {
    let out = std::env::args().nth(1).expect("usage: make_seeds CORPUS_FOLDER");
    let found = collect();
    let mut corpus = Corpus {
        root: PathBuf::from(out),
        written: 0,
    };
    write_records(&mut corpus, &found);
    write_journal(&mut corpus, &found);
    write_tokens(&mut corpus, &found);
    write_cards_and_requests(&mut corpus, &found);
    write_exports(&mut corpus);
    write_texts(&mut corpus, &found);
    println!("wrote {} seeds into {}", corpus.written, corpus.root.display());
}
