//! The domain vocabulary every stage shares: entities, relation kinds, evidence and claims.
//!
//! Extraction produces [`Claim`]s about [`Entity`]s; the graph merges claims into
//! [`Relation`]s. Inside the code these are enums; they become strings only at the edges
//! (JSON, TOML, command-line arguments) through their `serde`/[`FromStr`] forms, which are
//! kebab-case (`member-of`, `dialogue-partner-of`, `country`).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

/// What kind of thing an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntityKind {
    /// A sovereign state or territory named as a political unit.
    Country,
    /// An intergovernmental body, ministry, university, institute, NGO, journal, ...
    Organization,
    /// A named person.
    Person,
    /// A named programme, policy, strategy or exercise.
    Initiative,
    /// A city, region or continent.
    Place,
    /// A summit, election or other dated happening.
    Event,
}

impl EntityKind {
    /// Every kind, in display order.
    pub const ALL: [EntityKind; 6] = [
        EntityKind::Country,
        EntityKind::Organization,
        EntityKind::Person,
        EntityKind::Initiative,
        EntityKind::Place,
        EntityKind::Event,
    ];

    /// The kebab-case name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Country => "country",
            EntityKind::Organization => "organization",
            EntityKind::Person => "person",
            EntityKind::Initiative => "initiative",
            EntityKind::Place => "place",
            EntityKind::Event => "event",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a string that names no kind; it lists the names that are accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{given}' (expected one of: {expected})")]
pub struct UnknownName {
    /// "entity type" or "relation".
    pub what: &'static str,
    /// The string that was given.
    pub given: String,
    /// The accepted names, comma separated.
    pub expected: String,
}

impl FromStr for EntityKind {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        let s = match s.as_str() {
            "organisation" | "org" => "organization",
            other => other,
        };
        EntityKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "entity type",
                given: s.to_string(),
                expected: EntityKind::ALL.map(|k| k.as_str()).join(", "),
            })
    }
}

/// The kind of a relation between two entities, subject first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RelationKind {
    /// Stated to be a member, founding member, or to have joined.
    MemberOf,
    /// Observer state or observer status.
    ObserverOf,
    /// Dialogue partner or partner status.
    DialoguePartnerOf,
    /// Two people met or held talks (symmetric).
    MetWith,
    /// Heads a country, organization or initiative.
    Leads,
    /// A body or exercise that belongs to a larger one.
    PartOf,
    /// A country or city that hosted an event.
    Hosted,
    /// Works for, sits on the board of, or is otherwise attached to.
    AffiliatedWith,
    /// Studied or earned a degree at.
    EducatedAt,
    /// Cooperates or collaborates with (symmetric).
    CooperatesWith,
    /// Grew out of an earlier body.
    EvolvedFrom,
    /// Geographically inside.
    LocatedIn,
}

impl RelationKind {
    /// Every relation kind, in display order.
    pub const ALL: [RelationKind; 12] = [
        RelationKind::MemberOf,
        RelationKind::ObserverOf,
        RelationKind::DialoguePartnerOf,
        RelationKind::MetWith,
        RelationKind::Leads,
        RelationKind::PartOf,
        RelationKind::Hosted,
        RelationKind::AffiliatedWith,
        RelationKind::EducatedAt,
        RelationKind::CooperatesWith,
        RelationKind::EvolvedFrom,
        RelationKind::LocatedIn,
    ];

    /// The kebab-case name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::MemberOf => "member-of",
            RelationKind::ObserverOf => "observer-of",
            RelationKind::DialoguePartnerOf => "dialogue-partner-of",
            RelationKind::MetWith => "met-with",
            RelationKind::Leads => "leads",
            RelationKind::PartOf => "part-of",
            RelationKind::Hosted => "hosted",
            RelationKind::AffiliatedWith => "affiliated-with",
            RelationKind::EducatedAt => "educated-at",
            RelationKind::CooperatesWith => "cooperates-with",
            RelationKind::EvolvedFrom => "evolved-from",
            RelationKind::LocatedIn => "located-in",
        }
    }

    /// Symmetric relations are stored once, with the smaller entity id as the source.
    pub fn is_symmetric(self) -> bool {
        matches!(self, RelationKind::MetWith | RelationKind::CooperatesWith)
    }
}

impl fmt::Display for RelationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RelationKind {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        RelationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "relation",
                given: s.to_string(),
                expected: RelationKind::ALL.map(|k| k.as_str()).join(", "),
            })
    }
}

/// How directly the text states a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    /// One sentence states the claim and names both entities.
    Explicit,
    /// The claim needs coreference or inference.
    Implied,
}

/// An entity: one node of the graph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Stable readable slug, unique in a graph (`xi-jinping`).
    pub id: String,
    /// Canonical name.
    pub label: String,
    /// What it is.
    #[serde(rename = "type")]
    pub kind: EntityKind,
    /// Other names it goes by in text, in lexicon order.
    #[serde(default, deserialize_with = "exact_vec")]
    pub aliases: Vec<String>,
    /// Wikidata item id (`Q148`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<String>,
}

/// Where a claim comes from: the sentence that states it and the rule that read it.
///
/// Reading one refuses a span that ends before it starts (the file's reader then names the
/// line and column).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "EvidenceIn")]
pub struct Evidence {
    /// Document name (file name relative to the input it was found under). Shared: a
    /// document's claims, and a loaded graph's evidence, point at one copy of the name.
    pub document: Arc<str>,
    /// The sentence, exactly the document's bytes `[start, end)`.
    pub sentence: String,
    /// Byte offset of the sentence in the original UTF-8 document.
    pub start: usize,
    /// Byte offset one past the sentence's end.
    pub end: usize,
    /// Id of the rule that produced the claim (shared like `document`).
    pub rule: Arc<str>,
    /// Whether the sentence states the claim outright or it was inferred.
    pub tier: Tier,
    /// How far this one sentence supports the claim (the rule's prior, lowered for
    /// coreference and inference).
    pub confidence: Confidence,
    /// When the claim holds, if the clause says ("since 2017", "in 1984", "2006–2008").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<Box<When>>,
}

/// [`Evidence`] as read, before its span is checked.
#[derive(Deserialize)]
struct EvidenceIn {
    #[serde(deserialize_with = "shared_document")]
    document: Arc<str>,
    sentence: String,
    start: usize,
    end: usize,
    #[serde(deserialize_with = "shared_rule")]
    rule: Arc<str>,
    #[serde(default = "default_tier")]
    tier: Tier,
    #[serde(default)]
    confidence: Confidence,
    #[serde(default)]
    when: Option<Box<When>>,
}

impl TryFrom<EvidenceIn> for Evidence {
    type Error = String;

    fn try_from(e: EvidenceIn) -> Result<Self, String> {
        if e.start > e.end {
            return Err(format!(
                "evidence span {}..{} ends before it starts",
                e.start, e.end
            ));
        }
        Ok(Evidence {
            document: e.document,
            sentence: e.sentence,
            start: e.start,
            end: e.end,
            rule: e.rule,
            tier: e.tier,
            confidence: e.confidence,
            when: e.when,
        })
    }
}

fn default_tier() -> Tier {
    Tier::Explicit
}

/// A `Vec` deserialised with no spare capacity. JSON arrays do not announce their length,
/// so serde grows the vector by doubling from four: a graph of millions of edges with two
/// evidence items each would keep half of every evidence allocation empty (about 0.9 GB of
/// touched memory on the 1M-node benchmark graph).
pub(crate) fn exact_vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    // Items are gathered on the stack and moved once into a vector of exactly their number:
    // growing from empty and shrinking after would be two allocations and a copy per list.
    struct Exact<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for Exact<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a sequence")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
            let mut items = smallvec::SmallVec::<[T; 4]>::new();
            while let Some(item) = seq.next_element()? {
                items.push(item);
            }
            let mut v = items.into_vec();
            v.shrink_to_fit();
            Ok(v)
        }
    }
    d.deserialize_seq(Exact(std::marker::PhantomData))
}

/// The names read so far in a [`sharing_names`] scope.
#[derive(Default)]
struct Names {
    set: std::collections::HashSet<Arc<str>, crate::hash::FxBuild>,
    /// The last name of each field: items in a row often share a document, and a file
    /// usually names few rules, so most names are found here without hashing.
    last: [Option<Arc<str>>; 2],
}

impl Names {
    fn share(&mut self, field: usize, s: &str) -> Arc<str> {
        if let Some(last) = &self.last[field]
            && **last == *s
        {
            return last.clone();
        }
        let name = match self.set.get(s) {
            Some(name) => name.clone(),
            None => {
                let name: Arc<str> = s.into();
                self.set.insert(name.clone());
                name
            }
        };
        self.last[field] = Some(name.clone());
        name
    }
}

thread_local! {
    /// The names already read in this thread's [`sharing_names`] scope, if one is open.
    static NAMES: std::cell::RefCell<Option<Names>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with evidence names shared: every `document` and `rule` deserialised in it on
/// this thread reuses the first copy of an equal name. A graph file names a few thousand
/// documents and a few dozen rules across millions of evidence items, so this saves two
/// allocations per item. Scopes nest; the names are dropped when the outermost one ends.
pub(crate) fn sharing_names<R>(f: impl FnOnce() -> R) -> R {
    let opened = NAMES.with(|n| {
        let mut n = n.borrow_mut();
        let open = n.is_none();
        if open {
            *n = Some(Names::default());
        }
        open
    });
    // Close the scope even if `f` unwinds, so a later deserialisation does not keep names.
    struct Close(bool);
    impl Drop for Close {
        fn drop(&mut self) {
            if self.0 {
                NAMES.with(|n| n.borrow_mut().take());
            }
        }
    }
    let _close = Close(opened);
    f()
}

fn shared_document<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
    d.deserialize_str(SharedName(0))
}

fn shared_rule<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
    d.deserialize_str(SharedName(1))
}

/// Reads a name, shared within a [`sharing_names`] scope; the number says which field.
struct SharedName(usize);

impl serde::de::Visitor<'_> for SharedName {
    type Value = Arc<str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Arc<str>, E> {
        Ok(NAMES.with(|n| match n.borrow_mut().as_mut() {
            Some(names) => names.share(self.0, s),
            None => s.into(),
        }))
    }
}

/// A temporal qualifier: a start, an end, or a point in time, as ISO-8601 prefixes
/// (`2024`, `2024-07`, `2024-07-04`). Reading one refuses any other date ([`is_iso_date`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct When {
    /// Holds from this date.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "iso_date"
    )]
    pub start: Option<String>,
    /// Holds until this date.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "iso_date"
    )]
    pub end: Option<String>,
    /// Happened at this date.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "iso_date"
    )]
    pub point: Option<String>,
}

fn iso_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let date = Option::<String>::deserialize(d)?;
    match &date {
        Some(s) if !is_iso_date(s) => Err(serde::de::Error::custom(format!(
            "'{s}' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"
        ))),
        _ => Ok(date),
    }
}

/// Whether `s` is a date as [`When`] writes them: a four-digit year, optionally a month
/// (01–12), optionally a day that exists in that month.
///
/// ```
/// use kg::model::is_iso_date;
/// assert!(is_iso_date("2024") && is_iso_date("2024-02") && is_iso_date("2024-02-29"));
/// assert!(!is_iso_date("zzzz-99") && !is_iso_date("2023-02-29") && !is_iso_date("2024-13"));
/// assert!(!is_iso_date("24") && !is_iso_date("2024-7") && !is_iso_date("2024-07-04T00"));
/// ```
pub fn is_iso_date(s: &str) -> bool {
    let number = |part: &str, digits: usize| {
        (part.len() == digits && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let mut parts = s.split('-');
    let Some(year) = parts.next().and_then(|p| number(p, 4)) else {
        return false;
    };
    let month = match parts.next() {
        None => return true,
        Some(p) => match number(p, 2) {
            Some(m @ 1..=12) => m,
            _ => return false,
        },
    };
    let day = match parts.next() {
        None => return true,
        Some(p) => match number(p, 2) {
            Some(d) => d,
            None => return false,
        },
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    parts.next().is_none() && (1..=days).contains(&day)
}

/// A probability kept in thousandths, so evidence stays `Eq`, `Ord` and `Hash`; written to
/// JSON as a number between 0 and 1.
///
/// ```
/// use kg::model::Confidence;
/// assert_eq!(Confidence::new(0.9).get(), 0.9);
/// assert_eq!(Confidence::combine([Confidence::new(0.5), Confidence::new(0.5)]).get(), 0.75);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Confidence(u16);

impl Confidence {
    /// From a probability (clamped to 0..=1).
    pub fn new(p: f64) -> Self {
        Confidence((p.clamp(0.0, 1.0) * 1000.0).round() as u16)
    }

    /// As a probability.
    pub fn get(self) -> f64 {
        f64::from(self.0) / 1000.0
    }

    /// Independent supports: 1 − Π(1 − pᵢ).
    pub fn combine(items: impl IntoIterator<Item = Confidence>) -> Confidence {
        let miss: f64 = items.into_iter().map(|c| 1.0 - c.get()).product();
        Confidence::new(1.0 - miss)
    }
}

impl Default for Confidence {
    fn default() -> Self {
        Confidence::new(0.9)
    }
}

impl Serialize for Confidence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.get())
    }
}

impl<'de> Deserialize<'de> for Confidence {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let p = f64::deserialize(d)?;
        if !(0.0..=1.0).contains(&p) {
            return Err(serde::de::Error::custom(format!(
                "confidence {p} is not between 0 and 1"
            )));
        }
        Ok(Confidence::new(p))
    }
}

/// One statement the text makes: `subject —relation→ object`, with its evidence.
///
/// Claims are what extraction returns for one document; the graph is a merge of claims.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Claim {
    /// Entity id of the subject.
    pub subject: String,
    /// The relation.
    pub relation: RelationKind,
    /// Entity id of the object.
    pub object: String,
    /// The sentence that states it.
    pub evidence: Evidence,
}

/// An edge of the graph: one (subject, relation, object) with all its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relation {
    /// The relation kind.
    pub kind: RelationKind,
    /// Every sentence that states it, sorted by document then offset.
    pub evidence: Vec<Evidence>,
}

impl Relation {
    /// Confidence in the edge: each distinct sentence counts once (its strongest reading),
    /// and independent sentences combine as 1 − Π(1 − pᵢ).
    pub fn confidence(&self) -> Confidence {
        // Sentences in first-seen order (the product's rounding depends on it). Most edges
        // have a few sentences, found by a scan; an edge stated by thousands of sentences
        // (one long article) finds each sentence's place through an index instead.
        const SCAN: usize = 16;
        let mut best: Vec<((&str, usize), Confidence)> = Vec::new();
        let mut place: std::collections::HashMap<(&str, usize), usize, crate::hash::FxBuild> =
            Default::default();
        for ev in &self.evidence {
            let key = (&*ev.document, ev.start);
            let found = if self.evidence.len() <= SCAN {
                best.iter().position(|(k, _)| *k == key)
            } else {
                place.get(&key).copied()
            };
            match found {
                Some(i) => best[i].1 = best[i].1.max(ev.confidence),
                None => {
                    if self.evidence.len() > SCAN {
                        place.insert(key, best.len());
                    }
                    best.push((key, ev.confidence));
                }
            }
        }
        Confidence::combine(best.into_iter().map(|(_, c)| c))
    }
}

/// Two claims that cannot both hold, kept side by side and reported, never resolved.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Conflict {
    /// Entity id of the shared subject.
    pub subject: String,
    /// Entity id of the shared object.
    pub object: String,
    /// The two incompatible relations.
    pub relations: [RelationKind; 2],
    /// Why they are incompatible (from the conflict table).
    pub reason: String,
}

/// Turns a name into a stable readable id: lowercase, words joined by `-`.
///
/// Letters of any script are kept, so CJK names get CJK ids.
///
/// ```
/// assert_eq!(kg::model::slug("Xi Jinping"), "xi-jinping");
/// assert_eq!(kg::model::slug("Chien-Fu Chen"), "chien-fu-chen");
/// assert_eq!(kg::model::slug("Taiwan 2050 Educational Foundation"), "taiwan-2050-educational-foundation");
/// assert_eq!(kg::model::slug("上海協力機構"), "上海協力機構");
/// ```
pub fn slug(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for ch in name.chars() {
        if ch.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(ch.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_whose_span_runs_backwards_or_whose_date_is_no_date_is_refused() {
        let ev = |start: usize, end: usize, when: &str| {
            format!(
                r#"{{"document": "a.txt", "sentence": "s", "start": {start}, "end": {end}, "rule": "r"{when}}}"#
            )
        };
        assert!(serde_json::from_str::<Evidence>(&ev(3, 3, "")).is_ok());
        let err = serde_json::from_str::<Evidence>(&ev(30, 20, "")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("evidence span 30..20 ends before it starts"),
            "{err}"
        );
        let ok = r#", "when": {"start": "2017", "end": "2024-02-29"}"#;
        assert!(serde_json::from_str::<Evidence>(&ev(0, 1, ok)).is_ok());
        let bad = r#", "when": {"point": "zzzz-99"}"#;
        let err = serde_json::from_str::<Evidence>(&ev(0, 1, bad)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("'zzzz-99' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)"),
            "{err}"
        );
    }

    #[test]
    fn kinds_round_trip_through_strings() {
        for k in EntityKind::ALL {
            assert_eq!(k.as_str().parse::<EntityKind>().unwrap(), k);
        }
        for r in RelationKind::ALL {
            assert_eq!(r.as_str().parse::<RelationKind>().unwrap(), r);
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
        assert_eq!(
            "organisation".parse::<EntityKind>().unwrap(),
            EntityKind::Organization
        );
        assert_eq!(
            "member_of".parse::<RelationKind>().unwrap(),
            RelationKind::MemberOf
        );
    }

    #[test]
    fn unknown_names_list_the_accepted_ones() {
        let err = "planet".parse::<EntityKind>().unwrap_err();
        assert!(err.to_string().contains("country, organization"));
    }

    #[test]
    fn names_are_shared_within_a_scope_only() {
        let item = |doc: &str, rule: &str| {
            format!(
                r#"{{"document": "{doc}", "sentence": "S.", "start": 0, "end": 2, "rule": "{rule}"}}"#
            )
        };
        let list = format!(
            "[{}, {}, {}, {}]",
            item("a.txt", "r1"),
            item("b.txt", "r1"),
            item("a.txt", "r2"),
            item("r1", "a.txt")
        );
        let read = || serde_json::from_str::<Vec<Evidence>>(&list).unwrap();
        let shared = sharing_names(read);
        // The last name of a field, an earlier one, and the same text in the other field.
        assert!(Arc::ptr_eq(&shared[0].rule, &shared[1].rule));
        assert!(Arc::ptr_eq(&shared[0].document, &shared[2].document));
        assert!(Arc::ptr_eq(&shared[0].rule, &shared[3].document));
        assert!(!Arc::ptr_eq(&shared[0].document, &shared[1].document));
        assert_eq!(&*shared[3].rule, "a.txt");
        let apart = read();
        assert!(!Arc::ptr_eq(&apart[0].rule, &apart[1].rule));
        assert_eq!(apart, shared);
    }

    #[test]
    fn slug_strips_punctuation() {
        assert_eq!(slug("“Shanghai Five”"), "shanghai-five");
        assert_eq!(slug("U.S."), "u-s");
        assert_eq!(slug("Türkiye"), "türkiye");
    }
}
