//! The abstract problem every solver works on: *points* (vertices of a local graph, or nodes of a
//! matrix), a symmetric travel-time metric between them, and *tasks* to serve (an edge walked
//! from one end to the other, or a stop at one point), each with a service time and a value.
//!
//! A route is a sequence of tasks, each in a direction, joined by shortest connections; it
//! starts at `start` and ends at `end`. Its cost is the connections plus the service times.

/// A task: serve it by going from `a` to `b` (or from `b` to `a`) in `service` seconds.
/// A stop (or a node of a matrix instance) has `a == b`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Task {
    pub a: u32,
    pub b: u32,
    pub service: f64,
    pub value: f64,
}

/// Travel times between points. Implementations are symmetric: `d(a, b) == d(b, a)`.
pub(crate) trait Metric {
    /// Make distances from `p` available (a shortest-path row, for a graph).
    fn ensure(&mut self, p: u32);
    /// Travel time between `a` and `b`; one of them must have been [`Metric::ensure`]d.
    fn d(&self, a: u32, b: u32) -> f64;
    /// Call `f` with every point within `radius` of `x` (`x` ensured), nearest first.
    fn near(&self, x: u32, radius: f64, f: &mut dyn FnMut(u32));
    /// Tasks walked over, in order and with their direction, by the connection from `x` to
    /// `y` (`x` ensured). Only graphs have any.
    fn connector_tasks(&self, _x: u32, _y: u32, _out: &mut Vec<(u32, bool)>) {}
}

/// The instance: tasks, ends and budget.
#[derive(Clone, Debug)]
pub(crate) struct Instance {
    pub tasks: Vec<Task>,
    pub start: u32,
    pub end: u32,
    pub budget: f64,
}

/// A step of a route: a task index and whether it is served from `b` to `a`.
pub(crate) type Step = (u32, bool);

/// A route and its cached cost (seconds) and value.
#[derive(Clone, Debug, Default)]
pub(crate) struct Route {
    pub seq: Vec<Step>,
    pub cost: f64,
    pub value: f64,
}

impl Instance {
    /// Entry and exit point of a step.
    #[inline]
    pub fn ends(&self, (t, rev): Step) -> (u32, u32) {
        let k = &self.tasks[t as usize];
        if rev { (k.b, k.a) } else { (k.a, k.b) }
    }

    /// The point before gap `g` (0 = before the first step).
    #[inline]
    pub fn before(&self, r: &[Step], g: usize) -> u32 {
        if g == 0 {
            self.start
        } else {
            self.ends(r[g - 1]).1
        }
    }

    /// The point after gap `g` (`r.len()` = after the last step).
    #[inline]
    pub fn after(&self, r: &[Step], g: usize) -> u32 {
        if g == r.len() {
            self.end
        } else {
            self.ends(r[g]).0
        }
    }

    /// Cost and value of a sequence (every step's points must be ensured).
    pub fn eval(&self, m: &impl Metric, seq: &[Step]) -> (f64, f64) {
        let mut at = self.start;
        let (mut cost, mut value) = (0.0, 0.0);
        for &s in seq {
            let (a, b) = self.ends(s);
            let k = &self.tasks[s.0 as usize];
            cost += m.d(at, a) + k.service;
            value += k.value;
            at = b;
        }
        (cost + m.d(at, self.end), value)
    }

    /// A route from a sequence, with cost and value recomputed.
    pub fn route(&self, m: &impl Metric, seq: Vec<Step>) -> Route {
        let (cost, value) = self.eval(m, &seq);
        Route { seq, cost, value }
    }

    /// Whether a task fits in some route on its own: start → task → end within budget.
    pub fn usable(&self, m: &impl Metric, t: u32) -> bool {
        let k = &self.tasks[t as usize];
        let fwd = m.d(self.start, k.a) + k.service + m.d(k.b, self.end);
        let bwd = m.d(self.start, k.b) + k.service + m.d(k.a, self.end);
        fwd.min(bwd) <= self.budget
    }
}

/// Fractional-knapsack bound: the most value items `(value, weight)` can give within
/// `capacity`, taking fractions. Items of zero weight count in full. O(n log n).
pub(crate) fn knapsack_bound(items: impl IntoIterator<Item = (f64, f64)>, capacity: f64) -> f64 {
    let mut items: Vec<(f64, f64)> = items.into_iter().filter(|&(v, _)| v > 0.0).collect();
    let ratio = |(v, w): (f64, f64)| if w > 0.0 { v / w } else { f64::INFINITY };
    items.sort_by(|&x, &y| ratio(y).total_cmp(&ratio(x)));
    let (mut left, mut total) = (capacity.max(0.0), 0.0);
    for (v, w) in items {
        if w <= left {
            total += v;
            left -= w;
        } else {
            total += v * left / w;
            break;
        }
    }
    total
}

/// Order routes: more value first, then less cost.
pub(crate) fn better(x: &Route, y: &Route) -> bool {
    x.value > y.value + 1e-9 || (x.value >= y.value - 1e-9 && x.cost < y.cost - 1e-9)
}

#[cfg(test)]
mod tests {
    use super::knapsack_bound;

    #[test]
    fn knapsack_takes_best_ratio_first_then_a_fraction() {
        // ratios 3, 2, 1; capacity 3: all of the first (w 1), all of the second (w 1), half of third.
        let b = knapsack_bound([(2.0, 2.0), (3.0, 1.0), (2.0, 1.0)], 3.0);
        assert!((b - 6.0).abs() < 1e-12);
        assert!((knapsack_bound([(5.0, 0.0), (1.0, 10.0)], 0.0) - 5.0).abs() < 1e-12);
        assert!(knapsack_bound([], 10.0).abs() < 1e-12);
    }
}
