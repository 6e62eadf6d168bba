//! The ways assembly needs, compacted: after decoding, only ways with facts and members of
//! area relations are kept, with their node refs as indices into the [`NodeTable`] of the
//! nodes they reference. Every other way, and every node no kept way references, is freed
//! before assembly starts.

use crate::nodes::{NodeCounts, NodeTable};
use crate::raw::{RawChunk, WayInfo};
use feltkart_model::BBox;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// A node ref whose node is in the table; [`NodeTable::get`] says if it has a location.
pub type NodeRef = u32;

/// The kept ways of one decoded chunk, in file order.
#[derive(Default)]
pub struct WayBlock {
    ids: Vec<i64>,
    /// End of each way's refs in `refs`.
    ends: Vec<u32>,
    refs: Vec<NodeRef>,
    /// Facts of ways that have them: (index into `ids`, facts).
    pub infos: Vec<(u32, WayInfo)>,
}

impl WayBlock {
    /// The OSM id of kept way `i`.
    #[must_use]
    pub fn id(&self, i: u32) -> i64 {
        self.ids.get(i as usize).copied().unwrap_or_default()
    }

    /// The node refs of kept way `i`.
    #[must_use]
    pub fn refs(&self, i: u32) -> &[NodeRef] {
        let i = i as usize;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.refs[start..self.ends[i] as usize]
    }
}

/// Every kept way and the nodes they reference.
pub struct Compacted {
    /// Kept ways, one block per decoded chunk, in file order.
    pub blocks: Vec<WayBlock>,
    /// The referenced nodes.
    pub nodes: NodeTable,
    /// Counts over all nodes.
    pub node_counts: NodeCounts,
    /// All ways in the file.
    pub ways: u64,
    /// Member ways of area relations: (block, index in block) by OSM id.
    pub members: FxHashMap<i64, (u32, u32)>,
}

/// Keep the ways assembly needs and the nodes they reference; the chunks keep their tagged
/// nodes and relations, and lose everything else.
#[must_use]
pub fn compact(chunks: &mut [RawChunk], header_box: Option<BBox>) -> Compacted {
    let wanted: FxHashSet<i64> = chunks
        .iter()
        .flat_map(|c| c.relations.iter())
        .flat_map(|r| r.ways.iter().map(|&(w, _)| w))
        .collect();
    let ways = chunks.iter().map(|c| c.way_ids.len() as u64).sum();
    // Which ways of each chunk are kept.
    let kept: Vec<Vec<bool>> = chunks
        .par_iter()
        .map(|c| {
            let mut keep: Vec<bool> = c.way_ids.iter().map(|id| wanted.contains(id)).collect();
            for &(i, _) in &c.way_infos {
                keep[i as usize] = true;
            }
            keep
        })
        .collect();
    // Sized exactly and not shrunk afterwards: no growth and no copy leave holes behind.
    let kept_ways = || {
        chunks.iter().zip(&kept).flat_map(|(c, keep)| {
            keep.iter()
                .enumerate()
                .filter(|&(_, &k)| k)
                .map(move |(i, _)| (c, i))
        })
    };
    let mut node_ids: Vec<i64> = Vec::with_capacity(kept_ways().map(|(c, i)| c.ref_count(i)).sum());
    node_ids.extend(kept_ways().flat_map(|(c, i)| c.refs(i)));
    node_ids.par_sort_unstable();
    node_ids.dedup();
    let (nodes, node_counts) = NodeTable::build(chunks, node_ids, header_box);
    let blocks: Vec<WayBlock> = chunks
        .par_iter_mut()
        .zip(kept)
        .map(|(c, keep)| block(c, &keep, &nodes))
        .collect();
    let mut members = FxHashMap::default();
    for (b, block) in blocks.iter().enumerate() {
        for (i, id) in block.ids.iter().enumerate() {
            if wanted.contains(id) {
                let at = (u32::try_from(b), u32::try_from(i));
                if let (Ok(b), Ok(i)) = at {
                    members.insert(*id, (b, i));
                }
            }
        }
    }
    Compacted {
        blocks,
        nodes,
        node_counts,
        ways,
        members,
    }
}

/// Move a chunk's kept ways into a block, with refs as table indices; the chunk's way
/// buffers are freed.
fn block(c: &mut RawChunk, keep: &[bool], nodes: &NodeTable) -> WayBlock {
    let n = keep.iter().filter(|&&k| k).count();
    let mut b = WayBlock {
        ids: Vec::with_capacity(n),
        ends: Vec::with_capacity(n),
        refs: Vec::new(),
        infos: Vec::with_capacity(c.way_infos.len()),
    };
    b.refs.reserve_exact(
        keep.iter()
            .enumerate()
            .filter(|&(_, &k)| k)
            .map(|(i, _)| c.ref_count(i))
            .sum(),
    );
    // New index of each kept way.
    let mut new_index = vec![u32::MAX; keep.len()];
    for (i, &k) in keep.iter().enumerate() {
        if !k {
            continue;
        }
        new_index[i] = u32::try_from(b.ids.len()).unwrap_or(u32::MAX);
        b.ids.push(c.way_ids[i]);
        // Every ref of a kept way is in the table by construction.
        b.refs.extend(c.refs(i).filter_map(|r| nodes.index(r)));
        b.ends.push(u32::try_from(b.refs.len()).unwrap_or(u32::MAX));
    }
    for (i, info) in std::mem::take(&mut c.way_infos) {
        b.infos.push((new_index[i as usize], info));
    }
    c.way_ids = Vec::new();
    c.way_refs = Vec::new();
    c.way_ends = Vec::new();
    b
}
