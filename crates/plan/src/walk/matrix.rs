//! Orienteering on a complete travel-time matrix (the form OR-Tools and the peers' instances
//! use): visiting node `k` collects `prize[k]`; a closed tour from node 0 whose travel fits the
//! budget. The same heuristic as on the graph, with every node a task of zero service time.

use super::core::{Instance, Metric, Task, knapsack_bound};
use super::problem::WalkError;
use super::search::{SearchOptions, Solver};
use serde::{Deserialize, Serialize};

/// An orienteering instance on a complete matrix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatrixProblem {
    /// Travel times, seconds: `matrix_s[i][j]` from node `i` to node `j`; node 0 is the start.
    /// Must be square and symmetric; entries above the budget mean "out of reach".
    pub matrix_s: Vec<Vec<f64>>,
    /// Prize of every node (the start's is ignored).
    pub prize: Vec<f64>,
    /// Travel budget, seconds.
    pub budget_s: f64,
    /// Seed of the local search.
    pub seed: u64,
}

/// A closed tour from node 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MatrixTour {
    /// Nodes visited in order (node 0 excluded at both ends).
    pub order: Vec<usize>,
    /// Travel time recomputed from the matrix, seconds.
    pub travel_s: f64,
    /// Prize collected.
    pub prize: f64,
    /// Upper bound on the optimum prize: a fractional knapsack where each node weighs half of
    /// its cheapest way in plus half of its cheapest way out (a tour pays at least that at every
    /// node it visits), with capacity the budget less the start's own weight.
    pub bound: f64,
}

struct Matrix {
    n: usize,
    d: Vec<f64>,
    /// Per node, once ensured: all nodes by increasing travel time from it.
    order: Vec<Vec<u32>>,
}

impl Metric for Matrix {
    fn ensure(&mut self, p: u32) {
        let p = p as usize;
        if !self.order[p].is_empty() {
            return;
        }
        let row = &self.d[p * self.n..(p + 1) * self.n];
        let mut o: Vec<u32> = (0..self.n as u32).collect();
        o.sort_by(|&a, &b| row[a as usize].total_cmp(&row[b as usize]).then(a.cmp(&b)));
        self.order[p] = o;
    }
    fn near(&self, x: u32, radius: f64, f: &mut dyn FnMut(u32)) {
        let row = &self.d[x as usize * self.n..];
        for &v in &self.order[x as usize] {
            if row[v as usize] > radius {
                break;
            }
            f(v);
        }
    }
    #[inline]
    fn d(&self, a: u32, b: u32) -> f64 {
        self.d[a as usize * self.n + b as usize]
    }
}

/// Travel time of a closed tour from node 0 through `order`, from the matrix.
#[must_use]
pub fn tour_travel_s(matrix_s: &[Vec<f64>], order: &[usize]) -> f64 {
    let mut at = 0;
    let mut t = 0.0;
    for &k in order.iter().chain(std::iter::once(&0)) {
        t += matrix_s
            .get(at)
            .and_then(|r| r.get(k))
            .copied()
            .unwrap_or(f64::INFINITY);
        at = k;
    }
    t
}

/// Solve with default [`SearchOptions`]. See [`solve_matrix_with`].
///
/// # Errors
/// As [`solve_matrix_with`].
pub fn solve_matrix(p: &MatrixProblem) -> Result<MatrixTour, WalkError> {
    solve_matrix_with(p, &SearchOptions::default())
}

/// Solve an orienteering instance: greedy insertion by prize per added second, then the seeded
/// ruin-and-recreate search with 2-opt.
///
/// Complexity: O(n²) to copy the matrix, then per iteration O(n · L + L²) for L visited nodes.
///
/// # Errors
/// [`WalkError::BadMatrix`] when the matrix is not square, not symmetric, has negative or NaN
/// entries or does not match the prizes; [`WalkError::BadBudget`] for a budget that is not
/// positive.
pub fn solve_matrix_with(p: &MatrixProblem, opts: &SearchOptions) -> Result<MatrixTour, WalkError> {
    let n = p.matrix_s.len();
    if n == 0 || p.prize.len() != n {
        return Err(WalkError::BadMatrix(format!(
            "{n} matrix rows but {} prizes (need the same, at least 1)",
            p.prize.len()
        )));
    }
    if p.budget_s.is_nan() || p.budget_s <= 0.0 {
        return Err(WalkError::BadBudget {
            budget_s: p.budget_s,
        });
    }
    let mut d = Vec::with_capacity(n * n);
    for (i, row) in p.matrix_s.iter().enumerate() {
        if row.len() != n {
            return Err(WalkError::BadMatrix(format!(
                "row {i} has {} entries, not {n}",
                row.len()
            )));
        }
        for (j, &x) in row.iter().enumerate() {
            if x.is_nan() || x < 0.0 || x != p.matrix_s[j][i] {
                return Err(WalkError::BadMatrix(format!(
                    "entry [{i}][{j}] = {x} is negative, NaN or differs from [{j}][{i}]"
                )));
            }
        }
        d.extend_from_slice(row);
    }
    for (k, &v) in p.prize.iter().enumerate() {
        if !v.is_finite() || v < 0.0 {
            return Err(WalkError::BadMatrix(format!("prize of node {k} is {v}")));
        }
    }
    let mut m = Matrix {
        n,
        d,
        order: vec![Vec::new(); n],
    };
    let tasks: Vec<Task> = (1..n as u32)
        .map(|k| Task {
            a: k,
            b: k,
            service: 0.0,
            value: p.prize[k as usize],
        })
        .collect();
    let inst = Instance {
        tasks,
        start: 0,
        end: 0,
        budget: p.budget_s,
    };
    let (route, usable) = {
        let mut s = Solver::new(&inst, &mut m);
        let usable = s.candidates().to_vec();
        (s.run(p.seed, opts), usable)
    };
    let weight = |k: usize| -> f64 {
        let best = |it: &mut dyn Iterator<Item = f64>| it.fold(f64::INFINITY, f64::min);
        let din = best(&mut (0..n).filter(|&j| j != k).map(|j| m.d[j * n + k]));
        let dout = best(&mut (0..n).filter(|&j| j != k).map(|j| m.d[k * n + j]));
        if din.is_finite() {
            (din + dout) / 2.0
        } else {
            0.0
        }
    };
    let bound = knapsack_bound(
        usable.iter().map(|&t| {
            let k = t as usize + 1;
            (p.prize[k], weight(k))
        }),
        p.budget_s - weight(0),
    );
    let order: Vec<usize> = route.seq.iter().map(|&(t, _)| t as usize + 1).collect();
    let prize = order.iter().map(|&k| p.prize[k]).sum();
    Ok(MatrixTour {
        travel_s: tour_travel_s(&p.matrix_s, &order),
        order,
        prize,
        bound,
    })
}
