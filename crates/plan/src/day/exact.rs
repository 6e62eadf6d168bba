//! Exact TSPTW with optional stops, for small instances: the reference the heuristic is
//! tested against.
//!
//! Dynamic programming over subsets with Pareto labels: for every (set of served stops, last
//! stop) it keeps the labels (travel so far, earliest departure) that no other label beats on
//! both. Waiting is allowed, so leaving each stop as early as possible is never worse, and a
//! label dominated on both counts can never lead to a better route. The answer is the best
//! label closed at the end vertex within the shift, plus the penalties of the stops left out,
//! compared with the route that serves nothing.
//!
//! Complexity: O(2ⁿ · n² · L) time and O(2ⁿ · n · L) memory for n stops and at most L
//! non-dominated labels per state (small in practice); limited to [`MAX_STOPS`] stops.

use super::tsptw::{Instance, Solution, TsptwError, UNREACHABLE};

/// The largest instance [`solve_exact`] accepts.
pub const MAX_STOPS: usize = 12;

#[derive(Clone, Copy, Debug)]
struct Label {
    travel: u64,
    depart: u64,
    stop: usize,
    prev: Option<usize>,
}

/// The optimal solution.
///
/// # Errors
/// [`TsptwError::TooManyForExact`] for more than [`MAX_STOPS`] stops.
pub fn solve_exact(inst: &Instance) -> Result<Solution, TsptwError> {
    let stops = inst.stops();
    let n = stops.len();
    if n > MAX_STOPS {
        return Err(TsptwError::TooManyForExact {
            max: MAX_STOPS,
            got: n,
        });
    }
    let start = inst.start_node();
    let end = inst.end_node();
    let mut arena: Vec<Label> = Vec::new();
    // states[mask * n + last] = label ids
    let mut states: Vec<Vec<usize>> = vec![Vec::new(); (1usize << n) * n.max(1)];
    let extend = |from_node: usize, depart: u64, s: usize| -> Option<u64> {
        let leg = inst.t(from_node, stops[s].node);
        if leg == UNREACHABLE {
            return None;
        }
        let arr = depart + u64::from(leg);
        if arr > u64::from(stops[s].close_s) {
            return None;
        }
        Some(arr.max(u64::from(stops[s].open_s)) + u64::from(stops[s].service_s))
    };
    let push = |states: &mut Vec<Vec<usize>>, arena: &mut Vec<Label>, key: usize, l: Label| {
        let dominated = states[key]
            .iter()
            .any(|&i| arena[i].travel <= l.travel && arena[i].depart <= l.depart);
        if dominated {
            return;
        }
        states[key].retain(|&i| !(l.travel <= arena[i].travel && l.depart <= arena[i].depart));
        arena.push(l);
        states[key].push(arena.len() - 1);
    };
    for (s, st) in stops.iter().enumerate() {
        if let Some(dep) = extend(start, 0, s) {
            let l = Label {
                travel: u64::from(inst.t(start, st.node)),
                depart: dep,
                stop: s,
                prev: None,
            };
            push(&mut states, &mut arena, (1 << s) * n + s, l);
        }
    }
    for mask in 1usize..(1 << n) {
        for last in 0..n {
            if mask & (1 << last) == 0 {
                continue;
            }
            let ids = states[mask * n + last].clone();
            for id in ids {
                let l = arena[id];
                for s in 0..n {
                    if mask & (1 << s) != 0 {
                        continue;
                    }
                    if let Some(dep) = extend(stops[last].node, l.depart, s) {
                        let nl = Label {
                            travel: l.travel + u64::from(inst.t(stops[last].node, stops[s].node)),
                            depart: dep,
                            stop: s,
                            prev: Some(id),
                        };
                        push(&mut states, &mut arena, (mask | (1 << s)) * n + s, nl);
                    }
                }
            }
        }
    }
    let all_pen: u64 = stops.iter().map(|s| s.penalty).sum();
    let mut best_obj = u64::from(inst.t(start, end)) + all_pen;
    let mut best: Option<usize> = None;
    for mask in 1usize..(1 << n) {
        let served_pen: u64 = (0..n)
            .filter(|&s| mask & (1 << s) != 0)
            .map(|s| stops[s].penalty)
            .sum();
        for last in 0..n {
            for &id in &states[mask * n + last] {
                let l = arena[id];
                let leg = inst.t(stops[last].node, end);
                if leg == UNREACHABLE || l.depart + u64::from(leg) > u64::from(inst.shift_end_s()) {
                    continue;
                }
                let obj = l.travel + u64::from(leg) + all_pen - served_pen;
                if obj < best_obj {
                    best_obj = obj;
                    best = Some(id);
                }
            }
        }
    }
    let mut order = Vec::new();
    let mut at = best;
    while let Some(id) = at {
        order.push(arena[id].stop);
        at = arena[id].prev;
    }
    order.reverse();
    // The instance is valid, so the order found is feasible by construction.
    inst.schedule(&order).map_err(|_| TsptwError::NoRoute {
        need_s: inst.t(start, end),
        shift_end_s: inst.shift_end_s(),
    })
}
