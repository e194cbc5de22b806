//! The rule engine: triggers, slots, lists, negation, inference.

use super::Extraction;
use super::coref::{self, Number};
use super::discover;
use super::lexicon::LexiconEntry;
use super::lexicon::{Lexicon, LexiconError};
use super::matcher::{Form, Gazetteer, Mention, PhraseSet, is_cjk, leftmost_longest};
use super::rules::{Fallback, Find, FormName, Rule, RuleSet, RulesError, Slot, Take};
use super::temporal;
use crate::model::{Claim, Confidence, Entity, EntityKind, Evidence, RelationKind, Tier, When};
use crate::text::{Document, Sentence};
use std::collections::{BTreeSet, HashMap, HashSet};
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
    lexicon: Lexicon,
    gazetteer: Gazetteer,
    rules: RuleSet,
    triggers: PhraseSet<usize>,
    groups: Vec<Vec<usize>>,
    corefs: PhraseSet<Number>,
    glue: HashSet<String>,
    /// Negation phrases padded with spaces (" not "), for whole-word search.
    negation: Vec<String>,
    /// Short names ("Tokayev") of lexicon entities; the payload indexes `short_owners`.
    short_names: PhraseSet<usize>,
    /// The lexicon entities that go by each short name (family members share one).
    short_owners: Vec<Vec<usize>>,
}

impl Knowledge {
    /// Compiles a lexicon and rules.
    pub fn new(lexicon: Lexicon, rules: RuleSet) -> Self {
        let gazetteer = Gazetteer::new(&lexicon);
        let mut group_of: HashMap<(String, bool), usize> = HashMap::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut phrases = Vec::new();
        for (ri, rule) in rules.rules.iter().enumerate() {
            for t in &rule.triggers {
                let key = if rule.case_sensitive {
                    (t.clone(), true)
                } else {
                    (t.to_lowercase(), false)
                };
                let gi = *group_of.entry(key).or_insert_with(|| {
                    groups.push(Vec::new());
                    phrases.push((t.clone(), groups.len() - 1, rule.case_sensitive));
                    groups.len() - 1
                });
                if !groups[gi].contains(&ri) {
                    groups[gi].push(ri);
                }
            }
        }
        let triggers = PhraseSet::new(phrases);
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
                ),
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
        let negation = rules.negation.iter().map(|n| format!(" {n} ")).collect();
        let mut owners_of: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
        for i in 0..lexicon.len() {
            for n in &lexicon.entry(i).short_names {
                owners_of.entry(n.as_str()).or_default().push(i);
            }
        }
        let short_names = PhraseSet::new(
            owners_of
                .keys()
                .enumerate()
                .map(|(i, n)| (n.to_string(), i, true)),
        );
        let short_owners = owners_of.into_values().collect();
        Knowledge {
            lexicon,
            gazetteer,
            rules,
            triggers,
            groups,
            corefs,
            glue,
            negation,
            short_names,
            short_owners,
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

/// A filled slot: the mentions taken and whether they came from another sentence.
struct Filled {
    mentions: Vec<Mention>,
    from_context: bool,
}

/// The entities one document can refer to: the lexicon's, then the ones discovered in it.
struct Entities<'a> {
    lexicon: &'a Lexicon,
    local: Vec<LexiconEntry>,
    local_ids: Vec<String>,
}

impl Entities<'_> {
    fn entry(&self, i: usize) -> &LexiconEntry {
        match i.checked_sub(self.lexicon.len()) {
            Some(j) => &self.local[j],
            None => self.lexicon.entry(i),
        }
    }

    fn id(&self, i: usize) -> std::borrow::Cow<'_, str> {
        match i.checked_sub(self.lexicon.len()) {
            Some(j) => std::borrow::Cow::Borrowed(&self.local_ids[j]),
            None => std::borrow::Cow::Borrowed(self.lexicon.id(i)),
        }
    }

    fn kind(&self, i: usize) -> EntityKind {
        self.entry(i).kind
    }
}

/// A claim between entity indices, before ids are looked up.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct RawClaim {
    subject: usize,
    relation: RelationKind,
    object: usize,
    evidence: Evidence,
}

/// Per-document state shared by all rule applications.
struct Ctx<'a> {
    text: &'a str,
    /// The document's name, shared by all its evidence.
    doc_name: std::sync::Arc<str>,
    k: &'a Knowledge,
    ents: Entities<'a>,
    sentences: &'a [Sentence],
    /// Captions and credits: counted like brackets between a slot and its trigger.
    noise: &'a [std::ops::Range<usize>],
    mentions: Vec<Mention>,
    triggers: Vec<(usize, usize, usize)>,
}

pub(super) fn run(doc: &Document, k: &Knowledge) -> Extraction {
    let text = doc.text();
    // Nothing in a caption or credit ("(Photo: Reuters)") names an entity.
    let mut known = k.gazetteer.find(text);
    known.retain(|m| !doc.is_noise(m.start, m.end));
    known = with_short_names(k, text, known);
    known.retain(|m| !doc.is_noise(m.start, m.end));
    let found = discover::discover(doc, &k.lexicon, &known, &k.rules.discovery);
    let local = PhraseSet::new(
        found
            .patterns
            .iter()
            .map(|(p, ix, cs)| (p.clone(), (*ix, Form::Name), *cs)),
    );
    // Lexicon and discovered names compete for the same text: longest first, the lexicon
    // winning ties.
    let mut all: Vec<(usize, usize, (usize, Form))> = known
        .iter()
        .map(|m| (m.start, m.end, (m.entity, m.form)))
        .collect();
    all.extend(
        local
            .find(text)
            .into_iter()
            .filter(|&(s, e, _)| !doc.is_noise(s, e)),
    );
    let names: Vec<Mention> = leftmost_longest(all)
        .into_iter()
        .map(|(start, end, (entity, form))| Mention {
            start,
            end,
            entity,
            form,
        })
        .collect();
    let local_ids = found
        .entries
        .iter()
        .map(|e| crate::model::slug(&e.name))
        .collect();
    let ents = Entities {
        lexicon: &k.lexicon,
        local: found.entries,
        local_ids,
    };
    // A lexicon may spell a person with a title ("Chancellor Greta Nkosi"); the title is a
    // trigger, so the mention starts after it.
    let mut names = names;
    for m in names
        .iter_mut()
        .filter(|m| ents.kind(m.entity) == EntityKind::Person)
    {
        let mention = &text[m.start..m.end];
        if let Some(t) = k.rules.discovery.person_titles.iter().find(|t| {
            mention.len() > t.len() + 1
                && mention.starts_with(t.as_str())
                && mention[t.len()..].starts_with(' ')
        }) {
            m.start += t.len() + 1;
        }
    }
    // A trigger or pronoun inside a name ("President" in "Office of the President") is part of
    // the name, not a trigger; one inside a caption or credit is none either.
    let inside_name = |s: usize, e: usize| {
        let i = names.partition_point(|m| m.end <= s);
        names.get(i).is_some_and(|m| m.start < e) || doc.is_noise(s, e)
    };
    let triggers: Vec<_> = k
        .triggers
        .find(text)
        .into_iter()
        .filter(|&(s, e, _)| !inside_name(s, e))
        .collect();
    let phrases: Vec<_> = k
        .corefs
        .find(text)
        .into_iter()
        .filter(|&(s, e, _)| !inside_name(s, e))
        .collect();
    let resolved = coref::resolve(
        text,
        doc.sentences(),
        &names,
        &phrases,
        |e| ents.kind(e),
        |e| ents.entry(e).name.as_str(),
    );
    let mut mentions = names;
    mentions.extend(resolved);
    mentions.sort();

    let mut ctx = Ctx {
        text,
        doc_name: doc.name().into(),
        k,
        ents,
        sentences: doc.sentences(),
        noise: doc.noise(),
        mentions,
        triggers,
    };
    let mut claims = BTreeSet::new();
    ctx.apply_all(&mut claims);
    // "The Indian leader": the one person the document says leads India.
    let leaders = ctx.leader_descriptions(&claims);
    if !leaders.is_empty() {
        ctx.mentions.extend(leaders);
        ctx.mentions.sort();
        ctx.apply_all(&mut claims);
    }
    infer(&k.rules, &mut claims);

    let mut used: BTreeSet<usize> = ctx
        .mentions
        .iter()
        .filter(|m| m.form == Form::Name)
        .map(|m| m.entity)
        .collect();
    for c in &claims {
        used.extend([c.subject, c.object]);
    }
    let mut entities: Vec<Entity> = used
        .into_iter()
        .map(|i| {
            let e = ctx.ents.entry(i);
            Entity {
                id: ctx.ents.id(i).into_owned(),
                label: e.name.clone(),
                kind: e.kind,
                aliases: e.aliases.clone(),
                wikidata: e.wikidata.clone(),
            }
        })
        .collect();
    entities.sort_by(|a, b| a.id.cmp(&b.id));
    entities.dedup_by(|a, b| a.id == b.id);
    let mut claims: Vec<Claim> = claims
        .into_iter()
        .map(|c| {
            let (mut subject, mut object) = (ctx.ents.id(c.subject), ctx.ents.id(c.object));
            // Symmetric claims are stated once, smaller id first, as the graph stores them.
            if c.relation.is_symmetric() && subject > object {
                std::mem::swap(&mut subject, &mut object);
            }
            Claim {
                subject: subject.into_owned(),
                relation: c.relation,
                object: object.into_owned(),
                evidence: c.evidence,
            }
        })
        .filter(|c| c.subject != c.object)
        .collect();
    claims.sort();
    claims.dedup();
    let mut surfaces: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for m in ctx.mentions.iter().filter(|m| m.form == Form::Name) {
        let names = surfaces
            .entry(ctx.ents.id(m.entity).into_owned())
            .or_default();
        let name = &text[m.start..m.end];
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    surfaces.values_mut().for_each(|v| v.sort());
    Extraction {
        document: doc.name().to_string(),
        entities,
        claims,
        surfaces,
    }
}

/// Adds the mentions of lexicon entities by their short names ("Tokayev"), where the
/// document names the entity in full and no other entity it names goes by the same short name.
fn with_short_names(k: &Knowledge, text: &str, known: Vec<Mention>) -> Vec<Mention> {
    let named: HashSet<usize> = known
        .iter()
        .filter(|m| m.form == Form::Name)
        .map(|m| m.entity)
        .collect();
    let mut all: Vec<(usize, usize, (usize, Form))> = known
        .into_iter()
        .map(|m| (m.start, m.end, (m.entity, m.form)))
        .collect();
    for (start, end, owners) in k.short_names.find(text) {
        let mut here = k.short_owners[owners].iter().filter(|e| named.contains(e));
        if let (Some(&entity), None) = (here.next(), here.next()) {
            all.push((start, end, (entity, Form::Name)));
        }
    }
    leftmost_longest(all)
        .into_iter()
        .map(|(start, end, (entity, form))| Mention {
            start,
            end,
            entity,
            form,
        })
        .collect()
}

impl Ctx<'_> {
    fn apply_all(&self, claims: &mut BTreeSet<RawClaim>) {
        for &(ts, te, group) in &self.triggers {
            let Some(si) = coref::sentence_of(self.sentences, ts) else {
                continue;
            };
            if self.negated(si, ts) {
                continue;
            }
            for &ri in &self.k.groups[group] {
                self.apply(&self.k.rules.rules[ri], si, ts, te, claims);
            }
        }
    }

    /// Mentions for "the Indian leader" / "the Chinese President" (not followed by a name):
    /// the one person this document says leads that country.
    fn leader_descriptions(&self, claims: &BTreeSet<RawClaim>) -> Vec<Mention> {
        let mut out = Vec::new();
        // The people the claims say lead each entity, gathered once (not once a mention).
        let mut leaders_of: HashMap<usize, BTreeSet<usize>> = HashMap::new();
        for c in claims.iter().filter(|c| c.relation == RelationKind::Leads) {
            if self.ents.kind(c.subject) == EntityKind::Person {
                leaders_of.entry(c.object).or_default().insert(c.subject);
            }
        }
        for m in self.mentions.iter().filter(|m| m.form == Form::Demonym) {
            let the = m
                .start
                .checked_sub(4)
                .and_then(|s| self.text.get(s..m.start))
                .is_some_and(|w| w.eq_ignore_ascii_case("the "));
            if !the {
                continue;
            }
            let after = &self.text[m.end..];
            let Some(noun) = LEADER_NOUNS.iter().find(|n| {
                after.starts_with(' ')
                    && after
                        .get(1..1 + n.len())
                        .is_some_and(|w| w.eq_ignore_ascii_case(n))
            }) else {
                continue;
            };
            let rest = &after[1 + noun.len()..];
            // "the Iranian President Masoud Pezeshkian" names the person: not a description.
            let named = rest
                .strip_prefix(' ')
                .and_then(|r| r.chars().next())
                .is_some_and(char::is_uppercase);
            if named || rest.starts_with(|c: char| c.is_alphanumeric()) {
                continue;
            }
            let leaders = leaders_of.get(&m.entity);
            if let Some(leaders) = leaders.filter(|l| l.len() == 1) {
                out.push(Mention {
                    start: m.start - 4,
                    end: m.end + 1 + noun.len(),
                    entity: *leaders.first().unwrap(),
                    form: Form::Coref,
                });
            }
        }
        out
    }

    fn sentence_mentions(&self, si: usize) -> &[Mention] {
        let s = self.sentences[si];
        let a = self.mentions.partition_point(|m| m.start < s.start);
        let b = self.mentions.partition_point(|m| m.start < s.end);
        &self.mentions[a..b]
    }

    fn allowed(&self, slot: &Slot, m: &Mention) -> bool {
        let form = match m.form {
            Form::Name => FormName::Name,
            Form::Demonym => FormName::Demonym,
            Form::Coref => FormName::Coref,
        };
        slot.forms.contains(&form) && slot.kinds.contains(&self.ents.kind(m.entity))
    }

    /// True when a negation word sits among the few words before the trigger.
    fn negated(&self, si: usize, ts: usize) -> bool {
        // Only the last words before the trigger matter: look at a short tail of the
        // sentence, not all of it, for every trigger.
        let sentence_start = self.sentences[si].start;
        let mut from = ts.saturating_sub(80).max(sentence_start);
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        let words: Vec<String> = words(&self.text[from..ts])
            .map(|w| w.to_lowercase())
            .collect();
        let window = &words[words.len().saturating_sub(4)..];
        let joined = format!(" {} ", window.join(" "));
        self.k.negation.iter().any(|n| {
            if n == " n't " {
                window
                    .iter()
                    .any(|w| w.ends_with("n't") || w.ends_with("n’t"))
            } else {
                joined.contains(n.as_str())
            }
        })
    }

    /// Non-filler words in `text[from..to]`: not counting filler words, numbers, anything
    /// in brackets or captions ("(left)", ", right,"), or the text of other mentions
    /// ("former *Brazilian* President").
    fn gap_words(&self, from: usize, to: usize) -> usize {
        let first = self.mentions.partition_point(|m| m.end <= from);
        let mut count = 0;
        let mut at = from;
        for m in self.mentions[first..].iter().take_while(|m| m.start < to) {
            if m.start > at {
                count += self.unmasked_gap_words(at, m.start);
            }
            at = at.max(m.end);
        }
        if at < to {
            count += self.unmasked_gap_words(at, to);
        }
        count
    }

    fn unmasked_gap_words(&self, from: usize, to: usize) -> usize {
        crate::text::unmasked(self.noise, from..to)
            .map(|r| self.plain_gap_words(&self.text[r]))
            .sum()
    }

    fn plain_gap_words(&self, gap: &str) -> usize {
        let mut depth = 0usize;
        let mut count = 0;
        for tok in tokens(gap) {
            match tok {
                Tok::Open => depth += 1,
                Tok::Close => depth = depth.saturating_sub(1),
                Tok::Word(w) if depth == 0 => {
                    let filler = self.k.glue.contains(&w.to_lowercase())
                        || w.chars().any(|c| c.is_ascii_digit());
                    if !filler {
                        count += 1;
                    }
                }
                _ => {}
            }
        }
        count
    }

    /// Whether a trigger of real words lies in `from..to`. Triggers made only of filler —
    /// punctuation (","), possessives ("’s", "の") and titles ("President") — do not count:
    /// they sit inside lists and between a slot and its trigger all the time.
    /// A trigger whose rules all make `same` does not count: "welcomed four more *members*:
    /// A, B" says the same thing twice.
    /// With `kind`, only a trigger whose rules could take a mention of that kind counts
    /// ("take part in the council's *talks* as associated states": talks are between people).
    fn trigger_inside(
        &self,
        from: usize,
        to: usize,
        same: Option<RelationKind>,
        kind: Option<EntityKind>,
    ) -> bool {
        let first = self.triggers.partition_point(|&(s, _, _)| s < from);
        self.triggers[first..]
            .iter()
            .take_while(|&&(s, _, _)| s < to)
            .any(|&(s, e, g)| {
                let rules = || self.k.groups[g].iter().map(|&ri| &self.k.rules.rules[ri]);
                let repeats = same.is_some_and(|r| rules().all(|rule| rule.relation == r));
                let could_take = kind.is_none_or(|kind| {
                    rules().any(|rule| {
                        std::iter::once(&rule.subject)
                            .chain(rule.object.as_ref())
                            .any(|slot| slot.kinds.contains(&kind))
                    })
                });
                e <= to
                    && !repeats
                    && could_take
                    && words(&self.text[s..e]).any(|w| !self.k.glue.contains(&w.to_lowercase()))
            })
    }

    /// Where the clause holding `ts` starts: after the last clause boundary (", and", ";")
    /// that follows a predicate of its own ("A withdrew from X, and B quit Y"); a list
    /// ("A, B, and C joined") has no predicate before its ", and", so it stays whole.
    fn clause_start(&self, si: usize, ts: usize) -> usize {
        let sent = self.sentences[si];
        let before = &self.text[sent.start..ts];
        self.k
            .rules
            .clause_boundaries
            .iter()
            .filter_map(|b| before.rfind(b.as_str()).map(|i| sent.start + i + b.len()))
            .filter(|&at| !self.in_brackets(sent.start, at))
            .filter(|&at| self.trigger_inside(sent.start, at, None, None))
            .max()
            .unwrap_or(sent.start)
    }

    /// Whether `at` lies inside brackets opened after `from`: "(A, B, and C)" is one list.
    fn in_brackets(&self, from: usize, at: usize) -> bool {
        let mut depth = 0i32;
        for c in self.text[from..at].chars() {
            match c {
                '(' | '（' | '[' => depth += 1,
                ')' | '）' | ']' => depth -= 1,
                _ => {}
            }
        }
        depth > 0
    }

    /// Where the clause holding `te` ends: at the first clause boundary after it that opens
    /// a clause with a predicate of its own ("met A and B, and C, who ..., held talks").
    fn clause_end(&self, si: usize, te: usize) -> usize {
        let sent = self.sentences[si];
        let after = &self.text[te..sent.end];
        self.k
            .rules
            .clause_boundaries
            .iter()
            .filter_map(|b| after.find(b.as_str()).map(|i| te + i))
            .filter(|&at| !self.in_brackets(sent.start, at))
            .filter(|&at| self.trigger_inside(at, sent.end, None, None))
            .min()
            .unwrap_or(sent.end)
    }

    /// Can a list go on from one item to the next across `gap`? Returns (continues, conjunction).
    fn list_gap(&self, from: usize, to: usize) -> (bool, bool) {
        if from > to {
            return (true, false); // same span: plural coreference
        }
        let gap = &self.text[from..to];
        let toks: Vec<Tok> = tokens(gap).collect();
        let conj = toks.iter().any(
            |t| matches!(t, Tok::Word(w) if CONJUNCTIONS.contains(&w.to_lowercase().as_str())),
        ) || gap.contains(['&', '、'])
            || gap.contains("as well as");
        let words = self.gap_words(from, to);
        let separated = conj || gap.contains([',', '(', ')', '（', '）']);
        if words == 0 && (separated || gap.trim().is_empty()) {
            return (true, conj);
        }
        // "..., and Central Asian former Soviet republics (Kazakhstan, ...": a short
        // description that opens a bracketed enumeration.
        let descriptor = gap.trim_end().ends_with(['(', '（'])
            && words <= 5
            && !self.trigger_inside(from, to, None, None);
        (descriptor, conj)
    }

    /// Extends a list from `first` in one direction; keeps only the first item unless some
    /// gap has a conjunction ("A, B" is apposition, "A, B and C" a list).
    fn list_from(
        &self,
        slot: &Slot,
        ms: &[Mention],
        first: usize,
        forward: bool,
        limit: usize,
    ) -> Vec<Mention> {
        let mut out = vec![ms[first]];
        let mut any_conj = false;
        let mut cur = ms[first];
        let mut i = first;
        loop {
            i = if forward { i + 1 } else { i.wrapping_sub(1) };
            let Some(m) = ms.get(i) else { break };
            if (forward && m.end > limit) || (!forward && m.start < limit) {
                break;
            }
            if !self.allowed(slot, m) {
                // "Xi Jinping and *Indian* Prime Minister Narendra Modi": adjectives and
                // titles inside a list of people do not end it.
                if m.form == Form::Demonym {
                    continue;
                }
                // Nor does a possessive before a person: "with Manele and with *Tuvalu's*
                // prime minister, Feleti Teo".
                let possessive = ["'s", "’s"]
                    .iter()
                    .any(|p| self.text[m.end..].starts_with(p));
                if possessive && slot.kinds == [EntityKind::Person] {
                    continue;
                }
                break;
            }
            let (go, conj) = if forward {
                self.list_gap(cur.end, m.start)
            } else {
                self.list_gap(m.end, cur.start)
            };
            if !go {
                // "A, B and the Republic of C": the list was coordinated even if its last
                // item is not a mention this slot takes.
                let gap = if forward {
                    &self.text[cur.end..m.start.max(cur.end)]
                } else {
                    &self.text[m.end.min(cur.start)..cur.start]
                };
                let next = gap.trim_start_matches([' ', ',']);
                any_conj |= conj
                    && forward
                    && CONJUNCTIONS
                        .iter()
                        .any(|c| next.strip_prefix(c).is_some_and(|r| r.starts_with(' ')));
                break;
            }
            any_conj |= conj;
            out.push(*m);
            cur = *m;
        }
        if !any_conj {
            let head = out[0].entity;
            let same_span = (out[0].start, out[0].end);
            out.retain(|m| m.entity == head || (m.start, m.end) == same_span);
        }
        out
    }

    fn fill(
        &self,
        slot: &Slot,
        relation: Option<RelationKind>,
        si: usize,
        ts: usize,
        te: usize,
    ) -> Option<Filled> {
        let sent = self.sentences[si];
        let ms = self.sentence_mentions(si);
        // A near slot does not reach across another trigger: in "welcomed its observer
        // states (A, B)" the countries belong to "observer states", not to "welcomed".
        let gap_ok = |from: usize, to: usize, m: &Mention| {
            let gap = self.text.get(from..to).unwrap_or("");
            let marked =
                slot.gap_has.is_empty() || slot.gap_has.iter().any(|g| gap.contains(g.as_str()));
            let open = !slot.gap_lacks.iter().any(|g| gap.contains(g.as_str()));
            marked
                && open
                && slot.max_gap.is_none_or(|max| {
                    from <= to
                        && self.gap_words(from, to) <= max
                        && !self.trigger_inside(from, to, relation, Some(self.ents.kind(m.entity)))
                })
        };
        // "President Samuel Tanaka *of* Cabo Verde": the words right before the mention.
        let preceded = |i: usize| {
            if slot.preceded_by.is_empty() {
                return true;
            }
            let from = if i > 0 { ms[i - 1].end.max(te) } else { te };
            let words = self.text[from.min(ms[i].start)..ms[i].start]
                .trim()
                .to_lowercase();
            slot.preceded_by.contains(&words)
        };
        let found = match slot.find {
            Find::After => {
                let first = ms
                    .iter()
                    .position(|m| m.start >= te && self.allowed(slot, m))
                    .filter(|&i| preceded(i));
                match (first, slot.take) {
                    (None, _) => None,
                    (Some(i), _) if !gap_ok(te, ms[i].start, &ms[i]) => None,
                    (Some(i), Take::Nearest) => Some(vec![ms[i]]),
                    (Some(i), Take::List) => {
                        Some(self.list_from(slot, ms, i, true, self.clause_end(si, te)))
                    }
                    (Some(i), Take::All) => Some(
                        ms[i..]
                            .iter()
                            .filter(|m| self.allowed(slot, m))
                            .copied()
                            .collect(),
                    ),
                }
            }
            Find::Before | Find::Context => {
                let last = ms
                    .iter()
                    .rposition(|m| m.end <= ts && self.allowed(slot, m));
                match (last, slot.take) {
                    (None, _) => None,
                    (Some(i), _) if !gap_ok(ms[i].end, ts, &ms[i]) => None,
                    (Some(i), Take::Nearest) => Some(vec![ms[i]]),
                    (Some(i), Take::List) => {
                        Some(self.list_from(slot, ms, i, false, self.clause_start(si, ts)))
                    }
                    (Some(i), Take::All) => Some(
                        ms[..=i]
                            .iter()
                            .filter(|m| self.allowed(slot, m))
                            .copied()
                            .collect(),
                    ),
                }
            }
            Find::SentenceStart => {
                let from = self.clause_start(si, ts);
                let first = ms
                    .iter()
                    .position(|m| m.start >= from && m.end <= ts && self.allowed(slot, m));
                match (first, slot.take) {
                    (None, _) => None,
                    (Some(i), Take::List) => Some(self.list_from(slot, ms, i, true, ts)),
                    (Some(i), _) => Some(vec![ms[i]]),
                }
            }
        };
        let found = found.filter(|ms| slot.min_items.is_none_or(|n| ms.len() >= n));
        if let Some(mentions) = found {
            return Some(Filled {
                mentions,
                from_context: false,
            });
        }
        let look_back = slot.find == Find::Context || slot.fallback == Some(Fallback::Context);
        if !look_back {
            return None;
        }
        // Earlier sentences of the same paragraph, nearest mention first.
        let reach = self.k.rules.limits.context_sentences.unwrap_or(usize::MAX);
        let mut back = si;
        while back > 0 && si - back < reach {
            back -= 1;
            if self.sentences[back].block != sent.block {
                break;
            }
            if let Some(m) = self
                .sentence_mentions(back)
                .iter()
                .rev()
                .find(|m| self.allowed(slot, m))
            {
                return Some(Filled {
                    mentions: vec![*m],
                    from_context: true,
                });
            }
        }
        None
    }

    /// The date that qualifies a claim: the first one after the claim's last mention (and
    /// after any items listed with it: "Laos and Myanmar in 1997"), up to the next mention of
    /// a participant's kind ("Brunei joined ASEAN in 1984, Vietnam in 1995"); else the one
    /// nearest the trigger before that ("Since 2019 Chen has chaired ..."). Dates inside names ("Taiwan 2050
    /// Educational Foundation") and dates that follow another entity ("Tamkang University
    /// (2006-2008)") belong to something else.
    fn when(
        &self,
        si: usize,
        dates: &[temporal::DateExpr],
        s: &Mention,
        o: &Mention,
        ts: usize,
        te: usize,
    ) -> Option<When> {
        let sent = self.sentences[si];
        if dates.is_empty() {
            return None;
        }
        let ms = self.sentence_mentions(si);
        let inside = |m: &Mention| m.start >= sent.start && m.end <= sent.end;
        let parts: Vec<&Mention> = [s, o].into_iter().filter(|m| inside(m)).collect();
        let anchor = parts.iter().map(|m| m.end).chain([te]).max().unwrap_or(te);
        let kinds = [self.ents.kind(s.entity), self.ents.kind(o.entity)];
        let mut joined: Vec<&Mention> = Vec::new();
        let mut limit = sent.end;
        let mut prev_end = anchor;
        for m in ms.iter().filter(|m| m.start >= anchor) {
            if m.entity == s.entity
                || m.entity == o.entity
                || !kinds.contains(&self.ents.kind(m.entity))
            {
                continue;
            }
            let gap = self.text[prev_end..m.start].trim();
            if matches!(gap, "," | "and" | ", and" | "or" | "&" | "、") {
                joined.push(m);
                prev_end = m.end;
            } else {
                limit = m.start;
                break;
            }
        }
        let abs = |d: &temporal::DateExpr| (sent.start + d.start, sent.start + d.end);
        let usable = |d: &&temporal::DateExpr| {
            let (ds, de) = abs(d);
            let in_name = ms.iter().any(|m| m.start < de && ds < m.end);
            let before = self.text[..ds].trim_end_matches([' ', '(', '（']);
            let owner = ms.iter().find(|m| m.end == before.len());
            let foreign = owner.is_some_and(|m| {
                !parts.iter().any(|p| p.start == m.start)
                    && !joined.iter().any(|j| j.start == m.start)
            });
            !in_name && !foreign
        };
        dates
            .iter()
            .filter(usable)
            .find(|d| abs(d).0 >= anchor && abs(d).1 <= limit)
            .or_else(|| {
                dates
                    .iter()
                    .filter(usable)
                    .filter(|d| abs(d).1 <= anchor)
                    .min_by_key(|d| {
                        let (ds, de) = abs(d);
                        if ds >= te {
                            ds - te
                        } else {
                            ts.saturating_sub(de)
                        }
                    })
            })
            .map(|d| d.when.clone())
    }

    fn apply(&self, rule: &Rule, si: usize, ts: usize, te: usize, claims: &mut BTreeSet<RawClaim>) {
        if rule
            .unless
            .as_ref()
            .is_some_and(|slot| self.fill(slot, Some(rule.relation), si, ts, te).is_some())
        {
            return;
        }
        if !rule.sentence_has.is_empty() {
            let sent = self.sentences[si];
            let said = words(&self.text[sent.start..sent.end])
                .any(|w| rule.sentence_has.iter().any(|h| h.eq_ignore_ascii_case(w)));
            if !said {
                return;
            }
        }
        let Some(subject) = self.fill(&rule.subject, Some(rule.relation), si, ts, te) else {
            return;
        };
        // "do not belong to the group — A, B": a negation before a slot that the trigger
        // follows directly cancels the claim too.
        let cancelled = |filled: &Filled| {
            let sent_start = self.sentences[si].start;
            filled.mentions.iter().any(|m| {
                m.start >= sent_start
                    && m.end <= ts
                    && self.gap_words(m.end, ts) == 0
                    && self.negated(si, m.start)
            })
        };
        if cancelled(&subject) {
            return;
        }
        let object = match &rule.object {
            Some(slot) => match self.fill(slot, Some(rule.relation), si, ts, te) {
                Some(o) => Some(o),
                None if rule.relation.is_symmetric() => None,
                None => return,
            },
            None => None,
        };
        if object.as_ref().is_some_and(cancelled) {
            return;
        }
        let sent = self.sentences[si];
        // Dates of the sentence, read once for all the claims this application makes.
        let dates = temporal::dates(&self.text[sent.start..sent.end]);
        let mut emit = |s: &Mention, o: &Mention, context: bool| {
            if s.entity == o.entity {
                return;
            }
            let implied = context || s.form == Form::Coref || o.form == Form::Coref;
            let tier = if implied { Tier::Implied } else { rule.tier };
            let prior = rule.confidence.map_or(
                match rule.tier {
                    Tier::Explicit => 0.9,
                    Tier::Implied => 0.7,
                },
                Confidence::get,
            );
            let confidence = Confidence::new(if implied { prior * 0.85 } else { prior });
            let when = self.when(si, &dates, s, o, ts, te);
            claims.insert(RawClaim {
                subject: s.entity,
                relation: rule.relation,
                object: o.entity,
                evidence: Evidence {
                    document: self.doc_name.clone(),
                    sentence: self.text[sent.start..sent.end].to_string(),
                    start: sent.start,
                    end: sent.end,
                    rule: rule.id.get_ref().clone(),
                    tier,
                    confidence,
                    when: when.map(Box::new),
                },
            });
        };
        match object {
            Some(object) => {
                let context = subject.from_context || object.from_context;
                for s in &subject.mentions {
                    for o in &object.mentions {
                        emit(s, o, context);
                    }
                }
            }
            None => {
                // Symmetric relation among the members of one list.
                let ms = &subject.mentions;
                for (i, s) in ms.iter().enumerate() {
                    for o in &ms[i + 1..] {
                        emit(s, o, subject.from_context);
                    }
                }
            }
        }
    }
}

/// Applies inference rules until nothing new appears (bounded, rules are few).
///
/// Premises are joined triple by triple (a triple stated by a thousand sentences is one
/// triple), and the second premise's triples are looked up by the values of the variables
/// it shares with the first, so a round costs what its claims and matches cost, not the
/// product of every two claims.
fn infer(rules: &RuleSet, claims: &mut BTreeSet<RawClaim>) {
    type Triple<'c> = ((usize, RelationKind, usize), Vec<&'c RawClaim>);
    for _round in 0..4 {
        // The set is ordered by subject, relation and object first: each triple's claims
        // are adjacent.
        let mut triples: Vec<Triple> = Vec::new();
        for c in claims.iter() {
            let key = (c.subject, c.relation, c.object);
            match triples.last_mut() {
                Some((k, group)) if *k == key => group.push(c),
                _ => triples.push((key, vec![c])),
            }
        }
        let known: HashSet<(usize, RelationKind, usize)> =
            triples.iter().map(|(k, _)| *k).collect();
        let mut new = Vec::new();
        for inf in &rules.inferences {
            let [p, q] = &inf.when;
            let shared: Vec<&str> = [q.subject.as_str(), q.object.as_str()]
                .into_iter()
                .filter(|v| *v == p.subject || *v == p.object)
                .collect();
            let value =
                |atom: &super::rules::Atom, var: &str, (s, _, o): (usize, RelationKind, usize)| {
                    if atom.subject == var { s } else { o }
                };
            let mut seconds: HashMap<Vec<usize>, Vec<&Triple>> = HashMap::new();
            for t in triples.iter().filter(|(k, _)| k.1 == q.relation) {
                let key = shared.iter().map(|v| value(q, v, t.0)).collect();
                seconds.entry(key).or_default().push(t);
            }
            for a in triples.iter().filter(|(k, _)| k.1 == p.relation) {
                let key: Vec<usize> = shared.iter().map(|v| value(p, v, a.0)).collect();
                for b in seconds.get(&key).into_iter().flatten() {
                    let mut env: HashMap<&str, usize> = HashMap::new();
                    let ok = [
                        (&p.subject, a.0.0),
                        (&p.object, a.0.2),
                        (&q.subject, b.0.0),
                        (&q.object, b.0.2),
                    ]
                    .into_iter()
                    .all(|(var, val)| *env.entry(var.as_str()).or_insert(val) == val);
                    if !ok {
                        continue;
                    }
                    let (s, o) = (
                        env[inf.then.subject.as_str()],
                        env[inf.then.object.as_str()],
                    );
                    if s == o || known.contains(&(s, inf.then.relation, o)) {
                        continue;
                    }
                    // Every claim of either premise supports the conclusion.
                    for premise in a.1.iter().chain(&b.1) {
                        new.push(RawClaim {
                            subject: s,
                            relation: inf.then.relation,
                            object: o,
                            evidence: Evidence {
                                rule: inf.id.clone(),
                                tier: Tier::Implied,
                                confidence: Confidence::new(
                                    0.6 * premise.evidence.confidence.get(),
                                ),
                                when: None,
                                ..premise.evidence.clone()
                            },
                        });
                    }
                }
            }
        }
        if new.is_empty() {
            break;
        }
        claims.extend(new);
    }
}

/// Nouns of "the Indian leader", "the Chinese President".
const LEADER_NOUNS: &[&str] = &[
    "leader",
    "president",
    "prime minister",
    "premier",
    "chancellor",
    "head of state",
];

const CONJUNCTIONS: &[&str] = &["and", "or", "及", "と", "plus"];

enum Tok<'a> {
    Open,
    Close,
    Word(&'a str),
    Punct,
}

/// Words (Latin runs, single CJK characters) and brackets of a text.
fn tokens(text: &str) -> impl Iterator<Item = Tok<'_>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let c = rest.chars().next()?;
        let len = if c.is_alphanumeric() && !is_cjk(c) {
            let mut end = 0;
            let mut chars = rest.char_indices().peekable();
            while let Some((i, ch)) = chars.next() {
                let joiner = matches!(ch, '\'' | '’' | '-' | '.')
                    && chars
                        .peek()
                        .is_some_and(|&(_, n)| n.is_alphanumeric() && !is_cjk(n));
                if (ch.is_alphanumeric() && !is_cjk(ch)) || (joiner && i > 0) {
                    end = i + ch.len_utf8();
                } else {
                    break;
                }
            }
            end
        } else {
            c.len_utf8()
        };
        let (tok, tail) = rest.split_at(len);
        rest = tail;
        Some(match c {
            '(' | '[' | '（' | '【' | '「' | '『' => Tok::Open,
            ')' | ']' | '）' | '】' | '」' | '』' => Tok::Close,
            c if c.is_alphanumeric() => Tok::Word(tok),
            _ => Tok::Punct,
        })
    })
}

fn words(text: &str) -> impl Iterator<Item = &str> {
    tokens(text).filter_map(|t| match t {
        Tok::Word(w) => Some(w),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    //! One or more sentences per rule, written for these tests (not taken from the articles).
    use super::*;

    fn claims(text: &str) -> Vec<(String, &'static str, String, String)> {
        let k = Knowledge::builtin();
        let doc = Document::new("t.txt", text);
        let ex = run(&doc, &k);
        for c in &ex.claims {
            assert_eq!(&text[c.evidence.start..c.evidence.end], c.evidence.sentence);
        }
        ex.claims
            .into_iter()
            .map(|c| {
                (
                    c.subject,
                    c.relation.as_str(),
                    c.object,
                    c.evidence.rule.to_string(),
                )
            })
            .collect()
    }

    fn has(found: &[(String, &str, String, String)], s: &str, r: &str, o: &str) -> bool {
        found.iter().any(|c| c.0 == s && c.1 == r && c.2 == o)
    }

    #[test]
    fn comprising_takes_the_whole_list_including_a_bracketed_one() {
        let found = claims(
            "The bloc was the Shanghai Five, comprising India, Nepal, and two island states (Sri Lanka and Indonesia).",
        );
        for c in ["india", "nepal", "sri-lanka", "indonesia"] {
            assert!(
                has(&found, c, "member-of", "shanghai-five"),
                "{c}: {found:?}"
            );
        }
    }

    #[test]
    fn joined_takes_the_sentence_subject_not_an_apposition() {
        let found = claims("Mongolia, long wary of Russia and China, has joined the SCO.");
        assert!(has(
            &found,
            "mongolia",
            "member-of",
            "shanghai-cooperation-organization"
        ));
        assert!(!has(
            &found,
            "russia",
            "member-of",
            "shanghai-cooperation-organization"
        ));
        assert!(!has(
            &found,
            "china",
            "member-of",
            "shanghai-cooperation-organization"
        ));
    }

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
    fn clause_subjects_and_lists_across_conjunctions() {
        let found = claims(
            "Iceland withdrew from the Nordic Fisheries Council, and Norway quit NATO; Chile, Peru and the Republic of Kiribati joined the Andean Water Council.",
        );
        assert!(
            has(
                &found,
                "norway",
                "member-of",
                "north-atlantic-treaty-organization"
            ),
            "{found:?}"
        );
        assert!(
            !has(
                &found,
                "iceland",
                "member-of",
                "north-atlantic-treaty-organization"
            ),
            "{found:?}"
        );
        assert!(
            has(&found, "peru", "member-of", "andean-water-council"),
            "{found:?}"
        );
    }

    #[test]
    fn negation_cancels_a_trigger() {
        assert!(claims("Nepal has not joined the SCO.").is_empty());
        assert!(claims("India never met Xi Jinping.").is_empty());
    }

    #[test]
    fn possessive_membership() {
        let found = claims("Later, Iran and Belarus’s membership reshaped the SCO.");
        assert!(has(
            &found,
            "iran",
            "member-of",
            "shanghai-cooperation-organization"
        ));
        assert!(has(
            &found,
            "belarus",
            "member-of",
            "shanghai-cooperation-organization"
        ));
        assert!(claims("The expansion of membership reshaped the SCO.").is_empty());
    }

    #[test]
    fn observer_and_partner_lists_stop_at_the_next_trigger() {
        let found = claims(
            "The EU admits observer states (Armenia and Nepal) and dialogue partners (India, Iran, and Turkey).",
        );
        assert!(has(&found, "armenia", "observer-of", "european-union"));
        assert!(has(&found, "nepal", "observer-of", "european-union"));
        assert!(!has(&found, "india", "observer-of", "european-union"));
        assert!(has(
            &found,
            "turkey",
            "dialogue-partner-of",
            "european-union"
        ));
    }

    #[test]
    fn apposition_is_not_a_list() {
        let found = claims(
            "Chien-Fu Chen is the Director, Graduate Institute of China Studies, Tamkang University, Taiwan.",
        );
        assert!(has(
            &found,
            "chien-fu-chen",
            "leads",
            "graduate-institute-of-china-studies"
        ));
        assert!(!has(&found, "chien-fu-chen", "leads", "tamkang-university"));
    }

    #[test]
    fn member_states_including_uses_demonyms_and_context() {
        let found = claims(
            "The SCO met in June. Leaders from member states, including Indian Prime Minister Putin and the Nepali President Xi, spoke.",
        );
        assert!(has(
            &found,
            "india",
            "member-of",
            "shanghai-cooperation-organization"
        ));
        assert!(has(
            &found,
            "nepal",
            "member-of",
            "shanghai-cooperation-organization"
        ));
    }

    #[test]
    fn title_before_a_name_leads_the_country() {
        let found = claims(
            "Yesterday Russian President Xi Jinping and China’s Premier Vladimir Putin spoke.",
        );
        assert!(has(&found, "xi-jinping", "leads", "russia"));
        assert!(has(&found, "vladimir-putin", "leads", "china"));
    }

    #[test]
    fn meetings_between_and_verbs_are_symmetric_once() {
        let found = claims("Talks between Putin and Xi Jinping went well. Then Xi met with Putin.");
        let met: Vec<_> = found.iter().filter(|c| c.1 == "met-with").collect();
        assert_eq!(met.len(), 2, "{found:?}"); // two sentences, one pair
        assert!(
            met.iter()
                .all(|c| c.0 == "vladimir-putin" && c.2 == "xi-jinping")
        );
    }

    #[test]
    fn the_two_leaders_resolves_to_the_previous_pair_only() {
        let found =
            claims("Xi Jinping flew in to see Vladimir Putin. The two leaders met at noon.");
        assert!(
            found
                .iter()
                .any(|c| c.1 == "met-with" && c.3 == "meet.verb")
        );
        // three people before: ambiguous, no claim
        let found =
            claims("Xi Jinping, Chen and Vladimir Putin flew in. The two leaders met at noon.");
        assert!(!found.iter().any(|c| c.1 == "met-with"));
    }

    #[test]
    fn he_resolves_to_the_only_person_before() {
        let found = claims("Chen moved to Ohio. He is the founder of the Citizen Congress Watch.");
        assert!(has(
            &found,
            "chien-fu-chen",
            "leads",
            "citizen-congress-watch"
        ));
    }

    #[test]
    fn led_by_and_possessive_initiative() {
        let found = claims(
            "The Eurasian Economic Union (EEU), led by Kazakhstan, met. India’s Belt and Road Initiative is new.",
        );
        assert!(has(
            &found,
            "kazakhstan",
            "leads",
            "eurasian-economic-union"
        ));
        assert!(has(&found, "india", "leads", "belt-and-road-initiative"));
    }

    #[test]
    fn standing_director_is_affiliation_not_leadership() {
        let found =
            claims("Xi Jinping served as the Standing Director of the Citizen Congress Watch.");
        assert!(has(
            &found,
            "xi-jinping",
            "affiliated-with",
            "citizen-congress-watch"
        ));
        assert!(!has(
            &found,
            "xi-jinping",
            "leads",
            "citizen-congress-watch"
        ));
    }

    #[test]
    fn japanese_titles_take_the_biography_subject() {
        let found = claims(
            "陳建甫は研究者である。台湾平和草の根連合の理事長(2008年~2013年)、台湾民主化基金会理事などを務めた。",
        );
        assert!(has(
            &found,
            "chien-fu-chen",
            "leads",
            "taiwan-grassroots-alliance-for-peace"
        ));
        assert!(has(
            &found,
            "chien-fu-chen",
            "affiliated-with",
            "taiwan-foundation-for-democracy"
        ));
        assert!(!has(
            &found,
            "chien-fu-chen",
            "leads",
            "taiwan-foundation-for-democracy"
        ));
    }

    #[test]
    fn inference_carries_members_to_the_successor() {
        let found = claims("The SCO evolved from the Shanghai Five, comprising China and Russia.");
        assert!(has(
            &found,
            "china",
            "member-of",
            "shanghai-cooperation-organization"
        ));
        let c = found
            .iter()
            .find(|c| c.0 == "russia" && c.2 == "shanghai-cooperation-organization")
            .unwrap();
        assert_eq!(c.3, "infer.members-carry-over");
    }

    #[test]
    fn organizations_such_as_and_cooperation_through() {
        let found = claims(
            "India and Nepal work in international organizations such as the United Nations.",
        );
        assert!(has(&found, "india", "member-of", "united-nations"));
        assert!(has(&found, "nepal", "member-of", "united-nations"));
        let found =
            claims("Armenia keeps ties with Iran through security cooperation through the CSTO.");
        assert!(has(
            &found,
            "armenia",
            "member-of",
            "collective-security-treaty-organization"
        ));
    }

    #[test]
    fn structure_rules() {
        let found = claims(
            "The SCO’s Regional Anti-Terrorism Structure met in Beijing, China. It evolved from the Shanghai Five. Collaboration between the EU and ASEAN grew.",
        );
        assert!(has(
            &found,
            "regional-anti-terrorism-structure",
            "part-of",
            "shanghai-cooperation-organization"
        ));
        assert!(has(&found, "beijing", "located-in", "china"));
        assert!(has(
            &found,
            "association-of-southeast-asian-nations",
            "cooperates-with",
            "european-union"
        ));
    }

    #[test]
    fn education() {
        let found = claims("Chen earned a Ph.D. from the Ohio State University in 1999.");
        assert!(has(
            &found,
            "chien-fu-chen",
            "educated-at",
            "ohio-state-university"
        ));
    }

    fn dated(text: &str) -> Vec<(String, String, Option<When>)> {
        let k = Knowledge::builtin();
        let doc = Document::new("t.txt", text);
        run(&doc, &k)
            .claims
            .into_iter()
            .map(|c| (c.subject, c.object, c.evidence.when.map(|w| *w)))
            .collect()
    }

    #[test]
    fn dates_qualify_the_claims_of_their_clause() {
        let point = |p: &str| {
            Some(When {
                point: Some(p.into()),
                ..Default::default()
            })
        };
        let got =
            dated("Nepal joined the EU in 2004, Armenia and Iran in 2007, and Mongolia in 2013.");
        let of = |c: &str| got.iter().find(|g| g.0 == c).unwrap().2.clone();
        assert_eq!(of("nepal"), point("2004"));
        assert_eq!(of("armenia"), point("2007"));
        assert_eq!(of("iran"), point("2007"));
        assert_eq!(of("mongolia"), point("2013"));
        let got =
            dated("Since March 2019 Chen has been the Director of the Citizen Congress Watch.");
        assert_eq!(
            got[0].2,
            Some(When {
                start: Some("2019".into()),
                ..Default::default()
            })
        );
        let got =
            dated("Chen was the Chair of the Taiwan 2050 Educational Foundation (2014-2019).");
        assert_eq!(
            got[0].2,
            Some(When {
                start: Some("2014".into()),
                end: Some("2019".into()),
                point: None
            })
        );
    }

    #[test]
    fn gapped_joins_share_the_verb() {
        let found =
            claims("Nepal joined the EU in 2004, Armenia in 2007, and Iran and Mongolia in 2013.");
        for c in ["nepal", "armenia", "iran", "mongolia"] {
            assert!(
                has(&found, c, "member-of", "european-union"),
                "{c}: {found:?}"
            );
        }
        assert!(
            claims("Nepal joined the EU's talks with Iran.")
                .iter()
                .all(|c| c.0 != "iran")
        );
    }

    #[test]
    fn an_organization_admits_members() {
        let found = claims(
            "The Arctic Council, which has admitted Nepal, Armenia and Mongolia as members, met.",
        );
        for c in ["nepal", "armenia", "mongolia"] {
            assert!(
                has(&found, c, "member-of", "arctic-council"),
                "{c}: {found:?}"
            );
        }
        let found = claims(
            "NATO added Sweden in 2024, and it welcomed two more members: Finland and Norway.",
        );
        for c in ["sweden", "finland", "norway"] {
            assert!(
                has(&found, c, "member-of", "north-atlantic-treaty-organization"),
                "{c}: {found:?}"
            );
        }
    }

    #[test]
    fn founders_of_an_organization_are_members_but_people_lead_it() {
        let found = claims(
            "The Arctic Council was founded in Ottawa in 1996 by Canada, Norway and Iceland.",
        );
        assert!(
            has(&found, "norway", "member-of", "arctic-council"),
            "{found:?}"
        );
        let found = claims("The Fjord Heritage Foundation was founded by Dr. Ingrid Solberg.");
        assert!(
            has(
                &found,
                "ingrid-solberg",
                "leads",
                "fjord-heritage-foundation"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn partner_and_observer_status_named_by_the_organization() {
        let found = claims("By 2026 Chile and Peru had accepted NATO partner status.");
        assert!(has(
            &found,
            "chile",
            "dialogue-partner-of",
            "north-atlantic-treaty-organization"
        ));
        assert!(has(
            &found,
            "peru",
            "dialogue-partner-of",
            "north-atlantic-treaty-organization"
        ));
        let found = claims("Fiji won ASEAN observer status.");
        assert!(has(
            &found,
            "fiji",
            "observer-of",
            "association-of-southeast-asian-nations"
        ));
        // An offer is not a status.
        assert!(claims("Chile was offered NATO partner status.").is_empty());
    }

    #[test]
    fn chairs_and_organization_titles() {
        let found = claims(
            "Norway, which chaired the Arctic Council in 2024, met. UN Secretary-General Ban Ki-moon spoke.",
        );
        assert!(
            has(&found, "norway", "leads", "arctic-council"),
            "{found:?}"
        );
        assert!(
            has(&found, "ban-ki-moon", "leads", "united-nations"),
            "{found:?}"
        );
        let found = claims(
            "Prime Minister Jonas Gahr Store, as holder of the Arctic Council's rotating chairmanship, spoke.",
        );
        assert!(
            has(&found, "jonas-gahr-støre", "leads", "arctic-council"),
            "{found:?}"
        );
    }

    #[test]
    fn represented_by_a_leader() {
        let found = claims(
            "Chile was represented by President Gabriel Boric, and Peru by Prime Minister Ana Torres.",
        );
        assert!(has(&found, "gabriel-boric", "leads", "chile"), "{found:?}");
        assert!(has(&found, "ana-torres", "leads", "peru"), "{found:?}");
    }

    #[test]
    fn meetings_across_titles_and_pronouns() {
        let found = claims(
            "Chilean President Gabriel Boric and Peruvian Prime Minister Ana Torres held their first bilateral talks.",
        );
        assert!(
            has(&found, "ana-torres", "met-with", "gabriel-boric"),
            "{found:?}"
        );
        let found = claims(
            "Prime Minister Ana Torres arrived late, and she held separate talks with President Gabriel Boric and with the Chilean President Rosa Vidal.",
        );
        assert!(
            has(&found, "ana-torres", "met-with", "gabriel-boric"),
            "{found:?}"
        );
        assert!(
            has(&found, "ana-torres", "met-with", "rosa-vidal"),
            "{found:?}"
        );
        let found = claims(
            "Peruvian Prime Minister Ana Torres spoke. The Peruvian leader later met President Gabriel Boric.",
        );
        assert!(
            has(&found, "ana-torres", "met-with", "gabriel-boric"),
            "{found:?}"
        );
    }

    #[test]
    fn heads_of_state_named_with_their_country_but_not_deputies() {
        let found = claims(
            "President Samuel Tanaka of Chile said so. Vice President Ana Torres of Peru agreed.",
        );
        assert!(has(&found, "samuel-tanaka", "leads", "chile"), "{found:?}");
        assert!(!has(&found, "ana-torres", "leads", "peru"), "{found:?}");
        assert!(
            has(&found, "ana-torres", "affiliated-with", "peru"),
            "{found:?}"
        );
        let found = claims(
            "Egypt was represented by President Abdel Fattah el-Sisi and Chile by Prime Minister Ana Torres.",
        );
        assert!(
            !has(&found, "abdel-fattah-el-sisi", "leads", "chile"),
            "{found:?}"
        );
        assert!(has(&found, "ana-torres", "leads", "chile"), "{found:?}");
    }

    #[test]
    fn membership_phrasings() {
        let found = claims(
            "Member states of the Andean Water Council, including Peru and Chile, endorsed it.",
        );
        assert!(
            has(&found, "peru", "member-of", "andean-water-council"),
            "{found:?}"
        );
        let found = claims("The Andean Water Council brings together Peru, Chile and Bolivia.");
        assert!(
            has(&found, "bolivia", "member-of", "andean-water-council"),
            "{found:?}"
        );
        // Members of an initiative, too.
        let found = claims("Peru and Chile are members of the Pacific Harvest Initiative.");
        assert!(
            has(&found, "chile", "member-of", "pacific-harvest-initiative"),
            "{found:?}"
        );
        // Observers welcomed are not members.
        let found = claims(
            "The Andean Water Council welcomed its observer states (Peru, Chile) to the session.",
        );
        assert!(
            !has(&found, "peru", "member-of", "andean-water-council"),
            "{found:?}"
        );
        assert!(
            has(&found, "peru", "observer-of", "andean-water-council"),
            "{found:?}"
        );
    }
}
