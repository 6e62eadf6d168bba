//! The matrix (orienteering) form against brute force on tiny instances; bad matrices.

use super::*;

/// Best prize of a closed tour from node 0 by trying every ordered subset (n ≤ 8).
fn brute(m: &[Vec<f64>], prize: &[f64], budget: f64) -> f64 {
    #[allow(clippy::too_many_arguments)] // a plain recursive enumeration
    fn go(
        m: &[Vec<f64>],
        prize: &[f64],
        budget: f64,
        at: usize,
        used: u32,
        t: f64,
        v: f64,
        best: &mut f64,
    ) {
        if t + m[at][0] <= budget && v > *best {
            *best = v;
        }
        for k in 1..m.len() {
            if used & (1 << k) == 0 && t + m[at][k] <= budget {
                go(
                    m,
                    prize,
                    budget,
                    k,
                    used | (1 << k),
                    t + m[at][k],
                    v + prize[k],
                    best,
                );
            }
        }
    }
    let mut best = 0.0;
    go(m, prize, budget, 0, 1, 0.0, 0.0, &mut best);
    best
}

#[test]
fn matrix_solver_matches_brute_force_on_tiny_instances() {
    let mut rng = SplitMix::new(8);
    for case in 0..100 {
        let n = 4 + rng.below(5);
        let pts: Vec<(f64, f64)> = (0..n)
            .map(|_| (rng.unit() * 1000.0, rng.unit() * 1000.0))
            .collect();
        let m: Vec<Vec<f64>> = pts
            .iter()
            .map(|a| {
                pts.iter()
                    .map(|b| ((a.0 - b.0).hypot(a.1 - b.1) / 1.25).round())
                    .collect()
            })
            .collect();
        let mut prize: Vec<f64> = (0..n).map(|_| (1 + rng.below(500)) as f64).collect();
        prize[0] = 0.0;
        let budget = 300.0 + rng.unit() * 2000.0;
        let p = MatrixProblem {
            matrix_s: m.clone(),
            prize: prize.clone(),
            budget_s: budget,
            seed: case,
        };
        let tour = solve_matrix(&p).unwrap();
        assert!(tour.travel_s <= budget);
        assert!((tour_travel_s(&m, &tour.order) - tour.travel_s).abs() < 1e-9);
        let best = brute(&m, &prize, budget);
        assert!(
            best <= tour.bound + 1e-9,
            "case {case}: bound {} < optimum {best}",
            tour.bound
        );
        assert!(
            (tour.prize - best).abs() < 1e-9,
            "case {case}: {} vs optimum {best}",
            tour.prize
        );
    }
}

#[test]
fn bad_matrices_are_named() {
    let ok = MatrixProblem {
        matrix_s: vec![vec![0.0, 5.0], vec![5.0, 0.0]],
        prize: vec![0.0, 1.0],
        budget_s: 100.0,
        seed: 0,
    };
    assert_eq!(solve_matrix(&ok).unwrap().order, vec![1]);
    let with = |f: &dyn Fn(&mut MatrixProblem)| {
        let mut p = ok.clone();
        f(&mut p);
        solve_matrix(&p).unwrap_err().to_string()
    };
    assert!(with(&|p| p.matrix_s[0][1] = 6.0).contains("differs from [1][0]"));
    assert!(with(&|p| p.matrix_s[1].pop().map_or((), drop)).contains("row 1 has 1 entries"));
    assert!(with(&|p| p.prize.push(1.0)).contains("2 matrix rows but 3 prizes"));
    assert!(with(&|p| p.prize[1] = f64::NAN).contains("prize of node 1"));
    assert!(with(&|p| p.budget_s = 0.0).contains("budget 0 s"));
}
