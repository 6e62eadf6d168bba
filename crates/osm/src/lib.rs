//! Reading OpenStreetMap extracts (PBF, or OSM XML) into Feltkart's typed [`Extract`]:
//! walkable ways, housing features (buildings and areas, multipolygons with holes), places
//! of interest from the data-driven taxonomy, and district outlines.
//!
//! ```no_run
//! let tax = feltkart_osm::Taxonomy::builtin()?;
//! let extract = feltkart_osm::read_extract(std::path::Path::new("city.osm.pbf"), &tax, &|_| {})?;
//! println!("{} walkable ways", extract.stats.walk_ways);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod assemble;
pub mod classify;
mod error;
mod extract;
pub mod multipolygon;
mod nodes;
pub mod pbf;
pub mod raw;
pub mod tags;
mod taxonomy;
pub mod xml;

pub use error::OsmError;
pub use extract::{
    District, Extract, ExtractStats, HousingFeature, PeerCounts, Place, SourceInfo, WalkWay,
    Warnings,
};
pub use taxonomy::{BUILTIN_TAXONOMY, PlaceKindDef, Taxonomy, TaxonomyError};

use std::path::Path;

/// Read an extract file (`.osm.pbf`, or OSM XML), reporting progress as bytes decoded.
///
/// # Errors
/// [`OsmError`] naming the path: missing file, directory, empty file, not PBF/XML,
/// truncated or corrupt blocks, an extract with no (walkable) ways.
pub fn read_extract(
    path: &Path,
    taxonomy: &Taxonomy,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Extract, OsmError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => OsmError::NotFound {
            path: shown.clone(),
        },
        _ => OsmError::Io {
            path: shown.clone(),
            source: e,
        },
    })?;
    if meta.is_dir() {
        return Err(OsmError::IsDirectory { path: shown });
    }
    let bytes = std::fs::read(path).map_err(|source| OsmError::Io {
        path: shown.clone(),
        source,
    })?;
    let file_name = path
        .file_name()
        .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
    let decoded = decode(&shown, &bytes, taxonomy, progress)?;
    let file_bytes = bytes.len() as u64;
    drop(bytes); // the file is not needed any more: free it before assembly
    finish(&shown, &file_name, file_bytes, decoded, taxonomy)
}

struct Decoded {
    format: &'static str,
    header: pbf::PbfHeader,
    chunks: Vec<raw::RawChunk>,
}

fn decode(
    path: &str,
    bytes: &[u8],
    taxonomy: &Taxonomy,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Decoded, OsmError> {
    if bytes.is_empty() {
        return Err(OsmError::Empty {
            path: path.to_owned(),
        });
    }
    let (format, (header, chunks)) = if xml::looks_like_xml(bytes) {
        ("xml", xml::decode(path, bytes, taxonomy)?)
    } else if bytes.starts_with(b"\x1f\x8b") {
        return Err(OsmError::NotPbf {
            path: path.to_owned(),
            reason: "it is gzip-compressed: decompress it first".into(),
        });
    } else {
        ("pbf", pbf::decode(path, bytes, taxonomy, progress)?)
    };
    Ok(Decoded {
        format,
        header,
        chunks,
    })
}

/// Read an extract held in memory; `path` names it in errors.
///
/// # Errors
/// As [`read_extract`].
pub fn read_extract_bytes(
    path: &str,
    file_name: &str,
    bytes: &[u8],
    taxonomy: &Taxonomy,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Extract, OsmError> {
    let decoded = decode(path, bytes, taxonomy, progress)?;
    finish(path, file_name, bytes.len() as u64, decoded, taxonomy)
}

fn finish(
    path: &str,
    file_name: &str,
    file_bytes: u64,
    decoded: Decoded,
    taxonomy: &Taxonomy,
) -> Result<Extract, OsmError> {
    let Decoded {
        format,
        header,
        chunks,
    } = decoded;
    let node_count: usize = chunks.iter().map(|c| c.node_ids.len()).sum();
    let way_count: usize = chunks.iter().map(|c| c.way_ids.len()).sum();
    if way_count == 0 {
        return Err(OsmError::NoWays {
            path: path.to_owned(),
            nodes: node_count,
        });
    }
    let source = SourceInfo {
        file_name: file_name.to_owned(),
        file_bytes,
        format: format.to_owned(),
        header_bbox: header.bbox,
        node_bbox: feltkart_model::BBox::empty(),
        generator: header.generator,
        replication_timestamp: header.replication_timestamp,
    };
    let kinds = taxonomy.kinds.iter().map(|k| k.name.clone()).collect();
    let extract = assemble::assemble(source, chunks, kinds);
    if extract.stats.walk_ways == 0 {
        return Err(OsmError::NoWalkableWays {
            path: path.to_owned(),
            ways: way_count,
        });
    }
    Ok(extract)
}
