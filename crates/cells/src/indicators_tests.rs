#![allow(clippy::unwrap_used, clippy::panic)]

use super::*;
use h3o::{LatLng, Resolution};

pub(super) fn opts() -> ImportOptions {
    ImportOptions::new("rate", "Statistics X", 2024)
}

/// Liechtenstein's extent, roughly.
pub(super) fn li_bbox() -> BBox {
    BBox {
        min_lon: 9.47,
        min_lat: 47.04,
        max_lon: 9.64,
        max_lat: 47.27,
    }
}

pub(super) fn cell(lon: f64, lat: f64, res: Resolution) -> CellIndex {
    LatLng::new(lat, lon).unwrap().to_cell(res)
}

#[test]
fn csv_by_h3_cell_keeps_values_name_source_and_year() {
    let a = cell(9.52, 47.14, Resolution::Ten);
    let b = cell(9.53, 47.15, Resolution::Ten);
    let text = format!("h3,rate\n{a},7.5\n{b}, 3 \n");
    let layers = import_csv(&text, "u.csv", &opts()).unwrap();
    assert_eq!(layers.len(), 1);
    let l = &layers[0];
    assert_eq!(
        (l.name.as_str(), l.source.as_str(), l.year, l.resolution),
        ("rate", "Statistics X", 2024, 10)
    );
    assert_eq!(l.values, BTreeMap::from([(a, 7.5), (b, 3.0)]));
    assert_eq!(l.label(), "rate (Statistics X, 2024)");
}

#[test]
fn semicolon_files_with_decimal_commas_and_a_bom_are_read() {
    let a = cell(9.52, 47.14, Resolution::Ten);
    let text = "\u{feff}lat;lon;rate\n47,14;9,52;7,5\n";
    let l = import_csv(text, "dk.csv", &opts()).unwrap();
    assert_eq!(l[0].values, BTreeMap::from([(a, 7.5)]));
    let e = import_csv("lat;lon;rate\n47,14;9,52;7,5,1\n", "dk.csv", &opts())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("row 2, column 3 `rate`: `7,5,1` is not a number"),
        "{e}"
    );
}

#[test]
fn a_refused_import_leaves_the_layers_file_as_it_was() {
    let dir = std::env::temp_dir().join(format!("feltkart-ind-keep-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("city.indicators.json");
    let a = cell(9.52, 47.14, Resolution::Ten);
    let good = import_csv(&format!("h3,rate\n{a},1\n"), "g.csv", &opts()).unwrap();
    save_layers(&path, &good).unwrap();
    let before = std::fs::read(&path).unwrap();
    // The CLI's flow: import (refused at row 3), so nothing is merged or saved.
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, format!("h3,rate\n{a},2\n{a}x,3\n")).unwrap();
    let e = import_file(&bad, &opts()).unwrap_err().to_string();
    assert!(e.contains("bad.csv: row 3, column 1 `h3`"), "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    // A failed write (the target is a directory) leaves no temporary file behind.
    let occupied = dir.join("occupied");
    std::fs::create_dir_all(occupied.join("x")).unwrap();
    let e = save_layers(&occupied, &good).unwrap_err();
    assert!(matches!(e, IndicatorError::Write { .. }), "{e}");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["bad.csv", "city.indicators.json", "occupied"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn finer_cells_and_points_aggregate_by_mean_or_sum() {
    let parent = cell(9.52, 47.14, Resolution::Ten);
    let kids: Vec<CellIndex> = parent.children(Resolution::Eleven).take(3).collect();
    let text = format!("h3,n\n{},1\n{},2\n{},6\n", kids[0], kids[1], kids[2]);
    let mean = import_csv(&text, "f.csv", &opts()).unwrap();
    assert_eq!(mean[0].values, BTreeMap::from([(parent, 3.0)]));
    let sum_opts = ImportOptions {
        aggregate: Aggregate::Sum,
        ..opts()
    };
    let sum = import_csv(&text, "f.csv", &sum_opts).unwrap();
    assert_eq!(sum[0].values, BTreeMap::from([(parent, 9.0)]));
    // Two points in one cell, one in another.
    let c = LatLng::from(parent);
    let (x, y) = (c.lng(), c.lat());
    let far = cell(9.60, 47.20, Resolution::Ten);
    let text = format!(
        "lat,lon,n\n{y},{x},4\n{},{},6\n47.20,9.60,1\n",
        y + 1e-6,
        x + 1e-6
    );
    let pts = import_csv(&text, "p.csv", &sum_opts).unwrap();
    assert_eq!(pts[0].values, BTreeMap::from([(parent, 10.0), (far, 1.0)]));
}

#[test]
fn several_value_columns_become_layers_or_one_is_chosen() {
    let a = cell(9.52, 47.14, Resolution::Ten);
    let text = format!("h3,Unemployed %,income\n{a},7.5,31000\n");
    let all = import_csv(&text, "m.csv", &opts()).unwrap();
    let names: Vec<&str> = all.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["rate_unemployed__", "rate_income"]);
    let one = ImportOptions {
        column: Some("income".into()),
        name: "income".into(),
        ..opts()
    };
    let l = import_csv(&text, "m.csv", &one).unwrap();
    assert_eq!(l.len(), 1);
    assert_eq!((l[0].name.as_str(), l[0].values[&a]), ("income", 31000.0));
}

#[test]
fn bad_csv_is_refused_naming_file_row_and_column() {
    let a = cell(9.52, 47.14, Resolution::Ten);
    let b = cell(9.53, 47.15, Resolution::Ten);
    let a9 = a.parent(Resolution::Nine).unwrap();
    let a11 = a.center_child(Resolution::Eleven).unwrap();
    let with_bbox = ImportOptions {
        bbox: Some(li_bbox()),
        ..opts()
    };
    let col = |c: &str| ImportOptions {
        column: Some(c.into()),
        ..opts()
    };
    // (text, options, fragments the message must hold)
    let cases: Vec<(String, ImportOptions, Vec<&str>)> = vec![
        (
            "name,rate\nx,1\n".into(),
            opts(),
            vec!["bad.csv: row 1: missing key column", "columns: name, rate"],
        ),
        (
            "lon,rate\n9.5,1\n".into(),
            opts(),
            vec!["bad.csv: row 1: missing column `lat`"],
        ),
        (
            format!("h3,rate\n{a},1\n"),
            col("share"),
            vec!["bad.csv: row 1: missing column `share` (columns: h3, rate)"],
        ),
        (
            format!("h3,rate\n{a},1\n"),
            col("h3"),
            vec!["row 1, column 1 `h3`: is a key column"],
        ),
        (
            format!("h3,lon,lat,rate\n{a},9.5,47.1,1\n"),
            opts(),
            vec!["row 1: both an `h3` column and `lon`/`lat` columns"],
        ),
        (
            format!("h3,rate,Rate\n{a},1,2\n"),
            opts(),
            vec!["row 1, column 3 `Rate`: duplicate column name (also column 2)"],
        ),
        (
            format!("h3,rate\n{a},1\n{b},abc\n"),
            opts(),
            vec!["bad.csv: row 3, column 2 `rate`: `abc` is not a number"],
        ),
        (
            format!("h3,rate\n{a},\n"),
            opts(),
            vec!["bad.csv: row 2, column 2 `rate`: empty value"],
        ),
        (
            format!("h3,rate\n{a},NaN\n"),
            opts(),
            vec!["row 2, column 2 `rate`: `NaN` is not a finite number"],
        ),
        (
            "lon,lat,rate\n9.52,47.14,1\n-33.87,151.21,2\n".into(),
            opts(),
            vec![
                "bad.csv: row 3, column 2 `lat`: latitude 151.21 is outside -90 to 90",
                "lon and lat look swapped",
            ],
        ),
        (
            "lon,lat,rate\n200,47.14,1\n".into(),
            opts(),
            vec!["row 2, column 1 `lon`: longitude 200 is outside -180 to 180"],
        ),
        (
            "lon,lat,rate\n9.52,47.14,1\n47.14,9.52,2\n".into(),
            with_bbox.clone(),
            vec![
                "row 3, column 2 `lat`: the point (lon 47.14, lat 9.52) lies far outside the extract",
                "its swapped pair lies inside: lon and lat look swapped",
            ],
        ),
        (
            "lon,lat,rate\n10.78,55.31,1\n".into(),
            with_bbox.clone(),
            vec!["bad.csv: file: no row lies near the extract (lon 9.470 to 9.640"],
        ),
        (
            "lon,lat,rate\n9.52,x,1\n".into(),
            opts(),
            vec!["row 2, column 2 `lat`: `x` is not a number"],
        ),
        (
            format!("h3,rate\n{a},1\nffffffffffffffff,2\n"),
            opts(),
            vec!["row 3, column 1 `h3`: `ffffffffffffffff` is not an H3 cell index"],
        ),
        (
            "h3,rate\nKarhula,2\n".into(),
            opts(),
            vec!["row 2, column 1 `h3`: `Karhula` is not an H3 cell index"],
        ),
        (
            format!("h3,rate\n{a9},2\n"),
            opts(),
            vec![
                "row 2, column 1 `h3`",
                "is at resolution 9, coarser than the atlas's 10",
            ],
        ),
        (
            format!("h3,rate\n{a},1\n{a11},2\n"),
            opts(),
            vec![
                "row 3, column 1 `h3`",
                "at resolution 11, row 2 at 10: one resolution per file",
            ],
        ),
        (
            format!("h3,rate\n{a},1\n{b},2\n{a},3\n"),
            opts(),
            vec!["row 4, column 1 `h3`: duplicate cell", "(also on row 2)"],
        ),
        (
            format!("h3,rate\n{a},1\n{b},2,3\n"),
            opts(),
            vec!["bad.csv: row 3: 3 fields, the header has 2"],
        ),
        (
            "h3,rate\n".into(),
            opts(),
            vec!["bad.csv: file: no data rows"],
        ),
        (
            format!("h3,rate\n{a},1\n"),
            ImportOptions {
                name: "Unemployment".into(),
                ..opts()
            },
            vec!["layer name `Unemployment` is not a lower-case slug"],
        ),
        (
            format!("h3,rate\n{a},1\n"),
            ImportOptions {
                name: "street_access".into(),
                ..opts()
            },
            vec!["`street_access` is a built-in indicator"],
        ),
        (
            format!("h3,rate\n{a},1\n"),
            ImportOptions { year: 24, ..opts() },
            vec!["year 24 is out of range"],
        ),
    ];
    for (text, o, want) in &cases {
        let e = import_csv(text, "bad.csv", o).unwrap_err().to_string();
        for w in want {
            assert!(e.contains(w), "{text:?}: `{e}` lacks `{w}`");
        }
    }
}

#[test]
fn layers_round_trip_through_an_atomically_written_file() {
    let dir = std::env::temp_dir().join(format!("feltkart-ind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let atlas = dir.join("city.atlas");
    let path = layers_path(&atlas);
    assert_eq!(path, dir.join("city.indicators.json"));
    assert!(load_layers_if_present(&path).unwrap().is_empty());
    let a = cell(9.52, 47.14, Resolution::Ten);
    let b = cell(9.53, 47.15, Resolution::Ten);
    let text = format!("h3,rate,income\n{a},7.5,31000\n{b},3,29000.5\n");
    let layers = import_csv(&text, "u.csv", &opts()).unwrap();
    save_layers(&path, &layers).unwrap();
    let mut back = load_layers(&path).unwrap();
    let mut want = layers.clone();
    want.sort_by(|x, y| x.name.cmp(&y.name));
    assert_eq!(back, want);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["city.indicators.json"], "no temporary file left");
    // Re-importing a layer replaces it; others stay.
    let newer = IndicatorLayer {
        year: 2025,
        ..back[0].clone()
    };
    back = merge_layers(back, vec![newer.clone()]);
    assert_eq!(back.len(), 2);
    assert_eq!(back[0], newer);
    // Bad files are refused, naming the file.
    let text = std::fs::read_to_string(&path).unwrap();
    for (from, to, want) in [
        ("\"version\": 1", "\"version\": 2", "unsupported version 2"),
        ("\"year\"", "\"yr\"", "unknown field `yr`"),
        (
            &a.to_string(),
            &a.parent(Resolution::Nine).unwrap().to_string(),
            "is not at the layer's resolution 10",
        ),
        ("\"rate_income\"", "\"Rate\"", "is not a lower-case slug"),
    ] {
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        let e = load_layers(&path).unwrap_err().to_string();
        assert!(e.starts_with(&path.display().to_string()), "{e}");
        assert!(e.contains(want), "{from} -> {to}: `{e}` lacks `{want}`");
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(
        save_layers(&dir.join("no/such/dir.json"), &layers),
        Err(IndicatorError::Write { .. })
    ));
}
