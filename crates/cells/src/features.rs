//! Per-cell features: housing (question 1) and places (questions 3–5) for every cell that has
//! housing or a place, at one base resolution.
//!
//! Assignment rule: a building goes whole to the cell of its centroid (most buildings are
//! smaller than a res-10 cell); a housing area is split equally over the cells whose centre it
//! contains (`center` mode), or goes to its centroid's cell when it contains no cell centre.

use crate::CellsError;
use crate::housing::{HousingConfig, HousingGroup};
use crate::index::{Containment, point_cell, polygon_cells, resolution};
use crate::places::{PlaceAccess, PlaceOptions, place_access};
use crate::walk::OnGraph;
use feltkart_graph::WalkGraph;
use feltkart_model::{HousingKind, LonLat, PlaceRole};
use feltkart_osm::{Extract, Taxonomy};
use h3o::{CellIndex, LatLng};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Options for [`cell_features`].
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellOptions {
    /// Base H3 resolution, 8–11 (default 10).
    pub resolution: u8,
    /// Place search bounds.
    pub places: PlaceOptions,
}

impl Default for CellOptions {
    fn default() -> Self {
        Self {
            resolution: crate::DEFAULT_RESOLUTION,
            places: PlaceOptions::default(),
        }
    }
}

/// Floor area and dwellings of one housing group in a cell.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupTotals {
    /// Residential floor area, m².
    pub floor_area_m2: f64,
    /// Dwellings (from floor area) plus dwelling units (from housing areas).
    pub dwellings: f64,
}

/// Housing in a cell (mapping question 1).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HousingCell {
    /// Residential floor area, m².
    pub floor_area_m2: f64,
    /// Dwellings and dwelling units, all groups.
    pub dwellings: f64,
    /// `landuse=residential` land in the cell, m².
    pub residential_land_m2: f64,
    /// Housing features assigned (wholly or in part) to the cell.
    pub features: u32,
    /// Per housing group (only groups present).
    pub by_group: BTreeMap<HousingGroup, GroupTotals>,
}

impl HousingCell {
    /// The share (0–1) of the cell's dwellings in `group`; 0 when the cell has none.
    #[must_use]
    pub fn share(&self, group: HousingGroup) -> f64 {
        if self.dwellings > 0.0 {
            self.by_group
                .get(&group)
                .map_or(0.0, |g| g.dwellings / self.dwellings)
        } else {
            0.0
        }
    }

    fn add(&mut self, group: Option<HousingGroup>, floor: f64, dwellings: f64, land: f64) {
        self.floor_area_m2 += floor;
        self.dwellings += dwellings;
        self.features += 1;
        match group {
            Some(g) => {
                let t = self.by_group.entry(g).or_default();
                t.floor_area_m2 += floor;
                t.dwellings += dwellings;
            }
            None => self.residential_land_m2 += land,
        }
    }
}

/// Everything known about one cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellFeatures {
    /// The cell.
    pub cell: CellIndex,
    /// Its centre.
    pub centre: LonLat,
    /// Metres from the centre to the nearest street (`None`: empty graph).
    pub snap_m: Option<f64>,
    /// Housing.
    pub housing: HousingCell,
    /// Places.
    pub places: PlaceAccess,
}

/// The features of every cell with housing or places, sorted by cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellTable {
    /// The base resolution.
    pub resolution: u8,
    /// Place kind names, by index (as in [`PlaceAccess`]).
    pub place_kinds: Vec<String>,
    /// Roles of each place kind.
    pub place_roles: Vec<Vec<PlaceRole>>,
    /// Search bounds used.
    pub place_options: PlaceOptions,
    /// The cells, sorted by H3 index.
    pub cells: Vec<CellFeatures>,
}

/// Compute per-cell features. `taxonomy` must be the one the extract was read with.
///
/// Complexity: O(H n) for H housing features of n vertices (geodesic areas, polyfill), plus
/// [`place_access`]'s O(K (V + E) log V + C b log b); parallel with rayon. Deterministic: the
/// result does not depend on thread count or on the order of `extract`'s features.
///
/// # Errors
/// [`CellsError::Resolution`], [`CellsError::Taxonomy`] when the extract's place kinds differ
/// from the taxonomy's, [`CellsError::Geometry`] naming a feature h3o cannot index.
pub fn cell_features(
    extract: &Extract,
    graph: &WalkGraph,
    taxonomy: &Taxonomy,
    housing: &HousingConfig,
    opts: &CellOptions,
) -> Result<CellTable, CellsError> {
    let res = resolution(opts.resolution)?;
    let names: Vec<&str> = taxonomy.kinds.iter().map(|k| k.name.as_str()).collect();
    if names
        != extract
            .place_kinds
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    {
        return Err(CellsError::Taxonomy {
            extract: extract.source.file_name.clone(),
        });
    }
    let roles: Vec<Vec<PlaceRole>> = taxonomy.kinds.iter().map(|k| k.roles.clone()).collect();

    // Housing: (cells, contribution) per feature.
    let per_feature: Vec<(Vec<CellIndex>, crate::housing::Contribution)> = extract
        .housing
        .par_iter()
        .map(|f| {
            let name = f.osm.to_string();
            let cells = match f.kind {
                HousingKind::Building(_) => vec![point_cell(&name, f.at.lon, f.at.lat, res)?],
                HousingKind::Area(_) => {
                    let c = polygon_cells(&name, &f.shape, res, Containment::Center)?;
                    if c.is_empty() {
                        vec![point_cell(&name, f.at.lon, f.at.lat, res)?]
                    } else {
                        c
                    }
                }
            };
            Ok((cells, housing.contribution(f)))
        })
        .collect::<Result<_, CellsError>>()?;
    let mut by_cell: BTreeMap<CellIndex, HousingCell> = BTreeMap::new();
    // Sum in a canonical order (by OSM id) so floating-point totals do not depend on input order.
    let mut order: Vec<usize> = (0..extract.housing.len()).collect();
    order.sort_by_key(|&i| extract.housing[i].osm);
    for i in order {
        let (cells, c) = &per_feature[i];
        #[allow(clippy::cast_precision_loss)]
        let n = cells.len() as f64;
        for cell in cells {
            by_cell.entry(*cell).or_default().add(
                c.group,
                c.floor_area_m2 / n,
                c.dwellings / n,
                c.land_m2 / n,
            );
        }
    }
    for p in &extract.places {
        by_cell
            .entry(point_cell(&p.osm.to_string(), p.at.lon, p.at.lat, res)?)
            .or_default();
    }

    let cells: Vec<CellIndex> = by_cell.keys().copied().collect();
    let centres: Vec<LonLat> = cells
        .iter()
        .map(|&c| {
            let ll = LatLng::from(c);
            LonLat {
                lon: ll.lng(),
                lat: ll.lat(),
            }
        })
        .collect();
    let index = graph.snap_index();
    let snaps: Vec<Option<OnGraph>> = centres
        .par_iter()
        .map(|&p| OnGraph::snap(&graph.graph, &index, p))
        .collect();
    let access = place_access(graph, &extract.places, &roles, &snaps, opts.places);
    let cells = by_cell
        .into_iter()
        .zip(centres)
        .zip(snaps)
        .zip(access)
        .map(|((((cell, housing), centre), snap), places)| CellFeatures {
            cell,
            centre,
            snap_m: snap.map(|s| s.off_m),
            housing,
            places,
        })
        .collect();
    Ok(CellTable {
        resolution: opts.resolution,
        place_kinds: extract.place_kinds.clone(),
        place_roles: roles,
        place_options: opts.places,
        cells,
    })
}
