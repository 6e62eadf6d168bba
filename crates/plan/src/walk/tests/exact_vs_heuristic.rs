//! The heuristic against the exact solver on 200 seeded random tiny instances (≤ 14 candidates).

#![allow(clippy::print_stderr)] // the statistics, shown with --nocapture

use super::*;

/// A tiny instance: a random grid graph of at most 17 edges, values on at most 14 of them,
/// sometimes a dwell stop, a budget of 15–60 % of the time to walk every street.
fn tiny(rng: &mut SplitMix) -> (WalkGraph, WalkProblem) {
    let (w, h) = [(3, 3), (3, 4), (4, 3), (2, 5)][rng.below(4)];
    let g = random_graph(rng, w, h, 0.6);
    let n = g.graph.node_count();
    let start = rng.below(n);
    let end = if rng.unit() < 0.7 {
        start
    } else {
        rng.below(n)
    };
    let mut p = problem(&g, rng, start, end, 0.0);
    let stop = rng.unit() < 0.2;
    let limit = MAX_CANDIDATES - usize::from(stop);
    let mut valued: Vec<usize> = (0..p.edge_value.len()).collect();
    while valued.len() > limit || rng.unit() < 0.15 {
        let i = valued.swap_remove(rng.below(valued.len()));
        p.edge_value[i] = 0.0;
    }
    if stop {
        p.stops.push(DwellStop {
            at: NodeIndex::new(rng.below(n)),
            value: 300.0 + rng.unit() * 1500.0,
            dwell_s: 300.0,
        });
    }
    let total: f64 = p.edge_time_s.iter().sum();
    p.budget_s = total * (0.15 + 0.45 * rng.unit());
    (g, p)
}

#[test]
fn heuristic_reaches_98_percent_of_exact_on_average_and_90_at_worst() {
    let mut rng = SplitMix::new(2026);
    let mut ratios = Vec::new();
    let mut greedy_ratios = Vec::new();
    let mut skipped = 0;
    while ratios.len() < 200 {
        let (g, p) = tiny(&mut rng);
        let exact = match plan_walk_exact(&g, &p) {
            Ok(w) => w,
            Err(WalkError::BudgetTooShort { .. } | WalkError::CannotLeaveStart { .. }) => {
                skipped += 1;
                continue;
            }
            Err(e) => panic!("{e}"),
        };
        check_walk(&g, &p, &exact);
        let heur = plan_walk(&g, &p).unwrap();
        check_walk(&g, &p, &heur);
        let greedy = plan_walk_greedy(&g, &p).unwrap();
        assert!(
            heur.value <= exact.value + 1e-6,
            "nothing beats the optimum"
        );
        assert!(
            exact.value <= heur.bound + 1e-6,
            "the bound bounds the optimum"
        );
        let r = |v: f64| {
            if exact.value > 0.0 {
                v / exact.value
            } else {
                1.0
            }
        };
        ratios.push(r(heur.value));
        greedy_ratios.push(r(greedy.value));
    }
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    let min = |x: &[f64]| x.iter().copied().fold(f64::INFINITY, f64::min);
    let optimal = ratios.iter().filter(|&&r| r >= 1.0 - 1e-9).count();
    eprintln!(
        "heuristic/exact over 200 tiny instances: mean {:.4}, worst {:.4}, optimal in {optimal}; \
         greedy mean {:.4}, worst {:.4}; {skipped} skipped (budget too short)",
        mean(&ratios),
        min(&ratios),
        mean(&greedy_ratios),
        min(&greedy_ratios)
    );
    assert!(mean(&ratios) >= 0.98, "mean {}", mean(&ratios));
    assert!(min(&ratios) >= 0.90, "worst {}", min(&ratios));
}
