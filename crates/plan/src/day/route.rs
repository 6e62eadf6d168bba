//! The day route of one pair: promised appointments kept, search revisits added where they
//! fit by priority, and the idle time left as gaps that the observation-walk planner can fill.
//!
//! Units: walking times in whole seconds (metres ÷ `speed_mps`, rounded), distances in metres,
//! clock times as local [`NaiveDateTime`]. An appointment is served when the pair arrives
//! and finishes the service inside the promised window (service start ≥ window start,
//! service start + service time ≤ window end); a search revisit can be served any time in the
//! shift. Every revisit that is not served is reported with its reason, never dropped.
//!
//! Complexity: one bounded Dijkstra per distinct place (O(k (V + E) log V) for k places) for
//! the travel matrix and the legs, then the TSPTW heuristic ([`super::tsptw`]).

use super::tsptw::{self, Instance, SolveOptions, Stop, UNREACHABLE};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use feltkart_graph::{Adjacency, ShortestPaths, SnapIndex, WalkGraph};
use feltkart_model::{NodeId, Revisit, RevisitError, RevisitId, RevisitMode, TimeSlot};
use petgraph::graph::{EdgeIndex, NodeIndex};
use std::fmt;
use thiserror::Error;

/// A pair's shift.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shift {
    /// The day the shift starts.
    pub date: NaiveDate,
    /// Start, local time.
    pub start: NaiveTime,
    /// End, local time (at or before `start`: the next day).
    pub end: NaiveTime,
    /// Where the pair starts.
    pub start_vertex: NodeId,
    /// Where the pair must be back by the end.
    pub end_vertex: NodeId,
}

impl Shift {
    /// Start as a date-time.
    #[must_use]
    pub fn starts(&self) -> NaiveDateTime {
        self.date.and_time(self.start)
    }

    /// End as a date-time (the next day if `end <= start`).
    #[must_use]
    pub fn ends(&self) -> NaiveDateTime {
        let e = self.date.and_time(self.end);
        if self.end <= self.start {
            e + TimeDelta::days(1)
        } else {
            e
        }
    }
}

/// Day-route settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DayOptions {
    /// Walking speed, m/s (the peers' 4.5 km/h = 1.25 m/s).
    pub speed_mps: f64,
    /// Time spent at each revisit, s.
    pub service_s: u32,
    /// Objective cost of leaving one search revisit of priority 1 unserved (× priority), in
    /// seconds of walking. Default 1 000 000: serve as many as possible, then walk least.
    pub search_penalty: u64,
    /// Cost of breaking one promise (appointments rank above any number of searches).
    pub appointment_penalty: u64,
    /// Never start a search visit in the slot of its last failed attempt (the next-try
    /// policy's rule): the visit's window is narrowed to the longest part of the shift in
    /// other slots. Default true.
    pub avoid_last_failed_slot: bool,
    /// Heuristic settings.
    pub solve: SolveOptions,
}

impl Default for DayOptions {
    fn default() -> Self {
        Self {
            speed_mps: 1.25,
            service_s: 300,
            search_penalty: 1_000_000,
            appointment_penalty: 1_000_000_000,
            avoid_last_failed_slot: true,
            solve: SolveOptions::default(),
        }
    }
}

/// A day route that cannot be planned at all.
#[derive(Clone, Debug, PartialEq, Error)]
pub enum DayError {
    /// A shift vertex is not in the graph.
    #[error("shift {what} vertex {vertex} is not in the walking graph ({nodes} vertices)")]
    ShiftVertex {
        /// "start" or "end".
        what: &'static str,
        /// The vertex.
        vertex: NodeId,
        /// Graph size.
        nodes: usize,
    },
    /// Walking speed not positive and finite.
    #[error("walking speed {0} m/s must be positive and finite")]
    Speed(f64),
    /// The end cannot be reached from the start within the shift.
    #[error("shift: {0}")]
    Route(#[from] tsptw::TsptwError),
}

/// Why a revisit is not on the route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unserved {
    /// The revisit is invalid (window order, window over, priority, attempt slots).
    Invalid(RevisitError),
    /// No graph vertex: snap it first ([`snap_revisits`]).
    NotSnapped,
    /// Its vertex is not in the graph.
    VertexNotInGraph(NodeId),
    /// The promised window does not overlap the shift.
    OutsideShift,
    /// The part of the window inside the shift is shorter than the service time.
    WindowTooShort,
    /// No walking path between the place and the shift's start or end.
    NoPath,
    /// Even alone on the route it cannot be reached before its window closes (or the pair
    /// could not get back to the end in time).
    Unreachable {
        /// Earliest possible arrival.
        earliest_arrival: NaiveDateTime,
        /// Latest service start allowed.
        latest_start: NaiveDateTime,
    },
    /// It could be served alone, but not together with these served appointments.
    ConflictsWith(Vec<RevisitId>),
    /// No room left in the shift (searches: after higher priorities).
    NoRoom,
    /// A search whose last failed attempt was in the only slot this shift offers (or in all
    /// of the shift but less than a visit's time).
    SameSlotAsLastFailure(TimeSlot),
}

impl fmt::Display for Unserved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(e) => write!(f, "invalid: {e}"),
            Self::NotSnapped => f.write_str("not snapped to the walking graph"),
            Self::VertexNotInGraph(v) => write!(f, "vertex {v} is not in the walking graph"),
            Self::OutsideShift => f.write_str("the promised window is outside the shift"),
            Self::WindowTooShort => {
                f.write_str("the promised window inside the shift is shorter than the visit")
            }
            Self::NoPath => f.write_str("no walking path from the shift's start or to its end"),
            Self::Unreachable {
                earliest_arrival,
                latest_start,
            } => write!(
                f,
                "cannot be reached in time: earliest arrival {earliest_arrival}, latest start {latest_start} (or no time to get back)"
            ),
            Self::ConflictsWith(ids) => {
                let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
                write!(f, "cannot be met together with {}", ids.join(", "))
            }
            Self::NoRoom => f.write_str("no room left in the shift"),
            Self::SameSlotAsLastFailure(slot) => write!(
                f,
                "the last try failed in {slot}, and the shift offers no other slot"
            ),
        }
    }
}

/// A revisit on the route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlannedStop {
    /// The revisit.
    pub revisit: RevisitId,
    /// Where.
    pub vertex: NodeId,
    /// Whether it is a promised appointment.
    pub appointment: bool,
    /// Arrival.
    pub arrive: NaiveDateTime,
    /// Start of the visit (after any waiting).
    pub start: NaiveDateTime,
    /// Departure.
    pub depart: NaiveDateTime,
}

/// Free time between two consecutive places of the route: from the departure at one place
/// (the shift's start or a visit) to the start of the next visit (or the end of the shift).
/// The direct leg takes `direct_s` of it; any walk from `from_vertex` to `to_vertex` that
/// takes at most `to − from` can replace the leg and the waiting without moving any visit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    /// Index of the leg it replaces ([`DayRoute::legs`]).
    pub leg: usize,
    /// Where the pair sets out.
    pub from_vertex: NodeId,
    /// Where the pair must be by `to`.
    pub to_vertex: NodeId,
    /// Departure.
    pub from: NaiveDateTime,
    /// Start of the next visit, or the end of the shift.
    pub to: NaiveDateTime,
    /// Walking time of the direct leg, s.
    pub direct_s: u32,
    /// The stop that follows (`None`: the gap at the end of the shift).
    pub before: Option<RevisitId>,
}

impl Gap {
    /// Length in seconds (the budget of a walk replacing the leg).
    #[must_use]
    pub fn seconds(&self) -> i64 {
        (self.to - self.from).num_seconds()
    }

    /// Seconds left after walking the direct leg (waiting, or the end of the shift).
    #[must_use]
    pub fn idle_seconds(&self) -> i64 {
        self.seconds() - i64::from(self.direct_s)
    }
}

/// A walk filling a gap: from the gap's `from_vertex` to its `to_vertex`.
#[derive(Clone, Debug, PartialEq)]
pub struct GapWalk {
    /// The vertices, first = `from_vertex`, last = `to_vertex`.
    pub vertices: Vec<NodeId>,
    /// The edges: `edges[i]` joins `vertices[i]` and `vertices[i + 1]`.
    pub edges: Vec<EdgeIndex>,
}

/// The seam to the observation-walk planner: given a gap, propose a walk that fits (see
/// [`super::fill::WalkGapFiller`]).
pub trait GapFiller {
    /// A walk for `gap`, or `None`.
    fn fill(&mut self, gap: &Gap) -> Option<GapWalk>;
}

impl<F: FnMut(&Gap) -> Option<GapWalk>> GapFiller for F {
    fn fill(&mut self, gap: &Gap) -> Option<GapWalk> {
        self(gap)
    }
}

/// A walking leg between two consecutive places.
#[derive(Clone, Debug, PartialEq)]
pub struct Leg {
    /// Vertices from one place to the next.
    pub vertices: Vec<NodeId>,
    /// Edges: `edges[i]` joins `vertices[i]` and `vertices[i + 1]`.
    pub edges: Vec<EdgeIndex>,
    /// Length, m.
    pub length_m: f64,
    /// Walking time, s.
    pub walk_s: u32,
}

/// A planned day.
#[derive(Clone, Debug, PartialEq)]
pub struct DayRoute {
    /// The shift.
    pub shift: Shift,
    /// Visits in order.
    pub stops: Vec<PlannedStop>,
    /// Legs: start → first stop → … → end (stops + 1 legs).
    pub legs: Vec<Leg>,
    /// Back at the end vertex.
    pub back: NaiveDateTime,
    /// Walking time of the legs, s.
    pub travel_s: u64,
    /// Free time between consecutive places, which an observation walk can fill.
    pub gaps: Vec<Gap>,
    /// Revisits not served, with the reason.
    pub unserved: Vec<(RevisitId, Unserved)>,
}

impl DayRoute {
    /// The walk sheet as CSV (RFC 4180): one row per place in order — the start, each visit,
    /// the end — with the clock times, the kind (`start`, `appointment`, `search`, `end`), the
    /// revisit id, the vertex and its position (6 decimals), and the walking minutes from the
    /// previous place. Codes and times only, no free text.
    #[must_use]
    pub fn walk_sheet_csv(&self, graph: &WalkGraph) -> String {
        use std::fmt::Write as _;
        let pos = |v: NodeId| {
            graph
                .graph
                .node_weight(NodeIndex::new(v.0 as usize))
                .map_or_else(
                    || ",".to_owned(),
                    |n| format!("{:.6},{:.6}", n.at.lon, n.at.lat),
                )
        };
        let hm = |t: NaiveDateTime| t.format("%Y-%m-%d %H:%M").to_string();
        let walk = |k: usize| self.legs.get(k).map_or(0.0, |l| f64::from(l.walk_s) / 60.0);
        let mut out =
            String::from("seq,arrive,start,depart,kind,revisit,vertex,lon,lat,walk_min\r\n");
        let s0 = self.shift.starts();
        let _ = write!(
            out,
            "0,,,{},start,,{},{},0.0\r\n",
            hm(s0),
            self.shift.start_vertex,
            pos(self.shift.start_vertex)
        );
        for (k, st) in self.stops.iter().enumerate() {
            let _ = write!(
                out,
                "{},{},{},{},{},{},{},{},{:.1}\r\n",
                k + 1,
                hm(st.arrive),
                hm(st.start),
                hm(st.depart),
                if st.appointment {
                    "appointment"
                } else {
                    "search"
                },
                st.revisit,
                st.vertex,
                pos(st.vertex),
                walk(k)
            );
        }
        let _ = write!(
            out,
            "{},{},,,end,,{},{},{:.1}\r\n",
            self.stops.len() + 1,
            hm(self.back),
            self.shift.end_vertex,
            pos(self.shift.end_vertex),
            walk(self.stops.len())
        );
        out
    }
}

/// Set each revisit's vertex to the nearer end of the edge its place snaps to.
pub fn snap_revisits(graph: &WalkGraph, index: &SnapIndex, revisits: &mut [Revisit]) {
    for r in revisits {
        if let Some(s) = index.nearest(&graph.graph, r.place.at)
            && let Some((a, b)) = graph.graph.edge_endpoints(s.edge)
        {
            let len = graph.graph[s.edge].length_m;
            let v = if s.offset_m <= len / 2.0 { a } else { b };
            r.place.vertex = u32::try_from(v.index()).ok().map(NodeId);
        }
    }
}

/// Walking times between `vertices` (seconds, rounded; [`UNREACHABLE`] beyond `cutoff_m` or
/// without a path), and the searches they came from (for the legs).
#[must_use]
pub fn travel_matrix(
    adj: &Adjacency,
    vertices: &[NodeIndex],
    speed_mps: f64,
    cutoff_m: Option<f64>,
) -> (Vec<Vec<u32>>, Vec<ShortestPaths>) {
    let searches: Vec<ShortestPaths> = vertices
        .iter()
        .map(|&v| adj.distances(&[(v, 0.0)], cutoff_m))
        .collect();
    let matrix = searches
        .iter()
        .map(|sp| {
            vertices
                .iter()
                .map(|&w| seconds(sp.dist.get(w.index()).copied(), speed_mps))
                .collect()
        })
        .collect();
    (matrix, searches)
}

fn seconds(d: Option<f64>, speed: f64) -> u32 {
    match d {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some(m) if m.is_finite() => (m / speed).round().min(f64::from(u32::MAX - 1)) as u32,
        _ => UNREACHABLE,
    }
}

/// The longest part of the shift whose slot is not `avoid`, as a service-start window
/// (seconds since shift start; the visit must start before the slot changes and end by the
/// end of the shift). Slots change only at 06, 10, 14, 18 and 22 o'clock.
fn window_avoiding(
    s0: NaiveDateTime,
    shift_s: u32,
    svc: u32,
    avoid: TimeSlot,
) -> Option<(u32, u32)> {
    let end = s0 + TimeDelta::seconds(i64::from(shift_s));
    // Cut points: shift start, every slot boundary inside the shift, shift end.
    let mut cuts = vec![s0];
    let mut day = s0.date() - TimeDelta::days(1);
    while day.and_time(NaiveTime::MIN) < end {
        for h in [6, 10, 14, 18, 22] {
            if let Some(t) = day.and_hms_opt(h, 0, 0)
                && t > s0
                && t < end
            {
                cuts.push(t);
            }
        }
        day += TimeDelta::days(1);
    }
    cuts.push(end);
    cuts.sort_unstable();
    cuts.dedup();
    // Merge consecutive allowed pieces, keep the longest.
    let mut best: Option<(i64, i64)> = None;
    let mut run: Option<(i64, i64)> = None;
    for w in cuts.windows(2) {
        let (a, b) = (secs_between(s0, w[0]), secs_between(s0, w[1]));
        if TimeSlot::of(w[0]) == avoid {
            run = None;
            continue;
        }
        let r = run.map_or((a, b), |(ra, _)| (ra, b));
        run = Some(r);
        if best.is_none_or(|(ba, bb)| r.1 - r.0 > bb - ba) {
            best = Some(r);
        }
    }
    let (a, b) = best?;
    // Start before the slot changes (b − 1 s) unless b is the shift end; end by the shift end.
    let last_start = if b == i64::from(shift_s) { b } else { b - 1 };
    let close = last_start.min(i64::from(shift_s) - i64::from(svc));
    (close >= a).then(|| (clamp_u32(a), clamp_u32(close)))
}

fn secs_between(a: NaiveDateTime, b: NaiveDateTime) -> i64 {
    (b - a).num_seconds()
}

fn clamp_u32(x: i64) -> u32 {
    u32::try_from(x.max(0)).unwrap_or(u32::MAX)
}

/// Plan the day: which revisits, in which order, at what times. `revisits` are the due ones
/// (appointments in or near the shift, open searches); `now` is the planning time (windows
/// already over are reported as invalid).
///
/// # Errors
/// A shift vertex outside the graph, a bad walking speed, or a shift too short to walk from
/// its start to its end. Problems with single revisits are reported in
/// [`DayRoute::unserved`] instead.
pub fn plan_day(
    graph: &WalkGraph,
    adj: &Adjacency,
    shift: &Shift,
    revisits: &[Revisit],
    now: NaiveDateTime,
    opts: &DayOptions,
) -> Result<DayRoute, DayError> {
    if !(opts.speed_mps.is_finite() && opts.speed_mps > 0.0) {
        return Err(DayError::Speed(opts.speed_mps));
    }
    let nodes = graph.graph.node_count();
    for (what, vertex) in [("start", shift.start_vertex), ("end", shift.end_vertex)] {
        if vertex.0 as usize >= nodes {
            return Err(DayError::ShiftVertex {
                what,
                vertex,
                nodes,
            });
        }
    }
    let s0 = shift.starts();
    let shift_s = clamp_u32(secs_between(s0, shift.ends()));
    let svc = opts.service_s;
    let mut unserved: Vec<(RevisitId, Unserved)> = Vec::new();
    // Candidate stops: (revisit index, vertex, open, close, penalty).
    let mut cands: Vec<(usize, NodeId, u32, u32, u64)> = Vec::new();
    for (i, r) in revisits.iter().enumerate() {
        if let Err(e) = r.validate(now) {
            unserved.push((r.id, Unserved::Invalid(e)));
            continue;
        }
        let Some(v) = r.place.vertex else {
            unserved.push((r.id, Unserved::NotSnapped));
            continue;
        };
        if v.0 as usize >= nodes {
            unserved.push((r.id, Unserved::VertexNotInGraph(v)));
            continue;
        }
        let prio = u64::from(r.priority.clamp(1, 5));
        match r.mode {
            RevisitMode::Appointment { window } => {
                if window.end <= s0 || window.start >= shift.ends() {
                    unserved.push((r.id, Unserved::OutsideShift));
                    continue;
                }
                let open = secs_between(s0, window.start).max(0);
                let close = secs_between(s0, window.end).min(i64::from(shift_s)) - i64::from(svc);
                if close < open {
                    unserved.push((r.id, Unserved::WindowTooShort));
                    continue;
                }
                let pen = opts.appointment_penalty + prio * opts.search_penalty;
                cands.push((i, v, clamp_u32(open), clamp_u32(close), pen));
            }
            RevisitMode::Search { .. } => {
                if shift_s < svc {
                    unserved.push((r.id, Unserved::NoRoom));
                    continue;
                }
                let last_failed = r
                    .attempts
                    .iter()
                    .filter(|a| a.outcome.is_failed_try())
                    .max_by_key(|a| a.at)
                    .map(|a| a.slot);
                let (open, close) = match last_failed {
                    Some(slot) if opts.avoid_last_failed_slot => {
                        match window_avoiding(s0, shift_s, svc, slot) {
                            Some(w) => w,
                            None => {
                                unserved.push((r.id, Unserved::SameSlotAsLastFailure(slot)));
                                continue;
                            }
                        }
                    }
                    _ => (0, shift_s - svc),
                };
                cands.push((i, v, open, close, prio * opts.search_penalty));
            }
        }
    }
    // Matrix over the distinct vertices: start, end, then the stops'.
    let mut verts: Vec<NodeId> = vec![shift.start_vertex, shift.end_vertex];
    for c in &cands {
        if !verts.contains(&c.1) {
            verts.push(c.1);
        }
    }
    let idx: Vec<NodeIndex> = verts.iter().map(|v| NodeIndex::new(v.0 as usize)).collect();
    let cutoff = f64::from(shift_s) * opts.speed_mps;
    let (matrix, searches) = travel_matrix(adj, &idx, opts.speed_mps, Some(cutoff));
    let pos = |v: NodeId| verts.iter().position(|&w| w == v).unwrap_or(0);
    let stops: Vec<Stop> = cands
        .iter()
        .map(|&(_, v, open_s, close_s, penalty)| Stop {
            node: pos(v),
            open_s,
            close_s,
            service_s: svc,
            penalty,
        })
        .collect();
    let inst = Instance::new(&matrix, 0, 1, shift_s, stops)?;
    let sol = tsptw::solve(&inst, opts.solve);
    let order = sol.order();
    let at = |s: u32| s0 + TimeDelta::seconds(i64::from(s));
    let is_appt = |ci: usize| matches!(revisits[cands[ci].0].mode, RevisitMode::Appointment { .. });
    // Reasons for the unserved. The matrix stops at the shift's walking range, so a place
    // beyond it is told apart from one with no path by one uncapped search, if needed.
    let mut uncapped: Option<ShortestPaths> = None;
    for &u in &sol.unserved {
        let r = &revisits[cands[u].0];
        let st = inst.stops()[u];
        let reason = if matrix[0][st.node] == UNREACHABLE || matrix[st.node][1] == UNREACHABLE {
            let sp = uncapped.get_or_insert_with(|| adj.distances(&[(idx[0], 0.0)], None));
            match seconds(sp.dist.get(idx[st.node].index()).copied(), opts.speed_mps) {
                UNREACHABLE => Unserved::NoPath,
                s => Unserved::Unreachable {
                    earliest_arrival: s0 + TimeDelta::seconds(i64::from(s)),
                    latest_start: s0 + TimeDelta::seconds(i64::from(st.close_s)),
                },
            }
        } else if !inst.feasible_alone(u) {
            Unserved::Unreachable {
                earliest_arrival: at(matrix[0][st.node]),
                latest_start: at(st.close_s),
            }
        } else if is_appt(u) {
            let blockers: Vec<RevisitId> = order
                .iter()
                .enumerate()
                .filter(|&(_, &s)| is_appt(s))
                .filter(|&(k, _)| {
                    let mut o = order.clone();
                    o.remove(k);
                    tsptw::fits_into(&inst, &o, u)
                })
                .map(|(_, &s)| revisits[cands[s].0].id)
                .collect();
            if blockers.is_empty() {
                Unserved::NoRoom
            } else {
                Unserved::ConflictsWith(blockers)
            }
        } else {
            Unserved::NoRoom
        };
        unserved.push((r.id, reason));
    }
    // The schedule, legs and gaps.
    let mut stops = Vec::new();
    let mut gaps = Vec::new();
    let mut legs = Vec::new();
    let mut from = 0usize;
    let mut depart_s = 0u32;
    for v in &sol.visits {
        let (ci, vertex) = (cands[v.stop].0, cands[v.stop].1);
        let to = inst.stops()[v.stop].node;
        legs.push(leg(graph, &searches[from], &idx, from, to, &matrix));
        let direct_s = matrix[from][to];
        if v.start_s > depart_s.saturating_add(direct_s) {
            gaps.push(Gap {
                leg: legs.len() - 1,
                from_vertex: verts[from],
                to_vertex: vertex,
                from: at(depart_s),
                to: at(v.start_s),
                direct_s,
                before: Some(revisits[ci].id),
            });
        }
        depart_s = v.depart_s;
        stops.push(PlannedStop {
            revisit: revisits[ci].id,
            vertex,
            appointment: is_appt(v.stop),
            arrive: at(v.arrive_s),
            start: at(v.start_s),
            depart: at(v.depart_s),
        });
        from = to;
    }
    legs.push(leg(graph, &searches[from], &idx, from, 1, &matrix));
    if sol.end_arrive_s < shift_s {
        gaps.push(Gap {
            leg: legs.len() - 1,
            from_vertex: verts[from],
            to_vertex: shift.end_vertex,
            from: at(depart_s),
            to: at(shift_s),
            direct_s: matrix[from][1],
            before: None,
        });
    }
    Ok(DayRoute {
        shift: *shift,
        stops,
        legs,
        back: at(sol.end_arrive_s),
        travel_s: sol.travel_s,
        gaps,
        unserved,
    })
}

fn leg(
    graph: &WalkGraph,
    sp: &ShortestPaths,
    idx: &[NodeIndex],
    from: usize,
    to: usize,
    matrix: &[Vec<u32>],
) -> Leg {
    let path = sp.path_to(&graph.graph, idx[to]);
    Leg {
        vertices: path.as_ref().map_or_else(Vec::new, |p| {
            p.nodes
                .iter()
                .filter_map(|n| u32::try_from(n.index()).ok().map(NodeId))
                .collect()
        }),
        edges: path.as_ref().map_or_else(Vec::new, |p| p.edges.clone()),
        length_m: path.map_or(0.0, |p| p.cost),
        walk_s: matrix[from][to],
    }
}
