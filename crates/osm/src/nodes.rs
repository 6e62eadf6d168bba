//! Node locations: every node is seen once (for the counts and the extent), but only the nodes
//! that kept ways reference are stored, in one table sorted by id. Ways then refer to nodes by
//! their index in that table, so no lookup by id is repeated after the ways are compacted.

use crate::raw::{RawChunk, from_e7};
use feltkart_model::{BBox, LonLat};
use fixedbitset::FixedBitSet;

/// What is counted over every node in the file, referenced or not.
#[derive(Clone, Copy, Debug)]
pub struct NodeCounts {
    /// Distinct node ids.
    pub nodes: u64,
    /// The extent of all node locations.
    pub bbox: BBox,
    /// Nodes outside the header's bounding box (0 without one).
    pub outside_header_box: u64,
}

/// The referenced nodes, sorted by id; a referenced node absent from the file has no location.
pub struct NodeTable {
    ids: Vec<i64>,
    coords: Vec<(i32, i32)>,
    present: FixedBitSet,
}

impl NodeTable {
    /// Build the table of the nodes in `wanted` (sorted, distinct ids) from the chunks' nodes,
    /// which are taken out of the chunks (and freed) as they are read. Files sorted by type
    /// then id (the norm) are merged in one pass; others are sorted first, and a duplicated
    /// id keeps its last location.
    pub fn build(
        chunks: &mut [RawChunk],
        wanted: Vec<i64>,
        header_box: Option<BBox>,
    ) -> (Self, NodeCounts) {
        let mut table = Self {
            coords: vec![(0, 0); wanted.len()],
            present: FixedBitSet::with_capacity(wanted.len()),
            ids: wanted,
        };
        let mut counts = NodeCounts {
            nodes: 0,
            bbox: BBox::empty(),
            outside_header_box: 0,
        };
        let mut count = |(lon, lat): (i32, i32)| {
            let p = LonLat {
                lon: from_e7(lon),
                lat: from_e7(lat),
            };
            counts.nodes += 1;
            counts.bbox.extend(p);
            if header_box.is_some_and(|hb| !hb.contains(p)) {
                counts.outside_header_box += 1;
            }
        };
        if sorted(chunks) {
            let mut k = 0;
            for c in chunks.iter_mut() {
                let ids = std::mem::take(&mut c.node_ids);
                let coords = std::mem::take(&mut c.node_coords);
                for (id, xy) in ids.iter().zip(coords) {
                    count(xy);
                    while table.ids.get(k).is_some_and(|&w| w < id) {
                        k += 1;
                    }
                    if table.ids.get(k) == Some(&id) {
                        table.coords[k] = xy;
                        table.present.insert(k);
                    }
                }
            }
        } else {
            let mut all: Vec<(i64, (i32, i32))> = Vec::new();
            for c in chunks.iter_mut() {
                let ids = std::mem::take(&mut c.node_ids);
                all.extend(ids.iter().zip(std::mem::take(&mut c.node_coords)));
            }
            // Stable: equal ids stay in file order, and the last one wins.
            all.sort_by_key(|&(id, _)| id);
            for (i, &(id, xy)) in all.iter().enumerate() {
                if all.get(i + 1).is_some_and(|&(next, _)| next == id) {
                    continue;
                }
                count(xy);
                if let Ok(k) = table.ids.binary_search(&id) {
                    table.coords[k] = xy;
                    table.present.insert(k);
                }
            }
        }
        (table, counts)
    }

    /// The index of a referenced node id (every id the table was built for has one).
    #[must_use]
    pub fn index(&self, id: i64) -> Option<u32> {
        self.ids
            .binary_search(&id)
            .ok()
            .and_then(|i| u32::try_from(i).ok())
    }

    /// The OSM id at an index.
    #[must_use]
    pub fn id(&self, index: u32) -> i64 {
        self.ids.get(index as usize).copied().unwrap_or_default()
    }

    /// The location (lon, lat) at an index, if the node is in the file.
    #[must_use]
    pub fn get(&self, index: u32) -> Option<(f64, f64)> {
        let i = index as usize;
        self.present
            .contains(i)
            .then(|| self.coords[i])
            .map(|(x, y)| (from_e7(x), from_e7(y)))
    }

    /// Number of referenced nodes (present or not).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.ids.len()
    }
}

/// Whether the chunks' node ids increase strictly through the file.
fn sorted(chunks: &[RawChunk]) -> bool {
    let mut prev: Option<i64> = None;
    chunks.iter().flat_map(|c| c.node_ids.iter()).all(|id| {
        let ok = prev.is_none_or(|p| p < id);
        prev = Some(id);
        ok
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raw::NodeIds;

    fn chunks() -> Vec<RawChunk> {
        let a = RawChunk {
            node_ids: NodeIds::from(vec![5, 1]),
            node_coords: vec![(50_000_000, 5), (10_000_000, 1)],
            ..RawChunk::default()
        };
        let b = RawChunk {
            node_ids: NodeIds::from(vec![3, 5]),
            node_coords: vec![(3, 3), (60_000_000, 6)],
            ..RawChunk::default()
        };
        vec![a, b]
    }

    #[test]
    fn unsorted_input_is_sorted_and_duplicates_keep_the_last() {
        let (t, counts) = NodeTable::build(&mut chunks(), vec![1, 2, 5], None);
        assert_eq!(counts.nodes, 3);
        assert_eq!(t.len(), 3);
        assert_eq!(t.get(0), Some((1.0, 1e-7)));
        assert_eq!(t.get(1), None, "node 2 is referenced but not in the file");
        assert_eq!(t.get(2), Some((6.0, 6e-7)));
        assert_eq!((t.id(2), t.index(5), t.index(3)), (5, Some(2), None));
        assert_eq!(counts.bbox.max_lon, 6.0);
    }

    #[test]
    fn sorted_input_keeps_only_wanted_nodes_and_counts_all() {
        let mut c = vec![
            RawChunk {
                node_ids: NodeIds::from(vec![1, 3]),
                node_coords: vec![(10_000_000, 10_000_000), (30_000_000, 30_000_000)],
                ..RawChunk::default()
            },
            RawChunk {
                node_ids: NodeIds::from(vec![4, 9]),
                node_coords: vec![(40_000_000, 40_000_000), (90_000_000, 80_000_000)],
                ..RawChunk::default()
            },
        ];
        let hb = BBox {
            min_lon: 0.0,
            min_lat: 0.0,
            max_lon: 5.0,
            max_lat: 5.0,
        };
        let (t, counts) = NodeTable::build(&mut c, vec![3, 7, 9], Some(hb));
        assert_eq!((counts.nodes, counts.outside_header_box), (4, 1));
        assert_eq!(counts.bbox.max_lat, 8.0);
        assert_eq!(t.get(0), Some((3.0, 3.0)));
        assert_eq!(t.get(1), None);
        assert_eq!(t.get(2), Some((9.0, 8.0)));
        assert!(c.iter().all(|c| c.node_ids.capacity() == 0), "chunks freed");
    }
}
