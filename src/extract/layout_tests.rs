//! Extraction around layout: one-line documents and lead lines without a final stop are
//! text, captions and credits name no entity and do not separate a slot from its trigger.
//! The sentences are written for these tests.

use super::{Knowledge, extract};
use crate::text::Document;

struct Found {
    entities: Vec<String>,
    claims: Vec<(String, String, String)>,
}

fn run(text: &str) -> Found {
    let doc = Document::new("t.txt", text);
    let ex = extract(&doc, &Knowledge::builtin());
    for c in &ex.claims {
        assert_eq!(&text[c.evidence.start..c.evidence.end], c.evidence.sentence);
    }
    Found {
        entities: ex.entities.into_iter().map(|e| e.label).collect(),
        claims: ex
            .claims
            .into_iter()
            .map(|c| (c.subject, c.relation.as_str().to_string(), c.object))
            .collect(),
    }
}

impl Found {
    fn has(&self, s: &str, r: &str, o: &str) -> bool {
        self.claims.iter().any(|c| c.0 == s && c.1 == r && c.2 == o)
    }
    fn names(&self, label: &str) -> bool {
        self.entities.iter().any(|e| e == label)
    }
}

#[test]
fn a_one_sentence_article_without_a_stop_is_read() {
    let f = run(
        "Chilean President Gabriel Boric met Kenyan President William Ruto in Santiago on Monday",
    );
    assert!(f.names("Gabriel Boric"), "{:?}", f.entities);
    assert!(
        f.has("gabriel-boric", "met-with", "william-ruto"),
        "{:?}",
        f.claims
    );
}

#[test]
fn a_lead_line_without_a_stop_is_read() {
    let f = run("Copper Talks\n\n\
                 Chilean President Gabriel Boric met Kenyan President William Ruto in Santiago on Monday\n\n\
                 The two discussed mining.\n");
    assert!(
        f.has("gabriel-boric", "met-with", "william-ruto"),
        "{:?}",
        f.claims
    );
    assert!(f.has("gabriel-boric", "leads", "chile"), "{:?}", f.claims);
}

#[test]
fn credits_are_never_entities() {
    let f = run("Flood Relief\n\n\
                 Getty Images\n\n\
                 Rescue teams reached the villages on Sunday (Photo: UN Photo/Jane Doe). \
                 Photo: AFP/Pacific Press Institute\n\n\
                 UN Photo/Li Wei\n");
    assert!(f.entities.is_empty(), "{:?}", f.entities);
}

#[test]
fn a_credit_before_a_name_is_not_part_of_it() {
    let f = run("Photo: Reuters Andean Development Bank officials arrived in Lima on Monday.");
    assert!(f.names("Andean Development Bank"), "{:?}", f.entities);
    assert!(
        f.entities.iter().all(|e| !e.contains("Reuters")),
        "{:?}",
        f.entities
    );
}

#[test]
fn positions_between_commas_do_not_break_a_list() {
    let f = run(
        "Chilean President Gabriel Boric met Kenyan President William Ruto, left, and \
                 Tanzanian President Samia Hassan, right, in Nairobi.",
    );
    assert!(
        f.has("gabriel-boric", "met-with", "william-ruto"),
        "{:?}",
        f.claims
    );
    assert!(
        f.has("gabriel-boric", "met-with", "samia-hassan"),
        "{:?}",
        f.claims
    );
    let f = run("Kenya, left, and Tanzania, right, joined the East African Community in 2000.");
    assert!(
        f.has("kenya", "member-of", "east-african-community"),
        "{:?}",
        f.claims
    );
    assert!(
        f.has("tanzania", "member-of", "east-african-community"),
        "{:?}",
        f.claims
    );
}

#[test]
fn a_caption_line_carries_no_claim() {
    // Lines that are only a caption or a credit are no sentences: nothing in them counts.
    let f = run("Summit Day\n\nFile photo\n\nUN Photo/Reuters\n\nPeru joined APEC in 1998.");
    assert!(
        f.has("peru", "member-of", "asia-pacific-economic-cooperation"),
        "{:?}",
        f.claims
    );
    assert!(!f.names("United Nations"), "{:?}", f.entities);
}
