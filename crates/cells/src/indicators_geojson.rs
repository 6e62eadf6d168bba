//! GeoJSON polygons with numeric properties, area-weighted onto cells (see the parent module).

use super::{Acc, Aggregate, At, BadPoint, ImportOptions, IndicatorError, IndicatorLayer};
use super::{check_point, input, near};
use geo::{BooleanOps, ChamberlainDuquetteArea, MultiPolygon, Rect};
use geojson::{GeoJson, GeometryValue, JsonValue};
use h3o::CellIndex;
use h3o::geom::{ContainmentMode, TilerBuilder};
use rayon::prelude::*;

/// Overlaps below this share of a cell's area are rounding, not overlap.
const SLIVER: f64 = 1e-6;

fn feature_at(feature: usize, property: Option<&str>) -> At {
    At::Feature {
        feature,
        property: property.map(str::to_owned),
    }
}

fn value(v: Option<&JsonValue>) -> Result<f64, String> {
    match v {
        None => Err("missing property".into()),
        Some(JsonValue::Null) => Err("empty value (null; give a number)".into()),
        Some(JsonValue::Number(n)) => n
            .as_f64()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("{n} is not a finite number")),
        Some(JsonValue::String(s)) => super::number(s),
        Some(other) => Err(format!("{other} is not a number")),
    }
}

/// (cell, area of the polygon in the cell in m²) for every cell the polygon overlaps, by cell.
/// Cells wholly inside the polygon need no intersection.
fn overlaps(
    shape: &MultiPolygon<f64>,
    res: h3o::Resolution,
) -> Result<Vec<(CellIndex, f64)>, String> {
    let tile = |mode| -> Result<Vec<CellIndex>, String> {
        let mut tiler = TilerBuilder::new(res).containment_mode(mode).build();
        tiler
            .add_batch(shape.0.iter().cloned())
            .map_err(|e| e.to_string())?;
        let mut cells: Vec<CellIndex> = tiler.into_coverage().collect();
        cells.sort_unstable();
        cells.dedup();
        Ok(cells)
    };
    let inside = tile(ContainmentMode::ContainsBoundary)?;
    let mut out = Vec::new();
    for cell in tile(ContainmentMode::Covers)? {
        let cell_shape = MultiPolygon::from(cell);
        let cell_area = cell_shape.chamberlain_duquette_unsigned_area();
        let a = if inside.binary_search(&cell).is_ok() {
            cell_area
        } else {
            shape
                .intersection(&cell_shape)
                .chamberlain_duquette_unsigned_area()
        };
        // Slivers from rounding along shared boundaries are no overlap.
        if a > SLIVER * cell_area {
            out.push((cell, a));
        }
    }
    Ok(out)
}

/// Import a GeoJSON FeatureCollection of polygons (`text`, named `path` in errors).
///
/// # Errors
/// [`IndicatorError::Input`] naming the file, the feature (1-based) and the property: not a
/// FeatureCollection, a feature without a Polygon/MultiPolygon geometry, coordinates out of
/// range or swapped, a missing, empty or non-numeric value, no numeric property at all.
/// [`IndicatorError::Options`] for bad options. Nothing partial is returned.
pub fn import_geojson(
    text: &str,
    path: &str,
    opts: &ImportOptions,
) -> Result<Vec<IndicatorLayer>, IndicatorError> {
    let res = opts.check()?;
    let gj: GeoJson = text
        .parse()
        .map_err(|e: geojson::Error| input(path, At::File, e.to_string()))?;
    let GeoJson::FeatureCollection(fc) = gj else {
        return Err(input(path, At::File, "not a GeoJSON FeatureCollection"));
    };
    if fc.features.is_empty() {
        return Err(input(
            path,
            At::File,
            "the FeatureCollection has no features",
        ));
    }
    let props =
        |f: &geojson::Feature, p: &str| f.properties.as_ref().and_then(|m| m.get(p)).cloned();
    let columns: Vec<String> = match &opts.column {
        Some(c) => vec![c.clone()],
        None => {
            let first = fc.features[0].properties.clone().unwrap_or_default();
            let cols: Vec<String> = first
                .keys()
                .filter(|k| {
                    fc.features
                        .iter()
                        .all(|f| matches!(props(f, k), Some(JsonValue::Number(_))))
                })
                .cloned()
                .collect();
            if cols.is_empty() {
                return Err(input(
                    path,
                    At::File,
                    "no property is a number in every feature (name one with --column)",
                ));
            }
            cols
        }
    };
    let mut layers = opts.layers(&columns)?;
    // Validate every feature first (cheap), then weight the polygons onto cells in parallel.
    let mut shapes = Vec::with_capacity(fc.features.len());
    let mut values = Vec::with_capacity(fc.features.len());
    for (i, f) in fc.features.iter().enumerate() {
        let n = i + 1;
        let geometry = f.geometry.as_ref().map(|g| &g.value);
        let shape: MultiPolygon<f64> = match geometry {
            Some(v @ (GeometryValue::Polygon { .. } | GeometryValue::MultiPolygon { .. })) => {
                match geo::Geometry::<f64>::try_from(v) {
                    Ok(geo::Geometry::Polygon(p)) => MultiPolygon::new(vec![p]),
                    Ok(geo::Geometry::MultiPolygon(m)) => m,
                    _ => return Err(input(path, feature_at(n, None), "unreadable polygon")),
                }
            }
            Some(other) => {
                return Err(input(
                    path,
                    feature_at(n, None),
                    format!(
                        "geometry is a {}; only Polygon and MultiPolygon are imported",
                        other.type_name()
                    ),
                ));
            }
            None => {
                return Err(input(
                    path,
                    feature_at(n, None),
                    "no geometry (give a Polygon or MultiPolygon)",
                ));
            }
        };
        for c in shape.0.iter().flat_map(|p| {
            p.exterior()
                .coords()
                .chain(p.interiors().iter().flat_map(|r| r.coords()))
        }) {
            check_point(c.x, c.y, None).map_err(|(BadPoint::Lon(p) | BadPoint::Lat(p))| {
                input(path, feature_at(n, None), p)
            })?;
        }
        if let Some(b) = opts.bbox.as_ref().filter(|b| !b.is_empty())
            && let Some(c) = geo::BoundingRect::bounding_rect(&shape).map(|r| r.center())
        {
            check_point(c.x, c.y, Some(b)).map_err(|(BadPoint::Lon(p) | BadPoint::Lat(p))| {
                input(
                    path,
                    feature_at(n, None),
                    format!("the polygon's centre: {p}"),
                )
            })?;
        }
        let v: Vec<f64> = columns
            .iter()
            .map(|c| {
                value(props(f, c).as_ref()).map_err(|p| input(path, feature_at(n, Some(c)), p))
            })
            .collect::<Result<_, _>>()?;
        shapes.push(shape);
        values.push(v);
    }
    let clip = opts.bbox.as_ref().filter(|b| !b.is_empty()).map(|b| {
        let n = near(b);
        MultiPolygon::from(Rect::new((n.min_lon, n.min_lat), (n.max_lon, n.max_lat)).to_polygon())
    });
    let per_feature: Vec<(Vec<(CellIndex, f64)>, f64)> = shapes
        .par_iter()
        .enumerate()
        .map(|(i, shape)| {
            let area = shape.chamberlain_duquette_unsigned_area();
            let part = match &clip {
                Some(c) => shape.intersection(c),
                None => shape.clone(),
            };
            let cells =
                overlaps(&part, res).map_err(|e| input(path, feature_at(i + 1, None), e))?;
            Ok((cells, area))
        })
        .collect::<Result<_, IndicatorError>>()?;
    let mut accs: Vec<Acc> = columns.iter().map(|_| Acc::default()).collect();
    for ((cells, area), v) in per_feature.iter().zip(&values) {
        for (acc, &x) in accs.iter_mut().zip(v) {
            for &(cell, a) in cells {
                match opts.aggregate {
                    Aggregate::Mean => acc.add(cell, x * a, a),
                    Aggregate::Sum if *area > 0.0 => acc.add(cell, x * a / area, a),
                    Aggregate::Sum => {}
                }
            }
        }
    }
    for (layer, acc) in layers.iter_mut().zip(accs) {
        layer.values = acc.finish(opts.aggregate);
    }
    super::check_near(path, opts, &layers)?;
    Ok(layers)
}
