//! CBOR records through the strict deterministic decoder. The first byte
//! selects the record type (`kluis_fuzz::RECORD_TYPES`), the rest is the
//! record. Whatever decodes must re-encode to exactly the input.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&kind, bytes)) = data.split_first() else {
        return;
    };
    kluis_fuzz::check_record(usize::from(kind) % kluis_fuzz::RECORD_TYPES.len(), bytes);
});
