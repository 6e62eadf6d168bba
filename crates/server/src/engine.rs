//! The read-only engine the server holds in memory: the atlas, its cell table and every shipped
//! profile's scores, computed once at start-up; plus the per-resolution display cells the map
//! asks for. Requests only look things up here; all computing is the library crates'.

use crate::error::ApiError;
use feltkart_atlas::Atlas;
use feltkart_cells::output::{
    DisplayCell, DistrictReport, aggregate_scores, district_reports, districts_geojson,
};
use feltkart_cells::{
    CellIndex, CellOptions, CellScore, CellTable, DistrictOptions, HousingConfig, IndicatorLayer,
    LatLng, Profile,
};
use feltkart_graph::SnapIndex;
use feltkart_osm::Taxonomy;
use feltkart_plan::walk::request::WalkContext;
use std::collections::BTreeMap;
use std::path::Path;

/// Why the engine could not be built.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The atlas could not be read.
    #[error(transparent)]
    Atlas(#[from] feltkart_atlas::AtlasError),
    /// Cells, profiles or layers failed.
    #[error("{path}: {message}")]
    Cells {
        /// The atlas.
        path: String,
        /// What failed.
        message: String,
    },
    /// Nothing to score.
    #[error("{0}: the atlas has no housing or places to score")]
    Empty(String),
}

/// A cell with its score and centre, for bounding-box queries, and its GeoJSON Feature
/// (serialised once at start: a map request only concatenates them).
#[derive(Clone, Debug, PartialEq)]
pub struct ScoredCell {
    /// The cell.
    pub cell: CellIndex,
    /// Score 0–100.
    pub score: f64,
    /// Centre longitude.
    pub lon: f64,
    /// Centre latitude.
    pub lat: f64,
    /// The cell as a GeoJSON Feature: a Polygon with properties `h3` and `score`.
    pub feature: Box<str>,
}

impl ScoredCell {
    fn new(cell: CellIndex, score: f64) -> Self {
        let (lon, lat) = centre(cell);
        let feature = serde_json::json!({
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": [feltkart_cells::output::cell_ring(cell)]},
            "properties": {"h3": cell.to_string(), "score": (score * 100.0).round() / 100.0},
        })
        .to_string()
        .into_boxed_str();
        Self {
            cell,
            score,
            lon,
            lat,
            feature,
        }
    }
}

/// One profile with its scores.
pub struct ProfileScores {
    /// The profile.
    pub profile: Profile,
    /// Scores of the table's cells (parallel to `CellTable::cells`).
    pub scores: Vec<CellScore>,
    /// Score by cell, for explanations.
    pub by_cell: BTreeMap<CellIndex, usize>,
    /// Display cells per resolution (the table's own resolution and every coarser one down to
    /// [`feltkart_cells::MIN_RESOLUTION`]), sorted by longitude for bbox queries.
    pub display: BTreeMap<u8, Vec<ScoredCell>>,
    /// Districts ranked for the profile, with partners and channels.
    pub districts: Vec<DistrictReport>,
    /// Each district's outline (a GeoJSON MultiPolygon of its cells), parallel to `districts`.
    pub district_shapes: Vec<Option<geojson::Geometry>>,
}

/// The engine.
pub struct Engine {
    /// The atlas.
    pub atlas: Atlas,
    /// The atlas file's CRC-32.
    pub checksum: u32,
    /// A name for the atlas (its file stem).
    pub name: String,
    /// The taxonomy.
    pub taxonomy: Taxonomy,
    /// Cell features.
    pub table: CellTable,
    /// Imported indicator layers.
    pub layers: Vec<IndicatorLayer>,
    /// Shipped profiles with their scores, in the shipped order.
    pub profiles: Vec<ProfileScores>,
    /// Snap index of the graph.
    pub snap: SnapIndex,
    /// Adjacency of the graph (for day routes).
    pub adjacency: feltkart_graph::Adjacency,
}

fn centre(cell: CellIndex) -> (f64, f64) {
    let ll = LatLng::from(cell);
    (ll.lng(), ll.lat())
}

fn sorted(mut v: Vec<ScoredCell>) -> Vec<ScoredCell> {
    v.sort_by(|a, b| a.lon.total_cmp(&b.lon).then(a.cell.cmp(&b.cell)));
    v
}

impl Engine {
    /// Read the atlas at `path` (and its indicator layers beside it), compute the cell table at
    /// `resolution` and score every shipped profile.
    ///
    /// # Errors
    /// [`EngineError`] naming the atlas.
    pub fn load(path: &Path, resolution: u8) -> Result<Self, EngineError> {
        let shown = path.display().to_string();
        let (atlas, checksum) = feltkart_atlas::read(path)?;
        let cells = |e: &dyn std::fmt::Display| EngineError::Cells {
            path: shown.clone(),
            message: e.to_string(),
        };
        let layers = feltkart_cells::load_layers_if_present(&feltkart_cells::layers_path(path))
            .map_err(|e| cells(&e))?;
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .map_or_else(|| shown.clone(), |s| s.trim_end_matches(".osm").to_owned());
        Self::build(atlas, checksum, name, layers, resolution)
    }

    /// Build from an atlas already in memory.
    ///
    /// # Errors
    /// [`EngineError`].
    pub fn build(
        atlas: Atlas,
        checksum: u32,
        name: String,
        layers: Vec<IndicatorLayer>,
        resolution: u8,
    ) -> Result<Self, EngineError> {
        let cells = |e: &dyn std::fmt::Display| EngineError::Cells {
            path: name.clone(),
            message: e.to_string(),
        };
        let taxonomy = Taxonomy::builtin().map_err(|e| cells(&e))?;
        let opts = CellOptions {
            resolution,
            ..CellOptions::default()
        };
        let housing = HousingConfig::builtin().map_err(|e| cells(&e))?;
        let table =
            feltkart_cells::cell_features(&atlas.extract, &atlas.graph, &taxonomy, &housing, &opts)
                .map_err(|e| cells(&e))?;
        if table.cells.is_empty() {
            return Err(EngineError::Empty(name));
        }
        let mut profiles = Vec::new();
        for profile in Profile::builtin(&taxonomy).map_err(|e| cells(&e))? {
            let scores = feltkart_cells::score_cells_with_layers(&table, &profile, &layers)
                .map_err(|e| cells(&e))?;
            let by_cell = scores
                .iter()
                .enumerate()
                .map(|(i, s)| (s.cell, i))
                .collect();
            let mut display = BTreeMap::new();
            let own: Vec<ScoredCell> = scores
                .iter()
                .map(|s| ScoredCell::new(s.cell, s.score))
                .collect();
            display.insert(table.resolution, sorted(own));
            for r in feltkart_cells::MIN_RESOLUTION..table.resolution {
                let agg: Vec<DisplayCell> =
                    aggregate_scores(&table, &scores, r).map_err(|e| cells(&e))?;
                let v = agg
                    .iter()
                    .map(|d| ScoredCell::new(d.cell, d.score))
                    .collect();
                display.insert(r, sorted(v));
            }
            let dopts = DistrictOptions::default();
            let outlines = &atlas.extract.districts;
            let assignment = feltkart_cells::assign_districts(&table, outlines, &dopts)
                .map_err(|e| cells(&e))?;
            let ranked = feltkart_cells::rank_districts(&table, &scores, outlines, &dopts)
                .map_err(|e| cells(&e))?;
            let roles: Vec<_> = taxonomy.kinds.iter().map(|k| k.roles.clone()).collect();
            let districts = district_reports(
                &table,
                &scores,
                &assignment,
                &ranked,
                &atlas.extract,
                &roles,
            );
            let district_shapes = districts_geojson(&districts, &profile, table.resolution)
                .features
                .into_iter()
                .map(|f| f.geometry)
                .collect();
            profiles.push(ProfileScores {
                profile,
                scores,
                by_cell,
                display,
                districts,
                district_shapes,
            });
        }
        let snap = atlas.graph.snap_index();
        let adjacency = atlas.graph.adjacency();
        Ok(Self {
            atlas,
            checksum,
            name,
            taxonomy,
            table,
            layers,
            profiles,
            snap,
            adjacency,
        })
    }

    /// A profile by its key.
    #[must_use]
    pub fn profile(&self, key: &str) -> Option<&ProfileScores> {
        self.profiles.iter().find(|p| p.profile.id == key)
    }

    /// The profile `key`, or a 400 naming it.
    ///
    /// # Errors
    /// 400 when `key` is not a profile.
    pub fn known_profile(&self, key: &str) -> Result<&ProfileScores, ApiError> {
        self.profile(key)
            .ok_or_else(|| ApiError::bad_request(format!("unknown profile `{key}`")))
    }

    /// The profile `key`, or the first profile when no key is given.
    ///
    /// # Errors
    /// 400 when `key` is not a profile; 500 when the engine has no profiles.
    pub fn profile_or_first(&self, key: Option<&str>) -> Result<&ProfileScores, ApiError> {
        match key {
            Some(k) => self.known_profile(k),
            None => self
                .profiles
                .first()
                .ok_or_else(|| ApiError::internal(&"no profiles")),
        }
    }

    /// What the walk planner needs to plan for profile `key` (no coverage deficit).
    ///
    /// # Errors
    /// 400 when `key` is not a profile.
    pub fn walk_context(&self, key: &str) -> Result<WalkContext<'_>, ApiError> {
        let p = self.known_profile(key)?;
        Ok(WalkContext {
            extract: &self.atlas.extract,
            graph: &self.atlas.graph,
            index: &self.snap,
            taxonomy: &self.taxonomy,
            profile: &p.profile,
            scores: &p.scores,
            resolution: self.table.resolution,
            deficit: None,
        })
    }

    /// The atlas's bounding box `[w, s, e, n]` (the PBF header's, else the nodes').
    #[must_use]
    pub fn bbox(&self) -> [f64; 4] {
        let s = &self.atlas.extract.source;
        let b = s.header_bbox.unwrap_or(s.node_bbox);
        [b.min_lon, b.min_lat, b.max_lon, b.max_lat]
    }
}

impl ProfileScores {
    /// Display cells at `res` whose centre is inside `bbox` `[w, s, e, n]`.
    #[must_use]
    pub fn in_bbox(&self, res: u8, bbox: [f64; 4]) -> Option<Vec<&ScoredCell>> {
        let v = self.display.get(&res)?;
        let from = v.partition_point(|c| c.lon < bbox[0]);
        Some(
            v[from..]
                .iter()
                .take_while(|c| c.lon <= bbox[2])
                .filter(|c| c.lat >= bbox[1] && c.lat <= bbox[3])
                .collect(),
        )
    }
}
