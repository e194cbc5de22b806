//! Triggers with room for an adjunct: "received ... by" matches "received in Abu Dhabi by",
//! "{be} ... a member of" matches "is also a member of".
//!
//! News puts adverbs, places and times inside verb phrases ("held talks in Riyadh with",
//! "is chaired until May by"), so a literal trigger misses them. A trigger written with
//! `" ... "` has a head and a tail; between them stand one to [`MAX_GAP_WORDS`] words of the
//! same clause: no punctuation, no negation ("is not a member of" is no membership) and no
//! entity that could fill a slot (in "met Trump in Seoul with" the gap holds a person, so the
//! phrase is not one predicate). A place may stand there. The head is found like any trigger,
//! the tail is looked for right after the gap: the work is linear in the text.

use super::matcher::{PhraseSet, at_word_boundaries};

/// The marker of the gap inside a trigger.
pub const GAP: &str = " ... ";

/// Most words an adjunct may have.
pub const MAX_GAP_WORDS: usize = 4;

/// Heads of gapped triggers, with the tails that complete them.
#[derive(Debug, Clone)]
pub struct GappedTriggers<T> {
    heads: PhraseSet<usize>,
    tails: Vec<(String, bool, T)>,
}

/// What a gap may not hold, asked by [`GappedTriggers::find`].
pub trait GapCheck {
    /// True when `text[start..end]` names an entity that could fill a slot.
    fn names_an_entity(&self, start: usize, end: usize) -> bool;
    /// True when the gap's words (in order) hold a negation.
    fn negates(&self, words: &[&str]) -> bool;
}

impl<T: Copy> GappedTriggers<T> {
    /// Compiles `(trigger, payload, case_sensitive)` triples; each trigger holds [`GAP`] once.
    pub fn new(triggers: impl IntoIterator<Item = (String, T, bool)>) -> Self {
        let mut heads = Vec::new();
        let mut tails = Vec::new();
        for (trigger, payload, case_sensitive) in triggers {
            let Some((head, tail)) = trigger.split_once(GAP) else {
                continue;
            };
            let tail = if case_sensitive {
                tail.to_string()
            } else {
                tail.to_ascii_lowercase()
            };
            heads.push((head.to_string(), tails.len(), case_sensitive));
            tails.push((tail, case_sensitive, payload));
        }
        GappedTriggers {
            heads: PhraseSet::new(heads),
            tails,
        }
    }

    /// True when there is no gapped trigger.
    pub fn is_empty(&self) -> bool {
        self.tails.is_empty()
    }

    /// Every gapped trigger in `text`: `(start of head, end of tail, payload)`, in order.
    /// `blocked(start, end)` says a head or tail stands where it cannot be a trigger
    /// (inside a name or a caption).
    pub fn find(
        &self,
        text: &str,
        check: &impl GapCheck,
        blocked: impl Fn(usize, usize) -> bool,
    ) -> Vec<(usize, usize, T)> {
        let mut out = Vec::new();
        for (hs, he, ti) in self.heads.find(text) {
            if blocked(hs, he) {
                continue;
            }
            let (tail, case_sensitive, payload) = &self.tails[ti];
            if let Some(end) = gap_then_tail(text, he, tail, *case_sensitive, check)
                && !blocked(end - tail.len(), end)
            {
                out.push((hs, end, *payload));
            }
        }
        out
    }
}

/// The end of `tail` when it follows `text[from..]` after one to [`MAX_GAP_WORDS`] words.
fn gap_then_tail(
    text: &str,
    from: usize,
    tail: &str,
    case_sensitive: bool,
    check: &impl GapCheck,
) -> Option<usize> {
    let mut words: [&str; MAX_GAP_WORDS] = [""; MAX_GAP_WORDS];
    let mut at = from;
    for n in 0..MAX_GAP_WORDS {
        // One space, then a word of letters, digits, hyphens or apostrophes.
        let rest = text[at..].strip_prefix(' ')?;
        let len = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '-' | '\'' | '’')))
            .map_or(rest.len(), |(i, _)| i);
        if len == 0 {
            return None;
        }
        let start = at + 1;
        at = start + len;
        words[n] = &text[start..at];
        if check.negates(&words[..=n]) {
            return None;
        }
        let after = &text[at..];
        let matches = after.len() > tail.len()
            && after.as_bytes()[0] == b' '
            && after.is_char_boundary(1 + tail.len())
            && if case_sensitive {
                after[1..].starts_with(tail)
            } else {
                after[1..=tail.len()].eq_ignore_ascii_case(tail)
            };
        let end = at + 1 + tail.len();
        if matches && at_word_boundaries(text, at + 1, end) {
            return (!check.names_an_entity(from, at)).then_some(end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Check(Vec<(usize, usize)>);
    impl GapCheck for Check {
        fn names_an_entity(&self, start: usize, end: usize) -> bool {
            self.0.iter().any(|&(s, e)| s < end && start < e)
        }
        fn negates(&self, words: &[&str]) -> bool {
            words.iter().any(|w| w.eq_ignore_ascii_case("not"))
        }
    }

    fn found(triggers: &[&str], text: &str, entities: &[&str]) -> Vec<String> {
        let set = GappedTriggers::new(triggers.iter().map(|t| (t.to_string(), (), false)));
        let spans = entities
            .iter()
            .map(|e| {
                let s = text.find(e).unwrap();
                (s, s + e.len())
            })
            .collect();
        set.find(text, &Check(spans), |_, _| false)
            .into_iter()
            .map(|(s, e, ())| text[s..e].to_string())
            .collect()
    }

    #[test]
    fn an_adjunct_of_one_to_four_words_fits_the_gap() {
        let t = ["held talks ... with"];
        assert_eq!(
            found(&t, "She held talks in Oslo with Ana.", &[]),
            ["held talks in Oslo with"]
        );
        assert_eq!(
            found(&t, "She held talks on Friday in Oslo with Ana.", &[]),
            ["held talks on Friday in Oslo with"]
        );
        assert!(found(&t, "She held talks late on Friday in Oslo with Ana.", &[]).is_empty());
        // The plain phrase is a trigger of its own; the gap needs a word.
        assert!(found(&t, "She held talks with Ana.", &[]).is_empty());
    }

    #[test]
    fn punctuation_a_negation_or_an_entity_breaks_the_gap() {
        let t = ["is ... a member of"];
        assert_eq!(
            found(&t, "Peru is also a member of the bank.", &[]),
            ["is also a member of"]
        );
        assert!(found(&t, "Peru is, oddly, a member of the bank.", &[]).is_empty());
        assert!(found(&t, "Peru is not a member of the bank.", &[]).is_empty());
        let t = ["met ... with"];
        assert!(found(&t, "Ana met Ben in Oslo with aides.", &["Ben"]).is_empty());
        assert_eq!(
            found(&t, "Ana met on Friday with Ben.", &["Ben"]),
            ["met on Friday with"]
        );
    }

    #[test]
    fn the_tail_is_a_whole_word_and_ignores_case_unless_told() {
        let t = ["received ... by"];
        assert!(found(&t, "He was received in Lima bye.", &[]).is_empty());
        assert_eq!(
            found(&t, "He was received in Lima By the mayor.", &[]),
            ["received in Lima By"]
        );
        let set = GappedTriggers::new([("received ... by".to_string(), (), true)]);
        let text = "He was received in Lima By the mayor.";
        assert!(set.find(text, &Check(vec![]), |_, _| false).is_empty());
    }
}
