use super::*;

fn line_instance() -> Instance {
    // Nodes 0..4 on a line, 60 s apart.
    let m: Vec<Vec<u32>> = (0..5)
        .map(|i: i32| (0..5).map(|j: i32| (60 * (i - j).abs()) as u32).collect())
        .collect();
    let stops = (1..5)
        .map(|node| Stop {
            node,
            open_s: 0,
            close_s: 10_000,
            service_s: 30,
            penalty: 1_000_000,
        })
        .collect();
    Instance::new(&m, 0, 0, 10_000, stops).unwrap()
}

#[test]
fn serves_a_line_out_and_back() {
    let inst = line_instance();
    let s = solve(&inst, SolveOptions::default());
    assert!(s.unserved.is_empty());
    assert_eq!(s.travel_s, 480);
    assert_eq!(inst.schedule(&s.order()).unwrap(), s);
}

#[test]
fn windows_force_the_order_and_waiting() {
    let m = line_instance();
    let mut stops = m.stops.clone();
    // Far stop early, near stop late: the walker must go out first and wait.
    stops[3].open_s = 1000;
    stops[3].close_s = 1000;
    stops[0].open_s = 2000;
    stops[0].close_s = 2100;
    let matrix: Vec<Vec<u32>> = (0..5)
        .map(|i| (0..5).map(|j| m.t(i, j)).collect())
        .collect();
    let inst = Instance::new(&matrix, 0, 0, 10_000, stops).unwrap();
    let s = solve(&inst, SolveOptions::default());
    assert!(s.unserved.is_empty());
    assert_eq!(s.visits[0].stop, 3);
    assert_eq!(s.visits[0].start_s, 1000);
    assert_eq!(s.visits.last().unwrap().stop, 0);
    assert!(s.visits.last().unwrap().start_s >= 2000);
}

#[test]
fn bad_instances_are_named() {
    let e = Instance::new(&[vec![0, 1], vec![1]], 0, 0, 10, vec![]).unwrap_err();
    assert!(e.to_string().contains("row 1"));
    let e = Instance::new(
        &[vec![0]],
        0,
        0,
        10,
        vec![Stop {
            node: 0,
            open_s: 5,
            close_s: 4,
            service_s: 0,
            penalty: 1,
        }],
    )
    .unwrap_err();
    assert!(matches!(e, TsptwError::WindowOrder { stop: 0, .. }));
    let e = Instance::new(&[vec![0, 100], vec![100, 0]], 0, 1, 50, vec![]).unwrap_err();
    assert!(matches!(e, TsptwError::NoRoute { .. }));
    assert!(Instance::new(&[vec![0]], 3, 0, 10, vec![]).is_err());
}

#[test]
fn deterministic_for_a_seed() {
    let inst = line_instance();
    let o = SolveOptions {
        seed: 9,
        iterations: 50,
    };
    assert_eq!(solve(&inst, o), solve(&inst, o));
}
