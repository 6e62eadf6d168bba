//! Node locations by OSM id: one sorted table for the whole file.

use crate::raw::{RawChunk, from_e7};

/// Every node's location, sorted by id, looked up by binary search.
pub struct NodeIndex {
    ids: Vec<i64>,
    coords: Vec<(i32, i32)>,
}

impl NodeIndex {
    /// Take the node tables out of the chunks (in file order) into one sorted index.
    /// Files sorted by type then id (the norm) need no sort; others are sorted here, and a
    /// duplicated id keeps its last location.
    pub fn build(chunks: &mut [RawChunk]) -> Self {
        let total = chunks.iter().map(|c| c.node_ids.len()).sum();
        let mut ids = Vec::with_capacity(total);
        let mut coords = Vec::with_capacity(total);
        for c in chunks.iter_mut() {
            // Take (not append) so each chunk's buffers are freed as we go.
            ids.extend(std::mem::take(&mut c.node_ids));
            coords.extend(std::mem::take(&mut c.node_coords));
        }
        if !ids.windows(2).all(|w| w[0] < w[1]) {
            let mut order: Vec<usize> = (0..ids.len()).collect();
            order.sort_by_key(|&i| ids[i]);
            let mut sorted_ids: Vec<i64> = Vec::with_capacity(ids.len());
            let mut sorted_coords: Vec<(i32, i32)> = Vec::with_capacity(ids.len());
            for i in order {
                if sorted_ids.last() == Some(&ids[i]) {
                    if let Some(last) = sorted_coords.last_mut() {
                        *last = coords[i];
                    }
                } else {
                    sorted_ids.push(ids[i]);
                    sorted_coords.push(coords[i]);
                }
            }
            ids = sorted_ids;
            coords = sorted_coords;
        }
        Self { ids, coords }
    }

    /// The location (lon, lat) of a node, if it is in the file.
    #[must_use]
    pub fn get(&self, id: i64) -> Option<(f64, f64)> {
        self.ids
            .binary_search(&id)
            .ok()
            .map(|i| (from_e7(self.coords[i].0), from_e7(self.coords[i].1)))
    }

    /// Number of nodes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// All locations.
    pub fn coords(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.coords.iter().map(|&(x, y)| (from_e7(x), from_e7(y)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsorted_input_is_sorted_and_duplicates_keep_the_last() {
        let a = RawChunk {
            node_ids: vec![5, 1],
            node_coords: vec![(50_000_000, 5), (10_000_000, 1)],
            ..RawChunk::default()
        };
        let b = RawChunk {
            node_ids: vec![3, 5],
            node_coords: vec![(3, 3), (60_000_000, 6)],
            ..RawChunk::default()
        };
        let idx = NodeIndex::build(&mut [a, b]);
        assert_eq!(idx.len(), 3);
        assert_eq!(idx.get(1), Some((1.0, 1e-7)));
        assert_eq!(idx.get(5), Some((6.0, 6e-7)));
        assert_eq!(idx.get(2), None);
    }
}
