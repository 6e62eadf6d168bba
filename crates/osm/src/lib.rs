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
mod ways;
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
    let io = |source| OsmError::Io {
        path: shown.clone(),
        source,
    };
    let file_name = path
        .file_name()
        .map_or_else(|| shown.clone(), |n| n.to_string_lossy().into_owned());
    let size = meta.len();
    let mut reader =
        std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(path).map_err(io)?);
    let head = std::io::BufRead::fill_buf(&mut reader).map_err(io)?;
    let decoded = match sniff(&shown, head)? {
        Format::Pbf => Decoded::pbf(pbf::decode(&shown, reader, size, taxonomy, progress)?),
        Format::Xml => {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut reader, &mut bytes).map_err(io)?;
            Decoded::xml(xml::decode(&shown, &bytes, taxonomy)?)
        }
    };
    finish(&shown, &file_name, size, decoded, taxonomy)
}

struct Decoded {
    format: &'static str,
    header: pbf::PbfHeader,
    chunks: Vec<raw::RawChunk>,
}

impl Decoded {
    fn pbf((header, chunks): (pbf::PbfHeader, Vec<raw::RawChunk>)) -> Self {
        Self {
            format: "pbf",
            header,
            chunks,
        }
    }
    fn xml((header, chunks): (pbf::PbfHeader, Vec<raw::RawChunk>)) -> Self {
        Self {
            format: "xml",
            header,
            chunks,
        }
    }
}

enum Format {
    Pbf,
    Xml,
}

/// Tell the format from the first bytes of the file.
fn sniff(path: &str, head: &[u8]) -> Result<Format, OsmError> {
    if head.is_empty() {
        return Err(OsmError::Empty {
            path: path.to_owned(),
        });
    }
    if xml::looks_like_xml(head) {
        return Ok(Format::Xml);
    }
    if head.starts_with(b"\x1f\x8b") {
        return Err(OsmError::NotPbf {
            path: path.to_owned(),
            reason: "it is gzip-compressed: decompress it first".into(),
        });
    }
    Ok(Format::Pbf)
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
    let decoded = match sniff(path, bytes)? {
        Format::Pbf => Decoded::pbf(pbf::decode(
            path,
            bytes,
            bytes.len() as u64,
            taxonomy,
            progress,
        )?),
        Format::Xml => Decoded::xml(xml::decode(path, bytes, taxonomy)?),
    };
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
