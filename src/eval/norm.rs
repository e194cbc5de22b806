//! Surface-form normalisation, as `score.py`'s `norm`, `keys_for`, `norm_type` and
//! `norm_rel` do it.

use super::py;
use caseless::Caseless;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

/// Quote marks folded to their straight form after NFKC.
fn straight_quote(c: char) -> char {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' => '\'',
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' => '"',
        other => other,
    }
}

/// Quote marks stripped from both ends of a surface form.
const STRIP_QUOTES: &[char] = &[
    '"', '\'', '`', '\u{300c}', '\u{300d}', '\u{300e}', '\u{300f}',
];

/// Normalises a surface form: NFKC, straight quotes, whitespace collapsed, outer quote marks
/// stripped, full Unicode case folding (Python's `str.casefold`).
pub fn norm(s: &str) -> String {
    let s: String = s.nfkc().map(straight_quote).collect();
    let words: Vec<&str> = s.split(py::is_space).filter(|w| !w.is_empty()).collect();
    let joined = words.join(" ");
    let stripped = joined.trim_matches(STRIP_QUOTES).trim_matches(py::is_space);
    stripped.chars().default_case_fold().collect()
}

/// `norm` of a value read from JSON: Python's `None` normalises to the empty string, other
/// values through `str()`.
pub fn norm_value(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        other => norm(&py::str_of(other)),
    }
}

/// The lookup keys of a surface form: its normalised text and, when that starts with
/// "the ", the normalised rest.
pub fn keys_for(s: &str) -> Vec<String> {
    keys_for_norm(norm(s))
}

/// [`keys_for`] of a value read from JSON (`None` has no keys).
pub fn keys_for_value(v: &Value) -> Vec<String> {
    keys_for_norm(norm_value(v))
}

fn keys_for_norm(n: String) -> Vec<String> {
    let mut out = Vec::with_capacity(2);
    let rest = n.strip_prefix("the ").map(norm);
    if !n.is_empty() {
        out.push(n);
    }
    if let Some(m) = rest.filter(|m| !m.is_empty()) {
        out.push(m);
    }
    out
}

/// A predicted node's type, normalised: `_` read as a space, "organisation"/"org" read as
/// "organization".
pub fn norm_type(v: &Value) -> String {
    let t = norm_value(v).replace('_', " ");
    let t = t.trim_matches(py::is_space);
    match t {
        "organisation" | "org" => "organization".to_string(),
        other => other.to_string(),
    }
}

/// A relation name, normalised: camelCase split, `norm`, runs of whitespace and `_` turned
/// into one `-`.
pub fn norm_rel(v: &Value) -> String {
    let raw = if py::truthy(v) {
        py::str_of(v)
    } else {
        String::new()
    };
    // `(?<=[a-z])(?=[A-Z])` -> "-": ASCII letters only, as in the Python pattern.
    let mut split = String::with_capacity(raw.len() + 4);
    let mut prev_lower = false;
    for c in raw.chars() {
        if prev_lower && c.is_ascii_uppercase() {
            split.push('-');
        }
        prev_lower = c.is_ascii_lowercase();
        split.push(c);
    }
    let n = norm(&split);
    let mut out = String::with_capacity(n.len());
    let mut in_run = false;
    for c in n.chars() {
        if py::is_space(c) || c == '_' {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn norm_folds_quotes_case_space_and_width() {
        assert_eq!(norm("China\u{2019}s  Ministry"), norm("china's ministry"));
        assert_eq!(norm("  \u{201c}Shanghai   Five\u{201d} "), "shanghai five");
        assert_eq!(norm("「上海協力機構」"), "上海協力機構");
        assert_eq!(norm("ＳＣＯ"), "sco");
        assert_eq!(norm("Straße"), "strasse");
        assert_eq!(norm("ΣΊΣΥΦΟΣ"), "σίσυφοσ");
        assert_eq!(norm("a\u{1f}b"), "a b");
    }

    #[test]
    fn keys_strip_a_leading_the_word_only() {
        assert_eq!(
            keys_for("The \u{201c}Shanghai Five\u{201d}"),
            vec!["the \"shanghai five", "shanghai five"]
        );
        assert_eq!(keys_for("Theresa"), vec!["theresa"]);
        assert_eq!(keys_for("the"), vec!["the"]);
        assert_eq!(keys_for("the  "), vec!["the"]);
        assert!(keys_for("  ").is_empty());
        assert!(keys_for_value(&json!(null)).is_empty());
        assert_eq!(keys_for_value(&json!(42)), vec!["42"]);
    }

    #[test]
    fn types_and_relations_normalise() {
        assert_eq!(norm_type(&json!("Organisation")), "organization");
        assert_eq!(norm_type(&json!("ORG")), "organization");
        assert_eq!(norm_type(&json!(null)), "");
        assert_eq!(norm_type(&json!("Country_")), "country");
        assert_eq!(norm_rel(&json!("MEMBER_OF")), "member-of");
        assert_eq!(norm_rel(&json!("metWith")), "met-with");
        assert_eq!(
            norm_rel(&json!("dialogue partner of")),
            "dialogue-partner-of"
        );
        assert_eq!(norm_rel(&json!("member _ of")), "member-of");
        assert_eq!(norm_rel(&json!(null)), "");
        assert_eq!(norm_rel(&json!(0)), "");
    }
}
