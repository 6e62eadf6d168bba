//! Bench module `day`: a day route with 30 revisits on Liechtenstein.
//!
//! What is timed: the travel matrix (one bounded Dijkstra per distinct place on the real
//! walking graph) and the TSPTW heuristic with its default settings, through
//! `feltkart_plan::day::route::plan_day`. The graph is built once, outside the timing.
//! Placeholder until the observation-walk planner lands: the "60 minutes of walking"
//! (filling the route's gaps) is not timed yet; add it here through `DayRoute::fill_gaps`.
//! Goal: under 500 ms median.
//!
//! Instance: start and end at the vertex nearest the centre of Vaduz; 30 places drawn with a
//! fixed seed among the vertices within 2 km walk of it; every third one an appointment with a
//! 45-minute window somewhere in the 4-hour shift (12:00–16:00), the rest searches with
//! priorities 1–5; 5 minutes at each place; 4.5 km/h.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use criterion::Criterion;
use feltkart_model::{LonLat, NodeId, Place, Revisit, RevisitId, RevisitMode, TeamId, Window};
use feltkart_plan::day::route::{DayOptions, Shift, plan_day};
use petgraph::graph::NodeIndex;
use std::hint::black_box;
use std::path::Path;

pub fn benches(c: &mut Criterion) {
    let pbf =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/osm/liechtenstein.osm.pbf");
    let taxonomy = feltkart_osm::Taxonomy::builtin().expect("builtin taxonomy");
    let atlas = feltkart_atlas::ingest(&pbf, &taxonomy, &|_| {}).expect("liechtenstein ingests");
    let graph = atlas.graph;
    let adj = graph.adjacency();
    let vaduz = LonLat {
        lon: 9.5209,
        lat: 47.1410,
    };
    let start = graph
        .graph
        .node_indices()
        .min_by(|&a, &b| {
            let da = graph.graph[a].at.distance_m(vaduz);
            let db = graph.graph[b].at.distance_m(vaduz);
            da.total_cmp(&db)
        })
        .expect("non-empty graph");
    let near = adj.distances(&[(start, 0.0)], Some(2000.0));
    let mut pool: Vec<NodeIndex> = graph
        .graph
        .node_indices()
        .filter(|v| *v != start && near.dist[v.index()].is_finite())
        .collect();
    // A fixed-seed sample (xorshift) of 30 places.
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    let mut pick = Vec::new();
    while pick.len() < 30 && !pool.is_empty() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        pick.push(pool.swap_remove((x % pool.len() as u64) as usize));
    }
    let date = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
    let noon = date.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap());
    let revisits: Vec<Revisit> = pick
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let mode = if i % 3 == 0 {
                let start = noon + TimeDelta::minutes((i as i64 * 37) % 195);
                RevisitMode::Appointment {
                    window: Window {
                        start,
                        end: start + TimeDelta::minutes(45),
                    },
                }
            } else {
                RevisitMode::Search {
                    due: date + TimeDelta::days(7),
                }
            };
            Revisit {
                id: RevisitId(i as u64),
                place: Place {
                    at: graph.graph[*v].at,
                    vertex: Some(NodeId(v.index() as u32)),
                },
                mode,
                priority: 1 + (i % 5) as u8,
                team: TeamId(1),
                attempts: vec![],
            }
        })
        .collect();
    let shift = Shift {
        date,
        start: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(16, 0, 0).unwrap(),
        start_vertex: NodeId(start.index() as u32),
        end_vertex: NodeId(start.index() as u32),
    };
    let now: NaiveDateTime = date.and_time(NaiveTime::from_hms_opt(8, 0, 0).unwrap());
    let opts = DayOptions::default();
    let day = plan_day(&graph, &adj, &shift, &revisits, now, &opts).expect("day plans");
    eprintln!(
        "day bench: {} vertices, {} of 30 revisits served, {:.1} min walking, {} unserved",
        graph.graph.node_count(),
        day.stops.len(),
        day.travel_s as f64 / 60.0,
        day.unserved.len()
    );
    let mut g = c.benchmark_group("day");
    g.sample_size(20);
    g.bench_function("plan_day_30_revisits_liechtenstein", |b| {
        b.iter(|| plan_day(&graph, &adj, &shift, black_box(&revisits), now, &opts).unwrap())
    });
    g.finish();
}
