//! Knowledge: the lexicon and the rules compiled once for matching (gazetteer, trigger and
//! coreference phrase sets, filler and negation words, short names).
//!
//! Compiling is the expensive part of extraction setup, so it is done once and the result
//! shared by every document and thread; whatever a document's extraction needs from the
//! rules beyond the rules themselves is precomputed here.

use super::coref::{ModifiedDescriptions, Number};
use super::gapped::{GAP, GappedTriggers};
use super::lexicon::{Lexicon, LexiconError};
use super::matcher::{Form, Gazetteer, Mention, PhraseSet, leftmost_longest};
use super::rules::{RuleSet, RulesError};
use super::titled::TitledDescriptions;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

/// Errors assembling knowledge from files.
#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    /// A lexicon file is bad.
    #[error(transparent)]
    Lexicon(#[from] LexiconError),
    /// A rules file is bad.
    #[error(transparent)]
    Rules(#[from] RulesError),
}

/// Everything extraction knows: the lexicon and the rules, compiled for matching.
///
/// Build it once and share it (it is `Sync`) across documents and threads.
#[derive(Debug, Clone)]
pub struct Knowledge {
    pub(super) lexicon: Lexicon,
    pub(super) gazetteer: Gazetteer,
    pub(super) rules: RuleSet,
    pub(super) triggers: PhraseSet<usize>,
    /// Triggers with room for an adjunct ("received ... by"); payload as in `triggers`.
    pub(super) gapped: GappedTriggers<usize>,
    pub(super) groups: Vec<Vec<usize>>,
    pub(super) corefs: PhraseSet<Number>,
    /// "the Geneva-based body": organization descriptions with a modifier.
    pub(super) modified_descriptions: ModifiedDescriptions,
    /// "the crown prince": titles as descriptions of the person named with them.
    pub(super) titled: TitledDescriptions,
    pub(super) glue: HashSet<String>,
    /// Negation phrases, indexed for the window of words before each trigger.
    pub(super) negation: Negations,
    /// `[clauses] words` as substring searchers, built once: boundaries are looked for at
    /// every slot fill, and building a searcher per call cost more than the search.
    pub(super) clause_boundaries: Vec<ClauseBoundary>,
    /// The lexicon entities that go by each short name ("Tokayev"; family members share
    /// one), in the order the gazetteer numbers the short names.
    pub(super) short_owners: Vec<Vec<usize>>,
    /// For each lexicon entry, the lexicon countries it has headed (`head_of`).
    pub(super) heads: Vec<Vec<usize>>,
}

impl Knowledge {
    /// Compiles a lexicon and rules.
    pub fn new(lexicon: Lexicon, rules: RuleSet) -> Self {
        let mut owners_of: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
        for i in 0..lexicon.len() {
            for n in &lexicon.entry(i).short_names {
                owners_of.entry(n.as_str()).or_default().push(i);
            }
        }
        let gazetteer =
            Gazetteer::with_short_names(&lexicon, owners_of.keys().map(|n| n.to_string()));
        let short_owners = owners_of.into_values().collect();
        let mut group_of: HashMap<(String, bool), usize> = HashMap::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut phrases = Vec::new();
        let mut gapped_phrases = Vec::new();
        for (ri, rule) in rules.rules.iter().enumerate() {
            for t in &rule.triggers {
                let key = if rule.case_sensitive {
                    (t.clone(), true)
                } else {
                    (t.to_lowercase(), false)
                };
                let gi = *group_of.entry(key).or_insert_with(|| {
                    groups.push(Vec::new());
                    let phrase = (t.clone(), groups.len() - 1, rule.case_sensitive);
                    if t.contains(GAP) {
                        gapped_phrases.push(phrase);
                    } else {
                        phrases.push(phrase);
                    }
                    groups.len() - 1
                });
                if !groups[gi].contains(&ri) {
                    groups[gi].push(ri);
                }
            }
        }
        let triggers = PhraseSet::new(phrases);
        let gapped = GappedTriggers::new(gapped_phrases);
        let titled = TitledDescriptions::new(&rules.coreference.titles);
        let corefs = PhraseSet::new(
            rules
                .coreference
                .singular
                .iter()
                .map(|p| (p.clone(), Number::Singular, false))
                .chain(
                    rules
                        .coreference
                        .plural
                        .iter()
                        .map(|p| (p.clone(), Number::Plural, false)),
                )
                .chain(
                    rules
                        .coreference
                        .organization
                        .iter()
                        .map(|p| (p.clone(), Number::Organization, false)),
                )
                .chain(
                    rules
                        .coreference
                        .countries
                        .iter()
                        .map(|p| (p.clone(), Number::Countries, false)),
                )
                .chain(
                    rules
                        .coreference
                        .organization_pronouns
                        .iter()
                        .map(|p| (p.clone(), Number::It, false)),
                )
                .chain(titled.phrases().map(|(p, i)| (p, Number::Title(i), false))),
        );
        // Titles ("Prime Minister") are filler between a slot and its trigger or between the
        // items of a list of people.
        let glue = rules
            .glue
            .iter()
            .cloned()
            .chain(
                rules
                    .discovery
                    .person_titles
                    .iter()
                    .flat_map(|t| t.split(' '))
                    .map(|w| w.trim_end_matches('.').to_lowercase()),
            )
            .collect();
        let negation = Negations::new(
            rules.negation.iter().map(|n| Negation::new(n)).collect(),
            rules.months.clone(),
        );
        let clause_boundaries = rules
            .clause_boundaries
            .iter()
            .map(|b| ClauseBoundary::new(b))
            .collect();
        let heads = heads_of(&lexicon);
        let modified_descriptions = ModifiedDescriptions::new(
            &rules.coreference.organization,
            &rules.coreference.organization_modifiers,
        );
        Knowledge {
            titled,
            lexicon,
            gazetteer,
            rules,
            triggers,
            gapped,
            groups,
            corefs,
            modified_descriptions,
            glue,
            negation,
            clause_boundaries,
            short_owners,
            heads,
        }
    }

    /// The compiled-in lexicon and rules.
    pub fn builtin() -> Self {
        Knowledge::new(Lexicon::builtin(), RuleSet::builtin())
    }

    /// The built-in world knowledge and rules, the domain lexicon unless `domain` is false,
    /// then user files in order.
    pub fn from_files(
        lexicons: &[PathBuf],
        rules: &[PathBuf],
        domain: bool,
    ) -> Result<Self, KnowledgeError> {
        let mut lex = if domain {
            Lexicon::builtin()
        } else {
            Lexicon::world()
        };
        for path in lexicons {
            lex.add_file(path)?;
        }
        let mut set = RuleSet::builtin();
        for path in rules {
            set.add_file(path)?;
        }
        Ok(Knowledge::new(lex, set))
    }

    /// The lexicon.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The rules.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }
}

/// Adds the mentions of lexicon entities by their short names ("Tokayev"): where the
/// document names the entity in full and no other entity it names goes by the same short
/// name; or, for a short name that only one entity of the lexicon has, where a title
/// ("President Putin") or a country ("Russia's Putin", "Russian President Putin") stands
/// right before it, which says who is meant as well as the full name would.
///
/// `short` are the gazetteer's matches of the short names (start, end, index in
/// `short_owners`).
pub(super) fn with_short_names(
    k: &Knowledge,
    text: &str,
    known: Vec<Mention>,
    short: Vec<(usize, usize, usize)>,
) -> Vec<Mention> {
    let named: HashSet<usize> = known
        .iter()
        .filter(|m| m.form == Form::Name)
        .map(|m| m.entity)
        .collect();
    let mut found = Vec::new();
    for (start, end, owners) in short {
        let owners = &k.short_owners[owners];
        let mut here = owners.iter().filter(|e| named.contains(e));
        if let (Some(&entity), None) = (here.next(), here.next()) {
            found.push((start, end, (entity, Form::Name)));
        } else if let [only] = owners[..]
            && !is_title_word(k, &text[start..end])
            && introduced(k, text, &known, start)
        {
            found.push((start, end, (only, Form::Name)));
        }
    }
    if found.is_empty() {
        return known;
    }
    let mut all: Vec<(usize, usize, (usize, Form))> = known
        .into_iter()
        .map(|m| (m.start, m.end, (m.entity, m.form)))
        .collect();
    all.extend(found);
    leftmost_longest(all)
        .into_iter()
        .map(Mention::from)
        .collect()
}

/// Whether `word` is a word of a title: "King" is Stephenson King's short name, but in
/// "Bahrain's King Hamad" it is the title.
fn is_title_word(k: &Knowledge, word: &str) -> bool {
    k.rules
        .discovery
        .title_words
        .iter()
        .any(|t| t.iter().any(|w| w == word))
}

/// Whether a title or a country introduces the word at `start`: "President ", "Prime
/// Minister ", "Russia's ", "Russian ".
fn introduced(k: &Knowledge, text: &str, known: &[Mention], start: usize) -> bool {
    let before = &text[..start];
    let Some(head) = before.strip_suffix(' ') else {
        return false;
    };
    let last_word = head
        .rsplit([' ', '\n', '(', '"', '“'])
        .next()
        .unwrap_or_default();
    let titled = k.rules.discovery.title_words.iter().any(|t| {
        t.last()
            .is_some_and(|w| w == last_word.trim_end_matches('.'))
    });
    if titled && last_word.chars().next().is_some_and(char::is_uppercase) {
        return true;
    }
    let owner_end = head
        .strip_suffix("'s")
        .or_else(|| head.strip_suffix("’s"))
        .map_or(head.len(), str::len);
    let i = known.partition_point(|m| m.end < owner_end);
    known.get(i).is_some_and(|m| {
        m.end == owner_end && k.lexicon.entry(m.entity).kind == crate::model::EntityKind::Country
    })
}

/// The countries each lexicon entry has headed, as lexicon indices; a `head_of` name that
/// no lexicon country has (by name or alias, any case) is left out.
fn heads_of(lexicon: &Lexicon) -> Vec<Vec<usize>> {
    let mut country: HashMap<String, usize> = HashMap::new();
    for i in 0..lexicon.len() {
        let e = lexicon.entry(i);
        if e.kind == crate::model::EntityKind::Country {
            for n in std::iter::once(&e.name).chain(&e.aliases) {
                country.entry(n.to_lowercase()).or_insert(i);
            }
        }
    }
    (0..lexicon.len())
        .map(|i| {
            let mut heads: Vec<usize> = (lexicon.entry(i).head_of.iter())
                .filter_map(|c| country.get(&c.to_lowercase()).copied())
                .collect();
            heads.dedup();
            heads
        })
        .collect()
}

/// A negation of `[negation] words`: the words of a phrase ("no longer"), matched whole and
/// in a row among the last words before a trigger, or the contraction "n't" that ends a word
/// ("hasn't").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Negation {
    /// "n't".
    Contraction,
    /// The phrase's words, lower case.
    Words(Vec<String>),
}

impl Negation {
    fn new(phrase: &str) -> Negation {
        if phrase == "n't" {
            Negation::Contraction
        } else {
            Negation::Words(phrase.split_whitespace().map(str::to_lowercase).collect())
        }
    }
}

/// The negation phrases, also indexed by their first word: asked at every trigger whether
/// one of them stands among the last four words, a lookup per word answers it instead of
/// a comparison with every phrase.
#[derive(Debug, Clone)]
pub(super) struct Negations {
    /// Every phrase, in file order.
    pub(super) all: Vec<Negation>,
    /// Whether "n't" is one of them.
    pub(super) contraction: bool,
    /// The words of each phrase, by its first word (lower case).
    pub(super) by_first: HashMap<String, Vec<Vec<String>>, crate::hash::FxBuild>,
    /// Month names: a capitalised one is the month, never the modal ("chaired until May by").
    pub(super) months: super::temporal::Months,
}

impl Negations {
    fn new(all: Vec<Negation>, months: super::temporal::Months) -> Self {
        let mut by_first: HashMap<String, Vec<Vec<String>>, crate::hash::FxBuild> =
            HashMap::default();
        let mut contraction = false;
        for n in &all {
            match n {
                Negation::Contraction => contraction = true,
                Negation::Words(p) => {
                    if let Some(first) = p.first() {
                        by_first.entry(first.clone()).or_default().push(p.clone());
                    }
                }
            }
        }
        Negations {
            all,
            contraction,
            by_first,
            months,
        }
    }
}

/// A clause boundary (", and ") with its forward and backward searchers.
#[derive(Debug, Clone)]
pub(super) struct ClauseBoundary {
    pub(super) len: usize,
    pub(super) forward: memchr::memmem::Finder<'static>,
    pub(super) backward: memchr::memmem::FinderRev<'static>,
}

impl ClauseBoundary {
    fn new(boundary: &str) -> Self {
        ClauseBoundary {
            len: boundary.len(),
            forward: memchr::memmem::Finder::new(boundary).into_owned(),
            backward: memchr::memmem::FinderRev::new(boundary).into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    //! Sentences written for these tests (not taken from the articles).
    use super::super::engine::test_support::{claims, has};

    #[test]
    fn short_names_count_only_after_the_full_name() {
        // "Tokayev" names Kassym-Jomart Tokayev (built-in) only in a text that names him.
        let found = claims("Tokayev met Xi Jinping.");
        assert!(found.is_empty(), "{found:?}");
        let found = claims("Kassym-Jomart Tokayev flew in. Later Tokayev met Xi Jinping.");
        assert!(
            has(&found, "kassym-jomart-tokayev", "met-with", "xi-jinping"),
            "{found:?}"
        );
    }

    #[test]
    fn a_title_or_a_country_introduces_a_short_name_nobody_else_has() {
        for text in [
            "President Tokayev met Xi Jinping.",
            "Kazakhstan's Tokayev met Xi Jinping.",
            "Kazakh President Tokayev met Xi Jinping.",
        ] {
            let found = claims(text);
            assert!(
                has(&found, "kassym-jomart-tokayev", "met-with", "xi-jinping"),
                "{text}: {found:?}"
            );
        }
        // A short name that is a title word stays the title ("King" is Stephenson King's).
        let found = claims("Bahrain's King Hamad bin Isa Al Khalifa met Xi Jinping.");
        assert!(
            !found
                .iter()
                .any(|c| c.0 == "stephenson-king" || c.2 == "stephenson-king"),
            "{found:?}"
        );
        // A lowercase word or another word before it introduces nothing.
        for text in [
            "Mr Smith's Tokayev met Xi Jinping.",
            "the president Tokayev met Xi Jinping.",
        ] {
            let found = claims(text);
            assert!(
                !has(&found, "kassym-jomart-tokayev", "met-with", "xi-jinping"),
                "{text}: {found:?}"
            );
        }
    }
}
