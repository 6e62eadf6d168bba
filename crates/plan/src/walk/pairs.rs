//! Several pairs on the same day: K walks with (almost) no street walked twice across pairs.
//!
//! Sequential planning: pair `i` plans with the valued edges walked by pairs before it closed,
//! or, if that collects more than [`CLOSED_TOLERANCE`] less (or is impossible), with their
//! value set to zero. Then a repair pass: each pair in turn re-plans the same way against all
//! the others (with another seed), and the new walk is kept if the pairs together collect more
//! distinct value, or fewer shared metres for at most [`CLOSED_TOLERANCE`] less value. Streets are shared only where a pair has to cross another's walk to reach its
//! own streets (or, with a bad start, back to its end); [`shared_fraction`] measures it.

use super::problem::{Walk, WalkError, WalkProblem};
use super::search::SearchOptions;
use super::solve::plan_walk_with;
use feltkart_graph::WalkGraph;

/// Plan one walk per problem (same graph; each problem its own start, end, budget and seed;
/// the edge values of the first problem are used for all, so give them all the same values).
///
/// Each walk's `value` is its own share: the edges it is the first (in pair order) to walk,
/// plus its stops, so the values add up to what the pairs collect together; its `bound` is
/// that of its own re-valued problem. Each walk's time is within its budget.
///
/// Complexity: up to 4K single-walk plans.
///
/// # Errors
/// The [`WalkError`] of the first problem that cannot be planned at all.
pub fn plan_pairs(
    g: &WalkGraph,
    problems: &[WalkProblem],
    opts: &SearchOptions,
) -> Result<Vec<Walk>, WalkError> {
    let Some(first) = problems.first() else {
        return Ok(Vec::new());
    };
    let values = &first.edge_value;
    let ne = g.graph.edge_count();
    // How many pairs walk each edge.
    let mut count = vec![0u32; ne];
    let zeroed = |count: &[u32], own: Option<&Walk>, p: &WalkProblem| -> WalkProblem {
        let mut own_count = vec![0u32; ne];
        if let Some(w) = own {
            for &e in &w.edges {
                own_count[e.index()] = 1;
            }
        }
        let mut q = p.clone();
        q.edge_value = values
            .iter()
            .enumerate()
            .map(|(e, &v)| {
                if count.get(e).copied().unwrap_or(0) > own_count[e] {
                    0.0
                } else {
                    v
                }
            })
            .collect();
        q
    };
    // Two ways to keep off the others' streets: their value set to zero (they may still be
    // walked, to get somewhere), or closed outright. The closed plan is taken unless it
    // collects more than `CLOSED_TOLERANCE` less.
    let plan_one =
        |count: &[u32], own: Option<&Walk>, p: &WalkProblem| -> Result<Walk, WalkError> {
            let q = zeroed(count, own, p);
            let open = plan_walk_with(g, &q, opts)?;
            let mut c = q.clone();
            for (e, t) in c.edge_time_s.iter_mut().enumerate() {
                if values[e] > 0.0 && q.edge_value[e] == 0.0 {
                    *t = f64::INFINITY;
                }
            }
            match plan_walk_with(g, &c, opts) {
                Ok(w) if w.value >= (1.0 - CLOSED_TOLERANCE) * open.value => Ok(w),
                _ => Ok(open),
            }
        };
    let mut walks = Vec::with_capacity(problems.len());
    for p in problems {
        let w = plan_one(&count, None, p)?;
        mark(&mut count, &w, 1);
        walks.push(w);
    }
    let total = |walks: &[Walk]| distinct_value(values, walks);
    let mut best = (total(&walks), -shared_fraction(g, &walks));
    for (i, p) in problems.iter().enumerate() {
        let mut q = p.clone();
        q.seed = p.seed.wrapping_add(0x9E37_79B9);
        let w = plan_one(&count, Some(&walks[i]), &q)?;
        let mut trial = walks.clone();
        trial[i] = w;
        let score = (total(&trial), -shared_fraction(g, &trial));
        if score.0 > best.0 + 1e-9
            || (score.0 >= (1.0 - CLOSED_TOLERANCE) * best.0 && score.1 > best.1 + 1e-9)
        {
            mark(&mut count, &walks[i], -1);
            mark(&mut count, &trial[i], 1);
            walks = trial;
            best = score;
        }
    }
    // Report each walk's value as its own share: edges it is first to walk (in pair order).
    let mut seen = vec![false; ne];
    for (w, p) in walks.iter_mut().zip(problems) {
        let mut v = 0.0;
        for &e in &w.edges {
            if !std::mem::replace(&mut seen[e.index()], true) {
                v += values[e.index()];
            }
        }
        for &(s, _) in &w.stops {
            v += p.stops.get(s).map_or(0.0, |s| s.value);
        }
        w.value = v;
    }
    Ok(walks)
}

/// How much less value a pair accepts to keep off the other pairs' streets entirely.
pub const CLOSED_TOLERANCE: f64 = 0.15;

fn mark(count: &mut [u32], w: &Walk, by: i32) {
    let mut seen = std::collections::HashSet::new();
    for &e in &w.edges {
        if seen.insert(e) {
            let c = &mut count[e.index()];
            *c = c.saturating_add_signed(by);
        }
    }
}

/// Value of the edges walked by any of the walks, each counted once.
#[must_use]
pub fn distinct_value(values: &[f64], walks: &[Walk]) -> f64 {
    let mut seen = vec![false; values.len()];
    let mut v = 0.0;
    for w in walks {
        for &e in &w.edges {
            if let Some(s) = seen.get_mut(e.index())
                && !std::mem::replace(s, true)
            {
                v += values[e.index()];
            }
        }
    }
    v
}

/// The share of all metres walked (summed over walks) that lie on edges another walk also
/// uses: 0 when no street is shared, up to 1.
#[must_use]
pub fn shared_fraction(g: &WalkGraph, walks: &[Walk]) -> f64 {
    let ne = g.graph.edge_count();
    let mut by = vec![u32::MAX; ne];
    let mut shared = vec![false; ne];
    for (i, w) in walks.iter().enumerate() {
        for &e in &w.edges {
            let b = &mut by[e.index()];
            if *b == u32::MAX {
                *b = i as u32;
            } else if *b != i as u32 {
                shared[e.index()] = true;
            }
        }
    }
    let (mut all, mut sh) = (0.0, 0.0);
    for w in walks {
        for &e in &w.edges {
            let len = g.graph[e].length_m;
            all += len;
            if shared[e.index()] {
                sh += len;
            }
        }
    }
    if all > 0.0 { sh / all } else { 0.0 }
}
