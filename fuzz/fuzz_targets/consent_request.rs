//! Consent requests as a client reads them (`kluis partner sign`). The
//! first byte selects the mode:
//!
//! - 0: request text as given, checked with the partner test vault's
//!   counsellor card;
//! - 1: a request payload, signed here with a fixed counsellor key and
//!   armored, so the fuzzer reaches the checks behind the signature.
//!
//! A request that reads is then signed as the client would sign it, and
//! the signed consent must read back as the consent the request proposed.

#![no_main]

use kluis::format::{cbor, cose, CollectionRecord, ConsentRequestPayload, FORMAT_VERSION};
use kluis::partner::{self, read_own_consent, read_request, sign_request};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match data {
        [0, text @ ..] => {
            let text = String::from_utf8_lossy(text);
            if let Ok(request) = read_request(&text, kluis_fuzz::partner_counsellor_card()) {
                check_request(&request);
            }
        }
        [1, payload @ ..] => signed(payload),
        _ => {}
    }
});

fn signed(payload: &[u8]) {
    let key = kluis_fuzz::fuzz_counsellor();
    let bytes = cose::sign(cose::CONSENT_REQUEST, payload.to_vec(), &key);
    let text = partner::armor(partner::REQUEST_LABEL, &bytes);
    let card = kluis_fuzz::fuzz_counsellor_card();
    if let Ok(request) = read_request(&text, &card) {
        assert_eq!(
            cbor::to_vec(&request),
            payload,
            "a read request must be exactly what was signed"
        );
        check_request(&request);
    }
    // A request never reads with another counsellor's card.
    assert!(read_request(&text, kluis_fuzz::partner_counsellor_card()).is_err());
}

fn check_request(request: &ConsentRequestPayload) {
    assert_eq!(request.version, FORMAT_VERSION);
    assert_eq!(request.proposed.vault, request.vault);
    assert_eq!(request.proposed.collection, CollectionRecord::SignedByGrantor);

    let keys = kluis_fuzz::fuzz_partner_keys();
    let signed = sign_request(request, keys);
    let consent = read_own_consent(&signed, keys).expect("a consent just signed reads back");
    let mut proposed = request.proposed.clone();
    proposed.issued = consent.issued;
    assert_eq!(consent, proposed, "the signed consent differs from the request");
}
