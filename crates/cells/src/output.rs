//! Outputs for planners: scored cells and ranked districts as GeoJSON (RFC 7946: lon/lat,
//! counter-clockwise exterior rings, attribution in the collection) and CSV. Deterministic:
//! cells sorted by H3 index, districts by rank, coordinates to 7 decimals, numbers to 2.

use crate::{CellScore, CellTable, DistrictKey, DistrictScore, Profile, Question};
use feltkart_model::PlaceRole;
use feltkart_osm::Extract;
use geojson::{
    Feature, FeatureCollection, Geometry, GeometryValue, JsonObject, JsonValue, Position,
};
use h3o::{CellIndex, LatLng};
use serde_json::json;
use std::collections::BTreeMap;

/// The attribution every output derived from OpenStreetMap carries (ODbL).
pub const ATTRIBUTION: &str = "© OpenStreetMap contributors";

fn r7(x: f64) -> f64 {
    (x * 1e7).round() / 1e7
}

fn r2(x: f64) -> f64 {
    // `+ 0.0` turns a rounded -0.0 into 0.0.
    (x * 100.0).round() / 100.0 + 0.0
}

/// A cell's hexagon as a closed, counter-clockwise lon/lat ring.
#[must_use]
pub fn cell_ring(cell: CellIndex) -> Vec<Position> {
    let mut ring: Vec<Position> = cell
        .boundary()
        .iter()
        .map(|ll| Position::from([r7(ll.lng()), r7(ll.lat())]))
        .collect();
    if let Some(first) = ring.first().cloned() {
        ring.push(first);
    }
    ring
}

fn questions(q: &BTreeMap<Question, f64>) -> JsonValue {
    let get = |k| r2(q.get(&k).copied().unwrap_or(0.0));
    json!({
        "housing": get(Question::Housing),
        "indicators": get(Question::Indicators),
        "places": get(Question::Places),
        "partners": get(Question::Partners),
        "channels": get(Question::Channels),
    })
}

fn collection(
    features: Vec<Feature>,
    profile: &Profile,
    kind: &str,
    resolution: u8,
) -> FeatureCollection {
    let mut members = JsonObject::new();
    members.insert("attribution".into(), json!(ATTRIBUTION));
    members.insert("license".into(), json!("ODbL-1.0"));
    members.insert("kind".into(), json!(kind));
    members.insert("profile".into(), json!(profile.id));
    members.insert("profile_revision".into(), json!(profile.revision));
    members.insert("resolution".into(), json!(resolution));
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: Some(members),
    }
}

/// Scored cells as hexagon polygons with score, points per question, the explained parts and
/// the housing facts. `scores` must be parallel to `table.cells` (as `score_cells` returns them).
#[must_use]
pub fn cells_geojson(
    table: &CellTable,
    scores: &[CellScore],
    profile: &Profile,
) -> FeatureCollection {
    let features = table
        .cells
        .iter()
        .zip(scores)
        .map(|(c, s)| {
            let parts: Vec<JsonValue> = s
                .parts
                .iter()
                .map(|p| json!({"question": p.question, "feature": p.feature, "points": r2(p.points), "detail": p.detail}))
                .collect();
            let mut props = JsonObject::new();
            props.insert("cell".into(), json!(s.cell.to_string()));
            props.insert("score".into(), json!(r2(s.score)));
            props.insert("questions".into(), questions(&s.by_question()));
            props.insert("parts".into(), JsonValue::Array(parts));
            props.insert("dwellings".into(), json!(r2(c.housing.dwellings)));
            props.insert("floor_area_m2".into(), json!(r2(c.housing.floor_area_m2)));
            props.insert("street_m".into(), json!(c.snap_m.map(r2)));
            Feature {
                bbox: None,
                geometry: Some(Geometry::new(GeometryValue::Polygon { coordinates: vec![cell_ring(s.cell)] })),
                id: None,
                properties: Some(props),
                foreign_members: None,
            }
        })
        .collect();
    collection(features, profile, "cells", table.resolution)
}

/// Scored cells as CSV: one row per cell, sorted by cell.
///
/// # Errors
/// Only if CSV encoding fails (it writes to memory).
pub fn cells_csv(table: &CellTable, scores: &[CellScore]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "cell",
        "lon",
        "lat",
        "score",
        "housing",
        "indicators",
        "places",
        "partners",
        "channels",
        "dwellings",
        "floor_area_m2",
        "explanation",
    ])?;
    for (c, s) in table.cells.iter().zip(scores) {
        let q = s.by_question();
        let get = |k| format!("{:.2}", q.get(&k).copied().unwrap_or(0.0));
        w.write_record([
            s.cell.to_string(),
            format!("{:.7}", c.centre.lon),
            format!("{:.7}", c.centre.lat),
            format!("{:.2}", s.score),
            get(Question::Housing),
            get(Question::Indicators),
            get(Question::Places),
            get(Question::Partners),
            get(Question::Channels),
            format!("{:.2}", c.housing.dwellings),
            format!("{:.2}", c.housing.floor_area_m2),
            s.explain(),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Per district: total weight, weighted points per feature, cells.
type Acc = (f64, BTreeMap<String, f64>, Vec<CellIndex>);

/// A ranked district with what makes it score, and its partners and channels.
#[derive(Clone, Debug, PartialEq)]
pub struct DistrictReport {
    /// Rank, 1 = highest priority.
    pub rank: usize,
    /// The district's score.
    pub district: DistrictScore,
    /// Features by their dwelling-weighted mean points in the district, largest first (top 5).
    pub top_features: Vec<(String, f64)>,
    /// Named partner places in the district's cells (question 4), sorted, at most 10.
    pub partners: Vec<String>,
    /// Named channel places in the district's cells (question 5), sorted, at most 10.
    pub channels: Vec<String>,
    /// The district's cells.
    pub cells: Vec<CellIndex>,
}

/// Reports for ranked districts: `assignment` is `assign_districts`' output (parallel to
/// `table.cells`), `ranked` is `rank_districts`' output. Weights are as in the ranking
/// (dwellings + 1 per cell).
#[must_use]
pub fn district_reports(
    table: &CellTable,
    scores: &[CellScore],
    assignment: &[DistrictKey],
    ranked: &[DistrictScore],
    extract: &Extract,
    roles: &[Vec<PlaceRole>],
) -> Vec<DistrictReport> {
    let res = h3o::Resolution::try_from(table.resolution).unwrap_or(h3o::Resolution::Ten);
    // Features: weighted points per district.
    let mut feats: BTreeMap<DistrictKey, Acc> = BTreeMap::new();
    let mut cell_district: BTreeMap<CellIndex, DistrictKey> = BTreeMap::new();
    for ((c, s), key) in table.cells.iter().zip(scores).zip(assignment) {
        let w = c.housing.dwellings + 1.0;
        let e = feats.entry(*key).or_default();
        e.0 += w;
        for p in &s.parts {
            *e.1.entry(p.feature.clone()).or_default() += w * p.points;
        }
        e.2.push(c.cell);
        cell_district.insert(c.cell, *key);
    }
    // Partners and channels: named places whose cell is in the district.
    let mut named: BTreeMap<(DistrictKey, PlaceRole), Vec<String>> = BTreeMap::new();
    for p in &extract.places {
        let (Some(name), Ok(ll)) = (&p.name, LatLng::new(p.at.lat, p.at.lon)) else {
            continue;
        };
        let Some(key) = cell_district.get(&ll.to_cell(res)) else {
            continue;
        };
        for role in [PlaceRole::Partner, PlaceRole::Channel] {
            if p.kinds
                .iter()
                .any(|&k| roles.get(usize::from(k)).is_some_and(|r| r.contains(&role)))
            {
                named.entry((*key, role)).or_default().push(name.clone());
            }
        }
    }
    ranked
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let (weight, by_feature, cells) = feats.get(&d.key).cloned().unwrap_or_default();
            let mut top: Vec<(String, f64)> = by_feature
                .into_iter()
                .map(|(f, p)| (f, if weight > 0.0 { p / weight } else { 0.0 }))
                .collect();
            top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            top.truncate(5);
            let list = |role| {
                let mut v = named.get(&(d.key, role)).cloned().unwrap_or_default();
                v.sort();
                v.dedup();
                v.truncate(10);
                v
            };
            DistrictReport {
                rank: i + 1,
                district: d.clone(),
                top_features: top,
                partners: list(PlaceRole::Partner),
                channels: list(PlaceRole::Channel),
                cells,
            }
        })
        .collect()
}

/// Ranked districts as GeoJSON: each a MultiPolygon of its cells' hexagons, with rank, score,
/// points per question, dwellings, top features, partners and channels.
#[must_use]
pub fn districts_geojson(
    reports: &[DistrictReport],
    profile: &Profile,
    resolution: u8,
) -> FeatureCollection {
    let features = reports
        .iter()
        .map(|r| {
            let d = &r.district;
            let mut props = JsonObject::new();
            props.insert("rank".into(), json!(r.rank));
            props.insert("district".into(), json!(d.key.to_string()));
            props.insert("name".into(), json!(d.name));
            props.insert("source".into(), json!(d.source));
            props.insert("score".into(), json!(r2(d.score)));
            props.insert("questions".into(), questions(&d.by_question));
            props.insert("dwellings".into(), json!(r2(d.dwellings)));
            props.insert("cells".into(), json!(d.cells));
            props.insert("best_cell".into(), json!(d.best_cell.to_string()));
            props.insert(
                "top_features".into(),
                JsonValue::Array(
                    r.top_features
                        .iter()
                        .map(|(f, p)| json!({"feature": f, "points": r2(*p)}))
                        .collect(),
                ),
            );
            props.insert("partners".into(), json!(r.partners));
            props.insert("channels".into(), json!(r.channels));
            let polys = r.cells.iter().map(|&c| vec![cell_ring(c)]).collect();
            Feature {
                bbox: None,
                geometry: Some(Geometry::new(GeometryValue::MultiPolygon {
                    coordinates: polys,
                })),
                id: None,
                properties: Some(props),
                foreign_members: None,
            }
        })
        .collect();
    collection(features, profile, "districts", resolution)
}

/// Ranked districts as CSV.
///
/// # Errors
/// Only if CSV encoding fails (it writes to memory).
pub fn districts_csv(reports: &[DistrictReport]) -> Result<String, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "rank",
        "district",
        "name",
        "score",
        "housing",
        "indicators",
        "places",
        "partners_points",
        "channels_points",
        "dwellings",
        "cells",
        "top_features",
        "partners",
        "channels",
    ])?;
    for r in reports {
        let d = &r.district;
        let get = |k| format!("{:.2}", d.by_question.get(&k).copied().unwrap_or(0.0));
        let top: Vec<String> = r
            .top_features
            .iter()
            .map(|(f, p)| format!("{f} {p:.1}"))
            .collect();
        w.write_record([
            r.rank.to_string(),
            d.key.to_string(),
            d.name.clone().unwrap_or_default(),
            format!("{:.2}", d.score),
            get(Question::Housing),
            get(Question::Indicators),
            get(Question::Places),
            get(Question::Partners),
            get(Question::Channels),
            format!("{:.2}", d.dwellings),
            d.cells.to_string(),
            top.join("; "),
            r.partners.join("; "),
            r.channels.join("; "),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A coarser display cell: the dwelling-weighted mean score of its base cells (weight =
/// dwellings + 1, as in the district ranking).
#[derive(Clone, Debug, PartialEq)]
pub struct DisplayCell {
    /// The coarser cell.
    pub cell: CellIndex,
    /// Weighted mean score, 0–100.
    pub score: f64,
    /// Dwellings in its base cells.
    pub dwellings: f64,
    /// Base cells in it.
    pub cells: u32,
}

/// Scores aggregated to a coarser `resolution` for display (maps zoomed out). Sorted by cell.
///
/// # Errors
/// [`crate::CellsError::DisplayResolution`] when `resolution` is not coarser than the table's.
pub fn aggregate_scores(
    table: &CellTable,
    scores: &[CellScore],
    resolution: u8,
) -> Result<Vec<DisplayCell>, crate::CellsError> {
    let bad = || crate::CellsError::DisplayResolution {
        display: resolution,
        cells: table.resolution,
    };
    let res = h3o::Resolution::try_from(resolution).map_err(|_| bad())?;
    if resolution >= table.resolution {
        return Err(bad());
    }
    let mut acc: BTreeMap<CellIndex, (f64, f64, f64, u32)> = BTreeMap::new();
    for (c, s) in table.cells.iter().zip(scores) {
        let Some(parent) = s.cell.parent(res) else {
            continue;
        };
        let w = c.housing.dwellings + 1.0;
        let e = acc.entry(parent).or_default();
        e.0 += w * s.score;
        e.1 += w;
        e.2 += c.housing.dwellings;
        e.3 += 1;
    }
    Ok(acc
        .into_iter()
        .map(|(cell, (ws, w, dwellings, cells))| DisplayCell {
            cell,
            score: ws / w,
            dwellings,
            cells,
        })
        .collect())
}

/// Display cells as GeoJSON hexagons.
#[must_use]
pub fn display_geojson(
    cells: &[DisplayCell],
    profile: &Profile,
    resolution: u8,
) -> FeatureCollection {
    let features = cells
        .iter()
        .map(|d| {
            let mut props = JsonObject::new();
            props.insert("cell".into(), json!(d.cell.to_string()));
            props.insert("score".into(), json!(r2(d.score)));
            props.insert("dwellings".into(), json!(r2(d.dwellings)));
            props.insert("cells".into(), json!(d.cells));
            Feature {
                bbox: None,
                geometry: Some(Geometry::new(GeometryValue::Polygon {
                    coordinates: vec![cell_ring(d.cell)],
                })),
                id: None,
                properties: Some(props),
                foreign_members: None,
            }
        })
        .collect();
    collection(features, profile, "display_cells", resolution)
}
