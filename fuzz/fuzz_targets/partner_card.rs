//! Key cards as a counsellor or client reads them. The first byte selects
//! the mode: 0 for card text as given, 1 for a card payload that is signed
//! here with a fixed key and armored, so the fuzzer reaches the checks
//! behind the self-signature.

#![no_main]

use kluis::export::ExportRecipient;
use kluis::format::{cbor, cose, KeyCardPayload, FORMAT_VERSION};
use kluis::partner::{self, parse_card, KeyCard};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match data {
        [0, text @ ..] => as_given(text),
        [1, payload @ ..] => signed(payload),
        _ => {}
    }
});

fn as_given(text: &[u8]) {
    let text = String::from_utf8_lossy(text);
    if let Ok(card) = parse_card(&text) {
        check_card(&card);
        // `--recipient-file` reads the same card.
        match ExportRecipient::parse_file(&text) {
            Ok(ExportRecipient::X25519(recipient)) => {
                assert_eq!(recipient.to_string(), card.recipient.to_string())
            }
            _ => panic!("a valid card is not a valid recipient file"),
        }
    }
}

fn signed(payload: &[u8]) {
    let key = kluis_fuzz::fuzz_grantor();
    let bytes = cose::sign(cose::KEY_CARD, payload.to_vec(), &key);
    let text = format!("kluis key card\n{}", partner::armor(partner::CARD_LABEL, &bytes));
    let claimed = cbor::from_slice::<KeyCardPayload>(payload).ok();
    let result = parse_card(&text);
    let valid = claimed.as_ref().is_some_and(|p| {
        p.version == FORMAT_VERSION
            && p.signing_key.as_slice() == key.verifying_key().as_bytes()
            && p.age_recipient.parse::<age::x25519::Recipient>().is_ok()
    });
    assert_eq!(result.is_ok(), valid, "a signed card payload was judged wrongly");
    if let (Ok(card), Some(claimed)) = (result, claimed) {
        check_card(&card);
        assert_eq!(card.verifying_key, key.verifying_key());
        assert_eq!(card.role, claimed.role);
    }
}

fn check_card(card: &KeyCard) {
    let fingerprint = card.fingerprint();
    let groups: Vec<&str> = fingerprint.split(' ').collect();
    assert_eq!(groups.len(), 4, "fingerprint {fingerprint:?}");
    assert!(groups
        .iter()
        .all(|group| group.len() == 4 && group.bytes().all(|b| b.is_ascii_hexdigit())));
}
