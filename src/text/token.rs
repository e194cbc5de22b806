//! The crate's tokenizer: words, CJK characters, brackets and punctuation with their byte
//! spans, and the one definition of which characters are CJK.
//!
//! A *word* is a run of letters and digits of scripts that separate words with spaces;
//! a CJK letter (ideograph, kana, full-width form) is a token of its own, since those
//! scripts do not separate words. Which characters may stay *inside* a word between two
//! word characters ("el-Sisi", "Belarus’s", "U.S") depends on the caller, so it is an
//! explicit argument: [`JOINERS`] for the rule engine's gap and negation words,
//! [`HYPHEN`] for the discovery of names (where "Belarus’s" must end before the
//! possessive and "Dr." before its dot).
//!
//! ```
//! use kg::text::token::{HYPHEN, JOINERS, Kind, tokens, words};
//!
//! let w: Vec<&str> = words("U.S. envoy el-Sisi’s 会議", JOINERS).map(|t| t.text).collect();
//! assert_eq!(w, ["U.S", "envoy", "el-Sisi’s", "会", "議"]);
//! let w: Vec<&str> = words("U.S. el-Sisi’s", HYPHEN).map(|t| t.text).collect();
//! assert_eq!(w, ["U", "S", "el-Sisi", "s"]);
//! let t = tokens("(A)", JOINERS).next().unwrap();
//! assert_eq!((t.kind, t.start, t.end), (Kind::Open, 0, 1));
//! ```

/// True for CJK ideographs, kana, full-width forms and CJK punctuation: scripts without
/// word spaces.
pub fn is_cjk(c: char) -> bool {
    is_cjk_letter_range(c) || is_cjk_punctuation(c)
}

/// True for the CJK symbols and punctuation block (U+3000–U+303F: "、", "。", "「").
///
/// Sentence splitting needs the distinction: a CJK letter after ". " opens a sentence, a
/// CJK punctuation mark does not (unless it is an opening quote).
pub fn is_cjk_punctuation(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F)
}

fn is_cjk_letter_range(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// True for a letter or digit of a script that separates words with spaces.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

/// Where the one of `words` that ends `before` followed by a single space starts, as a
/// whole word compared case-blind ("the " at the end of "met the "); the first in `words`
/// that fits.
pub fn word_before(before: &str, words: &[String]) -> Option<usize> {
    let b = before.strip_suffix(' ')?;
    words.iter().find_map(|w| {
        let start = b.len().checked_sub(w.len())?;
        (b.is_char_boundary(start)
            && b[start..].eq_ignore_ascii_case(w)
            && !b[..start].chars().next_back().is_some_and(is_word_char))
        .then_some(start)
    })
}

/// Joiners of the rule engine: apostrophes, hyphen and dot ("Belarus’s", "Ph.D").
pub const JOINERS: &[char] = &['\'', '’', '-', '.'];

/// Joiners of name discovery: the hyphen only ("el-Sisi", "Cross-Border").
pub const HYPHEN: &[char] = &['-'];

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A run of word characters ([`is_word_char`]) and inner joiners.
    Word,
    /// One CJK letter or digit.
    Cjk,
    /// An opening bracket: `( [ （ 【 「 『`.
    Open,
    /// A closing bracket: `) ] ） 】 」 』`.
    Close,
    /// Any other single character, whitespace included.
    Punct,
}

/// A token with its byte span in the text tokenized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    /// What it is.
    pub kind: Kind,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the end.
    pub end: usize,
    /// The token's text.
    pub text: &'a str,
}

/// Every token of `text`, in order; together they cover the text. A joiner stays inside a
/// word when a word character follows it.
pub fn tokens<'a>(text: &'a str, joiners: &'a [char]) -> impl Iterator<Item = Token<'a>> + 'a {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = &text[at..];
        let &first = rest.as_bytes().first()?;
        // ASCII (most of any text) is classified from its byte.
        let (kind, len) = if first.is_ascii() {
            match first {
                b'(' | b'[' => (Kind::Open, 1),
                b')' | b']' => (Kind::Close, 1),
                b if b.is_ascii_alphanumeric() => (Kind::Word, word_len(rest, joiners)),
                _ => (Kind::Punct, 1),
            }
        } else {
            let c = rest.chars().next()?;
            match c {
                '（' | '【' | '「' | '『' => (Kind::Open, c.len_utf8()),
                '）' | '】' | '」' | '』' => (Kind::Close, c.len_utf8()),
                c if is_word_char(c) => (Kind::Word, word_len(rest, joiners)),
                c if c.is_alphanumeric() => (Kind::Cjk, c.len_utf8()),
                c => (Kind::Punct, c.len_utf8()),
            }
        };
        let token = Token {
            kind,
            start: at,
            end: at + len,
            text: &rest[..len],
        };
        at += len;
        Some(token)
    })
}

/// Length of the word that starts `rest` (whose first character is a word character).
/// ASCII is decided byte by byte: this runs over every byte the engine tokenizes.
fn word_len(rest: &str, joiners: &[char]) -> usize {
    let bytes = rest.as_bytes();
    let mut end = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Most of a word is ASCII letters and digits: skipped in a tight loop.
        while bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
            i += 1;
            end = i;
        }
        let Some(&b) = bytes.get(i) else {
            break;
        };
        let (ch, len, word) = if b.is_ascii() {
            (char::from(b), 1, b.is_ascii_alphanumeric())
        } else {
            let ch = rest[i..].chars().next().expect("i is a char boundary");
            (ch, ch.len_utf8(), is_word_char(ch))
        };
        let joined = !word
            && i > 0
            && joiners.contains(&ch)
            && rest[i + len..].chars().next().is_some_and(is_word_char);
        if !(word || joined) {
            break;
        }
        i += len;
        end = i;
    }
    end
}

/// The words of `text`: [`Kind::Word`] and [`Kind::Cjk`] tokens.
pub fn words<'a>(text: &'a str, joiners: &'a [char]) -> impl Iterator<Item = Token<'a>> + 'a {
    tokens(text, joiners).filter(|t| matches!(t.kind, Kind::Word | Kind::Cjk))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joiners_need_a_word_character_after_them() {
        let w: Vec<&str> = words("don't stop-- it's 'quoted' end.", JOINERS)
            .map(|t| t.text)
            .collect();
        assert_eq!(w, ["don't", "stop", "it's", "quoted", "end"]);
    }

    /// Runs of ASCII letters and digits are skipped in a tight loop; what ends them still
    /// decides the word: a joiner inside, non-ASCII letters, punctuation.
    #[test]
    fn words_run_across_ascii_runs_joiners_and_other_letters() {
        let w: Vec<&str> = words("G20's Straße-Nord café— x2y. a-", JOINERS)
            .map(|t| t.text)
            .collect();
        assert_eq!(w, ["G20's", "Straße-Nord", "café", "x2y", "a"]);
    }

    #[test]
    fn tokens_cover_the_text() {
        let text = "Xi（習近平）met  Putin, 2024.";
        let mut at = 0;
        for t in tokens(text, JOINERS) {
            assert_eq!(t.start, at);
            assert_eq!(&text[t.start..t.end], t.text);
            at = t.end;
        }
        assert_eq!(at, text.len());
    }

    #[test]
    fn ascii_and_other_scripts_get_the_same_kinds() {
        let kinds: Vec<(Kind, &str)> = tokens("(Émile)[x] 「会」Zoë's-", JOINERS)
            .map(|t| (t.kind, t.text))
            .collect();
        assert_eq!(
            kinds,
            [
                (Kind::Open, "("),
                (Kind::Word, "Émile"),
                (Kind::Close, ")"),
                (Kind::Open, "["),
                (Kind::Word, "x"),
                (Kind::Close, "]"),
                (Kind::Punct, " "),
                (Kind::Open, "「"),
                (Kind::Cjk, "会"),
                (Kind::Close, "」"),
                (Kind::Word, "Zoë's"),
                (Kind::Punct, "-"),
            ]
        );
    }

    #[test]
    fn cjk_punctuation_is_cjk_but_no_word() {
        assert!(is_cjk('、') && is_cjk_punctuation('、'));
        assert!(is_cjk('会') && !is_cjk_punctuation('会'));
        assert!(!is_word_char('々'));
        let kinds: Vec<Kind> = tokens("会、", JOINERS).map(|t| t.kind).collect();
        assert_eq!(kinds, [Kind::Cjk, Kind::Punct]);
    }
}
