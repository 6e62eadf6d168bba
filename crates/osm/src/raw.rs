//! Decoded OSM objects, already classified: what a reader (PBF or XML) hands to assembly.
//!
//! Classification happens while decoding, in parallel per PBF block, so that only what the
//! engine keeps survives past the decoder: every node's location (ways need them), every way's
//! node list (multipolygons need member ways whatever their tags), and tags reduced to typed
//! facts ([`WayInfo`], [`NodeInfo`], [`RelationInfo`]).

use crate::classify::{self, PeerResidential, Walk};
use crate::tags::Tags;
use crate::taxonomy::Taxonomy;
use feltkart_model::{DistrictSource, HighwayClass, HousingKind};
use integer_encoding::VarInt;

/// Facts about a way that Feltkart keeps. Most ways with facts are buildings, which carry no
/// text: the text and place kinds sit in a box that only the others pay for.
#[derive(Clone, Debug, Default)]
pub struct WayInfo {
    /// Feltkart's walk rule.
    pub walk: Option<Walk>,
    /// Whether the peers' shared definition counts it as walkable.
    pub peer_walkable: bool,
    /// `lit=*` as yes/no.
    pub lit: Option<bool>,
    /// Housing kind, if any.
    pub housing: Option<HousingKind>,
    /// The peers' residential kind.
    pub peer_residential: Option<PeerResidential>,
    /// District source, if the way outlines one.
    pub district: Option<DistrictSource>,
    /// `building:levels`.
    pub levels: Option<f32>,
    /// The peers' POI kind.
    pub peer_poi: Option<&'static str>,
    /// Name, highway, surface and place kinds, when any is present.
    pub text: Option<Box<WayText>>,
}

/// The rarer, larger facts of a way.
#[derive(Clone, Debug, Default)]
pub struct WayText {
    /// `highway=*` value (for walkable ways).
    pub highway: Option<Box<str>>,
    /// `name=*`.
    pub name: Option<Box<str>>,
    /// `surface=*` (for walkable ways).
    pub surface: Option<Box<str>>,
    /// Place kinds (taxonomy indices).
    pub places: Box<[u16]>,
}

impl WayInfo {
    /// The highway class of a walkable way.
    #[must_use]
    pub fn highway_class(&self) -> HighwayClass {
        self.highway()
            .map_or(HighwayClass::Other, HighwayClass::from_highway)
    }

    /// `highway=*` (kept for walkable ways only).
    #[must_use]
    pub fn highway(&self) -> Option<&str> {
        self.text.as_ref().and_then(|t| t.highway.as_deref())
    }

    /// `name=*`.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.text.as_ref().and_then(|t| t.name.as_deref())
    }

    /// `surface=*` (kept for walkable ways only).
    #[must_use]
    pub fn surface(&self) -> Option<&str> {
        self.text.as_ref().and_then(|t| t.surface.as_deref())
    }

    /// Place kinds (taxonomy indices).
    #[must_use]
    pub fn places(&self) -> &[u16] {
        self.text.as_ref().map_or(&[], |t| &t.places)
    }
}

/// Facts about a tagged node that Feltkart keeps.
#[derive(Clone, Debug)]
pub struct NodeInfo {
    /// OSM id.
    pub id: i64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// `name=*`.
    pub name: Option<String>,
    /// Place kinds (taxonomy indices).
    pub places: Vec<u16>,
    /// The peers' POI kind.
    pub peer_poi: Option<&'static str>,
    /// Housing kind of a building mapped as a node.
    pub housing: Option<HousingKind>,
    /// `building:levels`.
    pub levels: Option<f32>,
    /// District point (place=suburb|quarter|neighbourhood).
    pub district: Option<DistrictSource>,
}

/// A relation member's role in an area.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// outer (or empty role)
    Outer,
    /// inner
    Inner,
}

/// Facts about an area relation (multipolygon or boundary) that Feltkart keeps.
#[derive(Clone, Debug)]
pub struct RelationInfo {
    /// OSM id.
    pub id: i64,
    /// Member ways with their role (other members are dropped).
    pub ways: Vec<(i64, Role)>,
    /// Number of members that are not ways (nodes, relations): ignored for areas.
    pub other_members: u32,
    /// `name=*`.
    pub name: Option<String>,
    /// Housing kind.
    pub housing: Option<HousingKind>,
    /// `building:levels`.
    pub levels: Option<f32>,
    /// The peers' residential kind.
    pub peer_residential: Option<PeerResidential>,
    /// Place kinds.
    pub places: Vec<u16>,
    /// District source.
    pub district: Option<DistrictSource>,
}

/// One decoded chunk of a file (a PBF block, or a whole XML file).
#[derive(Debug, Default)]
pub struct RawChunk {
    /// Ids of every node, in file order.
    pub node_ids: NodeIds,
    /// Location of every node as (lon, lat) in 1e-7 degrees (the PBF's own precision),
    /// parallel to `node_ids`.
    pub node_coords: Vec<(i32, i32)>,
    /// Nodes with tags of interest.
    pub tagged_nodes: Vec<NodeInfo>,
    /// Every way: id and node refs.
    pub way_ids: Vec<i64>,
    /// Node refs of all ways, back to back, each way's as zigzag varints of the difference
    /// to the previous ref (the first to 0), as in the PBF itself: 2 to 3 bytes a ref instead
    /// of 8. Way `i` has the bytes `way_refs[way_ends[i-1]..way_ends[i]]`.
    pub way_refs: Vec<u8>,
    /// End of each way's refs in `way_refs`, parallel to `way_ids`.
    pub way_ends: Vec<usize>,
    /// Facts of ways with tags of interest: (index into `way_ids`, info).
    pub way_infos: Vec<(u32, WayInfo)>,
    /// Area relations of interest.
    pub relations: Vec<RelationInfo>,
    /// Peers' POI counts for relations (any relation type): kind names.
    pub peer_poi_relations: Vec<&'static str>,
}

/// Node ids of one chunk in file order: 4 bytes each while every id lies within 2^32 above the
/// first (a block of a sorted file holds 8 000 nearby ids), else 8 bytes each.
#[derive(Clone, Debug)]
pub enum NodeIds {
    /// Offsets from the first id.
    Offsets {
        /// The first id.
        base: i64,
        /// `id - base` of each node.
        offsets: Vec<u32>,
    },
    /// The ids themselves.
    Full(Vec<i64>),
}

impl Default for NodeIds {
    fn default() -> Self {
        Self::Offsets {
            base: 0,
            offsets: Vec::new(),
        }
    }
}

impl From<Vec<i64>> for NodeIds {
    fn from(ids: Vec<i64>) -> Self {
        let mut out = Self::default();
        out.reserve_exact(ids.len());
        ids.into_iter().for_each(|id| out.push(id));
        out
    }
}

impl NodeIds {
    /// Append an id.
    pub fn push(&mut self, id: i64) {
        match self {
            Self::Offsets { base, offsets } => {
                if offsets.is_empty() {
                    *base = id;
                }
                match id.checked_sub(*base).map(u32::try_from) {
                    Some(Ok(o)) => offsets.push(o),
                    _ => {
                        let mut full: Vec<i64> = Vec::with_capacity(offsets.capacity());
                        full.extend(offsets.iter().map(|&o| *base + i64::from(o)));
                        full.push(id);
                        *self = Self::Full(full);
                    }
                }
            }
            Self::Full(ids) => ids.push(id),
        }
    }

    /// Reserve room for exactly `n` more ids.
    pub fn reserve_exact(&mut self, n: usize) {
        match self {
            Self::Offsets { offsets, .. } => offsets.reserve_exact(n),
            Self::Full(ids) => ids.reserve_exact(n),
        }
    }

    /// Number of ids.
    #[must_use]
    pub fn len(&self) -> usize {
        match self {
            Self::Offsets { offsets, .. } => offsets.len(),
            Self::Full(ids) => ids.len(),
        }
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The ids in order.
    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        (0..self.len()).map(move |i| match self {
            Self::Offsets { base, offsets } => *base + i64::from(offsets[i]),
            Self::Full(ids) => ids[i],
        })
    }

    /// Bytes held.
    #[must_use]
    pub fn capacity(&self) -> usize {
        match self {
            Self::Offsets { offsets, .. } => offsets.capacity(),
            Self::Full(ids) => ids.capacity(),
        }
    }
}

/// Degrees to the PBF's 1e-7 degree units.
#[allow(clippy::cast_possible_truncation)]
fn to_e7(deg: f64) -> i32 {
    (deg * 1e7).round() as i32
}

/// 1e-7 degree units to degrees.
#[must_use]
pub fn from_e7(v: i32) -> f64 {
    f64::from(v) * 1e-7
}

impl RawChunk {
    /// The node refs of way `i`.
    pub fn refs(&self, i: usize) -> impl Iterator<Item = i64> + '_ {
        let mut bytes = self.ref_bytes(i);
        let mut prev = 0i64;
        std::iter::from_fn(move || {
            let (delta, n) = i64::decode_var(bytes)?;
            bytes = bytes.get(n..)?;
            prev = prev.wrapping_add(delta);
            Some(prev)
        })
    }

    /// The number of node refs of way `i` (one varint ends at each byte below 0x80).
    #[must_use]
    pub fn ref_count(&self, i: usize) -> usize {
        self.ref_bytes(i).iter().filter(|&&b| b < 0x80).count()
    }

    fn ref_bytes(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.way_ends[i - 1] };
        &self.way_refs[start..self.way_ends[i]]
    }
}

fn name<T: Tags + ?Sized>(tags: &T) -> Option<String> {
    tags.get("name").map(str::to_owned)
}

impl RawChunk {
    /// Add a node; keeps the location always and the facts only when they matter.
    pub fn add_node<T: Tags + ?Sized>(
        &mut self,
        tax: &Taxonomy,
        id: i64,
        lon: f64,
        lat: f64,
        tags: &T,
        scratch: &mut Vec<u16>,
    ) {
        self.node_ids.push(id);
        self.node_coords.push((to_e7(lon), to_e7(lat)));
        if tags.is_empty() {
            return;
        }
        tax.classify(tags, scratch);
        let peer_poi = classify::peer_poi_kind(tags);
        let housing = classify::housing_kind(tags);
        let district = classify::district_level(tags);
        if !scratch.is_empty() || peer_poi.is_some() || housing.is_some() || district.is_some() {
            self.tagged_nodes.push(NodeInfo {
                id,
                lon,
                lat,
                name: name(tags),
                places: scratch.clone(),
                peer_poi,
                housing,
                levels: classify::building_levels(tags),
                district,
            });
        }
    }

    /// Add a way; keeps the node refs always and the facts only when they matter.
    pub fn add_way<T: Tags + ?Sized>(
        &mut self,
        tax: &Taxonomy,
        id: i64,
        refs: impl IntoIterator<Item = i64>,
        tags: &T,
        scratch: &mut Vec<u16>,
    ) {
        let idx = u32::try_from(self.way_ids.len()).unwrap_or(u32::MAX);
        self.way_ids.push(id);
        let (mut prev, mut buf) = (0i64, [0u8; 10]);
        for r in refs {
            let n = r.wrapping_sub(prev).encode_var(&mut buf);
            self.way_refs.extend_from_slice(&buf[..n]);
            prev = r;
        }
        self.way_ends.push(self.way_refs.len());
        if tags.is_empty() {
            return;
        }
        let walk = classify::walk_rule(tags);
        let peer_walkable = classify::is_walkable_peer(tags);
        tax.classify(tags, scratch);
        let housing = classify::housing_kind(tags);
        let peer_poi = classify::peer_poi_kind(tags);
        let district = classify::district_level(tags);
        let peer_residential = classify::peer_residential(tags);
        let walkable = walk != Walk::No || peer_walkable;
        if walkable
            || !scratch.is_empty()
            || housing.is_some()
            || peer_poi.is_some()
            || district.is_some()
            || peer_residential.is_some()
        {
            let text = WayText {
                highway: walkable
                    .then(|| tags.get("highway").map(Box::from))
                    .flatten(),
                name: tags.get("name").map(Box::from),
                surface: walkable
                    .then(|| tags.get("surface").map(Box::from))
                    .flatten(),
                places: scratch.as_slice().into(),
            };
            let has_text = text.highway.is_some()
                || text.name.is_some()
                || text.surface.is_some()
                || !text.places.is_empty();
            self.way_infos.push((
                idx,
                WayInfo {
                    walk: (walk != Walk::No).then_some(walk),
                    peer_walkable,
                    lit: classify::lit(tags),
                    housing,
                    peer_residential,
                    district,
                    levels: classify::building_levels(tags),
                    peer_poi,
                    text: has_text.then(|| Box::new(text)),
                },
            ));
        }
    }

    /// Add a relation; keeps area relations with facts of interest, counts POI relations.
    pub fn add_relation<T: Tags + ?Sized, M: IntoIterator<Item = Member>>(
        &mut self,
        tax: &Taxonomy,
        id: i64,
        members: M,
        tags: &T,
        scratch: &mut Vec<u16>,
    ) {
        if let Some(kind) = classify::peer_poi_kind(tags) {
            self.peer_poi_relations.push(kind);
        }
        if !classify::is_area_relation(tags) {
            return;
        }
        tax.classify(tags, scratch);
        let housing = classify::housing_kind(tags);
        let district = classify::district_level(tags);
        let peer_residential = classify::peer_residential(tags);
        if scratch.is_empty()
            && housing.is_none()
            && district.is_none()
            && peer_residential.is_none()
        {
            return;
        }
        let mut ways = Vec::new();
        let mut other_members = 0;
        for m in members {
            match m {
                Member::Way(w, role) => ways.push((w, role)),
                Member::Other => other_members += 1,
            }
        }
        self.relations.push(RelationInfo {
            id,
            ways,
            other_members,
            name: name(tags),
            housing,
            levels: classify::building_levels(tags),
            peer_residential,
            places: scratch.clone(),
            district,
        });
    }
}

/// A relation member as the readers report it.
#[derive(Clone, Copy, Debug)]
pub enum Member {
    /// A way with its role.
    Way(i64, Role),
    /// A node or relation member.
    Other,
}

impl Role {
    /// The role of a member from its role string; anything but `inner` is outer.
    #[must_use]
    pub fn from_str_role(role: &str) -> Self {
        if role == "inner" {
            Self::Inner
        } else {
            Self::Outer
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_ids_stay_offsets_near_the_first_and_fall_back_to_full() {
        let near = NodeIds::from(vec![10, 11, 10 + i64::from(u32::MAX)]);
        assert!(matches!(near, NodeIds::Offsets { base: 10, .. }));
        assert_eq!(
            near.iter().collect::<Vec<_>>(),
            [10, 11, 10 + i64::from(u32::MAX)]
        );
        let ids = vec![7, 5, i64::MAX, -3, i64::MIN];
        let far = NodeIds::from(ids.clone());
        assert!(matches!(far, NodeIds::Full(_)));
        assert_eq!(far.iter().collect::<Vec<_>>(), ids);
        assert_eq!(far.len(), 5);
    }

    #[test]
    fn way_refs_round_trip_through_varint_deltas() {
        let tax = Taxonomy::builtin().unwrap();
        let tags: Vec<(String, String)> = Vec::new();
        let mut c = RawChunk::default();
        let ways: [&[i64]; 3] = [
            &[1, 2, 3, 1],
            &[],
            &[i64::MAX, i64::MIN, 0, -5, 12_345_678_901],
        ];
        for (i, refs) in ways.iter().enumerate() {
            c.add_way(&tax, i as i64, refs.iter().copied(), &tags, &mut Vec::new());
        }
        for (i, refs) in ways.iter().enumerate() {
            assert_eq!(c.refs(i).collect::<Vec<_>>(), *refs);
            assert_eq!(c.ref_count(i), refs.len());
        }
        assert_eq!(
            c.ref_bytes(0).len(),
            4,
            "small differences take a byte each"
        );
    }
}
