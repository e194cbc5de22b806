//! The query library's face: plain option structs in, `Serialize` results out.
//!
//! An [`Explorer`] holds one loaded graph with its name index and search scratch space, and
//! answers every question `kg` asks of a graph. The command line renders its results as text
//! or JSON; `kg serve` sends them as JSON. An empty answer (no path, no neighbour, no match)
//! is an `Ok` result with an empty list: whether that is a failure is the caller's decision.

use super::centrality::{Dense, Stats, stats};
use super::evidence::{ConflictIndex, EdgeView, EvidenceLimit, edge_view};
use super::paths::{self, Direction, Filter, Path, PathFinder};
use super::pattern::{self, Value};
use super::resolve::{Resolver, normalize};
use super::{QueryError, Selection};
use crate::graph::{KnowledgeGraph, MergeRecord};
use crate::model::{Conflict, Entity, EntityKind, RelationKind};
use petgraph::Direction::{Incoming, Outgoing};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};
use serde::Serialize;
use std::cell::{OnceCell, RefCell};
use std::collections::BTreeSet;

/// Largest neighbourhood depth.
pub const MAX_DEPTH: usize = 6;
/// Largest graph on which betweenness and closeness are computed (they cost O(n·m)).
pub const MAX_ALL_PAIRS_NODES: usize = 20_000;

/// An entity as results name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityRef {
    /// Entity id.
    pub id: String,
    /// Canonical name.
    pub label: String,
    /// Entity type.
    #[serde(rename = "type")]
    pub kind: EntityKind,
}

impl EntityRef {
    fn of(e: &Entity) -> Self {
        EntityRef {
            id: e.id.clone(),
            label: e.label.clone(),
            kind: e.kind,
        }
    }
}

/// Relation and type filters shared by paths and neighbourhoods.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Follow only these relations; empty means all.
    pub relations: Vec<RelationKind>,
    /// Pass only through entities of these types; empty means all. For paths the two
    /// endpoints are always allowed.
    pub types: Vec<EntityKind>,
}

/// Which paths to find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathMode {
    /// The `k` shortest simple paths (Yen), `k >= 1`.
    Shortest(usize),
    /// Every simple path of at most this many hops.
    AllUpTo(usize),
}

/// A path question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathQuery {
    /// Start entity (name, alias or id).
    pub from: String,
    /// End entity (name, alias or id).
    pub to: String,
    /// Follow the stored edge direction (symmetric relations still go both ways).
    pub directed: bool,
    /// Entities never passed through (names, aliases or ids).
    pub avoid: Vec<String>,
    /// Shortest or all.
    pub mode: PathMode,
    /// Relation and type filters.
    pub filters: Filters,
    /// Evidence sentences per edge.
    pub evidence: EvidenceLimit,
}

/// One hop of a path: the edge and whether the walk goes along its stored direction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathStep {
    /// The edge with its evidence.
    #[serde(flatten)]
    pub edge: EdgeView,
    /// `true` when the walk goes from the edge's source to its target.
    pub forward: bool,
}

/// One path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathView {
    /// The entities in walking order.
    pub nodes: Vec<EntityRef>,
    /// The hops, `nodes.len() - 1` of them.
    pub edges: Vec<PathStep>,
}

/// The answer to a [`PathQuery`]: empty `paths` when the endpoints are not connected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathResult {
    /// Start entity.
    pub from: EntityRef,
    /// End entity.
    pub to: EntityRef,
    /// The filters in force, in words (empty when none), for "no path" messages.
    pub filters: String,
    /// The paths, shortest first.
    pub paths: Vec<PathView>,
}

/// A neighbourhood question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighborsQuery {
    /// The centre (name, alias or id).
    pub name: String,
    /// Hops out, at most [`MAX_DEPTH`].
    pub depth: usize,
    /// Which edges to follow.
    pub direction: Direction,
    /// Relation and type filters.
    pub filters: Filters,
    /// Evidence sentences per edge.
    pub evidence: EvidenceLimit,
    /// Most neighbours listed (the first ones breadth first); `total` counts them all.
    pub limit: usize,
}

/// An entity reached from the centre.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Neighbor {
    /// The entity.
    #[serde(flatten)]
    pub entity: EntityRef,
    /// Hops from the centre.
    pub depth: usize,
    /// The entity it was reached from.
    pub from: String,
    /// The edge that first reached it, with evidence.
    pub via: PathStep,
}

/// The answer to a [`NeighborsQuery`], breadth first, each level in id order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Neighborhood {
    /// The centre.
    pub center: EntityRef,
    /// The depth asked for.
    pub depth: usize,
    /// How many entities were reached (more than `neighbors` holds when the limit cut).
    pub total: usize,
    /// The entities reached, at most the limit asked for.
    pub neighbors: Vec<Neighbor>,
}

/// A relation of an entity card, seen from the entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardRelation {
    /// The edge with evidence.
    #[serde(flatten)]
    pub edge: EdgeView,
    /// `true` when the entity is the edge's source.
    pub outgoing: bool,
}

/// Two relations between the same entities that cannot both hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictView {
    /// Entity id of the shared subject.
    pub subject: String,
    /// Its label.
    pub subject_label: String,
    /// Entity id of the shared object.
    pub object: String,
    /// Its label.
    pub object_label: String,
    /// The two incompatible relations.
    pub relations: [RelationKind; 2],
    /// Why they are incompatible.
    pub reason: String,
}

/// An entity card: what the graph knows about one entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityCard {
    /// Entity id.
    pub id: String,
    /// Canonical name.
    pub label: String,
    /// Entity type.
    #[serde(rename = "type")]
    pub kind: EntityKind,
    /// Other names.
    pub aliases: Vec<String>,
    /// Wikidata item id.
    pub wikidata: Option<String>,
    /// Relations, grouped by relation kind, outgoing first, then by the other entity's id;
    /// at most the limit asked for.
    pub relations: Vec<CardRelation>,
    /// How many relations the entity has in all.
    pub relations_total: usize,
    /// Conflicts the entity takes part in.
    pub conflicts: Vec<ConflictView>,
    /// How other documents' entities were merged into it.
    pub merges: Vec<MergeRecord>,
}

/// A pattern question (`kg match`; grammar in docs/query.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchQuery {
    /// The pattern text.
    pub pattern: String,
    /// Evidence sentences per edge.
    pub evidence: EvidenceLimit,
    /// Most rows listed; `total` counts them all.
    pub limit: usize,
}

/// One bound value of a match row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// A node variable's entity.
    Entity(EntityRef),
    /// A relationship variable's edges in walking order.
    Edges(Vec<EdgeView>),
}

/// One distinct binding of the pattern's variables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchRow {
    /// One value per column.
    pub values: Vec<Cell>,
    /// Every edge the binding uses (named or not), with evidence, in first-use order.
    pub edges: Vec<EdgeView>,
}

/// The answer to a [`MatchQuery`]: rows sorted by entity ids, empty when nothing matches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchTable {
    /// Variable names in order of first appearance.
    pub columns: Vec<String>,
    /// How many rows matched (more than `rows` holds when the limit cut).
    pub total: usize,
    /// The rows, at most the limit asked for.
    pub rows: Vec<MatchRow>,
}

/// The measures of a ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RankBy {
    /// Incident edges.
    Degree,
    /// PageRank (stored direction, symmetric relations both ways).
    Pagerank,
    /// Normalised betweenness (undirected).
    Betweenness,
    /// Closeness, Wasserman–Faust scaled (undirected).
    Closeness,
}

/// A ranking question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankQuery {
    /// The measure.
    pub by: RankBy,
    /// Only list these types (the measure is computed on the whole graph); empty means all.
    pub types: Vec<EntityKind>,
    /// How many to list.
    pub top: usize,
}

/// One ranked entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranked {
    /// 1-based rank.
    pub rank: usize,
    /// The entity.
    #[serde(flatten)]
    pub entity: EntityRef,
    /// The measure's value.
    pub score: f64,
}

/// The answer to a [`RankQuery`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranking {
    /// The measure.
    pub by: RankBy,
    /// Best first; ties by id.
    pub ranking: Vec<Ranked>,
}

/// One community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Community {
    /// 1-based number, largest first.
    pub community: usize,
    /// Number of members.
    pub size: usize,
    /// The members.
    pub members: Vec<EntityRef>,
}

/// Communities found by label propagation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Communities {
    /// Largest first; ties by smallest member id.
    pub communities: Vec<Community>,
}

/// An entity found by a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityHit {
    /// The entity.
    #[serde(flatten)]
    pub entity: EntityRef,
    /// Its other names.
    pub aliases: Vec<String>,
    /// Incident edges.
    pub degree: usize,
}

/// The answer to an entity search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntitySearch {
    /// The search text.
    pub query: String,
    /// How many entities matched (more than `entities` holds when the limit cut).
    pub total: usize,
    /// Best first: exact names, then prefixes, then substrings, then close spellings.
    pub entities: Vec<EntityHit>,
}

/// One graph, indexed for questions. Not `Sync` (it reuses search scratch space): a server
/// gives each worker thread its own over the same graph.
pub struct Explorer<'g> {
    graph: &'g KnowledgeGraph,
    resolver: Resolver<'g>,
    finder: RefCell<Option<PathFinder<'g>>>,
    merges: &'g [MergeRecord],
    conflicts: ConflictIndex<'g>,
    /// Every entity's id and normalised label and aliases, in id order, for searches
    /// (built on the first one).
    names: OnceCell<Vec<(NodeIndex, Vec<String>)>>,
}

impl std::fmt::Debug for Explorer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Explorer")
            .field("nodes", &self.graph.node_count())
            .field("edges", &self.graph.edge_count())
            .finish()
    }
}

fn filter_of(f: &Filters, directed: bool) -> Filter {
    Filter {
        directed,
        relations: f.relations.clone(),
        types: f.types.clone(),
        ..Filter::default()
    }
}

impl<'g> Explorer<'g> {
    /// Indexes `graph`'s names; `merges` is the merge log written beside it by `kg build`
    /// (see [`super::read_merges`]), shown on entity cards.
    pub fn new(graph: &'g KnowledgeGraph, merges: &'g [MergeRecord]) -> Self {
        Explorer {
            graph,
            resolver: Resolver::new(graph),
            finder: RefCell::new(None),
            merges,
            conflicts: ConflictIndex::new(graph),
            names: OnceCell::new(),
        }
    }

    /// The graph.
    pub fn graph(&self) -> &'g KnowledgeGraph {
        self.graph
    }

    /// The one entity a name, alias or id means.
    pub fn resolve(&self, name: &str) -> Result<NodeIndex, QueryError> {
        self.resolver.resolve(name)
    }

    fn with_finder<R>(&self, f: impl FnOnce(&mut PathFinder<'g>) -> R) -> R {
        let mut slot = self.finder.borrow_mut();
        let finder = slot.get_or_insert_with(|| PathFinder::new(self.graph));
        f(finder)
    }

    fn conflict(&self, c: &Conflict) -> ConflictView {
        let label = |id: &str| {
            self.graph
                .entity_by_id(id)
                .map_or_else(|| id.to_string(), |e| e.label.clone())
        };
        ConflictView {
            subject: c.subject.clone(),
            subject_label: label(&c.subject),
            object: c.object.clone(),
            object_label: label(&c.object),
            relations: c.relations,
            reason: c.reason.clone(),
        }
    }

    fn entity(&self, n: NodeIndex) -> EntityRef {
        EntityRef::of(self.graph.entity(n))
    }

    fn step(&self, hop: &paths::Hop, limit: EvidenceLimit) -> PathStep {
        PathStep {
            edge: edge_view(self.graph, &self.conflicts, hop.edge, limit),
            forward: hop.forward,
        }
    }

    /// Shortest, k shortest or all bounded paths between two entities.
    pub fn path(&self, q: &PathQuery) -> Result<PathResult, QueryError> {
        let from = self.resolve(&q.from)?;
        let to = self.resolve(&q.to)?;
        let mut f = filter_of(&q.filters, q.directed);
        for name in &q.avoid {
            f.avoid.insert(self.resolve(name)?);
        }
        if f.avoid.contains(&from) || f.avoid.contains(&to) {
            return Err(QueryError::Usage(
                "--avoid names an endpoint of the path".into(),
            ));
        }
        let found: Vec<Path> = match q.mode {
            PathMode::AllUpTo(hops) => paths::all_simple_paths(self.graph, from, to, hops, &f)?,
            PathMode::Shortest(k) => {
                self.with_finder(|finder| paths::k_shortest(finder, from, to, k, &f))?
            }
        };
        let paths = found
            .iter()
            .map(|p| PathView {
                nodes: p.nodes().into_iter().map(|n| self.entity(n)).collect(),
                edges: p.hops.iter().map(|h| self.step(h, q.evidence)).collect(),
            })
            .collect();
        Ok(PathResult {
            from: self.entity(from),
            to: self.entity(to),
            filters: self.describe_filters(q),
            paths,
        })
    }

    fn describe_filters(&self, q: &PathQuery) -> String {
        let mut parts = Vec::new();
        if q.directed {
            parts.push("directed".to_string());
        }
        if !q.filters.relations.is_empty() {
            let r: Vec<&str> = q.filters.relations.iter().map(|r| r.as_str()).collect();
            parts.push(format!("relations {}", r.join(",")));
        }
        if !q.filters.types.is_empty() {
            let t: Vec<&str> = q.filters.types.iter().map(|t| t.as_str()).collect();
            parts.push(format!("through types {}", t.join(",")));
        }
        if !q.avoid.is_empty() {
            parts.push(format!("avoiding {}", q.avoid.join(", ")));
        }
        if let PathMode::AllUpTo(h) = q.mode {
            parts.push(format!("within {h} hops"));
        }
        parts.join("; ")
    }

    /// Entities within `depth` hops of one entity.
    pub fn neighbors(&self, q: &NeighborsQuery) -> Result<Neighborhood, QueryError> {
        if q.depth > MAX_DEPTH {
            return Err(QueryError::Refused(format!(
                "depth {} is above the limit of {MAX_DEPTH}",
                q.depth
            )));
        }
        let center = self.resolve(&q.name)?;
        let f = filter_of(&q.filters, false);
        let reached =
            self.with_finder(|finder| finder.neighborhood(center, q.depth, q.direction, &f));
        let g = self.graph.petgraph();
        Ok(Neighborhood {
            center: self.entity(center),
            depth: q.depth,
            total: reached.len(),
            neighbors: reached
                .iter()
                .take(q.limit)
                .map(|r| Neighbor {
                    entity: self.entity(r.node),
                    depth: r.depth,
                    from: g[r.via.from].id.clone(),
                    via: self.step(&r.via, q.evidence),
                })
                .collect(),
        })
    }

    /// The card of one entity, with at most `limit` relations.
    pub fn card(
        &self,
        name: &str,
        evidence: EvidenceLimit,
        limit: usize,
    ) -> Result<EntityCard, QueryError> {
        let n = self.resolve(name)?;
        let g = self.graph.petgraph();
        let e = &g[n];
        let mut rels: Vec<(RelationKind, bool, &str, EdgeIndex)> = Vec::new();
        for edge in g.edges_directed(n, Outgoing) {
            rels.push((edge.weight().kind, true, &g[edge.target()].id, edge.id()));
        }
        for edge in g.edges_directed(n, Incoming) {
            if edge.source() != n {
                rels.push((edge.weight().kind, false, &g[edge.source()].id, edge.id()));
            }
        }
        rels.sort_by(|a, b| (a.0, !a.1, a.2).cmp(&(b.0, !b.1, b.2)));
        Ok(EntityCard {
            id: e.id.clone(),
            label: e.label.clone(),
            kind: e.kind,
            aliases: e.aliases.clone(),
            wikidata: e.wikidata.clone(),
            relations_total: rels.len(),
            relations: rels
                .iter()
                .take(limit)
                .map(|&(_, outgoing, _, edge)| CardRelation {
                    edge: edge_view(self.graph, &self.conflicts, edge, evidence),
                    outgoing,
                })
                .collect(),
            conflicts: self
                .graph
                .conflicts()
                .iter()
                .filter(|c| c.subject == e.id || c.object == e.id)
                .map(|c| self.conflict(c))
                .collect(),
            merges: self
                .merges
                .iter()
                .filter(|m| m.into == e.id)
                .cloned()
                .collect(),
        })
    }

    /// Every binding of a pattern, each row with the edges it uses.
    pub fn find(&self, q: &MatchQuery) -> Result<MatchTable, QueryError> {
        let mut pat = pattern::parse(&q.pattern)?;
        // Unnamed relationships get hidden names so that every row knows its edges; rows
        // are then merged back by the visible variables.
        let hidden = |i: usize| format!("#{i}");
        for (i, r) in pat.rels.iter_mut().enumerate() {
            if r.var.is_none() {
                r.var = Some(hidden(i));
            }
        }
        let m = pattern::run(self.graph, &pat)?;
        let visible: Vec<usize> = (0..m.columns.len())
            .filter(|&i| !m.columns[i].starts_with('#'))
            .collect();
        let mut rows: Vec<(Vec<Value>, Vec<EdgeIndex>)> = Vec::new();
        let mut index: std::collections::HashMap<Vec<Value>, usize> = Default::default();
        for row in &m.rows {
            let key: Vec<Value> = visible.iter().map(|&i| row[i].clone()).collect();
            let slot = *index.entry(key.clone()).or_insert_with(|| {
                rows.push((key, Vec::new()));
                rows.len() - 1
            });
            let edges = &mut rows[slot].1;
            for v in row {
                if let Value::Edges(es) = v {
                    for e in es {
                        if !edges.contains(e) {
                            edges.push(*e);
                        }
                    }
                }
            }
        }
        // The matcher's order over the visible columns alone.
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        let total = rows.len();
        rows.truncate(q.limit);
        let table = MatchTable {
            columns: visible.iter().map(|&i| m.columns[i].clone()).collect(),
            total,
            rows: rows
                .into_iter()
                .map(|(values, edges)| MatchRow {
                    values: values
                        .iter()
                        .map(|v| match v {
                            Value::Node(n) => Cell::Entity(self.entity(*n)),
                            Value::Edges(es) => Cell::Edges(
                                es.iter()
                                    .map(|e| edge_view(self.graph, &self.conflicts, *e, q.evidence))
                                    .collect(),
                            ),
                        })
                        .collect(),
                    edges: edges
                        .iter()
                        .map(|e| edge_view(self.graph, &self.conflicts, *e, q.evidence))
                        .collect(),
                })
                .collect(),
        };
        Ok(table)
    }

    /// Counts, components, density and the degree distribution.
    pub fn stats(&self) -> Stats {
        stats(self.graph, &Dense::new(self.graph))
    }

    /// The most central entities.
    pub fn rank(&self, q: &RankQuery) -> Result<Ranking, QueryError> {
        let dense = Dense::new(self.graph);
        if matches!(q.by, RankBy::Betweenness | RankBy::Closeness)
            && dense.len() > MAX_ALL_PAIRS_NODES
        {
            return Err(QueryError::Refused(format!(
                "{:?} on {} entities needs a search from every entity (limit {MAX_ALL_PAIRS_NODES})",
                q.by,
                dense.len()
            )
            .to_lowercase()));
        }
        let scores: Vec<f64> = match q.by {
            RankBy::Degree => dense.degrees().iter().map(|&d| d as f64).collect(),
            RankBy::Pagerank => dense.page_rank(),
            RankBy::Betweenness => dense.betweenness(),
            RankBy::Closeness => dense.closeness(),
        };
        let g = self.graph.petgraph();
        let mut order: Vec<usize> = (0..dense.len())
            .filter(|&i| q.types.is_empty() || q.types.contains(&g[dense.nodes[i]].kind))
            .collect();
        // Positions are in id order, so a stable sort breaks score ties by id.
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
        order.truncate(q.top);
        Ok(Ranking {
            by: q.by,
            ranking: order
                .iter()
                .enumerate()
                .map(|(r, &i)| Ranked {
                    rank: r + 1,
                    entity: self.entity(dense.nodes[i]),
                    score: scores[i],
                })
                .collect(),
        })
    }

    /// Communities of at least `min_size` members.
    pub fn communities(&self, min_size: usize) -> Communities {
        let dense = Dense::new(self.graph);
        Communities {
            communities: dense
                .communities()
                .into_iter()
                .filter(|c| c.len() >= min_size)
                .enumerate()
                .map(|(i, c)| Community {
                    community: i + 1,
                    size: c.len(),
                    members: c.iter().map(|&m| self.entity(dense.nodes[m])).collect(),
                })
                .collect(),
        }
    }

    /// Entities whose id, label or alias matches `q` (case-, accent- and width-insensitive),
    /// at most `limit` of them. An empty `q` lists entities in id order.
    pub fn search(&self, q: &str, limit: usize) -> EntitySearch {
        let key = normalize(q);
        let g = self.graph.petgraph();
        let names = self.names.get_or_init(|| {
            self.graph
                .sorted_nodes()
                .into_iter()
                .map(|n| {
                    let e = &g[n];
                    let mut all: Vec<String> = std::iter::once(&e.label)
                        .chain(&e.aliases)
                        .map(|name| normalize(name))
                        .collect();
                    all.push(e.id.clone());
                    (n, all)
                })
                .collect()
        });
        // (tier, similarity in thousandths, label length, id, node): exact names, then
        // prefixes, substrings and close spellings (closest first); shorter labels first.
        let mut hits: Vec<(u8, u16, usize, &str, NodeIndex)> = Vec::new();
        for (n, all) in names {
            let (n, e) = (*n, &g[*n]);
            let score = if key.is_empty() {
                Some((0, 0))
            } else {
                all.iter()
                    .filter_map(|name| {
                        if *name == key {
                            Some((4, 1000))
                        } else if name.starts_with(&key) {
                            Some((3, 1000))
                        } else if name.contains(&key) {
                            Some((2, 1000))
                        } else if key.chars().count() >= 3 {
                            let sim = strsim::jaro_winkler(&key, name);
                            (sim >= 0.88).then(|| (1, (sim * 1000.0).round() as u16))
                        } else {
                            None
                        }
                    })
                    .max()
            };
            if let Some((tier, sim)) = score {
                hits.push((tier, sim, e.label.chars().count(), &e.id, n));
            }
        }
        hits.sort_by(|a, b| {
            (b.0, b.1)
                .cmp(&(a.0, a.1))
                .then(a.2.cmp(&b.2))
                .then(a.3.cmp(b.3))
        });
        let total = hits.len();
        EntitySearch {
            query: q.to_string(),
            total,
            entities: hits
                .into_iter()
                .take(limit)
                .map(|(_, _, _, _, n)| EntityHit {
                    entity: self.entity(n),
                    aliases: g[n].aliases.clone(),
                    degree: g.edges_directed(n, Outgoing).count()
                        + g.edges_directed(n, Incoming).count(),
                })
                .collect(),
        }
    }

    /// The part of the graph a result covers, for saving it as a subgraph.
    pub fn selection(&self, covered: Covered<'_>) -> Selection {
        let graph = self.graph;
        let mut sel = Selection::default();
        let node = |id: &str| graph.node(id);
        let edge = |e: &EdgeView| {
            let (s, t) = (graph.node(&e.source)?, graph.node(&e.target)?);
            graph
                .petgraph()
                .edges_directed(s, Outgoing)
                .find(|x| x.target() == t && x.weight().kind == e.relation)
                .map(|x| x.id())
        };
        let add_edges = |sel: &mut Selection, edges: &mut dyn Iterator<Item = &EdgeView>| {
            for e in edges {
                if let Some(ix) = edge(e) {
                    sel.add_edge(graph, ix);
                }
            }
        };
        match covered {
            Covered::Paths(r) => {
                for p in &r.paths {
                    sel.nodes.extend(p.nodes.iter().filter_map(|n| node(&n.id)));
                    add_edges(&mut sel, &mut p.edges.iter().map(|s| &s.edge));
                }
                sel.highlight_all(graph);
            }
            Covered::Neighborhood(r) => {
                sel.nodes.extend(node(&r.center.id));
                add_edges(&mut sel, &mut r.neighbors.iter().map(|n| &n.via.edge));
                sel.highlight_nodes.insert(r.center.id.clone());
            }
            Covered::Card(c) => {
                sel.nodes.extend(node(&c.id));
                add_edges(&mut sel, &mut c.relations.iter().map(|r| &r.edge));
                sel.highlight_nodes.insert(c.id.clone());
            }
            Covered::Match(m) => {
                for row in &m.rows {
                    for v in &row.values {
                        if let Cell::Entity(e) = v {
                            sel.nodes.extend(node(&e.id));
                        }
                    }
                    add_edges(&mut sel, &mut row.edges.iter());
                }
                sel.highlight_all(graph);
            }
            Covered::Ranking(r) => {
                let top: BTreeSet<NodeIndex> = r
                    .ranking
                    .iter()
                    .filter_map(|x| node(&x.entity.id))
                    .collect();
                for e in graph.petgraph().edge_references() {
                    if top.contains(&e.source()) && top.contains(&e.target()) {
                        sel.edges.insert(e.id());
                    }
                }
                sel.nodes = top;
                sel.highlight_all(graph);
            }
        }
        sel
    }
}

/// A result whose entities and edges can be saved as a subgraph ([`Explorer::selection`]).
#[derive(Debug, Clone, Copy)]
pub enum Covered<'r> {
    /// Every path's nodes and edges, highlighted.
    Paths(&'r PathResult),
    /// The centre (highlighted) and every edge that reached a neighbour.
    Neighborhood(&'r Neighborhood),
    /// The entity (highlighted) and its relations.
    Card(&'r EntityCard),
    /// Every bound entity and used edge, highlighted.
    Match(&'r MatchTable),
    /// The ranked entities (highlighted) and the edges among them.
    Ranking(&'r Ranking),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Entity;

    fn graph() -> KnowledgeGraph {
        let mut g = KnowledgeGraph::new();
        for (id, label, aliases) in [
            ("iran", "Iran", vec![]),
            ("iraq", "Iraq", vec![]),
            ("ireland", "Ireland", vec!["Éire"]),
            ("sco", "Shanghai Cooperation Organization", vec!["SCO"]),
        ] {
            g.add_entity(Entity {
                id: id.into(),
                label: label.into(),
                kind: EntityKind::Country,
                aliases: aliases.into_iter().map(String::from).collect(),
                wikidata: None,
            });
        }
        g
    }

    #[test]
    fn search_ranks_exact_then_prefix_then_substring_then_close() {
        let g = graph();
        let ex = Explorer::new(&g, &[]);
        let ids = |q: &str| -> Vec<String> {
            ex.search(q, 10)
                .entities
                .into_iter()
                .map(|h| h.entity.id)
                .collect()
        };
        // Close spellings come after the exact name.
        assert_eq!(ids("iran")[0], "iran");
        assert!(ids("iran").contains(&"iraq".to_string()));
        assert_eq!(ids("ir"), ["iran", "iraq", "ireland"]);
        assert_eq!(ids("cooperation"), ["sco"]);
        assert_eq!(ids("eire"), ["ireland"]);
        // Among close spellings, the closest first.
        assert_eq!(ids("irland")[0], "ireland");
        let all = ex.search("", 2);
        assert_eq!((all.total, all.entities.len()), (4, 2));
    }
}
