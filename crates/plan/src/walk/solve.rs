//! Planning a walk on the graph: cut out the local graph, make tasks of the valued edges and the
//! dwell stops, run a solver, and expand its route into a walk.

use super::core::{Instance, Metric, Route, Task, knapsack_bound};
use super::local::Local;
use super::problem::{WalkError, WalkProblem, validate};
use super::search::{SearchOptions, Solver};
use super::{Walk, exact};
use feltkart_graph::WalkGraph;

#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    /// A local edge.
    Edge(u32),
    /// A dwell stop (index into the problem's stops).
    Stop(usize),
}

/// A problem made ready for the solvers.
pub(crate) struct Prepared {
    pub local: Local,
    pub inst: Instance,
    pub kinds: Vec<Kind>,
}

impl Prepared {
    pub fn new(g: &WalkGraph, p: &WalkProblem) -> Result<Self, WalkError> {
        validate(g, p)?;
        let mut local = Local::new(g, p)?;
        let mut tasks = Vec::new();
        let mut kinds = Vec::new();
        for le in 0..local.edge.len() {
            let value = p.edge_value[local.edge[le].index()];
            if value > 0.0 {
                local.task_of_edge[le] = tasks.len() as u32;
                let (a, b) = local.ends[le];
                tasks.push(Task {
                    a,
                    b,
                    service: local.time[le],
                    value,
                });
                kinds.push(Kind::Edge(le as u32));
            }
        }
        for (i, s) in p.stops.iter().enumerate() {
            let v = local.local_of[s.at.index()];
            if v != u32::MAX && s.value > 0.0 {
                tasks.push(Task {
                    a: v,
                    b: v,
                    service: s.dwell_s,
                    value: s.value,
                });
                kinds.push(Kind::Stop(i));
            }
        }
        let inst = Instance {
            tasks,
            start: local.local_of[p.start.index()],
            end: local.local_of[p.end.index()],
            budget: p.budget_s,
        };
        Ok(Self { local, inst, kinds })
    }

    /// Tasks that fit in a walk on their own.
    pub fn usable(&mut self) -> Vec<u32> {
        self.local.ensure(self.inst.start);
        self.local.ensure(self.inst.end);
        (0..self.inst.tasks.len() as u32)
            .filter(|&t| {
                self.inst.tasks[t as usize].value > 0.0 && self.inst.usable(&self.local, t)
            })
            .collect()
    }

    /// The upper bound: a fractional knapsack of the usable tasks' values with their own
    /// service times as weights and the budget as capacity. Every walk serves each task it
    /// collects in a part of its time of its own (the first traversal, or the dwell), so no
    /// walk collects more.
    pub fn bound(&mut self) -> f64 {
        let usable = self.usable();
        knapsack_bound(
            usable.iter().map(|&t| {
                let k = &self.inst.tasks[t as usize];
                (k.value, k.service)
            }),
            self.inst.budget,
        )
    }

    /// Expand a route into a walk on the graph (every route point must be ensured).
    pub fn expand(&self, g: &WalkGraph, p: &WalkProblem, r: &Route, bound: f64) -> Walk {
        let l = &self.local;
        let mut w = Walk {
            nodes: vec![p.start],
            edges: Vec::new(),
            stops: Vec::new(),
            time_s: 0.0,
            value: 0.0,
            bound,
        };
        let push = |w: &mut Walk, le: u32, from: u32| {
            let (a, b) = l.ends[le as usize];
            let to = if a == from { b } else { a };
            w.edges.push(l.edge[le as usize]);
            w.nodes.push(l.vertex[to as usize]);
        };
        let mut at = self.inst.start;
        for &s in &r.seq {
            let (a, b) = self.inst.ends(s);
            for (le, from) in l.path(at, a) {
                push(&mut w, le, from);
            }
            match self.kinds[s.0 as usize] {
                Kind::Edge(le) => push(&mut w, le, a),
                Kind::Stop(i) => w.stops.push((i, w.nodes.len() - 1)),
            }
            at = b;
        }
        for (le, from) in l.path(at, self.inst.end) {
            push(&mut w, le, from);
        }
        let (time, value) = walk_time_value(g, p, &w);
        w.time_s = time;
        w.value = value;
        w
    }
}

/// Time (edge times plus dwell) and value (each edge once, plus stops) of a walk.
#[must_use]
pub fn walk_time_value(g: &WalkGraph, p: &WalkProblem, w: &Walk) -> (f64, f64) {
    let mut seen = vec![false; g.graph.edge_count()];
    let (mut time, mut value) = (0.0, 0.0);
    for &e in &w.edges {
        time += p.edge_time_s[e.index()];
        if !std::mem::replace(&mut seen[e.index()], true) {
            value += p.edge_value[e.index()];
        }
    }
    for &(i, _) in &w.stops {
        time += p.stops[i].dwell_s;
        value += p.stops[i].value;
    }
    (time, value)
}

/// Plan a walk with the heuristic and default [`SearchOptions`].
///
/// # Errors
/// A [`WalkError`] naming the bad input (vertex, table length, budget, edge, stop), or saying
/// that the end cannot be reached within the budget.
pub fn plan_walk(g: &WalkGraph, p: &WalkProblem) -> Result<Walk, WalkError> {
    plan_walk_with(g, p, &SearchOptions::default())
}

/// Plan a walk with the heuristic: greedy insertion then `opts.iterations` rounds of
/// ruin-and-recreate with 2-opt, seeded by `p.seed` (deterministic).
///
/// Complexity: two Dijkstras over the graph to cut out the local graph, then per iteration
/// O(C · L + L²) (C candidate tasks, L tasks in the route) plus one Dijkstra over the local
/// graph per new route vertex.
///
/// # Errors
/// As [`plan_walk`].
pub fn plan_walk_with(
    g: &WalkGraph,
    p: &WalkProblem,
    opts: &SearchOptions,
) -> Result<Walk, WalkError> {
    let mut prep = Prepared::new(g, p)?;
    let bound = prep.bound();
    let route = {
        let mut s = Solver::new(&prep.inst, &mut prep.local);
        s.run(p.seed, opts)
    };
    Ok(prep.expand(g, p, &route, bound))
}

/// The greedy baseline: best value-per-time insertion only, no local search.
///
/// # Errors
/// As [`plan_walk`].
pub fn plan_walk_greedy(g: &WalkGraph, p: &WalkProblem) -> Result<Walk, WalkError> {
    let mut prep = Prepared::new(g, p)?;
    let bound = prep.bound();
    let route = {
        let mut s = Solver::new(&prep.inst, &mut prep.local);
        let mut r = s.empty();
        s.repair(&mut r, None, &[], None);
        s.absorb(&mut r);
        r
    };
    Ok(prep.expand(g, p, &route, bound))
}

/// The exact optimum for tiny problems (at most [`exact::MAX_CANDIDATES`] usable valued edges
/// and stops), by dynamic programming over subsets. Its `bound` is the optimum itself.
///
/// Complexity: O(2^C · C²) time and O(2^C · C) memory for C candidates.
///
/// # Errors
/// As [`plan_walk`], and [`WalkError::TooManyCandidates`].
pub fn plan_walk_exact(g: &WalkGraph, p: &WalkProblem) -> Result<Walk, WalkError> {
    let mut prep = Prepared::new(g, p)?;
    let usable = prep.usable();
    if usable.len() > exact::MAX_CANDIDATES {
        return Err(WalkError::TooManyCandidates {
            found: usable.len(),
            limit: exact::MAX_CANDIDATES,
        });
    }
    for &t in &usable {
        let k = prep.inst.tasks[t as usize];
        prep.local.ensure(k.a);
        prep.local.ensure(k.b);
    }
    let route = exact::solve(&prep.inst, &prep.local, &usable);
    let mut w = prep.expand(g, p, &route, 0.0);
    w.bound = w.value;
    Ok(w)
}
