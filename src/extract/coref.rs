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
use std::collections::HashSet;

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
    /// "both countries": the two countries of the nearest sentence naming exactly two.
    Countries,
    /// "it": the one organization named in its sentence before it, else the organization
    /// that opens the sentence before (its subject): "The SCO is crowded. It has ...",
    /// "China and Russia founded it". Anything less certain resolves to nothing: "it" names
    /// non-entities more often than not.
    It,
    /// "the crown prince": title `i` of `extract::titled`, resolved there (found in the
    /// same scan as the other phrases, skipped here).
    Title(usize),
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
        if let Number::Title(_) = number {
            continue;
        }
        // Organizations: one antecedent, by salience or by the clause before.
        let organization = match number {
            Number::Organization => {
                let noun = text[start..end]
                    .rsplit(' ')
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                // A description that repeats the name's noun ("the forum" for the Pacific
                // Islands Forum) is understood from much further back than a bare "the bloc".
                let near = sentences[si.saturating_sub(reach.window * 2)].start;
                let far = sentences[si.saturating_sub(reach.window * reach.noun_reach)].start;
                Some(
                    salient_organization(
                        sentences,
                        mentions,
                        start,
                        &noun,
                        (near, far),
                        &kind_of,
                        &label_of,
                    )
                    .or_else(|| {
                        (si > 0)
                            .then(|| title_organization(sentences, mentions, &kind_of))
                            .flatten()
                            .map(|m| m.entity)
                    }),
                )
            }
            Number::It => Some(organization_pronoun(
                sentences, si, start, mentions, &resolved, &kind_of,
            )),
            Number::Singular | Number::Plural | Number::Countries | Number::Title(_) => None,
        };
        if let Some(found) = organization {
            if let Some(entity) = found {
                resolved.push(Mention {
                    start,
                    end,
                    entity,
                    form: Form::Coref,
                });
            }
            continue;
        }
        let wanted_kind = if number == Number::Countries {
            EntityKind::Country
        } else {
            EntityKind::Person
        };
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
                    && kind_of(m.entity) == wanted_kind
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
        // Countries add up over the sentences back until there are two: "Montenegro ...
        // Albania has set itself a 2027 target. Both countries ..." (people do not: the
        // nearest sentence naming people is the one meant).
        let gather = number == Number::Countries;
        while (people.is_empty() || gather && people.len() < 2) && back < reach.window && si > back
        {
            back += 1;
            let prev = sentences[si - back];
            if prev.block != sentence.block {
                break;
            }
            let earlier = people_between(prev.start, prev.end);
            if gather {
                for e in earlier {
                    if !people.contains(&e) {
                        people.push(e);
                    }
                }
            } else {
                people = earlier;
            }
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
        let wanted = if matches!(number, Number::Plural | Number::Countries) {
            2
        } else {
            1
        };
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

/// Organization descriptions with a modifier between "the" and the noun: "the Geneva-based
/// body", "the 27-member bloc", "the regional bloc". The nouns are those of the two-word
/// descriptions of `[coreference] organization` ("the bloc"), the modifier a hyphenated word
/// or one of `[coreference] organization_modifiers`.
#[derive(Debug, Clone, Default)]
pub(super) struct ModifiedDescriptions {
    nouns: HashSet<String>,
    modifiers: HashSet<String>,
    the: Option<memchr::memmem::Finder<'static>>,
}

impl ModifiedDescriptions {
    /// From the organization descriptions ("the bloc") and the extra modifiers.
    pub(super) fn new(descriptions: &[String], modifiers: &[String]) -> Self {
        let nouns: HashSet<String> = descriptions
            .iter()
            .filter_map(|d| {
                let (opener, noun) = d.split_once(' ')?;
                (opener.eq_ignore_ascii_case("the") && !noun.contains(' '))
                    .then(|| noun.to_lowercase())
            })
            .collect();
        let the = (!nouns.is_empty()).then(|| memchr::memmem::Finder::new("he ").into_owned());
        ModifiedDescriptions {
            nouns,
            modifiers: modifiers.iter().map(|m| m.to_lowercase()).collect(),
            the,
        }
    }

    /// Every "the MODIFIER NOUN" of `text` as (start, end), sorted by start.
    pub(super) fn find(&self, text: &str) -> Vec<(usize, usize)> {
        let Some(the) = &self.the else {
            return Vec::new();
        };
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        for at in the.find_iter(bytes) {
            // "the" or "The", a whole word.
            let Some(start) = at.checked_sub(1) else {
                continue;
            };
            if !matches!(bytes[start], b't' | b'T')
                || text[..start]
                    .chars()
                    .next_back()
                    .is_some_and(crate::text::token::is_word_char)
            {
                continue;
            }
            let rest = &text[at + 3..];
            let Some((modifier, tail)) = rest.split_once(' ') else {
                continue;
            };
            let hyphenated = modifier.len() < 40 && {
                let mut parts = modifier.split('-');
                parts.clone().count() >= 2
                    && parts.all(|p| !p.is_empty() && p.chars().all(char::is_alphanumeric))
            };
            let listed = |w: &str| {
                w.len() < 40
                    && if w.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
                        self.modifiers.contains(&w.to_lowercase())
                    } else {
                        self.modifiers.contains(w)
                    }
            };
            if !(hyphenated || listed(modifier)) {
                continue;
            }
            let noun_len = tail
                .find(|c: char| !crate::text::token::is_word_char(c))
                .unwrap_or(tail.len());
            let noun = &tail[..noun_len];
            if noun.len() < 30 && self.nouns.contains(&noun.to_lowercase()) {
                out.push((start, at + 3 + modifier.len() + 1 + noun_len));
            }
        }
        out
    }
}

/// The antecedent of an organization pronoun at `start` in sentence `si` (see
/// [`Number::It`]), among named and already resolved mentions.
fn organization_pronoun(
    sentences: &[Sentence],
    si: usize,
    start: usize,
    mentions: &[Mention],
    resolved: &[Mention],
    kind_of: impl Fn(usize) -> EntityKind,
) -> Option<usize> {
    let within = |from: usize, to: usize| -> Vec<Mention> {
        let in_span = |ms: &[Mention]| -> Vec<Mention> {
            let a = ms.partition_point(|m| m.start < from);
            ms[a..]
                .iter()
                .take_while(|m| m.end <= to)
                .copied()
                .collect()
        };
        let mut all: Vec<Mention> = in_span(mentions)
            .into_iter()
            .filter(|m| m.form == Form::Name)
            .chain(in_span(resolved))
            .collect();
        all.sort();
        all
    };
    let orgs = |ms: &[Mention]| -> Vec<usize> {
        let mut ids: Vec<usize> = ms
            .iter()
            .filter(|m| kind_of(m.entity) == EntityKind::Organization)
            .map(|m| m.entity)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let sentence = sentences[si];
    let here = within(sentence.start, start);
    match orgs(&here)[..] {
        [one] => return Some(one),
        [] => {}
        _ => return None,
    }
    let prev = sentences.get(si.checked_sub(1)?)?;
    if prev.block != sentence.block {
        return None;
    }
    let before = within(prev.start, prev.end);
    let first = before.first()?;
    (kind_of(first.entity) == EntityKind::Organization && orgs(&before).len() == 1)
        .then_some(first.entity)
}

/// The one organization a document's title (a heading as its first sentence) names by
/// name ("Key facts: the Association of Southeast Asian Nations"): the topic of the text
/// after it, though named once.
pub(super) fn title_organization(
    sentences: &[Sentence],
    mentions: &[Mention],
    kind_of: &impl Fn(usize) -> EntityKind,
) -> Option<Mention> {
    let title = sentences.first().filter(|s| s.heading)?;
    let mut named = mentions
        .iter()
        .take_while(|m| m.start < title.end)
        .filter(|m| m.form == Form::Name && kind_of(m.entity) == EntityKind::Organization);
    let first = *named.next()?;
    named.all(|m| m.entity == first.entity).then_some(first)
}

/// The organization a description refers to: looking back from `start`, the nearest
/// organization whose name contains `noun` from byte `far` on; else, from byte `from` on, the
/// most salient organization: the one mentioned most often, a mention that opens its
/// sentence (the subject, usually) counting twice, the nearer winning a tie. "Mercosur was
/// founded by ... Bolivia became Mercosur's fifth member ... not covered by the EU deal.
/// Venezuela has been suspended from the bloc": the bloc is Mercosur, not the nearer EU.
fn salient_organization<'a>(
    sentences: &[Sentence],
    mentions: &[Mention],
    start: usize,
    noun: &str,
    (from, far): (usize, usize),
    kind_of: &impl Fn(usize) -> EntityKind,
    label_of: &impl Fn(usize) -> &'a str,
) -> Option<usize> {
    let (a, b) = (
        mentions.partition_point(|m| m.start < far),
        mentions.partition_point(|m| m.start < start),
    );
    let window = &mentions[a..b];
    let candidates = window
        .iter()
        .enumerate()
        .filter(|(_, m)| m.form == Form::Name && m.end <= start)
        .filter(|(_, m)| kind_of(m.entity) == EntityKind::Organization);
    // British and American spellings are one noun: "the organisation" repeats the head
    // of "Organization for Security and Co-operation in Europe".
    let spelling = |w: &str| w.replace("isation", "ization");
    let noun = spelling(noun);
    let by_noun = candidates.clone().rev().find(|(_, m)| {
        label_of(m.entity)
            .to_lowercase()
            .split(' ')
            .any(|w| spelling(w) == noun)
    });
    if let Some((_, m)) = by_noun {
        return Some(m.entity);
    }
    // A heading opens a new topic: when the section of `start` names an organization, the
    // ones before its heading are not candidates.
    let section = sentence_of(sentences, start).and_then(|si| {
        sentences[..si]
            .iter()
            .rposition(|s| s.heading)
            .map(|h| sentences[h].end)
    });
    let from = match section {
        Some(at) if at > from && candidates.clone().any(|(_, m)| m.start >= at) => at,
        _ => from,
    };
    // (score, position of the latest mention, entity): the maximum wins.
    let mut scores: Vec<(usize, usize, usize)> = Vec::new();
    for (i, m) in candidates.filter(|(_, m)| m.start >= from) {
        let opens_sentence = sentence_of(sentences, m.start).is_some_and(|si| {
            let s = sentences[si].start;
            // The first mention at or after the sentence's start is this one.
            window[..i].last().is_none_or(|prev| prev.start < s)
        });
        let weight = if opens_sentence { 2 } else { 1 };
        match scores.iter_mut().find(|(_, _, e)| *e == m.entity) {
            Some(entry) => {
                entry.0 += weight;
                entry.1 = i;
            }
            None => scores.push((weight, i, m.entity)),
        }
    }
    scores.into_iter().max().map(|(_, _, entity)| entity)
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

    fn organization(start: usize, entity: usize) -> Mention {
        Mention {
            start,
            end: start + 1,
            entity,
            form: Form::Name,
        }
    }

    /// Resolves a description at byte 90 (`noun` its last word) among `mentions` of
    /// organizations 0 ("Mercosur") and 1 ("Organization of X"), in sentences of ten bytes.
    fn description(mentions: &[Mention], headings: &[usize], noun: &str) -> Option<usize> {
        let sentences: Vec<Sentence> = (0..10)
            .map(|i| Sentence {
                heading: headings.contains(&i),
                ..sentence(i * 10, i * 10 + 9, 0)
            })
            .collect();
        let text = format!("{}the {noun}", " ".repeat(90));
        let end = text.len();
        let labels = ["Mercosur", "Organization of X"];
        resolve(
            &text,
            &sentences,
            mentions,
            &[(90, end, Number::Organization)],
            CoreferenceReach::default(),
            |_| EntityKind::Organization,
            |e| labels[e],
        )
        .first()
        .map(|m| m.entity)
    }

    #[test]
    fn a_bare_description_takes_the_most_salient_organization_not_the_nearest() {
        // Organization 0 opens two sentences; 1 is named once, later, inside a sentence.
        let mentions = [
            organization(50, 0),
            organization(60, 0),
            organization(75, 1),
        ];
        assert_eq!(description(&mentions, &[], "bloc"), Some(0));
        // Equal salience: the nearer wins.
        let tie = [organization(60, 0), organization(70, 1)];
        assert_eq!(description(&tie, &[], "bloc"), Some(1));
    }

    #[test]
    fn a_heading_closes_the_earlier_topic_when_its_section_names_one() {
        let mentions = [
            organization(50, 1),
            organization(55, 1),
            organization(75, 0),
        ];
        assert_eq!(description(&mentions, &[], "bloc"), Some(1));
        // Sentence 6 (bytes 60..69) is a heading: only organization 0 is in its section.
        assert_eq!(description(&mentions, &[6], "bloc"), Some(0));
    }

    #[test]
    fn a_description_repeating_the_head_noun_ignores_spelling_variants() {
        let mentions = [
            organization(50, 1),
            organization(70, 0),
            organization(75, 0),
        ];
        assert_eq!(description(&mentions, &[], "organisation"), Some(1));
        assert_eq!(description(&mentions, &[], "bloc"), Some(0));
    }

    #[test]
    fn descriptions_with_a_modifier_are_found_with_their_noun() {
        let d = ModifiedDescriptions::new(
            &[
                "the bloc".into(),
                "the body".into(),
                "the two leaders".into(),
            ],
            &["regional".into()],
        );
        let text = "The 10-member bloc met. Then the Vienna-based body spoke; the regional bloc's \
                    envoy and the big bloc and soothe regional bloc and the two-man leaders left.";
        let found: Vec<&str> = d.find(text).into_iter().map(|(a, b)| &text[a..b]).collect();
        assert_eq!(
            found,
            [
                "The 10-member bloc",
                "the Vienna-based body",
                "the regional bloc"
            ]
        );
    }
}
