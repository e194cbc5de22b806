//! The lexicon: what entities exist, what they are called, and how to recognise them.
//!
//! A lexicon file is TOML, one `[[entity]]` table per entity:
//!
//! ```toml
//! [[entity]]
//! name = "Shanghai Cooperation Organization"  # canonical label (its slug is the node id)
//! type = "organization"                       # country|organization|person|initiative|place|event
//! aliases = ["SCO", "上海協力機構"]            # other names, any script
//! demonyms = []                               # adjectival forms ("Chinese", "Sino"): matched
//!                                             # only where a rule asks for them, never aliases
//! wikidata = "Q485207"                        # optional
//! case_sensitive = false                      # optional: match names only as written
//! ```
//!
//! A lexicon may also be JSON, the gazetteer format of corpus generators:
//! `{"entities": [{"name": "...", "type": "person", "aliases": ["..."]}]}` (each entry takes
//! the same keys as a TOML `[[entity]]`). A file whose text starts with `{` is read as JSON.
//!
//! Several lexicons merge in order: an entry whose name (or id) is already known adds its
//! aliases and demonyms to the existing entity instead of creating another one.

use crate::error::{Position, SyntaxError};
use crate::model::{EntityKind, slug};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// World knowledge, compiled in: countries and territories, intergovernmental
/// organizations, well-known initiatives, heads of state and government since 2000 (`data/builtin/`, sources in `data/README.md`).
pub const WORLD_LEXICONS: &[(&str, &str)] = &[
    (
        "data/builtin/countries.toml",
        include_str!("../../data/builtin/countries.toml"),
    ),
    (
        "data/builtin/organizations.toml",
        include_str!("../../data/builtin/organizations.toml"),
    ),
    (
        "data/builtin/initiatives.toml",
        include_str!("../../data/builtin/initiatives.toml"),
    ),
    (
        "data/builtin/people-africa-middle-east.toml",
        include_str!("../../data/builtin/people-africa-middle-east.toml"),
    ),
    (
        "data/builtin/people-americas.toml",
        include_str!("../../data/builtin/people-americas.toml"),
    ),
    (
        "data/builtin/people-asia-pacific.toml",
        include_str!("../../data/builtin/people-asia-pacific.toml"),
    ),
    (
        "data/builtin/people-europe.toml",
        include_str!("../../data/builtin/people-europe.toml"),
    ),
    (
        "data/builtin/people-organizations.toml",
        include_str!("../../data/builtin/people-organizations.toml"),
    ),
];

/// The domain lexicon of the bundled articles, compiled in (`data/lexicon.toml`).
pub const DOMAIN_LEXICON: (&str, &str) =
    ("data/lexicon.toml", include_str!("../../data/lexicon.toml"));

/// Errors reading a lexicon.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// TOML or JSON syntax error, unknown key or unknown entity type.
    #[error("{0}")]
    Syntax(#[from] SyntaxError),
    /// An entry with an empty name.
    #[error("{path}: entity #{index} has an empty name")]
    EmptyName {
        /// The file.
        path: String,
        /// 1-based position of the entry.
        index: usize,
    },
    /// A name that would match almost everywhere: one character, or a stop word
    /// (`data/stopwords.txt`) not written in capitals.
    #[error(
        "{position}: {field} '{name}' {why}, so it would match almost everywhere; remove it or write a longer form"
    )]
    TooCommon {
        /// Where the name is written.
        position: Position,
        /// Which key holds it (`name`, `aliases`, `demonyms`, `short_names`).
        field: &'static str,
        /// The name.
        name: String,
        /// Why it is refused.
        why: &'static str,
    },
    /// The same name, kept as two entities of different types.
    #[error("{path}: '{name}' is declared as {first} and as {second}")]
    TypeClash {
        /// The file declaring the second type.
        path: String,
        /// The entity name.
        name: String,
        /// The type seen first.
        first: EntityKind,
        /// The type in this file.
        second: EntityKind,
    },
}

/// Adds the items `into` does not hold yet, in order.
fn union(into: &mut Vec<String>, items: Vec<String>) {
    for item in items {
        if !into.contains(&item) {
            into.push(item);
        }
    }
}

/// One entity as written in a lexicon file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LexiconEntry {
    /// Canonical name.
    pub name: String,
    /// Entity type.
    #[serde(rename = "type")]
    pub kind: EntityKind,
    /// Other names.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Adjectival forms, matched as demonym mentions.
    #[serde(default)]
    pub demonyms: Vec<String>,
    /// Short forms ("Tokayev", "Xi") that name this entity only in a document that also
    /// names it in full: a surname alone is too common to be an alias everywhere.
    #[serde(default)]
    pub short_names: Vec<String>,
    /// Countries (by name) this person has headed as head of state or government: world
    /// knowledge that says *which* country "President X" leads when the text gives the
    /// title but not the country. Names no lexicon country has are ignored.
    #[serde(default)]
    pub head_of: Vec<String>,
    /// Wikidata item id.
    #[serde(default)]
    pub wikidata: Option<String>,
    /// Match the names only with the exact case written.
    #[serde(default)]
    pub case_sensitive: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LexiconFile {
    #[serde(default)]
    entity: Vec<LexiconEntry>,
}

/// The JSON gazetteer form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLexiconFile {
    entities: Vec<LexiconEntry>,
}

/// A merged set of entities.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    entries: Vec<LexiconEntry>,
    ids: Vec<String>,
    by_key: HashMap<String, usize>,
}

impl Lexicon {
    /// An empty lexicon.
    pub fn new() -> Self {
        Self::default()
    }

    /// The compiled-in world knowledge only (what `--builtin-only` uses).
    pub fn world() -> Self {
        let mut lex = Lexicon::new();
        for (name, text) in WORLD_LEXICONS {
            lex.add_toml(name, text).expect("built-in lexicon parses");
        }
        lex
    }

    /// The compiled-in world knowledge plus the domain lexicon.
    pub fn builtin() -> Self {
        let mut lex = Lexicon::world();
        lex.add_toml(DOMAIN_LEXICON.0, DOMAIN_LEXICON.1)
            .expect("domain lexicon parses");
        lex
    }

    /// Parses TOML text and merges its entries; `name` is used in error messages.
    pub fn add_toml(&mut self, name: &str, text: &str) -> Result<(), LexiconError> {
        let file: LexiconFile =
            toml::from_str(text).map_err(|e| SyntaxError::toml(name, text, &e))?;
        check_names(name, text, Format::Toml, &file.entity)?;
        self.add_entries(name, file.entity)
    }

    /// Parses a JSON gazetteer (`{"entities": [{"name", "type", "aliases"}]}`) and merges
    /// its entries; `name` is used in error messages.
    pub fn add_json(&mut self, name: &str, text: &str) -> Result<(), LexiconError> {
        let file: JsonLexiconFile = serde_json::from_str(text)
            .map_err(|e| SyntaxError::json(Some(name.into()), text, &e))?;
        check_names(name, text, Format::Json, &file.entities)?;
        self.add_entries(name, file.entities)
    }

    fn add_entries(&mut self, name: &str, entries: Vec<LexiconEntry>) -> Result<(), LexiconError> {
        for (i, entry) in entries.into_iter().enumerate() {
            if entry.name.trim().is_empty() {
                return Err(LexiconError::EmptyName {
                    path: name.to_string(),
                    index: i + 1,
                });
            }
            self.add(entry, name)?;
        }
        Ok(())
    }

    /// Reads a lexicon file (TOML, or JSON when its text starts with `{`) and merges it.
    pub fn add_file(&mut self, path: &Path) -> Result<(), LexiconError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| LexiconError::Io {
            path: name.clone(),
            source,
        })?;
        if text.trim_start().starts_with('{') {
            self.add_json(&name, &text)
        } else {
            self.add_toml(&name, &text)
        }
    }

    /// Adds one entry, merging it into an existing entity with the same name or id.
    pub fn add(&mut self, entry: LexiconEntry, source: &str) -> Result<(), LexiconError> {
        let id = slug(&entry.name);
        let existing = self
            .by_key
            .get(&key(&entry.name))
            .or_else(|| self.by_key.get(&id))
            .copied();
        match existing {
            Some(ix) => {
                let old = &mut self.entries[ix];
                if old.kind != entry.kind {
                    return Err(LexiconError::TypeClash {
                        path: source.to_string(),
                        name: entry.name,
                        first: old.kind,
                        second: entry.kind,
                    });
                }
                for a in entry.aliases {
                    if a != old.name && !old.aliases.contains(&a) {
                        old.aliases.push(a);
                    }
                }
                union(&mut old.demonyms, entry.demonyms);
                union(&mut old.head_of, entry.head_of);
                union(&mut old.short_names, entry.short_names);
                if entry.wikidata.is_some() {
                    old.wikidata = entry.wikidata;
                }
                old.case_sensitive |= entry.case_sensitive;
            }
            None => {
                let ix = self.entries.len();
                self.by_key.insert(key(&entry.name), ix);
                self.by_key.insert(id.clone(), ix);
                self.ids.push(id);
                self.entries.push(entry);
            }
        }
        Ok(())
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no entities.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry at an index.
    pub fn entry(&self, ix: usize) -> &LexiconEntry {
        &self.entries[ix]
    }

    /// The node id of the entry at an index.
    pub fn id(&self, ix: usize) -> &str {
        &self.ids[ix]
    }

    /// All entries, in the order first added.
    pub fn entries(&self) -> &[LexiconEntry] {
        &self.entries
    }
}

fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// English stop words, one a line (source in `data/README.md`).
const STOP_WORDS: &str = include_str!("../../data/stopwords.txt");

fn stop_words() -> &'static std::collections::HashSet<&'static str> {
    static WORDS: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        STOP_WORDS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Why a name would match almost everywhere, if it would.
///
/// One character is refused in any script ("a", "中"). A stop word is refused unless it is
/// written without lower-case letters: the matcher takes short and all-capital names only as
/// written, so "US" or "WHO" match the acronym and never "us" or "who".
fn too_common(name: &str) -> Option<&'static str> {
    let name = name.trim();
    let mut chars = name.chars();
    if chars.next().is_some() && chars.next().is_none() {
        return Some("is a single character");
    }
    // The longest stop word has 10 letters: longer names need no lowering.
    if name.len() <= 12
        && name.chars().any(char::is_lowercase)
        && stop_words().contains(name.to_lowercase().as_str())
    {
        return Some("is a common English word");
    }
    None
}

/// The format of a lexicon's text, to find where a name is written in it.
#[derive(Clone, Copy)]
enum Format {
    Toml,
    Json,
}

/// The keys of an entry that hold names, in the order they are checked.
const NAME_KEYS: [&str; 4] = ["name", "aliases", "demonyms", "short_names"];

/// Refuses the first name of `entries` that would match almost everywhere, naming where it
/// is written in `text`. (Refused, not dropped with a warning: a lexicon is written by hand
/// or generated on purpose, and such a name is a mistake whose every match is a false
/// mention; a build that went on without it would not be the build that was asked for.)
fn check_names(
    path: &str,
    text: &str,
    format: Format,
    entries: &[LexiconEntry],
) -> Result<(), LexiconError> {
    for (i, e) in entries.iter().enumerate() {
        let lists: [&[String]; 4] = [
            std::slice::from_ref(&e.name),
            &e.aliases,
            &e.demonyms,
            &e.short_names,
        ];
        for (k, list) in lists.into_iter().enumerate() {
            for (j, name) in list.iter().enumerate() {
                if let Some(why) = too_common(name) {
                    // Found again in the text only now: the ordinary reading keeps no places.
                    let offset = locate(text, format, i, k, j).unwrap_or(0);
                    return Err(LexiconError::TooCommon {
                        position: Position::in_file(path, text, offset),
                        field: NAME_KEYS[k],
                        name: name.clone(),
                        why,
                    });
                }
            }
        }
    }
    Ok(())
}

/// The byte offset in `text` of entry `entry`'s name `index` under key `NAME_KEYS[key]`
/// (for `name`, the index is 0).
fn locate(text: &str, format: Format, entry: usize, key: usize, index: usize) -> Option<usize> {
    /// An entry's names with their places; other keys are read past.
    #[derive(Deserialize)]
    struct Placed<T> {
        name: T,
        #[serde(default = "Vec::new")]
        aliases: Vec<T>,
        #[serde(default = "Vec::new")]
        demonyms: Vec<T>,
        #[serde(default = "Vec::new")]
        short_names: Vec<T>,
    }
    impl<T> Placed<T> {
        fn get(self, key: usize, index: usize) -> Option<T> {
            match key {
                0 => Some(self.name),
                1 => self.aliases.into_iter().nth(index),
                2 => self.demonyms.into_iter().nth(index),
                _ => self.short_names.into_iter().nth(index),
            }
        }
    }
    match format {
        Format::Toml => {
            #[derive(Deserialize)]
            struct File {
                #[serde(default = "Vec::new")]
                entity: Vec<Placed<toml::Spanned<String>>>,
            }
            let file: File = toml::from_str(text).ok()?;
            let e = file.entity.into_iter().nth(entry)?;
            Some(e.get(key, index)?.span().start)
        }
        Format::Json => {
            #[derive(Deserialize)]
            struct File<'a> {
                #[serde(borrow)]
                entities: Vec<Placed<&'a serde_json::value::RawValue>>,
            }
            let file: File<'_> = serde_json::from_str(text).ok()?;
            let e = file.entities.into_iter().nth(entry)?;
            // A raw value borrows its bytes from `text`: its address gives its offset.
            let raw = e.get(key, index)?;
            Some(raw.get().as_ptr() as usize - text.as_ptr() as usize)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lexicon_loads() {
        let lex = Lexicon::builtin();
        assert!(lex.len() > 50);
    }

    #[test]
    fn entries_with_the_same_name_merge() {
        let mut lex = Lexicon::new();
        lex.add_toml(
            "a.toml",
            "[[entity]]\nname = \"China\"\ntype = \"country\"\naliases = [\"PRC\"]\n",
        )
        .unwrap();
        lex.add_toml(
            "b.toml",
            "[[entity]]\nname = \"china\"\ntype = \"country\"\naliases = [\"中国\"]\nwikidata = \"Q148\"\n",
        )
        .unwrap();
        assert_eq!(lex.len(), 1);
        assert_eq!(lex.entry(0).aliases, ["PRC", "中国"]);
        assert_eq!(lex.id(0), "china");
    }

    #[test]
    fn unknown_type_points_at_line_and_column() {
        let err = Lexicon::new()
            .add_toml("x.toml", "[[entity]]\nname = \"Mars\"\ntype = \"planet\"\n")
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("x.toml:3:8: unknown variant `planet`"),
            "{msg}"
        );
    }

    #[test]
    fn syntax_error_points_at_line_and_column() {
        let err = Lexicon::new()
            .add_toml("x.toml", "[[entity]]\nname = \"Mars\ntype = \"country\"\n")
            .unwrap_err();
        assert!(err.to_string().starts_with("x.toml:2:"), "{err}");
    }

    #[test]
    fn an_empty_or_cut_json_gazetteer_points_at_column_one() {
        // Fuzzing found serde_json's "column 0" at a line start reaching the message.
        for (text, want) in [("", "g.json:1:1: "), ("{\"entities\": [\n", "g.json:2:1: ")] {
            let err = Lexicon::new().add_json("g.json", text).unwrap_err();
            assert!(err.to_string().starts_with(want), "{err}");
        }
    }

    #[test]
    fn json_gazetteers_load_and_point_at_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gazetteer.json");
        std::fs::write(
            &path,
            r#"{"entities": [{"name": "Republic of Veldoria", "type": "country", "aliases": ["Veldoria"]},
             {"name": "Anna Berg", "type": "person", "aliases": []}]}"#,
        )
        .unwrap();
        let mut lex = Lexicon::new();
        lex.add_file(&path).unwrap();
        assert_eq!(lex.len(), 2);
        assert_eq!(lex.id(0), "republic-of-veldoria");
        assert_eq!(lex.entry(0).aliases, ["Veldoria"]);
        assert_eq!(lex.entry(1).kind, EntityKind::Person);
        let err = Lexicon::new()
            .add_json(
                "g.json",
                "{\"entities\": [\n  {\"name\": \"X\", \"type\": \"planet\"}]}",
            )
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("g.json:2:"), "{err}");
        assert!(err.contains("unknown variant `planet`"), "{err}");
    }

    #[test]
    fn names_that_match_everywhere_are_refused_where_they_are_written() {
        let text =
            "[[entity]]\nname = \"Anna Berg\"\ntype = \"person\"\naliases = [\"AB\", \"a\"]\n";
        let err = Lexicon::new().add_toml("l.toml", text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "l.toml:4:18: aliases 'a' is a single character, so it would match almost everywhere; remove it or write a longer form"
        );
        let text = "[[entity]]\nname = \"Zhongguo\"\ntype = \"country\"\ndemonyms = [\"Zhongguo-ren\"]\nshort_names = [\"中\"]\n";
        let err = Lexicon::new().add_toml("l.toml", text).unwrap_err();
        assert!(
            err.to_string().starts_with("l.toml:5:16: short_names '中'"),
            "{err}"
        );
        let text = r#"{"entities": [{"name": "Band", "type": "organization"},
  {"name": "The Band", "type": "organization", "aliases": ["Band X", "The"]}]}"#;
        let err = Lexicon::new().add_json("g.json", text).unwrap_err();
        match &err {
            LexiconError::TooCommon { position, why, .. } => {
                assert_eq!(&text[position.offset..position.offset + 5], "\"The\"");
                assert_eq!((position.line, position.column), (2, 70));
                assert_eq!(*why, "is a common English word");
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn stop_words_in_capitals_and_longer_names_are_kept() {
        let mut lex = Lexicon::new();
        lex.add_toml(
            "l.toml",
            "[[entity]]\nname = \"World Health Organization\"\ntype = \"organization\"\naliases = [\"WHO\", \"IT\", \"Then Again\"]\n",
        )
        .unwrap();
        assert_eq!(lex.entry(0).aliases, ["WHO", "IT", "Then Again"]);
        assert_eq!(too_common("Who"), Some("is a common English word"));
        assert_eq!(too_common(" the "), Some("is a common English word"));
        assert_eq!(too_common("x"), Some("is a single character"));
        assert_eq!(too_common("Xi"), None);
    }

    #[test]
    fn type_clash_is_refused() {
        let mut lex = Lexicon::new();
        lex.add_toml(
            "a.toml",
            "[[entity]]\nname = \"Georgia\"\ntype = \"country\"\n",
        )
        .unwrap();
        let err = lex
            .add_toml(
                "b.toml",
                "[[entity]]\nname = \"Georgia\"\ntype = \"place\"\n",
            )
            .unwrap_err();
        assert!(err.to_string().contains("declared as country and as place"));
    }
}
