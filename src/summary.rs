//! The ingest summary: what was read, kept, dropped, and how it compares with the peers'
//! shared definitions.

use feltkart_atlas::Atlas;
use feltkart_model::BBox;
use feltkart_osm::{PeerCounts, Warnings};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// Feltkart's own counts.
#[derive(Serialize)]
pub struct Own {
    walk_ways: u64,
    walk_edges: u64,
    walk_length_m: f64,
    graph_vertices: u64,
    graph_edges: u64,
    graph_length_m: f64,
    components: u64,
    dropped_component_vertices: u64,
    dropped_component_length_m: f64,
    residential_landuse_areas: u64,
    residential_building_areas: u64,
    pois_peer_definition: u64,
}

/// The summary printed by `ingest`, `stats` and `demo`.
#[derive(Serialize)]
pub struct Summary {
    file: String,
    format: String,
    file_bytes: u64,
    header_bbox: Option<BBox>,
    node_bbox: BBox,
    seconds: Option<f64>,
    nodes: u64,
    ways: u64,
    feltkart: Own,
    peer_definitions: PeerCounts,
    housing_by_kind: BTreeMap<String, u64>,
    places_by_kind: BTreeMap<String, u64>,
    districts: u64,
    warnings: Warnings,
    atlas: Option<AtlasInfo>,
}

#[derive(Serialize)]
struct AtlasInfo {
    path: String,
    bytes: u64,
    checksum: String,
}

impl Summary {
    /// Summarise an atlas (and where it was written, and how long ingest took).
    pub fn new(atlas: &Atlas, file: Option<(&Path, u64, u32)>, took: Option<Duration>) -> Self {
        let x = &atlas.extract;
        let s = &x.stats;
        let g = &atlas.graph;
        Self {
            file: x.source.file_name.clone(),
            format: x.source.format.clone(),
            file_bytes: x.source.file_bytes,
            header_bbox: x.source.header_bbox,
            node_bbox: x.source.node_bbox,
            seconds: took.map(|d| d.as_secs_f64()),
            nodes: s.nodes,
            ways: s.ways,
            feltkart: Own {
                walk_ways: s.walk_ways,
                walk_edges: s.walk_edges,
                walk_length_m: s.walk_length_m,
                graph_vertices: g.graph.node_count() as u64,
                graph_edges: g.graph.edge_count() as u64,
                graph_length_m: g.total_length_m(),
                components: g.stats.components,
                dropped_component_vertices: g.stats.nodes_dropped,
                dropped_component_length_m: g.stats.length_dropped_m,
                residential_landuse_areas: s.peer.residential_landuse_areas,
                residential_building_areas: s.peer.residential_building_areas,
                pois_peer_definition: s.peer.pois_by_kind.values().sum(),
            },
            peer_definitions: s.peer.clone(),
            housing_by_kind: s.housing_by_kind.clone(),
            places_by_kind: s.places_by_kind.clone(),
            districts: s.districts,
            warnings: s.warnings.clone(),
            atlas: file.map(|(p, bytes, crc)| AtlasInfo {
                path: p.display().to_string(),
                bytes,
                checksum: format!("{crc:08x}"),
            }),
        }
    }

    /// Print as text or JSON on stdout.
    pub fn print(&self, json: bool) -> anyhow::Result<()> {
        let mut out = std::io::stdout().lock();
        if json {
            serde_json::to_writer_pretty(&mut out, self)?;
            writeln!(out)?;
        } else {
            out.write_all(self.text().as_bytes())?;
        }
        Ok(())
    }

    /// The text form.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut t = String::new();
        let km = |m: f64| m / 1000.0;
        let f = &self.feltkart;
        let p = &self.peer_definitions;
        let _ = writeln!(
            t,
            "{} ({} bytes, {}){}",
            self.file,
            self.file_bytes,
            self.format,
            self.seconds
                .map(|s| format!(", ingested in {s:.2} s"))
                .unwrap_or_default()
        );
        if let Some(b) = self.header_bbox {
            let _ = writeln!(
                t,
                "  header box   {:.5},{:.5} .. {:.5},{:.5}",
                b.min_lon, b.min_lat, b.max_lon, b.max_lat
            );
        }
        let _ = writeln!(t, "  read         {} nodes, {} ways", self.nodes, self.ways);
        let _ = writeln!(
            t,
            "\nWalking network            feltkart      peer definition"
        );
        let _ = writeln!(
            t,
            "  walkable ways         {:>12} {:>18}",
            f.walk_ways, p.walk_ways
        );
        let _ = writeln!(
            t,
            "  node-pair edges       {:>12} {:>18}",
            f.walk_edges, p.walk_edges
        );
        let _ = writeln!(
            t,
            "  length (km)           {:>12.3} {:>18.3}",
            km(f.walk_length_m),
            km(p.walk_length_m)
        );
        let _ = writeln!(
            t,
            "  graph: {} vertices, {} street segments, {:.3} km in the largest component ({} components; {} vertices, {:.3} km dropped)",
            f.graph_vertices,
            f.graph_edges,
            km(f.graph_length_m),
            f.components,
            f.dropped_component_vertices,
            km(f.dropped_component_length_m)
        );
        let _ = writeln!(
            t,
            "\nResidential areas (peer definition): {} landuse, {} buildings; POIs (peer definition): {}",
            p.residential_landuse_areas, p.residential_building_areas, f.pois_peer_definition
        );
        let _ = writeln!(t, "\nHousing features by type");
        for (k, n) in &self.housing_by_kind {
            let _ = writeln!(t, "  {k:<32} {n:>8}");
        }
        let _ = writeln!(t, "\nPlaces by type (taxonomy)");
        for (k, n) in &self.places_by_kind {
            let _ = writeln!(t, "  {k:<32} {n:>8}");
        }
        let _ = writeln!(t, "\nDistricts (areas and points): {}", self.districts);
        let lines = self.warnings.lines();
        if lines.is_empty() {
            let _ = writeln!(t, "\nWarnings: none");
        } else {
            let _ = writeln!(
                t,
                "\nWarnings (handled; see ARCHITECTURE.md \"Messy data\")"
            );
            for (label, n) in lines {
                let _ = writeln!(t, "  {label:<52} {n:>8}");
            }
        }
        if let Some(a) = &self.atlas {
            let _ = writeln!(
                t,
                "\nAtlas: {} ({} bytes, checksum {})",
                a.path, a.bytes, a.checksum
            );
        }
        t
    }
}
