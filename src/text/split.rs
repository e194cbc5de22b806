//! Block and sentence boundaries.
//!
//! Blocks are lines; a line that does not end a sentence and is followed by a line that
//! starts in lowercase is joined to it (hard-wrapped prose). A block of one line with no
//! sentence-ending punctuation, or starting with `#`, is a heading. Inside a paragraph a
//! sentence ends at `。！？`, or at `.!?` followed by space and a capital, digit, quote or
//! CJK character, unless the word before is an abbreviation ("U.S.", "Dr.", "Ph.D.").

use super::Sentence;

/// Words whose trailing dot does not end a sentence (compared lowercase, without the dot's
/// neighbours). Single letters ("J.") and dotted acronyms ("U.S.") are handled separately.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "gen", "col", "lt", "capt", "sgt", "sen",
    "rep", "gov", "pres", "amb", "hon", "rev", "ph.d", "e.g", "i.e", "vs", "no", "nos", "vol",
    "fig", "approx", "dept", "univ", "inc", "corp", "mt", "ft", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "est", "cf", "al",
];

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
    if ABBREVIATIONS.contains(&lower.as_str()) {
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

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

fn ends_sentence(line: &str) -> bool {
    let t = line
        .trim_end()
        .trim_end_matches(['"', '\'', '”', '’', ')', '」', '』', '）']);
    t.ends_with(['.', '!', '?', '。', '！', '？'])
}

/// Byte ranges of the blocks of `text` and whether each is a heading.
fn blocks(text: &str) -> Vec<(usize, usize, bool)> {
    let mut out: Vec<(usize, usize, bool)> = Vec::new();
    let mut offset = 0;
    let mut open: Option<(usize, usize, usize)> = None; // start, end, line count
    for line in text.split_inclusive('\n') {
        let line_start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if let Some((s, e, n)) = open.take() {
                out.push((s, e, n == 1 && is_heading_line(&text[s..e])));
            }
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
                if let Some((os, oe, n)) = open.take() {
                    out.push((os, oe, n == 1 && is_heading_line(&text[os..oe])));
                }
                open = Some((s, e, 1));
            }
        }
    }
    if let Some((s, e, n)) = open {
        out.push((s, e, n == 1 && is_heading_line(&text[s..e])));
    }
    out
}

fn is_heading_line(line: &str) -> bool {
    line.starts_with('#') || !ends_sentence(line)
}

/// Splits a whole text into sentences (headings count as one sentence each).
pub(super) fn split(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (block, (start, end, heading)) in blocks(text).into_iter().enumerate() {
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
            out.push(Sentence {
                start: start + s,
                end: start + e,
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
                    || is_cjk(n)
                    || matches!(n, '"' | '“' | '‘' | '(' | '/' | '[' | '「' | '『')
            });
            if followed_by_space && starts_new {
                let word_start = para[..pos].rfind(char::is_whitespace).map_or(0, |w| w + 1);
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
        split(text).iter().map(|s| &text[s.start..s.end]).collect()
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
        let sentences = split(text);
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
        let got: Vec<(&str, bool)> = split(text)
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

    #[test]
    fn spans_index_the_original_bytes() {
        let text = "  前置き。 Then “quoted.” After.\r\n";
        for s in split(text) {
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
            assert_eq!(text[s.start..s.end].trim(), &text[s.start..s.end]);
        }
        assert_eq!(pieces(text), ["前置き。", "Then “quoted.”", "After."]);
    }
}
