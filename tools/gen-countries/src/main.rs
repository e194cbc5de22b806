//! Writes `data/builtin/countries.toml` (the kg lexicon format) from the `keshvar` crate's
//! ISO 3166-1 data, merged with the hand-curated `curated.toml` beside this tool.
//!
//! Run from the repository root:
//!     cargo run --manifest-path tools/gen-countries/Cargo.toml > data/builtin/countries.toml
//!
//! What it takes from keshvar: the ISO short name, the English and Japanese translations,
//! the unofficial names in English or in a non-Latin script (German, French, Spanish... forms
//! such as "Island" for Iceland are left out: they would match English words), and the
//! nationality as a demonym. Collisions (an alias or demonym of two countries) are reported
//! on stderr and dropped from the entities that did not curate them.

use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Curated {
    #[serde(default)]
    skip: Vec<String>,
    #[serde(default)]
    country: BTreeMap<String, Override>,
    #[serde(default)]
    extra: BTreeMap<String, Override>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Override {
    name: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    drop: Vec<String>,
    demonyms: Option<Vec<String>>,
    wikidata: Option<String>,
    #[serde(default)]
    case_sensitive: bool,
}

#[derive(Debug)]
struct Entry {
    code: String,
    name: String,
    aliases: Vec<String>,
    demonyms: Vec<String>,
    demonyms_curated: bool,
    sovereign: bool,
    wikidata: Option<String>,
    case_sensitive: bool,
}

fn is_latin(s: &str) -> bool {
    s.chars()
        .filter(|c| c.is_alphabetic())
        .all(|c| (c as u32) < 0x250)
}

/// Foreign function words and endings of keshvar's German, French, Spanish and Dutch names.
const FOREIGN_WORDS: &[&str] = &[
    "und", "et", "y", "en", "de", "del", "los", "las", "les", "du", "der", "die", "das", "von",
    "Cap", "Sankt", "Sainte", "Santa", "Isla", "Islas", "Corea", "Republik", "Nederland",
];
const FOREIGN_ENDINGS: &[&str] = &["ien", "inseln", "insel", "eiland", "eilanden", "gebieden"];

/// An unofficial Latin-script name kept as an English alias: plain ASCII, not another
/// language's translation, no foreign function word or typical foreign ending.
fn looks_english(n: &str, foreign: &[&str]) -> bool {
    n.is_ascii()
        && !foreign.contains(&n)
        && !n.split([' ', '-']).any(|w| FOREIGN_WORDS.contains(&w))
        && !FOREIGN_ENDINGS.iter().any(|e| n.ends_with(e))
}

/// "大韓民国 (韓国)" -> ["大韓民国", "韓国"]; a qualifier such as "(仏領)" is not a name;
/// "ココス (キーリング) 諸島" -> ["ココス諸島"].
fn split_ja(s: &str) -> Vec<String> {
    let s = s.trim();
    let Some((head, rest)) = s.split_once(" (").or_else(|| s.split_once('(')) else {
        return vec![s.to_string()];
    };
    let Some((inner, tail)) = rest.split_once(')') else {
        return vec![head.trim().to_string()];
    };
    if !tail.trim().is_empty() {
        return vec![format!("{}{}", head.trim(), tail.trim())];
    }
    let mut out = vec![head.trim().to_string()];
    let inner = inner.trim();
    if inner.chars().count() > 1 && !inner.ends_with('領') {
        out.push(inner.to_string());
    }
    out
}

fn strip_the(s: &str) -> &str {
    s.strip_prefix("the ").or_else(|| s.strip_prefix("The ")).unwrap_or(s)
}

fn push_unique(list: &mut Vec<String>, name: &str, item: &str) {
    let item = item.trim();
    if item.is_empty() || item.eq_ignore_ascii_case(name) {
        return;
    }
    let lower = item.to_lowercase();
    if !list.iter().any(|a| a.to_lowercase() == lower) {
        list.push(item.to_string());
    }
}

fn entry_from_keshvar(c: &keshvar::Country, o: &Override) -> Entry {
    let code = c.alpha2().to_string();
    let name = o.name.clone().unwrap_or_else(|| c.iso_short_name().to_string());
    let tr = c.translations();
    let english = tr.get("en").copied().unwrap_or_default();
    let foreign: Vec<&str> = tr
        .iter()
        .filter(|(lang, _)| **lang != "en")
        .map(|(_, v)| *v)
        .collect();
    let mut candidates: Vec<String> = vec![c.iso_short_name().to_string(), english.to_string()];
    // The ISO long name ("The Republic of the Marshall Islands") as running text writes it.
    let long = c.iso_long_name();
    candidates.push(long.strip_prefix("The ").unwrap_or(long).to_string());
    for n in c.unofficial_name_list() {
        let n = n.trim();
        // Parenthesised and inverted ("Congo, Republic of") forms never occur in running text.
        if n.contains('(') || n.contains('[') || n.contains('（') || n.contains(", ") {
            continue;
        }
        // Latin-script forms in other languages ("Island" for Iceland, "Syrien") would match
        // English words or never occur in English text: keep only English-looking ones.
        if is_latin(n) && n != english && n != c.iso_short_name() && !looks_english(n, &foreign)
        {
            continue;
        }
        candidates.push(n.to_string());
    }
    if let Some(ja) = tr.get("ja") {
        candidates.extend(split_ja(ja));
    }
    candidates.extend(o.aliases.iter().cloned());
    let mut aliases = Vec::new();
    for a in &candidates {
        let a = strip_the(a);
        let inverted = a.contains(", ") && is_latin(a) && !o.aliases.iter().any(|x| x == a);
        if inverted || a.contains('(') || a.contains('[') || o.drop.iter().any(|d| d == a) {
            continue;
        }
        push_unique(&mut aliases, &name, a);
    }
    let demonyms_curated = o.demonyms.is_some();
    // A "nationality" equal to the name ("Djibouti", "Gibraltar") is no demonym.
    let demonyms = o.demonyms.clone().unwrap_or_else(|| {
        c.maybe_nationality()
            .map(|n| n.split(", ").map(str::to_string).collect())
            .unwrap_or_default()
    });
    let demonyms = demonyms.into_iter().filter(|d| *d != name).collect();
    Entry {
        code,
        name,
        aliases,
        demonyms,
        demonyms_curated,
        sovereign: c.un_member(),
        wikidata: o.wikidata.clone(),
        case_sensitive: o.case_sensitive,
    }
}

fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn arr(xs: &[String]) -> String {
    let items: Vec<String> = xs.iter().map(|x| q(x)).collect();
    format!("[{}]", items.join(", "))
}

fn main() {
    let here = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(here.join("curated.toml")).expect("read curated.toml");
    let curated: Curated = toml::from_str(&text).expect("parse curated.toml");
    let known: Vec<String> = keshvar::CountryIterator::new()
        .map(|c| c.alpha2().to_string())
        .collect();
    for code in curated.country.keys() {
        assert!(
            known.contains(code),
            "curated.toml: {code} is not a keshvar country (use [extra.{code}])"
        );
    }
    let mut entries: Vec<Entry> = keshvar::CountryIterator::new()
        .filter(|c| !curated.skip.contains(&c.alpha2().to_string()))
        .map(|c| {
            let o = curated
                .country
                .get(&c.alpha2().to_string())
                .cloned()
                .unwrap_or_default();
            entry_from_keshvar(&c, &o)
        })
        .collect();
    for (code, o) in &curated.extra {
        let name = o.name.clone().expect("extra entries need a name");
        let mut aliases = Vec::new();
        for a in &o.aliases {
            push_unique(&mut aliases, &name, a);
        }
        entries.push(Entry {
            code: code.clone(),
            name,
            aliases,
            demonyms: o.demonyms.clone().unwrap_or_default(),
            demonyms_curated: true,
            sovereign: true,
            wikidata: o.wikidata.clone(),
            case_sensitive: o.case_sensitive,
        });
    }

    // Demonyms shared by several entities: keep them where curated, else on the sovereign
    // state, else nowhere.
    let mut by_demonym: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        for d in &e.demonyms {
            by_demonym.entry(d.to_lowercase()).or_default().push(i);
        }
    }
    let mut shared: Vec<(String, Vec<usize>)> =
        by_demonym.into_iter().filter(|(_, v)| v.len() > 1).collect();
    shared.sort();
    for (d, owners) in shared {
        let keep: Vec<usize> = {
            let curated: Vec<usize> = owners
                .iter()
                .copied()
                .filter(|&i| entries[i].demonyms_curated)
                .collect();
            if !curated.is_empty() {
                curated
            } else {
                let sovereign: Vec<usize> =
                    owners.iter().copied().filter(|&i| entries[i].sovereign).collect();
                if sovereign.len() == 1 { sovereign } else { vec![] }
            }
        };
        for &i in &owners {
            if !keep.contains(&i) {
                eprintln!("demonym {d:?}: dropped from {}", entries[i].code);
                entries[i].demonyms.retain(|x| x.to_lowercase() != d);
            }
        }
    }

    // Aliases (and names) shared by several entities: report them; curated drop lists fix them.
    let mut by_form: HashMap<String, Vec<String>> = HashMap::new();
    for e in &entries {
        for f in std::iter::once(&e.name).chain(&e.aliases) {
            by_form.entry(f.to_lowercase()).or_default().push(e.code.clone());
        }
    }
    let mut clashes: Vec<_> = by_form.into_iter().filter(|(_, v)| v.len() > 1).collect();
    clashes.sort();
    for (f, codes) in &clashes {
        eprintln!("alias {f:?} shared by {codes:?}");
    }

    entries.sort_by(|a, b| a.name.cmp(&b.name));
    println!("# Countries and territories for kg's built-in lexicon.");
    println!("# GENERATED by tools/gen-countries from the keshvar crate (ISO 3166-1 names, unofficial");
    println!("# names, Japanese translations, nationalities) merged with tools/gen-countries/curated.toml.");
    println!("# Edit curated.toml and re-run; see data/README.md.");
    for e in &entries {
        println!();
        println!("[[entity]]");
        println!("name = {}", q(&e.name));
        println!("type = \"country\"");
        println!("aliases = {}", arr(&e.aliases));
        println!("demonyms = {}", arr(&e.demonyms));
        if let Some(w) = &e.wikidata {
            println!("wikidata = {}", q(w));
        }
        if e.case_sensitive {
            println!("case_sensitive = true");
        }
    }
}
