//! Filling a rule's slots: which mentions a slot takes, how far it reaches (gaps of filler
//! words, other triggers, clause boundaries), coordinated lists, and negation before a
//! trigger.
//!
//! All of it reads the per-document [`Ctx`]; nothing here emits claims (that is
//! [`super::apply`]).

use super::engine::Ctx;
use super::knowledge::{Negation, Negations};
use super::matcher::{Form, Mention};
use super::rules::{Fallback, Find, FormName, Slot, Take};
use crate::model::{EntityKind, RelationKind};
use crate::text::token::{JOINERS, Kind, tokens, words};

/// A filled slot: the mentions taken and whether they came from another sentence.
pub(super) struct Filled {
    pub(super) mentions: Vec<Mention>,
    pub(super) from_context: bool,
}

impl Ctx<'_> {
    /// Whether a lowercase word coordinates list items (`[conjunctions]` of the rules).
    fn is_conjunction(&self, lower: &str) -> bool {
        self.k.rules.conjunctions.iter().any(|c| c == lower)
    }

    pub(super) fn sentence_mentions(&self, si: usize) -> &[Mention] {
        let s = self.sentences[si];
        let a = self.mentions.partition_point(|m| m.start < s.start);
        let b = self.mentions.partition_point(|m| m.start < s.end);
        &self.mentions[a..b]
    }

    pub(super) fn allowed(&self, slot: &Slot, m: &Mention) -> bool {
        let form = match m.form {
            Form::Name => FormName::Name,
            Form::Demonym => FormName::Demonym,
            Form::Coref => FormName::Coref,
        };
        slot.forms.contains(&form) && slot.kinds.contains(&self.ents.kind(m.entity))
    }

    /// True when a negation word sits among the few words before the trigger.
    pub(super) fn negated(&self, si: usize, ts: usize) -> bool {
        // Only the last words before the trigger matter: look at a short tail of the
        // sentence, not all of it, for every trigger.
        let sentence_start = self.sentences[si].start;
        if ts < sentence_start {
            return false;
        }
        let mut from = ts.saturating_sub(80).max(sentence_start);
        while !self.text.is_char_boundary(from) {
            from += 1;
        }
        // A negation does not reach across a quotation's end or a dash: in "'... is not on
        // its side,' German Chancellor Olaf Scholz said" nothing negates "Chancellor".
        let tail = &self.text[from..ts];
        let tail = tail
            .rfind(['"', '”', '“', '—', '–', ';', ':'])
            .map_or(tail, |i| &tail[i..]);
        // Nor out of an aside set off by commas right before the trigger: in "Ruto, whose
        // country is not a member, met Ramaphosa" the "not" is the aside's; in "Peru has
        // not, however, joined" the words around the aside still negate.
        let tail = match tail.trim_end().strip_suffix(',') {
            Some(open) => &tail[..open.rfind(',').unwrap_or(0)],
            None => tail,
        };
        // The last four words, without allocating: this runs at every trigger.
        let mut window = [""; 4];
        let mut n = 0;
        for w in words(tail, JOINERS) {
            if n == window.len() {
                window.rotate_left(1);
                window[n - 1] = w.text;
            } else {
                window[n] = w.text;
                n += 1;
            }
        }
        negation_in(&self.k.negation, &window[..n])
    }

    /// Non-filler words in `text[from..to]`: not counting filler words, numbers, anything
    /// in brackets or captions ("(left)", ", right,"), or the text of other mentions
    /// ("former *Brazilian* President").
    pub(super) fn gap_words(&self, from: usize, to: usize) -> usize {
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

    /// Where an aside set off by commas that opens `text[from..to]` ends (after its closing
    /// comma): ", by contrast, " of at most `[limits] aside_words` words, or an apposition
    /// opened by a determiner (", the region's main forum, ") of at most twice as many;
    /// naming no entity but an owner or by an adjective. A slot's gap skips it; a list's does not.
    fn aside_end(&self, from: usize, to: usize) -> Option<usize> {
        let most = self.k.rules.limits.aside_words?;
        let gap = self.text.get(from..to)?;
        let open = gap.len() - gap.trim_start().len();
        let inner_start = from + open + gap.trim_start().strip_prefix(',').map(|_| 1)?;
        let close = inner_start + memchr::memchr(b',', &self.text.as_bytes()[inner_start..to])?;
        let inner = &self.text[inner_start..close];
        // A possessive or an adjective inside describes, it is no slot's: ", the
        // organisation's main body,", ", a former Belgian colony,".
        let first = self.mentions.partition_point(|m| m.end <= from);
        let named = self.mentions[first..]
            .iter()
            .take_while(|m| m.start < close)
            .any(|m| m.form != Form::Demonym && !self.text[m.end..].starts_with(['\'', '’']));
        let mut ws = words(inner, JOINERS);
        let determined = ws.next().is_some_and(|w| {
            (self.k.rules.discovery.determiners.iter()).any(|d| w.text.eq_ignore_ascii_case(d))
        });
        let count = 1 + ws.count();
        let limit = if determined { most * 2 } else { most };
        (!named && !inner.contains([';', '(', ')']) && count <= limit).then_some(close + 1)
    }

    pub(super) fn unmasked_gap_words(&self, from: usize, to: usize) -> usize {
        crate::text::unmasked(self.noise, from..to)
            .map(|r| self.plain_gap_words(&self.text[r]))
            .sum()
    }

    pub(super) fn plain_gap_words(&self, gap: &str) -> usize {
        let mut depth = 0usize;
        let mut count = 0;
        for tok in tokens(gap, JOINERS) {
            match tok.kind {
                Kind::Open => depth += 1,
                Kind::Close => depth = depth.saturating_sub(1),
                Kind::Word | Kind::Cjk if depth == 0 => {
                    let w = tok.text;
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
    pub(super) fn trigger_inside(
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
                    && words(&self.text[s..e], JOINERS)
                        .any(|w| !self.k.glue.contains(&w.text.to_lowercase()))
            })
    }

    /// Where the clause holding `ts` starts: after the last clause boundary (", and", ";")
    /// that follows a predicate of its own ("A withdrew from X, and B quit Y"); a list
    /// ("A, B, and C joined") has no predicate before its ", and", so it stays whole.
    pub(super) fn clause_start(&self, si: usize, ts: usize) -> usize {
        self.boundary_before(si, ts, true)
    }

    /// After the last clause boundary before `ts` (outside brackets), the sentence start if
    /// none; with `predicate`, only a boundary that follows a trigger counts.
    fn boundary_before(&self, si: usize, ts: usize, predicate: bool) -> usize {
        let sent = self.sentences[si];
        let before = &self.text[sent.start..ts];
        self.k
            .clause_boundaries
            .iter()
            .filter_map(|b| {
                let i = b.backward.rfind(before.as_bytes())?;
                Some(sent.start + i + b.len)
            })
            .filter(|&at| !self.in_brackets(sent.start, at))
            .filter(|&at| {
                !predicate
                    || self.trigger_inside(sent.start, at, None, None)
                    || self.auxiliary_before(sent.start, at)
            })
            .max()
            .unwrap_or(sent.start)
    }

    /// Whether an auxiliary verb stands between the last mention before `at` (from `from`
    /// on) and `at`, with no relative pronoun before it: the stretch is a predicate.
    fn auxiliary_before(&self, from: usize, at: usize) -> bool {
        let aux = &self.k.rules.auxiliaries;
        if aux.is_empty() {
            return false;
        }
        let last = self.mentions.partition_point(|m| m.end <= at);
        let start = self.mentions[..last]
            .last()
            .map_or(from, |m| m.end.max(from));
        for w in words(&self.text[start..at.saturating_sub(1).max(start)], JOINERS) {
            let lower = w.text.to_lowercase();
            let relatives = &self.k.rules.relatives;
            if relatives.person.contains(&lower) || relatives.other.contains(&lower) {
                return false;
            }
            if aux.contains(&lower) {
                return true;
            }
        }
        false
    }

    /// Whether `at` lies inside brackets opened after `from`: "(A, B, and C)" is one list.
    pub(super) fn in_brackets(&self, from: usize, at: usize) -> bool {
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

    /// The span of the last relative clause (", who ...,", ", whose ...,", ", which ...,")
    /// of sentence `si` that opens and closes before `ts`.
    fn closed_relative_clause(&self, si: usize, ts: usize) -> Option<(usize, usize)> {
        let sent = self.sentences[si];
        let before = &self.text[sent.start..ts];
        let open = [", who ", ", whose ", ", which "]
            .iter()
            .filter_map(|r| before.rfind(r))
            .max()?;
        let close = before[open + 2..].find(", ")? + open + 2;
        Some((sent.start + open, sent.start + close + 1))
    }

    /// The span (from its opening comma to after its closing one) of an apposition that
    /// names an entity and closes before `ts`: ", a close ally of Russia," after the mention
    /// it describes. It is opened by a determiner and holds a common noun, which tells it
    /// from a list item (", the United States,"); the entity inside is no slot's.
    fn closed_apposition(&self, si: usize, ts: usize) -> Option<(usize, usize)> {
        let sent = self.sentences[si];
        let before = &self.text.as_bytes()[sent.start..ts];
        let close = sent.start + memchr::memrchr(b',', before)?;
        let open = sent.start + memchr::memrchr(b',', &before[..close - sent.start])?;
        let inner = &self.text[open + 1..close];
        let discovery = &self.k.rules.discovery;
        let mut ws = words(inner, JOINERS);
        let determined = ws.next().is_some_and(|w| {
            (discovery.determiners.iter()).any(|d| w.text.eq_ignore_ascii_case(d))
        });
        let mut count = 1;
        let mut noun = false;
        for w in ws {
            count += 1;
            noun |= w.text.starts_with(|c: char| c.is_lowercase())
                && !self.k.glue.contains(&w.text.to_lowercase());
        }
        let head = self.mentions.partition_point(|m| m.end <= open);
        let described = head > 0 && {
            let m = self.mentions[head - 1];
            m.start >= sent.start && self.text[m.end..open].trim().is_empty()
        };
        let named = self.mentions[head..]
            .iter()
            .take_while(|m| m.start < close)
            .any(|m| m.start > open);
        let most = 2 * self.k.rules.limits.aside_words?;
        (determined
            && noun
            && described
            && named
            && count <= most
            && !inner.contains([';', '(', ')']))
        .then_some((open, close + 1))
    }

    /// Whether `subject`, found before the trigger at `ts`, is the object of a preposition
    /// in the same phrase as the trigger: in "Talks *with* Fiji were suspended" the talks
    /// were, not Fiji (the word right before the first mention is one of `[prepositions]`,
    /// and no comma stands between the last mention and the trigger: "talks with Rutte, who
    /// heads NATO" still names its subject).
    pub(super) fn object_of_preposition(&self, si: usize, subject: &[Mention], ts: usize) -> bool {
        let (Some(first), Some(last)) = (
            subject.iter().min_by_key(|m| m.start),
            subject.iter().max_by_key(|m| m.end),
        ) else {
            return false;
        };
        let sent = self.sentences[si];
        if first.start < sent.start || last.end > ts || self.text[last.end..ts].contains(',') {
            return false;
        }
        let before = &self.text[sent.start..first.start];
        let head = before.trim_end_matches(' ');
        if head.len() == before.len() {
            return false;
        }
        let word = head
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
        !word.is_empty() && (self.k.rules.prepositions.iter()).any(|p| word.eq_ignore_ascii_case(p))
    }

    /// Where the clause holding `te` ends: at the first clause boundary after it that opens
    /// a clause with a predicate of its own ("met A and B, and C, who ..., held talks").
    pub(super) fn clause_end(&self, si: usize, te: usize) -> usize {
        let sent = self.sentences[si];
        let after = &self.text[te..sent.end];
        self.k
            .clause_boundaries
            .iter()
            .filter_map(|b| b.forward.find(after.as_bytes()).map(|i| te + i))
            .filter(|&at| !self.in_brackets(sent.start, at))
            .filter(|&at| self.trigger_inside(at, sent.end, None, None))
            .min()
            .unwrap_or(sent.end)
    }

    /// Can a list go on from one item to the next across `gap`? Returns (continues, conjunction).
    pub(super) fn list_gap(&self, from: usize, to: usize, forward: bool) -> (bool, bool) {
        if from > to {
            return (true, false); // same span: plural coreference
        }
        let gap = &self.text[from..to];
        // "Sweden, like Finland, joined": the aside's item is one of the list's (going
        // forward, its closing comma is checked with the next gap, as any list's).
        if let Some(aside) = gap.trim().strip_prefix(',')
            && self
                .k
                .rules
                .list_asides
                .iter()
                .any(|a| aside.trim().eq_ignore_ascii_case(a))
        {
            return (true, true);
        }
        let conj = words(gap, JOINERS).any(|w| self.is_conjunction(&w.text.to_lowercase()))
            || gap.contains(['&', '、'])
            || gap.contains("as well as");
        // "A, B and, since 2010, C": an aside set off by commas after the conjunction (read
        // forward only: going back from C, the aside ends C's own clause).
        if conj && forward {
            let trimmed = gap.trim();
            let aside = ["and,", "or,"].iter().find_map(|c| {
                let rest = trimmed.strip_prefix(',').unwrap_or(trimmed).trim_start();
                rest.strip_prefix(c)
            });
            if let Some(aside) = aside
                && aside.trim_end().ends_with(',')
                && words(aside, JOINERS).count() <= 4
                && !self.trigger_inside(from, to, None, None)
            {
                return (true, true);
            }
        }
        // "A and B, whose terms end in 2025; and C and D": a second group after a relative
        // clause (whatever its verb: it describes the first group).
        if forward {
            let trimmed = gap.trim();
            let relative = [", whose ", ", which ", ", who "]
                .iter()
                .any(|r| gap.starts_with(r) || trimmed.starts_with(r.trim_start()));
            let rejoins = ["; and", ", and", "; as well as"]
                .iter()
                .any(|c| trimmed.ends_with(c));
            if relative && rejoins {
                return (true, true);
            }
        }
        let words = self.gap_words(from, to);
        let separated = conj || gap.contains([',', '(', ')', '（', '）']);
        if words == 0 && (separated || gap.trim().is_empty()) {
            return (true, conj);
        }
        // "B later that year and C in 2023": a time adjunct after an item, then the
        // conjunction (or a comma) that goes on to the next.
        if separated && !gap.contains(['(', ')', ';', ':']) && self.time_adjunct(gap) {
            return (true, conj);
        }
        // "..., and Central Asian former Soviet republics (Kazakhstan, ...": a short
        // description that opens a bracketed enumeration.
        let descriptor = gap.trim_end().ends_with(['(', '（'])
            && words <= 5
            && !self.trigger_inside(from, to, None, None);
        (descriptor, conj)
    }

    /// Whether `gap`'s words are all glue, numbers or `[list_adjuncts]` words, at least one
    /// of them an adjunct's (else `gap_words` already allowed it).
    fn time_adjunct(&self, gap: &str) -> bool {
        let adjuncts = &self.k.rules.list_adjuncts;
        let mut any = false;
        let all = words(gap, JOINERS).all(|w| {
            let lower = w.text.to_lowercase();
            if adjuncts.contains(&lower) || self.k.rules.months.month(w.text).is_some() {
                any = true;
                true
            } else {
                self.is_conjunction(&lower)
                    || self.k.glue.contains(&lower)
                    || w.text.chars().all(|c| c.is_ascii_digit())
            }
        });
        all && any
    }

    /// Extends a list from `first` in one direction; keeps only the first item unless some
    /// gap has a conjunction ("A, B" is apposition, "A, B and C" a list).
    pub(super) fn list_from(
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
                self.list_gap(cur.end, m.start, true)
            } else {
                self.list_gap(m.end, cur.start, false)
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
                    && self.k.rules.conjunctions.iter().any(|c| {
                        next.strip_prefix(c.as_str())
                            .is_some_and(|r| r.starts_with(' '))
                    });
                break;
            }
            any_conj |= conj;
            out.push(*m);
            cur = *m;
        }
        // "A, B" is an apposition; "A, B, C" (a key-facts line "Members: A, B, C, D") is a
        // list even without a conjunction, and so is "A, B" right after a colon that ends
        // its line ("Observers (2): A, B").
        // (Looked at only when the list would be cut, and only up to `limit`: a one-line page
        // of megabytes must not be searched for its line's end at every list.)
        let colon_list = || {
            let first = out.iter().map(|m| m.start).min().unwrap_or(0);
            let last = out.iter().map(|m| m.end).max().unwrap_or(first);
            let bound = limit.max(last).min(self.text.len());
            let line_end = memchr::memchr(b'\n', &self.text.as_bytes()[last..bound])
                .map_or(bound, |i| last + i);
            forward
                && self.text[..first].trim_end_matches(' ').ends_with(':')
                && self.text[last..line_end]
                    .trim()
                    .trim_end_matches('.')
                    .is_empty()
        };
        let distinct = {
            let mut ids: Vec<usize> = out.iter().map(|m| m.entity).collect();
            ids.sort_unstable();
            ids.dedup();
            ids.len()
        };
        if !any_conj && distinct < 3 && !colon_list() {
            let head = out[0].entity;
            let same_span = (out[0].start, out[0].end);
            out.retain(|m| m.entity == head || (m.start, m.end) == same_span);
        }
        out
    }

    pub(super) fn fill(
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
                        && (self.gap_words(from, to) <= max
                            || self
                                .aside_end(from, to)
                                .is_some_and(|end| self.gap_words(end, to) <= max))
                        && !self.trigger_inside(from, to, relation, Some(self.ents.kind(m.entity)))
                })
        };
        // "President Samuel Tanaka *of* Cabo Verde": the words right before the mention.
        // The words between `from` and mention `i`, lowercase.
        let words_before = |from: usize, i: usize| {
            self.text[from.min(ms[i].start)..ms[i].start]
                .trim()
                .to_lowercase()
        };
        let preceded = |i: usize| {
            if slot.preceded_by.is_empty() {
                return true;
            }
            let from = if i > 0 { ms[i - 1].end.max(te) } else { te };
            slot.preceded_by.contains(&words_before(from, i))
        };
        // Before the trigger, the phrase ends the words since the previous mention: "the
        // presidency *of the* Security Council belongs to".
        let preceded_before = |i: usize| {
            if slot.preceded_by.is_empty() {
                return true;
            }
            let words = words_before(if i > 0 { ms[i - 1].end } else { sent.start }, i);
            slot.preceded_by.iter().any(|p| {
                words.strip_suffix(p.as_str()).is_some_and(|rest| {
                    rest.is_empty() || rest.ends_with(|c: char| c.is_whitespace())
                })
            })
        };
        let found = match slot.find {
            Find::After => {
                // "to lead Brazil's delegation": a possessive names the owner of what
                // follows, not the slot's entity.
                // (Only for a slot close to its trigger, and not for people: "President
                // X's office" still names X.)
                let possessive = |m: &Mention| {
                    let after = &self.text[m.end..];
                    slot.max_gap.is_some()
                        && self.ents.kind(m.entity) != EntityKind::Person
                        && (after.starts_with("'s") || after.starts_with("’s"))
                };
                // "from Peru's President Dina Boluarte": past the possessive, the person it
                // owns is the slot's, when only "'s" and filler stand between them.
                let owned = |i: usize| {
                    let j = i + 1;
                    (j < ms.len()
                        && self.allowed(slot, &ms[j])
                        && self.ents.kind(ms[j].entity) == EntityKind::Person
                        && self.gap_words(ms[i].end, ms[j].start) == 0)
                        .then_some(j)
                };
                let first = ms
                    .iter()
                    .position(|m| m.start >= te && self.allowed(slot, m))
                    .and_then(|i| {
                        if possessive(&ms[i]) {
                            owned(i)
                        } else {
                            Some(i)
                        }
                    })
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
                // "Von der Leyen, who was received by Lacalle Pou, held talks": a loose slot
                // does not take a mention inside a relative clause closed before the
                // trigger; the clause's antecedent is the subject.
                // A near slot reaches across such a clause to its antecedent too: in
                // "Berdimuhamedov, who ran Turkmenistan until 2022, now chairs the council"
                // the gap is "now", and Turkmenistan is not the subject.
                // Only where the main clause resumes with its predicate after the clause: an
                // article right after it opens an apposition of the clause's last mention
                // instead
                // ("A, who took over from B, the head of C": B is the head), for near and
                // loose slots alike.
                // An apposition that names an entity is read as such a clause: in "Armenia,
                // a close ally of Russia, quit" Armenia quit.
                let relative = (self.closed_relative_clause(si, ts))
                    .or_else(|| self.closed_apposition(si, ts))
                    .filter(|&(_, b)| {
                        words(&self.text[b..ts], JOINERS).next().is_none_or(|w| {
                            !(self.k.rules.discovery.determiners.iter())
                                .any(|d| w.text.eq_ignore_ascii_case(d))
                        })
                    });
                let outside =
                    |m: &Mention| relative.is_none_or(|(a, b)| m.end <= a || m.start >= b);
                let gap_from = |m: &Mention| match relative {
                    Some((a, b)) if m.end <= a && self.text[m.end..a].trim().is_empty() => b,
                    _ => m.end,
                };
                let allowed = |m: &Mention| m.end <= ts && self.allowed(slot, m) && outside(m);
                let mut last = ms.iter().rposition(allowed);
                // "The Nordic Council, the body's main forum, is chaired by": a possessive
                // too far from the trigger owns what follows it; the slot's entity may stand
                // before it, across the aside that holds it.
                if let Some(i) = last
                    && !gap_ok(gap_from(&ms[i]), ts, &ms[i])
                    && self.text[ms[i].end..ts].starts_with(['\'', '’'])
                    && let Some(j) = ms[..i].iter().rposition(allowed)
                    && gap_ok(gap_from(&ms[j]), ts, &ms[j])
                {
                    last = Some(j);
                }
                match (last, slot.take) {
                    (None, _) => None,
                    (Some(i), _) if !gap_ok(gap_from(&ms[i]), ts, &ms[i]) => None,
                    (Some(i), _) if !preceded_before(i) => None,
                    (Some(i), Take::Nearest | Take::List)
                        if let Some(antecedent) = self.person_antecedent(slot, ms, i, ts) =>
                    {
                        antecedent.map(|m| vec![m])
                    }
                    (Some(i), Take::Nearest | Take::List)
                        if let Some(shared) =
                            self.shared_subject(slot, si, ms, i, ts, &outside) =>
                    {
                        Some(vec![shared])
                    }
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
            // Filled from the subject by `Ctx::office`.
            Find::Office => None,
            Find::SentenceStart | Find::SentenceFirst => {
                let first_from = |from: usize| {
                    ms.iter()
                        .position(|m| m.start >= from && m.end <= ts && self.allowed(slot, m))
                };
                // "sentence-first": the subject of the clause after the last boundary
                // (whatever its predicate: "Fiji sent a minister, and Samoa ... its prime
                // minister"), or when that clause names none before the trigger ("Hungary,
                // ..., and its prime minister"), the sentence's.
                let first = if slot.find == Find::SentenceFirst {
                    first_from(self.boundary_before(si, ts, false))
                        .or_else(|| first_from(sent.start))
                } else {
                    // A colon opens a clause of its own when a subject follows it ("The
                    // council took a harder line: Belarus, which had been a member of it,
                    // ..."); with none there ("Turkey: joined NATO in 1952") the subject
                    // stands before it.
                    // (memrchr, not `str::rfind`: this runs at every such fill, and a
                    // substring search builds its searcher per call.)
                    let start = self.clause_start(si, ts);
                    let clause = &self.text.as_bytes()[start..ts];
                    let after_colon = memchr::memrchr_iter(b':', clause)
                        .find(|&c| clause.get(c + 1) == Some(&b' '))
                        .map(|c| start + c + 2)
                        .filter(|&c| !self.in_brackets(start, c))
                        .and_then(first_from);
                    after_colon.or_else(|| first_from(start))
                };
                // The gap's marker words still apply; its length does not (a clause's
                // subject may stand far from its predicate).
                let first = first.filter(|&i| {
                    let gap = &self.text[ms[i].end..ts];
                    (slot.gap_has.is_empty()
                        || slot.gap_has.iter().any(|g| gap.contains(g.as_str())))
                        && !slot.gap_lacks.iter().any(|g| gap.contains(g.as_str()))
                });
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
            // The sentence's subject when it opens the sentence ("The bank was set up by
            // the countries that made up BRICS": the bank), else its last mention.
            let ms = self.sentence_mentions(back);
            let subject = ms.first().filter(|m| {
                self.allowed(slot, m)
                    && words(&self.text[self.sentences[back].start..m.start], JOINERS)
                        .all(|w| self.k.glue.contains(&w.text.to_lowercase()))
            });
            if let Some(m) = subject.or_else(|| ms.iter().rev().find(|m| self.allowed(slot, m))) {
                return Some(Filled {
                    mentions: vec![*m],
                    from_context: true,
                });
            }
        }
        self.topic(slot, si)
    }

    /// The subject a coordinated predicate shares with the clause before: in "he was
    /// received by X and then held talks with Y" the mention right before "held talks" is X,
    /// but only a conjunction and adverbs stand between them (`[shared_subject]`), so the
    /// predicate's subject is the clause's first mention ("he"). `None` keeps `ms[i]`: the
    /// gap is not such a coordination, or `ms[i]` opens its clause itself.
    fn shared_subject(
        &self,
        slot: &Slot,
        si: usize,
        ms: &[Mention],
        i: usize,
        ts: usize,
        outside: &impl Fn(&Mention) -> bool,
    ) -> Option<Mention> {
        let shared = &self.k.rules.shared_subject;
        let mut gap = words(self.text.get(ms[i].end..ts)?, JOINERS);
        let first = gap.next()?;
        if !shared
            .conjunctions
            .iter()
            .any(|c| first.text.eq_ignore_ascii_case(c))
            || !gap.all(|w| {
                shared
                    .adverbs
                    .iter()
                    .any(|a| w.text.eq_ignore_ascii_case(a))
            })
        {
            return None;
        }
        let from = self.boundary_before(si, ms[i].start, true);
        ms[..i]
            .iter()
            .find(|m| m.start >= from && self.allowed(slot, m) && outside(m))
            .copied()
    }

    /// The person a relative "who" right before the trigger refers to, when the mention
    /// before it is not one: in "A, a former prime minister of B who led the commission" the
    /// clause's antecedent is the noun phrase "a former prime minister of B", which describes
    /// A (an apposition: a comma follows A). `None` keeps `ms[i]` (no such pronoun, or
    /// `ms[i]` is a person); `Some(None)`: the pronoun names a person this slot cannot find.
    fn person_antecedent(
        &self,
        slot: &Slot,
        ms: &[Mention],
        i: usize,
        ts: usize,
    ) -> Option<Option<Mention>> {
        let relatives = &self.k.rules.relatives.person;
        let first = words(self.text.get(ms[i].end..ts)?, JOINERS).next()?;
        if self.ents.kind(ms[i].entity) == EntityKind::Person
            || !relatives.iter().any(|r| first.text.eq_ignore_ascii_case(r))
        {
            return None;
        }
        let person = ms[..i].iter().rev().find(|m| {
            self.ents.kind(m.entity) == EntityKind::Person
                && self.allowed(slot, m)
                && self.text[m.end..].starts_with(',')
        });
        Some(person.copied())
    }

    /// The organization the document has named most (twice at least) in the last
    /// `[limits] topic_sentences` sentences before `si`; ties go to the latest named. Else
    /// the one its title names.
    fn topic(&self, slot: &Slot, si: usize) -> Option<Filled> {
        let reach = self.k.rules.limits.topic_sentences?;
        if !slot.kinds.contains(&EntityKind::Organization) {
            return None;
        }
        let from = self.sentences[si.saturating_sub(reach)].start;
        let to = self.sentences[si].start;
        let (a, b) = (
            self.mentions.partition_point(|m| m.start < from),
            self.mentions.partition_point(|m| m.start < to),
        );
        let mut counts: std::collections::HashMap<usize, (usize, usize)> = Default::default();
        for (i, m) in self.mentions[a..b].iter().enumerate() {
            if m.form == Form::Name
                && self.ents.kind(m.entity) == EntityKind::Organization
                && self.allowed(slot, m)
            {
                let c = counts.entry(m.entity).or_insert((0, 0));
                *c = (c.0 + 1, a + i);
            }
        }
        if let Some(&(n, last)) = counts.values().max()
            && n >= 2
        {
            return Some(Filled {
                mentions: vec![self.mentions[last]],
                from_context: true,
            });
        }
        self.title_organization(slot, si)
    }

    /// The one organization a document's title names: the topic of the sentences after it.
    fn title_organization(&self, slot: &Slot, si: usize) -> Option<Filled> {
        let kind = |e: usize| self.ents.kind(e);
        let found = super::coref::title_organization(self.sentences, &self.mentions, &kind)?;
        (si > 0 && self.allowed(slot, &found)).then(|| Filled {
            mentions: vec![found],
            from_context: true,
        })
    }
}

/// Whether a negation phrase stands, whole and in a row, among `window`'s words, or (with
/// "n't" among the phrases) a word ends in the contraction.
pub(super) fn negation_in(negation: &Negations, window: &[&str]) -> bool {
    // A capitalised month name is the month, never the modal ("chaired until May by").
    let month = |w: &&str| negation.months.is_capitalised_month(w);
    if window.iter().any(month) {
        let kept: Vec<&str> = window.iter().copied().filter(|w| !month(w)).collect();
        return negation_in(negation, &kept);
    }
    if negation.contraction && window.iter().any(|w| ends_with_nt(w)) {
        return true;
    }
    let mut lower = [0u8; 32];
    for (i, w) in window.iter().enumerate() {
        // An ASCII word is lower-cased on the stack and looked up; another word (rare)
        // compares with every phrase, as `same_lowercase` lower-cases it char by char.
        if !w.is_ascii() || w.len() > lower.len() {
            return negation.all.iter().any(|phrase| match phrase {
                Negation::Contraction => false,
                Negation::Words(p) => window
                    .windows(p.len())
                    .any(|ws| ws.iter().zip(p).all(|(w, p)| same_lowercase(w, p))),
            });
        }
        let key = &mut lower[..w.len()];
        key.copy_from_slice(w.as_bytes());
        key.make_ascii_lowercase();
        let key = std::str::from_utf8(key).expect("ASCII");
        let Some(phrases) = negation.by_first.get(key) else {
            continue;
        };
        let rest = &window[i..];
        if phrases
            .iter()
            .any(|p| rest.len() >= p.len() && rest.iter().zip(p).all(|(w, p)| same_lowercase(w, p)))
        {
            return true;
        }
    }
    false
}

/// "isn't", "WON’T": a word ending in the contraction "n't" (either apostrophe, any case).
fn ends_with_nt(w: &str) -> bool {
    ["n't", "n’t"].iter().any(|nt| {
        w.len() >= nt.len()
            && w.is_char_boundary(w.len() - nt.len())
            && w[w.len() - nt.len()..].eq_ignore_ascii_case(nt)
    })
}

/// True when `word` in lower case is `lower` (already lower case); ASCII without allocating.
fn same_lowercase(word: &str, lower: &str) -> bool {
    if word.is_ascii() {
        word.len() == lower.len() && word.eq_ignore_ascii_case(lower)
    } else {
        word.chars().flat_map(char::to_lowercase).eq(lower.chars())
    }
}

#[cfg(test)]
mod tests {
    //! Sentences written for these tests (not taken from the articles).
    use super::super::engine::test_support::{claims, has};

    #[test]
    fn negation_looked_up_by_first_word_is_every_phrase_compared() {
        use super::super::knowledge::Negation;
        let k = crate::extract::Knowledge::builtin();
        let every_phrase = |window: &[&str]| {
            k.negation.all.iter().any(|p| match p {
                Negation::Contraction => window.iter().any(|w| super::ends_with_nt(w)),
                Negation::Words(p) => window
                    .windows(p.len())
                    .any(|ws| ws.iter().zip(p).all(|(w, p)| super::same_lowercase(w, p))),
            })
        };
        let windows: [&[&str]; 10] = [
            &["has", "NOT", "yet", "joined"],
            &["it", "No", "Longer"],
            &["no"],
            &["isn’t"],
            &["Déclined", "to"],
            &["declined", "TO", "join"],
            &["the", "plans"],
            &["Plans", "To"],
            &["a-very-long-word-that-no-phrase-begins-with", "not"],
            &[],
        ];
        for window in windows {
            assert_eq!(
                super::negation_in(&k.negation, window),
                every_phrase(window),
                "{window:?}"
            );
        }
    }

    #[test]
    fn negation_words_compare_in_lower_case_without_allocating() {
        assert!(super::ends_with_nt("WON’T") && super::ends_with_nt("hasn't"));
        assert!(!super::ends_with_nt("nt") && !super::ends_with_nt("Kant"));
        assert!(super::same_lowercase("NOT", "not") && super::same_lowercase("İ", "i̇"));
        assert!(!super::same_lowercase("note", "not"));
        let found =
            claims("Norway has NOT joined the Nordic Council. Sweden joined the Nordic Council.");
        assert!(
            !has(&found, "norway", "member-of", "nordic-council"),
            "{found:?}"
        );
        assert!(
            has(&found, "sweden", "member-of", "nordic-council"),
            "{found:?}"
        );
    }

    #[test]
    fn lists_go_on_across_an_aside_and_without_a_conjunction_from_three_items() {
        let found = claims(
            "The Nordic Council comprises Denmark, Finland and, since 1955, Iceland. Members: Norway, Sweden, Estonia.",
        );
        assert!(
            has(&found, "iceland", "member-of", "nordic-council"),
            "{found:?}"
        );
        let found = claims(
            "The Nordic Council met. The Nordic Council has these members: Norway, Sweden, Estonia.",
        );
        assert!(
            has(&found, "estonia", "member-of", "nordic-council"),
            "{found:?}"
        );
    }

    #[test]
    fn the_organization_a_title_names_is_the_topic_of_what_follows() {
        let text = "Key facts: the African Union\n\nFounded: 2002, Durban\nMembers (3): Ghana, Kenya, Mali\n";
        let found = claims(text);
        assert!(
            has(&found, "kenya", "member-of", "african-union"),
            "{found:?}"
        );
        // A description refers to it too.
        let found =
            claims("Key facts: the African Union\n\nMali was suspended from the bloc in 2021.\n");
        assert!(
            has(&found, "mali", "member-of", "african-union"),
            "{found:?}"
        );
        // Not when the title names two.
        let found = claims(&text.replace("Union\n", "Union and NATO\n"));
        assert!(
            !has(&found, "kenya", "member-of", "african-union"),
            "{found:?}"
        );
    }

    #[test]
    fn a_predicate_after_a_relative_clause_may_hold_an_article() {
        let found = claims(
            "The African Union met in Accra. Chile, which was cut off by its neighbours, \
             remains a full member.",
        );
        assert!(
            has(&found, "chile", "member-of", "african-union"),
            "{found:?}"
        );
    }

    #[test]
    fn a_negation_inside_an_aside_before_the_trigger_is_the_asides() {
        let found = claims("William Ruto, whose country is not a member, met Cyril Ramaphosa.");
        assert!(
            has(&found, "cyril-ramaphosa", "met-with", "william-ruto"),
            "{found:?}"
        );
        let found = claims("Peru has not, however, joined the African Union.");
        assert!(
            !has(&found, "peru", "member-of", "african-union"),
            "{found:?}"
        );
    }

    #[test]
    fn an_aside_between_subject_and_verb_is_no_gap_but_a_longer_one_is() {
        let opening = "The African Union met in Addis Ababa. The African Union admitted observers.";
        let found = claims(&format!("{opening} Chile, in the end, quit in 2019."));
        assert!(
            has(&found, "chile", "member-of", "african-union"),
            "{found:?}"
        );
        let found = claims(&format!(
            "{opening} Chile, after a long and bitter debate, quit in 2019."
        ));
        assert!(
            !has(&found, "chile", "member-of", "african-union"),
            "{found:?}"
        );
        // An adjective of a country describes; a country's name is a slot's.
        let found = claims(&format!(
            "{opening} Chile, a former Spanish colony, quit in 2019."
        ));
        assert!(
            has(&found, "chile", "member-of", "african-union"),
            "{found:?}"
        );
        let found = claims(&format!(
            "{opening} Chile, a neighbour of Spain, quit in 2019."
        ));
        assert!(
            !has(&found, "spain", "member-of", "african-union"),
            "{found:?}"
        );
    }

    #[test]
    fn an_auxiliary_before_a_comma_and_ends_the_clause_but_a_relative_clause_does_not() {
        let found = claims("Peru has doubled its budget, and Chile joined the African Union.");
        assert!(
            !has(&found, "peru", "member-of", "african-union"),
            "{found:?}"
        );
        assert!(
            has(&found, "chile", "member-of", "african-union"),
            "{found:?}"
        );
        let found = claims("Peru, which is a neighbour, and Chile joined the African Union.");
        assert!(
            has(&found, "peru", "member-of", "african-union"),
            "{found:?}"
        );
    }

    #[test]
    fn who_refers_to_the_person_an_apposition_describes() {
        let found = claims(
            "The Arctic Council welcomed Anna Berg, a former foreign minister of Norway who had led the council since 2019.",
        );
        assert!(
            has(&found, "anna-berg", "leads", "arctic-council"),
            "{found:?}"
        );
        assert!(
            !has(&found, "norway", "leads", "arctic-council"),
            "{found:?}"
        );
        // No person to refer to: nothing, rather than the country.
        let found = claims("The delegation of Norway who had led the council left early.");
        assert!(
            !has(&found, "norway", "leads", "arctic-council"),
            "{found:?}"
        );
    }

    #[test]
    fn a_list_goes_on_after_a_relative_clause_that_rejoins_it() {
        let found = claims(
            "The members of the Nordic Council are Denmark and Finland, whose terms end in 2027; and Norway and Sweden, whose terms began in 2025.",
        );
        assert!(
            has(&found, "sweden", "member-of", "nordic-council"),
            "{found:?}"
        );
    }

    #[test]
    fn a_relative_clause_does_not_hold_the_subject() {
        let found = claims(
            "President Rosa Vidal, who was received by President Gabriel Boric at the airport, held talks with Prime Minister Ana Torres.",
        );
        assert!(
            has(&found, "ana-torres", "met-with", "rosa-vidal"),
            "{found:?}"
        );
        assert!(
            !has(&found, "ana-torres", "met-with", "gabriel-boric"),
            "{found:?}"
        );
    }

    #[test]
    fn a_context_slot_falls_back_on_the_articles_topic() {
        let found = claims(
            "The Nordic Council met in Oslo. The Nordic Council agreed on fishing.\n\nA rotating chair\n\nIceland held the presidency in 2023.",
        );
        assert!(
            has(&found, "iceland", "leads", "nordic-council"),
            "{found:?}"
        );
        // Named once only: no topic.
        let found =
            claims("The Nordic Council met in Oslo.\n\nIceland held the presidency in 2023.");
        assert!(
            !has(&found, "iceland", "leads", "nordic-council"),
            "{found:?}"
        );
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
    fn a_coordinated_predicate_shares_the_clause_subject() {
        let found = claims(
            "Prime Minister Anthony Albanese flew to Jakarta, where he was greeted by \
             President Prabowo Subianto and then held talks with Prime Minister Anwar Ibrahim.",
        );
        assert!(
            has(&found, "anthony-albanese", "met-with", "anwar-ibrahim"),
            "{found:?}"
        );
        assert!(
            !has(&found, "anwar-ibrahim", "met-with", "prabowo-subianto"),
            "{found:?}"
        );
        // A list before the predicate is its subject as usual (met-with is stored with the
        // ids in order).
        let found = claims("President Prabowo Subianto and Prime Minister Anwar Ibrahim then met.");
        assert!(
            has(&found, "anwar-ibrahim", "met-with", "prabowo-subianto"),
            "{found:?}"
        );
    }

    #[test]
    fn a_colon_opens_a_clause_when_a_subject_follows_it() {
        let found = claims(
            "The African Union changed course: Norway, which had been a member of the Arctic \
             Council since 1996, left the talks.",
        );
        assert!(
            has(&found, "norway", "member-of", "arctic-council"),
            "{found:?}"
        );
        assert!(
            !has(&found, "african-union", "member-of", "arctic-council"),
            "{found:?}"
        );
        let found = claims("Turkey: joined NATO in 1952.");
        assert!(
            has(
                &found,
                "turkey",
                "member-of",
                "north-atlantic-treaty-organization"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn negation_cancels_a_trigger() {
        assert!(claims("Nepal has not joined the SCO.").is_empty());
        assert!(claims("India never met Xi Jinping.").is_empty());
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
}
