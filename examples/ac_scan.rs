//! The floor under any gazetteer matcher: one leftmost-longest aho-corasick scan of a
//! corpus for a gazetteer's names, nothing else (used by `benches/scale.sh`).
//!
//! ```sh
//! cargo run --release --example ac_scan -- CORPUS/articles CORPUS/gazetteer.json
//! ```
//! Prints `bytes matches scan_seconds read_seconds` on one line.

use aho_corasick::{AhoCorasick, MatchKind};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, gazetteer] = args.as_slice() else {
        eprintln!("usage: ac_scan ARTICLES_DIR GAZETTEER_JSON");
        std::process::exit(2);
    };
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(gazetteer).expect("gazetteer")).expect("json");
    let mut names: Vec<String> = Vec::new();
    for e in json["entities"].as_array().expect("entities") {
        names.push(e["name"].as_str().expect("name").to_string());
        for a in e["aliases"].as_array().into_iter().flatten() {
            names.push(a.as_str().expect("alias").to_string());
        }
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(&names)
        .expect("automaton");
    let read = Instant::now();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("articles dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let texts: Vec<Vec<u8>> = files
        .iter()
        .map(|f| std::fs::read(f).expect("read"))
        .collect();
    let read_s = read.elapsed().as_secs_f64();
    let scan = Instant::now();
    let mut matches = 0usize;
    for t in &texts {
        matches += ac.find_iter(t).count();
    }
    let scan_s = scan.elapsed().as_secs_f64();
    let bytes: usize = texts.iter().map(Vec::len).sum();
    println!("{bytes} {matches} {scan_s:.3} {read_s:.3} {}", names.len());
}
