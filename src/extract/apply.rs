//! Applying a rule at one trigger: checking its conditions (`unless`, `sentence_has`,
//! negation before a slot), filling its slots and emitting claims with their evidence: tier,
//! confidence and the date that qualifies them ([`Ctx::when`]).

use super::coref;
use super::engine::{Ctx, RawClaim};
use super::matcher::{Form, Mention};
use super::rules::{Find, Rule, Slot};
use super::slots::Filled;
use super::temporal;
use crate::model::{Confidence, Evidence, Tier, When};
use crate::text::token::{JOINERS, words};
use std::collections::BTreeSet;

impl Ctx<'_> {
    /// Applies every rule at every trigger of the document that no negation cancels, and
    /// the rules of the hidden triggers at theirs.
    pub(super) fn apply_all(&self, claims: &mut BTreeSet<RawClaim>) {
        let mut fire = |ts: usize, te: usize, rules: &[usize]| {
            let Some(si) = coref::sentence_of(self.sentences, ts) else {
                return;
            };
            // A question states nothing: "Is Japan joining AUKUS?"
            let sent = self.sentences[si];
            if self.text[sent.start..sent.end]
                .trim_end()
                .ends_with(['?', '？'])
            {
                return;
            }
            // Asked only once some rule's subject is there: "," is a trigger too.
            let negated = std::cell::OnceCell::new();
            let negated = || *negated.get_or_init(|| self.negated(si, ts));
            for &ri in rules {
                self.apply(&self.k.rules.rules[ri], si, ts, te, &negated, claims);
            }
        };
        for &(ts, te, group) in &self.triggers {
            fire(ts, te, &self.k.groups[group]);
        }
        for &(ts, te, ri) in &self.hidden {
            fire(ts, te, &[ri]);
        }
    }

    /// The date that qualifies a claim: the first one after the claim's last mention (and
    /// after any items listed with it: "Laos and Myanmar in 1997"), up to the next mention of
    /// a participant's kind ("Brunei joined ASEAN in 1984, Vietnam in 1995"); else the one
    /// nearest the trigger before that ("Since 2019 Chen has chaired ..."). Dates inside names ("Taiwan 2050
    /// Educational Foundation") and dates that follow another entity ("Tamkang University
    /// (2006-2008)") belong to something else.
    pub(super) fn when(
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

    /// The evidence of a claim read in sentence `si`.
    pub(super) fn evidence(
        &self,
        si: usize,
        rule: std::sync::Arc<str>,
        tier: Tier,
        confidence: Confidence,
        when: Option<When>,
    ) -> Evidence {
        let sent = self.sentences[si];
        Evidence {
            document: self.doc_name.clone(),
            sentence: self.text[sent.start..sent.end].to_string(),
            start: sent.start,
            end: sent.end,
            rule,
            tier,
            confidence,
            when: when.map(Box::new),
        }
    }

    /// The object of a `find = "office"` slot: the countries the subject has headed that
    /// the document names (see [`Find::Office`]).
    fn office(&self, slot: &Slot, subject: &Filled, si: usize) -> Option<Filled> {
        let s = subject.mentions.first()?;
        let heads = self.k.heads.get(s.entity)?;
        let sent = self.sentences[si];
        let mut from_context = false;
        let mut mentions = Vec::new();
        for &country in heads {
            let named = |m: &&Mention| m.entity == country && self.allowed(slot, m);
            let found = self.sentence_mentions(si).iter().find(named).or_else(|| {
                from_context = true;
                let before = self.mentions.partition_point(|m| m.start < sent.start);
                (self.mentions[..before].iter().rev().find(named))
                    .or_else(|| self.mentions[before..].iter().find(named))
            });
            mentions.extend(found.copied());
        }
        (!mentions.is_empty()).then_some(Filled {
            mentions,
            from_context,
        })
    }

    pub(super) fn apply(
        &self,
        rule: &Rule,
        si: usize,
        ts: usize,
        te: usize,
        negated: &dyn Fn() -> bool,
        claims: &mut BTreeSet<RawClaim>,
    ) {
        if rule.opens_line
            && (self.text[self.sentences[si].start.min(ts)..ts]).contains(char::is_alphanumeric)
        {
            return;
        }
        if rule
            .unless
            .as_ref()
            .is_some_and(|slot| self.fill(slot, Some(rule.relation), si, ts, te).is_some())
        {
            return;
        }
        let Some(subject) = self.fill(&rule.subject, Some(rule.relation), si, ts, te) else {
            return;
        };
        if rule.subject.find == Find::Before
            && !subject.from_context
            && self.object_of_preposition(si, &subject.mentions, ts)
        {
            return;
        }
        // Read the sentence only once the subject is there: "'s" triggers everywhere.
        if !rule.sentence_has.is_empty() {
            let sent = self.sentences[si];
            let said = words(&self.text[sent.start..sent.end], JOINERS).any(|w| {
                rule.sentence_has
                    .iter()
                    .any(|h| h.eq_ignore_ascii_case(w.text))
            });
            if !said {
                return;
            }
        }
        if negated() {
            return;
        }
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
            Some(slot) if slot.find == Find::Office => match self.office(slot, &subject, si) {
                Some(o) => Some(o),
                None => return,
            },
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
        let dates = temporal::dates(&self.text[sent.start..sent.end], &self.k.rules.months);
        let mut emit = |s: &Mention, o: &Mention, context: bool| {
            if s.entity == o.entity {
                return;
            }
            let implied = context || s.form == Form::Coref || o.form == Form::Coref;
            let tier = if implied { Tier::Implied } else { rule.tier };
            let scoring = &self.k.rules.scoring;
            let prior = rule.confidence.map_or(
                match rule.tier {
                    Tier::Explicit => scoring.explicit,
                    Tier::Implied => scoring.implied,
                },
                Confidence::get,
            );
            let confidence = Confidence::new(if implied {
                prior * scoring.coreference
            } else {
                prior
            });
            let when = self.when(si, &dates, s, o, ts, te);
            claims.insert(RawClaim {
                subject: s.entity,
                relation: rule.relation,
                object: o.entity,
                evidence: self.evidence(si, rule.id.get_ref().clone(), tier, confidence, when),
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
                // "A met B, C and D": B, C and D met too, as the text implies; not after
                // "separate talks", nor "with B and with C" (one meeting each).
                let together = rule.relation.is_symmetric()
                    && object.mentions.len() > 1
                    && !self.text[ts..te].to_lowercase().contains("separate")
                    && object.mentions.windows(2).all(|w| {
                        let (a, b) = (w[0].end.min(w[1].start), w[0].end.max(w[1].start));
                        !self.text[a..b].contains(" with ")
                    });
                if together {
                    let ms = &object.mentions;
                    for (i, a) in ms.iter().enumerate() {
                        for b in &ms[i + 1..] {
                            emit(a, b, true);
                        }
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

#[cfg(test)]
mod tests {
    //! Sentences written for these tests (not taken from the articles).
    use super::super::engine::test_support::dated;
    use crate::model::When;

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
}
