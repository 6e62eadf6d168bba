//! From classified chunks to the typed [`Extract`]: node locations joined to ways, outlines
//! closed and multipolygons assembled, `building=yes` kept only inside residential areas,
//! places and districts positioned, and everything counted.

use crate::classify::PeerResidential;
use crate::extract::{
    District, Extract, ExtractStats, HousingFeature, PeerCounts, Place, SourceInfo, WalkWay,
    Warnings,
};
use crate::multipolygon::{Segment, assemble as assemble_rings, build_rings};
use crate::nodes::NodeTable;
use crate::raw::{RawChunk, RelationInfo, Role, WayInfo};
use crate::ways::{Compacted, NodeRef, WayBlock, compact};
use feltkart_model::{
    BuildingType, HousingAreaType, HousingKind, LonLat, OsmNodeId, OsmRef, OsmRelationId, OsmWayId,
    haversine_m,
};
use geo::{BoundingRect, Centroid, Contains, Coord, LineString, MultiPolygon, Point, Polygon};
use rayon::prelude::*;
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};
use rustc_hash::FxHashMap;

/// A way's outline, or why there is none.
enum Outline {
    Closed(LineString<f64>),
    /// Not closed, or nodes missing: the coordinates that are present.
    Open(Vec<Coord<f64>>),
}

fn outline(refs: &[NodeRef], nodes: &NodeTable) -> Outline {
    let coords: Vec<Coord<f64>> = refs
        .iter()
        .filter_map(|&r| nodes.get(r))
        .map(|(x, y)| Coord { x, y })
        .collect();
    let closed = refs.len() >= 4 && refs.first() == refs.last() && coords.len() == refs.len();
    if closed {
        Outline::Closed(LineString::new(coords))
    } else {
        Outline::Open(coords)
    }
}

fn to_lonlat(p: Point<f64>) -> LonLat {
    LonLat {
        lon: p.x(),
        lat: p.y(),
    }
}

fn mean_point(coords: &[Coord<f64>]) -> Option<LonLat> {
    if coords.is_empty() {
        return None;
    }
    #[allow(clippy::cast_precision_loss)]
    let n = coords.len() as f64;
    let (sx, sy) = coords
        .iter()
        .fold((0.0, 0.0), |(sx, sy), c| (sx + c.x, sy + c.y));
    Some(LonLat {
        lon: sx / n,
        lat: sy / n,
    })
}

/// What one walkable way contributes.
struct WalkOut {
    way: Option<WalkWay>,
    missing: u64,
    peer_walkable: bool,
    peer: Option<(u64, f64)>,
}

fn walk_way(id: i64, refs: &[NodeRef], info: &WayInfo, nodes: &NodeTable) -> WalkOut {
    let mut ids = Vec::with_capacity(refs.len());
    let mut coords: Vec<LonLat> = Vec::with_capacity(refs.len());
    let mut gaps_before = Vec::new();
    let mut missing = 0;
    let mut pending_gap = false;
    for &r in refs {
        match nodes.get(r) {
            Some((lon, lat)) => {
                if pending_gap && !ids.is_empty() {
                    gaps_before.push(u32::try_from(ids.len()).unwrap_or(u32::MAX));
                }
                pending_gap = false;
                ids.push(OsmNodeId(nodes.id(r)));
                coords.push(LonLat { lon, lat });
            }
            None => {
                missing += 1;
                pending_gap = true;
            }
        }
    }
    let peer = (info.peer_walkable && coords.len() >= 2).then(|| {
        let len: f64 = coords
            .windows(2)
            .map(|w| haversine_m(w[0].lon, w[0].lat, w[1].lon, w[1].lat))
            .sum();
        (coords.len() as u64 - 1, len)
    });
    let way = (coords.len() >= 2).then(|| WalkWay {
        osm: OsmWayId(id),
        walk: info.walk,
        peer_walkable: info.peer_walkable,
        class: info.highway_class(),
        highway: info.highway().unwrap_or_default().to_owned(),
        name: info.name().map(str::to_owned),
        lit: info.lit,
        surface: info.surface().map(str::to_owned),
        nodes: ids,
        coords,
        gaps_before,
    });
    WalkOut {
        way,
        missing,
        peer_walkable: info.peer_walkable,
        peer,
    }
}

/// An area (from a closed way or an assembled relation) with the facts it carries.
struct AreaFacts<'a> {
    osm: OsmRef,
    shape: MultiPolygon<f64>,
    housing: Option<HousingKind>,
    levels: Option<f32>,
    places: &'a [u16],
    name: Option<&'a str>,
    district: Option<feltkart_model::DistrictSource>,
}

/// Everything assembled, before `building=yes` filtering and counting.
#[derive(Default)]
struct Collected {
    housing: Vec<HousingFeature>,
    places: Vec<Place>,
    districts: Vec<District>,
}

impl Collected {
    /// Room for every housing feature the chunks and blocks can yield, so the vector never
    /// grows by doubling.
    fn with_capacity(blocks: &[WayBlock], chunks: &[RawChunk]) -> Self {
        let ways = blocks
            .iter()
            .flat_map(|b| b.infos.iter())
            .filter(|(_, i)| i.housing.is_some())
            .count();
        let others = chunks
            .iter()
            .map(|c| {
                c.relations.iter().filter(|r| r.housing.is_some()).count()
                    + c.tagged_nodes
                        .iter()
                        .filter(|n| n.housing.is_some())
                        .count()
            })
            .sum::<usize>();
        Self {
            housing: Vec::with_capacity(ways + others),
            ..Self::default()
        }
    }

    /// Append what `other` collected.
    fn append(&mut self, mut other: Self) {
        self.housing.append(&mut other.housing);
        self.places.append(&mut other.places);
        self.districts.append(&mut other.districts);
    }

    /// A way's outline: an area when closed, else (for places) its mean point.
    fn add_outline(
        &mut self,
        id: i64,
        info: &WayInfo,
        o: Outline,
        warnings: &mut Warnings,
        peer: &mut PeerCounts,
    ) {
        let osm = OsmRef::Way(OsmWayId(id));
        match o {
            Outline::Closed(ring) => {
                match info.peer_residential {
                    Some(PeerResidential::Landuse) => peer.residential_landuse_areas += 1,
                    Some(PeerResidential::Building) => peer.residential_building_areas += 1,
                    None => {}
                }
                self.add_area(AreaFacts {
                    osm,
                    shape: MultiPolygon::new(vec![Polygon::new(ring, vec![])]),
                    housing: info.housing,
                    levels: info.levels,
                    places: info.places(),
                    name: info.name(),
                    district: info.district,
                });
            }
            Outline::Open(coords) => {
                if info.housing.is_some() || info.district.is_some() {
                    warnings.unclosed_outlines += 1;
                }
                if let (false, Some(at)) = (info.places().is_empty(), mean_point(&coords)) {
                    self.places.push(Place {
                        osm,
                        kinds: info.places().to_vec(),
                        name: info.name().map(str::to_owned),
                        at,
                    });
                }
            }
        }
    }

    fn add_area(&mut self, mut a: AreaFacts<'_>) {
        let at = a.shape.centroid().map(to_lonlat);
        let Some(at) = at else { return };
        if let Some(kind) = a.housing {
            // The outline goes to the housing feature; a district on the same object gets a copy.
            let shape = if a.district.is_some() {
                a.shape.clone()
            } else {
                std::mem::replace(&mut a.shape, MultiPolygon::new(Vec::new()))
            };
            self.housing.push(HousingFeature {
                osm: a.osm,
                kind,
                levels: a.levels,
                shape,
                at,
            });
        }
        if !a.places.is_empty() {
            self.places.push(Place {
                osm: a.osm,
                kinds: a.places.to_vec(),
                name: a.name.map(str::to_owned),
                at,
            });
        }
        if let Some(source) = a.district {
            self.districts.push(District {
                osm: a.osm,
                source,
                name: a.name.map(str::to_owned),
                shape: Some(a.shape),
                at,
            });
        }
    }
}

/// Count one walkable way (Feltkart's and the peers' rule).
fn count_walk(
    w: &WalkOut,
    stats: &mut ExtractStats,
    warnings: &mut Warnings,
    peer: &mut PeerCounts,
) {
    if let Some((e, len)) = w.peer {
        peer.walk_ways += 1;
        peer.walk_edges += e;
        peer.walk_length_m += len;
    }
    if w.missing > 0 {
        warnings.missing_way_node_refs += w.missing;
        if w.peer_walkable {
            peer.missing_node_locations += w.missing;
        }
    }
    let Some(way) = &w.way else {
        warnings.dropped_walk_ways += 1;
        return;
    };
    if way.walk.is_none() {
        return;
    }
    if w.missing > 0 {
        warnings.clipped_walk_ways += 1;
    }
    stats.walk_ways += 1;
    let mut start = 0usize;
    for cut in way
        .gaps_before
        .iter()
        .map(|&g| g as usize)
        .chain([way.coords.len()])
    {
        let part = &way.coords[start..cut];
        stats.walk_edges += part.len().saturating_sub(1) as u64;
        stats.walk_length_m += part
            .windows(2)
            .map(|p| haversine_m(p[0].lon, p[0].lat, p[1].lon, p[1].lat))
            .sum::<f64>();
        start = cut;
    }
}

/// Assemble one area relation: its rings, and whether it was complete (all member ways in
/// the file with all their nodes).
fn relation_shape(
    rel: &RelationInfo,
    ways: &FxHashMap<i64, (u32, u32)>,
    blocks: &[WayBlock],
    nodes: &NodeTable,
) -> (Option<MultiPolygon<f64>>, bool, usize) {
    let mut complete = true;
    let mut outer = Vec::new();
    let mut inner = Vec::new();
    for &(wid, role) in &rel.ways {
        let Some(refs) = ways
            .get(&wid)
            .and_then(|&(b, i)| blocks.get(b as usize).map(|b| b.refs(i)))
        else {
            complete = false;
            continue;
        };
        let coords: Vec<Coord<f64>> = refs
            .iter()
            .filter_map(|&r| nodes.get(r))
            .map(|(x, y)| Coord { x, y })
            .collect();
        if coords.len() != refs.len() {
            complete = false;
            continue;
        }
        let seg = Segment {
            nodes: refs.iter().map(|&r| nodes.id(r)).collect(),
            coords,
        };
        if role == Role::Inner {
            inner.push(seg)
        } else {
            outer.push(seg)
        }
    }
    let (mut outer_rings, unclosed_o) = build_rings(&outer);
    let (mut inner_rings, unclosed_i) = build_rings(&inner);
    if outer_rings.is_empty() && !inner_rings.is_empty() {
        // Roles missing or wrong: treat every ring as outer.
        outer_rings.append(&mut inner_rings);
    }
    let unclosed = unclosed_o + unclosed_i;
    if outer_rings.is_empty() {
        return (None, complete, unclosed);
    }
    let (shape, _orphans) = assemble_rings(outer_rings, inner_rings);
    (Some(shape), complete && unclosed == 0, unclosed)
}

/// Keep `building=yes` only where its centroid lies in a `landuse=residential` area.
fn filter_unspecified_buildings(housing: Vec<HousingFeature>) -> Vec<HousingFeature> {
    let residential: Vec<&Polygon<f64>> = housing
        .iter()
        .filter(|h| h.kind == HousingKind::Area(HousingAreaType::Residential))
        .flat_map(|h| h.shape.0.iter())
        .collect();
    let tree = RTree::bulk_load(
        residential
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                p.bounding_rect().map(|r| {
                    GeomWithData::new(
                        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
                        i,
                    )
                })
            })
            .collect(),
    );
    let keep: Vec<bool> = housing
        .par_iter()
        .map(|h| {
            if h.kind != HousingKind::Building(BuildingType::UnspecifiedInResidential) {
                return true;
            }
            let pt = Point::new(h.at.lon, h.at.lat);
            tree.locate_in_envelope_intersecting(&AABB::from_point([h.at.lon, h.at.lat]))
                .any(|g| residential[g.data].contains(&pt))
        })
        .collect();
    housing
        .into_iter()
        .zip(keep)
        .filter_map(|(h, k)| k.then_some(h))
        .collect()
}

/// Build the extract from decoded chunks.
#[allow(clippy::too_many_lines)]
pub fn assemble(
    source: SourceInfo,
    mut chunks: Vec<RawChunk>,
    place_kinds: Vec<String>,
) -> Extract {
    let Compacted {
        blocks,
        nodes,
        node_counts,
        ways,
        members,
    } = compact(&mut chunks, source.header_bbox);
    let mut stats = ExtractStats {
        nodes: node_counts.nodes,
        ways,
        ..ExtractStats::default()
    };
    let mut warnings = Warnings {
        nodes_outside_header_box: node_counts.outside_header_box,
        ..Warnings::default()
    };
    let mut peer = PeerCounts::default();
    let node_bbox = node_counts.bbox;

    let mut collected = Collected::with_capacity(&blocks, &chunks);
    let walkable = |i: &WayInfo| i.walk.is_some() || i.peer_walkable;
    let mut walk_ways: Vec<WalkWay> = Vec::with_capacity(
        blocks
            .iter()
            .map(|b| b.infos.iter().filter(|(_, i)| walkable(i)).count())
            .sum(),
    );

    // Area relations first, as their member ways may lie in any block; their areas follow
    // the ways' in the extract, as before.
    let relations: Vec<&RelationInfo> = chunks.iter().flat_map(|c| c.relations.iter()).collect();
    stats.area_relations = relations.len() as u64;
    let shapes: Vec<(&RelationInfo, Option<MultiPolygon<f64>>, bool)> = relations
        .par_iter()
        .map(|&r| {
            let (shape, complete, _) = relation_shape(r, &members, &blocks, &nodes);
            (r, shape, complete)
        })
        .collect();
    drop(members);
    let mut relation_areas = Collected::default();
    for (rel, shape, complete) in shapes {
        if !complete {
            warnings.incomplete_relations += 1;
        }
        let Some(shape) = shape else {
            warnings.unassembled_relations += 1;
            continue;
        };
        if complete {
            match rel.peer_residential {
                Some(PeerResidential::Landuse) => peer.residential_landuse_areas += 1,
                Some(PeerResidential::Building) => peer.residential_building_areas += 1,
                None => {}
            }
        }
        relation_areas.add_area(AreaFacts {
            osm: OsmRef::Relation(OsmRelationId(rel.id)),
            shape,
            housing: rel.housing,
            levels: rel.levels,
            places: &rel.places,
            name: rel.name.as_deref(),
            district: rel.district,
        });
    }

    // Ways with facts, block by block in file order; each block, and the intermediate
    // results built from it, is freed before the next: walkable ways, then outlines.
    let mut way_pois: Vec<&'static str> = Vec::new();
    for b in blocks {
        let walks: Vec<WalkOut> = b
            .infos
            .par_iter()
            .filter(|(_, info)| walkable(info))
            .map(|(i, info)| walk_way(b.id(*i), b.refs(*i), info, &nodes))
            .collect();
        for w in walks {
            count_walk(&w, &mut stats, &mut warnings, &mut peer);
            walk_ways.extend(w.way);
        }

        // Outlines of ways that carry housing, places, districts or peer-residential tags.
        let outlines: Vec<(i64, &WayInfo, Outline)> = b
            .infos
            .par_iter()
            .filter(|(_, i)| {
                i.housing.is_some()
                    || !i.places().is_empty()
                    || i.district.is_some()
                    || i.peer_residential.is_some()
            })
            .map(|(i, info)| (b.id(*i), info, outline(b.refs(*i), &nodes)))
            .collect();
        for (id, info, o) in outlines {
            collected.add_outline(id, info, o, &mut warnings, &mut peer);
        }
        way_pois.extend(b.infos.iter().filter_map(|(_, i)| i.peer_poi));
    }
    drop(nodes);
    collected.append(relation_areas);

    // Tagged nodes: places, district points, buildings mapped as nodes.
    for n in chunks.iter().flat_map(|c| c.tagged_nodes.iter()) {
        let osm = OsmRef::Node(OsmNodeId(n.id));
        let at = LonLat {
            lon: n.lon,
            lat: n.lat,
        };
        if !n.places.is_empty() {
            collected.places.push(Place {
                osm,
                kinds: n.places.clone(),
                name: n.name.clone(),
                at,
            });
        }
        if let Some(source) = n.district {
            collected.districts.push(District {
                osm,
                source,
                name: n.name.clone(),
                shape: None,
                at,
            });
        }
        if let Some(kind) = n.housing {
            collected.housing.push(HousingFeature {
                osm,
                kind,
                levels: n.levels,
                shape: MultiPolygon::new(vec![]),
                at,
            });
        }
    }

    // Peer POI counts over nodes, ways and relations.
    let mut count_poi = |kind: &str, t: &str| {
        *peer.pois_by_kind.entry(kind.to_owned()).or_default() += 1;
        *peer.pois_by_osm_type.entry(t.to_owned()).or_default() += 1;
    };
    for c in &chunks {
        c.tagged_nodes
            .iter()
            .filter_map(|n| n.peer_poi)
            .for_each(|k| count_poi(k, "n"));
        c.peer_poi_relations.iter().for_each(|k| count_poi(k, "r"));
    }
    way_pois.iter().for_each(|k| count_poi(k, "w"));

    let housing = filter_unspecified_buildings(collected.housing);
    for h in &housing {
        *stats.housing_by_kind.entry(h.kind.to_string()).or_default() += 1;
    }
    for p in &collected.places {
        for &k in &p.kinds {
            let name = place_kinds.get(usize::from(k)).cloned().unwrap_or_default();
            *stats.places_by_kind.entry(name).or_default() += 1;
        }
    }
    stats.districts = collected.districts.len() as u64;
    stats.peer = peer;
    stats.warnings = warnings;
    Extract {
        source: SourceInfo {
            node_bbox,
            ..source
        },
        walk_ways,
        housing,
        places: collected.places,
        districts: collected.districts,
        place_kinds,
        stats,
    }
}
