//! The terminal side of [`crate::pipeline::Progress`], used by the binary: a bar on stderr
//! (drawn only on a terminal) with documents, megabytes, throughput and ETA, one warning
//! line per skipped document, and a closing line with the totals.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kg::pipeline::Progress;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// A progress bar on stderr for `kg build`, `kg extract` and `kg merge`.
pub struct Bar {
    bar: ProgressBar,
    verb: &'static str,
    started: Mutex<Option<Instant>>,
    documents: AtomicU64,
    bytes: AtomicU64,
    skipped: AtomicU64,
}

impl Bar {
    /// A bar for the named step (`extracting`, `merging`); `draw` false draws no bar (the
    /// warnings and the closing line are still printed).
    pub fn new(verb: &'static str, draw: bool) -> Self {
        let target = if draw {
            // indicatif draws nothing when stderr is not a terminal.
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Bar {
            bar: ProgressBar::with_draw_target(None, target),
            verb,
            started: Mutex::new(None),
            documents: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
        }
    }

    /// Documents skipped so far.
    pub fn skipped_count(&self) -> u64 {
        self.skipped.load(Ordering::Relaxed)
    }

    /// The closing line: documents, megabytes, time and throughput (and skips).
    pub fn totals_line(&self) -> String {
        let elapsed = self
            .started
            .lock()
            .expect("progress lock")
            .map_or(Duration::ZERO, |t| t.elapsed());
        let docs = self.documents.load(Ordering::Relaxed);
        let mb = self.bytes.load(Ordering::Relaxed) as f64 / 1e6;
        let secs = elapsed.as_secs_f64();
        let rate = if secs > 0.0 { mb / secs } else { 0.0 };
        let mut line = format!(
            "kg: {} {docs} document(s), {mb:.1} MB in {secs:.1} s ({rate:.1} MB/s)",
            self.verb
        );
        let skipped = self.skipped_count();
        if skipped > 0 {
            line.push_str(&format!(
                "; skipped {skipped} bad document(s) (--keep-going)"
            ));
        }
        line
    }
}

impl Progress for Bar {
    fn begin(&self, total_bytes: Option<u64>) {
        *self.started.lock().expect("progress lock") = Some(Instant::now());
        let template = match total_bytes {
            Some(total) => {
                self.bar.set_length(total);
                "{spinner} {msg} {wide_bar} {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} ETA {eta}"
            }
            // Standard input: no total, so no bar and no ETA.
            None => "{spinner} {msg} {decimal_bytes} {decimal_bytes_per_sec}",
        };
        self.bar
            .set_style(ProgressStyle::with_template(template).expect("progress template parses"));
        self.bar.set_message(format!("{} 0 documents", self.verb));
        self.bar.enable_steady_tick(Duration::from_millis(200));
    }

    fn advance(&self, documents: u64, bytes: u64) {
        self.documents.store(documents, Ordering::Relaxed);
        self.bytes.store(bytes, Ordering::Relaxed);
        self.bar.set_position(bytes);
        self.bar
            .set_message(format!("{} {documents} documents", self.verb));
    }

    fn skipped(&self, error: &dyn std::error::Error) {
        self.skipped.fetch_add(1, Ordering::Relaxed);
        self.bar.suspend(|| {
            let _ = writeln!(std::io::stderr(), "kg: warning: skipped {error}");
        });
    }

    fn end(&self) {
        self.bar.finish_and_clear();
    }
}
