//! A route for one pair with time windows (TSPTW with optional stops), as in the OR-Tools
//! routing model of `peers.py tsptw-ortools`:
//!
//! - one walker leaves `start` at time 0 (shift start) and must arrive at `end` by
//!   `shift_end_s`; all times are whole seconds since the shift start;
//! - travel times come from a matrix (seconds); waiting is allowed anywhere;
//! - a served stop's service *starts* inside `[open_s, close_s]` and lasts `service_s`
//!   (callers who want the whole visit inside a window pass `close_s = window end − service`);
//! - every stop is optional with a drop `penalty`: the objective is
//!   `travel seconds + Σ penalty of unserved stops`. With the peer's penalty of 1 000 000 per
//!   stop that is "serve as many as possible, then minimise walking"; the day planner gives
//!   appointments a far larger penalty, so they are served first whenever they can be.
//!
//! [`solve`] is a heuristic: cheapest feasible insertion, then an iterated local search
//! (relocate, or-opt, 2-opt, exchange, insert and replace with unserved stops) with seeded
//! ruin-and-recreate perturbations and threshold acceptance. It is deterministic for a seed
//! (its own SplitMix64 generator, independent of crate versions) and stops after a fixed
//! number of iterations, never on a clock. Feasibility of an insertion is O(1) with earliest
//! start and latest start tables; one local-search pass is O(n³) for n served stops, one
//! perturbation O(n·u) for u unserved. [`exact`](super::exact) is the reference for ≤ 12 stops.

use super::rng::Rng;
use thiserror::Error;

mod search;
use search::{Route, sat32};

/// A matrix entry meaning "no walking path".
pub const UNREACHABLE: u32 = u32::MAX;

/// A stop to visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stop {
    /// Its row/column in the travel matrix.
    pub node: usize,
    /// Earliest service start, seconds since shift start.
    pub open_s: u32,
    /// Latest service start, seconds since shift start.
    pub close_s: u32,
    /// Service time, seconds.
    pub service_s: u32,
    /// Cost of leaving the stop unserved (objective units = seconds of travel).
    pub penalty: u64,
}

/// A TSPTW instance: validated, immutable.
#[derive(Clone, Debug)]
pub struct Instance {
    n: usize,
    matrix: Vec<u32>,
    start: usize,
    end: usize,
    shift_end_s: u32,
    stops: Vec<Stop>,
}

/// A bad instance, naming the offending input.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum TsptwError {
    /// The matrix is not square.
    #[error("travel matrix row {row} has {len} entries, expected {n}")]
    MatrixNotSquare {
        /// The row.
        row: usize,
        /// Its length.
        len: usize,
        /// The number of rows.
        n: usize,
    },
    /// A node index outside the matrix.
    #[error("{what} refers to matrix node {node}, but the matrix has {n} nodes")]
    NodeOutOfRange {
        /// Which input ("start", "end", "stop 3").
        what: String,
        /// The index.
        node: usize,
        /// Matrix size.
        n: usize,
    },
    /// A window that closes before it opens.
    #[error("stop {stop}: time window closes at {close_s} s before it opens at {open_s} s")]
    WindowOrder {
        /// The stop.
        stop: usize,
        /// Opening, s.
        open_s: u32,
        /// Closing, s.
        close_s: u32,
    },
    /// The end cannot be reached from the start within the shift, so no route exists.
    #[error(
        "the end cannot be reached from the start within the shift ({need_s} s needed, {shift_end_s} s available)"
    )]
    NoRoute {
        /// Travel start → end, s (`u32::MAX` if unreachable).
        need_s: u32,
        /// Shift length, s.
        shift_end_s: u32,
    },
    /// Too many stops for the exact solver.
    #[error("the exact solver takes at most {max} stops, got {got}")]
    TooManyForExact {
        /// Limit.
        max: usize,
        /// Stops given.
        got: usize,
    },
}

/// One visit of a route, times in seconds since shift start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Visit {
    /// The stop (index into the instance's stops).
    pub stop: usize,
    /// Arrival.
    pub arrive_s: u32,
    /// Service start (≥ arrival; the difference is waiting).
    pub start_s: u32,
    /// Departure (service start + service time).
    pub depart_s: u32,
}

/// Why an order of stops is not a feasible route.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum Violation {
    /// A stop index appears twice or is out of range.
    #[error("stop {0} is repeated or out of range")]
    BadStop(usize),
    /// No path between two consecutive places.
    #[error("no walking path to stop {0}")]
    Unreachable(usize),
    /// Arrival after the window closed.
    #[error("stop {stop}: arrival at {arrive_s} s, after its window closed at {close_s} s")]
    Late {
        /// The stop.
        stop: usize,
        /// Arrival, s.
        arrive_s: u32,
        /// Window close, s.
        close_s: u32,
    },
    /// Back at the end after the shift.
    #[error("back at the end at {arrive_s} s, after the shift ends at {shift_end_s} s")]
    AfterShift {
        /// Arrival at the end, s.
        arrive_s: u32,
        /// Shift end, s.
        shift_end_s: u32,
    },
}

/// A feasible route and its costs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Solution {
    /// Visits in order.
    pub visits: Vec<Visit>,
    /// Arrival at the end vertex, s.
    pub end_arrive_s: u32,
    /// Total travel, s.
    pub travel_s: u64,
    /// Stops not served, ascending.
    pub unserved: Vec<usize>,
    /// `travel_s + Σ penalty(unserved)`.
    pub objective: u64,
}

impl Solution {
    /// The visited stops in order.
    #[must_use]
    pub fn order(&self) -> Vec<usize> {
        self.visits.iter().map(|v| v.stop).collect()
    }
}

/// Heuristic settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SolveOptions {
    /// Seed of the random perturbations.
    pub seed: u64,
    /// Most ruin-and-recreate iterations (0: construction + local search only). The search
    /// stops earlier once [`STALE_STOP`] iterations in a row found no better route.
    pub iterations: u32,
}

/// Iterations without a new best route after which the search stops (it has restarted from
/// the best route at least once by then). On the peers' 40-stop instances the best route is
/// found within ~300 iterations for every seed tried; the stop halves the time there.
pub const STALE_STOP: u32 = 400;

impl Default for SolveOptions {
    fn default() -> Self {
        Self {
            seed: 42,
            iterations: 1000,
        }
    }
}

impl Instance {
    /// A checked instance. `matrix[i][j]` is the walking time from node `i` to `j` in seconds
    /// ([`UNREACHABLE`] for no path); the route runs from `start` to `end` within
    /// `[0, shift_end_s]`.
    ///
    /// # Errors
    /// A non-square matrix, a node index out of range, a window closing before it opens,
    /// or an end that cannot be reached from the start in the shift.
    pub fn new(
        matrix: &[Vec<u32>],
        start: usize,
        end: usize,
        shift_end_s: u32,
        stops: Vec<Stop>,
    ) -> Result<Self, TsptwError> {
        let n = matrix.len();
        for (row, r) in matrix.iter().enumerate() {
            if r.len() != n {
                return Err(TsptwError::MatrixNotSquare {
                    row,
                    len: r.len(),
                    n,
                });
            }
        }
        let check = |what: String, node: usize| {
            if node < n {
                Ok(())
            } else {
                Err(TsptwError::NodeOutOfRange { what, node, n })
            }
        };
        check("start".into(), start)?;
        check("end".into(), end)?;
        for (i, s) in stops.iter().enumerate() {
            check(format!("stop {i}"), s.node)?;
            if s.close_s < s.open_s {
                return Err(TsptwError::WindowOrder {
                    stop: i,
                    open_s: s.open_s,
                    close_s: s.close_s,
                });
            }
        }
        let inst = Self {
            n,
            matrix: matrix.iter().flatten().copied().collect(),
            start,
            end,
            shift_end_s,
            stops,
        };
        let need_s = inst.t(start, end);
        if u64::from(need_s) > u64::from(shift_end_s) {
            return Err(TsptwError::NoRoute {
                need_s,
                shift_end_s,
            });
        }
        Ok(inst)
    }

    /// An instance in the form of `peers.py tsptw-ortools --dump`: node `depot` is start and
    /// end, every other node `i` a stop with window `windows[i]` (service start), service
    /// time `service[i]` and the same drop penalty.
    ///
    /// # Errors
    /// As [`Instance::new`]; also a window or service list of the wrong length (reported as
    /// a non-square matrix row).
    pub fn from_peer(
        matrix: &[Vec<u32>],
        windows: &[[u32; 2]],
        service: &[u32],
        shift_s: u32,
        drop_penalty: u64,
        depot: usize,
    ) -> Result<Self, TsptwError> {
        let n = matrix.len();
        for (row, len) in [
            (windows.len(), windows.len()),
            (service.len(), service.len()),
        ] {
            if len != n {
                return Err(TsptwError::MatrixNotSquare { row, len, n });
            }
        }
        let stops = (0..n)
            .filter(|&i| i != depot)
            .map(|i| Stop {
                node: i,
                open_s: windows[i][0],
                close_s: windows[i][1],
                service_s: service[i],
                penalty: drop_penalty,
            })
            .collect();
        Self::new(matrix, depot, depot, shift_s, stops)
    }

    /// The stops.
    #[must_use]
    pub fn stops(&self) -> &[Stop] {
        &self.stops
    }

    /// The start's matrix node.
    #[must_use]
    pub fn start_node(&self) -> usize {
        self.start
    }

    /// The end's matrix node.
    #[must_use]
    pub fn end_node(&self) -> usize {
        self.end
    }

    /// Shift length, s.
    #[must_use]
    pub fn shift_end_s(&self) -> u32 {
        self.shift_end_s
    }

    /// Travel time between matrix nodes, s ([`UNREACHABLE`] for an index outside the matrix).
    #[must_use]
    pub fn t(&self, a: usize, b: usize) -> u32 {
        if a < self.n && b < self.n {
            self.matrix[a * self.n + b]
        } else {
            UNREACHABLE
        }
    }

    /// Schedule `order` (stop indices) as early as possible and check it: every stop once,
    /// reachable, served within its window, back at the end within the shift.
    ///
    /// # Errors
    /// The first [`Violation`].
    pub fn schedule(&self, order: &[usize]) -> Result<Solution, Violation> {
        let mut seen = vec![false; self.stops.len()];
        let mut visits = Vec::with_capacity(order.len());
        let (mut at, mut time, mut travel) = (self.start, 0u64, 0u64);
        for &s in order {
            if s >= self.stops.len() || seen[s] {
                return Err(Violation::BadStop(s));
            }
            seen[s] = true;
            let st = self.stops[s];
            let leg = self.t(at, st.node);
            if leg == UNREACHABLE {
                return Err(Violation::Unreachable(s));
            }
            let arrive = time + u64::from(leg);
            if arrive > u64::from(st.close_s) {
                return Err(Violation::Late {
                    stop: s,
                    arrive_s: sat32(arrive),
                    close_s: st.close_s,
                });
            }
            let start = arrive.max(u64::from(st.open_s));
            time = start + u64::from(st.service_s);
            travel += u64::from(leg);
            visits.push(Visit {
                stop: s,
                arrive_s: sat32(arrive),
                start_s: sat32(start),
                depart_s: sat32(time),
            });
            at = st.node;
        }
        let leg = self.t(at, self.end);
        let end_arrive = time.saturating_add(u64::from(leg));
        if leg == UNREACHABLE || end_arrive > u64::from(self.shift_end_s) {
            return Err(Violation::AfterShift {
                arrive_s: sat32(end_arrive),
                shift_end_s: self.shift_end_s,
            });
        }
        travel += u64::from(leg);
        let unserved: Vec<usize> = (0..self.stops.len()).filter(|&i| !seen[i]).collect();
        let objective = travel + unserved.iter().map(|&i| self.stops[i].penalty).sum::<u64>();
        Ok(Solution {
            visits,
            end_arrive_s: sat32(end_arrive),
            travel_s: travel,
            unserved,
            objective,
        })
    }

    /// Whether the stop can be served on a route with no other stop.
    #[must_use]
    pub fn feasible_alone(&self, stop: usize) -> bool {
        self.schedule(&[stop]).is_ok()
    }
}

/// Solve heuristically. See the module documentation for the method and its cost.
///
/// The result is always feasible (possibly with every stop unserved) and deterministic for
/// `opts.seed`.
#[must_use]
pub fn solve(inst: &Instance, opts: SolveOptions) -> Solution {
    let mut rng = Rng::new(opts.seed);
    let mut cur = Route::new(inst, Vec::new());
    cur.recreate(None);
    cur.local_search();
    let mut best = cur.clone();
    let max_ruin = (inst.stops.len() / 3).clamp(3, 15);
    let iters = opts.iterations.max(1);
    let mut since_best = 0u32;
    for it in 0..opts.iterations {
        let mut cand = cur.clone();
        cand.ruin(&mut rng, max_ruin);
        cand.recreate(Some(&mut rng));
        cand.local_search();
        // Threshold acceptance: allow slightly longer walks early on, nothing at the end.
        let frac = f64::from(iters - it) / f64::from(iters);
        #[allow(clippy::cast_possible_truncation)]
        let threshold = (0.03 * frac * best.travel.max(600) as f64) as i64;
        let c = cand.objective();
        if c < best.objective() {
            best = cand.clone();
            since_best = 0;
        } else {
            since_best += 1;
        }
        if c <= cur.objective() + threshold {
            cur = cand;
        }
        if since_best >= STALE_STOP {
            break;
        }
        if since_best > 0 && since_best.is_multiple_of(200) {
            cur = best.clone();
        }
    }
    // The route tables guarantee feasibility; schedule() recomputes times and costs.
    match inst.schedule(&best.order) {
        Ok(s) => s,
        Err(_) => empty(inst),
    }
}

/// The route with no stop (always feasible for a valid instance).
fn empty(inst: &Instance) -> Solution {
    let travel = u64::from(inst.t(inst.start, inst.end));
    Solution {
        visits: Vec::new(),
        end_arrive_s: inst.t(inst.start, inst.end),
        travel_s: travel,
        unserved: (0..inst.stops.len()).collect(),
        objective: travel + inst.stops.iter().map(|s| s.penalty).sum::<u64>(),
    }
}

/// Whether stop `s` could be inserted into the route `order` (used to explain unserved stops).
#[must_use]
pub fn fits_into(inst: &Instance, order: &[usize], s: usize) -> bool {
    let r = Route::new(inst, order.to_vec());
    !r.served[s] && r.best_insertion(s, None).is_some()
}

#[cfg(test)]
#[path = "../tsptw_tests.rs"]
mod tests;
