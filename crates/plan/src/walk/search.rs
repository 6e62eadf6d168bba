//! The heuristic: greedy best value-per-time insertion, then a seeded large-neighbourhood
//! search (remove a block of consecutive tasks or random tasks, 2-opt the sequence, re-insert
//! greedily, take the tasks walked over by connections for free), keeping the best route.
//!
//! Complexity per iteration: at worst O(C · L) for the insertion (C usable tasks, L route
//! length; only tasks within reach of a gap are offered it, see `scan`), O(L · W) per windowed
//! 2-opt pass (W = 40), plus one shortest-path row per new route point (cached).

use super::core::{Instance, Metric, Route, Step, better};
use std::collections::HashSet;

pub use super::options::SearchOptions;
pub(crate) use super::options::SplitMix;

/// An unordered pair of points as one key.
fn pair(x: u32, y: u32) -> u64 {
    (u64::from(x.min(y)) << 32) | u64::from(x.max(y))
}

/// Routes shorter than this are always repaired with every gap offered.
const FULL_SCAN_BELOW: usize = 40;

/// Longest block 2-opt reverses inside the search (a full 2-opt runs before and after it).
const WINDOW: usize = 40;

#[derive(Clone, Copy)]
struct Ins {
    delta: f64,
    gap: usize,
    rev: bool,
}

const NONE: Ins = Ins {
    delta: f64::INFINITY,
    gap: usize::MAX,
    rev: false,
};
const NO: u32 = u32::MAX;

/// The search state over one instance.
pub(crate) struct Solver<'a, M: Metric> {
    inst: &'a Instance,
    m: &'a mut M,
    cand: Vec<u32>,
    in_route: Vec<bool>,
    buf: Vec<(u32, bool)>,
    /// Candidate tasks by point (CSR: `inc[inc_at[p]..inc_at[p + 1]]`).
    inc_at: Vec<u32>,
    inc: Vec<u32>,
}

impl<'a, M: Metric> Solver<'a, M> {
    pub fn new(inst: &'a Instance, m: &'a mut M) -> Self {
        m.ensure(inst.start);
        m.ensure(inst.end);
        let cand = (0..inst.tasks.len() as u32)
            .filter(|&t| inst.tasks[t as usize].value > 0.0 && inst.usable(m, t))
            .collect();
        let points = inst
            .tasks
            .iter()
            .map(|k| k.a.max(k.b) as usize + 1)
            .chain([inst.start as usize + 1, inst.end as usize + 1])
            .max()
            .unwrap_or(0);
        let mut inc_at = vec![0u32; points + 1];
        let ends = |t: &u32| {
            let k = &inst.tasks[*t as usize];
            if k.a == k.b {
                vec![k.a]
            } else {
                vec![k.a, k.b]
            }
        };
        for t in &cand {
            for p in ends(t) {
                inc_at[p as usize + 1] += 1;
            }
        }
        for p in 0..points {
            inc_at[p + 1] += inc_at[p];
        }
        let mut fill = inc_at.clone();
        let mut inc = vec![0u32; inc_at[points] as usize];
        for t in &cand {
            for p in ends(t) {
                inc[fill[p as usize] as usize] = *t;
                fill[p as usize] += 1;
            }
        }
        Self {
            inst,
            m,
            cand,
            in_route: vec![false; inst.tasks.len()],
            buf: Vec::new(),
            inc_at,
            inc,
        }
    }

    /// The empty route.
    pub fn empty(&self) -> Route {
        self.inst.route(&*self.m, Vec::new())
    }

    /// Usable tasks (positive value, fit alone in the budget).
    pub fn candidates(&self) -> &[u32] {
        &self.cand
    }

    fn mark(&mut self, r: &Route) {
        self.in_route.fill(false);
        for &(t, _) in &r.seq {
            self.in_route[t as usize] = true;
        }
    }

    fn ensure_step(&mut self, s: Step) {
        let (a, b) = self.inst.ends(s);
        self.m.ensure(a);
        self.m.ensure(b);
    }

    #[inline]
    fn at_gap(&self, t: u32, x: u32, y: u32, base: f64) -> (f64, bool) {
        let k = &self.inst.tasks[t as usize];
        let fwd = self.m.d(x, k.a) + k.service + self.m.d(y, k.b) - base;
        if k.a == k.b {
            return (fwd, false);
        }
        let bwd = self.m.d(x, k.b) + k.service + self.m.d(y, k.a) - base;
        if bwd < fwd { (bwd, true) } else { (fwd, false) }
    }

    fn best_over(&self, t: u32, gaps: &[(u32, u32, f64)]) -> Ins {
        let mut best = NONE;
        for (g, &(x, y, base)) in gaps.iter().enumerate() {
            let (delta, rev) = self.at_gap(t, x, y, base);
            if delta < best.delta {
                best = Ins { delta, gap: g, rev };
            }
        }
        best
    }

    /// Offer the gap `g` = (x, y, base = d(x, y)) to every free task with an end within
    /// `slack / 2 + base` of x: no other task fits there within `slack`, as inserting a task
    /// entered at `a` adds at least d(x,a) + d(a,y) − d(x,y) ≥ 2·d(x,a) − 2·base.
    fn scan(&self, best: &mut [Ins], pos: &[u32], g: usize, gap: (u32, u32, f64), slack: f64) {
        let (x, y, base) = gap;
        self.m.near(x, 0.5 * slack + base + 1e-9, &mut |v| {
            let Some(r) = self.inc_at.get(v as usize..v as usize + 2) else {
                return;
            };
            for &t in &self.inc[r[0] as usize..r[1] as usize] {
                let i = pos[t as usize];
                if i == NO {
                    continue;
                }
                let (delta, rev) = self.at_gap(t, x, y, base);
                if delta < best[i as usize].delta {
                    best[i as usize] = Ins { delta, gap: g, rev };
                }
            }
        });
    }

    fn gaps(&self, seq: &[Step]) -> Vec<(u32, u32, f64)> {
        (0..=seq.len())
            .map(|g| {
                let (x, y) = (self.inst.before(seq, g), self.inst.after(seq, g));
                (x, y, self.m.d(x, y))
            })
            .collect()
    }

    /// Greedy insertion of free usable tasks by best value per added second until nothing fits.
    /// With a generator, the score is randomised a little (value^1 / delta^alpha with a random
    /// alpha, times a random factor per task) to diversify the search.
    /// Tasks marked in `tabu` are not inserted (they may still be walked over and absorbed).
    /// With `known` gaps (point pairs of the route before it was ruined), only the other gaps
    /// are offered at first: the known ones had no room before (an approximation: the time
    /// the ruin freed could make room there too; the final full repair catches those).
    pub fn repair(
        &mut self,
        r: &mut Route,
        rng: Option<&mut SplitMix>,
        tabu: &[u32],
        known: Option<&HashSet<u64>>,
    ) {
        self.mark(r);
        for &t in tabu {
            self.in_route[t as usize] = true;
        }
        let mut free: Vec<u32> = self
            .cand
            .iter()
            .copied()
            .filter(|&t| !self.in_route[t as usize])
            .collect();
        let mut gaps = self.gaps(&r.seq);
        let mut pos = vec![NO; self.inst.tasks.len()];
        for (i, &t) in free.iter().enumerate() {
            pos[t as usize] = i as u32;
        }
        let mut best = vec![NONE; free.len()];
        let slack = self.inst.budget - r.cost;
        for (g, &gap) in gaps.iter().enumerate() {
            if known.is_none_or(|k| !k.contains(&pair(gap.0, gap.1))) {
                self.scan(&mut best, &pos, g, gap, slack);
            }
        }
        let mut random_first = None;
        let (alpha, mut noise) = match rng {
            None => (1.0_f64, Vec::new()),
            Some(rng) => {
                if rng.unit() < 0.3 {
                    random_first = Some(rng.next_u64());
                }
                let alpha: f64 = [0.0, 0.5, 1.0, 1.0, 1.5, 2.0][rng.below(6)];
                let amp = [0.1, 0.3, 1.0][rng.below(3)];
                (alpha, free.iter().map(|_| 1.0 + amp * rng.unit()).collect())
            }
        };
        loop {
            let slack = self.inst.budget - r.cost;
            let mut pick: Option<usize> = None;
            let mut top = f64::NEG_INFINITY;
            for (i, b) in best.iter().enumerate() {
                if b.delta <= slack + 1e-9 {
                    let d = b.delta.max(1e-6);
                    let d = if (alpha - 1.0).abs() < 1e-12 {
                        d
                    } else {
                        d.powf(alpha)
                    };
                    let mut score = self.inst.tasks[free[i] as usize].value / d;
                    if let Some(f) = noise.get(i) {
                        score *= f;
                    }
                    if score > top {
                        top = score;
                        pick = Some(i);
                    }
                }
            }
            if let Some(u) = random_first.take() {
                let fits: Vec<usize> = (0..best.len())
                    .filter(|&i| best[i].delta <= slack + 1e-9)
                    .collect();
                if !fits.is_empty() {
                    pick = Some(fits[(u % fits.len() as u64) as usize]);
                }
            }
            let Some(i) = pick else { break };
            let t = free.swap_remove(i);
            let ins = best.swap_remove(i);
            pos[t as usize] = NO;
            if let Some(&moved) = free.get(i) {
                pos[moved as usize] = i as u32;
            }
            if !noise.is_empty() {
                noise.swap_remove(i);
            }
            let step = (t, ins.rev);
            self.ensure_step(step);
            r.seq.insert(ins.gap, step);
            r.cost += ins.delta;
            r.value += self.inst.tasks[t as usize].value;
            self.in_route[t as usize] = true;
            let g = ins.gap;
            let (a, b) = self.inst.ends(step);
            let (x, _, _) = gaps[g];
            let (_, y, _) = gaps[g];
            gaps[g] = (x, a, self.m.d(x, a));
            gaps.insert(g + 1, (b, y, self.m.d(y, b)));
            for j in 0..free.len() {
                if best[j].gap == g {
                    best[j] = self.best_over(free[j], &gaps);
                } else if best[j].gap > g && best[j].gap != usize::MAX {
                    best[j].gap += 1;
                }
            }
            let slack = self.inst.budget - r.cost;
            for ng in [g, g + 1] {
                self.scan(&mut best, &pos, ng, gaps[ng], slack);
            }
        }
        *r = self.inst.route(&*self.m, std::mem::take(&mut r.seq));
        self.mark(r);
    }

    /// 2-opt on the sequence of tasks (reversing a block also flips each task's direction),
    /// first improvement, blocks of at most `window` tasks, until no move shortens the route.
    pub fn two_opt(&mut self, r: &mut Route, window: usize) {
        let n = r.seq.len();
        for _ in 0..20 {
            let mut improved = false;
            for i in 0..n {
                let p = self.inst.before(&r.seq, i);
                for j in i..n.min(i.saturating_add(window)) {
                    let si = self.inst.ends(r.seq[i]).0;
                    let ej = self.inst.ends(r.seq[j]).1;
                    let q = self.inst.after(&r.seq, j + 1);
                    let delta =
                        self.m.d(p, ej) + self.m.d(q, si) - self.m.d(p, si) - self.m.d(q, ej);
                    if delta < -1e-7 {
                        r.seq[i..=j].reverse();
                        for s in &mut r.seq[i..=j] {
                            s.1 = !s.1;
                        }
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
        *r = self.inst.route(&*self.m, std::mem::take(&mut r.seq));
    }

    /// Put the tasks that connections walk over into the route where they are walked (the
    /// cost does not change; the value grows).
    pub fn absorb(&mut self, r: &mut Route) {
        self.mark(r);
        let mut out = Vec::with_capacity(r.seq.len());
        let mut at = self.inst.start;
        for g in 0..=r.seq.len() {
            let y = self.inst.after(&r.seq, g);
            self.buf.clear();
            self.m.connector_tasks(at, y, &mut self.buf);
            for k in 0..self.buf.len() {
                let s = self.buf[k];
                if !self.in_route[s.0 as usize] {
                    self.in_route[s.0 as usize] = true;
                    self.ensure_step(s);
                    out.push(s);
                }
            }
            if let Some(&s) = r.seq.get(g) {
                out.push(s);
                at = self.inst.ends(s).1;
            }
        }
        if out.len() != r.seq.len() {
            *r = self.inst.route(&*self.m, out);
        }
    }

    /// Remove a block of consecutive tasks (or a few random ones); returns the removed tasks.
    fn ruin(&mut self, r: &mut Route, rng: &mut SplitMix, max_block: usize) -> Vec<u32> {
        let n = r.seq.len();
        if n == 0 {
            return Vec::new();
        }
        let q = 1 + rng.below(max_block.min(n));
        let u = rng.unit();
        let removed: Vec<u32> = if u < 0.05 {
            r.seq.drain(..).map(|s| s.0).collect()
        } else if u < 0.7 {
            let pos = rng.below(n - q + 1);
            r.seq.drain(pos..pos + q).map(|s| s.0).collect()
        } else {
            (0..q)
                .map(|_| r.seq.remove(rng.below(r.seq.len())).0)
                .collect()
        };
        *r = self.inst.route(&*self.m, std::mem::take(&mut r.seq));
        removed
    }

    /// Greedy construction, then the large-neighbourhood search; the best route found.
    pub fn run(&mut self, seed: u64, opts: &SearchOptions) -> Route {
        let mut cur = self.empty();
        self.repair(&mut cur, None, &[], None);
        self.two_opt(&mut cur, usize::MAX);
        self.repair(&mut cur, None, &[], None);
        self.absorb(&mut cur);
        let mut best = cur.clone();
        let mut rng = SplitMix::new(seed);
        let iters = opts.iterations;
        let mut known = HashSet::new();
        for it in 0..iters {
            let mut c = cur.clone();
            known.clear();
            known.extend(
                (0..=c.seq.len())
                    .map(|g| pair(self.inst.before(&c.seq, g), self.inst.after(&c.seq, g))),
            );
            let removed = self.ruin(&mut c, &mut rng, opts.max_block.max(1));
            let tabu = if rng.unit() < 0.5 { &removed[..] } else { &[] };
            self.two_opt(&mut c, WINDOW);
            let full = c.seq.len() < FULL_SCAN_BELOW || rng.unit() < opts.full_scan;
            self.repair(&mut c, Some(&mut rng), tabu, (!full).then_some(&known));
            self.absorb(&mut c);
            #[allow(clippy::cast_precision_loss)]
            let thr = opts.threshold * (1.0 - it as f64 / iters as f64);
            if c.value >= cur.value * (1.0 - thr) || better(&c, &cur) {
                cur = c;
            }
            if better(&cur, &best) {
                best = cur.clone();
            }
        }
        self.two_opt(&mut best, usize::MAX);
        self.repair(&mut best, None, &[], None);
        self.absorb(&mut best);
        best
    }
}
