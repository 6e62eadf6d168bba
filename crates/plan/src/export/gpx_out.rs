//! GPX 1.1 with the `gpx` crate: one track (one segment, a time on every point) and a
//! waypoint per stop; times in UTC; the ODbL attribution in the metadata description.

use super::{ATTRIBUTION, TimedRoute};
use chrono::NaiveDateTime;
use gpx::{Gpx, GpxVersion, Metadata, Track, TrackSegment, Waypoint};

/// Why a GPX file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum GpxError {
    /// A time outside what GPX can hold.
    #[error("route `{route}`: time {time} cannot be written to GPX")]
    Time {
        /// The route's title.
        route: String,
        /// The time.
        time: NaiveDateTime,
    },
    /// The writer failed.
    #[error("route `{route}`: cannot write GPX: {reason}")]
    Write {
        /// The route's title.
        route: String,
        /// Why.
        reason: String,
    },
}

fn utc(route: &TimedRoute, t: NaiveDateTime) -> Result<gpx::Time, GpxError> {
    let ts = t.and_utc().timestamp() - i64::from(route.utc_offset.local_minus_utc());
    time::OffsetDateTime::from_unix_timestamp(ts)
        .map(gpx::Time::from)
        .map_err(|_| GpxError::Time {
            route: route.title.clone(),
            time: t,
        })
}

fn point(lon: f64, lat: f64) -> Waypoint {
    Waypoint::new(geo::Point::new(lon, lat))
}

/// The route as GPX 1.1 text.
///
/// # Errors
/// [`GpxError`] for a time GPX cannot hold or a writer failure.
pub fn to_gpx(route: &TimedRoute) -> Result<String, GpxError> {
    let mut segment = TrackSegment::new();
    for p in &route.points {
        let mut w = point(p.at.lon, p.at.lat);
        w.time = Some(utc(route, p.time)?);
        segment.points.push(w);
    }
    let mut track = Track::new();
    track.name = Some(route.title.clone());
    track.type_ = Some("walking".into());
    track.source = Some(format!("Feltkart; map data {ATTRIBUTION}"));
    track.segments.push(segment);
    let mut waypoints = Vec::new();
    for s in &route.stops {
        let mut w = point(s.at.lon, s.at.lat);
        w.name = Some(s.name.clone());
        w.description = Some(format!(
            "{} {}-{}",
            s.kind,
            s.arrive.format("%H:%M"),
            s.depart.format("%H:%M")
        ));
        w.time = Some(utc(route, s.arrive)?);
        w.symbol = Some("Flag".into());
        waypoints.push(w);
    }
    let metadata = Metadata {
        name: Some(route.title.clone()),
        time: route
            .points
            .first()
            .map(|p| utc(route, p.time))
            .transpose()?,
        // The gpx crate does not write <copyright>; the attribution goes in <desc>.
        description: Some(format!("Map data {ATTRIBUTION}, ODbL 1.0")),
        ..Metadata::default()
    };
    let doc = Gpx {
        version: GpxVersion::Gpx11,
        creator: Some(format!("Feltkart {}", env!("CARGO_PKG_VERSION"))),
        metadata: Some(metadata),
        waypoints,
        tracks: vec![track],
        routes: Vec::new(),
    };
    let mut out = Vec::new();
    gpx::write(&doc, &mut out).map_err(|e| GpxError::Write {
        route: route.title.clone(),
        reason: e.to_string(),
    })?;
    String::from_utf8(out).map_err(|e| GpxError::Write {
        route: route.title.clone(),
        reason: e.to_string(),
    })
}
