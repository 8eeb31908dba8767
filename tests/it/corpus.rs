//! The corpus as delivered, and the lossless round trip through the library: a
//! document rebuilt from its skeleton and unchanged segments is the file, byte for byte.

use std::borrow::Cow;

use tolk::document::Document;
use tolk::segment::Segmenter;

use crate::sha256;
use crate::util::repo;

/// The corpus files with the digests they were delivered with
/// (`../shared/seeds/README.md`).
const CORPUS: [(&str, &str); 2] = [
    ("fjordkraft-irene-fauskanger.txt", "715180e0bd3c72aae4a9f988f379379f4ad10cb8b8f9780d88cb256df591274d"),
    ("lyse-dialog-trine-vestre-oen.txt", "2678998599b19a8fbe22f6377027d234464e0873a768299a974daf06a8fed6f3"),
];

#[test]
fn corpus_is_byte_for_byte_as_delivered() {
    for (name, expected) in CORPUS {
        let bytes = std::fs::read(repo().join("corpus").join(name)).unwrap();
        assert_eq!(sha256::hex(&bytes), expected, "corpus/{name} differs from the delivered file");
    }
}

#[test]
fn rebuild_with_unchanged_segments_gives_the_file_back() {
    let segmenter = Segmenter::default();
    for (name, _) in CORPUS {
        let path = repo().join("corpus").join(name);
        let doc = Document::read(&path, &segmenter).unwrap();
        assert_eq!(doc.name, name);
        assert!(!doc.segments.is_empty(), "{name} has no segments");
        let rebuilt = doc.rebuild(|s| Some(Cow::Borrowed(&s.text))).unwrap();
        assert!(rebuilt == std::fs::read(&path).unwrap(), "{name} does not rebuild losslessly");
    }
}

#[test]
fn skeleton_is_only_layout() {
    // Between segments there is only whitespace (no-break spaces included), line
    // breaks and dialogue dashes: no text is lost to the skeleton.
    let segmenter = Segmenter::default();
    for (name, _) in CORPUS {
        let doc = Document::read(&repo().join("corpus").join(name), &segmenter).unwrap();
        let (text, ranges) = doc.plain().unwrap();
        let mut at = 0;
        let mut pieces = Vec::new();
        for r in ranges {
            pieces.push(&text[at..r.start]);
            at = r.end;
        }
        pieces.push(&text[at..]);
        for piece in pieces {
            assert!(
                piece.chars().all(|c| c.is_whitespace() || matches!(c, '–' | '-' | '—' | '\u{feff}')),
                "{name}: skeleton piece {piece:?} holds text"
            );
        }
    }
}
