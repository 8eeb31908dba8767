//! What a tag of a Word or LibreOffice document stands for, in a translator's words.
//!
//! A Markdown or HTML batch shows each tag's markup beside the sentence (`{1}…{/1} =
//! **…**`), which a translator reads. A `.docx` or `.odt` tag is XML no translator
//! needs to read, so [`describe`] names it instead, from the elements in its markup: a
//! field by what it shows (`date`, `page number`, with the result stored in the file),
//! a footnote, a comment, a line break, a tab, an image (with its description), a link,
//! a marked range (a bookmark, an index entry, a reference mark, a citation or form
//! field, a content control), and a pair of formatting codes by its formatting (`bold,
//! italic`, a language). A tag it cannot name is left out, as before.

use super::marked::Tag;

/// What `tag` of a Word or LibreOffice document stands for, or `None`.
pub fn describe(tag: Tag<'_>) -> Option<String> {
    match tag.close {
        None => lone(tag.open),
        Some(_) => pair(tag.open, tag.style),
    }
}

/// A code on its own: a field, a note, a break, an image.
fn lone(xml: &str) -> Option<String> {
    if let Some(field) = field(xml) {
        return Some(field);
    }
    let has = |name: &str| xml.contains(&format!("<{name}")) || xml.contains(&format!("<{name}>"));
    let named = [
        ("w:footnoteReference", "footnote"),
        ("w:endnoteReference", "endnote"),
        ("w:commentReference", "comment"),
        ("office:annotation", "comment"),
        ("w:tab", "tab"),
        ("text:tab", "tab"),
        ("w:sym", "symbol"),
        ("w:object", "embedded object"),
        ("draw:object", "embedded object"),
        ("w:txbxContent", "text box"),
        ("draw:text-box", "text box"),
        ("text:line-break", "line break"),
        ("text:soft-page-break", "page break"),
    ];
    if xml.contains("<text:note ") || xml.contains("<text:note>") {
        let endnote = xml.contains("note-class=\"endnote\"");
        return Some(if endnote { "endnote" } else { "footnote" }.into());
    }
    // A text box (with a picture in it too): its paragraphs are text of their own.
    if has("w:txbxContent") || has("draw:text-box") {
        return Some("text box".into());
    }
    if has("w:drawing") || has("w:pict") || has("draw:frame") || has("draw:image") {
        let alt = attribute(xml, "descr")
            .or_else(|| element_text(xml, "svg:desc"))
            .or_else(|| attribute(xml, "title"));
        return Some(match alt.filter(|a| !a.trim().is_empty()) {
            Some(alt) => format!("image ({})", short(&alt)),
            None => "image".into(),
        });
    }
    if has("w:vanish") || xml.contains("text:display=\"none\"") {
        return Some("hidden text".into());
    }
    if has("w:br") || has("w:cr") {
        let page = xml.contains("w:type=\"page\"");
        return Some(if page { "page break" } else { "line break" }.into());
    }
    let odt_fields = [
        ("text:page-number", "page number"),
        ("text:page-count", "number of pages"),
        ("text:date", "date"),
        ("text:time", "time"),
        ("text:author-name", "author's name"),
        ("text:initial-creator", "author's name"),
        ("text:title", "document title"),
        ("text:bookmark-ref", "cross-reference"),
        ("text:reference-ref", "cross-reference"),
        ("text:sequence-ref", "cross-reference"),
        ("text:note-ref", "cross-reference"),
        ("text:sequence", "number"),
        ("text:chapter", "chapter"),
        ("text:subject", "document subject"),
        ("text:description", "document description"),
        ("text:keywords", "document keywords"),
        ("text:user-defined", "document property"),
        ("text:file-name", "file name"),
        ("text:text-input", "input field"),
        ("text:drop-down", "drop-down list"),
        ("text:placeholder", "placeholder"),
        ("text:variable-set", "variable"),
        ("text:variable-get", "variable"),
        ("text:variable-input", "variable"),
        ("text:user-field-get", "variable"),
        ("text:user-field-input", "variable"),
        ("text:bibliography-mark", "citation"),
        ("text:alphabetical-index-mark", "index entry"),
        ("text:toc-mark", "index entry"),
        ("text:user-index-mark", "index entry"),
        ("text:reference-mark", "reference mark"),
    ];
    if let Some((name, what)) = odt_fields.iter().find(|(name, _)| has(name)) {
        return Some(with_result(what, element_text(xml, name)));
    }
    if has("text:ruby") || has("w:ruby") {
        let base = element_text(xml, "text:ruby-base").or_else(|| element_text(xml, "w:rubyBase"));
        return Some(with_result("ruby", base));
    }
    if has("field:fieldmark") {
        return Some(field_mark(xml));
    }
    if let Some((_, what)) = named.iter().find(|(name, _)| has(name)) {
        return Some(what.to_string());
    }
    // Another of LibreOffice's fields, by what it shows.
    let element = xml.split('<').skip(1).find(|tag| !tag.starts_with("text:span") && !tag.starts_with('/'));
    element.filter(|tag| tag.starts_with("text:")).map(|tag| {
        let name = tag.split(|c: char| c.is_whitespace() || c == '>' || c == '/').next().unwrap_or_default();
        with_result("field", element_text(xml, name))
    })
}

/// A LibreOffice field mark (a form field, a citation a reference manager keeps): what
/// it is, by its type and its code.
fn field_mark(xml: &str) -> String {
    let kind = attribute(xml, "field:type").unwrap_or_default();
    let code = attribute(xml, "field:value").unwrap_or_default();
    let what = if kind.ends_with("FORMTEXT") {
        "text form field"
    } else if kind.ends_with("FORMCHECKBOX") {
        "check box"
    } else if kind.ends_with("FORMDROPDOWN") {
        "drop-down form field"
    } else if code.contains("ZOTERO")
        || code.contains("EN.CITE")
        || code.contains("Mendeley")
        || code.contains("CSL_CITATION")
    {
        "citation"
    } else {
        "field"
    };
    what.to_string()
}

/// A marked range around words, by its start (a bookmark, a reference mark, an index
/// entry, a field mark, a content control), or `None`.
fn range(xml: &str) -> Option<String> {
    let has = |name: &str| xml.contains(&format!("<{name}"));
    let what = if has("w:bookmarkStart") || has("text:bookmark-start") {
        "bookmark"
    } else if has("text:reference-mark-start") {
        "reference mark"
    } else if has("text:alphabetical-index-mark-start")
        || has("text:toc-mark-start")
        || has("text:user-index-mark-start")
    {
        "index entry"
    } else if has("field:fieldmark-start") {
        return Some(field_mark(xml));
    } else if has("loext:content-control") || has("text:content-control") || has("w:sdt") {
        let list = has("loext:list-item") || has("w:dropDownList") || has("w:comboBox");
        if list {
            "content control (drop-down list)"
        } else {
            "content control"
        }
    } else if has("text:meta") {
        "metadata"
    } else {
        return None;
    };
    Some(what.to_string())
}

/// A Word field (`fldChar`s around an instruction, or a `fldSimple`): what it shows,
/// and the result Word stored.
fn field(xml: &str) -> Option<String> {
    let instruction = match attribute(xml, "w:instr") {
        Some(instr) => instr,
        None if xml.contains("w:fldChar") || xml.contains("<w:instrText") => {
            all_element_text(xml, "w:instrText")
        }
        None => return None,
    };
    let name = instruction.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
    let what = match name.as_str() {
        "PAGE" => "page number".to_string(),
        "NUMPAGES" | "SECTIONPAGES" => "number of pages".into(),
        "DATE" | "TIME" | "CREATEDATE" | "SAVEDATE" | "PRINTDATE" => "date".into(),
        "AUTHOR" | "USERNAME" | "LASTSAVEDBY" => "author's name".into(),
        "TITLE" => "document title".into(),
        "REF" | "PAGEREF" | "NOTEREF" => "cross-reference".into(),
        "HYPERLINK" => "link".into(),
        "TOC" => "table of contents".into(),
        "SEQ" => "number".into(),
        "XE" => "index entry".into(),
        "MERGEFIELD" => "merge field".into(),
        "" => "field".into(),
        other => format!("field {other}"),
    };
    // The result Word stored: the text after the instruction (a fldSimple's runs).
    let result = all_element_text(xml, "w:t");
    Some(with_result(&what, Some(result)))
}

/// `what`, and what it shows in the file, if anything.
fn with_result(what: &str, shows: Option<String>) -> String {
    match shows.filter(|s| !s.trim().is_empty()) {
        Some(shows) => format!("{what}, shows \"{}\"", short(shows.trim())),
        None => what.to_string(),
    }
}

/// A pair of codes around words: a link, a direction, or formatting.
fn pair(xml: &str, style: Option<&str>) -> Option<String> {
    if xml.contains("<w:hyperlink") || xml.contains("<text:a ") {
        return Some(match attribute(xml, "xlink:href").filter(|h| !h.starts_with('#')) {
            Some(href) => format!("link to {}", short(&href)),
            None => "link".into(),
        });
    }
    if xml.contains("<w:dir") || xml.contains("<w:bdo") {
        return Some("text direction".into());
    }
    if let Some(range) = range(xml) {
        return Some(range);
    }
    if let Some(field) = field(xml) {
        return Some(field);
    }
    Some(formatting(style.unwrap_or(xml)).unwrap_or_else(|| "formatting".into()))
}

/// What a stretch of formatting inside a paragraph looks like against the text around
/// it, both as [`word_look`] or [`odf_look`] give them: what it has that the text
/// around does not (`bold`), and what the text around has that it lacks (`not bold`:
/// the plain words of a paragraph mostly bold, whose look is the paragraph's own).
/// `None` where the two differ in nothing tolk names.
pub fn contrast(inside: &[String], around: &[String]) -> Option<String> {
    let mut out: Vec<String> = inside.iter().filter(|w| !around.contains(w)).cloned().collect();
    out.extend(around.iter().filter(|w| !inside.contains(w)).map(|w| format!("not {w}")));
    (!out.is_empty()).then(|| out.join(", "))
}

/// What OpenDocument text styles' visible properties look like, from the key the
/// `.odt` reader makes of the spans around a text (`fo:font-weight=bold
/// style:text-position=super 58%`, one span's after another's, an inner span's
/// properties overriding an outer one's): `bold`, `italic`, `superscript`, a language,
/// a parent style.
pub fn odf_look(key: &str) -> Vec<String> {
    let mut properties: Vec<(String, String)> = Vec::new();
    for span in key.split('\u{1}') {
        // Values may hold spaces (`super 58%`): a word without `=` goes on the value
        // before.
        let mut last: Option<usize> = None;
        for word in span.split(' ').filter(|w| !w.is_empty()) {
            match word.split_once('=') {
                Some((k, v)) => match properties.iter().position(|(name, _)| name == k) {
                    Some(at) => {
                        properties[at].1 = v.to_string();
                        last = Some(at);
                    }
                    None => {
                        properties.push((k.to_string(), v.to_string()));
                        last = Some(properties.len() - 1);
                    }
                },
                None => {
                    if let Some(at) = last {
                        properties[at].1.push(' ');
                        properties[at].1.push_str(word);
                    }
                }
            }
        }
    }
    let value = |name: &str| properties.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let set =
        |name: &str| value(name).is_some_and(|v| !matches!(v, "none" | "normal" | "transparent" | "0%"));
    let mut what: Vec<String> = Vec::new();
    let mut push = |shown: &str| {
        if !what.iter().any(|w| w == shown) {
            what.push(shown.to_string());
        }
    };
    if value("fo:font-weight").is_some_and(|v| v == "bold" || v.parse::<u32>().is_ok_and(|n| n >= 600)) {
        push("bold");
    }
    if value("fo:font-style").is_some_and(|v| v == "italic" || v == "oblique") {
        push("italic");
    }
    if set("style:text-underline-style") {
        push("underlined");
    }
    if set("style:text-line-through-style") {
        push("struck through");
    }
    if value("fo:font-variant") == Some("small-caps") {
        push("small capitals");
    }
    if value("fo:text-transform") == Some("uppercase") {
        push("capitals");
    }
    if set("fo:background-color") {
        push("highlighted");
    }
    if value("fo:color").is_some() {
        push("coloured");
    }
    if value("text:display") == Some("none") {
        push("hidden");
    }
    match value("style:text-position").map(|v| v.split(' ').next().unwrap_or_default()) {
        Some(p) if p == "super" || p.trim_end_matches('%').parse::<f64>().is_ok_and(|n| n > 0.0) => {
            push("superscript")
        }
        Some(p) if p == "sub" || p.trim_end_matches('%').parse::<f64>().is_ok_and(|n| n < 0.0) => {
            push("subscript")
        }
        _ => {}
    }
    if let Some(language) = value("style:rfc-language-tag").or(value("fo:language")) {
        let country = value("fo:country").filter(|_| value("style:rfc-language-tag").is_none());
        match country {
            Some(c) => push(&format!("in language {language}-{c}")),
            None => push(&format!("in language {language}")),
        }
    }
    if let Some(parent) = value("parent") {
        push(&format!("style {parent}"));
    }
    what
}

/// What run properties (a Word `w:rPr`) look like, as [`formatting`] names them, one
/// by one.
pub fn word_look(properties: &str) -> Vec<String> {
    formatting(properties).map(|f| f.split(", ").map(str::to_string).collect()).unwrap_or_default()
}

/// What run properties (a Word `w:rPr`) look like: `bold, italic`, a style, a
/// language; `None` where they say nothing of that.
fn formatting(properties: &str) -> Option<String> {
    let on = |name: &str| {
        properties.split(&format!("<{name}")).skip(1).any(|rest| {
            let tag = rest.split('>').next().unwrap_or_default();
            // `<w:b/>`, `<w:b w:val="1"/>`, not `<w:b w:val="0"/>` nor `<w:bCs/>`.
            (tag.starts_with('/') || tag.starts_with(' ') || tag.is_empty())
                && !tag.contains("w:val=\"0\"")
                && !tag.contains("w:val=\"false\"")
                && !tag.contains("w:val=\"off\"")
                && !tag.contains("w:val=\"none\"")
                && !tag.contains("w:val=\"auto\"")
        })
    };
    let mut what = Vec::new();
    for (name, shown) in [
        ("w:b", "bold"),
        ("w:i", "italic"),
        ("w:u", "underlined"),
        ("w:strike", "struck through"),
        ("w:dstrike", "struck through"),
        ("w:smallCaps", "small capitals"),
        ("w:caps", "capitals"),
        ("w:highlight", "highlighted"),
        ("w:color", "coloured"),
        ("w:rtl", "right-to-left"),
        ("w:vanish", "hidden"),
    ] {
        if on(name) && !what.contains(&shown) {
            what.push(shown);
        }
    }
    if properties.contains("w:val=\"superscript\"") {
        what.push("superscript");
    }
    if properties.contains("w:val=\"subscript\"") {
        what.push("subscript");
    }
    let style_name = properties.split("<w:rStyle").nth(1).and_then(|rest| attribute(rest, "w:val"));
    let language = properties.split("<w:lang").nth(1).and_then(|rest| attribute(rest, "w:val"));
    let mut out = what.join(", ");
    if let Some(language) = language {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(&format!("in language {language}"));
    }
    if let Some(name) = style_name {
        if !out.is_empty() {
            out.push_str(", ");
        }
        out.push_str(&format!("style {name}"));
    }
    (!out.is_empty()).then_some(out)
}

/// The value of the first attribute `name` in `xml`, unescaped.
fn attribute(xml: &str, name: &str) -> Option<String> {
    let at = xml.find(&format!(" {name}=\""))? + name.len() + 3;
    let value = &xml[at..];
    let end = value.find('"')?;
    Some(unescape(&value[..end]))
}

/// The text of the first element `name` in `xml`.
fn element_text(xml: &str, name: &str) -> Option<String> {
    let open = xml.find(&format!("<{name}"))?;
    let rest = &xml[open..];
    let start = rest.find('>')? + 1;
    if rest[..start].ends_with("/>") {
        return None;
    }
    let end = rest.find(&format!("</{name}>"))?;
    (start <= end).then(|| strip_tags(&rest[start..end]))
}

/// The text of every element `name` in `xml`, joined.
fn all_element_text(xml: &str, name: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(open) = rest.find(&format!("<{name}")) {
        let after = &rest[open + name.len() + 1..];
        // `<w:t>` and `<w:t xml:space=…>`, not `<w:tab/>`.
        if !after.starts_with(['>', ' ']) {
            rest = after;
            continue;
        }
        let Some(start) = after.find('>') else { break };
        let body = &after[start + 1..];
        if after[..start].ends_with('/') {
            rest = body;
            continue;
        }
        let Some(end) = body.find(&format!("</{name}>")) else { break };
        out.push_str(&strip_tags(&body[..end]));
        rest = &body[end..];
    }
    out
}

/// `xml` without its tags, unescaped.
fn strip_tags(xml: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in xml.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    unescape(&out)
}

/// XML's five escapes undone (character references are left as they are).
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// `text` on one line, shortened to 40 characters.
fn short(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let text = words.join(" ");
    let mut out: String = text.chars().take(40).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lone_tag(xml: &str) -> Option<String> {
        describe(Tag { open: xml, close: None, style: None })
    }

    #[test]
    fn word_and_libreoffice_codes_are_named() {
        let date = r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DATE \@ "d. MMMM yyyy" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>2. desember 2026</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
        assert_eq!(lone_tag(date).as_deref(), Some("date, shows \"2. desember 2026\""));
        assert_eq!(
            lone_tag(r#"<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>3</w:t></w:r></w:fldSimple>"#).as_deref(),
            Some("number of pages, shows \"3\"")
        );
        assert_eq!(lone_tag(r#"<w:r><w:footnoteReference w:id="2"/></w:r>"#).as_deref(), Some("footnote"));
        assert_eq!(lone_tag(r#"<w:r><w:br/></w:r>"#).as_deref(), Some("line break"));
        assert_eq!(lone_tag(r#"<w:r><w:br w:type="page"/></w:r>"#).as_deref(), Some("page break"));
        assert_eq!(lone_tag(r#"<w:r><w:tab/></w:r>"#).as_deref(), Some("tab"));
        assert_eq!(
            lone_tag(r#"<w:r><w:drawing><wp:docPr id="1" name="Bilde 1" descr="Kart over Tromsø"/></w:drawing></w:r>"#)
                .as_deref(),
            Some("image (Kart over Tromsø)")
        );
        assert_eq!(
            lone_tag(r#"<text:note text:note-class="endnote"><text:note-citation>i</text:note-citation></text:note>"#)
                .as_deref(),
            Some("endnote")
        );
        assert_eq!(
            lone_tag(r#"<text:date style:data-style-name="N37">02.12.26</text:date>"#).as_deref(),
            Some("date, shows \"02.12.26\"")
        );
        assert_eq!(
            lone_tag(r#"<office:annotation><dc:creator>Kari</dc:creator></office:annotation>"#).as_deref(),
            Some("comment")
        );
        assert_eq!(lone_tag("<w:r><w:lastRenderedPageBreak/></w:r>"), None);
        // LibreOffice's fields and marks, as it writes them.
        for (xml, what) in [
            (r#"<text:subject/>"#, "document subject"),
            (r#"<text:file-name text:display="name">fields</text:file-name>"#, "file name, shows \"fields\""),
            (
                r#"<text:text-input text:description="Navn">Ola Nordmann</text:text-input>"#,
                "input field, shows \"Ola Nordmann\"",
            ),
            (
                r#"<text:drop-down text:name="Fylke"><text:label text:value="Troms"/><text:label text:value="Nordland"/>Troms</text:drop-down>"#,
                "drop-down list, shows \"Troms\"",
            ),
            (
                r#"<text:user-field-get text:name="Sted">Lofoten</text:user-field-get>"#,
                "variable, shows \"Lofoten\"",
            ),
            (
                r#"<text:placeholder text:placeholder-type="text">&lt;navn&gt;</text:placeholder>"#,
                "placeholder, shows \"<navn>\"",
            ),
            (
                r#"<text:ruby text:style-name="Ru1"><text:ruby-base>skrei</text:ruby-base><text:ruby-text>torsk</text:ruby-text></text:ruby>"#,
                "ruby, shows \"skrei\"",
            ),
            (
                r#"<text:alphabetical-index-mark text:string-value=" " text:key1="Henningsvær"/>"#,
                "index entry",
            ),
            (r#"<text:reference-mark text:name="r1"/>"#, "reference mark"),
            (
                r#"<field:fieldmark-start text:name="Tekst1" field:type="vnd.oasis.opendocument.field.FORMTEXT"/><field:fieldmark-separator/><field:fieldmark-end/>"#,
                "text form field",
            ),
            (
                r#"<field:fieldmark text:name="Avkryss1" field:type="vnd.oasis.opendocument.field.FORMCHECKBOX"/>"#,
                "check box",
            ),
            (
                r#"<text:span text:style-name="T1"><text:word-count>12</text:word-count></text:span>"#,
                "field, shows \"12\"",
            ),
            (
                r#"<draw:frame draw:name="Boks"><draw:text-box><text:p>Tekst.</text:p></draw:text-box></draw:frame>"#,
                "text box",
            ),
        ] {
            assert_eq!(lone_tag(xml).as_deref(), Some(what), "{xml}");
        }
        assert_eq!(
            lone_tag(r#"<w:r><w:rPr><w:vanish/></w:rPr><w:t> Skjult.</w:t></w:r>"#).as_deref(),
            Some("hidden text")
        );
    }

    #[test]
    fn a_pair_is_named_by_its_link_or_formatting() {
        let pair = |open: &str, style: Option<&str>| describe(Tag { open, close: Some(""), style });
        assert_eq!(pair("", Some("<w:rPr><w:b/><w:i/></w:rPr>")).as_deref(), Some("bold, italic"));
        assert_eq!(
            pair("", Some(r#"<w:rPr><w:b w:val="0"/><w:bCs/><w:u w:val="single"/></w:rPr>"#)).as_deref(),
            Some("underlined")
        );
        assert_eq!(
            pair("", Some(r#"<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>"#)).as_deref(),
            Some("superscript")
        );
        assert_eq!(
            pair("", Some(r#"<w:rPr><w:rStyle w:val="Sitat"/></w:rPr>"#)).as_deref(),
            Some("style Sitat")
        );
        assert_eq!(
            pair("", Some(r#"<w:rPr><w:rtl w:val="true"/></w:rPr>"#)).as_deref(),
            Some("right-to-left")
        );
        assert_eq!(
            pair("", Some(r#"<w:rPr><w:i/><w:lang w:val="de-DE"/></w:rPr>"#)).as_deref(),
            Some("italic, in language de-DE")
        );
        // Off and automatic are no formatting.
        assert_eq!(
            pair("", Some(r#"<w:rPr><w:b w:val="off"/><w:color w:val="auto"/><w:i/></w:rPr>"#)).as_deref(),
            Some("italic")
        );
        assert_eq!(pair(r#"<w:hyperlink r:id="rId4">"#, None).as_deref(), Some("link"));
        assert_eq!(
            pair(r#"<text:a xlink:type="simple" xlink:href="https://lyse.no/">"#, None).as_deref(),
            Some("link to https://lyse.no/")
        );
        assert_eq!(pair(r#"<text:span text:style-name="T1">"#, None).as_deref(), Some("formatting"));
    }

    /// Regression (a new-user trial): the plain words of a paragraph mostly bold were
    /// `{1}…{/1} = formatting`, and a LibreOffice superscript was "formatting" too.
    #[test]
    fn a_stretch_is_named_against_the_text_around_it() {
        let bold = word_look("<w:rPr><w:b/></w:rPr>");
        assert_eq!(contrast(&[], &bold).as_deref(), Some("not bold"));
        assert_eq!(contrast(&bold, &[]).as_deref(), Some("bold"));
        let both = word_look("<w:rPr><w:b/><w:vertAlign w:val=\"superscript\"/></w:rPr>");
        assert_eq!(contrast(&both, &bold).as_deref(), Some("superscript"));
        assert_eq!(contrast(&bold, &bold), None);
        assert_eq!(odf_look("fo:font-weight=bold"), ["bold"]);
        assert_eq!(odf_look("fo:font-style=italic fo:font-weight=700"), ["bold", "italic"]);
        assert_eq!(odf_look("style:text-position=super 58%"), ["superscript"]);
        assert_eq!(odf_look("style:text-position=-33% 58%"), ["subscript"]);
        assert_eq!(
            odf_look("style:text-underline-style=solid style:text-underline-width=auto"),
            ["underlined"]
        );
        assert_eq!(odf_look("style:text-line-through-style=none"), Vec::<String>::new());
        assert_eq!(odf_look("fo:country=DE fo:language=de"), ["in language de-DE"]);
        // Spans inside spans, as the reader keys them: the inner one's look wins.
        assert_eq!(odf_look("fo:font-weight=bold\u{1}fo:font-style=italic\u{1}"), ["bold", "italic"]);
        assert_eq!(odf_look("fo:font-weight=bold\u{1}fo:font-weight=normal\u{1}"), Vec::<String>::new());
        assert_eq!(contrast(&[], &odf_look("fo:font-weight=bold")).as_deref(), Some("not bold"));
        // Marked ranges around words, by their start.
        for (xml, what) in [
            (r#"<w:bookmarkStart w:id="0" w:name="fotograf"/>"#, "bookmark"),
            (r#"<text:bookmark-start text:name="fotograf"/>"#, "bookmark"),
            (r#"<text:reference-mark-start text:name="ref1"/>"#, "reference mark"),
            (r#"<text:alphabetical-index-mark-start text:id="IMark1"/>"#, "index entry"),
            (
                r#"<field:fieldmark-start text:name="Bookmark" field:type="vnd.oasis.opendocument.field.UNHANDLED"><field:param field:name="vnd.oasis.opendocument.field.code" field:value="ADDIN ZOTERO_ITEM CSL_CITATION {}"/></field:fieldmark-start><field:fieldmark-separator/>"#,
                "citation",
            ),
            (r#"<loext:content-control>"#, "content control"),
            (
                r#"<w:sdt><w:sdtPr><w:dropDownList><w:listItem w:value="Troms"/></w:dropDownList></w:sdtPr><w:sdtContent>"#,
                "content control (drop-down list)",
            ),
            (r#"<text:meta xml:id="m1">"#, "metadata"),
        ] {
            assert_eq!(pair(xml, Some("<w:rPr><w:b/></w:rPr>")).as_deref(), Some(what), "{xml}");
        }
    }
}
