//! CSV indicator tables keyed by H3 cell or by lon/lat point (see the parent module).

use super::{Acc, At, BadPoint, ImportOptions, IndicatorError, IndicatorLayer, check_point, input};
use h3o::{CellIndex, LatLng};
use std::collections::BTreeMap;

/// How rows are placed.
enum Key {
    H3(usize),
    Point { lon: usize, lat: usize },
}

fn find(header: &[String], names: &[&str]) -> Option<usize> {
    header
        .iter()
        .position(|h| names.iter().any(|n| h.eq_ignore_ascii_case(n)))
}

const LON: [&str; 3] = ["lon", "lng", "longitude"];
const LAT: [&str; 2] = ["lat", "latitude"];

fn key(path: &str, header: &[String]) -> Result<Key, IndicatorError> {
    let row1 = At::Row {
        row: 1,
        column: None,
    };
    let h3 = find(header, &["h3"]);
    let (lon, lat) = (find(header, &LON), find(header, &LAT));
    match (h3, lon, lat) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(input(
            path,
            row1,
            "both an `h3` column and `lon`/`lat` columns: keep one key",
        )),
        (Some(c), None, None) => Ok(Key::H3(c)),
        (None, Some(lon), Some(lat)) => Ok(Key::Point { lon, lat }),
        (None, Some(_), None) => Err(input(path, row1, "missing column `lat` (there is `lon`)")),
        (None, None, Some(_)) => Err(input(path, row1, "missing column `lon` (there is `lat`)")),
        (None, None, None) => Err(input(
            path,
            row1,
            format!(
                "missing key column: give an `h3` column or `lon` and `lat` columns (columns: {})",
                header.join(", ")
            ),
        )),
    }
}

/// The delimiter: `;` or tab when the header line holds more of it than commas, else `,`.
fn delimiter(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let commas = first.matches(',').count();
    [
        (b';', first.matches(';').count()),
        (b'\t', first.matches('\t').count()),
    ]
    .into_iter()
    .filter(|&(_, n)| n > commas)
    .max_by_key(|&(_, n)| n)
    .map_or(b',', |(d, _)| d)
}

/// A number; with `decimal_comma` (files delimited by `;` or tab), `7,5` reads as 7.5.
fn number(field: &str, decimal_comma: bool) -> Result<f64, String> {
    if decimal_comma
        && field.matches(',').count() == 1
        && !field.contains('.')
        && let Ok(x) = super::number(&field.replace(',', "."))
    {
        return Ok(x);
    }
    super::number(field)
}

fn at(row: usize, header: &[String], c: usize) -> At {
    At::Row {
        row,
        column: Some((c + 1, header[c].clone())),
    }
}

/// Import a CSV table (`text`, named `path` in errors). The delimiter is `,`, or `;` or tab
/// when the header line holds more of it than commas (then decimal commas are read too, as in
/// Nordic spreadsheet exports: `7,5`). A UTF-8 byte-order mark is skipped.
///
/// # Errors
/// [`IndicatorError::Input`] naming the file, the row (the header is row 1) and the column: a
/// missing key or value column, a malformed row, an empty or non-numeric value, coordinates
/// out of range or swapped, a string that is not an H3 cell, a cell coarser than
/// `opts.resolution` or at another resolution than the file's first, a cell twice.
/// [`IndicatorError::Options`] for bad options. Nothing partial is returned.
pub fn import_csv(
    text: &str,
    path: &str,
    opts: &ImportOptions,
) -> Result<Vec<IndicatorLayer>, IndicatorError> {
    let res = opts.check()?;
    let delimiter = delimiter(text);
    let decimal_comma = delimiter != b',';
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| {
            input(
                path,
                At::Row {
                    row: 1,
                    column: None,
                },
                e.to_string(),
            )
        })?
        .iter()
        .map(str::to_owned)
        .collect();
    for (i, h) in header.iter().enumerate() {
        if let Some(j) = header[..i].iter().position(|g| g.eq_ignore_ascii_case(h)) {
            return Err(input(
                path,
                at(1, &header, i),
                format!("duplicate column name (also column {})", j + 1),
            ));
        }
    }
    let key = key(path, &header)?;
    let is_key = |c: usize| match key {
        Key::H3(k) => c == k,
        Key::Point { lon, lat } => c == lon || c == lat,
    };
    let value_cols: Vec<usize> = match &opts.column {
        Some(name) => match find(&header, &[name.as_str()]) {
            Some(c) if !is_key(c) => vec![c],
            Some(c) => {
                return Err(input(
                    path,
                    at(1, &header, c),
                    "is a key column, not a value column",
                ));
            }
            None => {
                return Err(input(
                    path,
                    At::Row {
                        row: 1,
                        column: None,
                    },
                    format!("missing column `{name}` (columns: {})", header.join(", ")),
                ));
            }
        },
        None => (0..header.len()).filter(|&c| !is_key(c)).collect(),
    };
    if value_cols.is_empty() {
        return Err(input(
            path,
            At::Row {
                row: 1,
                column: None,
            },
            "no value column besides the key",
        ));
    }
    let names: Vec<String> = value_cols.iter().map(|&c| header[c].clone()).collect();
    let mut layers = opts.layers(&names)?;
    let mut accs: Vec<Acc> = value_cols.iter().map(|_| Acc::default()).collect();
    // H3 keys: the file's resolution (from its first row) and the row of every cell seen.
    let mut file_res: Option<(h3o::Resolution, usize)> = None;
    let mut seen: BTreeMap<CellIndex, usize> = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = record.map_err(|e| {
            input(
                path,
                At::Row { row, column: None },
                match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("{len} fields, the header has {expected_len}"),
                    _ => e.to_string(),
                },
            )
        })?;
        let field = |c: usize| record.get(c).unwrap_or("");
        let cell = match key {
            Key::H3(c) => {
                let s = field(c);
                let fine: CellIndex = s.parse().map_err(|_| {
                    input(
                        path,
                        at(row, &header, c),
                        if s.is_empty() {
                            "empty value (give an H3 cell index)".to_owned()
                        } else {
                            format!("`{s}` is not an H3 cell index")
                        },
                    )
                })?;
                let r = fine.resolution();
                if r < res {
                    return Err(input(
                        path,
                        at(row, &header, c),
                        format!(
                            "H3 cell `{s}` is at resolution {}, coarser than the atlas's {}: give cells at resolution {} or finer, or the areas as GeoJSON polygons",
                            u8::from(r),
                            opts.resolution,
                            opts.resolution
                        ),
                    ));
                }
                match file_res {
                    None => file_res = Some((r, row)),
                    Some((fr, first)) if fr != r => {
                        return Err(input(
                            path,
                            at(row, &header, c),
                            format!(
                                "H3 cell `{s}` is at resolution {}, row {first} at {}: one resolution per file",
                                u8::from(r),
                                u8::from(fr)
                            ),
                        ));
                    }
                    Some(_) => {}
                }
                if let Some(first) = seen.insert(fine, row) {
                    return Err(input(
                        path,
                        at(row, &header, c),
                        format!("duplicate cell `{s}` (also on row {first})"),
                    ));
                }
                fine.parent(res).unwrap_or(fine)
            }
            Key::Point { lon, lat } => {
                let x = number(field(lon), decimal_comma)
                    .map_err(|p| input(path, at(row, &header, lon), p))?;
                let y = number(field(lat), decimal_comma)
                    .map_err(|p| input(path, at(row, &header, lat), p))?;
                check_point(x, y, opts.bbox.as_ref()).map_err(|b| match b {
                    BadPoint::Lon(p) => input(path, at(row, &header, lon), p),
                    BadPoint::Lat(p) => input(path, at(row, &header, lat), p),
                })?;
                LatLng::new(y, x)
                    .map_err(|e| input(path, at(row, &header, lat), e.to_string()))?
                    .to_cell(res)
            }
        };
        for (acc, &c) in accs.iter_mut().zip(&value_cols) {
            let v =
                number(field(c), decimal_comma).map_err(|p| input(path, at(row, &header, c), p))?;
            acc.add(cell, v, 1.0);
        }
    }
    if seen.is_empty() && accs.iter().all(|a| a.0.is_empty()) {
        return Err(input(path, At::File, "no data rows below the header"));
    }
    for (layer, acc) in layers.iter_mut().zip(accs) {
        layer.values = acc.finish(opts.aggregate);
    }
    super::check_near(path, opts, &layers)?;
    Ok(layers)
}
