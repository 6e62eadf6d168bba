//! Bench module `day`: a day route with 30 revisits on Liechtenstein, its free time filled
//! with observation walking.
//!
//! What is timed (`plan_day_30_revisits_liechtenstein_filled`): the travel matrix (one bounded
//! Dijkstra per distinct place on the real walking graph), the TSPTW heuristic with its
//! default settings (`plan_day`), the walk planner in every gap of 5 minutes or more
//! (`WalkGapFiller`, default search settings; 60 minutes of observation walking in all, see
//! the line printed before the run) and the day's assembly as one track. The graph, edge
//! times and values are made once, outside the timing. `plan_day_30_revisits_liechtenstein`
//! times the route alone. Goal: under 500 ms median for the filled day.
//!
//! Instance: start and end at the vertex nearest the centre of Vaduz; 30 places drawn with a
//! fixed seed among the vertices within 600 m walk of it; every third one an appointment with
//! a 45-minute window somewhere in the 5-hour shift (12:00–17:00), the rest searches with
//! priorities 1–5; 5 minutes at each place; 4.5 km/h. All 30 fit, with about an hour of free
//! time in gaps of 5 minutes or more, which the walk planner fills. Street values: metres × a
//! pseudo-priority 0–4 per ~400 m × 330 m cell (a hash of the cell, standing in for a
//! profile's cell scores).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use criterion::Criterion;
use feltkart_model::{LonLat, NodeId, Place, Revisit, RevisitId, RevisitMode, TeamId, Window};
use feltkart_plan::day::fill::WalkGapFiller;
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
    let near = adj.distances(&[(start, 0.0)], Some(600.0));
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
                let start = noon + TimeDelta::minutes((i as i64 * 37) % 255);
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
        end: NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
        start_vertex: NodeId(start.index() as u32),
        end_vertex: NodeId(start.index() as u32),
    };
    let now: NaiveDateTime = date.and_time(NaiveTime::from_hms_opt(8, 0, 0).unwrap());
    let opts = DayOptions::default();
    let times: Vec<f64> = graph
        .graph
        .edge_weights()
        .map(|e| e.length_m / opts.speed_mps)
        .collect();
    let values: Vec<f64> = graph
        .graph
        .edge_weights()
        .map(|e| e.length_m * (super::plan::priority(e.coords[0]) - 1.0))
        .collect();
    let filled_day = || {
        let day = plan_day(&graph, &adj, &shift, black_box(&revisits), now, &opts).unwrap();
        let mut filler = WalkGapFiller::new(&graph, times.clone(), values.clone());
        let walks = day.fill_gaps(&graph, &times, &mut filler);
        let track = day.track(&times, &walks, opts.service_s);
        (day, walks, track)
    };
    let (day, walks, track) = filled_day();
    eprintln!(
        "day bench: {} vertices, {} of 30 revisits served, {:.1} min on the legs, {} unserved; {} of {} gaps filled: {:.1} min of observation walking, {:.1} min walking in all",
        graph.graph.node_count(),
        day.stops.len(),
        day.travel_s as f64 / 60.0,
        day.unserved.len(),
        walks.len(),
        day.gaps.len(),
        track.observation_s / 60.0,
        track.walk_s / 60.0
    );
    let mut g = c.benchmark_group("day");
    g.sample_size(20);
    g.bench_function("plan_day_30_revisits_liechtenstein", |b| {
        b.iter(|| plan_day(&graph, &adj, &shift, black_box(&revisits), now, &opts).unwrap())
    });
    g.bench_function("plan_day_30_revisits_liechtenstein_filled", |b| {
        b.iter(filled_day)
    });
    g.finish();
}
