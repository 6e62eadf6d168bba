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
use integer_encoding::VarInt;
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

/// One blob of the file, read whole.
struct Frame {
    index: usize,
    offset: u64,
    kind: String,
    blob: Vec<u8>,
}

/// Reads the file blob by blob, checking every length against the file size first, so a
/// truncated file is reported as such and nothing is read past its end.
struct FrameReader<'p, R> {
    r: R,
    path: &'p str,
    size: u64,
    pos: u64,
    index: usize,
}

impl<R: Read> FrameReader<'_, R> {
    fn fail(&self, reason: String) -> OsmError {
        if self.index == 0 {
            OsmError::NotPbf {
                path: self.path.to_owned(),
                reason,
            }
        } else {
            corrupt(self.path, self.index, self.pos, reason)
        }
    }

    fn truncated(&self, needed: u64) -> OsmError {
        OsmError::Truncated {
            path: self.path.to_owned(),
            block: self.index,
            offset: self.pos,
            needed,
            size: self.size,
        }
    }

    fn read(&mut self, n: usize) -> Result<Vec<u8>, OsmError> {
        let mut buf = vec![0u8; n];
        self.r
            .read_exact(&mut buf)
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::UnexpectedEof => self.truncated(n as u64),
                _ => OsmError::Io {
                    path: self.path.to_owned(),
                    source,
                },
            })?;
        Ok(buf)
    }

    fn next_frame(&mut self) -> Result<Option<Frame>, OsmError> {
        if self.pos >= self.size {
            return Ok(None);
        }
        if self.size - self.pos < 4 {
            return Err(self.truncated(4));
        }
        let len_bytes = self.read(4)?;
        let header_len =
            u32::from_be_bytes([len_bytes[0], len_bytes[1], len_bytes[2], len_bytes[3]]) as usize;
        if header_len > MAX_HEADER || header_len == 0 {
            let pos = self.pos;
            return Err(self.fail(format!(
                "blob header length {header_len} at byte {pos} is outside 1..=65536"
            )));
        }
        if self.size - self.pos < 4 + header_len as u64 {
            return Err(self.truncated(4 + header_len as u64));
        }
        let header_bytes = self.read(header_len)?;
        let blob_header = BlobHeader::parse_from_bytes(&header_bytes)
            .map_err(|e| self.fail(format!("blob header does not decode: {e}")))?;
        let data_size = usize::try_from(blob_header.datasize()).unwrap_or(usize::MAX);
        if data_size > MAX_BLOB {
            return Err(self.fail(format!("blob size {data_size} exceeds the 32 MiB limit")));
        }
        let needed = 4 + header_len as u64 + data_size as u64;
        if self.size - self.pos < needed {
            return Err(self.truncated(needed));
        }
        let blob = self.read(data_size)?;
        let frame = Frame {
            index: self.index,
            offset: self.pos,
            kind: blob_header.type_().to_owned(),
            blob,
        };
        self.pos += needed;
        self.index += 1;
        Ok(Some(frame))
    }
}

fn corrupt(path: &str, block: usize, offset: u64, reason: String) -> OsmError {
    OsmError::Corrupt {
        path: path.to_owned(),
        block,
        offset,
        reason,
    }
}

fn blob_data(blob: &Blob) -> Result<std::borrow::Cow<'_, [u8]>, String> {
    if blob.has_raw() {
        return Ok(std::borrow::Cow::Borrowed(blob.raw()));
    }
    if blob.has_zlib_data() {
        let mut out =
            Vec::with_capacity(usize::try_from(blob.raw_size()).unwrap_or(0).min(MAX_BLOB));
        flate2::read::ZlibDecoder::new(blob.zlib_data())
            .take(MAX_BLOB as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("zlib data does not inflate: {e}"))?;
        return Ok(std::borrow::Cow::Owned(out));
    }
    Err("blob compression is not zlib or raw (lzma/zstd are not supported)".into())
}

fn read_header(
    path: &str,
    index: usize,
    offset: u64,
    blob_bytes: &[u8],
) -> Result<PbfHeader, OsmError> {
    let bad = |reason: String| OsmError::NotPbf {
        path: path.to_owned(),
        reason,
    };
    let blob = Blob::parse_from_bytes(blob_bytes)
        .map_err(|e| bad(format!("header blob does not decode: {e}")))?;
    let data = blob_data(&blob).map_err(|e| corrupt(path, index, offset, e))?;
    let hb = HeaderBlock::parse_from_bytes(&data)
        .map_err(|e| bad(format!("header block does not decode: {e}")))?;
    for feature in &hb.required_features {
        if !matches!(
            feature.as_str(),
            "OsmSchema-V0.6" | "DenseNodes" | "Sort.Type_then_ID"
        ) {
            return Err(OsmError::Unsupported {
                path: path.to_owned(),
                feature: feature.clone(),
            });
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
        generator: hb
            .has_writingprogram()
            .then(|| hb.writingprogram().to_owned()),
        replication_timestamp: hb
            .has_osmosis_replication_timestamp()
            .then(|| hb.osmosis_replication_timestamp()),
    })
}

/// Whether `offset + granularity * c` (a coordinate in nanodegrees) fits in an `i64`.
fn coord_fits(c: i64, offset: i64, granularity: i64) -> bool {
    granularity
        .checked_mul(c)
        .and_then(|v| v.checked_add(offset))
        .is_some()
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
    let (lat, lon) = (
        Some((block.lat_offset(), granularity)),
        Some((block.lon_offset(), granularity)),
    );
    for g in &block.primitivegroup {
        for node in &g.nodes {
            if node.keys.len() != node.vals.len()
                || !node.keys.iter().chain(&node.vals).all(|&i| ok(i))
            {
                return Err(format!("node {} has bad tag indices", node.id()));
            }
            if !coord_fits(node.lat(), block.lat_offset(), granularity)
                || !coord_fits(node.lon(), block.lon_offset(), granularity)
            {
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
            if way.keys.len() != way.vals.len() || !way.keys.iter().chain(&way.vals).all(|&i| ok(i))
            {
                return Err(format!("way {} has bad tag indices", way.id()));
            }
            if !deltas_fit(&way.refs, None) {
                return Err(format!("way {} node ref deltas overflow", way.id()));
            }
        }
        for rel in &g.relations {
            let roles_ok = rel.roles_sid.iter().all(|&i| i >= 0 && (i as usize) < n);
            if rel.keys.len() != rel.vals.len()
                || !rel.keys.iter().chain(&rel.vals).all(|&i| ok(i))
                || !roles_ok
            {
                return Err(format!("relation {} has bad tag or role indices", rel.id()));
            }
            if rel.memids.len() != rel.types.len() || rel.memids.len() != rel.roles_sid.len() {
                return Err(format!(
                    "relation {} member arrays differ in length",
                    rel.id()
                ));
            }
            if !deltas_fit(&rel.memids, None) {
                return Err(format!("relation {} member id deltas overflow", rel.id()));
            }
        }
    }
    Ok(())
}

fn decode_frame(path: &str, frame: Frame, tax: &Taxonomy) -> Result<RawChunk, OsmError> {
    let err = |reason: String| corrupt(path, frame.index, frame.offset, reason);
    let blob = Blob::parse_from_bytes(&frame.blob)
        .map_err(|e| err(format!("blob does not decode: {e}")))?;
    // The parsed blob holds its own copy of the compressed bytes.
    drop(frame.blob);
    let data = blob_data(&blob).map_err(err)?;
    let block = PrimitiveBlock::parse_from_bytes(&data)
        .map_err(|e| err(format!("block does not decode: {e}")))?;
    // The parsed block owns its data: free the inflated and compressed bytes before the
    // block is classified, so that fewer buffers are alive per decoding thread.
    drop(data);
    drop(blob);
    check_block(&block).map_err(err)?;
    // check_block ruled out the overflows the group iterators do not check; should anything
    // else in them panic on a hostile block, it must not abort us.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode_block(&block, tax)))
        .map_err(|_| err("id or coordinate deltas overflow".into()))
}

fn decode_block(block: &PrimitiveBlock, tax: &Taxonomy) -> RawChunk {
    let mut chunk = RawChunk::default();
    // Size the tables exactly: no growth slack kept per block.
    let groups = &block.primitivegroup;
    chunk.node_ids.reserve_exact(
        groups
            .iter()
            .map(|g| g.nodes.len() + g.dense.id.len())
            .sum(),
    );
    chunk.node_coords.reserve_exact(chunk.node_ids.capacity());
    chunk
        .way_ids
        .reserve_exact(groups.iter().map(|g| g.ways.len()).sum());
    chunk.way_ends.reserve_exact(chunk.way_ids.capacity());
    // The block's refs are already the differences we store: their varint sizes add up to
    // exactly the bytes needed.
    chunk.way_refs.reserve_exact(
        groups
            .iter()
            .flat_map(|g| g.ways.iter().flat_map(|w| w.refs.iter()))
            .map(|&d| d.required_space())
            .sum(),
    );
    let mut scratch = Vec::new();
    for g in &block.primitivegroup {
        for node in groups::simple_nodes(g, block).chain(groups::dense_nodes(g, block)) {
            chunk.add_node(
                tax,
                node.id.0,
                node.lon(),
                node.lat(),
                &node.tags,
                &mut scratch,
            );
        }
        for way in groups::ways(g, block) {
            chunk.add_way(
                tax,
                way.id.0,
                way.nodes.iter().map(|n| n.0),
                &way.tags,
                &mut scratch,
            );
        }
        for rel in groups::relations(g, block) {
            let members = rel.refs.iter().map(|r| match r.member {
                OsmId::Way(w) => Member::Way(w.0, Role::from_str_role(&r.role)),
                _ => Member::Other,
            });
            chunk.add_relation(tax, rel.id.0, members, &rel.tags, &mut scratch);
        }
    }
    chunk.way_infos.shrink_to_fit();
    chunk.tagged_nodes.shrink_to_fit();
    chunk
}

/// Decode a PBF file from a reader of `size` bytes: the header, and one classified chunk per
/// data block, in file order. Blobs are read one at a time and decoded in parallel, so the
/// compressed file is never held whole in memory. `progress` gets the bytes read so far.
///
/// # Errors
/// [`OsmError`] naming `path` for anything that is not a complete, well-formed PBF file; when
/// several blocks are bad, the first one in the file is reported.
pub fn decode<R: Read + Send>(
    path: &str,
    reader: R,
    size: u64,
    tax: &Taxonomy,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(PbfHeader, Vec<RawChunk>), OsmError> {
    let mut frames = FrameReader {
        r: reader,
        path,
        size,
        pos: 0,
        index: 0,
    };
    let first = frames.next_frame()?.ok_or_else(|| OsmError::NotPbf {
        path: path.to_owned(),
        reason: "no OSMHeader block".into(),
    })?;
    if first.kind != "OSMHeader" {
        return Err(OsmError::NotPbf {
            path: path.to_owned(),
            reason: format!("first block has type {:?}, not OSMHeader", first.kind),
        });
    }
    let header = read_header(path, 0, 0, &first.blob)?;
    drop(first);
    let read_bytes = AtomicU64::new(0);
    let mut failed = false;
    let blobs = std::iter::from_fn(|| {
        if failed {
            return None;
        }
        let next = frames.next_frame().transpose();
        failed = matches!(next, Some(Err(_)));
        next
    });
    let mut results: Vec<Result<(usize, RawChunk), (usize, OsmError)>> = blobs
        .par_bridge()
        .filter_map(|frame| match frame {
            Err(e) => Some(Err((usize::MAX, e))),
            Ok(f) if f.kind == "OSMData" => {
                let n = read_bytes.fetch_add(f.blob.len() as u64, Ordering::Relaxed)
                    + f.blob.len() as u64;
                progress(n);
                let index = f.index;
                Some(
                    decode_frame(path, f, tax)
                        .map(|c| (index, c))
                        .map_err(|e| (index, e)),
                )
            }
            Ok(f) if f.kind == "OSMHeader" => Some(Err((
                f.index,
                corrupt(path, f.index, f.offset, "a second OSMHeader block".into()),
            ))),
            Ok(f) => {
                tracing::warn!(
                    path,
                    block = f.index,
                    kind = f.kind,
                    "skipping PBF block of unknown type"
                );
                None
            }
        })
        .collect();
    results.sort_by_key(|r| match r {
        Ok((i, _)) | Err((i, _)) => *i,
    });
    let mut chunks = Vec::with_capacity(results.len());
    let mut first_error = None;
    for r in results {
        match r {
            Ok((_, c)) => chunks.push(c),
            Err((i, e)) => {
                if first_error.as_ref().is_none_or(|(j, _)| i < *j) {
                    first_error = Some((i, e));
                }
            }
        }
    }
    match first_error {
        Some((_, e)) => Err(e),
        None => Ok((header, chunks)),
    }
}
