//! Districts for planners: every scored cell is put into one district, and districts are
//! ranked by a dwelling-weighted mean of their cells' scores.
//!
//! Assignment of a cell (by its centre), first rule that applies:
//! 1. the smallest (geodesic area) district outline containing it: `boundary=administrative`
//!    with `admin_level` 9 or 10, or a `place=suburb|quarter|neighbourhood` area;
//! 2. the nearest district point (a `place=suburb|quarter|neighbourhood` node) within
//!    `max_point_distance_m` (straight line);
//! 3. its parent H3 cell at `grid_resolution` (default 7, ~5 km²): a grid district, for the
//!    countryside where OSM maps no districts (Liechtenstein maps two neighbourhood nodes).
//!
//! Aggregate: with weight `w = dwellings + 1` per cell (the 1 lets cells with places but no
//! mapped housing count a little), a district's score is `Σ w·score / Σ w`, and likewise per
//! question (so the per-question points sum to the score). Ranking: score descending, then
//! dwellings descending, then district key (OSM id, or H3 index for grid districts) ascending.

use crate::CellsError;
use crate::features::CellTable;
use crate::index::resolution;
use crate::score::{CellScore, Question};
use feltkart_model::{DistrictSource, LonLat, OsmRef};
use feltkart_osm::District;
use geo::{BoundingRect, Contains, Point};
use h3o::CellIndex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Options for [`rank_districts`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DistrictOptions {
    /// Farthest a cell centre may be from a district point to join it, metres.
    pub max_point_distance_m: f64,
    /// Resolution of grid districts (must be coarser than the cells').
    pub grid_resolution: u8,
}

impl Default for DistrictOptions {
    fn default() -> Self {
        Self {
            max_point_distance_m: 1500.0,
            grid_resolution: 7,
        }
    }
}

/// Which district.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DistrictKey {
    /// An OSM district (outline or point).
    Osm(OsmRef),
    /// A grid district: an H3 cell at the grid resolution.
    Grid(CellIndex),
}

impl std::fmt::Display for DistrictKey {
    /// `w123` / `r123` / `n123` for OSM districts, `h3:871f8e729ffffff` for grid districts.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Osm(osm) => osm.fmt(f),
            Self::Grid(cell) => write!(f, "h3:{cell}"),
        }
    }
}

/// A ranked district.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DistrictScore {
    /// Which district.
    pub key: DistrictKey,
    /// Its name, if OSM has one.
    pub name: Option<String>,
    /// Its OSM kind (`None` for grid districts).
    pub source: Option<DistrictSource>,
    /// Dwelling-weighted mean cell score, 0–100.
    pub score: f64,
    /// The same mean per question (sums to `score`).
    pub by_question: BTreeMap<Question, f64>,
    /// Dwellings in its cells.
    pub dwellings: f64,
    /// Its cells.
    pub cells: u32,
    /// Its best cell (ties: lowest index).
    pub best_cell: CellIndex,
    /// That cell's score.
    pub best_score: f64,
}

struct Acc {
    weighted_score: f64,
    weight: f64,
    by_question: BTreeMap<Question, f64>,
    dwellings: f64,
    cells: u32,
    best: (CellIndex, f64),
}

struct Outline<'a> {
    d: &'a District,
    area_m2: f64,
    bbox: geo::Rect<f64>,
}

/// The district of every cell of `table` (see the module docs), parallel to `table.cells`.
///
/// Complexity: O(C · D) point-in-polygon tests for C cells and D districts (bounding boxes
/// first).
///
/// # Errors
/// [`CellsError::GridResolution`] when the grid resolution is not coarser than the table's.
pub fn assign_districts(
    table: &CellTable,
    districts: &[District],
    opts: &DistrictOptions,
) -> Result<Vec<DistrictKey>, CellsError> {
    let bad = || CellsError::GridResolution {
        grid: opts.grid_resolution,
        cells: table.resolution,
    };
    if opts.grid_resolution >= table.resolution {
        return Err(bad());
    }
    let grid = h3o::Resolution::try_from(opts.grid_resolution).map_err(|_| bad())?;
    resolution(table.resolution)?;
    let mut outlines: Vec<Outline<'_>> = districts
        .iter()
        .filter_map(|d| {
            let s = d.shape.as_ref()?;
            Some(Outline {
                d,
                area_m2: crate::housing::geodesic_area_m2(s),
                bbox: s.bounding_rect()?,
            })
        })
        .collect();
    outlines.sort_by(|a, b| a.area_m2.total_cmp(&b.area_m2).then(a.d.osm.cmp(&b.d.osm)));
    let mut points: Vec<&District> = districts.iter().filter(|d| d.shape.is_none()).collect();
    points.sort_by_key(|d| d.osm);
    Ok(table
        .cells
        .iter()
        .map(|c| {
            let p = Point::new(c.centre.lon, c.centre.lat);
            if let Some(o) = outlines
                .iter()
                .find(|o| o.bbox.contains(&p) && o.d.shape.as_ref().is_some_and(|s| s.contains(&p)))
            {
                return DistrictKey::Osm(o.d.osm);
            }
            let near = points
                .iter()
                .map(|d| (LonLat::distance_m(c.centre, d.at), d.osm))
                .filter(|(m, _)| *m <= opts.max_point_distance_m)
                .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            match near {
                Some((_, osm)) => DistrictKey::Osm(osm),
                None => DistrictKey::Grid(c.cell.parent(grid).unwrap_or(c.cell)),
            }
        })
        .collect())
}

/// Rank districts by the dwelling-weighted mean score of their cells (see the module docs).
/// `scores` must be [`crate::score_cells`] of `table` (same order).
///
/// Complexity: that of [`assign_districts`], plus O(C log D).
///
/// # Errors
/// As [`assign_districts`]; [`CellsError::Mismatch`] if `scores` is not parallel to the table.
pub fn rank_districts(
    table: &CellTable,
    scores: &[CellScore],
    districts: &[District],
    opts: &DistrictOptions,
) -> Result<Vec<DistrictScore>, CellsError> {
    if scores.len() != table.cells.len()
        || scores
            .iter()
            .zip(&table.cells)
            .any(|(s, c)| s.cell != c.cell)
    {
        return Err(CellsError::Mismatch {
            cells: table.cells.len(),
            scores: scores.len(),
        });
    }
    let keys = assign_districts(table, districts, opts)?;
    let by_osm: BTreeMap<OsmRef, &District> = districts.iter().map(|d| (d.osm, d)).collect();
    let mut acc: BTreeMap<DistrictKey, Acc> = BTreeMap::new();
    for ((c, s), key) in table.cells.iter().zip(scores).zip(keys) {
        let w = c.housing.dwellings + 1.0;
        let e = acc.entry(key).or_insert_with(|| Acc {
            weighted_score: 0.0,
            weight: 0.0,
            by_question: BTreeMap::new(),
            dwellings: 0.0,
            cells: 0,
            best: (c.cell, f64::NEG_INFINITY),
        });
        e.weighted_score += w * s.score;
        e.weight += w;
        for (q, pts) in s.by_question() {
            *e.by_question.entry(q).or_insert(0.0) += w * pts;
        }
        e.dwellings += c.housing.dwellings;
        e.cells += 1;
        if s.score > e.best.1 {
            e.best = (c.cell, s.score);
        }
    }
    let mut out: Vec<DistrictScore> = acc
        .into_iter()
        .map(|(key, a)| {
            let d = match key {
                DistrictKey::Osm(osm) => by_osm.get(&osm).copied(),
                DistrictKey::Grid(_) => None,
            };
            DistrictScore {
                key,
                name: d.and_then(|d| d.name.clone()),
                source: d.map(|d| d.source),
                score: a.weighted_score / a.weight,
                by_question: a
                    .by_question
                    .into_iter()
                    .map(|(k, v)| (k, v / a.weight))
                    .collect(),
                dwellings: a.dwellings,
                cells: a.cells,
                best_cell: a.best.0,
                best_score: a.best.1,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.dwellings.total_cmp(&a.dwellings))
            .then(a.key.cmp(&b.key))
    });
    Ok(out)
}
