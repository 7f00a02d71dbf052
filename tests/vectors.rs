//! Checks the committed test vectors in `tests/vectors/` (see section 12 of
//! `vault-format.md`; `examples/make_vectors.rs` regenerates them).
//!
//! Two kinds of check run here. The `independent` module reads the vault
//! with only `ciborium`, `coset`, `ed25519-dalek`, `sha2` and `age`, by the
//! rules of `vault-format.md` and none of kluis's own decoders, which shows
//! that the spec is enough to write a reader. The other tests run the same
//! files through kluis's public API.
//!
//! The vault is only ever opened for reading, so the committed files stay
//! as they are.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use age::secrecy::SecretString;

use kluis::consent::policy::Person;
use kluis::consent::token::{self, Signers, TokenError};
use kluis::consent::{ConsentBook, ConsentState, ConsentStatus};
use kluis::format::{CollectionRecord, NoteBody, NoteKind, VaultHeader};
use kluis::model::{Access, Details, Vault};
use kluis::store::seen::SeenHeads;

fn vectors() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("vectors")
}

fn vault_dir() -> PathBuf {
    vectors().join("vault")
}

/// Returns the first line of a text file of the vectors.
fn first_line(relative: &str) -> String {
    let path = vectors().join(relative);
    let text = fs::read_to_string(&path).unwrap_or_else(|err| panic!("reading {}: {err}", path.display()));
    text.lines().next().unwrap_or_default().trim().to_string()
}

fn passphrase() -> SecretString {
    SecretString::from(first_line("passphrase.txt"))
}

fn recovery_identity() -> age::x25519::Identity {
    first_line("recovery-key.txt")
        .parse()
        .expect("recovery-key.txt holds an AGE-SECRET-KEY-1 line")
}

/// The event kinds of the vector vault's journal, in order, with the number
/// of objects each entry wrote.
const EXPECTED_JOURNAL: [(&str, usize); 16] = [
    ("vault-created", 0),
    ("person-created", 2),
    ("person-created", 2),
    ("person-created", 2),
    ("couple-created", 2),
    ("note-added", 1),
    ("note-added", 1),
    ("note-added", 1),
    ("note-added", 1),
    ("note-added", 1),
    ("attachment-added", 2),
    ("attachment-added", 2),
    ("consent-recorded", 1),
    ("withdrawal-recorded", 1),
    ("details-updated", 1),
    ("disclosure-decided", 0),
];

/// A reader of the vault format written from `vault-format.md` alone.
mod independent {
    use std::collections::{BTreeMap, BTreeSet};
    use std::fs;
    use std::io::Read;
    use std::iter;
    use std::path::Path;

    use age::secrecy::ExposeSecret;
    use ciborium::Value;
    use coset::TaggedCborSerializable;
    use ed25519_dalek::{Signature, VerifyingKey};
    use sha2::{Digest, Sha256};

    pub const JOURNAL_ENTRY: &str = "application/kluis-journal-entry+cbor";
    pub const HEAD: &str = "application/kluis-head+cbor";
    pub const CONSENT: &str = "application/kluis-consent+cbor";
    pub const WITHDRAWAL: &str = "application/kluis-withdrawal+cbor";

    pub type Id = [u8; 16];

    pub fn sha256(bytes: &[u8]) -> [u8; 32] {
        Sha256::digest(bytes).into()
    }

    fn encode(value: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::into_writer(value, &mut out).expect("encoding to memory cannot fail");
        out
    }

    /// Decodes one CBOR data item in the core deterministic encoding of
    /// RFC 8949 section 4.2.1, rejecting trailing bytes.
    pub fn decode(bytes: &[u8]) -> Value {
        let mut rest = bytes;
        let value: Value = ciborium::from_reader(&mut rest).expect("well-formed CBOR");
        assert!(rest.is_empty(), "trailing bytes after the data item");
        assert_sorted_maps(&value);
        // ciborium writes the shortest heads and definite lengths, so a
        // different re-encoding means the input used some other form.
        assert_eq!(encode(&value), bytes, "not in deterministic encoding");
        value
    }

    fn assert_sorted_maps(value: &Value) {
        match value {
            Value::Map(entries) => {
                let keys: Vec<Vec<u8>> = entries.iter().map(|(key, _)| encode(key)).collect();
                for pair in keys.windows(2) {
                    assert!(pair[0] < pair[1], "map keys not in strictly ascending order");
                }
                for (key, value) in entries {
                    assert_sorted_maps(key);
                    assert_sorted_maps(value);
                }
            }
            Value::Array(items) => items.iter().for_each(assert_sorted_maps),
            Value::Tag(_, inner) => assert_sorted_maps(inner),
            _ => {}
        }
    }

    /// The fields of a record: a map with text keys, checked against the
    /// CDDL's required and optional keys so unknown keys are rejected.
    pub struct Record<'a> {
        name: &'static str,
        fields: BTreeMap<&'a str, &'a Value>,
    }

    impl<'a> Record<'a> {
        pub fn new(name: &'static str, value: &'a Value, required: &[&str], optional: &[&str]) -> Self {
            let entries = value.as_map().unwrap_or_else(|| panic!("{name} is not a map"));
            let mut fields = BTreeMap::new();
            for (key, value) in entries {
                let key = key
                    .as_text()
                    .unwrap_or_else(|| panic!("{name} has a key that is not text"));
                assert!(
                    required.contains(&key) || optional.contains(&key),
                    "{name} has unknown key {key:?}"
                );
                fields.insert(key, value);
            }
            for key in required {
                assert!(fields.contains_key(key), "{name} lacks key {key:?}");
            }
            Self { name, fields }
        }

        pub fn get(&self, key: &str) -> &'a Value {
            self.fields
                .get(key)
                .unwrap_or_else(|| panic!("{} lacks key {key:?}", self.name))
        }

        pub fn optional(&self, key: &str) -> Option<&'a Value> {
            self.fields.get(key).copied()
        }

        pub fn text(&self, key: &str) -> &'a str {
            self.get(key)
                .as_text()
                .unwrap_or_else(|| panic!("{}.{key} is not text", self.name))
        }

        pub fn bytes(&self, key: &str) -> &'a [u8] {
            self.get(key)
                .as_bytes()
                .map(Vec::as_slice)
                .unwrap_or_else(|| panic!("{}.{key} is not a byte string", self.name))
        }

        pub fn id(&self, key: &str) -> Id {
            id(self.get(key))
        }

        pub fn uint(&self, key: &str) -> u64 {
            let value = self
                .get(key)
                .as_integer()
                .unwrap_or_else(|| panic!("{}.{key} is not an integer", self.name));
            u64::try_from(value).unwrap_or_else(|_| panic!("{}.{key} is negative", self.name))
        }

        pub fn int(&self, key: &str) -> i64 {
            let value = self
                .get(key)
                .as_integer()
                .unwrap_or_else(|| panic!("{}.{key} is not an integer", self.name));
            i64::try_from(value).unwrap_or_else(|_| panic!("{}.{key} is out of range", self.name))
        }

        pub fn boolean(&self, key: &str) -> bool {
            self.get(key)
                .as_bool()
                .unwrap_or_else(|| panic!("{}.{key} is not a boolean", self.name))
        }

        pub fn array(&self, key: &str) -> &'a [Value] {
            self.get(key)
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_else(|| panic!("{}.{key} is not an array", self.name))
        }
    }

    /// Reads an identifier: a byte string of exactly 16 bytes.
    pub fn id(value: &Value) -> Id {
        let bytes = value.as_bytes().expect("an id is a byte string");
        bytes.as_slice().try_into().expect("an id has 16 bytes")
    }

    /// Reads a serde externally tagged enum value: a text string for a unit
    /// variant, a map of one entry for a variant with content.
    pub fn variant(value: &Value) -> (&str, Option<&Value>) {
        match value {
            Value::Text(name) => (name.as_str(), None),
            Value::Map(entries) if entries.len() == 1 => {
                let name = entries[0].0.as_text().expect("a variant name is text");
                (name, Some(&entries[0].1))
            }
            other => panic!("not an enum value: {other:?}"),
        }
    }

    /// Checks a tagged COSE_Sign1 with EdDSA and returns its payload.
    pub fn open_sign1(bytes: &[u8], content_type: &str, key: &[u8; 32]) -> Result<Vec<u8>, String> {
        let Value::Tag(18, inner) = decode(bytes) else {
            return Err("not a COSE_Sign1 with tag 18".into());
        };
        let Value::Array(parts) = *inner else {
            return Err("COSE_Sign1 is not an array".into());
        };
        let [Value::Bytes(protected), Value::Map(unprotected), Value::Bytes(payload), Value::Bytes(signature)] =
            parts.as_slice()
        else {
            return Err("COSE_Sign1 does not have the four expected parts".into());
        };
        if !unprotected.is_empty() {
            return Err("the unprotected header is not empty".into());
        }

        let header = decode(protected);
        let entries = header.as_map().ok_or("the protected header is not a map")?;
        let labels: Vec<i128> = entries
            .iter()
            .map(|(label, _)| {
                label
                    .as_integer()
                    .map(i128::from)
                    .ok_or("a header label is not an integer")
            })
            .collect::<Result<_, _>>()?;
        if labels != [1, 3, 4] {
            return Err(format!(
                "protected header labels are {labels:?}, not alg, content type and kid"
            ));
        }
        if entries[0].1.as_integer().map(i128::from) != Some(-8) {
            return Err("alg is not EdDSA (-8)".into());
        }
        if entries[1].1.as_text() != Some(content_type) {
            return Err("unexpected content type".into());
        }
        if entries[2].1.as_bytes().map(Vec::as_slice) != Some(key.as_slice()) {
            return Err("kid is not the expected signer's public key".into());
        }

        let to_be_signed = encode(&Value::Array(vec![
            Value::Text("Signature1".into()),
            Value::Bytes(protected.clone()),
            Value::Bytes(content_type.as_bytes().to_vec()),
            Value::Bytes(payload.clone()),
        ]));
        // coset computes the same Sig_structure from the same bytes.
        let parsed = coset::CoseSign1::from_tagged_slice(bytes).map_err(|err| err.to_string())?;
        assert_eq!(parsed.tbs_data(content_type.as_bytes()), to_be_signed);

        let key = VerifyingKey::from_bytes(key).map_err(|err| err.to_string())?;
        let signature = Signature::from_slice(signature).map_err(|err| err.to_string())?;
        key.verify_strict(&to_be_signed, &signature)
            .map_err(|_| "the signature does not verify".to_string())?;
        Ok(payload.clone())
    }

    /// Decrypts an age file with one identity.
    pub fn age_decrypt(bytes: &[u8], identity: &dyn age::Identity) -> Vec<u8> {
        let decryptor = age::Decryptor::new(bytes).expect("an age file");
        let mut reader = decryptor
            .decrypt(iter::once(identity))
            .expect("the identity is a recipient of the file");
        let mut plaintext = Vec::new();
        reader
            .read_to_end(&mut plaintext)
            .expect("the age payload is intact");
        plaintext
    }

    /// What a reader learns from the vault.
    pub struct Contents {
        pub vault: Id,
        pub signing_key: [u8; 32],
        pub recovery: String,
        pub head_seq: u64,
        /// Event kind and number of objects of each entry, in order.
        pub journal: Vec<(String, usize)>,
        /// Every object any entry names, with the entry that wrote it.
        pub objects: BTreeMap<Id, u64>,
        pub dossiers: BTreeMap<Id, Dossier>,
        /// `written` of each disclosure decision.
        pub disclosures: Vec<bool>,
    }

    #[derive(Default)]
    pub struct Dossier {
        pub registration: String,
        pub couple: bool,
        pub end: Option<String>,
        pub notes: Vec<String>,
        /// Paragraph "about" values of each note with paragraphs.
        pub paragraphs: Vec<Vec<String>>,
        /// Attachment object id, label and content SHA-256.
        pub attachments: Vec<(Id, String, Vec<u8>)>,
        pub consents: Vec<Id>,
        pub withdrawals: Vec<Id>,
        identity: Option<age::x25519::Identity>,
    }

    /// Reads the header, `kluis.cbor`.
    pub fn header(vault: &Path) -> (Id, [u8; 32], String, String) {
        let bytes = fs::read(vault.join("kluis.cbor")).expect("kluis.cbor");
        let value = decode(&bytes);
        let header = Record::new(
            "VaultHeader",
            &value,
            &[
                "format",
                "version",
                "vault",
                "counsellor",
                "recovery",
                "signing_key",
                "recovery_file",
            ],
            &[],
        );
        assert_eq!(header.text("format"), "kluis-vault");
        assert_eq!(header.uint("version"), 1);
        let signing_key: [u8; 32] = header
            .bytes("signing_key")
            .try_into()
            .expect("32-byte signing key");
        let counsellor = header.text("counsellor").to_string();
        let recovery = header.text("recovery").to_string();
        for recipient in [&counsellor, &recovery] {
            recipient
                .parse::<age::x25519::Recipient>()
                .expect("an age X25519 recipient");
        }
        let recovery_file = fs::read(vault.join("recovery.age")).expect("recovery.age");
        assert_eq!(
            header.bytes("recovery_file"),
            Sha256::digest(&recovery_file).as_slice(),
            "recovery_file is the SHA-256 of recovery.age"
        );
        (header.id("vault"), signing_key, counsellor, recovery)
    }

    /// Decodes an IdentityRecord (the plaintext of `identity.age` and
    /// `recovery.age`) and returns the age identity and the signing seed.
    pub fn identity_record(plaintext: &[u8], vault: Id) -> (String, Vec<u8>) {
        let value = decode(plaintext);
        let record = Record::new(
            "IdentityRecord",
            &value,
            &["version", "vault", "age_identity", "signing_seed"],
            &[],
        );
        assert_eq!(record.uint("version"), 1);
        assert_eq!(record.id("vault"), vault);
        (
            record.text("age_identity").to_string(),
            record.bytes("signing_seed").to_vec(),
        )
    }

    /// Reads and verifies the whole vault with an identity that is a
    /// recipient of the journal events and key objects: the counsellor's or
    /// the recovery key.
    pub fn read(vault: &Path, identity: &age::x25519::Identity) -> Contents {
        let header_bytes = fs::read(vault.join("kluis.cbor")).expect("kluis.cbor");
        let (vault_id, signing_key, _, recovery) = header(vault);

        let head_bytes = fs::read(vault.join("HEAD")).expect("HEAD");
        let head_payload = open_sign1(&head_bytes, HEAD, &signing_key).expect("HEAD verifies");
        let head_value = decode(&head_payload);
        let head = Record::new(
            "HeadPayload",
            &head_value,
            &["version", "vault", "seq", "entry"],
            &[],
        );
        assert_eq!(head.uint("version"), 1);
        assert_eq!(head.id("vault"), vault_id);

        let mut contents = Contents {
            vault: vault_id,
            signing_key,
            recovery,
            head_seq: head.uint("seq"),
            journal: Vec::new(),
            objects: BTreeMap::new(),
            dossiers: BTreeMap::new(),
            disclosures: Vec::new(),
        };
        let mut prev = sha256(&header_bytes);
        for seq in 1u64.. {
            let path = vault.join("journal").join(format!("{seq:012}"));
            let Ok(bytes) = fs::read(&path) else {
                assert!(seq > contents.head_seq, "entry {seq} that HEAD covers is missing");
                break;
            };
            let payload = open_sign1(&bytes, JOURNAL_ENTRY, &signing_key)
                .unwrap_or_else(|err| panic!("entry {seq}: {err}"));
            let value = decode(&payload);
            let entry = Record::new(
                "EntryPayload",
                &value,
                &["version", "vault", "seq", "prev", "objects", "event"],
                &[],
            );
            assert_eq!(entry.uint("version"), 1, "entry {seq} version");
            assert_eq!(entry.id("vault"), vault_id, "entry {seq} vault");
            assert_eq!(entry.uint("seq"), seq, "entry {seq} number");
            assert_eq!(entry.bytes("prev"), prev.as_slice(), "entry {seq} does not chain");
            prev = sha256(&bytes);
            if seq == contents.head_seq {
                assert_eq!(
                    head.bytes("entry"),
                    prev.as_slice(),
                    "HEAD names another entry {seq}"
                );
            }

            let mut written = BTreeMap::new();
            for object in entry.array("objects") {
                let object = Record::new("ObjectRef", object, &["id", "sha256"], &[]);
                let id = object.id("id");
                let hex = hex::encode(id);
                let stored = fs::read(vault.join("objects").join(&hex[..2]).join(&hex))
                    .unwrap_or_else(|err| panic!("object {hex} of entry {seq}: {err}"));
                assert_eq!(
                    object.bytes("sha256"),
                    sha256(&stored).as_slice(),
                    "object {hex} changed"
                );
                assert!(
                    contents.objects.insert(id, seq).is_none(),
                    "object {hex} written twice"
                );
                written.insert(id, stored);
            }

            let event_plaintext = age_decrypt(entry.bytes("event"), identity);
            let event_value = decode(&event_plaintext);
            let event = Record::new("EventRecord", &event_value, &["time", "event"], &[]);
            assert!(
                event.int("time") > 1_700_000_000,
                "entry {seq} time is implausible"
            );
            let (kind, body) = variant(event.get("event"));
            apply(&mut contents, seq, kind, body, &written, identity, &signing_key);
            contents.journal.push((kind.to_string(), written.len()));
        }
        assert!(
            contents.journal.len() as u64 >= contents.head_seq,
            "HEAD is beyond the journal"
        );
        contents
    }

    /// Replays one event, decrypting and checking every object it names.
    fn apply(
        contents: &mut Contents,
        seq: u64,
        kind: &str,
        body: Option<&Value>,
        written: &BTreeMap<Id, Vec<u8>>,
        identity: &age::x25519::Identity,
        signing_key: &[u8; 32],
    ) {
        let object = |id: Id| -> &Vec<u8> {
            written
                .get(&id)
                .unwrap_or_else(|| panic!("entry {seq} names an object it did not write"))
        };
        match kind {
            "vault-created" => {
                assert_eq!(seq, 1, "vault-created is not the first entry");
                assert!(body.is_none());
            }
            "person-created" | "couple-created" => {
                let body = body.expect("event fields");
                let couple = kind == "couple-created";
                let required: &[&str] = if couple {
                    &["dossier", "key", "details", "partners"]
                } else {
                    &["dossier", "key", "details"]
                };
                let event = Record::new("Event", body, required, &[]);
                let dossier_id = event.id("dossier");
                let key_value = decode(&age_decrypt(object(event.id("key")), identity));
                let key = Record::new("DossierKeyRecord", &key_value, &["dossier", "identity"], &[]);
                assert_eq!(key.id("dossier"), dossier_id, "key object of another dossier");
                let dossier_identity: age::x25519::Identity =
                    key.text("identity").parse().expect("a dossier age identity");
                let mut dossier = Dossier {
                    couple,
                    ..Dossier::default()
                };
                read_details(&mut dossier, object(event.id("details")), &dossier_identity);
                if couple {
                    let partners: Vec<Id> = event.array("partners").iter().map(id).collect();
                    assert_eq!(partners.len(), 2);
                    for partner in &partners {
                        assert!(contents.dossiers.contains_key(partner), "unknown partner");
                    }
                }
                dossier.identity = Some(dossier_identity);
                contents.dossiers.insert(dossier_id, dossier);
            }
            "details-updated" => {
                let event = Record::new("Event", body.expect("event fields"), &["dossier", "details"], &[]);
                let dossier = dossier_mut(contents, event.id("dossier"));
                let identity = dossier.identity.clone().expect("dossier key");
                read_details(dossier, object(event.id("details")), &identity);
            }
            "note-added" => {
                let event = Record::new(
                    "Event",
                    body.expect("event fields"),
                    &["dossier", "note", "kind"],
                    &[],
                );
                let event_kind = event.text("kind");
                let dossier = dossier_mut(contents, event.id("dossier"));
                let plaintext =
                    age_decrypt(object(event.id("note")), dossier.identity.as_ref().expect("key"));
                let value = decode(&plaintext);
                let note = Record::new("NoteRecord", &value, &["kind", "date", "body"], &[]);
                assert_eq!(
                    note.text("kind"),
                    event_kind,
                    "note kind differs from the event's"
                );
                assert_eq!(note.text("date").len(), 10, "date is YYYY-MM-DD");
                match variant(note.get("body")) {
                    ("text", Some(Value::Text(_))) => {}
                    ("paragraphs", Some(Value::Array(paragraphs))) => {
                        let abouts = paragraphs
                            .iter()
                            .map(|paragraph| {
                                let paragraph = Record::new("Paragraph", paragraph, &["about", "text"], &[]);
                                paragraph.text("about").to_string()
                            })
                            .collect();
                        dossier.paragraphs.push(abouts);
                    }
                    other => panic!("unknown note body {other:?}"),
                }
                dossier.notes.push(event_kind.to_string());
            }
            "attachment-added" => {
                let event = Record::new(
                    "Event",
                    body.expect("event fields"),
                    &["dossier", "attachment", "blob"],
                    &[],
                );
                let attachment_id = event.id("attachment");
                let blob_id = event.id("blob");
                let dossier = dossier_mut(contents, event.id("dossier"));
                let key = dossier.identity.clone().expect("dossier key");
                let value = decode(&age_decrypt(object(attachment_id), &key));
                let record = Record::new(
                    "AttachmentRecord",
                    &value,
                    &[
                        "label",
                        "file_name",
                        "media_type",
                        "size",
                        "sha256",
                        "blob",
                        "date",
                    ],
                    &[],
                );
                assert_eq!(record.id("blob"), blob_id, "attachment names another blob");
                let content = age_decrypt(object(blob_id), &key);
                assert_eq!(content.len() as u64, record.uint("size"));
                assert_eq!(sha256(&content).as_slice(), record.bytes("sha256"));
                dossier.attachments.push((
                    attachment_id,
                    record.text("label").to_string(),
                    record.bytes("sha256").to_vec(),
                ));
            }
            "consent-recorded" => {
                let event = Record::new(
                    "Event",
                    body.expect("event fields"),
                    &["dossier", "token", "consent"],
                    &[],
                );
                let grantor = event.id("dossier");
                let dossier = dossier_mut(contents, grantor);
                let token = age_decrypt(
                    object(event.id("consent")),
                    dossier.identity.as_ref().expect("key"),
                );
                let payload = open_sign1(&token, CONSENT, signing_key).expect("stored consent verifies");
                let value = decode(&payload);
                let consent = consent_payload(&value);
                assert_eq!(consent.id("id"), event.id("token"));
                assert_eq!(consent.id("grantor"), grantor);
                // An attested consent names the scan of the signed form,
                // an attachment of the grantor's dossier.
                let (method, fields) = variant(consent.get("collection"));
                assert_eq!(method, "attested-from-form");
                let form = Record::new(
                    "AttestedFromForm",
                    fields.expect("form fields"),
                    &["form", "form_sha256"],
                    &[],
                );
                let scan = dossier
                    .attachments
                    .iter()
                    .find(|(object, _, _)| *object == form.id("form"))
                    .expect("the form is an attachment of the grantor");
                assert_eq!(scan.2.as_slice(), form.bytes("form_sha256"));
                dossier.consents.push(event.id("token"));
            }
            "withdrawal-recorded" => {
                let event = Record::new(
                    "Event",
                    body.expect("event fields"),
                    &["dossier", "token", "withdrawal", "withdraws"],
                    &[],
                );
                let grantor = event.id("dossier");
                let dossier = dossier_mut(contents, grantor);
                let token = age_decrypt(
                    object(event.id("withdrawal")),
                    dossier.identity.as_ref().expect("key"),
                );
                let payload =
                    open_sign1(&token, WITHDRAWAL, signing_key).expect("stored withdrawal verifies");
                let value = decode(&payload);
                let withdrawal = withdrawal_payload(&value);
                assert_eq!(withdrawal.id("id"), event.id("token"));
                assert_eq!(withdrawal.id("grantor"), grantor);
                let named: Vec<Id> = withdrawal.array("withdraws").iter().map(id).collect();
                let listed: Vec<Id> = event.array("withdraws").iter().map(id).collect();
                assert_eq!(named, listed);
                dossier.withdrawals.push(event.id("token"));
            }
            "disclosure-decided" => {
                let record = Record::new(
                    "DisclosureRecord",
                    body.expect("event fields"),
                    &["recipient", "encrypted_to", "items", "written"],
                    &[],
                );
                let (recipient, _) = variant(record.get("recipient"));
                assert!(["person", "third-party"].contains(&recipient));
                for item in record.array("items") {
                    let item = Record::new(
                        "ItemDecisionRecord",
                        item,
                        &["item", "allowed", "rule", "consents"],
                        &[],
                    );
                    assert!(item.text("rule").starts_with('R'));
                    item.boolean("allowed");
                }
                contents.disclosures.push(record.boolean("written"));
            }
            other => panic!("entry {seq} has unknown event kind {other:?}"),
        }
    }

    fn dossier_mut(contents: &mut Contents, dossier: Id) -> &mut Dossier {
        contents
            .dossiers
            .get_mut(&dossier)
            .expect("the event names a known dossier")
    }

    fn read_details(dossier: &mut Dossier, object: &[u8], key: &age::x25519::Identity) {
        let value = decode(&age_decrypt(object, key));
        let record = if dossier.couple {
            Record::new(
                "CoupleRecord",
                &value,
                &["registration", "partner_a", "partner_b", "start"],
                &["end"],
            )
        } else {
            Record::new(
                "PersonRecord",
                &value,
                &["registration", "name", "start"],
                &["email", "phone", "address", "end"],
            )
        };
        dossier.registration = record.text("registration").to_string();
        dossier.end = record
            .optional("end")
            .map(|end| end.as_text().expect("text").to_string());
    }

    pub fn consent_payload(value: &Value) -> Record<'_> {
        Record::new(
            "ConsentPayload",
            value,
            &[
                "version",
                "id",
                "vault",
                "kind",
                "grantor",
                "recipient",
                "scope",
                "after_end",
                "valid_from",
                "purpose",
                "collection",
                "issued",
            ],
            &["couple", "valid_until", "request"],
        )
    }

    pub fn withdrawal_payload(value: &Value) -> Record<'_> {
        Record::new(
            "WithdrawalPayload",
            value,
            &[
                "version",
                "id",
                "vault",
                "grantor",
                "withdraws",
                "collection",
                "issued",
            ],
            &[],
        )
    }

    /// Decrypts `identity.age` with the passphrase (age scrypt).
    pub fn unlock_identity(vault: &Path, passphrase: &str) -> Vec<u8> {
        let bytes = fs::read(vault.join("identity.age")).expect("identity.age");
        let mut identity = age::scrypt::Identity::new(passphrase.to_string().into());
        // The spec's upper bound; age's own default depends on the machine.
        identity.set_max_work_factor(22);
        age_decrypt(&bytes, &identity)
    }

    pub fn expose(secret: &age::secrecy::SecretString) -> String {
        secret.expose_secret().to_string()
    }

    pub fn registrations(contents: &Contents) -> BTreeSet<String> {
        contents
            .dossiers
            .values()
            .map(|d| d.registration.clone())
            .collect()
    }
}

fn hex_key(relative: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    hex::decode_to_slice(first_line(relative), &mut key).expect("64 hex digits");
    key
}

fn expected_registrations() -> BTreeSet<String> {
    ["2026-001", "2026-002", "2026-003", "2026-K01"]
        .map(String::from)
        .into()
}

#[test]
fn independent_reader_with_passphrase() {
    let vault = vault_dir();
    let (vault_id, signing_key, counsellor, _) = independent::header(&vault);
    let sealed = fs::read(vault.join("identity.age")).expect("identity.age");
    let stanza = sealed
        .split(|byte| *byte == b'\n')
        .find(|line| line.starts_with(b"-> scrypt "))
        .expect("identity.age has a scrypt stanza");
    let work_factor = String::from_utf8_lossy(stanza)
        .split(' ')
        .nth(3)
        .map(str::to_string);
    assert_eq!(
        work_factor.as_deref(),
        Some("18"),
        "kluis writes scrypt work factor 18"
    );

    let plaintext = independent::unlock_identity(&vault, &independent::expose(&passphrase()));
    let (age_identity, seed) = independent::identity_record(&plaintext, vault_id);
    let identity: age::x25519::Identity = age_identity.parse().expect("an age identity");
    assert_eq!(identity.to_public().to_string(), counsellor);
    let seed: [u8; 32] = seed.as_slice().try_into().expect("32-byte seed");
    let signing = ed25519_dalek::SigningKey::from_bytes(&seed);
    assert_eq!(signing.verifying_key().to_bytes(), signing_key);

    let contents = independent::read(&vault, &identity);
    assert_eq!(contents.signing_key, signing_key);
    let journal: Vec<(&str, usize)> = contents
        .journal
        .iter()
        .map(|(kind, objects)| (kind.as_str(), *objects))
        .collect();
    assert_eq!(journal, EXPECTED_JOURNAL);
    assert_eq!(contents.head_seq, EXPECTED_JOURNAL.len() as u64);
    assert_eq!(independent::registrations(&contents), expected_registrations());
    assert_eq!(contents.disclosures, [true]);

    let by_registration: BTreeMap<&str, &independent::Dossier> = contents
        .dossiers
        .values()
        .map(|dossier| (dossier.registration.as_str(), dossier))
        .collect();
    let anna = by_registration["2026-001"];
    assert_eq!(anna.notes, ["intake", "session", "report", "working-note"]);
    assert_eq!(anna.attachments.len(), 2);
    assert_eq!(anna.consents.len(), 1);
    assert_eq!(anna.withdrawals.len(), 1);
    let couple = by_registration["2026-K01"];
    assert!(couple.couple);
    assert_eq!(couple.paragraphs, [["partner-a", "partner-b", "both"]]);
    assert_eq!(by_registration["2026-003"].end.as_deref(), Some("2026-03-31"));
}

#[test]
fn independent_reader_with_recovery_key() {
    let vault = vault_dir();
    let recovery = recovery_identity();
    let (vault_id, signing_key, counsellor, recovery_recipient) = independent::header(&vault);
    assert_eq!(recovery.to_public().to_string(), recovery_recipient);

    // recovery.age contains the counsellor's keys, encrypted to the recovery key.
    let sealed = fs::read(vault.join("recovery.age")).expect("recovery.age");
    let (age_identity, seed) =
        independent::identity_record(&independent::age_decrypt(&sealed, &recovery), vault_id);
    let counsellor_identity: age::x25519::Identity = age_identity.parse().expect("an age identity");
    assert_eq!(counsellor_identity.to_public().to_string(), counsellor);
    let seed: [u8; 32] = seed.as_slice().try_into().expect("32-byte seed");
    assert_eq!(
        ed25519_dalek::SigningKey::from_bytes(&seed)
            .verifying_key()
            .to_bytes(),
        signing_key
    );

    // The recovery key is also a recipient of every event and key object.
    let contents = independent::read(&vault, &recovery);
    assert_eq!(contents.vault, vault_id);
    assert_eq!(contents.recovery, recovery_recipient);
    assert_eq!(contents.journal.len(), EXPECTED_JOURNAL.len());
    assert_eq!(independent::registrations(&contents), expected_registrations());
}

#[test]
fn vault_holds_only_format_files() {
    let vault = vault_dir();
    let contents = independent::read(&vault, &recovery_identity());
    let mut files = 0;
    let mut objects = BTreeSet::new();
    for entry in walkdir::WalkDir::new(&vault).min_depth(1) {
        let entry = entry.expect("walking the vault");
        let relative = entry.path().strip_prefix(&vault).expect("inside the vault");
        let parts: Vec<&str> = relative
            .iter()
            .map(|part| part.to_str().expect("UTF-8 name"))
            .collect();
        assert!(
            !parts.iter().any(|part| part.starts_with(".tmp-")),
            "leftover {relative:?}"
        );
        if entry.file_type().is_dir() {
            assert!(
                matches!(parts.as_slice(), ["journal"] | ["objects"] | ["objects", _]),
                "unexpected folder {relative:?}"
            );
            continue;
        }
        files += 1;
        match parts.as_slice() {
            ["kluis.cbor" | "identity.age" | "recovery.age" | "HEAD" | "lock"] => {}
            ["journal", name] => {
                assert_eq!(name.len(), 12, "{name}");
                let seq: u64 = name.parse().expect("a journal entry name is a number");
                assert!((1..=contents.journal.len() as u64).contains(&seq));
            }
            ["objects", shard, name] => {
                assert_eq!(name.len(), 32, "{name}");
                assert!(
                    name.starts_with(shard),
                    "{name} is not under its first two digits"
                );
                let mut id = [0u8; 16];
                hex::decode_to_slice(name, &mut id).expect("lowercase hex");
                assert_eq!(hex::encode(id), *name, "object names are lowercase");
                objects.insert(id);
            }
            _ => panic!("unexpected file {relative:?}"),
        }
    }
    assert!(files < 60, "the vector vault has {files} files");
    let referenced: BTreeSet<_> = contents.objects.keys().copied().collect();
    assert_eq!(objects, referenced, "stored objects and journaled objects differ");
}

#[test]
fn kluis_opens_vector_vault() {
    let memory = tempfile::tempdir().expect("temporary folder");
    let vault = Vault::open_with(
        &vault_dir(),
        passphrase(),
        Access::Read,
        SeenHeads::at(memory.path()),
    )
    .expect("the vector vault opens");
    assert_eq!(vault.journal_len(), EXPECTED_JOURNAL.len() as u64);
    assert_eq!(vault.dossiers().len(), 4);
    let registrations: BTreeSet<String> = vault
        .dossiers()
        .iter()
        .map(|dossier| dossier.details.registration().to_string())
        .collect();
    assert_eq!(registrations, expected_registrations());

    let anna = vault.find("2026-001").expect("Anna's dossier");
    let kinds: Vec<NoteKind> = vault
        .notes(anna)
        .expect("Anna's notes")
        .iter()
        .map(|note| note.record.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            NoteKind::Intake,
            NoteKind::Session,
            NoteKind::Report,
            NoteKind::WorkingNote
        ]
    );
    assert_eq!(vault.attachments(anna).expect("Anna's attachments").len(), 2);

    let couple = vault.find("2026-K01").expect("the couple record");
    assert!(couple.is_couple());
    let notes = vault.notes(couple).expect("the couple's notes");
    assert_eq!(notes.len(), 1);
    assert!(matches!(&notes[0].record.body, NoteBody::Paragraphs(paragraphs) if paragraphs.len() == 3));

    let chris = vault.find("2026-003").expect("Chris's dossier");
    assert_eq!(chris.details.end(), Some("2026-03-31"));
    assert!(matches!(chris.details, Details::Person(_)));

    let book = ConsentBook::load(&vault).expect("the consents verify");
    assert_eq!(book.consents.len(), 1);
    assert_eq!(
        book.state(&book.consents[0], jiff::Timestamp::now()),
        ConsentState::Suspended
    );
    assert_eq!(vault.disclosures().len(), 1);
    assert!(vault.disclosures()[0].1.written);
}

/// Builds the signers the token fixtures are checked against: the vault id
/// and counsellor key of the vector vault.
fn token_signers() -> Signers<'static> {
    let header: VaultHeader =
        kluis::format::cbor::from_slice(&fs::read(vault_dir().join("kluis.cbor")).expect("kluis.cbor"))
            .expect("the header decodes");
    let counsellor = hex_key("tokens/counsellor-key.hex");
    assert_eq!(header.signing_key.as_slice(), counsellor.as_slice());
    Signers {
        vault: header.vault,
        counsellor: ed25519_dalek::VerifyingKey::from_bytes(&counsellor).expect("a valid public key"),
        grantor_keys: &[],
    }
}

fn token_file(name: &str) -> Vec<u8> {
    fs::read(vectors().join("tokens").join(name)).expect("token fixture")
}

#[test]
fn valid_consent_token_verifies() {
    let signers = token_signers();
    let payload = token::verify_consent(&token_file("consent-valid.cose"), &signers).expect("valid token");
    assert_eq!(payload.vault, signers.vault);
    assert!(matches!(
        payload.collection,
        CollectionRecord::AttestedFromForm { .. }
    ));
    assert_eq!(payload.valid_until, None);
    assert_eq!(payload.scope.dossiers.len(), 2);
}

#[test]
fn forged_signature_rejected() {
    let result = token::verify_consent(&token_file("consent-forged-signature.cose"), &token_signers());
    assert_eq!(result.unwrap_err(), TokenError::BadSignature);
}

#[test]
fn token_of_unknown_signer_rejected() {
    let result = token::verify_consent(&token_file("consent-wrong-key.cose"), &token_signers());
    assert_eq!(result.unwrap_err(), TokenError::UnknownSigner);
}

#[test]
fn wrong_key_token_verifies_under_its_own_key() {
    let stranger = hex_key("tokens/stranger-key.hex");
    let payload = independent::open_sign1(
        &token_file("consent-wrong-key.cose"),
        independent::CONSENT,
        &stranger,
    );
    assert!(payload.is_ok(), "{payload:?}");
}

#[test]
fn kid_mismatch_rejected() {
    let result = token::verify_consent(&token_file("consent-kid-mismatch.cose"), &token_signers());
    assert_eq!(result.unwrap_err(), TokenError::BadSignature);
}

#[test]
fn token_of_other_vault_rejected() {
    let result = token::verify_consent(&token_file("consent-other-vault.cose"), &token_signers());
    assert_eq!(result.unwrap_err(), TokenError::OtherVault);
}

#[test]
fn truncated_token_rejected() {
    let result = token::verify_consent(&token_file("consent-truncated.cose"), &token_signers());
    assert!(matches!(result, Err(TokenError::Malformed(_))), "{result:?}");
}

#[test]
fn expired_token_verifies_but_is_expired() {
    let payload = token::verify_consent(&token_file("consent-expired.cose"), &token_signers())
        .expect("an expired token still verifies");
    let until = payload.valid_until.expect("the fixture has an end");
    // 2025-12-31 is the last valid day, so validity ends at the start of
    // 2026-01-01 in Europe/Amsterdam, 23:00 UTC.
    assert_eq!(
        jiff::Timestamp::from_second(until).unwrap().to_string(),
        "2025-12-31T23:00:00Z"
    );
    let book = ConsentBook {
        consents: vec![ConsentStatus {
            payload,
            withdrawals: Vec::new(),
            reverifications: Vec::new(),
            used: false,
        }],
        persons: Vec::<Person>::new(),
    };
    assert_eq!(
        book.state(&book.consents[0], jiff::Timestamp::now()),
        ConsentState::Expired
    );
}

#[test]
fn withdrawal_fixture_verifies() {
    let signers = token_signers();
    let consent = token::verify_consent(&token_file("consent-valid.cose"), &signers).expect("valid token");
    let withdrawal =
        token::verify_withdrawal(&token_file("withdrawal.cose"), &signers).expect("valid withdrawal");
    assert_eq!(withdrawal.withdraws, [consent.id]);
    assert_eq!(withdrawal.grantor, consent.grantor);
    assert_eq!(withdrawal.collection, CollectionRecord::NotInWriting);
}

#[test]
fn token_fixtures_read_independently() {
    let counsellor = hex_key("tokens/counsellor-key.hex");
    let bytes = token_file("consent-valid.cose");
    let payload = independent::open_sign1(&bytes, independent::CONSENT, &counsellor).expect("verifies");
    let value = independent::decode(&payload);
    let consent = independent::consent_payload(&value);
    assert_eq!(consent.uint("version"), 1);
    assert_eq!(independent::variant(consent.get("kind")).0, "partner-exchange");

    let forged = independent::open_sign1(
        &token_file("consent-forged-signature.cose"),
        independent::CONSENT,
        &counsellor,
    );
    assert_eq!(forged.unwrap_err(), "the signature does not verify");
    // A consent is never accepted as another kind of record.
    assert!(independent::open_sign1(&bytes, independent::WITHDRAWAL, &counsellor).is_err());
}

#[test]
fn export_archive_unpacks_safely() {
    let identity: age::x25519::Identity = first_line("export/identity.txt")
        .parse()
        .expect("an age identity");
    let armored = fs::read(vectors().join("export").join("archive.age")).expect("archive.age");
    assert!(armored.starts_with(b"-----BEGIN AGE ENCRYPTED FILE-----"));
    let reader = age::armor::ArmoredReader::new(armored.as_slice());
    let decryptor = age::Decryptor::new(reader).expect("an age file");
    let mut tar_bytes = Vec::new();
    decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .expect("the export identity is its recipient")
        .read_to_end(&mut tar_bytes)
        .expect("the archive decrypts");

    let mut archive = tar::Archive::new(tar_bytes.as_slice());
    let mut files = BTreeMap::new();
    for entry in archive.entries().expect("a tar archive") {
        let mut entry = entry.expect("a tar entry");
        assert_eq!(entry.header().entry_type(), tar::EntryType::Regular);
        assert_eq!(entry.header().mode().expect("a mode"), 0o600);
        let path = entry.path().expect("a path").into_owned();
        assert!(
            path.components().all(|part| matches!(part, Component::Normal(_))),
            "unsafe path {path:?}"
        );
        assert!(
            path.starts_with("kluis-export"),
            "{path:?} is outside kluis-export/"
        );
        let mut content = String::new();
        entry.read_to_string(&mut content).expect("UTF-8 content");
        files.insert(path.to_string_lossy().into_owned(), content);
    }
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "kluis-export/2026-K01/01-session-2026-02-09.md",
            "kluis-export/INDEX.md",
            "kluis-export/RECEIPT.md",
        ]
    );
    let note = &files["kluis-export/2026-K01/01-session-2026-02-09.md"];
    assert!(note.contains("[B] Paragraph about partner B."), "{note}");
    assert!(note.contains("[Paragraph 1 withheld: see RECEIPT.md]"), "{note}");
    assert!(note.contains("[Paragraph 3 withheld: see RECEIPT.md]"), "{note}");
    assert!(!note.contains("Paragraph about partner A."), "{note}");
    assert!(!note.contains("Paragraph about both partners."), "{note}");
    assert!(files["kluis-export/RECEIPT.md"].contains("R6"));
}
