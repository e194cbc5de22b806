//! Short-range coreference: "he" and "the two leaders" resolved to earlier people.
//!
//! Only unambiguous cases resolve. A singular phrase takes the one person named earlier in
//! its sentence, or else in the nearest earlier sentence of the paragraph that names people,
//! and only if that sentence names exactly one. A plural phrase ("the two leaders") takes the
//! two people of that sentence, and only if it names exactly two. Anything else stays
//! unresolved, so no claim is built on a guess.

use super::matcher::{Form, Mention};
use super::rules::CoreferenceReach;
use crate::model::EntityKind;
use crate::text::Sentence;

/// Whether a phrase refers to one person or to two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Number {
    /// "he", "she".
    Singular,
    /// "the two leaders".
    Plural,
    /// "the bloc", "the bank": the nearest organization, preferring one whose name contains
    /// the description's noun.
    Organization,
}

/// Resolves `phrases` (start, end, number) against the people in `mentions`.
///
/// `mentions` and `phrases` must be sorted by start; `kind_of` tells which lexicon entities
/// are people; `reach` how many sentences back an antecedent may be (`[coreference_reach]`
/// of the rules).
/// Returns new mentions of form [`Form::Coref`], sorted.
pub(super) fn resolve<'a>(
    text: &str,
    sentences: &[Sentence],
    mentions: &[Mention],
    phrases: &[(usize, usize, Number)],
    reach: CoreferenceReach,
    kind_of: impl Fn(usize) -> EntityKind,
    label_of: impl Fn(usize) -> &'a str,
) -> Vec<Mention> {
    debug_assert!(phrases.is_sorted_by_key(|p| p.0), "phrases sorted by start");
    // Filled in phrase order, so sorted by start until the final sort.
    let mut resolved: Vec<Mention> = Vec::new();
    for &(start, end, number) in phrases {
        let Some(si) = sentence_of(sentences, start) else {
            continue;
        };
        if number == Number::Organization {
            let noun = text[start..end]
                .rsplit(' ')
                .next()
                .unwrap_or("")
                .to_lowercase();
            // A description that repeats the name's noun ("the forum" for the Pacific Islands
            // Forum) is understood from much further back than a bare "the bloc".
            let near = sentences[si.saturating_sub(reach.window * 2)].start;
            let far = sentences[si.saturating_sub(reach.window * reach.noun_reach)].start;
            if let Some(entity) =
                nearest_organization(mentions, start, &noun, (near, far), &kind_of, &label_of)
            {
                resolved.push(Mention {
                    start,
                    end,
                    entity,
                    form: Form::Coref,
                });
            }
            continue;
        }
        let people_between = |from: usize, to: usize| -> Vec<usize> {
            let mut ids: Vec<usize> = Vec::new();
            // Mentions are sorted by start: look only at the window, not the document.
            let a = mentions.partition_point(|m| m.start < from);
            let b = mentions.partition_point(|m| m.start < to);
            let named = mentions[a..b].iter().filter(|m| m.form == Form::Name);
            // So are the phrases resolved so far: the window's are a slice of them too.
            let (c, d) = (
                resolved.partition_point(|m| m.start < from),
                resolved.partition_point(|m| m.start < to),
            );
            for m in named.chain(&resolved[c..d]) {
                if m.start >= from
                    && m.end <= to
                    && kind_of(m.entity) == EntityKind::Person
                    && !ids.contains(&m.entity)
                {
                    ids.push(m.entity);
                }
            }
            ids
        };
        let sentence = sentences[si];
        let mut people = people_between(sentence.start, start);
        let mut scope = (sentence.start, start);
        let mut back = 0;
        while people.is_empty() && back < reach.window && si > back {
            back += 1;
            let prev = sentences[si - back];
            if prev.block != sentence.block {
                break;
            }
            people = people_between(prev.start, prev.end);
            scope = (prev.start, prev.end);
        }
        // "He" among several people is the one in subject position: the first mention of
        // its sentence, when that is a person ("Xi met Putin and Modi. He said ...").
        if number == Number::Singular && people.len() > 1 {
            let first = mentions[mentions.partition_point(|m| m.start < scope.0)..]
                .iter()
                .find(|m| m.start < scope.1);
            match first {
                Some(m) if m.form == Form::Name && kind_of(m.entity) == EntityKind::Person => {
                    people = vec![m.entity];
                }
                _ => {}
            }
        }
        let wanted = if number == Number::Plural { 2 } else { 1 };
        if people.len() == wanted {
            for entity in people {
                resolved.push(Mention {
                    start,
                    end,
                    entity,
                    form: Form::Coref,
                });
            }
        }
    }
    resolved.sort();
    resolved
}

/// The organization a description refers to: looking back from `start`, the nearest
/// organization whose name contains `noun` from byte `far` on, else the nearest organization
/// if it starts at `from` or later.
fn nearest_organization<'a>(
    mentions: &[Mention],
    start: usize,
    noun: &str,
    (from, far): (usize, usize),
    kind_of: &impl Fn(usize) -> EntityKind,
    label_of: &impl Fn(usize) -> &'a str,
) -> Option<usize> {
    let (a, near, b) = (
        mentions.partition_point(|m| m.start < far),
        mentions.partition_point(|m| m.start < from),
        mentions.partition_point(|m| m.start < start),
    );
    let candidates: Vec<&Mention> = mentions[a..b]
        .iter()
        .filter(|m| m.form == Form::Name && m.end <= start)
        .filter(|m| kind_of(m.entity) == EntityKind::Organization)
        .collect();
    let by_noun = candidates.iter().rev().find(|m| {
        label_of(m.entity)
            .to_lowercase()
            .split(' ')
            .any(|w| w == noun)
    });
    let nearest = candidates
        .last()
        .filter(|m| m.start >= mentions.get(near).map_or(usize::MAX, |n| n.start));
    by_noun.or(nearest).map(|m| m.entity)
}

/// Index of the sentence containing byte `offset`.
pub(super) fn sentence_of(sentences: &[Sentence], offset: usize) -> Option<usize> {
    let i = sentences.partition_point(|s| s.end <= offset);
    (i < sentences.len() && sentences[i].start <= offset).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(start: usize, end: usize, block: usize) -> Sentence {
        Sentence {
            start,
            end,
            block,
            heading: false,
        }
    }

    fn person(start: usize, entity: usize) -> Mention {
        Mention {
            start,
            end: start + 2,
            entity,
            form: Form::Name,
        }
    }

    const KINDS: [EntityKind; 3] = [EntityKind::Person, EntityKind::Person, EntityKind::Country];
    const TEXT: &str = "Xi met us. He left again.";

    /// Resolves the "He" of `TEXT` (bytes 11..13) as `number`.
    fn pronoun(sentences: &[Sentence], mentions: &[Mention], number: Number) -> Vec<Mention> {
        resolve(
            TEXT,
            sentences,
            mentions,
            &[(11, 13, number)],
            CoreferenceReach::default(),
            |e| KINDS[e],
            |_| "",
        )
    }

    #[test]
    fn singular_takes_the_only_person_of_the_previous_sentence() {
        let sentences = [sentence(0, 10, 0), sentence(11, 20, 0)];
        let mentions = [person(0, 0), person(5, 2)];
        let got = pronoun(&sentences, &mentions, Number::Singular);
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].entity, got[0].form), (0, Form::Coref));
    }

    #[test]
    fn two_candidates_make_he_ambiguous_unless_one_is_the_subject() {
        let sentences = [sentence(0, 10, 0), sentence(11, 20, 0)];
        // A country opens the sentence: neither person is its subject.
        let country_first = [person(0, 2), person(3, 0), person(5, 1)];
        assert!(pronoun(&sentences, &country_first, Number::Singular).is_empty());
        let mentions = [person(0, 0), person(5, 1)];
        let subject = pronoun(&sentences, &mentions, Number::Singular);
        assert_eq!(subject.len(), 1);
        assert_eq!(subject[0].entity, 0);
        let both = pronoun(&sentences, &mentions, Number::Plural);
        assert_eq!(both.iter().map(|m| m.entity).collect::<Vec<_>>(), [0, 1]);
    }

    #[test]
    fn antecedents_do_not_cross_paragraphs() {
        let sentences = [sentence(0, 10, 0), sentence(11, 20, 1)];
        let mentions = [person(0, 0)];
        assert!(pronoun(&sentences, &mentions, Number::Singular).is_empty());
    }
}
