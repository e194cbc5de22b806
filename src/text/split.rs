//! Block and sentence boundaries.
//!
//! Blocks are lines; a line that does not end a sentence and is followed by a line that
//! starts in lowercase is joined to it (hard-wrapped prose). A block of one line is a heading
//! when it starts with `#`, or has no sentence-ending punctuation and the shape and place of
//! a heading (see [`is_heading_line`]): "Xi and Modi Break the Ice", "THE GUESTS", a title,
//! "Talks on the margins" before a paragraph; not "Ruto opened the fair in Nairobi on
//! Tuesday" in the body or alone in the document. Captions and credits
//! ([`super::layout`]) are left out of the shape, and a block or sentence that is only a
//! caption is no sentence at all. Inside a paragraph a
//! sentence ends at `。！？`, or at `.!?` followed by space and a capital, digit, quote or
//! CJK character, unless the word before is an abbreviation ("U.S.", "Dr.", "Ph.D.").
//! The abbreviations and the small words of headlines are data (`data/sentences.toml`).

use super::token::{is_cjk, is_cjk_punctuation};
use super::{Sentence, layout};
use std::ops::Range;

/// The word lists of `data/sentences.toml`.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Words {
    /// Words whose trailing dot does not end a sentence (lowercase, without the final dot).
    /// Single letters ("J.") and dotted acronyms ("U.S.") are handled separately.
    abbreviations: Vec<String>,
    /// Small words a headline leaves in lowercase ("Xi and Modi Break the Ice").
    function_words: Vec<String>,
}

pub(crate) const SENTENCES_TOML: &str = include_str!("../../data/sentences.toml");

fn lists() -> &'static Words {
    static WORDS: std::sync::OnceLock<Words> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        toml::from_str(SENTENCES_TOML).unwrap_or_else(|e| {
            panic!(
                "{}",
                crate::error::SyntaxError::toml("data/sentences.toml", SENTENCES_TOML, &e)
            )
        })
    })
}

/// True when `word` (the text before a `.`, without the dot) is an abbreviation.
///
/// ```
/// use kg::text::is_abbreviation;
/// assert!(is_abbreviation("Dr"));
/// assert!(is_abbreviation("U.S"));
/// assert!(is_abbreviation("Ph.D"));
/// assert!(!is_abbreviation("USA"));
/// ```
pub fn is_abbreviation(word: &str) -> bool {
    let word = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    if word.is_empty() {
        return false;
    }
    let lower = word.to_lowercase();
    if lists().abbreviations.contains(&lower) {
        return true;
    }
    // "J" of "J. Smith", and dotted acronyms such as "U.S" or "U.N".
    let mut chars = word.chars();
    let first = chars.next().unwrap();
    if first.is_uppercase() && chars.next().is_none() {
        return true;
    }
    word.split('.').all(|p| p.chars().count() == 1) && word.contains('.')
}

fn ends_sentence(line: &str) -> bool {
    let t = line
        .trim_end()
        .trim_end_matches(['"', '\'', '”', '’', ')', '」', '』', '）']);
    t.ends_with(['.', '!', '?', '。', '！', '？'])
}

/// Byte ranges of the blocks of `text` and their line counts.
fn blocks(text: &str) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut offset = 0;
    let mut open: Option<(usize, usize, usize)> = None; // start, end, line count
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            out.extend(open.take());
            continue;
        }
        let lead = line.len() - line.trim_start().len();
        let (s, e) = (line_start + lead, line_start + lead + trimmed.len());
        let continues = open.is_some_and(|(os, oe, _)| {
            !ends_sentence(&text[os..oe]) && trimmed.chars().next().is_some_and(char::is_lowercase)
        });
        match open {
            Some((os, _, n)) if continues => open = Some((os, e, n + 1)),
            _ => {
                out.extend(open.take());
                open = Some((s, e, 1));
            }
        }
    }
    out.extend(open);
    out
}

/// Longest headline, in words: "EU Leaders Keep the Door Open for Ukraine and Moldova as
/// Georgia's Bid Stalls" has 15.
const MAX_HEADLINE_WORDS: usize = 20;

/// Longest section heading in sentence case ("A new chair, a familiar agenda"): a longer
/// line without a final stop that is not the title reads as a sentence.
const MAX_SENTENCE_CASE_HEADING_WORDS: usize = 7;

/// Where a one-line block stands among the document's blocks (captions left out).
#[derive(Debug, Clone, Copy)]
struct Place {
    /// The document has no other block.
    only: bool,
    /// Nothing but kickers ("ANALYSIS", "Commentary") comes before it.
    title: bool,
    /// Another block follows.
    followed: bool,
}

/// Whether a one-line block is a heading, from its shape and place: a markdown `#` line; or
/// a line without a final stop that is short and written as a headline (all capitals, or
/// every word but small ones capitalised), or a title, or a short sentence-case section
/// heading followed by text. A line that reads as a sentence (long, in sentence case, not
/// the title) or the only block of the document is text. Lines without capitals (Japanese
/// titles) are headings when they do not end in `。`.
fn is_heading_line(line: &str, place: Place) -> bool {
    if line.starts_with('#') {
        return true;
    }
    if ends_sentence(line) || place.only {
        return false;
    }
    let mut words: Vec<&str> = line
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    // "2. Valletta: consensus at the last minute": a section number is not a word.
    if words
        .first()
        .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()))
    {
        words.remove(0);
    }
    let cased: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| w.chars().any(|c| c.is_uppercase() || c.is_lowercase()))
        .collect();
    if cased.is_empty() {
        return true;
    }
    let n = words.len();
    let all_caps = cased.iter().all(|w| !w.chars().any(char::is_lowercase));
    let title_case = cased.iter().all(|w| {
        !w.starts_with(char::is_lowercase) || {
            let lower = w.to_lowercase();
            lists().function_words.contains(&lower)
        }
    });
    if all_caps || title_case || place.title {
        return n <= MAX_HEADLINE_WORDS;
    }
    place.followed && n <= MAX_SENTENCE_CASE_HEADING_WORDS
}

/// Splits a whole text into sentences (headings count as one sentence each). A block or
/// sentence that is only a caption or credit is no sentence: it joins `noise`.
pub(super) fn split(text: &str, noise: &mut Vec<Range<usize>>) -> Vec<Sentence> {
    let all = blocks(text);
    let mut content = Vec::new(); // block index, start, end, line count
    for (block, &(s, e, lines)) in all.iter().enumerate() {
        if layout::only_noise(text, noise, s..e) {
            layout::add(noise, s..e);
        } else {
            content.push((block, s, e, lines));
        }
    }
    // Shape of a line without its captions: "Leaders meet in Minsk (Reuters)".
    let shape = |s: usize, e: usize, noise: &[Range<usize>]| -> String {
        layout::unmasked(noise, s..e)
            .map(|r| &text[r])
            .collect::<Vec<_>>()
            .join(" ")
            .trim()
            .to_string()
    };
    let mut out = Vec::new();
    let mut kicker_only = true;
    for (i, &(block, start, end, lines)) in content.iter().enumerate() {
        let line = shape(start, end, noise);
        let place = Place {
            only: content.len() == 1,
            title: kicker_only,
            followed: i + 1 < content.len(),
        };
        // "Fiji – Prime Minister Sitiveni Rabuka" in a run of such lines is an entry of a
        // list ("Country – Leader"), not a heading.
        let entry = |j: usize| {
            content.get(j).is_some_and(|&(_, s, e, _)| {
                let sep = |t: &str| {
                    [" – ", " — ", " - ", ": "]
                        .into_iter()
                        .find(|p| t.contains(p))
                };
                let between = if j > i {
                    &text[end..s]
                } else {
                    &text[e..start]
                };
                sep(&text[s..e]).is_some()
                    && sep(&text[s..e]) == sep(&line)
                    && between.matches('\n').count() == 1
            })
        };
        let listed = entry(i + 1) || i.checked_sub(1).is_some_and(entry);
        let heading = lines == 1 && !listed && is_heading_line(&line, place);
        // A kicker ("ANALYSIS", "Commentary", a line in Japanese) may stand before the
        // title; a short title ("Trade Talks") may not: the line after it is the lead.
        let kicker = !line.chars().any(char::is_lowercase) || !line.contains(' ');
        kicker_only &= heading && kicker;
        if heading {
            out.push(Sentence {
                start,
                end,
                block,
                heading: true,
            });
            continue;
        }
        for (s, e) in sentences_in(&text[start..end]) {
            let (s, e) = (start + s, start + e);
            if layout::only_noise(text, noise, s..e) {
                layout::add(noise, s..e);
                continue;
            }
            out.push(Sentence {
                start: s,
                end: e,
                block,
                heading: false,
            });
        }
    }
    out
}

/// Sentence ranges within one paragraph, relative to it, trimmed of whitespace.
fn sentences_in(para: &str) -> Vec<(usize, usize)> {
    let mut cuts = Vec::new();
    let chars: Vec<(usize, char)> = para.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let mut cut = None;
        if matches!(c, '。' | '！' | '？') {
            cut = Some(i + 1);
        } else if matches!(c, '.' | '!' | '?') {
            // Include closing quotes and brackets after the mark.
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '\'' | '”' | '’' | ')') {
                j += 1;
            }
            let followed_by_space = j < chars.len() && chars[j].1.is_whitespace();
            let next = chars[j..]
                .iter()
                .map(|&(_, c)| c)
                .find(|c| !c.is_whitespace());
            let starts_new = next.is_some_and(|n| {
                n.is_uppercase()
                    || n.is_ascii_digit()
                    // A CJK letter opens a sentence; CJK punctuation only as an opening quote.
                    || (is_cjk(n) && !is_cjk_punctuation(n))
                    || matches!(n, '"' | '“' | '‘' | '(' | '/' | '[' | '「' | '『')
            });
            if followed_by_space && starts_new {
                // White space is not always one byte (U+2000 is three).
                let word_start = para[..pos]
                    .char_indices()
                    .rfind(|&(_, c)| c.is_whitespace())
                    .map_or(0, |(w, c)| w + c.len_utf8());
                if c != '.' || !is_abbreviation(&para[word_start..pos]) {
                    cut = Some(j);
                }
            }
        }
        if let Some(j) = cut {
            let end = chars.get(j).map_or(para.len(), |&(p, _)| p);
            // Keep closing brackets after 。 with the sentence.
            let mut end = end;
            let mut k = j;
            while k < chars.len() && matches!(chars[k].1, '」' | '』' | '）') {
                k += 1;
                end = chars.get(k).map_or(para.len(), |&(p, _)| p);
            }
            cuts.push(end);
            i = k.max(i + 1);
        } else {
            i += 1;
        }
    }
    let mut out = Vec::new();
    let mut start = 0;
    for end in cuts.into_iter().chain(std::iter::once(para.len())) {
        let piece = &para[start..end];
        let lead = piece.len() - piece.trim_start().len();
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            out.push((start + lead, start + lead + trimmed.len()));
        }
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str) -> Vec<&str> {
        split(text, &mut layout::noise(text))
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect()
    }

    #[test]
    fn a_word_after_a_wide_space_is_read_whole() {
        // Found by the proptests of tests/properties.rs: the word before a dot was taken from
        // one byte past the last space, inside U+2000 (three bytes), and slicing panicked.
        assert_eq!(
            pieces("Met\u{2000}Dr. Chen. Left."),
            ["Met\u{2000}Dr. Chen.", "Left."]
        );
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        assert_eq!(
            pieces(
                "Dr. Chen earned the Ph.D. from the Ohio State University, USA. Parallel to that, Mr. Li left. U.S. troops stayed."
            ),
            [
                "Dr. Chen earned the Ph.D. from the Ohio State University, USA.",
                "Parallel to that, Mr. Li left.",
                "U.S. troops stayed."
            ]
        );
    }

    #[test]
    fn lowercase_after_a_dot_is_not_a_boundary() {
        assert_eq!(
            pieces("It opposed U.S. “hegemony” in affairs. Next one."),
            ["It opposed U.S. “hegemony” in affairs.", "Next one."]
        );
    }

    #[test]
    fn japanese_full_stop_ends_a_sentence() {
        assert_eq!(
            pieces(
                "陳建甫博士、所長(2018年~)。 研究テーマは、中国。オハイオ州立大学で博士号を取得した。"
            ),
            [
                "陳建甫博士、所長(2018年~)。",
                "研究テーマは、中国。",
                "オハイオ州立大学で博士号を取得した。"
            ]
        );
    }

    #[test]
    fn headings_are_their_own_sentences() {
        let text = "言語別アーカイブ\n上海協力機構首脳会議 カザフスタンで開催\n\nIntroduction: The SCO\n\nThe SCO grew. It met.\n";
        let sentences = split(text, &mut layout::noise(text));
        let got: Vec<(&str, bool)> = sentences
            .iter()
            .map(|s| (&text[s.start..s.end], s.heading))
            .collect();
        assert_eq!(
            got,
            [
                ("言語別アーカイブ", true),
                ("上海協力機構首脳会議 カザフスタンで開催", true),
                ("Introduction: The SCO", true),
                ("The SCO grew.", false),
                ("It met.", false),
            ]
        );
        assert_eq!(sentences[3].block, sentences[4].block);
    }

    #[test]
    fn markdown_headings_and_wrapped_lines() {
        let text = "# Title.\nA sentence that\nwraps here. Another.\n";
        let got: Vec<(&str, bool)> = split(text, &mut layout::noise(text))
            .iter()
            .map(|s| (&text[s.start..s.end], s.heading))
            .collect();
        assert_eq!(
            got,
            [
                ("# Title.", true),
                ("A sentence that\nwraps here.", false),
                ("Another.", false)
            ]
        );
    }

    fn shapes(text: &str) -> Vec<(&str, bool)> {
        split(text, &mut layout::noise(text))
            .iter()
            .map(|s| (&text[s.start..s.end], s.heading))
            .collect()
    }

    #[test]
    fn a_one_sentence_document_is_text() {
        assert_eq!(
            shapes("Kenyan President William Ruto opened the trade fair in Nairobi on Tuesday"),
            [(
                "Kenyan President William Ruto opened the trade fair in Nairobi on Tuesday",
                false
            )]
        );
        // Even in headline capitals, the only block of a document is its text.
        assert_eq!(
            shapes("Peru Signs Fisheries Pact\n"),
            [("Peru Signs Fisheries Pact", false)]
        );
    }

    #[test]
    fn a_lead_line_without_a_stop_is_text() {
        let text = "Andean Ministers Sign a Water Pact in La Paz\n\n\
                    Bolivian and Peruvian ministers signed a water-sharing accord on Lake Titicaca on Friday\n\n\
                    The accord runs for ten years.\n";
        assert_eq!(
            shapes(text),
            [
                ("Andean Ministers Sign a Water Pact in La Paz", true),
                (
                    "Bolivian and Peruvian ministers signed a water-sharing accord on Lake Titicaca on Friday",
                    false
                ),
                ("The accord runs for ten years.", false),
            ]
        );
        // After a short title as well.
        let text = "Water Pact\n\n\
                    Bolivian and Peruvian ministers signed a water accord on Friday\n\n\
                    It runs for ten years.\n";
        assert!(!shapes(text)[1].1, "{:?}", shapes(text));
    }

    #[test]
    fn country_leader_lines_are_a_list_not_headings() {
        let text = "Leaders\n\nFiji – Prime Minister Sitiveni Rabuka\nPalau – President Surangel Whipps Jr.\nNauru – President David Adeang\n\nThe Talks Ahead\n\nThey met.";
        let heads: Vec<&str> = shapes(text)
            .into_iter()
            .filter(|s| s.1)
            .map(|s| s.0)
            .collect();
        assert_eq!(heads, ["Leaders", "The Talks Ahead"]);
    }

    #[test]
    fn headings_by_shape() {
        let text = "WORLD\n\n\
                    Nordic ministers split over fishing quotas as Iceland walks out of the talks\n\n\
                    The talks began in Bergen.\n\n\
                    THE QUOTA FIGHT\n\n\
                    Norway wants more.\n\n\
                    Talks on the margins\n\n\
                    Denmark stayed quiet.\n\n\
                    3. Iceland without a deal\n\n\
                    Reykjavik may return.\n\n\
                    A Quiet Partner Within the Nordic Council\n\n\
                    Finland hosts next year.\n";
        let headings: Vec<&str> = shapes(text)
            .into_iter()
            .filter(|s| s.1)
            .map(|s| s.0)
            .collect();
        assert_eq!(
            headings,
            [
                "WORLD",
                // A sentence-case headline is a heading in the title's place ...
                "Nordic ministers split over fishing quotas as Iceland walks out of the talks",
                "THE QUOTA FIGHT",
                "Talks on the margins",
                "3. Iceland without a deal",
                "A Quiet Partner Within the Nordic Council",
            ]
        );
        // ... but not in the body.
        let text = "Fishing Talks\n\nThe talks began.\n\n\
                    Nordic ministers split over fishing quotas as Iceland walks out\n\nNorway stayed.\n";
        assert!(shapes(text).contains(&(
            "Nordic ministers split over fishing quotas as Iceland walks out",
            false
        )));
    }

    #[test]
    fn caption_lines_and_credit_sentences_are_not_sentences() {
        let text = "Farmers Rally in Lyon\n\n\
                    Getty Images\n\n\
                    Tractors blocked the ring road on Monday. Photo: AFP/Getty Images\n\n\
                    Police watched the convoy from the overpass all morning (Reuters)\n\n\
                    Growers want lower diesel taxes. Reuters\n";
        let mut noise = layout::noise(text);
        let got: Vec<(&str, bool)> = split(text, &mut noise)
            .iter()
            .map(|s| (&text[s.start..s.end], s.heading))
            .collect();
        assert_eq!(
            got,
            [
                ("Farmers Rally in Lyon", true),
                ("Tractors blocked the ring road on Monday.", false),
                // A line of the body without its stop, ending in a credit: a sentence.
                (
                    "Police watched the convoy from the overpass all morning (Reuters)",
                    false
                ),
                ("Growers want lower diesel taxes.", false),
            ]
        );
        let masked: Vec<&str> = noise.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(
            masked,
            [
                "Getty Images",
                "Photo: AFP/Getty Images",
                "(Reuters)",
                "Reuters"
            ]
        );
    }

    #[test]
    fn spans_index_the_original_bytes() {
        let text = "  前置き。 Then “quoted.” After.\r\n";
        for s in split(text, &mut layout::noise(text)) {
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            assert_eq!(text[s.start..s.end].trim(), &text[s.start..s.end]);
        }
        assert_eq!(pieces(text), ["前置き。", "Then “quoted.”", "After."]);
    }
}
