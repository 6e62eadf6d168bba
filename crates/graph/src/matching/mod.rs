//! Map matching: a timed GPS track onto the walking graph, as the edges (and parts of edges)
//! walked and when.
//!
//! The method is the hidden Markov model of Newson and Krumm (2009), solved with Viterbi:
//! - **Smoothing**: each fix's position is the mean of the fixes within `smooth_s` seconds of
//!   it (4 s: nine fixes at a fix a second, which divides independent noise by three).
//! - **Points** are thinned so that kept points are at least `min_spacing_m` apart *along the
//!   track* (10 m by default, or `2σ / √(fixes per window)` when that is more): denser points
//!   only add noise to the transitions, and measuring
//!   along the track (not straight from the last kept point) keeps the tip of a short
//!   out-and-back.
//! - **Candidates** of a point are the edges within `tolerance_m` (rstar, [`SnapIndex::within`]),
//!   each at its nearest point, at most `max_candidates`. A point with none is dropped as an
//!   outlier (counted); a track with more than half its points dropped is refused as not on
//!   the network.
//! - **Emission**: Gaussian, `−Σ d² / 2σ²` over the kept fix and the fixes thinned after it,
//!   each by its distance to the candidate's edge: thinning keeps the transitions meaningful,
//!   and the thinned fixes still tell which of two parallel ways was walked.
//! - **Transition** between candidates of consecutive points: the walking distance between them
//!   on the graph (bounded Dijkstra from both ends of the first edge, [`Adjacency::ball`]),
//!   compared with the straight distance between the two GPS points: `−|route − straight| / β`.
//!   Turning around in the middle of a street (deeper than `2σ`, not at a dead end) costs
//!   `turn_penalty`. A route longer than `max_speed_mps × Δt + 2 × tolerance_m` is impossible
//!   in the time.
//! - **Gaps**: a gap in the track (a phone that stopped logging) is filled by the shortest path
//!   when it could be walked in the elapsed time; otherwise the chain **breaks** and a new one
//!   starts at the next point, and nothing is invented between them.
//!
//! The walk is the route Viterbi chose between consecutive matched positions (so the short
//! links between them are walked too). Time between two points is spread over the route
//! between them in proportion to length; a pair standing still keeps its minutes at its place
//! (a traversal of length zero). Nothing is folded away afterwards: a real out-and-back,
//! however short, stays.

mod prepare;

use crate::paths::{Adjacency, Scratch};
use crate::snap::{Snap, SnapIndex};
use crate::{GEdge, GNode};
use feltkart_model::LonLat;
use petgraph::graph::{EdgeIndex, NodeIndex, UnGraph};
use prepare::{check, smooth, thin};
use std::collections::BTreeMap;

/// One GPS fix: a position and seconds since the track's start.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrackPoint {
    /// Where.
    pub at: LonLat,
    /// Seconds since the start of the track (non-decreasing along the track).
    pub t_s: f64,
}

/// Matching parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MatchOptions {
    /// Candidate edges lie within this many metres of a point (default 40).
    pub tolerance_m: f64,
    /// GPS noise, standard deviation in metres (default 10).
    pub sigma_m: f64,
    /// Scale of the transition's route-versus-straight difference, metres (default 10).
    pub beta_m: f64,
    /// Fastest plausible walking speed, m/s (default 3: a brisk walk with margin).
    pub max_speed_mps: f64,
    /// Kept points are at least this far apart along the track, metres (default 10; about
    /// 2σ for a track smoothed as by default, or for a track that needs no smoothing).
    pub min_spacing_m: f64,
    /// At most this many candidate edges per point (default 6).
    pub max_candidates: usize,
    /// Positions are averaged over the fixes within this many seconds either side (default 4):
    /// at a fix a second, nine fixes, which divides independent noise by three and cuts a
    /// corner by about `speed × smooth_s / 2`.
    pub smooth_s: f64,
    /// Log-likelihood cost of turning around in the middle of a street, deeper than `2σ`
    /// (default 5): pairs walk streets through; noise makes spurs.
    pub turn_penalty: f64,
}

impl Default for MatchOptions {
    fn default() -> Self {
        Self {
            tolerance_m: 40.0,
            sigma_m: 10.0,
            beta_m: 10.0,
            max_speed_mps: 3.0,
            min_spacing_m: 10.0,
            max_candidates: 6,
            turn_penalty: 5.0,
            smooth_s: 4.0,
        }
    }
}

/// A stretch of one edge walked: offsets along its geometry (from its source vertex) and times.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Traversal {
    /// The edge.
    pub edge: EdgeIndex,
    /// Where on the edge the stretch starts, metres from the edge's source vertex.
    pub from_m: f64,
    /// Where it ends (less than `from_m` when walked against the geometry; equal when standing).
    pub to_m: f64,
    /// Seconds since the track's start at `from_m`.
    pub t0_s: f64,
    /// Seconds since the track's start at `to_m`.
    pub t1_s: f64,
}

impl Traversal {
    /// Metres walked.
    #[must_use]
    pub fn metres(&self) -> f64 {
        (self.to_m - self.from_m).abs()
    }
}

/// A matched track.
#[derive(Clone, Debug, PartialEq)]
pub struct MatchedTrack {
    /// What was walked, in order.
    pub traversals: Vec<Traversal>,
    /// Points kept after thinning.
    pub points_kept: usize,
    /// Kept points with no edge within the tolerance (dropped as outliers).
    pub points_off_network: usize,
    /// Places where the track could not be joined (a gap too long to have been walked in its
    /// time): the matched walk is in `breaks + 1` pieces.
    pub breaks: usize,
}

impl MatchedTrack {
    /// Metres walked per edge.
    #[must_use]
    pub fn metres_per_edge(&self) -> BTreeMap<EdgeIndex, f64> {
        let mut m = BTreeMap::new();
        for t in &self.traversals {
            *m.entry(t.edge).or_insert(0.0) += t.metres();
        }
        m
    }

    /// Total metres walked.
    #[must_use]
    pub fn metres(&self) -> f64 {
        self.traversals.iter().map(Traversal::metres).sum()
    }
}

/// A track that cannot be matched.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MatchError {
    /// No points at all.
    #[error("the track has no points")]
    Empty,
    /// A coordinate or a time that is not a finite number.
    #[error("track point {index}: position or time is not a finite number")]
    NotFinite {
        /// Position in the track.
        index: usize,
    },
    /// A point earlier than the one before it.
    #[error(
        "track point {index} is {back_s:.0} s earlier than the point before it: timestamps out of order"
    )]
    OutOfOrder {
        /// Position in the track.
        index: usize,
        /// How much earlier, seconds.
        back_s: f64,
    },
    /// Most of the track is away from the walking network (another town, or the wrong atlas).
    #[error(
        "the track is not on this walking network: {off} of {kept} points are farther than \
         {tolerance_m:.0} m from any walkable street (the first is {nearest_m:.0} m away)"
    )]
    OffNetwork {
        /// Points with no edge within the tolerance.
        off: usize,
        /// Points considered.
        kept: usize,
        /// The tolerance.
        tolerance_m: f64,
        /// Distance from the first such point to the nearest edge, metres.
        nearest_m: f64,
    },
    /// Options that make no sense.
    #[error("match option {field} = {got}: must be {need}")]
    BadOption {
        /// Which option.
        field: &'static str,
        /// Its value.
        got: f64,
        /// What it must be.
        need: &'static str,
    },
}

/// Match a track to the graph. `index` and `adj` must be built from `g`.
///
/// Complexity: O(n · k · b log b) for n kept points, k candidates per point and b vertices
/// reachable within one step's distance bound.
///
/// # Errors
/// [`MatchError`]: an empty track, a non-finite value, timestamps out of order (naming the
/// point), a track mostly off the network, or bad options.
pub fn match_track(
    g: &UnGraph<GNode, GEdge>,
    index: &SnapIndex,
    adj: &Adjacency,
    points: &[TrackPoint],
    opts: &MatchOptions,
) -> Result<MatchedTrack, MatchError> {
    check(points, opts)?;
    let (smoothed, per_window) = smooth(points, opts.smooth_s);
    let points = &smoothed[..];
    // The noise left after smoothing is about σ / √(fixes per window); kept points closer than
    // twice that only add noise to the transitions.
    let spacing = opts
        .min_spacing_m
        .max(2.0 * opts.sigma_m / per_window.max(1.0).sqrt());
    let kept_at = thin(points, spacing);
    let kept: Vec<TrackPoint> = kept_at.iter().map(|&i| points[i]).collect();
    let mut steps: Vec<Step> = Vec::with_capacity(kept.len());
    let mut off = 0;
    let mut first_off: Option<LonLat> = None;
    for (k, p) in kept.iter().enumerate() {
        let mut cands = index.within(g, p.at, opts.tolerance_m);
        cands.truncate(opts.max_candidates.max(1));
        if cands.is_empty() {
            off += 1;
            first_off.get_or_insert(p.at);
        } else {
            // The evidence for a candidate: every fix from this kept one to the next, by its
            // distance to the candidate's edge (thinning keeps the transitions meaningful, but
            // the fixes between still say which of two parallel ways was walked).
            let bin = &points[kept_at[k]..kept_at.get(k + 1).copied().unwrap_or(points.len())];
            let emission = cands
                .iter()
                .map(|c| {
                    let e = &g[c.edge];
                    bin.iter()
                        .map(|f| -0.5 * (distance_to_edge(e, f.at) / opts.sigma_m).powi(2))
                        .sum()
                })
                .collect();
            steps.push(Step {
                p: *p,
                cands,
                emission,
            });
        }
    }
    if off * 2 > kept.len() || steps.is_empty() {
        let nearest_m = first_off
            .and_then(|p| index.nearest(g, p))
            .map_or(f64::INFINITY, |s| s.distance_m);
        return Err(MatchError::OffNetwork {
            off,
            kept: kept.len(),
            tolerance_m: opts.tolerance_m,
            nearest_m,
        });
    }
    let chains = viterbi(g, adj, &steps, opts);
    let mut traversals = Vec::new();
    for chain in &chains {
        for w in chain.windows(2) {
            let (i, a, _) = w[0];
            let (j, b, way) = w[1];
            let Some(way) = way else { continue };
            let (pa, pb) = (&steps[i], &steps[j]);
            route_between(
                g,
                adj,
                (&pa.cands[a], &pb.cands[b], way),
                (pa.p.t_s, pb.p.t_s),
                step_limit(opts, pb.p.t_s - pa.p.t_s),
                &mut traversals,
            );
        }
    }
    Ok(MatchedTrack {
        traversals,

        points_kept: kept.len(),
        points_off_network: off,
        breaks: chains.len().saturating_sub(1),
    })
}

struct Step {
    p: TrackPoint,
    cands: Vec<Snap>,
    /// Log-likelihood of each candidate given the fixes it stands for.
    emission: Vec<f64>,
}

/// Metres from `p` to the nearest point of an edge's geometry (local equirectangular
/// projection around `p`: exact enough within the tolerance).
fn distance_to_edge(e: &GEdge, p: LonLat) -> f64 {
    const M_PER_DEG: f64 = feltkart_model::EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
    let kx = M_PER_DEG * p.lat.to_radians().cos();
    let xy = |q: LonLat| ((q.lon - p.lon) * kx, (q.lat - p.lat) * M_PER_DEG);
    e.coords
        .windows(2)
        .map(|w| {
            let ((ax, ay), (bx, by)) = (xy(w[0]), xy(w[1]));
            let (dx, dy) = (bx - ax, by - ay);
            let len2 = dx * dx + dy * dy;
            let t = if len2 > 0.0 {
                (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            (ax + t * dx).hypot(ay + t * dy)
        })
        .fold(f64::INFINITY, f64::min)
}

/// The longest route that can be walked between two points `dt` seconds apart: each of the
/// two fixes may be up to the tolerance off.
fn step_limit(opts: &MatchOptions, dt: f64) -> f64 {
    opts.max_speed_mps * dt.max(0.0) + 2.0 * opts.tolerance_m
}

fn ends(g: &UnGraph<GNode, GEdge>, s: &Snap) -> (NodeIndex, NodeIndex, f64) {
    let (u, v) = g.edge_endpoints(s.edge).unwrap_or_default();
    (u, v, g[s.edge].length_m)
}

/// Sources of a Dijkstra from a snapped point: both ends of its edge, at their distance.
fn sources(g: &UnGraph<GNode, GEdge>, s: &Snap) -> [(NodeIndex, f64); 2] {
    let (u, v, len) = ends(g, s);
    [(u, s.offset_m), (v, (len - s.offset_m).max(0.0))]
}

/// One way from candidate `a` to candidate `b`: its length, the heading it leaves `a` with and
/// the heading it reaches `b` with (+1: towards the edge's target vertex, −1: towards its
/// source, 0: not moving).
#[derive(Clone, Copy, Debug)]
struct Way {
    metres: f64,
    leave: i8,
    arrive: i8,
    /// Along the shared edge, not through a vertex.
    direct: bool,
}

/// The ways from candidate `a` to each candidate in `bs` within `limit`: leaving by either end
/// of `a`'s edge and entering by either end of `b`'s (bounded Dijkstra from each end of `a`),
/// or along the edge when they share it.
fn ways_from(
    g: &UnGraph<GNode, GEdge>,
    adj: &Adjacency,
    scratch: &mut Scratch,
    a: &Snap,
    bs: &[Snap],
    limit: f64,
) -> Vec<Vec<Way>> {
    let mut out: Vec<Vec<Way>> = vec![Vec::new(); bs.len()];
    let src = sources(g, a);
    for (leave, (start, init)) in [(-1i8, src[0]), (1i8, src[1])] {
        let mut want: Vec<(NodeIndex, f64)> = Vec::with_capacity(bs.len() * 2);
        for b in bs {
            let (u, v, _) = ends(g, b);
            want.push((u, f64::INFINITY));
            want.push((v, f64::INFINITY));
        }
        adj.ball(&[(start, init)], limit, scratch, |v, d| {
            for w in &mut want {
                if w.0 == v {
                    w.1 = d;
                }
            }
        });
        for (k, b) in bs.iter().enumerate() {
            let (_, _, len) = ends(g, b);
            for (arrive, d) in [
                (1i8, want[2 * k].1 + b.offset_m),
                (-1i8, want[2 * k + 1].1 + len - b.offset_m),
            ] {
                if d <= limit {
                    out[k].push(Way {
                        metres: d,
                        leave,
                        arrive,
                        direct: false,
                    });
                }
            }
        }
    }
    for (k, b) in bs.iter().enumerate() {
        if b.edge == a.edge {
            let d = b.offset_m - a.offset_m;
            let h = if d > 0.0 {
                1
            } else if d < 0.0 {
                -1
            } else {
                0
            };
            out[k].push(Way {
                metres: d.abs(),
                leave: h,
                arrive: h,
                direct: true,
            });
        }
    }
    out
}

/// The cost of leaving candidate `a` (reached with heading `arrived`) with heading `leave`: a
/// turn-around deeper than `jitter_m` in the middle of a street costs `penalty`; a step back
/// within the jitter, or a turn at a dead end, is free.
fn turn_cost(
    g: &UnGraph<GNode, GEdge>,
    a: &Snap,
    arrived: i8,
    leave: i8,
    jitter_m: f64,
    penalty: f64,
) -> f64 {
    if arrived == 0 || leave == 0 || arrived == leave {
        return 0.0;
    }
    let (u, v, len) = ends(g, a);
    // Going back the way it came: how far back, and is the end it was heading to a dead end?
    let (back, ahead, ahead_left) = if arrived > 0 {
        (a.offset_m, v, len - a.offset_m)
    } else {
        (len - a.offset_m, u, a.offset_m)
    };
    let dead_end = g.edges(ahead).count() <= 1 && ahead_left <= jitter_m * 2.0;
    if back <= jitter_m || dead_end {
        0.0
    } else {
        penalty
    }
}

/// The most likely candidate per point, as chains of (step, candidate); a new chain starts
/// where no transition is possible.
fn viterbi(
    g: &UnGraph<GNode, GEdge>,
    adj: &Adjacency,
    steps: &[Step],
    opts: &MatchOptions,
) -> Vec<Chain> {
    let jitter = 2.0 * opts.sigma_m;
    let mut scratch = adj.scratch();
    let mut chains = Vec::new();
    // back[i][b] = the candidate of step i-1 that leads to candidate b of step i, and the way.
    let mut back: Vec<Vec<Option<(usize, Way)>>> = Vec::with_capacity(steps.len());
    let mut score: Vec<f64> = steps
        .first()
        .map(|s| s.emission.clone())
        .unwrap_or_default();
    // The heading each candidate's best path reached it with.
    let mut heading: Vec<i8> = vec![0; score.len()];
    back.push(vec![None; score.len()]);
    let mut chain_start = 0;
    for i in 1..steps.len() {
        let (pa, pb) = (&steps[i - 1], &steps[i]);
        let limit = step_limit(opts, pb.p.t_s - pa.p.t_s);
        let straight = pa.p.at.distance_m(pb.p.at);
        let mut next = vec![f64::NEG_INFINITY; pb.cands.len()];
        let mut from = vec![None; pb.cands.len()];
        let mut next_heading = vec![0i8; pb.cands.len()];
        for (ai, a) in pa.cands.iter().enumerate() {
            if !score[ai].is_finite() {
                continue;
            }
            let ways = ways_from(g, adj, &mut scratch, a, &pb.cands, limit);
            for (bi, ws) in ways.into_iter().enumerate() {
                for w in ws {
                    let s = score[ai]
                        - (w.metres - straight).abs() / opts.beta_m
                        - turn_cost(g, a, heading[ai], w.leave, jitter, opts.turn_penalty);
                    if s > next[bi] {
                        next[bi] = s;
                        from[bi] = Some((ai, w));
                        next_heading[bi] = if w.arrive == 0 { heading[ai] } else { w.arrive };
                    }
                }
            }
        }
        if next.iter().all(|s| !s.is_finite()) {
            chains.push(backtrack(&back, &score, chain_start, i - 1));
            chain_start = i;
            next.clone_from(&pb.emission);
            from = vec![None; pb.cands.len()];
            next_heading = vec![0; pb.cands.len()];
        } else {
            for (n, e) in next.iter_mut().zip(&pb.emission) {
                *n += e;
            }
        }
        back.push(from);
        score = next;
        heading = next_heading;
    }
    if !steps.is_empty() {
        chains.push(backtrack(&back, &score, chain_start, steps.len() - 1));
    }
    chains
}

/// A matched chain: (step, candidate, the way it was reached by from the previous entry).
type Chain = Vec<(usize, usize, Option<Way>)>;

fn backtrack(back: &[Vec<Option<(usize, Way)>>], score: &[f64], start: usize, end: usize) -> Chain {
    let Some((mut c, _)) = score.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)) else {
        return Vec::new();
    };
    let mut chain = Vec::new();
    let mut i = end;
    loop {
        let how = if i > start {
            back.get(i).and_then(|b| b.get(c)).copied().flatten()
        } else {
            None
        };
        chain.push((i, c, how.map(|h| h.1)));
        match how {
            Some((prev, _)) => {
                c = prev;
                i -= 1;
            }
            None => break,
        }
    }
    chain.reverse();
    chain
}

/// Append the traversals of the way from `a` to `b` that Viterbi chose, spreading the time
/// `t` over it by length.
fn route_between(
    g: &UnGraph<GNode, GEdge>,
    adj: &Adjacency,
    (a, b, way): (&Snap, &Snap, Way),
    t: (f64, f64),
    limit: f64,
    out: &mut Vec<Traversal>,
) {
    let (ua, va, lena) = ends(g, a);
    let (ub, vb, lenb) = ends(g, b);
    // (edge, from, to) pieces in walking order.
    let mut pieces: Vec<(EdgeIndex, f64, f64)> = Vec::new();
    if way.direct {
        pieces.push((a.edge, a.offset_m, b.offset_m));
    } else {
        let (start, init, leave_at) = if way.leave < 0 {
            (ua, a.offset_m, 0.0)
        } else {
            (va, lena - a.offset_m, lena)
        };
        let (enter, enter_at) = if way.arrive > 0 {
            (ub, 0.0)
        } else {
            (vb, lenb)
        };
        let sp = adj.distances(&[(start, init.max(0.0))], Some(limit));
        let Some(path) = sp.path_to(g, enter) else {
            return;
        };
        pieces.push((a.edge, a.offset_m, leave_at));
        let mut at = start;
        for &e in &path.edges {
            let (u, v) = g.edge_endpoints(e).unwrap_or_default();
            let len = g[e].length_m;
            if at == u {
                pieces.push((e, 0.0, len));
                at = v;
            } else {
                pieces.push((e, len, 0.0));
                at = u;
            }
        }
        pieces.push((b.edge, enter_at, b.offset_m));
    }
    let total: f64 = pieces.iter().map(|p| (p.2 - p.1).abs()).sum();
    let (t0, t1) = t;
    if total <= 0.0 {
        out.push(Traversal {
            edge: b.edge,
            from_m: b.offset_m,
            to_m: b.offset_m,
            t0_s: t0,
            t1_s: t1,
        });
        return;
    }
    let mut walked = 0.0;
    for (edge, from_m, to_m) in pieces {
        let len = (to_m - from_m).abs();
        if len <= 0.0 {
            continue;
        }
        let s0 = t0 + (t1 - t0) * walked / total;
        walked += len;
        let s1 = t0 + (t1 - t0) * walked / total;
        out.push(Traversal {
            edge,
            from_m,
            to_m,
            t0_s: s0,
            t1_s: s1,
        });
    }
}
