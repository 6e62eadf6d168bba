//! Imported indicators (mapping question 2): statistics from outside OSM (unemployment, income,
//! share of social housing, …) as named layers of one number per H3 cell, at the cell table's
//! resolution. Each layer keeps its name, source and year, so a score can say where a number
//! came from.
//!
//! Inputs:
//! * **CSV** with a header row: a key, either an `h3` column (H3 cell indices) or `lon` and `lat`
//!   columns (WGS84 degrees; `lng`/`longitude` and `latitude` are accepted too), plus numeric
//!   value columns. With [`ImportOptions::column`] one value column is imported as the layer
//!   `name`; without it every other column is a value column: a single one becomes the layer
//!   `name`, several become `name_column` each (column names lower-cased, other characters `_`).
//! * **GeoJSON**: a FeatureCollection of Polygon/MultiPolygon features with numeric properties
//!   area-weighted onto the cells they overlap. Without [`ImportOptions::column`], every
//!   property that is a JSON number in every feature is imported (others, such as labels, are
//!   skipped); a chosen property may also hold numeric strings (`"7.5"`).
//!
//! Cells (the [`Aggregate`] rule):
//! * H3 cells finer than the table's resolution go to their parent cell; coarser ones are
//!   refused (split them yourself, or import the areas as GeoJSON polygons). One resolution per
//!   file; a cell twice is refused.
//! * Several points or finer cells in one cell: their mean ([`Aggregate::Mean`], the default,
//!   for rates, shares and densities) or their sum ([`Aggregate::Sum`], for counts).
//! * Polygons: `Mean` gives a cell the area-weighted mean of the polygons over the part of the
//!   cell they cover, Σ v·A(p∩c) / Σ A(p∩c) (a rate is the same everywhere in its area); `Sum`
//!   gives it each polygon's share by area, Σ v·A(p∩c) / A(p) (a count spread evenly over its
//!   area). Areas are on the sphere (Chamberlain–Duquette), m².
//!
//! Validation is all-or-nothing: the first bad row stops the import and nothing is returned.
//! Errors name the file, the row (1-based, the header is row 1) or feature (1-based), and the
//! column or property. With the extract's bounding box given, a point far outside it whose
//! swapped pair lies inside is refused as lon/lat swapped, and so is a file with no value near
//! the extract; values far from it are otherwise kept (a national table for a city atlas).
//!
//! With the bounding box given, polygons are also clipped to near the extract first (with
//! `Sum`, the shares of a polygon that fall outside are dropped).
//!
//! Layers are stored with [`save_layers`] / [`load_layers`] in a small versioned JSON file next
//! to the atlas ([`layers_path`]), written atomically.
//!
//! ```no_run
//! use feltkart_cells::*;
//! use std::path::Path;
//! # fn demo(atlas: &feltkart_atlas::Atlas, table: &CellTable, profile: &Profile) -> Result<(), Box<dyn std::error::Error>> {
//! // feltkart indicators import unemployment.csv --name unemployment_rate --source "…" --year 2024
//! let mut opts = ImportOptions::new("unemployment_rate", "Statistics Denmark, AUL01", 2024);
//! opts.resolution = table.resolution;
//! opts.bbox = Some(atlas.extract.source.node_bbox);
//! let new = import_file(Path::new("unemployment.csv"), &opts)?; // all or nothing
//! let path = layers_path(Path::new("city.atlas"));
//! save_layers(&path, &merge_layers(load_layers_if_present(&path)?, new))?;
//! // feltkart score --profile NAME
//! let scores = score_cells_with_layers(table, profile, &load_layers_if_present(&path)?)?;
//! # Ok(()) }
//! ```

use feltkart_model::{BBox, LonLat};
use h3o::CellIndex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[path = "indicators_csv.rs"]
mod csv_input;
#[path = "indicators_error.rs"]
mod error;
#[path = "indicators_file.rs"]
mod file;
#[path = "indicators_geojson.rs"]
mod geojson_input;

pub use csv_input::import_csv;
pub(crate) use error::input;
pub use error::{At, IndicatorError};
pub use file::{
    LAYERS_FORMAT, LAYERS_VERSION, layers_path, load_layers, load_layers_if_present, merge_layers,
    save_layers,
};
pub use geojson_input::import_geojson;

/// One imported indicator: a number per cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorLayer {
    /// Name, a lower-case slug (`unemployment_rate`); profiles weight it by this name.
    pub name: String,
    /// Where the numbers come from (`Statistics Denmark, table AUL01`).
    pub source: String,
    /// The year they describe.
    pub year: u16,
    /// H3 resolution of the cells.
    pub resolution: u8,
    /// The values, finite, by cell.
    pub values: BTreeMap<CellIndex, f64>,
}

impl IndicatorLayer {
    /// `name (source, year)`, for explanations.
    #[must_use]
    pub fn label(&self) -> String {
        format!("{} ({}, {})", self.name, self.source, self.year)
    }
}

/// How several values that fall into one cell combine (see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// Mean (area-weighted for polygons): rates, shares, densities.
    #[default]
    Mean,
    /// Sum (area-proportional for polygons): counts.
    Sum,
}

/// What to import and how.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportOptions {
    /// Layer name (a lower-case slug: letters, digits, `_`, starting with a letter).
    pub name: String,
    /// Source of the numbers.
    pub source: String,
    /// Year they describe (1900–2100).
    pub year: u16,
    /// The one value column (CSV) or property (GeoJSON) to import; `None`: all of them.
    pub column: Option<String>,
    /// The cell table's resolution (8–11).
    pub resolution: u8,
    /// How values in one cell combine.
    pub aggregate: Aggregate,
    /// The extract's bounding box, to catch swapped coordinates and to clip polygons.
    pub bbox: Option<BBox>,
}

/// Whether `name` is a valid layer name: a lower-case slug that is not a built-in indicator.
///
/// # Errors
/// A sentence saying why not.
pub fn check_layer_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let slug = chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !slug {
        return Err(format!(
            "layer name `{name}` is not a lower-case slug (letters, digits and `_`, starting with a letter)"
        ));
    }
    if crate::profile::Indicator::ALL
        .iter()
        .any(|i| i.as_str() == name)
    {
        return Err(format!(
            "layer name `{name}` is a built-in indicator; choose another"
        ));
    }
    Ok(())
}

impl ImportOptions {
    /// Options for layer `name` from `source` describing `year`: every value column, cells at
    /// the default resolution 10, [`Aggregate::Mean`], no bounding box.
    #[must_use]
    pub fn new(name: &str, source: &str, year: u16) -> Self {
        Self {
            name: name.to_owned(),
            source: source.to_owned(),
            year,
            column: None,
            resolution: crate::DEFAULT_RESOLUTION,
            aggregate: Aggregate::Mean,
            bbox: None,
        }
    }

    /// Check name, year and resolution.
    ///
    /// # Errors
    /// [`IndicatorError::Options`].
    pub fn check(&self) -> Result<h3o::Resolution, IndicatorError> {
        check_layer_name(&self.name).map_err(IndicatorError::Options)?;
        // Profiles may weight `observed_signs`, but only field observations make that layer.
        if self.name.starts_with(crate::signs::SIGNS_LAYER) {
            return Err(IndicatorError::Options(format!(
                "layer name `{}` is reserved for observed signs from the field; choose another",
                self.name
            )));
        }
        if !(1900..=2100).contains(&self.year) {
            return Err(IndicatorError::Options(format!(
                "year {} is out of range (1900 to 2100)",
                self.year
            )));
        }
        if self.source.trim().is_empty() {
            return Err(IndicatorError::Options(
                "the source is empty (say where the numbers come from)".into(),
            ));
        }
        crate::index::resolution(self.resolution)
            .map_err(|e| IndicatorError::Options(e.to_string()))
    }

    /// The layer name for value column `column` when `columns` are imported.
    fn layer_name(&self, column: &str, columns: usize) -> Result<String, IndicatorError> {
        if columns == 1 {
            return Ok(self.name.clone());
        }
        let slug: String = column
            .trim()
            .to_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let name = format!("{}_{slug}", self.name);
        check_layer_name(&name).map_err(IndicatorError::Options)?;
        Ok(name)
    }

    /// Empty layers, one per value column, named by [`ImportOptions::layer_name`].
    fn layers(&self, columns: &[String]) -> Result<Vec<IndicatorLayer>, IndicatorError> {
        columns
            .iter()
            .map(|c| {
                Ok(IndicatorLayer {
                    name: self.layer_name(c, columns.len())?,
                    source: self.source.trim().to_owned(),
                    year: self.year,
                    resolution: self.resolution,
                    values: BTreeMap::new(),
                })
            })
            .collect()
    }
}

/// Import a `.csv`, `.geojson` or `.json` file (by extension).
///
/// # Errors
/// [`IndicatorError`] naming the file, row and column; nothing partial is returned.
pub fn import_file(
    path: &Path,
    opts: &ImportOptions,
) -> Result<Vec<IndicatorLayer>, IndicatorError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| IndicatorError::Read {
        path: name.clone(),
        reason: e.to_string(),
    })?;
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" => import_csv(&text, &name, opts),
        "geojson" | "json" => import_geojson(&text, &name, opts),
        _ => Err(input(
            &name,
            At::File,
            "unknown kind of file (give a .csv, .geojson or .json file)",
        )),
    }
}

/// A number from a field: finite, not empty.
pub(crate) fn number(field: &str) -> Result<f64, String> {
    let t = field.trim();
    if t.is_empty() {
        return Err("empty value (give a number)".into());
    }
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(format!("`{t}` is not a finite number")),
        Err(_) => Err(format!("`{t}` is not a number")),
    }
}

/// The bounding box grown by a quarter of its size and at least 0.1° each way.
fn near(b: &BBox) -> BBox {
    let m = (0.25 * (b.max_lon - b.min_lon).max(b.max_lat - b.min_lat)).max(0.1);
    BBox {
        min_lon: b.min_lon - m,
        min_lat: b.min_lat - m,
        max_lon: b.max_lon + m,
        max_lat: b.max_lat + m,
    }
}

/// Which coordinate is wrong and why.
pub(crate) enum BadPoint {
    Lon(String),
    Lat(String),
}

/// Check a lon/lat pair: ranges, and (given the extract's box) a swapped pair.
pub(crate) fn check_point(lon: f64, lat: f64, bbox: Option<&BBox>) -> Result<(), BadPoint> {
    let swap_hint = format!("lon and lat look swapped (lon {lat}, lat {lon} would be valid)");
    if !(-90.0..=90.0).contains(&lat) {
        return Err(BadPoint::Lat(if (-90.0..=90.0).contains(&lon) {
            format!("latitude {lat} is outside -90 to 90; {swap_hint}")
        } else {
            format!("latitude {lat} is outside -90 to 90")
        }));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(BadPoint::Lon(format!(
            "longitude {lon} is outside -180 to 180"
        )));
    }
    if let Some(b) = bbox.filter(|b| !b.is_empty()) {
        let n = near(b);
        let here = LonLat { lon, lat };
        let swapped = LonLat { lon: lat, lat: lon };
        if !n.contains(here) && n.contains(swapped) {
            return Err(BadPoint::Lat(format!(
                "the point (lon {lon}, lat {lat}) lies far outside the extract \
                 (lon {:.3} to {:.3}, lat {:.3} to {:.3}) but its swapped pair lies inside: {swap_hint}",
                b.min_lon, b.max_lon, b.min_lat, b.max_lat
            )));
        }
    }
    Ok(())
}

/// With the extract's box given, refuse a file none of whose cells lies near it (the wrong file,
/// or the wrong extract).
pub(crate) fn check_near(
    path: &str,
    opts: &ImportOptions,
    layers: &[IndicatorLayer],
) -> Result<(), IndicatorError> {
    let Some(b) = opts.bbox.as_ref().filter(|b| !b.is_empty()) else {
        return Ok(());
    };
    let n = near(b);
    let any_near = layers.iter().flat_map(|l| l.values.keys()).any(|&c| {
        let ll = h3o::LatLng::from(c);
        n.contains(LonLat {
            lon: ll.lng(),
            lat: ll.lat(),
        })
    });
    if any_near {
        Ok(())
    } else {
        Err(input(
            path,
            At::File,
            format!(
                "no row lies near the extract (lon {:.3} to {:.3}, lat {:.3} to {:.3}): the wrong file, or the wrong atlas?",
                b.min_lon, b.max_lon, b.min_lat, b.max_lat
            ),
        ))
    }
}

/// Sums per cell for the [`Aggregate`] rule: value × weight and weight.
#[derive(Default)]
pub(crate) struct Acc(BTreeMap<CellIndex, (f64, f64)>);

impl Acc {
    pub(crate) fn add(&mut self, cell: CellIndex, value_times_weight: f64, weight: f64) {
        let e = self.0.entry(cell).or_insert((0.0, 0.0));
        e.0 += value_times_weight;
        e.1 += weight;
    }

    /// Per cell: the weighted mean (`Mean`) or the weighted sum (`Sum`).
    pub(crate) fn finish(self, rule: Aggregate) -> BTreeMap<CellIndex, f64> {
        self.0
            .into_iter()
            .filter(|(_, (_, w))| *w > 0.0)
            .map(|(c, (vw, w))| {
                (
                    c,
                    match rule {
                        Aggregate::Mean => vw / w,
                        Aggregate::Sum => vw,
                    },
                )
            })
            .collect()
    }
}

#[cfg(test)]
#[path = "indicators_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "indicators_geojson_tests.rs"]
mod geojson_tests;
