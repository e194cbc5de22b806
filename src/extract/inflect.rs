//! English verb inflection for trigger lemmas: a rule writes `{join}` once and matches
//! "join", "joins", "joined" and "joining".
//!
//! Regular forms are generated (spelling rules for -s, -ed and -ing: "carries", "carried",
//! "hosting", "hosted"); the data gives what spelling cannot know: irregular past forms
//! (`meet = ["met"]`) and verbs that double their last consonant though they have more than
//! one syllable ("admit" → "admitted").

use serde::Deserialize;
use std::collections::BTreeMap;

/// What the rules file says about verbs that spelling rules cannot inflect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verbs {
    /// Past tense and past participle forms of irregular verbs, by lemma.
    #[serde(default)]
    pub irregular: BTreeMap<String, Vec<String>>,
    /// Verbs of more than one syllable that double their final consonant ("admit").
    #[serde(default)]
    pub doubling: Vec<String>,
    /// Present tense forms of verbs whose third person spelling cannot make
    /// (`be = ["am", "is", "are"]`, `have = ["has"]`); they replace the generated one.
    #[serde(default)]
    pub present: BTreeMap<String, Vec<String>>,
}

impl Verbs {
    /// Adds another file's verbs (later entries win).
    pub fn extend(&mut self, other: Verbs) {
        self.irregular.extend(other.irregular);
        self.doubling.extend(other.doubling);
        self.present.extend(other.present);
    }

    /// Every form of `lemma`: base, third person singular, past forms, -ing form.
    pub fn forms(&self, lemma: &str) -> Vec<String> {
        let doubles = self.doubling.iter().any(|d| d == lemma) || short_cvc(lemma);
        let stem = if doubles {
            let last = lemma.chars().last().unwrap_or_default();
            format!("{lemma}{last}")
        } else {
            lemma.to_string()
        };
        let mut out = vec![lemma.to_string()];
        match self.present.get(lemma) {
            Some(present) => out.extend(present.iter().cloned()),
            None => out.push(third_person(lemma)),
        }
        match self.irregular.get(lemma) {
            Some(past) => out.extend(past.iter().cloned()),
            None => out.push(past(lemma, &stem)),
        }
        out.push(gerund(lemma, &stem));
        let mut seen = Vec::new();
        out.retain(|f| {
            let new = !seen.contains(f);
            seen.push(f.clone());
            new
        });
        out
    }

    /// Expands the `{lemma}` words of a trigger into every combination of their forms
    /// ("{hold} talks with" → "hold talks with", "holds talks with", "held talks with", ...).
    /// A trigger without braces is returned as it is.
    pub fn expand(&self, trigger: &str) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut rest = trigger;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            let (lit, lemma) = (&rest[..open], &rest[open + 1..close]);
            let forms = self.forms(lemma.trim());
            out = out
                .iter()
                .flat_map(|p| forms.iter().map(move |f| format!("{p}{lit}{f}")))
                .collect();
            rest = &rest[close + 1..];
        }
        out.iter_mut().for_each(|p| p.push_str(rest));
        out
    }
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// One syllable ending consonant–vowel–consonant ("stop", "plan"): the consonant doubles.
fn short_cvc(w: &str) -> bool {
    let c: Vec<char> = w.chars().collect();
    let n = c.len();
    if n < 3 || !c.iter().all(char::is_ascii_lowercase) {
        return false;
    }
    let vowel_groups = c
        .iter()
        .enumerate()
        .filter(|&(i, &ch)| is_vowel(ch) && (i == 0 || !is_vowel(c[i - 1])))
        .count();
    vowel_groups == 1
        && !is_vowel(c[n - 1])
        && !matches!(c[n - 1], 'w' | 'x' | 'y')
        && is_vowel(c[n - 2])
        && !is_vowel(c[n - 3])
}

fn consonant_y(w: &str) -> bool {
    let mut rev = w.chars().rev();
    rev.next() == Some('y') && rev.next().is_some_and(|c| !is_vowel(c))
}

fn third_person(w: &str) -> String {
    if consonant_y(w) {
        format!("{}ies", &w[..w.len() - 1])
    } else if w.ends_with(['s', 'x', 'z', 'o']) || w.ends_with("ch") || w.ends_with("sh") {
        format!("{w}es")
    } else {
        format!("{w}s")
    }
}

fn past(w: &str, stem: &str) -> String {
    if consonant_y(w) {
        format!("{}ied", &w[..w.len() - 1])
    } else if w.ends_with('e') {
        format!("{w}d")
    } else {
        format!("{stem}ed")
    }
}

fn gerund(w: &str, stem: &str) -> String {
    if let Some(stem) = w.strip_suffix("ie") {
        format!("{stem}ying")
    } else if w.ends_with('e') && !w.ends_with("ee") && w.len() > 2 {
        format!("{}ing", &w[..w.len() - 1])
    } else {
        format!("{stem}ing")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verbs() -> Verbs {
        Verbs {
            irregular: [
                ("meet", vec!["met"]),
                ("withdraw", vec!["withdrew", "withdrawn"]),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
            .collect(),
            doubling: vec!["admit".into()],
            present: [("be", vec!["am", "is", "are"])]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
                .collect(),
        }
    }

    #[test]
    fn regular_spelling_rules() {
        let v = verbs();
        assert_eq!(v.forms("join"), ["join", "joins", "joined", "joining"]);
        assert_eq!(v.forms("host"), ["host", "hosts", "hosted", "hosting"]);
        assert_eq!(
            v.forms("comprise"),
            ["comprise", "comprises", "comprised", "comprising"]
        );
        assert_eq!(
            v.forms("carry"),
            ["carry", "carries", "carried", "carrying"]
        );
        assert_eq!(v.forms("stay"), ["stay", "stays", "stayed", "staying"]);
        assert_eq!(v.forms("stop"), ["stop", "stops", "stopped", "stopping"]);
        assert_eq!(v.forms("visit"), ["visit", "visits", "visited", "visiting"]);
        assert_eq!(v.forms("push"), ["push", "pushes", "pushed", "pushing"]);
        assert_eq!(v.forms("agree"), ["agree", "agrees", "agreed", "agreeing"]);
    }

    #[test]
    fn irregular_and_doubling_verbs_come_from_data() {
        let v = verbs();
        assert_eq!(v.forms("meet"), ["meet", "meets", "met", "meeting"]);
        assert_eq!(
            v.forms("withdraw"),
            [
                "withdraw",
                "withdraws",
                "withdrew",
                "withdrawn",
                "withdrawing"
            ]
        );
        assert_eq!(
            v.forms("admit"),
            ["admit", "admits", "admitted", "admitting"]
        );
    }

    #[test]
    fn present_forms_from_data_replace_the_spelled_third_person() {
        let mut v = verbs();
        v.irregular.insert(
            "be".into(),
            vec!["was".into(), "were".into(), "been".into()],
        );
        assert_eq!(
            v.forms("be"),
            ["be", "am", "is", "are", "was", "were", "been", "being"]
        );
        assert_eq!(
            v.expand("{be} suspended from")[3..6],
            [
                "are suspended from",
                "was suspended from",
                "were suspended from"
            ]
        );
    }

    #[test]
    fn triggers_expand_every_lemma() {
        let v = verbs();
        assert_eq!(
            v.expand("{meet} with"),
            ["meet with", "meets with", "met with", "meeting with"]
        );
        assert_eq!(v.expand("member of"), ["member of"]);
        assert_eq!(v.expand("{withdraw} from").len(), 5);
        assert_eq!(v.expand("{join} and {admit}").len(), 16);
    }
}
