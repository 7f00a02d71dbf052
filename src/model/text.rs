//! Parsing the text a counsellor types into notes.

use crate::error::{Error, Result};
use crate::format::{About, NoteBody, Paragraph};

/// Turns the bytes of a note into text, rejecting what is not UTF-8.
pub fn utf8(bytes: Vec<u8>, what: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|err| {
        let mut bytes = err.into_bytes();
        zeroize::Zeroize::zeroize(&mut bytes);
        Error::NotUtf8 {
            what: what.to_string(),
        }
    })
}

/// Splits a joint-session note into tagged paragraphs.
///
/// Paragraphs are separated by blank lines. Each starts with a tag saying
/// whom it is about: `[A]`, `[B]`, or `[A+B]` (also written `[AB]`). A
/// paragraph without a tag is an error, so nothing is ever filed under the
/// wrong person by accident.
pub fn joint_paragraphs(text: &str) -> Result<NoteBody> {
    let mut paragraphs = Vec::new();
    let normalized = text.replace("\r\n", "\n");
    for (index, block) in normalized
        .split("\n\n")
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .enumerate()
    {
        let (about, rest) = parse_tag(block).ok_or(Error::UntaggedParagraph { paragraph: index + 1 })?;
        let text = rest.trim();
        if text.is_empty() {
            return Err(Error::UntaggedParagraph { paragraph: index + 1 });
        }
        paragraphs.push(Paragraph {
            about,
            text: text.to_string(),
        });
    }
    if paragraphs.is_empty() {
        return Err(Error::EmptyNote);
    }
    Ok(NoteBody::Paragraphs(paragraphs))
}

fn parse_tag(block: &str) -> Option<(About, &str)> {
    let rest = block.strip_prefix('[')?;
    let (tag, rest) = rest.split_once(']')?;
    let about = match tag.trim().to_ascii_uppercase().replace(' ', "").as_str() {
        "A" => About::PartnerA,
        "B" => About::PartnerB,
        "A+B" | "AB" | "B+A" => About::Both,
        _ => return None,
    };
    Some((about, rest))
}

/// Writes tagged paragraphs back in the form [`joint_paragraphs`] reads.
pub fn tag(about: About) -> &'static str {
    match about {
        About::PartnerA => "[A]",
        About::PartnerB => "[B]",
        About::Both => "[A+B]",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joint_note_tags_parsed() {
        let body = joint_paragraphs("[A] one\n\n[B] two\nmore\n\n[A+B] three\n").unwrap();
        let NoteBody::Paragraphs(paragraphs) = body else {
            panic!("not paragraphs")
        };
        let abouts: Vec<About> = paragraphs.iter().map(|p| p.about).collect();
        assert_eq!(abouts, [About::PartnerA, About::PartnerB, About::Both]);
        assert_eq!(paragraphs[1].text, "two\nmore");
    }

    #[test]
    fn untagged_paragraph_rejected() {
        let err = joint_paragraphs("[A] one\n\nno tag here").unwrap_err();
        assert!(matches!(err, Error::UntaggedParagraph { paragraph: 2 }));
    }

    #[test]
    fn unknown_tag_rejected() {
        assert!(joint_paragraphs("[C] who").is_err());
    }

    #[test]
    fn empty_joint_note_rejected() {
        assert!(matches!(joint_paragraphs("\n\n  \n"), Err(Error::EmptyNote)));
    }

    #[test]
    fn invalid_utf8_rejected() {
        assert!(matches!(utf8(vec![0xff, 0xfe], "x"), Err(Error::NotUtf8 { .. })));
    }
}
