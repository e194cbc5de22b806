//! Exports of a built graph to file formats other tools read.
//!
//! Data formats, one module each, every one deterministic (nodes by id, edges by
//! source, relation, target) and each exposing `write(graph, out)`:
//!
//! * [`nodelink`]: NetworkX / D3 node-link JSON;
//! * [`cytoscape`]: Cytoscape.js elements JSON;
//! * [`graphml`]: GraphML with typed keys (NetworkX, Gephi, yEd);
//! * [`gexf`]: GEXF 1.3 with viz colour and size (Gephi, NetworkX);
//! * [`csv`]: `neo4j-admin database import` CSV files (`write_dir`);
//! * [`cypher`]: a Cypher `MERGE` script;
//! * [`rdf`]: Turtle, N-Triples and JSON-LD over schema.org plus the `kg` vocabulary.
//!
//! [`fields`] holds what they share: the attribute set and escaping helpers.

pub mod csv;
pub mod cypher;
pub mod cytoscape;
pub mod fields;
pub mod gexf;
pub mod graphml;
pub mod nodelink;
pub mod rdf;
