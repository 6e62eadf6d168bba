//! Unit tests on hand-made ways: splitting at junctions, loops, components, paths, snapping.

use crate::{BuildOptions, Rule, build};
use feltkart_model::{BBox, HighwayClass, LonLat, OsmNodeId, OsmWayId};
use feltkart_osm::classify::Walk;
use feltkart_osm::{Extract, ExtractStats, SourceInfo, WalkWay};
use petgraph::graph::NodeIndex;

/// Node `n` sits on a grid: x = n % 10, y = n / 10, 0.001 degrees apart, near Nyborg.
fn at(n: i64) -> LonLat {
    #[allow(clippy::cast_precision_loss)]
    LonLat {
        lon: 10.80 + (n % 10) as f64 * 0.001,
        lat: 55.30 + (n / 10) as f64 * 0.001,
    }
}

fn way(id: i64, nodes: &[i64], name: &str) -> WalkWay {
    WalkWay {
        osm: OsmWayId(id),
        walk: Some(Walk::Line),
        peer_walkable: true,
        class: HighwayClass::Residential,
        highway: "residential".into(),
        name: Some(name.into()),
        lit: None,
        surface: None,
        nodes: nodes.iter().map(|&n| OsmNodeId(n)).collect(),
        coords: nodes.iter().map(|&n| at(n)).collect(),
        gaps_before: Vec::new(),
    }
}

fn extract(ways: Vec<WalkWay>) -> Extract {
    Extract {
        source: SourceInfo {
            file_name: "test".into(),
            file_bytes: 0,
            format: "test".into(),
            header_bbox: None,
            node_bbox: BBox::empty(),
            generator: None,
            replication_timestamp: None,
        },
        walk_ways: ways,
        housing: Vec::new(),
        places: Vec::new(),
        districts: Vec::new(),
        place_kinds: Vec::new(),
        stats: ExtractStats::default(),
    }
}

fn vertex(g: &crate::WalkGraph, osm: i64) -> NodeIndex {
    g.graph
        .node_indices()
        .find(|&v| g.graph[v].osm == OsmNodeId(osm))
        .unwrap()
}

#[test]
fn ways_split_at_shared_nodes_only() {
    // A street 0-1-2-3-4 crossed at 2 by 12-2-22 (a plus sign); node 1 and 3 are not junctions.
    let x = extract(vec![
        way(1, &[0, 1, 2, 3, 4], "Vestergade"),
        way(2, &[12, 2, 22], "Torvegade"),
    ]);
    let g = build(&x, BuildOptions::default());
    assert_eq!(
        g.graph.node_count(),
        5,
        "ends 0, 4, 12, 22 and the junction 2"
    );
    assert_eq!(g.graph.edge_count(), 4);
    assert_eq!(g.graph.edges(vertex(&g, 2)).count(), 4);
    let total: f64 = [(0, 1), (1, 2), (2, 3), (3, 4), (12, 2), (2, 22)]
        .iter()
        .map(|&(a, b)| at(a).distance_m(at(b)))
        .sum();
    assert!((g.total_length_m() - total).abs() < 1e-6);
    g.check_invariants().unwrap();

    let raw = build(
        &x,
        BuildOptions {
            simplify: false,
            ..BuildOptions::default()
        },
    );
    assert_eq!((raw.graph.node_count(), raw.graph.edge_count()), (7, 6));
}

#[test]
fn a_loop_on_one_junction_is_kept_by_feltkart_and_dropped_by_the_peer_rule() {
    // A path from 0 to 2, and a loop 2-3-13-12-2 that meets it only at 2.
    let x = extract(vec![
        way(1, &[0, 1, 2], "Stien"),
        way(2, &[2, 3, 13, 12, 2], "Rundt om dammen"),
    ]);
    let ours = build(&x, BuildOptions::default());
    let loop_m = [(2, 3), (3, 13), (13, 12), (12, 2)]
        .iter()
        .map(|&(a, b)| at(a).distance_m(at(b)))
        .sum::<f64>();
    let path_m = at(0).distance_m(at(2));
    assert!((ours.total_length_m() - loop_m - path_m).abs() < 1e-6);
    assert_eq!(ours.stats.loops, 1);
    ours.check_invariants().unwrap();
    let peer = build(
        &x,
        BuildOptions {
            rule: Rule::Peer,
            ..BuildOptions::default()
        },
    );
    assert!(
        (peer.total_length_m() - path_m).abs() < 1e-6,
        "networkx drops self-loops"
    );
}

#[test]
fn only_the_largest_component_is_kept_and_the_rest_counted() {
    let x = extract(vec![
        way(1, &[0, 1, 2, 3], "Stor"),
        way(2, &[50, 51], "Lille"),
    ]);
    let g = build(&x, BuildOptions::default());
    assert_eq!(g.stats.components, 2);
    assert_eq!((g.stats.nodes_dropped, g.stats.edges_dropped), (2, 1));
    assert!((g.stats.length_dropped_m - at(50).distance_m(at(51))).abs() < 1e-6);
    assert!(g.graph.node_weights().all(|v| v.osm.0 < 50));
    let all = build(
        &x,
        BuildOptions {
            largest_component: false,
            ..BuildOptions::default()
        },
    );
    assert!(
        all.check_invariants().is_err(),
        "two components break the one-component invariant"
    );
}

#[test]
fn a_gap_splits_a_feltkart_way_and_the_peer_rule_bridges_it() {
    let mut w = way(1, &[0, 1, 3, 4], "Klippet");
    w.gaps_before = vec![2];
    let x = extract(vec![w]);
    let ours = build(
        &x,
        BuildOptions {
            largest_component: false,
            ..BuildOptions::default()
        },
    );
    assert_eq!(ours.stats.components, 2);
    let peer = build(
        &x,
        BuildOptions {
            rule: Rule::Peer,
            largest_component: false,
            ..BuildOptions::default()
        },
    );
    assert_eq!(peer.stats.components, 1);
}

#[test]
fn shortest_path_follows_edges_and_sums_their_lengths() {
    // A square 0-1-11-10-0 with a long detour; the path 0 -> 11 takes two sides.
    let x = extract(vec![
        way(1, &[0, 1, 11], "A"),
        way(2, &[0, 10, 11], "B"),
        way(3, &[11, 12], "C"),
    ]);
    let g = build(&x, BuildOptions::default());
    let adj = g.adjacency();
    let (s, t) = (vertex(&g, 0), vertex(&g, 12));
    let sp = adj.distances(&[(s, 0.0)], None);
    let path = sp.path_to(&g.graph, t).unwrap();
    assert_eq!(path.nodes.first(), Some(&s));
    assert_eq!(path.nodes.last(), Some(&t));
    let sum: f64 = path.edges.iter().map(|&e| g.graph[e].length_m).sum();
    assert!((sum - path.cost).abs() < 1e-9);
    for (i, &e) in path.edges.iter().enumerate() {
        let (a, b) = g.graph.edge_endpoints(e).unwrap();
        assert!(
            (a, b) == (path.nodes[i], path.nodes[i + 1])
                || (b, a) == (path.nodes[i], path.nodes[i + 1])
        );
    }
    let expected = at(0).distance_m(at(1)) + at(1).distance_m(at(11)) + at(11).distance_m(at(12));
    let via_b = at(0).distance_m(at(10)) + at(10).distance_m(at(11)) + at(11).distance_m(at(12));
    assert!((path.cost - expected.min(via_b)).abs() < 1e-6);
    // A cutoff stops the search; a closed edge reroutes it.
    let cut = adj.distances(&[(s, 0.0)], Some(10.0));
    assert!(cut.dist[t.index()].is_infinite());
    let e_c = g
        .graph
        .edge_indices()
        .find(|&e| g.graph[e].name.as_deref() == Some("C"))
        .unwrap();
    let closed = adj.search(&[(s, 0.0)], None, |e, len| {
        if e == e_c { f64::INFINITY } else { len }
    });
    assert!(closed.dist[t.index()].is_infinite());
}

#[test]
fn snapping_finds_the_nearest_edge_and_the_offset_along_it() {
    let x = extract(vec![
        way(1, &[0, 1, 2], "Langgade"),
        way(2, &[2, 12], "Tværgade"),
    ]);
    let g = build(&x, BuildOptions::default());
    let idx = g.snap_index();
    // 30 m north of the middle of 0-1 (0.0005 degrees east of node 0).
    let p = LonLat {
        lon: 10.8005,
        lat: 55.30027,
    };
    let s = idx.nearest(&g.graph, p).unwrap();
    assert_eq!(g.graph[s.edge].name.as_deref(), Some("Langgade"));
    assert!((s.distance_m - 30.0).abs() < 0.5, "{}", s.distance_m);
    assert!((s.at.lat - 55.30).abs() < 1e-9);
    let from_source = if g.graph[s.edge].coords[0] == at(0) {
        at(0).distance_m(s.at)
    } else {
        at(2).distance_m(s.at)
    };
    assert!(
        (s.offset_m - from_source).abs() < 0.01,
        "{} vs {}",
        s.offset_m,
        from_source
    );
}

/// A 10 × 6 street grid (nodes `10 y + x`), every crossing a junction.
fn grid() -> crate::WalkGraph {
    let mut ways = Vec::new();
    for y in 0..6 {
        let row: Vec<i64> = (0..10).map(|x| 10 * y + x).collect();
        ways.push(way(100 + y, &row, "row"));
    }
    for x in 0..10 {
        let col: Vec<i64> = (0..6).map(|y| 10 * y + x).collect();
        ways.push(way(200 + x, &col, "column"));
    }
    build(&extract(ways), BuildOptions::default())
}

/// `ball`'s settled vertices as a distance vector (infinity elsewhere), checking it settles
/// each vertex once, nearest first, and that `incident_edges` lists the vertex's edges.
fn ball_dist(
    g: &crate::WalkGraph,
    adj: &crate::Adjacency,
    sources: &[(NodeIndex, f64)],
    cutoff: f64,
    scratch: &mut crate::Scratch,
) -> Vec<f64> {
    let mut dist = vec![f64::INFINITY; g.graph.node_count()];
    let mut last = f64::NEG_INFINITY;
    adj.ball(sources, cutoff, scratch, |v, d| {
        assert!(dist[v.index()].is_infinite(), "{v:?} settled twice");
        assert!(d >= last, "not nearest first");
        last = d;
        dist[v.index()] = d;
        let mut mine: Vec<_> = adj.incident_edges(v).collect();
        let mut theirs: Vec<_> = g
            .graph
            .edges(v)
            .map(|e| petgraph::visit::EdgeRef::id(&e))
            .collect();
        mine.sort_unstable();
        theirs.sort_unstable();
        assert_eq!(mine, theirs);
    });
    dist
}

#[test]
fn ball_agrees_with_lengths_from_within_the_cutoff_and_reuses_its_scratch() {
    let g = grid();
    let adj = g.adjacency();
    let v = |n| vertex(&g, n);
    let queries: Vec<(Vec<(NodeIndex, f64)>, f64)> = vec![
        (vec![(v(0), 0.0)], 250.0),
        (vec![(v(55), 0.0)], 1e9),
        (vec![(v(23), 12.5), (v(24), 40.0)], 180.0),
        (vec![(v(7), 0.0), (v(50), 3.0)], 64.0),
        (vec![(v(33), 0.0)], 0.0),
        (vec![(v(33), 90.0)], 80.0), // the source itself lies beyond the cutoff
        (vec![(NodeIndex::new(10_000), 0.0)], 500.0), // not in the graph
    ];
    let mut shared = adj.scratch();
    let mut results = Vec::new();
    for (sources, cutoff) in &queries {
        let want: Vec<f64> = adj.lengths_from(
            &sources
                .iter()
                .copied()
                .filter(|&(_, d)| d <= *cutoff)
                .collect::<Vec<_>>(),
            Some(*cutoff),
        );
        let got = ball_dist(&g, &adj, sources, *cutoff, &mut shared);
        assert_eq!(got, want, "{sources:?} within {cutoff}");
        let fresh = ball_dist(&g, &adj, sources, *cutoff, &mut adj.scratch());
        assert_eq!(
            got, fresh,
            "{sources:?}: reused scratch differs from a fresh one"
        );
        results.push(got);
    }
    assert!(results[0].iter().any(|d| d.is_finite()) && results[0].iter().any(|d| d.is_infinite()));
    assert!(results[1].iter().all(|d| d.is_finite()));
    assert!(results[5].iter().all(|d| d.is_infinite()));
    assert!(results[6].iter().all(|d| d.is_infinite()));
    // The same queries again, in reverse order, on the used scratch: the same results.
    for (i, (sources, cutoff)) in queries.iter().enumerate().rev() {
        assert_eq!(
            ball_dist(&g, &adj, sources, *cutoff, &mut shared),
            results[i]
        );
    }
    // A scratch of another table is replaced, not misused.
    let mut small = crate::Adjacency::new(&petgraph::graph::UnGraph::default()).scratch();
    assert_eq!(
        ball_dist(&g, &adj, &queries[0].0, queries[0].1, &mut small),
        results[0]
    );
}
