#![allow(clippy::unwrap_used, clippy::panic)]

use super::tests::{cell, li_bbox, opts};
use super::*;
use h3o::Resolution;

/// A FeatureCollection of lon/lat rectangles with properties.
fn collection(features: &[(&str, &str)]) -> String {
    let fs: Vec<String> = features
        .iter()
        .map(|(geometry, props)| {
            format!(r#"{{"type":"Feature","geometry":{geometry},"properties":{{{props}}}}}"#)
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        fs.join(",")
    )
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}"#
    )
}

#[test]
fn polygons_are_area_weighted_onto_cells() {
    // Two rectangles side by side in Vaduz, each ~760 × 1100 m.
    let west = rect(9.50, 47.13, 9.51, 47.14);
    let east = rect(9.51, 47.13, 9.52, 47.14);
    let text = collection(&[
        (&west, r#""rate": 10, "count": 100, "label": "west""#),
        (&east, r#""rate": "20", "count": 300, "label": "east""#),
    ]);
    // `rate` is a string in one feature: only `count` is numeric everywhere.
    let auto = import_geojson(&text, "a.geojson", &opts()).unwrap();
    assert_eq!(auto.len(), 1);
    assert_eq!(auto[0].name, "rate");
    let mean = import_geojson(
        &text,
        "a.geojson",
        &ImportOptions {
            column: Some("rate".into()),
            ..opts()
        },
    )
    .unwrap();
    let v = &mean[0].values;
    let inside_west = cell(9.505, 47.135, Resolution::Ten);
    let inside_east = cell(9.515, 47.135, Resolution::Ten);
    assert!((v[&inside_west] - 10.0).abs() < 1e-9, "{}", v[&inside_west]);
    assert!((v[&inside_east] - 20.0).abs() < 1e-9);
    let straddling = cell(9.51, 47.135, Resolution::Ten);
    assert!(v[&straddling] > 10.0 && v[&straddling] < 20.0);
    assert!(v.values().all(|x| (10.0 - 1e-9..=20.0 + 1e-9).contains(x)));
    // Sum: the cells' shares add up to the polygons' totals.
    let sum = import_geojson(
        &text,
        "a.geojson",
        &ImportOptions {
            column: Some("count".into()),
            aggregate: Aggregate::Sum,
            ..opts()
        },
    )
    .unwrap();
    let total: f64 = sum[0].values.values().sum();
    assert!((total - 400.0).abs() < 1e-6, "{total}");
    // Clipping to the extract keeps the cells near it.
    let clipped = import_geojson(
        &text,
        "a.geojson",
        &ImportOptions {
            column: Some("count".into()),
            aggregate: Aggregate::Sum,
            bbox: Some(li_bbox()),
            ..opts()
        },
    )
    .unwrap();
    assert_eq!(clipped[0].values.len(), sum[0].values.len());
}

#[test]
fn bad_geojson_is_refused_naming_file_feature_and_property() {
    let ok = rect(9.50, 47.13, 9.51, 47.14);
    let point = r#"{"type":"Point","coordinates":[9.5,47.1]}"#;
    let swapped = rect(47.13, 9.50, 47.14, 9.51);
    let wild = rect(9.50, 97.13, 9.51, 97.14);
    let rate = ImportOptions {
        column: Some("rate".into()),
        ..opts()
    };
    let cases: Vec<(String, ImportOptions, Vec<&str>)> = vec![
        (
            collection(&[(&ok, r#""rate": 1"#), (point, r#""rate": 2"#)]),
            rate.clone(),
            vec!["bad.geojson: feature 2: geometry is a Point"],
        ),
        (
            collection(&[("null", r#""rate": 2"#)]),
            rate.clone(),
            vec!["bad.geojson: feature 1: no geometry"],
        ),
        (
            collection(&[(&ok, r#""share": 1"#)]),
            rate.clone(),
            vec!["bad.geojson: feature 1, property `rate`: missing property"],
        ),
        (
            collection(&[(&ok, r#""rate": 1"#), (&ok, r#""rate": "high""#)]),
            rate.clone(),
            vec!["feature 2, property `rate`: `high` is not a number"],
        ),
        (
            collection(&[(&ok, r#""rate": null"#)]),
            rate.clone(),
            vec!["feature 1, property `rate`: empty value"],
        ),
        (
            collection(&[(&ok, r#""label": "x""#)]),
            opts(),
            vec!["bad.geojson: file: no property is a number in every feature"],
        ),
        (
            collection(&[(&wild, r#""rate": 1"#)]),
            rate.clone(),
            vec!["feature 1: latitude 97.13 is outside -90 to 90"],
        ),
        (
            collection(&[(&swapped, r#""rate": 1"#)]),
            ImportOptions {
                bbox: Some(li_bbox()),
                ..rate.clone()
            },
            vec![
                "feature 1: the polygon's centre",
                "lon and lat look swapped",
            ],
        ),
        (
            collection(&[(&rect(10.78, 55.31, 10.79, 55.32), r#""rate": 1"#)]),
            ImportOptions {
                bbox: Some(li_bbox()),
                ..rate.clone()
            },
            vec!["bad.geojson: file: no row lies near the extract"],
        ),
        (
            point.into(),
            rate.clone(),
            vec!["bad.geojson: file: not a GeoJSON FeatureCollection"],
        ),
        ("{".into(), rate.clone(), vec!["bad.geojson: file:"]),
    ];
    for (text, o, want) in &cases {
        let e = import_geojson(text, "bad.geojson", o)
            .unwrap_err()
            .to_string();
        for w in want {
            assert!(e.contains(w), "{text}: `{e}` lacks `{w}`");
        }
    }
}
