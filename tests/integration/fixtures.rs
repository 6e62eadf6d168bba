//! Hand-written `.osm` fixtures for edge cases (`tests/fixtures`), read with
//! `feltkart_osm::read_extract`; every fact is found by the objects' `name` tags, never by index.

mod areas;
mod pbf_copy;
mod walking;

use crate::common;
use crate::pbf_writer::{self, NodeEncoding, OsmData};
use feltkart_graph::{BuildOptions, Rule, WalkGraph};
use feltkart_model::{
    BuildingType, HighwayClass, HousingAreaType, HousingKind, LonLat, OsmNodeId, OsmRef,
    OsmRelationId, OsmWayId, haversine_m,
};
use feltkart_osm::classify::Walk;
use feltkart_osm::{Extract, HousingFeature, WalkWay};
use petgraph::graph::NodeIndex;
use std::collections::BTreeSet;

/// A fixture: what the library read, and the objects as written in the file.
struct Fixture {
    extract: Extract,
    osm: OsmData,
}

fn load(name: &str) -> Fixture {
    let path = common::fixture(name);
    let text = std::fs::read_to_string(&path).unwrap();
    Fixture {
        extract: common::read(&path),
        osm: pbf_writer::parse_simple_osm(&text),
    }
}

fn has_name(tags: &[(String, String)], name: &str) -> bool {
    tags.iter().any(|(k, v)| k == "name" && v == name)
}

impl Fixture {
    /// The one object in the file with this `name` tag.
    fn id(&self, name: &str) -> OsmRef {
        let o = &self.osm;
        let found: Vec<OsmRef> = (o
            .nodes
            .iter()
            .filter(|n| has_name(&n.tags, name))
            .map(|n| OsmRef::Node(OsmNodeId(n.id))))
        .chain(
            o.ways
                .iter()
                .filter(|w| has_name(&w.tags, name))
                .map(|w| OsmRef::Way(OsmWayId(w.id))),
        )
        .chain(
            o.relations
                .iter()
                .filter(|r| has_name(&r.tags, name))
                .map(|r| OsmRef::Relation(OsmRelationId(r.id))),
        )
        .collect();
        assert_eq!(
            found.len(),
            1,
            "objects named {name:?} in the fixture: {found:?}"
        );
        found[0]
    }

    /// The way named `name` as written in the file (node refs, present or not).
    fn refs(&self, name: &str) -> Vec<i64> {
        let OsmRef::Way(id) = self.id(name) else {
            panic!("{name} is not a way")
        };
        self.osm
            .ways
            .iter()
            .find(|w| w.id == id.0)
            .map(|w| w.refs.clone())
            .unwrap()
    }

    fn location(&self, node: i64) -> Option<LonLat> {
        self.osm
            .nodes
            .iter()
            .find(|n| n.id == node)
            .map(|n| LonLat {
                lon: n.lon,
                lat: n.lat,
            })
    }

    /// The walkable way with this name, if the library kept it.
    fn walk_way(&self, name: &str) -> Option<&WalkWay> {
        let OsmRef::Way(id) = self.id(name) else {
            panic!("{name} is not a way")
        };
        let found: Vec<&WalkWay> = self
            .extract
            .walk_ways
            .iter()
            .filter(|w| w.osm == id)
            .collect();
        assert!(found.len() <= 1, "{name}: kept {} times", found.len());
        found.first().map(|w| {
            assert_eq!(w.name.as_deref(), Some(name));
            *w
        })
    }

    /// The housing feature made from the object with this name, if the library kept it.
    fn housing(&self, name: &str) -> Option<&HousingFeature> {
        let id = self.id(name);
        let found: Vec<&HousingFeature> = self
            .extract
            .housing
            .iter()
            .filter(|h| h.osm == id)
            .collect();
        assert!(found.len() <= 1, "{name}: {} housing features", found.len());
        found.first().copied()
    }

    /// The walking graph by `rule`, simplified, every component kept.
    fn graph(&self, rule: Rule) -> WalkGraph {
        feltkart_graph::build(
            &self.extract,
            BuildOptions {
                rule,
                largest_component: false,
                ..BuildOptions::default()
            },
        )
    }
}

/// The graph vertex at an OSM node.
fn vertex(g: &WalkGraph, osm: OsmNodeId) -> Option<NodeIndex> {
    g.graph.node_indices().find(|&v| g.graph[v].osm == osm)
}

/// Street names on the graph's edges.
fn edge_names(g: &WalkGraph) -> BTreeSet<String> {
    g.graph
        .edge_weights()
        .filter_map(|e| e.name.clone())
        .collect()
}

fn length_m(coords: &[LonLat]) -> f64 {
    coords
        .windows(2)
        .map(|p| haversine_m(p[0].lon, p[0].lat, p[1].lon, p[1].lat))
        .sum()
}
