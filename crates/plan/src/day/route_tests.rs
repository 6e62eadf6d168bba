//! Day-route tests on a synthetic grid: laws (appointments inside their windows, route inside
//! the shift), reasons for every unserved revisit, gaps and the walk-planner seam.

use super::rng::Rng;
use super::route::*;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use feltkart_graph::{GEdge, GNode, GraphStats, WalkGraph};
use feltkart_model::{
    Attempt, HighwayClass, LonLat, NodeId, OsmNodeId, OsmWayId, Outcome, Place, Revisit, RevisitId,
    RevisitMode, TeamId, TimeSlot, Window,
};
use petgraph::graph::UnGraph;

const W: usize = 8; // grid W × W, 100 m edges = 80 s at 1.25 m/s

fn grid() -> WalkGraph {
    let mut g = UnGraph::new_undirected();
    let pt = |i: usize| LonLat {
        lon: 10.0 + (i % W) as f64 * 0.0015,
        lat: 55.0 + (i / W) as f64 * 0.0009,
    };
    let ids: Vec<_> = (0..W * W)
        .map(|i| {
            g.add_node(GNode {
                osm: OsmNodeId(i as i64),
                at: pt(i),
            })
        })
        .collect();
    for i in 0..W * W {
        for j in [i + 1, i + W] {
            if (j == i + 1 && i % W == W - 1) || j >= W * W {
                continue;
            }
            g.add_edge(
                ids[i],
                ids[j],
                GEdge {
                    way: OsmWayId(1),
                    length_m: 100.0,
                    class: HighwayClass::Residential,
                    name: None,
                    lit: None,
                    surface: None,
                    coords: vec![pt(i), pt(j)],
                },
            );
        }
    }
    WalkGraph {
        graph: g,
        stats: GraphStats::default(),
    }
}

fn t(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn shift() -> Shift {
    Shift {
        date: NaiveDate::from_ymd_opt(2026, 12, 8).unwrap(),
        start: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(16, 0, 0).unwrap(),
        start_vertex: NodeId(0),
        end_vertex: NodeId(0),
    }
}

fn appt(id: u64, v: u32, start: &str, end: &str) -> Revisit {
    Revisit {
        id: RevisitId(id),
        place: Place {
            at: LonLat {
                lon: 10.0,
                lat: 55.0,
            },
            vertex: Some(NodeId(v)),
        },
        mode: RevisitMode::Appointment {
            window: Window {
                start: t(start),
                end: t(end),
            },
        },
        priority: 3,
        team: TeamId(1),
        attempts: vec![],
    }
}

fn search(id: u64, v: u32, priority: u8) -> Revisit {
    Revisit {
        mode: RevisitMode::Search {
            due: NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(),
        },
        priority,
        ..appt(id, v, "2026-12-08 12:00", "2026-12-08 13:00")
    }
}

const NOW: &str = "2026-12-08 08:00";

fn plan(revisits: &[Revisit]) -> DayRoute {
    let g = grid();
    plan_day(
        &g,
        &g.adjacency(),
        &shift(),
        revisits,
        t(NOW),
        &DayOptions::default(),
    )
    .unwrap()
}

/// The laws: appointments served inside their windows (arrival and whole visit), the route
/// inside the shift, times consistent with the legs, every revisit either served or reported.
fn assert_laws(day: &DayRoute, revisits: &[Revisit], opts: &DayOptions) {
    let (s0, s1) = (day.shift.starts(), day.shift.ends());
    let mut clock = s0;
    for (k, st) in day.stops.iter().enumerate() {
        let walk = TimeDelta::seconds(i64::from(day.legs[k].walk_s));
        assert_eq!(st.arrive, clock + walk, "arrival follows the leg");
        assert!(st.start >= st.arrive);
        assert_eq!(
            st.depart,
            st.start + TimeDelta::seconds(i64::from(opts.service_s))
        );
        let r = revisits.iter().find(|r| r.id == st.revisit).unwrap();
        if let RevisitMode::Appointment { window } = r.mode {
            assert!(st.appointment);
            assert!(
                st.start >= window.start && st.depart <= window.end,
                "{:?} outside {window:?}",
                st
            );
        }
        clock = st.depart;
    }
    assert!(day.stops.first().is_none_or(|s| s.arrive >= s0));
    assert!(
        day.back <= s1 && day.back >= clock,
        "back {} after shift end {s1}",
        day.back
    );
    assert_eq!(day.legs.len(), day.stops.len() + 1);
    let mut ids: Vec<RevisitId> = day
        .stops
        .iter()
        .map(|s| s.revisit)
        .chain(day.unserved.iter().map(|u| u.0))
        .collect();
    ids.sort_unstable();
    let mut want: Vec<RevisitId> = revisits.iter().map(|r| r.id).collect();
    want.sort_unstable();
    assert_eq!(ids, want, "every revisit served or reported exactly once");
    for g in &day.gaps {
        assert!(g.from < g.to && g.from >= s0 && g.to <= s1);
    }
}

#[test]
fn keeps_appointments_and_adds_searches() {
    let rs = vec![
        appt(1, 63, "2026-12-08 13:00", "2026-12-08 13:30"),
        appt(2, 7, "2026-12-08 14:30", "2026-12-08 15:00"),
        search(3, 35, 5),
        search(4, 36, 1),
    ];
    let day = plan(&rs);
    assert_laws(&day, &rs, &DayOptions::default());
    assert_eq!(day.stops.len(), 4, "{:?}", day.unserved);
    assert!(day.unserved.is_empty());
    // Legs follow the graph: 100 m per edge.
    for l in &day.legs {
        assert!((l.length_m - 100.0 * (l.vertices.len().max(1) - 1) as f64).abs() < 1e-6);
    }
}

#[test]
fn bad_and_conflicting_revisits_are_reported_with_reasons() {
    let mut unsnapped = search(6, 0, 3);
    unsnapped.place.vertex = None;
    let rs = vec![
        appt(1, 63, "2026-12-08 13:00", "2026-12-08 13:10"),
        // Same window at the far corner of the other axis: cannot meet both.
        appt(2, 7 * W as u32, "2026-12-08 13:00", "2026-12-08 13:10"),
        appt(3, 5, "2026-12-08 13:30", "2026-12-08 13:00"), // ends before it starts
        appt(4, 5, "2026-12-07 13:00", "2026-12-07 13:30"), // in the past
        appt(5, 5, "2026-12-08 18:00", "2026-12-08 19:00"), // outside the shift
        unsnapped,
        appt(7, 63, "2026-12-08 12:00", "2026-12-08 12:10"), // too far to reach in 10 min
        appt(8, 5, "2026-12-08 15:58", "2026-12-08 16:30"),  // only 2 min inside the shift
        appt(9, 9999, "2026-12-08 13:00", "2026-12-08 13:30"),
    ];
    let day = plan(&rs);
    assert_laws(&day, &rs, &DayOptions::default());
    let reason = |id: u64| {
        day.unserved
            .iter()
            .find(|u| u.0 == RevisitId(id))
            .map(|u| u.1.clone())
            .unwrap_or_else(|| panic!("rv{id} not reported"))
    };
    let served: Vec<u64> = day.stops.iter().map(|s| s.revisit.0).collect();
    assert_eq!(served.len(), 1, "{served:?}");
    let other = if served[0] == 1 { 2 } else { 1 };
    assert_eq!(
        reason(other),
        Unserved::ConflictsWith(vec![RevisitId(served[0])])
    );
    assert!(
        reason(other)
            .to_string()
            .contains(&format!("rv{}", served[0]))
    );
    assert!(matches!(reason(3), Unserved::Invalid(_)));
    assert!(reason(3).to_string().contains("ends at"));
    assert!(matches!(reason(4), Unserved::Invalid(_)));
    assert_eq!(reason(5), Unserved::OutsideShift);
    assert_eq!(reason(6), Unserved::NotSnapped);
    assert!(
        matches!(reason(7), Unserved::Unreachable { .. }),
        "{:?}",
        reason(7)
    );
    assert_eq!(reason(8), Unserved::WindowTooShort);
    assert_eq!(reason(9), Unserved::VertexNotInGraph(NodeId(9999)));
}

#[test]
fn searches_go_by_priority_when_time_is_short() {
    // A 40-minute shift: room for two visits at the far side (11 edges = 880 s each way).
    let g = grid();
    let mut sh = shift();
    sh.end = NaiveTime::from_hms_opt(12, 40, 0).unwrap();
    let rs: Vec<Revisit> = (0..6)
        .map(|i| {
            if i < 2 {
                search(i, 60, 5)
            } else {
                search(i, 61 + i as u32 % 3, 1)
            }
        })
        .collect();
    let day = plan_day(&g, &g.adjacency(), &sh, &rs, t(NOW), &DayOptions::default()).unwrap();
    assert_laws(&day, &rs, &DayOptions::default());
    let served: Vec<u64> = day.stops.iter().map(|s| s.revisit.0).collect();
    let mut sorted = served.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![0, 1], "the priority-5 searches first");
    assert!(
        day.unserved
            .iter()
            .all(|u| matches!(u.1, Unserved::NoRoom | Unserved::Unreachable { .. }))
    );
}

#[test]
fn gaps_are_offered_to_the_walk_planner() {
    let rs = vec![appt(1, 1, "2026-12-08 13:00", "2026-12-08 13:30")];
    let day = plan(&rs);
    // Start → the appointment (waiting for it), and the appointment → the end of the shift.
    assert_eq!(day.gaps.len(), 2, "{:?}", day.gaps);
    assert_eq!(day.gaps[0].before, Some(RevisitId(1)));
    assert_eq!(day.gaps[0].from, t("2026-12-08 12:00"));
    assert_eq!(day.gaps[0].to, t("2026-12-08 13:00"));
    assert_eq!(day.gaps[0].direct_s, 80);
    assert_eq!(
        (day.gaps[0].from_vertex, day.gaps[0].to_vertex),
        (NodeId(0), NodeId(1))
    );
    assert_eq!(day.gaps[1].from, t("2026-12-08 13:05"));
    assert_eq!(day.gaps[1].to, t("2026-12-08 16:00"));
    let g = grid();
    let times: Vec<f64> = g.graph.edge_indices().map(|_| 80.0).collect();
    let e = |a: u32, b: u32| {
        g.graph
            .find_edge(
                petgraph::graph::NodeIndex::new(a as usize),
                petgraph::graph::NodeIndex::new(b as usize),
            )
            .unwrap()
    };
    let mut asked = 0;
    let walks = day.fill_gaps(&g, &times, &mut |gap: &Gap| {
        asked += 1;
        if gap.before.is_some() {
            // 0 → 8 → 9 → 1: 240 s, fits.
            Some(GapWalk {
                vertices: vec![NodeId(0), NodeId(8), NodeId(9), NodeId(1)],
                edges: vec![e(0, 8), e(8, 9), e(9, 1)],
            })
        } else {
            // Does not end at the shift's end vertex.
            Some(GapWalk {
                vertices: vec![NodeId(1), NodeId(2)],
                edges: vec![e(1, 2)],
            })
        }
    });
    assert_eq!(asked, 2);
    assert_eq!(
        walks.len(),
        1,
        "only the walk that connects and fits is kept"
    );
    let track = day.track(&times, &walks, DayOptions::default().service_s);
    assert_eq!(track.filled_legs, vec![0]);
    assert_eq!(track.nodes.len(), track.edges.len() + 1);
    assert_eq!(track.visits[0].start, t("2026-12-08 13:00"));
    assert_eq!(track.visits[0].arrive, t("2026-12-08 12:04"));
    // 4 edges of 80 s walked: 3 in the gap walk, 1 back to the start.
    assert!((track.walk_s - 320.0).abs() < 1e-9);
    // A wait stop before the visit, then the visit.
    let kinds: Vec<&str> = track.stops.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(kinds, ["wait", "appointment"]);
}

#[test]
fn snapping_picks_the_nearer_end() {
    let g = grid();
    let idx = g.snap_index();
    let mut rs = vec![search(1, 0, 3)];
    rs[0].place.vertex = None;
    rs[0].place.at = LonLat {
        lon: 10.0015 * 1.0 + 0.0001,
        lat: 55.0,
    };
    snap_revisits(&g, &idx, &mut rs);
    assert_eq!(rs[0].place.vertex, Some(NodeId(1)));
}

#[test]
fn law_random_days() {
    let mut rng = Rng::new(5);
    let g = grid();
    let adj = g.adjacency();
    let opts = DayOptions {
        solve: super::tsptw::SolveOptions {
            seed: 1,
            iterations: 100,
        },
        ..DayOptions::default()
    };
    let mut checked = 0;
    for case in 0..40 {
        let rs: Vec<Revisit> = (0..1 + rng.below(12))
            .map(|i| {
                let v = rng.below(W * W) as u32;
                if rng.below(2) == 0 {
                    let start = t("2026-12-08 11:30") + TimeDelta::minutes(rng.below(260) as i64);
                    let end = start + TimeDelta::minutes(10 + rng.below(50) as i64);
                    let mut r = appt(i as u64, v, "2026-12-08 12:00", "2026-12-08 12:30");
                    r.mode = RevisitMode::Appointment {
                        window: Window { start, end },
                    };
                    r
                } else {
                    let mut r = search(i as u64, v, 1 + rng.below(5) as u8);
                    // Sometimes a failed try earlier, at noon-ish or in the afternoon.
                    if rng.below(2) == 0 {
                        let at = t("2026-12-01 11:00") + TimeDelta::minutes(rng.below(420) as i64);
                        r.attempts.push(Attempt::new(at, Outcome::NoAnswer));
                    }
                    r
                }
            })
            .collect();
        let mut sh = shift();
        sh.start = NaiveTime::from_hms_opt(11 + rng.below(3) as u32, 0, 0).unwrap();
        let day = plan_day(&g, &adj, &sh, &rs, t(NOW), &opts).unwrap();
        assert_laws(&day, &rs, &opts);
        // Law: a search never lands in the slot of its previous failed attempt (the shift
        // always spans two slots here, so another is possible).
        for st in &day.stops {
            let r = rs.iter().find(|r| r.id == st.revisit).unwrap();
            if let Some(a) = r.attempts.last() {
                assert_ne!(TimeSlot::of(st.start), a.slot, "case {case}: {st:?}");
                checked += 1;
            }
        }
        let _ = case;
    }
    assert!(
        checked > 20,
        "only {checked} served searches with a failed try"
    );
}

#[test]
fn searches_avoid_the_slot_of_their_last_failure() {
    // Shift 12:00–16:00 = midday 12–14 + afternoon 14–16. Failed at midday last week:
    // this visit must start in the afternoon.
    let mut r = search(1, 1, 3);
    r.attempts
        .push(Attempt::new(t("2026-12-01 12:30"), Outcome::NoteLeft));
    let day = plan(std::slice::from_ref(&r));
    assert_eq!(day.stops.len(), 1);
    assert!(
        day.stops[0].start >= t("2026-12-08 14:00"),
        "{:?}",
        day.stops[0]
    );
    // A shift entirely inside the failed slot cannot serve it, and says why.
    let g = grid();
    let mut sh = shift();
    sh.end = NaiveTime::from_hms_opt(14, 0, 0).unwrap();
    let day = plan_day(
        &g,
        &g.adjacency(),
        &sh,
        &[r.clone()],
        t(NOW),
        &DayOptions::default(),
    )
    .unwrap();
    assert!(day.stops.is_empty());
    assert!(matches!(
        day.unserved[0].1,
        Unserved::SameSlotAsLastFailure(_)
    ));
    assert!(day.unserved[0].1.to_string().contains("weekday_midday"));
    // Switched off, it may be served in that slot.
    let opts = DayOptions {
        avoid_last_failed_slot: false,
        ..DayOptions::default()
    };
    let day = plan_day(&g, &g.adjacency(), &sh, &[r], t(NOW), &opts).unwrap();
    assert_eq!(day.stops.len(), 1);
}

#[test]
fn too_far_for_the_shift_is_unreachable_not_pathless() {
    // A 20-minute shift: the far corner (14 edges = 1120 s) is beyond the matrix cutoff.
    let g = grid();
    let mut sh = shift();
    sh.end = NaiveTime::from_hms_opt(12, 20, 0).unwrap();
    let mut island = grid();
    let lonely = island.graph.add_node(GNode {
        osm: OsmNodeId(999),
        at: LonLat {
            lon: 11.0,
            lat: 56.0,
        },
    });
    let rs = vec![search(1, 63, 3), search(2, lonely.index() as u32, 3)];
    let day = plan_day(
        &g,
        &g.adjacency(),
        &sh,
        &rs[..1],
        t(NOW),
        &DayOptions::default(),
    )
    .unwrap();
    assert!(
        matches!(day.unserved[0].1, Unserved::Unreachable { .. }),
        "{:?}",
        day.unserved
    );
    let day = plan_day(
        &island,
        &island.adjacency(),
        &sh,
        &rs,
        t(NOW),
        &DayOptions::default(),
    )
    .unwrap();
    let reason = |id| {
        day.unserved
            .iter()
            .find(|u| u.0 == RevisitId(id))
            .unwrap()
            .1
            .clone()
    };
    assert!(matches!(reason(1), Unserved::Unreachable { .. }));
    assert_eq!(reason(2), Unserved::NoPath);
}

#[test]
fn walk_sheet_and_determinism() {
    let rs = vec![
        appt(1, 63, "2026-12-08 13:00", "2026-12-08 13:30"),
        search(2, 35, 5),
    ];
    let g = grid();
    let day = plan(&rs);
    assert_eq!(day, plan(&rs), "same input and seed, same day");
    let csv = day.walk_sheet_csv(&g);
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines[0],
        "seq,arrive,start,depart,kind,revisit,vertex,lon,lat,walk_min"
    );
    assert_eq!(lines.len(), 1 + 2 + day.stops.len());
    assert!(lines[1].starts_with("0,,,2026-12-08 12:00,start,,v0,10.000000,55.000000,"));
    assert!(csv.contains(",appointment,rv1,v63,"));
    assert!(lines.last().unwrap().contains(",end,,v0,"));
}
