//! Parsing the text a counsellor types into notes.

use crate::error::{Error, Result};
use crate::format::{About, NoteBody, Paragraph};

/// Turns the bytes of a note into text, rejecting what is not UTF-8.
pub fn utf8(mut bytes: Vec<u8>, what: &str) -> Result<String> {
    if bytes.starts_with(&[0xef, 0xbb, 0xbf]) {
        bytes.drain(..3);
    }
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
/// Each paragraph starts with a tag saying whom it is about: `[A]`, `[B]`,
/// or `[A+B]` (also written `[AB]`). A line that starts with a tag always
/// starts a new paragraph, even without a blank line before it, so a line
/// about B can never end up inside a paragraph tagged `[A]`. Text after a
/// blank line without a tag is an error, so nothing is filed under the
/// wrong person by accident.
pub fn joint_paragraphs(text: &str) -> Result<NoteBody> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Old Mac files end lines with a bare CR, which `lines` does not split on.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut current: Option<(About, Vec<&str>)> = None;
    let mut after_blank = true;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            after_blank = true;
            continue;
        }
        if let Some((about, rest)) = parse_tag(trimmed) {
            finish(&mut paragraphs, current.take())?;
            current = Some((about, vec![rest.trim()]));
        } else if looks_like_tag(trimmed) {
            // A line that resembles a tag but is not one ("> [B]", "**[B]**",
            // "[C]") would silently join the paragraph above it.
            return Err(Error::AmbiguousTag { line: number + 1 });
        } else if after_blank {
            // An untagged paragraph: count it for the message.
            return Err(Error::UntaggedParagraph {
                paragraph: paragraphs.len() + usize::from(current.is_some()) + 1,
            });
        } else if let Some((_, lines)) = current.as_mut() {
            lines.push(trimmed);
        }
        after_blank = false;
    }
    finish(&mut paragraphs, current)?;
    if paragraphs.is_empty() {
        return Err(Error::EmptyNote);
    }
    Ok(NoteBody::Paragraphs(paragraphs))
}

fn finish(paragraphs: &mut Vec<Paragraph>, current: Option<(About, Vec<&str>)>) -> Result<()> {
    let Some((about, lines)) = current else {
        return Ok(());
    };
    let text = lines.join("\n").trim().to_string();
    if text.is_empty() {
        return Err(Error::EmptyParagraph {
            paragraph: paragraphs.len() + 1,
        });
    }
    paragraphs.push(Paragraph { about, text });
    Ok(())
}

/// Returns whether a line that is not a valid tag still starts, after
/// quote or list marks, with something in square brackets.
fn looks_like_tag(line: &str) -> bool {
    let rest = line.trim_start_matches(|c: char| !c.is_alphanumeric() && c != '[');
    rest.starts_with('[') && rest[1..].find(']').is_some_and(|end| end <= 8)
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
    fn tag_inside_paragraph_starts_new_one() {
        let body = joint_paragraphs("[A] about A\n[B] about B\nmore about B").unwrap();
        let NoteBody::Paragraphs(paragraphs) = body else {
            panic!("not paragraphs")
        };
        assert_eq!(paragraphs.len(), 2);
        assert_eq!(paragraphs[0].about, About::PartnerA);
        assert_eq!(paragraphs[0].text, "about A");
        assert_eq!(paragraphs[1].about, About::PartnerB);
        assert_eq!(paragraphs[1].text, "about B\nmore about B");
    }

    #[test]
    fn bare_carriage_returns_split_lines() {
        let body = joint_paragraphs("[A] one A\r[B] only B\r").unwrap();
        let NoteBody::Paragraphs(paragraphs) = body else {
            panic!("not paragraphs")
        };
        assert_eq!(paragraphs.len(), 2);
        assert_eq!(paragraphs[1].about, About::PartnerB);
    }

    #[test]
    fn tag_look_alikes_rejected() {
        for line in ["> [B] quoted", "- [B] listed", "**[B]** bold", "[C] unknown"] {
            let text = format!("[A] about A\n{line}");
            assert!(
                matches!(joint_paragraphs(&text), Err(Error::AmbiguousTag { line: 2 })),
                "{line}"
            );
        }
    }

    #[test]
    fn byte_order_mark_ignored() {
        assert!(joint_paragraphs("\u{feff}[A] text").is_ok());
    }

    #[test]
    fn empty_tagged_paragraph_rejected() {
        assert!(matches!(
            joint_paragraphs("[A] one\n\n[B]\n"),
            Err(Error::EmptyParagraph { paragraph: 2 })
        ));
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
