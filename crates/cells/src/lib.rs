//! H3 cells for outreach planning.
//!
//! 1. [`index`]: housing polygons to H3 cells at a base resolution of 8–11 (default 10) in the
//!    three containment modes of h3-py (`center`, `overlap`, `centroid`), tested cell for cell
//!    against `peers.py h3-polyfill`'s reference dumps.
//! 2. [`cell_features`]: per cell, housing (mapping question 1: floor area, dwellings, share per
//!    [`HousingGroup`], from the assumptions in `data/housing.toml`) and places (questions 3–5:
//!    walking distance to the nearest place of each kind, counts within a radius, distinct
//!    places per role).
//! 3. [`indicators`]: imported statistics (question 2) as named layers with source and year, from
//!    CSV (by H3 cell or lon/lat point) or GeoJSON polygons (area-weighted), validated
//!    all-or-nothing, stored next to the atlas with [`save_layers`] / [`load_layers`].
//! 4. [`Profile`]: one versioned TOML per target group in `data/profiles/`; its `[indicators]`
//!    may weight imported layers by name.
//! 5. [`score_cells`] / [`score_cells_with_layers`]: a 0–100 score per cell whose parts (points
//!    per question and feature, imported layers named with source and year) sum to it.
//! 6. [`rank_districts`]: cells grouped into districts, ranked by dwelling-weighted mean score.
//!
//! Units everywhere: metres, square metres, degrees (WGS84 lon/lat). Every function is pure and
//! deterministic: the same input gives the same output whatever the thread count or the order
//! of the extract's features (ties are broken by H3 index or OSM id).
//!
//! ```no_run
//! use feltkart_cells::*;
//! let tax = feltkart_osm::Taxonomy::builtin()?;
//! let atlas = feltkart_atlas::ingest(std::path::Path::new("city.osm.pbf"), &tax, &|_| {})?;
//! let table = cell_features(&atlas.extract, &atlas.graph, &tax, &HousingConfig::builtin()?, &CellOptions::default())?;
//! for profile in Profile::builtin(&tax)? {
//!     let scores = score_cells(&table, &profile)?;
//!     let ranked = rank_districts(&table, &scores, &atlas.extract.districts, &DistrictOptions::default())?;
//!     if let Some(top) = ranked.first() {
//!         println!("{}: {} scores {:.1}", profile.id, top.key, top.score);
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod data;
pub mod district;
mod error;
pub mod features;
pub mod housing;
pub mod index;
pub mod indicators;
pub mod output;
pub mod places;
pub mod profile;
pub mod score;
pub mod signs;
pub mod track;
pub mod walk;
pub mod walked;
pub mod walked_plan;

pub use data::DataError;
pub use district::{DistrictKey, DistrictOptions, DistrictScore, assign_districts, rank_districts};
pub use error::CellsError;
pub use features::{CellFeatures, CellOptions, CellTable, GroupTotals, HousingCell, cell_features};
pub use h3o::{self, CellIndex, LatLng, Resolution};
pub use housing::{HousingConfig, HousingGroup};
pub use index::{Containment, DEFAULT_RESOLUTION, MAX_RESOLUTION, MIN_RESOLUTION};
pub use indicators::{
    Aggregate, ImportOptions, IndicatorError, IndicatorLayer, import_csv, import_file,
    import_geojson, layers_path, load_layers, load_layers_if_present, merge_layers, save_layers,
};
pub use places::{PlaceAccess, PlaceOptions};
pub use profile::{
    DayPart, Decay, Indicator, LayerWeight, Normalise, PlaceWeight, Points, Profile,
};
pub use score::{CellScore, Part, Question, score_cells, score_cells_with_layers};
pub use signs::{DEFAULT_HALF_LIFE_DAYS, SIGNS_LAYER, signs_layer};
pub use track::{Track, TrackError, read_track};
pub use walk::OnGraph;
pub use walked::walked_cells;
pub use walked_plan::planned_traversals;
