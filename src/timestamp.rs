//! Timestamps of memory entries: ISO 8601 as written in CSV, and the compact TMX form.
//!
//! Only what translation memories use is accepted: a date (`2026-11-22`) or a date and
//! time with optional seconds and fraction and an optional zone (`Z` or `±HH:MM`), and
//! TMX's `20261122T153000Z`. A TMX file's dates are read more loosely
//! ([`Timestamp::parse_tmx`]: the basic forms tools write without the `Z` or the time,
//! and Wordfast's `20261122~153000`); a memory's own columns hold only the forms above.
//! Everything is kept as seconds since 1970 in UTC, so "most recently changed" is a
//! plain comparison. No time-zone database is needed.

use std::fmt;

/// A moment, in whole seconds since 1970-01-01T00:00:00Z.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The current time.
    pub fn now() -> Timestamp {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        Timestamp(secs)
    }

    /// Parses ISO 8601 (`2026-11-22`, `2026-11-22T15:30`, `2026-11-22T15:30:00.5+01:00`,
    /// `2026-11-22 15:30:00Z`) or the TMX form (`20261122T153000Z`).
    pub fn parse(s: &str) -> Option<Timestamp> {
        let s = s.trim();
        let b = s.as_bytes();
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let part = b.get(r)?;
            if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            std::str::from_utf8(part).ok()?.parse().ok()
        };
        // TMX: YYYYMMDDThhmmssZ
        if b.len() == 16 && b[8] == b'T' && b[15] == b'Z' {
            let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
            let (h, mi, sec) = (num(9..11)?, num(11..13)?, num(13..15)?);
            return Timestamp::from_parts(y, mo, d, h, mi, sec, 0);
        }
        if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if b.len() == 10 {
            return Timestamp::from_parts(y, mo, d, 0, 0, 0, 0);
        }
        if !matches!(b[10], b'T' | b' ') || b.len() < 16 || b[13] != b':' {
            return None;
        }
        let (h, mi) = (num(11..13)?, num(14..16)?);
        let mut at = 16;
        let mut sec = 0;
        if b.get(at) == Some(&b':') {
            sec = num(at + 1..at + 3)?;
            at += 3;
            if b.get(at) == Some(&b'.') || b.get(at) == Some(&b',') {
                at += 1;
                let digits = b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
                if digits == 0 {
                    return None;
                }
                at += digits;
            }
        }
        let offset = match &b[at..] {
            [] | [b'Z'] => 0,
            [sign @ (b'+' | b'-'), ..] => {
                let rest = &s[at + 1..];
                let (oh, om) = match rest.len() {
                    5 if rest.as_bytes()[2] == b':' => (num(at + 1..at + 3)?, num(at + 4..at + 6)?),
                    4 => (num(at + 1..at + 3)?, num(at + 3..at + 5)?),
                    2 => (num(at + 1..at + 3)?, 0),
                    _ => return None,
                };
                if oh > 23 || om > 59 {
                    return None;
                }
                let off = oh * 3600 + om * 60;
                if *sign == b'+' {
                    off
                } else {
                    -off
                }
            }
            _ => return None,
        };
        Timestamp::from_parts(y, mo, d, h, mi, sec, offset)
    }

    /// Parses a date of a TMX file: what [`Timestamp::parse`] reads, and ISO 8601's
    /// basic forms as tools write them: without the `Z` (`20261122T153000`, taken as
    /// UTC), without seconds (`20261122T1530Z`), with an offset (`20261122T153000+0100`),
    /// the date alone (`20261122`), and Wordfast's `~` for the `T` (`20261122~153000`).
    pub fn parse_tmx(s: &str) -> Option<Timestamp> {
        let s = s.trim();
        if let Some(t) = Timestamp::parse(s) {
            return Some(t);
        }
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|p| p.iter().all(u8::is_ascii_digit));
        if !digits(0..8) {
            return None;
        }
        // The extended form of the same moment, which `parse` reads.
        let date = format!("{}-{}-{}", &s[0..4], &s[4..6], &s[6..8]);
        if b.len() == 8 {
            return Timestamp::parse(&date);
        }
        if !matches!(b[8], b'T' | b'~') {
            return None;
        }
        let time = b[9..].iter().take_while(|c| c.is_ascii_digit()).count();
        let zone = &s[9 + time..];
        let zone = match zone.as_bytes() {
            [] | [b'Z'] => "Z".to_string(),
            [sign @ (b'+' | b'-'), rest @ ..] if rest.len() == 4 && rest.iter().all(u8::is_ascii_digit) => {
                format!("{}{}:{}", *sign as char, &zone[1..3], &zone[3..5])
            }
            [b'+' | b'-', ..] => zone.to_string(),
            _ => return None,
        };
        let hms = &s[9..9 + time];
        let time = match time {
            4 => format!("{}:{}", &hms[0..2], &hms[2..4]),
            6 => format!("{}:{}:{}", &hms[0..2], &hms[2..4], &hms[4..6]),
            _ => return None,
        };
        Timestamp::parse(&format!("{date}T{time}{zone}"))
    }

    fn from_parts(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64, offset: i64) -> Option<Timestamp> {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let days_in_month = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        if !(1..=12).contains(&mo) || d < 1 || d > days_in_month[(mo - 1) as usize] {
            return None;
        }
        if h > 23 || mi > 59 || s > 60 {
            return None;
        }
        let days = days_from_civil(y, mo, d);
        Some(Timestamp(days * 86_400 + h * 3600 + mi * 60 + s.min(59) - offset))
    }

    fn parts(self) -> (i64, i64, i64, i64, i64, i64) {
        let days = self.0.div_euclid(86_400);
        let secs = self.0.rem_euclid(86_400);
        let (y, mo, d) = civil_from_days(days);
        (y, mo, d, secs / 3600, secs % 3600 / 60, secs % 60)
    }

    /// The TMX form, `20261122T153000Z`.
    pub fn tmx(self) -> String {
        let (y, mo, d, h, mi, s) = self.parts();
        format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
    }
}

impl fmt::Display for Timestamp {
    /// ISO 8601 in UTC, `2026-11-22T15:30:00Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, mo, d, h, mi, s) = self.parts();
        write!(f, "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_iso_and_tmx_forms() {
        let t = Timestamp::parse("2026-11-22T15:30:00Z").unwrap();
        assert_eq!(t.to_string(), "2026-11-22T15:30:00Z");
        assert_eq!(t.tmx(), "20261122T153000Z");
        assert_eq!(Timestamp::parse("20261122T153000Z"), Some(t));
        assert_eq!(Timestamp::parse("2026-11-22T16:30:00+01:00"), Some(t));
        assert_eq!(Timestamp::parse("2026-11-22 15:30:00.250Z"), Some(t));
        assert_eq!(Timestamp::parse("2026-11-22T15:30"), Some(t));
        assert_eq!(Timestamp::parse("2026-11-22").unwrap().to_string(), "2026-11-22T00:00:00Z");
        assert_eq!(Timestamp::parse("1970-01-01T00:00:00Z"), Some(Timestamp(0)));
        assert_eq!(Timestamp::parse("2024-02-29").unwrap().tmx(), "20240229T000000Z");
    }

    #[test]
    fn tmx_dates_are_read_in_the_forms_tools_write() {
        let t = Timestamp::parse("2023-10-05T10:10:10Z");
        for form in [
            "20231005T101010Z",
            "20231005T101010",
            "20231005~101010",
            "2023-10-05T10:10:10Z",
            "20231005T121010+0200",
            "20231005T121010+02:00",
            " 20231005T101010Z ",
        ] {
            assert_eq!(Timestamp::parse_tmx(form), t, "{form}");
        }
        assert_eq!(Timestamp::parse_tmx("20231005").unwrap().to_string(), "2023-10-05T00:00:00Z");
        assert_eq!(Timestamp::parse_tmx("20231005T1010Z").unwrap().to_string(), "2023-10-05T10:10:00Z");
        for bad in [
            "",
            "igår",
            "2023100",
            "20231305",
            "20231005T",
            "20231005T1010101",
            "20231005X101010",
            "20231005T101010Q",
            "20231005T251010Z",
            "20231005T101010+2",
        ] {
            assert_eq!(Timestamp::parse_tmx(bad), None, "{bad}");
        }
        // A memory's own columns stay ISO 8601's extended forms and TMX's.
        assert_eq!(Timestamp::parse("20231005T101010"), None);
    }

    #[test]
    fn rejects_what_is_not_a_date() {
        for bad in
            ["", "yesterday", "2026-13-01", "2025-02-29", "2026-11-22T25:00", "2026-11-22X", "22.11.2026"]
        {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
    }
}
