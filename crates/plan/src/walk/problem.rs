//! The walk problem on the graph, its answer, its errors, and the edge-time helper.

use feltkart_graph::WalkGraph;
use petgraph::graph::{EdgeIndex, NodeIndex};
use serde::{Deserialize, Serialize};

/// A dwell stop: a vertex where the pair may stop for a while (a square, a pitch, a kiosk, a
/// youth club). Its value is earned once, and its dwell time counts in the budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DwellStop {
    /// Where.
    pub at: NodeIndex,
    /// Value earned by stopping there (same units as edge values).
    pub value: f64,
    /// Time spent there, seconds (typically 600–900).
    pub dwell_s: f64,
}

/// One observation-walk problem on a [`WalkGraph`].
///
/// Units: seconds for times and the budget; values are whatever the caller uses (typically
/// metres × priority × coverage deficit), non-negative.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WalkProblem {
    /// Where the walk starts.
    pub start: NodeIndex,
    /// Where it ends (may equal `start` for a round walk).
    pub end: NodeIndex,
    /// Time available, seconds (walking plus dwell stops).
    pub budget_s: f64,
    /// Traversal time of every edge, seconds, indexed by [`EdgeIndex`]; `f64::INFINITY`
    /// closes an edge. See [`edge_times`].
    pub edge_time_s: Vec<f64>,
    /// Value of every edge, indexed by [`EdgeIndex`]: earned on its first traversal only.
    pub edge_value: Vec<f64>,
    /// Optional dwell stops.
    pub stops: Vec<DwellStop>,
    /// Seed of the local search: the same problem and seed give the same walk.
    pub seed: u64,
}

/// A planned walk.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Walk {
    /// Vertices in walking order, from `start` to `end` (one vertex if the walk is empty).
    pub nodes: Vec<NodeIndex>,
    /// Edges in walking order: `edges[i]` joins `nodes[i]` and `nodes[i + 1]`.
    pub edges: Vec<EdgeIndex>,
    /// Dwell stops made: (index into [`WalkProblem::stops`], index into `nodes` where it is made).
    pub stops: Vec<(usize, usize)>,
    /// Total time, seconds: edge times plus dwell times.
    pub time_s: f64,
    /// Value collected: each edge's value counted once, plus the stops' values.
    pub value: f64,
    /// An upper bound on the optimum value (see [`crate::walk`], "Upper bound").
    pub bound: f64,
}

impl Walk {
    /// The share of the optimum bound this walk collects (1 when the bound is 0).
    #[must_use]
    pub fn share_of_bound(&self) -> f64 {
        if self.bound > 0.0 {
            self.value / self.bound
        } else {
            1.0
        }
    }
}

/// Why a walk cannot be planned.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum WalkError {
    /// A vertex that is not in the graph.
    #[error("{what} vertex {index} is not in the graph ({nodes} vertices)")]
    NoSuchVertex {
        /// "start", "end" or "stop".
        what: &'static str,
        /// The vertex index given.
        index: usize,
        /// Vertices in the graph.
        nodes: usize,
    },
    /// A per-edge table of the wrong length.
    #[error("{what} has {found} entries but the graph has {expected} edges")]
    WrongLength {
        /// Which table.
        what: &'static str,
        /// Edges in the graph.
        expected: usize,
        /// Entries given.
        found: usize,
    },
    /// Zero, negative or not-a-number budget.
    #[error("budget {budget_s} s is not a positive number of seconds")]
    BadBudget {
        /// The budget given.
        budget_s: f64,
    },
    /// A negative or NaN edge time, or a negative or non-finite value.
    #[error(
        "edge {edge}: {what} {got} is not allowed (times must be >= 0, values finite and >= 0)"
    )]
    BadEdge {
        /// Which edge.
        edge: usize,
        /// "time" or "value".
        what: &'static str,
        /// The number given.
        got: f64,
    },
    /// A dwell stop with a negative or non-finite value or dwell time.
    #[error("dwell stop {stop}: {what} {got} is not allowed (must be finite and >= 0)")]
    BadStop {
        /// Index of the stop.
        stop: usize,
        /// "value" or "dwell time".
        what: &'static str,
        /// The number given.
        got: f64,
    },
    /// The end cannot be reached from the start (another component, or closed edges).
    #[error("end vertex {end} cannot be reached from start vertex {start}")]
    Unreachable {
        /// Start vertex.
        start: usize,
        /// End vertex.
        end: usize,
    },
    /// The shortest walk from start to end takes longer than the budget.
    #[error(
        "the shortest walk from start to end takes {needed_s:.0} s, more than the budget of {budget_s:.0} s"
    )]
    BudgetTooShort {
        /// Shortest start→end time.
        needed_s: f64,
        /// The budget.
        budget_s: f64,
    },
    /// A round walk whose budget does not even allow walking the nearest street and back.
    #[error(
        "budget {budget_s:.0} s is too short to leave the start and come back (the nearest street there and back takes {needed_s:.0} s)"
    )]
    CannotLeaveStart {
        /// Cheapest out-and-back from the start.
        needed_s: f64,
        /// The budget.
        budget_s: f64,
    },
    /// The exact solver was given too many candidates.
    #[error(
        "the exact solver takes at most {limit} candidate edges and stops, this problem has {found}"
    )]
    TooManyCandidates {
        /// Candidates within reach.
        found: usize,
        /// The limit.
        limit: usize,
    },
    /// A bad walking pace.
    #[error("pace: {field} = {got} is not allowed ({rule})")]
    BadPace {
        /// The field.
        field: &'static str,
        /// The value given.
        got: f64,
        /// What it must be.
        rule: &'static str,
    },
    /// A bad matrix instance.
    #[error("matrix instance: {0}")]
    BadMatrix(String),
}

/// How fast the pair walks, for [`edge_times`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pace {
    /// Walking speed, km/h (default 4.5).
    pub speed_kmh: f64,
    /// Speed factor while observing in priority cells, in (0, 1] (default 0.8: 20 % slower).
    pub observing_factor: f64,
    /// Time factor for steps, >= 1 (default 2: a flight of steps takes twice as long).
    pub steps_factor: f64,
    /// After dark: time factor >= 1 for unlit edges (`lit=no`), `None` by day. This is a
    /// planning penalty: the walk's reported time then overstates the real time on unlit
    /// streets by that factor, which keeps the plan conservative. `f64::INFINITY` closes them.
    pub unlit_factor: Option<f64>,
}

impl Default for Pace {
    fn default() -> Self {
        Self {
            speed_kmh: 4.5,
            observing_factor: 0.8,
            steps_factor: 2.0,
            unlit_factor: None,
        }
    }
}

/// Edge traversal times in seconds, indexed by [`EdgeIndex`]:
/// `length_m / (speed_kmh / 3.6)`, divided by `observing_factor` where `observing(edge)` is true
/// (priority cells), times `steps_factor` for steps, times `unlit_factor` (if given) for edges
/// tagged `lit=no` (`lit` unknown is not penalised).
///
/// Complexity: O(E).
///
/// # Errors
/// [`WalkError::BadPace`] for a speed that is not positive and finite, an observing factor
/// outside (0, 1], or a steps or unlit factor below 1 (or NaN).
pub fn edge_times(
    g: &WalkGraph,
    pace: &Pace,
    observing: impl Fn(EdgeIndex) -> bool,
) -> Result<Vec<f64>, WalkError> {
    let bad = |field, got, rule| Err(WalkError::BadPace { field, got, rule });
    if !(pace.speed_kmh.is_finite() && pace.speed_kmh > 0.0) {
        return bad("speed_kmh", pace.speed_kmh, "positive and finite");
    }
    if !(pace.observing_factor > 0.0 && pace.observing_factor <= 1.0) {
        return bad("observing_factor", pace.observing_factor, "in (0, 1]");
    }
    if !(pace.steps_factor >= 1.0 && pace.steps_factor.is_finite()) {
        return bad("steps_factor", pace.steps_factor, ">= 1 and finite");
    }
    if let Some(f) = pace.unlit_factor
        && f.is_nan() | (f < 1.0)
    {
        return bad("unlit_factor", f, ">= 1");
    }
    let mps = pace.speed_kmh / 3.6;
    Ok(g.graph
        .edge_indices()
        .map(|e| {
            let w = &g.graph[e];
            let mut t = w.length_m / mps;
            if observing(e) {
                t /= pace.observing_factor;
            }
            if w.is_steps() {
                t *= pace.steps_factor;
            }
            if let (Some(f), Some(false)) = (pace.unlit_factor, w.lit) {
                t *= f;
            }
            t
        })
        .collect())
}

/// Edge values, indexed by [`EdgeIndex`]: `length_m × weight(edge)`, where the caller's weight
/// is typically priority × coverage deficit for the current time slot. Negative or NaN weights
/// count as 0. Complexity: O(E).
#[must_use]
pub fn edge_values(g: &WalkGraph, weight: impl Fn(EdgeIndex) -> f64) -> Vec<f64> {
    g.graph
        .edge_indices()
        .map(|e| {
            let w = weight(e);
            if w > 0.0 && w.is_finite() {
                g.graph[e].length_m * w
            } else {
                0.0
            }
        })
        .collect()
}

/// Check a problem against its graph.
pub(crate) fn validate(g: &WalkGraph, p: &WalkProblem) -> Result<(), WalkError> {
    let nodes = g.graph.node_count();
    let edges = g.graph.edge_count();
    for (what, v) in [("start", p.start), ("end", p.end)] {
        if v.index() >= nodes {
            return Err(WalkError::NoSuchVertex {
                what,
                index: v.index(),
                nodes,
            });
        }
    }
    if p.budget_s.is_nan() || p.budget_s <= 0.0 {
        return Err(WalkError::BadBudget {
            budget_s: p.budget_s,
        });
    }
    for (what, len) in [
        ("edge_time_s", p.edge_time_s.len()),
        ("edge_value", p.edge_value.len()),
    ] {
        if len != edges {
            return Err(WalkError::WrongLength {
                what,
                expected: edges,
                found: len,
            });
        }
    }
    for (edge, (&t, &v)) in p.edge_time_s.iter().zip(&p.edge_value).enumerate() {
        if t.is_nan() || t < 0.0 {
            return Err(WalkError::BadEdge {
                edge,
                what: "time",
                got: t,
            });
        }
        if !v.is_finite() || v < 0.0 {
            return Err(WalkError::BadEdge {
                edge,
                what: "value",
                got: v,
            });
        }
    }
    for (stop, s) in p.stops.iter().enumerate() {
        if s.at.index() >= nodes {
            return Err(WalkError::NoSuchVertex {
                what: "stop",
                index: s.at.index(),
                nodes,
            });
        }
        for (what, got) in [("value", s.value), ("dwell time", s.dwell_s)] {
            if !got.is_finite() || got < 0.0 {
                return Err(WalkError::BadStop { stop, what, got });
            }
        }
    }
    Ok(())
}
