//! Extraction throughput: articles → claims, one thread and all threads, and the merge.
//!
//! Input: a corpus made by `gen_corpus.py` (set `KG_BENCH_CORPUS` to its directory; its
//! `gazetteer.json` becomes an extra lexicon), else the bundled articles repeated to ~10 MB.
//! Throughput is bytes of article text per second.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kg::extract::{Knowledge, Lexicon, LexiconEntry, RuleSet, extract};
use kg::text::Document;
use rayon::prelude::*;
use std::path::PathBuf;

fn corpus() -> (Vec<Document>, Knowledge) {
    if let Ok(dir) = std::env::var("KG_BENCH_CORPUS") {
        let mut lexicon = Lexicon::world();
        let dir = PathBuf::from(dir);
        let docs = kg::text::load_inputs(&[dir.join("articles")]).expect("corpus articles");
        let gaz: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("gazetteer.json")).expect("gazetteer"))
                .expect("gazetteer json");
        for e in gaz["entities"].as_array().unwrap() {
            let entry = LexiconEntry {
                name: e["name"].as_str().unwrap().to_string(),
                kind: e["type"].as_str().unwrap().parse().unwrap(),
                aliases: e["aliases"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
                    .collect(),
                demonyms: vec![],
                short_names: vec![],
                head_of: vec![],
                wikidata: None,
                case_sensitive: false,
            };
            lexicon
                .add(entry, "gazetteer.json")
                .expect("gazetteer entry");
        }
        return (docs, Knowledge::new(lexicon, RuleSet::builtin()));
    }
    let bundled = kg::text::load_inputs(&[
        PathBuf::from("data/articles"),
        PathBuf::from("tests/fixtures/eval/brics-kazan.txt"),
        PathBuf::from("tests/fixtures/eval/asean-kl.txt"),
    ])
    .expect("bundled articles");
    let mut docs = Vec::new();
    let mut bytes = 0;
    let mut i = 0;
    while bytes < 10_000_000 {
        let d = &bundled[i % bundled.len()];
        bytes += d.text().len();
        docs.push(Document::new(format!("{i:05}-{}", d.name()), d.text()));
        i += 1;
    }
    (docs, Knowledge::builtin())
}

fn bench(c: &mut Criterion) {
    let (docs, knowledge) = corpus();
    let bytes: usize = docs.iter().map(|d| d.text().len()).sum();
    eprintln!(
        "corpus: {} documents, {:.1} MB",
        docs.len(),
        bytes as f64 / 1e6
    );
    let mut g = c.benchmark_group("extract");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("one thread", |b| {
        b.iter(|| {
            docs.iter()
                .map(|d| extract(d, &knowledge).claims.len())
                .sum::<usize>()
        })
    });
    g.bench_function("all threads", |b| {
        b.iter(|| {
            docs.par_iter()
                .map(|d| extract(d, &knowledge).claims.len())
                .sum::<usize>()
        })
    });
    let extractions: Vec<_> = docs.par_iter().map(|d| extract(d, &knowledge)).collect();
    g.bench_function("merge", |b| {
        b.iter(|| {
            kg::pipeline::merge(&extractions, Default::default())
                .unwrap()
                .0
                .edge_count()
        })
    });
    g.finish();
    let build = std::time::Instant::now();
    let k = Knowledge::new(knowledge.lexicon().clone(), RuleSet::builtin());
    eprintln!(
        "knowledge compile ({} entities): {:?}",
        k.lexicon().len(),
        build.elapsed()
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
