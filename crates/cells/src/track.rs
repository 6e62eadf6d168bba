//! Reading a GPS track recorded on a phone (GPX 1.0/1.1, through the `gpx` crate) into timed
//! points for map matching. The track is only read here: it is never stored.

use chrono::{DateTime, Utc};
use feltkart_graph::TrackPoint;
use feltkart_model::LonLat;
use std::io::Read;

/// How far in the future a fix may be (phone clocks drift), seconds.
pub const FUTURE_SLACK_S: i64 = 300;

/// A track read from a GPX file.
#[derive(Clone, Debug, PartialEq)]
pub struct Track {
    /// UTC time of the first point.
    pub start: DateTime<Utc>,
    /// The points, with seconds since `start`.
    pub points: Vec<TrackPoint>,
}

/// A GPX file that cannot be used as a walk's track. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum TrackError {
    /// Not a GPX document the `gpx` crate can read.
    #[error("{path}: not a valid GPX file: {message}")]
    Malformed {
        /// The file.
        path: String,
        /// The parser's message.
        message: String,
    },
    /// No track points.
    #[error("{path}: the GPX file has no track points (<trkpt>)")]
    NoPoints {
        /// The file.
        path: String,
    },
    /// A point without a time: coverage needs to know when.
    #[error("{path}: track point {index} has no <time>")]
    NoTime {
        /// The file.
        path: String,
        /// Position in the track (0-based, over all segments).
        index: usize,
    },
    /// A point with a position that is not a coordinate.
    #[error("{path}: track point {index} is not a valid position ({lon}, {lat})")]
    BadPosition {
        /// The file.
        path: String,
        /// Position in the track.
        index: usize,
        /// Longitude given.
        lon: f64,
        /// Latitude given.
        lat: f64,
    },
    /// A point earlier than the one before it.
    #[error(
        "{path}: track point {index} at {at} is earlier than the point before it ({before}): timestamps out of order"
    )]
    OutOfOrder {
        /// The file.
        path: String,
        /// Position in the track.
        index: usize,
        /// Its time.
        at: DateTime<Utc>,
        /// The time of the point before.
        before: DateTime<Utc>,
    },
    /// A point later than now.
    #[error("{path}: track point {index} at {at} is in the future (now {now})")]
    Future {
        /// The file.
        path: String,
        /// Position in the track.
        index: usize,
        /// Its time.
        at: DateTime<Utc>,
        /// Now.
        now: DateTime<Utc>,
    },
}

/// Read every track point of every track and segment, in file order, checking that each has a
/// time, that times never go back, and that none is later than `now` (plus
/// [`FUTURE_SLACK_S`]). `path` names the input in errors.
///
/// # Errors
/// [`TrackError`] naming the file and, where it applies, the point.
pub fn read_track(reader: impl Read, path: &str, now: DateTime<Utc>) -> Result<Track, TrackError> {
    let doc = gpx::read(reader).map_err(|e| TrackError::Malformed {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    let mut timed: Vec<(LonLat, DateTime<Utc>)> = Vec::new();
    let fixes = doc
        .tracks
        .iter()
        .flat_map(|t| &t.segments)
        .flat_map(|s| &s.points);
    for (index, w) in fixes.enumerate() {
        let p = w.point();
        let (lon, lat) = (p.x(), p.y());
        let at = LonLat::new(lon, lat).map_err(|_| TrackError::BadPosition {
            path: path.to_owned(),
            index,
            lon,
            lat,
        })?;
        let t = w
            .time
            .and_then(|t| {
                let odt: time::OffsetDateTime = t.into();
                DateTime::from_timestamp(odt.unix_timestamp(), odt.nanosecond())
            })
            .ok_or_else(|| TrackError::NoTime {
                path: path.to_owned(),
                index,
            })?;
        if let Some(&(_, before)) = timed.last()
            && t < before
        {
            return Err(TrackError::OutOfOrder {
                path: path.to_owned(),
                index,
                at: t,
                before,
            });
        }
        if t > now + chrono::Duration::seconds(FUTURE_SLACK_S) {
            return Err(TrackError::Future {
                path: path.to_owned(),
                index,
                at: t,
                now,
            });
        }
        timed.push((at, t));
    }
    let Some(&(_, start)) = timed.first() else {
        return Err(TrackError::NoPoints {
            path: path.to_owned(),
        });
    };
    let points = timed
        .into_iter()
        .map(|(at, t)| TrackPoint {
            at,
            t_s: (t - start).num_milliseconds() as f64 / 1000.0,
        })
        .collect();
    Ok(Track { start, points })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gpx(points: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{points}</trkseg></trk></gpx>"#
        )
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-01T20:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn reads_points_with_seconds_since_the_start() {
        let t = read_track(
            gpx(
                r#"<trkpt lat="43.73" lon="7.42"><time>2026-12-01T18:00:00Z</time></trkpt>
                   <trkpt lat="43.7301" lon="7.42"><time>2026-12-01T19:00:05+01:00</time></trkpt>"#,
            )
            .as_bytes(),
            "w.gpx",
            now(),
        )
        .unwrap();
        assert_eq!(t.points.len(), 2);
        assert_eq!(t.points[1].t_s, 5.0);
        assert_eq!(t.start.to_rfc3339(), "2026-12-01T18:00:00+00:00");
    }

    #[test]
    fn bad_tracks_are_named() {
        let e = |s: &str| {
            read_track(s.as_bytes(), "w.gpx", now())
                .unwrap_err()
                .to_string()
        };
        assert!(e("<gpx><trk>").starts_with("w.gpx: not a valid GPX file"));
        assert!(e(&gpx("")).contains("no track points"));
        let m = e(&gpx(r#"<trkpt lat="43.73" lon="7.42"></trkpt>"#));
        assert!(m.contains("track point 0 has no <time>"), "{m}");
        let m = e(&gpx(
            r#"<trkpt lat="43.73" lon="7.42"><time>2026-12-01T18:00:10Z</time></trkpt>
               <trkpt lat="43.73" lon="7.42"><time>2026-12-01T18:00:00Z</time></trkpt>"#,
        ));
        assert!(
            m.contains("track point 1") && m.contains("out of order"),
            "{m}"
        );
        let m = e(&gpx(
            r#"<trkpt lat="43.73" lon="7.42"><time>2026-12-02T18:00:00Z</time></trkpt>"#,
        ));
        assert!(m.contains("in the future"), "{m}");
    }
}
