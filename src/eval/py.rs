//! Python compatibility: the string conversions and text/JSON formatting that `score.py`
//! gets from Python itself (`str()`, `repr()`, `float.__repr__`, `json.dumps(indent=2,
//! ensure_ascii=False)`, `str.split()`/`str.strip()` whitespace), so `kg eval` prints the
//! same bytes.

use serde_json::Value;

/// Python's `str.isspace()`: Rust's `White_Space` plus the ASCII separators U+001C..U+001F.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's truth value of a JSON value (`None`, `False`, `0`, `""`, `[]`, `{}` are false).
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Python's `list(v)` for the values a JSON file can hold; `None` for a scalar that Python
/// could not iterate (a number or a boolean).
pub fn list(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::Array(a) => Some(a.clone()),
        Value::String(s) => Some(s.chars().map(|c| Value::String(c.to_string())).collect()),
        Value::Object(o) => Some(o.keys().map(|k| Value::String(k.clone())).collect()),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

/// Python's `list(v or [])`.
pub fn list_or_empty(v: &Value) -> Option<Vec<Value>> {
    if truthy(v) { list(v) } else { Some(Vec::new()) }
}

/// Python's `str(v)` for a value loaded by `json.load`.
pub fn str_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => repr(other),
    }
}

/// Python's `repr(v)` for a value loaded by `json.load`.
pub fn repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => number(n),
        Value::String(s) => repr_str(s),
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(repr).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(o) => {
            let items: Vec<String> = o
                .iter()
                .map(|(k, v)| format!("{}: {}", repr_str(k), repr(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

fn number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        i.to_string()
    } else if let Some(u) = n.as_u64() {
        u.to_string()
    } else {
        float(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// Python's `repr(float)`: the shortest round-trip digits, fixed notation when the decimal
/// exponent is in -4..16, otherwise `d.ddde+XX`; always a `.0` on whole numbers.
pub fn float(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // `{:e}` gives the shortest round-trip digits as `d.ddde±x`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').expect("LowerExp has an exponent");
    let exp: i32 = exp.parse().expect("LowerExp exponent is an integer");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if x < 0.0 { "-" } else { "" };
    // Python's `decpt`: the value is 0.DIGITS x 10^decpt.
    let decpt = exp + 1;
    let n = digits.len() as i32;
    let body = if -4 < decpt && decpt <= 16 {
        if decpt <= 0 {
            format!("0.{}{}", "0".repeat((-decpt) as usize), digits)
        } else if decpt >= n {
            format!("{}{}.0", digits, "0".repeat((decpt - n) as usize))
        } else {
            let (int, frac) = digits.split_at(decpt as usize);
            format!("{int}.{frac}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let e = decpt - 1;
        let esign = if e < 0 { '-' } else { '+' };
        if rest.is_empty() {
            format!("{first}e{esign}{:02}", e.abs())
        } else {
            format!("{first}.{rest}e{esign}{:02}", e.abs())
        }
    };
    format!("{sign}{body}")
}

/// Python's `repr(str)`: single quotes unless the text holds `'` and no `"`, escapes for
/// backslash, the quote, `\t\n\r` and characters Python does not consider printable.
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !printable(c) => {
                let u = c as u32;
                if u <= 0xff {
                    out.push_str(&format!("\\x{u:02x}"));
                } else if u <= 0xffff {
                    out.push_str(&format!("\\u{u:04x}"));
                } else {
                    out.push_str(&format!("\\U{u:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable()` for one character: false for control (Cc), format (Cf),
/// private-use (Co) and separator (Zs, Zl, Zp) characters other than the space. Unassigned
/// code points (Cn), which Python also escapes, are not known here and print as they are.
fn printable(c: char) -> bool {
    let u = c as u32;
    !matches!(u,
        0x00..=0x1f | 0x7f..=0xa0 | 0xad
        | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891 | 0x8e2 | 0x1680 | 0x180e
        | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x2064 | 0x2066..=0x206f | 0x3000
        | 0xe000..=0xf8ff | 0xfeff | 0xfff9..=0xfffb | 0x110bd | 0x110cd | 0x13430..=0x1343f
        | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a | 0xe0001 | 0xe0020..=0xe007f
        | 0xf0000..=0xffffd | 0x100000..=0x10fffd)
}

/// A JSON document built in Python's key order, printed like `json.dumps(indent=2,
/// ensure_ascii=False)`.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number from an input file, already in Python's spelling.
    Number(String),
    /// An integer count.
    Int(usize),
    /// A float, printed with Python's `repr`.
    Float(f64),
    /// A string.
    Str(String),
    /// A value read from an input file, printed as Python would after `json.load`.
    Raw(Value),
    /// An array.
    Arr(Vec<Json>),
    /// An object, in insertion order.
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// An object from `(key, value)` pairs.
    pub fn obj<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Json)>) -> Json {
        Json::Obj(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// `Float` or `Null`.
    pub fn opt_float(x: Option<f64>) -> Json {
        x.map_or(Json::Null, Json::Float)
    }

    /// The text `json.dumps(self, indent=2, ensure_ascii=False)` would produce.
    pub fn dumps(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out
    }

    fn write(&self, out: &mut String, level: usize) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::Int(i) => out.push_str(&i.to_string()),
            Json::Float(f) => out.push_str(&json_float(*f)),
            Json::Str(s) => json_str(out, s),
            Json::Raw(v) => raw(v).write(out, level),
            Json::Arr(items) => {
                if items.is_empty() {
                    out.push_str("[]");
                    return;
                }
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, level + 1);
                    item.write(out, level + 1);
                }
                newline(out, level);
                out.push(']');
            }
            Json::Obj(pairs) => {
                if pairs.is_empty() {
                    out.push_str("{}");
                    return;
                }
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    newline(out, level + 1);
                    json_str(out, k);
                    out.push_str(": ");
                    v.write(out, level + 1);
                }
                newline(out, level);
                out.push('}');
            }
        }
    }
}

/// A parsed input value as a [`Json`] tree (numbers keep their integer or float nature).
fn raw(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => Json::Number(json_number(n)),
        Value::String(s) => Json::Str(s.clone()),
        Value::Array(a) => Json::Arr(a.iter().map(raw).collect()),
        Value::Object(o) => Json::Obj(o.iter().map(|(k, v)| (k.clone(), raw(v))).collect()),
    }
}

fn json_number(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        n.to_string()
    } else {
        json_float(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// `json.dumps` writes floats with `repr`, and non-finite ones as `NaN`/`Infinity`.
fn json_float(x: f64) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        float(x)
    }
}

fn newline(out: &mut String, level: usize) {
    out.push('\n');
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// A JSON string as `json.dumps(..., ensure_ascii=False)` writes it.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn float_repr_matches_python() {
        for (x, want) in [
            (1.0, "1.0"),
            (0.0, "0.0"),
            (0.5, "0.5"),
            (2.0 / 3.0, "0.6666666666666666"),
            (0.1, "0.1"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000015, "1.5e-05"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123.25, "123.25"),
            (-2.5, "-2.5"),
        ] {
            assert_eq!(float(x), want, "{x}");
        }
    }

    #[test]
    fn repr_matches_python() {
        assert_eq!(repr_str("China"), "'China'");
        assert_eq!(repr_str("Côte d'Ivoire"), "\"Côte d'Ivoire\"");
        assert_eq!(repr_str("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(repr_str("tab\there\\"), "'tab\\there\\\\'");
        assert_eq!(repr_str("nb\u{a0}sp\u{200b}"), "'nb\\xa0sp\\u200b'");
        assert_eq!(repr_str("上海協力機構"), "'上海協力機構'");
        assert_eq!(repr(&json!(null)), "None");
        assert_eq!(repr(&json!([1, "a", true, 2.5])), "[1, 'a', True, 2.5]");
        assert_eq!(str_of(&json!("x")), "x");
    }

    #[test]
    fn json_dumps_layout() {
        let j = Json::obj([
            ("a", Json::Int(1)),
            ("b", Json::Arr(vec![])),
            ("c", Json::Obj(vec![])),
            (
                "d",
                Json::Arr(vec![Json::Str("x\"\n\u{1}é".into()), Json::Float(1.0)]),
            ),
            ("e", Json::Raw(json!({"k": [true, 5, 1.5, null]}))),
        ]);
        assert_eq!(
            j.dumps(),
            "{\n  \"a\": 1,\n  \"b\": [],\n  \"c\": {},\n  \"d\": [\n    \"x\\\"\\n\\u0001é\",\n    1.0\n  ],\n  \"e\": {\n    \"k\": [\n      true,\n      5,\n      1.5,\n      null\n    ]\n  }\n}"
        );
    }

    #[test]
    fn python_truth_and_lists() {
        assert!(!truthy(&json!(0)));
        assert!(!truthy(&json!("")));
        assert!(truthy(&json!("a")));
        assert_eq!(list_or_empty(&json!(null)), Some(vec![]));
        assert_eq!(
            list_or_empty(&json!("ab")),
            Some(vec![json!("a"), json!("b")])
        );
        assert_eq!(list_or_empty(&json!(3)), None);
        assert!(is_space('\u{1f}') && is_space('\u{3000}') && !is_space('x'));
    }
}
