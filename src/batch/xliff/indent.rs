//! Line breaks and indentation a tool put between a unit's tags and text: a file written
//! again by a tool that re-indents XML (Python's minidom, an editor's "format document")
//! puts every inline tag of a source or target on a line of its own, indented, whatever
//! `xml:space` says.
//!
//! tolk's sentences never hold a line break, so white space with one next to an inline
//! element (or at a source's or target's start or end) is the file's indentation, not
//! text: a *gap*. What the text had there is not always in the file, and two readings are
//! offered ([`Indentation`]): the tool *added* the line break and its indentation and
//! kept the text as it was (minidom: the text's own space stays before the line break,
//! or after the indentation of its level, which the lines of the tags show), or it put
//! the line break *in place of* a space (as XML's default white space handling lets a
//! tool). The import checks each reading's source against the sentence as issued and
//! takes the first that gives it exactly, so the target's spacing comes from the rule
//! the source proves; this module only reads, and never guesses which is right.
//!
//! It knows nothing of ids or placeholders: its input is a source's or target's pieces
//! as read, each at the level it is nested at (1 for the element's children), and marks
//! where an element without a tag of its own (`mrk`, another tool's) began or ended.

use std::collections::HashMap;

use super::Inline;

/// A piece of a source or target as read: its text and codes, or a mark where an element
/// without a code of its own began or ended (its edge is a place indentation goes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Raw {
    Piece(Inline),
    Mark,
}

/// How a gap (white space with a line break next to a tag) is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Indentation {
    /// The line break and the indentation after it were added, the text kept: what
    /// stands before the line break, and what stands after it beyond its level's
    /// indentation, is the text's.
    Added,
    /// The line break and its indentation stand in place of a space: one space, none at
    /// the start and end of the source or target.
    Replacing,
}

/// Whether `c` is XML white space.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// `raw` with each run of texts (split by a comment or a CDATA section, no tag) as one.
pub(super) fn merged(raw: Vec<(Raw, usize)>) -> Vec<(Raw, usize)> {
    let mut out: Vec<(Raw, usize)> = Vec::with_capacity(raw.len());
    for (piece, level) in raw {
        match (out.last_mut(), piece) {
            (Some((Raw::Piece(Inline::Text(last)), _)), Raw::Piece(Inline::Text(t))) => last.push_str(&t),
            (_, piece) => out.push((piece, level)),
        }
    }
    out
}

/// The pieces of `items` (merged) as they are, their marks left out.
pub(super) fn pieces(items: &[(Raw, usize)]) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    for (piece, _) in items {
        match (out.last_mut(), piece) {
            (_, Raw::Mark) => {}
            (_, Raw::Piece(Inline::Text(t))) if t.is_empty() => {}
            (Some(Inline::Text(last)), Raw::Piece(Inline::Text(t))) => last.push_str(t),
            (_, Raw::Piece(piece)) => out.push(piece.clone()),
        }
    }
    out
}

/// The white space a text starts and ends with (the whole of it when it is only white
/// space: then both).
fn runs(t: &str) -> (&str, &str) {
    let lead = t.len() - t.trim_start_matches(is_space).len();
    if lead == t.len() {
        return (t, t);
    }
    let trail = t.trim_end_matches(is_space).len();
    (&t[..lead], &t[trail.max(lead).min(t.len())..])
}

/// Whether `items` (merged) has a gap: white space with a line break at a text's start
/// or end, each of which is next to a tag, a mark or the element's edge.
pub(super) fn has_gap(items: &[(Raw, usize)]) -> bool {
    items.iter().any(|(piece, _)| match piece {
        Raw::Piece(Inline::Text(t)) => {
            let (lead, trail) = runs(t);
            lead.contains('\n') || trail.contains('\n')
        }
        _ => false,
    })
}

/// The white space before a gap's first line break and after its last.
fn around(gap: &str) -> (&str, &str) {
    let first = gap.find('\n').unwrap_or(gap.len());
    let last = gap.rfind('\n').map_or(gap.len(), |i| i + 1);
    (&gap[..first], &gap[last..])
}

/// `items` (merged) with every gap read `how`, as pieces without marks; and whether the
/// file shows it kept the text's own white space beside its indentation (a space
/// before a line break, or more after one than its level's indentation), which says
/// [`Indentation::Added`] is the tool's way. `None` where the file cannot be read `how`:
/// the lines of one level indented two ways, or a text less indented than its level.
pub(super) fn respace(items: &[(Raw, usize)], how: Indentation) -> Option<(Vec<Inline>, bool)> {
    // Each level's indentation, from the lines a tag (or the element's end) starts: a
    // tag has no text before it on its line.
    let mut indent: HashMap<usize, &str> = HashMap::new();
    for (i, (piece, _)) in items.iter().enumerate() {
        let Raw::Piece(Inline::Text(t)) = piece else { continue };
        let (_, trail) = runs(t);
        if !trail.contains('\n') {
            continue;
        }
        let level = items.get(i + 1).map_or(0, |(_, l)| *l);
        let (_, after) = around(trail);
        if *indent.entry(level).or_insert(after) != after && how == Indentation::Added {
            return None;
        }
    }
    let last = items.len().saturating_sub(1);
    let mut kept = false;
    let mut out: Vec<(Raw, usize)> = Vec::with_capacity(items.len());
    for (i, (piece, level)) in items.iter().enumerate() {
        let Raw::Piece(Inline::Text(t)) = piece else {
            out.push((piece.clone(), *level));
            continue;
        };
        let (lead, trail) = runs(t);
        let whole = lead.len() == t.len();
        // What stands for a gap: one followed by text (`before_text`) or by a tag or
        // the end, at the element's edge or inside.
        let read = |gap: &str, before_text: bool, edge: bool, kept: &mut bool| -> Option<String> {
            let (before, after) = around(gap);
            match how {
                Indentation::Replacing => Some(if edge { String::new() } else { " ".into() }),
                Indentation::Added => {
                    let extra = match (before_text, indent.get(level)) {
                        (true, Some(ind)) => after.strip_prefix(ind)?,
                        _ => "",
                    };
                    *kept |= !before.is_empty() || !extra.is_empty();
                    Some(format!("{before}{extra}"))
                }
            }
        };
        let text = if whole && t.contains('\n') {
            read(t, false, i == 0 || i == last, &mut kept)?
        } else if whole {
            t.clone()
        } else {
            let mut text = String::with_capacity(t.len());
            match lead.contains('\n') {
                true => text.push_str(&read(lead, true, i == 0, &mut kept)?),
                false => text.push_str(lead),
            }
            text.push_str(&t[lead.len()..t.len() - trail.len()]);
            match trail.contains('\n') {
                true => text.push_str(&read(trail, false, i == last, &mut kept)?),
                false => text.push_str(trail),
            }
            text
        };
        out.push((Raw::Piece(Inline::Text(text)), *level));
    }
    Some((pieces(&out), kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `xml`-like shorthand as items: `<n>` and `</n>` a pair's ends with id `n`, `<n/>` a
    /// lone code, `<m>` and `</m>` a mark's element, each at the level its nesting gives.
    fn items(text: &str) -> Vec<(Raw, usize)> {
        let mut out = Vec::new();
        let mut level = 1;
        let mut rest = text;
        while !rest.is_empty() {
            if let Some(tag) = rest.strip_prefix('<') {
                let end = tag.find('>').unwrap();
                let name = &tag[..end];
                rest = &tag[end + 1..];
                if let Some(id) = name.strip_suffix('/') {
                    out.push((Raw::Piece(Inline::Lone(id.into())), level));
                } else if let Some(id) = name.strip_prefix('/') {
                    level -= 1;
                    let piece = if id == "m" { Raw::Mark } else { Raw::Piece(Inline::Close(id.into())) };
                    out.push((piece, level));
                } else {
                    let piece = if name == "m" { Raw::Mark } else { Raw::Piece(Inline::Open(name.into())) };
                    out.push((piece, level));
                    level += 1;
                }
            } else {
                let end = rest.find('<').unwrap_or(rest.len());
                out.push((Raw::Piece(Inline::Text(rest[..end].into())), level));
                rest = &rest[end..];
            }
        }
        merged(out)
    }

    /// The pieces read `how`, written back in the shorthand.
    fn read(text: &str, how: Indentation) -> Option<(String, bool)> {
        let (pieces, kept) = respace(&items(text), how)?;
        let shown = pieces
            .iter()
            .map(|p| match p {
                Inline::Text(t) => t.clone(),
                Inline::Open(id) => format!("<{id}>"),
                Inline::Close(id) => format!("</{id}>"),
                Inline::Lone(id) => format!("<{id}/>"),
            })
            .collect();
        Some((shown, kept))
    }

    /// As minidom writes `Takk til alle, og <1>spesielt</1> til <2>Kari</2> som lagde
    /// <3/>!`: each text and tag on a line of its own, the text as it was.
    const MINIDOM: &str =
        "\n          Takk til alle, og \n          <1>spesielt</1>\n           til \n          \
                           <2>Kari</2>\n           som lagde \n          <3/>\n          !\n        ";

    #[test]
    fn a_tool_that_added_line_breaks_is_read_back_exactly() {
        let original = "Takk til alle, og <1>spesielt</1> til <2>Kari</2> som lagde <3/>!";
        assert_eq!(read(MINIDOM, Indentation::Added), Some((original.to_string(), true)));
        // With tabs, and nested pairs whose children are indented a level further.
        let nested = "\n\t\t<1>\n\t\t\tLyse \n\t\t\t<2>Dialog</2>\n\t\t</1>\n\t\t er glade.\n\t";
        assert_eq!(
            read(nested, Indentation::Added),
            Some(("<1>Lyse <2>Dialog</2></1> er glade.".to_string(), true))
        );
        // A mark around it all, as OmegaT and Trados write one.
        let marked = "\n  <m>\n    Ja \n    <1>da</1>\n    .\n  </m>\n";
        assert_eq!(read(marked, Indentation::Added), Some(("Ja <1>da</1>.".to_string(), true)));
    }

    #[test]
    fn a_tool_that_put_line_breaks_for_spaces_is_read_as_xml_allows() {
        assert_eq!(
            read("\n  Les\n  <1>vilkårene</1>\n  nå.\n", Indentation::Replacing),
            Some(("Les <1>vilkårene</1> nå.".to_string(), false))
        );
        // Read the other way, the words run into the tags, and nothing shows the text
        // kept its spaces.
        assert_eq!(
            read("\n  Les\n  <1>vilkårene</1>\n  nå.\n", Indentation::Added),
            Some(("Les<1>vilkårene</1>nå.".to_string(), false))
        );
        assert_eq!(
            read(MINIDOM, Indentation::Replacing).unwrap().0,
            "Takk til alle, og <1>spesielt</1> til <2>Kari</2> som lagde <3/> !"
        );
    }

    #[test]
    fn gaps_are_only_white_space_with_a_line_break() {
        assert!(!has_gap(&items("Hei <1>du</1> der.")));
        assert!(!has_gap(&items(" Hei\t<1>du</1>  der. ")));
        assert!(has_gap(&items("Hei\n<1>du</1> der.")));
        assert!(has_gap(&items("\nHei <1>du</1> der.")));
        // A line break inside a text, away from any tag, is no gap.
        assert!(!has_gap(&items("Hei\nder <1>du</1>.")));
        assert_eq!(read("Hei\nder <1>du</1>.", Indentation::Added).unwrap().0, "Hei\nder <1>du</1>.");
    }

    #[test]
    fn indentation_that_disagrees_is_no_added_reading() {
        // Two tags of one level indented two ways.
        assert_eq!(read("\n  a \n  <1>b</1>\n    c \n    <2/>\n", Indentation::Added), None);
        // A text indented less than its level.
        assert_eq!(read("\n    a \n    <1>b</1>\n  c\n", Indentation::Added), None);
        assert!(read("\n    a \n    <1>b</1>\n  c\n", Indentation::Replacing).is_some());
    }
}
