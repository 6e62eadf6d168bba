//! Errors of reading an extract: each names the input and the problem.

/// Why an extract could not be read.
#[derive(Debug, thiserror::Error)]
pub enum OsmError {
    /// The path does not exist.
    #[error("{path}: no such file")]
    NotFound {
        /// The input path.
        path: String,
    },
    /// The path is a directory.
    #[error("{path}: is a directory, not an OSM extract file")]
    IsDirectory {
        /// The input path.
        path: String,
    },
    /// Reading failed.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The input path.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file has no bytes.
    #[error("{path}: empty file (0 bytes), not an OSM extract")]
    Empty {
        /// The input path.
        path: String,
    },
    /// Not a PBF file (nor OSM XML).
    #[error("{path}: not an OSM PBF file ({reason}); expected .osm.pbf (or OSM XML)")]
    NotPbf {
        /// The input path.
        path: String,
        /// What gave it away.
        reason: String,
    },
    /// The file ends in the middle of a block.
    #[error(
        "{path}: truncated OSM PBF file: block {block} at byte {offset} needs {needed} bytes, file has {size}"
    )]
    Truncated {
        /// The input path.
        path: String,
        /// Index of the block that is cut.
        block: usize,
        /// Byte offset of that block.
        offset: u64,
        /// Bytes the block needs from its offset to its end.
        needed: u64,
        /// File size.
        size: u64,
    },
    /// A block that cannot be decoded.
    #[error("{path}: corrupt OSM PBF block {block} at byte {offset}: {reason}")]
    Corrupt {
        /// The input path.
        path: String,
        /// Index of the block.
        block: usize,
        /// Byte offset of the block.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// The file needs a feature this reader does not have.
    #[error(
        "{path}: unsupported OSM PBF feature `{feature}` (history files and other non-standard features cannot be read)"
    )]
    Unsupported {
        /// The input path.
        path: String,
        /// The required feature.
        feature: String,
    },
    /// Malformed OSM XML.
    #[error("{path}: invalid OSM XML at byte {offset}: {reason}")]
    Xml {
        /// The input path.
        path: String,
        /// Byte position of the problem.
        offset: u64,
        /// What is wrong.
        reason: String,
    },
    /// The file decodes but holds no ways: nothing to walk.
    #[error(
        "{path}: the extract holds no ways ({nodes} nodes, 0 ways): nothing to build a walking network from"
    )]
    NoWays {
        /// The input path.
        path: String,
        /// Nodes found.
        nodes: usize,
    },
    /// The file holds ways but none walkable.
    #[error(
        "{path}: the extract holds {ways} ways but none is walkable: nothing to build a walking network from"
    )]
    NoWalkableWays {
        /// The input path.
        path: String,
        /// Ways found.
        ways: usize,
    },
}
