//! Housing polygons to H3 cells, in the three containment modes of h3-py (`peers.py
//! h3-polyfill`), at a base resolution of 8–11.
//!
//! | mode       | h3-py                                                       | here                                     |
//! |------------|-------------------------------------------------------------|------------------------------------------|
//! | `center`   | `h3shape_to_cells` (= `polygon_to_cells`)                   | h3o `ContainmentMode::ContainsCentroid`  |
//! | `overlap`  | `h3shape_to_cells_experimental(contain="overlap")`          | h3o `ContainmentMode::Covers`            |
//! | `centroid` | `latlng_to_cell(shapely centroid)`                          | `latlng_to_cell` of geo's planar centroid |
//!
//! `overlap` is `Covers`, not `IntersectsBoundary`: a building that lies wholly inside one cell
//! crosses no cell boundary, and h3-py still returns that cell (the reference dumps show it:
//! Helsinki res 9 has 0 `center` cells but 14 `overlap` cells). The centroid is the planar
//! centroid in lon/lat degrees (area-weighted over the parts of a multipolygon), as shapely's.
//!
//! A feature without an outline (a building mapped as a node) goes to the cell of its position
//! in every mode.

use crate::CellsError;
use feltkart_model::{BuildingType, HousingAreaType, HousingKind};
use feltkart_osm::HousingFeature;
use geo::{Centroid, MultiPolygon};
use h3o::geom::{ContainmentMode, TilerBuilder};
use h3o::{CellIndex, LatLng, Resolution};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// How a polygon is turned into cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Containment {
    /// Cells whose centre lies inside the polygon (holes respected).
    Center,
    /// Every cell the polygon touches, including the one cell a small polygon lies inside.
    Overlap,
    /// The one cell of the polygon's planar centroid.
    Centroid,
}

impl Containment {
    /// All modes, in a fixed order.
    pub const ALL: [Self; 3] = [Self::Center, Self::Overlap, Self::Centroid];

    /// Stable name (`center`, `overlap`, `centroid`), as in the peer dumps.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Center => "center",
            Self::Overlap => "overlap",
            Self::Centroid => "centroid",
        }
    }
}

/// The lowest base resolution Feltkart scores at (cells of ~105 000 m²).
pub const MIN_RESOLUTION: u8 = 8;
/// The highest base resolution Feltkart scores at (cells of ~2 100 m²).
pub const MAX_RESOLUTION: u8 = 11;
/// The default base resolution (cells of ~15 000 m², edge ~66 m: a block or two).
pub const DEFAULT_RESOLUTION: u8 = 10;

/// A checked base resolution, 8–11.
///
/// # Errors
/// [`CellsError::Resolution`] outside 8–11.
pub fn resolution(res: u8) -> Result<Resolution, CellsError> {
    if !(MIN_RESOLUTION..=MAX_RESOLUTION).contains(&res) {
        return Err(CellsError::Resolution { given: res });
    }
    Resolution::try_from(res).map_err(|_| CellsError::Resolution { given: res })
}

fn latlng(feature: &str, lon: f64, lat: f64) -> Result<LatLng, CellsError> {
    LatLng::new(lat, lon).map_err(|e| CellsError::Geometry {
        feature: feature.to_owned(),
        reason: e.to_string(),
    })
}

/// The cell holding a lon/lat point (degrees).
///
/// # Errors
/// [`CellsError::Geometry`] naming `feature` for a non-finite coordinate.
pub fn point_cell(
    feature: &str,
    lon: f64,
    lat: f64,
    res: Resolution,
) -> Result<CellIndex, CellsError> {
    Ok(latlng(feature, lon, lat)?.to_cell(res))
}

/// The cells of one polygon (lon/lat degrees) in `mode`, sorted and without duplicates.
/// `feature` names the polygon in errors. An empty multipolygon gives no cells.
///
/// Complexity: O(c + b) for `center`/`overlap` (c cells covered, b boundary vertices, with a
/// point-in-polygon test per outline cell), O(n) for `centroid` (n vertices).
///
/// # Errors
/// [`CellsError::Geometry`] if h3o rejects the geometry (non-finite coordinates).
pub fn polygon_cells(
    feature: &str,
    shape: &MultiPolygon<f64>,
    res: Resolution,
    mode: Containment,
) -> Result<Vec<CellIndex>, CellsError> {
    if shape.0.is_empty() {
        return Ok(Vec::new());
    }
    let mut cells = match mode {
        Containment::Centroid => match shape.centroid() {
            Some(c) => vec![point_cell(feature, c.x(), c.y(), res)?],
            None => Vec::new(),
        },
        Containment::Center | Containment::Overlap => {
            let h3_mode = if mode == Containment::Center {
                ContainmentMode::ContainsCentroid
            } else {
                ContainmentMode::Covers
            };
            let mut tiler = TilerBuilder::new(res).containment_mode(h3_mode).build();
            tiler
                .add_batch(shape.0.iter().cloned())
                .map_err(|e| CellsError::Geometry {
                    feature: feature.to_owned(),
                    reason: e.to_string(),
                })?;
            tiler.into_coverage().collect()
        }
    };
    cells.sort_unstable();
    cells.dedup();
    Ok(cells)
}

/// The cells of a housing feature in `mode`: [`polygon_cells`] of its outline, or the cell of
/// its position when it has none (buildings mapped as nodes).
///
/// # Errors
/// As [`polygon_cells`], naming the feature's OSM id.
pub fn feature_cells(
    f: &HousingFeature,
    res: Resolution,
    mode: Containment,
) -> Result<Vec<CellIndex>, CellsError> {
    let name = f.osm.to_string();
    if f.shape.0.is_empty() {
        return Ok(vec![point_cell(&name, f.at.lon, f.at.lat, res)?]);
    }
    polygon_cells(&name, &f.shape, res, mode)
}

/// The cells of every feature, in parallel (rayon), parallel to `features`.
///
/// Complexity: the sum of [`feature_cells`] over the features, divided over the threads.
///
/// # Errors
/// The first failing feature's [`CellsError::Geometry`] (in input order).
pub fn index_features(
    features: &[&HousingFeature],
    res: Resolution,
    mode: Containment,
) -> Result<Vec<Vec<CellIndex>>, CellsError> {
    features
        .par_iter()
        .map(|f| feature_cells(f, res, mode))
        .collect()
}

/// Whether a housing kind is a residential polygon in the peers' definition
/// (`landuse=residential`, or `building` apartments, bungalow, detached, dormitory, house,
/// residential, semidetached_house, terrace): the input of `peers.py h3-polyfill`.
#[must_use]
pub fn peer_residential(kind: HousingKind) -> bool {
    matches!(
        kind,
        HousingKind::Area(HousingAreaType::Residential)
            | HousingKind::Building(
                BuildingType::Apartments
                    | BuildingType::Terrace
                    | BuildingType::Detached
                    | BuildingType::Dormitory
                    | BuildingType::Residential
            )
    )
}

/// The union of per-feature cells, sorted, without duplicates.
#[must_use]
pub fn union(per_feature: &[Vec<CellIndex>]) -> Vec<CellIndex> {
    let mut all: Vec<CellIndex> = per_feature.iter().flatten().copied().collect();
    all.par_sort_unstable();
    all.dedup();
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    fn square(lon: f64, lat: f64, d: f64) -> MultiPolygon<f64> {
        let ring = LineString::from(vec![
            (lon, lat),
            (lon + d, lat),
            (lon + d, lat + d),
            (lon, lat + d),
            (lon, lat),
        ]);
        MultiPolygon::new(vec![Polygon::new(ring, vec![])])
    }

    #[test]
    fn resolution_range_is_checked() {
        for (r, ok) in [(7, false), (8, true), (10, true), (11, true), (12, false)] {
            assert_eq!(resolution(r).is_ok(), ok, "{r}");
        }
        assert!(resolution(7).unwrap_err().to_string().contains("7"));
    }

    #[test]
    fn a_small_building_has_one_overlap_cell_and_no_centre_cell() {
        // ~10 m square in Vaduz: far smaller than a res-9 cell.
        let shape = square(9.5209, 47.1410, 0.0001);
        let r9 = resolution(9).unwrap();
        let overlap = polygon_cells("w1", &shape, r9, Containment::Overlap).unwrap();
        let centroid = polygon_cells("w1", &shape, r9, Containment::Centroid).unwrap();
        let center = polygon_cells("w1", &shape, r9, Containment::Center).unwrap();
        assert!(center.is_empty());
        assert_eq!(centroid.len(), 1);
        assert!(overlap.contains(&centroid[0]));
    }

    #[test]
    fn a_large_area_has_more_overlap_than_centre_cells() {
        let shape = square(9.50, 47.13, 0.01);
        let r10 = resolution(10).unwrap();
        let center = polygon_cells("r1", &shape, r10, Containment::Center).unwrap();
        let overlap = polygon_cells("r1", &shape, r10, Containment::Overlap).unwrap();
        assert!(center.len() > 50, "{}", center.len());
        assert!(center.iter().all(|c| overlap.binary_search(c).is_ok()));
        assert!(overlap.len() > center.len());
    }

    #[test]
    fn bad_coordinates_are_named() {
        let e = polygon_cells(
            "w42",
            &square(f64::NAN, 47.0, 0.01),
            resolution(10).unwrap(),
            Containment::Center,
        )
        .unwrap_err();
        assert!(e.to_string().contains("w42"), "{e}");
        assert!(
            polygon_cells(
                "w1",
                &MultiPolygon::new(vec![]),
                resolution(10).unwrap(),
                Containment::Center
            )
            .unwrap()
            .is_empty()
        );
    }
}
