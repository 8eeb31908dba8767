//! Text normalisation, tokens, word counts and segment ids.
//!
//! These few functions define what "the same sentence" means everywhere in tolk: the
//! segment id, exact lookup in the memory and the fuzzy score all start from
//! [`normalize`]. They know nothing about documents, files or the memory.

use std::borrow::Cow;
use std::fmt;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// The characters that end a line: line feed, carriage return (alone or before a line
/// feed), vertical tab, form feed, next line, and the Unicode line and paragraph
/// separators. A translation holding one still takes the place of one segment, on its
/// line, in an edition.
pub const LINE_BREAKS: [char; 7] = ['\n', '\r', '\u{0B}', '\u{0C}', '\u{85}', '\u{2028}', '\u{2029}'];

/// Characters a reader never sees, which say only where a line may break or may not:
/// the soft hyphen (`&shy;`, Word's optional hyphen), the zero-width space, the word
/// joiner and a zero-width no-break space inside a text. `sykkel\u{AD}parkering` is
/// the word `sykkelparkering` to a reader, so it is to [`normalize`] too.
pub const INVISIBLE: [char; 4] = ['\u{AD}', '\u{200B}', '\u{2060}', '\u{FEFF}'];

/// Whether `text` (a sentence without its tags) holds words to translate: a letter
/// outside web addresses and e-mail addresses. A sentence without a letter (a year, a
/// table's figures) holds none, and neither does one that is only an address
/// (`https://www.nrk.no/sak`, `www.vg.no`, `post@example.no`, with punctuation around),
/// which an edition keeps as it is, as it keeps a link's URL.
pub fn has_words(text: &str) -> bool {
    text.split_whitespace().any(|token| {
        let token = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '/' && c != '@');
        token.chars().any(char::is_alphabetic) && !is_address(token)
    })
}

/// Whether `token` is a web address (`https://…`, any `scheme://…`, `mailto:…`,
/// `www.…`) or an e-mail address (`post@example.no`).
fn is_address(token: &str) -> bool {
    let lower = token.to_ascii_lowercase();
    if let Some((scheme, rest)) = lower.split_once("://") {
        let mut chars = scheme.chars();
        return chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
            && !rest.is_empty();
    }
    if let Some(rest) = lower.strip_prefix("mailto:").or_else(|| lower.strip_prefix("www.")) {
        return rest.contains(|c: char| c.is_alphanumeric());
    }
    match token.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.split('.').count() >= 2
                && domain
                    .split('.')
                    .all(|label| !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-'))
        }
        None => false,
    }
}

/// Normalises a text for comparison: Unicode NFC, the [`INVISIBLE`] characters left
/// out, every run of whitespace (including no-break spaces) becomes one ASCII space,
/// and the result is trimmed.
pub fn normalize(text: &str) -> Cow<'_, str> {
    let visible: Cow<'_, str> = match text.contains(INVISIBLE) {
        true => Cow::Owned(text.replace(INVISIBLE, "")),
        false => Cow::Borrowed(text),
    };
    let nfc: Cow<'_, str> = match is_nfc_quick(visible.chars()) {
        IsNormalized::Yes => visible,
        _ => Cow::Owned(visible.nfc().collect()),
    };
    if is_collapsed(&nfc) {
        return nfc;
    }
    let mut out = String::with_capacity(nfc.len());
    for word in nfc.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    Cow::Owned(out)
}

/// True when `text` is trimmed and its only whitespace is single ASCII spaces.
fn is_collapsed(text: &str) -> bool {
    let mut prev_space = true;
    for c in text.chars() {
        if c.is_whitespace() {
            if c != ' ' || prev_space {
                return false;
            }
            prev_space = true;
        } else {
            prev_space = false;
        }
    }
    !prev_space || text.is_empty()
}

/// Splits a text into tokens: a maximal run of alphanumeric characters is one token,
/// and so is a number grouped in thousands (`2 000`, `12.500`: see
/// [`grouped_number_len`]), every other non-whitespace character is a token of its
/// own, and a formatting code
/// (`{1}`, `{/1}`, `{2/}`) is none: tags never count as words or cost a match points
/// for words.
pub fn tokens(text: &str) -> Tokens<'_> {
    Tokens { rest: text }
}

/// Iterator returned by [`tokens`].
#[derive(Debug, Clone)]
pub struct Tokens<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let mut start = self.rest.find(|c: char| !c.is_whitespace())?;
        // Formatting codes are no tokens (see `crate::document::inline`).
        while let Some(len) = crate::document::inline::placeholder_len(&self.rest[start..]) {
            self.rest = &self.rest[start + len..];
            start = self.rest.find(|c: char| !c.is_whitespace())?;
        }
        let rest = &self.rest[start..];
        let first = rest.chars().next()?;
        let len = if first.is_alphanumeric() {
            let run = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
            number_len(rest, run)
        } else {
            first.len_utf8()
        };
        self.rest = &rest[len..];
        Some(&rest[..len])
    }
}

/// The length of the number that starts `rest` with its first alphanumeric run of
/// `run` bytes, or `run` when that run is not all digits: a number grouped in thousands
/// ([`grouped_number_len`]), then any parts after a dot or a comma between digits (a
/// decimal `3,5` or `3.5`, a time `10.30`, a date `17.05.2024`, a version `2.4.1`), the
/// last not running on into a word (`3,5km` is `3`, `,` and `5km`). A reader sees one
/// number there, so it is one word to the score: `3` and `4,5` differ in a number, not in
/// two words.
fn number_len(rest: &str, run: usize) -> usize {
    let b = rest.as_bytes();
    if !b[..run].iter().all(u8::is_ascii_digit) {
        return run;
    }
    let mut end = grouped_number_len(rest, run);
    while matches!(b.get(end), Some(b'.' | b',')) {
        let digits = b[end + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || rest[end + 1 + digits..].chars().next().is_some_and(char::is_alphanumeric) {
            break;
        }
        end += 1 + digits;
    }
    end
}

/// The length of a number grouped in thousands that starts `rest` with its first
/// alphanumeric run of `run` bytes (`2 000`, `1 500 000`, `12.500`), or `run` when it
/// starts no such number: a lead of one to three digits, then groups of exactly three
/// digits, each after one space (a no-break or thin one too) or a dot, and the last not
/// followed by a letter or digit. Norwegian groups thousands so (`2 000` and `2000` are
/// one number written two ways), and a token that split it would be two words to the
/// score; [`crate::numbers`] reads the same groups.
fn grouped_number_len(rest: &str, run: usize) -> usize {
    let b = rest.as_bytes();
    if !(1..=3).contains(&run) || !b[..run].iter().all(u8::is_ascii_digit) {
        return run;
    }
    let mut end = run;
    loop {
        let Some(sep) = rest[end..].chars().next().filter(|&c| c == '.' || c.is_whitespace()) else {
            return end;
        };
        let group = end + sep.len_utf8();
        let digits = b[group..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits != 3 || rest[group + 3..].chars().next().is_some_and(char::is_alphanumeric) {
            return end;
        }
        end = group + 3;
    }
}

/// Whether a token counts as a word: it contains at least one alphanumeric character.
pub fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

/// Whether a token is a symbol that says what a word would: a currency sign (`€`, `$`,
/// `£`, `¥`, the Unicode currency block), a percent or per mille sign, a degree, a
/// section sign, an ampersand, or a sign of comparison or arithmetic (`<`, `≤`, `=`,
/// `+`, `−`, `±`, `×`). `Prisen er €7.` and `Prisen er $5.` differ in a word, not in
/// punctuation: `$7` is no repair of `€7`.
pub fn is_symbol(token: &str) -> bool {
    let mut chars = token.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if is_symbol_char(c))
}

/// The symbols of [`is_symbol`], one character each.
const SYMBOLS: &str = "$¢£¤¥﹩＄￠￡￥￦%‰‱°§&+±×÷<>=≠≈≤≥−∞√";

/// Whether `c` is a symbol that says what a word would ([`is_symbol`]): one of
/// [`SYMBOLS`] or of Unicode's currency block.
pub fn is_symbol_char(c: char) -> bool {
    SYMBOLS.contains(c) || ('\u{20A0}'..='\u{20CF}').contains(&c)
}

/// Whether a token is a word to the score and the index: a word ([`is_word`]) or a
/// symbol that says what a word would ([`is_symbol`]). Word counts ([`word_count`])
/// count words only, as CAT tools do.
pub fn scores_as_word(token: &str) -> bool {
    is_word(token) || is_symbol(token)
}

/// Whether a token is a number: digits, with the separators of a number between them
/// (`110`, `2024`, `2 000`, `3,5`, `17.05.2024`; not `KPI2`, which is a word).
pub fn is_number(token: &str) -> bool {
    token.starts_with(char::is_numeric)
        && token.chars().all(|c| c.is_numeric() || c == ',' || is_group_separator(c))
}

/// What stands between a grouped number's thousands in a token ([`tokens`]), and is
/// left out of its lower case: the number is the same however it is grouped.
pub(crate) fn is_group_separator(c: char) -> bool {
    c == '.' || c.is_whitespace()
}

/// A token in lower case, as the score and the index compare words: each character
/// by its own lower-case mapping (`char::to_lowercase`), and a number with its
/// thousands as digits and a comma for every other separator (`2 000` as `2000`,
/// `3.5` as `3,5`, `1 500.25` as `1500,25`): the same number however it is grouped or
/// which mark it takes for decimals; borrowed when it is lower case already, as most
/// are.
pub fn lowercase(token: &str) -> Cow<'_, str> {
    if is_lowercase(token) {
        return Cow::Borrowed(token);
    }
    let mut out = String::with_capacity(token.len());
    lowercase_into(token, &mut out);
    Cow::Owned(out)
}

/// Whether [`lowercase`] leaves `token` as it is.
pub fn is_lowercase(token: &str) -> bool {
    if token.is_ascii() {
        return !token.bytes().any(|b| b.is_ascii_uppercase() || is_group_separator(char::from(b)));
    }
    token.chars().all(|c| {
        if is_group_separator(c) {
            return false;
        }
        if c.is_ascii() {
            return !c.is_ascii_uppercase();
        }
        if let Some(latin) = latin1_lower(c) {
            return latin == c;
        }
        let mut lower = c.to_lowercase();
        lower.next() == Some(c) && lower.next().is_none()
    })
}

/// Appends `token` in lower case ([`lowercase`]) to `out`, without allocating when
/// `out` has room.
pub fn lowercase_into(token: &str, out: &mut String) {
    // A number's thousands are its digits alone (`2 000` is `2000`), and its other
    // separators commas (`3.5` is `3,5`).
    if is_number(token) {
        let run = token.find(|c: char| !c.is_ascii_digit()).unwrap_or(token.len());
        let grouped = grouped_number_len(token, run);
        out.extend(token[..grouped].chars().filter(|&c| !is_group_separator(c)));
        out.extend(token[grouped..].chars().map(|c| if c == '.' { ',' } else { c }));
        return;
    }
    for c in token.chars() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(latin) = latin1_lower(c) {
            out.push(latin);
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

/// The lower case of a Latin-1 letter (`Æ`, `Ø`, `Å`, `é`, …) without a table search:
/// `À`–`Þ` but `×` are capitals 32 below their small letters, `ß`–`ÿ` map to
/// themselves (`char::to_lowercase` agrees; a unit test checks every one).
fn latin1_lower(c: char) -> Option<char> {
    match c {
        '\u{C0}'..='\u{DE}' if c != '\u{D7}' => char::from_u32(c as u32 + 32),
        '\u{DF}'..='\u{FF}' => Some(c),
        _ => None,
    }
}

/// Number of words in a text, as counted in analyses, batches and summaries. The
/// [`INVISIBLE`] characters part no words (`Romsdals\u{AD}eggen` is one).
pub fn word_count(text: &str) -> usize {
    if text.contains(INVISIBLE) {
        let seen: String = text.chars().filter(|c| !INVISIBLE.contains(c)).collect();
        return tokens(&seen).filter(|t| is_word(t)).count();
    }
    tokens(text).filter(|t| is_word(t)).count()
}

/// The stable id of a sentence: the same for every occurrence of the same normalised
/// text, in every run and on every platform.
///
/// Written as `s` and 16 lowercase hex digits, so that no spreadsheet reads it as a
/// number or a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SegmentId(pub u64);

impl SegmentId {
    /// The id of `text`, after [`normalize`].
    pub fn of(text: &str) -> SegmentId {
        SegmentId(stable_hash(normalize(text).as_bytes()))
    }

    /// Parses the written form `s` + 16 hex digits.
    pub fn parse(s: &str) -> Option<SegmentId> {
        let hex = s.strip_prefix('s')?;
        if hex.len() != 16 || !hex.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
            return None;
        }
        u64::from_str_radix(hex, 16).ok().map(SegmentId)
    }
}

impl fmt::Display for SegmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{:016x}", self.0)
    }
}

/// The Fx hash (rustc's): one multiply and rotate per word of input, for the hash
/// maps of words and word ids that matching builds by the million. Not resistant to
/// crafted collisions: a memory is a file the team trusts, and a hostile one costs
/// time, never correctness. The index keeps hashes of it ([`crate::index`]'s key
/// table), so what it gives for given bytes is part of the index's layout.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

/// Hash maps with [`FxHasher`].
pub type FxBuildHasher = std::hash::BuildHasherDefault<FxHasher>;

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
            self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.hash = (self.hash.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// FNV-1a followed by the splitmix64 finaliser: fixed forever, since ids are written
/// into batches that come back weeks later.
pub fn stable_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The dashes that open a line of dialogue: en dash, em dash, hyphen and horizontal bar.
const DIALOGUE_DASHES: [char; 4] = ['–', '—', '-', '―'];

/// The dialogue dash (and the whitespace after it) `text` starts with, if it does.
fn dialogue_dash(text: &str) -> Option<usize> {
    let rest = text.strip_prefix(DIALOGUE_DASHES)?;
    let spaces = rest.len() - rest.trim_start().len();
    (spaces > 0).then(|| text.len() - rest.len() + spaces)
}

/// `target`, a translation of the segment `source`, without the dialogue dashes it
/// starts with (`– What do you think?`) when `source` starts with none. A sentence's
/// leading dash is the document's layout, never the segment's (the segmenter leaves it
/// out, and the edition keeps it where it stands), so one typed into the translation
/// would stand twice in the edition (`– – What`).
pub fn without_dialogue_dash<'t>(source: &str, target: &'t str) -> &'t str {
    if dialogue_dash(source.trim_start()).is_some() {
        return target;
    }
    let mut rest = target.trim_start();
    while let Some(len) = dialogue_dash(rest) {
        rest = &rest[len..];
    }
    // A target that is nothing but dashes is no dialogue: what it is stays for the
    // checks to see.
    if rest.is_empty() {
        target
    } else {
        rest
    }
}

#[cfg(test)]
mod tests {

    /// Regression (a new-user trial): a paragraph or a link's text that is only a URL
    /// or an e-mail address was offered for translation.
    #[test]
    fn an_address_alone_is_no_words_to_translate() {
        for none in [
            "https://www.nrk.no/norge/en-lang-sak-1.234567",
            "www.vg.no",
            "post@example.no",
            "(https://x.no).",
            "mailto:a@b.no",
            "2024",
            "12,5 %",
            "",
        ] {
            assert!(!has_words(none), "{none:?}");
        }
        for words in
            ["Les mer: https://x.no", "Skriv til post@example.no.", "Hei", "vg.no", "f.eks.", "E-post: @ola"]
        {
            assert!(has_words(words), "{words:?}");
        }
    }

    use super::*;

    #[test]
    fn normalize_collapses_whitespace_and_composes() {
        assert_eq!(normalize("  a\u{a0}\u{a0}b\t c \n"), "a b c");
        assert_eq!(normalize("A\u{30a}r"), "\u{c5}r");
        assert!(matches!(normalize("plain text"), Cow::Borrowed(_)));
        assert_eq!(normalize(" \u{a0} "), "");
    }

    #[test]
    fn what_a_reader_does_not_see_is_not_compared() {
        // A soft hyphen (HTML `&shy;`), a zero-width space, a word joiner: the same
        // sentence, the same id.
        let plain = "Flere sykkelparkeringer i Oslo.";
        for hidden in [
            "Flere sykkel\u{AD}parkeringer i Oslo.",
            "Flere\u{200B} sykkel\u{2060}parkeringer i Oslo.\u{FEFF}",
        ] {
            assert_eq!(normalize(hidden), plain);
            assert_eq!(SegmentId::of(hidden), SegmentId::of(plain));
        }
        assert_ne!(SegmentId::of("sykkel-parkeringer"), SegmentId::of("sykkelparkeringer"));
    }

    #[test]
    fn tokens_split_words_and_punctuation() {
        let t: Vec<_> = tokens("Det er OKS (opplevd, red.)!").collect();
        assert_eq!(t, ["Det", "er", "OKS", "(", "opplevd", ",", "red", ".", ")", "!"]);
        assert_eq!(word_count("– 17. mai, kl. 10.00!"), 4);
        // A soft hyphen or a zero-width space parts no words.
        assert_eq!(word_count("Romsdals\u{AD}eggen og Trolls\u{200B}tigen."), 3);
    }

    #[test]
    fn a_number_grouped_in_thousands_is_one_token() {
        let t: Vec<_> =
            tokens("Hallen rommer 2 000 personer, 1\u{a0}500\u{202f}000 kr og 12.500 kr.").collect();
        assert_eq!(t[2..4], ["2 000", "personer"]);
        assert!(t.contains(&"1\u{a0}500\u{202f}000") && t.contains(&"12.500"));
        for grouped in ["2 000", "1\u{a0}500\u{202f}000", "12.500"] {
            assert!(is_number(grouped) && !is_lowercase(grouped), "{grouped}");
        }
        assert_eq!(lowercase("2 000"), "2000");
        assert_eq!(lowercase("1\u{a0}500\u{202f}000"), "1500000");
        assert_eq!(word_count("Hallen rommer 2 000 personer."), 4);
        // Not thousands: a lead of four digits, a group of two or four, a time, a
        // date, a group that runs on into a word, and a space after a dot.
        for (text, expected) in [
            ("i 2024 100 år", vec!["i", "2024", "100", "år"]),
            ("22 33 44", vec!["22", "33", "44"]),
            ("1 0000", vec!["1", "0000"]),
            ("3 000kr", vec!["3", "000kr"]),
            ("den 12. 100 meter", vec!["den", "12", ".", "100", "meter"]),
            ("A4 000", vec!["A4", "000"]),
            ("2 000 000.", vec!["2 000 000", "."]),
        ] {
            assert_eq!(tokens(text).collect::<Vec<_>>(), expected, "{text}");
        }
    }

    #[test]
    fn a_number_with_decimals_or_dots_between_digits_is_one_token() {
        for (text, expected) in [
            ("økte med 4,5 prosent", vec!["økte", "med", "4,5", "prosent"]),
            ("kl. 10.30", vec!["kl", ".", "10.30"]),
            ("17.05.2024", vec!["17.05.2024"]),
            ("Apache 2.4.1.", vec!["Apache", "2.4.1", "."]),
            ("kr 1 500,50", vec!["kr", "1 500,50"]),
            ("kr 1 500,-", vec!["kr", "1 500", ",", "-"]),
            ("3,5km", vec!["3", ",", "5km"]),
            ("i 2017. Det", vec!["i", "2017", ".", "Det"]),
            ("1, 2 og 3", vec!["1", ",", "2", "og", "3"]),
            ("3.Det", vec!["3", ".", "Det"]),
        ] {
            assert_eq!(tokens(text).collect::<Vec<_>>(), expected, "{text}");
        }
        for number in ["4,5", "10.30", "17.05.2024", "1 500,50"] {
            assert!(is_number(number), "{number}");
        }
        // The same number whatever its decimal mark or grouping; thousands and
        // decimals are not the same number.
        assert_eq!(lowercase("3.5"), "3,5");
        assert_eq!(lowercase("3,5"), "3,5");
        assert_eq!(lowercase("1 500.25"), "1500,25");
        assert_eq!(lowercase("12.500"), "12500");
        assert_ne!(lowercase("12,500"), lowercase("12.500"));
        assert_eq!(lowercase("17.05.2024"), "17,05,2024");
        assert_eq!(word_count("Omsetningen økte med 4,5 prosent."), 5);
    }

    #[test]
    fn numbers_and_lower_case() {
        assert!(is_number("110") && is_number("2024") && !is_number("KPI2") && !is_number(""));
        assert_eq!(lowercase("deg"), "deg");
        assert!(matches!(lowercase("kundeservice"), Cow::Borrowed(_)));
        assert_eq!(lowercase("HVA"), "hva");
        assert_eq!(lowercase("PÅ"), "på");
        assert!(matches!(lowercase("på"), Cow::Borrowed(_)));
        for c in '\u{C0}'..='\u{FF}' {
            if let Some(lower) = latin1_lower(c) {
                assert_eq!(c.to_lowercase().collect::<String>(), lower.to_string(), "{c}");
            }
        }
        // Each character alone: the same word whether it ends a sentence or not.
        assert_eq!(lowercase("ΟΔΟΣ"), "οδοσ");
        assert_eq!(lowercase("İ"), "i\u{307}");
    }

    #[test]
    fn ids_are_stable_and_parse_back() {
        let id = SegmentId::of("Hva er dine løfter?");
        assert_eq!(id, SegmentId::of(" Hva  er\u{a0}dine løfter? "));
        assert_ne!(id, SegmentId::of("Hva er dine løfter!"));
        let written = id.to_string();
        assert_eq!(written.len(), 17);
        assert_eq!(SegmentId::parse(&written), Some(id));
        assert_eq!(SegmentId::parse("s12"), None);
        assert_eq!(SegmentId::parse("S0123456789ABCDEF"), None);
    }

    #[test]
    fn a_leading_dialogue_dash_is_no_part_of_a_translation() {
        #[track_caller]
        fn check(source: &str, target: &str, expected: &str) {
            assert_eq!(without_dialogue_dash(source, target), expected);
        }
        check("Hva synes du?", "– What do you think?", "What do you think?");
        check("Det er bra.", "- It is good.", "It is good.");
        check("Det er bra.", "— It is good.", "It is good.");
        check("Det er bra.", "–\u{a0}It is good.", "It is good.");
        check("Det er bra.", "– – It is good.", "It is good.");
        // Not a dash before a space: a minus, a word, a dash inside the sentence.
        check("Det er -5 grader.", "-5 degrees.", "-5 degrees.");
        check("Det er bra.", "-It is good.", "-It is good.");
        check("Ja – eller nei.", "Yes – or no.", "Yes – or no.");
        check("Tankestrek", "–", "–");
        // A source that has its dash keeps the translation's.
        check("– Ja.", "– Yes.", "– Yes.");
    }
}
