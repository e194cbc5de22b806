//! "The crown prince hosted Zelensky": a title as a description of the person the document
//! last named with it ("Crown Prince Mohammed bin Salman").
//!
//! Only unambiguous cases resolve: the phrase is "the" and a title of `[coreference] titles`,
//! not followed by a name or "of" (those name someone else: "the President of Chile"), and
//! exactly one person was named with that title in the sentences before it.

use super::coref::sentence_of;
use super::matcher::{Form, Mention};
use crate::text::Sentence;
use crate::text::token::{is_word_char, word_before};

/// The titles, in the order their phrases "the TITLE" are numbered; the phrases are found
/// by the knowledge's one scan for coreference phrases (`Number::Title`).
#[derive(Debug, Clone)]
pub(super) struct TitledDescriptions {
    /// Lowercase, longest first: "Crown Prince X" is titled "crown prince", not "prince".
    titles: Vec<String>,
}

impl TitledDescriptions {
    pub(super) fn new(titles: &[String]) -> Self {
        let mut titles: Vec<String> = titles.iter().map(|t| t.to_lowercase()).collect();
        titles.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        titles.dedup();
        TitledDescriptions { titles }
    }

    /// The phrases to look for: "the TITLE" with the title's number.
    pub(super) fn phrases(&self) -> impl Iterator<Item = (String, usize)> + '_ {
        (self.titles.iter().enumerate()).map(|(i, t)| (format!("the {t}"), i))
    }

    /// The descriptions found (`found`: start, end, title number) resolved to people of
    /// `mentions` (sorted by start), each at most `window` sentences after the titled name;
    /// `is_person` tells entities apart.
    pub(super) fn resolve(
        &self,
        text: &str,
        sentences: &[Sentence],
        mentions: &[Mention],
        found: &[(usize, usize, usize)],
        window: usize,
        is_person: impl Fn(usize) -> bool,
    ) -> Vec<Mention> {
        let phrases: Vec<(usize, usize, usize)> = (found.iter().copied())
            .filter(|&(_, e, _)| describes(&text[e..]))
            .collect();
        if phrases.is_empty() {
            return Vec::new();
        }
        // (where, person, title) of every person named right after a title.
        let titled: Vec<(usize, usize, usize)> = (mentions.iter())
            .filter(|m| m.form == Form::Name && is_person(m.entity))
            .filter_map(|m| {
                let t = word_before(&text[..m.start], &self.titles)?;
                let title = &text[t..m.start - 1];
                let i = self
                    .titles
                    .iter()
                    .position(|x| x.eq_ignore_ascii_case(title))?;
                Some((m.start, m.entity, i))
            })
            .collect();
        let mut out = Vec::new();
        for (start, end, title) in phrases {
            let Some(si) = sentence_of(sentences, start) else {
                continue;
            };
            let from = sentences[si.saturating_sub(window)].start;
            let mut people = (titled.iter())
                .filter(|&&(at, _, t)| t == title && at >= from && at < start)
                .map(|&(_, p, _)| p);
            let Some(first) = people.next() else {
                continue;
            };
            if people.all(|p| p == first) {
                out.push(Mention {
                    start,
                    end,
                    entity: first,
                    form: Form::Coref,
                });
            }
        }
        out
    }
}

/// Whether what follows "the president" leaves it a description: not a name ("the President
/// Emmanuel Macron"), not "of" ("the president of Chile"), not more of a word.
fn describes(after: &str) -> bool {
    if after.starts_with(is_word_char) {
        return false;
    }
    let Some(next) = after.strip_prefix(' ') else {
        return true;
    };
    !(next.starts_with(char::is_uppercase) || next.starts_with("of ") || next.starts_with("for "))
}

#[cfg(test)]
mod tests {
    //! Sentences written for these tests (not taken from the articles).
    use super::super::engine::test_support::{claims, has};

    /// Whether the crown prince of `text` is found to have met el-Sisi.
    fn crown_prince_met_sisi(text: &str) -> bool {
        let found = claims(text);
        has(
            &found,
            "abdel-fattah-el-sisi",
            "met-with",
            "mohammed-bin-salman",
        )
    }

    #[test]
    fn a_title_describes_the_one_person_named_with_it() {
        assert!(crown_prince_met_sisi(
            "Crown Prince Mohammed bin Salman flew to Cairo on Sunday. The crown prince \
             met President Abdel Fattah el-Sisi at the palace."
        ));
    }

    #[test]
    fn a_title_reaches_as_far_as_an_organization_noun() {
        // Ten sentences between the titled name and the description: beyond a pronoun's
        // reach, within a noun's.
        let filler = "The talks went on. ".repeat(10);
        assert!(crown_prince_met_sisi(&format!(
            "Crown Prince Mohammed bin Salman flew to Cairo on Sunday. {filler}\n\n\
             The crown prince met President Abdel Fattah el-Sisi at the palace."
        )));
    }

    #[test]
    fn two_people_with_the_title_leave_it_unresolved() {
        let found = claims(
            "President Gabriel Boric met President Luis Arce in La Paz. The president later \
             met Prime Minister Keir Starmer.",
        );
        assert!(
            !found
                .iter()
                .any(|c| c.0 == "keir-starmer" || c.2 == "keir-starmer"),
            "{found:?}"
        );
    }

    #[test]
    fn a_title_followed_by_a_name_or_of_is_no_description() {
        assert!(!super::describes(" Emmanuel Macron said"));
        assert!(!super::describes(" of Chile said"));
        assert!(!super::describes("ial palace"));
        assert!(super::describes(" said"));
        assert!(super::describes("'s visit"));
        assert!(super::describes(", who"));
    }
}
