//! The built-in world knowledge in `data/builtin/*.toml` (the lexicon format the extractor
//! reads): every file parses with no unknown key, types are entity kinds, names and aliases
//! are unambiguous across all files, Wikidata ids are well formed and unique, the names the
//! project needs are there, and the data agrees with the gold annotations in the fixtures.

use kg::model::EntityKind;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    entity: Vec<Entry>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    #[serde(rename = "type")]
    kind: EntityKind,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    demonyms: Vec<String>,
    // Not checked here; declared so that `deny_unknown_fields` accepts the key.
    #[serde(default)]
    #[allow(dead_code)]
    short_names: Vec<String>,
    #[serde(default)]
    head_of: Vec<String>,
    wikidata: Option<String>,
    #[serde(default)]
    case_sensitive: bool,
}

const FILES: [(&str, EntityKind); 8] = [
    ("countries", EntityKind::Country),
    ("organizations", EntityKind::Organization),
    ("initiatives", EntityKind::Initiative),
    ("people-africa-middle-east", EntityKind::Person),
    ("people-americas", EntityKind::Person),
    ("people-asia-pacific", EntityKind::Person),
    ("people-europe", EntityKind::Person),
    ("people-organizations", EntityKind::Person),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(name: &str) -> Vec<Entry> {
    let path = root().join(format!("data/builtin/{name}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let file: File = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    file.entity
}

fn all() -> Vec<Entry> {
    FILES.iter().flat_map(|(f, _)| load(f)).collect()
}

/// Case-insensitive key of a surface form, as a matcher folding case would see it.
fn key(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Every name and alias, case-folded, to the entity names it belongs to.
fn forms(entries: &[Entry]) -> HashMap<String, Vec<String>> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for e in entries {
        for f in std::iter::once(&e.name).chain(&e.aliases) {
            let owners = out.entry(key(f)).or_default();
            if !owners.contains(&e.name) {
                owners.push(e.name.clone());
            }
        }
    }
    out
}

fn entity_of<'a>(entries: &'a [Entry], form: &str) -> Option<&'a Entry> {
    entries.iter().find(|e| {
        std::iter::once(&e.name)
            .chain(&e.aliases)
            .any(|f| key(f) == key(form))
    })
}

#[test]
fn files_parse_with_the_right_types() {
    for (file, kind) in FILES {
        let entries = load(file);
        assert!(!entries.is_empty(), "{file} is empty");
        for e in &entries {
            assert_eq!(e.kind, kind, "{file}: {} has type {}", e.name, e.kind);
        }
    }
    assert!(
        load("countries").len() >= 240,
        "every state and the common territories"
    );
}

#[test]
fn toml_keys_outside_the_format_are_rejected() {
    let bad = "[[entity]]\nname = \"X\"\ntype = \"country\"\nalias = [\"Y\"]\n";
    assert!(toml::from_str::<File>(bad).is_err());
    let bad_type = "[[entity]]\nname = \"X\"\ntype = \"city\"\n";
    assert!(toml::from_str::<File>(bad_type).is_err());
}

#[test]
fn names_and_aliases_are_clean_and_unambiguous() {
    let entries = all();
    let mut names: HashMap<String, &str> = HashMap::new();
    for e in &entries {
        assert_eq!(e.name.trim(), e.name, "untrimmed name {:?}", e.name);
        assert!(!e.name.is_empty());
        if let Some(other) = names.insert(key(&e.name), &e.name) {
            panic!("duplicate name {:?} / {:?}", e.name, other);
        }
        // A case-sensitive entity may list several capitalisations ("Quad", "QUAD").
        let fold = |s: &str| {
            if e.case_sensitive {
                s.to_string()
            } else {
                key(s)
            }
        };
        let mut seen = vec![fold(&e.name)];
        for a in e.aliases.iter().chain(&e.demonyms) {
            assert!(!a.trim().is_empty(), "{}: empty alias or demonym", e.name);
            assert_eq!(a.trim(), a, "{}: untrimmed {a:?}", e.name);
            assert!(
                !a.to_lowercase().starts_with("the "),
                "{}: {a:?} starts with 'the' (the matcher handles articles)",
                e.name
            );
            assert!(!seen.contains(&fold(a)), "{}: {a:?} listed twice", e.name);
            seen.push(fold(a));
        }
    }
    // No name or alias may point to two entities, in any file, whatever its case: the
    // extractor could not tell which one a mention means. (No exception is needed today;
    // one would be listed here with its reason.)
    let deliberate: &[&str] = &[];
    let clashes: Vec<String> = forms(&entries)
        .into_iter()
        .filter(|(f, owners)| owners.len() > 1 && !deliberate.contains(&f.as_str()))
        .map(|(f, owners)| format!("{f:?}: {owners:?}"))
        .collect();
    assert!(
        clashes.is_empty(),
        "ambiguous surface forms:\n{}",
        clashes.join("\n")
    );
}

#[test]
fn demonyms_belong_to_one_entity_and_are_not_aliases() {
    let entries = all();
    let forms = forms(&entries);
    let mut by_demonym: HashMap<String, &str> = HashMap::new();
    for e in &entries {
        for d in &e.demonyms {
            if let Some(other) = by_demonym.insert(key(d), &e.name) {
                panic!("demonym {d:?} of both {other:?} and {:?}", e.name);
            }
            if let Some(owners) = forms.get(&key(d)) {
                panic!(
                    "demonym {d:?} of {:?} is also a name or alias of {owners:?}",
                    e.name
                );
            }
        }
    }
}

#[test]
fn heads_of_state_name_countries_of_the_lexicon() {
    // `head_of` is only worth something when the extractor can resolve it: every name is a
    // built-in country, and only people of the heads-of-state files have one.
    let entries = all();
    let countries: std::collections::HashSet<String> = entries
        .iter()
        .filter(|e| e.kind == EntityKind::Country)
        .map(|e| key(&e.name))
        .collect();
    let mut heads = 0;
    for e in &entries {
        for c in &e.head_of {
            assert_eq!(
                e.kind,
                EntityKind::Person,
                "{}: head_of on a non-person",
                e.name
            );
            assert!(
                countries.contains(&key(c)),
                "{}: head_of '{c}' is no built-in country",
                e.name
            );
            heads += 1;
        }
    }
    let people = load("people-europe").len() + load("people-americas").len();
    assert!(heads >= people, "only {heads} head_of entries");
    assert!(
        load("people-organizations")
            .iter()
            .all(|e| e.head_of.is_empty())
    );
}

#[test]
fn wikidata_ids_are_well_formed_and_unique() {
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut count = 0;
    for e in all() {
        let Some(q) = &e.wikidata else { continue };
        count += 1;
        let digits = q
            .strip_prefix('Q')
            .unwrap_or_else(|| panic!("{}: {q}", e.name));
        assert!(
            !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && !digits.starts_with('0'),
            "{}: bad Wikidata id {q:?}",
            e.name
        );
        if let Some(other) = seen.insert(q.clone(), e.name.clone()) {
            panic!("{q} used by {other:?} and {:?}", e.name);
        }
    }
    assert!(count >= 200, "only {count} Wikidata ids");
    let countries = load("countries");
    for (name, q) in [
        ("China", "Q148"),
        ("Russia", "Q159"),
        ("India", "Q668"),
        ("Kazakhstan", "Q232"),
        ("United States", "Q30"),
    ] {
        let e = entity_of(&countries, name).unwrap();
        assert_eq!(e.wikidata.as_deref(), Some(q), "{name}");
    }
}

#[test]
fn the_names_the_project_needs_are_there() {
    let countries = load("countries");
    let country = |form: &str| {
        entity_of(&countries, form)
            .unwrap_or_else(|| panic!("no country named {form:?}"))
            .name
            .clone()
    };
    for (form, name) in [
        ("カザフスタン", "Kazakhstan"),
        ("中国", "China"),
        ("ロシア", "Russia"),
        ("インド", "India"),
        ("フィリピン", "Philippines"),
        ("タイ", "Thailand"),
        ("モンゴル", "Mongolia"),
        ("マレーシア", "Malaysia"),
        ("カンボジア", "Cambodia"),
        ("ネパール", "Nepal"),
        ("スリランカ", "Sri Lanka"),
        ("香港", "Hong Kong"),
        ("東ティモール", "Timor-Leste"),
        ("インドネシア", "Indonesia"),
        ("台湾", "Taiwan"),
        ("Türkiye", "Turkey"),
        ("Swaziland", "Eswatini"),
        ("Burma", "Myanmar"),
        ("Czech Republic", "Czechia"),
        ("Ivory Coast", "Côte d'Ivoire"),
        ("East Timor", "Timor-Leste"),
        ("USA", "United States"),
        ("UK", "United Kingdom"),
        ("Macao", "Macau"),
        ("Kosovo", "Kosovo"),
        ("Palestine", "Palestine"),
        ("Western Sahara", "Western Sahara"),
    ] {
        assert_eq!(country(form), name, "{form}");
    }
    let demonym = |d: &str| {
        countries
            .iter()
            .find(|e| e.demonyms.iter().any(|x| x == d))
            .map(|e| e.name.as_str())
    };
    for (d, name) in [
        ("Chinese", "China"),
        ("Russian", "Russia"),
        ("Indian", "India"),
        ("Brazilian", "Brazil"),
        ("Emirati", "United Arab Emirates"),
        ("Saudi", "Saudi Arabia"),
        ("Philippine", "Philippines"),
        ("Filipino", "Philippines"),
        ("Kazakh", "Kazakhstan"),
    ] {
        assert_eq!(demonym(d), Some(name), "{d}");
    }
    for form in [
        "Chad", "Jordan", "Georgia", "Niger", "Turkey", "US", "Guinea",
    ] {
        let e = entity_of(&countries, form).unwrap();
        assert!(e.case_sensitive, "{form} is a common word: case_sensitive");
    }
    let everything = all();
    for (form, name) in [
        ("SCO", "Shanghai Cooperation Organization"),
        ("上海協力機構", "Shanghai Cooperation Organization"),
        (
            "Shanghai Cooperation Organisation",
            "Shanghai Cooperation Organization",
        ),
        ("NATO", "North Atlantic Treaty Organization"),
        ("EAEU", "Eurasian Economic Union"),
        ("EEU", "Eurasian Economic Union"),
        ("OPEC+", "OPEC+"),
        ("OTS", "Organization of Turkic States"),
        ("UNSC", "United Nations Security Council"),
        ("一帯一路", "Belt and Road Initiative"),
        ("One Belt One Road", "Belt and Road Initiative"),
        ("新南向政策", "New Southbound Policy"),
        ("IPEF", "Indo-Pacific Economic Framework"),
    ] {
        assert_eq!(
            entity_of(&everything, form).map(|e| e.name.as_str()),
            Some(name),
            "{form}"
        );
    }
}

/// The gold annotations were written independently: where a gold entity's name is a
/// built-in name or alias, the types agree and the gold's other surface forms, when built-in,
/// point to the same entity.
#[test]
fn builtin_knowledge_agrees_with_the_gold_annotations() {
    let entries = all();
    let dir = root().join("tests/fixtures/eval");
    let mut checked = 0;
    for gold in ["sco-summit", "brics-kazan", "asean-kl"] {
        let path: &Path = &dir.join(format!("{gold}.gold.json"));
        let data: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for g in data["entities"].as_array().unwrap() {
            let name = g["name"].as_str().unwrap();
            let Some(e) = entity_of(&entries, name) else {
                let country = g["type"] == "country";
                assert!(!country, "{gold}: gold country {name:?} is not built in");
                continue;
            };
            checked += 1;
            assert_eq!(
                g["type"].as_str(),
                Some(e.kind.to_string().as_str()),
                "{gold}: {name}"
            );
            for a in g["aliases"].as_array().into_iter().flatten() {
                let a = a.as_str().unwrap();
                if let Some(other) = entity_of(&entries, a) {
                    assert_eq!(other.name, e.name, "{gold}: alias {a:?} of {name:?}");
                }
            }
        }
    }
    assert!(checked >= 60, "only {checked} gold entities are built in");
}

/// A given name alone ("Mohamed", "Emmanuel") would merge strangers: no person's alias is one.
#[test]
fn no_person_alias_is_a_bare_given_name() {
    #[derive(Deserialize)]
    struct Given {
        names: Vec<String>,
    }
    let text = std::fs::read_to_string(root().join("data/builtin/given_names.toml")).unwrap();
    let given: Given = toml::from_str(&text).unwrap();
    let given: std::collections::HashSet<String> = given.names.into_iter().collect();
    let bad: Vec<String> = all()
        .into_iter()
        .filter(|e| e.kind == EntityKind::Person)
        .flat_map(|e| {
            let name = e.name.clone();
            e.aliases
                .into_iter()
                .filter(|a| !a.contains(' ') && given.contains(a))
                .map(move |a| format!("{name}: {a}"))
        })
        .collect();
    assert!(bad.is_empty(), "aliases that are given names: {bad:?}");
}
