//! `kg serve`'s JSON API over real loopback HTTP, on the hand-made SCO fixture: every route,
//! the errors (unknown route 404, bad parameters 400, unknown entity 404 with suggestions,
//! 405, 413, 414, foreign Host 403), the bounds, and every response body validated against
//! the schemas of `docs/openapi.json`.

mod common;

use kg::graph::KnowledgeGraph;
use kg::serve::{ServeOptions, Server};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::Mutex;

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
    let options = ServeOptions {
        addr: "127.0.0.1:0".parse().unwrap(),
        threads: 2,
        ..ServeOptions::default()
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
fn errors_are_json_with_the_right_status() {
    with_server(|c| {
        let (s, v) = c.get("/api/nope");
        assert_eq!((s, v["error"]["kind"].as_str()), (404, Some("not-found")));
        let (s, _) = c.get("/api/entities/sco/extra");
        assert_eq!(s, 404);
        // The viewer page is not wired yet: `/` is a JSON 404 for now.
        let (s, v) = c.get("/");
        assert_eq!((s, v["error"]["kind"].as_str()), (404, Some("not-found")));

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
