//! The atlas: an ingested extract and its walking graph in one versioned binary file, so a
//! server never re-parses the PBF.
//!
//! Layout (little-endian): `FKATLAS\0` magic (8 bytes), format version (u32), payload length
//! (u64), CRC-32 of the payload (u32), then the payload (postcard-encoded [`Atlas`]). A file
//! with another magic, another version, a short payload or a wrong checksum is refused with an
//! error that says which. Files are written to a temporary name, synced, then renamed, so a
//! crash never leaves a half-written atlas under the real name.

use feltkart_graph::WalkGraph;
use feltkart_osm::Extract;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;

/// The format version this build writes and reads. Bump it whenever [`Atlas`] or anything it
/// holds changes shape.
pub const FORMAT_VERSION: u32 = 2;
const MAGIC: &[u8; 8] = b"FKATLAS\0";
const HEADER_LEN: usize = 8 + 4 + 8 + 4;

/// An ingested extract with its walking graph.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Atlas {
    /// The Feltkart version that wrote it.
    pub written_by: String,
    /// The extract (without its raw walkable ways: the graph holds them).
    pub extract: Extract,
    /// The walking graph.
    pub graph: WalkGraph,
}

/// Why an atlas could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum AtlasError {
    /// IO failed.
    #[error("{path}: {action}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What was being done.
        action: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
    /// Not an atlas.
    #[error(
        "{path}: not a Feltkart atlas file (no FKATLAS header); make one with `feltkart ingest EXTRACT.osm.pbf -o {path}`"
    )]
    NotAtlas {
        /// The file.
        path: String,
    },
    /// Written by another format version.
    #[error(
        "{path}: stale atlas (format version {found}, this build reads {expected}); re-run `feltkart ingest` on the extract"
    )]
    Stale {
        /// The file.
        path: String,
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// Shorter than the header itself.
    #[error("{path}: truncated atlas ({found} bytes, shorter than the {expected}-byte header)")]
    TruncatedHeader {
        /// The file.
        path: String,
        /// Header bytes expected.
        expected: usize,
        /// Bytes in the file.
        found: usize,
    },
    /// Shorter or longer than its header says.
    #[error("{path}: truncated atlas (header says {expected} payload bytes, file has {found})")]
    Truncated {
        /// The file.
        path: String,
        /// Payload bytes expected.
        expected: u64,
        /// Payload bytes present.
        found: u64,
    },
    /// Checksum or decoding failed.
    #[error("{path}: corrupt atlas ({reason}); re-run `feltkart ingest` on the extract")]
    Corrupt {
        /// The file.
        path: String,
        /// What failed.
        reason: String,
    },
    /// Encoding failed (should not happen).
    #[error("{path}: cannot encode atlas: {reason}")]
    Encode {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
}

/// Encode an atlas to bytes (header + payload); returns the bytes and the payload checksum.
///
/// # Errors
/// [`AtlasError::Encode`] if serialisation fails.
pub fn encode(atlas: &Atlas, path: &str) -> Result<(Vec<u8>, u32), AtlasError> {
    let payload = postcard::to_stdvec(atlas).map_err(|e| AtlasError::Encode {
        path: path.to_owned(),
        reason: e.to_string(),
    })?;
    let crc = crc32fast::hash(&payload);
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(&header(payload.len() as u64, crc));
    out.extend_from_slice(&payload);
    Ok((out, crc))
}

/// A writer that counts bytes and computes the CRC-32 of what passes through.
struct Checksummed<W> {
    inner: W,
    crc: crc32fast::Hasher,
    len: u64,
}

impl<W: Write> Write for Checksummed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Write an atlas file atomically (temporary file, fsync, rename), streaming the payload so
/// it is never held twice in memory. Returns its checksum.
///
/// # Errors
/// [`AtlasError`] naming the path.
pub fn write(atlas: &Atlas, path: &Path) -> Result<u32, AtlasError> {
    use std::io::{Seek, SeekFrom};
    let shown = path.display().to_string();
    let io = |action: &'static str| {
        let shown = shown.clone();
        move |source| AtlasError::Io {
            path: shown,
            action,
            source,
        }
    };
    let tmp = path.with_extension("atlas.tmp");
    let file = std::fs::File::create(&tmp).map_err(io("cannot create"))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    out.write_all(&[0u8; HEADER_LEN])
        .map_err(io("cannot write"))?;
    let mut body = Checksummed {
        inner: out,
        crc: crc32fast::Hasher::new(),
        len: 0,
    };
    postcard::to_io(atlas, &mut body).map_err(|e| AtlasError::Encode {
        path: shown.clone(),
        reason: e.to_string(),
    })?;
    let (crc, len) = (body.crc.finalize(), body.len);
    let mut file = body.inner.into_inner().map_err(|e| AtlasError::Io {
        path: shown.clone(),
        action: "cannot write",
        source: e.into_error(),
    })?;
    file.seek(SeekFrom::Start(0)).map_err(io("cannot seek"))?;
    file.write_all(&header(len, crc))
        .map_err(io("cannot write"))?;
    file.sync_all().map_err(io("cannot sync"))?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(io("cannot rename into place"))?;
    Ok(crc)
}

fn header(len: u64, crc: u32) -> [u8; HEADER_LEN] {
    let mut h = [0u8; HEADER_LEN];
    h[..8].copy_from_slice(MAGIC);
    h[8..12].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    h[12..20].copy_from_slice(&len.to_le_bytes());
    h[20..24].copy_from_slice(&crc.to_le_bytes());
    h
}

/// Decode an atlas from bytes; `path` names it in errors. Returns the atlas and its checksum.
///
/// # Errors
/// [`AtlasError::NotAtlas`], [`AtlasError::Stale`], [`AtlasError::TruncatedHeader`],
/// [`AtlasError::Truncated`] or [`AtlasError::Corrupt`].
pub fn decode(bytes: &[u8], path: &str) -> Result<(Atlas, u32), AtlasError> {
    let p = || path.to_owned();
    if bytes.len() < 8 || &bytes[..8] != MAGIC {
        return Err(AtlasError::NotAtlas { path: p() });
    }
    let field = |r: std::ops::Range<usize>| {
        bytes.get(r).ok_or_else(|| AtlasError::TruncatedHeader {
            path: p(),
            expected: HEADER_LEN,
            found: bytes.len(),
        })
    };
    let version = u32::from_le_bytes(
        field(8..12)?
            .try_into()
            .map_err(|_| AtlasError::NotAtlas { path: p() })?,
    );
    if version != FORMAT_VERSION {
        return Err(AtlasError::Stale {
            path: p(),
            found: version,
            expected: FORMAT_VERSION,
        });
    }
    let len = u64::from_le_bytes(
        field(12..20)?
            .try_into()
            .map_err(|_| AtlasError::NotAtlas { path: p() })?,
    );
    let crc = u32::from_le_bytes(
        field(20..24)?
            .try_into()
            .map_err(|_| AtlasError::NotAtlas { path: p() })?,
    );
    let payload = &bytes[HEADER_LEN..];
    if payload.len() as u64 != len {
        return Err(AtlasError::Truncated {
            path: p(),
            expected: len,
            found: payload.len() as u64,
        });
    }
    let actual = crc32fast::hash(payload);
    if actual != crc {
        return Err(AtlasError::Corrupt {
            path: p(),
            reason: format!("checksum {actual:08x}, header says {crc:08x}"),
        });
    }
    let atlas: Atlas = postcard::from_bytes(payload).map_err(|e| AtlasError::Corrupt {
        path: p(),
        reason: e.to_string(),
    })?;
    atlas
        .graph
        .check_invariants()
        .map_err(|e| AtlasError::Corrupt {
            path: p(),
            reason: format!("graph invariant broken: {e}"),
        })?;
    Ok((atlas, crc))
}

/// Read an atlas file. Returns the atlas and its checksum.
///
/// # Errors
/// As [`decode`], plus IO errors naming the path.
pub fn read(path: &Path) -> Result<(Atlas, u32), AtlasError> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| AtlasError::Io {
        path: shown.clone(),
        action: "cannot read",
        source,
    })?;
    decode(&bytes, &shown)
}

/// Read an extract, build its walking graph (Feltkart rule, simplified, largest component)
/// and return the atlas. `progress` gets the bytes decoded so far.
///
/// # Errors
/// The extract's [`feltkart_osm::OsmError`].
pub fn ingest(
    path: &Path,
    taxonomy: &feltkart_osm::Taxonomy,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Atlas, feltkart_osm::OsmError> {
    let mut extract = feltkart_osm::read_extract(path, taxonomy, progress)?;
    // The graph takes the walkable ways (the atlas keeps them only as graph edges).
    let graph = feltkart_graph::build_from_ways(
        std::mem::take(&mut extract.walk_ways),
        feltkart_graph::BuildOptions::default(),
    );
    Ok(Atlas {
        written_by: format!("feltkart {}", env!("CARGO_PKG_VERSION")),
        extract,
        graph,
    })
}
