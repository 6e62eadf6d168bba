//! Routes with times, and their exports for field pairs: GPX 1.1 (a track plus waypoints for
//! stops, which phone navigation apps open), GeoJSON (RFC 7946, per-leg properties, stops as
//! points, attribution) and a plain-text walk sheet (turn list by street name with times).
//!
//! Both planners (the observation walk and the day route) produce a vertex/edge sequence on the
//! walking graph with a time per edge; [`timed_route`] turns that into a [`TimedRoute`], which
//! every export reads.

mod geojson_out;
mod gpx_out;
mod sheet;

pub use geojson_out::to_geojson;
pub use gpx_out::to_gpx;
pub use sheet::walk_sheet;

use chrono::{FixedOffset, NaiveDateTime, TimeDelta};
use feltkart_graph::WalkGraph;
use feltkart_model::LonLat;
use petgraph::graph::{EdgeIndex, NodeIndex};

/// The attribution every export derived from OpenStreetMap carries (ODbL).
pub const ATTRIBUTION: &str = "© OpenStreetMap contributors";

/// A point of the track with the local time the pair passes it.
#[derive(Clone, Debug, PartialEq)]
pub struct TimedPoint {
    /// Position.
    pub at: LonLat,
    /// Local time.
    pub time: NaiveDateTime,
}

/// A leg: consecutive edges along one street (same name, or unnamed).
#[derive(Clone, Debug, PartialEq)]
pub struct RouteLeg {
    /// 1-based sequence number.
    pub sequence: usize,
    /// Street name, if the street has one.
    pub street: Option<String>,
    /// Length in metres.
    pub metres: f64,
    /// Local time at the start of the leg.
    pub depart: NaiveDateTime,
    /// Local time at its end.
    pub arrive: NaiveDateTime,
    /// Indices into [`TimedRoute::points`]: the leg's first and last point.
    pub points: (usize, usize),
    /// Metres of it on unlit streets (`lit=no`).
    pub unlit_m: f64,
}

/// A stop on the route (a dwell stop, or a revisit).
#[derive(Clone, Debug, PartialEq)]
pub struct RouteStop {
    /// Short name shown on the phone (`Stop 3: pitch`, `Revisit R12`); never a person's name.
    pub name: String,
    /// Kind (`dwell`, `appointment`, `search`).
    pub kind: String,
    /// Position.
    pub at: LonLat,
    /// Local arrival time.
    pub arrive: NaiveDateTime,
    /// Local departure time.
    pub depart: NaiveDateTime,
}

/// A stop to place on a route: at the route's `position`-th vertex, for `dwell_s` seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct StopAt {
    /// Index into the route's vertex list.
    pub position: usize,
    /// Seconds spent there.
    pub dwell_s: f64,
    /// Short name (no personal data).
    pub name: String,
    /// Kind.
    pub kind: String,
}

/// A route with times: what GPX, GeoJSON and walk sheets are made from.
#[derive(Clone, Debug, PartialEq)]
pub struct TimedRoute {
    /// Title (`Walk 2026-12-01 19:00, young-people`).
    pub title: String,
    /// The municipality's UTC offset at that date (GPX times are UTC).
    pub utc_offset: FixedOffset,
    /// Track points in order.
    pub points: Vec<TimedPoint>,
    /// Street legs in order.
    pub legs: Vec<RouteLeg>,
    /// Stops in order.
    pub stops: Vec<RouteStop>,
}

impl TimedRoute {
    /// Total length in metres.
    #[must_use]
    pub fn metres(&self) -> f64 {
        self.legs.iter().map(|l| l.metres).sum()
    }

    /// Metres on unlit streets.
    #[must_use]
    pub fn unlit_m(&self) -> f64 {
        self.legs.iter().map(|l| l.unlit_m).sum()
    }
}

fn secs(s: f64) -> TimeDelta {
    #[allow(clippy::cast_possible_truncation)]
    TimeDelta::milliseconds((s * 1000.0).round() as i64)
}

/// A planned route to put times on.
#[derive(Clone, Debug)]
pub struct RouteInput<'a> {
    /// Vertices in order, as the planners return them.
    pub nodes: &'a [NodeIndex],
    /// Edges in order: `edges[i]` joins `nodes[i]` and `nodes[i + 1]`.
    pub edges: &'a [EdgeIndex],
    /// Seconds each edge of the graph takes (indexed by edge).
    pub edge_time_s: &'a [f64],
    /// Local departure time.
    pub start: NaiveDateTime,
    /// Where the pair stops, in route order.
    pub stops: &'a [StopAt],
    /// Title.
    pub title: &'a str,
    /// The municipality's UTC offset on that date.
    pub utc_offset: FixedOffset,
}

/// Put times on a route. Points along an edge get times in proportion to distance.
/// Consecutive edges of the same street make one leg.
///
/// Complexity: O(points of the route's geometry).
#[must_use]
pub fn timed_route(g: &WalkGraph, r: &RouteInput<'_>) -> TimedRoute {
    let RouteInput {
        nodes,
        edges,
        edge_time_s,
        start,
        stops,
        title,
        utc_offset,
    } = *r;
    let mut t = start;
    let mut points = Vec::new();
    let mut legs: Vec<RouteLeg> = Vec::new();
    let mut out_stops = Vec::new();
    let mut stop_iter = stops.iter().peekable();
    let at_vertex = |v: NodeIndex| g.graph.node_weight(v).map(|n| n.at);
    // A stop: the pair waits at the vertex; the track holds a point at the end of the wait.
    let make_stop = |s: &StopAt,
                     t: &mut NaiveDateTime,
                     out: &mut Vec<RouteStop>,
                     points: &mut Vec<TimedPoint>| {
        if let Some(at) = nodes.get(s.position).and_then(|&v| at_vertex(v)) {
            let depart = *t + secs(s.dwell_s);
            out.push(RouteStop {
                name: s.name.clone(),
                kind: s.kind.clone(),
                at,
                arrive: *t,
                depart,
            });
            *t = depart;
            points.push(TimedPoint { at, time: depart });
        }
    };
    if let Some(at) = nodes.first().and_then(|&v| at_vertex(v)) {
        points.push(TimedPoint { at, time: t });
    }
    for (i, &e) in edges.iter().enumerate() {
        while let Some(s) = stop_iter.next_if(|s| s.position <= i) {
            make_stop(s, &mut t, &mut out_stops, &mut points);
        }
        let Some(edge) = g.graph.edge_weight(e) else {
            continue;
        };
        let forward = g
            .graph
            .edge_endpoints(e)
            .is_some_and(|(a, _)| Some(&a) == nodes.get(i));
        let mut coords = edge.coords.clone();
        if !forward {
            coords.reverse();
        }
        let total = edge.length_m.max(f64::MIN_POSITIVE);
        let dt = edge_time_s
            .get(e.index())
            .copied()
            .filter(|x| x.is_finite())
            .unwrap_or(0.0);
        let depart = t;
        let first_point = points.len().saturating_sub(1);
        let mut along = 0.0;
        for w in coords.windows(2) {
            along += w[0].distance_m(w[1]);
            points.push(TimedPoint {
                at: w[1],
                time: depart + secs(dt * (along / total).min(1.0)),
            });
        }
        t = depart + secs(dt);
        let unlit = if edge.lit == Some(false) {
            edge.length_m
        } else {
            0.0
        };
        match legs.last_mut() {
            Some(l) if l.street == edge.name => {
                l.metres += edge.length_m;
                l.arrive = t;
                l.points.1 = points.len() - 1;
                l.unlit_m += unlit;
            }
            _ => legs.push(RouteLeg {
                sequence: legs.len() + 1,
                street: edge.name.clone(),
                metres: edge.length_m,
                depart,
                arrive: t,
                points: (first_point, points.len() - 1),
                unlit_m: unlit,
            }),
        }
    }
    for s in stop_iter {
        make_stop(s, &mut t, &mut out_stops, &mut points);
    }
    TimedRoute {
        title: title.to_owned(),
        utc_offset,
        points,
        legs,
        stops: out_stops,
    }
}

#[cfg(test)]
mod tests;
