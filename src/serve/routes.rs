//! Routing, parameter checking and JSON bodies of the API: (method, URL) in, status and JSON
//! out, with no socket in sight. Every route calls the same [`Explorer`] methods as the
//! command line.
//!
//! Errors are `{"error": {"kind", "message", ...}}` with the query library's failure kinds
//! (`unknown-entity` carries `suggestions`) plus the HTTP ones (`not-found`,
//! `method-not-allowed`, `bad-request`, `too-large`, `forbidden-host`, and from the
//! connection layer `timeout`, `busy`, `internal`).

use crate::model::{EntityKind, RelationKind};
use crate::query::explore::{MatchQuery, NeighborsQuery, PathMode, PathQuery};
use crate::query::paths::Direction;
use crate::query::{ErrorReport, EvidenceLimit, Explorer, FailureKind, Filters, QueryError};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Bounds on what one request may ask, and on what the connections may hold.
///
/// The first group bounds the HTTP layer (`serve/http.rs`); each answer it gives is the
/// JSON error of this module, and the connection is closed after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Longest request line plus headers, in bytes (431 `too-large` beyond; 414 when the
    /// request line alone does not fit). The request line and headers must fit in this
    /// much memory, which is all a connection holds of a request.
    pub max_head_bytes: usize,
    /// Most header fields in a request (431 `too-large` beyond).
    pub max_headers: usize,
    /// Longest request target (path and query string), in bytes (414 `too-large` beyond).
    pub max_url_bytes: usize,
    /// Time from a request's first byte to the end of its headers: a client that sends a
    /// byte at a time is answered 408 `timeout` and cut off when it runs out.
    pub request_timeout: Duration,
    /// How long a connection may wait for its next request (and a new one for its first)
    /// before it is closed. A connection idle after an answer is closed sooner (after
    /// 100 ms) when connections are queued for a worker and none is free.
    pub idle_timeout: Duration,
    /// Longest a write of an answer may block on a client that does not read.
    pub write_timeout: Duration,
    /// Connections served at once: one worker thread each, started with the server.
    pub max_connections: usize,
    /// Accepted connections waiting for a worker; one more is answered 503 `busy` and
    /// closed.
    pub max_queued: usize,
    /// Longest entity name or search text, in characters.
    pub max_name_chars: usize,
    /// Largest `k` of `/api/path`.
    pub max_k: usize,
    /// Largest `depth` of `/api/neighbors`.
    pub max_depth: usize,
    /// Longest `pattern` of `/api/match`, in characters.
    pub max_pattern_chars: usize,
    /// Largest `limit` of `/api/entities`.
    pub max_results: usize,
    /// Largest `evidence` (sentences per edge).
    pub max_evidence: usize,
    /// Most `avoid` names of `/api/path`.
    pub max_avoid: usize,
    /// Most items in a list of edges with evidence: neighbours, a card's relations, match
    /// rows (each result says how many there were in all).
    pub max_items: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_head_bytes: 16 * 1024,
            max_headers: 64,
            max_url_bytes: 4096,
            request_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(5),
            write_timeout: Duration::from_secs(10),
            max_connections: 64,
            max_queued: 64,
            max_name_chars: 200,
            max_k: 10,
            max_depth: 3,
            max_pattern_chars: 500,
            max_results: 100,
            max_evidence: 20,
            max_avoid: 10,
            max_items: 500,
        }
    }
}

/// What a worker knows while answering.
#[derive(Debug)]
pub struct Context<'a, 'g> {
    /// The graph's explorer (lent for one request: `'g` is the graph's lifetime).
    pub explorer: &'a Explorer<'g>,
    /// The bounds.
    pub limits: &'a Limits,
    /// `/api/stats`, computed once.
    pub stats: &'a str,
    /// `/`: the viewer page of `kg export --format html`, made once.
    pub page: &'a str,
    /// Whether the server listens on loopback (then only loopback `Host` names are served).
    pub loopback: bool,
}

/// The parts of a request routing looks at.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    /// `GET`, `POST`, ...
    pub method: &'a str,
    /// The request target: path and query string, percent-encoded.
    pub url: &'a str,
    /// The `Host` header, if any.
    pub host: Option<&'a str>,
    /// Whether the request carries a body.
    pub has_body: bool,
}

/// A response: status, JSON body, and the `Allow` header of a 405.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// JSON text.
    pub body: String,
    /// Methods allowed, for 405.
    pub allow: Option<&'static str>,
    /// The body is the viewer page (HTML), not JSON.
    pub html: bool,
}

/// Compact JSON of a result.
pub fn json(value: &impl Serialize) -> String {
    serde_json::to_string(value).expect("results serialise")
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a ErrorReport,
}

/// The HTTP-level failure kinds, beside the query library's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum HttpKind {
    NotFound,
    MethodNotAllowed,
    BadRequest,
    TooLarge,
    ForbiddenHost,
    Timeout,
    Busy,
    Internal,
}

#[derive(Serialize)]
struct HttpErrorBody<'a> {
    error: HttpError<'a>,
}

#[derive(Serialize)]
struct HttpError<'a> {
    kind: HttpKind,
    message: &'a str,
}

fn http_error(status: u16, kind: HttpKind, message: &str) -> Reply {
    Reply {
        status,
        body: json(&HttpErrorBody {
            error: HttpError { kind, message },
        }),
        allow: None,
        html: false,
    }
}

/// The JSON error answer of the HTTP layer for `status` (400, 408, 413, 414, 431, 500,
/// 503, 505), with the kind that status means.
pub(super) fn failure(status: u16, message: &str) -> Reply {
    let kind = match status {
        408 => HttpKind::Timeout,
        413 | 414 | 431 => HttpKind::TooLarge,
        503 => HttpKind::Busy,
        500 => HttpKind::Internal,
        _ => HttpKind::BadRequest,
    };
    http_error(status, kind, message)
}

fn bad(message: impl AsRef<str>) -> Reply {
    http_error(400, HttpKind::BadRequest, message.as_ref())
}

fn query_error(e: &QueryError) -> Reply {
    let report = e.report();
    let status = match report.kind {
        FailureKind::UnknownEntity => 404,
        FailureKind::AmbiguousName
        | FailureKind::Syntax
        | FailureKind::Refused
        | FailureKind::TooBig
        | FailureKind::BadRequest => 400,
        FailureKind::BadGraph | FailureKind::Output => 500,
    };
    Reply {
        status,
        body: json(&ErrorBody { error: &report }),
        allow: None,
        html: false,
    }
}

fn ok(value: &impl Serialize) -> Reply {
    Reply {
        status: 200,
        body: json(value),
        allow: None,
        html: false,
    }
}

/// The host part of a `Host` header (`[::1]:8080` → `[::1]`, `localhost:80` → `localhost`).
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return host
            .split(']')
            .next()
            .map_or(host, |h| &host[..h.len() + 1]);
    }
    host.split(':').next().unwrap_or(host)
}

fn loopback_host(host: &str) -> bool {
    let name = host_name(host).to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name == "[::1]"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Query parameters, each at most once (except those listed as repeatable).
struct Params {
    values: BTreeMap<String, Vec<String>>,
}

impl Params {
    fn parse(query: &str, allowed: &[&str], repeatable: &[&str]) -> Result<Params, Reply> {
        let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            if !allowed.contains(&k.as_ref()) {
                let expected = if allowed.is_empty() {
                    "none".to_string()
                } else {
                    allowed.join(", ")
                };
                return Err(bad(format!(
                    "unknown parameter '{k}' (expected: {expected})"
                )));
            }
            let list = values.entry(k.to_string()).or_default();
            if !list.is_empty() && !repeatable.contains(&k.as_ref()) {
                return Err(bad(format!("parameter '{k}' is given more than once")));
            }
            list.push(v.into_owned());
        }
        Ok(Params { values })
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.values
            .get(name)
            .and_then(|v| v.first())
            .map(String::as_str)
    }

    fn all(&self, name: &str) -> &[String] {
        self.values.get(name).map_or(&[], Vec::as_slice)
    }

    fn required(&self, name: &str) -> Result<&str, Reply> {
        match self.get(name) {
            Some(v) if !v.trim().is_empty() => Ok(v),
            _ => Err(bad(format!("parameter '{name}' is required"))),
        }
    }

    /// An integer in `min..=max`, or `default` when absent.
    fn number(&self, name: &str, default: usize, min: usize, max: usize) -> Result<usize, Reply> {
        let Some(v) = self.get(name) else {
            return Ok(default);
        };
        match v.parse::<usize>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(bad(format!(
                "parameter '{name}' must be an integer from {min} to {max}, not '{v}'"
            ))),
        }
    }

    fn flag(&self, name: &str) -> Result<bool, Reply> {
        match self.get(name) {
            None | Some("false") | Some("0") => Ok(false),
            Some("true") | Some("1") | Some("") => Ok(true),
            Some(v) => Err(bad(format!(
                "parameter '{name}' must be true or false, not '{v}'"
            ))),
        }
    }

    fn list<T: std::str::FromStr>(&self, name: &str) -> Result<Vec<T>, Reply>
    where
        T::Err: std::fmt::Display,
    {
        let Some(v) = self.get(name) else {
            return Ok(Vec::new());
        };
        v.split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                s.parse::<T>()
                    .map_err(|e| bad(format!("parameter '{name}': {e}")))
            })
            .collect()
    }

    fn evidence(&self, limits: &Limits) -> Result<EvidenceLimit, Reply> {
        Ok(EvidenceLimit::AtMost(self.number(
            "evidence",
            3,
            0,
            limits.max_evidence,
        )?))
    }

    fn filters(&self) -> Result<Filters, Reply> {
        Ok(Filters {
            relations: self.list::<RelationKind>("relations")?,
            types: self.list::<EntityKind>("types")?,
        })
    }
}

fn name_ok(name: &str, what: &str, limits: &Limits) -> Result<(), Reply> {
    if name.chars().count() > limits.max_name_chars {
        return Err(bad(format!(
            "{what} is longer than {} characters",
            limits.max_name_chars
        )));
    }
    Ok(())
}

/// The `/` route: the offline viewer page ([`crate::export::html`]), the same file
/// `kg export --format html` writes. It needs nothing from the server: its data is inside.
fn viewer_page(ctx: &Context<'_, '_>) -> Reply {
    Reply {
        status: 200,
        body: ctx.page.to_string(),
        allow: None,
        html: true,
    }
}

/// Answers one request.
pub fn handle(ctx: &Context<'_, '_>, req: &Incoming<'_>) -> Reply {
    if req.url.len() > ctx.limits.max_url_bytes {
        return http_error(
            414,
            HttpKind::TooLarge,
            &format!(
                "the request target is longer than {} bytes",
                ctx.limits.max_url_bytes
            ),
        );
    }
    if ctx.loopback
        && let Some(host) = req.host
        && !loopback_host(host)
    {
        return http_error(
            403,
            HttpKind::ForbiddenHost,
            "this server answers only to loopback host names (localhost, 127.0.0.1, [::1])",
        );
    }
    if req.has_body {
        return http_error(413, HttpKind::TooLarge, "request bodies are not accepted");
    }
    let (path, query) = req.url.split_once('?').unwrap_or((req.url, ""));
    let segments: Vec<String> = path
        .split('/')
        .skip(1)
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let known = matches!(
        segs.as_slice(),
        [""] | ["api", "entities"]
            | ["api", "entities", _]
            | ["api", "path"]
            | ["api", "neighbors", _]
            | ["api", "match"]
            | ["api", "stats"]
    );
    if !known {
        return http_error(
            404,
            HttpKind::NotFound,
            &format!("no route {path}; see docs/openapi.json"),
        );
    }
    if req.method != "GET" {
        let mut r = http_error(
            405,
            HttpKind::MethodNotAllowed,
            &format!("{} is not allowed here; use GET", req.method),
        );
        r.allow = Some("GET");
        return r;
    }
    let result = match segs.as_slice() {
        [""] => Ok(viewer_page(ctx)),
        ["api", "entities"] => entities(ctx, query),
        ["api", "entities", id] => card(ctx, id, query),
        ["api", "path"] => path_route(ctx, query),
        ["api", "neighbors", id] => neighbors(ctx, id, query),
        ["api", "match"] => match_route(ctx, query),
        ["api", "stats"] => Params::parse(query, &[], &[]).map(|_| Reply {
            status: 200,
            body: ctx.stats.to_string(),
            allow: None,
            html: false,
        }),
        _ => unreachable!("checked above"),
    };
    result.unwrap_or_else(|reply| reply)
}

fn entities(ctx: &Context<'_, '_>, query: &str) -> Result<Reply, Reply> {
    let p = Params::parse(query, &["q", "limit"], &[])?;
    let q = p.get("q").unwrap_or("");
    name_ok(q, "q", ctx.limits)?;
    let limit = p.number("limit", 20, 1, ctx.limits.max_results)?;
    Ok(ok(&ctx.explorer.search(q, limit)))
}

fn card(ctx: &Context<'_, '_>, id: &str, query: &str) -> Result<Reply, Reply> {
    let p = Params::parse(query, &["evidence"], &[])?;
    name_ok(id, "the entity", ctx.limits)?;
    let evidence = p.evidence(ctx.limits)?;
    Ok(
        match ctx.explorer.card(id, evidence, ctx.limits.max_items) {
            Ok(card) => ok(&card),
            Err(e) => query_error(&e),
        },
    )
}

fn path_route(ctx: &Context<'_, '_>, query: &str) -> Result<Reply, Reply> {
    let p = Params::parse(
        query,
        &[
            "from",
            "to",
            "k",
            "directed",
            "avoid",
            "relations",
            "types",
            "evidence",
        ],
        &["avoid"],
    )?;
    let (from, to) = (p.required("from")?, p.required("to")?);
    name_ok(from, "from", ctx.limits)?;
    name_ok(to, "to", ctx.limits)?;
    let avoid = p.all("avoid").to_vec();
    if avoid.len() > ctx.limits.max_avoid {
        return Err(bad(format!("at most {} avoid names", ctx.limits.max_avoid)));
    }
    for a in &avoid {
        name_ok(a, "avoid", ctx.limits)?;
    }
    let q = PathQuery {
        from: from.to_string(),
        to: to.to_string(),
        directed: p.flag("directed")?,
        avoid,
        mode: PathMode::Shortest(p.number("k", 1, 1, ctx.limits.max_k)?),
        filters: p.filters()?,
        evidence: p.evidence(ctx.limits)?,
    };
    Ok(match ctx.explorer.path(&q) {
        Ok(r) => ok(&r),
        Err(e) => query_error(&e),
    })
}

fn neighbors(ctx: &Context<'_, '_>, id: &str, query: &str) -> Result<Reply, Reply> {
    let p = Params::parse(
        query,
        &["depth", "direction", "relations", "types", "evidence"],
        &[],
    )?;
    name_ok(id, "the entity", ctx.limits)?;
    let direction = match p.get("direction") {
        None | Some("both") => Direction::Both,
        Some("out") => Direction::Out,
        Some("in") => Direction::In,
        Some(v) => {
            return Err(bad(format!(
                "parameter 'direction' must be out, in or both, not '{v}'"
            )));
        }
    };
    let q = NeighborsQuery {
        name: id.to_string(),
        depth: p.number("depth", 1, 1, ctx.limits.max_depth)?,
        direction,
        filters: p.filters()?,
        evidence: p.evidence(ctx.limits)?,
        limit: ctx.limits.max_items,
    };
    Ok(match ctx.explorer.neighbors(&q) {
        Ok(r) => ok(&r),
        Err(e) => query_error(&e),
    })
}

fn match_route(ctx: &Context<'_, '_>, query: &str) -> Result<Reply, Reply> {
    let p = Params::parse(query, &["pattern", "evidence"], &[])?;
    let pattern = p.required("pattern")?;
    if pattern.chars().count() > ctx.limits.max_pattern_chars {
        return Err(bad(format!(
            "pattern is longer than {} characters",
            ctx.limits.max_pattern_chars
        )));
    }
    let q = MatchQuery {
        pattern: pattern.to_string(),
        evidence: p.evidence(ctx.limits)?,
        limit: ctx.limits.max_items,
    };
    Ok(match ctx.explorer.find(&q) {
        Ok(r) => ok(&r),
        Err(e) => query_error(&e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_are_checked_without_ports() {
        for ok in [
            "localhost",
            "localhost:8080",
            "127.0.0.1:1",
            "127.1.2.3",
            "[::1]:8080",
            "app.localhost",
        ] {
            assert!(loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8080",
            "10.0.0.1",
            "localhost.evil",
        ] {
            assert!(!loopback_host(bad), "{bad}");
        }
    }
}
