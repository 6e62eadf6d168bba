//! Day routes with their gaps filled by the observation-walk planner, on the shipped real
//! extracts (Monaco, Helsinki centre). Laws, on random days: the day is one connected walk
//! from the shift's start to its end; it stays within the shift; every served appointment is
//! still started and finished inside its window; every visit keeps its planned start; each
//! gap walk fits its gap; observation walking is added where the day has free time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use chrono::{NaiveDate, NaiveTime, TimeDelta};
use feltkart_graph::WalkGraph;
use feltkart_model::{LonLat, NodeId, Place, Revisit, RevisitId, RevisitMode, TeamId, Window};
use feltkart_plan::day::fill::WalkGapFiller;
use feltkart_plan::day::route::{DayOptions, Shift, plan_day};
use petgraph::graph::NodeIndex;
use std::path::PathBuf;

fn graph(name: &str) -> WalkGraph {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/osm")
        .join(format!("{name}.osm.pbf"));
    let tax = feltkart_osm::Taxonomy::builtin().unwrap();
    feltkart_atlas::ingest(&path, &tax, &|_| {}).unwrap().graph
}

/// xorshift64, for the random days.
struct Xs(u64);
impl Xs {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Pseudo-priority 0..4 per ~200 m cell (a stand-in for a profile's cell scores).
fn priority(at: LonLat) -> f64 {
    let (x, y) = ((at.lon / 0.003) as i64, (at.lat / 0.002) as i64);
    ((x * 31 + y * 17).rem_euclid(5)) as f64
}

fn check_laws(name: &str, days: u64) {
    let g = graph(name);
    let adj = g.adjacency();
    let opts = DayOptions::default();
    let times: Vec<f64> = g
        .graph
        .edge_weights()
        .map(|e| e.length_m / opts.speed_mps)
        .collect();
    let values: Vec<f64> = g
        .graph
        .edge_weights()
        .map(|e| e.length_m * priority(e.coords[0]))
        .collect();
    let n = g.graph.node_count() as u64;
    let date = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
    let now = date.and_hms_opt(8, 0, 0).unwrap();
    let mut filled_any = 0;
    for seed in 1..=days {
        let mut rng = Xs(0x9E37_79B9_7F4A_7C15 ^ seed);
        let start = NodeId(rng.below(n) as u32);
        let end = if seed % 2 == 0 {
            start
        } else {
            NodeId(rng.below(n) as u32)
        };
        let shift = Shift {
            date,
            start: NaiveTime::from_hms_opt(13, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
            start_vertex: start,
            end_vertex: end,
        };
        let s0 = shift.starts();
        let revisits: Vec<Revisit> = (0..8)
            .map(|i| {
                let v = NodeId(rng.below(n) as u32);
                let mode = if i % 2 == 0 {
                    let from = s0 + TimeDelta::minutes(rng.below(200) as i64);
                    RevisitMode::Appointment {
                        window: Window {
                            start: from,
                            end: from + TimeDelta::minutes(20 + rng.below(40) as i64),
                        },
                    }
                } else {
                    RevisitMode::Search {
                        due: date + TimeDelta::days(3),
                    }
                };
                Revisit {
                    id: RevisitId(i),
                    place: Place {
                        at: g.graph[NodeIndex::new(v.0 as usize)].at,
                        vertex: Some(v),
                    },
                    mode,
                    priority: 1 + (i % 5) as u8,
                    team: TeamId(1),
                    attempts: vec![],
                }
            })
            .collect();
        let day = plan_day(&g, &adj, &shift, &revisits, now, &opts).unwrap();
        let mut filler = WalkGapFiller::new(&g, times.clone(), values.clone());
        filler.seed = seed;
        // The laws do not depend on the search's effort; fewer rounds keep the test quick.
        filler.search.iterations = 40;
        let walks = day.fill_gaps(&g, &times, &mut filler);
        let track = day.track(&times, &walks, opts.service_s);
        // One connected walk from the shift's start to its end.
        assert_eq!(
            track.nodes.len(),
            track.edges.len() + 1,
            "{name} day {seed}"
        );
        assert_eq!(track.nodes[0].index(), start.0 as usize);
        assert_eq!(track.nodes.last().unwrap().index(), end.0 as usize);
        for (i, &e) in track.edges.iter().enumerate() {
            let (a, b) = g.graph.edge_endpoints(e).unwrap();
            let (x, y) = (track.nodes[i], track.nodes[i + 1]);
            assert!(
                (a, b) == (x, y) || (a, b) == (y, x),
                "{name} day {seed}: edge {i}"
            );
        }
        // Each gap walk fits its gap.
        for (gap, w) in &walks {
            let t: f64 = w.edges.iter().map(|e| times[e.index()]).sum();
            assert!(
                t <= gap.seconds() as f64,
                "{name} day {seed}: gap walk too long"
            );
        }
        // Whole-second travel times: the track may drift by under a second per leg.
        let slack = TimeDelta::seconds(day.legs.len() as i64);
        assert!(
            track.back <= shift.ends() + slack,
            "{name} day {seed}: back late"
        );
        assert_eq!(track.visits.len(), day.stops.len());
        let svc = TimeDelta::seconds(i64::from(opts.service_s));
        for (v, st) in track.visits.iter().zip(&day.stops) {
            assert_eq!(v.revisit, st.revisit);
            assert!(
                v.arrive <= st.start + slack,
                "{name} day {seed}: late for {}",
                st.revisit
            );
            assert!((v.start - st.start).abs() <= slack);
            let r = revisits.iter().find(|r| r.id == v.revisit).unwrap();
            if let RevisitMode::Appointment { window } = r.mode {
                assert!(v.start >= window.start, "{name} day {seed}: {} early", r.id);
                assert!(
                    v.start + svc <= window.end + slack,
                    "{name} day {seed}: {} ends after its window",
                    r.id
                );
            }
        }
        let idle: i64 = day
            .gaps
            .iter()
            .filter(|g| g.idle_seconds() >= filler.min_idle_s)
            .map(|g| g.idle_seconds())
            .sum();
        if !walks.is_empty() {
            filled_any += 1;
            assert!(track.observation_s > 0.0);
        }
        eprintln!(
            "{name} day {seed}: {} of {} served, {} gaps ({} min idle ≥ 5 min), {} filled, {:.0} min observation walking of {:.0} min walking",
            day.stops.len(),
            revisits.len(),
            day.gaps.len(),
            idle / 60,
            walks.len(),
            track.observation_s / 60.0,
            track.walk_s / 60.0
        );
    }
    assert!(
        filled_any * 2 >= days,
        "{name}: gaps filled on only {filled_any} of {days} days"
    );
}

#[test]
fn monaco_filled_days_keep_every_promise() {
    check_laws("monaco", 8);
}

#[test]
fn helsinki_filled_days_keep_every_promise() {
    check_laws("helsinki-centre", 3);
}
