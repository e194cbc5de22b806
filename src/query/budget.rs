//! Work budgets for searches whose cost can explode: all simple paths, k shortest paths and
//! pattern matching.
//!
//! The argument limits (`--max-hops 8`, a range of at most 6) bound the *answer*, not the
//! *search*: on a 10,000-node graph with mean degree 20, every walk of six edges from every
//! node is about 10^12 steps. A [`Budget`] is checked twice:
//!
//! * **before** the search, against an estimate of its size ([`Budget::admit`]): a search
//!   that is sure to blow the budget is refused at once, without starting;
//! * **during** the search, every time a node is expanded ([`Budget::spend`]), against a
//!   count of expansions and a wall-clock deadline, so a search that the estimate let through
//!   still ends promptly.
//!
//! Either way the caller gets [`TooBig`], which the CLI maps to its own exit code.

use std::time::{Duration, Instant};

/// The limits of one query's work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkLimits {
    /// Most node expansions (one expansion = one node's edges walked once).
    pub max_expansions: u64,
    /// Most wall-clock time for the search.
    pub max_time: Duration,
}

impl WorkLimits {
    /// The defaults of the `kg` commands: ten million expansions (about a second of
    /// search) and ten seconds.
    pub const DEFAULT: WorkLimits = WorkLimits {
        max_expansions: 10_000_000,
        max_time: Duration::from_secs(10),
    };
}

impl Default for WorkLimits {
    fn default() -> Self {
        WorkLimits::DEFAULT
    }
}

/// Why a search was stopped or never started.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TooBig {
    /// The estimate before the search is far above the budget.
    #[error(
        "the search would expand about {:.1e} nodes, above the budget of {limit}; lower the hop bound or add filters",
        *.estimate as f64
    )]
    Estimated {
        /// Estimated node expansions (saturating).
        estimate: u64,
        /// The expansion budget.
        limit: u64,
    },
    /// The search expanded as many nodes as it may.
    #[error(
        "the search expanded {limit} nodes without finishing; lower the hop bound or add filters"
    )]
    Expansions {
        /// The expansion budget.
        limit: u64,
    },
    /// The search ran out of time.
    #[error(
        "the search ran for {:.1} s without finishing; lower the hop bound or add filters",
        .limit.as_secs_f64()
    )]
    Time {
        /// The time budget.
        limit: Duration,
    },
}

/// A running count of work against [`WorkLimits`].
#[derive(Debug, Clone)]
pub struct Budget {
    limits: WorkLimits,
    spent: u64,
    started: Instant,
    /// Expansions left before the clock is read again (reading it on every step would cost
    /// more than the step).
    until_clock: u32,
}

/// Expansions between two reads of the clock.
const CLOCK_EVERY: u32 = 4096;

/// How far above the budget an estimate must be to refuse before searching: estimates are
/// rough (mean degrees), so only searches that are clearly too big are refused up front.
const ESTIMATE_SLACK: f64 = 10.0;

impl Budget {
    /// A fresh budget; the clock starts now.
    pub fn new(limits: WorkLimits) -> Self {
        Budget {
            limits,
            spent: 0,
            started: Instant::now(),
            // The first expansion reads the clock, so even a short search sees a spent
            // deadline.
            until_clock: 0,
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> WorkLimits {
        self.limits
    }

    /// Node expansions spent so far.
    pub fn spent(&self) -> u64 {
        self.spent
    }

    /// Refuses a search whose estimated expansions are far above the budget.
    pub fn admit(&self, estimate: f64) -> Result<(), TooBig> {
        if estimate > self.limits.max_expansions as f64 * ESTIMATE_SLACK {
            Err(TooBig::Estimated {
                // `as` saturates: an estimate past u64 is u64::MAX.
                estimate: estimate as u64,
                limit: self.limits.max_expansions,
            })
        } else {
            Ok(())
        }
    }

    /// Counts `n` expansions; fails once the count or the time is over the budget.
    #[inline]
    pub fn spend(&mut self, n: u64) -> Result<(), TooBig> {
        self.spent += n;
        if self.spent > self.limits.max_expansions {
            return Err(TooBig::Expansions {
                limit: self.limits.max_expansions,
            });
        }
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        if self.until_clock >= n && self.until_clock > 0 {
            self.until_clock -= n;
            return Ok(());
        }
        self.until_clock = CLOCK_EVERY;
        if self.started.elapsed() > self.limits.max_time {
            return Err(TooBig::Time {
                limit: self.limits.max_time,
            });
        }
        Ok(())
    }
}

impl Default for Budget {
    fn default() -> Self {
        Budget::new(WorkLimits::DEFAULT)
    }
}

/// Expansions of a depth-bounded walk from `starts` start nodes: `starts · (1 + d + … +
/// d^depth)` for a mean branching factor `d`.
pub fn walk_estimate(starts: f64, branching: f64, depth: u32) -> f64 {
    let mut level = starts;
    let mut total = starts;
    for _ in 0..depth {
        level *= branching.max(0.0);
        total += level;
        if !total.is_finite() {
            return f64::MAX;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_expansions_and_stops_at_the_limit() {
        let mut b = Budget::new(WorkLimits {
            max_expansions: 10,
            max_time: Duration::from_secs(60),
        });
        for _ in 0..10 {
            b.spend(1).unwrap();
        }
        assert_eq!(b.spend(1), Err(TooBig::Expansions { limit: 10 }));
    }

    #[test]
    fn stops_when_the_time_is_up() {
        let mut b = Budget::new(WorkLimits {
            max_expansions: u64::MAX,
            max_time: Duration::ZERO,
        });
        std::thread::sleep(Duration::from_millis(2));
        let err = (0..=CLOCK_EVERY).find_map(|_| b.spend(1).err());
        assert!(matches!(err, Some(TooBig::Time { .. })), "{err:?}");
    }

    #[test]
    fn refuses_only_estimates_well_above_the_budget() {
        let b = Budget::new(WorkLimits {
            max_expansions: 1000,
            max_time: Duration::from_secs(1),
        });
        assert!(b.admit(5_000.0).is_ok());
        assert!(b.admit(20_000.0).is_err());
        assert_eq!(walk_estimate(1.0, 2.0, 3), 15.0);
        assert_eq!(walk_estimate(10.0, 1e300, 5), f64::MAX);
    }
}
