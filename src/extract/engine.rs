//! The rule engine: triggers, slots, lists, negation, inference.

use super::Extraction;
use super::coref::{self, Number};
use super::lexicon::{Lexicon, LexiconError};
use super::matcher::{Form, Gazetteer, Mention, PhraseSet, is_cjk};
use super::rules::{Fallback, Find, FormName, Rule, RuleSet, RulesError, Slot, Take};
use crate::model::{Claim, Entity, Evidence, RelationKind, Tier};
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
                ),
        );
        let glue = rules.glue.iter().cloned().collect();
        Knowledge {
            lexicon,
            gazetteer,
            rules,
            triggers,
            groups,
            corefs,
            glue,
        }
    }

    /// The compiled-in lexicon and rules.
    pub fn builtin() -> Self {
        Knowledge::new(Lexicon::builtin(), RuleSet::builtin())
    }

    /// The built-in knowledge (unless `builtin` is false) plus user files, in order.
    pub fn from_files(
        lexicons: &[PathBuf],
        rules: &[PathBuf],
        builtin: bool,
    ) -> Result<Self, KnowledgeError> {
        let mut lex = if builtin {
            Lexicon::builtin()
        } else {
            Lexicon::new()
        };
        for path in lexicons {
            lex.add_file(path)?;
        }
        let mut set = if builtin {
            RuleSet::builtin()
        } else {
            RuleSet::default()
        };
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

/// Per-document state shared by all rule applications.
struct Ctx<'a> {
    text: &'a str,
    doc: &'a Document,
    k: &'a Knowledge,
    sentences: &'a [Sentence],
    mentions: Vec<Mention>,
    triggers: Vec<(usize, usize, usize)>,
}

pub(super) fn run(doc: &Document, k: &Knowledge) -> Extraction {
    let text = doc.text();
    let names = k.gazetteer.find(text);
    // A trigger or pronoun inside a name ("President" in "Office of the President") is part of
    // the name, not a trigger.
    let inside_name = |s: usize, e: usize| {
        let i = names.partition_point(|m| m.end <= s);
        names.get(i).is_some_and(|m| m.start < e)
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
    let kind_of = |e: usize| k.lexicon.entry(e).kind;
    let resolved = coref::resolve(doc.sentences(), &names, &phrases, kind_of);
    let mut mentions = names;
    mentions.extend(resolved);
    mentions.sort();

    let ctx = Ctx {
        text,
        doc,
        k,
        sentences: doc.sentences(),
        mentions,
        triggers,
    };
    let mut claims = BTreeSet::new();
    for &(ts, te, group) in &ctx.triggers {
        let Some(si) = coref::sentence_of(ctx.sentences, ts) else {
            continue;
        };
        if ctx.negated(si, ts) {
            continue;
        }
        for &ri in &k.groups[group] {
            ctx.apply(&k.rules.rules[ri], si, ts, te, &mut claims);
        }
    }
    infer(&k.rules, &mut claims);

    let mut used: BTreeSet<usize> = ctx
        .mentions
        .iter()
        .filter(|m| m.form == Form::Name)
        .map(|m| m.entity)
        .collect();
    let by_id: HashMap<&str, usize> = (0..k.lexicon.len()).map(|i| (k.lexicon.id(i), i)).collect();
    for c in &claims {
        used.extend([by_id[c.subject.as_str()], by_id[c.object.as_str()]]);
    }
    let mut entities: Vec<Entity> = used
        .into_iter()
        .map(|i| {
            let e = k.lexicon.entry(i);
            Entity {
                id: k.lexicon.id(i).to_string(),
                label: e.name.clone(),
                kind: e.kind,
                aliases: e.aliases.clone(),
                wikidata: e.wikidata.clone(),
            }
        })
        .collect();
    entities.sort_by(|a, b| a.id.cmp(&b.id));
    Extraction {
        document: doc.name().to_string(),
        entities,
        claims: claims.into_iter().collect(),
    }
}

impl Ctx<'_> {
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
        slot.forms.contains(&form) && slot.kinds.contains(&self.k.lexicon.entry(m.entity).kind)
    }

    /// True when a negation word sits among the few words before the trigger.
    fn negated(&self, si: usize, ts: usize) -> bool {
        let before = &self.text[self.sentences[si].start..ts];
        let words: Vec<String> = words(before).map(|w| w.to_lowercase()).collect();
        let window = &words[words.len().saturating_sub(4)..];
        let joined = format!(" {} ", window.join(" "));
        self.k.rules.negation.iter().any(|n| {
            if n == "n't" {
                window
                    .iter()
                    .any(|w| w.ends_with("n't") || w.ends_with("n’t"))
            } else {
                joined.contains(&format!(" {n} "))
            }
        })
    }

    /// Non-filler words in a gap, ignoring anything in brackets.
    fn gap_words(&self, gap: &str) -> usize {
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

    fn trigger_inside(&self, from: usize, to: usize) -> bool {
        // Punctuation triggers (",") do not interrupt a list.
        self.triggers.iter().any(|&(s, e, _)| {
            s >= from && e <= to && self.text[s..e].chars().any(char::is_alphanumeric)
        })
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
        ) || gap.contains(['&', '、']);
        let words = self.gap_words(gap);
        let separated = conj || gap.contains([',', '(', ')', '（', '）']);
        if words == 0 && (separated || gap.trim().is_empty()) {
            return (true, conj);
        }
        // "..., and Central Asian former Soviet republics (Kazakhstan, ...": a short
        // description that opens a bracketed enumeration.
        let descriptor =
            gap.trim_end().ends_with(['(', '（']) && words <= 5 && !self.trigger_inside(from, to);
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
        let mut i = first;
        loop {
            let next = if forward { i + 1 } else { i.wrapping_sub(1) };
            let Some(m) = ms.get(next) else { break };
            if (forward && m.end > limit) || (!forward && m.start < limit) {
                break;
            }
            if !self.allowed(slot, m) {
                break;
            }
            let cur = ms[i];
            let (go, conj) = if forward {
                self.list_gap(cur.end, m.start)
            } else {
                self.list_gap(m.end, cur.start)
            };
            if !go {
                break;
            }
            any_conj |= conj;
            out.push(*m);
            i = next;
        }
        if !any_conj {
            let head = out[0].entity;
            let same_span = (out[0].start, out[0].end);
            out.retain(|m| m.entity == head || (m.start, m.end) == same_span);
        }
        out
    }

    fn fill(&self, slot: &Slot, si: usize, ts: usize, te: usize) -> Option<Filled> {
        let sent = self.sentences[si];
        let ms = self.sentence_mentions(si);
        let gap_ok = |from: usize, to: usize| {
            slot.max_gap
                .is_none_or(|max| from <= to && self.gap_words(&self.text[from..to]) <= max)
        };
        let found = match slot.find {
            Find::After => {
                let first = ms
                    .iter()
                    .position(|m| m.start >= te && self.allowed(slot, m));
                match (first, slot.take) {
                    (None, _) => None,
                    (Some(i), _) if !gap_ok(te, ms[i].start) => None,
                    (Some(i), Take::Nearest) => Some(vec![ms[i]]),
                    (Some(i), Take::List) => Some(self.list_from(slot, ms, i, true, sent.end)),
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
                    (Some(i), _) if !gap_ok(ms[i].end, ts) => None,
                    (Some(i), Take::Nearest) => Some(vec![ms[i]]),
                    (Some(i), Take::List) => Some(self.list_from(slot, ms, i, false, sent.start)),
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
                let first = ms.iter().position(|m| m.end <= ts && self.allowed(slot, m));
                match (first, slot.take) {
                    (None, _) => None,
                    (Some(i), Take::List) => Some(self.list_from(slot, ms, i, true, ts)),
                    (Some(i), _) => Some(vec![ms[i]]),
                }
            }
        };
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
        let mut back = si;
        while back > 0 {
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

    fn apply(&self, rule: &Rule, si: usize, ts: usize, te: usize, claims: &mut BTreeSet<Claim>) {
        let Some(subject) = self.fill(&rule.subject, si, ts, te) else {
            return;
        };
        let object = match &rule.object {
            Some(slot) => match self.fill(slot, si, ts, te) {
                Some(o) => Some(o),
                None if rule.relation.is_symmetric() => None,
                None => return,
            },
            None => None,
        };
        let sent = self.sentences[si];
        let lex = &self.k.lexicon;
        let mut emit = |s: &Mention, o: &Mention, context: bool| {
            if s.entity == o.entity {
                return;
            }
            let implied = context || s.form == Form::Coref || o.form == Form::Coref;
            claims.insert(Claim {
                subject: lex.id(s.entity).to_string(),
                relation: rule.relation,
                object: lex.id(o.entity).to_string(),
                evidence: Evidence {
                    document: self.doc.name().to_string(),
                    sentence: self.text[sent.start..sent.end].to_string(),
                    start: sent.start,
                    end: sent.end,
                    rule: rule.id.get_ref().clone(),
                    tier: if implied { Tier::Implied } else { rule.tier },
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
fn infer(rules: &RuleSet, claims: &mut BTreeSet<Claim>) {
    for _round in 0..4 {
        let known: HashSet<(String, RelationKind, String)> = claims
            .iter()
            .map(|c| (c.subject.clone(), c.relation, c.object.clone()))
            .collect();
        let mut new = Vec::new();
        for inf in &rules.inferences {
            let [p, q] = &inf.when;
            for a in claims.iter().filter(|c| c.relation == p.relation) {
                for b in claims.iter().filter(|c| c.relation == q.relation) {
                    let mut env: HashMap<&str, &str> = HashMap::new();
                    let ok = [
                        (&p.subject, &a.subject),
                        (&p.object, &a.object),
                        (&q.subject, &b.subject),
                        (&q.object, &b.object),
                    ]
                    .into_iter()
                    .all(|(var, val)| {
                        *env.entry(var.as_str()).or_insert(val.as_str()) == val.as_str()
                    });
                    if !ok {
                        continue;
                    }
                    let (s, o) = (
                        env[inf.then.subject.as_str()],
                        env[inf.then.object.as_str()],
                    );
                    if s == o || known.contains(&(s.to_string(), inf.then.relation, o.to_string()))
                    {
                        continue;
                    }
                    for premise in [a, b] {
                        new.push(Claim {
                            subject: s.to_string(),
                            relation: inf.then.relation,
                            object: o.to_string(),
                            evidence: Evidence {
                                rule: inf.id.clone(),
                                tier: Tier::Implied,
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
