//! `kg serve`: the query library as a JSON API over HTTP (documented in docs/openapi.json).
//!
//! The server is synchronous: [`tiny_http`] parses HTTP and queues requests, and a few
//! worker threads answer them, each with its own [`Explorer`] over the one shared graph (an
//! explorer reuses search scratch space, so it is not shared). Routing and parameter
//! checking live in [`routes`], a pure function from (method, URL) to a JSON response, so
//! they are tested without a socket.
//!
//! Defences: the default address is loopback; a request whose `Host` is not a loopback name
//! is refused while bound to loopback (DNS rebinding); URLs are bounded
//! ([`Limits::max_url_bytes`]), bodies refused, and `k`, depth, pattern length, result and
//! evidence counts capped (see [`Limits`]). tiny_http itself sets no bound on the size of
//! header lines, so a local client can still make a connection hold a large header in
//! memory.

pub mod routes;

use crate::graph::{KnowledgeGraph, MergeRecord};
use crate::query::Explorer;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub use routes::{Limits, Reply};

/// Errors of starting the server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {message}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why (in use, not allowed, ...).
        message: String,
    },
}

/// How to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeOptions {
    /// Where to listen (port 0 picks a free port).
    pub addr: SocketAddr,
    /// Worker threads answering requests.
    pub threads: usize,
    /// Bounds on requests and results.
    pub limits: Limits,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            threads: 4,
            limits: Limits::default(),
        }
    }
}

/// A bound server, not yet answering.
pub struct Server {
    http: tiny_http::Server,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("addr", &self.addr).finish()
    }
}

/// Stops a running [`Server`] from another thread.
#[derive(Debug, Clone)]
pub struct StopHandle(Arc<AtomicBool>);

impl StopHandle {
    /// Asks the workers to finish; [`Server::run`] returns within about 100 ms.
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// How long a worker waits for a request before looking at the stop flag.
const POLL: Duration = Duration::from_millis(100);

impl Server {
    /// Binds the listening socket.
    pub fn bind(options: &ServeOptions) -> Result<Server, ServeError> {
        let err = |message: String| ServeError::Bind {
            addr: options.addr,
            message,
        };
        let listener = listener(options.addr).map_err(|e| err(e.to_string()))?;
        let http =
            tiny_http::Server::from_listener(listener, None).map_err(|e| err(e.to_string()))?;
        let addr = http
            .server_addr()
            .to_ip()
            .expect("an HTTP server listens on an IP address");
        Ok(Server {
            http,
            addr,
            stop: Arc::new(AtomicBool::new(false)),
        })
    }

    /// The address actually bound (with the port picked for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// A handle that stops [`run`](Self::run).
    pub fn stop_handle(&self) -> StopHandle {
        StopHandle(self.stop.clone())
    }

    /// Answers requests about `graph` until stopped.
    pub fn run(&self, graph: &KnowledgeGraph, merges: &[MergeRecord], options: &ServeOptions) {
        let loopback = self.addr.ip().is_loopback();
        // Whole-graph statistics do not change: computed once.
        let stats = routes::json(&Explorer::new(graph, merges).stats());
        std::thread::scope(|scope| {
            for _ in 0..options.threads.max(1) {
                scope.spawn(|| {
                    let explorer = Explorer::new(graph, merges);
                    let ctx = routes::Context {
                        explorer: &explorer,
                        limits: &options.limits,
                        stats: &stats,
                        loopback,
                    };
                    while !self.stop.load(Ordering::SeqCst) {
                        match self.http.recv_timeout(POLL) {
                            Ok(Some(request)) => answer(&ctx, request),
                            Ok(None) => {}
                            // A failed accept concerns one connection only.
                            Err(_) => {}
                        }
                    }
                });
            }
        });
    }
}

/// A listening socket with `TCP_NODELAY`, which the accepted connections inherit (on
/// Linux). tiny_http writes a response through a 1 KiB buffer, in several small writes: with
/// Nagle's algorithm on, each one after the first waits for the client's delayed ACK, and a
/// 20 KB answer took 40 ms on loopback instead of well under one.
fn listener(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.bind(&addr.into())?;
    socket.listen(128)?;
    Ok(socket.into())
}

fn answer(ctx: &routes::Context<'_>, request: tiny_http::Request) {
    let header = |name: &str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str().to_string())
    };
    let has_body =
        request.body_length().is_some_and(|n| n > 0) || header("Transfer-Encoding").is_some();
    let host = header("Host");
    let reply = routes::handle(
        ctx,
        &routes::Incoming {
            method: request.method().as_str(),
            url: request.url(),
            host: host.as_deref(),
            has_body,
        },
    );
    let mut response = tiny_http::Response::from_string(reply.body)
        .with_status_code(reply.status)
        .with_header(header_of("Content-Type", "application/json; charset=utf-8"))
        .with_header(header_of("X-Content-Type-Options", "nosniff"))
        .with_header(header_of("Cache-Control", "no-store"));
    if let Some(allow) = reply.allow {
        response.add_header(header_of("Allow", allow));
    }
    if has_body {
        // The body was not read: the connection cannot carry another request.
        response.add_header(header_of("Connection", "close"));
    }
    // A client that went away needs no answer.
    let _ = request.respond(response);
}

fn header_of(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("static header names and values are valid")
}
