//! Discovery of entities no lexicon knows, from the shape of the text.
//!
//! * **Titled people**: a title ("President", "Prime Minister", "Dr.") followed by
//!   capitalised name words ("Luiz Inacio Lula da Silva", "Abdel Fattah el-Sisi",
//!   "Ferdinand Marcos Jr."). Shorter forms of the same name and its single words ("Lula",
//!   "Modi", "Xi") become aliases when no other entity claims them.
//! * **Acronym definitions**: "New Development Bank (NDB)": the acronym's letters must appear
//!   in order in the phrase, starting with its first letter. A phrase the lexicon already
//!   knows just gains the acronym as an alias.
//! * **Shaped names**: capitalised phrases whose head noun says what they are: "... Bank",
//!   "... Institute of ...", "Ministry of ..." (organization), "... Initiative",
//!   "... Framework Agreement", "... Vision 2045" (initiative), "... Summit" (event).
//!
//! Headings are not searched (headline capitalisation makes every phrase look like a name),
//! and neither are captions and credits ([`Document::noise`]) or text in scripts without
//! capitals. The word lists are data: the
//! `[discovery]` table of the rules file.

use super::lexicon::{Lexicon, LexiconEntry};
use super::matcher::{Form, Mention};
use super::rules::Discovery as Config;
use crate::model::EntityKind;
use crate::text::Document;
use crate::text::token::{HYPHEN, Kind, Token, tokens};
use std::collections::{HashMap, HashSet};

/// What discovery found in one document.
#[derive(Debug, Default)]
pub(super) struct Found {
    /// New entities (their indices follow the lexicon's).
    pub entries: Vec<LexiconEntry>,
    /// Extra surface forms: (text, entity index in the combined space, case-sensitive).
    pub patterns: Vec<(String, usize, bool)>,
}

/// A word of the text with its byte span (in the document).
type Word<'a> = Token<'a>;

/// Latin words: runs of letters and digits, joined by inner hyphens only ("el-Sisi"), so
/// that "Belarus’s" is the name "Belarus" and "Dr." the title word "Dr"; CJK characters
/// are no name words (those scripts have no capitals to find names by).
fn words(text: &str, offset: usize) -> Vec<Word<'_>> {
    tokens(text, HYPHEN)
        .filter(|t| t.kind == Kind::Word)
        .map(|t| Token {
            start: offset + t.start,
            end: offset + t.end,
            ..t
        })
        .collect()
}

fn capitalised(w: &str) -> bool {
    w.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// A word of a person's name: capitalised, or a prefixed surname such as "el-Sisi".
fn name_word(w: &str) -> bool {
    (capitalised(w) && !w.chars().all(|c| c.is_ascii_digit()))
        || w.split_once('-').is_some_and(|(_, rest)| capitalised(rest))
}

/// Only spaces between two words (a name does not run across punctuation).
fn adjacent(text: &str, a: &Word, b: &Word) -> bool {
    text[a.end..b.start].chars().all(|c| c == ' ')
}

/// Runs discovery over a document, given the lexicon mentions already found.
pub(super) fn discover(
    doc: &Document,
    lexicon: &Lexicon,
    known: &[Mention],
    config: &Config,
) -> Found {
    let text = doc.text();
    let base = lexicon.len();
    let mut found = Found::default();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    // Lexicon mentions do not overlap and are sorted, so lookups are binary searches.
    let covered = |s: usize, e: usize| {
        let i = known.partition_point(|m| m.start <= s);
        known[..i]
            .last()
            .filter(|m| e <= m.end && m.form == Form::Name)
    };
    let overlapping = |s: usize, e: usize| {
        let i = known.partition_point(|m| m.end <= s);
        known[i..].iter().take_while(move |m| m.start < e)
    };
    let mut persons: Vec<(String, Vec<String>)> = Vec::new();
    let mut person_names: HashSet<String> = HashSet::new();
    let mut shaped: Vec<(String, EntityKind, Option<String>)> = Vec::new();

    for s in doc.sentences().iter().filter(|s| !s.heading) {
        // Captions and credits are left out, and a name does not run across one:
        // "Photo: Reuters Alexander Lukashenko" has no name "Reuters Alexander Lukashenko".
        let mut ws = words(&text[s.start..s.end], s.start);
        ws.retain(|w| !doc.is_noise(w.start, w.end));
        // Titled people.
        let mut i = 0;
        while i < ws.len() {
            let Some(len) = title_at(&ws, i, config) else {
                i += 1;
                continue;
            };
            let mut j = i + len;
            // "Foreign Minister Prince Faisal": skip chained titles.
            while let Some(more) = title_at(&ws, j, config) {
                j += more;
            }
            let mut k = j;
            while k < ws.len() && k - j < 5 {
                let w = ws[k];
                if k > j && !adjacent(text, &ws[k - 1], &w) {
                    break;
                }
                let particle = config.name_particles.iter().any(|p| p == w.text)
                    && ws.get(k + 1).is_some_and(|n| capitalised(n.text));
                let suffix = config
                    .name_suffixes
                    .iter()
                    .any(|p| p.trim_end_matches('.') == w.text);
                if !(name_word(w.text) || particle || suffix && k > j) {
                    break;
                }
                if title_at(&ws, k, config).is_some() {
                    break;
                }
                k += 1;
            }
            if k > j {
                let (start, mut end) = (ws[j].start, ws[k - 1].end);
                if text[end..].starts_with('.')
                    && config
                        .name_suffixes
                        .iter()
                        .any(|p| p.ends_with('.') && p.trim_end_matches('.') == ws[k - 1].text)
                {
                    end += 1;
                }
                let known_other = overlapping(start, end)
                    .any(|m| lexicon.entry(m.entity).kind != EntityKind::Person);
                let known_person = covered(start, end).is_some();
                // "Prince Mohammed" after "Crown Prince Mohammed bin Salman": a title and a
                // given name are the person named in full with them.
                let same = (k == j + 1 && !known_other && !known_person)
                    .then(|| given_name_of(text, known, lexicon, ws[j].text, ws[j - 1].text))
                    .flatten();
                if let Some(entity) = same {
                    found.patterns.push((ws[j].text.to_string(), entity, true));
                } else if !known_other && !known_person {
                    let name = text[start..end].to_string();
                    if person_names.insert(name.clone()) {
                        persons.push((name, Vec::new()));
                    }
                }
            }
            i = k.max(i + 1);
        }
        // People in apposition to a role noun: "its ambassador, Amar Bendjama, said".
        for (start, end) in
            appositive_people(text, &ws, config, |s, e| overlapping(s, e).next().is_some())
        {
            let name = text[start..end].to_string();
            if person_names.insert(name.clone()) {
                persons.push((name, Vec::new()));
            }
        }
        // Organizations named after their common noun: "the consultancy Petrolytica".
        for (start, end) in named_organizations(text, &ws, config, |s, e| {
            overlapping(s, e).any(|m| m.form == Form::Name)
        }) {
            shaped.push((text[start..end].to_string(), EntityKind::Organization, None));
        }
        // Organizations described by an apposition: "Hezbollah, the militant group,".
        for (start, end) in organizations_in_apposition(text, &ws, config, |s, e| {
            overlapping(s, e).any(|m| m.form == Form::Name)
        }) {
            shaped.push((text[start..end].to_string(), EntityKind::Organization, None));
        }
        // Organizations named before their common noun: "the ruling Georgian Dream party".
        if !config.organization_nouns_after.is_empty() {
            for (start, end) in organizations_before_noun(text, &ws, config, |s, e| {
                overlapping(s, e).any(|m| m.form == Form::Name)
            }) {
                shaped.push((text[start..end].to_string(), EntityKind::Organization, None));
            }
        }
        // Untitled people: a known given name opening a run of name words ("Bola Tinubu
        // said", "Russian Sergei Lavrov").
        for (start, end) in
            untitled_people(text, &ws, config, |s, e| overlapping(s, e).next().is_some())
        {
            let name = text[start..end].to_string();
            if person_names.insert(name.clone()) {
                persons.push((name, Vec::new()));
            }
        }
        // Acronym definitions and shaped names.
        let seqs = sequences(text, &ws, config);
        for (a, b) in seqs {
            let phrase_words = &ws[a..b];
            let (start, end) = (phrase_words[0].start, phrase_words[b - a - 1].end);
            let after = &text[end..];
            let acronym = after
                .trim_start_matches(' ')
                .strip_prefix('(')
                .and_then(|r| r.split_once(')'))
                .map(|(acr, _)| acr)
                .filter(|acr| is_acronym(acr));
            let head = head_kind(phrase_words, config);
            if let Some(acr) = acronym {
                if let Some(m) = covered(start, end) {
                    found.patterns.push((acr.to_string(), m.entity, true));
                    continue;
                }
                // The longest tail of the phrase that the acronym abbreviates; "Center of
                // New Southbound Policy (NSPBRI)" keeps its head noun.
                let of_head = b - a > 2
                    && phrase_words[1].text == "of"
                    && abbreviates(acr, &phrase_words[2..]);
                let tail = if of_head {
                    Some(0)
                } else {
                    (0..b - a).find(|&t| abbreviates(acr, &phrase_words[t..]))
                };
                if let Some(t) = tail {
                    let words = &phrase_words[t..];
                    let s0 = words[0].start;
                    if covered(s0, end).is_none() {
                        let kind = head_kind(words, config).unwrap_or(EntityKind::Organization);
                        shaped.push((text[s0..end].to_string(), kind, Some(acr.to_string())));
                        continue;
                    }
                }
            }
            // "Chinese Journal": an adjective and a head noun are a description, not a name.
            let described = phrase_words
                .iter()
                .filter(|w| !overlapping(w.start, w.end).any(|m| m.form == Form::Demonym))
                .count();
            // "Luxembourg and Russian Federation": a phrase ending in a known name is a
            // list of names, not a new one.
            let ends_known =
                overlapping(phrase_words[b - a - 1].start, end).any(|m| m.form == Form::Name);
            if let Some(kind) = head
                && b - a >= 2
                && described >= 2
                && !ends_known
                && covered(start, end).is_none()
            {
                shaped.push((text[start..end].to_string(), kind, None));
            }
        }
    }

    // Shorter forms of a person's name ("Marcos Jr.", "Lula") are aliases of the longest.
    persons.sort_by(|a, b| {
        token_count(&b.0)
            .cmp(&token_count(&a.0))
            .then(a.0.cmp(&b.0))
    });
    let mut merged: Vec<(String, Vec<String>)> = Vec::new();
    for (name, _) in persons {
        let tokens: Vec<&str> = name.split_whitespace().collect();
        match merged.iter_mut().find(|(full, _)| {
            let ft: Vec<&str> = full.split_whitespace().collect();
            tokens.iter().all(|t| ft.contains(t))
        }) {
            Some((_, aliases)) => aliases.push(name),
            None => merged.push((name, Vec::new())),
        }
    }
    // Single words of a name, where no other person or known name uses them.
    // Lexicon names of the text: a word among them is not a new alias.
    let known_words: HashSet<&str> = known.iter().map(|m| &text[m.start..m.end]).collect();
    let mut word_owner: HashMap<String, Option<usize>> = HashMap::new();
    for (pi, (full, _)) in merged.iter().enumerate() {
        for t in full.split_whitespace() {
            let t = t.trim_end_matches('.');
            // A given name alone is no alias: "Mohamed" would merge strangers.
            if t.chars().count() < 2
                || config.given_names.contains(t)
                || config.name_particles.iter().any(|p| p == t)
                || config
                    .name_suffixes
                    .iter()
                    .any(|p| p.trim_end_matches('.') == t)
            {
                continue;
            }
            word_owner
                .entry(t.to_string())
                .and_modify(|o| {
                    if *o != Some(pi) {
                        *o = None
                    }
                })
                .or_insert(Some(pi));
        }
    }
    for (pi, (full, aliases)) in merged.into_iter().enumerate() {
        let ix = add_entry(
            &mut found,
            &mut by_name,
            base,
            full.clone(),
            EntityKind::Person,
        );
        for a in aliases {
            push_alias(&mut found, base, ix, a);
        }
        if full.split_whitespace().count() > 1 {
            for t in full.split_whitespace() {
                let t = t.trim_end_matches('.');
                if word_owner.get(t) == Some(&Some(pi)) && !known_words.contains(t) {
                    push_alias(&mut found, base, ix, t.to_string());
                }
            }
        }
    }
    for (name, kind, acr) in shaped {
        let name = name.strip_prefix("The ").unwrap_or(&name).to_string();
        let ix = add_entry(&mut found, &mut by_name, base, name, kind);
        if let Some(acr) = acr {
            push_alias(&mut found, base, ix, acr);
        }
    }
    found
}

/// Byte spans of untitled names in a sentence's words: a capitalised given name
/// (`config.given_names`) followed by one to three adjacent name words, not inside a known
/// mention (`known(start, end)`), not continuing a capitalised phrase ("Peter Street") and
/// not the head of an organization's name ("Nelson Mandela Foundation").
fn untitled_people(
    text: &str,
    ws: &[Word],
    config: &Config,
    known: impl Fn(usize, usize) -> bool,
) -> Vec<(usize, usize)> {
    let stop = |w: &str| {
        config.is_leading(w)
            || config.organization_suffixes.iter().any(|l| l == w)
            || config.initiative_suffixes.iter().any(|l| l == w)
            || config.event_suffixes.iter().any(|l| l == w)
            || config.place_suffixes.iter().any(|l| l == w)
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let w = ws[i];
        if !config.given_names.contains(w.text) || known(w.start, w.end) {
            i += 1;
            continue;
        }
        // Inside a longer capitalised phrase, unless what precedes is a title or a word that
        // opens sentences.
        let inside = i > 0 && adjacent(text, &ws[i - 1], &w) && name_word(ws[i - 1].text) && {
            let prev = ws[i - 1].text;
            !config.is_leading(prev)
                && !config
                    .title_words
                    .iter()
                    .any(|t| t.last().is_some_and(|l| l == prev))
                && !known(ws[i - 1].start, ws[i - 1].end)
        };
        let mut k = i + 1;
        while k < ws.len() && k - i < 4 && adjacent(text, &ws[k - 1], &ws[k]) {
            let t = ws[k].text;
            let particle = config.name_particles.iter().any(|p| p == t)
                && ws.get(k + 1).is_some_and(|n| capitalised(n.text));
            if !(name_word(t) || particle)
                || stop(t)
                || known(ws[k].start, ws[k].end)
                || title_at(ws, k, config).is_some()
            {
                break;
            }
            k += 1;
        }
        // A trailing particle is not part of the name.
        while k > i + 1 && config.name_particles.iter().any(|p| p == ws[k - 1].text) {
            k -= 1;
        }
        let heads_a_name = ws
            .get(k)
            .is_some_and(|n| adjacent(text, &ws[k - 1], n) && capitalised(n.text));
        if k > i + 1 && !inside && !heads_a_name {
            out.push((w.start, ws[k - 1].end));
        }
        i = k.max(i + 1);
    }
    out
}

/// Byte spans of names in apposition to a role noun of `config.apposition_nouns` that a
/// possessive or an article opens: "its ambassador, Amar Bendjama,", "China's envoy, Fu
/// Cong.", "the bank's president, Dilma Rousseff, said". Two to four adjacent name words,
/// set off by a comma before and by a comma, a full stop or the sentence's end after, none
/// of them a known name or a title: "the envoy, Russia and China" is no person.
fn appositive_people(
    text: &str,
    ws: &[Word],
    config: &Config,
    known: impl Fn(usize, usize) -> bool,
) -> Vec<(usize, usize)> {
    let determiner = |i: usize| {
        let before = text[..ws[i].start].trim_end_matches(' ');
        before.ends_with("'s")
            || before.ends_with("’s")
            || before.ends_with("s'")
            || before.ends_with("s’")
            || ws[..i].last().is_some_and(|p| {
                adjacent(text, p, &ws[i]) && config.apposition_openers.iter().any(|o| o == p.text)
            })
    };
    let mut out = Vec::new();
    for i in 0..ws.len() {
        if !config.apposition_noun_set.contains(ws[i].text) {
            continue;
        }
        // The noun may close a compound ("its foreign minister"): the opener stands before
        // its first word.
        let first = (i.saturating_sub(2)..=i)
            .find(|&f| determiner(f) && (f..i).all(|k| adjacent(text, &ws[k], &ws[k + 1])));
        let Some(next) = ws.get(i + 1) else { continue };
        if first.is_none() || text[ws[i].end..next.start] != *", " {
            continue;
        }
        let mut k = i + 1;
        while k < ws.len() && k - i <= 4 {
            let w = ws[k];
            if k > i + 1 && !adjacent(text, &ws[k - 1], &w) {
                break;
            }
            let particle = config.name_particles.iter().any(|p| p == w.text)
                && ws.get(k + 1).is_some_and(|n| capitalised(n.text));
            if !(name_word(w.text) || particle)
                || known(w.start, w.end)
                || title_at(ws, k, config).is_some()
                || config.is_leading(w.text)
            {
                break;
            }
            k += 1;
        }
        let words = k - (i + 1);
        let closed = ws.get(k).is_none_or(|n| {
            let gap = text[ws[k - 1].end..n.start].trim_end();
            gap == "," || gap == "." || gap == ";"
        });
        if (2..=4).contains(&words) && closed {
            out.push((ws[i + 1].start, ws[k - 1].end));
        }
    }
    out
}

/// Byte spans of organizations named right after a common noun of `[discovery]
/// organization_nouns` that an article or a possessive opens, with up to three modifiers
/// between ("the London consultancy Petrolytica", "Lebanon's militant group Hezbollah", "the
/// ruling party Georgian Dream"): one to four capitalised words, none a known name (a
/// demonym may be one: "Georgian Dream"), a title or a sentence-opening word, ended by
/// punctuation, a lowercase word or the sentence's end. "The group Brazil, Russia" names
/// countries, not a group.
fn named_organizations(
    text: &str,
    ws: &[Word],
    config: &Config,
    known: impl Fn(usize, usize) -> bool,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for i in 0..ws.len() {
        if !config.organization_noun_ends.contains(ws[i].text) {
            continue;
        }
        // The noun's words end at i ("think tank"), adjacent and lowercase as listed.
        let Some(noun_len) = config.organization_nouns.iter().find_map(|n| {
            // Compared backwards from i, without collecting the noun's words.
            let len = n.split(' ').count();
            let first = (i + 1).checked_sub(len)?;
            let same = n.split(' ').zip(first..=i).all(|(w, k)| ws[k].text == w)
                && (first..i).all(|k| adjacent(text, &ws[k], &ws[k + 1]));
            same.then_some(len)
        }) else {
            continue;
        };
        let noun_start = i + 1 - noun_len;
        // An opener up to three words before the noun, all adjacent.
        let opened = (noun_start.saturating_sub(3)..=noun_start).any(|f| {
            let before = text[..ws[f].start].trim_end_matches(' ');
            let opener = before.ends_with("'s")
                || before.ends_with("’s")
                || ws[..f].last().is_some_and(|p| {
                    adjacent(text, p, &ws[f])
                        && config
                            .determiners
                            .iter()
                            .any(|d| d.eq_ignore_ascii_case(p.text))
                });
            opener && (f..noun_start).all(|k| adjacent(text, &ws[k], &ws[k + 1]))
        });
        if !opened {
            continue;
        }
        let mut k = i + 1;
        while k < ws.len()
            && k - i <= 4
            && adjacent(text, &ws[k - 1], &ws[k])
            && organization_name_word(ws, k, config, &known)
        {
            k += 1;
        }
        let words = k - (i + 1);
        // The name ends where the phrase does: not inside a longer capitalised run.
        let closed = ws
            .get(k)
            .is_none_or(|n| !adjacent(text, &ws[k - 1], n) || !capitalised(n.text));
        if (1..=4).contains(&words) && closed {
            out.push((ws[i + 1].start, ws[k - 1].end));
        }
    }
    out
}

/// Byte spans of organizations named before an apposition whose head is one of `[discovery]
/// organization_nouns` ("Hezbollah, the Iran-backed militant group,", "Halk Maslahaty, the
/// People's Council,"): one to four capitalised words right before the comma, none a known
/// name, a title or a sentence opener (nor, opening the sentence alone, an adverb in "-ly");
/// the apposition opened by a determiner or a possessive, at most six words, with no
/// connector ("the head *of* the group" is a head, not a group) and closed by punctuation.
fn organizations_in_apposition(
    text: &str,
    ws: &[Word],
    config: &Config,
    known: impl Fn(usize, usize) -> bool,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for c in 1..ws.len() {
        if text[ws[c - 1].end..ws[c].start] != *", " {
            continue;
        }
        let opens = |w: &Word| {
            (config.determiners.iter()).any(|d| d.eq_ignore_ascii_case(w.text))
                || text[w.end..].starts_with("'s ")
                || text[w.end..].starts_with("’s ")
        };
        if !opens(&ws[c]) {
            continue;
        }
        // The apposition's words, up to the punctuation that closes it.
        let Some(last) = (c..ws.len().min(c + 6)).find(|&k| {
            ws.get(k + 1).is_none_or(|n| {
                let gap = text[ws[k].end..n.start].trim_end();
                matches!(gap, "," | "." | ";")
            })
        }) else {
            continue;
        };
        // Words apart by a space, or a possessive ("Lebanon" "’" "s").
        let spaced = (c..last).all(|k| {
            let gap = &text[ws[k].end..ws[k + 1].start];
            gap == " " || (ws[k + 1].text == "s" && (gap == "'" || gap == "’"))
        });
        let head = ws[last].text.to_lowercase();
        let organization = config.organization_noun_ends.contains(&head)
            && !(c + 1..=last).any(|k| config.connectors.iter().any(|x| x == ws[k].text));
        if last == c || !spaced || !organization {
            continue;
        }
        // The name's words, backwards from the comma.
        let mut first = c;
        while first > 0
            && c - first < 4
            && (first == c || adjacent(text, &ws[first - 1], &ws[first]))
            && organization_name_word(ws, first - 1, config, &known)
        {
            first -= 1;
        }
        let alone_first = first == 0 && c == 1;
        let closed =
            first == 0 || !capitalised(ws[first - 1].text) || config.is_leading(ws[first - 1].text);
        if first == c || !closed || (alone_first && ws[0].text.ends_with("ly")) {
            continue;
        }
        // Not a person's name: the run opens with no known given name.
        if config.given_names.contains(ws[first].text) && c - first > 1 {
            continue;
        }
        out.push((ws[first].start, ws[c - 1].end));
    }
    out
}

/// Whether word `k` may be part of a discovered organization's name: capitalised, not a
/// known name, a title or a sentence-opening word.
fn organization_name_word(
    ws: &[Word],
    k: usize,
    config: &Config,
    known: &impl Fn(usize, usize) -> bool,
) -> bool {
    capitalised(ws[k].text)
        && !known(ws[k].start, ws[k].end)
        && title_at(ws, k, config).is_none()
        && !config.is_leading(ws[k].text)
}

/// Names of organizations that stand before one of `[discovery] organization_nouns_after`,
/// opened by an article and maybe a qualifier: "the ruling Georgian Dream party", "the
/// opposition Tisza party". One to four capitalised words, none of them a known name, a
/// title, a qualifier or a sentence opener.
fn organizations_before_noun(
    text: &str,
    ws: &[Word],
    config: &Config,
    known: impl Fn(usize, usize) -> bool,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for i in 1..ws.len() {
        if !config
            .organization_nouns_after
            .iter()
            .any(|n| n == ws[i].text)
        {
            continue;
        }
        // The name's words, backwards from the noun.
        let mut first = i;
        while first > 0
            && i - first < 4
            && adjacent(text, &ws[first - 1], &ws[first])
            && organization_name_word(ws, first - 1, config, &known)
            && !(config.organization_qualifiers.iter())
                .any(|q| q.eq_ignore_ascii_case(ws[first - 1].text))
        {
            first -= 1;
        }
        if first == i || first == 0 {
            continue;
        }
        // Before the name: an article, or a qualifier and an article, all adjacent.
        let is =
            |k: usize, list: &[String]| list.iter().any(|d| d.eq_ignore_ascii_case(ws[k].text));
        let mut opener = first - 1;
        if is(opener, &config.organization_qualifiers) {
            if opener == 0 || !adjacent(text, &ws[opener - 1], &ws[opener]) {
                continue;
            }
            opener -= 1;
        }
        if !adjacent(text, &ws[opener], &ws[opener + 1]) || !is(opener, &config.determiners) {
            continue;
        }
        out.push((ws[first].start, ws[i - 1].end));
    }
    out
}

/// The person of the lexicon a titled given name refers to ("Prince Mohammed"): the one
/// person the document names in full whose name starts with `given`, or, among several,
/// the one whose full name followed the same title word (`title`, "Prince" of "Crown
/// Prince").
fn given_name_of(
    text: &str,
    known: &[Mention],
    lexicon: &Lexicon,
    given: &str,
    title: &str,
) -> Option<usize> {
    let mut all: Vec<usize> = Vec::new();
    let mut titled: Vec<usize> = Vec::new();
    for m in known.iter().filter(|m| m.form == Form::Name) {
        let entry = lexicon.entry(m.entity);
        let surface = &text[m.start..m.end];
        let starts = |n: &str| n.strip_prefix(given).is_some_and(|r| r.starts_with(' '));
        if entry.kind != EntityKind::Person || !starts(surface) {
            continue;
        }
        if !all.contains(&m.entity) {
            all.push(m.entity);
        }
        let before = text[..m.start].trim_end_matches(' ');
        if before.ends_with(title) && !titled.contains(&m.entity) {
            titled.push(m.entity);
        }
    }
    match (&all[..], &titled[..]) {
        ([only], _) | (_, [only]) => Some(*only),
        _ => None,
    }
}

fn token_count(s: &str) -> usize {
    s.split_whitespace().count()
}

fn add_entry(
    found: &mut Found,
    by_name: &mut HashMap<String, usize>,
    base: usize,
    name: String,
    kind: EntityKind,
) -> usize {
    if let Some(&ix) = by_name.get(&name) {
        return ix;
    }
    let ix = base + found.entries.len();
    found.patterns.push((name.clone(), ix, true));
    by_name.insert(name.clone(), ix);
    found.entries.push(LexiconEntry {
        name,
        kind,
        aliases: Vec::new(),
        demonyms: Vec::new(),
        short_names: Vec::new(),
        head_of: Vec::new(),
        wikidata: None,
        case_sensitive: true,
    });
    ix
}

fn push_alias(found: &mut Found, base: usize, ix: usize, alias: String) {
    let entry = &mut found.entries[ix - base];
    if alias != entry.name && !entry.aliases.contains(&alias) {
        entry.aliases.push(alias.clone());
        found.patterns.push((alias, ix, true));
    }
}

/// Length in words of the longest title starting at word `i`, if any.
fn title_at(ws: &[Word], i: usize, config: &Config) -> Option<usize> {
    if !ws
        .get(i)
        .is_some_and(|w| config.title_starts.contains(w.text))
    {
        return None;
    }
    config
        .title_words
        .iter()
        .filter(|parts| {
            i + parts.len() <= ws.len()
                && ws[i..i + parts.len()]
                    .iter()
                    .zip(parts.iter())
                    .all(|(w, p)| w.text == p)
        })
        .map(Vec::len)
        .max()
}

/// Maximal capitalised sequences (with lowercase connectors inside) of a sentence: word
/// index ranges.
fn sequences(text: &str, ws: &[Word], config: &Config) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        if !capitalised(ws[i].text) || ws[i].text.chars().all(|c| c.is_ascii_digit()) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < ws.len() && adjacent(text, &ws[j - 1], &ws[j]) {
            let w = ws[j].text;
            if capitalised(w) {
                j += 1;
            } else if config.connectors.iter().any(|c| c == w)
                // "the" joins a name only after another connector: "Bank of the South".
                && (w != "the" || config.connectors.iter().any(|c| c == ws[j - 1].text))
                && ws.get(j + 1).is_some_and(|n| {
                    capitalised(n.text)
                        && adjacent(text, &ws[j], n)
                        // "the European Council on Dec. 18": a month is no part of a name.
                        && !config.is_leading(n.text)
                })
            {
                j += 2;
            } else {
                break;
            }
        }
        // "In March the Arctic Council": capitalised function words and months open
        // sentences, not names.
        while i < j && config.is_leading(ws[i].text) {
            i += 1;
        }
        // "President of Taiwan Grassroots Alliance": a leading title is not part of the name.
        while i < j {
            let Some(n) = title_at(ws, i, config).or_else(|| head_title(ws[i].text, config)) else {
                break;
            };
            let after = i + n;
            if after < j && config.connectors.iter().any(|c| c == ws[after].text) {
                i = after + 1;
            } else {
                break;
            }
        }
        // A possessive splits the phrase: "A Alliance and China’s Ministry of B" gives
        // "A Alliance" and "Ministry of B".
        let mut a = i;
        for k in i..j {
            let w = ws[k];
            if text[w.end..].starts_with(['’', '\'']) {
                // "the Arctic Council's chair" ends the name with the possessive word;
                // "A Alliance and China’s Ministry" does not take China into A's name.
                if k > a && config.connectors.iter().any(|c| c == ws[k - 1].text) {
                    push_trimmed(&mut out, ws, a, k, config);
                    push_trimmed(&mut out, ws, k, k + 1, config);
                } else {
                    push_trimmed(&mut out, ws, a, k + 1, config);
                }
                a = k + 1;
            }
        }
        push_trimmed(&mut out, ws, a, j, config);
        i = j;
    }
    out
}

/// Titles of heads of organizations that may open a capitalised phrase ("Chair of ...").
fn head_title(word: &str, config: &Config) -> Option<usize> {
    config.head_titles.iter().any(|t| t == word).then_some(1)
}

/// Adds the word range `a..b` without trailing connectors, if anything is left.
fn push_trimmed(
    out: &mut Vec<(usize, usize)>,
    ws: &[Word],
    a: usize,
    mut b: usize,
    config: &Config,
) {
    while b > a && config.connectors.iter().any(|c| c == ws[b - 1].text) {
        b -= 1;
    }
    if b > a {
        out.push((a, b));
    }
}

/// The type a phrase's head noun gives it: the last word before "of"/"for", else the last
/// word (a trailing year is skipped: "Vision 2045").
fn head_kind(words: &[Word], config: &Config) -> Option<EntityKind> {
    let cut = words
        .iter()
        .position(|w| config.connectors.iter().any(|c| c == w.text) && w.text != "and")
        .unwrap_or(words.len());
    let mut head = words[..cut].iter().rev();
    let mut w = head.next()?;
    if w.text.chars().all(|c| c.is_ascii_digit()) {
        w = head.next()?;
    }
    let h = w.text;
    let any = |list: &[String]| list.iter().any(|s| s == h);
    if any(&config.organization_suffixes) {
        Some(EntityKind::Organization)
    } else if any(&config.initiative_suffixes) {
        Some(EntityKind::Initiative)
    } else if any(&config.event_suffixes) {
        Some(EntityKind::Event)
    } else {
        None
    }
}

fn is_acronym(s: &str) -> bool {
    let n = s.chars().count();
    (2..=10).contains(&n)
        && s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && s.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '&' || c == '-')
        && s.chars().filter(|c| c.is_ascii_uppercase()).count() >= 2
}

/// The acronym's letters appear in order in the words, the first one starting the first
/// word, and every word but connectors contributing its initial or being skipped.
fn abbreviates(acr: &str, words: &[Word]) -> bool {
    let letters: Vec<char> = acr.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    let first = words[0].text.chars().next().map(|c| c.to_ascii_uppercase());
    if first != letters.first().copied() {
        return false;
    }
    let hay: String = words
        .iter()
        .map(|w| w.text.to_ascii_uppercase())
        .collect::<Vec<_>>()
        .join(" ");
    let mut it = hay.chars();
    letters.iter().all(|l| it.any(|c| c == *l))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::rules::RuleSet;

    fn run(text: &str) -> Vec<(String, EntityKind, Vec<String>)> {
        let mut lex = Lexicon::new();
        lex.add_toml(
            "t.toml",
            r#"
[[entity]]
name = "China"
type = "country"
demonyms = ["Chinese"]
[[entity]]
name = "Brazil"
type = "country"
demonyms = ["Brazilian"]
[[entity]]
name = "Philippines"
type = "country"
demonyms = ["Philippine"]
[[entity]]
name = "Association of Southeast Asian Nations"
type = "organization"
aliases = ["ASEAN"]
"#,
        )
        .unwrap();
        let rules = RuleSet::builtin();
        let doc = Document::new("t.txt", text);
        let known = crate::extract::Gazetteer::new(&lex).find(text);
        let found = discover(&doc, &lex, &known, &rules.discovery);
        found
            .entries
            .into_iter()
            .map(|e| (e.name, e.kind, e.aliases))
            .collect()
    }

    #[test]
    fn organizations_named_after_their_common_noun() {
        let got = run(
            "Analysts at the Singapore consultancy Ravenmoor Partners disagreed. \
             Brazil's ruling party Frente Nova won, and a think tank Eastgate said so. \
             The group Brazil and Philippines left. The bank raised rates. \
             He joined the party Frente Nova Popular Union Liberal Bloc.",
        );
        let orgs: Vec<&str> = got
            .iter()
            .filter(|(_, k, _)| *k == EntityKind::Organization)
            .map(|(n, _, _)| n.as_str())
            .collect();
        assert!(orgs.contains(&"Ravenmoor Partners"), "{orgs:?}");
        assert!(orgs.contains(&"Frente Nova"), "{orgs:?}");
        assert!(orgs.contains(&"Eastgate"), "{orgs:?}");
        // Known countries are no group's name; five name words are too many.
        assert!(!orgs.iter().any(|o| o.contains("Brazil")), "{orgs:?}");
        assert!(!orgs.iter().any(|o| o.contains("Liberal")), "{orgs:?}");
    }

    #[test]
    fn organizations_described_by_an_apposition() {
        let got = run(
            "Vantor Kell, the Iran-backed militant group, struck. Then Ostrava Holdings, \
             Lebanon's biggest firm, paid. Separately, the group said so. Instead, the \
             militant group, ever wary, left. Kai Brennan, the \
             head of the group, and Maria Sorens, the agency, spoke. Orsk Dnipro, the \
             group's founder, left.",
        );
        let orgs: Vec<&str> = got
            .iter()
            .filter(|(_, k, _)| *k == EntityKind::Organization)
            .map(|(n, _, _)| n.as_str())
            .collect();
        assert!(orgs.contains(&"Vantor Kell"), "{orgs:?}");
        assert!(orgs.contains(&"Ostrava Holdings"), "{orgs:?}");
        // An adverb opening the sentence, the head of a group, a founder: no organization.
        assert!(!orgs.contains(&"Separately"), "{orgs:?}");
        assert!(!orgs.contains(&"Instead"), "{orgs:?}");
        assert!(!orgs.contains(&"Kai Brennan"), "{orgs:?}");
        assert!(!orgs.contains(&"Orsk Dnipro"), "{orgs:?}");
        // A known given name opens a person's name.
        assert!(!orgs.contains(&"Maria Sorens"), "{orgs:?}");
    }

    #[test]
    fn organizations_named_before_their_common_noun() {
        let got = run(
            "Voters backed the ruling Nouvel Horizon party, while the Verde Unida movement \
             and the opposition Blue Dawn party held rallies. Their far-right Jaune party \
             stayed home, and Party leaders met.",
        );
        let orgs: Vec<&str> = got
            .iter()
            .filter(|(_, k, _)| *k == EntityKind::Organization)
            .map(|(n, _, _)| n.as_str())
            .collect();
        assert!(orgs.contains(&"Nouvel Horizon"), "{orgs:?}");
        assert!(orgs.contains(&"Verde Unida"), "{orgs:?}");
        assert!(orgs.contains(&"Blue Dawn"), "{orgs:?}");
        assert!(orgs.contains(&"Jaune"), "{orgs:?}");
        // Only the lowercase noun closes a name: "Party leaders" names nothing.
        assert!(!orgs.iter().any(|o| o.contains("Party")), "{orgs:?}");
    }

    #[test]
    fn titled_people_with_particles_and_suffixes() {
        let got = run(
            "Brazilian President Luiz Inacio Lula da Silva spoke. Later Lula left. \
                       Egypt sent President Abdel Fattah el-Sisi. The Philippine President Ferdinand Marcos Jr. came.",
        );
        let names: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
        assert!(names.contains(&"Luiz Inacio Lula da Silva"), "{got:?}");
        assert!(names.contains(&"Abdel Fattah el-Sisi"), "{got:?}");
        assert!(names.contains(&"Ferdinand Marcos Jr."), "{got:?}");
        let lula = got
            .iter()
            .find(|g| g.0 == "Luiz Inacio Lula da Silva")
            .unwrap();
        assert!(lula.2.contains(&"Lula".to_string()));
        assert!(got.iter().all(|g| g.1 == EntityKind::Person));
    }

    #[test]
    fn untitled_people_open_with_a_given_name() {
        let got = run(
            "Talks began when Ingrid Solvang arrived. Chinese Wei Ming and Ahmed Musa Okoro \
             spoke at the Nelson Mandela Foundation. In Peter Street nothing happened.",
        );
        let names: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
        assert!(names.contains(&"Ingrid Solvang"), "{got:?}");
        assert!(names.contains(&"Ahmed Musa Okoro"), "{got:?}");
        assert!(
            !got.iter()
                .any(|g| g.0.contains("Mandela") && g.1 == EntityKind::Person),
            "{got:?}"
        );
        assert!(!names.iter().any(|n| n.contains("Street")), "{got:?}");
        // A given name alone never becomes an alias; a surname does.
        let okoro = got.iter().find(|g| g.0 == "Ahmed Musa Okoro").unwrap();
        assert!(!okoro.2.contains(&"Ahmed".to_string()), "{okoro:?}");
        assert!(okoro.2.contains(&"Okoro".to_string()), "{okoro:?}");
    }

    #[test]
    fn people_in_apposition_to_a_role_noun() {
        let got = run(
            "The talks were led by its ambassador, Zorvan Ekdahl, and by China's \
             envoy, Fu Cong. The bank's president, Ana Ruiz Soto, said so.",
        );
        let names: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
        for name in ["Zorvan Ekdahl", "Fu Cong", "Ana Ruiz Soto"] {
            assert!(names.contains(&name), "{name}: {got:?}");
        }
        assert!(got.iter().all(|g| g.1 == EntityKind::Person), "{got:?}");
        // No opener, a known name, one word, or a name that runs on: no person.
        for text in [
            "An envoy, Zorvan Ekdahl, spoke.",
            "Its envoy, China, spoke.",
            "Its envoy, Ekdahl, spoke.",
            "Its envoy, Zorvan Ekdahl spoke.",
        ] {
            assert!(run(text).is_empty(), "{text}: {:?}", run(text));
        }
    }

    #[test]
    fn a_titled_given_name_is_the_person_named_in_full_with_that_title() {
        let mut lex = Lexicon::new();
        lex.add_toml(
            "t.toml",
            r#"
[[entity]]
name = "Omar bin Rashid"
type = "person"
[[entity]]
name = "Omar Haddad"
type = "person"
"#,
        )
        .unwrap();
        let rules = RuleSet::builtin();
        let find = |text: &str| {
            let doc = Document::new("t.txt", text);
            let known = crate::extract::Gazetteer::new(&lex).find(text);
            discover(&doc, &lex, &known, &rules.discovery)
        };
        // Two Omars, one of them a prince: "Prince Omar" is he, and no new person.
        let found =
            find("Crown Prince Omar bin Rashid met Minister Omar Haddad. Later Prince Omar spoke.");
        assert!(found.entries.is_empty(), "{:?}", found.entries);
        assert!(
            found.patterns.contains(&("Omar".to_string(), 0, true)),
            "{:?}",
            found.patterns
        );
        // Two Omars and a title neither had: nobody is guessed.
        let found =
            find("Crown Prince Omar bin Rashid met Minister Omar Haddad. Sheikh Omar spoke.");
        assert!(
            !found.patterns.iter().any(|p| p.0 == "Omar" && p.1 < 2),
            "{:?}",
            found.patterns
        );
    }

    #[test]
    fn chained_titles_are_skipped() {
        let got =
            run("It was headed by Foreign Minister Prince Faisal bin Farhan rather than by him.");
        assert_eq!(got[0].0, "Faisal bin Farhan");
    }

    #[test]
    fn shorter_names_become_aliases() {
        let got = run("President Xi spoke. Then Chinese President Xi Jinping left.");
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "Xi Jinping");
        assert!(got[0].2.contains(&"Xi".to_string()));
        let got = run("Prime Minister Sanae Takaichi met President Sanae Kato.");
        let takaichi = got.iter().find(|g| g.0 == "Sanae Takaichi").unwrap();
        // "Sanae" is shared by two people: not an alias of either.
        assert_eq!(takaichi.2, ["Takaichi"]);
    }

    #[test]
    fn acronym_definitions() {
        let got = run(
            "The Regional Anti-Terrorism Structure (RATS) met the Digital Economy Framework Agreement (DEFA) team.",
        );
        assert!(
            got.contains(&(
                "Regional Anti-Terrorism Structure".into(),
                EntityKind::Organization,
                vec!["RATS".into()]
            )),
            "{got:?}"
        );
        assert!(
            got.contains(&(
                "Digital Economy Framework Agreement".into(),
                EntityKind::Initiative,
                vec!["DEFA".into()]
            )),
            "{got:?}"
        );
    }

    #[test]
    fn acronym_of_the_complement_keeps_the_head_noun() {
        let got = run("She runs the Center of Maritime Law and Policy (MLP) now.");
        assert_eq!(got[0].0, "Center of Maritime Law and Policy");
        assert_eq!(got[0].1, EntityKind::Organization);
    }

    #[test]
    fn acronym_must_abbreviate_the_phrase() {
        assert!(run("We met Ordinary People (XYZ) there.").is_empty());
    }

    #[test]
    fn shaped_names_by_head_noun() {
        let got = run(
            "He chaired the Taiwan Grassroots Alliance for Peace and China’s Ministry of Foreign Affairs. \
                       The Kuala Lumpur Summit adopted the ASEAN Community Vision 2045.",
        );
        let find = |n: &str| got.iter().find(|g| g.0 == n).map(|g| g.1);
        assert_eq!(
            find("Taiwan Grassroots Alliance for Peace"),
            Some(EntityKind::Organization)
        );
        assert_eq!(
            find("Ministry of Foreign Affairs"),
            Some(EntityKind::Organization)
        );
        assert_eq!(find("Kuala Lumpur Summit"), Some(EntityKind::Event));
        assert_eq!(
            find("ASEAN Community Vision 2045"),
            Some(EntityKind::Initiative)
        );
    }

    #[test]
    fn captions_and_credits_are_not_searched() {
        let got = run(
            "Photo: Reuters Andean Development Bank staff left Lima (Photo: Pacific Press Institute). \
             Credit: Jane Doe/Coastal Research Institute",
        );
        let names: Vec<&str> = got.iter().map(|g| g.0.as_str()).collect();
        assert_eq!(names, ["Andean Development Bank"]);
    }

    #[test]
    fn headings_are_not_searched() {
        assert!(run("Kuala Lumpur Summit Balances Great-Power Visitors\n\nText here.").is_empty());
    }
}
