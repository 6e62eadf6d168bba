//! Feltkart domain types: identifiers, coordinates and the kinds of things the engine knows about.
//!
//! No IO, no async: every other crate speaks in these types.

mod coord;
mod ids;
mod kinds;
mod observation;
mod revisit;
mod time;

pub use coord::{BBox, CoordError, EARTH_RADIUS_M, LonLat, haversine_m};
pub use ids::{EdgeId, NodeId, OsmNodeId, OsmRef, OsmRelationId, OsmWayId};
pub use kinds::{
    BuildingType, DistrictSource, HighwayClass, HousingAreaType, HousingKind, PlaceRole,
};
pub use observation::{Observation, SIGN_CODE_MAX_LEN, SignCode, SignCodeError};
pub use revisit::{
    Attempt, Outcome, Place, Revisit, RevisitError, RevisitId, RevisitMode, TeamId, UnknownOutcome,
    Window,
};
pub use time::{DayPart, TimeSlot, UnknownSlot};
