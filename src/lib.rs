//! `kg` turns articles into knowledge graphs whose every edge keeps the sentence that proves it.
//!
//! Data flows one way, one module per stage:
//!
//! * [`text`]: documents, blocks and sentences with byte spans;
//! * [`extract`]: lexicon mentions and rule-based claims, a pure function of
//!   (document, knowledge);
//! * [`graph`]: the petgraph model, a merge of claims, and its JSON contract;
//! * [`query`] and [`export`]: questions and file formats over a built graph;
//! * [`serve`]: the JSON API over HTTP, answering with the same [`query`] functions;
//! * [`eval`]: scores a graph against a gold annotation.
//!
//! The command line lives in the binary (`src/cli/`): no library module sees its argument
//! types, and library code prints nothing.
//!
//! [`error`] holds the one position and syntax-error type every parser reports with, and
//! the warnings returned beside results.
//!
//! [`atomic`] is how every one of them writes files: whole or not at all.
//!
//! [`model`] holds the vocabulary they share (`Entity`, `EntityKind`, `RelationKind`,
//! `Evidence`, `Claim`).

pub mod atomic;
pub mod claims;
pub mod error;
pub mod eval;
pub mod export;
pub mod extract;
pub mod graph;
mod hash;
pub mod model;
pub mod pipeline;
pub mod query;
pub mod report;
pub mod serve;
pub mod text;
