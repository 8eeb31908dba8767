//! The index as a cache file ([`crate::cache_file`]): one layout for the index built
//! in memory and the one kept on disk, so a kept index is opened by mapping its file,
//! not by rebuilding it.
//!
//! On top of the file's own checks, [`Checked`] checks every fact the search relies on
//! to stay inside its arrays: every token is a word of the vocabulary, every posting a
//! document, every entry number one of the memory's, every offset table rises to its
//! array's end (a source is checked as UTF-8 when a search reads it). A file that fails
//! any check is a [`Damage`], never a panic or a wrong answer; the caller rebuilds it.

use std::path::Path;

use rayon::prelude::*;

use crate::cache_file::{all_below, bytes_of, rises_to, windows_all, Arrays, Damage, Kind};

/// The index's kind of cache file. Bump the version whenever the layout, or anything
/// that decides what the index holds (normalisation, tokens, numbers, the score's word
/// rules), changes: an index of another version is rebuilt, never read.
pub const KIND: Kind = Kind {
    magic: *b"TOLKIDX\0",
    version: 9,
    widths: &[1, 8, 4, 8, 4, 1, 4, 4, 4, 4, 8, 4, 4, 4, 1, 8, 8, 4, 8],
    name: "tolk's kept index",
    opening_reads_all: true,
};

/// The sections, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    /// Per word id, 1 if it is a number (`u8`).
    Number,
    /// The key of every document with words, sorted (`u64`), and its document (`u32`);
    /// documents of one key sorted by [`Section::KeyExact`].
    KeyHash,
    KeyDoc,
    /// The text hash of every document without words, sorted (`u64`), and its document.
    WordlessHash,
    WordlessDoc,
    /// The vocabulary in byte order, one word after another (`u8`), and where each
    /// ends (`u32`, one more than the words, from 0): a word's id is its rank.
    Words,
    WordEnds,
    /// Every document's word ids, one document after another (`u32`), and where each
    /// starts (`u32`, one more than the documents).
    Tokens,
    Offsets,
    /// Per document, its entry's number in the memory (`u32`).
    Entries,
    /// Per document, the OR of its words' signature bits (`u64`).
    Signatures,
    /// Per element, the documents holding it (`u32`), and where each list starts: a
    /// word's `k`-th element (from 0) lists the documents holding it more than `k`
    /// times, so a query that says a word twice is matched element by element.
    Postings,
    Starts,
    /// Per word id, its first element (`u32`, two more than the words, from 0): word
    /// `t`'s elements are `elements[t]..elements[t + 1]`. A number has none: every
    /// number is listed under the id after the last word's, "any number", as the search
    /// of other words takes every number for one word.
    Elements,
    /// Per document, its normalised source (`u8`, UTF-8) and where each ends (`u64`,
    /// one more than the documents, from 0).
    Sources,
    SourceEnds,
    /// Per document, when its entry was changed in seconds since 1970, or `i64::MIN`
    /// (`i64`).
    Changed,
    /// The vocabulary as an open-addressing hash table (`u32`, a power of two long,
    /// at least twice the words): a word's id at the slot of its hash
    /// ([`super::word_slot`]) or, taken, at the first free one after it (wrapping);
    /// [`super::NO_WORD`] where free. A query's words are found in one or two probes,
    /// not a binary search of the vocabulary.
    WordSlots,
    /// Beside each key of [`Section::KeyHash`], the hash of its document's words as they
    /// are (each number itself, `u64`), so the documents of the same words with the
    /// query's very numbers are found first, by a binary search of its key's run.
    KeyExact,
}

const SECTIONS: usize = 19;

const ALL: [Section; SECTIONS] = [
    Section::Number,
    Section::KeyHash,
    Section::KeyDoc,
    Section::WordlessHash,
    Section::WordlessDoc,
    Section::Words,
    Section::WordEnds,
    Section::Tokens,
    Section::Offsets,
    Section::Entries,
    Section::Signatures,
    Section::Postings,
    Section::Starts,
    Section::Elements,
    Section::Sources,
    Section::SourceEnds,
    Section::Changed,
    Section::WordSlots,
    Section::KeyExact,
];

/// An index's arrays, as borrowed slices.
#[derive(Clone, Copy)]
pub(super) struct View<'a> {
    pub number: &'a [u8],
    pub key_hash: &'a [u64],
    pub key_doc: &'a [u32],
    pub key_exact: &'a [u64],
    pub wordless_hash: &'a [u64],
    pub wordless_doc: &'a [u32],
    pub words: &'a [u8],
    pub word_ends: &'a [u32],
    pub tokens: &'a [u32],
    pub offsets: &'a [u32],
    pub entries: &'a [u32],
    pub signatures: &'a [u64],
    pub postings: &'a [u32],
    pub starts: &'a [u32],
    pub elements: &'a [u32],
    pub sources: &'a [u8],
    pub source_ends: &'a [u64],
    pub changed: &'a [i64],
    pub word_slots: &'a [u32],
}

/// The arrays of a newly built index, to be laid out.
pub(super) struct Parts {
    pub number: Vec<u8>,
    pub key_hash: Vec<u64>,
    pub key_doc: Vec<u32>,
    pub key_exact: Vec<u64>,
    pub wordless_hash: Vec<u64>,
    pub wordless_doc: Vec<u32>,
    pub words: Vec<u8>,
    pub word_ends: Vec<u32>,
    pub tokens: Vec<u32>,
    pub offsets: Vec<u32>,
    pub entries: Vec<u32>,
    pub signatures: Vec<u64>,
    pub postings: Vec<u32>,
    pub starts: Vec<u32>,
    pub elements: Vec<u32>,
    pub sources: Vec<u8>,
    pub source_ends: Vec<u64>,
    pub changed: Vec<i64>,
    pub word_slots: Vec<u32>,
}

impl Parts {
    fn section(&self, s: Section) -> &[u8] {
        match s {
            Section::Number => bytes_of(&self.number),
            Section::KeyHash => bytes_of(&self.key_hash),
            Section::KeyDoc => bytes_of(&self.key_doc),
            Section::WordlessHash => bytes_of(&self.wordless_hash),
            Section::WordlessDoc => bytes_of(&self.wordless_doc),
            Section::Words => bytes_of(&self.words),
            Section::WordEnds => bytes_of(&self.word_ends),
            Section::Tokens => bytes_of(&self.tokens),
            Section::Offsets => bytes_of(&self.offsets),
            Section::Entries => bytes_of(&self.entries),
            Section::Signatures => bytes_of(&self.signatures),
            Section::Postings => bytes_of(&self.postings),
            Section::Starts => bytes_of(&self.starts),
            Section::Elements => bytes_of(&self.elements),
            Section::Sources => bytes_of(&self.sources),
            Section::SourceEnds => bytes_of(&self.source_ends),
            Section::Changed => bytes_of(&self.changed),
            Section::WordSlots => bytes_of(&self.word_slots),
            Section::KeyExact => bytes_of(&self.key_exact),
        }
    }

    fn release(&mut self, s: Section) {
        match s {
            Section::Number => self.number = Vec::new(),
            Section::KeyHash => self.key_hash = Vec::new(),
            Section::KeyDoc => self.key_doc = Vec::new(),
            Section::WordlessHash => self.wordless_hash = Vec::new(),
            Section::WordlessDoc => self.wordless_doc = Vec::new(),
            Section::Words => self.words = Vec::new(),
            Section::WordEnds => self.word_ends = Vec::new(),
            Section::Tokens => self.tokens = Vec::new(),
            Section::Offsets => self.offsets = Vec::new(),
            Section::Entries => self.entries = Vec::new(),
            Section::Signatures => self.signatures = Vec::new(),
            Section::Postings => self.postings = Vec::new(),
            Section::Starts => self.starts = Vec::new(),
            Section::Elements => self.elements = Vec::new(),
            Section::Sources => self.sources = Vec::new(),
            Section::SourceEnds => self.source_ends = Vec::new(),
            Section::Changed => self.changed = Vec::new(),
            Section::WordSlots => self.word_slots = Vec::new(),
            Section::KeyExact => self.key_exact = Vec::new(),
        }
    }

    /// Lays the arrays out as an index of a memory of `entries` entries whose
    /// fingerprint is `fingerprint`, and checks it.
    pub fn lay_out(mut self, fingerprint: u64, entries: usize) -> Result<Checked, Damage> {
        let lens: Vec<usize> = ALL.iter().map(|&s| self.section(s).len()).collect();
        let arrays = Arrays::lay_out(&KIND, fingerprint, entries, &lens, |i, out| {
            out.copy_from_slice(self.section(ALL[i]));
            // Freed once laid out, so the index is never held twice over.
            self.release(ALL[i]);
        })?;
        Checked::new(arrays)
    }
}

/// A checked index.
#[derive(Debug)]
pub(super) struct Checked {
    arrays: Arrays,
}

impl Checked {
    /// Checks a file's arrays as an index.
    fn new(arrays: Arrays) -> Result<Checked, Damage> {
        let checked = Checked { arrays };
        checked.check_structure()?;
        Ok(checked)
    }

    /// Opens the index file at `path`, made from the memory of `entries` entries whose
    /// fingerprint is `fingerprint`.
    pub fn open(path: &Path, fingerprint: u64, entries: usize) -> Result<Checked, Damage> {
        Checked::new(Arrays::open(&KIND, path, fingerprint, entries)?)
    }

    /// Writes the index to `path`, through a temporary file renamed over it.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        self.arrays.write(path)
    }

    /// The size of the index in bytes.
    pub fn len(&self) -> usize {
        self.arrays.len()
    }

    fn array<T: crate::cache_file::Plain>(&self, s: Section) -> &[T] {
        self.arrays.array(s as usize)
    }

    /// The arrays.
    pub fn view(&self) -> View<'_> {
        View {
            number: self.array(Section::Number),
            key_hash: self.array(Section::KeyHash),
            key_doc: self.array(Section::KeyDoc),
            key_exact: self.array(Section::KeyExact),
            wordless_hash: self.array(Section::WordlessHash),
            wordless_doc: self.array(Section::WordlessDoc),
            words: self.array(Section::Words),
            word_ends: self.array(Section::WordEnds),
            tokens: self.array(Section::Tokens),
            offsets: self.array(Section::Offsets),
            entries: self.array(Section::Entries),
            signatures: self.array(Section::Signatures),
            postings: self.array(Section::Postings),
            starts: self.array(Section::Starts),
            elements: self.array(Section::Elements),
            sources: self.array(Section::Sources),
            source_ends: self.array(Section::SourceEnds),
            changed: self.array(Section::Changed),
            word_slots: self.array(Section::WordSlots),
        }
    }

    /// Every fact the search relies on to index its arrays.
    fn check_structure(&self) -> Result<(), Damage> {
        let v = self.view();
        let docs = v.entries.len();
        let vocabulary = v.number.len();
        let fail = |what| Err(Damage::Malformed(what));
        if v.offsets.len() != docs + 1
            || v.signatures.len() != docs
            || v.changed.len() != docs
            || v.source_ends.len() != docs + 1
        {
            return fail("its document tables differ in length");
        }
        // The elements of every word, and of any number (the word after them).
        if v.word_ends.len() != vocabulary + 1 || v.elements.len() != vocabulary + 2 {
            return fail("its vocabulary tables differ in length");
        }
        if v.starts.is_empty() || !rises_to(v.elements, v.starts.len() as u64 - 1) {
            return fail("its elements do not rise to its posting lists' end");
        }
        if v.key_hash.len() != v.key_doc.len()
            || v.key_exact.len() != v.key_doc.len()
            || v.wordless_hash.len() != v.wordless_doc.len()
        {
            return fail("its key tables differ in length");
        }
        if docs >= u32::MAX as usize || vocabulary >= u32::MAX as usize - 1 {
            return fail("it is too large");
        }
        if !rises_to(v.offsets, v.tokens.len() as u64) {
            return fail("its document offsets do not rise to its tokens' end");
        }
        if !rises_to(v.starts, v.postings.len() as u64) {
            return fail("its posting starts do not rise to the postings' end");
        }
        if !rises_to(v.word_ends, v.words.len() as u64) {
            return fail("its word ends do not rise to the words' end");
        }
        if !rises_to(v.source_ends, v.sources.len() as u64) {
            return fail("its source ends do not rise to the sources' end");
        }
        // Each word once, so at least half the table is free and a probe meets a free
        // slot; and each word found where a lookup looks for it, so no query word is
        // taken for one the memory never saw.
        let table = v.word_slots;
        if !table.len().is_power_of_two() || table.len() < 2 * vocabulary {
            return fail("its word table is not a table of its words");
        }
        let mut placed = vec![false; vocabulary];
        for &id in table.iter().filter(|&&id| id != super::NO_WORD) {
            match placed.get_mut(id as usize) {
                Some(seen @ false) => *seen = true,
                _ => return fail("its word table is not a table of its words"),
            }
        }
        let found = (0..vocabulary).into_par_iter().all(|id| {
            let word = &v.words[v.word_ends[id] as usize..v.word_ends[id + 1] as usize];
            v.word_id(word) == Some(id as u32)
        });
        if !found {
            return fail("its word table is not a table of its words");
        }
        let below = all_below;
        if !below(v.tokens, vocabulary) {
            return fail("a token is no word of its vocabulary");
        }
        if !below(v.postings, docs) || !below(v.key_doc, docs) || !below(v.wordless_doc, docs) {
            return fail("a posting is no document");
        }
        if !below(v.entries, self.arrays.entries) {
            return fail("an entry number lies beyond the memory");
        }
        // The search narrows lists by binary search and counts a block of documents at
        // a time, so every list must rise and documents come shortest first.
        let lists_rise = (0..v.starts.len() - 1).into_par_iter().all(|e| {
            let list = &v.postings[v.starts[e] as usize..v.starts[e + 1] as usize];
            list.windows(2).all(|w| w[0] < w[1])
        });
        if !lists_rise {
            return fail("a posting list does not rise");
        }
        if !windows_all(v.offsets, 3, |w| w[1] - w[0] <= w[2] - w[1]) {
            return fail("its documents are not ordered by length");
        }
        // The sources are checked as UTF-8 one by one as they are read (a search reads
        // few), not here: at ten million entries they are a gigabyte.
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Parts {
        Parts {
            number: vec![0, 1],
            key_hash: vec![7],
            key_doc: vec![0],
            key_exact: vec![9],
            wordless_hash: vec![],
            wordless_doc: vec![],
            words: b"12hei".to_vec(),
            word_ends: vec![0, 2, 5],
            tokens: vec![1, 0],
            offsets: vec![0, 2],
            entries: vec![0],
            signatures: vec![3],
            postings: vec![0, 0],
            starts: vec![0, 1, 2],
            elements: vec![0, 0, 1, 2],
            sources: "hei 12".as_bytes().to_vec(),
            source_ends: vec![0, 6],
            changed: vec![i64::MIN],
            word_slots: super::super::word_slots(b"12hei", &[0, 2, 5]),
        }
    }

    #[test]
    fn a_written_index_reads_back_the_same() {
        let checked = tiny().lay_out(42, 1).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index");
        checked.write(&path).unwrap();
        let back = Checked::open(&path, 42, 1).unwrap();
        assert_eq!(back.view().sources, b"hei 12");
        assert_eq!(back.view().tokens, [1, 0]);
        assert_eq!(Checked::open(&path, 43, 1).unwrap_err(), Damage::Stale);
    }

    #[test]
    fn a_checksummed_index_with_bad_content_is_refused() {
        let mut parts = tiny();
        parts.tokens[0] = 9;
        assert!(matches!(parts.lay_out(1, 1), Err(Damage::Malformed(_))));
        let mut parts = tiny();
        parts.postings[1] = 5;
        assert!(matches!(parts.lay_out(1, 1), Err(Damage::Malformed(_))));
        let mut parts = tiny();
        parts.elements = vec![0, 0, 2, 1];
        assert!(matches!(parts.lay_out(1, 1), Err(Damage::Malformed(_))));
        let mut parts = tiny();
        parts.elements = vec![0, 0, 1, 3];
        assert!(matches!(parts.lay_out(1, 1), Err(Damage::Malformed(_))));
        let mut parts = tiny();
        parts.postings = vec![0, 0];
        parts.starts = vec![0, 2, 2];
        parts.elements = vec![0, 0, 1, 2];
        assert!(matches!(parts.lay_out(1, 1), Err(Damage::Malformed(_))));
        let mut parts = tiny();
        parts.offsets = vec![0, 3];
        assert!(matches!(parts.lay_out(1, 1), Err(Damage::Malformed(_))));
        let mut parts = tiny();
        parts.word_slots = vec![0, 1, 2, super::super::NO_WORD];
        assert!(matches!(parts.lay_out(1, 1), Err(Damage::Malformed(_))));
        let mut parts = tiny();
        parts.word_slots = vec![0, 1, super::super::NO_WORD];
        assert!(matches!(parts.lay_out(1, 1), Err(Damage::Malformed(_))));
        let mut parts = tiny();
        parts.word_slots = vec![1, 0];
        assert!(matches!(parts.lay_out(1, 1), Err(Damage::Malformed(_))));
        // Full of one word: the other is missing, and a probe would find no free slot.
        let mut parts = tiny();
        parts.word_slots = vec![0; 4];
        assert!(matches!(parts.lay_out(1, 1), Err(Damage::Malformed(_))));
        // Both words, each in the other's place: a lookup would not find them.
        let mut parts = tiny();
        let right = super::super::word_slots(&parts.words, &parts.word_ends);
        parts.word_slots =
            right.iter().map(|&id| if id == super::super::NO_WORD { id } else { 1 - id }).collect();
        assert!(matches!(parts.lay_out(1, 1), Err(Damage::Malformed(_))));

        assert!(matches!(tiny().lay_out(1, 0), Err(Damage::Malformed(_))));
    }

    #[test]
    fn a_source_that_is_not_utf8_is_searched_as_an_empty_one() {
        let mut parts = tiny();
        parts.sources = b"he\xff 12".to_vec();
        let index = super::super::Index { data: parts.lay_out(1, 1).unwrap(), changes: None };
        assert!(index.searcher().search("hei 12", Default::default()).is_empty());
    }
}
