//! Laws of the route solver and the heuristic against the exact solver on tiny instances.

use super::exact::solve_exact;
use super::rng::Rng;
use super::tsptw::{Instance, Solution, SolveOptions, Stop, solve};

/// A random tiny instance: points in a 1.5 km square (one case in three asymmetric), walking at 1.25 m/s, a 2-hour shift,
/// windows of 10–60 min, 5 min service, optional distinct start and end, mixed penalties.
pub(crate) fn random_instance(rng: &mut Rng, n: usize) -> Instance {
    let pts: Vec<(f64, f64)> = (0..n + 2)
        .map(|_| (rng.below(1500) as f64, rng.below(1500) as f64))
        .collect();
    // One case in three is asymmetric (uphill is slower): up to +20 % one way.
    let asym = rng.below(3) == 0;
    let matrix: Vec<Vec<u32>> = pts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            pts.iter()
                .enumerate()
                .map(|(j, b)| {
                    let base = (a.0 - b.0).hypot(a.1 - b.1) / 1.25;
                    let f = if asym && i < j { 1.2 } else { 1.0 };
                    (base * f).round() as u32
                })
                .collect()
        })
        .collect();
    let shift = 7200u32;
    let end = if rng.below(3) == 0 { 1 } else { 0 };
    let stops = (0..n)
        .map(|i| {
            let width = 600 + 60 * rng.below(51) as u32;
            let open = rng.below((shift - width) as usize) as u32;
            let penalty = match rng.below(6) {
                0 => 1_000_000_000,
                1 => 3_000_000,
                _ => 1_000_000,
            };
            Stop {
                node: i + 2,
                open_s: open,
                close_s: open + width,
                service_s: 300,
                penalty,
            }
        })
        .collect();
    Instance::new(&matrix, 0, end, shift, stops).unwrap()
}

/// The laws every solution must satisfy: a feasible schedule (each served stop reached and
/// served inside its window, back at the end within the shift), costs that add up.
pub(crate) fn assert_laws(inst: &Instance, s: &Solution) {
    let again = inst.schedule(&s.order()).unwrap();
    assert_eq!(&again, s, "solution is not its own schedule");
    for v in &s.visits {
        let st = inst.stops()[v.stop];
        assert!(v.arrive_s <= v.start_s && v.start_s >= st.open_s && v.start_s <= st.close_s);
        assert_eq!(v.depart_s, v.start_s + st.service_s);
    }
    assert!(s.end_arrive_s <= inst.shift_end_s());
    let pen: u64 = s.unserved.iter().map(|&i| inst.stops()[i].penalty).sum();
    assert_eq!(s.objective, s.travel_s + pen);
    assert_eq!(s.visits.len() + s.unserved.len(), inst.stops().len());
}

#[test]
fn heuristic_within_one_percent_of_optimum_on_200_tiny_cases() {
    let mut rng = Rng::new(2026);
    let (mut at_opt, mut worst_gap, mut sum_gap) = (0, 0.0f64, 0.0f64);
    for case in 0..200 {
        let n = 1 + case % 9;
        let inst = random_instance(&mut rng, n);
        let opt = solve_exact(&inst).unwrap();
        assert_laws(&inst, &opt);
        let h = solve(
            &inst,
            SolveOptions {
                seed: case as u64,
                iterations: 1000,
            },
        );
        assert_laws(&inst, &h);
        assert!(
            h.objective >= opt.objective,
            "case {case}: heuristic beats the exact solver"
        );
        let gap = (h.objective - opt.objective) as f64 / opt.objective.max(1) as f64;
        if h.objective == opt.objective {
            at_opt += 1;
        }
        worst_gap = worst_gap.max(gap);
        sum_gap += gap;
        // Same stops served (penalty part equal), travel within 1 % of the optimum's.
        assert_eq!(
            h.objective - h.travel_s,
            opt.objective - opt.travel_s,
            "case {case}: heuristic leaves out more"
        );
        assert!(
            h.travel_s as f64 <= 1.01 * opt.travel_s as f64,
            "case {case}: travel {} vs optimum {}",
            h.travel_s,
            opt.travel_s
        );
    }
    println!(
        "tiny cases: {at_opt}/200 at the optimum, mean gap {:.4} %, worst {:.4} %",
        sum_gap / 2.0,
        worst_gap * 100.0
    );
    assert!(worst_gap <= 0.01);
}

#[test]
fn exact_solver_agrees_with_brute_force() {
    // All permutations of all subsets for up to 6 stops.
    fn brute(inst: &Instance) -> u64 {
        let n = inst.stops().len();
        let mut best = u64::MAX;
        let mut perm: Vec<usize> = Vec::new();
        fn rec(inst: &Instance, n: usize, perm: &mut Vec<usize>, best: &mut u64) {
            if let Ok(s) = inst.schedule(perm) {
                *best = (*best).min(s.objective);
            } else {
                return;
            }
            for s in 0..n {
                if !perm.contains(&s) {
                    perm.push(s);
                    rec(inst, n, perm, best);
                    perm.pop();
                }
            }
        }
        rec(inst, n, &mut perm, &mut best);
        best
    }
    let mut rng = Rng::new(7);
    for case in 0..60 {
        let inst = random_instance(&mut rng, 1 + case % 6);
        assert_eq!(
            solve_exact(&inst).unwrap().objective,
            brute(&inst),
            "case {case}"
        );
    }
}

#[test]
fn exact_solver_refuses_large_instances() {
    let mut rng = Rng::new(1);
    let inst = random_instance(&mut rng, super::exact::MAX_STOPS + 1);
    assert!(matches!(
        solve_exact(&inst),
        Err(super::tsptw::TsptwError::TooManyForExact { .. })
    ));
}
