//! The HTTP/1.1 connection layer of `kg serve`: reads request heads with [`httparse`] under
//! the bounds of [`Limits`], hands each request to the router, and writes its answer.
//!
//! Only what this API needs: `GET` heads, no request bodies (a request that announces one
//! is answered by the router with 413 and the connection is closed, since the body is not
//! read), keep-alive for HTTP/1.1 unless `Connection: close`, and for HTTP/1.0 only when
//! asked with `Connection: keep-alive`. Pipelined requests are answered in order.
//!
//! A connection holds at most [`Limits::max_head_bytes`] of a request. Every read waits at
//! most [`POLL`], so a worker notices a stop, the request deadline and waiting connections
//! while its client is silent.

use super::routes::{self, Incoming, Limits, Reply};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// Longest wait of one read, between looks at the stop flag and the deadlines.
pub(crate) const POLL: Duration = Duration::from_millis(100);

/// After an error answer, how long (and how much) of what the client still sends is read
/// and dropped before closing: closing with unread input makes the kernel send a reset,
/// which can destroy the answer before the client reads it.
const LINGER: Duration = Duration::from_millis(250);
const LINGER_BYTES: usize = 64 * 1024;

/// How long a kept connection must have been idle before it gives its worker up to a
/// waiting connection: a client usually sends its next request at once.
const GIVE_WAY_AFTER: Duration = Duration::from_millis(100);

/// Why a request head is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum HeadError {
    /// The request line alone does not fit in the head limit.
    #[error("the request line is longer than {limit} bytes")]
    LineTooLong {
        /// [`Limits::max_head_bytes`].
        limit: usize,
    },
    /// The request line and headers do not fit in the head limit.
    #[error("the request line and headers are longer than {limit} bytes")]
    HeadTooLarge {
        /// [`Limits::max_head_bytes`].
        limit: usize,
    },
    /// More header fields than allowed.
    #[error("the request has more than {limit} header fields")]
    TooManyHeaders {
        /// [`Limits::max_headers`].
        limit: usize,
    },
    /// A version other than HTTP/1.0 and HTTP/1.1.
    #[error("unsupported HTTP version: use HTTP/1.1 or HTTP/1.0")]
    Version,
    /// Not an HTTP request head.
    #[error("malformed request head: {0}")]
    Malformed(httparse::Error),
}

impl HeadError {
    /// The status of the answer.
    fn status(&self) -> u16 {
        match self {
            HeadError::LineTooLong { .. } => 414,
            HeadError::HeadTooLarge { .. } | HeadError::TooManyHeaders { .. } => 431,
            HeadError::Version => 505,
            HeadError::Malformed(_) => 400,
        }
    }
}

/// A parsed request head, owned so the buffer can move on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Head {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target as sent.
    pub target: String,
    /// The first `Host` header.
    pub host: Option<String>,
    /// Whether a body is announced (a `Transfer-Encoding`, or a `Content-Length` other than 0).
    pub has_body: bool,
    /// HTTP/1.0 (`false`: HTTP/1.1).
    pub http10: bool,
    /// Whether the client wants the connection kept after the answer.
    pub keep_alive: bool,
    /// Bytes of the head in the buffer.
    pub len: usize,
}

/// Parses the head at the start of `buf`: `Ok(None)` when it is not complete yet.
pub(crate) fn parse_head(buf: &[u8], limits: &Limits) -> Result<Option<Head>, HeadError> {
    let mut headers = vec![httparse::EMPTY_HEADER; limits.max_headers];
    let mut req = httparse::Request::new(&mut headers);
    let len = match req.parse(buf) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) if buf.len() >= limits.max_head_bytes => {
            let limit = limits.max_head_bytes;
            // Leading empty lines are skipped by the parser, so look past them.
            let start = buf.iter().position(|b| !matches!(b, b'\r' | b'\n'));
            let line_ends = start.is_some_and(|s| buf[s..].contains(&b'\n'));
            return Err(if line_ends {
                HeadError::HeadTooLarge { limit }
            } else {
                HeadError::LineTooLong { limit }
            });
        }
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(HeadError::TooManyHeaders {
                limit: limits.max_headers,
            });
        }
        Err(httparse::Error::Version) => return Err(HeadError::Version),
        Err(e) => return Err(HeadError::Malformed(e)),
    };
    let http10 = req.version == Some(0);
    let (mut host, mut has_body, mut close, mut keep) = (None, false, false, false);
    for h in req.headers.iter() {
        let value = String::from_utf8_lossy(h.value);
        if h.name.eq_ignore_ascii_case("host") {
            host.get_or_insert_with(|| value.trim().to_string());
        } else if h.name.eq_ignore_ascii_case("content-length") {
            has_body |= value.trim().parse::<u64>() != Ok(0);
        } else if h.name.eq_ignore_ascii_case("transfer-encoding") {
            has_body = true;
        } else if h.name.eq_ignore_ascii_case("connection") {
            for token in value.split(',').map(str::trim) {
                close |= token.eq_ignore_ascii_case("close");
                keep |= token.eq_ignore_ascii_case("keep-alive");
            }
        }
    }
    Ok(Some(Head {
        method: req.method.unwrap_or_default().to_string(),
        target: req.path.unwrap_or_default().to_string(),
        host,
        has_body,
        http10,
        keep_alive: !close && (keep || !http10),
        len,
    }))
}

/// What the connection loop needs from the server around it.
#[derive(Debug)]
pub(crate) struct Env<'a> {
    /// The bounds.
    pub limits: &'a Limits,
    /// Set when the server stops.
    pub stop: &'a AtomicBool,
    /// Accepted connections waiting for a worker.
    pub queued: &'a AtomicUsize,
    /// Workers waiting for a connection.
    pub idle_workers: &'a AtomicUsize,
}

impl Env<'_> {
    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Whether a connection waits with no worker free to take it: then an idle kept
    /// connection gives its worker up.
    fn crowded(&self) -> bool {
        self.queued.load(Ordering::SeqCst) > 0 && self.idle_workers.load(Ordering::SeqCst) == 0
    }
}

/// How a read of a request head ended without a head.
enum ReadEnd {
    /// The client closed, the connection idled out, or the server stops: close quietly.
    Close,
    /// A refused head: answer it, then close.
    Refused(HeadError),
    /// The head did not arrive within [`Limits::request_timeout`].
    Timeout,
}

/// Answers requests on `stream` until the client or the server ends the connection.
/// `answer` turns one request into its reply.
pub(crate) fn serve_connection(
    mut stream: TcpStream,
    env: &Env<'_>,
    answer: &(dyn Fn(&Incoming<'_>) -> Reply + Sync),
) {
    let limits = env.limits;
    // Accepted sockets inherit TCP_NODELAY from the listener on Linux, not everywhere.
    let _ = stream.set_nodelay(true);
    if stream
        .set_write_timeout(Some(limits.write_timeout))
        .is_err()
    {
        return;
    }
    let mut buf = vec![0u8; limits.max_head_bytes.max(1)];
    let mut filled = 0;
    let mut kept = false;
    loop {
        let head = match read_head(&mut stream, &mut buf, &mut filled, kept, env) {
            Ok(head) => head,
            Err(ReadEnd::Close) => return,
            Err(ReadEnd::Refused(e)) => {
                let reply = routes::failure(e.status(), &e.to_string());
                return refuse(stream, &reply);
            }
            Err(ReadEnd::Timeout) => {
                let message = format!(
                    "the request line and headers did not arrive within {} s",
                    limits.request_timeout.as_secs_f64()
                );
                return refuse(stream, &routes::failure(408, &message));
            }
        };
        let reply = answer(&Incoming {
            method: &head.method,
            url: &head.target,
            host: head.host.as_deref(),
            has_body: head.has_body,
        });
        // An announced body was not read, so the stream is not at a request boundary.
        let keep = head.keep_alive && !head.has_body && !env.stopping();
        let persist = match (keep, head.http10) {
            (false, _) => Persist::Close,
            (true, false) => Persist::Default,
            (true, true) => Persist::KeepAlive,
        };
        let written = write_reply(&mut stream, &reply, persist, head.method == "HEAD");
        if written.is_err() {
            return;
        }
        if !keep {
            if head.has_body {
                linger_close(stream);
            }
            return;
        }
        buf.copy_within(head.len..filled, 0);
        filled -= head.len;
        kept = true;
    }
}

/// Reads until `buf[..filled]` starts with a complete head, within the deadlines.
/// `kept`: the connection has been answered before.
fn read_head(
    stream: &mut TcpStream,
    buf: &mut [u8],
    filled: &mut usize,
    kept: bool,
    env: &Env<'_>,
) -> Result<Head, ReadEnd> {
    let limits = env.limits;
    let idle_since = Instant::now();
    // Bytes left from a pipelined request have started the next one.
    let mut started = (*filled > 0).then_some(idle_since);
    loop {
        if *filled > 0
            && let Some(head) = parse_head(&buf[..*filled], limits).map_err(ReadEnd::Refused)?
        {
            return Ok(head);
        }
        if env.stopping() {
            return Err(ReadEnd::Close);
        }
        let wait = match started {
            None => {
                let idle = idle_since.elapsed();
                // A kept connection gives its worker up to a waiting one, unless its next
                // request has arrived. A new one is not: its client is about to write.
                let give_way =
                    kept && idle >= GIVE_WAY_AFTER && env.crowded() && !has_input(stream);
                if idle >= limits.idle_timeout || give_way {
                    return Err(ReadEnd::Close);
                }
                limits.idle_timeout.saturating_sub(idle)
            }
            Some(t) => {
                let busy = t.elapsed();
                if busy >= limits.request_timeout {
                    return Err(ReadEnd::Timeout);
                }
                limits.request_timeout - busy
            }
        };
        // A zero timeout is an error for set_read_timeout.
        let wait = wait.min(POLL).max(Duration::from_millis(1));
        if stream.set_read_timeout(Some(wait)).is_err() {
            return Err(ReadEnd::Close);
        }
        match stream.read(&mut buf[*filled..]) {
            Ok(0) => return Err(ReadEnd::Close),
            Ok(n) => {
                started.get_or_insert_with(Instant::now);
                *filled += n;
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock
                        | io::ErrorKind::TimedOut
                        | io::ErrorKind::Interrupted
                ) => {}
            Err(_) => return Err(ReadEnd::Close),
        }
    }
}

/// Whether bytes wait to be read on `stream`, without waiting for any.
fn has_input(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return false;
    }
    let waiting = matches!(stream.peek(&mut [0u8; 1]), Ok(n) if n > 0);
    let _ = stream.set_nonblocking(false);
    waiting
}

/// What the `Connection` header of an answer says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Persist {
    /// `Connection: close`, and the server closes.
    Close,
    /// Nothing: HTTP/1.1 keeps the connection.
    Default,
    /// `Connection: keep-alive`, which an HTTP/1.0 client needs to hear.
    KeepAlive,
}

/// The reason phrase of a status.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "",
    }
}

/// The bytes of an answer's status line and headers.
fn head_bytes(reply: &Reply, persist: Persist, now: SystemTime) -> String {
    use std::fmt::Write as _;
    let content_type = if reply.html {
        "text/html; charset=utf-8"
    } else {
        "application/json; charset=utf-8"
    };
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nDate: {}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n",
        reply.status,
        reason(reply.status),
        http_date(now),
        reply.body.len(),
    );
    if let Some(allow) = reply.allow {
        let _ = write!(head, "Allow: {allow}\r\n");
    }
    if reply.status == 503 {
        head.push_str("Retry-After: 1\r\n");
    }
    match persist {
        Persist::Close => head.push_str("Connection: close\r\n"),
        Persist::KeepAlive => head.push_str("Connection: keep-alive\r\n"),
        Persist::Default => {}
    }
    head.push_str("\r\n");
    head
}

/// Writes an answer (without its body for `HEAD`).
fn write_reply(
    stream: &mut TcpStream,
    reply: &Reply,
    persist: Persist,
    head_only: bool,
) -> io::Result<()> {
    let mut out = head_bytes(reply, persist, SystemTime::now()).into_bytes();
    if head_only {
        return stream.write_all(&out);
    }
    // Small answers leave in one write; a large page is not copied for it.
    if reply.body.len() <= 16 * 1024 {
        out.extend_from_slice(reply.body.as_bytes());
        stream.write_all(&out)
    } else {
        stream.write_all(&out)?;
        stream.write_all(reply.body.as_bytes())
    }?;
    stream.flush()
}

/// Answers with an error and closes.
fn refuse(mut stream: TcpStream, reply: &Reply) {
    if write_reply(&mut stream, reply, Persist::Close, false).is_ok() {
        linger_close(stream);
    }
}

/// Ends the sending side, then reads and drops what the client still sends, briefly (see
/// [`LINGER`]).
fn linger_close(mut stream: TcpStream) {
    let _ = stream.shutdown(Shutdown::Write);
    let deadline = Instant::now() + LINGER;
    let mut sink = [0u8; 4096];
    let mut drained = 0;
    while drained < LINGER_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut sink) {
            Ok(0) | Err(_) => return,
            Ok(n) => drained += n,
        }
    }
}

/// Answers 503 on a connection no worker can take, from the accepting thread: what the
/// client already sent is read without waiting (so closing does not reset the answer
/// away), then the answer is written and the connection closed. Never blocks for long: a
/// new connection's send buffer takes the few hundred bytes at once.
pub(crate) fn refuse_busy(mut stream: TcpStream, limits: &Limits) {
    let reply = routes::failure(
        503,
        &format!(
            "the server is busy: {} connections are served and {} wait; retry later",
            limits.max_connections, limits.max_queued
        ),
    );
    if stream.set_nonblocking(true).is_ok() {
        let mut sink = [0u8; 4096];
        let mut drained = 0;
        while drained < limits.max_head_bytes {
            match stream.read(&mut sink) {
                Ok(n) if n > 0 => drained += n,
                _ => break,
            }
        }
    }
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_write_timeout(Some(POLL));
    if write_reply(&mut stream, &reply, Persist::Close, false).is_ok() {
        let _ = stream.shutdown(Shutdown::Write);
    }
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form of HTTP's `Date` header.
fn http_date(time: SystemTime) -> String {
    let secs = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = secs / 86_400;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days, for days since 1970-01-01 (not before it).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        WEEKDAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Option<Head>, HeadError> {
        parse_head(text.as_bytes(), &Limits::default())
    }

    #[test]
    fn a_head_is_parsed_once_complete() {
        let text = "GET /api/stats?x=1 HTTP/1.1\r\nHost: localhost:8080\r\n\r\nGET /next";
        for cut in 1..text.len() - "GET /next".len() {
            assert_eq!(parse(&text[..cut]), Ok(None), "cut at {cut}");
        }
        let head = parse(text).unwrap().unwrap();
        assert_eq!(
            head,
            Head {
                method: "GET".into(),
                target: "/api/stats?x=1".into(),
                host: Some("localhost:8080".into()),
                has_body: false,
                http10: false,
                keep_alive: true,
                len: text.len() - "GET /next".len(),
            }
        );
    }

    #[test]
    fn connection_and_version_decide_keep_alive() {
        let keep = |text: &str| parse(text).unwrap().unwrap().keep_alive;
        assert!(keep("GET / HTTP/1.1\r\n\r\n"));
        assert!(!keep("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"));
        assert!(!keep(
            "GET / HTTP/1.1\r\nConnection: Upgrade, Close\r\n\r\n"
        ));
        assert!(!keep("GET / HTTP/1.0\r\n\r\n"));
        assert!(keep("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
        assert!(parse("GET / HTTP/1.0\r\n\r\n").unwrap().unwrap().http10);
    }

    #[test]
    fn an_announced_body_is_seen() {
        let body = |text: &str| parse(text).unwrap().unwrap().has_body;
        assert!(!body("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n"));
        assert!(body("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n"));
        assert!(body("GET / HTTP/1.1\r\nContent-Length: five\r\n\r\n"));
        assert!(body("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
    }

    #[test]
    fn oversized_and_malformed_heads_are_refused_with_their_status() {
        let limits = Limits {
            max_head_bytes: 64,
            max_headers: 2,
            ..Limits::default()
        };
        let status = |text: &str| {
            parse_head(text.as_bytes(), &limits)
                .map(|h| h.map(|h| h.len))
                .map_err(|e| e.status())
        };
        assert_eq!(
            status(&format!("GET /{} HTTP/1.1", "a".repeat(70))),
            Err(414)
        );
        assert_eq!(
            status(&format!("GET / HTTP/1.1\r\nX-Big: {}", "b".repeat(60))),
            Err(431)
        );
        assert_eq!(
            status("GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\n\r\n"),
            Err(431)
        );
        assert_eq!(
            status("GET / HTTP/1.1\r\na: 1\r\nb: 2\r\n\r\n"),
            Ok(Some(30))
        );
        assert_eq!(status("GET / HTTP/2.0\r\n\r\n"), Err(505));
        assert_eq!(status("\u{16}\u{3}\u{1} hello"), Err(400));
        assert_eq!(status("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n"), Err(400));
    }

    #[test]
    fn dates_are_imf_fixdates() {
        let at = |secs| http_date(SystemTime::UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(at(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(at(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(at(951_782_400), "Tue, 29 Feb 2000 00:00:00 GMT");
        assert_eq!(at(1_798_761_599), "Thu, 31 Dec 2026 23:59:59 GMT");
    }

    #[test]
    fn answers_carry_length_type_and_connection() {
        let reply = routes::failure(405, "no");
        let reply = Reply {
            allow: Some("GET"),
            ..reply
        };
        let head = head_bytes(&reply, Persist::Close, SystemTime::UNIX_EPOCH);
        assert!(
            head.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
            "{head}"
        );
        for line in [
            "Content-Type: application/json; charset=utf-8",
            &format!("Content-Length: {}", reply.body.len()),
            "Allow: GET",
            "Connection: close",
            "X-Content-Type-Options: nosniff",
        ] {
            assert!(
                head.contains(&format!("\r\n{line}\r\n")),
                "{line} in {head}"
            );
        }
        assert!(head.ends_with("\r\n\r\n"));
        let head = head_bytes(&reply, Persist::Default, SystemTime::UNIX_EPOCH);
        assert!(!head.contains("Connection:"), "{head}");
    }
}
