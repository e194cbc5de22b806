//! `kg serve`'s JSON API over real loopback HTTP, on the hand-made SCO fixture: every route,
//! the errors (unknown route 404, bad parameters 400, unknown entity 404 with suggestions,
//! 405, 413, 414, foreign Host 403), the bounds, and every response body validated against
//! the schemas of `docs/openapi.json`; and the HTTP layer's bounds over raw sockets (head
//! size, header count, slow and silent clients, the connection queue, keep-alive).

mod common;

use kg::graph::KnowledgeGraph;
use kg::serve::{Limits, ServeOptions, Server};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sco.json");
const SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json");

fn spec() -> Value {
    serde_json::from_str(&std::fs::read_to_string(SPEC).unwrap()).unwrap()
}

/// Checks responses against the spec and remembers which (route, status) pairs were seen.
struct Checker {
    spec: Value,
    seen: Mutex<BTreeSet<(String, String)>>,
}

impl Checker {
    fn new() -> Self {
        Checker {
            spec: spec(),
            seen: Mutex::new(BTreeSet::new()),
        }
    }

    /// The spec's path template for a request path (`/api/entities/sco` → `/api/entities/{id}`).
    fn template(&self, path: &str) -> Option<String> {
        let parts: Vec<&str> = path.split('/').collect();
        self.spec["paths"]
            .as_object()
            .unwrap()
            .keys()
            .find(|t| {
                let tp: Vec<&str> = t.split('/').collect();
                tp.len() == parts.len()
                    && tp
                        .iter()
                        .zip(&parts)
                        .all(|(a, b)| a == b || (a.starts_with('{') && !b.is_empty()))
            })
            .cloned()
    }

    /// Validates `body` as the response `status` of `path` (falling back to `default`).
    fn check(&self, path: &str, status: u16, body: &Value) {
        let Some(template) = self.template(path) else {
            // Routes outside the spec answer with the error schema.
            return self.validate("#/components/schemas/Error", body, path);
        };
        let responses = &self.spec["paths"][&template]["get"]["responses"];
        let key = if responses.get(status.to_string()).is_some() {
            status.to_string()
        } else {
            "default".to_string()
        };
        let escaped = template
            .replace('~', "~0")
            .replace('/', "~1")
            .replace('{', "%7B")
            .replace('}', "%7D");
        let pointer =
            format!("#/paths/{escaped}/get/responses/{key}/content/application~1json/schema");
        self.validate(&pointer, body, path);
        self.seen.lock().unwrap().insert((template, key));
    }

    fn validate(&self, pointer: &str, body: &Value, path: &str) {
        // The whole document is the root resource, so `#/components/...` references resolve.
        let mut schema = self.spec.clone();
        schema["$ref"] = Value::from(pointer);
        let validator = jsonschema::draft202012::new(&schema).expect("the spec's schemas compile");
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{path}: response does not match {pointer}:\n{}\n{body:#}",
            errors.join("\n")
        );
    }
}

/// Runs `f` with a server on a free loopback port answering about the fixture.
fn with_server(f: impl FnOnce(&Client)) {
    with_server_on(
        KnowledgeGraph::load(std::path::Path::new(FIXTURE)).unwrap(),
        f,
    )
}

/// Runs `f` with a server answering about `graph`.
fn with_server_on(graph: KnowledgeGraph, f: impl FnOnce(&Client)) {
    with_server_limits(graph, Limits::default(), f)
}

/// Runs `f` with a server answering about `graph` under `limits`.
fn with_server_limits(graph: KnowledgeGraph, limits: Limits, f: impl FnOnce(&Client)) {
    let options = ServeOptions {
        addr: "127.0.0.1:0".parse().unwrap(),
        threads: 2,
        limits,
    };
    let server = Server::bind(&options).unwrap();
    let addr = server.local_addr();
    assert!(addr.ip().is_loopback() && addr.port() != 0);
    let stop = server.stop_handle();
    std::thread::scope(|s| {
        s.spawn(|| server.run(&graph, &[], &options));
        let client = Client::new(addr);
        // Stop the server even when `f` panics, so the scope can end.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&client)));
        stop.stop();
        if let Err(panic) = outcome {
            std::panic::resume_unwind(panic);
        }
    });
}

struct Client {
    addr: SocketAddr,
    agent: ureq::Agent,
    checker: Checker,
}

impl Client {
    fn new(addr: SocketAddr) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        Client {
            addr,
            agent,
            checker: Checker::new(),
        }
    }

    /// GETs `path_and_query` and returns (status, JSON body), after checking the content type
    /// and validating the body against the spec.
    fn get(&self, path_and_query: &str) -> (u16, Value) {
        let url = format!("http://{}{path_and_query}", self.addr);
        let mut resp = self.agent.get(&url).call().unwrap();
        let status = resp.status().as_u16();
        let ctype = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string());
        assert_eq!(
            ctype.as_deref(),
            Some("application/json; charset=utf-8"),
            "{url}"
        );
        assert_eq!(
            resp.headers()
                .get("x-content-type-options")
                .map(|v| v.to_str().unwrap()),
            Some("nosniff")
        );
        let text = resp.body_mut().read_to_string().unwrap();
        let body: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{url}: not JSON ({e}): {text}"));
        let path = path_and_query.split('?').next().unwrap();
        self.checker.check(path, status, &body);
        (status, body)
    }

    /// Sends raw request bytes and returns the status line's code (for what a well-behaved
    /// client library will not send).
    fn raw(&self, request: &[u8]) -> u16 {
        let mut stream = std::net::TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        // The status line is all we need.
        while !buf.windows(2).any(|w| w == b"\r\n") {
            let n = stream.read(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let line = String::from_utf8_lossy(&buf);
        line.split(' ').nth(1).unwrap().parse().unwrap()
    }
}

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[test]
fn every_route_answers_with_the_library_result() {
    with_server(|c| {
        let (s, v) = c.get("/api/stats");
        assert_eq!(s, 200);
        assert_eq!(
            (v["nodes"].as_u64(), v["edges"].as_u64()),
            (Some(17), Some(18))
        );

        let (s, v) = c.get("/api/entities?q=sco");
        assert_eq!(s, 200);
        assert_eq!(v["entities"][0]["id"], "sco");
        let (_, v) = c.get("/api/entities?q=%E4%B8%8A%E6%B5%B7"); // 上海: CJK aliases
        assert_eq!(v["entities"][0]["id"], "sco");
        let (_, v) = c.get("/api/entities?limit=3");
        assert_eq!(v["entities"].as_array().unwrap().len(), 3);
        assert_eq!(v["total"], 17);

        let (s, v) = c.get("/api/entities/sco");
        assert_eq!(s, 200);
        assert_eq!(v["label"], "Shanghai Cooperation Organization");
        assert_eq!(v["relations"].as_array().unwrap().len(), 12);
        // Names work too, percent-encoded.
        let (s, v) = c.get("/api/entities/Xi%20Jinping");
        assert_eq!((s, v["id"].as_str()), (200, Some("xi-jinping")));

        let (s, v) = c.get("/api/path?from=Xi%20Jinping&to=Kazakhstan&k=2");
        assert_eq!(s, 200);
        let paths = v["paths"].as_array().unwrap();
        assert_eq!(paths.len(), 2);
        for step in paths[0]["edges"].as_array().unwrap() {
            assert!(!step["evidence"].as_array().unwrap().is_empty());
        }
        let (_, v) = c.get("/api/path?from=xi-jinping&to=kazakhstan&avoid=China&avoid=Tokayev");
        let ids: Vec<&str> = v["paths"][0]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        assert!(
            !ids.contains(&"china") && !ids.contains(&"kassym-jomart-tokayev"),
            "{ids:?}"
        );
        // No path is an empty list, not an error.
        let (s, v) = c.get("/api/path?from=Kazakhstan&to=Xi&directed=true");
        assert_eq!((s, v["paths"].as_array().unwrap().len()), (200, 0));

        let (s, v) = c.get("/api/neighbors/sco?direction=in&relations=observer-of");
        assert_eq!(s, 200);
        assert_eq!(v["neighbors"].as_array().unwrap().len(), 5);
        let (_, v) = c.get("/api/neighbors/xi?depth=2&types=person,country&evidence=1");
        assert_eq!(v["neighbors"].as_array().unwrap().len(), 5);

        let (s, v) = c.get("/api/match?pattern=(c%3Acountry)-%5B%3Aobserver-of%5D-%3E(o)");
        assert_eq!(s, 200);
        let rows = v["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 5);
        assert!(
            rows.iter()
                .all(|r| !r["edges"][0]["evidence"].as_array().unwrap().is_empty())
        );
        let (s, v) = c.get(&format!(
            "/api/match?pattern={}",
            enc("(p:person)-[:hosted]->(q)")
        ));
        assert_eq!((s, v["rows"].as_array().unwrap().len()), (200, 0));
    });
}

#[test]
fn the_root_serves_the_offline_viewer_page() {
    with_server(|c| {
        let mut resp = c.agent.get(&format!("http://{}/", c.addr)).call().unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
        };
        assert_eq!(
            header("content-type").as_deref(),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"));
        let page = resp.body_mut().read_to_string().unwrap();
        // The same page `kg export --format html` writes: the viewer with its data inside.
        assert!(page.starts_with("<!DOCTYPE html") || page.starts_with("<!doctype html"));
        assert!(
            page.contains("Content-Security-Policy"),
            "the page keeps its policy"
        );
        assert!(
            page.contains("Xi Jinping"),
            "the graph's data is in the page"
        );
    });
}

#[test]
fn errors_are_json_with_the_right_status() {
    with_server(|c| {
        let (s, v) = c.get("/api/nope");
        assert_eq!((s, v["error"]["kind"].as_str()), (404, Some("not-found")));
        let (s, _) = c.get("/api/entities/sco/extra");
        assert_eq!(s, 404);

        let (s, v) = c.get("/api/entities/Xi%20Jingping");
        assert_eq!(s, 404);
        assert_eq!(v["error"]["kind"], "unknown-entity");
        assert_eq!(v["error"]["suggestions"][0], "Xi Jinping");
        let (s, v) = c.get("/api/path?from=Xi&to=Kazakstan");
        assert_eq!(
            (s, v["error"]["kind"].as_str()),
            (404, Some("unknown-entity"))
        );
        assert_eq!(v["error"]["suggestions"][0], "Kazakhstan");
        let (s, _) = c.get("/api/neighbors/Atlantis");
        assert_eq!(s, 404);

        for bad in [
            "/api/path?from=Xi",
            "/api/path?from=Xi&to=China&k=0",
            "/api/path?from=Xi&to=China&k=11",
            "/api/path?from=Xi&to=China&k=two",
            "/api/path?from=Xi&to=China&directed=maybe",
            "/api/path?from=Xi&to=China&relations=likes",
            "/api/path?from=Xi&to=China&from=SCO",
            "/api/path?from=Xi&to=China&avoid=Xi",
            "/api/neighbors/sco?depth=4",
            "/api/neighbors/sco?direction=sideways",
            "/api/neighbors/sco?types=planet",
            "/api/entities?limit=1000",
            "/api/entities?colour=red",
            "/api/entities/sco?evidence=21",
            "/api/match",
            "/api/match?pattern=(p:person-[:met-with]-(q)",
            "/api/match?pattern=(a)-[:member-of*1..1000]->(b)",
            "/api/stats?x=1",
        ] {
            let bad = &match bad.split_once("pattern=") {
                Some((head, pattern)) => format!("{head}pattern={}", enc(pattern)),
                None => bad.to_string(),
            };
            let (s, v) = c.get(bad);
            assert_eq!(s, 400, "{bad}: {v}");
            assert!(
                v["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty())
            );
        }
        let (_, v) = c.get(&format!(
            "/api/match?pattern={}",
            enc("(p:person-[:met-with]-(q)")
        ));
        assert_eq!(
            (v["error"]["kind"].as_str(), v["error"]["column"].as_u64()),
            (Some("syntax"), Some(10))
        );
        let long = format!("/api/match?pattern={}", enc(&"(a)-->".repeat(90)));
        let (s, v) = c.get(&long);
        assert_eq!(s, 400);
        assert!(
            v["error"]["message"]
                .as_str()
                .unwrap()
                .contains("500 characters")
        );
        let name = "x".repeat(201);
        let (s, _) = c.get(&format!("/api/entities/{name}"));
        assert_eq!(s, 400);
        let (s, v) = c.get(&format!("/api/entities?q={}", "y".repeat(5000)));
        assert_eq!((s, v["error"]["kind"].as_str()), (414, Some("too-large")));
    });
}

#[test]
fn methods_bodies_and_foreign_hosts_are_refused() {
    with_server(|c| {
        let host = format!("Host: {}\r\n", c.addr);
        let post = format!(
            "POST /api/stats HTTP/1.1\r\n{host}Content-Length: 0\r\nConnection: close\r\n\r\n"
        );
        assert_eq!(c.raw(post.as_bytes()), 405);
        let body = format!(
            "GET /api/stats HTTP/1.1\r\n{host}Content-Length: 5\r\nConnection: close\r\n\r\nhello"
        );
        assert_eq!(c.raw(body.as_bytes()), 413);
        // A page on another site that resolves its name to 127.0.0.1 (DNS rebinding) gets
        // nothing.
        let rebound =
            "GET /api/stats HTTP/1.1\r\nHost: evil.example:8080\r\nConnection: close\r\n\r\n";
        assert_eq!(c.raw(rebound.as_bytes()), 403);
        let local = "GET /api/stats HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        assert_eq!(c.raw(local.as_bytes()), 200);
    });
}

#[test]
fn hostile_names_come_back_as_json_text() {
    with_server(|c| {
        let (s, v) = c.get("/api/entities/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");
        assert_eq!(s, 404);
        assert_eq!(
            v["error"]["message"],
            "no entity named '<img src=x onerror=alert(1)>'"
        );
        let (s, v) = c.get("/api/entities?q=%3C%2Fscript%3E");
        assert_eq!((s, v["query"].as_str()), (200, Some("</script>")));
    });
}

#[test]
fn the_spec_covers_every_route_and_every_route_is_checked() {
    let checker = Checker::new();
    let spec_paths: BTreeSet<String> = checker.spec["paths"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    // The routes the server knows (src/serve/routes.rs) are the spec's, plus `/`.
    let routes = std::fs::read_to_string("src/serve/routes.rs").unwrap();
    for p in &spec_paths {
        let segs: Vec<String> = p
            .trim_start_matches('/')
            .split('/')
            .map(|s| {
                if s.starts_with('{') {
                    "_".to_string()
                } else {
                    format!("\"{s}\"")
                }
            })
            .collect();
        let pattern = format!("[{}]", segs.join(", "));
        assert!(routes.contains(&pattern), "{p}: no route {pattern}");
    }
    with_server(|c| {
        for p in [
            "/api/stats",
            "/api/entities?q=iran",
            "/api/entities/iran",
            "/api/entities/nobody",
            "/api/path?from=iran&to=china",
            "/api/path?to=china",
            "/api/path?from=nobody&to=china",
            "/api/neighbors/iran",
            "/api/neighbors/nobody",
            "/api/neighbors/iran?depth=9",
            "/api/match?pattern=(a)-%5B%3Amet-with%5D-(b)",
            "/api/match?pattern=(",
            "/api/entities?limit=0",
            "/api/entities/iran?evidence=x",
            "/api/stats?q=1",
        ] {
            c.get(p);
        }
        let seen = c.checker.seen.lock().unwrap();
        for p in &spec_paths {
            assert!(
                seen.contains(&(p.clone(), "200".to_string())),
                "{p} 200 not checked"
            );
        }
        for pair in [
            ("/api/entities/{id}", "404"),
            ("/api/path", "404"),
            ("/api/neighbors/{id}", "404"),
            ("/api/path", "400"),
            ("/api/match", "400"),
        ] {
            assert!(
                seen.contains(&(pair.0.to_string(), pair.1.to_string())),
                "{pair:?} not checked"
            );
        }
    });
}

#[test]
fn the_spec_is_a_valid_openapi_document() {
    let Some(python) = common::python_or_skip(
        "openapi-spec-validator",
        &[("openapi-spec-validator", "openapi_spec_validator")],
    ) else {
        return;
    };
    let script = "import sys, json\n\
        from openapi_spec_validator import validate\n\
        validate(json.load(open(sys.argv[1])))\n\
        print('valid')";
    let out = common::run_python(&python, script, &[std::path::Path::new(SPEC)]);
    assert_eq!(out.trim(), "valid");
}

#[test]
fn serve_refuses_a_non_loopback_address_without_allow_remote() {
    assert_cmd::Command::cargo_bin("kg")
        .unwrap()
        .args([
            "serve", "--bind", "0.0.0.0", "--port", "0", "--graph", FIXTURE,
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--allow-remote"));
}

#[test]
fn serve_reports_an_address_in_use() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    assert_cmd::Command::cargo_bin("kg")
        .unwrap()
        .args(["serve", "--port", &port, "--graph", FIXTURE])
        .assert()
        .code(5)
        .stderr(predicates::str::contains("cannot listen on 127.0.0.1:"));
}

#[test]
fn long_lists_are_cut_at_the_limit_and_counted() {
    use kg::model::{Entity, EntityKind, Evidence, RelationKind, Tier};
    let mut g = KnowledgeGraph::new();
    let node = |id: String| Entity {
        id: id.clone(),
        label: id,
        kind: EntityKind::Country,
        aliases: vec![],
        wikidata: None,
    };
    g.add_entity(node("hub".into()));
    for i in 0..600 {
        let leaf = format!("leaf-{i:03}");
        g.add_entity(node(leaf.clone()));
        let ev = Evidence {
            document: "a.txt".into(),
            sentence: format!("{leaf} joined hub."),
            start: 0,
            end: 10,
            rule: "member.joined".into(),
            tier: Tier::Explicit,
            confidence: Default::default(),
            when: None,
        };
        g.add_relation(&leaf, RelationKind::MemberOf, "hub", &[ev])
            .unwrap();
    }
    with_server_on(g, |c| {
        let (s, v) = c.get("/api/neighbors/hub");
        assert_eq!(s, 200);
        assert_eq!(v["total"], 600);
        assert_eq!(v["neighbors"].as_array().unwrap().len(), 500);
        let (_, v) = c.get("/api/entities/hub");
        assert_eq!(v["relations_total"], 600);
        assert_eq!(v["relations"].as_array().unwrap().len(), 500);
        let (_, v) = c.get(&format!(
            "/api/match?pattern={}",
            enc("(a)-[:member-of]->(b)")
        ));
        assert_eq!(v["total"], 600);
        assert_eq!(v["rows"].as_array().unwrap().len(), 500);
    });
}

/// An answer read off a raw connection.
#[derive(Debug)]
struct Answer {
    status: u16,
    /// Header names lower-cased.
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON, checked against the spec's error schema.
    fn error(&self, c: &Client) -> Value {
        let body: Value = serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body));
        c.checker
            .validate("#/components/schemas/Error", &body, "raw request");
        body
    }
}

fn fixture() -> KnowledgeGraph {
    KnowledgeGraph::load(std::path::Path::new(FIXTURE)).unwrap()
}

/// A raw connection whose reads give up after 10 s (a server that never answers fails the
/// test instead of hanging it).
fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

/// Reads one answer: head, then `Content-Length` bytes of body (none for `HEAD`). `None`
/// when the server closed first.
fn read_answer(stream: &mut TcpStream, head_only: bool) -> Option<Answer> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(0) => return None,
            Ok(_) => buf.push(byte[0]),
            Err(e) => panic!(
                "no answer: {e} (read so far: {:?})",
                String::from_utf8_lossy(&buf)
            ),
        }
    }
    let head = String::from_utf8(buf).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    assert!(status_line.starts_with("HTTP/1.1 "), "{status_line}");
    let status = status_line[9..12].parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.to_ascii_lowercase(), v.trim().to_string())
        })
        .collect();
    let mut answer = Answer {
        status,
        headers,
        body: String::new(),
    };
    let length: usize = answer.header("content-length").unwrap().parse().unwrap();
    if !head_only {
        let mut body = vec![0u8; length];
        stream.read_exact(&mut body).unwrap();
        answer.body = String::from_utf8(body).unwrap();
    }
    Some(answer)
}

/// Whether the server has closed `stream` (read returns end of file, or a reset).
fn closed(stream: &mut TcpStream) -> bool {
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    }
}

/// A connection with one request answered on it: a worker holds it (until it idles out).
fn answered(addr: SocketAddr) -> TcpStream {
    let mut stream = connect(addr);
    stream
        .write_all(b"GET /api/stats HTTP/1.1\r\n\r\n")
        .unwrap();
    assert_eq!(read_answer(&mut stream, false).unwrap().status, 200);
    stream
}

/// Sends `request` on a new connection and reads its answer.
fn ask(c: &Client, request: &str) -> Answer {
    let mut stream = connect(c.addr);
    stream.write_all(request.as_bytes()).unwrap();
    read_answer(&mut stream, request.starts_with("HEAD ")).expect("an answer")
}

#[test]
fn oversized_heads_and_targets_are_refused_with_json() {
    with_server(|c| {
        // 20 KiB of one header: over the 16 KiB bound on request line and headers.
        let big = format!(
            "GET /api/stats HTTP/1.1\r\nHost: localhost\r\nX-Big: {}\r\n\r\n",
            "b".repeat(20 * 1024)
        );
        let a = ask(c, &big);
        assert_eq!((a.status, a.header("connection")), (431, Some("close")));
        assert_eq!(a.error(c)["error"]["kind"], "too-large");
        // Many small headers, each well under the size bound.
        let many: String = (0..100).map(|i| format!("X-H{i}: {i}\r\n")).collect();
        let a = ask(c, &format!("GET /api/stats HTTP/1.1\r\n{many}\r\n"));
        assert_eq!(a.status, 431);
        assert!(
            a.error(c)["error"]["message"]
                .as_str()
                .unwrap()
                .contains("64 header fields")
        );
        // A request line longer than the whole head bound, and one within it but with a
        // target over the 4 KiB URL bound.
        for n in [20 * 1024, 5000] {
            let a = ask(
                c,
                &format!("GET /api/entities?q={} HTTP/1.1\r\n\r\n", "y".repeat(n)),
            );
            assert_eq!(a.status, 414, "target of {n} bytes");
            assert_eq!(a.error(c)["error"]["kind"], "too-large");
        }
        let a = ask(c, "GET /api/stats HTTP/2.0\r\n\r\n");
        assert_eq!(a.status, 505);
        let a = ask(c, "\u{16}\u{3}\u{1}\u{2}\u{0}hello\r\n\r\n");
        assert_eq!(
            (a.status, a.error(c)["error"]["kind"].as_str()),
            (400, Some("bad-request"))
        );
        // The server is still answering.
        assert_eq!(c.get("/api/stats").0, 200);
    });
}

#[test]
fn methods_other_than_get_are_answered_405_with_allow() {
    with_server(|c| {
        for method in ["POST", "PUT", "DELETE", "HEAD"] {
            let a = ask(
                c,
                &format!(
                    "{method} /api/stats HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"
                ),
            );
            assert_eq!(
                (a.status, a.header("allow")),
                (405, Some("GET")),
                "{method}"
            );
            if method == "HEAD" {
                // A HEAD answer has no body; its length is the GET answer's.
                assert_ne!(a.header("content-length"), Some("0"));
            } else {
                assert_eq!(a.error(c)["error"]["kind"], "method-not-allowed");
            }
        }
    });
}

#[test]
fn keep_alive_reuses_one_connection_and_close_is_honoured() {
    with_server(|c| {
        let get = |path: &str, extra: &str| {
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n{extra}\r\n")
        };
        let mut stream = connect(c.addr);
        for path in ["/api/stats", "/api/entities/sco", "/api/nope", "/api/stats"] {
            stream.write_all(get(path, "").as_bytes()).unwrap();
            let a = read_answer(&mut stream, false).expect("the connection stays open");
            assert_eq!(
                a.status,
                if path == "/api/nope" { 404 } else { 200 },
                "{path}"
            );
            assert_eq!(a.header("connection"), None);
        }
        // Two requests in one write are answered in order.
        stream
            .write_all(
                format!("{}{}", get("/api/entities/sco", ""), get("/api/nope", "")).as_bytes(),
            )
            .unwrap();
        let first = read_answer(&mut stream, false).unwrap();
        let second = read_answer(&mut stream, false).unwrap();
        assert_eq!((first.status, second.status), (200, 404));
        assert!(first.body.contains("Shanghai Cooperation Organization"));
        // `Connection: close`: the answer says so and the server closes.
        stream
            .write_all(get("/api/stats", "Connection: close\r\n").as_bytes())
            .unwrap();
        let a = read_answer(&mut stream, false).unwrap();
        assert_eq!((a.status, a.header("connection")), (200, Some("close")));
        assert!(closed(&mut stream));

        // HTTP/1.0 is answered, and closed unless it asks for keep-alive.
        let mut stream = connect(c.addr);
        stream
            .write_all(b"GET /api/stats HTTP/1.0\r\n\r\n")
            .unwrap();
        let a = read_answer(&mut stream, false).unwrap();
        assert_eq!((a.status, a.header("connection")), (200, Some("close")));
        assert!(closed(&mut stream));
        let mut stream = connect(c.addr);
        for _ in 0..2 {
            stream
                .write_all(b"GET /api/stats HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                .unwrap();
            let a = read_answer(&mut stream, false).unwrap();
            assert_eq!(
                (a.status, a.header("connection")),
                (200, Some("keep-alive"))
            );
        }
    });
}

#[test]
fn a_slow_client_is_cut_off_and_the_next_is_served() {
    let limits = Limits {
        // One worker: the next client is served only once the slow one is gone.
        max_connections: 1,
        request_timeout: Duration::from_secs(1),
        ..Limits::default()
    };
    with_server_limits(fixture(), limits, |c| {
        let mut slow = answered(c.addr);
        // The next request starts before the next client comes.
        slow.write_all(b"GET /api/stats HTTP/1.1\r\nX-Slow: ")
            .unwrap();
        std::thread::scope(|s| {
            let mut writer = slow.try_clone().unwrap();
            // Then a header a byte at a time, four a second, for up to 15 s: well past
            // the 1 s bound, and it never ends on its own.
            s.spawn(move || {
                for _ in 0..60 {
                    if writer.write_all(b"a").is_err() {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(250));
                }
            });
            let mut next = connect(c.addr);
            next.write_all(b"GET /api/stats HTTP/1.1\r\n\r\n").unwrap();
            let a = read_answer(&mut slow, false).expect("the slow client is told");
            assert_eq!(a.status, 408);
            assert_eq!(a.error(c)["error"]["kind"], "timeout");
            assert!(closed(&mut slow));
            let a = read_answer(&mut next, false).expect("the next client is served");
            assert_eq!(a.status, 200);
        });
    });
}

#[test]
fn a_silent_connection_is_closed_after_the_idle_timeout() {
    let limits = Limits {
        idle_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    with_server_limits(fixture(), limits, |c| {
        // Never a byte: closed (within the 10 s read timeout of `connect`).
        let mut silent = connect(c.addr);
        assert!(closed(&mut silent));
        // Idle after an answer: closed too.
        let mut kept = answered(c.addr);
        assert!(closed(&mut kept));
    });
}

#[test]
fn an_idle_connection_gives_its_worker_to_a_waiting_one() {
    let limits = Limits {
        max_connections: 1,
        // Longer than the test's reads wait: only giving way explains an answer.
        idle_timeout: Duration::from_secs(60),
        ..Limits::default()
    };
    with_server_limits(fixture(), limits, |c| {
        let mut idle = answered(c.addr);
        let mut waiting = connect(c.addr);
        waiting
            .write_all(b"GET /api/entities/sco HTTP/1.1\r\n\r\n")
            .unwrap();
        assert_eq!(read_answer(&mut waiting, false).unwrap().status, 200);
        assert!(closed(&mut idle));
    });
}

#[test]
fn connections_beyond_the_queue_are_answered_503() {
    let limits = Limits {
        max_connections: 1,
        max_queued: 1,
        request_timeout: Duration::from_secs(3),
        ..Limits::default()
    };
    with_server_limits(fixture(), limits, |c| {
        // The one worker is busy with a request whose head never ends...
        let mut busy = answered(c.addr);
        busy.write_all(b"GET /api/stats HTTP/1.1\r\n").unwrap();
        // ... one connection waits in the queue (accepted in order, so it is queued before
        // the next is accepted) ...
        let mut queued = connect(c.addr);
        // ... and the next finds the queue full.
        let mut refused = connect(c.addr);
        let a = read_answer(&mut refused, false).expect("a 503");
        assert_eq!((a.status, a.header("retry-after")), (503, Some("1")));
        assert_eq!(a.error(c)["error"]["kind"], "busy");
        assert!(closed(&mut refused));
        // The queued one is served once the busy request times out.
        queued
            .write_all(b"GET /api/stats HTTP/1.1\r\n\r\n")
            .unwrap();
        assert_eq!(read_answer(&mut busy, false).unwrap().status, 408);
        assert_eq!(read_answer(&mut queued, false).unwrap().status, 200);
    });
}

#[test]
fn a_burst_of_64_connections_is_answered_without_a_stall() {
    with_server(|c| {
        // The server is up and answering before the burst.
        assert_eq!(c.get("/api/stats").0, 200);
        let start = std::sync::Barrier::new(64);
        let waits: Vec<Duration> = std::thread::scope(|s| {
            let clients: Vec<_> = (0..64)
                .map(|i| {
                    let start = &start;
                    s.spawn(move || {
                        let path = if i % 2 == 0 {
                            "/api/stats"
                        } else {
                            "/api/entities/sco"
                        };
                        start.wait();
                        let t = Instant::now();
                        let mut stream = connect(c.addr);
                        stream
                            .write_all(format!("GET {path} HTTP/1.1\r\n\r\n").as_bytes())
                            .unwrap();
                        let a = read_answer(&mut stream, false).expect("an answer");
                        assert_eq!(a.status, 200);
                        t.elapsed()
                    })
                })
                .collect();
            clients.into_iter().map(|h| h.join().unwrap()).collect()
        });
        // A bound on a stall (tiny_http's was 5 s), not a speed test: generous.
        let slowest = waits.iter().max().unwrap();
        assert!(
            *slowest < Duration::from_secs(1),
            "slowest first answer of the burst took {slowest:?}"
        );
    });
}
