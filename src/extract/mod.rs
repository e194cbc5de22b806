//! Extraction: from one document and the knowledge (lexicon + rules) to mentions and claims.
//!
//! [`extract`] is a pure function of `(document, knowledge)`: it reads nothing else and
//! returns the entities the document names and the claims it makes, each with its evidence
//! (sentence, byte span, rule). Documents can therefore be processed in any order, on any
//! number of threads or machines, and merged later by [`crate::graph`].
//!
//! ```
//! use kg::extract::{extract, Knowledge};
//! use kg::text::Document;
//!
//! let knowledge = Knowledge::builtin();
//! let doc = Document::new("a.txt", "Chinese President Xi Jinping arrived.");
//! let found = extract(&doc, &knowledge);
//! let claim = &found.claims[0];
//! assert_eq!((claim.subject.as_str(), claim.relation.as_str(), claim.object.as_str()),
//!            ("xi-jinping", "leads", "china"));
//! assert_eq!(&doc.text()[claim.evidence.start..claim.evidence.end], claim.evidence.sentence);
//! ```

mod apply;
mod coref;
mod discover;
mod engine;
mod gapped;
mod infer;
pub mod inflect;
mod knowledge;
pub mod lexicon;
pub mod matcher;
pub mod rules;
mod slots;
pub mod temporal;
mod titled;

pub use knowledge::{Knowledge, KnowledgeError};
pub use lexicon::{Lexicon, LexiconEntry, LexiconError};
pub use matcher::{Form, Gazetteer, Mention};
pub use rules::{RuleSet, RulesError};

use crate::model::{Claim, Entity};
use crate::text::Document;

/// What one document says: the entities it names and the claims it makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extraction {
    /// The document's name.
    pub document: String,
    /// Entities named in the document (or taking part in a claim), sorted by id.
    pub entities: Vec<Entity>,
    /// Claims, sorted and without duplicates.
    pub claims: Vec<Claim>,
    /// For each entity id, the distinct names the document used for it, sorted.
    pub surfaces: std::collections::BTreeMap<String, Vec<String>>,
}

/// Extracts entities and claims from one document.
///
/// Extraction reads the document's working text (NFC, line ends); evidence spans and
/// sentences are then taken back to the original text, so they index the file's bytes.
pub fn extract(doc: &Document, knowledge: &Knowledge) -> Extraction {
    let mut ex = engine::run(doc, knowledge);
    if doc.is_normalized() {
        let original = doc.original_text();
        for claim in &mut ex.claims {
            let ev = &mut claim.evidence;
            let span = doc.original_span(ev.start..ev.end);
            ev.sentence = original[span.clone()].to_string();
            (ev.start, ev.end) = (span.start, span.end);
        }
    }
    ex
}
#[cfg(test)]
mod layout_tests;
