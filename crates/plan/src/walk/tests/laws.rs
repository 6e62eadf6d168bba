//! Laws on random and hand-made graphs; bad input; edge times.

use super::*;

#[test]
fn random_instances_obey_the_laws() {
    let mut rng = SplitMix::new(7);
    for case in 0..60 {
        let (w, h) = (3 + rng.below(5), 3 + rng.below(5));
        let g = random_graph(&mut rng, w, h, 0.5);
        let n = g.graph.node_count();
        let start = rng.below(n);
        let end = if case % 2 == 0 { start } else { rng.below(n) };
        let mut p = problem(&g, &mut rng, start, end, 0.0);
        // Enough to reach the end and then some.
        let direct = plan_walk_greedy(&g, &{
            let mut q = p.clone();
            q.budget_s = 1e9;
            q.edge_value.fill(0.0);
            q
        })
        .unwrap()
        .time_s;
        p.budget_s = direct + 300.0 + rng.unit() * 2500.0;
        if case % 5 == 0 {
            p.stops.push(DwellStop {
                at: NodeIndex::new(rng.below(n)),
                value: 3000.0,
                dwell_s: 600.0,
            });
        }
        let walk = plan_walk(&g, &p).unwrap();
        check_walk(&g, &p, &walk);
        let greedy = plan_walk_greedy(&g, &p).unwrap();
        check_walk(&g, &p, &greedy);
        assert!(
            walk.value >= greedy.value - 1e-6,
            "case {case}: search keeps the greedy walk"
        );
        assert_eq!(
            walk,
            plan_walk(&g, &p).unwrap(),
            "case {case}: deterministic"
        );
    }
}

/// A square of four 250 m streets with a 250 m dead end at the start: with 800 s (1000 m at
/// 1.25 m/s) and equal values, the round of the square beats any walk that doubles back.
#[test]
fn prefers_unwalked_streets_over_doubling_back() {
    let pts = [
        (0.0, 0.0),
        (250.0, 0.0),
        (250.0, 250.0),
        (0.0, 250.0),
        (-250.0, 0.0),
    ];
    let g = graph(
        &pts,
        &[
            (0, 1, 1.0),
            (1, 2, 1.0),
            (2, 3, 1.0),
            (3, 0, 1.0),
            (0, 4, 1.0),
        ],
    );
    let mut p = problem(&g, &mut SplitMix::new(1), 0, 0, 800.0);
    p.edge_value = edge_values(&g, |_| 1.0);
    // (The greedy baseline alone may take the dead end first and double back.)
    let w = plan_walk(&g, &p).unwrap();
    assert_eq!(check_walk(&g, &p, &w), 0.0, "no street walked twice");
    assert_eq!(w.edges.len(), 4);
    assert!(
        !w.edges.contains(&petgraph::graph::EdgeIndex::new(4)),
        "not the dead end"
    );
    assert_eq!(
        plan_walk_exact(&g, &p).unwrap().value,
        plan_walk(&g, &p).unwrap().value
    );
}

/// Equal priorities on random grids: little of the walk is walked twice.
#[test]
fn little_doubling_back_with_equal_values() {
    let mut rng = SplitMix::new(11);
    let (mut again, mut all) = (0.0, 0.0);
    for _ in 0..20 {
        let g = random_graph(&mut rng, 7, 7, 0.7);
        let start = rng.below(49);
        let mut p = problem(&g, &mut rng, start, start, 1200.0);
        p.edge_value = edge_values(&g, |_| 1.0);
        let w = plan_walk(&g, &p).unwrap();
        again += check_walk(&g, &p, &w);
        all += walked_m(&g, &w);
    }
    assert!(
        again / all < 0.12,
        "walked twice: {:.1} %",
        100.0 * again / all
    );
}

#[test]
fn dwell_stops_count_in_the_budget() {
    let mut rng = SplitMix::new(3);
    let g = random_graph(&mut rng, 5, 5, 0.5);
    let mut p = problem(&g, &mut rng, 12, 12, 2400.0);
    p.stops = vec![
        DwellStop {
            at: NodeIndex::new(0),
            value: 1e6,
            dwell_s: 900.0,
        },
        DwellStop {
            at: NodeIndex::new(24),
            value: 1e6,
            dwell_s: 900.0,
        },
    ];
    let w = plan_walk(&g, &p).unwrap();
    check_walk(&g, &p, &w);
    assert_eq!(
        w.stops.len(),
        1,
        "only one 15-minute stop fits in 40 minutes with the walks to the corners"
    );
    let stops_s: f64 = w.stops.iter().map(|&(s, _)| p.stops[s].dwell_s).sum();
    assert!(w.time_s >= stops_s);
}

#[test]
fn bad_input_is_named() {
    let mut rng = SplitMix::new(5);
    let g = random_graph(&mut rng, 3, 3, 0.0);
    let p = problem(&g, &mut rng, 0, 8, 10_000.0);
    let with = |f: &dyn Fn(&mut WalkProblem)| {
        let mut q = p.clone();
        f(&mut q);
        plan_walk(&g, &q).unwrap_err()
    };
    assert!(matches!(
        with(&|q| q.budget_s = 0.0),
        WalkError::BadBudget { .. }
    ));
    assert!(matches!(
        with(&|q| q.budget_s = -5.0),
        WalkError::BadBudget { .. }
    ));
    assert!(matches!(
        with(&|q| q.budget_s = f64::NAN),
        WalkError::BadBudget { .. }
    ));
    let e = with(&|q| q.start = NodeIndex::new(99));
    assert_eq!(
        e.to_string(),
        "start vertex 99 is not in the graph (9 vertices)"
    );
    assert!(matches!(
        with(&|q| q.edge_value.pop().map_or((), drop)),
        WalkError::WrongLength {
            what: "edge_value",
            ..
        }
    ));
    assert!(matches!(
        with(&|q| q.edge_time_s[0] = -1.0),
        WalkError::BadEdge {
            edge: 0,
            what: "time",
            ..
        }
    ));
    assert!(matches!(
        with(&|q| q.budget_s = 10.0),
        WalkError::BudgetTooShort { .. }
    ));
    assert!(matches!(
        with(&|q| q.stops.push(DwellStop {
            at: NodeIndex::new(0),
            value: f64::NAN,
            dwell_s: 1.0
        })),
        WalkError::BadStop {
            stop: 0,
            what: "value",
            ..
        }
    ));
    // Closed edges cut the end off.
    let e = with(&|q| q.edge_time_s.fill(f64::INFINITY));
    assert_eq!(e, WalkError::Unreachable { start: 0, end: 8 });
    let e = with(&|q| {
        q.end = q.start;
        q.budget_s = 1.0;
    });
    assert!(matches!(e, WalkError::CannotLeaveStart { .. }), "{e}");
    // Nothing of value in reach is an empty walk, not an error.
    let mut q = p.clone();
    q.end = q.start;
    q.edge_value.fill(0.0);
    let w = plan_walk(&g, &q).unwrap();
    assert!(w.edges.is_empty() && w.value == 0.0 && w.nodes == vec![q.start]);
}

#[test]
fn edge_times_follow_the_pace_rules() {
    let pts = [(0.0, 0.0), (125.0, 0.0)];
    let mut g = graph(&pts, &[(0, 1, 1.0), (0, 1, 1.0), (0, 1, 1.0)]);
    let len = g.graph[petgraph::graph::EdgeIndex::new(0)].length_m;
    g.graph[petgraph::graph::EdgeIndex::new(1)].class = HighwayClass::Steps;
    g.graph[petgraph::graph::EdgeIndex::new(2)].lit = Some(false);
    g.graph[petgraph::graph::EdgeIndex::new(0)].lit = None;
    let t = |pace: Pace, obs: bool| edge_times(&g, &pace, |_| obs).unwrap();
    let base = len / 1.25;
    let day = Pace::default();
    let night = Pace {
        unlit_factor: Some(3.0),
        ..day
    };
    // (pace, observing) -> [plain lit-unknown, steps, unlit]
    let table = [
        (day, false, [1.0, 2.0, 1.0]),
        (day, true, [1.25, 2.5, 1.25]),
        (night, false, [1.0, 2.0, 3.0]),
        (night, true, [1.25, 2.5, 3.75]),
    ];
    for (pace, obs, want) in table {
        let got = t(pace, obs);
        for (g, w) in got.iter().zip(want) {
            assert!((g - base * w).abs() < 1e-9, "{pace:?} {obs}: {got:?}");
        }
    }
    for (bad, field) in [
        (
            Pace {
                speed_kmh: 0.0,
                ..day
            },
            "speed_kmh",
        ),
        (
            Pace {
                observing_factor: 1.5,
                ..day
            },
            "observing_factor",
        ),
        (
            Pace {
                steps_factor: 0.5,
                ..day
            },
            "steps_factor",
        ),
        (
            Pace {
                unlit_factor: Some(0.5),
                ..day
            },
            "unlit_factor",
        ),
    ] {
        let e = edge_times(&g, &bad, |_| false).unwrap_err();
        assert!(
            matches!(e, WalkError::BadPace { field: f, .. } if f == field),
            "{e}"
        );
    }
}
