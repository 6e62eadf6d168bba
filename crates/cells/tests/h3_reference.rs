//! Differential test of H3 indexing against h3-py 4.5 (`peers.py h3-polyfill`), using the
//! reference dumps in `../shared/peers/reference/NAME.h3.json.gz`: the residential polygons
//! libosmium assembled, and per resolution (9, 10) the union of cells per containment mode and
//! each polygon's `center` and `overlap` cells.
//!
//! Every difference found is listed below with its cause, and asserted exactly:
//! * monaco `r1369191` (building=apartments multipolygon): its inner member way w94399510 is
//!   not in the clipped extract. libosmium refuses the incomplete relation; feltkart-osm keeps
//!   the closed outer ring (without the hole). It is not in the reference, so it is left out of
//!   the cell comparison.
//! * liechtenstein `r6803393`: h3-py's experimental overlap returns some cells twice (once per
//!   part of the multipolygon) in its per-polygon list; we deduplicate. Same set.
//! * liechtenstein `r9381872` at res 10, overlap: we return one more cell, `8a1f8e70bd8ffff`.
//!   The cell's whole boundary lies inside the polygon, but its centre falls in one of the
//!   polygon's 78 holes (hole 76) that lies wholly inside the cell, and no ring crosses the cell
//!   boundary: H3's overlap test (centre inside, or a ring crossing the boundary) misses a cell
//!   the polygon plainly overlaps. h3o (`Covers`) is right; the union is unaffected because
//!   other polygons cover that cell too.

#![allow(clippy::unwrap_used, clippy::panic)]

use feltkart_cells::Containment;
use feltkart_cells::index::{feature_cells, peer_residential, resolution};
use feltkart_osm::{Extract, HousingFeature};
use geo::{Contains, Intersects};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn shared() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("..")
        .join("..")
        .join("shared")
}

#[derive(serde::Deserialize)]
struct PerPolygon {
    center: Vec<String>,
    overlap: Vec<String>,
}

#[derive(serde::Deserialize)]
struct ResDump {
    center: Vec<String>,
    overlap: Vec<String>,
    centroid: Vec<String>,
    per_polygon: BTreeMap<String, PerPolygon>,
}

#[derive(serde::Deserialize)]
struct Dump {
    polygons: Vec<String>,
    res: BTreeMap<String, ResDump>,
}

fn load(name: &str) -> (Dump, Extract) {
    let path = shared()
        .join("peers")
        .join("reference")
        .join(format!("{name}.h3.json.gz"));
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let dump: Dump = serde_json::from_reader(flate2::read::GzDecoder::new(file)).unwrap();
    let tax = feltkart_osm::Taxonomy::builtin().unwrap();
    let pbf = shared()
        .join("data")
        .join("osm")
        .join(format!("{name}.osm.pbf"));
    let extract = feltkart_osm::read_extract(&pbf, &tax, &|_| {}).unwrap_or_else(|e| panic!("{e}"));
    (dump, extract)
}

fn hex(cells: &[feltkart_cells::CellIndex]) -> Vec<String> {
    cells.iter().map(ToString::to_string).collect()
}

/// A per-polygon difference from the reference.
#[derive(Debug, PartialEq)]
struct Diff {
    res: u8,
    polygon: String,
    mode: &'static str,
    only_ours: Vec<String>,
    only_theirs: Vec<String>,
    /// The reference listed some cell twice.
    reference_dups: bool,
}

fn diff(
    res: u8,
    polygon: &str,
    mode: &'static str,
    only_ours: &[&str],
    reference_dups: bool,
) -> Diff {
    let only_ours = only_ours.iter().map(|s| (*s).to_owned()).collect();
    Diff {
        res,
        polygon: polygon.to_owned(),
        mode,
        only_ours,
        only_theirs: vec![],
        reference_dups,
    }
}

/// Compare one extract; returns the per-polygon differences.
fn compare(name: &str, expect_only_ours: &[&str]) -> (Extract, Vec<Diff>) {
    let (dump, extract) = load(name);
    let ours: BTreeMap<String, &HousingFeature> = extract
        .housing
        .iter()
        .filter(|h| peer_residential(h.kind) && !h.shape.0.is_empty())
        .map(|h| (h.osm.to_string(), h))
        .collect();
    let theirs: BTreeSet<&str> = dump.polygons.iter().map(String::as_str).collect();
    let only_ours: Vec<&str> = ours
        .keys()
        .map(String::as_str)
        .filter(|k| !theirs.contains(k))
        .collect();
    let only_theirs: Vec<&&str> = theirs.iter().filter(|k| !ours.contains_key(**k)).collect();
    assert_eq!(
        only_ours, expect_only_ours,
        "{name}: residential polygons only we have"
    );
    assert!(
        only_theirs.is_empty(),
        "{name}: residential polygons only the peer has: {only_theirs:?}"
    );

    let mut diffs = Vec::new();
    for res_n in [9u8, 10] {
        let rd = &dump.res[&res_n.to_string()];
        let res = resolution(res_n).unwrap();
        let mut unions: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for id in &theirs {
            let f = ours[*id];
            for mode in Containment::ALL {
                let cells = hex(&feature_cells(f, res, mode).unwrap());
                let want = rd.per_polygon.get(*id).and_then(|p| match mode {
                    Containment::Center => Some(&p.center),
                    Containment::Overlap => Some(&p.overlap),
                    Containment::Centroid => None,
                });
                if let Some(want) = want {
                    let want_set: BTreeSet<&String> = want.iter().collect();
                    let got_set: BTreeSet<&String> = cells.iter().collect();
                    let dups = want_set.len() != want.len();
                    if want_set != got_set || dups {
                        let plus = got_set
                            .difference(&want_set)
                            .map(|s| (*s).clone())
                            .collect();
                        let minus = want_set
                            .difference(&got_set)
                            .map(|s| (*s).clone())
                            .collect();
                        diffs.push(Diff {
                            res: res_n,
                            polygon: (*id).to_owned(),
                            mode: mode.as_str(),
                            only_ours: plus,
                            only_theirs: minus,
                            reference_dups: dups,
                        });
                    }
                }
                unions.entry(mode.as_str()).or_default().extend(cells);
            }
        }
        for (mode, want) in [
            ("center", &rd.center),
            ("overlap", &rd.overlap),
            ("centroid", &rd.centroid),
        ] {
            let want: BTreeSet<String> = want.iter().cloned().collect();
            let got = &unions[mode];
            assert_eq!(
                got.len(),
                want.len(),
                "{name} res {res_n} {mode}: cell count"
            );
            assert!(
                *got == want,
                "{name} res {res_n} {mode}: +{:?} -{:?}",
                got.difference(&want),
                want.difference(got)
            );
        }
    }
    (extract, diffs)
}

#[test]
fn helsinki_centre_matches_h3_py() {
    let (_, diffs) = compare("helsinki-centre", &[]);
    assert!(diffs.is_empty(), "{diffs:?}");
}

#[test]
fn kotka_karhula_matches_h3_py() {
    let (_, diffs) = compare("kotka-karhula", &[]);
    assert!(diffs.is_empty(), "{diffs:?}");
}

#[test]
fn monaco_matches_h3_py_except_an_incomplete_relation() {
    let (extract, diffs) = compare("monaco", &["r1369191"]);
    assert!(diffs.is_empty(), "{diffs:?}");
    // The relation's inner member is missing from the file: we keep the outer ring alone.
    let r = extract
        .housing
        .iter()
        .find(|h| h.osm.to_string() == "r1369191")
        .unwrap();
    assert_eq!(r.shape.0.len(), 1);
    assert!(r.shape.0[0].interiors().is_empty());
}

#[test]
fn liechtenstein_matches_h3_py_with_two_explained_differences() {
    let (extract, diffs) = compare("liechtenstein", &[]);
    let extra = ["8a1f8e70bd8ffff".to_owned()];
    assert_eq!(
        diffs,
        vec![
            diff(9, "r6803393", "overlap", &[], true),
            diff(10, "r6803393", "overlap", &[], true),
            diff(10, "r9381872", "overlap", &["8a1f8e70bd8ffff"], false),
        ]
    );
    // The extra cell: boundary wholly inside the polygon, centre in hole 76, which lies wholly
    // inside the cell; neither the shell nor any hole crosses the cell boundary.
    let f = extract
        .housing
        .iter()
        .find(|h| h.osm.to_string() == "r9381872")
        .unwrap();
    let cell: feltkart_cells::CellIndex = extra[0].parse().unwrap();
    let mut ring: Vec<(f64, f64)> = cell
        .boundary()
        .iter()
        .map(|ll| (ll.lng(), ll.lat()))
        .collect();
    ring.push(ring[0]);
    let outline = geo::LineString::from(ring);
    let cell_poly = geo::Polygon::new(outline.clone(), vec![]);
    let centre = feltkart_cells::LatLng::from(cell);
    let centre = geo::Point::new(centre.lng(), centre.lat());
    let p = &f.shape.0[0];
    assert_eq!((f.shape.0.len(), p.interiors().len()), (1, 78));
    assert!(
        outline.points().all(|v| p.contains(&v)),
        "every cell vertex inside the polygon"
    );
    assert!(!p.contains(&centre), "cell centre not inside the polygon");
    assert!(!p.exterior().intersects(&outline));
    assert!(p.interiors().iter().all(|h| !h.intersects(&outline)));
    let hole = geo::Polygon::new(p.interiors()[76].clone(), vec![]);
    assert!(cell_poly.contains(&hole) && hole.contains(&centre));
}
