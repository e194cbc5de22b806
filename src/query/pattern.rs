//! `kg match`: a small Cypher-like pattern language — hand-written lexer, recursive-descent
//! parser and a backtracking matcher.
//!
//! # Grammar (EBNF)
//!
//! ```text
//! pattern  = node , { rel , node } ;
//! node     = "(" , [ var ] , [ ":" , type ] , [ props ] , ")" ;
//! props    = "{" , [ prop , { "," , prop } ] , "}" ;
//! prop     = ( "label" | "id" | "type" | "wikidata" ) , ":" , string ;
//! rel      = "-" , "[" , body , "]" , "->"        (* along the stored direction *)
//!          | "<-" , "[" , body , "]" , "-"        (* against it *)
//!          | "-" , "[" , body , "]" , "-" ;       (* either way *)
//! body     = [ var ] , [ ":" , relation , { "|" , relation } ] , [ range ] ;
//! range    = "*" , [ int ] , [ ".." , int ] ;     (* "*2" = exactly 2, "*..3" = 1..3 *)
//! var      = name ;   type = name ;   relation = name ;
//! name     = letter , { letter | digit | "_" | "-" } ;
//! string   = '"' , { any char but '"' and '\' | '\"' | '\\' } , '"' ;
//! ```
//!
//! White space is allowed between tokens. Types and relations are the kebab-case names of
//! [`EntityKind`] and [`RelationKind`]. A `label` property matches the entity's label or any
//! alias through [`normalize`](super::resolve::normalize); `id`, `type` and `wikidata` match
//! exactly. A variable used twice binds the same entity; no edge is used twice in one match.
//! Symmetric relations (`met-with`) match in either direction.
//!
//! # Limits (refused before running)
//! At most [`MAX_PATTERN_CHARS`] characters, [`MAX_SEGMENTS`] relationship segments, a
//! variable-length upper bound of at most [`MAX_RANGE`], at most [`MAX_TOTAL_HOPS`] edges in a
//! whole match, and at most [`MAX_ROWS`] result rows. The search itself runs within a work
//! [`Budget`]: refused before it starts when its estimated size is far above the budget, and
//! stopped once the budget of node expansions or time is spent ([`QueryError::TooBig`]).
//!
//! ```
//! use kg::query::pattern::parse;
//! let p = parse(r#"(c:country)-[:observer-of|member-of]->(o:organization {label: "SCO"})"#).unwrap();
//! assert_eq!(p.nodes.len(), 2);
//! assert!(parse("(a)-[:member-of*1..99]->(b)").is_err());
//! ```

use super::QueryError;
use super::budget::{Budget, TooBig, WorkLimits};
use super::paths::{Direction, Hop};
use super::resolve::{names_entity, normalize};
use crate::graph::KnowledgeGraph;
use crate::model::{EntityKind, RelationKind};
use petgraph::stable_graph::{EdgeIndex, NodeIndex};
use std::collections::{BTreeSet, HashSet};

/// Longest pattern text accepted.
pub const MAX_PATTERN_CHARS: usize = 2000;
/// Most relationship segments in a pattern.
pub const MAX_SEGMENTS: usize = 8;
/// Largest upper bound of a variable-length segment.
pub const MAX_RANGE: u32 = 6;
/// Most edges a whole match may use (sum of upper bounds).
pub const MAX_TOTAL_HOPS: u32 = 8;
/// Most result rows before the query is refused.
pub const MAX_ROWS: usize = 100_000;

/// A node pattern.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NodePat {
    /// Variable name, if any.
    pub var: Option<String>,
    /// Required type.
    pub kind: Option<EntityKind>,
    /// Required label or alias (normalised).
    pub label: Option<String>,
    /// Required id.
    pub id: Option<String>,
    /// Required Wikidata id.
    pub wikidata: Option<String>,
}

/// A relationship pattern between two node patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelPat {
    /// Variable name, if any.
    pub var: Option<String>,
    /// Allowed relations; empty means any.
    pub kinds: Vec<RelationKind>,
    /// Direction relative to the text order (left node → right node).
    pub direction: Direction,
    /// Fewest edges.
    pub min: u32,
    /// Most edges.
    pub max: u32,
}

/// A parsed pattern: `nodes[i] rels[i] nodes[i+1]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// Node patterns, left to right.
    pub nodes: Vec<NodePat>,
    /// Relationship patterns, `nodes.len() - 1` of them.
    pub rels: Vec<RelPat>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Colon,
    Comma,
    Pipe,
    Star,
    DotDot,
    Dash,
    LeftArrow,
    RightArrow,
    Name(String),
    Int(u32),
    Str(String),
    End,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Name(n) => format!("'{n}'"),
            Tok::Int(i) => format!("'{i}'"),
            Tok::Str(_) => "a string".into(),
            Tok::End => "the end of the pattern".into(),
            other => format!("'{}'", other.text()),
        }
    }

    fn text(&self) -> &'static str {
        match self {
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Colon => ":",
            Tok::Comma => ",",
            Tok::Pipe => "|",
            Tok::Star => "*",
            Tok::DotDot => "..",
            Tok::Dash => "-",
            Tok::LeftArrow => "<-",
            Tok::RightArrow => "->",
            _ => "",
        }
    }
}

/// Splits a pattern into tokens with their 1-based character columns.
fn lex(src: &str) -> Result<Vec<(Tok, usize)>, QueryError> {
    let err = |column: usize, message: String| {
        QueryError::Syntax(crate::error::SyntaxError::in_line(src, column, message))
    };
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        let next = chars.get(i + 1).copied();
        let single = match c {
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '[' => Some(Tok::LBracket),
            ']' => Some(Tok::RBracket),
            '{' => Some(Tok::LBrace),
            '}' => Some(Tok::RBrace),
            ':' => Some(Tok::Colon),
            ',' => Some(Tok::Comma),
            '|' => Some(Tok::Pipe),
            '*' => Some(Tok::Star),
            _ => None,
        };
        if let Some(t) = single {
            out.push((t, col));
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '.' && next == Some('.') {
            out.push((Tok::DotDot, col));
            i += 2;
        } else if c == '<' && next == Some('-') {
            out.push((Tok::LeftArrow, col));
            i += 2;
        } else if c == '-' && next == Some('>') {
            out.push((Tok::RightArrow, col));
            i += 2;
        } else if c == '-' {
            out.push((Tok::Dash, col));
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            let n = text
                .parse::<u32>()
                .map_err(|_| err(col, format!("number {text} is too large")))?;
            out.push((Tok::Int(n), col));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric()
                    || chars[i] == '_'
                    || (chars[i] == '-' && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric())))
            {
                i += 1;
            }
            out.push((Tok::Name(chars[start..i].iter().collect()), col));
        } else if c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(err(col, "unterminated string".into())),
                    Some('"') => break,
                    Some('\\') => match chars.get(i + 1) {
                        Some(&e @ ('"' | '\\')) => {
                            s.push(e);
                            i += 2;
                        }
                        _ => return Err(err(i + 1, "unknown escape (use \\\" or \\\\)".into())),
                    },
                    Some(&ch) => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            i += 1;
            out.push((Tok::Str(s), col));
        } else {
            return Err(err(col, format!("unexpected character '{c}'")));
        }
    }
    out.push((Tok::End, chars.len() + 1));
    Ok(out)
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<(Tok, usize)>,
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }

    fn col(&self) -> usize {
        self.toks[self.pos].1
    }

    fn bump(&mut self) -> Tok {
        let t = self.toks[self.pos].0.clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }

    fn error(&self, column: usize, message: String) -> QueryError {
        QueryError::Syntax(crate::error::SyntaxError::in_line(
            self.src, column, message,
        ))
    }

    fn expect(&mut self, tok: Tok) -> Result<(), QueryError> {
        if *self.peek() == tok {
            self.bump();
            Ok(())
        } else {
            Err(self.error(
                self.col(),
                format!(
                    "expected '{}', found {}",
                    tok.text(),
                    self.peek().describe()
                ),
            ))
        }
    }

    fn name(&mut self, what: &str) -> Result<(String, usize), QueryError> {
        let col = self.col();
        match self.bump() {
            Tok::Name(n) => Ok((n, col)),
            other => {
                self.pos -= usize::from(other != Tok::End);
                Err(self.error(col, format!("expected {what}, found {}", other.describe())))
            }
        }
    }

    fn pattern(&mut self) -> Result<Pattern, QueryError> {
        let mut nodes = vec![self.node()?];
        let mut rels = Vec::new();
        while *self.peek() != Tok::End {
            if rels.len() == MAX_SEGMENTS {
                return Err(QueryError::Refused(format!(
                    "more than {MAX_SEGMENTS} relationship segments"
                )));
            }
            rels.push(self.rel()?);
            nodes.push(self.node()?);
        }
        let total: u32 = rels.iter().map(|r: &RelPat| r.max).sum();
        if total > MAX_TOTAL_HOPS {
            return Err(QueryError::Refused(format!(
                "the pattern can use up to {total} edges; the limit is {MAX_TOTAL_HOPS}"
            )));
        }
        Ok(Pattern { nodes, rels })
    }

    fn node(&mut self) -> Result<NodePat, QueryError> {
        self.expect(Tok::LParen)?;
        let mut node = NodePat::default();
        if let Tok::Name(_) = self.peek() {
            node.var = Some(self.name("a variable")?.0);
        }
        if *self.peek() == Tok::Colon {
            self.bump();
            let (t, col) = self.name("an entity type")?;
            node.kind = Some(
                t.parse()
                    .map_err(|e: crate::model::UnknownName| self.error(col, e.to_string()))?,
            );
        }
        if *self.peek() == Tok::LBrace {
            self.bump();
            while *self.peek() != Tok::RBrace {
                let (key, kcol) = self.name("a property name")?;
                self.expect(Tok::Colon)?;
                let vcol = self.col();
                let value = match self.bump() {
                    Tok::Str(s) => s,
                    other => {
                        return Err(self.error(
                            vcol,
                            format!("expected a string, found {}", other.describe()),
                        ));
                    }
                };
                match key.as_str() {
                    "label" => node.label = Some(normalize(&value)),
                    "id" => node.id = Some(value),
                    "wikidata" => node.wikidata = Some(value),
                    "type" => {
                        node.kind =
                            Some(value.parse().map_err(|e: crate::model::UnknownName| {
                                self.error(vcol, e.to_string())
                            })?)
                    }
                    _ => {
                        return Err(self.error(
                            kcol,
                            format!(
                                "unknown property '{key}' (expected label, id, type or wikidata)"
                            ),
                        ));
                    }
                }
                if *self.peek() == Tok::Comma {
                    self.bump();
                } else if *self.peek() != Tok::RBrace {
                    return Err(self.error(
                        self.col(),
                        format!("expected ',' or '}}', found {}", self.peek().describe()),
                    ));
                }
            }
            self.bump();
        }
        self.expect(Tok::RParen)?;
        Ok(node)
    }

    fn rel(&mut self) -> Result<RelPat, QueryError> {
        let incoming = match self.peek() {
            Tok::LeftArrow => true,
            Tok::Dash => false,
            other => {
                return Err(self.error(
                    self.col(),
                    format!(
                        "expected '-', '<-' or the end of the pattern, found {}",
                        other.describe()
                    ),
                ));
            }
        };
        self.bump();
        self.expect(Tok::LBracket)?;
        let mut rel = RelPat {
            var: None,
            kinds: Vec::new(),
            direction: Direction::Both,
            min: 1,
            max: 1,
        };
        if let Tok::Name(_) = self.peek() {
            rel.var = Some(self.name("a variable")?.0);
        }
        if *self.peek() == Tok::Colon {
            self.bump();
            loop {
                let (r, col) = self.name("a relation")?;
                let kind: RelationKind = r
                    .parse()
                    .map_err(|e: crate::model::UnknownName| self.error(col, e.to_string()))?;
                if !rel.kinds.contains(&kind) {
                    rel.kinds.push(kind);
                }
                if *self.peek() != Tok::Pipe {
                    break;
                }
                self.bump();
            }
        }
        if *self.peek() == Tok::Star {
            let star = self.col();
            self.bump();
            let lo = if let Tok::Int(n) = *self.peek() {
                self.bump();
                Some(n)
            } else {
                None
            };
            let hi = if *self.peek() == Tok::DotDot {
                self.bump();
                if let Tok::Int(n) = *self.peek() {
                    self.bump();
                    Some(n)
                } else {
                    return Err(QueryError::Refused(format!(
                        "variable-length relationship at column {star} needs an upper bound (at most {MAX_RANGE})"
                    )));
                }
            } else {
                lo
            };
            let (lo, hi) = match (lo, hi) {
                (Some(l), Some(h)) => (l, h),
                (None, Some(h)) => (1, h),
                _ => {
                    return Err(QueryError::Refused(format!(
                        "variable-length relationship at column {star} needs an upper bound (at most {MAX_RANGE})"
                    )));
                }
            };
            if hi > MAX_RANGE {
                return Err(QueryError::Refused(format!(
                    "variable-length upper bound {hi} at column {star} is above the limit of {MAX_RANGE}"
                )));
            }
            if lo > hi || lo == 0 {
                return Err(
                    self.error(star, format!("bad range {lo}..{hi} (need 1 <= min <= max)"))
                );
            }
            rel.min = lo;
            rel.max = hi;
        }
        self.expect(Tok::RBracket)?;
        let outgoing = match self.peek() {
            Tok::RightArrow => true,
            Tok::Dash => false,
            other => {
                return Err(self.error(
                    self.col(),
                    format!("expected '-' or '->', found {}", other.describe()),
                ));
            }
        };
        if incoming && outgoing {
            return Err(self.error(
                self.col(),
                "a relationship cannot point both ways ('<-[...]->')".into(),
            ));
        }
        self.bump();
        rel.direction = match (incoming, outgoing) {
            (true, _) => Direction::In,
            (_, true) => Direction::Out,
            _ => Direction::Both,
        };
        Ok(rel)
    }
}

/// Parses a pattern, refusing ones above the limits.
pub fn parse(src: &str) -> Result<Pattern, QueryError> {
    if src.chars().count() > MAX_PATTERN_CHARS {
        return Err(QueryError::Refused(format!(
            "the pattern is longer than {MAX_PATTERN_CHARS} characters"
        )));
    }
    let toks = lex(src)?;
    let mut p = Parser { src, toks, pos: 0 };
    let pattern = p.pattern()?;
    let mut rel_vars = HashSet::new();
    let node_vars: HashSet<&String> = pattern
        .nodes
        .iter()
        .filter_map(|n| n.var.as_ref())
        .collect();
    for r in &pattern.rels {
        if let Some(v) = &r.var
            && (!rel_vars.insert(v.clone()) || node_vars.contains(v))
        {
            return Err(QueryError::Usage(format!(
                "variable '{v}' is used for more than one relationship or for a node"
            )));
        }
    }
    Ok(pattern)
}

/// One bound value of a match row.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Value {
    /// A node variable: the entity.
    Node(NodeIndex),
    /// A relationship variable: its edges in walking order.
    Edges(Vec<EdgeIndex>),
}

/// The result of a match: variable names and one row of values per distinct binding.
#[derive(Debug, Clone, Default)]
pub struct Matches {
    /// Variables, in order of first appearance.
    pub columns: Vec<String>,
    /// Rows, sorted by entity ids, deduplicated.
    pub rows: Vec<Vec<Value>>,
    /// Every node bound by a match (named or not).
    pub nodes: BTreeSet<NodeIndex>,
    /// Every edge used by a match.
    pub edges: BTreeSet<EdgeIndex>,
}

struct Matcher<'g, 'p> {
    graph: &'g KnowledgeGraph,
    nodes: Vec<&'p NodePat>,
    rels: Vec<RelPat>,
    /// For each node position, the index of its variable in `columns`.
    node_slot: Vec<Option<usize>>,
    rel_slot: Vec<Option<usize>>,
    columns: usize,
    rows: BTreeSet<Vec<Value>>,
    nodes_used: BTreeSet<NodeIndex>,
    edges_used: BTreeSet<EdgeIndex>,
    overflow: bool,
    budget: &'p mut Budget,
    too_big: Option<TooBig>,
}

/// Runs a pattern over a graph within the default [`WorkLimits`].
pub fn run(graph: &KnowledgeGraph, pattern: &Pattern) -> Result<Matches, QueryError> {
    run_within(graph, pattern, &mut Budget::new(WorkLimits::DEFAULT))
}

/// Runs a pattern over a graph within `budget` (checked against an estimate first, then on
/// every node the matcher expands).
pub fn run_within(
    graph: &KnowledgeGraph,
    pattern: &Pattern,
    budget: &mut Budget,
) -> Result<Matches, QueryError> {
    let mut columns: Vec<String> = Vec::new();
    let mut slot = |v: &Option<String>| {
        v.as_ref()
            .map(|v| match columns.iter().position(|c| c == v) {
                Some(i) => i,
                None => {
                    columns.push(v.clone());
                    columns.len() - 1
                }
            })
    };
    let mut node_slot = Vec::new();
    let mut rel_slot = Vec::new();
    for (i, n) in pattern.nodes.iter().enumerate() {
        node_slot.push(slot(&n.var));
        if let Some(r) = pattern.rels.get(i) {
            rel_slot.push(slot(&r.var));
        }
    }
    // Start from the end that names an entity, so `(c)-[...]->(o {label: ...})` is cheap.
    let constrained = |n: &NodePat| n.label.is_some() || n.id.is_some() || n.wikidata.is_some();
    let reverse =
        !constrained(&pattern.nodes[0]) && constrained(pattern.nodes.last().expect("one node"));
    let mut nodes: Vec<&NodePat> = pattern.nodes.iter().collect();
    let mut rels = pattern.rels.clone();
    if reverse {
        nodes.reverse();
        rels.reverse();
        node_slot.reverse();
        rel_slot.reverse();
        for r in &mut rels {
            r.direction = match r.direction {
                Direction::In => Direction::Out,
                Direction::Out => Direction::In,
                Direction::Both => Direction::Both,
            };
        }
    }
    let mut m = Matcher {
        graph,
        nodes,
        rels,
        node_slot,
        rel_slot,
        columns: columns.len(),
        rows: BTreeSet::new(),
        nodes_used: BTreeSet::new(),
        edges_used: BTreeSet::new(),
        overflow: false,
        budget,
        too_big: None,
    };
    let start = m.nodes[0];
    let candidates: Vec<NodeIndex> = match (&start.id, &start.label) {
        (Some(id), _) => graph.node(id).into_iter().collect(),
        (None, Some(label)) => graph
            .sorted_nodes()
            .into_iter()
            .filter(|&n| names_entity(graph, n, label))
            .collect(),
        _ => graph.sorted_nodes(),
    };
    let mut binding: Vec<Option<Value>> = vec![None; m.columns];
    let starts: Vec<NodeIndex> = candidates
        .into_iter()
        .filter(|&n| m.node_ok(0, n, &binding))
        .collect();
    m.budget.admit(estimate(graph, &starts, &m.rels))?;
    let mut used_edges = Vec::new();
    let mut path_nodes = Vec::new();
    for n in starts {
        {
            m.extend(0, n, &mut binding, &mut used_edges, &mut path_nodes);
            if let Some(t) = m.too_big.take() {
                return Err(QueryError::TooBig(t));
            }
            if m.overflow {
                return Err(QueryError::Refused(format!(
                    "more than {MAX_ROWS} matches; narrow the pattern"
                )));
            }
        }
    }
    let mut rows: Vec<Vec<Value>> = m.rows.into_iter().collect();
    let key = |row: &Vec<Value>| -> Vec<Vec<String>> {
        row.iter()
            .map(|v| match v {
                Value::Node(n) => vec![graph.entity(*n).id.clone()],
                Value::Edges(es) => es
                    .iter()
                    .map(|e| graph.petgraph()[*e].kind.to_string())
                    .collect(),
            })
            .collect()
    };
    rows.sort_by_cached_key(key);
    Ok(Matches {
        columns,
        rows,
        nodes: m.nodes_used,
        edges: m.edges_used,
    })
}

/// Node expansions of a match from `starts`, before it runs: each start is expanded, its own
/// first steps are counted exactly, and every further level multiplies by the branching
/// factor of the segment it is in; the last level of a walk is checked, not expanded.
fn estimate(graph: &KnowledgeGraph, starts: &[NodeIndex], rels: &[RelPat]) -> f64 {
    let Some(first) = rels.first() else {
        return starts.len() as f64;
    };
    let mut first_steps = 0u64;
    for &s in starts {
        super::paths::for_each_step(graph, &first.kinds, s, first.direction, |_| {
            first_steps += 1
        });
    }
    // Branching factor of each hop after the first, segment by segment.
    let mut factors = Vec::new();
    for rel in rels {
        let b = super::paths::branching_factor(graph, &rel.kinds, rel.direction);
        factors.extend(std::iter::repeat_n(b, rel.max as usize));
    }
    let (mut level, mut total) = (first_steps as f64, starts.len() as f64);
    // Levels 1 ..= hops-1 are expanded; level `hops` is only checked.
    for &b in factors.iter().skip(1) {
        total += level;
        level *= b;
        if !total.is_finite() {
            return f64::MAX;
        }
    }
    total
}

impl Matcher<'_, '_> {
    fn node_ok(&self, pos: usize, n: NodeIndex, binding: &[Option<Value>]) -> bool {
        let p = self.nodes[pos];
        let e = self.graph.entity(n);
        if let Some(slot) = self.node_slot[pos]
            && let Some(Value::Node(bound)) = &binding[slot]
            && *bound != n
        {
            return false;
        }
        p.kind.is_none_or(|k| k == e.kind)
            && p.id.as_ref().is_none_or(|id| *id == e.id)
            && p.wikidata
                .as_ref()
                .is_none_or(|w| Some(w) == e.wikidata.as_ref())
            && p.label
                .as_ref()
                .is_none_or(|l| names_entity(self.graph, n, l))
    }

    fn extend(
        &mut self,
        pos: usize,
        n: NodeIndex,
        binding: &mut Vec<Option<Value>>,
        used: &mut Vec<EdgeIndex>,
        path_nodes: &mut Vec<NodeIndex>,
    ) {
        if self.overflow {
            return;
        }
        let slot = self.node_slot[pos];
        let previous = slot.map(|s| binding[s].clone());
        if let Some(s) = slot {
            binding[s] = Some(Value::Node(n));
        }
        path_nodes.push(n);
        if pos == self.rels.len() {
            let row: Vec<Value> = binding
                .iter()
                .map(|v| v.clone().expect("all variables bound"))
                .collect();
            self.rows.insert(row);
            self.nodes_used.extend(path_nodes.iter().copied());
            self.edges_used.extend(used.iter().copied());
            if self.rows.len() > MAX_ROWS {
                self.overflow = true;
            }
        } else {
            let rel = self.rels[pos].clone();
            let mut walk = Vec::new();
            self.walk(&rel, pos, n, 0, binding, used, &mut walk, path_nodes);
        }
        path_nodes.pop();
        if let (Some(s), Some(prev)) = (slot, previous) {
            binding[s] = prev;
        }
    }

    /// Walks `depth` edges of segment `pos` from `n`; at every length in `min..=max` tries to
    /// continue with the next node pattern.
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &mut self,
        rel: &RelPat,
        pos: usize,
        n: NodeIndex,
        depth: u32,
        binding: &mut Vec<Option<Value>>,
        used: &mut Vec<EdgeIndex>,
        walk: &mut Vec<EdgeIndex>,
        path_nodes: &mut Vec<NodeIndex>,
    ) {
        if depth >= rel.min && self.node_ok(pos + 1, n, binding) {
            let slot = self.rel_slot[pos];
            if let Some(s) = slot {
                binding[s] = Some(Value::Edges(walk.clone()));
            }
            self.extend(pos + 1, n, binding, used, path_nodes);
            if let Some(s) = slot {
                binding[s] = None;
            }
        }
        if depth == rel.max || self.overflow {
            return;
        }
        if let Err(t) = self.budget.spend(1) {
            self.too_big = Some(t);
            self.overflow = true;
            return;
        }
        let mut steps: Vec<Hop> = Vec::new();
        super::paths::for_each_step(self.graph, &rel.kinds, n, rel.direction, |h| steps.push(h));
        for h in steps {
            if used.contains(&h.edge) {
                continue;
            }
            used.push(h.edge);
            walk.push(h.edge);
            // intermediate nodes of a variable-length segment belong to the result too
            path_nodes.push(h.to);
            self.walk(rel, pos, h.to, depth + 1, binding, used, walk, path_nodes);
            path_nodes.pop();
            walk.pop();
            used.pop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax_column(src: &str) -> (usize, String) {
        match parse(src).unwrap_err() {
            QueryError::Syntax(e) => (e.position.column, e.message),
            other => panic!("{other}"),
        }
    }

    #[test]
    fn parses_the_documented_forms() {
        let p = parse("(p:person)-[:met-with]-(q:person)").unwrap();
        assert_eq!(p.rels[0].direction, Direction::Both);
        assert_eq!(p.rels[0].kinds, [RelationKind::MetWith]);
        let p = parse(r#"(c:country)-[:observer-of|member-of]->(o:organization {label: "SCO"})"#)
            .unwrap();
        assert_eq!(p.rels[0].kinds.len(), 2);
        assert_eq!(p.nodes[1].label.as_deref(), Some("sco"));
        let p = parse("(a)-[:member-of*1..2]->(b)<-[r:leads]-(c)").unwrap();
        assert_eq!((p.rels[0].min, p.rels[0].max), (1, 2));
        assert_eq!(p.rels[1].direction, Direction::In);
        assert_eq!(p.rels[1].var.as_deref(), Some("r"));
        let p = parse("()-[*2]-()").unwrap();
        assert_eq!((p.rels[0].min, p.rels[0].max), (2, 2));
    }

    #[test]
    fn syntax_errors_point_at_the_column() {
        assert_eq!(syntax_column("(p:person-[:x]->(q)").0, 10);
        let (col, msg) = syntax_column("(a)-[:member-of]->(b");
        assert_eq!(col, 21);
        assert!(msg.contains("expected ')'"), "{msg}");
        assert_eq!(syntax_column("(a:planet)").0, 4);
        assert_eq!(syntax_column("(a)-[:likes]->(b)").0, 7);
        assert_eq!(syntax_column("(a {colour: \"red\"})").0, 5);
        assert_eq!(syntax_column("(a)<-[]->(b)").0, 8);
        let err = parse("(a").unwrap_err().to_string();
        assert_eq!(
            err,
            "expected ')', found the end of the pattern at column 3\n  (a\n    ^"
        );
    }

    #[test]
    fn oversized_patterns_are_refused() {
        for src in [
            "(a)-[*1..7]->(b)".to_string(),
            "(a)-[*1..]->(b)".to_string(),
            "(a)-[*1..5]->(b)-[*1..5]->(c)".to_string(),
            "(a)".to_string() + &"-[]->()".repeat(9),
            "(".repeat(3000),
        ] {
            assert!(matches!(parse(&src), Err(QueryError::Refused(_))), "{src}");
        }
        assert!(matches!(parse("((((((a))))))"), Err(QueryError::Syntax(_))));
    }
}
