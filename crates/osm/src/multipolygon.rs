//! Ring assembly for multipolygon relations: join member ways end to end into closed rings,
//! then put each inner ring into the outer ring that contains it.
//!
//! Members can be missing or clipped in real extracts; rings that close are kept, the rest
//! are counted as unclosed so the caller can warn.

use geo::{Area, Contains, Coord, InteriorPoint, LineString, MultiPolygon, Polygon};
use rustc_hash::FxHashMap;

/// One member way: its node ids and their coordinates (same length).
pub struct Segment {
    /// Node ids.
    pub nodes: Vec<i64>,
    /// Coordinates (lon, lat), parallel to `nodes`.
    pub coords: Vec<Coord<f64>>,
}

/// Closed rings built from segments, and how many chains could not be closed.
#[must_use]
pub fn build_rings(segs: &[Segment]) -> (Vec<LineString<f64>>, usize) {
    let mut by_end: FxHashMap<i64, Vec<usize>> = FxHashMap::default();
    for (i, s) in segs.iter().enumerate() {
        if let (Some(&a), Some(&b)) = (s.nodes.first(), s.nodes.last()) {
            by_end.entry(a).or_default().push(i);
            if b != a {
                by_end.entry(b).or_default().push(i);
            }
        }
    }
    let mut used = vec![false; segs.len()];
    let mut rings = Vec::new();
    let mut unclosed = 0;
    for start in 0..segs.len() {
        if used[start] || segs[start].nodes.len() < 2 {
            continue;
        }
        used[start] = true;
        let mut nodes = segs[start].nodes.clone();
        let mut coords = segs[start].coords.clone();
        while let (Some(&first), Some(&last)) = (nodes.first(), nodes.last()) {
            if first == last {
                if nodes.len() >= 4 {
                    rings.push(LineString::new(coords));
                } else {
                    unclosed += 1;
                }
                break;
            }
            let next = by_end.get(&last).and_then(|c| c.iter().copied().find(|&j| !used[j]));
            let Some(j) = next else {
                unclosed += 1;
                break;
            };
            used[j] = true;
            let s = &segs[j];
            if s.nodes.first() == Some(&last) {
                nodes.extend_from_slice(&s.nodes[1..]);
                coords.extend_from_slice(&s.coords[1..]);
            } else {
                nodes.extend(s.nodes.iter().rev().skip(1));
                coords.extend(s.coords.iter().rev().skip(1));
            }
        }
    }
    (rings, unclosed)
}

/// A multipolygon from outer and inner rings: each inner goes into the smallest outer that
/// contains an interior point of it; inners inside no outer are dropped (returned as a count).
#[must_use]
pub fn assemble(outers: Vec<LineString<f64>>, inners: Vec<LineString<f64>>) -> (MultiPolygon<f64>, usize) {
    let mut polys: Vec<(Polygon<f64>, f64)> = outers
        .into_iter()
        .map(|r| {
            let p = Polygon::new(r, vec![]);
            let a = p.unsigned_area();
            (p, a)
        })
        .collect();
    let mut orphans = 0;
    for inner in inners {
        let probe = Polygon::new(inner.clone(), vec![]).interior_point();
        let host = probe.and_then(|pt| {
            polys
                .iter()
                .enumerate()
                .filter(|(_, (p, _))| p.exterior().is_closed() && Polygon::new(p.exterior().clone(), vec![]).contains(&pt))
                .min_by(|a, b| a.1.1.total_cmp(&b.1.1))
                .map(|(i, _)| i)
        });
        match host {
            Some(i) => polys[i].0.interiors_push(inner),
            None => orphans += 1,
        }
    }
    (MultiPolygon::new(polys.into_iter().map(|(p, _)| p).collect()), orphans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(nodes: &[i64], pts: &[(f64, f64)]) -> Segment {
        Segment { nodes: nodes.to_vec(), coords: pts.iter().map(|&(x, y)| Coord { x, y }).collect() }
    }

    #[test]
    fn joins_ways_in_any_direction_into_a_ring() {
        // Square split into three ways, the middle one reversed.
        let segs = [
            seg(&[1, 2], &[(0.0, 0.0), (1.0, 0.0)]),
            seg(&[3, 2], &[(1.0, 1.0), (1.0, 0.0)]),
            seg(&[3, 4, 1], &[(1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]),
        ];
        let (rings, unclosed) = build_rings(&segs);
        assert_eq!((rings.len(), unclosed), (1, 0));
        assert_eq!(rings[0].0.len(), 5);
        assert!(rings[0].is_closed());
    }

    #[test]
    fn open_chains_are_counted_not_kept() {
        let segs = [seg(&[1, 2], &[(0.0, 0.0), (1.0, 0.0)]), seg(&[2, 3], &[(1.0, 0.0), (1.0, 1.0)])];
        let (rings, unclosed) = build_rings(&segs);
        assert_eq!((rings.len(), unclosed), (0, 1));
    }

    #[test]
    fn inner_ring_goes_into_its_outer() {
        let outer = LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]);
        let other = LineString::from(vec![(20.0, 0.0), (30.0, 0.0), (30.0, 10.0), (20.0, 0.0)]);
        let hole = LineString::from(vec![(2.0, 2.0), (4.0, 2.0), (4.0, 4.0), (2.0, 4.0), (2.0, 2.0)]);
        let stray = LineString::from(vec![(50.0, 50.0), (51.0, 50.0), (51.0, 51.0), (50.0, 50.0)]);
        let (mp, orphans) = assemble(vec![outer, other], vec![hole, stray]);
        assert_eq!(orphans, 1);
        assert_eq!(mp.0[0].interiors().len(), 1);
        assert_eq!(mp.0[1].interiors().len(), 0);
        assert!((mp.unsigned_area() - (100.0 - 4.0 + 50.0)).abs() < 1e-9);
    }
}
