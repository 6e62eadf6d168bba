//! H3 cells for outreach planning: housing indexed to cells ([`index`]), per-cell features for
//! the mapping questions, profile scores with an explanation in points, and district ranking.
//!
//! Units everywhere: metres, square metres, degrees (WGS84 lon/lat). Every function is pure and
//! deterministic: the same input gives the same output whatever the thread count or the input
//! order (ties are broken by H3 index or OSM id).

mod data;
pub mod district;
mod error;
pub mod features;
pub mod housing;
pub mod index;
pub mod places;
pub mod profile;
pub mod score;
pub mod walk;

pub use data::DataError;
pub use district::{DistrictKey, DistrictOptions, DistrictScore, assign_districts, rank_districts};
pub use error::CellsError;
pub use features::{CellFeatures, CellOptions, CellTable, GroupTotals, HousingCell, cell_features};
pub use h3o::{self, CellIndex, LatLng, Resolution};
pub use housing::{HousingConfig, HousingGroup};
pub use index::{Containment, DEFAULT_RESOLUTION, MAX_RESOLUTION, MIN_RESOLUTION};
pub use places::{PlaceAccess, PlaceOptions};
pub use profile::{DayPart, Decay, Indicator, PlaceWeight, Points, Profile};
pub use score::{CellScore, Part, Question, score_cells};
pub use walk::OnGraph;
