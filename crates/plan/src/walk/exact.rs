//! The exact solver for tiny instances: dynamic programming over subsets of tasks.
//!
//! Any walk collects the value of the set S of tasks it serves, and serves them in the order of
//! their first traversals with (at least) shortest connections between them. So the optimum is
//! the most valuable S whose cheapest order-and-direction sequence fits the budget; `dp[S][k]`
//! = the least time to serve exactly S ending with task-direction `k`.
//!
//! Complexity: O(2^C · (2C)²) time, O(2^C · 2C) memory for C tasks.

use super::core::{Instance, Metric, Route, Step};

/// The most candidates the exact solver accepts.
pub const MAX_CANDIDATES: usize = 14;

/// The optimal route over `tasks` (every task's points ensured in `m`).
#[allow(clippy::needless_range_loop)] // n indexes steps and the dp row alike
pub(crate) fn solve(inst: &Instance, m: &impl Metric, tasks: &[u32]) -> Route {
    let c = tasks.len().min(MAX_CANDIDATES);
    let k = 2 * c;
    let steps: Vec<Step> = (0..k).map(|s| (tasks[s / 2], s % 2 == 1)).collect();
    let same = |s: usize| {
        let t = &inst.tasks[tasks[s / 2] as usize];
        s % 2 == 1 && t.a == t.b
    };
    let service = |s: usize| inst.tasks[tasks[s / 2] as usize].service;
    let full = 1usize << c;
    let mut dp = vec![f64::INFINITY; full * k];
    let mut parent = vec![u8::MAX; full * k];
    for s in 0..k {
        if same(s) {
            continue;
        }
        let (a, _) = inst.ends(steps[s]);
        let t = inst.start;
        let v = m.d(t, a) + service(s);
        if v <= inst.budget {
            dp[(1 << (s / 2)) * k + s] = v;
        }
    }
    for mask in 1..full {
        for s in 0..k {
            let cur = dp[mask * k + s];
            if !cur.is_finite() {
                continue;
            }
            let exit = inst.ends(steps[s]).1;
            for n in 0..k {
                let bit = 1 << (n / 2);
                if mask & bit != 0 || same(n) {
                    continue;
                }
                let entry = inst.ends(steps[n]).0;
                let v = cur + m.d(exit, entry) + service(n);
                let slot = (mask | bit) * k + n;
                if v <= inst.budget && v < dp[slot] {
                    dp[slot] = v;
                    parent[slot] = s as u8;
                }
            }
        }
    }
    let value = |mask: usize| -> f64 {
        (0..c)
            .filter(|i| mask & (1 << i) != 0)
            .map(|i| inst.tasks[tasks[i] as usize].value)
            .sum()
    };
    let mut best: Option<(f64, f64, usize, usize)> = None; // value, cost, mask, last
    for mask in 1..full {
        for s in 0..k {
            let cur = dp[mask * k + s];
            if !cur.is_finite() {
                continue;
            }
            let cost = cur + m.d(inst.ends(steps[s]).1, inst.end);
            if cost > inst.budget {
                continue;
            }
            let v = value(mask);
            let take = match best {
                None => true,
                Some((bv, bc, _, _)) => v > bv + 1e-9 || (v >= bv - 1e-9 && cost < bc),
            };
            if take {
                best = Some((v, cost, mask, s));
            }
        }
    }
    let mut seq = Vec::new();
    if let Some((_, _, mut mask, mut s)) = best {
        loop {
            seq.push(steps[s]);
            let p = parent[mask * k + s];
            mask &= !(1 << (s / 2));
            if p == u8::MAX || mask == 0 {
                break;
            }
            s = p as usize;
        }
    }
    seq.reverse();
    inst.route(m, seq)
}
