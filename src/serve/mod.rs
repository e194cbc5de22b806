//! `kg serve`: the query library as a JSON API over HTTP (documented in docs/openapi.json).
//!
//! The server is synchronous and bounded. One thread blocks on `accept` and hands each
//! connection over a bounded channel to a fixed pool of [`Limits::max_connections`] worker
//! threads, started with the server; a connection that finds the channel full
//! ([`Limits::max_queued`]) is answered 503 at once. A worker reads request heads with
//! [`httparse`] (in `serve/http.rs`), under bounds on head size, header count and time, and answers
//! each request through [`routes`], a pure function from (method, URL) to a JSON response,
//! tested without a socket. Answering borrows one of [`ServeOptions::threads`] [`Explorer`]s
//! over the one shared graph (an explorer reuses search scratch space, so it is not
//! shared), which bounds the queries computed at once.
//!
//! Defences: the default address is loopback; a request whose `Host` is not a loopback name
//! is refused while bound to loopback (DNS rebinding); the request line and headers, the
//! URL, the time a request may take to arrive, and the connections held are bounded, bodies
//! refused, and `k`, depth, pattern length, result and evidence counts capped (see
//! [`Limits`]).

mod http;
pub mod routes;

use crate::graph::{KnowledgeGraph, MergeRecord};
use crate::query::Explorer;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, TrySendError};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
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
    /// A worker thread could not be started.
    #[error("cannot start a server thread: {message}")]
    Spawn {
        /// The system's reason.
        message: String,
    },
}

/// How to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServeOptions {
    /// Where to listen (port 0 picks a free port).
    pub addr: SocketAddr,
    /// Requests answered at once, each with its own [`Explorer`] (connections are bounded
    /// separately, by [`Limits::max_connections`]).
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
    listener: TcpListener,
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
pub struct StopHandle {
    stop: Arc<AtomicBool>,
    addr: SocketAddr,
}

impl StopHandle {
    /// Asks the server to finish: [`Server::run`] returns once the requests being answered
    /// are (idle connections are closed within about 100 ms).
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        // The accepting thread blocks in `accept`: a connection of our own wakes it.
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let _ = TcpStream::connect_timeout(&SocketAddr::new(ip, self.addr.port()), WAKE_TIMEOUT);
    }
}

/// How long [`StopHandle::stop`] tries to reach the accepting thread.
const WAKE_TIMEOUT: Duration = Duration::from_secs(1);

/// After a failed `accept` (out of file descriptors, say), a pause before the next, so the
/// accepting thread does not spin while the condition lasts.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);

impl Server {
    /// Binds the listening socket.
    pub fn bind(options: &ServeOptions) -> Result<Server, ServeError> {
        let err = |message: String| ServeError::Bind {
            addr: options.addr,
            message,
        };
        let listener = listener(options.addr).map_err(|e| err(e.to_string()))?;
        let addr = listener.local_addr().map_err(|e| err(e.to_string()))?;
        Ok(Server {
            listener,
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
        StopHandle {
            stop: self.stop.clone(),
            addr: self.addr,
        }
    }

    /// Answers requests about `graph` until stopped.
    pub fn run(
        &self,
        graph: &KnowledgeGraph,
        merges: &[MergeRecord],
        options: &ServeOptions,
    ) -> Result<(), ServeError> {
        let limits = &options.limits;
        let loopback = self.addr.ip().is_loopback();
        // Whole-graph statistics do not change: computed once.
        let stats = routes::json(&Explorer::new(graph, merges).stats());
        let page =
            crate::export::html::html_page(graph, &crate::export::html::HtmlOptions::default());
        let explorers = Explorers::new(graph, merges, options.threads.max(1));
        let answer = |incoming: &routes::Incoming<'_>| {
            explorers.with(|explorer| {
                let ctx = routes::Context {
                    explorer,
                    limits,
                    stats: &stats,
                    page: &page,
                    loopback,
                };
                routes::handle(&ctx, incoming)
            })
        };
        let (queued, idle_workers) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let env = http::Env {
            limits,
            stop: &self.stop,
            queued: &queued,
            idle_workers: &idle_workers,
        };
        let (sender, receiver) = mpsc::sync_channel::<TcpStream>(limits.max_queued);
        let receiver = Mutex::new(receiver);
        std::thread::scope(|scope| {
            for i in 0..limits.max_connections.max(1) {
                let worker = || {
                    loop {
                        idle_workers.fetch_add(1, Ordering::SeqCst);
                        let next = receiver
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .recv();
                        idle_workers.fetch_sub(1, Ordering::SeqCst);
                        // Closed: the accepting thread has ended.
                        let Ok(stream) = next else { break };
                        queued.fetch_sub(1, Ordering::SeqCst);
                        if !self.stop.load(Ordering::SeqCst) {
                            http::serve_connection(stream, &env, &answer);
                        }
                    }
                };
                // On failure, returning drops the sender, which ends the workers started.
                std::thread::Builder::new()
                    .name(format!("kg-serve-{i}"))
                    .spawn_scoped(scope, worker)
                    .map_err(|e| ServeError::Spawn {
                        message: e.to_string(),
                    })?;
            }
            self.accept(sender, &env);
            Ok(())
        })
    }

    /// Accepts connections until stopped, queueing each for a worker or refusing it.
    fn accept(&self, sender: mpsc::SyncSender<TcpStream>, env: &http::Env<'_>) {
        for conn in self.listener.incoming() {
            if self.stop.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = conn else {
                // A failed accept concerns one connection only.
                std::thread::sleep(ACCEPT_BACKOFF);
                continue;
            };
            // Counted before it is sent, so a worker never counts it down below zero.
            env.queued.fetch_add(1, Ordering::SeqCst);
            match sender.try_send(stream) {
                Ok(()) => {}
                Err(TrySendError::Full(stream) | TrySendError::Disconnected(stream)) => {
                    env.queued.fetch_sub(1, Ordering::SeqCst);
                    http::refuse_busy(stream, env.limits);
                }
            }
        }
    }
}

/// The explorers answering requests, lent one at a time.
struct Explorers<'g> {
    graph: &'g KnowledgeGraph,
    merges: &'g [MergeRecord],
    free: Mutex<Vec<Explorer<'g>>>,
    returned: Condvar,
}

impl<'g> Explorers<'g> {
    fn new(graph: &'g KnowledgeGraph, merges: &'g [MergeRecord], n: usize) -> Self {
        Explorers {
            graph,
            merges,
            free: Mutex::new((0..n).map(|_| Explorer::new(graph, merges)).collect()),
            returned: Condvar::new(),
        }
    }

    /// Runs `f` with an explorer, waiting for one to be free. A request whose answer
    /// panics is answered 500, and its explorer, whose scratch space may be left half
    /// written, is replaced by a new one.
    fn with(&self, f: impl FnOnce(&Explorer<'g>) -> Reply) -> Reply {
        let explorer = {
            let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if let Some(e) = free.pop() {
                    break e;
                }
                free = self
                    .returned
                    .wait(free)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&explorer)));
        let explorer = if result.is_ok() {
            explorer
        } else {
            Explorer::new(self.graph, self.merges)
        };
        self.free
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(explorer);
        self.returned.notify_one();
        result.unwrap_or_else(|_| routes::failure(500, "the server failed answering this request"))
    }
}

/// A listening socket with `TCP_NODELAY`, which the accepted connections inherit (on
/// Linux; workers set it again where they do not). An answer leaves in at most two writes
/// (head, then a large body): with Nagle's algorithm on, the second waits for the
/// client's delayed ACK (~40 ms on Linux).
fn listener(addr: SocketAddr) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.bind(&addr.into())?;
    socket.listen(128)?;
    Ok(socket.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_answer_is_a_500_and_its_explorer_is_replaced() {
        let graph = KnowledgeGraph::new();
        // One explorer: were it lost to the panic, the next request would wait forever.
        let explorers = Explorers::new(&graph, &[], 1);
        let reply = explorers.with(|_| panic!("a bug in a route"));
        assert_eq!(reply.status, 500);
        assert!(
            reply.body.contains(r#""kind":"internal""#),
            "{}",
            reply.body
        );
        let reply = explorers
            .with(|explorer| routes::failure(400, &explorer.graph().node_count().to_string()));
        assert_eq!(reply.status, 400);
        assert_eq!(explorers.free.lock().unwrap().len(), 1);
    }
}
