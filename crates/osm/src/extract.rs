//! The typed extract: what Feltkart keeps of an OSM file.

use crate::classify::Walk;
use feltkart_model::{
    BBox, DistrictSource, HighwayClass, HousingKind, LonLat, OsmNodeId, OsmRef, OsmWayId,
};
use geo::MultiPolygon;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where the extract came from.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SourceInfo {
    /// File name (no directories).
    pub file_name: String,
    /// File size in bytes.
    pub file_bytes: u64,
    /// `pbf` or `xml`.
    pub format: String,
    /// The box the header declares (the area the extract was cut to), if any.
    pub header_bbox: Option<BBox>,
    /// The extent of all nodes in the file (often larger than the header box).
    pub node_bbox: BBox,
    /// The program that wrote the file.
    pub generator: Option<String>,
    /// Replication timestamp from the header (seconds since the epoch).
    pub replication_timestamp: Option<i64>,
}

/// A way that can be walked (by Feltkart's rule, the peers' rule, or both).
#[derive(Clone, Debug)]
pub struct WalkWay {
    /// OSM id.
    pub osm: OsmWayId,
    /// Feltkart's walk rule for it (`None`: only the peers' rule walks it).
    pub walk: Option<Walk>,
    /// Whether the peers' definition walks it.
    pub peer_walkable: bool,
    /// Highway class.
    pub class: HighwayClass,
    /// `highway=*`.
    pub highway: String,
    /// Street name.
    pub name: Option<String>,
    /// `lit=*`.
    pub lit: Option<bool>,
    /// `surface=*`.
    pub surface: Option<String>,
    /// The way's nodes that are in the file, in order.
    pub nodes: Vec<OsmNodeId>,
    /// Their locations, parallel to `nodes`.
    pub coords: Vec<LonLat>,
    /// Indices `i` into `nodes` where nodes missing from the file stood between `i-1` and `i`
    /// (the way leaves the extract and comes back).
    pub gaps_before: Vec<u32>,
}

/// A housing feature (mapping question 1).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HousingFeature {
    /// Source object.
    pub osm: OsmRef,
    /// Building or area type.
    pub kind: HousingKind,
    /// `building:levels`, if given.
    pub levels: Option<f32>,
    /// Outline (empty for a building mapped as a node).
    pub shape: MultiPolygon<f64>,
    /// Centroid (or the node's position).
    pub at: LonLat,
}

/// A place of interest (mapping questions 3–5).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Place {
    /// Source object.
    pub osm: OsmRef,
    /// Taxonomy kind indices (see [`Extract::place_kinds`]).
    pub kinds: Vec<u16>,
    /// Name.
    pub name: Option<String>,
    /// Position (node, or centroid of the outline).
    pub at: LonLat,
}

/// A district outline or point.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct District {
    /// Source object.
    pub osm: OsmRef,
    /// What kind of district.
    pub source: DistrictSource,
    /// Name.
    pub name: Option<String>,
    /// Outline, if mapped as an area.
    pub shape: Option<MultiPolygon<f64>>,
    /// Centroid or node position.
    pub at: LonLat,
}

/// Counts under the peers' shared tag definitions (`../shared/peers/README.md`), for comparison
/// with `peers.py ingest-osmium`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct PeerCounts {
    /// Walkable ways with at least two nodes in the file.
    pub walk_ways: u64,
    /// Consecutive present-node pairs of those ways.
    pub walk_edges: u64,
    /// Their haversine length in metres.
    pub walk_length_m: f64,
    /// Way-node refs of walkable ways whose node is not in the file.
    pub missing_node_locations: u64,
    /// Complete `landuse=residential` polygons (closed ways and complete relations).
    pub residential_landuse_areas: u64,
    /// Complete residential-building polygons.
    pub residential_building_areas: u64,
    /// POIs by kind (`amenity`, `leisure`, `shop`, `stop`).
    pub pois_by_kind: BTreeMap<String, u64>,
    /// POIs by OSM type (`n`, `w`, `r`).
    pub pois_by_osm_type: BTreeMap<String, u64>,
}

/// Data problems met and how they were handled (real extracts are clipped and incomplete).
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Warnings {
    /// Way-node refs (of any way used) whose node is not in the file.
    pub missing_way_node_refs: u64,
    /// Walkable ways cut by missing nodes (kept: the parts in the file).
    pub clipped_walk_ways: u64,
    /// Walkable ways dropped: fewer than two of their nodes are in the file.
    pub dropped_walk_ways: u64,
    /// Housing, place or district outlines that do not close (clipped or broken): dropped as
    /// areas; places among them keep a position.
    pub unclosed_outlines: u64,
    /// Area relations with members missing from the file (kept: the rings that close).
    pub incomplete_relations: u64,
    /// Area relations from which no closed ring could be built (dropped).
    pub unassembled_relations: u64,
    /// Nodes outside the header bounding box.
    pub nodes_outside_header_box: u64,
}

impl Warnings {
    /// Warnings as (label, count) lines, non-zero ones only.
    #[must_use]
    pub fn lines(&self) -> Vec<(&'static str, u64)> {
        [
            (
                "way-node refs missing from the file",
                self.missing_way_node_refs,
            ),
            (
                "walkable ways clipped (kept in parts)",
                self.clipped_walk_ways,
            ),
            (
                "walkable ways dropped (under 2 nodes in file)",
                self.dropped_walk_ways,
            ),
            (
                "outlines that do not close (dropped as areas)",
                self.unclosed_outlines,
            ),
            (
                "area relations with missing members (closed rings kept)",
                self.incomplete_relations,
            ),
            (
                "area relations not assembled (dropped)",
                self.unassembled_relations,
            ),
            (
                "nodes outside the header box",
                self.nodes_outside_header_box,
            ),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
    }
}

/// Counts of what was read and kept.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct ExtractStats {
    /// Nodes in the file.
    pub nodes: u64,
    /// Ways in the file.
    pub ways: u64,
    /// Relations of interest (area relations with housing, place or district tags).
    pub area_relations: u64,
    /// Ways Feltkart walks.
    pub walk_ways: u64,
    /// Node pairs of those ways (raw edges).
    pub walk_edges: u64,
    /// Their length in metres.
    pub walk_length_m: f64,
    /// Housing features by kind (`building:apartments`, `area:allotments`…).
    pub housing_by_kind: BTreeMap<String, u64>,
    /// Places by taxonomy kind.
    pub places_by_kind: BTreeMap<String, u64>,
    /// Districts by source.
    pub districts: u64,
    /// Peer-definition counts.
    pub peer: PeerCounts,
    /// Data problems.
    pub warnings: Warnings,
}

/// What Feltkart keeps of an OSM extract.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Extract {
    /// The source file.
    pub source: SourceInfo,
    /// Walkable ways (not stored in the atlas: the graph holds them).
    #[serde(skip)]
    pub walk_ways: Vec<WalkWay>,
    /// Housing buildings and areas.
    pub housing: Vec<HousingFeature>,
    /// Places of interest.
    pub places: Vec<Place>,
    /// District outlines and points.
    pub districts: Vec<District>,
    /// Names of the place kinds, by index.
    pub place_kinds: Vec<String>,
    /// Counts and warnings.
    pub stats: ExtractStats,
}
