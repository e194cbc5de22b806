//! Scoring a graph against a gold annotation (`kg eval GOLD.json [GRAPH]`).
//!
//! This module owns the evaluation: reading gold files, mapping predicted nodes to gold
//! entities, and the entity and relation metrics. It is a faithful port of the team's
//! reference scorer `score.py` (copied to `tests/fixtures/eval/score.py`, where the
//! integration tests compare the two metric for metric): the same normalisation, the same
//! matching rules, the same report text and the same `--json` document, byte for byte.
//!
//! Matching, in short (see `score.py`'s docstring for the full rules):
//! * a node maps to a gold entity when its label, else one of its aliases, equals a gold name
//!   or alias after [`norm`] (NFKC, straight quotes, outer quotes stripped, case folded,
//!   whitespace collapsed), also tried without a leading "the ";
//! * entities: scored types only (country, organization, person, initiative); a true positive
//!   needs the gold entity's type; several nodes for one gold entity count once; nodes that
//!   map to unscored gold entities (place, event) are ignored;
//! * relations: scored relations only (member-of, observer-of, dialogue-partner-of, met-with,
//!   leads), reduced to (subject, relation, object) over gold names, met-with symmetric,
//!   duplicates once; an edge with an unmapped endpoint is a false positive.
//!
//! The graph is read leniently, as `score.py` reads it: any JSON object with `nodes`
//! (`id`, `label`/`name`, `type`, `aliases`) and `edges` (`source`, `target`, `relation`),
//! so graphs from other tools can be scored too.
//!
//! ```
//! use kg::eval::{Gold, score};
//! let gold = Gold::from_json_str(r#"{"entities": [
//!     {"name": "China", "type": "country"},
//!     {"name": "Shanghai Cooperation Organization", "type": "organization", "aliases": ["SCO"]}],
//!   "relations": [{"subject": "China", "relation": "member-of",
//!     "object": "Shanghai Cooperation Organization", "tier": "explicit", "evidence": "..."}]}"#,
//!     "gold.json").unwrap();
//! let graph = serde_json::json!({
//!     "nodes": [{"id": "cn", "label": "China", "type": "country"},
//!               {"id": "sco", "label": "the SCO", "type": "organization"}],
//!     "edges": [{"source": "cn", "target": "sco", "relation": "member_of"}]});
//! let report = score(&gold, &graph);
//! assert_eq!(report.summary_line(),
//!            "entity_f1=1.000 relation_p=1.000 relation_r=1.000 relation_f1=1.000");
//! ```

mod norm;
mod py;

pub use norm::{keys_for, norm, norm_rel, norm_type};

use crate::model::{EntityKind, RelationKind, Tier};
use py::Json;
use serde_json::{Map, Value};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::Path;

/// Entity types that enter the entity scores, in report order.
pub const SCORED_ENTITY_TYPES: [EntityKind; 4] = [
    EntityKind::Country,
    EntityKind::Organization,
    EntityKind::Person,
    EntityKind::Initiative,
];

/// Relations that enter the relation scores, in report order.
pub const SCORED_RELATIONS: [RelationKind; 5] = [
    RelationKind::MemberOf,
    RelationKind::ObserverOf,
    RelationKind::DialoguePartnerOf,
    RelationKind::MetWith,
    RelationKind::Leads,
];

/// Errors reading a gold or graph file.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// File name.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not valid JSON.
    #[error("{0}")]
    Syntax(#[from] crate::error::SyntaxError),
    /// The JSON does not have the shape a gold or graph file needs.
    #[error("{path}: {message}")]
    Shape {
        /// File name.
        path: String,
        /// What is wrong, with the JSON path of the offending value.
        message: String,
    },
}

fn read_json(path: &Path) -> Result<Value, EvalError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Io {
        path: name.clone(),
        source,
    })?;
    parse_json(&text, &name)
}

fn parse_json(text: &str, name: &str) -> Result<Value, EvalError> {
    serde_json::from_str(text)
        .map_err(|e| crate::error::SyntaxError::json(Some(name.into()), text, &e).into())
}

fn shape(path: &str, message: impl Into<String>) -> EvalError {
    EvalError::Shape {
        path: path.to_string(),
        message: message.into(),
    }
}

/// `d.get(key, default)`.
fn get<'a>(obj: &'a Map<String, Value>, key: &str, default: &'a Value) -> &'a Value {
    obj.get(key).unwrap_or(default)
}

/// `d.get(a, d.get(b, d.get(c)))`, the fallback chains `score.py` uses for ids and names.
fn get_chain<'a>(obj: &'a Map<String, Value>, keys: &[&str], default: &'a Value) -> &'a Value {
    keys.iter().find_map(|k| obj.get(*k)).unwrap_or(default)
}

const NULL: Value = Value::Null;

// ------------------------------------------------------------------------------- gold

/// One gold entity.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldEntity {
    /// Canonical name, the key relations refer to.
    pub name: String,
    /// The gold type when it is exactly one of the type names (`None` otherwise).
    pub kind: Option<EntityKind>,
    /// The type as written (Python's `str()` of it), for reports.
    pub type_text: String,
}

impl GoldEntity {
    /// Whether this entity enters the entity scores.
    pub fn is_scored(&self) -> bool {
        self.kind.is_some_and(|k| SCORED_ENTITY_TYPES.contains(&k))
    }
}

/// A (subject, relation, object) triple over gold entity names. Ordered as Python orders
/// the tuple of strings (relation by its name), so reports list triples in the same order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Triple {
    /// Subject name.
    pub subject: String,
    /// Relation.
    pub relation: RelationKind,
    /// Object name.
    pub object: String,
}

impl Triple {
    /// The canonical triple: a symmetric relation has the smaller name first.
    pub fn canon(subject: &str, relation: RelationKind, object: &str) -> Triple {
        let (s, o) = if relation == RelationKind::MetWith && object < subject {
            (object, subject)
        } else {
            (subject, object)
        };
        Triple {
            subject: s.to_string(),
            relation,
            object: o.to_string(),
        }
    }

    fn key(&self) -> (&str, &str, &str) {
        (&self.subject, self.relation.as_str(), &self.object)
    }
}

impl Ord for Triple {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for Triple {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The tier and evidence of a gold claim, as written in the gold file.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldClaim {
    /// The `tier` value (`"explicit"` when absent).
    pub tier: Value,
    /// The `evidence` value (`""` when absent).
    pub evidence: Value,
}

impl GoldClaim {
    /// The tier, when it is one of the two tier names.
    pub fn tier(&self) -> Option<Tier> {
        match self.tier.as_str() {
            Some("explicit") => Some(Tier::Explicit),
            Some("implied") => Some(Tier::Implied),
            _ => None,
        }
    }
}

/// A gold annotation: entities with their surface forms, and the scored relation triples.
#[derive(Debug, Clone, Default)]
pub struct Gold {
    entities: HashMap<String, GoldEntity>,
    index: HashMap<String, String>,
    scored: BTreeSet<String>,
    triples: BTreeMap<Triple, GoldClaim>,
}

impl Gold {
    /// Reads a gold file (see `GOLD_FORMAT.md` in the fixtures).
    pub fn load(path: &Path) -> Result<Gold, EvalError> {
        let name = path.display().to_string();
        Gold::from_value(&read_json(path)?, &name)
    }

    /// Parses gold JSON text; `name` is used in error messages.
    pub fn from_json_str(text: &str, name: &str) -> Result<Gold, EvalError> {
        Gold::from_value(&parse_json(text, name)?, name)
    }

    /// Builds the gold from parsed JSON. Fails where `score.py` would fail (a missing name or
    /// relation, a non-list of entities) and where names are not strings.
    pub fn from_value(data: &Value, name: &str) -> Result<Gold, EvalError> {
        let data = data
            .as_object()
            .ok_or_else(|| shape(name, "the gold must be a JSON object"))?;
        let mut gold = Gold::default();
        let empty = Value::Array(vec![]);
        let entities = get(data, "entities", &empty)
            .as_array()
            .ok_or_else(|| shape(name, "\"entities\" must be an array"))?;
        for (i, e) in entities.iter().enumerate() {
            let e = e
                .as_object()
                .ok_or_else(|| shape(name, format!("entities[{i}] must be an object")))?;
            let ename = e
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| shape(name, format!("entities[{i}] needs a string \"name\"")))?;
            let ty = get(e, "type", &NULL);
            let kind = ty
                .as_str()
                .and_then(|t| EntityKind::ALL.into_iter().find(|k| k.as_str() == t));
            gold.entities.insert(
                ename.to_string(),
                GoldEntity {
                    name: ename.to_string(),
                    kind,
                    type_text: py::str_of(ty),
                },
            );
            let aliases = py::list_or_empty(get(e, "aliases", &empty)).ok_or_else(|| {
                shape(
                    name,
                    format!("entities[{i}].aliases must be a list of names"),
                )
            })?;
            let forms = std::iter::once(Value::String(ename.to_string())).chain(aliases);
            for form in forms {
                for k in norm::keys_for_value(&form) {
                    gold.index.entry(k).or_insert_with(|| ename.to_string());
                }
            }
        }
        gold.scored = gold
            .entities
            .values()
            .filter(|e| e.is_scored())
            .map(|e| e.name.clone())
            .collect();
        let relations = get(data, "relations", &empty)
            .as_array()
            .ok_or_else(|| shape(name, "\"relations\" must be an array"))?;
        for (i, r) in relations.iter().enumerate() {
            let r = r
                .as_object()
                .ok_or_else(|| shape(name, format!("relations[{i}] must be an object")))?;
            let rel = r
                .get("relation")
                .ok_or_else(|| shape(name, format!("relations[{i}] needs a \"relation\"")))?;
            let Some(rel) = rel
                .as_str()
                .and_then(|s| SCORED_RELATIONS.into_iter().find(|k| k.as_str() == s))
            else {
                continue;
            };
            let end = |key: &str| {
                r.get(key)
                    .and_then(Value::as_str)
                    .ok_or_else(|| shape(name, format!("relations[{i}] needs a string \"{key}\"")))
            };
            let triple = Triple::canon(end("subject")?, rel, end("object")?);
            let explicit = r.get("tier").and_then(Value::as_str) == Some("explicit");
            let claim = GoldClaim {
                tier: get(r, "tier", &Value::String("explicit".into())).clone(),
                evidence: get(r, "evidence", &Value::String(String::new())).clone(),
            };
            match gold.triples.get(&triple) {
                Some(old) if old.tier.as_str() == Some("explicit") || !explicit => {}
                _ => {
                    gold.triples.insert(triple, claim);
                }
            }
        }
        Ok(gold)
    }

    /// The gold entity a list of surface forms maps to: the first form with a known key.
    pub fn lookup(&self, forms: &[Value]) -> Option<&str> {
        forms
            .iter()
            .flat_map(norm::keys_for_value)
            .find_map(|k| self.index.get(&k))
            .map(String::as_str)
    }

    /// The entity with this name.
    pub fn entity(&self, name: &str) -> Option<&GoldEntity> {
        self.entities.get(name)
    }

    /// Names of the scored entities, sorted.
    pub fn scored_entities(&self) -> impl Iterator<Item = &str> {
        self.scored.iter().map(String::as_str)
    }

    /// The scored relation triples with their tier and evidence, sorted.
    pub fn triples(&self) -> impl Iterator<Item = (&Triple, &GoldClaim)> {
        self.triples.iter()
    }
}

// ------------------------------------------------------------------------------- graph

/// Reads a graph file leniently: any JSON object whose `nodes` and `edges` are lists of
/// objects (see [`check_graph`]). Syntax errors carry `file:line:column`.
pub fn load_graph(path: &Path) -> Result<Value, EvalError> {
    let name = path.display().to_string();
    let value = read_json(path)?;
    check_graph(&value, &name)?;
    Ok(value)
}

/// Checks that a graph value can be scored the way `score.py` reads it: an object whose
/// `nodes` and `edges` (when present and not empty) are lists of objects, with node
/// `aliases` a list (or empty).
pub fn check_graph(graph: &Value, name: &str) -> Result<(), EvalError> {
    let obj = graph
        .as_object()
        .ok_or_else(|| shape(name, "the graph must be a JSON object"))?;
    for key in ["nodes", "edges"] {
        let items = get(obj, key, &NULL);
        if !py::truthy(items) {
            continue;
        }
        let items = items
            .as_array()
            .ok_or_else(|| shape(name, format!("\"{key}\" must be an array")))?;
        for (i, item) in items.iter().enumerate() {
            let item = item
                .as_object()
                .ok_or_else(|| shape(name, format!("{key}[{i}] must be an object")))?;
            if key == "nodes" && py::list_or_empty(get(item, "aliases", &NULL)).is_none() {
                return Err(shape(name, format!("nodes[{i}].aliases must be a list")));
            }
        }
    }
    Ok(())
}

fn items<'a>(graph: &'a Value, key: &str) -> impl Iterator<Item = &'a Map<String, Value>> {
    graph
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

// ------------------------------------------------------------------------------- report

/// Precision, recall and F1 with `score.py`'s conventions for empty sets.
fn prf(tp: usize, npred: usize, ngold: usize) -> (f64, f64, f64) {
    let (tp, np, ng) = (tp as f64, npred as f64, ngold as f64);
    let p = if npred > 0 {
        tp / np
    } else if ngold == 0 {
        1.0
    } else {
        0.0
    };
    let r = if ngold > 0 { tp / ng } else { 1.0 };
    let f = if p + r != 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// Entity scores for one type.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityTypeScores {
    /// The type.
    pub kind: EntityKind,
    /// Gold entities of this type.
    pub gold: usize,
    /// True positives.
    pub tp: usize,
    /// False positives predicted with this type.
    pub fp: usize,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

/// Entity scores.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityScores {
    /// Scored gold entities.
    pub gold: usize,
    /// True positives (gold entities found with the right type).
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// Share of scored gold entities some node (of any type) maps to.
    pub untyped_recall: f64,
    /// Count behind `untyped_recall`.
    pub untyped_found: usize,
    /// Extra nodes mapping to an already found gold entity.
    pub duplicates: usize,
    /// Scored-type nodes mapping to unscored gold entities (place, event).
    pub ignored_unscored_gold: usize,
    /// Per scored type, in [`SCORED_ENTITY_TYPES`] order.
    pub by_type: Vec<EntityTypeScores>,
}

/// Recall for one tier of gold relations.
#[derive(Debug, Clone, PartialEq)]
pub struct TierScores {
    /// Gold triples of this tier.
    pub gold: usize,
    /// Found.
    pub tp: usize,
    /// `tp / gold`, `None` when the tier has no gold triple.
    pub recall: Option<f64>,
}

/// Recall by tier.
#[derive(Debug, Clone, PartialEq)]
pub struct Tiers {
    /// Claims one sentence states with both ends named.
    pub explicit: TierScores,
    /// Claims that need coreference or inference.
    pub implied: TierScores,
}

/// Relation scores for one relation.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationTypeScores {
    /// The relation.
    pub relation: RelationKind,
    /// Gold triples.
    pub gold: usize,
    /// Predicted triples, unmapped ones included.
    pub pred: usize,
    /// True positives.
    pub tp: usize,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
}

/// Relation scores.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationScores {
    /// Gold triples.
    pub gold: usize,
    /// Distinct predicted triples, unmapped ones included.
    pub pred: usize,
    /// True positives.
    pub tp: usize,
    /// False positives.
    pub fp: usize,
    /// Predicted edges with an endpoint that maps to no gold entity (distinct).
    pub unmapped_pred: usize,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// Recall by tier.
    pub by_tier: Tiers,
    /// Per scored relation, in [`SCORED_RELATIONS`] order.
    pub by_relation: Vec<RelationTypeScores>,
}

/// Why a node is an entity false positive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FpReason {
    /// No gold entity has its label or aliases.
    NoGoldEntity,
    /// It maps to a gold entity of another scored type.
    WrongType {
        /// The gold entity.
        gold: String,
        /// Its type.
        gold_kind: EntityKind,
    },
}

impl fmt::Display for FpReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FpReason::NoGoldEntity => f.write_str("no gold entity"),
            FpReason::WrongType { gold, gold_kind } => {
                write!(f, "maps to {} of type {gold_kind}", py::repr_str(gold))
            }
        }
    }
}

/// A predicted node counted as an entity false positive.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityFalsePositive {
    /// The node's label as written.
    pub label: Value,
    /// Its (scored) type.
    pub kind: EntityKind,
    /// Why it is wrong.
    pub reason: FpReason,
}

/// A node whose gold entity was already found.
#[derive(Debug, Clone, PartialEq)]
pub struct DuplicateNode {
    /// The node's label as written.
    pub label: Value,
    /// The gold entity.
    pub gold: String,
}

/// A scored-type node mapping to an unscored gold entity.
#[derive(Debug, Clone, PartialEq)]
pub struct IgnoredNode {
    /// The node's label as written.
    pub label: Value,
    /// The node's type.
    pub kind: EntityKind,
    /// The gold entity.
    pub gold: String,
    /// The gold entity's type as written.
    pub gold_type: String,
}

/// A scored gold entity no node of the right type found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityMiss {
    /// Gold name.
    pub name: String,
    /// Gold type.
    pub kind: EntityKind,
}

/// A predicted edge with an endpoint that maps to no gold entity, by raw labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmappedEdge {
    /// Subject label (or reference) as written.
    pub subject: String,
    /// Relation.
    pub relation: RelationKind,
    /// Object label (or reference) as written.
    pub object: String,
}

/// A gold triple no edge found, with its tier and evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationMiss {
    /// The triple.
    pub triple: Triple,
    /// Tier and evidence from the gold.
    pub claim: GoldClaim,
}

/// The scores of one graph against one gold, with the lists behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Entity scores.
    pub entity: EntityScores,
    /// Relation scores.
    pub relation: RelationScores,
    /// Entity false positives, in node order.
    pub entity_false_positives: Vec<EntityFalsePositive>,
    /// Missed scored gold entities, sorted by name.
    pub entity_misses: Vec<EntityMiss>,
    /// Duplicate nodes, in node order.
    pub duplicates: Vec<DuplicateNode>,
    /// Nodes ignored because they map to unscored gold entities, in node order.
    pub ignored: Vec<IgnoredNode>,
    /// Predicted triples over gold entities that are not gold, sorted.
    pub relation_false_positives: Vec<Triple>,
    /// Predicted edges with an unmapped endpoint, sorted by normalised labels.
    pub unmapped_edges: Vec<UnmappedEdge>,
    /// Missed gold triples, sorted.
    pub relation_misses: Vec<RelationMiss>,
}

/// Scores a graph (any JSON object with `nodes` and `edges`, read as `score.py` reads it)
/// against the gold. Nodes or edges that are not JSON objects are skipped; [`load_graph`]
/// rejects them up front.
pub fn score(gold: &Gold, graph: &Value) -> Report {
    // Node ids as Python's str() of `id`, else `label`, else `name`.
    let node_id =
        |n: &Map<String, Value>| py::str_of(get_chain(n, &["id", "label", "name"], &NULL));
    let node_label = |n: &Map<String, Value>, id: &Value| -> Value {
        get_chain(n, &["label", "name"], id).clone()
    };
    let mut node_by_id: HashMap<String, &Map<String, Value>> = HashMap::new();
    let mut node_map: HashMap<String, Option<&str>> = HashMap::new();
    for n in items(graph, "nodes") {
        let id_value = get_chain(n, &["id", "label", "name"], &NULL);
        let mut forms = vec![node_label(n, id_value)];
        forms.extend(py::list_or_empty(get(n, "aliases", &NULL)).unwrap_or_default());
        let id = node_id(n);
        node_map.insert(id.clone(), gold.lookup(&forms));
        node_by_id.insert(id, n);
    }

    // ---- entities
    let mut ent_tp: BTreeSet<&str> = BTreeSet::new();
    let mut ent_fp = Vec::new();
    let mut duplicates = Vec::new();
    let mut ignored = Vec::new();
    let mut untyped_found: BTreeSet<&str> = BTreeSet::new();
    for n in items(graph, "nodes") {
        let id = node_id(n);
        let label = node_label(n, get_chain(n, &["id", "label", "name"], &NULL));
        let ptype = norm::norm_type(get(n, "type", &Value::String(String::new())));
        let g = node_map.get(&id).copied().flatten();
        if let Some(g) = g.filter(|g| gold.scored.contains(*g)) {
            untyped_found.insert(g);
        }
        let Some(kind) = SCORED_ENTITY_TYPES
            .into_iter()
            .find(|k| k.as_str() == ptype)
        else {
            continue;
        };
        let Some(g) = g else {
            ent_fp.push(EntityFalsePositive {
                label,
                kind,
                reason: FpReason::NoGoldEntity,
            });
            continue;
        };
        let gent = &gold.entities[g];
        let gkind = match gent.kind {
            Some(k) if gent.is_scored() => k,
            _ => {
                ignored.push(IgnoredNode {
                    label,
                    kind,
                    gold: g.to_string(),
                    gold_type: gent.type_text.clone(),
                });
                continue;
            }
        };
        if gkind != kind {
            ent_fp.push(EntityFalsePositive {
                label,
                kind,
                reason: FpReason::WrongType {
                    gold: g.to_string(),
                    gold_kind: gkind,
                },
            });
            continue;
        }
        if !ent_tp.insert(g) {
            duplicates.push(DuplicateNode {
                label,
                gold: g.to_string(),
            });
        }
    }
    let n_gold_ent = gold.scored.len();
    let (ep, er, ef) = prf(ent_tp.len(), ent_tp.len() + ent_fp.len(), n_gold_ent);
    let untyped_recall = if n_gold_ent > 0 {
        untyped_found.len() as f64 / n_gold_ent as f64
    } else {
        1.0
    };
    let gold_kind = |name: &str| {
        gold.entities[name]
            .kind
            .expect("scored entities have a type")
    };
    let entity_misses: Vec<EntityMiss> = gold
        .scored
        .iter()
        .filter(|n| !ent_tp.contains(n.as_str()))
        .map(|n| EntityMiss {
            name: n.clone(),
            kind: gold_kind(n),
        })
        .collect();
    let by_type = SCORED_ENTITY_TYPES
        .into_iter()
        .map(|t| {
            let g_t = gold.scored.iter().filter(|n| gold_kind(n) == t).count();
            let tp_t = ent_tp.iter().filter(|n| gold_kind(n) == t).count();
            let fp_t = ent_fp.iter().filter(|x| x.kind == t).count();
            let (precision, recall, f1) = prf(tp_t, tp_t + fp_t, g_t);
            EntityTypeScores {
                kind: t,
                gold: g_t,
                tp: tp_t,
                fp: fp_t,
                precision,
                recall,
                f1,
            }
        })
        .collect();
    let entity = EntityScores {
        gold: n_gold_ent,
        tp: ent_tp.len(),
        fp: ent_fp.len(),
        precision: ep,
        recall: er,
        f1: ef,
        untyped_recall,
        untyped_found: untyped_found.len(),
        duplicates: duplicates.len(),
        ignored_unscored_gold: ignored.len(),
        by_type,
    };

    // ---- relations
    let mut pred_triples: BTreeSet<Triple> = BTreeSet::new();
    let mut pred_unmapped: BTreeMap<(String, &'static str, String), UnmappedEdge> = BTreeMap::new();
    for e in items(graph, "edges") {
        let rel_name = norm::norm_rel(get_chain(e, &["relation", "type", "label"], &NULL));
        let Some(rel) = SCORED_RELATIONS
            .into_iter()
            .find(|k| k.as_str() == rel_name)
        else {
            continue;
        };
        let mut ends: [Option<&str>; 2] = [None, None];
        let mut raw: [String; 2] = [String::new(), String::new()];
        for (i, key) in ["source", "target"].into_iter().enumerate() {
            let mut reference = get(e, key, &NULL);
            if let Some(obj) = reference.as_object() {
                reference = get_chain(obj, &["id", "label"], &NULL);
            }
            let reference = py::str_of(reference);
            if let Some(n) = node_by_id.get(&reference) {
                let fallback = Value::String(reference.clone());
                raw[i] = py::str_of(get_chain(n, &["label", "name"], &fallback));
                ends[i] = node_map[&reference];
            } else {
                ends[i] = gold.lookup(&[Value::String(reference.clone())]);
                raw[i] = reference;
            }
        }
        match ends {
            [Some(s), Some(o)] => {
                pred_triples.insert(Triple::canon(s, rel, o));
            }
            _ => {
                let [mut a, mut b] = raw;
                if rel == RelationKind::MetWith && norm(&b) < norm(&a) {
                    std::mem::swap(&mut a, &mut b);
                }
                pred_unmapped
                    .entry((norm(&a), rel.as_str(), norm(&b)))
                    .or_insert(UnmappedEdge {
                        subject: a,
                        relation: rel,
                        object: b,
                    });
            }
        }
    }
    let gold_triples = &gold.triples;
    let rel_tp = pred_triples
        .iter()
        .filter(|t| gold_triples.contains_key(*t))
        .count();
    let relation_false_positives: Vec<Triple> = pred_triples
        .iter()
        .filter(|t| !gold_triples.contains_key(*t))
        .cloned()
        .collect();
    let n_pred_rel = pred_triples.len() + pred_unmapped.len();
    let (rp, rr, rf) = prf(rel_tp, n_pred_rel, gold_triples.len());
    let relation_misses: Vec<RelationMiss> = gold_triples
        .iter()
        .filter(|(t, _)| !pred_triples.contains(*t))
        .map(|(t, c)| RelationMiss {
            triple: t.clone(),
            claim: c.clone(),
        })
        .collect();
    let tier = |name: &str| {
        let g_t: Vec<&Triple> = gold_triples
            .iter()
            .filter(|(_, c)| c.tier.as_str() == Some(name))
            .map(|(t, _)| t)
            .collect();
        let hit = g_t.iter().filter(|t| pred_triples.contains(**t)).count();
        TierScores {
            gold: g_t.len(),
            tp: hit,
            recall: (!g_t.is_empty()).then(|| hit as f64 / g_t.len() as f64),
        }
    };
    let by_tier = Tiers {
        explicit: tier("explicit"),
        implied: tier("implied"),
    };
    let by_relation = SCORED_RELATIONS
        .into_iter()
        .map(|rel| {
            let g_r = gold_triples.keys().filter(|t| t.relation == rel).count();
            let p_r = pred_triples.iter().filter(|t| t.relation == rel).count();
            let u_r = pred_unmapped.keys().filter(|k| k.1 == rel.as_str()).count();
            let tp_r = pred_triples
                .iter()
                .filter(|t| t.relation == rel && gold_triples.contains_key(*t))
                .count();
            let (precision, recall, f1) = prf(tp_r, p_r + u_r, g_r);
            RelationTypeScores {
                relation: rel,
                gold: g_r,
                pred: p_r + u_r,
                tp: tp_r,
                precision,
                recall,
                f1,
            }
        })
        .collect();
    let relation = RelationScores {
        gold: gold_triples.len(),
        pred: n_pred_rel,
        tp: rel_tp,
        fp: n_pred_rel - rel_tp,
        unmapped_pred: pred_unmapped.len(),
        precision: rp,
        recall: rr,
        f1: rf,
        by_tier,
        by_relation,
    };

    Report {
        entity,
        relation,
        entity_false_positives: ent_fp,
        entity_misses,
        duplicates,
        ignored,
        relation_false_positives,
        unmapped_edges: pred_unmapped.into_values().collect(),
        relation_misses,
    }
}

/// `"%.3f"`, or `"  n/a"` for no value.
fn fmt3(x: Option<f64>) -> String {
    x.map_or_else(|| "  n/a".to_string(), |x| format!("{x:.3}"))
}

impl Report {
    /// The one-line summary: `entity_f1=… relation_p=… relation_r=… relation_f1=…`.
    pub fn summary_line(&self) -> String {
        format!(
            "entity_f1={:.3} relation_p={:.3} relation_r={:.3} relation_f1={:.3}",
            self.entity.f1, self.relation.precision, self.relation.recall, self.relation.f1
        )
    }

    /// The human report `score.py` prints, summary line last; `verbose` adds the false
    /// positives and misses (misses with their gold evidence).
    pub fn to_text(&self, verbose: bool) -> String {
        use std::fmt::Write as _;
        let mut o = String::new();
        let (e, r) = (&self.entity, &self.relation);
        let types: Vec<&str> = SCORED_ENTITY_TYPES.iter().map(|k| k.as_str()).collect();
        let _ = writeln!(o, "ENTITIES (scored types: {})", types.join(", "));
        let _ = writeln!(
            o,
            "  {:<14} {:>5} {:>5} {:>5}  {:>6} {:>6} {:>6}",
            "type", "gold", "tp", "fp", "P", "R", "F1"
        );
        let ent_row = |o: &mut String, name: &str, g, tp, fp, p, rc, f| {
            let _ = writeln!(
                o,
                "  {name:<14} {g:>5} {tp:>5} {fp:>5}  {:>6} {:>6} {:>6}",
                fmt3(Some(p)),
                fmt3(Some(rc)),
                fmt3(Some(f))
            );
        };
        for v in &e.by_type {
            ent_row(
                &mut o,
                v.kind.as_str(),
                v.gold,
                v.tp,
                v.fp,
                v.precision,
                v.recall,
                v.f1,
            );
        }
        ent_row(
            &mut o,
            "ALL",
            e.gold,
            e.tp,
            e.fp,
            e.precision,
            e.recall,
            e.f1,
        );
        let _ = writeln!(
            o,
            "  untyped match recall: {} ({}/{})   duplicate nodes: {}   ignored (unscored gold): {}",
            fmt3(Some(e.untyped_recall)),
            e.untyped_found,
            e.gold,
            e.duplicates,
            e.ignored_unscored_gold
        );
        o.push('\n');
        let rels: Vec<&str> = SCORED_RELATIONS.iter().map(|k| k.as_str()).collect();
        let _ = writeln!(o, "RELATIONS (scored: {})", rels.join(", "));
        let _ = writeln!(
            o,
            "  {:<20} {:>5} {:>5} {:>5}  {:>6} {:>6} {:>6}",
            "relation", "gold", "pred", "tp", "P", "R", "F1"
        );
        let rel_row = |o: &mut String, name: &str, g, pred, tp, p, rc, f| {
            let _ = writeln!(
                o,
                "  {name:<20} {g:>5} {pred:>5} {tp:>5}  {:>6} {:>6} {:>6}",
                fmt3(Some(p)),
                fmt3(Some(rc)),
                fmt3(Some(f))
            );
        };
        for v in &r.by_relation {
            rel_row(
                &mut o,
                v.relation.as_str(),
                v.gold,
                v.pred,
                v.tp,
                v.precision,
                v.recall,
                v.f1,
            );
        }
        rel_row(
            &mut o,
            "ALL",
            r.gold,
            r.pred,
            r.tp,
            r.precision,
            r.recall,
            r.f1,
        );
        let tiers: Vec<String> = [
            ("explicit", &r.by_tier.explicit),
            ("implied", &r.by_tier.implied),
        ]
        .iter()
        .map(|(t, v)| format!("{t} {} ({}/{})", fmt3(v.recall), v.tp, v.gold))
        .collect();
        let _ = writeln!(o, "  recall by tier: {}", tiers.join("   "));
        let _ = writeln!(
            o,
            "  predicted edges with an unmapped endpoint: {}",
            r.unmapped_pred
        );
        if verbose {
            o.push('\n');
            let fps = &self.entity_false_positives;
            let _ = writeln!(o, "ENTITY FALSE POSITIVES ({})", fps.len());
            for x in fps {
                let _ = writeln!(o, "  - {} [{}]: {}", py::repr(&x.label), x.kind, x.reason);
            }
            let _ = writeln!(o, "ENTITY MISSES ({})", self.entity_misses.len());
            for m in &self.entity_misses {
                let _ = writeln!(o, "  - {} [{}]", py::repr_str(&m.name), m.kind);
            }
            if !self.duplicates.is_empty() {
                let _ = writeln!(o, "DUPLICATE NODES ({})", self.duplicates.len());
                for d in &self.duplicates {
                    let _ = writeln!(o, "  - {} -> {}", py::repr(&d.label), py::repr_str(&d.gold));
                }
            }
            if !self.ignored.is_empty() {
                let _ = writeln!(
                    o,
                    "IGNORED NODES mapping to unscored gold entities ({})",
                    self.ignored.len()
                );
                for x in &self.ignored {
                    let _ = writeln!(
                        o,
                        "  - {} [{}] -> {} [{}]",
                        py::repr(&x.label),
                        x.kind,
                        py::repr_str(&x.gold),
                        x.gold_type
                    );
                }
            }
            let n_fp = self.relation_false_positives.len() + self.unmapped_edges.len();
            let _ = writeln!(o, "RELATION FALSE POSITIVES ({n_fp})");
            for t in &self.relation_false_positives {
                let _ = writeln!(o, "  - {} --{}--> {}", t.subject, t.relation, t.object);
            }
            for t in &self.unmapped_edges {
                let _ = writeln!(
                    o,
                    "  - {} --{}--> {}   (unmapped endpoint)",
                    t.subject, t.relation, t.object
                );
            }
            let _ = writeln!(o, "RELATION MISSES ({})", self.relation_misses.len());
            for m in &self.relation_misses {
                let t = &m.triple;
                let _ = writeln!(
                    o,
                    "  - [{}] {} --{}--> {}\n      evidence: {}",
                    py::str_of(&m.claim.tier),
                    t.subject,
                    t.relation,
                    t.object,
                    py::str_of(&m.claim.evidence)
                );
            }
        }
        o.push('\n');
        o.push_str(&self.summary_line());
        o.push('\n');
        o
    }

    /// The metrics as the JSON document `score.py --json` prints (same keys, order and
    /// number spelling), with a trailing newline; `verbose` adds `details`.
    pub fn to_json(&self, verbose: bool) -> String {
        let (e, r) = (&self.entity, &self.relation);
        let by_type = e.by_type.iter().map(|v| {
            (
                v.kind.as_str(),
                Json::obj([
                    ("gold", Json::Int(v.gold)),
                    ("tp", Json::Int(v.tp)),
                    ("fp", Json::Int(v.fp)),
                    ("precision", Json::Float(v.precision)),
                    ("recall", Json::Float(v.recall)),
                    ("f1", Json::Float(v.f1)),
                ]),
            )
        });
        let entity = Json::obj([
            ("gold", Json::Int(e.gold)),
            ("tp", Json::Int(e.tp)),
            ("fp", Json::Int(e.fp)),
            ("precision", Json::Float(e.precision)),
            ("recall", Json::Float(e.recall)),
            ("f1", Json::Float(e.f1)),
            ("untyped_recall", Json::Float(e.untyped_recall)),
            ("untyped_found", Json::Int(e.untyped_found)),
            ("duplicates", Json::Int(e.duplicates)),
            ("ignored_unscored_gold", Json::Int(e.ignored_unscored_gold)),
            ("by_type", Json::obj(by_type)),
        ]);
        let tier = |t: &TierScores| {
            Json::obj([
                ("gold", Json::Int(t.gold)),
                ("tp", Json::Int(t.tp)),
                ("recall", Json::opt_float(t.recall)),
            ])
        };
        let by_relation = r.by_relation.iter().map(|v| {
            (
                v.relation.as_str(),
                Json::obj([
                    ("gold", Json::Int(v.gold)),
                    ("pred", Json::Int(v.pred)),
                    ("tp", Json::Int(v.tp)),
                    ("precision", Json::Float(v.precision)),
                    ("recall", Json::Float(v.recall)),
                    ("f1", Json::Float(v.f1)),
                ]),
            )
        });
        let relation = Json::obj([
            ("gold", Json::Int(r.gold)),
            ("pred", Json::Int(r.pred)),
            ("tp", Json::Int(r.tp)),
            ("fp", Json::Int(r.fp)),
            ("unmapped_pred", Json::Int(r.unmapped_pred)),
            ("precision", Json::Float(r.precision)),
            ("recall", Json::Float(r.recall)),
            ("f1", Json::Float(r.f1)),
            (
                "by_tier",
                Json::obj([
                    ("explicit", tier(&r.by_tier.explicit)),
                    ("implied", tier(&r.by_tier.implied)),
                ]),
            ),
            ("by_relation", Json::obj(by_relation)),
        ]);
        let mut out = vec![
            ("entity".to_string(), entity),
            ("relation".to_string(), relation),
            ("summary".to_string(), Json::Str(self.summary_line())),
        ];
        if verbose {
            out.push(("details".to_string(), self.details_json()));
        }
        let mut text = Json::Obj(out).dumps();
        text.push('\n');
        text
    }

    fn details_json(&self) -> Json {
        let s = |x: &str| Json::Str(x.to_string());
        let fps = self.entity_false_positives.iter().map(|x| {
            Json::obj([
                ("label", Json::Raw(x.label.clone())),
                ("type", s(x.kind.as_str())),
                ("why", Json::Str(x.reason.to_string())),
            ])
        });
        let rel_fps = self
            .relation_false_positives
            .iter()
            .map(|t| Json::Arr(vec![s(&t.subject), s(t.relation.as_str()), s(&t.object)]))
            .chain(self.unmapped_edges.iter().map(|t| {
                Json::Arr(vec![
                    s(&t.subject),
                    s(t.relation.as_str()),
                    s(&t.object),
                    s("unmapped"),
                ])
            }));
        let misses = self.relation_misses.iter().map(|m| {
            Json::obj([
                ("subject", s(&m.triple.subject)),
                ("relation", s(m.triple.relation.as_str())),
                ("object", s(&m.triple.object)),
                ("tier", Json::Raw(m.claim.tier.clone())),
                ("evidence", Json::Raw(m.claim.evidence.clone())),
            ])
        });
        Json::obj([
            ("entity_false_positives", Json::Arr(fps.collect())),
            (
                "entity_misses",
                Json::Arr(self.entity_misses.iter().map(|m| s(&m.name)).collect()),
            ),
            ("relation_false_positives", Json::Arr(rel_fps.collect())),
            ("relation_misses", Json::Arr(misses.collect())),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn gold() -> Gold {
        Gold::from_value(
            &json!({"document": "mini.txt", "entities": [
                {"name": "Shanghai Cooperation Organization", "type": "organization",
                 "aliases": ["SCO", "the Shanghai Five"]},
                {"name": "China", "type": "country", "aliases": []},
                {"name": "Mongolia", "type": "country"},
                {"name": "Côte d'Ivoire", "type": "country", "aliases": ["Ivory Coast"]},
                {"name": "Xi Jinping", "type": "person", "aliases": ["Xi"]},
                {"name": "Vladimir Putin", "type": "person", "aliases": ["Putin"]},
                {"name": "Beijing", "type": "place"}],
              "relations": [
                {"subject": "China", "relation": "member-of",
                 "object": "Shanghai Cooperation Organization", "tier": "explicit", "evidence": "a"},
                {"subject": "Mongolia", "relation": "observer-of",
                 "object": "Shanghai Cooperation Organization", "tier": "implied", "evidence": "b"},
                {"subject": "Xi Jinping", "relation": "met-with", "object": "Vladimir Putin",
                 "tier": "implied", "evidence": "c"},
                {"subject": "Vladimir Putin", "relation": "met-with", "object": "Xi Jinping",
                 "tier": "explicit", "evidence": "c2"},
                {"subject": "Xi Jinping", "relation": "leads", "object": "China",
                 "tier": "explicit", "evidence": "d"},
                {"subject": "Beijing", "relation": "located-in", "object": "China",
                 "tier": "explicit", "evidence": "e"}]}),
            "mini.gold.json",
        )
        .unwrap()
    }

    fn node(id: &str, label: &str, ty: &str) -> Value {
        json!({"id": id, "label": label, "type": ty})
    }

    fn edge(s: &str, rel: &str, o: &str) -> Value {
        json!({"source": s, "target": o, "relation": rel})
    }

    fn run(nodes: Vec<Value>, edges: Vec<Value>) -> Report {
        score(&gold(), &json!({"nodes": nodes, "edges": edges}))
    }

    #[test]
    fn gold_keeps_scored_triples_and_explicit_wins() {
        let g = gold();
        let triples: Vec<_> = g.triples().collect();
        // located-in is unscored; the two met-with lines are one symmetric triple.
        assert_eq!(triples.len(), 4);
        let met = Triple::canon("Xi Jinping", RelationKind::MetWith, "Vladimir Putin");
        assert_eq!(met.subject, "Vladimir Putin");
        let claim = &g.triples[&met];
        assert_eq!(claim.tier(), Some(Tier::Explicit));
        assert_eq!(claim.evidence, json!("c2"));
        assert_eq!(g.scored_entities().count(), 6);
        assert_eq!(
            g.lookup(&[json!("shanghai five")]),
            Some("Shanghai Cooperation Organization")
        );
    }

    #[test]
    fn the_stripping_case_and_quotes_map_nodes() {
        let r = run(
            vec![
                node(
                    "a",
                    "The SHANGHAI  COOPERATION Organization",
                    "organisation",
                ),
                node("b", "\u{201c}China\u{201d}", "country"),
                node("c", "Cote", "country"),
                node("d", "CÔTE d\u{2019}Ivoire", "country"),
                node("e", "Theresa", "person"),
            ],
            vec![],
        );
        assert_eq!(r.entity.tp, 3);
        assert_eq!(r.entity.fp, 2, "'Cote' and 'Theresa' match nothing");
        assert_eq!(r.entity_false_positives[0].label, json!("Cote"));
        assert_eq!(r.entity_false_positives[0].reason, FpReason::NoGoldEntity);
        assert_eq!(r.entity.precision, 0.6);
        assert_eq!(r.entity.recall, 0.5);
    }

    #[test]
    fn aliases_are_tried_after_the_label() {
        let r = run(
            vec![
                json!({"id": "x", "label": "Atlantis", "type": "person", "aliases": ["Mr Xi", "Xi"]}),
            ],
            vec![],
        );
        assert_eq!(r.entity.tp, 1);
        assert!(r.entity_misses.iter().all(|m| m.name != "Xi Jinping"));
    }

    #[test]
    fn wrong_type_is_a_false_positive_but_counts_for_untyped_recall() {
        let r = run(
            vec![
                node("cn", "China", "organization"),
                node("mn", "Mongolia", "city"),
            ],
            vec![],
        );
        assert_eq!(r.entity.tp, 0);
        assert_eq!(
            r.entity.fp, 1,
            "the unscored 'city' node does not enter precision"
        );
        assert_eq!(
            r.entity_false_positives[0].reason.to_string(),
            "maps to 'China' of type country"
        );
        assert_eq!(r.entity.untyped_found, 2);
        assert_eq!(r.entity.untyped_recall, 2.0 / 6.0);
        let org = &r.entity.by_type[1];
        assert_eq!(
            (org.kind, org.fp, org.precision),
            (EntityKind::Organization, 1, 0.0)
        );
    }

    #[test]
    fn duplicates_count_once_and_unscored_gold_is_ignored() {
        let r = run(
            vec![
                node("a", "China", "country"),
                node("b", "the china", "country"),
                node("c", "Beijing", "country"),
            ],
            vec![],
        );
        assert_eq!((r.entity.tp, r.entity.fp), (1, 0));
        assert_eq!(r.entity.duplicates, 1);
        assert_eq!(r.duplicates[0].label, json!("the china"));
        assert_eq!(r.entity.ignored_unscored_gold, 1);
        assert_eq!(r.ignored[0].gold_type, "place");
        assert_eq!(r.entity.precision, 1.0);
    }

    #[test]
    fn met_with_is_symmetric_and_duplicate_edges_count_once() {
        let nodes = vec![
            node("xi", "Xi", "person"),
            node("pu", "Putin", "person"),
            node("cn", "China", "country"),
        ];
        let r = run(
            nodes.clone(),
            vec![
                edge("xi", "met-with", "pu"),
                edge("pu", "met_with", "xi"),
                edge("pu", "metWith", "xi"),
                edge("xi", "leads", "cn"),
                edge("xi", "LEADS", "cn"),
            ],
        );
        assert_eq!((r.relation.pred, r.relation.tp, r.relation.fp), (2, 2, 0));
        assert_eq!(r.relation.by_tier.explicit.recall, Some(2.0 / 3.0));
        assert_eq!(r.relation.by_tier.implied.recall, Some(0.0));
        // A directed relation reversed is both a miss and a false positive.
        let r = run(nodes, vec![edge("cn", "leads", "xi")]);
        assert_eq!((r.relation.tp, r.relation.fp), (0, 1));
        assert_eq!(r.relation_false_positives[0].subject, "China");
        assert_eq!(r.relation_misses.len(), 4);
    }

    #[test]
    fn unmapped_endpoints_are_false_positives_keyed_by_raw_labels() {
        let r = run(
            vec![
                node("at", "Atlantis", "country"),
                node("cn", "China", "country"),
            ],
            vec![
                edge("at", "member-of", "SCO"),
                edge("at", "member_of", "the sco"),
                edge("Nowhere", "met-with", "Putin"),
                edge("putin", "met-with", "nowhere"),
                edge("cn", "member-of", "sco"),
                edge("cn", "hosted", "at"),
            ],
        );
        // Atlantis->SCO and Atlantis->the sco differ in normalised raw labels: two FPs.
        assert_eq!(r.relation.unmapped_pred, 3);
        assert_eq!(
            r.relation.tp, 1,
            "an endpoint that is not an id is looked up as a label"
        );
        assert_eq!(r.relation.pred, 4);
        let u = &r.unmapped_edges;
        assert_eq!(
            (u[0].subject.as_str(), u[0].object.as_str()),
            ("Atlantis", "SCO")
        );
        assert_eq!(
            (u[2].subject.as_str(), u[2].object.as_str()),
            ("Nowhere", "Putin")
        );
        let mr = &r.relation.by_relation[3];
        assert_eq!((mr.relation, mr.pred, mr.tp), (RelationKind::MetWith, 1, 0));
    }

    #[test]
    fn empty_graph_scores_zero_and_empty_gold_scores_one() {
        let r = run(vec![], vec![]);
        assert_eq!((r.entity.f1, r.relation.f1), (0.0, 0.0));
        assert_eq!(r.entity.precision, 0.0);
        let empty = Gold::from_value(&json!({"entities": [], "relations": []}), "g").unwrap();
        let r = score(&empty, &json!({}));
        assert_eq!(
            r.summary_line(),
            "entity_f1=1.000 relation_p=1.000 relation_r=1.000 relation_f1=1.000"
        );
        assert_eq!(r.relation.by_tier.explicit.recall, None);
        assert!(r.to_text(false).contains("explicit   n/a (0/0)"));
    }

    #[test]
    fn ids_fall_back_to_label_then_name() {
        let r = run(
            vec![
                json!({"label": "China", "type": "country"}),
                json!({"name": "SCO", "type": "org"}),
            ],
            vec![edge("China", "member-of", "SCO")],
        );
        assert_eq!((r.entity.tp, r.relation.tp), (2, 1));
    }

    #[test]
    fn embedded_node_objects_as_endpoints() {
        let r = run(
            vec![node("cn", "China", "country")],
            vec![
                json!({"source": {"id": "cn"}, "target": {"label": "SCO"}, "relation": "member of"}),
            ],
        );
        assert_eq!(r.relation.tp, 1);
    }

    #[test]
    fn reports_render_like_score_py() {
        let r = run(
            vec![
                node("xi", "Xi", "person"),
                node("at", "Atlantis", "country"),
            ],
            vec![edge("xi", "leads", "at")],
        );
        let text = r.to_text(true);
        assert!(text.contains("  - 'Atlantis' [country]: no gold entity\n"));
        assert!(text.contains("  - Xi --leads--> Atlantis   (unmapped endpoint)\n"));
        assert!(text.contains("  - [explicit] China --member-of--> Shanghai Cooperation Organization\n      evidence: a\n"));
        assert!(text.ends_with(&format!("\n\n{}\n", r.summary_line())));
        let j: Value = serde_json::from_str(&r.to_json(true)).unwrap();
        assert_eq!(j["entity"]["by_type"]["person"]["tp"], json!(1));
        assert_eq!(j["relation"]["by_tier"]["implied"]["recall"], json!(0.0));
        assert_eq!(
            j["details"]["relation_false_positives"][0][3],
            json!("unmapped")
        );
        assert_eq!(j["summary"], json!(r.summary_line()));
    }

    #[test]
    fn malformed_inputs_are_errors() {
        assert!(matches!(
            Gold::from_json_str("{\"entities\": [\n  {\"type\": \"country\"}]}", "g.json"),
            Err(EvalError::Shape { .. })
        ));
        match Gold::from_json_str("{\n  \"entities\": [,]}", "g.json") {
            Err(EvalError::Syntax(e)) => {
                assert_eq!((e.position.line, e.position.column), (2, 16))
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        assert!(check_graph(&json!([]), "g").is_err());
        assert!(check_graph(&json!({"nodes": [1]}), "g").is_err());
        assert!(check_graph(&json!({"nodes": [{"aliases": 3}]}), "g").is_err());
        assert!(check_graph(&json!({"nodes": null, "edges": [{}]}), "g").is_ok());
    }
}
