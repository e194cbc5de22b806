//! Finding entity mentions: an Aho–Corasick gazetteer over every name of the lexicon.
//!
//! Matching is leftmost-longest over all names ("Graduate Institute of China Studies" wins
//! over "China"), respects word boundaries for Latin script ("Iran" is not found in
//! "Iranian" unless "Iranian" is a demonym) and needs none for CJK, where words are not
//! separated (カザフスタン inside カザフスタンで開催). Short names (four characters or
//! fewer, like "Xi", "SCO", "US") and all-capital names match only as written; longer names
//! ignore ASCII case ("TAIWAN"). Curly and straight apostrophes are interchangeable.

use super::lexicon::Lexicon;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// How an entity is named at a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Form {
    /// By its name or an alias.
    Name,
    /// By an adjective ("Chinese", "Sino-").
    Demonym,
    /// By a pronoun or description ("he", "the two leaders"), resolved by coreference.
    Coref,
}

/// One mention of a lexicon entity in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mention {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the end.
    pub end: usize,
    /// Index of the entity in the lexicon.
    pub entity: usize,
    /// How it is named.
    pub form: Form,
}

/// A phrase match (start, end, (entity, form)) is a mention.
impl From<(usize, usize, (usize, Form))> for Mention {
    fn from((start, end, (entity, form)): (usize, usize, (usize, Form))) -> Self {
        Mention {
            start,
            end,
            entity,
            form,
        }
    }
}

pub use crate::text::token::is_cjk;
use crate::text::token::is_word_char;

/// True when `[start, end)` of `text` does not cut a Latin word in two.
pub fn at_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let first = text[start..].chars().next();
    let last = text[..end].chars().next_back();
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let left_ok = !(first.is_some_and(is_word_char) && before.is_some_and(is_word_char));
    let right_ok = !(last.is_some_and(is_word_char) && after.is_some_and(is_word_char));
    left_ok && right_ok
}

/// Picks leftmost-longest non-overlapping spans from candidates `(start, end, payload)`.
pub fn leftmost_longest<T: Copy>(mut found: Vec<(usize, usize, T)>) -> Vec<(usize, usize, T)> {
    // Stable sort keeps the first-declared payload first among equal spans.
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out = Vec::with_capacity(found.len());
    let mut last_end = 0;
    for m in found {
        if m.0 >= last_end {
            last_end = m.1;
            out.push(m);
        }
    }
    out
}

/// Like [`leftmost_longest`], but a candidate with exactly the span of the last one taken
/// is taken too: two rules' triggers on the same words ("President" as written and in any
/// case) both fire.
pub fn leftmost_longest_tied<T: Copy>(mut found: Vec<(usize, usize, T)>) -> Vec<(usize, usize, T)> {
    found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out: Vec<(usize, usize, T)> = Vec::with_capacity(found.len());
    let mut last_end = 0;
    for m in found {
        let tie = out.last().is_some_and(|l| (l.0, l.1) == (m.0, m.1));
        if m.0 >= last_end || tie {
            last_end = m.1;
            out.push(m);
        }
    }
    out
}

/// Below this many phrases on either side of a set, its two automata are built one after
/// the other: a task costs more than it saves.
const PARALLEL_BUILD_MIN: usize = 256;

/// The largest set of patterns compiled into a DFA (see [`PhraseSet::new`]).
const DFA_MAX_PATTERNS: usize = 2_000;

/// How a phrase of a [`PhraseSet`] matches the text's case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Only as written.
    Exact,
    /// Ignoring ASCII case.
    Folded,
    /// Only as written, but searched in the automaton of the case-blind phrases and checked
    /// after: a set of thousands of such phrases, too many for a DFA, then costs no scan of
    /// its own (the short names join the gazetteer's long names).
    ExactInFolded,
}

/// A compiled set of literal patterns with case rules and word boundaries.
///
/// Used for entity names here and for rule triggers in [`super::rules`].
#[derive(Debug, Clone)]
pub struct PhraseSet<T> {
    exact: Option<AhoCorasick>,
    folded: Option<AhoCorasick>,
    exact_payload: Vec<T>,
    folded_payload: Vec<T>,
    /// For each pattern of `folded`, its bytes when it matches only as written.
    folded_as_written: Vec<Option<Box<[u8]>>>,
}

impl<T: Copy> PhraseSet<T> {
    /// Builds the set; `case_sensitive` phrases match only as written, others ignore ASCII case.
    pub fn new(phrases: impl IntoIterator<Item = (String, T, bool)>) -> Self {
        Self::with_cases(phrases.into_iter().map(|(p, t, cs)| (p, t, Case::from(cs))))
    }

    /// Like [`PhraseSet::new`], each phrase with its [`Case`].
    pub fn with_cases(phrases: impl IntoIterator<Item = (String, T, Case)>) -> Self {
        Self::build(phrases, DFA_MAX_PATTERNS)
    }

    /// Like [`PhraseSet::new`], for a set that searches one text only (a document's
    /// discovered names): no DFA, whose build costs more than the one scan it would speed up.
    /// The matches are the same: only the automaton differs.
    pub fn for_one_text(phrases: impl IntoIterator<Item = (String, T, bool)>) -> Self {
        Self::build(
            phrases.into_iter().map(|(p, t, cs)| (p, t, Case::from(cs))),
            0,
        )
    }

    fn build(phrases: impl IntoIterator<Item = (String, T, Case)>, dfa_max: usize) -> Self {
        let (mut exact, mut folded) = (Vec::new(), Vec::new());
        let (mut exact_payload, mut folded_payload) = (Vec::new(), Vec::new());
        let mut folded_as_written = Vec::new();
        for (phrase, payload, case) in phrases {
            if phrase.trim().is_empty() {
                continue;
            }
            if case == Case::Exact {
                exact.push(phrase);
                exact_payload.push(payload);
            } else {
                folded_as_written
                    .push((case == Case::ExactInFolded).then(|| phrase.as_bytes().to_vec().into()));
                folded.push(phrase);
                folded_payload.push(payload);
            }
        }
        let build = |pats: &[String], fold: bool| {
            (!pats.is_empty()).then(|| {
                // A small set (the rule triggers) becomes a DFA: one table lookup per byte,
                // for every document, at a build cost of a few milliseconds. A gazetteer
                // of thousands of names would cost more to build than most runs scan, so
                // the crate picks for it.
                let kind = if pats.len() <= dfa_max {
                    Some(aho_corasick::AhoCorasickKind::DFA)
                } else if dfa_max == 0 {
                    Some(aho_corasick::AhoCorasickKind::ContiguousNFA)
                } else {
                    None
                };
                AhoCorasickBuilder::new()
                    .kind(kind)
                    .match_kind(MatchKind::Standard)
                    .ascii_case_insensitive(fold)
                    .build(pats)
                    .expect("literal patterns compile")
            })
        };
        // The two automata are independent. Those of the gazetteer take about half a second
        // to build, before the first article can be extracted while every worker waits, so
        // they are built side by side; a small set is not worth a task.
        let (exact_ac, folded_ac) = if exact.len().min(folded.len()) >= PARALLEL_BUILD_MIN {
            rayon::join(|| build(&exact, false), || build(&folded, true))
        } else {
            (build(&exact, false), build(&folded, true))
        };
        PhraseSet {
            exact: exact_ac,
            folded: folded_ac,
            exact_payload,
            folded_payload,
            folded_as_written,
        }
    }

    /// Leftmost-longest, non-overlapping matches that respect Latin word boundaries.
    pub fn find(&self, text: &str) -> Vec<(usize, usize, T)> {
        let [found] = self.find_groups(text, |_| 0);
        found
    }

    /// As [`PhraseSet::find`], keeping every payload of a span that wins (see
    /// [`leftmost_longest_tied`]).
    pub fn find_tied(&self, text: &str) -> Vec<(usize, usize, T)> {
        let [found] = self.candidates(text, |_| 0);
        leftmost_longest_tied(found)
    }

    /// Every match at word boundaries, overlapping ones too, sorted by start and then by
    /// length, longest first.
    pub fn find_overlapping(&self, text: &str) -> Vec<(usize, usize, T)> {
        let [mut found] = self.candidates(text, |_| 0);
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        found
    }

    /// [`PhraseSet::find`] for each group of phrases on its own (`group` of a payload, below
    /// `N`), the text scanned once for all of them.
    pub fn find_groups<const N: usize>(
        &self,
        text: &str,
        group: impl Fn(&T) -> usize,
    ) -> [Vec<(usize, usize, T)>; N] {
        self.candidates(text, group).map(leftmost_longest)
    }

    /// Every match at word boundaries, overlapping ones too, by group.
    fn candidates<const N: usize>(
        &self,
        text: &str,
        group: impl Fn(&T) -> usize,
    ) -> [Vec<(usize, usize, T)>; N] {
        let mut found: [Vec<(usize, usize, T)>; N] = std::array::from_fn(|_| Vec::new());
        if let Some(ac) = &self.exact {
            for m in ac.find_overlapping_iter(text) {
                if at_word_boundaries(text, m.start(), m.end()) {
                    let payload = self.exact_payload[m.pattern().as_usize()];
                    found[group(&payload)].push((m.start(), m.end(), payload));
                }
            }
        }
        if let Some(ac) = &self.folded {
            for m in ac.find_overlapping_iter(text) {
                let pattern = m.pattern().as_usize();
                if let Some(written) = &self.folded_as_written[pattern]
                    && text.as_bytes()[m.start()..m.end()] != **written
                {
                    continue;
                }
                if at_word_boundaries(text, m.start(), m.end()) {
                    let payload = self.folded_payload[pattern];
                    found[group(&payload)].push((m.start(), m.end(), payload));
                }
            }
        }
        found
    }
}

impl From<bool> for Case {
    /// Case sensitive or not.
    fn from(case_sensitive: bool) -> Self {
        if case_sensitive {
            Case::Exact
        } else {
            Case::Folded
        }
    }
}

/// Spelling variants of a name: as written, and with the other apostrophe.
fn variants(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    if name.contains('\'') {
        out.push(name.replace('\'', "’"));
    }
    if name.contains('’') {
        out.push(name.replace('’', "'"));
    }
    out
}

fn is_short_or_acronym(name: &str) -> bool {
    name.chars().count() <= 4 || !name.chars().any(char::is_lowercase)
}

/// The gazetteer of a lexicon.
#[derive(Debug, Clone)]
pub struct Gazetteer {
    phrases: PhraseSet<Named>,
}

/// What a gazetteer phrase names: an entity, or a short name (its index).
#[derive(Debug, Clone, Copy)]
enum Named {
    Entity(usize, Form),
    Short(usize),
}

impl Gazetteer {
    /// Compiles every name, alias and demonym of the lexicon.
    pub fn new(lexicon: &Lexicon) -> Self {
        Self::with_short_names(lexicon, std::iter::empty())
    }

    /// Like [`Gazetteer::new`], with `short_names` ("Tokayev") to find as written in the
    /// same pass over the text, each reported by its index in the iterator.
    pub fn with_short_names(
        lexicon: &Lexicon,
        short_names: impl IntoIterator<Item = String>,
    ) -> Self {
        let mut phrases = Vec::new();
        for (ix, entry) in lexicon.entries().iter().enumerate() {
            let names = std::iter::once(&entry.name).chain(&entry.aliases);
            for name in names {
                for v in variants(name) {
                    let cs = entry.case_sensitive || is_short_or_acronym(&v);
                    phrases.push((v, Named::Entity(ix, Form::Name), Case::from(cs)));
                }
            }
            for d in &entry.demonyms {
                for v in variants(d) {
                    // Demonyms are capitalised adjectives: "Chinese", never "chinese".
                    phrases.push((v, Named::Entity(ix, Form::Demonym), Case::Exact));
                }
            }
        }
        // Thousands of short names: searched with the long names, which ignore case, and
        // checked as written, rather than in a third scan of every document.
        phrases.extend(
            short_names
                .into_iter()
                .enumerate()
                .map(|(i, n)| (n, Named::Short(i), Case::ExactInFolded)),
        );
        Gazetteer {
            phrases: PhraseSet::with_cases(phrases),
        }
    }

    /// Every mention in `text`, in order.
    pub fn find(&self, text: &str) -> Vec<Mention> {
        self.find_with_short_names(text).0
    }

    /// Every mention in `text`, in order, and the matches of the short names `(start, end,
    /// index)` on their own (leftmost-longest among themselves).
    pub fn find_with_short_names(&self, text: &str) -> (Vec<Mention>, Vec<(usize, usize, usize)>) {
        let [names, short] = self.phrases.find_groups(text, |n| match n {
            Named::Entity(..) => 0,
            Named::Short(_) => 1,
        });
        let names = names
            .into_iter()
            .filter_map(|(s, e, n)| match n {
                Named::Entity(entity, form) => Some(Mention::from((s, e, (entity, form)))),
                Named::Short(_) => None,
            })
            .collect();
        let short = short
            .into_iter()
            .filter_map(|(s, e, n)| match n {
                Named::Short(i) => Some((s, e, i)),
                Named::Entity(..) => None,
            })
            .collect();
        (names, short)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        let mut lex = Lexicon::new();
        lex.add_toml(
            "t.toml",
            r#"
[[entity]]
name = "China"
type = "country"
aliases = ["中国"]
demonyms = ["Chinese", "Sino"]
[[entity]]
name = "Graduate Institute of China Studies"
type = "organization"
aliases = ["中国大陸研究所"]
[[entity]]
name = "Kazakhstan"
type = "country"
aliases = ["カザフスタン"]
[[entity]]
name = "Taiwan"
type = "country"
[[entity]]
name = "Iran"
type = "country"
[[entity]]
name = "Xi Jinping"
type = "person"
aliases = ["Xi"]
[[entity]]
name = "United States"
type = "country"
aliases = ["US", "U.S."]
"#,
        )
        .unwrap();
        lex
    }

    fn found(text: &str) -> Vec<(&str, String, Form)> {
        let lex = lexicon();
        Gazetteer::new(&lex)
            .find(text)
            .into_iter()
            .map(|m| {
                (
                    &text[m.start..m.end],
                    lex.entry(m.entity).name.clone(),
                    m.form,
                )
            })
            .collect()
    }

    #[test]
    fn longest_overlapping_name_wins() {
        assert_eq!(
            found("the Graduate Institute of China Studies in China"),
            [
                (
                    "Graduate Institute of China Studies",
                    "Graduate Institute of China Studies".into(),
                    Form::Name
                ),
                ("China", "China".into(), Form::Name)
            ]
        );
        assert_eq!(
            found("淡江大学中国大陸研究所所長"),
            [(
                "中国大陸研究所",
                "Graduate Institute of China Studies".into(),
                Form::Name
            )]
        );
    }

    #[test]
    fn cjk_needs_no_word_boundaries() {
        assert_eq!(
            found("首脳会議 カザフスタンで開催、中国の"),
            [
                ("カザフスタン", "Kazakhstan".into(), Form::Name),
                ("中国", "China".into(), Form::Name)
            ]
        );
    }

    #[test]
    fn latin_names_respect_word_boundaries() {
        assert!(found("Iranian oil and Xiamen ports").is_empty());
        assert_eq!(found("Iran’s oil").len(), 1);
        assert_eq!(found("(Iran)").len(), 1);
    }

    #[test]
    fn case_rules() {
        // Long names ignore case, short ones and acronyms do not.
        assert_eq!(found("TAIWAN and taiwan").len(), 2);
        assert!(found("let us go, xi").is_empty());
        assert_eq!(found("US and U.S. forces").len(), 2);
    }

    #[test]
    fn a_set_for_one_text_finds_what_the_dfa_finds() {
        let phrases = || {
            ["Omar", "Omar Haddad", "haddad", "Sino"]
                .into_iter()
                .enumerate()
                .map(|(i, p)| (p.to_string(), i, i != 2))
        };
        let text = "Omar Haddad met HADDAD and Omar in Sino-Omari talks; haddad.";
        let once = PhraseSet::for_one_text(phrases()).find(text);
        assert_eq!(once, PhraseSet::new(phrases()).find(text));
        assert_eq!(once.len(), 5, "{once:?}");
    }

    #[test]
    fn short_names_in_the_same_pass_match_as_written_on_their_own() {
        let lex = lexicon();
        let short = ["Xi", "Jinping", "Taiwan"];
        let both = Gazetteer::with_short_names(&lex, short.map(String::from));
        let alone = PhraseSet::new(
            short
                .iter()
                .enumerate()
                .map(|(i, n)| (n.to_string(), i, true)),
        );
        let text = "Xi Jinping, xi, JINPING and Jinping’s Taiwan visit; taiwan.";
        let (names, found) = both.find_with_short_names(text);
        assert_eq!(names, Gazetteer::new(&lex).find(text));
        assert_eq!(found, alone.find(text));
        // "Xi" and "Jinping" inside "Xi Jinping" count: short names compete only among themselves.
        assert_eq!(found.iter().map(|m| m.2).collect::<Vec<_>>(), [0, 1, 1, 2]);
    }

    #[test]
    fn demonyms_are_their_own_form() {
        assert_eq!(
            found("Chinese President Xi Jinping and Sino-Russian ties"),
            [
                ("Chinese", "China".into(), Form::Demonym),
                ("Xi Jinping", "Xi Jinping".into(), Form::Name),
                ("Sino", "China".into(), Form::Demonym)
            ]
        );
    }
}
