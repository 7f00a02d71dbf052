//! The text of a joint-session note as the counsellor types it: UTF-8
//! decoding and the paragraph parser. Parsed paragraphs, written back with
//! their tags as an export writes them, must parse to the same paragraphs.

#![no_main]

use kluis::format::NoteBody;
use kluis::model::text::{joint_paragraphs, tag, utf8};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let without_bom = data.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(data);
    let Ok(text) = utf8(data.to_vec(), "note") else {
        assert!(std::str::from_utf8(without_bom).is_err(), "valid UTF-8 rejected");
        return;
    };
    assert_eq!(text.as_bytes(), without_bom);

    let Ok(body) = joint_paragraphs(&text) else {
        return;
    };
    let NoteBody::Paragraphs(paragraphs) = body else {
        panic!("a joint note parsed as plain text");
    };
    assert!(!paragraphs.is_empty());
    for paragraph in &paragraphs {
        assert!(!paragraph.text.is_empty());
        assert_eq!(paragraph.text.trim(), paragraph.text);
    }
    let written: Vec<String> = paragraphs
        .iter()
        .map(|paragraph| format!("{} {}", tag(paragraph.about), paragraph.text))
        .collect();
    let again = joint_paragraphs(&written.join("\n\n")).expect("written paragraphs parse again");
    assert_eq!(again, NoteBody::Paragraphs(paragraphs));
});
