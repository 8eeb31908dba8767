//! Finding matches fast without missing any: the memory's word index.
//!
//! [`IndexBuilder`] turns the memory's sources into sequences of word ids (the
//! lowercased words of [`crate::score`]; punctuation and tags are none) and an inverted
//! index of *elements* (a word's `k`-th element lists the entries that say it more than
//! `k` times, sorted by length; every number is listed as one word, "any number", the
//! id after the vocabulary, as the score of other words takes every number for one
//! word, and a query's numbers match a document's numbers in the distances); [`Index`]
//! is the finished, read-only result, and a
//! [`Searcher`] (one per thread, holding scratch space) queries it.
//!
//! A query returns exactly the entries an exhaustive scan with the same score returns
//! ([`scan`] is that scan, kept as the reference), because it finds every entry of
//! each tier that can reach the minimum:
//! - *the same text, without words* (`***`): a table of such sources by text;
//! - *the same words* (95–100): a table of every source by its words with each number
//!   taken for "a number", so two texts of the same words have the same key;
//! - *other words* (0–94): the score is at most the base score of the distance `d`
//!   over the lowercased words (a block of words moved one edit, [`crate::score`]),
//!   before its small penalties, which only lower it; so
//!   pruning by the base score never loses a match. For a query of `n` words, a
//!   minimum score `s` and `dmax(L) = floor(L × (100 − s) / 100)`
//!   ([`crate::score::max_distance`]):
//!   - *length*: `d ≥ |n − m|`, so a source of `m` words can only reach `s` when
//!     `n − dmax(n) ≤ m ≤ floor(100 n / s)`; postings are sorted by length and only
//!     that window is read;
//!   - *count*: `d ≥ max(n, m) − overlap`, where `overlap` is the number of words the
//!     two share (as multisets), so a match shares at least `t = n − dmax(n)` words;
//!   - *prefix*: a query that says a word `c` times is that word's elements `0..c`,
//!     and the elements two texts share are exactly the words they share as multisets;
//!     a source that holds none of any `n − t + 1 = dmax(n) + 1` of the query's
//!     elements shares at most `t − 1`. The index reads the postings of the
//!     `dmax(n) + 1` rarest query elements only (a word the memory never saw, or says
//!     fewer times than the query, has no postings there and costs nothing). A word the
//!     query says three times is thus three lists, the third one short: "og" in nearly
//!     every source, "og" three times in few.
//!
//! Only the best `top` are returned, so the minimum can rise as the search goes: once
//! `top` matches are found, a document scoring below the `top`-th best of them cannot
//! be among the best `top` of all, whatever else is found later (a later match only
//! raises that score). The search calls this the *threshold*: the minimum until `top`
//! matches are found, then the `top`-th best score found (never lower than the
//! minimum). A document is set aside only when it provably scores below the threshold
//! at that moment, so every document scoring at least the final `top`-th best score is
//! found, and ranking what was found gives the same `top` as ranking everything:
//! ties at the threshold are kept, since `compare` orders them by more than the
//! score. Other words score at most [`MAX_FUZZY_SCORE`], so a threshold above it ends
//! the search for them.
//!
//! The search for other words first looks only for matches scoring at least a high
//! *floor* (85, then 70: the threshold starts there), whose prefix is a few short lists
//! over a narrow length window. It finds every document scoring at least the floor, so
//! when `top` of the matches found score at least the floor, every document that can be
//! among the best `top` is found, and the search ends; otherwise it runs again at the
//! next floor, the matches found kept (and never found twice), down to the minimum.
//! A near-duplicate ends it at the first floor.
//!
//! The facts above, for a threshold `s`, a query of `n` words and a document of `m`:
//! it needs `needed(m) = max(n, m) − dmax(max(n, m))` shared words, which is
//! `ceil(max(n, m) × s / 100)` and so rises with `m`. Say the lists of `c` of the
//! query's elements (an element no document holds is covered from the start) have
//! been read over a length window. A document of that window in none of them shares
//! at most `n − c` words; it can only match when `needed(m) ≤ n − c`, that is when
//! `m ≤ floor(100 (n − c) / s)` (`longest`). So each list is read only over the
//! lengths where a document in none of the lists before it could still match, and the
//! reading stops once no length is left: the prefix, shortened for long documents.
//!
//! The lists are read rarest first, in two ways:
//! - *one by one* (`EAGER_POSTINGS` postings in all): each document is verified as it
//!   comes. A document first met in the list of an element holds none of the elements
//!   read before (their lists covered every length this one does, since windows only
//!   shrink), so it shares at most this one plus the later elements its signature
//!   allows (every document keeps a 64-bit signature, one bit per word, hashed: the
//!   query elements whose words' bits it has bound what it can share). A near-duplicate
//!   shares the rare words, so its match comes early and raises the threshold, which
//!   shortens the prefix left to read.
//! - *counted*: the rest of the prefix, and one list beyond it when that list is not
//!   much longer than the prefix, are counted a block of documents at a time: a
//!   document's hits are the counted lists it is in. A document met in none of the
//!   lists read one by one shares at most its hits plus the elements left unread (at
//!   most those its signature allows); only a document whose bound reaches
//!   `needed(m)` is verified, its length known from its number. With the list beyond
//!   the prefix, that takes two hits, which few documents have. Each counted list is
//!   read only over the lengths whose documents need it for that: a counted list read
//!   after `c` elements, over the lengths with `needed(m) ≤ n − c + 1`, so a
//!   document of length `m` is counted in the first lists it needs and is held to the
//!   hits those lists give. A document read one by one may be verified again there (its
//!   bound then counts too little); it is never added twice, since a document seen is
//!   never added, and one read one by one was found then or is no match. The counting
//!   records a document when its hits reach the fewest any length needs; the candidates
//!   of all blocks are then checked against their own length's need and bound, their
//!   signatures read together, and the rest verified in order.
//!
//! A document that passes gets the exact Levenshtein distance, and
//! [`crate::score::score_words`] the score, only when its base score can reach the
//! threshold: when that distance does, or when moving blocks of words could bring it
//! there, which takes fewer words not shared (counted exactly, as multisets, from the
//! query's match masks) than the limit, as a move is an edit of its own
//! ([`crate::score::moves`]). Documents are numbered
//! by length, so a length window is a range of documents and a posting list is both
//! sorted by length and read in memory order.
//!
//! The distance is bit-parallel: [`crate::score::myers_distance`] for queries of up to
//! 64 words, [`crate::score::block_distance`] in blocks of 64 beyond. A text longer
//! than [`MAX_FUZZY_TOKENS`] words matches only the same words, which the key table
//! finds alone. A minimum score of 0 has no filter to offer, so it falls back to the
//! scan.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::hash::Hasher;

use rayon::prelude::*;

use crate::memory::{Entry, Memory};

pub mod cache;
mod file;

pub use crate::cache_file::Damage;
use crate::score::{
    block_distance, char_similarity, max_distance, moved_distance, myers_distance, score_at_least,
    score_words, unshared, Words, MAX_FUZZY_SCORE, MAX_FUZZY_TOKENS, MAX_MOVE_WORDS, MAX_SCORE,
    MIN_SAME_WORDS_SCORE, NUMBERS_COST,
};
use crate::text::{
    is_lowercase, is_number, lowercase, lowercase_into, normalize, scores_as_word, stable_hash, tokens,
    FxBuildHasher, FxHasher,
};
use crate::timestamp::Timestamp;

/// Token text to token id. Tokens are short and many, so the hash is
/// [`FxHasher`], not the DoS-resistant default.
type Vocabulary = HashMap<Box<str>, u32, FxBuildHasher>;

/// A token the memory has never seen: it matches nothing.
const UNKNOWN: u32 = u32::MAX;

/// Every number, in a key of the same words.
const NUMBER: u32 = u32::MAX - 1;

/// A free slot of the word table ([`word_slots`]).
const NO_WORD: u32 = u32::MAX;

/// The slot of a word's hash in a word table of `len` slots (a power of two): the
/// same on every machine, as the table is kept in a file.
fn word_slot(word: &[u8], len: usize) -> usize {
    (stable_hash(word) as usize) & (len - 1)
}

/// The word table of a vocabulary (`words`, each ending at `word_ends[id + 1]`): a
/// power of two at least twice its words, so a probe meets a free slot soon.
fn word_slots(words: &[u8], word_ends: &[u32]) -> Vec<u32> {
    let count = word_ends.len().saturating_sub(1);
    let len = (2 * count).next_power_of_two().max(2);
    let mut slots = vec![NO_WORD; len];
    for id in 0..count {
        let word = &words[word_ends[id] as usize..word_ends[id + 1] as usize];
        let mut at = word_slot(word, len);
        while slots[at] != NO_WORD {
            at = (at + 1) & (len - 1);
        }
        slots[at] = id as u32;
    }
    slots
}

/// The most a source of the same words whose numbers are not the query's scores: a
/// number differs, which costs [`NUMBERS_COST`] at least ([`crate::score::Differences`]),
/// and no same-words score is below [`MIN_SAME_WORDS_SCORE`].
const NUMBERS_DIFFER_SCORE: u8 = {
    let s = MAX_SCORE - NUMBERS_COST;
    if s > MIN_SAME_WORDS_SCORE {
        s
    } else {
        MIN_SAME_WORDS_SCORE
    }
};

/// The key of a sequence of words (as ids, every number as [`NUMBER`]): the same for
/// the same words. Compared again word by word, so a collision costs time only.
fn key_hash(keys: impl Iterator<Item = u32>) -> u64 {
    let mut hasher = FxHasher::default();
    for k in keys {
        hasher.write_u32(k);
    }
    hasher.finish()
}

/// What to search for.
#[derive(Debug, Clone, Copy)]
pub struct SearchOptions {
    /// The lowest score returned (0–100).
    pub min_score: u8,
    /// How many matches to return at most.
    pub top: usize,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions { min_score: 50, top: 3 }
    }
}

/// One match of a query in the memory.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    /// The entry's number in [`Memory::entries`].
    pub entry: usize,
    /// The score, 0–100.
    pub score: u8,
    /// The words of the longer text that the other lacks ([`crate::score::unshared`]),
    /// the first tie-breaker: of two matches scoring alike, the one whose words are all
    /// there, only moved, comes first.
    pub unshared: usize,
    /// Character-level similarity of the normalised texts, the second tie-breaker.
    pub similarity: f64,
}

/// Collects the memory's sources and builds an [`Index`].
#[derive(Debug, Default)]
pub struct IndexBuilder {
    vocabulary: Vocabulary,
    tokens: Vec<u32>,
    offsets: Vec<u32>,
    entries: Vec<u32>,
    /// Every document's normalised source, one after another, and where each ends.
    sources: String,
    source_ends: Vec<u64>,
    /// Per document, when its entry was changed (seconds), or `i64::MIN`.
    changed: Vec<i64>,
    /// The number of entries of the memory the documents come from.
    memory_len: usize,
}

impl IndexBuilder {
    /// An empty builder.
    pub fn new() -> IndexBuilder {
        IndexBuilder { offsets: vec![0], source_ends: vec![0], ..IndexBuilder::default() }
    }

    /// Adds entry number `entry` with the given source text, changed at `changed`.
    pub fn add(&mut self, entry: usize, source: &str, changed: Option<Timestamp>) {
        let norm = normalize(source);
        for word in tokens(&norm).filter(|t| scores_as_word(t)) {
            let id = self.intern(&lowercase(word));
            self.tokens.push(id);
        }
        self.push_document(entry, &norm, changed);
    }

    /// Ends a document whose tokens are pushed.
    fn push_document(&mut self, entry: usize, norm: &str, changed: Option<Timestamp>) {
        self.offsets.push(self.tokens.len() as u32);
        self.entries.push(entry as u32);
        self.sources.push_str(norm);
        self.source_ends.push(self.sources.len() as u64);
        self.changed.push(changed.map_or(i64::MIN, |t| t.0));
        self.memory_len = self.memory_len.max(entry + 1);
    }

    /// Adds many entries at once, each `(entry, normalised source, changed)`,
    /// tokenising on every core: what [`IndexBuilder::add`] does for each, in order.
    pub fn add_normalized(&mut self, sources: &[(usize, Cow<'_, str>, Option<Timestamp>)]) {
        // Tokenise on every core, each chunk with its own vocabulary; then give the
        // chunks' words global ids, one lookup per distinct word of a chunk.
        let chunk_size = sources.len().div_ceil(rayon::current_num_threads() * 4).max(1024);
        // Per chunk: its distinct words, each token's number among them, each source's length.
        type Chunk = (Vec<Box<str>>, Vec<u32>, Vec<u32>);
        let chunks: Vec<Chunk> = sources
            .par_chunks(chunk_size)
            .map(|chunk| {
                let mut local: HashMap<Box<str>, u32, FxBuildHasher> = HashMap::default();
                let mut words: Vec<Box<str>> = Vec::new();
                let (mut ids, mut lengths) = (Vec::new(), Vec::with_capacity(chunk.len()));
                // A word not yet in lower case is lowered here, not in a new string each.
                let mut lowered = String::new();
                for (_, norm, _) in chunk {
                    let before = ids.len();
                    for t in tokens(norm).filter(|t| scores_as_word(t)) {
                        let word = if is_lowercase(t) {
                            t
                        } else {
                            lowered.clear();
                            lowercase_into(t, &mut lowered);
                            &lowered
                        };
                        let id = match local.get(word) {
                            Some(&id) => id,
                            None => {
                                let id = words.len() as u32;
                                words.push(word.into());
                                local.insert(word.into(), id);
                                id
                            }
                        };
                        ids.push(id);
                    }
                    lengths.push((ids.len() - before) as u32);
                }
                (words, ids, lengths)
            })
            .collect();
        self.tokens.reserve(chunks.iter().map(|c| c.1.len()).sum());
        self.sources.reserve(sources.iter().map(|s| s.1.len()).sum());
        let mut next_source = sources.iter();
        for (words, ids, lengths) in chunks {
            let global: Vec<u32> = words.iter().map(|w| self.intern(w)).collect();
            let mut at = 0;
            for len in lengths {
                let len = len as usize;
                self.tokens.extend(ids[at..at + len].iter().map(|&l| global[l as usize]));
                at += len;
                if let Some((entry, norm, changed)) = next_source.next() {
                    self.push_document(*entry, norm, *changed);
                }
            }
        }
    }

    /// The id of token `t`, given a new one if it is new.
    fn intern(&mut self, t: &str) -> u32 {
        match self.vocabulary.get(t) {
            Some(&id) => id,
            None => {
                let id = self.vocabulary.len() as u32;
                self.vocabulary.insert(t.into(), id);
                id
            }
        }
    }

    /// Builds the index of every entry of `memory` that is offered (has a translation
    /// and is not retired), normalising and tokenising on every core.
    pub fn build(memory: &Memory) -> Index {
        IndexBuilder::build_for(memory, 0)
    }

    /// Like [`IndexBuilder::build`], recording `fingerprint` as the memory's (see
    /// [`crate::memory::fingerprint`]) for a persisted index to be checked against.
    pub fn build_for(memory: &Memory, fingerprint: u64) -> Index {
        let mut builder = IndexBuilder::new();
        builder.add_offered(&memory.entries, |i| i);
        builder.memory_len = memory.entries.len();
        builder.finish_for(fingerprint)
    }

    /// Adds every one of `entries` that is offered (has a translation and is not
    /// retired), the `i`-th as entry number `number(i)`, normalising and tokenising on
    /// every core.
    pub fn add_offered(&mut self, entries: &[Entry], number: impl Fn(usize) -> usize + Sync) {
        // Most sources are normalised already: borrowed, not copied.
        let sources: Vec<(usize, Cow<'_, str>, Option<Timestamp>)> = entries
            .par_iter()
            .enumerate()
            .filter(|(_, e)| e.is_offered())
            .map(|(i, e)| (number(i), normalize(&e.source), e.changed_at()))
            .collect();
        self.add_normalized(&sources);
    }

    /// Finishes the index: numbers the words in byte order and the documents by
    /// length, and builds the posting lists, the signatures and the key tables.
    pub fn finish(self) -> Index {
        self.finish_for(0)
    }

    /// Like [`IndexBuilder::finish`], for the memory of `entries` entries whose
    /// fingerprint is `fingerprint` (see [`IndexBuilder::build_for`]).
    pub fn finish_kept(mut self, fingerprint: u64, entries: usize) -> Index {
        self.memory_len = self.memory_len.max(entries);
        self.finish_for(fingerprint)
    }

    fn finish_for(self, fingerprint: u64) -> Index {
        let IndexBuilder {
            vocabulary,
            tokens: raw_tokens,
            offsets: raw_offsets,
            entries: raw_entries,
            sources: raw_sources,
            source_ends: raw_ends,
            changed: raw_changed,
            memory_len,
        } = self;
        let docs = raw_entries.len();
        // The vocabulary in byte order (a word's id is its rank), the same for the same
        // words whatever order they came in; the word table finds a word's id.
        let mut by_word: Vec<(&str, u32)> = vocabulary.iter().map(|(w, &id)| (&**w, id)).collect();
        by_word.par_sort_unstable();
        let mut rank = vec![0u32; by_word.len()];
        let mut words = Vec::with_capacity(by_word.iter().map(|w| w.0.len()).sum());
        let mut word_ends = Vec::with_capacity(by_word.len() + 1);
        word_ends.push(0u32);
        let mut number = Vec::with_capacity(by_word.len());
        for (r, &(word, id)) in by_word.iter().enumerate() {
            rank[id as usize] = r as u32;
            words.extend_from_slice(word.as_bytes());
            word_ends.push(words.len() as u32);
            number.push(u8::from(is_number(word)));
        }
        drop(by_word);
        // Number the documents by length, so that every posting list is sorted by
        // length (the length window is a binary search) and a list is read in memory
        // order.
        let len = |d: usize| (raw_offsets[d + 1] - raw_offsets[d]) as usize;
        let mut order: Vec<usize> = (0..docs).collect();
        order.sort_by_key(|&d| (len(d), d));
        let mut tokens = Vec::with_capacity(raw_tokens.len());
        let mut offsets = Vec::with_capacity(docs + 1);
        let mut entries = Vec::with_capacity(docs);
        let mut sources = Vec::with_capacity(raw_sources.len());
        let mut source_ends = Vec::with_capacity(docs + 1);
        let mut changed = Vec::with_capacity(docs);
        offsets.push(0u32);
        source_ends.push(0u64);
        for &d in &order {
            let own = &raw_tokens[raw_offsets[d] as usize..raw_offsets[d + 1] as usize];
            tokens.extend(own.iter().map(|&t| rank[t as usize]));
            offsets.push(tokens.len() as u32);
            entries.push(raw_entries[d]);
            sources
                .extend_from_slice(&raw_sources.as_bytes()[raw_ends[d] as usize..raw_ends[d + 1] as usize]);
            source_ends.push(sources.len() as u64);
            changed.push(raw_changed[d]);
        }
        drop((order, raw_tokens, raw_offsets, raw_entries, raw_sources, raw_ends, raw_changed, vocabulary));
        let doc_tokens = |d: usize| &tokens[offsets[d] as usize..offsets[d + 1] as usize];
        // Every number is one word to the search of other words (`score::Words::fuzzy_key`):
        // its postings and signature bit are those of `any`, the word after the vocabulary.
        let vocabulary = number.len();
        let any = vocabulary as u32;
        let listed = |t: u32| if number[t as usize] == 1 { any } else { t };
        let signatures: Vec<u64> = (0..docs)
            .map(|d| doc_tokens(d).iter().fold(0, |sig, &t| sig | signature_bit(listed(t))))
            .collect();
        // Postings: for each element (a word's k-th occurrence in a document), the
        // documents holding it. `seen[t]` counts word t's occurrences in the document
        // at hand, set back to 0 after it.
        let mut seen = vec![0u32; vocabulary + 1];
        let mut each_occurrence = |visit: &mut dyn FnMut(usize, u32, u32)| {
            for d in 0..docs {
                for &t in doc_tokens(d) {
                    let t = listed(t);
                    visit(d, t, seen[t as usize]);
                    seen[t as usize] += 1;
                }
                for &t in doc_tokens(d) {
                    seen[listed(t) as usize] = 0;
                }
            }
        };
        let mut elements = vec![0u32; vocabulary + 2];
        each_occurrence(&mut |_, t, k| elements[t as usize + 1] = elements[t as usize + 1].max(k + 1));
        for i in 1..elements.len() {
            elements[i] += elements[i - 1];
        }
        let mut starts = vec![0u32; elements[vocabulary + 1] as usize + 1];
        each_occurrence(&mut |_, t, k| starts[(elements[t as usize] + k) as usize + 1] += 1);
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut fill = starts.clone();
        let mut postings = vec![0u32; starts[starts.len() - 1] as usize];
        each_occurrence(&mut |d, t, k| {
            let e = (elements[t as usize] + k) as usize;
            postings[fill[e] as usize] = d as u32;
            fill[e] += 1;
        });
        drop(fill);
        let source = |d: usize| &sources[source_ends[d] as usize..source_ends[d + 1] as usize];
        let mut keys: Vec<(u64, u64, u32)> = (0..docs)
            .into_par_iter()
            .filter(|&d| !doc_tokens(d).is_empty())
            .map(|d| {
                let key = doc_tokens(d).iter().map(|&t| if number[t as usize] == 1 { NUMBER } else { t });
                (key_hash(key), key_hash(doc_tokens(d).iter().copied()), d as u32)
            })
            .collect();
        keys.par_sort_unstable();
        let mut wordless: Vec<(u64, u32)> = (0..docs)
            .filter(|&d| doc_tokens(d).is_empty())
            .map(|d| (stable_hash(source(d)), d as u32))
            .collect();
        wordless.sort_unstable();
        let word_slots = word_slots(&words, &word_ends);
        let parts = file::Parts {
            word_slots,
            number,
            key_hash: keys.iter().map(|k| k.0).collect(),
            key_exact: keys.iter().map(|k| k.1).collect(),
            key_doc: keys.iter().map(|k| k.2).collect(),
            wordless_hash: wordless.iter().map(|k| k.0).collect(),
            wordless_doc: wordless.iter().map(|k| k.1).collect(),
            words,
            word_ends,
            tokens,
            offsets,
            entries,
            signatures,
            postings,
            starts,
            elements,
            sources,
            source_ends,
            changed,
        };
        // What was just laid out holds every fact the check asks for; a failure here
        // is a bug in this function, not bad input.
        let data = parts
            .lay_out(fingerprint, memory_len)
            .unwrap_or_else(|damage| panic!("a built index is whole: {damage}"));
        Index { data, changes: None }
    }
}

/// The bit of a token in a document's 64-bit signature.
fn signature_bit(token: u32) -> u64 {
    1 << ((u64::from(token).wrapping_mul(0x9E37_79B9_7F4A_7C15)) >> 58)
}

/// A read-only token index over a memory's sources: built now ([`IndexBuilder`]) or
/// opened from a file ([`Index::open`]), the same either way. It holds the normalised
/// sources and change times it ranks by, so it answers without the memory.
#[derive(Debug)]
pub struct Index {
    data: file::Checked,
    /// What changed in the memory since `data` was built ([`Index::with_changes`]):
    /// `None` for an index of the memory as it is.
    changes: Option<Box<Changes>>,
}

/// An index brought up to date without being built again: the documents of entries
/// replaced since are passed over, and the entries added or changed since are searched
/// in a small index of their own, numbered as the memory is now. The results are those
/// of an index built now (a property test says so).
#[derive(Debug)]
struct Changes {
    /// The entries added or changed since, numbered as the memory is now.
    newer: Index,
    /// One bit per document of the base index, set when its entry was replaced.
    dead: Vec<u64>,
    dead_count: usize,
    /// The base's entries from `at` on are `shift` further on now (the entries added
    /// since are before them).
    at: usize,
    shift: usize,
}

impl file::View<'_> {
    fn doc_tokens(&self, doc: u32) -> &[u32] {
        &self.tokens[self.offsets[doc as usize] as usize..self.offsets[doc as usize + 1] as usize]
    }

    fn doc_len(&self, doc: u32) -> usize {
        (self.offsets[doc as usize + 1] - self.offsets[doc as usize]) as usize
    }

    /// The documents holding word `token` more than `k` times, by length.
    fn postings(&self, token: u32, k: usize) -> &[u32] {
        let (first, end) =
            (self.elements[token as usize] as usize, self.elements[token as usize + 1] as usize);
        if first + k >= end {
            return &[];
        }
        &self.postings[self.starts[first + k] as usize..self.starts[first + k + 1] as usize]
    }

    /// The id every number is listed under in the postings: the one after the words.
    fn any_number(&self) -> u32 {
        self.number.len() as u32
    }

    /// Token `token` as the search of other words compares it: [`NUMBER`] for every
    /// number, as the query's words have them (`Searcher::query_words`).
    fn fuzzy_id(&self, token: u32) -> u32 {
        match self.is_number(token) {
            true => NUMBER,
            false => token,
        }
    }

    fn is_number(&self, token: u32) -> bool {
        self.number[token as usize] == 1
    }

    /// The id of a lowercased word (its bytes), from the word table.
    pub(super) fn word_id(&self, word: &[u8]) -> Option<u32> {
        let slots = self.word_slots;
        let mut at = word_slot(word, slots.len());
        // The file's check leaves half the table free, so a probe ends at a free slot;
        // it never goes beyond every slot, whatever the table holds.
        for _ in 0..slots.len() {
            let id = slots[at];
            if id == NO_WORD {
                return None;
            }
            let i = id as usize;
            if self.words[self.word_ends[i] as usize..self.word_ends[i + 1] as usize] == *word {
                return Some(id);
            }
            at = (at + 1) & (slots.len() - 1);
        }
        None
    }

    fn source_bytes(&self, doc: usize) -> &[u8] {
        &self.sources[self.source_ends[doc] as usize..self.source_ends[doc + 1] as usize]
    }
}

/// What ranking needs of a candidate, by its key: a document of the index, or an entry
/// of the memory for the scan.
trait Candidates {
    fn source(&self, key: usize) -> &str;
    fn entry(&self, key: usize) -> usize;
    fn changed(&self, key: usize) -> Option<Timestamp>;
}

impl Candidates for file::View<'_> {
    fn source(&self, doc: usize) -> &str {
        // Checked here, one source at a time: tolk writes only UTF-8, so a source that
        // is not (in a file made to pass the checksum) is taken for an empty one.
        std::str::from_utf8(self.source_bytes(doc)).unwrap_or_default()
    }

    fn entry(&self, doc: usize) -> usize {
        self.entries[doc] as usize
    }

    fn changed(&self, doc: usize) -> Option<Timestamp> {
        Some(self.changed[doc]).filter(|&c| c != i64::MIN).map(Timestamp)
    }
}

impl Candidates for Memory {
    fn source(&self, entry: usize) -> &str {
        &self.entries[entry].source
    }

    fn entry(&self, entry: usize) -> usize {
        entry
    }

    fn changed(&self, entry: usize) -> Option<Timestamp> {
        self.entries[entry].changed_at()
    }
}

impl Index {
    /// The number of indexed entries.
    pub fn len(&self) -> usize {
        let base = self.data.view().entries.len();
        match &self.changes {
            Some(c) => base - c.dead_count + c.newer.len(),
            None => base,
        }
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The index's size in bytes, as built or as its file.
    pub fn size(&self) -> usize {
        self.data.len() + self.changes.as_ref().map_or(0, |c| c.newer.size())
    }

    /// This index, of an earlier state of the memory, brought up to date with what
    /// changed since: `newer`, the index of the entries added or changed since (numbered
    /// as the memory is now); `replaced`, the entries of this index's memory that are
    /// not as they were (changed, or no longer offered), in order; and `at` and
    /// `shift`: this memory's entries from `at` on are `shift` further on now, the
    /// entries added taking their place. Costs one pass over the documents.
    pub fn with_changes(self, newer: Index, replaced: &[u32], at: usize, shift: usize) -> Index {
        let view = self.data.view();
        let mut gone = vec![0u64; replaced.iter().max().map_or(0, |&e| e as usize + 1).div_ceil(64)];
        for &e in replaced {
            if let Some(word) = gone.get_mut(e as usize / 64) {
                *word |= 1 << (e % 64);
            }
        }
        let mut dead = vec![0u64; view.entries.len().div_ceil(64)];
        let mut dead_count = 0;
        for (d, &e) in view.entries.iter().enumerate() {
            if gone.get(e as usize / 64).is_some_and(|w| w >> (e % 64) & 1 == 1) {
                dead[d / 64] |= 1 << (d % 64);
                dead_count += 1;
            }
        }
        Index { data: self.data, changes: Some(Box::new(Changes { newer, dead, dead_count, at, shift })) }
    }

    /// Opens the index file at `path`, if it is whole and was built from the memory
    /// of `entries` entries whose fingerprint ([`crate::memory::fingerprint`]) is
    /// `fingerprint`; the file is mapped, not read, so opening costs its checks only.
    pub fn open(path: &std::path::Path, fingerprint: u64, entries: usize) -> Result<Index, Damage> {
        file::Checked::open(path, fingerprint, entries).map(|data| Index { data, changes: None })
    }

    /// Writes the index to `path`, through a temporary file renamed over it.
    pub fn write(&self, path: &std::path::Path) -> std::io::Result<()> {
        self.data.write(path)
    }

    /// A searcher over this index.
    pub fn searcher(&self) -> Searcher<'_> {
        self.searcher_with(EAGER_POSTINGS, BLOCK, EXTRA_LIST_FACTOR)
    }

    /// A searcher that verifies `eager` postings one by one, counts blocks of `block`
    /// documents, and counts a list beyond the prefix of up to `extra` times its
    /// postings: any values give the same results (the tests try several).
    fn searcher_with(&self, eager: usize, block: usize, extra: usize) -> Searcher<'_> {
        let view = self.data.view();
        let changes = self
            .changes
            .as_ref()
            .map(|c| (Box::new(c.newer.searcher_with(eager, block, extra)), c.at, c.shift));
        Searcher {
            view,
            dead: self.changes.as_ref().map_or(&[][..], |c| &c.dead),
            changes,
            seen: vec![0; view.entries.len()],
            stamp: 0,
            peq: vec![0; view.number.len()],
            number_mask: 0,
            number_slot: 0,
            query_words: Vec::new(),
            slot: vec![0; view.number.len()],
            masks: Vec::new(),
            len_start: (0..=MAX_FUZZY_TOKENS + 1)
                .map(|len| {
                    // Documents are numbered by length: a binary search.
                    let (mut lo, mut hi) = (0, view.entries.len() as u32);
                    while lo < hi {
                        let mid = lo + (hi - lo) / 2;
                        if view.doc_len(mid) < len {
                            lo = mid + 1;
                        } else {
                            hi = mid;
                        }
                    }
                    lo
                })
                .collect(),
            hits: vec![0; block.max(1)],
            eager,
            extra,
            hits_wanted: HITS_WANTED,
            floors: FLOORS.to_vec(),
            scratch: Scratch::default(),
        }
    }

    /// Searches every query, on every core; results are in query order.
    pub fn search_all(&self, queries: &[&str], options: SearchOptions) -> Vec<Vec<Match>> {
        self.search_all_with(queries, options, &|| {})
    }

    /// Like [`Index::search_all`], calling `progress` after each query.
    pub fn search_all_with(
        &self,
        queries: &[&str],
        options: SearchOptions,
        progress: &(dyn Fn() + Sync),
    ) -> Vec<Vec<Match>> {
        // Searchers hold scratch space proportional to the memory, so they are made
        // once a thread, not once a query or a chunk: a chunk takes one from the pool
        // (or makes one when all are at work) and gives it back. Chunks are small, so
        // a thread done early takes more of them.
        let chunk = queries.len().div_ceil(rayon::current_num_threads() * 8).max(1);
        let pool: std::sync::Mutex<Vec<Searcher<'_>>> = std::sync::Mutex::new(Vec::new());
        queries
            .par_chunks(chunk)
            .flat_map_iter(|chunk| {
                let taken = pool.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).pop();
                let mut searcher = taken.unwrap_or_else(|| self.searcher());
                let found = chunk
                    .iter()
                    .map(|q| {
                        let found = searcher.search(q, options);
                        progress();
                        found
                    })
                    .collect::<Vec<_>>();
                pool.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).push(searcher);
                found
            })
            .collect()
    }
}

/// Queries an [`Index`]; holds per-thread scratch space, so make one per thread.
pub struct Searcher<'a> {
    view: file::View<'a>,
    /// One bit per document whose entry was replaced since the index was built (see
    /// [`Index::with_changes`]); empty when none was.
    dead: &'a [u64],
    /// The searcher of the entries added or changed since, and where the base's entries
    /// moved (`at`, `shift`).
    changes: Option<(Box<Searcher<'a>>, usize, usize)>,
    seen: Vec<u32>,
    stamp: u32,
    /// Per token id, its match mask in the query (queries of up to 64 tokens); a number
    /// has `number_mask`, the places of the query's numbers, as every number is one word
    /// to the search of other words.
    peq: Vec<u64>,
    number_mask: u64,
    /// The slot of the places of the query's numbers in `masks` (longer queries; 0, the
    /// all-zero mask, when it has none).
    number_slot: u32,
    /// The query's word numbers ([`UNKNOWN`] for a word the memory lacks, [`NUMBER`]
    /// for every number), as `set_masks` last set them.
    query_words: Vec<u32>,
    /// Per token id, 1 + its number among the query's distinct tokens, or 0
    /// (longer queries); `masks` holds each one's block masks.
    slot: Vec<u32>,
    masks: Vec<u64>,
    /// `len_start[l]`: the first document of at least `l` words (documents are
    /// numbered by length), for `l` up to `MAX_FUZZY_TOKENS + 1`.
    len_start: Vec<u32>,
    /// Per document of the block being counted, how many counted lists hold it; its
    /// length is a block's.
    hits: Vec<u16>,
    /// The postings verified one by one before the rest are counted.
    eager: usize,
    /// How many times the prefix's postings a list beyond it may hold to be counted.
    extra: usize,
    /// The hits a counted document should need, lists beyond the prefix permitting.
    hits_wanted: usize,
    /// The floors searched first, highest first (see [`FLOORS`]).
    floors: Vec<u8>,
    /// The counted search's tables, kept from one query to the next so that a query
    /// does not allocate them again.
    scratch: Scratch,
}

/// The candidates a searcher keeps room for from one query to the next.
const KEPT_CANDIDATES: usize = 1 << 20;

/// The tables of [`Searcher::count_rest`] that grow with what a query reads.
#[derive(Default)]
struct Scratch {
    /// Per count of lists read, how many of the query's elements after them fall on
    /// each signature bit, as bit planes.
    planes: Vec<Planes>,
    /// The documents counted with enough hits: each one's number, hits and length.
    candidates: Vec<(u32, u16, u16)>,
    /// The candidates' signatures, read together.
    signatures: Vec<u64>,
    /// The candidates that pass, with their length and bound, to verify in order.
    passed: Vec<(u32, usize, usize)>,
}

/// Documents counted at once: their counters stay in the first-level cache.
const BLOCK: usize = 1 << 14;

/// The postings verified one by one, rarest list first, before the rest are counted:
/// enough for the rare words a near-duplicate shares, whose match raises the bar.
const EAGER_POSTINGS: usize = 32;

/// A list beyond the prefix is counted too when it is at most this many times the
/// prefix's postings: each document then needs one hit more.
const EXTRA_LIST_FACTOR: usize = 4;

/// The scores searched for first: a near-duplicate scores above them, and the prefix
/// of a high score is short, so when `top` matches are found above a floor the search
/// ends there having read a few short lists.
const FLOORS: [u8; 2] = [85, 70];

/// Lists beyond the prefix are counted (when cheap) until a document needs this many
/// hits.
const HITS_WANTED: usize = 2;

/// The fewest words a document of `m` words must share with a query of `n` to reach
/// a base score of `s`: `max(n, m) − dmax(max(n, m))`.
fn needed(n: usize, m: usize, s: u8) -> usize {
    let len = n.max(m);
    len - max_distance(len, s)
}

/// The shortest document that can reach `s` against a query of `n` words.
fn shortest(n: usize, s: u8) -> usize {
    n - max_distance(n, s)
}

/// The longest document (at most [`MAX_FUZZY_TOKENS`] words) that can reach `s`
/// against a query of `n` words while sharing at most `n − covered` of them, or `None`
/// when none can.
fn longest(n: usize, covered: usize, s: u8) -> Option<usize> {
    let left = n.checked_sub(covered)?;
    // needed(n, m, s) = ceil(max(n, m) × s / 100), which rises with m.
    (needed(n, n, s) <= left).then(|| (100 * left / usize::from(s)).min(MAX_FUZZY_TOKENS))
}

/// The lowest score a match must reach to be among the best `top` of those found so
/// far: the minimum until `top` are found, then the `top`-th best score. A document
/// below it cannot be among the best `top` of all (ties at it can: they are kept).
struct Threshold {
    at: u8,
    min: u8,
    top: usize,
    found: usize,
    by_score: [usize; 101],
}

impl Threshold {
    fn new(options: SearchOptions) -> Threshold {
        let min = options.min_score;
        Threshold { at: min, min, top: options.top, found: 0, by_score: [0; 101] }
    }

    fn add(&mut self, score: u8) {
        self.by_score[usize::from(score.min(MAX_SCORE))] += 1;
        self.found += 1;
        self.at = self.at.max(self.kth());
    }

    /// The `top`-th best score found, or 0 while fewer are found.
    fn kth(&self) -> u8 {
        if self.found < self.top {
            return 0;
        }
        let mut better = 0;
        for s in (0..=MAX_SCORE).rev() {
            better += self.by_score[usize::from(s)];
            if better >= self.top {
                return s;
            }
        }
        0
    }

    /// The threshold of a search for the matches scoring at least `floor`.
    fn floor(&mut self, floor: u8) {
        self.at = self.min.max(self.kth()).max(floor);
    }
}

/// A query's words for the search of other words, as elements: a word the query says
/// `c` times is its elements `0..c`, the `k`-th held by the documents that say it more
/// than `k` times, so that the elements two texts share are the words they share as
/// multisets.
struct QueryWords {
    n: usize,
    /// `(token, k)` of every element some document holds, fewest documents first.
    elements: Vec<(u32, usize)>,
    /// The elements no document holds (of words the memory never saw, or said more
    /// times than any source says them).
    absent: usize,
}

impl QueryWords {
    fn new(view: &file::View<'_>, tokens: &[u32]) -> QueryWords {
        let mut sorted: Vec<u32> = tokens.iter().copied().filter(|&t| t != UNKNOWN).collect();
        sorted.sort_unstable();
        let mut elements: Vec<(usize, u32, usize)> = Vec::with_capacity(sorted.len());
        let mut k = 0;
        for (i, &t) in sorted.iter().enumerate() {
            k = if i > 0 && sorted[i - 1] == t { k + 1 } else { 0 };
            let holders = view.postings(t, k).len();
            if holders > 0 {
                elements.push((holders, t, k));
            }
        }
        elements.sort_unstable();
        let absent = tokens.len() - elements.len();
        QueryWords {
            n: tokens.len(),
            elements: elements.into_iter().map(|(_, t, k)| (t, k)).collect(),
            absent,
        }
    }
}

/// How many query elements fall on each signature bit, for the elements whose lists
/// are not read: a document whose signature has the bits `b` shares at most
/// `sum(count[b])` of them.
#[derive(Clone, Copy)]
struct BitCount([u32; 64]);

impl BitCount {
    fn of<'a>(elements: impl Iterator<Item = &'a (u32, usize)>) -> BitCount {
        let mut count = [0u32; 64];
        for &(t, _) in elements {
            count[signature_bit(t).trailing_zeros() as usize] += 1;
        }
        BitCount(count)
    }

    fn remove(&mut self, (t, _): (u32, usize)) {
        self.0[signature_bit(t).trailing_zeros() as usize] -= 1;
    }

    fn bound(&self, signature: u64) -> usize {
        let mut bits = signature;
        let mut shared = 0usize;
        while bits != 0 {
            shared += self.0[bits.trailing_zeros() as usize] as usize;
            bits &= bits - 1;
        }
        shared
    }

    /// The same counts as bit planes, to bound many signatures without a branch.
    fn planes(&self) -> Planes {
        let mut planes = Planes::default();
        // Few of the 64 counts are not 0, and those are small: only their set bits.
        for (bit, &count) in self.0.iter().enumerate().filter(|(_, &count)| count != 0) {
            let mut rest = count;
            while rest != 0 {
                let j = rest.trailing_zeros() as usize;
                if let Some(plane) = planes.0.get_mut(j) {
                    *plane |= 1 << bit;
                }
                rest &= rest - 1;
            }
        }
        planes
    }
}

/// Bit `b` of plane `j` is bit `j` of the count of signature bit `b`.
#[derive(Default, Clone)]
struct Planes([u64; 11]);

// A count is at most a query's words, which 11 planes hold.
const _: () = assert!(MAX_FUZZY_TOKENS < 1 << 11);

impl Planes {
    /// Takes one from the count of signature bit `bit` (one that is not 0): a binary
    /// decrement down the planes, so no count is made again.
    fn decrement(&mut self, bit: usize) {
        debug_assert!(self.0.iter().any(|plane| plane >> bit & 1 == 1), "a count of 0 taken one from");
        for plane in &mut self.0 {
            let was = *plane >> bit & 1;
            *plane ^= 1 << bit;
            if was == 1 {
                return;
            }
        }
    }

    /// [`BitCount::bound`], computed as `sum(popcount(signature & plane_j) << j)`.
    fn bound(&self, signature: u64) -> usize {
        self.0.iter().enumerate().map(|(j, &plane)| ((signature & plane).count_ones() as usize) << j).sum()
    }
}

impl Searcher<'_> {
    /// The best matches of `query` at or above `options.min_score`, best first, at most
    /// `options.top` of them.
    pub fn search(&mut self, query: &str, options: SearchOptions) -> Vec<Match> {
        let mut found = self.search_ranked(query, options);
        if let Some((newer, at, shift)) = &mut self.changes {
            // The best of each, numbered as the memory is now, are the best of both.
            for (m, _) in &mut found {
                if m.entry >= *at {
                    m.entry += *shift;
                }
            }
            found.extend(newer.search_ranked(query, options));
            found.sort_by(|a, b| compare(&a.0, a.1, &b.0, b.1));
            found.truncate(options.top);
        }
        found.into_iter().map(|(m, _)| m).collect()
    }

    /// Whether document `d`'s entry was replaced since the index was built.
    fn is_dead(&self, d: usize) -> bool {
        !self.dead.is_empty() && self.dead[d / 64] >> (d % 64) & 1 == 1
    }

    /// [`Searcher::search`] of this index alone, each match with its entry's change time.
    fn search_ranked(&mut self, query: &str, options: SearchOptions) -> Vec<(Match, Option<Timestamp>)> {
        let view = self.view;
        let query = Words::new(query);
        if options.top == 0 {
            return Vec::new();
        }
        if options.min_score == 0 {
            // No filter to offer: every document is a candidate, as in the scan.
            let all = (0..view.entries.len()).filter(|&d| !self.is_dead(d)).map(|d| (d, None));
            return rank(&view, &query, all, options);
        }
        let n = query.len();
        self.next_stamp();
        let mut threshold = Threshold::new(options);
        // The documents of the same words.
        let mut same_words: Vec<usize> = Vec::new();
        // Each match found, with its document.
        let mut found: Vec<(Match, usize)> = Vec::new();
        if n == 0 {
            // Without words, only the same text matches.
            let hash = stable_hash(query.text().as_bytes());
            let at = view.wordless_hash.partition_point(|&h| h < hash);
            let same = view.wordless_hash[at..].iter().take_while(|&&h| h == hash).count();
            let candidates = view.wordless_doc[at..at + same]
                .iter()
                .filter(|&&d| !self.is_dead(d as usize))
                .map(|&d| (d as usize, None));
            return rank(&view, &query, candidates, options);
        }
        let query_tokens: Vec<u32> =
            (0..n).map(|w| view.word_id(query.lower(w).as_bytes()).unwrap_or(UNKNOWN)).collect();
        let key = |w: usize| if query.is_number(w) { NUMBER } else { query_tokens[w] };
        // The same words (95–100): every source with the query's key. A word the memory
        // never saw (not a number) is in no source.
        if (0..n).all(|w| key(w) != UNKNOWN) {
            let hash = key_hash((0..n).map(key));
            let at = view.key_hash.partition_point(|&h| h < hash);
            let same = view.key_hash[at..].iter().take_while(|&&h| h == hash).count();
            // First the sources with the query's very words, numbers included (the run of
            // its exact hash in the key's, sorted by it; none when a number of the query is
            // one the memory never saw): only they can score above what a difference of
            // numbers leaves, so once `top` of them score more than that, the others of
            // the key are not read at all. Every source of the key is still met: the run,
            // then the rest.
            let run = &view.key_exact[at..at + same];
            let (first, last) = if query_tokens.contains(&UNKNOWN) {
                (0, 0)
            } else {
                let exact = key_hash(query_tokens.iter().copied());
                let first = run.partition_point(|&h| h < exact);
                (first, first + run[first..].iter().take_while(|&&h| h == exact).count())
            };
            let docs = &view.key_doc[at..at + same];
            let mut meet = |d: u32, threshold: &mut Threshold, found: &mut Vec<(Match, usize)>| {
                if self.is_dead(d as usize) {
                    return;
                }
                let doc = view.doc_tokens(d);
                crate::cost::count(n);
                let same = doc.len() == n
                    && doc.iter().enumerate().all(|(w, &t)| {
                        if view.is_number(t) {
                            key(w) == NUMBER
                        } else {
                            t == key(w)
                        }
                    });
                if same {
                    self.seen[d as usize] = self.stamp;
                    same_words.push(d as usize);
                    let score = score_words(&query, &Words::new(view.source(d as usize)), None);
                    if let Some(score) = score.filter(|&s| s >= threshold.at) {
                        threshold.add(score);
                        found.push((
                            Match { entry: view.entry(d as usize), score, unshared: 0, similarity: 0.0 },
                            d as usize,
                        ));
                    }
                }
            };
            for &d in &docs[first..last] {
                meet(d, &mut threshold, &mut found);
            }
            if threshold.at <= NUMBERS_DIFFER_SCORE {
                for &d in docs[..first].iter().chain(&docs[last..]) {
                    meet(d, &mut threshold, &mut found);
                }
            }
        }
        // Beyond the fuzzy cap only the same words match. First the matches scoring at
        // least each floor in turn: once `top` are found there, every document above
        // the floor is, and so are the best `top`.
        if n <= MAX_FUZZY_TOKENS {
            let mut floors: Vec<u8> =
                self.floors.iter().copied().filter(|&f| f > options.min_score).collect();
            floors.push(options.min_score);
            let mut words: Option<QueryWords> = None;
            for floor in floors {
                threshold.floor(floor);
                if threshold.min.max(threshold.kth()) > MAX_FUZZY_SCORE {
                    break;
                }
                // The query's elements and match masks are the same at every floor.
                let words = words.get_or_insert_with(|| {
                    let numbers: Vec<bool> = (0..n).map(|w| query.is_number(w)).collect();
                    self.set_masks(&query_tokens, &numbers);
                    // Every number is listed under "any number".
                    let listed: Vec<u32> = (0..n)
                        .map(|w| if numbers[w] { view.any_number() } else { query_tokens[w] })
                        .collect();
                    QueryWords::new(&view, &listed)
                });
                self.fuzzy(&query, words, &mut threshold, &mut found);
                if threshold.kth() >= floor {
                    break;
                }
                // The next search meets every document again, but those found.
                self.next_stamp();
                for &d in same_words.iter().chain(found.iter().map(|f| &f.1)) {
                    self.seen[d] = self.stamp;
                }
            }
            if words.is_some() {
                for &t in query_tokens.iter().filter(|&&t| t != UNKNOWN) {
                    self.peq[t as usize] = 0;
                    self.slot[t as usize] = 0;
                }
                self.number_mask = 0;
                self.number_slot = 0;
            }
        }
        rank_scored(&view, &query, found, options.top)
    }

    /// A new stamp: no document is seen.
    fn next_stamp(&mut self) {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.seen.iter_mut().for_each(|x| *x = 0);
            self.stamp = 1;
        }
    }

    /// The first document of at least `len` words.
    fn start_of(&self, len: usize) -> u32 {
        self.len_start[len.min(self.len_start.len() - 1)]
    }

    /// Adds to `found` every document of other words, not already seen, whose score
    /// reaches the threshold (above 0), raising the threshold as matches are found.
    fn fuzzy(
        &mut self,
        query: &Words,
        words: &QueryWords,
        threshold: &mut Threshold,
        found: &mut Vec<(Match, usize)>,
    ) {
        let view = self.view;
        let n = words.n;
        // The signature bits of the elements whose lists are not read yet.
        let mut unread = BitCount::of(words.elements.iter());
        let mut covered = words.absent;
        let mut next = 0;
        let mut budget = self.eager;
        // Rarest list first, each document verified as it comes: a near-duplicate's
        // match raises the threshold, which shortens the prefix still to read.
        while next < words.elements.len() {
            let s = threshold.at;
            if s > MAX_FUZZY_SCORE {
                break;
            }
            let Some(long) = longest(n, covered, s) else { break };
            let (lo, hi) = (self.start_of(shortest(n, s)), self.start_of(long + 1));
            let (t, k) = words.elements[next];
            let list = view.postings(t, k);
            let list = &list[list.partition_point(|&d| d < lo)..list.partition_point(|&d| d < hi)];
            if list.len() > budget {
                break;
            }
            budget -= list.len();
            unread.remove((t, k));
            let mut hi = hi;
            for &d in list {
                if d >= hi {
                    break;
                }
                if self.seen[d as usize] == self.stamp {
                    continue;
                }
                let bound = 1 + unread.bound(view.signatures[d as usize]);
                let added = self.consider(d, bound, query, n, threshold, found);
                self.seen[d as usize] = self.stamp;
                if added {
                    // A raised threshold may shorten the window.
                    match longest(n, covered, threshold.at) {
                        Some(long) if threshold.at <= MAX_FUZZY_SCORE => hi = hi.min(self.start_of(long + 1)),
                        _ => hi = 0,
                    }
                }
            }
            covered += 1;
            next += 1;
        }
        if next < words.elements.len() {
            self.count_rest(query, words, next, covered, unread, threshold, found);
        }
    }

    /// The search's second part: the lists from `words.elements[first]` on are counted a
    /// block of documents at a time, and only documents with enough hits verified.
    #[allow(clippy::too_many_arguments)]
    fn count_rest(
        &mut self,
        query: &Words,
        words: &QueryWords,
        first: usize,
        covered: usize,
        unread: BitCount,
        threshold: &mut Threshold,
        found: &mut Vec<(Match, usize)>,
    ) {
        let view = self.view;
        let n = words.n;
        let s = threshold.at;
        if s > MAX_FUZZY_SCORE {
            return;
        }
        let Some(long) = longest(n, covered, s) else { return };
        let short = shortest(n, s);
        let (lo, hi) = (self.start_of(short), self.start_of(long + 1));
        // The prefix: lists until a document in none of them shares too few words.
        let least = needed(n, n, s);
        let mut elements: Vec<(u32, usize)> = Vec::new();
        let mut left = n - covered;
        let mut read = 0usize;
        let mut next = first;
        let length = |(t, k): (u32, usize)| {
            let list = view.postings(t, k);
            list.partition_point(|&d| d < hi) - list.partition_point(|&d| d < lo)
        };
        while left >= least {
            read += length(words.elements[next]);
            elements.push(words.elements[next]);
            left -= 1;
            next += 1;
        }
        // A document needs `least - left` hits; each list more makes it one more, worth
        // reading while it costs little beside the candidates it spares.
        while least - left < self.hits_wanted && next < words.elements.len() {
            let len = length(words.elements[next]);
            if len > self.extra.saturating_mul(read) {
                break;
            }
            read += len;
            elements.push(words.elements[next]);
            left -= 1;
            next += 1;
        }
        // Each list is read over the lengths whose documents need it to be found with
        // `hits_wanted` hits: list `j`, after `covered + j` elements, up to the length
        // `m` where `needed(m) ≤ n − covered − j + hits_wanted − 1` stops holding.
        let want = self.hits_wanted.max(1) - 1;
        let reach: Vec<usize> = (0..elements.len())
            .map(|j| longest(n, (covered + j).saturating_sub(want), s).map_or(0, |l| l.min(long)))
            .collect();
        let lists: Vec<&[u32]> = elements
            .iter()
            .zip(&reach)
            .map(|(&(t, k), &reach)| {
                let list = view.postings(t, k);
                let end = self.start_of(reach + 1).clamp(lo, hi);
                &list[list.partition_point(|&d| d < lo)..list.partition_point(|&d| d < end)]
            })
            .collect();
        // Per count of lists read, the signature bits of the elements after them.
        let mut planes = std::mem::take(&mut self.scratch.planes);
        planes.clear();
        let mut after = unread.planes();
        planes.push(after.clone());
        for &(t, _) in &elements {
            after.decrement(signature_bit(t).trailing_zeros() as usize);
            planes.push(after.clone());
        }
        // Per length from `short` on (by the first of its documents): the hits its
        // documents need, and how many lists are read over it. Every length has at
        // least the lists of the prefix its own `needed` asks for, so it needs a hit.
        let wanted: Vec<(u32, u16, u16)> = (short..=long)
            .map(|m| {
                let lists_read = reach.iter().filter(|&&r| r >= m).count();
                let need = needed(n, m, s) - (n - covered - lists_read);
                (self.start_of(m), need.min(usize::from(u16::MAX)) as u16, lists_read as u16)
            })
            .collect();
        let fewest = wanted.iter().map(|w| w.1).min().unwrap_or(1);
        // Each document with at least the fewest hits any length needs (recorded as its
        // count reaches them), then its hits, and its length less `short`.
        let mut candidates = std::mem::take(&mut self.scratch.candidates);
        candidates.clear();
        // Per list, where the block at hand starts and ends in it.
        let mut cursors = vec![(0usize, 0usize); lists.len()];
        let mut block = lo;
        while block < hi {
            let end = (block as usize + self.hits.len()).min(hi as usize) as u32;
            let first_candidate = candidates.len();
            for (list, (start, stop)) in lists.iter().zip(&mut cursors) {
                *start = *stop;
                for &d in &list[*start..] {
                    if d >= end {
                        break;
                    }
                    let slot = (d - block) as usize;
                    let hits = self.hits[slot].saturating_add(1);
                    self.hits[slot] = hits;
                    if hits == fewest {
                        candidates.push((d, 0, 0));
                    }
                    *stop += 1;
                }
            }
            for candidate in &mut candidates[first_candidate..] {
                candidate.1 = self.hits[(candidate.0 - block) as usize];
            }
            for (list, &(start, stop)) in lists.iter().zip(&cursors) {
                for &d in &list[start..stop] {
                    self.hits[(d - block) as usize] = 0;
                }
            }
            block = end;
        }
        // Each its own length's hits; then the signatures, all together, so that their
        // reads overlap; then, for those that pass, the places of their tokens.
        candidates.retain_mut(|(d, hits, at)| {
            let length = wanted.partition_point(|w| w.0 <= *d) - 1;
            *at = length as u16;
            *hits >= wanted[length].1
        });
        let mut signatures = std::mem::take(&mut self.scratch.signatures);
        signatures.clear();
        signatures.extend(candidates.iter().map(|&(d, _, _)| view.signatures[d as usize]));
        let mut passed = std::mem::take(&mut self.scratch.passed);
        passed.clear();
        for (&(d, hits, at), &signature) in candidates.iter().zip(&signatures) {
            let lists_read = usize::from(wanted[usize::from(at)].2);
            let unread = (n - covered - lists_read).min(planes[lists_read].bound(signature));
            let bound = usize::from(hits) + unread;
            // Its length is known from its number: no need to read it to say no.
            let m = short + usize::from(at);
            if bound >= needed(n, m, s) {
                passed.push((d, m, bound));
            }
        }
        let touched = passed
            .iter()
            .map(|&(d, _, _)| view.offsets[d as usize])
            .fold(0u32, |sum, at| sum.wrapping_add(view.tokens.get(at as usize).copied().unwrap_or(0)));
        std::hint::black_box(touched);
        let mut hi = hi;
        for &(d, m, bound) in &passed {
            if threshold.at > MAX_FUZZY_SCORE {
                break;
            }
            if d >= hi || bound < needed(n, m, threshold.at) {
                continue;
            }
            // A document seen before (read one by one, or found by the same words or an
            // earlier floor) may be verified again: `consider` adds no document seen,
            // and one read one by one was found then or is no match.
            if self.consider(d, bound, query, n, threshold, found) {
                match longest(n, covered, threshold.at) {
                    Some(long) if threshold.at <= MAX_FUZZY_SCORE => hi = hi.min(self.start_of(long + 1)),
                    _ => hi = 0,
                }
            }
        }
        self.scratch = Scratch { planes, candidates, signatures, passed };
        // A batch keeps its searchers to its end: the room one query's many candidates
        // took (tens of megabytes at most) is not held for all the others.
        if self.scratch.candidates.capacity() > KEPT_CANDIDATES {
            self.scratch.candidates = Vec::new();
            self.scratch.signatures = Vec::new();
            self.scratch.passed = Vec::new();
        }
    }

    /// Verifies document `d`, which shares at most `bound` words with the query: when
    /// its base score can reach the threshold, computes its distance, and when its
    /// score does and it was not seen, adds it to `found` and marks it seen. Whether it
    /// did.
    fn consider(
        &mut self,
        d: u32,
        bound: usize,
        query: &Words,
        n: usize,
        threshold: &mut Threshold,
        found: &mut Vec<(Match, usize)>,
    ) -> bool {
        let view = self.view;
        let s = threshold.at;
        if s > MAX_FUZZY_SCORE || self.is_dead(d as usize) {
            return false;
        }
        let doc = view.doc_tokens(d);
        let m = doc.len();
        if m < shortest(n, s) || bound < needed(n, m, s) {
            return false;
        }
        let limit = max_distance(n.max(m), s);
        let distance = if n <= 64 {
            myers_distance(n, doc, |t| self.mask(t))
        } else {
            let blocks = n.div_ceil(64);
            let (slot, masks, numbers) = (&self.slot, &self.masks, self.number_slot);
            block_distance(n, doc, |t, b| {
                let slot = if view.is_number(t) { numbers } else { slot[t as usize] };
                masks[slot as usize * blocks + b]
            })
        };
        // Moving blocks of words can bring a distance over the limit under it, but never
        // to the words not shared: without a move it is the Levenshtein distance, and a
        // move costs an edit beside every word not shared ([`crate::score::moves`]).
        if distance > limit {
            if n.max(m) > MAX_MOVE_WORDS {
                return false;
            }
            let unshared = n.max(m) - self.shared(doc);
            if unshared >= limit {
                return false;
            }
            // The document's numbers as the query's words have them: one word. A query
            // without numbers has none a document's could be.
            let doc: Cow<'_, [u32]> = match self.number_mask != 0 || self.number_slot != 0 {
                true => doc.iter().map(|&t| view.fuzzy_id(t)).collect(),
                false => Cow::Borrowed(doc),
            };
            if moved_distance(&self.query_words, &doc, distance, unshared, Some(limit)) > limit {
                return false;
            }
        }
        let Some(score) = score_words(query, &Words::new(view.source(d as usize)), Some(distance)) else {
            return false;
        };
        if score < s || self.seen[d as usize] == self.stamp {
            return false;
        }
        self.seen[d as usize] = self.stamp;
        threshold.add(score);
        found
            .push((Match { entry: view.entry(d as usize), score, unshared: 0, similarity: 0.0 }, d as usize));
        true
    }

    /// How many words document `doc` shares with the query, as multisets: each of its
    /// words takes one of the query's places that say it.
    fn shared(&self, doc: &[u32]) -> usize {
        crate::cost::count(doc.len());
        let view = self.view;
        if self.query_words.len() > 64 {
            let mut left = self.query_words.clone();
            left.sort_unstable();
            return doc
                .iter()
                .map(|&t| view.fuzzy_id(t))
                .filter(|t| match left.binary_search(t) {
                    Ok(at) => {
                        left.remove(at);
                        true
                    }
                    Err(_) => false,
                })
                .count();
        }
        let mut taken = 0u64;
        let mut shared = 0;
        for &t in doc {
            let free = self.mask(t) & !taken;
            if free != 0 {
                taken |= free & free.wrapping_neg();
                shared += 1;
            }
        }
        shared
    }

    /// Token `t`'s match mask in a query of up to 64 words: a number's is the places of
    /// the query's numbers.
    fn mask(&self, t: u32) -> u64 {
        match self.view.is_number(t) {
            true => self.number_mask,
            false => self.peq[t as usize],
        }
    }

    /// Sets the query's match masks: `peq` for up to 64 words, `slot` and `masks` beyond;
    /// the places of its numbers (`numbers[w]`) are one word's, any number's.
    fn set_masks(&mut self, query_tokens: &[u32], numbers: &[bool]) {
        self.query_words.clear();
        self.query_words
            .extend(query_tokens.iter().zip(numbers).map(|(&t, &num)| if num { NUMBER } else { t }));
        let n = query_tokens.len();
        if n <= 64 {
            for (i, &t) in query_tokens.iter().enumerate() {
                if numbers[i] {
                    self.number_mask |= 1 << i;
                } else if t != UNKNOWN {
                    self.peq[t as usize] |= 1 << i;
                }
            }
        } else {
            let blocks = n.div_ceil(64);
            // Slot 0 is the all-zero mask of a token the query does not have.
            self.masks.clear();
            self.masks.resize(blocks, 0);
            for (i, &t) in query_tokens.iter().enumerate() {
                if numbers[i] {
                    if self.number_slot == 0 {
                        self.number_slot = (self.masks.len() / blocks) as u32;
                        self.masks.resize(self.masks.len() + blocks, 0);
                    }
                    self.masks[self.number_slot as usize * blocks + i / 64] |= 1 << (i % 64);
                    continue;
                }
                if t == UNKNOWN {
                    continue;
                }
                if self.slot[t as usize] == 0 {
                    self.slot[t as usize] = (self.masks.len() / blocks) as u32;
                    self.masks.resize(self.masks.len() + blocks, 0);
                }
                self.masks[self.slot[t as usize] as usize * blocks + i / 64] |= 1 << (i % 64);
            }
        }
    }
}

/// Scores every candidate `(key, distance over the words if known)` (a document of
/// the index, or an entry of the memory for the scan), keeps those at or above the
/// minimum, and returns the best `top` in ranking order.
fn rank(
    from: &impl Candidates,
    query: &Words,
    candidates: impl Iterator<Item = (usize, Option<usize>)>,
    options: SearchOptions,
) -> Vec<(Match, Option<Timestamp>)> {
    // Each match with its key.
    let matches: Vec<(Match, usize)> = candidates
        .filter_map(|(key, distance)| {
            let score = score_at_least(query, &Words::new(from.source(key)), distance, options.min_score)?;
            Some((Match { entry: from.entry(key), score, unshared: 0, similarity: 0.0 }, key))
        })
        .collect();
    rank_scored(from, query, matches, options.top)
}

/// The best `top` of scored matches (each with its key), in ranking order.
fn rank_scored(
    from: &impl Candidates,
    query: &Words,
    mut matches: Vec<(Match, usize)>,
    top: usize,
) -> Vec<(Match, Option<Timestamp>)> {
    if matches.is_empty() || top == 0 {
        return Vec::new();
    }
    // Only the matches that can still make the top N need the costlier tie-breakers.
    matches.sort_unstable_by_key(|m| std::cmp::Reverse(m.0.score));
    let cutoff = matches[top.min(matches.len()) - 1].0.score;
    matches.retain(|m| m.0.score >= cutoff);
    for (m, key) in &mut matches {
        let source = Words::new(from.source(*key));
        m.unshared = unshared(query, &source);
        m.similarity = char_similarity(source.text(), query.text());
    }
    let changed: Vec<Option<Timestamp>> = matches.iter().map(|&(_, key)| from.changed(key)).collect();
    let mut order: Vec<usize> = (0..matches.len()).collect();
    order.sort_by(|&a, &b| compare(&matches[a].0, changed[a], &matches[b].0, changed[b]));
    order.truncate(top);
    order.into_iter().map(|i| (matches[i].0, changed[i])).collect()
}

/// The ranking: higher score, then fewer words not shared, then higher character
/// similarity, then the more recent change, then later in file order: of a sentence's
/// competing translations, the one [`Memory::exact`] uses comes first, as it is the one
/// a 100% match would give.
fn compare(a: &Match, a_changed: Option<Timestamp>, b: &Match, b_changed: Option<Timestamp>) -> Ordering {
    b.score
        .cmp(&a.score)
        .then(a.unshared.cmp(&b.unshared))
        .then(b.similarity.total_cmp(&a.similarity))
        .then(b_changed.cmp(&a_changed))
        .then(b.entry.cmp(&a.entry))
}

/// The exhaustive scan: scores every entry offered (with a translation, not retired)
/// against `query` with [`crate::score::score_words`] and the full distance. Slow and
/// obviously right; the index must agree with it.
pub fn scan(memory: &Memory, query: &str, options: SearchOptions) -> Vec<Match> {
    let query = Words::new(query);
    let candidates = memory
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e): &(usize, &Entry)| e.is_offered())
        .map(|(i, _)| (i, None));
    rank(memory, &query, candidates, options).into_iter().map(|(m, _)| m).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn memory(sources: &[&str]) -> Memory {
        Memory::from_entries(
            sources
                .iter()
                .map(|s| Entry { source: s.to_string(), target: format!("EN {s}"), ..Entry::default() })
                .collect(),
        )
    }

    #[test]
    fn finds_exact_and_fuzzy_matches_in_order() {
        let m = memory(&[
            "Vi er her for kundene.",
            "Vi er her for deg.",
            "Hei på deg.",
            "Vi er  her for kundene .",
        ]);
        let index = IndexBuilder::build(&m);
        let got = index.searcher().search("Vi er her for kundene.", SearchOptions { min_score: 50, top: 5 });
        let scores: Vec<(usize, u8)> = got.iter().map(|m| (m.entry, m.score)).collect();
        assert_eq!(scores, [(0, 100), (3, 99), (1, 80)]);
    }

    #[test]
    fn a_sentence_that_differs_only_in_its_tags_scores_95_to_99() {
        let m =
            memory(&["Vi er her for kundene.", "Vi er {1}her{/1} for kundene{2/}.", "Vi er her for deg."]);
        let index = IndexBuilder::build(&m);
        let search = |q: &str| -> Vec<(usize, u8)> {
            let found = index.searcher().search(q, SearchOptions { min_score: 50, top: 5 });
            found.iter().map(|m| (m.entry, m.score)).collect()
        };
        assert_eq!(search("Vi er {1}her{/1} for kundene."), [(1, 99), (0, 98), (2, 80)]);
        assert_eq!(search("{1}Vi{/1} er {2}her{/2} for {3}kundene{/3}{4/}."), [(1, 96), (0, 95), (2, 80)]);
        assert_eq!(search("Vi er her for kundene."), [(0, 100), (1, 97), (2, 80)]);
    }

    #[test]
    fn a_memory_tokenised_in_several_chunks_agrees_with_the_scan() {
        let words = ["vi", "er", "her", "for", "kundene", "og", "det", "mål", "team", "Irene", "i", "dag"];
        let sources: Vec<String> = (0..5000usize)
            .map(|i| {
                let n = 3 + i % 9;
                let mut s: Vec<&str> =
                    (0..n).map(|k| words[(i * 7 + k * k * 3 + i / 13) % words.len()]).collect();
                s.push(if i % 3 == 0 { "?" } else { "." });
                s.join(" ")
            })
            .collect();
        let refs: Vec<&str> = sources.iter().map(String::as_str).collect();
        let m = memory(&refs);
        let index = IndexBuilder::build(&m);
        let options = SearchOptions { min_score: 60, top: 5 };
        let queries =
            [sources[17].as_str(), sources[4321].as_str(), "vi er her for kundene i dag .", "ukjent ord"];
        for q in queries {
            assert_eq!(index.searcher().search(q, options), scan(&m, q, options), "{q}");
        }
    }

    #[test]
    fn a_larger_memory_agrees_with_the_scan_however_the_search_is_tuned() {
        // Sentences over a skewed vocabulary, as prose is: a few words in most of
        // them, often twice, and many rare ones; every third query a near-duplicate.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        let word = |next: &mut dyn FnMut(usize) -> usize| -> String {
            // Rank r with a weight of about 1/r.
            let rank = (1usize << next(11)) + next(64);
            match rank {
                1..=4 => ["og", "i", "det", "er"][rank - 1].to_string(),
                _ if next(20) == 0 => format!("{}", next(30)),
                _ => format!("o{rank}"),
            }
        };
        let sentence = |next: &mut dyn FnMut(usize) -> usize| -> Vec<String> {
            let len = 1 + next(4) * next(8) + next(3);
            (0..len).map(|_| word(next)).collect()
        };
        let sources: Vec<String> = (0..3000).map(|_| sentence(&mut next).join(" ") + ".").collect();
        let queries: Vec<String> = (0..40)
            .map(|i| {
                if i % 3 == 0 {
                    let mut words: Vec<String> =
                        sources[next(sources.len())].split(' ').map(str::to_string).collect();
                    let at = next(words.len());
                    words[at] = word(&mut next);
                    words.join(" ")
                } else {
                    sentence(&mut next).join(" ")
                }
            })
            .collect();
        let refs: Vec<&str> = sources.iter().map(String::as_str).collect();
        let m = memory(&refs);
        let index = IndexBuilder::build(&m);
        let mut searchers = [
            index.searcher(),
            index.searcher_with(0, 1, usize::MAX),
            index.searcher_with(0, 7, 0),
            index.searcher_with(5, 64, 1),
            index.searcher_with(usize::MAX, 3, 4),
            {
                // Lists counted until a document needs four hits.
                let mut s = index.searcher_with(0, 1000, usize::MAX);
                s.hits_wanted = 4;
                s
            },
            {
                // No floors, and many.
                let mut s = index.searcher_with(3, 100, 4);
                s.floors = Vec::new();
                s
            },
            {
                let mut s = index.searcher_with(3, 100, 4);
                s.floors = vec![100, 95, 94, 80, 60, 51, 31];
                s
            },
        ];
        for options in [
            SearchOptions { min_score: 50, top: 1 },
            SearchOptions { min_score: 30, top: 3 },
            SearchOptions { min_score: 75, top: 2 },
        ] {
            for q in &queries {
                let expected = scan(&m, q, options);
                for (k, searcher) in searchers.iter_mut().enumerate() {
                    assert_eq!(searcher.search(q, options), expected, "searcher {k}, {options:?}, {q}");
                }
            }
        }
        // A batch on every core, its searchers taken from a pool and used again chunk
        // after chunk: many more queries than chunks, some of over 64 words.
        let long: Vec<String> = (0..20).map(|i| sources[i * 3..i * 3 + 6].join(" ")).collect();
        let batch: Vec<&str> =
            queries.iter().chain(&long).chain(&queries).chain(&sources[..200]).map(String::as_str).collect();
        assert!(batch.iter().any(|q| q.split(' ').count() > 64));
        for options in [SearchOptions { min_score: 50, top: 1 }, SearchOptions { min_score: 40, top: 4 }] {
            let all = index.search_all(&batch, options);
            for (q, found) in batch.iter().zip(&all) {
                assert_eq!(found, &scan(&m, q, options), "{options:?}, {q}");
            }
        }
    }

    #[test]
    fn planes_taken_one_from_are_the_planes_of_the_counts_taken_one_from() {
        // Every count a query's elements can give a bit, from 1 to the fuzzy cap.
        for count in 1..=MAX_FUZZY_TOKENS as u32 {
            let mut counts = BitCount([0; 64]);
            counts.0[5] = count;
            counts.0[63] = 3;
            let mut planes = counts.planes();
            planes.decrement(5);
            counts.0[5] -= 1;
            assert_eq!(planes.0, counts.planes().0, "count {count}");
            assert_eq!(planes.bound(1 << 5 | 1 << 63), count as usize - 1 + 3);
        }
    }

    #[test]
    fn the_windows_are_every_length_that_can_still_match() {
        for n in (1..40).chain([64, 65, 700, MAX_FUZZY_TOKENS]) {
            for s in 1..=100u8 {
                for m in 0..n {
                    assert_eq!(n - m <= max_distance(n, s), m >= shortest(n, s), "{n} {m} {s}");
                }
                for covered in (0..=n + 1).filter(|c| n < 100 || c % 97 < 3) {
                    let left = n.checked_sub(covered);
                    let can = |m: usize| left.is_some_and(|left| needed(n, m, s) <= left);
                    let brute = (0..=MAX_FUZZY_TOKENS).rev().find(|&m| can(m));
                    assert_eq!(longest(n, covered, s), brute, "{n} {covered} {s}");
                }
            }
        }
    }

    #[test]
    fn entries_without_target_are_never_matches() {
        let mut m = memory(&["Hei."]);
        m.entries[0].target.clear();
        let index = IndexBuilder::build(&m);
        assert!(index.searcher().search("Hei.", SearchOptions::default()).is_empty());
        assert!(scan(&m, "Hei.", SearchOptions::default()).is_empty());
    }

    #[test]
    fn retired_entries_are_never_matches() {
        let mut m = memory(&["Hei.", "Hei på deg."]);
        m.entries[0].retired = "2026-11-22T12:00:00Z".into();
        let index = IndexBuilder::build(&m);
        let options = SearchOptions { min_score: 1, top: 5 };
        let found: Vec<usize> = index.searcher().search("Hei.", options).iter().map(|m| m.entry).collect();
        assert_eq!(found, [1]);
        assert_eq!(scan(&m, "Hei.", options), index.searcher().search("Hei.", options));
    }

    #[test]
    fn texts_beyond_the_fuzzy_cap_match_only_the_same_words() {
        let long = |n: usize, changed: Option<usize>| -> String {
            (0..n)
                .map(|i| if Some(i) == changed { "annet".to_string() } else { format!("ord{}", i % 700) })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let over = MAX_FUZZY_TOKENS + 300;
        let sources = [
            long(over, None),
            long(over, Some(7)),
            long(over + 1, None),
            long(MAX_FUZZY_TOKENS / 2, Some(3)),
        ];
        let refs: Vec<&str> = sources.iter().map(String::as_str).collect();
        let m = memory(&refs);
        let index = IndexBuilder::build(&m);
        let options = SearchOptions { min_score: 1, top: 10 };
        let spaced = long(over, None).replacen("ord5,", "ord5 ,", 1);
        let shouted = long(over, None).to_uppercase();
        let renumbered = long(over, None).replacen("ord5,", "ord5 17,", 1).replacen("ord9,", "ord9 18,", 1);
        let cases = [
            (long(over, None), vec![(0, 100)]),
            (spaced, vec![(0, 99)]),
            (shouted, vec![(0, 99)]),
            (long(over, Some(7)), vec![(1, 100)]),
            (renumbered, vec![]),
            (long(MAX_FUZZY_TOKENS / 2, None), vec![(3, 94)]),
        ];
        for (q, expected) in cases {
            let found = index.searcher().search(&q, options);
            assert_eq!(found, scan(&m, &q, options));
            let scores: Vec<(usize, u8)> = found.iter().map(|m| (m.entry, m.score)).collect();
            assert_eq!(scores, expected, "query of {} bytes", q.len());
        }
    }

    #[test]
    fn a_query_at_the_line_limit_costs_linear_work() {
        // A 1 MiB segment whose earlier version is in the memory, beside 200 sources
        // that share most of its words: the worst a document line can be.
        let words: Vec<String> = (0..170_000).map(|i| format!("w{}", i % 3000)).collect();
        let query = words.join(" ");
        assert!(query.len() > 900_000 && query.len() <= crate::input::limits::MAX_LINE, "{}", query.len());
        let mut earlier = words.clone();
        earlier[1000] = "tidligere".into();
        let mut sources = vec![earlier.join(" ")];
        sources.extend((0..200).map(|k| words[k * 10..k * 10 + 900].join(" ")));
        let refs: Vec<&str> = sources.iter().map(String::as_str).collect();
        let m = memory(&refs);
        let index = IndexBuilder::build(&m);
        let before = crate::cost::spent();
        let found = index.searcher().search(&query, SearchOptions { min_score: 50, top: 3 });
        let spent = crate::cost::spent() - before;
        assert!(found.is_empty());
        assert!(spent <= words.len() as u64, "{spent} units of work for {} tokens", words.len());
        // At the cap, every candidate costs at most a block distance of cap × cap/64.
        let query = words[..MAX_FUZZY_TOKENS].join(" ");
        let before = crate::cost::spent();
        let found = index.searcher().search(&query, SearchOptions { min_score: 50, top: 3 });
        let spent = crate::cost::spent() - before;
        assert!(!found.is_empty());
        let per_candidate = (2 * MAX_FUZZY_TOKENS * MAX_FUZZY_TOKENS.div_ceil(64)) as u64;
        let similarity =
            (crate::score::MAX_SIMILARITY_CHARS * crate::score::MAX_SIMILARITY_CHARS.div_ceil(64)) as u64;
        assert!(spent <= sources.len() as u64 * (per_candidate + similarity), "{spent}");
    }

    #[test]
    fn ranking_many_ties_costs_linear_work() {
        // 300 copies of a 1,000-token sentence, each spaced differently in one place:
        // all tie at 99, and each needs its similarity.
        let words: Vec<String> = (0..MAX_FUZZY_TOKENS / 2).map(|i| format!("ord{i}")).collect();
        let query = words.join(", ");
        let sources: Vec<String> =
            (0..300).map(|k| query.replacen(&format!("ord{k},"), &format!("ord{k} ,"), 1)).collect();
        let refs: Vec<&str> = sources.iter().map(String::as_str).collect();
        let m = memory(&refs);
        let index = IndexBuilder::build(&m);
        let before = crate::cost::spent();
        let found = index.searcher().search(&query, SearchOptions { min_score: 90, top: 3 });
        let spent = crate::cost::spent() - before;
        assert_eq!(found.iter().map(|m| m.score).collect::<Vec<_>>(), [99, 99, 99]);
        let n = MAX_FUZZY_TOKENS as u64;
        let chars = crate::score::MAX_SIMILARITY_CHARS as u64;
        let per_tie = n * n.div_ceil(64) + chars * chars.div_ceil(64);
        assert!(spent <= 300 * per_tie, "{spent} units for 300 ties, bound {}", 300 * per_tie);
    }

    #[test]
    fn a_top_match_of_the_same_numbers_costs_nothing_per_source_differing_only_in_numbers() {
        // A templated memory: sentences differing only in a number. The query's own
        // sentence scores 100, which none differing in a number can tie (98 at most), so
        // the best one costs the same however many of those the memory holds.
        let spent_for = |count: usize| {
            let sources: Vec<String> = (0..count)
                .map(|i| format!("Setning nummer {i} er unik og ganske lang, med flere ord i seg."))
                .collect();
            let refs: Vec<&str> = sources.iter().map(String::as_str).collect();
            let m = memory(&refs);
            let index = IndexBuilder::build(&m);
            let query = "Setning nummer 7 er unik og ganske lang, med flere ord i seg.";
            let options = SearchOptions { min_score: 50, top: 1 };
            let before = crate::cost::spent();
            let found = index.searcher().search(query, options);
            let spent = crate::cost::spent() - before;
            assert_eq!(found, scan(&m, query, options));
            assert_eq!((found[0].entry, found[0].score), (7, 100));
            // A number the memory never saw: every source of the key is read, as before.
            let other = "Setning nummer 123456 er unik og ganske lang, med flere ord i seg.";
            assert_eq!(index.searcher().search(other, options), scan(&m, other, options));
            let three = SearchOptions { min_score: 50, top: 3 };
            assert_eq!(index.searcher().search(query, three), scan(&m, query, three));
            spent
        };
        let (few, many) = (spent_for(100), spent_for(20_000));
        assert_eq!(few, many, "{few} units of work for 100 sources, {many} for 20,000");
    }

    fn sentence() -> impl Strategy<Value = String> {
        let token = prop_oneof![
            4 => prop::sample::select(vec!["vi", "er", "her", "for", "kundene", "Det", "og", "i", "mål"]).prop_map(str::to_string),
            // Case, numbers and marks, which the same-words tier forgives.
            2 => prop::sample::select(vec!["Vi", "VI", "Kundene", "DET", "110", "120", "2024", "3", "deg?", "deg ?"]).prop_map(str::to_string),
            2 => prop::sample::select(vec![".", ",", "?", "«", "»", "–", "!"]).prop_map(str::to_string),
            // Symbols that are words: `€7`, `20 %`, `< 10`.
            1 => prop::sample::select(vec!["€", "$", "%", "<", "20%", "&"]).prop_map(str::to_string),
            1 => "[a-zø]{1,3}",
            // Formatting codes, which are no tokens, and text that only looks like one.
            1 => prop::sample::select(vec!["{1}", "{/1}", "{2/}", "{1}kundene{/1}", "{x}", "{01}"]).prop_map(str::to_string),
        ];
        prop_oneof![
            8 => prop::collection::vec(token.clone(), 1..14).prop_map(|t| t.join(" ")),
            1 => prop::collection::vec(token.clone(), 60..90).prop_map(|t| t.join(" ")),
            1 => prop::collection::vec(token, 1..4).prop_map(|t| t.concat()),
            1 => "[ .,!?]{0,6}",
        ]
    }

    /// `text` changed one way: in case, in its numbers, without its final mark, with a
    /// space before its marks, with a tag, with one word less, or with its words moved
    /// (the first to the end, or the halves swapped).
    fn variant(text: &str, how: u8) -> String {
        let mut words: Vec<&str> = text.split(' ').collect();
        match how {
            0 => text.to_uppercase(),
            1 => text.replace("110", "120").replace("2024", "2025").replace('3', "4"),
            2 => text.trim_end_matches(['.', '?', '!', ' ']).to_string(),
            3 => text.replace('?', " ?").replace('.', " ."),
            4 => format!("{{1}}{text}{{/1}}"),
            5 => text.split_once(' ').map_or(String::new(), |(_, rest)| rest.to_string()),
            6 => {
                let first = 1.min(words.len());
                words.rotate_left(first);
                words.join(" ")
            }
            _ => {
                let half = words.len() / 2;
                words.rotate_left(half);
                words.join(" ")
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn index_agrees_with_the_exhaustive_scan(
            sources in prop::collection::vec((sentence(), prop::bool::weighted(0.3)), 0..40),
            queries in prop::collection::vec(sentence(), 1..6),
            variants in prop::collection::vec((any::<prop::sample::Index>(), 0..8u8), 0..6),
            min_score in prop_oneof![Just(50u8), Just(1u8), Just(100u8), 95u8..=99, 0u8..=100],
            top in 1usize..8,
        ) {
            let sources: Vec<(String, bool)> = sources.into_iter().filter(|s| !s.0.trim().is_empty()).collect();
            let refs: Vec<&str> = sources.iter().map(|s| s.0.as_str()).collect();
            let mut m = memory(&refs);
            // Retired entries, history, are in the memory but never offered.
            for (e, (_, retired)) in m.entries.iter_mut().zip(&sources) {
                if *retired {
                    e.retired = "2026-11-22T12:00:00Z".into();
                }
            }
            let index = IndexBuilder::build_for(&m, 7);
            // The same index written to a file and opened again, as the cache keeps it.
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("index");
            index.write(&path).unwrap();
            let reopened = Index::open(&path, 7, m.entries.len()).unwrap();
            let mut searcher = index.searcher();
            let mut reopened_searcher = reopened.searcher();
            // Every list counted, a document per block; and lists verified one by one.
            let mut counting = index.searcher_with(0, 1, usize::MAX);
            let mut small_blocks = index.searcher_with(2, 3, 0);
            let mut eager = index.searcher_with(usize::MAX, 2, 1);
            let mut many_hits = index.searcher_with(1, 5, usize::MAX);
            many_hits.hits_wanted = 3;
            many_hits.floors = vec![99, 90, 55, 20];
            let mut no_floors = index.searcher_with(8, 4, 2);
            no_floors.floors = Vec::new();
            let options = SearchOptions { min_score, top };
            // Queries that differ from a source only as a translator forgives (case, a
            // number, the final mark, a space, a tag), in a word, or in the order of its
            // words: a wrong pruning of any tier would show here first.
            let variants: Vec<String> = variants
                .iter()
                .filter(|_| !sources.is_empty())
                .map(|(at, how)| variant(&sources[at.index(sources.len())].0, *how))
                .collect();
            for q in queries.iter().chain(&variants) {
                let found = searcher.search(q, options);
                prop_assert!(found.iter().all(|f| !m.entries[f.entry].is_retired()), "query {:?}", q);
                prop_assert_eq!(&reopened_searcher.search(q, options), &found, "reopened, query {:?}", q);
                prop_assert_eq!(&counting.search(q, options), &found, "counting, query {:?}", q);
                prop_assert_eq!(&small_blocks.search(q, options), &found, "small blocks, query {:?}", q);
                prop_assert_eq!(&eager.search(q, options), &found, "eager, query {:?}", q);
                prop_assert_eq!(&many_hits.search(q, options), &found, "three hits, query {:?}", q);
                prop_assert_eq!(&no_floors.search(q, options), &found, "no floors, query {:?}", q);
                prop_assert_eq!(found, scan(&m, q, options), "query {:?}", q);
            }
        }
    }
}
