//! RDF exports: Turtle, N-Triples and JSON-LD, serialised by oxttl and oxjsonld.
//!
//! # Vocabulary
//!
//! * Entities are `https://kg.example/entity/<id>` (the id percent-encoded). `kg.example`
//!   sits under `.example`, a top-level domain reserved by RFC 2606, so it can never name
//!   somebody else's resource; rebase it if the graph gets a real home.
//! * Types are schema.org classes (`schema:Country`, `schema:Organization`, `schema:Person`,
//!   `schema:Place`, `schema:Event`); initiatives, which schema.org has no class for, are
//!   `kg:Initiative`. schema.org is written `http://schema.org/`, the IRI its own JSON-LD
//!   context expands to.
//! * `schema:identifier` is the entity id, `schema:name` the label, `schema:alternateName`
//!   each alias, and `owl:sameAs <http://www.wikidata.org/entity/Q…>` the Wikidata item.
//! * Relations use schema.org where it has the property (`member-of` → `schema:memberOf`,
//!   `affiliated-with` → `schema:affiliation`, `educated-at` → `schema:alumniOf`,
//!   `located-in` → `schema:containedInPlace`) and otherwise `https://kg.example/vocab#`
//!   in lowerCamel (`kg:observerOf`, `kg:dialoguePartnerOf`, `kg:metWith`, …).
//!
//! # Evidence
//!
//! Each edge is also described by a classic RDF reification, which every RDF 1.1 parser
//! reads (RDF-star / RDF 1.2 triple terms are not yet accepted by rdflib's default parsers),
//! derived (W3C PROV-O, `prov:wasDerivedFrom`) from one `kg:Evidence` per evidence item:
//!
//! ```text
//! _:s0 a rdf:Statement ; rdf:subject <…/iran> ; rdf:predicate kg:observerOf ;
//!      rdf:object <…/sco> ; kg:relation "observer-of" ; kg:confidence 0.9 ;
//!      kg:evidenceCount 1 ;
//!      prov:wasDerivedFrom _:s0e0 .
//! _:s0e0 a kg:Evidence, prov:Entity ; kg:document "a.txt" ; kg:sentence "…" ;
//!      kg:start 10 ; kg:end 60 ; kg:rule "observer.status" ; kg:tier "explicit" ;
//!      kg:confidence 0.9 ; kg:validFrom "2017"^^xsd:gYear .
//! ```
//!
//! The claim date is `kg:validFrom`, `kg:validUntil` or `kg:pointInTime` (its `start`,
//! `end`, `point`), typed `xsd:gYear`, `xsd:gYearMonth` or `xsd:date` by its precision; the
//! literal's text is the date exactly as in `graph.json`. Each conflict is a `kg:Conflict`:
//!
//! ```text
//! _:c0 a kg:Conflict ; kg:subject <…/iran> ; kg:object <…/sco> ;
//!      kg:firstRelation "observer-of" ; kg:secondRelation "member-of" ;
//!      kg:reason "an observer state is not a member" ; kg:between _:s3, _:s4 .
//! ```
//!
//! Blank node labels are numbered in edge and conflict order, so the output is
//! deterministic.

use crate::graph::KnowledgeGraph;
use crate::model::{EntityKind, RelationKind};
use oxrdf::vocab::{rdf, xsd};
use oxrdf::{BlankNode, GraphNameRef, Literal, NamedNode, NamedOrBlankNode, QuadRef, Term, Triple};
use std::io::{self, Write};

/// schema.org, as its JSON-LD context expands it.
pub const SCHEMA: &str = "http://schema.org/";
/// Our own vocabulary, for what schema.org lacks.
pub const KG_VOCAB: &str = "https://kg.example/vocab#";
/// Where entity IRIs live.
pub const KG_ENTITY: &str = "https://kg.example/entity/";
/// Wikidata entities.
pub const WIKIDATA: &str = "http://www.wikidata.org/entity/";
const OWL_SAME_AS: &str = "http://www.w3.org/2002/07/owl#sameAs";

/// W3C PROV-O.
pub const PROV: &str = "http://www.w3.org/ns/prov#";

const PREFIXES: [(&str, &str); 8] = [
    ("prov", PROV),
    ("schema", SCHEMA),
    ("kg", KG_VOCAB),
    ("e", KG_ENTITY),
    ("wd", WIKIDATA),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
];

/// The IRI of an entity id: unreserved ASCII kept, every other byte percent-encoded.
pub fn entity_iri(id: &str) -> NamedNode {
    let mut iri = String::from(KG_ENTITY);
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            iri.push(b as char);
        } else {
            iri.push_str(&format!("%{b:02X}"));
        }
    }
    NamedNode::new_unchecked(iri)
}

/// The class of an entity kind.
pub fn class_iri(kind: EntityKind) -> NamedNode {
    let (ns, name) = match kind {
        EntityKind::Country => (SCHEMA, "Country"),
        EntityKind::Organization => (SCHEMA, "Organization"),
        EntityKind::Person => (SCHEMA, "Person"),
        EntityKind::Place => (SCHEMA, "Place"),
        EntityKind::Event => (SCHEMA, "Event"),
        EntityKind::Initiative => (KG_VOCAB, "Initiative"),
    };
    NamedNode::new_unchecked(format!("{ns}{name}"))
}

/// The predicate of a relation kind.
pub fn predicate_iri(kind: RelationKind) -> NamedNode {
    let schema = match kind {
        RelationKind::MemberOf => Some("memberOf"),
        RelationKind::AffiliatedWith => Some("affiliation"),
        RelationKind::EducatedAt => Some("alumniOf"),
        RelationKind::LocatedIn => Some("containedInPlace"),
        _ => None,
    };
    match schema {
        Some(name) => NamedNode::new_unchecked(format!("{SCHEMA}{name}")),
        None => vocab(&super::fields::relation_camel(kind)),
    }
}

fn vocab(name: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{KG_VOCAB}{name}"))
}

fn schema(name: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SCHEMA}{name}"))
}

fn prov(name: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{PROV}{name}"))
}

/// A claim date typed by its precision (`2017` → `xsd:gYear`, `2017-06` → `xsd:gYearMonth`,
/// `2017-06-15` → `xsd:date`); anything else stays a plain string.
fn date_literal(date: &str) -> Literal {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = date.split('-').collect();
    let ty = match parts.as_slice() {
        [y] if digits(y, 4) => Some(xsd::G_YEAR),
        [y, m] if digits(y, 4) && digits(m, 2) => Some(xsd::G_YEAR_MONTH),
        [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => Some(xsd::DATE),
        _ => None,
    };
    match ty {
        Some(ty) => Literal::new_typed_literal(date, ty),
        None => Literal::from(date),
    }
}

fn decimal(c: crate::model::Confidence) -> Literal {
    Literal::new_typed_literal(super::fields::confidence_text(c), xsd::DECIMAL)
}

fn integer(n: usize) -> Literal {
    Literal::new_typed_literal(n.to_string(), xsd::INTEGER)
}

/// Every triple of the graph, grouped by subject, in a fixed order (collected; for tests
/// and small graphs — the writers stream through [`for_each_triple`]).
pub fn triples(graph: &KnowledgeGraph) -> Vec<Triple> {
    let mut out = Vec::new();
    for_each_triple(graph, |t| {
        out.push(t);
        Ok(())
    })
    .expect("collecting cannot fail");
    out
}

/// Calls `f` with every triple of the graph, grouped by subject, in a fixed order, without
/// holding them all in memory (a large graph has tens of triples per edge).
pub fn for_each_triple(
    graph: &KnowledgeGraph,
    mut f: impl FnMut(Triple) -> io::Result<()>,
) -> io::Result<()> {
    let mut add = |s: &NamedOrBlankNode, p: NamedNode, o: Term| f(Triple::new(s.clone(), p, o));
    for e in graph.entities() {
        let s: NamedOrBlankNode = entity_iri(&e.id).into();
        add(&s, rdf::TYPE.into_owned(), class_iri(e.kind).into())?;
        add(
            &s,
            schema("identifier"),
            Literal::from(e.id.as_str()).into(),
        )?;
        add(&s, schema("name"), Literal::from(e.label.as_str()).into())?;
        for alias in &e.aliases {
            add(
                &s,
                schema("alternateName"),
                Literal::from(alias.as_str()).into(),
            )?;
        }
        if let Some(q) = &e.wikidata {
            add(
                &s,
                NamedNode::new_unchecked(OWL_SAME_AS),
                NamedNode::new_unchecked(format!("{WIKIDATA}{q}")).into(),
            )?;
        }
    }
    let edges = graph.sorted_edges();
    // The statement of each edge, for the conflicts to point at.
    let mut statement_of: std::collections::HashMap<(&str, RelationKind, &str), usize> =
        Default::default();
    for (i, e) in edges.iter().enumerate() {
        statement_of.insert((&e.source.id, e.relation.kind, &e.target.id), i);
        let (s, o) = (entity_iri(&e.source.id), entity_iri(&e.target.id));
        let p = predicate_iri(e.relation.kind);
        add(&s.clone().into(), p.clone(), o.clone().into())?;
        let st: NamedOrBlankNode = BlankNode::new_unchecked(format!("s{i}")).into();
        add(
            &st,
            rdf::TYPE.into_owned(),
            rdf::STATEMENT.into_owned().into(),
        )?;
        add(&st, rdf::SUBJECT.into_owned(), s.into())?;
        add(&st, rdf::PREDICATE.into_owned(), p.into())?;
        add(&st, rdf::OBJECT.into_owned(), o.into())?;
        add(
            &st,
            vocab("relation"),
            Literal::from(e.relation.kind.as_str()).into(),
        )?;
        add(
            &st,
            vocab("confidence"),
            decimal(e.relation.confidence()).into(),
        )?;
        add(
            &st,
            vocab("evidenceCount"),
            integer(e.relation.evidence.len()).into(),
        )?;
        let nodes: Vec<NamedOrBlankNode> = (0..e.relation.evidence.len())
            .map(|j| BlankNode::new_unchecked(format!("s{i}e{j}")).into())
            .collect();
        for ev in &nodes {
            add(&st, prov("wasDerivedFrom"), ev.clone().into())?;
        }
        for (ev, node) in e.relation.evidence.iter().zip(&nodes) {
            let tier = match ev.tier {
                crate::model::Tier::Explicit => "explicit",
                crate::model::Tier::Implied => "implied",
            };
            add(node, rdf::TYPE.into_owned(), vocab("Evidence").into())?;
            add(node, rdf::TYPE.into_owned(), prov("Entity").into())?;
            add(node, vocab("document"), Literal::from(&*ev.document).into())?;
            add(
                node,
                vocab("sentence"),
                Literal::from(ev.sentence.as_str()).into(),
            )?;
            add(node, vocab("start"), integer(ev.start).into())?;
            add(node, vocab("end"), integer(ev.end).into())?;
            add(node, vocab("rule"), Literal::from(&*ev.rule).into())?;
            add(node, vocab("tier"), Literal::from(tier).into())?;
            add(node, vocab("confidence"), decimal(ev.confidence).into())?;
            if let Some(when) = &ev.when {
                for (name, date) in [
                    ("validFrom", &when.start),
                    ("validUntil", &when.end),
                    ("pointInTime", &when.point),
                ] {
                    if let Some(date) = date {
                        add(node, vocab(name), date_literal(date).into())?;
                    }
                }
            }
        }
    }
    for (i, c) in graph.conflicts().iter().enumerate() {
        let node: NamedOrBlankNode = BlankNode::new_unchecked(format!("c{i}")).into();
        add(&node, rdf::TYPE.into_owned(), vocab("Conflict").into())?;
        add(&node, vocab("subject"), entity_iri(&c.subject).into())?;
        add(&node, vocab("object"), entity_iri(&c.object).into())?;
        let [a, b] = c.relations;
        add(
            &node,
            vocab("firstRelation"),
            Literal::from(a.as_str()).into(),
        )?;
        add(
            &node,
            vocab("secondRelation"),
            Literal::from(b.as_str()).into(),
        )?;
        add(
            &node,
            vocab("reason"),
            Literal::from(c.reason.as_str()).into(),
        )?;
        for kind in [a, b] {
            let key = (c.subject.as_str(), kind, c.object.as_str());
            let found = statement_of
                .get(&key)
                .or_else(|| statement_of.get(&(key.2, key.1, key.0)));
            if let Some(st) = found {
                add(
                    &node,
                    vocab("between"),
                    BlankNode::new_unchecked(format!("s{st}")).into(),
                )?;
            }
        }
    }
    Ok(())
}

fn prefix_error(e: oxrdf::IriParseError) -> io::Error {
    io::Error::other(e)
}

/// Writes Turtle with the `schema`, `kg`, `e`, `wd`, `owl`, `rdf` and `xsd` prefixes.
pub fn write_turtle(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut serializer = oxttl::TurtleSerializer::new();
    for (name, iri) in PREFIXES {
        serializer = serializer.with_prefix(name, iri).map_err(prefix_error)?;
    }
    let mut w = serializer.for_writer(io::BufWriter::with_capacity(1 << 16, out));
    for_each_triple(graph, |t| w.serialize_triple(&t))?;
    w.finish()?.flush()
}

/// Writes N-Triples, one triple per line.
pub fn write_ntriples(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut w =
        oxttl::NTriplesSerializer::new().for_writer(io::BufWriter::with_capacity(1 << 16, out));
    for_each_triple(graph, |t| w.serialize_triple(&t))?;
    w.finish().flush()
}

/// Writes JSON-LD (a `@context` of the prefixes and a `@graph` of node objects).
pub fn write_jsonld(graph: &KnowledgeGraph, out: &mut dyn Write) -> io::Result<()> {
    let mut serializer = oxjsonld::JsonLdSerializer::new();
    for (name, iri) in PREFIXES {
        serializer = serializer.with_prefix(name, iri).map_err(prefix_error)?;
    }
    let mut w = serializer.for_writer(io::BufWriter::with_capacity(1 << 16, out));
    for_each_triple(graph, |t| {
        w.serialize_quad(QuadRef::new(
            &t.subject,
            &t.predicate,
            &t.object,
            GraphNameRef::DefaultGraph,
        ))
    })?;
    let mut out = w.finish()?;
    out.write_all(b"\n")?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entity_iris_percent_encode() {
        assert_eq!(
            entity_iri("iran").as_str(),
            "https://kg.example/entity/iran"
        );
        assert_eq!(
            entity_iri("a b/上").as_str(),
            "https://kg.example/entity/a%20b%2F%E4%B8%8A"
        );
    }

    #[test]
    fn relations_map_to_schema_or_kg() {
        assert_eq!(
            predicate_iri(RelationKind::MemberOf).as_str(),
            "http://schema.org/memberOf"
        );
        assert_eq!(
            predicate_iri(RelationKind::ObserverOf).as_str(),
            "https://kg.example/vocab#observerOf"
        );
    }
}
