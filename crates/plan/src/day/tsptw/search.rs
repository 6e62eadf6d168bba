//! The route under construction and its local search moves (insertion, relocate, exchange,
//! 2-opt, perturbation), with O(1) time-window checks from earliest/latest tables.

use super::*;

pub(super) fn sat32(x: u64) -> u32 {
    u32::try_from(x).unwrap_or(u32::MAX)
}

/// A route under construction with earliest/latest service-start tables for O(1)
/// insertion checks.
#[derive(Clone, Debug)]
pub(super) struct Route<'a> {
    pub(super) inst: &'a Instance,
    pub(super) order: Vec<usize>,
    pub(super) served: Vec<bool>,
    /// Earliest departure after position k (service end).
    pub(super) dep: Vec<i64>,
    /// Latest arrival allowed at position k (k == len: the end) keeping the rest feasible.
    pub(super) latest: Vec<i64>,
    pub(super) travel: i64,
}

impl<'a> Route<'a> {
    pub(super) fn new(inst: &'a Instance, order: Vec<usize>) -> Self {
        let mut served = vec![false; inst.stops.len()];
        for &s in &order {
            served[s] = true;
        }
        let mut r = Self {
            inst,
            order,
            served,
            dep: Vec::new(),
            latest: Vec::new(),
            travel: 0,
        };
        r.refresh();
        r
    }

    pub(super) fn t(&self, a: usize, b: usize) -> i64 {
        let x = self.inst.t(a, b);
        if x == UNREACHABLE {
            i64::MAX / 4
        } else {
            i64::from(x)
        }
    }

    pub(super) fn node(&self, k: usize) -> usize {
        self.inst.stops[self.order[k]].node
    }

    pub(super) fn prev_node(&self, pos: usize) -> usize {
        if pos == 0 {
            self.inst.start
        } else {
            self.node(pos - 1)
        }
    }

    pub(super) fn next_node(&self, pos: usize) -> usize {
        if pos == self.order.len() {
            self.inst.end
        } else {
            self.node(pos)
        }
    }

    pub(super) fn refresh(&mut self) {
        let m = self.order.len();
        self.dep.clear();
        let (mut time, mut at, mut travel) = (0i64, self.inst.start, 0i64);
        for k in 0..m {
            let st = self.inst.stops[self.order[k]];
            let leg = self.t(at, st.node);
            travel += leg;
            time = (time + leg).max(i64::from(st.open_s)) + i64::from(st.service_s);
            self.dep.push(time);
            at = st.node;
        }
        self.travel = travel + self.t(at, self.inst.end);
        self.latest.clear();
        self.latest.resize(m + 1, 0);
        self.latest[m] = i64::from(self.inst.shift_end_s);
        for k in (0..m).rev() {
            let st = self.inst.stops[self.order[k]];
            let next = self.next_node(k + 1);
            let by_next = self.latest[k + 1] - self.t(st.node, next) - i64::from(st.service_s);
            self.latest[k] = by_next.min(i64::from(st.close_s));
        }
    }

    /// Extra travel for inserting `s` at position `pos`, or `None` if infeasible.
    pub(super) fn insertion(&self, s: usize, pos: usize) -> Option<i64> {
        let st = self.inst.stops[s];
        let a = self.prev_node(pos);
        let b = self.next_node(pos);
        let dep_a = if pos == 0 { 0 } else { self.dep[pos - 1] };
        let arr = dep_a + self.t(a, st.node);
        if arr > i64::from(st.close_s) {
            return None;
        }
        let dep = arr.max(i64::from(st.open_s)) + i64::from(st.service_s);
        let arr_b = dep + self.t(st.node, b);
        if arr_b > self.latest[pos] {
            return None;
        }
        Some(self.t(a, st.node) + self.t(st.node, b) - self.t(a, b))
    }

    /// The cheapest feasible insertion of `s`; with `rng`, positions are skipped now and
    /// then ("blinks") and sometimes the cost is randomised, for diversity.
    pub(super) fn best_insertion(&self, s: usize, rng: Option<&mut Rng>) -> Option<(i64, usize)> {
        let mut best: Option<(i64, usize)> = None;
        let mut rng = rng;
        let noisy = rng.as_deref_mut().is_some_and(|r| r.below(4) == 0);
        for pos in 0..=self.order.len() {
            if let Some(r) = rng.as_deref_mut()
                && r.below(50) == 0
            {
                continue;
            }
            if let Some(mut c) = self.insertion(s, pos) {
                if noisy && let Some(r) = rng.as_deref_mut() {
                    c += i64::try_from(r.below(600)).unwrap_or(0);
                }
                if best.is_none_or(|(bc, _)| c < bc) {
                    best = Some((c, pos));
                }
            }
        }
        best
    }

    pub(super) fn insert(&mut self, s: usize, pos: usize) {
        self.order.insert(pos, s);
        self.served[s] = true;
        self.refresh();
    }

    pub(super) fn remove_at(&mut self, pos: usize) -> usize {
        let s = self.order.remove(pos);
        self.served[s] = false;
        s
    }

    pub(super) fn objective(&self) -> i64 {
        let pen: u64 = (0..self.inst.stops.len())
            .filter(|&i| !self.served[i])
            .map(|i| self.inst.stops[i].penalty)
            .sum();
        self.travel
            .saturating_add(i64::try_from(pen).unwrap_or(i64::MAX / 4))
    }

    pub(super) fn unserved(&self) -> Vec<usize> {
        (0..self.inst.stops.len())
            .filter(|&i| !self.served[i])
            .collect()
    }

    /// Insert unserved stops, highest penalty first (ties in `rng` order, or by index).
    pub(super) fn recreate(&mut self, mut rng: Option<&mut Rng>) {
        let mut todo = self.unserved();
        if let Some(r) = rng.as_deref_mut() {
            r.shuffle(&mut todo);
        }
        todo.sort_by_key(|&s| std::cmp::Reverse(self.inst.stops[s].penalty));
        for s in todo {
            if let Some((_, pos)) = self.best_insertion(s, rng.as_deref_mut()) {
                self.insert(s, pos);
            }
        }
    }

    /// Whether `order` is feasible, and its travel if so (full O(n) pass).
    pub(super) fn eval(&self, order: &[usize]) -> Option<i64> {
        let (mut time, mut at, mut travel) = (0i64, self.inst.start, 0i64);
        for &s in order {
            let st = self.inst.stops[s];
            let leg = self.t(at, st.node);
            let arr = time + leg;
            if arr > i64::from(st.close_s) {
                return None;
            }
            travel += leg;
            if travel >= self.travel {
                return None;
            }
            time = arr.max(i64::from(st.open_s)) + i64::from(st.service_s);
            at = st.node;
        }
        let leg = self.t(at, self.inst.end);
        if time + leg > i64::from(self.inst.shift_end_s) {
            return None;
        }
        Some(travel + leg)
    }

    /// Adopt `cand` if it is feasible and walks less (callers pre-filter with an O(1) delta).
    pub(super) fn try_order(&mut self, cand: &[usize]) -> bool {
        match self.eval(cand) {
            Some(tr) if tr < self.travel => {
                self.order.clear();
                self.order.extend_from_slice(cand);
                self.refresh();
                true
            }
            _ => false,
        }
    }

    /// Node at position `q` of the order with the segment `[i, i+len)` taken out.
    pub(super) fn rest_node(&self, q: usize, i: usize, len: usize) -> usize {
        self.node(if q < i { q } else { q + len })
    }

    /// One pass of intra-route moves (first improvement); true if anything improved.
    /// Each move's travel change is computed in O(1); only improving ones are checked for
    /// feasibility in O(n).
    pub(super) fn intra_pass(&mut self, buf: &mut Vec<usize>) -> bool {
        let m = self.order.len();
        let (st, en) = (self.inst.start, self.inst.end);
        // Or-opt: move a segment of 1..=3 stops (relocate is length 1), as is or reversed.
        for len in 1..=3.min(m) {
            for i in 0..=m - len {
                let p = self.prev_node(i);
                let nx = self.next_node(i + len);
                let (f, l) = (self.node(i), self.node(i + len - 1));
                let int_fwd: i64 = (i..i + len - 1)
                    .map(|q| self.t(self.node(q), self.node(q + 1)))
                    .sum();
                let int_rev: i64 = (i..i + len - 1)
                    .map(|q| self.t(self.node(q + 1), self.node(q)))
                    .sum();
                let removed = self.t(p, nx) - self.t(p, f) - self.t(l, nx);
                let rest_len = m - len;
                for j in 0..=rest_len {
                    if j == i {
                        continue;
                    }
                    let a = if j == 0 {
                        st
                    } else {
                        self.rest_node(j - 1, i, len)
                    };
                    let b = if j == rest_len {
                        en
                    } else {
                        self.rest_node(j, i, len)
                    };
                    for rev in [false, true] {
                        if rev && len == 1 {
                            continue;
                        }
                        let (f2, l2, int) = if rev {
                            (l, f, int_rev)
                        } else {
                            (f, l, int_fwd)
                        };
                        let delta =
                            removed + self.t(a, f2) + self.t(l2, b) - self.t(a, b) + int - int_fwd;
                        if delta >= 0 {
                            continue;
                        }
                        buf.clear();
                        let rest =
                            (0..rest_len).map(|q| self.order[if q < i { q } else { q + len }]);
                        let seg = &self.order[i..i + len];
                        buf.extend(rest.clone().take(j));
                        if rev {
                            buf.extend(seg.iter().rev());
                        } else {
                            buf.extend(seg.iter());
                        }
                        buf.extend(rest.skip(j));
                        if self.try_order(buf) {
                            return true;
                        }
                    }
                }
            }
        }
        // 2-opt: reverse positions [i, j).
        let mut fwd = vec![0i64; m + 1];
        let mut bwd = vec![0i64; m + 1];
        for q in 1..m {
            fwd[q] = fwd[q - 1] + self.t(self.node(q - 1), self.node(q));
            bwd[q] = bwd[q - 1] + self.t(self.node(q), self.node(q - 1));
        }
        for i in 0..m {
            let p = self.prev_node(i);
            for j in i + 2..=m {
                let nx = self.next_node(j);
                let (a, b) = (self.node(i), self.node(j - 1));
                let delta = self.t(p, b) + self.t(a, nx) - self.t(p, a) - self.t(b, nx)
                    + (bwd[j - 1] - bwd[i])
                    - (fwd[j - 1] - fwd[i]);
                if delta >= 0 {
                    continue;
                }
                buf.clear();
                buf.extend_from_slice(&self.order);
                buf[i..j].reverse();
                if self.try_order(buf) {
                    return true;
                }
            }
        }
        // Exchange two stops.
        for i in 0..m {
            for j in i + 1..m {
                let (pi, a, ni) = (self.prev_node(i), self.node(i), self.next_node(i + 1));
                let (pj, b, nj) = (self.prev_node(j), self.node(j), self.next_node(j + 1));
                let delta = if j == i + 1 {
                    self.t(pi, b) + self.t(b, a) + self.t(a, nj)
                        - self.t(pi, a)
                        - self.t(a, b)
                        - self.t(b, nj)
                } else {
                    self.t(pi, b) + self.t(b, ni) + self.t(pj, a) + self.t(a, nj)
                        - self.t(pi, a)
                        - self.t(a, ni)
                        - self.t(pj, b)
                        - self.t(b, nj)
                };
                if delta >= 0 {
                    continue;
                }
                buf.clear();
                buf.extend_from_slice(&self.order);
                buf.swap(i, j);
                if self.try_order(buf) {
                    return true;
                }
            }
        }
        false
    }

    /// Insert any unserved stop that fits; then replace a served stop by an unserved one
    /// when that lowers the objective. True if anything improved.
    pub(super) fn inter_pass(&mut self) -> bool {
        let mut improved = false;
        for s in self.unserved() {
            if let Some((_, pos)) = self.best_insertion(s, None) {
                self.insert(s, pos);
                improved = true;
            }
        }
        let unserved = self.unserved();
        if unserved.is_empty() {
            return improved;
        }
        let max_unserved_pen = unserved
            .iter()
            .map(|&s| self.inst.stops[s].penalty)
            .max()
            .unwrap_or(0);
        for k in 0..self.order.len() {
            let out = self.order[k];
            let pen_out = self.inst.stops[out].penalty;
            if pen_out > max_unserved_pen {
                continue;
            }
            let mut without = self.clone();
            without.remove_at(k);
            without.refresh();
            for &s in &unserved {
                let pen_in = self.inst.stops[s].penalty;
                if pen_in < pen_out {
                    continue;
                }
                if let Some((c, pos)) = without.best_insertion(s, None) {
                    // objective change = travel change + penalty(out) − penalty(in)
                    let gain = i128::from(self.travel) - i128::from(without.travel + c)
                        + i128::from(pen_in)
                        - i128::from(pen_out);
                    if gain > 0 {
                        without.insert(s, pos);
                        *self = without;
                        return true;
                    }
                }
            }
        }
        improved
    }

    pub(super) fn local_search(&mut self) {
        let mut buf = Vec::with_capacity(self.order.len() + 1);
        for _ in 0..10_000 {
            if !(self.inter_pass() | self.intra_pass(&mut buf)) {
                break;
            }
        }
    }

    /// Remove some stops: a run of consecutive ones, or a seed stop and its nearest neighbours.
    pub(super) fn ruin(&mut self, rng: &mut Rng, max: usize) {
        let m = self.order.len();
        if m == 0 {
            return;
        }
        let k = 1 + rng.below(max.min(m));
        if rng.below(2) == 0 {
            let i = rng.below(m - k + 1);
            for _ in 0..k {
                self.remove_at(i);
            }
        } else {
            let seed = self.node(rng.below(m));
            let mut by_dist: Vec<(i64, usize)> = (0..m)
                .map(|p| (self.t(seed, self.node(p)) + self.t(self.node(p), seed), p))
                .collect();
            by_dist.sort_unstable();
            let mut drop: Vec<usize> = by_dist.iter().take(k).map(|&(_, p)| p).collect();
            drop.sort_unstable_by(|a, b| b.cmp(a));
            for p in drop {
                self.remove_at(p);
            }
        }
        self.refresh();
    }
}
