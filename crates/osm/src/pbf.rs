//! OSM PBF decoding: blob framing here, block decoding by `osmpbfreader`, in parallel with rayon.
//!
//! `osmpbfreader`'s own file reader asserts (panics) on a short read, so a truncated file
//! would abort the process; the framing below checks every length against the file size and
//! returns [`OsmError::Truncated`] instead. Blocks are then decoded with `osmpbfreader`'s
//! error-returning [`osmpbfreader::primitive_block_from_blob`] and its group iterators, after
//! a check that every string-table index in the block is in range and no delta-coded id or
//! coordinate overflows (the iterators index and add without checking).

use crate::error::OsmError;
use crate::raw::{Member, RawChunk, Role};
use crate::taxonomy::Taxonomy;
use feltkart_model::BBox;
use osmpbfreader::fileformat::{Blob, BlobHeader};
use osmpbfreader::osmformat::{HeaderBlock, PrimitiveBlock};
use osmpbfreader::{OsmId, groups};
use protobuf::Message;
use rayon::prelude::*;
use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};

/// Largest blob header the format allows (64 KiB).
const MAX_HEADER: usize = 64 * 1024;
/// Largest blob the format allows (32 MiB).
const MAX_BLOB: usize = 32 * 1024 * 1024;

/// What the file header says.
#[derive(Clone, Debug, Default)]
pub struct PbfHeader {
    /// The declared bounding box, if any.
    pub bbox: Option<BBox>,
    /// `writingprogram`.
    pub generator: Option<String>,
    /// Osmosis replication timestamp (seconds since the epoch).
    pub replication_timestamp: Option<i64>,
}

struct Frame {
    index: usize,
    offset: usize,
    blob: std::ops::Range<usize>,
}

/// Whether the bytes look like a PBF file (a 4-byte big-endian header length, then a
/// `BlobHeader` whose type is `OSMHeader`).
#[must_use]
pub fn looks_like_pbf(bytes: &[u8]) -> bool {
    bytes.len() >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes.get(6..15) == Some(b"OSMHeader")
}

fn frames(path: &str, bytes: &[u8]) -> Result<(PbfHeader, Vec<Frame>), OsmError> {
    let size = bytes.len();
    let mut pos = 0;
    let mut out = Vec::new();
    let mut header = None;
    let mut index = 0;
    while pos < size {
        let truncated = |needed: usize| OsmError::Truncated { path: path.to_owned(), block: index, offset: pos, needed, size };
        let len_bytes: [u8; 4] = bytes.get(pos..pos + 4).and_then(|b| b.try_into().ok()).ok_or_else(|| truncated(4))?;
        let header_len = u32::from_be_bytes(len_bytes) as usize;
        if header_len > MAX_HEADER || header_len == 0 {
            let reason = format!("blob header length {header_len} at byte {pos} is outside 1..=65536");
            return Err(if index == 0 { OsmError::NotPbf { path: path.to_owned(), reason } } else { corrupt(path, index, pos, reason) });
        }
        let header_bytes = bytes.get(pos + 4..pos + 4 + header_len).ok_or_else(|| truncated(4 + header_len))?;
        let blob_header = BlobHeader::parse_from_bytes(header_bytes).map_err(|e| {
            let reason = format!("blob header does not decode: {e}");
            if index == 0 { OsmError::NotPbf { path: path.to_owned(), reason } } else { corrupt(path, index, pos, reason) }
        })?;
        let data_size = usize::try_from(blob_header.datasize()).unwrap_or(usize::MAX);
        if data_size > MAX_BLOB {
            return Err(corrupt(path, index, pos, format!("blob size {data_size} exceeds the 32 MiB limit")));
        }
        let start = pos + 4 + header_len;
        let end = start + data_size;
        if end > size {
            return Err(truncated(end - pos));
        }
        match blob_header.type_() {
            "OSMHeader" => {
                if header.is_some() {
                    return Err(corrupt(path, index, pos, "a second OSMHeader block".into()));
                }
                header = Some(read_header(path, index, pos, &bytes[start..end])?);
            }
            "OSMData" => {
                if header.is_none() {
                    return Err(OsmError::NotPbf { path: path.to_owned(), reason: "first block is OSMData, not OSMHeader".into() });
                }
                out.push(Frame { index, offset: pos, blob: start..end });
            }
            other => {
                if index == 0 {
                    return Err(OsmError::NotPbf { path: path.to_owned(), reason: format!("first block has type {other:?}") });
                }
                tracing::warn!(path, block = index, kind = other, "skipping PBF block of unknown type");
            }
        }
        pos = end;
        index += 1;
    }
    let header = header.ok_or_else(|| OsmError::NotPbf { path: path.to_owned(), reason: "no OSMHeader block".into() })?;
    Ok((header, out))
}

fn corrupt(path: &str, block: usize, offset: usize, reason: String) -> OsmError {
    OsmError::Corrupt { path: path.to_owned(), block, offset, reason }
}

fn blob_data(blob: &Blob) -> Result<std::borrow::Cow<'_, [u8]>, String> {
    if blob.has_raw() {
        return Ok(std::borrow::Cow::Borrowed(blob.raw()));
    }
    if blob.has_zlib_data() {
        let mut out = Vec::with_capacity(usize::try_from(blob.raw_size()).unwrap_or(0).min(MAX_BLOB));
        flate2::read::ZlibDecoder::new(blob.zlib_data())
            .take(MAX_BLOB as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("zlib data does not inflate: {e}"))?;
        return Ok(std::borrow::Cow::Owned(out));
    }
    Err("blob compression is not zlib or raw (lzma/zstd are not supported)".into())
}

fn read_header(path: &str, index: usize, offset: usize, blob_bytes: &[u8]) -> Result<PbfHeader, OsmError> {
    let bad = |reason: String| OsmError::NotPbf { path: path.to_owned(), reason };
    let blob = Blob::parse_from_bytes(blob_bytes).map_err(|e| bad(format!("header blob does not decode: {e}")))?;
    let data = blob_data(&blob).map_err(|e| corrupt(path, index, offset, e))?;
    let hb = HeaderBlock::parse_from_bytes(&data).map_err(|e| bad(format!("header block does not decode: {e}")))?;
    for feature in &hb.required_features {
        if !matches!(feature.as_str(), "OsmSchema-V0.6" | "DenseNodes" | "Sort.Type_then_ID") {
            return Err(OsmError::Unsupported { path: path.to_owned(), feature: feature.clone() });
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let bbox = hb.bbox.as_ref().map(|b| BBox {
        min_lon: b.left() as f64 * 1e-9,
        max_lon: b.right() as f64 * 1e-9,
        max_lat: b.top() as f64 * 1e-9,
        min_lat: b.bottom() as f64 * 1e-9,
    });
    Ok(PbfHeader {
        bbox,
        generator: hb.has_writingprogram().then(|| hb.writingprogram().to_owned()),
        replication_timestamp: hb.has_osmosis_replication_timestamp().then(|| hb.osmosis_replication_timestamp()),
    })
}

/// Whether `offset + granularity * c` (a coordinate in nanodegrees) fits in an `i64`.
fn coord_fits(c: i64, offset: i64, granularity: i64) -> bool {
    granularity.checked_mul(c).and_then(|v| v.checked_add(offset)).is_some()
}

/// Whether every running sum of delta-coded values fits in an `i64`, and with `scale`
/// (offset, granularity) so does every coordinate made from it.
fn deltas_fit(deltas: &[i64], scale: Option<(i64, i64)>) -> bool {
    let mut sum = 0i64;
    deltas.iter().all(|&d| match sum.checked_add(d) {
        Some(s) => {
            sum = s;
            scale.is_none_or(|(offset, granularity)| coord_fits(s, offset, granularity))
        }
        None => false,
    })
}

/// Every string-table index and parallel-array length in the block is consistent, and no
/// delta-coded id or coordinate overflows (the group iterators add without checking).
fn check_block(block: &PrimitiveBlock) -> Result<(), String> {
    let n = block.stringtable.s.len();
    let ok = |i: u32| (i as usize) < n;
    let granularity = i64::from(block.granularity());
    let (lat, lon) = (Some((block.lat_offset(), granularity)), Some((block.lon_offset(), granularity)));
    for g in &block.primitivegroup {
        for node in &g.nodes {
            if node.keys.len() != node.vals.len() || !node.keys.iter().chain(&node.vals).all(|&i| ok(i)) {
                return Err(format!("node {} has bad tag indices", node.id()));
            }
            if !coord_fits(node.lat(), block.lat_offset(), granularity) || !coord_fits(node.lon(), block.lon_offset(), granularity) {
                return Err(format!("node {} coordinates overflow", node.id()));
            }
        }
        let d = &g.dense;
        if d.id.len() != d.lat.len() || d.id.len() != d.lon.len() {
            return Err("dense node arrays differ in length".into());
        }
        if !deltas_fit(&d.id, None) {
            return Err("dense node id deltas overflow".into());
        }
        if !deltas_fit(&d.lat, lat) || !deltas_fit(&d.lon, lon) {
            return Err("dense node coordinate deltas overflow".into());
        }
        if !d.keys_vals.iter().all(|&i| i >= 0 && (i as usize) < n) {
            return Err("dense node tag index out of range".into());
        }
        for way in &g.ways {
            if way.keys.len() != way.vals.len() || !way.keys.iter().chain(&way.vals).all(|&i| ok(i)) {
                return Err(format!("way {} has bad tag indices", way.id()));
            }
            if !deltas_fit(&way.refs, None) {
                return Err(format!("way {} node ref deltas overflow", way.id()));
            }
        }
        for rel in &g.relations {
            let roles_ok = rel.roles_sid.iter().all(|&i| i >= 0 && (i as usize) < n);
            if rel.keys.len() != rel.vals.len() || !rel.keys.iter().chain(&rel.vals).all(|&i| ok(i)) || !roles_ok {
                return Err(format!("relation {} has bad tag or role indices", rel.id()));
            }
            if rel.memids.len() != rel.types.len() || rel.memids.len() != rel.roles_sid.len() {
                return Err(format!("relation {} member arrays differ in length", rel.id()));
            }
            if !deltas_fit(&rel.memids, None) {
                return Err(format!("relation {} member id deltas overflow", rel.id()));
            }
        }
    }
    Ok(())
}

fn decode_frame(path: &str, bytes: &[u8], frame: &Frame, tax: &Taxonomy) -> Result<RawChunk, OsmError> {
    let err = |reason: String| corrupt(path, frame.index, frame.offset, reason);
    let blob = Blob::parse_from_bytes(&bytes[frame.blob.clone()]).map_err(|e| err(format!("blob does not decode: {e}")))?;
    let data = blob_data(&blob).map_err(err)?;
    let block = PrimitiveBlock::parse_from_bytes(&data).map_err(|e| err(format!("block does not decode: {e}")))?;
    check_block(&block).map_err(err)?;
    // check_block ruled out the overflows the group iterators do not check; should anything
    // else in them panic on a hostile block, it must not abort us.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode_block(&block, tax)))
        .map_err(|_| err("id or coordinate deltas overflow".into()))
}

fn decode_block(block: &PrimitiveBlock, tax: &Taxonomy) -> RawChunk {
    let mut chunk = RawChunk::default();
    let mut scratch = Vec::new();
    for g in &block.primitivegroup {
        for node in groups::simple_nodes(g, block).chain(groups::dense_nodes(g, block)) {
            chunk.add_node(tax, node.id.0, node.lon(), node.lat(), &node.tags, &mut scratch);
        }
        for way in groups::ways(g, block) {
            let refs = way.nodes.iter().map(|n| n.0).collect();
            chunk.add_way(tax, way.id.0, refs, &way.tags, &mut scratch);
        }
        for rel in groups::relations(g, block) {
            let members = rel.refs.iter().map(|r| match r.member {
                OsmId::Way(w) => Member::Way(w.0, Role::from_str_role(&r.role)),
                _ => Member::Other,
            });
            chunk.add_relation(tax, rel.id.0, members, &rel.tags, &mut scratch);
        }
    }
    chunk
}

/// Decode a whole PBF file held in memory: the header, and one classified chunk per data block
/// (in file order). `progress` is called with the bytes decoded so far.
///
/// # Errors
/// [`OsmError`] naming `path` for anything that is not a complete, well-formed PBF file.
pub fn decode(path: &str, bytes: &[u8], tax: &Taxonomy, progress: &(dyn Fn(u64) + Sync)) -> Result<(PbfHeader, Vec<RawChunk>), OsmError> {
    let (header, frames) = frames(path, bytes)?;
    let done = AtomicU64::new(0);
    let chunks = frames
        .par_iter()
        .map(|f| {
            let chunk = decode_frame(path, bytes, f, tax)?;
            let n = done.fetch_add(f.blob.len() as u64, Ordering::Relaxed) + f.blob.len() as u64;
            progress(n);
            Ok(chunk)
        })
        .collect::<Result<Vec<_>, OsmError>>()?;
    Ok((header, chunks))
}
