//! Checking and preparing a track before it is matched: option and point checks, smoothing
//! over a time window, and thinning along the track.

use super::{MatchError, MatchOptions, TrackPoint};
use feltkart_model::LonLat;

pub(super) fn check(points: &[TrackPoint], opts: &MatchOptions) -> Result<(), MatchError> {
    for (field, got) in [
        ("tolerance_m", opts.tolerance_m),
        ("sigma_m", opts.sigma_m),
        ("beta_m", opts.beta_m),
        ("max_speed_mps", opts.max_speed_mps),
    ] {
        if !(got.is_finite() && got > 0.0) {
            return Err(MatchError::BadOption {
                field,
                got,
                need: "positive and finite",
            });
        }
    }
    for (field, got) in [
        ("min_spacing_m", opts.min_spacing_m),
        ("smooth_s", opts.smooth_s),
    ] {
        if !(got.is_finite() && got >= 0.0) {
            return Err(MatchError::BadOption {
                field,
                got,
                need: "zero or more, and finite",
            });
        }
    }
    if points.is_empty() {
        return Err(MatchError::Empty);
    }
    let mut prev = f64::NEG_INFINITY;
    for (index, p) in points.iter().enumerate() {
        if !(p.at.lon.is_finite() && p.at.lat.is_finite() && p.t_s.is_finite()) {
            return Err(MatchError::NotFinite { index });
        }
        if p.t_s < prev {
            return Err(MatchError::OutOfOrder {
                index,
                back_s: prev - p.t_s,
            });
        }
        prev = p.t_s;
    }
    Ok(())
}

/// Each fix's position replaced by the mean of the fixes within `window_s` seconds of it (a
/// two-pointer sweep: times are non-decreasing), and the median number of fixes averaged.
pub(super) fn smooth(points: &[TrackPoint], window_s: f64) -> (Vec<TrackPoint>, f64) {
    if window_s <= 0.0 {
        return (points.to_vec(), 1.0);
    }
    let (mut lo, mut hi) = (0, 0);
    let (mut sx, mut sy) = (0.0, 0.0);
    let mut counts = Vec::with_capacity(points.len());
    let smoothed = points
        .iter()
        .map(|p| {
            while hi < points.len() && points[hi].t_s <= p.t_s + window_s {
                sx += points[hi].at.lon;
                sy += points[hi].at.lat;
                hi += 1;
            }
            while points[lo].t_s < p.t_s - window_s {
                sx -= points[lo].at.lon;
                sy -= points[lo].at.lat;
                lo += 1;
            }
            let n = hi - lo;
            counts.push(n);
            TrackPoint {
                at: LonLat {
                    lon: sx / n as f64,
                    lat: sy / n as f64,
                },
                t_s: p.t_s,
            }
        })
        .collect();
    counts.sort_unstable();
    let median = counts.get(counts.len() / 2).copied().unwrap_or(1);
    (smoothed, median as f64)
}

/// Keep the first point, every point at least `spacing` from the last kept one, and the last.
pub(super) fn thin(points: &[TrackPoint], spacing: f64) -> Vec<usize> {
    let mut kept: Vec<usize> = Vec::new();
    let mut along = 0.0;
    for (i, p) in points.iter().enumerate() {
        if i > 0 {
            along += points[i - 1].at.distance_m(p.at);
        }
        if kept.is_empty() || along >= spacing || i + 1 == points.len() {
            kept.push(i);
            along = 0.0;
        }
    }
    kept
}
