//! Coordinates in WGS84 longitude/latitude degrees, and great-circle distance.

use serde::{Deserialize, Serialize};

/// Mean Earth radius in metres (IUGG), the radius every distance in Feltkart uses.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// A WGS84 position, longitude first (as in GeoJSON).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LonLat {
    /// Longitude in degrees, -180..=180.
    pub lon: f64,
    /// Latitude in degrees, -90..=90.
    pub lat: f64,
}

/// A coordinate outside the valid WGS84 range.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("coordinate out of range: lon {lon}, lat {lat} (lon must be -180..180, lat -90..90)")]
pub struct CoordError {
    /// The longitude given.
    pub lon: f64,
    /// The latitude given.
    pub lat: f64,
}

impl LonLat {
    /// A checked position: finite, lon in -180..=180, lat in -90..=90.
    ///
    /// # Errors
    /// [`CoordError`] when either value is out of range or not finite.
    pub fn new(lon: f64, lat: f64) -> Result<Self, CoordError> {
        if lon.is_finite()
            && lat.is_finite()
            && (-180.0..=180.0).contains(&lon)
            && (-90.0..=90.0).contains(&lat)
        {
            Ok(Self { lon, lat })
        } else {
            Err(CoordError { lon, lat })
        }
    }

    /// Great-circle distance to `other` in metres.
    #[must_use]
    pub fn distance_m(self, other: Self) -> f64 {
        haversine_m(self.lon, self.lat, other.lon, other.lat)
    }
}

/// Haversine distance in metres between two lon/lat points (degrees), on a sphere of
/// radius [`EARTH_RADIUS_M`].
#[must_use]
pub fn haversine_m(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
}

/// A lon/lat bounding box.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    /// Western edge (degrees).
    pub min_lon: f64,
    /// Southern edge (degrees).
    pub min_lat: f64,
    /// Eastern edge (degrees).
    pub max_lon: f64,
    /// Northern edge (degrees).
    pub max_lat: f64,
}

impl BBox {
    /// An empty box that grows with [`BBox::extend`].
    #[must_use]
    pub fn empty() -> Self {
        Self {
            min_lon: f64::INFINITY,
            min_lat: f64::INFINITY,
            max_lon: f64::NEG_INFINITY,
            max_lat: f64::NEG_INFINITY,
        }
    }

    /// Grow the box to include `p`.
    pub fn extend(&mut self, p: LonLat) {
        self.min_lon = self.min_lon.min(p.lon);
        self.min_lat = self.min_lat.min(p.lat);
        self.max_lon = self.max_lon.max(p.lon);
        self.max_lat = self.max_lat.max(p.lat);
    }

    /// Whether the box contains nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.min_lon > self.max_lon || self.min_lat > self.max_lat
    }

    /// Whether `p` lies inside the box (edges included).
    #[must_use]
    pub fn contains(&self, p: LonLat) -> bool {
        (self.min_lon..=self.max_lon).contains(&p.lon)
            && (self.min_lat..=self.max_lat).contains(&p.lat)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn haversine_matches_a_known_distance() {
        // One degree of latitude on the mean sphere: R * pi / 180.
        let d = haversine_m(10.0, 55.0, 10.0, 56.0);
        assert!((d - EARTH_RADIUS_M.to_radians()).abs() < 1e-6, "{d}");
        assert!(haversine_m(1.0, 2.0, 1.0, 2.0).abs() < f64::EPSILON);
    }

    #[test]
    fn lonlat_rejects_out_of_range_and_nan() {
        assert!(LonLat::new(181.0, 0.0).is_err());
        assert!(LonLat::new(0.0, -90.5).is_err());
        assert!(LonLat::new(f64::NAN, 0.0).is_err());
        assert!(LonLat::new(10.7, 59.9).is_ok());
    }

    #[test]
    fn bbox_grows_and_contains() {
        let mut b = BBox::empty();
        assert!(b.is_empty());
        b.extend(LonLat { lon: 1.0, lat: 2.0 });
        b.extend(LonLat { lon: 3.0, lat: 1.0 });
        assert!(b.contains(LonLat { lon: 2.0, lat: 1.5 }));
        assert!(!b.contains(LonLat { lon: 0.0, lat: 1.5 }));
    }
}
