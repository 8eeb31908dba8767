//! Java/ICU regex syntax, as SRX files are written, translated into the `regex` crate's
//! where the two differ; what the crate cannot do (look-around, backreferences,
//! possessive quantifiers, atomic groups) is refused by name.

use std::fmt::Write as _;

/// Java's `\h` (horizontal white space) as a class body.
pub(super) const JAVA_H: &str = r"\x20\t\u00A0\u1680\u180E\u2000-\u200A\u202F\u205F\u3000";

/// Java's `\v` (vertical white space) as a class body.
pub(super) const JAVA_V: &str = r"\n\x0B\x0C\r\u0085\u2028\u2029";

/// A Java/ICU regex, as SRX files are written, rewritten for the `regex` crate; or why
/// it cannot be. Only what differs is touched: `\Q...\E`, `\h`, `\v`, `\Z`, `\e`, the
/// literal `\<` and `\>`, and the Java-only flags `d`, `u` and `U` (the crate is
/// Unicode-aware throughout).
pub(super) fn translate(java: &str) -> std::result::Result<String, String> {
    let cannot =
        |what: &str| Err(format!("uses {what}, which tolk cannot apply; rewrite the rule without it"));
    let chars: Vec<char> = java.chars().collect();
    let mut out = String::with_capacity(java.len() + 8);
    let mut verbose = false;
    let mut depth = 0usize; // of nested character classes
    let mut class_start = false; // right after `[` or `[^`, where `]` is literal
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\\' {
            let Some(e) = next else { return Err("ends in a lone backslash".to_string()) };
            i += 2;
            class_start = false;
            match e {
                'Q' => {
                    let rest: String = chars[i..].iter().collect();
                    let (quoted, used) = match rest.find("\\E") {
                        Some(n) => (&rest[..n], rest[..n].chars().count() + 2),
                        None => (rest.as_str(), rest.chars().count()),
                    };
                    for q in quoted.chars() {
                        // Not `<` or `>`: the crate reads `\<` and `\>` as word boundaries.
                        if "\\.+*?()|[]{}^$#&-~".contains(q) {
                            out.push('\\');
                        }
                        out.push(q);
                    }
                    i += used;
                }
                '1'..='9' => return cannot(&format!("the backreference `\\{e}`")),
                'k' if next_is(&chars, i, '<') => return cannot("a named backreference `\\k<...>`"),
                'G' => return cannot("`\\G` (the end of the previous match)"),
                'Z' if depth == 0 => out.push_str(r"\z"),
                'e' => out.push_str(r"\x1B"),
                'h' | 'v' => {
                    let body = if e == 'h' { JAVA_H } else { JAVA_V };
                    if depth == 0 {
                        let _ = write!(out, "[{body}]");
                    } else {
                        out.push_str(body);
                    }
                }
                '<' | '>' => out.push(e),
                _ => {
                    out.push('\\');
                    out.push(e);
                }
            }
            continue;
        }
        if c == '[' {
            depth += 1;
            out.push('[');
            i += 1;
            if chars.get(i) == Some(&'^') {
                out.push('^');
                i += 1;
            }
            class_start = true;
            continue;
        }
        if depth > 0 {
            if c == ']' && !class_start {
                depth -= 1;
            }
            class_start = false;
            out.push(c);
            i += 1;
            continue;
        }
        if c == '(' && next == Some('?') {
            let rest = &chars[i + 2..];
            match rest {
                ['=', ..] => return cannot("a look-ahead `(?=`"),
                ['!', ..] => return cannot("a negative look-ahead `(?!`"),
                ['<', '=', ..] => return cannot("a look-behind `(?<=`"),
                ['<', '!', ..] => return cannot("a negative look-behind `(?<!`"),
                ['>', ..] => return cannot("an atomic group `(?>`"),
                _ => {}
            }
            let flags: String = rest.iter().take_while(|c| c.is_ascii_alphabetic() || **c == '-').collect();
            if let (false, Some(end @ (':' | ')'))) =
                (flags.is_empty(), rest.get(flags.chars().count()).copied())
            {
                let (on, off) = flags.split_once('-').unwrap_or((&flags, ""));
                let keep =
                    |set: &str| set.chars().filter(|f| !matches!(f, 'd' | 'u' | 'U')).collect::<String>();
                let (on, off) = (keep(on), keep(off));
                verbose |= on.contains('x');
                let kept = if off.is_empty() { on } else { format!("{on}-{off}") };
                if !kept.is_empty() {
                    let _ = write!(out, "(?{kept}{end}");
                } else if end == ':' {
                    out.push_str("(?:");
                }
                i += 2 + flags.chars().count() + 1;
                continue;
            }
            out.push_str("(?");
            i += 2;
            continue;
        }
        if matches!(c, '*' | '+' | '?' | '}') && next == Some('+') {
            return cannot(&format!("the possessive quantifier `{c}+`"));
        }
        out.push(c);
        i += 1;
    }
    if verbose {
        // A trailing `# comment` must not swallow what tolk wraps around the pattern.
        out.push('\n');
    }
    Ok(out)
}

pub(super) fn next_is(chars: &[char], i: usize, c: char) -> bool {
    chars.get(i) == Some(&c)
}
