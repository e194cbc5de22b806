//! Picture captions and credits: "(Photo: Reuters)", "(left)", "Photo: AFP/Getty Images",
//! "FILE PHOTO:", a line "Getty Images".
//!
//! They are found before sentences are split and kept as byte ranges of the original text
//! ([`super::Document::noise`]): nothing is removed or rewritten, so every span still indexes
//! the document. Later stages skip them: no entity, no trigger and no heading comes from a
//! noise range, and it counts like a bracket between a name and its trigger. The words are
//! data (`data/layout.toml`).

use serde::Deserialize;
use std::ops::Range;
use std::sync::OnceLock;

/// The layout word lists of `data/layout.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Words {
    agencies: Vec<String>,
    credit_markers: Vec<String>,
    caption_markers: Vec<String>,
    positions: Vec<String>,
    bare_positions: Vec<String>,
    /// The ASCII bytes (both cases) that a caption or credit marker or a bare position
    /// starts with: every other byte of a text is skipped at once.
    #[serde(skip)]
    first_bytes: FirstBytes,
    /// How far after a word start a marker's colon or " by " can end: the longest marker,
    /// a few spaces and the colon.
    #[serde(skip)]
    marker_reach: usize,
    /// The words of a credit that may start in lower case: "via" and agencies' words
    /// ("dpa").
    #[serde(skip)]
    lowercase_credit_words: Vec<String>,
}

/// A set of bytes.
#[derive(Debug)]
struct FirstBytes([bool; 256]);

impl Default for FirstBytes {
    fn default() -> Self {
        FirstBytes([false; 256])
    }
}

impl FirstBytes {
    fn of<'a>(words: impl IntoIterator<Item = &'a String>) -> FirstBytes {
        let mut set = [false; 256];
        for w in words {
            // A non-ASCII first byte is a lead byte: still exact, only not case-folded,
            // which is all `starts_with_any` does for it too.
            if let Some(&b) = w.as_bytes().first() {
                set[usize::from(b.to_ascii_lowercase())] = true;
                set[usize::from(b.to_ascii_uppercase())] = true;
            }
        }
        FirstBytes(set)
    }

    fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b)]
    }
}

pub(crate) const LAYOUT_TOML: &str = include_str!("../../data/layout.toml");

fn words() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut w: Words = toml::from_str(LAYOUT_TOML).unwrap_or_else(|e| {
            panic!(
                "{}",
                crate::error::SyntaxError::toml("data/layout.toml", LAYOUT_TOML, &e)
            )
        });
        // Longest first, so "Getty Images" wins over "Getty" and "File photo" over "Photo".
        for list in [
            &mut w.agencies,
            &mut w.credit_markers,
            &mut w.caption_markers,
            &mut w.positions,
        ] {
            list.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
        w.first_bytes = FirstBytes::of(
            w.credit_markers
                .iter()
                .chain(&w.caption_markers)
                .chain(&w.bare_positions),
        );
        w.marker_reach = w
            .credit_markers
            .iter()
            .chain(&w.caption_markers)
            .map(String::len)
            .max()
            .unwrap_or(0)
            + 16;
        w.lowercase_credit_words = w
            .agencies
            .iter()
            .flat_map(|a| a.split_whitespace())
            .chain(["via"])
            .filter(|word| word.starts_with(|c: char| c.is_lowercase()))
            .map(str::to_string)
            .collect();
        w
    })
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// True when `text[at..]` starts a word (nothing alphanumeric just before).
fn word_starts(text: &str, at: usize) -> bool {
    match at.checked_sub(1).map(|i| text.as_bytes()[i]) {
        None => true,
        Some(b) if b.is_ascii() => !b.is_ascii_alphanumeric(),
        Some(_) => !text[..at].chars().next_back().is_some_and(is_word_char),
    }
}

/// Length of the longest `list` entry that `s` starts with as a whole word.
fn starts_with_any(s: &str, list: &[String], ignore_case: bool) -> Option<usize> {
    list.iter()
        .find(|w| {
            s.len() >= w.len()
                && s.is_char_boundary(w.len())
                && if ignore_case {
                    s[..w.len()].eq_ignore_ascii_case(w)
                } else {
                    &s[..w.len()] == w.as_str()
                }
                && !s[w.len()..].chars().next().is_some_and(is_word_char)
        })
        .map(|w| w.len())
}

/// A run of one to four capitalised words separated by single spaces ("Jane Doe",
/// "Kremlin Press Service"): its length.
fn name_run(s: &str) -> Option<usize> {
    let mut end = 0;
    let mut count = 0;
    let mut rest = s;
    while count < 4 && rest.chars().next().is_some_and(char::is_uppercase) {
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '.' | '\'' | '’')))
            .unwrap_or(rest.len());
        end += len;
        count += 1;
        rest = &rest[len..];
        match rest.strip_prefix(' ') {
            Some(r) if r.chars().next().is_some_and(char::is_uppercase) => {
                end += 1;
                rest = r;
            }
            _ => break,
        }
    }
    (count > 0).then_some(end)
}

/// A separator between two parts of a credit: its length and whether it is a slash.
fn separator(s: &str) -> Option<(usize, bool)> {
    let t = s.trim_start_matches(' ');
    let lead = s.len() - t.len();
    let (len, slash) = if t.starts_with('/') {
        (1, true)
    } else if t.starts_with([',', '|', ';']) {
        (1, false)
    } else if t.starts_with("via ") {
        (3, false)
    } else {
        return None;
    };
    let after = &t[len..];
    let gap = after.len() - after.trim_start_matches(' ').len();
    Some((lead + len + gap, slash))
}

/// True when all of `s` is a credit ([`credit_len`]). A credit's words are capitalised
/// names, agencies and "via": a sentence with any other word starting in lower case is
/// answered without reading the agency list.
fn is_credit(s: &str) -> bool {
    let w = words();
    let impossible = s.split_whitespace().any(|word| {
        // "dpa/Reuters": the word before a separator.
        let word = word
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
        word.starts_with(|c: char| c.is_lowercase())
            && !w.lowercase_credit_words.iter().any(|l| l == word)
    });
    !impossible && credit_len(s) == Some(s.len())
}

/// Length of the credit `s` starts with: agencies and names joined by "/", "," or "via",
/// with at least one agency; a name counts only next to a slash ("Jane Doe/Reuters",
/// "Xinhua/Li Wei"), so "Reuters Alexander Lukashenko" is the credit "Reuters" and a name.
fn credit_len(s: &str) -> Option<usize> {
    let w = words();
    let mut pos = 0;
    let mut end = None;
    let mut agency = false;
    let mut slash_before = false;
    loop {
        let rest = &s[pos..];
        let (len, is_agency) = match starts_with_any(rest, &w.agencies, false) {
            Some(n) => (n, true),
            None => match name_run(rest) {
                Some(n) => (n, false),
                None => break,
            },
        };
        let sep = separator(&s[pos + len..]);
        if !is_agency && !slash_before && !sep.is_some_and(|(_, slash)| slash) {
            break;
        }
        agency |= is_agency;
        end = Some(pos + len);
        match sep {
            Some((n, slash)) => {
                pos += len + n;
                slash_before = slash;
            }
            None => break,
        }
    }
    end.filter(|_| agency)
}

/// Length of a marker ("Photo", "File photo") at the start of `s` together with the colon
/// or " by " that follows it, if any: (marker length, length with the colon).
fn marker_len(s: &str, list: &[String]) -> Option<(usize, Option<usize>)> {
    let n = starts_with_any(s, list, true)?;
    let rest = &s[n..];
    let t = rest.trim_start_matches(' ');
    let colon = if t.starts_with([':', '：']) {
        let c = t.chars().next().unwrap().len_utf8();
        Some(n + (rest.len() - t.len()) + c)
    } else if rest.starts_with(" by ") && s.starts_with(char::is_uppercase) {
        Some(n + 4)
    } else {
        None
    };
    Some((n, colon))
}

/// True when a bracket's content is a caption or a credit. `before` is the text before the
/// bracket (an acronym after the words it abbreviates is a definition, not a credit).
fn bracket_is_noise(content: &str, before: &str) -> bool {
    let w = words();
    let c = content.trim();
    if c.is_empty() {
        return false;
    }
    if w.positions.iter().any(|p| p.eq_ignore_ascii_case(c)) {
        return true;
    }
    if marker_len(c, &w.credit_markers).is_some_and(|(n, colon)| colon.is_some() || n == c.len())
        || marker_len(c, &w.caption_markers).is_some()
    {
        return true;
    }
    if is_credit(c) {
        return !defines_acronym(before, c);
    }
    false
}

/// "Palestinian Authority (PA)": the initials of the words before spell the acronym.
fn defines_acronym(before: &str, acr: &str) -> bool {
    if !acr.chars().all(|c| c.is_ascii_uppercase() || c == '-') {
        return false;
    }
    let letters: Vec<char> = acr.chars().filter(char::is_ascii_uppercase).collect();
    let initials: Vec<char> = before
        .split_whitespace()
        .rev()
        .filter(|w| !matches!(*w, "of" | "the" | "and" | "for" | "&"))
        .take(letters.len())
        .filter_map(|w| w.chars().next())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    initials.len() == letters.len()
        && initials
            .iter()
            .zip(&letters)
            .all(|(a, b)| a.to_ascii_uppercase() == *b)
}

/// The caption and credit ranges of `text`, sorted and disjoint.
pub(super) fn noise(text: &str) -> Vec<Range<usize>> {
    let w = words();
    let mut out: Vec<Range<usize>> = Vec::new();
    // Brackets on one line: "(Photo: Reuters)", "(left)", "(AFP/Getty Images)".
    // memchr finds the candidates: '(' , '[' and the lead byte of '（' (0xEF).
    for open in memchr::memchr3_iter(b'(', b'[', 0xEF, text.as_bytes()) {
        let Some(c) = text[open..].chars().next() else {
            continue;
        };
        let close = match c {
            '(' => ')',
            '（' => '）',
            '[' => ']',
            _ => continue,
        };
        let inner = open + c.len_utf8();
        let Some(len) = text[inner..].find([close, '\n', '(', '（', '[']) else {
            continue;
        };
        if !text[inner + len..].starts_with(close) {
            continue;
        }
        if bracket_is_noise(&text[inner..inner + len], &text[..open]) {
            out.push(open..inner + len + close.len_utf8());
        }
    }
    // Markers: "Photo: AFP/Getty Images", "Credit: Jane Doe", "FILE PHOTO: ...".
    // The bracket ranges are sorted and disjoint (none holds a bracket): a cursor finds the
    // one that may hold `at`. Ranges pushed below are never looked up again, since `at`
    // jumps past each.
    let brackets = out.len();
    let mut cursor = 0;
    let bytes = text.as_bytes();
    let mut marks: Vec<usize> = memchr::memchr2_iter(b':', 0xEF, bytes)
        .filter(|&i| bytes[i] == b':' || text[i..].starts_with('：'))
        .chain(memchr::memmem::find_iter(bytes, " by "))
        .collect();
    marks.sort_unstable();
    let mut next_mark = 0;
    let mut at = 0;
    while at < text.len() {
        // Every marker and position starts with a byte of `first_bytes`; any other byte
        // (continuation bytes included) cannot start one.
        if !w.first_bytes.contains(bytes[at]) {
            at += 1;
            continue;
        }
        let rest = &text[at..];
        let step = rest.chars().next().map_or(1, char::len_utf8);
        while cursor < brackets && out[cursor].end <= at {
            cursor += 1;
        }
        let inside = cursor < brackets && out[cursor].start <= at;
        if !word_starts(text, at) || inside {
            at += step;
            continue;
        }
        // A marker here needs its colon or " by " right after it: most words have none
        // within reach, and the lists are not read for them.
        while next_mark < marks.len() && marks[next_mark] < at {
            next_mark += 1;
        }
        let may_mark = marks
            .get(next_mark)
            .is_some_and(|&m| m < at + w.marker_reach);
        if !may_mark {
            // Only a bare position can start here.
        } else if let Some((_, Some(c))) = marker_len(rest, &w.caption_markers) {
            out.push(at..at + c);
            at += c;
            continue;
        } else if let Some((_, Some(c))) = marker_len(rest, &w.credit_markers) {
            let after = &rest[c..];
            let gap = after.len() - after.trim_start_matches(' ').len();
            let credit = &after[gap..];
            let line = &credit[..credit.find('\n').unwrap_or(credit.len())];
            let len = credit_len(credit).or_else(|| {
                // "Credit: Kremlin press service": a short rest of the line is the credit.
                let t = line.trim_end();
                let body = t.trim_end_matches(['.', '!', '?']);
                (!t.is_empty()
                    && t.split_whitespace().count() <= 6
                    && !body.contains(['.', '!', '?']))
                .then_some(t.len())
            });
            let end = at + c + len.map_or(0, |l| gap + l);
            out.push(at..end);
            at = end.max(at + step);
            continue;
        }
        // "Xi, left, and Lukashenko, right, met": a position between commas.
        if text[..at].ends_with(", ")
            && let Some(n) = starts_with_any(rest, &w.bare_positions, false)
            && rest[n..].starts_with(',')
        {
            out.push(at..at + n);
            at += n;
            continue;
        }
        at += step;
    }
    normalise(out)
}

/// Sorts ranges and merges overlapping ones.
fn normalise(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// Adds `r` to the sorted, disjoint `noise`.
pub(super) fn add(noise: &mut Vec<Range<usize>>, r: Range<usize>) {
    noise.push(r);
    let merged = normalise(std::mem::take(noise));
    *noise = merged;
}

/// The parts of `start..end` outside `noise` (sorted and disjoint).
///
/// ```
/// let noise = [3..5, 8..9];
/// let parts: Vec<_> = kg::text::unmasked(&noise, 0..10).collect();
/// assert_eq!(parts, [0..3, 5..8, 9..10]);
/// ```
pub fn unmasked(noise: &[Range<usize>], range: Range<usize>) -> impl Iterator<Item = Range<usize>> {
    let first = noise.partition_point(|r| r.end <= range.start);
    let mut at = range.start;
    let mut rest = noise[first..]
        .iter()
        .take_while(move |r| r.start < range.end);
    let end = range.end;
    std::iter::from_fn(move || {
        while at < end {
            match rest.next() {
                Some(r) => {
                    let piece = at..r.start.max(at);
                    at = at.max(r.end);
                    if !piece.is_empty() {
                        return Some(piece);
                    }
                }
                None => {
                    let piece = at..end;
                    at = end;
                    return Some(piece);
                }
            }
        }
        None
    })
}

/// True when `noise` covers some byte of `start..end`.
pub(super) fn overlaps(noise: &[Range<usize>], start: usize, end: usize) -> bool {
    let i = noise.partition_point(|r| r.end <= start);
    noise.get(i).is_some_and(|r| r.start < end)
}

/// True when the text of `range`, less its noise, is only a caption or a credit, or
/// nothing but punctuation: a line "Getty Images", "Photo: Reuters", "File photo",
/// "(Reuters)".
pub(super) fn only_noise(text: &str, noise: &[Range<usize>], range: Range<usize>) -> bool {
    let w = words();
    let pieces: Vec<&str> = unmasked(noise, range)
        .map(|r| text[r].trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|p| !p.is_empty())
        .collect();
    match pieces.as_slice() {
        [] => true,
        [p] => is_credit(p) || starts_with_any(p, &w.caption_markers, true) == Some(p.len()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(text: &str) -> Vec<&str> {
        noise(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn a_whole_credit_may_hold_lower_case_agency_words_only() {
        assert!(is_credit("dpa/Reuters"));
        assert!(is_credit("Jane Doe/AP via Getty Images"));
        assert!(!is_credit("Reuters reported the talks"));
    }

    #[test]
    fn a_marker_needs_its_colon_within_reach() {
        assert_eq!(
            masked("Photo: Reuters. Photo of the day."),
            ["Photo: Reuters"]
        );
        assert!(masked("Photo opportunities abound: leaders smiled.").is_empty());
    }

    #[test]
    fn the_word_lists_parse() {
        assert!(words().agencies.iter().any(|a| a == "Reuters"));
        assert!(!words().credit_markers.is_empty());
    }

    #[test]
    fn bracketed_credits_and_positions() {
        assert_eq!(
            masked(
                "Kenyan President William Ruto (left) greets a delegation in Nairobi (Photo: Reuters)."
            ),
            ["(left)", "(Photo: Reuters)"]
        );
        assert_eq!(
            masked(
                "OSLO (Reuters) - Norway's parliament (L-R) voted on Tuesday (AFP/Getty Images)."
            ),
            ["(Reuters)", "(L-R)", "(AFP/Getty Images)"]
        );
        assert_eq!(
            masked(
                "Mourners gathered (File photo) near the port (Xinhua/Li Wei) at dawn (centre)."
            ),
            ["(File photo)", "(Xinhua/Li Wei)", "(centre)"]
        );
    }

    #[test]
    fn brackets_that_are_text_stay() {
        // Acronym definitions, places and years in brackets are not credits.
        assert!(
            masked(
                "The Palestinian Authority (PA) and the Environmental Protection Agency (EPA) met."
            )
            .is_empty()
        );
        assert!(
            masked("Astana (Kazakhstan) hosted it (2024) with the New Development Bank (NDB).")
                .is_empty()
        );
        assert!(masked("The Saudi Press Agency (SPA) reported it.").is_empty());
    }

    #[test]
    fn unbracketed_credits() {
        assert_eq!(
            masked("Farmers protest in Lyon. Photo: AFP/Getty Images\nCredit: Jane Doe/AP Photo\n"),
            ["Photo: AFP/Getty Images", "Credit: Jane Doe/AP Photo"]
        );
        assert_eq!(
            masked("Image: Kremlin press service\nFILE PHOTO: Divers search the lake near Geneva."),
            ["Image: Kremlin press service", "FILE PHOTO:"]
        );
        // The credit ends where the agency does: the name after it is text.
        assert_eq!(
            masked("Photo: Reuters Alexander Lukashenko met officials in Minsk on Monday"),
            ["Photo: Reuters"]
        );
        assert_eq!(
            masked("Photo: Sergei Petrov/TASS via Getty Images"),
            ["Photo: Sergei Petrov/TASS via Getty Images"]
        );
    }

    #[test]
    fn positions_between_commas() {
        assert_eq!(
            masked(
                "Chile's Gabriel Boric, left, and Peru's foreign minister, right, talk. He left, then."
            ),
            ["left", "right"]
        );
    }

    #[test]
    fn agencies_in_running_text_are_text() {
        assert!(
            masked("Reuters reported that Bloomberg and AFP had photos of the flood.").is_empty()
        );
    }

    #[test]
    fn credit_lines() {
        let text = "Getty Images\nAFP via Getty Images\nFile photo\n(Reuters)\nReuters said so\n";
        let n = noise(text);
        let lines: Vec<bool> = text
            .split_inclusive('\n')
            .scan(0, |at, l| {
                let r = *at..*at + l.trim_end().len();
                *at += l.len();
                Some(only_noise(text, &n, r))
            })
            .collect();
        assert_eq!(lines, [true, true, true, true, false]);
    }

    #[test]
    fn unmasked_pieces() {
        let noise = [2..4, 4..6, 9..12];
        let got: Vec<_> = unmasked(&noise, 0..10).collect();
        assert_eq!(got, [0..2, 6..9]);
        let got: Vec<_> = unmasked(&noise, 3..5).collect();
        assert!(got.is_empty());
        assert!(overlaps(&noise, 10, 11) && !overlaps(&noise, 6, 9));
    }
}
