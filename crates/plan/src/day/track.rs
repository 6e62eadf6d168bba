//! One connected walk for the whole day: the route's legs, with the gaps the walk planner
//! filled put in place of their legs, and the visits (and the waits before them) as stops at
//! their planned times. This is what the GPX, GeoJSON and walk sheet are made from
//! ([`crate::export::timed_route`]).
//!
//! Times come from one per-edge table (`edge_time_s`, seconds, indexed by edge): the same
//! table must have been used to plan the gap walks. With `length / speed` (the day route's
//! pace) the track's times match the plan to within a second per leg (the route's travel
//! times are whole seconds).

use super::route::{DayRoute, Gap, GapFiller, GapWalk};
use crate::export::{RouteInput, StopAt, TimedRoute, timed_route};
use chrono::NaiveDateTime;
use feltkart_graph::WalkGraph;
use feltkart_model::{NodeId, RevisitId};
use petgraph::graph::{EdgeIndex, NodeIndex};

/// Waits shorter than this are not shown as stops of their own, s.
const SHOWN_WAIT_S: f64 = 60.0;

/// A visit on the assembled track.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrackVisit {
    /// The revisit.
    pub revisit: RevisitId,
    /// Whether it is a promised appointment.
    pub appointment: bool,
    /// Arrival on the track, local time (whole seconds, rounded).
    pub arrive: NaiveDateTime,
    /// Start of the visit: the planned start, or the arrival if that is later.
    pub start: NaiveDateTime,
}

/// The day as one walk.
#[derive(Clone, Debug, PartialEq)]
pub struct DayTrack {
    /// Vertices in walking order, from the shift's start to its end.
    pub nodes: Vec<NodeIndex>,
    /// Edges: `edges[i]` joins `nodes[i]` and `nodes[i + 1]`.
    pub edges: Vec<EdgeIndex>,
    /// Waits and visits, in order, for [`crate::export::timed_route`].
    pub stops: Vec<StopAt>,
    /// The visits with their times on the track.
    pub visits: Vec<TrackVisit>,
    /// Back at the end vertex, local time.
    pub back: NaiveDateTime,
    /// Walking time, s.
    pub walk_s: f64,
    /// Walking time of the gap walks, s.
    pub observation_s: f64,
    /// Legs replaced by a gap walk.
    pub filled_legs: Vec<usize>,
}

impl DayTrack {
    /// The track with times from `start` (the shift's start), titled
    /// `Day DATE HH:MM-HH:MM, PROFILE`: what GPX, GeoJSON and the walk sheet are written from.
    /// `edge_time_s` must be the table the track was assembled with.
    #[must_use]
    pub fn timed(
        &self,
        graph: &WalkGraph,
        edge_time_s: &[f64],
        shift: &super::route::Shift,
        profile: &str,
        utc_offset: chrono::FixedOffset,
    ) -> TimedRoute {
        let title = format!(
            "Day {} {}-{}, {profile}",
            shift.date,
            shift.start.format("%H:%M"),
            shift.end.format("%H:%M"),
        );
        timed_route(
            graph,
            &RouteInput {
                nodes: &self.nodes,
                edges: &self.edges,
                edge_time_s,
                start: shift.starts(),
                stops: &self.stops,
                title: &title,
                utc_offset,
            },
        )
    }
}

fn secs(s: f64) -> chrono::TimeDelta {
    #[allow(clippy::cast_possible_truncation)]
    chrono::TimeDelta::milliseconds((s * 1000.0).round() as i64)
}

/// Whether `w` is a walk on `graph` from the gap's start to its end.
fn connects(graph: &WalkGraph, gap: &Gap, w: &GapWalk) -> bool {
    let g = &graph.graph;
    w.vertices.first() == Some(&gap.from_vertex)
        && w.vertices.last() == Some(&gap.to_vertex)
        && w.edges.len() + 1 == w.vertices.len()
        && w.edges.iter().zip(w.vertices.windows(2)).all(|(&e, p)| {
            let (a, b) = (
                NodeIndex::new(p[0].0 as usize),
                NodeIndex::new(p[1].0 as usize),
            );
            g.edge_endpoints(e)
                .is_some_and(|(x, y)| (x, y) == (a, b) || (x, y) == (b, a))
        })
}

/// Walking time of `edges` under `edge_time_s` (a missing or non-finite entry: infinite).
fn walk_time(edge_time_s: &[f64], edges: &[EdgeIndex]) -> f64 {
    edges
        .iter()
        .map(|e| edge_time_s.get(e.index()).copied().unwrap_or(f64::INFINITY))
        .sum()
}

impl DayRoute {
    /// Ask `filler` for a walk in every gap, in time order; keep those that are connected walks
    /// from the gap's start to its end on `graph` and take at most the gap's time under
    /// `edge_time_s`.
    pub fn fill_gaps(
        &self,
        graph: &WalkGraph,
        edge_time_s: &[f64],
        filler: &mut impl GapFiller,
    ) -> Vec<(Gap, GapWalk)> {
        self.gaps
            .iter()
            .filter_map(|g| {
                let w = filler.fill(g)?;
                #[allow(clippy::cast_precision_loss)]
                let fits = walk_time(edge_time_s, &w.edges) <= g.seconds() as f64;
                (connects(graph, g, &w) && fits).then_some((*g, w))
            })
            .collect()
    }

    /// The day as one connected walk: each leg, or the gap walk that replaces it (from
    /// [`DayRoute::fill_gaps`]), then a wait until the visit's planned start (shown as a stop
    /// when a minute or longer) and the visit itself (`service_s`).
    #[must_use]
    pub fn track(
        &self,
        edge_time_s: &[f64],
        filled: &[(Gap, GapWalk)],
        service_s: u32,
    ) -> DayTrack {
        let s0 = self.shift.starts();
        let mut t = 0.0_f64; // seconds since the shift's start
        let mut nodes = vec![NodeIndex::new(self.shift.start_vertex.0 as usize)];
        let mut edges = Vec::new();
        let mut stops = Vec::new();
        let mut visits = Vec::new();
        let (mut walk_s, mut observation_s) = (0.0, 0.0);
        let mut filled_legs = Vec::new();
        for (k, leg) in self.legs.iter().enumerate() {
            let (vs, es): (Vec<NodeId>, &[EdgeIndex]) =
                match filled.iter().find(|(g, _)| g.leg == k) {
                    Some((_, w)) => {
                        filled_legs.push(k);
                        observation_s += walk_time(edge_time_s, &w.edges);
                        (w.vertices.clone(), &w.edges)
                    }
                    None => (leg.vertices.clone(), &leg.edges),
                };
            let dt = walk_time(edge_time_s, es);
            walk_s += dt;
            t += dt;
            edges.extend_from_slice(es);
            nodes.extend(vs.iter().skip(1).map(|v| NodeIndex::new(v.0 as usize)));
            let Some(st) = self.stops.get(k) else {
                continue;
            };
            let planned = (st.start - s0).num_milliseconds() as f64 / 1000.0;
            let arrive = t;
            let wait = planned - t;
            if wait >= SHOWN_WAIT_S {
                stops.push(StopAt {
                    position: nodes.len() - 1,
                    dwell_s: wait,
                    name: format!("Wait for {}", st.revisit),
                    kind: "wait".into(),
                });
            }
            t = t.max(planned);
            // A short wait is part of the visit's stop.
            let short_wait = if (0.0..SHOWN_WAIT_S).contains(&wait) {
                wait
            } else {
                0.0
            };
            stops.push(StopAt {
                position: nodes.len() - 1,
                dwell_s: short_wait + f64::from(service_s),
                name: if st.appointment {
                    format!("Appointment {}", st.revisit)
                } else {
                    format!("Search {}", st.revisit)
                },
                kind: if st.appointment {
                    "appointment"
                } else {
                    "search"
                }
                .into(),
            });
            visits.push(TrackVisit {
                revisit: st.revisit,
                appointment: st.appointment,
                arrive: s0 + secs(arrive.round()),
                start: s0 + secs(t.round()),
            });
            t += f64::from(service_s);
        }
        DayTrack {
            nodes,
            edges,
            stops,
            visits,
            back: s0 + secs(t.round()),
            walk_s,
            observation_s,
            filled_legs,
        }
    }
}
