//! Inference: claims derived from two claims of the same document by `[[inference]]` rules.

use super::engine::RawClaim;
use super::rules::{Atom, RuleSet};
use crate::model::{Confidence, Evidence, RelationKind, Tier};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Applies inference rules until nothing new appears (bounded, rules are few).
///
/// Premises are joined triple by triple (a triple stated by a thousand sentences is one
/// triple), and the second premise's triples are looked up by the values of the variables
/// it shares with the first, so a round costs what its claims and matches cost, not the
/// product of every two claims.
pub(super) fn infer(rules: &RuleSet, claims: &mut BTreeSet<RawClaim>) {
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
            let value = |atom: &Atom, var: &str, (s, _, o): (usize, RelationKind, usize)| {
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
                                    rules.scoring.inference * premise.evidence.confidence.get(),
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

#[cfg(test)]
mod tests {
    //! Sentences written for these tests (not taken from the articles).
    use super::super::engine::test_support::{claims, has};

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
}
