//! Newtype identifiers: never raw integers across crates.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $inner:ty, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub $inner);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

id_type!(
    /// An OpenStreetMap node id (`n123`).
    OsmNodeId, i64, "n"
);
id_type!(
    /// An OpenStreetMap way id (`w123`).
    OsmWayId, i64, "w"
);
id_type!(
    /// An OpenStreetMap relation id (`r123`).
    OsmRelationId, i64, "r"
);
id_type!(
    /// A vertex of the walking graph (index into the graph's node table).
    NodeId, u32, "v"
);
id_type!(
    /// An edge of the walking graph (index into the graph's edge table).
    EdgeId, u32, "e"
);

/// The OSM object a feature came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum OsmRef {
    /// A node.
    Node(OsmNodeId),
    /// A way.
    Way(OsmWayId),
    /// A relation.
    Relation(OsmRelationId),
}

impl fmt::Display for OsmRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Node(id) => id.fmt(f),
            Self::Way(id) => id.fmt(f),
            Self::Relation(id) => id.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_display_with_osm_prefixes() {
        assert_eq!(OsmRef::Way(OsmWayId(7)).to_string(), "w7");
        assert_eq!(OsmRef::Relation(OsmRelationId(9)).to_string(), "r9");
        assert_eq!(NodeId(3).to_string(), "v3");
    }
}
