//! Dates in a sentence, read as temporal qualifiers of claims: a start ("since 2017",
//! "(2018~)", "(2020-)"), a range ("2006–2008", "from 2007 to 2012", "2006年から2008年まで"),
//! or a point in time ("in 1984", "on 1 January 2024", "in July 2024", "October 2025").
//!
//! Dates are written as ISO-8601 prefixes: `2024`, `2024-07`, `2024-01-01`.

use crate::model::When;

/// A date expression: its byte span in the sentence and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateExpr {
    /// Byte offset of the first byte (relative to the text searched).
    pub start: usize,
    /// Byte offset one past the end.
    pub end: usize,
    /// The qualifier.
    pub when: When,
}

/// Month names, from `[months]` in the rules data: twelve lowercase entries per language, in
/// calendar order, each a name and its other written forms after `|` ("september|sept"). A
/// name's first three letters also name the month ("Jan", "Dec").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Months {
    /// (form, month): every name and written form.
    forms: Vec<(String, u32)>,
    /// The full names, whose first three letters are abbreviations.
    names: Vec<(String, u32)>,
}

impl Months {
    /// Adds one or more languages' entries; their count must be a multiple of 12 (else it is
    /// returned as the error).
    pub fn extend(&mut self, entries: impl IntoIterator<Item = String>) -> Result<(), usize> {
        let entries: Vec<String> = entries.into_iter().map(|n| n.to_lowercase()).collect();
        if !entries.len().is_multiple_of(12) {
            return Err(entries.len());
        }
        for (i, entry) in entries.iter().enumerate() {
            let month = (i % 12) as u32 + 1;
            let mut forms = entry.split('|').map(str::trim).filter(|f| !f.is_empty());
            if let Some(name) = forms.next() {
                self.names.push((name.to_string(), month));
                self.forms.push((name.to_string(), month));
            }
            self.forms.extend(forms.map(|f| (f.to_string(), month)));
        }
        Ok(())
    }

    /// The month (1–12) that `word` names, in any case.
    pub fn month(&self, word: &str) -> Option<u32> {
        // Month names are short: compare ASCII words without allocating.
        let mut buf = [0u8; 16];
        let lower: std::borrow::Cow<str> = if word.len() <= buf.len() && word.is_ascii() {
            buf[..word.len()].copy_from_slice(word.as_bytes());
            buf[..word.len()].make_ascii_lowercase();
            std::borrow::Cow::Borrowed(std::str::from_utf8(&buf[..word.len()]).ok()?)
        } else {
            std::borrow::Cow::Owned(word.to_lowercase())
        };
        let w = lower.as_ref();
        let abbreviation = w.chars().count() == 3;
        (self.forms.iter().find(|(f, _)| f == w))
            .or_else(|| {
                abbreviation
                    .then(|| self.names.iter().find(|(n, _)| n.starts_with(w)))
                    .flatten()
            })
            .map(|&(_, m)| m)
    }

    /// Whether `word` names a month and is written with a capital, as month names are in
    /// running English text ("in May", not the modal "may").
    pub fn is_capitalised_month(&self, word: &str) -> bool {
        word.chars().next().is_some_and(char::is_uppercase) && self.month(word).is_some()
    }
}

/// 4-digit years 1800–2099 not inside a longer number.
fn years(text: &str) -> Vec<(usize, usize, u32)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 4 <= b.len() {
        let digits = b[i..i + 4].iter().all(u8::is_ascii_digit);
        let left = i == 0 || !b[i - 1].is_ascii_digit();
        let right = i + 4 == b.len() || !b[i + 4].is_ascii_digit();
        if digits && left && right {
            let y: u32 = text[i..i + 4].parse().unwrap_or(0);
            if (1800..2100).contains(&y) {
                out.push((i, i + 4, y));
                i += 4;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The last word before `at` (skipping spaces and commas), with its start.
fn word_before(text: &str, at: usize) -> Option<(usize, &str)> {
    let head = text[..at].trim_end_matches([' ', ',']);
    let start = head
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(0, |(i, c)| i + c.len_utf8());
    (start < head.len()).then(|| (start, &head[start..]))
}

/// Every date expression of `text`, in order.
pub fn dates(text: &str, months: &Months) -> Vec<DateExpr> {
    let month = |w: &str| months.month(w);
    let ys = years(text);
    let mut out: Vec<DateExpr> = Vec::new();
    let mut skip_until = 0;
    for (k, &(s, e, y)) in ys.iter().enumerate() {
        if s < skip_until {
            continue;
        }
        let after = &text[e..];
        let after_nen = after.strip_prefix('年').unwrap_or(after);
        // Ranges: "2006-2008", "2006–2008", "2006~2008", "2006年から2008年まで", "from 2007 to 2012".
        if let Some(&(s2, e2, y2)) = ys.get(k + 1) {
            let between = &text[e..s2];
            let joined = matches!(
                between.trim(),
                "-" | "–" | "—" | "~" | "～" | "to" | "and" | "年~" | "年～" | "年から" | "年-"
            );
            if joined && y2 >= y {
                let lead = word_before(text, s).map(|(_, w)| w.to_lowercase());
                let start = match lead.as_deref() {
                    Some("from" | "between") => word_before(text, s).unwrap().0,
                    _ => s,
                };
                let mut end = e2;
                for tail in ["年まで", "年"] {
                    if text[end..].starts_with(tail) {
                        end += tail.len();
                        break;
                    }
                }
                out.push(DateExpr {
                    start,
                    end,
                    when: When {
                        start: Some(y.to_string()),
                        end: Some(y2.to_string()),
                        point: None,
                    },
                });
                skip_until = e2;
                continue;
            }
        }
        // Open ranges: "(2018~)", "(2020-)", "(2012年~)", "since 2017".
        let open = ["~)", "～)", "-)", "–)", "~）", "～）"]
            .iter()
            .find(|p| after_nen.starts_with(**p));
        let before = word_before(text, s);
        let since = before.is_some_and(|(_, w)| w.eq_ignore_ascii_case("since"))
            || before
                .and_then(|(ws, w)| month(w).and(word_before(text, ws)))
                .is_some_and(|(_, w)| w.eq_ignore_ascii_case("since"));
        if open.is_some() || since {
            // The expression starts at "since" (before an optional month), else at the year.
            let since_at = [before, before.and_then(|(ws, _)| word_before(text, ws))]
                .into_iter()
                .flatten()
                .find(|(_, w)| w.eq_ignore_ascii_case("since"))
                .map(|(at, _)| at);
            let start = since_at.unwrap_or(s);
            let end = e + (after.len() - after_nen.len()) + open.map_or(0, |p| p.len() - 1);
            out.push(DateExpr {
                start,
                end,
                when: When {
                    start: Some(y.to_string()),
                    end: None,
                    point: None,
                },
            });
            continue;
        }
        // Points: "1 January 2024", "January 1, 2024", "July 2024", "2024".
        let mut start = s;
        let mut point = y.to_string();
        if let Some((ws, w)) = before {
            if let Some(m) = month(w) {
                start = ws;
                point = format!("{y}-{m:02}");
                if let Some((ds, d)) = word_before(text, ws).filter(|(_, d)| d.len() <= 2)
                    && let Ok(day) = d.parse::<u32>()
                {
                    start = ds;
                    point = format!("{y}-{m:02}-{day:02}");
                }
            } else if let Ok(day) = w.parse::<u32>() {
                // "January 1, 2024"
                if let Some((ms, m)) =
                    word_before(text, ws).and_then(|(ms, mw)| month(mw).map(|m| (ms, m)))
                {
                    start = ms;
                    point = format!("{y}-{m:02}-{day:02}");
                }
            }
        }
        out.push(DateExpr {
            start,
            end: e,
            when: When {
                start: None,
                end: None,
                point: Some(point),
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whens(text: &str) -> Vec<(String, When)> {
        dates(text, &crate::extract::rules::RuleSet::builtin().months)
            .into_iter()
            .map(|d| (text[d.start..d.end].to_string(), d.when))
            .collect()
    }

    fn point(p: &str) -> When {
        When {
            start: None,
            end: None,
            point: Some(p.into()),
        }
    }

    fn range(s: &str, e: Option<&str>) -> When {
        When {
            start: Some(s.into()),
            end: e.map(Into::into),
            point: None,
        }
    }

    #[test]
    fn points_in_time() {
        assert_eq!(whens("joined in 1984."), [("1984".into(), point("1984"))]);
        assert_eq!(
            whens("on 1 January 2024 it"),
            [("1 January 2024".into(), point("2024-01-01"))]
        );
        assert_eq!(
            whens("in July 2024,"),
            [("July 2024".into(), point("2024-07"))]
        );
        assert_eq!(
            whens("on October 26, 2025"),
            [("October 26, 2025".into(), point("2025-10-26"))]
        );
    }

    #[test]
    fn ranges_and_starts() {
        assert_eq!(
            whens("University (2006-2008) and"),
            [("2006-2008".into(), range("2006", Some("2008")))]
        );
        assert_eq!(
            whens("from 2007 to 2012"),
            [("from 2007 to 2012".into(), range("2007", Some("2012")))]
        );
        assert_eq!(
            whens("since 2017"),
            [("since 2017".into(), range("2017", None))]
        );
        assert_eq!(
            whens("since May 2017"),
            [("since May 2017".into(), range("2017", None))]
        );
        assert_eq!(
            whens("TAIWAN (2020-)."),
            [("2020-".into(), range("2020", None))]
        );
        assert_eq!(
            whens("所長(2018年~)"),
            [("2018年~".into(), range("2018", None))]
        );
        assert_eq!(
            whens("2006年から2008年まで淡江"),
            [("2006年から2008年まで".into(), range("2006", Some("2008")))]
        );
    }

    #[test]
    fn other_numbers_are_not_years() {
        assert!(whens("30 percent of 12345 and 99").is_empty());
    }
}
