//! Declarative relation rules, loaded from TOML (`data/rules.toml` is compiled in).
//!
//! A rule fires at a *trigger* phrase and fills two *slots* with entity mentions of the same
//! sentence. The format is documented with examples at the top of `data/rules.toml`; in
//! short:
//!
//! ```toml
//! [[rule]]
//! id = "list.observer-states"          # unique; written into every evidence it produces
//! relation = "observer-of"             # a relation name
//! tier = "explicit"                    # or "implied" (default explicit)
//! triggers = ["observer states"]       # literal phrases (ASCII case ignored unless
//!                                      # case_sensitive = true)
//! subject = { find = "after", take = "list", kinds = ["country"], max_gap = 1 }
//! object = { find = "before", kinds = ["organization"] }
//! ```
//!
//! Slot keys: `find` = `before` | `after` the trigger, `sentence-start` (the first mention of
//! the sentence, i.e. its grammatical subject) or `context` (nearest before, then earlier
//! sentences of the paragraph, at most `[limits] context_sentences` back); `take` = `nearest` | `list` (a coordinated list "A, B and C")
//! | `all`; `kinds` = entity types; `forms` = any of `name`, `demonym`, `coref` (default
//! `name` and `coref`); `max_gap` = most non-filler words between trigger and slot;
//! `fallback = "context"` looks in earlier sentences when the sentence has no candidate;
//! `preceded_by = ["of"]` requires those words right before the mention;
//! `gap_has = [":"]` requires one of those strings between the trigger and the mention,
//! `gap_lacks = [" and "]` forbids them; `min_items = 2` asks a list for two mentions.
//! A rule's `sentence_has` words must occur in the sentence.
//! Symmetric relations may omit `object`: every pair of subjects is related. An `unless`
//! slot must find nothing for the rule to apply.
//!
//! A trigger word in braces is a verb lemma: `{join}` matches "join", "joins", "joined" and
//! "joining"; a `[verbs]` table gives irregular past forms (`irregular = { meet = ["met"] }`)
//! and verbs that double their last consonant (`doubling = ["admit"]`).
//!
//! Files may also hold `[[inference]]` rules over the claims of one document
//! (`when = ["?x member-of ?a", "?b evolved-from ?a"]`, `then = "?x member-of ?b"`),
//! a `[clauses] words` list (what opens a new clause: ", and "), a `[coreference]` table
//! (`singular`, `plural` phrases), `[glue] words` (filler words that do not count towards
//! `max_gap`), `[negation] words` that cancel a trigger right after them, and
//! `[limits] context_sentences` (how many earlier sentences a `context` slot searches).
//!
//! Scoring numbers and language word lists the engine uses are data too, each with a
//! default equal to the value the engine was tuned with, so a file may leave them out:
//! `[scoring]` gives the confidence priors (`explicit = 0.9`, `implied = 0.7` for a rule
//! without its own `confidence`) and factors (`coreference = 0.85` for a claim that needed
//! coreference or an earlier sentence, `inference = 0.6` for a derived claim);
//! `[coreference_reach]` how far coreference looks back (`window = 3` sentences for a
//! pronoun, `noun_reach = 8` windows for a description repeating an organization's noun or
//! a title: "the crown prince");
//! `[conjunctions] words` coordinate the items of a list ("and", "or", "及"), and
//! `[leader_nouns] words` make "the Indian leader" a description of a country's leader
//! (opened by one of `[leader_openers] words`: "the", "his Chinese counterpart", with at
//! most one of `[leader_modifiers] words` before the demonym: "the former Indian leader"). For
//! numbers the last file that sets a key wins; word lists add up.

use super::inflect::Verbs;
use crate::model::{EntityKind, RelationKind, Tier};
use serde::Deserialize;
use std::path::Path;

/// The built-in rules file, compiled in.
pub const BUILTIN_RULES: (&str, &str) = ("data/rules.toml", include_str!("../../data/rules.toml"));

/// Given names for the discovery of untitled people, compiled in.
pub const GIVEN_NAMES: (&str, &str) = (
    "data/builtin/given_names.toml",
    include_str!("../../data/builtin/given_names.toml"),
);

/// Errors reading rules.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// TOML syntax error, unknown key, unknown relation or entity type.
    #[error("{0}")]
    Syntax(#[from] crate::error::SyntaxError),
    /// A rule that parses but cannot work.
    #[error("{position}: rule '{id}': {message}")]
    Invalid {
        /// Where the rule's id (or the bad atom) is.
        position: crate::error::Position,
        /// The rule id.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// A word list that parses but cannot be used.
    #[error("{position}: [{list}]: {message}")]
    List {
        /// Where the list is.
        position: crate::error::Position,
        /// The list's table name.
        list: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// Where a slot looks for its mentions, relative to the trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Find {
    /// Before the trigger, nearest first.
    Before,
    /// After the trigger, nearest first.
    After,
    /// The first mention of the trigger's clause (before the trigger): its grammatical
    /// subject.
    SentenceStart,
    /// The first mention after the last clause boundary before the trigger (with or without
    /// a predicate before it), or when that clause names none, of the whole sentence: the
    /// antecedent of a possessive "its" ("Hungary, ..., and its prime minister").
    SentenceFirst,
    /// Nearest before the trigger, else in earlier sentences of the same paragraph.
    Context,
    /// An object slot only: the country the knowledge says the subject has headed
    /// (`head_of` in the lexicon), where the document names it: in the sentence, else the
    /// last mention before it, else the first after. "President Lee Jae-myung" leads South
    /// Korea in an article that names South Korea.
    Office,
}

/// How many mentions a slot takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Take {
    /// One mention.
    #[default]
    Nearest,
    /// A coordinated list starting at the nearest mention.
    List,
    /// Every matching mention on that side of the trigger in the sentence.
    All,
}

/// Which ways of naming an entity a slot accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FormName {
    /// Names and aliases.
    Name,
    /// Demonyms ("Chinese").
    Demonym,
    /// Resolved pronouns and descriptions.
    Coref,
}

/// What to do when a slot finds nothing in the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fallback {
    /// Look in earlier sentences of the paragraph (the claim becomes implied).
    Context,
}

impl Rule {
    /// Whether a slot of the rule may be filled from earlier sentences (`find = "context"`
    /// or `fallback = "context"`).
    pub fn reads_context(&self) -> bool {
        std::iter::once(&self.subject)
            .chain(self.object.as_ref())
            .any(|s| s.find == Find::Context || s.fallback == Some(Fallback::Context))
    }
}

fn default_forms() -> Vec<FormName> {
    vec![FormName::Name, FormName::Coref]
}

/// One side of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// Where to look.
    pub find: Find,
    /// How many mentions to take.
    #[serde(default)]
    pub take: Take,
    /// Accepted entity types.
    pub kinds: Vec<EntityKind>,
    /// Accepted forms.
    #[serde(default = "default_forms")]
    pub forms: Vec<FormName>,
    /// Most non-filler words between the trigger and the nearest mention.
    #[serde(default)]
    pub max_gap: Option<usize>,
    /// Where to look when the sentence has no candidate.
    #[serde(default)]
    pub fallback: Option<Fallback>,
    /// The words that must stand right before the slot's mention (after the previous
    /// mention or the trigger), e.g. `["of", "of the"]` for "President X *of* Chile".
    #[serde(default)]
    pub preceded_by: Vec<String>,
    /// The text between the trigger and the slot's nearest mention must hold one of these
    /// ("members — A, B": a dash or colon opens the list; "A, Canada's prime minister":
    /// a comma sets off the apposition).
    #[serde(default)]
    pub gap_has: Vec<String>,
    /// The text between the trigger and the slot's nearest mention must hold none of these
    /// ("Canada's prime minister, and Scott Morrison": the conjunction ends the apposition).
    #[serde(default)]
    pub gap_lacks: Vec<String>,
    /// Fewest mentions a `list` must hold ("The Quad — A, B and C": one name after a dash
    /// is no list).
    #[serde(default)]
    pub min_items: Option<usize>,
}

/// A relation rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique id, written into evidence.
    pub id: toml::Spanned<std::sync::Arc<str>>,
    /// The relation it produces.
    pub relation: RelationKind,
    /// Explicit or implied.
    #[serde(default = "explicit")]
    pub tier: Tier,
    /// Prior confidence of one claim it makes (default: the `[scoring]` prior of its tier).
    #[serde(default)]
    pub confidence: Option<crate::model::Confidence>,
    /// Trigger phrases.
    pub triggers: Vec<String>,
    /// Match triggers only as written.
    #[serde(default)]
    pub case_sensitive: bool,
    /// The subject slot.
    pub subject: Slot,
    /// The object slot (symmetric relations may omit it).
    #[serde(default)]
    pub object: Option<Slot>,
    /// A slot that must find nothing for the rule to apply: "Russia's President, X" is no
    /// apposition to the person *before* it when a name follows the title.
    #[serde(default)]
    pub unless: Option<Slot>,
    /// The sentence must contain one of these words (any case), e.g. a possessive
    /// "Kazakhstan's Tokayev" names a leader only where the sentence speaks of leaders.
    #[serde(default)]
    pub sentence_has: Vec<String>,
    /// The trigger must open its line or sentence (after a list marker): a key-facts line
    /// "Observers (2): A, B", not "... and three observers: A, B" inside prose.
    #[serde(default)]
    pub opens_line: bool,
}

fn explicit() -> Tier {
    Tier::Explicit
}

/// A term of an inference atom: a variable (`?x`).
pub type Var = String;

/// `?s relation ?o`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    /// Subject variable.
    pub subject: Var,
    /// Relation.
    pub relation: RelationKind,
    /// Object variable.
    pub object: Var,
}

/// A rule deriving new claims from two claims of the same document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inference {
    /// Unique id, written into evidence.
    pub id: std::sync::Arc<str>,
    /// The two premises.
    pub when: [Atom; 2],
    /// The conclusion (always implied).
    pub then: Atom,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInference {
    id: toml::Spanned<std::sync::Arc<str>>,
    when: [toml::Spanned<String>; 2],
    then: toml::Spanned<String>,
}

/// Pronouns and descriptions resolved to earlier people.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coreference {
    /// Phrases that refer to the one person of the nearest sentence naming people ("he").
    #[serde(default)]
    pub singular: Vec<String>,
    /// Phrases that refer to the two people of the nearest sentence naming two ("the two leaders").
    #[serde(default)]
    pub plural: Vec<String>,
    /// Descriptions of the nearest organization ("the bloc"; "the bank" prefers a *Bank*).
    #[serde(default)]
    pub organization: Vec<String>,
    /// Phrases that refer to the two countries of the nearest sentence naming two ("both
    /// countries").
    #[serde(default)]
    pub countries: Vec<String>,
    /// Pronouns of an organization ("it"): the one organization of the clause before them,
    /// else the subject of the sentence before (see `extract::coref`).
    #[serde(default)]
    pub organization_pronouns: Vec<String>,
    /// Words that may stand between "the" and the noun of a two-word organization
    /// description ("the regional bloc"), besides any hyphenated word ("the Geneva-based
    /// body").
    #[serde(default)]
    pub organization_modifiers: Vec<String>,
    /// Titles that describe the one person named with them before ("the crown prince" after
    /// "Crown Prince X"; see `extract::titled`).
    #[serde(default)]
    pub titles: Vec<String>,
}

/// How far rules look back, so that what a sentence costs does not grow with its paragraph.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// How many earlier sentences of the paragraph a `context` slot searches (`find =
    /// "context"` or `fallback = "context"`), nearest first; `None` searches the whole
    /// paragraph. The last file that sets it wins.
    #[serde(default)]
    pub context_sentences: Option<usize>,
    /// When the paragraph names no organization a `context` slot wants, how many earlier
    /// sentences of the document it reads for the one named most (twice at least): the
    /// article's topic ("Pakistan held the presidency in July" in an article on the
    /// council). `None` turns this off. The last file that sets it wins.
    #[serde(default)]
    pub topic_sentences: Option<usize>,
    /// Most words of an aside set off by commas between a slot's mention and its trigger
    /// that count as no gap ("Gabon, by contrast, rejoined"); `None`: an aside is a gap like
    /// any other. The last file that sets it wins.
    #[serde(default)]
    pub aside_words: Option<usize>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WordList {
    #[serde(default)]
    words: Vec<String>,
}

/// Word lists that drive the discovery of unknown entities (see `extract::discover`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Discovery {
    /// Titles that precede a person's name ("President", "Prime Minister", "Dr.").
    #[serde(default)]
    pub person_titles: Vec<String>,
    /// Single-word titles of heads of organizations ("Chair", "Director"), never part of a
    /// name that follows them with "of".
    #[serde(default)]
    pub head_titles: Vec<String>,
    /// Capitalised words that open sentences but never names ("In", "The", "March").
    #[serde(default)]
    pub leading_words: Vec<String>,
    /// Lowercase words inside names ("da", "bin", "van").
    #[serde(default)]
    pub name_particles: Vec<String>,
    /// Words that end names ("Jr.", "III").
    #[serde(default)]
    pub name_suffixes: Vec<String>,
    /// Lowercase words inside organization names ("of", "for", "and").
    #[serde(default)]
    pub connectors: Vec<String>,
    /// Head nouns of organizations ("Bank", "Institute").
    #[serde(default)]
    pub organization_suffixes: Vec<String>,
    /// Head nouns of initiatives ("Initiative", "Agreement").
    #[serde(default)]
    pub initiative_suffixes: Vec<String>,
    /// Head nouns of events ("Summit").
    #[serde(default)]
    pub event_suffixes: Vec<String>,
    /// Head nouns of places ("Street", "Square"): "Peter Street" is no person.
    #[serde(default)]
    pub place_suffixes: Vec<String>,
    /// Lowercase role nouns whose apposition is a person's name: "its *ambassador*, Amar
    /// Bendjama,".
    #[serde(default)]
    pub apposition_nouns: Vec<String>,
    /// Words that open such a role noun's phrase ("its", "the"; a possessive "'s" always
    /// does).
    #[serde(default)]
    pub apposition_openers: Vec<String>,
    /// Lowercase articles and possessive determiners ("the", "a", "its"): they open a noun
    /// phrase, so after a relative clause they start an apposition, not the main clause's
    /// predicate, and before an organization noun they open its phrase.
    #[serde(default)]
    pub determiners: Vec<String>,
    /// Lowercase common nouns of organizations whose name follows them directly: "the
    /// consultancy *Petrolytica*", "the militant group *Hezbollah*".
    #[serde(default)]
    pub organization_nouns: Vec<String>,
    /// Lowercase nouns that follow an organization's name: "the ruling *Georgian Dream*
    /// party" (the name is the capitalised words between the article, or a qualifier, and
    /// the noun).
    #[serde(default)]
    pub organization_nouns_after: Vec<String>,
    /// Words that may stand between the article and such a name ("the *ruling* ... party").
    #[serde(default)]
    pub organization_qualifiers: Vec<String>,
    /// The last words of `organization_nouns`, asked at every word.
    #[serde(skip)]
    pub(crate) organization_noun_ends: std::collections::HashSet<String, crate::hash::FxBuild>,
    /// `person_titles` split into words without trailing dots ("Dr." → ["Dr"]), for matching.
    #[serde(skip)]
    pub title_words: Vec<Vec<String>>,
    /// The first words of `title_words`: most words of a text are no title's first word,
    /// and a set answers that without reading the titles. (Hashed with FxHash: asked for
    /// every word of every text, and filled from our data only.)
    #[serde(skip)]
    pub(crate) title_starts: std::collections::HashSet<String, crate::hash::FxBuild>,
    /// `apposition_nouns` as a set, asked for every word of every text (FxHash, as above).
    #[serde(skip)]
    pub(crate) apposition_noun_set: std::collections::HashSet<String, crate::hash::FxBuild>,
    /// `leading_words` as a set, asked for most capitalised words (FxHash, as above).
    #[serde(skip)]
    pub(crate) leading_set: std::collections::HashSet<String, crate::hash::FxBuild>,
    /// The rule set's `[months]`: capitalised month names open sentences, as leading words do.
    #[serde(skip)]
    pub(crate) months: super::temporal::Months,
    /// Given names that open an untitled person's name ("Bola Tinubu"): the compiled-in
    /// `data/builtin/given_names.toml`.
    #[serde(skip)]
    pub(crate) given_names: std::collections::HashSet<String, crate::hash::FxBuild>,
}

impl Discovery {
    /// Whether `word` opens sentences but never names: a leading word or a capitalised
    /// month name ("In", "March").
    pub(crate) fn is_leading(&self, word: &str) -> bool {
        self.leading_set.contains(word) || self.months.is_capitalised_month(word)
    }

    fn extend(&mut self, other: Discovery) {
        self.person_titles.extend(other.person_titles);
        self.head_titles.extend(other.head_titles);
        self.leading_words.extend(other.leading_words);
        self.name_particles.extend(other.name_particles);
        self.name_suffixes.extend(other.name_suffixes);
        self.connectors.extend(other.connectors);
        self.organization_suffixes
            .extend(other.organization_suffixes);
        self.initiative_suffixes.extend(other.initiative_suffixes);
        self.event_suffixes.extend(other.event_suffixes);
        self.place_suffixes.extend(other.place_suffixes);
        self.apposition_nouns.extend(other.apposition_nouns);
        self.apposition_openers.extend(other.apposition_openers);
        self.determiners.extend(other.determiners);
        self.organization_nouns.extend(other.organization_nouns);
        (self.organization_nouns_after).extend(other.organization_nouns_after);
        (self.organization_qualifiers).extend(other.organization_qualifiers);
        self.leading_set = self.leading_words.iter().cloned().collect();
        self.organization_noun_ends = (self.organization_nouns.iter())
            .filter_map(|n| n.split(' ').next_back().map(str::to_string))
            .collect();
        self.title_words = self
            .person_titles
            .iter()
            .map(|t| {
                t.split(' ')
                    .map(|w| w.trim_end_matches('.').to_string())
                    .collect()
            })
            .collect();
        self.title_starts = self
            .title_words
            .iter()
            .filter_map(|t| t.first().cloned())
            .collect();
        self.apposition_noun_set = self.apposition_nouns.iter().cloned().collect();
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    discovery: Discovery,
    #[serde(default)]
    rule: Vec<Rule>,
    #[serde(default)]
    inference: Vec<RawInference>,
    #[serde(default)]
    coreference: Coreference,
    #[serde(default)]
    glue: WordList,
    #[serde(default)]
    negation: WordList,
    #[serde(default)]
    verbs: Verbs,
    #[serde(default)]
    clauses: WordList,
    #[serde(default)]
    limits: Limits,
    #[serde(default)]
    scoring: RawScoring,
    #[serde(default)]
    coreference_reach: RawReach,
    #[serde(default)]
    conjunctions: WordList,
    #[serde(default)]
    leader_nouns: WordList,
    #[serde(default)]
    leader_openers: WordList,
    #[serde(default)]
    leader_modifiers: WordList,
    #[serde(default)]
    shared_subject: SharedSubject,
    #[serde(default)]
    relatives: Relatives,
    #[serde(default)]
    auxiliaries: WordList,
    #[serde(default)]
    list_asides: WordList,
    #[serde(default)]
    list_adjuncts: WordList,
    #[serde(default)]
    months: Option<toml::Spanned<MonthNames>>,
    #[serde(default)]
    prepositions: WordList,
}

/// `[months]`: twelve entries per language, in calendar order.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MonthNames {
    names: Vec<String>,
}

/// Every rule, inference, coreference phrase and word list, merged from several files.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    /// Relation rules, in file order.
    pub rules: Vec<Rule>,
    /// Inference rules.
    pub inferences: Vec<Inference>,
    /// Coreference phrases.
    pub coreference: Coreference,
    /// Filler words (lowercase).
    pub glue: Vec<String>,
    /// Negation words (lowercase).
    pub negation: Vec<String>,
    /// Discovery word lists.
    pub discovery: Discovery,
    /// Verb forms for `{lemma}` triggers.
    pub verbs: Verbs,
    /// Strings that open a new clause (", and ", "; ") when a predicate stands before them.
    pub clause_boundaries: Vec<String>,
    /// How far rules look back.
    pub limits: Limits,
    /// Confidence priors and factors.
    pub scoring: Scoring,
    /// How far coreference looks back.
    pub coreference_reach: CoreferenceReach,
    /// Words that coordinate list items (lowercase).
    pub conjunctions: Vec<String>,
    /// Nouns of "the Indian leader", "the Chinese President", in the order they are tried.
    pub leader_nouns: Vec<String>,
    /// Words that open such a description ("the", "his": "his Chinese counterpart").
    pub leader_openers: Vec<String>,
    /// Words that may stand between the opener and the demonym ("the former Portuguese
    /// prime minister", "the veteran Hungarian leader").
    pub leader_modifiers: Vec<String>,
    /// What makes a predicate share the subject of the clause before ("X and then met Y").
    pub shared_subject: SharedSubject,
    /// Relative pronouns, lowercase.
    pub relatives: Relatives,
    /// Auxiliary verbs (lowercase) that show a predicate before a clause boundary when no
    /// trigger does: "A has frozen its participation, and B left".
    pub auxiliaries: Vec<String>,
    /// Words (lowercase) that add an item set off by commas to a list: "A, like B, joined",
    /// "A, along with B, met C".
    pub list_asides: Vec<String>,
    /// Words (lowercase) of a time adjunct that may follow a list item without ending the
    /// list: "B later that year and C in 2023".
    pub list_adjuncts: Vec<String>,
    /// Month names (`[months]`): dates, time adjuncts in lists, words that open sentences.
    pub months: super::temporal::Months,
    /// Prepositions (lowercase) whose object is no subject before a trigger: "Talks *with*
    /// Fiji were suspended".
    pub prepositions: Vec<String>,
}

/// `[shared_subject]`: "A was received by B and then held talks with C" — a conjunction and
/// adverbs alone between a mention and a predicate make the clause's first mention the
/// predicate's subject, not the mention before it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedSubject {
    /// Conjunctions that coordinate two predicates ("and", "but").
    #[serde(default)]
    pub conjunctions: Vec<String>,
    /// Adverbs that may follow the conjunction ("then", "later").
    #[serde(default)]
    pub adverbs: Vec<String>,
}

/// `[relatives]`: relative pronouns, which open a clause about the noun phrase before them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relatives {
    /// Pronouns whose antecedent is a person ("who"): "A, a former minister of B who led
    /// C" — A led C, not B.
    #[serde(default)]
    pub person: Vec<String>,
    /// The others ("which", "whose", "that").
    #[serde(default)]
    pub other: Vec<String>,
}

/// Confidence of the claims rules make: priors by tier and factors for weaker evidence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scoring {
    /// Prior of an explicit rule's claim (the rule's `confidence` overrides it).
    pub explicit: f64,
    /// Prior of an implied rule's claim.
    pub implied: f64,
    /// Factor for a claim that needed coreference or an earlier sentence.
    pub coreference: f64,
    /// Factor from a premise's confidence to an inferred claim's.
    pub inference: f64,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            explicit: 0.9,
            implied: 0.7,
            coreference: 0.85,
            inference: 0.6,
        }
    }
}

/// How far back coreference looks for an antecedent, in sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CoreferenceReach {
    /// Sentences a pronoun may look back; a bare description ("the bloc") twice as far.
    pub window: usize,
    /// Windows a description repeating an organization's noun ("the forum") or a title
    /// ("the crown prince") may look back.
    pub noun_reach: usize,
}

impl Default for CoreferenceReach {
    fn default() -> Self {
        CoreferenceReach {
            window: 3,
            noun_reach: 8,
        }
    }
}

/// `[scoring]` as written: unset keys keep the value before the file.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScoring {
    explicit: Option<f64>,
    implied: Option<f64>,
    coreference: Option<f64>,
    inference: Option<f64>,
}

/// `[coreference_reach]` as written: unset keys keep the value before the file.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReach {
    window: Option<usize>,
    noun_reach: Option<usize>,
}

impl RuleSet {
    /// The compiled-in rules.
    pub fn builtin() -> Self {
        let mut set = RuleSet::default();
        set.add_toml(BUILTIN_RULES.0, BUILTIN_RULES.1)
            .expect("built-in rules parse");
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct GivenNames {
            names: Vec<String>,
        }
        let given: GivenNames = toml::from_str(GIVEN_NAMES.1).expect("built-in given names parse");
        set.discovery.given_names = given.names.into_iter().collect();
        set
    }

    /// Reads a rules file and adds it.
    pub fn add_file(&mut self, path: &Path) -> Result<(), RulesError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| RulesError::Io {
            path: name.clone(),
            source,
        })?;
        self.add_toml(&name, &text)
    }

    /// Parses TOML text and adds its rules; `name` is used in error messages.
    pub fn add_toml(&mut self, name: &str, text: &str) -> Result<(), RulesError> {
        let at = |offset: usize| crate::error::Position::in_file(name, text, offset);
        let file: RulesFile =
            toml::from_str(text).map_err(|e| crate::error::SyntaxError::toml(name, text, &e))?;
        let invalid =
            |id: &toml::Spanned<std::sync::Arc<str>>, message: String| RulesError::Invalid {
                position: at(id.span().start),
                id: id.get_ref().to_string(),
                message,
            };
        // Verbs first: the rules of the same file may use them.
        self.verbs.extend(file.verbs);
        for mut rule in file.rule {
            rule.triggers = rule
                .triggers
                .iter()
                .flat_map(|t| self.verbs.expand(t))
                .collect();
            if self
                .rules
                .iter()
                .any(|r| r.id.get_ref() == rule.id.get_ref())
            {
                return Err(invalid(&rule.id, "duplicate rule id".into()));
            }
            if rule.triggers.iter().all(|t| t.trim().is_empty()) {
                return Err(invalid(&rule.id, "needs at least one trigger".into()));
            }
            if rule.object.is_none() && !rule.relation.is_symmetric() {
                return Err(invalid(
                    &rule.id,
                    format!(
                        "'{}' is not symmetric, so the rule needs an object slot",
                        rule.relation
                    ),
                ));
            }
            if let Some(t) = rule.triggers.iter().find(|t| {
                let gap = super::gapped::GAP;
                t.matches(gap).count() > 1
                    || t.trim() == gap.trim()
                    || t.starts_with(gap.trim_start())
                    || t.ends_with(gap.trim_end())
            }) {
                return Err(invalid(
                    &rule.id,
                    format!("a trigger holds at most one ' ... ' between two words: '{t}'"),
                ));
            }
            if let Some(t) = rule.triggers.iter().find(|t| t.contains(['{', '}'])) {
                return Err(invalid(
                    &rule.id,
                    format!("unbalanced braces in trigger '{t}'"),
                ));
            }
            let office_ok = rule.subject.find != Find::Office
                && rule.unless.as_ref().is_none_or(|u| u.find != Find::Office)
                && (rule.object.as_ref().is_none_or(|o| o.find != Find::Office)
                    || rule.subject.take == Take::Nearest);
            if !office_ok {
                return Err(invalid(
                    &rule.id,
                    "find = \"office\" is for the object slot of a rule whose subject takes the nearest mention".into(),
                ));
            }
            for slot in std::iter::once(&rule.subject)
                .chain(rule.object.as_ref())
                .chain(rule.unless.as_ref())
            {
                if slot.kinds.is_empty() {
                    return Err(invalid(&rule.id, "a slot needs at least one kind".into()));
                }
            }
            self.rules.push(rule);
        }
        for raw in file.inference {
            let parse = |s: &toml::Spanned<String>| {
                parse_atom(s.get_ref()).map_err(|message| RulesError::Invalid {
                    position: at(s.span().start),
                    id: raw.id.get_ref().to_string(),
                    message,
                })
            };
            let when = [parse(&raw.when[0])?, parse(&raw.when[1])?];
            let then = parse(&raw.then)?;
            let bound = |v: &str| when.iter().any(|a| a.subject == v || a.object == v);
            if !bound(&then.subject) || !bound(&then.object) {
                return Err(invalid(
                    &raw.id,
                    "every variable of `then` must appear in `when`".into(),
                ));
            }
            self.inferences.push(Inference {
                id: raw.id.into_inner(),
                when,
                then,
            });
        }
        if let Some(months) = file.months {
            let position = at(months.span().start);
            self.months
                .extend(months.into_inner().names)
                .map_err(|n| RulesError::List {
                    position,
                    list: "months",
                    message: format!("{n} names, expected twelve per language (a multiple of 12)"),
                })?;
        }
        self.discovery.extend(file.discovery);
        self.discovery.months = self.months.clone();
        self.coreference.singular.extend(file.coreference.singular);
        self.coreference
            .organization
            .extend(file.coreference.organization);
        self.coreference.plural.extend(file.coreference.plural);
        self.coreference
            .countries
            .extend(file.coreference.countries);
        (self.coreference.titles).extend(file.coreference.titles);
        self.coreference
            .organization_modifiers
            .extend(file.coreference.organization_modifiers);
        self.coreference
            .organization_pronouns
            .extend(file.coreference.organization_pronouns);
        self.glue
            .extend(file.glue.words.into_iter().map(|w| w.to_lowercase()));
        self.negation
            .extend(file.negation.words.into_iter().map(|w| w.to_lowercase()));
        self.clause_boundaries.extend(file.clauses.words);
        if let Some(n) = file.limits.context_sentences {
            self.limits.context_sentences = Some(n);
        }
        if let Some(n) = file.limits.topic_sentences {
            self.limits.topic_sentences = Some(n);
        }
        if let Some(n) = file.limits.aside_words {
            self.limits.aside_words = Some(n);
        }
        let (sc, raw) = (&mut self.scoring, file.scoring);
        for (to, from) in [
            (&mut sc.explicit, raw.explicit),
            (&mut sc.implied, raw.implied),
            (&mut sc.coreference, raw.coreference),
            (&mut sc.inference, raw.inference),
        ] {
            if let Some(v) = from {
                *to = v;
            }
        }
        let reach = &mut self.coreference_reach;
        if let Some(n) = file.coreference_reach.window {
            reach.window = n;
        }
        if let Some(n) = file.coreference_reach.noun_reach {
            reach.noun_reach = n;
        }
        self.conjunctions.extend(
            file.conjunctions
                .words
                .into_iter()
                .map(|w| w.to_lowercase()),
        );
        self.leader_nouns.extend(file.leader_nouns.words);
        self.leader_openers.extend(file.leader_openers.words);
        self.leader_modifiers.extend(file.leader_modifiers.words);
        (self.shared_subject.conjunctions).extend(file.shared_subject.conjunctions);
        (self.shared_subject.adverbs).extend(file.shared_subject.adverbs);
        let lower = |ws: Vec<String>| ws.into_iter().map(|w| w.to_lowercase());
        (self.auxiliaries).extend(lower(file.auxiliaries.words));
        (self.list_asides).extend(lower(file.list_asides.words));
        (self.list_adjuncts).extend(lower(file.list_adjuncts.words));
        (self.prepositions).extend(lower(file.prepositions.words));
        (self.relatives.person).extend(lower(file.relatives.person));
        (self.relatives.other).extend(lower(file.relatives.other));
        Ok(())
    }
}

fn parse_atom(s: &str) -> Result<Atom, String> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [subject, relation, object] = parts[..] else {
        return Err(format!("expected '?subject relation ?object', got '{s}'"));
    };
    for v in [subject, object] {
        if !v.starts_with('?') || v.len() < 2 {
            return Err(format!("'{v}' is not a variable (write ?name)"));
        }
    }
    let relation = relation
        .parse::<RelationKind>()
        .map_err(|e| e.to_string())?;
    Ok(Atom {
        subject: subject.to_string(),
        relation,
        object: object.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_parse() {
        let set = RuleSet::builtin();
        assert!(set.rules.len() > 10);
        assert!(!set.inferences.is_empty());
        assert!(!set.coreference.singular.is_empty());
    }

    #[test]
    fn builtin_scoring_and_reach_equal_the_defaults() {
        let set = RuleSet::builtin();
        assert_eq!(set.scoring, Scoring::default());
        assert_eq!(set.coreference_reach, CoreferenceReach::default());
        assert_eq!(set.conjunctions, ["and", "or", "及", "と", "plus"]);
        assert_eq!(set.leader_nouns[0], "leader");
    }

    #[test]
    fn a_later_file_overrides_one_number() {
        let mut set = RuleSet::builtin();
        set.add_toml(
            "r.toml",
            "[scoring]\nimplied = 0.5\n[coreference_reach]\nwindow = 2\n",
        )
        .unwrap();
        assert_eq!((set.scoring.explicit, set.scoring.implied), (0.9, 0.5));
        assert_eq!(set.coreference_reach.window, 2);
        assert_eq!(set.coreference_reach.noun_reach, 8);
    }

    #[test]
    fn unknown_relation_has_line_and_column() {
        let text = "[[rule]]\nid = \"x\"\nrelation = \"friend-of\"\ntriggers = [\"a\"]\nsubject = { find = \"after\", kinds = [\"person\"] }\n";
        let err = RuleSet::default().add_toml("r.toml", text).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("r.toml:3:12: unknown variant `friend-of`"),
            "{err}"
        );
    }

    #[test]
    fn unknown_kind_has_line_and_column() {
        let text = "[[rule]]\nid = \"x\"\nrelation = \"met-with\"\ntriggers = [\"a\"]\nsubject = { find = \"after\", kinds = [\"robot\"] }\n";
        let err = RuleSet::default().add_toml("r.toml", text).unwrap_err();
        assert!(err.to_string().starts_with("r.toml:5:"), "{err}");
        assert!(err.to_string().contains("robot"), "{err}");
    }

    #[test]
    fn asymmetric_rule_without_object_is_invalid() {
        let text = "[[rule]]\nid = \"x\"\nrelation = \"leads\"\ntriggers = [\"a\"]\nsubject = { find = \"after\", kinds = [\"person\"] }\n";
        let err = RuleSet::default().add_toml("r.toml", text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "r.toml:2:6: rule 'x': 'leads' is not symmetric, so the rule needs an object slot"
        );
    }

    #[test]
    fn inference_atoms_are_checked() {
        let text = "[[inference]]\nid = \"i\"\nwhen = [\"?x member-of ?a\", \"?b evolved-from ?a\"]\nthen = \"?x member-of ?c\"\n";
        let err = RuleSet::default().add_toml("r.toml", text).unwrap_err();
        assert!(err.to_string().contains("every variable"), "{err}");
        let text = "[[inference]]\nid = \"i\"\nwhen = [\"?x member ?a\", \"?b evolved-from ?a\"]\nthen = \"?x member-of ?b\"\n";
        let err = RuleSet::default().add_toml("r.toml", text).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("r.toml:3:9: rule 'i': unknown relation 'member'"),
            "{err}"
        );
    }

    #[test]
    fn months_come_twelve_per_language() {
        let text = "[glue]\nwords = []\n\n[months]\nnames = [\"janvier\", \"février\"]\n";
        let err = RuleSet::default().add_toml("r.toml", text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "r.toml:4:1: [months]: 2 names, expected twelve per language (a multiple of 12)"
        );
        let french = "[months]\nnames = [\"janvier|janv\", \"février|févr\", \"mars\", \"avril\", \"mai\", \"juin\", \"juillet\", \"août\", \"septembre|sept\", \"octobre\", \"novembre\", \"décembre\"]\n";
        let mut set = RuleSet::builtin();
        set.add_toml("fr.toml", french).unwrap();
        let m = &set.months;
        assert_eq!(m.month("Août"), Some(8));
        assert_eq!(m.month("févr"), Some(2));
        assert_eq!(m.month("Sept"), Some(9));
        assert_eq!(m.month("DEC"), Some(12));
        assert_eq!(m.month("marzo"), None);
        // A capitalised month name opens a sentence; a lowercase "may" is a modal.
        assert!(set.discovery.is_leading("Juillet") && set.discovery.is_leading("May"));
        assert!(!set.discovery.is_leading("may") && !set.discovery.is_leading("Marc"));
    }
}
